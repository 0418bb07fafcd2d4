/*
 * Where each learner stands in their current practice problem (see
 * migration 0017). A learner's practice state is their record: every read
 * and write takes the access gate's grant for that learner's learning
 * records (RES_STATEMENTS, the learner's users.id): read to read, write to
 * write.
 */
#ifndef TRELLIS_STORE_PRACTICE_H
#define TRELLIS_STORE_PRACTICE_H

#include <stdint.h>

#include "base/common.h"

struct db;
struct grant;

struct practice_row {
    int64_t item_id;
    uint64_t seed;
    int64_t skill_id;
    char reason[24];
    int64_t spun_on;
    int64_t step, attempts, hints;
    bool done;
    char registration[40];
    int64_t served_ms;
    char recent[256];
};

/* The learner's current problem: 0, -ENOENT (none yet) or -EACCES (not under g). */
int store_practice_get(struct db *db, struct grant *g, int64_t user_id, struct practice_row *ret);
/* Replace it (inside the caller's write transaction). */
int store_practice_put(struct db *db, struct grant *g, int64_t user_id,
                       const struct practice_row *row);

#endif

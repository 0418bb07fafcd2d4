/*
 * The teacher views' reads (src/app/teach.c): a class's students and their
 * learner-model rows, under the gate's grant to read the class's learning
 * records (RES_CLASS_LEARNING). No access decision here: the service asks
 * the gate first. Days are days since 1970-01-01 (UTC).
 */
#ifndef TRELLIS_STORE_TEACH_H
#define TRELLIS_STORE_TEACH_H

#include <stdint.h>

#include "base/common.h"
#include "store/store_model.h"
#include "store/store_people.h"

struct db;
struct grant;

/*
 * The students enrolled in the class on day (active enrollment and record),
 * by family then given name then id; with student > 0 only that one (none:
 * -ENOENT). *ret malloc'ed. Notes each student in g.
 */
int store_teach_students(struct db *db, struct grant *g, int64_t class_id, int64_t student,
                         int64_t day, struct class_student **ret, size_t *ret_n);

/*
 * The learner model's rows of the class's students on day (with student >
 * 0, only theirs): cb(arg, user_id, row) for each, by learner then skill.
 * Notes each learner in g.
 */
int store_teach_mastery(struct db *db, struct grant *g, int64_t class_id, int64_t student,
                        int64_t day,
                        int (*cb)(void *arg, int64_t user_id, const struct model_mastery_row *row),
                        void *arg);

#endif

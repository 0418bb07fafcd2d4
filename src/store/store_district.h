/*
 * Districts: the tenants. Every student-scale row belongs to one.
 */
#ifndef TRELLIS_STORE_DISTRICT_H
#define TRELLIS_STORE_DISTRICT_H

#include <stdint.h>

#include "base/common.h"

struct db;

struct district_row {
    int64_t id;
    char sourced_id[256];
    char name[256];
    int64_t created_at;
};

/* The district with this sourcedId: 0, -ENOENT. */
int store_district_by_sourced_id(struct db *db, const char *sourced_id, struct district_row *ret);
int store_district_by_id(struct db *db, int64_t id, struct district_row *ret);
/* How many districts there are, and (if exactly one) which: 0 or negative errno. */
int store_district_count(struct db *db, int64_t *ret_count, struct district_row *ret_only);
/* Creating a district: store_district_create() in store_roster.h. */

#endif

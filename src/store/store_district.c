/*
 * Districts: see store_district.h.
 */
#include "base/common.h"

#include <stdio.h>

#include "store/db.h"
#include "store/store_district.h"

static void fill(struct db_stmt *st, struct district_row *d)
{
    d->id = db_col_int64(st, 0);
    snprintf(d->sourced_id, sizeof(d->sourced_id), "%s", db_col_text(st, 1));
    snprintf(d->name, sizeof(d->name), "%s", db_col_text(st, 2));
    d->created_at = db_col_int64(st, 3);
}

static int one(struct db *db, const char *sql, const char *fmt, const void *arg,
               struct district_row *ret)
{
    struct db_stmt *st;
    int r;

    if (fmt[0] == 's')
        r = db_query(db, &st, sql, fmt, (const char *)arg);
    else
        r = db_query(db, &st, sql, fmt, *(const int64_t *)arg);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        fill(st, ret);
        r = 0;
    } else if (r == 0) {
        r = -ENOENT;
    }
    db_done(st);
    return r;
}

int store_district_by_sourced_id(struct db *db, const char *sourced_id, struct district_row *ret)
{
    return one(db, "SELECT id, sourced_id, name, created_at FROM districts WHERE sourced_id = ?",
               "s", sourced_id, ret);
}

int store_district_by_id(struct db *db, int64_t id, struct district_row *ret)
{
    return one(db, "SELECT id, sourced_id, name, created_at FROM districts WHERE id = ?", "i", &id,
               ret);
}

int store_district_count(struct db *db, int64_t *ret_count, struct district_row *ret_only)
{
    struct db_stmt *st;
    int64_t n = 0;
    int r = db_query(
        db, &st, "SELECT id, sourced_id, name, created_at FROM districts ORDER BY id LIMIT 2", "");
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        if (n == 0 && ret_only)
            fill(st, ret_only);
        n++;
    }
    db_done(st);
    if (r < 0)
        return r;
    if (n > 1) {
        r = db_query_int64(db, &n, "SELECT COUNT(*) FROM districts", "");
        if (r < 0)
            return r;
    }
    *ret_count = n;
    return 0;
}

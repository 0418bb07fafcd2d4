/*
 * The learner's place in their current practice problem: see store_practice.h.
 */
#include "base/common.h"

#include <stdio.h>

#include "store/db.h"
#include "store/grant_impl.h"
#include "store/store_practice.h"

int store_practice_get(struct db *db, struct grant *g, int64_t user_id, struct practice_row *ret)
{
    struct db_stmt *st;
    int r = grant_covers(g, db, RES_STATEMENTS, g ? g->district_id : 0, user_id,
                         ACT_READ | ACT_LIST | ACT_WRITE);
    if (r < 0)
        return r;
    r = db_query(db, &st,
                 "SELECT item_id, seed, skill_id, reason, spun_on, step, attempts, hints, done, "
                 "registration, served_ms, recent FROM practice_current "
                 "WHERE district_id = ? AND user_id = ?",
                 "ii", g->district_id, user_id);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        ret->item_id = db_col_int64(st, 0);
        ret->seed = (uint64_t)db_col_int64(st, 1);
        ret->skill_id = db_col_int64(st, 2);
        snprintf(ret->reason, sizeof(ret->reason), "%s", db_col_text(st, 3));
        ret->spun_on = db_col_int64(st, 4);
        ret->step = db_col_int64(st, 5);
        ret->attempts = db_col_int64(st, 6);
        ret->hints = db_col_int64(st, 7);
        ret->done = db_col_int64(st, 8) != 0;
        snprintf(ret->registration, sizeof(ret->registration), "%s", db_col_text(st, 9));
        ret->served_ms = db_col_int64(st, 10);
        snprintf(ret->recent, sizeof(ret->recent), "%s", db_col_text(st, 11));
        r = 0;
    } else if (r == 0) {
        r = -ENOENT;
    }
    db_done(st);
    return r;
}

int store_practice_put(struct db *db, struct grant *g, int64_t user_id,
                       const struct practice_row *row)
{
    int r = grant_covers(g, db, RES_STATEMENTS, g ? g->district_id : 0, user_id, ACT_WRITE);
    if (r < 0)
        return r;
    int64_t n = db_exec(
        db,
        "INSERT INTO practice_current (district_id, user_id, item_id, seed, skill_id, reason, "
        "spun_on, step, attempts, hints, done, registration, served_ms, recent) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (district_id, user_id) DO UPDATE SET item_id = excluded.item_id, "
        "seed = excluded.seed, skill_id = excluded.skill_id, reason = excluded.reason, "
        "spun_on = excluded.spun_on, step = excluded.step, attempts = excluded.attempts, "
        "hints = excluded.hints, done = excluded.done, registration = excluded.registration, "
        "served_ms = excluded.served_ms, recent = excluded.recent",
        "iiiiisiiiiisis", g->district_id, user_id, row->item_id, (int64_t)row->seed, row->skill_id,
        row->reason, row->spun_on, row->step, row->attempts, row->hints, (int64_t)row->done,
        row->registration, row->served_ms, row->recent);
    return n < 0 ? (int)n : 0;
}

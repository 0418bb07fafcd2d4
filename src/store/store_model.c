/*
 * The learner model's tables: see store_model.h.
 */
#include "base/common.h"

#include <stdio.h>

#include "base/mem.h"
#include "store/db.h"
#include "store/grant_impl.h"
#include "store/store_model.h"
#include "store/store_schoolview.h"

#define SKILL_COLS \
    "id, skill, prior, learn, forget, guess, slip, fitted_ms, fit_answers, fit_loglik"

static void skill_fill(struct db_stmt *st, struct model_skill_row *r)
{
    r->id = db_col_int64(st, 0);
    snprintf(r->skill, sizeof(r->skill), "%s", db_col_text(st, 1));
    r->prior = db_col_double(st, 2);
    r->learn = db_col_double(st, 3);
    r->forget = db_col_double(st, 4);
    r->guess = db_col_double(st, 5);
    r->slip = db_col_double(st, 6);
    r->fitted_ms = db_col_int64(st, 7);
    r->fit_answers = db_col_int64(st, 8);
    r->fit_loglik = db_col_double(st, 9);
}

int store_model_skill(struct db *db, int64_t district_id, const char *skill,
                      struct model_skill_row *ret)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT " SKILL_COLS " FROM model_skills WHERE district_id = ? AND skill = ?",
                     "is", district_id, skill);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        skill_fill(st, ret);
        r = 0;
    } else if (r == 0) {
        r = -ENOENT;
    }
    db_done(st);
    return r;
}

int store_model_skill_add(struct db *db, int64_t district_id, struct model_skill_row *row)
{
    return db_query_int64(db, &row->id,
                          "INSERT INTO model_skills (district_id, skill, prior, learn, forget, "
                          "guess, slip, fitted_ms, fit_answers, fit_loglik) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                          "isdddddiid", district_id, row->skill, row->prior, row->learn,
                          row->forget, row->guess, row->slip, row->fitted_ms, row->fit_answers,
                          row->fit_loglik);
}

int store_model_skill_put(struct db *db, int64_t district_id, const struct model_skill_row *row)
{
    int64_t n = db_exec(db,
                        "UPDATE model_skills SET prior = ?, learn = ?, forget = ?, guess = ?, "
                        "slip = ?, fitted_ms = ?, fit_answers = ?, fit_loglik = ? "
                        "WHERE district_id = ? AND id = ?",
                        "dddddiidii", row->prior, row->learn, row->forget, row->guess, row->slip,
                        row->fitted_ms, row->fit_answers, row->fit_loglik, district_id, row->id);
    if (n < 0)
        return (int)n;
    return n == 1 ? 0 : -ENOENT;
}

int store_model_skills(struct db *db, int64_t district_id,
                       int (*cb)(void *arg, const struct model_skill_row *row), void *arg)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT " SKILL_COLS " FROM model_skills WHERE district_id = ? ORDER BY skill",
                     "i", district_id);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        struct model_skill_row row;
        skill_fill(st, &row);
        if ((r = cb(arg, &row)) != 0)
            break;
    }
    db_done(st);
    return r;
}

int store_model_mastery(struct db *db, int64_t district_id, int64_t user_id, int64_t skill_id,
                        struct model_mastery_row *ret)
{
    struct db_stmt *st;
    int r = db_query(
        db, &st,
        "SELECT p_mastery, answers, correct, last_ms, COALESCE(p_unmastered, 1 - p_mastery), "
        "attempts_open, hints, last_day, fsrs_stability, fsrs_difficulty, mastered_ms "
        "FROM model_mastery "
        "WHERE district_id = ? AND user_id = ? AND skill_id = ?",
        "iii", district_id, user_id, skill_id);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        ret->skill_id = skill_id;
        ret->p_mastery = db_col_double(st, 0);
        ret->answers = db_col_int64(st, 1);
        ret->correct = db_col_int64(st, 2);
        ret->last_ms = db_col_int64(st, 3);
        ret->p_unmastered = db_col_double(st, 4);
        ret->attempts_open = db_col_int64(st, 5);
        ret->hints = db_col_int64(st, 6);
        ret->last_day = db_col_int64(st, 7);
        ret->fsrs_stability = db_col_double(st, 8);
        ret->fsrs_difficulty = db_col_double(st, 9);
        ret->mastered_ms = db_col_int64(st, 10);
        r = 0;
    } else if (r == 0) {
        r = -ENOENT;
    }
    db_done(st);
    return r;
}

int store_model_mastery_put(struct db *db, int64_t district_id, int64_t user_id,
                            const struct model_mastery_row *row)
{
    int64_t n = db_exec(db,
                        "INSERT INTO model_mastery (district_id, user_id, skill_id, p_mastery, "
                        "p_unmastered, answers, correct, last_ms, attempts_open, hints, last_day, "
                        "fsrs_stability, fsrs_difficulty, mastered_ms) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT (district_id, user_id, skill_id) DO UPDATE SET "
                        "p_mastery = excluded.p_mastery, p_unmastered = excluded.p_unmastered, "
                        "answers = excluded.answers, correct = excluded.correct, "
                        "last_ms = excluded.last_ms, attempts_open = excluded.attempts_open, "
                        "hints = excluded.hints, last_day = excluded.last_day, "
                        "fsrs_stability = excluded.fsrs_stability, "
                        "fsrs_difficulty = excluded.fsrs_difficulty, "
                        "mastered_ms = excluded.mastered_ms",
                        "iiiddiiiiiiddi", district_id, user_id, row->skill_id, row->p_mastery,
                        row->p_unmastered, row->answers, row->correct, row->last_ms,
                        row->attempts_open, row->hints, row->last_day, row->fsrs_stability,
                        row->fsrs_difficulty, row->mastered_ms);
    return n < 0 ? (int)n : 0;
}

int store_model_mastery_of(struct db *db, struct grant *g, int64_t user_id,
                           int (*cb)(void *arg, const struct model_skill_row *skill,
                                     const struct model_mastery_row *row),
                           void *arg)
{
    struct db_stmt *st;
    int64_t district_id = g ? g->district_id : 0;
    int r = grant_covers(g, db, RES_MASTERY, district_id, user_id, ACT_READ | ACT_LIST);

    if (r < 0)
        return r;
    grant_note(g, user_id);
    r = db_query(db, &st,
                 "SELECT s.id, s.skill, s.prior, s.learn, s.forget, s.guess, s.slip, "
                 "s.fitted_ms, s.fit_answers, s.fit_loglik, m.p_mastery, m.answers, "
                 "m.correct, m.last_ms, COALESCE(m.p_unmastered, 1 - m.p_mastery), "
                 "m.attempts_open, m.hints, m.last_day, m.fsrs_stability, m.fsrs_difficulty, "
                 "m.mastered_ms FROM model_mastery m JOIN model_skills s "
                 "ON s.id = m.skill_id WHERE m.district_id = ? AND m.user_id = ? "
                 "ORDER BY s.skill",
                 "ii", district_id, user_id);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        struct model_skill_row s;
        struct model_mastery_row m;
        skill_fill(st, &s);
        m.skill_id = s.id;
        m.p_mastery = db_col_double(st, 10);
        m.answers = db_col_int64(st, 11);
        m.correct = db_col_int64(st, 12);
        m.last_ms = db_col_int64(st, 13);
        m.p_unmastered = db_col_double(st, 14);
        m.attempts_open = db_col_int64(st, 15);
        m.hints = db_col_int64(st, 16);
        m.last_day = db_col_int64(st, 17);
        m.fsrs_stability = db_col_double(st, 18);
        m.fsrs_difficulty = db_col_double(st, 19);
        m.mastered_ms = db_col_int64(st, 20);
        if ((r = cb(arg, &s, &m)) != 0)
            break;
    }
    db_done(st);
    return r;
}

int store_model_cursor(struct db *db, int64_t district_id, int64_t *ret_seq)
{
    int r = db_query_int64(db, ret_seq, "SELECT last_seq FROM model_cursor WHERE district_id = ?",
                           "i", district_id);
    if (r == -ENOENT) {
        *ret_seq = 0;
        r = 0;
    }
    return r;
}

int store_model_set_cursor(struct db *db, int64_t district_id, int64_t seq)
{
    int64_t n = db_exec(db,
                        "INSERT INTO model_cursor (district_id, last_seq) VALUES (?, ?) "
                        "ON CONFLICT (district_id) DO UPDATE SET last_seq = excluded.last_seq",
                        "ii", district_id, seq);
    return n < 0 ? (int)n : 0;
}

int store_model_day_add(struct db *db, int64_t district_id, int64_t user_id,
                        const struct model_day_row *row)
{
    int64_t n = db_exec(db,
                        "INSERT INTO model_days (district_id, user_id, day, skill_id, answers, "
                        "correct, hints, mastered, last_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT (district_id, user_id, day, skill_id) DO UPDATE SET "
                        "answers = model_days.answers + excluded.answers, "
                        "correct = model_days.correct + excluded.correct, "
                        "hints = model_days.hints + excluded.hints, "
                        "mastered = model_days.mastered + excluded.mastered, "
                        "last_ms = CASE WHEN excluded.last_ms > model_days.last_ms THEN "
                        "excluded.last_ms ELSE model_days.last_ms END",
                        "iiiiiiiii", district_id, user_id, row->day, row->skill_id, row->answers,
                        row->correct, row->hints, row->mastered, row->last_ms);
    return n < 0 ? (int)n : 0;
}

int store_model_days_of(struct db *db, struct grant *g, int64_t user_id, int64_t since_day,
                        int (*cb)(void *arg, const struct model_day_row *row), void *arg)
{
    struct db_stmt *st;
    int64_t district_id = g ? g->district_id : 0;
    int r = grant_covers(g, db, RES_MASTERY, district_id, user_id, ACT_READ);

    if (r < 0)
        return r;
    grant_note(g, user_id);
    r = db_query(db, &st,
                 "SELECT d.day, d.skill_id, s.skill, d.answers, d.correct, d.hints, d.mastered, "
                 "d.last_ms FROM model_days d JOIN model_skills s ON s.id = d.skill_id "
                 "WHERE d.district_id = ? AND d.user_id = ? AND d.day >= ? "
                 "ORDER BY d.day DESC, s.skill",
                 "iii", district_id, user_id, since_day);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        struct model_day_row d;
        d.day = db_col_int64(st, 0);
        d.skill_id = db_col_int64(st, 1);
        snprintf(d.skill, sizeof(d.skill), "%s", db_col_text(st, 2));
        d.answers = db_col_int64(st, 3);
        d.correct = db_col_int64(st, 4);
        d.hints = db_col_int64(st, 5);
        d.mastered = db_col_int64(st, 6);
        d.last_ms = db_col_int64(st, 7);
        if ((r = cb(arg, &d)) < 0)
            break;
    }
    db_done(st);
    return r < 0 ? r : 0;
}

int store_model_reset(struct db *db, int64_t district_id)
{
    int64_t n = db_exec(db, "DELETE FROM model_mastery WHERE district_id = ?", "i", district_id);
    if (n >= 0)
        n = db_exec(db, "DELETE FROM model_learners WHERE district_id = ?", "i", district_id);
    if (n >= 0)
        n = db_exec(db, "DELETE FROM model_weekly WHERE district_id = ?", "i", district_id);
    if (n >= 0)
        n = db_exec(db, "DELETE FROM model_days WHERE district_id = ?", "i", district_id);
    if (n >= 0)
        n = db_exec(db, "DELETE FROM model_cursor WHERE district_id = ?", "i", district_id);
    if (n >= 0)
        n = store_sv_forget(db, district_id, true);
    return n < 0 ? (int)n : 0;
}

struct ids {
    int64_t *v;
    size_t n, cap;
};

static int id_add(void *arg, int64_t id)
{
    struct ids *x = arg;
    if (x->n == x->cap) {
        size_t cap = x->cap ? 2 * x->cap : 8;
        int64_t *v = mem_realloc(x->v, cap * sizeof(*v));
        if (!v)
            return -ENOMEM;
        x->v = v;
        x->cap = cap;
    }
    x->v[x->n++] = id;
    return 0;
}

int store_model_reset_all(struct db *db)
{
    struct ids x = {0};
    int r = store_model_districts(db, id_add, &x);

    /* the districts first, then each reset (no write while the list is read) */
    for (size_t i = 0; r >= 0 && i < x.n; i++)
        r = store_model_reset(db, x.v[i]);
    mem_free(x.v);
    return r < 0 ? r : 0;
}

int store_model_forget_user(struct db *db, int64_t district_id, int64_t user_id)
{
    int64_t n = db_exec(db, "DELETE FROM model_mastery WHERE district_id = ? AND user_id = ?", "ii",
                        district_id, user_id);
    if (n >= 0)
        n = db_exec(db, "DELETE FROM model_learners WHERE district_id = ? AND user_id = ?", "ii",
                    district_id, user_id);
    if (n >= 0)
        n = db_exec(db, "DELETE FROM model_weekly WHERE district_id = ? AND user_id = ?", "ii",
                    district_id, user_id);
    if (n >= 0)
        n = db_exec(db, "DELETE FROM model_days WHERE district_id = ? AND user_id = ?", "ii",
                    district_id, user_id);
    if (n >= 0)
        n = store_sv_forget(db, district_id, false);
    return n < 0 ? (int)n : 0;
}

int store_model_usage_add(struct db *db, int64_t district_id, int64_t user_id,
                          const struct model_usage *u)
{
    struct sv_usage sv = {0};
    int64_t n = 0;
    if (!u->answers && !u->seconds && !u->gained && !u->lost)
        return 0;
    if ((n = store_sv_usage_begin(db, district_id, user_id, u->week, &sv)) < 0)
        return (int)n;
    n = db_exec(db,
                "INSERT INTO model_weekly (district_id, user_id, week, answers, seconds, "
                "gained, lost) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (district_id, user_id, week) DO UPDATE SET "
                "answers = model_weekly.answers + excluded.answers, "
                "seconds = model_weekly.seconds + excluded.seconds, "
                "gained = model_weekly.gained + excluded.gained, "
                "lost = model_weekly.lost + excluded.lost",
                "iiiiiii", district_id, user_id, u->week, u->answers, u->seconds, u->gained,
                u->lost);
    if (n >= 0 && u->gained != u->lost)
        n = db_exec(db,
                    "INSERT INTO model_learners (district_id, user_id, mastered) VALUES (?, ?, ?) "
                    "ON CONFLICT (district_id, user_id) DO UPDATE SET "
                    "mastered = model_learners.mastered + excluded.mastered",
                    "iii", district_id, user_id, u->gained - u->lost);
    if (n >= 0)
        n = store_sv_usage_end(db, district_id, user_id, &sv, u->week, u->answers, u->seconds,
                               u->gained - u->lost, u->gained - u->lost);
    return n < 0 ? (int)n : 0;
}

int store_model_lock(struct db *db, int64_t district_id)
{
    /* a district without a cursor yet gets one at 0 (what a missing row reads as), so there is
     * always a row to lock */
    int64_t n = db_exec(db,
                        "INSERT INTO model_cursor (district_id, last_seq) VALUES (?, 0) "
                        "ON CONFLICT (district_id) DO NOTHING",
                        "i", district_id);
    if (n >= 0)
        n = db_exec(db, "UPDATE model_cursor SET last_seq = last_seq WHERE district_id = ?", "i",
                    district_id);
    return n < 0 ? (int)n : 0;
}

int store_model_districts(struct db *db, int (*cb)(void *arg, int64_t district_id), void *arg)
{
    struct db_stmt *st;
    int r = db_query(db, &st, "SELECT id FROM districts ORDER BY id", "");
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0)
        if ((r = cb(arg, db_col_int64(st, 0))) != 0)
            break;
    db_done(st);
    return r;
}

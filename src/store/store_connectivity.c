/*
 * Home connectivity: see store_connectivity.h. Every function that returns
 * students checks the gate's grant and notes them in it; the sealed columns
 * are returned as they are stored (the service opens them).
 */
#include "base/common.h"

#include <stdio.h>

#include "store/db.h"
#include "store/grant_impl.h"
#include "store/store_connectivity.h"

/* The enrollment alias e is active on the day bound twice after it. */
#define ENR_NOW(e)                                                                         \
    " AND " e ".status = 'active' AND (" e ".begin_date IS NULL OR " e ".begin_date <= ?)" \
    " AND (" e ".end_date IS NULL OR " e ".end_date >= ?)"
/* The class of enrollment alias e is active and has a term that holds the day (bound twice). */
#define CLASS_NOW(e)                                                                         \
    " AND EXISTS (SELECT 1 FROM classes c JOIN class_terms ct ON ct.district_id = "          \
    "c.district_id AND ct.class_id = c.id JOIN academic_sessions s ON s.id = ct.session_id " \
    "WHERE c.id = " e ".class_id AND c.status = 'active' AND s.status = 'active' AND "       \
    "s.start_date <= ? AND s.end_date >= ?)"
/*
 * The active students of a school on a day, of one class unless 0 (bound:
 * district, school, class, class, day x4).
 */
#define SCHOOL_STUDENTS                                                                    \
    "SELECT DISTINCT e.user_id FROM enrollments e JOIN users u ON u.id = e.user_id WHERE " \
    "e.district_id = ? AND e.school_id = ? AND (? = 0 OR e.class_id = ?) AND e.role = "    \
    "'student' AND u.status = 'active'" ENR_NOW("e") CLASS_NOW("e")
/* The first guardian of student alias u (bound: district twice). */
#define HOUSEHOLD(u)                                                                    \
    "(SELECT MIN(h.g) FROM (SELECT ua.agent_id AS g FROM user_agents ua JOIN users gu " \
    "ON gu.id = ua.agent_id WHERE ua.district_id = ? AND ua.user_id = " u               \
    ".id AND gu.role <> 'student' UNION SELECT ua.user_id FROM user_agents ua JOIN "    \
    "users gu ON gu.id = ua.user_id WHERE ua.district_id = ? AND ua.agent_id = " u      \
    ".id AND gu.role <> 'student') h)"

static int covers(struct grant *g, struct db *db, enum access_kind kind, unsigned action)
{
    if (!g || g->magic != GRANT_MAGIC || g->id <= 0)
        return -EACCES;
    return grant_covers(g, db, kind, g->district_id, g->id, action);
}

/* ---- survey codes ---- */

int store_conn_code_insert(struct db *db, struct grant *g, int64_t user_id,
                           const uint8_t idx[SEAL_INDEX_LEN], int64_t issued_by, int64_t issued_ms,
                           int64_t expires_ms)
{
    int r = covers(g, db, RES_SCHOOL_CONNECTIVITY, ACT_WRITE);
    if (r < 0)
        return r;
    int64_t n =
        db_exec(db,
                "INSERT INTO survey_codes (district_id, school_id, user_id, code_index, "
                "issued_by, issued_ms, expires_ms, used_ms) VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
                "iiibzii", g->district_id, g->id, user_id, idx, (size_t)SEAL_INDEX_LEN, issued_by,
                issued_ms, expires_ms);
    return n < 0 ? (int)n : 0;
}

int store_conn_code_by_index(struct db *db, const uint8_t idx[SEAL_INDEX_LEN],
                             struct conn_code *ret)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT id, district_id, school_id, user_id, issued_ms, expires_ms, used_ms "
                     "FROM survey_codes WHERE code_index = ?",
                     "b", idx, (size_t)SEAL_INDEX_LEN);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        ret->id = db_col_int64(st, 0);
        ret->district_id = db_col_int64(st, 1);
        ret->school_id = db_col_int64(st, 2);
        ret->user_id = db_col_int64(st, 3);
        ret->issued_ms = db_col_int64(st, 4);
        ret->expires_ms = db_col_int64(st, 5);
        ret->used_ms = db_col_int64(st, 6);
        r = 0;
    } else if (r == 0) {
        r = -ENOENT;
    }
    db_done(st);
    return r;
}

int store_conn_code_use(struct db *db, int64_t id, int64_t now_ms)
{
    int64_t n = db_exec(db, "UPDATE survey_codes SET used_ms = ? WHERE id = ? AND used_ms = 0",
                        "ii", now_ms, id);
    return n < 0 ? (int)n : n > 0;
}

/* ---- students ---- */

int store_conn_school_students(struct db *db, struct grant *g, int64_t class_id, int64_t day,
                               int (*cb)(void *arg, const struct conn_student *s), void *arg)
{
    struct db_stmt *st;
    int64_t d = g ? g->district_id : 0, school = g ? g->id : 0;
    int r = covers(g, db, RES_SCHOOL_CONNECTIVITY, ACT_LIST | ACT_WRITE);
    if (r < 0)
        return r;
    if (class_id) {
        int64_t found;
        r = db_query_int64(db, &found,
                           "SELECT id FROM classes WHERE district_id = ? AND id = ? AND "
                           "school_id = ?",
                           "iii", d, class_id, school);
        if (r < 0)
            return r == -ENOENT ? -EINVAL : r;
    }
    r = db_query(
        db, &st,
        "SELECT u.id, u.given_name, u.preferred_given_name, u.family_name, u.grades, "
        "COALESCE(" HOUSEHOLD(
            "u") ", 0), a.id, a.answered_ms, a.source, a.answers_sealed, "
                 "k.issued_ms, k.expires_ms, k.used_ms FROM users u LEFT JOIN survey_answers a ON "
                 "a.id = (SELECT MAX(x.id) FROM survey_answers x WHERE x.district_id = "
                 "u.district_id "
                 "AND x.user_id = u.id) LEFT JOIN survey_codes k ON k.id = (SELECT MAX(y.id) FROM "
                 "survey_codes y WHERE y.district_id = u.district_id AND y.user_id = u.id) WHERE "
                 "u.district_id = ? AND u.id IN (" SCHOOL_STUDENTS ") ORDER BY u.family_name, "
                 "u.given_name, u.id",
        "iiiiiiiiiii", d, d, d, d, school, class_id, class_id, day, day, day, day);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        struct conn_student s = {
            .id = db_col_int64(st, 0),
            .given_name = db_col_text(st, 1),
            .preferred_given_name = db_col_null(st, 2) ? NULL : db_col_text(st, 2),
            .family_name = db_col_text(st, 3),
            .grades = db_col_text(st, 4),
            .household_id = db_col_int64(st, 5),
        };
        if (!db_col_null(st, 6)) {
            s.answer_id = db_col_int64(st, 6);
            s.answered_ms = db_col_int64(st, 7);
            s.source = db_col_text(st, 8);
            s.sealed = db_col_blob(st, 9, &s.sealed_len);
        }
        if (!db_col_null(st, 10)) {
            s.code_issued_ms = db_col_int64(st, 10);
            s.code_expires_ms = db_col_int64(st, 11);
            s.code_used_ms = db_col_int64(st, 12);
        }
        grant_note(g, s.id);
        if (s.sealed)
            g->sealed_opened = true;
        r = cb(arg, &s);
        if (r < 0)
            break;
    }
    db_done(st);
    return r < 0 ? r : 0;
}

int store_conn_household(struct db *db, int64_t district_id, int64_t user_id, int64_t *ret)
{
    int64_t v = 0;
    int r = db_query_int64(db, &v,
                           "SELECT " HOUSEHOLD("u") " FROM users u WHERE u.district_id = ? AND "
                                                    "u.id = ?",
                           "iiii", district_id, district_id, district_id, user_id);
    if (r < 0 && r != -ENOENT)
        return r;
    *ret = r == 0 ? v : 0;
    return 0;
}

/* ---- answers ---- */

int store_conn_answer_insert(struct db *db, int64_t district_id, const struct conn_answer *a,
                             int64_t *ret_id)
{
    return db_query_int64(
        db, ret_id,
        "INSERT INTO survey_answers (district_id, user_id, household_id, source, "
        "code_id, entered_by, answered_ms, answers_sealed) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "RETURNING id",
        "iizszzib", district_id, a->user_id, a->household_id, a->source, a->code_id, a->entered_by,
        a->answered_ms, a->sealed, a->sealed_len);
}

int store_conn_answers(struct db *db, struct grant *g,
                       int (*cb)(void *arg, const struct conn_answer *a), void *arg)
{
    struct db_stmt *st;
    int r = covers(g, db, RES_CONNECTIVITY, ACT_READ | ACT_LIST);
    if (r < 0)
        return r;
    r = db_query(db, &st,
                 "SELECT id, user_id, COALESCE(household_id, 0), source, COALESCE(code_id, 0), "
                 "COALESCE(entered_by, 0), answered_ms, answers_sealed FROM survey_answers WHERE "
                 "district_id = ? AND user_id = ? ORDER BY answered_ms DESC, id DESC",
                 "ii", g->district_id, g->id);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        struct conn_answer a = {
            .id = db_col_int64(st, 0),
            .user_id = db_col_int64(st, 1),
            .household_id = db_col_int64(st, 2),
            .source = db_col_text(st, 3),
            .code_id = db_col_int64(st, 4),
            .entered_by = db_col_int64(st, 5),
            .answered_ms = db_col_int64(st, 6),
        };
        a.sealed = db_col_blob(st, 7, &a.sealed_len);
        g->sealed_opened = true;
        r = cb(arg, &a);
        if (r < 0)
            break;
    }
    db_done(st);
    /* that the student has no answers is told about them too */
    if (r == 0)
        grant_note(g, g->id);
    return r < 0 ? r : 0;
}

/* ---- referrals ---- */

#define REF_COLS                                                                              \
    "r.id, r.user_id, r.programme, r.provider, r.status, r.outcome_sealed, "                  \
    "COALESCE(r.created_by, 0), r.created_ms, r.updated_ms, u.given_name, "                   \
    "u.preferred_given_name, u.family_name FROM internet_referrals r JOIN users u ON u.id = " \
    "r.user_id"

static int ref_rows(struct db_stmt *st, struct grant *g,
                    int (*cb)(void *arg, const struct conn_referral *x), void *arg, bool *found)
{
    int r;
    while ((r = db_step(st)) > 0) {
        struct conn_referral x = {
            .id = db_col_int64(st, 0),
            .user_id = db_col_int64(st, 1),
            .programme = db_col_text(st, 2),
            .provider = db_col_text(st, 3),
            .status = db_col_text(st, 4),
            .created_by = db_col_int64(st, 6),
            .created_ms = db_col_int64(st, 7),
            .updated_ms = db_col_int64(st, 8),
            .given_name = db_col_text(st, 9),
            .preferred_given_name = db_col_null(st, 10) ? NULL : db_col_text(st, 10),
            .family_name = db_col_text(st, 11),
        };
        if (!db_col_null(st, 5)) {
            x.outcome_sealed = db_col_blob(st, 5, &x.outcome_len);
            g->sealed_opened = true;
        }
        grant_note(g, x.user_id);
        if (found)
            *found = true;
        r = cb(arg, &x);
        if (r < 0)
            break;
    }
    db_done(st);
    return r < 0 ? r : 0;
}

int store_conn_referral_insert(struct db *db, struct grant *g, const struct conn_referral *x,
                               int64_t *ret_id)
{
    int r = covers(g, db, RES_CONNECTIVITY, ACT_WRITE);
    if (r < 0)
        return r;
    r = db_query_int64(
        db, ret_id,
        "INSERT INTO internet_referrals (district_id, user_id, programme, provider, "
        "status, outcome_sealed, created_by, created_ms, updated_ms) VALUES (?, ?, ?, ?, "
        "?, ?, ?, ?, ?) RETURNING id",
        "iisssbzii", g->district_id, g->id, x->programme, x->provider, x->status, x->outcome_sealed,
        x->outcome_len, x->created_by, x->created_ms, x->updated_ms);
    if (r < 0)
        return r;
    int64_t n = db_exec(db,
                        "INSERT INTO internet_referral_events (district_id, referral_id, status, "
                        "note_sealed, by_user, at_ms) VALUES (?, ?, ?, ?, ?, ?)",
                        "iisbzi", g->district_id, *ret_id, x->status, x->outcome_sealed,
                        x->outcome_len, x->created_by, x->created_ms);
    return n < 0 ? (int)n : 0;
}

/* two integers of the row with this id (its district and owner): -ENOENT when there is none */
static int owner_of(struct db *db, const char *sql, int64_t id, int64_t *ret_a, int64_t *ret_b)
{
    struct db_stmt *st;
    int r = db_query(db, &st, sql, "i", id);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        *ret_a = db_col_int64(st, 0);
        *ret_b = db_col_int64(st, 1);
        r = 0;
    } else if (r == 0) {
        r = -ENOENT;
    }
    db_done(st);
    return r;
}

int store_conn_referral_owner(struct db *db, int64_t id, int64_t *ret_district, int64_t *ret_user)
{
    return owner_of(db, "SELECT district_id, user_id FROM internet_referrals WHERE id = ?", id,
                    ret_district, ret_user);
}

int store_conn_referral_get(struct db *db, struct grant *g, int64_t id,
                            int (*cb)(void *arg, const struct conn_referral *x), void *arg)
{
    struct db_stmt *st;
    bool found = false;
    int r = covers(g, db, RES_CONNECTIVITY, ACT_READ | ACT_WRITE);
    if (r < 0)
        return r;
    r = db_query(db, &st,
                 "SELECT " REF_COLS " WHERE r.district_id = ? AND r.user_id = ? AND r.id = ?",
                 "iii", g->district_id, g->id, id);
    if (r < 0)
        return r;
    r = ref_rows(st, g, cb, arg, &found);
    return r < 0 ? r : found ? 0 : -ENOENT;
}

int store_conn_referral_set(struct db *db, struct grant *g, int64_t id, const char *status,
                            const void *note, size_t note_len, int64_t by_user, int64_t now_ms)
{
    int r = covers(g, db, RES_CONNECTIVITY, ACT_WRITE);
    if (r < 0)
        return r;
    int64_t n;
    if (note)
        n = db_exec(db,
                    "UPDATE internet_referrals SET status = ?, outcome_sealed = ?, updated_ms = ? "
                    "WHERE district_id = ? AND user_id = ? AND id = ?",
                    "sbiiii", status, note, note_len, now_ms, g->district_id, g->id, id);
    else
        n = db_exec(db,
                    "UPDATE internet_referrals SET status = ?, updated_ms = ? WHERE district_id = "
                    "? AND user_id = ? AND id = ?",
                    "siiii", status, now_ms, g->district_id, g->id, id);
    if (n < 0)
        return (int)n;
    if (n == 0)
        return -ENOENT;
    n = db_exec(db,
                "INSERT INTO internet_referral_events (district_id, referral_id, status, "
                "note_sealed, by_user, at_ms) VALUES (?, ?, ?, ?, ?, ?)",
                "iisbzi", g->district_id, id, status, note, note_len, by_user, now_ms);
    return n < 0 ? (int)n : 0;
}

int store_conn_referrals(struct db *db, struct grant *g,
                         int (*cb)(void *arg, const struct conn_referral *x), void *arg)
{
    struct db_stmt *st;
    int r = covers(g, db, RES_CONNECTIVITY, ACT_READ | ACT_LIST);
    if (r < 0)
        return r;
    r = db_query(db, &st,
                 "SELECT " REF_COLS " WHERE r.district_id = ? AND r.user_id = ? ORDER BY "
                 "r.created_ms DESC, r.id DESC",
                 "ii", g->district_id, g->id);
    if (r < 0)
        return r;
    return ref_rows(st, g, cb, arg, NULL);
}

int store_conn_school_referrals(struct db *db, struct grant *g, int64_t day,
                                int (*cb)(void *arg, const struct conn_referral *x), void *arg)
{
    struct db_stmt *st;
    int r = covers(g, db, RES_SCHOOL_CONNECTIVITY, ACT_LIST);
    if (r < 0)
        return r;
    r = db_query(db, &st,
                 "SELECT " REF_COLS " WHERE r.district_id = ? AND r.user_id IN (" SCHOOL_STUDENTS
                 ") ORDER BY r.updated_ms DESC, r.id DESC",
                 "iiiiiiiii", g->district_id, g->district_id, g->id, (int64_t)0, (int64_t)0, day,
                 day, day, day);
    if (r < 0)
        return r;
    return ref_rows(st, g, cb, arg, NULL);
}

/* ---- digital-literacy sessions ---- */

int store_conn_session_insert(struct db *db, struct grant *g, const struct conn_session *s,
                              int64_t *ret_id)
{
    int r = covers(g, db, RES_SCHOOL_CONNECTIVITY, ACT_WRITE);
    if (r < 0)
        return r;
    return db_query_int64(
        db, ret_id,
        "INSERT INTO literacy_sessions (district_id, school_id, audience, topic, title, "
        "lang, day, walk_ins, created_by, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?) RETURNING id",
        "iissssiizi", g->district_id, g->id, s->audience, s->topic, s->title, s->lang, s->day,
        s->walk_ins, s->created_by, s->created_ms);
}

int store_conn_session_owner(struct db *db, int64_t id, int64_t *ret_district, int64_t *ret_school)
{
    return owner_of(db, "SELECT district_id, school_id FROM literacy_sessions WHERE id = ?", id,
                    ret_district, ret_school);
}

int store_conn_school_person(struct db *db, struct grant *g, int64_t user_id)
{
    int64_t v;
    int r = covers(g, db, RES_SCHOOL_CONNECTIVITY, ACT_WRITE);
    if (r < 0)
        return r;
    r = db_query_int64(db, &v,
                       "SELECT 1 FROM users u WHERE u.district_id = ? AND u.id = ? AND u.status = "
                       "'active' AND (EXISTS (SELECT 1 FROM user_orgs o WHERE o.district_id = "
                       "u.district_id AND o.user_id = u.id AND o.org_id = ?) OR EXISTS (SELECT 1 "
                       "FROM user_agents ua JOIN user_orgs o ON o.district_id = ua.district_id AND "
                       "o.org_id = ? AND (o.user_id = ua.user_id OR o.user_id = ua.agent_id) WHERE "
                       "ua.district_id = u.district_id AND (ua.user_id = u.id OR ua.agent_id = "
                       "u.id)))",
                       "iiii", g->district_id, user_id, g->id, g->id);
    return r == 0 ? 1 : r == -ENOENT ? 0 : r;
}

int store_conn_attendance_clear(struct db *db, struct grant *g, int64_t id, int64_t walk_ins)
{
    int r = covers(g, db, RES_SCHOOL_CONNECTIVITY, ACT_WRITE);
    if (r < 0)
        return r;
    int64_t n = db_exec(db,
                        "UPDATE literacy_sessions SET walk_ins = ? WHERE district_id = ? AND "
                        "school_id = ? AND id = ?",
                        "iiii", walk_ins, g->district_id, g->id, id);
    if (n < 0)
        return (int)n;
    if (n == 0)
        return -ENOENT;
    n = db_exec(db, "DELETE FROM literacy_attendance WHERE district_id = ? AND session_id = ?",
                "ii", g->district_id, id);
    return n < 0 ? (int)n : 0;
}

int store_conn_attendance_add(struct db *db, struct grant *g, int64_t id, int64_t user_id)
{
    int r = covers(g, db, RES_SCHOOL_CONNECTIVITY, ACT_WRITE);
    if (r < 0)
        return r;
    int64_t n = db_exec(db,
                        "INSERT INTO literacy_attendance (district_id, session_id, user_id) VALUES "
                        "(?, ?, ?) ON CONFLICT DO NOTHING",
                        "iii", g->district_id, id, user_id);
    return n < 0 ? (int)n : 0;
}

int store_conn_sessions(struct db *db, struct grant *g,
                        int (*session_cb)(void *arg, const struct conn_session *s),
                        int (*attendee_cb)(void *arg, const struct conn_attendee *a), void *arg)
{
    struct db_stmt *st;
    int r = covers(g, db, RES_SCHOOL_CONNECTIVITY, ACT_LIST);
    if (r < 0)
        return r;
    r = db_query(db, &st,
                 "SELECT id, school_id, audience, topic, title, lang, day, walk_ins, "
                 "COALESCE(created_by, 0), created_ms FROM literacy_sessions WHERE district_id = ? "
                 "AND school_id = ? ORDER BY day DESC, id DESC",
                 "ii", g->district_id, g->id);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        struct conn_session s = {
            .id = db_col_int64(st, 0),
            .school_id = db_col_int64(st, 1),
            .audience = db_col_text(st, 2),
            .topic = db_col_text(st, 3),
            .title = db_col_text(st, 4),
            .lang = db_col_text(st, 5),
            .day = db_col_int64(st, 6),
            .walk_ins = db_col_int64(st, 7),
            .created_by = db_col_int64(st, 8),
            .created_ms = db_col_int64(st, 9),
        };
        r = session_cb(arg, &s);
        if (r < 0)
            break;
    }
    db_done(st);
    if (r < 0)
        return r;
    r = db_query(db, &st,
                 "SELECT a.session_id, u.id, u.given_name, u.preferred_given_name, u.family_name, "
                 "u.role FROM literacy_attendance a JOIN literacy_sessions s ON s.id = "
                 "a.session_id JOIN users u ON u.id = a.user_id WHERE a.district_id = ? AND "
                 "s.school_id = ? ORDER BY a.session_id, u.family_name, u.given_name, u.id",
                 "ii", g->district_id, g->id);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        struct conn_attendee a = {
            .session_id = db_col_int64(st, 0),
            .user_id = db_col_int64(st, 1),
            .given_name = db_col_text(st, 2),
            .preferred_given_name = db_col_null(st, 3) ? NULL : db_col_text(st, 3),
            .family_name = db_col_text(st, 4),
            .role = db_col_text(st, 5),
        };
        if (!strcmp(a.role, "student"))
            grant_note(g, a.user_id);
        r = attendee_cb(arg, &a);
        if (r < 0)
            break;
    }
    db_done(st);
    return r < 0 ? r : 0;
}

/* ---- the equity figures ---- */

int store_conn_equity_rows(struct db *db, struct grant *g, int64_t from_week,
                           int (*cb)(void *arg, const struct conn_equity_row *row), void *arg)
{
    struct db_stmt *st;
    int64_t n = 0;
    if (!g || g->magic != GRANT_MAGIC || g->id <= 0)
        return -EACCES;
    bool school = g->kind == RES_SCHOOL_EQUITY;
    int r = grant_covers(g, db, school ? RES_SCHOOL_EQUITY : RES_DISTRICT_EQUITY, g->district_id,
                         g->id, ACT_READ);
    if (r < 0)
        return r;
    r = db_query(
        db, &st,
        "SELECT u.id, COALESCE(u.primary_org_id, (SELECT MIN(uo.org_id) FROM user_orgs "
        "uo JOIN orgs o ON o.id = uo.org_id WHERE uo.district_id = u.district_id AND "
        "uo.user_id = u.id AND o.type = 'school'), 0), COALESCE(u.grades, ''), a.answers_sealed, "
        "COALESCE((SELECT SUM(w.answers) FROM model_weekly w WHERE w.district_id = "
        "u.district_id AND w.user_id = u.id AND w.week >= ?), 0), COALESCE((SELECT "
        "SUM(w.gained - w.lost) FROM model_weekly w WHERE w.district_id = u.district_id "
        "AND w.user_id = u.id AND w.week >= ?), 0) FROM users u JOIN survey_answers a ON "
        "a.id = (SELECT MAX(x.id) FROM survey_answers x WHERE x.district_id = "
        "u.district_id AND x.user_id = u.id) WHERE u.district_id = ? AND u.role = "
        "'student' AND u.status = 'active' ORDER BY u.id",
        "iii", from_week, from_week, g->district_id);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        struct conn_equity_row row = {
            .user_id = db_col_int64(st, 0),
            .school_id = db_col_int64(st, 1),
            .grade = db_col_text(st, 2),
            .answers = db_col_int64(st, 4),
            .growth = db_col_int64(st, 5),
        };
        if (school && row.school_id != g->id)
            continue;
        row.sealed = db_col_blob(st, 3, &row.sealed_len);
        n++;
        r = cb(arg, &row);
        if (r < 0)
            break;
    }
    db_done(st);
    if (r < 0)
        return r;
    grant_note_rows(g, n);
    g->sealed_opened = n > 0;
    return 0;
}

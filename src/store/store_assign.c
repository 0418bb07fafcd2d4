/*
 * Assignments: see store_assign.h. Every function that reads or changes a
 * class's assignments checks the gate's grant for them (the class is the
 * grant's record), and the reads that return students note them in it.
 */
#include "base/common.h"

#include <stdio.h>

#include "base/mem.h"
#include "store/db.h"
#include "store/grant_impl.h"
#include "store/store_assign.h"

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
/* The students of the class (bound: district, class, day, day). */
#define CLASS_STUDENTS                                                                          \
    "SELECT e.user_id FROM enrollments e JOIN users u ON u.id = e.user_id WHERE "               \
    "e.district_id = ? AND e.class_id = ? AND e.role = 'student'" ENR_NOW("e") " AND u.status " \
                                                                               "= 'active'"

#define ROW_COLS                                                                       \
    "a.id, a.class_id, a.whole_class, a.given_day, a.due_day, a.note, a.assigned_by, " \
    "a.assigned_by_name, a.created_ms, a.updated_ms, a.closed_ms"

/* The grant covers action on its class's assignments: 0, or -EACCES. */
static int covers(struct grant *g, struct db *db, unsigned action)
{
    if (!g || g->magic != GRANT_MAGIC || g->id <= 0)
        return -EACCES;
    return grant_covers(g, db, RES_ASSIGNMENTS, g->district_id, g->id, action);
}

static void row_read(struct db_stmt *st, int col, struct assign_row *r)
{
    r->id = db_col_int64(st, col);
    r->class_id = db_col_int64(st, col + 1);
    r->whole_class = db_col_int64(st, col + 2) != 0;
    r->given_day = db_col_int64(st, col + 3);
    r->due_day = db_col_int64(st, col + 4);
    snprintf(r->note, sizeof(r->note), "%s", db_col_text(st, col + 5));
    r->assigned_by = db_col_null(st, col + 6) ? 0 : db_col_int64(st, col + 6);
    snprintf(r->assigned_by_name, sizeof(r->assigned_by_name), "%s", db_col_text(st, col + 7));
    r->created_ms = db_col_int64(st, col + 8);
    r->updated_ms = db_col_int64(st, col + 9);
    r->closed_ms = db_col_int64(st, col + 10);
}

/* ---- changes ---- */

int store_assign_insert(struct db *db, struct grant *g, const struct assign_row *row,
                        int64_t *ret_id)
{
    struct db_stmt *st;
    int r = covers(g, db, ACT_WRITE);
    if (r < 0)
        return r;
    r = db_query(db, &st,
                 "INSERT INTO assignments (district_id, class_id, whole_class, given_day, due_day, "
                 "note, assigned_by, assigned_by_name, created_ms, updated_ms, closed_ms) VALUES "
                 "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                 "iiiiiszsiii", g->district_id, g->id, (int64_t)row->whole_class, row->given_day,
                 row->due_day, row->note, row->assigned_by, row->assigned_by_name, row->created_ms,
                 row->updated_ms, row->closed_ms);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        *ret_id = db_col_int64(st, 0);
        r = 0;
    } else if (r == 0) {
        r = -EIO;
    }
    db_done(st);
    return r;
}

int store_assign_add_skill(struct db *db, struct grant *g, int64_t id, const char *skill,
                           int64_t ord)
{
    int r = covers(g, db, ACT_WRITE);
    if (r < 0)
        return r;
    int64_t n = db_exec(db,
                        "INSERT INTO assignment_skills (district_id, assignment_id, skill, ord) "
                        "VALUES (?, ?, ?, ?)",
                        "iisi", g->district_id, id, skill, ord);
    return n < 0 ? (int)n : 0;
}

int store_assign_add_student(struct db *db, struct grant *g, int64_t id, int64_t user_id)
{
    int r = covers(g, db, ACT_WRITE);
    if (r < 0)
        return r;
    int64_t n = db_exec(db,
                        "INSERT INTO assignment_students (district_id, assignment_id, user_id) "
                        "VALUES (?, ?, ?)",
                        "iii", g->district_id, id, user_id);
    return n < 0 ? (int)n : 0;
}

int store_assign_update(struct db *db, struct grant *g, const struct assign_row *row)
{
    int r = covers(g, db, ACT_WRITE);
    if (r < 0)
        return r;
    int64_t n =
        db_exec(db,
                "UPDATE assignments SET due_day = ?, note = ?, closed_ms = ?, updated_ms = ? "
                "WHERE district_id = ? AND class_id = ? AND id = ?",
                "isiiiii", row->due_day, row->note, row->closed_ms, row->updated_ms, g->district_id,
                g->id, row->id);
    if (n < 0)
        return (int)n;
    return n == 0 ? -ENOENT : 0;
}

int store_assign_delete(struct db *db, struct grant *g, int64_t id)
{
    int64_t n, one;
    int r = covers(g, db, ACT_WRITE);
    if (r < 0)
        return r;
    r = db_query_int64(
        db, &one, "SELECT 1 FROM assignments WHERE district_id = ? AND class_id = ? AND id = ?",
        "iii", g->district_id, g->id, id);
    if (r < 0)
        return r;
    if ((n = db_exec(db,
                     "DELETE FROM assignment_skills WHERE district_id = ? AND assignment_id = ?",
                     "ii", g->district_id, id)) < 0 ||
        (n = db_exec(db,
                     "DELETE FROM assignment_students WHERE district_id = ? AND assignment_id = ?",
                     "ii", g->district_id, id)) < 0 ||
        (n = db_exec(db,
                     "DELETE FROM assignments WHERE district_id = ? AND class_id = ? AND id = ?",
                     "iii", g->district_id, g->id, id)) < 0)
        return (int)n;
    return 0;
}

int store_assign_in_class(struct db *db, struct grant *g, int64_t user_id, int64_t day)
{
    int64_t one;
    int r = covers(g, db, ACT_WRITE | ACT_LIST);
    if (r < 0)
        return r;
    r = db_query_int64(db, &one,
                       "SELECT 1 FROM enrollments e JOIN users u ON u.id = e.user_id WHERE "
                       "e.district_id = ? AND e.class_id = ? AND e.user_id = ? AND e.role = "
                       "'student'" ENR_NOW("e") " AND u.status = 'active' LIMIT 1",
                       "iiiii", g->district_id, g->id, user_id, day, day);
    if (r == -ENOENT)
        return 0;
    return r < 0 ? r : 1;
}

int store_assign_term_end(struct db *db, int64_t district_id, int64_t class_id, int64_t *ret_day)
{
    struct db_stmt *st;
    int r =
        db_query(db, &st,
                 "SELECT MAX(s.end_date) FROM class_terms ct JOIN academic_sessions s ON s.id = "
                 "ct.session_id WHERE ct.district_id = ? AND ct.class_id = ? AND s.status = "
                 "'active'",
                 "ii", district_id, class_id);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        *ret_day = db_col_null(st, 0) ? 0 : db_col_int64(st, 0);
        r = 0;
    } else if (r == 0) {
        *ret_day = 0;
    }
    db_done(st);
    return r;
}

int store_assign_class_by_sourced_id(struct db *db, int64_t district_id, const char *sourced_id,
                                     int64_t *ret_id)
{
    return db_query_int64(db, ret_id,
                          "SELECT id FROM classes WHERE district_id = ? AND sourced_id = ?", "is",
                          district_id, sourced_id);
}

/* ---- reads of a class's assignments ---- */

int store_assign_get(struct db *db, struct grant *g, int64_t id, struct assign_row *ret)
{
    struct db_stmt *st;
    int r = covers(g, db, ACT_READ | ACT_LIST | ACT_WRITE);
    if (r < 0)
        return r;
    r = db_query(db, &st,
                 "SELECT " ROW_COLS
                 " FROM assignments a WHERE a.district_id = ? AND a.class_id = ? "
                 "AND a.id = ?",
                 "iii", g->district_id, g->id, id);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        row_read(st, 0, ret);
        r = 0;
    } else if (r == 0) {
        r = -ENOENT;
    }
    db_done(st);
    return r;
}

int store_assign_list(struct db *db, struct grant *g,
                      int (*cb)(void *arg, const struct assign_row *row), void *arg)
{
    struct db_stmt *st;
    struct assign_row *row = mem_alloc(sizeof(*row));
    int r = covers(g, db, ACT_READ | ACT_LIST);
    if (r < 0 || !row) {
        mem_free(row);
        return r < 0 ? r : -ENOMEM;
    }
    r = db_query(db, &st,
                 "SELECT " ROW_COLS
                 " FROM assignments a WHERE a.district_id = ? AND a.class_id = ? "
                 "ORDER BY CASE WHEN a.closed_ms = 0 THEN 0 ELSE 1 END, CASE WHEN a.closed_ms = 0 "
                 "THEN a.due_day ELSE -a.due_day END, a.id",
                 "ii", g->district_id, g->id);
    if (r == 0) {
        while ((r = db_step(st)) > 0) {
            row_read(st, 0, row);
            if ((r = cb(arg, row)) < 0)
                break;
        }
        db_done(st);
    }
    mem_free(row);
    return r < 0 ? r : 0;
}

int store_assign_skills(struct db *db, struct grant *g, int64_t id,
                        int (*cb)(void *arg, int64_t assignment_id, const char *skill), void *arg)
{
    struct db_stmt *st;
    int r = covers(g, db, ACT_READ | ACT_LIST | ACT_WRITE);
    if (r < 0)
        return r;
    r = db_query(db, &st,
                 "SELECT s.assignment_id, s.skill FROM assignment_skills s JOIN assignments a ON "
                 "a.id = s.assignment_id WHERE a.district_id = ? AND a.class_id = ? AND "
                 "s.district_id = ? AND (? = 0 OR a.id = ?) ORDER BY s.assignment_id, s.ord",
                 "iiiii", g->district_id, g->id, g->district_id, id, id);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0)
        if ((r = cb(arg, db_col_int64(st, 0), db_col_text(st, 1))) < 0)
            break;
    db_done(st);
    return r < 0 ? r : 0;
}

int store_assign_students(struct db *db, struct grant *g, int64_t id,
                          int (*cb)(void *arg, int64_t assignment_id, int64_t user_id), void *arg)
{
    struct db_stmt *st;
    int r = covers(g, db, ACT_READ | ACT_LIST | ACT_WRITE);
    if (r < 0)
        return r;
    r = db_query(db, &st,
                 "SELECT t.assignment_id, t.user_id FROM assignment_students t JOIN assignments a "
                 "ON a.id = t.assignment_id WHERE a.district_id = ? AND a.class_id = ? AND "
                 "t.district_id = ? AND (? = 0 OR a.id = ?) ORDER BY t.assignment_id, t.user_id",
                 "iiiii", g->district_id, g->id, g->district_id, id, id);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0)
        if ((r = cb(arg, db_col_int64(st, 0), db_col_int64(st, 1))) < 0)
            break;
    db_done(st);
    return r < 0 ? r : 0;
}

int store_assign_class_students(struct db *db, struct grant *g, int64_t day,
                                int (*cb)(void *arg, const struct assign_student *s), void *arg)
{
    struct db_stmt *st;
    int r = covers(g, db, ACT_LIST);
    if (r < 0)
        return r;
    r = db_query(db, &st,
                 "SELECT DISTINCT u.id, u.given_name, u.family_name, u.preferred_given_name, "
                 "(SELECT MAX(m.last_ms) FROM model_mastery m WHERE m.district_id = e.district_id "
                 "AND m.user_id = u.id) FROM enrollments e JOIN users u ON u.id = e.user_id WHERE "
                 "e.district_id = ? AND e.class_id = ? AND e.role = 'student'" ENR_NOW(
                     "e") " AND u.status = 'active' ORDER BY u.family_name, u.given_name, u.id",
                 "iiii", g->district_id, g->id, day, day);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        struct assign_student s = {
            .id = db_col_int64(st, 0),
            .given_name = db_col_text(st, 1),
            .family_name = db_col_text(st, 2),
            .preferred_given_name = db_col_text(st, 3),
            .last_ms = db_col_null(st, 4) ? 0 : db_col_int64(st, 4),
        };
        grant_note(g, s.id);
        if ((r = cb(arg, &s)) < 0)
            break;
    }
    db_done(st);
    if (r == 0 && g->err)
        r = g->err;
    return r < 0 ? r : 0;
}

int store_assign_class_mastery(struct db *db, struct grant *g, int64_t day,
                               int (*cb)(void *arg, const struct assign_mastery *m), void *arg)
{
    struct db_stmt *st;
    int r = covers(g, db, ACT_LIST);
    if (r < 0)
        return r;
    r = db_query(
        db, &st,
        "SELECT m.user_id, k.skill, m.p_mastery, m.answers, m.hints, m.last_ms FROM "
        "model_mastery m JOIN model_skills k ON k.id = m.skill_id WHERE m.district_id = ? "
        "AND k.district_id = ? AND m.user_id IN (" CLASS_STUDENTS ") AND k.skill IN "
        "(SELECT s.skill FROM assignment_skills s JOIN assignments a ON a.id = "
        "s.assignment_id WHERE a.district_id = ? AND a.class_id = ? AND s.district_id = ?) "
        "ORDER BY m.user_id, k.skill",
        "iiiiiiiii", g->district_id, g->district_id, g->district_id, g->id, day, day,
        g->district_id, g->id, g->district_id);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        struct assign_mastery m = {
            .user_id = db_col_int64(st, 0),
            .skill = db_col_text(st, 1),
            .p_mastery = db_col_double(st, 2),
            .answers = db_col_int64(st, 3),
            .hints = db_col_int64(st, 4),
            .last_ms = db_col_int64(st, 5),
        };
        grant_note(g, m.user_id);
        if ((r = cb(arg, &m)) < 0)
            break;
    }
    db_done(st);
    if (r == 0 && g->err)
        r = g->err;
    return r < 0 ? r : 0;
}

/* ---- a learner's own ---- */

int store_assign_of_learner(struct db *db, struct grant *g, int64_t user_id, int64_t day,
                            bool open_only,
                            int (*cb)(void *arg, const struct assign_learner_row *row), void *arg)
{
    struct db_stmt *st;
    struct assign_learner_row *row = mem_alloc(sizeof(*row));
    int r = grant_covers(g, db, RES_MASTERY, g ? g->district_id : 0, user_id, ACT_READ);
    if (r < 0 || !row) {
        mem_free(row);
        return r < 0 ? r : -ENOMEM;
    }
    r = db_query(
        db, &st,
        "SELECT DISTINCT " ROW_COLS
        ", s.skill, s.ord, c.title FROM enrollments e JOIN assignments a "
        "ON a.district_id = e.district_id AND a.class_id = e.class_id JOIN assignment_skills s ON "
        "s.district_id = a.district_id AND s.assignment_id = a.id JOIN classes c ON c.id = "
        "a.class_id WHERE e.district_id = ? AND e.user_id = ? AND e.role = 'student'" ENR_NOW("e")
            CLASS_NOW("e") " AND a.given_day <= ? AND (? = 0 OR a.closed_ms = 0) AND "
                           "(a.whole_class = 1 OR EXISTS (SELECT 1 FROM assignment_students t "
                           "WHERE t.district_id = a.district_id AND t.assignment_id = a.id AND "
                           "t.user_id = e.user_id)) ORDER BY a.due_day, a.id, s.ord",
        "iiiiiiii", g->district_id, user_id, day, day, day, day, day, (int64_t)open_only);
    if (r == 0) {
        grant_note(g, user_id); /* what they are assigned is part of their record */
        while ((r = db_step(st)) > 0) {
            row_read(st, 0, &row->a);
            row->skill = db_col_text(st, 11);
            row->class_title = db_col_text(st, 13);
            if ((r = cb(arg, row)) < 0)
                break;
        }
        db_done(st);
    }
    mem_free(row);
    return r < 0 ? r : 0;
}

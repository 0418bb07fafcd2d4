/*
 * Reads for the pages: see store_people.h.
 */
#include "base/common.h"

#include <stdio.h>

#include "base/mem.h"
#include "store/db.h"
#include "store/grant_impl.h"
#include "store/store_access.h"
#include "store/store_people.h"

#define TXT(dst, st, col) snprintf((dst), sizeof(dst), "%s", db_col_text((st), (col)))

int store_org_info(struct db *db, int64_t org_id, struct org_info *ret)
{
    struct db_stmt *st;
    int r =
        db_query(db, &st, "SELECT id, district_id, name, type FROM orgs WHERE id = ?", "i", org_id);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        ret->id = db_col_int64(st, 0);
        ret->district_id = db_col_int64(st, 1);
        TXT(ret->name, st, 2);
        TXT(ret->type, st, 3);
        r = 0;
    } else if (r == 0) {
        r = -ENOENT;
    }
    db_done(st);
    return r;
}

int store_org_by_sourced_id(struct db *db, int64_t district_id, const char *sourced_id,
                            int64_t *ret_id)
{
    return db_query_int64(db, ret_id,
                          "SELECT id FROM orgs WHERE district_id = ? AND sourced_id = ?", "is",
                          district_id, sourced_id);
}

int store_user_by_sourced_id(struct db *db, int64_t district_id, const char *sourced_id,
                             int64_t *ret_id, char **ret_username)
{
    struct db_stmt *st;
    int r =
        db_query(db, &st, "SELECT id, username FROM users WHERE district_id = ? AND sourced_id = ?",
                 "is", district_id, sourced_id);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        *ret_id = db_col_int64(st, 0);
        r = db_col_strdup(st, 1, ret_username);
    } else if (r == 0) {
        r = -ENOENT;
    }
    db_done(st);
    return r;
}

#define CLASS_COLS \
    "c.id, c.district_id, c.school_id, c.title, co.title, o.name, c.periods, c.grades"
#define CLASS_FROM \
    " FROM classes c JOIN courses co ON co.id = c.course_id JOIN orgs o ON o.id = c.school_id"

static void fill_class(struct db_stmt *st, struct class_info *ci)
{
    memset(ci, 0, sizeof(*ci));
    ci->id = db_col_int64(st, 0);
    ci->district_id = db_col_int64(st, 1);
    ci->school_id = db_col_int64(st, 2);
    TXT(ci->title, st, 3);
    TXT(ci->course, st, 4);
    TXT(ci->school, st, 5);
    TXT(ci->periods, st, 6);
    TXT(ci->grades, st, 7);
}

int store_class_info(struct db *db, int64_t class_id, struct class_info *ret)
{
    struct db_stmt *st;
    int r = db_query(db, &st, "SELECT " CLASS_COLS CLASS_FROM " WHERE c.id = ?", "i", class_id);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        fill_class(st, ret);
        r = 0;
    } else if (r == 0) {
        r = -ENOENT;
    }
    db_done(st);
    return r;
}

/* Enrollment alias e is active and its dates hold day (two '?'). */
#define ENR_NOW(e)                                                                         \
    " AND " e ".status = 'active' AND (" e ".begin_date IS NULL OR " e ".begin_date <= ?)" \
    " AND (" e ".end_date IS NULL OR " e ".end_date >= ?)"

int store_class_student_rows(struct db_stmt *st, struct class_student **ret, size_t *ret_n)
{
    struct class_student *v = NULL;
    size_t n = 0, cap = 0;
    int r;

    while ((r = db_step(st)) > 0) {
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 32;
            struct class_student *p = mem_realloc(v, nc * sizeof(*p));
            if (!p) {
                r = -ENOMEM;
                break;
            }
            v = p;
            cap = nc;
        }
        struct class_student *s = &v[n++];
        s->id = db_col_int64(st, 0);
        TXT(s->given_name, st, 1);
        TXT(s->family_name, st, 2);
        TXT(s->preferred_given_name, st, 3);
        TXT(s->grades, st, 4);
        TXT(s->username, st, 5);
    }
    db_done(st);
    if (r < 0) {
        mem_free(v);
        return r;
    }
    *ret = v;
    *ret_n = n;
    return 0;
}

int store_class_students(struct db *db, struct grant *g, int64_t class_id, int64_t day,
                         struct class_student **ret, size_t *ret_n)
{
    struct class_student *v = NULL;
    size_t n = 0;
    struct db_stmt *st;
    int64_t district_id = g ? g->district_id : 0;
    int r = grant_covers(g, db, RES_CLASS, district_id, class_id, ACT_LIST | ACT_CREDENTIALS);

    if (r < 0)
        return r;
    r = db_query(db, &st,
                 "SELECT u.id, u.given_name, u.family_name, u.preferred_given_name, u.grades, "
                 "u.username FROM enrollments e JOIN users u ON u.id = e.user_id WHERE "
                 "e.district_id = ? AND e.class_id = ? AND e.role = 'student'" ENR_NOW(
                     "e") " AND u.status = 'active' ORDER BY u.family_name, u.given_name, u.id",
                 "iiii", district_id, class_id, day, day);
    if (r < 0)
        return r;
    if ((r = store_class_student_rows(st, &v, &n)) < 0)
        return r;
    for (size_t i = 0; i < n; i++)
        grant_note(g, v[i].id);
    *ret = v;
    *ret_n = n;
    return 0;
}

int store_classes_of(struct db *db, struct grant *g, int64_t user_id, bool teaching, int64_t day,
                     int (*cb)(void *arg, const struct class_info *ci), void *arg)
{
    struct class_info ci;
    struct db_stmt *st;
    int64_t district_id = g ? g->district_id : 0;
    int r = grant_covers(g, db, RES_PERSON, district_id, user_id, ACT_READ);

    if (r < 0)
        return r;
    r = db_query(
        db, &st,
        teaching
            ? "SELECT " CLASS_COLS ", (SELECT COUNT(*) FROM enrollments s WHERE s.district_id = "
              "c.district_id AND s.class_id = c.id AND s.role = 'student'" ENR_NOW(
                  "s") ")" CLASS_FROM " JOIN enrollments e ON e.class_id = c.id WHERE "
                       "e.district_id = ? AND e.user_id = ? AND e.role IN ('teacher', "
                       "'aide')" ENR_NOW(
                           "e") " AND c.status = 'active' AND EXISTS (SELECT 1 FROM class_terms ct "
                                "JOIN academic_sessions a ON a.id = ct.session_id WHERE "
                                "ct.district_id = c.district_id AND ct.class_id = c.id AND "
                                "a.status = 'active' AND a.start_date <= ? AND a.end_date >= ?) "
                                "ORDER BY c.periods, c.title, c.id"
            : "SELECT " CLASS_COLS ", (SELECT COUNT(*) FROM enrollments s WHERE s.district_id = "
              "c.district_id AND s.class_id = c.id AND s.role = 'student'" ENR_NOW(
                  "s") ")" CLASS_FROM " JOIN enrollments e ON e.class_id = c.id WHERE "
                       "e.district_id = ? AND e.user_id = ? AND e.role = 'student'" ENR_NOW(
                           "e") " AND c.status = 'active' AND EXISTS (SELECT 1 FROM class_terms ct "
                                "JOIN academic_sessions a ON a.id = ct.session_id WHERE "
                                "ct.district_id = c.district_id AND ct.class_id = c.id AND "
                                "a.status = 'active' AND a.start_date <= ? AND a.end_date >= ?) "
                                "ORDER BY c.periods, c.title, c.id",
        "iiiiiiii", day, day, district_id, user_id, day, day, day, day);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        fill_class(st, &ci);
        ci.students = db_col_int64(st, 8);
        r = cb(arg, &ci);
        if (r < 0)
            break;
    }
    db_done(st);
    return r < 0 ? r : 0;
}

int store_children_of(struct db *db, int64_t district_id, int64_t guardian,
                      int (*cb)(void *arg, int64_t child), void *arg)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT u.id FROM users u WHERE u.district_id = ? AND u.role = 'student' AND "
                     "u.status = 'active' AND u.id IN (SELECT agent_id FROM user_agents WHERE "
                     "district_id = ? AND user_id = ? UNION SELECT user_id FROM user_agents "
                     "WHERE district_id = ? AND agent_id = ?) ORDER BY u.given_name, u.id",
                     "iiiii", district_id, district_id, guardian, district_id, guardian);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        r = cb(arg, db_col_int64(st, 0));
        if (r < 0)
            break;
    }
    db_done(st);
    return r < 0 ? r : 0;
}

int store_schools(struct db *db, int64_t district_id, int64_t org_id,
                  int (*cb)(void *arg, const struct school_counts *s), void *arg)
{
    struct school_counts sc;
    struct db_stmt *st;
    int r = db_query(
        db, &st,
        "SELECT o.id, o.name, (SELECT COUNT(*) FROM user_orgs uo JOIN users u ON u.id = "
        "uo.user_id WHERE uo.district_id = o.district_id AND uo.org_id = o.id AND u.role = "
        "'student' AND u.status = 'active'), (SELECT COUNT(*) FROM user_orgs uo JOIN users u ON "
        "u.id = uo.user_id WHERE uo.district_id = o.district_id AND uo.org_id = o.id AND u.role IN "
        "('teacher', 'aide') AND u.status = 'active'), (SELECT COUNT(*) FROM classes c WHERE "
        "c.district_id = o.district_id AND c.school_id = o.id AND c.status = 'active') FROM orgs o "
        "WHERE o.district_id = ? AND o.type = 'school' AND o.status = 'active' AND (? = 0 OR o.id "
        "= "
        "?) ORDER BY o.name, o.id",
        "iii", district_id, org_id, org_id);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        sc.id = db_col_int64(st, 0);
        TXT(sc.name, st, 1);
        sc.students = db_col_int64(st, 2);
        sc.teachers = db_col_int64(st, 3);
        sc.classes = db_col_int64(st, 4);
        r = cb(arg, &sc);
        if (r < 0)
            break;
    }
    db_done(st);
    return r < 0 ? r : 0;
}

int store_org_district(struct db *db, int64_t org_id, int64_t *ret_district_id)
{
    return db_query_int64(db, ret_district_id, "SELECT district_id FROM orgs WHERE id = ?", "i",
                          org_id);
}

int store_class_has_student(struct db *db, struct grant *g, int64_t class_id, int64_t student,
                            int64_t day)
{
    int64_t one;
    int r = grant_covers(g, db, RES_CLASS, g ? g->district_id : 0, class_id,
                         ACT_LIST | ACT_CREDENTIALS);
    if (r < 0)
        return r;
    r = db_query_int64(db, &one,
                       "SELECT 1 FROM enrollments e WHERE e.district_id = ? AND e.class_id = ? "
                       "AND e.user_id = ? AND e.role = 'student'" ENR_NOW("e"),
                       "iiiii", g->district_id, class_id, student, day, day);
    return r == -ENOENT ? 0 : r < 0 ? r : 1;
}

/*
 * The family pages' reads: see store_family.h.
 */
#include "base/common.h"

#include <stdio.h>

#include "store/db.h"
#include "store/grant_impl.h"
#include "store/store_family.h"

#define TXT(dst, st, col) snprintf((dst), sizeof(dst), "%s", db_col_text((st), (col)))

/* Enrollment (or role) alias e is active and its dates hold day (two '?'). */
#define NOW(e)                                                                             \
    " AND " e ".status = 'active' AND (" e ".begin_date IS NULL OR " e ".begin_date <= ?)" \
    " AND (" e ".end_date IS NULL OR " e ".end_date >= ?)"
/* Person alias u is an active, enabled roster record. */
#define ACTIVE(u) " AND " u ".status = 'active' AND " u ".enabled_user = 1"

int store_family_child(struct db *db, struct grant *g, int64_t child, struct family_child *ret)
{
    struct db_stmt *st;
    int64_t district_id = g ? g->district_id : 0;
    int r = grant_covers(g, db, RES_PERSON, district_id, child, ACT_READ);

    if (r < 0)
        return r;
    r = db_query(db, &st,
                 "SELECT id, COALESCE(primary_org_id, 0), given_name, family_name, "
                 "COALESCE(preferred_given_name, ''), COALESCE(grades, ''), role FROM users "
                 "WHERE id = ? AND district_id = ?",
                 "ii", child, district_id);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        memset(ret, 0, sizeof(*ret));
        ret->id = db_col_int64(st, 0);
        ret->primary_org_id = db_col_int64(st, 1);
        TXT(ret->given_name, st, 2);
        TXT(ret->family_name, st, 3);
        TXT(ret->preferred_given_name, st, 4);
        TXT(ret->grades, st, 5);
        if (!strcmp(db_col_text(st, 6), "student"))
            grant_note(g, child);
        r = 0;
    } else if (r == 0) {
        r = -ENOENT;
    }
    db_done(st);
    return r;
}

static int staff_rows(struct db_stmt *st, int (*cb)(void *arg, const struct family_staff *s),
                      void *arg)
{
    struct family_staff s;
    int r;

    while ((r = db_step(st)) > 0) {
        memset(&s, 0, sizeof(s));
        s.org_id = db_col_int64(st, 0);
        s.user_id = db_col_int64(st, 1);
        TXT(s.role, st, 2);
        TXT(s.given_name, st, 3);
        TXT(s.family_name, st, 4);
        TXT(s.preferred_given_name, st, 5);
        if ((r = cb(arg, &s)) < 0)
            break;
    }
    db_done(st);
    return r < 0 ? r : 0;
}

int store_family_teachers(struct db *db, struct grant *g, int64_t child, int64_t day,
                          int (*cb)(void *arg, const struct family_staff *s), void *arg)
{
    struct db_stmt *st;
    int64_t district_id = g ? g->district_id : 0;
    int r = grant_covers(g, db, RES_PERSON, district_id, child, ACT_READ);

    if (r < 0)
        return r;
    grant_note(g, child); /* which classes are the child's is part of their record */
    r = db_query(db, &st,
                 "SELECT c.id, u.id, t.role, u.given_name, u.family_name, "
                 "COALESCE(u.preferred_given_name, '') FROM enrollments e "
                 "JOIN classes c ON c.id = e.class_id "
                 "JOIN enrollments t ON t.district_id = e.district_id AND t.class_id = c.id "
                 "JOIN users u ON u.id = t.user_id "
                 "WHERE e.district_id = ? AND e.user_id = ? AND e.role = 'student'" NOW(
                     "e") " AND c.status = 'active' AND EXISTS (SELECT 1 FROM class_terms ct "
                          "JOIN academic_sessions a ON a.id = ct.session_id WHERE "
                          "ct.district_id = c.district_id AND ct.class_id = c.id AND "
                          "a.status = 'active' AND a.start_date <= ? AND a.end_date >= ?) "
                          "AND t.role IN ('teacher', 'aide')" NOW("t") ACTIVE(
                              "u") " ORDER BY c.id, t.role DESC, u.family_name, u.given_name, u.id",
                 "iiiiiiii", district_id, child, day, day, day, day, day, day);
    return r < 0 ? r : staff_rows(st, cb, arg);
}

int store_family_school_staff(struct db *db, struct grant *g, int64_t child, int64_t day,
                              int (*cb)(void *arg, const struct family_staff *s), void *arg)
{
    struct db_stmt *st;
    int64_t district_id = g ? g->district_id : 0;
    int r = grant_covers(g, db, RES_PERSON, district_id, child, ACT_READ);

    if (r < 0)
        return r;
    grant_note(g, child);
    r = db_query(db, &st,
                 "SELECT r.org_id, u.id, r.role, u.given_name, u.family_name, "
                 "COALESCE(u.preferred_given_name, '') FROM user_roles r "
                 "JOIN users u ON u.id = r.user_id JOIN orgs o ON o.id = r.org_id "
                 "WHERE r.district_id = ? AND o.type = 'school' AND r.org_id IN "
                 "(SELECT org_id FROM user_orgs WHERE district_id = ? AND user_id = ? "
                 "UNION SELECT primary_org_id FROM users WHERE id = ? AND district_id = ? "
                 "AND primary_org_id IS NOT NULL) "
                 "AND r.role IN ('principal', 'administrator', 'siteAdministrator', "
                 "'counselor')" NOW("r") ACTIVE(
                     "u") " ORDER BY r.org_id, CASE r.role WHEN 'principal' THEN 0 "
                          "WHEN 'counselor' THEN 2 ELSE 1 END, u.family_name, u.given_name, u.id",
                 "iiiiiii", district_id, district_id, child, child, district_id, day, day);
    return r < 0 ? r : staff_rows(st, cb, arg);
}

/*
 * Aggregates for the school and district views: see store_schoolview.h.
 */
#include "base/common.h"

#include <stdio.h>

#include "store/db.h"
#include "store/grant_impl.h"
#include "store/store_schoolview.h"

/* A grant for the district's aggregates, or for one school's (the whole district is read). */
static int covers(struct grant *g, struct db *db)
{
    if (!g)
        return -EACCES;
    if (grant_covers(g, db, RES_DISTRICT_STATS, g->district_id, g->id, ACT_READ) == 0 ||
        grant_covers(g, db, RES_SCHOOL_STATS, g->district_id, g->id, ACT_READ) == 0)
        return 0;
    return -EACCES;
}

/*
 * The district's active students on day: id, school, grade, reporting class.
 * Parameters: day x6, district.
 */
#define STUDENTS                                                                                \
    "SELECT u.id AS user_id, COALESCE(u.primary_org_id, (SELECT MIN(uo.org_id) FROM user_orgs " \
    "uo JOIN orgs o ON o.id = uo.org_id WHERE uo.district_id = u.district_id AND uo.user_id = " \
    "u.id AND o.type = 'school'), 0) AS school_id, COALESCE(u.grades, '') AS grade, "           \
    "COALESCE((SELECT e.class_id FROM enrollments e JOIN classes c ON c.id = e.class_id "       \
    "WHERE e.district_id = u.district_id AND e.user_id = u.id AND e.role = 'student' AND "      \
    "e.status = 'active' AND (e.begin_date IS NULL OR e.begin_date <= ?) AND (e.end_date IS "   \
    "NULL OR e.end_date >= ?) AND c.status = 'active' AND c.school_id = u.primary_org_id AND "  \
    "EXISTS (SELECT 1 FROM class_terms ct JOIN academic_sessions a ON a.id = ct.session_id "    \
    "WHERE ct.district_id = c.district_id AND ct.class_id = c.id AND a.status = 'active' AND "  \
    "a.start_date <= ? AND a.end_date >= ?) ORDER BY CASE WHEN c.class_type = 'homeroom' "      \
    "THEN 0 ELSE 1 END, c.id LIMIT 1), 0) AS class_id FROM users u WHERE u.district_id = ? "    \
    "AND u.role = 'student' AND u.status = 'active' AND u.enabled_user = 1"

int store_sv_groups(struct db *db, struct grant *g, int64_t day, int64_t since_week,
                    int (*cb)(void *arg, const struct sv_group *row), void *arg)
{
    struct db_stmt *st;
    struct sv_group row;
    int r = covers(g, db);

    if (r < 0)
        return r;
    r = db_query(db, &st,
                 "SELECT s.school_id, s.grade, s.class_id, COUNT(*), "
                 "SUM(COALESCE(l.mastered, 0)), SUM(COALESCE(w.net, 0)), "
                 "SUM(CASE WHEN w.answers > 0 THEN 1 ELSE 0 END), SUM(COALESCE(w.seconds, 0)) "
                 "FROM (" STUDENTS ") s "
                 "LEFT JOIN model_learners l ON l.district_id = ? AND l.user_id = s.user_id "
                 "LEFT JOIN (SELECT user_id, SUM(gained - lost) AS net, SUM(answers) AS answers, "
                 "SUM(seconds) AS seconds FROM model_weekly WHERE district_id = ? AND week >= ? "
                 "GROUP BY user_id) w ON w.user_id = s.user_id "
                 "GROUP BY s.school_id, s.grade, s.class_id "
                 "ORDER BY s.school_id, s.grade, s.class_id",
                 "iiiiiiii", day, day, day, day, g->district_id, g->district_id, g->district_id,
                 since_week);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        memset(&row, 0, sizeof(row));
        row.school_id = db_col_int64(st, 0);
        snprintf(row.grade, sizeof(row.grade), "%s", db_col_text(st, 1));
        row.class_id = db_col_int64(st, 2);
        row.students = db_col_int64(st, 3);
        row.mastered = db_col_int64(st, 4);
        row.growth = db_col_int64(st, 5);
        row.active = db_col_int64(st, 6);
        row.seconds = db_col_int64(st, 7);
        grant_note_rows(g, row.students);
        r = cb(arg, &row);
        if (r != 0)
            break;
    }
    db_done(st);
    return r < 0 ? r : 0;
}

int store_sv_weeks(struct db *db, struct grant *g, int64_t day, int64_t from_week, int64_t to_week,
                   int (*cb)(void *arg, const struct sv_week *row), void *arg)
{
    struct db_stmt *st;
    struct sv_week row;
    int r = covers(g, db);

    if (r < 0)
        return r;
    r = db_query(db, &st,
                 "SELECT s.school_id, w.week, COUNT(*), SUM(w.seconds), SUM(w.gained - w.lost) "
                 "FROM model_weekly w JOIN (" STUDENTS ") s ON s.user_id = w.user_id "
                 "WHERE w.district_id = ? AND w.week >= ? AND w.week <= ? AND w.answers > 0 "
                 "GROUP BY s.school_id, w.week ORDER BY s.school_id, w.week",
                 "iiiiiiii", day, day, day, day, g->district_id, g->district_id, from_week,
                 to_week);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        row.school_id = db_col_int64(st, 0);
        row.week = db_col_int64(st, 1);
        row.active = db_col_int64(st, 2);
        row.seconds = db_col_int64(st, 3);
        row.gained = db_col_int64(st, 4);
        r = cb(arg, &row);
        if (r != 0)
            break;
    }
    db_done(st);
    return r < 0 ? r : 0;
}

int store_sv_schools(struct db *db, struct grant *g,
                     int (*cb)(void *arg, int64_t id, const char *name), void *arg)
{
    struct db_stmt *st;
    int r = covers(g, db);

    if (r < 0)
        return r;
    r = db_query(db, &st,
                 "SELECT id, name FROM orgs WHERE district_id = ? AND type = 'school' AND "
                 "status = 'active' ORDER BY name, id",
                 "i", g->district_id);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        r = cb(arg, db_col_int64(st, 0), db_col_text(st, 1));
        if (r != 0)
            break;
    }
    db_done(st);
    return r < 0 ? r : 0;
}

int store_sv_class_titles(struct db *db, struct grant *g,
                          int (*cb)(void *arg, int64_t id, const char *title), void *arg)
{
    struct db_stmt *st;
    int r = covers(g, db);

    if (r < 0)
        return r;
    /* the classes of the granted school, or of the district */
    r = db_query(db, &st,
                 "SELECT id, title FROM classes WHERE district_id = ? AND (? = 0 OR school_id = ?) "
                 "ORDER BY id",
                 "iii", g->district_id, g->kind == RES_SCHOOL_STATS ? g->id : 0,
                 g->kind == RES_SCHOOL_STATS ? g->id : 0);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        r = cb(arg, db_col_int64(st, 0), db_col_text(st, 1));
        if (r != 0)
            break;
    }
    db_done(st);
    return r < 0 ? r : 0;
}

/*
 * Aggregates for the school and district views: see store_schoolview.h.
 * The reads come from the rollups of migration 0023 (sv_groups, sv_weeks),
 * worked out again when stale (refresh_tx) and kept current by the learner
 * model between (store_sv_usage_begin/end).
 */
#include "base/common.h"

#include <stdio.h>

#include "store/db.h"
#include "store/grant_impl.h"
#include "store/store.h"
#include "store/store_model.h"
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
 * Parameters: day x4, district.
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

/* The district's latest roster import (0: none): groups are worked out again after one. */
static int import_id_of(struct db *db, int64_t district_id, int64_t *ret)
{
    return db_query_int64(db, ret,
                          "SELECT COALESCE(MAX(id), 0) FROM roster_imports WHERE district_id = ?",
                          "i", district_id);
}

struct refresh {
    int64_t district_id, day, import_id;
};

static int refresh_tx(struct db *db, void *arg)
{
    const struct refresh *x = arg;
    int64_t d = x->district_id, n, day = -1, import_id = -1;
    struct db_stmt *st;
    int r;

    /* the learner model's cursor row first, as its batches do (store_model_lock): a batch
     * applies wholly before or after this, never beside it */
    if ((r = store_model_lock(db, d)) < 0)
        return r;
    /* another request may have done it meanwhile */
    r = db_query(db, &st, "SELECT day, import_id FROM sv_state WHERE district_id = ?", "i", d);
    if (r < 0)
        return r;
    if ((r = db_step(st)) > 0) {
        day = db_col_int64(st, 0);
        import_id = db_col_int64(st, 1);
    }
    db_done(st);
    if (r < 0)
        return r;
    if (day == x->day && import_id == x->import_id)
        return 0;
    n = db_exec(db, "DELETE FROM sv_weeks WHERE district_id = ?", "i", d);
    if (n >= 0)
        n = db_exec(db, "DELETE FROM sv_groups WHERE district_id = ?", "i", d);
    if (n >= 0)
        n = db_exec(db, "DELETE FROM sv_members WHERE district_id = ?", "i", d);
    if (n >= 0)
        n = db_exec(db,
                    "INSERT INTO sv_members (district_id, user_id, school_id, grade, class_id, "
                    "last_week) SELECT ?, s.user_id, s.school_id, s.grade, s.class_id, "
                    "COALESCE((SELECT MAX(w.week) FROM model_weekly w WHERE w.district_id = ? AND "
                    "w.user_id = s.user_id AND w.answers > 0), -1) FROM (" STUDENTS ") s",
                    "iiiiiii", d, d, x->day, x->day, x->day, x->day, d);
    if (n >= 0)
        n = db_exec(db,
                    "INSERT INTO sv_groups (district_id, school_id, grade, class_id, students, "
                    "mastered) SELECT m.district_id, m.school_id, m.grade, m.class_id, COUNT(*), "
                    "SUM(COALESCE(l.mastered, 0)) FROM sv_members m LEFT JOIN model_learners l "
                    "ON l.district_id = m.district_id AND l.user_id = m.user_id "
                    "WHERE m.district_id = ? "
                    "GROUP BY m.district_id, m.school_id, m.grade, m.class_id",
                    "i", d);
    if (n >= 0)
        n = db_exec(db,
                    "INSERT INTO sv_weeks (district_id, school_id, grade, class_id, week, active, "
                    "last, seconds, net, act_seconds, act_net) SELECT m.district_id, m.school_id, "
                    "m.grade, m.class_id, w.week, SUM(CASE WHEN w.answers > 0 THEN 1 ELSE 0 END), "
                    "SUM(CASE WHEN w.week = m.last_week THEN 1 ELSE 0 END), SUM(w.seconds), "
                    "SUM(w.gained - w.lost), SUM(CASE WHEN w.answers > 0 THEN w.seconds ELSE 0 "
                    "END), SUM(CASE WHEN w.answers > 0 THEN w.gained - w.lost ELSE 0 END) "
                    "FROM sv_members m JOIN model_weekly w ON w.district_id = m.district_id AND "
                    "w.user_id = m.user_id WHERE m.district_id = ? "
                    "GROUP BY m.district_id, m.school_id, m.grade, m.class_id, w.week",
                    "i", d);
    if (n >= 0)
        n = db_exec(db,
                    "INSERT INTO sv_state (district_id, day, import_id) VALUES (?, ?, ?) "
                    "ON CONFLICT (district_id) DO UPDATE SET day = excluded.day, "
                    "import_id = excluded.import_id",
                    "iii", d, x->day, x->import_id);
    return n < 0 ? (int)n : 0;
}

int store_sv_fresh(struct db *db, int64_t district_id, int64_t day)
{
    struct refresh x = {district_id, day, 0};
    struct db_stmt *st;
    bool ok = false;
    int r;

    if ((r = import_id_of(db, district_id, &x.import_id)) < 0)
        return r;
    r = db_query(db, &st, "SELECT day, import_id FROM sv_state WHERE district_id = ?", "i",
                 district_id);
    if (r < 0)
        return r;
    if ((r = db_step(st)) > 0)
        ok = db_col_int64(st, 0) == day && db_col_int64(st, 1) == x.import_id;
    db_done(st);
    if (r < 0)
        return r;
    return ok ? 0 : store_tx(db, refresh_tx, &x);
}

int store_sv_groups(struct db *db, struct grant *g, int64_t since_week,
                    int (*cb)(void *arg, const struct sv_group *row), void *arg)
{
    struct db_stmt *st;
    struct sv_group row;
    int r = covers(g, db);

    if (r < 0)
        return r;
    /* active: students whose latest week with answers is in the window */
    r = db_query(db, &st,
                 "SELECT g.school_id, g.grade, g.class_id, g.students, g.mastered, "
                 "COALESCE(SUM(w.net), 0), COALESCE(SUM(w.last), 0), COALESCE(SUM(w.seconds), 0) "
                 "FROM sv_groups g LEFT JOIN sv_weeks w ON w.district_id = g.district_id AND "
                 "w.school_id = g.school_id AND w.grade = g.grade AND w.class_id = g.class_id AND "
                 "w.week >= ? WHERE g.district_id = ? "
                 "GROUP BY g.school_id, g.grade, g.class_id, g.students, g.mastered "
                 "ORDER BY g.school_id, g.grade, g.class_id",
                 "ii", since_week, g->district_id);
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

int store_sv_weeks(struct db *db, struct grant *g, int64_t from_week, int64_t to_week,
                   int (*cb)(void *arg, const struct sv_week *row), void *arg)
{
    struct db_stmt *st;
    struct sv_week row;
    int r = covers(g, db);

    if (r < 0)
        return r;
    r = db_query(db, &st,
                 "SELECT school_id, week, SUM(active), SUM(act_seconds), SUM(act_net) "
                 "FROM sv_weeks WHERE district_id = ? AND week >= ? AND week <= ? "
                 "GROUP BY school_id, week HAVING SUM(active) > 0 ORDER BY school_id, week",
                 "iii", g->district_id, from_week, to_week);
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

int store_sv_usage_begin(struct db *db, int64_t district_id, int64_t user_id, int64_t week,
                         struct sv_usage *ret)
{
    struct db_stmt *st;
    int r;

    memset(ret, 0, sizeof(*ret));
    r = db_query(db, &st,
                 "SELECT school_id, grade, class_id, last_week FROM sv_members "
                 "WHERE district_id = ? AND user_id = ?",
                 "ii", district_id, user_id);
    if (r < 0)
        return r;
    if ((r = db_step(st)) > 0) {
        ret->member = true;
        ret->school_id = db_col_int64(st, 0);
        snprintf(ret->grade, sizeof(ret->grade), "%s", db_col_text(st, 1));
        ret->class_id = db_col_int64(st, 2);
        ret->last_week = db_col_int64(st, 3);
    }
    db_done(st);
    if (r < 0 || !ret->member)
        return r < 0 ? r : 0;
    r = db_query(db, &st,
                 "SELECT answers, seconds, gained - lost FROM model_weekly "
                 "WHERE district_id = ? AND user_id = ? AND week = ?",
                 "iii", district_id, user_id, week);
    if (r < 0)
        return r;
    if ((r = db_step(st)) > 0) {
        ret->answers = db_col_int64(st, 0);
        ret->seconds = db_col_int64(st, 1);
        ret->net = db_col_int64(st, 2);
    }
    db_done(st);
    return r < 0 ? r : 0;
}

int store_sv_usage_end(struct db *db, int64_t district_id, int64_t user_id,
                       const struct sv_usage *was, int64_t week, int64_t answers, int64_t seconds,
                       int64_t net, int64_t mastered)
{
    int64_t n = 0;

    if (!was->member)
        return 0;
    /* the week's row before and after, as the views count it */
    bool a0 = was->answers > 0, a1 = was->answers + answers > 0;
    int64_t d_active = (int64_t)a1 - (int64_t)a0;
    int64_t d_act_seconds = (a1 ? was->seconds + seconds : 0) - (a0 ? was->seconds : 0);
    int64_t d_act_net = (a1 ? was->net + net : 0) - (a0 ? was->net : 0);
    int64_t last = a1 && week > was->last_week ? week : was->last_week;
    int64_t d_last = last != was->last_week ? 1 : 0;

    n = db_exec(db,
                "INSERT INTO sv_weeks (district_id, school_id, grade, class_id, week, active, "
                "last, seconds, net, act_seconds, act_net) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "?) ON CONFLICT (district_id, school_id, grade, class_id, week) DO UPDATE SET "
                "active = sv_weeks.active + excluded.active, "
                "last = sv_weeks.last + excluded.last, "
                "seconds = sv_weeks.seconds + excluded.seconds, "
                "net = sv_weeks.net + excluded.net, "
                "act_seconds = sv_weeks.act_seconds + excluded.act_seconds, "
                "act_net = sv_weeks.act_net + excluded.act_net",
                "iisiiiiiiii", district_id, was->school_id, was->grade, was->class_id, week,
                d_active, d_last, seconds, net, d_act_seconds, d_act_net);
    if (n >= 0 && d_last) {
        if (was->last_week >= 0)
            n = db_exec(db,
                        "UPDATE sv_weeks SET last = last - 1 WHERE district_id = ? AND "
                        "school_id = ? AND grade = ? AND class_id = ? AND week = ?",
                        "iisii", district_id, was->school_id, was->grade, was->class_id,
                        was->last_week);
        if (n >= 0)
            n = db_exec(db,
                        "UPDATE sv_members SET last_week = ? WHERE district_id = ? AND "
                        "user_id = ?",
                        "iii", last, district_id, user_id);
    }
    if (n >= 0 && mastered)
        n = db_exec(db,
                    "UPDATE sv_groups SET mastered = mastered + ? WHERE district_id = ? AND "
                    "school_id = ? AND grade = ? AND class_id = ?",
                    "iiisi", mastered, district_id, was->school_id, was->grade, was->class_id);
    return n < 0 ? (int)n : 0;
}

int store_sv_forget(struct db *db, int64_t district_id, bool all)
{
    int64_t n = db_exec(db, "DELETE FROM sv_state WHERE district_id = ?", "i", district_id);
    if (n >= 0 && all)
        n = db_exec(db, "DELETE FROM sv_weeks WHERE district_id = ?", "i", district_id);
    if (n >= 0 && all)
        n = db_exec(db, "DELETE FROM sv_groups WHERE district_id = ?", "i", district_id);
    if (n >= 0 && all)
        n = db_exec(db, "DELETE FROM sv_members WHERE district_id = ?", "i", district_id);
    return n < 0 ? (int)n : 0;
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

/*
 * The teacher views' reads: see store_teach.h.
 */
#include "base/common.h"

#include <stdio.h>

#include "base/mem.h"
#include "store/db.h"
#include "store/grant_impl.h"
#include "store/store_teach.h"

#define READS (ACT_READ | ACT_LIST | ACT_EXPORT)

/* The class's students on a day: the same rule as the class roster (store_people.c). */
#define MEMBERS                                                                                    \
    "SELECT e.user_id FROM enrollments e JOIN users u ON u.id = e.user_id"                         \
    " WHERE e.district_id = ? AND e.class_id = ? AND e.role = 'student' AND e.status = 'active'"   \
    " AND (e.begin_date IS NULL OR e.begin_date <= ?) AND (e.end_date IS NULL OR e.end_date >= ?)" \
    " AND u.status = 'active'"

/* Note a student once per grant (the students and their rows are read under one grant). */
static void note_once(struct grant *g, int64_t user_id)
{
    for (size_t i = 0; i < g->n_subjects; i++)
        if (g->subjects[i] == user_id)
            return;
    grant_note(g, user_id);
}

int store_teach_students(struct db *db, struct grant *g, int64_t class_id, int64_t student,
                         int64_t day, struct class_student **ret, size_t *ret_n)
{
    struct class_student *v = NULL;
    size_t n = 0;
    struct db_stmt *st;
    int64_t district_id = g ? g->district_id : 0;
    int r = grant_covers(g, db, RES_CLASS_LEARNING, district_id, class_id, READS);

    if (r < 0)
        return r;
    r = db_query(db, &st,
                 "SELECT u.id, u.given_name, u.family_name, u.preferred_given_name, u.grades, "
                 "u.username FROM users u WHERE u.district_id = ? AND u.id IN (" MEMBERS
                 ") AND (? = 0 OR u.id = ?) ORDER BY u.family_name, u.given_name, u.id",
                 "iiiiiii", district_id, district_id, class_id, day, day, student, student);
    if (r < 0)
        return r;
    if ((r = store_class_student_rows(st, &v, &n)) < 0)
        return r;
    if (student > 0 && n == 0) {
        mem_free(v);
        return -ENOENT;
    }
    for (size_t i = 0; i < n; i++)
        note_once(g, v[i].id);
    *ret = v;
    *ret_n = n;
    return 0;
}

int store_teach_mastery(struct db *db, struct grant *g, int64_t class_id, int64_t student,
                        int64_t day,
                        int (*cb)(void *arg, int64_t user_id, const struct model_mastery_row *row),
                        void *arg)
{
    struct db_stmt *st;
    int64_t district_id = g ? g->district_id : 0;
    int r = grant_covers(g, db, RES_CLASS_LEARNING, district_id, class_id, READS);

    if (r < 0)
        return r;
    r = db_query(db, &st,
                 "SELECT m.user_id, m.skill_id, m.p_mastery, m.answers, m.correct, m.last_ms, "
                 "COALESCE(m.p_unmastered, 1 - m.p_mastery), m.attempts_open, m.hints, "
                 "m.last_day, m.fsrs_stability, m.fsrs_difficulty, m.mastered_ms "
                 "FROM model_mastery m WHERE m.district_id = ? AND m.user_id IN (" MEMBERS
                 ") AND (? = 0 OR m.user_id = ?) ORDER BY m.user_id, m.skill_id",
                 "iiiiiii", district_id, district_id, class_id, day, day, student, student);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        struct model_mastery_row m;
        int64_t user_id = db_col_int64(st, 0);
        m.skill_id = db_col_int64(st, 1);
        m.p_mastery = db_col_double(st, 2);
        m.answers = db_col_int64(st, 3);
        m.correct = db_col_int64(st, 4);
        m.last_ms = db_col_int64(st, 5);
        m.p_unmastered = db_col_double(st, 6);
        m.attempts_open = db_col_int64(st, 7);
        m.hints = db_col_int64(st, 8);
        m.last_day = db_col_int64(st, 9);
        m.fsrs_stability = db_col_double(st, 10);
        m.fsrs_difficulty = db_col_double(st, 11);
        m.mastered_ms = db_col_int64(st, 12);
        note_once(g, user_id);
        if ((r = cb(arg, user_id, &m)) != 0)
            break;
    }
    db_done(st);
    return r;
}

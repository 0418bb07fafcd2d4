/*
 * Aggregates for the school and district views: the district's active
 * students grouped by school, grade and reporting class, with the sums the
 * views publish (computed here, in SQL, over the learner model's derived
 * tables of migration 0020; never over statements), and the students
 * active per school and week.
 *
 * No student is returned, only counts and sums; still, what they cover is
 * student data, so every read takes the gate's grant for the district's or
 * a school's aggregates (RES_DISTRICT_STATS or RES_SCHOOL_STATS of that
 * district). Both return the whole district: the service suppresses small
 * cells over all of it, so that every view hides the same cells, and
 * publishes only the part the grant is for.
 *
 * A student belongs to one school (their primary org, else their first
 * school), one grade (users.grades as given, '' when none) and one
 * reporting class: their homeroom at that school today, else the first
 * class (lowest id) they are enrolled in there today, else none (0). So
 * the cells partition the students, and a school is exactly the sum of its
 * grades, a grade of its classes.
 *
 * The reads do not add up the district per request: each student's group
 * is worked out once per day and roster import (sv_members, migration
 * 0023), and per-group sums (sv_groups, sv_weeks) are kept by the learner
 * model as it applies statements (store_sv_usage_begin/end, called by
 * store_model_usage_add), so a view reads a few rows per group. A reset of
 * the learner model (store_sv_forget) makes the next read work them out
 * again from the learner model's tables.
 */
#ifndef TRELLIS_STORE_SCHOOLVIEW_H
#define TRELLIS_STORE_SCHOOLVIEW_H

#include <stdint.h>

#include "base/common.h"

struct db;
struct grant;

/* One (school, grade, class) group. */
struct sv_group {
    int64_t school_id; /* 0: no school */
    char grade[32];
    int64_t class_id; /* 0: no class at their school today */
    int64_t students;
    int64_t mastered; /* skills mastered now, summed */
    int64_t growth;   /* skills mastered less skills lost since the window began, summed */
    int64_t active;   /* students with an answer since the window began */
    int64_t seconds;  /* practice time since the window began, summed */
};

/*
 * Work the district's groups out for day again unless they are for day and
 * the district's latest roster import already. Derived tables only, nothing
 * returned (no grant, as the learner model's follower); a write transaction
 * of its own, so called before the gate's read transaction begins.
 */
int store_sv_fresh(struct db *db, int64_t district_id, int64_t day);

/*
 * Every group of the district (as store_sv_fresh worked them out), with
 * the window starting at week since_week (see model_weekly), in order of
 * school, grade, class. cb's non-zero return stops and is returned.
 */
int store_sv_groups(struct db *db, struct grant *g, int64_t since_week,
                    int (*cb)(void *arg, const struct sv_group *row), void *arg);

/* One school's week. */
struct sv_week {
    int64_t school_id, week;
    int64_t active;  /* students with an answer that week */
    int64_t seconds; /* their practice time */
    int64_t gained;  /* skills mastered that week less those lost */
};

/* Every school's weeks from_week..to_week (weeks without activity are absent). */
int store_sv_weeks(struct db *db, struct grant *g, int64_t from_week, int64_t to_week,
                   int (*cb)(void *arg, const struct sv_week *row), void *arg);

/*
 * What the learner model's follower calls around its write of a learner's
 * week (model_weekly, model_learners, in the same transaction): _begin
 * reads the learner's group and the week's row as it was; _end adds the
 * change to the group's sums (answers, seconds, net gained less lost this
 * week; mastered: the change to the learner's skills mastered now).
 * Learners without a group (not active students, or groups not worked out
 * yet) are skipped: the next working out counts them.
 */
struct sv_usage {
    bool member;
    int64_t school_id, class_id, last_week;
    char grade[32];
    int64_t answers, seconds, net; /* the week's row before */
};
int store_sv_usage_begin(struct db *db, int64_t district_id, int64_t user_id, int64_t week,
                         struct sv_usage *ret);
int store_sv_usage_end(struct db *db, int64_t district_id, int64_t user_id,
                       const struct sv_usage *was, int64_t week, int64_t answers, int64_t seconds,
                       int64_t net, int64_t mastered);

/* The groups are stale (all: and the sums are dropped); the next read works them out again. */
int store_sv_forget(struct db *db, int64_t district_id, bool all);

/* The names the views show: schools of the district (active), classes by id. */
int store_sv_schools(struct db *db, struct grant *g,
                     int (*cb)(void *arg, int64_t id, const char *name), void *arg);
int store_sv_class_titles(struct db *db, struct grant *g,
                          int (*cb)(void *arg, int64_t id, const char *title), void *arg);

#endif

/*
 * The learner model's tables (migrations 0010, 0020): skill parameters,
 * each learner's mastery per skill, their usage per week, and the
 * statement cursor per district. No
 * access decision here: src/app/model.c checks first.
 */
#ifndef TRELLIS_STORE_MODEL_H
#define TRELLIS_STORE_MODEL_H

#include <stdint.h>

#include "base/common.h"

struct db;
struct grant;

struct model_skill_row {
    int64_t id;
    char skill[512];
    double prior, learn, forget, guess, slip;
    int64_t fitted_ms; /* 0: defaults */
    int64_t fit_answers;
    double fit_loglik;
};

/* A skill by IRI: 0, or -ENOENT. */
int store_model_skill(struct db *db, int64_t district_id, const char *skill,
                      struct model_skill_row *ret);
/* Insert a skill with row's parameters (row->id set), or -EEXIST. */
int store_model_skill_add(struct db *db, int64_t district_id, struct model_skill_row *row);
/* Replace a skill's parameters and fit figures by id. */
int store_model_skill_put(struct db *db, int64_t district_id, const struct model_skill_row *row);
/* Every skill of the district, by IRI. */
int store_model_skills(struct db *db, int64_t district_id,
                       int (*cb)(void *arg, const struct model_skill_row *row), void *arg);

struct model_mastery_row {
    int64_t skill_id;
    double p_mastery;
    double p_unmastered; /* P(not mastered), kept apart from p_mastery (core/bkt.h) */
    int64_t answers, correct, last_ms;
    int64_t attempts_open; /* first attempts since the skill was last mastered */
    int64_t hints;         /* hints asked for */
    int64_t last_day;      /* day (since 1970-01-01) of the last first attempt; 0: none */
    double fsrs_stability, fsrs_difficulty; /* review state once mastered; 0, 0: none */
    int64_t mastered_ms;                    /* when it was last mastered; 0: not mastered */
};
/* 0, or -ENOENT. */
int store_model_mastery(struct db *db, int64_t district_id, int64_t user_id, int64_t skill_id,
                        struct model_mastery_row *ret);
int store_model_mastery_put(struct db *db, int64_t district_id, int64_t user_id,
                            const struct model_mastery_row *row);
/*
 * A learner's rows, with their skill (by IRI). Student data: needs the
 * gate's grant to read the learner's mastery (RES_MASTERY user_id).
 */
int store_model_mastery_of(struct db *db, struct grant *g, int64_t user_id,
                           int (*cb)(void *arg, const struct model_skill_row *skill,
                                     const struct model_mastery_row *row),
                           void *arg);

/*
 * A learner's day in one skill (model_days, migration 0022): what the model
 * applied from that day's statements. skill is the skill's IRI (reads only).
 */
struct model_day_row {
    int64_t day; /* days since 1970-01-01 (UTC) */
    int64_t skill_id;
    char skill[512];
    int64_t answers, correct, hints, mastered;
    int64_t last_ms;
};
/*
 * Add row's counts to the learner's day in row->skill_id (created at zero),
 * keeping the later last_ms: inside the model's write transaction.
 */
int store_model_day_add(struct db *db, int64_t district_id, int64_t user_id,
                        const struct model_day_row *row);
/*
 * A learner's days from since_day on, newest day first (skills by IRI within
 * a day). Student data: needs the gate's grant to read the learner's
 * mastery (RES_MASTERY user_id); notes the learner in it.
 */
int store_model_days_of(struct db *db, struct grant *g, int64_t user_id, int64_t since_day,
                        int (*cb)(void *arg, const struct model_day_row *row), void *arg);

/* The last statement seq applied (0 when none). */
int store_model_cursor(struct db *db, int64_t district_id, int64_t *ret_seq);
int store_model_set_cursor(struct db *db, int64_t district_id, int64_t seq);
/*
 * Forget all mastery, the days and the cursor (rebuild), keeping skills and
 * their parameters.
 */
int store_model_reset(struct db *db, int64_t district_id);
/*
 * store_model_reset() for every district: the step of migration 0022, so
 * an upgraded database replays its statements into the new tables.
 */
int store_model_reset_all(struct db *db);
/* Every district's id, in order. */
int store_model_districts(struct db *db, int (*cb)(void *arg, int64_t district_id), void *arg);
/* Forget one learner's mastery, usage and days (their statements were deleted). */
int store_model_forget_user(struct db *db, int64_t district_id, int64_t user_id);

/*
 * What one learner did in one week (migration 0020): added to the week's
 * row (model_weekly), and gained - lost to the learner's count of skills
 * mastered (model_learners). Inside the model's write transaction.
 */
struct model_usage {
    int64_t week; /* (day + 3) / 7: weeks start on Monday, UTC */
    int64_t answers, seconds, gained, lost;
};
int store_model_usage_add(struct db *db, int64_t district_id, int64_t user_id,
                          const struct model_usage *u);

/*
 * Take the district's cursor row for the transaction (a batch of the
 * follower takes it first, so a batch never interleaves with another, nor
 * with the school views' working out of their groups, store_schoolview.c).
 */
int store_model_lock(struct db *db, int64_t district_id);

#endif

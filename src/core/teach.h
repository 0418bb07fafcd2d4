/*
 * The teacher views' rules, pure: what a cell of the class heat map is
 * called (mastered, in progress, stuck, not started), the early-warning
 * flags (wheel-spinning, rapid guessing, falling mastery), the calendar
 * weeks of the progress chart, xAPI durations, and the suggested small
 * groups. The numbers live here, once, so the service, the pages and the
 * tests read the same rules (docs/API.md "Teacher views" states them).
 *
 * Nothing here reads a clock, a file or the database: the service
 * (src/app/teach.c) gives the facts, these functions decide.
 */
#ifndef TRELLIS_CORE_TEACH_H
#define TRELLIS_CORE_TEACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Wheel-spinning: this many first attempts on a skill since it was last mastered, not mastered. */
#define TEACH_SPIN_ATTEMPTS 10
/*
 * Rapid guessing: a wrong answer given in under TEACH_RAPID_MS (too fast
 * to have read a problem). A learner is flagged when, over the last
 * TEACH_RAPID_DAYS days, they gave at least TEACH_RAPID_MIN such answers
 * and they make up at least TEACH_RAPID_SHARE_PCT percent of their timed
 * answers in that time.
 */
#define TEACH_RAPID_MS        5000
#define TEACH_RAPID_DAYS      14
#define TEACH_RAPID_MIN       5
#define TEACH_RAPID_SHARE_PCT 25
/*
 * Falling mastery: a skill whose P(mastered) TEACH_FALL_DAYS days ago was
 * at least TEACH_FALL_DROP_PCT points higher than now, or that was
 * mastered then and is not now.
 */
#define TEACH_FALL_DAYS     7
#define TEACH_FALL_DROP_PCT 20
/* Suggested small groups: at least this many students, at most this many. */
#define TEACH_GROUP_MIN 2
#define TEACH_GROUP_MAX 6
/* The progress chart goes back at most this many calendar weeks. */
#define TEACH_WEEKS_MAX 26

enum teach_status {
    TEACH_NOT_STARTED = 0, /* no answer and no hint yet */
    TEACH_IN_PROGRESS,     /* started, not mastered, not stuck */
    TEACH_STUCK,           /* wheel-spinning: TEACH_SPIN_ATTEMPTS first attempts, no mastery */
    TEACH_MASTERED,        /* P(mastered) >= the threshold */
};

/* "not_started", "in_progress", "stuck", "mastered". */
const char *teach_status_name(enum teach_status s);

/*
 * A learner's status in a skill from the learner model's row (has_row
 * false: no row, never started). mastered_at is the model's threshold.
 */
enum teach_status teach_status_of(bool has_row, double p_mastery, int64_t answers, int64_t hints,
                                  int64_t attempts_open, double mastered_at);

/*
 * An xAPI duration (ISO 8601, as result.duration: "PT8.2S", "PT1M5S",
 * "P1DT2H", "P2W") in milliseconds. Years and months have no fixed length
 * and are refused. 0 and *ret_ms, or -EINVAL.
 */
int teach_duration_ms(const char *iso, int64_t *ret_ms);

/* Is an answer a rapid guess: wrong and timed under TEACH_RAPID_MS? */
bool teach_rapid_answer(bool has_duration, int64_t duration_ms, bool success);
/* Do rapid guesses out of timed answers (over TEACH_RAPID_DAYS) flag the learner? */
bool teach_rapid_flag(int64_t rapid, int64_t timed);
/* Does P(mastered) from then to now flag falling mastery? */
bool teach_falling(double then, double now, double mastered_at);

/*
 * Calendar weeks (Monday to Sunday, UTC), numbered from the week of
 * 1970-01-01: the week of a day since the epoch, and the first day of a
 * week.
 */
int64_t teach_week_of_day(int64_t day);
int64_t teach_week_first_day(int64_t week);

/*
 * Suggested small groups. p is n_students x n_skills (row-major) of
 * P(mastered), NAN where the student has not started the skill;
 * pre_start (n_skills + 1 entries) and pre (pre_start[n_skills] entries)
 * list each skill's prerequisites as skill indices. A student lacks a
 * skill, ready for a mini-lesson on it, when they have started it and not
 * mastered it, and have mastered every one of its prerequisites (a skill
 * not started is mastered by nobody). Greedy, deterministic: take the skill with
 * the most ready students not yet in a group (ties: the earlier skill);
 * stop when fewer than TEACH_GROUP_MIN remain for every skill; a group
 * holds at most TEACH_GROUP_MAX of them, the lowest P(mastered) first
 * (ties: the earlier student), and the rest may form the next group.
 *
 * Only skills whose candidate[] is true (NULL: every skill) are taught to
 * a group; the others are there as prerequisites (a skill nobody has
 * practised is mastered by nobody). Writes group_of[s] (a group index, or
 * -1 for a student in no group) and group_skill[g] (caller's arrays:
 * n_students entries each); returns the number of groups, or -EINVAL.
 */
int teach_groups(const double *p, size_t n_students, size_t n_skills, const uint32_t *pre_start,
                 const uint32_t *pre, const bool *candidate, double mastered_at, int32_t *group_of,
                 uint32_t *group_skill);

#endif

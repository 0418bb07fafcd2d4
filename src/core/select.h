/*
 * What a learner practises next: mastery learning over a prerequisite
 * graph of skills, with spaced review and teachers' assignments.
 *
 * A skill counts as mastered while its BKT P(mastered) is at least the
 * threshold (0.95, Corbett and Anderson 1995). In order:
 *
 *   1. a teacher's open assignment that is not mastered (earliest due first);
 *   2. the skill practised last, while it is not mastered;
 *   3. a mastered skill whose recall the spacing model (FSRS) puts below the
 *      requested retention: a review, most overdue first;
 *   4. a new skill whose prerequisites are all mastered (lowest grade first,
 *      then the pack's order);
 *   5. everything mastered and nothing due: the skill recalled least well.
 *
 * A learner who spins on the chosen skill (spin_attempts answers or more
 * without mastering it) is moved to its weakest prerequisite that is not
 * mastered (following prerequisites down while they spin too), and the
 * result says which skill was spun on, so the teacher can be told.
 *
 * Within a skill, select_item() picks the item whose predicted chance of
 * success (2PL IRT) for the learner's ability is closest to a target
 * (e.g. 0.7: hard enough to learn from, easy enough not to discourage),
 * avoiding items seen recently.
 *
 * Pure and reentrant: no allocation, no clock (the caller passes the day),
 * no randomness but the seed the caller passes.
 */
#ifndef TRELLIS_CORE_SELECT_H
#define TRELLIS_CORE_SELECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/fsrs.h"

enum select_reason {
    SELECT_NONE = 0,      /* nothing to practise (no skill has items) */
    SELECT_ASSIGNED,      /* a teacher's assignment */
    SELECT_CONTINUE,      /* the skill in progress */
    SELECT_REMEDIATE,     /* a prerequisite of a skill the learner spun on */
    SELECT_REVIEW,        /* a mastered skill due for review */
    SELECT_NEXT,          /* a new skill whose prerequisites are mastered */
    SELECT_PRACTICE_MORE, /* all mastered, none due */
};

/* One skill as the learner stands on it. */
struct select_skill {
    double p_mastery;       /* BKT P(mastered) */
    uint32_t attempts;      /* answers since the skill was last mastered (all, if never) */
    double stability;       /* FSRS stability in days of a skill once mastered; 0: none */
    int64_t last_day;       /* day (since 1970-01-01) of the last answer; 0: never */
    int grade;              /* for the order of new skills */
    int64_t assigned_due;   /* an open assignment due on this day; 0: not assigned */
    const uint32_t *prereq; /* indices of the prerequisites */
    size_t n_prereq;
    bool has_items; /* something to practise (a skill without items is never chosen) */
};

struct select_input {
    const struct select_skill *skills;
    size_t n;
    int64_t today;            /* days since 1970-01-01 */
    double mastery_threshold; /* e.g. 0.95 */
    uint32_t spin_attempts;   /* e.g. 10 */
    const struct fsrs_params *fsrs;
    int64_t current; /* the skill practised last, or -1 */
};

struct select_result {
    enum select_reason reason;
    int64_t skill;   /* the index chosen; -1 with SELECT_NONE */
    int64_t spun_on; /* SELECT_REMEDIATE: the skill the learner spun on; else -1 */
};

/* 0 and *ret, or -EINVAL (a prerequisite index out of range, a NaN, no fsrs). */
int select_next_skill(const struct select_input *in, struct select_result *ret);

/* Is the skill mastered (p at or above the threshold)? */
bool select_mastered(const struct select_skill *s, double threshold);
/* Is the learner spinning on it (many answers, not mastered)? */
bool select_spinning(const struct select_skill *s, double threshold, uint32_t spin_attempts);

/* One candidate item of a skill. */
struct select_item {
    double difficulty;     /* IRT b in logits; NAN: unknown (treated as 0) */
    double discrimination; /* IRT a; NAN or <= 0: 1 */
    bool recent;           /* seen by this learner recently: chosen only if nothing else */
};

/*
 * The index of the item whose 2PL P(correct | theta) is closest to target,
 * among those not seen recently (all of them if every one was); ties broken
 * by seed, so two learners at the same level do not all get the same item.
 * -1 when n is 0.
 */
int64_t select_item(const struct select_item *items, size_t n, double theta, double target,
                    uint64_t seed);

#endif

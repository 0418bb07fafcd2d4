/*
 * FSRS (Free Spaced Repetition Scheduler), version 6 formulas, for review
 * scheduling of skills a student has mastered: stability S (days until
 * recall probability falls to 90%), difficulty D in [1, 10],
 * retrievability R(t, S) = (1 + factor t / S)^(-w20) and the next interval
 * for a requested retention.
 *
 * Results equal those of ts-fsrs 5.x ("FSRS-6.0"), including its rounding
 * to 8 decimals at the same steps; see
 * https://github.com/open-spaced-repetition/fsrs4anki/wiki/The-Algorithm
 * for the formulas. The scheduler here is ts-fsrs's long-term scheduler
 * (no same-day learning steps, intervals in whole days, no fuzz);
 * fsrs_next_state() also has the short-term stability of same-day reviews.
 *
 * Pure and reentrant; no allocation.
 */
#ifndef TRELLIS_CORE_FSRS_H
#define TRELLIS_CORE_FSRS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FSRS_N_WEIGHTS 21

enum fsrs_rating { FSRS_AGAIN = 1, FSRS_HARD = 2, FSRS_GOOD = 3, FSRS_EASY = 4 };

struct fsrs_params {
    double w[FSRS_N_WEIGHTS];
    double request_retention;                /* in (0, 1] */
    uint32_t maximum_interval;               /* days, >= 1 */
    bool enable_short_term;                  /* same-day reviews change stability by w17..w19 */
    double decay, factor, interval_modifier; /* derived from w and the retention */
};

/* A memory state; stability 0 and difficulty 0 is a card never reviewed. */
struct fsrs_memory {
    double stability;
    double difficulty;
};

/*
 * Fill *p. w: NULL for the FSRS-6 defaults, or n_w = 21 weights (or 19,
 * FSRS-5, which get w19 = 0 and w20 = 0.5), clamped to the ranges ts-fsrs
 * allows. 0, or -EINVAL (nothing written) for a NaN or infinite weight, a
 * wrong count, a retention outside (0, 1] or a maximum interval of 0.
 */
int fsrs_params_init(struct fsrs_params *p, const double *w, size_t n_w, double request_retention,
                     uint32_t maximum_interval, bool enable_short_term);

/* R(t, S): the probability of recall t days after a review that left stability S > 0. */
double fsrs_retrievability(const struct fsrs_params *p, double elapsed_days, double stability);

/*
 * The memory state after a review rated grade (1..4) t days after the
 * last one (m NULL or {0, 0}: the first review). r is the retrievability
 * at the review, or NAN to compute it from t. 0, or -EINVAL for a grade
 * outside 1..4, a negative or NaN t, or a state with difficulty below 1
 * or stability below 0.001.
 */
int fsrs_next_state(const struct fsrs_params *p, const struct fsrs_memory *m, double t, int grade,
                    double r, struct fsrs_memory *ret);

/* Days until the next review for stability s: round(s * modifier), within [1, maximum]. */
uint32_t fsrs_next_interval(const struct fsrs_params *p, double stability);

/* One possible outcome of a review. */
struct fsrs_outcome {
    struct fsrs_memory memory;
    uint32_t interval; /* days until the next review */
};

/*
 * The four outcomes (ret[grade - 1]) of reviewing a card elapsed_days
 * after its last review (m NULL or {0, 0}: a new card), with the long-term
 * scheduler's ordering: again < hard < good < easy intervals. 0 or -EINVAL.
 */
int fsrs_schedule(const struct fsrs_params *p, const struct fsrs_memory *m, uint32_t elapsed_days,
                  struct fsrs_outcome ret[4]);

#endif

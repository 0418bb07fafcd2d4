/*
 * Choosing what a learner practises next: see select.h.
 */
#include "base/common.h"

#include <math.h>

#include "core/select.h"

bool select_mastered(const struct select_skill *s, double threshold)
{
    return s->p_mastery >= threshold;
}

bool select_spinning(const struct select_skill *s, double threshold, uint32_t spin_attempts)
{
    return !select_mastered(s, threshold) && spin_attempts > 0 && s->attempts >= spin_attempts;
}

static bool practicable(const struct select_input *in, int64_t i)
{
    return i >= 0 && (size_t)i < in->n && in->skills[i].has_items;
}

static bool prereqs_mastered(const struct select_input *in, const struct select_skill *s)
{
    for (size_t k = 0; k < s->n_prereq; k++)
        if (!select_mastered(&in->skills[s->prereq[k]], in->mastery_threshold))
            return false;
    return true;
}

/*
 * A spinning learner goes down to the weakest prerequisite not mastered,
 * and further down while that one spins too (bounded: the graph may have a
 * cycle the caller did not catch).
 */
static void remediate(const struct select_input *in, int64_t skill, struct select_result *ret)
{
    int64_t at = skill;

    for (size_t depth = 0; depth < in->n; depth++) {
        const struct select_skill *s = &in->skills[at];
        int64_t weakest = -1;
        if (!select_spinning(s, in->mastery_threshold, in->spin_attempts))
            break;
        for (size_t k = 0; k < s->n_prereq; k++) {
            int64_t p = s->prereq[k];
            const struct select_skill *q = &in->skills[p];
            if (!practicable(in, p) || select_mastered(q, in->mastery_threshold))
                continue;
            if (weakest < 0 || q->p_mastery < in->skills[weakest].p_mastery)
                weakest = p;
        }
        if (weakest < 0)
            break; /* nothing below to work on: stay (the teacher is told) */
        at = weakest;
    }
    ret->skill = at;
    if (at != skill) {
        ret->reason = SELECT_REMEDIATE;
        ret->spun_on = skill;
    }
}

/* How overdue a mastered skill's review is: elapsed days over its interval (> 1: due). */
static double overdue(const struct select_input *in, const struct select_skill *s)
{
    if (s->stability <= 0 || s->last_day <= 0)
        return 0;
    double elapsed = (double)(in->today - s->last_day);
    if (elapsed <= 0)
        return 0;
    double r = fsrs_retrievability(in->fsrs, elapsed, s->stability);
    /* due once recall is predicted below the retention asked for */
    return r < in->fsrs->request_retention ? (1.0 - r) / (1.0 - in->fsrs->request_retention) : 0;
}

int select_next_skill(const struct select_input *in, struct select_result *ret)
{
    int64_t best = -1;

    if (!in || !in->fsrs || (in->n && !in->skills) || isnan(in->mastery_threshold))
        return -EINVAL;
    for (size_t i = 0; i < in->n; i++) {
        const struct select_skill *s = &in->skills[i];
        if (isnan(s->p_mastery) || isnan(s->stability))
            return -EINVAL;
        for (size_t k = 0; k < s->n_prereq; k++)
            if (s->prereq[k] >= in->n)
                return -EINVAL;
    }
    ret->reason = SELECT_NONE;
    ret->skill = -1;
    ret->spun_on = -1;

    /* 1. a teacher's open assignment, earliest due first */
    for (size_t i = 0; i < in->n; i++) {
        const struct select_skill *s = &in->skills[i];
        if (!s->assigned_due || !s->has_items || select_mastered(s, in->mastery_threshold))
            continue;
        if (best < 0 || s->assigned_due < in->skills[best].assigned_due)
            best = (int64_t)i;
    }
    if (best >= 0) {
        ret->reason = SELECT_ASSIGNED;
        remediate(in, best, ret);
        return 0;
    }
    /* 2. the skill in progress */
    if (practicable(in, in->current) &&
        !select_mastered(&in->skills[in->current], in->mastery_threshold)) {
        ret->reason = SELECT_CONTINUE;
        remediate(in, in->current, ret);
        return 0;
    }
    /* 3. a review that is due, most overdue first */
    double most = 0;
    for (size_t i = 0; i < in->n; i++) {
        const struct select_skill *s = &in->skills[i];
        if (!s->has_items || !select_mastered(s, in->mastery_threshold))
            continue;
        double o = overdue(in, s);
        if (o > most) {
            most = o;
            best = (int64_t)i;
        }
    }
    if (best >= 0) {
        ret->reason = SELECT_REVIEW;
        ret->skill = best;
        return 0;
    }
    /* 4. a new skill whose prerequisites are mastered: lowest grade, then the pack's order */
    for (size_t i = 0; i < in->n; i++) {
        const struct select_skill *s = &in->skills[i];
        if (!s->has_items || select_mastered(s, in->mastery_threshold) || !prereqs_mastered(in, s))
            continue;
        if (best < 0 || s->grade < in->skills[best].grade)
            best = (int64_t)i;
    }
    if (best >= 0) {
        ret->reason = SELECT_NEXT;
        remediate(in, best, ret);
        return 0;
    }
    /* (a graph whose every open skill waits on another: the one with the most prerequisites done)
     */
    size_t most_done = 0;
    for (size_t i = 0; i < in->n; i++) {
        const struct select_skill *s = &in->skills[i];
        if (!s->has_items || select_mastered(s, in->mastery_threshold))
            continue;
        size_t done = 0;
        for (size_t k = 0; k < s->n_prereq; k++)
            done += select_mastered(&in->skills[s->prereq[k]], in->mastery_threshold);
        if (best < 0 || done > most_done) {
            best = (int64_t)i;
            most_done = done;
        }
    }
    if (best >= 0) {
        ret->reason = SELECT_NEXT;
        remediate(in, best, ret);
        return 0;
    }
    /* 5. everything mastered, nothing due: the one recalled least well */
    double lowest = INFINITY;
    for (size_t i = 0; i < in->n; i++) {
        const struct select_skill *s = &in->skills[i];
        if (!s->has_items)
            continue;
        double r =
            s->stability > 0 && s->last_day > 0 && in->today > s->last_day
                ? fsrs_retrievability(in->fsrs, (double)(in->today - s->last_day), s->stability)
                : 1.0;
        if (r < lowest) {
            lowest = r;
            best = (int64_t)i;
        }
    }
    if (best >= 0) {
        ret->reason = SELECT_PRACTICE_MORE;
        ret->skill = best;
    }
    return 0;
}

/* splitmix64: a well-mixed 64-bit value from the seed and an index */
static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static double gap_of(const struct select_item *it, double theta, double target)
{
    double b = isnan(it->difficulty) ? 0 : it->difficulty;
    double a = isnan(it->discrimination) || it->discrimination <= 0 ? 1 : it->discrimination;
    return fabs(1.0 / (1.0 + exp(-a * (theta - b))) - target);
}

int64_t select_item(const struct select_item *items, size_t n, double theta, double target,
                    uint64_t seed)
{
    double least = INFINITY;
    bool any_fresh = false;
    int64_t best = -1;
    uint64_t best_tie = 0;

    for (size_t i = 0; i < n; i++)
        any_fresh |= !items[i].recent;
    for (size_t i = 0; i < n; i++)
        if (!(any_fresh && items[i].recent))
            least = MIN(least, gap_of(&items[i], theta, target));
    /* among the items within a hundredth of the closest, the seed decides */
    for (size_t i = 0; i < n; i++) {
        if (any_fresh && items[i].recent)
            continue;
        if (gap_of(&items[i], theta, target) > least + 0.01)
            continue;
        uint64_t tie = mix(seed ^ (uint64_t)i);
        if (best < 0 || tie < best_tie) {
            best = (int64_t)i;
            best_tie = tie;
        }
    }
    return best;
}

/*
 * The teacher views' rules: see teach.h.
 */
#include "base/common.h"

#include <math.h>

#include "core/teach.h"

const char *teach_status_name(enum teach_status s)
{
    switch (s) {
    case TEACH_IN_PROGRESS:
        return "in_progress";
    case TEACH_STUCK:
        return "stuck";
    case TEACH_MASTERED:
        return "mastered";
    case TEACH_NOT_STARTED:
        break;
    }
    return "not_started";
}

enum teach_status teach_status_of(bool has_row, double p_mastery, int64_t answers, int64_t hints,
                                  int64_t attempts_open, double mastered_at)
{
    if (!has_row || (answers <= 0 && hints <= 0))
        return TEACH_NOT_STARTED;
    if (p_mastery >= mastered_at)
        return TEACH_MASTERED;
    if (attempts_open >= TEACH_SPIN_ATTEMPTS)
        return TEACH_STUCK;
    return TEACH_IN_PROGRESS;
}

/* A decimal number (digits, then '.' or ',' and digits) in thousandths: 0 and *pos moved. */
static int number_milli(const char *s, size_t *pos, int64_t *ret)
{
    size_t i = *pos;
    int64_t whole = 0, frac = 0, scale = 1000;
    bool digits = false;

    while (s[i] >= '0' && s[i] <= '9') {
        if (whole > (INT64_MAX / 1000 - 9) / 10)
            return -EINVAL;
        whole = whole * 10 + (s[i++] - '0');
        digits = true;
    }
    if (s[i] == '.' || s[i] == ',') {
        i++;
        bool fdigits = false;
        while (s[i] >= '0' && s[i] <= '9') {
            if (scale > 1) {
                scale /= 10;
                frac += (s[i] - '0') * scale;
            }
            i++;
            fdigits = true;
        }
        if (!fdigits)
            return -EINVAL;
        digits = true;
    }
    if (!digits)
        return -EINVAL;
    *pos = i;
    *ret = whole * 1000 + frac;
    return 0;
}

int teach_duration_ms(const char *iso, int64_t *ret_ms)
{
    /* the designators in the order ISO 8601 writes them, with their length in ms */
    static const struct {
        char unit;
        bool time;
        int64_t ms;
    } parts[] = {
        {'W', false, 7 * 86400000LL}, {'D', false, 86400000LL}, {'H', true, 3600000LL},
        {'M', true, 60000LL},         {'S', true, 1000LL},
    };
    size_t i = 1, next = 0;
    int64_t total = 0;
    bool in_time = false, any = false;

    if (!iso || iso[0] != 'P')
        return -EINVAL;
    while (iso[i]) {
        if (iso[i] == 'T') {
            if (in_time)
                return -EINVAL;
            in_time = true;
            i++;
            if (!iso[i])
                return -EINVAL; /* "PT" says nothing */
            continue;
        }
        int64_t v;
        if (number_milli(iso, &i, &v) < 0)
            return -EINVAL;
        size_t k = next;
        while (k < ARRAY_SIZE(parts) && (parts[k].unit != iso[i] || parts[k].time != in_time))
            k++;
        if (k == ARRAY_SIZE(parts))
            return -EINVAL; /* years, months, a unit out of order or in the wrong half */
        /* the component's value must fit */
        if (v / 1000 > INT64_MAX / parts[k].ms)
            return -EINVAL;
        int64_t ms = (v / 1000) * parts[k].ms + (v % 1000) * parts[k].ms / 1000;
        if (total > INT64_MAX - ms)
            return -EINVAL;
        total += ms;
        next = k + 1;
        any = true;
        i++;
    }
    if (!any)
        return -EINVAL;
    *ret_ms = total;
    return 0;
}

bool teach_rapid_answer(bool has_duration, int64_t duration_ms, bool success)
{
    return has_duration && !success && duration_ms >= 0 && duration_ms < TEACH_RAPID_MS;
}

bool teach_rapid_flag(int64_t rapid, int64_t timed)
{
    return rapid >= TEACH_RAPID_MIN && timed > 0 && rapid * 100 >= timed * TEACH_RAPID_SHARE_PCT;
}

bool teach_falling(double then, double now, double mastered_at)
{
    if (!isfinite(then) || !isfinite(now))
        return false;
    /* in whole thousandths, so 0.95 - 0.75 counts as the 20 points it is */
    int64_t drop = (int64_t)llround(then * 1000) - (int64_t)llround(now * 1000);
    return drop >= TEACH_FALL_DROP_PCT * 10 || (then >= mastered_at && now < mastered_at);
}

/* 1970-01-01 was a Thursday: day 4 (1970-01-05) is the first Monday. */
int64_t teach_week_of_day(int64_t day)
{
    int64_t d = day + 3;
    return d >= 0 ? d / 7 : -((-d + 6) / 7);
}

int64_t teach_week_first_day(int64_t week)
{
    return week * 7 - 3;
}

static bool ready(const double *p, size_t n_skills, size_t s, size_t k, const uint32_t *pre_start,
                  const uint32_t *pre, double mastered_at)
{
    const double *row = p + s * n_skills;
    if (!(row[k] < mastered_at)) /* mastered, or not started (NAN) */
        return false;
    for (uint32_t j = pre_start[k]; j < pre_start[k + 1]; j++)
        if (!(row[pre[j]] >= mastered_at))
            return false;
    return true;
}

int teach_groups(const double *p, size_t n_students, size_t n_skills, const uint32_t *pre_start,
                 const uint32_t *pre, const bool *candidate, double mastered_at, int32_t *group_of,
                 uint32_t *group_skill)
{
    int32_t n_groups = 0;

    if ((n_students && (!p || !group_of || !group_skill)) || (n_skills && !pre_start) ||
        n_students > INT32_MAX)
        return -EINVAL;
    for (size_t k = 0; k < n_skills; k++)
        if (pre_start[k] > pre_start[k + 1] || (pre_start[k + 1] > pre_start[k] && !pre))
            return -EINVAL;
    for (size_t k = 0; k < n_skills; k++)
        for (uint32_t j = pre_start[k]; j < pre_start[k + 1]; j++)
            if (pre[j] >= n_skills)
                return -EINVAL;
    for (size_t s = 0; s < n_students; s++)
        group_of[s] = -1;

    for (;;) {
        size_t best = SIZE_MAX, best_n = 0;
        for (size_t k = 0; k < n_skills; k++) {
            size_t n = 0;
            if (candidate && !candidate[k])
                continue;
            for (size_t s = 0; s < n_students; s++)
                if (group_of[s] < 0 && ready(p, n_skills, s, k, pre_start, pre, mastered_at))
                    n++;
            if (n > best_n) {
                best = k;
                best_n = n;
            }
        }
        if (best == SIZE_MAX || best_n < TEACH_GROUP_MIN)
            break;
        /* the members: the ready students with the lowest P(mastered), at most TEACH_GROUP_MAX */
        size_t taken = 0;
        while (taken < TEACH_GROUP_MAX) {
            size_t pick = SIZE_MAX;
            for (size_t s = 0; s < n_students; s++) {
                if (group_of[s] >= 0 || !ready(p, n_skills, s, best, pre_start, pre, mastered_at))
                    continue;
                if (pick == SIZE_MAX || p[s * n_skills + best] < p[pick * n_skills + best])
                    pick = s;
            }
            if (pick == SIZE_MAX)
                break;
            group_of[pick] = n_groups;
            taken++;
        }
        group_skill[n_groups++] = (uint32_t)best;
    }
    return n_groups;
}

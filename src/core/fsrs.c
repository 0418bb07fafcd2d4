/*
 * FSRS-6 (see fsrs.h). Each step mirrors ts-fsrs 5.x: the same formulas,
 * evaluated in the same order, rounded to 8 decimals where it rounds, so
 * that results agree to the last digit it keeps.
 */
#include "core/fsrs.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#define S_MIN      0.001
#define S_MAX      36500.0
#define INIT_S_MAX 100.0

/* FSRS-6 defaults (ts-fsrs default_w) */
static const double default_w[FSRS_N_WEIGHTS] = {
    0.212,  1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001,  1.8722, 0.1666, 0.796,
    1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
};

/* JavaScript's Math.round: the nearest integer, halves toward +infinity. */
static double js_round(double x)
{
    double f = floor(x);
    return x - f >= 0.5 ? f + 1.0 : f;
}

/* ts-fsrs roundTo(x, 8) */
static double round8(double x)
{
    return js_round(x * 1e8) / 1e8;
}

static double clampd(double x, double lo, double hi)
{
    return fmin(fmax(x, lo), hi);
}

int fsrs_params_init(struct fsrs_params *p, const double *w, size_t n_w, double request_retention,
                     uint32_t maximum_interval, bool enable_short_term)
{
    /* ts-fsrs CLAMP_PARAMETERS, with the w17/w18 ceiling of at most one relearning step */
    const double lo[FSRS_N_WEIGHTS] = {
        S_MIN, S_MIN, S_MIN, S_MIN, 1, 0.001, 0.001, 0.001, 0, 0,
        0.001, 0.001, 0.001, 0.001, 0, 0,     1,     0,     0, enable_short_term ? 0.01 : 0,
        0.1};
    const double hi[FSRS_N_WEIGHTS] = {
        INIT_S_MAX, INIT_S_MAX, INIT_S_MAX, INIT_S_MAX, 10, 4, 4, 0.75, 4.5, 0.8, 3.5,
        5,          0.25,       0.9,        4,          1,  6, 2, 2,    0.8, 0.8};
    double v[FSRS_N_WEIGHTS];
    struct fsrs_params q;

    if (!p || !(request_retention > 0 && request_retention <= 1) || maximum_interval < 1)
        return -EINVAL;
    if (!w) {
        memcpy(v, default_w, sizeof(v));
    } else if (n_w == FSRS_N_WEIGHTS || n_w == 19) {
        for (size_t i = 0; i < n_w; i++)
            if (!isfinite(w[i]))
                return -EINVAL;
        memcpy(v, w, n_w * sizeof(double));
        if (n_w == 19) { /* FSRS-5: no short-term exponent, decay 0.5 (then clamped too) */
            v[19] = 0.0;
            v[20] = 0.5;
        }
    } else {
        return -EINVAL;
    }
    memset(&q, 0, sizeof(q));
    for (size_t i = 0; i < FSRS_N_WEIGHTS; i++)
        q.w[i] = clampd(v[i], lo[i], hi[i]);
    q.request_retention = request_retention;
    q.maximum_interval = maximum_interval;
    q.enable_short_term = enable_short_term;
    q.decay = -q.w[20];
    q.factor = round8(exp((1.0 / q.decay) * log(0.9)) - 1.0);
    q.interval_modifier = round8((pow(request_retention, 1.0 / q.decay) - 1.0) / q.factor);
    *p = q;
    return 0;
}

double fsrs_retrievability(const struct fsrs_params *p, double elapsed_days, double stability)
{
    return round8(pow(1.0 + p->factor * elapsed_days / stability, p->decay));
}

static double init_stability(const struct fsrs_params *p, int g)
{
    return fmax(p->w[g - 1], 0.1);
}

static double init_difficulty(const struct fsrs_params *p, int g)
{
    return round8(p->w[4] - exp((double)(g - 1) * p->w[5]) + 1.0);
}

static double next_difficulty(const struct fsrs_params *p, double d, int g)
{
    double delta = -p->w[6] * (double)(g - 3);
    double next = d + round8(delta * (10.0 - d) / 9.0); /* linear damping */
    double init = init_difficulty(p, FSRS_EASY);
    return clampd(round8(p->w[7] * init + (1.0 - p->w[7]) * next), 1.0, 10.0); /* mean reversion */
}

static double next_recall_stability(const struct fsrs_params *p, double d, double s, double r,
                                    int g)
{
    const double *w = p->w;
    double hard = g == FSRS_HARD ? w[15] : 1.0, easy = g == FSRS_EASY ? w[16] : 1.0;
    double inc =
        exp(w[8]) * (11.0 - d) * pow(s, -w[9]) * (exp((1.0 - r) * w[10]) - 1.0) * hard * easy;
    return round8(clampd(s * (1.0 + inc), S_MIN, S_MAX));
}

static double next_forget_stability(const struct fsrs_params *p, double d, double s, double r)
{
    const double *w = p->w;
    return round8(
        clampd(w[11] * pow(d, -w[12]) * (pow(s + 1.0, w[13]) - 1.0) * exp((1.0 - r) * w[14]), S_MIN,
               S_MAX));
}

static double next_short_term_stability(const struct fsrs_params *p, double s, int g)
{
    const double *w = p->w;
    double sinc = pow(s, -w[19]) * exp(w[17] * ((double)(g - 3) + w[18]));
    if (g >= FSRS_HARD)
        sinc = fmax(sinc, 1.0);
    return round8(clampd(s * sinc, S_MIN, S_MAX));
}

int fsrs_next_state(const struct fsrs_params *p, const struct fsrs_memory *m, double t, int grade,
                    double r, struct fsrs_memory *ret)
{
    double d = m ? m->difficulty : 0.0, s = m ? m->stability : 0.0, new_s;

    if (!p || !ret || grade < 1 || grade > 4 || !(t >= 0) || !isfinite(t) || isnan(d) || isnan(s))
        return -EINVAL;
    if (d == 0.0 && s == 0.0) {
        ret->difficulty = clampd(init_difficulty(p, grade), 1.0, 10.0);
        ret->stability = init_stability(p, grade);
        return 0;
    }
    if (d < 1.0 || s < S_MIN || !isfinite(d) || !isfinite(s))
        return -EINVAL;
    if (isnan(r))
        r = fsrs_retrievability(p, t, s);
    else if (!(r >= 0 && r <= 1))
        return -EINVAL;
    if (t == 0 && p->enable_short_term) {
        new_s = next_short_term_stability(p, s, grade);
    } else if (grade == FSRS_AGAIN) {
        double after_fail = next_forget_stability(p, d, s, r);
        double w17 = p->enable_short_term ? p->w[17] : 0.0;
        double w18 = p->enable_short_term ? p->w[18] : 0.0;
        /* ts-fsrs clamp(x, S_MIN, after_fail) = min(max(x, S_MIN), after_fail) */
        new_s = fmin(fmax(round8(s / exp(w17 * w18)), S_MIN), after_fail);
    } else {
        new_s = next_recall_stability(p, d, s, r, grade);
    }
    ret->difficulty = next_difficulty(p, d, grade);
    ret->stability = new_s;
    return 0;
}

uint32_t fsrs_next_interval(const struct fsrs_params *p, double stability)
{
    double ivl = js_round(stability * p->interval_modifier);
    if (!(ivl >= 1.0))
        ivl = 1.0;
    if (ivl > (double)p->maximum_interval)
        ivl = (double)p->maximum_interval;
    return (uint32_t)ivl;
}

int fsrs_schedule(const struct fsrs_params *p, const struct fsrs_memory *m, uint32_t elapsed_days,
                  struct fsrs_outcome ret[4])
{
    bool is_new = !m || (m->stability == 0.0 && m->difficulty == 0.0);
    double t = is_new ? 0.0 : (double)elapsed_days, r = NAN;
    uint32_t *iv[4];

    if (!p || !ret)
        return -EINVAL;
    if (!is_new)
        r = fsrs_retrievability(p, t, m->stability);
    for (int g = 1; g <= 4; g++) {
        int e = fsrs_next_state(p, is_new ? NULL : m, t, g, r, &ret[g - 1].memory);
        if (e < 0)
            return e;
        ret[g - 1].interval = fsrs_next_interval(p, ret[g - 1].memory.stability);
        iv[g - 1] = &ret[g - 1].interval;
    }
    /* each better rating waits at least a day longer */
    *iv[0] = *iv[0] < *iv[1] ? *iv[0] : *iv[1];
    *iv[1] = *iv[1] > *iv[0] + 1 ? *iv[1] : *iv[0] + 1;
    *iv[2] = *iv[2] > *iv[1] + 1 ? *iv[2] : *iv[1] + 1;
    *iv[3] = *iv[3] > *iv[2] + 1 ? *iv[3] : *iv[2] + 1;
    return 0;
}

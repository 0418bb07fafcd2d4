/*
 * The difference between two groups' means with its confidence interval:
 * Welch's unequal-variances t interval (the Welch-Satterthwaite degrees of
 * freedom), for the equity figures (e.g. the weekly practice of students
 * with and without an adequate home connection). The groups are
 * independent samples; nothing here decides whether a group is large
 * enough to publish (core/suppress.h does).
 *
 * Also Student's t distribution function and its inverse, through the
 * regularized incomplete beta function (a continued fraction).
 *
 * Pure: no I/O, no allocation, no globals; reentrant.
 */
#ifndef TRELLIS_CORE_DIFFCI_H
#define TRELLIS_CORE_DIFFCI_H

#include <stddef.h>

struct diff_ci {
    double mean_a, mean_b; /* each group's mean */
    double sd_a, sd_b;     /* each group's sample standard deviation (n - 1) */
    double diff;           /* mean_a - mean_b */
    double se;             /* the standard error of diff */
    double df;             /* Welch-Satterthwaite degrees of freedom */
    double lo, hi;         /* the interval at the level asked for */
};

/*
 * a[0..na-1] and b[0..nb-1], level in (0, 1) (0.95 for a 95% interval).
 * 0 and *ret; -EINVAL when a group has fewer than 2 values, a value is not
 * finite, or the level is out of range. When both groups have no variance
 * the interval is the difference itself (se 0, df na + nb - 2).
 */
int diff_means_ci(const double *a, size_t na, const double *b, size_t nb, double level,
                  struct diff_ci *ret);

/* P(T <= t) for Student's t with df > 0 degrees of freedom; NaN for bad input. */
double t_cdf(double t, double df);
/* The t with P(T <= t) = p, p in (0, 1), df > 0; NaN for bad input. */
double t_quantile(double p, double df);

#endif

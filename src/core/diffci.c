/*
 * Welch's interval for a difference of means, and Student's t: see
 * diffci.h. The incomplete beta function is the continued fraction of
 * Lentz's method (as in Press et al., Numerical Recipes, 6.4), the t
 * quantile a bisection on the distribution function (60 halvings of a
 * bracket that holds it, then the exact interval's midpoint): slower than
 * an approximation, but as accurate as the distribution function itself,
 * and the figures need a handful per request.
 */
#include "core/diffci.h"

#include <errno.h>
#include <math.h>

/* The continued fraction of I_x(a, b) (converges for x < (a + 1) / (a + b + 2)). */
static double beta_cf(double a, double b, double x)
{
    const double tiny = 1e-300, eps = 1e-15;
    double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
    if (fabs(d) < tiny)
        d = tiny;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m <= 500; m++) {
        double m2 = 2.0 * m;
        double num = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
        d = 1.0 + num * d;
        if (fabs(d) < tiny)
            d = tiny;
        c = 1.0 + num / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        h *= d * c;
        num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
        d = 1.0 + num * d;
        if (fabs(d) < tiny)
            d = tiny;
        c = 1.0 + num / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1.0) < eps)
            break;
    }
    return h;
}

/* The regularized incomplete beta function I_x(a, b), 0 <= x <= 1. */
static double inc_beta(double a, double b, double x)
{
    if (x <= 0.0)
        return 0.0;
    if (x >= 1.0)
        return 1.0;
    double ln_front = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
    double front = exp(ln_front);
    if (x < (a + 1.0) / (a + b + 2.0))
        return front * beta_cf(a, b, x) / a;
    return 1.0 - front * beta_cf(b, a, 1.0 - x) / b;
}

double t_cdf(double t, double df)
{
    if (isnan(t) || !(df > 0.0) || !isfinite(df))
        return NAN;
    if (isinf(t))
        return t > 0 ? 1.0 : 0.0;
    double x = df / (df + t * t);
    double tail = 0.5 * inc_beta(df / 2.0, 0.5, x); /* P(T > |t|) */
    return t > 0 ? 1.0 - tail : tail;
}

double t_quantile(double p, double df)
{
    if (!(p > 0.0 && p < 1.0) || !(df > 0.0) || !isfinite(df))
        return NAN;
    if (p == 0.5)
        return 0.0;
    /* by symmetry: find the upper quantile of max(p, 1 - p) */
    double q = p > 0.5 ? p : 1.0 - p;
    double lo = 0.0, hi = 1.0;
    while (t_cdf(hi, df) < q && hi < 1e300)
        hi *= 2.0;
    for (int i = 0; i < 200 && hi - lo > 1e-13 * (1.0 + hi); i++) {
        double mid = 0.5 * (lo + hi);
        if (t_cdf(mid, df) < q)
            lo = mid;
        else
            hi = mid;
    }
    double t = 0.5 * (lo + hi);
    return p > 0.5 ? t : -t;
}

static int mean_var(const double *v, size_t n, double *ret_mean, double *ret_var)
{
    double mean = 0.0, m2 = 0.0;
    /* Welford: stable for large n and values far from 0 */
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i]))
            return -EINVAL;
        double d = v[i] - mean;
        mean += d / (double)(i + 1);
        m2 += d * (v[i] - mean);
    }
    *ret_mean = mean;
    *ret_var = m2 / (double)(n - 1);
    return 0;
}

int diff_means_ci(const double *a, size_t na, const double *b, size_t nb, double level,
                  struct diff_ci *ret)
{
    double ma, va, mb, vb;
    if (!a || !b || na < 2 || nb < 2 || !(level > 0.0 && level < 1.0))
        return -EINVAL;
    if (mean_var(a, na, &ma, &va) < 0 || mean_var(b, nb, &mb, &vb) < 0)
        return -EINVAL;
    double sa = va / (double)na, sb = vb / (double)nb, se2 = sa + sb;
    struct diff_ci r = {
        .mean_a = ma, .mean_b = mb, .sd_a = sqrt(va), .sd_b = sqrt(vb), .diff = ma - mb};
    r.se = sqrt(se2);
    if (se2 == 0.0) {
        r.df = (double)(na + nb - 2);
        r.lo = r.hi = r.diff;
    } else {
        r.df = se2 * se2 / (sa * sa / (double)(na - 1) + sb * sb / (double)(nb - 1));
        double tq = t_quantile(0.5 + level / 2.0, r.df);
        r.lo = r.diff - tq * r.se;
        r.hi = r.diff + tq * r.se;
    }
    if (!isfinite(r.lo) || !isfinite(r.hi))
        return -EINVAL;
    *ret = r;
    return 0;
}

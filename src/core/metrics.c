/*
 * Prediction metrics and fold assignment (see metrics.h).
 *
 * AUC is the Mann-Whitney statistic: (sum of the ranks of the positives -
 * n1 (n1 + 1) / 2) / (n1 n0), with tied predictions given their mean rank
 * (Hanley and McNeil 1982), which counts a tied positive-negative pair as
 * one half.
 */
#include "core/metrics.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "core/rng.h"

#define LOGLOSS_EPS 1e-15

struct scored {
    double p;
    uint32_t y;
};

size_t metrics_workspace_size(uint32_t n)
{
    if (n > UINT32_MAX / 2)
        return 0;
    return 2 * (size_t)n * sizeof(struct scored) + 16;
}

/* Bottom-up merge sort by p; b is scratch; returns where the result ended up. */
static struct scored *sort_by_p(struct scored *a, struct scored *b, uint32_t n)
{
    for (uint32_t w = 1; w < n; w *= 2) {
        for (uint32_t lo = 0; lo < n; lo += 2 * w) {
            uint32_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            uint32_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                b[k++] = a[j].p < a[i].p ? a[j++] : a[i++];
            while (i < mid)
                b[k++] = a[i++];
            while (j < hi)
                b[k++] = a[j++];
        }
        struct scored *x = a;
        a = b;
        b = x;
    }
    return a;
}

int metrics_compute(const double *p, const uint8_t *y, uint32_t n, void *ws, size_t ws_size,
                    struct metrics *ret)
{
    struct scored *a, *b, *s;
    double se = 0, ll = 0, rank_sum = 0, n1 = 0, n0;
    uint32_t right = 0;
    uintptr_t pad;

    if (!p || !y || !ret || n == 0)
        return -EINVAL;
    if (!ws || ws_size < metrics_workspace_size(n))
        return -ENOSPC;
    pad = (8 - ((uintptr_t)ws & 7u)) & 7u;
    a = (struct scored *)((char *)ws + pad);
    b = a + n;
    for (uint32_t i = 0; i < n; i++) {
        double pi = p[i], q;
        if (!(pi >= 0.0 && pi <= 1.0) || y[i] > 1)
            return -EINVAL;
        se += (pi - y[i]) * (pi - y[i]);
        q = y[i] ? pi : 1.0 - pi;
        ll -= log(q < LOGLOSS_EPS ? LOGLOSS_EPS : (q > 1 - LOGLOSS_EPS ? 1 - LOGLOSS_EPS : q));
        right += (uint32_t)((pi >= 0.5) == (y[i] == 1));
        n1 += y[i];
        a[i] = (struct scored){pi, y[i]};
    }
    s = sort_by_p(a, b, n);
    for (uint32_t i = 0; i < n;) {
        uint32_t j = i, pos = 0;
        while (j < n && s[j].p == s[i].p) {
            pos += s[j].y;
            j++;
        }
        /* ranks i+1 .. j share the mean (i + 1 + j) / 2 */
        rank_sum += (double)pos * 0.5 * ((double)i + 1.0 + (double)j);
        i = j;
    }
    n0 = (double)n - n1;
    ret->n = n;
    ret->auc = n1 > 0 && n0 > 0 ? (rank_sum - n1 * (n1 + 1) / 2) / (n1 * n0) : NAN;
    ret->rmse = sqrt(se / n);
    ret->logloss = ll / n;
    ret->accuracy = (double)right / n;
    return 0;
}

int metrics_folds(uint32_t n, unsigned k, uint64_t seed, uint32_t *ret_fold)
{
    struct rng r;

    if (!ret_fold || k < 2 || k > n)
        return -EINVAL;
    /* fold labels dealt in turn, then shuffled (Fisher-Yates): sizes differ by at most one */
    for (uint32_t i = 0; i < n; i++)
        ret_fold[i] = i % k;
    rng_seed(&r, seed);
    for (uint32_t i = n; i > 1; i--) {
        uint32_t j = rng_below(&r, i), t = ret_fold[i - 1];
        ret_fold[i - 1] = ret_fold[j];
        ret_fold[j] = t;
    }
    return 0;
}

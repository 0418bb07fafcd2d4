/*
 * Metrics for probabilistic predictions of binary outcomes (AUC, RMSE,
 * log-loss, accuracy) and k-fold assignment for cross-validation by
 * student.
 *
 * Pure and reentrant: sorting for the AUC uses workspace the caller
 * provides (metrics_workspace_size()).
 */
#ifndef TRELLIS_CORE_METRICS_H
#define TRELLIS_CORE_METRICS_H

#include <stddef.h>
#include <stdint.h>

struct metrics {
    uint32_t n;      /* predictions scored */
    double auc;      /* area under the ROC curve, ties counted half; NaN if y has one class */
    double rmse;     /* root mean squared error of p against y */
    double logloss;  /* mean -log P(y), with p kept within [1e-15, 1 - 1e-15] */
    double accuracy; /* share with (p >= 0.5) == y */
};

/* Bytes of workspace metrics_compute() needs for n predictions (0 if n is too large). */
size_t metrics_workspace_size(uint32_t n);

/*
 * Score predictions p[i] of outcomes y[i] (0 or 1). 0 on success; -EINVAL
 * if n is 0, a p is NaN or outside [0, 1], or a y is not 0 or 1; -ENOSPC
 * if the workspace is too small.
 */
int metrics_compute(const double *p, const uint8_t *y, uint32_t n, void *ws, size_t ws_size,
                    struct metrics *ret);

/*
 * Assign n students to k folds (2 <= k <= n): labels 0..k-1 dealt in turn
 * and shuffled with the seed, so fold sizes differ by at most one. 0 or
 * -EINVAL.
 */
int metrics_folds(uint32_t n, unsigned k, uint64_t seed, uint32_t *ret_fold);

#endif

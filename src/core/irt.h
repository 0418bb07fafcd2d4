/*
 * Item response theory for right/wrong items: Rasch and two-parameter
 * logistic (2PL) calibration by marginal maximum likelihood, EM over
 * Gauss-Hermite quadrature (Bock and Aitkin 1981), and ability estimates
 * (EAP, the posterior mean, with the posterior standard deviation as its
 * standard error).
 *
 *   P(correct | theta) = 1 / (1 + exp(-a (theta - b)))
 *
 * 2PL: theta ~ N(0, 1), a and b per item. Rasch: a = 1 for every item,
 * theta ~ N(0, sigma^2) with sigma estimated.
 *
 * Pure and reentrant: workspace comes from the caller
 * (irt_workspace_size()). The E-step can be split over persons: give
 * options.run, a function that runs task(arg, 0 .. n-1), in parallel if it
 * likes, and returns when all are done (the caller owns the threads).
 */
#ifndef TRELLIS_CORE_IRT_H
#define TRELLIS_CORE_IRT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum irt_model { IRT_RASCH, IRT_2PL };

struct irt_item {
    double a; /* discrimination (1 for Rasch) */
    double b; /* difficulty, on the theta scale */
};

/*
 * Responses grouped by person: person p answered item[k] with correct[k]
 * for k in [person_start[p], person_start[p + 1]). Arrays are borrowed.
 * A person may answer an item more than once (each answer counts).
 */
struct irt_data {
    const uint32_t *person_start;
    const uint32_t *item;
    const uint8_t *correct;
    uint32_t n_persons, n_items, n_resp;
};

#define IRT_MAX_PARTS 64

struct irt_options {
    enum irt_model model;
    unsigned n_quad;   /* quadrature points for calibration, 5 to 101 */
    unsigned max_iter; /* EM cycles */
    double tol;        /* converged when no parameter moves more than this */
    double max_abs_b;  /* difficulties stay within +-max_abs_b */
    double min_a;      /* 2PL discriminations stay within [min_a, max_a] */
    double max_a;
    unsigned parts; /* split the E-step in this many parts (1 to IRT_MAX_PARTS) */
    void (*run)(void *ctx, unsigned n, void (*task)(void *arg, unsigned i), void *arg);
    void *run_ctx;
    double *trace;      /* NULL, or room for trace_cap log-likelihoods: the one at every */
    unsigned trace_cap; /*   accepted EM iterate, in order */
};

#define IRT_DEFAULTS                        \
    ((struct irt_options){.model = IRT_2PL, \
                          .n_quad = 61,     \
                          .max_iter = 500,  \
                          .tol = 1e-4,      \
                          .max_abs_b = 20,  \
                          .min_a = 0.01,    \
                          .max_a = 20,      \
                          .parts = 1,       \
                          .run = NULL,      \
                          .run_ctx = NULL,  \
                          .trace = NULL,    \
                          .trace_cap = 0})

struct irt_fit_info {
    double loglik;       /* marginal log-likelihood at the estimates */
    double sigma;        /* ability standard deviation (Rasch; 1 for 2PL) */
    unsigned iterations; /* E-steps */
    bool converged;
    unsigned trace_len; /* entries written to options.trace */
    uint32_t n_bounded; /* items left on a bound (e.g. answered all right or all wrong) */
};

/* 0 or -EINVAL: shape and values of d (every item < n_items, answers 0/1). */
int irt_data_check(const struct irt_data *d);

/* Bytes of workspace irt_fit()/irt_eap() need (0 if too large). */
size_t irt_workspace_size(const struct irt_data *d, const struct irt_options *o);

/*
 * Calibrate: fills ret_items[0 .. n_items-1] and *ret_info. Items nobody
 * answered get a = 1, b = 0. 0, -EINVAL (bad data or options) or -ENOSPC.
 */
int irt_fit(const struct irt_data *d, const struct irt_options *o, void *ws, size_t ws_size,
            struct irt_item *ret_items, struct irt_fit_info *ret_info);

/*
 * EAP ability and standard error of every person under items and an
 * ability distribution N(0, sigma^2), by quadrature on an adaptive grid
 * (coarse over +-7 sigma, then fine around the posterior). A person with
 * no responses gets theta 0 and se sigma. 0, -EINVAL or -ENOSPC.
 */
int irt_eap(const struct irt_data *d, const struct irt_item *items, double sigma,
            const struct irt_options *o, void *ws, size_t ws_size, double *ret_theta,
            double *ret_se);

/*
 * Gauss-Hermite rule for the standard normal: n nodes and weights with
 * sum w f(x) = E[f(X)], X ~ N(0, 1), exact for polynomials of degree up to
 * 2n - 1. 1 <= n <= 101. 0 or -EINVAL.
 */
int irt_gauss_hermite(unsigned n, double *ret_nodes, double *ret_weights);

#endif

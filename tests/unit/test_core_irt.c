/*
 * core/irt: Gauss-Hermite rules, the marginal likelihood against brute-force
 * integration, EM monotonicity, the MML optimum (zero gradient), parameter
 * recovery (Rasch and 2PL), EAP against brute-force integration, and input
 * checks.
 */
#include "test.h"

#include <stdlib.h>

#include "core/irt.h"
#include "core/rng.h"

struct sim {
    uint32_t *start, *item;
    uint8_t *correct;
    struct irt_data d;
};

static double normal(struct rng *r)
{
    double u1 = rng_double(r), u2 = rng_double(r);
    return sqrt(-2 * log(u1 + 1e-300)) * cos(6.283185307179586 * u2);
}

static double p_right(const struct irt_item *it, double theta)
{
    return 1 / (1 + exp(-it->a * (theta - it->b)));
}

/* Every person answers every item once (items in order); thetas ~ N(0, sigma^2). */
static void simulate(struct rng *r, const struct irt_item *items, uint32_t n_items, uint32_t n,
                     double sigma, struct sim *x, double *ret_theta)
{
    x->start = malloc((n + 1) * sizeof(uint32_t));
    x->item = malloc((size_t)n * n_items * sizeof(uint32_t));
    x->correct = malloc((size_t)n * n_items);
    assert_non_null(x->correct);
    for (uint32_t p = 0; p < n; p++) {
        double th = sigma * normal(r);
        if (ret_theta)
            ret_theta[p] = th;
        x->start[p] = p * n_items;
        for (uint32_t i = 0; i < n_items; i++) {
            x->item[p * n_items + i] = i;
            x->correct[p * n_items + i] = rng_double(r) < p_right(&items[i], th);
        }
    }
    x->start[n] = n * n_items;
    x->d = (struct irt_data){x->start, x->item, x->correct, n, n_items, n * n_items};
}

static void sim_free(struct sim *x)
{
    free(x->start);
    free(x->item);
    free(x->correct);
}

static void *ws_for(const struct irt_data *d, const struct irt_options *o, size_t *size)
{
    *size = irt_workspace_size(d, o);
    assert_true(*size > 0);
    void *ws = malloc(*size);
    assert_non_null(ws);
    return ws;
}

/*
 * log of the integral of N(theta; 0, sigma^2) prod P by the trapezoid rule
 * on a fine grid (log-sum-exp), and the posterior mean and sd.
 */
static double person_loglik_brute(const struct irt_data *d, const struct irt_item *items,
                                  double sigma, uint32_t p, double *ret_mean, double *ret_sd)
{
    const double h = 1e-3 * sigma, lim = 12 * sigma;
    const int n = (int)(2 * lim / h) + 1;
    double *l = malloc((size_t)n * sizeof(double)), mx = -INFINITY, s = 0, m1 = 0, m2 = 0;
    assert_non_null(l);
    for (int g = 0; g < n; g++) {
        double t = -lim + g * h;
        l[g] = -0.5 * (t / sigma) * (t / sigma) - log(sigma * sqrt(2 * M_PI));
        for (uint32_t k = d->person_start[p]; k < d->person_start[p + 1]; k++) {
            double z = items[d->item[k]].a * (t - items[d->item[k]].b);
            l[g] += d->correct[k] ? -log1p(exp(-z)) : -log1p(exp(z));
        }
        mx = l[g] > mx ? l[g] : mx;
    }
    for (int g = 0; g < n; g++) {
        double t = -lim + g * h, w = exp(l[g] - mx);
        s += w;
        m1 += w * t;
        m2 += w * t * t;
    }
    free(l);
    if (ret_mean) {
        *ret_mean = m1 / s;
        *ret_sd = sqrt(m2 / s - (m1 / s) * (m1 / s));
    }
    return mx + log(s * h);
}

/* Marginal log-likelihood by the same Gauss-Hermite rule the fit uses. */
static double loglik_gh(const struct irt_data *d, const struct irt_item *items, double sigma,
                        unsigned n_quad)
{
    double x[101], w[101], ll = 0;
    assert_int_equal(irt_gauss_hermite(n_quad, x, w), 0);
    for (uint32_t p = 0; p < d->n_persons; p++) {
        double s = 0;
        for (unsigned q = 0; q < n_quad; q++) {
            double l = log(w[q]);
            for (uint32_t k = d->person_start[p]; k < d->person_start[p + 1]; k++) {
                double z = items[d->item[k]].a * (sigma * x[q] - items[d->item[k]].b);
                l += d->correct[k] ? -log1p(exp(-z)) : -log1p(exp(z));
            }
            s += exp(l);
        }
        ll += log(s);
    }
    return ll;
}

/* ---- quadrature ----------------------------------------------------------------- */

static void test_gauss_hermite_moments(void **state)
{
    (void)state;
    static const unsigned ns[] = {1, 2, 3, 5, 10, 21, 41, 61, 101};
    double x[101], w[101];
    for (size_t c = 0; c < sizeof(ns) / sizeof(ns[0]); c++) {
        unsigned n = ns[c];
        assert_int_equal(irt_gauss_hermite(n, x, w), 0);
        /* E[X^k] = 0 for odd k, (k-1)!! for even k, exact up to k = 2n - 1 */
        double dfact = 1;
        for (unsigned k = 0; k <= 2 * n - 1 && k <= 16; k++) {
            double m = 0;
            for (unsigned i = 0; i < n; i++)
                m += w[i] * pow(x[i], k);
            if (k % 2)
                assert_near(m, 0, 1e-9 * dfact);
            else {
                if (k > 0)
                    dfact *= (double)(k - 1);
                assert_near(m, dfact, 1e-9 * dfact);
            }
        }
        for (unsigned i = 1; i < n; i++)
            assert_true(x[i] > x[i - 1]);
    }
    assert_int_equal(irt_gauss_hermite(0, x, w), -EINVAL);
    assert_int_equal(irt_gauss_hermite(102, x, w), -EINVAL);
}

/* ---- calibration ---------------------------------------------------------------- */

static void test_marginal_loglik_matches_brute_force(void **state)
{
    (void)state;
    struct rng r;
    struct sim x;
    struct irt_item items[8], fit[8];
    struct irt_options o = IRT_DEFAULTS;
    struct irt_fit_info info;
    size_t wsz;

    rng_seed(&r, 2);
    for (int i = 0; i < 8; i++)
        items[i] = (struct irt_item){exp(rng_uniform(&r, -0.4, 0.6)), rng_uniform(&r, -1.5, 1.5)};
    simulate(&r, items, 8, 60, 1.0, &x, NULL);
    void *ws = ws_for(&x.d, &o, &wsz);
    assert_int_equal(irt_fit(&x.d, &o, ws, wsz, fit, &info), 0);
    double brute = 0;
    for (uint32_t p = 0; p < x.d.n_persons; p++)
        brute += person_loglik_brute(&x.d, fit, 1.0, p, NULL, NULL);
    /* 61 Gauss-Hermite nodes integrate 8-item likelihoods essentially exactly */
    assert_near(info.loglik, brute, 1e-6 * fabs(brute));
    free(ws);
    sim_free(&x);
}

static void check_em_monotone(enum irt_model model)
{
    struct rng r;
    struct sim x;
    struct irt_item items[10], fit[10];
    struct irt_options o = IRT_DEFAULTS;
    struct irt_fit_info info;
    double trace[600];
    size_t wsz;

    rng_seed(&r, 3);
    for (int i = 0; i < 10; i++)
        items[i] = (struct irt_item){exp(rng_uniform(&r, -0.5, 0.7)), rng_uniform(&r, -2, 2)};
    simulate(&r, items, 10, 400, 1.3, &x, NULL);
    o.model = model;
    o.n_quad = 21;
    o.tol = 1e-9;
    o.trace = trace;
    o.trace_cap = 600;
    void *ws = ws_for(&x.d, &o, &wsz);
    assert_int_equal(irt_fit(&x.d, &o, ws, wsz, fit, &info), 0);
    assert_true(info.trace_len >= 5);
    /* the log-likelihood at every accepted iterate (plain EM steps and kept extrapolations) */
    for (unsigned i = 1; i < info.trace_len; i++)
        if (!(trace[i] >= trace[i - 1] - 1e-9 * fabs(trace[i - 1])))
            fail_msg("iterate %u: log-likelihood %.12g after %.12g", i, trace[i], trace[i - 1]);
    assert_true(info.loglik >= trace[info.trace_len - 1] - 1e-9 * fabs(info.loglik));
    free(ws);
    sim_free(&x);
}

static void test_em_never_decreases_likelihood(void **state)
{
    (void)state;
    check_em_monotone(IRT_2PL);
    check_em_monotone(IRT_RASCH);
}

static void test_mml_optimum_has_zero_gradient(void **state)
{
    (void)state;
    struct rng r;
    struct sim x;
    struct irt_item items[6], fit[6];
    struct irt_options o = IRT_DEFAULTS;
    struct irt_fit_info info;
    size_t wsz;

    rng_seed(&r, 4);
    for (int i = 0; i < 6; i++)
        items[i] = (struct irt_item){exp(rng_uniform(&r, -0.3, 0.5)), rng_uniform(&r, -1, 1)};
    simulate(&r, items, 6, 500, 1.0, &x, NULL);
    o.n_quad = 31;
    o.tol = 1e-8;
    void *ws = ws_for(&x.d, &o, &wsz);
    assert_int_equal(irt_fit(&x.d, &o, ws, wsz, fit, &info), 0);
    assert_true(info.converged);
    assert_near(loglik_gh(&x.d, fit, 1.0, 31), info.loglik, 1e-9 * fabs(info.loglik));
    /* central differences of the marginal log-likelihood in every parameter */
    for (int i = 0; i < 6; i++)
        for (int which = 0; which < 2; which++) {
            const double h = 1e-5;
            struct irt_item a[6], b[6];
            memcpy(a, fit, sizeof(a));
            memcpy(b, fit, sizeof(b));
            if (which) {
                a[i].b += h;
                b[i].b -= h;
            } else {
                a[i].a += h;
                b[i].a -= h;
            }
            double g = (loglik_gh(&x.d, a, 1.0, 31) - loglik_gh(&x.d, b, 1.0, 31)) / (2 * h);
            assert_near(g, 0, 1e-3);
        }
    free(ws);
    sim_free(&x);
}

static void test_2pl_parameter_recovery(void **state)
{
    (void)state;
    struct rng r;
    struct sim x;
    struct irt_item items[20], fit[20];
    struct irt_options o = IRT_DEFAULTS;
    struct irt_fit_info info;
    double ea = 0, eb = 0;
    size_t wsz;

    rng_seed(&r, 5);
    for (int i = 0; i < 20; i++)
        items[i] = (struct irt_item){exp(rng_uniform(&r, -0.5, 0.7)), rng_uniform(&r, -2, 2)};
    simulate(&r, items, 20, 5000, 1.0, &x, NULL);
    void *ws = ws_for(&x.d, &o, &wsz);
    assert_int_equal(irt_fit(&x.d, &o, ws, wsz, fit, &info), 0);
    assert_true(info.converged);
    for (int i = 0; i < 20; i++) {
        ea += (fit[i].a - items[i].a) * (fit[i].a - items[i].a);
        eb += (fit[i].b - items[i].b) * (fit[i].b - items[i].b);
        assert_near(fit[i].a, items[i].a, 0.2);
        assert_near(fit[i].b, items[i].b, 0.2);
    }
    print_message("# 2PL recovery, 5000 students x 20 items: RMSE a %.4f, b %.4f\n", sqrt(ea / 20),
                  sqrt(eb / 20));
    assert_true(sqrt(ea / 20) < 0.08 && sqrt(eb / 20) < 0.08);
    free(ws);
    sim_free(&x);
}

static void test_rasch_recovers_difficulties_and_spread(void **state)
{
    (void)state;
    struct rng r;
    struct sim x;
    struct irt_item items[15], fit[15];
    struct irt_options o = IRT_DEFAULTS;
    struct irt_fit_info info;
    size_t wsz;

    rng_seed(&r, 6);
    for (int i = 0; i < 15; i++)
        items[i] = (struct irt_item){1.0, rng_uniform(&r, -2, 2)};
    simulate(&r, items, 15, 8000, 1.5, &x, NULL);
    o.model = IRT_RASCH;
    void *ws = ws_for(&x.d, &o, &wsz);
    assert_int_equal(irt_fit(&x.d, &o, ws, wsz, fit, &info), 0);
    assert_true(info.converged);
    assert_near(info.sigma, 1.5, 0.07);
    /* the standard error of each b is about 0.03 here */
    for (int i = 0; i < 15; i++) {
        assert_near(fit[i].a, 1.0, 0);
        assert_near(fit[i].b, items[i].b, 0.12);
    }
    free(ws);
    sim_free(&x);
}

static void test_all_right_item_stays_on_bound(void **state)
{
    (void)state;
    uint32_t start[4] = {0, 2, 4, 6}, item[6] = {0, 1, 0, 1, 0, 1};
    uint8_t correct[6] = {1, 0, 1, 1, 1, 0};
    struct irt_data d = {start, item, correct, 3, 3, 6}; /* item 2: nobody */
    struct irt_options o = IRT_DEFAULTS;
    struct irt_item fit[3];
    struct irt_fit_info info;
    size_t wsz;
    void *ws = ws_for(&d, &o, &wsz);
    assert_int_equal(irt_fit(&d, &o, ws, wsz, fit, &info), 0);
    assert_true(info.n_bounded >= 1);
    assert_true(fit[0].b <= -o.max_abs_b * 0.999); /* everybody right: as easy as allowed */
    assert_true(isfinite(fit[1].a) && isfinite(fit[1].b));
    assert_near(fit[2].a, 1, 0);
    assert_near(fit[2].b, 0, 0);
    free(ws);
}

/* ---- EAP ---------------------------------------------------------------------------- */

static void test_eap_matches_brute_force(void **state)
{
    (void)state;
    struct rng r;
    struct sim x;
    struct irt_item items[40];
    struct irt_options o = IRT_DEFAULTS;
    double theta[30], se[30];
    size_t wsz;

    rng_seed(&r, 7);
    for (int i = 0; i < 40; i++)
        items[i] = (struct irt_item){exp(rng_uniform(&r, -0.5, 1.0)), rng_uniform(&r, -2.5, 2.5)};
    for (int c = 0; c < 2; c++) {
        double sigma = c ? 1.7 : 1.0;
        simulate(&r, items, c ? 40 : 5, 30, sigma, &x, NULL);
        void *ws = ws_for(&x.d, &o, &wsz);
        assert_int_equal(irt_eap(&x.d, items, sigma, &o, ws, wsz, theta, se), 0);
        for (uint32_t p = 0; p < 30; p++) {
            double m, sd;
            person_loglik_brute(&x.d, items, sigma, p, &m, &sd);
            assert_near(theta[p], m, 1e-6);
            assert_near(se[p], sd, 1e-6);
            assert_true(se[p] > 0 && se[p] < sigma);
        }
        free(ws);
        sim_free(&x);
    }
}

static void test_eap_narrow_posterior(void **state)
{
    (void)state;
    /* 3000 answers to one sharp item: the posterior sd is far below the grid step */
    static uint32_t start[2], item[3000];
    static uint8_t correct[3000];
    struct irt_item it = {4.0, 0.3};
    struct irt_options o = IRT_DEFAULTS;
    double theta, se, m, sd;
    size_t wsz;
    struct rng r;

    rng_seed(&r, 8);
    start[0] = 0;
    start[1] = 3000;
    for (int k = 0; k < 3000; k++)
        correct[k] = rng_double(&r) < p_right(&it, 0.25);
    struct irt_data d = {start, item, correct, 1, 1, 3000};
    void *ws = ws_for(&d, &o, &wsz);
    assert_int_equal(irt_eap(&d, &it, 1.0, &o, ws, wsz, &theta, &se), 0);
    person_loglik_brute(&d, &it, 1.0, 0, &m, &sd);
    print_message("# narrow posterior: mean %.6f sd %.6f, EAP %.6f se %.6f\n", m, sd, theta, se);
    assert_true(sd < 0.02);
    assert_near(theta, m, 1e-6);
    assert_near(se, sd, 1e-6);
    free(ws);
}

static void test_rejects_bad_input(void **state)
{
    (void)state;
    uint32_t start[3] = {0, 2, 4}, item[4] = {0, 1, 0, 1};
    uint8_t correct[4] = {1, 0, 1, 1};
    struct irt_data d = {start, item, correct, 2, 2, 4};
    struct irt_options o = IRT_DEFAULTS;
    struct irt_item fit[2] = {{1, 0}, {1, 0}};
    struct irt_fit_info info;
    double th[2], se[2];
    size_t wsz;
    void *ws = ws_for(&d, &o, &wsz);

    assert_int_equal(irt_fit(&d, &o, ws, wsz, fit, &info), 0);
    assert_int_equal(irt_fit(&d, &o, ws, 8, fit, &info), -ENOSPC);
    struct irt_data bad = d;
    uint32_t item2[4] = {0, 2, 0, 1};
    bad.item = item2;
    assert_int_equal(irt_fit(&bad, &o, ws, wsz, fit, &info), -EINVAL); /* item out of range */
    bad = d;
    uint8_t c2[4] = {1, 0, 3, 1};
    bad.correct = c2;
    assert_int_equal(irt_fit(&bad, &o, ws, wsz, fit, &info), -EINVAL);
    bad = d;
    uint32_t st2[3] = {0, 3, 2};
    bad.person_start = st2;
    assert_int_equal(irt_fit(&bad, &o, ws, wsz, fit, &info), -EINVAL); /* decreasing */
    bad = d;
    bad.n_resp = 0;
    assert_int_equal(irt_fit(&bad, &o, ws, wsz, fit, &info), -EINVAL); /* empty */
    struct irt_options ob = o;
    ob.n_quad = 3;
    assert_int_equal(irt_fit(&d, &ob, ws, wsz, fit, &info), -EINVAL);
    ob = o;
    ob.tol = NAN;
    assert_int_equal(irt_fit(&d, &ob, ws, wsz, fit, &info), -EINVAL);
    struct irt_item nan_items[2] = {{NAN, 0}, {1, 0}};
    assert_int_equal(irt_eap(&d, nan_items, 1.0, &o, ws, wsz, th, se), -EINVAL);
    assert_int_equal(irt_eap(&d, fit, NAN, &o, ws, wsz, th, se), -EINVAL);
    free(ws);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gauss_hermite_moments),
        cmocka_unit_test(test_marginal_loglik_matches_brute_force),
        cmocka_unit_test(test_em_never_decreases_likelihood),
        cmocka_unit_test(test_mml_optimum_has_zero_gradient),
        cmocka_unit_test(test_2pl_parameter_recovery),
        cmocka_unit_test(test_rasch_recovers_difficulties_and_spread),
        cmocka_unit_test(test_all_right_item_stays_on_bound),
        cmocka_unit_test(test_eap_matches_brute_force),
        cmocka_unit_test(test_eap_narrow_posterior),
        cmocka_unit_test(test_rejects_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * core/diffci: Student's t distribution and its quantiles, and Welch's
 * interval for a difference of means, against values computed
 * independently by tests/unit/diffci_reference.py (the t density integrated
 * numerically, the statistics module's means and variances), and against
 * closed forms; bad input.
 */
#include "test.h"

#include <math.h>

#include "core/diffci.h"

static void test_t_quantiles(void **state)
{
    (void)state;
    /* diffci_reference.py, and printed tables (12.706, 2.228, 1.697, 4.032) */
    assert_near(t_quantile(0.975, 1), 12.7062047362, 1e-8);
    assert_near(t_quantile(0.975, 10), 2.2281388520, 1e-8);
    assert_near(t_quantile(0.975, 3.7), 2.8675207072, 1e-8);
    assert_near(t_quantile(0.95, 30), 1.6972608866, 1e-8);
    assert_near(t_quantile(0.995, 5), 4.0321429836, 1e-8);
    assert_near(t_quantile(0.975, 1000), 1.9623390808, 1e-8);
    /* symmetric, and 0 at the median */
    assert_near(t_quantile(0.025, 10), -2.2281388520, 1e-8);
    assert_near(t_quantile(0.5, 3), 0.0, 1e-12);
    /* towards the normal's 1.959964 as df grows */
    assert_near(t_quantile(0.975, 1e7), 1.959964, 1e-5);
}

static void test_t_cdf(void **state)
{
    (void)state;
    /* df 4 has a closed form: 1/2 + t (t^2 + 6) / (2 (t^2 + 4)^(3/2)) = 0.896 at 1.5 */
    assert_near(t_cdf(1.5, 4), 0.896, 1e-10);
    /* df 2: 1/2 + t / (2 sqrt(t^2 + 2)) */
    assert_near(t_cdf(0.3, 2), 0.5 + 0.3 / (2 * sqrt(0.09 + 2)), 1e-10);
    assert_near(t_cdf(0.3, 2), 0.6037571696, 1e-9);
    assert_near(t_cdf(-2.0, 7.5), 0.0414484976, 1e-9);
    /* df 1 is Cauchy: 1/2 + atan(t) / pi */
    assert_near(t_cdf(3.0, 1), 0.5 + atan(3.0) / M_PI, 1e-10);
    /* the quantile inverts the distribution function */
    for (double df = 1; df < 200; df *= 1.7)
        for (double p = 0.01; p < 1; p += 0.07)
            assert_near(t_cdf(t_quantile(p, df), df), p, 1e-10);
}

static void test_welch_reference(void **state)
{
    (void)state;
    const double a[] = {12, 15, 9, 20, 17, 14, 11, 18}, b[] = {8, 5, 11, 7, 10, 6};
    struct diff_ci r;
    assert_int_equal(diff_means_ci(a, 8, b, 6, 0.95, &r), 0);
    assert_near(r.diff, 6.6666666667, 1e-9);
    assert_near(r.se, 1.6261747890, 1e-9);
    assert_near(r.df, 11.7037894128, 1e-8);
    assert_near(r.lo, 3.1135650194, 1e-7);
    assert_near(r.hi, 10.2197683140, 1e-7);
    assert_near(r.mean_a, 14.5, 1e-12);
    assert_near(r.mean_b, 47.0 / 6, 1e-12);

    const double c[] = {0, 3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5}, d[] = {2, 7, 1, 8, 2, 8, 1, 8, 2, 8};
    assert_int_equal(diff_means_ci(c, 12, d, 10, 0.90, &r), 0);
    assert_near(r.diff, -1.0333333333, 1e-9);
    assert_near(r.se, 1.2748935388, 1e-9);
    assert_near(r.df, 16.7131114661, 1e-8);
    assert_near(r.lo, -3.2533390397, 1e-7);
    assert_near(r.hi, 1.1866723730, 1e-7);
}

static void test_welch_properties(void **state)
{
    (void)state;
    const double a[] = {3, 3, 3}, b[] = {1, 1, 1, 1};
    struct diff_ci r;
    /* no variance: the interval is the difference itself */
    assert_int_equal(diff_means_ci(a, 3, b, 4, 0.95, &r), 0);
    assert_near(r.diff, 2.0, 1e-12);
    assert_near(r.lo, 2.0, 1e-12);
    assert_near(r.hi, 2.0, 1e-12);
    /* swapping the groups mirrors the interval; a wider level widens it */
    const double x[] = {1, 2, 4, 8, 16}, y[] = {3, 5, 7};
    struct diff_ci s, w;
    assert_int_equal(diff_means_ci(x, 5, y, 3, 0.95, &r), 0);
    assert_int_equal(diff_means_ci(y, 3, x, 5, 0.95, &s), 0);
    assert_near(r.lo, -s.hi, 1e-10);
    assert_near(r.hi, -s.lo, 1e-10);
    assert_int_equal(diff_means_ci(x, 5, y, 3, 0.99, &w), 0);
    assert_true(w.lo < r.lo && w.hi > r.hi);
    assert_true(r.lo < r.diff && r.diff < r.hi);
}

static void test_bad_input(void **state)
{
    (void)state;
    const double a[] = {1, 2, 3}, n[] = {1, NAN, 3}, inf[] = {1, INFINITY};
    struct diff_ci r = {0};
    assert_int_equal(diff_means_ci(a, 1, a, 3, 0.95, &r), -EINVAL);
    assert_int_equal(diff_means_ci(a, 3, a, 0, 0.95, &r), -EINVAL);
    assert_int_equal(diff_means_ci(a, 3, n, 3, 0.95, &r), -EINVAL);
    assert_int_equal(diff_means_ci(inf, 2, a, 3, 0.95, &r), -EINVAL);
    assert_int_equal(diff_means_ci(a, 3, a, 3, 1.0, &r), -EINVAL);
    assert_int_equal(diff_means_ci(a, 3, a, 3, NAN, &r), -EINVAL);
    assert_int_equal(diff_means_ci(NULL, 3, a, 3, 0.95, &r), -EINVAL);
    assert_true(isnan(t_quantile(0, 5)));
    assert_true(isnan(t_quantile(1, 5)));
    assert_true(isnan(t_quantile(0.5, 0)));
    assert_true(isnan(t_cdf(NAN, 3)));
    assert_true(isnan(t_cdf(1, -1)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_t_quantiles),     cmocka_unit_test(test_t_cdf),
        cmocka_unit_test(test_welch_reference), cmocka_unit_test(test_welch_properties),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

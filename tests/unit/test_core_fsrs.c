/*
 * core/fsrs: properties of the FSRS-6 formulas
 * (https://github.com/open-spaced-repetition/fsrs4anki/wiki/The-Algorithm) and input checks.
 * Equality with ts-fsrs, on vectors ts-fsrs generates at run time, is tests/e2e/fsrs.test.mjs.
 */
#include "test.h"

#include "core/fsrs.h"

static struct fsrs_params defaults(bool short_term)
{
    struct fsrs_params p;
    assert_int_equal(fsrs_params_init(&p, NULL, 0, 0.9, 36500, short_term), 0);
    return p;
}

static void test_retrievability_is_90_percent_at_stability(void **state)
{
    (void)state;
    struct fsrs_params p = defaults(false);
    /* R(S, S) = 0.9 by definition of stability, for any decay */
    for (double s = 0.5; s < 1000; s *= 3.7)
        assert_near(fsrs_retrievability(&p, s, s), 0.9, 1e-7);
    assert_near(fsrs_retrievability(&p, 0, 10), 1.0, 0);
    /* forgetting: R falls with time */
    double prev = 1.0;
    for (int t = 1; t < 400; t += 7) {
        double r = fsrs_retrievability(&p, t, 20);
        assert_true(r < prev && r > 0);
        prev = r;
    }
    double w[FSRS_N_WEIGHTS];
    memcpy(w, p.w, sizeof(w));
    w[20] = 0.5;
    assert_int_equal(fsrs_params_init(&p, w, FSRS_N_WEIGHTS, 0.9, 36500, false), 0);
    assert_near(fsrs_retrievability(&p, 30, 30), 0.9, 1e-7);
}

static void test_interval_meets_requested_retention(void **state)
{
    (void)state;
    struct fsrs_params p;
    /* with retention 0.9 the interval is the stability itself */
    assert_int_equal(fsrs_params_init(&p, NULL, 0, 0.9, 36500, false), 0);
    assert_int_equal(fsrs_next_interval(&p, 40), 40);
    assert_int_equal(fsrs_next_interval(&p, 0.01), 1); /* at least a day */
    /* a higher retention means sooner reviews; the interval hits R = retention */
    assert_int_equal(fsrs_params_init(&p, NULL, 0, 0.95, 36500, false), 0);
    uint32_t iv = fsrs_next_interval(&p, 100);
    assert_true(iv < 100);
    assert_near(fsrs_retrievability(&p, iv, 100), 0.95, 0.002);
    assert_int_equal(fsrs_params_init(&p, NULL, 0, 0.9, 30, false), 0);
    assert_int_equal(fsrs_next_interval(&p, 1000), 30); /* capped */
}

static void test_ratings_order_outcomes(void **state)
{
    (void)state;
    struct fsrs_params p = defaults(false);
    struct fsrs_outcome o[4];
    struct fsrs_memory m = {0, 0};
    assert_int_equal(fsrs_schedule(&p, NULL, 0, o), 0);
    for (int g = 1; g < 4; g++) {
        assert_true(o[g].interval > o[g - 1].interval);
        assert_true(o[g].memory.stability >= o[g - 1].memory.stability);
        assert_true(o[g].memory.difficulty <= o[g - 1].memory.difficulty);
    }
    m = o[2].memory; /* good */
    for (int review = 0; review < 8; review++) {
        struct fsrs_outcome n[4];
        assert_int_equal(fsrs_schedule(&p, &m, o[2].interval, n), 0);
        /* recalled on time: stability grows; forgotten: it shrinks */
        assert_true(n[2].memory.stability > m.stability);
        assert_true(n[0].memory.stability < m.stability);
        for (int g = 0; g < 4; g++) {
            assert_true(n[g].memory.difficulty >= 1 && n[g].memory.difficulty <= 10);
            assert_true(n[g].interval >= 1);
        }
        for (int g = 1; g < 4; g++)
            assert_true(n[g].interval > n[g - 1].interval);
        m = n[2].memory;
        o[2] = n[2];
    }
}

static void test_short_term_only_when_enabled(void **state)
{
    (void)state;
    struct fsrs_params st = defaults(true), lt = defaults(false);
    struct fsrs_memory m = {5, 5}, a, b;
    /* a same-day Easy: S' = S * S^-w19 * e^(w17 (1 + w18)) with short-term, else S (R = 1) */
    assert_int_equal(fsrs_next_state(&st, &m, 0, FSRS_EASY, NAN, &a), 0);
    assert_int_equal(fsrs_next_state(&lt, &m, 0, FSRS_EASY, NAN, &b), 0);
    assert_true(a.stability > b.stability);
    assert_near(b.stability, 5, 0);
    assert_near(a.difficulty, b.difficulty, 0);
}

static void test_rejects_bad_input(void **state)
{
    (void)state;
    struct fsrs_params p = defaults(false), q = p;
    struct fsrs_memory m = {5, 5}, out;
    double w[FSRS_N_WEIGHTS];
    memcpy(w, p.w, sizeof(w));
    assert_int_equal(fsrs_params_init(&q, NULL, 0, 0, 36500, false), -EINVAL);
    assert_int_equal(fsrs_params_init(&q, NULL, 0, 1.01, 36500, false), -EINVAL);
    assert_int_equal(fsrs_params_init(&q, NULL, 0, NAN, 36500, false), -EINVAL);
    assert_int_equal(fsrs_params_init(&q, NULL, 0, 0.9, 0, false), -EINVAL);
    assert_int_equal(fsrs_params_init(&q, w, 17, 0.9, 36500, false), -EINVAL);
    w[3] = NAN;
    assert_int_equal(fsrs_params_init(&q, w, FSRS_N_WEIGHTS, 0.9, 36500, false), -EINVAL);
    assert_memory_equal(&q, &p, sizeof(p)); /* untouched */
    assert_int_equal(fsrs_next_state(&p, &m, 3, 0, NAN, &out), -EINVAL);
    assert_int_equal(fsrs_next_state(&p, &m, 3, 5, NAN, &out), -EINVAL);
    assert_int_equal(fsrs_next_state(&p, &m, -1, 3, NAN, &out), -EINVAL);
    assert_int_equal(fsrs_next_state(&p, &m, NAN, 3, NAN, &out), -EINVAL);
    assert_int_equal(fsrs_next_state(&p, &m, 3, 3, 1.5, &out), -EINVAL);
    struct fsrs_memory bad = {5, 0.5};
    assert_int_equal(fsrs_next_state(&p, &bad, 3, 3, NAN, &out), -EINVAL);
    bad = (struct fsrs_memory){NAN, 5};
    assert_int_equal(fsrs_next_state(&p, &bad, 3, 3, NAN, &out), -EINVAL);
    struct fsrs_outcome o[4];
    assert_int_equal(fsrs_schedule(&p, &bad, 3, o), -EINVAL);
}

static void test_out_of_range_weights_are_clamped(void **state)
{
    (void)state;
    struct fsrs_params p;
    double w[FSRS_N_WEIGHTS];
    for (int i = 0; i < FSRS_N_WEIGHTS; i++)
        w[i] = 1000;
    assert_int_equal(fsrs_params_init(&p, w, FSRS_N_WEIGHTS, 0.9, 36500, false), 0);
    assert_near(p.w[0], 100, 0);  /* initial stabilities at most 100 days */
    assert_near(p.w[4], 10, 0);   /* difficulty scale */
    assert_near(p.w[20], 0.8, 0); /* decay */
    struct fsrs_memory m;
    assert_int_equal(fsrs_next_state(&p, NULL, 0, FSRS_GOOD, NAN, &m), 0);
    assert_true(m.difficulty >= 1 && m.difficulty <= 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retrievability_is_90_percent_at_stability),
        cmocka_unit_test(test_interval_meets_requested_retention),
        cmocka_unit_test(test_ratings_order_outcomes),
        cmocka_unit_test(test_short_term_only_when_enabled),
        cmocka_unit_test(test_rejects_bad_input),
        cmocka_unit_test(test_out_of_range_weights_are_clamped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

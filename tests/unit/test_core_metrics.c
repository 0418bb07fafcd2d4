/*
 * core/metrics: AUC, RMSE, log-loss and accuracy on hand-computed cases,
 * ties, bad input, and fold assignment.
 */
#include "test.h"

#include <stdlib.h>

#include "core/metrics.h"

static int score(const double *p, const uint8_t *y, uint32_t n, struct metrics *m)
{
    size_t wsz = metrics_workspace_size(n);
    void *ws = malloc(wsz ? wsz : 1);
    int r;
    assert_non_null(ws);
    r = metrics_compute(p, y, n, ws, wsz, m);
    free(ws);
    return r;
}

static void test_auc_hand_computed(void **state)
{
    (void)state;
    struct metrics m;
    /* perfect ranking */
    double p1[4] = {0.1, 0.4, 0.35, 0.8};
    uint8_t y1[4] = {0, 0, 1, 1};
    /* pairs (pos, neg): (0.35,0.1) right, (0.35,0.4) wrong, (0.8,*) right: 3 of 4 */
    assert_int_equal(score(p1, y1, 4, &m), 0);
    assert_near(m.auc, 0.75, 1e-15);
    /* all wrong */
    double p2[4] = {0.9, 0.8, 0.2, 0.1};
    uint8_t y2[4] = {0, 0, 1, 1};
    assert_int_equal(score(p2, y2, 4, &m), 0);
    assert_near(m.auc, 0.0, 1e-15);
    /* perfect */
    uint8_t y3[4] = {1, 1, 0, 0};
    assert_int_equal(score(p2, y3, 4, &m), 0);
    assert_near(m.auc, 1.0, 1e-15);
}

static void test_auc_ties_count_half(void **state)
{
    (void)state;
    struct metrics m;
    /* positives {0.5, 0.7}, negatives {0.5, 0.2, 0.5}:
     * 0.5 vs 0.5, 0.5 tie (2 halves), 0.5 > 0.2 (1); 0.7 beats all 3: (1 + 1 + 3) / 6 */
    double p[5] = {0.5, 0.7, 0.5, 0.2, 0.5};
    uint8_t y[5] = {1, 1, 0, 0, 0};
    assert_int_equal(score(p, y, 5, &m), 0);
    assert_near(m.auc, 5.0 / 6.0, 1e-15);
    /* every prediction equal: 0.5 */
    double q[4] = {0.3, 0.3, 0.3, 0.3};
    uint8_t z[4] = {1, 0, 1, 0};
    assert_int_equal(score(q, z, 4, &m), 0);
    assert_near(m.auc, 0.5, 1e-15);
}

static void test_auc_one_class_is_nan(void **state)
{
    (void)state;
    struct metrics m;
    double p[3] = {0.1, 0.5, 0.9};
    uint8_t y[3] = {1, 1, 1};
    assert_int_equal(score(p, y, 3, &m), 0);
    assert_true(isnan(m.auc));
    assert_near(m.accuracy, 2.0 / 3.0, 1e-15);
}

static void test_rmse_logloss_accuracy(void **state)
{
    (void)state;
    struct metrics m;
    double p[4] = {0.9, 0.2, 0.6, 0.5};
    uint8_t y[4] = {1, 0, 0, 1};
    assert_int_equal(score(p, y, 4, &m), 0);
    /* squared errors 0.01, 0.04, 0.36, 0.25 */
    assert_near(m.rmse, sqrt(0.66 / 4), 1e-15);
    assert_near(m.logloss, -(log(0.9) + log(0.8) + log(0.4) + log(0.5)) / 4, 1e-15);
    /* 0.9 -> 1 right, 0.2 -> 0 right, 0.6 -> 1 wrong, 0.5 -> 1 right */
    assert_near(m.accuracy, 0.75, 1e-15);
    assert_int_equal(m.n, 4);
    /* certain and wrong: the log-loss is capped, not infinite */
    double q[1] = {0.0};
    uint8_t z[1] = {1};
    assert_int_equal(score(q, z, 1, &m), 0);
    assert_near(m.logloss, -log(1e-15), 1e-9);
}

static void test_auc_matches_pair_count(void **state)
{
    (void)state;
    /* many random cases against the definition: P(p_pos > p_neg) + P(tie) / 2 */
    unsigned seed = 3;
    for (int c = 0; c < 200; c++) {
        uint32_t n = 2 + (uint32_t)(rand_r(&seed) % 40);
        double p[64];
        uint8_t y[64];
        double wins = 0, pairs = 0;
        struct metrics m;
        for (uint32_t i = 0; i < n; i++) {
            p[i] = (double)(rand_r(&seed) % 7) / 6.0; /* many ties */
            y[i] = (uint8_t)(rand_r(&seed) % 2);
        }
        for (uint32_t i = 0; i < n; i++)
            for (uint32_t j = 0; j < n; j++)
                if (y[i] == 1 && y[j] == 0) {
                    pairs++;
                    wins += p[i] > p[j] ? 1.0 : (p[i] == p[j] ? 0.5 : 0.0);
                }
        assert_int_equal(score(p, y, n, &m), 0);
        if (pairs == 0)
            assert_true(isnan(m.auc));
        else
            assert_near(m.auc, wins / pairs, 1e-12);
    }
}

static void test_rejects_bad_input(void **state)
{
    (void)state;
    struct metrics m;
    double p[2] = {0.5, NAN};
    uint8_t y[2] = {1, 0};
    assert_int_equal(score(p, y, 2, &m), -EINVAL);
    p[1] = 1.5;
    assert_int_equal(score(p, y, 2, &m), -EINVAL);
    p[1] = -0.1;
    assert_int_equal(score(p, y, 2, &m), -EINVAL);
    p[1] = 0.5;
    y[1] = 2;
    assert_int_equal(score(p, y, 2, &m), -EINVAL);
    assert_int_equal(score(p, y, 0, &m), -EINVAL);
    y[1] = 0;
    char small[8];
    assert_int_equal(metrics_compute(p, y, 2, small, sizeof(small), &m), -ENOSPC);
}

static void test_folds_balanced_and_deterministic(void **state)
{
    (void)state;
    uint32_t a[103], b[103], size[5] = {0};
    assert_int_equal(metrics_folds(103, 5, 42, a), 0);
    assert_int_equal(metrics_folds(103, 5, 42, b), 0);
    assert_memory_equal(a, b, sizeof(a));
    for (int i = 0; i < 103; i++) {
        assert_true(a[i] < 5);
        size[a[i]]++;
    }
    for (int f = 0; f < 5; f++)
        assert_true(size[f] == 20 || size[f] == 21);
    assert_int_equal(metrics_folds(103, 5, 43, b), 0);
    assert_true(memcmp(a, b, sizeof(a)) != 0);
    assert_int_equal(metrics_folds(3, 1, 1, a), -EINVAL);
    assert_int_equal(metrics_folds(3, 4, 1, a), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auc_hand_computed),
        cmocka_unit_test(test_auc_ties_count_half),
        cmocka_unit_test(test_auc_one_class_is_nan),
        cmocka_unit_test(test_rmse_logloss_accuracy),
        cmocka_unit_test(test_auc_matches_pair_count),
        cmocka_unit_test(test_rejects_bad_input),
        cmocka_unit_test(test_folds_balanced_and_deterministic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

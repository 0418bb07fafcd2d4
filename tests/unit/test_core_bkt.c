/*
 * core/bkt: the online update, the E-step against brute-force enumeration
 * of hidden states, precision against exact rational references
 * (tests/unit/bkt_reference.py), EM monotonicity and its stopping rule,
 * parameter recovery on simulated data, the variants (forgetting, KT-IDEM,
 * two-class prior) and input checks.
 */
#include "test.h"

#include <stdlib.h>

#include "core/bkt.h"
#include "core/rng.h"

/* ---- helpers ---------------------------------------------------------------- */

struct sim {
    uint8_t *correct;
    uint32_t *item;
    uint32_t *seq_start;
    uint8_t *seq_class;
    struct bkt_seqs s;
};

static void sim_free(struct sim *x)
{
    free(x->correct);
    free(x->item);
    free(x->seq_start);
    free(x->seq_class);
}

/*
 * Simulate n_seq students answering between min_len and max_len times from
 * model m (items drawn uniformly among n_items when item_g is given; class
 * drawn with P(class 1) = 0.5 when classes are given).
 */
static void simulate(struct rng *r, const struct bkt_model *m, uint32_t n_seq, uint32_t min_len,
                     uint32_t max_len, uint32_t n_items, struct sim *x)
{
    uint32_t cap = n_seq * max_len, n = 0;
    memset(x, 0, sizeof(*x));
    x->correct = malloc(cap);
    x->item = malloc(cap * sizeof(uint32_t));
    x->seq_start = malloc((n_seq + 1) * sizeof(uint32_t));
    x->seq_class = malloc(n_seq);
    assert_non_null(x->correct);
    for (uint32_t q = 0; q < n_seq; q++) {
        uint32_t len = min_len + rng_below(r, max_len - min_len + 1);
        int cls = rng_double(r) < 0.5;
        bool known = rng_double(r) < bkt_model_prior(m, m->has_classes ? cls : -1);
        x->seq_start[q] = n;
        x->seq_class[q] = (uint8_t)cls;
        for (uint32_t t = 0; t < len; t++) {
            uint32_t it = n_items > 1 ? rng_below(r, n_items) : 0;
            double g, s;
            bkt_model_emission(m, it, &g, &s);
            x->item[n] = it;
            x->correct[n] = (uint8_t)(rng_double(r) < (known ? 1.0 - s : g));
            n++;
            known = known ? rng_double(r) >= m->p.forget : rng_double(r) < m->p.learn;
        }
    }
    x->seq_start[n_seq] = n;
    x->s = (struct bkt_seqs){.correct = x->correct,
                             .item = n_items > 1 ? x->item : NULL,
                             .seq_start = x->seq_start,
                             .seq_class = m->has_classes ? x->seq_class : NULL,
                             .n_answers = n,
                             .n_seqs = n_seq,
                             .n_items = n_items > 1 ? n_items : 0};
}

static void *ws_for(const struct bkt_seqs *s, size_t *ret_size)
{
    struct bkt_fit_options o = BKT_FIT_DEFAULTS;
    *ret_size = bkt_workspace_size(s, &o);
    void *ws = malloc(*ret_size);
    assert_non_null(ws);
    return ws;
}

/* Brute force: sum over all 2^T hidden paths of every sequence. */
static void brute_force(const struct bkt_seqs *s, const struct bkt_model *m, struct bkt_counts *ret)
{
    memset(ret, 0, sizeof(*ret));
    for (uint32_t q = 0; q < s->n_seqs; q++) {
        uint32_t st = s->seq_start[q], T = s->seq_start[q + 1] - st;
        double total = 0;
        struct bkt_counts acc;
        memset(&acc, 0, sizeof(acc));
        assert_true(T <= 16);
        for (uint32_t path = 0; path < (1u << T); path++) {
            double pr = 1;
            for (uint32_t t = 0; t < T; t++) {
                int h = (path >> t) & 1, o = s->correct[st + t];
                double g, sl;
                bkt_model_emission(m, s->item ? s->item[st + t] : UINT32_MAX, &g, &sl);
                if (t == 0) {
                    double pi = bkt_model_prior(m, s->seq_class ? s->seq_class[q] : -1);
                    pr *= h ? pi : 1 - pi;
                } else {
                    int hp = (path >> (t - 1)) & 1;
                    double to1 = hp ? 1 - m->p.forget : m->p.learn;
                    pr *= h ? to1 : 1 - to1;
                }
                pr *= h ? (o ? 1 - sl : sl) : (o ? g : 1 - g);
            }
            total += pr;
            for (uint32_t t = 0; t < T; t++) {
                int h = (path >> t) & 1, o = s->correct[st + t];
                if (t == 0)
                    acc.first[h] += pr;
                else
                    acc.trans[(path >> (t - 1)) & 1][h] += pr;
                acc.emit[h][o] += pr;
            }
        }
        ret->loglik += log(total);
        for (int i = 0; i < 2; i++) {
            ret->first[i] += acc.first[i] / total;
            for (int j = 0; j < 2; j++) {
                ret->trans[i][j] += acc.trans[i][j] / total;
                ret->emit[i][j] += acc.emit[i][j] / total;
            }
        }
    }
}

static void assert_counts_near(const struct bkt_counts *a, const struct bkt_counts *b)
{
    assert_near(a->loglik, b->loglik, 1e-9 * fabs(b->loglik) + 1e-12);
    for (int i = 0; i < 2; i++) {
        assert_near(a->first[i], b->first[i], 1e-9);
        for (int j = 0; j < 2; j++) {
            assert_near(a->trans[i][j], b->trans[i][j], 1e-9);
            assert_near(a->emit[i][j], b->emit[i][j], 1e-9);
        }
    }
}

/* ---- online update ---------------------------------------------------------- */

static void test_update_matches_bayes_rule(void **state)
{
    (void)state;
    struct bkt_params p = {.prior = 0.3, .learn = 0.2, .forget = 0.05, .guess = 0.25, .slip = 0.1};
    struct bkt_state st = bkt_state_prior(p.prior);
    assert_int_equal(bkt_update(&p, &st, true), 0);
    double post = 0.3 * 0.9 / (0.3 * 0.9 + 0.7 * 0.25);
    assert_near(st.mastered, post * 0.95 + (1 - post) * 0.2, 1e-15);
    assert_near(st.unmastered, (1 - post) * 0.8 + post * 0.05, 1e-15);
    double before = st.mastered;
    assert_int_equal(bkt_update(&p, &st, false), 0);
    post = before * 0.1 / (before * 0.1 + (1 - before) * 0.75);
    assert_near(st.mastered, post * 0.95 + (1 - post) * 0.2, 1e-15);
    assert_near(st.mastered + st.unmastered, 1.0, 1e-15);
    assert_near(bkt_p_correct(0.5, 0.2, 0.1), 0.5 * 0.9 + 0.5 * 0.2, 1e-15);
    assert_near(bkt_state_p_correct(&st, 0.2, 0.1), st.mastered * 0.9 + st.unmastered * 0.2, 1e-15);
}

/*
 * Standard BKT (no forgetting) with the parameters the issue names (prior
 * 0.5, learn 0.1, guess 0.2, slip 0.1): with P(mastered) as one double it
 * became exactly 1.0 after about 24 correct answers and stayed there
 * whatever followed. Carried apart, P(not mastered) after 40 correct
 * answers is 1.07e-28 (exact: bkt_reference.py), and wrong answers raise
 * it again: exactly as much as the model says, which for these
 * parameters (slip 0.1 is a likely explanation of a wrong answer) takes 35
 * wrong answers to pass 0.5, not 30.
 */
static void test_mastery_recovers_after_long_run_issue_params(void **state)
{
    (void)state;
    struct bkt_params p = {.prior = 0.5, .learn = 0.1, .forget = 0, .guess = 0.2, .slip = 0.1};
    struct bkt_state st = bkt_state_prior(p.prior);
    for (int i = 0; i < 40; i++)
        assert_int_equal(bkt_update(&p, &st, true), 0);
    /* exact: 1.06979509729556756757e-28 */
    assert_near(st.unmastered / 1.06979509729556756757e-28, 1.0, 1e-12);
    for (int i = 0; i < 30; i++)
        assert_int_equal(bkt_update(&p, &st, false), 0);
    assert_near(st.mastered, 9.94421320167156748283e-1, 1e-12);
    assert_near(st.unmastered, 5.57867983284325171659e-3, 1e-12);
    for (int i = 0; i < 5; i++)
        assert_int_equal(bkt_update(&p, &st, false), 0);
    assert_near(st.mastered, 1.21449169740797216085e-1, 1e-12);
    assert_near(st.unmastered, 8.78550830259202783915e-1, 1e-12);
}

/*
 * 30 wrong answers after 40 right ones, without forgetting, bring
 * P(mastered) well below 0.5 where the model says a wrong answer is
 * unlikely from a learner who knows the skill (slip 0.05, guess 0.3).
 */
static void test_thirty_wrong_after_forty_right_lower_mastery(void **state)
{
    (void)state;
    struct bkt_params p = {.prior = 0.5, .learn = 0.1, .forget = 0, .guess = 0.3, .slip = 0.05};
    struct bkt_state st = bkt_state_prior(p.prior);
    for (int i = 0; i < 40; i++)
        assert_int_equal(bkt_update(&p, &st, true), 0);
    assert_true(st.unmastered > 0);
    for (int i = 0; i < 30; i++)
        assert_int_equal(bkt_update(&p, &st, false), 0);
    assert_true(st.mastered < 0.2);
    assert_near(st.mastered, 1.07692307698102726483e-1, 1e-12); /* exact: bkt_reference.py */
    assert_near(bkt_state_p_correct(&st, p.guess, p.slip),
                0.107692307698 * 0.95 + 0.892307692302 * 0.3, 1e-9);
}

/*
 * The 1,000-answer sequence of bkt_reference.py (answer i correct iff
 * i % 50 < 30): runs of 30 correct answers push P(not mastered) below
 * 1e-16, runs of 20 wrong ones pull it back. The log-likelihood from the
 * forward pass (bkt_loglik) and from the online predictor (the sum of
 * log P(answer) before each answer, as `trellis fit bkt` predicts) equal
 * the exact one.
 */
static void check_reference_sequence(const struct bkt_params *p, double ref_ll, double ref_pm)
{
    uint8_t c[1000];
    uint32_t st[2] = {0, 1000};
    struct bkt_model m = {.p = *p};
    struct bkt_state s = bkt_state_prior(p->prior);
    double ll, online = 0;
    size_t wsz;

    for (int i = 0; i < 1000; i++)
        c[i] = i % 50 < 30;
    struct bkt_seqs seqs = {.correct = c, .seq_start = st, .n_answers = 1000, .n_seqs = 1};
    void *ws = ws_for(&seqs, &wsz);
    assert_int_equal(bkt_loglik(&seqs, &m, ws, wsz, &ll), 0);
    assert_near(ll, ref_ll, 1e-9);
    for (int i = 0; i < 1000; i++) {
        double pc = bkt_state_p_correct(&s, p->guess, p->slip);
        online += log(c[i] ? pc : 1.0 - pc);
        assert_int_equal(bkt_update(p, &s, c[i]), 0);
    }
    assert_near(online, ref_ll, 1e-9);
    assert_near(s.mastered, ref_pm, 1e-12);
    free(ws);
}

static void test_loglik_equals_exact_reference(void **state)
{
    (void)state;
    struct bkt_params std = {.prior = 0.5, .learn = 0.1, .forget = 0, .guess = 0.3, .slip = 0.05};
    struct bkt_params fgt = {
        .prior = 0.5, .learn = 0.1, .forget = 0.02, .guess = 0.3, .slip = 0.05};
    check_reference_sequence(&std, -9.70993378394561462320e+2, 1.07692624934506493504e-1);
    check_reference_sequence(&fgt, -3.31638151238026436161e+2, 1.07506989301940166964e-1);
}

static void test_correct_answer_raises_mastery(void **state)
{
    (void)state;
    struct rng r;
    rng_seed(&r, 7);
    for (int k = 0; k < 2000; k++) {
        struct bkt_params p = {.prior = rng_double(&r),
                               .learn = rng_double(&r),
                               .forget = 0,
                               .guess = rng_uniform(&r, 0, 0.5),
                               .slip = rng_uniform(&r, 0, 0.5)};
        struct bkt_state right = bkt_state_prior(rng_double(&r)), wrong = right;
        assert_int_equal(bkt_update(&p, &right, true), 0);
        assert_int_equal(bkt_update(&p, &wrong, false), 0);
        assert_true(right.mastered >= wrong.mastered);
        assert_true(right.unmastered <= wrong.unmastered);
        assert_true(right.mastered >= 0 && right.mastered <= 1 && wrong.mastered >= 0 &&
                    wrong.mastered <= 1);
        assert_near(right.mastered + right.unmastered, 1.0, 1e-14);
    }
}

static void test_update_rejects_bad_values(void **state)
{
    (void)state;
    struct bkt_params p = {.prior = 0.3, .learn = 0.2, .forget = 0, .guess = 0.2, .slip = 0.1};
    struct bkt_state pm = {.mastered = NAN, .unmastered = 0.5};
    assert_int_equal(bkt_update(&p, &pm, true), -EINVAL);
    pm = (struct bkt_state){.mastered = 1.5, .unmastered = -0.5};
    assert_int_equal(bkt_update(&p, &pm, true), -EINVAL);
    assert_near(pm.mastered, 1.5, 0);                            /* untouched */
    pm = (struct bkt_state){.mastered = 0.5, .unmastered = 0.6}; /* does not sum to 1 */
    assert_int_equal(bkt_update(&p, &pm, true), -EINVAL);
    assert_int_equal(bkt_state_check(&pm), -EINVAL);
    pm = bkt_state_prior(0.5);
    assert_int_equal(bkt_state_check(&pm), 0);
    p.learn = NAN;
    assert_int_equal(bkt_update(&p, &pm, true), -EINVAL);
    assert_int_equal(bkt_params_check(&p), -EINVAL);
    p.learn = 0.2;
    p.guess = 0.6;
    p.slip = 0.5;
    assert_int_equal(bkt_params_check(&p), -EINVAL); /* guess + slip >= 1 */
    /* an answer the model calls impossible */
    struct bkt_params q = {.prior = 0, .learn = 0, .forget = 0, .guess = 0, .slip = 0};
    pm = bkt_state_prior(0);
    assert_int_equal(bkt_update(&q, &pm, true), -EINVAL);
    assert_int_equal(bkt_update(NULL, &pm, true), -EINVAL);
}

/* ---- the E-step against brute force ------------------------------------------ */

static void check_against_brute_force(const struct bkt_model *m, uint32_t n_items, bool classes,
                                      uint64_t seed)
{
    struct rng r;
    struct sim x;
    struct bkt_counts fast, slow;
    struct bkt_model sim_m = *m;
    size_t wsz;

    rng_seed(&r, seed);
    sim_m.has_classes = classes;
    simulate(&r, &sim_m, 60, 1, 9, n_items, &x);
    void *ws = ws_for(&x.s, &wsz);
    assert_int_equal(bkt_estep(&x.s, m, ws, wsz, &fast), 0);
    brute_force(&x.s, m, &slow);
    assert_counts_near(&fast, &slow);
    /* the counts add up: every answer is in one state */
    assert_near(fast.emit[0][0] + fast.emit[0][1] + fast.emit[1][0] + fast.emit[1][1],
                (double)x.s.n_answers, 1e-9);
    assert_near(fast.first[0] + fast.first[1], (double)x.s.n_seqs, 1e-9);
    double ll;
    assert_int_equal(bkt_loglik(&x.s, m, ws, wsz, &ll), 0);
    assert_near(ll, slow.loglik, 1e-9 * fabs(slow.loglik));
    free(ws);
    sim_free(&x);
}

static void test_estep_matches_brute_force(void **state)
{
    (void)state;
    struct bkt_model m = {
        .p = {.prior = 0.35, .learn = 0.2, .forget = 0, .guess = 0.22, .slip = 0.12}};
    check_against_brute_force(&m, 0, false, 1);
    m.p.forget = 0.07;
    check_against_brute_force(&m, 0, false, 2);
}

static void test_estep_matches_brute_force_two_class(void **state)
{
    (void)state;
    struct bkt_model m = {
        .p = {.prior = 0.4, .learn = 0.15, .forget = 0.03, .guess = 0.2, .slip = 0.1},
        .has_classes = true,
        .class_prior = {0.1, 0.8}};
    check_against_brute_force(&m, 0, true, 3);
}

static void test_estep_matches_brute_force_idem(void **state)
{
    (void)state;
    double g[4] = {0.05, 0.2, 0.35, 0.3}, s[4] = {0.1, 0.02, 0.2, 0.3};
    struct bkt_model m = {
        .p = {.prior = 0.3, .learn = 0.25, .forget = 0.02, .guess = 0.2, .slip = 0.1},
        .n_items = 4,
        .item_guess = g,
        .item_slip = s};
    check_against_brute_force(&m, 4, false, 4);
}

static void test_long_sequence_does_not_underflow(void **state)
{
    (void)state;
    struct rng r;
    struct sim x;
    struct bkt_model m = {
        .p = {.prior = 0.3, .learn = 0.01, .forget = 0.01, .guess = 0.45, .slip = 0.45}};
    size_t wsz;
    double ll;

    rng_seed(&r, 5);
    simulate(&r, &m, 3, 3000, 3000, 0, &x); /* P(sequence) ~ 2^-3000 */
    void *ws = ws_for(&x.s, &wsz);
    assert_int_equal(bkt_loglik(&x.s, &m, ws, wsz, &ll), 0);
    assert_true(isfinite(ll));
    assert_true(ll < -3 * 3000 * 0.6 && ll > -3 * 3000 * 0.75);
    struct bkt_counts c;
    assert_int_equal(bkt_estep(&x.s, &m, ws, wsz, &c), 0);
    assert_near(c.emit[0][0] + c.emit[0][1] + c.emit[1][0] + c.emit[1][1], 9000, 1e-6);
    free(ws);
    sim_free(&x);
}

/* ---- EM ------------------------------------------------------------------------ */

static void check_monotone(bool forget, bool two_class, bool idem)
{
    struct rng r;
    struct sim x;
    double g[3] = {0.1, 0.3, 0.2}, s[3] = {0.05, 0.15, 0.25}, fg[3], fs[3], trace[400];
    struct bkt_model truth = {
        .p = {.prior = 0.3, .learn = 0.12, .forget = forget ? 0.05 : 0, .guess = 0.2, .slip = 0.1},
        .has_classes = two_class,
        .class_prior = {0.15, 0.6},
        .n_items = idem ? 3 : 0,
        .item_guess = g,
        .item_slip = s};
    struct bkt_fit_options o = BKT_FIT_DEFAULTS;
    struct bkt_model m = {.item_guess = fg, .item_slip = fs};
    struct bkt_fit_info info;
    size_t wsz;

    rng_seed(&r, 11);
    simulate(&r, &truth, 300, 3, 12, idem ? 3 : 0, &x);
    void *ws = ws_for(&x.s, &wsz);
    o.forget = forget;
    o.two_class = two_class;
    o.idem = idem;
    o.restarts = 1;
    o.tol = 0;
    o.max_iter = 150;
    o.trace = trace;
    o.trace_cap = 400;
    assert_int_equal(bkt_fit(&x.s, &o, ws, wsz, &m, &info), 0);
    assert_true(info.trace_len >= 10);
    /* the objective at every accepted iterate (KT-IDEM: likelihood times its prior) */
    for (unsigned i = 1; i < info.trace_len; i++)
        if (!(trace[i] >= trace[i - 1] - 1e-9 * fabs(trace[i - 1])))
            fail_msg("iterate %u: objective %.12g after %.12g", i, trace[i], trace[i - 1]);
    assert_true(info.objective >= trace[info.trace_len - 1] - 1e-9 * fabs(trace[0]));
    assert_int_equal(bkt_params_check(&m.p), 0);
    free(ws);
    sim_free(&x);
}

static void test_em_never_decreases_likelihood(void **state)
{
    (void)state;
    check_monotone(false, false, false);
    check_monotone(true, false, false);
    check_monotone(true, true, false);
    check_monotone(false, false, true);
}

/*
 * Long sequences of learners who mostly know the skill (runs of correct
 * answers long enough for P(not mastered) to fall below 1e-16, broken by
 * slips and forgetting): EM's objective at every iterate never decreases,
 * and the fit ends without -EDOM.
 */
static void test_em_never_decreases_on_long_sequences(void **state)
{
    (void)state;
    struct rng r;
    struct sim x;
    double trace[400];
    struct bkt_model truth = {
        .p = {.prior = 0.6, .learn = 0.15, .forget = 0.03, .guess = 0.3, .slip = 0.04}};
    struct bkt_fit_options o = BKT_FIT_DEFAULTS;
    struct bkt_model m = {0};
    struct bkt_fit_info info;
    size_t wsz;

    for (int forget = 0; forget < 2; forget++) {
        rng_seed(&r, 21);
        simulate(&r, &truth, 60, 150, 400, 0, &x);
        void *ws = ws_for(&x.s, &wsz);
        o.forget = forget;
        o.restarts = 1;
        o.tol = 0;
        o.max_iter = 200;
        o.trace = trace;
        o.trace_cap = 400;
        assert_int_equal(bkt_fit(&x.s, &o, ws, wsz, &m, &info), 0);
        assert_true(info.trace_len >= 10);
        for (unsigned i = 1; i < info.trace_len && i < 400; i++)
            if (!(trace[i] >= trace[i - 1] - 1e-10 * fabs(trace[i - 1])))
                fail_msg("forget %d, iterate %u: objective %.15g after %.15g", forget, i, trace[i],
                         trace[i - 1]);
        free(ws);
        sim_free(&x);
    }
}

/* The stopping rule: a loss beyond rounding is an error, never convergence. */
static void test_em_decrease_is_an_error(void **state)
{
    (void)state;
    assert_int_equal(bkt_em_progress(-INFINITY, -1000.0, 1e-8, 1000), 0);      /* first iterate */
    assert_int_equal(bkt_em_progress(-1000.0, -999.0, 1e-8, 1000), 0);         /* gained: go on */
    assert_int_equal(bkt_em_progress(-1000.0, -1000.0 + 1e-6, 1e-8, 1000), 1); /* converged */
    assert_int_equal(bkt_em_progress(-1000.0, -1000.0, 1e-8, 1000), 1);
    /* rounding: 1e-10 relative (1e-7 here) plus 1e-12 per answer */
    assert_int_equal(bkt_em_progress(-1000.0, -1000.0 - 5e-8, 1e-8, 1000), 1);
    assert_int_equal(bkt_em_progress(-1000.0, -1000.0 - 1e-3, 1e-8, 1000), -EDOM);
    assert_int_equal(bkt_em_progress(-1000.0, -1001.0, 0, 1000), -EDOM);
    assert_int_equal(bkt_em_progress(-1000.0, NAN, 1e-8, 1000), -EDOM);
    assert_int_equal(bkt_em_progress(NAN, -1000.0, 1e-8, 1000), -EDOM);
}

/*
 * Parameter recovery: 600 students per skill, 6 to 14 answers each,
 * answers simulated from known parameters; every fitted parameter must be
 * within 0.05 of the truth. The fit runs to the maximum, so what is left
 * is the maximum-likelihood estimator's own sampling error (about 0.01 to
 * 0.025 standard deviation here). Skills that are mostly mastered from
 * the start and easy to guess (prior 0.65, guess 0.3) are weakly
 * identified: there that error reaches 0.05 in about one sample in ten,
 * so they are not in this list.
 */
static void test_parameter_recovery(void **state)
{
    (void)state;
    static const struct bkt_params truth[] = {
        {.prior = 0.30, .learn = 0.15, .guess = 0.20, .slip = 0.10},
        {.prior = 0.50, .learn = 0.10, .guess = 0.25, .slip = 0.05},
        {.prior = 0.20, .learn = 0.25, .guess = 0.15, .slip = 0.15},
        {.prior = 0.55, .learn = 0.20, .guess = 0.25, .slip = 0.08},
        {.prior = 0.10, .learn = 0.30, .guess = 0.10, .slip = 0.20},
        {.prior = 0.40, .learn = 0.05, .guess = 0.20, .slip = 0.12},
    };
    double worst = 0;
    for (size_t k = 0; k < sizeof(truth) / sizeof(truth[0]); k++) {
        struct rng r;
        struct sim x;
        struct bkt_model t = {.p = truth[k]}, m = {0};
        struct bkt_fit_options o = BKT_FIT_DEFAULTS;
        struct bkt_fit_info info;
        size_t wsz;

        rng_seed(&r, 1000 + k);
        simulate(&r, &t, 600, 6, 14, 0, &x);
        void *ws = ws_for(&x.s, &wsz);
        o.seed = 77 + k;
        o.tol = 1e-10; /* to the maximum: what is left is the estimator's own sampling error */
        assert_int_equal(bkt_fit(&x.s, &o, ws, wsz, &m, &info), 0);
        double d[4] = {fabs(m.p.prior - t.p.prior), fabs(m.p.learn - t.p.learn),
                       fabs(m.p.guess - t.p.guess), fabs(m.p.slip - t.p.slip)};
        for (int i = 0; i < 4; i++) {
            if (d[i] > worst)
                worst = d[i];
            if (!(d[i] <= 0.05))
                fail_msg("skill %zu parameter %d: fitted prior %.3f learn %.3f guess %.3f slip "
                         "%.3f, truth %.3f %.3f %.3f %.3f",
                         k, i, m.p.prior, m.p.learn, m.p.guess, m.p.slip, t.p.prior, t.p.learn,
                         t.p.guess, t.p.slip);
        }
        assert_true(info.converged);
        print_message("# skill %zu: prior %.4f learn %.4f guess %.4f slip %.4f (truth %.2f %.2f "
                      "%.2f %.2f), log-likelihood %.4f\n",
                      k, m.p.prior, m.p.learn, m.p.guess, m.p.slip, t.p.prior, t.p.learn, t.p.guess,
                      t.p.slip, info.loglik);
        free(ws);
        sim_free(&x);
    }
    print_message("# parameter recovery: largest error %.4f\n", worst);
}

static void test_parameter_recovery_with_forgetting(void **state)
{
    (void)state;
    struct rng r;
    struct sim x;
    struct bkt_model t = {
        .p = {.prior = 0.3, .learn = 0.2, .forget = 0.1, .guess = 0.2, .slip = 0.1}};
    struct bkt_model m = {0};
    struct bkt_fit_options o = BKT_FIT_DEFAULTS;
    struct bkt_fit_info info;
    size_t wsz;

    rng_seed(&r, 21);
    simulate(&r, &t, 600, 6, 14, 0, &x);
    void *ws = ws_for(&x.s, &wsz);
    o.forget = true;
    assert_int_equal(bkt_fit(&x.s, &o, ws, wsz, &m, &info), 0);
    assert_near(m.p.prior, t.p.prior, 0.05);
    assert_near(m.p.learn, t.p.learn, 0.05);
    assert_near(m.p.forget, t.p.forget, 0.05);
    assert_near(m.p.guess, t.p.guess, 0.05);
    assert_near(m.p.slip, t.p.slip, 0.05);
    free(ws);
    sim_free(&x);
}

static void test_two_class_prior_recovery(void **state)
{
    (void)state;
    struct rng r;
    struct sim x;
    struct bkt_model t = {.p = {.prior = 0.4, .learn = 0.15, .guess = 0.2, .slip = 0.1},
                          .has_classes = true,
                          .class_prior = {0.1, 0.7}};
    struct bkt_model m = {0};
    struct bkt_fit_options o = BKT_FIT_DEFAULTS;
    struct bkt_fit_info info;
    size_t wsz;

    rng_seed(&r, 31);
    simulate(&r, &t, 1200, 6, 14, 0, &x);
    void *ws = ws_for(&x.s, &wsz);
    o.two_class = true;
    assert_int_equal(bkt_fit(&x.s, &o, ws, wsz, &m, &info), 0);
    assert_true(m.has_classes);
    assert_near(m.class_prior[0], 0.1, 0.05);
    assert_near(m.class_prior[1], 0.7, 0.05);
    assert_near(m.p.learn, 0.15, 0.05);
    assert_true(m.p.prior > m.class_prior[0] && m.p.prior < m.class_prior[1]);
    free(ws);
    sim_free(&x);
}

static void test_idem_separates_items(void **state)
{
    (void)state;
    struct rng r;
    struct sim x;
    double g[3] = {0.05, 0.2, 0.4}, s[3] = {0.2, 0.1, 0.03}, fg[3], fs[3];
    struct bkt_model t = {.p = {.prior = 0.3, .learn = 0.15, .guess = 0.2, .slip = 0.1},
                          .n_items = 3,
                          .item_guess = g,
                          .item_slip = s};
    struct bkt_model m = {.item_guess = fg, .item_slip = fs};
    struct bkt_fit_options o = BKT_FIT_DEFAULTS;
    struct bkt_fit_info info;
    size_t wsz;

    rng_seed(&r, 41);
    simulate(&r, &t, 1500, 6, 14, 3, &x);
    void *ws = ws_for(&x.s, &wsz);
    o.idem = true;
    assert_int_equal(bkt_fit(&x.s, &o, ws, wsz, &m, &info), 0);
    assert_int_equal(m.n_items, 3);
    for (int i = 0; i < 3; i++) {
        assert_near(fg[i], g[i], 0.06);
        assert_near(fs[i], s[i], 0.06);
    }
    assert_true(fg[0] < fg[1] && fg[1] < fg[2]);
    assert_true(fs[0] > fs[1] && fs[1] > fs[2]);
    free(ws);
    sim_free(&x);
}

static void test_bounds_keep_guess_and_slip_below_half(void **state)
{
    (void)state;
    /* answers that are pure coin flips: an unconstrained fit may put guess above 0.5 */
    struct rng r;
    uint8_t c[4000];
    uint32_t st[401];
    rng_seed(&r, 51);
    for (int i = 0; i < 4000; i++)
        c[i] = rng_double(&r) < 0.8;
    for (int i = 0; i <= 400; i++)
        st[i] = (uint32_t)i * 10;
    struct bkt_seqs s = {.correct = c, .seq_start = st, .n_answers = 4000, .n_seqs = 400};
    struct bkt_fit_options o = BKT_FIT_DEFAULTS;
    struct bkt_model m = {0};
    struct bkt_fit_info info;
    size_t wsz;
    void *ws = ws_for(&s, &wsz);
    o.forget = true;
    assert_int_equal(bkt_fit(&s, &o, ws, wsz, &m, &info), 0);
    assert_true(m.p.guess <= o.max_guess && m.p.slip <= o.max_slip);
    assert_true(m.p.guess + m.p.slip < 1);
    for (double pm = 0; pm <= 1.0; pm += 0.05) {
        struct bkt_state a = bkt_state_prior(pm), b = a;
        assert_int_equal(bkt_update(&m.p, &a, true), 0);
        assert_int_equal(bkt_update(&m.p, &b, false), 0);
        assert_true(a.mastered >= b.mastered);
    }
    free(ws);
}

static void test_fit_rejects_bad_input(void **state)
{
    (void)state;
    uint8_t c[6] = {1, 0, 1, 1, 0, 1};
    uint32_t st[3] = {0, 3, 6};
    struct bkt_seqs s = {.correct = c, .seq_start = st, .n_answers = 6, .n_seqs = 2};
    struct bkt_fit_options o = BKT_FIT_DEFAULTS;
    struct bkt_model m = {0};
    struct bkt_fit_info info;
    size_t wsz;
    void *ws = ws_for(&s, &wsz);

    assert_int_equal(bkt_fit(&s, &o, ws, wsz, &m, &info), 0);
    assert_int_equal(bkt_fit(&s, &o, ws, 16, &m, &info), -ENOSPC);
    struct bkt_seqs bad = s;
    bad.n_answers = 0;
    assert_int_equal(bkt_fit(&bad, &o, ws, wsz, &m, &info), -EINVAL); /* empty */
    bad = s;
    uint32_t st2[3] = {0, 3, 5};
    bad.seq_start = st2;
    assert_int_equal(bkt_fit(&bad, &o, ws, wsz, &m, &info), -EINVAL); /* offsets disagree */
    uint32_t st3[3] = {0, 0, 6};
    bad.seq_start = st3;
    assert_int_equal(bkt_fit(&bad, &o, ws, wsz, &m, &info), -EINVAL); /* an empty sequence */
    bad = s;
    uint8_t c2[6] = {1, 0, 2, 1, 0, 1};
    bad.correct = c2;
    assert_int_equal(bkt_fit(&bad, &o, ws, wsz, &m, &info), -EINVAL); /* not 0/1 */
    struct bkt_fit_options ob = o;
    ob.tol = NAN;
    assert_int_equal(bkt_fit(&s, &ob, ws, wsz, &m, &info), -EINVAL);
    ob = o;
    ob.max_guess = 0.5;
    assert_int_equal(bkt_fit(&s, &ob, ws, wsz, &m, &info), -EINVAL);
    ob = o;
    ob.restarts = 0;
    assert_int_equal(bkt_fit(&s, &ob, ws, wsz, &m, &info), -EINVAL);
    ob = o;
    ob.idem = true; /* no items */
    assert_int_equal(bkt_fit(&s, &ob, ws, wsz, &m, &info), -EINVAL);
    ob = o;
    ob.two_class = true; /* no classes */
    assert_int_equal(bkt_fit(&s, &ob, ws, wsz, &m, &info), -EINVAL);
    double ll;
    struct bkt_model nanm = {.p = {.prior = NAN, .learn = 0.1, .guess = 0.1, .slip = 0.1}};
    assert_int_equal(bkt_loglik(&s, &nanm, ws, wsz, &ll), -EINVAL);
    free(ws);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_update_matches_bayes_rule),
        cmocka_unit_test(test_mastery_recovers_after_long_run_issue_params),
        cmocka_unit_test(test_thirty_wrong_after_forty_right_lower_mastery),
        cmocka_unit_test(test_loglik_equals_exact_reference),
        cmocka_unit_test(test_correct_answer_raises_mastery),
        cmocka_unit_test(test_update_rejects_bad_values),
        cmocka_unit_test(test_estep_matches_brute_force),
        cmocka_unit_test(test_estep_matches_brute_force_two_class),
        cmocka_unit_test(test_estep_matches_brute_force_idem),
        cmocka_unit_test(test_long_sequence_does_not_underflow),
        cmocka_unit_test(test_em_never_decreases_likelihood),
        cmocka_unit_test(test_em_never_decreases_on_long_sequences),
        cmocka_unit_test(test_em_decrease_is_an_error),
        cmocka_unit_test(test_parameter_recovery),
        cmocka_unit_test(test_parameter_recovery_with_forgetting),
        cmocka_unit_test(test_two_class_prior_recovery),
        cmocka_unit_test(test_idem_separates_items),
        cmocka_unit_test(test_bounds_keep_guess_and_slip_below_half),
        cmocka_unit_test(test_fit_rejects_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

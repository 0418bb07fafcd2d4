/*
 * Bayesian Knowledge Tracing: one hidden binary state per student and skill
 * (mastered or not), one observed answer per practice opportunity.
 *
 * Online: bkt_update() folds one answer into a student's state in
 * constant time; bkt_state_p_correct() predicts the next answer.
 *
 * Precision: the state carries P(mastered) and P(not mastered) as two
 * numbers, and every step computes each of them without subtracting from 1
 * (forward and backward passes included). A single P(mastered) cannot
 * hold P(not mastered) below about 1e-16: after a couple of dozen correct
 * answers it rounds to exactly 1.0, and from there, without forgetting, no
 * run of wrong answers could ever lower it again. With both carried, a
 * learner's state is exact to a few ulps relative to either probability,
 * however long the sequence.
 *
 * Fitting: bkt_fit() estimates one skill's parameters by EM (Baum-Welch)
 * from that skill's answer sequences, with several random starts raced for a
 * few iterations before the best one continues to convergence. Variants:
 * forgetting (P(F) > 0), KT-IDEM (guess and slip per item, pulled toward the
 * skill's by a Beta prior) and a prior per student class (two classes, the
 * class given per sequence). Guess and slip stay below the bounds given
 * (below 0.5) and learn + forget at most 1, so a correct answer never
 * lowers P(mastered).
 *
 * The E-step runs over a prefix tree of the sequences (identical prefixes
 * share their forward pass and their backward sums), in depth order, with
 * scaled forward variables; all of it lives in a workspace the caller
 * provides (bkt_workspace_size()).
 *
 * Pure and reentrant: no I/O, no allocation, no globals. Every function
 * that takes input it did not make checks it and returns -EINVAL for NaN,
 * out-of-range or inconsistent values.
 */
#ifndef TRELLIS_CORE_BKT_H
#define TRELLIS_CORE_BKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One skill's parameters; all are probabilities. */
struct bkt_params {
    double prior;  /* P(L1): mastered before the first answer */
    double learn;  /* P(T): not mastered -> mastered after an opportunity */
    double forget; /* P(F): mastered -> not mastered (0 in standard BKT) */
    double guess;  /* P(G): correct while not mastered */
    double slip;   /* P(S): wrong while mastered */
};

/*
 * A fitted skill. With KT-IDEM, item_guess/item_slip point to n_items
 * values each (storage owned by whoever filled the model) and replace
 * p.guess/p.slip for answers to a known item. With classes,
 * class_prior[c] replaces p.prior for a sequence of class c; p.prior is
 * then the mixture (used when the class is unknown).
 */
struct bkt_model {
    struct bkt_params p;
    bool has_classes;
    double class_prior[2];
    uint32_t n_items;
    double *item_guess;
    double *item_slip;
};

/*
 * 0 if every parameter is a probability, guess + slip < 1 and learn +
 * forget <= 1 (together: a correct answer never lowers P(mastered)), else
 * -EINVAL.
 */
int bkt_params_check(const struct bkt_params *p);

/* P(correct) for a student with P(mastered) = p_mastery. No checks (hot path). */
static inline double bkt_p_correct(double p_mastery, double guess, double slip)
{
    return p_mastery * (1.0 - slip) + (1.0 - p_mastery) * guess;
}

/*
 * A learner's state on one skill at the next opportunity: P(mastered) and
 * P(not mastered). They sum to 1, but each is kept to full relative
 * precision, so the smaller one is never lost to rounding (see above).
 */
struct bkt_state {
    double mastered;
    double unmastered;
};

/* The state before the first answer: {prior, 1 - prior}. No checks. */
static inline struct bkt_state bkt_state_prior(double prior)
{
    return (struct bkt_state){.mastered = prior, .unmastered = 1.0 - prior};
}

/* P(correct) at the next opportunity. No checks (hot path). */
static inline double bkt_state_p_correct(const struct bkt_state *st, double guess, double slip)
{
    return st->mastered * (1.0 - slip) + st->unmastered * guess;
}

/*
 * 0 if both parts of *st are probabilities that sum to 1 within 1e-9, else
 * -EINVAL (NaN included).
 */
int bkt_state_check(const struct bkt_state *st);

/*
 * Fold one answer into *st: Bayes' rule on the answer, then the
 * learn/forget transition, each part of the state computed from sums of
 * products (never as 1 minus the other part), then both divided by their
 * sum. guess and slip are those of the item answered. Returns 0, or
 * -EINVAL (nothing written) if *st fails bkt_state_check(), a parameter is
 * not a probability, or the model calls the answer impossible.
 */
int bkt_update_gs(struct bkt_state *st, bool correct, double guess, double slip, double learn,
                  double forget);
int bkt_update(const struct bkt_params *p, struct bkt_state *st, bool correct);

/* Guess and slip of an item under a model (the skill's for unknown items). */
void bkt_model_emission(const struct bkt_model *m, uint32_t item, double *ret_guess,
                        double *ret_slip);
/* The starting P(mastered) for a sequence of class cls (-1: unknown). */
double bkt_model_prior(const struct bkt_model *m, int cls);

/*
 * One skill's answers, grouped in sequences (one per student, in order).
 * Arrays are borrowed. seq_start has n_seqs + 1 increasing offsets with
 * seq_start[0] = 0 and seq_start[n_seqs] = n_answers; no sequence is empty.
 * item (< n_items) and seq_class (0 or 1) may be NULL.
 */
struct bkt_seqs {
    const uint8_t *correct;
    const uint32_t *item;
    const uint32_t *seq_start;
    const uint8_t *seq_class;
    uint32_t n_answers;
    uint32_t n_seqs;
    uint32_t n_items;
};

/* 0 or -EINVAL: checks the shape and every value of s (O(n)). */
int bkt_seqs_check(const struct bkt_seqs *s);

struct bkt_fit_options {
    bool forget;        /* fit P(F); otherwise it is 0 */
    bool idem;          /* KT-IDEM: guess and slip per item (needs s->item) */
    bool two_class;     /* a prior per class (needs s->seq_class) */
    unsigned restarts;  /* starts, >= 1: the first six are fixed (bkt.c), the rest random */
    unsigned race_iter; /* E-steps every start gets before only the best one continues */
    unsigned max_iter;  /* E-steps in all for the best start (and again for KT-IDEM) */
    double tol;         /* converged when the log-likelihood gains less than tol per answer */
                        /*   (a loss beyond rounding is an error: see bkt_em_progress()) */
    double max_guess;   /* upper bounds, in (0, 0.5): guess + slip stays below 1 */
    double max_slip;
    double idem_weight; /* KT-IDEM: Beta prior worth this many answers, centred on the skill */
    uint64_t seed;      /* for the random starts */
    double *trace;      /* NULL, or room for trace_cap objectives: with restarts == 1, */
    unsigned trace_cap; /*   the objective at every accepted EM iterate, in order */
};

#define BKT_FIT_DEFAULTS                           \
    ((struct bkt_fit_options){.forget = false,     \
                              .idem = false,       \
                              .two_class = false,  \
                              .restarts = 6,       \
                              .race_iter = 9,      \
                              .max_iter = 300,     \
                              .tol = 1e-8,         \
                              .max_guess = 0.49,   \
                              .max_slip = 0.49,    \
                              .idem_weight = 10.0, \
                              .seed = 1})

/* What a fit did. */
struct bkt_fit_info {
    double loglik;       /* log-likelihood of the answers under the fitted model */
    double objective;    /* what EM maximised: loglik plus the KT-IDEM prior's log density */
    unsigned iterations; /* EM iterations of the winning start */
    unsigned best_start; /* which start won (0 = the fixed default start) */
    bool converged;      /* stopped by tol rather than max_iter */
    unsigned trace_len;  /* objectives written to o->trace */
};

/*
 * Bytes of workspace bkt_fit()/bkt_loglik()/bkt_estep() need for s with
 * these options (or 0 if s is too large to index). Workspace can be reused
 * across calls and across skills of at most that size.
 */
size_t bkt_workspace_size(const struct bkt_seqs *s, const struct bkt_fit_options *o);

/*
 * The stopping rule between two EM iterates whose objectives are prev and
 * cur, over n_answers answers: 1 (converged) if cur gained less than tol
 * per answer, 0 (go on) if it gained more, and -EDOM if it lost more than
 * rounding can explain (1e-10 relative to |prev|, plus 1e-12 per answer).
 * EM never lowers the likelihood, so a loss means the E-step is computing
 * something else (lost precision, a bug): it is an error, never
 * convergence. prev = -INFINITY (the first iterate) gives 0.
 */
int bkt_em_progress(double prev, double cur, double tol, uint32_t n_answers);

/*
 * Fit one skill. On success fills *ret_model (and, with KT-IDEM,
 * ret_model->item_guess/item_slip, which the caller points to n_items
 * doubles each before the call) and *ret_info, and returns 0. -EINVAL for
 * bad input or options, -ENOSPC if the workspace is too small, -EDOM if an
 * EM iteration lowered the objective (bkt_em_progress()).
 */
int bkt_fit(const struct bkt_seqs *s, const struct bkt_fit_options *o, void *ws, size_t ws_size,
            struct bkt_model *ret_model, struct bkt_fit_info *ret_info);

/* Log-likelihood of s under m (forward pass only). 0, -EINVAL or -ENOSPC. */
int bkt_loglik(const struct bkt_seqs *s, const struct bkt_model *m, void *ws, size_t ws_size,
               double *ret_loglik);

/*
 * Expected sufficient statistics of one E-step (for tests and diagnostics):
 * summed over all sequences, the posterior expected number of
 * mastered first states, of each transition, and of each emission.
 */
struct bkt_counts {
    double loglik;
    double first[2];    /* [state] at the first answer */
    double trans[2][2]; /* [from][to] */
    double emit[2][2];  /* [state][correct] */
};
int bkt_estep(const struct bkt_seqs *s, const struct bkt_model *m, void *ws, size_t ws_size,
              struct bkt_counts *ret);

#endif

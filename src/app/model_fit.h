/*
 * Fitting the learner model to answer logs (kt_data, see model_data.h):
 * BKT per skill across threads, predictions, cross-validation by student,
 * IRT calibration, and the PARAMS.json / OUT.csv files of `trellis fit`.
 *
 * The computation is src/core (bkt.h, irt.h, metrics.h); this file owns
 * threads, memory and files. Threads: one fit uses its own worker threads
 * and joins them before returning; separate fits are independent.
 */
#ifndef TRELLIS_APP_MODEL_FIT_H
#define TRELLIS_APP_MODEL_FIT_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "app/model_data.h"
#include "core/bkt.h"
#include "core/irt.h"
#include "core/metrics.h"

/* ---- BKT ------------------------------------------------------------------------ */

struct bkt_job {
    struct bkt_fit_options fit; /* core options; seed is mixed with each skill's index */
    unsigned threads;           /* worker threads; 0: one per online CPU */
};

struct bkt_skill_fit {
    bool fitted;
    struct bkt_model model;
    struct bkt_fit_info info;
    uint32_t n_answers, n_seqs;
    const uint32_t *items; /* KT-IDEM: the global item ids of model.item_guess/slip */
};

struct bkt_result {
    uint32_t n_skills;           /* kt_data.skills.n of the training data */
    struct bkt_skill_fit *skill; /* by training skill index */
    struct bkt_model fallback;   /* for skills without training answers: answer-weighted mean */
    double loglik;
    uint32_t n_answers, n_fitted;
    /* storage */
    double *item_params;
    uint32_t *item_ids;
};

/*
 * Fit every skill of d (only users with keep[user] != 0 when keep is
 * given). 0, or a negative errno with err naming the skill and the reason.
 */
int model_bkt_fit(const struct kt_data *d, const uint8_t *keep, const struct bkt_job *job,
                  struct bkt_result *ret, char *err, size_t errsz);
void model_bkt_result_release(struct bkt_result *r);

/*
 * P(correct) of every answer of test, predicted before the answer is seen,
 * into ret_p (test->n values, file order); answers of users with
 * keep[user] == 0 are left alone. Skills (and items) are matched to the
 * training data by label.
 */
int model_bkt_predict(const struct bkt_result *fit, const struct kt_data *train,
                      const struct kt_data *test, const uint8_t *keep, double *ret_p);

/*
 * k-fold cross-validation by student: each fold's answers predicted by a
 * model fitted on the other folds, into ret_p (d->n values).
 */
int model_bkt_crossvalidate(const struct kt_data *d, unsigned folds, const struct bkt_job *job,
                            double *ret_p, char *err, size_t errsz);

/* Metrics of p against the answers of d (all answers). */
int model_score(const struct kt_data *d, const double *p, struct metrics *ret);

/* PARAMS.json for a BKT fit; metrics may be NULL (left out). New reference or NULL. */
json_t *model_bkt_json(const struct kt_data *train, const struct bkt_result *fit,
                       const struct bkt_job *job, const struct metrics *train_m,
                       const struct metrics *cv_m, unsigned folds, const struct metrics *test_m);

/* ---- IRT ------------------------------------------------------------------------ */

struct irt_result {
    enum irt_model model;
    uint32_t n_items, n_persons;
    struct irt_item *item; /* by item index (the item, or skill, labels of the data) */
    uint32_t *item_n;      /* responses per item */
    double *theta, *se;    /* EAP ability and its standard error, by user */
    struct irt_fit_info info;
};

/*
 * Calibrate items (the item column, or the skill/dkt tag when there is
 * none) and score every user. 0 or a negative errno with err set.
 */
int model_irt_fit(const struct kt_data *d, const struct irt_options *o, struct irt_result *ret,
                  char *err, size_t errsz);
void model_irt_result_release(struct irt_result *r);
json_t *model_irt_json(const struct kt_data *d, const struct irt_result *r);

/* The number of online CPUs (at least 1): the default number of threads. */
unsigned model_online_cpus(void);

/* ---- files ---------------------------------------------------------------------- */

/* Write JSON to path atomically (temporary file, fsync, rename). 0 or -errno. */
int model_write_json(const char *path, json_t *doc);
/* OUT.csv: student,skill,correct,p_correct for every answer of d in file order. */
int model_write_predictions(const char *path, const struct kt_data *d, const double *p);

#endif

/*
 * trellis fit bkt | fit irt: fit the learner model to an answer log file
 * and write its parameters (PARAMS.json) and, for BKT, predictions for a
 * test file (OUT.csv). Formats: see src/app/model_data.h.
 */
#include "base/common.h"

#include <stdio.h>
#include <time.h>

#include "app/model_fit.h"
#include "base/mem.h"
#include "base/str.h"
#include "cli/cli.h"
#include "cli/commands.h"

struct args {
    const char *input, *out, *test, *predictions;
    enum kt_format format;
    bool forget, idem, two_priors;
    int64_t restarts, folds, threads, seed, quad;
    enum irt_model irt_model;
};

#define ARGS struct args

static const struct args defaults = {
    .format = KT_FORMAT_AUTO, .restarts = 6, .seed = 1, .quad = 61, .irt_model = IRT_2PL};

static int parse_format(void *field, const char *value, char *why, size_t n)
{
    enum kt_format *f = field;
    if (strcmp(value, "dkt") == 0)
        *f = KT_FORMAT_DKT;
    else if (strcmp(value, "csv") == 0)
        *f = KT_FORMAT_CSV;
    else {
        snprintf(why, n, "'%s' is not dkt or csv", value);
        return -EINVAL;
    }
    return 0;
}

static int parse_model(void *field, const char *value, char *why, size_t n)
{
    enum irt_model *m = field;
    if (strcmp(value, "rasch") == 0)
        *m = IRT_RASCH;
    else if (strcmp(value, "2pl") == 0)
        *m = IRT_2PL;
    else {
        snprintf(why, n, "'%s' is not rasch or 2pl", value);
        return -EINVAL;
    }
    return 0;
}

/* the entries both tables have */
/* clang-format off */
#define OPTION_INPUT                                                                               \
    {"input", CLI_STRING(ARGS, input), .arg = "FILE", .flags = CLI_REQUIRED,                       \
     .help = "the answer log (dkt: three lines per student; csv: user, skill, correct, order, "    \
             "optional item)"}
#define OPTION_FORMAT                                                                              \
    {"format", CLI_CALL(ARGS, format, parse_format), .arg = "dkt|csv",                             \
     .help = "the log's format (default: dkt if its first line is a number)"}
#define OPTION_THREADS                                                                             \
    {"threads", CLI_INT(ARGS, threads, 1, 64), .arg = "N",                                         \
     .help = "threads to fit on; without it, one per processor"}
#define OPTION_OUT                                                                                 \
    {"out", CLI_STRING(ARGS, out), .arg = "PARAMS.json", .flags = CLI_REQUIRED,                   \
     .help = "where to write the parameters and metrics"}
/* clang-format on */

static const struct cli_option bkt_options[] = {
    OPTION_INPUT,
    OPTION_FORMAT,
    {"forget", CLI_BOOL(ARGS, forget), .help = "fit a forgetting rate too"},
    {"idem", CLI_BOOL(ARGS, idem),
     .help = "guess and slip per item (KT-IDEM; needs an item column)"},
    {"two-priors", CLI_BOOL(ARGS, two_priors), .help = "two classes of students, each its prior"},
    {"restarts", CLI_INT(ARGS, restarts, 1, 1000), .arg = "N",
     .help = "EM runs from random starts per skill"},
    {"folds", CLI_INT(ARGS, folds, 2, 1000), .arg = "K",
     .help = "also cross-validate over K folds by student"},
    OPTION_THREADS,
    {"seed", CLI_INT(ARGS, seed, 0, INT64_MAX), .arg = "N", .help = "the random starts' seed"},
    OPTION_OUT,
    {"test", CLI_STRING(ARGS, test), .arg = "FILE", .help = "score the fit on this answer log"},
    {"predictions", CLI_STRING(ARGS, predictions), .arg = "OUT.csv",
     .help = "write every test answer's prediction, made before it is seen (needs --test)"},
    {0},
};

static const struct cli_option irt_options[] = {
    OPTION_INPUT,
    OPTION_FORMAT,
    {"model", CLI_CALL(ARGS, irt_model, parse_model), .arg = "rasch|2pl", .flags = CLI_REQUIRED,
     .help = "Rasch (difficulty) or 2PL (difficulty and discrimination)"},
    {"quadrature", CLI_INT(ARGS, quad, 5, 101), .arg = "N",
     .help = "quadrature points over ability"},
    OPTION_THREADS,
    OPTION_OUT,
    {0},
};

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int bkt_check(const struct cli_run *run)
{
    const struct args *a = run->args;
    if (a->predictions && !a->test)
        return cli_usage_error(run->cmd, "--predictions needs --test FILE");
    return EXIT_OK;
}

static void print_metrics(const char *what, const struct metrics *m)
{
    printf("%s: AUC %.4f  RMSE %.4f  log-loss %.4f  accuracy %.4f  (%u answers)\n", what, m->auc,
           m->rmse, m->logloss, m->accuracy, m->n);
}

static int bkt_run(struct cli_run *run)
{
    const char *cmd = run->cmd;
    const struct args *a = run->args;
    struct kt_data train = {0}, test = {0};
    struct bkt_result fit = {0};
    struct metrics train_m, cv_m, test_m;
    struct bkt_job job;
    double *p_train = NULL, *p_cv = NULL, *p_test = NULL, t0, t1;
    json_t *doc = NULL;
    char err[600];
    int r, rc = EXIT_FAIL;

    if (kt_load_file(a->input, a->format, &train, err, sizeof(err)) < 0)
        return cli_fail(cmd, "%s", err);
    if (a->test && kt_load_file(a->test, a->format, &test, err, sizeof(err)) < 0) {
        kt_data_release(&train);
        return cli_fail(cmd, "%s", err);
    }
    if (a->idem && !train.item) {
        rc = cli_fail(cmd, "--idem: '%s' has no item column (KT-IDEM fits guess and slip per item)",
                      a->input);
        goto out;
    }
    job.fit = BKT_FIT_DEFAULTS;
    job.fit.forget = a->forget;
    job.fit.idem = a->idem;
    job.fit.two_class = a->two_priors;
    job.fit.restarts = (unsigned)a->restarts;
    job.fit.seed = (uint64_t)a->seed;
    job.threads = (unsigned)a->threads;

    t0 = now_s();
    r = model_bkt_fit(&train, NULL, &job, &fit, err, sizeof(err));
    t1 = now_s();
    if (r < 0) {
        rc = cli_fail(cmd, "%s: %s", a->input, err);
        goto out;
    }
    printf("fitted %u skills from %u answers of %u students in %.3f s (%u restarts%s%s%s, %u "
           "threads)\n",
           fit.n_fitted, train.n, train.n_users, t1 - t0, job.fit.restarts,
           a->forget ? ", forgetting" : "", a->idem ? ", KT-IDEM" : "",
           a->two_priors ? ", two priors" : "", job.threads ? job.threads : model_online_cpus());

    p_train = mem_alloc((size_t)train.n * sizeof(double));
    if (!p_train || model_bkt_predict(&fit, &train, &train, NULL, p_train) < 0 ||
        model_score(&train, p_train, &train_m) < 0) {
        rc = cli_fail(cmd, "out of memory");
        goto out;
    }
    print_metrics("train", &train_m);
    if (a->folds) {
        p_cv = mem_alloc((size_t)train.n * sizeof(double));
        if (!p_cv) {
            rc = cli_fail(cmd, "out of memory");
            goto out;
        }
        r = model_bkt_crossvalidate(&train, (unsigned)a->folds, &job, p_cv, err, sizeof(err));
        if (r < 0) {
            rc = cli_fail(cmd, "%s", err);
            goto out;
        }
        if (model_score(&train, p_cv, &cv_m) < 0) {
            rc = cli_fail(cmd, "out of memory");
            goto out;
        }
        char what[40];
        snprintf(what, sizeof(what), "cv (%lld folds by student)", (long long)a->folds);
        print_metrics(what, &cv_m);
    }
    if (a->test) {
        p_test = mem_alloc((size_t)test.n * sizeof(double));
        if (!p_test || model_bkt_predict(&fit, &train, &test, NULL, p_test) < 0 ||
            model_score(&test, p_test, &test_m) < 0) {
            rc = cli_fail(cmd, "out of memory");
            goto out;
        }
        print_metrics("test", &test_m);
    }
    doc = model_bkt_json(&train, &fit, &job, &train_m, a->folds ? &cv_m : NULL, (unsigned)a->folds,
                         a->test ? &test_m : NULL);
    if (!doc) {
        rc = cli_fail(cmd, "out of memory");
        goto out;
    }
    r = model_write_json(a->out, doc);
    if (r < 0) {
        rc = cli_fail(cmd, "cannot write '%s': %s", a->out, strerror(-r));
        goto out;
    }
    printf("wrote %s\n", a->out);
    if (a->predictions) {
        r = model_write_predictions(a->predictions, &test, p_test);
        if (r < 0) {
            rc = cli_fail(cmd, "cannot write '%s': %s", a->predictions, strerror(-r));
            goto out;
        }
        printf("wrote %s\n", a->predictions);
    }
    rc = EXIT_OK;
out:
    json_decref(doc);
    mem_free(p_train);
    mem_free(p_cv);
    mem_free(p_test);
    model_bkt_result_release(&fit);
    kt_data_release(&train);
    kt_data_release(&test);
    return rc;
}

static int irt_run(struct cli_run *run)
{
    const char *cmd = run->cmd;
    const struct args *a = run->args;
    struct kt_data data = {0};
    struct irt_result res = {0};
    struct irt_options o = IRT_DEFAULTS;
    json_t *doc = NULL;
    double t0, t1;
    char err[600];
    int r, rc = EXIT_FAIL;

    if (kt_load_file(a->input, a->format, &data, err, sizeof(err)) < 0)
        return cli_fail(cmd, "%s", err);
    o.model = a->irt_model;
    o.n_quad = (unsigned)a->quad;
    o.parts = a->threads ? (unsigned)a->threads : model_online_cpus();
    if (o.parts > IRT_MAX_PARTS)
        o.parts = IRT_MAX_PARTS;
    t0 = now_s();
    r = model_irt_fit(&data, &o, &res, err, sizeof(err));
    t1 = now_s();
    if (r < 0) {
        rc = cli_fail(cmd, "%s: %s", a->input, err);
        goto out;
    }
    printf("calibrated %u items (%s) from %u answers of %u students in %.3f s: %u E-steps%s, "
           "log-likelihood %.4f\n",
           res.n_items, o.model == IRT_RASCH ? "Rasch" : "2PL", data.n, data.n_users, t1 - t0,
           res.info.iterations, res.info.converged ? "" : " (not converged)", res.info.loglik);
    if (res.info.n_bounded)
        printf("%u items ended on a bound (answered all right or all wrong, or not "
               "discriminating)\n",
               res.info.n_bounded);
    doc = model_irt_json(&data, &res);
    if (!doc) {
        rc = cli_fail(cmd, "out of memory");
        goto out;
    }
    r = model_write_json(a->out, doc);
    if (r < 0) {
        rc = cli_fail(cmd, "cannot write '%s': %s", a->out, strerror(-r));
        goto out;
    }
    printf("wrote %s\n", a->out);
    rc = EXIT_OK;
out:
    json_decref(doc);
    model_irt_result_release(&res);
    kt_data_release(&data);
    return rc;
}

const struct cli_spec cmd_fit_bkt = {
    .options = bkt_options,
    .args_size = sizeof(struct args),
    .defaults = &defaults,
    .check = bkt_check,
    .run = bkt_run,
};

const struct cli_spec cmd_fit_irt = {
    .options = irt_options,
    .args_size = sizeof(struct args),
    .defaults = &defaults,
    .run = irt_run,
};

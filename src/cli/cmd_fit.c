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

enum {
    OPT_INPUT = 1000,
    OPT_FORMAT,
    OPT_FORGET,
    OPT_RESTARTS,
    OPT_FOLDS,
    OPT_THREADS,
    OPT_OUT,
    OPT_TEST,
    OPT_PREDICTIONS,
    OPT_IDEM,
    OPT_TWO_PRIORS,
    OPT_SEED,
    OPT_MODEL,
    OPT_QUAD,
    OPT_HELP,
};

static const struct option opts[] = {
    {"input", required_argument, NULL, OPT_INPUT},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"forget", no_argument, NULL, OPT_FORGET},
    {"restarts", required_argument, NULL, OPT_RESTARTS},
    {"folds", required_argument, NULL, OPT_FOLDS},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"out", required_argument, NULL, OPT_OUT},
    {"test", required_argument, NULL, OPT_TEST},
    {"predictions", required_argument, NULL, OPT_PREDICTIONS},
    {"idem", no_argument, NULL, OPT_IDEM},
    {"two-priors", no_argument, NULL, OPT_TWO_PRIORS},
    {"seed", required_argument, NULL, OPT_SEED},
    {"model", required_argument, NULL, OPT_MODEL},
    {"quadrature", required_argument, NULL, OPT_QUAD},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

struct args {
    const char *input, *out, *test, *predictions;
    enum kt_format format;
    bool forget, idem, two_priors, irt_model_set;
    int64_t restarts, folds, threads, seed, quad;
    enum irt_model irt_model;
};

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int int_arg(const char *cmd, const char *flag, const char *v, int64_t lo, int64_t hi,
                   int64_t *ret)
{
    int r = str_to_int64(str_from(v), lo, hi, ret);
    if (r < 0) {
        cli_usage_error(cmd, "--%s: '%s' is not a whole number from %lld to %lld", flag, v,
                        (long long)lo, (long long)hi);
        return r;
    }
    return 0;
}

/* Parse the flags both commands share, and theirs; EXIT_OK to go on, else the exit status. */
static int parse(const char *cmd, bool irt, int argc, char **argv, struct args *a)
{
    int c;

    *a = (struct args){.format = KT_FORMAT_AUTO,
                       .restarts = 6,
                       .threads = 0,
                       .seed = 1,
                       .quad = 61,
                       .irt_model = IRT_2PL};
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case OPT_INPUT:
            a->input = optarg;
            break;
        case OPT_OUT:
            a->out = optarg;
            break;
        case OPT_FORMAT:
            if (strcmp(optarg, "dkt") == 0)
                a->format = KT_FORMAT_DKT;
            else if (strcmp(optarg, "csv") == 0)
                a->format = KT_FORMAT_CSV;
            else
                return cli_usage_error(cmd, "--format: '%s' is not dkt or csv", optarg);
            break;
        case OPT_THREADS:
            if (int_arg(cmd, "threads", optarg, 1, 64, &a->threads) < 0)
                return EXIT_USAGE;
            break;
        case OPT_HELP:
            cli_print_usage(cmd, stderr);
            return -1;
        case OPT_FORGET:
        case OPT_IDEM:
        case OPT_TWO_PRIORS:
        case OPT_RESTARTS:
        case OPT_FOLDS:
        case OPT_TEST:
        case OPT_PREDICTIONS:
        case OPT_SEED:
            if (irt)
                return cli_usage_error(cmd, "'%s' is an option of `trellis fit bkt`",
                                       argv[optind - 1]);
            if (c == OPT_FORGET)
                a->forget = true;
            else if (c == OPT_IDEM)
                a->idem = true;
            else if (c == OPT_TWO_PRIORS)
                a->two_priors = true;
            else if (c == OPT_TEST)
                a->test = optarg;
            else if (c == OPT_PREDICTIONS)
                a->predictions = optarg;
            else if (c == OPT_RESTARTS &&
                     int_arg(cmd, "restarts", optarg, 1, 1000, &a->restarts) < 0)
                return EXIT_USAGE;
            else if (c == OPT_FOLDS && int_arg(cmd, "folds", optarg, 2, 1000, &a->folds) < 0)
                return EXIT_USAGE;
            else if (c == OPT_SEED && int_arg(cmd, "seed", optarg, 0, INT64_MAX, &a->seed) < 0)
                return EXIT_USAGE;
            break;
        case OPT_MODEL:
        case OPT_QUAD:
            if (!irt)
                return cli_usage_error(cmd, "'%s' is an option of `trellis fit irt`",
                                       argv[optind - 1]);
            if (c == OPT_QUAD) {
                if (int_arg(cmd, "quadrature", optarg, 5, 101, &a->quad) < 0)
                    return EXIT_USAGE;
            } else if (strcmp(optarg, "rasch") == 0) {
                a->irt_model = IRT_RASCH;
                a->irt_model_set = true;
            } else if (strcmp(optarg, "2pl") == 0) {
                a->irt_model = IRT_2PL;
                a->irt_model_set = true;
            } else {
                return cli_usage_error(cmd, "--model: '%s' is not rasch or 2pl", optarg);
            }
            break;
        default:
            return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (!a->input)
        return cli_usage_error(cmd, "--input FILE is required");
    if (!a->out)
        return cli_usage_error(cmd, "--out PARAMS.json is required");
    if (irt && !a->irt_model_set)
        return cli_usage_error(cmd, "--model rasch|2pl is required");
    if (a->predictions && !a->test)
        return cli_usage_error(cmd, "--predictions needs --test FILE");
    return EXIT_OK;
}

static void print_metrics(const char *what, const struct metrics *m)
{
    printf("%s: AUC %.4f  RMSE %.4f  log-loss %.4f  accuracy %.4f  (%u answers)\n", what, m->auc,
           m->rmse, m->logloss, m->accuracy, m->n);
}

int cmd_fit_bkt(int argc, char **argv)
{
    const char *cmd = "fit bkt";
    struct args a;
    struct kt_data train = {0}, test = {0};
    struct bkt_result fit = {0};
    struct metrics train_m, cv_m, test_m;
    struct bkt_job job;
    double *p_train = NULL, *p_cv = NULL, *p_test = NULL, t0, t1;
    json_t *doc = NULL;
    char err[600];
    int r, rc = EXIT_FAIL;

    r = parse(cmd, false, argc, argv, &a);
    if (r != EXIT_OK)
        return r < 0 ? EXIT_OK : r;
    if (kt_load_file(a.input, a.format, &train, err, sizeof(err)) < 0)
        return cli_fail(cmd, "%s", err);
    if (a.test && kt_load_file(a.test, a.format, &test, err, sizeof(err)) < 0) {
        kt_data_release(&train);
        return cli_fail(cmd, "%s", err);
    }
    if (a.idem && !train.item) {
        rc = cli_fail(cmd, "--idem: '%s' has no item column (KT-IDEM fits guess and slip per item)",
                      a.input);
        goto out;
    }
    job.fit = BKT_FIT_DEFAULTS;
    job.fit.forget = a.forget;
    job.fit.idem = a.idem;
    job.fit.two_class = a.two_priors;
    job.fit.restarts = (unsigned)a.restarts;
    job.fit.seed = (uint64_t)a.seed;
    job.threads = (unsigned)a.threads;

    t0 = now_s();
    r = model_bkt_fit(&train, NULL, &job, &fit, err, sizeof(err));
    t1 = now_s();
    if (r < 0) {
        rc = cli_fail(cmd, "%s: %s", a.input, err);
        goto out;
    }
    printf("fitted %u skills from %u answers of %u students in %.3f s (%u restarts%s%s%s, %u "
           "threads)\n",
           fit.n_fitted, train.n, train.n_users, t1 - t0, job.fit.restarts,
           a.forget ? ", forgetting" : "", a.idem ? ", KT-IDEM" : "",
           a.two_priors ? ", two priors" : "", job.threads ? job.threads : model_online_cpus());

    p_train = mem_alloc((size_t)train.n * sizeof(double));
    if (!p_train || model_bkt_predict(&fit, &train, &train, NULL, p_train) < 0 ||
        model_score(&train, p_train, &train_m) < 0) {
        rc = cli_fail(cmd, "out of memory");
        goto out;
    }
    print_metrics("train", &train_m);
    if (a.folds) {
        p_cv = mem_alloc((size_t)train.n * sizeof(double));
        if (!p_cv) {
            rc = cli_fail(cmd, "out of memory");
            goto out;
        }
        r = model_bkt_crossvalidate(&train, (unsigned)a.folds, &job, p_cv, err, sizeof(err));
        if (r < 0) {
            rc = cli_fail(cmd, "%s", err);
            goto out;
        }
        if (model_score(&train, p_cv, &cv_m) < 0) {
            rc = cli_fail(cmd, "out of memory");
            goto out;
        }
        char what[40];
        snprintf(what, sizeof(what), "cv (%lld folds by student)", (long long)a.folds);
        print_metrics(what, &cv_m);
    }
    if (a.test) {
        p_test = mem_alloc((size_t)test.n * sizeof(double));
        if (!p_test || model_bkt_predict(&fit, &train, &test, NULL, p_test) < 0 ||
            model_score(&test, p_test, &test_m) < 0) {
            rc = cli_fail(cmd, "out of memory");
            goto out;
        }
        print_metrics("test", &test_m);
    }
    doc = model_bkt_json(&train, &fit, &job, &train_m, a.folds ? &cv_m : NULL, (unsigned)a.folds,
                         a.test ? &test_m : NULL);
    if (!doc) {
        rc = cli_fail(cmd, "out of memory");
        goto out;
    }
    r = model_write_json(a.out, doc);
    if (r < 0) {
        rc = cli_fail(cmd, "cannot write '%s': %s", a.out, strerror(-r));
        goto out;
    }
    printf("wrote %s\n", a.out);
    if (a.predictions) {
        r = model_write_predictions(a.predictions, &test, p_test);
        if (r < 0) {
            rc = cli_fail(cmd, "cannot write '%s': %s", a.predictions, strerror(-r));
            goto out;
        }
        printf("wrote %s\n", a.predictions);
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

int cmd_fit_irt(int argc, char **argv)
{
    const char *cmd = "fit irt";
    struct args a;
    struct kt_data data = {0};
    struct irt_result res = {0};
    struct irt_options o = IRT_DEFAULTS;
    json_t *doc = NULL;
    double t0, t1;
    char err[600];
    int r, rc = EXIT_FAIL;

    r = parse(cmd, true, argc, argv, &a);
    if (r != EXIT_OK)
        return r < 0 ? EXIT_OK : r;
    if (kt_load_file(a.input, a.format, &data, err, sizeof(err)) < 0)
        return cli_fail(cmd, "%s", err);
    o.model = a.irt_model;
    o.n_quad = (unsigned)a.quad;
    o.parts = a.threads ? (unsigned)a.threads : model_online_cpus();
    if (o.parts > IRT_MAX_PARTS)
        o.parts = IRT_MAX_PARTS;
    t0 = now_s();
    r = model_irt_fit(&data, &o, &res, err, sizeof(err));
    t1 = now_s();
    if (r < 0) {
        rc = cli_fail(cmd, "%s: %s", a.input, err);
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
    r = model_write_json(a.out, doc);
    if (r < 0) {
        rc = cli_fail(cmd, "cannot write '%s': %s", a.out, strerror(-r));
        goto out;
    }
    printf("wrote %s\n", a.out);
    rc = EXIT_OK;
out:
    json_decref(doc);
    model_irt_result_release(&res);
    kt_data_release(&data);
    return rc;
}

/*
 * trellis model ...: the learner-model service from the server's command line.
 *   model rebuild --db PATH [--district SID]      forget every learner's state, apply all
 *                                                  stored statements again
 *   model fit --db PATH [--district SID] [--forget] [--restarts N] [--threads N]
 *                                                  fit each skill's BKT parameters to the
 *                                                  stored answers, then rebuild
 *   model show --db PATH --student SID [--district SID]   a learner's mastery per skill (JSON)
 * The commands act as the district's operator (audited).
 */
#include "base/common.h"

#include <jansson.h>
#include <stdio.h>

#include "app/access.h"
#include "app/model.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "store/db.h"
#include "store/store.h"
#include "store/store_people.h"

static const struct option opts[] = {
    {"db", required_argument, NULL, 'd'},       {"config", required_argument, NULL, 'c'},
    {"key-file", required_argument, NULL, 'k'}, {"district", required_argument, NULL, 'D'},
    {"student", required_argument, NULL, 's'},  {"forget", no_argument, NULL, 'f'},
    {"restarts", required_argument, NULL, 'r'}, {"threads", required_argument, NULL, 't'},
    {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
};

struct model_args {
    struct config cfg;
    const char *district, *student;
    bool forget;
    int64_t restarts, threads;
};

static int parse(const char *cmd, int argc, char **argv, struct model_args *a)
{
    const char *config_file = NULL;
    int c;

    memset(a, 0, sizeof(a[0]));
    a->restarts = 5;
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--config") == 0)
            config_file = argv[i + 1];
    if (cli_config_begin(&a->cfg, config_file) < 0)
        return EXIT_FAIL;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
        case 'k':
            if (cli_flag(&a->cfg, c == 'd' ? "db" : "key-file", optarg) < 0)
                return EXIT_USAGE;
            break;
        case 'D':
            a->district = optarg;
            break;
        case 's':
            a->student = optarg;
            break;
        case 'f':
            a->forget = true;
            break;
        case 'r':
            if (str_to_int64(str_from(optarg), 1, 100, &a->restarts) < 0)
                return cli_usage_error(cmd, "--restarts: '%s' is not a number from 1 to 100",
                                       optarg);
            break;
        case 't':
            if (str_to_int64(str_from(optarg), 0, 256, &a->threads) < 0)
                return cli_usage_error(cmd, "--threads: '%s' is not a number from 0 to 256",
                                       optarg);
            break;
        case 'c':
            break;
        case 'h':
            cli_print_usage(cmd, stderr);
            return -1;
        default:
            cli_print_usage(cmd, stderr);
            return EXIT_USAGE;
        }
    }
    if (optind < argc)
        return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (cli_config_finish(&a->cfg) < 0)
        return EXIT_USAGE;
    return EXIT_OK;
}

static int finish(struct model_args *a, int rc)
{
    config_release(&a->cfg);
    return rc < 0 ? EXIT_OK : rc;
}

int cmd_model_rebuild(int argc, char **argv)
{
    static const char cmd[] = "model rebuild";
    struct model_args a;
    struct cli_run run;
    int64_t applied = 0;
    int rc = parse(cmd, argc, argv, &a), r;

    if (rc != EXIT_OK)
        return finish(&a, rc);
    if (cli_run_open(&run, &a.cfg, a.district, "cli:model rebuild") < 0)
        return finish(&a, EXIT_FAIL);
    r = model_rebuild(&run.ctx, run.op.district_id, &applied);
    if (r < 0)
        rc = cli_run_fail(&run, cmd, r);
    else
        printf("learner model rebuilt: %lld answers applied\n", (long long)applied);
    cli_run_close(&run);
    return finish(&a, rc);
}

int cmd_model_fit(int argc, char **argv)
{
    static const char cmd[] = "model fit";
    struct model_args a;
    struct cli_run run;
    struct bkt_job job = {.fit = BKT_FIT_DEFAULTS};
    json_t *report = NULL;
    int rc = parse(cmd, argc, argv, &a), r;

    if (rc != EXIT_OK)
        return finish(&a, rc);
    job.fit.forget = a.forget;
    job.fit.restarts = (unsigned)a.restarts;
    job.threads = (unsigned)a.threads;
    if (cli_run_open(&run, &a.cfg, a.district, "cli:model fit") < 0)
        return finish(&a, EXIT_FAIL);
    r = model_fit_stored(&run.ctx, run.op.district_id, &job, &report);
    if (r < 0) {
        rc = cli_run_fail(&run, cmd, r);
    } else {
        json_dumpf(report, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
        putchar('\n');
        json_decref(report);
    }
    cli_run_close(&run);
    return finish(&a, rc);
}

int cmd_model_show(int argc, char **argv)
{
    static const char cmd[] = "model show";
    struct model_args a;
    struct cli_run run;
    struct db *db;
    int64_t user_id = 0;
    json_t *o = NULL;
    int rc = parse(cmd, argc, argv, &a), r;

    if (rc != EXIT_OK)
        return finish(&a, rc);
    if (!a.student)
        return finish(&a, cli_usage_error(cmd, "--student: required (the learner's sourcedId)"));
    if (cli_run_open(&run, &a.cfg, a.district, "cli:model show") < 0)
        return finish(&a, EXIT_FAIL);
    r = ctx_db(&run.ctx, &db);
    if (r == 0) {
        char *username = NULL;
        r = store_user_by_sourced_id(db, run.op.district_id, a.student, &user_id, &username);
        free(username);
        if (r == -ENOENT)
            r = ctx_fail(&run.ctx, -ENOENT, "--student: no person with sourcedId '%s'", a.student);
    }
    if (r == 0)
        r = model_mastery(&run.ctx, user_id, &o);
    if (r == 0) {
        /* the read is audited (durably) before anything is printed */
        r = access_settle(&run.ctx);
        if (r < 0)
            json_decref(o);
    }
    if (r < 0) {
        rc = cli_run_fail(&run, cmd, r);
    } else {
        json_dumpf(o, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
        putchar('\n');
        json_decref(o);
    }
    cli_run_close(&run);
    return finish(&a, rc);
}

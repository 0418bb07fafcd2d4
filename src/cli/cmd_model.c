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

struct model_args {
    const char *student;
    bool forget;
    int64_t restarts, threads;
};

#define ARGS struct model_args

static const struct model_args defaults = {.restarts = 5};

static const struct cli_option rebuild_options[] = {
    CLI_OPTION_DB, CLI_OPTION_DISTRICT, CLI_OPTION_KEY_FILE, CLI_OPTION_CONFIG, {0},
};

static const struct cli_option fit_options[] = {
    CLI_OPTION_DB,
    CLI_OPTION_DISTRICT,
    {"forget", CLI_BOOL(ARGS, forget), .help = "fit a forgetting rate too"},
    {"restarts", CLI_INT(ARGS, restarts, 1, 100), .arg = "N",
     .help = "EM runs from random starts per skill"},
    {"threads", CLI_INT(ARGS, threads, 0, 256), .arg = "N",
     .help = "threads to fit on (0: one per processor)"},
    CLI_OPTION_KEY_FILE,
    CLI_OPTION_CONFIG,
    {0},
};

static const struct cli_option show_options[] = {
    CLI_OPTION_DB,
    {"student", CLI_STRING(ARGS, student), .arg = "SID", .flags = CLI_REQUIRED,
     .help = "the learner (their sourcedId)"},
    CLI_OPTION_DISTRICT,
    CLI_OPTION_KEY_FILE,
    CLI_OPTION_CONFIG,
    {0},
};

static int rebuild_run(struct cli_run *run)
{
    int64_t applied = 0;
    int rc = EXIT_OK, r;

    r = model_rebuild(&run->ctx, run->op.district_id, &applied);
    if (r < 0)
        rc = cli_run_fail(run, r);
    else
        printf("learner model rebuilt: %lld answers applied\n", (long long)applied);
    return rc;
}

static int fit_run(struct cli_run *run)
{
    const struct model_args *a = run->args;
    struct bkt_job job = {.fit = BKT_FIT_DEFAULTS};
    json_t *report = NULL;
    int rc = EXIT_OK, r;

    job.fit.forget = a->forget;
    job.fit.restarts = (unsigned)a->restarts;
    job.threads = (unsigned)a->threads;
    r = model_fit_stored(&run->ctx, run->op.district_id, &job, &report);
    if (r < 0) {
        rc = cli_run_fail(run, r);
    } else {
        json_dumpf(report, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
        putchar('\n');
        json_decref(report);
    }
    return rc;
}

static int show_run(struct cli_run *run)
{
    const struct model_args *a = run->args;
    struct db *db;
    int64_t user_id = 0;
    json_t *o = NULL;
    int rc = EXIT_OK, r;

    r = ctx_db(&run->ctx, &db);
    if (r == 0) {
        char *username = NULL;
        r = store_user_by_sourced_id(db, run->op.district_id, a->student, &user_id, &username);
        free(username);
        if (r == -ENOENT)
            r = ctx_fail(&run->ctx, -ENOENT, "--student: no person with sourcedId '%s'",
                         a->student);
    }
    if (r == 0)
        r = model_mastery(&run->ctx, user_id, &o);
    if (r == 0) {
        /* the read is audited (durably) before anything is printed */
        r = access_settle(&run->ctx);
        if (r < 0)
            json_decref(o);
    }
    if (r < 0) {
        rc = cli_run_fail(run, r);
    } else {
        json_dumpf(o, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
        putchar('\n');
        json_decref(o);
    }
    return rc;
}

const struct cli_spec cmd_model_rebuild = {
    .options = rebuild_options,
    .args_size = sizeof(struct model_args),
    .defaults = &defaults,
    .open = CLI_OPEN_DISTRICT,
    .run = rebuild_run,
};

const struct cli_spec cmd_model_fit = {
    .options = fit_options,
    .args_size = sizeof(struct model_args),
    .defaults = &defaults,
    .open = CLI_OPEN_DISTRICT,
    .run = fit_run,
};

const struct cli_spec cmd_model_show = {
    .options = show_options,
    .args_size = sizeof(struct model_args),
    .defaults = &defaults,
    .open = CLI_OPEN_DISTRICT,
    .run = show_run,
};

/*
 * trellis init --db PATH: create a database with the current schema and,
 * beside it, the key file that seals sensitive fields (mode 0600). Never
 * overwrites an existing database or key. --demo adds the demo district
 * (app/demo.c; --students N scales it, --seed S varies it) and --logins
 * FILE writes its demo logins as JSON (mode 0600).
 */
#include "base/common.h"

#include <stdio.h>
#include <unistd.h>

#include "app/demo.h"
#include "base/arena.h"
#include "base/timeutil.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "store/store.h"

struct init_args {
    bool demo;
    int64_t students, seed, history_weeks;
    const char *logins;
};

#define ARGS struct init_args

static const struct init_args defaults = {.history_weeks = 6};

static const struct cli_option options[] = {
    {"db", CLI_SETTING, .arg = "PATH|URL", .flags = CLI_REQUIRED,
     .help = "the database to create: a SQLite file or a postgresql:// URL"},
    {"demo", CLI_BOOL(ARGS, demo), .help = "add the demo district"},
    {"students", CLI_INT(ARGS, students, 1, 10000000), .arg = "N",
     .help = "about N students in the demo district (default: about 600)"},
    {"seed", CLI_INT(ARGS, seed, 1, INT64_MAX), .arg = "S",
     .help = "another seed makes another demo district"},
    {"logins", CLI_STRING(ARGS, logins), .arg = "FILE",
     .help = "write the demo logins to FILE as JSON (mode 0600)"},
    {"history-weeks", CLI_INT(ARGS, history_weeks, 0, 52), .arg = "N",
     .help = "weeks of simulated practice for every demo student (default 6; 0: none)"},
    CLI_OPTION_KEY_FILE,
    CLI_OPTION_CONFIG,
    {0},
};

static int init_check(const struct cli_run *run)
{
    const struct init_args *a = run->args;
    if (!a->demo && (a->students || a->seed || a->logins || a->history_weeks != 6))
        return cli_usage_error(run->cmd,
                               "--students, --seed, --logins and --history-weeks go with --demo");
    return EXIT_OK;
}

static int init_run(struct cli_run *run)
{
    const struct init_args *a = run->args;
    const struct config *cfg = run->cfg;
    struct demo_opts dopt = {.with_passwords = true,
                             .students = (long)a->students,
                             .seed = (uint64_t)a->seed,
                             .history_weeks = (int)a->history_weeks};
    struct store *store = NULL;
    int rc = EXIT_FAIL;

    if (strncmp(cfg->db, "postgres", 8) != 0 && access(cfg->db, F_OK) == 0) {
        rc = cli_fail("init", "'%s' already exists; init never overwrites a database", cfg->db);
        goto out;
    }
    struct store_options so = {
        .create = true, .create_key = true, .pool_size = 4, .must_be_new = true};
    if (cli_open_store(cfg, &so, &store) < 0)
        goto out;
    char shown[1024];
    printf("created %s\n", cli_db_display(cfg->db, shown, sizeof(shown)));
    if (a->demo) {
        struct arena arena = ARENA_INIT;
        struct demo_set set;
        struct roster_report rep;
        struct ctx ctx;
        int64_t now = time_now_ms();
        int64_t y, day = now / 86400000;
        unsigned mo, d;
        int r;

        /* the school year under way (August to July), so the demo's sessions are current */
        time_civil_from_days(day, &y, &mo, &d);
        dopt.school_year = (int)(mo >= 8 ? y + 1 : y);
        ctx_init(&ctx, store, cfg, &arena, now, "init");
        struct principal op;
        principal_operator(&op, 0, "cli:init --demo");
        ctx.who = &op;
        ctx.client_addr = "local";
        /* the learners' xAPI accounts name the server as `make run` serves it */
        char base[300];
        if (cfg->base_url[0])
            snprintf(base, sizeof(base), "%s", cfg->base_url);
        else
            snprintf(base, sizeof(base), "http://%s", cfg->listen);
        dopt.base_url = base;
        r = demo_install(&ctx, &dopt, &set, &rep);
        ctx_release(&ctx);
        for (size_t i = 0; i < rep.n_errors; i++)
            fprintf(stderr, "%s\n", rep.errors[i]);
        if (r < 0) {
            rc = cli_fail("init", "the demo district: %s", ctx.err[0] ? ctx.err : strerror(-r));
        } else {
            printf("added the demo district '%s': %ld schools, %ld students, %ld teachers, "
                   "%ld guardians, %ld classes, %ld enrollments\n",
                   rep.district_name, set.n_schools, set.n_students, set.n_teachers,
                   set.n_guardians, set.n_classes, set.n_enrollments);
            if (dopt.history_weeks > 0)
                printf("simulated %d weeks of practice: %ld statements in %ld sessions of %ld "
                       "students (%ld never came), %ld skills mastered; the parameters of %ld "
                       "skills fitted to it\n",
                       dopt.history_weeks, set.history.statements, set.history.sessions,
                       set.history.active, set.history.absent, set.history.masteries,
                       set.history.fitted);
            if (a->logins) {
                r = demo_write_logins(&set, a->logins);
                if (r < 0)
                    rc = cli_fail("init", "cannot write '%s': %s", a->logins, strerror(-r));
                else
                    printf("wrote the demo logins to %s\n", a->logins);
            }
        }
        roster_report_release(&rep);
        demo_set_release(&set);
        arena_release(&arena);
        if (r < 0) {
            store_close(store);
            store = NULL;
            /* a half-made database helps nobody: init can be run again */
            (void)unlink(cfg->db);
            goto out;
        }
    }
    rc = EXIT_OK;
out:
    store_close(store);
    return rc;
}

const struct cli_spec cmd_init = {
    .options = options,
    .args_size = sizeof(struct init_args),
    .defaults = &defaults,
    .check = init_check,
    .run = init_run,
};

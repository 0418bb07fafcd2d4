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

static const struct option opts[] = {
    {"db", required_argument, NULL, 'd'},
    {"config", required_argument, NULL, 'c'},
    {"key-file", required_argument, NULL, 'k'},
    {"demo", no_argument, NULL, 'D'},
    {"students", required_argument, NULL, 'n'},
    {"seed", required_argument, NULL, 's'},
    {"logins", required_argument, NULL, 'l'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

int cmd_init(int argc, char **argv)
{
    struct config cfg;
    struct store *store = NULL;
    const char *config_file = NULL;
    bool db_given = false, demo = false;
    const char *logins = NULL;
    struct demo_opts dopt = {.with_passwords = true};
    int64_t v;
    int c, rc = EXIT_FAIL;

    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--config") == 0)
            config_file = argv[i + 1];
    if (cli_config_begin(&cfg, config_file) < 0)
        return EXIT_FAIL;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            if (cli_flag(&cfg, "db", optarg) < 0)
                goto usage;
            db_given = true;
            break;
        case 'k':
            if (cli_flag(&cfg, "key-file", optarg) < 0)
                goto usage;
            break;
        case 'D':
            demo = true;
            break;
        case 'n':
            if (str_to_int64(str_from(optarg), 1, 10000000, &v) < 0) {
                config_release(&cfg);
                return cli_usage_error("init",
                                       "--students: '%s' is not a number from 1 to "
                                       "10000000",
                                       optarg);
            }
            dopt.students = (long)v;
            break;
        case 's':
            if (str_to_int64(str_from(optarg), 1, INT64_MAX, &v) < 0) {
                config_release(&cfg);
                return cli_usage_error("init", "--seed: '%s' is not a positive number", optarg);
            }
            dopt.seed = (uint64_t)v;
            break;
        case 'l':
            logins = optarg;
            break;
        case 'c':
            break;
        case 'h':
            cli_print_usage("init", stderr);
            config_release(&cfg);
            return EXIT_OK;
        default:
            goto usage;
        }
    }
    if (optind < argc) {
        config_release(&cfg);
        return cli_usage_error("init", "unexpected argument '%s'", argv[optind]);
    }
    if (!db_given) {
        config_release(&cfg);
        return cli_usage_error("init", "--db is required");
    }
    if (!demo && (dopt.students || dopt.seed || logins)) {
        config_release(&cfg);
        return cli_usage_error("init", "--students, --seed and --logins go with --demo");
    }
    if (cli_config_finish(&cfg) < 0)
        goto usage;
    if (strncmp(cfg.db, "postgres", 8) != 0 && access(cfg.db, F_OK) == 0) {
        rc = cli_fail("init", "'%s' already exists; init never overwrites a database", cfg.db);
        goto out;
    }
    struct store_options so = {
        .create = true, .create_key = true, .pool_size = 2, .must_be_new = true};
    if (cli_open_store(&cfg, &so, &store) < 0)
        goto out;
    char shown[1024];
    printf("created %s\n", cli_db_display(cfg.db, shown, sizeof(shown)));
    if (demo) {
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
        ctx_init(&ctx, store, &cfg, &arena, now, "init");
        struct principal op;
        principal_operator(&op, 0, "cli:init --demo");
        ctx.who = &op;
        ctx.client_addr = "local";
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
            if (logins) {
                r = demo_write_logins(&set, logins);
                if (r < 0)
                    rc = cli_fail("init", "cannot write '%s': %s", logins, strerror(-r));
                else
                    printf("wrote the demo logins to %s\n", logins);
            }
        }
        roster_report_release(&rep);
        demo_set_release(&set);
        arena_release(&arena);
        if (r < 0) {
            store_close(store);
            store = NULL;
            /* a half-made database helps nobody: init can be run again */
            (void)unlink(cfg.db);
            goto out;
        }
    }
    rc = EXIT_OK;
out:
    store_close(store);
    config_release(&cfg);
    return rc;
usage:
    config_release(&cfg);
    cli_print_usage("init", stderr);
    return EXIT_USAGE;
}

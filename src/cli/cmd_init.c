/*
 * trellis init --db PATH: create a database with the current schema and,
 * beside it, the key file that seals sensitive fields (mode 0600). Never
 * overwrites an existing database or key.
 */
#include "base/common.h"

#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "store/store.h"

static const struct option opts[] = {
    {"db", required_argument, NULL, 'd'},
    {"config", required_argument, NULL, 'c'},
    {"key-file", required_argument, NULL, 'k'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

int cmd_init(int argc, char **argv)
{
    struct config cfg;
    struct store *store = NULL;
    const char *config_file = NULL;
    bool db_given = false;
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
        case 'c':
            break;
        case 'h':
            cli_print_usage("init");
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
    if (cli_config_finish(&cfg) < 0)
        goto usage;
    if (strncmp(cfg.db, "postgres", 8) != 0 && access(cfg.db, F_OK) == 0) {
        rc = cli_fail("init", "'%s' already exists; init never overwrites a database", cfg.db);
        goto out;
    }
    struct store_options so = {.create = true, .create_key = true, .pool_size = 2};
    if (cli_open_store(&cfg, &so, &store) < 0)
        goto out;
    printf("created %s\n", cfg.db);
    rc = EXIT_OK;
out:
    store_close(store);
    config_release(&cfg);
    return rc;
usage:
    config_release(&cfg);
    cli_print_usage("init");
    return EXIT_USAGE;
}

/*
 * trellis backup --db PATH OUT: a consistent copy of a live database. The
 * copy holds sealed fields sealed; the key file is not copied (keep it
 * somewhere else, safe: without it the sealed fields cannot be read).
 */
#include "base/common.h"

#include <stdio.h>

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

int cmd_backup(int argc, char **argv)
{
    struct config cfg;
    struct store *store = NULL;
    struct db *db = NULL;
    const char *config_file = NULL;
    int c, r, rc = EXIT_FAIL;

    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--config") == 0)
            config_file = argv[i + 1];
    if (cli_config_begin(&cfg, config_file) < 0)
        return EXIT_FAIL;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'd' && cli_flag(&cfg, "db", optarg) < 0)
            goto usage;
        if (c == 'k' && cli_flag(&cfg, "key-file", optarg) < 0)
            goto usage;
        if (c == 'h') {
            cli_print_usage("backup", stderr);
            config_release(&cfg);
            return EXIT_OK;
        }
        if (c == '?')
            goto usage;
    }
    if (optind != argc - 1) {
        config_release(&cfg);
        return cli_usage_error("backup", "expected one OUT path");
    }
    if (cli_config_finish(&cfg) < 0)
        goto usage;
    struct store_options so = {.readonly = false, .pool_size = 1};
    if (cli_open_store(&cfg, &so, &store) < 0)
        goto out;
    r = store_acquire(store, &db);
    if (r == 0)
        r = store_backup(db, argv[optind]);
    store_release(store, db);
    if (r == -EEXIST) {
        rc = cli_fail("backup", "'%s' already exists; choose a new name", argv[optind]);
        goto out;
    }
    if (r == -ENOTSUP) {
        rc = cli_fail("backup", "PostgreSQL databases are backed up with pg_dump (see README)");
        goto out;
    }
    if (r < 0) {
        rc = cli_fail("backup", "cannot write '%s': %s", argv[optind], strerror(-r));
        goto out;
    }
    printf("backed up %s to %s (the key file is not in the copy: keep it safe separately)\n",
           cfg.db, argv[optind]);
    rc = EXIT_OK;
out:
    store_close(store);
    config_release(&cfg);
    return rc;
usage:
    config_release(&cfg);
    cli_print_usage("backup", stderr);
    return EXIT_USAGE;
}

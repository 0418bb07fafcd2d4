/*
 * trellis import oneroster --db PATH [--district SID] [--new-district] SRC
 * and trellis export oneroster --db PATH DIR: the roster service run by the
 * server's operator. The CLI has no login: it is the operator
 * ("cli:import oneroster"), which the service narrows to the district the
 * set names (as_operator); the service still passes its access check and
 * records that name in the import log and the audit log. A set for a district the database does not
 * hold is refused while the database holds others, unless --new-district says to add it;
 * --district names the district a set must be for (or goes into, when it
 * names none).
 *
 * import prints a summary (per file: created, updated, unchanged,
 * deactivated) and the warnings on stdout, and each error as
 * file:line:column: reason on stderr; it exits 1 on any error, and then
 * nothing was imported.
 */
#include "base/common.h"

#include <stdio.h>

#include "app/ctx.h"
#include "app/roster.h"
#include "base/arena.h"
#include "base/timeutil.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "store/store.h"

static const struct option opts[] = {
    {"db", required_argument, NULL, 'd'},       {"config", required_argument, NULL, 'c'},
    {"key-file", required_argument, NULL, 'k'}, {"json", no_argument, NULL, 'j'},
    {"district", required_argument, NULL, 'D'}, {"new-district", no_argument, NULL, 'N'},
    {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
};

/* Shared option handling: fills cfg, returns the index of the one positional argument.
   io (import only) takes --json, --district and --new-district. */
static int parse(const char *name, int argc, char **argv, struct config *cfg, bool *json,
                 struct roster_import_opts *io)
{
    const char *config_file = NULL;
    int c;

    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--config") == 0)
            config_file = argv[i + 1];
    if (cli_config_begin(cfg, config_file) < 0)
        return -EXIT_FAIL;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            if (cli_flag(cfg, "db", optarg) < 0)
                goto usage;
            break;
        case 'k':
            if (cli_flag(cfg, "key-file", optarg) < 0)
                goto usage;
            break;
        case 'j':
            if (json)
                *json = true;
            else
                goto usage;
            break;
        case 'D':
            if (!io)
                goto usage;
            io->district_sourced_id = optarg;
            break;
        case 'N':
            if (!io)
                goto usage;
            io->existing_district_only = false;
            break;
        case 'c':
            break;
        case 'h':
            cli_print_usage(name, stderr);
            config_release(cfg);
            return -EXIT_OK - 100;
        default:
            goto usage;
        }
    }
    if (optind != argc - 1) {
        config_release(cfg);
        cli_usage_error(name, "expected one %s argument", strstr(name, "import") ? "SRC" : "DIR");
        return -EXIT_USAGE;
    }
    if (cli_config_finish(cfg) < 0)
        goto usage;
    return optind;
usage:
    config_release(cfg);
    cli_print_usage(name, stderr);
    return -EXIT_USAGE;
}

static void print_summary(const struct roster_report *rep)
{
    printf("OneRoster %s set, district '%s' (%s%s)\n", rep->version,
           rep->district_name ? rep->district_name : "", rep->district_sourced_id,
           rep->district_created ? ", new" : "");
    printf("  %-22s %-6s %8s %8s %8s %9s %11s\n", "file", "mode", "rows", "created", "updated",
           "unchanged", "deactivated");
    for (size_t k = 0; k < RK_COUNT; k++) {
        const struct roster_file_counts *f = &rep->files[k];
        if (!f->mode)
            continue;
        printf("  %-22s %-6s %8ld %8ld %8ld %9ld %11ld\n", roster_file_name((enum roster_kind)k),
               f->mode, f->rows, f->created, f->updated, f->unchanged, f->deactivated);
    }
}

int cmd_import_oneroster(int argc, char **argv)
{
    struct config cfg;
    struct store *store = NULL;
    struct roster_source *src = NULL;
    struct roster_report rep = {0};
    struct arena arena = ARENA_INIT;
    struct ctx c;
    char err[512];
    bool json = false;
    int rc = EXIT_FAIL, r, pos;

    struct roster_import_opts o = {.as_operator = true, .existing_district_only = true};
    pos = parse("import oneroster", argc, argv, &cfg, &json, &o);
    if (pos < 0)
        return pos == -EXIT_OK - 100 ? EXIT_OK : -pos;
    struct store_options so = {.pool_size = 1};
    if (cli_open_store(&cfg, &so, &store) < 0)
        goto out;
    r = roster_source_path(argv[pos], &src, err, sizeof(err));
    if (r < 0) {
        rc = cli_fail("import oneroster", "%s", err);
        goto out;
    }
    /* a .zip member unpacks to at most the upload limit (a folder is not limited) */
    roster_source_limit(src, (size_t)cfg.upload_limit);
    ctx_init(&c, store, &cfg, &arena, time_now_ms(), "cli");
    struct principal op;
    principal_operator(&op, 0, "cli:import oneroster");
    c.who = &op;
    c.client_addr = "local";
    o.source_label = argv[pos];
    r = roster_import(&c, src, &o, &rep);
    ctx_release(&c);
    if (json) {
        json_t *j = roster_report_json(&rep);
        char *s = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
        if (s)
            printf("%s\n", s);
        free(s);
        json_decref(j);
    } else {
        if (r == 0)
            print_summary(&rep);
        for (size_t i = 0; i < rep.n_warnings; i++)
            printf("warning: %s\n", rep.warnings[i]);
    }
    for (size_t i = 0; i < rep.n_errors; i++)
        fprintf(stderr, "%s\n", rep.errors[i]);
    if (rep.more_errors)
        fprintf(stderr, "... and %zu more errors\n", rep.more_errors);
    if (r < 0) {
        rc = cli_fail("import oneroster", "%s", c.err[0] ? c.err : strerror(-r));
        goto out;
    }
    rc = EXIT_OK;
out:
    roster_report_release(&rep);
    roster_source_free(src);
    arena_release(&arena);
    store_close(store);
    config_release(&cfg);
    return rc;
}

int cmd_export_oneroster(int argc, char **argv)
{
    struct config cfg;
    struct store *store = NULL;
    struct arena arena = ARENA_INIT;
    struct ctx c;
    long n = 0;
    int rc = EXIT_FAIL, r, pos;

    pos = parse("export oneroster", argc, argv, &cfg, NULL, NULL);
    if (pos < 0)
        return pos == -EXIT_OK - 100 ? EXIT_OK : -pos;
    struct store_options so = {.pool_size = 1};
    if (cli_open_store(&cfg, &so, &store) < 0)
        goto out;
    ctx_init(&c, store, &cfg, &arena, time_now_ms(), "cli");
    struct principal op;
    principal_operator(&op, 0, "cli:export oneroster");
    c.who = &op;
    c.client_addr = "local";
    r = roster_export(&c, 0, true, argv[pos], &n);
    ctx_release(&c);
    if (r < 0) {
        rc = cli_fail("export oneroster", "%s", c.err[0] ? c.err : strerror(-r));
        goto out;
    }
    printf("exported %ld records as a OneRoster 1.2 set to %s\n", n, argv[pos]);
    rc = EXIT_OK;
out:
    arena_release(&arena);
    store_close(store);
    config_release(&cfg);
    return rc;
}

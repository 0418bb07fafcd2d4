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

struct roster_args {
    const char *path; /* SRC or DIR */
    const char *district;
    bool json, new_district;
};

#define ARGS struct roster_args

static const struct cli_option import_options[] = {
    CLI_OPTION_DB,
    {"json", CLI_BOOL(ARGS, json), .help = "print the report as JSON"},
    {"district", CLI_STRING(ARGS, district), .arg = "SID",
     .help = "the district (its sourcedId) the set must be for, or goes into if it names none"},
    {"new-district", CLI_BOOL(ARGS, new_district),
     .help = "add the set's district when the database holds others"},
    CLI_OPTION_KEY_FILE,
    CLI_OPTION_CONFIG,
    {0},
};

static const struct cli_option export_options[] = {
    CLI_OPTION_DB,
    CLI_OPTION_KEY_FILE,
    CLI_OPTION_CONFIG,
    {0},
};

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

static int import_run(struct cli_run *run)
{
    const struct roster_args *a = run->args;
    struct roster_source *src = NULL;
    struct roster_report rep = {0};
    struct roster_import_opts o = {.as_operator = true,
                                   .existing_district_only = !a->new_district,
                                   .district_sourced_id = a->district,
                                   .source_label = a->path};
    char err[512];
    int rc = EXIT_OK, r;

    r = roster_source_path(a->path, &src, err, sizeof(err));
    if (r < 0)
        return cli_fail(run->cmd, "%s", err);
    /* a .zip member unpacks to at most the upload limit (a folder is not limited) */
    roster_source_limit(src, (size_t)run->cfg->upload_limit);
    r = roster_import(&run->ctx, src, &o, &rep);
    if (a->json) {
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
    if (r < 0)
        rc = cli_fail(run->cmd, "%s", run->ctx.err[0] ? run->ctx.err : strerror(-r));
    roster_report_release(&rep);
    roster_source_free(src);
    return rc;
}

static int export_run(struct cli_run *run)
{
    const struct roster_args *a = run->args;
    long n = 0;
    int r = roster_export(&run->ctx, 0, true, a->path, &n);

    if (r < 0)
        return cli_fail(run->cmd, "%s", run->ctx.err[0] ? run->ctx.err : strerror(-r));
    printf("exported %ld records as a OneRoster 1.2 set to %s\n", n, a->path);
    return EXIT_OK;
}

const struct cli_spec cmd_import_oneroster = {
    .options = import_options,
    .args_size = sizeof(struct roster_args),
    CLI_OPERAND(struct roster_args, path, "SRC",
                "the set: a folder or a .zip of OneRoster CSV files"),
    .open = CLI_OPEN_OPERATOR,
    .run = import_run,
};

const struct cli_spec cmd_export_oneroster = {
    .options = export_options,
    .args_size = sizeof(struct roster_args),
    CLI_OPERAND(struct roster_args, path, "DIR", "the folder to write the set into"),
    .open = CLI_OPEN_OPERATOR,
    .run = export_run,
};

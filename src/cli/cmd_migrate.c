/*
 * trellis migrate --from sqlite:PATH --to postgresql://HOST/DB [--key-file FILE] [--json]:
 * copy a whole SQLite database into an empty PostgreSQL database (created if
 * missing), every table in one transaction, then read each table back and
 * compare row counts and checksums (src/store/store_copy.h).
 *
 * Sealed fields are copied sealed: the PostgreSQL deployment uses the same
 * key file, so set its key_file setting (TRELLIS_KEY_FILE, --key-file) to
 * that file (default here: PATH.key beside the SQLite database).
 */
#include "base/common.h"

#include <jansson.h>
#include <stdio.h>
#include <unistd.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "store/store_copy.h"

struct migrate_args {
    const char *from, *to, *key_file;
    bool json;
};

#define ARGS struct migrate_args

static const struct cli_option options[] = {
    {"from", CLI_STRING(ARGS, from), .arg = "sqlite:PATH", .flags = CLI_NEEDED,
     .help = "the SQLite database to copy"},
    {"to", CLI_STRING(ARGS, to), .arg = "postgresql://...", .flags = CLI_NEEDED,
     .help = "the PostgreSQL database to copy it into (empty; created if missing)"},
    {"key-file", CLI_STRING(ARGS, key_file), .arg = "FILE",
     .help = "the source's sealing key, which the PostgreSQL deployment keeps using (default: "
             "PATH.key)"},
    {"json", CLI_BOOL(ARGS, json), .help = "print the report as JSON"},
    {0},
};

struct out {
    bool json;
    json_t *tables;
};

static void report(void *arg, const struct store_copy_report *r)
{
    struct out *o = arg;
    if (o->json) {
        json_array_append_new(o->tables, json_pack("{s:s, s:I, s:I, s:s, s:b}", "table", r->table,
                                                   "rows", (json_int_t)r->rows, "target_rows",
                                                   (json_int_t)r->target_rows, "checksum",
                                                   r->checksum, "match", r->match));
        return;
    }
    printf("  %-20s %10lld rows  blake2b %s  %s\n", r->table, (long long)r->rows, r->checksum,
           r->match ? "ok" : "MISMATCH");
    if (!r->match)
        printf("  %-20s %10lld rows in the target\n", "", (long long)r->target_rows);
}

/* Both databases named, and each of the right kind (an empty value counts as none). */
static int migrate_check(const struct cli_run *run)
{
    const struct migrate_args *a = run->args;

    if (!a->from || !*a->from)
        return cli_usage_error(run->cmd, "--from: required (sqlite:PATH)");
    if (!a->to || !*a->to)
        return cli_usage_error(run->cmd, "--to: required (postgresql://...)");
    if (strncmp(a->to, "postgresql://", 13) != 0 && strncmp(a->to, "postgres://", 11) != 0)
        return cli_usage_error(run->cmd, "--to: '%s' is not a postgresql:// URL", a->to);
    if (strncmp(a->from, "postgresql://", 13) == 0 || strncmp(a->from, "postgres://", 11) == 0)
        return cli_usage_error(run->cmd, "--from: must be a SQLite database (sqlite:PATH)");
    return EXIT_OK;
}

static int migrate_run(struct cli_run *run)
{
    const struct migrate_args *a = run->args;
    const char *from = a->from, *to = a->to, *key_file = a->key_file;
    struct buf key = BUF_INIT(4096);
    struct out o = {.json = a->json};
    char err[1024], shown[1024];
    int r, rc = EXIT_FAIL;
    const char *path = strncmp(from, "sqlite:", 7) == 0 ? from + 7 : from;
    if (access(path, R_OK) < 0)
        return cli_fail(run->cmd, "--from: cannot read '%s': %s", path, strerror(errno));
    if (!key_file) {
        if (buf_appendf(&key, "%s.key", path) < 0)
            return cli_fail(run->cmd, "out of memory");
        key_file = buf_cstr(&key);
    }
    if (access(key_file, R_OK) < 0) {
        rc = cli_fail(run->cmd,
                      "--key-file: cannot read '%s' (%s): the source's sealing key is needed, "
                      "and the PostgreSQL deployment keeps using it",
                      key_file, strerror(errno));
        goto out;
    }
    if (o.json) {
        o.tables = json_array();
        if (!o.tables)
            goto out;
    } else {
        printf("copying %s to %s\n", path, cli_db_display(to, shown, sizeof(shown)));
    }
    r = store_copy(from, to, key_file, report, &o, err, sizeof(err));
    if (o.json) {
        json_t *doc = json_pack("{s:b, s:O, s:s?}", "ok", r == 0, "tables", o.tables, "error",
                                r == 0 ? NULL : err);
        char *s = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;
        if (s)
            printf("%s\n", s);
        free(s);
        json_decref(doc);
    }
    if (r < 0) {
        rc = cli_fail(run->cmd, "%s", err[0] ? err : strerror(-r));
        goto out;
    }
    if (!o.json)
        printf("done: every table matches. Serve it with --db %s and key_file = %s\n",
               cli_db_display(to, shown, sizeof(shown)), key_file);
    rc = EXIT_OK;
out:
    json_decref(o.tables);
    buf_release(&key);
    return rc;
}

const struct cli_spec cmd_migrate = {
    .options = options,
    .args_size = sizeof(struct migrate_args),
    .check = migrate_check,
    .run = migrate_run,
};

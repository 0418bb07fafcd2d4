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

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <unistd.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "store/store_copy.h"

static const struct option opts[] = {
    {"from", required_argument, NULL, 'f'},     {"to", required_argument, NULL, 't'},
    {"key-file", required_argument, NULL, 'k'}, {"json", no_argument, NULL, 'j'},
    {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
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

int cmd_migrate(int argc, char **argv)
{
    const char *from = NULL, *to = NULL, *key_file = NULL;
    struct buf key = BUF_INIT(4096);
    struct out o = {0};
    char err[1024], shown[1024];
    int c, r, rc = EXIT_FAIL;

    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            from = optarg;
            break;
        case 't':
            to = optarg;
            break;
        case 'k':
            key_file = optarg;
            break;
        case 'j':
            o.json = true;
            break;
        case 'h':
            cli_print_usage("migrate", stderr);
            return EXIT_OK;
        default:
            cli_print_usage("migrate", stderr);
            return EXIT_USAGE;
        }
    }
    if (optind != argc)
        return cli_usage_error("migrate", "unexpected argument '%s'", argv[optind]);
    if (!from || !*from)
        return cli_usage_error("migrate", "--from: required (sqlite:PATH)");
    if (!to || !*to)
        return cli_usage_error("migrate", "--to: required (postgresql://...)");
    if (strncmp(to, "postgresql://", 13) != 0 && strncmp(to, "postgres://", 11) != 0)
        return cli_usage_error("migrate", "--to: '%s' is not a postgresql:// URL", to);
    if (strncmp(from, "postgresql://", 13) == 0 || strncmp(from, "postgres://", 11) == 0)
        return cli_usage_error("migrate", "--from: must be a SQLite database (sqlite:PATH)");
    const char *path = strncmp(from, "sqlite:", 7) == 0 ? from + 7 : from;
    if (access(path, R_OK) < 0)
        return cli_fail("migrate", "--from: cannot read '%s': %s", path, strerror(errno));
    if (!key_file) {
        if (buf_appendf(&key, "%s.key", path) < 0)
            return cli_fail("migrate", "out of memory");
        key_file = buf_cstr(&key);
    }
    if (access(key_file, R_OK) < 0) {
        rc = cli_fail("migrate",
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
        rc = cli_fail("migrate", "%s", err[0] ? err : strerror(-r));
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

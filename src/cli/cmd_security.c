/*
 * trellis security check --db PATH [--json] [--checkpoint FILE]: the
 * security self-check (app/security.h): the key file and database modes,
 * TLS or Secure cookies in the effective settings (give it the server's
 * --config), administrators without a second factor, stale accounts, API
 * clients without an agreement, the audit log (against a checkpoint kept
 * elsewhere) and the last backup's age. Text (one line per check, then its
 * items) or JSON; exit 1 when something needs action.
 */
#include "base/common.h"

#include <jansson.h>
#include <stdio.h>

#include "app/security.h"
#include "base/buf.h"
#include "cli/cli.h"
#include "cli/commands.h"

struct security_args {
    bool json;
    const char *checkpoint;
    int64_t stale_days, backup_hours, alert_days;
};

#define ARGS struct security_args

static const struct security_args defaults = {
    .stale_days = 90, .backup_hours = 48, .alert_days = 30};

static const struct cli_option options[] = {
    CLI_OPTION_DB,
    {"json", CLI_BOOL(ARGS, json), .help = "print the findings as one JSON object"},
    {"checkpoint", CLI_STRING(ARGS, checkpoint), .arg = "FILE",
     .help = "an audit checkpoint kept elsewhere (trellis audit checkpoint) to verify against"},
    {"stale-days", CLI_INT(ARGS, stale_days, 1, 3650), .arg = "N",
     .help = "an account unused this many days is stale (default 90)"},
    {"backup-hours", CLI_INT(ARGS, backup_hours, 1, 8760), .arg = "N",
     .help = "a backup older than this many hours needs action (default 48)"},
    {"alert-days", CLI_INT(ARGS, alert_days, 1, 3650), .arg = "N",
     .help = "report the bulk-export tripwire's alerts of the last N days (default 30)"},
    CLI_OPTION_KEY_FILE,
    CLI_OPTION_CONFIG,
    {0},
};

/* The checkpoint file, whole (at most 16 MiB): EXIT_OK, or EXIT_FAIL with the reason printed. */
static int read_file(const char *cmd, const char *path, struct buf *out)
{
    FILE *f = fopen(path, "rb");
    char chunk[8192];
    size_t n;
    int r = EXIT_OK;

    if (!f)
        return cli_fail(cmd, "--checkpoint: cannot open '%s': %s", path, strerror(errno));
    while (r == EXIT_OK && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (buf_append(out, chunk, n) < 0)
            r = cli_fail(cmd, "--checkpoint: '%s' is larger than 16 MiB", path);
    if (r == EXIT_OK && ferror(f))
        r = cli_fail(cmd, "--checkpoint: cannot read '%s'", path);
    fclose(f);
    return r;
}

static void print_text(const json_t *o)
{
    size_t i, k;
    json_t *x, *it;

    json_array_foreach(json_object_get(o, "checks"), i, x)
    {
        const char *status = json_string_value(json_object_get(x, "status"));
        printf("%-6s %-15s %s\n",
               strcmp(status, "action") == 0 ? "ACTION"
               : strcmp(status, "ok") == 0   ? "ok"
                                             : "note",
               json_string_value(json_object_get(x, "check")),
               json_string_value(json_object_get(x, "summary")));
        json_array_foreach(json_object_get(x, "items"), k, it)
        {
            const char *key;
            json_t *v;
            printf("%22s", "-");
            json_object_foreach(it, key, v)
            {
                if (json_is_string(v))
                    printf(" %s=%s", key, json_string_value(v));
                else if (json_is_integer(v))
                    printf(" %s=%lld", key, (long long)json_integer_value(v));
            }
            putchar('\n');
        }
    }
    long long n = (long long)json_integer_value(json_object_get(o, "needs_action"));
    printf("%lld %s need%s action\n", n, n == 1 ? "check" : "checks", n == 1 ? "s" : "");
}

static int check_run(struct cli_run *run)
{
    const struct security_args *a = run->args;
    struct buf text = BUF_INIT(16u << 20);
    struct security_options o = {.stale_days = a->stale_days,
                                 .backup_max_hours = a->backup_hours,
                                 .alert_days = a->alert_days};
    json_t *out = NULL;
    int rc, r;

    if (a->checkpoint) {
        rc = read_file(run->cmd, a->checkpoint, &text);
        if (rc != EXIT_OK) {
            buf_release(&text);
            return rc;
        }
        o.checkpoint = buf_cstr(&text);
        o.checkpoint_len = text.len;
        o.checkpoint_name = a->checkpoint;
    }
    r = security_check(&run->ctx, &o, &out);
    buf_release(&text);
    if (r < 0)
        return cli_run_fail(run, r);
    if (a->json) {
        json_dumpf(out, stdout, JSON_INDENT(2));
        putchar('\n');
    } else {
        print_text(out);
    }
    rc = json_integer_value(json_object_get(out, "needs_action")) ? EXIT_FAIL : EXIT_OK;
    json_decref(out);
    return rc;
}

const struct cli_spec cmd_security_check = {
    .options = options,
    .args_size = sizeof(struct security_args),
    .defaults = &defaults,
    .open = CLI_OPEN_OPERATOR,
    .readonly = true,
    .run = check_run,
};

/*
 * trellis audit ...: the audit log from the server's command line.
 *   audit verify --db PATH [--checkpoint FILE]   check every chain (and against a checkpoint
 *                                                kept elsewhere); name what was altered or removed
 *   audit checkpoint --db PATH                   verify, then print one line per chain to keep
 *                                                elsewhere
 *   audit show --db PATH --student ID            who saw or changed a student's records, and when
 *   audit show --db PATH [--since ISO8601] [--limit N]   the district's latest entries
 *   audit show --db PATH --denials [--limit N]   the district's refused accesses, newest first
 * show prints text, or JSON lines with --json.
 */
#include "base/common.h"

#include <jansson.h>
#include <stdio.h>

#include "app/access.h"
#include "app/audit.h"
#include "base/buf.h"
#include "base/timeutil.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "store/store.h"

struct audit_args {
    const char *student, *checkpoint;
    int64_t since, limit;
    bool json, denials;
};

#define ARGS struct audit_args

static const struct audit_args defaults = {.limit = 1000};

static const struct cli_option verify_options[] = {
    CLI_OPTION_DB,
    {"checkpoint", CLI_STRING(ARGS, checkpoint), .arg = "FILE",
     .help = "also check the database against a checkpoint kept elsewhere (`audit checkpoint`)"},
    CLI_OPTION_KEY_FILE,
    CLI_OPTION_CONFIG,
    {0},
};

static const struct cli_option checkpoint_options[] = {
    CLI_OPTION_DB,
    CLI_OPTION_KEY_FILE,
    CLI_OPTION_CONFIG,
    {0},
};

static const struct cli_option show_options[] = {
    CLI_OPTION_DB,
    {"student", CLI_STRING(ARGS, student), .arg = "ID|SID",
     .help = "who saw or changed this student's records (an id or a sourcedId)"},
    {"denials", CLI_BOOL(ARGS, denials), .flags = CLI_OR,
     .help = "the refused accesses, newest first"},
    {"since", CLI_TIME(ARGS, since), .arg = "ISO8601", .help = "the entries from this time on"},
    {"limit", CLI_INT(ARGS, limit, 1, 1000000), .arg = "N", .help = "at most N entries"},
    {"json", CLI_BOOL(ARGS, json), .help = "one JSON object per line"},
    CLI_OPTION_DISTRICT,
    CLI_OPTION_KEY_FILE,
    CLI_OPTION_CONFIG,
    {0},
};

/* The checkpoint file, whole (at most 16 MiB): 0, or 1 with the reason printed. */
static int read_checkpoint(const char *cmd, const char *path, struct buf *out)
{
    FILE *f = fopen(path, "rb");
    char chunk[8192];
    size_t n;
    int r = 0;

    if (!f)
        return cli_fail(cmd, "--checkpoint: cannot open '%s': %s", path, strerror(errno));
    while (r == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (buf_append(out, chunk, n) < 0)
            r = cli_fail(cmd, "--checkpoint: '%s' is larger than 16 MiB", path);
    if (r == 0 && ferror(f))
        r = cli_fail(cmd, "--checkpoint: cannot read '%s'", path);
    fclose(f);
    return r;
}

static void print_problems(const char *cmd, const struct audit_verify_report *rep)
{
    const char *p = rep->problems, *nl;
    fprintf(stderr, "trellis %s: the audit log was tampered with: %s\n", cmd, rep->problem);
    /* the first line is rep->problem; then the others */
    nl = strchr(p, '\n');
    for (p = nl ? nl + 1 : p + strlen(p); *p; p = nl ? nl + 1 : p + strlen(p)) {
        nl = strchr(p, '\n');
        fprintf(stderr, "  also: %.*s\n", (int)(nl ? nl - p : (ptrdiff_t)strlen(p)), p);
    }
    if (rep->n_problems > 1 && strlen(rep->problems) + 600 > sizeof(rep->problems))
        fprintf(stderr, "  (%d problems in all)\n", rep->n_problems);
    if (rep->bad_entry_id)
        printf("first bad entry: %lld\n", (long long)rep->bad_entry_id);
}

static int print_line(const char *line, void *arg)
{
    (void)arg;
    return printf("%s\n", line) < 0 ? -EIO : 0;
}

/* verify (checkpoint false) or checkpoint, on the store opened read-only */
static int verify_or_checkpoint(struct cli_run *run, bool checkpoint)
{
    const struct audit_args *a = run->args;
    struct audit_verify_report rep;
    struct buf text = BUF_INIT(16u << 20);
    int rc = EXIT_OK, r;

    if (a->checkpoint && (rc = read_checkpoint(run->cmd, a->checkpoint, &text)) != EXIT_OK) {
        buf_release(&text);
        return rc;
    }
    if (checkpoint)
        r = audit_checkpoint(&run->ctx, &rep, print_line, NULL);
    else
        r = audit_verify_checkpoint(&run->ctx, a->checkpoint ? buf_cstr(&text) : NULL, text.len,
                                    &rep);
    if (r == 0 && !checkpoint) {
        printf("audit log intact: %ld entries in %ld chains, hashes, keyed tags and keyed heads "
               "checked",
               rep.entries, rep.chains);
        if (a->checkpoint)
            printf("; nothing the checkpoint recorded is missing (%ld chains)",
                   rep.checkpoint_lines);
        printf("\n");
    } else if (r == -EBADMSG) {
        print_problems(run->cmd, &rep);
        rc = EXIT_FAIL;
    } else if (r < 0) {
        rc = cli_fail(run->cmd, "%s", run->ctx.err[0] ? run->ctx.err : strerror(-r));
    }
    buf_release(&text);
    return rc;
}

static int verify_run(struct cli_run *run)
{
    return verify_or_checkpoint(run, false);
}

static int checkpoint_run(struct cli_run *run)
{
    return verify_or_checkpoint(run, true);
}

struct printer {
    bool json;
    struct buf out; /* printed once the reading of the log is itself audited */
};

static int print_entry(const struct audit_view *v, void *arg)
{
    struct printer *pr = arg;
    char at[32];
    time_format_iso8601(v->at, at);
    if (pr->json) {
        json_t *o = json_pack("{s:I, s:I, s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, "
                              "s:s, s:s}",
                              "id", (json_int_t)v->id, "chain", (json_int_t)v->chain, "seq",
                              (json_int_t)v->seq, "at", at, "actor_kind", v->actor_kind, "actor_id",
                              (json_int_t)v->actor_id, "actor", v->actor_name, "from",
                              v->client_addr, "request_id", v->request_id, "action", v->action,
                              "object", v->object, "subjects", v->subjects, "purpose", v->purpose,
                              "outcome", v->outcome, "detail", v->detail);
        char *t = o ? json_dumps(o, JSON_COMPACT) : NULL;
        json_decref(o);
        if (!t)
            return -ENOMEM;
        int r = buf_appendf(&pr->out, "%s\n", t);
        free(t);
        return r;
    }
    return buf_appendf(
        &pr->out, "%s  #%lld  %s %s from %s  %s %s  %s%s%s  purpose '%s'  request %s\n", at,
        (long long)v->id, v->actor_kind, v->actor_name, v->client_addr, v->action, v->object,
        v->outcome, v->detail[0] ? ": " : "", v->detail, v->purpose, v->request_id);
}

static int show_check(const struct cli_run *run)
{
    const struct audit_args *a = run->args;
    if (a->denials && (a->student || a->since))
        return cli_usage_error(run->cmd, "--denials: not with --student or --since");
    return EXIT_OK;
}

static int show_run(struct cli_run *run)
{
    const struct audit_args *a = run->args;
    struct printer pr = {a->json, BUF_INIT(256u << 20)};
    int rc = EXIT_OK, r;

    if (a->denials)
        r = audit_show_denials(&run->ctx, a->limit, print_entry, &pr);
    else if (a->student)
        r = audit_show_student(&run->ctx, a->student, print_entry, &pr);
    else
        r = audit_show_recent(&run->ctx, a->since, a->limit, print_entry, &pr);
    if (r == 0)
        r = access_settle(&run->ctx);
    if (r < 0)
        rc = cli_run_fail(run, r);
    else
        fwrite(pr.out.data ? pr.out.data : "", 1, pr.out.len, stdout);
    buf_release(&pr.out);
    return rc;
}

const struct cli_spec cmd_audit_verify = {
    .options = verify_options,
    .args_size = sizeof(struct audit_args),
    .defaults = &defaults,
    .open = CLI_OPEN_OPERATOR,
    .readonly = true,
    .run = verify_run,
};

const struct cli_spec cmd_audit_checkpoint = {
    .options = checkpoint_options,
    .args_size = sizeof(struct audit_args),
    .defaults = &defaults,
    .open = CLI_OPEN_OPERATOR,
    .readonly = true,
    .run = checkpoint_run,
};

const struct cli_spec cmd_audit_show = {
    .options = show_options,
    .args_size = sizeof(struct audit_args),
    .defaults = &defaults,
    .open = CLI_OPEN_DISTRICT,
    .check = show_check,
    .run = show_run,
};

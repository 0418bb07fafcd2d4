/*
 * trellis audit ...: the audit log from the server's command line.
 *   audit verify --db PATH                 check every chain; name the first entry altered or
 * removed audit show --db PATH --student ID      who saw or changed a student's records, and when
 *   audit show --db PATH [--since ISO8601] [--limit N]   the district's latest entries
 * Both print text, or JSON lines with --json.
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

static const struct option opts[] = {
    {"db", required_argument, NULL, 'd'},       {"config", required_argument, NULL, 'c'},
    {"key-file", required_argument, NULL, 'k'}, {"district", required_argument, NULL, 'D'},
    {"student", required_argument, NULL, 's'},  {"since", required_argument, NULL, 'S'},
    {"limit", required_argument, NULL, 'l'},    {"json", no_argument, NULL, 'j'},
    {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
};

struct audit_args {
    struct config cfg;
    const char *district, *student;
    int64_t since, limit;
    bool json;
};

static int parse(const char *cmd, int argc, char **argv, struct audit_args *a)
{
    const char *config_file = NULL;
    int c;

    memset(a, 0, sizeof(a[0]));
    a->limit = 1000;
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--config") == 0)
            config_file = argv[i + 1];
    if (cli_config_begin(&a->cfg, config_file) < 0)
        return EXIT_FAIL;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
        case 'k':
            if (cli_flag(&a->cfg, c == 'd' ? "db" : "key-file", optarg) < 0)
                return EXIT_USAGE;
            break;
        case 'D':
            a->district = optarg;
            break;
        case 's':
            a->student = optarg;
            break;
        case 'S': {
            bool zone;
            if (time_parse_iso8601(str_from(optarg), true, &a->since, &zone) < 0)
                return cli_usage_error(cmd, "--since: '%s' is not an ISO 8601 date-time", optarg);
            break;
        }
        case 'l':
            if (str_to_int64(str_from(optarg), 1, 1000000, &a->limit) < 0)
                return cli_usage_error(cmd, "--limit: '%s' is not a number from 1 to 1000000",
                                       optarg);
            break;
        case 'j':
            a->json = true;
            break;
        case 'c':
            break;
        case 'h':
            cli_print_usage(cmd);
            return -1;
        default:
            cli_print_usage(cmd);
            return EXIT_USAGE;
        }
    }
    if (optind < argc)
        return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (cli_config_finish(&a->cfg) < 0)
        return EXIT_USAGE;
    return EXIT_OK;
}

static int finish(struct audit_args *a, int rc)
{
    config_release(&a->cfg);
    return rc < 0 ? EXIT_OK : rc;
}

int cmd_audit_verify(int argc, char **argv)
{
    static const char cmd[] = "audit verify";
    struct audit_args a;
    struct audit_verify_report rep;
    struct store_options so = {.pool_size = 2, .readonly = true};
    struct store *store = NULL;
    struct arena arena = ARENA_INIT;
    struct principal op;
    struct ctx ctx;
    int rc = parse(cmd, argc, argv, &a), r;

    if (rc != EXIT_OK)
        return finish(&a, rc);
    if (cli_open_store(&a.cfg, &so, &store) < 0)
        return finish(&a, EXIT_FAIL);
    ctx_init(&ctx, store, &a.cfg, &arena, time_now_ms(), "cli");
    principal_operator(&op, 0, "cli:audit verify");
    ctx.who = &op;
    r = audit_verify(&ctx, &rep);
    ctx_release(&ctx);
    if (r == 0) {
        printf("audit log intact: %ld entries in %ld chains, hashes and keyed tags checked\n",
               rep.entries, rep.chains);
    } else if (r == -EBADMSG) {
        fprintf(stderr, "trellis audit verify: the audit log was tampered with: %s\n", rep.problem);
        if (rep.bad_entry_id)
            printf("first bad entry: %lld\n", (long long)rep.bad_entry_id);
        rc = EXIT_FAIL;
    } else {
        rc = cli_fail(cmd, "%s", ctx.err[0] ? ctx.err : strerror(-r));
    }
    store_close(store);
    arena_release(&arena);
    return finish(&a, rc);
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

int cmd_audit_show(int argc, char **argv)
{
    static const char cmd[] = "audit show";
    struct audit_args a;
    struct cli_run run;
    int rc = parse(cmd, argc, argv, &a), r;

    if (rc != EXIT_OK)
        return finish(&a, rc);
    if (cli_run_open(&run, &a.cfg, a.district, "cli:audit show") < 0)
        return finish(&a, EXIT_FAIL);
    struct printer pr = {a.json, BUF_INIT(256u << 20)};
    if (a.student)
        r = audit_show_student(&run.ctx, a.student, print_entry, &pr);
    else
        r = audit_show_recent(&run.ctx, a.since, a.limit, print_entry, &pr);
    if (r == 0)
        r = access_settle(&run.ctx);
    if (r < 0)
        rc = cli_run_fail(&run, cmd, r);
    else
        fwrite(pr.out.data ? pr.out.data : "", 1, pr.out.len, stdout);
    buf_release(&pr.out);
    cli_run_close(&run);
    return finish(&a, rc);
}

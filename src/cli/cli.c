/*
 * Shared CLI plumbing and the one option parser: see cli.h.
 *
 * cli_main() reads a command's option table with getopt_long in two
 * passes: the first only notes --help and --config FILE (so the file
 * applies before the environment, and the environment before every flag,
 * wherever --config stands); the second applies every option in argv
 * order and stops at the first bad one. Nothing is opened or written
 * before the options are known to be good.
 */
#include "base/common.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>

#include "app/access.h"
#include "app/clients.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "cli/cli.h"
#include "store/store.h"

#ifndef TRELLIS_WEB_ROOT
#define TRELLIS_WEB_ROOT "web"
#endif
const char *const cli_default_web_root = TRELLIS_WEB_ROOT;

/* getopt_long's val: table entry i is VAL_BASE + i, --help and -h are 'h' */
#define VAL_BASE 0x100
#define VAL_HELP 'h'
/* the option column of --help */
#define HELP_COLUMN 26

static const struct command *find_command(const char *name)
{
    for (size_t i = 0; i < commands_count; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "trellis %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    cli_print_usage(cmd, stderr);
    return EXIT_USAGE;
}

int cli_fail(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "trellis %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return EXIT_FAIL;
}

/* "--name ARG" (or "--name" for a flag without a value) into out. */
static void option_text(const struct cli_option *o, char *out, size_t n)
{
    if (o->kind == CLI_KIND_BOOL)
        snprintf(out, n, "--%s", o->name);
    else
        snprintf(out, n, "--%s %s", o->name, o->arg ? o->arg : "VALUE");
}

void cli_print_usage(const char *name, FILE *f)
{
    const struct command *c = find_command(name);
    const struct cli_option *o;
    char text[128];

    if (!c)
        return;
    o = c->spec->options;
    fprintf(f, "usage: trellis %s", c->name);
    for (size_t i = 0; o && o[i].name;) {
        /* an option and its alternatives (CLI_OR) are one item of the line */
        size_t j = i + 1;
        while (o[j].name && (o[j].flags & CLI_OR))
            j++;
        bool required = o[i].flags & (CLI_REQUIRED | CLI_NEEDED);
        fputs(!required ? " [" : j - i > 1 ? " (" : " ", f);
        for (size_t k = i; k < j; k++) {
            option_text(&o[k], text, sizeof(text));
            fprintf(f, "%s%s", k > i ? " | " : "", text);
        }
        fputs(!required ? "]" : j - i > 1 ? ")" : "", f);
        i = j;
    }
    if (c->spec->any_setting)
        fputs(" [--SETTING VALUE ...]", f);
    if (c->spec->operand)
        fprintf(f, " %s", c->spec->operand);
    fputc('\n', f);
}

static void help_line(const char *left, const char *help, const char *extra)
{
    if (strlen(left) <= HELP_COLUMN)
        printf("  %-*s  %s%s\n", HELP_COLUMN, left, help, extra);
    else
        printf("  %s\n  %-*s  %s%s\n", left, HELP_COLUMN, "", help, extra);
}

static void appendf(char *out, size_t n, const char *fmt, ...) PRINTF_FMT(3, 4);
static void appendf(char *out, size_t n, const char *fmt, ...)
{
    size_t used = strlen(out);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out + used, n - used, fmt, ap);
    va_end(ap);
}

/* What --help adds to an option's line from the table: " (1 to 100; default 5; required)". */
static void option_notes(const struct cli_spec *spec, const struct cli_option *o, char *out,
                         size_t n)
{
    char notes[160] = "";

    if (o->kind == CLI_KIND_INT) {
        int64_t def = 0;
        if (o->max == INT64_MAX)
            appendf(notes, sizeof(notes), "from %lld", (long long)o->min);
        else
            appendf(notes, sizeof(notes), "%lld to %lld", (long long)o->min, (long long)o->max);
        if (spec->defaults)
            memcpy(&def, (const char *)spec->defaults + o->field, sizeof(def));
        if (spec->defaults && def >= o->min && def <= o->max)
            appendf(notes, sizeof(notes), "; default %lld", (long long)def);
    }
    if (o->flags & CLI_REQUIRED)
        appendf(notes, sizeof(notes), "%srequired", notes[0] ? "; " : "");
    snprintf(out, n, notes[0] ? " (%s)" : "%s", notes);
}

/* --help: the usage line, the summary and one line per option, on stdout. */
static void print_help(const struct command *c)
{
    const struct cli_spec *spec = c->spec;
    const struct cli_option *o = spec->options;
    char left[128], notes[200];

    cli_print_usage(c->name, stdout);
    printf("\n%s\n\noptions:\n", c->summary);
    for (size_t i = 0; o && o[i].name; i++) {
        option_text(&o[i], left, sizeof(left));
        option_notes(spec, &o[i], notes, sizeof(notes));
        help_line(left, o[i].help ? o[i].help : "", notes);
    }
    if (spec->any_setting)
        help_line("--SETTING VALUE",
                  "any setting `trellis config show` lists (dashes or underscores; also "
                  "--SETTING=VALUE)",
                  "");
    if (spec->operand)
        help_line(spec->operand, spec->operand_help ? spec->operand_help : "", "");
    help_line("-h, --help", "print this help", "");
}

/* Defaults, then the file (--config or TRELLIS_CONFIG), then the environment. */
static int config_begin(struct config *cfg, const char *config_file)
{
    char err[512];
    int r;

    if (config_init(cfg, cli_default_web_root) < 0) {
        fprintf(stderr, "trellis: out of memory\n");
        return -ENOMEM;
    }
    if (!config_file)
        config_file = getenv("TRELLIS_CONFIG");
    if (config_file) {
        r = config_load_file(cfg, config_file, true, err, sizeof(err));
        if (r < 0) {
            fprintf(stderr, "trellis: %s\n", err);
            return r;
        }
    }
    r = config_load_env(cfg, err, sizeof(err));
    if (r < 0) {
        fprintf(stderr, "trellis: %s\n", err);
        return r;
    }
    return 0;
}

static int config_end(struct config *cfg)
{
    char err[512];
    int r = config_finish(cfg, err, sizeof(err));
    if (r < 0)
        fprintf(stderr, "trellis: config: %s\n", err);
    return r;
}

/* The parser's state for one command line. */
struct parse {
    const struct command *c;
    const struct cli_option *opts; /* the table (never NULL: an empty one) */
    size_t n;
    struct option *lo; /* getopt_long's table: n entries, --help, the end */
    bool *seen;        /* per entry: given at least once */
    const char *config_file;
    bool help;
};

/* A flag given for a setting: config_set's own message names the flag and the setting. */
static int set_flag(const struct command *c, struct config *cfg, const char *name,
                    const char *value)
{
    char key[64], src[80], err[512];
    size_t n = strlen(name);

    if (n >= sizeof(key))
        return cli_usage_error(c->name, "--%s: not a setting", name);
    for (size_t i = 0; i <= n; i++)
        key[i] = name[i] == '-' ? '_' : name[i];
    snprintf(src, sizeof(src), "flag --%s", name);
    if (config_set(cfg, key, value, src, err, sizeof(err)) < 0)
        return cli_usage_error(c->name, "%s", err);
    return EXIT_OK;
}

/* The name of the two-word command with the same first word that has option name, or NULL. */
static const char *option_owner(const struct command *c, const char *name, size_t len)
{
    size_t g = strcspn(c->name, " ");

    if (!c->name[g])
        return NULL;
    for (size_t i = 0; i < commands_count; i++) {
        const struct command *k = &commands[i];
        if (k == c || !k->spec || !k->spec->options || strncmp(k->name, c->name, g + 1) != 0)
            continue;
        for (const struct cli_option *o = k->spec->options; o->name; o++)
            if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
                return k->name;
    }
    return NULL;
}

/* Report what getopt_long refused (ch is '?' or ':'): EXIT_USAGE. */
static int bad_option(const struct parse *p, int ch, char **argv)
{
    const char *cmd = p->c->name, *text, *owner;
    char list[256] = "";
    size_t len, hits = 0;

    if (optopt >= VAL_BASE) {
        const char *name = p->opts[optopt - VAL_BASE].name;
        if (ch == ':')
            return cli_usage_error(cmd, "--%s: needs a value", name);
        return cli_usage_error(cmd, "--%s: takes no value", name);
    }
    if (optopt != 0)
        return cli_usage_error(cmd, "-%c: not an option of this command", optopt);
    /* a long option: unknown, or the start of several */
    text = argv[optind - 1];
    if (strncmp(text, "--", 2) == 0)
        text += 2;
    len = strcspn(text, "=");
    for (size_t i = 0; p->lo[i].name; i++) {
        if (strncmp(p->lo[i].name, text, len) != 0)
            continue;
        size_t used = strlen(list);
        snprintf(list + used, sizeof(list) - used, "%s--%s", hits ? ", " : "", p->lo[i].name);
        hits++;
    }
    if (len > 0 && hits > 1)
        return cli_usage_error(cmd, "--%.*s: ambiguous (%s)", (int)len, text, list);
    owner = option_owner(p->c, text, len);
    if (owner)
        return cli_usage_error(cmd,
                               "--%.*s: not an option of this command (it is one of `trellis %s`)",
                               (int)len, text, owner);
    return cli_usage_error(cmd, "--%.*s: not an option of this command", (int)len, text);
}

/*
 * An option not in the table of a command that takes any setting: if it
 * names one, take its value (after '=' or the next argument) and, unless
 * this is the first pass, set it. EXIT_OK or EXIT_USAGE.
 */
static int any_setting(const struct parse *p, struct config *cfg, int argc, char **argv, bool first)
{
    const char *text = argv[optind - 1], *name, *value;
    char key[64], flag[64];
    size_t len;

    if (strncmp(text, "--", 2) != 0 || optopt != 0)
        return first ? EXIT_OK : bad_option(p, '?', argv);
    name = text + 2;
    len = strcspn(name, "=");
    if (len == 0 || len >= sizeof(key))
        return first ? EXIT_OK : bad_option(p, '?', argv);
    for (size_t i = 0; i < len; i++)
        key[i] = name[i] == '-' ? '_' : name[i];
    key[len] = '\0';
    if (!config_has(key))
        return first ? EXIT_OK : bad_option(p, '?', argv);
    if (name[len] == '=')
        value = name + len + 1;
    else if (optind < argc)
        value = argv[optind++]; /* getopt_long moves it with the option, as its own values */
    else
        return first ? EXIT_OK
                     : cli_usage_error(p->c->name, "--%.*s: needs a value", (int)len, name);
    if (first)
        return EXIT_OK;
    snprintf(flag, sizeof(flag), "%.*s", (int)len, name);
    return set_flag(p->c, cfg, flag, value);
}

/* Apply one option's value: EXIT_OK or EXIT_USAGE (printed). */
static int apply(const struct parse *p, const struct cli_option *o, const char *value,
                 struct cli_run *run, struct config *cfg)
{
    const char *cmd = p->c->name;
    char *field = (char *)run->args + o->field;
    char why[300];
    int64_t v;
    bool zone;

    switch (o->kind) {
    case CLI_KIND_BOOL:
        *(bool *)(void *)field = true;
        break;
    case CLI_KIND_STRING:
        *(const char **)(void *)field = value;
        break;
    case CLI_KIND_INT:
        if (str_to_int64(str_from(value), o->min, o->max, &v) < 0) {
            if (o->max == INT64_MAX)
                return cli_usage_error(cmd, "--%s: '%s' is not a number from %lld up", o->name,
                                       value, (long long)o->min);
            return cli_usage_error(cmd, "--%s: '%s' is not a number from %lld to %lld", o->name,
                                   value, (long long)o->min, (long long)o->max);
        }
        *(int64_t *)(void *)field = v;
        break;
    case CLI_KIND_TIME:
        if (time_parse_iso8601(str_from(value), true, &v, &zone) < 0)
            return cli_usage_error(cmd, "--%s: '%s' is not an ISO 8601 date-time", o->name, value);
        *(int64_t *)(void *)field = v;
        break;
    case CLI_KIND_CALL:
        why[0] = '\0';
        if (o->parse(field, value, why, sizeof(why)) < 0)
            return cli_usage_error(cmd, "--%s: %s", o->name, why[0] ? why : "not a valid value");
        break;
    case CLI_KIND_SETTING:
        return set_flag(p->c, cfg, o->name, value);
    case CLI_KIND_CONFIG:
        break; /* read in the first pass */
    case CLI_KIND_DISTRICT:
        run->district = value;
        break;
    }
    return EXIT_OK;
}

/*
 * One pass over argv. The first only notes --help and --config and reports
 * nothing; the second applies every option in order and stops at the
 * first bad one. EXIT_OK or EXIT_USAGE.
 */
static int scan(struct parse *p, struct cli_run *run, struct config *cfg, int argc, char **argv,
                bool first)
{
    int ch, rc;

    optind = 0; /* glibc: start over, the permutation of argv included */
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", p->lo, NULL)) != -1) {
        if (ch == VAL_HELP) {
            p->help = true;
            continue;
        }
        if (ch == '?' && optopt == 0 && p->c->spec->any_setting) {
            rc = any_setting(p, cfg, argc, argv, first);
            if (rc != EXIT_OK)
                return rc;
            continue;
        }
        if (ch == '?' || ch == ':') {
            if (first)
                continue;
            return bad_option(p, ch, argv);
        }
        const struct cli_option *o = &p->opts[ch - VAL_BASE];
        if (first) {
            if (o->kind == CLI_KIND_CONFIG)
                p->config_file = optarg;
            continue;
        }
        p->seen[ch - VAL_BASE] = true;
        rc = apply(p, o, optarg, run, cfg);
        if (rc != EXIT_OK)
            return rc;
    }
    return EXIT_OK;
}

/* Every CLI_REQUIRED option not given, named in one message: EXIT_OK or EXIT_USAGE. */
static int check_required(const struct parse *p)
{
    char msg[512] = "";
    size_t missing = 0, last = 0;

    for (size_t i = 0; i < p->n; i++)
        if ((p->opts[i].flags & CLI_REQUIRED) && !p->seen[i]) {
            missing++;
            last = i;
        }
    if (!missing)
        return EXIT_OK;
    for (size_t i = 0, k = 0; i < p->n; i++) {
        if (!(p->opts[i].flags & CLI_REQUIRED) || p->seen[i])
            continue;
        size_t used = strlen(msg);
        snprintf(msg + used, sizeof(msg) - used, "%s--%s",
                 k == 0      ? ""
                 : i == last ? " and "
                             : ", ",
                 p->opts[i].name);
        k++;
    }
    return cli_usage_error(p->c->name, "%s %s required", msg, missing > 1 ? "are" : "is");
}

/* The store, a context and the operator (of the district picked, for CLI_OPEN_DISTRICT). */
static int run_open(struct cli_run *run, const struct cli_spec *spec)
{
    struct store_options so = {.pool_size = 2, .readonly = spec->readonly};
    int64_t district_id = 0;
    int r;

    r = cli_open_store(run->cfg, &so, &run->store);
    if (r < 0)
        return r;
    ctx_init(&run->ctx, run->store, run->cfg, &run->arena, time_now_ms(), "cli");
    run->ctx.client_addr = "local";
    if (spec->open == CLI_OPEN_DISTRICT) {
        r = districts_pick(&run->ctx, run->district, &district_id);
        if (r < 0) {
            fprintf(stderr, "trellis: %s\n", run->ctx.err);
            return r;
        }
    }
    snprintf(run->op_name, sizeof(run->op_name), "cli:%s", run->cmd);
    principal_operator(&run->op, district_id, run->op_name);
    run->ctx.who = &run->op;
    return 0;
}

static void run_close(struct cli_run *run)
{
    if (!run->store)
        return;
    /* a backstop: whatever a command read under the gate's grants is audited before exit */
    if (access_pending(&run->ctx) && access_settle(&run->ctx) < 0)
        fprintf(stderr, "trellis: cannot write the audit log: %s\n", run->ctx.err);
    ctx_release(&run->ctx);
    store_close(run->store);
    run->store = NULL;
    arena_release(&run->arena);
}

int cli_main(const struct command *c, int argc, char **argv)
{
    const struct cli_spec *spec = c->spec;
    static const struct cli_option none[] = {{0}};
    struct parse p = {.c = c, .opts = spec->options ? spec->options : none};
    struct cli_run run = {.cmd = c->name};
    struct config cfg;
    bool with_config = spec->any_setting;
    int rc = EXIT_FAIL;

    while (p.opts[p.n].name) {
        if (p.opts[p.n].kind == CLI_KIND_SETTING || p.opts[p.n].kind == CLI_KIND_CONFIG)
            with_config = true;
        p.n++;
    }
    memset(&cfg, 0, sizeof(cfg));
    p.lo = mem_calloc(p.n + 2, sizeof(*p.lo));
    p.seen = mem_calloc(p.n + 1, sizeof(*p.seen));
    run.args = spec->args_size ? mem_calloc(1, spec->args_size) : NULL;
    if (!p.lo || !p.seen || (spec->args_size && !run.args)) {
        fprintf(stderr, "trellis: out of memory\n");
        goto out;
    }
    if (spec->defaults)
        memcpy(run.args, spec->defaults, spec->args_size);
    for (size_t i = 0; i < p.n; i++)
        p.lo[i] = (struct option){p.opts[i].name,
                                  p.opts[i].kind == CLI_KIND_BOOL ? no_argument : required_argument,
                                  NULL, VAL_BASE + (int)i};
    p.lo[p.n] = (struct option){"help", no_argument, NULL, VAL_HELP};

    scan(&p, &run, NULL, argc, argv, true);
    if (p.help) {
        print_help(c);
        rc = EXIT_OK;
        goto out;
    }
    if (with_config) {
        if (config_begin(&cfg, p.config_file) < 0)
            goto out;
        run.cfg = &cfg;
    }
    rc = scan(&p, &run, &cfg, argc, argv, false);
    if (rc != EXIT_OK)
        goto out;
    if (spec->operand && optind == argc) {
        rc = cli_usage_error(c->name, "expected one %s argument", spec->operand);
        goto out;
    }
    if (optind + (spec->operand ? 1 : 0) < argc) {
        rc = cli_usage_error(c->name, "unexpected argument '%s'",
                             argv[optind + (spec->operand ? 1 : 0)]);
        goto out;
    }
    if (spec->operand)
        *(const char **)(void *)((char *)run.args + spec->operand_field) = argv[optind];
    rc = check_required(&p);
    if (rc != EXIT_OK)
        goto out;
    if (with_config && config_end(&cfg) < 0) {
        rc = EXIT_USAGE;
        goto out;
    }
    if (spec->check) {
        rc = spec->check(&run);
        if (rc != EXIT_OK)
            goto out;
    }
    if (spec->open != CLI_OPEN_NONE && run_open(&run, spec) < 0) {
        rc = EXIT_FAIL;
        goto out;
    }
    rc = spec->run(&run);
out:
    run_close(&run);
    config_release(&cfg);
    mem_free(run.args);
    mem_free(p.seen);
    mem_free(p.lo);
    return rc;
}

int cli_open_store(const struct config *cfg, const struct store_options *opt, struct store **ret)
{
    char err[512];
    struct store_options o = *opt;
    int r;

    if (!o.key_file && cfg->key_file[0])
        o.key_file = cfg->key_file;
    r = store_open(cfg->db, &o, ret, err, sizeof(err));
    if (r < 0)
        fprintf(stderr, "trellis: %s\n", err);
    return r;
}

const char *cli_db_display(const char *db, char *buf, size_t n)
{
    const char *scheme = strstr(db, "://");
    if (!scheme || (strncmp(db, "postgresql://", 13) != 0 && strncmp(db, "postgres://", 11) != 0))
        return db;
    const char *auth = scheme + 3, *at = strchr(auth, '@');
    const char *slash = strchr(auth, '/');
    if (!at || (slash && slash < at))
        return db;
    const char *colon = memchr(auth, ':', (size_t)(at - auth));
    if (!colon)
        return db;
    snprintf(buf, n, "%.*s:***%s", (int)(colon - db), db, at);
    return buf;
}

int cli_run_fail(struct cli_run *run, int r)
{
    fprintf(stderr, "trellis %s: %s\n", run->cmd, run->ctx.err[0] ? run->ctx.err : strerror(-r));
    return r == -EINVAL ? EXIT_USAGE : EXIT_FAIL;
}

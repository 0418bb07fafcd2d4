/*
 * Shared CLI plumbing: see cli.h.
 */
#include "base/common.h"

#include <stdarg.h>
#include <stdio.h>

#include "app/access.h"
#include "app/clients.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "cli/cli.h"
#include "store/store.h"

#ifndef TRELLIS_WEB_ROOT
#define TRELLIS_WEB_ROOT "web"
#endif
const char *const cli_default_web_root = TRELLIS_WEB_ROOT;

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "trellis %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    cli_print_usage(cmd);
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

void cli_print_usage(const char *name)
{
    for (size_t i = 0; i < commands_count; i++)
        if (strcmp(commands[i].name, name) == 0)
            fprintf(stderr, "usage: trellis %s %s\n", commands[i].name, commands[i].usage);
}

int cli_config_begin(struct config *cfg, const char *config_file)
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

int cli_flag(struct config *cfg, const char *name, const char *value)
{
    char key[64], src[80], err[512];
    size_t n = strlen(name);
    int r;

    if (n >= sizeof(key))
        return -EINVAL;
    for (size_t i = 0; i <= n; i++)
        key[i] = name[i] == '-' ? '_' : name[i];
    snprintf(src, sizeof(src), "flag --%s", name);
    r = config_set(cfg, key, value, src, err, sizeof(err));
    if (r < 0)
        fprintf(stderr, "trellis: %s\n", err);
    return r;
}

int cli_config_finish(struct config *cfg)
{
    char err[512];
    int r = config_finish(cfg, err, sizeof(err));
    if (r < 0)
        fprintf(stderr, "trellis: config: %s\n", err);
    return r;
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

int cli_run_open(struct cli_run *run, const struct config *cfg, const char *district_sid,
                 const char *op_name)
{
    struct store_options so = {.pool_size = 2};
    int64_t district_id;
    int r;

    memset(run, 0, sizeof(*run));
    r = cli_open_store(cfg, &so, &run->store);
    if (r < 0)
        return r;
    ctx_init(&run->ctx, run->store, cfg, &run->arena, time_now_ms(), "cli");
    run->ctx.client_addr = "local";
    r = districts_pick(&run->ctx, district_sid, &district_id);
    if (r < 0) {
        fprintf(stderr, "trellis: %s\n", run->ctx.err);
        cli_run_close(run);
        return r;
    }
    principal_operator(&run->op, district_id, op_name);
    run->ctx.who = &run->op;
    return 0;
}

int cli_run_fail(struct cli_run *run, const char *cmd, int r)
{
    fprintf(stderr, "trellis %s: %s\n", cmd, run->ctx.err[0] ? run->ctx.err : strerror(-r));
    return r == -EINVAL ? EXIT_USAGE : EXIT_FAIL;
}

void cli_run_close(struct cli_run *run)
{
    /* a backstop: whatever a command read under the gate's grants is audited before exit */
    if (access_pending(&run->ctx) && access_settle(&run->ctx) < 0)
        fprintf(stderr, "trellis: cannot write the audit log: %s\n", run->ctx.err);
    ctx_release(&run->ctx);
    store_close(run->store);
    run->store = NULL;
    arena_release(&run->arena);
}

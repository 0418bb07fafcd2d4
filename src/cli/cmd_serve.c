/*
 * trellis serve: open the store (creating it and its key on first start),
 * load the web pages, serve until SIGINT or SIGTERM, then stop gracefully:
 * stop accepting, let requests in flight finish, close the store.
 *
 * The first line on stdout is "listening on http://HOST:PORT" (tests and
 * scripts read it, also with port 0); everything else goes to the log on
 * stderr.
 */
#include "base/common.h"

#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "app/lrs_forward.h"
#include "app/model.h"
#include "base/log.h"
#include "base/netaddr.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "http/server.h"
#include "http/webroot.h"
#include "store/store.h"

static const struct cli_option options[] = {
    CLI_OPTION_DB,
    {"listen", CLI_SETTING, .arg = "HOST:PORT",
     .help = "the address to serve on; port 0 picks a free one (setting listen)"},
    {"web-root", CLI_SETTING, .arg = "DIR", .help = "the web pages (setting web_root)"},
    {"threads", CLI_SETTING, .arg = "N",
     .help = "HTTP worker threads, 0: automatic (setting threads)"},
    {"log-level", CLI_SETTING, .arg = "LEVEL",
     .help = "error, warn, info or debug (setting log_level)"},
    {"base-url", CLI_SETTING, .arg = "URL",
     .help = "the public URL (setting base_url; default: http://<listen>)"},
    {"logo", CLI_SETTING, .arg = "FILE",
     .help = "the district's logo for every page: .png, .svg, .jpg or .webp (setting logo)"},
    CLI_OPTION_KEY_FILE,
    CLI_OPTION_CONFIG,
    {0},
};

static bool is_new_sqlite_file(const char *db)
{
    if (strncmp(db, "postgres", 8) == 0)
        return false;
    if (strncmp(db, "sqlite:", 7) == 0)
        db += 7;
    return access(db, F_OK) < 0;
}

/* Is the listening address reachable only from this machine? */
static bool loopback_only(const char *listen)
{
    char host[256];
    unsigned port;
    struct netaddr a;

    if (config_split_listen(listen, host, sizeof(host), &port) < 0)
        return false;
    if (strcmp(host, "localhost") == 0)
        return true;
    return netaddr_parse(str_from(host), &a) == 0 && netaddr_is_loopback(&a);
}

static int serve_run(struct cli_run *run)
{
    const struct config *cfg = run->cfg;
    struct store *store = NULL;
    struct webroot *web = NULL;
    struct server *srv = NULL;
    struct lrs_forwarder *fwd = NULL;
    struct model_follower *follower = NULL;
    char err[512];
    sigset_t sigs;
    int sig, rc = EXIT_FAIL;

    /* signals are taken by sigwait() below; worker threads inherit the mask */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    bool fresh = is_new_sqlite_file(cfg->db);
    struct store_options so = {.create = fresh, .create_key = fresh, .pool_size = 0};
    if (cfg->db_pool > 0)
        so.pool_size = (unsigned)cfg->db_pool;
    else
        so.pool_size = 2 * (unsigned)(cfg->threads > 0 ? cfg->threads : 8) + 4;
    if (cli_open_store(cfg, &so, &store) < 0)
        goto out;
    if (fresh)
        log_info("created a new empty database '%s' and its key (add a district with "
                 "`trellis import oneroster` or start over with `trellis init --demo`)",
                 cfg->db);
    if (webroot_load(cfg->web_root, &web, err, sizeof(err)) < 0) {
        fprintf(stderr, "trellis serve: %s\n", err);
        goto out;
    }
    /* logo: the district's logo, served from memory like the pages */
    if (cfg->logo[0]) {
        char url[32];
        snprintf(url, sizeof(url), "/brand/logo%s", config_logo_ext(cfg->logo));
        if (webroot_add_file(web, url, cfg->logo, 1024 * 1024, err, sizeof(err)) < 0) {
            fprintf(stderr, "trellis serve: logo: %s\n", err);
            goto out;
        }
    }
    if (server_start(cfg, store, web, &srv, err, sizeof(err)) < 0) {
        fprintf(stderr, "trellis serve: %s\n", err);
        goto out;
    }
    /* the learner model follows the LRS: every learner's mastery stays current */
    if (model_follower_start(store, cfg, &follower) < 0)
        log_warn("the learner model's follower did not start; mastery is brought up to date "
                 "when it is read");
    if (!cfg->tls_cert[0] && !loopback_only(cfg->listen))
        log_warn("serving plain HTTP on '%s', which other machines can reach: passwords and "
                 "session cookies would cross the network readable; serve HTTPS (tls_cert and "
                 "tls_key) or listen on 127.0.0.1 behind a TLS proxy (trusted_proxies); see "
                 "docs/DEPLOY.md",
                 cfg->listen);
    printf("listening on %s\n", server_base_url(srv));
    fflush(stdout);
    log_kv(LOG_INFO, "event=start url=%s store=%s pages=%zu", LOG_VALUE(server_base_url(srv)),
           LOG_VALUE(store_backend(store)), webroot_count(web));

    /* lrs_forward_url: forward the statements to an upstream LRS in the background */
    if (lrs_forward_start(store, cfg, &fwd) < 0) {
        fprintf(stderr, "trellis serve: cannot start the LRS forwarder\n");
        goto out;
    }
    if (fwd)
        log_kv(LOG_INFO, "event=lrs_forward_start target=%s", LOG_VALUE(cfg->lrs_forward_url));

    if (sigwait(&sigs, &sig) == 0)
        log_kv(LOG_INFO, "event=stopping signal=%s", sig == SIGINT ? "SIGINT" : "SIGTERM");
    lrs_forward_stop(fwd);
    fwd = NULL;
    server_stop(srv, 30000);
    srv = NULL;
    log_kv(LOG_INFO, "event=stopped");
    rc = EXIT_OK;
out:
    lrs_forward_stop(fwd);
    model_follower_stop(follower);
    server_stop(srv, 0);
    webroot_free(web);
    store_close(store);
    return rc;
}

const struct cli_spec cmd_serve = {
    .options = options,
    .run = serve_run,
};

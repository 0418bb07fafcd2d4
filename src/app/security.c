/*
 * The security self-check (security.h): file modes, the effective
 * settings, staff accounts, API clients, the audit log and backups.
 */
#include "base/common.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/audit.h"
#include "app/principal.h"
#include "app/security.h"
#include "base/buf.h"
#include "base/config.h"
#include "base/timeutil.h"
#include "store/store.h"
#include "store/store_security.h"

#define DAY_MS (24 * 3600 * 1000LL)

/* Append a check to checks: status "ok", "action" or "note"; items is taken (NULL: []). */
static int add_check(json_t *checks, const char *name, const char *status, json_t *items,
                     const char *fmt, ...) PRINTF_FMT(5, 6);
static int add_check(json_t *checks, const char *name, const char *status, json_t *items,
                     const char *fmt, ...)
{
    char summary[1024];
    va_list ap;
    json_t *o;

    va_start(ap, fmt);
    vsnprintf(summary, sizeof(summary), fmt, ap);
    va_end(ap);
    if (!items)
        items = json_array();
    o = items ? json_pack("{s:s, s:s, s:s, s:o}", "check", name, "status", status, "summary",
                          summary, "items", items)
              : NULL;
    if (!o || json_array_append_new(checks, o) < 0)
        return -ENOMEM;
    return 0;
}

/* A problem with a file path's mode or owner, as an item; NULL when none (or it is absent). */
static json_t *file_problem(const char *path, bool owner_only, bool *ret_missing)
{
    struct stat st;
    char why[300] = "";

    *ret_missing = false;
    if (stat(path, &st) < 0) {
        *ret_missing = true;
        return NULL;
    }
    if (owner_only && (st.st_mode & 077))
        snprintf(why, sizeof(why), "mode %03o: others can read it; run chmod 600",
                 (unsigned)(st.st_mode & 0777));
    else if (st.st_uid != geteuid())
        snprintf(why, sizeof(why), "owned by uid %u, not by uid %u who runs Trellis",
                 (unsigned)st.st_uid, (unsigned)geteuid());
    if (!why[0])
        return NULL;
    return json_pack("{s:s, s:s}", "path", path, "problem", why);
}

/* The directory of path is not writable by others (who could replace the file). */
static json_t *dir_problem(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    struct stat st;

    if (!slash)
        snprintf(dir, sizeof(dir), ".");
    else
        snprintf(dir, sizeof(dir), "%.*s", (int)(slash == path ? 1 : slash - path), path);
    if (stat(dir, &st) < 0 || !(st.st_mode & 022) || (st.st_mode & S_ISVTX))
        return NULL;
    return json_pack("{s:s, s:s}", "path", dir, "problem",
                     "others can write to the directory and so replace the file; run "
                     "chmod go-w on it");
}

static int check_files(struct ctx *c, json_t *checks)
{
    const struct config *cfg = c->cfg;
    struct buf key = BUF_INIT(4096);
    json_t *items = json_array();
    bool missing, sqlite = strcmp(store_backend(c->store), "sqlite") == 0;
    json_t *p;
    int r;

    if (!items)
        return -ENOMEM;
    r = cfg->key_file && cfg->key_file[0] ? buf_appends(&key, cfg->key_file)
                                          : buf_appendf(&key, "%s.key", cfg->db);
    if (r < 0)
        goto out;
    if ((p = file_problem(buf_cstr(&key), true, &missing)))
        json_array_append_new(items, p);
    if ((p = dir_problem(buf_cstr(&key))))
        json_array_append_new(items, p);
    r = json_array_size(items)
            ? add_check(checks, "key_file", "action", items, "the sealing key '%s' is exposed",
                        buf_cstr(&key))
            : add_check(checks, "key_file", "ok", items,
                        "the sealing key '%s' can be read by its owner only", buf_cstr(&key));
    if (r < 0)
        goto out;
    if (!sqlite) {
        r = add_check(checks, "database_files", "note", NULL,
                      "PostgreSQL keeps its own files: check its data directory, pg_hba.conf "
                      "and that connections use TLS");
        goto out;
    }
    items = json_array();
    if (!items) {
        r = -ENOMEM;
        goto out;
    }
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++) {
        char path[4200];
        snprintf(path, sizeof(path), "%s%s", cfg->db, suffixes[i]);
        if ((p = file_problem(path, true, &missing)))
            json_array_append_new(items, p);
    }
    if ((p = dir_problem(cfg->db)))
        json_array_append_new(items, p);
    r = json_array_size(items)
            ? add_check(checks, "database_files", "action", items,
                        "the database '%s' can be read by others (names and learning records are "
                        "stored in plain text; only sealed fields are not)",
                        cfg->db)
            : add_check(checks, "database_files", "ok", items,
                        "the database '%s' and its journal can be read by their owner only",
                        cfg->db);
out:
    buf_release(&key);
    return r;
}

static int check_transport(struct ctx *c, json_t *checks)
{
    const struct config *cfg = c->cfg;
    if (cfg->tls_cert && cfg->tls_cert[0])
        return add_check(checks, "transport", "ok", NULL,
                         "Trellis serves HTTPS itself (tls_cert '%s'); session cookies are Secure",
                         cfg->tls_cert);
    if (cfg->secure_cookies)
        return add_check(checks, "transport", "ok", NULL,
                         "cookies are marked Secure (secure_cookies = true): a TLS proxy serves "
                         "HTTPS in front of Trellis");
    return add_check(checks, "transport", "action", NULL,
                     "the effective settings serve plain HTTP and do not mark cookies Secure: set "
                     "tls_cert and tls_key, or secure_cookies = true behind a TLS proxy (run the "
                     "check with the server's --config)");
}

static int account_item(const struct security_account *a, void *arg)
{
    char last[40] = "never";
    if (a->last_login_at)
        time_format_iso8601(a->last_login_at, last);
    json_t *o = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s}", "district", a->district, "account_id",
                          (json_int_t)a->account_id, "login", a->login, "name", a->name, "role",
                          a->role, "last_login", last);
    return o && json_array_append_new(arg, o) == 0 ? 0 : -ENOMEM;
}

static int check_accounts(struct ctx *c, struct db *db, const struct security_options *o,
                          json_t *checks)
{
    int64_t days = o->stale_days > 0 ? o->stale_days : 90;
    json_t *items = json_array();
    int r = items ? store_security_admins_without_mfa(db, account_item, items) : -ENOMEM;

    if (r < 0)
        goto fail;
    r = json_array_size(items)
            ? add_check(checks, "second_factor", "action", items,
                        "%zu %s no second factor: their password alone lets anyone who has it "
                        "enrol an authenticator of their own",
                        json_array_size(items),
                        json_array_size(items) == 1 ? "administrator has" : "administrators have")
            : add_check(checks, "second_factor", "ok", items,
                        "every administrator has a second factor");
    items = NULL;
    if (r < 0)
        goto fail;
    items = json_array();
    r = items ? store_security_stale_accounts(db, c->now_ms - days * DAY_MS, account_item, items)
              : -ENOMEM;
    if (r < 0)
        goto fail;
    return json_array_size(items)
               ? add_check(checks, "stale_accounts", "action", items,
                           "%zu %s still log in but %s not in %lld days (or never): "
                           "turn them off (trellis admin disable) or have them removed from the "
                           "roster",
                           json_array_size(items),
                           json_array_size(items) == 1 ? "account can" : "accounts can",
                           json_array_size(items) == 1 ? "has" : "have", (long long)days)
               : add_check(checks, "stale_accounts", "ok", items,
                           "every account that can log in did within %lld days", (long long)days);
fail:
    json_decref(items);
    return ctx_fail(c, r, "cannot read the accounts");
}

static int client_item(const struct security_client *cl, void *arg)
{
    char at[40];
    time_format_iso8601(cl->created_at, at);
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "district", cl->district, "name", cl->name,
                          "key", cl->key, "created", at, "problem", "no agreement on file");
    return o && json_array_append_new(arg, o) == 0 ? 0 : -ENOMEM;
}

static int check_clients(struct ctx *c, struct db *db, json_t *checks)
{
    json_t *items = json_array();
    int r = items ? store_security_clients(db, client_item, items) : -ENOMEM;
    if (r < 0) {
        json_decref(items);
        return ctx_fail(c, r, "cannot read the API clients");
    }
    return json_array_size(items)
               ? add_check(checks, "api_clients", "action", items,
                           "%zu %s in force with no data-sharing agreement on file "
                           "(Trellis keeps no agreement record yet): revoke those without one "
                           "(trellis admin revoke-client)",
                           json_array_size(items),
                           json_array_size(items) == 1 ? "API client is" : "API clients are")
               : add_check(checks, "api_clients", "ok", items, "no API client is in force");
}

static int alert_item(const struct security_alert *al, void *arg)
{
    char at[40];
    time_format_iso8601(al->at, at);
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "at", at, "district", al->district,
                          "actor_kind", al->actor_kind, "actor", al->actor, "outcome", al->outcome,
                          "detail", al->detail);
    return o && json_array_append_new(arg, o) == 0 ? 0 : -ENOMEM;
}

static int check_export_alerts(struct ctx *c, struct db *db, const struct security_options *o,
                               json_t *checks)
{
    int64_t days = o->alert_days > 0 ? o->alert_days : 30;
    json_t *items = json_array();
    int r =
        items ? store_security_export_alerts(db, c->now_ms - days * DAY_MS, 100, alert_item, items)
              : -ENOMEM;
    if (r < 0) {
        json_decref(items);
        return ctx_fail(c, r, "cannot read the audit log's alerts");
    }
    return json_array_size(items)
               ? add_check(checks, "export_alerts", "action", items,
                           "the bulk-export tripwire went off %zu %s in the last %lld days: make "
                           "sure each was expected (trellis audit show); an API client or the "
                           "operator is never stopped by it",
                           json_array_size(items), json_array_size(items) == 1 ? "time" : "times",
                           (long long)days)
               : add_check(checks, "export_alerts", "ok", items,
                           "no bulk export set off the tripwire in the last %lld days",
                           (long long)days);
}

static int check_audit(struct ctx *c, const struct security_options *o, json_t *checks)
{
    struct audit_verify_report rep;
    int r = o->checkpoint ? audit_verify_checkpoint(c, o->checkpoint, o->checkpoint_len, &rep)
                          : audit_verify(c, &rep);
    if (r == -EBADMSG)
        return add_check(checks, "audit_chain", "action", NULL,
                         "the audit log was tampered with: %s%s", rep.problem,
                         rep.n_problems > 1 ? " (and more: run trellis audit verify)" : "");
    if (r == -EINVAL && o->checkpoint)
        return add_check(checks, "audit_chain", "action", NULL, "the checkpoint '%s': %s",
                         o->checkpoint_name, c->err);
    if (r < 0)
        return r;
    if (!o->checkpoint)
        return add_check(checks, "audit_chain", "action", NULL,
                         "intact (%ld entries in %ld chains), but no checkpoint was given: a "
                         "database rolled back whole to an older copy would go unseen; take one "
                         "with trellis audit checkpoint, keep it off this server and pass "
                         "--checkpoint FILE",
                         rep.entries, rep.chains);
    return add_check(checks, "audit_chain", "ok", NULL,
                     "intact (%ld entries in %ld chains) and nothing the checkpoint '%s' recorded "
                     "is missing",
                     rep.entries, rep.chains, o->checkpoint_name);
}

static int check_backup(struct ctx *c, struct db *db, const struct security_options *o,
                        json_t *checks)
{
    int64_t hours = o->backup_max_hours > 0 ? o->backup_max_hours : 48, at = 0;
    char detail[512], when[40];
    int r;

    if (strcmp(store_backend(c->store), "sqlite") != 0)
        return add_check(checks, "backup", "note", NULL,
                         "PostgreSQL is backed up with pg_dump, which Trellis does not see: "
                         "check that it runs at least every %lld hours and that its copies "
                         "are kept apart from the key file",
                         (long long)hours);
    r = store_security_last_backup(db, &at, detail, sizeof(detail));
    if (r == -ENOENT)
        return add_check(checks, "backup", "action", NULL,
                         "no backup was ever recorded: make one with trellis backup (it records "
                         "each one) at least every %lld hours, and keep the key file elsewhere",
                         (long long)hours);
    if (r < 0)
        return ctx_fail(c, r, "cannot read the last backup");
    time_format_iso8601(at, when);
    json_t *items = json_pack("[{s:s, s:s, s:I}]", "at", when, "detail", detail, "age_hours",
                              (json_int_t)((c->now_ms - at) / 3600000));
    if (!items)
        return -ENOMEM;
    if (c->now_ms - at > hours * 3600000LL)
        return add_check(checks, "backup", "action", items,
                         "the last backup is %lld hours old (%s), more than %lld: make one with "
                         "trellis backup",
                         (long long)((c->now_ms - at) / 3600000), when, (long long)hours);
    return add_check(checks, "backup", "ok", items, "the last backup is %lld hours old (%s)",
                     (long long)((c->now_ms - at) / 3600000), when);
}

int security_check(struct ctx *c, const struct security_options *o, json_t **ret)
{
    json_t *checks = json_array(), *out = NULL;
    struct db *db = NULL;
    size_t i, actions = 0;
    json_t *x;
    int r;

    if (!c->who || c->who->kind != PRINCIPAL_OPERATOR)
        return ctx_fail(c, -EACCES, "only the server's operator can run the security check");
    if (!checks)
        return -ENOMEM;
    r = check_files(c, checks);
    if (r >= 0)
        r = check_transport(c, checks);
    if (r >= 0)
        r = ctx_db(c, &db);
    if (r >= 0)
        r = check_accounts(c, db, o, checks);
    if (r >= 0)
        r = check_clients(c, db, checks);
    if (r >= 0)
        r = check_export_alerts(c, db, o, checks);
    if (r >= 0)
        r = check_audit(c, o, checks);
    if (r >= 0)
        r = check_backup(c, db, o, checks);
    if (r < 0) {
        json_decref(checks);
        return r;
    }
    json_array_foreach(checks, i, x) actions +=
        strcmp(json_string_value(json_object_get(x, "status")), "action") == 0;
    out = json_pack("{s:I, s:o}", "needs_action", (json_int_t)actions, "checks", checks);
    if (!out)
        return -ENOMEM;
    *ret = out;
    return 0;
}

static int backup_fn(struct db *db, void *arg)
{
    void **a = arg;
    struct ctx *c = a[0];
    char detail[600];
    snprintf(detail, sizeof(detail), "a backup of the database written to '%s'",
             (const char *)a[1]);
    struct audit_entry e = {
        .district_id = 0, .action = "admin", .object = "backup", .detail = detail};
    return audit_append(c, db, &e);
}

int security_backup_recorded(struct ctx *c, const char *path)
{
    struct db *db;
    void *a[2] = {c, (void *)path};
    int r;

    if (!c->who || c->who->kind != PRINCIPAL_OPERATOR)
        return ctx_fail(c, -EACCES, "only the server's operator records backups");
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    r = store_tx(db, backup_fn, a);
    return r < 0 ? ctx_fail(c, r, "cannot record the backup in the audit log") : 0;
}

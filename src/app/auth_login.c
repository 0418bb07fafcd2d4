/*
 * Logging in (see auth.h): with a name, a password and a second factor, or
 * with a login card's code; the throttle that slows guessing; one
 * transaction records the outcome, its audit entry and the new session.
 */
#include "base/common.h"

#include <sodium.h>
#include <stdio.h>

#include "app/audit.h"
#include "app/auth_internal.h"
#include "base/arena.h"
#include "store/store.h"

/* ---- throttling ---- */

void auth_throttle_keys(struct ctx *c, const char *login, struct throttle *t)
{
    int64_t n = c->cfg->login_max_failures;
    memset(t, 0, sizeof(*t));
    if (login) {
        auth_keyed(c, "throttle-pair", login, c->client_addr, t->key[TK_PAIR]);
        auth_keyed(c, "throttle-name", login, NULL, t->key[TK_NAME]);
        t->used[TK_PAIR] = t->used[TK_NAME] = true;
    }
    auth_keyed(c, "throttle-addr", c->client_addr, NULL, t->key[TK_ADDR]);
    t->used[TK_ADDR] = true;
    t->limit[TK_PAIR] = n;
    t->limit[TK_NAME] = 5 * n;
    t->limit[TK_ADDR] = 10 * n;
}

/* Seconds to wait before the next attempt (0: go ahead). */
static int throttle_wait(struct ctx *c, struct db *db, const struct throttle *t, int64_t *ret_s)
{
    int64_t wait = 0;
    for (int k = 0; k < TK_N; k++) {
        struct throttle_row row;
        if (!t->used[k])
            continue;
        int r = store_throttle_get(db, t->key[k], &row);
        if (r == -ENOENT)
            continue;
        if (r < 0)
            return r;
        if (row.blocked_until > c->now_ms)
            wait = MAX(wait, (row.blocked_until - c->now_ms + 999) / 1000);
    }
    *ret_s = wait;
    return 0;
}

static int throttle_fail(struct ctx *c, struct db *db, const struct throttle *t)
{
    for (int k = 0; k < TK_N; k++) {
        struct throttle_row row = {0, 0, 0, 0};
        if (!t->used[k])
            continue;
        int r = store_throttle_get(db, t->key[k], &row);
        if (r < 0 && r != -ENOENT)
            return r;
        if (r == -ENOENT || c->now_ms - row.last_failure_at > DAY_MS)
            row.failures = 0;
        row.failures++;
        row.last_failure_at = c->now_ms;
        if (row.failures >= t->limit[k]) {
            int64_t over = MIN(row.failures - t->limit[k], 12);
            row.blocked_until = c->now_ms + MIN((int64_t)1000 << over, HOUR_MS);
        }
        r = store_throttle_put(db, t->key[k], &row);
        if (r < 0)
            return r;
    }
    return 0;
}

static int throttle_success(struct db *db, const struct throttle *t)
{
    int r = 0;
    if (t->used[TK_PAIR])
        r = store_throttle_clear(db, t->key[TK_PAIR]);
    if (r == 0 && t->used[TK_NAME])
        r = store_throttle_clear(db, t->key[TK_NAME]);
    return r;
}

/* ---- login ---- */

struct login_tx {
    struct auth_login *ret;
    const struct account_row *a; /* NULL: unknown name */
    const struct throttle *t;
    const char *login;
    bool password_ok;
    const char *second;
    const char *how; /* "password" or "card" */
    int64_t card_user;
};

static int login_unit(struct db *db, void *arg, struct ctx *c)
{
    struct login_tx *x = arg;
    const struct account_row *a = x->a;
    struct audit_entry e = {.action = "login", .object = "session"};
    char detail[160], obj[48];
    const char *method2 = NULL;
    int r;

    x->ret->refusal = AUTH_INVALID;
    if (a) {
        snprintf(obj, sizeof(obj), "account:%lld", (long long)a->id);
        e.object = obj;
        e.district_id = a->district_id;
        e.actor_name = a->login;
        e.actor_account_id = a->id;
        if (a->user_id) {
            e.subjects = &a->user_id;
            e.n_subjects = 1;
        }
    }
    if (!a || !x->password_ok) {
        snprintf(detail, sizeof(detail), "%s: %s", x->how,
                 a ? (x->card_user ? "revoked card" : "wrong password") : "unknown name or code");
        goto failed;
    }
    if (a->disabled_at || !a->roster_active) {
        snprintf(detail, sizeof(detail), "%s right, but the account is %s", x->how,
                 a->disabled_at ? "turned off" : "deactivated in the roster");
        goto failed;
    }
    if (x->card_user && strcmp(a->roster_role, "student") != 0) {
        snprintf(detail, sizeof(detail), "card: login cards are for students only");
        goto failed;
    }
    if (!x->card_user && a->totp_sealed_len) {
        if (!x->second || !x->second[0]) {
            /* the password was right: ask for the second factor (not a failure) */
            x->ret->refusal = AUTH_NEED_SECOND;
            e.action = "login";
            e.outcome = "failed";
            e.detail = "password right; second factor needed";
            return audit_append(c, db, &e);
        }
        r = auth_check_second(c, db, a, x->second, &method2);
        if (r < 0)
            return r;
        if (r == 0) {
            snprintf(detail, sizeof(detail), "password right, second factor wrong or used before");
            goto failed;
        }
    }
    r = throttle_success(db, x->t);
    if (r < 0)
        return r;
    char method[48];
    snprintf(method, sizeof(method), "%s%s%s", x->how, method2 ? "+" : "", method2 ? method2 : "");
    r = auth_new_session(c, db, a, method, method2 != NULL, x->ret);
    if (r < 0)
        return r;
    x->ret->refusal = AUTH_OK;
    snprintf(detail, sizeof(detail), "session %lld by %s", (long long)x->ret->who->session_id,
             method);
    e.detail = detail;
    return audit_append(c, db, &e);
failed:
    r = throttle_fail(c, db, x->t);
    if (r < 0)
        return r;
    e.action = "login_failed";
    e.outcome = "failed";
    e.detail = detail;
    if (!a) {
        e.actor_name = "(unknown)";
        e.district_id = 0;
    }
    return audit_append(c, db, &e);
}

struct tx_arg {
    struct ctx *c;
    struct login_tx *x;
};

static int login_tx_fn(struct db *db, void *arg)
{
    struct tx_arg *t = arg;
    return login_unit(db, t->x, t->c);
}

static int throttled(struct ctx *c, struct db *db, const struct throttle *t, struct auth_login *ret)
{
    int64_t wait;
    int r = throttle_wait(c, db, t, &wait);
    if (r < 0)
        return ctx_fail(c, r, "cannot check the login throttle");
    if (wait > 0) {
        ret->refusal = AUTH_THROTTLED;
        ret->retry_after_s = wait;
        return 1;
    }
    return 0;
}

/*
 * A password login between its halves: what the first half found, and the
 * work it hands to the pool. In the ctx's arena, which lives as long as the
 * request (a suspended request is not finished).
 */
struct auth_pending {
    struct auth_job job; /* first: the pool hands back this pointer */
    struct ctx *c;       /* the request's context (the caller's thread) */
    struct ctx pc;       /* a copy for the pool's thread, with its own connection */
    struct auth_login *ret;
    char login[128];
    char *password;     /* sodium_malloc()ed copy, freed once checked */
    const char *second; /* arena copy, or NULL */
    struct throttle t;
    int result;
};

static int login_begin(struct ctx *c, const char *username, const char *password,
                       const char *second, bool pool, struct auth_login *ret,
                       struct auth_pending **ret_p)
{
    struct auth_pending *p = NULL;
    struct db *db;
    size_t n;
    int r;

    memset(ret, 0, sizeof(*ret));
    *ret_p = NULL;
    if (!username || !username[0] || strlen(username) >= sizeof(p->login))
        return ctx_fail(c, -EINVAL, "username: must be 1 to %zu characters", sizeof(p->login) - 1);
    if (!password || strlen(password) > AUTH_PASSWORD_MAX)
        return ctx_fail(c, -EINVAL, "password: must be at most %d bytes", AUTH_PASSWORD_MAX);
    if (second && strlen(second) > 64)
        return ctx_fail(c, -EINVAL, "totp: must be a 6-digit code or a recovery code");
    if (pool) {
        /* a place in the pool before anything else: a flood costs no more than this */
        r = auth_pool_reserve();
        if (r == -EBUSY) {
            ret->refusal = AUTH_BUSY;
            ret->retry_after_s = 1;
            return 0;
        }
        if (r < 0)
            return ctx_fail(c, r == -EAGAIN ? -EBUSY : r, "cannot check passwords now");
    }
    p = arena_calloc(c->arena, 1, sizeof(*p));
    if (!p) {
        r = ctx_fail(c, -ENOMEM, "out of memory");
        goto fail;
    }
    p->c = c;
    p->ret = ret;
    auth_lower_login(username, p->login, sizeof(p->login));
    if (second) {
        p->second = arena_strdup(c->arena, second);
        if (!p->second) {
            r = ctx_fail(c, -ENOMEM, "out of memory");
            goto fail;
        }
    }
    r = ctx_db(c, &db);
    if (r < 0)
        goto fail;
    auth_throttle_keys(c, p->login, &p->t);
    /* a read: an attempt that must wait is answered here, without a hash */
    r = throttled(c, db, &p->t, ret);
    if (r != 0)
        goto fail;
    n = strlen(password);
    p->password = sodium_malloc(n + 1);
    if (!p->password) {
        r = ctx_fail(c, -ENOMEM, "out of memory");
        goto fail;
    }
    memcpy(p->password, password, n + 1);
    *ret_p = p;
    return 0;
fail:
    /* refused (r == 1: the throttle answered) or failed: the place goes back */
    if (pool)
        auth_pool_unreserve();
    return r < 0 ? r : 0;
}

/* The rest of a login, on the thread that checks the password: read, check, record. */
static int login_run(struct ctx *c, struct auth_pending *p)
{
    struct account_row a;
    struct db *db;
    bool found, ok;
    int r = ctx_db(c, &db);

    if (r < 0)
        goto out;
    r = store_account_by_login(db, p->login, &a);
    if (r < 0 && r != -ENOENT) {
        r = ctx_fail(c, r, "cannot read the accounts");
        goto out;
    }
    found = r == 0;
    ok = auth_verify_password(found ? a.password_hash : NULL, p->password);
    struct login_tx x = {p->ret, found ? &a : NULL, &p->t, p->login, ok, p->second, "password", 0};
    struct tx_arg ta = {c, &x};
    r = store_tx(db, login_tx_fn, &ta);
    if (r < 0)
        r = ctx_fail(c, r, "cannot record the login");
    sodium_memzero(&a, sizeof(a));
out:
    sodium_free(p->password);
    p->password = NULL;
    return r;
}

/* On a pool thread: the whole rest, so no HTTP worker waits for a hash or a write. */
static void run_on_pool(struct auth_job *j)
{
    struct auth_pending *p = (struct auth_pending *)j;
    p->result = login_run(&p->pc, p);
    ctx_release(&p->pc);
}

int auth_login_begin(struct ctx *c, const char *username, const char *password, const char *second,
                     struct auth_login *ret, struct auth_pending **ret_p)
{
    return login_begin(c, username, password, second, true, ret, ret_p);
}

void auth_login_submit(struct auth_pending *p, void (*done)(void *arg), void *arg)
{
    /*
     * The pool works on a copy of the context: the caller's thread still
     * gives back the connection it holds, and nobody else touches the
     * arena until done() (the request waits suspended).
     */
    p->pc = *p->c;
    p->pc.db = NULL;
    p->pc.err[0] = '\0';
    p->job.run = run_on_pool;
    p->job.done = done;
    p->job.arg = arg;
    auth_pool_submit(&p->job);
}

int auth_login_finish(struct ctx *c, struct auth_pending *p)
{
    if (p->result < 0)
        memcpy(c->err, p->pc.err, sizeof(c->err));
    return p->result;
}

int auth_login_password(struct ctx *c, const char *username, const char *password,
                        const char *second, struct auth_login *ret)
{
    struct auth_pending *p;
    int r = login_begin(c, username, password, second, false, ret, &p);
    if (r < 0 || !p)
        return r;
    return login_run(c, p);
}

/* A card code as typed or read from the QR code: the 12 characters, upper case. */
static int normalise_card(const char *in, char out[AUTH_CARD_LEN + 1])
{
    size_t j = 0;
    const char *hash = strchr(in, '#');
    if (hash)
        in = hash + 1; /* the whole URL was given */
    for (; *in; in++) {
        char ch = *in;
        if (ch == '-' || ch == ' ')
            continue;
        if (ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 'a' + 'A');
        if (!strchr(auth_code_alphabet, ch) || j >= AUTH_CARD_LEN)
            return -EINVAL;
        out[j++] = ch;
    }
    out[j] = '\0';
    return j == AUTH_CARD_LEN ? 0 : -EINVAL;
}

int auth_login_card(struct ctx *c, const char *code, struct auth_login *ret)
{
    char norm[AUTH_CARD_LEN + 1];
    uint8_t idx[SEAL_INDEX_LEN];
    struct account_row a;
    struct card_row card;
    struct throttle t;
    struct db *db;
    bool found = false;
    int r;

    memset(ret, 0, sizeof(*ret));
    if (!code || strlen(code) > 512)
        return ctx_fail(c, -EINVAL, "code: must be the code printed on the card");
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    auth_throttle_keys(c, NULL, &t);
    r = throttled(c, db, &t, ret);
    if (r != 0)
        return r < 0 ? r : 0;
    if (normalise_card(code, norm) == 0) {
        auth_keyed(c, "card", norm, NULL, idx);
        r = store_card_by_index(db, idx, &card);
        if (r < 0 && r != -ENOENT)
            return ctx_fail(c, r, "cannot read the login cards");
        if (r == 0) {
            r = store_account_by_user(db, card.district_id, card.user_id, &a);
            if (r < 0 && r != -ENOENT)
                return ctx_fail(c, r, "cannot read the accounts");
            found = r == 0;
        }
    }
    struct login_tx x = {ret,    found ? &a : NULL,       &t, NULL, found && !card.revoked_at, NULL,
                         "card", found ? card.user_id : 0};
    struct tx_arg ta = {c, &x};
    r = store_tx(db, login_tx_fn, &ta);
    sodium_memzero(norm, sizeof(norm));
    if (r < 0)
        return ctx_fail(c, r, "cannot record the login");
    return 0;
}

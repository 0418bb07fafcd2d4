/*
 * Logging in (see auth.h): with a name, a password and a second factor, or
 * with a login card's code. Each attempt is first checked against the
 * throttle and counted in one step (auth_throttle.c); one transaction then
 * records the outcome, its audit entry, the throttle's forgiving or taking
 * back, and the new session.
 */
#include "base/common.h"

#include <sodium.h>
#include <stdio.h>

#include "app/audit.h"
#include "app/auth_internal.h"
#include "base/arena.h"
#include "store/store.h"
#include "store/store_security.h"

/* ---- the outcome ---- */

struct login_tx {
    struct auth_login *ret;
    const struct account_row *a; /* NULL: unknown name or code */
    struct throttle *t;          /* the attempt, counted as a failure until shown otherwise */
    struct throttle *t2;         /* the second factor's attempt when one was given, else NULL */
    bool password_ok;            /* the password or the card was right */
    const char *second;
    const char *how; /* "password" or "card" */
    int64_t card_user;
    int64_t card_id; /* the card logging in, or 0 */
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
    bool stale = false;
    if (!a->disabled_at && a->roster_active && !a->user_id) {
        /*
         * a local staff account (a contractor, support: no roster ends it) unused for
         * AUTH_STALE_DAYS is off until an administrator gives it a new password
         */
        int64_t last = 0;
        r = store_account_last_use(db, a->id, &last);
        if (r < 0)
            return r;
        stale = c->now_ms - last > AUTH_STALE_DAYS * 86400000LL;
    }
    if (a->disabled_at || !a->roster_active || stale) {
        /*
         * the right password (or card) for an account that is off: say so,
         * which tells nothing to anyone without it; not a guess to count
         */
        r = auth_throttle_refund(c, db, x->t);
        if (r == 0 && x->t2)
            r = auth_throttle_refund(c, db, x->t2);
        if (r < 0)
            return r;
        x->ret->refusal = AUTH_DISABLED;
        char why[120];
        snprintf(why, sizeof(why), "%s",
                 a->disabled_at ? "turned off" : "deactivated in the roster");
        if (stale)
            snprintf(why, sizeof(why),
                     "a local account unused for over %d days (a new password "
                     "from an administrator turns it on)",
                     AUTH_STALE_DAYS);
        snprintf(detail, sizeof(detail), "%s right, but the account is %s", x->how, why);
        e.action = "login_failed";
        e.outcome = "denied";
        e.detail = detail;
        return audit_append(c, db, &e);
    }
    if (x->card_user && strcmp(a->roster_role, "student") != 0) {
        snprintf(detail, sizeof(detail), "card: login cards are for students only");
        goto failed;
    }
    if (!x->card_user && a->totp_sealed_len) {
        if (!x->second || !x->second[0]) {
            /* the password was right: ask for the second factor (not a failure) */
            r = auth_throttle_refund(c, db, x->t);
            if (r < 0)
                return r;
            x->ret->refusal = AUTH_NEED_SECOND;
            e.action = "login";
            e.outcome = "failed";
            e.detail = "password right; second factor needed";
            return audit_append(c, db, &e);
        }
        /* the second factor's attempt was counted with the password's (auth_login_run) */
        r = auth_check_second(c, db, a, x->second, &method2);
        if (r < 0)
            return r;
        if (r == 0) {
            /* a wrong code is the second factor's failure, not the password's */
            r = auth_throttle_refund(c, db, x->t);
            if (r < 0)
                return r;
            x->t2 = NULL; /* stays counted */
            snprintf(detail, sizeof(detail), "password right, second factor wrong or used before");
            goto failed;
        }
        r = auth_throttle_success(c, db, x->t2);
        if (r < 0)
            return r;
        x->t2 = NULL;
    }
    if (x->card_user) {
        /* a right card is no failure of the address; and this address is the student's */
        r = auth_throttle_refund(c, db, x->t);
        if (r == 0)
            r = auth_throttle_remember(c, db, x->t);
    } else {
        r = auth_throttle_success(c, db, x->t);
    }
    if (r == 0 && x->t2)
        r = auth_throttle_refund(c, db, x->t2); /* a code given, none needed */
    if (r < 0)
        return r;
    char method[48];
    snprintf(method, sizeof(method), "%s%s%s", x->how, method2 ? "+" : "", method2 ? method2 : "");
    r = auth_new_session(c, db, a, method, method2 != NULL, x->card_id, x->ret);
    if (r < 0)
        return r;
    x->ret->refusal = AUTH_OK;
    snprintf(detail, sizeof(detail), "session %lld by %s", (long long)x->ret->who->session_id,
             method);
    e.detail = detail;
    return audit_append(c, db, &e);
failed:
    /* the attempt stays counted; a second factor that was not checked is taken back */
    if (x->t2) {
        r = auth_throttle_refund(c, db, x->t2);
        if (r < 0)
            return r;
    }
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
    int64_t account_id;       /* the account whose password was checked, or 0 */
    const char *checked_hash; /* the hash it was checked against */
};

/*
 * The outcome of a password login, with the account read again in the
 * transaction: a password changed while it was being checked was not the
 * one checked.
 */
static int login_tx_fn(struct db *db, void *arg)
{
    struct tx_arg *t = arg;
    struct account_row a;
    int r;

    t->x->a = NULL;
    if (t->account_id) {
        r = store_account_by_id(db, t->account_id, &a);
        if (r < 0 && r != -ENOENT)
            return r;
        if (r == 0)
            t->x->a = &a;
        t->x->password_ok =
            t->x->password_ok && r == 0 && strcmp(a.password_hash, t->checked_hash) == 0;
    }
    r = login_unit(db, t->x, t->c);
    if (t->x->a)
        sodium_memzero(&a, sizeof(a));
    t->x->a = NULL;
    return r;
}

/* ---- logging in with a password ---- */

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
    struct throttle t, t2;
    int result;
};

/*
 * The throttle's answer for the password and, when one is given, the
 * second factor: 1 and ret->refusal when the attempt must wait (nothing
 * counted), else 0, and with count the attempt is counted on both now.
 */
static int throttle_step(struct ctx *c, struct db *db, struct auth_pending *p, bool count,
                         struct auth_login *ret)
{
    int64_t wait = 0, wait2 = 0;
    int r = auth_throttle_check(c, db, &p->t, &wait);
    if (r == 0 && p->second)
        r = auth_throttle_check(c, db, &p->t2, &wait2);
    if (r < 0)
        return ctx_fail(c, r, "cannot check the login throttle");
    if (wait > 0 || wait2 > 0) {
        ret->refusal = AUTH_THROTTLED;
        ret->retry_after_s = MAX(wait, wait2);
        return 1;
    }
    if (count) {
        r = auth_throttle_count(c, db, &p->t);
        if (r == 0 && p->second)
            r = auth_throttle_count(c, db, &p->t2);
        if (r < 0)
            return r;
    }
    return 0;
}

struct attempt_arg {
    struct ctx *c;
    struct auth_pending *p;
    struct account_row *a;
    bool found, refused;
};

/* The check and the count in one write transaction (and the account, read in it). */
static int attempt_fn(struct db *db, void *arg)
{
    struct attempt_arg *x = arg;
    int r = throttle_step(x->c, db, x->p, true, x->p->ret);
    if (r != 0) {
        x->refused = r > 0;
        return r < 0 ? r : 0;
    }
    r = store_account_by_login(db, x->p->login, x->a);
    if (r < 0 && r != -ENOENT)
        return r;
    x->found = r == 0;
    return 0;
}

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
    if (second && second[0]) {
        p->second = arena_strdup(c->arena, second);
        if (!p->second) {
            r = ctx_fail(c, -ENOMEM, "out of memory");
            goto fail;
        }
    }
    auth_throttle_keys(c, AUTH_FACTOR_PASSWORD, p->login, &p->t);
    auth_throttle_keys(c, AUTH_FACTOR_SECOND, p->login, &p->t2);
    if (pool) {
        /* a read: an attempt that must wait is answered here, without queueing */
        r = ctx_db(c, &db);
        if (r < 0)
            goto fail;
        r = throttle_step(c, db, p, false, ret);
        if (r != 0)
            goto fail;
    }
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

/*
 * The rest of a login, on the thread that checks the password: the
 * throttle's check and count (one transaction), the password, and the
 * outcome (another).
 */
static int login_run(struct ctx *c, struct auth_pending *p)
{
    struct account_row a;
    struct db *db;
    bool ok;
    int r = ctx_db(c, &db);

    if (r < 0)
        goto out;
    struct attempt_arg at = {c, p, &a, false, false};
    r = store_tx(db, attempt_fn, &at);
    if (r < 0) {
        r = ctx_fail(c, r, "cannot check the login throttle");
        goto out;
    }
    if (at.refused)
        goto out; /* p->ret says how long to wait */
    ok = auth_verify_password(at.found ? a.password_hash : NULL, p->password);
    struct login_tx x = {p->ret,     NULL, &p->t, p->second ? &p->t2 : NULL, ok, p->second,
                         "password", 0,    0};
    struct tx_arg ta = {c, &x, at.found ? a.id : 0, a.password_hash};
    r = store_tx(db, login_tx_fn, &ta);
    if (r < 0)
        r = ctx_fail(c, r, "cannot record the login");
out:
    sodium_memzero(&a, sizeof(a));
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

/* ---- logging in with a card ---- */

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

struct card_arg {
    struct ctx *c;
    const char *code; /* normalised, or NULL when it cannot be a card's */
    struct auth_login *ret;
};

/* Find the card, check and count the attempt, record the outcome: one transaction. */
static int card_fn(struct db *db, void *arg)
{
    struct card_arg *y = arg;
    struct ctx *c = y->c;
    struct account_row a;
    struct card_row card;
    struct throttle t;
    bool found = false;
    int64_t wait;
    int r;

    auth_throttle_keys(c, AUTH_FACTOR_PASSWORD, NULL, &t);
    if (y->code) {
        uint8_t idx[SEAL_INDEX_LEN];
        auth_keyed(c, "card", y->code, NULL, idx);
        r = store_card_by_index(db, idx, &card);
        if (r < 0 && r != -ENOENT)
            return r;
        if (r == 0) {
            r = store_account_by_user(db, card.district_id, card.user_id, &a);
            if (r < 0 && r != -ENOENT)
                return r;
            found = r == 0;
        }
    }
    /* the card of a student who logs in from this address is checked even while it waits */
    if (found)
        auth_throttle_familiar_name(c, &t, a.login);
    r = auth_throttle_attempt(c, db, &t, &wait);
    if (r < 0)
        return r;
    if (wait > 0) {
        y->ret->refusal = AUTH_THROTTLED;
        y->ret->retry_after_s = wait;
        return 0;
    }
    struct login_tx x = {y->ret, found ? &a : NULL,         &t,
                         NULL,   found && !card.revoked_at, NULL,
                         "card", found ? card.user_id : 0,  found ? card.id : 0};
    return login_unit(db, &x, c);
}

int auth_login_card(struct ctx *c, const char *code, struct auth_login *ret)
{
    char norm[AUTH_CARD_LEN + 1];
    struct db *db;
    int r;

    memset(ret, 0, sizeof(*ret));
    if (!code || strlen(code) > 512)
        return ctx_fail(c, -EINVAL, "code: must be the code printed on the card");
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    struct card_arg y = {c, normalise_card(code, norm) == 0 ? norm : NULL, ret};
    r = store_tx(db, card_fn, &y);
    sodium_memzero(norm, sizeof(norm));
    if (r < 0)
        return ctx_fail(c, r, "cannot record the login");
    return 0;
}

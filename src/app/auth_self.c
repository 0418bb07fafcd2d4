/*
 * A person's own login (see auth.h): changing their password with the
 * current one. The current password is checked like a login's: the
 * attempt is counted against the name's throttle (auth_throttle.c) in one
 * write transaction before the password is checked, outside any
 * transaction (argon2id takes a while and 64 MiB); a second transaction
 * records the outcome with its audit entry: the new password and the end
 * of the account's other sessions, or the failure (which stays counted).
 */
#include "base/common.h"

#include <sodium.h>
#include <stdio.h>

#include "app/audit.h"
#include "app/auth_internal.h"
#include "store/store.h"

struct change_arg {
    struct ctx *c;
    struct throttle t;
    struct account_row a;
    int64_t wait;   /* > 0: throttled, nothing checked */
    bool right;     /* the current password was right */
    char hash[128]; /* the new password's hash */
};

/* The throttle's check and count, and the account as it is. */
static int attempt_fn(struct db *db, void *arg)
{
    struct change_arg *x = arg;
    int r = auth_throttle_attempt(x->c, db, &x->t, &x->wait);
    if (r < 0 || x->wait > 0)
        return r;
    return store_account_by_id(db, x->c->who->account_id, &x->a);
}

/* The attempt turned out to be no wrong password (the new one broke a rule): not counted. */
static int refund_fn(struct db *db, void *arg)
{
    struct change_arg *x = arg;
    return auth_throttle_refund(x->c, db, &x->t);
}

static int outcome_fn(struct db *db, void *arg)
{
    struct change_arg *x = arg;
    struct ctx *c = x->c;
    char obj[48];
    int r = 0;

    if (x->right) {
        r = auth_throttle_success(c, db, &x->t);
        if (r == 0)
            r = store_account_set_password(db, x->a.id, x->hash, c->now_ms);
        if (r == 0)
            r = store_session_end_others(db, x->a.id, c->who->session_id, c->now_ms,
                                         "password changed");
        if (r < 0)
            return r;
    }
    snprintf(obj, sizeof(obj), "account:%lld", (long long)x->a.id);
    struct audit_entry e = {.action = "change",
                            .object = obj,
                            .outcome = x->right ? "ok" : "failed",
                            .detail = x->right
                                          ? "own password changed; other sessions ended"
                                          : "own password not changed: wrong current password"};
    return audit_append(c, db, &e);
}

int auth_change_password(struct ctx *c, const char *current, const char *password,
                         int64_t *ret_retry_after_s)
{
    const struct principal *p = c->who;
    struct change_arg *x;
    char name[300];
    struct db *db;
    int r;

    if (!p || p->kind != PRINCIPAL_USER || !p->session_id)
        return ctx_fail(c, -EPERM, "log in first");
    /* a session that can only enrol holds nothing but the password: were it stolen, changing
       it would shut the owner out (breach drill 2, tests/e2e/breach.test.mjs) */
    if (p->enrol_only)
        return ctx_fail(c, -EACCES,
                        "password: set up two-step verification first, then change your password");
    if (!current || !current[0])
        return ctx_fail(c, -EINVAL, "current_password: type your current password");
    if (strlen(current) > 4 * AUTH_PASSWORD_MAX)
        return ctx_fail(c, -EINVAL, "current_password: too long");
    if (!password)
        return ctx_fail(c, -EINVAL, "password: type the new password");
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    x = sodium_malloc(sizeof(*x)); /* it holds a password hash and the throttle's keys */
    if (!x)
        return ctx_fail(c, -ENOMEM, "out of memory");
    memset(x, 0, sizeof(*x));
    x->c = c;
    auth_throttle_keys(c, AUTH_FACTOR_PASSWORD, p->name, &x->t);
    r = store_tx(db, attempt_fn, x);
    if (r < 0) {
        r = ctx_fail(c, r, "cannot read the account");
        goto out;
    }
    if (x->wait > 0) {
        *ret_retry_after_s = x->wait;
        r = ctx_fail(c, -EAGAIN,
                     "current_password: too many wrong passwords; try again in %lld seconds",
                     (long long)x->wait);
        goto out;
    }
    /* the rules of set-password, against this person's login and name */
    if (x->a.user_id)
        snprintf(name, sizeof(name), "%s %s",
                 x->a.preferred_given_name[0] ? x->a.preferred_given_name : x->a.given_name,
                 x->a.family_name);
    else
        snprintf(name, sizeof(name), "%s", x->a.display_name);
    x->right = x->a.password_hash[0] && auth_verify_password(x->a.password_hash, current);
    if (x->right) {
        r = auth_password_acceptable(c, password, x->a.login, name);
        if (r == 0 && strcmp(current, password) == 0)
            r = ctx_fail(c, -EINVAL, "password: the new password is the one you have now");
        if (r < 0) {
            /* nothing changes; the attempt was not a wrong password */
            (void)store_tx(db, refund_fn, x);
            goto out;
        }
        r = auth_hash_password(password, x->hash);
        if (r < 0) {
            r = ctx_fail(c, r, "cannot hash the password");
            goto out;
        }
    }
    r = store_tx(db, outcome_fn, x);
    if (r < 0) {
        r = ctx_fail(c, r, "cannot change the password");
        goto out;
    }
    if (!x->right)
        r = ctx_fail(c, -EINVAL, "current_password: that is not your current password");
out:
    sodium_free(x);
    return r;
}

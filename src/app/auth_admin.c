/*
 * Account administration by the server's operator (the CLI, see auth.h):
 * local staff accounts, logins for rostered people, passwords, unlocking,
 * removing a second factor, turning accounts off and on, the demo logins.
 * Every change is audited in its transaction.
 */
#include "base/common.h"

#include <sodium.h>
#include <stdio.h>

#include "app/audit.h"
#include "app/auth_internal.h"
#include "base/mem.h"
#include "core/otp.h"
#include "store/store.h"
#include "store/store_people.h"
#include "store/store_roster.h"

static int operator_only(struct ctx *c)
{
    if (!c->who || c->who->kind != PRINCIPAL_OPERATOR)
        return ctx_fail(c, -EACCES, "only the server's operator can manage accounts");
    return 0;
}

static void random_password(char *out)
{
    char raw[17];
    auth_random_code(raw, 16);
    snprintf(out, 24, "%.4s-%.4s-%.4s-%.4s", raw, raw + 4, raw + 8, raw + 12);
}

struct admin_arg {
    struct ctx *c;
    struct account_row *a;
    const char *role;
    int64_t org_id;
    const char *what;
    bool end_sessions;
    int (*change)(struct db *db, struct admin_arg *x);
    int64_t id;
};

static int admin_fn(struct db *db, void *arg)
{
    struct admin_arg *x = arg;
    struct ctx *c = x->c;
    char obj[48];
    int r = x->change(db, x);
    if (r < 0)
        return r;
    if (x->end_sessions) {
        r = store_session_end_account(db, x->a->id, c->now_ms, x->what);
        if (r < 0)
            return r;
    }
    snprintf(obj, sizeof(obj), "account:%lld", (long long)x->a->id);
    struct audit_entry e = {.action = "admin", .object = obj, .detail = x->what};
    if (x->a->user_id) {
        e.subjects = &x->a->user_id;
        e.n_subjects = 1;
    }
    return audit_append(c, db, &e);
}

static int add_change(struct db *db, struct admin_arg *x)
{
    int r = store_account_insert(db, x->a, &x->a->id);
    if (r == 0 && x->role)
        r = store_account_role_add(db, x->a->district_id, x->a->id, x->role, x->org_id);
    return r;
}

int auth_account_add(struct ctx *c, const char *username, const char *name, const char *role,
                     const char *school_sid, char *password_out)
{
    struct account_row a;
    struct db *db;
    int64_t org = 0;
    int r = operator_only(c);

    if (r < 0)
        return r;
    if (!username || !username[0] || strlen(username) >= sizeof(a.login) ||
        strpbrk(username, " \t\r\n:"))
        return ctx_fail(c, -EINVAL, "username: must be 1 to 127 characters without spaces or ':'");
    if (!name || !name[0] || strlen(name) >= sizeof(a.display_name))
        return ctx_fail(c, -EINVAL, "name: must be 1 to 255 characters");
    if (!role || !(auth_map_role(role, NULL) & (ROLE_TEACHER | AUTH_MFA_ROLES)) ||
        !strcmp(role, "counselor") || !strcmp(role, "aide"))
        return ctx_fail(c, -EINVAL,
                        "role: must be teacher, counsellor, school_admin or district_admin");
    if (!strcmp(role, "district_admin") != !school_sid)
        return ctx_fail(c, -EINVAL, "school: give one for every role but district_admin");
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    if (school_sid) {
        r = store_org_by_sourced_id(db, c->who->district_id, school_sid, &org);
        if (r == -ENOENT)
            return ctx_fail(c, -EINVAL, "school: no organisation has sourcedId '%s'", school_sid);
        if (r < 0)
            return ctx_fail(c, r, "cannot read the organisations");
    }
    memset(&a, 0, sizeof(a));
    a.district_id = c->who->district_id;
    auth_lower_login(username, a.login, sizeof(a.login));
    snprintf(a.display_name, sizeof(a.display_name), "%s", name);
    a.created_at = c->now_ms;
    random_password(password_out);
    r = auth_hash_password(password_out, a.password_hash);
    if (r < 0)
        return ctx_fail(c, r, "cannot hash the password");
    struct admin_arg x = {c, &a, role, org, "local account added", false, add_change, 0};
    r = store_tx(db, admin_fn, &x);
    if (r == -EEXIST)
        return ctx_fail(c, -EEXIST, "username: '%s' is taken", a.login);
    return r < 0 ? ctx_fail(c, r, "cannot add the account") : 0;
}

static int password_change(struct db *db, struct admin_arg *x)
{
    if (!x->a->id)
        return add_change(db, x);
    return store_account_set_password(db, x->a->id, x->a->password_hash, x->c->now_ms);
}

static int set_password(struct ctx *c, struct db *db, struct account_row *a, const char *password,
                        char *password_out, const char *what)
{
    char name[300];
    int r;
    if (password) {
        snprintf(name, sizeof(name), "%s %s", a->given_name, a->family_name);
        r = auth_password_acceptable(c, password, a->login, a->user_id ? name : a->display_name);
        if (r < 0)
            return r;
    } else {
        random_password(password_out);
        password = password_out;
    }
    r = auth_hash_password(password, a->password_hash);
    if (r < 0)
        return ctx_fail(c, r, "cannot hash the password");
    struct admin_arg x = {c, a, NULL, 0, what, true, password_change, 0};
    r = store_tx(db, admin_fn, &x);
    if (r == -EEXIST)
        return ctx_fail(c, -EEXIST, "username: '%s' is taken", a->login);
    return r < 0 ? ctx_fail(c, r, "cannot set the password") : 0;
}

/* The account of a rostered person by sourcedId (a new one, not stored yet, if none). */
static int rostered_account(struct ctx *c, struct db *db, const char *sourced_id,
                            struct account_row *a)
{
    int64_t user_id;
    char *username = NULL;
    int r = store_user_by_sourced_id(db, c->who->district_id, sourced_id, &user_id, &username);
    if (r == -ENOENT)
        return ctx_fail(c, -ENOENT, "sourced-id: no person has sourcedId '%s'", sourced_id);
    if (r < 0)
        return ctx_fail(c, r, "cannot read the roster");
    r = store_account_by_user(db, c->who->district_id, user_id, a);
    if (r == -ENOENT) {
        memset(a, 0, sizeof(*a));
        a->district_id = c->who->district_id;
        a->user_id = user_id;
        auth_lower_login(username, a->login, sizeof(a->login));
        snprintf(a->display_name, sizeof(a->display_name), "%s", username);
        a->created_at = c->now_ms;
        r = 0;
    }
    mem_free(username);
    return r < 0 ? ctx_fail(c, r, "cannot read the accounts") : 0;
}

int auth_account_provision(struct ctx *c, const char *sourced_id, const char *password,
                           char *password_out)
{
    struct account_row a;
    struct db *db;
    int r = operator_only(c);
    if (r < 0)
        return r;
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    r = rostered_account(c, db, sourced_id, &a);
    if (r < 0)
        return r;
    return set_password(c, db, &a, password, password_out,
                        a.id ? "password reset" : "login given to a rostered person");
}

static int by_name(struct ctx *c, struct db **db, const char *username, struct account_row *a)
{
    char login[128];
    int r = operator_only(c);
    if (r < 0)
        return r;
    if (!username || strlen(username) >= sizeof(login))
        return ctx_fail(c, -EINVAL, "username: too long");
    r = ctx_db(c, db);
    if (r < 0)
        return r;
    auth_lower_login(username, login, sizeof(login));
    r = store_account_by_login(*db, login, a);
    if (r == 0 && a->district_id != c->who->district_id)
        r = -ENOENT;
    if (r == -ENOENT)
        return ctx_fail(c, -ENOENT, "username: no account '%s' in this district", login);
    return r < 0 ? ctx_fail(c, r, "cannot read the accounts") : 0;
}

int auth_account_set_password(struct ctx *c, const char *username, const char *password,
                              char *password_out)
{
    struct account_row a;
    struct db *db;
    int r = by_name(c, &db, username, &a);
    return r < 0 ? r : set_password(c, db, &a, password, password_out, "password reset");
}

static int unlock_change(struct db *db, struct admin_arg *x)
{
    /*
     * the name's account-wide counts, password and second factor; its
     * counts per address are keyed by the address too, so they lapse
     */
    return auth_throttle_clear_name(x->c, db, x->a->login);
}

int auth_account_unlock(struct ctx *c, const char *username)
{
    struct account_row a;
    struct db *db;
    int r = by_name(c, &db, username, &a);
    if (r < 0)
        return r;
    struct admin_arg x = {c, &a, NULL, 0, "failed-login counts cleared", false, unlock_change, 0};
    r = store_tx(db, admin_fn, &x);
    return r < 0 ? ctx_fail(c, r, "cannot unlock the account") : 0;
}

static int totp_reset_change(struct db *db, struct admin_arg *x)
{
    int r = store_account_clear_totp(db, x->a->id);
    if (r == 0)
        r = store_recovery_replace(db, x->a->district_id, x->a->id, NULL, 0, x->c->now_ms);
    return r;
}

int auth_account_reset_totp(struct ctx *c, const char *username)
{
    struct account_row a;
    struct db *db;
    int r = by_name(c, &db, username, &a);
    if (r < 0)
        return r;
    struct admin_arg x = {c, &a, NULL, 0, "second factor removed", true, totp_reset_change, 0};
    r = store_tx(db, admin_fn, &x);
    return r < 0 ? ctx_fail(c, r, "cannot reset the second factor") : 0;
}

static int disable_change(struct db *db, struct admin_arg *x)
{
    return store_account_set_disabled(db, x->a->id, x->id);
}

int auth_account_disable(struct ctx *c, const char *username, bool off)
{
    struct account_row a;
    struct db *db;
    int r = by_name(c, &db, username, &a);
    if (r < 0)
        return r;
    struct admin_arg x = {c,
                          &a,
                          NULL,
                          0,
                          off ? "account turned off" : "account turned on",
                          off,
                          disable_change,
                          off ? c->now_ms : 0};
    r = store_tx(db, admin_fn, &x);
    return r < 0 ? ctx_fail(c, r, "cannot change the account") : 0;
}

static int demo_change(struct db *db, struct admin_arg *x)
{
    int r = password_change(db, x);
    if (r == 0 && x->a->totp_sealed_len) {
        r = store_account_set_totp_pending(db, x->a->id, x->a->totp_sealed, x->a->totp_sealed_len,
                                           x->c->now_ms);
        if (r == 0)
            r = store_account_confirm_totp(db, x->a->id, 0, x->c->now_ms);
    }
    return r;
}

int auth_provision_demo(struct ctx *c, const char *sourced_id, const char *password,
                        const char *totp_b32)
{
    struct account_row a;
    struct db *db;
    int r = operator_only(c);
    if (r < 0)
        return r;
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    r = rostered_account(c, db, sourced_id, &a);
    if (r < 0)
        return r;
    r = auth_hash_password(password, a.password_hash);
    if (r < 0)
        return ctx_fail(c, r, "cannot hash the password");
    if (totp_b32 && totp_b32[0]) {
        uint8_t secret[OTP_SECRET_MAX];
        struct buf b = BUF_INIT(256);
        long n = otp_base32_decode(totp_b32, secret, sizeof(secret));
        if (n <= 0)
            return ctx_fail(c, -EINVAL, "totp_secret: not base32");
        r = seal_encrypt(store_seal(c->store), secret, (size_t)n, &b);
        sodium_memzero(secret, sizeof(secret));
        if (r == 0 && b.len <= sizeof(a.totp_sealed)) {
            memcpy(a.totp_sealed, b.data, b.len);
            a.totp_sealed_len = b.len;
        } else if (r == 0) {
            r = -E2BIG;
        }
        buf_release(&b);
        if (r < 0)
            return ctx_fail(c, r, "cannot seal the TOTP secret");
    }
    struct admin_arg x = {c, &a, NULL, 0, "demo login", false, demo_change, 0};
    r = store_tx(db, admin_fn, &x);
    return r < 0
               ? ctx_fail(c, r, "cannot provision the demo login %s: %s", sourced_id, strerror(-r))
               : 0;
}

/*
 * Account administration (see auth.h): by the server's operator (the CLI:
 * local staff accounts, logins for rostered people by sourcedId or login
 * name, the demo logins) and by administrators from the pages (finding
 * people, and for an account: a login, a password, unlocking, removing a
 * second factor, turning it off and on). Who may manage which login is the
 * access gate's ACT_CREDENTIALS, asked inside the transaction that makes
 * the change; a person needs a fresh second factor for every change but
 * unlocking. Every change is audited in its transaction.
 */
#include "base/common.h"

#include <sodium.h>
#include <stdio.h>

#include "app/access.h"
#include "app/audit.h"
#include "app/auth_internal.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "core/otp.h"
#include "store/store.h"
#include "store/store_admin.h"
#include "store/store_people.h"
#include "store/store_roster.h"
#include "store/store_security.h"

#define MAX_PEOPLE_PAGE 100

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
    bool check; /* ask the gate (and for a fresh second factor) in the transaction first */
    bool fresh; /* a person needs a second factor checked within AUDIT_MFA_FRESH_MS */
};

static bool mfa_fresh(const struct ctx *c)
{
    return c->who->mfa_at_ms && c->now_ms - c->who->mfa_at_ms <= AUDIT_MFA_FRESH_MS;
}

/*
 * May ctx->who manage the login of account a (the gate's ACT_CREDENTIALS on
 * the person, or on the district for a local staff account)? In the
 * transaction open on ctx's connection, so the roster it reads is the one
 * the change is made against.
 */
static int may_manage(struct ctx *c, const struct account_row *a, bool fresh)
{
    const struct principal *p = c->who;
    struct access_resource res = {RES_DISTRICT, 0, a->district_id};
    int r;

    if (!p)
        return ctx_fail(c, -EPERM, "log in first");
    res.district_id = p->district_id;
    if (a->user_id) {
        res.kind = RES_PERSON;
        res.id = a->user_id;
    }
    r = access_check(c, ACT_CREDENTIALS, &res, NULL);
    if (r < 0)
        return r;
    if (p->kind == PRINCIPAL_USER && a->id && p->account_id == a->id)
        return ctx_fail(c, -EACCES,
                        "account: this is your own login; change your password on your account "
                        "page");
    if (fresh && p->kind == PRINCIPAL_USER && !mfa_fresh(c))
        return ctx_fail(c, -ENOKEY,
                        "second factor: confirm a code from your authenticator first (POST "
                        "/api/v1/session/mfa); changing someone's login needs one checked within "
                        "the last 15 minutes");
    return 0;
}

/* A failure from inside a transaction keeps the message it set (the gate's, a rule's). */
static int tx_fail(struct ctx *c, int r, const char *what)
{
    return c->err[0] ? r : ctx_fail(c, r, "%s", what);
}

static int admin_fn(struct db *db, void *arg)
{
    struct admin_arg *x = arg;
    struct ctx *c = x->c;
    char obj[48];
    int r = x->check ? may_manage(c, x->a, x->fresh) : 0;
    if (r < 0)
        return r;
    r = x->change(db, x);
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
    if (r == 0) /* the first second factor, with the password an administrator handed over */
        r = store_account_open_enrolment(db, x->a->id, x->c->now_ms + AUTH_ENROL_WINDOW_MS);
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
    if (!role ||
        !(auth_map_role(role, NULL) &
          (ROLE_TEACHER | AUTH_MFA_ROLES | ROLE_PD_COORDINATOR | ROLE_COACH)) ||
        !strcmp(role, "counselor") || !strcmp(role, "aide"))
        return ctx_fail(c, -EINVAL,
                        "role: must be teacher, counsellor, school_admin, district_admin, "
                        "pd_coordinator or coach");
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
    struct admin_arg x = {c,     &a,         role, org,   "local account added",
                          false, add_change, 0,    false, false};
    r = store_tx(db, admin_fn, &x);
    if (r == -EEXIST)
        return ctx_fail(c, -EEXIST, "username: '%s' is taken", a.login);
    return r < 0 ? ctx_fail(c, r, "cannot add the account") : 0;
}

static int password_change(struct db *db, struct admin_arg *x)
{
    if (!x->a->id)
        return add_change(db, x);
    int r = store_account_set_password(db, x->a->id, x->a->password_hash, x->c->now_ms);
    if (r == 0)
        r = store_account_open_enrolment(db, x->a->id, x->c->now_ms + AUTH_ENROL_WINDOW_MS);
    return r;
}

static int set_password(struct ctx *c, struct db *db, struct account_row *a, const char *password,
                        char *password_out, const char *what, bool check)
{
    char name[300];
    int r;
    /* who may, before any work (a hash takes 64 MiB); asked again in the transaction */
    if (check) {
        r = may_manage(c, a, true);
        if (r < 0)
            return r;
    }
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
    struct admin_arg x = {c, a, NULL, 0, what, true, password_change, 0, check, true};
    r = store_tx(db, admin_fn, &x);
    sodium_memzero(a->password_hash, sizeof(a->password_hash));
    if (r == -EEXIST)
        return ctx_fail(c, -EEXIST,
                        "username: the login name '%s' is taken by another account; give the "
                        "person another username in the roster",
                        a->login);
    return r < 0 ? tx_fail(c, r, "cannot set the password") : 0;
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
                        a.id ? "password reset" : "login given to a rostered person", true);
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

/*
 * An account by id, for the pages: whether ctx->who may see it is the
 * gate's to say (in the change's transaction), so an account of another
 * district reads as not found there, and the refusal is recorded.
 */
static int by_id(struct ctx *c, struct db **db, int64_t account_id, struct account_row *a)
{
    int r;
    if (!c->who)
        return ctx_fail(c, -EPERM, "log in first");
    r = ctx_db(c, db);
    if (r < 0)
        return r;
    r = store_account_by_id(*db, account_id, a);
    if (r == -ENOENT)
        return ctx_fail(c, -ENOENT, "not found");
    return r < 0 ? ctx_fail(c, r, "cannot read the accounts") : 0;
}

int auth_account_set_password(struct ctx *c, const char *username, const char *password,
                              char *password_out)
{
    struct account_row a;
    struct db *db;
    int r = by_name(c, &db, username, &a);
    return r < 0 ? r : set_password(c, db, &a, password, password_out, "password reset", true);
}

int auth_admin_set_password(struct ctx *c, int64_t account_id, const char *password,
                            char *password_out)
{
    struct account_row a;
    struct db *db;
    int r = by_id(c, &db, account_id, &a);
    return r < 0 ? r : set_password(c, db, &a, password, password_out, "password reset", true);
}

int auth_admin_give_login(struct ctx *c, int64_t user_id, const char *password, char *password_out,
                          char *ret_login)
{
    struct account_row a;
    struct db *db;
    char *username = NULL;
    int r;

    if (!c->who)
        return ctx_fail(c, -EPERM, "log in first");
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    r = store_account_by_user(db, c->who->district_id, user_id, &a);
    if (r == -ENOENT) {
        /* no login yet: the roster's username becomes it (the gate decides in the transaction
           whether the caller may see this person at all) */
        memset(&a, 0, sizeof(a));
        r = store_user_login_name(db, c->who->district_id, user_id, &username);
        if (r == -ENOENT) {
            /* the gate says so, and records the refusal */
            struct access_resource res = {RES_PERSON, c->who->district_id, user_id};
            r = access_check(c, ACT_CREDENTIALS, &res, NULL);
            return r < 0 ? r : ctx_fail(c, -ENOENT, "not found");
        }
        if (r < 0)
            return ctx_fail(c, r, "cannot read the roster");
        a.district_id = c->who->district_id;
        a.user_id = user_id;
        auth_lower_login(username, a.login, sizeof(a.login));
        snprintf(a.display_name, sizeof(a.display_name), "%s", username);
        a.created_at = c->now_ms;
        mem_free(username);
        if (!a.login[0])
            return ctx_fail(c, -EINVAL,
                            "username: this person has no username in the roster; give them one "
                            "there first");
    } else if (r < 0) {
        return ctx_fail(c, r, "cannot read the accounts");
    }
    r = set_password(c, db, &a, password, password_out,
                     a.id ? "password reset" : "login given to a rostered person", true);
    if (r == 0)
        snprintf(ret_login, 128, "%s", a.login);
    return r;
}

static int unlock_change(struct db *db, struct admin_arg *x)
{
    /*
     * the name's account-wide counts, password and second factor; its
     * counts per address are keyed by the address too, so they lapse
     */
    return auth_throttle_clear_name(x->c, db, x->a->login);
}

static int unlock(struct ctx *c, struct db *db, struct account_row *a)
{
    struct admin_arg x = {c, a,    NULL, 0, "failed-login counts cleared", false, unlock_change,
                          0, true, false};
    int r = store_tx(db, admin_fn, &x);
    return r < 0 ? tx_fail(c, r, "cannot unlock the account") : 0;
}

int auth_account_unlock(struct ctx *c, const char *username)
{
    struct account_row a;
    struct db *db;
    int r = by_name(c, &db, username, &a);
    return r < 0 ? r : unlock(c, db, &a);
}

int auth_admin_unlock(struct ctx *c, int64_t account_id)
{
    struct account_row a;
    struct db *db;
    int r = by_id(c, &db, account_id, &a);
    return r < 0 ? r : unlock(c, db, &a);
}

static int totp_reset_change(struct db *db, struct admin_arg *x)
{
    int r = store_account_clear_totp(db, x->a->id);
    if (r == 0)
        r = store_recovery_replace(db, x->a->district_id, x->a->id, NULL, 0, x->c->now_ms);
    if (r == 0)
        r = store_account_open_enrolment(db, x->a->id, x->c->now_ms + AUTH_ENROL_WINDOW_MS);
    return r;
}

static int reset_totp(struct ctx *c, struct db *db, struct account_row *a)
{
    struct admin_arg x = {c, a,    NULL, 0, "second factor removed", true, totp_reset_change,
                          0, true, true};
    int r = store_tx(db, admin_fn, &x);
    return r < 0 ? tx_fail(c, r, "cannot reset the second factor") : 0;
}

int auth_account_reset_totp(struct ctx *c, const char *username)
{
    struct account_row a;
    struct db *db;
    int r = by_name(c, &db, username, &a);
    return r < 0 ? r : reset_totp(c, db, &a);
}

int auth_admin_reset_totp(struct ctx *c, int64_t account_id)
{
    struct account_row a;
    struct db *db;
    int r = by_id(c, &db, account_id, &a);
    return r < 0 ? r : reset_totp(c, db, &a);
}

static int disable_change(struct db *db, struct admin_arg *x)
{
    return store_account_set_disabled(db, x->a->id, x->id);
}

static int disable(struct ctx *c, struct db *db, struct account_row *a, bool off)
{
    struct admin_arg x = {c,
                          a,
                          NULL,
                          0,
                          off ? "account turned off" : "account turned on",
                          off,
                          disable_change,
                          off ? c->now_ms : 0,
                          true,
                          true};
    int r = store_tx(db, admin_fn, &x);
    return r < 0 ? tx_fail(c, r, "cannot change the account") : 0;
}

int auth_account_disable(struct ctx *c, const char *username, bool off)
{
    struct account_row a;
    struct db *db;
    int r = by_name(c, &db, username, &a);
    return r < 0 ? r : disable(c, db, &a, off);
}

int auth_admin_disable(struct ctx *c, int64_t account_id, bool off)
{
    struct account_row a;
    struct db *db;
    int r = by_id(c, &db, account_id, &a);
    return r < 0 ? r : disable(c, db, &a, off);
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
    struct admin_arg x = {c, &a, NULL, 0, "demo login", false, demo_change, 0, false, false};
    r = store_tx(db, admin_fn, &x);
    return r < 0
               ? ctx_fail(c, r, "cannot provision the demo login %s: %s", sourced_id, strerror(-r))
               : 0;
}

/* ---- finding people for the administration pages ---- */

static const char *trellis_role(const char *role, const char *org_type)
{
    static const struct {
        unsigned bit;
        const char *name;
    } names[] = {
        {ROLE_STUDENT, "student"},
        {ROLE_GUARDIAN, "guardian"},
        {ROLE_TEACHER, "teacher"},
        {ROLE_COUNSELLOR, "counsellor"},
        {ROLE_SCHOOL_ADMIN, "school_admin"},
        {ROLE_DISTRICT_ADMIN, "district_admin"},
        {ROLE_PD_COORDINATOR, "pd_coordinator"},
        {ROLE_COACH, "coach"},
    };
    unsigned bit = auth_map_role(role, org_type);
    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        if (names[i].bit == bit)
            return names[i].name;
    return NULL;
}

struct people_arg {
    struct ctx *c;
    struct db *db;
    json_t *list;
    bool district_wide; /* the caller manages administrators' logins too */
    int64_t n, limit;
};

static json_t *iso_or_null(int64_t ms)
{
    char at[32];
    if (!ms)
        return json_null();
    time_format_iso8601(ms, at);
    return json_string(at);
}

static int person_cb(void *arg, const struct admin_person *p)
{
    struct people_arg *x = arg;
    struct ctx *c = x->c;
    const struct principal *who = c->who;
    char name[400];
    int64_t failures = 0, until = 0;
    json_t *login = json_null(), *o;
    int r;

    if (++x->n > x->limit)
        return 1; /* one more than the page: there are more (not shown, not disclosed) */
    if (p->user_id)
        snprintf(name, sizeof(name), "%s %s",
                 p->preferred_given_name[0] ? p->preferred_given_name : p->given_name,
                 p->family_name);
    else
        snprintf(name, sizeof(name), "%s", p->given_name);
    if (p->account_id) {
        r = auth_throttle_name_state(c, x->db, p->login, &failures, &until);
        if (r < 0)
            return r;
        json_decref(login);
        login = json_pack("{s:I, s:s, s:b, s:b, s:b, s:o, s:o, s:{s:I, s:o}}", "account_id",
                          (json_int_t)p->account_id, "login", p->login, "password", p->has_password,
                          "mfa", p->mfa_enrolled, "disabled", p->disabled_at != 0, "disabled_at",
                          iso_or_null(p->disabled_at), "last_login_at",
                          iso_or_null(p->last_login_at), "failed_logins", "count",
                          (json_int_t)failures, "wait_until", iso_or_null(until));
    }
    const char *role = p->user_id ? trellis_role(p->role, p->org_type) : p->role;
    bool own = who->kind == PRINCIPAL_USER && p->account_id && p->account_id == who->account_id;
    o = json_pack("{s:o, s:s, s:s, s:s, s:s, s:s, s:o, s:b, s:b, s:b, s:o}", "id",
                  p->user_id ? json_integer(p->user_id) : json_null(), "sourced_id", p->sourced_id,
                  "username", p->user_id ? p->username : p->login, "name", name, "role",
                  role ? role : "", "roster_role", p->user_id ? p->role : "", "school",
                  p->school_id
                      ? json_pack("{s:I, s:s}", "id", (json_int_t)p->school_id, "name", p->school)
                      : json_null(),
                  "active", p->active, "administrator", p->administrator, "can_manage",
                  !own && p->active && (x->district_wide || !p->administrator), "login",
                  login ? login : json_null());
    if (!o)
        return -ENOMEM;
    return json_array_append_new(x->list, o) < 0 ? -ENOMEM : 0;
}

int auth_admin_people(struct ctx *c, enum access_kind scope, int64_t id, const char *q,
                      int64_t offset, int64_t limit, json_t **ret)
{
    const struct principal *who = c->who;
    struct access_resource res = {scope, 0, id};
    struct people_arg x = {c, NULL, NULL, false, 0, limit};
    struct grant *g;
    int r;

    if (!who)
        return ctx_fail(c, -EPERM, "log in first");
    if (scope != RES_DISTRICT && scope != RES_SCHOOL)
        return ctx_fail(c, -EINVAL, "scope: a district or a school");
    if (!q)
        q = "";
    if (strlen(q) > 100)
        return ctx_fail(c, -EINVAL, "q: at most 100 characters");
    if (offset < 0 || offset > 1000000)
        return ctx_fail(c, -EINVAL, "offset: must be 0 to 1000000");
    if (limit < 1 || limit > MAX_PEOPLE_PAGE)
        return ctx_fail(c, -EINVAL, "limit: must be 1 to %d", MAX_PEOPLE_PAGE);
    res.district_id = who->district_id;
    r = access_check(c, ACT_CREDENTIALS, &res, &g);
    if (r < 0)
        return r;
    r = ctx_db(c, &x.db);
    if (r < 0)
        return r;
    x.list = json_array();
    if (!x.list)
        return ctx_fail(c, -ENOMEM, "out of memory");
    x.district_wide = who->kind == PRINCIPAL_OPERATOR || (who->roles & ROLE_DISTRICT_ADMIN);
    access_grant_detail(g, "people found for account administration");
    c->purpose = c->purpose ? c->purpose : "account administration";
    r = store_admin_people(x.db, g, q, offset, limit + 1, person_cb, &x);
    access_read_end(c);
    if (r < 0) {
        json_decref(x.list);
        return c->err[0] ? r : ctx_fail(c, r, "cannot read the people");
    }
    bool more = x.n > limit;
    *ret = json_pack("{s:o, s:I, s:I, s:b, s:s}", "people", x.list, "offset", (json_int_t)offset,
                     "limit", (json_int_t)limit, "more", more, "q", q);
    return *ret ? 0 : ctx_fail(c, -ENOMEM, "out of memory");
}

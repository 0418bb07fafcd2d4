/*
 * Identity: see auth.h.
 */
#include "base/common.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>

#include "app/access.h"
#include "app/audit.h"
#include "app/auth.h"
#include "app/otp.h"
#include "app/people.h"
#include "app/qr.h"
#include "base/buf.h"
#include "base/hex.h"
#include "base/mem.h"
#include "base/rand.h"
#include "store/seal.h"
#include "store/store.h"
#include "store/store_auth.h"
#include "store/store_district.h"
#include "store/store_people.h"
#include "store/store_roster.h"

#define SECOND_MS      1000LL
#define MINUTE_MS      (60 * SECOND_MS)
#define HOUR_MS        (60 * MINUTE_MS)
#define DAY_MS         (24 * HOUR_MS)
#define TOTP_SECRET    20 /* bytes: 160 bits, RFC 4226 section 4 R6 */
#define TOUCH_EVERY_MS MINUTE_MS

/* Unambiguous characters for codes people type: no 0/O, 1/I/L. */
static const char code_alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/* ---- argon2id with a bound on concurrent hashes (each takes 64 MiB) ---- */

static pthread_mutex_t hash_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hash_cv = PTHREAD_COND_INITIALIZER;
static int hashing;
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[crypto_pwhash_STRBYTES];

static void hash_enter(void)
{
    pthread_mutex_lock(&hash_mu);
    while (hashing >= AUTH_HASH_CONCURRENCY)
        pthread_cond_wait(&hash_cv, &hash_mu);
    hashing++;
    pthread_mutex_unlock(&hash_mu);
}

static void hash_leave(void)
{
    pthread_mutex_lock(&hash_mu);
    hashing--;
    pthread_cond_signal(&hash_cv);
    pthread_mutex_unlock(&hash_mu);
}

static int password_hash(const char *pw, char out[crypto_pwhash_STRBYTES])
{
    int r;
    if (sodium_init() < 0)
        return -EIO;
    hash_enter();
    r = crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE);
    hash_leave();
    return r == 0 ? 0 : -ENOMEM;
}

static void make_dummy(void)
{
    uint8_t raw[16];
    char pw[40];
    (void)rand_bytes(raw, sizeof(raw));
    hex_encode(raw, sizeof(raw), pw);
    if (password_hash(pw, dummy_hash) < 0)
        dummy_hash[0] = '\0';
}

/* true if pw matches hash; with no hash, spend the same time on a dummy and say no */
static bool password_verify(const char *hash, const char *pw)
{
    bool ok;
    if (sodium_init() < 0)
        return false;
    pthread_once(&dummy_once, make_dummy);
    hash_enter();
    if (hash && hash[0]) {
        ok = crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
    } else {
        if (dummy_hash[0])
            if (crypto_pwhash_str_verify(dummy_hash, pw, strlen(pw)) == 0)
                ok = false;
        ok = false;
    }
    hash_leave();
    return ok;
}

/* ---- small helpers ---- */

static void lower_login(const char *in, char *out, size_t n)
{
    size_t j = 0;
    for (; *in && j + 1 < n; in++)
        out[j++] = (*in >= 'A' && *in <= 'Z') ? (char)(*in - 'A' + 'a') : *in;
    out[j] = '\0';
}

static void random_code(char *out, size_t len)
{
    for (size_t i = 0; i < len; i++)
        out[i] = code_alphabet[rand_below(sizeof(code_alphabet) - 1)];
    out[len] = '\0';
}

/* A keyed digest for lookups of short secrets and throttle keys. */
static void keyed(struct ctx *c, const char *domain, const char *a, const char *b,
                  uint8_t out[SEAL_INDEX_LEN])
{
    struct buf t = BUF_INIT(4096);
    if (buf_appendf(&t, "%s%c%s%c%s", domain, 0, a, 0, b ? b : "") < 0)
        buf_reset(&t);
    seal_index(store_seal(c->store), t.data ? t.data : "", t.len, out);
    buf_release(&t);
}

static void token_digest(const char *token, uint8_t out[AUTH_HASH_LEN])
{
    crypto_generichash(out, AUTH_HASH_LEN, (const unsigned char *)token, strlen(token), NULL, 0);
}

static int64_t idle_ms(const struct config *cfg)
{
    return cfg->session_idle_sec ? cfg->session_idle_sec * SECOND_MS
                                 : cfg->session_idle_min * MINUTE_MS;
}

static unsigned map_role(const char *role, const char *org_type)
{
    if (!strcmp(role, "student"))
        return ROLE_STUDENT;
    if (!strcmp(role, "parent") || !strcmp(role, "guardian") || !strcmp(role, "relative"))
        return ROLE_GUARDIAN;
    if (!strcmp(role, "teacher") || !strcmp(role, "aide"))
        return ROLE_TEACHER;
    if (!strcmp(role, "counselor") || !strcmp(role, "counsellor"))
        return ROLE_COUNSELLOR;
    if (!strcmp(role, "school_admin"))
        return ROLE_SCHOOL_ADMIN;
    if (!strcmp(role, "district_admin"))
        return ROLE_DISTRICT_ADMIN;
    if (!strcmp(role, "administrator") || !strcmp(role, "principal") ||
        !strcmp(role, "siteAdministrator") || !strcmp(role, "districtAdministrator") ||
        !strcmp(role, "systemAdministrator"))
        return org_type && !strcmp(org_type, "district") ? ROLE_DISTRICT_ADMIN : ROLE_SCHOOL_ADMIN;
    return 0;
}

struct grants {
    struct ctx *c;
    struct principal_grant *v;
    size_t n, cap;
    unsigned roles;
};

static int grant_cb(void *arg, const char *role, int64_t org_id, const char *org_type)
{
    struct grants *g = arg;
    unsigned bit = map_role(role, org_type);
    if (!bit)
        return 0;
    if (bit == ROLE_DISTRICT_ADMIN)
        org_id = 0;
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 8;
        struct principal_grant *p = arena_alloc(g->c->arena, cap * sizeof(*p));
        if (!p)
            return -ENOMEM;
        if (g->n)
            memcpy(p, g->v, g->n * sizeof(*p));
        g->v = p;
        g->cap = cap;
    }
    g->v[g->n].role = bit;
    g->v[g->n].org_id = org_id;
    g->n++;
    g->roles |= bit;
    return 0;
}

/* The principal of an account (roles and grants from the roster on today's date). */
static int make_principal(struct ctx *c, struct db *db, const struct account_row *a,
                          const struct session_row *s, struct principal **ret)
{
    struct grants g = {.c = c};
    struct principal *p = arena_calloc(c->arena, 1, sizeof(*p));
    int r;

    if (!p)
        return -ENOMEM;
    r = store_account_grants(db, a, c->now_ms / DAY_MS, grant_cb, &g);
    if (r < 0)
        return r;
    if (g.n == 0 && a->user_id && a->roster_role[0]) {
        /* no OneRoster role rows: the primary role, for the relationship-based roles only */
        unsigned bit = map_role(a->roster_role, NULL);
        if (bit & (ROLE_STUDENT | ROLE_GUARDIAN | ROLE_TEACHER))
            r = grant_cb(&g, a->roster_role, 0, NULL);
        if (r < 0)
            return r;
    }
    p->kind = PRINCIPAL_USER;
    p->district_id = a->district_id;
    p->account_id = a->id;
    p->user_id = a->user_id;
    p->name = arena_strdup(c->arena, a->login);
    p->roles = g.roles;
    p->grants = g.v;
    p->n_grants = g.n;
    p->session_id = s ? s->id : 0;
    p->mfa_at_ms = s ? s->mfa_at : 0;
    p->mfa_enrolled = a->totp_sealed_len > 0;
    p->enrol_only = (p->roles & AUTH_MFA_ROLES) && !p->mfa_enrolled;
    if (!p->name)
        return -ENOMEM;
    *ret = p;
    return 0;
}

/* ---- throttling ---- */

enum { TK_PAIR, TK_NAME, TK_ADDR, TK_N };

struct throttle {
    uint8_t key[TK_N][SEAL_INDEX_LEN];
    bool used[TK_N];
    int64_t limit[TK_N];
};

static void throttle_keys(struct ctx *c, const char *login, struct throttle *t)
{
    int64_t n = c->cfg->login_max_failures;
    memset(t, 0, sizeof(*t));
    if (login) {
        keyed(c, "throttle-pair", login, c->client_addr, t->key[TK_PAIR]);
        keyed(c, "throttle-name", login, NULL, t->key[TK_NAME]);
        t->used[TK_PAIR] = t->used[TK_NAME] = true;
    }
    keyed(c, "throttle-addr", c->client_addr, NULL, t->key[TK_ADDR]);
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
        struct throttle_row row = {0, 0, 0};
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

/* ---- TOTP ---- */

static int open_secret(struct ctx *c, const uint8_t *sealed, size_t n, uint8_t *key,
                       size_t *ret_len)
{
    struct buf b = BUF_INIT(256);
    int r = seal_decrypt(store_seal(c->store), sealed, n, &b);
    if (r == 0 && (b.len == 0 || b.len > OTP_SECRET_MAX))
        r = -EBADMSG;
    if (r == 0) {
        memcpy(key, b.data, b.len);
        *ret_len = b.len;
    }
    if (b.data)
        sodium_memzero(b.data, b.len);
    buf_release(&b);
    return r;
}

/* The step (within one of now) whose code matches and is later than after; -1 if none. */
static int64_t totp_match(const uint8_t *key, size_t n, uint32_t code, int64_t now_ms,
                          int64_t after)
{
    uint64_t now = otp_totp_step(now_ms / 1000);
    int64_t found = -1;
    for (int d = -1; d <= 1; d++) {
        uint64_t step = now + (uint64_t)d;
        if (d < 0 && now == 0)
            continue;
        uint32_t v = otp_hotp(key, n, step, 6);
        /* compare every candidate (no early exit on the secret-dependent value) */
        if (sodium_memcmp(&v, &code, sizeof(v)) == 0 && (int64_t)step > after && found < 0)
            found = (int64_t)step;
    }
    return found;
}

static bool looks_like_totp(const char *s)
{
    uint32_t v;
    return otp_parse_code(s, 6, &v) == 0;
}

static void recovery_digest(struct ctx *c, const char *code, uint8_t out[SEAL_INDEX_LEN])
{
    char norm[32];
    size_t j = 0;
    for (; *code && j + 1 < sizeof(norm); code++) {
        char ch = *code;
        if (ch == '-' || ch == ' ')
            continue;
        norm[j++] = (ch >= 'a' && ch <= 'z') ? (char)(ch - 'a' + 'A') : ch;
    }
    norm[j] = '\0';
    keyed(c, "recovery", norm, NULL, out);
}

/*
 * Check a second factor of account a: a TOTP code (step recorded, never
 * taken twice) or an unused recovery code (used up). 1: good, 0: not.
 * Inside the caller's write transaction.
 */
static int check_second(struct ctx *c, struct db *db, const struct account_row *a,
                        const char *second, const char **ret_method)
{
    uint8_t key[OTP_SECRET_MAX];
    size_t n = 0;
    int r;

    if (!second || !second[0] || !a->totp_sealed_len)
        return 0;
    if (looks_like_totp(second)) {
        uint32_t code;
        (void)otp_parse_code(second, 6, &code);
        r = open_secret(c, a->totp_sealed, a->totp_sealed_len, key, &n);
        if (r < 0)
            return r;
        int64_t step = totp_match(key, n, code, c->now_ms, a->totp_last_step);
        sodium_memzero(key, sizeof(key));
        if (step < 0)
            return 0;
        r = store_account_use_totp_step(db, a->id, step);
        if (r == -EALREADY)
            return 0; /* a concurrent login took this step first */
        if (r < 0)
            return r;
        *ret_method = "totp";
        return 1;
    }
    uint8_t h[SEAL_INDEX_LEN];
    recovery_digest(c, second, h);
    r = store_recovery_use(db, a->id, h, c->now_ms);
    if (r == -ENOENT)
        return 0;
    if (r < 0)
        return r;
    *ret_method = "recovery";
    return 1;
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

static int new_session(struct ctx *c, struct db *db, const struct account_row *a,
                       const char *method, bool mfa, struct auth_login *ret)
{
    struct session_row s;
    uint8_t raw[32], h[AUTH_HASH_LEN];
    struct principal *p;
    int64_t id;
    int r;

    if (rand_bytes(raw, sizeof(raw)) < 0)
        return -EIO;
    base64url_encode(raw, sizeof(raw), ret->token);
    sodium_memzero(raw, sizeof(raw));
    token_digest(ret->token, h);
    memset(&s, 0, sizeof(s));
    s.district_id = a->district_id;
    s.account_id = a->id;
    snprintf(s.method, sizeof(s.method), "%s", method);
    s.created_at = s.seen_at = c->now_ms;
    s.expires_at = c->now_ms + c->cfg->session_max_hours * HOUR_MS;
    s.mfa_at = mfa ? c->now_ms : 0;
    r = store_session_insert(db, &s, h, c->client_addr, &id);
    if (r < 0)
        return r;
    s.id = id;
    r = store_account_set_last_login(db, a->id, c->now_ms);
    if (r < 0)
        return r;
    r = make_principal(c, db, a, &s, &p);
    if (r < 0)
        return r;
    ret->who = p;
    return 0;
}

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
        r = check_second(c, db, a, x->second, &method2);
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
    r = new_session(c, db, a, method, method2 != NULL, x->ret);
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

int auth_login_password(struct ctx *c, const char *username, const char *password,
                        const char *second, struct auth_login *ret)
{
    char login[128];
    struct account_row a;
    struct throttle t;
    struct db *db;
    bool found;
    int r;

    memset(ret, 0, sizeof(*ret));
    if (!username || !username[0] || strlen(username) >= sizeof(login))
        return ctx_fail(c, -EINVAL, "username: must be 1 to %zu characters", sizeof(login) - 1);
    if (!password || strlen(password) > AUTH_PASSWORD_MAX)
        return ctx_fail(c, -EINVAL, "password: must be at most %d bytes", AUTH_PASSWORD_MAX);
    if (second && strlen(second) > 64)
        return ctx_fail(c, -EINVAL, "totp: must be a 6-digit code or a recovery code");
    lower_login(username, login, sizeof(login));
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    throttle_keys(c, login, &t);
    r = throttled(c, db, &t, ret);
    if (r != 0)
        return r < 0 ? r : 0;
    r = store_account_by_login(db, login, &a);
    if (r < 0 && r != -ENOENT)
        return ctx_fail(c, r, "cannot read the accounts");
    found = r == 0;
    struct login_tx x = {ret, found ? &a : NULL, &t, login, false, second, "password", 0};
    x.password_ok = password_verify(found ? a.password_hash : NULL, password);
    struct tx_arg ta = {c, &x};
    r = store_tx(db, login_tx_fn, &ta);
    sodium_memzero(&a, sizeof(a));
    if (r < 0)
        return ctx_fail(c, r, "cannot record the login");
    return 0;
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
        if (!strchr(code_alphabet, ch) || j >= AUTH_CARD_LEN)
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
    throttle_keys(c, NULL, &t);
    r = throttled(c, db, &t, ret);
    if (r != 0)
        return r < 0 ? r : 0;
    if (normalise_card(code, norm) == 0) {
        keyed(c, "card", norm, NULL, idx);
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

struct end_arg {
    struct ctx *c;
    const char *reason;
};

static int logout_fn(struct db *db, void *arg)
{
    struct end_arg *e = arg;
    struct ctx *c = e->c;
    int r = store_session_end(db, c->who->session_id, c->now_ms, e->reason);
    if (r < 0)
        return r;
    struct audit_entry a = {.action = "logout", .object = "session"};
    if (c->who->user_id) {
        a.subjects = &c->who->user_id;
        a.n_subjects = 1;
    }
    return audit_append(c, db, &a);
}

int auth_logout(struct ctx *c)
{
    struct end_arg e = {c, "logout"};
    struct db *db;
    int r;

    if (!c->who || c->who->kind != PRINCIPAL_USER || !c->who->session_id)
        return ctx_fail(c, -EPERM, "log in first");
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    r = store_tx(db, logout_fn, &e);
    if (r == -ENOENT)
        return 0; /* already ended */
    if (r < 0)
        return ctx_fail(c, r, "cannot end the session");
    return 0;
}

/* ---- sessions ---- */

int auth_session(struct ctx *c, const char *token, const struct principal **ret)
{
    uint8_t h[AUTH_HASH_LEN];
    struct session_row s;
    struct account_row a;
    struct principal *p;
    struct db *db;
    const char *why = NULL;
    int r;

    if (!token || strlen(token) != AUTH_TOKEN_LEN)
        return -ENOENT;
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    token_digest(token, h);
    r = store_session_lookup(db, h, &s, &a);
    if (r == -ENOENT)
        return -ENOENT;
    if (r < 0)
        return ctx_fail(c, r, "cannot read the session");
    if (s.ended_at)
        return -ENOENT;
    if (c->now_ms >= s.expires_at)
        why = "expired";
    else if (c->now_ms - s.seen_at >= idle_ms(c->cfg))
        why = "idle";
    else if (a.disabled_at)
        why = "account turned off";
    else if (!a.roster_active)
        why = "deactivated in the roster";
    if (why) {
        (void)store_session_end(db, s.id, c->now_ms, why);
        return -ENOENT;
    }
    if (c->now_ms - s.seen_at >= MIN(TOUCH_EVERY_MS, idle_ms(c->cfg) / 4)) {
        r = store_session_touch(db, s.id, c->now_ms);
        if (r < 0)
            return ctx_fail(c, r, "cannot update the session");
    }
    r = make_principal(c, db, &a, &s, &p);
    if (r < 0)
        return ctx_fail(c, r, "cannot read the account's roles");
    *ret = p;
    return 0;
}

void auth_csrf_token(const char *token, char *out)
{
    static const char domain[] = "trellis-csrf";
    uint8_t mac[32];
    crypto_generichash(mac, sizeof(mac), (const unsigned char *)domain, sizeof(domain) - 1,
                       (const unsigned char *)token, strlen(token));
    base64url_encode(mac, sizeof(mac), out);
}

bool auth_csrf_ok(const char *token, const char *csrf)
{
    char want[AUTH_TOKEN_LEN + 1];
    if (!token || !csrf || strlen(csrf) != AUTH_TOKEN_LEN)
        return false;
    auth_csrf_token(token, want);
    return sodium_memcmp(want, csrf, AUTH_TOKEN_LEN) == 0;
}

/* ---- me ---- */

static const char *role_name(unsigned bit)
{
    switch (bit) {
    case ROLE_STUDENT:
        return "student";
    case ROLE_GUARDIAN:
        return "guardian";
    case ROLE_TEACHER:
        return "teacher";
    case ROLE_COUNSELLOR:
        return "counsellor";
    case ROLE_SCHOOL_ADMIN:
        return "school_admin";
    case ROLE_DISTRICT_ADMIN:
        return "district_admin";
    }
    return NULL;
}

static bool lang_ok(const char *l)
{
    return l && (!strcmp(l, "en") || !strcmp(l, "es"));
}

struct orgs_json {
    struct db *db;
    json_t *list;
};

static int add_school(struct orgs_json *o, int64_t org_id)
{
    struct org_info info;
    size_t n = json_array_size(o->list);
    for (size_t i = 0; i < n; i++)
        if (json_integer_value(json_object_get(json_array_get(o->list, i), "id")) == org_id)
            return 0;
    int r = store_org_info(o->db, org_id, &info);
    if (r == -ENOENT || (r == 0 && strcmp(info.type, "school") != 0))
        return 0;
    if (r < 0)
        return r;
    return json_array_append_new(
               o->list, json_pack("{s:I, s:s}", "id", (json_int_t)org_id, "name", info.name)) < 0
               ? -ENOMEM
               : 0;
}

static int person_org_cb(void *arg, int64_t org_id)
{
    return add_school(arg, org_id);
}

int auth_me(struct ctx *c, const char *csrf, const char *lang_cookie, const char *lang_accept,
            json_t **ret)
{
    const struct principal *p = c->who;
    struct account_row a;
    struct district_row d;
    struct db *db;
    json_t *roles, *o;
    int64_t left = 0;
    int r;

    if (!p || p->kind != PRINCIPAL_USER)
        return ctx_fail(c, -EPERM, "log in first");
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    r = store_account_by_id(db, p->account_id, &a);
    if (r == 0)
        r = store_district_by_id(db, p->district_id, &d);
    if (r == 0 && p->mfa_enrolled)
        r = store_recovery_left(db, a.id, &left);
    if (r < 0)
        return ctx_fail(c, r, "cannot read the account");
    roles = json_array();
    for (unsigned bit = ROLE_STUDENT; roles && bit <= ROLE_DISTRICT_ADMIN; bit <<= 1)
        if ((p->roles & bit) && role_name(bit))
            json_array_append_new(roles, json_string(role_name(bit)));
    struct orgs_json oj = {db, json_array()};
    for (size_t i = 0; r == 0 && oj.list && i < p->n_grants; i++)
        if (p->grants[i].org_id)
            r = add_school(&oj, p->grants[i].org_id);
    if (r == 0 && oj.list && a.user_id && !(p->roles & ROLE_DISTRICT_ADMIN))
        r = access_my_schools(c, person_org_cb, &oj);
    if (r < 0) {
        json_decref(roles);
        json_decref(oj.list);
        return ctx_fail(c, r, "cannot read the schools");
    }
    char name[300];
    if (a.user_id)
        snprintf(name, sizeof(name), "%s %s",
                 a.preferred_given_name[0] ? a.preferred_given_name : a.given_name, a.family_name);
    else
        snprintf(name, sizeof(name), "%s", a.display_name);
    const char *lang = lang_ok(lang_cookie)   ? lang_cookie
                       : lang_ok(a.lang)      ? a.lang
                       : lang_ok(lang_accept) ? lang_accept
                                              : "en";
    o = json_pack("{s:o, s:I, s:s, s:s, s:o, s:{s:I, s:s}, s:o, s:s, s:{s:b, s:b, s:I}, s:s}", "id",
                  a.user_id ? json_integer(a.user_id) : json_null(), "account_id", (json_int_t)a.id,
                  "username", a.login, "name", name, "roles", roles ? roles : json_array(),
                  "district", "id", (json_int_t)d.id, "name", d.name, "schools",
                  oj.list ? oj.list : json_array(), "csrf_token", csrf ? csrf : "", "mfa",
                  "enrolled", p->mfa_enrolled, "required", (p->roles & AUTH_MFA_ROLES) != 0,
                  "recovery_codes_left", (json_int_t)left, "lang", lang);
    if (!o)
        return ctx_fail(c, -ENOMEM, "out of memory");
    *ret = o;
    return 0;
}

int auth_set_lang(struct ctx *c, const char *lang)
{
    struct db *db;
    int r;
    if (!c->who || c->who->kind != PRINCIPAL_USER)
        return ctx_fail(c, -EPERM, "log in first");
    if (!lang_ok(lang))
        return ctx_fail(c, -EINVAL, "lang: must be \"en\" or \"es\"");
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    r = store_account_set_lang(db, c->who->account_id, lang);
    return r < 0 ? ctx_fail(c, r, "cannot save the language") : 0;
}

/* ---- TOTP enrolment ---- */

static bool mfa_fresh(const struct ctx *c)
{
    return c->who->mfa_at_ms && c->now_ms - c->who->mfa_at_ms <= AUDIT_MFA_FRESH_MS;
}

static int uri_escape(struct buf *b, const char *s)
{
    static const char hexd[] = "0123456789ABCDEF";
    int r = 0;
    for (; r == 0 && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
            ch == '-' || ch == '.' || ch == '_' || ch == '~')
            r = buf_putc(b, (char)ch);
        else
            r = buf_appendf(b, "%%%c%c", hexd[ch >> 4], hexd[ch & 15]);
    }
    return r;
}

struct totp_begin {
    struct ctx *c;
    struct buf *sealed;
};

static int totp_begin_fn(struct db *db, void *arg)
{
    struct totp_begin *t = arg;
    struct ctx *c = t->c;
    int r = store_account_set_totp_pending(db, c->who->account_id, t->sealed->data, t->sealed->len,
                                           c->now_ms);
    if (r < 0)
        return r;
    struct audit_entry e = {
        .action = "change", .object = "account:second-factor", .detail = "TOTP enrolment started"};
    return audit_append(c, db, &e);
}

int auth_totp_begin(struct ctx *c, json_t **ret)
{
    const struct principal *p = c->who;
    uint8_t secret[TOTP_SECRET];
    char b32[64];
    struct buf sealed = BUF_INIT(256), uri = BUF_INIT(1024), svg = BUF_INIT(1 << 20);
    struct district_row d;
    struct db *db;
    int r;

    if (!p || p->kind != PRINCIPAL_USER || !p->session_id)
        return ctx_fail(c, -EPERM, "log in first");
    if (p->mfa_enrolled && !mfa_fresh(c))
        return ctx_fail(c, -ENOKEY,
                        "second factor: confirm a code from your current authenticator first");
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    r = store_district_by_id(db, p->district_id, &d);
    if (r < 0)
        return ctx_fail(c, r, "cannot read the district");
    if (rand_bytes(secret, sizeof(secret)) < 0)
        return ctx_fail(c, -EIO, "no randomness available");
    otp_base32_encode(secret, sizeof(secret), b32);
    r = seal_encrypt(store_seal(c->store), secret, sizeof(secret), &sealed);
    sodium_memzero(secret, sizeof(secret));
    /* otpauth URI (the Key Uri Format authenticator apps read): label Issuer:account */
    if (r == 0)
        r = buf_appends(&uri, "otpauth://totp/Trellis:");
    if (r == 0)
        r = uri_escape(&uri, p->name);
    if (r == 0)
        r = buf_appendf(&uri, "?secret=%s&issuer=Trellis&algorithm=SHA1&digits=6&period=30", b32);
    if (r == 0)
        r = qr_svg(buf_cstr(&uri), &svg);
    if (r == 0) {
        struct totp_begin t = {c, &sealed};
        r = store_tx(db, totp_begin_fn, &t);
    }
    if (r == 0) {
        *ret = json_pack("{s:s, s:s, s:s}", "otpauth_uri", buf_cstr(&uri), "secret", b32, "qr_svg",
                         buf_cstr(&svg));
        if (!*ret)
            r = -ENOMEM;
    }
    sodium_memzero(b32, sizeof(b32));
    if (uri.data)
        sodium_memzero(uri.data, uri.len);
    buf_release(&uri);
    buf_release(&svg);
    buf_release(&sealed);
    return r < 0 ? ctx_fail(c, r, "cannot start the enrolment") : 0;
}

struct totp_confirm {
    struct ctx *c;
    int64_t step;
    uint8_t (*hashes)[SEAL_INDEX_LEN];
};

static int totp_confirm_fn(struct db *db, void *arg)
{
    struct totp_confirm *t = arg;
    struct ctx *c = t->c;
    int r = store_account_confirm_totp(db, c->who->account_id, t->step, c->now_ms);
    if (r == 0)
        r = store_recovery_replace(db, c->who->district_id, c->who->account_id,
                                   (const uint8_t(*)[16])t->hashes, AUTH_RECOVERY_CODES, c->now_ms);
    if (r == 0)
        r = store_session_set_mfa(db, c->who->session_id, c->now_ms);
    if (r < 0)
        return r;
    struct audit_entry e = {.action = "change",
                            .object = "account:second-factor",
                            .detail = "TOTP enrolled; 10 new recovery codes"};
    return audit_append(c, db, &e);
}

int auth_totp_confirm(struct ctx *c, const char *code, json_t **ret)
{
    const struct principal *p = c->who;
    uint8_t key[OTP_SECRET_MAX], hashes[AUTH_RECOVERY_CODES][SEAL_INDEX_LEN];
    char codes[AUTH_RECOVERY_CODES][16];
    struct account_row a;
    struct db *db;
    uint32_t v;
    size_t n = 0;
    int r;

    if (!p || p->kind != PRINCIPAL_USER || !p->session_id)
        return ctx_fail(c, -EPERM, "log in first");
    if (!code || otp_parse_code(code, 6, &v) < 0)
        return ctx_fail(c, -EINVAL, "totp: must be the 6-digit code your authenticator shows");
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    r = store_account_by_id(db, p->account_id, &a);
    if (r < 0)
        return ctx_fail(c, r, "cannot read the account");
    if (!a.totp_pending_len || c->now_ms - a.totp_pending_at > HOUR_MS)
        return ctx_fail(c, -EINVAL, "totp: start the enrolment again (POST /api/v1/me/totp)");
    r = open_secret(c, a.totp_pending, a.totp_pending_len, key, &n);
    if (r < 0)
        return ctx_fail(c, -EIO, "cannot open the secret with this key");
    int64_t step = totp_match(key, n, v, c->now_ms, 0);
    sodium_memzero(key, sizeof(key));
    if (step < 0)
        return ctx_fail(c, -EINVAL,
                        "totp: that code does not match; check the time on your device");
    for (int i = 0; i < AUTH_RECOVERY_CODES; i++) {
        char raw[11];
        random_code(raw, 10);
        snprintf(codes[i], sizeof(codes[i]), "%.5s-%.5s", raw, raw + 5);
        recovery_digest(c, codes[i], hashes[i]);
    }
    struct totp_confirm t = {c, step, hashes};
    r = store_tx(db, totp_confirm_fn, &t);
    if (r < 0) {
        sodium_memzero(codes, sizeof(codes));
        return ctx_fail(c, r, "cannot save the second factor");
    }
    json_t *list = json_array();
    for (int i = 0; list && i < AUTH_RECOVERY_CODES; i++)
        json_array_append_new(list, json_string(codes[i]));
    sodium_memzero(codes, sizeof(codes));
    *ret = json_pack("{s:o}", "recovery_codes", list ? list : json_array());
    return *ret ? 0 : ctx_fail(c, -ENOMEM, "out of memory");
}

struct mfa_arg {
    struct ctx *c;
    const struct account_row *a;
    const char *code;
    bool ok;
};

static int mfa_fn(struct db *db, void *arg)
{
    struct mfa_arg *m = arg;
    struct ctx *c = m->c;
    const char *method = NULL;
    int r = check_second(c, db, m->a, m->code, &method);
    if (r < 0)
        return r;
    m->ok = r > 0;
    if (m->ok) {
        r = store_session_set_mfa(db, c->who->session_id, c->now_ms);
        if (r < 0)
            return r;
    }
    struct audit_entry e = {.action = "login",
                            .object = "session:second-factor",
                            .outcome = m->ok ? "ok" : "failed",
                            .detail = m->ok ? "second factor checked again" : "wrong code"};
    return audit_append(c, db, &e);
}

int auth_mfa_check(struct ctx *c, const char *code)
{
    struct account_row a;
    struct db *db;
    int r;

    if (!c->who || c->who->kind != PRINCIPAL_USER || !c->who->session_id)
        return ctx_fail(c, -EPERM, "log in first");
    if (!c->who->mfa_enrolled)
        return ctx_fail(c, -EINVAL, "totp: this account has no second factor; set one up first");
    if (!code || !code[0] || strlen(code) > 64)
        return ctx_fail(c, -EINVAL, "totp: must be a 6-digit code or a recovery code");
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    r = store_account_by_id(db, c->who->account_id, &a);
    if (r < 0)
        return ctx_fail(c, r, "cannot read the account");
    struct mfa_arg m = {c, &a, code, false};
    r = store_tx(db, mfa_fn, &m);
    if (r < 0)
        return ctx_fail(c, r, "cannot check the code");
    if (!m.ok)
        return ctx_fail(c, -EINVAL, "totp: that code is wrong or was used before");
    return 0;
}

/* ---- login cards ---- */

struct cards_arg {
    struct ctx *c;
    int64_t class_id;
    struct class_student *s;
    size_t n;
    char (*codes)[AUTH_CARD_LEN + 1];
    long issued;
};

/* Ensure a rostered person has an account (for card logins): 0 and *ret. */
static int ensure_account(struct ctx *c, struct db *db, int64_t district_id, int64_t user_id,
                          const char *username, struct account_row *ret)
{
    struct account_row a;
    int64_t id;
    int r = store_account_by_user(db, district_id, user_id, ret);
    if (r != -ENOENT)
        return r;
    memset(&a, 0, sizeof(a));
    a.district_id = district_id;
    a.user_id = user_id;
    lower_login(username, a.login, sizeof(a.login));
    snprintf(a.display_name, sizeof(a.display_name), "%s", username);
    a.created_at = c->now_ms;
    r = store_account_insert(db, &a, &id);
    if (r == -EEXIST) {
        /* the login name is taken (another district): the card works without it */
        snprintf(a.login, sizeof(a.login), "user-%lld-%lld", (long long)district_id,
                 (long long)user_id);
        r = store_account_insert(db, &a, &id);
    }
    if (r < 0)
        return r;
    return store_account_by_id(db, id, ret);
}

static int cards_fn(struct db *db, void *arg)
{
    struct cards_arg *x = arg;
    struct ctx *c = x->c;
    const struct seal *seal = store_seal(c->store);
    struct buf b = BUF_INIT(256);
    int r = 0;

    x->issued = 0;
    for (size_t i = 0; r == 0 && i < x->n; i++) {
        struct card_row card;
        struct account_row a;
        r = store_card_active(db, c->who->district_id, x->s[i].id, &card);
        if (r == 0) {
            buf_reset(&b);
            r = seal_decrypt(seal, card.sealed, card.sealed_len, &b);
            if (r == 0 && b.len == AUTH_CARD_LEN)
                memcpy(x->codes[i], b.data, AUTH_CARD_LEN + 1);
            else if (r == 0)
                r = -EBADMSG;
            continue;
        }
        if (r != -ENOENT)
            break;
        r = ensure_account(c, db, c->who->district_id, x->s[i].id, x->s[i].username, &a);
        if (r < 0)
            break;
        uint8_t idx[SEAL_INDEX_LEN];
        random_code(x->codes[i], AUTH_CARD_LEN);
        keyed(c, "card", x->codes[i], NULL, idx);
        memset(&card, 0, sizeof(card));
        card.district_id = c->who->district_id;
        card.user_id = x->s[i].id;
        card.created_at = c->now_ms;
        buf_reset(&b);
        r = seal_encrypt(seal, x->codes[i], AUTH_CARD_LEN, &b);
        if (r == 0 && b.len > sizeof(card.sealed))
            r = -E2BIG;
        if (r < 0)
            break;
        memcpy(card.sealed, b.data, b.len);
        card.sealed_len = b.len;
        int64_t id;
        r = store_card_insert(db, &card, idx, c->who->name, &id);
        if (r == 0)
            x->issued++;
    }
    buf_release(&b);
    if (r < 0)
        return r;
    /* the codes are credentials: showing them is a disclosure of every student on the page */
    int64_t *ids = mem_alloc((x->n ? x->n : 1) * sizeof(*ids));
    if (!ids)
        return -ENOMEM;
    for (size_t i = 0; i < x->n; i++)
        ids[i] = x->s[i].id;
    char obj[48], detail[96];
    snprintf(obj, sizeof(obj), "class:%lld:cards", (long long)x->class_id);
    snprintf(detail, sizeof(detail), "%zu login cards shown, %ld issued", x->n, x->issued);
    struct audit_entry e = {.action = "credentials",
                            .object = obj,
                            .subjects = ids,
                            .n_subjects = x->n,
                            .detail = detail};
    r = audit_append(c, db, &e);
    mem_free(ids);
    return r;
}

int auth_cards(struct ctx *c, int64_t class_id, const char *base_url, json_t **ret)
{
    struct access_resource res = {RES_CLASS, 0, class_id};
    struct grant *g;
    struct class_info ci;
    struct class_student *s = NULL;
    size_t n = 0;
    char(*codes)[AUTH_CARD_LEN + 1] = NULL;
    struct buf svg = BUF_INIT(1 << 20), url = BUF_INIT(2048);
    struct db *db;
    json_t *cards = NULL;
    int r = ctx_db(c, &db);

    if (r < 0)
        return r;
    r = store_class_info(db, class_id, &ci);
    if (r == -ENOENT)
        return ctx_fail(c, -ENOENT, "not found");
    if (r < 0)
        return ctx_fail(c, r, "cannot read the class");
    res.district_id = ci.district_id;
    r = access_check(c, ACT_CREDENTIALS, &res, &g);
    if (r < 0)
        return r;
    c->purpose = c->purpose ? c->purpose : "print the class's login cards";
    r = store_class_students(db, g, class_id, c->now_ms / DAY_MS, &s, &n);
    access_read_end(c); /* the cards are issued in a write transaction of their own */
    if (r < 0) {
        r = ctx_fail(c, r, "cannot read the class roster");
        goto out;
    }
    codes = mem_calloc(n ? n : 1, sizeof(*codes));
    if (!codes) {
        r = ctx_fail(c, -ENOMEM, "out of memory");
        goto out;
    }
    struct cards_arg x = {c, class_id, s, n, codes, 0};
    r = store_tx(db, cards_fn, &x);
    if (r < 0) {
        r = ctx_fail(c, r, "cannot issue the login cards");
        goto out;
    }
    cards = json_array();
    for (size_t i = 0; cards && r == 0 && i < n; i++) {
        char shown[AUTH_CARD_LEN + 3], name[300];
        snprintf(shown, sizeof(shown), "%.4s-%.4s-%.4s", codes[i], codes[i] + 4, codes[i] + 8);
        snprintf(name, sizeof(name), "%s %s",
                 s[i].preferred_given_name[0] ? s[i].preferred_given_name : s[i].given_name,
                 s[i].family_name);
        buf_reset(&url);
        r = buf_appendf(&url, "%s/card#%s", base_url, codes[i]);
        if (r == 0)
            r = qr_svg(buf_cstr(&url), &svg);
        if (r == 0 && json_array_append_new(
                          cards, json_pack("{s:{s:I, s:s}, s:s, s:s, s:s}", "student", "id",
                                           (json_int_t)s[i].id, "name", name, "code", shown, "url",
                                           buf_cstr(&url), "qr_svg", buf_cstr(&svg))) < 0)
            r = -ENOMEM;
    }
    if (!cards || r < 0) {
        r = ctx_fail(c, r < 0 ? r : -ENOMEM, "out of memory");
        goto out;
    }
    *ret = json_pack("{s:o, s:o}", "class", people_class_json(&ci), "cards", cards);
    cards = NULL;
    r = *ret ? 0 : ctx_fail(c, -ENOMEM, "out of memory");
out:
    json_decref(cards);
    if (codes)
        sodium_memzero(codes, (n ? n : 1) * sizeof(*codes));
    mem_free(codes);
    mem_free(s);
    buf_release(&svg);
    buf_release(&url);
    return r;
}

struct revoke_arg {
    struct ctx *c;
    int64_t class_id, student;
};

static int revoke_fn(struct db *db, void *arg)
{
    struct revoke_arg *x = arg;
    struct ctx *c = x->c;
    int r = store_card_revoke(db, c->who->district_id, x->student, c->now_ms);
    if (r < 0)
        return r;
    char obj[48];
    snprintf(obj, sizeof(obj), "class:%lld:cards", (long long)x->class_id);
    struct audit_entry e = {.action = "credentials",
                            .object = obj,
                            .subjects = &x->student,
                            .n_subjects = 1,
                            .detail = "login card revoked"};
    return audit_append(c, db, &e);
}

int auth_card_revoke(struct ctx *c, int64_t class_id, int64_t student_id)
{
    struct access_resource res = {RES_CLASS, 0, class_id};
    struct grant *g;
    struct class_info ci;
    struct db *db;
    int r = ctx_db(c, &db);

    if (r < 0)
        return r;
    r = store_class_info(db, class_id, &ci);
    if (r == -ENOENT)
        return ctx_fail(c, -ENOENT, "not found");
    if (r < 0)
        return ctx_fail(c, r, "cannot read the class");
    res.district_id = ci.district_id;
    r = access_check(c, ACT_CREDENTIALS, &res, &g);
    if (r < 0)
        return r;
    r = store_class_has_student(db, g, class_id, student_id, c->now_ms / DAY_MS);
    access_read_end(c);
    if (r < 0)
        return ctx_fail(c, r, "cannot read the class roster");
    if (r == 0)
        return ctx_fail(c, -ENOENT, "student: not in this class");
    struct revoke_arg x = {c, class_id, student_id};
    r = store_tx(db, revoke_fn, &x);
    if (r == -ENOENT)
        return ctx_fail(c, -ENOENT, "student: has no active card");
    return r < 0 ? ctx_fail(c, r, "cannot revoke the card") : 0;
}

/* ---- administration ---- */

static int operator_only(struct ctx *c)
{
    if (!c->who || c->who->kind != PRINCIPAL_OPERATOR)
        return ctx_fail(c, -EACCES, "only the server's operator can manage accounts");
    return 0;
}

static void random_password(char *out)
{
    char raw[17];
    random_code(raw, 16);
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
    if (!role || !(map_role(role, NULL) & (ROLE_TEACHER | AUTH_MFA_ROLES)) ||
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
    lower_login(username, a.login, sizeof(a.login));
    snprintf(a.display_name, sizeof(a.display_name), "%s", name);
    a.created_at = c->now_ms;
    random_password(password_out);
    r = password_hash(password_out, a.password_hash);
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
    r = password_hash(password, a->password_hash);
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
        lower_login(username, a->login, sizeof(a->login));
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
    lower_login(username, login, sizeof(login));
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
    struct throttle t;
    throttle_keys(x->c, x->a->login, &t);
    int r = store_throttle_clear(db, t.key[TK_NAME]);
    /* the name's counts from every address: pairs are keyed by address too, so they lapse */
    return r;
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
    r = password_hash(password, a.password_hash);
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

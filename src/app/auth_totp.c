/*
 * The second factor (see auth.h): TOTP codes (RFC 6238) and recovery codes
 * checked at login and at step-up, and enrolling an authenticator.
 */
#include "base/common.h"

#include <sodium.h>
#include <stdio.h>

#include "app/audit.h"
#include "app/auth_internal.h"
#include "app/otp.h"
#include "app/qr.h"
#include "base/buf.h"
#include "base/rand.h"
#include "core/otp.h"
#include "store/store.h"
#include "store/store_district.h"
#include "store/store_security.h"

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
    auth_keyed(c, "recovery", norm, NULL, out);
}

/*
 * Check a second factor of account a: a TOTP code (step recorded, never
 * taken twice) or an unused recovery code (used up). 1: good, 0: not.
 * Inside the caller's write transaction.
 */
int auth_check_second(struct ctx *c, struct db *db, const struct account_row *a, const char *second,
                      const char **ret_method)
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
    if (p->enrol_only) {
        /* a first second factor with the password alone: only in the window an administrator
           opened (AUTH_ENROL_WINDOW_MS) */
        int64_t until = 0;
        r = store_account_enrol_until(db, p->account_id, &until);
        if (r < 0)
            return ctx_fail(c, r, "cannot read the account");
        if (c->now_ms > until)
            return ctx_fail(c, -EACCES,
                            "second factor: the time to set it up with your password alone has "
                            "passed (72 hours after an administrator set the password or removed "
                            "the second factor); ask an administrator for a new password");
    }
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
    uint32_t code;
    uint8_t (*hashes)[SEAL_INDEX_LEN];
    int64_t wait;      /* > 0: throttled, nothing checked */
    const char *wrong; /* why the code was refused, or NULL */
};

/*
 * The throttle's check and count, the code against the pending secret and
 * the enrolment, in one transaction: a wrong code commits its count.
 */
static int totp_confirm_fn(struct db *db, void *arg)
{
    struct totp_confirm *t = arg;
    struct ctx *c = t->c;
    uint8_t key[OTP_SECRET_MAX];
    struct account_row a;
    struct throttle th;
    size_t n = 0;
    int r;

    auth_throttle_keys(c, AUTH_FACTOR_SECOND, c->who->name, &th);
    r = auth_throttle_attempt(c, db, &th, &t->wait);
    if (r < 0 || t->wait > 0)
        return r;
    r = store_account_by_id(db, c->who->account_id, &a);
    if (r < 0)
        return r;
    if (!a.totp_pending_len || c->now_ms - a.totp_pending_at > HOUR_MS) {
        t->wrong = "totp: start the enrolment again (POST /api/v1/me/totp)";
        return 0;
    }
    r = open_secret(c, a.totp_pending, a.totp_pending_len, key, &n);
    if (r < 0)
        return r;
    int64_t step = totp_match(key, n, t->code, c->now_ms, 0);
    sodium_memzero(key, sizeof(key));
    if (step < 0) {
        t->wrong = "totp: that code does not match; check the time on your device";
        return 0; /* the failure stays counted */
    }
    r = auth_throttle_success(c, db, &th);
    if (r == 0)
        r = store_account_confirm_totp(db, c->who->account_id, step, c->now_ms);
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

int auth_totp_confirm(struct ctx *c, const char *code, json_t **ret, int64_t *ret_retry_after_s)
{
    const struct principal *p = c->who;
    uint8_t hashes[AUTH_RECOVERY_CODES][SEAL_INDEX_LEN];
    char codes[AUTH_RECOVERY_CODES][16];
    struct db *db;
    uint32_t v;
    int r;

    if (!p || p->kind != PRINCIPAL_USER || !p->session_id)
        return ctx_fail(c, -EPERM, "log in first");
    if (!code || otp_parse_code(code, 6, &v) < 0)
        return ctx_fail(c, -EINVAL, "totp: must be the 6-digit code your authenticator shows");
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    for (int i = 0; i < AUTH_RECOVERY_CODES; i++) {
        char raw[11];
        auth_random_code(raw, 10);
        snprintf(codes[i], sizeof(codes[i]), "%.5s-%.5s", raw, raw + 5);
        recovery_digest(c, codes[i], hashes[i]);
    }
    struct totp_confirm t = {c, v, hashes, 0, NULL};
    r = store_tx(db, totp_confirm_fn, &t);
    if (r < 0 || t.wait > 0 || t.wrong) {
        sodium_memzero(codes, sizeof(codes));
        if (r == -EBADMSG)
            return ctx_fail(c, -EIO, "cannot open the secret with this key");
        if (r < 0)
            return ctx_fail(c, r, "cannot save the second factor");
        if (t.wait > 0) {
            *ret_retry_after_s = t.wait;
            return ctx_fail(c, -EAGAIN, "totp: too many wrong codes; try again in %lld seconds",
                            (long long)t.wait);
        }
        return ctx_fail(c, -EINVAL, "%s", t.wrong);
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
    const char *code;
    bool ok;
    int64_t wait; /* > 0: throttled, nothing checked */
};

/* The throttle's check and count, and the code, in one transaction (a wrong code commits). */
static int mfa_fn(struct db *db, void *arg)
{
    struct mfa_arg *m = arg;
    struct ctx *c = m->c;
    const char *method = NULL;
    struct account_row a;
    struct throttle th;
    int r;

    auth_throttle_keys(c, AUTH_FACTOR_SECOND, c->who->name, &th);
    r = auth_throttle_attempt(c, db, &th, &m->wait);
    if (r < 0 || m->wait > 0)
        return r;
    r = store_account_by_id(db, c->who->account_id, &a);
    if (r == 0)
        r = auth_check_second(c, db, &a, m->code, &method);
    sodium_memzero(&a, sizeof(a));
    if (r < 0)
        return r;
    m->ok = r > 0;
    if (m->ok) {
        r = auth_throttle_success(c, db, &th);
        if (r == 0)
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

int auth_mfa_check(struct ctx *c, const char *code, int64_t *ret_retry_after_s)
{
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
    struct mfa_arg m = {c, code, false, 0};
    r = store_tx(db, mfa_fn, &m);
    if (r < 0)
        return ctx_fail(c, r, "cannot check the code");
    if (m.wait > 0) {
        *ret_retry_after_s = m.wait;
        return ctx_fail(c, -EAGAIN, "totp: too many wrong codes; try again in %lld seconds",
                        (long long)m.wait);
    }
    if (!m.ok)
        return ctx_fail(c, -EINVAL, "totp: that code is wrong or was used before");
    return 0;
}

/* ---- new recovery codes ---- */

struct regen_arg {
    struct ctx *c;
    uint8_t (*hashes)[SEAL_INDEX_LEN];
};

static int regen_fn(struct db *db, void *arg)
{
    struct regen_arg *x = arg;
    struct ctx *c = x->c;
    int r = store_recovery_replace(db, c->who->district_id, c->who->account_id,
                                   (const uint8_t(*)[16])x->hashes, AUTH_RECOVERY_CODES, c->now_ms);
    if (r < 0)
        return r;
    struct audit_entry e = {.action = "change",
                            .object = "account:second-factor",
                            .detail = "10 new recovery codes; the old ones no longer work"};
    return audit_append(c, db, &e);
}

int auth_recovery_regenerate(struct ctx *c, json_t **ret)
{
    const struct principal *p = c->who;
    uint8_t hashes[AUTH_RECOVERY_CODES][SEAL_INDEX_LEN];
    char codes[AUTH_RECOVERY_CODES][16];
    struct db *db;
    int r;

    if (!p || p->kind != PRINCIPAL_USER || !p->session_id)
        return ctx_fail(c, -EPERM, "log in first");
    if (!p->mfa_enrolled)
        return ctx_fail(c, -EINVAL,
                        "second factor: set up two-step verification first; its recovery codes "
                        "come with it");
    if (!mfa_fresh(c))
        return ctx_fail(c, -ENOKEY,
                        "second factor: confirm a code from your authenticator first (POST "
                        "/api/v1/session/mfa)");
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    for (int i = 0; i < AUTH_RECOVERY_CODES; i++) {
        char raw[11];
        auth_random_code(raw, 10);
        snprintf(codes[i], sizeof(codes[i]), "%.5s-%.5s", raw, raw + 5);
        recovery_digest(c, codes[i], hashes[i]);
    }
    struct regen_arg x = {c, hashes};
    r = store_tx(db, regen_fn, &x);
    if (r < 0) {
        sodium_memzero(codes, sizeof(codes));
        return ctx_fail(c, r, "cannot save the recovery codes");
    }
    json_t *list = json_array();
    for (int i = 0; list && i < AUTH_RECOVERY_CODES; i++)
        json_array_append_new(list, json_string(codes[i]));
    sodium_memzero(codes, sizeof(codes));
    *ret = json_pack("{s:o}", "recovery_codes", list ? list : json_array());
    return *ret ? 0 : ctx_fail(c, -ENOMEM, "out of memory");
}

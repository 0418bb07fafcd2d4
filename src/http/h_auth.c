/*
 * Identity endpoints (docs/internals/api.md): log in with a password (and
 * second factor) or a login card, log out, who am I, language, TOTP
 * enrolment and step-up, and a class's login cards. The handlers parse and
 * render; the auth service decides and audits.
 */
#include "base/common.h"

#include <stdio.h>
#include <strings.h>

#include "app/auth.h"
#include "http/errmap.h"
#include "http/handlers.h"
#include "http/request.h"
#include "http/server.h"

/* ---- helpers ---- */

/* A login must come from our own pages: no Origin (non-browser clients), or ours. */
static bool same_origin(const struct request *rq)
{
    const char *origin = http_header(rq, "Origin");
    const char *host = http_header(rq, "Host");
    const struct config *cfg = rq->ctx.cfg;
    char want[600];

    if (!origin)
        return true;
    if (cfg->base_url[0]) {
        size_t n = strlen(cfg->base_url);
        while (n > 0 && cfg->base_url[n - 1] == '/')
            n--;
        if (strlen(origin) == n && strncasecmp(origin, cfg->base_url, n) == 0)
            return true;
    }
    if (!host)
        return false;
    snprintf(want, sizeof(want), "%s://%s", rq->tls ? "https" : "http", host);
    return strcasecmp(origin, want) == 0;
}

static const char *lang_cookie(const struct request *rq)
{
    return http_cookie(rq, "lang");
}

/* The first language of Accept-Language if it is one Trellis speaks. */
static const char *lang_accept(const struct request *rq)
{
    const char *al = http_header(rq, "Accept-Language");
    if (!al)
        return NULL;
    while (*al == ' ')
        al++;
    if (!strncasecmp(al, "es", 2))
        return "es";
    if (!strncasecmp(al, "en", 2))
        return "en";
    return NULL;
}

static void set_session_cookie(struct request *rq, const char *token)
{
    char v[256];
    bool secure = rq->ctx.cfg->secure_cookies || rq->tls;
    if (secure)
        snprintf(v, sizeof(v), AUTH_COOKIE_SECURE "=%s; Path=/; HttpOnly; Secure; SameSite=Lax",
                 token);
    else
        snprintf(v, sizeof(v), AUTH_COOKIE "=%s; Path=/; HttpOnly; SameSite=Lax", token);
    http_add_header(rq, "Set-Cookie", v);
}

static void set_lang_cookie(struct request *rq, const char *lang)
{
    char v[128];
    snprintf(v, sizeof(v), "lang=%s; Path=/; Max-Age=31536000; SameSite=Lax%s", lang,
             rq->ctx.cfg->secure_cookies || rq->tls ? "; Secure" : "");
    http_add_header(rq, "Set-Cookie", v);
}

static int id_param(struct request *rq, const char *name, int64_t *ret)
{
    if (str_to_int64(http_param(rq, name), 1, INT64_MAX, ret) < 0) {
        /* not a number: as unknown as any id nobody may see */
        http_problem(rq, -ENOENT, "not found");
        return -ENOENT;
    }
    return 0;
}

/* 429 too_many_requests with Retry-After: the throttle refused the attempt unchecked. */
static int throttled_answer(struct request *rq, int64_t retry_after_s)
{
    char ra[24], detail[96];
    snprintf(ra, sizeof(ra), "%lld", (long long)retry_after_s);
    http_add_header(rq, "Retry-After", ra);
    snprintf(detail, sizeof(detail), "Too many attempts: try again in %lld seconds",
             (long long)retry_after_s);
    return http_problem_ex(rq, -EAGAIN, detail,
                           json_pack("{s:I}", "retry_after", (json_int_t)retry_after_s));
}

/* The answer to a login: the session and who it is, or the refusal. */
static int login_answer(struct request *rq, const struct auth_login *l)
{
    char csrf[AUTH_TOKEN_LEN + 1];
    json_t *me = NULL;
    int r;

    switch (l->refusal) {
    case AUTH_OK:
        break;
    case AUTH_NEED_SECOND:
        return http_problem(rq, ERR_NEED_TOTP,
                            "Enter the code from your authenticator app (or a recovery code)");
    case AUTH_DISABLED:
        /* only ever after the right password: it tells nothing to anyone without it */
        return http_problem(rq, ERR_ACCOUNT_DISABLED,
                            "This account is turned off: ask your school's administrator");
    case AUTH_BUSY:
        http_add_header(rq, "Retry-After", "1");
        return http_problem_ex(rq, ERR_BUSY,
                               "Trellis is busy checking other logins: try again in a second",
                               json_pack("{s:i}", "retry_after", 1));
    case AUTH_THROTTLED:
        return throttled_answer(rq, l->retry_after_s);
    default:
        return http_problem(rq, ERR_BAD_CREDENTIALS, "Wrong name, password or code");
    }
    rq->ctx.who = l->who;
    auth_csrf_token(l->token, csrf);
    r = auth_me(&rq->ctx, csrf, lang_cookie(rq), lang_accept(rq), &me);
    if (r < 0)
        return r;
    set_session_cookie(rq, l->token);
    if (!http_cookie(rq, "lang")) {
        const char *lang = json_string_value(json_object_get(me, "lang"));
        if (lang)
            set_lang_cookie(rq, lang);
    }
    return http_respond_json_take(rq, 200, me);
}

static int login_preamble(struct request *rq, json_t **ret)
{
    if (!same_origin(rq))
        return http_problem(rq, ERR_CSRF, "Origin: a login must come from this site");
    return http_json_body_or_respond(rq, ret);
}

/* ---- endpoints ---- */

/* A password login while its password is checked on the hashing pool. */
struct pending_login {
    struct auth_login l;
    struct auth_pending *p;
};

static void wake(void *arg)
{
    http_resume(arg);
}

static int session_create_finish(struct request *rq)
{
    struct pending_login *x = rq->user;
    int r = auth_login_finish(&rq->ctx, x->p);
    if (r < 0)
        return r;
    return login_answer(rq, &x->l);
}

/*
 * The password is checked by the hashing pool (auth_hash.c), not on this
 * worker: the request waits suspended and is answered once it is done, or
 * at once (429 busy) when the pool's queue is full.
 */
int h_session_create(struct request *rq)
{
    const char *user = NULL, *pw = NULL, *second = NULL;
    struct pending_login *x;
    json_error_t jerr;
    json_t *body;
    int r = login_preamble(rq, &body);

    if (r < 0 || rq->responded)
        return r;
    if (json_unpack_ex(body, &jerr, JSON_STRICT, "{s:s, s:s, s?s}", "username", &user, "password",
                       &pw, "totp", &second) < 0) {
        char d[300];
        snprintf(d, sizeof(d), "body: %s (expected {username, password, totp?})", jerr.text);
        json_decref(body);
        return http_problem(rq, -EINVAL, d);
    }
    rq->ctx.purpose = "log in";
    x = arena_calloc(&rq->arena, 1, sizeof(*x));
    r = x ? auth_login_begin(&rq->ctx, user, pw, second, &x->l, &x->p) : -ENOMEM;
    json_decref(body); /* the pending login has its own copies */
    if (r < 0)
        return r;
    if (!x->p)
        return login_answer(rq, &x->l);
    rq->user = x;
    http_suspend(rq, session_create_finish);
    auth_login_submit(x->p, wake, rq);
    return 0;
}

int h_session_card(struct request *rq)
{
    const char *code = NULL;
    struct auth_login l;
    json_error_t jerr;
    json_t *body;
    int r = login_preamble(rq, &body);

    if (r < 0 || rq->responded)
        return r;
    if (json_unpack_ex(body, &jerr, JSON_STRICT, "{s:s}", "code", &code) < 0) {
        char d[300];
        snprintf(d, sizeof(d), "body: %s (expected {code})", jerr.text);
        json_decref(body);
        return http_problem(rq, -EINVAL, d);
    }
    rq->ctx.purpose = "log in with a card";
    r = auth_login_card(&rq->ctx, code, &l);
    json_decref(body);
    if (r < 0)
        return r;
    return login_answer(rq, &l);
}

int h_session_delete(struct request *rq)
{
    if (rq->ctx.who) {
        int r = auth_logout(&rq->ctx);
        if (r < 0)
            return r;
    }
    http_clear_session_cookie(rq);
    return http_respond_empty(rq, 204);
}

/* {totp}: check the second factor again (step-up for the export tripwire). */
int h_session_mfa(struct request *rq)
{
    const char *code = NULL;
    int64_t retry = 0;
    json_error_t jerr;
    json_t *body;
    int r = http_json_body_or_respond(rq, &body);

    if (r < 0)
        return r;
    if (json_unpack_ex(body, &jerr, JSON_STRICT, "{s:s}", "totp", &code) < 0) {
        json_decref(body);
        return http_problem(rq, -EINVAL, "body: expected {totp}");
    }
    r = auth_mfa_check(&rq->ctx, code, &retry);
    json_decref(body);
    if (r == -EAGAIN)
        return throttled_answer(rq, retry);
    if (r < 0)
        return r;
    return http_respond_empty(rq, 204);
}

int h_me(struct request *rq)
{
    char csrf[AUTH_TOKEN_LEN + 1];
    const char *token = http_session_token(rq);
    json_t *me;
    int r;

    if (!rq->ctx.who || !token)
        return http_problem(rq, -EPERM, "log in first");
    auth_csrf_token(token, csrf);
    r = auth_me(&rq->ctx, csrf, lang_cookie(rq), lang_accept(rq), &me);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, 200, me);
}

int h_me_lang(struct request *rq)
{
    const char *lang = NULL;
    json_t *body;
    int r = http_json_body_or_respond(rq, &body);

    if (r < 0)
        return r;
    if (json_unpack(body, "{s:s}", "lang", &lang) < 0 || json_object_size(body) != 1) {
        json_decref(body);
        return http_problem(rq, -EINVAL, "body: expected {lang}");
    }
    r = auth_set_lang(&rq->ctx, lang);
    if (r == 0)
        set_lang_cookie(rq, lang);
    json_decref(body);
    return r < 0 ? r : http_respond_empty(rq, 204);
}

int h_me_totp(struct request *rq)
{
    json_t *o;
    int r = auth_totp_begin(&rq->ctx, &o);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, 200, o);
}

int h_me_totp_confirm(struct request *rq)
{
    const char *code = NULL;
    int64_t retry = 0;
    json_t *body, *o;
    int r = http_json_body_or_respond(rq, &body);

    if (r < 0)
        return r;
    if (json_unpack(body, "{s:s}", "totp", &code) < 0 || json_object_size(body) != 1) {
        json_decref(body);
        return http_problem(rq, -EINVAL, "body: expected {totp}");
    }
    r = auth_totp_confirm(&rq->ctx, code, &o, &retry);
    json_decref(body);
    if (r == -EAGAIN)
        return throttled_answer(rq, retry);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, 200, o);
}

int h_class_cards(struct request *rq)
{
    int64_t id;
    json_t *o;
    int r = id_param(rq, "id", &id);
    if (r < 0)
        return rq->responded ? 0 : r;
    rq->ctx.purpose = "print login cards";
    r = auth_cards(&rq->ctx, id, server_base_url(rq->srv), &o);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, 200, o);
}

int h_class_card_revoke(struct request *rq)
{
    int64_t id, student;
    int r = id_param(rq, "id", &id);
    if (r < 0)
        return rq->responded ? 0 : r;
    r = id_param(rq, "student", &student);
    if (r < 0)
        return rq->responded ? 0 : r;
    rq->ctx.purpose = "revoke a login card";
    r = auth_card_revoke(&rq->ctx, id, student);
    if (r < 0)
        return r;
    return http_respond_empty(rq, 204);
}

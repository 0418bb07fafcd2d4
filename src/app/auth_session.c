/*
 * Sessions (see auth.h): a new session at login, finding the session of a
 * cookie (and ending it when it timed out or its account was turned off),
 * the principal of an account, the CSRF token, logging out, and what
 * GET /api/v1/me answers.
 */
#include "base/common.h"

#include <sodium.h>
#include <stdio.h>

#include "app/access.h"
#include "app/audit.h"
#include "app/auth_internal.h"
#include "base/hex.h"
#include "base/rand.h"
#include "store/store.h"
#include "store/store_district.h"
#include "store/store_people.h"

static void token_digest(const char *token, uint8_t out[AUTH_HASH_LEN])
{
    crypto_generichash(out, AUTH_HASH_LEN, (const unsigned char *)token, strlen(token), NULL, 0);
}

static int64_t idle_ms(const struct config *cfg)
{
    return cfg->session_idle_sec ? cfg->session_idle_sec * SECOND_MS
                                 : cfg->session_idle_min * MINUTE_MS;
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
    unsigned bit = auth_map_role(role, org_type);
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
        unsigned bit = auth_map_role(a->roster_role, NULL);
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

int auth_new_session(struct ctx *c, struct db *db, const struct account_row *a, const char *method,
                     bool mfa, int64_t card_id, struct auth_login *ret)
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
    s.card_id = card_id;
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
    token_digest(token, h);
    struct auth_cached k;
    if (auth_cache_get(c, h, &k) > 0 && c->now_ms < k.expires_at &&
        c->now_ms - k.seen_at < idle_ms(c->cfg)) {
        if (c->now_ms - k.seen_at >= MIN(TOUCH_EVERY_MS, idle_ms(c->cfg) / 4)) {
            r = ctx_db(c, &db);
            if (r == 0)
                r = store_session_touch(db, k.who->session_id, c->now_ms);
            if (r < 0)
                return ctx_fail(c, r, "cannot update the session");
            auth_cache_seen(c, h, c->now_ms);
        }
        *ret = k.who;
        return 0;
    }
    /* not kept (or timed out: read it again, and end it with the reason) */
    uint64_t gen = store_write_gen(c->store);
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
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
        s.seen_at = c->now_ms;
    }
    r = make_principal(c, db, &a, &s, &p);
    sodium_memzero(&a, sizeof(a));
    if (r < 0)
        return ctx_fail(c, r, "cannot read the account's roles");
    auth_cache_put(c, h, gen, &(struct auth_cached){p, s.seen_at, s.expires_at});
    *ret = p;
    return 0;
}

int auth_session_ended(struct ctx *c, const char *token, char *out, size_t n)
{
    static const struct {
        const char *reason, *told;
    } told[] = {
        {"idle", "idle"},
        {"expired", "expired"},
        {"account turned off", "off"},
        {"deactivated in the roster", "off"},
        {"card revoked", "card"},
    };
    uint8_t h[AUTH_HASH_LEN];
    struct session_row s;
    struct account_row a;
    struct db *db;
    int r;

    if (!token || strlen(token) != AUTH_TOKEN_LEN)
        return 0;
    r = ctx_db(c, &db);
    if (r < 0)
        return 0;
    token_digest(token, h);
    r = store_session_lookup(db, h, &s, &a);
    if (r < 0 || !s.ended_at)
        return 0;
    sodium_memzero(&a, sizeof(a));
    for (size_t i = 0; i < ARRAY_SIZE(told); i++) {
        if (strcmp(s.end_reason, told[i].reason) != 0)
            continue;
        if (!strcmp(told[i].told, "idle"))
            snprintf(out, n, "idle; seconds=%lld", (long long)(idle_ms(c->cfg) / SECOND_MS));
        else if (!strcmp(told[i].told, "expired"))
            snprintf(out, n, "expired; seconds=%lld",
                     (long long)((s.expires_at - s.created_at) / SECOND_MS));
        else
            snprintf(out, n, "%s", told[i].told);
        return 1;
    }
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
    case ROLE_PD_COORDINATOR:
        return "pd_coordinator";
    case ROLE_COACH:
        return "coach";
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
    for (unsigned bit = ROLE_STUDENT; roles && bit <= ROLE_COACH; bit <<= 1)
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
    char logo[32] = "";
    if (c->cfg && c->cfg->logo[0])
        snprintf(logo, sizeof(logo), "/brand/logo%s", config_logo_ext(c->cfg->logo));
    o = json_pack("{s:o, s:I, s:s, s:s, s:o, s:{s:I, s:s, s:o}, s:o, s:s, s:{s:b, s:b, s:I}, s:s, "
                  "s:b}",
                  "id", a.user_id ? json_integer(a.user_id) : json_null(), "account_id",
                  (json_int_t)a.id, "username", a.login, "name", name, "roles",
                  roles ? roles : json_array(), "district", "id", (json_int_t)d.id, "name", d.name,
                  "logo", logo[0] ? json_string(logo) : json_null(), "schools",
                  oj.list ? oj.list : json_array(), "csrf_token", csrf ? csrf : "", "mfa",
                  "enrolled", p->mfa_enrolled, "required", (p->roles & AUTH_MFA_ROLES) != 0,
                  "recovery_codes_left", (json_int_t)left, "lang", lang, "password_set",
                  a.password_hash[0] != '\0');
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

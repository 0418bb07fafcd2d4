/*
 * Administration endpoints (docs/API.md "Administration"): the people of a
 * district or a school with their logins, the actions on an account (a
 * login, a password, unlocking, second factor, off and on), API clients,
 * the audit log (a district's by actor and refusals, a student's, verifying
 * the chain) and the effective settings; and a person's own password and
 * recovery codes. The handlers parse and render; the services decide
 * (through the access gate) and audit.
 */
#include "base/common.h"

#include <sodium.h>
#include <stdio.h>

#include "app/audit.h"
#include "app/auth.h"
#include "app/clients.h"
#include "app/system.h"
#include "base/timeutil.h"
#include "http/handlers.h"
#include "http/request.h"

/* ---- helpers ---- */

/* A path id: a number, or as unknown as any record the caller may not see. */
static int id_or_404(struct request *rq, const char *name, int64_t *ret)
{
    if (str_to_int64(http_param(rq, name), 1, INT64_MAX, ret) < 0) {
        http_problem(rq, -ENOENT, "not found");
        return -ENOENT;
    }
    return 0;
}

/* A whole number from the query string (absent: def): 0, or responds 400 naming it. */
static int query_int(struct request *rq, const char *name, int64_t min, int64_t max, int64_t def,
                     int64_t *ret)
{
    const char *v = http_query(rq, name);
    char detail[160];
    if (!v) {
        *ret = def;
        return 0;
    }
    if (str_to_int64(str_from(v), min, max, ret) == 0)
        return 0;
    snprintf(detail, sizeof(detail), "%s: must be a whole number from %lld to %lld", name,
             (long long)min, (long long)max);
    http_problem(rq, -EINVAL, detail);
    return -EINVAL;
}

/* A yes/no query value: "1"/"true" or "0"/"false" (absent: false). */
static int query_bool(struct request *rq, const char *name, bool *ret)
{
    const char *v = http_query(rq, name);
    char detail[120];
    *ret = false;
    if (!v || !strcmp(v, "0") || !strcmp(v, "false"))
        return 0;
    if (!strcmp(v, "1") || !strcmp(v, "true")) {
        *ret = true;
        return 0;
    }
    snprintf(detail, sizeof(detail), "%s: must be true or false", name);
    http_problem(rq, -EINVAL, detail);
    return -EINVAL;
}

/*
 * An optional JSON body of string members (names NULL-terminated): no
 * body, or an object with only those members, each a string. *ret_body is
 * the parsed object (NULL without a body); the values borrow from it.
 */
static int string_body(struct request *rq, const char *const *names, const char **values,
                       json_t **ret_body)
{
    const char *key;
    json_t *o, *v;
    int r;

    *ret_body = NULL;
    if (rq->body.len == 0)
        return 0;
    r = http_json_body_or_respond(rq, &o);
    if (r < 0)
        return r;
    json_object_foreach(o, key, v)
    {
        size_t i = 0;
        while (names[i] && strcmp(names[i], key) != 0)
            i++;
        if (!names[i] || !json_is_string(v)) {
            char detail[300];
            snprintf(detail, sizeof(detail), "%.64s: %s", key,
                     names[i] ? "must be a string" : "not a field of this request");
            json_decref(o);
            http_problem(rq, -EINVAL, detail);
            return -EINVAL;
        }
        values[i] = json_string_value(v);
    }
    *ret_body = o;
    return 0;
}

/* ---- people and their logins ---- */

static int people(struct request *rq, enum access_kind scope)
{
    int64_t id, offset, limit;
    json_t *o;
    int r = id_or_404(rq, "id", &id);
    if (r < 0)
        return rq->responded ? 0 : r;
    if (query_int(rq, "offset", 0, 1000000, 0, &offset) < 0 ||
        query_int(rq, "limit", 1, 100, 25, &limit) < 0)
        return 0;
    rq->ctx.purpose = "account administration";
    r = auth_admin_people(&rq->ctx, scope, id, http_query(rq, "q"), offset, limit, &o);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, 200, o);
}

int h_admin_district_people(struct request *rq)
{
    return people(rq, RES_DISTRICT);
}

int h_admin_school_people(struct request *rq)
{
    return people(rq, RES_SCHOOL);
}

/* {password?}: answers {username, password} with the password made (shown once), or 204. */
static int password_answer(struct request *rq, int r, const char *login, const char *made)
{
    if (r < 0)
        return r;
    if (!made[0] && !login)
        return http_respond_empty(rq, 204);
    return http_respond_json_take(
        rq, 200, json_pack("{s:s*, s:s*}", "username", login, "password", made[0] ? made : NULL));
}

int h_admin_give_login(struct request *rq)
{
    static const char *const names[] = {"password", NULL};
    const char *values[1] = {NULL};
    char made[32] = "", login[128] = "";
    int64_t id;
    json_t *body;
    int r = id_or_404(rq, "id", &id);
    if (r < 0)
        return rq->responded ? 0 : r;
    r = string_body(rq, names, values, &body);
    if (r < 0 || rq->responded)
        return rq->responded ? 0 : r;
    r = auth_admin_give_login(&rq->ctx, id, values[0], made, login);
    json_decref(body);
    r = password_answer(rq, r, login, made);
    sodium_memzero(made, sizeof(made));
    return r;
}

int h_admin_password(struct request *rq)
{
    static const char *const names[] = {"password", NULL};
    const char *values[1] = {NULL};
    char made[32] = "";
    int64_t id;
    json_t *body;
    int r = id_or_404(rq, "id", &id);
    if (r < 0)
        return rq->responded ? 0 : r;
    r = string_body(rq, names, values, &body);
    if (r < 0 || rq->responded)
        return rq->responded ? 0 : r;
    r = auth_admin_set_password(&rq->ctx, id, values[0], made);
    json_decref(body);
    r = password_answer(rq, r, NULL, made);
    sodium_memzero(made, sizeof(made));
    return r;
}

/* An action on an account without a body: 204 once done. */
static int account_action(struct request *rq, int (*fn)(struct ctx *c, int64_t id))
{
    int64_t id;
    int r = id_or_404(rq, "id", &id);
    if (r < 0)
        return rq->responded ? 0 : r;
    r = fn(&rq->ctx, id);
    return r < 0 ? r : http_respond_empty(rq, 204);
}

static int disable(struct ctx *c, int64_t id)
{
    return auth_admin_disable(c, id, true);
}

static int enable(struct ctx *c, int64_t id)
{
    return auth_admin_disable(c, id, false);
}

int h_admin_unlock(struct request *rq)
{
    return account_action(rq, auth_admin_unlock);
}

int h_admin_disable(struct request *rq)
{
    return account_action(rq, disable);
}

int h_admin_enable(struct request *rq)
{
    return account_action(rq, enable);
}

int h_admin_reset_totp(struct request *rq)
{
    return account_action(rq, auth_admin_reset_totp);
}

/* ---- API clients ---- */

static int client_cb(const struct client_info *ci, void *arg)
{
    return json_array_append_new(arg, clients_info_json(ci)) < 0 ? -ENOMEM : 0;
}

int h_admin_clients(struct request *rq)
{
    int64_t id;
    json_t *list;
    int r = id_or_404(rq, "id", &id);
    if (r < 0)
        return rq->responded ? 0 : r;
    list = json_array();
    if (!list)
        return -ENOMEM;
    r = clients_list(&rq->ctx, id, client_cb, list);
    if (r < 0) {
        json_decref(list);
        return r;
    }
    return http_respond_json_take(rq, 200, json_pack("{s:o}", "clients", list));
}

int h_admin_client_add(struct request *rq)
{
    struct client_credentials cred;
    const char *name = NULL;
    unsigned scopes = 0;
    json_t *body, *list = NULL, *v, *out;
    json_error_t jerr;
    size_t i;
    int64_t id;
    int r = id_or_404(rq, "id", &id);
    if (r < 0)
        return rq->responded ? 0 : r;
    r = http_json_body_or_respond(rq, &body);
    if (r < 0)
        return r;
    if (json_unpack_ex(body, &jerr, JSON_STRICT, "{s:s, s:o}", "name", &name, "scopes", &list) <
            0 ||
        !json_is_array(list)) {
        char d[300];
        snprintf(d, sizeof(d), "body: %s (expected {name: string, scopes: [string...]})",
                 list && !json_is_array(list) ? "scopes must be a list" : jerr.text);
        json_decref(body);
        return http_problem(rq, -EINVAL, d);
    }
    json_array_foreach(list, i, v)
    {
        unsigned bit;
        if (!json_is_string(v) || scope_parse(json_string_value(v), &bit) < 0) {
            char d[300];
            snprintf(d, sizeof(d),
                     "scopes[%zu]: '%.64s' is not one of statements/write, statements/read/mine, "
                     "statements/read, state, profile, all, roster/read, roster/write",
                     i, json_is_string(v) ? json_string_value(v) : "");
            json_decref(body);
            return http_problem(rq, -EINVAL, d);
        }
        scopes |= bit;
    }
    r = clients_add(&rq->ctx, id, name, scopes, &cred);
    if (r < 0) {
        json_decref(body);
        return r;
    }
    out = json_pack("{s:s, s:s, s:s, s:O}", "name", name, "key", cred.key, "secret", cred.secret,
                    "scopes", list);
    sodium_memzero(&cred, sizeof(cred));
    json_decref(body);
    return http_respond_json_take(rq, 201, out);
}

int h_admin_client_revoke(struct request *rq)
{
    char key[64];
    struct str k = http_param(rq, "key");
    int64_t id;
    int r = id_or_404(rq, "id", &id);
    if (r < 0)
        return rq->responded ? 0 : r;
    if (k.len == 0 || k.len >= sizeof(key))
        return http_problem(rq, -ENOENT, "not found");
    memcpy(key, k.p, k.len);
    key[k.len] = '\0';
    r = clients_revoke(&rq->ctx, id, key);
    return r < 0 ? r : http_respond_empty(rq, 204);
}

/* ---- the audit log ---- */

static json_t *subjects_json(const char *s)
{
    json_t *list = json_array();
    while (list && s && *s) {
        int64_t v;
        const char *end = strchr(s, ',');
        size_t n = end ? (size_t)(end - s) : strlen(s);
        if (str_to_int64((struct str){s, n}, 0, INT64_MAX, &v) == 0)
            json_array_append_new(list, json_integer(v));
        s += n + (end ? 1 : 0);
    }
    return list;
}

static int entry_cb(const struct audit_view *v, void *arg)
{
    char at[32];
    time_format_iso8601(v->at, at);
    json_t *o =
        json_pack("{s:I, s:I, s:s, s:{s:s, s:I, s:s}, s:s, s:s, s:s, s:s, s:o, s:s, s:s, "
                  "s:s}",
                  "id", (json_int_t)v->id, "seq", (json_int_t)v->seq, "at", at, "actor", "kind",
                  v->actor_kind, "id", (json_int_t)v->actor_id, "name", v->actor_name, "from",
                  v->client_addr, "request_id", v->request_id, "action", v->action, "object",
                  v->object, "subjects", subjects_json(v->subjects), "purpose", v->purpose,
                  "outcome", v->outcome, "detail", v->detail);
    return json_array_append_new(arg, o) < 0 ? -ENOMEM : 0;
}

/* {entries, more, before}: before is the cursor of the next (older) page, or null. */
static int entries_answer(struct request *rq, json_t *list, bool more, const char *cursor_field)
{
    json_t *last = json_array_get(list, json_array_size(list) - 1);
    json_t *next = more && last
                       ? json_integer(json_integer_value(json_object_get(last, cursor_field)))
                       : json_null();
    return http_respond_json_take(
        rq, 200, json_pack("{s:o, s:b, s:o}", "entries", list, "more", more, "before", next));
}

int h_admin_audit(struct request *rq)
{
    int64_t id, before, limit;
    bool denials, more = false;
    json_t *list;
    int r = id_or_404(rq, "id", &id);
    if (r < 0)
        return rq->responded ? 0 : r;
    if (query_int(rq, "before", 1, INT64_MAX, 0, &before) < 0 ||
        query_int(rq, "limit", 1, AUDIT_PAGE_MAX, 50, &limit) < 0 ||
        query_bool(rq, "denials", &denials) < 0)
        return 0;
    list = json_array();
    if (!list)
        return -ENOMEM;
    r = audit_list(&rq->ctx, id, http_query(rq, "actor"), denials, before, limit, entry_cb, list,
                   &more);
    if (r < 0) {
        json_decref(list);
        return r;
    }
    return entries_answer(rq, list, more, "seq");
}

int h_user_audit(struct request *rq)
{
    int64_t id, before, limit;
    bool more = false;
    json_t *list;
    int r = id_or_404(rq, "id", &id);
    if (r < 0)
        return rq->responded ? 0 : r;
    if (query_int(rq, "before", 1, INT64_MAX, 0, &before) < 0 ||
        query_int(rq, "limit", 1, AUDIT_PAGE_MAX, 50, &limit) < 0)
        return 0;
    list = json_array();
    if (!list)
        return -ENOMEM;
    rq->ctx.purpose = "record of access (FERPA 34 CFR 99.32)";
    r = audit_student_page(&rq->ctx, id, before, limit, entry_cb, list, &more);
    if (r < 0) {
        json_decref(list);
        return r;
    }
    return entries_answer(rq, list, more, "id");
}

/* {intact, entries, problems: [...], first_bad_entry}: what `trellis audit verify` says. */
int h_admin_audit_verify(struct request *rq)
{
    struct audit_verify_report *rep;
    json_t *problems, *o;
    int64_t id;
    int r = id_or_404(rq, "id", &id);
    if (r < 0)
        return rq->responded ? 0 : r;
    rep = arena_calloc(&rq->arena, 1, sizeof(*rep));
    if (!rep)
        return -ENOMEM;
    r = audit_verify_district(&rq->ctx, id, rep);
    if (r < 0 && r != -EBADMSG)
        return r;
    problems = json_array();
    for (const char *p = rep->problems; problems && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        json_array_append_new(problems, json_stringn(p, n));
        p += n + (nl ? 1 : 0);
    }
    o = json_pack("{s:b, s:I, s:b, s:i, s:o, s:o}", "intact", r == 0, "entries",
                  (json_int_t)rep->entries, "tags_checked", rep->tags_checked, "problem_count",
                  rep->n_problems, "problems", problems ? problems : json_array(),
                  "first_bad_entry",
                  rep->bad_entry_id ? json_integer(rep->bad_entry_id) : json_null());
    return http_respond_json_take(rq, 200, o);
}

/* ---- settings ---- */

int h_admin_settings(struct request *rq)
{
    int64_t id;
    json_t *o;
    int r = id_or_404(rq, "id", &id);
    if (r < 0)
        return rq->responded ? 0 : r;
    r = system_settings(&rq->ctx, id, &o);
    return r < 0 ? r : http_respond_json_take(rq, 200, o);
}

/* ---- one's own account ---- */

int h_me_password(struct request *rq)
{
    const char *current = NULL, *password = NULL;
    int64_t retry = 0;
    json_error_t jerr;
    json_t *body;
    int r = http_json_body_or_respond(rq, &body);

    if (r < 0)
        return r;
    if (json_unpack_ex(body, &jerr, JSON_STRICT, "{s:s, s:s}", "current_password", &current,
                       "password", &password) < 0) {
        char d[300];
        snprintf(d, sizeof(d), "body: %s (expected {current_password, password})", jerr.text);
        json_decref(body);
        return http_problem(rq, -EINVAL, d);
    }
    r = auth_change_password(&rq->ctx, current, password, &retry);
    json_decref(body);
    if (r == -EAGAIN) {
        char ra[24];
        snprintf(ra, sizeof(ra), "%lld", (long long)retry);
        http_add_header(rq, "Retry-After", ra);
        return http_problem_ex(rq, -EAGAIN, rq->ctx.err,
                               json_pack("{s:I}", "retry_after", (json_int_t)retry));
    }
    return r < 0 ? r : http_respond_empty(rq, 204);
}

int h_me_recovery_codes(struct request *rq)
{
    json_t *o;
    int r = auth_recovery_regenerate(&rq->ctx, &o);
    return r < 0 ? r : http_respond_json_take(rq, 200, o);
}

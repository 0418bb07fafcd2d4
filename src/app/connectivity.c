/*
 * Home connectivity: see connectivity.h. This file checks requests (each
 * field named when wrong), seals and opens the answers and referral notes,
 * asks the gate before every read and change, and writes the audit entry
 * of every change in its transaction. SQL lives in store_connectivity.c.
 *
 * The survey's public side (a code instead of an account) borrows the
 * login throttle and the keyed digest of auth_internal.h, the way login
 * cards do: a code is found by its digest, and every code tried counts
 * against the caller's address until it turns out to be a real one.
 */
#include "base/common.h"

#include <stdio.h>

#include "app/access.h"
#include "app/audit.h"
#include "app/auth_internal.h"
#include "app/connectivity.h"
#include "app/principal.h"
#include "base/buf.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "store/seal.h"
#include "store/store.h"
#include "store/store_connectivity.h"

#define NOTE_MAX     2000 /* bytes of a referral note or a session title */
#define PROVIDER_MAX 200

/* ---- the answer elements (CoSN/CCSSO/Ed-Fi student digital access; docs/EQUITY.md) ---- */

static const char *const device_types[] = {"desktop",    "laptop", "chromebook", "tablet",
                                           "smartphone", "none",   "other",      NULL};
static const char *const device_providers[] = {"school", "personal", "other", NULL};
static const char *const device_shared[] = {"not_shared", "shared", "unknown", NULL};
static const char *const internet_types[] = {
    "broadband", "cellular", "school_hotspot", "community_wifi", "satellite",
    "dial_up",   "none",     "other",          "unknown",        NULL};
static const char *const adequacy[] = {"yes", "sometimes", "no", "unknown", NULL};
static const char *const barriers[] = {"not_available", "not_affordable", "not_desired", "other",
                                       NULL};
static const char *const langs[] = {"en", "es", NULL};

static const char *const programmes[] = {"lifeline", "provider_plan", "state_program", "other",
                                         NULL};
static const char *const statuses[] = {"referred", "applied", "enrolled", "declined", NULL};
static const char *const audiences[] = {"families", "students", "staff", NULL};
static const char *const topics[] = {"device_basics",     "platform_use", "online_safety",
                                     "low_cost_internet", "other",        NULL};

static bool one_of(const char *s, const char *const *set)
{
    for (size_t i = 0; s && set[i]; i++)
        if (!strcmp(s, set[i]))
            return true;
    return false;
}

/* "a, b or c" for an error message. */
static const char *set_text(struct ctx *c, const char *const *set)
{
    struct buf b = BUF_INIT(1024);
    for (size_t i = 0; set[i]; i++)
        if (buf_appendf(&b, "%s%s", i == 0 ? "" : set[i + 1] ? ", " : " or ", set[i]) < 0)
            break;
    const char *t = arena_strdup(c->arena, buf_cstr(&b));
    buf_release(&b);
    return t ? t : "?";
}

static int check_keys(struct ctx *c, json_t *req, const char *const *known)
{
    const char *k;
    json_t *v;
    if (!json_is_object(req))
        return ctx_fail(c, -EINVAL, "body: must be a JSON object");
    json_object_foreach(req, k, v)
    {
        if (!one_of(k, known))
            return ctx_fail(c, -EINVAL, "%.60s: unknown field", k);
    }
    return 0;
}

/* Field name of body: one of set (required unless optional; *ret NULL when absent). */
static int enum_field(struct ctx *c, json_t *body, const char *name, const char *const *set,
                      bool optional, const char **ret)
{
    json_t *v = json_object_get(body, name);
    *ret = NULL;
    if (!v || json_is_null(v)) {
        if (optional)
            return 0;
        return ctx_fail(c, -EINVAL, "%s: required, one of %s", name, set_text(c, set));
    }
    if (!json_is_string(v) || !one_of(json_string_value(v), set))
        return ctx_fail(c, -EINVAL, "%s: must be one of %s", name, set_text(c, set));
    *ret = json_string_value(v);
    return 0;
}

static int text_field(struct ctx *c, json_t *body, const char *name, size_t max, bool optional,
                      const char **ret)
{
    json_t *v = json_object_get(body, name);
    *ret = NULL;
    if (!v || json_is_null(v)) {
        if (optional)
            return 0;
        return ctx_fail(c, -EINVAL, "%s: required", name);
    }
    if (!json_is_string(v))
        return ctx_fail(c, -EINVAL, "%s: must be text", name);
    if (strlen(json_string_value(v)) > max)
        return ctx_fail(c, -EINVAL, "%s: at most %zu bytes", name, max);
    *ret = json_string_value(v);
    return 0;
}

int conn_answer_parse(struct ctx *c, json_t *body, bool with_code, json_t **ret)
{
    static const char *const keys_code[] = {"code",
                                            "lang",
                                            "device_type",
                                            "device_provider",
                                            "device_shared",
                                            "internet_type",
                                            "internet_adequate",
                                            "barrier",
                                            NULL};
    const char *dt, *dp, *ds, *it, *ia, *ba, *lang;
    int r;

    /* the staff form has no code: skip it in the list of known keys */
    r = check_keys(c, body, with_code ? keys_code : keys_code + 1);
    if (r < 0)
        return r;
    if ((r = enum_field(c, body, "lang", langs, true, &lang)) < 0 ||
        (r = enum_field(c, body, "device_type", device_types, false, &dt)) < 0)
        return r;
    bool no_device = !strcmp(dt, "none");
    if ((r = enum_field(c, body, "device_provider", device_providers, no_device, &dp)) < 0 ||
        (r = enum_field(c, body, "device_shared", device_shared, no_device, &ds)) < 0)
        return r;
    if (no_device && (dp || ds))
        return ctx_fail(c, -EINVAL, "%s: leave it out when device_type is none",
                        dp ? "device_provider" : "device_shared");
    if ((r = enum_field(c, body, "internet_type", internet_types, false, &it)) < 0)
        return r;
    bool no_internet = !strcmp(it, "none");
    if ((r = enum_field(c, body, "internet_adequate", adequacy, no_internet, &ia)) < 0 ||
        (r = enum_field(c, body, "barrier", barriers, !no_internet, &ba)) < 0)
        return r;
    if (no_internet && ia)
        return ctx_fail(c, -EINVAL, "internet_adequate: leave it out when internet_type is none");
    if (!no_internet && ba)
        return ctx_fail(c, -EINVAL, "barrier: only when internet_type is none");
    json_t *o = json_pack("{s:s, s:s}", "lang", lang ? lang : "en", "device_type", dt);
    if (!o)
        return ctx_fail(c, -ENOMEM, "out of memory");
    if (dp)
        json_object_set_new(o, "device_provider", json_string(dp));
    if (ds)
        json_object_set_new(o, "device_shared", json_string(ds));
    json_object_set_new(o, "internet_type", json_string(it));
    if (ia)
        json_object_set_new(o, "internet_adequate", json_string(ia));
    if (ba)
        json_object_set_new(o, "barrier", json_string(ba));
    *ret = o;
    return 0;
}

/* What an answer means for the equity figures: an adequate connection, a dedicated device. */
static void answer_flags(json_t *a, bool *adequate, bool *dedicated)
{
    const char *it = json_string_value(json_object_get(a, "internet_type"));
    const char *ia = json_string_value(json_object_get(a, "internet_adequate"));
    const char *dt = json_string_value(json_object_get(a, "device_type"));
    const char *ds = json_string_value(json_object_get(a, "device_shared"));
    *adequate = it && strcmp(it, "none") && ia && !strcmp(ia, "yes");
    *dedicated = dt && strcmp(dt, "none") && ds && !strcmp(ds, "not_shared");
}

/* ---- sealing ---- */

static int seal_json(struct ctx *c, json_t *o, struct buf *out)
{
    char *text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    if (!text)
        return ctx_fail(c, -ENOMEM, "out of memory");
    int r = seal_encrypt(store_seal(c->store), text, strlen(text), out);
    sodium_memzero(text, strlen(text));
    free(text);
    return r < 0 ? ctx_fail(c, r, "cannot seal the answers") : 0;
}

static int seal_text(struct ctx *c, const char *s, struct buf *out)
{
    int r = seal_encrypt(store_seal(c->store), s, strlen(s), out);
    return r < 0 ? ctx_fail(c, r, "cannot seal the note") : 0;
}

/* A sealed answer opened (NULL when it cannot be: altered, or the key is wrong). */
static json_t *open_json(struct ctx *c, const void *p, size_t n)
{
    struct buf b = BUF_INIT(64 * 1024);
    json_t *o = NULL;
    if (seal_decrypt(store_seal(c->store), p, n, &b) == 0)
        o = json_loadb(b.data, b.len, 0, NULL);
    if (b.data)
        sodium_memzero(b.data, b.len);
    buf_release(&b);
    return o;
}

static json_t *open_text(struct ctx *c, const void *p, size_t n)
{
    struct buf b = BUF_INIT(NOTE_MAX + 64);
    json_t *o = NULL;
    if (!p)
        return json_null();
    if (seal_decrypt(store_seal(c->store), p, n, &b) == 0)
        o = json_stringn(b.data ? b.data : "", b.len);
    buf_release(&b);
    return o ? o : json_null();
}

/* ---- small helpers ---- */

static const char *time_text(struct ctx *c, int64_t ms)
{
    char t[40];
    if (!ms)
        return NULL;
    time_format_iso8601(ms, t);
    return arena_strdup(c->arena, t);
}

static const char *date_text(struct ctx *c, int64_t day)
{
    char d[16];
    time_format_date(day, d);
    return arena_strdup(c->arena, d);
}

static const char *person_name(struct ctx *c, const char *preferred, const char *given,
                               const char *family)
{
    return arena_printf(c->arena, "%s %s", preferred && preferred[0] ? preferred : given, family);
}

static int64_t by_user(const struct ctx *c)
{
    return c->who && c->who->kind == PRINCIPAL_USER ? c->who->user_id : 0;
}

static int audit_change(struct ctx *c, struct db *db, int64_t district, const char *object,
                        const char *detail, const int64_t *subjects, size_t n,
                        const char *actor_name)
{
    struct audit_entry e = {.district_id = district,
                            .action = "change",
                            .object = object,
                            .subjects = subjects,
                            .n_subjects = n,
                            .detail = detail,
                            .actor_name = actor_name};
    if (!object)
        return -ENOMEM;
    return audit_append(c, db, &e);
}

/* "ABCDE-FGHJK" as typed, read from a link (…#code=…) or spaced: the 10 characters, upper case. */
static int normalise_code(const char *in, char out[CONN_CODE_LEN + 1])
{
    size_t j = 0;
    const char *eq = strrchr(in, '=');
    if (eq)
        in = eq + 1; /* the whole link was given */
    for (; *in; in++) {
        char ch = *in;
        if (ch == '-' || ch == ' ')
            continue;
        if (ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 'a' + 'A');
        if (!strchr(auth_code_alphabet, ch) || j >= CONN_CODE_LEN)
            return -EINVAL;
        out[j++] = ch;
    }
    out[j] = '\0';
    return j == CONN_CODE_LEN ? 0 : -EINVAL;
}

static void code_digest(struct ctx *c, const char *code, uint8_t idx[SEAL_INDEX_LEN])
{
    auth_keyed(c, "survey-code", code, NULL, idx);
}

/* ---- issuing codes ---- */

struct issue {
    struct ctx *c;
    int64_t school_id, class_id, days;
    json_t *only; /* [student id] or NULL */
    json_t *codes;
    int64_t expires_ms;
};

static int issue_student_cb(void *arg, const struct conn_student *s)
{
    struct issue *x = arg;
    if (x->only) {
        bool listed = false;
        size_t i;
        json_t *v;
        json_array_foreach(x->only, i, v) listed = listed || json_integer_value(v) == s->id;
        if (!listed)
            return 0;
    }
    json_t *o = json_pack("{s:I, s:s, s:s}", "student", (json_int_t)s->id, "name",
                          person_name(x->c, s->preferred_given_name, s->given_name, s->family_name),
                          "grades", s->grades ? s->grades : "");
    return !o || json_array_append_new(x->codes, o) < 0 ? -ENOMEM : 0;
}

static int issue_tx(struct db *db, void *arg)
{
    struct issue *x = arg;
    struct ctx *c = x->c;
    struct access_resource res = {RES_SCHOOL_CONNECTIVITY, 0, x->school_id};
    struct grant *wg, *lg;
    int64_t now = c->now_ms, day = now / DAY_MS;
    size_t i;
    json_t *o;
    int r;

    json_decref(x->codes); /* a retried transaction starts over */
    if (!(x->codes = json_array()))
        return ctx_fail(c, -ENOMEM, "out of memory");
    if ((r = access_check(c, ACT_WRITE, &res, &wg)) < 0)
        return r;
    if ((r = access_check(c, ACT_LIST, &res, &lg)) < 0)
        return r;
    access_grant_detail(lg, "survey codes issued");
    r = store_conn_school_students(db, lg, x->class_id, day, issue_student_cb, x);
    if (r == -EINVAL)
        return ctx_fail(c, -EINVAL, "class_id: no class %lld at this school",
                        (long long)x->class_id);
    if (r < 0)
        return ctx_fail(c, r, "cannot read the school's students");
    if (json_array_size(x->codes) > CONN_ISSUE_MAX)
        return ctx_fail(c, -EINVAL, "class_id: at most %d students at once: choose a class",
                        CONN_ISSUE_MAX);
    if (x->only) {
        json_t *v;
        json_array_foreach(x->only, i, v)
        {
            bool found = false;
            size_t k;
            json_array_foreach(x->codes, k, o) found =
                found || json_integer_value(json_object_get(o, "student")) == json_integer_value(v);
            if (!found)
                return ctx_fail(c, -EINVAL, "students[%zu]: %lld is not a student of this school",
                                i, (long long)json_integer_value(v));
        }
    }
    x->expires_ms = now + x->days * DAY_MS;
    int64_t *subjects = arena_alloc(c->arena, (json_array_size(x->codes) + 1) * sizeof(int64_t));
    if (!subjects)
        return ctx_fail(c, -ENOMEM, "out of memory");
    json_array_foreach(x->codes, i, o)
    {
        char code[CONN_CODE_LEN + 1], shown[CONN_CODE_LEN + 2];
        uint8_t idx[SEAL_INDEX_LEN];
        int64_t student = json_integer_value(json_object_get(o, "student"));
        for (int tries = 0;; tries++) {
            auth_random_code(code, CONN_CODE_LEN);
            code_digest(c, code, idx);
            r = store_conn_code_insert(db, wg, student, idx, by_user(c), now, x->expires_ms);
            if (r != -EEXIST || tries >= 3)
                break;
        }
        if (r < 0)
            return ctx_fail(c, r, "cannot store the survey codes");
        snprintf(shown, sizeof(shown), "%.5s-%.5s", code, code + 5);
        json_object_set_new(o, "code", json_string(shown));
        json_object_set_new(o, "link",
                            json_string(arena_printf(c->arena, "/survey.html#code=%s", code)));
        sodium_memzero(code, sizeof(code));
        subjects[i] = student;
    }
    return audit_change(c, db, access_grant_district(wg),
                        arena_printf(c->arena, "school:%lld:connectivity", (long long)x->school_id),
                        arena_printf(c->arena, "%zu survey codes issued, valid %lld days",
                                     json_array_size(x->codes), (long long)x->days),
                        subjects, json_array_size(x->codes), NULL);
}

int conn_codes_issue(struct ctx *c, int64_t school_id, json_t *body, json_t **ret)
{
    static const char *const keys[] = {"class_id", "students", "days", NULL};
    struct issue x = {.c = c, .school_id = school_id, .days = CONN_CODE_DAYS};
    struct db *db;
    json_t *v;
    int r;

    if ((r = check_keys(c, body, keys)) < 0)
        return r;
    if ((v = json_object_get(body, "class_id")) && !json_is_null(v)) {
        if (!json_is_integer(v) || json_integer_value(v) <= 0)
            return ctx_fail(c, -EINVAL, "class_id: must be a class's id");
        x.class_id = json_integer_value(v);
    }
    if ((v = json_object_get(body, "days")) && !json_is_null(v)) {
        if (!json_is_integer(v) || json_integer_value(v) < 1 ||
            json_integer_value(v) > CONN_CODE_DAYS_MAX)
            return ctx_fail(c, -EINVAL, "days: must be a whole number from 1 to %d",
                            CONN_CODE_DAYS_MAX);
        x.days = json_integer_value(v);
    }
    if ((v = json_object_get(body, "students")) && !json_is_null(v)) {
        size_t i;
        json_t *s;
        if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > CONN_ISSUE_MAX)
            return ctx_fail(c, -EINVAL, "students: must be a list of 1 to %d student ids",
                            CONN_ISSUE_MAX);
        json_array_foreach(
            v, i, s) if (!json_is_integer(s) ||
                         json_integer_value(s) <=
                             0) return ctx_fail(c, -EINVAL, "students[%zu]: must be a student's id",
                                                i);
        x.only = v;
    }
    if ((r = ctx_db(c, &db)) < 0)
        return r;
    access_read_end(c);
    r = store_tx(db, issue_tx, &x);
    if (r < 0) {
        json_decref(x.codes);
        return r;
    }
    *ret = json_pack("{s:s, s:s, s:o}", "expires", time_text(c, x.expires_ms), "expires_date",
                     date_text(c, x.expires_ms / DAY_MS), "codes", x.codes);
    return *ret ? 0 : ctx_fail(c, -ENOMEM, "out of memory");
}

/* ---- the public survey ---- */

enum code_state { CODE_OK, CODE_THROTTLED, CODE_UNKNOWN, CODE_USED, CODE_EXPIRED };

struct survey {
    struct ctx *c;
    const char *code; /* normalised, or NULL when it cannot be one */
    json_t *answers;  /* NULL: only check the code */
    enum code_state state;
    int64_t wait_s, expires_ms, used_ms;
    int64_t recorded;
};

static int survey_tx(struct db *db, void *arg)
{
    struct survey *y = arg;
    struct ctx *c = y->c;
    struct throttle t;
    struct conn_code k;
    int r;

    y->state = CODE_UNKNOWN;
    auth_throttle_keys(c, AUTH_FACTOR_PASSWORD, NULL, &t);
    if ((r = auth_throttle_attempt(c, db, &t, &y->wait_s)) < 0)
        return r;
    if (y->wait_s > 0) {
        y->state = CODE_THROTTLED;
        return 0;
    }
    if (!y->code)
        return 0; /* counted: a failure */
    uint8_t idx[SEAL_INDEX_LEN];
    code_digest(c, y->code, idx);
    r = store_conn_code_by_index(db, idx, &k);
    if (r == -ENOENT)
        return 0;
    if (r < 0)
        return r;
    /* a real code: no failure, whatever else is wrong with it */
    if ((r = auth_throttle_refund(c, db, &t)) < 0)
        return r;
    y->expires_ms = k.expires_ms;
    y->used_ms = k.used_ms;
    if (k.used_ms) {
        y->state = CODE_USED;
        return 0;
    }
    if (c->now_ms >= k.expires_ms) {
        y->state = CODE_EXPIRED;
        return 0;
    }
    y->state = CODE_OK;
    if (!y->answers)
        return 0;
    r = store_conn_code_use(db, k.id, c->now_ms);
    if (r < 0)
        return r;
    if (r == 0) {
        y->state = CODE_USED;
        return 0;
    }
    struct buf sealed = BUF_INIT(64 * 1024);
    struct conn_answer a = {
        .user_id = k.user_id, .source = "family", .code_id = k.id, .answered_ms = c->now_ms};
    if ((r = store_conn_household(db, k.district_id, k.user_id, &a.household_id)) < 0 ||
        (r = seal_json(c, y->answers, &sealed)) < 0)
        goto out;
    a.sealed = sealed.data;
    a.sealed_len = sealed.len;
    int64_t id;
    if ((r = store_conn_answer_insert(db, k.district_id, &a, &id)) < 0)
        goto out;
    r = audit_change(c, db, k.district_id,
                     arena_printf(c->arena, "person:%lld:connectivity", (long long)k.user_id),
                     "home connectivity survey answered by the family with a survey code",
                     &k.user_id, 1, "family (survey code)");
    if (r == 0)
        y->recorded = 1;
out:
    buf_release(&sealed);
    return r;
}

static int survey_run(struct ctx *c, const char *code, json_t *answers, json_t **ret,
                      int64_t *ret_retry)
{
    char norm[CONN_CODE_LEN + 1];
    struct survey y = {.c = c, .answers = answers};
    struct db *db;
    int r;

    *ret_retry = 0;
    y.code = normalise_code(code, norm) == 0 ? norm : NULL;
    if ((r = ctx_db(c, &db)) < 0)
        return r;
    r = store_tx(db, survey_tx, &y);
    sodium_memzero(norm, sizeof(norm));
    if (r < 0)
        return ctx_fail(c, r, "cannot record the answers");
    switch (y.state) {
    case CODE_THROTTLED:
        *ret_retry = y.wait_s;
        return ctx_fail(c, -EAGAIN,
                        "code: too many codes tried from here: try again in %lld "
                        "seconds",
                        (long long)y.wait_s);
    case CODE_UNKNOWN:
        return ctx_fail(c, -ENOENT,
                        "code: no such survey code: check the code on the school's letter");
    case CODE_USED:
        return ctx_fail(c, -EKEYEXPIRED,
                        "code: this code has been used already: ask the school for a new one");
    case CODE_EXPIRED:
        return ctx_fail(c, -EKEYEXPIRED,
                        "code: this code expired on %s: ask the school for a new one",
                        date_text(c, (y.expires_ms - 1) / DAY_MS));
    case CODE_OK:
        break;
    }
    *ret = answers ? json_pack("{s:I}", "recorded", (json_int_t)y.recorded)
                   : json_pack("{s:s, s:s}", "expires", time_text(c, y.expires_ms), "expires_date",
                               date_text(c, (y.expires_ms - 1) / DAY_MS));
    return *ret ? 0 : ctx_fail(c, -ENOMEM, "out of memory");
}

static const char *code_of(struct ctx *c, json_t *body, int *ret_r)
{
    json_t *v = json_object_get(body, "code");
    *ret_r = 0;
    if (!json_is_string(v) || strlen(json_string_value(v)) > 512) {
        *ret_r = ctx_fail(c, -EINVAL, "code: required: the code on the school's letter");
        return NULL;
    }
    return json_string_value(v);
}

int conn_survey_check(struct ctx *c, json_t *body, json_t **ret, int64_t *ret_retry_after_s)
{
    static const char *const keys[] = {"code", NULL};
    int r;
    *ret_retry_after_s = 0;
    if ((r = check_keys(c, body, keys)) < 0)
        return r;
    const char *code = code_of(c, body, &r);
    if (!code)
        return r;
    return survey_run(c, code, NULL, ret, ret_retry_after_s);
}

int conn_survey_answer(struct ctx *c, json_t *body, json_t **ret, int64_t *ret_retry_after_s)
{
    json_t *answers;
    int r;
    *ret_retry_after_s = 0;
    if ((r = conn_answer_parse(c, body, true, &answers)) < 0)
        return r;
    const char *code = code_of(c, body, &r);
    if (code)
        r = survey_run(c, code, answers, ret, ret_retry_after_s);
    json_decref(answers);
    return r;
}

/* ---- staff: answers on the family's behalf, one student's record ---- */

static json_t *answer_json(struct ctx *c, const struct conn_answer *a)
{
    json_t *ans = open_json(c, a->sealed, a->sealed_len);
    bool adequate = false, dedicated = false;
    if (ans)
        answer_flags(ans, &adequate, &dedicated);
    json_t *o =
        json_pack("{s:I, s:s, s:s, s:o, s:b, s:b}", "id", (json_int_t)a->id, "source", a->source,
                  "answered_at", time_text(c, a->answered_ms), "answers", ans ? ans : json_null(),
                  "adequate_connection", adequate, "dedicated_device", dedicated);
    if (o && a->household_id)
        json_object_set_new(o, "household", json_integer(a->household_id));
    if (o && a->entered_by)
        json_object_set_new(o, "entered_by", json_integer(a->entered_by));
    return o;
}

struct staff_answer {
    struct ctx *c;
    int64_t student;
    json_t *answers, *out;
};

static int staff_answer_tx(struct db *db, void *arg)
{
    struct staff_answer *x = arg;
    struct ctx *c = x->c;
    struct access_resource res = {RES_CONNECTIVITY, 0, x->student};
    struct buf sealed = BUF_INIT(64 * 1024);
    struct grant *g;
    int64_t id, district;
    int r;

    json_decref(x->out);
    x->out = NULL;
    if ((r = access_check(c, ACT_WRITE, &res, &g)) < 0)
        return r;
    district = access_grant_district(g);
    struct conn_answer a = {.user_id = x->student,
                            .source = "staff",
                            .entered_by = by_user(c),
                            .answered_ms = c->now_ms};
    if ((r = store_conn_household(db, district, x->student, &a.household_id)) < 0 ||
        (r = seal_json(c, x->answers, &sealed)) < 0)
        goto out;
    a.sealed = sealed.data;
    a.sealed_len = sealed.len;
    if ((r = store_conn_answer_insert(db, district, &a, &id)) < 0)
        goto out;
    a.id = id;
    r = audit_change(
        c, db, district, arena_printf(c->arena, "person:%lld:connectivity", (long long)x->student),
        "home connectivity survey recorded by staff on the family's behalf", &x->student, 1, NULL);
    if (r == 0 && !(x->out = answer_json(c, &a)))
        r = -ENOMEM;
out:
    buf_release(&sealed);
    return r;
}

int conn_answer_staff(struct ctx *c, int64_t student_id, json_t *body, json_t **ret)
{
    struct staff_answer x = {.c = c, .student = student_id};
    struct db *db;
    int r;

    if ((r = conn_answer_parse(c, body, false, &x.answers)) < 0)
        return r;
    if ((r = ctx_db(c, &db)) == 0) {
        access_read_end(c);
        r = store_tx(db, staff_answer_tx, &x);
    }
    json_decref(x.answers);
    if (r < 0) {
        json_decref(x.out);
        return r;
    }
    *ret = x.out;
    return 0;
}

static int answers_cb(void *arg, const struct conn_answer *a)
{
    void **p = arg;
    struct ctx *c = p[0];
    json_t *o = answer_json(c, a);
    return !o || json_array_append_new(p[1], o) < 0 ? -ENOMEM : 0;
}

static json_t *referral_json(struct ctx *c, const struct conn_referral *x, bool with_name)
{
    json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:o, s:s, s:s}", "id", (json_int_t)x->id,
                          "student", (json_int_t)x->user_id, "programme", x->programme, "provider",
                          x->provider, "status", x->status, "outcome",
                          open_text(c, x->outcome_sealed, x->outcome_len), "created_at",
                          time_text(c, x->created_ms), "updated_at", time_text(c, x->updated_ms));
    if (o && with_name)
        json_object_set_new(
            o, "name",
            json_string(person_name(c, x->preferred_given_name, x->given_name, x->family_name)));
    return o;
}

static int referrals_cb(void *arg, const struct conn_referral *x)
{
    void **p = arg;
    json_t *o = referral_json(p[0], x, p[2] != NULL);
    return !o || json_array_append_new(p[1], o) < 0 ? -ENOMEM : 0;
}

int conn_student(struct ctx *c, int64_t student_id, json_t **ret)
{
    struct access_resource res = {RES_CONNECTIVITY, 0, student_id};
    struct grant *g;
    struct db *db;
    json_t *answers = json_array(), *refs = json_array();
    int r;

    if (!answers || !refs) {
        r = ctx_fail(c, -ENOMEM, "out of memory");
        goto out;
    }
    if ((r = access_check(c, ACT_READ, &res, &g)) < 0)
        goto out;
    if (!access_grant_allows(g, ACT_READ_SEALED)) {
        r = ctx_fail(c, -EACCES, "not allowed: the answers are sealed");
        goto out;
    }
    if ((r = ctx_db(c, &db)) < 0)
        goto out;
    void *a1[] = {c, answers}, *a2[] = {c, refs, NULL};
    if ((r = store_conn_answers(db, g, answers_cb, a1)) < 0 ||
        (r = store_conn_referrals(db, g, referrals_cb, a2)) < 0) {
        r = ctx_fail(c, r, "cannot read the student's home connectivity");
        goto out;
    }
    *ret = json_pack("{s:I, s:O, s:O}", "student", (json_int_t)student_id, "answers", answers,
                     "referrals", refs);
    if (!*ret)
        r = ctx_fail(c, -ENOMEM, "out of memory");
out:
    json_decref(answers);
    json_decref(refs);
    return r;
}

/* ---- a school's list ---- */

struct school_list {
    struct ctx *c;
    json_t *students;
    int64_t n, answered, no_adequate, no_dedicated, codes_open;
};

static int school_student_cb(void *arg, const struct conn_student *s)
{
    struct school_list *x = arg;
    struct ctx *c = x->c;
    json_t *o = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)s->id, "name",
                          person_name(c, s->preferred_given_name, s->given_name, s->family_name),
                          "grades", s->grades ? s->grades : "");
    if (!o)
        return -ENOMEM;
    x->n++;
    if (s->household_id)
        json_object_set_new(o, "household", json_integer(s->household_id));
    if (s->sealed) {
        struct conn_answer a = {.id = s->answer_id,
                                .user_id = s->id,
                                .source = s->source,
                                .answered_ms = s->answered_ms,
                                .sealed = s->sealed,
                                .sealed_len = s->sealed_len};
        json_t *aj = answer_json(c, &a);
        if (!aj) {
            json_decref(o);
            return -ENOMEM;
        }
        x->answered++;
        x->no_adequate += !json_is_true(json_object_get(aj, "adequate_connection"));
        x->no_dedicated += !json_is_true(json_object_get(aj, "dedicated_device"));
        json_object_set_new(o, "latest", aj);
    }
    if (s->code_issued_ms) {
        const char *state = s->code_used_ms                   ? "used"
                            : c->now_ms >= s->code_expires_ms ? "expired"
                                                              : "open";
        x->codes_open += !strcmp(state, "open");
        json_object_set_new(o, "code",
                            json_pack("{s:s, s:s, s:s}", "state", state, "issued_at",
                                      time_text(c, s->code_issued_ms), "expires_at",
                                      time_text(c, s->code_expires_ms)));
    }
    return json_array_append_new(x->students, o) < 0 ? -ENOMEM : 0;
}

int conn_school(struct ctx *c, int64_t school_id, json_t **ret)
{
    struct access_resource res = {RES_SCHOOL_CONNECTIVITY, 0, school_id};
    struct school_list x = {.c = c, .students = json_array()};
    json_t *refs = json_array();
    struct grant *g;
    struct db *db;
    int r;

    if (!x.students || !refs) {
        r = ctx_fail(c, -ENOMEM, "out of memory");
        goto out;
    }
    if ((r = access_check(c, ACT_LIST, &res, &g)) < 0)
        goto out;
    if (!access_grant_allows(g, ACT_READ_SEALED)) {
        r = ctx_fail(c, -EACCES, "not allowed: the answers are sealed");
        goto out;
    }
    if ((r = ctx_db(c, &db)) < 0)
        goto out;
    void *a2[] = {c, refs, c};
    if ((r = store_conn_school_students(db, g, 0, c->now_ms / DAY_MS, school_student_cb, &x)) < 0 ||
        (r = store_conn_school_referrals(db, g, c->now_ms / DAY_MS, referrals_cb, a2)) < 0) {
        r = ctx_fail(c, r, "cannot read the school's home connectivity");
        goto out;
    }
    *ret =
        json_pack("{s:I, s:{s:I, s:I, s:I, s:I, s:I}, s:O, s:O}", "school", (json_int_t)school_id,
                  "summary", "students", (json_int_t)x.n, "answered", (json_int_t)x.answered,
                  "without_adequate_connection", (json_int_t)x.no_adequate,
                  "without_dedicated_device", (json_int_t)x.no_dedicated, "codes_open",
                  (json_int_t)x.codes_open, "students", x.students, "referrals", refs);
    if (!*ret)
        r = ctx_fail(c, -ENOMEM, "out of memory");
out:
    json_decref(x.students);
    json_decref(refs);
    return r;
}

/* ---- referrals ---- */

struct ref_change {
    struct ctx *c;
    int64_t student, id;
    const char *programme, *provider, *status, *note;
    json_t *out;
};

static int ref_create_tx(struct db *db, void *arg)
{
    struct ref_change *x = arg;
    struct ctx *c = x->c;
    struct access_resource res = {RES_CONNECTIVITY, 0, x->student};
    struct buf note = BUF_INIT(NOTE_MAX + 64);
    struct grant *g;
    int64_t id;
    int r;

    json_decref(x->out);
    x->out = NULL;
    if ((r = access_check(c, ACT_WRITE, &res, &g)) < 0)
        return r;
    if (x->note && x->note[0] && (r = seal_text(c, x->note, &note)) < 0)
        goto out;
    struct conn_referral row = {.programme = x->programme,
                                .provider = x->provider ? x->provider : "",
                                .status = "referred",
                                .outcome_sealed = note.len ? note.data : NULL,
                                .outcome_len = note.len,
                                .created_by = by_user(c),
                                .created_ms = c->now_ms,
                                .updated_ms = c->now_ms,
                                .user_id = x->student};
    if ((r = store_conn_referral_insert(db, g, &row, &id)) < 0)
        goto out;
    row.id = id;
    r = audit_change(
        c, db, access_grant_district(g),
        arena_printf(c->arena, "person:%lld:connectivity", (long long)x->student),
        arena_printf(c->arena, "referral %lld to %s: referred", (long long)id, x->programme),
        &x->student, 1, NULL);
    if (r == 0 && !(x->out = referral_json(c, &row, false)))
        r = -ENOMEM;
out:
    buf_release(&note);
    return r;
}

int conn_referral_create(struct ctx *c, int64_t student_id, json_t *body, json_t **ret)
{
    static const char *const keys[] = {"programme", "provider", "note", NULL};
    struct ref_change x = {.c = c, .student = student_id};
    struct db *db;
    int r;

    if ((r = check_keys(c, body, keys)) < 0 ||
        (r = enum_field(c, body, "programme", programmes, false, &x.programme)) < 0 ||
        (r = text_field(c, body, "provider", PROVIDER_MAX, true, &x.provider)) < 0 ||
        (r = text_field(c, body, "note", NOTE_MAX, true, &x.note)) < 0)
        return r;
    if ((r = ctx_db(c, &db)) < 0)
        return r;
    access_read_end(c);
    if ((r = store_tx(db, ref_create_tx, &x)) < 0) {
        json_decref(x.out);
        return r;
    }
    *ret = x.out;
    return 0;
}

/* The steps a referral may take: referred -> applied -> enrolled, declined from either, and
   a declined household referred again. */
static bool step_ok(const char *from, const char *to)
{
    static const char *const steps[][2] = {{"referred", "applied"},
                                           {"referred", "declined"},
                                           {"applied", "enrolled"},
                                           {"applied", "declined"},
                                           {"declined", "referred"}};
    for (size_t i = 0; i < ARRAY_SIZE(steps); i++)
        if (!strcmp(steps[i][0], from) && !strcmp(steps[i][1], to))
            return true;
    return false;
}

static int ref_current_cb(void *arg, const struct conn_referral *x)
{
    char *status = arg;
    snprintf(status, 16, "%s", x->status);
    return 0;
}

static int ref_out_cb(void *arg, const struct conn_referral *x)
{
    struct ref_change *y = arg;
    y->out = referral_json(y->c, x, false);
    return y->out ? 0 : -ENOMEM;
}

static int ref_update_tx(struct db *db, void *arg)
{
    struct ref_change *x = arg;
    struct ctx *c = x->c;
    struct buf note = BUF_INIT(NOTE_MAX + 64);
    struct grant *g;
    char current[16] = "";
    int64_t district;
    int r;

    json_decref(x->out);
    x->out = NULL;
    r = store_conn_referral_owner(db, x->id, &district, &x->student);
    if (r == -ENOENT || (r == 0 && (!c->who || (c->who->district_id != district))))
        return ctx_fail(c, -ENOENT, "referral: no referral %lld", (long long)x->id);
    if (r < 0)
        return r;
    struct access_resource res = {RES_CONNECTIVITY, district, x->student};
    if ((r = access_check(c, ACT_WRITE, &res, &g)) < 0)
        return r;
    if ((r = store_conn_referral_get(db, g, x->id, ref_current_cb, current)) < 0)
        return ctx_fail(c, r, "cannot read the referral");
    if (!step_ok(current, x->status))
        return ctx_fail(c, -EEXIST, "status: a referral that is %s cannot become %s", current,
                        x->status);
    if (x->note && x->note[0] && (r = seal_text(c, x->note, &note)) < 0)
        goto out;
    r = store_conn_referral_set(db, g, x->id, x->status, note.len ? note.data : NULL, note.len,
                                by_user(c), c->now_ms);
    if (r < 0)
        goto out;
    r = audit_change(
        c, db, district, arena_printf(c->arena, "person:%lld:connectivity", (long long)x->student),
        arena_printf(c->arena, "referral %lld: %s -> %s", (long long)x->id, current, x->status),
        &x->student, 1, NULL);
    if (r == 0)
        r = store_conn_referral_get(db, g, x->id, ref_out_cb, x);
out:
    buf_release(&note);
    return r;
}

int conn_referral_update(struct ctx *c, int64_t referral_id, json_t *body, json_t **ret)
{
    static const char *const keys[] = {"status", "note", NULL};
    struct ref_change x = {.c = c, .id = referral_id};
    struct db *db;
    int r;

    if ((r = check_keys(c, body, keys)) < 0 ||
        (r = enum_field(c, body, "status", statuses, false, &x.status)) < 0 ||
        (r = text_field(c, body, "note", NOTE_MAX, true, &x.note)) < 0)
        return r;
    if ((r = ctx_db(c, &db)) < 0)
        return r;
    access_read_end(c);
    if ((r = store_tx(db, ref_update_tx, &x)) < 0) {
        json_decref(x.out);
        return r;
    }
    *ret = x.out;
    return 0;
}

/* ---- digital-literacy sessions ---- */

static json_t *session_json(struct ctx *c, const struct conn_session *s)
{
    return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:[]}", "id", (json_int_t)s->id,
                     "school", (json_int_t)s->school_id, "audience", s->audience, "topic", s->topic,
                     "title", s->title, "lang", s->lang, "date", date_text(c, s->day), "walk_ins",
                     (json_int_t)s->walk_ins, "attendees");
}

struct sessions {
    struct ctx *c;
    json_t *list;
};

static int session_cb(void *arg, const struct conn_session *s)
{
    struct sessions *x = arg;
    json_t *o = session_json(x->c, s);
    return !o || json_array_append_new(x->list, o) < 0 ? -ENOMEM : 0;
}

static int attendee_cb(void *arg, const struct conn_attendee *a)
{
    struct sessions *x = arg;
    size_t i;
    json_t *s;
    json_array_foreach(x->list, i, s)
    {
        if (json_integer_value(json_object_get(s, "id")) != a->session_id)
            continue;
        json_t *o =
            json_pack("{s:I, s:s, s:s}", "id", (json_int_t)a->user_id, "name",
                      person_name(x->c, a->preferred_given_name, a->given_name, a->family_name),
                      "role", a->role);
        return !o || json_array_append_new(json_object_get(s, "attendees"), o) < 0 ? -ENOMEM : 0;
    }
    return 0;
}

int conn_sessions(struct ctx *c, int64_t school_id, json_t **ret)
{
    struct access_resource res = {RES_SCHOOL_CONNECTIVITY, 0, school_id};
    struct sessions x = {.c = c, .list = json_array()};
    struct grant *g;
    struct db *db;
    int r;

    if (!x.list)
        return ctx_fail(c, -ENOMEM, "out of memory");
    if ((r = access_check(c, ACT_LIST, &res, &g)) < 0 || (r = ctx_db(c, &db)) < 0)
        goto out;
    if ((r = store_conn_sessions(db, g, session_cb, attendee_cb, &x)) < 0) {
        r = ctx_fail(c, r, "cannot read the sessions");
        goto out;
    }
    *ret = json_pack("{s:I, s:O}", "school", (json_int_t)school_id, "sessions", x.list);
    if (!*ret)
        r = ctx_fail(c, -ENOMEM, "out of memory");
out:
    json_decref(x.list);
    return r;
}

struct session_change {
    struct ctx *c;
    int64_t school, id;
    struct conn_session s;
    json_t *present; /* attendance: [user id] */
    int64_t walk_ins;
    json_t *out;
};

static int session_create_tx(struct db *db, void *arg)
{
    struct session_change *x = arg;
    struct ctx *c = x->c;
    struct access_resource res = {RES_SCHOOL_CONNECTIVITY, 0, x->school};
    struct grant *g;
    int r;

    json_decref(x->out);
    x->out = NULL;
    if ((r = access_check(c, ACT_WRITE, &res, &g)) < 0)
        return r;
    x->s.school_id = x->school;
    x->s.created_by = by_user(c);
    x->s.created_ms = c->now_ms;
    if ((r = store_conn_session_insert(db, g, &x->s, &x->s.id)) < 0)
        return ctx_fail(c, r, "cannot store the session");
    r = audit_change(
        c, db, access_grant_district(g),
        arena_printf(c->arena, "school:%lld:connectivity", (long long)x->school),
        arena_printf(c->arena, "digital-literacy session %lld added", (long long)x->s.id), NULL, 0,
        NULL);
    if (r == 0 && !(x->out = session_json(c, &x->s)))
        r = -ENOMEM;
    return r;
}

int conn_session_create(struct ctx *c, int64_t school_id, json_t *body, json_t **ret)
{
    static const char *const keys[] = {"audience", "topic",    "title", "lang",
                                       "date",     "walk_ins", NULL};
    struct session_change x = {.c = c, .school = school_id};
    const char *date;
    struct db *db;
    json_t *v;
    int r;

    if ((r = check_keys(c, body, keys)) < 0 ||
        (r = enum_field(c, body, "audience", audiences, false, &x.s.audience)) < 0 ||
        (r = enum_field(c, body, "topic", topics, false, &x.s.topic)) < 0 ||
        (r = text_field(c, body, "title", NOTE_MAX, false, &x.s.title)) < 0 ||
        (r = enum_field(c, body, "lang", langs, true, &x.s.lang)) < 0 ||
        (r = text_field(c, body, "date", 16, false, &date)) < 0)
        return r;
    if (!x.s.title[0])
        return ctx_fail(c, -EINVAL, "title: required");
    if (!x.s.lang)
        x.s.lang = "en";
    if (time_parse_date(str_from(date), &x.s.day) < 0)
        return ctx_fail(c, -EINVAL, "date: must be a date written YYYY-MM-DD");
    if ((v = json_object_get(body, "walk_ins")) && !json_is_null(v)) {
        if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 100000)
            return ctx_fail(c, -EINVAL, "walk_ins: must be a whole number, 0 or more");
        x.s.walk_ins = json_integer_value(v);
    }
    if ((r = ctx_db(c, &db)) < 0)
        return r;
    access_read_end(c);
    if ((r = store_tx(db, session_create_tx, &x)) < 0) {
        json_decref(x.out);
        return r;
    }
    *ret = x.out;
    return 0;
}

static int attendance_tx(struct db *db, void *arg)
{
    struct session_change *x = arg;
    struct ctx *c = x->c;
    struct grant *g;
    int64_t district;
    size_t i;
    json_t *v;
    int r;

    json_decref(x->out);
    x->out = NULL;
    r = store_conn_session_owner(db, x->id, &district, &x->school);
    if (r == -ENOENT || (r == 0 && (!c->who || c->who->district_id != district)))
        return ctx_fail(c, -ENOENT, "session: no session %lld", (long long)x->id);
    if (r < 0)
        return r;
    struct access_resource res = {RES_SCHOOL_CONNECTIVITY, district, x->school};
    if ((r = access_check(c, ACT_WRITE, &res, &g)) < 0)
        return r;
    json_array_foreach(x->present, i, v)
    {
        r = store_conn_school_person(db, g, json_integer_value(v));
        if (r < 0)
            return ctx_fail(c, r, "cannot read the roster");
        if (r == 0)
            return ctx_fail(c, -EINVAL, "present[%zu]: %lld is nobody of this school", i,
                            (long long)json_integer_value(v));
    }
    if ((r = store_conn_attendance_clear(db, g, x->id, x->walk_ins)) < 0)
        return ctx_fail(c, r, "cannot store the attendance");
    json_array_foreach(x->present, i, v)
    {
        if ((r = store_conn_attendance_add(db, g, x->id, json_integer_value(v))) < 0)
            return ctx_fail(c, r, "cannot store the attendance");
    }
    r = audit_change(
        c, db, district, arena_printf(c->arena, "school:%lld:connectivity", (long long)x->school),
        arena_printf(c->arena,
                     "attendance of session %lld: %zu people and %lld "
                     "walk-ins",
                     (long long)x->id, json_array_size(x->present), (long long)x->walk_ins),
        NULL, 0, NULL);
    if (r == 0 && !(x->out = json_pack("{s:I, s:I, s:I}", "session", (json_int_t)x->id, "attendees",
                                       (json_int_t)json_array_size(x->present), "walk_ins",
                                       (json_int_t)x->walk_ins)))
        r = -ENOMEM;
    return r;
}

int conn_session_attendance(struct ctx *c, int64_t session_id, json_t *body, json_t **ret)
{
    static const char *const keys[] = {"present", "walk_ins", NULL};
    struct session_change x = {.c = c, .id = session_id};
    struct db *db;
    size_t i;
    json_t *v;
    int r;

    if ((r = check_keys(c, body, keys)) < 0)
        return r;
    x.present = json_object_get(body, "present");
    if (!json_is_array(x.present) || json_array_size(x.present) > CONN_ATTENDANCE_MAX)
        return ctx_fail(c, -EINVAL, "present: must be a list of at most %d people's ids",
                        CONN_ATTENDANCE_MAX);
    json_array_foreach(x.present, i,
                       v) if (!json_is_integer(v) ||
                              json_integer_value(v) <=
                                  0) return ctx_fail(c, -EINVAL,
                                                     "present[%zu]: must be a person's id", i);
    if ((v = json_object_get(body, "walk_ins")) && !json_is_null(v)) {
        if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 100000)
            return ctx_fail(c, -EINVAL, "walk_ins: must be a whole number, 0 or more");
        x.walk_ins = json_integer_value(v);
    }
    if ((r = ctx_db(c, &db)) < 0)
        return r;
    access_read_end(c);
    if ((r = store_tx(db, attendance_tx, &x)) < 0) {
        json_decref(x.out);
        return r;
    }
    *ret = x.out;
    return 0;
}

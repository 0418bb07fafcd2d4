/*
 * The data rules of an xAPI statement (xAPI 1.0.3 "Statement" and IEEE
 * 9274.1.1 / xAPI 2.0.0 Part Two, 2.4 "Statement Properties"): every MUST
 * on a statement's shape, checked on the parsed JSON. Pure: no store, no
 * clock. A failure names the property path and the rule, e.g.
 * "statement.actor: an Agent needs exactly one of mbox, mbox_sha1sum,
 * openid, account (xAPI 2.4.2.1)". Fuzzed (tests/fuzz/fuzz_lrs_validate.c).
 */
#include "base/common.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "app/lrs.h"
#include "app/lrs_internal.h"
#include "base/str.h"
#include "base/timeutil.h"

struct vctx {
    enum lrs_version v;
    char *err;
    size_t errlen;
    char path[256];
};

static int fail(struct vctx *vc, const char *fmt, ...) PRINTF_FMT(2, 3);
static int fail(struct vctx *vc, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(vc->err, vc->errlen, "%s: ", vc->path);
    if (n < 0 || (size_t)n >= vc->errlen)
        n = 0;
    va_start(ap, fmt);
    vsnprintf(vc->err + n, vc->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return -EINVAL;
}

/* Descend into a property for messages; returns the old length to restore. */
static size_t push(struct vctx *vc, const char *name)
{
    size_t old = strlen(vc->path);
    snprintf(vc->path + old, sizeof(vc->path) - old, ".%s", name);
    return old;
}

static size_t push_index(struct vctx *vc, size_t i)
{
    size_t old = strlen(vc->path);
    snprintf(vc->path + old, sizeof(vc->path) - old, "[%zu]", i);
    return old;
}

static void pop(struct vctx *vc, size_t old)
{
    vc->path[old] = '\0';
}

/* ---- scalar rules ---- */

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool lrs_is_uuid(const char *s)
{
    /* 8-4-4-4-12 hex digits (RFC 4122 text form; either case) */
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return false;
        } else if (!is_hex(s[i])) {
            return false;
        }
    }
    return s[36] == '\0';
}

/* An absolute IRI (RFC 3987): a scheme, ':', and no spaces or controls. */
bool lrs_is_iri(const char *s)
{
    const char *p = s;
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
        return false;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
           *p == '+' || *p == '-' || *p == '.')
        p++;
    if (*p != ':' || !p[1])
        return false;
    for (p++; *p; p++)
        if ((unsigned char)*p <= 0x20 || *p == '"' || *p == '<' || *p == '>' || *p == '\\' ||
            *p == '^' || *p == '`' || *p == '{' || *p == '|' || *p == '}')
            return false;
    return true;
}

/* RFC 5646 language tag (the shape: subtags of 1-8 letters/digits, the first letters). */
static bool is_lang_tag(const char *s)
{
    size_t n = 0, first = 0;
    bool in_first = true, first_alpha = true;

    if (!*s)
        return false;
    for (const char *p = s;; p++) {
        if (*p == '-' || *p == '\0') {
            if (n == 0 || n > 8)
                return false;
            if (in_first) {
                first = n;
                in_first = false;
            }
            n = 0;
            if (!*p)
                break;
            continue;
        }
        bool alpha = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z');
        bool digit = *p >= '0' && *p <= '9';
        if (!alpha && !digit)
            return false;
        if (in_first && !alpha)
            first_alpha = false;
        n++;
    }
    return first_alpha && first >= 1 && first <= 8;
}

/* ISO 8601 duration: PnYnMnDTnHnMnS (fractions allowed on the last), or PnW. */
static bool is_duration(const char *s)
{
    const char *p = s;
    bool time = false, any = false;
    const char *units_date = "YMD", *units_time = "HMS";
    const char *u = units_date;

    if (*p++ != 'P')
        return false;
    if (!*p)
        return false;
    while (*p) {
        if (*p == 'T') {
            if (time)
                return false;
            time = true;
            u = units_time;
            p++;
            if (!*p)
                return false;
            continue;
        }
        const char *d = p;
        while (*p >= '0' && *p <= '9')
            p++;
        if (*p == '.' || *p == ',') {
            p++;
            while (*p >= '0' && *p <= '9')
                p++;
        }
        if (p == d)
            return false;
        if (*p == 'W' && !time && !any) {
            return p[1] == '\0';
        }
        const char *f = strchr(u, *p);
        if (!*p || !f)
            return false;
        u = f + 1;
        any = true;
        p++;
    }
    return any;
}

static bool is_mailto(const char *s)
{
    if (strncmp(s, "mailto:", 7) != 0)
        return false;
    const char *at = strchr(s + 7, '@');
    return at && at > s + 7 && at[1] && !strchr(s, ' ');
}

static bool is_sha1_hex(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!is_hex(s[n]))
            return false;
    return n == 40;
}

static bool is_timestamp(const char *s, int64_t *ms)
{
    size_t n = strlen(s);
    bool zone;
    /* "-00:00" is not UTC in RFC 3339 (unknown offset): xAPI 2.4.7 forbids it */
    if (n >= 6 &&
        (!strcmp(s + n - 6, "-00:00") || !strcmp(s + n - 5, "-0000") || !strcmp(s + n - 3, "-00")))
        return false;
    if (time_parse_iso8601(str_from(s), false, ms, &zone) < 0)
        return false;
    return zone;
}

/* ---- building blocks ---- */

/* No property outside the allowed list. */
static int only(struct vctx *vc, json_t *o, const char *const *allowed)
{
    const char *k;
    json_t *val;
    json_object_foreach(o, k, val)
    {
        bool ok = false;
        for (const char *const *a = allowed; *a; a++)
            if (!strcmp(*a, k)) {
                ok = true;
                break;
            }
        if (!ok)
            return fail(vc, "'%.60s' is not a property here (xAPI 2.4: no other properties)", k);
        if (json_is_null(val))
            return fail(vc, "'%.60s' is null; leave a property out instead of null", k);
    }
    return 0;
}

static int want_object(struct vctx *vc, json_t *o)
{
    if (!json_is_object(o))
        return fail(vc, "must be a JSON object");
    return 0;
}

static int want_string(struct vctx *vc, json_t *s)
{
    if (!json_is_string(s))
        return fail(vc, "must be a string");
    return 0;
}

static int check_iri(struct vctx *vc, json_t *s, const char *what)
{
    if (!json_is_string(s))
        return fail(vc, "must be a string (%s)", what);
    if (!lrs_is_iri(json_string_value(s)))
        return fail(vc, "must be an absolute IRI (%s)", what);
    return 0;
}

#define WITH(vc, name, expr)          \
    do {                              \
        size_t old_ = push(vc, name); \
        int r_ = (expr);              \
        if (r_ < 0)                   \
            return r_;                \
        pop(vc, old_);                \
    } while (0)

static int check_langmap(struct vctx *vc, json_t *m)
{
    const char *k;
    json_t *val;
    if (!json_is_object(m))
        return fail(vc, "must be a language map (an object of RFC 5646 tags to strings)");
    json_object_foreach(m, k, val)
    {
        if (!is_lang_tag(k))
            return fail(vc, "'%.40s' is not an RFC 5646 language tag (language map)", k);
        if (!json_is_string(val))
            return fail(vc, "the value for '%.40s' must be a string (language map)", k);
    }
    return 0;
}

static int check_extensions(struct vctx *vc, json_t *m)
{
    const char *k;
    json_t *val;
    if (!json_is_object(m))
        return fail(vc, "must be an object whose keys are IRIs (extensions)");
    json_object_foreach(m, k, val)
    {
        (void)val;
        if (!lrs_is_iri(k))
            return fail(vc, "key '%.60s' is not an absolute IRI (extensions)", k);
    }
    return 0;
}

/* ---- actors ---- */

static int check_account(struct vctx *vc, json_t *a)
{
    static const char *const allowed[] = {"homePage", "name", NULL};
    int r = want_object(vc, a);
    if (r < 0)
        return r;
    if ((r = only(vc, a, allowed)) < 0)
        return r;
    json_t *hp = json_object_get(a, "homePage"), *name = json_object_get(a, "name");
    if (!hp)
        return fail(vc, "homePage is required (Account)");
    if (!name)
        return fail(vc, "name is required (Account)");
    WITH(vc, "homePage", check_iri(vc, hp, "an IRL"));
    WITH(vc, "name", want_string(vc, name));
    return 0;
}

/* How many IFIs and whether each is well formed. */
static int check_ifis(struct vctx *vc, json_t *o, int *ret_n)
{
    json_t *v;
    int n = 0;
    if ((v = json_object_get(o, "mbox"))) {
        n++;
        if (!json_is_string(v) || !is_mailto(json_string_value(v)))
            return fail(vc, "mbox must be a mailto: IRI with an e-mail address (xAPI 2.4.2.3)");
    }
    if ((v = json_object_get(o, "mbox_sha1sum"))) {
        n++;
        if (!json_is_string(v) || !is_sha1_hex(json_string_value(v)))
            return fail(vc, "mbox_sha1sum must be 40 hex digits (SHA-1 of the mailto IRI)");
    }
    if ((v = json_object_get(o, "openid"))) {
        n++;
        if (!json_is_string(v) || !lrs_is_iri(json_string_value(v)))
            return fail(vc, "openid must be a URI");
    }
    if ((v = json_object_get(o, "account"))) {
        n++;
        WITH(vc, "account", check_account(vc, v));
    }
    *ret_n = n;
    return 0;
}

static int check_agent(struct vctx *vc, json_t *a, bool type_required)
{
    static const char *const allowed[] = {"objectType", "name",    "mbox", "mbox_sha1sum",
                                          "openid",     "account", NULL};
    int n, r = want_object(vc, a);
    if (r < 0)
        return r;
    if ((r = only(vc, a, allowed)) < 0)
        return r;
    json_t *t = json_object_get(a, "objectType");
    if (t && (!json_is_string(t) || strcmp(json_string_value(t), "Agent")))
        return fail(vc, "objectType must be \"Agent\"");
    if (type_required && !t)
        return fail(vc, "objectType \"Agent\" is required here");
    json_t *name = json_object_get(a, "name");
    if (name)
        WITH(vc, "name", want_string(vc, name));
    if ((r = check_ifis(vc, a, &n)) < 0)
        return r;
    if (n != 1)
        return fail(vc,
                    "an Agent needs exactly one of mbox, mbox_sha1sum, openid, account "
                    "(xAPI 2.4.2.1: one Inverse Functional Identifier), found %d",
                    n);
    return 0;
}

static int check_group(struct vctx *vc, json_t *g)
{
    static const char *const allowed[] = {"objectType", "name",    "mbox",   "mbox_sha1sum",
                                          "openid",     "account", "member", NULL};
    int n, r;
    if ((r = only(vc, g, allowed)) < 0)
        return r;
    json_t *name = json_object_get(g, "name");
    if (name)
        WITH(vc, "name", want_string(vc, name));
    if ((r = check_ifis(vc, g, &n)) < 0)
        return r;
    if (n > 1)
        return fail(vc, "a Group has at most one Inverse Functional Identifier (xAPI 2.4.2.2)");
    json_t *m = json_object_get(g, "member");
    if (n == 0 && !m)
        return fail(vc, "an Anonymous Group needs a member list (xAPI 2.4.2.2)");
    if (m) {
        size_t i;
        json_t *e;
        if (!json_is_array(m))
            return fail(vc, "member must be an array of Agents");
        if (n == 0 && json_array_size(m) == 0)
            return fail(vc, "an Anonymous Group's member list must not be empty");
        json_array_foreach(m, i, e)
        {
            size_t old = push(vc, "member");
            size_t old2 = push_index(vc, i);
            json_t *t = json_is_object(e) ? json_object_get(e, "objectType") : NULL;
            if (t && json_is_string(t) && !strcmp(json_string_value(t), "Group"))
                return fail(vc, "a Group's members are Agents, not Groups (xAPI 2.4.2.2)");
            if ((r = check_agent(vc, e, false)) < 0)
                return r;
            pop(vc, old2);
            pop(vc, old);
        }
    }
    return 0;
}

/* An Agent or a Group (by objectType; none is an Agent). */
static int check_actor(struct vctx *vc, json_t *a)
{
    int r = want_object(vc, a);
    if (r < 0)
        return r;
    json_t *t = json_object_get(a, "objectType");
    if (t && json_is_string(t) && !strcmp(json_string_value(t), "Group"))
        return check_group(vc, a);
    return check_agent(vc, a, false);
}

static int check_identified_group(struct vctx *vc, json_t *a)
{
    int n, r = want_object(vc, a);
    if (r < 0)
        return r;
    json_t *t = json_object_get(a, "objectType");
    (void)n;
    if (!t || !json_is_string(t) || strcmp(json_string_value(t), "Group"))
        return fail(vc, "must be a Group (objectType \"Group\")");
    return check_group(vc, a);
}

/* ---- verb, activity ---- */

static int check_verb(struct vctx *vc, json_t *vb)
{
    static const char *const allowed[] = {"id", "display", NULL};
    int r = want_object(vc, vb);
    if (r < 0)
        return r;
    if ((r = only(vc, vb, allowed)) < 0)
        return r;
    json_t *id = json_object_get(vb, "id");
    if (!id)
        return fail(vc, "id is required (Verb, xAPI 2.4.3)");
    WITH(vc, "id", check_iri(vc, id, "Verb id"));
    json_t *d = json_object_get(vb, "display");
    if (d)
        WITH(vc, "display", check_langmap(vc, d));
    return 0;
}

static const char *const interaction_types[] = {
    "true-false",  "choice",     "fill-in", "long-fill-in", "matching",
    "performance", "sequencing", "likert",  "numeric",      "other",
};

static int check_components(struct vctx *vc, json_t *list)
{
    static const char *const allowed[] = {"id", "description", NULL};
    size_t i, j;
    json_t *e;
    int r;
    if (!json_is_array(list))
        return fail(vc, "must be an array of interaction components");
    json_array_foreach(list, i, e)
    {
        size_t old = push_index(vc, i);
        if ((r = want_object(vc, e)) < 0 || (r = only(vc, e, allowed)) < 0)
            return r;
        json_t *id = json_object_get(e, "id");
        if (!id || !json_is_string(id))
            return fail(vc, "id is required and must be a string (interaction component)");
        for (j = 0; j < i; j++) {
            json_t *o = json_object_get(json_array_get(list, j), "id");
            if (o && json_is_string(o) && !strcmp(json_string_value(o), json_string_value(id)))
                return fail(vc, "id '%.40s' repeats; component ids are unique in a list",
                            json_string_value(id));
        }
        json_t *d = json_object_get(e, "description");
        if (d)
            WITH(vc, "description", check_langmap(vc, d));
        pop(vc, old);
    }
    return 0;
}

static int check_definition(struct vctx *vc, json_t *d)
{
    static const char *const allowed[] = {"name",
                                          "description",
                                          "type",
                                          "moreInfo",
                                          "extensions",
                                          "interactionType",
                                          "correctResponsesPattern",
                                          "choices",
                                          "scale",
                                          "source",
                                          "target",
                                          "steps",
                                          NULL};
    int r = want_object(vc, d);
    json_t *v;
    const char *itype = NULL;
    if (r < 0)
        return r;
    if ((r = only(vc, d, allowed)) < 0)
        return r;
    if ((v = json_object_get(d, "name")))
        WITH(vc, "name", check_langmap(vc, v));
    if ((v = json_object_get(d, "description")))
        WITH(vc, "description", check_langmap(vc, v));
    if ((v = json_object_get(d, "type")))
        WITH(vc, "type", check_iri(vc, v, "Activity type"));
    if ((v = json_object_get(d, "moreInfo")))
        WITH(vc, "moreInfo", check_iri(vc, v, "an IRL"));
    if ((v = json_object_get(d, "extensions")))
        WITH(vc, "extensions", check_extensions(vc, v));
    if ((v = json_object_get(d, "interactionType"))) {
        bool ok = false;
        if (json_is_string(v))
            for (size_t i = 0; i < ARRAY_SIZE(interaction_types); i++)
                if (!strcmp(interaction_types[i], json_string_value(v)))
                    ok = true;
        if (!ok)
            return fail(vc, "interactionType must be one of true-false, choice, fill-in, "
                            "long-fill-in, matching, performance, sequencing, likert, numeric, "
                            "other (xAPI 2.4.4.1)");
        itype = json_string_value(v);
    }
    if ((v = json_object_get(d, "correctResponsesPattern"))) {
        size_t i;
        json_t *e;
        if (!itype)
            return fail(vc, "correctResponsesPattern needs an interactionType");
        if (!json_is_array(v))
            return fail(vc, "correctResponsesPattern must be an array of strings");
        json_array_foreach(v, i, e) if (!json_is_string(e)) return fail(
            vc, "correctResponsesPattern must be an array of strings");
    }
    static const struct {
        const char *name;
        const char *types;
    } comps[] = {
        {"choices", "|choice|sequencing|"}, {"scale", "|likert|"},      {"source", "|matching|"},
        {"target", "|matching|"},           {"steps", "|performance|"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(comps); i++) {
        if (!(v = json_object_get(d, comps[i].name)))
            continue;
        char t[40];
        snprintf(t, sizeof(t), "|%.30s|", itype ? itype : "");
        if (!itype || !strstr(comps[i].types, t))
            return fail(vc, "%s is not allowed for interactionType %s (xAPI 2.4.4.1.1)",
                        comps[i].name, itype ? itype : "(none)");
        WITH(vc, comps[i].name, check_components(vc, v));
    }
    return 0;
}

static int check_activity(struct vctx *vc, json_t *a)
{
    static const char *const allowed[] = {"objectType", "id", "definition", NULL};
    int r = want_object(vc, a);
    if (r < 0)
        return r;
    if ((r = only(vc, a, allowed)) < 0)
        return r;
    json_t *t = json_object_get(a, "objectType");
    if (t && (!json_is_string(t) || strcmp(json_string_value(t), "Activity")))
        return fail(vc, "objectType must be \"Activity\"");
    json_t *id = json_object_get(a, "id");
    if (!id)
        return fail(vc, "id is required (Activity, xAPI 2.4.4.1)");
    WITH(vc, "id", check_iri(vc, id, "Activity id"));
    json_t *d = json_object_get(a, "definition");
    if (d)
        WITH(vc, "definition", check_definition(vc, d));
    return 0;
}

static int check_statement_ref(struct vctx *vc, json_t *o)
{
    static const char *const allowed[] = {"objectType", "id", NULL};
    int r = only(vc, o, allowed);
    if (r < 0)
        return r;
    json_t *id = json_object_get(o, "id");
    if (!id || !json_is_string(id) || !lrs_is_uuid(json_string_value(id)))
        return fail(vc, "id must be a UUID (StatementRef, xAPI 2.4.4.3)");
    return 0;
}

static int check_statement_body(struct vctx *vc, json_t *st, bool sub);

static int check_object(struct vctx *vc, json_t *o, bool sub)
{
    int r = want_object(vc, o);
    if (r < 0)
        return r;
    json_t *t = json_object_get(o, "objectType");
    const char *type = "Activity";
    if (t) {
        if (!json_is_string(t))
            return fail(vc, "objectType must be a string");
        type = json_string_value(t);
    }
    if (!strcmp(type, "Activity"))
        return check_activity(vc, o);
    if (!strcmp(type, "Agent"))
        return check_agent(vc, o, true);
    if (!strcmp(type, "Group"))
        return check_group(vc, o);
    if (!strcmp(type, "StatementRef"))
        return check_statement_ref(vc, o);
    if (!strcmp(type, "SubStatement")) {
        if (sub)
            return fail(vc, "a SubStatement cannot contain a SubStatement (xAPI 2.4.4.3)");
        return check_statement_body(vc, o, true);
    }
    return fail(
        vc, "objectType '%.40s' is not Activity, Agent, Group, StatementRef or SubStatement", type);
}

/* ---- result, context ---- */

static int check_score(struct vctx *vc, json_t *s)
{
    static const char *const allowed[] = {"scaled", "raw", "min", "max", NULL};
    int r = want_object(vc, s);
    json_t *v;
    double raw = 0, mn = 0, mx = 0;
    bool has_raw = false, has_min = false, has_max = false;
    if (r < 0)
        return r;
    if ((r = only(vc, s, allowed)) < 0)
        return r;
    if ((v = json_object_get(s, "scaled"))) {
        if (!json_is_number(v))
            return fail(vc, "scaled must be a number");
        double x = json_number_value(v);
        if (!(x >= -1.0 && x <= 1.0))
            return fail(vc, "scaled must be between -1 and 1 (xAPI 2.4.5.1)");
    }
    if ((v = json_object_get(s, "raw"))) {
        if (!json_is_number(v))
            return fail(vc, "raw must be a number");
        raw = json_number_value(v);
        has_raw = true;
    }
    if ((v = json_object_get(s, "min"))) {
        if (!json_is_number(v))
            return fail(vc, "min must be a number");
        mn = json_number_value(v);
        has_min = true;
    }
    if ((v = json_object_get(s, "max"))) {
        if (!json_is_number(v))
            return fail(vc, "max must be a number");
        mx = json_number_value(v);
        has_max = true;
    }
    if (has_min && has_max && !(mn < mx))
        return fail(vc, "min must be less than max (xAPI 2.4.5.1)");
    if (has_raw && has_min && raw < mn)
        return fail(vc, "raw must not be less than min (xAPI 2.4.5.1)");
    if (has_raw && has_max && raw > mx)
        return fail(vc, "raw must not be greater than max (xAPI 2.4.5.1)");
    return 0;
}

static int check_result(struct vctx *vc, json_t *res)
{
    static const char *const allowed[] = {"score",    "success",    "completion", "response",
                                          "duration", "extensions", NULL};
    int r = want_object(vc, res);
    json_t *v;
    if (r < 0)
        return r;
    if ((r = only(vc, res, allowed)) < 0)
        return r;
    if ((v = json_object_get(res, "score")))
        WITH(vc, "score", check_score(vc, v));
    if ((v = json_object_get(res, "success")) && !json_is_boolean(v))
        return fail(vc, "success must be true or false");
    if ((v = json_object_get(res, "completion")) && !json_is_boolean(v))
        return fail(vc, "completion must be true or false");
    if ((v = json_object_get(res, "response")) && !json_is_string(v))
        return fail(vc, "response must be a string");
    if ((v = json_object_get(res, "duration")) &&
        (!json_is_string(v) || !is_duration(json_string_value(v))))
        return fail(vc, "duration must be an ISO 8601 duration such as PT1M30S (xAPI 2.4.5)");
    if ((v = json_object_get(res, "extensions")))
        WITH(vc, "extensions", check_extensions(vc, v));
    return 0;
}

static int check_context_activities(struct vctx *vc, json_t *ca)
{
    static const char *const allowed[] = {"parent", "grouping", "category", "other", NULL};
    int r = want_object(vc, ca);
    const char *k;
    json_t *v;
    if (r < 0)
        return r;
    if ((r = only(vc, ca, allowed)) < 0)
        return r;
    json_object_foreach(ca, k, v)
    {
        size_t old = push(vc, k);
        if (json_is_array(v)) {
            size_t i;
            json_t *e;
            json_array_foreach(v, i, e)
            {
                size_t old2 = push_index(vc, i);
                if ((r = check_activity(vc, e)) < 0)
                    return r;
                pop(vc, old2);
            }
        } else if ((r = check_activity(vc, v)) < 0) {
            return r;
        }
        pop(vc, old);
    }
    return 0;
}

static int check_relevant(struct vctx *vc, json_t *list, const char *what, json_t *o,
                          const char *type, const char *member)
{
    size_t i;
    json_t *e;
    int r;
    if (!json_is_array(list))
        return fail(vc, "%s must be an array", what);
    json_array_foreach(list, i, e)
    {
        static const char *const allowed_a[] = {"objectType", "agent", "relevantTypes", NULL};
        static const char *const allowed_g[] = {"objectType", "group", "relevantTypes", NULL};
        size_t old = push_index(vc, i);
        (void)o;
        if ((r = want_object(vc, e)) < 0)
            return r;
        if ((r = only(vc, e, !strcmp(member, "agent") ? allowed_a : allowed_g)) < 0)
            return r;
        json_t *t = json_object_get(e, "objectType");
        if (!t || !json_is_string(t) || strcmp(json_string_value(t), type))
            return fail(vc, "objectType must be \"%s\" (xAPI 2.0.0 2.4.6)", type);
        json_t *m = json_object_get(e, member);
        if (!m)
            return fail(vc, "%s is required (%s)", member, type);
        if (!strcmp(member, "agent"))
            WITH(vc, "agent", check_agent(vc, m, false));
        else
            WITH(vc, "group", check_actor(vc, m));
        json_t *rt = json_object_get(e, "relevantTypes");
        if (rt) {
            size_t j;
            json_t *x;
            if (!json_is_array(rt) || json_array_size(rt) == 0)
                return fail(vc, "relevantTypes must be a non-empty array of IRIs");
            json_array_foreach(
                rt, j,
                x) if (!json_is_string(x) ||
                       !lrs_is_iri(json_string_value(
                           x))) return fail(vc, "relevantTypes must be a non-empty array of IRIs");
        }
        pop(vc, old);
    }
    return 0;
}

static int check_context(struct vctx *vc, json_t *cx, json_t *object)
{
    static const char *const allowed1[] = {
        "registration", "instructor", "team",      "contextActivities", "revision",
        "platform",     "language",   "statement", "extensions",        NULL};
    static const char *const allowed2[] = {"registration",      "instructor",    "team",
                                           "contextActivities", "revision",      "platform",
                                           "language",          "statement",     "extensions",
                                           "contextAgents",     "contextGroups", NULL};
    int r = want_object(vc, cx);
    json_t *v;
    if (r < 0)
        return r;
    if ((r = only(vc, cx, vc->v == LRS_V2_0 ? allowed2 : allowed1)) < 0)
        return r;
    if ((v = json_object_get(cx, "registration")) &&
        (!json_is_string(v) || !lrs_is_uuid(json_string_value(v))))
        return fail(vc, "registration must be a UUID (xAPI 2.4.6)");
    if ((v = json_object_get(cx, "instructor")))
        WITH(vc, "instructor", check_actor(vc, v));
    if ((v = json_object_get(cx, "team")))
        WITH(vc, "team", check_identified_group(vc, v));
    if ((v = json_object_get(cx, "contextActivities")))
        WITH(vc, "contextActivities", check_context_activities(vc, v));
    json_t *ot = object ? json_object_get(object, "objectType") : NULL;
    bool object_is_activity =
        !ot || (json_is_string(ot) && !strcmp(json_string_value(ot), "Activity"));
    if ((v = json_object_get(cx, "revision"))) {
        if (!json_is_string(v))
            return fail(vc, "revision must be a string");
        if (!object_is_activity)
            return fail(vc, "revision is only for a statement about an Activity (xAPI 2.4.6)");
    }
    if ((v = json_object_get(cx, "platform"))) {
        if (!json_is_string(v))
            return fail(vc, "platform must be a string");
        if (!object_is_activity)
            return fail(vc, "platform is only for a statement about an Activity (xAPI 2.4.6)");
    }
    if ((v = json_object_get(cx, "language")) &&
        (!json_is_string(v) || !is_lang_tag(json_string_value(v))))
        return fail(vc, "language must be an RFC 5646 language tag");
    if ((v = json_object_get(cx, "statement"))) {
        size_t old = push(vc, "statement");
        if ((r = want_object(vc, v)) < 0)
            return r;
        json_t *t = json_object_get(v, "objectType");
        if (!t || !json_is_string(t) || strcmp(json_string_value(t), "StatementRef"))
            return fail(vc, "must be a StatementRef (objectType \"StatementRef\")");
        if ((r = check_statement_ref(vc, v)) < 0)
            return r;
        pop(vc, old);
    }
    if ((v = json_object_get(cx, "extensions")))
        WITH(vc, "extensions", check_extensions(vc, v));
    if ((v = json_object_get(cx, "contextAgents")))
        WITH(vc, "contextAgents",
             check_relevant(vc, v, "contextAgents", cx, "contextAgent", "agent"));
    if ((v = json_object_get(cx, "contextGroups")))
        WITH(vc, "contextGroups",
             check_relevant(vc, v, "contextGroups", cx, "contextGroup", "group"));
    return 0;
}

static int check_attachments(struct vctx *vc, json_t *list)
{
    static const char *const allowed[] = {"usageType", "display", "description", "contentType",
                                          "length",    "sha2",    "fileUrl",     NULL};
    size_t i;
    json_t *a;
    int r;
    if (!json_is_array(list))
        return fail(vc, "must be an array of Attachments");
    json_array_foreach(list, i, a)
    {
        size_t old = push_index(vc, i);
        json_t *v;
        if ((r = want_object(vc, a)) < 0 || (r = only(vc, a, allowed)) < 0)
            return r;
        if (!(v = json_object_get(a, "usageType")))
            return fail(vc, "usageType is required (Attachment, xAPI 2.4.11)");
        WITH(vc, "usageType", check_iri(vc, v, "usageType"));
        if (!(v = json_object_get(a, "display")))
            return fail(vc, "display is required (Attachment)");
        WITH(vc, "display", check_langmap(vc, v));
        if ((v = json_object_get(a, "description")))
            WITH(vc, "description", check_langmap(vc, v));
        if (!(v = json_object_get(a, "contentType")) || !json_is_string(v))
            return fail(vc, "contentType is required and must be an Internet Media Type");
        const char *ct = json_string_value(v);
        size_t tl = strcspn(ct, ";");
        const char *slash = memchr(ct, '/', tl);
        if (!slash || slash == ct || slash == ct + tl - 1 || memchr(ct, ' ', tl))
            return fail(vc, "contentType '%.60s' is not an Internet Media Type (RFC 2046)", ct);
        if (!(v = json_object_get(a, "length")) || !json_is_integer(v) || json_integer_value(v) < 0)
            return fail(vc, "length is required and must be a non-negative integer (octets)");
        if (!(v = json_object_get(a, "sha2")) || !json_is_string(v))
            return fail(vc, "sha2 is required and must be a string (Attachment)");
        const char *h = json_string_value(v);
        size_t hn = strlen(h);
        for (size_t k = 0; k < hn; k++)
            if (!is_hex(h[k]))
                return fail(vc, "sha2 must be a hex SHA-2 hash");
        if (hn != 56 && hn != 64 && hn != 96 && hn != 128)
            return fail(vc, "sha2 must be a hex SHA-224, SHA-256, SHA-384 or SHA-512 hash");
        if ((v = json_object_get(a, "fileUrl")))
            WITH(vc, "fileUrl", check_iri(vc, v, "an IRL"));
        pop(vc, old);
    }
    return 0;
}

/* ---- the statement ---- */

static int check_statement_body(struct vctx *vc, json_t *st, bool sub)
{
    static const char *const allowed[] = {"id",        "actor",   "verb",        "object",
                                          "result",    "context", "timestamp",   "stored",
                                          "authority", "version", "attachments", NULL};
    static const char *const allowed_sub[] = {"objectType", "actor",       "verb",
                                              "object",     "result",      "context",
                                              "timestamp",  "attachments", NULL};
    int r;
    json_t *v;
    int64_t ms;

    if ((r = want_object(vc, st)) < 0)
        return r;
    if ((r = only(vc, st, sub ? allowed_sub : allowed)) < 0) {
        if (sub)
            snprintf(vc->err + strlen(vc->err), vc->errlen - strlen(vc->err),
                     " (a SubStatement has no id, stored, version or authority)");
        return r;
    }
    if (!sub && (v = json_object_get(st, "id")) &&
        (!json_is_string(v) || !lrs_is_uuid(json_string_value(v))))
        return fail(vc, "id must be a UUID (xAPI 2.4.1)");
    if (!(v = json_object_get(st, "actor")))
        return fail(vc, "actor is required (xAPI 2.4.2)");
    WITH(vc, "actor", check_actor(vc, v));
    if (!(v = json_object_get(st, "verb")))
        return fail(vc, "verb is required (xAPI 2.4.3)");
    WITH(vc, "verb", check_verb(vc, v));
    json_t *obj = json_object_get(st, "object");
    if (!obj)
        return fail(vc, "object is required (xAPI 2.4.4)");
    WITH(vc, "object", check_object(vc, obj, sub));
    /* voiding: the object of a "voided" statement is the StatementRef it voids */
    const char *verb = json_string_value(json_object_get(v, "id"));
    if (verb && !strcmp(verb, "http://adlnet.gov/expapi/verbs/voided")) {
        json_t *t = json_object_get(obj, "objectType");
        if (!t || !json_is_string(t) || strcmp(json_string_value(t), "StatementRef"))
            return fail(vc, "a voiding statement's object must be a StatementRef "
                            "(xAPI 2.3.2 Voided)");
    }
    if ((v = json_object_get(st, "result")))
        WITH(vc, "result", check_result(vc, v));
    if ((v = json_object_get(st, "context")))
        WITH(vc, "context", check_context(vc, v, obj));
    if ((v = json_object_get(st, "timestamp")) &&
        (!json_is_string(v) || !is_timestamp(json_string_value(v), &ms)))
        return fail(vc, "timestamp must be an ISO 8601 date-time with a time zone, not -00:00 "
                        "(xAPI 2.4.7)");
    if ((v = json_object_get(st, "stored")) &&
        (!json_is_string(v) || !is_timestamp(json_string_value(v), &ms)))
        return fail(vc, "stored must be an ISO 8601 date-time with a time zone (xAPI 2.4.8)");
    if ((v = json_object_get(st, "authority"))) {
        size_t old = push(vc, "authority");
        if ((r = check_actor(vc, v)) < 0)
            return r;
        json_t *t = json_object_get(v, "objectType");
        if (t && json_is_string(t) && !strcmp(json_string_value(t), "Group")) {
            json_t *m = json_object_get(v, "member");
            int n = 0;
            check_ifis(vc, v, &n);
            if (n || !m || json_array_size(m) != 2)
                return fail(vc, "an authority Group must be an Anonymous Group of exactly two "
                                "Agents (OAuth: the application and the user; xAPI 2.4.9)");
        }
        pop(vc, old);
    }
    if ((v = json_object_get(st, "version"))) {
        const char *s = json_is_string(v) ? json_string_value(v) : NULL;
        bool ok = false;
        if (s && (!strncmp(s, "1.0", 3) || !strncmp(s, "2.0", 3))) {
            const char *p = s + 3;
            if (*p == '\0')
                ok = true;
            else if (*p == '.' && p[1]) {
                ok = true;
                for (p++; *p; p++)
                    if (*p < '0' || *p > '9')
                        ok = false;
            }
        }
        if (!ok)
            return fail(vc, "version must be 1.0.x or 2.0.x (xAPI 2.4.10)");
    }
    if ((v = json_object_get(st, "attachments")))
        WITH(vc, "attachments", check_attachments(vc, v));
    if (sub) {
        json_t *t = json_object_get(st, "objectType");
        if (!t || !json_is_string(t) || strcmp(json_string_value(t), "SubStatement"))
            return fail(vc, "objectType \"SubStatement\" is required");
    }
    return 0;
}

int lrs_validate(json_t *st, enum lrs_version v, bool substatement, char *err, size_t errlen)
{
    struct vctx vc = {.v = v, .err = err, .errlen = errlen};
    snprintf(vc.path, sizeof(vc.path), "statement");
    if (errlen)
        err[0] = '\0';
    return check_statement_body(&vc, st, substatement);
}

int lrs_validate_actor(json_t *a, char *err, size_t errlen)
{
    struct vctx vc = {.v = LRS_V2_0, .err = err, .errlen = errlen};
    snprintf(vc.path, sizeof(vc.path), "agent");
    if (errlen)
        err[0] = '\0';
    return check_actor(&vc, a);
}

bool lrs_is_uuid_text(const char *s)
{
    return lrs_is_uuid(s);
}

/*
 * xAPI document resources: see lrs_docs.h.
 */
#include "base/common.h"

#include <jansson.h>
#include <stdio.h>
#include <strings.h>

#include "app/access.h"
#include "app/audit.h"
#include "app/lrs.h"
#include "app/lrs_docs.h"
#include "app/otp.h"
#include "app/principal.h"
#include "base/hex.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "base/uuid.h"
#include "store/seal.h"
#include "store/store.h"
#include "store/store_lrs.h"
#include "store/store_lrs_docs.h"
#include "store/store_people.h"

#define DOC_ID_MAX 1024
#define IRI_MAX    4096

bool lrs_docs_is_json(const char *ct)
{
    if (!ct)
        return false;
    struct str s = str_trim(str_from(ct));
    const char *semi = memchr(s.p, ';', s.len);
    if (semi)
        s.len = (size_t)(semi - s.p);
    return str_eq_nocase(str_trim(s), "application/json");
}

/* An IRI as xAPI needs it (Data 4.2.7 / 1.0.3 Data 4.5): a scheme, no spaces or controls. */
static bool iri_ok(const char *s)
{
    size_t n = strlen(s), i = 0;

    if (n == 0 || n > IRI_MAX || !str_valid_utf8(str_from(s)))
        return false;
    if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
        return false;
    while (i < n && s[i] != ':') {
        char ch = s[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '+' || ch == '-' || ch == '.'))
            return false;
        i++;
    }
    if (i == n || i + 1 == n)
        return false;
    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
            return false;
    return true;
}

int lrs_docs_etag_listed(const struct lrs_docs_etags *l, const char *etag)
{
    struct str tag = str_from(etag);

    if (l->any)
        return 1;
    /* compare the opaque parts: etag is "xxx" */
    if (tag.len >= 2 && tag.p[0] == '"') {
        tag.p++;
        tag.len -= 2;
    }
    for (size_t i = 0; i < l->n; i++)
        if (str_eq_cstr(tag, l->tags[i]))
            return 1;
    return l->malformed ? -EINVAL : 0;
}

static bool hex40(const char *s)
{
    if (strlen(s) != 40)
        return false;
    for (size_t i = 0; i < 40; i++)
        if (hex_value(s[i]) < 0)
            return false;
    return true;
}

int lrs_docs_agent_key(struct ctx *c, const char *agent_json, const char **ret_key,
                       const char **ret_mbox, const char **ret_home, const char **ret_name)
{
    json_error_t jerr;
    json_t *o = NULL, *v;
    const char *key = NULL, *mbox = NULL, *home = NULL, *name = NULL, *ot;
    int n = 0, r = -EINVAL;

    if (!str_valid_utf8(str_from(agent_json))) {
        ctx_fail(c, -EINVAL, "agent: must be UTF-8 JSON");
        goto out;
    }
    o = json_loads(agent_json, JSON_REJECT_DUPLICATES, &jerr);
    if (!o || !json_is_object(o)) {
        ctx_fail(c, -EINVAL, "agent: must be a JSON Agent object (xAPI Data 2.4.2.1)");
        goto out;
    }
    v = json_object_get(o, "objectType");
    if (v) {
        ot = json_string_value(v);
        if (!ot || (strcmp(ot, "Agent") != 0 && strcmp(ot, "Group") != 0)) {
            ctx_fail(c, -EINVAL, "agent: objectType must be \"Agent\" (xAPI Data 2.4.2.1)");
            goto out;
        }
    }
    v = json_object_get(o, "name");
    if (v && !json_is_string(v)) {
        ctx_fail(c, -EINVAL, "agent: name must be a string");
        goto out;
    }
    if ((v = json_object_get(o, "mbox"))) {
        const char *s = json_string_value(v);
        if (!s || strncmp(s, "mailto:", 7) != 0 || !strchr(s + 7, '@') || !iri_ok(s)) {
            ctx_fail(c, -EINVAL, "agent: mbox must be a mailto: IRI (xAPI Data 2.4.2.3)");
            goto out;
        }
        key = arena_printf(c->arena, "mbox:%s", s);
        mbox = arena_strdup(c->arena, s);
        n++;
    }
    if ((v = json_object_get(o, "mbox_sha1sum"))) {
        const char *s = json_string_value(v);
        if (!s || !hex40(s)) {
            ctx_fail(c, -EINVAL,
                     "agent: mbox_sha1sum must be 40 hexadecimal digits (xAPI Data 2.4.2.3)");
            goto out;
        }
        char low[41];
        for (size_t i = 0; i < 41; i++)
            low[i] = (char)((s[i] >= 'A' && s[i] <= 'F') ? s[i] + 32 : s[i]);
        key = arena_printf(c->arena, "sha1:%s", low);
        n++;
    }
    if ((v = json_object_get(o, "openid"))) {
        const char *s = json_string_value(v);
        if (!s || !iri_ok(s)) {
            ctx_fail(c, -EINVAL, "agent: openid must be a URI (xAPI Data 2.4.2.3)");
            goto out;
        }
        key = arena_printf(c->arena, "openid:%s", s);
        n++;
    }
    if ((v = json_object_get(o, "account"))) {
        json_t *h = json_object_get(v, "homePage"), *nm = json_object_get(v, "name");
        if (!json_is_object(v) || !json_is_string(h) || !json_is_string(nm) ||
            !iri_ok(json_string_value(h)) || json_string_length(nm) == 0 ||
            json_object_size(v) != 2) {
            ctx_fail(c, -EINVAL,
                     "agent: account must have exactly homePage (an IRL) and name (a string) "
                     "(xAPI Data 2.4.2.4)");
            goto out;
        }
        home = arena_strdup(c->arena, json_string_value(h));
        name = arena_strdup(c->arena, json_string_value(nm));
        key = arena_printf(c->arena, "account:%zu:%s%s", strlen(home), home, name);
        n++;
    }
    if (n != 1) {
        ctx_fail(c, -EINVAL,
                 "agent: must have exactly one inverse functional identifier (mbox, "
                 "mbox_sha1sum, openid or account), xAPI Data 2.4.2.1");
        goto out;
    }
    if (!key) {
        r = -ENOMEM;
        goto out;
    }
    *ret_key = key;
    if (ret_mbox)
        *ret_mbox = mbox;
    if (ret_home)
        *ret_home = home;
    if (ret_name)
        *ret_name = name;
    r = 0;
out:
    json_decref(o);
    return r;
}

int lrs_docs_merge(struct ctx *c, const char *stored, size_t stored_len, const char *posted,
                   size_t posted_len, char **ret, size_t *ret_len)
{
    json_error_t jerr;
    json_t *a = json_loadb(stored, stored_len, JSON_REJECT_DUPLICATES, &jerr);
    json_t *b = json_loadb(posted, posted_len, JSON_REJECT_DUPLICATES, &jerr);
    char *text = NULL;
    int r;

    if (!json_is_object(b)) {
        r = ctx_fail(c, -EINVAL,
                     "document: the posted application/json document must be a JSON object to "
                     "merge (xAPI Communication 2.2, JSON Procedure)");
        goto out;
    }
    if (!json_is_object(a)) {
        r = ctx_fail(c, -EINVAL,
                     "document: the stored document is not a JSON object, so it cannot be merged; "
                     "replace it with PUT (xAPI Communication 2.2, JSON Procedure)");
        goto out;
    }
    /* top-level properties only: each posted property replaces the stored one whole */
    if (json_object_update(a, b) < 0) {
        r = -ENOMEM;
        goto out;
    }
    text = json_dumps(a, JSON_COMPACT);
    if (!text) {
        r = -ENOMEM;
        goto out;
    }
    *ret_len = strlen(text);
    *ret = arena_strndup(c->arena, text, *ret_len);
    r = *ret ? 0 : -ENOMEM;
out:
    free(text);
    json_decref(a);
    json_decref(b);
    return r;
}

static void etag_of(const void *p, size_t n, char out[48])
{
    uint8_t h[SHA1_LEN];
    char hex[2 * SHA1_LEN + 1];

    otp_sha1(p, n, h);
    hex_encode(h, sizeof(h), hex);
    snprintf(out, 48, "\"%s\"", hex);
}

/* The resolved request: the key in the store and who the agent is. */
struct doc_req {
    struct lrs_doc_key k;
    const char *mbox, *home, *name; /* the agent's identifiers, for linking */
    int64_t since_ms;
};

static const char *param_name(const struct lrs_docs_params *p)
{
    return p->res == LRS_DOCS_STATE ? "stateId" : "profileId";
}

static const char *resource_name(enum lrs_docs_resource res)
{
    switch (res) {
    case LRS_DOCS_STATE:
        return "State Resource";
    case LRS_DOCS_ACTIVITY_PROFILE:
        return "Activity Profile Resource";
    default:
        return "Agent Profile Resource";
    }
}

/* Check and convert the parameters; many: the form without stateId/profileId. */
static int resolve(struct ctx *c, const struct lrs_docs_params *p, bool need_id, bool allow_since,
                   struct doc_req *d)
{
    const char *sec = p->res == LRS_DOCS_STATE              ? "Communication 2.3"
                      : p->res == LRS_DOCS_ACTIVITY_PROFILE ? "Communication 2.7"
                                                            : "Communication 2.6";
    bool uses_activity = p->res != LRS_DOCS_AGENT_PROFILE,
         uses_agent = p->res != LRS_DOCS_ACTIVITY_PROFILE;
    int r;

    memset(d, 0, sizeof(*d));
    d->k.district_id = c->who ? c->who->district_id : 0;
    d->k.kind = (enum lrs_doc_kind)p->res;
    d->k.activity_id = d->k.agent_key = d->k.registration = d->k.doc_id = "";

    if (uses_activity) {
        if (!p->activity_id)
            return ctx_fail(c, -EINVAL, "activityId: required by the %s (xAPI %s)",
                            resource_name(p->res), sec);
        if (!iri_ok(p->activity_id))
            return ctx_fail(c, -EINVAL, "activityId: must be an IRI (xAPI Data 2.4.4.1)");
        d->k.activity_id = p->activity_id;
    } else if (p->activity_id) {
        return ctx_fail(c, -EINVAL, "activityId: not a parameter of the %s (xAPI %s)",
                        resource_name(p->res), sec);
    }
    if (uses_agent) {
        if (!p->agent)
            return ctx_fail(c, -EINVAL, "agent: required by the %s (xAPI %s)",
                            resource_name(p->res), sec);
        r = lrs_docs_agent_key(c, p->agent, &d->k.agent_key, &d->mbox, &d->home, &d->name);
        if (r < 0)
            return r;
    } else if (p->agent) {
        return ctx_fail(c, -EINVAL, "agent: not a parameter of the %s (xAPI %s)",
                        resource_name(p->res), sec);
    }
    if (p->registration) {
        uint8_t u[16];
        if (p->res != LRS_DOCS_STATE)
            return ctx_fail(c, -EINVAL, "registration: not a parameter of the %s (xAPI %s)",
                            resource_name(p->res), sec);
        if (uuid_parse(str_from(p->registration), u) < 0)
            return ctx_fail(c, -EINVAL, "registration: must be a UUID (xAPI %s)", sec);
        char *canon = arena_alloc(c->arena, 37);
        if (!canon)
            return -ENOMEM;
        uuid_format(u, canon);
        d->k.registration = canon;
    } else if (!need_id && p->res == LRS_DOCS_STATE && !p->doc_id) {
        d->k.registration = NULL; /* the many form: any registration */
    }
    if (p->doc_id) {
        size_t n = strlen(p->doc_id);
        if (n == 0 || n > DOC_ID_MAX || !str_valid_utf8(str_from(p->doc_id)))
            return ctx_fail(c, -EINVAL, "%s: must be 1 to %d characters of UTF-8 (xAPI %s)",
                            param_name(p), DOC_ID_MAX, sec);
        d->k.doc_id = p->doc_id;
    } else if (need_id) {
        return ctx_fail(c, -EINVAL, "%s: required (xAPI %s)", param_name(p), sec);
    }
    if (p->since) {
        bool zone;
        if (!allow_since || p->doc_id)
            return ctx_fail(c, -EINVAL, "since: only for GET of the list of ids (xAPI %s)", sec);
        if (time_parse_iso8601(str_from(p->since), true, &d->since_ms, &zone) < 0)
            return ctx_fail(c, -EINVAL, "since: must be an ISO 8601 timestamp (xAPI %s)", sec);
    }
    return 0;
}

/* The gate, for the State resource or the two profile resources; with g, a grant to read. */
static int check_access(struct ctx *c, const struct lrs_docs_params *p, enum access_action a,
                        struct grant **g)
{
    if (!c->who)
        return ctx_fail(c, -EPERM, "log in first");
    struct access_resource res = {p->res == LRS_DOCS_STATE ? RES_STATE : RES_PROFILES,
                                  c->who->district_id, 0};
    return access_check(c, a, &res, g);
}

/*
 * The rostered person an agent is (as src/app/lrs.c links actors): an
 * account on this server (homePage = the base URL, name = the sourcedId),
 * or an mbox equal to their e-mail address (by its keyed digest). 0: nobody.
 */
static int link_user(struct ctx *c, struct db *db, const struct lrs_docs_params *p,
                     const struct doc_req *d, int64_t *ret)
{
    const char *base = p->base_url && p->base_url[0] ? p->base_url
                       : c->cfg                      ? c->cfg->base_url
                                                     : NULL;
    int r;

    *ret = 0;
    if (d->home && base && base[0]) {
        char *username = NULL;
        int64_t id;
        size_t bl = strlen(base), hl = strlen(d->home);
        while (bl && base[bl - 1] == '/')
            bl--;
        while (hl && d->home[hl - 1] == '/')
            hl--;
        if (hl != bl || strncmp(d->home, base, bl) != 0)
            return 0;
        r = store_user_by_sourced_id(db, d->k.district_id, d->name, &id, &username);
        free(username);
        if (r == -ENOENT)
            return 0;
        if (r < 0)
            return r;
        *ret = id;
        return 0;
    }
    if (d->mbox) {
        const char *m = d->mbox + 7; /* validated: mailto: */
        char low[320];
        uint8_t idx[SEAL_INDEX_LEN];
        size_t n = strlen(m);
        int64_t id;
        if (n >= sizeof(low))
            return 0;
        for (size_t i = 0; i < n; i++)
            low[i] = (m[i] >= 'A' && m[i] <= 'Z') ? (char)(m[i] + 32) : m[i];
        seal_index(store_seal(c->store), low, n, idx);
        r = store_lrs_user_by_email_index(db, d->k.district_id, idx, sizeof(idx), &id);
        if (r == -ENOENT)
            return 0;
        if (r < 0)
            return r;
        *ret = id;
    }
    return 0;
}

struct list_arg {
    json_t *arr;
};

static int list_cb(const char *doc_id, void *arg)
{
    struct list_arg *a = arg;
    return json_array_append_new(a->arr, json_string(doc_id)) < 0 ? -ENOMEM : 0;
}

int lrs_docs_get(struct ctx *c, const struct lrs_docs_params *p, struct lrs_docs_result *ret)
{
    struct doc_req d;
    struct grant *g;
    struct db *db;
    int r;

    r = check_access(c, p, ACT_READ, NULL);
    if (r < 0)
        return r;
    r = resolve(c, p, false, true, &d);
    if (r < 0)
        return r;
    r = check_access(c, p, ACT_READ, &g);
    if (r < 0)
        return r;
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    memset(ret, 0, sizeof(*ret));
    if (p->doc_id) {
        struct lrs_doc_row row;
        r = store_lrs_doc_get(db, g, &d.k, &row);
        access_read_end(c);
        if (r == -ENOENT)
            return ctx_fail(c, r, "%s: no such document", param_name(p));
        if (r < 0)
            return ctx_fail(c, r, "cannot read the document");
        char *copy = arena_alloc(c->arena, row.len + 1);
        char *ct = arena_strdup(c->arena, row.content_type);
        if (!copy || !ct) {
            lrs_doc_row_release(&row);
            return -ENOMEM;
        }
        memcpy(copy, row.content, row.len + 1);
        ret->content = copy;
        ret->len = row.len;
        ret->content_type = ct;
        snprintf(ret->etag, sizeof(ret->etag), "\"%s\"", row.etag);
        ret->updated_ms = row.updated_at;
        lrs_doc_row_release(&row);
        access_grant_detail(g, "xAPI document");
        return 0;
    }
    /* the ids: the State resource's many form, or the profiles' */
    struct list_arg a = {json_array()};
    if (!a.arr)
        return -ENOMEM;
    r = store_lrs_doc_ids(db, g, &d.k, d.since_ms, list_cb, &a, &ret->updated_ms);
    access_read_end(c);
    if (r < 0) {
        json_decref(a.arr);
        return ctx_fail(c, r, "cannot list the documents");
    }
    char *text = json_dumps(a.arr, JSON_COMPACT);
    json_decref(a.arr);
    if (!text)
        return -ENOMEM;
    ret->len = strlen(text);
    ret->content = arena_strndup(c->arena, text, ret->len);
    free(text);
    if (!ret->content)
        return -ENOMEM;
    ret->content_type = "application/json";
    etag_of(ret->content, ret->len, ret->etag);
    return 0;
}

struct put_tx {
    struct ctx *c;
    const struct lrs_docs_params *p;
    struct doc_req *d;
    const char *ct;
    const void *body;
    size_t len;
    bool merge;
    char etag[48];
};

/* If-Match / If-None-Match against the current document (exists: its quoted etag). */
static int preconditions(struct ctx *c, const struct lrs_docs_params *p, const char *cur_etag,
                         bool is_put)
{
    int m;

    if (p->if_match.present) {
        if (!cur_etag)
            return ctx_fail(c, -ESTALE,
                            "If-Match: there is no such document (xAPI Communication 3.1)");
        m = lrs_docs_etag_listed(&p->if_match, cur_etag);
        if (m < 0)
            return ctx_fail(c, -EINVAL, "If-Match: must be \"*\" or a list of quoted ETags");
        if (m == 0)
            return ctx_fail(c, -ESTALE,
                            "If-Match: the document has changed since that ETag (xAPI "
                            "Communication 3.1); GET it again");
    }
    if (p->if_none_match.present) {
        if (cur_etag) {
            m = lrs_docs_etag_listed(&p->if_none_match, cur_etag);
            if (m < 0)
                return ctx_fail(c, -EINVAL,
                                "If-None-Match: must be \"*\" or a list of quoted ETags");
            if (m > 0)
                return ctx_fail(c, -ESTALE,
                                "If-None-Match: the document exists (xAPI Communication 3.1)");
        } else if (lrs_docs_etag_listed(&p->if_none_match, "\"\"") < 0) {
            return ctx_fail(c, -EINVAL, "If-None-Match: must be \"*\" or a list of quoted ETags");
        }
    }
    if (is_put && !cur_etag && !p->if_match.present && !p->if_none_match.present &&
        p->res != LRS_DOCS_STATE && p->version < 2)
        return ctx_fail(c, -EINVAL,
                        "If-Match, If-None-Match: a PUT to the %s must send one of them "
                        "(If-None-Match: * to create a document; xAPI 1.0.3 Communication 3.1)",
                        resource_name(p->res));
    if (is_put && cur_etag && !p->if_match.present && !p->if_none_match.present &&
        (p->res != LRS_DOCS_STATE || p->version >= 2))
        return ctx_fail(c, -EEXIST,
                        "the document exists and the PUT has neither If-Match nor If-None-Match: "
                        "check the document's current state (GET it) and send its ETag in "
                        "If-Match to replace it (xAPI Communication 3.1%s)",
                        p->version >= 2 ? "; IEEE 9274.1.1 4.1.4" : "");
    return 0;
}

static int put_fn(struct db *db, void *arg)
{
    struct put_tx *x = arg;
    struct ctx *c = x->c;
    struct lrs_doc_row cur;
    const void *body = x->body;
    size_t len = x->len;
    const char *ct = x->ct;
    char cur_etag[48];
    bool exists;
    int64_t user_id = 0;
    struct grant *g;
    /* checked again in the write transaction, whose reads it guards */
    int r = check_access(c, x->p, ACT_WRITE, &g);

    if (r < 0)
        return r;
    r = store_lrs_doc_get(db, g, &x->d->k, &cur);
    if (r < 0 && r != -ENOENT)
        return ctx_fail(c, r, "cannot read the document");
    exists = r == 0;
    if (exists)
        snprintf(cur_etag, sizeof(cur_etag), "\"%s\"", cur.etag);
    r = preconditions(c, x->p, exists ? cur_etag : NULL, !x->merge);
    if (r < 0)
        goto out;
    if (x->merge) {
        bool posted_json = lrs_docs_is_json(x->ct);
        if (exists) {
            bool stored_json = lrs_docs_is_json(cur.content_type);
            if (!posted_json || !stored_json) {
                r = ctx_fail(c, -EINVAL,
                             "Content-Type: a POST to an existing document merges JSON objects "
                             "only; the %s document is %s (xAPI Communication 2.2, JSON "
                             "Procedure)",
                             posted_json ? "stored" : "posted",
                             posted_json ? cur.content_type : (x->ct ? x->ct : "not JSON"));
                goto out;
            }
            char *merged;
            r = lrs_docs_merge(c, cur.content, cur.len, x->body, x->len, &merged, &len);
            if (r < 0)
                goto out;
            body = merged;
            ct = "application/json";
        } else if (posted_json) {
            char *merged;
            /* a first POST stores the object as it is, but it must be one */
            r = lrs_docs_merge(c, "{}", 2, x->body, x->len, &merged, &len);
            if (r < 0)
                goto out;
            body = x->body;
            len = x->len;
        }
    } else if (lrs_docs_is_json(x->ct)) {
        json_error_t jerr;
        json_t *j = json_loadb(x->body, x->len, JSON_DECODE_ANY, &jerr);
        if (!j) {
            r = ctx_fail(c, -EINVAL,
                         "document: Content-Type is application/json but the body is not JSON "
                         "(line %d: %s)",
                         jerr.line, jerr.text);
            goto out;
        }
        json_decref(j);
    }
    r = link_user(c, db, x->p, x->d, &user_id);
    if (r < 0)
        goto out;
    etag_of(body, len, x->etag);
    char hex[41];
    memcpy(hex, x->etag + 1, 40);
    hex[40] = '\0';
    r = store_lrs_doc_put(db, &x->d->k, user_id, ct, body, len, hex, c->now_ms);
    if (r < 0)
        r = ctx_fail(c, r, "cannot store the document");
out:
    if (exists)
        lrs_doc_row_release(&cur);
    return r;
}

int lrs_docs_put(struct ctx *c, const struct lrs_docs_params *p, const char *content_type,
                 const void *body, size_t len, bool merge, char *ret_etag)
{
    struct doc_req d;
    struct db *db;
    int r;

    r = check_access(c, p, ACT_WRITE, NULL);
    if (r < 0)
        return r;
    r = resolve(c, p, true, false, &d);
    if (r < 0)
        return r;
    if (!content_type || !content_type[0])
        content_type = "application/octet-stream";
    if (strlen(content_type) > 255 || !str_is_clean_text(str_from(content_type)))
        return ctx_fail(c, -EINVAL, "Content-Type: must be a media type of at most 255 characters");
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    struct put_tx x = {c, p, &d, content_type, body ? body : "", len, merge, ""};
    r = store_tx(db, put_fn, &x);
    if (r < 0)
        return r;
    if (ret_etag)
        memcpy(ret_etag, x.etag, sizeof(x.etag));
    return 0;
}

struct del_tx {
    struct ctx *c;
    const struct lrs_docs_params *p;
    struct doc_req *d;
};

static int del_fn(struct db *db, void *arg)
{
    struct del_tx *x = arg;
    struct lrs_doc_row cur;
    char cur_etag[48];
    int64_t n;
    int r;

    if (!x->p->doc_id) {
        n = store_lrs_doc_delete_many(db, &x->d->k);
        return n < 0 ? ctx_fail(x->c, (int)n, "cannot delete the documents") : 0;
    }
    if (x->p->if_match.present || x->p->if_none_match.present) {
        struct grant *g;
        r = check_access(x->c, x->p, ACT_WRITE, &g);
        if (r < 0)
            return r;
        r = store_lrs_doc_get(db, g, &x->d->k, &cur);
        if (r < 0 && r != -ENOENT)
            return ctx_fail(x->c, r, "cannot read the document");
        if (r == 0) {
            snprintf(cur_etag, sizeof(cur_etag), "\"%s\"", cur.etag);
            lrs_doc_row_release(&cur);
        }
        r = preconditions(x->c, x->p, r == 0 ? cur_etag : NULL, false);
        if (r < 0)
            return r;
    }
    n = store_lrs_doc_delete(db, &x->d->k);
    return n < 0 ? ctx_fail(x->c, (int)n, "cannot delete the document") : 0;
}

int lrs_docs_delete(struct ctx *c, const struct lrs_docs_params *p)
{
    struct doc_req d;
    struct db *db;
    int r;

    r = check_access(c, p, ACT_WRITE, NULL);
    if (r < 0)
        return r;
    /* only the State resource has a "delete many" form */
    r = resolve(c, p, p->res != LRS_DOCS_STATE, false, &d);
    if (r < 0)
        return r;
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    struct del_tx x = {c, p, &d};
    return store_tx(db, del_fn, &x);
}

/* ---- Activities and Agents ---- */

static int meta_access(struct ctx *c)
{
    if (!c->who)
        return ctx_fail(c, -EPERM, "log in first");
    struct access_resource res = {RES_DOC_META, c->who->district_id, 0};
    return access_check(c, ACT_READ, &res, NULL);
}

static int dump_to_arena(struct ctx *c, json_t *o, const char **ret, size_t *ret_len)
{
    char *text = json_dumps(o, JSON_COMPACT);
    if (!text)
        return -ENOMEM;
    *ret_len = strlen(text);
    *ret = arena_strndup(c->arena, text, *ret_len);
    free(text);
    return *ret ? 0 : -ENOMEM;
}

int lrs_docs_person(struct ctx *c, const char *agent, const char **ret, size_t *ret_len)
{
    json_error_t jerr;
    json_t *a = NULL, *person = NULL;
    const char *key;
    static const char *const props[] = {"name", "mbox", "mbox_sha1sum", "openid", "account"};
    int r = meta_access(c);

    if (r < 0)
        return r;
    if (!agent)
        return ctx_fail(c, -EINVAL,
                        "agent: required by the Agents Resource (xAPI Communication 2.4)");
    r = lrs_docs_agent_key(c, agent, &key, NULL, NULL, NULL);
    if (r < 0)
        return r;
    a = json_loads(agent, JSON_REJECT_DUPLICATES, &jerr);
    person = json_object();
    if (!a || !person || json_object_set_new(person, "objectType", json_string("Person")) < 0) {
        r = -ENOMEM;
        goto out;
    }
    /* each property of the Person object is an array of the agent's values */
    for (size_t i = 0; i < ARRAY_SIZE(props); i++) {
        json_t *v = json_object_get(a, props[i]), *arr;
        if (!v)
            continue;
        arr = json_array();
        if (!arr || json_array_append(arr, v) < 0 ||
            json_object_set_new(person, props[i], arr) < 0) {
            r = -ENOMEM;
            goto out;
        }
    }
    r = dump_to_arena(c, person, ret, ret_len);
out:
    json_decref(a);
    json_decref(person);
    return r;
}

/* Is v a language map (an object whose values are all strings)? */
static bool is_lang_map(json_t *v)
{
    const char *k;
    json_t *x;
    if (!json_is_object(v))
        return false;
    json_object_foreach(v, k, x)
    {
        if (!json_is_string(x))
            return false;
    }
    return true;
}

#define ACTIVITY_SCAN 1000

struct def_arg {
    const char *activity_id;
    json_t *def; /* merged so far */
};

/*
 * Newest statement first: a property the merge has not seen is taken
 * whole, except language maps (name, description), whose languages are
 * merged, the newest text of each language winning.
 */
static int def_cb(const struct lrs_row *row, void *arg)
{
    struct def_arg *a = arg;
    json_error_t jerr;
    json_t *st = json_loadb(row->json, row->json_len, 0, &jerr), *obj, *def, *v;
    const char *k, *oid;

    obj = json_object_get(st, "object");
    def = json_object_get(obj, "definition");
    oid = json_string_value(json_object_get(obj, "id"));
    if (json_is_object(def) && oid && !strcmp(oid, a->activity_id)) {
        json_object_foreach(def, k, v)
        {
            json_t *have = json_object_get(a->def, k);
            if (!have) {
                json_object_set(a->def, k, v);
            } else if (is_lang_map(have) && is_lang_map(v)) {
                const char *lang;
                json_t *text;
                json_object_foreach(v, lang, text)
                {
                    if (!json_object_get(have, lang))
                        json_object_set(have, lang, text);
                }
            }
        }
    }
    json_decref(st);
    return 0;
}

int lrs_docs_activity(struct ctx *c, const char *activity_id, const char **ret, size_t *ret_len)
{
    json_t *o = NULL;
    struct def_arg a = {activity_id, NULL};
    struct principal op;
    const struct principal *who;
    int r = meta_access(c);

    if (r < 0)
        return r;
    if (!activity_id)
        return ctx_fail(c, -EINVAL,
                        "activityId: required by the Activities Resource (xAPI Communication 2.5)");
    if (!iri_ok(activity_id))
        return ctx_fail(c, -EINVAL, "activityId: must be an IRI (xAPI Data 2.4.4.1)");
    a.def = json_object();
    if (!a.def)
        return -ENOMEM;
    /*
     * Activity definitions are not anyone's records: read the newest
     * statements about the activity as the district's operator, keeping
     * only the object's definition.
     */
    who = c->who;
    principal_system(&op, who->district_id, "system:xapi-activities");
    c->who = &op;
    struct lrs_filter f = {.district_id = who->district_id,
                           .activity_id = activity_id,
                           .limit = ACTIVITY_SCAN,
                           .ascending = false,
                           .include_voided = true};
    r = lrs_stream(c, &f, def_cb, &a);
    c->who = who;
    if (r < 0) {
        json_decref(a.def);
        return r;
    }
    o = json_pack("{s:s,s:s}", "objectType", "Activity", "id", activity_id);
    if (!o || (json_object_size(a.def) && json_object_set(o, "definition", a.def) < 0)) {
        json_decref(o);
        json_decref(a.def);
        return -ENOMEM;
    }
    json_decref(a.def);
    r = dump_to_arena(c, o, ret, ret_len);
    json_decref(o);
    return r;
}

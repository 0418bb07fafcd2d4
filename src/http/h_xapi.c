/*
 * The xAPI resources of the statements side: About and Statements
 * (xAPI 1.0.3 and 2.0.0 / IEEE 9274.1.1 "Communication"). Parsing and
 * rendering only; the rules and the store are src/app/lrs.c.
 */
#include "base/common.h"

#include <stdio.h>
#include <strings.h>
#include <time.h>

#include "app/lrs.h"
#include "app/principal.h"
#include "base/hex.h"
#include "base/mem.h"
#include "base/multipart.h"
#include "base/rand.h"
#include "base/timeutil.h"
#include "http/handlers.h"
#include "http/server.h"
#include "http/xapi.h"

/* ---- About (xAPI 2.0.0 4.1.7.1) ---- */

static const char about_body[] =
    "{\"version\":[\"1.0.0\",\"1.0.1\",\"1.0.2\",\"1.0.3\",\"2.0.0\"],\"extensions\":{}}";

static int about_get(struct xapi *x)
{
    http_add_header(x->rq, "Cache-Control", "no-cache");
    return http_respond_static(x->rq, 200, "application/json", about_body, sizeof(about_body) - 1);
}

static const struct xapi_resource about_res = {
    .get = about_get,
    .public_get = true,
};

int h_xapi_about(struct request *rq)
{
    return xapi_serve(rq, &about_res);
}

/* ---- Statements (xAPI 2.0.0 4.1.6.1) ---- */

#define MAX_PARTS 64

static enum lrs_version lrs_version_of(const struct xapi *x)
{
    return x->version == XAPI_1_0 ? LRS_V1_0 : LRS_V2_0;
}

static void consistent_header(struct xapi *x, int64_t ms)
{
    char t[32];
    time_format_iso8601(ms, t);
    http_add_header(x->rq, "X-Experience-API-Consistent-Through", t);
}

static int statements_write_done(struct request *rq)
{
    struct xapi *x = rq->user;
    struct lrs_pending *p = x->pending;
    const char **ids = NULL;
    size_t n = 0;
    int r = lrs_append_finish(&rq->ctx, p, &ids, &n);
    if (r < 0)
        return xapi_error(x, r);
    if (x->put)
        return http_respond_empty(rq, 204);
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        json_array_append_new(arr, json_string(ids[i]));
    return http_respond_json_take(rq, 200, arr);
}

static void wake(void *arg)
{
    http_resume(arg);
}

/* The statements of a request: JSON, or multipart/mixed with attachments. */
static int statements_write(struct xapi *x, const char *put_id)
{
    struct request *rq = x->rq;
    const char *ct = xapi_header(x, "Content-Type");
    struct lrs_write w = {
        .version = lrs_version_of(x), .base_url = server_base_url(rq->srv), .put_id = put_id};
    const char *json = x->body;
    size_t len = x->body_len;
    struct lrs_pending *p;
    struct str bd;
    int r;

    if (ct && multipart_boundary(ct, &bd) == 0) {
        struct multipart_part *mp = arena_calloc(&rq->arena, MAX_PARTS, sizeof(*mp));
        size_t n;
        char err[200];
        if (!mp)
            return -ENOMEM;
        if (multipart_parse(bd, x->body, x->body_len, mp, MAX_PARTS, &n, err, sizeof(err)) < 0)
            return xapi_fail(x, -EINVAL, "%s (xAPI 2.0.0 4.1.6.1 Attachments)", err);
        struct str pct = multipart_header(&mp[0], "Content-Type");
        if (!str_starts_with(pct, "application/json"))
            return xapi_fail(x, -EINVAL,
                             "multipart: the first part must be the statements, "
                             "Content-Type: application/json (xAPI 2.0.0 4.1.6.1)");
        json = mp[0].data;
        len = mp[0].len;
        if (n > 1) {
            struct lrs_part *parts = arena_calloc(&rq->arena, n - 1, sizeof(*parts));
            if (!parts)
                return -ENOMEM;
            for (size_t i = 1; i < n; i++) {
                struct str h = multipart_header(&mp[i], "X-Experience-API-Hash");
                struct str c = multipart_header(&mp[i], "Content-Type");
                struct str te = multipart_header(&mp[i], "Content-Transfer-Encoding");
                if (!h.p || h.len == 0)
                    return xapi_fail(x, -EINVAL,
                                     "multipart: part %zu has no X-Experience-API-Hash header "
                                     "(xAPI 2.0.0 4.1.6.1 Attachments)",
                                     i + 1);
                if (!te.p || !str_eq_nocase(te, "binary"))
                    return xapi_fail(x, -EINVAL,
                                     "multipart: part %zu needs Content-Transfer-Encoding: "
                                     "binary (xAPI 2.0.0 4.1.6.1 Attachments)",
                                     i + 1);
                parts[i - 1].sha2 = arena_strview(&rq->arena, h);
                parts[i - 1].content_type =
                    c.p ? arena_strview(&rq->arena, c) : "application/octet-stream";
                parts[i - 1].data = mp[i].data;
                parts[i - 1].len = mp[i].len;
                if (!parts[i - 1].sha2 || !parts[i - 1].content_type)
                    return -ENOMEM;
            }
            w.parts = parts;
            w.n_parts = n - 1;
        }
    } else if (ct && strncasecmp(ct, "application/json", 16) != 0 && !x->alternate) {
        return xapi_fail(x, -EINVAL,
                         "Content-Type: statements are application/json, or multipart/mixed "
                         "with attachments (xAPI 2.0.0 4.1.6.1)");
    } else if (!ct && !x->alternate) {
        return xapi_fail(x, -EINVAL, "Content-Type: missing; send application/json");
    }
    r = lrs_append_prepare(&rq->ctx, &w, json, len, &p);
    if (r < 0)
        return xapi_error(x, r);
    x->pending = p;
    x->put = put_id != NULL;
    http_suspend(rq, statements_write_done);
    lrs_append_submit(&rq->ctx, p, wake, rq);
    return 0;
}

/* Parameters are case-sensitive (xAPI 2.0.0 4.1.2: 400 for "statementID"). */
static int only_statement_id(const char *name, const char *value, void *arg)
{
    struct xapi *x = arg;
    (void)value;
    if (strcmp(name, "statementId") != 0)
        return xapi_fail(x, -EINVAL,
                         "%s: not a parameter of %s statements (parameters are case-sensitive; "
                         "xAPI 2.0.0 4.1.6.1)",
                         name, x->method);
    return 0;
}

static int statements_put(struct xapi *x)
{
    int r = xapi_params_each(x, only_statement_id, x);
    if (r < 0)
        return r;
    const char *id = xapi_param(x, "statementId");
    if (!id)
        return xapi_fail(x, -EINVAL, "statementId: required for PUT (xAPI 2.0.0 4.1.6.1)");
    if (!lrs_is_uuid_text(id))
        return xapi_fail(x, -EINVAL, "statementId: must be a UUID");
    return statements_write(x, id);
}

static int statements_post(struct xapi *x)
{
    int r = xapi_params_each(x, only_statement_id, x);
    if (r < 0)
        return r;
    if (xapi_param(x, "statementId"))
        return xapi_fail(x, -EINVAL, "statementId: POST takes none; use PUT to choose the id");
    return statements_write(x, NULL);
}

struct params {
    struct xapi *x;
    struct lrs_query *q;
    struct buf more; /* the query string of the more link, without the cursor */
    int r;
};

static int bool_param(struct xapi *x, const char *name, const char *v, bool *ret)
{
    if (!strcmp(v, "true"))
        *ret = true;
    else if (!strcmp(v, "false"))
        *ret = false;
    else
        return xapi_fail(x, -EINVAL, "%s: must be true or false", name);
    return 0;
}

static int time_param(struct xapi *x, const char *name, const char *v, int64_t *ret)
{
    bool zone;
    if (time_parse_iso8601(str_from(v), true, ret, &zone) < 0)
        return xapi_fail(x, -EINVAL, "%s: must be an ISO 8601 timestamp", name);
    return 0;
}

static void url_encode(struct buf *b, const char *s)
{
    static const char hexd[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '~') {
            buf_putc(b, (char)*p);
        } else {
            buf_putc(b, '%');
            buf_putc(b, hexd[*p >> 4]);
            buf_putc(b, hexd[*p & 15]);
        }
    }
}

static int param_cb(const char *name, const char *value, void *arg)
{
    struct params *pp = arg;
    struct xapi *x = pp->x;
    struct lrs_query *q = pp->q;
    const char *v = value ? value : "";
    int r = 0;

    if (!strcmp(name, "statementId"))
        q->statement_id = v;
    else if (!strcmp(name, "voidedStatementId"))
        q->voided_statement_id = v;
    else if (!strcmp(name, "agent"))
        q->agent = v;
    else if (!strcmp(name, "verb"))
        q->verb = v;
    else if (!strcmp(name, "activity"))
        q->activity = v;
    else if (!strcmp(name, "registration"))
        q->registration = v;
    else if (!strcmp(name, "related_activities"))
        r = bool_param(x, name, v, &q->related_activities);
    else if (!strcmp(name, "related_agents"))
        r = bool_param(x, name, v, &q->related_agents);
    else if (!strcmp(name, "since")) {
        r = time_param(x, name, v, &q->since_ms);
        q->has_since = true;
    } else if (!strcmp(name, "until")) {
        r = time_param(x, name, v, &q->until_ms);
        q->has_until = true;
    } else if (!strcmp(name, "limit")) {
        int64_t n;
        if (str_to_int64(str_from(v), 0, INT32_MAX, &n) < 0)
            r = xapi_fail(x, -EINVAL, "limit: must be a non-negative integer");
        q->limit = (size_t)n;
    } else if (!strcmp(name, "format")) {
        if (!strcmp(v, "exact"))
            q->format = LRS_FORMAT_EXACT;
        else if (!strcmp(v, "ids"))
            q->format = LRS_FORMAT_IDS;
        else if (!strcmp(v, "canonical"))
            q->format = LRS_FORMAT_CANONICAL;
        else
            r = xapi_fail(x, -EINVAL, "format: must be ids, exact or canonical");
    } else if (!strcmp(name, "attachments"))
        r = bool_param(x, name, v, &q->attachments);
    else if (!strcmp(name, "ascending"))
        r = bool_param(x, name, v, &q->ascending);
    else if (!strcmp(name, "cursor")) {
        if (str_to_int64(str_from(v), 1, INT64_MAX, &q->cursor) < 0)
            r = xapi_fail(x, -EINVAL,
                          "cursor: not a cursor this server gave (follow the more link)");
        return r;
    } else
        r = xapi_fail(x, -EINVAL, "%s: not a parameter of GET statements (xAPI 2.0.0 4.1.6.1)",
                      name);
    if (r == 0) {
        if (pp->more.len)
            buf_putc(&pp->more, '&');
        url_encode(&pp->more, name);
        buf_putc(&pp->more, '=');
        url_encode(&pp->more, v);
    }
    return r;
}

static void http_date(int64_t ms, char out[40])
{
    static const char *const days[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int64_t secs = ms / 1000, d = secs / 86400, sod = secs % 86400, y;
    unsigned mo, da;
    time_civil_from_days(d, &y, &mo, &da);
    snprintf(out, 40, "%s, %02u %s %04lld %02u:%02u:%02u GMT", days[((d % 7) + 7) % 7], da,
             months[mo - 1], (long long)y, (unsigned)(sod / 3600), (unsigned)(sod / 60 % 60),
             (unsigned)(sod % 60));
}

static int respond_multipart(struct xapi *x, json_t *body, const struct lrs_result *res)
{
    uint8_t rb[12];
    char bd[32];
    struct buf b;
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (!text)
        return -ENOMEM;
    if (rand_bytes(rb, sizeof(rb)) < 0)
        memset(rb, 7, sizeof(rb));
    hex_encode(rb, sizeof(rb), bd);
    buf_init(&b, SIZE_MAX / 2);
    buf_appendf(&b, "--%s\r\nContent-Type: application/json\r\n\r\n%s\r\n", bd, text);
    mem_free(text);
    for (size_t i = 0; i < res->n_parts; i++) {
        buf_appendf(&b,
                    "--%s\r\nContent-Type: %s\r\nContent-Transfer-Encoding: binary\r\n"
                    "X-Experience-API-Hash: %s\r\n\r\n",
                    bd, res->parts[i].content_type, res->parts[i].sha2);
        buf_append(&b, res->parts[i].data, res->parts[i].len);
        buf_appends(&b, "\r\n");
    }
    if (buf_appendf(&b, "--%s--\r\n", bd) < 0) {
        buf_release(&b);
        return -ENOMEM;
    }
    char ct[80];
    snprintf(ct, sizeof(ct), "multipart/mixed; boundary=%s", bd);
    size_t n;
    char *p = buf_detach(&b, &n);
    return http_respond_take(x->rq, 200, ct, p, n);
}

static int statements_get(struct xapi *x)
{
    struct request *rq = x->rq;
    struct lrs_query q = {.version = lrs_version_of(x)};
    struct lrs_result res;
    struct params pp = {.x = x, .q = &q};
    int r;

    /* on every answer, errors too (xAPI 2.0.0 4.1.6.1: "regardless of the code returned") */
    consistent_header(x, lrs_consistent_through(&rq->ctx));
    buf_init(&pp.more, 64 * 1024);
    r = xapi_params_each(x, param_cb, &pp);
    if (r < 0 || rq->responded) {
        buf_release(&pp.more);
        return r < 0 ? r : 0;
    }
    q.accept_language = xapi_header(x, "Accept-Language");
    if (q.statement_id && q.voided_statement_id) {
        buf_release(&pp.more);
        return xapi_fail(x, -EINVAL, "statementId and voidedStatementId: give one, not both");
    }
    if ((q.statement_id || q.voided_statement_id) &&
        (q.agent || q.verb || q.activity || q.registration || q.related_activities ||
         q.related_agents || q.has_since || q.has_until || q.limit || q.ascending || q.cursor)) {
        buf_release(&pp.more);
        return xapi_fail(x, -EINVAL,
                         "%s: only attachments and format may go with it (xAPI 2.0.0 4.1.6.1)",
                         q.statement_id ? "statementId" : "voidedStatementId");
    }
    r = lrs_query(&rq->ctx, &q, &res);
    if (r < 0) {
        buf_release(&pp.more);
        return xapi_error(x, r);
    }
    if (res.last_modified_ms) {
        char d[40];
        http_date(res.last_modified_ms, d);
        http_add_header(rq, "Last-Modified", d);
    }
    if (res.last_seq) {
        struct buf m;
        buf_init(&m, 128 * 1024);
        buf_appendf(&m, "/xapi/statements?%s%scursor=%lld", buf_cstr(&pp.more),
                    pp.more.len ? "&" : "", (long long)res.last_seq);
        json_object_set_new(res.body, "more", json_string(buf_cstr(&m)));
        buf_release(&m);
    }
    buf_release(&pp.more);
    if (q.attachments)
        return respond_multipart(x, res.body, &res);
    char *text = json_dumps(res.body, JSON_COMPACT);
    json_decref(res.body);
    if (!text)
        return -ENOMEM;
    http_add_header(rq, "Cache-Control", "no-store");
    return http_respond_take(rq, 200, "application/json", text, strlen(text));
}

static const struct xapi_resource statements_res = {
    .get = statements_get,
    .put = statements_put,
    .post = statements_post,
};

int h_xapi_statements(struct request *rq)
{
    return xapi_serve(rq, &statements_res);
}

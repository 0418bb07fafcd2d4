/*
 * The request helpers of request.h: parameters, query, headers and cookies,
 * suspension, and every response a handler can give, with the headers all
 * responses carry. A response to a request that read student data under
 * the access gate's grants is held back, the connection suspended, until
 * the gate's audit entries are durable (queue()).
 *
 * Below the server's life cycle (server.c) and the authentication hook
 * (auth_hook.c), which both use these: the includes go one way.
 */
#include "base/common.h"

#include <microhttpd.h>
#include <stdio.h>
#include <strings.h>

#include "app/access.h"
#include "base/log.h"
#include "base/mem.h"
#include "http/errmap.h"
#include "http/request.h"
#include "http/webroot.h"

struct str http_param(const struct request *rq, const char *name)
{
    for (size_t i = 0; i < rq->n_params; i++)
        if (str_eq_cstr(rq->param_names[i], name))
            return rq->params[i];
    return STR_NULL;
}

const char *http_query(const struct request *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

struct query_iter {
    int (*fn)(const char *name, const char *value, void *arg);
    void *arg;
    int r;
};

static enum MHD_Result query_iter_cb(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    struct query_iter *it = cls;
    (void)kind;
    it->r = it->fn(key, value, it->arg);
    return it->r == 0 ? MHD_YES : MHD_NO;
}

int http_query_each(const struct request *rq,
                    int (*fn)(const char *name, const char *value, void *arg), void *arg)
{
    struct query_iter it = {fn, arg, 0};
    MHD_get_connection_values(rq->conn, MHD_GET_ARGUMENT_KIND, query_iter_cb, &it);
    return it.r;
}

void http_suspend(struct request *rq, int (*finish)(struct request *rq))
{
    rq->finish = finish;
    rq->suspended = true;
    MHD_suspend_connection(rq->conn);
}

void http_resume(struct request *rq)
{
    MHD_resume_connection(rq->conn);
}

const char *http_header(const struct request *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

const char *http_cookie(const struct request *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, name);
}

const char *http_lang(const struct request *rq)
{
    const char *q = http_query(rq, "lang");
    const char *c = http_cookie(rq, "lang");
    const char *al = http_header(rq, "Accept-Language");
    if (q && (!strcmp(q, "en") || !strcmp(q, "es")))
        return q;
    if (c && (!strcmp(c, "en") || !strcmp(c, "es")))
        return c;
    while (al && *al == ' ')
        al++;
    if (al && !strncasecmp(al, "es", 2))
        return "es";
    return "en";
}

int http_param_id(struct request *rq, const char *name, int64_t *ret)
{
    if (str_to_int64(http_param(rq, name), 1, INT64_MAX, ret) < 0)
        return http_problem(rq, -ENOENT, "not found");
    return 1;
}

int http_add_header(struct request *rq, const char *name, const char *value)
{
    if (rq->n_headers >= REQ_MAX_HEADERS)
        return -E2BIG;
    const char *n = arena_strdup(&rq->arena, name);
    const char *v = arena_strdup(&rq->arena, value);
    if (!n || !v)
        return -ENOMEM;
    rq->headers[rq->n_headers].name = n;
    rq->headers[rq->n_headers].value = v;
    rq->n_headers++;
    return 0;
}

static void add_common_headers(struct request *rq, struct MHD_Response *resp)
{
    /* every response: no inline script, no framing, no MIME sniffing, no referrer leaks */
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; script-src 'self'; style-src 'self'; "
                            "img-src 'self' data: blob:; media-src 'self' blob:; "
                            "connect-src 'self'; object-src 'none'; base-uri 'none'; "
                            "form-action 'self'; frame-ancestors 'none'");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
    MHD_add_response_header(resp, "Permissions-Policy",
                            "camera=(self), microphone=(), geolocation=()");
    MHD_add_response_header(resp, "X-Request-Id", rq->id);
    if (rq->tls)
        MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
    for (size_t i = 0; i < rq->n_headers; i++)
        MHD_add_response_header(resp, rq->headers[i].name, rq->headers[i].value);
}

static int queue(struct request *rq, unsigned status, struct MHD_Response *resp, size_t bytes);

static void settled(void *arg)
{
    http_resume(arg);
}

/* Resumed once the answer's audit entries are durable (or failed): send it, or the error. */
static int send_held(struct request *rq)
{
    struct MHD_Response *resp = rq->held;
    int r = access_settle_result(&rq->ctx);

    rq->held = NULL;
    if (r < 0) {
        /* nothing is disclosed without its entry */
        MHD_destroy_response(resp);
        return r;
    }
    return queue(rq, rq->held_status, resp, rq->held_bytes);
}

static int queue(struct request *rq, unsigned status, struct MHD_Response *resp, size_t bytes)
{
    enum MHD_Result ok;

    if (!resp)
        return -ENOMEM;
    if (status >= 400) {
        access_discard(&rq->ctx); /* an error discloses nothing that was read */
    } else if (access_pending(&rq->ctx)) {
        /*
         * Student records were read under the gate's grants: hold the answer
         * (rendered already) until their audit entries are durable. The
         * connection waits suspended, holding no worker thread.
         */
        rq->held = resp;
        rq->held_status = status;
        rq->held_bytes = bytes;
        http_suspend(rq, send_held);
        access_settle_submit(&rq->ctx, settled, rq);
        return 0;
    }
    add_common_headers(rq, resp);
    ok = MHD_queue_response(rq->conn, status, resp);
    MHD_destroy_response(resp);
    if (ok != MHD_YES)
        return -EIO;
    rq->responded = true;
    rq->status = status;
    rq->bytes = bytes;
    return 0;
}

int http_respond_take(struct request *rq, unsigned status, const char *content_type, char *p,
                      size_t n)
{
    struct MHD_Response *resp;

    if (rq->responded) {
        mem_free(p);
        return 0;
    }
    resp = MHD_create_response_from_buffer_with_free_callback(n, p, mem_free);
    if (!resp) {
        mem_free(p);
        return -ENOMEM;
    }
    if (content_type)
        MHD_add_response_header(resp, "Content-Type", content_type);
    return queue(rq, status, resp, n);
}

int http_respond_data(struct request *rq, unsigned status, const char *content_type, const void *p,
                      size_t n)
{
    char *copy = mem_dup(p, n);
    if (!copy)
        return -ENOMEM;
    return http_respond_take(rq, status, content_type, copy, n);
}

int http_respond_static(struct request *rq, unsigned status, const char *content_type,
                        const void *p, size_t n)
{
    struct MHD_Response *resp;
    if (rq->responded)
        return 0;
    resp = MHD_create_response_from_buffer(n, (void *)(uintptr_t)p, MHD_RESPMEM_PERSISTENT);
    if (resp && content_type)
        MHD_add_response_header(resp, "Content-Type", content_type);
    return queue(rq, status, resp, n);
}

int http_respond_empty(struct request *rq, unsigned status)
{
    struct MHD_Response *resp;
    if (rq->responded)
        return 0;
    resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    return queue(rq, status, resp, 0);
}

/* body (taken) as JSON text, numbers as people write them (0.95, not 0.94999999999999996). */
static char *json_text(json_t *body)
{
    char *text = json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(12));
    json_decref(body);
    return text;
}

int http_respond_json_take(struct request *rq, unsigned status, json_t *body)
{
    char *text = body ? json_text(body) : NULL;
    if (!text)
        return -ENOMEM;
    http_add_header(rq, "Cache-Control", "no-store");
    return http_respond_take(rq, status, "application/json; charset=utf-8", text, strlen(text));
}

int http_respond_json_gz(struct request *rq, unsigned status, json_t *body)
{
    const char *ae = http_header(rq, "Accept-Encoding");
    char *text = body ? json_text(body) : NULL;
    void *gz;
    size_t n, gzlen;

    if (!text)
        return -ENOMEM;
    n = strlen(text);
    http_add_header(rq, "Cache-Control", "no-store");
    http_add_header(rq, "Vary", "Accept-Encoding");
    if (n >= 1024 && ae && strstr(ae, "gzip") && http_gzip(text, n, 6, n, &gz, &gzlen) == 0) {
        mem_free(text);
        http_add_header(rq, "Content-Encoding", "gzip");
        return http_respond_take(rq, status, "application/json; charset=utf-8", gz, gzlen);
    }
    return http_respond_take(rq, status, "application/json; charset=utf-8", text, n);
}

/* The one application/problem+json builder (RFC 9457); extra adds members (taken), never replacing
 * the problem's own. */
static int respond_problem(struct request *rq, unsigned status, const char *code, const char *title,
                           const char *detail, json_t *extra)
{
    json_t *o =
        json_pack("{s:s, s:s, s:i, s:s, s:s}", "type", "about:blank", "title", title, "status",
                  (json_int_t)status, "code", code, "detail", detail && detail[0] ? detail : title);
    if (!o || (extra && json_object_update_missing(o, extra) < 0)) {
        json_decref(o);
        json_decref(extra);
        return -ENOMEM;
    }
    json_decref(extra);
    char *text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!text)
        return -ENOMEM;
    http_add_header(rq, "Cache-Control", "no-store");
    return http_respond_take(rq, status, "application/problem+json", text, strlen(text));
}

int http_problem_ex(struct request *rq, int err, const char *detail, json_t *extra)
{
    const struct errmap_entry *e = errmap_lookup(err);

    if (e->status >= 500) {
        /* a fault: logged with what is known, answered without it */
        log_error("request failed: %s (%s)", e->code,
                  detail && detail[0] ? detail
                  : err > -4096       ? strerror(-err)
                                      : "");
        detail = NULL;
    }
    return respond_problem(rq, e->status, e->code, e->title, detail, extra);
}

int http_problem(struct request *rq, int err, const char *detail)
{
    return http_problem_ex(rq, err, detail, NULL);
}

int http_respond_error(struct request *rq, int err)
{
    return http_problem_ex(rq, err, rq->ctx.err, NULL);
}

int http_json_body_or_respond(struct request *rq, json_t **ret_obj)
{
    json_error_t jerr;
    json_t *o;
    char detail[300];
    const char *ct = http_header(rq, "Content-Type");

    if (!ct || strncasecmp(ct, "application/json", 16) != 0) {
        http_problem(rq, -EMEDIUMTYPE, "Content-Type: must be application/json");
        return -EINVAL;
    }
    if (rq->body.len == 0) {
        http_problem(rq, -EINVAL, "body: expected a JSON object");
        return -EINVAL;
    }
    o = json_loadb(buf_cstr(&rq->body), rq->body.len, JSON_REJECT_DUPLICATES, &jerr);
    if (!o) {
        snprintf(detail, sizeof(detail), "body: invalid JSON at line %d column %d: %s", jerr.line,
                 jerr.column, jerr.text);
        http_problem(rq, -EINVAL, detail);
        return -EINVAL;
    }
    if (!json_is_object(o)) {
        json_decref(o);
        http_problem(rq, -EINVAL, "body: expected a JSON object");
        return -EINVAL;
    }
    *ret_obj = o;
    return 0;
}

int http_respond_response(struct request *rq, unsigned status, struct MHD_Response *resp,
                          size_t bytes)
{
    if (rq->responded) {
        if (resp)
            MHD_destroy_response(resp);
        return 0;
    }
    return queue(rq, status, resp, bytes);
}

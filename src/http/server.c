/*
 * HTTP server on libmicrohttpd: see server.h.
 *
 * Life of a request: MHD calls access_cb() first with only the headers; we
 * set up the request (id, arena, route, body limit) and return without
 * responding, because libmicrohttpd 0.9.75 sends "Connection: close" for a
 * response queued on that first call and every keep-alive client would
 * reconnect. The next calls deliver the body, which is collected up to the
 * route's limit; the last call dispatches to the handler. completed_cb()
 * writes the access log line and frees the request.
 *
 * This file must not decide access or touch SQL: the handler calls services.
 */
#include "base/common.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/hex.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/rand.h"
#include "base/timeutil.h"
#include "http/errmap.h"
#include "http/handlers.h"
#include "http/request.h"
#include "http/router.h"
#include "http/server.h"
#include "http/webroot.h"

struct server {
    struct MHD_Daemon *d;
    const struct config *cfg;
    struct store *store;
    const struct webroot *web;
    unsigned port;
    char base_url[512];
    atomic_int in_flight;
    atomic_llong last_start_ns; /* when the newest request arrived, for the graceful stop */
};

struct store *server_store(const struct server *s)
{
    return s->store;
}

const struct config *server_config(const struct server *s)
{
    return s->cfg;
}

const struct webroot *server_webroot(const struct server *s)
{
    return s->web;
}

unsigned server_port(const struct server *s)
{
    return s->port;
}

const char *server_base_url(const struct server *s)
{
    return s->base_url;
}

/* ---- request helpers (request.h) ---- */

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

static int queue(struct request *rq, unsigned status, struct MHD_Response *resp, size_t bytes)
{
    enum MHD_Result ok;

    if (!resp)
        return -ENOMEM;
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

static bool is_head(const struct request *rq)
{
    return strcmp(rq->method, "HEAD") == 0;
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

int http_respond_json_take(struct request *rq, unsigned status, json_t *body)
{
    char *text;
    if (!body)
        return -ENOMEM;
    text = json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(body);
    if (!text)
        return -ENOMEM;
    http_add_header(rq, "Cache-Control", "no-store");
    return http_respond_take(rq, status, "application/json; charset=utf-8", text, strlen(text));
}

static const char *status_title(unsigned status)
{
    switch (status) {
    case 400:
        return "Bad request";
    case 401:
        return "Log in required";
    case 403:
        return "Not allowed";
    case 404:
        return "Not found";
    case 405:
        return "Method not allowed";
    case 409:
        return "Conflict";
    case 412:
        return "Precondition failed";
    case 413:
        return "Request too large";
    case 415:
        return "Unsupported media type";
    case 428:
        return "Precondition required";
    case 429:
        return "Too many requests";
    case 503:
        return "Busy, try again";
    default:
        return status >= 500 ? "Internal error" : "Error";
    }
}

int http_respond_problem(struct request *rq, unsigned status, const char *code, const char *detail)
{
    const char *title = status_title(status);
    json_t *o =
        json_pack("{s:s, s:s, s:i, s:s, s:s}", "type", "about:blank", "title", title, "status",
                  (json_int_t)status, "code", code, "detail", detail && detail[0] ? detail : title);
    if (!o)
        return -ENOMEM;
    char *text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!text)
        return -ENOMEM;
    http_add_header(rq, "Cache-Control", "no-store");
    return http_respond_take(rq, status, "application/problem+json", text, strlen(text));
}

int http_respond_error(struct request *rq, int err)
{
    const struct errmap_entry *e = errmap_lookup(err);
    const char *detail = rq->ctx.err[0] ? rq->ctx.err : e->title;
    unsigned status = e->status;

    if (rq->ctx.status_hint >= 400 && rq->ctx.status_hint < 600)
        status = (unsigned)rq->ctx.status_hint;
    if (status >= 500)
        log_error("request failed: %s (%s)", e->code,
                  rq->ctx.err[0] ? rq->ctx.err : strerror(-err));
    return http_respond_problem(rq, status, e->code, status >= 500 ? e->title : detail);
}

int http_json_body_or_respond(struct request *rq, json_t **ret_obj)
{
    json_error_t jerr;
    json_t *o;
    char detail[300];
    const char *ct = http_header(rq, "Content-Type");

    if (!ct || strncasecmp(ct, "application/json", 16) != 0) {
        http_respond_problem(rq, 415, "unsupported_media_type",
                             "Content-Type: must be application/json");
        return -EINVAL;
    }
    if (rq->body.len == 0) {
        http_respond_problem(rq, 400, "invalid_argument", "body: expected a JSON object");
        return -EINVAL;
    }
    o = json_loadb(buf_cstr(&rq->body), rq->body.len, JSON_REJECT_DUPLICATES, &jerr);
    if (!o) {
        snprintf(detail, sizeof(detail), "body: invalid JSON at line %d column %d: %s", jerr.line,
                 jerr.column, jerr.text);
        http_respond_problem(rq, 400, "invalid_argument", detail);
        return -EINVAL;
    }
    if (!json_is_object(o)) {
        json_decref(o);
        http_respond_problem(rq, 400, "invalid_argument", "body: expected a JSON object");
        return -EINVAL;
    }
    *ret_obj = o;
    return 0;
}

/* ---- static pages ---- */

static bool accepts_gzip(const struct request *rq)
{
    const char *ae = http_header(rq, "Accept-Encoding");
    return ae && strstr(ae, "gzip");
}

static int serve_static(struct request *rq)
{
    const struct webfile *f;
    const char *inm;
    struct MHD_Response *resp;
    bool gz;

    if (strcmp(rq->method, "GET") != 0 && !is_head(rq)) {
        http_add_header(rq, "Allow", "GET, HEAD");
        return http_respond_problem(rq, 405, "method_not_allowed", "this page can only be read");
    }
    f = webroot_find(rq->srv->web, rq->path);
    if (!f) {
        const struct webfile *nf = webroot_find(rq->srv->web, "/404.html");
        if (nf)
            return http_respond_static(rq, 404, nf->mime, nf->data, nf->len);
        return http_respond_problem(rq, 404, "not_found", "no such page");
    }
    inm = http_header(rq, "If-None-Match");
    http_add_header(rq, "ETag", f->etag);
    /* pages revalidate on every load (cheap with the ETag); nothing is cached stale */
    http_add_header(rq, "Cache-Control", "no-cache");
    http_add_header(rq, "Vary", "Accept-Encoding");
    if (inm && strstr(inm, f->etag))
        return http_respond_empty(rq, 304);
    gz = f->gz && accepts_gzip(rq);
    if (rq->responded)
        return 0;
    resp = MHD_create_response_from_buffer(gz ? f->gzlen : f->len, gz ? f->gz : f->data,
                                           MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return -ENOMEM;
    MHD_add_response_header(resp, "Content-Type", f->mime);
    if (gz)
        MHD_add_response_header(resp, "Content-Encoding", "gzip");
    return queue(rq, 200, resp, gz ? f->gzlen : f->len);
}

/* ---- life cycle ---- */

static void client_address(struct request *rq)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(rq->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char addr[INET6_ADDRSTRLEN] = "-";

    if (rq->srv->cfg->trust_proxy) {
        const char *xff = http_header(rq, "X-Forwarded-For");
        const char *proto = http_header(rq, "X-Forwarded-Proto");
        if (proto && strcmp(proto, "https") == 0)
            rq->tls = true;
        if (xff) {
            /* the last hop our proxy added is the one we can trust */
            const char *last = strrchr(xff, ',');
            last = last ? last + 1 : xff;
            while (*last == ' ')
                last++;
            size_t n = strcspn(last, " ");
            if (n > 0 && n < sizeof(addr)) {
                memcpy(addr, last, n);
                addr[n] = '\0';
                rq->ctx.client_addr = arena_strdup(&rq->arena, addr);
                return;
            }
        }
    }
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, addr,
                      sizeof(addr));
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, addr,
                      sizeof(addr));
    }
    rq->ctx.client_addr = arena_strdup(&rq->arena, addr);
    if (!rq->ctx.client_addr)
        rq->ctx.client_addr = "-";
}

static struct request *request_new(struct server *srv, struct MHD_Connection *conn,
                                   const char *method, const char *url)
{
    struct request *rq = mem_calloc(1, sizeof(*rq));
    uint8_t idb[8];
    const struct config *cfg = srv->cfg;

    if (!rq)
        return NULL;
    rq->conn = conn;
    rq->srv = srv;
    rq->t0_ns = time_mono_ns();
    if (rand_bytes(idb, sizeof(idb)) < 0)
        memset(idb, 0, sizeof(idb));
    hex_encode(idb, sizeof(idb), rq->id);
    rq->arena.limit = 64u * 1024 * 1024;
    ctx_init(&rq->ctx, srv->store, cfg, &rq->arena, time_now_ms(), rq->id);
    rq->method = arena_strdup(&rq->arena, method);
    rq->path = arena_strdup(&rq->arena, url);
    if (!rq->method || !rq->path) {
        arena_release(&rq->arena);
        mem_free(rq);
        return NULL;
    }
    buf_init(&rq->body, (size_t)cfg->body_limit);
    client_address(rq);
    return rq;
}

static void request_free(struct request *rq)
{
    if (!rq)
        return;
    ctx_release(&rq->ctx);
    buf_release(&rq->body);
    arena_release(&rq->arena);
    mem_free(rq);
}

static int dispatch(struct request *rq)
{
    int r;

    if (rq->body_too_large) {
        char d[128];
        snprintf(d, sizeof(d), "body: larger than the limit of %zu bytes", rq->body.max);
        return http_respond_problem(rq, 413, "too_large", d);
    }
    if (!rq->route)
        return serve_static(rq);
    if ((rq->route->flags & ROUTE_NO_BODY) && rq->body.len > 0)
        return http_respond_problem(rq, 400, "invalid_argument", "body: this request takes none");
    r = http_authenticate(rq);
    if (r < 0)
        return r;
    if (rq->responded)
        return 0;
    return rq->route->handler(rq);
}

static enum MHD_Result access_cb(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version, const char *upload_data,
                                 size_t *upload_data_size, void **req_cls)
{
    struct server *srv = cls;
    struct request *rq = *req_cls;
    (void)version;

    if (!rq) {
        char allow[64];
        struct route_match m;
        int r;

        rq = request_new(srv, conn, method, url);
        if (!rq)
            return MHD_NO;
        *req_cls = rq;
        atomic_fetch_add(&srv->in_flight, 1);
        atomic_store(&srv->last_start_ns, rq->t0_ns);
        log_set_request_id(rq->id);
        r = router_match(routes, routes_count, method, str_from(url), &m, allow, sizeof(allow));
        if (r == 0) {
            rq->route = m.route;
            rq->n_params = m.n;
            for (size_t i = 0; i < m.n; i++) {
                rq->param_names[i] = m.names[i];
                rq->params[i] = m.values[i];
            }
            if (m.route->flags & ROUTE_UPLOAD)
                rq->body.max = (size_t)srv->cfg->upload_limit;
        } else if (r == -ENOTSUP) {
            /* answered once the body is in: see below */
            rq->route = NULL;
            http_add_header(rq, "Allow", allow);
            rq->status = 405;
        }
        log_set_request_id(NULL);
        return MHD_YES; /* never respond on the first call: see the file comment */
    }

    if (*upload_data_size) {
        if (!rq->body_too_large && buf_append(&rq->body, upload_data, *upload_data_size) < 0) {
            rq->body_too_large = true;
            buf_release(&rq->body);
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (rq->responded)
        return MHD_YES;

    log_set_request_id(rq->id);
    int r;
    if (rq->finish) {
        /* resumed after http_suspend(): the work is done, answer now */
        int (*finish)(struct request *) = rq->finish;
        rq->finish = NULL;
        rq->suspended = false;
        r = finish(rq);
    } else if (rq->status == 405) {
        r = http_respond_problem(rq, 405, "method_not_allowed",
                                 "method: not allowed here (see the Allow header)");
    } else {
        r = dispatch(rq);
    }
    if (rq->suspended && r >= 0) {
        /* waiting for another thread: no response yet, and no database connection held */
        ctx_release(&rq->ctx);
        log_set_request_id(NULL);
        return MHD_YES;
    }
    if (r < 0 && !rq->responded)
        r = http_respond_error(rq, r);
    ctx_release(&rq->ctx);
    log_set_request_id(NULL);
    if (r < 0 && !rq->responded)
        return MHD_NO;
    return MHD_YES;
}

static void completed_cb(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct server *srv = cls;
    struct request *rq = *req_cls;
    (void)conn;

    if (!rq)
        return;
    log_set_request_id(rq->id);
    if (LOG_ENABLED(LOG_INFO)) {
        double ms = (double)(time_mono_ns() - rq->t0_ns) / 1e6;
        /* the path only: query strings can carry personal data */
        log_kv(LOG_INFO, "event=request method=%s path=%s status=%u bytes=%zu ms=%.2f%s",
               LOG_VALUE(rq->method), LOG_VALUE(rq->path), rq->status, rq->bytes, ms,
               toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted=1");
    }
    log_set_request_id(NULL);
    request_free(rq);
    *req_cls = NULL;
    atomic_fetch_sub(&srv->in_flight, 1);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char text[512];
    (void)cls;
    vsnprintf(text, sizeof(text), fmt, ap);
    text[strcspn(text, "\n")] = '\0';
    log_warn("http: %s", text);
}

int server_start(const struct config *cfg, struct store *store, const struct webroot *web,
                 struct server **ret, char *err, size_t errlen)
{
    struct server *s;
    struct sockaddr_storage ss;
    socklen_t sl;
    char host[256];
    unsigned port, threads;
    int fd = -1, one = 1;

    if (config_split_listen(cfg->listen, host, sizeof(host), &port) < 0) {
        snprintf(err, errlen, "listen: '%s' is not HOST:PORT", cfg->listen);
        return -EINVAL;
    }
    memset(&ss, 0, sizeof(ss));
    if (strcmp(host, "localhost") == 0)
        snprintf(host, sizeof(host), "127.0.0.1");
    if (inet_pton(AF_INET, host, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
        struct sockaddr_in *in = (struct sockaddr_in *)&ss;
        in->sin_family = AF_INET;
        in->sin_port = htons((uint16_t)port);
        sl = sizeof(*in);
    } else if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        sl = sizeof(*in6);
    } else {
        snprintf(err, errlen, "listen: '%s' is not an IP address (use 0.0.0.0 for all)", host);
        return -EINVAL;
    }
    /* bind ourselves so port 0 can be read back and errors are clear */
    fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, errlen, "listen: cannot create a socket: %s", strerror(errno));
        return -errno;
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, (struct sockaddr *)&ss, sl) < 0 || listen(fd, 1024) < 0) {
        int e = errno;
        snprintf(err, errlen, "listen: cannot bind %s: %s", cfg->listen, strerror(e));
        close(fd);
        return -e;
    }
    sl = sizeof(ss);
    getsockname(fd, (struct sockaddr *)&ss, &sl);
    port = ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
                                         : ((struct sockaddr_in6 *)&ss)->sin6_port);

    s = mem_calloc(1, sizeof(*s));
    if (!s) {
        close(fd);
        return -ENOMEM;
    }
    s->cfg = cfg;
    s->store = store;
    s->web = web;
    s->port = port;
    if (cfg->base_url[0])
        snprintf(s->base_url, sizeof(s->base_url), "%s", cfg->base_url);
    else if (ss.ss_family == AF_INET6)
        snprintf(s->base_url, sizeof(s->base_url), "http://[%s]:%u", host, port);
    else
        snprintf(s->base_url, sizeof(s->base_url), "http://%s:%u", host, port);

    threads =
        cfg->threads > 0 ? (unsigned)cfg->threads : 2 * (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
    if (threads < 4)
        threads = 4;
    s->d = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME,
        0, NULL, NULL, access_cb, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
        MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)4096, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
        MHD_OPTION_NOTIFY_COMPLETED, completed_cb, s, MHD_OPTION_END);
    if (!s->d) {
        snprintf(err, errlen, "listen: libmicrohttpd could not start on %s", cfg->listen);
        close(fd);
        mem_free(s);
        return -EIO;
    }
    *ret = s;
    return 0;
}

void server_quiesce(struct server *s)
{
    if (!s || !s->d)
        return;
    MHD_socket fd = MHD_quiesce_daemon(s->d);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
}

void server_stop(struct server *s, int timeout_ms)
{
    if (!s)
        return;
    server_quiesce(s);
    /*
     * Wait for requests in flight, and a little longer after the last one
     * started: a connection accepted just before the quiesce may still be
     * sending its request, and it deserves an answer too.
     */
    for (int waited = 0; waited < timeout_ms; waited += 10) {
        int64_t idle_ns = time_mono_ns() - atomic_load(&s->last_start_ns);
        if (atomic_load(&s->in_flight) == 0 && idle_ns > 250 * 1000000LL)
            break;
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
    MHD_stop_daemon(s->d);
    mem_free(s);
}

/*
 * HTTP server on libmicrohttpd: see server.h.
 *
 * Connections: the accept policy refuses a client address (IPv6: its /64)
 * that already holds per_ip_connections (trusted proxies are exempt); the
 * count is kept by the connection notifier. A connection silent for
 * idle_timeout seconds is closed, and max_connections, lowered to fit the
 * open-file limit (raised to its hard limit at start), bounds the whole.
 *
 * Life of a request: MHD calls access_cb() first with only the headers; we
 * set up the request (id, arena, route, client address). A request that
 * carries a body is authenticated there, from its headers, before a byte
 * of the body is read: a caller without credentials gets its 401 on that
 * first call when the route needs a login, and the body limit follows the
 * caller (anon_body_limit without credentials, upload_limit only for a
 * caller who may import, body_limit otherwise). Answering on the first call
 * makes libmicrohttpd 0.9.75 skip the body and close the connection, which
 * is what we want for a refused upload (it refuses a response queued while
 * the body is being read, so the first call is the only early moment).
 * Other requests are answered on a later call, because 0.9.75 sends
 * "Connection: close" for a response queued on the first call and every
 * keep-alive client would reconnect. The next calls deliver the body, which
 * is collected up to the limit; the last call dispatches to the handler.
 * completed_cb() writes the access log line and frees the request.
 *
 * This file must not decide access or touch SQL: the handler calls
 * services, and the upload limit asks access_check().
 */
#include "base/common.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "app/access.h"
#include "base/hex.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/netaddr.h"
#include "base/rand.h"
#include "base/timeutil.h"
#include "http/errmap.h"
#include "http/handlers.h"
#include "http/request.h"
#include "http/router.h"
#include "http/server.h"
#include "http/webroot.h"

/* One client address (its limit key) and its open connections. */
struct peer {
    struct netaddr key;
    unsigned count; /* 0: the slot is free */
};

struct server {
    struct MHD_Daemon *d;
    const struct config *cfg;
    struct store *store;
    const struct webroot *web;
    unsigned port;
    char base_url[512];
    atomic_int in_flight;
    atomic_llong last_start_ns; /* when the newest request arrived, for the graceful stop */
    bool tls;                   /* serving HTTPS itself */
    char *tls_cert, *tls_key;   /* PEM text; the key in sodium_malloc'ed memory */
    /* proxies whose forwarding headers we believe (trusted_proxies, trust_proxy) */
    struct netaddr_range trusted[NETADDR_LIST_MAX + 2];
    size_t n_trusted;
    /* open connections per client address: open addressing, linear probing */
    pthread_mutex_t peers_lock;
    struct peer *peers;
    size_t peers_cap; /* a power of two, at least twice the connection limit */
    unsigned per_ip;  /* cfg->per_ip_connections; 0: no cap */
    atomic_llong refused;
    atomic_llong refused_logged_ms;
};

/* The notifier's mark on a connection that counts toward its address. */
static char counted_mark;

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

/* ---- static pages ---- */

static bool is_head(const struct request *rq)
{
    return strcmp(rq->method, "HEAD") == 0;
}

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
        return http_problem(rq, -ENOSYS, "this page can only be read");
    }
    f = webroot_find(rq->srv->web, rq->path);
    if (!f) {
        const struct webfile *nf = webroot_find(rq->srv->web, "/404.html");
        if (nf)
            return http_respond_static(rq, errmap_lookup(-ENOENT)->status, nf->mime, nf->data,
                                       nf->len);
        return http_problem(rq, -ENOENT, "no such page");
    }
    inm = http_header(rq, "If-None-Match");
    http_add_header(rq, "ETag", f->etag);
    /* pages revalidate on every load (cheap with the ETag); nothing is cached stale. The
       vendored files (web/vendor: the icon sprite, Chart.js) change only with an upgrade:
       kept an hour, so a page that draws icons now and later fetches the sprite once */
    http_add_header(rq, "Cache-Control",
                    strncmp(rq->path, "/vendor/", 8) == 0 ? "max-age=3600" : "no-cache");
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
    return http_respond_response(rq, 200, resp, gz ? f->gzlen : f->len);
}

/* ---- life cycle ---- */

/*
 * Who is on the other end: the peer's address, or, when the peer is a
 * trusted proxy, the client its forwarding headers name (and whether the
 * client used https). Anyone else's forwarding headers are ignored.
 */
static void client_address(struct request *rq)
{
    const struct server *srv = rq->srv;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(rq->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char addr[NETADDR_TEXT_MAX] = "-";
    struct netaddr peer, client;

    rq->tls = srv->tls;
    if (ci && netaddr_from_sockaddr(ci->client_addr, &peer) == 0) {
        client = peer;
        if (netaddr_list_match(srv->trusted, srv->n_trusted, &peer)) {
            bool https = false;
            netaddr_forwarded(&peer, http_header(rq, "X-Forwarded-For"),
                              http_header(rq, "X-Forwarded-Proto"), http_header(rq, "Forwarded"),
                              srv->trusted, srv->n_trusted, &client, &https);
            if (https)
                rq->tls = true;
        }
        netaddr_format(&client, addr);
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
    if (rq->held)
        MHD_destroy_response(rq->held);
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
        return http_problem(rq, -E2BIG, d);
    }
    if (!rq->route)
        return serve_static(rq);
    if ((rq->route->flags & ROUTE_NO_BODY) && rq->body.len > 0)
        return http_problem(rq, -EINVAL, "body: this request takes none");
    if (!rq->authenticated) {
        r = http_authenticate(rq);
        if (r < 0)
            return r;
        if (rq->responded)
            return 0;
    }
    return rq->route->handler(rq);
}

/* Does a body follow the head? *ret_len is its declared length, UINT64_MAX when chunked. */
static bool body_follows(const struct request *rq, uint64_t *ret_len)
{
    const char *te = http_header(rq, "Transfer-Encoding");
    const char *cl = http_header(rq, "Content-Length");
    int64_t n;

    *ret_len = UINT64_MAX;
    if (te)
        return true;
    if (!cl)
        return false;
    /* libmicrohttpd has refused a malformed length already; be strict anyway */
    if (str_to_int64(str_trim(str_from(cl)), 0, INT64_MAX, &n) < 0)
        return true;
    *ret_len = (uint64_t)n;
    return n > 0;
}

/* The 401 for a body sent without credentials to a route that needs them. */
static int refuse_anonymous(struct request *rq)
{
    if (rq->route->flags & ROUTE_XAPI) {
        const char *v = http_header(rq, "X-Experience-API-Version");
        http_add_header(rq, "X-Experience-API-Version",
                        v && !strncmp(v, "1.0", 3)   ? "1.0.3"
                        : v && !strncmp(v, "2.0", 3) ? "2.0.0"
                                                     : rq->srv->cfg->xapi_version);
        http_add_header(rq, "WWW-Authenticate", "Basic realm=\"xapi\"");
        return http_problem(rq, -EPERM,
                            "Authorization: the LRS needs HTTP Basic credentials of an "
                            "API client (xAPI 2.0.0 4.1.8)");
    }
    return http_problem(rq, -EPERM, "log in first");
}

/*
 * May this caller send a body up to upload_limit: may it administer the
 * route's district? Only the size depends on it; the handler's service
 * asks the policy again and answers.
 */
static bool may_upload(struct request *rq)
{
    struct access_resource res = {RES_DISTRICT, 0, 0};
    int64_t district;
    int r;

    if (!rq->ctx.who || str_to_int64(http_param(rq, "id"), 1, INT64_MAX, &district) < 0)
        return false;
    res.district_id = res.id = district;
    r = access_would_allow(&rq->ctx, ACT_ADMIN, &res);
    rq->ctx.err[0] = '\0';
    return r == 0;
}

/*
 * First call of a request that carries a body (declared bytes, UINT64_MAX
 * if chunked): who sends it, and how much of it we take. Either sets
 * rq->body.max and returns 0 to read on, or responds now (libmicrohttpd
 * then reads no more of the body and closes the connection), or returns a
 * negative errno.
 */
static int admit_body(struct request *rq, uint64_t declared)
{
    const struct config *cfg = rq->srv->cfg;
    const struct route *rt = rq->route;
    int64_t limit = cfg->anon_body_limit;
    int r;

    if (rq->status == 405)
        return http_problem(rq, -ENOSYS, "method: not allowed here (see the Allow header)");
    if (rt && (rt->flags & ROUTE_NO_BODY))
        return http_problem(rq, -EINVAL, "body: this request takes none");
    if (rt) {
        r = http_authenticate(rq);
        rq->authenticated = true;
        if (r < 0 || rq->responded)
            return r;
        if (!rq->ctx.who) {
            /* xAPI 1.0.3 alternate syntax: the credentials are a form field of the body */
            bool in_body =
                (rt->flags & ROUTE_XAPI) && !strcmp(rq->method, "POST") && http_query(rq, "method");
            if (!(rt->flags & ROUTE_PUBLIC) && !in_body)
                return refuse_anonymous(rq);
        } else if ((rt->flags & ROUTE_UPLOAD) && may_upload(rq)) {
            limit = cfg->upload_limit;
        } else {
            limit = cfg->body_limit;
        }
    }
    rq->body.max = (size_t)limit;
    if (declared != UINT64_MAX && declared > (uint64_t)limit) {
        char d[128];
        snprintf(d, sizeof(d), "body: larger than the limit of %lld bytes", (long long)limit);
        return http_problem(rq, -E2BIG, d);
    }
    return 0;
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
        } else if (r == -ENOTSUP) {
            /* answered on a later call (at once when a body follows: admit_body) */
            rq->route = NULL;
            http_add_header(rq, "Allow", allow);
            rq->status = 405;
        }
        uint64_t declared;
        if (body_follows(rq, &declared)) {
            /* before a byte of the body: who sends it, and how much we take */
            r = admit_body(rq, declared);
            ctx_release(&rq->ctx); /* no database connection while the body arrives */
            if (r < 0 && !rq->responded)
                r = http_respond_error(rq, r);
            if (r < 0 && !rq->responded) {
                log_set_request_id(NULL);
                return MHD_NO;
            }
        }
        log_set_request_id(NULL);
        return MHD_YES; /* no answer yet unless refused: see the file comment */
    }

    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (rq->responded)
            return MHD_YES;
        if (!rq->body_too_large && buf_append(&rq->body, upload_data, n) < 0) {
            rq->body_too_large = true;
            buf_release(&rq->body);
            /* a chunked body past the small limit of a caller without credentials: hang up */
            if (!rq->ctx.who)
                return MHD_NO;
        }
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
        r = http_problem(rq, -ENOSYS, "method: not allowed here (see the Allow header)");
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
    static atomic_llong window_s, in_window;
    char text[512];
    long long now_s = (long long)(time_mono_ns() / 1000000000LL);
    (void)cls;

    /* under a flood ("connection limit reached" per connection) keep the log readable */
    if (atomic_exchange(&window_s, now_s) != now_s)
        atomic_store(&in_window, 0);
    if (atomic_fetch_add(&in_window, 1) >= 10)
        return;
    vsnprintf(text, sizeof(text), fmt, ap);
    text[strcspn(text, "\n")] = '\0';
    log_warn("http: %s", text);
}

/* ---- connections per client address ---- */

static size_t peer_hash(const struct netaddr *k, size_t cap)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    h = (h ^ (uint64_t)k->family) * 1099511628211ull;
    for (size_t i = 0; i < sizeof(k->a); i++)
        h = (h ^ k->a[i]) * 1099511628211ull;
    return (size_t)h & (cap - 1);
}

/* The slot of key, or of the free slot where it would go. Under peers_lock. */
static struct peer *peer_slot(struct server *s, const struct netaddr *key)
{
    size_t i = peer_hash(key, s->peers_cap);
    for (size_t probes = 0; probes < s->peers_cap; probes++) {
        struct peer *p = &s->peers[i];
        if (p->count == 0 || netaddr_equal(&p->key, key))
            return p;
        i = (i + 1) & (s->peers_cap - 1);
    }
    return NULL; /* full: cannot happen with cap >= 2 x connections */
}

/* Free slot p, moving later entries of its probe run back (no tombstones). Under peers_lock. */
static void peer_remove(struct server *s, struct peer *p)
{
    size_t mask = s->peers_cap - 1, hole = (size_t)(p - s->peers), i = hole;
    p->count = 0;
    for (;;) {
        i = (i + 1) & mask;
        struct peer *q = &s->peers[i];
        if (q->count == 0)
            return;
        size_t home = peer_hash(&q->key, s->peers_cap);
        /* q may fill the hole if its home is not in (hole, i] (cyclically) */
        bool stays = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
        if (!stays) {
            s->peers[hole] = *q;
            q->count = 0;
            hole = i;
        }
    }
}

/* The address a connection counts under, or false when it counts under none. */
static bool limit_key(const struct server *s, const struct sockaddr *sa, struct netaddr *ret)
{
    struct netaddr a;
    if (s->per_ip == 0 || netaddr_from_sockaddr(sa, &a) < 0)
        return false;
    if (netaddr_list_match(s->trusted, s->n_trusted, &a))
        return false; /* a trusted proxy carries many clients */
    netaddr_limit_key(&a, ret);
    return true;
}

/*
 * libmicrohttpd's accept policy: refuse an address that already holds its
 * share. Checked here and counted when the connection starts, so between
 * the two another worker thread may admit one more: the cap can be passed
 * by at most the number of worker threads.
 */
static enum MHD_Result accept_policy(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
    struct server *s = cls;
    struct netaddr key;
    unsigned count = 0;
    (void)addrlen;

    if (!limit_key(s, addr, &key))
        return MHD_YES;
    pthread_mutex_lock(&s->peers_lock);
    struct peer *p = peer_slot(s, &key);
    if (p)
        count = p->count;
    pthread_mutex_unlock(&s->peers_lock);
    if (count < s->per_ip)
        return MHD_YES;
    /* one line per address and 10 s at most, with how many were refused meanwhile */
    long long n = atomic_fetch_add(&s->refused, 1) + 1;
    long long now = time_now_ms(), last = atomic_load(&s->refused_logged_ms);
    if (now - last >= 10000 && atomic_compare_exchange_strong(&s->refused_logged_ms, &last, now)) {
        char text[NETADDR_TEXT_MAX];
        netaddr_format(&key, text);
        atomic_store(&s->refused, 0);
        log_kv(LOG_WARN,
               "event=connection_refused addr=%s open=%u per_ip_connections=%u refused=%lld",
               LOG_VALUE(text), count, s->per_ip, n);
    }
    return MHD_NO;
}

static void connection_cb(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    struct server *s = cls;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    struct netaddr key;
    struct peer *p;

    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        *socket_context = NULL;
        if (!ci || !limit_key(s, ci->client_addr, &key))
            return;
        pthread_mutex_lock(&s->peers_lock);
        p = peer_slot(s, &key);
        if (p) {
            p->key = key;
            p->count++;
            *socket_context = &counted_mark;
        }
        pthread_mutex_unlock(&s->peers_lock);
        return;
    }
    if (*socket_context != &counted_mark || !ci || !limit_key(s, ci->client_addr, &key))
        return;
    *socket_context = NULL;
    pthread_mutex_lock(&s->peers_lock);
    p = peer_slot(s, &key);
    if (p && p->count > 0 && --p->count == 0)
        peer_remove(s, p);
    pthread_mutex_unlock(&s->peers_lock);
}

/* ---- start and stop ---- */

/* A whole PEM file into memory (the key into sodium_malloc'ed memory). */
static int read_pem(const char *path, bool secret, char **ret, char *err, size_t errlen,
                    const char *setting)
{
    char *p = NULL;
    size_t n = 0, cap = 256 * 1024;
    int fd, r = 0;

    if (secret && sodium_init() < 0)
        return -EIO;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot open '%s': %s", setting, path, strerror(errno));
        return -errno;
    }
    p = secret ? sodium_malloc(cap) : mem_alloc(cap);
    if (!p) {
        close(fd);
        return -ENOMEM;
    }
    for (;;) {
        ssize_t got = read(fd, p + n, cap - 1 - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            r = -errno;
            snprintf(err, errlen, "%s: cannot read '%s': %s", setting, path, strerror(errno));
            break;
        }
        if (got == 0)
            break;
        n += (size_t)got;
        if (n == cap - 1) {
            r = -EFBIG;
            snprintf(err, errlen, "%s: '%s' is larger than 256 KB", setting, path);
            break;
        }
    }
    close(fd);
    p[n] = '\0';
    if (r == 0 && !strstr(p, "-----BEGIN ")) {
        r = -EINVAL;
        snprintf(err, errlen, "%s: '%s' is not a PEM file", setting, path);
    }
    if (r < 0) {
        if (secret)
            sodium_free(p);
        else
            mem_free(p);
        return r;
    }
    *ret = p;
    return 0;
}

static void server_free(struct server *s)
{
    if (!s)
        return;
    mem_free(s->tls_cert);
    sodium_free(s->tls_key); /* NULL-safe; wipes the key */
    mem_free(s->peers);
    pthread_mutex_destroy(&s->peers_lock);
    mem_free(s);
}

/*
 * Raise the soft open-file limit to the hard one and fit the connection
 * limit under it, leaving room for the store, the worker threads' epoll
 * and wake-up descriptors, and a margin. Returns the connection limit.
 */
static unsigned fit_connections(const struct config *cfg, unsigned threads,
                                unsigned long *ret_nofile)
{
    struct rlimit rl;
    unsigned long nofile = 1024;
    unsigned want = (unsigned)cfg->max_connections;

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        if (rl.rlim_cur < rl.rlim_max) {
            struct rlimit up = {rl.rlim_max, rl.rlim_max};
            if (setrlimit(RLIMIT_NOFILE, &up) == 0)
                rl = up;
        }
        nofile = rl.rlim_cur == RLIM_INFINITY ? 1048576ul : (unsigned long)rl.rlim_cur;
    }
    *ret_nofile = nofile;
    unsigned long reserve = 128 + 4ul * threads + 4ul * (unsigned long)cfg->db_pool;
    unsigned long room = nofile > reserve + 16 ? nofile - reserve : 16;
    return want > room ? (unsigned)room : want;
}

int server_start(const struct config *cfg, struct store *store, const struct webroot *web,
                 struct server **ret, char *err, size_t errlen)
{
    struct server *s;
    struct sockaddr_storage ss;
    socklen_t sl;
    char host[256], why[200];
    unsigned port, threads, max_conn;
    unsigned long nofile;
    unsigned int flags =
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
    int fd = -1, one = 1, r;

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

    s = mem_calloc(1, sizeof(*s));
    if (!s)
        return -ENOMEM;
    pthread_mutex_init(&s->peers_lock, NULL);
    s->cfg = cfg;
    s->store = store;
    s->web = web;
    if (netaddr_list_parse(cfg->trusted_proxies, s->trusted, NETADDR_LIST_MAX, &s->n_trusted, why,
                           sizeof(why)) < 0) {
        snprintf(err, errlen, "trusted_proxies: %s", why);
        server_free(s);
        return -EINVAL;
    }
    if (cfg->trust_proxy) {
        /* a proxy on this machine */
        s->trusted[s->n_trusted++] = (struct netaddr_range){{AF_INET, {127}}, 8};
        s->trusted[s->n_trusted++] = (struct netaddr_range){{AF_INET6, {[15] = 1}}, 128};
    }
    if (cfg->tls_cert[0]) {
        r = read_pem(cfg->tls_cert, false, &s->tls_cert, err, errlen, "tls_cert");
        if (r == 0)
            r = read_pem(cfg->tls_key, true, &s->tls_key, err, errlen, "tls_key");
        if (r == 0 && !MHD_is_feature_supported(MHD_FEATURE_TLS)) {
            snprintf(err, errlen, "tls_cert: this libmicrohttpd has no TLS support");
            r = -ENOTSUP;
        }
        if (r < 0) {
            server_free(s);
            return r;
        }
        s->tls = true;
        flags |= MHD_USE_TLS;
    }

    threads =
        cfg->threads > 0 ? (unsigned)cfg->threads : 2 * (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
    if (threads < 4)
        threads = 4;
    max_conn = fit_connections(cfg, threads, &nofile);
    if (max_conn < (unsigned)cfg->max_connections)
        log_warn("max_connections: lowered from %lld to %u to fit the open-file limit of %lu "
                 "(raise it: LimitNOFILE= in the systemd unit, or ulimit -n)",
                 (long long)cfg->max_connections, max_conn, nofile);
    s->per_ip = (unsigned)cfg->per_ip_connections;
    for (s->peers_cap = 64; s->peers_cap < 2 * (size_t)max_conn; s->peers_cap *= 2)
        ;
    s->peers = mem_calloc(s->peers_cap, sizeof(*s->peers));
    if (!s->peers) {
        server_free(s);
        return -ENOMEM;
    }

    /* bind ourselves so port 0 can be read back and errors are clear */
    fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        r = -errno;
        snprintf(err, errlen, "listen: cannot create a socket: %s", strerror(errno));
        server_free(s);
        return r;
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, (struct sockaddr *)&ss, sl) < 0 || listen(fd, 1024) < 0) {
        r = -errno;
        snprintf(err, errlen, "listen: cannot bind %s: %s", cfg->listen, strerror(errno));
        close(fd);
        server_free(s);
        return r;
    }
    sl = sizeof(ss);
    getsockname(fd, (struct sockaddr *)&ss, &sl);
    port = ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
                                         : ((struct sockaddr_in6 *)&ss)->sin6_port);
    s->port = port;
    if (cfg->base_url[0])
        snprintf(s->base_url, sizeof(s->base_url), "%s", cfg->base_url);
    else if (ss.ss_family == AF_INET6)
        snprintf(s->base_url, sizeof(s->base_url), "%s://[%s]:%u", s->tls ? "https" : "http", host,
                 port);
    else
        snprintf(s->base_url, sizeof(s->base_url), "%s://%s:%u", s->tls ? "https" : "http", host,
                 port);

    struct MHD_OptionItem tls_opts[] = {
        {s->tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, s->tls_key},
        {s->tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, s->tls_cert},
        {MHD_OPTION_END, 0, NULL},
    };
    s->d = MHD_start_daemon(
        flags, 0, accept_policy, s, access_cb, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
        MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_LIMIT, max_conn, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)cfg->idle_timeout, MHD_OPTION_NOTIFY_CONNECTION, connection_cb, s,
        MHD_OPTION_NOTIFY_COMPLETED, completed_cb, s, MHD_OPTION_ARRAY, tls_opts, MHD_OPTION_END);
    if (!s->d) {
        snprintf(err, errlen, "listen: libmicrohttpd could not start on %s%s", cfg->listen,
                 s->tls ? " (check tls_cert and tls_key: a certificate and its key, PEM)" : "");
        close(fd);
        server_free(s);
        return -EIO;
    }
    log_kv(LOG_INFO,
           "event=limits open_files=%lu max_connections=%u per_ip_connections=%u "
           "idle_timeout=%lld threads=%u tls=%s trusted_proxies=%zu",
           nofile, max_conn, s->per_ip, (long long)cfg->idle_timeout, threads,
           s->tls ? "yes" : "no", s->n_trusted);
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
    server_free(s);
}

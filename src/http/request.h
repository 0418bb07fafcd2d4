/*
 * One HTTP request as handlers see it, and the helpers they answer with.
 *
 * A handler parses (query, headers, body) -> calls one service -> renders.
 * It returns 0 once it has responded, or a negative errno, which the server
 * turns into an RFC 9457 problem response through errmap.c, using
 * rq->ctx.err as the detail. Everything a handler allocates for the request
 * comes from rq->arena. A request belongs to one MHD worker thread.
 */
#ifndef TRELLIS_HTTP_REQUEST_H
#define TRELLIS_HTTP_REQUEST_H

#include <jansson.h>
#include <microhttpd.h>

#include "app/ctx.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/common.h"
#include "base/str.h"

struct server;
struct route;

#define ROUTE_MAX_PARAMS 4
#define REQ_MAX_HEADERS  16

struct request {
    struct MHD_Connection *conn;
    struct server *srv;
    const char *method;
    const char *path; /* percent-decoded by MHD, without the query */
    const struct route *route;
    struct str param_names[ROUTE_MAX_PARAMS];
    struct str params[ROUTE_MAX_PARAMS];
    size_t n_params;
    struct buf body;
    bool body_too_large;
    struct arena arena;
    struct ctx ctx;
    char id[17];
    int64_t t0_ns;
    unsigned status; /* the status sent, for the access log */
    size_t bytes;    /* body bytes sent */
    bool responded;
    bool tls;           /* reached over TLS (directly or via a trusted proxy) */
    bool authenticated; /* http_authenticate() ran on the first call (a body was coming) */
    struct {
        const char *name, *value;
    } headers[REQ_MAX_HEADERS]; /* extra response headers (arena strings) */
    size_t n_headers;
    void *user; /* for handlers that need per-request state (e.g. group commit) */
    int (*finish)(struct request *rq); /* set by http_suspend(): answers once resumed */
    bool suspended;
    /* an answer held back until the access gate's audit entries are durable (server.c) */
    struct MHD_Response *held;
    unsigned held_status;
    size_t held_bytes;
};

/* A path parameter by name ("{id}" in the pattern), or an empty view. */
struct str http_param(const struct request *rq, const char *name);
/* A query-string value (decoded), or NULL. */
const char *http_query(const struct request *rq, const char *name);
/*
 * Call fn(name, value) for each query-string argument in order (value is
 * NULL for "?name" without '='); stops on fn's non-zero return, which is
 * returned.
 */
int http_query_each(const struct request *rq,
                    int (*fn)(const char *name, const char *value, void *arg), void *arg);
/* A request header, or NULL. */
const char *http_header(const struct request *rq, const char *name);
/* A cookie value, or NULL. */
const char *http_cookie(const struct request *rq, const char *name);
/* The page's language, "en" or "es": ?lang=, the lang cookie, Accept-Language, else "en". */
const char *http_lang(const struct request *rq);
/*
 * The path parameter name as a record id (1 to INT64_MAX): 1 and *ret; else
 * the answer is already 404 (a malformed id is as unknown as any record the
 * caller may not see) and 0.
 */
int http_param_id(struct request *rq, const char *name, int64_t *ret);

/*
 * Answer later: a handler that has handed work to another thread (the LRS
 * group commit) calls http_suspend(rq, finish) BEFORE handing it over and
 * returns 0. The connection waits without holding a worker thread or a
 * database connection. When the work is done, that thread calls
 * http_resume(rq) (thread-safe); the server then calls finish(rq) on a
 * worker thread, which responds like a handler.
 */
void http_suspend(struct request *rq, int (*finish)(struct request *rq));
void http_resume(struct request *rq);

/* Add a header to the response this request will send (copied into the arena). */
int http_add_header(struct request *rq, const char *name, const char *value);

/*
 * Parse the body as one JSON object (duplicate keys rejected). On failure
 * responds 400 naming the problem and returns the error, so the caller just
 * returns it.
 */
int http_json_body_or_respond(struct request *rq, json_t **ret_obj);

/* Respond with JSON; takes the reference to body (even on failure). */
int http_respond_json_take(struct request *rq, unsigned status, json_t *body);
/*
 * The same, gzip-compressed when the client accepts it and the body is large
 * enough to gain (pages a phone loads first: the family view). Only for
 * bodies that hold no secret (no token, no credential), so that compression
 * cannot leak one next to text an attacker chose (BREACH).
 */
int http_respond_json_gz(struct request *rq, unsigned status, json_t *body);
/* Respond with bytes copied from p. */
int http_respond_data(struct request *rq, unsigned status, const char *content_type, const void *p,
                      size_t n);
/* Respond with a malloc'ed buffer the response takes (freed even on failure). */
int http_respond_take(struct request *rq, unsigned status, const char *content_type, char *p,
                      size_t n);
/* Respond with static bytes that outlive the server. */
int http_respond_static(struct request *rq, unsigned status, const char *content_type,
                        const void *p, size_t n);
/* Respond with a libmicrohttpd response (taken, even on failure), bytes for the access log. */
int http_respond_response(struct request *rq, unsigned status, struct MHD_Response *resp,
                          size_t bytes);
/* 204 or another status without a body. */
int http_respond_empty(struct request *rq, unsigned status);
/*
 * The one RFC 9457 problem builder: the status, code and title are
 * errmap.c's for err (a negative errno or an ERR_* code of errmap.h);
 * detail names the field and the rule (NULL or "": the title; a 5xx never
 * shows it, it is logged). 0 once responded, or a negative errno.
 */
int http_problem(struct request *rq, int err, const char *detail);
/* The same with extension members: extra's (an object, taken even on failure; NULL: none). */
int http_problem_ex(struct request *rq, int err, const char *detail, json_t *extra);
/* The problem for a negative errno from a service, rq->ctx.err as the detail. */
int http_respond_error(struct request *rq, int err);

#endif

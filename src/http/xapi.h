/*
 * The shared layer of every /xapi/ handler (xAPI 1.0.3 and 2.0.0 / IEEE
 * 9274.1.1, "Communication"):
 *
 *   - X-Experience-API-Version: every request but GET /xapi/about must send
 *     1.0, 1.0.x or 2.0.x, else 400 naming the rule; every response carries
 *     the version this server speaks for it ("1.0.3" or "2.0.0");
 *   - who: HTTP Basic API clients (auth_hook.c authenticates them into
 *     ctx.who) or a person's session; nobody: 401 with WWW-Authenticate; an
 *     API client without one of the resource's scopes: 403;
 *   - the 1.0.3 alternate request syntax (POST ?method=PUT with the headers
 *     and the content as form fields), which 2.0.0 removed;
 *   - error answers (an RFC 9457 problem whose detail names the rule) and
 *     ETag / If-Match / If-None-Match helpers for the document resources.
 *
 * A resource is a table of method functions; routes.c sends every method of
 * its path to one handler that calls xapi_serve():
 *
 *     static const struct xapi_resource res = {
 *         .get = statements_get, .put = statements_put, .post = statements_post,
 *         .read_scopes = SCOPE_STATEMENTS_READ | SCOPE_STATEMENTS_READ_MINE,
 *         .write_scopes = SCOPE_STATEMENTS_WRITE,
 *     };
 *     int h_xapi_statements(struct request *rq) { return xapi_serve(rq, &res); }
 *
 * Method functions read headers, parameters and the body through the
 * xapi_* accessors below (never http_header/http_query directly), so the
 * alternate syntax works for them too.
 */
#ifndef TRELLIS_HTTP_XAPI_H
#define TRELLIS_HTTP_XAPI_H

#include <stdint.h>

#include "base/common.h"
#include "http/request.h"

enum xapi_version {
    XAPI_1_0 = 1, /* 1.0.0 - 1.0.3 */
    XAPI_2_0 = 2, /* 2.0.0 (IEEE 9274.1.1) */
};

struct xapi_form;

struct xapi {
    struct request *rq;
    enum xapi_version version;
    const char *method; /* effective method (the alternate syntax may change it) */
    const char *body;   /* effective content (NUL-terminated) */
    size_t body_len;
    bool alternate;         /* the 1.0.3 alternate request syntax */
    struct xapi_form *form; /* its fields */
    void *pending;          /* a method's state while the request is suspended */
    bool put;
};

struct xapi_resource {
    int (*get)(struct xapi *x); /* also HEAD */
    int (*put)(struct xapi *x);
    int (*post)(struct xapi *x);
    int (*del)(struct xapi *x);
    unsigned read_scopes;  /* an API client needs one of these for GET/HEAD (or SCOPE_ALL) */
    unsigned write_scopes; /* ... and one of these for the other methods */
    bool public_get;       /* GET without a version header or credentials (about) */
};

/*
 * Run one request on resource res: version, alternate syntax, who and
 * scope, then the method function (405 with Allow if it has none).
 */
int xapi_serve(struct request *rq, const struct xapi_resource *res);

/* A request header (or an alternate-syntax form field of that name), or NULL. */
const char *xapi_header(const struct xapi *x, const char *name);
/* A query parameter (or an alternate-syntax form field), or NULL. */
const char *xapi_param(const struct xapi *x, const char *name);
/*
 * Call fn for every parameter (query string and form fields, bar the
 * alternate syntax's headers and content); stops on fn's non-zero return.
 */
int xapi_params_each(const struct xapi *x,
                     int (*fn)(const char *name, const char *value, void *arg), void *arg);

/*
 * Answer 400 (or status) with a problem whose detail names the rule that
 * failed, e.g. xapi_fail(x, 400, "statementId: must be a UUID (xAPI 2.0.0 4.2.1)").
 */
int xapi_fail(struct xapi *x, unsigned status, const char *fmt, ...) PRINTF_FMT(3, 4);
/* The problem for a service's negative errno (its ctx.err as the detail). */
int xapi_error(struct xapi *x, int err);

/*
 * ETags of documents: a quoted hex BLAKE2b-160 of the content, into out
 * (XAPI_ETAG_MAX bytes).
 */
#define XAPI_ETAG_MAX 48
void xapi_etag(const void *p, size_t n, char out[XAPI_ETAG_MAX]);
/*
 * Check If-Match and If-None-Match against the current document's ETag
 * (NULL: there is none). 0 to go on; otherwise the 412 has been sent and a
 * negative errno is returned (xAPI 2.0.0 4.1.2 "Concurrency").
 */
int xapi_preconditions(struct xapi *x, const char *etag);

/* The version header this server answers with for x ("1.0.3" or "2.0.0"). */
const char *xapi_version_text(enum xapi_version v);

#endif

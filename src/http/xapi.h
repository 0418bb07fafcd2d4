/*
 * The shared layer of every /xapi/ handler (xAPI 1.0.3 and 2.0.0 / IEEE
 * 9274.1.1, "Communication"):
 *
 *   - X-Experience-API-Version: every request but GET /xapi/about must send
 *     1.0, 1.0.x or 2.0.x, else 400 naming the rule; every response carries
 *     the version this server speaks for it ("1.0.3" or "2.0.0");
 *   - who: HTTP Basic API clients (auth_hook.c authenticates them into
 *     ctx.who) or a person's session; nobody: 401 with WWW-Authenticate
 *     (what a client's scopes allow is the access gate's decision, in the
 *     service: 403 naming the scopes that would);
 *   - the 1.0.3 alternate request syntax (POST ?method=PUT with the headers
 *     and the content as form fields), which 2.0.0 removed;
 *   - error answers: a negative errno (errmap.c chooses the status) and an
 *     RFC 9457 problem whose detail names the rule; a 401 carries
 *     WWW-Authenticate;
 *   - If-Match / If-None-Match lists, parsed here for the document
 *     resources (the app gets the parsed values, never the header).
 *
 * A resource is a table of method functions; routes.c sends every method of
 * its path to one handler that calls xapi_serve():
 *
 *     static const struct xapi_resource res = {
 *         .get = statements_get, .put = statements_put, .post = statements_post,
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

#include "app/lrs_docs.h"
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
    bool public_get; /* GET without a version header or credentials (about) */
};

/*
 * Run one request on resource res: version, alternate syntax, who, then
 * the method function (405 with Allow if it has none).
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
 * Answer the error err (a negative errno; errmap.c chooses the status)
 * with a problem whose detail names the rule that failed, e.g.
 * xapi_fail(x, -EINVAL, "statementId: must be a UUID (xAPI 2.0.0 4.2.1)").
 * Returns err (or -ENOMEM if no answer could be made).
 */
int xapi_fail(struct xapi *x, int err, const char *fmt, ...) PRINTF_FMT(3, 4);
/* The same for a service's negative errno, its ctx.err as the detail; err >= 0 is returned. */
int xapi_error(struct xapi *x, int err);

/*
 * Parse an If-Match / If-None-Match value (NULL: the header is absent) into
 * *ret: "*", or the opaque parts of a list of quoted (maybe W/) tags; the
 * tags before the first malformed one are kept and the list is marked
 * malformed (the app decides when that matters). Strings in a. 0 or -ENOMEM.
 */
int xapi_etags(struct arena *a, const char *value, struct lrs_docs_etags *ret);

#endif

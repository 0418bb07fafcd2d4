/*
 * The xAPI resources of the statements side: About and Statements
 * (xAPI 1.0.3 and 2.0.0 / IEEE 9274.1.1 "Communication"). Parsing and
 * rendering only; the rules and the store are src/app/lrs.c.
 */
#include "base/common.h"

#include "app/principal.h"
#include "http/handlers.h"
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

static int statements_todo(struct xapi *x)
{
    return xapi_fail(x, 501, "statements: not built yet");
}

static const struct xapi_resource statements_res = {
    .get = statements_todo,
    .put = statements_todo,
    .post = statements_todo,
    .read_scopes = SCOPE_STATEMENTS_READ | SCOPE_STATEMENTS_READ_MINE,
    .write_scopes = SCOPE_STATEMENTS_WRITE,
};

int h_xapi_statements(struct request *rq)
{
    return xapi_serve(rq, &statements_res);
}

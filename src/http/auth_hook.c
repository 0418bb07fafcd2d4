/*
 * Who is calling. An Authorization: Basic header is an API client (checked
 * by the clients service); without credentials the request is anonymous and
 * the services deny whatever needs a principal. Bad credentials are a 401
 * at once, whatever the route.
 */
#include "base/common.h"

#include <strings.h>

#include "app/clients.h"
#include "http/handlers.h"
#include "http/request.h"

int http_authenticate(struct request *rq)
{
    const char *authz = http_header(rq, "Authorization");
    const struct principal *p = NULL;
    int r;

    rq->ctx.who = NULL;
    if (!authz)
        return 0;
    if (strncasecmp(authz, "Basic ", 6) != 0) {
        http_add_header(rq, "WWW-Authenticate", "Basic realm=\"trellis\"");
        return http_respond_problem(rq, 401, "unauthenticated",
                                    "Authorization: only Basic credentials are accepted");
    }
    r = clients_authenticate_basic(&rq->ctx, authz, &p);
    if (r == -EPERM) {
        http_add_header(rq, "WWW-Authenticate", "Basic realm=\"trellis\"");
        return http_respond_problem(rq, 401, "unauthenticated", rq->ctx.err);
    }
    if (r < 0)
        return r;
    rq->ctx.who = p;
    return 0;
}

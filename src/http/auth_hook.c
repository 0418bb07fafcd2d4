/*
 * Who is calling. An Authorization: Basic header is an API client (checked
 * by the clients service); a session cookie is a person (checked by the
 * auth service, which also ends idle and expired sessions); without either
 * the request is anonymous and the services deny whatever needs a
 * principal. Bad Basic credentials are a 401 at once, whatever the route.
 *
 * CSRF: a request that may change something (any method but GET, HEAD and
 * OPTIONS) made with the session cookie must carry X-CSRF-Token equal to
 * the session's token, else 403 "csrf". The cookie is SameSite=Lax as well,
 * but the token does not rely on it. The two login routes are exempt (they
 * make a new session rather than use one): their handlers require a JSON
 * body and a same-origin Origin when one is sent, which a cross-site form
 * cannot produce.
 */
#include "base/common.h"

#include <strings.h>

#include "app/auth.h"
#include "http/basic_auth.h"
#include "http/errmap.h"
#include "http/handlers.h"
#include "http/request.h"

static bool safe_method(const char *m)
{
    return !strcmp(m, "GET") || !strcmp(m, "HEAD") || !strcmp(m, "OPTIONS");
}

static bool login_route(const struct request *rq)
{
    return !strcmp(rq->method, "POST") &&
           (!strcmp(rq->path, "/api/v1/session") || !strcmp(rq->path, "/api/v1/session/card"));
}

const char *http_session_token(const struct request *rq)
{
    const char *t = http_cookie(rq, AUTH_COOKIE_SECURE);
    return t ? t : http_cookie(rq, AUTH_COOKIE);
}

int http_authenticate(struct request *rq)
{
    const char *authz = http_header(rq, "Authorization");
    const struct principal *p = NULL;
    const char *token;
    int r;

    rq->ctx.who = NULL;
    if (authz) {
        if (strncasecmp(authz, "Basic ", 6) != 0) {
            http_add_header(rq, "WWW-Authenticate", "Basic realm=\"trellis\"");
            return http_problem(rq, -EPERM, "Authorization: only Basic credentials are accepted");
        }
        r = http_basic_authenticate(rq, NULL, &p);
        if (r == -EPERM) {
            http_add_header(rq, "WWW-Authenticate", "Basic realm=\"trellis\"");
            return http_problem(rq, -EPERM, rq->ctx.err);
        }
        if (r < 0)
            return r;
        rq->ctx.who = p;
        return 0;
    }
    token = http_session_token(rq);
    if (!token)
        return 0;
    r = auth_session(&rq->ctx, token, &p);
    if (r == -ENOENT) {
        /* an ended or unknown session: forget the cookie, go on as nobody */
        char why[64];
        if (auth_session_ended(&rq->ctx, token, why, sizeof(why)) > 0)
            http_add_header(rq, "Trellis-Session-Ended", why); /* for the login page */
        http_clear_session_cookie(rq);
        rq->ctx.err[0] = '\0';
        return 0;
    }
    if (r < 0)
        return r;
    if (!safe_method(rq->method) && !login_route(rq) &&
        !auth_csrf_ok(token, http_header(rq, "X-CSRF-Token")))
        return http_problem(rq, ERR_CSRF, "X-CSRF-Token: missing or wrong; reload the page");
    rq->ctx.who = p;
    return 0;
}

void http_clear_session_cookie(struct request *rq)
{
    http_add_header(rq, "Set-Cookie", AUTH_COOKIE "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
    if (http_cookie(rq, AUTH_COOKIE_SECURE))
        http_add_header(rq, "Set-Cookie",
                        AUTH_COOKIE_SECURE "=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax");
}

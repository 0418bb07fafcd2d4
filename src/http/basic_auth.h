/*
 * HTTP Basic credentials of API clients (RFC 7617). The HTTP layer reads
 * them, the clients service checks them: app code never parses a header.
 */
#ifndef TRELLIS_HTTP_BASIC_AUTH_H
#define TRELLIS_HTTP_BASIC_AUTH_H

#include "app/principal.h"
#include "http/request.h"

/*
 * Authenticate the API client whose credentials the request carries: the
 * Authorization header, read with libmicrohttpd's helper, or, when value
 * is not NULL, that value ("Basic <base64 of key:secret>", the form field
 * the xAPI 1.0.3 alternate request syntax carries the header in). On
 * success *ret is a client principal in the request's arena. -EPERM (the
 * 401 with WWW-Authenticate) for missing, malformed or wrong credentials,
 * with a message in rq->ctx.err that does not say whether the key exists;
 * another negative errno for a storage fault. Worker thread only.
 */
int http_basic_authenticate(struct request *rq, const char *value, const struct principal **ret);

#endif

/*
 * The HTTP server: libmicrohttpd with its internal epoll thread pool, the
 * request life cycle (body limits, routing, authentication hook, access
 * log, security headers) and a graceful stop.
 *
 * server_start() binds and serves; server_quiesce() stops accepting new
 * connections; server_stop() waits for requests in flight and shuts down.
 */
#ifndef TRELLIS_HTTP_SERVER_H
#define TRELLIS_HTTP_SERVER_H

#include "base/common.h"
#include "base/config.h"

struct store;
struct server;
struct webroot;

/*
 * Start serving cfg->listen with the store and the loaded web root (both
 * borrowed; they must outlive the server). err names what failed.
 */
int server_start(const struct config *cfg, struct store *store, const struct webroot *web,
                 struct server **ret, char *err, size_t errlen);
/* The bound port (useful with port 0). */
unsigned server_port(const struct server *s);
/* The base URL clients should use (cfg->base_url or http://host:port). Borrowed. */
const char *server_base_url(const struct server *s);
/* Stop accepting connections; requests in flight go on. */
void server_quiesce(struct server *s);
/* Wait up to timeout_ms for requests in flight, then stop and free. NULL-safe. */
void server_stop(struct server *s, int timeout_ms);

/* Internals shared with the request helpers. */
struct store *server_store(const struct server *s);
const struct config *server_config(const struct server *s);
const struct webroot *server_webroot(const struct server *s);

#endif

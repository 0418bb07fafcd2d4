/*
 * Every HTTP handler, grouped by module (h_<module>.c). A handler parses the
 * request, calls one service and renders the result; it never decides
 * access and never talks SQL.
 */
#ifndef TRELLIS_HTTP_HANDLERS_H
#define TRELLIS_HTTP_HANDLERS_H

struct request;

/*
 * Establish who is calling (session cookie or HTTP Basic client) and put
 * the principal into rq->ctx.who; nobody is a valid answer (public routes
 * and default deny in the services). Returns 0, or responds (e.g. 401 for
 * bad credentials) and returns a negative errno.
 */
int http_authenticate(struct request *rq);

/* h_roster.c */
int h_roster_import(struct request *rq);

/* h_system.c */
int h_healthz(struct request *rq);
int h_version(struct request *rq);

#endif

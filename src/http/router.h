/*
 * The route table and its matcher. Patterns are literal segments and
 * "{name}" parameters ("/api/v1/users/{id}"); a final "*" matches the rest
 * of the path. The matcher is pure and reentrant (and fuzzed).
 */
#ifndef TRELLIS_HTTP_ROUTER_H
#define TRELLIS_HTTP_ROUTER_H

#include "base/common.h"
#include "base/str.h"
#include "store/grant.h"

struct request;

/*
 * How the server treats a route's request before its body is read: a body
 * comes only from a caller who may send one (see server.c).
 */
enum route_flags {
    /*
     * A district upload ({id} is the district): the body may reach
     * upload_limit when the caller may administer that district
     * (access_check ACT_ADMIN); anyone else gets body_limit.
     */
    ROUTE_UPLOAD = 1 << 0,
    ROUTE_NO_BODY = 1 << 1,  /* reject any body */
    ROUTE_RAW_BODY = 1 << 2, /* the handler reads the body itself (not JSON) */
    /*
     * Open to callers without credentials (health, version, the logins,
     * xAPI About). Every other route refuses a body from a caller without
     * credentials with a 401 before reading it.
     */
    ROUTE_PUBLIC = 1 << 3,
    /*
     * The /xapi/ layer: its 401 carries the xAPI headers, and a 1.0.3
     * alternate-syntax request (POST ?method=) has its credentials in the
     * body, so it is read up to anon_body_limit first.
     */
    ROUTE_XAPI = 1 << 4,
};

struct route {
    const char *method; /* "GET", "POST" ...; HEAD is served by GET routes */
    const char *pattern;
    int (*handler)(struct request *rq);
    unsigned flags;
};

/*
 * The routes that disclose student data, with the access gate's resource
 * and action for the record their {id} names (for the xAPI routes: the
 * learning records they return). The matrix test generated from the policy
 * table (`trellis access policy --json`) checks each against every role and
 * client scope; `trellis access policy` refuses an entry that matches no route.
 */
struct route_disclosure {
    const char *method;
    const char *pattern;
    enum access_kind resource;
    enum access_action action;
};
extern const struct route_disclosure route_disclosures[];
extern const size_t route_disclosures_count;

struct route_match {
    const struct route *route;
    struct str names[4]; /* the parameter names, views into the pattern */
    struct str values[4];
    size_t n;
};

/*
 * Find the route for method and path in table. Returns 0 with *ret set,
 * -ENOENT if no pattern matches the path, or -ENOTSUP if one matches but not
 * for this method (then allow[] lists the methods that would, comma-separated).
 * Parameter values are views into path.
 */
int router_match(const struct route *table, size_t n, const char *method, struct str path,
                 struct route_match *ret, char *allow, size_t allowlen);

/* The server's table (routes.c). */
extern const struct route routes[];
extern const size_t routes_count;

#endif

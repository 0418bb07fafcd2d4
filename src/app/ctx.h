/*
 * The context every service call carries: the store and the connection in
 * use, the acting principal, the clock, the request id, per-request memory,
 * the configuration, and room for an error message that names the field
 * and the reason.
 *
 * Services take the time from ctx->now_ms (tests set it) and the principal
 * from ctx->who; they never read a global clock or a thread-local user. A
 * context belongs to one thread.
 */
#ifndef TRELLIS_APP_CTX_H
#define TRELLIS_APP_CTX_H

#include <stdint.h>

#include "base/arena.h"
#include "base/common.h"
#include "base/config.h"

struct store;
struct db;
struct principal;
struct access_state;

struct ctx {
    struct store *store;
    struct db *db;               /* acquired on first use by ctx_db(), released by ctx_release() */
    const struct principal *who; /* NULL: nobody is logged in */
    const struct config *cfg;
    struct arena *arena;     /* per-request memory */
    int64_t now_ms;          /* the clock for this call */
    const char *req_id;      /* for logs and audit entries */
    const char *client_addr; /* the caller's address, for audit and throttling */
    const char *purpose;     /* why data is being accessed (audit), e.g. "teacher dashboard" */
    /* the access gate's grants and what was read under them (access.c), in arena: a caller
       that releases the arena while it uses the context sets gate to NULL */
    struct access_state *gate;
    bool quiet;    /* access_would_allow(): a refusal is not recorded */
    char err[512]; /* what was wrong, naming the field: set with ctx_fail() */
};

/* Set up ctx for one unit of work. The arena and config are borrowed. */
void ctx_init(struct ctx *c, struct store *s, const struct config *cfg, struct arena *arena,
              int64_t now_ms, const char *req_id);
/* The connection for this context, acquired from the pool on first use. */
int ctx_db(struct ctx *c, struct db **ret_db);
/* Give the connection back (rolling back an open transaction). */
void ctx_release(struct ctx *c);

/*
 * Record why a call failed and return r, so services can write
 *     return ctx_fail(c, -EINVAL, "username: must be 1 to 64 characters");
 * The message is shown to the caller: name the field and the reason, never
 * echo secrets.
 */
int ctx_fail(struct ctx *c, int r, const char *fmt, ...) PRINTF_FMT(3, 4);

#endif

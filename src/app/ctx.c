/*
 * Service context: see ctx.h.
 */
#include "base/common.h"

#include <stdarg.h>
#include <stdio.h>

#include "app/ctx.h"
#include "store/store.h"

void ctx_init(struct ctx *c, struct store *s, const struct config *cfg, struct arena *arena,
              int64_t now_ms, const char *req_id)
{
    memset(c, 0, sizeof(*c));
    c->store = s;
    c->cfg = cfg;
    c->arena = arena;
    c->now_ms = now_ms;
    c->req_id = req_id ? req_id : "-";
    c->client_addr = "-";
}

int ctx_db(struct ctx *c, struct db **ret_db)
{
    int r;
    if (!c->db) {
        r = store_acquire(c->store, &c->db);
        if (r < 0)
            return ctx_fail(c, r, "the database is not available");
    }
    *ret_db = c->db;
    return 0;
}

void ctx_release(struct ctx *c)
{
    if (c->db) {
        store_release(c->store, c->db);
        c->db = NULL;
    }
}

int ctx_fail(struct ctx *c, int r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err, sizeof(c->err), fmt, ap);
    va_end(ap);
    return r;
}

/*
 * System service: see system.h.
 */
#include "base/common.h"

#include "app/system.h"
#include "store/store.h"

int system_version(struct ctx *c, struct system_version *ret)
{
    struct db *db;
    int64_t schema;
    int r = ctx_db(c, &db);
    if (r < 0)
        return r;
    r = store_schema_version(db, &schema);
    if (r < 0)
        return ctx_fail(c, r, "cannot read the schema version");
    ret->version = TRELLIS_VERSION;
    ret->schema = schema;
    ret->store = store_backend(c->store);
    return 0;
}

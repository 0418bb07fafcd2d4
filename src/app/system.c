/*
 * System service: see system.h.
 */
#include "base/common.h"

#include "app/system.h"
#include "store/store.h"
#include "store/store_district.h"

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

int system_brand(struct ctx *c, struct system_brand *ret)
{
    struct district_row d;
    struct db *db;
    int64_t n = 0;
    int r = ctx_db(c, &db);
    if (r < 0)
        return r;
    r = store_district_count(db, &n, &d);
    if (r < 0)
        return ctx_fail(c, r, "cannot read the districts");
    memset(ret, 0, sizeof(*ret));
    if (n == 1)
        snprintf(ret->district, sizeof(ret->district), "%s", d.name);
    if (c->cfg && c->cfg->logo[0])
        snprintf(ret->logo, sizeof(ret->logo), "/brand/logo%s", config_logo_ext(c->cfg->logo));
    return 0;
}

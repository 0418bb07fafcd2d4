/*
 * System service: see system.h.
 */
#include "base/common.h"

#include "app/access.h"
#include "app/audit.h"
#include "app/principal.h"
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

static int setting_cb(const struct config_item *it, void *arg)
{
    json_t *value;
    switch (it->kind) {
    case CONFIG_ITEM_INT:
        value = json_integer(it->i);
        break;
    case CONFIG_ITEM_BOOL:
        value = json_boolean(it->b);
        break;
    default:
        value = json_string(it->s);
        break;
    }
    return json_array_append_new(arg, json_pack("{s:s, s:o, s:s, s:s, s:b}", "name", it->name,
                                                "value", value, "source", it->source, "help",
                                                it->help, "secret", it->secret)) < 0
               ? -ENOMEM
               : 0;
}

int system_settings(struct ctx *c, int64_t district_id, json_t **ret)
{
    struct system_version v;
    json_t *list;
    int r;

    if (!c->who)
        return ctx_fail(c, -EPERM, "log in first");
    int64_t d = district_id ? district_id : c->who->district_id;
    struct access_resource res = {RES_SETTINGS, d, d};
    r = access_check(c, ACT_READ, &res, NULL);
    if (r < 0)
        return r;
    r = system_version(c, &v);
    if (r < 0)
        return r;
    list = json_array();
    if (!list || (c->cfg && config_each(c->cfg, setting_cb, list) < 0)) {
        json_decref(list);
        return ctx_fail(c, -ENOMEM, "out of memory");
    }
    struct audit_entry e = {.action = "read", .object = "settings", .detail = "settings shown"};
    r = audit_append_group(c, &e);
    if (r < 0) {
        json_decref(list);
        return ctx_fail(c, r, "cannot record the reading of the settings");
    }
    *ret = json_pack("{s:s, s:I, s:s, s:o}", "version", v.version, "schema", (json_int_t)v.schema,
                     "store", v.store, "settings", list);
    return *ret ? 0 : ctx_fail(c, -ENOMEM, "out of memory");
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

/*
 * System endpoints: liveness and version. /healthz is deliberately free of
 * I/O so load balancers can poll it cheaply; /api/v1/version reads the
 * schema version and so also shows that the database answers. /api/v1/brand
 * names the district and its logo for the pages (public: the login page).
 */
#include "base/common.h"

#include "app/system.h"
#include "http/handlers.h"
#include "http/request.h"

static const char healthz_body[] = "{\"status\":\"ok\"}";

int h_healthz(struct request *rq)
{
    http_add_header(rq, "Cache-Control", "no-store");
    return http_respond_static(rq, 200, "application/json", healthz_body, sizeof(healthz_body) - 1);
}

int h_version(struct request *rq)
{
    struct system_version v;
    int r = system_version(&rq->ctx, &v);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, 200,
                                  json_pack("{s:s, s:s, s:I, s:s}", "name", "trellis", "version",
                                            v.version, "schema", (json_int_t)v.schema, "store",
                                            v.store));
}

int h_brand(struct request *rq)
{
    struct system_brand b;
    int r = system_brand(&rq->ctx, &b);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, 200,
                                  json_pack("{s:o, s:o}", "district",
                                            b.district[0] ? json_string(b.district) : json_null(),
                                            "logo", b.logo[0] ? json_string(b.logo) : json_null()));
}

/*
 * Family endpoints (docs/API.md, "Family"): a guardian's children, one
 * child's overview and the record of who has seen the child's records. The
 * family service does the work (and the access gate decides and audits);
 * these read the request and write the answer.
 */
#include "base/common.h"

#include "app/family.h"
#include "http/handlers.h"
#include "http/request.h"
#include "http/server.h"

int h_children(struct request *rq)
{
    json_t *o;
    int r = family_children(&rq->ctx, http_lang(rq), &o);
    if (r < 0)
        return r;
    return http_respond_json_gz(rq, 200, o);
}

int h_child_overview(struct request *rq)
{
    int64_t id;
    json_t *o;
    int r = http_param_id(rq, "id", &id);
    if (r <= 0)
        return r;
    r = family_overview(&rq->ctx, id, http_lang(rq), &o);
    if (r < 0)
        return r;
    return http_respond_json_gz(rq, 200, o);
}

int h_child_access_log(struct request *rq)
{
    const char *before = http_query(rq, "before");
    const char *limit = http_query(rq, "limit");
    int64_t b = 0, n = FAMILY_LOG_PAGE, id;
    json_t *o;
    int r = http_param_id(rq, "id", &id);
    if (r <= 0)
        return r;
    if (before && str_to_int64(str_from(before), 0, INT64_MAX, &b) < 0)
        return http_problem(rq, -EINVAL, "before: a positive entry id (or 0 for the newest)");
    if (limit && str_to_int64(str_from(limit), 1, FAMILY_LOG_MAX, &n) < 0)
        return http_problem(rq, -EINVAL, "limit: a number from 1 to 200");
    r = family_access_log(&rq->ctx, id, b, n, &o);
    if (r < 0)
        return r;
    return http_respond_json_gz(rq, 200, o);
}

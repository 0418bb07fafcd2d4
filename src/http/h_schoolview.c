/*
 * The school and district views: GET /api/v1/schools/{id}/overview and
 * GET /api/v1/districts/{id}/overview (?weeks=N, 1 to 52). Thin: the
 * service (src/app/schoolview.c) checks access, reads the aggregates,
 * suppresses small cells and writes the audit entry's detail; the server
 * answers once the entry is durable.
 */
#include "base/common.h"

#include "app/schoolview.h"
#include "http/handlers.h"
#include "http/request.h"

/* The view of the id in the path over ?weeks (1 to 52) of trend. */
static int overview(struct request *rq,
                    int (*view)(struct ctx *c, int64_t id, int weeks, json_t **ret))
{
    const char *w = http_query(rq, "weeks");
    int64_t id, weeks = SV_DEFAULT_WEEKS;
    json_t *o;
    int r = http_param_id(rq, "id", &id);

    if (r <= 0)
        return r;
    if (w && str_to_int64(str_from(w), 1, SV_MAX_WEEKS, &weeks) < 0)
        return http_problem(rq, -EINVAL, "weeks: a whole number from 1 to 52");
    if ((r = view(&rq->ctx, id, (int)weeks, &o)) < 0)
        return r;
    return http_respond_json_take(rq, 200, o);
}

int h_school_overview(struct request *rq)
{
    return overview(rq, schoolview_school);
}

int h_district_overview(struct request *rq)
{
    return overview(rq, schoolview_district);
}

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

/* The id in the path and ?weeks: 1, or 0 when the problem was sent. */
static int args(struct request *rq, int64_t *ret_id, int *ret_weeks)
{
    const char *w = http_query(rq, "weeks");
    int64_t weeks = SV_DEFAULT_WEEKS;

    if (str_to_int64(http_param(rq, "id"), 1, INT64_MAX, ret_id) < 0)
        return http_problem(rq, -ENOENT, "not found");
    if (w && str_to_int64(str_from(w), 1, SV_MAX_WEEKS, &weeks) < 0)
        return http_problem(rq, -EINVAL, "weeks: a whole number from 1 to 52");
    *ret_weeks = (int)weeks;
    return 1;
}

int h_school_overview(struct request *rq)
{
    int64_t id = 0;
    int weeks = SV_DEFAULT_WEEKS;
    json_t *o;
    int r = args(rq, &id, &weeks);
    if (r <= 0)
        return r;
    r = schoolview_school(&rq->ctx, id, weeks, &o);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, 200, o);
}

int h_district_overview(struct request *rq)
{
    int64_t id = 0;
    int weeks = SV_DEFAULT_WEEKS;
    json_t *o;
    int r = args(rq, &id, &weeks);
    if (r <= 0)
        return r;
    r = schoolview_district(&rq->ctx, id, weeks, &o);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, 200, o);
}

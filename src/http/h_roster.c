/*
 * Roster endpoints. POST /api/v1/districts/{id}/roster/imports takes a
 * OneRoster CSV set as a .zip body (an upload route: up to upload_limit)
 * and answers the import summary, or a problem whose "errors" member lists
 * every "file:line:column: reason" (nothing was imported then). Each .zip
 * member unpacks to at most upload_limit bytes (413 past it).
 */
#include "base/common.h"

#include "app/roster.h"
#include "http/errmap.h"
#include "http/handlers.h"
#include "http/request.h"

int h_roster_import(struct request *rq)
{
    struct roster_report rep;
    struct str id = http_param(rq, "id");
    int64_t district_id;
    json_t *o;
    int r;

    if (str_to_int64(id, 1, INT64_MAX, &district_id) < 0)
        return http_problem(rq, -EINVAL, "id: not a district id");
    r = roster_import_zip(&rq->ctx, district_id, rq->body.data ? rq->body.data : "", rq->body.len,
                          &rep);
    if (r < 0 && rep.n_errors == 0) {
        roster_report_release(&rep);
        return r;
    }
    o = roster_report_json(&rep);
    roster_report_release(&rep);
    if (!o)
        return -ENOMEM;
    if (r == 0)
        return http_respond_json_take(rq, 200, o);
    /* an RFC 9457 problem with the list of errors as extension members; the status is the
       service's error's (400 for a bad set, 413 for a file past the upload limit, 403 for a
       set the caller may not import) */
    return http_problem_ex(rq, r, rq->ctx.err, o);
}

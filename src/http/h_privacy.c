/*
 * GET /api/v1/privacy/notice: the privacy notice (app/privacy.h), the data
 * inventory grouped by category for web/privacy.html. Public: it names no
 * one and is the same for everyone (families read it before they sign in).
 */
#include "base/common.h"

#include "app/privacy.h"
#include "http/handlers.h"
#include "http/request.h"

int h_privacy_notice(struct request *rq)
{
    json_t *o = NULL;
    int r = privacy_notice(&rq->ctx, &o);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, 200, o);
}

/*
 * Who is calling: no authentication is wired in yet, so every request is
 * anonymous and every service denies what needs a principal.
 */
#include "base/common.h"

#include "http/handlers.h"
#include "http/request.h"

int http_authenticate(struct request *rq)
{
    rq->ctx.who = NULL;
    return 0;
}

/*
 * People endpoints: the home page, a person, a class roster. The people
 * service reads through the access gate (404 for what the caller may not
 * see); the server sends the answer once its audit entries are durable.
 */
#include "base/common.h"

#include "app/model.h"
#include "app/people.h"
#include "http/handlers.h"
#include "http/request.h"

int h_home(struct request *rq)
{
    json_t *o;
    int r = people_home(&rq->ctx, &o);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, 200, o);
}

int h_user(struct request *rq)
{
    int64_t id;
    json_t *o;
    int r = http_param_id(rq, "id", &id);
    if (r <= 0)
        return r;
    r = people_get(&rq->ctx, id, &o);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, 200, o);
}

/*
 * The hot path of a teacher's day. The server holds the answer back until
 * the gate's audit entry for the roster is on disk (see server.c).
 */
int h_class_students(struct request *rq)
{
    int64_t id;
    json_t *o;
    int r = http_param_id(rq, "id", &id);
    if (r <= 0)
        return r;
    r = people_class_roster(&rq->ctx, id, &o);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, 200, o);
}

int h_user_mastery(struct request *rq)
{
    int64_t id;
    json_t *o;
    int r = http_param_id(rq, "id", &id);
    if (r <= 0)
        return r;
    r = model_mastery(&rq->ctx, id, &o);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, 200, o);
}

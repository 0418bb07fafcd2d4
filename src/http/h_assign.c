/*
 * Assignment endpoints (docs/API.md, "Assignments"): a class's assignments
 * with each student's progress, giving, changing and deleting them, the
 * skills a teacher can assign, and a student's own. The assignment service
 * (app/assign.h) decides who may do what, through the access gate.
 */
#include "base/common.h"

#include "app/assign.h"
#include "http/handlers.h"
#include "http/request.h"

int h_assignments_list(struct request *rq)
{
    int64_t id;
    json_t *o;
    int r = http_param_id(rq, "id", &id);
    if (r <= 0)
        return r;
    if ((r = assign_list(&rq->ctx, id, http_lang(rq), &o)) < 0)
        return r;
    return http_respond_json_take(rq, 200, o);
}

int h_assignments_create(struct request *rq)
{
    int64_t id;
    json_t *body, *o;
    int r = http_param_id(rq, "id", &id);
    if (r <= 0)
        return r;
    if (http_json_body_or_respond(rq, &body) < 0)
        return 0;
    r = assign_create(&rq->ctx, id, body, http_lang(rq), &o);
    json_decref(body);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, 201, o);
}

int h_assignments_skills(struct request *rq)
{
    int64_t id;
    json_t *o;
    int r = http_param_id(rq, "id", &id);
    if (r <= 0)
        return r;
    if ((r = assign_skills(&rq->ctx, id, http_lang(rq), &o)) < 0)
        return r;
    return http_respond_json_take(rq, 200, o);
}

int h_assignment_update(struct request *rq)
{
    int64_t id, aid;
    json_t *body, *o;
    int r = http_param_id(rq, "id", &id);
    if (r <= 0 || (r = http_param_id(rq, "aid", &aid)) <= 0)
        return r;
    if (http_json_body_or_respond(rq, &body) < 0)
        return 0;
    r = assign_update(&rq->ctx, id, aid, body, http_lang(rq), &o);
    json_decref(body);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, 200, o);
}

int h_assignment_delete(struct request *rq)
{
    int64_t id, aid;
    int r = http_param_id(rq, "id", &id);
    if (r <= 0 || (r = http_param_id(rq, "aid", &aid)) <= 0)
        return r;
    if ((r = assign_delete(&rq->ctx, id, aid)) < 0)
        return r;
    return http_respond_empty(rq, 204);
}

int h_me_assignments(struct request *rq)
{
    json_t *o;
    int r = assign_mine(&rq->ctx, http_lang(rq), &o);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, 200, o);
}

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

/* The page's language for the skills' names: ?lang=, the lang cookie, else English. */
static const char *lang_of(const struct request *rq)
{
    const char *q = http_query(rq, "lang");
    const char *c = http_cookie(rq, "lang");
    if (q && (!strcmp(q, "en") || !strcmp(q, "es")))
        return q;
    if (c && (!strcmp(c, "en") || !strcmp(c, "es")))
        return c;
    return "en";
}

/* 1 and *ret: the {name} parameter as an id; else answered 404 (0). */
static int id_or_404(struct request *rq, const char *name, int64_t *ret)
{
    if (str_to_int64(http_param(rq, name), 1, INT64_MAX, ret) < 0)
        return http_problem(rq, -ENOENT, "not found");
    return 1;
}

int h_assignments_list(struct request *rq)
{
    int64_t id;
    json_t *o;
    int r = id_or_404(rq, "id", &id);
    if (r <= 0)
        return r;
    if ((r = assign_list(&rq->ctx, id, lang_of(rq), &o)) < 0)
        return r;
    return http_respond_json_take(rq, 200, o);
}

int h_assignments_create(struct request *rq)
{
    int64_t id;
    json_t *body, *o;
    int r = id_or_404(rq, "id", &id);
    if (r <= 0)
        return r;
    if (http_json_body_or_respond(rq, &body) < 0)
        return 0;
    r = assign_create(&rq->ctx, id, body, lang_of(rq), &o);
    json_decref(body);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, 201, o);
}

int h_assignments_skills(struct request *rq)
{
    int64_t id;
    json_t *o;
    int r = id_or_404(rq, "id", &id);
    if (r <= 0)
        return r;
    if ((r = assign_skills(&rq->ctx, id, lang_of(rq), &o)) < 0)
        return r;
    return http_respond_json_take(rq, 200, o);
}

int h_assignment_update(struct request *rq)
{
    int64_t id, aid;
    json_t *body, *o;
    int r = id_or_404(rq, "id", &id);
    if (r <= 0 || (r = id_or_404(rq, "aid", &aid)) <= 0)
        return r;
    if (http_json_body_or_respond(rq, &body) < 0)
        return 0;
    r = assign_update(&rq->ctx, id, aid, body, lang_of(rq), &o);
    json_decref(body);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, 200, o);
}

int h_assignment_delete(struct request *rq)
{
    int64_t id, aid;
    int r = id_or_404(rq, "id", &id);
    if (r <= 0 || (r = id_or_404(rq, "aid", &aid)) <= 0)
        return r;
    if ((r = assign_delete(&rq->ctx, id, aid)) < 0)
        return r;
    return http_respond_empty(rq, 204);
}

int h_me_assignments(struct request *rq)
{
    json_t *o;
    int r = assign_mine(&rq->ctx, lang_of(rq), &o);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, 200, o);
}

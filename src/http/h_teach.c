/*
 * The teacher views (docs/API.md "Teacher views"): a class's heat map,
 * one student of it, one skill across it, and the class as CSV. The teach
 * service reads through the gate (404 for whoever may not see the class);
 * the server sends the answer once its audit entries are durable.
 */
#include "base/common.h"

#include <stdio.h>
#include <strings.h>

#include "app/teach.h"
#include "base/mem.h"
#include "http/handlers.h"
#include "http/request.h"

int h_class_mastery(struct request *rq)
{
    struct teach_opts o = {http_lang(rq), 0};
    int64_t id;
    json_t *out;
    int r = http_param_id(rq, "id", &id);
    if (r <= 0)
        return r;
    r = teach_class(&rq->ctx, id, &o, &out);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, 200, out);
}

int h_class_mastery_csv(struct request *rq)
{
    struct teach_opts o = {http_lang(rq), 0};
    char disposition[96];
    int64_t id;
    char *csv;
    size_t n;
    int r = http_param_id(rq, "id", &id);
    if (r <= 0)
        return r;
    r = teach_class_csv(&rq->ctx, id, &o, &csv, &n);
    if (r < 0)
        return r;
    snprintf(disposition, sizeof(disposition), "attachment; filename=\"class-%lld-mastery.csv\"",
             (long long)id);
    if (http_add_header(rq, "Content-Disposition", disposition) < 0) {
        mem_free(csv);
        return -ENOMEM;
    }
    return http_respond_take(rq, 200, "text/csv; charset=utf-8; header=present", csv, n);
}

int h_class_student_activity(struct request *rq)
{
    struct teach_opts o = {http_lang(rq), 0};
    const char *limit = http_query(rq, "limit");
    int64_t id, student, n = 0;
    json_t *out;
    int r = http_param_id(rq, "id", &id);
    if (r <= 0)
        return r;
    if ((r = http_param_id(rq, "student", &student)) <= 0)
        return r;
    if (limit && str_to_int64(str_from(limit), 1, 1000, &n) < 0)
        return http_problem(rq, -EINVAL, "limit: a number from 1 to 1000");
    o.timeline_limit = (size_t)n;
    r = teach_student(&rq->ctx, id, student, &o, &out);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, 200, out);
}

int h_class_skill(struct request *rq)
{
    struct teach_opts o = {http_lang(rq), 0};
    int64_t id, skill;
    json_t *out;
    int r = http_param_id(rq, "id", &id);
    if (r <= 0)
        return r;
    if ((r = http_param_id(rq, "skill", &skill)) <= 0)
        return r;
    r = teach_skill(&rq->ctx, id, skill, &o, &out);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, 200, out);
}

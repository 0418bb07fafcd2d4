/*
 * People endpoints: the home page, a person, a class roster. The people
 * service checks access (404 for what the caller may not see) and audits
 * every student record before the answer leaves.
 */
#include "base/common.h"

#include "app/model.h"
#include "app/people.h"
#include "http/handlers.h"
#include "http/request.h"

static int id_or_404(struct request *rq, int64_t *ret)
{
    if (str_to_int64(http_param(rq, "id"), 1, INT64_MAX, ret) < 0)
        return http_problem(rq, -ENOENT, "not found");
    return 1;
}

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
    int r = id_or_404(rq, &id);
    if (r <= 0)
        return r;
    r = people_get(&rq->ctx, id, &o);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, 200, o);
}

static void wake(void *arg)
{
    http_resume(arg);
}

static int class_students_finish(struct request *rq)
{
    json_t *o;
    int r = people_class_roster_finish(&rq->ctx, rq->user, &o);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, 200, o);
}

/*
 * The hot path of a teacher's day: the roster is read, then the request
 * waits (suspended: no worker thread, no connection held) for its audit
 * entry's group commit, and answers once the entry is on disk.
 */
int h_class_students(struct request *rq)
{
    struct people_roster *p;
    int64_t id;
    int r = id_or_404(rq, &id);
    if (r <= 0)
        return r;
    r = people_class_roster_prepare(&rq->ctx, id, &p);
    if (r < 0)
        return r;
    rq->user = p;
    http_suspend(rq, class_students_finish);
    people_class_roster_submit(&rq->ctx, p, wake, rq);
    return 0;
}

int h_user_mastery(struct request *rq)
{
    int64_t id;
    json_t *o;
    int r = id_or_404(rq, &id);
    if (r <= 0)
        return r;
    r = model_mastery(&rq->ctx, id, &o);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, 200, o);
}

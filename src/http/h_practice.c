/*
 * Practice endpoints (docs/API.md, "Practice"): the next problem, answers,
 * hints and progress for the signed-in student. The practice service does
 * the work; these read the request and write the answer.
 */
#include "base/common.h"

#include "app/practice.h"
#include "http/handlers.h"
#include "http/request.h"
#include "http/server.h"

static struct practice_env env_of(const struct request *rq)
{
    return (struct practice_env){server_base_url(rq->srv), http_lang(rq)};
}

int h_practice_next(struct request *rq)
{
    struct practice_env env = env_of(rq);
    const char *ahead = http_query(rq, "ahead");
    int64_t n = 0;
    json_t *o;
    int r;

    if (ahead && str_to_int64(str_from(ahead), 0, 5, &n) < 0)
        return http_problem(rq, -EINVAL, "ahead: a number from 0 to 5");
    r = practice_next(&rq->ctx, &env, (int)n, &o);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, 200, o);
}

int h_practice_attempts(struct request *rq)
{
    struct practice_env env = env_of(rq);
    json_t *body, *o;
    int r = http_json_body_or_respond(rq, &body);
    if (r < 0)
        return 0;
    r = practice_attempt(&rq->ctx, &env, body, &o);
    json_decref(body);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, 200, o);
}

int h_practice_hints(struct request *rq)
{
    struct practice_env env = env_of(rq);
    json_t *body, *o;
    int r = http_json_body_or_respond(rq, &body);
    if (r < 0)
        return 0;
    r = practice_hint(&rq->ctx, &env, body, &o);
    json_decref(body);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, 200, o);
}

int h_practice_progress(struct request *rq)
{
    struct practice_env env = env_of(rq);
    json_t *o;
    int r = practice_progress(&rq->ctx, &env, &o);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, 200, o);
}

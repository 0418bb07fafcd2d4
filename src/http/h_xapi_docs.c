/*
 * The xAPI document resources and the Activities and Agents resources
 * (xAPI 1.0.3 Communication 2.3-2.7, 2.0.0 / IEEE 9274.1.1 4.1.6.2-6).
 * Parsing and rendering only; the rules are src/app/lrs_docs.c.
 */
#include "base/common.h"

#include <stdio.h>
#include <time.h>

#include "app/lrs_docs.h"
#include "app/principal.h"
#include "http/handlers.h"
#include "http/server.h"
#include "http/xapi.h"

/* The parameters each resource takes; anything else is a 400 naming it. */
static const char *const state_params[] = {"activityId", "agent", "registration",
                                           "stateId",    "since", NULL};
static const char *const activity_profile_params[] = {"activityId", "profileId", "since", NULL};
static const char *const agent_profile_params[] = {"agent", "profileId", "since", NULL};
static const char *const activities_params[] = {"activityId", NULL};
static const char *const agents_params[] = {"agent", NULL};

struct param_check {
    const char *const *allowed;
    const char *bad;
};

static int param_cb(const char *name, const char *value, void *arg)
{
    struct param_check *pc = arg;
    (void)value;
    for (size_t i = 0; pc->allowed[i]; i++)
        if (!strcmp(name, pc->allowed[i]))
            return 0;
    pc->bad = name;
    return 1;
}

static int params_or_respond(struct xapi *x, const char *const *allowed, const char *what)
{
    struct param_check pc = {allowed, NULL};
    if (xapi_params_each(x, param_cb, &pc) == 0)
        return 0;
    return xapi_fail(x, -EINVAL, "%.64s: not a parameter of the %s (xAPI 2.0.0 4.1.6)", pc.bad,
                     what);
}

/* RFC 9110 5.6.7 IMF-fixdate. */
static void http_date(int64_t ms, char out[40])
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 40, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

static int fill_params(struct xapi *x, enum lrs_docs_resource res, struct lrs_docs_params *p)
{
    int r;

    memset(p, 0, sizeof(*p));
    p->res = res;
    p->version = x->version == XAPI_1_0 ? 1 : 2;
    p->activity_id = xapi_param(x, "activityId");
    p->agent = xapi_param(x, "agent");
    p->registration = xapi_param(x, "registration");
    p->doc_id = xapi_param(x, res == LRS_DOCS_STATE ? "stateId" : "profileId");
    p->since = xapi_param(x, "since");
    r = xapi_etags(&x->rq->arena, xapi_header(x, "If-Match"), &p->if_match);
    if (r == 0)
        r = xapi_etags(&x->rq->arena, xapi_header(x, "If-None-Match"), &p->if_none_match);
    p->base_url = server_base_url(x->rq->srv);
    return r;
}

static const char *const *allowed_of(enum lrs_docs_resource res)
{
    return res == LRS_DOCS_STATE              ? state_params
           : res == LRS_DOCS_ACTIVITY_PROFILE ? activity_profile_params
                                              : agent_profile_params;
}

static const char *name_of(enum lrs_docs_resource res)
{
    return res == LRS_DOCS_STATE              ? "State Resource"
           : res == LRS_DOCS_ACTIVITY_PROFILE ? "Activity Profile Resource"
                                              : "Agent Profile Resource";
}

static int doc_get(struct xapi *x, enum lrs_docs_resource res)
{
    struct lrs_docs_params p;
    struct lrs_docs_result out;
    char date[40];
    int r = params_or_respond(x, allowed_of(res), name_of(res));

    if (r < 0)
        return r;
    r = fill_params(x, res, &p);
    if (r < 0)
        return r;
    r = lrs_docs_get(&x->rq->ctx, &p, &out);
    if (r < 0)
        return xapi_error(x, r);
    http_add_header(x->rq, "ETag", out.etag);
    if (out.updated_ms) {
        http_date(out.updated_ms, date);
        http_add_header(x->rq, "Last-Modified", date);
    }
    http_add_header(x->rq, "Cache-Control", "no-cache");
    return http_respond_data(x->rq, 200, out.content_type, out.content, out.len);
}

static int doc_write(struct xapi *x, enum lrs_docs_resource res, bool merge)
{
    struct lrs_docs_params p;
    char etag[48];
    int r = params_or_respond(x, allowed_of(res), name_of(res));

    if (r < 0)
        return r;
    r = fill_params(x, res, &p);
    if (r < 0)
        return r;
    r = lrs_docs_put(&x->rq->ctx, &p, xapi_header(x, "Content-Type"), x->body, x->body_len, merge,
                     etag);
    if (r < 0)
        return xapi_error(x, r);
    http_add_header(x->rq, "ETag", etag);
    return http_respond_empty(x->rq, 204);
}

static int doc_delete(struct xapi *x, enum lrs_docs_resource res)
{
    struct lrs_docs_params p;
    int r = params_or_respond(x, allowed_of(res), name_of(res));

    if (r < 0)
        return r;
    r = fill_params(x, res, &p);
    if (r < 0)
        return r;
    r = lrs_docs_delete(&x->rq->ctx, &p);
    if (r < 0)
        return xapi_error(x, r);
    return http_respond_empty(x->rq, 204);
}

/* ---- State (1.0.3 Communication 2.3, 2.0.0 4.1.6.2) ---- */

static int state_get(struct xapi *x)
{
    return doc_get(x, LRS_DOCS_STATE);
}
static int state_put(struct xapi *x)
{
    return doc_write(x, LRS_DOCS_STATE, false);
}
static int state_post(struct xapi *x)
{
    return doc_write(x, LRS_DOCS_STATE, true);
}
static int state_del(struct xapi *x)
{
    return doc_delete(x, LRS_DOCS_STATE);
}

static const struct xapi_resource state_res = {
    .get = state_get,
    .put = state_put,
    .post = state_post,
    .del = state_del,
};

int h_xapi_state(struct request *rq)
{
    return xapi_serve(rq, &state_res);
}

/* ---- Activity Profile (1.0.3 Communication 2.7, 2.0.0 4.1.6.6) ---- */

static int aprof_get(struct xapi *x)
{
    return doc_get(x, LRS_DOCS_ACTIVITY_PROFILE);
}
static int aprof_put(struct xapi *x)
{
    return doc_write(x, LRS_DOCS_ACTIVITY_PROFILE, false);
}
static int aprof_post(struct xapi *x)
{
    return doc_write(x, LRS_DOCS_ACTIVITY_PROFILE, true);
}
static int aprof_del(struct xapi *x)
{
    return doc_delete(x, LRS_DOCS_ACTIVITY_PROFILE);
}

static const struct xapi_resource activity_profile_res = {
    .get = aprof_get,
    .put = aprof_put,
    .post = aprof_post,
    .del = aprof_del,
};

int h_xapi_activity_profile(struct request *rq)
{
    return xapi_serve(rq, &activity_profile_res);
}

/* ---- Agent Profile (1.0.3 Communication 2.6, 2.0.0 4.1.6.5) ---- */

static int gprof_get(struct xapi *x)
{
    return doc_get(x, LRS_DOCS_AGENT_PROFILE);
}
static int gprof_put(struct xapi *x)
{
    return doc_write(x, LRS_DOCS_AGENT_PROFILE, false);
}
static int gprof_post(struct xapi *x)
{
    return doc_write(x, LRS_DOCS_AGENT_PROFILE, true);
}
static int gprof_del(struct xapi *x)
{
    return doc_delete(x, LRS_DOCS_AGENT_PROFILE);
}

static const struct xapi_resource agent_profile_res = {
    .get = gprof_get,
    .put = gprof_put,
    .post = gprof_post,
    .del = gprof_del,
};

int h_xapi_agent_profile(struct request *rq)
{
    return xapi_serve(rq, &agent_profile_res);
}

/* ---- Activities (1.0.3 Communication 2.5, 2.0.0 4.1.6.4) ---- */

static int activities_get(struct xapi *x)
{
    const char *text;
    size_t len;
    int r = params_or_respond(x, activities_params, "Activities Resource");

    if (r < 0)
        return r;
    r = lrs_docs_activity(&x->rq->ctx, xapi_param(x, "activityId"), &text, &len);
    if (r < 0)
        return xapi_error(x, r);
    return http_respond_data(x->rq, 200, "application/json", text, len);
}

static const struct xapi_resource activities_res = {
    .get = activities_get,
};

int h_xapi_activities(struct request *rq)
{
    return xapi_serve(rq, &activities_res);
}

/* ---- Agents (1.0.3 Communication 2.4, 2.0.0 4.1.6.3) ---- */

static int agents_get(struct xapi *x)
{
    const char *text;
    size_t len;
    int r = params_or_respond(x, agents_params, "Agents Resource");

    if (r < 0)
        return r;
    r = lrs_docs_person(&x->rq->ctx, xapi_param(x, "agent"), &text, &len);
    if (r < 0)
        return xapi_error(x, r);
    return http_respond_data(x->rq, 200, "application/json", text, len);
}

static const struct xapi_resource agents_res = {
    .get = agents_get,
};

int h_xapi_agents(struct request *rq)
{
    return xapi_serve(rq, &agents_res);
}

/*
 * Device and hotspot endpoints (docs/API.md, "Devices and hotspots"): the
 * inventory with its loans, one device's history, lending, taking back,
 * swaps, damage and loss, guardians' acknowledgements, a class's students
 * with their devices and the bulk check-out, a person's device history.
 * The devices service (app/devices.h) decides who may do what, through the
 * access gate.
 */
#include "base/common.h"

#include "app/devices.h"
#include "http/handlers.h"
#include "http/request.h"

/* An optional whole-number query parameter: 1, or 0 with the 400 answer sent. */
static int query_int(struct request *rq, const char *name, int64_t min, int64_t max, int64_t *ret)
{
    const char *v = http_query(rq, name);
    if (!v || !*v)
        return 1;
    if (str_to_int64(str_from(v), min, max, ret) < 0) {
        char msg[96];
        snprintf(msg, sizeof(msg), "%s: a whole number from %lld to %lld", name, (long long)min,
                 (long long)max);
        (void)http_problem(rq, -EINVAL, msg);
        return 0;
    }
    return 1;
}

static const char *query_str(struct request *rq, const char *name)
{
    const char *v = http_query(rq, name);
    return v && *v ? v : NULL;
}

int h_devices_list(struct request *rq)
{
    struct devices_query q = {.limit = 100};
    const char *overdue = http_query(rq, "overdue");
    int64_t id;
    json_t *o;
    int r = http_param_id(rq, "id", &id);

    if (r <= 0)
        return r;
    if (!query_int(rq, "school", 1, INT64_MAX, &q.school_id) ||
        !query_int(rq, "limit", 1, 500, &q.limit) ||
        !query_int(rq, "offset", 0, INT64_MAX / 2, &q.offset))
        return 0;
    if (overdue && strcmp(overdue, "true") && strcmp(overdue, "false"))
        return http_problem(rq, -EINVAL, "overdue: true or false");
    q.overdue = overdue && !strcmp(overdue, "true");
    q.status = query_str(rq, "status");
    q.type = query_str(rq, "type");
    q.q = query_str(rq, "q");
    if ((r = devices_list(&rq->ctx, id, &q, &o)) < 0)
        return r;
    return http_respond_json_take(rq, 200, o);
}

int h_device(struct request *rq)
{
    int64_t id;
    json_t *o;
    int r = http_param_id(rq, "id", &id);
    if (r <= 0)
        return r;
    if ((r = devices_get(&rq->ctx, id, &o)) < 0)
        return r;
    return http_respond_json_take(rq, 200, o);
}

/* POST /districts/{id}/devices/...: a JSON body to one service call. */
static int change(struct request *rq, int (*fn)(struct ctx *, int64_t, json_t *, json_t **),
                  unsigned status)
{
    int64_t id;
    json_t *body, *o;
    int r = http_param_id(rq, "id", &id);
    if (r <= 0)
        return r;
    if (http_json_body_or_respond(rq, &body) < 0)
        return 0;
    r = fn(&rq->ctx, id, body, &o);
    json_decref(body);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, status, o);
}

int h_devices_check_out(struct request *rq)
{
    return change(rq, devices_check_out, 200);
}

int h_devices_check_in(struct request *rq)
{
    return change(rq, devices_check_in, 200);
}

int h_devices_swap(struct request *rq)
{
    return change(rq, devices_swap, 200);
}

int h_devices_incident(struct request *rq)
{
    return change(rq, devices_incident, 201);
}

int h_devices_acknowledge(struct request *rq)
{
    return change(rq, devices_acknowledge, 201);
}

int h_class_devices(struct request *rq)
{
    int64_t id;
    json_t *o;
    int r = http_param_id(rq, "id", &id);
    if (r <= 0)
        return r;
    if ((r = devices_class(&rq->ctx, id, &o)) < 0)
        return r;
    return http_respond_json_take(rq, 200, o);
}

static int class_check_out(struct ctx *c, int64_t id, json_t *req, json_t **ret)
{
    return devices_class_check_out(c, id, req, ret);
}

int h_class_devices_check_out(struct request *rq)
{
    return change(rq, class_check_out, 200);
}

int h_user_devices(struct request *rq)
{
    int64_t id;
    json_t *o;
    int r = http_param_id(rq, "id", &id);
    if (r <= 0)
        return r;
    if ((r = devices_person(&rq->ctx, id, &o)) < 0)
        return r;
    return http_respond_json_take(rq, 200, o);
}

int h_school_device_classes(struct request *rq)
{
    int64_t id;
    json_t *o;
    int r = http_param_id(rq, "id", &id);
    if (r <= 0)
        return r;
    if ((r = devices_school_classes(&rq->ctx, id, &o)) < 0)
        return r;
    return http_respond_json_take(rq, 200, o);
}

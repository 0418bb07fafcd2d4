/*
 * Device loans and history: see devices.h ("loans"). Each change runs in
 * one write transaction (store_tx): the device is found by its asset tag,
 * the gate is asked for the device's school's devices and for the person,
 * the rules are checked (a device is lent to one person at a time; lost,
 * retired and in-repair devices are not lent), and the event and the loan
 * are written together.
 */
#include "base/common.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>

#include "app/access.h"
#include "app/devices.h"
#include "app/devices_csv.h"
#include "app/principal.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "store/store.h"
#include "store/store_devices.h"
#include "store/store_people.h"

#define DAY_MS 86400000LL

/* A device as the service keeps it between reading and deciding (copies). */
struct dev {
    int64_t id, school_id, holder_id, due_day;
    bool has_due;
    char asset_tag[72], type[16], status[16];
};

static int dev_cb(void *arg, const struct device_rec *d)
{
    struct dev *v = arg;
    v->id = d->id;
    v->school_id = d->school_id;
    v->holder_id = d->holder_id;
    v->has_due = d->has_due;
    v->due_day = d->due_day;
    snprintf(v->asset_tag, sizeof(v->asset_tag), "%s", d->asset_tag);
    snprintf(v->type, sizeof(v->type), "%s", d->type);
    snprintf(v->status, sizeof(v->status), "%s", d->status);
    return 0;
}

static int64_t today(const struct ctx *c)
{
    return c->now_ms / DAY_MS;
}

/* ---- JSON ---- */

static json_t *rec_json(const struct ctx *c, const struct device_rec *d, const char *holder)
{
    char date[16] = "", cost[24] = "", cap[24] = "", due[16] = "";
    json_t *notes = json_loads(d->notes, 0, NULL);
    json_t *o;

    if (d->has_purchase)
        time_format_date(d->purchase_day, date);
    if (d->has_cost)
        device_format_cost(d->cost_cents, cost);
    if (d->has_cap)
        device_format_gb(d->data_cap_mb, cap);
    if (d->has_due)
        time_format_date(d->due_day, due);
    o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:s, s:s, s:o, s:s, s:s, "
                  "s:s?, s:b}",
                  "id", (json_int_t)d->id, "asset_tag", d->asset_tag, "serial", d->serial, "model",
                  d->model, "type", d->type, "status", d->status, "funding_source",
                  d->funding_source, "purchase_date", d->has_purchase ? date : NULL,
                  "purchase_cost", d->has_cost ? cost : NULL, "school", d->school_sid, "location",
                  d->location, "notes", notes ? notes : json_object(), "carrier", d->carrier,
                  "plan", d->plan, "data_cap_gb", d->has_cap ? cap : NULL, "overdue",
                  d->holder_id && d->has_due && d->due_day < today(c));
    if (!o)
        return NULL;
    if (d->school_id)
        json_object_set_new(o, "school_id", json_integer(d->school_id));
    else
        json_object_set_new(o, "school_id", json_null());
    if (d->holder_id && holder)
        json_object_set_new(
            o, "holder", json_pack("{s:I, s:s}", "id", (json_int_t)d->holder_id, "name", holder));
    else
        json_object_set_new(o, "holder", json_null());
    json_object_set_new(o, "due_date", d->has_due ? json_string(due) : json_null());
    return o;
}

static json_t *event_json(const struct device_event *e)
{
    char at[40], due[16] = "", cost[24] = "";
    json_t *o;

    time_format_iso8601(e->at_ms, at);
    if (e->has_due)
        time_format_date(e->due_day, due);
    if (e->has_cost)
        device_format_cost(e->cost_cents, cost);
    o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)e->id, "asset_tag",
                  e->asset_tag, "kind", e->kind, "at", at, "condition", e->condition, "note",
                  e->note, "recorded_by", e->recorded_by_name);
    if (!o)
        return NULL;
    json_object_set_new(o, "device_id", json_integer(e->device_id));
    json_object_set_new(
        o, "user",
        e->user_id ? json_pack("{s:I, s:s}", "id", (json_int_t)e->user_id, "name", e->user_name)
                   : json_null());
    json_object_set_new(o, "due_date", e->has_due ? json_string(due) : json_null());
    json_object_set_new(o, "cost", e->has_cost ? json_string(cost) : json_null());
    json_object_set_new(o, "other_asset_tag",
                        e->other_device_id ? json_string(e->other_tag) : json_null());
    if (!strcmp(e->kind, "acknowledgement")) {
        json_object_set_new(o, "guardian", json_string(e->ack_guardian));
        json_object_set_new(o, "method", json_string(e->ack_method));
    }
    return o;
}

/* ---- reads ---- */

struct list {
    const struct ctx *c;
    json_t *arr;
};

static int list_cb(void *arg, const struct device_rec *d, const char *holder)
{
    struct list *l = arg;
    json_t *o = rec_json(l->c, d, holder);
    return o && json_array_append_new(l->arr, o) == 0 ? 0 : -ENOMEM;
}

static bool one_of(const char *s, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(s, names[i]))
            return true;
    return false;
}

int devices_list(struct ctx *c, int64_t district_id, const struct devices_query *q, json_t **ret)
{
    struct access_resource res = {RES_DEVICES, district_id, q->school_id};
    struct device_filter f = {.status = q->status,
                              .type = q->type,
                              .q = q->q,
                              .overdue = q->overdue,
                              .today = today(c),
                              .limit = q->limit > 0 && q->limit <= 500 ? q->limit : 100,
                              .offset = q->offset > 0 ? q->offset : 0};
    struct list l = {.c = c};
    struct grant *g;
    struct db *db;
    int64_t total = 0;
    int r;

    if (q->status && device_status_parse(str_from(q->status)) < 0)
        return ctx_fail(
            c, -EINVAL,
            "status: '%.40s' is not one of in_stock, assigned, in_repair, lost, retired",
            q->status);
    if (q->type && device_type_parse(str_from(q->type)) < 0)
        return ctx_fail(c, -EINVAL,
                        "type: '%.40s' is not one of chromebook, laptop, tablet, hotspot, other",
                        q->type);
    if (q->q && strlen(q->q) > 64)
        return ctx_fail(c, -EINVAL, "q: at most 64 characters");
    if (q->school_id) {
        struct org_info info;
        if ((r = ctx_db(c, &db)) < 0)
            return r;
        if (store_org_info(db, q->school_id, &info) < 0 || info.district_id != district_id ||
            strcmp(info.type, "school") != 0)
            return ctx_fail(c, -ENOENT, "school: not found");
    }
    r = access_check(c, ACT_LIST, &res, &g);
    if (r < 0)
        return r;
    if ((r = ctx_db(c, &db)) < 0)
        return r;
    l.arr = json_array();
    if (!l.arr)
        return -ENOMEM;
    r = store_devices_list(db, g, &f, list_cb, &l, &total);
    if (r < 0) {
        json_decref(l.arr);
        return ctx_fail(c, r, "cannot read the devices");
    }
    *ret = json_pack("{s:I, s:o}", "total", (json_int_t)total, "devices", l.arr);
    return *ret ? 0 : -ENOMEM;
}

static int events_cb(void *arg, const struct device_event *e)
{
    json_t *o = event_json(e);
    return o && json_array_append_new(arg, o) == 0 ? 0 : -ENOMEM;
}

struct one {
    const struct ctx *c;
    json_t *o;
    char holder[256];
};

static int one_cb(void *arg, const struct device_rec *d)
{
    struct one *x = arg;
    x->o = rec_json(x->c, d, x->holder);
    return x->o ? 0 : -ENOMEM;
}

int devices_get(struct ctx *c, int64_t device_id, json_t **ret)
{
    const struct principal *p = c->who;
    struct one x = {.c = c};
    struct dev v = {0};
    struct grant *g;
    struct db *db;
    json_t *events = NULL;
    int r;

    if (!p)
        return ctx_fail(c, -EPERM, "log in first");
    if ((r = ctx_db(c, &db)) < 0)
        return r;
    r = store_device_get(db, p->district_id, device_id, dev_cb, &v);
    if (r == -ENOENT)
        return ctx_fail(c, r, "not found");
    if (r < 0)
        return r;
    struct access_resource res = {RES_DEVICES, p->district_id, v.school_id};
    if ((r = access_check(c, ACT_READ, &res, &g)) < 0)
        return r;
    events = json_array();
    if (!events)
        return -ENOMEM;
    r = store_device_events(db, g, device_id, events_cb, events);
    if (r == 0 && v.holder_id) {
        r = store_device_person(db, p->district_id, v.holder_id, x.holder, sizeof(x.holder));
        if (r == -ENOENT)
            r = 0;
    }
    if (r == 0)
        r = store_device_get(db, p->district_id, device_id, one_cb, &x);
    if (r < 0) {
        json_decref(events);
        json_decref(x.o);
        return ctx_fail(c, r, "cannot read the device");
    }
    *ret = json_pack("{s:o, s:o}", "device", x.o, "events", events);
    return *ret ? 0 : -ENOMEM;
}

static int person_dev_cb(void *arg, const struct device_rec *d)
{
    struct list *l = arg;
    json_t *o = rec_json(l->c, d, NULL);
    if (o)
        json_object_del(o, "holder");
    return o && json_array_append_new(l->arr, o) == 0 ? 0 : -ENOMEM;
}

int devices_person(struct ctx *c, int64_t user_id, json_t **ret)
{
    const struct principal *p = c->who;
    struct list l = {.c = c};
    struct grant *g;
    struct db *db;
    json_t *events;
    int r;

    if (!p)
        return ctx_fail(c, -EPERM, "log in first");
    struct access_resource res = {RES_DEVICE_HISTORY, 0, user_id};
    if ((r = access_check(c, ACT_READ, &res, &g)) < 0)
        return r;
    if ((r = ctx_db(c, &db)) < 0)
        return r;
    l.arr = json_array();
    events = json_array();
    if (!l.arr || !events) {
        json_decref(l.arr);
        json_decref(events);
        return -ENOMEM;
    }
    r = store_person_devices(db, g, person_dev_cb, &l);
    if (r == 0)
        r = store_person_device_events(db, g, events_cb, events);
    if (r < 0) {
        json_decref(l.arr);
        json_decref(events);
        return ctx_fail(c, r, "cannot read the device history");
    }
    *ret = json_pack("{s:I, s:o, s:o}", "user_id", (json_int_t)user_id, "devices", l.arr, "events",
                     events);
    return *ret ? 0 : -ENOMEM;
}

/* ---- changes ---- */

struct change {
    struct ctx *c;
    int64_t district_id;
    json_t *req;
    /* parsed */
    const char *asset_tag, *loaner_tag, *condition, *note, *kind, *guardian, *method, *due;
    json_int_t user_id;
    json_t *cost, *tags;
    int to_repair;
    bool has_due;
    int64_t due_day;
    /* result */
    int64_t device_id, loaner_id, event_id;
    json_t *out;
};

/* A text field of at most max characters (NULL: absent). */
static int text_ok(struct ctx *c, const char *name, const char *v, size_t max)
{
    if (!v)
        return 0;
    if (strlen(v) > max)
        return ctx_fail(c, -EINVAL, "%s: at most %zu characters", name, max);
    if (!str_is_clean_text(str_from(v)))
        return ctx_fail(c, -EINVAL, "%s: control characters", name);
    return 0;
}

static int parse_due(struct change *x)
{
    if (!x->due)
        return 0;
    if (time_parse_date(str_from(x->due), &x->due_day) < 0)
        return ctx_fail(x->c, -EINVAL, "due_date: '%.40s' is not a date (YYYY-MM-DD)", x->due);
    if (x->due_day < today(x->c))
        return ctx_fail(x->c, -EINVAL, "due_date: %s is in the past", x->due);
    x->has_due = true;
    return 0;
}

/* The principal's user id and name for "recorded by". */
static void recorder(const struct ctx *c, struct device_event *e)
{
    const struct principal *p = c->who;
    e->recorded_by = p->kind == PRINCIPAL_USER ? p->user_id : 0;
    e->recorded_by_name = p->name ? p->name : "";
}

/* The device with this tag (field names it in errors): 0, or -ENOENT with ctx->err. */
static int find(struct change *x, struct db *db, const char *field, const char *tag, struct dev *v)
{
    int r = store_device_by_tag(db, x->district_id, tag, dev_cb, v);
    if (r == -ENOENT)
        return ctx_fail(x->c, r, "%s: no device '%.64s'", field, tag);
    return r;
}

/* The gate's write grant for the device's school's devices. */
static int device_grant(struct change *x, const struct dev *v, struct grant **g)
{
    struct access_resource res = {RES_DEVICES, x->district_id, v->school_id};
    return access_check(x->c, ACT_WRITE, &res, g);
}

/* May the caller change this person's device history (and does the person exist)? */
static int person_ok(struct change *x, struct db *db, int64_t user_id, char *name, size_t n)
{
    struct access_resource res = {RES_DEVICE_HISTORY, x->district_id, user_id};
    int r = access_check(x->c, ACT_WRITE, &res, NULL);
    if (r < 0)
        return r;
    r = store_device_person(db, x->district_id, user_id, name, n);
    if (r == -ENOENT)
        return ctx_fail(x->c, -EINVAL, "user_id: no active person %lld", (long long)user_id);
    return r;
}

/* Can v be lent now? 0, or -EEXIST / -EINVAL with the reason. */
static int lendable(struct change *x, const char *field, const struct dev *v)
{
    if (v->holder_id)
        return ctx_fail(x->c, -EEXIST, "%s: '%s' is lent to someone: check it in first", field,
                        v->asset_tag);
    if (strcmp(v->status, "in_stock") != 0 && strcmp(v->status, "assigned") != 0)
        return ctx_fail(x->c, -EINVAL, "%s: '%s' is %s: it cannot be lent", field, v->asset_tag,
                        v->status);
    return 0;
}

/* Lend v to user_id: the check_out event and the loan. */
static int lend(struct change *x, struct db *db, struct grant *g, const struct dev *v,
                int64_t user_id, int64_t other_id, const char *condition)
{
    struct device_event e = {.device_id = v->id,
                             .kind = "check_out",
                             .at_ms = x->c->now_ms,
                             .user_id = user_id,
                             .has_due = x->has_due,
                             .due_day = x->due_day,
                             .condition = condition,
                             .note = x->note,
                             .other_device_id = other_id};
    int r;

    recorder(x->c, &e);
    r = store_device_event_insert(db, g, &e, &x->event_id);
    if (r == 0)
        r = store_device_set_loan(db, g, v->id, user_id, x->has_due, x->due_day, "assigned",
                                  x->c->now_ms);
    return r;
}

/* Take v back: the check_in event (from its holder) and the end of the loan. */
static int take_back(struct change *x, struct db *db, struct grant *g, const struct dev *v,
                     int64_t other_id, const char *status)
{
    struct device_event e = {.device_id = v->id,
                             .kind = "check_in",
                             .at_ms = x->c->now_ms,
                             .user_id = v->holder_id,
                             .condition = x->condition,
                             .note = x->note,
                             .other_device_id = other_id};
    int r;

    recorder(x->c, &e);
    r = store_device_event_insert(db, g, &e, &x->event_id);
    if (r == 0)
        r = store_device_set_loan(db, g, v->id, 0, false, 0, status, x->c->now_ms);
    return r;
}

static int check_out_tx(struct db *db, void *arg)
{
    struct change *x = arg;
    struct dev v = {0};
    struct grant *g;
    char name[256];
    int r;

    if ((r = find(x, db, "asset_tag", x->asset_tag, &v)) < 0)
        return r;
    if ((r = device_grant(x, &v, &g)) < 0)
        return r;
    if ((r = person_ok(x, db, x->user_id, name, sizeof(name))) < 0)
        return r;
    if ((r = lendable(x, "asset_tag", &v)) < 0)
        return r;
    x->device_id = v.id;
    return lend(x, db, g, &v, x->user_id, 0, x->condition);
}

static int check_in_tx(struct db *db, void *arg)
{
    struct change *x = arg;
    struct dev v = {0};
    struct grant *g;
    int r;

    if ((r = find(x, db, "asset_tag", x->asset_tag, &v)) < 0)
        return r;
    if ((r = device_grant(x, &v, &g)) < 0)
        return r;
    if (!v.holder_id)
        return ctx_fail(x->c, -EINVAL, "asset_tag: '%s' is not lent to anyone", v.asset_tag);
    x->device_id = v.id;
    return take_back(x, db, g, &v, 0, x->to_repair > 0 ? "in_repair" : "in_stock");
}

static int swap_tx(struct db *db, void *arg)
{
    struct change *x = arg;
    struct dev v = {0}, w = {0};
    struct grant *g, *gw;
    char name[256];
    int r;

    if ((r = find(x, db, "asset_tag", x->asset_tag, &v)) < 0 ||
        (r = find(x, db, "loaner_tag", x->loaner_tag, &w)) < 0)
        return r;
    if ((r = device_grant(x, &v, &g)) < 0 || (r = device_grant(x, &w, &gw)) < 0)
        return r;
    if (!v.holder_id)
        return ctx_fail(x->c, -EINVAL, "asset_tag: '%s' is not lent to anyone", v.asset_tag);
    if (v.id == w.id)
        return ctx_fail(x->c, -EINVAL, "loaner_tag: the same device as asset_tag");
    if ((r = lendable(x, "loaner_tag", &w)) < 0)
        return r;
    if ((r = person_ok(x, db, v.holder_id, name, sizeof(name))) < 0)
        return r;
    int64_t holder = v.holder_id;
    x->device_id = v.id;
    x->loaner_id = w.id;
    if (!x->has_due && v.has_due) { /* the loaner is due when the device was */
        x->has_due = true;
        x->due_day = v.due_day;
    }
    if ((r = take_back(x, db, g, &v, w.id, "in_repair")) < 0)
        return r;
    return lend(x, db, gw, &w, holder, v.id, "");
}

static int incident_tx(struct db *db, void *arg)
{
    struct change *x = arg;
    struct dev v = {0};
    struct grant *g;
    const char *status;
    bool end_loan = false;
    int r;

    if ((r = find(x, db, "asset_tag", x->asset_tag, &v)) < 0)
        return r;
    if ((r = device_grant(x, &v, &g)) < 0)
        return r;
    x->device_id = v.id;
    status = v.status;
    if (!strcmp(x->kind, "loss")) {
        if (!strcmp(v.status, "lost"))
            return ctx_fail(x->c, -EINVAL, "kind: '%s' is already lost", v.asset_tag);
        status = "lost";
        end_loan = true;
    } else if (!strcmp(x->kind, "repaired")) {
        if (strcmp(v.status, "in_repair") != 0)
            return ctx_fail(x->c, -EINVAL, "kind: '%s' is not in repair", v.asset_tag);
        status = "in_stock";
    } else if (!strcmp(x->kind, "found")) {
        if (strcmp(v.status, "lost") != 0)
            return ctx_fail(x->c, -EINVAL, "kind: '%s' is not lost", v.asset_tag);
        status = "in_stock";
    }
    struct device_event e = {.device_id = v.id,
                             .kind = x->kind,
                             .at_ms = x->c->now_ms,
                             .user_id = v.holder_id,
                             .note = x->note};
    if (x->cost) {
        const char *why = "";
        char buf[32];
        if (json_is_string(x->cost))
            snprintf(buf, sizeof(buf), "%s", json_string_value(x->cost));
        else if (json_is_integer(x->cost))
            snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(x->cost));
        else if (json_is_real(x->cost))
            snprintf(buf, sizeof(buf), "%.2f", json_real_value(x->cost));
        else
            buf[0] = 0;
        if (device_parse_cost(str_from(buf), &e.cost_cents, &why) < 0)
            return ctx_fail(x->c, -EINVAL, "cost: %s", buf[0] ? why : "a decimal number");
        e.has_cost = true;
    }
    recorder(x->c, &e);
    if ((r = store_device_event_insert(db, g, &e, &x->event_id)) < 0)
        return r;
    if (end_loan || status != v.status)
        r = store_device_set_loan(db, g, v.id, end_loan ? 0 : v.holder_id, !end_loan && v.has_due,
                                  v.due_day, status, x->c->now_ms);
    return r;
}

static int acknowledge_tx(struct db *db, void *arg)
{
    struct change *x = arg;
    struct dev v = {0};
    struct grant *g;
    char name[256];
    int r;

    if ((r = find(x, db, "asset_tag", x->asset_tag, &v)) < 0)
        return r;
    if ((r = device_grant(x, &v, &g)) < 0)
        return r;
    if ((r = person_ok(x, db, x->user_id, name, sizeof(name))) < 0)
        return r;
    if (v.holder_id != x->user_id)
        return ctx_fail(x->c, -EINVAL, "asset_tag: '%s' is not lent to user %lld", v.asset_tag,
                        (long long)x->user_id);
    struct device_event e = {.device_id = v.id,
                             .kind = "acknowledgement",
                             .at_ms = x->c->now_ms,
                             .user_id = x->user_id,
                             .note = x->note,
                             .ack_method = x->method,
                             .ack_guardian = x->guardian};
    recorder(x->c, &e);
    x->device_id = v.id;
    return store_device_event_insert(db, g, &e, &x->event_id);
}

static int run(struct change *x, int (*fn)(struct db *, void *))
{
    struct db *db;
    int r;

    if (!x->c->who)
        return ctx_fail(x->c, -EPERM, "log in first");
    if ((r = ctx_db(x->c, &db)) < 0)
        return r;
    access_read_end(x->c);
    r = store_tx(db, fn, x);
    if (r < 0 && !x->c->err[0])
        ctx_fail(x->c, r, "cannot save the change");
    return r;
}

/* After a change: the device as it is now, read as the list reads it. */
static int device_now(struct change *x, int64_t device_id, json_t **ret)
{
    json_t *o = NULL;
    int r = devices_get(x->c, device_id, &o);
    if (r < 0)
        return r;
    *ret = json_incref(json_object_get(o, "device"));
    json_decref(o);
    return 0;
}

static int unpack(struct change *x, const char *fmt, ...)
{
    json_error_t jerr;
    va_list ap;
    int r;

    va_start(ap, fmt);
    r = json_vunpack_ex(x->req, &jerr, JSON_STRICT, fmt, ap);
    va_end(ap);
    if (r < 0)
        return ctx_fail(x->c, -EINVAL, "%s", jerr.text);
    if (text_ok(x->c, "asset_tag", x->asset_tag, 64) < 0 ||
        text_ok(x->c, "loaner_tag", x->loaner_tag, 64) < 0 ||
        text_ok(x->c, "condition", x->condition, 500) < 0 ||
        text_ok(x->c, "note", x->note, 2000) < 0 || text_ok(x->c, "guardian", x->guardian, 200) < 0)
        return -EINVAL;
    return parse_due(x);
}

int devices_check_out(struct ctx *c, int64_t district_id, json_t *req, json_t **ret)
{
    struct change x = {.c = c, .district_id = district_id, .req = req};
    int r = unpack(&x, "{s:s, s:I, s?s, s?s, s?s}", "asset_tag", &x.asset_tag, "user_id",
                   &x.user_id, "due_date", &x.due, "condition", &x.condition, "note", &x.note);
    if (r < 0 || (r = run(&x, check_out_tx)) < 0)
        return r;
    return device_now(&x, x.device_id, ret);
}

int devices_check_in(struct ctx *c, int64_t district_id, json_t *req, json_t **ret)
{
    struct change x = {.c = c, .district_id = district_id, .req = req};
    int r = unpack(&x, "{s:s, s?s, s?s, s?b}", "asset_tag", &x.asset_tag, "condition", &x.condition,
                   "note", &x.note, "to_repair", &x.to_repair);
    if (r < 0 || (r = run(&x, check_in_tx)) < 0)
        return r;
    return device_now(&x, x.device_id, ret);
}

int devices_swap(struct ctx *c, int64_t district_id, json_t *req, json_t **ret)
{
    struct change x = {.c = c, .district_id = district_id, .req = req};
    json_t *a = NULL, *b = NULL;
    int r = unpack(&x, "{s:s, s:s, s?s, s?s, s?s}", "asset_tag", &x.asset_tag, "loaner_tag",
                   &x.loaner_tag, "due_date", &x.due, "condition", &x.condition, "note", &x.note);
    if (r < 0 || (r = run(&x, swap_tx)) < 0)
        return r;
    if ((r = device_now(&x, x.device_id, &a)) < 0 || (r = device_now(&x, x.loaner_id, &b)) < 0) {
        json_decref(a);
        return r;
    }
    *ret = json_pack("{s:o, s:o}", "returned", a, "loaner", b);
    return *ret ? 0 : -ENOMEM;
}

int devices_incident(struct ctx *c, int64_t district_id, json_t *req, json_t **ret)
{
    static const char *const kinds[] = {"damage", "loss", "repaired", "found"};
    struct change x = {.c = c, .district_id = district_id, .req = req};
    int r = unpack(&x, "{s:s, s:s, s?o, s?s}", "asset_tag", &x.asset_tag, "kind", &x.kind, "cost",
                   &x.cost, "note", &x.note);
    if (r < 0)
        return r;
    if (!one_of(x.kind, kinds, (int)ARRAY_SIZE(kinds)))
        return ctx_fail(c, -EINVAL, "kind: '%.40s' is not one of damage, loss, repaired, found",
                        x.kind);
    if ((r = run(&x, incident_tx)) < 0)
        return r;
    return device_now(&x, x.device_id, ret);
}

int devices_acknowledge(struct ctx *c, int64_t district_id, json_t *req, json_t **ret)
{
    static const char *const methods[] = {"paper", "online", "in_person", "phone"};
    struct change x = {.c = c, .district_id = district_id, .req = req};
    int r = unpack(&x, "{s:s, s:I, s:s, s:s, s?s}", "asset_tag", &x.asset_tag, "user_id",
                   &x.user_id, "guardian", &x.guardian, "method", &x.method, "note", &x.note);
    if (r < 0)
        return r;
    if (!x.guardian[0])
        return ctx_fail(c, -EINVAL, "guardian: required (the name the guardian signed with)");
    if (!one_of(x.method, methods, (int)ARRAY_SIZE(methods)))
        return ctx_fail(c, -EINVAL, "method: '%.40s' is not one of paper, online, in_person, phone",
                        x.method);
    if ((r = run(&x, acknowledge_tx)) < 0)
        return r;
    char at[40];
    time_format_iso8601(c->now_ms, at);
    *ret = json_pack("{s:I, s:s, s:I, s:s, s:s, s:s}", "id", (json_int_t)x.event_id, "asset_tag",
                     x.asset_tag, "user_id", x.user_id, "guardian", x.guardian, "method", x.method,
                     "at", at);
    return *ret ? 0 : -ENOMEM;
}

/* ---- a class ---- */

struct roster {
    json_t *arr;
    int64_t last;
    /* bulk: the students without a device, in order */
    int64_t *free;
    size_t n_free, cap_free;
};

static int class_cb(void *arg, int64_t user_id, const char *name, int64_t device_id,
                    const char *asset_tag, const char *type)
{
    struct roster *ro = arg;
    json_t *o;

    if (user_id == ro->last) { /* a second device: list it with the first */
        json_t *s = json_array_get(ro->arr, json_array_size(ro->arr) - 1);
        return json_array_append_new(json_object_get(s, "devices"),
                                     json_pack("{s:I, s:s, s:s}", "id", (json_int_t)device_id,
                                               "asset_tag", asset_tag, "type", type));
    }
    ro->last = user_id;
    o = json_pack("{s:I, s:s, s:[]}", "id", (json_int_t)user_id, "name", name, "devices");
    if (!o)
        return -ENOMEM;
    if (device_id)
        json_array_append_new(json_object_get(o, "devices"),
                              json_pack("{s:I, s:s, s:s}", "id", (json_int_t)device_id, "asset_tag",
                                        asset_tag, "type", type));
    else if (ro->n_free < ro->cap_free)
        ro->free[ro->n_free++] = user_id;
    return json_array_append_new(ro->arr, o) == 0 ? 0 : -ENOMEM;
}

/* The class's school (0 when there is no such class in the caller's district). */
static int class_school(struct ctx *c, struct db *db, int64_t class_id, int64_t *ret)
{
    struct class_info ci;
    int r = store_class_info(db, class_id, &ci);
    if (r == -ENOENT || (r == 0 && ci.district_id != c->who->district_id))
        return ctx_fail(c, -ENOENT, "not found");
    if (r < 0)
        return r;
    *ret = ci.school_id;
    return 0;
}

int devices_class(struct ctx *c, int64_t class_id, json_t **ret)
{
    struct roster ro = {0};
    struct grant *g;
    struct db *db;
    int64_t school = 0;
    int r;

    if (!c->who)
        return ctx_fail(c, -EPERM, "log in first");
    if ((r = ctx_db(c, &db)) < 0 || (r = class_school(c, db, class_id, &school)) < 0)
        return r;
    struct access_resource res = {RES_DEVICES, c->who->district_id, school};
    if ((r = access_check(c, ACT_LIST, &res, &g)) < 0)
        return r;
    ro.arr = json_array();
    if (!ro.arr)
        return -ENOMEM;
    r = store_class_devices(db, g, class_id, today(c), class_cb, &ro);
    if (r < 0) {
        json_decref(ro.arr);
        return ctx_fail(c, r, "cannot read the class");
    }
    *ret = json_pack("{s:I, s:o}", "class_id", (json_int_t)class_id, "students", ro.arr);
    return *ret ? 0 : -ENOMEM;
}

struct bulk {
    struct change x;
    int64_t class_id, school;
    json_t *done;
};

static int bulk_tx(struct db *db, void *arg)
{
    struct bulk *b = arg;
    struct change *x = &b->x;
    struct roster ro = {0};
    struct access_resource res = {RES_DEVICES, x->district_id, b->school};
    struct grant *g;
    size_t n = json_array_size(x->tags), i;
    json_t *v;
    int r;

    json_decref(b->done); /* a retried transaction starts over */
    b->done = json_array();
    ro.arr = json_array();
    ro.cap_free = 4096;
    ro.free = mem_calloc(ro.cap_free, sizeof(*ro.free));
    if (!b->done || !ro.arr || !ro.free) {
        r = -ENOMEM;
        goto out;
    }
    if ((r = access_check(x->c, ACT_WRITE, &res, &g)) < 0)
        goto out;
    if ((r = store_class_devices(db, g, b->class_id, today(x->c), class_cb, &ro)) < 0)
        goto out;
    if (n > ro.n_free) {
        r = ctx_fail(x->c, -EINVAL,
                     "asset_tags: %zu devices for %zu students of the class without one", n,
                     ro.n_free);
        goto out;
    }
    json_array_foreach(x->tags, i, v)
    {
        struct dev d = {0};
        char field[48], name[256];
        snprintf(field, sizeof(field), "asset_tags[%zu]", i);
        for (size_t k = 0; k < i; k++)
            if (json_equal(json_array_get(x->tags, k), v)) {
                r = ctx_fail(x->c, -EINVAL, "%s: '%.64s' was scanned twice (also [%zu])", field,
                             json_string_value(v), k);
                goto out;
            }
        if ((r = find(x, db, field, json_string_value(v), &d)) < 0)
            goto out;
        if (d.school_id != b->school) {
            r = ctx_fail(x->c, -EINVAL, "%s: '%s' is not a device of the class's school", field,
                         d.asset_tag);
            goto out;
        }
        if ((r = lendable(x, field, &d)) < 0)
            goto out;
        if ((r = person_ok(x, db, ro.free[i], name, sizeof(name))) < 0)
            goto out;
        if ((r = lend(x, db, g, &d, ro.free[i], 0, x->condition)) < 0)
            goto out;
        json_array_append_new(b->done, json_pack("{s:s, s:I}", "asset_tag", d.asset_tag, "user_id",
                                                 (json_int_t)ro.free[i]));
    }
out:
    json_decref(ro.arr);
    mem_free(ro.free);
    return r;
}

int devices_class_check_out(struct ctx *c, int64_t class_id, json_t *req, json_t **ret)
{
    struct bulk b = {.x = {.c = c, .req = req}, .class_id = class_id};
    json_t *roster = NULL;
    struct db *db;
    size_t i;
    json_t *v;
    int r;

    if (!c->who)
        return ctx_fail(c, -EPERM, "log in first");
    b.x.district_id = c->who->district_id;
    r = unpack(&b.x, "{s:o, s?s, s?s}", "asset_tags", &b.x.tags, "due_date", &b.x.due, "condition",
               &b.x.condition);
    if (r < 0)
        return r;
    if (!json_is_array(b.x.tags) || json_array_size(b.x.tags) == 0 ||
        json_array_size(b.x.tags) > 200)
        return ctx_fail(c, -EINVAL, "asset_tags: a list of 1 to 200 asset tags");
    json_array_foreach(b.x.tags, i, v)
    {
        if (!json_is_string(v) || !json_string_length(v))
            return ctx_fail(c, -EINVAL, "asset_tags[%zu]: an asset tag", i);
        if (text_ok(c, "asset_tags", json_string_value(v), 64) < 0)
            return -EINVAL;
    }
    if ((r = ctx_db(c, &db)) < 0 || (r = class_school(c, db, class_id, &b.school)) < 0)
        return r;
    r = run(&b.x, bulk_tx);
    if (r < 0) {
        json_decref(b.done);
        return r;
    }
    /* the class as it is now: read (and audited) as GET /classes/{id}/devices reads it */
    if ((r = devices_class(c, class_id, &roster)) < 0) {
        json_decref(b.done);
        return r;
    }
    *ret = json_pack("{s:o, s:o}", "checked_out", b.done, "students",
                     json_incref(json_object_get(roster, "students")));
    json_decref(roster);
    return *ret ? 0 : -ENOMEM;
}

static int school_class_cb(void *arg, int64_t class_id, const char *title, const char *type,
                           int64_t students)
{
    json_t *o = json_pack("{s:I, s:s, s:s, s:I}", "id", (json_int_t)class_id, "title", title,
                          "type", type, "students", (json_int_t)students);
    return o && json_array_append_new(arg, o) == 0 ? 0 : -ENOMEM;
}

int devices_school_classes(struct ctx *c, int64_t school_id, json_t **ret)
{
    struct org_info info;
    struct db *db;
    json_t *arr;
    int r;

    if (!c->who)
        return ctx_fail(c, -EPERM, "log in first");
    if ((r = ctx_db(c, &db)) < 0)
        return r;
    if (store_org_info(db, school_id, &info) < 0 || info.district_id != c->who->district_id ||
        strcmp(info.type, "school") != 0)
        return ctx_fail(c, -ENOENT, "not found");
    struct access_resource res = {RES_DEVICES, info.district_id, school_id};
    if ((r = access_check(c, ACT_LIST, &res, NULL)) < 0)
        return r;
    arr = json_array();
    if (!arr)
        return -ENOMEM;
    r = store_school_classes(db, info.district_id, school_id, today(c), school_class_cb, arr);
    if (r < 0) {
        json_decref(arr);
        return ctx_fail(c, r, "cannot read the classes");
    }
    *ret = json_pack("{s:I, s:o}", "school_id", (json_int_t)school_id, "classes", arr);
    return *ret ? 0 : -ENOMEM;
}

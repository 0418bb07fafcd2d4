/*
 * The demo district's devices and hotspots (issue 13): an inventory of
 * about 1.1 devices per student (Chromebooks for the students, laptops for
 * the staff, hotspots for about one student in twelve), some in repair,
 * lost or retired, bought with ESSER, ECF or local funds, imported through
 * the inventory file's import (devices_import), and a term's history
 * through the lending service itself: homerooms checked out at the start
 * of the term by scanning (devices_class_check_out), guardians'
 * acknowledgements, hotspots lent with due dates (some overdue now), swaps
 * for broken screens, some repaired, a few losses with their cost, damage.
 * The clock of the context is moved back for the history (the service
 * takes the time from ctx->now_ms) and put back after.
 *
 * Deterministic: everything follows from the demo set (its schools and
 * classes) and a fixed generator; nothing reads the wall clock but the
 * context's.
 */
#include "base/common.h"

#include <jansson.h>
#include <stdio.h>

#include "app/demo.h"
#include "app/devices.h"
#include "base/buf.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "store/store.h"
#include "store/store_assign.h"
#include "store/store_people.h"

#define DAY_MS 86400000LL

/* A small deterministic generator (xorshift64*). */
static uint64_t next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

static long below(uint64_t *s, long n)
{
    return (long)(next(s) % (uint64_t)n);
}

/* The school's devices as the inventory file lists them: tags SSS-C0001 ... */
static int inventory(const struct demo_set *set, struct buf *b, uint64_t *rng)
{
    static const struct {
        const char *model, *funding, *date, *cost;
    } books[] = {
        {"Acer Chromebook 314", "ESSER III", "2021-08-02", "289.00"},
        {"Dell Chromebook 3100", "ECF", "2022-01-14", "312.50"},
        {"Lenovo 300e Chromebook Gen 3", "local", "2023-07-20", "329.99"},
    };
    long per_school = set->n_students / MAX(1, set->n_schools) + 1;
    int r = buf_appends(b, "asset_tag,serial,model,type,status,funding_source,purchase_date,"
                           "purchase_cost,school_sourced_id,location,carrier,plan,data_cap_gb,"
                           "warranty_end\n");

    for (long s = 1; r == 0 && s <= set->n_schools; s++) {
        long books_n = per_school + 2; /* a few spares */
        long hotspots = per_school / 15 + 1, laptops = per_school / 40 + 1;
        for (long i = 1; r == 0 && i <= books_n; i++) {
            int k = (int)(i % 3);
            long roll = below(rng, 1000);
            const char *status = roll < 20 ? "in_repair" : roll < 35 ? "lost" : "in_stock";
            r = buf_appendf(b,
                            "S%02ld-C%04ld,%s%06ld%02ld,%s,chromebook,%s,%s,%s,%s,sch-%03ld,"
                            "Cart %c,,,,%d-%s\n",
                            s, i,
                            k == 0   ? "NXHQ"
                            : k == 1 ? "5CD"
                                     : "PF3",
                            i, s, books[k].model, status, books[k].funding, books[k].date,
                            books[k].cost, s, (char)('A' + i % 6), k == 2 ? 2026 : 2024,
                            books[k].date + 5);
        }
        for (long i = 1; r == 0 && i <= hotspots; i++)
            r = buf_appendf(b,
                            "S%02ld-H%03ld,HS%04ld%02ld,Kajeet SmartSpot,hotspot,in_stock,ECF,"
                            "2021-09-10,120.00,sch-%03ld,Library,%s,%s,%s,\n",
                            s, i, i, s, s, i % 2 ? "T-Mobile" : "Verizon",
                            i % 2 ? "Education Unlimited" : "Student Connect 25 GB",
                            i % 2 ? "" : "25");
        for (long i = 1; r == 0 && i <= laptops; i++)
            r = buf_appendf(b,
                            "S%02ld-L%03ld,5CG%05ld%02ld,HP ProBook 440 G8,laptop,%s,Title I,"
                            "2020-07-15,849.00,sch-%03ld,Office,,,,2023-07-15\n",
                            s, i, i, s, i == 1 ? "retired" : "in_stock", s);
    }
    /* the district's own stock: spares at the warehouse, some old ones retired */
    for (long i = 1; r == 0 && i <= 6; i++)
        r = buf_appendf(b,
                        "DW-%04ld,OLD%06ld,Samsung Chromebook 3,chromebook,%s,local,2017-08-01,"
                        "219.00,,Warehouse,,,,2020-08-01\n",
                        i, i, i <= 4 ? "retired" : "in_stock");
    return r;
}

struct scan {
    struct ctx *c;
    int64_t district_id;
    uint64_t rng;
    long lent, hotspots, swaps, losses, acks;
};

static int call(struct scan *x, int (*fn)(struct ctx *, int64_t, json_t *, json_t **), json_t *req)
{
    json_t *out = NULL;
    int r;
    if (!req)
        return -ENOMEM;
    x->c->err[0] = 0;
    r = fn(x->c, x->district_id, req, &out);
    json_decref(req);
    json_decref(out);
    return r;
}

/* The in-stock devices of a type at a school, in tag order, as the list reads them. */
static json_t *in_stock(struct scan *x, int64_t school, const char *type)
{
    struct devices_query q = {
        .school_id = school, .status = "in_stock", .type = type, .limit = 500};
    json_t *o = NULL;
    if (devices_list(x->c, x->district_id, &q, &o) < 0)
        return NULL;
    json_t *d = json_incref(json_object_get(o, "devices"));
    json_decref(o);
    return d;
}

static void date_of(int64_t ms, char *out)
{
    time_format_date(ms / DAY_MS, out);
}

/* One homeroom: the scan at t0, acknowledgements, a hotspot or two, and what happened since. */
static int homeroom(struct scan *x, int64_t class_id, int64_t school, int64_t t0, int64_t now)
{
    json_t *books = in_stock(x, school, "chromebook"), *students = NULL, *tags = json_array();
    json_t *out = NULL;
    char due[16];
    size_t i;
    json_t *s;
    int r = 0;

    x->c->now_ms = t0;
    if (!books || !tags) {
        r = -ENOMEM;
        goto out;
    }
    if ((r = devices_class(x->c, class_id, &out)) < 0)
        goto out;
    students = json_incref(json_object_get(out, "students"));
    json_decref(out);
    out = NULL;
    /* the scan at the start of the term, one tag after another (the bulk check-out): the
       students without a device get one in the class list's order, about one in fourteen
       (the last ones) has none (their own device, or none yet) */
    size_t want = 0;
    json_array_foreach(students, i, s) want += json_array_size(json_object_get(s, "devices")) == 0;
    want -= want / 14;
    want = MIN(want, json_array_size(books));
    for (size_t k = 0; k < want; k++)
        json_array_append_new(tags,
                              json_incref(json_object_get(json_array_get(books, k), "asset_tag")));
    if (want == 0)
        goto out;
    {
        json_t *req = json_pack("{s:O, s:s}", "asset_tags", tags, "condition", "good");
        if (!req) {
            r = -ENOMEM;
            goto out;
        }
        x->c->err[0] = 0;
        r = devices_class_check_out(x->c, class_id, req, &out);
        json_decref(req);
        if (r < 0)
            goto out;
        x->lent += (long)want;
        /* the guardians' acknowledgements of the device agreement, as they come in (each one
           a transaction of its own: a sample keeps the demo quick to make) */
        json_array_foreach(json_object_get(out, "checked_out"), i, s)
        {
            static const char *const methods[] = {"paper", "online", "in_person"};
            if (below(&x->rng, 4) != 0)
                continue;
            r = call(x, devices_acknowledge,
                     json_pack("{s:O, s:O, s:s, s:s}", "asset_tag", json_object_get(s, "asset_tag"),
                               "user_id", json_object_get(s, "user_id"), "guardian",
                               "(signed by a guardian)", "method", methods[below(&x->rng, 3)]));
            if (r < 0)
                goto out;
            x->acks++;
        }
        json_decref(out);
        out = NULL;
    }
    /* a hotspot for one student in twelve: a third due already (overdue now), the others
       later */
    json_t *spots = in_stock(x, school, "hotspot");
    json_array_foreach(students, i, s)
    {
        if (!spots || json_array_size(spots) == 0 || below(&x->rng, 12) != 0)
            continue;
        const char *tag = json_string_value(json_object_get(json_array_get(spots, 0), "asset_tag"));
        bool overdue = below(&x->rng, 3) == 0;
        date_of(overdue ? now - (2 + below(&x->rng, 20)) * DAY_MS : now + 30 * DAY_MS, due);
        if (overdue && now - 2 * DAY_MS <= t0)
            date_of(now + 10 * DAY_MS, due);
        r = call(x, devices_check_out,
                 json_pack("{s:s, s:I, s:s, s:s}", "asset_tag", tag, "user_id",
                           json_integer_value(json_object_get(s, "id")), "due_date", due,
                           "condition", "good"));
        if (r < 0) {
            json_decref(spots);
            goto out;
        }
        x->hotspots++;
        json_array_remove(spots, 0);
    }
    json_decref(spots);
    /* weeks later: a broken screen swapped for a spare (repaired or not since), a loss,
       a damage record */
    x->c->now_ms = t0 + (20 + below(&x->rng, 20)) * DAY_MS;
    if (x->c->now_ms < now && json_array_size(tags) > 3) {
        json_t *spare = in_stock(x, school, "chromebook");
        const char *old = json_string_value(json_array_get(tags, 0));
        if (spare && json_array_size(spare)) {
            const char *loaner =
                json_string_value(json_object_get(json_array_get(spare, 0), "asset_tag"));
            r = call(x, devices_swap,
                     json_pack("{s:s, s:s, s:s}", "asset_tag", old, "loaner_tag", loaner,
                               "condition", "cracked screen"));
            if (r == 0) {
                x->swaps++;
                if (below(&x->rng, 2) == 0)
                    r = call(x, devices_incident,
                             json_pack("{s:s, s:s, s:s, s:s}", "asset_tag", old, "kind", "repaired",
                                       "note", "screen replaced", "cost", "45.00"));
            }
        }
        json_decref(spare);
        if (r == 0 && below(&x->rng, 3) == 0) {
            r = call(x, devices_incident,
                     json_pack("{s:s, s:s, s:s, s:s}", "asset_tag",
                               json_string_value(json_array_get(tags, 1)), "kind", "loss", "cost",
                               "289.00", "note", "reported lost by the family"));
            x->losses += r == 0;
        }
        if (r == 0 && below(&x->rng, 2) == 0)
            r = call(x, devices_incident,
                     json_pack("{s:s, s:s, s:s, s:s}", "asset_tag",
                               json_string_value(json_array_get(tags, 2)), "kind", "damage", "cost",
                               "25.00", "note", "missing keys"));
    }
out:
    x->c->now_ms = now;
    json_decref(out);
    json_decref(books);
    json_decref(tags);
    json_decref(students);
    return r;
}

int demo_devices(struct ctx *c, int64_t district_id, const struct demo_set *set,
                 struct demo_devices_report *rep)
{
    struct scan x = {.c = c, .district_id = district_id, .rng = 0x9e3779b97f4a7c15ULL};
    struct devices_report ir;
    struct buf b = BUF_INIT(64 << 20);
    int64_t now = c->now_ms;
    struct db *db;
    int r;

    memset(rep, 0, sizeof(*rep));
    if ((r = inventory(set, &b, &x.rng)) < 0)
        goto out;
    r = devices_import(c, district_id, "demo-devices.csv", b.data, b.len, &ir);
    for (size_t i = 0; r < 0 && i < ir.n_errors && i < 3; i++)
        ctx_fail(c, r, "the demo's devices: %s", ir.errors[i]);
    rep->devices = ir.created;
    devices_report_release(&ir);
    if (r < 0)
        goto out;
    if ((r = ctx_db(c, &db)) < 0)
        goto out;
    /* the history starts at the term's start (or as far back as the rosters go) */
    int64_t t0 = now - 75 * DAY_MS;
    for (long s = 1; r == 0 && s <= set->n_schools; s++) {
        int g0 = s % 3 == 0 ? 6 : 3;
        char sid[32];
        int64_t school = 0;
        snprintf(sid, sizeof(sid), "sch-%03ld", s);
        if ((r = store_org_by_sourced_id(db, district_id, sid, &school)) < 0)
            break;
        for (int gr = g0; r == 0 && gr < g0 + 3; gr++)
            for (char sec = 'a'; r == 0 && sec <= 'z'; sec++) {
                char cls[64];
                int64_t class_id = 0;
                snprintf(cls, sizeof(cls), "cls-%s-g%d%c-hr", sid, gr, sec);
                r = store_assign_class_by_sourced_id(db, district_id, cls, &class_id);
                if (r == -ENOENT) {
                    r = 0;
                    break;
                }
                if (r == 0)
                    r = homeroom(&x, class_id, school, t0, now);
            }
    }
    rep->lent = x.lent;
    rep->hotspots = x.hotspots;
    rep->swaps = x.swaps;
    rep->losses = x.losses;
    rep->acknowledgements = x.acks;
out:
    c->now_ms = now;
    buf_release(&b);
    if (r < 0 && !c->err[0])
        ctx_fail(c, r, "the demo's devices: %s", strerror(-r));
    return r;
}

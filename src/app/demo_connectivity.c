/*
 * The demo district's home connectivity (see demo.h), so the staff page and
 * the survey's figures show data right after `make run`: at each school,
 * about 85% of the students' families have answered the home digital-access
 * survey in the last three weeks (most by the family, some recorded by staff
 * on a family's behalf), with a realistic share of students without an
 * adequate home connection or a device of their own; the households of
 * some of those are referred to low-cost internet programmes, in every
 * status; and each school has held a digital-literacy session for families
 * and one for staff, with attendance.
 *
 * The shares: about 18% of US students lack home broadband (Associated
 * Press analysis of Census data, reported by Education Week, June 2019,
 * "Analysis Indicates Millions of Students Lack Home Internet to Do
 * Homework"); Common Sense Media and BCG (2020, "Closing the K-12 Digital
 * Divide in the Age of Distance Learning") put the students without an
 * adequate connection or device at 15-16 million, about 30%. The draws
 * below give about a fifth of respondents without an adequate connection
 * (23% at the demo's first school: 39 of 171) and about a quarter without
 * a device of their own (shared or none: 46 of 171).
 *
 * The answers are sealed and written in one transaction per school under
 * the gate's write grants (the operator in the district it installs), with
 * one audit entry per school; referrals and sessions go through the
 * connectivity service as any staff member's would.
 */
#include "base/common.h"

#include <stdio.h>

#include "app/access.h"
#include "app/audit.h"
#include "app/connectivity.h"
#include "app/demo.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "core/rng.h"
#include "store/seal.h"
#include "store/store.h"
#include "store/store_connectivity.h"
#include "store/store_people.h"

#define DAY_MS        86400000LL
#define DEMO_NEED_MAX 6 /* referrals per school */

struct weighted {
    const char *v;
    unsigned w; /* weight, out of the list's total */
};

static const char *draw(struct rng *r, const struct weighted *list, size_t n)
{
    unsigned total = 0;
    for (size_t i = 0; i < n; i++)
        total += list[i].w;
    uint32_t x = rng_below(r, total);
    for (size_t i = 0; i < n; i++) {
        if (x < list[i].w)
            return list[i].v;
        x -= list[i].w;
    }
    return list[n - 1].v;
}

#define DRAW(r, list) draw(r, list, ARRAY_SIZE(list))

/* One family's answers, drawn. A new reference. */
static json_t *draw_answers(struct rng *r)
{
    static const struct weighted internet[] = {{"broadband", 80},     {"cellular", 7},
                                               {"school_hotspot", 3}, {"community_wifi", 1},
                                               {"satellite", 1},      {"none", 8}};
    static const struct weighted barrier[] = {
        {"not_affordable", 55}, {"not_available", 20}, {"other", 15}, {"not_desired", 10}};
    static const struct weighted on_broadband[] = {{"yes", 93}, {"sometimes", 6}, {"no", 1}};
    static const struct weighted on_cellular[] = {{"yes", 20}, {"sometimes", 50}, {"no", 30}};
    static const struct weighted on_other[] = {{"yes", 60}, {"sometimes", 30}, {"no", 10}};
    static const struct weighted device[] = {{"chromebook", 45}, {"laptop", 25},     {"desktop", 7},
                                             {"tablet", 6},      {"smartphone", 12}, {"none", 5}};
    const char *it = DRAW(r, internet), *dt = DRAW(r, device);
    json_t *o = json_pack("{s:s, s:s, s:s}", "lang", rng_below(r, 100) < 30 ? "es" : "en",
                          "device_type", dt, "internet_type", it);
    if (!o)
        return NULL;
    if (strcmp(dt, "none")) {
        bool school = !strcmp(dt, "chromebook") || (!strcmp(dt, "laptop") && rng_below(r, 2));
        json_object_set_new(o, "device_provider", json_string(school ? "school" : "personal"));
        /* a school device is rarely shared; a family's often is */
        bool shared = rng_below(r, 100) < (school ? 8 : !strcmp(dt, "smartphone") ? 60 : 35);
        json_object_set_new(o, "device_shared", json_string(shared ? "shared" : "not_shared"));
    }
    if (!strcmp(it, "none"))
        json_object_set_new(o, "barrier", json_string(DRAW(r, barrier)));
    else
        json_object_set_new(o, "internet_adequate",
                            json_string(!strcmp(it, "broadband")  ? DRAW(r, on_broadband)
                                        : !strcmp(it, "cellular") ? DRAW(r, on_cellular)
                                                                  : DRAW(r, on_other)));
    return o;
}

struct school_demo {
    struct ctx *c;
    int64_t district, school;
    struct rng rng;
    int64_t *students; /* the school's students (mem_alloc) */
    size_t n, cap;
    int64_t need[DEMO_NEED_MAX]; /* students without an adequate connection, to refer */
    size_t n_need;
    int64_t answered;
};

static int student_cb(void *arg, const struct conn_student *s)
{
    struct school_demo *x = arg;
    if (x->n == x->cap) {
        size_t cap = x->cap ? 2 * x->cap : 256;
        int64_t *p = mem_realloc(x->students, cap * sizeof(*p));
        if (!p)
            return -ENOMEM;
        x->students = p;
        x->cap = cap;
    }
    x->students[x->n++] = s->id;
    return 0;
}

static int answers_tx(struct db *db, void *arg)
{
    struct school_demo *x = arg;
    struct ctx *c = x->c;
    struct access_resource res = {RES_SCHOOL_CONNECTIVITY, x->district, x->school};
    struct buf sealed = BUF_INIT(64 * 1024);
    int64_t *answered = NULL;
    struct grant *g;
    int r;

    x->n = x->n_need = 0;
    x->answered = 0;
    if ((r = access_check(c, ACT_WRITE, &res, &g)) < 0)
        return r;
    if ((r = store_conn_school_students(db, g, 0, c->now_ms / DAY_MS, student_cb, x)) < 0)
        goto out;
    answered = mem_calloc(x->n + 1, sizeof(*answered));
    if (!answered) {
        r = -ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < x->n; i++) {
        if (rng_below(&x->rng, 100) >= 85)
            continue; /* no answer yet */
        json_t *drawn = draw_answers(&x->rng), *canon = NULL;
        if (!drawn) {
            r = -ENOMEM;
            goto out;
        }
        r = conn_answer_parse(c, drawn, false, &canon);
        json_decref(drawn);
        if (r < 0)
            goto out; /* the draws give only valid answers: a bug */
        char *text = json_dumps(canon, JSON_COMPACT | JSON_SORT_KEYS);
        const char *it = json_string_value(json_object_get(canon, "internet_type"));
        const char *ia = json_string_value(json_object_get(canon, "internet_adequate"));
        bool adequate = strcmp(it, "none") && ia && !strcmp(ia, "yes");
        json_decref(canon);
        if (!text) {
            r = -ENOMEM;
            goto out;
        }
        r = seal_encrypt(store_seal(c->store), text, strlen(text), &sealed);
        free(text);
        if (r < 0)
            goto out;
        bool by_staff = rng_below(&x->rng, 100) < 15;
        struct conn_answer a = {
            .user_id = x->students[i],
            .source = by_staff ? "staff" : "family",
            .answered_ms = c->now_ms - (int64_t)rng_below(&x->rng, 21 * 24) * 3600000LL,
            .sealed = sealed.data,
            .sealed_len = sealed.len,
        };
        int64_t id;
        if ((r = store_conn_household(db, x->district, a.user_id, &a.household_id)) < 0 ||
            (r = store_conn_answer_insert(db, x->district, &a, &id)) < 0)
            goto out;
        answered[x->answered++] = a.user_id;
        if (!adequate && x->n_need < DEMO_NEED_MAX)
            x->need[x->n_need++] = a.user_id;
    }
    struct audit_entry e = {
        .district_id = x->district,
        .action = "change",
        .object = arena_printf(c->arena, "school:%lld:connectivity", (long long)x->school),
        .subjects = answered,
        .n_subjects = (size_t)x->answered,
        .detail = arena_printf(c->arena, "demo: %lld home connectivity survey answers recorded",
                               (long long)x->answered),
    };
    r = e.object && e.detail ? audit_append(c, db, &e) : -ENOMEM;
out:
    mem_free(answered);
    buf_release(&sealed);
    return r;
}

/* Referrals of the students in need, one in each status and then some. */
static int demo_referrals(struct school_demo *x)
{
    static const char *const path[DEMO_NEED_MAX][3] = {
        {NULL, NULL, NULL},       {"applied", NULL, NULL}, {"applied", "enrolled", NULL},
        {"declined", NULL, NULL}, {"applied", NULL, NULL}, {"applied", "enrolled", NULL}};
    static const char *const programmes[] = {"lifeline", "provider_plan", "provider_plan",
                                             "state_program"};
    static const char *const providers[] = {"", "Valley Cable Internet Assist",
                                            "Cedar Wireless Connect", ""};
    static const char *const notes[] = {"applied online with the navigator",
                                        "enrolled: service starts next week",
                                        "the family chose to wait"};
    struct ctx *c = x->c;
    for (size_t i = 0; i < x->n_need; i++) {
        size_t p = i % ARRAY_SIZE(programmes);
        json_t *body = json_pack("{s:s}", "programme", programmes[p]), *out = NULL;
        if (!body)
            return -ENOMEM;
        if (providers[p][0])
            json_object_set_new(body, "provider", json_string(providers[p]));
        int r = conn_referral_create(c, x->need[i], body, &out);
        json_decref(body);
        if (r < 0)
            return r;
        int64_t id = json_integer_value(json_object_get(out, "id"));
        json_decref(out);
        for (size_t k = 0; k < 3 && path[i][k]; k++) {
            const char *st = path[i][k];
            const char *note = !strcmp(st, "applied")    ? notes[0]
                               : !strcmp(st, "enrolled") ? notes[1]
                                                         : notes[2];
            body = json_pack("{s:s, s:s}", "status", st, "note", note);
            if (!body)
                return -ENOMEM;
            r = conn_referral_update(c, id, body, &out);
            json_decref(body);
            json_decref(out);
            if (r < 0)
                return r;
        }
    }
    return 0;
}

/* A session for families two weeks ago and one for staff last week, with who came. */
static int demo_sessions(struct school_demo *x)
{
    struct ctx *c = x->c;
    int64_t today = c->now_ms / DAY_MS;
    struct {
        const char *audience, *topic, *title, *lang;
        int64_t day, walk_ins;
        size_t present;
    } s[] = {
        {"families", "low_cost_internet", "Internet a bajo costo: cómo inscribirse", "es",
         today - 14, 9, 6},
        {"students", "online_safety", "Staying safe and private online", "en", today - 7, 0, 8},
    };
    for (size_t i = 0; i < ARRAY_SIZE(s); i++) {
        char date[16];
        json_t *out = NULL, *present = json_array();
        time_format_date(s[i].day, date);
        json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:s}", "audience", s[i].audience, "topic",
                                 s[i].topic, "title", s[i].title, "lang", s[i].lang, "date", date);
        if (!body || !present) {
            json_decref(body);
            json_decref(present);
            return -ENOMEM;
        }
        int r = conn_session_create(c, x->school, body, &out);
        json_decref(body);
        if (r < 0) {
            json_decref(present);
            return r;
        }
        int64_t id = json_integer_value(json_object_get(out, "id"));
        json_decref(out);
        for (size_t k = 0; k < s[i].present && k < x->n; k++)
            json_array_append_new(present, json_integer(x->students[(k * 7 + i) % x->n]));
        body = json_pack("{s:o, s:I}", "present", present, "walk_ins", (json_int_t)s[i].walk_ins);
        if (!body)
            return -ENOMEM;
        r = conn_session_attendance(c, id, body, &out);
        json_decref(body);
        json_decref(out);
        if (r < 0)
            return r;
    }
    return 0;
}

static int school_cb(void *arg, const struct school_counts *s)
{
    int64_t **list = arg;
    size_t n = 0;
    while ((*list)[n])
        n++;
    if (n >= 63)
        return 0;
    (*list)[n] = s->id;
    return 0;
}

int demo_connectivity(struct ctx *c, int64_t district_id, uint64_t seed)
{
    int64_t *schools = mem_calloc(64, sizeof(*schools));
    struct db *db;
    int r;

    if (!schools)
        return -ENOMEM;
    if ((r = ctx_db(c, &db)) == 0)
        r = store_schools(db, district_id, 0, school_cb, &schools);
    for (size_t i = 0; r == 0 && schools[i]; i++) {
        struct school_demo x = {.c = c, .district = district_id, .school = schools[i]};
        rng_seed(&x.rng, (seed ? seed : 1) * 1000003u + (uint64_t)schools[i]);
        access_read_end(c);
        r = store_tx(db, answers_tx, &x);
        if (r == 0)
            r = demo_referrals(&x);
        if (r == 0 && x.n)
            r = demo_sessions(&x);
        mem_free(x.students);
    }
    mem_free(schools);
    if (r < 0) {
        char why[sizeof(c->err)];
        snprintf(why, sizeof(why), "%s", c->err);
        return ctx_fail(c, r, "cannot make the demo's home connectivity: %s", why);
    }
    return 0;
}

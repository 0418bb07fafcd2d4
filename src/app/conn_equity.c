/*
 * The equity dashboard's home-connectivity figures (see connectivity.h):
 * for a district (its schools, its grades, each school's grades) or one
 * school (its grades), the students whose families answered the survey,
 * and how many of them lack an adequate connection or a device of their
 * own; and the join with learning: the weekly practice and the mastery
 * growth of the students with and without an adequate connection, their
 * difference and its 95% interval (core/diffci.h).
 *
 * Small cells: the same rule as the school and district views
 * (schoolview.h): the cells are groups of students who answered, related as
 * district = schools = grades, school = its grades, grade = the schools'
 * cells of that grade; suppress_table() hides every group of fewer than
 * SV_MIN_CELL students and the complements that would give one away. A
 * hidden group shows none of its figures. The learning comparison needs
 * SV_MIN_CELL students on each side. The whole view is one aggregate audit
 * entry (the gate's), with the number of students it covers.
 */
#include "base/common.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>

#include "app/access.h"
#include "app/connectivity.h"
#include "app/schoolview.h"
#include "core/diffci.h"
#include "core/suppress.h"
#include "store/seal.h"
#include "store/store.h"
#include "store/store_connectivity.h"
#include "store/store_people.h"

#define DAY_MS 86400000LL

struct erow {
    int64_t school;
    char grade[8];
    bool adequate, dedicated;
    double answers_per_week, growth;
};

struct eq {
    struct ctx *c;
    int weeks;
    struct erow *rows;
    size_t n, cap;
};

enum { C_TOP, C_SCHOOL, C_GRADE, C_SCHOOL_GRADE };

struct ecell {
    int kind;
    int64_t school;
    const char *grade;
    int64_t surveyed, no_adequate, no_device;
};

static int row_cb(void *arg, const struct conn_equity_row *r)
{
    struct eq *x = arg;
    struct buf b = BUF_INIT(64 * 1024);
    json_t *a = NULL;
    if (seal_decrypt(store_seal(x->c->store), r->sealed, r->sealed_len, &b) == 0)
        a = json_loadb(b.data, b.len, 0, NULL);
    if (b.data)
        sodium_memzero(b.data, b.len);
    buf_release(&b);
    if (!a)
        return 0; /* an answer that does not open is not counted (the key is wrong) */
    if (x->n == x->cap) {
        size_t cap = x->cap ? 2 * x->cap : 1024;
        struct erow *p = arena_alloc(x->c->arena, cap * sizeof(*p));
        if (!p) {
            json_decref(a);
            return -ENOMEM;
        }
        if (x->n)
            memcpy(p, x->rows, x->n * sizeof(*p));
        x->rows = p;
        x->cap = cap;
    }
    struct erow *e = &x->rows[x->n++];
    const char *it = json_string_value(json_object_get(a, "internet_type"));
    const char *ia = json_string_value(json_object_get(a, "internet_adequate"));
    const char *dt = json_string_value(json_object_get(a, "device_type"));
    const char *ds = json_string_value(json_object_get(a, "device_shared"));
    e->adequate = it && strcmp(it, "none") && ia && !strcmp(ia, "yes");
    e->dedicated = dt && strcmp(dt, "none") && ds && !strcmp(ds, "not_shared");
    json_decref(a);
    e->school = r->school_id;
    size_t k = 0;
    for (; r->grade[k] && r->grade[k] != ',' && r->grade[k] != ' ' && k + 1 < sizeof(e->grade); k++)
        e->grade[k] = r->grade[k];
    e->grade[k] = '\0';
    e->answers_per_week = (double)r->answers / x->weeks;
    e->growth = (double)r->growth;
    return 0;
}

static void *arena_mem(void *arg, size_t n)
{
    return arena_alloc(arg, n);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static double round3(double v)
{
    return isfinite(v) ? round(v * 1000.0) / 1000.0 : 0;
}

static json_t *cell_json(const struct ecell *e, uint8_t state)
{
    if (state != SUPP_SHOWN)
        return json_pack("{s:b, s:s}", "suppressed", 1, "reason",
                         state == SUPP_PRIMARY ? "fewer_than_min" : "complement");
    return json_pack(
        "{s:I, s:I, s:f, s:I, s:f}", "surveyed", (json_int_t)e->surveyed,
        "without_adequate_connection", (json_int_t)e->no_adequate,
        "share_without_adequate_connection", round3((double)e->no_adequate / (double)e->surveyed),
        "without_dedicated_device", (json_int_t)e->no_device, "share_without_dedicated_device",
        round3((double)e->no_device / (double)e->surveyed));
}

/* One comparison of the two groups, or why it is not shown. */
static json_t *compare(const struct eq *x, bool growth)
{
    size_t na = 0, nb = 0;
    double *a = arena_alloc(x->c->arena, (x->n + 1) * sizeof(double));
    double *b = arena_alloc(x->c->arena, (x->n + 1) * sizeof(double));
    struct diff_ci ci;
    if (!a || !b)
        return NULL;
    for (size_t i = 0; i < x->n; i++) {
        double v = growth ? x->rows[i].growth : x->rows[i].answers_per_week;
        if (x->rows[i].adequate)
            a[na++] = v;
        else
            b[nb++] = v;
    }
    if (na < SV_MIN_CELL || nb < SV_MIN_CELL)
        return json_pack("{s:b, s:s}", "suppressed", 1, "reason", "fewer_than_min");
    if (diff_means_ci(a, na, b, nb, 0.95, &ci) < 0)
        return json_pack("{s:b, s:s}", "suppressed", 1, "reason", "no_estimate");
    return json_pack("{s:f, s:f, s:f, s:f, s:f, s:f}", "mean_with_adequate", round3(ci.mean_a),
                     "mean_without_adequate", round3(ci.mean_b), "difference", round3(ci.diff),
                     "ci95_low", round3(ci.lo), "ci95_high", round3(ci.hi), "df", round3(ci.df));
}

struct names {
    int64_t id[64];
    char name[64][256];
    size_t n;
};

static int name_cb(void *arg, const struct school_counts *s)
{
    struct names *nm = arg;
    if (nm->n < ARRAY_SIZE(nm->id)) {
        nm->id[nm->n] = s->id;
        snprintf(nm->name[nm->n], sizeof(nm->name[0]), "%s", s->name);
        nm->n++;
    }
    return 0;
}

static const char *school_name(const struct names *nm, int64_t id)
{
    for (size_t i = 0; i < nm->n; i++)
        if (nm->id[i] == id)
            return nm->name[i];
    return "";
}

int conn_equity(struct ctx *c, bool district, int64_t id, int weeks, json_t **ret)
{
    struct access_resource res = {district ? RES_DISTRICT_EQUITY : RES_SCHOOL_EQUITY, 0, id};
    struct eq x = {.c = c, .weeks = weeks};
    struct names *nm = arena_calloc(c->arena, 1, sizeof(*nm));
    struct grant *g;
    struct db *db;
    int r;

    if (!nm)
        return ctx_fail(c, -ENOMEM, "out of memory");
    if (weeks < 1 || weeks > SV_MAX_WEEKS)
        return ctx_fail(c, -EINVAL, "weeks: a whole number from 1 to %d", SV_MAX_WEEKS);
    if ((r = access_check(c, ACT_READ, &res, &g)) < 0)
        return r;
    if ((r = ctx_db(c, &db)) < 0)
        return r;
    /* model_weekly's weeks: (day + 3) / 7, so a week starts on a Monday */
    int64_t day = c->now_ms / DAY_MS, week_now = (day + 3) / 7;
    if ((r = store_conn_equity_rows(db, g, week_now - weeks + 1, row_cb, &x)) < 0 ||
        (r = store_schools(db, access_grant_district(g), 0, name_cb, nm)) < 0)
        return ctx_fail(c, r, "cannot read the survey's answers");

    /* the cells: the top (district or school), schools, grades, school grades */
    int64_t *schools = arena_alloc(c->arena, (x.n + 1) * sizeof(int64_t));
    const char **grades = arena_alloc(c->arena, (x.n + 1) * sizeof(char *));
    if (!schools || !grades)
        return ctx_fail(c, -ENOMEM, "out of memory");
    size_t ns = 0, ng = 0;
    for (size_t i = 0; i < x.n; i++) {
        schools[ns++] = x.rows[i].school;
        grades[ng++] = x.rows[i].grade;
    }
    qsort(schools, ns, sizeof(*schools), cmp_i64);
    qsort(grades, ng, sizeof(*grades), cmp_str);
    size_t us = 0, ug = 0;
    for (size_t i = 0; i < ns; i++)
        if (us == 0 || schools[us - 1] != schools[i])
            schools[us++] = schools[i];
    for (size_t i = 0; i < ng; i++)
        if (ug == 0 || strcmp(grades[ug - 1], grades[i]))
            grades[ug++] = grades[i];
    if (!district)
        us = 0; /* the school is the top */
    size_t n_cells = 1 + us + ug + us * ug;
    struct ecell *cell = arena_calloc(c->arena, n_cells, sizeof(*cell));
    int64_t *count = arena_calloc(c->arena, n_cells, sizeof(*count));
    uint8_t *state = arena_calloc(c->arena, n_cells, 1);
    uint32_t *parts = arena_alloc(c->arena, (4 * n_cells + 1) * sizeof(uint32_t));
    struct supp_relation *rel = arena_calloc(c->arena, 2 + us + ug, sizeof(*rel));
    if (!cell || !count || !state || !parts || !rel)
        return ctx_fail(c, -ENOMEM, "out of memory");
#define SCHOOL_CELL(s) (1 + (s))
#define GRADE_CELL(gr) (1 + us + (gr))
#define SG_CELL(s, gr) (1 + us + ug + (s)*ug + (gr))
    for (size_t i = 0; i < x.n; i++) {
        const struct erow *e = &x.rows[i];
        size_t s = 0, gr = 0;
        while (s < us && schools[s] != e->school)
            s++;
        while (gr < ug && strcmp(grades[gr], e->grade))
            gr++;
        size_t hit[4] = {0, GRADE_CELL(gr), district ? SCHOOL_CELL(s) : 0,
                         district ? SG_CELL(s, gr) : 0};
        for (size_t k = 0; k < (district ? 4u : 2u); k++) {
            cell[hit[k]].surveyed++;
            cell[hit[k]].no_adequate += !e->adequate;
            cell[hit[k]].no_device += !e->dedicated;
        }
    }
    for (size_t k = 0; k < n_cells; k++)
        count[k] = cell[k].surveyed;
    /* the relations everyone reading the figures knows */
    size_t nr = 0, np = 0;
    if (district) {
        rel[nr] = (struct supp_relation){0, parts + np, 0};
        for (size_t s = 0; s < us; s++)
            parts[np++] = (uint32_t)SCHOOL_CELL(s);
        rel[nr].n_parts = (uint32_t)us;
        nr++;
    }
    rel[nr] = (struct supp_relation){0, parts + np, 0};
    for (size_t gr = 0; gr < ug; gr++)
        parts[np++] = (uint32_t)GRADE_CELL(gr);
    rel[nr].n_parts = (uint32_t)ug;
    nr++;
    if (district) {
        for (size_t s = 0; s < us; s++) {
            rel[nr] = (struct supp_relation){(uint32_t)SCHOOL_CELL(s), parts + np, 0};
            for (size_t gr = 0; gr < ug; gr++)
                if (count[SG_CELL(s, gr)])
                    parts[np++] = (uint32_t)SG_CELL(s, gr);
            rel[nr].n_parts = (uint32_t)(parts + np - rel[nr].parts);
            nr++;
        }
        for (size_t gr = 0; gr < ug; gr++) {
            rel[nr] = (struct supp_relation){(uint32_t)GRADE_CELL(gr), parts + np, 0};
            for (size_t s = 0; s < us; s++)
                if (count[SG_CELL(s, gr)])
                    parts[np++] = (uint32_t)SG_CELL(s, gr);
            rel[nr].n_parts = (uint32_t)(parts + np - rel[nr].parts);
            nr++;
        }
    }
    struct supp_table t = {n_cells, count, rel, nr};
    struct supp_alloc mem = {arena_mem, c->arena};
    if (x.n && (r = suppress_table(&t, SV_MIN_CELL, &mem, state)) < 0)
        return ctx_fail(c, r, "cannot suppress the small cells");

    json_t *o = json_pack("{s:s, s:I, s:i, s:i, s:o}", "scope", district ? "district" : "school",
                          "id", (json_int_t)id, "min_cell", SV_MIN_CELL, "weeks", weeks, "all",
                          x.n ? cell_json(&cell[0], state[0]) : json_pack("{s:i}", "surveyed", 0));
    json_t *gj = json_array(), *sj = json_array();
    if (!o || !gj || !sj) {
        json_decref(o);
        json_decref(gj);
        json_decref(sj);
        return ctx_fail(c, -ENOMEM, "out of memory");
    }
    if (!district)
        json_object_set_new(o, "name", json_string(school_name(nm, id)));
    for (size_t gr = 0; gr < ug; gr++) {
        json_t *v = cell_json(&cell[GRADE_CELL(gr)], state[GRADE_CELL(gr)]);
        if (v)
            json_object_set_new(v, "grade", json_string(grades[gr]));
        json_array_append_new(gj, v);
    }
    for (size_t s = 0; district && s < us; s++) {
        json_t *v = cell_json(&cell[SCHOOL_CELL(s)], state[SCHOOL_CELL(s)]), *sg = json_array();
        for (size_t gr = 0; v && sg && gr < ug; gr++) {
            if (!count[SG_CELL(s, gr)])
                continue;
            json_t *w = cell_json(&cell[SG_CELL(s, gr)], state[SG_CELL(s, gr)]);
            if (w)
                json_object_set_new(w, "grade", json_string(grades[gr]));
            json_array_append_new(sg, w);
        }
        if (v) {
            json_object_set_new(v, "id", json_integer(schools[s]));
            json_object_set_new(v, "name", json_string(school_name(nm, schools[s])));
            json_object_set_new(v, "grades", sg ? sg : json_array());
        }
        json_array_append_new(sj, v);
    }
    json_object_set_new(o, "grades", gj);
    if (district)
        json_object_set_new(o, "schools", sj);
    else
        json_decref(sj);
    /* the join with learning, over the whole scope */
    json_t *learning = x.n && state[0] == SUPP_SHOWN
                           ? json_pack("{s:i, s:o, s:o}", "weeks", weeks, "answers_per_week",
                                       compare(&x, false), "mastery_growth", compare(&x, true))
                           : json_pack("{s:b, s:s}", "suppressed", 1, "reason", "fewer_than_min");
    json_object_set_new(o, "learning", learning ? learning : json_null());
#undef SCHOOL_CELL
#undef GRADE_CELL
#undef SG_CELL
    *ret = o;
    return 0;
}

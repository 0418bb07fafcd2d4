/*
 * The school and district views: see schoolview.h.
 *
 * One table per request, for the whole district: cell 0 the district, then
 * one cell per school, per district grade, per school grade and per
 * (school, grade, reporting class), with the relations district = schools,
 * district = grades, school = its grades, district grade = the schools'
 * cells of that grade, school grade = its classes. Each week of the trend
 * is a table of its own: the district's active students = the schools'.
 * suppress_table() hides; the view publishes its part.
 */
#include "base/common.h"

#include <math.h>
#include <stdio.h>

#include "app/access.h"
#include "app/principal.h"
#include "app/schoolview.h"
#include "base/timeutil.h"
#include "core/suppress.h"
#include "store/store.h"
#include "store/store_district.h"
#include "store/store_schoolview.h"

#define DAY_MS 86400000LL

enum cell_kind { CELL_DISTRICT, CELL_SCHOOL, CELL_GRADE, CELL_SCHOOL_GRADE, CELL_CLASS };

struct cell {
    enum cell_kind kind;
    int64_t school_id, class_id;
    const char *grade;
    int64_t students, mastered, growth, active, seconds;
    uint32_t first, n; /* the parts: school's grades, school grade's classes (indices) */
};

struct names {
    int64_t *id;
    const char **name;
    size_t n, cap;
};

struct view {
    struct ctx *c;
    struct grant *g;
    struct cell *cells;
    size_t n, cap;
    struct sv_group *groups;
    size_t n_groups, cap_groups;
    struct sv_week *weeks;
    size_t n_weeks, cap_weeks;
    uint8_t *state;
    struct names schools, classes;
    int64_t week_now, week_first;
    int n_trend;
};

static void *grow(struct ctx *c, void *old, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return old;
    size_t nc = *cap ? 2 * *cap : 64;
    void *p = arena_alloc(c->arena, nc * size);
    if (!p)
        return NULL;
    if (n)
        memcpy(p, old, n * size);
    *cap = nc;
    return p;
}

static int group_cb(void *arg, const struct sv_group *row)
{
    struct view *v = arg;
    struct sv_group *g = grow(v->c, v->groups, v->n_groups, &v->cap_groups, sizeof(*g));
    if (!g)
        return -ENOMEM;
    v->groups = g;
    g[v->n_groups++] = *row;
    return 0;
}

static int week_cb(void *arg, const struct sv_week *row)
{
    struct view *v = arg;
    struct sv_week *w = grow(v->c, v->weeks, v->n_weeks, &v->cap_weeks, sizeof(*w));
    if (!w)
        return -ENOMEM;
    v->weeks = w;
    w[v->n_weeks++] = *row;
    return 0;
}

static int name_add(struct ctx *c, struct names *nm, int64_t id, const char *name)
{
    size_t cap = nm->cap;
    int64_t *ids = grow(c, nm->id, nm->n, &cap, sizeof(*ids));
    const char **names = ids ? grow(c, nm->name, nm->n, &nm->cap, sizeof(*names)) : NULL;
    if (!ids || !names)
        return -ENOMEM;
    nm->id = ids;
    nm->name = names;
    nm->name[nm->n] = arena_strdup(c->arena, name);
    if (!nm->name[nm->n])
        return -ENOMEM;
    nm->id[nm->n++] = id;
    return 0;
}

static int school_name_cb(void *arg, int64_t id, const char *name)
{
    struct view *v = arg;
    return name_add(v->c, &v->schools, id, name);
}

static int class_title_cb(void *arg, int64_t id, const char *title)
{
    struct view *v = arg;
    return name_add(v->c, &v->classes, id, title);
}

static const char *name_of(const struct names *nm, int64_t id)
{
    for (size_t i = 0; i < nm->n; i++)
        if (nm->id[i] == id)
            return nm->name[i];
    return NULL;
}

static struct cell *cell_add(struct view *v, enum cell_kind kind)
{
    struct cell *c = grow(v->c, v->cells, v->n, &v->cap, sizeof(*c));
    if (!c)
        return NULL;
    v->cells = c;
    c = &v->cells[v->n++];
    memset(c, 0, sizeof(*c));
    c->kind = kind;
    c->grade = "";
    return c;
}

static void cell_sum(struct cell *to, const struct sv_group *g)
{
    to->students += g->students;
    to->mastered += g->mastered;
    to->growth += g->growth;
    to->active += g->active;
    to->seconds += g->seconds;
}

static void *arena_mem(void *arg, size_t n)
{
    return arena_alloc(arg, n);
}

/*
 * The district's table from the groups (ordered by school, grade, class):
 * cells, relations, and the suppression of every cell.
 */
static int build(struct view *v, size_t *ret_schools, size_t *ret_grades)
{
    struct ctx *c = v->c;
    const char *grades[64];
    size_t n_grades = 0, n_schools = 0;

    /* the district grades, in order of first appearance, then sorted as text */
    for (size_t i = 0; i < v->n_groups; i++) {
        size_t j = 0;
        while (j < n_grades && strcmp(grades[j], v->groups[i].grade) != 0)
            j++;
        if (j == n_grades) {
            if (n_grades == ARRAY_SIZE(grades))
                return ctx_fail(c, -EINVAL, "grades: more than %zu different grades in the roster",
                                ARRAY_SIZE(grades));
            grades[n_grades++] = v->groups[i].grade;
        }
    }
    for (size_t i = 1; i < n_grades; i++)
        for (size_t j = i; j > 0 && strcmp(grades[j - 1], grades[j]) > 0; j--) {
            const char *t = grades[j];
            grades[j] = grades[j - 1];
            grades[j - 1] = t;
        }
    for (size_t i = 0; i < v->n_groups; i++)
        if (i == 0 || v->groups[i].school_id != v->groups[i - 1].school_id)
            n_schools++;

    /* cells: district, schools, district grades, then per school its grades and classes */
    if (!cell_add(v, CELL_DISTRICT))
        return -ENOMEM;
    for (size_t i = 0; i < v->n_groups; i++)
        if (i == 0 || v->groups[i].school_id != v->groups[i - 1].school_id) {
            struct cell *s = cell_add(v, CELL_SCHOOL);
            if (!s)
                return -ENOMEM;
            s->school_id = v->groups[i].school_id;
        }
    for (size_t j = 0; j < n_grades; j++) {
        struct cell *gc = cell_add(v, CELL_GRADE);
        if (!gc)
            return -ENOMEM;
        gc->grade = grades[j];
    }
    size_t school = 0, x = 0;
    for (size_t i = 0; i < v->n_groups; i++) {
        const struct sv_group *g = &v->groups[i];
        bool new_school = i == 0 || g->school_id != v->groups[i - 1].school_id;
        bool new_grade = new_school || strcmp(g->grade, v->groups[i - 1].grade) != 0;
        if (new_school && i > 0)
            school++;
        if (new_grade) {
            struct cell *xc = cell_add(v, CELL_SCHOOL_GRADE);
            if (!xc)
                return -ENOMEM;
            xc->school_id = g->school_id;
            xc->grade = g->grade;
            x = v->n - 1;
            struct cell *sc = &v->cells[1 + school];
            if (!sc->n)
                sc->first = (uint32_t)x;
            sc->n++;
        }
        struct cell *cc = cell_add(v, CELL_CLASS);
        if (!cc)
            return -ENOMEM;
        cc->school_id = g->school_id;
        cc->grade = g->grade;
        cc->class_id = g->class_id;
        cell_sum(cc, g);
        struct cell *xc = &v->cells[x];
        if (!xc->n)
            xc->first = (uint32_t)(v->n - 1);
        xc->n++;
        cell_sum(xc, g);
        cell_sum(&v->cells[1 + school], g);
        cell_sum(&v->cells[0], g);
        for (size_t j = 0; j < n_grades; j++)
            if (strcmp(grades[j], g->grade) == 0)
                cell_sum(&v->cells[1 + n_schools + j], g);
    }

    /*
     * Relations. A school's grades are not contiguous cells (classes come
     * between them), so parts are listed explicitly.
     */
    size_t n_rel = 2 + n_schools + n_grades, n_parts = n_schools + n_grades;
    for (size_t k = 0; k < v->n; k++)
        if (v->cells[k].kind == CELL_SCHOOL_GRADE) {
            n_rel++;
            n_parts += 2 + v->cells[k].n; /* in its school, its district grade, its classes */
        }
    struct supp_relation *rel = arena_calloc(c->arena, n_rel, sizeof(*rel));
    uint32_t *parts = arena_calloc(c->arena, n_parts ? n_parts : 1, sizeof(*parts));
    v->state = arena_calloc(c->arena, v->n, 1);
    int64_t *count = arena_calloc(c->arena, v->n, sizeof(*count));
    if (!rel || !parts || !v->state || !count)
        return -ENOMEM;
    size_t r = 0, p = 0;
    for (size_t k = 0; k < v->n; k++)
        count[k] = v->cells[k].students;
    rel[r++] = (struct supp_relation){0, parts + p, (uint32_t)n_schools};
    for (size_t i = 0; i < n_schools; i++)
        parts[p++] = (uint32_t)(1 + i);
    rel[r++] = (struct supp_relation){0, parts + p, (uint32_t)n_grades};
    for (size_t j = 0; j < n_grades; j++)
        parts[p++] = (uint32_t)(1 + n_schools + j);
    for (size_t i = 0; i < n_schools; i++) {
        struct supp_relation *sr = &rel[r++];
        sr->total = (uint32_t)(1 + i);
        sr->parts = parts + p;
        for (size_t k = 0; k < v->n; k++)
            if (v->cells[k].kind == CELL_SCHOOL_GRADE &&
                v->cells[k].school_id == v->cells[1 + i].school_id)
                parts[p++] = (uint32_t)k;
        sr->n_parts = (uint32_t)(parts + p - sr->parts);
    }
    for (size_t j = 0; j < n_grades; j++) {
        struct supp_relation *gr = &rel[r++];
        gr->total = (uint32_t)(1 + n_schools + j);
        gr->parts = parts + p;
        for (size_t k = 0; k < v->n; k++)
            if (v->cells[k].kind == CELL_SCHOOL_GRADE && strcmp(v->cells[k].grade, grades[j]) == 0)
                parts[p++] = (uint32_t)k;
        gr->n_parts = (uint32_t)(parts + p - gr->parts);
    }
    for (size_t k = 0; k < v->n; k++) {
        if (v->cells[k].kind != CELL_SCHOOL_GRADE)
            continue;
        struct supp_relation *xr = &rel[r++];
        xr->total = (uint32_t)k;
        xr->parts = parts + p;
        for (uint32_t q = 0; q < v->cells[k].n; q++)
            parts[p++] = v->cells[k].first + q;
        xr->n_parts = v->cells[k].n;
    }
    struct supp_table t = {v->n, count, rel, r};
    struct supp_alloc mem = {arena_mem, c->arena};
    int rc = suppress_table(&t, SV_MIN_CELL, &mem, v->state);
    if (rc < 0)
        return ctx_fail(c, rc, "cannot suppress the small cells of the district's table");
    *ret_schools = n_schools;
    *ret_grades = n_grades;
    return 0;
}

static double round1(double x)
{
    return isfinite(x) ? round(x * 10.0) / 10.0 : 0;
}

/* A cell as JSON: a hidden one says only that. */
static json_t *cell_json(const struct view *v, size_t k, json_t *o)
{
    const struct cell *cl = &v->cells[k];
    if (!o)
        return NULL;
    if (v->state[k] != SUPP_SHOWN || cl->students == 0) {
        bool hidden = v->state[k] != SUPP_SHOWN;
        json_object_set_new(o, "suppressed", json_boolean(hidden));
        json_object_set_new(o, "students", hidden ? json_null() : json_integer(0));
        return o;
    }
    double n = (double)cl->students;
    double share = (double)cl->active / n * 100.0;
    json_object_set_new(o, "suppressed", json_false());
    json_object_set_new(o, "students", json_integer(cl->students));
    json_object_set_new(o, "mastered_per_student", json_real(round1((double)cl->mastered / n)));
    json_object_set_new(o, "growth_per_student", json_real(round1((double)cl->growth / n)));
    json_object_set_new(o, "minutes_per_student",
                        json_real(round1((double)cl->seconds / 60.0 / n)));
    /* a share of nobody or everybody in a group says what each of them did: a range */
    if (share < 5.0 || share > 95.0) {
        json_object_set_new(o, "active_pct", json_null());
        json_object_set_new(o, "active_pct_range", json_string(share < 5.0 ? "<5" : ">95"));
    } else {
        json_object_set_new(o, "active_pct", json_integer((json_int_t)lround(share)));
        json_object_set_new(o, "active_pct_range", json_null());
    }
    return o;
}

/* The week's first day, "YYYY-MM-DD". */
static json_t *week_date(int64_t week)
{
    char d[16];
    time_format_date(week * 7 - 3, d);
    return json_string(d);
}

/*
 * The trend of one unit (a school's id, or 0 with district true): one
 * point per week, its active students suppressed within the week's table
 * (district = schools); minutes and skills mastered per student of the
 * unit, shown with the active count only.
 */
static int trend(struct view *v, bool district, int64_t school_id, json_t *out)
{
    struct ctx *c = v->c;
    size_t n_sch = 0;
    for (size_t k = 0; k < v->n; k++)
        n_sch += v->cells[k].kind == CELL_SCHOOL;
    int64_t *count = arena_calloc(c->arena, n_sch + 1, sizeof(*count));
    int64_t *secs = arena_calloc(c->arena, n_sch + 1, sizeof(*secs));
    int64_t *gained = arena_calloc(c->arena, n_sch + 1, sizeof(*gained));
    uint32_t *parts = arena_calloc(c->arena, n_sch + 1, sizeof(*parts));
    uint8_t *state = arena_calloc(c->arena, n_sch + 1, 1);
    if (!count || !secs || !gained || !parts || !state)
        return -ENOMEM;
    size_t unit = 0; /* the cell of the unit in the week's table: 0 the district */
    for (size_t i = 0; i < n_sch; i++) {
        parts[i] = (uint32_t)(1 + i);
        if (!district && v->cells[1 + i].school_id == school_id)
            unit = 1 + i;
    }
    if (!district && unit == 0)
        return 0; /* a school with no student: no trend */
    /* the unit's students, in the district's table: a hidden unit has a hidden trend */
    size_t main = 0;
    for (size_t k = 0; k < v->n && !district; k++)
        if (v->cells[k].kind == CELL_SCHOOL && v->cells[k].school_id == school_id)
            main = k;
    bool unit_hidden = v->state[main] != SUPP_SHOWN;
    int64_t enrolled = v->cells[main].students;
    for (int64_t w = v->week_first; w <= v->week_now; w++) {
        memset(count, 0, (n_sch + 1) * sizeof(*count));
        memset(secs, 0, (n_sch + 1) * sizeof(*secs));
        memset(gained, 0, (n_sch + 1) * sizeof(*gained));
        for (size_t q = 0; q < v->n_weeks; q++) {
            const struct sv_week *sw = &v->weeks[q];
            if (sw->week != w)
                continue;
            for (size_t i = 0; i < n_sch; i++)
                if (v->cells[1 + i].school_id == sw->school_id) {
                    count[1 + i] += sw->active;
                    secs[1 + i] += sw->seconds;
                    gained[1 + i] += sw->gained;
                    count[0] += sw->active;
                    secs[0] += sw->seconds;
                    gained[0] += sw->gained;
                }
        }
        struct supp_relation rel = {0, parts, (uint32_t)n_sch};
        struct supp_table t = {n_sch + 1, count, &rel, 1};
        struct supp_alloc mem = {arena_mem, c->arena};
        int r = suppress_table(&t, SV_MIN_CELL, &mem, state);
        if (r < 0)
            return ctx_fail(c, r, "cannot suppress the small cells of week %lld", (long long)w);
        json_t *pt = json_pack("{s:o}", "week", week_date(w));
        if (!pt)
            return -ENOMEM;
        if (unit_hidden || state[unit] != SUPP_SHOWN) {
            json_object_set_new(pt, "suppressed", json_true());
            json_object_set_new(pt, "active", json_null());
        } else {
            json_object_set_new(pt, "suppressed", json_false());
            json_object_set_new(pt, "active", json_integer(count[unit]));
            json_object_set_new(pt, "minutes_per_student",
                                json_real(round1((double)secs[unit] / 60.0 / (double)enrolled)));
            json_object_set_new(pt, "mastered_per_student",
                                json_real(round1((double)gained[unit] / (double)enrolled)));
        }
        if (json_array_append_new(out, pt) < 0)
            return -ENOMEM;
    }
    return 0;
}

/* Read everything the table needs under the grant, and build and suppress it. */
static int load(struct view *v, int weeks, size_t *ret_schools, size_t *ret_grades)
{
    struct ctx *c = v->c;
    struct db *db;
    int64_t day = c->now_ms / DAY_MS;
    int r;

    if (weeks < 1 || weeks > SV_MAX_WEEKS)
        return ctx_fail(c, -EINVAL, "weeks: must be 1 to %d", SV_MAX_WEEKS);
    v->week_now = (day + 3) / 7;
    v->week_first = v->week_now - weeks + 1;
    v->n_trend = weeks;
    if ((r = ctx_db(c, &db)) < 0)
        return r;
    r = store_sv_schools(db, v->g, school_name_cb, v);
    if (r == 0)
        r = store_sv_groups(db, v->g, v->week_now - SV_WINDOW_WEEKS + 1, group_cb, v);
    if (r == 0)
        r = store_sv_weeks(db, v->g, v->week_first, v->week_now, week_cb, v);
    if (r < 0)
        return c->err[0] ? r : ctx_fail(c, r, "cannot read the district's aggregates");
    return build(v, ret_schools, ret_grades);
}

static json_t *meta(const struct view *v)
{
    char at[40];
    time_format_iso8601(v->c->now_ms, at);
    return json_pack("{s:i, s:i, s:s, s:o, s:o}", "min_cell", SV_MIN_CELL, "window_weeks",
                     SV_WINDOW_WEEKS, "as_of", at, "window_start",
                     week_date(v->week_now - SV_WINDOW_WEEKS + 1), "weeks_start",
                     week_date(v->week_first));
}

static int finish(struct view *v, json_t *o, json_t **ret)
{
    size_t hidden = 0;
    for (size_t k = 0; k < v->n; k++)
        hidden += v->state[k] != SUPP_SHOWN;
    access_grant_detail(v->g, arena_printf(v->c->arena, "%s; %zu cells of the district, %zu hidden",
                                           v->c->purpose, v->n, hidden));
    *ret = o;
    return 0;
}

/*
 * The groups of the reader's district worked out again when a day or a
 * roster import has passed since (store_sv_fresh): a write of derived
 * tables, so before the gate's read transaction; it discloses nothing (a
 * reader the gate then refuses has only made the next view cheaper).
 */
static int fresh(struct ctx *c)
{
    struct db *db;
    int r;

    if (!c->who || c->who->district_id <= 0)
        return 0; /* the gate refuses it */
    if ((r = ctx_db(c, &db)) < 0)
        return r;
    if ((r = store_sv_fresh(db, c->who->district_id, c->now_ms / DAY_MS)) < 0)
        return ctx_fail(c, r, "cannot work out the district's groups");
    return 0;
}

int schoolview_school(struct ctx *c, int64_t school_id, int weeks, json_t **ret)
{
    struct access_resource res = {RES_SCHOOL_STATS, 0, school_id};
    struct view v = {.c = c};
    size_t n_schools, n_grades;
    struct db *db;
    int r;

    if ((r = fresh(c)) < 0 || (r = access_check(c, ACT_READ, &res, &v.g)) < 0)
        return r;
    c->purpose = "school overview";
    if ((r = load(&v, weeks, &n_schools, &n_grades)) < 0)
        return r;
    if ((r = ctx_db(c, &db)) < 0)
        return r;
    if ((r = store_sv_class_titles(db, v.g, class_title_cb, &v)) < 0)
        return ctx_fail(c, r, "cannot read the school's classes");
    const char *name = name_of(&v.schools, school_id);
    json_t *o = meta(&v);
    if (!o)
        return ctx_fail(c, -ENOMEM, "out of memory");
    json_object_set_new(
        o, "school",
        json_pack("{s:I, s:s}", "id", (json_int_t)school_id, "name", name ? name : ""));
    size_t s = 0;
    for (size_t k = 1; k <= n_schools; k++)
        if (v.cells[k].school_id == school_id)
            s = k;
    json_t *grades = json_array(), *tr = json_array();
    if (s) {
        json_object_set_new(o, "total", cell_json(&v, s, json_object()));
        for (uint32_t q = 0; q < v.cells[s].n; q++) {
            /* the school's grades: consecutive school-grade cells, each followed by its classes */
            size_t x = v.cells[s].first;
            for (uint32_t skip = 0; skip < q; skip++)
                x += 1 + v.cells[x].n;
            json_t *classes = json_array();
            for (uint32_t k = 0; k < v.cells[x].n; k++) {
                size_t cc = v.cells[x].first + k;
                int64_t id = v.cells[cc].class_id;
                const char *title = id ? name_of(&v.classes, id) : NULL;
                json_t *cj = json_pack("{s:o, s:o}", "id", id ? json_integer(id) : json_null(),
                                       "title", title ? json_string(title) : json_null());
                json_array_append_new(classes, cell_json(&v, cc, cj));
            }
            json_t *gj = json_pack("{s:s, s:o}", "grade", v.cells[x].grade, "classes", classes);
            json_array_append_new(grades, cell_json(&v, x, gj));
        }
    } else {
        json_object_set_new(o, "total", json_pack("{s:b, s:i}", "suppressed", 0, "students", 0));
    }
    json_object_set_new(o, "grades", grades);
    if (s && (r = trend(&v, false, school_id, tr)) < 0) {
        json_decref(tr);
        json_decref(o);
        return c->err[0] ? r : ctx_fail(c, r, "out of memory");
    }
    json_object_set_new(o, "trend", tr);
    return finish(&v, o, ret);
}

int schoolview_district(struct ctx *c, int64_t district_id, int weeks, json_t **ret)
{
    struct access_resource res = {RES_DISTRICT_STATS, 0, district_id};
    struct view v = {.c = c};
    struct district_row d;
    size_t n_schools, n_grades;
    struct db *db;
    int r;

    if ((r = fresh(c)) < 0 || (r = access_check(c, ACT_READ, &res, &v.g)) < 0)
        return r;
    c->purpose = "district overview";
    if ((r = load(&v, weeks, &n_schools, &n_grades)) < 0)
        return r;
    if ((r = ctx_db(c, &db)) < 0 || (r = store_district_by_id(db, district_id, &d)) < 0)
        return ctx_fail(c, r, "cannot read the district");
    json_t *o = meta(&v);
    if (!o)
        return ctx_fail(c, -ENOMEM, "out of memory");
    json_object_set_new(o, "district",
                        json_pack("{s:I, s:s}", "id", (json_int_t)district_id, "name", d.name));
    json_object_set_new(o, "total", cell_json(&v, 0, json_object()));
    json_t *schools = json_array(), *grades = json_array(), *tr = json_array();
    /* every active school, those without students too (their figures are zero) */
    for (size_t i = 0; i < v.schools.n; i++) {
        size_t k = 0;
        for (size_t q = 1; q <= n_schools; q++)
            if (v.cells[q].school_id == v.schools.id[i])
                k = q;
        json_t *sj =
            json_pack("{s:I, s:s}", "id", (json_int_t)v.schools.id[i], "name", v.schools.name[i]);
        if (k)
            json_array_append_new(schools, cell_json(&v, k, sj));
        else {
            json_object_set_new(sj, "suppressed", json_false());
            json_object_set_new(sj, "students", json_integer(0));
            json_array_append_new(schools, sj);
        }
    }
    /* students whose school is not an active school of the district: one row */
    for (size_t q = 1; q <= n_schools; q++)
        if (!name_of(&v.schools, v.cells[q].school_id))
            json_array_append_new(schools, cell_json(&v, q, json_pack("{s:n, s:n}", "id", "name")));
    for (size_t j = 0; j < n_grades; j++) {
        size_t k = 1 + n_schools + j;
        json_array_append_new(grades,
                              cell_json(&v, k, json_pack("{s:s}", "grade", v.cells[k].grade)));
    }
    json_object_set_new(o, "schools", schools);
    json_object_set_new(o, "grades", grades);
    r = trend(&v, true, 0, tr);
    if (r < 0) {
        json_decref(tr);
        json_decref(o);
        return c->err[0] ? r : ctx_fail(c, r, "out of memory");
    }
    json_object_set_new(o, "trend", tr);
    return finish(&v, o, ret);
}

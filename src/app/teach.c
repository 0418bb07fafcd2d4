/*
 * The teacher views: see teach.h. One loader (view_load) reads a class (or
 * one student of it) through the gate, replays the statements through the
 * learner model's update and works out flags, groups and progress; the
 * four renderers (class, student, skill, CSV) turn it into an answer.
 */
#include "base/common.h"

#include <math.h>
#include <stdio.h>

#include "app/access.h"
#include "app/assign.h"
#include "app/content.h"
#include "app/lrs.h"
#include "app/model.h"
#include "app/people.h"
#include "app/practice.h"
#include "app/principal.h"
#include "app/teach.h"
#include "base/buf.h"
#include "base/mem.h"
#include "base/strmap.h"
#include "base/timeutil.h"
#include "core/teach.h"
#include "store/store.h"
#include "store/store_model.h"
#include "store/store_people.h"
#include "store/store_teach.h"

#define DAY_MS           86400000LL
#define TIMELINE_DEFAULT 200

/* ---- what the loader holds ---- */

struct skill {
    struct model_skill_row row;     /* the model's parameters and IRI */
    const struct content_skill *cs; /* the content graph's skill, or NULL */
    size_t order;                   /* graph position (skills of no pack after, by IRI) */
    int col;                        /* its column, or -1 (no student of the class has a row) */
};

struct cell {
    bool has; /* the learner model has a row */
    struct model_mastery_row m;
    int64_t time_ms; /* time on task in the skill (durations of its answers) */
};

/* A point of a mastery curve: P(mastered) after a first attempt. */
struct point {
    uint32_t student, col;
    int64_t at_ms;
    double p;
};

struct flag {
    const char *code; /* wheel_spinning, rapid_guessing, falling_mastery, inactive */
    int col;          /* the skill's column, or -1 */
    double from, to;  /* falling: P(mastered) a week ago and now */
    int64_t n, of;    /* rapid: guesses out of timed answers; spinning: open attempts */
    int64_t wrong;    /* falling: wrong first attempts in the week */
    int64_t last_ms;  /* rapid: the latest one */
    /* inactive: the open assignment, since when (the later of given and last practice) */
    int64_t assignment, since_day, due_day;
};

struct student {
    struct class_student info;
    int64_t last_ms;            /* latest activity (the model's rows) */
    int64_t timed, rapid;       /* timed answers and rapid guesses within TEACH_RAPID_DAYS */
    int64_t rapid_last_ms;      /* the latest rapid guess */
    int64_t answers;            /* every answer in the statements */
    int64_t time_ms, week_ms;   /* time on task: all, the last 7 days */
    size_t first_point, points; /* its mastery points (a run of v->pts) */
    struct flag *flags;
    size_t n_flags;
    int32_t group;
    int64_t *weekly; /* mastered skills at the end of each week */
};

struct view {
    struct ctx *c;
    const struct teach_opts *o;
    int64_t class_id, district_id, only_student, now_ms, day;
    struct class_info ci;
    struct content_graph graph;
    bool have_graph;
    struct skill *skills;
    size_t n_skills, cap_skills;
    struct strmap by_iri; /* IRI -> index into skills */
    size_t *cols;         /* skill index of each column, in graph order */
    size_t n_cols;
    struct student *st;
    size_t n_st;
    int64_t *by_id; /* student ids sorted, with their index in aux */
    size_t *by_id_index;
    struct cell *cells; /* n_st x n_cols */
    struct point *pts;
    size_t n_pts, cap_pts;
    struct assign_open *open; /* the class's open assignments (none for API clients) */
    size_t n_open;
    int64_t week0, n_weeks; /* the progress chart's calendar weeks */
    int32_t n_groups;
    uint32_t *group_col;
    /* the student view's extras (only_student) */
    json_t *timeline, *misconceptions;
    size_t timeline_total;
    int cur; /* the student the stream is on (index), -1 */
    int err;
};

/* ---- loading ---- */

static int skill_cb(void *arg, const struct model_skill_row *row)
{
    struct view *v = arg;
    if (v->n_skills == v->cap_skills) {
        size_t cap = v->cap_skills ? v->cap_skills * 2 : 64;
        struct skill *p = arena_alloc(v->c->arena, cap * sizeof(*p));
        if (!p)
            return -ENOMEM;
        if (v->n_skills)
            memcpy(p, v->skills, v->n_skills * sizeof(*p));
        v->skills = p;
        v->cap_skills = cap;
    }
    struct skill *s = &v->skills[v->n_skills];
    memset(s, 0, sizeof(*s));
    s->row = *row;
    s->col = -1;
    s->cs = v->have_graph ? content_graph_skill_iri(&v->graph, row->skill) : NULL;
    s->order = s->cs ? (size_t)(s->cs - v->graph.skills) : SIZE_MAX;
    struct strmap_entry *e;
    bool added;
    if (strmap_put(&v->by_iri, str_from(row->skill), &e, &added) < 0)
        return -ENOMEM;
    e->id = (int64_t)v->n_skills++;
    return 0;
}

static int skill_index_by_id(const struct view *v, int64_t id)
{
    for (size_t i = 0; i < v->n_skills; i++)
        if (v->skills[i].row.id == id)
            return (int)i;
    return -1;
}

static int student_index(const struct view *v, int64_t user_id)
{
    size_t lo = 0, hi = v->n_st;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v->by_id[mid] == user_id)
            return (int)v->by_id_index[mid];
        if (v->by_id[mid] < user_id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* The model's rows, read before the columns are known: kept per student and skill index. */
struct row_keep {
    struct view *v;
    struct model_mastery_row *rows;
    int *student, *skill;
    size_t n, cap;
};

static int row_cb(void *arg, int64_t user_id, const struct model_mastery_row *row)
{
    struct row_keep *k = arg;
    struct view *v = k->v;
    int s = student_index(v, user_id), sk = skill_index_by_id(v, row->skill_id);
    if (s < 0 || sk < 0)
        return 0; /* enrolled since the roster was read, or a skill added since: next time */
    if (k->n == k->cap) {
        size_t cap = k->cap ? k->cap * 2 : 256;
        struct model_mastery_row *r = arena_alloc(v->c->arena, cap * sizeof(*r));
        int *a = arena_alloc(v->c->arena, cap * sizeof(*a));
        int *b = arena_alloc(v->c->arena, cap * sizeof(*b));
        if (!r || !a || !b)
            return -ENOMEM;
        if (k->n) {
            memcpy(r, k->rows, k->n * sizeof(*r));
            memcpy(a, k->student, k->n * sizeof(*a));
            memcpy(b, k->skill, k->n * sizeof(*b));
        }
        k->rows = r;
        k->student = a;
        k->skill = b;
        k->cap = cap;
    }
    k->rows[k->n] = *row;
    k->student[k->n] = s;
    k->skill[k->n] = sk;
    k->n++;
    return 0;
}

static int cmp_col(const void *a, const void *b, void *arg)
{
    const struct view *v = arg;
    const struct skill *x = &v->skills[*(const size_t *)a], *y = &v->skills[*(const size_t *)b];
    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    return strcmp(x->row.skill, y->row.skill);
}

/* qsort has no context argument in C11: a small insertion sort (a class has tens of skills). */
static void sort_cols(struct view *v)
{
    for (size_t i = 1; i < v->n_cols; i++) {
        size_t x = v->cols[i], j = i;
        while (j > 0 && cmp_col(&v->cols[j - 1], &x, v) > 0) {
            v->cols[j] = v->cols[j - 1];
            j--;
        }
        v->cols[j] = x;
    }
}

static int sort_ids(struct view *v)
{
    v->by_id = arena_alloc(v->c->arena, (v->n_st ? v->n_st : 1) * sizeof(*v->by_id));
    v->by_id_index = arena_alloc(v->c->arena, (v->n_st ? v->n_st : 1) * sizeof(*v->by_id_index));
    if (!v->by_id || !v->by_id_index)
        return -ENOMEM;
    for (size_t i = 0; i < v->n_st; i++) {
        size_t j = i;
        while (j > 0 && v->by_id[j - 1] > v->st[i].info.id) {
            v->by_id[j] = v->by_id[j - 1];
            v->by_id_index[j] = v->by_id_index[j - 1];
            j--;
        }
        v->by_id[j] = v->st[i].info.id;
        v->by_id_index[j] = i;
    }
    return 0;
}

/* The gate's read: the class, the students, the model's rows (one grant, one audit entry). */
static int read_model(struct view *v, enum access_action action)
{
    struct ctx *c = v->c;
    struct access_resource res = {RES_CLASS_LEARNING, v->district_id, v->class_id};
    struct class_student *list = NULL;
    struct row_keep k = {.v = v};
    struct grant *g;
    struct db *db;
    size_t n = 0;
    int r;

    if ((r = access_check(c, action, &res, &g)) < 0)
        return r;
    if ((r = ctx_db(c, &db)) < 0)
        return r;
    r = store_class_info(db, v->class_id, &v->ci);
    if (r == 0)
        r = store_model_skills(db, v->district_id, skill_cb, v);
    if (r == 0) {
        r = store_teach_students(db, g, v->class_id, v->only_student, v->day, &list, &n);
        if (r == -ENOENT && v->only_student) {
            access_read_end(c);
            return ctx_fail(c, -ENOENT, "student: not a student of this class");
        }
    }
    if (r == 0) {
        v->st = arena_calloc(c->arena, n ? n : 1, sizeof(*v->st));
        if (!v->st)
            r = -ENOMEM;
        for (size_t i = 0; r == 0 && i < n; i++) {
            v->st[i].info = list[i];
            v->st[i].group = -1;
        }
        v->n_st = n;
        if (r == 0)
            r = sort_ids(v);
    }
    mem_free(list);
    if (r == 0)
        r = store_teach_mastery(db, g, v->class_id, v->only_student, v->day, row_cb, &k);
    access_read_end(c);
    if (r < 0)
        return ctx_fail(c, r, "cannot read the class's learning records");
    access_grant_detail(g, v->only_student ? "teacher view of a student (learner model)"
                                           : "teacher view of the class (learner model)");

    /* the columns: every skill a student of the class has a row in, in the graph's order */
    for (size_t i = 0; i < k.n; i++)
        v->skills[k.skill[i]].col = 0;
    v->cols = arena_alloc(c->arena, (v->n_skills ? v->n_skills : 1) * sizeof(*v->cols));
    if (!v->cols)
        return ctx_fail(c, -ENOMEM, "out of memory");
    for (size_t i = 0; i < v->n_skills; i++)
        if (v->skills[i].col == 0)
            v->cols[v->n_cols++] = i;
    sort_cols(v);
    for (size_t j = 0; j < v->n_cols; j++)
        v->skills[v->cols[j]].col = (int)j;
    v->cells = arena_calloc(c->arena, (v->n_st * v->n_cols) + 1, sizeof(*v->cells));
    if (!v->cells)
        return ctx_fail(c, -ENOMEM, "out of memory");
    for (size_t i = 0; i < k.n; i++) {
        struct cell *cl =
            &v->cells[(size_t)k.student[i] * v->n_cols + (size_t)v->skills[k.skill[i]].col];
        cl->has = true;
        cl->m = k.rows[i];
        struct student *s = &v->st[k.student[i]];
        s->last_ms = MAX(s->last_ms, k.rows[i].last_ms);
    }
    return 0;
}

/* ---- the statements, replayed ---- */

static int push_point(struct view *v, uint32_t student, uint32_t col, int64_t at, double p)
{
    if (v->n_pts == v->cap_pts) {
        size_t cap = v->cap_pts ? v->cap_pts * 2 : 1024;
        struct point *x = arena_alloc(v->c->arena, cap * sizeof(*x));
        if (!x)
            return -ENOMEM;
        if (v->n_pts)
            memcpy(x, v->pts, v->n_pts * sizeof(*x));
        v->pts = x;
        v->cap_pts = cap;
    }
    v->pts[v->n_pts++] = (struct point){student, col, at, p};
    return 0;
}

/* The replayed state of the student the stream is on, one per column. */
struct replay {
    struct view *v;
    struct model_mastery_row *state;
    bool *started;
};

static const char *str_of(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static int timeline_entry(struct view *v, const struct lrs_row *row, const struct model_event *ev,
                          bool is_event, int col, bool has_dur, int64_t dur_ms, bool rapid)
{
    json_t *result = json_object_get(row->statement, "result");
    json_t *ext = json_object_get(result, "extensions");
    char at[40];
    const char *verb = row->verb_id ? strrchr(row->verb_id, '/') : NULL;

    v->timeline_total++;
    time_format_iso8601(row->timestamp_ms, at);
    json_t *e = json_pack("{s:s, s:s, s:s?}", "at", at, "verb", verb ? verb + 1 : "", "object",
                          row->activity_id);
    if (!e)
        return -ENOMEM;
    if (col >= 0)
        json_object_set_new(e, "skill", json_integer(v->skills[v->cols[col]].row.id));
    if (is_event && ev->kind == MODEL_ANSWER) {
        json_t *att = json_object_get(ext, MODEL_EXT_ATTEMPT);
        json_t *hints = json_object_get(ext, MODEL_EXT_HINTS);
        json_object_set_new(e, "correct", json_boolean(ev->correct));
        json_object_set_new(e, "attempt",
                            json_integer(json_is_integer(att) ? json_integer_value(att) : 1));
        json_object_set_new(e, "hints",
                            json_integer(json_is_integer(hints) ? json_integer_value(hints) : 0));
        if (str_of(result, "response"))
            json_object_set_new(e, "response", json_string(str_of(result, "response")));
        if (has_dur)
            json_object_set_new(e, "duration_ms", json_integer(dur_ms));
        json_object_set_new(e, "rapid", json_boolean(rapid));
        const char *mis = str_of(ext, PRACTICE_EXT_MISCONCEPTION);
        if (mis)
            json_object_set_new(e, "misconception", json_string(mis));
    }
    /* newest first by timestamp (statements are stored in the order they arrived, which a
     * device that syncs late does not keep; of equal timestamps the later stored first);
     * keep the limit. ISO 8601 times of one width compare as strings. */
    size_t limit = v->o && v->o->timeline_limit ? v->o->timeline_limit : TIMELINE_DEFAULT;
    size_t n = json_array_size(v->timeline), i = 0;
    while (i < n && strcmp(str_of(json_array_get(v->timeline, i), "at"), at) > 0)
        i++;
    if (i >= limit) {
        json_decref(e);
        return 0;
    }
    if (json_array_insert_new(v->timeline, i, e) < 0)
        return -ENOMEM;
    if (json_array_size(v->timeline) > limit)
        json_array_remove(v->timeline, json_array_size(v->timeline) - 1);
    return 0;
}

static int misconception_seen(struct view *v, const char *id, int col, int64_t at_ms)
{
    json_t *m = json_object_get(v->misconceptions, id);
    if (!m) {
        m = json_pack("{s:s, s:I, s:[], s:I}", "id", id, "count", (json_int_t)0, "skills",
                      "last_ms", (json_int_t)0);
        if (!m || json_object_set_new(v->misconceptions, id, m) < 0)
            return -ENOMEM;
    }
    json_object_set_new(m, "count",
                        json_integer(json_integer_value(json_object_get(m, "count")) + 1));
    if (at_ms > json_integer_value(json_object_get(m, "last_ms")))
        json_object_set_new(m, "last_ms", json_integer(at_ms));
    if (col >= 0) {
        json_t *skills = json_object_get(m, "skills"), *x;
        json_int_t sid = (json_int_t)v->skills[v->cols[col]].row.id;
        size_t i;
        bool seen = false;
        json_array_foreach(skills, i, x) seen |= json_integer_value(x) == sid;
        if (!seen)
            json_array_append_new(skills, json_integer(sid));
    }
    return 0;
}

static void replay_reset(struct replay *rp)
{
    struct view *v = rp->v;
    for (size_t j = 0; j < v->n_cols; j++) {
        model_state_init(&v->skills[v->cols[j]].row, &rp->state[j]);
        rp->started[j] = false;
    }
}

static int stream_cb(const struct lrs_row *row, void *arg)
{
    struct replay *rp = arg;
    struct view *v = rp->v;
    int s = student_index(v, row->user_id);
    struct model_event ev = {0};
    int col = -1, r;

    if (s < 0)
        return 0; /* enrolled since the roster was read */
    if (s != v->cur) {
        if (v->cur >= 0)
            v->st[v->cur].points = v->n_pts - v->st[v->cur].first_point;
        v->cur = s;
        v->st[s].first_point = v->n_pts;
        replay_reset(rp);
    }
    struct student *st = &v->st[s];
    bool is_event = row->statement && model_event_of(row->statement, &ev) == 1;
    if (is_event) {
        struct strmap_entry *e = strmap_get(&v->by_iri, str_from(ev.skill));
        if (e && v->skills[e->id].col >= 0)
            col = v->skills[e->id].col;
    }
    bool has_dur = false, rapid = false;
    int64_t dur = 0;
    if (is_event && ev.kind == MODEL_ANSWER) {
        json_t *result = json_object_get(row->statement, "result");
        has_dur = teach_duration_ms(str_of(result, "duration"), &dur) == 0;
        st->answers++;
        if (has_dur) {
            st->time_ms += dur;
            if (row->timestamp_ms > v->now_ms - 7 * DAY_MS)
                st->week_ms += dur;
            if (col >= 0)
                v->cells[(size_t)s * v->n_cols + (size_t)col].time_ms += dur;
        }
        rapid = teach_rapid_answer(has_dur, dur, ev.correct);
        if (has_dur && row->timestamp_ms > v->now_ms - TEACH_RAPID_DAYS * DAY_MS) {
            st->timed++;
            if (rapid) {
                st->rapid++;
                st->rapid_last_ms = MAX(st->rapid_last_ms, row->timestamp_ms);
            }
        }
        const char *mis = str_of(json_object_get(result, "extensions"), PRACTICE_EXT_MISCONCEPTION);
        if (mis && v->misconceptions &&
            (r = misconception_seen(v, mis, col, row->timestamp_ms)) < 0)
            return r;
    }
    if (is_event && col >= 0) {
        struct model_mastery_row *m = &rp->state[col];
        if (model_apply(&v->skills[v->cols[col]].row, &ev, row->timestamp_ms, m) < 0)
            return 0; /* an answer the model calls impossible: it skipped it too */
        rp->started[col] = true;
        if (ev.kind == MODEL_ANSWER && ev.opportunity &&
            (r = push_point(v, (uint32_t)s, (uint32_t)col, row->timestamp_ms, m->p_mastery)) < 0)
            return r;
    }
    if (v->timeline && (r = timeline_entry(v, row, &ev, is_event, col, has_dur, dur, rapid)) < 0)
        return r;
    return 0;
}

static int read_statements(struct view *v)
{
    struct ctx *c = v->c;
    struct replay rp = {v, NULL, NULL};
    struct lrs_filter f = {.district_id = v->district_id,
                           .user_id = v->only_student,
                           .class_id = v->class_id,
                           .ascending = true};
    rp.state = arena_alloc(c->arena, (v->n_cols ? v->n_cols : 1) * sizeof(*rp.state));
    rp.started = arena_alloc(c->arena, (v->n_cols ? v->n_cols : 1) * sizeof(*rp.started));
    if (!rp.state || !rp.started)
        return ctx_fail(c, -ENOMEM, "out of memory");
    v->cur = -1;
    int r = lrs_stream(c, &f, stream_cb, &rp);
    if (v->cur >= 0)
        v->st[v->cur].points = v->n_pts - v->st[v->cur].first_point;
    if (r < 0)
        return c->err[0] ? r : ctx_fail(c, r, "cannot read the class's statements");
    return 0;
}

/* ---- flags, progress, groups ---- */

static enum teach_status status_of(const struct cell *cl);

static int add_flag(struct view *v, struct student *s, const struct flag *f)
{
    struct flag *x = arena_alloc(v->c->arena, (s->n_flags + 1) * sizeof(*x));
    if (!x)
        return -ENOMEM;
    if (s->n_flags)
        memcpy(x, s->flags, s->n_flags * sizeof(*x));
    x[s->n_flags++] = *f;
    s->flags = x;
    return 0;
}

/*
 * P(mastered) in a column at time t: after the last of the student's
 * points (in the order the model applied them) made at or before t; NAN
 * when there is none.
 */
static double value_at(const struct view *v, const struct student *s, size_t col, int64_t t)
{
    double p = NAN;
    for (size_t i = s->first_point; i < s->first_point + s->points; i++)
        if (v->pts[i].col == col && v->pts[i].at_ms <= t)
            p = v->pts[i].p;
    return p;
}

static double value_last(const struct view *v, const struct student *s, size_t col)
{
    return value_at(v, s, col, INT64_MAX);
}

/* Is an assigned skill (IRI) not mastered by student i? */
static bool unmastered(const struct view *v, size_t i, const char *iri)
{
    struct strmap_entry *e = strmap_get(&v->by_iri, str_from(iri));
    if (!e)
        return true;
    int col = v->skills[e->id].col;
    if (col < 0)
        return true;
    const struct cell *cl = &v->cells[i * v->n_cols + (size_t)col];
    return !cl->has || cl->m.p_mastery < MODEL_MASTERED;
}

/*
 * Inactive while an assignment is open: the rule of the assignments list
 * (assign.h): not closed, not mastered, ASSIGN_INACTIVE_DAYS whole school
 * days or more without practice since the later of the day it was given
 * and the student's last practice (of any skill).
 */
static int inactive_of(struct view *v, size_t i)
{
    struct student *s = &v->st[i];
    for (size_t a = 0; a < v->n_open; a++) {
        const struct assign_open *o = &v->open[a];
        if (!assign_open_covers(o, s->info.id))
            continue;
        int64_t left = 0;
        for (size_t k = 0; k < o->n_skills; k++)
            left += unmastered(v, i, o->skills[k]);
        int64_t since = MAX(o->given_day, s->last_ms > 0 ? s->last_ms / DAY_MS : 0);
        int64_t idle = assign_school_days_between(since, v->day);
        if (!left || idle < ASSIGN_INACTIVE_DAYS)
            continue;
        struct flag f = {.code = "inactive",
                         .col = -1,
                         .n = idle,
                         .of = left,
                         .last_ms = s->last_ms,
                         .assignment = o->id,
                         .since_day = since,
                         .due_day = o->due_day};
        int r = add_flag(v, s, &f); /* one flag per assignment, the earliest due first */
        if (r < 0)
            return r;
    }
    return 0;
}

static int flags_of(struct view *v)
{
    int64_t cutoff = v->now_ms - TEACH_FALL_DAYS * DAY_MS;
    int r;

    for (size_t i = 0; i < v->n_st; i++) {
        struct student *s = &v->st[i];
        for (size_t j = 0; j < v->n_cols; j++) {
            const struct cell *cl = &v->cells[i * v->n_cols + j];
            if (cl->has && teach_status_of(true, cl->m.p_mastery, cl->m.answers, cl->m.hints,
                                           cl->m.attempts_open, MODEL_MASTERED) == TEACH_STUCK) {
                struct flag f = {.code = "wheel_spinning", .col = (int)j, .n = cl->m.attempts_open};
                if ((r = add_flag(v, s, &f)) < 0)
                    return r;
            }
        }
        if (teach_rapid_flag(s->rapid, s->timed)) {
            struct flag f = {.code = "rapid_guessing",
                             .col = -1,
                             .n = s->rapid,
                             .of = s->timed,
                             .last_ms = s->rapid_last_ms};
            if ((r = add_flag(v, s, &f)) < 0)
                return r;
        }
        for (size_t j = 0; j < v->n_cols; j++) {
            double then = value_at(v, s, j, cutoff), now = value_last(v, s, j);
            if (!teach_falling(then, now, MODEL_MASTERED))
                continue;
            struct flag f = {.code = "falling_mastery", .col = (int)j, .from = then, .to = now};
            /* the evidence: the week's first attempts that lowered it */
            double prev = then;
            for (size_t k = s->first_point; k < s->first_point + s->points; k++) {
                const struct point *pt = &v->pts[k];
                if (pt->col != j || pt->at_ms <= cutoff)
                    continue;
                if (pt->p < prev)
                    f.wrong++;
                prev = pt->p;
            }
            if ((r = add_flag(v, s, &f)) < 0)
                return r;
        }
        if ((r = inactive_of(v, i)) < 0)
            return r;
    }
    return 0;
}

/* Calendar weeks from the first point (at most TEACH_WEEKS_MAX back) to this one. */
static int progress_of(struct view *v)
{
    int64_t now_w = teach_week_of_day(v->day), first = now_w;
    for (size_t i = 0; i < v->n_pts; i++)
        first = MIN(first, teach_week_of_day(v->pts[i].at_ms / DAY_MS));
    v->week0 = MAX(first, now_w - (TEACH_WEEKS_MAX - 1));
    v->n_weeks = now_w - v->week0 + 1;
    for (size_t i = 0; i < v->n_st; i++) {
        struct student *s = &v->st[i];
        s->weekly = arena_calloc(v->c->arena, (size_t)v->n_weeks, sizeof(*s->weekly));
        if (!s->weekly)
            return ctx_fail(v->c, -ENOMEM, "out of memory");
        for (int64_t w = 0; w < v->n_weeks; w++) {
            /* the end of week w: the next Monday at 00:00 UTC, or now for this week */
            int64_t end = MIN(teach_week_first_day(v->week0 + w + 1) * DAY_MS - 1, v->now_ms);
            for (size_t j = 0; j < v->n_cols; j++) {
                double p = value_at(v, s, j, end);
                if (!isnan(p) && p >= MODEL_MASTERED)
                    s->weekly[w]++;
            }
        }
    }
    return 0;
}

static double p_of(const struct view *v, size_t student, size_t col)
{
    const struct cell *cl = &v->cells[student * v->n_cols + col];
    return cl->has ? cl->m.p_mastery : v->skills[v->cols[col]].row.prior;
}

/*
 * The groups: the columns are the candidates; a prerequisite that is not a
 * column (nobody in the class has practised it, so nobody has mastered it)
 * is an extra skill that is never a candidate.
 */
static int groups_of(struct view *v)
{
    struct ctx *c = v->c;
    size_t cap_extra = 0;
    for (size_t j = 0; j < v->n_cols; j++) {
        const struct content_skill *cs = v->skills[v->cols[j]].cs;
        cap_extra += cs ? cs->n_prerequisites : 0;
    }
    size_t n_sk = v->n_cols + cap_extra;
    uint32_t *pre_start = arena_calloc(c->arena, n_sk + 1, sizeof(*pre_start));
    uint32_t *pre = arena_alloc(c->arena, (cap_extra ? cap_extra : 1) * sizeof(*pre));
    bool *cand = arena_calloc(c->arena, n_sk ? n_sk : 1, sizeof(*cand));
    double *p = arena_alloc(c->arena, (v->n_st * n_sk + 1) * sizeof(*p));
    int32_t *group_of = arena_alloc(c->arena, (v->n_st ? v->n_st : 1) * sizeof(*group_of));
    v->group_col = arena_alloc(c->arena, (v->n_st ? v->n_st : 1) * sizeof(*v->group_col));
    if (!pre_start || !pre || !cand || !p || !group_of || !v->group_col)
        return ctx_fail(c, -ENOMEM, "out of memory");
    size_t n_extra = 0, n_pre = 0;
    for (size_t j = 0; j < v->n_cols; j++) {
        const struct content_skill *cs = v->skills[v->cols[j]].cs;
        cand[j] = true;
        pre_start[j] = (uint32_t)n_pre;
        for (size_t k = 0; cs && k < cs->n_prerequisites; k++) {
            const struct content_skill *q = content_graph_skill(&v->graph, cs->prerequisites[k]);
            struct strmap_entry *e = q ? strmap_get(&v->by_iri, str_from(q->iri)) : NULL;
            int col = e ? v->skills[e->id].col : -1;
            pre[n_pre++] = col >= 0 ? (uint32_t)col : (uint32_t)(v->n_cols + n_extra++);
        }
    }
    for (size_t j = v->n_cols; j <= v->n_cols + n_extra; j++)
        pre_start[j] = (uint32_t)n_pre;
    n_sk = v->n_cols + n_extra;
    for (size_t i = 0; i < v->n_st; i++)
        for (size_t j = 0; j < n_sk; j++) {
            const struct cell *cl = j < v->n_cols ? &v->cells[i * v->n_cols + j] : NULL;
            p[i * n_sk + j] = cl && status_of(cl) != TEACH_NOT_STARTED ? cl->m.p_mastery : NAN;
        }
    int n = teach_groups(p, v->n_st, n_sk, pre_start, pre, cand, MODEL_MASTERED, group_of,
                         v->group_col);
    if (n < 0)
        return ctx_fail(c, n, "cannot work out the groups");
    v->n_groups = n;
    for (size_t i = 0; i < v->n_st; i++)
        v->st[i].group = group_of[i];
    return 0;
}

static void view_release(struct view *v)
{
    if (v->have_graph)
        content_graph_release(&v->graph);
    strmap_release(&v->by_iri);
    json_decref(v->timeline);
    json_decref(v->misconceptions);
}

static int view_load(struct ctx *c, struct view *v, int64_t class_id, int64_t student,
                     enum access_action action, const struct teach_opts *o)
{
    struct access_resource res = {RES_CLASS_LEARNING, 0, class_id};
    int r;

    memset(v, 0, sizeof(*v));
    v->c = c;
    v->o = o;
    v->class_id = class_id;
    v->only_student = student;
    v->by_iri = (struct strmap)STRMAP_INIT;
    v->cur = -1;
    /* the check first (it finds the class's district), then catch up, then read */
    if ((r = access_check(c, action, &res, NULL)) < 0)
        return r;
    v->district_id = c->who->district_id;
    v->now_ms = c->now_ms;
    v->day = c->now_ms / DAY_MS;
    if ((r = model_catch_up(c, v->district_id, NULL)) < 0)
        return r;
    r = content_graph(c, v->district_id, &v->graph);
    if (r == 0)
        v->have_graph = true;
    else if (r != -ENOENT)
        return r;
    if (student) {
        v->timeline = json_array();
        v->misconceptions = json_object();
        if (!v->timeline || !v->misconceptions)
            return ctx_fail(c, -ENOMEM, "out of memory");
    }
    /* the open assignments, for the inactivity flag (their readers only: no trace otherwise) */
    struct access_resource ar = {RES_ASSIGNMENTS, 0, class_id};
    if (access_would_allow(c, ACT_READ, &ar) == 0 &&
        (r = assign_open_in_class(c, class_id, &v->open, &v->n_open)) < 0)
        return r;
    if ((r = read_model(v, action)) < 0)
        return r;
    if ((r = read_statements(v)) < 0)
        return r;
    if ((r = flags_of(v)) < 0)
        return ctx_fail(c, r, "out of memory");
    if ((r = progress_of(v)) < 0)
        return r;
    if (!student && (r = groups_of(v)) < 0)
        return r;
    if (!c->purpose)
        c->purpose = "teacher views";
    return 0;
}

/* ---- rendering ---- */

static json_t *iso_or_null(int64_t ms)
{
    char at[40];
    if (ms <= 0)
        return json_null();
    time_format_iso8601(ms, at);
    return json_string(at);
}

static const char *student_name(const struct class_student *s, char *buf, size_t n)
{
    snprintf(buf, n, "%s %s", s->preferred_given_name[0] ? s->preferred_given_name : s->given_name,
             s->family_name);
    return buf;
}

/* P(mastered) as sent: the model's value, to 12 significant digits by the encoder. */
static json_t *prob(double p)
{
    return isfinite(p) ? json_real(p) : json_null();
}

static json_t *rules_json(void)
{
    return json_pack("{s:f, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "mastered_at",
                     MODEL_MASTERED, "spinning_attempts", TEACH_SPIN_ATTEMPTS, "rapid_under_ms",
                     TEACH_RAPID_MS, "rapid_days", TEACH_RAPID_DAYS, "rapid_min", TEACH_RAPID_MIN,
                     "rapid_share_pct", TEACH_RAPID_SHARE_PCT, "falling_days", TEACH_FALL_DAYS,
                     "falling_drop_pct", TEACH_FALL_DROP_PCT, "group_min", TEACH_GROUP_MIN,
                     "group_max", TEACH_GROUP_MAX, "inactive_school_days", ASSIGN_INACTIVE_DAYS);
}

static json_t *skill_json(const struct view *v, size_t col)
{
    const struct skill *sk = &v->skills[v->cols[col]];
    json_t *o = json_pack("{s:I, s:s}", "id", (json_int_t)sk->row.id, "iri", sk->row.skill);
    if (!o)
        return NULL;
    if (sk->cs) {
        json_object_set_new(o, "name", json_deep_copy(sk->cs->name));
        json_object_set_new(o, "grade",
                            sk->cs->grade >= 0 ? json_integer(sk->cs->grade) : json_null());
        json_t *pre = json_array();
        for (size_t k = 0; pre && k < sk->cs->n_prerequisites; k++) {
            const struct content_skill *q =
                content_graph_skill(&v->graph, sk->cs->prerequisites[k]);
            struct strmap_entry *e = q ? strmap_get(&v->by_iri, str_from(q->iri)) : NULL;
            if (e)
                json_array_append_new(pre, json_integer(v->skills[e->id].row.id));
        }
        json_object_set_new(o, "prerequisites", pre ? pre : json_array());
    } else {
        json_object_set_new(o, "name", json_null());
        json_object_set_new(o, "grade", json_null());
        json_object_set_new(o, "prerequisites", json_array());
    }
    return o;
}

static enum teach_status status_of(const struct cell *cl)
{
    return teach_status_of(cl->has, cl->m.p_mastery, cl->m.answers, cl->m.hints,
                           cl->m.attempts_open, MODEL_MASTERED);
}

static json_t *cell_json(const struct cell *cl)
{
    if (!cl->has)
        return json_null();
    json_t *o =
        json_pack("{s:o, s:s, s:I, s:I, s:I, s:I, s:o}", "p", prob(cl->m.p_mastery), "status",
                  teach_status_name(status_of(cl)), "answers", (json_int_t)cl->m.answers, "correct",
                  (json_int_t)cl->m.correct, "hints", (json_int_t)cl->m.hints, "attempts_open",
                  (json_int_t)cl->m.attempts_open, "last", iso_or_null(cl->m.last_ms));
    return o;
}

static json_t *flags_json(const struct view *v, const struct student *s)
{
    json_t *list = json_array();
    for (size_t i = 0; list && i < s->n_flags; i++) {
        const struct flag *f = &s->flags[i];
        json_t *ev = NULL, *o;
        if (!strcmp(f->code, "wheel_spinning")) {
            const struct cell *cl = &v->cells[(size_t)(s - v->st) * v->n_cols + (size_t)f->col];
            ev = json_pack("{s:I, s:o, s:I, s:I}", "attempts_open", (json_int_t)f->n, "p",
                           prob(cl->m.p_mastery), "answers", (json_int_t)cl->m.answers, "hints",
                           (json_int_t)cl->m.hints);
        } else if (!strcmp(f->code, "rapid_guessing")) {
            ev = json_pack("{s:I, s:I, s:i, s:i, s:o}", "rapid", (json_int_t)f->n, "timed",
                           (json_int_t)f->of, "days", TEACH_RAPID_DAYS, "under_ms", TEACH_RAPID_MS,
                           "last", iso_or_null(f->last_ms));
        } else if (!strcmp(f->code, "inactive")) {
            char since[16], due[16];
            time_format_date(f->since_day, since);
            time_format_date(f->due_day, due);
            ev =
                json_pack("{s:I, s:s, s:s, s:I, s:I, s:o}", "assignment", (json_int_t)f->assignment,
                          "since", since, "due", due, "school_days", (json_int_t)f->n, "unmastered",
                          (json_int_t)f->of, "last_activity", iso_or_null(f->last_ms));
        } else {
            ev = json_pack("{s:o, s:o, s:i, s:I}", "from", prob(f->from), "to", prob(f->to), "days",
                           TEACH_FALL_DAYS, "lowered_by", (json_int_t)f->wrong);
        }
        o = json_pack("{s:s, s:o, s:o}", "code", f->code, "skill",
                      f->col >= 0 ? json_integer(v->skills[v->cols[f->col]].row.id) : json_null(),
                      "evidence", ev ? ev : json_object());
        if (!o || json_array_append_new(list, o) < 0) {
            json_decref(list);
            return NULL;
        }
    }
    return list;
}

static json_t *weeks_json(const struct view *v)
{
    json_t *w = json_array();
    for (int64_t i = 0; w && i < v->n_weeks; i++) {
        char d[16];
        time_format_date(teach_week_first_day(v->week0 + i), d);
        json_array_append_new(w, json_string(d));
    }
    return w;
}

static json_t *weekly_json(const struct view *v, const int64_t *counts)
{
    json_t *a = json_array();
    for (int64_t i = 0; a && i < v->n_weeks; i++)
        json_array_append_new(a, json_integer(counts[i]));
    return a;
}

static json_t *student_json(const struct view *v, size_t i, bool cells)
{
    const struct student *s = &v->st[i];
    char name[400];
    int64_t mastered = 0;
    for (size_t j = 0; j < v->n_cols; j++)
        if (status_of(&v->cells[i * v->n_cols + j]) == TEACH_MASTERED)
            mastered++;
    json_t *o = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:I, s:o, s:I, s:o, s:o}", "id", (json_int_t)s->info.id, "name",
        student_name(&s->info, name, sizeof(name)), "given_name", s->info.given_name, "family_name",
        s->info.family_name, "grade", s->info.grades, "mastered", (json_int_t)mastered,
        "last_activity", iso_or_null(s->last_ms), "time_on_task_ms", (json_int_t)s->time_ms,
        "flags", flags_json(v, s), "progress", weekly_json(v, s->weekly));
    if (o && cells) {
        json_t *a = json_array();
        for (size_t j = 0; a && j < v->n_cols; j++)
            json_array_append_new(a, cell_json(&v->cells[i * v->n_cols + j]));
        json_object_set_new(o, "cells", a ? a : json_array());
        json_object_set_new(o, "group", s->group >= 0 ? json_integer(s->group) : json_null());
    }
    return o;
}

static json_t *counts_json(const struct view *v, size_t col)
{
    int64_t n[4] = {0};
    for (size_t i = 0; i < v->n_st; i++)
        n[status_of(&v->cells[i * v->n_cols + col])]++;
    return json_pack("{s:I, s:I, s:I, s:I}", "mastered", (json_int_t)n[TEACH_MASTERED],
                     "in_progress", (json_int_t)n[TEACH_IN_PROGRESS], "stuck",
                     (json_int_t)n[TEACH_STUCK], "not_started", (json_int_t)n[TEACH_NOT_STARTED]);
}

static json_t *groups_json(const struct view *v)
{
    json_t *list = json_array();
    for (int32_t g = 0; list && g < v->n_groups; g++) {
        size_t col = v->group_col[g];
        const struct skill *sk = &v->skills[v->cols[col]];
        json_t *members = json_array(), *pre = json_array();
        /* the members as chosen: the lowest P(mastered) first, then in the roster's order */
        size_t *m = arena_alloc(v->c->arena, (v->n_st ? v->n_st : 1) * sizeof(*m)), n = 0;
        for (size_t i = 0; m && i < v->n_st; i++) {
            if (v->st[i].group != g)
                continue;
            size_t j = n++;
            while (j > 0 && p_of(v, m[j - 1], col) > p_of(v, i, col)) {
                m[j] = m[j - 1];
                j--;
            }
            m[j] = i;
        }
        for (size_t x = 0; m && members && x < n; x++) {
            size_t i = m[x];
            json_array_append_new(
                members, json_pack("{s:I, s:o, s:s}", "id", (json_int_t)v->st[i].info.id, "p",
                                   prob(p_of(v, i, col)), "status",
                                   teach_status_name(status_of(&v->cells[i * v->n_cols + col]))));
        }
        for (size_t k = 0; pre && sk->cs && k < sk->cs->n_prerequisites; k++) {
            const struct content_skill *q =
                content_graph_skill(&v->graph, sk->cs->prerequisites[k]);
            struct strmap_entry *e = q ? strmap_get(&v->by_iri, str_from(q->iri)) : NULL;
            if (e)
                json_array_append_new(pre, json_integer(v->skills[e->id].row.id));
        }
        json_t *o = json_pack("{s:I, s:I, s:o, s:{s:s, s:o}}", "id", (json_int_t)g, "skill",
                              (json_int_t)sk->row.id, "students", members ? members : json_array(),
                              "reason", "code", "started_not_mastered", "prerequisites",
                              pre ? pre : json_array());
        if (!o || json_array_append_new(list, o) < 0) {
            json_decref(list);
            return NULL;
        }
    }
    return list;
}

static json_t *class_progress_json(const struct view *v)
{
    int64_t *sum = arena_calloc(v->c->arena, (size_t)(v->n_weeks ? v->n_weeks : 1), sizeof(*sum));
    if (!sum)
        return NULL;
    for (size_t i = 0; i < v->n_st; i++)
        for (int64_t w = 0; w < v->n_weeks; w++)
            sum[w] += v->st[i].weekly[w];
    return json_pack("{s:o, s:o, s:I}", "weeks", weeks_json(v), "mastered", weekly_json(v, sum),
                     "students", (json_int_t)v->n_st);
}

static json_t *head_json(const struct view *v)
{
    char now[40];
    time_format_iso8601(v->now_ms, now);
    return json_pack("{s:o, s:s, s:o}", "class", people_class_json(&v->ci), "as_of", now, "rules",
                     rules_json());
}

int teach_class(struct ctx *c, int64_t class_id, const struct teach_opts *o, json_t **ret)
{
    struct view v;
    int r = view_load(c, &v, class_id, 0, ACT_LIST, o);
    json_t *out = NULL;

    if (r < 0)
        goto out;
    out = head_json(&v);
    json_t *skills = json_array(), *students = json_array();
    for (size_t j = 0; skills && j < v.n_cols; j++) {
        json_t *s = skill_json(&v, j);
        if (s)
            json_object_set_new(s, "counts", counts_json(&v, j));
        if (!s || json_array_append_new(skills, s) < 0) {
            json_decref(skills);
            skills = NULL;
        }
    }
    for (size_t i = 0; students && i < v.n_st; i++)
        if (json_array_append_new(students, student_json(&v, i, true)) < 0) {
            json_decref(students);
            students = NULL;
        }
    if (!out || !skills || !students) {
        json_decref(skills);
        json_decref(students);
        r = ctx_fail(c, -ENOMEM, "out of memory");
        goto out;
    }
    json_object_set_new(out, "skills", skills);
    json_object_set_new(out, "students", students);
    json_object_set_new(out, "groups", groups_json(&v));
    json_object_set_new(out, "progress", class_progress_json(&v));
    *ret = out;
    out = NULL;
out:
    json_decref(out);
    view_release(&v);
    return r;
}

static json_t *curve_json(const struct view *v, const struct student *s, size_t col)
{
    json_t *a = json_array();
    bool first = true;
    for (size_t i = s->first_point; a && i < s->first_point + s->points; i++) {
        const struct point *pt = &v->pts[i];
        if (pt->col != col)
            continue;
        if (first) {
            /* where it started: the skill's prior, at the first attempt */
            json_array_append_new(a, json_pack("{s:o, s:o}", "at", iso_or_null(pt->at_ms), "p",
                                               prob(v->skills[v->cols[col]].row.prior)));
            first = false;
        }
        json_array_append_new(
            a, json_pack("{s:o, s:o}", "at", iso_or_null(pt->at_ms), "p", prob(pt->p)));
    }
    return a;
}

static json_t *misconceptions_json(struct view *v)
{
    json_t *list = json_array(), *m;
    const char *key;
    json_object_foreach(v->misconceptions, key, m)
    {
        const char *name = NULL;
        const char *lang = v->o && v->o->lang ? v->o->lang : "en";
        if (content_misconception(v->c, v->district_id, key, lang, &name) < 0)
            name = NULL;
        json_t *o =
            json_pack("{s:s, s:s?, s:O, s:O, s:o}", "id", key, "name", name, "count",
                      json_object_get(m, "count"), "skills", json_object_get(m, "skills"), "last",
                      iso_or_null(json_integer_value(json_object_get(m, "last_ms"))));
        if (!o || json_array_append_new(list, o) < 0) {
            json_decref(list);
            return NULL;
        }
    }
    /* most often seen first, then by id: a stable order */
    size_t n = json_array_size(list);
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0; j--) {
            json_t *a = json_array_get(list, j - 1), *b = json_array_get(list, j);
            json_int_t ca = json_integer_value(json_object_get(a, "count"));
            json_int_t cb = json_integer_value(json_object_get(b, "count"));
            if (ca > cb || (ca == cb && strcmp(str_of(a, "id"), str_of(b, "id")) <= 0))
                break;
            json_incref(a);
            json_array_set(list, j - 1, b);
            json_array_set_new(list, j, a);
        }
    return list;
}

int teach_student(struct ctx *c, int64_t class_id, int64_t student, const struct teach_opts *o,
                  json_t **ret)
{
    struct view v;
    json_t *out = NULL;
    int r = student > 0 ? view_load(c, &v, class_id, student, ACT_READ, o)
                        : ctx_fail(c, -ENOENT, "student: not found");

    if (student <= 0)
        return r;
    if (r < 0)
        goto out;
    out = head_json(&v);
    json_t *skills = json_array();
    for (size_t j = 0; skills && j < v.n_cols; j++) {
        const struct cell *cl = &v.cells[j];
        json_t *s = skill_json(&v, j);
        if (!s)
            break;
        json_object_set_new(s, "cell", cell_json(cl));
        json_object_set_new(s, "status", json_string(teach_status_name(status_of(cl))));
        json_object_set_new(s, "time_on_task_ms", json_integer(cl->time_ms));
        json_object_set_new(s, "curve", curve_json(&v, &v.st[0], j));
        json_array_append_new(skills, s);
    }
    json_t *st = v.n_st ? student_json(&v, 0, false) : NULL;
    if (!out || !skills || !st) {
        json_decref(skills);
        json_decref(st);
        r = ctx_fail(c, -ENOMEM, "out of memory");
        goto out;
    }
    json_object_set_new(st, "time_on_task",
                        json_pack("{s:I, s:I, s:I}", "total_ms", (json_int_t)v.st[0].time_ms,
                                  "last_7_days_ms", (json_int_t)v.st[0].week_ms, "answers",
                                  (json_int_t)v.st[0].answers));
    json_object_set_new(out, "student", st);
    json_object_set_new(out, "skills", skills);
    json_object_set_new(out, "misconceptions", misconceptions_json(&v));
    json_object_set_new(out, "timeline", json_incref(v.timeline));
    json_object_set_new(out, "timeline_total", json_integer((json_int_t)v.timeline_total));
    json_object_set_new(out, "weeks", weeks_json(&v));
    *ret = out;
    out = NULL;
out:
    json_decref(out);
    view_release(&v);
    return r;
}

int teach_skill(struct ctx *c, int64_t class_id, int64_t skill_id, const struct teach_opts *o,
                json_t **ret)
{
    struct view v;
    json_t *out = NULL;
    int r = view_load(c, &v, class_id, 0, ACT_LIST, o);

    if (r < 0)
        goto out;
    int k = skill_index_by_id(&v, skill_id);
    if (k < 0) {
        r = ctx_fail(c, -ENOENT, "skill: no such skill in this district's learner model");
        goto out;
    }
    int col = v.skills[k].col;
    json_t *lists =
        json_pack("{s:[], s:[], s:[], s:[]}", "mastered", "in_progress", "stuck", "not_started");
    for (size_t i = 0; lists && i < v.n_st; i++) {
        char name[400];
        struct cell none = {0};
        const struct cell *cl = col >= 0 ? &v.cells[i * v.n_cols + (size_t)col] : &none;
        enum teach_status stt = status_of(cl);
        json_t *e =
            json_pack("{s:I, s:s, s:o, s:I, s:I, s:I, s:o, s:o}", "id", (json_int_t)v.st[i].info.id,
                      "name", student_name(&v.st[i].info, name, sizeof(name)), "p",
                      cl->has ? prob(cl->m.p_mastery) : json_null(), "answers",
                      (json_int_t)cl->m.answers, "hints", (json_int_t)cl->m.hints, "attempts_open",
                      (json_int_t)cl->m.attempts_open, "last", iso_or_null(cl->m.last_ms), "group",
                      col >= 0 && v.st[i].group >= 0 && v.group_col[v.st[i].group] == (uint32_t)col
                          ? json_integer(v.st[i].group)
                          : json_null());
        if (!e)
            break;
        json_array_append_new(json_object_get(lists, teach_status_name(stt)), e);
    }
    out = head_json(&v);
    json_t *sk;
    if (col >= 0) {
        sk = skill_json(&v, (size_t)col);
        if (sk)
            json_object_set_new(sk, "counts", counts_json(&v, (size_t)col));
    } else {
        sk = json_pack("{s:I, s:s, s:n, s:n, s:[], s:{s:i, s:i, s:i, s:I}}", "id",
                       (json_int_t)skill_id, "iri", v.skills[k].row.skill, "name", "grade",
                       "prerequisites", "counts", "mastered", 0, "in_progress", 0, "stuck", 0,
                       "not_started", (json_int_t)v.n_st);
        if (sk && v.skills[k].cs)
            json_object_set_new(sk, "name", json_deep_copy(v.skills[k].cs->name));
    }
    if (!out || !lists || !sk) {
        json_decref(lists);
        json_decref(sk);
        r = ctx_fail(c, -ENOMEM, "out of memory");
        goto out;
    }
    json_object_set_new(out, "skill", sk);
    json_object_set_new(out, "students", lists);
    *ret = out;
    out = NULL;
out:
    json_decref(out);
    view_release(&v);
    return r;
}

/* ---- CSV ---- */

/*
 * One field, quoted when it must be (RFC 4180); a text a spreadsheet would
 * run as a formula (=, +, -, @, tab, CR at the start) gets a leading ' so it
 * stays text (OWASP "CSV injection").
 */
static int csv_field(struct buf *b, const char *s, bool text)
{
    bool formula = text && s[0] && strchr("=+-@\t\r", s[0]);
    bool quote = formula || strpbrk(s, ",\"\r\n") != NULL;
    int r = 0;
    if (quote)
        r = buf_putc(b, '"');
    if (r == 0 && formula)
        r = buf_putc(b, '\'');
    for (const char *p = s; r == 0 && *p; p++)
        r = *p == '"' ? buf_appends(b, "\"\"") : buf_putc(b, *p);
    if (r == 0 && quote)
        r = buf_putc(b, '"');
    return r;
}

static const char *name_in(const struct skill *sk, const char *lang)
{
    if (!sk->cs || !json_is_object(sk->cs->name))
        return "";
    const char *s = json_string_value(json_object_get(sk->cs->name, lang));
    if (!s)
        s = json_string_value(json_object_get(sk->cs->name, "en"));
    return s ? s : "";
}

int teach_class_csv(struct ctx *c, int64_t class_id, const struct teach_opts *o, char **ret,
                    size_t *ret_len)
{
    struct view v;
    struct buf b = BUF_INIT(64 * 1024 * 1024);
    const char *lang = o && o->lang ? o->lang : "en";
    int r = view_load(c, &v, class_id, 0, ACT_EXPORT, o);

    if (r < 0)
        goto out;
    r = buf_appends(&b, "student_id,student,grade,skill_id,skill,skill_name,status,p_mastery,"
                        "answers,correct,hints,attempts_open,last_activity,flags\r\n");
    for (size_t i = 0; r == 0 && i < v.n_st; i++) {
        const struct student *s = &v.st[i];
        char name[400], num[64], when[40];
        for (size_t j = 0; r == 0 && j < v.n_cols; j++) {
            const struct cell *cl = &v.cells[i * v.n_cols + j];
            const struct skill *sk = &v.skills[v.cols[j]];
            char flags[128] = "";
            for (size_t f = 0; f < s->n_flags; f++)
                if (s->flags[f].col == (int)j || s->flags[f].col < 0)
                    snprintf(flags + strlen(flags), sizeof(flags) - strlen(flags), "%s%s",
                             flags[0] ? " " : "", s->flags[f].code);
            r = buf_appendf(&b, "%lld,", (long long)s->info.id);
            if (r == 0)
                r = csv_field(&b, student_name(&s->info, name, sizeof(name)), true);
            if (r == 0)
                r = buf_putc(&b, ',');
            if (r == 0)
                r = csv_field(&b, s->info.grades, true);
            if (r == 0)
                r = buf_appendf(&b, ",%lld,", (long long)sk->row.id);
            if (r == 0)
                r = csv_field(&b, sk->row.skill, true);
            if (r == 0)
                r = buf_putc(&b, ',');
            if (r == 0)
                r = csv_field(&b, name_in(sk, lang), true);
            snprintf(num, sizeof(num), "%.4f", cl->has ? cl->m.p_mastery : sk->row.prior);
            when[0] = '\0';
            if (cl->has && cl->m.last_ms > 0)
                time_format_iso8601(cl->m.last_ms, when);
            if (r == 0)
                r = buf_appendf(&b, ",%s,%s,%lld,%lld,%lld,%lld,%s,%s\r\n",
                                teach_status_name(status_of(cl)), num, (long long)cl->m.answers,
                                (long long)cl->m.correct, (long long)cl->m.hints,
                                (long long)cl->m.attempts_open, when, flags);
        }
    }
    if (r < 0) {
        r = ctx_fail(c, r, "the class is too large to export at once");
        goto out;
    }
    *ret = buf_detach(&b, ret_len);
    if (!*ret)
        r = ctx_fail(c, -ENOMEM, "out of memory");
out:
    buf_release(&b);
    view_release(&v);
    return r;
}

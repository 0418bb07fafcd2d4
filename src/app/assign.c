/*
 * Assignments: see assign.h. Every read and change of a class's assignments
 * asks the gate for RES_ASSIGNMENTS on the class first; the store functions
 * take the grant it returns. Changes run in one write transaction with
 * their audit entry: bad input rolls everything back.
 */
#include "base/common.h"

#include <math.h>
#include <stdio.h>

#include "app/access.h"
#include "app/assign.h"
#include "app/audit.h"
#include "app/content.h"
#include "app/lrs.h"
#include "app/model.h"
#include "app/people.h"
#include "app/principal.h"
#include "base/buf.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "store/store.h"
#include "store/store_assign.h"
#include "store/store_model.h"
#include "store/store_people.h"
#include "store/store_roster.h"

#define DAY_MS 86400000LL

static int64_t today(const struct ctx *c)
{
    return c->now_ms / DAY_MS;
}

bool assign_school_day(int64_t day)
{
    int64_t dow = ((day % 7) + 7 + 3) % 7; /* 0 = Monday: 1970-01-01 was a Thursday */
    return dow < 5;
}

int64_t assign_school_days_between(int64_t from, int64_t to)
{
    int64_t n = 0;
    if (to <= from + 1)
        return 0;
    /* whole weeks at once, then the rest day by day */
    int64_t span = to - from - 1, weeks = span / 7;
    n = weeks * 5;
    for (int64_t d = from + 1 + weeks * 7; d < to; d++)
        n += assign_school_day(d);
    return n;
}

static const char *date_text(struct ctx *c, int64_t day)
{
    char d[16];
    time_format_date(day, d);
    return arena_strdup(c->arena, d);
}

static const char *time_text(struct ctx *c, int64_t ms)
{
    char t[40];
    time_format_iso8601(ms, t);
    return arena_strdup(c->arena, t);
}

static const char *lang_text(json_t *map, const char *lang)
{
    const char *s = json_string_value(json_object_get(map, lang));
    if (!s || !s[0])
        s = json_string_value(json_object_get(map, "en"));
    return s ? s : "";
}

/* A skill as the pages show it: {iri, name, grade}; a retired skill by its IRI. */
static json_t *skill_json(const struct content_graph *graph, const char *iri, const char *lang)
{
    const struct content_skill *s = graph ? content_graph_skill_iri(graph, iri) : NULL;
    const char *slash = strrchr(iri, '/');
    json_t *o = json_pack("{s:s, s:s}", "iri", iri, "name",
                          s                   ? lang_text(s->name, lang)
                          : slash && slash[1] ? slash + 1
                                              : iri);
    if (o && s && s->grade >= 0)
        json_object_set_new(o, "grade", json_integer(s->grade));
    return o;
}

static const char *person_name(struct ctx *c, const char *preferred, const char *given,
                               const char *family)
{
    return arena_printf(c->arena, "%s %s", preferred && preferred[0] ? preferred : given, family);
}

/* ---- reading a request ---- */

/* Count the characters of UTF-8 text (bytes that do not continue a sequence). */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

static int check_keys(struct ctx *c, json_t *req, const char *const *known)
{
    const char *k;
    json_t *v;
    if (!json_is_object(req))
        return ctx_fail(c, -EINVAL, "body: must be a JSON object");
    json_object_foreach(req, k, v)
    {
        bool ok = false;
        for (size_t i = 0; known[i]; i++)
            ok = ok || !strcmp(k, known[i]);
        if (!ok)
            return ctx_fail(c, -EINVAL, "%.60s: unknown field", k);
    }
    return 0;
}

static int parse_date(struct ctx *c, json_t *v, int64_t *ret)
{
    const char *s = json_string_value(v);
    if (!s || time_parse_date(str_from(s), ret) < 0)
        return ctx_fail(c, -EINVAL, "due_date: must be a date written YYYY-MM-DD");
    return 0;
}

static int parse_note(struct ctx *c, json_t *v, const char **ret)
{
    const char *s = json_string_value(v);
    if (!json_is_string(v))
        return ctx_fail(c, -EINVAL, "note: must be text");
    if (utf8_chars(s) > ASSIGN_NOTE_CHARS || strlen(s) > ASSIGN_NOTE_MAX)
        return ctx_fail(c, -EINVAL, "note: at most %d characters", ASSIGN_NOTE_CHARS);
    *ret = s;
    return 0;
}

static const char *const weekday_names[7] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                             "Friday", "Saturday", "Sunday"};

/* The due day as the class can have it: a school day, not past, within the class's terms. */
static int check_due(struct ctx *c, struct db *db, int64_t district, int64_t class_id, int64_t due,
                     int64_t from_day)
{
    char d[16];
    int64_t end = 0;
    int r;

    time_format_date(due, d);
    if (due < from_day)
        return ctx_fail(c, -EINVAL, "due_date: %s is in the past", d);
    if (!assign_school_day(due))
        return ctx_fail(c, -EINVAL, "due_date: %s is a %s, not a school day", d,
                        weekday_names[((due % 7) + 7 + 3) % 7]);
    if ((r = store_assign_term_end(db, district, class_id, &end)) < 0)
        return ctx_fail(c, r, "cannot read the class's terms");
    if (end && due > end) {
        char e[16];
        time_format_date(end, e);
        return ctx_fail(c, -EINVAL, "due_date: %s is after the class's term ends (%s)", d, e);
    }
    return 0;
}

/* ---- an assignment as JSON ---- */

struct item {
    struct assign_row row;
    json_t *skills;  /* [IRI] */
    int64_t *chosen; /* the chosen students (whole_class false) */
    size_t n_chosen, cap_chosen;
};

static json_t *assignment_json(struct ctx *c, const struct item *it,
                               const struct content_graph *graph, const char *lang)
{
    const struct assign_row *a = &it->row;
    json_t *skills = json_array(), *students = json_array(), *x;
    size_t i;
    json_array_foreach(it->skills, i, x)
        json_array_append_new(skills, skill_json(graph, json_string_value(x), lang));
    for (i = 0; students && i < it->n_chosen; i++)
        json_array_append_new(students, json_integer(it->chosen[i]));
    json_t *o = json_pack("{s:I, s:I, s:o, s:s, s:s, s:s, s:b, s:o, s:{s:s}, s:s, s:s, s:s, s:b}",
                          "id", (json_int_t)a->id, "class", (json_int_t)a->class_id, "skills",
                          skills ? skills : json_array(), "due_date", date_text(c, a->due_day),
                          "assigned_on", date_text(c, a->given_day), "note", a->note, "whole_class",
                          a->whole_class, "students", students ? students : json_array(),
                          "assigned_by", "name", a->assigned_by_name, "created_at",
                          time_text(c, a->created_ms), "updated_at", time_text(c, a->updated_ms),
                          "state", a->closed_ms ? "closed" : "open", "overdue",
                          !a->closed_ms && today(c) > a->due_day);
    if (o && a->assigned_by)
        json_object_set_new(json_object_get(o, "assigned_by"), "id", json_integer(a->assigned_by));
    if (o && a->closed_ms)
        json_object_set_new(o, "closed_at", json_string(time_text(c, a->closed_ms)));
    return o;
}

static void item_release(struct item *it)
{
    json_decref(it->skills);
    mem_free(it->chosen);
}

static int chosen_add(struct item *it, int64_t user)
{
    if (it->n_chosen == it->cap_chosen) {
        size_t cap = it->cap_chosen ? it->cap_chosen * 2 : 8;
        int64_t *p = mem_realloc(it->chosen, cap * sizeof(*p));
        if (!p)
            return -ENOMEM;
        it->chosen = p;
        it->cap_chosen = cap;
    }
    it->chosen[it->n_chosen++] = user;
    return 0;
}

/* ---- changes ---- */

struct change {
    struct ctx *c;
    int64_t class_id, id;
    const struct content_graph *graph;
    /* create */
    json_t *skills;   /* [IRI], checked against the graph */
    json_t *students; /* [id] or NULL: the whole class */
    int64_t due_day, given_ms, closed_ms;
    const char *note;
    int64_t by_user;
    const char *by_name;
    bool on_behalf; /* the operator records it for by_user */
    /* update */
    bool set_due, set_note, set_closed, closed;
    bool deleting;
    struct item out;
};

static int audit_change(struct ctx *c, struct db *db, int64_t class_id, const char *detail,
                        const int64_t *subjects, size_t n)
{
    const char *obj = arena_printf(c->arena, "class:%lld:assignments", (long long)class_id);
    struct audit_entry e = {
        .action = "change", .object = obj, .subjects = subjects, .n_subjects = n, .detail = detail};
    if (!obj)
        return -ENOMEM;
    return audit_append(c, db, &e);
}

/* The assigner's name as the class's students will read it: their roster name, else their login. */
static int own_name(struct ctx *c, struct db *db, const char **ret)
{
    const struct principal *p = c->who;
    struct access_resource res = {RES_PERSON, p->district_id, p->user_id};
    struct roster_person_row row = {0};
    struct grant *g;
    int r;

    *ret = p->name ? p->name : "";
    if (p->kind != PRINCIPAL_USER || !p->user_id)
        return 0;
    r = access_check(c, ACT_READ, &res, &g); /* one's own record: no disclosure */
    if (r == 0)
        r = store_roster_person(db, g, p->user_id, &row);
    if (r == 0 && row.family_name)
        *ret = person_name(c, row.preferred_given_name, row.given_name ? row.given_name : "",
                           row.family_name);
    store_roster_person_release(&row);
    return r < 0 ? ctx_fail(c, r, "cannot read your roster record") : 0;
}

static int create_tx(struct db *db, void *arg)
{
    struct change *x = arg;
    struct ctx *c = x->c;
    struct access_resource res = {RES_ASSIGNMENTS, 0, x->class_id};
    struct grant *g;
    struct buf detail = BUF_INIT(4096);
    int64_t *subjects = NULL;
    size_t n_subjects = 0, i;
    json_t *v;
    int r;

    item_release(&x->out); /* a retried transaction starts over */
    memset(&x->out, 0, sizeof(x->out));
    r = access_check(c, ACT_WRITE, &res, &g);
    if (r < 0)
        return r;
    if (!x->on_behalf && (r = own_name(c, db, &x->by_name)) < 0)
        return r;
    int64_t district = access_grant_district(g), given_day = x->given_ms / DAY_MS;
    /* the skills: active skills of the district's packs, each once */
    json_array_foreach(x->skills, i, v)
    {
        const char *iri = json_string_value(v);
        if (!iri || !content_graph_skill_iri(x->graph, iri)) {
            r = ctx_fail(c, -EINVAL, "skills[%zu]: no skill '%.200s' in this district's content", i,
                         iri ? iri : "?");
            goto out;
        }
        for (size_t k = 0; k < i; k++)
            if (!strcmp(json_string_value(json_array_get(x->skills, k)), iri)) {
                r = ctx_fail(c, -EINVAL, "skills[%zu]: '%.200s' is listed twice", i, iri);
                goto out;
            }
    }
    if ((r = check_due(c, db, district, x->class_id, x->due_day, given_day)) < 0)
        goto out;
    /* the students: each a student of the class today, each once */
    subjects = mem_calloc(json_array_size(x->students) + 1, sizeof(*subjects));
    if (!subjects) {
        r = ctx_fail(c, -ENOMEM, "out of memory");
        goto out;
    }
    json_array_foreach(x->students, i, v)
    {
        int64_t id = json_integer_value(v);
        r = store_assign_in_class(db, g, id, given_day);
        if (r < 0) {
            r = ctx_fail(c, r, "cannot read the class roster");
            goto out;
        }
        if (r == 0) {
            r = ctx_fail(c, -EINVAL, "students[%zu]: %lld is not a student of this class", i,
                         (long long)id);
            goto out;
        }
        for (size_t k = 0; k < n_subjects; k++)
            if (subjects[k] == id) {
                r = ctx_fail(c, -EINVAL, "students[%zu]: %lld is listed twice", i, (long long)id);
                goto out;
            }
        subjects[n_subjects++] = id;
    }
    struct assign_row *row = &x->out.row;
    memset(row, 0, sizeof(*row));
    row->class_id = x->class_id;
    row->whole_class = x->students == NULL;
    row->given_day = given_day;
    row->due_day = x->due_day;
    snprintf(row->note, sizeof(row->note), "%s", x->note ? x->note : "");
    row->assigned_by = x->by_user;
    snprintf(row->assigned_by_name, sizeof(row->assigned_by_name), "%s", x->by_name);
    row->created_ms = row->updated_ms = x->given_ms;
    row->closed_ms = x->closed_ms;
    if ((r = store_assign_insert(db, g, row, &row->id)) < 0)
        goto fail;
    json_array_foreach(x->skills, i, v)
    {
        if ((r = store_assign_add_skill(db, g, row->id, json_string_value(v), (int64_t)i)) < 0)
            goto fail;
    }
    for (i = 0; i < n_subjects; i++)
        if ((r = store_assign_add_student(db, g, row->id, subjects[i])) < 0 ||
            (r = chosen_add(&x->out, subjects[i])) < 0)
            goto fail;
    /* who assigned what to whom */
    (void)buf_appendf(&detail, "assignment %lld: ", (long long)row->id);
    json_array_foreach(x->skills, i, v)(void)
        buf_appendf(&detail, "%s%s", i ? ", " : "", json_string_value(v));
    (void)buf_appendf(&detail, " assigned to %s, due %s",
                      row->whole_class ? "the whole class"
                                       : arena_printf(c->arena, "%zu students", n_subjects),
                      date_text(c, row->due_day));
    if (x->on_behalf)
        (void)buf_appendf(&detail, ", on behalf of %s (users.id %lld), given %s", x->by_name,
                          (long long)x->by_user, date_text(c, given_day));
    if (row->closed_ms)
        (void)buf_appendf(&detail, ", closed %s", date_text(c, row->closed_ms / DAY_MS));
    if ((r = audit_change(c, db, x->class_id, buf_cstr(&detail), subjects, n_subjects)) < 0)
        goto fail;
    x->out.skills = json_deep_copy(x->skills);
    r = x->out.skills ? 0 : ctx_fail(c, -ENOMEM, "out of memory");
    goto out;
fail:
    if (!c->err[0])
        ctx_fail(c, r, "cannot save the assignment");
out:
    mem_free(subjects);
    buf_release(&detail);
    return r;
}

/* Read "skills", "students", "due_date", "note" of a new assignment into x. */
static int parse_create(struct ctx *c, json_t *req, struct change *x)
{
    static const char *const known[] = {"skills", "students", "due_date", "note", NULL};
    json_t *skills = json_object_get(req, "skills"), *students, *v;
    size_t i;
    int r = check_keys(c, req, known);
    if (r < 0)
        return r;
    if (!json_is_array(skills) || json_array_size(skills) == 0)
        return ctx_fail(c, -EINVAL, "skills: required: a list of one or more skills");
    if (json_array_size(skills) > ASSIGN_MAX_SKILLS)
        return ctx_fail(c, -EINVAL, "skills: at most %d in one assignment", ASSIGN_MAX_SKILLS);
    json_array_foreach(skills, i, v)
    {
        if (!json_is_string(v) || !json_string_length(v) || json_string_length(v) > 500)
            return ctx_fail(c, -EINVAL, "skills[%zu]: must be a skill's IRI", i);
    }
    x->skills = skills;
    students = json_object_get(req, "students");
    if (students && !json_is_null(students)) {
        if (!json_is_array(students) || json_array_size(students) == 0)
            return ctx_fail(c, -EINVAL,
                            "students: a list of one or more students (leave it out for the whole "
                            "class)");
        if (json_array_size(students) > ASSIGN_MAX_STUDENTS)
            return ctx_fail(c, -EINVAL, "students: at most %d", ASSIGN_MAX_STUDENTS);
        json_array_foreach(students, i, v)
        {
            if (!json_is_integer(v) || json_integer_value(v) <= 0)
                return ctx_fail(c, -EINVAL, "students[%zu]: must be a student's id", i);
        }
        x->students = students;
    }
    if (!json_object_get(req, "due_date"))
        return ctx_fail(c, -EINVAL, "due_date: required");
    if ((r = parse_date(c, json_object_get(req, "due_date"), &x->due_day)) < 0)
        return r;
    if (json_object_get(req, "note") &&
        (r = parse_note(c, json_object_get(req, "note"), &x->note)) < 0)
        return r;
    return 0;
}

static int run_change(struct ctx *c, int (*fn)(struct db *, void *), struct change *x)
{
    struct db *db;
    int r = ctx_db(c, &db);
    if (r < 0)
        return r;
    access_read_end(c);
    r = store_tx(db, fn, x);
    if (r < 0 && !c->err[0])
        ctx_fail(c, r, "cannot save the assignment");
    return r;
}

int assign_create(struct ctx *c, int64_t class_id, json_t *req, const char *lang, json_t **ret)
{
    const struct principal *p = c->who;
    struct change x = {.c = c, .class_id = class_id};
    struct content_graph graph = {0};
    int r;

    if (!p)
        return ctx_fail(c, -EPERM, "log in first");
    if ((r = parse_create(c, req, &x)) < 0)
        return r;
    if ((r = content_graph(c, p->district_id, &graph)) < 0)
        return r;
    x.graph = &graph;
    x.given_ms = c->now_ms;
    x.by_user = p->kind == PRINCIPAL_USER ? p->user_id : 0;
    r = run_change(c, create_tx, &x);
    if (r == 0) {
        *ret = assignment_json(c, &x.out, &graph, lang);
        r = *ret ? 0 : ctx_fail(c, -ENOMEM, "out of memory");
    }
    item_release(&x.out);
    content_graph_release(&graph);
    return r;
}

int assign_record(struct ctx *c, int64_t class_id, const struct assign_spec *spec, int64_t *ret_id)
{
    struct change x = {.c = c, .class_id = class_id, .on_behalf = true};
    struct content_graph graph = {0};
    json_t *skills = json_array(), *students = NULL;
    int r;

    if (!c->who || c->who->kind != PRINCIPAL_OPERATOR)
        return ctx_fail(c, -EACCES, "only the server's operator records assignments for a teacher");
    for (size_t i = 0; skills && i < spec->n_skills; i++)
        json_array_append_new(skills, json_string(spec->skills[i]));
    if (spec->students) {
        students = json_array();
        for (size_t i = 0; students && i < spec->n_students; i++)
            json_array_append_new(students, json_integer(spec->students[i]));
    }
    if (!skills || (spec->students && !students)) {
        r = ctx_fail(c, -ENOMEM, "out of memory");
        goto out;
    }
    if ((r = content_graph(c, c->who->district_id, &graph)) < 0)
        goto out;
    x.graph = &graph;
    x.skills = skills;
    x.students = students;
    x.due_day = spec->due_day;
    x.given_ms = spec->given_ms;
    x.closed_ms = spec->closed_ms;
    x.note = spec->note;
    x.by_user = spec->teacher;
    x.by_name = spec->teacher_name ? spec->teacher_name : "";
    r = run_change(c, create_tx, &x);
    if (r == 0)
        *ret_id = x.out.row.id;
out:
    item_release(&x.out);
    content_graph_release(&graph);
    json_decref(skills);
    json_decref(students);
    return r;
}

static int one_skill_cb(void *arg, int64_t assignment_id, const char *skill)
{
    struct item *it = arg;
    (void)assignment_id;
    if (!it->skills && !(it->skills = json_array()))
        return -ENOMEM;
    return json_array_append_new(it->skills, json_string(skill)) < 0 ? -ENOMEM : 0;
}

static int one_student_cb(void *arg, int64_t assignment_id, int64_t user_id)
{
    (void)assignment_id;
    return chosen_add(arg, user_id);
}

static int update_tx(struct db *db, void *arg)
{
    struct change *x = arg;
    struct ctx *c = x->c;
    struct access_resource res = {RES_ASSIGNMENTS, 0, x->class_id};
    struct assign_row *row = &x->out.row;
    struct buf detail = BUF_INIT(1024);
    struct grant *g;
    int r;

    /* a retried transaction starts over */
    item_release(&x->out);
    memset(&x->out, 0, sizeof(x->out));
    r = access_check(c, ACT_WRITE, &res, &g);
    if (r < 0)
        return r;
    r = store_assign_get(db, g, x->id, row);
    if (r == -ENOENT)
        return ctx_fail(c, -ENOENT, "assignment: no assignment %lld in this class",
                        (long long)x->id);
    if (r < 0)
        return ctx_fail(c, r, "cannot read the assignment");
    if (x->deleting) {
        r = store_assign_delete(db, g, x->id);
        if (r == 0)
            r = audit_change(c, db, x->class_id,
                             arena_printf(c->arena, "assignment %lld deleted (it was due %s)",
                                          (long long)x->id, date_text(c, row->due_day)),
                             NULL, 0);
        goto out;
    }
    (void)buf_appendf(&detail, "assignment %lld:", (long long)x->id);
    if (x->set_due && x->due_day != row->due_day) {
        if ((r = check_due(c, db, access_grant_district(g), x->class_id, x->due_day, today(c))) < 0)
            goto out;
        (void)buf_appendf(&detail, " due date moved from %s to %s;", date_text(c, row->due_day),
                          date_text(c, x->due_day));
        row->due_day = x->due_day;
    }
    if (x->set_note && strcmp(x->note, row->note) != 0) {
        snprintf(row->note, sizeof(row->note), "%s", x->note);
        (void)buf_appendf(&detail, " note changed;");
    }
    if (x->set_closed && x->closed != (row->closed_ms != 0)) {
        row->closed_ms = x->closed ? c->now_ms : 0;
        (void)buf_appendf(&detail, x->closed ? " closed;" : " opened again;");
    }
    row->updated_ms = c->now_ms;
    if ((r = store_assign_update(db, g, row)) < 0 ||
        (r = audit_change(c, db, x->class_id, buf_cstr(&detail), NULL, 0)) < 0 ||
        (r = store_assign_skills(db, g, x->id, one_skill_cb, &x->out)) < 0 ||
        (r = store_assign_students(db, g, x->id, one_student_cb, &x->out)) < 0)
        goto out;
out:
    buf_release(&detail);
    if (r < 0 && !c->err[0])
        ctx_fail(c, r, "cannot save the assignment");
    return r;
}

int assign_update(struct ctx *c, int64_t class_id, int64_t id, json_t *req, const char *lang,
                  json_t **ret)
{
    static const char *const known[] = {"due_date", "note", "closed", NULL};
    struct change x = {.c = c, .class_id = class_id, .id = id};
    struct content_graph graph = {0};
    json_t *v;
    int r;

    if (!c->who)
        return ctx_fail(c, -EPERM, "log in first");
    if ((r = check_keys(c, req, known)) < 0)
        return r;
    if ((v = json_object_get(req, "due_date"))) {
        if ((r = parse_date(c, v, &x.due_day)) < 0)
            return r;
        x.set_due = true;
    }
    if ((v = json_object_get(req, "note"))) {
        if ((r = parse_note(c, v, &x.note)) < 0)
            return r;
        x.set_note = true;
    }
    if ((v = json_object_get(req, "closed"))) {
        if (!json_is_boolean(v))
            return ctx_fail(c, -EINVAL, "closed: must be true or false");
        x.closed = json_is_true(v);
        x.set_closed = true;
    }
    if (!x.set_due && !x.set_note && !x.set_closed)
        return ctx_fail(c, -EINVAL, "body: nothing to change (due_date, note or closed)");
    r = run_change(c, update_tx, &x);
    if (r == 0 && (r = content_graph(c, c->who->district_id, &graph)) == 0) {
        *ret = assignment_json(c, &x.out, &graph, lang);
        r = *ret ? 0 : ctx_fail(c, -ENOMEM, "out of memory");
    }
    item_release(&x.out);
    content_graph_release(&graph);
    return r;
}

int assign_delete(struct ctx *c, int64_t class_id, int64_t id)
{
    struct change x = {.c = c, .class_id = class_id, .id = id, .deleting = true};
    int r;
    if (!c->who)
        return ctx_fail(c, -EPERM, "log in first");
    r = run_change(c, update_tx, &x);
    item_release(&x.out);
    return r;
}

/* ---- reading a class's assignments ---- */

struct student {
    int64_t id;
    const char *name;
    int64_t last_day; /* of the latest practice; 0: none */
};

struct mrow {
    int64_t user;
    const char *skill;
    double p;
    int64_t answers, hints;
};

struct list {
    struct ctx *c;
    struct item *items;
    size_t n, cap;
    struct student *st;
    size_t n_st, cap_st;
    struct mrow *m;
    size_t n_m, cap_m;
};

static int grow(void **v, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 16;
    void *p = mem_realloc(*v, nc * size);
    if (!p)
        return -ENOMEM;
    *v = p;
    *cap = nc;
    return 0;
}

static int list_cb(void *arg, const struct assign_row *row)
{
    struct list *l = arg;
    if (grow((void **)&l->items, &l->cap, l->n, sizeof(*l->items)) < 0)
        return -ENOMEM;
    struct item *it = &l->items[l->n++];
    memset(it, 0, sizeof(*it));
    it->row = *row;
    return 0;
}

static struct item *item_of(struct list *l, int64_t id)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].row.id == id)
            return &l->items[i];
    return NULL;
}

static int skills_cb(void *arg, int64_t id, const char *skill)
{
    struct item *it = item_of(arg, id);
    return it ? one_skill_cb(it, id, skill) : 0;
}

static int students_cb(void *arg, int64_t id, int64_t user)
{
    struct item *it = item_of(arg, id);
    return it ? chosen_add(it, user) : 0;
}

static int class_student_cb(void *arg, const struct assign_student *s)
{
    struct list *l = arg;
    if (grow((void **)&l->st, &l->cap_st, l->n_st, sizeof(*l->st)) < 0)
        return -ENOMEM;
    struct student *x = &l->st[l->n_st++];
    x->id = s->id;
    x->name = person_name(l->c, s->preferred_given_name, s->given_name, s->family_name);
    x->last_day = s->last_ms > 0 ? s->last_ms / DAY_MS : 0;
    return x->name ? 0 : -ENOMEM;
}

static int mastery_cb(void *arg, const struct assign_mastery *m)
{
    struct list *l = arg;
    if (grow((void **)&l->m, &l->cap_m, l->n_m, sizeof(*l->m)) < 0)
        return -ENOMEM;
    struct mrow *x = &l->m[l->n_m++];
    x->user = m->user_id;
    x->skill = arena_strdup(l->c->arena, m->skill);
    x->p = m->p_mastery;
    x->answers = m->answers;
    x->hints = m->hints;
    return x->skill ? 0 : -ENOMEM;
}

static const struct mrow *mastery_of(const struct list *l, int64_t user, const char *skill)
{
    for (size_t i = 0; i < l->n_m; i++)
        if (l->m[i].user == user && !strcmp(l->m[i].skill, skill))
            return &l->m[i];
    return NULL;
}

static bool chosen_has(const struct item *it, int64_t user)
{
    for (size_t i = 0; i < it->n_chosen; i++)
        if (it->chosen[i] == user)
            return true;
    return false;
}

enum standing { S_NOT_STARTED, S_IN_PROGRESS, S_MASTERED };
static const char *const standing_names[] = {"not_started", "in_progress", "mastered"};

static enum standing standing_of(const struct mrow *m)
{
    if (m && m->p >= MODEL_MASTERED)
        return S_MASTERED;
    if (m && (m->answers > 0 || m->hints > 0))
        return S_IN_PROGRESS;
    return S_NOT_STARTED;
}

/* One student's progress on one assignment, with the inactivity flag. */
static json_t *progress_json(struct list *l, const struct item *it, const struct student *s,
                             enum standing *ret)
{
    struct ctx *c = l->c;
    json_t *skills = json_array(), *x;
    size_t i, mastered = 0, started = 0;
    json_array_foreach(it->skills, i, x)
    {
        const struct mrow *m = mastery_of(l, s->id, json_string_value(x));
        enum standing st = standing_of(m);
        json_t *o = json_pack("{s:s, s:s, s:I}", "iri", json_string_value(x), "status",
                              standing_names[st], "answers", (json_int_t)(m ? m->answers : 0));
        if (o && m && m->answers > 0)
            json_object_set_new(o, "p_mastery", json_real(round(m->p * 1000) / 1000));
        json_array_append_new(skills, o);
        mastered += st == S_MASTERED;
        started += st != S_NOT_STARTED;
    }
    enum standing all = json_array_size(it->skills) && mastered == json_array_size(it->skills)
                            ? S_MASTERED
                        : started ? S_IN_PROGRESS
                                  : S_NOT_STARTED;
    json_t *o = json_pack("{s:I, s:s, s:s, s:o, s:o}", "student", (json_int_t)s->id, "name",
                          s->name, "status", standing_names[all], "skills",
                          skills ? skills : json_array(), "last_activity",
                          s->last_day ? json_string(date_text(c, s->last_day)) : json_null());
    /* inactive: open, given, not mastered, and whole school days without practice since the
       later of the day it was given and the last practice */
    const struct assign_row *a = &it->row;
    int64_t now = today(c), since = MAX(a->given_day, s->last_day);
    int64_t idle = assign_school_days_between(since, now);
    if (o && !a->closed_ms && a->given_day <= now && all != S_MASTERED &&
        idle >= ASSIGN_INACTIVE_DAYS)
        json_object_set_new(
            o, "inactive",
            json_pack("{s:I, s:s, s:o}", "school_days", (json_int_t)idle, "since",
                      date_text(c, since), "last_activity",
                      s->last_day ? json_string(date_text(c, s->last_day)) : json_null()));
    *ret = all;
    return o;
}

static json_t *item_full_json(struct list *l, const struct item *it,
                              const struct content_graph *graph, const char *lang)
{
    json_t *o = assignment_json(l->c, it, graph, lang);
    json_t *progress = json_array();
    json_int_t counts[3] = {0}, inactive = 0;
    if (!o || !progress) {
        json_decref(o);
        json_decref(progress);
        return NULL;
    }
    for (size_t i = 0; i < l->n_st; i++) {
        const struct student *s = &l->st[i];
        enum standing st;
        if (!it->row.whole_class && !chosen_has(it, s->id))
            continue;
        json_t *p = progress_json(l, it, s, &st);
        if (!p || json_array_append_new(progress, p) < 0) {
            json_decref(o);
            json_decref(progress);
            return NULL;
        }
        counts[st]++;
        inactive += json_object_get(p, "inactive") != NULL;
    }
    json_object_set_new(o, "completion",
                        json_pack("{s:I, s:I, s:I, s:I, s:I}", "students",
                                  (json_int_t)json_array_size(progress), "mastered",
                                  counts[S_MASTERED], "in_progress", counts[S_IN_PROGRESS],
                                  "not_started", counts[S_NOT_STARTED], "inactive", inactive));
    json_object_set_new(o, "progress", progress);
    return o;
}

int assign_list(struct ctx *c, int64_t class_id, const char *lang, json_t **ret)
{
    struct access_resource res = {RES_ASSIGNMENTS, 0, class_id};
    struct list l = {.c = c};
    struct content_graph graph = {0};
    struct class_info ci;
    struct grant *g;
    struct db *db;
    json_t *items = NULL, *students = NULL;
    int r;

    if (!c->who)
        return ctx_fail(c, -EPERM, "log in first");
    /* the learner model current with every statement this server acknowledged (anyone may ask
       for that: it discloses nothing); the gate's check reads in the transaction after it */
    if ((r = model_catch_up_to(c, c->who->district_id, lrs_committed_seq(c))) < 0)
        return r;
    if ((r = access_check(c, ACT_LIST, &res, &g)) < 0)
        return r;
    if ((r = ctx_db(c, &db)) < 0)
        return r;
    if ((r = store_class_info(db, class_id, &ci)) < 0 ||
        (r = store_assign_list(db, g, list_cb, &l)) < 0 ||
        (r = store_assign_skills(db, g, 0, skills_cb, &l)) < 0 ||
        (r = store_assign_students(db, g, 0, students_cb, &l)) < 0 ||
        (r = store_assign_class_students(db, g, today(c), class_student_cb, &l)) < 0 ||
        (r = store_assign_class_mastery(db, g, today(c), mastery_cb, &l)) < 0) {
        r = ctx_fail(c, r, "cannot read the class's assignments");
        goto out;
    }
    /* the skills' names: content, read after the students' records */
    if ((r = content_graph(c, access_grant_district(g), &graph)) < 0)
        goto out;
    items = json_array();
    students = json_array();
    for (size_t i = 0; items && i < l.n; i++) {
        json_t *o = item_full_json(&l, &l.items[i], &graph, lang);
        if (!o || json_array_append_new(items, o) < 0) {
            r = ctx_fail(c, -ENOMEM, "out of memory");
            goto out;
        }
    }
    for (size_t i = 0; students && i < l.n_st; i++)
        json_array_append_new(
            students, json_pack("{s:I, s:s}", "id", (json_int_t)l.st[i].id, "name", l.st[i].name));
    *ret = items && students
               ? json_pack("{s:o, s:s, s:i, s:o, s:o}", "class", people_class_json(&ci), "today",
                           date_text(c, today(c)), "inactive_after_school_days",
                           ASSIGN_INACTIVE_DAYS, "students", students, "assignments", items)
               : NULL;
    items = students = NULL;
    r = *ret ? 0 : ctx_fail(c, -ENOMEM, "out of memory");
    if (r == 0) {
        /* whether the page offers the form; POST still asks the gate */
        bool may = access_would_allow(c, ACT_WRITE, &res) == 0;
        c->err[0] = '\0';
        json_object_set_new(*ret, "can_assign", json_boolean(may));
    }
    access_grant_detail(g, "assignments and progress");
    if (!c->purpose)
        c->purpose = "class assignments";
out:
    json_decref(items);
    json_decref(students);
    for (size_t i = 0; i < l.n; i++)
        item_release(&l.items[i]);
    mem_free(l.items);
    mem_free(l.st);
    mem_free(l.m);
    content_graph_release(&graph);
    return r;
}

int assign_skills(struct ctx *c, int64_t class_id, const char *lang, json_t **ret)
{
    struct access_resource res = {RES_ASSIGNMENTS, 0, class_id};
    struct content_graph graph = {0};
    struct class_info ci;
    struct db *db;
    json_t *list;
    int r = access_check(c, ACT_LIST, &res, NULL); /* content: no grant, nothing disclosed */

    if (r < 0)
        return r;
    if ((r = ctx_db(c, &db)) < 0)
        return r;
    if ((r = store_class_info(db, class_id, &ci)) < 0)
        return ctx_fail(c, r, "cannot read the class");
    if ((r = content_graph(c, ci.district_id, &graph)) < 0)
        return r;
    list = json_array();
    for (size_t i = 0; list && i < graph.n; i++) {
        const struct content_skill *s = &graph.skills[i];
        json_t *o = skill_json(&graph, s->iri, lang), *pre = json_array();
        for (size_t k = 0; pre && k < s->n_prerequisites; k++) {
            const struct content_skill *q = content_graph_skill(&graph, s->prerequisites[k]);
            if (q)
                json_array_append_new(pre, json_string(q->iri));
        }
        if (o) {
            json_object_set_new(o, "pack", json_string(s->pack));
            json_object_set_new(o, "prerequisites", pre ? pre : json_array());
        } else {
            json_decref(pre);
        }
        json_array_append_new(list, o);
    }
    content_graph_release(&graph);
    *ret = list ? json_pack("{s:o, s:o}", "class", people_class_json(&ci), "skills", list) : NULL;
    return *ret ? 0 : ctx_fail(c, -ENOMEM, "out of memory");
}

/* ---- a learner's own ---- */

struct mine {
    struct ctx *c;
    const struct content_graph *graph;
    const char *lang;
    json_t *list;
    json_t *current; /* the assignment being filled (borrowed from list) */
    int64_t current_id;
    json_t *mastery; /* {IRI: {p, answers, hints}} */
};

static int mine_mastery_cb(void *arg, const struct model_skill_row *skill,
                           const struct model_mastery_row *row)
{
    struct mine *m = arg;
    return json_object_set_new(m->mastery, skill->skill,
                               json_pack("{s:f, s:I, s:I}", "p", row->p_mastery, "answers",
                                         (json_int_t)row->answers, "hints",
                                         (json_int_t)row->hints)) < 0
               ? -ENOMEM
               : 0;
}

static int mine_cb(void *arg, const struct assign_learner_row *row)
{
    struct mine *m = arg;
    struct ctx *c = m->c;
    const struct assign_row *a = &row->a;
    if (!m->current || m->current_id != a->id) {
        json_t *o = json_pack("{s:I, s:{s:I, s:s}, s:o, s:s, s:s, s:s, s:{s:s}, s:b, s:b}", "id",
                              (json_int_t)a->id, "class", "id", (json_int_t)a->class_id, "title",
                              row->class_title, "skills", json_array(), "due_date",
                              date_text(c, a->due_day), "assigned_on", date_text(c, a->given_day),
                              "note", a->note, "assigned_by", "name", a->assigned_by_name,
                              "overdue", today(c) > a->due_day, "done", true);
        if (!o || json_array_append_new(m->list, o) < 0)
            return -ENOMEM;
        m->current = o;
        m->current_id = a->id;
    }
    json_t *mm = json_object_get(m->mastery, row->skill);
    double p = json_real_value(json_object_get(mm, "p"));
    json_int_t answers = json_integer_value(json_object_get(mm, "answers"));
    json_int_t hints = json_integer_value(json_object_get(mm, "hints"));
    const char *status = mm && p >= MODEL_MASTERED  ? "mastered"
                         : mm && (answers || hints) ? "in_progress"
                                                    : "not_started";
    json_t *s = skill_json(m->graph, row->skill, m->lang);
    if (!s)
        return -ENOMEM;
    json_object_set_new(s, "status", json_string(status));
    if (strcmp(status, "mastered") != 0)
        json_object_set_new(m->current, "done", json_false());
    return json_array_append_new(json_object_get(m->current, "skills"), s) < 0 ? -ENOMEM : 0;
}

int assign_mine(struct ctx *c, const char *lang, json_t **ret)
{
    const struct principal *p = c->who;
    struct content_graph graph = {0};
    struct mine m = {.c = c, .lang = lang};
    struct grant *g;
    struct db *db;
    int r;

    if (!p)
        return ctx_fail(c, -EPERM, "log in first");
    if (p->kind != PRINCIPAL_USER || !p->user_id)
        return ctx_fail(c, -EACCES, "assignments: only a person in the roster has assignments");
    struct access_resource res = {RES_MASTERY, p->district_id, p->user_id};
    if ((r = content_graph(c, p->district_id, &graph)) < 0)
        return r;
    m.graph = &graph;
    m.list = json_array();
    m.mastery = json_object();
    if (!m.list || !m.mastery) {
        r = ctx_fail(c, -ENOMEM, "out of memory");
        goto out;
    }
    /* the model is current with every statement this server acknowledged */
    if ((r = model_catch_up_to(c, p->district_id, lrs_committed_seq(c))) < 0)
        goto out;
    if ((r = access_check(c, ACT_READ, &res, &g)) < 0)
        goto out;
    if ((r = ctx_db(c, &db)) == 0 &&
        (r = store_model_mastery_of(db, g, p->user_id, mine_mastery_cb, &m)) == 0)
        r = store_assign_of_learner(db, g, p->user_id, today(c), true, mine_cb, &m);
    if (r < 0) {
        r = ctx_fail(c, r, "cannot read your assignments");
        goto out;
    }
    *ret = json_pack("{s:s, s:O}", "today", date_text(c, today(c)), "assignments", m.list);
    r = *ret ? 0 : ctx_fail(c, -ENOMEM, "out of memory");
out:
    json_decref(m.list);
    json_decref(m.mastery);
    content_graph_release(&graph);
    return r;
}

/* ---- a class's open assignments, for other views ---- */

struct open_list {
    struct ctx *c;
    int64_t today;
    struct assign_open *v;
    size_t n, cap;
};

static int open_row_cb(void *arg, const struct assign_row *row)
{
    struct open_list *o = arg;
    if (row->closed_ms || row->given_day > o->today)
        return 0;
    if (grow((void **)&o->v, &o->cap, o->n, sizeof(*o->v)) < 0)
        return -ENOMEM;
    o->v[o->n++] = (struct assign_open){.id = row->id,
                                        .given_day = row->given_day,
                                        .due_day = row->due_day,
                                        .whole_class = row->whole_class};
    return 0;
}

static int open_student_cb(void *arg, int64_t id, int64_t user)
{
    struct open_list *o = arg;
    for (size_t i = 0; i < o->n; i++) {
        struct assign_open *a = &o->v[i];
        if (a->id != id || a->whole_class)
            continue;
        /* few chosen students each: the arena copy grows one at a time */
        int64_t *s = arena_alloc(o->c->arena, (a->n_students + 1) * sizeof(*s));
        if (!s)
            return -ENOMEM;
        if (a->n_students)
            memcpy(s, a->students, a->n_students * sizeof(*s));
        s[a->n_students++] = user;
        a->students = s;
    }
    return 0;
}

static int open_skill_cb(void *arg, int64_t id, const char *skill)
{
    struct open_list *o = arg;
    for (size_t i = 0; i < o->n; i++) {
        struct assign_open *a = &o->v[i];
        if (a->id != id)
            continue;
        /* a few skills each: the arena copy grows one at a time */
        const char **k = arena_alloc(o->c->arena, (a->n_skills + 1) * sizeof(*k));
        if (!k || !(k[a->n_skills] = arena_strdup(o->c->arena, skill)))
            return -ENOMEM;
        if (a->n_skills)
            memcpy(k, a->skills, a->n_skills * sizeof(*k));
        a->n_skills++;
        a->skills = k;
    }
    return 0;
}

int assign_open_in_class(struct ctx *c, int64_t class_id, struct assign_open **ret, size_t *ret_n)
{
    struct access_resource res = {RES_ASSIGNMENTS, 0, class_id};
    struct open_list o = {.c = c, .today = today(c)};
    struct grant *g;
    struct db *db;
    int r;

    *ret = NULL;
    *ret_n = 0;
    if (!c->who)
        return ctx_fail(c, -EPERM, "log in first");
    if ((r = access_check(c, ACT_READ, &res, &g)) < 0)
        return r;
    if ((r = ctx_db(c, &db)) < 0)
        return r;
    /* store_assign_list gives open ones first, by due day */
    if ((r = store_assign_list(db, g, open_row_cb, &o)) < 0 ||
        (o.n && (r = store_assign_students(db, g, 0, open_student_cb, &o)) < 0) ||
        (o.n && (r = store_assign_skills(db, g, 0, open_skill_cb, &o)) < 0)) {
        r = ctx_fail(c, r, "cannot read the class's assignments");
        goto out;
    }
    if (o.n) {
        *ret = arena_alloc(c->arena, o.n * sizeof(**ret));
        if (!*ret) {
            r = ctx_fail(c, -ENOMEM, "out of memory");
            goto out;
        }
        memcpy(*ret, o.v, o.n * sizeof(**ret));
        /* a whole-class row's students stay NULL */
    }
    *ret_n = o.n;
out:
    mem_free(o.v);
    return r;
}

bool assign_open_covers(const struct assign_open *a, int64_t user_id)
{
    if (a->whole_class)
        return true;
    for (size_t i = 0; i < a->n_students; i++)
        if (a->students[i] == user_id)
            return true;
    return false;
}

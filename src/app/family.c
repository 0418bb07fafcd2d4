/*
 * The family view: see family.h. This file must not decide access (the
 * gate does, one check per kind of record) nor write audit entries (the
 * gate writes them for what the store returned under its grants).
 */
#include "base/common.h"

#include <stdio.h>

#include "app/access.h"
#include "app/family.h"
#include "app/people.h"
#include "app/practice.h"
#include "app/principal.h"
#include "base/mem.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "store/store.h"
#include "store/store_audit.h"
#include "store/store_auth.h"
#include "store/store_family.h"
#include "store/store_model.h"
#include "store/store_people.h"

#define DAY_MS 86400000LL
#define WEEK   7 /* "this week": today and the six days before */

static int64_t today(const struct ctx *c)
{
    return c->now_ms / DAY_MS;
}

static json_t *date_json(int64_t day)
{
    char d[16];
    time_format_date(day, d);
    return json_string(d);
}

/* "Maria Lopez": the preferred given name when there is one. */
static json_t *full_name(const char *given, const char *preferred, const char *family)
{
    char name[400];
    snprintf(name, sizeof(name), "%s %s", preferred && preferred[0] ? preferred : given,
             family ? family : "");
    return json_string(name);
}

static const char *given_of(const char *given, const char *preferred)
{
    return preferred && preferred[0] ? preferred : given ? given : "";
}

static int append(json_t *list, json_t *o)
{
    return o && json_array_append_new(list, o) == 0 ? 0 : -ENOMEM;
}

/* The element of list whose "id" is id (borrowed), or NULL. */
static json_t *by_id(json_t *list, int64_t id)
{
    size_t i;
    json_t *x;
    json_array_foreach(list, i, x)
    {
        if (json_integer_value(json_object_get(x, "id")) == id)
            return x;
    }
    return NULL;
}

/* ---- the child's record: who, classes and teachers, schools and whom to ask ---- */

struct record {
    struct ctx *c;
    struct db *db;
    json_t *classes; /* [{id, title, course, school, period, grades, teachers}] */
    json_t *schools; /* [{id, name, contacts}] */
};

static int class_cb(void *arg, const struct class_info *ci)
{
    struct record *rec = arg;
    json_t *o = people_class_json(ci);
    if (!o || json_object_set_new(o, "teachers", json_array()) < 0) {
        json_decref(o);
        return -ENOMEM;
    }
    return append(rec->classes, o);
}

static json_t *staff_json(const struct family_staff *s)
{
    return json_pack("{s:o, s:s}", "name",
                     full_name(s->given_name, s->preferred_given_name, s->family_name), "role",
                     s->role);
}

static int teacher_cb(void *arg, const struct family_staff *s)
{
    struct record *rec = arg;
    json_t *cls = by_id(rec->classes, s->org_id);
    return cls ? append(json_object_get(cls, "teachers"), staff_json(s)) : 0;
}

/* The school org_id in rec->schools, added (with its name) when it is not there yet. */
static int school_of(struct record *rec, int64_t org_id, json_t **ret)
{
    struct org_info o;
    json_t *s = by_id(rec->schools, org_id);
    int r;

    if (!s) {
        r = store_org_info(rec->db, org_id, &o);
        if (r < 0)
            return r == -ENOENT ? 0 : r;
        s = json_pack("{s:I, s:s, s:[]}", "id", (json_int_t)org_id, "name", o.name, "contacts");
        if ((r = append(rec->schools, s)) < 0)
            return r;
    }
    if (ret)
        *ret = s;
    return 0;
}

static int staff_cb(void *arg, const struct family_staff *s)
{
    struct record *rec = arg;
    json_t *school = NULL;
    int r = school_of(rec, s->org_id, &school);
    return r < 0 || !school ? r : append(json_object_get(school, "contacts"), staff_json(s));
}

/* {id, name, given_name, grade, school} of the child, with rec's classes and schools filled. */
static int read_record(struct ctx *c, int64_t child, struct record *rec, json_t **ret_child)
{
    struct access_resource res = {RES_PERSON, 0, child};
    struct family_child row;
    struct grant *g;
    json_t *school = NULL;
    size_t i;
    json_t *cls;
    int r = access_check(c, ACT_READ, &res, &g);

    if (r < 0)
        return r;
    if ((r = ctx_db(c, &rec->db)) < 0)
        return r;
    rec->c = c;
    r = store_family_child(rec->db, g, child, &row);
    if (r == 0 && row.primary_org_id)
        r = school_of(rec, row.primary_org_id, &school);
    if (r == 0)
        r = store_classes_of(rec->db, g, child, false, today(c), class_cb, rec);
    if (r == 0)
        r = store_family_teachers(rec->db, g, child, today(c), teacher_cb, rec);
    json_array_foreach(rec->classes, i, cls)
    {
        if (r == 0)
            r = school_of(rec,
                          json_integer_value(json_object_get(json_object_get(cls, "school"), "id")),
                          NULL);
    }
    if (r == 0)
        r = store_family_school_staff(rec->db, g, child, today(c), staff_cb, rec);
    if (r == 0) {
        *ret_child = json_pack("{s:I, s:o, s:s, s:s, s:o}", "id", (json_int_t)row.id, "name",
                               full_name(row.given_name, row.preferred_given_name, row.family_name),
                               "given_name", given_of(row.given_name, row.preferred_given_name),
                               "grade", row.grades, "school",
                               school ? json_pack("{s:O, s:O}", "id", json_object_get(school, "id"),
                                                  "name", json_object_get(school, "name"))
                                      : json_null());
        if (!*ret_child)
            r = -ENOMEM;
    }
    access_grant_detail(g, "record, classes and teachers");
    access_read_end(c);
    return r < 0 ? (c->err[0] ? r : ctx_fail(c, r, "cannot read the child's record")) : 0;
}

/* ---- recent practice: the learner model's days ---- */

struct days {
    json_t *skills; /* the progress's skills, for their names */
    json_t *recent; /* [{date, answers, correct, hints, mastered, skills}] newest first */
    int64_t today;
    int64_t last_day;  /* the newest day with practice (-1: none) */
    int64_t current;   /* the day of the rows being read (-1: none yet) */
    bool listed;       /* ... and it has its place in recent */
    int64_t week_days; /* days with practice this week */
    int64_t week[4];   /* answers, correct, hints, mastered this week */
};

static const char *skill_name(json_t *skills, const char *iri)
{
    size_t i;
    json_t *s;
    json_array_foreach(skills, i, s)
    {
        const char *x = json_string_value(json_object_get(s, "iri"));
        if (x && !strcmp(x, iri))
            return json_string_value(json_object_get(s, "name"));
    }
    return NULL;
}

static void add_to(json_t *o, const char *k, int64_t n)
{
    json_object_set_new(o, k, json_integer(json_integer_value(json_object_get(o, k)) + n));
}

static int day_cb(void *arg, const struct model_day_row *d)
{
    struct days *x = arg;
    json_t *day;

    if (d->answers == 0 && d->hints == 0 && d->mastered == 0)
        return 0;
    if (x->last_day < 0)
        x->last_day = d->day;
    if (d->day != x->current) { /* rows come newest day first */
        x->current = d->day;
        x->listed = json_array_size(x->recent) < FAMILY_RECENT_MAX;
        if (d->day > x->today - WEEK)
            x->week_days++;
        if (x->listed &&
            append(x->recent,
                   json_pack("{s:o, s:I, s:I, s:I, s:I, s:[]}", "date", date_json(d->day),
                             "answers", (json_int_t)0, "correct", (json_int_t)0, "hints",
                             (json_int_t)0, "mastered", (json_int_t)0, "skills")) < 0)
            return -ENOMEM;
    }
    if (d->day > x->today - WEEK) {
        x->week[0] += d->answers;
        x->week[1] += d->correct;
        x->week[2] += d->hints;
        x->week[3] += d->mastered;
    }
    if (!x->listed)
        return 0;
    day = json_array_get(x->recent, json_array_size(x->recent) - 1);
    add_to(day, "answers", d->answers);
    add_to(day, "correct", d->correct);
    add_to(day, "hints", d->hints);
    add_to(day, "mastered", d->mastered);
    return append(json_object_get(day, "skills"),
                  json_pack("{s:s, s:s?, s:I, s:I, s:I, s:I}", "iri", d->skill, "name",
                            skill_name(x->skills, d->skill), "answers", (json_int_t)d->answers,
                            "correct", (json_int_t)d->correct, "hints", (json_int_t)d->hints,
                            "mastered", (json_int_t)d->mastered));
}

/* recent, week and last_practice into out, from the learner model's days. */
static int read_days(struct ctx *c, int64_t child, json_t *skills, json_t *out)
{
    struct access_resource res = {RES_MASTERY, 0, child};
    struct days x = {
        .skills = skills, .recent = json_array(), .today = today(c), .last_day = -1, .current = -1};
    struct grant *g;
    struct db *db;
    int r = x.recent ? access_check(c, ACT_READ, &res, &g) : -ENOMEM;

    if (r == 0 && (r = ctx_db(c, &db)) == 0)
        r = store_model_days_of(db, g, child, x.today - FAMILY_RECENT_DAYS + 1, day_cb, &x);
    if (r == 0)
        access_grant_detail(g, "practice by day");
    access_read_end(c);
    if (r == 0 &&
        (json_object_set_new(out, "recent", x.recent) < 0 ||
         json_object_set_new(
             out, "week",
             json_pack("{s:o, s:I, s:I, s:I, s:I, s:I}", "from", date_json(x.today - WEEK + 1),
                       "days", (json_int_t)x.week_days, "answers", (json_int_t)x.week[0], "correct",
                       (json_int_t)x.week[1], "hints", (json_int_t)x.week[2], "mastered",
                       (json_int_t)x.week[3])) < 0 ||
         json_object_set_new(out, "last_practice",
                             x.last_day >= 0 ? date_json(x.last_day) : json_null()) < 0))
        return ctx_fail(c, -ENOMEM, "out of memory");
    if (r < 0) {
        json_decref(x.recent);
        return c->err[0] ? r : ctx_fail(c, r, "cannot read the child's recent practice");
    }
    return 0;
}

/* ---- the overview ---- */

/* {skills, mastered, in_progress, ready, locked} counted from the progress's skills. */
static json_t *summary_of(json_t *skills)
{
    static const char *const statuses[] = {"mastered", "in_progress", "ready", "locked"};
    json_int_t n[ARRAY_SIZE(statuses)] = {0};
    size_t i;
    json_t *s;
    json_array_foreach(skills, i, s)
    {
        const char *st = json_string_value(json_object_get(s, "status"));
        for (size_t k = 0; st && k < ARRAY_SIZE(statuses); k++)
            if (!strcmp(st, statuses[k]))
                n[k]++;
    }
    return json_pack("{s:I, s:I, s:I, s:I, s:I}", "skills", (json_int_t)json_array_size(skills),
                     "mastered", n[0], "in_progress", n[1], "ready", n[2], "locked", n[3]);
}

/*
 * working_on's skills by name as well (name, spun_on_name), and first: the
 * skill has no prerequisites (a beginning), so a page can say it in words
 * without the list of skills.
 */
static int name_working_on(json_t *working_on, json_t *skills)
{
    const char *iri = json_string_value(json_object_get(working_on, "skill"));
    const char *spun = json_string_value(json_object_get(working_on, "spun_on"));
    size_t i;
    json_t *s;
    int r = 0;

    if (!json_is_object(working_on))
        return 0;
    json_array_foreach(skills, i, s)
    {
        const char *x = json_string_value(json_object_get(s, "iri"));
        json_t *name = json_object_get(s, "name");
        if (!x || !name)
            continue;
        if (iri && !strcmp(x, iri))
            r |= json_object_set(working_on, "name", name) |
                 json_object_set_new(
                     working_on, "first",
                     json_boolean(json_array_size(json_object_get(s, "prerequisites")) == 0));
        if (spun && !strcmp(x, spun))
            r |= json_object_set(working_on, "spun_on_name", name);
    }
    return r ? -ENOMEM : 0;
}

/* The overview; without the list of skills (only their summary) unless with_skills. */
static int overview(struct ctx *c, int64_t child, const char *lang, bool with_skills, json_t **ret)
{
    struct record rec = {.classes = json_array(), .schools = json_array()};
    struct practice_env env = {NULL, lang && !strcmp(lang, "es") ? "es" : "en"};
    json_t *who = NULL, *progress = NULL, *out = NULL;
    int r;

    if (!c->who)
        return ctx_fail(c, -EPERM, "log in first");
    if (!rec.classes || !rec.schools) {
        r = ctx_fail(c, -ENOMEM, "out of memory");
        goto out;
    }
    c->purpose = "family overview";
    /* the person first: for a child the caller may not see, nothing else is read */
    if ((r = read_record(c, child, &rec, &who)) < 0)
        goto out;
    if ((r = practice_progress_of(c, child, &env, &progress)) < 0)
        goto out;
    out =
        json_pack("{s:o, s:o, s:O, s:O, s:O, s:o, s:o}", "child", who, "summary",
                  summary_of(json_object_get(progress, "skills")), "skills",
                  json_object_get(progress, "skills"), "working_on",
                  json_object_get(progress, "working_on") ? json_object_get(progress, "working_on")
                                                          : json_null(),
                  "mastered_at", json_object_get(progress, "mastered_at"), "classes", rec.classes,
                  "schools", rec.schools);
    who = NULL;
    rec.classes = rec.schools = NULL;
    if (!out) {
        r = ctx_fail(c, -ENOMEM, "out of memory");
        goto out;
    }
    if ((r = read_days(c, child, json_object_get(out, "skills"), out)) < 0)
        goto out;
    if (name_working_on(json_object_get(out, "working_on"), json_object_get(out, "skills")) < 0) {
        r = ctx_fail(c, -ENOMEM, "out of memory");
        goto out;
    }
    if (!with_skills)
        json_object_del(out, "skills");
    *ret = out;
    out = NULL;
out:
    json_decref(out);
    json_decref(who);
    json_decref(progress);
    json_decref(rec.classes);
    json_decref(rec.schools);
    return r;
}

int family_overview(struct ctx *c, int64_t child, const char *lang, json_t **ret)
{
    return overview(c, child, lang, true, ret);
}

struct kids {
    int64_t *v;
    size_t n, cap;
};

static int kid_cb(void *arg, int64_t id)
{
    struct kids *k = arg;
    if (k->n == k->cap) {
        size_t cap = k->cap ? 2 * k->cap : 4;
        int64_t *v = mem_realloc(k->v, cap * sizeof(*v));
        if (!v)
            return -ENOMEM;
        k->v = v;
        k->cap = cap;
    }
    k->v[k->n++] = id;
    return 0;
}

int family_children(struct ctx *c, const char *lang, json_t **ret)
{
    struct kids k = {0};
    json_t *list = json_array();
    int r;

    if (!c->who)
        return ctx_fail(c, -EPERM, "log in first");
    r = list ? access_my_children(c, kid_cb, &k) : ctx_fail(c, -ENOMEM, "out of memory");
    for (size_t i = 0; r == 0 && i < k.n; i++) {
        json_t *o = NULL;
        r = overview(c, k.v[i], lang, false, &o);
        if (r == 0 && append(list, o) < 0)
            r = ctx_fail(c, -ENOMEM, "out of memory");
    }
    mem_free(k.v);
    if (r == 0 && !(*ret = json_pack("{s:o}", "children", list)))
        return ctx_fail(c, -ENOMEM, "out of memory");
    if (r < 0)
        json_decref(list);
    return r;
}

/* ---- the record of access ---- */

/* One entry of the log, copied out of the row (arena). */
struct entry {
    int64_t id, at, actor_id;
    const char *actor_kind, *actor_name, *request_id, *action, *object, *purpose, *outcome;
    bool contact_data;
};

struct entries {
    struct ctx *c;
    struct entry *v;
    size_t n, cap;
};

static int entry_cb(void *arg, const struct audit_row *w)
{
    struct entries *x = arg;
    struct arena *a = x->c->arena;
    struct entry *e;

    if (x->n == x->cap)
        return -E2BIG; /* the store was asked for no more than cap */
    e = &x->v[x->n];
    e->id = w->id;
    e->at = w->at;
    e->actor_id = w->actor_id;
    e->actor_kind = arena_strdup(a, w->actor_kind);
    e->actor_name = arena_strdup(a, w->actor_name);
    e->request_id = arena_strdup(a, w->request_id);
    e->action = arena_strdup(a, w->action);
    e->object = arena_strdup(a, w->object);
    e->purpose = arena_strdup(a, w->purpose);
    e->outcome = arena_strdup(a, w->outcome);
    /* the gate's words for a disclosure that included contact data (access.c) */
    e->contact_data = strstr(w->detail, "with contact data") || strstr(w->detail, "unsealed");
    if (!e->actor_kind || !e->actor_name || !e->request_id || !e->action || !e->object ||
        !e->purpose || !e->outcome)
        return -ENOMEM;
    x->n++;
    return 0;
}

/* What an entry's object is, as a word the pages translate: "record", "class_list" ... */
static const char *what_of(const char *object, int64_t *ret_class)
{
    static const struct {
        const char *prefix, *what;
    } kinds[] = {
        {"person:", "record"},
        {"class:", "class_list"},
        {"statements:", "practice"},
        {"mastery:", "progress"},
        {"state:", "app_data"},
        {"profiles:", "app_data"},
        {"doc_meta:", "app_data"},
        {"audit:", "access_log"},
        {"roster:export", "roster_export"},
        {"roster:", "roster"},
        {"account:", "account"},
        {"session", "login"},
        {"lrs-forward", "forwarded"},
        {"lrs-deletion", "deleted"},
    };
    long long id;
    *ret_class = 0;
    if (sscanf(object, "class:%lld", &id) == 1 && strstr(object, ":cards")) {
        *ret_class = id; /* login cards printed or revoked for the class */
        return "login_card";
    }
    for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
        if (!strncmp(object, kinds[i].prefix, strlen(kinds[i].prefix))) {
            if (!strcmp(kinds[i].what, "class_list") && sscanf(object, "class:%lld", &id) == 1)
                *ret_class = id;
            return kinds[i].what;
        }
    return "other";
}

/*
 * The role of a person who acted, as a word the pages translate, from the
 * roles they hold today (the entry records who, not in which role).
 */
static int role_cb(void *arg, const char *role, int64_t org_id, const char *org_type)
{
    static const struct {
        const char *role, *word;
        int rank;
    } roles[] = {
        {"districtAdministrator", "district_admin", 7},
        {"systemAdministrator", "district_admin", 7},
        {"district_admin", "district_admin", 7},
        {"principal", "principal", 6},
        {"administrator", "school_admin", 5},
        {"siteAdministrator", "school_admin", 5},
        {"school_admin", "school_admin", 5},
        {"counselor", "counsellor", 4},
        {"counsellor", "counsellor", 4},
        {"teacher", "teacher", 3},
        {"aide", "teacher", 3},
        {"parent", "guardian", 2},
        {"guardian", "guardian", 2},
        {"relative", "guardian", 2},
        {"student", "student", 1},
    };
    const char **best = arg;
    (void)org_id;
    for (size_t i = 0; i < ARRAY_SIZE(roles); i++) {
        if (strcmp(role, roles[i].role) != 0)
            continue;
        const char *word = roles[i].word;
        int rank = roles[i].rank;
        if (!strcmp(role, "administrator") && org_type && !strcmp(org_type, "district")) {
            word = "district_admin";
            rank = 7;
        }
        int have = 0;
        for (size_t k = 0; *best && k < ARRAY_SIZE(roles); k++)
            if (!strcmp(*best, roles[k].word))
                have = MAX(have, roles[k].rank);
        if (rank > have)
            *best = word;
    }
    return 0;
}

/* {name, kind, role, you} of whoever made an entry. */
static json_t *actor_json(struct ctx *c, struct db *db, const struct entry *e)
{
    struct account_row a;
    const char *role = NULL;
    json_t *name = NULL;
    bool you = false;

    if (!strcmp(e->actor_kind, "user") && e->actor_id > 0 &&
        store_account_by_id(db, e->actor_id, &a) == 0) {
        you = c->who->kind == PRINCIPAL_USER && a.id == c->who->account_id;
        name = a.user_id ? full_name(a.given_name, a.preferred_given_name, a.family_name)
                         : json_string(a.display_name);
        if (store_account_grants(db, &a, today(c), role_cb, &role) < 0)
            role = NULL;
    } else if (!strcmp(e->actor_kind, "client")) {
        role = "app";
    } else if (!strcmp(e->actor_kind, "operator")) {
        role = "operator";
    } else if (!strcmp(e->actor_kind, "system")) {
        role = "system";
    }
    return json_pack("{s:o, s:s, s:s?, s:b}", "name", name ? name : json_string(e->actor_name),
                     "kind", e->actor_kind, "role", role, "you", you);
}

/* One visit: the entries [from, to) (one request by one actor) as one element. */
static json_t *visit_json(struct ctx *c, struct db *db, const struct entry *v, size_t from,
                          size_t to)
{
    char at[32];
    json_t *what = json_array(), *classes = json_array();
    bool contact = false, refused = false;

    time_format_iso8601(v[from].at, at);
    /* oldest first: what the request read, in the order it read it */
    for (size_t i = to; what && classes && i-- > from;) {
        int64_t class_id;
        const char *w = what_of(v[i].object, &class_id);
        bool seen = false;
        size_t k;
        json_t *x;
        json_array_foreach(what, k, x)
        {
            if (!strcmp(json_string_value(x), w))
                seen = true;
        }
        if (!seen)
            json_array_append_new(what, json_string(w));
        if (class_id) {
            struct class_info ci;
            if (store_class_info(db, class_id, &ci) == 0)
                json_array_append_new(classes, json_string(ci.title));
        }
        contact = contact || v[i].contact_data;
        refused = refused || strcmp(v[i].outcome, "ok") != 0;
    }
    return json_pack("{s:I, s:s, s:s, s:o, s:s, s:o, s:o, s:s, s:b, s:s}", "id",
                     (json_int_t)v[from].id, "at", at, "ref", v[from].request_id, "who",
                     actor_json(c, db, &v[from]), "action", v[from].action, "what", what, "classes",
                     classes, "purpose", v[from].purpose, "contact_data", contact, "outcome",
                     refused ? "refused" : "ok");
}

static bool same_visit(const struct entry *a, const struct entry *b)
{
    return !strcmp(a->request_id, b->request_id) && strcmp(a->request_id, "-") != 0 &&
           !strcmp(a->actor_kind, b->actor_kind) && a->actor_id == b->actor_id &&
           !strcmp(a->action, b->action);
}

int family_access_log(struct ctx *c, int64_t child, int64_t before, int64_t limit, json_t **ret)
{
    struct access_resource res = {RES_AUDIT, 0, child};
    struct entries x = {.c = c};
    struct grant *g;
    struct db *db;
    json_t *list = NULL;
    size_t from = 0, visits = 0, end = 0;
    int64_t cursor = before, next = 0;
    int r;

    if (before < 0)
        return ctx_fail(c, -EINVAL, "before: a positive entry id (or 0 for the newest)");
    if (limit < 1 || limit > FAMILY_LOG_MAX)
        return ctx_fail(c, -EINVAL, "limit: a number from 1 to %d", FAMILY_LOG_MAX);
    if ((r = access_check(c, ACT_READ, &res, &g)) < 0)
        return r;
    c->purpose = "record of access (FERPA 34 CFR 99.32)";
    x.cap = FAMILY_LOG_ENTRIES;
    x.v = arena_calloc(c->arena, x.cap, sizeof(*x.v));
    if (!x.v)
        r = -ENOMEM;
    if (r == 0)
        r = ctx_db(c, &db);
    /*
     * Whole visits: entries are read a chunk at a time until the page's last
     * visit is known to be complete (the next one has begun) or there are
     * no more; only a visit longer than FAMILY_LOG_ENTRIES is cut.
     */
    while (r == 0) {
        size_t n0 = x.n, want = MIN((size_t)FAMILY_LOG_CHUNK, x.cap - x.n);
        if (want == 0)
            break;
        struct entries chunk = {.c = c, .v = x.v + x.n, .cap = want};
        r = store_audit_by_subject_page(db, g, child, cursor, (int64_t)want, entry_cb, &chunk);
        if (r < 0)
            break;
        x.n += chunk.n;
        for (size_t i = n0; i < x.n; i++)
            if (i == 0 || !same_visit(&x.v[i - 1], &x.v[i])) {
                if (visits == (size_t)limit) {
                    end = i; /* the limit-th visit ended at i */
                    next = x.v[i - 1].id;
                    break;
                }
                visits++;
            }
        if (end || chunk.n < want)
            break;
        cursor = x.v[x.n - 1].id;
    }
    if (r < 0) {
        access_read_end(c);
        return c->err[0] ? r : ctx_fail(c, r, "cannot read the record of access");
    }
    if (!end) {
        end = x.n;
        if (x.n == x.cap) /* a visit too long for one page: the rest on the next */
            next = x.v[x.n - 1].id;
    }
    access_grant_detail(g, "record of access shown");
    list = json_array();
    while (list && from < end) {
        size_t j = from + 1;
        while (j < end && same_visit(&x.v[from], &x.v[j]))
            j++;
        if (append(list, visit_json(c, db, x.v, from, j)) < 0) {
            json_decref(list);
            list = NULL;
        }
        from = j;
    }
    access_read_end(c);
    if (!list || !(*ret = json_pack("{s:o, s:o}", "entries", list, "before",
                                    next ? json_integer(next) : json_null())))
        return ctx_fail(c, -ENOMEM, "out of memory");
    return 0;
}

/*
 * People, classes and home pages: see people.h.
 */
#include "base/common.h"

#include <stdio.h>

#include "app/access.h"
#include "app/audit.h"
#include "app/people.h"
#include "app/principal.h"
#include "base/buf.h"
#include "base/mem.h"
#include "store/seal.h"
#include "store/store.h"
#include "store/store_auth.h"
#include "store/store_people.h"
#include "store/store_roster.h"

#define DAY_MS 86400000LL

static int64_t today(const struct ctx *c)
{
    return c->now_ms / DAY_MS;
}

json_t *people_class_json(const struct class_info *ci)
{
    return json_pack("{s:I, s:s, s:s, s:{s:I, s:s}, s:s, s:s}", "id", (json_int_t)ci->id, "title",
                     ci->title, "course", ci->course, "school", "id", (json_int_t)ci->school_id,
                     "name", ci->school, "period", ci->periods, "grades", ci->grades);
}

static const char *primary_role(unsigned roles)
{
    if (roles & ROLE_DISTRICT_ADMIN)
        return "district_admin";
    if (roles & ROLE_SCHOOL_ADMIN)
        return "school_admin";
    if (roles & ROLE_COUNSELLOR)
        return "counsellor";
    if (roles & ROLE_TEACHER)
        return "teacher";
    if (roles & ROLE_GUARDIAN)
        return "guardian";
    if (roles & ROLE_STUDENT)
        return "student";
    return NULL;
}

struct class_list {
    json_t *list;
    bool counts;
};

static int class_cb(void *arg, const struct class_info *ci)
{
    struct class_list *l = arg;
    json_t *o = people_class_json(ci);
    if (!o)
        return -ENOMEM;
    /* the school is shown by name in the list */
    json_object_set_new(o, "school", json_string(ci->school));
    if (l->counts)
        json_object_set_new(o, "students", json_integer(ci->students));
    return json_array_append_new(l->list, o) < 0 ? -ENOMEM : 0;
}

static int school_cb(void *arg, const struct school_counts *s)
{
    json_t *list = arg;
    return json_array_append_new(
               list, json_pack("{s:I, s:s, s:I, s:I, s:I}", "id", (json_int_t)s->id, "name",
                               s->name, "students", (json_int_t)s->students, "teachers",
                               (json_int_t)s->teachers, "classes", (json_int_t)s->classes)) < 0
               ? -ENOMEM
               : 0;
}

struct ids {
    int64_t *v;
    size_t n, cap;
};

static int ids_cb(void *arg, int64_t id)
{
    struct ids *x = arg;
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 8;
        int64_t *p = mem_realloc(x->v, cap * sizeof(*p));
        if (!p)
            return -ENOMEM;
        x->v = p;
        x->cap = cap;
    }
    x->v[x->n++] = id;
    return 0;
}

static json_t *person_name(const struct roster_person_row *p)
{
    char name[400];
    snprintf(name, sizeof(name), "%s %s",
             p->preferred_given_name && p->preferred_given_name[0] ? p->preferred_given_name
                                                                   : p->given_name,
             p->family_name);
    return json_string(name);
}

static int school_name_of(struct db *db, int64_t org_id, char *out, size_t n)
{
    struct org_info o;
    int r = org_id ? store_org_info(db, org_id, &o) : -ENOENT;
    snprintf(out, n, "%s", r == 0 ? o.name : "");
    return r == -ENOENT ? 0 : r;
}

struct kid_arg {
    struct ctx *c;
    struct db *db;
    json_t *children;
};

static int child_cb(void *arg, int64_t child)
{
    struct kid_arg *k = arg;
    struct ctx *c = k->c;
    struct access_resource res = {RES_PERSON, c->who->district_id, child};
    struct roster_person_row row = {0};
    struct class_list cl = {json_array(), false};
    struct grant *g;
    char school[256];
    int r = access_check(c, ACT_READ, &res, &g);

    if (r < 0) {
        json_decref(cl.list);
        return r;
    }
    access_grant_detail(g, "guardian home page");
    r = store_roster_person(k->db, g, child, &row);
    if (r == 0)
        r = school_name_of(k->db, row.primary_org_id, school, sizeof(school));
    if (r == 0 && cl.list)
        r = store_classes_of(k->db, g, child, false, today(c), class_cb, &cl);
    if (r == 0)
        r = json_array_append_new(k->children,
                                  json_pack("{s:I, s:o, s:s, s:s, s:o}", "id", (json_int_t)row.id,
                                            "name", person_name(&row), "grade",
                                            row.grades ? row.grades : "", "school", school,
                                            "classes", cl.list ? cl.list : json_array())) < 0
                ? -ENOMEM
                : 0;
    else
        json_decref(cl.list);
    store_roster_person_release(&row);
    return r;
}

static int guardian_home(struct ctx *c, struct db *db, json_t *out)
{
    struct ids kids = {0};
    struct kid_arg k = {c, db, json_array()};
    int r = k.children ? access_my_children(c, ids_cb, &kids) : -ENOMEM;

    for (size_t i = 0; r == 0 && i < kids.n; i++)
        r = child_cb(&k, kids.v[i]);
    mem_free(kids.v);
    if (r < 0) {
        json_decref(k.children);
        return c->err[0] ? r : ctx_fail(c, r, "cannot read the children's records");
    }
    c->purpose = "guardian home page";
    return json_object_set_new(out, "children", k.children);
}

int people_home(struct ctx *c, json_t **ret)
{
    const struct principal *p = c->who;
    const char *role;
    struct db *db;
    json_t *o;
    int r;

    if (!p || p->kind != PRINCIPAL_USER)
        return ctx_fail(c, -EPERM, "log in first");
    role = primary_role(p->roles);
    if (!role)
        return ctx_fail(c, -EACCES, "this account has no role in the roster today");
    if (p->enrol_only) {
        /* nothing to see until the second factor is set up: say so, show nothing */
        *ret = json_pack("{s:s, s:b}", "role", role, "enrol_required", 1);
        return *ret ? 0 : ctx_fail(c, -ENOMEM, "out of memory");
    }
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    o = json_pack("{s:s}", "role", role);
    if (!o)
        return ctx_fail(c, -ENOMEM, "out of memory");
    if (p->roles & (ROLE_DISTRICT_ADMIN | ROLE_SCHOOL_ADMIN | ROLE_COUNSELLOR)) {
        json_t *schools = json_array();
        if (p->roles & ROLE_DISTRICT_ADMIN) {
            r = store_schools(db, p->district_id, 0, school_cb, schools);
        } else {
            for (size_t i = 0; r == 0 && i < p->n_grants; i++) {
                bool seen = false;
                if (!(p->grants[i].role & (ROLE_SCHOOL_ADMIN | ROLE_COUNSELLOR)) ||
                    !p->grants[i].org_id)
                    continue;
                for (size_t j = 0; j < i; j++)
                    if (p->grants[j].org_id == p->grants[i].org_id &&
                        (p->grants[j].role & (ROLE_SCHOOL_ADMIN | ROLE_COUNSELLOR)))
                        seen = true;
                if (!seen)
                    r = store_schools(db, p->district_id, p->grants[i].org_id, school_cb, schools);
            }
        }
        json_object_set_new(o, "schools", schools);
    }
    if (r == 0 && (p->roles & (ROLE_TEACHER | ROLE_STUDENT)) && p->user_id) {
        struct access_resource self = {RES_PERSON, p->district_id, p->user_id};
        struct class_list cl = {json_array(), true};
        bool teaching = (p->roles & ROLE_TEACHER) != 0;
        struct grant *g;
        cl.counts = teaching;
        r = access_check(c, ACT_READ, &self, &g);
        if (r == 0)
            r = cl.list ? store_classes_of(db, g, p->user_id, teaching, today(c), class_cb, &cl)
                        : -ENOMEM;
        json_object_set_new(o, "classes", cl.list);
    }
    if (r == 0 && (p->roles & ROLE_GUARDIAN) && p->user_id)
        r = guardian_home(c, db, o);
    if (r < 0) {
        json_decref(o);
        return c->err[0] ? r : ctx_fail(c, r, "cannot read the home page");
    }
    *ret = o;
    return 0;
}

int people_get(struct ctx *c, int64_t user_id, json_t **ret)
{
    struct access_resource res = {RES_PERSON, 0, user_id};
    struct roster_person_row row = {0};
    struct buf email = BUF_INIT(4096);
    struct grant *g;
    struct db *db;
    char school[256];
    int r = access_check(c, ACT_READ, &res, &g);

    if (r < 0)
        return r;
    r = ctx_db(c, &db);
    if (r == 0)
        r = store_roster_person(db, g, user_id, &row);
    if (r == 0)
        r = school_name_of(db, row.primary_org_id, school, sizeof(school));
    /* the store returns the sealed contact fields only to those who may read them */
    if (r == 0 && row.email_sealed)
        r = seal_decrypt(store_seal(c->store), row.email_sealed, row.email_sealed_len, &email);
    if (r < 0) {
        store_roster_person_release(&row);
        buf_release(&email);
        return ctx_fail(c, r, "cannot read the person");
    }
    json_t *o =
        json_pack("{s:I, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:b, s:{s:I, s:s}}", "id",
                  (json_int_t)row.id, "sourced_id", row.sourced_id ? row.sourced_id : "", "role",
                  row.role ? row.role : "", "username", row.username ? row.username : "", "name",
                  person_name(&row), "given_name", row.given_name ? row.given_name : "",
                  "family_name", row.family_name ? row.family_name : "", "preferred_given_name",
                  row.preferred_given_name ? row.preferred_given_name : "", "grade",
                  row.grades ? row.grades : "", "active", row.active && row.enabled, "school", "id",
                  (json_int_t)row.primary_org_id, "name", school);
    if (o && row.email_sealed)
        json_object_set_new(o, "email", json_string(buf_cstr(&email)));
    if (email.data)
        memset(email.data, 0, email.len);
    buf_release(&email);
    store_roster_person_release(&row);
    if (!o)
        return ctx_fail(c, -ENOMEM, "out of memory");
    access_grant_detail(g, "record");
    if (!c->purpose)
        c->purpose = "person record";
    *ret = o;
    return 0;
}

int people_class_roster(struct ctx *c, int64_t class_id, json_t **ret)
{
    struct access_resource res = {RES_CLASS, 0, class_id};
    struct class_info ci;
    struct class_student *s = NULL;
    struct grant *g;
    size_t n = 0;
    struct db *db;
    json_t *list = NULL, *out;
    int r = access_check(c, ACT_LIST, &res, &g);

    if (r < 0)
        return r;
    r = ctx_db(c, &db);
    if (r == 0)
        r = store_class_info(db, class_id, &ci);
    if (r == 0)
        r = store_class_students(db, g, class_id, today(c), &s, &n);
    if (r < 0)
        return ctx_fail(c, r, "cannot read the class roster");
    list = json_array();
    for (size_t i = 0; list && i < n; i++) {
        char name[300];
        snprintf(name, sizeof(name), "%s %s",
                 s[i].preferred_given_name[0] ? s[i].preferred_given_name : s[i].given_name,
                 s[i].family_name);
        if (json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)s[i].id,
                                                  "name", name, "grade", s[i].grades, "username",
                                                  s[i].username)) < 0) {
            r = -ENOMEM;
            break;
        }
    }
    mem_free(s);
    out = list && r == 0
              ? json_pack("{s:o, s:o}", "class", people_class_json(&ci), "students", list)
              : NULL;
    if (!out) {
        if (r < 0)
            json_decref(list);
        return ctx_fail(c, -ENOMEM, "out of memory");
    }
    if (!c->purpose)
        c->purpose = "class roster";
    *ret = out;
    return 0;
}

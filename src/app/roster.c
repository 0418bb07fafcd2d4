/*
 * Roster service: the reads other modules need (see roster.h). The import
 * is roster_import.c and its parts, the export roster_export.c, the
 * import's report roster_report.c.
 */
#include "base/common.h"

#include <stdio.h>

#include "app/access.h"
#include "app/principal.h"
#include "app/roster.h"
#include "base/buf.h"
#include "base/mem.h"
#include "store/seal.h"
#include "store/store.h"
#include "store/store_roster.h"

/* ---- reads ---- */

void roster_person_release(struct roster_person *p)
{
    if (!p)
        return;
    mem_free(p->sourced_id);
    mem_free(p->role);
    mem_free(p->username);
    mem_free(p->given_name);
    mem_free(p->family_name);
    mem_free(p->preferred_given_name);
    mem_free(p->grades);
    mem_free(p->email);
    memset(p, 0, sizeof(*p));
}

int roster_get_person(struct ctx *c, int64_t user_id, struct roster_person *ret)
{
    struct roster_person_row row = {0};
    struct access_resource res = {RES_PERSON, 0, user_id};
    struct buf email = BUF_INIT(4096);
    struct db *db;
    int r = ctx_db(c, &db);

    if (r < 0)
        return r;
    r = store_roster_user_district(db, user_id, &res.district_id);
    if (r == -ENOENT)
        return ctx_fail(c, -ENOENT, "not found");
    if (r < 0)
        return ctx_fail(c, r, "cannot read the roster");
    r = access_check(c, ACT_READ, &res);
    if (r < 0)
        return r;
    r = store_roster_person(db, user_id, &row);
    if (r < 0)
        return ctx_fail(c, r, r == -ENOENT ? "not found" : "cannot read the roster");
    if (row.email_sealed &&
        seal_decrypt(store_seal(c->store), row.email_sealed, row.email_sealed_len, &email) < 0) {
        store_roster_person_release(&row);
        return ctx_fail(c, -EIO, "email: cannot be unsealed with this key");
    }
    memset(ret, 0, sizeof(*ret));
    ret->id = row.id;
    ret->district_id = row.district_id;
    ret->primary_org_id = row.primary_org_id;
    ret->active = row.active;
    ret->enabled = row.enabled;
    ret->sourced_id = row.sourced_id;
    ret->role = row.role;
    ret->username = row.username;
    ret->given_name = row.given_name;
    ret->family_name = row.family_name;
    ret->preferred_given_name = row.preferred_given_name;
    ret->grades = row.grades;
    ret->email = row.email_sealed ? buf_detach(&email, NULL) : NULL;
    mem_free(row.email_sealed);
    buf_release(&email);
    return 0;
}

struct members {
    struct roster_member *v;
    size_t n, cap;
};

static int member_cb(void *arg, int64_t user_id, const char *role, const char *given,
                     const char *family)
{
    struct members *m = arg;
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 32;
        struct roster_member *p = mem_realloc(m->v, cap * sizeof(*p));
        if (!p)
            return -ENOMEM;
        m->v = p;
        m->cap = cap;
    }
    struct roster_member *x = &m->v[m->n++];
    x->user_id = user_id;
    snprintf(x->role, sizeof(x->role), "%s", role);
    snprintf(x->name, sizeof(x->name), "%s %s", given, family);
    return 0;
}

int roster_class_members(struct ctx *c, int64_t class_id, struct roster_member **ret, size_t *ret_n)
{
    struct access_resource res = {RES_CLASS, 0, class_id};
    struct members m = {0};
    struct db *db;
    int r = ctx_db(c, &db);

    if (r < 0)
        return r;
    r = store_roster_user_district_of_class(db, class_id, &res.district_id);
    if (r == -ENOENT)
        return ctx_fail(c, -ENOENT, "not found");
    if (r < 0)
        return ctx_fail(c, r, "cannot read the roster");
    r = access_check(c, ACT_LIST, &res);
    if (r < 0)
        return r;
    r = store_roster_class_members(db, res.district_id, class_id, member_cb, &m);
    if (r < 0) {
        mem_free(m.v);
        return ctx_fail(c, r, "cannot read the class roster");
    }
    *ret = m.v;
    *ret_n = m.n;
    return 0;
}

void roster_session_release(struct roster_session *s)
{
    if (!s)
        return;
    mem_free(s->sourced_id);
    mem_free(s->title);
    memset(s, 0, sizeof(*s));
}

int roster_current_session(struct ctx *c, int64_t district_id, const char *type, int64_t day,
                           struct roster_session *ret)
{
    struct access_resource res = {RES_DISTRICT, district_id, district_id};
    struct db *db;
    int r = access_check(c, ACT_READ, &res);

    if (r < 0)
        return r;
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    memset(ret, 0, sizeof(*ret));
    r = store_roster_session_at(db, district_id, type, day, &ret->id, &ret->sourced_id, &ret->title,
                                &ret->start_day, &ret->end_day);
    if (r == -ENOENT)
        return ctx_fail(c, -ENOENT, "no %s contains that day", type);
    if (r < 0)
        return ctx_fail(c, r, "cannot read the academic sessions");
    return 0;
}

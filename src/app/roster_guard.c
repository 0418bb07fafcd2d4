/*
 * Who may create, promote or change administrators through a OneRoster
 * import (see roster_imp.h). A role administrator, principal,
 * siteAdministrator, districtAdministrator or systemAdministrator makes its
 * holder a school or district administrator (auth.c), so a set that creates
 * such a role, promotes someone to one, or changes anything of a person
 * who holds one (their record, roles, user profiles, agents, the type of
 * the org where they hold it, or deactivates any of these) is an escalation
 * unless the importer may grant it: the operator (the CLI), or a district
 * administrator who confirmed a second factor within AUDIT_MFA_FRESH_MS.
 * API clients never may. Each such row is an error naming
 * file:line:column and the reason, and the import is refused whole
 * (-EACCES, or -ENOKEY when a fresh second factor would allow it).
 *
 * The stored administrators are loaded once, before the files, only when
 * the importer may not grant these rights.
 */
#include "base/common.h"

#include <stdio.h>
#include <stdlib.h>

#include "app/audit.h"
#include "app/principal.h"
#include "app/roster_imp.h"
#include "base/mem.h"

struct guard_rec {
    int64_t id, user_id;
    enum roster_kind kind; /* RK_USER, RK_ROLE, RK_PROFILE, or RK_ORG (where an admin role holds) */
    bool admin_role;
    char org_type[16];
};

static const char *const admin_roles[] = {"administrator",       "principal",
                                          "siteAdministrator",   "districtAdministrator",
                                          "systemAdministrator", NULL};

bool imp_role_is_admin(struct str role)
{
    return imp_enum_index(admin_roles, role) >= 0;
}

static int cmp_rec(const void *a, const void *b)
{
    const struct guard_rec *x = a, *y = b;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id ? 1 : 0;
}

static const struct guard_rec *find(const struct imp *m, enum roster_kind k, int64_t id)
{
    struct guard_rec key = {.id = id, .kind = k};
    if (!m->n_admins)
        return NULL;
    return bsearch(&key, m->admins, m->n_admins, sizeof(key), cmp_rec);
}

static int add(struct imp *m, enum roster_kind k, int64_t id, int64_t user, bool admin_role,
               const char *org_type)
{
    if (m->n_admins == m->cap_admins) {
        size_t cap = m->cap_admins ? m->cap_admins * 2 : 64;
        struct guard_rec *p = mem_realloc(m->admins, cap * sizeof(*p));
        if (!p)
            return -ENOMEM;
        m->admins = p;
        m->cap_admins = cap;
    }
    struct guard_rec *g = &m->admins[m->n_admins++];
    memset(g, 0, sizeof(*g));
    g->id = id;
    g->user_id = user;
    g->kind = k;
    g->admin_role = admin_role;
    snprintf(g->org_type, sizeof(g->org_type), "%s", org_type ? org_type : "");
    return 0;
}

static int admin_cb(void *arg, const struct roster_admin_rec *rec)
{
    struct imp *m = arg;
    int r = add(m, rec->kind, rec->id, rec->user_id, rec->admin_role, rec->org_type);
    if (r == 0 && rec->kind == RK_ROLE)
        r = add(m, RK_USER, rec->user_id, rec->user_id, false, NULL);
    if (r == 0 && rec->kind == RK_ROLE && rec->admin_role)
        r = add(m, RK_ORG, rec->org_id, 0, false, rec->org_type);
    return r;
}

int imp_guard_init(struct imp *m)
{
    const struct ctx *c = m->c;
    const struct principal *p = c->who;
    int r;

    m->guard = 0;
    if (p && p->kind == PRINCIPAL_OPERATOR)
        return 0;
    if (p && p->kind == PRINCIPAL_USER && (p->roles & ROLE_DISTRICT_ADMIN) && !p->enrol_only) {
        if (p->mfa_at_ms && c->now_ms - p->mfa_at_ms <= AUDIT_MFA_FRESH_MS)
            return 0;
        m->guard = -ENOKEY;
        m->guard_why = "a district administrator must have confirmed a second factor within the "
                       "last 15 minutes (POST /api/v1/session/mfa) to create, promote or change "
                       "administrators";
    } else if (p && p->kind == PRINCIPAL_CLIENT) {
        m->guard = -EACCES;
        m->guard_why = "API clients cannot create, promote or change administrators";
    } else {
        m->guard = -EACCES;
        m->guard_why = "only the operator or a district administrator with a fresh second factor "
                       "can create, promote or change administrators";
    }
    if (m->new_district)
        return 0;
    r = store_roster_admins(m->db, m->district_id, admin_cb, m);
    if (r < 0)
        return r;
    if (m->n_admins > 1) {
        /* sort, then drop repeats (a user or org is added once per role) */
        size_t n = 1;
        qsort(m->admins, m->n_admins, sizeof(*m->admins), cmp_rec);
        for (size_t i = 1; i < m->n_admins; i++)
            if (cmp_rec(&m->admins[i], &m->admins[n - 1]) != 0)
                m->admins[n++] = m->admins[i];
        m->n_admins = n;
    }
    return 0;
}

void imp_guard_release(struct imp *m)
{
    mem_free(m->admins);
    m->admins = NULL;
    m->n_admins = m->cap_admins = 0;
}

static void refuse(struct imp *m)
{
    m->n_guarded++;
    if (!m->refusal)
        m->refusal = m->guard;
}

static bool wrote(const struct imp *m)
{
    return m->upserted == IMP_CREATED || m->upserted == IMP_UPDATED;
}

void imp_guard_user(struct imp *m, const struct row *r, int64_t user_id)
{
    if (!m->guard || !wrote(m) || !find(m, RK_USER, user_id))
        return;
    imp_err(
        m, "%s:%zu:1: sourcedId: '%.*s' is an administrator, and this row changes their record: %s",
        r->file, r->line, STR_FMT(r->sid), m->guard_why);
    refuse(m);
}

void imp_guard_role(struct imp *m, const struct row *r, size_t col, struct str role,
                    struct str user_sid, int64_t user_id, struct str org_sid)
{
    if (!m->guard || !wrote(m))
        return;
    bool admin = imp_role_is_admin(role) && strcmp(r->status, "active") == 0;
    bool was = find(m, RK_USER, user_id) != NULL;
    if (admin && !was)
        imp_err(m, "%s:%zu:%zu: role: '%.*s' at org '%.*s' would make '%.*s' an administrator: %s",
                r->file, r->line, col, STR_FMT(role), STR_FMT(org_sid), STR_FMT(user_sid),
                m->guard_why);
    else if (was)
        imp_err(m,
                "%s:%zu:%zu: role: '%.*s' at org '%.*s' changes the roles of administrator "
                "'%.*s': %s",
                r->file, r->line, col, STR_FMT(role), STR_FMT(org_sid), STR_FMT(user_sid),
                m->guard_why);
    else
        return;
    refuse(m);
}

void imp_guard_profile(struct imp *m, const struct row *r, size_t col, struct str user_sid,
                       int64_t user_id)
{
    if (!m->guard || !wrote(m) || !find(m, RK_USER, user_id))
        return;
    imp_err(m,
            "%s:%zu:%zu: userSourcedId: '%.*s' is an administrator, and this row changes their "
            "user profile: %s",
            r->file, r->line, col, STR_FMT(user_sid), m->guard_why);
    refuse(m);
}

void imp_guard_org(struct imp *m, const struct row *r, size_t col, int64_t org_id, struct str type)
{
    const struct guard_rec *g;
    if (!m->guard || m->upserted != IMP_UPDATED || !(g = find(m, RK_ORG, org_id)) ||
        str_eq_cstr(type, g->org_type))
        return;
    imp_err(m,
            "%s:%zu:%zu: type: administrators hold their roles at org '%.*s', and this row "
            "changes its type from '%s' to '%.*s': %s",
            r->file, r->line, col, STR_FMT(r->sid), g->org_type, STR_FMT(type), m->guard_why);
    refuse(m);
}

void imp_guard_agents(struct imp *m, const char *file, size_t line, size_t col,
                      const struct strmap_entry *e)
{
    if (!m->guard || !find(m, RK_USER, e->id))
        return;
    imp_err(m,
            "%s:%zu:%zu: agentSourcedIds: '%s' is an administrator, and this row changes their "
            "agents: %s",
            file, line, col, e->key, m->guard_why);
    refuse(m);
}

bool imp_guard_deactivate(struct imp *m, enum roster_kind k, const struct strmap_entry *e)
{
    const char *file = m->ver == 11 && k == RK_ROLE ? "users.csv" : roster_spec_files[k].name;
    if (!m->guard || (k != RK_USER && k != RK_ROLE && k != RK_PROFILE) || !find(m, k, e->id))
        return false;
    imp_err(m,
            "%s:0:1: sourcedId: %s '%s' of an administrator is not in this bulk file, which "
            "would deactivate it: %s",
            file, roster_spec_noun[k], e->key, m->guard_why);
    refuse(m);
    return true;
}

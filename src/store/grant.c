/*
 * The store's side of grants: validation and noting what was returned.
 * See grant.h and grant_impl.h.
 */
#include "base/common.h"

#include "store/db.h"
#include "store/grant_impl.h"

int grant_covers(const struct grant *g, const struct db *db, enum access_kind kind,
                 int64_t district_id, int64_t id, unsigned action)
{
    if (!g || g->magic != GRANT_MAGIC || g->db != db || !db->tx || g->tx != db->tx_serial)
        return -EACCES;
    if (g->kind != kind || g->district_id != district_id || !(g->actions & action))
        return -EACCES;
    if (g->id != id && g->id != 0)
        return -EACCES;
    return 0;
}

void grant_bind(struct grant *g, const struct db *db)
{
    g->db = db;
    g->tx = db->tx_serial;
}

void grant_note(struct grant *g, int64_t user_id)
{
    /* a write reading the current state (a precondition, a merge) discloses nothing */
    unsigned discloses = ACT_READ | ACT_LIST | ACT_EXPORT | ACT_READ_SEALED | ACT_CREDENTIALS;
    /* a person's own record shown to them is no disclosure (34 CFR 99.32(d)(1)) */
    if (g->audit == GRANT_AUDIT_NONE || user_id <= 0 || user_id == g->self_id ||
        !(g->asked & discloses))
        return;
    g->records++;
    if (g->audit == GRANT_AUDIT_COUNT || g->audit == GRANT_AUDIT_AGGREGATE)
        return;
    /* a repeat of the last one (a learner's statements, page by page) is noted once */
    if (g->n_subjects && g->subjects[g->n_subjects - 1] == user_id)
        return;
    if (g->n_subjects == g->cap_subjects) {
        size_t cap = g->cap_subjects ? g->cap_subjects * 2 : 16;
        int64_t *p = arena_alloc(g->arena, cap * sizeof(*p));
        if (!p) {
            g->err = -ENOMEM;
            return;
        }
        if (g->n_subjects)
            memcpy(p, g->subjects, g->n_subjects * sizeof(*p));
        g->subjects = p;
        g->cap_subjects = cap;
    }
    g->subjects[g->n_subjects++] = user_id;
}

void grant_note_rows(struct grant *g, int64_t n)
{
    if (g->audit == GRANT_AUDIT_COUNT || g->audit == GRANT_AUDIT_AGGREGATE)
        g->records += n;
}

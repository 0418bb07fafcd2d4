/*
 * The access policy: see access.h. One function, default deny. Who may do
 * what (every relationship is checked against the roster at the time of
 * the call, ctx->now_ms, never remembered from the login):
 *
 *   operator (CLI)     everything in its district
 *   district admin     everything in the district
 *   school admin       the people, classes and school of the schools where it holds the role:
 *                      read, list, change, export, manage login cards
 *   counsellor         the students of its schools and their classes: read and list only
 *   teacher            the classes it teaches in a current academic session (a term of the
 *                      class holds today) and the students enrolled in them: read and list;
 *                      change its classes; manage their login cards
 *   guardian           its own children (agentSourcedIds, either direction): read
 *   student            itself: read; its current classes: read (not their rosters)
 *   API client         only its scopes: roster/read (read, list, export the roster),
 *                      roster/write (import), statements/read, statements/write ...;
 *                      xAPI documents: state (State), profile (profiles), or all
 *   anyone of a district  reads the district itself (its name, its sessions)
 *
 * A person still enrolling a required second factor (enrol_only) is refused
 * everything. Refusals of what the caller may not see are -ENOENT (so
 * nothing reveals that a record exists); of what it may see but not do,
 * -EACCES; nobody logged in, -EPERM.
 */
#include "base/common.h"

#include "app/access.h"
#include "app/principal.h"
#include "store/store_auth.h"

#define DAY_MS 86400000LL

static bool has(const struct principal *p, unsigned roles)
{
    return (p->roles & roles) != 0;
}

/* Does p hold one of roles at org (or district-wide)? */
static bool holds_at(const struct principal *p, unsigned roles, int64_t org_id)
{
    for (size_t i = 0; i < p->n_grants; i++)
        if ((p->grants[i].role & roles) && (p->grants[i].org_id == org_id || !p->grants[i].org_id))
            return true;
    return false;
}

struct orgs_arg {
    const struct principal *p;
    unsigned roles;
    bool hit;
};

static int org_cb(void *arg, int64_t org_id)
{
    struct orgs_arg *a = arg;
    if (holds_at(a->p, a->roles, org_id))
        a->hit = true;
    return 0;
}

/* Does p hold one of roles at a school the person belongs to? 1, 0 or a negative errno. */
static int holds_over_person(struct db *db, const struct principal *p, unsigned roles,
                             int64_t user_id)
{
    struct orgs_arg a = {p, roles, false};
    if (!has(p, roles))
        return 0;
    int r = store_person_orgs(db, p->district_id, user_id, org_cb, &a);
    return r < 0 ? r : a.hit;
}

static int deny_unseen(struct ctx *c)
{
    return ctx_fail(c, -ENOENT, "not found");
}

static int deny_seen(struct ctx *c, const char *what)
{
    return ctx_fail(c, -EACCES, "not allowed: %s", what);
}

static int storage(struct ctx *c, int r)
{
    return ctx_fail(c, r, "cannot check access: the database is not available");
}

static bool reads(enum access_action a)
{
    return a == ACT_READ || a == ACT_LIST || a == ACT_READ_SEALED;
}

static int client_check(struct ctx *c, const struct principal *p, enum access_action action,
                        const struct access_resource *res)
{
    unsigned s = p->scopes;
    bool roster = res->kind == RES_PERSON || res->kind == RES_CLASS || res->kind == RES_SCHOOL ||
                  res->kind == RES_DISTRICT;

    if (roster) {
        if ((s & SCOPE_ROSTER_READ) && (reads(action) || action == ACT_EXPORT))
            return 0;
        if ((s & SCOPE_ROSTER_WRITE) && res->kind == RES_DISTRICT &&
            (action == ACT_WRITE || action == ACT_ADMIN))
            return 0;
        if (res->kind == RES_DISTRICT && action == ACT_READ)
            return 0;
        return (s & SCOPE_ROSTER_READ) || res->kind == RES_DISTRICT
                   ? deny_seen(c, "this client's scopes do not allow it")
                   : deny_unseen(c);
    }
    if (res->kind == RES_STATEMENTS) {
        if (action == ACT_WRITE && (s & SCOPE_STATEMENTS_WRITE))
            return 0;
        /* statements/read/mine: the LRS narrows the answer to the client's own statements */
        if (reads(action) && (s & (SCOPE_STATEMENTS_READ | SCOPE_STATEMENTS_READ_MINE)))
            return 0;
        if (action == ACT_EXPORT && (s & SCOPE_STATEMENTS_READ))
            return 0;
        return deny_seen(c, "this client's scopes do not allow it");
    }
    if (res->kind == RES_DOCUMENTS) {
        /* xAPI documents: the state scope for State, profile for both profile resources */
        unsigned need =
            res->id == RES_DOCUMENTS_STATE ? SCOPE_STATE
            : res->id == RES_DOCUMENTS_PROFILE
                ? SCOPE_PROFILE
                : SCOPE_STATE | SCOPE_PROFILE | SCOPE_STATEMENTS_READ | SCOPE_STATEMENTS_READ_MINE;
        if (s & (need | SCOPE_ALL))
            return 0;
        return deny_seen(c, res->id == RES_DOCUMENTS_STATE
                                ? "this needs the client scope 'state'"
                                : "this needs the client scope 'profile'");
    }
    return deny_unseen(c);
}

static int person_check(struct ctx *c, struct db *db, const struct principal *p,
                        enum access_action action, int64_t user_id, bool statements)
{
    struct person_facts f;
    int64_t day = c->now_ms / DAY_MS;
    bool student;
    int r;

    if (p->user_id && p->user_id == user_id) {
        /* oneself: read one's record; write one's own learning records */
        if (action == ACT_READ || action == ACT_READ_SEALED ||
            (statements && (action == ACT_WRITE || action == ACT_LIST)))
            return 0;
        return deny_seen(c, "people cannot change their own roster record");
    }
    if (user_id == 0) /* learning records not linked to a person */
        return deny_unseen(c);
    r = store_person_facts(db, user_id, &f);
    if (r == -ENOENT || (r == 0 && f.district_id != p->district_id))
        return deny_unseen(c);
    if (r < 0)
        return storage(c, r);
    student = strcmp(f.role, "student") == 0;

    r = holds_over_person(db, p, ROLE_SCHOOL_ADMIN, user_id);
    if (r < 0)
        return storage(c, r);
    if (r > 0) {
        if (action != ACT_ADMIN)
            return 0;
        return deny_seen(c, "this needs a district administrator");
    }
    if (student) {
        r = holds_over_person(db, p, ROLE_COUNSELLOR, user_id);
        if (r < 0)
            return storage(c, r);
        if (r > 0)
            return reads(action) ? 0 : deny_seen(c, "counsellors can read, not change");
        if (has(p, ROLE_TEACHER) && p->user_id) {
            r = store_teaches_student(db, p->district_id, p->user_id, user_id, day);
            if (r < 0)
                return storage(c, r);
            if (r > 0) {
                if (action == ACT_READ || action == ACT_LIST)
                    return 0;
                if (statements && action == ACT_WRITE)
                    return 0; /* feedback on a student's work */
                return deny_seen(c, "teachers can read their students' records, not change them");
            }
        }
        if (has(p, ROLE_GUARDIAN) && p->user_id) {
            r = store_guardian_of(db, p->district_id, p->user_id, user_id);
            if (r < 0)
                return storage(c, r);
            if (r > 0)
                return action == ACT_READ || action == ACT_READ_SEALED ||
                               (statements && action == ACT_LIST)
                           ? 0
                           : deny_seen(c, "guardians can read their children's records");
        }
    }
    return deny_unseen(c);
}

static int class_check(struct ctx *c, struct db *db, const struct principal *p,
                       enum access_action action, int64_t class_id)
{
    int64_t district, school, day = c->now_ms / DAY_MS;
    int r = store_class_facts(db, class_id, &district, &school);

    if (r == -ENOENT || (r == 0 && district != p->district_id))
        return deny_unseen(c);
    if (r < 0)
        return storage(c, r);
    if (holds_at(p, ROLE_SCHOOL_ADMIN, school))
        return action == ACT_ADMIN ? deny_seen(c, "this needs a district administrator") : 0;
    if (holds_at(p, ROLE_COUNSELLOR, school))
        return reads(action) ? 0 : deny_seen(c, "counsellors can read, not change");
    if (has(p, ROLE_TEACHER) && p->user_id) {
        r = store_teaches_class(db, p->district_id, p->user_id, class_id, day);
        if (r < 0)
            return storage(c, r);
        if (r > 0)
            return reads(action) || action == ACT_WRITE || action == ACT_CREDENTIALS
                       ? 0
                       : deny_seen(c, "this needs an administrator");
    }
    if (has(p, ROLE_STUDENT) && p->user_id) {
        r = store_enrolled_in_class(db, p->district_id, p->user_id, class_id, day);
        if (r < 0)
            return storage(c, r);
        if (r > 0)
            return action == ACT_READ ? 0 : deny_seen(c, "students see their classes, not rosters");
    }
    return deny_unseen(c);
}

static int school_check(struct ctx *c, const struct principal *p, enum access_action action,
                        int64_t org_id)
{
    if (holds_at(p, ROLE_SCHOOL_ADMIN, org_id))
        return action == ACT_ADMIN ? deny_seen(c, "this needs a district administrator") : 0;
    if (holds_at(p, ROLE_COUNSELLOR, org_id))
        return reads(action) ? 0 : deny_seen(c, "counsellors can read, not change");
    if (holds_at(p, ROLE_TEACHER, org_id))
        return action == ACT_READ ? 0 : deny_seen(c, "this needs a school administrator");
    return deny_unseen(c);
}

int access_check(struct ctx *c, enum access_action action, const struct access_resource *res)
{
    const struct principal *p = c->who;
    struct db *db;
    int r;

    if (!p)
        return ctx_fail(c, -EPERM, "log in first");
    if (p->district_id != res->district_id)
        return deny_unseen(c);
    if (p->kind == PRINCIPAL_OPERATOR)
        return 0;
    if (p->kind == PRINCIPAL_CLIENT)
        return client_check(c, p, action, res);
    if (p->kind != PRINCIPAL_USER)
        return deny_unseen(c);
    if (p->enrol_only)
        return ctx_fail(c, -EACCES,
                        "second factor: this account must set up two-step verification first");
    if (has(p, ROLE_DISTRICT_ADMIN))
        return 0;
    if (res->kind == RES_DISTRICT) {
        if (action == ACT_READ)
            return 0;
        return deny_seen(c, "this needs a district administrator");
    }
    if (res->kind == RES_SCHOOL)
        return school_check(c, p, action, res->id);
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    switch (res->kind) {
    case RES_PERSON:
        return person_check(c, db, p, action, res->id, false);
    case RES_STATEMENTS:
        return person_check(c, db, p, action, res->id, true);
    case RES_CLASS:
        return class_check(c, db, p, action, res->id);
    default:
        return deny_unseen(c);
    }
}

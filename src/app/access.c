/*
 * The gate: see access.h. The policy is one table (policy[] below): who
 * (a role of a person, a scope of an API client, the operator or the
 * SYSTEM principal) x relationship (to the record, resolved from the roster
 * at the time of the call, ctx->now_ms, never remembered from the login) x
 * resource -> the actions allowed. Whatever no row allows is refused:
 *
 *   - nothing allowed and the record not visible to the caller: -ENOENT;
 *   - the record visible (read or list allowed) but not this action, or an
 *     API client whose scopes do not cover the resource: -EACCES;
 *   - nobody logged in: -EPERM; a person still enrolling a required second
 *     factor (enrol_only): -EACCES for everything.
 *
 * A new module that reads student data adds a resource kind (store/grant.h)
 * and rows here, and its store functions take the grant: it cannot forget
 * the check, the audit entry or the tripwire. tests/unit/test_app_access.c
 * checks every principal x resource x action against a fixture district,
 * and tests/e2e/access_matrix.test.mjs runs the matrix generated from this
 * table (access_policy_json) against every route that returns student data.
 *
 * This file also holds the gate's per-request state (the grants made and
 * what was read under them), the settling of disclosures through the audit
 * log, and the coalesced record of refusals.
 */
#include "base/common.h"

#include <pthread.h>
#include <stdio.h>

#include "app/access.h"
#include "app/audit.h"
#include "app/principal.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "store/grant_impl.h"
#include "store/store.h"
#include "store/store_access.h"

#define DAY_MS 86400000LL

/* ---- the policy table ---- */

/* Who a rule is for. */
enum who {
    WHO_STUDENT,
    WHO_GUARDIAN,
    WHO_TEACHER,
    WHO_COUNSELLOR,
    WHO_SCHOOL_ADMIN,
    WHO_DISTRICT_ADMIN,
    WHO_PD_COORDINATOR,
    WHO_COACH,
    WHO_PERSON, /* anyone logged in with a role in the district */
    WHO_CLIENT, /* any API client of the district */
    WHO_ROSTER_READ,
    WHO_ROSTER_WRITE,
    WHO_STATEMENTS_WRITE,
    WHO_STATEMENTS_READ,
    WHO_STATEMENTS_READ_MINE,
    WHO_STATE,
    WHO_PROFILE,
    WHO_OPERATOR, /* whoever runs a trellis command on the server */
    WHO_SYSTEM,   /* Trellis itself: the model follower, forwarding, retention */
    WHO_N
};

/* How the caller relates to the record. */
enum rel {
    REL_SELF,       /* the record is the person's own */
    REL_TEACHES,    /* teaches the class, or the student in a class, in a term holding today */
    REL_ENROLLED,   /* is a student of the class today */
    REL_GUARDIAN,   /* is linked to the student as guardian (agentSourcedIds) */
    REL_SCHOOL,     /* holds the rule's role at the record's school */
    REL_DISTRICT,   /* the record is in the caller's district */
    REL_OWN_CLIENT, /* the statements this API client wrote itself */
    REL_N
};

struct rule {
    enum who who;
    enum rel rel;
    enum access_kind kind;
    unsigned actions;
    bool students_only; /* only when the record's person is a student */
    bool not_admins;    /* never when the record's person is an administrator */
    bool not_self;      /* never on the caller's own record (no one awards themselves) */
};

#define R_   (ACT_READ)
#define RL_  (ACT_READ | ACT_LIST)
#define NOAD (ACT_ALL & ~ACT_ADMIN)

static const struct rule policy[] = {
    /* micro-credentials: PD coordinators and coaches award and revoke them, never their own;
       the holder reads their own; administrators see and revoke them */
    {WHO_PD_COORDINATOR, REL_DISTRICT, RES_CREDENTIALS, RL_ | ACT_WRITE, false, false, true},
    {WHO_COACH, REL_SCHOOL, RES_CREDENTIALS, RL_ | ACT_WRITE, false, false, true},
    {WHO_PERSON, REL_SELF, RES_CREDENTIALS, RL_ | ACT_EXPORT, false, false, false},
    {WHO_DISTRICT_ADMIN, REL_DISTRICT, RES_CREDENTIALS, RL_, false, false, false},
    {WHO_OPERATOR, REL_DISTRICT, RES_CREDENTIALS, ACT_ALL, false, false, false},
    /* district administrators: everything of their district (a second factor is required) */
    {WHO_DISTRICT_ADMIN, REL_DISTRICT, RES_PERSON, ACT_ALL, false, false, false},
    {WHO_DISTRICT_ADMIN, REL_DISTRICT, RES_CLASS, ACT_ALL, false, false, false},
    {WHO_DISTRICT_ADMIN, REL_DISTRICT, RES_SCHOOL, ACT_ALL, false, false, false},
    {WHO_DISTRICT_ADMIN, REL_DISTRICT, RES_DISTRICT, ACT_ALL, false, false, false},
    {WHO_DISTRICT_ADMIN, REL_DISTRICT, RES_STATEMENTS, ACT_ALL, false, false, false},
    {WHO_DISTRICT_ADMIN, REL_DISTRICT, RES_MASTERY, ACT_ALL, false, false, false},
    {WHO_DISTRICT_ADMIN, REL_DISTRICT, RES_STATE, ACT_ALL, false, false, false},
    {WHO_DISTRICT_ADMIN, REL_DISTRICT, RES_PROFILES, ACT_ALL, false, false, false},
    {WHO_DISTRICT_ADMIN, REL_DISTRICT, RES_DOC_META, ACT_ALL, false, false, false},
    {WHO_DISTRICT_ADMIN, REL_DISTRICT, RES_AUDIT, ACT_ALL, false, false, false},
    {WHO_DISTRICT_ADMIN, REL_DISTRICT, RES_CLIENTS, ACT_ALL, false, false, false},
    {WHO_DISTRICT_ADMIN, REL_DISTRICT, RES_SETTINGS, R_, false, false, false},
    {WHO_DISTRICT_ADMIN, REL_DISTRICT, RES_CLASS_LEARNING, ACT_ALL, false, false, false},
    {WHO_DISTRICT_ADMIN, REL_DISTRICT, RES_ASSIGNMENTS, ACT_ALL, false, false, false},
    {WHO_DISTRICT_ADMIN, REL_DISTRICT, RES_SCHOOL_STATS, R_, false, false, false},
    {WHO_DISTRICT_ADMIN, REL_DISTRICT, RES_DISTRICT_STATS, R_, false, false, false},
    {WHO_DISTRICT_ADMIN, REL_DISTRICT, RES_CONNECTIVITY, ACT_ALL, true, false, false},
    {WHO_DISTRICT_ADMIN, REL_DISTRICT, RES_SCHOOL_CONNECTIVITY, ACT_ALL, false, false, false},
    {WHO_DISTRICT_ADMIN, REL_DISTRICT, RES_SCHOOL_EQUITY, R_, false, false, false},
    {WHO_DISTRICT_ADMIN, REL_DISTRICT, RES_DISTRICT_EQUITY, R_, false, false, false},
    {WHO_DISTRICT_ADMIN, REL_DISTRICT, RES_DEVICES, ACT_ALL, false, false, false},
    {WHO_DISTRICT_ADMIN, REL_DISTRICT, RES_DEVICE_HISTORY, ACT_ALL, false, false, false},
    /* school administrators: the people, classes and learning records of their schools, and
       the logins of their people, never of an administrator */
    {WHO_SCHOOL_ADMIN, REL_SCHOOL, RES_PERSON, NOAD & ~ACT_CREDENTIALS, false, false, false},
    {WHO_SCHOOL_ADMIN, REL_SCHOOL, RES_PERSON, ACT_CREDENTIALS, false, true, false},
    {WHO_SCHOOL_ADMIN, REL_SCHOOL, RES_CLASS, NOAD, false, false, false},
    {WHO_SCHOOL_ADMIN, REL_SCHOOL, RES_SCHOOL, NOAD, false, false, false},
    {WHO_SCHOOL_ADMIN, REL_SCHOOL, RES_STATEMENTS, NOAD, false, false, false},
    {WHO_SCHOOL_ADMIN, REL_SCHOOL, RES_MASTERY, RL_ | ACT_EXPORT, false, false, false},
    {WHO_SCHOOL_ADMIN, REL_SCHOOL, RES_AUDIT, R_, true, false, false},
    {WHO_SCHOOL_ADMIN, REL_SCHOOL, RES_CLASS_LEARNING, RL_ | ACT_EXPORT, false, false, false},
    {WHO_SCHOOL_ADMIN, REL_SCHOOL, RES_SCHOOL_STATS, R_, false, false, false},
    {WHO_SCHOOL_ADMIN, REL_SCHOOL, RES_ASSIGNMENTS, RL_, false, false,
     false}, /* see them; the teacher assigns */
    /* ... their schools' devices: lend them, take them back, record damage (docs/EQUITY.md) */
    {WHO_SCHOOL_ADMIN, REL_SCHOOL, RES_DEVICES, RL_ | ACT_WRITE, false, false, false},
    {WHO_SCHOOL_ADMIN, REL_SCHOOL, RES_DEVICE_HISTORY, RL_ | ACT_WRITE, false, false, false},
    {WHO_COUNSELLOR, REL_SCHOOL, RES_DEVICE_HISTORY, R_, true, false, false},
    /* the devices their students were lent (is the student equipped?) */
    {WHO_TEACHER, REL_TEACHES, RES_DEVICE_HISTORY, R_, true, false, false},
    /* ... and the devices their children were lent */
    {WHO_GUARDIAN, REL_GUARDIAN, RES_DEVICE_HISTORY, R_, true, false, false},
    {WHO_PERSON, REL_SELF, RES_DEVICE_HISTORY, R_, false, false, false},
    /* home connectivity (sealed survey answers, referrals, codes, literacy sessions): the
       school's administrators and counsellors, on the family's behalf; not teachers */
    {WHO_SCHOOL_ADMIN, REL_SCHOOL, RES_CONNECTIVITY, RL_ | ACT_WRITE | ACT_READ_SEALED, true, false,
     false},
    {WHO_SCHOOL_ADMIN, REL_SCHOOL, RES_SCHOOL_CONNECTIVITY, RL_ | ACT_WRITE | ACT_READ_SEALED,
     false, false, false},
    {WHO_SCHOOL_ADMIN, REL_SCHOOL, RES_SCHOOL_EQUITY, R_, false, false, false},
    {WHO_COUNSELLOR, REL_SCHOOL, RES_CONNECTIVITY, RL_ | ACT_WRITE | ACT_READ_SEALED, true, false,
     false},
    {WHO_COUNSELLOR, REL_SCHOOL, RES_SCHOOL_CONNECTIVITY, RL_ | ACT_WRITE | ACT_READ_SEALED, false,
     false, false},
    /* counsellors: the students of their schools, read only */
    {WHO_COUNSELLOR, REL_SCHOOL, RES_PERSON, RL_ | ACT_READ_SEALED, true, false, false},
    {WHO_COUNSELLOR, REL_SCHOOL, RES_CLASS, RL_ | ACT_READ_SEALED, false, false, false},
    {WHO_COUNSELLOR, REL_SCHOOL, RES_SCHOOL, RL_ | ACT_READ_SEALED, false, false, false},
    {WHO_COUNSELLOR, REL_SCHOOL, RES_STATEMENTS, RL_ | ACT_READ_SEALED, true, false, false},
    {WHO_COUNSELLOR, REL_SCHOOL, RES_MASTERY, RL_, true, false, false},
    {WHO_COUNSELLOR, REL_SCHOOL, RES_CLASS_LEARNING, RL_, false, false, false},
    {WHO_COUNSELLOR, REL_SCHOOL, RES_ASSIGNMENTS, RL_, false, false, false},
    {WHO_COUNSELLOR, REL_SCHOOL, RES_SCHOOL_STATS, R_, false, false, false},
    /* teachers: the classes they teach now and those classes' students (no contact data) */
    {WHO_TEACHER, REL_TEACHES, RES_PERSON, RL_, true, false, false},
    {WHO_TEACHER, REL_TEACHES, RES_STATEMENTS, RL_ | ACT_WRITE, true, false,
     false}, /* feedback on work */
    {WHO_TEACHER, REL_TEACHES, RES_MASTERY, RL_, true, false, false},
    {WHO_TEACHER, REL_TEACHES, RES_CLASS, RL_ | ACT_READ_SEALED | ACT_WRITE | ACT_CREDENTIALS,
     false, false, false},
    {WHO_TEACHER, REL_SCHOOL, RES_SCHOOL, R_, false, false, false},
    /* the teacher views of a class they teach, and its export (audited like any disclosure) */
    {WHO_TEACHER, REL_TEACHES, RES_CLASS_LEARNING, RL_ | ACT_EXPORT, false, false, false},
    /* a class's assignments: given, changed and followed by the class's teachers */
    {WHO_TEACHER, REL_TEACHES, RES_ASSIGNMENTS, RL_ | ACT_WRITE, false, false, false},
    /* students: their classes (not the rosters) */
    {WHO_STUDENT, REL_ENROLLED, RES_CLASS, R_, false, false, false},
    /* guardians: their children */
    {WHO_GUARDIAN, REL_GUARDIAN, RES_PERSON, R_ | ACT_READ_SEALED, true, false, false},
    {WHO_GUARDIAN, REL_GUARDIAN, RES_STATEMENTS, RL_ | ACT_READ_SEALED, true, false, false},
    {WHO_GUARDIAN, REL_GUARDIAN, RES_MASTERY, R_, true, false, false},
    /* ... what the family answered about home connectivity, and its referrals */
    {WHO_GUARDIAN, REL_GUARDIAN, RES_CONNECTIVITY, R_ | ACT_READ_SEALED, true, false, false},
    /* ... and who has seen their child's records (FERPA 34 CFR 99.32(c)) */
    {WHO_GUARDIAN, REL_GUARDIAN, RES_AUDIT, R_, true, false, false},
    /* everyone: their own record and learning, and their district's name and sessions */
    {WHO_PERSON, REL_SELF, RES_PERSON, R_ | ACT_READ_SEALED, false, false, false},
    {WHO_PERSON, REL_SELF, RES_STATEMENTS, RL_ | ACT_WRITE | ACT_READ_SEALED, false, false, false},
    {WHO_PERSON, REL_SELF, RES_MASTERY, R_, false, false, false},
    {WHO_PERSON, REL_DISTRICT, RES_DISTRICT, R_, false, false, false},
    /* API clients: their scopes, over their district */
    {WHO_CLIENT, REL_DISTRICT, RES_DISTRICT, R_, false, false, false},
    {WHO_ROSTER_READ, REL_DISTRICT, RES_PERSON, RL_ | ACT_READ_SEALED | ACT_EXPORT, false, false,
     false},
    {WHO_ROSTER_READ, REL_DISTRICT, RES_CLASS, RL_ | ACT_READ_SEALED | ACT_EXPORT, false, false,
     false},
    {WHO_ROSTER_READ, REL_DISTRICT, RES_SCHOOL, RL_ | ACT_READ_SEALED | ACT_EXPORT, false, false,
     false},
    {WHO_ROSTER_READ, REL_DISTRICT, RES_DISTRICT, RL_ | ACT_READ_SEALED | ACT_EXPORT, false, false,
     false},
    {WHO_ROSTER_WRITE, REL_DISTRICT, RES_DISTRICT, ACT_WRITE | ACT_ADMIN, false, false, false},
    {WHO_STATEMENTS_WRITE, REL_DISTRICT, RES_STATEMENTS, ACT_WRITE, false, false, false},
    {WHO_STATEMENTS_READ, REL_DISTRICT, RES_STATEMENTS, RL_ | ACT_READ_SEALED | ACT_EXPORT, false,
     false, false},
    {WHO_STATEMENTS_READ_MINE, REL_OWN_CLIENT, RES_STATEMENTS, RL_ | ACT_READ_SEALED, false, false,
     false},
    /* derived records follow the statements they come from: not for statements/read/mine */
    {WHO_STATEMENTS_READ, REL_DISTRICT, RES_MASTERY, RL_, false, false, false},
    {WHO_STATEMENTS_READ, REL_DISTRICT, RES_CLASS_LEARNING, RL_, false, false, false},
    {WHO_STATEMENTS_READ, REL_DISTRICT, RES_SCHOOL_STATS, R_, false, false, false},
    {WHO_STATEMENTS_READ, REL_DISTRICT, RES_DISTRICT_STATS, R_, false, false, false},
    {WHO_STATE, REL_DISTRICT, RES_STATE, ACT_ALL, false, false, false},
    {WHO_PROFILE, REL_DISTRICT, RES_PROFILES, ACT_ALL, false, false, false},
    {WHO_STATE, REL_DISTRICT, RES_DOC_META, R_, false, false, false},
    {WHO_PROFILE, REL_DISTRICT, RES_DOC_META, R_, false, false, false},
    {WHO_STATEMENTS_READ, REL_DISTRICT, RES_DOC_META, R_, false, false, false},
    {WHO_STATEMENTS_READ_MINE, REL_DISTRICT, RES_DOC_META, R_, false, false, false},
    /* the operator at the server's console: everything of the district it names */
    {WHO_OPERATOR, REL_DISTRICT, RES_PERSON, ACT_ALL, false, false, false},
    {WHO_OPERATOR, REL_DISTRICT, RES_CLASS, ACT_ALL, false, false, false},
    {WHO_OPERATOR, REL_DISTRICT, RES_SCHOOL, ACT_ALL, false, false, false},
    {WHO_OPERATOR, REL_DISTRICT, RES_DISTRICT, ACT_ALL, false, false, false},
    {WHO_OPERATOR, REL_DISTRICT, RES_STATEMENTS, ACT_ALL, false, false, false},
    {WHO_OPERATOR, REL_DISTRICT, RES_MASTERY, ACT_ALL, false, false, false},
    {WHO_OPERATOR, REL_DISTRICT, RES_STATE, ACT_ALL, false, false, false},
    {WHO_OPERATOR, REL_DISTRICT, RES_PROFILES, ACT_ALL, false, false, false},
    {WHO_OPERATOR, REL_DISTRICT, RES_DOC_META, ACT_ALL, false, false, false},
    {WHO_OPERATOR, REL_DISTRICT, RES_AUDIT, ACT_ALL, false, false, false},
    {WHO_OPERATOR, REL_DISTRICT, RES_CLIENTS, ACT_ALL, false, false, false},
    {WHO_OPERATOR, REL_DISTRICT, RES_SETTINGS, ACT_ALL, false, false, false},
    {WHO_OPERATOR, REL_DISTRICT, RES_CLASS_LEARNING, ACT_ALL, false, false, false},
    {WHO_OPERATOR, REL_DISTRICT, RES_ASSIGNMENTS, ACT_ALL, false, false, false},
    {WHO_OPERATOR, REL_DISTRICT, RES_SCHOOL_STATS, R_, false, false, false},
    {WHO_OPERATOR, REL_DISTRICT, RES_DISTRICT_STATS, R_, false, false, false},
    {WHO_OPERATOR, REL_DISTRICT, RES_CONNECTIVITY, ACT_ALL, true, false, false},
    {WHO_OPERATOR, REL_DISTRICT, RES_SCHOOL_CONNECTIVITY, ACT_ALL, false, false, false},
    {WHO_OPERATOR, REL_DISTRICT, RES_SCHOOL_EQUITY, R_, false, false, false},
    {WHO_OPERATOR, REL_DISTRICT, RES_DISTRICT_EQUITY, R_, false, false, false},
    {WHO_OPERATOR, REL_DISTRICT, RES_DEVICES, ACT_ALL, false, false, false},
    {WHO_OPERATOR, REL_DISTRICT, RES_DEVICE_HISTORY, ACT_ALL, false, false, false},
    /* Trellis itself: keeps the learner model, forwards and deletes learning records */
    {WHO_SYSTEM, REL_DISTRICT, RES_STATEMENTS, RL_ | ACT_WRITE | ACT_EXPORT | ACT_ADMIN, false,
     false, false},
    {WHO_SYSTEM, REL_DISTRICT, RES_MASTERY, RL_ | ACT_WRITE, false, false, false},
    {WHO_SYSTEM, REL_DISTRICT, RES_CLASS_LEARNING, RL_, false, false, false},
    {WHO_SYSTEM, REL_DISTRICT, RES_DOC_META, R_, false, false, false},
    {WHO_SYSTEM, REL_DISTRICT, RES_DISTRICT, R_, false, false, false},
};

static const char *const who_names[WHO_N] = {
    "student",
    "guardian",
    "teacher",
    "counsellor",
    "school_admin",
    "district_admin",
    "pd_coordinator",
    "coach",
    "person",
    "client",
    "client:roster/read",
    "client:roster/write",
    "client:statements/write",
    "client:statements/read",
    "client:statements/read/mine",
    "client:state",
    "client:profile",
    "operator",
    "system",
};
static const char *const rel_names[REL_N] = {"self",   "teaches",  "enrolled",  "guardian",
                                             "school", "district", "own_client"};
static const char *const kind_names[] = {"",
                                         "person",
                                         "class",
                                         "school",
                                         "district",
                                         "statements",
                                         "mastery",
                                         "state",
                                         "profiles",
                                         "doc_meta",
                                         "audit",
                                         "clients",
                                         "settings",
                                         "class_learning",
                                         "assignments",
                                         "school_stats",
                                         "district_stats",
                                         "connectivity",
                                         "school_connectivity",
                                         "school_equity",
                                         "district_equity",
                                         "credentials",
                                         "devices",
                                         "device_history"};
/* one name per kind, in the enum's order: a kind added to grant.h without its name fails here */
_Static_assert(sizeof kind_names / sizeof kind_names[0] == RES_KIND_MAX,
               "kind_names[] follows enum access_kind");
static const struct {
    unsigned bit;
    const char *name;
} action_names[] = {
    {ACT_READ, "read"},
    {ACT_LIST, "list"},
    {ACT_WRITE, "write"},
    {ACT_EXPORT, "export"},
    {ACT_ADMIN, "admin"},
    {ACT_CREDENTIALS, "credentials"},
    {ACT_READ_SEALED, "read_sealed"},
};

const char *access_action_name(unsigned a)
{
    for (size_t i = 0; i < ARRAY_SIZE(action_names); i++)
        if (action_names[i].bit == a)
            return action_names[i].name;
    return "?";
}

const char *access_kind_name(enum access_kind k)
{
    return k > 0 && k < RES_KIND_MAX ? kind_names[k] : "?";
}

json_t *access_policy_json(void)
{
    json_t *list = json_array();
    for (size_t i = 0; list && i < ARRAY_SIZE(policy); i++) {
        const struct rule *r = &policy[i];
        json_t *acts = json_array();
        for (size_t a = 0; acts && a < ARRAY_SIZE(action_names); a++)
            if (r->actions & action_names[a].bit)
                json_array_append_new(acts, json_string(action_names[a].name));
        if (!acts ||
            json_array_append_new(
                list, json_pack("{s:s, s:s, s:s, s:o, s:b, s:b, s:b}", "who", who_names[r->who],
                                "relationship", rel_names[r->rel], "resource", kind_names[r->kind],
                                "actions", acts, "students_only", r->students_only, "not_admins",
                                r->not_admins, "not_self", r->not_self)) < 0) {
            json_decref(list);
            return NULL;
        }
    }
    return list;
}

/* ---- who the caller is ---- */

static bool is_who(const struct principal *p, enum who w)
{
    unsigned s = p->scopes;
    bool xapi_all = (s & SCOPE_ALL) != 0;

    switch (w) {
    case WHO_STUDENT:
        return p->kind == PRINCIPAL_USER && (p->roles & ROLE_STUDENT);
    case WHO_GUARDIAN:
        return p->kind == PRINCIPAL_USER && (p->roles & ROLE_GUARDIAN);
    case WHO_TEACHER:
        return p->kind == PRINCIPAL_USER && (p->roles & ROLE_TEACHER);
    case WHO_COUNSELLOR:
        return p->kind == PRINCIPAL_USER && (p->roles & ROLE_COUNSELLOR);
    case WHO_SCHOOL_ADMIN:
        return p->kind == PRINCIPAL_USER && (p->roles & ROLE_SCHOOL_ADMIN);
    case WHO_DISTRICT_ADMIN:
        return p->kind == PRINCIPAL_USER && (p->roles & ROLE_DISTRICT_ADMIN);
    case WHO_PD_COORDINATOR:
        return p->kind == PRINCIPAL_USER && (p->roles & ROLE_PD_COORDINATOR);
    case WHO_COACH:
        return p->kind == PRINCIPAL_USER && (p->roles & ROLE_COACH);
    case WHO_PERSON:
        return p->kind == PRINCIPAL_USER;
    case WHO_CLIENT:
        return p->kind == PRINCIPAL_CLIENT;
    case WHO_ROSTER_READ:
        return p->kind == PRINCIPAL_CLIENT && (s & SCOPE_ROSTER_READ);
    case WHO_ROSTER_WRITE:
        return p->kind == PRINCIPAL_CLIENT && (s & SCOPE_ROSTER_WRITE);
    case WHO_STATEMENTS_WRITE:
        return p->kind == PRINCIPAL_CLIENT && ((s & SCOPE_STATEMENTS_WRITE) || xapi_all);
    case WHO_STATEMENTS_READ:
        return p->kind == PRINCIPAL_CLIENT && ((s & SCOPE_STATEMENTS_READ) || xapi_all);
    case WHO_STATEMENTS_READ_MINE:
        return p->kind == PRINCIPAL_CLIENT && (s & SCOPE_STATEMENTS_READ_MINE) &&
               !(s & SCOPE_STATEMENTS_READ) && !xapi_all;
    case WHO_STATE:
        return p->kind == PRINCIPAL_CLIENT && ((s & SCOPE_STATE) || xapi_all);
    case WHO_PROFILE:
        return p->kind == PRINCIPAL_CLIENT && ((s & SCOPE_PROFILE) || xapi_all);
    case WHO_OPERATOR:
        return p->kind == PRINCIPAL_OPERATOR;
    case WHO_SYSTEM:
        return p->kind == PRINCIPAL_SYSTEM;
    case WHO_N:
        break;
    }
    return false;
}

static unsigned who_role(enum who w)
{
    switch (w) {
    case WHO_STUDENT:
        return ROLE_STUDENT;
    case WHO_GUARDIAN:
        return ROLE_GUARDIAN;
    case WHO_TEACHER:
        return ROLE_TEACHER;
    case WHO_COUNSELLOR:
        return ROLE_COUNSELLOR;
    case WHO_SCHOOL_ADMIN:
        return ROLE_SCHOOL_ADMIN;
    case WHO_DISTRICT_ADMIN:
        return ROLE_DISTRICT_ADMIN;
    case WHO_PD_COORDINATOR:
        return ROLE_PD_COORDINATOR;
    case WHO_COACH:
        return ROLE_COACH;
    default:
        return 0;
    }
}

/* Does p hold one of roles at org (or district-wide)? */
static bool holds_at(const struct principal *p, unsigned roles, int64_t org_id)
{
    for (size_t i = 0; i < p->n_grants; i++)
        if ((p->grants[i].role & roles) && (p->grants[i].org_id == org_id || !p->grants[i].org_id))
            return true;
    return false;
}

/* ---- the facts about a record, resolved once per check ---- */

enum target { T_NONE, T_PERSON, T_CLASS, T_SCHOOL, T_DISTRICT };

struct facts {
    struct db *db;
    const struct principal *p;
    enum target target;
    int64_t id, district_id, day;
    /* a person */
    bool student;
    int64_t orgs[16];
    size_t n_orgs;
    bool orgs_read;
    int teaches, guardian;  /* -1: not yet known */
    int admin;              /* -1: not yet known */
    unsigned admin_refused; /* actions of rules that held, but not for an administrator */
    unsigned self_refused;  /* actions of rules that held, but not on the caller's own record */
    /* a class */
    int64_t school_id;
    int teaches_class, enrolled;
};

static enum target target_of(enum access_kind k, int64_t id)
{
    switch (k) {
    case RES_PERSON:
    case RES_MASTERY:
    case RES_CONNECTIVITY:
    case RES_CREDENTIALS:
        return T_PERSON;
    case RES_AUDIT:
        return id ? T_PERSON : T_DISTRICT; /* 0: the district's whole log */
    case RES_STATEMENTS:
    case RES_STATE:
        return id ? T_PERSON : T_DISTRICT;
    case RES_CLASS:
    case RES_CLASS_LEARNING:
    case RES_ASSIGNMENTS:
        return T_CLASS;
    case RES_SCHOOL:
    case RES_SCHOOL_STATS:
    case RES_SCHOOL_CONNECTIVITY:
    case RES_SCHOOL_EQUITY:
        return T_SCHOOL;
    case RES_DEVICES:
        return id ? T_SCHOOL : T_DISTRICT; /* 0: the district's whole inventory */
    case RES_DEVICE_HISTORY:
        return T_PERSON;
    default:
        return T_DISTRICT;
    }
}

static int org_cb(void *arg, int64_t org_id)
{
    struct facts *f = arg;
    if (f->n_orgs < ARRAY_SIZE(f->orgs))
        f->orgs[f->n_orgs++] = org_id;
    return 0;
}

/* Does the caller hold role at the record's school? 1, 0 or a negative errno. */
static int rel_school(struct facts *f, unsigned role)
{
    switch (f->target) {
    case T_PERSON:
        if (!f->orgs_read) {
            int r = store_person_orgs(f->db, f->district_id, f->id, org_cb, f);
            if (r < 0)
                return r;
            f->orgs_read = true;
        }
        for (size_t i = 0; i < f->n_orgs; i++)
            if (holds_at(f->p, role, f->orgs[i]))
                return 1;
        return 0;
    case T_CLASS:
        return holds_at(f->p, role, f->school_id);
    case T_SCHOOL:
        return holds_at(f->p, role, f->id);
    default:
        return 0;
    }
}

/* Does the record's person hold an administrator's role? 1, 0 or a negative errno. */
static int person_is_admin(struct facts *f)
{
    if (f->admin < 0) {
        int r = store_person_is_admin(f->db, f->district_id, f->id);
        if (r < 0)
            return r;
        f->admin = r > 0;
    }
    return f->admin;
}

static int rel_holds(struct facts *f, const struct rule *rule)
{
    const struct principal *p = f->p;
    int r;

    switch (rule->rel) {
    case REL_DISTRICT:
        return 1; /* the district was matched before any rule is looked at */
    case REL_SELF:
        return f->target == T_PERSON && p->user_id && p->user_id == f->id;
    case REL_OWN_CLIENT:
        return p->kind == PRINCIPAL_CLIENT;
    case REL_SCHOOL:
        return rel_school(f, who_role(rule->who));
    case REL_TEACHES:
        if (!p->user_id)
            return 0;
        if (f->target == T_PERSON) {
            if (f->teaches < 0) {
                r = store_teaches_student(f->db, f->district_id, p->user_id, f->id, f->day);
                if (r < 0)
                    return r;
                f->teaches = r > 0;
            }
            return f->teaches;
        }
        if (f->target == T_CLASS) {
            if (f->teaches_class < 0) {
                r = store_teaches_class(f->db, f->district_id, p->user_id, f->id, f->day);
                if (r < 0)
                    return r;
                f->teaches_class = r > 0;
            }
            return f->teaches_class;
        }
        return 0;
    case REL_ENROLLED:
        if (!p->user_id || f->target != T_CLASS)
            return 0;
        if (f->enrolled < 0) {
            r = store_enrolled_in_class(f->db, f->district_id, p->user_id, f->id, f->day);
            if (r < 0)
                return r;
            f->enrolled = r > 0;
        }
        return f->enrolled;
    case REL_GUARDIAN:
        if (!p->user_id || f->target != T_PERSON)
            return 0;
        if (f->guardian < 0) {
            r = store_guardian_of(f->db, f->district_id, p->user_id, f->id);
            if (r < 0)
                return r;
            f->guardian = r > 0;
        }
        return f->guardian;
    case REL_N:
        break;
    }
    return 0;
}

/* ---- the gate's state in a context ---- */

struct access_state {
    bool opened_read; /* the gate began the read transaction open on ctx->db */
    struct grant *grants;
    struct audit_pending *pending;
    int result;
    bool settled;
};

static struct access_state *state_of(struct ctx *c)
{
    if (!c->gate)
        c->gate = arena_calloc(c->arena, 1, sizeof(*c->gate));
    return c->gate;
}

void access_read_end(struct ctx *c)
{
    if (c->gate && c->gate->opened_read) {
        if (c->db)
            store_rollback(c->db);
        c->gate->opened_read = false;
    }
}

/* ---- refusals, coalesced ---- */

static void note_denial(struct ctx *c, const struct access_resource *res, unsigned action, int r);

static int deny(struct ctx *c, const struct access_resource *res, unsigned action, int r,
                const char *fmt, ...) PRINTF_FMT(5, 6);
static int deny(struct ctx *c, const struct access_resource *res, unsigned action, int r,
                const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err, sizeof(c->err), fmt, ap);
    va_end(ap);
    note_denial(c, res, action, r);
    return r;
}

static int storage(struct ctx *c, int r)
{
    return ctx_fail(c, r, "cannot check access: the database is not available");
}

/* An API client refused for its scopes: say which scopes would allow it, from the table. */
static int deny_scope(struct ctx *c, const struct access_resource *res, unsigned action)
{
    char need[200] = "";
    size_t off = 0;
    for (size_t i = 0; i < ARRAY_SIZE(policy) && off < sizeof(need); i++) {
        const char *w = who_names[policy[i].who];
        if (policy[i].kind != res->kind || !(policy[i].actions & action) ||
            strncmp(w, "client:", 7) != 0 || strstr(need, w + 7))
            continue;
        off += (size_t)snprintf(need + off, sizeof(need) - off, "%s%s", off ? ", " : "", w + 7);
    }
    return deny(c, res, action, -EACCES,
                "scope: this client's scopes do not allow it to %s %s%s%s%s",
                access_action_name(action), access_kind_name(res->kind),
                need[0] ? " (it needs one of: " : "", need, need[0] ? ", or all)" : "");
}

/* Find the record's district (and the facts every rule needs). */
static int resolve(struct facts *f, const struct access_resource *res)
{
    int r;

    switch (f->target) {
    case T_PERSON: {
        struct person_facts pf;
        r = store_person_facts(f->db, res->id, &pf);
        if (r < 0)
            return r;
        f->district_id = pf.district_id;
        f->student = strcmp(pf.role, "student") == 0;
        return 0;
    }
    case T_CLASS:
        if (f->p->kind == PRINCIPAL_USER && f->p->user_id && (f->p->roles & ROLE_TEACHER))
            /* a teacher: the class and whether they teach it, in one query */
            return store_class_facts_teacher(f->db, res->id, f->p->user_id, f->day, &f->district_id,
                                             &f->school_id, &f->teaches_class);
        return store_class_facts(f->db, res->id, &f->district_id, &f->school_id);
    case T_SCHOOL: {
        int64_t district;
        r = store_org_district(f->db, res->id, &district);
        if (r < 0)
            return r;
        f->district_id = district;
        return 0;
    }
    case T_DISTRICT:
        /* the kinds whose id is a district's name it; the others say it in district_id */
        f->district_id = (res->kind == RES_DISTRICT || res->kind == RES_CLIENTS ||
                          res->kind == RES_SETTINGS || res->kind == RES_DISTRICT_STATS) &&
                                 res->id
                             ? res->id
                             : res->district_id;
        if (!f->district_id)
            f->district_id = f->p->district_id;
        return 0;
    case T_NONE:
        break;
    }
    return -ENOENT;
}

/* What an audit entry names: "class:12", "statements:person:7", "statements:district" ... */
static const char *object_of(struct ctx *c, const struct access_resource *res)
{
    const char *k = res->kind > 0 && res->kind < RES_KIND_MAX ? kind_names[res->kind] : "?";
    bool of_person = res->kind == RES_STATEMENTS || res->kind == RES_STATE;
    if (res->id)
        return arena_printf(c->arena, "%s:%s%lld", k, of_person ? "person:" : "",
                            (long long)res->id);
    return arena_printf(c->arena, "%s:district", k);
}

static enum grant_audit audit_mode(const struct principal *p, unsigned action,
                                   enum access_kind kind, const struct facts *f)
{
    if (p->kind == PRINCIPAL_SYSTEM && (action & (ACT_READ | ACT_LIST | ACT_WRITE | ACT_ADMIN)))
        return GRANT_AUDIT_NONE; /* processing inside Trellis: nothing leaves */
    if (kind == RES_SCHOOL_STATS || kind == RES_DISTRICT_STATS || kind == RES_SCHOOL_EQUITY ||
        kind == RES_DISTRICT_EQUITY)
        return GRANT_AUDIT_AGGREGATE; /* counts with small cells hidden: no student's record */
    if ((action & ACT_EXPORT) && f->target == T_DISTRICT)
        return GRANT_AUDIT_COUNT;
    return GRANT_AUDIT_SUBJECTS;
}

static int check(struct ctx *c, enum access_action action, const struct access_resource *res,
                 struct grant **ret_grant);

int access_check(struct ctx *c, enum access_action action, const struct access_resource *res,
                 struct grant **ret_grant)
{
    return check(c, action, res, ret_grant);
}

int access_would_allow(struct ctx *c, enum access_action action, const struct access_resource *res)
{
    bool was = c->quiet;
    c->quiet = true;
    int r = check(c, action, res, NULL);
    c->quiet = was;
    return r;
}

static int check(struct ctx *c, enum access_action action, const struct access_resource *res,
                 struct grant **ret_grant)
{
    const struct principal *p = c->who;
    struct access_state *st;
    struct facts f;
    unsigned allowed = 0;
    bool opened = false;
    int r;

    if (!p)
        return deny(c, res, action, -EPERM, "log in first");
    if (res->district_id && p->district_id != res->district_id)
        return deny(c, res, action, -ENOENT, "not found");
    if (p->kind == PRINCIPAL_USER && p->enrol_only)
        return deny(c, res, action, -EACCES,
                    "second factor: this account must set up two-step verification first");
    /* the gate's state is made only for a grant: a plain check leaves nothing behind */
    st = ret_grant ? state_of(c) : NULL;
    if (ret_grant && !st)
        return ctx_fail(c, -ENOMEM, "out of memory");

    memset(&f, 0, sizeof(f));
    f.p = p;
    f.target = target_of(res->kind, res->id);
    f.id = res->id;
    f.day = c->now_ms / DAY_MS;
    f.teaches = f.guardian = f.teaches_class = f.enrolled = f.admin = -1;
    if (f.target != T_DISTRICT) {
        r = ctx_db(c, &f.db);
        if (r < 0)
            return r;
        if (!store_in_tx(f.db)) {
            r = store_begin_read(f.db);
            if (r < 0)
                return storage(c, r);
            opened = true;
            if (st)
                st->opened_read = true;
        }
    }
    r = resolve(&f, res);
    if (r == -ENOENT || (r == 0 && f.district_id != p->district_id)) {
        r = deny(c, res, action, -ENOENT, "not found");
        goto out;
    }
    if (r < 0) {
        r = storage(c, r);
        goto out;
    }
    for (size_t i = 0; i < ARRAY_SIZE(policy); i++) {
        const struct rule *rule = &policy[i];
        if (rule->kind != res->kind || !is_who(p, rule->who) ||
            (allowed & rule->actions) == rule->actions)
            continue;
        if (rule->students_only && !(f.target == T_PERSON && f.student))
            continue;
        if (rule->not_self && f.target == T_PERSON && p->user_id && p->user_id == f.id) {
            f.self_refused |= rule->actions;
            continue;
        }
        r = rel_holds(&f, rule);
        if (r > 0 && rule->not_admins) {
            r = f.target == T_PERSON ? person_is_admin(&f) : 1;
            if (r > 0)
                f.admin_refused |= rule->actions;
            r = r < 0 ? r : !r;
        }
        if (r < 0) {
            r = storage(c, r);
            goto out;
        }
        if (r > 0)
            allowed |= rule->actions;
    }
    if (!(allowed & action) && (f.admin_refused & action) && (allowed & (ACT_READ | ACT_LIST))) {
        r = deny(c, res, action, -EACCES,
                 "not allowed: an administrator's login is managed by the district's "
                 "administrators");
        goto out;
    }
    if (!(allowed & action) && (f.self_refused & action)) {
        r = deny(c, res, action, -EACCES,
                 "not allowed: no one awards or revokes their own credentials");
        goto out;
    }
    if (!(allowed & action)) {
        bool clientish = p->kind == PRINCIPAL_CLIENT &&
                         (f.target == T_DISTRICT || res->kind == RES_STATEMENTS ||
                          res->kind == RES_MASTERY || res->kind == RES_STATE ||
                          res->kind == RES_CLASS_LEARNING || (is_who(p, WHO_ROSTER_READ)));
        /* no scope gives assignments: a client is told so, not "not found" */
        clientish = clientish || (p->kind == PRINCIPAL_CLIENT && res->kind == RES_ASSIGNMENTS);
        if (allowed & (ACT_READ | ACT_LIST | ACT_READ_SEALED))
            r = deny(c, res, action, -EACCES, "not allowed: you may see this but not %s it",
                     access_action_name(action));
        else if (clientish)
            r = deny_scope(c, res, action);
        else
            r = deny(c, res, action, -ENOENT, "not found");
        goto out;
    }
    r = 0;
    if (ret_grant) {
        struct grant *g = arena_calloc(c->arena, 1, sizeof(*g));
        if (!g) {
            r = ctx_fail(c, -ENOMEM, "out of memory");
            goto out;
        }
        if (!f.db) {
            r = ctx_db(c, &f.db);
            if (r == 0 && !store_in_tx(f.db)) {
                r = store_begin_read(f.db);
                if (r == 0)
                    st->opened_read = opened = true;
            }
            if (r < 0) {
                r = storage(c, r);
                goto out;
            }
        }
        g->magic = GRANT_MAGIC;
        grant_bind(g, f.db);
        g->kind = res->kind;
        g->district_id = f.district_id;
        g->id = res->id;
        g->asked = action;
        g->actions = allowed;
        g->client_id = p->kind == PRINCIPAL_CLIENT && is_who(p, WHO_STATEMENTS_READ_MINE) &&
                               res->kind == RES_STATEMENTS
                           ? p->account_id
                           : 0;
        g->audit = audit_mode(p, action, res->kind, &f);
        g->self_id = p->kind == PRINCIPAL_USER ? p->user_id : 0;
        g->object = object_of(c, res);
        g->arena = c->arena;
        g->next = st->grants;
        st->grants = g;
        *ret_grant = g;
        return 0;
    }
out:
    /* a check without a grant reads nothing more: end the transaction it opened */
    if (opened && (r < 0 || !ret_grant)) {
        store_rollback(f.db);
        if (st)
            st->opened_read = false;
    }
    return r;
}

bool access_grant_allows(const struct grant *g, enum access_action action)
{
    return g && g->magic == GRANT_MAGIC && (g->actions & action);
}

int64_t access_grant_district(const struct grant *g)
{
    return g->district_id;
}

void access_grant_detail(struct grant *g, const char *detail)
{
    const char *copy = arena_strdup(g->arena, detail);
    if (copy)
        g->detail = copy;
}

/* ---- settling: the audit entries of what was read ---- */

bool access_pending(const struct ctx *c)
{
    if (!c->gate || c->gate->settled)
        return false;
    for (const struct grant *g = c->gate->grants; g; g = g->next)
        if (g->audit != GRANT_AUDIT_NONE && (g->n_subjects || g->records || g->err))
            return true;
    return false;
}

static const char *verb_of(unsigned action)
{
    if (action & ACT_EXPORT)
        return "export";
    if (action & ACT_LIST)
        return "list";
    if (action & ACT_CREDENTIALS)
        return "credentials";
    return "read";
}

/* The entries for ctx's grants (arena): 0 and *ret and *ret_n, or a negative errno. */
static int entries_of(struct ctx *c, struct audit_entry **ret, size_t *ret_n)
{
    size_t n = 0, i = 0;
    struct audit_entry *e;

    for (const struct grant *g = c->gate->grants; g; g = g->next) {
        if (g->err)
            return ctx_fail(c, g->err, "out of memory");
        if (g->audit != GRANT_AUDIT_NONE && (g->n_subjects || g->records))
            n++;
    }
    e = arena_calloc(c->arena, n ? n : 1, sizeof(*e));
    if (!e)
        return ctx_fail(c, -ENOMEM, "out of memory");
    /* oldest grant first, so the entries read in the order the request made them */
    for (const struct grant *g = c->gate->grants; g; g = g->next) {
        if (g->audit == GRANT_AUDIT_NONE || !(g->n_subjects || g->records))
            continue;
        struct audit_entry *x = &e[n - 1 - i++];
        x->district_id = g->district_id;
        x->action = verb_of(g->asked);
        x->object = g->object;
        if (g->audit == GRANT_AUDIT_AGGREGATE) {
            /* counts, no student named and none counted by the tripwire */
            x->detail =
                arena_printf(c->arena, "aggregates over %lld students%s%s", (long long)g->records,
                             g->detail ? "; " : "", g->detail ? g->detail : "");
            if (!x->detail)
                return ctx_fail(c, -ENOMEM, "out of memory");
        } else if (g->audit == GRANT_AUDIT_COUNT) {
            x->n_records = g->records;
            x->detail = arena_printf(c->arena, "%lld records%s%s%s", (long long)g->records,
                                     g->sealed_opened ? ", sealed fields unsealed" : "",
                                     g->detail ? "; " : "", g->detail ? g->detail : "");
        } else {
            x->subjects = g->subjects;
            x->n_subjects = g->n_subjects;
            x->detail = g->sealed_opened
                            ? arena_printf(c->arena, "%s%swith contact data",
                                           g->detail ? g->detail : "", g->detail ? ", " : "")
                            : g->detail;
        }
        if (!x->object || (g->audit == GRANT_AUDIT_COUNT && !x->detail))
            return ctx_fail(c, -ENOMEM, "out of memory");
    }
    *ret = e;
    *ret_n = n;
    return 0;
}

static void no_wake(void *arg)
{
    (void)arg;
}

void access_settle_submit(struct ctx *c, void (*wake)(void *arg), void *arg)
{
    struct access_state *st = state_of(c);
    struct audit_entry *e;
    size_t n;
    int r;

    access_read_end(c);
    if (!st) {
        wake(arg);
        return;
    }
    st->settled = true;
    st->pending = NULL;
    r = entries_of(c, &e, &n);
    if (r < 0 || n == 0) {
        st->result = r;
        wake(arg);
        return;
    }
    if (!c->purpose)
        c->purpose = "";
    audit_disclose_submit(c, e, n, wake ? wake : no_wake, arg, &st->pending);
}

int access_settle_result(struct ctx *c)
{
    struct access_state *st = c->gate;
    if (!st)
        return ctx_fail(c, -ENOMEM, "out of memory");
    if (st->result < 0)
        return st->result;
    if (!st->pending)
        return 0;
    return audit_disclose_result(c, st->pending);
}

int access_settle(struct ctx *c)
{
    struct audit_entry *e;
    size_t n;
    int r;

    access_read_end(c);
    if (!c->gate)
        return 0;
    c->gate->settled = true;
    r = entries_of(c, &e, &n);
    if (r < 0 || n == 0)
        return r;
    return audit_disclose(c, e, n);
}

void access_discard(struct ctx *c)
{
    access_read_end(c);
    if (c->gate)
        c->gate->settled = true;
}

int access_my_children(struct ctx *c, int (*fn)(void *arg, int64_t child), void *arg)
{
    const struct principal *p = c->who;
    struct db *db;
    bool opened = false;
    int r;

    if (!p || p->kind != PRINCIPAL_USER || !p->user_id || !(p->roles & ROLE_GUARDIAN))
        return 0;
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    if (!store_in_tx(db)) {
        r = store_begin_read(db);
        if (r < 0)
            return storage(c, r);
        opened = true;
    }
    r = store_children_of(db, p->district_id, p->user_id, fn, arg);
    if (opened)
        store_rollback(db);
    return r < 0 ? storage(c, r) : 0;
}

int access_my_schools(struct ctx *c, int (*fn)(void *arg, int64_t org_id), void *arg)
{
    const struct principal *p = c->who;
    struct db *db;
    bool opened = false;
    int r;

    if (!p || p->kind != PRINCIPAL_USER || !p->user_id)
        return 0;
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    if (!store_in_tx(db)) {
        r = store_begin_read(db);
        if (r < 0)
            return storage(c, r);
        opened = true;
    }
    r = store_person_orgs(db, p->district_id, p->user_id, fn, arg);
    if (opened)
        store_rollback(db);
    return r < 0 ? storage(c, r) : 0;
}

int access_statement_learner(struct ctx *c, const char *statement_id, int64_t *ret_user_id)
{
    struct access_state *st = state_of(c);
    struct db *db;
    int r;

    if (!c->who)
        return ctx_fail(c, -EPERM, "log in first");
    if (!st)
        return ctx_fail(c, -ENOMEM, "out of memory");
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    if (!store_in_tx(db)) {
        r = store_begin_read(db);
        if (r < 0)
            return storage(c, r);
        st->opened_read = true; /* the grant that follows reads in this transaction */
    }
    r = store_statement_learner(db, c->who->district_id, statement_id, ret_user_id);
    if (r < 0 && r != -ENOENT)
        return storage(c, r);
    return r;
}

/* ---- refusals, coalesced per principal and minute ---- */

#define DENIAL_IDS 20 /* records named per entry; the count says how many more */

struct denial {
    int64_t district_id, account_id, minute, count;
    enum principal_kind kind; /* 0: nobody logged in (keyed by address) */
    char name[96], addr[64];
    char asked[DENIAL_IDS][48];
    size_t n_asked;
    struct denial *next;
};

struct denials {
    struct store *store;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    bool stop, started;
    struct denial *list;
    size_t n;
};

static const char denials_key = 'D';

static struct denial *take_due(struct denials *d, int64_t minute, bool force)
{
    struct denial *due = NULL, **pp = &d->list;
    while (*pp) {
        struct denial *x = *pp;
        if (force || x->minute < minute) {
            *pp = x->next;
            x->next = due;
            due = x;
            d->n--;
        } else {
            pp = &x->next;
        }
    }
    return due;
}

/* Append one coalesced entry per bucket (in one group-commit unit); frees the buckets. */
static int write_denials(struct store *s, const struct config *cfg, struct denial *due)
{
    int written = 0, r = 0;

    while (due) {
        struct denial *x = due;
        struct arena arena = ARENA_INIT;
        struct principal who;
        struct ctx c;
        char detail[1200];
        size_t off;

        due = x->next;
        ctx_init(&c, s, cfg, &arena, x->minute * 60000, "-");
        memset(&who, 0, sizeof(who));
        who.kind = x->kind ? x->kind : PRINCIPAL_USER;
        who.district_id = x->district_id;
        who.account_id = x->account_id;
        who.name = x->name;
        c.who = x->kind ? &who : NULL;
        c.client_addr = x->addr;
        c.purpose = "access refused";
        off = (size_t)snprintf(detail, sizeof(detail),
                               "%lld refused in the minute from %s:", (long long)x->count, x->addr);
        for (size_t i = 0; i < x->n_asked && off < sizeof(detail); i++)
            off += (size_t)snprintf(detail + off, sizeof(detail) - off, " %s", x->asked[i]);
        if (x->count > (int64_t)x->n_asked && off < sizeof(detail))
            snprintf(detail + off, sizeof(detail) - off, " ...");
        struct audit_entry e = {.district_id = x->district_id,
                                .action = "denied",
                                .object = "access",
                                .outcome = "denied",
                                .detail = detail,
                                .actor_name = x->kind ? NULL : "anonymous"};
        r = audit_append_group(&c, &e);
        ctx_release(&c);
        arena_release(&arena);
        mem_free(x);
        if (r < 0) {
            while (due) {
                x = due->next;
                mem_free(due);
                due = x;
            }
            return r;
        }
        written++;
    }
    return written;
}

static void *denials_main(void *arg)
{
    struct denials *d = arg;
    pthread_mutex_lock(&d->mu);
    while (!d->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 5;
        pthread_cond_timedwait(&d->cv, &d->mu, &until);
        struct denial *due = take_due(d, time_now_ms() / 60000, d->stop);
        pthread_mutex_unlock(&d->mu);
        if (due) {
            int r = write_denials(d->store, NULL, due);
            if (r < 0)
                log_kv(LOG_WARN, "event=audit_denials error=%d", r);
        }
        pthread_mutex_lock(&d->mu);
    }
    struct denial *rest = take_due(d, 0, true);
    pthread_mutex_unlock(&d->mu);
    if (rest && write_denials(d->store, NULL, rest) < 0)
        log_kv(LOG_WARN, "event=audit_denials error=write");
    return NULL;
}

static int denials_create(struct store *s, void **ret)
{
    struct denials *d = mem_calloc(1, sizeof(*d));
    if (!d)
        return -ENOMEM;
    d->store = s;
    pthread_mutex_init(&d->mu, NULL);
    pthread_cond_init(&d->cv, NULL);
    if (pthread_create(&d->thread, NULL, denials_main, d) != 0) {
        pthread_mutex_destroy(&d->mu);
        pthread_cond_destroy(&d->cv);
        mem_free(d);
        return -EAGAIN;
    }
    d->started = true;
    *ret = d;
    return 0;
}

static void denials_destroy(void *svc)
{
    struct denials *d = svc;
    pthread_mutex_lock(&d->mu);
    d->stop = true;
    pthread_cond_signal(&d->cv);
    pthread_mutex_unlock(&d->mu);
    pthread_join(d->thread, NULL);
    /* the thread flushed everything on its way out */
    pthread_mutex_destroy(&d->mu);
    pthread_cond_destroy(&d->cv);
    mem_free(d);
}

static void note_denial(struct ctx *c, const struct access_resource *res, unsigned action, int r)
{
    const struct principal *p = c->who;
    void *svc;
    struct denials *d;
    int64_t minute = c->now_ms / 60000;
    const char *addr = c->client_addr ? c->client_addr : "-";
    char asked[48];

    if (!c->store || c->quiet || (p && p->kind == PRINCIPAL_SYSTEM))
        return;
    /* the audit writer before this service, so it is closed after this one flushes into it */
    if (audit_ready(c->store) < 0 ||
        store_service(c->store, &denials_key, denials_create, denials_destroy, &svc) < 0)
        return; /* the refusal stands; only its record is lost (logged below) */
    d = svc;
    snprintf(asked, sizeof(asked), "%s:%s:%lld%s", access_action_name(action),
             res->kind > 0 && res->kind < RES_KIND_MAX ? kind_names[res->kind] : "?",
             (long long)res->id, r == -EPERM ? "(anonymous)" : "");
    pthread_mutex_lock(&d->mu);
    struct denial *x = d->list;
    for (; x; x = x->next) {
        bool same = p ? x->kind == p->kind && x->account_id == p->account_id &&
                            x->district_id == p->district_id
                      : x->kind == 0 && strcmp(x->addr, addr) == 0;
        if (same && x->minute == minute)
            break;
    }
    if (!x && d->n < 10000) {
        x = mem_calloc(1, sizeof(*x));
        if (x) {
            x->minute = minute;
            x->kind = p ? p->kind : 0;
            x->district_id = p ? p->district_id : 0;
            x->account_id = p ? p->account_id : 0;
            snprintf(x->name, sizeof(x->name), "%s", p && p->name ? p->name : "anonymous");
            snprintf(x->addr, sizeof(x->addr), "%s", addr);
            x->next = d->list;
            d->list = x;
            d->n++;
        }
    }
    if (x) {
        x->count++;
        bool seen = false;
        for (size_t i = 0; i < x->n_asked; i++)
            if (strcmp(x->asked[i], asked) == 0)
                seen = true;
        if (!seen && x->n_asked < DENIAL_IDS)
            snprintf(x->asked[x->n_asked++], sizeof(x->asked[0]), "%s", asked);
    }
    pthread_mutex_unlock(&d->mu);
    if (!x)
        log_kv(LOG_WARN, "event=access_denied_unrecorded reason=too_many_buckets");
}

int access_flush_denials(struct ctx *c, bool force)
{
    void *svc;
    struct denials *d;
    struct denial *due;
    int r = audit_ready(c->store);
    if (r == 0)
        r = store_service(c->store, &denials_key, denials_create, denials_destroy, &svc);
    if (r < 0)
        return r;
    d = svc;
    pthread_mutex_lock(&d->mu);
    due = take_due(d, c->now_ms / 60000, force);
    pthread_mutex_unlock(&d->mu);
    return due ? write_denials(c->store, c->cfg, due) : 0;
}

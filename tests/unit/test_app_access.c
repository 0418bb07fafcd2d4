/*
 * app/access: the whole policy as a table, every principal x resource x action,
 * denials included, against a fixture district imported through the real
 * roster import (OneRoster 1.2 CSV in memory) into a temporary database.
 *
 * The fixture is app_fixture.h.
 */
#include "test.h"

#include "app/access.h"
#include "app/audit.h"
#include "app/principal.h"
#include "store/store_roster.h"

#include "app_fixture.h"

/* ---- principals ---- */

enum {
    P_NOBODY,
    P_STUDENT,
    P_GUARDIAN,
    P_TEACHER,
    P_COUNSELLOR,
    P_SCHOOL_ADMIN,
    P_DISTRICT_ADMIN,
    P_ENROL_ONLY,
    P_CLIENT_ROSTER,
    P_CLIENT_XAPI,
    P_CLIENT_MINE,
    P_CLIENT_READ,
    P_OPERATOR,
    P_OTHER_DISTRICT,
    P_N
};
static const char *const pname[P_N] = {"nobody",
                                       "student a",
                                       "guardian g",
                                       "teacher t1",
                                       "counsellor k",
                                       "school admin m",
                                       "district admin z",
                                       "admin enrolling",
                                       "client roster/read",
                                       "client statements/write",
                                       "client statements/read/mine",
                                       "client statements/read",
                                       "operator",
                                       "student x (district 2)"};

static struct principal_grant grants[P_N][1];

static const struct principal *principal(int which, struct principal *p)
{
    memset(p, 0, sizeof(*p));
    p->kind = PRINCIPAL_USER;
    p->district_id = F.d1;
    p->mfa_enrolled = true;
    switch (which) {
    case P_NOBODY:
        return NULL;
    case P_STUDENT:
        p->user_id = U('a');
        p->roles = ROLE_STUDENT;
        grants[which][0] = (struct principal_grant){ROLE_STUDENT, F.s1};
        break;
    case P_GUARDIAN:
        p->user_id = U('g');
        p->roles = ROLE_GUARDIAN;
        grants[which][0] = (struct principal_grant){ROLE_GUARDIAN, F.s1};
        break;
    case P_TEACHER:
        p->user_id = U('t');
        p->roles = ROLE_TEACHER;
        grants[which][0] = (struct principal_grant){ROLE_TEACHER, F.s1};
        break;
    case P_COUNSELLOR:
        p->user_id = U('k');
        p->roles = ROLE_COUNSELLOR;
        grants[which][0] = (struct principal_grant){ROLE_COUNSELLOR, F.s1};
        break;
    case P_SCHOOL_ADMIN:
    case P_ENROL_ONLY:
        p->user_id = U('m');
        p->roles = ROLE_SCHOOL_ADMIN;
        grants[which][0] = (struct principal_grant){ROLE_SCHOOL_ADMIN, F.s1};
        p->enrol_only = which == P_ENROL_ONLY;
        break;
    case P_DISTRICT_ADMIN:
        p->user_id = U('z');
        p->roles = ROLE_DISTRICT_ADMIN;
        grants[which][0] = (struct principal_grant){ROLE_DISTRICT_ADMIN, 0};
        break;
    case P_CLIENT_ROSTER:
        p->kind = PRINCIPAL_CLIENT;
        p->scopes = SCOPE_ROSTER_READ;
        return p;
    case P_CLIENT_XAPI:
        p->kind = PRINCIPAL_CLIENT;
        p->scopes = SCOPE_STATEMENTS_WRITE;
        return p;
    case P_CLIENT_MINE:
        p->kind = PRINCIPAL_CLIENT;
        p->account_id = 7;
        p->scopes = SCOPE_STATEMENTS_READ_MINE;
        return p;
    case P_CLIENT_READ:
        p->kind = PRINCIPAL_CLIENT;
        p->scopes = SCOPE_STATEMENTS_READ;
        return p;
    case P_OPERATOR:
        principal_operator(p, F.d1, "test");
        return p;
    case P_OTHER_DISTRICT:
        p->district_id = F.d2;
        p->user_id = U('x');
        p->roles = ROLE_STUDENT;
        grants[which][0] = (struct principal_grant){ROLE_STUDENT, 0};
        break;
    }
    p->grants = grants[which];
    p->n_grants = 1;
    return p;
}

/* ---- resources ---- */

enum {
    R_PERSON_A,
    R_PERSON_B,
    R_PERSON_C,
    R_PERSON_D,
    R_PERSON_G,
    R_PERSON_T2,
    R_PERSON_X,
    R_CLASS_1,
    R_CLASS_2,
    R_CLASS_3,
    R_SCHOOL_1,
    R_SCHOOL_2,
    R_DISTRICT_1,
    R_STATEMENTS_A,
    R_STATEMENTS_C,
    R_MASTERY_A,
    R_AUDIT_A,
    R_LEARNING_1,
    R_LEARNING_2,
    R_LEARNING_3,
    R_ASSIGN_1,
    R_ASSIGN_2,
    R_ASSIGN_3,
    R_PERSON_M,
    R_AUDIT_DISTRICT,
    R_CLIENTS_1,
    R_SETTINGS_1,
    R_SCHOOL_STATS_1,
    R_SCHOOL_STATS_2,
    R_DISTRICT_STATS_1,
    R_N
};
static const char *const rname[R_N] = {"person a (t1's student now, g's child, s1)",
                                       "person b (a's classmate)",
                                       "person c (s2)",
                                       "person d (t1's student last year, s1)",
                                       "person g (guardian)",
                                       "person t2 (teacher, s2)",
                                       "person x (district 2)",
                                       "class c1 (t1, now)",
                                       "class c2 (s2)",
                                       "class c3 (t1, last year)",
                                       "school s1",
                                       "school s2",
                                       "district d1",
                                       "statements of a",
                                       "statements of c",
                                       "mastery of a",
                                       "record of access to a",
                                       "learning of class c1 (t1, now)",
                                       "learning of class c2 (s2)",
                                       "learning of class c3 (t1, last year)",
                                       "assignments of class c1",
                                       "assignments of class c2",
                                       "assignments of class c3",
                                       "person m (school admin, s1)",
                                       "the district's audit log",
                                       "the district's API clients",
                                       "the server's settings",
                                       "aggregates of school s1",
                                       "aggregates of school s2",
                                       "aggregates of district d1"};

static struct access_resource resource(int which)
{
    struct access_resource r = {RES_PERSON, F.d1, 0};
    switch (which) {
    case R_PERSON_A:
        r.id = U('a');
        break;
    case R_PERSON_B:
        r.id = U('b');
        break;
    case R_PERSON_C:
        r.id = U('c');
        break;
    case R_PERSON_D:
        r.id = U('d');
        break;
    case R_PERSON_G:
        r.id = U('g');
        break;
    case R_PERSON_T2:
        r.id = U('u');
        break;
    case R_PERSON_X:
        r.id = U('x');
        r.district_id = F.d2;
        break;
    case R_CLASS_1:
    case R_CLASS_2:
    case R_CLASS_3:
        r.kind = RES_CLASS;
        r.id = which == R_CLASS_1 ? F.c1 : which == R_CLASS_2 ? F.c2 : F.c3;
        break;
    case R_SCHOOL_1:
    case R_SCHOOL_2:
        r.kind = RES_SCHOOL;
        r.id = which == R_SCHOOL_1 ? F.s1 : F.s2;
        break;
    case R_DISTRICT_1:
        r.kind = RES_DISTRICT;
        r.id = F.d1;
        break;
    case R_STATEMENTS_A:
    case R_STATEMENTS_C:
        r.kind = RES_STATEMENTS;
        r.id = which == R_STATEMENTS_A ? U('a') : U('c');
        break;
    case R_MASTERY_A:
        r.kind = RES_MASTERY;
        r.id = U('a');
        break;
    case R_AUDIT_A:
        r.kind = RES_AUDIT;
        r.id = U('a');
        break;
    case R_LEARNING_1:
    case R_LEARNING_2:
    case R_LEARNING_3:
        r.kind = RES_CLASS_LEARNING;
        r.id = which == R_LEARNING_1 ? F.c1 : which == R_LEARNING_2 ? F.c2 : F.c3;
        break;
    case R_ASSIGN_1:
    case R_ASSIGN_2:
    case R_ASSIGN_3:
        r.kind = RES_ASSIGNMENTS;
        r.id = which == R_ASSIGN_1 ? F.c1 : which == R_ASSIGN_2 ? F.c2 : F.c3;
        break;
    case R_PERSON_M:
        r.id = U('m');
        break;
    case R_AUDIT_DISTRICT:
        r.kind = RES_AUDIT;
        break;
    case R_CLIENTS_1:
        r.kind = RES_CLIENTS;
        r.id = F.d1;
        break;
    case R_SETTINGS_1:
        r.kind = RES_SETTINGS;
        r.id = F.d1;
        break;
    case R_SCHOOL_STATS_1:
    case R_SCHOOL_STATS_2:
        r.kind = RES_SCHOOL_STATS;
        r.id = which == R_SCHOOL_STATS_1 ? F.s1 : F.s2;
        break;
    case R_DISTRICT_STATS_1:
        r.kind = RES_DISTRICT_STATS;
        r.id = F.d1;
        break;
    }
    return r;
}

/* ---- the table ---- */

static const enum access_action actions[] = {ACT_READ,  ACT_LIST,        ACT_WRITE,      ACT_EXPORT,
                                             ACT_ADMIN, ACT_CREDENTIALS, ACT_READ_SEALED};
static const char *const aname[] = {"read",  "list",        "write",      "export",
                                    "admin", "credentials", "read_sealed"};

/*
 * One string per principal and resource: the answer to each action in the
 * order of actions[]: '+' allowed, 'N' -ENOENT (not seen), 'A' -EACCES
 * (seen, not allowed), 'P' -EPERM (log in first).
 */
struct row {
    int p, r;
    const char *want;
};

#define ALL(p, s)                                                                                  \
    {p, R_PERSON_A, s}, {p, R_PERSON_B, s}, {p, R_PERSON_C, s}, {p, R_PERSON_D, s},                \
        {p, R_PERSON_G, s}, {p, R_PERSON_T2, s}, {p, R_PERSON_X, s}, {p, R_CLASS_1, s},            \
        {p, R_CLASS_2, s}, {p, R_CLASS_3, s}, {p, R_SCHOOL_1, s}, {p, R_SCHOOL_2, s},              \
        {p, R_DISTRICT_1, s}, {p, R_STATEMENTS_A, s}, {p, R_STATEMENTS_C, s}, {p, R_MASTERY_A, s}, \
        {p, R_AUDIT_A, s}, {p, R_LEARNING_1, s}, {p, R_LEARNING_2, s}, {p, R_LEARNING_3, s},       \
        {p, R_ASSIGN_1, s}, {p, R_ASSIGN_2, s}, {p, R_ASSIGN_3, s}, {p, R_PERSON_M, s},            \
        {p, R_AUDIT_DISTRICT, s}, {p, R_CLIENTS_1, s},                                             \
    {                                                                                              \
        p, R_SETTINGS_1, s                                                                         \
    }

static const struct row table[] = {
    ALL(P_NOBODY, "PPPPPPP"),

    {P_STUDENT, R_PERSON_A, "+AAAAA+"}, /* oneself: read, with contact data */
    {P_STUDENT, R_PERSON_B, "NNNNNNN"}, /* a classmate is not seen */
    {P_STUDENT, R_PERSON_C, "NNNNNNN"},
    {P_STUDENT, R_PERSON_D, "NNNNNNN"},
    {P_STUDENT, R_PERSON_G, "NNNNNNN"},
    {P_STUDENT, R_PERSON_T2, "NNNNNNN"},
    {P_STUDENT, R_PERSON_X, "NNNNNNN"},
    {P_STUDENT, R_CLASS_1, "+AAAAAA"}, /* their class, not its roster */
    {P_STUDENT, R_CLASS_2, "NNNNNNN"},
    {P_STUDENT, R_CLASS_3, "NNNNNNN"},
    {P_STUDENT, R_SCHOOL_1, "NNNNNNN"},
    {P_STUDENT, R_SCHOOL_2, "NNNNNNN"},
    {P_STUDENT, R_DISTRICT_1, "+AAAAAA"},
    {P_STUDENT, R_STATEMENTS_A, "+++AAA+"}, /* their own learning records */
    {P_STUDENT, R_STATEMENTS_C, "NNNNNNN"},
    {P_STUDENT, R_MASTERY_A, "+AAAAAA"}, /* their own progress */
    {P_STUDENT, R_AUDIT_A, "NNNNNNN"},
    {P_STUDENT, R_LEARNING_1, "NNNNNNN"}, /* their class's teacher views are not theirs */
    {P_STUDENT, R_LEARNING_2, "NNNNNNN"},
    {P_STUDENT, R_LEARNING_3, "NNNNNNN"},
    {P_STUDENT, R_ASSIGN_1, "NNNNNNN"}, /* their class's assignments: only their own, as a record */
    {P_STUDENT, R_ASSIGN_2, "NNNNNNN"},
    {P_STUDENT, R_ASSIGN_3, "NNNNNNN"},
    {P_STUDENT, R_PERSON_M, "NNNNNNN"},
    {P_STUDENT, R_AUDIT_DISTRICT, "NNNNNNN"},
    {P_STUDENT, R_CLIENTS_1, "NNNNNNN"},
    {P_STUDENT, R_SETTINGS_1, "NNNNNNN"},

    {P_GUARDIAN, R_PERSON_A, "+AAAAA+"}, /* their child */
    {P_GUARDIAN, R_PERSON_B, "NNNNNNN"}, /* another child */
    {P_GUARDIAN, R_PERSON_C, "NNNNNNN"},
    {P_GUARDIAN, R_PERSON_D, "NNNNNNN"},
    {P_GUARDIAN, R_PERSON_G, "+AAAAA+"}, /* themself */
    {P_GUARDIAN, R_PERSON_T2, "NNNNNNN"},
    {P_GUARDIAN, R_PERSON_X, "NNNNNNN"},
    {P_GUARDIAN, R_CLASS_1, "NNNNNNN"},
    {P_GUARDIAN, R_CLASS_2, "NNNNNNN"},
    {P_GUARDIAN, R_CLASS_3, "NNNNNNN"},
    {P_GUARDIAN, R_SCHOOL_1, "NNNNNNN"},
    {P_GUARDIAN, R_SCHOOL_2, "NNNNNNN"},
    {P_GUARDIAN, R_DISTRICT_1, "+AAAAAA"},
    {P_GUARDIAN, R_STATEMENTS_A, "++AAAA+"},
    {P_GUARDIAN, R_STATEMENTS_C, "NNNNNNN"},
    {P_GUARDIAN, R_MASTERY_A, "+AAAAAA"},
    {P_GUARDIAN, R_AUDIT_A, "+AAAAAA"},    /* who has seen their child's records (99.32(c)) */
    {P_GUARDIAN, R_LEARNING_1, "NNNNNNN"}, /* their child's class: not the class */
    {P_GUARDIAN, R_LEARNING_2, "NNNNNNN"},
    {P_GUARDIAN, R_LEARNING_3, "NNNNNNN"},
    {P_GUARDIAN, R_ASSIGN_1, "NNNNNNN"},
    {P_GUARDIAN, R_ASSIGN_2, "NNNNNNN"},
    {P_GUARDIAN, R_ASSIGN_3, "NNNNNNN"},
    {P_GUARDIAN, R_PERSON_M, "NNNNNNN"},
    {P_GUARDIAN, R_AUDIT_DISTRICT, "NNNNNNN"},
    {P_GUARDIAN, R_CLIENTS_1, "NNNNNNN"},
    {P_GUARDIAN, R_SETTINGS_1, "NNNNNNN"},

    {P_TEACHER, R_PERSON_A, "++AAAAA"}, /* a student in a class they teach now; no contact data */
    {P_TEACHER, R_PERSON_B, "++AAAAA"},
    {P_TEACHER, R_PERSON_C, "NNNNNNN"}, /* another school's student */
    {P_TEACHER, R_PERSON_D, "NNNNNNN"}, /* last year's student */
    {P_TEACHER, R_PERSON_G, "NNNNNNN"}, /* a guardian */
    {P_TEACHER, R_PERSON_T2, "NNNNNNN"},
    {P_TEACHER, R_PERSON_X, "NNNNNNN"},
    {P_TEACHER, R_CLASS_1, "+++AA++"}, /* their class now; cards; no admin */
    {P_TEACHER, R_CLASS_2, "NNNNNNN"},
    {P_TEACHER, R_CLASS_3, "NNNNNNN"}, /* last year's class */
    {P_TEACHER, R_SCHOOL_1, "+AAAAAA"},
    {P_TEACHER, R_SCHOOL_2, "NNNNNNN"},
    {P_TEACHER, R_DISTRICT_1, "+AAAAAA"},
    {P_TEACHER, R_STATEMENTS_A, "+++AAAA"}, /* read, and feedback on the work */
    {P_TEACHER, R_STATEMENTS_C, "NNNNNNN"},
    {P_TEACHER, R_MASTERY_A, "++AAAAA"},
    {P_TEACHER, R_AUDIT_A, "NNNNNNN"},
    {P_TEACHER, R_LEARNING_1, "++A+AAA"}, /* the teacher views of their class, and its export */
    {P_TEACHER, R_LEARNING_2, "NNNNNNN"},
    {P_TEACHER, R_LEARNING_3, "NNNNNNN"}, /* last year's class */
    {P_TEACHER, R_ASSIGN_1, "+++AAAA"},   /* their class now: assign, change, follow */
    {P_TEACHER, R_ASSIGN_2, "NNNNNNN"},
    {P_TEACHER, R_ASSIGN_3, "NNNNNNN"}, /* last year's class */
    {P_TEACHER, R_PERSON_M, "NNNNNNN"},
    {P_TEACHER, R_AUDIT_DISTRICT, "NNNNNNN"},
    {P_TEACHER, R_CLIENTS_1, "NNNNNNN"},
    {P_TEACHER, R_SETTINGS_1, "NNNNNNN"},

    {P_COUNSELLOR, R_PERSON_A, "++AAAA+"}, /* their school's students: read only */
    {P_COUNSELLOR, R_PERSON_B, "++AAAA+"},
    {P_COUNSELLOR, R_PERSON_C, "NNNNNNN"},
    {P_COUNSELLOR, R_PERSON_D, "++AAAA+"},
    {P_COUNSELLOR, R_PERSON_G, "NNNNNNN"}, /* not a student */
    {P_COUNSELLOR, R_PERSON_T2, "NNNNNNN"},
    {P_COUNSELLOR, R_PERSON_X, "NNNNNNN"},
    {P_COUNSELLOR, R_CLASS_1, "++AAAA+"},
    {P_COUNSELLOR, R_CLASS_2, "NNNNNNN"},
    {P_COUNSELLOR, R_CLASS_3, "++AAAA+"},
    {P_COUNSELLOR, R_SCHOOL_1, "++AAAA+"},
    {P_COUNSELLOR, R_SCHOOL_2, "NNNNNNN"},
    {P_COUNSELLOR, R_DISTRICT_1, "+AAAAAA"},
    {P_COUNSELLOR, R_STATEMENTS_A, "++AAAA+"},
    {P_COUNSELLOR, R_STATEMENTS_C, "NNNNNNN"},
    {P_COUNSELLOR, R_MASTERY_A, "++AAAAA"},
    {P_COUNSELLOR, R_AUDIT_A, "NNNNNNN"},
    {P_COUNSELLOR, R_LEARNING_1, "++AAAAA"},
    {P_COUNSELLOR, R_LEARNING_2, "NNNNNNN"},
    {P_COUNSELLOR, R_LEARNING_3, "++AAAAA"},
    {P_COUNSELLOR, R_ASSIGN_1, "++AAAAA"},
    {P_COUNSELLOR, R_ASSIGN_2, "NNNNNNN"},
    {P_COUNSELLOR, R_ASSIGN_3, "++AAAAA"},
    {P_COUNSELLOR, R_PERSON_M, "NNNNNNN"},
    {P_COUNSELLOR, R_AUDIT_DISTRICT, "NNNNNNN"},
    {P_COUNSELLOR, R_CLIENTS_1, "NNNNNNN"},
    {P_COUNSELLOR, R_SETTINGS_1, "NNNNNNN"},

    {P_SCHOOL_ADMIN, R_PERSON_A, "++++A++"}, /* everyone of their school */
    {P_SCHOOL_ADMIN, R_PERSON_B, "++++A++"},
    {P_SCHOOL_ADMIN, R_PERSON_C, "NNNNNNN"},
    {P_SCHOOL_ADMIN, R_PERSON_D, "++++A++"},
    {P_SCHOOL_ADMIN, R_PERSON_G, "++++A++"},
    {P_SCHOOL_ADMIN, R_PERSON_T2, "NNNNNNN"},
    {P_SCHOOL_ADMIN, R_PERSON_X, "NNNNNNN"},
    {P_SCHOOL_ADMIN, R_CLASS_1, "++++A++"},
    {P_SCHOOL_ADMIN, R_CLASS_2, "NNNNNNN"},
    {P_SCHOOL_ADMIN, R_CLASS_3, "++++A++"},
    {P_SCHOOL_ADMIN, R_SCHOOL_1, "++++A++"},
    {P_SCHOOL_ADMIN, R_SCHOOL_2, "NNNNNNN"},
    {P_SCHOOL_ADMIN, R_DISTRICT_1, "+AAAAAA"},
    {P_SCHOOL_ADMIN, R_STATEMENTS_A, "++++A++"},
    {P_SCHOOL_ADMIN, R_STATEMENTS_C, "NNNNNNN"},
    {P_SCHOOL_ADMIN, R_MASTERY_A, "++A+AAA"},
    {P_SCHOOL_ADMIN, R_AUDIT_A, "+AAAAAA"}, /* who saw their students' records */
    {P_SCHOOL_ADMIN, R_LEARNING_1, "++A+AAA"},
    {P_SCHOOL_ADMIN, R_LEARNING_2, "NNNNNNN"},
    {P_SCHOOL_ADMIN, R_LEARNING_3, "++A+AAA"},
    {P_SCHOOL_ADMIN, R_AUDIT_A, "+AAAAAA"},  /* who saw their students' records */
    {P_SCHOOL_ADMIN, R_ASSIGN_1, "++AAAAA"}, /* see them; the teachers assign */
    {P_SCHOOL_ADMIN, R_ASSIGN_2, "NNNNNNN"},
    {P_SCHOOL_ADMIN, R_ASSIGN_3, "++AAAAA"},
    /* an administrator's login is the district's to manage, even their own (they change their
       own password on their account page, without this rule) */
    {P_SCHOOL_ADMIN, R_PERSON_M, "++++AA+"},
    {P_SCHOOL_ADMIN, R_AUDIT_DISTRICT, "NNNNNNN"}, /* the district's whole log */
    {P_SCHOOL_ADMIN, R_CLIENTS_1, "NNNNNNN"},
    {P_SCHOOL_ADMIN, R_SETTINGS_1, "NNNNNNN"},

    ALL(P_DISTRICT_ADMIN, "+++++++"), /* overwritten for person x and the settings below */
    ALL(P_ENROL_ONLY, "AAAAAAA"),
    ALL(P_OPERATOR, "+++++++"),

    {P_CLIENT_ROSTER, R_PERSON_A, "++A+AA+"},
    {P_CLIENT_ROSTER, R_PERSON_C, "++A+AA+"},
    {P_CLIENT_ROSTER, R_CLASS_1, "++A+AA+"},
    {P_CLIENT_ROSTER, R_SCHOOL_2, "++A+AA+"},
    {P_CLIENT_ROSTER, R_DISTRICT_1, "++A+AA+"},
    {P_CLIENT_ROSTER, R_STATEMENTS_A, "AAAAAAA"},
    {P_CLIENT_ROSTER, R_PERSON_X, "NNNNNNN"},
    {P_CLIENT_XAPI, R_STATEMENTS_A, "AA+AAAA"},
    {P_CLIENT_XAPI, R_PERSON_A, "NNNNNNN"},
    {P_CLIENT_XAPI, R_DISTRICT_1, "+AAAAAA"},
    {P_CLIENT_XAPI, R_MASTERY_A, "AAAAAAA"},
    {P_CLIENT_ROSTER, R_MASTERY_A, "AAAAAAA"},
    /* statements/read/mine reads its own statements, never what is derived from everyone's */
    {P_CLIENT_MINE, R_STATEMENTS_A, "++AAAA+"},
    {P_CLIENT_MINE, R_MASTERY_A, "AAAAAAA"},
    {P_CLIENT_MINE, R_PERSON_A, "NNNNNNN"},
    {P_CLIENT_READ, R_STATEMENTS_A, "++A+AA+"},
    {P_CLIENT_READ, R_MASTERY_A, "++AAAAA"},
    {P_CLIENT_READ, R_AUDIT_A, "NNNNNNN"},
    {P_CLIENT_READ, R_LEARNING_2, "++AAAAA"}, /* derived from the statements it may read */
    {P_CLIENT_ROSTER, R_LEARNING_1, "AAAAAAA"},
    {P_CLIENT_XAPI, R_LEARNING_1, "AAAAAAA"},
    {P_CLIENT_MINE, R_LEARNING_1, "AAAAAAA"},
    /* assignments are for the people of the district, not for API clients */
    {P_CLIENT_READ, R_ASSIGN_1, "AAAAAAA"},
    {P_CLIENT_ROSTER, R_ASSIGN_1, "AAAAAAA"},
    /* clients never manage clients, read the district's log or the settings: their scopes say so */
    {P_CLIENT_ROSTER, R_CLIENTS_1, "AAAAAAA"},
    {P_CLIENT_ROSTER, R_AUDIT_DISTRICT, "AAAAAAA"},
    {P_CLIENT_READ, R_SETTINGS_1, "AAAAAAA"},

    ALL(P_OTHER_DISTRICT, "NNNNNNN"), /* nothing of district 1 ... */

/* aggregates (small cells suppressed): administrators and counsellors of the school */
#define STATS(p, s1, s2, d)                               \
    {p, R_SCHOOL_STATS_1, s1}, {p, R_SCHOOL_STATS_2, s2}, \
    {                                                     \
        p, R_DISTRICT_STATS_1, d                          \
    }
    STATS(P_NOBODY, "PPPPPPP", "PPPPPPP", "PPPPPPP"),
    STATS(P_STUDENT, "NNNNNNN", "NNNNNNN", "NNNNNNN"),
    STATS(P_GUARDIAN, "NNNNNNN", "NNNNNNN", "NNNNNNN"),
    STATS(P_TEACHER, "NNNNNNN", "NNNNNNN", "NNNNNNN"), /* a teacher reads the school, not this */
    STATS(P_COUNSELLOR, "+AAAAAA", "NNNNNNN", "NNNNNNN"),
    STATS(P_SCHOOL_ADMIN, "+AAAAAA", "NNNNNNN", "NNNNNNN"),
    STATS(P_DISTRICT_ADMIN, "+AAAAAA", "+AAAAAA", "+AAAAAA"),
    STATS(P_ENROL_ONLY, "AAAAAAA", "AAAAAAA", "AAAAAAA"),
    STATS(P_OPERATOR, "+AAAAAA", "+AAAAAA", "+AAAAAA"),
    STATS(P_CLIENT_ROSTER, "AAAAAAA", "AAAAAAA", "AAAAAAA"), /* needs statements/read */
    STATS(P_CLIENT_XAPI, "NNNNNNN", "NNNNNNN", "AAAAAAA"),
    STATS(P_CLIENT_MINE, "NNNNNNN", "NNNNNNN", "AAAAAAA"),
    STATS(P_CLIENT_READ, "+AAAAAA", "+AAAAAA", "+AAAAAA"),
    STATS(P_OTHER_DISTRICT, "NNNNNNN", "NNNNNNN", "NNNNNNN"),
#undef STATS
};

/* Exceptions to the ALL() rows (later rows win). */
static const struct row overrides[] = {
    {P_DISTRICT_ADMIN, R_PERSON_X, "NNNNNNN"},
    {P_ENROL_ONLY, R_PERSON_X, "NNNNNNN"},
    {P_OPERATOR, R_PERSON_X, "NNNNNNN"},
    {P_OTHER_DISTRICT, R_PERSON_X, "+AAAAA+"},
    {P_NOBODY, R_PERSON_X, "PPPPPPP"},
    {P_DISTRICT_ADMIN, R_SETTINGS_1, "+AAAAAA"}, /* the settings: read only */
};

static int expect_code(char ch)
{
    switch (ch) {
    case '+':
        return 0;
    case 'N':
        return -ENOENT;
    case 'A':
        return -EACCES;
    default:
        return -EPERM;
    }
}

static void check_row(const struct row *row, long *checked, int *failures)
{
    for (size_t ai = 0; ai < ARRAY_SIZE(actions); ai++) {
        struct principal p;
        struct access_resource res = resource(row->r);
        F.ctx.who = principal(row->p, &p);
        F.ctx.now_ms = F.now;
        F.ctx.err[0] = '\0';
        int got = access_check(&F.ctx, actions[ai], &res, NULL);
        int want = expect_code(row->want[ai]);
        (*checked)++;
        if (got != want) {
            fprintf(stderr, "access: %s %s %s: got %d (%s), want %d\n", pname[row->p], aname[ai],
                    rname[row->r], got, F.ctx.err, want);
            (*failures)++;
        }
        if (got != 0)
            assert_true(F.ctx.err[0] != '\0'); /* every refusal says why */
    }
    ctx_release(&F.ctx);
}

static bool overridden(const struct row *row)
{
    for (size_t i = 0; i < ARRAY_SIZE(overrides); i++)
        if (overrides[i].p == row->p && overrides[i].r == row->r)
            return true;
    return false;
}

static void test_policy_table(void **state)
{
    long checked = 0;
    int failures = 0;
    bool covered[P_N][R_N] = {{false}};
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
        covered[table[i].p][table[i].r] = true;
        if (!overridden(&table[i]))
            check_row(&table[i], &checked, &failures);
    }
    for (size_t i = 0; i < ARRAY_SIZE(overrides); i++) {
        covered[overrides[i].p][overrides[i].r] = true;
        check_row(&overrides[i], &checked, &failures);
    }
    /* every role meets every relationship: the table leaves no principal x resource out,
       bar the clients' rows, which cover one resource of each kind */
    for (int p = 0; p < P_N; p++)
        for (int r = 0; r < R_N; r++)
            if (!covered[p][r] && p != P_CLIENT_ROSTER && p != P_CLIENT_XAPI &&
                p != P_CLIENT_MINE && p != P_CLIENT_READ)
                fail_msg("the table has no row for %s x %s", pname[p], rname[r]);
    fprintf(stderr, "access: %ld decisions checked\n", checked);
    assert_int_equal(failures, 0);
}

static void test_relationships_follow_the_clock(void **state)
{
    struct principal p;
    struct access_resource c1 = resource(R_CLASS_1), a = resource(R_PERSON_A);
    int64_t later;
    (void)state;
    /* after the term ends, the teacher no longer sees the class or its students */
    time_parse_iso8601(STR_LIT("2026-07-01T10:00:00Z"), false, &later, NULL);
    F.ctx.who = principal(P_TEACHER, &p);
    F.ctx.now_ms = later;
    assert_int_equal(access_check(&F.ctx, ACT_LIST, &c1, NULL), -ENOENT);
    assert_int_equal(access_check(&F.ctx, ACT_READ, &a, NULL), -ENOENT);
    F.ctx.now_ms = F.now;
    assert_int_equal(access_check(&F.ctx, ACT_LIST, &c1, NULL), 0);
    ctx_release(&F.ctx);
}

/*
 * A grant covers exactly what the gate checked, in the transaction it was
 * made in: the store refuses any other class, a grant whose transaction
 * has ended, a forged or missing one, and returns sealed contact data only
 * under a grant that allows it.
 */
static void test_grants_cover_only_what_was_checked(void **state)
{
    struct principal p;
    struct access_resource c1 = resource(R_CLASS_1), a = resource(R_PERSON_A);
    struct class_student *s = NULL;
    struct roster_person_row row;
    struct grant *g;
    struct db *db;
    size_t n = 0;
    int64_t day = F.now / 86400000;
    (void)state;

    F.ctx.who = principal(P_TEACHER, &p);
    F.ctx.now_ms = F.now;
    assert_int_equal(access_check(&F.ctx, ACT_LIST, &c1, &g), 0);
    assert_int_equal(ctx_db(&F.ctx, &db), 0);
    assert_int_equal(store_class_students(db, g, F.c1, day, &s, &n), 0);
    assert_int_equal(n, 2); /* a and b */
    mem_free(s);
    /* the same grant does not reach another class, nor read a person */
    assert_int_equal(store_class_students(db, g, F.c2, day, &s, &n), -EACCES);
    assert_int_equal(store_roster_person(db, g, U('a'), &row), -EACCES);
    assert_int_equal(store_class_students(db, NULL, F.c1, day, &s, &n), -EACCES);
    /* nor anything once its transaction has ended */
    access_read_end(&F.ctx);
    assert_int_equal(store_begin_read(db), 0);
    assert_int_equal(store_class_students(db, g, F.c1, day, &s, &n), -EACCES);
    store_rollback(db);

    /* a teacher reads a student's record without the sealed e-mail ... */
    assert_int_equal(access_check(&F.ctx, ACT_READ, &a, &g), 0);
    assert_int_equal(store_roster_person(db, g, U('a'), &row), 0);
    assert_null(row.email_sealed);
    store_roster_person_release(&row);
    access_discard(&F.ctx);
    ctx_release(&F.ctx);
    F.ctx.gate = NULL;
    /* ... a guardian with it */
    F.ctx.who = principal(P_GUARDIAN, &p);
    assert_int_equal(access_check(&F.ctx, ACT_READ, &a, &g), 0);
    assert_int_equal(ctx_db(&F.ctx, &db), 0);
    assert_int_equal(store_roster_person(db, g, U('a'), &row), 0);
    assert_non_null(row.email_sealed);
    store_roster_person_release(&row);
    access_discard(&F.ctx);
    ctx_release(&F.ctx);
    F.ctx.gate = NULL;
}

struct entries {
    char object[48];
    int n;
    char subjects[256];
};

static int count_entry(const struct audit_view *v, void *arg)
{
    struct entries *e = arg;
    if (strcmp(v->action, "list") == 0 && strcmp(v->object, e->object) == 0) {
        e->n++;
        snprintf(e->subjects, sizeof(e->subjects), "%s", v->subjects);
    }
    return 0;
}

/* What the store returned under a grant is what the gate's entry names, durably. */
static void test_settle_audits_what_was_returned(void **state)
{
    struct principal p, op;
    struct access_resource c1 = resource(R_CLASS_1);
    struct class_student *s = NULL;
    struct entries e = {0};
    struct grant *g;
    struct db *db;
    size_t n = 0;
    char want[64];
    (void)state;

    F.ctx.who = principal(P_TEACHER, &p);
    F.ctx.now_ms = F.now;
    assert_true(!access_pending(&F.ctx));
    assert_int_equal(access_check(&F.ctx, ACT_LIST, &c1, &g), 0);
    assert_true(!access_pending(&F.ctx)); /* nothing read yet */
    assert_int_equal(ctx_db(&F.ctx, &db), 0);
    assert_int_equal(store_class_students(db, g, F.c1, F.now / 86400000, &s, &n), 0);
    mem_free(s);
    assert_true(access_pending(&F.ctx));
    assert_int_equal(access_settle(&F.ctx), 0);
    assert_true(!access_pending(&F.ctx));
    ctx_release(&F.ctx);
    F.ctx.gate = NULL;

    principal_operator(&op, F.d1, "test");
    F.ctx.who = &op;
    snprintf(e.object, sizeof(e.object), "class:%lld", (long long)F.c1);
    assert_int_equal(audit_show_recent(&F.ctx, 0, 1000, count_entry, &e), 0);
    ctx_release(&F.ctx);
    F.ctx.gate = NULL;
    assert_int_equal(e.n, 1);
    snprintf(want, sizeof(want), "%lld,%lld", (long long)MIN(U('a'), U('b')),
             (long long)MAX(U('a'), U('b')));
    assert_string_equal(e.subjects, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policy_table),
        cmocka_unit_test(test_relationships_follow_the_clock),
        cmocka_unit_test(test_grants_cover_only_what_was_checked),
        cmocka_unit_test(test_settle_audits_what_was_returned),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

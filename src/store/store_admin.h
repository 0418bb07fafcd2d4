/*
 * Reads for the administration pages: the people of a district or a
 * school with their logins, found by name or username. No access decision
 * here: the service asks the gate first and passes its grant, which these
 * functions check and which notes the students returned (an audited
 * disclosure).
 */
#ifndef TRELLIS_STORE_ADMIN_H
#define TRELLIS_STORE_ADMIN_H

#include <stdint.h>

#include "base/common.h"

struct db;
struct grant;

/* One person of the roster (user_id > 0) or one local staff account (user_id 0). */
struct admin_person {
    int64_t user_id;    /* users.id; 0: a local staff account */
    int64_t account_id; /* accounts.id; 0: no login yet */
    const char *sourced_id, *username, *given_name, *family_name, *preferred_given_name;
    const char *role;     /* users.role (OneRoster), or the local account's first role */
    const char *org_type; /* the type of the org where an administrator's role holds */
    int64_t school_id;    /* the primary org (a school) or 0 */
    const char *school;   /* its name, "" when none */
    bool active;          /* the roster record is active and enabled (true for local) */
    bool administrator;   /* holds an administrator's role (store_person_is_admin) */
    bool has_password, mfa_enrolled;
    int64_t disabled_at, last_login_at; /* 0: not */
    const char *login;                  /* the account's login name, "" without one */
};

/*
 * The people whose logins the grant's holder manages, found by q (a part
 * of the name, username or login, or a whole sourcedId, case-insensitive;
 * "" for everyone), ordered by family then given name, from offset, at
 * most limit rows (the caller asks for one more to learn whether there
 * are; cb returns 1 to stop before a row, which is then not counted as
 * returned). The grant is ACT_CREDENTIALS on RES_DISTRICT (the district's
 * people, and its local staff accounts) or RES_SCHOOL (the people who
 * belong to the school: user_orgs or primary org). Rows are borrowed for
 * the call. Notes the students returned in g.
 */
int store_admin_people(struct db *db, struct grant *g, const char *q, int64_t offset, int64_t limit,
                       int (*cb)(void *arg, const struct admin_person *p), void *arg);

/*
 * The roster username of a person of the district (the login name a new
 * login gets): 0 and *ret (malloc'ed), or -ENOENT. Not student data beyond
 * what the caller's gate check covers: the service shows it only once the
 * gate allowed the change it is read for.
 */
int store_user_login_name(struct db *db, int64_t district_id, int64_t user_id, char **ret);

#endif

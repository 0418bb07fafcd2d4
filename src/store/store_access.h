/*
 * The facts the access gate resolves: a record's district, a person's
 * schools and role, and the relationships between people and classes on a
 * given day. PRIVATE to the gate: only src/app/access.c and src/store/
 * include this header (scripts/lint.sh checks it), so no service decides
 * access from facts of its own.
 */
#ifndef TRELLIS_STORE_ACCESS_H
#define TRELLIS_STORE_ACCESS_H

#include <stdint.h>

#include "base/common.h"

struct db;

/* Organisation ids of the schools a person belongs to (user_orgs and primary org). */
int store_person_orgs(struct db *db, int64_t district_id, int64_t user_id,
                      int (*cb)(void *arg, int64_t org_id), void *arg);

struct person_facts {
    int64_t district_id;
    char role[32]; /* OneRoster users.role */
    bool active;
};
/* 0 or -ENOENT. */
int store_person_facts(struct db *db, int64_t user_id, struct person_facts *ret);
/* The district and school of a class: 0 or -ENOENT. */
int store_class_facts(struct db *db, int64_t class_id, int64_t *ret_district_id,
                      int64_t *ret_school_id);
/*
 * store_class_facts and store_teaches_class(district of the class, teacher,
 * class_id, day) in one query (*ret_teaches 1/0): 0 or -ENOENT.
 */
int store_class_facts_teacher(struct db *db, int64_t class_id, int64_t teacher, int64_t day,
                              int64_t *ret_district_id, int64_t *ret_school_id, int *ret_teaches);
/* Does teacher teach class (an active teacher or aide enrollment in a term holding day)? 1/0. */
int store_teaches_class(struct db *db, int64_t district_id, int64_t teacher, int64_t class_id,
                        int64_t day);
/* Is student enrolled (as a student, now) in a class teacher teaches in a term holding day? */
int store_teaches_student(struct db *db, int64_t district_id, int64_t teacher, int64_t student,
                          int64_t day);
/* Is user an active student of class on day? 1/0. */
int store_enrolled_in_class(struct db *db, int64_t district_id, int64_t user, int64_t class_id,
                            int64_t day);
/*
 * Does the person hold an administrator's role (administrator, principal,
 * siteAdministrator, districtAdministrator, systemAdministrator) in any
 * active role or as their primary role, whatever its dates? 1/0. Their
 * logins are managed only by the district's administrators.
 */
int store_person_is_admin(struct db *db, int64_t district_id, int64_t user_id);
/* Are the two people linked as guardian and child (agentSourcedIds, either way)? 1/0. */
int store_guardian_of(struct db *db, int64_t district_id, int64_t guardian, int64_t child);
/* The active students linked to a guardian (agentSourcedIds, either way). */
int store_children_of(struct db *db, int64_t district_id, int64_t guardian,
                      int (*cb)(void *arg, int64_t child), void *arg);
/* The learner (users.id, 0 if none) a statement of the district is about: 0 or -ENOENT. */
int store_statement_learner(struct db *db, int64_t district_id, const char *statement_id,
                            int64_t *ret_user_id);
/* The district of an organisation (a school): 0 or -ENOENT. */
int store_org_district(struct db *db, int64_t org_id, int64_t *ret_district_id);

#endif

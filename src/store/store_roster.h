/*
 * Roster storage: districts and the OneRoster records (orgs, academic
 * sessions, courses, classes, users, user profiles, roles, enrollments,
 * demographics), their links, and the import log. All roster SQL lives here.
 *
 * The import writes records through a small generic interface: a kind, the
 * record's key fields, and its value columns in the order the enums below
 * give. References are already resolved to ids; sensitive values arrive
 * sealed (the service seals them, see seal.h). An update only writes when a
 * compared column differs, so importing the same data twice changes nothing.
 *
 * Dates are int64 days since 1970-01-01, instants int64 ms; 0 stands for
 * NULL in the dlm (dateLastModified) arguments. Functions return 0 (or 1 for
 * "changed"), or a negative errno: -EEXIST for a unique conflict, -EIO for a
 * storage fault. They run inside the caller's transaction.
 */
#ifndef TRELLIS_STORE_ROSTER_H
#define TRELLIS_STORE_ROSTER_H

#include <stdint.h>

#include "base/common.h"
#include "base/str.h"

struct db;
struct grant;

enum roster_kind {
    RK_ORG,
    RK_SESSION,
    RK_COURSE,
    RK_CLASS,
    RK_USER,
    RK_PROFILE,
    RK_ROLE,
    RK_ENROLLMENT,
    RK_DEMOGRAPHIC,
    RK_COUNT,
};

/* A column value. */
enum rval_type { RVAL_NULL = 0, RVAL_TEXT, RVAL_INT, RVAL_BLOB };
struct rval {
    enum rval_type t;
    struct str s;
    int64_t i;
    const void *b;
    size_t n;
};

/* The value columns of each kind, in order. */
enum { ORG_NAME, ORG_TYPE, ORG_IDENTIFIER, ORG_NCOLS };
enum { SES_TITLE, SES_TYPE, SES_START, SES_END, SES_YEAR, SES_ORG, SES_NCOLS };
enum {
    CRS_YEAR,
    CRS_TITLE,
    CRS_CODE,
    CRS_GRADES,
    CRS_ORG,
    CRS_SUBJECTS,
    CRS_SUBJECT_CODES,
    CRS_NCOLS
};
enum {
    CLS_TITLE,
    CLS_GRADES,
    CLS_COURSE,
    CLS_CODE,
    CLS_TYPE,
    CLS_LOCATION,
    CLS_SCHOOL,
    CLS_SUBJECTS,
    CLS_SUBJECT_CODES,
    CLS_PERIODS,
    CLS_NCOLS
};
enum {
    USR_ENABLED,
    USR_ROLE,
    USR_USERNAME,
    USR_USER_IDS,
    USR_GIVEN,
    USR_FAMILY,
    USR_MIDDLE,
    USR_IDENTIFIER,
    USR_EMAIL_SEALED,
    USR_EMAIL_INDEX,
    USR_SMS_SEALED,
    USR_PHONE_SEALED,
    USR_CONTACT_DIGEST,
    USR_GRADES,
    USR_MASTER_ID,
    USR_PREF_GIVEN,
    USR_PREF_MIDDLE,
    USR_PREF_FAMILY,
    USR_PRIMARY_ORG,
    USR_PRONOUNS,
    USR_NCOLS
};
enum {
    PRF_USER,
    PRF_TYPE,
    PRF_VENDOR,
    PRF_APP,
    PRF_DESCRIPTION,
    PRF_CREDENTIAL,
    PRF_USERNAME,
    PRF_NCOLS
};
enum { ROL_USER, ROL_TYPE, ROL_ROLE, ROL_BEGIN, ROL_END, ROL_ORG, ROL_PROFILE, ROL_NCOLS };
enum { ENR_CLASS, ENR_SCHOOL, ENR_USER, ENR_ROLE, ENR_PRIMARY, ENR_BEGIN, ENR_END, ENR_NCOLS };
enum { DEM_USER, DEM_SEALED, DEM_DIGEST, DEM_NCOLS };

/* Number of value columns of a kind. */
size_t store_roster_ncols(enum roster_kind k);

/* ---- districts ---- */

/* The district with this sourcedId: 0 and *ret_id, or -ENOENT. */
int store_district_find(struct db *db, struct str sourced_id, int64_t *ret_id);
/* The only district: 0 and *ret_id; -ENOENT if there is none, -EEXIST if several. */
int store_district_only(struct db *db, int64_t *ret_id);
int store_district_create(struct db *db, struct str sourced_id, struct str name, int64_t now_ms,
                          int64_t *ret_id);
/* Rename: 1 if the name changed, 0 if not. */
int store_district_rename(struct db *db, int64_t id, struct str name);
/* sourcedId and name of a district (malloc'ed copies for the caller), or -ENOENT. */
int store_district_get(struct db *db, int64_t id, char **ret_sourced_id, char **ret_name);

/* ---- import ---- */

/*
 * Call cb once for every record of kind in the district: its sourcedId, id,
 * dateLastModified (0: none) and whether it is active. A negative return
 * from cb stops and is returned.
 */
int store_roster_load(struct db *db, enum roster_kind k, int64_t district_id,
                      int (*cb)(void *arg, struct str sourced_id, int64_t id, int64_t dlm,
                                bool active),
                      void *arg);
/* Insert a record; *ret_id is its id. */
int store_roster_insert(struct db *db, enum roster_kind k, int64_t district_id,
                        struct str sourced_id, const char *status, int64_t dlm,
                        const struct rval *vals, int64_t *ret_id);
/*
 * Update record id to status/vals with dateLastModified dlm_set, but only if
 * status, a compared value or dateLastModified (against dlm_cmp) differs:
 * 1 if it was written, 0 if it was already so.
 */
int store_roster_update(struct db *db, enum roster_kind k, int64_t id, const char *status,
                        int64_t dlm_set, int64_t dlm_cmp, const struct rval *vals);
/* The stored primary role of a user (malloc'ed), or -ENOENT. */
int store_roster_user_role(struct db *db, int64_t user_id, char **ret_role);
/* Set status 'tobedeleted' and dateLastModified. */
int store_roster_deactivate(struct db *db, enum roster_kind k, int64_t id, int64_t dlm);
/* Set the parent of an org or academic session (0: none): 1 if changed, 0 if not. */
int store_roster_set_parent(struct db *db, enum roster_kind k, int64_t id, int64_t parent_id);

enum roster_link { LINK_CLASS_TERMS, LINK_USER_ORGS, LINK_USER_AGENTS, LINK_COUNT };
/*
 * Replace the ordered list of owner's links when it differs: 1 if changed, 0
 * if not. fresh: the owner was just created, so it has no links yet.
 */
int store_roster_set_links(struct db *db, enum roster_link l, int64_t district_id, int64_t owner,
                           const int64_t *ids, size_t n, bool fresh);
/*
 * Rebuild a user's orgs from their active roles (primary first): 1 if changed,
 * 0 if not. fresh: the user was just created (no stored orgs to compare).
 */
int store_roster_sync_user_orgs(struct db *db, int64_t district_id, int64_t user_id, bool fresh);

/*
 * The district's roster administrators (users holding an active role
 * administrator, principal, siteAdministrator, districtAdministrator or
 * systemAdministrator) and what is theirs: cb is called for each of their
 * roles (kind RK_ROLE: org_id and org_type where it holds, admin_role when
 * the role itself makes an administrator) and each of their user profiles
 * (RK_PROFILE). org_type is borrowed for the call. A negative return from cb
 * stops and is returned.
 */
struct roster_admin_rec {
    enum roster_kind kind;
    int64_t id, user_id, org_id;
    const char *org_type;
    bool admin_role;
};
int store_roster_admins(struct db *db, int64_t district_id,
                        int (*cb)(void *arg, const struct roster_admin_rec *rec), void *arg);

/* Record a committed import. */
int store_roster_log_import(struct db *db, int64_t district_id, int64_t at, const char *principal,
                            const char *source, const char *version, const char *summary);

/* ---- export and reads ---- */

/*
 * Call cb for every record of kind in the district, in sourcedId order, with
 * the columns of its OneRoster 1.2 CSV row (references as sourcedIds; dates
 * and instants as RVAL_INT; sealed values as RVAL_BLOB; multi-valued links
 * come from store_roster_export_links()). Column counts per kind are those
 * of the 1.2 CSV files; the caller formats them.
 */
int store_roster_export(struct db *db, struct grant *g, enum roster_kind k, int64_t district_id,
                        int (*cb)(void *arg, const struct rval *cols, size_t n), void *arg);
/* Every link of the district as (owner sourcedId, target sourcedId), by owner then order. */
int store_roster_export_links(struct db *db, struct grant *g, enum roster_link l,
                              int64_t district_id,
                              int (*cb)(void *arg, struct str owner, struct str target), void *arg);

/*
 * The export's reads, each under the gate's grant to export the district
 * (-EACCES otherwise); the export writes its own audit entry, with every
 * student as a subject, before its files take their names.
 */
/* The district's students (users.role 'student', active or not), by id: cb(arg, users.id). */
int store_roster_students(struct db *db, struct grant *g, int64_t district_id,
                          int (*cb)(void *arg, int64_t user_id), void *arg);

/* The district's active students with their sourcedId and grades (the demo's history). */
int store_roster_students_grades(struct db *db, struct grant *g, int64_t district_id,
                                 int (*cb)(void *arg, int64_t user_id, const char *sourced_id,
                                           const char *grades),
                                 void *arg);

/* A person as services see it; strings are malloc'ed (roster_person_release). */
struct roster_person_row {
    int64_t id, district_id, primary_org_id;
    bool active, enabled;
    char *sourced_id, *role, *username, *given_name, *family_name, *preferred_given_name, *grades;
    void *email_sealed;
    size_t email_sealed_len;
};
/*
 * A person's record. Student data: needs the gate's grant to read the
 * person; the sealed e-mail is returned only when the grant also allows
 * ACT_READ_SEALED. Notes the person in g when they are a student.
 */
int store_roster_person(struct db *db, struct grant *g, int64_t user_id,
                        struct roster_person_row *ret);
void store_roster_person_release(struct roster_person_row *p);

#endif

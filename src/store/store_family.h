/*
 * Reads for the family pages (src/app/family.c) that no other module makes:
 * the teachers of a child's classes and the staff a family can turn to at
 * the child's schools. Both are about the child (which classes and schools
 * are theirs), so both take the gate's grant to read the child's record.
 * No access decision here: the service checks first.
 */
#ifndef TRELLIS_STORE_FAMILY_H
#define TRELLIS_STORE_FAMILY_H

#include <stdint.h>

#include "base/common.h"

struct db;
struct grant;

/* What the family pages show of a child's own record: no contact data. */
struct family_child {
    int64_t id, primary_org_id; /* primary_org_id 0: none */
    char given_name[128], family_name[128], preferred_given_name[128], grades[64];
};
/*
 * The child's name, grades and primary school (never the sealed contact
 * fields, so the audit entry does not say they were read): 0, or -ENOENT.
 * Needs the gate's grant to read the child (RES_PERSON child); notes the
 * child in it when they are a student.
 */
int store_family_child(struct db *db, struct grant *g, int64_t child, struct family_child *ret);

/* A member of staff as a family sees them: a name and a roster role. */
struct family_staff {
    int64_t org_id;  /* the class (teachers) or the school (school staff) */
    int64_t user_id; /* users.id */
    char role[32];   /* the roster role: teacher, aide; principal, counselor ... */
    char given_name[128], family_name[128], preferred_given_name[128];
};

/*
 * The teachers and aides, enrolled on day, of the classes child is a
 * student of on day (the classes store_classes_of() returns): cb once per
 * teacher and class (org_id = classes.id), teachers before aides, then by
 * family and given name. Needs the gate's grant to read the child
 * (RES_PERSON child); -EACCES otherwise.
 */
int store_family_teachers(struct db *db, struct grant *g, int64_t child, int64_t day,
                          int (*cb)(void *arg, const struct family_staff *s), void *arg);

/*
 * The people holding, on day, an active principal, administrator,
 * siteAdministrator or counselor role at a school child belongs to (their
 * primary school and other schools of the roster): cb once per person and
 * school (org_id = the school), by school, role, family and given name.
 * Needs the gate's grant to read the child (RES_PERSON child).
 */
int store_family_school_staff(struct db *db, struct grant *g, int64_t child, int64_t day,
                              int (*cb)(void *arg, const struct family_staff *s), void *arg);

#endif

/*
 * Reads of people, classes and schools for the pages (home, class roster,
 * login cards). No access decision here: the services check first.
 * Days are days since 1970-01-01 (UTC).
 */
#ifndef TRELLIS_STORE_PEOPLE_H
#define TRELLIS_STORE_PEOPLE_H

#include <stdint.h>

#include "base/common.h"

struct db;
struct grant;

struct org_info {
    int64_t id, district_id;
    char name[256];
    char type[32];
};
int store_org_info(struct db *db, int64_t org_id, struct org_info *ret);
/* An organisation of a district by sourcedId: 0 and *ret_id, or -ENOENT. */
int store_org_by_sourced_id(struct db *db, int64_t district_id, const char *sourced_id,
                            int64_t *ret_id);
/* A person by sourcedId: 0, their id and username (malloc'ed), or -ENOENT. */
int store_user_by_sourced_id(struct db *db, int64_t district_id, const char *sourced_id,
                             int64_t *ret_id, char **ret_username);

struct class_info {
    int64_t id, district_id, school_id;
    char title[256], course[256], school[256], periods[64], grades[64];
    int64_t students; /* active student enrollments today (store_classes_of only) */
};
/* 0 or -ENOENT. */
int store_class_info(struct db *db, int64_t class_id, struct class_info *ret);

struct class_student {
    int64_t id;
    char given_name[128], family_name[128], preferred_given_name[128], grades[64], username[128];
};
/*
 * The students enrolled in a class on day, by family then given name; *ret
 * malloc'ed. Student data: needs the gate's grant to list (or manage the
 * cards of) the class; -EACCES otherwise. Notes the students in g.
 */
int store_class_students(struct db *db, struct grant *g, int64_t class_id, int64_t day,
                         struct class_student **ret, size_t *ret_n);
/*
 * The rows of st (id, given_name, family_name, preferred_given_name, grades,
 * username), read to the end and closed: 0 and *ret (malloc'ed) and *ret_n,
 * or a negative errno. For the store's queries that list class students.
 */
struct db_stmt;
int store_class_student_rows(struct db_stmt *st, struct class_student **ret, size_t *ret_n);
/* Is student enrolled in the class on day (1/0)? Under a grant to list the class or its cards. */
int store_class_has_student(struct db *db, struct grant *g, int64_t class_id, int64_t student,
                            int64_t day);
/*
 * The classes a person is enrolled in on day (as a student, or as a
 * teacher or aide) whose terms hold day, with their student counts. Needs
 * a grant to read the person (RES_PERSON user_id).
 */
int store_classes_of(struct db *db, struct grant *g, int64_t user_id, bool teaching, int64_t day,
                     int (*cb)(void *arg, const struct class_info *ci), void *arg);

struct school_counts {
    int64_t id;
    char name[256];
    int64_t students, teachers, classes;
};
/* One school (org_id) or every school of the district (org_id 0), with counts. */
int store_schools(struct db *db, int64_t district_id, int64_t org_id,
                  int (*cb)(void *arg, const struct school_counts *s), void *arg);

#endif

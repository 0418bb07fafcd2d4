/*
 * Assignments (migration 0018): skills a teacher gave a class, or chosen
 * students of it, with a due date. No access decision here: src/app/assign.c
 * asks the gate first, and every function that reads or changes a class's
 * assignments takes the gate's grant for them (RES_ASSIGNMENTS, the class's
 * id): a list or read grant to read, a write grant to change. What a
 * learner is assigned is part of their learning record: the learner's own
 * view and practice read it under the grant for the learner's mastery
 * (RES_MASTERY, the learner's users.id).
 *
 * Days are days since 1970-01-01 (UTC); instants are milliseconds.
 */
#ifndef TRELLIS_STORE_ASSIGN_H
#define TRELLIS_STORE_ASSIGN_H

#include <stdint.h>

#include "base/common.h"

struct db;
struct grant;

#define ASSIGN_NOTE_MAX 2000 /* bytes of a note (500 characters of any script) */

struct assign_row {
    int64_t id, class_id;
    bool whole_class;
    int64_t given_day, due_day;
    char note[ASSIGN_NOTE_MAX + 1];
    int64_t assigned_by; /* users.id; 0: staff with no roster record */
    char assigned_by_name[256];
    int64_t created_ms, updated_ms;
    int64_t closed_ms; /* 0: open */
};

/* ---- changes: a write grant for the class's assignments ---- */

/* Insert row (its id is ignored) for the grant's class: 0 and *ret_id. */
int store_assign_insert(struct db *db, struct grant *g, const struct assign_row *row,
                        int64_t *ret_id);
/* Add a skill (IRI) at position ord, or a chosen student, to assignment id. */
int store_assign_add_skill(struct db *db, struct grant *g, int64_t id, const char *skill,
                           int64_t ord);
int store_assign_add_student(struct db *db, struct grant *g, int64_t id, int64_t user_id);
/* Change the due day, the note and closed_ms of assignment id of the grant's class. */
int store_assign_update(struct db *db, struct grant *g, const struct assign_row *row);
/* Delete assignment id of the grant's class with its skills and students: 0 or -ENOENT. */
int store_assign_delete(struct db *db, struct grant *g, int64_t id);
/*
 * Is user_id a student of the grant's class on day (an active enrollment in
 * the class, the class in a term that holds day)? 1, 0 or a negative errno.
 * Read under a write grant while checking who may be assigned: discloses
 * nothing.
 */
int store_assign_in_class(struct db *db, struct grant *g, int64_t user_id, int64_t day);
/* The last day of the class's terms (academic sessions), or 0 when it has none. */
int store_assign_term_end(struct db *db, int64_t district_id, int64_t class_id, int64_t *ret_day);

/* A class of the district by sourcedId (the demo finds its teacher's class): 0, or -ENOENT. */
int store_assign_class_by_sourced_id(struct db *db, int64_t district_id, const char *sourced_id,
                                     int64_t *ret_id);

/* ---- reads: a read or list grant (or, with one id, a write grant) ---- */

/* Assignment id of the grant's class: 0, or -ENOENT. */
int store_assign_get(struct db *db, struct grant *g, int64_t id, struct assign_row *ret);
/* The class's assignments: open ones first by due day, then closed ones, newest due first. */
int store_assign_list(struct db *db, struct grant *g,
                      int (*cb)(void *arg, const struct assign_row *row), void *arg);
/* The skills of the class's assignments (or of assignment id when id > 0), in order. */
int store_assign_skills(struct db *db, struct grant *g, int64_t id,
                        int (*cb)(void *arg, int64_t assignment_id, const char *skill), void *arg);
/* The chosen students of the class's assignments (or of assignment id when id > 0). */
int store_assign_students(struct db *db, struct grant *g, int64_t id,
                          int (*cb)(void *arg, int64_t assignment_id, int64_t user_id), void *arg);

/* A student of the class today, with their last practice (for completion and inactivity). */
struct assign_student {
    int64_t id;
    const char *given_name, *family_name, *preferred_given_name; /* borrowed */
    int64_t last_ms; /* the latest answer or hint the learner model holds; 0: none */
};
/*
 * The students of the grant's class on day, by family then given name, each
 * with their latest practice. Student data: a list grant; notes each one.
 */
int store_assign_class_students(struct db *db, struct grant *g, int64_t day,
                                int (*cb)(void *arg, const struct assign_student *s), void *arg);

/* A learner's standing in one assigned skill, from the learner model. */
struct assign_mastery {
    int64_t user_id;
    const char *skill; /* IRI, borrowed */
    double p_mastery;
    int64_t answers, hints, last_ms;
};
/*
 * The learner model's rows for the students of the grant's class on day and
 * the skills of the class's assignments. A list grant; notes each student.
 */
int store_assign_class_mastery(struct db *db, struct grant *g, int64_t day,
                               int (*cb)(void *arg, const struct assign_mastery *m), void *arg);

/* ---- a learner's own assignments: the grant for the learner's mastery ---- */

/* One skill of an assignment the learner has, with the assignment. */
struct assign_learner_row {
    struct assign_row a;
    const char *skill;       /* IRI, borrowed */
    const char *class_title; /* borrowed */
};
/*
 * The assignments user_id has on day (they are a student of the class on
 * day, it was given by then, and it names the whole class or them), one
 * row per skill, by due day. open_only: not closed. Needs the grant to read
 * the learner's mastery (RES_MASTERY user_id).
 */
int store_assign_of_learner(struct db *db, struct grant *g, int64_t user_id, int64_t day,
                            bool open_only,
                            int (*cb)(void *arg, const struct assign_learner_row *row), void *arg);

#endif

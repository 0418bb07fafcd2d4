/*
 * Assignments (issue 12): a teacher assigns skills of the district's content
 * packs to a class, or to chosen students of it, with a due date and a
 * note; practice takes an open assignment that is not mastered before
 * anything else, earliest due first (core/select.h), even when the skill's
 * prerequisites are not mastered yet (the teacher chose it; a student who
 * spins on it, 10 first attempts without mastering it, is still moved to
 * its weakest prerequisite and the reason says so).
 *
 * Who: the gate's RES_ASSIGNMENTS kind (the class's assignments, access.c):
 * the class's teachers on the day (by the roster) list, assign, change and
 * delete; school administrators and counsellors of the class's school and
 * district administrators see them. Reading them discloses the students'
 * progress (one audit entry naming every student shown, written by the
 * gate); every change is audited here (who assigned what to whom). A
 * learner's own assignments are part of their record: they read them under
 * the grant for their own mastery.
 *
 * Completion is derived, never stored: for each student the assignment
 * covers today (the class's roster for the whole class; the chosen students
 * while they are in the class), each skill is "mastered" (P(mastered) >=
 * 0.95 in the learner model), "in_progress" (answers or hints recorded) or
 * "not_started"; the assignment is mastered when every skill is, started
 * when any is. A student is flagged "inactive" while an assignment is open
 * (not closed, given by today) and not mastered when ASSIGN_INACTIVE_DAYS
 * whole school days (Monday to Friday, UTC days; Trellis has no school
 * calendar yet, so holidays count) have passed without any practice since
 * the later of the day it was given and their last practice; the flag
 * carries its evidence (the last practice day, the days counted).
 *
 * Bad input is refused naming the field, and changes nothing (one write
 * transaction): an unknown skill, a due date that is not a date, in the
 * past, on a weekend or after the class's term, a student not in the
 * class, a note over 500 characters, an unknown field.
 */
#ifndef TRELLIS_APP_ASSIGN_H
#define TRELLIS_APP_ASSIGN_H

#include <jansson.h>
#include <stdint.h>

#include "app/ctx.h"

#define ASSIGN_INACTIVE_DAYS 3  /* whole school days without practice before the flag */
#define ASSIGN_MAX_SKILLS    20 /* skills in one assignment */
#define ASSIGN_MAX_STUDENTS  200
#define ASSIGN_NOTE_CHARS    500

/*
 * POST /api/v1/classes/{id}/assignments: {"skills": [IRI, ...], "due_date":
 * "YYYY-MM-DD", "students": [users.id, ...] (absent: the whole class),
 * "note": "..."}. *ret is the new assignment (no progress). lang: "en" or
 * "es", for the skills' names. Borrowed req.
 */
int assign_create(struct ctx *c, int64_t class_id, json_t *req, const char *lang, json_t **ret);
/*
 * GET /api/v1/classes/{id}/assignments: the class, its students today,
 * every assignment with each covered student's progress and flags, and
 * can_assign (may ctx->who give and change them: the page shows the form).
 */
int assign_list(struct ctx *c, int64_t class_id, const char *lang, json_t **ret);
/* PATCH .../assignments/{aid}: {"due_date"?, "note"?, "closed"?: bool}; *ret as create. */
int assign_update(struct ctx *c, int64_t class_id, int64_t id, json_t *req, const char *lang,
                  json_t **ret);
/* DELETE .../assignments/{aid}: 0 or a negative errno. */
int assign_delete(struct ctx *c, int64_t class_id, int64_t id);
/*
 * GET /api/v1/classes/{id}/assignments/skills: the skills a teacher of the
 * class may assign (every active skill of the district's packs, by grade),
 * with the class's grades. Content, not student data.
 */
int assign_skills(struct ctx *c, int64_t class_id, const char *lang, json_t **ret);
/*
 * GET /api/v1/me/assignments: the signed-in person's open assignments (as a
 * student of the class today), each skill with their standing in it.
 */
int assign_mine(struct ctx *c, const char *lang, json_t **ret);

/*
 * A class's open assignment, for other views that flag students (the
 * teacher's class view: "inactive while an assignment is open"): it was
 * given on given_day (so it has been open since then) and is not closed.
 */
struct assign_open {
    int64_t id;
    int64_t given_day, due_day; /* days since 1970-01-01 (UTC) */
    bool whole_class;           /* every student of the class today */
    const int64_t *students;    /* else the chosen students (users.id), in c->arena */
    size_t n_students;
    const char **skills; /* the skills assigned (IRIs), in c->arena */
    size_t n_skills;
};
/*
 * The open assignments of class_id (not closed, given by today), earliest
 * due first: 0 with *ret (in c->arena, NULL when none) and *ret_n, or a
 * negative errno (-ENOENT: no such class, or not one ctx->who may see).
 * Asks the gate for ACT_READ on the class's assignments (RES_ASSIGNMENTS:
 * the class's teachers, its school's administrators and counsellors,
 * district administrators); reads no student's record, so it adds no
 * audit entry of its own. Runs in the gate's read transaction (the
 * caller's, when one is open).
 */
int assign_open_in_class(struct ctx *c, int64_t class_id, struct assign_open **ret, size_t *ret_n);
/* Does open assignment a cover student user_id (a student of the class today)? */
bool assign_open_covers(const struct assign_open *a, int64_t user_id);

/* An assignment recorded on a teacher's behalf by the server's operator (the demo district). */
struct assign_spec {
    int64_t teacher;          /* users.id of a teacher of the class on the day it was given */
    const char *teacher_name; /* as the students will read it */
    const char *const *skills;
    size_t n_skills;
    const int64_t *students; /* NULL: the whole class */
    size_t n_students;
    int64_t given_ms; /* when it was given (a past time); the due date may then be past too */
    int64_t due_day;
    int64_t closed_ms; /* 0: open */
    const char *note;
};
/* The operator only; audited as the operator's, naming the teacher. 0 and *ret_id. */
int assign_record(struct ctx *c, int64_t class_id, const struct assign_spec *spec, int64_t *ret_id);

/* Monday to Friday? (days since 1970-01-01, a Thursday) */
bool assign_school_day(int64_t day);
/* The school days d with from < d < to (none when to <= from + 1). */
int64_t assign_school_days_between(int64_t from, int64_t to);

#endif

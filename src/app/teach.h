/*
 * The teacher views: what a teacher needs in the five minutes before class
 * (docs/API.md "Teacher views"). For one class: every student x every
 * skill its students have practised (the learner model's P(mastered),
 * answers, hints, open attempts, last activity and a status), the
 * early-warning flags with their evidence, suggested small groups, weekly
 * progress; for one student of it: a timeline of attempts and hints, a
 * mastery curve per skill, time on task, misconceptions seen; for one
 * skill: who has mastered it, who is working on it, who is stuck; and the
 * class as CSV.
 *
 * Everything is read through the access gate as the class's learning
 * records (RES_CLASS_LEARNING: the teachers of the class, its school's
 * administrators and counsellors, district administrators, statements/read
 * clients); the gate audits each disclosure (one entry for the rows of the
 * learner model, one for the statements read through the LRS's internal
 * API), and the HTTP server sends the answer only once they are durable.
 * Mastery curves replay the learner's answers through the model's own
 * update (model_apply()), in the order the model applied them, so a
 * curve ends where the model's row is. The rules (thresholds, windows,
 * groups) are core/teach.h's.
 */
#ifndef TRELLIS_APP_TEACH_H
#define TRELLIS_APP_TEACH_H

#include <jansson.h>
#include <stdint.h>

#include "app/ctx.h"

struct teach_opts {
    const char *lang;      /* "en" or "es": misconception names, CSV skill names */
    size_t timeline_limit; /* entries of a student's timeline (newest first); 0: 200 */
};

/* GET /api/v1/classes/{id}/mastery: the class view. -ENOENT for whoever may not see it. */
int teach_class(struct ctx *c, int64_t class_id, const struct teach_opts *o, json_t **ret);

/*
 * GET /api/v1/classes/{id}/students/{student}/activity: one student of the
 * class. -ENOENT when the caller may not see the class, or the student is
 * not one of its students today.
 */
int teach_student(struct ctx *c, int64_t class_id, int64_t student, const struct teach_opts *o,
                  json_t **ret);

/*
 * GET /api/v1/classes/{id}/skills/{skill}: one skill (the learner model's
 * skill id) across the class. -ENOENT for an unknown skill.
 */
int teach_skill(struct ctx *c, int64_t class_id, int64_t skill_id, const struct teach_opts *o,
                json_t **ret);

/*
 * GET /api/v1/classes/{id}/mastery.csv: the class view as CSV (RFC 4180,
 * UTF-8, one row per student and skill), an export: needs ACT_EXPORT on
 * the class's learning records. *ret (mem_alloc'ed, NUL-terminated) and
 * *ret_len.
 */
int teach_class_csv(struct ctx *c, int64_t class_id, const struct teach_opts *o, char **ret,
                    size_t *ret_len);

#endif

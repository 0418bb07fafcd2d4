/*
 * What the pages show about people: the home page of each role, a person's
 * record, a class roster. Every call checks access_check() first and
 * writes the audit entry (through audit_disclose, durable before the
 * answer) for every student record it returns.
 */
#ifndef TRELLIS_APP_PEOPLE_H
#define TRELLIS_APP_PEOPLE_H

#include <jansson.h>
#include <stdint.h>

#include "app/ctx.h"

struct class_info;

/*
 * GET /api/v1/home: {role, classes|children|schools} for ctx->who (see
 * docs/internals/api.md). Guardians' children are audited reads.
 */
int people_home(struct ctx *c, json_t **ret);
/* GET /api/v1/users/{id}: the record, or -ENOENT for whoever may not see it. */
int people_get(struct ctx *c, int64_t user_id, json_t **ret);
/* GET /api/v1/classes/{id}/students: {class, students}, or -ENOENT. */
int people_class_roster(struct ctx *c, int64_t class_id, json_t **ret);
/*
 * The same in three steps, for a caller that does not hold its thread
 * while the audit entry commits (see audit_disclose_submit): prepare (the
 * access check and the read; nothing disclosed yet), submit (queue the
 * entry; wake(arg) once durable), finish (the answer, or the error, e.g.
 * -ENOKEY from the tripwire). The state lives in c's arena.
 */
struct people_roster;
int people_class_roster_prepare(struct ctx *c, int64_t class_id, struct people_roster **ret);
void people_class_roster_submit(struct ctx *c, struct people_roster *p, void (*wake)(void *arg),
                                void *arg);
int people_class_roster_finish(struct ctx *c, struct people_roster *p, json_t **ret);
/* {id, title, course, school:{id,name}, period, grades} of a class (new reference). */
json_t *people_class_json(const struct class_info *ci);

#endif

/*
 * What the pages show about people: the home page of each role, a person's
 * record, a class roster. Every read goes through the access gate
 * (access_check() and a grant for the store), which audits every student
 * record returned once the caller settles the disclosure (the HTTP server
 * does so before any answer leaves).
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
/* {id, title, course, school:{id,name}, period, grades} of a class (new reference). */
json_t *people_class_json(const struct class_info *ci);

#endif

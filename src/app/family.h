/*
 * The family view (issue 12): what a guardian sees of each child, in the
 * family's language: progress per class and skill, recent practice, what
 * the child works on next and why, the teachers and whom to contact at the
 * school, and the record of who has looked at the child's records and when
 * (the audit log's entries about the child, FERPA 34 CFR 99.32(c)).
 *
 * Every read of the child's record goes through the access gate, one check
 * per kind of record (the person, their mastery, their learning records,
 * the record of access), so the gate decides (the guardian relationship is
 * in its policy table: "guardian" rules) and audits each read. Nothing here
 * widens access: for a child the caller may not see, every function answers
 * -ENOENT, exactly as for a child that does not exist. Whoever else the
 * gate allows to read the same records (a teacher of the child, the
 * school's administrators) gets the same answer from the same code.
 *
 * The progress is the practice service's own (practice_progress_of), so a
 * family sees what the child sees; recent practice is read from the learner
 * model's days (model_days), never from the statements.
 */
#ifndef TRELLIS_APP_FAMILY_H
#define TRELLIS_APP_FAMILY_H

#include <jansson.h>
#include <stdint.h>

#include "app/ctx.h"

/* Days of recent practice looked at, and at most how many are returned. */
#define FAMILY_RECENT_DAYS 90
#define FAMILY_RECENT_MAX  10
/* Visits of the record of access per page: default and largest. */
#define FAMILY_LOG_PAGE 50
#define FAMILY_LOG_MAX  200
/* Entries read for one page at most (a longer visit is cut), and per store call. */
#define FAMILY_LOG_ENTRIES 2000
#define FAMILY_LOG_CHUNK   100

/*
 * GET /api/v1/children: {children: [overview...]}, the overview of each
 * child the caller is the guardian of today (by the roster), in the order
 * of their given names, without the list of skills (its summary only: what
 * a phone loads first stays small); an empty list for anyone who is no
 * one's guardian. lang ("en" or "es") chooses the skill names. *ret is a
 * new reference.
 */
int family_children(struct ctx *c, const char *lang, json_t **ret);

/*
 * GET /api/v1/children/{id}/overview: one child's overview (the shape is in
 * docs/API.md "Family"): needs the gate to allow reading the child's
 * record, mastery and learning records; -ENOENT otherwise.
 */
int family_overview(struct ctx *c, int64_t child, const char *lang, json_t **ret);

/*
 * GET /api/v1/children/{id}/access-log: a page of the record of access to
 * the child's records, newest first: of the entries with an id below before
 * (0: from the newest), at most limit (1 to FAMILY_LOG_MAX) visits, a visit
 * being the entries of one request by one person, always whole (only one
 * longer than FAMILY_LOG_ENTRIES entries is cut). {entries, before} where
 * entries are the visits and before is the cursor of the next page (null:
 * no more). Needs the gate to allow reading the child's record of access
 * (RES_AUDIT); the read is itself audited. -EINVAL names a bad before or limit.
 */
int family_access_log(struct ctx *c, int64_t child, int64_t before, int64_t limit, json_t **ret);

#endif

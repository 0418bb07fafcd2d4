/*
 * Practice and tutoring: what a student does every day (issue 11).
 *
 * The next item: mastery learning over the district's skill graph
 * (core/select.h): a teacher's assignment first, then the skill in
 * progress, reviews the spacing model says are due, then a new skill whose
 * prerequisites are mastered; a learner who spins on a skill (10 first
 * attempts without mastering it) goes to its weakest prerequisite and the
 * reason says so. Within the skill, an item the learner has not seen
 * lately, and for a generator item fresh numbers (a new seed) every time.
 *
 * The problem a learner works on is theirs until every step is answered:
 * a reload, or another device, resumes it. A problem instance travels as
 * a token (item, seed and a MAC under the district's key, bound to the
 * learner), so an answer given offline can be checked and recorded when
 * it arrives, and nobody can make up a seed.
 *
 * Answers: checked by core/answer.h against the step's accepted answers;
 * a wrong answer that matches a known misconception gets feedback naming
 * it; after two wrong answers to a step its scaffold sub-questions are
 * offered. Hints come one at a time, the last a worked example.
 *
 * Every attempt, hint request and mastery reached is an xAPI statement
 * (answered / asked / mastered), written through the LRS's own write path
 * (lrs.h) by the SYSTEM principal "system:practice" with the learner as
 * actor, and durable before the answer. The learner model applies it at
 * once (model_catch_up) and the answer carries the skill's new mastery. A
 * statement sent again with the same id (an offline queue syncing twice)
 * is recorded once and answered as the first time.
 *
 * Who: a student practises; their own state is their record, read and
 * written through the access gate (a person's own record shown to them is
 * no disclosure, so nothing is audited). Their progress can also be read
 * by others the gate allows (practice_progress_of: the family pages), and
 * then it is audited.
 */
#ifndef TRELLIS_APP_PRACTICE_H
#define TRELLIS_APP_PRACTICE_H

#include <jansson.h>

#include "app/ctx.h"

/* The xAPI verbs practice writes (ADL vocabulary). */
#define PRACTICE_VERB_ANSWERED "http://adlnet.gov/expapi/verbs/answered"
#define PRACTICE_VERB_MASTERED "http://adlnet.gov/expapi/verbs/mastered"
/* A result extension of a wrong answer: the misconception it matched (its id). */
#define PRACTICE_EXT_MISCONCEPTION "https://trellis.invalid/xapi/extensions/misconception"
/* Answers that need this many wrong tries on a step before its scaffolds are offered. */
#define PRACTICE_SCAFFOLD_AFTER 2

/* What the HTTP layer knows that the service needs. */
struct practice_env {
    const char *base_url; /* this server's public URL: the learner's xAPI account homePage */
    const char *lang;     /* "en" or "es": the texts returned */
};

/*
 * GET /api/v1/practice/next: the learner's current problem, or a new one
 * (see docs/API.md for the shape). With ahead > 0, that many more problems
 * are added for offline use, with what the device needs to check the
 * answers it can check itself. -EACCES for anyone but a student.
 */
int practice_next(struct ctx *c, const struct practice_env *env, int ahead, json_t **ret);

/* POST /api/v1/practice/attempts: req is the request body (borrowed). */
int practice_attempt(struct ctx *c, const struct practice_env *env, json_t *req, json_t **ret);

/* POST /api/v1/practice/hints: the next hint of a step. */
int practice_hint(struct ctx *c, const struct practice_env *env, json_t *req, json_t **ret);

/* GET /api/v1/practice/progress: every skill with the learner's mastery, and what is next. */
int practice_progress(struct ctx *c, const struct practice_env *env, json_t **ret);

/*
 * The same progress of any learner of ctx->who's district, for whoever the
 * gate lets read the learner's mastery and learning records (the learner,
 * a guardian, a teacher...): {skills, working_on, mastered_at} as above;
 * working_on has no "text" (its words speak to the learner) unless the
 * caller is the learner. The reads go through the gate and are audited
 * like any disclosure; -ENOENT for a learner the caller may not see.
 * *ret is a new reference.
 */
int practice_progress_of(struct ctx *c, int64_t learner, const struct practice_env *env,
                         json_t **ret);

#endif

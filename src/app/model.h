/*
 * The learner model as a service on the LRS: every learner's P(mastered)
 * per skill, kept current as statements arrive, rebuilt from them on
 * demand, with skill parameters refitted from them on demand.
 *
 * Which statements are answers: those whose actor is linked to a rostered
 * learner (lrs.h), whose object is an Activity and whose result has
 * `success`; voided statements are not. Only the first attempt at a step
 * (result extension MODEL_EXT_ATTEMPT absent or 1) is evidence for BKT, and
 * one made after hints (MODEL_EXT_HINTS > 0) counts as wrong, as help-seeking
 * BKT does: a step answered after a bottom-out hint is not evidence of
 * mastery. Statements with the verb "asked" about a skill are hint requests,
 * counted per skill. Per learner and skill the state also keeps the first
 * attempts since the skill was last mastered (spinning), the spaced-review
 * memory of a mastered skill (FSRS: each first attempt on it is a review,
 * good when right, again when wrong) and when it was mastered. The skill is the first activity
 * in context.contextActivities (parent, then grouping, then category)
 * whose definition.type is http://adlnet.gov/expapi/activities/objective
 * (a learning objective, the ADL vocabulary's type for it); without one the
 * object activity is its own skill. The object activity is the item.
 *
 * Online: statements are applied in the LRS's commit order (seq), each with
 * one constant-time BKT update (src/core/bkt.h) under the skill's
 * parameters (MODEL_DEFAULT_* until a fit). The state records the last seq
 * applied, in the same transaction as the updates, so a crash loses
 * nothing and applies nothing twice. A statement voided after it was
 * applied stays counted until the next rebuild.
 *
 * Fitting orders each learner's answers by their timestamp (then seq), the
 * order in which they happened, which may differ from arrival order for
 * records synced late; `trellis model fit` refits and then rebuilds.
 */
#ifndef TRELLIS_APP_MODEL_H
#define TRELLIS_APP_MODEL_H

#include <jansson.h>
#include <stdint.h>

#include "app/ctx.h"
#include "app/model_fit.h"
#include "store/store_model.h"

/* Parameters of a skill nobody has fitted yet (typical BKT values). */
#define MODEL_DEFAULT_PRIOR 0.3
#define MODEL_DEFAULT_LEARN 0.1
#define MODEL_DEFAULT_GUESS 0.2
#define MODEL_DEFAULT_SLIP  0.1
/* P(mastered) at which a skill counts as mastered (Corbett and Anderson 1995). */
#define MODEL_MASTERED 0.95

#define MODEL_SKILL_TYPE "http://adlnet.gov/expapi/activities/objective"

/*
 * Apply the district's statements stored since the last call (0: ctx->who's
 * district). Any principal may trigger it (it discloses nothing); it reads
 * as the operator. *ret_applied (may be NULL) counts the answers applied.
 */
int model_catch_up(struct ctx *c, int64_t district_id, int64_t *ret_applied);
/*
 * The same for a request that has just stored statements through this
 * server's LRS writer and needs them applied: seq is lrs_committed_seq()
 * after its write. Concurrent callers are coalesced (one applies what all
 * of them stored); with seq 0 it is model_catch_up().
 */
int model_catch_up_to(struct ctx *c, int64_t district_id, int64_t seq);

/* Forget every learner's state and apply all statements again (operator or district admin). */
int model_rebuild(struct ctx *c, int64_t district_id, int64_t *ret_applied);

/*
 * Fit every skill's BKT parameters to the district's stored answers
 * (operator or district admin), store them and rebuild. *ret_report:
 * {answers, learners, skills: [{skill, prior, learn, forget, guess, slip,
 * answers, loglik}], seconds}. -ENOENT when no answers are stored.
 */
int model_fit_stored(struct ctx *c, int64_t district_id, const struct bkt_job *job,
                     json_t **ret_report);

/*
 * A learner's mastery for whoever may see their learning records (else
 * -ENOENT), audited: {user_id, mastered_at, skills: [{skill, p_mastery,
 * p_correct, mastered, answers, correct, last_answer, fitted}]}.
 * Catches up first, so what was just stored is counted.
 */
int model_mastery(struct ctx *c, int64_t user_id, json_t **ret);

/* Hints: a learner "asked" (ADL verb) about a step; its context names the skill. */
#define MODEL_VERB_ASKED "http://adlnet.gov/expapi/verbs/asked"
/* Result extensions of an answer: which attempt at the step (1: the first), and the hints seen. */
#define MODEL_EXT_ATTEMPT "https://trellis.invalid/xapi/extensions/attempt"
#define MODEL_EXT_HINTS   "https://trellis.invalid/xapi/extensions/hints"
/* ... and whether it answered a scaffold sub-question (help, not evidence of the skill). */
#define MODEL_EXT_SCAFFOLD "https://trellis.invalid/xapi/extensions/scaffold"

enum model_event_kind { MODEL_ANSWER = 1, MODEL_HINT = 2 };

/* What a statement tells the model. Strings are borrowed from the statement. */
struct model_event {
    enum model_event_kind kind;
    const char *skill, *item;
    bool correct;     /* an answer: result.success */
    bool opportunity; /* an answer: the first attempt at its step (BKT evidence) */
    bool assisted;    /* an answer: hints were seen first (evidence of not knowing) */
};

/* A statement (parsed) as an answer or a hint request: 1 and *ret, or 0 if it is neither. */
int model_event_of(json_t *st, struct model_event *ret);

/*
 * A learner's state in a skill before any event: P(mastered) at the
 * skill's prior, nothing counted.
 */
void model_state_init(const struct model_skill_row *sk, struct model_mastery_row *m);
/*
 * Apply one event (made at timestamp_ms) to a learner's state in skill sk,
 * exactly as the service does when it catches up: a hint is counted; a
 * first attempt is one BKT update under sk's parameters (wrong when hints
 * were seen first), counts toward spinning until mastered and is a spaced
 * review once mastered. Replaying a learner's events in the LRS's order
 * from model_state_init() gives the state the service holds (the teacher
 * views draw mastery curves this way). 0, or -EINVAL. Thread-safe.
 */
int model_apply(const struct model_skill_row *sk, const struct model_event *ev,
                int64_t timestamp_ms, struct model_mastery_row *m);

/*
 * The server's follower: a thread that catches every district up about
 * once a second, so the state is current without anyone asking.
 */
struct model_follower;
int model_follower_start(struct store *s, const struct config *cfg, struct model_follower **ret);
void model_follower_stop(struct model_follower *f);

#endif

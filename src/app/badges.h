/*
 * Micro-credentials (badges.c): awarding Open Badges 3.0 credentials to
 * teachers, revoking them, listing and exporting them, and what Trellis
 * publishes for verifiers: the issuer profile, its public keys (JWKS) and
 * the revocation status list. Every award, revocation, list and export asks
 * the gate (RES_CREDENTIALS, the holder's users.id): a PD coordinator or a
 * coach at the holder's school awards and revokes, never for themselves;
 * the holder reads and exports their own. The public documents hold
 * nothing about any person.
 *
 * URLs are under the configured base_url (or http://localhost):
 *   <base>/badges/d/<district>/issuer       the issuer Profile (OB 3.0 B.1.7)
 *   <base>/badges/d/<district>/jwks.json    its keys (RFC 7517 section 5)
 *   <base>/badges/d/<district>/status       the BitstringStatusListCredential
 *   <base>/badges/c/<uuid>                  the credential (its VC-JWT), for sharing
 *   <base>/badge.html?id=<uuid>             the public verification page
 */
#ifndef TRELLIS_APP_BADGES_H
#define TRELLIS_APP_BADGES_H

#include <jansson.h>
#include <stdint.h>

#include "app/badge_vc.h"
#include "app/ctx.h"

/* What to award: the holder (users.id) and the achievement (id or slug). */
struct badge_award {
    int64_t recipient_id;
    int64_t achievement_id; /* 0: by slug */
    const char *achievement_slug;
    int64_t valid_until_ms; /* 0: does not expire */
};

/*
 * Award: sign a new credential and store it. 0 with *ret_id, or -EACCES
 * (not a PD coordinator or coach, or one's own), -ENOENT, -EINVAL (the
 * holder is not a teacher), with the reason in c->err.
 */
int badges_award(struct ctx *c, const struct badge_award *a, int64_t *ret_id);
/*
 * Award n at once (a cohort): every award is checked and signed first, then all are stored
 * in one transaction, or none (the first refusal is returned). ret_ids holds n ids.
 */
int badges_award_many(struct ctx *c, const struct badge_award *a, size_t n, int64_t *ret_ids);

/* Revoke credential id with a reason (1 to 500 bytes): 0, -ENOENT, -EACCES, -EEXIST. */
int badges_revoke(struct ctx *c, int64_t id, const char *reason);

/*
 * The credentials of holder (users.id), or with holder 0 every credential
 * of ctx's district (administrators and the operator): a JSON array of
 * {id, uuid, achievement, recipient, issued, expires, revoked, reason}.
 */
int badges_list(struct ctx *c, int64_t holder, json_t **ret);

/* The signed credential id (VC-JWT, malloc'ed) for its holder: 0, -ENOENT, -EACCES. */
int badges_export(struct ctx *c, int64_t id, char **ret_jwt);

/* Define or update an achievement with its rubric rows (the operator; the demo). */
int badges_define(struct ctx *c, const char *slug, const char *name, const char *description,
                  const char *competency, const char *method, const char *evidence,
                  const char *const *rubric, size_t n_rubric, int64_t *ret_id);

/* ---- the evidence workflow ---- */

#define BADGE_EVIDENCE_MAX 20000 /* bytes of each piece of evidence */
#define BADGE_FEEDBACK_MAX 2000

/*
 * The teacher (ctx->who) submits evidence for achievement slug: evidence is
 * {"lesson_plan", "work_samples", "reflection"} (1 to BADGE_EVIDENCE_MAX
 * bytes each; work samples with students' names removed) and optionally
 * "data_note" (what the class's data showed). A returned submission may be
 * submitted again (the next round). 0 and *ret_id; -EEXIST while one waits
 * for its assessment or once passed; -EINVAL naming the field.
 */
int badges_submit(struct ctx *c, const char *slug, json_t *evidence, int64_t *ret_id);

/*
 * An assessor (a PD coordinator, or a coach at the applicant's school; never
 * the applicant) scores every rubric row of submission id: scores is
 * [{"row": N, "met": true|false, "feedback": "..."}], one per row. All met:
 * the submission passes and the credential is awarded; otherwise it is
 * returned to the applicant, who may submit again. *ret_state is "passed" or
 * "returned", *ret_credential the award (0: none). -EEXIST: already decided.
 */
int badges_score(struct ctx *c, int64_t id, json_t *scores, const char **ret_state,
                 int64_t *ret_credential);

/*
 * Submission id with its evidence and the rubric (each row's criterion, and
 * its score and feedback once scored), for the applicant or an assessor.
 */
int badges_submission(struct ctx *c, int64_t id, json_t **ret);

/* ---- public: no login, nothing about any person ---- */

/* The district's key set ({"keys": [...]}, each with kid, alg, use "sig"); a new reference. */
int badges_jwks(struct ctx *c, int64_t district_id, json_t **ret);
/* The issuer Profile (OB 3.0 B.1.7). */
int badges_issuer(struct ctx *c, int64_t district_id, json_t **ret);
/* The BitstringStatusListCredential of the district's revocations (unsigned JSON). */
int badges_status_list(struct ctx *c, int64_t district_id, json_t **ret);
/*
 * What the public verification page shows of credential uuid: {verification: {verified,
 * issuer, achievement, status, reason}, credential: the signed credential, jwt}; nothing
 * beyond what the credential holds. 0, or -ENOENT.
 */
int badges_public_view(struct ctx *c, const char *uuid, json_t **ret);
/* Credential uuid baked into a PNG (OB 3.0 baking; badge_png.h) in out: 0, or -ENOENT. */
int badges_public_png(struct ctx *c, const char *uuid, struct buf *out);
/* The VC-JWT of credential uuid as issued (malloc'ed): 0, or -ENOENT. */
int badges_public_jwt(struct ctx *c, const char *uuid, char **ret_jwt);

/*
 * Verify text (a VC-JWT) with the keys of this Trellis's database: the
 * issuer's district is found from iss; the status from the stored
 * revocation. Fills *v; 0, or a storage error.
 */
int badges_verify_local(struct ctx *c, const char *text, size_t len, struct badge_verdict *v);

/* The verdict as JSON {verified, issuer, achievement, status, reason} (a new reference). */
json_t *badges_verdict_json(const struct badge_verdict *v);

#endif

/*
 * Micro-credentials (migration 0027): achievements, the credentials issued
 * for them, and the issuer's signing keys. No access decision here:
 * src/app/badges.c asks the gate (RES_CREDENTIALS) before it reads or
 * changes a person's credentials. A teacher's credential is not student
 * data: these functions take no grant. The private key is sealed with the
 * key file (store/seal.c) here and never stored in the clear.
 */
#ifndef TRELLIS_STORE_BADGES_H
#define TRELLIS_STORE_BADGES_H

#include <stdint.h>

#include "base/buf.h"
#include "base/common.h"

struct db;

struct badge_achievement_row {
    int64_t id, district_id;
    char slug[64];
    char name[256];
    char description[2048];
    char competency[2048];
    char method[1024];
    char evidence_required[2048];
    int64_t created_ms;
};

struct badge_credential_row {
    int64_t id, district_id;
    char uuid[40];
    int64_t achievement_id, recipient_id;
    char awarded_by[256];
    int64_t awarded_by_user; /* 0: not a rostered person (the operator) */
    int64_t issued_ms, expires_ms, status_index;
    char kid[48];
    char *jwt; /* malloc'ed (store_badge_credential_release) */
    int64_t revoked_ms;
    char revoked_reason[512];
    char revoked_by[256];
    /* joined for lists */
    char achievement_name[256];
    char recipient_name[300];
};
void store_badge_credential_release(struct badge_credential_row *row);

/* Insert or update (by district and slug) an achievement: 0 and *ret_id. */
int store_badge_achievement_put(struct db *db, const struct badge_achievement_row *row,
                                int64_t *ret_id);
/* Add a rubric row (ord from 1). */
int store_badge_rubric_put(struct db *db, int64_t district_id, int64_t achievement_id, int64_t ord,
                           const char *criterion, const char *pass_level);
/* Achievement id of the district: 0, or -ENOENT. */
int store_badge_achievement_get(struct db *db, int64_t district_id, int64_t id,
                                struct badge_achievement_row *ret);
int store_badge_achievement_by_slug(struct db *db, int64_t district_id, const char *slug,
                                    struct badge_achievement_row *ret);
/* The district's achievements by name. */
int store_badge_achievements(struct db *db, int64_t district_id,
                             int (*cb)(void *arg, const struct badge_achievement_row *row),
                             void *arg);

/*
 * The district's current signing key: the private key (PKCS#8 DER, opened
 * with the seal, into der, which the caller wipes), its kid and its alg.
 * 0, or -ENOENT (no key yet), -EBADMSG (the key file does not open it).
 */
int store_badge_key_current(struct db *db, int64_t district_id, struct buf *der, char kid[48],
                            char alg[16]);
/* Store a new current key (der sealed here); older ones are retired, not removed. */
int store_badge_key_add(struct db *db, int64_t district_id, const char *kid, const char *alg,
                        const void *der, size_t n, const char *public_jwk, int64_t now_ms);
/* Every public JWK of the district (current and retired), oldest first. */
int store_badge_public_keys(struct db *db, int64_t district_id,
                            int (*cb)(void *arg, const char *jwk_json), void *arg);

/* The next free status index of the district. */
int store_badge_next_index(struct db *db, int64_t district_id, int64_t *ret);
/* Insert an issued credential (its id is ignored): 0 and *ret_id; -EEXIST. */
int store_badge_credential_add(struct db *db, const struct badge_credential_row *row,
                               int64_t *ret_id);
/* Credential id (with its jwt): 0, or -ENOENT. *ret is cleared first (release it either way). */
int store_badge_credential_get(struct db *db, int64_t id, struct badge_credential_row *ret);
int store_badge_credential_by_uuid(struct db *db, const char *uuid,
                                   struct badge_credential_row *ret);
/*
 * The district's credentials, newest first (recipient_id 0: everyone's),
 * with the achievement's and the recipient's names; jwt is not read.
 */
int store_badge_credentials(struct db *db, int64_t district_id, int64_t recipient_id,
                            int (*cb)(void *arg, const struct badge_credential_row *row),
                            void *arg);
/* Revoke credential id of the district: 0, -ENOENT, -EEXIST (already revoked). */
int store_badge_revoke(struct db *db, int64_t district_id, int64_t id, int64_t now_ms,
                       const char *reason, const char *by);
/* The status indexes of the district's revoked credentials. */
int store_badge_revoked(struct db *db, int64_t district_id, int (*cb)(void *arg, int64_t index),
                        void *arg);
/* A rostered person's display name and primary role: 0, or -ENOENT. */
int store_badge_person(struct db *db, int64_t district_id, int64_t user_id, char name[300],
                       char role[32]);
/* A person of the district by username or sourcedId: 0, or -ENOENT. */
int store_badge_person_find(struct db *db, int64_t district_id, const char *who,
                            int64_t *ret_user_id);

/* Up to max teachers of the district (users.id), in id order: 0 and *ret_n. */
int store_badge_teachers(struct db *db, int64_t district_id, int64_t *ids, size_t max,
                         size_t *ret_n);

/* ---- the evidence workflow ---- */

struct badge_submission_row {
    int64_t id, district_id, achievement_id, applicant_id, round;
    char *evidence; /* malloc'ed JSON text (store_badge_submission_release) */
    char state[16];
    int64_t submitted_ms, decided_ms;
    char assessor[256];
    int64_t credential_id; /* 0: none */
};
void store_badge_submission_release(struct badge_submission_row *row);

/* The achievement's rubric rows in order: cb(ord, criterion). */
int store_badge_rubric(struct db *db, int64_t district_id, int64_t achievement_id,
                       int (*cb)(void *arg, int64_t ord, const char *criterion), void *arg);
/* The applicant's latest submission for the achievement: 0, or -ENOENT. */
int store_badge_submission_latest(struct db *db, int64_t district_id, int64_t achievement_id,
                                  int64_t applicant_id, struct badge_submission_row *ret);
/* Insert a submission (id ignored): 0 and *ret_id. */
int store_badge_submission_add(struct db *db, const struct badge_submission_row *row,
                               int64_t *ret_id);
/* Submission id: 0, or -ENOENT (*ret is cleared first). */
int store_badge_submission_get(struct db *db, int64_t id, struct badge_submission_row *ret);
/* Record the decision: state, when, by whom, the credential (0: none). */
int store_badge_submission_decide(struct db *db, int64_t id, const char *state, int64_t now_ms,
                                  const char *assessor, int64_t credential_id);
/* Set the credential a passed submission awarded. */
int store_badge_submission_link(struct db *db, int64_t id, int64_t credential_id);
/* Score rubric row ord of submission id. */
int store_badge_score_put(struct db *db, int64_t district_id, int64_t submission_id, int64_t ord,
                          bool met, const char *feedback);
/* The scores of submission id in order: cb(ord, met, feedback). */
int store_badge_scores(struct db *db, int64_t submission_id,
                       int (*cb)(void *arg, int64_t ord, bool met, const char *feedback),
                       void *arg);

#endif

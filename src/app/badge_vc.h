/*
 * Open Badges 3.0 credentials as VC-JWTs (badge_vc.c): building an
 * OpenBadgeCredential (OB 3.0 section 8.1; W3C VC Data Model 2.0), signing
 * it as a JWT whose payload is the credential with the registered claims
 * (OB 3.0 section 8.2), and verifying one against a key set (JWKS, RFC 7517
 * section 5). Knows nothing about the database: the caller supplies keys and
 * resolves the status entry (Bitstring Status List). Reentrant.
 */
#ifndef TRELLIS_APP_BADGE_VC_H
#define TRELLIS_APP_BADGE_VC_H

#include <jansson.h>
#include <stdint.h>

#include "app/jws.h"
#include "base/buf.h"
#include "base/common.h"

#define BADGE_VC_CONTEXT  "https://www.w3.org/ns/credentials/v2"
#define BADGE_OB3_CONTEXT "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
#define BADGE_OB3_SCHEMA                                   \
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/" \
    "ob_v3p0_achievementcredential_schema.json"
#define BADGE_STATUS_LIST_N 131072 /* bits in a status list (16 KiB: the VC minimum) */

/* What a credential says; every string is borrowed. */
struct badge_vc_in {
    const char *id;          /* urn:uuid:... */
    const char *issuer_id;   /* the issuer profile's URL */
    const char *issuer_name; /* the district */
    const char *achievement_id, *achievement_name, *achievement_description, *criteria;
    const char *recipient_id;   /* the subject's id (a URN naming the teacher in the district) */
    const char *recipient_name; /* shown on the verification page (IdentityObject, name) */
    int64_t valid_from_ms, valid_until_ms; /* valid_until 0: does not expire */
    const char *status_list;               /* the status list credential's URL; NULL: none */
    int64_t status_index;
};

/* The OpenBadgeCredential as JSON (a new reference): 0, -EINVAL (a field is missing), -ENOMEM. */
int badge_vc_credential(const struct badge_vc_in *in, json_t **ret);

/*
 * Sign cred as a VC-JWT with key (RS256 for RSA, EdDSA for Ed25519), the
 * header naming kid: appends the compact JWS to out. 0 or a negative errno.
 */
int badge_vc_sign(EVP_PKEY *key, const char *kid, json_t *cred, struct buf *out);

/* The outcome of a verification. */
struct badge_verdict {
    bool verified;         /* the signature, the claims and the dates hold (status apart) */
    char issuer[512];      /* issuer.id, or "" */
    char achievement[512]; /* credentialSubject.achievement.name, or "" */
    char credential_id[256];
    char status[16];  /* "active", "revoked", "expired", "unchecked" */
    char reason[256]; /* why not verified, or "" */
    /* the status entry (BitstringStatusListEntry), for the caller to resolve */
    char status_list[512];
    int64_t status_index; /* -1: none */
};

/*
 * Verify text (a VC-JWT, or a JSON credential with an embedded proof, which
 * is read but whose proof this verifier cannot check) with the keys of jwks
 * (an object with a "keys" array) at now_ms. Fills *v; returns 0 when the
 * text was read (verified or not), -ENOMEM otherwise.
 */
int badge_vc_verify(const char *text, size_t len, json_t *jwks, int64_t now_ms,
                    struct badge_verdict *v);

/*
 * Apply a status list credential (a BitstringStatusListCredential fetched
 * by the caller) to a verdict: when v's entry names list (its id, without
 * the fragment), the entry's bit decides: set, v is revoked (verified
 * false); clear, active. A list that is not the entry's, or that cannot be
 * read, leaves the status "unchecked" and says why in v->reason when the
 * credential verified. 0, or -ENOMEM.
 */
int badge_vc_apply_status(struct badge_verdict *v, json_t *list);

/*
 * A Bitstring Status List's encodedList (W3C Bitstring Status List section
 * 3.2: GZIP-compressed, base64url with a leading 'u' multibase prefix) of
 * BADGE_STATUS_LIST_N bits with the given bits set (bit 0 is the leftmost of
 * the first byte). A malloc'ed string in *ret. 0, -EINVAL, -ENOMEM.
 */
int badge_status_encode(const int64_t *set, size_t n, char **ret);
/* Is bit index set in an encodedList? 1, 0, or -EINVAL. */
int badge_status_bit(const char *encoded, int64_t index);

#endif

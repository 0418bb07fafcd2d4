/*
 * Shared between the LRS's own files (lrs.c, lrs_validate.c, lrs_query.c,
 * lrs_attach.c); not for other modules (they use lrs.h).
 */
#ifndef TRELLIS_APP_LRS_INTERNAL_H
#define TRELLIS_APP_LRS_INTERNAL_H

#include <jansson.h>
#include <stdint.h>

#include "app/lrs.h"
#include "base/arena.h"

#define LRS_VOIDED_VERB     "http://adlnet.gov/expapi/verbs/voided"
#define LRS_SIGNATURE_USAGE "http://adlnet.gov/expapi/attachments/signature"
#define LRS_MAX_TERMS       64
#define LRS_MAX_BATCH       5000
#define LRS_PAGE_MAX        500

bool lrs_is_uuid(const char *s);
bool lrs_is_iri(const char *s);
/* Validate an Agent or Group given as a query parameter (agent=). */
int lrs_validate_actor(json_t *a, char *err, size_t errlen);

/* The 63-bit hash of a term's canonical text (lrs_terms.hash). */
int64_t lrs_term_hash(const char *text);
/* The canonical identity text of an Agent or Identified Group; NULL for anonymous groups. */
const char *lrs_actor_key(struct arena *a, json_t *o);

/*
 * Check the statements' attachments against the parts of the request
 * (every attachment without fileUrl has a part with its sha2; every part
 * belongs to an attachment) and verify signatures (lrs_attach.c).
 */
int lrs_check_attachments(struct ctx *c, const struct lrs_write *w, json_t *const *sts, size_t n);

/*
 * Verify a signed statement (JWS compact serialisation in the signature
 * attachment): the algorithm (RS256/384/512), the signature over the
 * header and payload, and that the payload is the statement (lrs_jws.c).
 */
int lrs_verify_signature(struct ctx *c, json_t *st, const void *jws, size_t len);

/*
 * X-Experience-API-Consistent-Through, read BEFORE a read snapshot begins:
 * every statement stored at or before it is visible to that snapshot (the
 * clock, or just before the batch the writer is committing).
 */
int64_t lrs_consistent_now(struct ctx *c);

/* Store single context activities as arrays of one (xAPI 2.4.6.2); changes st. */
void lrs_context_arrays(json_t *st);

/* Cut result.duration to 0.01 s for comparing statements (xAPI 2.0.0 4.2.7); changes st. */
void lrs_comparable_durations(json_t *st);

/* The terms a stored statement is found by (kinds: enum lrs_term_kind); their number. */
size_t lrs_terms_of(struct arena *a, json_t *st, int kinds[LRS_MAX_TERMS],
                    int64_t hashes[LRS_MAX_TERMS]);

/*
 * The stored body: pack a statement's text (without stored, and without
 * timestamp when the LRS sets it) into a malloc'ed blob, maybe deflated
 * (flags gets LRS_FLAG_DEFLATED); unpack a blob back into the full
 * statement text (stored and timestamp spliced in from their columns).
 */
struct buf;
int lrs_pack(const char *text, size_t len, char **ret, size_t *ret_len, int *flags);
int lrs_unpack(int flags, int64_t stored_ms, int64_t timestamp_ms, const void *blob, size_t n,
               struct buf *out);

#endif

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

#endif

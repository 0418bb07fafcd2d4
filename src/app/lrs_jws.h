/*
 * Signed statements (lrs_jws.c), for the LRS's own files: uses the
 * canonical form (lrs_canon.h) and nothing above it.
 */
#ifndef TRELLIS_APP_LRS_JWS_H
#define TRELLIS_APP_LRS_JWS_H

#include <jansson.h>

#include "app/ctx.h"

/*
 * Verify a signed statement (JWS compact serialisation in the signature
 * attachment): the algorithm (RS256/384/512), the signature over the
 * header and payload, and that the payload is the statement. 0, or
 * -EINVAL with the rule in c->err.
 */
int lrs_verify_signature(struct ctx *c, json_t *st, const void *jws, size_t len);

#endif

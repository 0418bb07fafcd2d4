/*
 * Shared between the LRS's own files (lrs.c, lrs_validate.c, lrs_query.c,
 * lrs_retention.c); not for other modules (they use lrs.h). The pieces
 * below the writes have their own headers, each including only what is
 * below it: lrs_canon.h (canonical form) and lrs_body.h (stored form) at
 * the bottom, lrs_jws.h (signatures) on the canonical form, lrs_attach.h
 * (attachments) on signatures; lrs.c (writes) uses them all.
 */
#ifndef TRELLIS_APP_LRS_INTERNAL_H
#define TRELLIS_APP_LRS_INTERNAL_H

#include <jansson.h>
#include <stdint.h>

#include "app/ctx.h"
#include "app/lrs.h"
#include "app/lrs_body.h"
#include "app/lrs_canon.h"

#define LRS_VOIDED_VERB "http://adlnet.gov/expapi/verbs/voided"
#define LRS_MAX_BATCH   5000
#define LRS_PAGE_MAX    500

bool lrs_is_uuid(const char *s);
bool lrs_is_iri(const char *s);
/* Validate an Agent or Group given as a query parameter (agent=). */
int lrs_validate_actor(json_t *a, char *err, size_t errlen);

/*
 * X-Experience-API-Consistent-Through, read BEFORE a read snapshot begins:
 * every statement stored at or before it is visible to that snapshot (the
 * clock, or just before the batch the writer is committing).
 */
int64_t lrs_consistent_now(struct ctx *c);

#endif

/*
 * The canonical form of a statement, shared by the LRS's own files (not
 * for other modules): what identifies an agent, the terms a statement is
 * found by, and the normalisations applied before statements are stored
 * or compared. Pure functions over jansson values; includes nothing of the
 * LRS but lrs.h's types.
 */
#ifndef TRELLIS_APP_LRS_CANON_H
#define TRELLIS_APP_LRS_CANON_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/common.h"

#define LRS_MAX_TERMS 64

/* The 63-bit hash of a term's canonical text (lrs_terms.hash). */
int64_t lrs_term_hash(const char *text);
/* The canonical identity text of an Agent or Identified Group; NULL for anonymous groups. */
const char *lrs_actor_key(struct arena *a, json_t *o);
/* Is o's objectType type (dflt when it has none)? */
bool lrs_is_type(json_t *o, const char *type, bool dflt);

/* Store single context activities as arrays of one (xAPI 2.4.6.2); changes st. */
void lrs_context_arrays(json_t *st);

/* Cut result.duration to 0.01 s for comparing statements (xAPI 2.0.0 4.2.7); changes st. */
void lrs_comparable_durations(json_t *st);

/* The terms a stored statement is found by (kinds: enum lrs_term_kind); their number. */
size_t lrs_terms_of(struct arena *a, json_t *st, int kinds[LRS_MAX_TERMS],
                    int64_t hashes[LRS_MAX_TERMS]);

#endif

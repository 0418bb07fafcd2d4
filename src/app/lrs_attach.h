/*
 * Attachments of a write (lrs_attach.c), for the LRS's own files: uses
 * signatures (lrs_jws.h) and nothing above it.
 */
#ifndef TRELLIS_APP_LRS_ATTACH_H
#define TRELLIS_APP_LRS_ATTACH_H

#include <jansson.h>

#include "app/ctx.h"
#include "app/lrs.h"

#define LRS_SIGNATURE_USAGE "http://adlnet.gov/expapi/attachments/signature"

/*
 * Check the statements' attachments against the parts of the request:
 * every part's content has the SHA-2 hash it claims (any length), every
 * attachment without fileUrl has a part with its sha2, every part belongs
 * to an attachment; and verify signatures. On success *ret_parts (c's
 * arena, w->n_parts of them, NULL if none) are w's parts with sha2 the
 * hash computed from their content in lower-case hex: the key to store
 * them under. -EINVAL with the rule and the part in c->err.
 */
int lrs_check_attachments(struct ctx *c, const struct lrs_write *w, json_t *const *sts, size_t n,
                          struct lrs_part **ret_parts);

#endif

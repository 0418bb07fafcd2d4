/*
 * The stored body of a statement, shared by the LRS's own files (not for
 * other modules): pack a statement's text (without stored, and without
 * timestamp when the LRS sets it) into a malloc'ed blob, maybe deflated
 * (flags gets LRS_FLAG_DEFLATED); unpack a blob back into the full
 * statement text (stored and timestamp spliced in from their columns).
 * Thread-safe.
 */
#ifndef TRELLIS_APP_LRS_BODY_H
#define TRELLIS_APP_LRS_BODY_H

#include <stdint.h>

#include "base/common.h"

struct buf;
int lrs_pack(const char *text, size_t len, char **ret, size_t *ret_len, int *flags);
int lrs_unpack(int flags, int64_t stored_ms, int64_t timestamp_ms, const void *blob, size_t n,
               struct buf *out);

#endif

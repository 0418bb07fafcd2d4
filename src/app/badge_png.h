/*
 * Baked badges (badge_png.c): a credential inside a PNG image, as Open
 * Badges 3.0 bakes one (OB 3.0 section 5.3 "Baking", PNG): an iTXt chunk
 * with the keyword "openbadgecredential", uncompressed, whose text is the
 * VC-JWT. The image is drawn here (a plain round badge in the district's
 * accent colour); no I/O. Reentrant.
 */
#ifndef TRELLIS_APP_BADGE_PNG_H
#define TRELLIS_APP_BADGE_PNG_H

#include <stddef.h>

#include "base/buf.h"

#define BADGE_PNG_KEYWORD "openbadgecredential"

/* A PNG (into out, replacing it) with jwt baked in: 0, -EINVAL (empty), -ENOMEM, -E2BIG. */
int badge_png_bake(const char *jwt, struct buf *out);
/*
 * The credential baked into png (n bytes), malloc'ed in *ret: 0, -EINVAL (not a PNG, a chunk
 * cut short or with a wrong CRC), -ENOENT (no openbadgecredential chunk), -ENOMEM.
 */
int badge_png_extract(const void *png, size_t n, char **ret);

#endif

/*
 * QR codes as SVG (libqrencode), for TOTP enrolment and login cards. The
 * SVG is one black path on a white square with the 4-module quiet zone the
 * QR standard asks for; it holds no script and no style element, so pages
 * under the strict CSP can show it as an image.
 */
#ifndef TRELLIS_APP_QR_H
#define TRELLIS_APP_QR_H

#include "base/buf.h"

/* The SVG of a QR code for text (error correction M) into out: 0, -EINVAL, -ENOMEM, -E2BIG. */
int qr_svg(const char *text, struct buf *out);

#endif

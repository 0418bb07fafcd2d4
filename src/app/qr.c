/*
 * QR codes as SVG: see qr.h.
 */
#include "base/common.h"

#include <qrencode.h>

#include "app/qr.h"

int qr_svg(const char *text, struct buf *out)
{
    QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    int r, w, size;

    if (!q)
        return errno == ENOMEM ? -ENOMEM : -EINVAL;
    w = q->width;
    size = w + 8;
    buf_reset(out);
    r = buf_appendf(out,
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                    "shape-rendering=\"crispEdges\"><path fill=\"#fff\" d=\"M0 0h%dv%dH0z\"/>"
                    "<path fill=\"#000\" d=\"",
                    size, size, size, size);
    for (int y = 0; r == 0 && y < w; y++)
        for (int x = 0; r == 0 && x < w; x++)
            if (q->data[y * w + x] & 1)
                r = buf_appendf(out, "M%d %dh1v1h-1z", x + 4, y + 4);
    if (r == 0)
        r = buf_appends(out, "\"/></svg>");
    QRcode_free(q);
    return r;
}

/*
 * Fuzz the multipart/mixed reader (xAPI attachments): the first line of the
 * input is the Content-Type value, the rest the body. It must never crash
 * or read outside the input; every part it hands back lies inside the body
 * and every failure names its part.
 */
#include "base/common.h"

#include <stdlib.h>

#include "base/multipart.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    const char *nl = memchr(p, '\n', size);
    char ct[256];
    struct multipart_part parts[16];
    struct str bd;
    size_t n = 0;
    char err[200];

    if (!nl || (size_t)(nl - p) >= sizeof(ct))
        return 0;
    memcpy(ct, p, (size_t)(nl - p));
    ct[nl - p] = '\0';
    if (multipart_boundary(ct, &bd) < 0)
        return 0;
    if (bd.p < ct || bd.p + bd.len > ct + strlen(ct) || bd.len == 0)
        abort();
    const char *body = nl + 1;
    size_t len = size - (size_t)(body - p);
    if (multipart_parse(bd, body, len, parts, ARRAY_SIZE(parts), &n, err, sizeof(err)) < 0) {
        if (strncmp(err, "multipart: part ", 16) != 0)
            abort();
        return 0;
    }
    if (n == 0 || n > ARRAY_SIZE(parts))
        abort();
    for (size_t i = 0; i < n; i++) {
        if (parts[i].data < body || parts[i].data + parts[i].len > body + len)
            abort();
        for (size_t h = 0; h < parts[i].n_headers; h++)
            if (parts[i].names[h].p < body ||
                parts[i].values[h].p + parts[i].values[h].len > body + len)
                abort();
    }
    return 0;
}

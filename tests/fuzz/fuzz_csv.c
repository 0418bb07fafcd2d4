/*
 * Fuzz the strict CSV reader: it must never crash, never read outside the
 * input, and every field it hands back must be valid UTF-8 without NUL,
 * CR or LF, and lie inside the input or the reader's own buffer.
 */
#include "base/common.h"

#include <stdlib.h>

#include "base/csvread.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct csvr r;
    const char *p = (const char *)data;
    int rc;

    csvr_init(&r, p, size);
    while ((rc = csvr_next(&r)) != 0) {
        if (rc == -ENOMEM)
            abort();
        if (rc < 0) {
            if (!r.err[0] || r.err_col == 0)
                abort();
            continue;
        }
        for (size_t i = 0; i < r.n; i++) {
            struct str f = r.fields[i];
            bool in_input = f.p >= p && f.p + f.len <= p + size;
            bool in_scratch = r.scratch.data && f.p >= r.scratch.data &&
                              f.p + f.len <= r.scratch.data + r.scratch.cap;
            if (f.len && !in_input && !in_scratch)
                abort();
            if (memchr(f.p, '\n', f.len) || memchr(f.p, '\r', f.len) || memchr(f.p, 0, f.len))
                abort();
            if (!str_valid_utf8(f))
                abort();
        }
    }
    csvr_release(&r);
    return 0;
}

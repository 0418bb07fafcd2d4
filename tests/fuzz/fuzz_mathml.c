/*
 * Fuzz the TeX subset to MathML converter (core/mathml.h) with any bytes,
 * as text with $...$ segments and as TeX: it must return 0 with a buffer
 * of mathml_bound() bytes, write no more than that, produce only the
 * markup mathml.c writes, well nested (mathml_check.h), and fail cleanly
 * with -E2BIG and an empty string when the buffer is too small.
 */
#include "base/common.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/mathml.h"
#include "fuzz.h"
#include "mathml_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    size_t cap = mathml_bound(size), len;
    char *out = malloc(cap), small[48];
    struct mathml_stats st;
    const char *bad;

    if (!out)
        return 0;
    if (mathml_render_text(in, size, out, cap, &len, &st) != 0 || len + 1 > cap ||
        strlen(out) != len)
        abort();
    if ((bad = mathml_check(out)) != NULL) {
        fprintf(stderr, "mathml_render_text: %s\n", bad);
        abort();
    }
    if (mathml_render_tex(in, size, size & 1, out, cap, &len, &st) != 0 || len + 1 > cap)
        abort();
    if ((bad = mathml_check(out)) != NULL) {
        fprintf(stderr, "mathml_render_tex: %s\n", bad);
        abort();
    }
    int r = mathml_render_text(in, size, small, sizeof(small), &len, &st);
    if (r != 0 && (r != -E2BIG || small[0] != '\0'))
        abort();
    free(out);
    return 0;
}

/*
 * Fuzz answer checking (src/core/answer.h): the first byte picks the type
 * (low three bits) and the simplified flag (bit 3), the rest is the
 * expected answer, a NUL, and the given answer (no NUL: both are the rest).
 * Whatever comes in, answer_check returns 0 or -EINVAL with a short
 * reason, and an answer compared with itself is never judged different
 * (evaluation is deterministic, normalisation idempotent).
 */
#include "base/common.h"

#include <stdlib.h>

#include "core/answer.h"
#include "fuzz.h"

static struct answer_work work;

static void check_reason(const struct answer_result *r)
{
    size_t n = strnlen(r->reason, sizeof(r->reason));
    if (n == 0 || n >= sizeof(r->reason))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct answer_spec sp;
    struct answer_result res;
    const char *e, *g;
    size_t el, gl;
    int r;

    if (size < 1)
        return 0;
    sp = ANSWER_SPEC_DEFAULTS((enum answer_type)(data[0] & 7u) % 5);
    sp.simplified = (data[0] & 8u) != 0;
    sp.seed = data[0] >> 4;
    e = (const char *)data + 1;
    el = size - 1;
    const uint8_t *nul = memchr(data + 1, 0, size - 1);
    if (nul) {
        el = (size_t)(nul - (data + 1));
        g = (const char *)nul + 1;
        gl = size - 1 - el - 1;
    } else {
        g = e;
        gl = el;
    }
    r = answer_check(&sp, e, el, g, gl, &work, &res);
    if (r != 0 && r != -EINVAL)
        abort();
    if (r != 0 && res.correct)
        abort();
    check_reason(&res);
    /* itself: never judged different */
    r = answer_check(&sp, g, gl, g, gl, &work, &res);
    check_reason(&res);
    if (r == 0 &&
        (strcmp(res.reason, "not_equivalent") == 0 || strcmp(res.reason, "different_value") == 0 ||
         strcmp(res.reason, "different_text") == 0 || strcmp(res.reason, "different_choice") == 0 ||
         strcmp(res.reason, "extra_choice") == 0 || strcmp(res.reason, "missing_choice") == 0))
        abort();
    return 0;
}

/*
 * Fuzz the content pack reader (app/content_pack.c, content_oatutor.c):
 * the input is a set of files separated by lines "==> PATH" (pack.json,
 * items/x.json, or content-pool/P/P.json and skillModel.json for an
 * OATutor pool). Reading must never crash or leak; a pack refused has at
 * least one error, each "file[:field]: reason" naming a file of the input
 * (or the place a missing file belongs); a pack accepted has a digest and
 * items whose texts all render as MathML.
 */
#include "base/common.h"

#include <stdio.h>
#include <stdlib.h>

#include "app/content_internal.h"
#include "base/mem.h"
#include "core/mathml.h"
#include "fuzz.h"

static void render_all(const json_t *j)
{
    static char out[1 << 20];
    size_t len;
    if (json_is_string(j)) {
        size_t n = json_string_length(j);
        if (mathml_bound(n) <= sizeof(out) &&
            mathml_render_text(json_string_value(j), n, out, sizeof(out), &len, NULL) != 0)
            abort();
    } else if (json_is_object(j)) {
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)j, k, v) render_all(v);
    } else if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) render_all(v);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct content_memfile files[16];
    char names[16][80];
    size_t n = 0;
    const char *p = (const char *)data, *end = p + size;
    struct content_source *src = NULL;
    struct content_errors errs = {0}, skipped = {0};
    struct content_oatutor_counts counts;
    struct content_doc doc;
    int r;

    json_set_alloc_funcs(mem_alloc, mem_free);
    while (p < end && n < ARRAY_SIZE(files)) {
        const char *nl, *next;
        if (end - p < 4 || memcmp(p, "==> ", 4) != 0)
            break;
        nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl || nl - p - 4 >= (long)sizeof(names[0]) || nl - p - 4 == 0)
            break;
        snprintf(names[n], sizeof(names[n]), "%.*s", (int)(nl - p - 4), p + 4);
        next = nl + 1;
        const char *stop = next;
        while (stop < end && !(stop + 5 <= end && memcmp(stop, "\n==> ", 5) == 0))
            stop++;
        files[n].path = names[n];
        files[n].data = next;
        files[n].len = (size_t)(stop - next);
        n++;
        p = stop < end ? stop + 1 : end;
    }
    if (content_source_memory(files, n, &src) != 0)
        return 0;
    if (content_is_oatutor(src))
        r = content_parse_oatutor(src, "fuzz", &errs, &skipped, &counts, &doc);
    else
        r = content_parse_trellis(src, &errs, &doc);
    if (r == 0) {
        if (strlen(doc.digest) != 64)
            abort();
        render_all(doc.items);
        render_all(doc.manifest);
        content_doc_release(&doc);
    } else if (r == -EINVAL) {
        if (errs.n + errs.more == 0)
            abort();
        for (size_t i = 0; i < errs.n; i++)
            if (!strstr(errs.v[i], ": "))
                abort();
    } else if (r != -ENOMEM) {
        abort();
    }
    content_errors_release(&errs);
    content_errors_release(&skipped);
    content_source_free(src);
    return 0;
}

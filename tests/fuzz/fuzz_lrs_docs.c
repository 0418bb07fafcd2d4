/*
 * Fuzz the parsers of the xAPI document resources: the If-Match /
 * If-None-Match list (RFC 9110 13.1.1-2; parsed in src/http/xapi.c,
 * matched in src/app/lrs_docs.c), the agent parameter (a JSON Agent with
 * one inverse functional identifier) and the JSON merge of POST. The input is split at the first
 * two NUL bytes into a header value, an agent and a document to merge into it.
 */
#include "base/common.h"

#include <stdlib.h>

#include "app/ctx.h"
#include "app/lrs_docs.h"
#include "fuzz.h"
#include "http/xapi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena arena = ARENA_INIT;
    struct ctx c;
    char *buf = malloc(size + 3), *parts[3];
    size_t n = 0, start = 0;
    const char *key;
    char *merged;
    size_t merged_len;

    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = buf[size + 1] = buf[size + 2] = '\0';
    for (size_t i = 0; i <= size + 2 && n < 3; i++) {
        if (buf[i] == '\0') {
            parts[n++] = buf + start;
            start = i + 1;
        }
    }
    memset(&c, 0, sizeof(c));
    c.arena = &arena;

    struct lrs_docs_etags l;
    if (xapi_etags(&arena, parts[0], &l) < 0 || !l.present || (l.any && l.n))
        abort();
    int m = lrs_docs_etag_listed(&l, "\"a94a8fe5ccb19ba61c4c0873d391e987982fbbd3\"");
    if (m != -EINVAL && m != 0 && m != 1)
        abort();
    for (size_t i = 0; i < l.n; i++)
        if (strchr(l.tags[i], '"'))
            abort(); /* a tag is the opaque part, without its quotes */
    if (lrs_docs_agent_key(&c, parts[1], &key, NULL, NULL, NULL) == 0 &&
        (!key || strncmp(c.err, "", 1) != 0))
        abort();
    int r = lrs_docs_merge(&c, parts[1], strlen(parts[1]), parts[2], strlen(parts[2]), &merged,
                           &merged_len);
    if (r == 0 && strlen(merged) != merged_len)
        abort();
    (void)lrs_docs_is_json(parts[0]);
    arena_release(&arena);
    free(buf);
    return 0;
}

/*
 * A strict multipart/mixed reader (RFC 2046 5.1) for xAPI attachments:
 * the boundary from the Content-Type, then each part's headers and content
 * as views into the body. No copies, no allocation. Fuzzed
 * (tests/fuzz/fuzz_multipart.c).
 */
#ifndef TRELLIS_BASE_MULTIPART_H
#define TRELLIS_BASE_MULTIPART_H

#include "base/common.h"
#include "base/str.h"

#define MULTIPART_MAX_HEADERS 8

struct multipart_part {
    struct str names[MULTIPART_MAX_HEADERS];
    struct str values[MULTIPART_MAX_HEADERS];
    size_t n_headers;
    const char *data;
    size_t len;
};

/* A header of a part by name (case-insensitive), or STR_NULL. */
struct str multipart_header(const struct multipart_part *p, const char *name);

/*
 * The boundary parameter of a multipart Content-Type value: 0 and a view
 * into content_type, or -EINVAL (not multipart/mixed, no or bad boundary).
 */
int multipart_boundary(const char *content_type, struct str *ret);

/*
 * Split body into at most max parts. 0 with *ret_n, or -EINVAL with a
 * reason in err ("part 2: headers not ended by an empty line").
 */
int multipart_parse(struct str boundary, const char *body, size_t len, struct multipart_part *parts,
                    size_t max, size_t *ret_n, char *err, size_t errlen);

#endif

/*
 * multipart/mixed: see multipart.h.
 */
#include "base/common.h"

#include <stdio.h>
#include <strings.h>

#include "base/multipart.h"

struct str multipart_header(const struct multipart_part *p, const char *name)
{
    for (size_t i = 0; i < p->n_headers; i++)
        if (str_eq_nocase(p->names[i], name))
            return p->values[i];
    return STR_NULL;
}

int multipart_boundary(const char *ct, struct str *ret)
{
    const char *p;
    size_t n;

    if (!ct || strncasecmp(ct, "multipart/mixed", 15) != 0)
        return -EINVAL;
    p = ct + 15;
    while (*p) {
        while (*p == ';' || *p == ' ' || *p == '\t')
            p++;
        if (!strncasecmp(p, "boundary=", 9)) {
            p += 9;
            if (*p == '"') {
                const char *e = strchr(p + 1, '"');
                if (!e)
                    return -EINVAL;
                n = (size_t)(e - p - 1);
                p++;
            } else {
                n = strcspn(p, "; \t");
            }
            /* RFC 2046: 1 to 70 characters */
            if (n < 1 || n > 70)
                return -EINVAL;
            *ret = (struct str){p, n};
            return 0;
        }
        p += strcspn(p, ";");
    }
    return -EINVAL;
}

/* Find "--boundary" at the start of a line from pos; the index of the dashes or len. */
static size_t find_delim(const char *b, size_t len, size_t pos, struct str bd)
{
    for (size_t i = pos; i + 2 + bd.len <= len; i++) {
        if (b[i] == '-' && b[i + 1] == '-' && !memcmp(b + i + 2, bd.p, bd.len) &&
            (i == 0 || b[i - 1] == '\n'))
            return i;
        /* jump to the next line */
        const char *nl = memchr(b + i, '\n', len - i);
        if (!nl)
            break;
        i = (size_t)(nl - b);
    }
    return len;
}

static int fail(char *err, size_t errlen, const char *msg, size_t part)
{
    snprintf(err, errlen, "multipart: part %zu: %s", part, msg);
    return -EINVAL;
}

int multipart_parse(struct str bd, const char *b, size_t len, struct multipart_part *parts,
                    size_t max, size_t *ret_n, char *err, size_t errlen)
{
    size_t pos = find_delim(b, len, 0, bd), n = 0;

    if (pos == len)
        return fail(err, errlen, "no boundary delimiter in the body", 1);
    for (;;) {
        pos += 2 + bd.len;
        if (pos + 2 <= len && b[pos] == '-' && b[pos + 1] == '-')
            break; /* the close delimiter; the epilogue is ignored */
        /* transport padding, then the line break */
        while (pos < len && (b[pos] == ' ' || b[pos] == '\t'))
            pos++;
        if (pos < len && b[pos] == '\r')
            pos++;
        if (pos >= len || b[pos] != '\n')
            return fail(err, errlen, "the boundary line does not end with CRLF", n + 1);
        pos++;
        if (n == max)
            return fail(err, errlen, "too many parts", n + 1);
        struct multipart_part *p = &parts[n];
        memset(p, 0, sizeof(*p));
        /* headers up to an empty line */
        for (;;) {
            const char *nl = memchr(b + pos, '\n', len - pos);
            if (!nl)
                return fail(err, errlen, "headers not ended by an empty line", n + 1);
            size_t end = (size_t)(nl - b), e = end;
            if (e > pos && b[e - 1] == '\r')
                e--;
            if (e == pos) {
                pos = end + 1;
                break;
            }
            const char *colon = memchr(b + pos, ':', e - pos);
            if (!colon)
                return fail(err, errlen, "a header line without ':'", n + 1);
            if (p->n_headers == MULTIPART_MAX_HEADERS)
                return fail(err, errlen, "too many headers", n + 1);
            struct str name = str_trim((struct str){b + pos, (size_t)(colon - b) - pos});
            struct str value = str_trim((struct str){colon + 1, e - (size_t)(colon + 1 - b)});
            if (name.len == 0)
                return fail(err, errlen, "a header without a name", n + 1);
            p->names[p->n_headers] = name;
            p->values[p->n_headers] = value;
            p->n_headers++;
            pos = end + 1;
        }
        size_t next = find_delim(b, len, pos, bd);
        if (next == len)
            return fail(err, errlen, "no closing boundary delimiter", n + 1);
        /* the CRLF before the delimiter belongs to it */
        size_t end = next;
        if (end > pos && b[end - 1] == '\n')
            end--;
        if (end > pos && b[end - 1] == '\r')
            end--;
        if (next == pos)
            end = pos;
        p->data = b + pos;
        p->len = end - pos;
        n++;
        pos = next;
    }
    if (n == 0)
        return fail(err, errlen, "no parts", 1);
    *ret_n = n;
    return 0;
}

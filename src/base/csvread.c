/*
 * Strict CSV reader: see csvread.h. A record is one physical line (fields may
 * not hold line breaks), so the reader finds the line end first and then
 * splits the line; unescaped quoted fields go to a scratch buffer reserved
 * for the whole line, so views into it stay put while the record is built.
 */
#include "base/common.h"

#include <stdio.h>

#include "base/csvread.h"

void csvr_init(struct csvr *r, const char *p, size_t len)
{
    memset(r, 0, sizeof(*r));
    buf_init(&r->scratch, (size_t)1 << 30);
    r->p = p;
    r->end = p + len;
    r->line = 1;
    if (len >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
        (unsigned char)p[2] == 0xBF) {
        r->bom = true;
        r->p += 3;
    }
}

void csvr_release(struct csvr *r)
{
    if (r)
        buf_release(&r->scratch);
}

static int fail(struct csvr *r, size_t col, const char *why)
{
    r->err_col = col;
    snprintf(r->err, sizeof(r->err), "%s", why);
    return -EINVAL;
}

static int check_text(struct csvr *r, struct str f, size_t col)
{
    if (memchr(f.p, '\0', f.len))
        return fail(r, col, "the field holds a NUL byte");
    if (memchr(f.p, '\r', f.len))
        return fail(r, col, "a carriage return inside a field");
    if (!str_valid_utf8(f))
        return fail(r, col, "the field is not valid UTF-8");
    return 0;
}

/* Split the line [s, e) into fields. */
static int split(struct csvr *r, const char *s, const char *e)
{
    const char *p = s;
    size_t col = 1;
    int rc;

    r->n = 0;
    buf_reset(&r->scratch);
    rc = buf_reserve(&r->scratch, (size_t)(e - s) + 1);
    if (rc < 0)
        return rc;
    for (;;) {
        struct str f;
        if (r->n >= CSVR_MAX_FIELDS)
            return fail(r, col, "more than 256 fields");
        if (p < e && *p == '"') {
            const char *q = p + 1;
            bool escaped = false, needs = false;
            for (;;) {
                const char *c = memchr(q, '"', (size_t)(e - q));
                if (!c)
                    return fail(r, col, "a quoted field is not closed on its line");
                if (c + 1 < e && c[1] == '"') {
                    escaped = true;
                    q = c + 2;
                    continue;
                }
                q = c;
                break;
            }
            /* q points at the closing quote */
            if (!escaped) {
                f.p = p + 1;
                f.len = (size_t)(q - p - 1);
            } else {
                char *dst = r->scratch.data + r->scratch.len;
                size_t n = 0;
                for (const char *c = p + 1; c < q; c++) {
                    dst[n++] = *c;
                    if (*c == '"')
                        c++;
                }
                f.p = dst;
                f.len = n;
                r->scratch.len += n;
                needs = true;
            }
            if (!needs && (memchr(f.p, ',', f.len) == NULL))
                r->needless_quotes++;
            p = q + 1;
            if (p < e && *p != ',')
                return fail(r, col, "text after the closing quote of a field");
        } else {
            const char *c = p;
            while (c < e && *c != ',') {
                if (*c == '"')
                    return fail(r, col, "a quote inside an unquoted field (quote the whole field)");
                if (*c == '\r')
                    return fail(r, col, "a carriage return inside a field");
                c++;
            }
            f.p = p;
            f.len = (size_t)(c - p);
            p = c;
        }
        rc = check_text(r, f, col);
        if (rc < 0)
            return rc;
        r->fields[r->n++] = f;
        if (p >= e)
            return 0;
        p++; /* the comma */
        col++;
    }
}

int csvr_next(struct csvr *r)
{
    const char *nl, *e;
    int rc;

    r->n = 0;
    r->err[0] = '\0';
    r->err_col = 0;
    if (r->p >= r->end)
        return 0;
    nl = memchr(r->p, '\n', (size_t)(r->end - r->p));
    e = nl ? nl : r->end;
    r->rec_line = r->line;
    if (nl && e > r->p && e[-1] == '\r') {
        e--;
        r->crlf = true;
    } else if (nl) {
        r->lf = true;
    }
    if (e == r->p) {
        /* an empty line: fine only if nothing but line ends follows */
        const char *q = r->p;
        while (q < r->end && (*q == '\n' || *q == '\r'))
            q++;
        if (q == r->end) {
            r->p = r->end;
            return 0;
        }
        r->p = nl ? nl + 1 : r->end;
        r->line++;
        return fail(r, 1, "an empty line");
    }
    rc = split(r, r->p, e);
    r->p = nl ? nl + 1 : r->end;
    r->line++;
    if (rc < 0)
        return rc;
    return 1;
}

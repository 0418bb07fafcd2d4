/*
 * String views: see str.h.
 */
#include "base/common.h"

#include <math.h>
#include <stdio.h>
#include <strings.h>

#include "base/str.h"

struct str str_from(const char *s)
{
    struct str v = {s ? s : "", s ? strlen(s) : 0};
    return v;
}

bool str_eq(struct str a, struct str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

bool str_eq_cstr(struct str a, const char *b)
{
    return str_eq(a, str_from(b));
}

bool str_eq_nocase(struct str a, const char *b)
{
    size_t n = strlen(b);
    return a.len == n && (n == 0 || strncasecmp(a.p, b, n) == 0);
}

bool str_starts_with(struct str s, const char *prefix)
{
    size_t n = strlen(prefix);
    return s.len >= n && memcmp(s.p, prefix, n) == 0;
}

struct str str_trim(struct str s)
{
    while (s.len && (s.p[0] == ' ' || s.p[0] == '\t')) {
        s.p++;
        s.len--;
    }
    while (s.len && (s.p[s.len - 1] == ' ' || s.p[s.len - 1] == '\t'))
        s.len--;
    return s;
}

bool str_next(struct str *rest, char sep, struct str *ret_tok)
{
    const char *e;

    if (!rest->p)
        return false;
    e = rest->len ? memchr(rest->p, sep, rest->len) : NULL;
    if (!e) {
        *ret_tok = *rest;
        rest->p = NULL;
        rest->len = 0;
        return true;
    }
    ret_tok->p = rest->p;
    ret_tok->len = (size_t)(e - rest->p);
    rest->len -= ret_tok->len + 1;
    rest->p = e + 1;
    return true;
}

int str_to_int64(struct str s, int64_t min, int64_t max, int64_t *ret)
{
    uint64_t v = 0, limit;
    bool neg = false;
    size_t i = 0;

    if (s.len && s.p[0] == '-') {
        neg = true;
        i = 1;
    }
    if (i == s.len)
        return -EINVAL;
    limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < s.len; i++) {
        unsigned d = (unsigned char)s.p[i] - '0';
        if (d > 9)
            return -EINVAL;
        if (v > (limit - d) / 10)
            return -ERANGE;
        v = v * 10 + d;
    }
    int64_t x = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) : (int64_t)v;
    if (x < min || x > max)
        return -ERANGE;
    *ret = x;
    return 0;
}

int str_to_double(struct str s, double *ret)
{
    char tmp[64], *end;
    double d;

    if (s.len == 0 || s.len >= sizeof(tmp))
        return -EINVAL;
    for (size_t i = 0; i < s.len; i++) {
        char c = s.p[i];
        if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'))
            return -EINVAL;
    }
    memcpy(tmp, s.p, s.len);
    tmp[s.len] = '\0';
    errno = 0;
    d = strtod(tmp, &end);
    if (end != tmp + s.len || errno == ERANGE || !isfinite(d))
        return -EINVAL;
    *ret = d;
    return 0;
}

bool str_valid_utf8(struct str s)
{
    const unsigned char *p = (const unsigned char *)s.p;
    size_t i = 0, n = s.len;

    while (i < n) {
        unsigned c = p[i];
        size_t extra;
        uint32_t cp, minv;

        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            extra = 1;
            cp = c & 0x1f;
            minv = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            extra = 2;
            cp = c & 0x0f;
            minv = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            extra = 3;
            cp = c & 0x07;
            minv = 0x10000;
        } else {
            return false;
        }
        if (n - i <= extra)
            return false;
        for (size_t k = 1; k <= extra; k++) {
            if ((p[i + k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        if (cp < minv || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += extra + 1;
    }
    return true;
}

bool str_is_clean_text(struct str s)
{
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return false;
    }
    return str_valid_utf8(s);
}

/*
 * Answer checking, the text side: UTF-8 decoding and validation, decimals,
 * and the normalisation of short text answers (NFC for Latin letters,
 * lower case, white space). See answer.h for what is covered and the NFC
 * limit. No allocation: output goes to the caller's buffer.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "core/answer.h"
#include "core/answer_internal.h"

int32_t answer_utf8_next(const char *s, size_t len, size_t *i)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t k = *i;
    uint32_t c, need, min;

    if (k >= len)
        return -1;
    c = u[k];
    if (c < 0x80) {
        *i = k + 1;
        return (int32_t)c;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        need = 1;
        c &= 0x1f;
        min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        c &= 0x0f;
        min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        c &= 0x07;
        min = 0x10000;
    } else {
        return -1;
    }
    if (len - k <= need)
        return -1;
    for (uint32_t j = 1; j <= need; j++) {
        if ((u[k + j] & 0xc0) != 0x80)
            return -1;
        c = (c << 6) | (u[k + j] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return -1;
    *i = k + 1 + need;
    return (int32_t)c;
}

int answer_utf8_check(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        int32_t c = answer_utf8_next(s, len, &i);
        if (c <= 0)
            return -EILSEQ; /* invalid, or a NUL byte */
    }
    return 0;
}

bool answer_is_space(int32_t c)
{
    return c == ' ' || (c >= 0x09 && c <= 0x0d) || c == 0xa0 || (c >= 0x2000 && c <= 0x200a) ||
           c == 0x202f || c == 0x205f || c == 0x3000;
}

bool answer_is_minus(int32_t c)
{
    return c == '-' || c == 0x2212;
}

/* ---- decimals ---------------------------------------------------------------------- */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int answer_dec_read(const char *s, size_t len, size_t i, size_t *end, struct answer_dec *ret)
{
    struct answer_dec d = {.mant = 0, .exp10 = 0, .exact = true, .has_point = false};
    size_t k = i;
    int sig = 0;
    bool any = false;

    for (; k < len && is_digit(s[k]); k++) {
        any = true;
        if (d.mant == 0 && s[k] == '0')
            continue; /* leading zeros */
        if (sig < 19) {
            d.mant = d.mant * 10 + (uint64_t)(s[k] - '0');
            sig++;
        } else {
            d.exp10++; /* a digit dropped from the integer part */
            if (s[k] != '0')
                d.exact = false;
        }
        if (d.exp10 > 100000)
            d.exp10 = 100000; /* saturate: it is out of range anyway */
    }
    if (k < len && (s[k] == '.' || s[k] == ',') && k + 1 < len && is_digit(s[k + 1])) {
        size_t f = k + 1, nd = 0;
        while (f + nd < len && is_digit(s[f + nd]))
            nd++;
        if (s[k] == ',' && nd == 3 && !(f + nd < len && (s[f + nd] == '.' || s[f + nd] == ',')))
            return (*end = k), -EINVAL; /* 1,000: thousands or one point zero? */
        if (s[k] == ',' && f + nd < len && (s[f + nd] == '.' || s[f + nd] == ','))
            return (*end = f + nd), -EINVAL; /* 1,234.5: separators we do not read */
        d.has_point = true;
        for (k = f; k < len && is_digit(s[k]); k++) {
            any = true;
            if (d.mant == 0 && s[k] == '0') {
                if (d.exp10 > -100000)
                    d.exp10--;
                continue;
            }
            if (sig < 19) {
                d.mant = d.mant * 10 + (uint64_t)(s[k] - '0');
                d.exp10--;
                sig++;
            } else if (s[k] != '0') {
                d.exact = false;
            }
        }
    } else if (k < len && s[k] == '.' && any) {
        k++; /* "3." reads as 3 */
        d.has_point = true;
    }
    if (!any)
        return 0;
    /* no trailing zeros in the mantissa, so equal decimals read equal */
    while (d.mant != 0 && d.mant % 10 == 0) {
        d.mant /= 10;
        d.exp10++;
    }
    if (d.mant == 0)
        d.exp10 = 0;
    *end = k;
    *ret = d;
    return 1;
}

double answer_dec_value(const struct answer_dec *d)
{
    static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    double m = (double)d->mant;
    int32_t e = d->exp10;

    if (d->mant == 0)
        return 0.0;
    if (e >= 0 && e <= 22)
        return m * p10[e];
    if (e < 0 && e >= -22)
        return m / p10[-e];
    if (e > 400)
        return INFINITY;
    if (e < -400)
        return 0.0;
    /* two steps, so 1e-320 (subnormal) and 1e308 come out right */
    if (e > 0)
        return (m * 1e22) * pow(10.0, (double)(e - 22));
    return (m / 1e22) * pow(10.0, (double)(e + 22));
}

/* ---- normalisation ------------------------------------------------------------------ */

/*
 * Latin-1 letters as a base letter and one combining mark: (composed, base,
 * mark). The table is what NFC composes here (answer.h, "NFC limit").
 */
static const struct {
    uint16_t composed;
    uint8_t base;
    uint16_t mark;
} compose_tab[] = {
    {0xc0, 'A', 0x300}, {0xc1, 'A', 0x301}, {0xc2, 'A', 0x302}, {0xc3, 'A', 0x303},
    {0xc4, 'A', 0x308}, {0xc5, 'A', 0x30a}, {0xc7, 'C', 0x327}, {0xc8, 'E', 0x300},
    {0xc9, 'E', 0x301}, {0xca, 'E', 0x302}, {0xcb, 'E', 0x308}, {0xcc, 'I', 0x300},
    {0xcd, 'I', 0x301}, {0xce, 'I', 0x302}, {0xcf, 'I', 0x308}, {0xd1, 'N', 0x303},
    {0xd2, 'O', 0x300}, {0xd3, 'O', 0x301}, {0xd4, 'O', 0x302}, {0xd5, 'O', 0x303},
    {0xd6, 'O', 0x308}, {0xd9, 'U', 0x300}, {0xda, 'U', 0x301}, {0xdb, 'U', 0x302},
    {0xdc, 'U', 0x308}, {0xdd, 'Y', 0x301}, {0xe0, 'a', 0x300}, {0xe1, 'a', 0x301},
    {0xe2, 'a', 0x302}, {0xe3, 'a', 0x303}, {0xe4, 'a', 0x308}, {0xe5, 'a', 0x30a},
    {0xe7, 'c', 0x327}, {0xe8, 'e', 0x300}, {0xe9, 'e', 0x301}, {0xea, 'e', 0x302},
    {0xeb, 'e', 0x308}, {0xec, 'i', 0x300}, {0xed, 'i', 0x301}, {0xee, 'i', 0x302},
    {0xef, 'i', 0x308}, {0xf1, 'n', 0x303}, {0xf2, 'o', 0x300}, {0xf3, 'o', 0x301},
    {0xf4, 'o', 0x302}, {0xf5, 'o', 0x303}, {0xf6, 'o', 0x308}, {0xf9, 'u', 0x300},
    {0xfa, 'u', 0x301}, {0xfb, 'u', 0x302}, {0xfc, 'u', 0x308}, {0xfd, 'y', 0x301},
    {0xff, 'y', 0x308},
};

static int32_t compose(int32_t base, int32_t mark)
{
    if (base >= 0x80 || mark < 0x300 || mark > 0x327)
        return -1;
    for (size_t i = 0; i < sizeof(compose_tab) / sizeof(compose_tab[0]); i++)
        if (compose_tab[i].base == base && compose_tab[i].mark == mark)
            return compose_tab[i].composed;
    return -1;
}

/* Lower case for ASCII, Latin-1 and Latin Extended-A (same UTF-8 length). */
static int32_t lower(int32_t c)
{
    if (c >= 'A' && c <= 'Z')
        return c + 32;
    if (c >= 0xc0 && c <= 0xde && c != 0xd7)
        return c + 32;
    if ((c >= 0x100 && c <= 0x137) || (c >= 0x14a && c <= 0x177))
        return c | 1; /* even upper, odd lower */
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e))
        return (c & 1) ? c + 1 : c; /* odd upper, even lower */
    if (c == 0x178)
        return 0xff;
    return c;
}

static size_t put_utf8(char *out, int32_t c)
{
    unsigned char *u = (unsigned char *)out;
    if (c < 0x80) {
        u[0] = (unsigned char)c;
        return 1;
    }
    if (c < 0x800) {
        u[0] = (unsigned char)(0xc0 | (c >> 6));
        u[1] = (unsigned char)(0x80 | (c & 0x3f));
        return 2;
    }
    if (c < 0x10000) {
        u[0] = (unsigned char)(0xe0 | (c >> 12));
        u[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
        u[2] = (unsigned char)(0x80 | (c & 0x3f));
        return 3;
    }
    u[0] = (unsigned char)(0xf0 | (c >> 18));
    u[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3f));
    u[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
    u[3] = (unsigned char)(0x80 | (c & 0x3f));
    return 4;
}

int answer_normalize_text(const char *s, size_t len, char *out, size_t out_cap)
{
    size_t i = 0, n = 0;
    bool pending_space = false;

    if (!s || !out || out_cap == 0)
        return -EINVAL;
    while (i < len) {
        int32_t c = answer_utf8_next(s, len, &i);
        if (c <= 0)
            return -EINVAL;
        if (answer_is_space(c)) {
            pending_space = n > 0;
            continue;
        }
        /* one combining mark after a base letter: compose */
        if (i < len) {
            size_t j = i;
            int32_t m = answer_utf8_next(s, len, &j);
            int32_t k = m > 0 ? compose(c, m) : -1;
            if (k > 0) {
                c = k;
                i = j;
            }
        }
        c = lower(c);
        size_t w = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
        if (n + (pending_space ? 1 : 0) + w + 1 > out_cap)
            return -E2BIG;
        if (pending_space)
            out[n++] = ' ';
        pending_space = false;
        n += put_utf8(out + n, c);
    }
    out[n] = '\0';
    return (int)n;
}

/*
 * Hex and base64: see hex.h. The codecs are libsodium's (constant-time,
 * strict); this file only picks the variant each function promises.
 */
#include "base/common.h"

#include <sodium.h>

#include "base/hex.h"

int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void hex_encode(const void *p, size_t n, char *out)
{
    sodium_bin2hex(out, 2 * n + 1, p, n);
}

int hex_decode(struct str s, void *out, size_t n)
{
    size_t got = 0;

    /* exactly 2n digits, either case, nothing else (no separators: ignore is NULL) */
    if (s.len != 2 * n)
        return -EINVAL;
    if (n == 0)
        return 0;
    if (sodium_hex2bin(out, n, s.p, s.len, NULL, &got, NULL) != 0 || got != n)
        return -EINVAL;
    return 0;
}

size_t base64_encoded_len(size_t n)
{
    return (n + 2) / 3 * 4;
}

void base64_encode(const void *p, size_t n, char *out)
{
    sodium_bin2base64(out, sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL), p, n,
                      sodium_base64_VARIANT_ORIGINAL);
}

void base64url_encode(const void *p, size_t n, char *out)
{
    /* the exact size: libsodium fills all of b64_maxlen, and callers size out without padding */
    sodium_bin2base64(out, sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                      p, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

long base64_decode(struct str s, bool url, uint8_t *out)
{
    size_t got = 0;
    int variant = sodium_base64_VARIANT_ORIGINAL;

    /*
     * Standard: padding required. base64url: padding optional, and when it is
     * there it must be complete. libsodium also refuses whitespace (ignore is
     * NULL), anything after the text (b64_end is NULL) and non-zero bits
     * after the last byte (only the canonical form of each value decodes).
     */
    if (url)
        variant = s.len > 0 && s.p[s.len - 1] == '=' ? sodium_base64_VARIANT_URLSAFE
                                                     : sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    if (s.len == 0)
        return 0;
    if (sodium_base642bin(out, s.len / 4 * 3 + 3, s.p, s.len, NULL, &got, NULL, variant) != 0)
        return -EINVAL;
    return (long)got;
}

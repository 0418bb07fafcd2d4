/*
 * Hex and base64: see hex.h.
 */
#include "base/common.h"

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
    static const char hx[] = "0123456789abcdef";
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hx[b[i] >> 4];
        out[2 * i + 1] = hx[b[i] & 15];
    }
    out[2 * n] = '\0';
}

int hex_decode(struct str s, void *out, size_t n)
{
    uint8_t *o = out;
    if (s.len != 2 * n)
        return -EINVAL;
    for (size_t i = 0; i < n; i++) {
        int hi = hex_value(s.p[2 * i]), lo = hex_value(s.p[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -EINVAL;
        o[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

static const char b64std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t base64_encoded_len(size_t n)
{
    return (n + 2) / 3 * 4;
}

static void encode(const char *alpha, bool pad, const void *p, size_t n, char *out)
{
    const uint8_t *b = p;
    size_t o = 0, i = 0;
    for (; i + 2 < n; i += 3) {
        uint32_t v = (uint32_t)b[i] << 16 | (uint32_t)b[i + 1] << 8 | b[i + 2];
        out[o++] = alpha[v >> 18 & 63];
        out[o++] = alpha[v >> 12 & 63];
        out[o++] = alpha[v >> 6 & 63];
        out[o++] = alpha[v & 63];
    }
    if (i < n) {
        uint32_t v = (uint32_t)b[i] << 16 | (i + 1 < n ? (uint32_t)b[i + 1] << 8 : 0);
        out[o++] = alpha[v >> 18 & 63];
        out[o++] = alpha[v >> 12 & 63];
        if (i + 1 < n)
            out[o++] = alpha[v >> 6 & 63];
        else if (pad)
            out[o++] = '=';
        if (pad)
            out[o++] = '=';
    }
    out[o] = '\0';
}

void base64_encode(const void *p, size_t n, char *out)
{
    encode(b64std, true, p, n, out);
}

void base64url_encode(const void *p, size_t n, char *out)
{
    encode(b64url, false, p, n, out);
}

static int b64val(char c, bool url)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == (url ? '-' : '+'))
        return 62;
    if (c == (url ? '_' : '/'))
        return 63;
    return -1;
}

long base64_decode(struct str s, bool url, uint8_t *out)
{
    size_t n = s.len, pad = 0, o = 0;
    uint32_t acc = 0;
    unsigned bits = 0;

    while (n && s.p[n - 1] == '=' && pad < 2) {
        n--;
        pad++;
    }
    if (!url && s.len % 4 != 0)
        return -EINVAL;
    if (url && pad && s.len % 4 != 0)
        return -EINVAL;
    if (n % 4 == 1)
        return -EINVAL;
    for (size_t i = 0; i < n; i++) {
        int v = b64val(s.p[i], url);
        if (v < 0)
            return -EINVAL;
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (uint8_t)(acc >> bits);
        }
    }
    /* leftover bits must be zero (canonical encoding) */
    if (bits && (acc & ((1u << bits) - 1)))
        return -EINVAL;
    return (long)o;
}

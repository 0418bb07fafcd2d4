/*
 * One-time passwords: see otp.h. SHA-1 follows FIPS 180-4 section 6.1
 * (message schedule, 80 rounds, big-endian length padding).
 */
#include "base/common.h"

#include "core/otp.h"

static uint32_t rol(uint32_t x, unsigned n)
{
    return (x << n) | (x >> (32 - n));
}

static void sha1_block(uint32_t h[5], const uint8_t *blk)
{
    uint32_t w[80], a, b, c, d, e;

    for (int t = 0; t < 16; t++)
        w[t] = (uint32_t)blk[4 * t] << 24 | (uint32_t)blk[4 * t + 1] << 16 |
               (uint32_t)blk[4 * t + 2] << 8 | (uint32_t)blk[4 * t + 3];
    for (int t = 16; t < 80; t++)
        w[t] = rol(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
    a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int t = 0; t < 80; t++) {
        uint32_t f, k;
        if (t < 20)
            f = (b & c) | (~b & d), k = 0x5a827999u;
        else if (t < 40)
            f = b ^ c ^ d, k = 0x6ed9eba1u;
        else if (t < 60)
            f = (b & c) | (b & d) | (c & d), k = 0x8f1bbcdcu;
        else
            f = b ^ c ^ d, k = 0xca62c1d6u;
        uint32_t tmp = rol(a, 5) + f + e + k + w[t];
        e = d, d = c, c = rol(b, 30), b = a, a = tmp;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
}

struct sha1 {
    uint32_t h[5];
    uint8_t buf[64];
    size_t used;
    uint64_t total;
};

static void sha1_init(struct sha1 *s)
{
    s->h[0] = 0x67452301u;
    s->h[1] = 0xefcdab89u;
    s->h[2] = 0x98badcfeu;
    s->h[3] = 0x10325476u;
    s->h[4] = 0xc3d2e1f0u;
    s->used = 0;
    s->total = 0;
}

static void sha1_update(struct sha1 *s, const void *p, size_t n)
{
    const uint8_t *in = p;
    s->total += n;
    while (n > 0) {
        size_t take = MIN(n, 64 - s->used);
        memcpy(s->buf + s->used, in, take);
        s->used += take;
        in += take;
        n -= take;
        if (s->used == 64) {
            sha1_block(s->h, s->buf);
            s->used = 0;
        }
    }
}

static void sha1_final(struct sha1 *s, uint8_t out[SHA1_LEN])
{
    uint64_t bits = s->total * 8;
    uint8_t pad = 0x80, zero = 0, len[8];

    sha1_update(s, &pad, 1);
    while (s->used != 56)
        sha1_update(s, &zero, 1);
    for (int i = 0; i < 8; i++)
        len[i] = (uint8_t)(bits >> (56 - 8 * i));
    sha1_update(s, len, 8);
    for (int i = 0; i < 5; i++) {
        out[4 * i] = (uint8_t)(s->h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
        out[4 * i + 3] = (uint8_t)s->h[i];
    }
}

void otp_sha1(const void *p, size_t n, uint8_t out[SHA1_LEN])
{
    struct sha1 s;
    sha1_init(&s);
    sha1_update(&s, p, n);
    sha1_final(&s, out);
}

void otp_hmac_sha1(const uint8_t *key, size_t keylen, const void *msg, size_t n,
                   uint8_t out[SHA1_LEN])
{
    uint8_t k[64] = {0}, pad[64], inner[SHA1_LEN];
    struct sha1 s;

    if (keylen > 64)
        otp_sha1(key, keylen, k);
    else
        memcpy(k, key, keylen);
    for (int i = 0; i < 64; i++)
        pad[i] = k[i] ^ 0x36;
    sha1_init(&s);
    sha1_update(&s, pad, 64);
    sha1_update(&s, msg, n);
    sha1_final(&s, inner);
    for (int i = 0; i < 64; i++)
        pad[i] = k[i] ^ 0x5c;
    sha1_init(&s);
    sha1_update(&s, pad, 64);
    sha1_update(&s, inner, SHA1_LEN);
    sha1_final(&s, out);
}

uint32_t otp_hotp(const uint8_t *key, size_t keylen, uint64_t counter, unsigned digits)
{
    static const uint32_t mod[] = {1,      10,      100,      1000,      10000,
                                   100000, 1000000, 10000000, 100000000, 1000000000};
    uint8_t msg[8], mac[SHA1_LEN];
    unsigned off;
    uint32_t bin;

    for (int i = 0; i < 8; i++)
        msg[i] = (uint8_t)(counter >> (56 - 8 * i));
    otp_hmac_sha1(key, keylen, msg, sizeof(msg), mac);
    /* RFC 4226 section 5.3: dynamic truncation */
    off = mac[SHA1_LEN - 1] & 0x0f;
    bin = ((uint32_t)(mac[off] & 0x7f) << 24) | ((uint32_t)mac[off + 1] << 16) |
          ((uint32_t)mac[off + 2] << 8) | (uint32_t)mac[off + 3];
    if (digits < 1 || digits > 9)
        digits = 6;
    return bin % mod[digits];
}

uint64_t otp_totp_step(int64_t unix_seconds)
{
    return unix_seconds < 0 ? 0 : (uint64_t)unix_seconds / TOTP_PERIOD_S;
}

int otp_parse_code(const char *s, unsigned digits, uint32_t *ret)
{
    uint32_t v = 0;
    unsigned n = 0;

    if (!s || digits < 1 || digits > 9)
        return -EINVAL;
    for (; *s; s++) {
        if (*s == ' ')
            continue;
        if (*s < '0' || *s > '9' || n >= digits)
            return -EINVAL;
        v = v * 10 + (uint32_t)(*s - '0');
        n++;
    }
    if (n != digits)
        return -EINVAL;
    *ret = v;
    return 0;
}

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

size_t otp_base32_len(size_t n)
{
    return (n * 8 + 4) / 5;
}

void otp_base32_encode(const uint8_t *p, size_t n, char *out)
{
    uint32_t acc = 0;
    unsigned bits = 0;
    size_t j = 0;

    for (size_t i = 0; i < n; i++) {
        acc = (acc << 8) | p[i];
        bits += 8;
        while (bits >= 5) {
            out[j++] = b32[(acc >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0)
        out[j++] = b32[(acc << (5 - bits)) & 31];
    out[j] = '\0';
}

long otp_base32_decode(const char *s, uint8_t *out, size_t max)
{
    uint32_t acc = 0;
    unsigned bits = 0;
    size_t j = 0;

    for (; *s; s++) {
        int v;
        char ch = *s;
        if (ch == ' ' || ch == '=')
            continue;
        if (ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 'a' + 'A');
        if (ch >= 'A' && ch <= 'Z')
            v = ch - 'A';
        else if (ch >= '2' && ch <= '7')
            v = ch - '2' + 26;
        else
            return -EINVAL;
        acc = (acc << 5) | (uint32_t)v;
        bits += 5;
        if (bits >= 8) {
            if (j >= max)
                return -EINVAL;
            out[j++] = (uint8_t)(acc >> (bits - 8));
            bits -= 8;
        }
    }
    return (long)j;
}

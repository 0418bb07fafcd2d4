/*
 * One-time passwords, the arithmetic: see otp.h.
 */
#include "base/common.h"

#include "core/otp.h"

void otp_counter_message(uint64_t counter, uint8_t out[8])
{
    for (int i = 0; i < 8; i++)
        out[i] = (uint8_t)(counter >> (56 - 8 * i));
}

uint32_t otp_hotp_truncate(const uint8_t mac[SHA1_LEN], unsigned digits)
{
    static const uint32_t mod[] = {1,      10,      100,      1000,      10000,
                                   100000, 1000000, 10000000, 100000000, 1000000000};
    unsigned off = mac[SHA1_LEN - 1] & 0x0f;
    uint32_t bin = ((uint32_t)(mac[off] & 0x7f) << 24) | ((uint32_t)mac[off + 1] << 16) |
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

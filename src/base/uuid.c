/*
 * UUID: see uuid.h.
 */
#include "base/common.h"

#include "base/hex.h"
#include "base/rand.h"
#include "base/uuid.h"

int uuid_parse(struct str s, uint8_t ret[16])
{
    uint8_t u[16];
    size_t k = 0;

    if (s.len != UUID_STR_LEN)
        return -EINVAL;
    for (size_t i = 0; i < s.len;) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s.p[i] != '-')
                return -EINVAL;
            i++;
            continue;
        }
        int hi = hex_value(s.p[i]), lo = hex_value(s.p[i + 1]);
        if (hi < 0 || lo < 0)
            return -EINVAL;
        u[k++] = (uint8_t)(hi << 4 | lo);
        i += 2;
    }
    memcpy(ret, u, 16);
    return 0;
}

void uuid_format(const uint8_t u[16], char *out)
{
    static const char hx[] = "0123456789abcdef";
    size_t o = 0;
    for (size_t i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hx[u[i] >> 4];
        out[o++] = hx[u[i] & 15];
    }
    out[o] = '\0';
}

int uuid_v4(uint8_t ret[16])
{
    int r = rand_bytes(ret, 16);
    if (r < 0)
        return r;
    ret[6] = (uint8_t)((ret[6] & 0x0f) | 0x40);
    ret[8] = (uint8_t)((ret[8] & 0x3f) | 0x80);
    return 0;
}

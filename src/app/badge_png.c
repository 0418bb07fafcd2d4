/*
 * Baked badges: see badge_png.h. A PNG is the 8-byte signature and chunks
 * (length, type, data, CRC-32 of type and data; PNG specification section
 * 5). The image: 160 x 160 RGB, 8 bits, a filled circle with a ring on
 * white, one zlib stream of filter-0 scanlines (IDAT). The credential goes
 * in an iTXt chunk (section 11.3.4.5) before IDAT: keyword, NUL,
 * compression flag 0, method 0, empty language tag, NUL, empty translated
 * keyword, NUL, the text.
 */
#include "base/common.h"

#include <zlib.h>

#include "app/badge_png.h"
#include "base/mem.h"

#define SIDE 160

static const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

static int put32(struct buf *b, uint32_t v)
{
    unsigned char x[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 8), (unsigned char)v};
    return buf_append(b, x, 4);
}

/* One chunk: data is head (hn bytes) followed by tail (tn bytes). */
static int chunk(struct buf *b, const char type[4], const void *head, size_t hn, const void *tail,
                 size_t tn)
{
    uLong crc = crc32(0L, (const Bytef *)type, 4);
    if (hn + tn > 0x7fffffffu)
        return -E2BIG;
    if (hn)
        crc = crc32(crc, head, (uInt)hn);
    if (tn)
        crc = crc32(crc, tail, (uInt)tn);
    int r = put32(b, (uint32_t)(hn + tn));
    if (r == 0)
        r = buf_append(b, type, 4);
    if (r == 0 && hn)
        r = buf_append(b, head, hn);
    if (r == 0 && tn)
        r = buf_append(b, tail, tn);
    if (r == 0)
        r = put32(b, (uint32_t)crc);
    return r;
}

int badge_png_bake(const char *jwt, struct buf *out)
{
    size_t raw_len = (size_t)SIDE * (SIDE * 3 + 1);
    unsigned char *raw = mem_alloc(raw_len), *z = NULL;
    uLongf zlen = compressBound((uLong)raw_len);
    int r = -ENOMEM;

    if (!jwt || !jwt[0]) {
        mem_free(raw);
        return -EINVAL;
    }
    if (!raw)
        return -ENOMEM;
    for (int y = 0; y < SIDE; y++) {
        unsigned char *row = raw + (size_t)y * (SIDE * 3 + 1);
        row[0] = 0; /* filter: none */
        for (int x = 0; x < SIDE; x++) {
            int dx = 2 * x - SIDE + 1, dy = 2 * y - SIDE + 1;
            long d2 = (long)dx * dx + (long)dy * dy, rr = (long)(SIDE - 8) * (SIDE - 8);
            unsigned char *px = row + 1 + 3 * x;
            bool inside = d2 <= rr, ring = inside && d2 >= (long)(SIDE - 24) * (SIDE - 24);
            /* the accent colour (#0b5cad), a lighter ring, white around */
            px[0] = inside ? (ring ? 0x7f : 0x0b) : 0xff;
            px[1] = inside ? (ring ? 0xb0 : 0x5c) : 0xff;
            px[2] = inside ? (ring ? 0xe6 : 0xad) : 0xff;
        }
    }
    z = mem_alloc(zlen);
    if (!z || compress2(z, &zlen, raw, (uLong)raw_len, 9) != Z_OK)
        goto out;
    unsigned char ihdr[13] = {0, 0, 0, SIDE, 0, 0, 0, SIDE, 8, 2, 0, 0, 0}; /* 8-bit RGB */
    static const char itxt_head[] =
        BADGE_PNG_KEYWORD "\0\0\0\0"; /* keyword, 0, 0, 0, "", 0, "", 0 */
    buf_reset(out);
    r = buf_append(out, signature, sizeof(signature));
    if (r == 0)
        r = chunk(out, "IHDR", ihdr, sizeof(ihdr), NULL, 0);
    if (r == 0)
        r = chunk(out, "iTXt", itxt_head, sizeof(BADGE_PNG_KEYWORD) + 4, jwt, strlen(jwt));
    if (r == 0)
        r = chunk(out, "IDAT", z, zlen, NULL, 0);
    if (r == 0)
        r = chunk(out, "IEND", NULL, 0, NULL, 0);
out:
    mem_free(raw);
    mem_free(z);
    return r;
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int badge_png_extract(const void *png, size_t n, char **ret)
{
    const unsigned char *p = png, *end = p + n;
    if (n < sizeof(signature) || memcmp(p, signature, sizeof(signature)) != 0)
        return -EINVAL;
    p += sizeof(signature);
    while ((size_t)(end - p) >= 12) {
        uint32_t len = get32(p);
        const unsigned char *type = p + 4, *data = p + 8;
        if (len > (size_t)(end - p) - 12)
            return -EINVAL;
        uLong crc = crc32(crc32(0L, type, 4), data, len);
        if (get32(data + len) != (uint32_t)crc)
            return -EINVAL;
        if (!memcmp(type, "iTXt", 4)) {
            size_t kl = sizeof(BADGE_PNG_KEYWORD); /* with its NUL */
            if (len >= kl + 4 && !memcmp(data, BADGE_PNG_KEYWORD, kl)) {
                const unsigned char *q = data + kl, *stop = data + len;
                if (q[0] != 0) /* compressed text: never written here */
                    return -EINVAL;
                q += 2;
                /* language tag and translated keyword, each NUL-terminated */
                for (int k = 0; k < 2; k++) {
                    const unsigned char *z = memchr(q, 0, (size_t)(stop - q));
                    if (!z)
                        return -EINVAL;
                    q = z + 1;
                }
                char *s = mem_strndup((const char *)q, (size_t)(stop - q));
                if (!s)
                    return -ENOMEM;
                *ret = s;
                return 0;
            }
        }
        if (!memcmp(type, "IEND", 4))
            break;
        p = data + len + 4;
    }
    return -ENOENT;
}

/*
 * base/hex and base/uuid: RFC 4648 test vectors (section 10), the variant
 * each function promises (standard with padding, base64url with optional
 * padding, lower-case hex), strictness (whitespace, separators, wrong
 * alphabet, incomplete padding, non-canonical last bits), a round trip
 * against a plain reference encoder, and UUID parsing.
 */
#include "test.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/hex.h"
#include "base/uuid.h"

static void test_base64_rfc4648_vectors(void **state)
{
    (void)state;
    static const char *in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *out[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    for (size_t i = 0; i < 7; i++) {
        char enc[16];
        uint8_t dec[16];
        base64_encode(in[i], strlen(in[i]), enc);
        assert_string_equal(enc, out[i]);
        long n = base64_decode(str_from(out[i]), false, dec);
        assert_int_equal(n, (long)strlen(in[i]));
        assert_memory_equal(dec, in[i], (size_t)n);
    }
}

static void test_base64_rejects_bad_input(void **state)
{
    (void)state;
    uint8_t dec[16];
    assert_int_equal(base64_decode(STR_LIT("Zg="), false, dec), -EINVAL);   /* bad length */
    assert_int_equal(base64_decode(STR_LIT("Z!=="), false, dec), -EINVAL);  /* bad char */
    assert_int_equal(base64_decode(STR_LIT("Zh=="), false, dec), -EINVAL);  /* non-zero pad bits */
    assert_int_equal(base64_decode(STR_LIT("Zm 9v"), false, dec), -EINVAL); /* space */
}

static void test_base64url(void **state)
{
    (void)state;
    const uint8_t b[] = {0xfb, 0xff, 0xfe};
    char enc[8];
    uint8_t dec[8];
    base64url_encode(b, 3, enc);
    assert_string_equal(enc, "-__-");
    assert_int_equal(base64_decode(STR_LIT("-__-"), true, dec), 3);
    assert_memory_equal(dec, b, 3);
    base64url_encode(b, 2, enc);
    assert_string_equal(enc, "-_8");
}

static void test_hex(void **state)
{
    (void)state;
    uint8_t b[2];
    char out[5];
    assert_int_equal(hex_decode(STR_LIT("aF09"), b, 2), 0);
    hex_encode(b, 2, out);
    assert_string_equal(out, "af09");
    assert_int_equal(hex_decode(STR_LIT("zz00"), b, 2), -EINVAL);
    assert_int_equal(hex_decode(STR_LIT("abc"), b, 2), -EINVAL);
}

static void test_base64_strictness(void **state)
{
    (void)state;
    uint8_t dec[16];
    /* standard: padding required and complete; nothing after it */
    assert_int_equal(base64_decode(STR_LIT(""), false, dec), 0);
    assert_int_equal(base64_decode(STR_LIT("Zg"), false, dec), -EINVAL);
    assert_int_equal(base64_decode(STR_LIT("Zm9v===="), false, dec), -EINVAL);
    assert_int_equal(base64_decode(STR_LIT("===="), false, dec), -EINVAL);
    assert_int_equal(base64_decode(STR_LIT("A==="), false, dec), -EINVAL);
    assert_int_equal(base64_decode(STR_LIT("Zm9v\n"), false, dec), -EINVAL);
    assert_int_equal(base64_decode(STR_LIT("-_8="), false, dec), -EINVAL); /* url alphabet */
    assert_int_equal(base64_decode(STR_LIT("+/8="), false, dec), 2);
    /* base64url: padding optional, complete when present; its own alphabet only */
    assert_int_equal(base64_decode(STR_LIT("-_8"), true, dec), 2);
    assert_int_equal(base64_decode(STR_LIT("-_8="), true, dec), 2);
    assert_memory_equal(dec, "\xfb\xff", 2);
    assert_int_equal(base64_decode(STR_LIT("-_8=="), true, dec), -EINVAL);
    assert_int_equal(base64_decode(STR_LIT("-_9"), true, dec), -EINVAL); /* non-zero last bits */
    assert_int_equal(base64_decode(STR_LIT("+/8"), true, dec), -EINVAL);
    assert_int_equal(base64_decode(STR_LIT("Z"), true, dec), -EINVAL);
    assert_int_equal(base64_decode(STR_LIT("="), true, dec), -EINVAL);
    assert_int_equal(base64_decode(STR_LIT(""), true, dec), 0);
}

/* A plain RFC 4648 encoder to compare with (section 4 and section 5). */
static void ref_base64(const uint8_t *p, size_t n, bool url, char *out)
{
    const char *a = url ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                        : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        out[o++] = a[v >> 18 & 63];
        out[o++] = a[v >> 12 & 63];
        if (i + 1 < n)
            out[o++] = a[v >> 6 & 63];
        else if (!url)
            out[o++] = '=';
        if (i + 2 < n)
            out[o++] = a[v & 63];
        else if (!url)
            out[o++] = '=';
    }
    out[o] = '\0';
}

static void test_round_trip_against_reference(void **state)
{
    (void)state;
    uint8_t in[67], dec[100];
    char enc[100], want[100], hex[2 * sizeof(in) + 1], wanthex[2 * sizeof(in) + 1];
    uint32_t x = 12345;
    for (size_t n = 0; n <= sizeof(in); n++) {
        for (size_t i = 0; i < n; i++) {
            x = x * 1103515245u + 12345u;
            in[i] = (uint8_t)(x >> 16);
        }
        base64_encode(in, n, enc);
        ref_base64(in, n, false, want);
        assert_string_equal(enc, want);
        assert_int_equal(strlen(enc), base64_encoded_len(n));
        assert_int_equal(base64_decode(str_from(enc), false, dec), (long)n);
        assert_memory_equal(dec, in, n);
        base64url_encode(in, n, enc);
        ref_base64(in, n, true, want);
        assert_string_equal(enc, want);
        assert_int_equal(base64_decode(str_from(enc), true, dec), (long)n);
        assert_memory_equal(dec, in, n);
        hex_encode(in, n, hex);
        for (size_t i = 0; i < n; i++)
            snprintf(wanthex + 2 * i, 3, "%02x", in[i]);
        wanthex[2 * n] = '\0';
        assert_string_equal(hex, wanthex);
        assert_int_equal(hex_decode(str_from(hex), dec, n), 0);
        assert_memory_equal(dec, in, n);
    }
}

/* Each encoder writes no further than its text and NUL (ASan sees the heap buffers' ends). */
static void test_encoders_stay_in_exact_buffers(void **state)
{
    (void)state;
    uint8_t in[32] = {0xfb, 0xff, 0xfe};
    for (size_t n = 0; n <= sizeof(in); n++) {
        size_t url_len = (4 * n + 2) / 3;
        char *b = malloc(base64_encoded_len(n) + 1), *u = malloc(url_len + 1),
             *h = malloc(2 * n + 1);
        assert_non_null(b);
        assert_non_null(u);
        assert_non_null(h);
        base64_encode(in, n, b);
        base64url_encode(in, n, u);
        hex_encode(in, n, h);
        assert_int_equal(strlen(b), base64_encoded_len(n));
        assert_int_equal(strlen(u), url_len);
        assert_int_equal(strlen(h), 2 * n);
        free(b);
        free(u);
        free(h);
    }
}

static void test_hex_strictness(void **state)
{
    (void)state;
    uint8_t b[3];
    assert_int_equal(hex_decode(STR_LIT("ABCDEF"), b, 3), 0);
    assert_memory_equal(b, "\xab\xcd\xef", 3);
    assert_int_equal(hex_decode(STR_LIT("ab:cd"), b, 2), -EINVAL);
    assert_int_equal(hex_decode(STR_LIT("ab cd "), b, 3), -EINVAL);
    assert_int_equal(hex_decode(STR_LIT("abcdef"), b, 2), -EINVAL); /* too long */
    assert_int_equal(hex_decode(STR_LIT("0x12"), b, 2), -EINVAL);
    assert_int_equal(hex_decode(STR_LIT(""), b, 0), 0);
    assert_int_equal(hex_value('f'), 15);
    assert_int_equal(hex_value('G'), -1);
}

static void test_uuid(void **state)
{
    (void)state;
    uint8_t u[16], v[16];
    char s[37];
    assert_int_equal(uuid_parse(STR_LIT("FD41C918-B88B-4B20-A0A5-A4C32391AAA0"), u), 0);
    uuid_format(u, s);
    assert_string_equal(s, "fd41c918-b88b-4b20-a0a5-a4c32391aaa0");
    assert_int_equal(uuid_parse(STR_LIT("fd41c918b88b-4b20-a0a5-a4c32391aaa0-"), u), -EINVAL);
    assert_int_equal(uuid_parse(STR_LIT("fd41c918-b88b-4b20-a0a5-a4c32391aaa"), u), -EINVAL);
    assert_int_equal(uuid_v4(v), 0);
    assert_int_equal(v[6] >> 4, 4);
    assert_int_equal(v[8] >> 6, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base64_rfc4648_vectors),
        cmocka_unit_test(test_base64_rejects_bad_input),
        cmocka_unit_test(test_base64url),
        cmocka_unit_test(test_hex),
        cmocka_unit_test(test_base64_strictness),
        cmocka_unit_test(test_round_trip_against_reference),
        cmocka_unit_test(test_hex_strictness),
        cmocka_unit_test(test_encoders_stay_in_exact_buffers),
        cmocka_unit_test(test_uuid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

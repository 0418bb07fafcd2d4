/*
 * core/otp and app/otp: SHA-1 and HMAC-SHA-1 (libcrypto, app/otp.c), HOTP
 * truncation and TOTP steps (core/otp.c) against the published test
 * vectors, and base32.
 *   - SHA-1: FIPS 180-4 examples ("abc", the 448-bit message) and RFC 3174
 *     section 7.3 (a million 'a').
 *   - HMAC-SHA-1: RFC 2202 section 3, test cases 1, 2 and 6.
 *   - HOTP: RFC 4226 Appendix D (secret "12345678901234567890", counters 0-9).
 *   - TOTP: RFC 6238 Appendix B (SHA-1 rows, 8 digits, X = 30, T0 = 0).
 *   - base32: RFC 4648 section 10.
 */
#include "test.h"

#include "app/otp.h"
#include "base/hex.h"
#include "core/otp.h"

static void hexeq(const uint8_t *got, size_t n, const char *want)
{
    char h[2 * SHA1_LEN + 1];
    hex_encode(got, n, h);
    assert_string_equal(h, want);
}

static void test_sha1_fips_180(void **state)
{
    (void)state;
    uint8_t d[SHA1_LEN];
    otp_sha1("abc", 3, d);
    hexeq(d, SHA1_LEN, "a9993e364706816aba3e25717850c26c9cd0d89d");
    otp_sha1("", 0, d);
    hexeq(d, SHA1_LEN, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    otp_sha1(m, strlen(m), d);
    hexeq(d, SHA1_LEN, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    static char million[1000000];
    memset(million, 'a', sizeof(million));
    otp_sha1(million, sizeof(million), d);
    hexeq(d, SHA1_LEN, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

static void test_hmac_sha1_rfc2202(void **state)
{
    (void)state;
    uint8_t d[SHA1_LEN], key[80];
    memset(key, 0x0b, 20);
    otp_hmac_sha1(key, 20, "Hi There", 8, d);
    hexeq(d, SHA1_LEN, "b617318655057264e28bc0b6fb378c8ef146be00");
    otp_hmac_sha1((const uint8_t *)"Jefe", 4, "what do ya want for nothing?", 28, d);
    hexeq(d, SHA1_LEN, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    /* test case 6: a key longer than the block size is hashed first */
    memset(key, 0xaa, 80);
    const char *msg = "Test Using Larger Than Block-Size Key - Hash Key First";
    otp_hmac_sha1(key, 80, msg, strlen(msg), d);
    hexeq(d, SHA1_LEN, "aa4ae5e15272d00e95705637ce8a3b55ed402112");
}

static const uint8_t rfc_key[] = "12345678901234567890";

static void test_hotp_rfc4226_appendix_d(void **state)
{
    (void)state;
    static const uint32_t want[] = {755224, 287082, 359152, 969429, 338314,
                                    254676, 287922, 162583, 399871, 520489};
    for (uint64_t c = 0; c < 10; c++)
        assert_int_equal(otp_hotp(rfc_key, 20, c, 6), want[c]);
}

static void test_truncation_rfc4226_section_5_4(void **state)
{
    (void)state;
    /* the worked example: this HMAC-SHA-1 value, offset 0xa, 0x50ef7f19 = 1357872921 */
    static const uint8_t mac[SHA1_LEN] = {0x1f, 0x86, 0x98, 0x69, 0x0e, 0x02, 0xca,
                                          0x16, 0x61, 0x85, 0x50, 0xef, 0x7f, 0x19,
                                          0xda, 0x8e, 0x94, 0x5b, 0x55, 0x5a};
    uint8_t msg[8];
    assert_int_equal(otp_hotp_truncate(mac, 6), 872921);
    assert_int_equal(otp_hotp_truncate(mac, 9), 357872921);
    assert_int_equal(otp_hotp_truncate(mac, 0), 872921); /* out of range: six digits */
    otp_counter_message(0x0102030405060708ull, msg);
    assert_memory_equal(msg, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
}

static void test_totp_rfc6238_appendix_b(void **state)
{
    (void)state;
    static const struct {
        int64_t t;
        uint64_t step;
        uint32_t code;
    } v[] = {
        {59, 1, 94287082},
        {1111111109, 0x23523EC, 7081804},
        {1111111111, 0x23523ED, 14050471},
        {1234567890, 0x273EF07, 89005924},
        {2000000000, 0x3F940AA, 69279037},
        {20000000000, 0x27BC86AA, 65353130},
    };
    for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
        assert_int_equal(otp_totp_step(v[i].t), v[i].step);
        assert_int_equal(otp_hotp(rfc_key, 20, otp_totp_step(v[i].t), 8), v[i].code);
        /* the six-digit code Trellis uses is the same value mod 10^6 */
        assert_int_equal(otp_hotp(rfc_key, 20, otp_totp_step(v[i].t), 6), v[i].code % 1000000);
    }
}

static void test_parse_code(void **state)
{
    (void)state;
    uint32_t v;
    assert_int_equal(otp_parse_code("012345", 6, &v), 0);
    assert_int_equal(v, 12345);
    assert_int_equal(otp_parse_code("123 456", 6, &v), 0);
    assert_int_equal(v, 123456);
    assert_int_equal(otp_parse_code("12345", 6, &v), -EINVAL);
    assert_int_equal(otp_parse_code("1234567", 6, &v), -EINVAL);
    assert_int_equal(otp_parse_code("12a456", 6, &v), -EINVAL);
    assert_int_equal(otp_parse_code("", 6, &v), -EINVAL);
}

static void test_base32_rfc4648(void **state)
{
    (void)state;
    static const char *in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *out[] = {"", "MY", "MZXQ", "MZXW6", "MZXW6YQ", "MZXW6YTB", "MZXW6YTBOI"};
    for (size_t i = 0; i < ARRAY_SIZE(in); i++) {
        char enc[32];
        uint8_t dec[32];
        otp_base32_encode((const uint8_t *)in[i], strlen(in[i]), enc);
        assert_string_equal(enc, out[i]);
        assert_int_equal(otp_base32_len(strlen(in[i])), strlen(out[i]));
        long n = otp_base32_decode(out[i], dec, sizeof(dec));
        assert_int_equal(n, (long)strlen(in[i]));
        assert_memory_equal(dec, in[i], (size_t)n);
    }
    uint8_t dec[8];
    assert_int_equal(otp_base32_decode("mzxw6ytboi======", dec, sizeof(dec)), 6);
    assert_int_equal(otp_base32_decode("MZ1W", dec, sizeof(dec)), -EINVAL);
    assert_int_equal(otp_base32_decode("MZXW6YTBOIMZXW6YTBOI", dec, 4), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha1_fips_180),
        cmocka_unit_test(test_hmac_sha1_rfc2202),
        cmocka_unit_test(test_hotp_rfc4226_appendix_d),
        cmocka_unit_test(test_truncation_rfc4226_section_5_4),
        cmocka_unit_test(test_totp_rfc6238_appendix_b),
        cmocka_unit_test(test_parse_code),
        cmocka_unit_test(test_base32_rfc4648),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* base/hex and base/uuid: RFC 4648 test vectors (section 10), UUID parsing. */
#include "test.h"

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
        cmocka_unit_test(test_uuid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

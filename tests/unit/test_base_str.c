/* base/str: views, strict integer and number parsing, UTF-8 validation. */
#include "test.h"

#include "base/str.h"

static void test_next_splits_like_csv_fields(void **state)
{
    (void)state;
    struct str rest = STR_LIT("a,,b"), t;
    assert_true(str_next(&rest, ',', &t));
    assert_true(str_eq_cstr(t, "a"));
    assert_true(str_next(&rest, ',', &t));
    assert_true(str_eq_cstr(t, ""));
    assert_true(str_next(&rest, ',', &t));
    assert_true(str_eq_cstr(t, "b"));
    assert_false(str_next(&rest, ',', &t));

    struct str empty = STR_LIT("");
    assert_true(str_next(&empty, ',', &t));
    assert_int_equal(t.len, 0);
    assert_false(str_next(&empty, ',', &t));
}

static void test_int64_strict(void **state)
{
    (void)state;
    int64_t v = 99;
    assert_int_equal(str_to_int64(STR_LIT("42"), 0, 100, &v), 0);
    assert_int_equal(v, 42);
    assert_int_equal(str_to_int64(STR_LIT("-9223372036854775808"), INT64_MIN, INT64_MAX, &v), 0);
    assert_true(v == INT64_MIN);
    assert_int_equal(str_to_int64(STR_LIT("9223372036854775808"), INT64_MIN, INT64_MAX, &v),
                     -ERANGE);
    assert_int_equal(str_to_int64(STR_LIT("101"), 0, 100, &v), -ERANGE);
    v = 7;
    assert_int_equal(str_to_int64(STR_LIT(" 1"), 0, 100, &v), -EINVAL);
    assert_int_equal(str_to_int64(STR_LIT("+1"), 0, 100, &v), -EINVAL);
    assert_int_equal(str_to_int64(STR_LIT("1x"), 0, 100, &v), -EINVAL);
    assert_int_equal(str_to_int64(STR_LIT(""), 0, 100, &v), -EINVAL);
    assert_int_equal(str_to_int64(STR_LIT("-"), -5, 100, &v), -EINVAL);
    assert_int_equal(v, 7); /* untouched on failure */
}

static void test_double_strict(void **state)
{
    (void)state;
    double d;
    assert_int_equal(str_to_double(STR_LIT("0.25"), &d), 0);
    assert_near(d, 0.25, 1e-12);
    assert_int_equal(str_to_double(STR_LIT("-1e3"), &d), 0);
    assert_near(d, -1000, 1e-9);
    assert_int_equal(str_to_double(STR_LIT("nan"), &d), -EINVAL);
    assert_int_equal(str_to_double(STR_LIT("inf"), &d), -EINVAL);
    assert_int_equal(str_to_double(STR_LIT("1e999"), &d), -EINVAL);
    assert_int_equal(str_to_double(STR_LIT("0x10"), &d), -EINVAL);
    assert_int_equal(str_to_double(STR_LIT("1.5 "), &d), -EINVAL);
}

static void test_utf8(void **state)
{
    (void)state;
    assert_true(str_valid_utf8(STR_LIT("Jos\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80")));
    assert_false(str_valid_utf8(STR_LIT("\xc0\xaf")));         /* overlong '/' */
    assert_false(str_valid_utf8(STR_LIT("\xed\xa0\x80")));     /* surrogate */
    assert_false(str_valid_utf8(STR_LIT("\xf4\x90\x80\x80"))); /* > U+10FFFF */
    assert_false(str_valid_utf8(STR_LIT("\xe2\x82")));         /* truncated */
    assert_false(str_valid_utf8(STR_LIT("\xff")));
    assert_true(str_is_clean_text(STR_LIT("a\tb")));
    assert_false(str_is_clean_text(STR_LIT("a\nb")));
}

static void test_trim_and_compare(void **state)
{
    (void)state;
    assert_true(str_eq_cstr(str_trim(STR_LIT("  x y \t")), "x y"));
    assert_true(str_eq_nocase(STR_LIT("Active"), "active"));
    assert_false(str_eq_nocase(STR_LIT("Active"), "activ"));
    assert_true(str_starts_with(STR_LIT("/api/v1"), "/api"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_next_splits_like_csv_fields),
        cmocka_unit_test(test_int64_strict),
        cmocka_unit_test(test_double_strict),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_trim_and_compare),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* base/timeutil: calendar arithmetic, strict dates, ISO 8601 round trips. */
#include "test.h"

#include "base/timeutil.h"

static void test_days_round_trip(void **state)
{
    (void)state;
    assert_int_equal(time_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(time_days_from_civil(2000, 3, 1), 11017);
    for (int64_t d = -800000; d < 800000; d += 997) {
        int64_t y;
        unsigned m, dd;
        time_civil_from_days(d, &y, &m, &dd);
        assert_int_equal(time_days_from_civil(y, m, dd), d);
    }
}

static void test_parse_date_strict(void **state)
{
    (void)state;
    int64_t d = 5;
    char out[16];
    assert_int_equal(time_parse_date(STR_LIT("2024-02-29"), &d), 0);
    time_format_date(d, out);
    assert_string_equal(out, "2024-02-29");
    assert_int_equal(time_parse_date(STR_LIT("2023-02-29"), &d), -EINVAL);
    assert_int_equal(time_parse_date(STR_LIT("2023-13-01"), &d), -EINVAL);
    assert_int_equal(time_parse_date(STR_LIT("2023-1-01"), &d), -EINVAL);
    assert_int_equal(time_parse_date(STR_LIT("01/02/2023"), &d), -EINVAL);
    assert_int_equal(time_parse_date(STR_LIT("2023-01-01T00:00:00Z"), &d), -EINVAL);
}

static void test_iso8601(void **state)
{
    (void)state;
    int64_t ms;
    bool zone;
    char out[32];

    assert_int_equal(time_parse_iso8601(STR_LIT("2026-11-22T12:30:45.123Z"), false, &ms, &zone), 0);
    time_format_iso8601(ms, out);
    assert_string_equal(out, "2026-11-22T12:30:45.123Z");
    assert_true(zone);
    /* offsets move the instant */
    int64_t ms2;
    assert_int_equal(
        time_parse_iso8601(STR_LIT("2026-11-22T14:30:45.123+02:00"), false, &ms2, NULL), 0);
    assert_true(ms == ms2);
    assert_int_equal(time_parse_iso8601(STR_LIT("2026-11-22T07:30:45.123-0500"), false, &ms2, NULL),
                     0);
    assert_true(ms == ms2);
    /* fractions beyond ms are truncated, short ones padded */
    assert_int_equal(time_parse_iso8601(STR_LIT("2026-11-22T12:30:45.1239999Z"), false, &ms2, NULL),
                     0);
    assert_true(ms == ms2);
    assert_int_equal(time_parse_iso8601(STR_LIT("2026-11-22T12:30:45.1Z"), false, &ms2, NULL), 0);
    assert_true(ms2 % 1000 == 100);
    /* no zone only when allowed */
    assert_int_equal(time_parse_iso8601(STR_LIT("2026-11-22T12:30:45"), false, &ms2, NULL),
                     -EINVAL);
    assert_int_equal(time_parse_iso8601(STR_LIT("2026-11-22T12:30:45"), true, &ms2, &zone), 0);
    assert_false(zone);
    /* malformed */
    assert_int_equal(time_parse_iso8601(STR_LIT("2026-11-22T25:00:00Z"), false, &ms2, NULL),
                     -EINVAL);
    assert_int_equal(time_parse_iso8601(STR_LIT("2026-11-22T12:30:45.Z"), false, &ms2, NULL),
                     -EINVAL);
    assert_int_equal(time_parse_iso8601(STR_LIT("2026-11-22T12:30Z"), false, &ms2, NULL), -EINVAL);
    assert_int_equal(time_parse_iso8601(STR_LIT("2026-11-22T12:30:45Zjunk"), false, &ms2, NULL),
                     -EINVAL);
    /* before the epoch */
    assert_int_equal(time_parse_iso8601(STR_LIT("1969-12-31T23:59:59.500Z"), false, &ms2, NULL), 0);
    assert_true(ms2 == -500);
    time_format_iso8601(ms2, out);
    assert_string_equal(out, "1969-12-31T23:59:59.500Z");
}

static void test_duration(void **state)
{
    (void)state;
    int64_t ms;
    assert_int_equal(time_parse_duration("PT8.2S", &ms), 0);
    assert_int_equal(ms, 8200);
    assert_int_equal(time_parse_duration("PT1M30S", &ms), 0);
    assert_int_equal(ms, 90000);
    assert_int_equal(time_parse_duration("P1DT2H", &ms), 0);
    assert_int_equal(ms, (24 + 2) * 3600000LL);
    assert_int_equal(time_parse_duration("P2W", &ms), 0);
    assert_int_equal(ms, 14 * 86400000LL);
    assert_int_equal(time_parse_duration("PT0,5S", &ms), 0);
    assert_int_equal(ms, 500);
    assert_int_equal(time_parse_duration("P1M", &ms), 0); /* a month, not a minute */
    assert_int_equal(ms, 30 * 86400000LL);
    assert_int_equal(time_parse_duration("PT1M", &ms), 0);
    assert_int_equal(ms, 60000);
    const char *bad[] = {"",        "P",     "PT",     "8S",  "PT8",   "PTS",      "PT1.5M30S",
                         "PT30S1M", "P1W2D", "PT1H1H", "P1S", "PT-1S", "P999999Y", "P1DT"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (time_parse_duration(bad[i], &ms) != -EINVAL)
            fail_msg("'%s' was accepted", bad[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_days_round_trip),
        cmocka_unit_test(test_parse_date_strict),
        cmocka_unit_test(test_iso8601),
        cmocka_unit_test(test_duration),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

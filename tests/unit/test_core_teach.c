/*
 * core/teach: the teacher views' rules (issue 12, "Teacher"): what a cell is
 * called, xAPI durations, the early-warning thresholds, calendar weeks and
 * the suggested small groups.
 */
#include "test.h"

#include "core/teach.h"

static void test_status(void **state)
{
    (void)state;
    assert_int_equal(teach_status_of(false, 0.99, 5, 0, 0, 0.95), TEACH_NOT_STARTED);
    assert_int_equal(teach_status_of(true, 0.3, 0, 0, 0, 0.95), TEACH_NOT_STARTED);
    assert_int_equal(teach_status_of(true, 0.3, 0, 2, 0, 0.95), TEACH_IN_PROGRESS);
    assert_int_equal(teach_status_of(true, 0.5, 9, 0, 9, 0.95), TEACH_IN_PROGRESS);
    assert_int_equal(teach_status_of(true, 0.5, 12, 0, 10, 0.95), TEACH_STUCK);
    assert_int_equal(teach_status_of(true, 0.95, 12, 0, 10, 0.95), TEACH_MASTERED);
    assert_string_equal(teach_status_name(TEACH_STUCK), "stuck");
    assert_string_equal(teach_status_name(TEACH_NOT_STARTED), "not_started");
}

static void test_durations(void **state)
{
    (void)state;
    static const struct {
        const char *iso;
        int64_t ms;
    } ok[] = {
        {"PT8.20S", 8200}, {"PT4S", 4000},       {"PT1M5S", 65000},   {"PT0.5S", 500},
        {"PT2H", 7200000}, {"P1DT1S", 86401000}, {"P2W", 1209600000}, {"PT1,5S", 1500},
        {"PT0S", 0},       {"PT1.23456S", 1234}, {"PT0.1M", 6000},
    };
    static const char *const bad[] = {
        "",    "P",      "PT",   "8S",   "PT-1S", "P1Y",    "P1M",   "PT5",
        "PTS", "PT1S2M", "P1DT", "PT.S", "PT1.S", "PT1S1S", "P1D1W", "PT99999999999999999S",
        NULL};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        int64_t ms = -1;
        assert_int_equal(teach_duration_ms(ok[i].iso, &ms), 0);
        if (ms != ok[i].ms)
            fail_msg("%s: %lld ms, want %lld", ok[i].iso, (long long)ms, (long long)ok[i].ms);
    }
    for (size_t i = 0; bad[i]; i++) {
        int64_t ms = 77;
        if (teach_duration_ms(bad[i], &ms) != -EINVAL)
            fail_msg("'%s' was accepted", bad[i]);
        assert_int_equal(ms, 77);
    }
    assert_int_equal(teach_duration_ms(NULL, &(int64_t){0}), -EINVAL);
}

static void test_flags(void **state)
{
    (void)state;
    /* a rapid guess is wrong and under 5 s */
    assert_true(teach_rapid_answer(true, 4999, false));
    assert_false(teach_rapid_answer(true, 5000, false));
    assert_false(teach_rapid_answer(true, 1000, true));
    assert_false(teach_rapid_answer(false, 0, false));
    /* five of them, and at least a quarter of the timed answers */
    assert_false(teach_rapid_flag(4, 4));
    assert_true(teach_rapid_flag(5, 20));
    assert_false(teach_rapid_flag(5, 21));
    assert_true(teach_rapid_flag(9, 30));
    assert_false(teach_rapid_flag(5, 0));
    /* 20 points lower, or mastery lost */
    assert_true(teach_falling(0.75, 0.55, 0.95));
    assert_false(teach_falling(0.75, 0.56, 0.95));
    assert_true(teach_falling(0.96, 0.94, 0.95));
    assert_false(teach_falling(0.40, 0.90, 0.95));
    assert_false(teach_falling(NAN, 0.1, 0.95));
}

static void test_weeks(void **state)
{
    (void)state;
    /* 1970-01-01 (day 0) was a Thursday: its week began on Monday 1969-12-29 (day -3) */
    assert_int_equal(teach_week_of_day(0), 0);
    assert_int_equal(teach_week_first_day(0), -3);
    assert_int_equal(teach_week_of_day(3), 0);   /* Sunday 1970-01-04 */
    assert_int_equal(teach_week_of_day(4), 1);   /* Monday 1970-01-05 */
    assert_int_equal(teach_week_of_day(-4), -1); /* Sunday 1969-12-28 */
    /* 2026-12-07 is a Monday (day 20794) */
    int64_t w = teach_week_of_day(20794);
    assert_int_equal(teach_week_first_day(w), 20794);
    assert_int_equal(teach_week_of_day(20794 + 6), w);
    assert_int_equal(teach_week_of_day(20794 + 7), w + 1);
}

/*
 * Skills: 0 (no prerequisites), 1 <- 0, 2 <- 0, 1. Students in rows.
 */
static void test_groups(void **state)
{
    (void)state;
    static const uint32_t pre_start[] = {0, 0, 1, 3};
    static const uint32_t pre[] = {0, 0, 1};
    /* M: mastered */
    const double M = 0.97;
    const double p[] = {
        /* 0 */ 0.40, 0.30, 0.30, /* ready for 0 only */
        /* 1 */ M,    0.50, 0.30, /* ready for 1 */
        /* 2 */ M,    0.20, 0.30, /* ready for 1 (lowest) */
        /* 3 */ M,    0.60, 0.30, /* ready for 1 */
        /* 4 */ 0.35, 0.30, 0.30, /* ready for 0 */
        /* 5 */ M,    M,    M,    /* nothing to learn here */
        /* 6 */ M,    M,    0.10, /* ready for 2 alone */
        /* 7 */ M,    NAN,  0.30, /* has not started 1: not ready for it, nor for 2 */
    };
    int32_t group_of[8];
    uint32_t skill[8];
    int n = teach_groups(p, 8, 3, pre_start, pre, NULL, 0.95, group_of, skill);
    assert_int_equal(n, 2);
    /* three are ready for skill 1, two for skill 0: skill 1 first */
    assert_int_equal(skill[0], 1);
    assert_int_equal(skill[1], 0);
    const int32_t want[] = {1, 0, 0, 0, 1, -1, -1, -1};
    for (int s = 0; s < 8; s++)
        if (group_of[s] != want[s])
            fail_msg("student %d: group %d, want %d", s, group_of[s], want[s]);
    /* deterministic: the same answer again */
    int32_t again[8];
    assert_int_equal(teach_groups(p, 8, 3, pre_start, pre, NULL, 0.95, again, skill), 2);
    assert_memory_equal(again, group_of, sizeof(again));
    /* skill 1 only a prerequisite: then skill 0 goes first, and skill 2 has one student */
    const bool cand[] = {true, false, true};
    assert_int_equal(teach_groups(p, 8, 3, pre_start, pre, cand, 0.95, again, skill), 1);
    assert_int_equal(skill[0], 0);
    const int32_t want2[] = {0, -1, -1, -1, 0, -1, -1, -1};
    assert_memory_equal(again, want2, sizeof(want2));
}

static void test_groups_cap(void **state)
{
    (void)state;
    static const uint32_t pre_start[] = {0, 0};
    double p[9];
    int32_t group_of[9];
    uint32_t skill[9];
    for (int s = 0; s < 9; s++)
        p[s] = 0.1 + 0.05 * (8 - s); /* student 8 lowest */
    /* nine ready for one skill: six (the lowest) and then three */
    assert_int_equal(teach_groups(p, 9, 1, pre_start, NULL, NULL, 0.95, group_of, skill), 2);
    for (int s = 0; s < 9; s++)
        assert_int_equal(group_of[s], s >= 3 ? 0 : 1);
    /* one student alone is no group */
    assert_int_equal(teach_groups(p, 1, 1, pre_start, NULL, NULL, 0.95, group_of, skill), 0);
    assert_int_equal(group_of[0], -1);
    /* a prerequisite out of range is refused */
    static const uint32_t bad_start[] = {0, 1};
    static const uint32_t bad_pre[] = {5};
    assert_int_equal(teach_groups(p, 9, 1, bad_start, bad_pre, NULL, 0.95, group_of, skill),
                     -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status), cmocka_unit_test(test_durations),
        cmocka_unit_test(test_flags),  cmocka_unit_test(test_weeks),
        cmocka_unit_test(test_groups), cmocka_unit_test(test_groups_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * core/select: mastery learning over a prerequisite graph (issue 11, "Choosing
 * the next item"): assignments first, prerequisites before what needs them,
 * reviews when FSRS says they are due, a spinning learner moved to the weakest
 * prerequisite; items near the learner's level.
 *
 * The graph used by most tests (indices):
 *   0 place value (grade 3)
 *   1 addition (3)          <- 0
 *   2 subtraction (3)       <- 0
 *   3 multiplication (4)    <- 1
 *   4 fractions (4)         <- 3, 2
 */
#include "test.h"

#include "core/select.h"

static const uint32_t pre1[] = {0}, pre2[] = {0}, pre3[] = {1}, pre4[] = {3, 2};

static void graph(struct select_skill s[5])
{
    memset(s, 0, 5 * sizeof(*s));
    const uint32_t *pre[] = {NULL, pre1, pre2, pre3, pre4};
    size_t npre[] = {0, 1, 1, 1, 2};
    int grade[] = {3, 3, 3, 4, 4};
    for (int i = 0; i < 5; i++) {
        s[i].p_mastery = 0.3;
        s[i].prereq = pre[i];
        s[i].n_prereq = npre[i];
        s[i].grade = grade[i];
        s[i].has_items = true;
    }
}

static struct fsrs_params fsrs(void)
{
    struct fsrs_params p;
    assert_int_equal(fsrs_params_init(&p, NULL, 0, 0.9, 36500, false), 0);
    return p;
}

static struct select_result pick(struct select_skill *s, size_t n, int64_t current, int64_t today)
{
    struct fsrs_params p = fsrs();
    struct select_input in = {s, n, today, 0.95, 10, &p, current};
    struct select_result r;
    assert_int_equal(select_next_skill(&in, &r), 0);
    return r;
}

static void test_prerequisites_come_first(void **state)
{
    struct select_skill s[5];
    (void)state;
    graph(s);
    struct select_result r = pick(s, 5, -1, 20000);
    assert_int_equal(r.reason, SELECT_NEXT);
    assert_int_equal(r.skill, 0); /* only place value has no prerequisite */
    s[0].p_mastery = 0.97;
    r = pick(s, 5, -1, 20000);
    assert_int_equal(r.skill, 1); /* grade 3, first in the pack's order */
    s[1].p_mastery = 0.96;
    s[3].p_mastery = 0.99;
    r = pick(s, 5, -1, 20000);
    assert_int_equal(r.skill, 2); /* fractions still wait on subtraction */
    s[2].p_mastery = 0.96;
    r = pick(s, 5, -1, 20000);
    assert_int_equal(r.skill, 4);
    assert_int_equal(r.reason, SELECT_NEXT);
}

static void test_the_skill_in_progress_continues_until_mastered(void **state)
{
    struct select_skill s[5];
    (void)state;
    graph(s);
    s[0].p_mastery = 0.97;
    s[2].p_mastery = 0.6;
    s[2].attempts = 3;
    struct select_result r = pick(s, 5, 2, 20000);
    assert_int_equal(r.reason, SELECT_CONTINUE);
    assert_int_equal(r.skill, 2);
    s[2].p_mastery = 0.95; /* mastered at exactly the threshold */
    r = pick(s, 5, 2, 20000);
    assert_int_equal(r.reason, SELECT_NEXT);
    assert_int_equal(r.skill, 1);
}

static void test_assignments_take_priority_earliest_due_first(void **state)
{
    struct select_skill s[5];
    (void)state;
    graph(s);
    s[0].p_mastery = 0.97;
    s[4].assigned_due = 20010;
    s[3].assigned_due = 20005;
    struct select_result r = pick(s, 5, 1, 20000);
    assert_int_equal(r.reason, SELECT_ASSIGNED);
    assert_int_equal(r.skill, 3);
    s[3].p_mastery = 0.99; /* a mastered assignment is done */
    r = pick(s, 5, 1, 20000);
    assert_int_equal(r.skill, 4);
    s[4].has_items = false; /* nothing to practise for it */
    r = pick(s, 5, 1, 20000);
    assert_int_equal(r.reason, SELECT_CONTINUE);
    assert_int_equal(r.skill, 1);
}

static void test_a_spinning_learner_goes_to_the_weakest_prerequisite(void **state)
{
    struct select_skill s[5];
    (void)state;
    graph(s);
    s[0].p_mastery = 0.97;
    s[1].p_mastery = 0.96;
    s[3].p_mastery = 0.8; /* multiplication shaky */
    s[2].p_mastery = 0.5; /* subtraction weaker */
    s[4].attempts = 12;   /* ten or more answers on fractions without mastery */
    s[4].p_mastery = 0.4;
    struct select_result r = pick(s, 5, 4, 20000);
    assert_int_equal(r.reason, SELECT_REMEDIATE);
    assert_int_equal(r.skill, 2);
    assert_int_equal(r.spun_on, 4);
    /* nine answers is not spinning yet */
    s[4].attempts = 9;
    r = pick(s, 5, 4, 20000);
    assert_int_equal(r.reason, SELECT_CONTINUE);
    assert_int_equal(r.skill, 4);
    /* spinning on the prerequisite as well: further down */
    s[4].attempts = 10;
    s[2].attempts = 10;
    s[0].p_mastery = 0.7;
    r = pick(s, 5, 4, 20000);
    assert_int_equal(r.skill, 0);
    assert_int_equal(r.spun_on, 4);
    /* an assignment the learner spins on is remediated too */
    graph(s);
    s[0].p_mastery = 0.97;
    s[1].p_mastery = 0.5;
    s[3].assigned_due = 20001;
    s[3].attempts = 15;
    r = pick(s, 5, -1, 20000);
    assert_int_equal(r.reason, SELECT_REMEDIATE);
    assert_int_equal(r.skill, 1);
    assert_int_equal(r.spun_on, 3);
}

static void test_reviews_when_fsrs_says_they_are_due(void **state)
{
    struct select_skill s[5];
    (void)state;
    graph(s);
    for (int i = 0; i < 5; i++)
        s[i].p_mastery = 0.99;
    s[1].stability = 10;
    s[1].last_day = 20000;
    s[2].stability = 3;
    s[2].last_day = 20000;
    /* day 2: nothing is due yet (R > 0.9 before S days) */
    struct select_result r = pick(s, 5, -1, 20002);
    assert_int_equal(r.reason, SELECT_PRACTICE_MORE);
    /* day 5: subtraction (S = 3) is due, addition (S = 10) is not */
    r = pick(s, 5, -1, 20005);
    assert_int_equal(r.reason, SELECT_REVIEW);
    assert_int_equal(r.skill, 2);
    /* day 40: both due; the more overdue first */
    r = pick(s, 5, -1, 20040);
    assert_int_equal(r.skill, 2);
    /* a review comes before a new skill */
    s[4].p_mastery = 0.2;
    r = pick(s, 5, -1, 20005);
    assert_int_equal(r.reason, SELECT_REVIEW);
    r = pick(s, 5, -1, 20001);
    assert_int_equal(r.reason, SELECT_NEXT);
    assert_int_equal(r.skill, 4);
}

static void test_bad_input_and_nothing_to_do(void **state)
{
    struct select_skill s[5];
    struct fsrs_params p = fsrs();
    struct select_result r;
    static const uint32_t out_of_range[] = {7};
    (void)state;
    graph(s);
    struct select_input in = {s, 5, 20000, 0.95, 10, &p, -1};
    s[2].prereq = out_of_range;
    assert_int_equal(select_next_skill(&in, &r), -EINVAL);
    graph(s);
    s[1].p_mastery = NAN;
    assert_int_equal(select_next_skill(&in, &r), -EINVAL);
    in.fsrs = NULL;
    assert_int_equal(select_next_skill(&in, &r), -EINVAL);
    graph(s);
    for (int i = 0; i < 5; i++)
        s[i].has_items = false;
    in.fsrs = &p;
    assert_int_equal(select_next_skill(&in, &r), 0);
    assert_int_equal(r.reason, SELECT_NONE);
    assert_int_equal(r.skill, -1);
    in.n = 0;
    in.skills = NULL;
    assert_int_equal(select_next_skill(&in, &r), 0);
    assert_int_equal(r.reason, SELECT_NONE);
    /* a cycle the caller did not catch still gives an answer */
    static const uint32_t a[] = {1}, b[] = {0};
    struct select_skill c[2] = {{.p_mastery = 0.1, .prereq = a, .n_prereq = 1, .has_items = true},
                                {.p_mastery = 0.2, .prereq = b, .n_prereq = 1, .has_items = true}};
    c[0].attempts = c[1].attempts = 50;
    struct select_input ci = {c, 2, 20000, 0.95, 10, &p, 0};
    assert_int_equal(select_next_skill(&ci, &r), 0);
    assert_true(r.skill == 0 || r.skill == 1);
}

static void test_items_near_the_learners_level(void **state)
{
    (void)state;
    struct select_item it[] = {
        {-2.0, 1.0, false}, {0.0, 1.0, false}, {1.0, 1.0, false}, {3.0, 1.0, false}};
    /* theta 1: P = 0.95, 0.73, 0.5, 0.12; target 0.7 -> b = 0 */
    assert_int_equal(select_item(it, 4, 1.0, 0.7, 1), 1);
    /* a weaker learner (theta -1): P = 0.73, 0.27, ... -> b = -2 */
    assert_int_equal(select_item(it, 4, -1.0, 0.7, 1), 0);
    /* seen recently: the next best */
    it[1].recent = true;
    int64_t k = select_item(it, 4, 1.0, 0.7, 1);
    assert_true(k == 2 || k == 0);
    /* all recent: still an answer */
    for (int i = 0; i < 4; i++)
        it[i].recent = true;
    assert_int_equal(select_item(it, 4, 1.0, 0.7, 1), 1);
    assert_int_equal(select_item(it, 0, 1.0, 0.7, 1), -1);
    /* unknown difficulties: the seed spreads learners over the items */
    struct select_item u[8];
    int seen[8] = {0};
    for (int i = 0; i < 8; i++)
        u[i] = (struct select_item){NAN, NAN, false};
    for (uint64_t seed = 0; seed < 400; seed++)
        seen[select_item(u, 8, 0.0, 0.7, seed)]++;
    for (int i = 0; i < 8; i++)
        assert_true(seen[i] > 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prerequisites_come_first),
        cmocka_unit_test(test_the_skill_in_progress_continues_until_mastered),
        cmocka_unit_test(test_assignments_take_priority_earliest_due_first),
        cmocka_unit_test(test_a_spinning_learner_goes_to_the_weakest_prerequisite),
        cmocka_unit_test(test_reviews_when_fsrs_says_they_are_due),
        cmocka_unit_test(test_bad_input_and_nothing_to_do),
        cmocka_unit_test(test_items_near_the_learners_level),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * http/xapi: If-Match / If-None-Match lists (xAPI 1.0.3 Communication 3.1,
 * RFC 9110 13.1.1-2) are parsed by the HTTP layer (xapi_etags) and matched
 * by the app (lrs_docs_etag_listed): "*", quoted and weak tags, and
 * malformed lists, which are errors unless the tag is named before the
 * first malformed entry (as the combined parser of older versions did).
 */
#include "test.h"

#include "app/lrs_docs.h"
#include "http/xapi.h"

static struct arena arena = ARENA_INIT;

#define TAG "\"a94a8fe5ccb19ba61c4c0873d391e987982fbbd3\""

static int listed(const char *header, const char *etag)
{
    struct lrs_docs_etags l;
    assert_int_equal(xapi_etags(&arena, header, &l), 0);
    assert_true(l.present);
    return lrs_docs_etag_listed(&l, etag);
}

static void test_comm_3_1_if_match_lists(void **state)
{
    (void)state;
    assert_int_equal(listed("*", TAG), 1);
    assert_int_equal(listed(" * ", TAG), 1);
    assert_int_equal(listed(TAG, TAG), 1);
    assert_int_equal(listed("\"1234\"", TAG), 0);
    assert_int_equal(listed("\"x\", \"a94a8fe5ccb19ba61c4c0873d391e987982fbbd3\"", TAG), 1);
    assert_int_equal(listed("W/\"a94a8fe5ccb19ba61c4c0873d391e987982fbbd3\"", TAG), 1);
    assert_int_equal(listed("\"x\",\"y\"", TAG), 0);
    assert_int_equal(listed("\"\"", "\"\""), 1);
    /* malformed lists are errors, not mismatches */
    assert_int_equal(listed("", TAG), -EINVAL);
    assert_int_equal(listed("  ", TAG), -EINVAL);
    assert_int_equal(listed("abc", TAG), -EINVAL);
    assert_int_equal(listed("\"abc", TAG), -EINVAL);
    assert_int_equal(listed("\"a\" \"b\"", TAG), -EINVAL);
    assert_int_equal(listed("\"a\",", TAG), -EINVAL);
    assert_int_equal(listed("\"a\", *", TAG), -EINVAL);
    /* ... unless the tag is named before the first malformed entry */
    assert_int_equal(listed(TAG ", garbage", TAG), 1);
    assert_int_equal(listed("garbage, " TAG, TAG), -EINVAL);
    arena_release(&arena);
}

static void test_absent_header(void **state)
{
    (void)state;
    struct lrs_docs_etags l;
    assert_int_equal(xapi_etags(&arena, NULL, &l), 0);
    assert_false(l.present);
    assert_false(l.any);
    assert_int_equal(l.n, 0);
    assert_int_equal(lrs_docs_etag_listed(&l, TAG), 0);
    arena_release(&arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_comm_3_1_if_match_lists),
        cmocka_unit_test(test_absent_header),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * app/lrs_docs: the pure rules of the xAPI document resources: the agent
 * parameter's inverse functional identifier (Data 2.4.2.3) and the JSON
 * merge of POST (Communication 2.2 "JSON Procedure"). The If-Match lists
 * are parsed in src/http (tests/unit/test_http_xapi.c).
 */
#include "test.h"

#include <stdlib.h>

#include "app/ctx.h"
#include "app/lrs_docs.h"

static struct arena arena = ARENA_INIT;
static struct ctx c;

static int setup(void **state)
{
    (void)state;
    memset(&c, 0, sizeof(c));
    c.arena = &arena;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    arena_release(&arena);
    return 0;
}

static void test_data_2_4_2_3_agent_ifi(void **state)
{
    (void)state;
    const char *key, *mbox, *home, *name;
    assert_int_equal(
        lrs_docs_agent_key(&c, "{\"mbox\":\"mailto:a@example.com\"}", &key, &mbox, &home, &name),
        0);
    assert_string_equal(key, "mbox:mailto:a@example.com");
    assert_string_equal(mbox, "mailto:a@example.com");
    assert_null(home);
    assert_int_equal(lrs_docs_agent_key(&c,
                                        "{\"objectType\":\"Agent\",\"account\":{\"homePage\":"
                                        "\"https://x.example\",\"name\":\"s1\"}}",
                                        &key, &mbox, &home, &name),
                     0);
    assert_string_equal(key, "account:17:https://x.examples1");
    assert_string_equal(home, "https://x.example");
    assert_string_equal(name, "s1");
    /* mbox_sha1sum is case-insensitive hex: one key for both spellings */
    assert_int_equal(
        lrs_docs_agent_key(&c, "{\"mbox_sha1sum\":\"ABCDEF0123456789ABCDEF0123456789ABCDEF01\"}",
                           &key, NULL, NULL, NULL),
        0);
    assert_string_equal(key, "sha1:abcdef0123456789abcdef0123456789abcdef01");

    static const char *bad[] = {
        "not JSON",
        "[]",
        "{}",
        "{\"name\":\"no ifi\"}",
        "{\"mbox\":\"a@example.com\"}",
        "{\"mbox\":\"mailto:a@example.com\",\"openid\":\"http://o.example\"}",
        "{\"mbox_sha1sum\":\"xyz\"}",
        "{\"openid\":\"no scheme\"}",
        "{\"account\":{\"homePage\":\"https://x.example\"}}",
        "{\"account\":{\"homePage\":\"https://x.example\",\"name\":\"\"}}",
        "{\"objectType\":\"Activity\",\"mbox\":\"mailto:a@example.com\"}",
        "{\"mbox\":\"mailto:a@example.com\",\"mbox\":\"mailto:b@example.com\"}",
        "{\"mbox\":\"mailto:a@example.com\",\"name\":7}",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        c.err[0] = '\0';
        assert_int_equal(lrs_docs_agent_key(&c, bad[i], &key, NULL, NULL, NULL), -EINVAL);
        assert_true(strncmp(c.err, "agent: ", 7) == 0);
    }
}

static void test_comm_2_2_json_merge(void **state)
{
    (void)state;
    char *out;
    size_t n;
    /* the spec's example: x replaced, y kept, z added */
    const char *a = "{\"x\":\"foo\",\"y\":\"bar\"}", *b = "{\"x\":\"bash\",\"z\":\"faz\"}";
    assert_int_equal(lrs_docs_merge(&c, a, strlen(a), b, strlen(b), &out, &n), 0);
    assert_string_equal(out, "{\"x\":\"bash\",\"y\":\"bar\",\"z\":\"faz\"}");
    assert_int_equal(n, strlen(out));
    /* only the top level: a nested object is replaced whole */
    a = "{\"o\":{\"p\":1,\"q\":2}}";
    b = "{\"o\":{\"q\":3}}";
    assert_int_equal(lrs_docs_merge(&c, a, strlen(a), b, strlen(b), &out, &n), 0);
    assert_string_equal(out, "{\"o\":{\"q\":3}}");
    /* either side not an object: 400 */
    assert_int_equal(lrs_docs_merge(&c, "[1]", 3, "{}", 2, &out, &n), -EINVAL);
    assert_int_equal(lrs_docs_merge(&c, "{}", 2, "\"s\"", 3, &out, &n), -EINVAL);
    assert_int_equal(lrs_docs_merge(&c, "{}", 2, "{bad", 4, &out, &n), -EINVAL);
}

static void test_content_type_json(void **state)
{
    (void)state;
    assert_true(lrs_docs_is_json("application/json"));
    assert_true(lrs_docs_is_json("Application/JSON; charset=utf-8"));
    assert_false(lrs_docs_is_json("application/octet-stream"));
    assert_false(lrs_docs_is_json("application/jsonx"));
    assert_false(lrs_docs_is_json(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_data_2_4_2_3_agent_ifi),
        cmocka_unit_test(test_comm_2_2_json_merge),
        cmocka_unit_test(test_content_type_json),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

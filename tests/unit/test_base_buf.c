/* base/buf and base/arena: growth, caps, failure leaves the buffer unchanged, OOM. */
#include "test.h"

#include "base/arena.h"
#include "base/buf.h"
#include "base/mem.h"

static void test_append_and_cstr(void **state)
{
    (void)state;
    struct buf b = BUF_INIT(1024);
    assert_string_equal(buf_cstr(&b), "");
    assert_int_equal(buf_appends(&b, "hello"), 0);
    assert_int_equal(buf_putc(&b, ' '), 0);
    assert_int_equal(buf_appendf(&b, "%s %d", "world", 42), 0);
    assert_string_equal(buf_cstr(&b), "hello world 42");
    assert_int_equal(b.len, 14);
    buf_truncate(&b, 5);
    assert_string_equal(buf_cstr(&b), "hello");
    buf_release(&b);
    assert_null(b.data);
}

static void test_cap_is_enforced_and_buffer_unchanged(void **state)
{
    (void)state;
    struct buf b = BUF_INIT(8);
    assert_int_equal(buf_appends(&b, "12345678"), 0);
    assert_int_equal(buf_appends(&b, "9"), -E2BIG);
    assert_string_equal(buf_cstr(&b), "12345678");
    assert_int_equal(buf_appendf(&b, "%d", 1), -E2BIG);
    assert_int_equal(b.len, 8);
    buf_release(&b);
}

static void test_long_format(void **state)
{
    (void)state;
    struct buf b = BUF_INIT(1 << 20);
    char big[1000];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(buf_appendf(&b, "[%s]", big), 0);
    assert_int_equal(b.len, 1001);
    assert_int_equal(b.data[0], '[');
    assert_int_equal(b.data[1000], ']');
    buf_release(&b);
}

static void test_detach(void **state)
{
    (void)state;
    struct buf b = BUF_INIT(100);
    size_t n;
    assert_int_equal(buf_appends(&b, "abc"), 0);
    char *d = buf_detach(&b, &n);
    assert_string_equal(d, "abc");
    assert_int_equal(n, 3);
    assert_null(b.data);
    mem_free(d);
}

static void test_oom_leaves_buffer_unchanged(void **state)
{
    (void)state;
    struct buf b = BUF_INIT(1 << 20);
    assert_int_equal(buf_appends(&b, "keep"), 0);
    char big[500];
    memset(big, 'y', sizeof(big));
    mem_fail_after(0);
    assert_int_equal(buf_append(&b, big, sizeof(big)), -ENOMEM);
    assert_int_equal(mem_fail_after(-1), 1);
    assert_string_equal(buf_cstr(&b), "keep");
    buf_release(&b);
}

static void test_arena(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    char *s = arena_strdup(&a, "abc");
    char *p = arena_printf(&a, "%s-%d", s, 7);
    assert_string_equal(p, "abc-7");
    void *big = arena_alloc(&a, 100000);
    assert_non_null(big);
    memset(big, 1, 100000);
    /* a big allocation does not waste the small chunk being filled */
    char *after = arena_strdup(&a, "next");
    assert_string_equal(after, "next");
    uint64_t *al = arena_alloc(&a, sizeof(uint64_t));
    assert_int_equal((uintptr_t)al % sizeof(max_align_t), 0);
    arena_release(&a);
    assert_null(a.head);
}

static void test_arena_limit(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    a.limit = 1024;
    assert_non_null(arena_alloc(&a, 512));
    assert_null(arena_alloc(&a, 1024));
    arena_release(&a);
}

static void test_arena_oom(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    mem_fail_after(0);
    assert_null(arena_strdup(&a, "x"));
    mem_fail_after(-1);
    assert_non_null(arena_strdup(&a, "x"));
    arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_and_cstr),
        cmocka_unit_test(test_cap_is_enforced_and_buffer_unchanged),
        cmocka_unit_test(test_long_format),
        cmocka_unit_test(test_detach),
        cmocka_unit_test(test_oom_leaves_buffer_unchanged),
        cmocka_unit_test(test_arena),
        cmocka_unit_test(test_arena_limit),
        cmocka_unit_test(test_arena_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

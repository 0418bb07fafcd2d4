/* base/csvread and base/strmap: the strict CSV reader (RFC 4180 with OneRoster's rule that a
   field holds no line break) and the string map the roster import resolves sourcedIds with. */
#include "test.h"

#include <stdio.h>

#include "base/csvread.h"
#include "base/strmap.h"

static void read_all(const char *in, int *ret_records)
{
    struct csvr r;
    int n = 0, rc;
    csvr_init(&r, in, strlen(in));
    while ((rc = csvr_next(&r)) > 0)
        n++;
    assert_int_equal(rc, 0);
    csvr_release(&r);
    *ret_records = n;
}

static void test_fields_quotes_and_line_ends(void **state)
{
    (void)state;
    const char *in = "\xef\xbb\xbf"
                     "a,\"b,c\",\"say \"\"hi\"\"\",\r\n"
                     "\"plain\",,x\n";
    struct csvr r;
    csvr_init(&r, in, strlen(in));
    assert_true(r.bom);
    assert_int_equal(csvr_next(&r), 1);
    assert_int_equal(r.rec_line, 1);
    assert_int_equal(r.n, 4);
    assert_true(str_eq_cstr(r.fields[0], "a"));
    assert_true(str_eq_cstr(r.fields[1], "b,c"));
    assert_true(str_eq_cstr(r.fields[2], "say \"hi\""));
    assert_true(str_eq_cstr(r.fields[3], ""));
    assert_int_equal(csvr_next(&r), 1);
    assert_int_equal(r.rec_line, 2);
    assert_int_equal(r.n, 3);
    assert_true(str_eq_cstr(r.fields[0], "plain"));
    assert_int_equal(csvr_next(&r), 0);
    assert_true(r.crlf);
    assert_true(r.lf);
    assert_int_equal(r.needless_quotes, 1); /* "plain"; "b,c" needed its quotes */
    csvr_release(&r);
}

static void test_errors_name_line_and_column(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        size_t line, col;
        const char *why;
    } cases[] = {
        {"a,b\nc,d\"e\n", 2, 2, "a quote inside an unquoted field"},
        {"a,\"b\"x\n", 1, 2, "text after the closing quote"},
        {"a,\"b\nc\"\n", 1, 2, "not closed on its line"},
        {"a,b\n\nc,d\n", 2, 1, "an empty line"},
        {"a,b\rc\n", 1, 2, "carriage return"},
        {"a,\xff\n", 1, 2, "not valid UTF-8"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct csvr r;
        int rc;
        csvr_init(&r, cases[i].in, strlen(cases[i].in));
        while ((rc = csvr_next(&r)) > 0)
            ;
        assert_int_equal(rc, -EINVAL);
        assert_int_equal(r.rec_line, cases[i].line);
        assert_int_equal(r.err_col, cases[i].col);
        if (!strstr(r.err, cases[i].why))
            fail_msg("case %zu: '%s' lacks '%s'", i, r.err, cases[i].why);
        csvr_release(&r);
    }
}

static void test_trailing_blank_lines_and_no_final_newline(void **state)
{
    (void)state;
    int n;
    read_all("a,b\nc,d\n\n\n", &n);
    assert_int_equal(n, 2);
    read_all("a,b\nc,d", &n);
    assert_int_equal(n, 2);
    read_all("", &n);
    assert_int_equal(n, 0);
}

static void test_strmap_many_keys(void **state)
{
    (void)state;
    struct strmap m = STRMAP_INIT;
    char k[32];
    for (int i = 0; i < 100000; i++) {
        struct strmap_entry *e;
        bool added;
        int n = snprintf(k, sizeof(k), "enr-%07d", i);
        assert_int_equal(strmap_put(&m, (struct str){k, (size_t)n}, &e, &added), 0);
        assert_true(added);
        e->id = i;
    }
    assert_int_equal(m.n, 100000);
    for (int i = 0; i < 100000; i += 7) {
        int n = snprintf(k, sizeof(k), "enr-%07d", i);
        struct strmap_entry *e = strmap_get(&m, (struct str){k, (size_t)n});
        assert_non_null(e);
        assert_int_equal(e->id, i);
    }
    assert_null(strmap_get(&m, STR_LIT("enr-x")));
    size_t seen = 0;
    strmap_foreach(&m, e) seen++;
    assert_int_equal(seen, 100000);
    strmap_release(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields_quotes_and_line_ends),
        cmocka_unit_test(test_errors_name_line_and_column),
        cmocka_unit_test(test_trailing_blank_lines_and_no_final_newline),
        cmocka_unit_test(test_strmap_many_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

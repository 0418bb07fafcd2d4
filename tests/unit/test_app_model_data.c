/*
 * app/model_data: the dkt and csv answer-log parsers (good files, and bad
 * ones rejected with the line and the reason) and grouping by skill.
 */
#include "test.h"

#include "app/model_data.h"

static int parse(const char *text, enum kt_format fmt, struct kt_data *d, char *err)
{
    return kt_parse(text, strlen(text), fmt, d, err, 256);
}

/* The text must be rejected with a message containing want. */
static void rejects(const char *text, enum kt_format fmt, const char *want)
{
    struct kt_data d;
    char err[256];
    assert_int_equal(parse(text, fmt, &d, err), -EINVAL);
    if (!strstr(err, want))
        fail_msg("error '%s' does not contain '%s'", err, want);
    assert_int_equal(d.n, 0); /* nothing left behind */
}

static void test_dkt_good(void **state)
{
    (void)state;
    struct kt_data d;
    char err[256];
    /* trailing commas, CRLF, a blank line between students */
    const char *text = "3\r\n7,7,12,\r\n1,0,1,\r\n\r\n2\n12,7\n0,1\n";
    assert_int_equal(parse(text, KT_FORMAT_DKT, &d, err), 0);
    assert_int_equal(d.n, 5);
    assert_int_equal(d.n_users, 2);
    assert_true(d.users_numbered);
    assert_int_equal(d.skills.n, 2);
    assert_string_equal(d.skills.name[d.skill[2]], "12");
    assert_int_equal(d.user[4], 1);
    assert_int_equal(d.correct[1], 0);
    assert_null(d.item);
    char buf[16];
    assert_string_equal(kt_user_label(&d, 1, buf, sizeof(buf)), "1");
    kt_data_release(&d);
    /* the format is recognised */
    assert_int_equal(parse(text, KT_FORMAT_AUTO, &d, err), 0);
    assert_int_equal(d.n, 5);
    kt_data_release(&d);
}

static void test_dkt_errors_name_the_line(void **state)
{
    (void)state;
    rejects("3\n7,7\n1,0,1\n", KT_FORMAT_DKT, "line 2: expected 3 skill ids");
    rejects("2\n7,8\n1,0,1\n", KT_FORMAT_DKT, "line 3: expected 2 answers");
    rejects("2\n7,x\n1,0\n", KT_FORMAT_DKT, "line 2: id 2: 'x' is not a non-negative integer");
    rejects("2\n7,-1\n1,0\n", KT_FORMAT_DKT, "line 2: id 2");
    rejects("2\n7,8\n1,2\n", KT_FORMAT_DKT, "line 3: answer 2: '2' is not 0 or 1");
    rejects("1\n3\n1\n2\n4,5\n", KT_FORMAT_DKT, "line 6: expected the answers");
    rejects("1\n3\n1\nx\n", KT_FORMAT_DKT, "line 4: expected the number of answers");
    rejects("0\n\n\n", KT_FORMAT_DKT, "line 1: expected the number of answers");
    rejects("", KT_FORMAT_DKT, "no answers");
    struct kt_data d;
    char err[256];
    assert_int_equal(kt_parse("1\n3\n1\0\n", 7, KT_FORMAT_DKT, &d, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "line 3: a NUL byte"));
}

static void test_csv_good(void **state)
{
    (void)state;
    struct kt_data d;
    char err[256];
    const char *text = "\xef\xbb\xbfUser_ID,skill,item_id,correct,order,note\n"
                       "ann,fractions,i1,1,3,x\n"
                       "ann,fractions,i2,0,1,\"a, b\"\n"
                       "\"bob \"\"b\"\"\",\"decimals, basic\",i1,1,2.5,\n"
                       "\n"
                       "ann,decimals,i1,1,2,\n";
    assert_int_equal(parse(text, KT_FORMAT_AUTO, &d, err), 0);
    assert_int_equal(d.n, 4);
    assert_int_equal(d.n_users, 2);
    assert_string_equal(d.users.name[1], "bob \"b\"");
    assert_string_equal(d.skills.name[d.skill[2]], "decimals, basic");
    assert_non_null(d.item);
    assert_string_equal(d.items.name[d.item[1]], "i2");
    /* ann's answers by order: line 3 (order 1), line 5 (2), line 2 (3); then bob */
    assert_int_equal(d.by_user[0], 1);
    assert_int_equal(d.by_user[1], 3);
    assert_int_equal(d.by_user[2], 0);
    assert_int_equal(d.by_user[3], 2);
    kt_data_release(&d);
}

static void test_csv_errors_name_the_line(void **state)
{
    (void)state;
    rejects("user,correct\nann,1\n", KT_FORMAT_CSV, "line 1: no skill column");
    rejects("skill,correct\ns,1\n", KT_FORMAT_CSV, "line 1: no user column");
    rejects("user,skill\nann,s\n", KT_FORMAT_CSV, "line 1: no correct column");
    rejects("user,skill,correct,user\n", KT_FORMAT_CSV, "line 1: column 4: a second 'user'");
    rejects("user,skill,correct\nann,s,1\nann,s\n", KT_FORMAT_CSV,
            "line 3: 2 fields, but the header has 3");
    rejects("user,skill,correct\nann,s,1,2\n", KT_FORMAT_CSV, "line 2: more fields");
    rejects("user,skill,correct\nann,s,yes\n", KT_FORMAT_CSV,
            "line 2: correct (column 3): 'yes' is not 0 or 1");
    rejects("user,skill,correct\n,s,1\n", KT_FORMAT_CSV, "line 2: user (column 1): empty");
    rejects("user,skill,correct\nann,\"s,1\n", KT_FORMAT_CSV, "line 2: field 2: the quote");
    rejects("user,skill,correct\nann,s\"x,1\n", KT_FORMAT_CSV, "line 2: field 2: a quote");
    rejects("user,skill,correct,order\nann,s,1,soon\n", KT_FORMAT_CSV,
            "line 2: order (column 4): 'soon' is not a number");
    rejects("user,skill,correct,order\nann,s,1,nan\n", KT_FORMAT_CSV, "is not a number");
    rejects("user,skill,correct\n", KT_FORMAT_CSV, "no answers");
    rejects("user,skill,correct\nann,s\x01,1\n", KT_FORMAT_CSV, "not clean");
}

static void test_group_by_skill(void **state)
{
    (void)state;
    struct kt_data d;
    struct kt_groups g;
    char err[256];
    const char *text = "user,skill,item,correct,order\n"
                       "a,s1,x,1,1\n"
                       "b,s1,y,0,1\n"
                       "a,s2,x,0,2\n"
                       "a,s1,z,1,3\n"
                       "b,s1,x,1,2\n";
    assert_int_equal(parse(text, KT_FORMAT_CSV, &d, err), 0);
    assert_int_equal(kt_group(&d, NULL, &g), 0);
    assert_int_equal(g.n_skills, 2);
    const struct kt_skill *s1 = &g.skill[g.by_skill[d.skill[0]]];
    assert_int_equal(s1->count, 4);
    assert_int_equal(s1->n_seqs, 2);
    /* a: x(1), z(1); b: y(0), x(1) */
    assert_int_equal(g.seq_start[s1->seq_off + 1], 2);
    assert_int_equal(g.correct[s1->first + 2], 0);
    assert_int_equal(s1->n_items, 3);
    assert_int_equal(g.seq_class[s1->first_seq], 1); /* a started right */
    assert_int_equal(g.seq_class[s1->first_seq + 1], 0);
    kt_groups_release(&g);
    /* only b */
    uint8_t keep[2] = {0, 1};
    assert_int_equal(kt_group(&d, keep, &g), 0);
    assert_int_equal(g.n_answers, 2);
    assert_int_equal(g.n_skills, 1);
    kt_groups_release(&g);
    uint8_t none[2] = {0, 0};
    assert_int_equal(kt_group(&d, none, &g), -EINVAL);
    kt_data_release(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dkt_good),       cmocka_unit_test(test_dkt_errors_name_the_line),
        cmocka_unit_test(test_csv_good),       cmocka_unit_test(test_csv_errors_name_the_line),
        cmocka_unit_test(test_group_by_skill),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

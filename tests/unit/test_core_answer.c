/*
 * core/answer: every answer type on a table of cases (the tricky ones
 * included: 0.1+0.2 vs 0.3, -0, 1e308, 1/0, x/x vs 1, 2(3), sqrt(x^2) vs
 * x, mixed numbers, U+2212, decimal commas), the reasons, the limits (too
 * long, too deep, too many operations, bad UTF-8), text normalisation
 * (NFC for Latin letters, case, spacing), determinism under a seed, and
 * random and pathological inputs that must come back quickly with a
 * reason, never a crash.
 */
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/answer.h"
#include "core/rng.h"

enum {
    N = ANSWER_NUMBER,
    F = ANSWER_FRACTION,
    E = ANSWER_EXPRESSION,
    C = ANSWER_CHOICE,
    T = ANSWER_TEXT
};

struct tcase {
    int type;
    const char *expected, *given;
    bool correct;
    const char *reason;
    bool simplified;
    double abs_tol, rel_tol; /* rel_tol < 0: the default */
};

static struct answer_work work;

static void run_case(const struct tcase *c, int line)
{
    struct answer_spec sp = ANSWER_SPEC_DEFAULTS((enum answer_type)c->type);
    struct answer_result res;
    int r;

    sp.simplified = c->simplified;
    sp.abs_tol = c->abs_tol;
    if (c->rel_tol >= 0)
        sp.rel_tol = c->rel_tol;
    r = answer_check(&sp, c->expected, strlen(c->expected), c->given, strlen(c->given), &work,
                     &res);
    if (r != 0)
        fail_msg("case at line %d (%s vs %s): returned %d (%s)", line, c->expected, c->given, r,
                 res.reason);
    if (res.correct != c->correct || strcmp(res.reason, c->reason) != 0)
        fail_msg("case at line %d (%s: expected '%s', given '%s'): got %s/%s, want %s/%s", line,
                 answer_type_name((enum answer_type)c->type), c->expected, c->given,
                 res.correct ? "correct" : "wrong", res.reason, c->correct ? "correct" : "wrong",
                 c->reason);
}

#define CASE(...)                  \
    {                              \
        __VA_ARGS__, .rel_tol = -1 \
    }
#define RUN(tab)                                                 \
    for (size_t i_ = 0; i_ < sizeof(tab) / sizeof(tab[0]); i_++) \
    run_case(&tab[i_], (int)i_)

static void test_numbers(void **state)
{
    (void)state;
    static const struct tcase tab[] = {
        CASE(N, "0.3", "0.3", true, "equal"),
        CASE(N, "0.3", "0.30", true, "equal"),
        CASE(N, "0.3", ".3", true, "equal"),
        CASE(N, "0.3", "0.30000000000000004", true, "within_tolerance"),
        CASE(N, "0.3", "0.31", false, "different_value"),
        CASE(N, "0", "-0", true, "equal"),
        CASE(N, "0",
             "\xe2\x88\x92"
             "0",
             true, "equal"), /* U+2212 */
        CASE(N, "-5",
             "\xe2\x88\x92"
             "5",
             true, "equal"),
        CASE(N, "-5", "- 5", true, "equal"),
        CASE(N, "5", "+5", true, "equal"),
        CASE(N, "1e308", "1e308", true, "within_tolerance"), /* not an exact rational here */
        CASE(N, "1e308", "1E+308", true, "within_tolerance"),
        CASE(N, "1e308", "1e309", false, "out_of_range"),
        CASE(N, "2.5e-3", "0.0025", true, "equal"),
        CASE(N, "1", "1/0", false, "division_by_zero"),
        CASE(N, "0.75", "3/4", true, "equal"),
        CASE(N, "1.5", "1 1/2", true, "equal"),
        CASE(N, "-1.5", "-1 1/2", true, "equal"),
        CASE(N, "0.5", "0,5", true, "equal"), /* decimal comma */
        CASE(N, "3.14", "3,14", true, "equal"),
        CASE(N, "1.0005", "1,0005", true, "equal"),
        CASE(N, "1000", "1,000", false, "ambiguous_separator"),
        CASE(N, "1234.5", "1,234.5", false, "ambiguous_separator"),
        CASE(N, "12", "twelve", false, "not_a_number"),
        CASE(N, "12", "12abc", false, "not_a_number"),
        CASE(N, "12", "nan", false, "not_a_number"),
        CASE(N, "12", "inf", false, "not_a_number"),
        CASE(N, "12", "0x0c", false, "not_a_number"),
        CASE(N, "12", "1 2", false, "not_a_number"),
        CASE(N, "12", "", false, "empty"),
        CASE(N, "12", "   ", false, "empty"),
        CASE(N, "12", "  12\n", true, "equal"),
        CASE(N, "3.14159", "3.14", false, "different_value"),
        {N, "3.14159", "3.14", true, "within_tolerance", false, 0.01, 1e-9},
        {N, "100", "101", true, "within_tolerance", false, 0, 0.01},
        {N, "100", "102", false, "different_value", false, 0, 0.01},
        CASE(N, "123456789012345678901234567890", "123456789012345678901234567890", true,
             "within_tolerance"),
        CASE(N, "0.1", "0.100000000000000000000000001", true, "within_tolerance"),
    };
    RUN(tab);
}

static void test_fractions(void **state)
{
    (void)state;
    static const struct tcase tab[] = {
        CASE(F, "1/2", "1/2", true, "equal"),
        CASE(F, "1/2", "2/4", true, "equivalent"),
        {F, "1/2", "2/4", false, "not_simplified", true, 0, 1e-9},
        {F, "1/2", "1/2", true, "equal", true, 0, 1e-9},
        {F, "2", "4/2", false, "not_simplified", true, 0, 1e-9},
        {F, "2", "2/1", false, "not_simplified", true, 0, 1e-9},
        {F, "2", "2", true, "equal", true, 0, 1e-9},
        {F, "3/2", "1 1/2", true, "equivalent", true, 0, 1e-9},
        {F, "3/2", "3/2", true, "equal", true, 0, 1e-9},
        {F, "3/2", "1 2/4", false, "not_simplified", true, 0, 1e-9},
        {F, "0", "0/5", false, "not_simplified", true, 0, 1e-9},
        {F, "1/2", "0.5", false, "not_a_fraction", true, 0, 1e-9},
        CASE(F, "1/2", "0.5", true, "equivalent"),
        CASE(F, "1/3", "0.333", false, "different_value"), /* exact */
        CASE(F, "-3/2", "-1 1/2", true, "equivalent"),
        CASE(F, "-3/2",
             "\xe2\x88\x92"
             "3/2",
             true, "equal"),
        CASE(F, "-3/2", "3/2", false, "different_value"),
        CASE(F, "1 1/2", "1 1/2", true, "equal"),
        CASE(F, "1 1/2", "1  1 / 2", true, "equal"),
        CASE(F, "1/2", "1 / 2", true, "equal"),
        CASE(F, "1/2", "1/0", false, "division_by_zero"),
        CASE(F, "1/2", "1/-2", false, "not_a_fraction"),
        CASE(F, "1/2", "a/b", false, "not_a_fraction"),
        CASE(F, "1/2", "1/2/3", false, "not_a_fraction"),
        CASE(F, "1/2", "1 1/2 1", false, "not_a_fraction"),
        CASE(F, "1/2", "9223372036854775807/18446744073709551614", false, "out_of_range"),
        CASE(F, "9223372036854775807/2", "9223372036854775807/2", true, "equal"),
        CASE(F, "1/3", "3074457345618258602/9223372036854775806", true, "equivalent"),
        CASE(F, "1/3", "3074457345618258602/9223372036854775807", false, "different_value"),
        CASE(F, "5", "99999999999 1/2", false, "different_value"),
        CASE(F, "5", "9223372036854775807 1/2", false, "out_of_range"),
        CASE(F, "0,5", "1/2", true, "equivalent"),
    };
    RUN(tab);
}

static void test_expressions(void **state)
{
    (void)state;
    static const struct tcase tab[] = {
        CASE(E, "0.3", "0.1+0.2", true, "equivalent"),
        CASE(E, "2x", "x+x", true, "equivalent"),
        CASE(E, "2*x", "2x", true, "equivalent"),
        CASE(E, "3x+3", "3(x+1)", true, "equivalent"),
        CASE(E, "x^2-1", "(x+1)(x-1)", true, "equivalent"),
        CASE(E, "x^2-1", "(x-1)(x+1)", true, "equivalent"),
        CASE(E, "x^2+1", "(x+1)(x-1)", false, "not_equivalent"),
        CASE(E, "6", "2(3)", true, "equivalent"),
        CASE(E, "1", "x/x", true, "equivalent"),            /* equal wherever both are defined */
        CASE(E, "x", "sqrt(x^2)", false, "not_equivalent"), /* x < 0 */
        CASE(E, "abs(x)", "sqrt(x^2)", true, "equivalent"),
        CASE(E, "|x|", "sqrt(x^2)", true, "equivalent"),
        CASE(E, "1", "1/0", false, "undefined"),
        CASE(E, "-x^2", "-(x^2)", true, "equivalent"),
        CASE(E, "-x^2", "(-x)^2", false, "not_equivalent"),
        CASE(E, "x^-1", "1/x", true, "equivalent"),
        CASE(E, "2^3^2", "512", true, "equivalent"),     /* right-associative */
        CASE(E, "x\xc2\xb2", "x^2", true, "equivalent"), /* x² */
        CASE(E,
             "\xe2\x88\x9a"
             "x",
             "sqrt(x)", true, "equivalent"), /* √x */
        CASE(E,
             "\xe2\x88\x92"
             "x",
             "-x", true, "equivalent"), /* U+2212 */
        CASE(E,
             "2\xc3\x97"
             "3",
             "6", true, "equivalent"), /* × */
        CASE(E,
             "6\xc3\xb7"
             "3",
             "2", true, "equivalent"), /* ÷ */
        CASE(E, "xy", "yx", true, "equivalent"),
        CASE(E, "xy", "x*y", true, "equivalent"),
        CASE(E, "X+1", "x+1", true, "equivalent"), /* upper case folded */
        CASE(E, "2x", "2y", false, "not_equivalent"),
        CASE(E, "x+1", "x+1.0000001", false, "not_equivalent"),
        CASE(E, "pi*r^2", "\xcf\x80r^2", true, "equivalent"), /* π */
        CASE(E, "sin(x)^2+cos(x)^2", "1", true, "equivalent"),
        CASE(E, "ln(x^2)", "2ln(x)", true, "equivalent"),   /* x > 0 only where both defined */
        CASE(E, "ln(x)", "ln(-x)", false, "cannot_decide"), /* never both defined */
        CASE(E, "sqrt(x)*sqrt(x)", "x", true, "equivalent"),
        CASE(E, "(x+1)^10", "x^10+10x^9+45x^8+120x^7+210x^6+252x^5+210x^4+120x^3+45x^2+10x+1", true,
             "equivalent"),
        CASE(E, "1e3", "1e3", true, "equivalent"), /* e is a variable: 1*e*3 */
        CASE(E, "3e", "e*3", true, "equivalent"),
        CASE(E, "1/2x", "x/2", true, "equivalent"), /* left to right: (1/2)x */
        CASE(E, "0.5", "0,5", true, "equivalent"),
        CASE(E, "1.5", "1 1/2", false, "parse_error at 3"), /* no mixed numbers here */
        CASE(E, "6", "2 3", false, "parse_error at 3"),
        CASE(E, "x", "2x+", false, "parse_error at 4"),
        CASE(E, "x", "(x", false, "parse_error at 3"),
        CASE(E, "x", "x)", false, "parse_error at 2"),
        CASE(E, "x", "x^", false, "parse_error at 3"),
        CASE(E, "x", "sin x", false, "parse_error at 5"),
        CASE(E, "x", "x @ 1", false, "parse_error at 3"),
        CASE(E, "x",
             "\xc3\xa9"
             "x",
             false, "parse_error at 1"),
        CASE(E, "x", "(x]", false, "parse_error at 3"),
        CASE(E, "x", "1,000x", false, "parse_error at 2"),
        CASE(E, "x", "", false, "empty"),
        /* LaTeX as content packs write it */
        CASE(E, "$$\\frac{31}{36}$$", "31/36", true, "equivalent"),
        CASE(E, "$$\\frac{-1}{6}$$", "-1/6", true, "equivalent"),
        CASE(E, "$$\\frac{24+5x}{40}$$", "(24+5x)/40", true, "equivalent"),
        CASE(E, "$$\\frac{24+5x}{40}$$", "24+5x/40", false, "not_equivalent"),
        CASE(E, "\\sqrt{16}", "4", true, "equivalent"),
        CASE(E, "\\sqrt[3]{27}", "3", true, "equivalent"),
        CASE(E, "\\sqrt[3]{x}", "cbrt(x)", true, "equivalent"),
        CASE(E, "\\sqrt[3]{x}", "x^(1/3)", true, "equivalent"), /* x > 0 only for ^(1/3) */
        CASE(E, "2\\cdot 3", "6", true, "equivalent"),
        CASE(E, "\\left(x+1\\right)^{2}", "x^2+2x+1", true, "equivalent"),
        CASE(E, "\\frac12", "0.5", true, "equivalent"),
        CASE(E, "$-3.67$", "-3.67", true, "equivalent"),
        /* equations */
        CASE(E, "x=14", "14", true, "equivalent"),
        CASE(E, "$$x=14$$", "x = 14", true, "equivalent"),
        CASE(E, "x=14", "14=x", true, "equivalent"),
        CASE(E, "x=14", "2x=28", true, "equivalent"),
        CASE(E, "x=14", "x=15", false, "not_equivalent"),
        CASE(E, "x=14", "15", false, "not_equivalent"),
        CASE(E, "14", "x=14", true, "equivalent"),
        CASE(E, "y=2x+1", "y-1=2x", true, "equivalent"),
        CASE(E, "y=2x+1", "2x+1", true, "equivalent"),
        CASE(E, "y=2x+1", "y=2x", false, "not_equivalent"),
        CASE(E, "2x+3y=6", "4x+6y=12", true, "equivalent"),
        CASE(E, "2x+3y=6", "2x+3y", false, "not_equivalent"),
        CASE(E, "x", "x=1=2", false, "parse_error at 4"),
    };
    RUN(tab);
}

static void test_choices_and_text(void **state)
{
    (void)state;
    static const struct tcase tab[] = {
        CASE(C, "B", "b", true, "equal"),
        CASE(C, "B", " B ", true, "equal"),
        CASE(C, "B", "C", false, "different_choice"),
        CASE(C, "A,C", "C, a", true, "equal"),
        CASE(C, "A,C", "A", false, "missing_choice"),
        CASE(C, "A,C", "A,B,C", false, "extra_choice"),
        CASE(C, "A,C", "B,D", false, "different_choice"),
        CASE(C, "A,C", "A,A,C", true, "equal"),
        CASE(C, "TRUE", "true", true, "equal"),
        CASE(C, "A", ",", false, "empty"),
        CASE(T, "Paris", "  paris ", true, "equal"),
        CASE(T, "New York", "new   york", true, "equal"),
        CASE(T, "New York", "newyork", false, "different_text"),
        CASE(T, "a\xc3\xb1o", "an\xcc\x83o", true, "equal"),           /* n + U+0303 is ñ */
        CASE(T, "A\xc3\x91O", "an\xcc\x83o", true, "equal"),           /* Ñ folds to ñ */
        CASE(T, "canci\xc3\xb3n", "CANCIO\xcc\x81N", true, "equal"),   /* O + U+0301 */
        CASE(T, "ping\xc3\xbcino", "pingu\xcc\x88ino", true, "equal"), /* u + U+0308 */
        CASE(T,
             "fa\xc3\xa7"
             "ade",
             "fac\xcc\xa7"
             "ade",
             true, "equal"),                                   /* c + U+0327 */
        CASE(T, "a\xc3\xb1o", "ano", false, "different_text"), /* accents count */
        CASE(T, "caf\xc3\xa9", "caf\xc3\x89", true, "equal"),
        CASE(T, "x", "x\xc2\xa0", true, "equal"), /* NBSP */
        CASE(T, "$1.79", "$1.79", true, "equal"),
        CASE(T, "x", "\xff", false, "bad_encoding"),
        CASE(T, "x", "\xc0\x80", false, "bad_encoding"),     /* overlong NUL */
        CASE(T, "x", "\xed\xa0\x80", false, "bad_encoding"), /* surrogate */
    };
    RUN(tab);
}

static void test_expected_faults_are_errors(void **state)
{
    (void)state;
    struct answer_spec sp = ANSWER_SPEC_DEFAULTS(ANSWER_EXPRESSION);
    struct answer_result res;

    assert_int_equal(answer_check(&sp, "x+", 2, "1", 1, &work, &res), -EINVAL);
    assert_string_equal(res.reason, "parse_error at 3");
    assert_false(res.correct);
    assert_int_equal(answer_check(&sp, "1/0", 3, "1", 1, &work, &res), -EINVAL);
    assert_string_equal(res.reason, "undefined");
    sp.type = ANSWER_NUMBER;
    assert_int_equal(answer_check(&sp, "abc", 3, "1", 1, &work, &res), -EINVAL);
    assert_int_equal(answer_check(&sp, "", 0, "1", 1, &work, &res), -EINVAL);
    assert_int_equal(answer_check(&sp, "1/0", 3, "1", 1, &work, &res), -EINVAL);
    sp.type = ANSWER_FRACTION;
    assert_int_equal(answer_check(&sp, "0.5", 3, "1/2", 3, &work, &res), 0);
    sp.rel_tol = NAN;
    assert_int_equal(answer_check(&sp, "1", 1, "1", 1, &work, &res), -EINVAL);
    sp = ANSWER_SPEC_DEFAULTS(ANSWER_NUMBER);
    sp.abs_tol = -1;
    assert_int_equal(answer_check(&sp, "1", 1, "1", 1, &work, &res), -EINVAL);
    sp = ANSWER_SPEC_DEFAULTS(ANSWER_NUMBER);
    sp.type = (enum answer_type)42;
    assert_int_equal(answer_check(&sp, "1", 1, "1", 1, &work, &res), -EINVAL);
    sp = ANSWER_SPEC_DEFAULTS(ANSWER_NUMBER);
    assert_int_equal(answer_check(&sp, "1", 1, NULL, 0, &work, &res), 0);
    assert_string_equal(res.reason, "empty");
    assert_int_equal(answer_check(NULL, "1", 1, "1", 1, &work, &res), -EINVAL);
    assert_int_equal(answer_check(&sp, "1", 1, "1", 1, NULL, &res), -EINVAL);
    enum answer_type t;
    assert_int_equal(answer_type_from_name("fraction", 8, &t), 0);
    assert_int_equal(t, ANSWER_FRACTION);
    assert_int_equal(answer_type_from_name("frac", 4, &t), -EINVAL);
}

/* Inputs at and past every limit: a reason, quickly, never a crash. */
static void test_limits(void **state)
{
    (void)state;
    static char buf[ANSWER_MAX_LEN * 4];
    struct answer_spec sp = ANSWER_SPEC_DEFAULTS(ANSWER_EXPRESSION);
    struct answer_result res;
    size_t n;

    memset(buf, '1', ANSWER_MAX_LEN + 1);
    assert_int_equal(answer_check(&sp, "1", 1, buf, ANSWER_MAX_LEN + 1, &work, &res), 0);
    assert_string_equal(res.reason, "too_long");
    assert_int_equal(answer_check(&sp, buf, ANSWER_MAX_LEN + 1, "1", 1, &work, &res), -EINVAL);

    n = 0; /* deep nesting */
    for (int i = 0; i < 200; i++)
        buf[n++] = '(';
    buf[n++] = 'x';
    for (int i = 0; i < 200; i++)
        buf[n++] = ')';
    assert_int_equal(answer_check(&sp, "x", 1, buf, n, &work, &res), 0);
    assert_string_equal(res.reason, "too_complex");

    n = 0; /* many operations */
    for (int i = 0; i < 300; i++) {
        buf[n++] = 'x';
        buf[n++] = '+';
    }
    buf[n++] = '1';
    assert_int_equal(answer_check(&sp, "x", 1, buf, n, &work, &res), 0);
    assert_string_equal(res.reason, "too_complex");

    n = 0; /* a long chain of unary minus */
    for (int i = 0; i < 900; i++)
        buf[n++] = '-';
    buf[n++] = 'x';
    assert_int_equal(answer_check(&sp, "x", 1, buf, n, &work, &res), 0);
    assert_string_equal(res.reason, "too_complex");

    n = 0; /* just within: 30 nested brackets */
    for (int i = 0; i < 30; i++)
        buf[n++] = '(';
    buf[n++] = 'x';
    for (int i = 0; i < 30; i++)
        buf[n++] = ')';
    assert_int_equal(answer_check(&sp, "x", 1, buf, n, &work, &res), 0);
    assert_string_equal(res.reason, "equivalent");

    /* a power tower overflows at every point: given undefined */
    const char *tower = "x^x^x^x^x^x^x^x^x^x";
    assert_int_equal(answer_check(&sp, "x", 1, tower, strlen(tower), &work, &res), 0);
    assert_false(res.correct);

    /* text at the limit, all of it white space but one letter */
    sp.type = ANSWER_TEXT;
    memset(buf, ' ', ANSWER_MAX_LEN);
    buf[500] = 'Q';
    assert_int_equal(answer_check(&sp, "q", 1, buf, ANSWER_MAX_LEN, &work, &res), 0);
    assert_string_equal(res.reason, "equal");
}

static void test_normalize_text(void **state)
{
    (void)state;
    char out[64];
    const char *in = "  Ma\xc3\x91"
                     "ana\t\n  POR  la ";
    int n = answer_normalize_text(in, strlen(in), out, sizeof(out));
    assert_int_equal(n, (int)strlen("ma\xc3\xb1"
                                    "ana por la"));
    assert_string_equal(out, "ma\xc3\xb1"
                             "ana por la");
    /* every Latin-1 capital with a decomposition composes and folds */
    n = answer_normalize_text("E\xcc\x81"
                              "A\xcc\x80"
                              "U\xcc\x88"
                              "Y\xcc\x81",
                              12, out, sizeof(out));
    assert_string_equal(out, "\xc3\xa9\xc3\xa0\xc3\xbc\xc3\xbd");
    /* Latin Extended-A: upper to lower, Ÿ to ÿ */
    n = answer_normalize_text("\xc4\x8c\xc5\xb8", 4, out, sizeof(out));
    assert_string_equal(out, "\xc4\x8d\xc3\xbf");
    /* limit: a second mark stays as it is */
    n = answer_normalize_text("n\xcc\x83\xcc\x81", 5, out, sizeof(out));
    assert_string_equal(out, "\xc3\xb1\xcc\x81");
    /* a mark on a letter it does not compose with stays */
    n = answer_normalize_text("q\xcc\x83", 3, out, sizeof(out));
    assert_string_equal(out, "q\xcc\x83");
    assert_int_equal(answer_normalize_text("abc", 3, out, 3), -E2BIG);
    assert_int_equal(answer_normalize_text("a\xff", 2, out, sizeof(out)), -EINVAL);
    assert_int_equal(answer_normalize_text("", 0, out, sizeof(out)), 0);
}

/* Equivalence is a function of the seed, not of time or earlier calls. */
static void test_seeded_and_deterministic(void **state)
{
    (void)state;
    struct answer_spec sp = ANSWER_SPEC_DEFAULTS(ANSWER_EXPRESSION);
    struct answer_result a, b;
    const char *e = "(x+y)^2", *g = "x^2+2xy+y^2";

    for (uint64_t seed = 0; seed < 50; seed++) {
        sp.seed = seed;
        assert_int_equal(answer_check(&sp, e, strlen(e), g, strlen(g), &work, &a), 0);
        assert_int_equal(answer_check(&sp, e, strlen(e), g, strlen(g), &work, &b), 0);
        assert_true(a.correct && b.correct);
        assert_string_equal(a.reason, b.reason);
        /* a near miss is caught under every seed */
        assert_int_equal(answer_check(&sp, e, strlen(e), "x^2+2xy+y^2+0.001", 17, &work, &a), 0);
        assert_false(a.correct);
    }
}

/* Random bytes, and random strings of the expression alphabet: every call returns quickly. */
static void test_random_inputs_never_crash(void **state)
{
    (void)state;
    static const char alpha[] = "0123456789.,+-*/^()[]{}|=xyzpie sqrtln\\frac{}$ ";
    struct rng r;
    char buf[300];
    struct answer_result res;
    clock_t t0 = clock();
    unsigned calls = 0;

    rng_seed(&r, 99);
    for (int k = 0; k < 20000; k++) {
        size_t n = rng_below(&r, sizeof(buf));
        for (size_t i = 0; i < n; i++)
            buf[i] = k % 2 ? (char)rng_below(&r, 256) : alpha[rng_below(&r, sizeof(alpha) - 1)];
        for (int t = ANSWER_NUMBER; t <= ANSWER_TEXT; t++) {
            struct answer_spec sp = ANSWER_SPEC_DEFAULTS((enum answer_type)t);
            int ret = answer_check(&sp, "x+1", 3, buf, n, &work, &res);
            if (t == ANSWER_EXPRESSION || t >= ANSWER_CHOICE)
                assert_int_equal(ret, 0);
            assert_true(strlen(res.reason) > 0 && strlen(res.reason) < ANSWER_REASON);
            (void)answer_check(&sp, buf, n, "1", 1, &work, &res);
            calls += 2;
        }
    }
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    print_message("# %u random calls in %.2f s\n", calls, secs);
    assert_true(secs < 60); /* microseconds each, even under the sanitizers */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_fractions),
        cmocka_unit_test(test_expressions),
        cmocka_unit_test(test_choices_and_text),
        cmocka_unit_test(test_expected_faults_are_errors),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_normalize_text),
        cmocka_unit_test(test_seeded_and_deterministic),
        cmocka_unit_test(test_random_inputs_never_crash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * TeX subset to MathML (core/mathml.h): the elements each construct
 * becomes, mixed numbers and invisible times for screen readers, text with
 * $...$ segments, and safety: whatever the input (markup, quotes, invalid
 * UTF-8, control characters, unbalanced or deep braces, unknown commands),
 * the output is well-formed MathML whose only markup is what mathml.c
 * writes, within mathml_bound(), and a buffer too small fails cleanly.
 */
#include "test.h"

#include <stdio.h>
#include <stdlib.h>

#include "../fuzz/mathml_check.h"
#include "core/mathml.h"
#include "core/rng.h"

static char out[1 << 20];

static const char *tex(const char *s)
{
    size_t n;
    assert_int_equal(mathml_render_tex(s, strlen(s), false, out, sizeof(out), &n, NULL), 0);
    assert_int_equal(n, strlen(out));
    const char *bad = mathml_check(out);
    if (bad)
        fail_msg("%s: %s", bad, out);
    return out;
}

static const char *text(const char *s, struct mathml_stats *st)
{
    size_t n;
    assert_int_equal(mathml_render_text(s, strlen(s), out, sizeof(out), &n, st), 0);
    const char *bad = mathml_check(out);
    if (bad)
        fail_msg("%s: %s", bad, out);
    return out;
}

#define IT "<mo>\xe2\x81\xa2</mo>" /* invisible times */
#define IP "<mo>\xe2\x81\xa4</mo>" /* invisible plus */

static void test_tokens(void **state)
{
    (void)state;
    assert_string_equal(tex("3.14"), "<math><mn>3.14</mn></math>");
    assert_string_equal(tex("x + 2 = 5"),
                        "<math><mi>x</mi><mo>+</mo><mn>2</mn><mo>=</mo><mn>5</mn></math>");
    /* a hyphen becomes the minus sign */
    assert_string_equal(tex("7-2"), "<math><mn>7</mn><mo>\xe2\x88\x92</mo><mn>2</mn></math>");
    assert_string_equal(tex("3x"), "<math><mn>3</mn>" IT "<mi>x</mi></math>");
    assert_string_equal(tex("6 \\times 7 \\div 2 \\cdot 1"),
                        "<math><mn>6</mn><mo>\xc3\x97</mo><mn>7</mn><mo>\xc3\xb7</mo><mn>2</mn>"
                        "<mo>\xe2\x8b\x85</mo><mn>1</mn></math>");
    assert_string_equal(tex("a \\le b \\ge c \\neq d"),
                        "<math><mi>a</mi><mo>\xe2\x89\xa4</mo><mi>b</mi><mo>\xe2\x89\xa5</mo>"
                        "<mi>c</mi><mo>\xe2\x89\xa0</mo><mi>d</mi></math>");
    assert_string_equal(tex("2\\pi"), "<math><mn>2</mn>" IT "<mi>\xcf\x80</mi></math>");
    assert_string_equal(tex("x < 3"), "<math><mi>x</mi><mo>&lt;</mo><mn>3</mn></math>");
    assert_string_equal(tex("15\\%"), "<math><mn>15</mn><mo>%</mo></math>");
    assert_string_equal(tex("\\$5"), "<math><mi>$</mi><mn>5</mn></math>");
}

static void test_structures(void **state)
{
    (void)state;
    assert_string_equal(tex("\\frac{3}{4}"),
                        "<math><mfrac><mrow><mn>3</mn></mrow><mrow><mn>4</mn></mrow></mfrac>"
                        "</math>");
    /* a whole number and a proper fraction: a mixed number, read "2 and 1 third" */
    assert_string_equal(tex("2\\frac{1}{3}"),
                        "<math><mn>2</mn>" IP "<mfrac><mrow><mn>1</mn></mrow><mrow><mn>3</mn>"
                        "</mrow></mfrac></math>");
    /* an improper fraction after a number is a product */
    assert_string_equal(tex("4\\frac{3}{2}"),
                        "<math><mn>4</mn>" IT "<mfrac><mrow><mn>3</mn></mrow><mrow><mn>2</mn>"
                        "</mrow></mfrac></math>");
    assert_string_equal(tex("x^2"),
                        "<math><msup><mrow><mi>x</mi></mrow><mrow><mn>2</mn></mrow></msup></math>");
    assert_string_equal(tex("x^{10}"),
                        "<math><msup><mrow><mi>x</mi></mrow><mrow><mn>10</mn></mrow></msup>"
                        "</math>");
    assert_string_equal(tex("y_1"),
                        "<math><msub><mrow><mi>y</mi></mrow><mrow><mn>1</mn></mrow></msub></math>");
    /* a script after a closing parenthesis applies to the whole group */
    assert_string_equal(tex("(x+1)^2"), "<math><msup><mrow><mo>(</mo><mi>x</mi><mo>+</mo>"
                                        "<mn>1</mn><mo>)</mo></mrow><mrow><mn>2</mn></mrow>"
                                        "</msup></math>");
    assert_string_equal(tex("\\left(-3\\right)"),
                        "<math><mo>(</mo><mo>\xe2\x88\x92</mo><mn>3</mn><mo>)</mo></math>");
    assert_string_equal(tex("\\sqrt{49}"), "<math><msqrt><mrow><mn>49</mn></mrow></msqrt></math>");
    assert_string_equal(tex("\\sqrt[3]{27}"),
                        "<math><mroot><mrow><mn>27</mn></mrow><mrow><mn>3</mn></mrow></mroot>"
                        "</math>");
    /* degrees */
    assert_string_equal(tex("90^\\circ"), "<math><mn>90</mn><mo>\xc2\xb0</mo></math>");
    assert_string_equal(tex("45^{\\circ}"), "<math><mn>45</mn><mo>\xc2\xb0</mo></math>");
    assert_string_equal(tex("\\text{km}"), "<math><mtext>km</mtext></math>");
    assert_string_equal(tex("\\overline{3}"),
                        "<math><mover><mrow><mn>3</mn></mrow><mo>\xe2\x80\xbe</mo></mover></math>");
    size_t n;
    assert_int_equal(mathml_render_tex("1", 1, true, out, sizeof(out), &n, NULL), 0);
    assert_string_equal(out, "<math display=\"block\"><mn>1</mn></math>");
}

static void test_text_with_math(void **state)
{
    struct mathml_stats st;
    (void)state;
    assert_string_equal(text("What is $2 + 3$?", &st),
                        "What is <math><mn>2</mn><mo>+</mo><mn>3</mn></math>?");
    assert_int_equal(st.segments, 1);
    assert_int_equal(st.unknown, 0);
    /* \$ is a dollar sign; a $ without its pair too */
    assert_string_equal(text("It costs \\$5 and $x$.", &st),
                        "It costs $5 and <math><mi>x</mi></math>.");
    assert_string_equal(text("Only one $ here", &st), "Only one $ here");
    assert_string_equal(text("a\nb", &st), "a\nb");
    /* an empty segment renders nothing */
    assert_string_equal(text("a$$b", &st), "ab");
}

static void test_escaping(void **state)
{
    struct mathml_stats st;
    (void)state;
    assert_string_equal(text("<script>alert('x')</script> & \"q\"", &st),
                        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
    /* markup inside math is text, counted as unknown */
    text("$<b>\"&</b>$", &st);
    assert_non_null(strstr(out, "<mtext>&amp;</mtext>"));
    assert_null(strstr(out, "<b>"));
    text("$\\text{<img src=x onerror=alert(1)>}$", &st);
    assert_null(strstr(out, "<img"));
    assert_non_null(strstr(out, "&lt;img"));
    /* unknown commands are shown and counted */
    text("$\\foo{x} + \\bar$", &st);
    assert_int_equal(st.unknown, 2);
    assert_string_equal(st.first_unknown, "\\foo");
    assert_non_null(strstr(out, "<mtext>\\foo</mtext>"));
    /* invalid UTF-8 and control characters become U+FFFD */
    text("a\xff\x01 $\xc3$", &st);
    assert_string_equal(out, "a\xef\xbf\xbd\xef\xbf\xbd <math><mtext>\xef\xbf\xbd</mtext></math>");
    /* valid UTF-8 passes through */
    assert_string_equal(text("¿Cuánto es $2 − 1$?", &st),
                        "¿Cuánto es <math><mn>2</mn><mo>\xe2\x88\x92</mo><mn>1</mn></math>?");
}

static void test_unbalanced_and_deep(void **state)
{
    struct mathml_stats st;
    static char deep[20000];
    (void)state;
    text("$}}{{x^$", &st);
    text("$\\frac{1$", &st);
    text("$\\sqrt[3$", &st);
    text("$\\left$ $\\right\\}$ $^_^_$", &st);
    for (size_t i = 0; i < sizeof(deep) - 3; i++)
        deep[i] = "{^\\frac"[i % 7];
    deep[0] = '$';
    deep[sizeof(deep) - 3] = '$';
    deep[sizeof(deep) - 2] = '\0';
    text(deep, &st);
    memset(deep, '{', sizeof(deep) - 1);
    deep[0] = '$';
    deep[sizeof(deep) - 2] = '$';
    deep[sizeof(deep) - 1] = '\0';
    text(deep, &st);
    assert_true(st.unknown > 0); /* braces past the depth limit are shown as text */
}

static void test_bounds(void **state)
{
    struct rng r;
    static char in[4096], small[64];
    static const char alphabet[] =
        "$\\{}^_ax19.+-=()[]|<>&\"'%fracsqrtleftrightext \x01\xc3\xa9\xff";
    (void)state;
    rng_seed(&r, 7);
    for (int round = 0; round < 3000; round++) {
        size_t n = rng_below(&r, sizeof(in));
        for (size_t i = 0; i < n; i++)
            in[i] = alphabet[rng_below(&r, sizeof(alphabet) - 1)];
        size_t len;
        struct mathml_stats st;
        assert_int_equal(mathml_render_text(in, n, out, sizeof(out), &len, &st), 0);
        assert_true(len + 1 <= mathml_bound(n));
        const char *bad = mathml_check(out);
        if (bad)
            fail_msg("%s in %.*s", bad, (int)n, in);
        /* too small a buffer: -E2BIG and an empty string, never an overflow */
        int rc = mathml_render_text(in, n, small, sizeof(small), &len, &st);
        if (rc < 0) {
            assert_int_equal(rc, -E2BIG);
            assert_string_equal(small, "");
        }
    }
    assert_int_equal(mathml_render_text("x", 1, small, 0, NULL, NULL), -E2BIG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_structures),
        cmocka_unit_test(test_text_with_math),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_unbalanced_and_deep),
        cmocka_unit_test(test_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

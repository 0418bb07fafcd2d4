/*
 * The problem generators (core/gen.h): every generator on 1,000 seeds.
 *
 * For each instance: the accepted answer equals an independent computation
 * from the numbers the generator drew (the check_* functions below, one
 * per generator, written from the problem's statement, not from the
 * generator's code); every wrong answer differs in value from the right
 * one and names a known misconception the generator declares; every text
 * is there in English and Spanish, has no unreplaced @placeholder and
 * renders as MathML with no unknown TeX; Spanish questions open with
 * "¿"; the last hint is the worked example (it shows the answer's value
 * or, for choices, the sign or word chosen). The same seed gives the same
 * problem, different seeds different numbers, and every declared
 * parameter's extremes work.
 */
#include "test.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/gen.h"
#include "core/mathml.h"

#define SEEDS 1000

/* ---- exact values of answers ---- */

struct rat {
    int64_t n, d; /* d > 0, reduced; d == 0: not a number */
};

static int64_t gcd(int64_t a, int64_t b)
{
    a = a < 0 ? -a : a;
    b = b < 0 ? -b : b;
    while (b) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

static struct rat rat(int64_t n, int64_t d)
{
    if (d < 0)
        n = -n, d = -d;
    int64_t g = gcd(n, d);
    if (g > 1)
        n /= g, d /= g;
    return (struct rat){n, d};
}

/* "12", "-3.45", "7/12", "-7/12", "x=-7/3": the value, exactly. */
static struct rat parse_rat(const char *s)
{
    const char *eq = strchr(s, '=');
    int64_t n = 0, d = 1, sign = 1;
    if (eq)
        s = eq + 1;
    if (*s == '-')
        sign = -1, s++;
    if (!*s)
        return (struct rat){0, 0};
    for (; *s >= '0' && *s <= '9'; s++)
        n = n * 10 + (*s - '0');
    if (*s == '.') {
        for (s++; *s >= '0' && *s <= '9'; s++)
            n = n * 10 + (*s - '0'), d *= 10;
    }
    if (*s == '/') {
        int64_t e = 0;
        for (s++; *s >= '0' && *s <= '9'; s++)
            e = e * 10 + (*s - '0');
        if (e == 0)
            return (struct rat){0, 0};
        d *= e;
    }
    if (*s)
        return (struct rat){0, 0};
    return rat(sign * n, d);
}

static bool rat_eq(struct rat a, struct rat b)
{
    return a.d && b.d && a.n == b.n && a.d == b.d;
}

/* "3x+12", "-x", "x-4", "5", "6n": the coefficients of a x + b. */
static bool parse_linear(const char *s, int64_t *ra, int64_t *rb)
{
    int64_t a = 0, b = 0;
    while (*s) {
        int64_t sign = 1, v = 0;
        bool digits = false;
        if (*s == '+' || *s == '-')
            sign = *s++ == '-' ? -1 : 1;
        while (*s >= '0' && *s <= '9')
            v = v * 10 + (*s++ - '0'), digits = true;
        if (*s >= 'a' && *s <= 'z') {
            a += sign * (digits ? v : 1);
            s++;
        } else if (digits) {
            b += sign * v;
        } else {
            return false;
        }
    }
    *ra = a;
    *rb = b;
    return true;
}

static int64_t val(const struct gen_problem *p, const char *name)
{
    int64_t v;
    if (!gen_val(p, name, &v))
        fail_msg("%s: no value '%s'", p->generator, name);
    return v;
}

static bool has_val(const struct gen_problem *p, const char *name)
{
    int64_t v;
    return gen_val(p, name, &v);
}

static int64_t ipow(int64_t b, int64_t e)
{
    int64_t v = 1;
    while (e-- > 0)
        v *= b;
    return v;
}

static int64_t isqrt(int64_t v)
{
    int64_t r = (int64_t)sqrt((double)v);
    while (r * r > v)
        r--;
    while ((r + 1) * (r + 1) <= v)
        r++;
    return r;
}

static bool is_prime(int64_t n)
{
    if (n < 2)
        return false;
    for (int64_t k = 2; k * k <= n; k++)
        if (n % k == 0)
            return false;
    return true;
}

/* ---- checking an answer ---- */

static void expect(const struct gen_problem *p, const struct gen_q *q, struct rat want)
{
    struct rat got = parse_rat(q->answers[0]);
    if (!rat_eq(got, want))
        fail_msg("%s seed %llu: answer '%s' is %lld/%lld, expected %lld/%lld (prompt: %s)",
                 p->generator, (unsigned long long)p->seed, q->answers[0], (long long)got.n,
                 (long long)got.d, (long long)want.n, (long long)want.d,
                 gen_str(p, q->prompt, GEN_EN));
}

static void expect_int(const struct gen_problem *p, unsigned step, int64_t v)
{
    expect(p, &p->steps[step].q, rat(v, 1));
}

static void expect_choice(const struct gen_problem *p, unsigned step, const char *en_text)
{
    const struct gen_q *q = &p->steps[step].q;
    unsigned i = (unsigned)(q->answers[0][0] - 'a');
    assert_true(i < q->n_choices);
    const char *t = gen_str(p, q->choices[i].text, GEN_EN);
    if (strcmp(t, en_text) != 0)
        fail_msg("%s seed %llu: chose '%s', expected '%s' (prompt: %s)", p->generator,
                 (unsigned long long)p->seed, t, en_text, gen_str(p, q->prompt, GEN_EN));
}

static void expect_linear(const struct gen_problem *p, unsigned step, int64_t a, int64_t b)
{
    int64_t ga, gb;
    const struct gen_q *q = &p->steps[step].q;
    assert_true(parse_linear(q->answers[0], &ga, &gb));
    if (ga != a || gb != b)
        fail_msg("%s: '%s' is not %lldx%+lld", p->generator, q->answers[0], (long long)a,
                 (long long)b);
}

static bool prompt_has(const struct gen_problem *p, unsigned step, const char *s)
{
    return strstr(gen_str(p, p->steps[step].q.prompt, GEN_EN), s) != NULL;
}

/* The dollar-delimited number of a choice ("$3.25$"), exactly. */
static struct rat choice_number(const struct gen_problem *p, const struct gen_q *q, unsigned i)
{
    char t[64];
    const char *s = gen_str(p, q->choices[i].text, GEN_EN);
    size_t n = strlen(s);
    assert_true(n >= 3 && n < sizeof(t) && s[0] == '$' && s[n - 1] == '$');
    memcpy(t, s + 1, n - 2);
    t[n - 2] = '\0';
    return parse_rat(t);
}

/*
 * The independent computations: the right answer of each generator from
 * the numbers it drew, by the rule of the problem.
 */
static void check_answers(const struct gen_problem *p)
{
    const char *g = p->generator;

    if (!strcmp(g, "place_value")) {
        int64_t n = val(p, "n"), d = val(p, "d"), v = -1;
        for (int k = 0; ipow(10, k) <= n; k++)
            if ((n / ipow(10, k)) % 10 == d)
                v = d * ipow(10, k);
        assert_true(v > 0);
        expect_int(p, 0, v);
    } else if (!strcmp(g, "round_whole")) {
        int64_t n = val(p, "n"), pw = val(p, "pw"), lo = n / pw * pw;
        expect_int(p, 0, n - lo >= pw / 2 ? lo + pw : lo);
    } else if (!strcmp(g, "add_regroup")) {
        expect_int(p, 0, val(p, "a") + val(p, "b"));
    } else if (!strcmp(g, "sub_regroup")) {
        expect_int(p, 0, val(p, "a") - val(p, "b"));
    } else if (!strcmp(g, "mult_facts") || !strcmp(g, "mult_multi")) {
        expect_int(p, 0, val(p, "a") * val(p, "b"));
    } else if (!strcmp(g, "div_facts")) {
        assert_int_equal(val(p, "n") % val(p, "d"), 0);
        expect_int(p, 0, val(p, "n") / val(p, "d"));
    } else if (!strcmp(g, "div_remainder")) {
        expect_int(p, 0, val(p, "n") / val(p, "d"));
        expect_int(p, 1, val(p, "n") % val(p, "d"));
    } else if (!strcmp(g, "prime_composite")) {
        expect_choice(p, 0, is_prime(val(p, "n")) ? "prime" : "composite");
    } else if (!strcmp(g, "order_ops")) {
        int64_t a = val(p, "a"), b = val(p, "b"), c = val(p, "c"), d = val(p, "d");
        int64_t f = val(p, "form"), want;
        want = f == 0 ? a + b * c : f == 1 ? a * b - c * d : f == 2 ? a - b / c : (a + b) * c - d;
        if (f == 2)
            assert_int_equal(b % c, 0);
        expect_int(p, 0, want);
    } else if (!strcmp(g, "exponent_whole")) {
        expect_int(p, 0, ipow(val(p, "b"), val(p, "e")));
    } else if (!strcmp(g, "gcf_lcm")) {
        int64_t a = val(p, "a"), b = val(p, "b");
        expect_int(p, 0, prompt_has(p, 0, "greatest") ? gcd(a, b) : a / gcd(a, b) * b);
    } else if (!strcmp(g, "mean")) {
        static const char *const names[] = {"v0", "v1", "v2", "v3", "v4", "v5"};
        int64_t s = 0, k = 0;
        for (; k < 6 && has_val(p, names[k]); k++)
            s += val(p, names[k]);
        assert_true(k >= 3);
        expect(p, &p->steps[0].q, rat(s, k));
    } else if (!strcmp(g, "int_add")) {
        expect_int(p, 0, val(p, "a") + val(p, "b"));
    } else if (!strcmp(g, "int_sub")) {
        expect_int(p, 0, val(p, "a") + val(p, "nb")); /* a - (-nb) */
    } else if (!strcmp(g, "int_mul_div")) {
        int64_t a = val(p, "a"), b = val(p, "b");
        if (val(p, "div"))
            expect_int(p, 0, (a * b) / b);
        else
            expect_int(p, 0, a * b);
    } else if (!strcmp(g, "abs_value")) {
        if (has_val(p, "m")) {
            int64_t a = val(p, "a");
            expect_int(p, 0, a < 0 ? -a : a);
        } else {
            expect_choice(p, 0, val(p, "a") < val(p, "b") ? "$<$" : "$>$");
        }
    } else if (!strcmp(g, "frac_of_shape")) {
        expect(p, &p->steps[0].q, rat(val(p, "n"), val(p, "d")));
    } else if (!strcmp(g, "frac_equiv")) {
        /* a/b = x/bk */
        expect(p, &p->steps[0].q, rat(val(p, "a") * val(p, "bk"), val(p, "b")));
    } else if (!strcmp(g, "frac_compare")) {
        int64_t l = val(p, "a") * val(p, "d"), r = val(p, "c") * val(p, "b");
        expect_choice(p, 0, l < r ? "$<$" : l > r ? "$>$" : "$=$");
    } else if (!strcmp(g, "frac_add_like")) {
        int64_t s = val(p, "sub") ? val(p, "a") - val(p, "b") : val(p, "a") + val(p, "b");
        expect(p, &p->steps[0].q, rat(s, val(p, "d")));
    } else if (!strcmp(g, "mixed_numbers")) {
        expect_int(p, 0, val(p, "wh") * val(p, "d") + val(p, "n"));
    } else if (!strcmp(g, "frac_times_whole")) {
        expect(p, &p->steps[0].q, rat(val(p, "n") * val(p, "a"), val(p, "b")));
    } else if (!strcmp(g, "frac_add_unlike")) {
        int64_t a = val(p, "a"), b = val(p, "b"), c = val(p, "c"), d = val(p, "d");
        struct rat want = val(p, "sub") ? rat(a * d - c * b, b * d) : rat(a * d + c * b, b * d);
        expect(p, &p->steps[0].q, want);
        /* simplest form: the answer as written is reduced */
        struct rat got = parse_rat(p->steps[0].q.answers[0]);
        assert_true(p->steps[0].q.simplified && got.d == want.d);
    } else if (!strcmp(g, "frac_mult")) {
        expect(p, &p->steps[0].q, rat(val(p, "a") * val(p, "c"), val(p, "b") * val(p, "d")));
    } else if (!strcmp(g, "frac_div_unit")) {
        int64_t n = val(p, "n"), d = val(p, "d");
        expect(p, &p->steps[0].q, val(p, "form") ? rat(n * d, 1) : rat(1, n * d));
    } else if (!strcmp(g, "frac_div")) {
        expect(p, &p->steps[0].q, rat(val(p, "a") * val(p, "d"), val(p, "b") * val(p, "c")));
    } else if (!strcmp(g, "decimal_fraction")) {
        expect(p, &p->steps[0].q, rat(val(p, "n"), val(p, "den")));
    } else if (!strcmp(g, "decimal_place_value")) {
        int64_t ni = val(p, "ni"), d = val(p, "d"), places = val(p, "places");
        int k = -1;
        for (int i = 0; ipow(10, i) <= ni; i++)
            if ((ni / ipow(10, i)) % 10 == d)
                k = i;
        assert_true(k >= 0 && k < places);
        expect(p, &p->steps[0].q, rat(d, ipow(10, places - k)));
    } else if (!strcmp(g, "decimal_compare")) {
        const struct gen_q *q = &p->steps[0].q;
        struct rat x = choice_number(p, q, 0), y = choice_number(p, q, 1);
        bool x_greater = x.n * y.d > y.n * x.d;
        assert_int_equal(q->answers[0][0], x_greater ? 'a' : 'b');
    } else if (!strcmp(g, "decimal_add_sub")) {
        int64_t a = val(p, "ai"), b = val(p, "bi");
        expect(p, &p->steps[0].q, rat(val(p, "sub") ? a - b : a + b, ipow(10, val(p, "p"))));
    } else if (!strcmp(g, "decimal_mult")) {
        expect(p, &p->steps[0].q,
               rat(val(p, "ai") * val(p, "bi"), ipow(10, val(p, "pa") + val(p, "pb"))));
    } else if (!strcmp(g, "decimal_div")) {
        if (val(p, "form"))
            expect(p, &p->steps[0].q, rat(val(p, "n10"), val(p, "d10")));
        else
            expect(p, &p->steps[0].q, rat(val(p, "ni"), val(p, "d") * 10));
    } else if (!strcmp(g, "sci_notation")) {
        int64_t e = val(p, "k") - val(p, "mp");
        expect(p, &p->steps[0].q,
               e >= 0 ? rat(val(p, "mi") * ipow(10, e), 1) : rat(val(p, "mi"), ipow(10, -e)));
    } else if (!strcmp(g, "ratio_equiv")) {
        expect(p, &p->steps[0].q, rat(val(p, "b") * val(p, "ak"), val(p, "a")));
    } else if (!strcmp(g, "unit_rate")) {
        if (has_val(p, "tc"))
            expect(p, &p->steps[0].q, rat(val(p, "tc"), val(p, "n") * 100));
        else
            expect(p, &p->steps[0].q, rat(val(p, "d"), val(p, "n")));
    } else if (!strcmp(g, "percent_of")) {
        expect(p, &p->steps[0].q, rat(val(p, "p") * val(p, "n"), 100));
    } else if (!strcmp(g, "percent_change")) {
        int64_t price = val(p, "price"), pc = val(p, "p");
        int64_t f = val(p, "up") ? 100 + pc : 100 - pc;
        expect(p, &p->steps[0].q, rat(price * f, 100));
    } else if (!strcmp(g, "proportion_solve")) {
        expect(p, &p->steps[0].q, rat(val(p, "b") * val(p, "c"), val(p, "d")));
    } else if (!strcmp(g, "probability_simple")) {
        int64_t r = val(p, "r");
        expect(p, &p->steps[0].q, rat(r, r + val(p, "b") + val(p, "g")));
    } else if (!strcmp(g, "eval_expr")) {
        int64_t av = val(p, "a") * val(p, "v");
        expect_int(p, 0, val(p, "minus") ? av - val(p, "b") : av + val(p, "b"));
    } else if (!strcmp(g, "eq_one_step")) {
        int64_t a = val(p, "a"), b = val(p, "b"), f = val(p, "form");
        struct rat x = parse_rat(p->steps[0].q.answers[0]);
        assert_int_equal(x.d, 1);
        /* the solution satisfies the equation */
        if (f == 0)
            assert_int_equal(x.n + a, b);
        else if (f == 1)
            assert_int_equal(x.n - a, b);
        else if (f == 2)
            assert_int_equal(a * x.n, b);
        else
            assert_true(x.n % a == 0 && x.n / a == b);
        assert_true(x.n != 0);
    } else if (!strcmp(g, "distribute")) {
        int64_t a = val(p, "a"), b = val(p, "b");
        expect_linear(p, 0, a, val(p, "minus") ? -a * b : a * b);
    } else if (!strcmp(g, "combine_like")) {
        int64_t px = val(p, "p"), r = val(p, "r"), k = val(p, "k"), m = val(p, "m");
        expect_linear(p, 0, val(p, "sub_x") ? px - r : px + r, val(p, "sub_c") ? k - m : k + m);
    } else if (!strcmp(g, "eq_two_step")) {
        expect(p, &p->steps[0].q, rat(val(p, "c") - val(p, "b"), val(p, "a")));
        assert_int_equal(parse_rat(p->steps[0].q.answers[0]).d, 1);
    } else if (!strcmp(g, "eq_distribute")) {
        /* a(x + b) = c */
        expect(p, &p->steps[0].q, rat(val(p, "c") - val(p, "a") * val(p, "b"), val(p, "a")));
    } else if (!strcmp(g, "eq_both_sides")) {
        /* a x + b = c x + d */
        expect(p, &p->steps[0].q, rat(val(p, "d") - val(p, "b"), val(p, "a") - val(p, "c")));
    } else if (!strcmp(g, "inequality")) {
        int64_t a = val(p, "a"), b = val(p, "b"), c = val(p, "c"), rel = val(p, "reln");
        static const char *const signs[] = {"$<$", "$>$", "$\\le$", "$\\ge$"};
        static const int flip[] = {1, 0, 3, 2};
        expect(p, &p->steps[0].q, rat(c - b, a));
        expect_choice(p, 1, signs[a < 0 ? flip[rel] : rel]);
    } else if (!strcmp(g, "exponent_rules")) {
        int64_t m = val(p, "m"), n = val(p, "n"), f = val(p, "form");
        expect_int(p, 0, f == 0 ? m + n : f == 1 ? m - n : m * n);
    } else if (!strcmp(g, "roots")) {
        int64_t n = val(p, "n"), v = val(p, "v");
        assert_true(v == n * n || v == n * n * n);
        expect_int(p, 0, v == n * n ? isqrt(v) : n);
        if (v != n * n)
            assert_int_equal(n * n * n, v);
    } else if (!strcmp(g, "slope")) {
        expect(p, &p->steps[0].q, rat(val(p, "y2") - val(p, "y1"), val(p, "x2") - val(p, "x1")));
    } else if (!strcmp(g, "rect_area")) {
        expect_int(p, 0, val(p, "l") * val(p, "wd"));
    } else if (!strcmp(g, "rect_perimeter")) {
        expect_int(p, 0, 2 * val(p, "l") + 2 * val(p, "wd"));
    } else if (!strcmp(g, "angle_missing")) {
        int64_t t = prompt_has(p, 0, "right angle") || prompt_has(p, 0, "complementary") ? 90 : 180;
        assert_int_equal(val(p, "t"), t);
        expect_int(p, 0, t - val(p, "a"));
    } else if (!strcmp(g, "prism_volume")) {
        expect_int(p, 0, val(p, "l") * val(p, "wd") * val(p, "h"));
    } else if (!strcmp(g, "triangle_area")) {
        expect(p, &p->steps[0].q, rat(val(p, "b") * val(p, "h"), 2));
    } else if (!strcmp(g, "parallelogram_area")) {
        expect_int(p, 0, val(p, "b") * val(p, "h"));
    } else if (!strcmp(g, "circle_measure")) {
        int64_t r = val(p, "r");
        /* pi = 3.14 */
        expect(p, &p->steps[0].q, val(p, "area") ? rat(314 * r * r, 100) : rat(628 * r, 100));
    } else if (!strcmp(g, "pythagoras")) {
        int64_t a = val(p, "a"), b = val(p, "b"), c = val(p, "c");
        if (val(p, "hyp")) {
            assert_int_equal(isqrt(a * a + b * b) * isqrt(a * a + b * b), a * a + b * b);
            expect_int(p, 0, isqrt(a * a + b * b));
        } else {
            expect_int(p, 0, isqrt(c * c - a * a));
        }
    } else if (!strcmp(g, "cylinder_volume")) {
        int64_t r = val(p, "r"), h = val(p, "h");
        expect(p, &p->steps[0].q, rat(314 * r * r * h, 100));
    } else {
        fail_msg("no independent check for generator '%s': write one", g);
    }
}

/* ---- properties of every text and answer ---- */

static char html[1 << 20];

static void check_text(const struct gen_problem *p, struct gen_text t, const char *what,
                       bool question)
{
    for (int l = 0; l < GEN_LANGS; l++) {
        const char *s = gen_str(p, t, (enum gen_lang)l);
        struct mathml_stats st;
        size_t n;
        if (!*s)
            fail_msg("%s seed %llu: %s has no %s text", p->generator, (unsigned long long)p->seed,
                     what, l ? "Spanish" : "English");
        if (strchr(s, '@'))
            fail_msg("%s: unreplaced placeholder in %s: %s", p->generator, what, s);
        assert_int_equal(mathml_render_text(s, strlen(s), html, sizeof(html), &n, &st), 0);
        if (st.unknown)
            fail_msg("%s: %s has TeX MathML does not know (%s): %s", p->generator, what,
                     st.first_unknown, s);
        if (l == GEN_ES && question && strchr(s, '?') && !strstr(s, "\xc2\xbf"))
            fail_msg("%s: Spanish question without ¿: %s", p->generator, s);
    }
}

static bool declares(const struct gen_info *info, const char *mis)
{
    for (const char *const *m = info->misconceptions; *m; m++)
        if (!strcmp(*m, mis))
            return true;
    return false;
}

static bool same_value(const struct gen_q *q, const char *a, const char *b)
{
    if (!strcmp(q->type, "choice"))
        return !strcmp(a, b);
    if (!strcmp(q->type, "expression") && !strchr(a, '=')) {
        int64_t a1, b1, a2, b2;
        assert_true(parse_linear(a, &a1, &b1));
        assert_true(parse_linear(b, &a2, &b2));
        return a1 == a2 && b1 == b2;
    }
    struct rat x = parse_rat(a), y = parse_rat(b);
    assert_true(x.d && y.d);
    return rat_eq(x, y);
}

static void check_q(const struct gen_info *info, const struct gen_problem *p, const struct gen_q *q)
{
    static const char *const types[] = {"number", "fraction", "expression", "choice", "text"};
    bool known = false;

    check_text(p, q->prompt, "prompt", true);
    /* the prompts are written in each language, not copied */
    assert_string_not_equal(gen_str(p, q->prompt, GEN_EN), gen_str(p, q->prompt, GEN_ES));
    assert_non_null(q->type);
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        known |= !strcmp(q->type, types[i]);
    assert_true(known);
    assert_true(q->n_answers >= 1);
    assert_true(q->n_hints >= 1);
    for (unsigned i = 0; i < q->n_hints; i++)
        check_text(p, q->hints[i], "hint", false);
    if (!strcmp(q->type, "choice")) {
        assert_true(q->n_choices >= 2);
        for (unsigned i = 0; i < q->n_choices; i++)
            check_text(p, q->choices[i].text, "choice", false);
        assert_true((unsigned)(q->answers[0][0] - 'a') < q->n_choices);
    } else {
        assert_true(parse_rat(q->answers[0]).d != 0 || !strcmp(q->type, "expression"));
    }
    for (unsigned i = 0; i < q->n_wrong; i++) {
        const struct gen_wrong *w = &q->wrong[i];
        assert_non_null(gen_misconception(w->misconception, strlen(w->misconception)));
        if (!declares(info, w->misconception))
            fail_msg("%s emits '%s' but does not declare it", info->name, w->misconception);
        if (same_value(q, w->answer, q->answers[0]))
            fail_msg("%s seed %llu: the wrong answer '%s' (%s) equals the right one '%s'",
                     info->name, (unsigned long long)p->seed, w->answer, w->misconception,
                     q->answers[0]);
        for (unsigned k = 0; k < i; k++)
            if (same_value(q, w->answer, q->wrong[k].answer))
                fail_msg("%s: two wrong answers with the same value '%s'", info->name, w->answer);
        check_text(p, w->feedback, "feedback", false);
    }
}

/* Does text show the value v (as a decimal, an integer or \frac{n}{d}, maybe negative)? */
static bool shows_value(const char *text, struct rat v)
{
    for (const char *s = text; *s; s++) {
        bool neg = s > text && s[-1] == '-';
        if (!strncmp(s, "\\frac{", 6)) {
            char *e;
            long long n = strtoll(s + 6, &e, 10);
            if (e[0] == '}' && e[1] == '{') {
                long long d = strtoll(e + 2, &e, 10);
                if (*e == '}' && d && rat_eq(rat(neg ? -n : n, d), v))
                    return true;
            }
            continue;
        }
        if (*s >= '0' && *s <= '9' && (s == text || !(s[-1] >= '0' && s[-1] <= '9')) &&
            (s == text || s[-1] != '.')) {
            char num[40];
            size_t k = 0;
            if (neg)
                num[k++] = '-';
            while (k < sizeof(num) - 1 &&
                   ((*s >= '0' && *s <= '9') || (*s == '.' && s[1] >= '0' && s[1] <= '9')))
                num[k++] = *s++;
            num[k] = '\0';
            s--;
            if (rat_eq(parse_rat(num), v))
                return true;
        }
    }
    return false;
}

/* The worked example (the last hint) of a step arrives at its answer. */
static void check_worked_example(const struct gen_problem *p, const struct gen_q *q)
{
    const char *last = gen_str(p, q->hints[q->n_hints - 1], GEN_EN);
    char flat[4096];
    size_t k = 0;
    if (!strcmp(q->type, "choice"))
        return; /* a sign or a word: the explanations say it in words */
    if (!strcmp(q->type, "expression") && !strchr(q->answers[0], '=')) {
        for (const char *s = last; *s && k < sizeof(flat) - 1; s++)
            if (*s != ' ')
                flat[k++] = *s;
        flat[k] = '\0';
        if (!strstr(flat, q->answers[0]))
            fail_msg("%s: the worked example does not reach '%s': %s", p->generator, q->answers[0],
                     last);
        return;
    }
    if (!shows_value(last, parse_rat(q->answers[0])))
        fail_msg("%s seed %llu: the worked example does not reach %s: %s", p->generator,
                 (unsigned long long)p->seed, q->answers[0], last);
}

static void check_problem(const struct gen_info *info, const struct gen_problem *p)
{
    assert_true(p->n_steps >= 1 && p->n_steps <= GEN_MAX_STEPS);
    for (unsigned s = 0; s < p->n_steps; s++) {
        check_q(info, p, &p->steps[s].q);
        check_worked_example(p, &p->steps[s].q);
        for (unsigned k = 0; k < p->steps[s].n_scaffolds; k++)
            check_q(info, p, &p->steps[s].scaffolds[k]);
    }
}

/* ---- the tests ---- */

static struct gen_problem *P1, *P2;

static void test_every_generator_on_many_seeds(void **state)
{
    (void)state;
    size_t wrong_total = 0;
    for (size_t i = 0; i < gen_count(); i++) {
        const struct gen_info *info = gen_at(i);
        size_t with_wrong = 0;
        for (uint64_t seed = 1; seed <= SEEDS; seed++) {
            int r = gen_make(info->name, NULL, seed * 0x9e3779b97f4a7c15u, P1);
            if (r != 0)
                fail_msg("%s seed %llu: %d", info->name, (unsigned long long)seed, r);
            check_problem(info, P1);
            check_answers(P1);
            with_wrong += P1->steps[0].q.n_wrong > 0;
        }
        /* the typical wrong answers are there, not only in rare cases */
        if (with_wrong < SEEDS / 2)
            fail_msg("%s: only %zu of %d problems have a wrong answer with a misconception",
                     info->name, with_wrong, SEEDS);
        wrong_total += with_wrong;
    }
    assert_true(wrong_total > 0);
}

static void test_same_seed_same_problem(void **state)
{
    (void)state;
    for (size_t i = 0; i < gen_count(); i++) {
        const struct gen_info *info = gen_at(i);
        assert_int_equal(gen_make(info->name, NULL, 42, P1), 0);
        assert_int_equal(gen_make(info->name, NULL, 42, P2), 0);
        assert_int_equal(P1->pool_len, P2->pool_len);
        assert_memory_equal(P1->pool, P2->pool, P1->pool_len);
        assert_string_equal(P1->steps[0].q.answers[0], P2->steps[0].q.answers[0]);
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_fresh_numbers_on_every_seed(void **state)
{
    (void)state;
    static char *prompts[SEEDS];
    for (size_t i = 0; i < gen_count(); i++) {
        const struct gen_info *info = gen_at(i);
        size_t distinct = 1, same_as_previous = 0;
        for (unsigned s = 0; s < SEEDS; s++) {
            assert_int_equal(gen_make(info->name, NULL, s + 1, P1), 0);
            prompts[s] = strdup(gen_str(P1, P1->steps[0].q.prompt, GEN_EN));
            assert_non_null(prompts[s]);
            same_as_previous += s && !strcmp(prompts[s], prompts[s - 1]);
        }
        qsort(prompts, SEEDS, sizeof(prompts[0]), cmp_str);
        for (unsigned s = 1; s < SEEDS; s++)
            distinct += strcmp(prompts[s], prompts[s - 1]) != 0;
        for (unsigned s = 0; s < SEEDS; s++)
            free(prompts[s]);
        /* consecutive seeds almost always differ; at least 25 different problems */
        if (distinct < 25 || same_as_previous > SEEDS / 10)
            fail_msg("%s: %zu distinct prompts in %d seeds, %zu repeats of the previous seed",
                     info->name, distinct, SEEDS, same_as_previous);
    }
}

static void test_parameter_extremes(void **state)
{
    (void)state;
    for (size_t i = 0; i < gen_count(); i++) {
        const struct gen_info *info = gen_at(i);
        for (unsigned k = 0; k < info->n_params; k++) {
            for (int end = 0; end < 2; end++) {
                struct gen_params ps = {.n = 1};
                ps.p[0].name = info->params[k].name;
                ps.p[0].value = end ? info->params[k].max : info->params[k].min;
                for (uint64_t seed = 1; seed <= 100; seed++) {
                    int r = gen_make(info->name, &ps, seed, P1);
                    if (r)
                        fail_msg("%s %s=%lld seed %llu: %d", info->name, ps.p[0].name,
                                 (long long)ps.p[0].value, (unsigned long long)seed, r);
                    check_problem(info, P1);
                    check_answers(P1);
                }
            }
        }
    }
}

static void test_bad_params_and_names(void **state)
{
    (void)state;
    const struct gen_info *info = gen_find("place_value", strlen("place_value"));
    struct gen_params ps = {.n = 1};
    unsigned bad = 99;

    assert_non_null(info);
    assert_int_equal(gen_make("no_such_generator", NULL, 1, P1), -ENOENT);
    assert_null(gen_find("place", 5));
    ps.p[0].name = "digits";
    ps.p[0].value = 99;
    assert_int_equal(gen_params_check(info, &ps, &bad), -ERANGE);
    assert_int_equal(bad, 0);
    assert_int_equal(gen_make("place_value", &ps, 1, P1), -EINVAL);
    ps.p[0].name = "colour";
    ps.p[0].value = 1;
    assert_int_equal(gen_params_check(info, &ps, &bad), -ENOENT);
    ps.n = 2;
    ps.p[0].name = "digits";
    ps.p[0].value = 4;
    ps.p[1].name = "digits";
    ps.p[1].value = 5;
    assert_int_equal(gen_params_check(info, &ps, &bad), -EEXIST);
    assert_int_equal(bad, 1);
}

static void test_registry(void **state)
{
    (void)state;
    /* names are unique and every declared misconception exists */
    assert_true(gen_count() >= 40);
    for (size_t i = 0; i < gen_count(); i++) {
        const struct gen_info *a = gen_at(i);
        assert_true(a->grade >= 3 && a->grade <= 8);
        assert_ptr_equal(gen_find(a->name, strlen(a->name)), a);
        assert_non_null(a->misconceptions[0]);
        for (const char *const *m = a->misconceptions; *m; m++)
            if (!gen_misconception(*m, strlen(*m)))
                fail_msg("%s declares unknown misconception '%s'", a->name, *m);
    }
    for (size_t i = 0; i < gen_misconception_count(); i++) {
        const struct gen_misconception *m = gen_misconception_at(i);
        bool used = false;
        assert_true(*m->name[GEN_EN] && *m->name[GEN_ES]);
        /* every misconception is one some generator can name */
        for (size_t k = 0; k < gen_count(); k++)
            for (const char *const *d = gen_at(k)->misconceptions; *d; d++)
                used |= !strcmp(*d, m->id);
        if (!used)
            fail_msg("no generator names misconception '%s'", m->id);
        for (size_t k = 0; k < i; k++)
            assert_string_not_equal(m->id, gen_misconception_at(k)->id);
    }
    assert_null(gen_misconception_at(gen_misconception_count()));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_every_generator_on_many_seeds),
        cmocka_unit_test(test_same_seed_same_problem),
        cmocka_unit_test(test_fresh_numbers_on_every_seed),
        cmocka_unit_test(test_parameter_extremes),
        cmocka_unit_test(test_bad_params_and_names),
    };
    P1 = malloc(sizeof(*P1));
    P2 = malloc(sizeof(*P2));
    if (!P1 || !P2)
        return 1;
    int r = cmocka_run_group_tests(tests, NULL, NULL);
    free(P1);
    free(P2);
    return r;
}

/*
 * Generators for expressions and equations: evaluating an expression,
 * the distributive property, combining like terms, one-step, two-step and
 * multi-step equations, inequalities, exponent rules, square and cube
 * roots, and slope. Equation answers are written "x=7" (the answer
 * checker takes a bare 7 for it too); expressions "3x+12". See gen.h.
 */
#include "base/common.h"
#include "core/gen_impl.h"

static const char vars[] = "xyn";

/* "3x+12", "x-4", "-x", "5": a x + b with the variable v. */
static void fmt_linear(char *out, int64_t a, int64_t b, char v)
{
    char t[24];
    size_t k = 0;
    out[0] = '\0';
    if (a) {
        if (a == -1)
            out[k++] = '-';
        else if (a != 1) {
            fmt_int(t, a);
            for (char *s = t; *s; s++)
                out[k++] = *s;
        }
        out[k++] = v;
    }
    if (b || !a) {
        if (a && b > 0)
            out[k++] = '+';
        fmt_int(t, b);
        for (char *s = t; *s; s++)
            out[k++] = *s;
    }
    out[k] = '\0';
}

/* The same as TeX with spaces around the operator ("3x + 12"). */
static void fmt_linear_tex(char *out, int64_t a, int64_t b, char v)
{
    char t[48];
    size_t k = 0;
    fmt_linear(t, a, b, v);
    for (char *s = t; *s; s++) {
        if ((*s == '+' || *s == '-') && s != t) {
            out[k++] = ' ';
            out[k++] = *s;
            out[k++] = ' ';
        } else {
            out[k++] = *s;
        }
    }
    out[k] = '\0';
}

static void var_lin(struct gen *g, const char *name, int64_t a, int64_t b, char v)
{
    char s[64];
    fmt_linear_tex(s, a, b, v);
    var_s(g, name, s);
}

/* "x=7" or "x=-7/3" as a right or wrong answer of an equation step. */
static void eq_answer(struct gen *g, struct gen_q *q, char v, int64_t n, int64_t d)
{
    char s[GEN_ANSWER], t[40];
    reduce(&n, &d);
    s[0] = v;
    s[1] = '=';
    s[2] = '\0';
    if (d == 1)
        fmt_int(t, n);
    else
        fmt_frac(t, n, d);
    sb(g, s, sizeof(s), t);
    ans_expr(g, q, s, (struct gen_key){n, d});
}

static void eq_wrong(struct gen *g, struct gen_q *q, char v, int64_t n, int64_t d, const char *mis,
                     const char *en, const char *es)
{
    char s[GEN_ANSWER], t[40];
    if (d == 0)
        return;
    reduce(&n, &d);
    s[0] = v;
    s[1] = '=';
    s[2] = '\0';
    if (d == 1)
        fmt_int(t, n);
    else
        fmt_frac(t, n, d);
    sb(g, s, sizeof(s), t);
    wrong_expr(g, q, s, (struct gen_key){n, d}, mis, en, es);
}

static char pick_var(struct gen *g)
{
    return vars[rnd(g, 0, (int64_t)sizeof(vars) - 2)];
}

static void var_c(struct gen *g, const char *name, char c)
{
    char s[2] = {c, 0};
    var_s(g, name, s);
}

/* ---- evaluating an expression ---- */

static const char *const eval_mis[] = {"eval-concatenate", "eval-add-coefficient", NULL};

static int eval_expr(struct gen *g)
{
    int64_t a = rnd(g, 2, 9), b = rnd(g, 1, 20), v = rnd(g, 2, 9);
    bool minus = rnd(g, 0, 2) == 0 && a * v > b;
    char x = pick_var(g);
    struct gen_q *q, *s;
    int64_t r = minus ? a * v - b : a * v + b;

    var_i(g, "a", a);
    var_i(g, "b", b);
    var_i(g, "v", v);
    var_i(g, "av", a * v);
    var_i(g, "r", r);
    var_i(g, "minus", minus);
    var_c(g, "x", x);
    var_s(g, "op", minus ? "-" : "+");
    q = new_step(g);
    prompt(g, q, "Evaluate $@a@x @op @b$ when $@x = @v$.",
           "Calcula el valor de $@a@x @op @b$ cuando $@x = @v$.");
    ans_int(g, q, r);
    wrong_int(g, q, minus ? (a * 10 + v) - b : (a * 10 + v) + b, "eval-concatenate",
              "$@w$ reads $@a@x$ as the number $@a@v$. $@a@x$ means $@a \\times @x$.",
              "$@w$ lee $@a@x$ como el número $@a@v$. $@a@x$ significa $@a \\times @x$.");
    wrong_int(g, q, minus ? a + v - b : a + v + b, "eval-add-coefficient",
              "$@w$ comes from adding $@a$ and $@v$. $@a@x$ means $@a \\times @x$.",
              "$@w$ sale de sumar $@a$ y $@v$. $@a@x$ significa $@a \\times @x$.");
    hint(g, q, "$@a@x$ means $@a \\times @x$. Put $@v$ in place of $@x$.",
         "$@a@x$ significa $@a \\times @x$. Pon $@v$ en lugar de $@x$.");
    var_s(g, "open", minus ? "subtract" : "add");
    hint(g, q, "Multiply first, then @open $@b$.",
         minus ? "Primero multiplica y después resta $@b$."
               : "Primero multiplica y después suma $@b$.");
    hint(g, q, "$@a \\times @v @op @b = @av @op @b = @r$.",
         "$@a \\times @v @op @b = @av @op @b = @r$.");
    s = new_scaffold(g);
    prompt(g, s, "What is $@a \\times @v$?", "¿Cuánto es $@a \\times @v$?");
    ans_int(g, s, a * v);
    hint(g, s, "$@a \\times @v = @av$.", "$@a \\times @v = @av$.");
    return 0;
}

/* ---- one-step equations ---- */

static const struct gen_param eq1_params[] = {
    {"negative", 0, 1, 1, "1: solutions and right-hand sides may be negative"},
};
static const char *const eq1_mis[] = {"eq-same-operation", NULL};

static int eq_one_step(struct gen *g)
{
    int form = (int)rnd(g, 0, 3);
    int64_t x, a, b;
    char v = pick_var(g);
    struct gen_q *q, *s;

    bool neg = param(g, "negative");
    do {
        a = rnd(g, 2, 12);
        x = rnd(g, neg ? -20 : 2, 30);
    } while (x == 0 || x == 1 || x == a || x == -a || (!neg && form == 1 && x < a));
    if (form == 3)
        x = x * a; /* x / a = b with b whole */
    switch (form) {
    case 0:
        b = x + a;
        break;
    case 1:
        b = x - a;
        break;
    case 2:
        b = a * x;
        break;
    default:
        b = x / a;
        break;
    }
    var_c(g, "v", v);
    var_i(g, "a", a);
    var_i(g, "b", b);
    var_ip(g, "bp", b);
    var_i(g, "x", x);
    var_i(g, "form", form);
    q = new_step(g);
    switch (form) {
    case 0:
        prompt(g, q, "Solve for $@v$: $@v + @a = @b$.", "Despeja $@v$: $@v + @a = @b$.");
        break;
    case 1:
        prompt(g, q, "Solve for $@v$: $@v - @a = @b$.", "Despeja $@v$: $@v - @a = @b$.");
        break;
    case 2:
        prompt(g, q, "Solve for $@v$: $@a@v = @b$.", "Despeja $@v$: $@a@v = @b$.");
        break;
    default:
        prompt(g, q, "Solve for $@v$: $\\frac{@v}{@a} = @b$.",
               "Despeja $@v$: $\\frac{@v}{@a} = @b$.");
        break;
    }
    eq_answer(g, q, v, x, 1);
    switch (form) {
    case 0:
        eq_wrong(g, q, v, b + a, 1, "eq-same-operation",
                 "$@w$ adds $@a$ again. To undo $+ @a$, subtract $@a$ from both sides.",
                 "$@w$ vuelve a sumar $@a$. Para deshacer $+ @a$, resta $@a$ en los dos lados.");
        hint(g, q, "To get $@v$ alone, undo $+ @a$: subtract $@a$ from both sides.",
             "Para dejar sola a $@v$, deshaz $+ @a$: resta $@a$ en los dos lados.");
        hint(g, q, "$@v = @b - @a = @x$.", "$@v = @b - @a = @x$.");
        break;
    case 1:
        eq_wrong(g, q, v, b - a, 1, "eq-same-operation",
                 "$@w$ subtracts $@a$ again. To undo $- @a$, add $@a$ to both sides.",
                 "$@w$ vuelve a restar $@a$. Para deshacer $- @a$, suma $@a$ en los dos lados.");
        hint(g, q, "To get $@v$ alone, undo $- @a$: add $@a$ to both sides.",
             "Para dejar sola a $@v$, deshaz $- @a$: suma $@a$ en los dos lados.");
        hint(g, q, "$@v = @b + @a = @x$.", "$@v = @b + @a = @x$.");
        break;
    case 2:
        eq_wrong(g, q, v, b * a, 1, "eq-same-operation",
                 "$@w$ multiplies by $@a$ again. To undo multiplying by $@a$, divide both sides "
                 "by $@a$.",
                 "$@w$ vuelve a multiplicar por $@a$. Para deshacer la multiplicación por $@a$, "
                 "divide los dos lados entre $@a$.");
        hint(g, q, "$@a@v$ means $@a \\times @v$. Undo it: divide both sides by $@a$.",
             "$@a@v$ significa $@a \\times @v$. Deshazlo: divide los dos lados entre $@a$.");
        hint(g, q, "$@v = @b \\div @a = @x$.", "$@v = @b \\div @a = @x$.");
        break;
    default:
        eq_wrong(g, q, v, b, a, "eq-same-operation",
                 "$@w$ divides by $@a$ again. To undo dividing by $@a$, multiply both sides by "
                 "$@a$.",
                 "$@w$ vuelve a dividir entre $@a$. Para deshacer la división entre $@a$, "
                 "multiplica los dos lados por $@a$.");
        hint(g, q, "Undo the division: multiply both sides by $@a$.",
             "Deshaz la división: multiplica los dos lados por $@a$.");
        hint(g, q, "$@v = @bp \\times @a = @x$.", "$@v = @bp \\times @a = @x$.");
        break;
    }
    s = new_scaffold(g);
    prompt(g, s, "What do you do to both sides to get $@v$ alone?",
           "¿Qué haces en los dos lados para dejar sola a $@v$?");
    choice(g, s, "subtract $@a$", "restar $@a$");
    choice(g, s, "add $@a$", "sumar $@a$");
    choice(g, s, "divide by $@a$", "dividir entre $@a$");
    choice(g, s, "multiply by $@a$", "multiplicar por $@a$");
    static const unsigned same[] = {1, 0, 3, 2};
    ans_choice(g, s, (unsigned)form);
    wrong_choice(g, s, same[form], "eq-same-operation",
                 "That repeats what is done to $@v$; undo it with the inverse operation.",
                 "Eso repite lo que se le hace a $@v$; deshazlo con la operación inversa.");
    hint(g, s, "Use the inverse operation of the one applied to $@v$.",
         "Usa la operación inversa de la que se le aplica a $@v$.");
    return 0;
}

/* ---- the distributive property ---- */

static const char *const dist_mis[] = {"distribute-first-term-only", "distribute-sign-error", NULL};

static int distribute(struct gen *g)
{
    int64_t a = rnd(g, 2, 9), b = rnd(g, 1, 12);
    bool minus = rnd(g, 0, 1);
    char v = pick_var(g), ans[48];
    struct gen_q *q, *s;
    int64_t c = minus ? -a * b : a * b;

    var_i(g, "a", a);
    var_i(g, "b", b);
    var_i(g, "ab", a * b);
    var_i(g, "minus", minus);
    var_c(g, "v", v);
    var_s(g, "op", minus ? "-" : "+");
    var_lin(g, "res", a, c, v);
    q = new_step(g);
    prompt(g, q, "Expand: $@a(@v @op @b)$.", "Desarrolla: $@a(@v @op @b)$.");
    fmt_linear(ans, a, c, v);
    ans_expr(g, q, ans, (struct gen_key){a, c});
    fmt_linear(ans, a, minus ? -b : b, v);
    wrong_expr(
        g, q, ans, (struct gen_key){a, minus ? -b : b}, "distribute-first-term-only",
        "$@w$ multiplies only $@v$ by $@a$. Multiply every term inside the parentheses.",
        "$@w$ multiplica solo $@v$ por $@a$. Multiplica cada término dentro del paréntesis.");
    if (minus) {
        fmt_linear(ans, a, a * b, v);
        wrong_expr(g, q, ans, (struct gen_key){a, a * b}, "distribute-sign-error",
                   "$@w$ lost the minus sign: $@a \\times (-@b) = -@ab$.",
                   "$@w$ perdió el signo menos: $@a \\times (-@b) = -@ab$.");
    }
    hint(g, q, "Multiply $@a$ by each term inside the parentheses.",
         "Multiplica $@a$ por cada término dentro del paréntesis.");
    hint(g, q, "$@a \\times @v = @a@v$ and $@a \\times @b = @ab$.",
         "$@a \\times @v = @a@v$ y $@a \\times @b = @ab$.");
    hint(g, q, "$@a(@v @op @b) = @res$.", "$@a(@v @op @b) = @res$.");
    s = new_scaffold(g);
    prompt(g, s, "What is $@a \\times @b$?", "¿Cuánto es $@a \\times @b$?");
    ans_int(g, s, a * b);
    hint(g, s, "$@a \\times @b = @ab$.", "$@a \\times @b = @ab$.");
    return 0;
}

/* ---- combining like terms ---- */

static const char *const combine_mis[] = {"combine-unlike-terms", "combine-sign-error", NULL};

static int combine_like(struct gen *g)
{
    int64_t p = rnd(g, 2, 9), r = rnd(g, 1, 8), k = rnd(g, 1, 12), m = rnd(g, 1, 12);
    bool sub_x = rnd(g, 0, 1), sub_c = rnd(g, 0, 1);
    char v = pick_var(g), ans[48];
    struct gen_q *q, *s;

    if (sub_x && r == p)
        r = p - 1;
    int64_t cx = sub_x ? p - r : p + r, cc = sub_c ? k - m : k + m;
    var_c(g, "v", v);
    var_i(g, "p", p);
    var_i(g, "r", r);
    var_i(g, "k", k);
    var_i(g, "m", m);
    var_i(g, "cx", cx);
    var_i(g, "cc", cc);
    var_i(g, "sub_x", sub_x);
    var_i(g, "sub_c", sub_c);
    var_s(g, "ox", sub_x ? "-" : "+");
    var_s(g, "oc", sub_c ? "-" : "+");
    var_lin(g, "res", cx, cc, v);
    char rx[24];
    fmt_linear(rx, r, 0, v);
    var_s(g, "rx", rx);
    q = new_step(g);
    prompt(g, q, "Simplify: $@p@v + @k @ox @rx @oc @m$.",
           "Simplifica: $@p@v + @k @ox @rx @oc @m$.");
    fmt_linear(ans, cx, cc, v);
    ans_expr(g, q, ans, (struct gen_key){cx, cc});
    int64_t all = cx + cc;
    fmt_linear(ans, all, 0, v);
    wrong_expr(g, q, ans, (struct gen_key){all, 0}, "combine-unlike-terms",
               "$@w$ puts numbers and $@v$-terms together. Only like terms combine: the $@v$-terms "
               "with each other, the numbers with each other.",
               "$@w$ junta números con términos en $@v$. Solo se juntan términos semejantes: los "
               "términos en $@v$ entre sí y los números entre sí.");
    if (sub_x || sub_c) {
        int64_t wx = p + r, wc = k + m;
        fmt_linear(ans, wx, wc, v);
        wrong_expr(g, q, ans, (struct gen_key){wx, wc}, "combine-sign-error",
                   "$@w$ drops a minus sign: a term keeps the sign in front of it.",
                   "$@w$ pierde un signo menos: cada término lleva el signo que tiene delante.");
    }
    hint(g, q,
         "Like terms have the same variable part: $@p@v$ and $@rx$ are like terms; $@k$ and "
         "$@m$ are like terms.",
         "Los términos semejantes tienen la misma parte literal: $@p@v$ y $@rx$ son semejantes; "
         "$@k$ y $@m$ también.");
    hint(g, q, "Each term keeps the sign in front of it.",
         "Cada término lleva el signo que tiene delante.");
    hint(g, q, "$@p @ox @r = @cx$ and $@k @oc @m = @cc$, so the result is $@res$.",
         "$@p @ox @r = @cx$ y $@k @oc @m = @cc$, así que el resultado es $@res$.");
    s = new_scaffold(g);
    prompt(g, s, "Combine the $@v$-terms: what is $@p @ox @r$?",
           "Junta los términos en $@v$: ¿cuánto es $@p @ox @r$?");
    ans_int(g, s, cx);
    hint(g, s, "$@p @ox @r = @cx$.", "$@p @ox @r = @cx$.");
    return 0;
}

/* ---- two-step equations ---- */

static const char *const eq2_mis[] = {"eq-divide-first", "eq-sign-error", NULL};

static int eq_two_step(struct gen *g)
{
    int64_t a = rnd(g, 2, 9), x, b, c;
    char v = pick_var(g);
    struct gen_q *q, *s;

    do {
        x = rnd(g, -12, 15);
        b = rnd(g, -20, 20);
    } while (x == 0 || b == 0 || x == 1);
    c = a * x + b;
    var_c(g, "v", v);
    var_i(g, "b", b);
    var_i(g, "a", a);
    var_i(g, "c", c);
    var_i(g, "x", x);
    var_i(g, "cb", c - b);
    var_i(g, "mb", b < 0 ? -b : b);
    var_s(g, "op", b < 0 ? "-" : "+");
    var_s(g, "undo_en", b < 0 ? "add" : "subtract");
    var_s(g, "undo_es", b < 0 ? "suma" : "resta");
    var_s(g, "iop", b < 0 ? "+" : "-");
    q = new_step(g);
    prompt(g, q, "Solve for $@v$: $@a@v @op @mb = @c$.", "Despeja $@v$: $@a@v @op @mb = @c$.");
    eq_answer(g, q, v, x, 1);
    /* dividing first: v = c/a - b */
    eq_wrong(g, q, v, c - b * a, a, "eq-divide-first",
             "$@w$ divides before undoing the $@op @mb$. First @undo_en $@mb$ on both sides, then "
             "divide by $@a$.",
             "$@w$ divide antes de deshacer el $@op @mb$. Primero @undo_es $@mb$ en los dos lados "
             "y después divide entre $@a$.");
    eq_wrong(g, q, v, c + b, a, "eq-sign-error",
             "$@w$ moves $@mb$ across without changing its operation: to undo $@op @mb$, "
             "@undo_en $@mb$.",
             "$@w$ pasa el $@mb$ sin cambiar su operación: para deshacer $@op @mb$, @undo_es "
             "$@mb$.");
    hint(g, q, "First undo the $@op @mb$: @undo_en $@mb$ on both sides.",
         "Primero deshaz el $@op @mb$: @undo_es $@mb$ en los dos lados.");
    hint(g, q, "Then divide both sides by $@a$.", "Después divide los dos lados entre $@a$.");
    hint(g, q, "$@a@v = @c @iop @mb = @cb$, so $@v = @cb \\div @a = @x$.",
         "$@a@v = @c @iop @mb = @cb$, así que $@v = @cb \\div @a = @x$.");
    s = new_scaffold(g);
    prompt(g, s, "After undoing the $@op @mb$, $@a@v$ equals what number?",
           "Después de deshacer el $@op @mb$, ¿a qué número es igual $@a@v$?");
    ans_int(g, s, c - b);
    wrong_int(g, s, c + b, "eq-sign-error", "To undo $@op @mb$, @undo_en $@mb$.",
              "Para deshacer $@op @mb$, @undo_es $@mb$.");
    hint(g, s, "$@c @iop @mb = @cb$.", "$@c @iop @mb = @cb$.");
    return 0;
}

/* ---- equations with a distribution ---- */

static const char *const eqd_mis[] = {"distribute-first-term-only", NULL};

static int eq_distribute(struct gen *g)
{
    int64_t a = rnd(g, 2, 9), b, x, c;
    char v = pick_var(g);
    struct gen_q *q, *s;

    do {
        b = rnd(g, -9, 9);
        x = rnd(g, -10, 12);
    } while (b == 0 || x == 0 || x + b == 0);
    c = a * (x + b);
    var_c(g, "v", v);
    var_i(g, "b", b);
    var_i(g, "a", a);
    var_i(g, "c", c);
    var_i(g, "x", x);
    var_i(g, "mb", b < 0 ? -b : b);
    var_i(g, "ab", a * b);
    var_ip(g, "abp", a * b);
    var_i(g, "cab", c - a * b);
    var_s(g, "op", b < 0 ? "-" : "+");
    var_lin(g, "ex", a, a * b, v);
    q = new_step(g);
    prompt(g, q, "Solve for $@v$: $@a(@v @op @mb) = @c$.", "Despeja $@v$: $@a(@v @op @mb) = @c$.");
    eq_answer(g, q, v, x, 1);
    eq_wrong(g, q, v, c - b, a, "distribute-first-term-only",
             "$@w$ comes from $@a@v @op @mb = @c$: the $@a$ multiplies the $@mb$ too.",
             "$@w$ sale de $@a@v @op @mb = @c$: el $@a$ también multiplica al $@mb$.");
    hint(g, q, "Distribute: $@a(@v @op @mb) = @ex$.", "Distribuye: $@a(@v @op @mb) = @ex$.");
    hint(g, q, "Then $@ex = @c$: undo the constant, then divide by $@a$.",
         "Después $@ex = @c$: deshaz la constante y divide entre $@a$.");
    hint(g, q, "$@a@v = @c - @abp = @cab$, so $@v = @cab \\div @a = @x$.",
         "$@a@v = @c - @abp = @cab$, así que $@v = @cab \\div @a = @x$.");
    s = new_scaffold(g);
    prompt(g, s, "Distribute: $@a(@v @op @mb)$ equals $@a@v$ plus what number?",
           "Distribuye: $@a(@v @op @mb)$ es igual a $@a@v$ más ¿qué número?");
    ans_int(g, s, a * b);
    var_ip(g, "bp", b);
    hint(g, s, "$@a \\times @bp = @ab$.", "$@a \\times @bp = @ab$.");
    return 0;
}

/* ---- equations with the variable on both sides ---- */

static const char *const eqb_mis[] = {"eq-sign-error", NULL};

static int eq_both_sides(struct gen *g)
{
    int64_t a, c, b, d, x;
    char v = pick_var(g);
    struct gen_q *q, *s;

    do {
        a = rnd(g, 2, 9);
        c = rnd(g, 1, 8);
        x = rnd(g, -9, 12);
        b = rnd(g, -15, 15);
    } while (a == c || x == 0 || b == 0);
    d = (a - c) * x + b;
    var_c(g, "v", v);
    var_i(g, "b", b);
    var_i(g, "a", a);
    var_i(g, "c", c);
    var_i(g, "x", x);
    var_i(g, "ac", a - c);
    var_ip(g, "acp", a - c);
    var_lin(g, "acv", a - c, 0, v);
    var_i(g, "d", d);
    var_i(g, "db", d - b);
    var_lin(g, "left", a, b, v);
    var_lin(g, "right", c, d, v);
    char cv[16];
    fmt_linear(cv, c, 0, v);
    var_s(g, "cv", cv);
    var_ip(g, "bp", b);
    q = new_step(g);
    prompt(g, q, "Solve for $@v$: $@left = @right$.", "Despeja $@v$: $@left = @right$.");
    eq_answer(g, q, v, x, 1);
    eq_wrong(g, q, v, d - b, a + c, "eq-sign-error",
             "$@w$ adds $@cv$ to the left instead of subtracting it: a term changes sign when it "
             "moves to the other side.",
             "$@w$ suma $@cv$ a la izquierda en lugar de restarlo: un término cambia de signo al "
             "pasar al otro lado.");
    eq_wrong(g, q, v, d + b, a - c, "eq-sign-error",
             "$@w$ moves $@bp$ without changing its sign: it changes sign when it moves to the "
             "other side.",
             "$@w$ pasa el $@bp$ sin cambiarle el signo: cambia de signo al pasar al otro lado.");
    hint(g, q, "Get the $@v$-terms on one side: subtract $@cv$ from both sides.",
         "Junta los términos en $@v$ en un lado: resta $@cv$ en los dos lados.");
    hint(g, q, "Then move the numbers to the other side and divide.",
         "Después pasa los números al otro lado y divide.");
    hint(g, q, "$@acv = @d - @bp = @db$, so $@v = @db \\div @acp = @x$.",
         "$@acv = @d - @bp = @db$, así que $@v = @db \\div @acp = @x$.");
    s = new_scaffold(g);
    prompt(g, s, "Subtract $@cv$ from both sides. What is the coefficient of $@v$ on the left?",
           "Resta $@cv$ en los dos lados. ¿Cuál es el coeficiente de $@v$ a la izquierda?");
    ans_int(g, s, a - c);
    wrong_int(g, s, a + c, "eq-sign-error", "Subtract $@c$ from $@a$; do not add.",
              "Resta $@c$ de $@a$; no sumes.");
    hint(g, s, "$@a - @c = @ac$.", "$@a - @c = @ac$.");
    return 0;
}

/* ---- inequalities ---- */

static const struct gen_param ineq_params[] = {
    {"negative", 0, 1, 0, "1: numbers may be negative, the coefficient too (the sign flips)"},
    {"two_step", 0, 1, 1, "0: one step (x + b or a x), 1: a x + b"},
};
static const char *const ineq_mis[] = {"ineq-no-flip", "ineq-flip-unneeded", "eq-sign-error", NULL};

static int inequality(struct gen *g)
{
    int64_t neg = param(g, "negative"), two = param(g, "two_step"), a, b, k, c;
    int rel = (int)rnd(g, 0, 3); /* < > <= >= */
    static const char *const rel_tex[] = {"<", ">", "\\le", "\\ge"};
    static const unsigned flip[] = {1, 0, 3, 2};
    char v = pick_var(g);
    struct gen_q *q, *s;

    do {
        a = neg ? rnd(g, -9, 9) : rnd(g, 1, 9);
        b = neg ? rnd(g, -15, 15) : rnd(g, 0, 15);
        k = neg ? rnd(g, -10, 12) : rnd(g, 0, 15);
        if (!two && rnd(g, 0, 1))
            a = 1; /* x + b */
        else if (!two)
            b = 0; /* a x */
    } while (a == 0 || (neg && a > 0 && rnd(g, 0, 2) != 0) || a == -1 || (a == 1 && b == 0));
    c = a * k + b;
    unsigned sol = a < 0 ? flip[rel] : (unsigned)rel;
    var_c(g, "v", v);
    var_i(g, "b", b);
    var_i(g, "reln", rel);
    var_lin(g, "left", a, b, v);
    var_i(g, "c", c);
    var_i(g, "k", k);
    var_i(g, "a", a);
    var_ip(g, "ap", a);
    var_i(g, "cb", c - b);
    var_ip(g, "bp", b);
    var_i(g, "mb", b < 0 ? -b : b);
    var_lin(g, "av", a, 0, v);
    var_s(g, "undo_en", b < 0 ? "add" : "subtract");
    var_s(g, "undo_es", b < 0 ? "suma" : "resta");
    var_s(g, "rel", rel_tex[rel]);
    var_s(g, "sol", rel_tex[sol]);
    q = new_step(g);
    prompt(g, q,
           "Solve $@left @rel @c$. The solution is $@v \\; \\square \\; k$. What is the number "
           "$k$?",
           "Resuelve $@left @rel @c$. La solución es $@v \\; \\square \\; k$. ¿Cuál es el número "
           "$k$?");
    ans_int(g, q, k);
    if (b)
        wrong_frac(g, q, c + b, a, "eq-sign-error",
                   "$@w$ moves the $@mb$ without changing its operation: to undo it, @undo_en "
                   "$@mb$ on both sides.",
                   "$@w$ pasa el $@mb$ sin cambiar su operación: para deshacerlo, @undo_es $@mb$ "
                   "en los dos lados.");
    if (b)
        hint(g, q,
             "Undo the constant first: @undo_en $@mb$ on both sides, which gives "
             "$@av @rel @cb$.",
             "Primero deshaz la constante: @undo_es $@mb$ en los dos lados, y queda "
             "$@av @rel @cb$.");
    if (a == 1) {
        hint(g, q, "$@v @rel @cb$: $k = @k$.", "$@v @rel @cb$: $k = @k$.");
    } else {
        hint(g, q, "Then divide both sides by $@ap$.", "Después divide los dos lados entre $@ap$.");
        hint(g, q, "$@a@v @rel @cb$ and $@cb \\div @ap = @k$: $k = @k$.",
             "$@a@v @rel @cb$ y $@cb \\div @ap = @k$: $k = @k$.");
    }
    s = new_scaffold(g);
    if (b) {
        prompt(g, s, "What is $@c - @bp$?", "¿Cuánto es $@c - @bp$?");
        ans_int(g, s, c - b);
        hint(g, s, "$@c - @bp = @cb$.", "$@c - @bp = @cb$.");
    } else {
        prompt(g, s, "What is $@c \\div @ap$?", "¿Cuánto es $@c \\div @ap$?");
        ans_int(g, s, k);
        hint(g, s, "$@c \\div @ap = @k$.", "$@c \\div @ap = @k$.");
    }

    q = new_step(g);
    prompt(g, q, "Which sign goes in the box: $@v \\; \\square \\; @k$?",
           "¿Qué signo va en el recuadro: $@v \\; \\square \\; @k$?");
    choice(g, q, "$<$", "$<$");
    choice(g, q, "$>$", "$>$");
    choice(g, q, "$\\le$", "$\\le$");
    choice(g, q, "$\\ge$", "$\\ge$");
    ans_choice(g, q, sol);
    if (a < 0)
        wrong_choice(g, q, (unsigned)rel, "ineq-no-flip",
                     "Dividing by the negative number $@a$ reverses the inequality.",
                     "Dividir entre el número negativo $@a$ invierte la desigualdad.");
    else
        wrong_choice(g, q, flip[rel], "ineq-flip-unneeded",
                     "Dividing by a positive number keeps the inequality as it is.",
                     "Dividir entre un número positivo deja la desigualdad como está.");
    if (a < 0)
        hint(g, q, "You divide by $@a$, a negative number: the inequality reverses.",
             "Divides entre $@a$, un número negativo: la desigualdad se invierte.");
    else
        hint(g, q, "Adding, subtracting or dividing by a positive number keeps the inequality.",
             "Sumar, restar o dividir entre un número positivo mantiene la desigualdad.");
    hint(g, q, "The solution is $@v @sol @k$.", "La solución es $@v @sol @k$.");
    s = new_scaffold(g);
    prompt(g, s, "Is the number you divide by, $@a$, negative?",
           "¿El número entre el que divides, $@a$, es negativo?");
    choice(g, s, "yes", "sí");
    choice(g, s, "no", "no");
    ans_choice(g, s, a < 0 ? 0 : 1);
    hint(g, s, a < 0 ? "Yes: $@a$ is less than 0." : "No: $@a$ is greater than 0.",
         a < 0 ? "Sí: $@a$ es menor que 0." : "No: $@a$ es mayor que 0.");
    return 0;
}

/* ---- exponent rules ---- */

static const char *const exr_mis[] = {"exp-multiply-exponents", "exp-add-exponents-power",
                                      "exp-divide-exponents", NULL};

static int exponent_rules(struct gen *g)
{
    int form = (int)rnd(g, 0, 2);
    int64_t m = rnd(g, 2, 9), n = rnd(g, 2, 9), r;
    char v = pick_var(g);
    struct gen_q *q, *s;

    if (form == 1) {
        if (m == n)
            m++;
        if (m < n) {
            int64_t t = m;
            m = n;
            n = t;
        }
        if (m % n != 0 && rnd(g, 0, 1))
            m = n * rnd(g, 2, 4); /* sometimes m/n is whole, so dividing exponents is tempting */
    }
    r = form == 0 ? m + n : form == 1 ? m - n : m * n;
    var_c(g, "v", v);
    var_i(g, "form", form);
    var_i(g, "m", m);
    var_i(g, "n", n);
    var_i(g, "r", r);
    q = new_step(g);
    switch (form) {
    case 0:
        prompt(g, q, "$@v^{@m} \\cdot @v^{@n} = @v^{\\square}$. What is the exponent?",
               "$@v^{@m} \\cdot @v^{@n} = @v^{\\square}$. ¿Cuál es el exponente?");
        ans_int(g, q, r);
        wrong_int(g, q, m * n, "exp-multiply-exponents",
                  "$@w$ multiplies the exponents. Multiplying powers of the same base adds the "
                  "exponents.",
                  "$@w$ multiplica los exponentes. Al multiplicar potencias de la misma base, los "
                  "exponentes se suman.");
        hint(g, q, "$@v^{@m}$ is $@m$ factors of $@v$ and $@v^{@n}$ is $@n$ more.",
             "$@v^{@m}$ son $@m$ factores $@v$ y $@v^{@n}$ son $@n$ más.");
        hint(g, q, "$@v^{@m} \\cdot @v^{@n} = @v^{@m + @n} = @v^{@r}$.",
             "$@v^{@m} \\cdot @v^{@n} = @v^{@m + @n} = @v^{@r}$.");
        break;
    case 1:
        prompt(g, q, "$\\frac{@v^{@m}}{@v^{@n}} = @v^{\\square}$. What is the exponent?",
               "$\\frac{@v^{@m}}{@v^{@n}} = @v^{\\square}$. ¿Cuál es el exponente?");
        ans_int(g, q, r);
        if (m % n == 0)
            wrong_int(g, q, m / n, "exp-divide-exponents",
                      "$@w$ divides the exponents. Dividing powers of the same base subtracts the "
                      "exponents.",
                      "$@w$ divide los exponentes. Al dividir potencias de la misma base, los "
                      "exponentes se restan.");
        hint(g, q, "$@n$ factors of $@v$ on the bottom cancel $@n$ of the $@m$ on top.",
             "Los $@n$ factores $@v$ de abajo se cancelan con $@n$ de los $@m$ de arriba.");
        hint(g, q, "$\\frac{@v^{@m}}{@v^{@n}} = @v^{@m - @n} = @v^{@r}$.",
             "$\\frac{@v^{@m}}{@v^{@n}} = @v^{@m - @n} = @v^{@r}$.");
        break;
    default:
        prompt(g, q, "$(@v^{@m})^{@n} = @v^{\\square}$. What is the exponent?",
               "$(@v^{@m})^{@n} = @v^{\\square}$. ¿Cuál es el exponente?");
        ans_int(g, q, r);
        wrong_int(g, q, m + n, "exp-add-exponents-power",
                  "$@w$ adds the exponents. A power of a power multiplies them: $@n$ groups of "
                  "$@m$ factors.",
                  "$@w$ suma los exponentes. Una potencia de una potencia los multiplica: $@n$ "
                  "grupos de $@m$ factores.");
        hint(g, q, "$(@v^{@m})^{@n}$ is $@n$ copies of $@v^{@m}$ multiplied together.",
             "$(@v^{@m})^{@n}$ son $@n$ copias de $@v^{@m}$ multiplicadas.");
        hint(g, q, "$(@v^{@m})^{@n} = @v^{@m \\times @n} = @v^{@r}$.",
             "$(@v^{@m})^{@n} = @v^{@m \\times @n} = @v^{@r}$.");
        break;
    }
    s = new_scaffold(g);
    prompt(g, s, "How many factors of $@v$ are in $@v^{@m}$?",
           "¿Cuántos factores $@v$ hay en $@v^{@m}$?");
    ans_int(g, s, m);
    hint(g, s, "The exponent counts them: $@m$.", "El exponente los cuenta: $@m$.");
    return 0;
}

/* ---- square and cube roots ---- */

static const char *const root_mis[] = {"root-halve", "root-divide-by-index", NULL};

static int roots(struct gen *g)
{
    bool cube = rnd(g, 0, 2) == 0;
    int64_t n = cube ? rnd(g, 2, 10) : rnd(g, 2, 20);
    int64_t v = cube ? n * n * n : n * n;
    struct gen_q *q, *s;

    var_i(g, "n", n);
    var_i(g, "v", v);
    q = new_step(g);
    if (cube) {
        prompt(g, q, "What is $\\sqrt[3]{@v}$?", "¿Cuánto es $\\sqrt[3]{@v}$?");
        ans_int(g, q, n);
        wrong_frac(g, q, v, 3, "root-divide-by-index",
                   "$@w$ divides $@v$ by 3. The cube root is the number that, multiplied by "
                   "itself three times, gives $@v$.",
                   "$@w$ divide $@v$ entre 3. La raíz cúbica es el número que, multiplicado por sí "
                   "mismo tres veces, da $@v$.");
        hint(g, q, "Which number times itself times itself is $@v$?",
             "¿Qué número multiplicado por sí mismo tres veces da $@v$?");
        hint(g, q, "$@n \\times @n \\times @n = @v$, so $\\sqrt[3]{@v} = @n$.",
             "$@n \\times @n \\times @n = @v$, así que $\\sqrt[3]{@v} = @n$.");
        s = new_scaffold(g);
        var_i(g, "nn", n * n);
        prompt(g, s, "What is $@n \\times @n \\times @n$?",
               "¿Cuánto es $@n \\times @n \\times @n$?");
        ans_int(g, s, v);
        hint(g, s, "$@n \\times @n = @nn$ and $@nn \\times @n = @v$.",
             "$@n \\times @n = @nn$ y $@nn \\times @n = @v$.");
    } else {
        prompt(g, q, "What is $\\sqrt{@v}$?", "¿Cuánto es $\\sqrt{@v}$?");
        ans_int(g, q, n);
        wrong_frac(
            g, q, v, 2, "root-halve",
            "$@w$ is half of $@v$. The square root is the number that times itself gives "
            "$@v$.",
            "$@w$ es la mitad de $@v$. La raíz cuadrada es el número que multiplicado por sí "
            "mismo da $@v$.");
        hint(g, q, "Which number times itself is $@v$?",
             "¿Qué número multiplicado por sí mismo da $@v$?");
        hint(g, q, "$@n \\times @n = @v$, so $\\sqrt{@v} = @n$.",
             "$@n \\times @n = @v$, así que $\\sqrt{@v} = @n$.");
        s = new_scaffold(g);
        prompt(g, s, "What is $@n \\times @n$?", "¿Cuánto es $@n \\times @n$?");
        ans_int(g, s, v);
        hint(g, s, "$@n \\times @n = @v$.", "$@n \\times @n = @v$.");
    }
    return 0;
}

/* ---- slope ---- */

static const char *const slope_mis[] = {"slope-run-over-rise", "slope-sign-error", NULL};

static int slope(struct gen *g)
{
    int64_t x1, y1, x2, y2;
    struct gen_q *q, *s;

    do {
        x1 = rnd(g, -6, 8);
        y1 = rnd(g, -6, 8);
        x2 = rnd(g, -6, 8);
        y2 = rnd(g, -6, 8);
    } while (x1 == x2 || y1 == y2 || (y2 - y1) == (x2 - x1) || (y2 - y1) == -(x2 - x1));
    int64_t rise = y2 - y1, run = x2 - x1, sn = rise, sd = run;
    reduce(&sn, &sd);
    var_i(g, "x1", x1);
    var_i(g, "y1", y1);
    var_i(g, "x2", x2);
    var_i(g, "y2", y2);
    var_ip(g, "x1p", x1);
    var_ip(g, "y1p", y1);
    var_i(g, "rise", rise);
    var_i(g, "run", run);
    if (sd == 1) {
        char t[24];
        fmt_int(t, sn);
        var_s(g, "m", t);
    } else {
        var_frac(g, "m", sn, sd);
    }
    q = new_step(g);
    prompt(g, q, "What is the slope of the line through $(@x1, @y1)$ and $(@x2, @y2)$?",
           "¿Cuál es la pendiente de la recta que pasa por $(@x1, @y1)$ y $(@x2, @y2)$?");
    ans_frac(g, q, rise, run, false);
    wrong_frac(g, q, run, rise, "slope-run-over-rise",
               "$@w$ is the change in $x$ over the change in $y$. Slope is rise over run: the "
               "change in $y$ over the change in $x$.",
               "$@w$ es el cambio en $x$ entre el cambio en $y$. La pendiente es el cambio en $y$ "
               "entre el cambio en $x$.");
    wrong_frac(g, q, rise, -run, "slope-sign-error",
               "$@w$ has the wrong sign: subtract both coordinates in the same order.",
               "$@w$ tiene el signo equivocado: resta las dos coordenadas en el mismo orden.");
    hint(g, q, "Slope = (change in $y$) / (change in $x$) = $\\frac{y_2 - y_1}{x_2 - x_1}$.",
         "Pendiente = (cambio en $y$) / (cambio en $x$) = $\\frac{y_2 - y_1}{x_2 - x_1}$.");
    hint(g, q, "$y_2 - y_1 = @y2 - @y1p = @rise$ and $x_2 - x_1 = @x2 - @x1p = @run$.",
         "$y_2 - y_1 = @y2 - @y1p = @rise$ y $x_2 - x_1 = @x2 - @x1p = @run$.");
    hint(g, q, "The slope is $\\frac{@rise}{@run} = @m$.",
         "La pendiente es $\\frac{@rise}{@run} = @m$.");
    s = new_scaffold(g);
    prompt(g, s, "What is the change in $y$, $@y2 - @y1p$?",
           "¿Cuál es el cambio en $y$, $@y2 - @y1p$?");
    ans_int(g, s, rise);
    hint(g, s, "$@y2 - @y1p = @rise$.", "$@y2 - @y1p = @rise$.");
    return 0;
}

#define P(arr) arr, ARRAY_SIZE(arr)

const struct gen_info gen_algebra_infos[] = {
    {"eval_expr", 6, "evaluate an expression for a value of the variable", NULL, 0, eval_mis,
     eval_expr},
    {"eq_one_step", 6, "one-step equations", P(eq1_params), eq1_mis, eq_one_step},
    {"distribute", 6, "expand with the distributive property", NULL, 0, dist_mis, distribute},
    {"inequality", 6, "solve a linear inequality", P(ineq_params), ineq_mis, inequality},
    {"combine_like", 7, "combine like terms", NULL, 0, combine_mis, combine_like},
    {"eq_two_step", 7, "two-step equations", NULL, 0, eq2_mis, eq_two_step},
    {"eq_distribute", 7, "equations with parentheses", NULL, 0, eqd_mis, eq_distribute},
    {"eq_both_sides", 8, "equations with the variable on both sides", NULL, 0, eqb_mis,
     eq_both_sides},
    {"exponent_rules", 8, "products, quotients and powers of powers", NULL, 0, exr_mis,
     exponent_rules},
    {"roots", 8, "square roots and cube roots", NULL, 0, root_mis, roots},
    {"slope", 8, "the slope of a line through two points", NULL, 0, slope_mis, slope},
};
const size_t gen_algebra_count = ARRAY_SIZE(gen_algebra_infos);

/*
 * Generators for fractions: a fraction of a whole, equivalent fractions,
 * comparing, adding and subtracting with like and unlike denominators,
 * mixed numbers, multiplying a fraction by a whole number and by a
 * fraction, dividing with unit fractions and dividing fractions. See gen.h.
 */
#include "base/common.h"
#include "core/gen_impl.h"

/* A proper fraction a/b in lowest terms with b in [2, max_den]. */
static void proper(struct gen *g, int64_t max_den, int64_t *a, int64_t *b)
{
    do {
        *b = rnd(g, 2, max_den);
        *a = rnd(g, 1, *b - 1);
    } while (gcd64(*a, *b) != 1);
}

/* ---- a fraction of a whole ---- */

static const struct gen_param shape_params[] = {
    {"max_den", 2, 12, 8, "the most equal parts"},
};
static const char *const shape_mis[] = {"frac-part-to-part", "frac-inverted", NULL};

static int frac_of_shape(struct gen *g)
{
    int64_t d = rnd(g, 3, param(g, "max_den")), n = rnd(g, 1, d - 1);
    struct gen_q *q, *s;

    var_i(g, "n", n);
    var_i(g, "d", d);
    var_i(g, "rest", d - n);
    q = new_step(g);
    if (rnd(g, 0, 1)) {
        prompt(g, q,
               "A bar is cut into $@d$ equal parts and $@n$ of them are shaded. What fraction of "
               "the bar is shaded?",
               "Una barra está dividida en $@d$ partes iguales y $@n$ de ellas están sombreadas. "
               "¿Qué fracción de la barra está sombreada?");
    } else {
        prompt(g, q,
               "A pizza is cut into $@d$ equal slices. Ana eats $@n$ of them. What fraction of the "
               "pizza does she eat?",
               "Una pizza está cortada en $@d$ rebanadas iguales. Ana se come $@n$. ¿Qué fracción "
               "de la pizza se come?");
    }
    ans_frac(g, q, n, d, false);
    if (d - n == 1)
        wrong_frac(g, q, n, d - n, "frac-part-to-part",
                   "$@w$ compares the part taken with the one part left. A fraction compares the "
                   "part with the whole: all $@d$ parts.",
                   "$@w$ compara lo que se toma con la parte que queda. Una fracción compara la "
                   "parte con el total: las $@d$ partes.");
    else
        wrong_frac(g, q, n, d - n, "frac-part-to-part",
                   "$@w$ compares the part taken with the $@rest$ parts left. A fraction compares "
                   "the part with the whole: all $@d$ parts.",
                   "$@w$ compara lo que se toma con las $@rest$ partes que quedan. Una fracción "
                   "compara la parte con el total: las $@d$ partes.");
    wrong_frac(g, q, d, n, "frac-inverted",
               "$@w$ is upside down: the number of parts taken goes on top.",
               "$@w$ está al revés: arriba va el número de partes que se toman.");
    hint(g, q, "The denominator (bottom) is the number of equal parts in the whole.",
         "El denominador (abajo) es el número de partes iguales del total.");
    hint(g, q, "The numerator (top) is the number of parts taken.",
         "El numerador (arriba) es el número de partes que se toman.");
    hint(g, q, "$@n$ of $@d$ equal parts: the fraction is $\\frac{@n}{@d}$.",
         "$@n$ de $@d$ partes iguales: la fracción es $\\frac{@n}{@d}$.");
    s = new_scaffold(g);
    prompt(g, s, "Into how many equal parts is the whole cut?",
           "¿En cuántas partes iguales está dividido el total?");
    ans_int(g, s, d);
    hint(g, s, "It is cut into $@d$ equal parts.", "Está dividido en $@d$ partes iguales.");
    return 0;
}

/* ---- equivalent fractions ---- */

static const struct gen_param equiv_params[] = {
    {"max_den", 3, 12, 10, "the largest first denominator"},
    {"max_factor", 2, 10, 6, "the largest scale factor"},
};
static const char *const equiv_mis[] = {"frac-equiv-additive", "frac-equiv-numerator-unchanged",
                                        NULL};

static int frac_equiv(struct gen *g)
{
    int64_t a, b, k = rnd(g, 2, param(g, "max_factor"));
    struct gen_q *q, *s;

    proper(g, param(g, "max_den"), &a, &b);
    var_i(g, "a", a);
    var_i(g, "b", b);
    var_i(g, "k", k);
    var_i(g, "bk", b * k);
    var_i(g, "ak", a * k);
    q = new_step(g);
    prompt(g, q, "Find the missing numerator: $\\frac{@a}{@b} = \\frac{\\square}{@bk}$.",
           "Encuentra el numerador que falta: $\\frac{@a}{@b} = \\frac{\\square}{@bk}$.");
    ans_int(g, q, a * k);
    wrong_int(g, q, a + b * k - b, "frac-equiv-additive",
              "$@w$ adds the same amount to the top and the bottom, which changes the fraction's "
              "size. Multiply both by the same number instead.",
              "$@w$ suma lo mismo arriba y abajo, y eso cambia el tamaño de la fracción. "
              "Multiplica los dos por el mismo número.");
    wrong_int(g, q, a, "frac-equiv-numerator-unchanged",
              "The denominator was multiplied by $@k$; the numerator must be too.",
              "El denominador se multiplicó por $@k$; hay que multiplicar también el numerador.");
    hint(g, q, "What do you multiply $@b$ by to get $@bk$?",
         "¿Por qué número multiplicas $@b$ para obtener $@bk$?");
    hint(g, q, "Multiply the numerator by the same number.",
         "Multiplica el numerador por el mismo número.");
    hint(g, q,
         "$@b \\times @k = @bk$, so $@a \\times @k = @ak$: $\\frac{@a}{@b} = \\frac{@ak}{@bk}$.",
         "$@b \\times @k = @bk$, así que $@a \\times @k = @ak$: $\\frac{@a}{@b} = "
         "\\frac{@ak}{@bk}$.");
    s = new_scaffold(g);
    prompt(g, s, "What do you multiply $@b$ by to get $@bk$?",
           "¿Por qué número multiplicas $@b$ para obtener $@bk$?");
    ans_int(g, s, k);
    hint(g, s, "$@b \\times @k = @bk$.", "$@b \\times @k = @bk$.");
    return 0;
}

/* ---- comparing fractions ---- */

static const struct gen_param compare_params[] = {
    {"max_den", 3, 12, 12, "the largest denominator"},
};
static const char *const compare_mis[] = {"frac-larger-denominator-larger",
                                          "frac-compare-numerators", NULL};

static unsigned sym(int64_t x, int64_t y)
{
    return x < y ? 0 : x > y ? 1 : 2;
}

static int frac_compare(struct gen *g)
{
    int64_t a, b, c, d, l;
    unsigned right, by_den, by_num;
    static const char *const signs[] = {"<", ">", "="};
    struct gen_q *q, *s;

    do {
        proper(g, param(g, "max_den"), &a, &b);
        proper(g, param(g, "max_den"), &c, &d);
        right = sym(a * d, c * b);
        by_den = sym(b, d);
        by_num = sym(a, c);
    } while (b == d || (by_den == right && by_num == right));
    l = lcm64(b, d);
    var_i(g, "a", a);
    var_i(g, "b", b);
    var_i(g, "c", c);
    var_i(g, "d", d);
    var_i(g, "l", l);
    var_i(g, "al", a * (l / b));
    var_i(g, "cl", c * (l / d));
    var_s(g, "sign", signs[right]);
    q = new_step(g);
    prompt(g, q, "Which sign makes this true: $\\frac{@a}{@b} \\; \\square \\; \\frac{@c}{@d}$?",
           "¿Qué signo hace que sea verdad: $\\frac{@a}{@b} \\; \\square \\; \\frac{@c}{@d}$?");
    choice(g, q, "$<$", "$<$");
    choice(g, q, "$>$", "$>$");
    choice(g, q, "$=$", "$=$");
    ans_choice(g, q, right);
    wrong_choice(g, q, by_den, "frac-larger-denominator-larger",
                 "A larger denominator means smaller parts, not a larger fraction. Compare them "
                 "with a common denominator.",
                 "Un denominador mayor significa partes más pequeñas, no una fracción mayor. "
                 "Compáralas con un denominador común.");
    wrong_choice(g, q, by_num, "frac-compare-numerators",
                 "The numerators count parts of different sizes. Compare them with a common "
                 "denominator.",
                 "Los numeradores cuentan partes de distinto tamaño. Compáralas con un denominador "
                 "común.");
    hint(g, q, "Write both fractions with the same denominator, $@l$.",
         "Escribe las dos fracciones con el mismo denominador, $@l$.");
    hint(g, q, "With the same denominator, the fraction with the larger numerator is larger.",
         "Con el mismo denominador, es mayor la fracción con el numerador mayor.");
    hint(g, q,
         "$\\frac{@a}{@b} = \\frac{@al}{@l}$ and $\\frac{@c}{@d} = \\frac{@cl}{@l}$, so "
         "$\\frac{@a}{@b} @sign \\frac{@c}{@d}$.",
         "$\\frac{@a}{@b} = \\frac{@al}{@l}$ y $\\frac{@c}{@d} = \\frac{@cl}{@l}$, así que "
         "$\\frac{@a}{@b} @sign \\frac{@c}{@d}$.");
    s = new_scaffold(g);
    prompt(g, s, "Write $\\frac{@a}{@b}$ with denominator $@l$: what is the numerator?",
           "Escribe $\\frac{@a}{@b}$ con denominador $@l$: ¿cuál es el numerador?");
    ans_int(g, s, a * (l / b));
    hint(g, s, "$\\frac{@a}{@b} = \\frac{@al}{@l}$.", "$\\frac{@a}{@b} = \\frac{@al}{@l}$.");
    s = new_scaffold(g);
    prompt(g, s, "Write $\\frac{@c}{@d}$ with denominator $@l$: what is the numerator?",
           "Escribe $\\frac{@c}{@d}$ con denominador $@l$: ¿cuál es el numerador?");
    ans_int(g, s, c * (l / d));
    hint(g, s, "$\\frac{@c}{@d} = \\frac{@cl}{@l}$.", "$\\frac{@c}{@d} = \\frac{@cl}{@l}$.");
    return 0;
}

/* ---- adding and subtracting with like denominators ---- */

static const struct gen_param like_params[] = {
    {"op", 0, 2, 2, "0 add, 1 subtract, 2 either"},
    {"max_den", 3, 12, 12, "the largest denominator"},
};
static const char *const like_mis[] = {"frac-add-denominators", "frac-drop-denominator", NULL};

static int frac_add_like(struct gen *g)
{
    int64_t op = param(g, "op"), d, a, b, r;
    struct gen_q *q, *s;

    if (op == 2)
        op = rnd(g, 0, 1);
    do {
        d = rnd(g, 3, param(g, "max_den"));
        a = rnd(g, 1, d - 1);
        b = rnd(g, 1, d - 1);
    } while (op == 1 ? a <= b : a + b > d + d / 2);
    r = op ? a - b : a + b;
    var_i(g, "sub", op);
    var_i(g, "a", a);
    var_i(g, "b", b);
    var_i(g, "d", d);
    var_i(g, "r", r);
    var_s(g, "op", op ? "-" : "+");
    var_s(g, "open", op ? "Subtract" : "Add");
    var_s(g, "opes", op ? "Resta" : "Suma");
    q = new_step(g);
    prompt(g, q, "What is $\\frac{@a}{@d} @op \\frac{@b}{@d}$?",
           "¿Cuánto es $\\frac{@a}{@d} @op \\frac{@b}{@d}$?");
    ans_frac(g, q, r, d, false);
    if (op == 0)
        wrong_frac(g, q, r, d + d, "frac-add-denominators",
                   "$@w$ adds the denominators too. The parts are still the same size: keep the "
                   "denominator $@d$ and add the numerators.",
                   "$@w$ también suma los denominadores. Las partes siguen siendo del mismo "
                   "tamaño: deja el denominador $@d$ y suma los numeradores.");
    wrong_int(g, q, r, "frac-drop-denominator",
              "$@w$ counts the parts but leaves out their size. Keep the denominator: the answer "
              "is a number of $\\frac{1}{@d}$ parts.",
              "$@w$ cuenta las partes pero olvida su tamaño. Deja el denominador: la respuesta es "
              "un número de partes de $\\frac{1}{@d}$.");
    hint(g, q, "The denominators are the same, so the parts are the same size.",
         "Los denominadores son iguales, así que las partes son del mismo tamaño.");
    hint(g, q, "@open the numerators and keep the denominator $@d$.",
         "@opes los numeradores y deja el denominador $@d$.");
    hint(g, q, "$\\frac{@a}{@d} @op \\frac{@b}{@d} = \\frac{@a @op @b}{@d} = \\frac{@r}{@d}$.",
         "$\\frac{@a}{@d} @op \\frac{@b}{@d} = \\frac{@a @op @b}{@d} = \\frac{@r}{@d}$.");
    s = new_scaffold(g);
    prompt(g, s, "What is $@a @op @b$?", "¿Cuánto es $@a @op @b$?");
    ans_int(g, s, r);
    hint(g, s, "$@a @op @b = @r$.", "$@a @op @b = @r$.");
    return 0;
}

/* ---- mixed numbers ---- */

static const struct gen_param mixed_params[] = {
    {"max_den", 2, 12, 8, "the largest denominator"},
    {"max_whole", 1, 9, 5, "the largest whole part"},
};
static const char *const mixed_mis[] = {"mixed-add-not-multiply", "mixed-multiply-numerator", NULL};

static int mixed_numbers(struct gen *g)
{
    int64_t w = rnd(g, 1, param(g, "max_whole")), n, d;
    struct gen_q *q, *s;

    proper(g, param(g, "max_den"), &n, &d);
    var_i(g, "wh", w);
    var_i(g, "n", n);
    var_i(g, "d", d);
    var_i(g, "wd", w * d);
    var_i(g, "t", w * d + n);
    q = new_step(g);
    prompt(g, q,
           "Write $@wh\\frac{@n}{@d}$ as an improper fraction $\\frac{\\square}{@d}$. What is the "
           "numerator?",
           "Escribe $@wh\\frac{@n}{@d}$ como fracción impropia $\\frac{\\square}{@d}$. ¿Cuál es el "
           "numerador?");
    ans_int(g, q, w * d + n);
    wrong_int(g, q, w + n, "mixed-add-not-multiply",
              "$@w$ adds the whole number to the numerator. Each whole is $@d$ parts, so first "
              "multiply the whole number by $@d$.",
              "$@w$ suma el entero al numerador. Cada entero son $@d$ partes, así que primero "
              "multiplica el entero por $@d$.");
    wrong_int(g, q, w * n + d, "mixed-multiply-numerator",
              "$@w$ multiplies the whole number by the numerator. Multiply it by the denominator, "
              "then add the numerator.",
              "$@w$ multiplica el entero por el numerador. Multiplícalo por el denominador y "
              "después suma el numerador.");
    hint(g, q,
         "Each whole is $\\frac{@d}{@d}$: $@wh$ wholes are $@wh \\times @d$ parts of size "
         "$\\frac{1}{@d}$.",
         "Cada entero es $\\frac{@d}{@d}$: $@wh$ enteros son $@wh \\times @d$ partes de tamaño "
         "$\\frac{1}{@d}$.");
    hint(g, q, "Then add the numerator, $@n$.", "Después suma el numerador, $@n$.");
    hint(g, q, "$@wh \\times @d + @n = @wd + @n = @t$, so $@wh\\frac{@n}{@d} = \\frac{@t}{@d}$.",
         "$@wh \\times @d + @n = @wd + @n = @t$, así que $@wh\\frac{@n}{@d} = \\frac{@t}{@d}$.");
    s = new_scaffold(g);
    prompt(g, s, "How many parts of size $\\frac{1}{@d}$ are in $@wh$ wholes?",
           "¿Cuántas partes de tamaño $\\frac{1}{@d}$ hay en $@wh$ enteros?");
    ans_int(g, s, w * d);
    hint(g, s, "$@wh \\times @d = @wd$.", "$@wh \\times @d = @wd$.");
    return 0;
}

/* ---- a whole number times a fraction ---- */

static const struct gen_param times_whole_params[] = {
    {"max_den", 3, 12, 8, "the largest denominator"},
    {"max_whole", 2, 10, 6, "the largest whole number"},
};
static const char *const times_whole_mis[] = {"frac-mult-both", "frac-mult-denominator", NULL};

static int frac_times_whole(struct gen *g)
{
    int64_t n = rnd(g, 2, param(g, "max_whole")), a, b;
    struct gen_q *q, *s;

    do
        proper(g, param(g, "max_den"), &a, &b);
    while (b % n == 0);
    var_i(g, "n", n);
    var_i(g, "a", a);
    var_i(g, "b", b);
    var_i(g, "na", n * a);
    q = new_step(g);
    prompt(g, q, "What is $@n \\times \\frac{@a}{@b}$?", "¿Cuánto es $@n \\times \\frac{@a}{@b}$?");
    ans_frac(g, q, n * a, b, false);
    wrong_frac(g, q, n * a, n * b, "frac-mult-both",
               "$@w$ is the same size as $\\frac{@a}{@b}$: multiplying the top and the bottom by "
               "$@n$ makes an equivalent fraction. Multiply only the numerator.",
               "$@w$ tiene el mismo tamaño que $\\frac{@a}{@b}$: multiplicar arriba y abajo por "
               "$@n$ da una fracción equivalente. Multiplica solo el numerador.");
    wrong_frac(g, q, a, n * b, "frac-mult-denominator",
               "$@w$ makes the parts smaller. $@n$ groups of $\\frac{@a}{@b}$ means more parts "
               "of the same size.",
               "$@w$ hace las partes más pequeñas. $@n$ grupos de $\\frac{@a}{@b}$ son más partes "
               "del mismo tamaño.");
    hint(g, q, "$@n \\times \\frac{@a}{@b}$ means $@n$ groups of $\\frac{@a}{@b}$.",
         "$@n \\times \\frac{@a}{@b}$ significa $@n$ grupos de $\\frac{@a}{@b}$.");
    hint(g, q, "The parts stay the same size: multiply only the numerator.",
         "Las partes siguen del mismo tamaño: multiplica solo el numerador.");
    hint(g, q, "$@n \\times \\frac{@a}{@b} = \\frac{@n \\times @a}{@b} = \\frac{@na}{@b}$.",
         "$@n \\times \\frac{@a}{@b} = \\frac{@n \\times @a}{@b} = \\frac{@na}{@b}$.");
    s = new_scaffold(g);
    prompt(g, s, "What is $@n \\times @a$?", "¿Cuánto es $@n \\times @a$?");
    ans_int(g, s, n * a);
    hint(g, s, "$@n \\times @a = @na$.", "$@n \\times @a = @na$.");
    return 0;
}

/* ---- adding and subtracting with unlike denominators ---- */

static const struct gen_param unlike_params[] = {
    {"op", 0, 2, 2, "0 add, 1 subtract, 2 either"},
    {"max_den", 3, 12, 12, "the largest denominator"},
};
static const char *const unlike_mis[] = {"frac-add-denominators", "frac-no-common-denominator",
                                         "lcm-product", NULL};

static int frac_add_unlike(struct gen *g)
{
    int64_t op = param(g, "op"), a, b, c, d, l, rn, rd;
    struct gen_q *q, *s;

    if (op == 2)
        op = rnd(g, 0, 1);
    do {
        proper(g, param(g, "max_den"), &a, &b);
        proper(g, param(g, "max_den"), &c, &d);
    } while (b == d || (op == 1 && a * d <= c * b) || (op == 0 && a * d + c * b > 2 * b * d));
    l = lcm64(b, d);
    rn = op ? a * (l / b) - c * (l / d) : a * (l / b) + c * (l / d);
    rd = l;
    var_i(g, "sub", op);
    var_i(g, "a", a);
    var_i(g, "b", b);
    var_i(g, "c", c);
    var_i(g, "d", d);
    var_i(g, "l", l);
    var_i(g, "al", a * (l / b));
    var_i(g, "cl", c * (l / d));
    var_i(g, "rn", rn);
    var_s(g, "op", op ? "-" : "+");
    int64_t sn = rn, sd = rd;
    reduce(&sn, &sd);
    if (sd == 1) {
        char t[24];
        fmt_int(t, sn);
        var_s(g, "res", t);
    } else {
        var_frac(g, "res", sn, sd);
    }
    q = new_step(g);
    prompt(g, q, "What is $\\frac{@a}{@b} @op \\frac{@c}{@d}$? Write it in simplest form.",
           "¿Cuánto es $\\frac{@a}{@b} @op \\frac{@c}{@d}$? Escríbelo en su mínima expresión.");
    ans_frac(g, q, rn, rd, true);
    wrong_frac(g, q, op ? a - c : a + c, op ? b - d : b + d, "frac-add-denominators",
               "It looks like the denominators were combined too. A denominator names the size of "
               "the parts: first rewrite both fractions with a common denominator.",
               "Parece que también se operaron los denominadores. El denominador indica el tamaño "
               "de las partes: primero escribe las dos fracciones con un denominador común.");
    wrong_frac(g, q, op ? a - c : a + c, MAX(b, d), "frac-no-common-denominator",
               "It looks like numerators of parts of different sizes were combined. Rewrite both "
               "fractions with the denominator $@l$ first.",
               "Parece que se juntaron numeradores de partes de distinto tamaño. Primero escribe "
               "las dos fracciones con denominador $@l$.");
    hint(g, q, "Find a common denominator: the least common multiple of $@b$ and $@d$.",
         "Busca un denominador común: el mínimo común múltiplo de $@b$ y $@d$.");
    hint(g, q, "Rewrite both fractions with denominator $@l$, then combine the numerators.",
         "Escribe las dos fracciones con denominador $@l$ y después opera los numeradores.");
    if (sd != rd)
        hint(g, q,
             "$\\frac{@a}{@b} @op \\frac{@c}{@d} = \\frac{@al}{@l} @op \\frac{@cl}{@l} = "
             "\\frac{@rn}{@l}$, which simplifies to $@res$.",
             "$\\frac{@a}{@b} @op \\frac{@c}{@d} = \\frac{@al}{@l} @op \\frac{@cl}{@l} = "
             "\\frac{@rn}{@l}$, que se simplifica a $@res$.");
    else
        hint(g, q,
             "$\\frac{@a}{@b} @op \\frac{@c}{@d} = \\frac{@al}{@l} @op \\frac{@cl}{@l} = "
             "\\frac{@rn}{@l}$, already in simplest form.",
             "$\\frac{@a}{@b} @op \\frac{@c}{@d} = \\frac{@al}{@l} @op \\frac{@cl}{@l} = "
             "\\frac{@rn}{@l}$, ya en su mínima expresión.");
    s = new_scaffold(g);
    prompt(g, s, "What is the least common denominator of $\\frac{@a}{@b}$ and $\\frac{@c}{@d}$?",
           "¿Cuál es el mínimo común denominador de $\\frac{@a}{@b}$ y $\\frac{@c}{@d}$?");
    ans_int(g, s, l);
    wrong_int(g, s, b * d, "lcm-product", "$@w$ works, but a smaller common denominator exists.",
              "$@w$ sirve, pero hay un denominador común más pequeño.");
    hint(g, s, "The least common multiple of $@b$ and $@d$ is $@l$.",
         "El mínimo común múltiplo de $@b$ y $@d$ es $@l$.");
    s = new_scaffold(g);
    prompt(g, s, "Write $\\frac{@a}{@b}$ with denominator $@l$: what is the numerator?",
           "Escribe $\\frac{@a}{@b}$ con denominador $@l$: ¿cuál es el numerador?");
    ans_int(g, s, a * (l / b));
    hint(g, s, "$\\frac{@a}{@b} = \\frac{@al}{@l}$.", "$\\frac{@a}{@b} = \\frac{@al}{@l}$.");
    return 0;
}

/* ---- multiplying fractions ---- */

static const struct gen_param mult_params[] = {
    {"max_den", 3, 12, 9, "the largest denominator"},
};
static const char *const mult_mis[] = {"frac-mult-cross", "frac-mult-common-denominator", NULL};

static int frac_mult(struct gen *g)
{
    int64_t a, b, c, d;
    struct gen_q *q, *s;

    do {
        proper(g, param(g, "max_den"), &a, &b);
        proper(g, param(g, "max_den"), &c, &d);
    } while (a * d == b * c);
    int64_t sn = a * c, sd = b * d;
    reduce(&sn, &sd);
    var_i(g, "a", a);
    var_i(g, "b", b);
    var_i(g, "c", c);
    var_i(g, "d", d);
    var_i(g, "ac", a * c);
    var_i(g, "bd", b * d);
    var_frac(g, "res", sn, sd);
    q = new_step(g);
    prompt(g, q, "What is $\\frac{@a}{@b} \\times \\frac{@c}{@d}$? Write it in simplest form.",
           "¿Cuánto es $\\frac{@a}{@b} \\times \\frac{@c}{@d}$? Escríbelo en su mínima expresión.");
    ans_frac(g, q, a * c, b * d, true);
    wrong_frac(
        g, q, a * d, b * c, "frac-mult-cross",
        "$@w$ multiplies crosswise, as when dividing. To multiply, multiply the numerators "
        "and multiply the denominators.",
        "$@w$ sale de multiplicar en cruz, como al dividir. Para multiplicar, multiplica los "
        "numeradores entre sí y los denominadores entre sí.");
    wrong_frac(g, q, a * c, b, "frac-mult-common-denominator",
               "$@w$ keeps a denominator as if adding. Multiply the denominators too.",
               "En $@w$ quedó un denominador como al sumar. Multiplica también los "
               "denominadores.");
    hint(g, q, "Multiply the numerators, and multiply the denominators.",
         "Multiplica los numeradores entre sí y los denominadores entre sí.");
    hint(g, q,
         "Then simplify: divide the numerator and the denominator by their greatest common "
         "factor.",
         "Después simplifica: divide el numerador y el denominador entre su máximo común divisor.");
    if (sd != b * d)
        hint(g, q,
             "$\\frac{@a}{@b} \\times \\frac{@c}{@d} = \\frac{@ac}{@bd}$, which in simplest form "
             "is $@res$.",
             "$\\frac{@a}{@b} \\times \\frac{@c}{@d} = \\frac{@ac}{@bd}$, que en su mínima "
             "expresión es $@res$.");
    else
        hint(g, q,
             "$\\frac{@a}{@b} \\times \\frac{@c}{@d} = \\frac{@ac}{@bd}$, already in simplest "
             "form.",
             "$\\frac{@a}{@b} \\times \\frac{@c}{@d} = \\frac{@ac}{@bd}$, ya en su mínima "
             "expresión.");
    s = new_scaffold(g);
    prompt(g, s, "What is $@b \\times @d$?", "¿Cuánto es $@b \\times @d$?");
    ans_int(g, s, b * d);
    hint(g, s, "$@b \\times @d = @bd$.", "$@b \\times @d = @bd$.");
    return 0;
}

/* ---- dividing with unit fractions ---- */

static const struct gen_param unit_div_params[] = {
    {"max_den", 2, 12, 8, "the largest denominator"},
    {"max_whole", 2, 12, 8, "the largest whole number"},
};
static const char *const unit_div_mis[] = {"frac-div-as-mult", "frac-div-order", NULL};

static int frac_div_unit(struct gen *g)
{
    int64_t d = rnd(g, 2, param(g, "max_den")), n = rnd(g, 2, param(g, "max_whole"));
    struct gen_q *q, *s;

    if (n == d)
        n = n == 2 ? 3 : n - 1;
    var_i(g, "d", d);
    var_i(g, "n", n);
    var_i(g, "nd", n * d);
    q = new_step(g);
    int64_t form = rnd(g, 0, 1);
    var_i(g, "form", form);
    if (form) {
        prompt(g, q, "What is $@n \\div \\frac{1}{@d}$?", "¿Cuánto es $@n \\div \\frac{1}{@d}$?");
        ans_frac(g, q, n * d, 1, false);
        wrong_frac(g, q, n, d, "frac-div-as-mult",
                   "$@w$ is $@n \\times \\frac{1}{@d}$. Dividing by $\\frac{1}{@d}$ asks how many "
                   "pieces of size $\\frac{1}{@d}$ fit into $@n$.",
                   "$@w$ es $@n \\times \\frac{1}{@d}$. Dividir entre $\\frac{1}{@d}$ pregunta "
                   "cuántos $\\frac{1}{@d}$ caben en $@n$.");
        hint(g, q, "How many pieces of size $\\frac{1}{@d}$ fit into one whole?",
             "¿Cuántos trozos de tamaño $\\frac{1}{@d}$ caben en un entero?");
        hint(g, q, "$@d$ fit into each whole, and there are $@n$ wholes.",
             "En cada entero caben $@d$, y hay $@n$ enteros.");
        hint(g, q, "$@n \\div \\frac{1}{@d} = @n \\times @d = @nd$.",
             "$@n \\div \\frac{1}{@d} = @n \\times @d = @nd$.");
        s = new_scaffold(g);
        prompt(g, s, "How many pieces of size $\\frac{1}{@d}$ are in one whole?",
               "¿Cuántos trozos de tamaño $\\frac{1}{@d}$ hay en un entero?");
        ans_int(g, s, d);
        hint(g, s, "$@d$ pieces: $\\frac{@d}{@d} = 1$.", "$@d$ trozos: $\\frac{@d}{@d} = 1$.");
    } else {
        prompt(g, q, "What is $\\frac{1}{@d} \\div @n$?", "¿Cuánto es $\\frac{1}{@d} \\div @n$?");
        ans_frac(g, q, 1, n * d, false);
        wrong_frac(g, q, n * d, 1, "frac-div-order",
                   "$@w$ is $@n \\div \\frac{1}{@d}$. Here $\\frac{1}{@d}$ is shared into $@n$ "
                   "equal parts, so each part is smaller.",
                   "$@w$ es $@n \\div \\frac{1}{@d}$. Aquí $\\frac{1}{@d}$ se reparte en $@n$ "
                   "partes iguales, así que cada parte es más pequeña.");
        wrong_frac(
            g, q, n, d, "frac-div-as-mult",
            "$@w$ is $\\frac{1}{@d} \\times @n$. Sharing into $@n$ parts makes each part "
            "smaller.",
            "$@w$ es $\\frac{1}{@d} \\times @n$. Repartir en $@n$ partes hace cada parte más "
            "pequeña.");
        hint(g, q, "Share $\\frac{1}{@d}$ equally into $@n$ parts.",
             "Reparte $\\frac{1}{@d}$ en $@n$ partes iguales.");
        hint(g, q, "Dividing by $@n$ is multiplying by $\\frac{1}{@n}$.",
             "Dividir entre $@n$ es multiplicar por $\\frac{1}{@n}$.");
        hint(g, q,
             "$\\frac{1}{@d} \\div @n = \\frac{1}{@d} \\times \\frac{1}{@n} = \\frac{1}{@nd}$.",
             "$\\frac{1}{@d} \\div @n = \\frac{1}{@d} \\times \\frac{1}{@n} = \\frac{1}{@nd}$.");
        s = new_scaffold(g);
        prompt(g, s, "What is $@d \\times @n$?", "¿Cuánto es $@d \\times @n$?");
        ans_int(g, s, n * d);
        hint(g, s, "$@d \\times @n = @nd$.", "$@d \\times @n = @nd$.");
    }
    return 0;
}

/* ---- dividing fractions ---- */

static const struct gen_param div_params[] = {
    {"max_den", 3, 12, 9, "the largest denominator"},
};
static const char *const div_mis[] = {"frac-div-no-invert", "frac-div-invert-first", NULL};

static int frac_div(struct gen *g)
{
    int64_t a, b, c, d;
    struct gen_q *q, *s;

    do {
        proper(g, param(g, "max_den"), &a, &b);
        proper(g, param(g, "max_den"), &c, &d);
    } while (a * d == b * c || c == 1);
    int64_t sn = a * d, sd = b * c;
    reduce(&sn, &sd);
    var_i(g, "a", a);
    var_i(g, "b", b);
    var_i(g, "c", c);
    var_i(g, "d", d);
    var_i(g, "ad", a * d);
    var_i(g, "bc", b * c);
    if (sd == 1) {
        char t[24];
        fmt_int(t, sn);
        var_s(g, "res", t);
    } else {
        var_frac(g, "res", sn, sd);
    }
    q = new_step(g);
    prompt(g, q, "What is $\\frac{@a}{@b} \\div \\frac{@c}{@d}$? Write it in simplest form.",
           "¿Cuánto es $\\frac{@a}{@b} \\div \\frac{@c}{@d}$? Escríbelo en su mínima expresión.");
    ans_frac(g, q, a * d, b * c, true);
    wrong_frac(
        g, q, a * c, b * d, "frac-div-no-invert",
        "$@w$ multiplies by $\\frac{@c}{@d}$. To divide, multiply by its reciprocal, "
        "$\\frac{@d}{@c}$.",
        "$@w$ sale de multiplicar por $\\frac{@c}{@d}$. Para dividir, multiplica por su recíproco, "
        "$\\frac{@d}{@c}$.");
    wrong_frac(g, q, b * c, a * d, "frac-div-invert-first",
               "$@w$ comes from turning over the first fraction. Keep the first, turn over the "
               "second.",
               "$@w$ sale de invertir la primera fracción. Deja la primera e invierte la segunda.");
    hint(g, q, "Dividing by a fraction is multiplying by its reciprocal.",
         "Dividir entre una fracción es multiplicar por su recíproco.");
    hint(g, q, "The reciprocal of $\\frac{@c}{@d}$ is $\\frac{@d}{@c}$.",
         "El recíproco de $\\frac{@c}{@d}$ es $\\frac{@d}{@c}$.");
    if (sd != b * c)
        hint(g, q,
             "$\\frac{@a}{@b} \\div \\frac{@c}{@d} = \\frac{@a}{@b} \\times \\frac{@d}{@c} = "
             "\\frac{@ad}{@bc}$, which in simplest form is $@res$.",
             "$\\frac{@a}{@b} \\div \\frac{@c}{@d} = \\frac{@a}{@b} \\times \\frac{@d}{@c} = "
             "\\frac{@ad}{@bc}$, que en su mínima expresión es $@res$.");
    else
        hint(g, q,
             "$\\frac{@a}{@b} \\div \\frac{@c}{@d} = \\frac{@a}{@b} \\times \\frac{@d}{@c} = "
             "\\frac{@ad}{@bc}$, already in simplest form.",
             "$\\frac{@a}{@b} \\div \\frac{@c}{@d} = \\frac{@a}{@b} \\times \\frac{@d}{@c} = "
             "\\frac{@ad}{@bc}$, ya en su mínima expresión.");
    s = new_scaffold(g);
    prompt(g, s, "What is the reciprocal of $\\frac{@c}{@d}$?",
           "¿Cuál es el recíproco de $\\frac{@c}{@d}$?");
    ans_frac(g, s, d, c, false);
    wrong_frac(g, s, c, d, "frac-div-no-invert",
               "That is the same fraction; the reciprocal is turned over.",
               "Es la misma fracción; el recíproco está invertido.");
    hint(g, s, "Swap the numerator and the denominator: $\\frac{@d}{@c}$.",
         "Intercambia el numerador y el denominador: $\\frac{@d}{@c}$.");
    return 0;
}

#define P(arr) arr, ARRAY_SIZE(arr)

const struct gen_info gen_fraction_infos[] = {
    {"frac_of_shape", 3, "the fraction of a whole that is shaded or taken", P(shape_params),
     shape_mis, frac_of_shape},
    {"frac_equiv", 4, "equivalent fractions: the missing numerator", P(equiv_params), equiv_mis,
     frac_equiv},
    {"frac_compare", 4, "compare two fractions with different denominators", P(compare_params),
     compare_mis, frac_compare},
    {"frac_add_like", 4, "add or subtract fractions with like denominators", P(like_params),
     like_mis, frac_add_like},
    {"mixed_numbers", 4, "a mixed number as an improper fraction", P(mixed_params), mixed_mis,
     mixed_numbers},
    {"frac_times_whole", 4, "a whole number times a fraction", P(times_whole_params),
     times_whole_mis, frac_times_whole},
    {"frac_add_unlike", 5, "add or subtract fractions with unlike denominators", P(unlike_params),
     unlike_mis, frac_add_unlike},
    {"frac_mult", 5, "multiply two fractions", P(mult_params), mult_mis, frac_mult},
    {"frac_div_unit", 5, "divide a whole number by a unit fraction and the reverse",
     P(unit_div_params), unit_div_mis, frac_div_unit},
    {"frac_div", 6, "divide a fraction by a fraction", P(div_params), div_mis, frac_div},
};
const size_t gen_fraction_count = ARRAY_SIZE(gen_fraction_infos);

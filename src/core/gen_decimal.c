/*
 * Generators for decimals: fractions with denominators 10, 100 and 1000 as
 * decimals, the value of a digit after the point, comparing decimals,
 * adding and subtracting, multiplying and dividing decimals, and
 * scientific notation. Every decimal is an integer with a scale (345 with
 * scale 2 is 3.45), so no floating point is involved. See gen.h.
 */
#include "base/common.h"
#include "core/gen_impl.h"

static const char *const dplace_en[] = {"", "tenths", "hundredths", "thousandths"};
static const char *const dplace_es[] = {"", "décimos", "centésimos", "milésimos"};

/* ---- fractions with denominator 10, 100, 1000 as decimals ---- */

static const struct gen_param dfrac_params[] = {
    {"max_places", 1, 3, 2, "the most decimal places (10, 100, 1000 as denominator)"},
};
static const char *const dfrac_mis[] = {"decimal-place-shift", NULL};

static int decimal_fraction(struct gen *g)
{
    int k = (int)rnd(g, 1, param(g, "max_places"));
    int64_t den = ipow10(k), n;
    struct gen_q *q, *s;

    do
        n = rnd(g, 1, den - 1);
    while (n % 10 == 0);
    var_i(g, "n", n);
    var_i(g, "den", den);
    var_dec(g, "v", n, k);
    var_s(g, "pen", dplace_en[k]);
    var_s(g, "pes", dplace_es[k]);
    var_i(g, "k", k);
    q = new_step(g);
    prompt(g, q, "Write $\\frac{@n}{@den}$ as a decimal.",
           "Escribe $\\frac{@n}{@den}$ como número decimal.");
    ans_dec(g, q, n, k, 0);
    wrong_dec(g, q, n, k - 1, "decimal-place-shift",
              "$@w$ is ten times too large. $\\frac{@n}{@den}$ is $@n$ @pen: the last digit goes "
              "in the @pen place.",
              "$@w$ es diez veces más grande. $\\frac{@n}{@den}$ son $@n$ @pes: la última cifra va "
              "en el lugar de los @pes.");
    wrong_dec(
        g, q, n, k + 1, "decimal-place-shift",
        "$@w$ is ten times too small. $\\frac{@n}{@den}$ is $@n$ @pen: the last digit goes "
        "in the @pen place.",
        "$@w$ es diez veces más pequeño. $\\frac{@n}{@den}$ son $@n$ @pes: la última cifra va "
        "en el lugar de los @pes.");
    hint(g, q, "$\\frac{@n}{@den}$ is $@n$ @pen.", "$\\frac{@n}{@den}$ son $@n$ @pes.");
    hint(g, q, "The @pen place is place number $@k$ after the decimal point.",
         "Los @pes están en el lugar número $@k$ después del punto decimal.");
    hint(g, q, "$@n$ @pen is written $@v$.", "$@n$ @pes se escribe $@v$.");
    s = new_scaffold(g);
    prompt(g, s, "In which place after the decimal point does the last digit of the answer go?",
           "¿En qué lugar después del punto decimal va la última cifra de la respuesta?");
    choice(g, s, "tenths", "décimos");
    choice(g, s, "hundredths", "centésimos");
    choice(g, s, "thousandths", "milésimos");
    ans_choice(g, s, (unsigned)(k - 1));
    if (k > 1)
        wrong_choice(g, s, (unsigned)(k - 2), "decimal-place-shift",
                     "The denominator is $@den$: count its zeros.",
                     "El denominador es $@den$: cuenta sus ceros.");
    hint(g, s, "The denominator $@den$ has $@k$ zeros: the @pen place.",
         "El denominador $@den$ tiene $@k$ ceros: el lugar de los @pes.");
    return 0;
}

/* ---- the value of a digit after the point ---- */

static const struct gen_param dpv_params[] = {
    {"places", 2, 3, 3, "decimal places of the number"},
};
static const char *const dpv_mis[] = {"digit-not-value", "decimal-place-shift",
                                      "decimal-place-names", NULL};

static int decimal_place_value(struct gen *g)
{
    int places = (int)param(g, "places");
    int d[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    int64_t n = 0;
    int whole = (int)rnd(g, 1, 2), k;
    struct gen_q *q, *s;

    for (int i = 0; i < 9; i++) {
        int j = (int)rnd(g, i, 8), t = d[i];
        d[i] = d[j];
        d[j] = t;
    }
    for (int i = 0; i < whole + places; i++)
        n = n * 10 + d[i];
    k = (int)rnd(g, 1, places);
    int dig = digit_at(n, places - k);
    var_i(g, "ni", n);
    var_i(g, "places", places);
    var_dec(g, "n", n, places);
    var_i(g, "d", dig);
    var_dec(g, "v", dig, k);
    var_s(g, "pen", dplace_en[k]);
    var_s(g, "pes", dplace_es[k]);
    var_frac(g, "pf", 1, ipow10(k));
    q = new_step(g);
    prompt(g, q, "What is the value of the digit $@d$ in $@n$?",
           "¿Cuál es el valor del dígito $@d$ en $@n$?");
    ans_dec(g, q, dig, k, 0);
    wrong_int(g, q, dig, "digit-not-value", "$@w$ is the digit itself. In $@n$ it stands for @pen.",
              "$@w$ es el dígito. En $@n$ representa @pes.");
    wrong_dec(g, q, dig, k - 1, "decimal-place-shift",
              "$@w$ is the value one place to the left. Count the places after the point again.",
              "$@w$ es el valor un lugar a la izquierda. Cuenta otra vez los lugares después del "
              "punto.");
    wrong_dec(g, q, dig, k + 1, "decimal-place-shift",
              "$@w$ is the value one place to the right. Count the places after the point again.",
              "$@w$ es el valor un lugar a la derecha. Cuenta otra vez los lugares después del "
              "punto.");
    if (k >= 2)
        wrong_int(g, q, dig * ipow10(k), "decimal-place-names",
                  "$@w$ would be in the whole-number part. After the point, the places are "
                  "tenths, hundredths, thousandths.",
                  "$@w$ estaría en la parte entera. Después del punto, los lugares son décimos, "
                  "centésimos, milésimos.");
    hint(g, q, "After the decimal point the places are tenths, hundredths, thousandths.",
         "Después del punto decimal los lugares son décimos, centésimos, milésimos.");
    hint(g, q, "In $@n$ the digit $@d$ is in the @pen place, worth $@pf$ each.",
         "En $@n$ el dígito $@d$ está en el lugar de los @pes, que valen $@pf$ cada uno.");
    hint(g, q, "Its value is $@d$ @pen, that is $@v$.", "Su valor es $@d$ @pes, es decir, $@v$.");
    s = new_scaffold(g);
    prompt(g, s, "In $@n$, which place is the digit $@d$ in?",
           "En $@n$, ¿en qué lugar está el dígito $@d$?");
    choice(g, s, "tenths", "décimos");
    choice(g, s, "hundredths", "centésimos");
    choice(g, s, "thousandths", "milésimos");
    ans_choice(g, s, (unsigned)(k - 1));
    hint(g, s, "The digit $@d$ is in the @pen place.",
         "El dígito $@d$ está en el lugar de los @pes.");
    return 0;
}

/* ---- comparing decimals ---- */

static const char *const dcmp_mis[] = {"decimal-longer-is-larger", "decimal-shorter-is-larger",
                                       NULL};

static int decimal_compare(struct gen *g)
{
    int64_t w = rnd(g, 0, 9), a, b; /* a has one or two places, b one more */
    int pa = (int)rnd(g, 1, 2), pb = pa + 1;
    struct gen_q *q, *s;

    do {
        a = rnd(g, 1, ipow10(pa) - 1);
        b = rnd(g, 1, ipow10(pb) - 1);
    } while (a % 10 == 0 || b % 10 == 0 || a * 10 == b);
    /* a and b as numbers with pb places */
    int64_t av = w * ipow10(pb) + a * 10, bv = w * ipow10(pb) + b;
    bool swap = rnd(g, 0, 1);
    var_dec(g, "x", swap ? bv : av, pb);
    var_dec(g, "y", swap ? av : bv, pb);
    var_dec(g, "a", av, pb);
    var_dec(g, "b", bv, pb);
    var_i(g, "ai", av);
    var_i(g, "bi", bv);
    var_s(g, "pen", dplace_en[pb]);
    var_s(g, "pes", dplace_es[pb]);
    var_dec(g, "big", MAX(av, bv), pb);
    q = new_step(g);
    prompt(g, q, "Which number is greater: $@x$ or $@y$?", "¿Qué número es mayor: $@x$ o $@y$?");
    choice(g, q, "$@x$", "$@x$");
    choice(g, q, "$@y$", "$@y$");
    unsigned right = (av > bv) == !swap ? 0 : 1; /* index of the greater one */
    ans_choice(g, q, right);
    /* b has more digits: saying b is greater is "longer is larger" */
    unsigned b_idx = swap ? 0 : 1;
    if (b_idx != right)
        wrong_choice(g, q, b_idx, "decimal-longer-is-larger",
                     "More digits after the point does not make a number greater. Compare the "
                     "digits place by place, from the tenths.",
                     "Tener más cifras después del punto no hace mayor a un número. Compara las "
                     "cifras lugar por lugar, desde los décimos.");
    else
        wrong_choice(g, q, 1 - b_idx, "decimal-shorter-is-larger",
                     "Fewer digits does not make the parts bigger. Compare the digits place by "
                     "place, from the tenths.",
                     "Tener menos cifras no hace mayores las partes. Compara las cifras lugar por "
                     "lugar, desde los décimos.");
    hint(g, q, "Write both with the same number of decimal places: add zeros at the end.",
         "Escribe los dos con el mismo número de cifras decimales: agrega ceros al final.");
    hint(g, q, "$@a$ is $@ai$ @pen and $@b$ is $@bi$ @pen.",
         "$@a$ son $@ai$ @pes y $@b$ son $@bi$ @pes.");
    hint(g, q, "Compare $@ai$ and $@bi$: the greater number is $@big$.",
         "Compara $@ai$ y $@bi$: el número mayor es $@big$.");
    s = new_scaffold(g);
    prompt(g, s, "How many @pen is $@a$?", "¿Cuántos @pes son $@a$?");
    ans_int(g, s, av);
    hint(g, s, "Add a zero: $@a$ is $@ai$ @pen.", "Agrega un cero: $@a$ son $@ai$ @pes.");
    return 0;
}

/* ---- adding and subtracting decimals ---- */

static const struct gen_param dadd_params[] = {
    {"op", 0, 2, 2, "0 add, 1 subtract, 2 either"},
};
static const char *const dadd_mis[] = {"decimal-align-right", NULL};

static int decimal_add_sub(struct gen *g)
{
    int64_t op = param(g, "op"), a, b;
    int pa = (int)rnd(g, 1, 2), pb = pa == 1 ? 2 : 1, p = MAX(pa, pb);
    struct gen_q *q, *s;

    if (op == 2)
        op = rnd(g, 0, 1);
    do {
        a = rnd(g, ipow10(pa) + 1, 30 * ipow10(pa));
        b = rnd(g, ipow10(pb) + 1, 30 * ipow10(pb));
    } while (a % 10 == 0 || b % 10 == 0 || (op == 1 && a * ipow10(p - pa) <= b * ipow10(p - pb)) ||
             (op == 1 && a <= b));
    int64_t A = a * ipow10(p - pa), B = b * ipow10(p - pb), r = op ? A - B : A + B;
    int64_t right_al = op ? a - b : a + b; /* the digits lined up on the right */
    var_dec(g, "a", a, pa);
    var_dec(g, "b", b, pb);
    var_dec(g, "r", r, p);
    var_s(g, "op", op ? "-" : "+");
    var_i(g, "ai", A);
    var_i(g, "bi", B);
    var_i(g, "ri", r);
    var_i(g, "p", p);
    var_i(g, "sub", op);
    var_s(g, "pen", dplace_en[p]);
    var_s(g, "pes", dplace_es[p]);
    char pa_s[16], pb_s[16];
    fmt_dec(pa_s, A, p);
    fmt_dec(pb_s, B, p);
    /* with the trailing zero shown */
    if (pa < p) {
        size_t n = strlen(pa_s);
        pa_s[n] = '0';
        pa_s[n + 1] = '\0';
    }
    if (pb < p) {
        size_t n = strlen(pb_s);
        pb_s[n] = '0';
        pb_s[n + 1] = '\0';
    }
    var_s(g, "az", pa_s);
    var_s(g, "bz", pb_s);
    q = new_step(g);
    prompt(g, q, "What is $@a @op @b$?", "¿Cuánto es $@a @op @b$?");
    ans_dec(g, q, r, p, 0);
    if (right_al > 0)
        wrong_dec(g, q, right_al, p, "decimal-align-right",
                  "$@w$ comes from lining up the last digits. Line up the decimal points, so "
                  "tenths are under tenths.",
                  "$@w$ sale de alinear las últimas cifras. Alinea los puntos decimales, para que "
                  "los décimos queden bajo los décimos.");
    hint(g, q, "Line up the decimal points. Write $@a$ and $@b$ with the same number of places.",
         "Alinea los puntos decimales. Escribe $@a$ y $@b$ con el mismo número de cifras "
         "decimales.");
    hint(g, q, "$@a @op @b = @az @op @bz$: work as with whole numbers, then put the point back.",
         "$@a @op @b = @az @op @bz$: opera como con números enteros y después vuelve a poner el "
         "punto.");
    hint(g, q, "$@ai @op @bi = @ri$ @pen, so $@a @op @b = @r$.",
         "$@ai @op @bi = @ri$ @pes, así que $@a @op @b = @r$.");
    s = new_scaffold(g);
    prompt(g, s, "In @pen: what is $@ai @op @bi$?", "En @pes: ¿cuánto es $@ai @op @bi$?");
    ans_int(g, s, r);
    hint(g, s, "$@ai @op @bi = @ri$.", "$@ai @op @bi = @ri$.");
    return 0;
}

/* ---- multiplying decimals ---- */

static const char *const dmul_mis[] = {"decimal-mult-places", NULL};

static int decimal_mult(struct gen *g)
{
    int pa = (int)rnd(g, 1, 2), pb = (int)rnd(g, 0, 1);
    int64_t a, b;
    struct gen_q *q, *s;

    do {
        a = rnd(g, 2, pa == 1 ? 99 : 199);
        b = rnd(g, 2, pb == 0 ? 9 : 49);
    } while (a % 10 == 0 || b % 10 == 0);
    int p = pa + pb;
    var_dec(g, "a", a, pa);
    var_dec(g, "b", b, pb);
    var_i(g, "ai", a);
    var_i(g, "bi", b);
    var_i(g, "pi", a * b);
    var_i(g, "p", p);
    var_i(g, "pa", pa);
    var_i(g, "pb", pb);
    var_dec(g, "r", a * b, p);
    q = new_step(g);
    prompt(g, q, "What is $@a \\times @b$?", "¿Cuánto es $@a \\times @b$?");
    ans_dec(g, q, a * b, p, 0);
    wrong_dec(g, q, a * b, p - 1, "decimal-mult-places",
              "$@w$ has too few decimal places. The product has as many as both factors "
              "together: $@p$.",
              "$@w$ tiene muy pocas cifras decimales. El producto tiene tantas como los dos "
              "factores juntos: $@p$.");
    wrong_dec(g, q, a * b, p + 1, "decimal-mult-places",
              "$@w$ has too many decimal places. The product has as many as both factors "
              "together: $@p$.",
              "$@w$ tiene demasiadas cifras decimales. El producto tiene tantas como los dos "
              "factores juntos: $@p$.");
    hint(g, q, "Multiply as if there were no decimal points: $@ai \\times @bi$.",
         "Multiplica como si no hubiera puntos decimales: $@ai \\times @bi$.");
    hint(g, q, "Count the decimal places in both factors: $@p$ in all.",
         "Cuenta las cifras decimales de los dos factores: $@p$ en total.");
    var_s(g, "pen",
          p == 1   ? "one decimal place"
          : p == 2 ? "two decimal places"
                   : "three decimal places");
    var_s(g, "pes",
          p == 1   ? "una cifra decimal"
          : p == 2 ? "dos cifras decimales"
                   : "tres cifras decimales");
    hint(g, q, "$@ai \\times @bi = @pi$; with @pen that is $@r$.",
         "$@ai \\times @bi = @pi$; con @pes queda $@r$.");
    s = new_scaffold(g);
    prompt(g, s, "What is $@ai \\times @bi$?", "¿Cuánto es $@ai \\times @bi$?");
    ans_int(g, s, a * b);
    hint(g, s, "$@ai \\times @bi = @pi$.", "$@ai \\times @bi = @pi$.");
    s = new_scaffold(g);
    prompt(g, s, "How many decimal places do $@a$ and $@b$ have together?",
           "¿Cuántas cifras decimales tienen $@a$ y $@b$ juntos?");
    ans_int(g, s, p);
    hint(g, s, "Together they have $@p$.", "Juntos tienen $@p$.");
    return 0;
}

/* ---- dividing decimals ---- */

static const char *const ddiv_mis[] = {"decimal-div-shift", NULL};

static int decimal_div(struct gen *g)
{
    bool by_decimal = rnd(g, 0, 1);
    var_i(g, "form", by_decimal);
    int64_t qv, d;
    int qp;
    struct gen_q *q, *s;

    if (by_decimal) {
        /* (q * d / 10) ÷ (d / 10) = q, e.g. 4.8 ÷ 0.6 = 8 */
        d = rnd(g, 2, 9);
        qv = rnd(g, 2, 12);
        qp = 0;
        var_dec(g, "n", qv * d, 1);
        var_dec(g, "d", d, 1);
        var_i(g, "n10", qv * d);
        var_i(g, "d10", d);
        var_i(g, "q", qv);
        q = new_step(g);
        prompt(g, q, "What is $@n \\div @d$?", "¿Cuánto es $@n \\div @d$?");
        ans_int(g, q, qv);
        wrong_dec(g, q, qv, 1, "decimal-div-shift",
                  "$@w$ is ten times too small. Multiply both numbers by 10 first: $@n10 \\div "
                  "@d10$.",
                  "$@w$ es diez veces más pequeño. Primero multiplica los dos números por 10: "
                  "$@n10 \\div @d10$.");
        wrong_int(g, q, qv * 10, "decimal-div-shift",
                  "$@w$ is ten times too large. Multiply both numbers by 10: $@n10 \\div @d10$.",
                  "$@w$ es diez veces más grande. Multiplica los dos números por 10: $@n10 \\div "
                  "@d10$.");
        hint(g, q, "Make the divisor a whole number: multiply both numbers by 10.",
             "Haz que el divisor sea entero: multiplica los dos números por 10.");
        hint(g, q, "$@n \\div @d = @n10 \\div @d10 = @q$.",
             "$@n \\div @d = @n10 \\div @d10 = @q$.");
        s = new_scaffold(g);
        prompt(g, s, "By what do you multiply $@d$ to make it a whole number?",
               "¿Por cuánto multiplicas $@d$ para que sea un número entero?");
        ans_int(g, s, 10);
        hint(g, s, "$@d \\times 10 = @d10$.", "$@d \\times 10 = @d10$.");
    } else {
        /* a decimal divided by a whole number: (q / 10) * d ÷ d */
        d = rnd(g, 2, 9);
        do
            qv = rnd(g, 11, 99);
        while (qv % 10 == 0);
        qp = 1;
        var_dec(g, "n", qv * d, qp);
        var_i(g, "d", d);
        var_dec(g, "q", qv, qp);
        var_i(g, "ni", qv * d);
        var_i(g, "qi", qv);
        q = new_step(g);
        prompt(g, q, "What is $@n \\div @d$?", "¿Cuánto es $@n \\div @d$?");
        ans_dec(g, q, qv, qp, 0);
        wrong_int(g, q, qv, "decimal-div-shift",
                  "$@w$ has lost the decimal point. The point in the quotient goes right above "
                  "the point in $@n$.",
                  "A $@w$ le falta el punto decimal. El punto del cociente va justo encima del "
                  "punto de $@n$.");
        wrong_dec(g, q, qv, qp + 1, "decimal-div-shift",
                  "$@w$ is ten times too small: check where the point goes.",
                  "$@w$ es diez veces más pequeño: revisa dónde va el punto.");
        hint(g, q, "Divide as with whole numbers: $@ni \\div @d$.",
             "Divide como con números enteros: $@ni \\div @d$.");
        hint(g, q, "$@ni \\div @d = @qi$, and $@n$ has one decimal place, so $@n \\div @d = @q$.",
             "$@ni \\div @d = @qi$, y $@n$ tiene una cifra decimal, así que $@n \\div @d = @q$.");
        s = new_scaffold(g);
        prompt(g, s, "What is $@ni \\div @d$?", "¿Cuánto es $@ni \\div @d$?");
        ans_int(g, s, qv);
        hint(g, s, "$@d \\times @qi = @ni$.", "$@d \\times @qi = @ni$.");
    }
    return 0;
}

/* ---- scientific notation ---- */

static const struct gen_param sci_params[] = {
    {"negative", 0, 1, 1, "1: some exponents are negative"},
};
static const char *const sci_mis[] = {"sci-count-zeros", "sci-exponent-sign", NULL};

static int sci_notation(struct gen *g)
{
    int mp = (int)rnd(g, 1, 2); /* decimal places of the mantissa */
    int64_t m;
    int k;
    struct gen_q *q, *s;

    do
        m = rnd(g, ipow10(mp) + 1, 10 * ipow10(mp) - 1);
    while (m % 10 == 0);
    k = param(g, "negative") && rnd(g, 0, 2) == 0 ? -(int)rnd(g, 1, 4) : (int)rnd(g, 2, 6);
    var_dec(g, "m", m, mp);
    var_i(g, "mi", m);
    var_i(g, "mp", mp);
    var_i(g, "k", k);
    var_i(g, "ak", k < 0 ? -k : k);
    var_s(g, "den", k > 0 ? "right" : "left");
    var_s(g, "des", k > 0 ? "derecha" : "izquierda");
    /* m * 10^(k - mp) */
    int e = k - mp;
    char v[40];
    if (e >= 0)
        fmt_int(v, m * ipow10(e));
    else
        fmt_dec(v, m, -e);
    var_s(g, "v", v);
    q = new_step(g);
    prompt(g, q, "Write $@m \\times 10^{@k}$ as an ordinary number.",
           "Escribe $@m \\times 10^{@k}$ como número sin notación científica.");
    if (e >= 0)
        ans_int(g, q, m * ipow10(e));
    else
        ans_dec(g, q, m, -e, 0);
    if (k > 0)
        wrong_int(g, q, m * ipow10(k), "sci-count-zeros",
                  "$@w$ writes $@ak$ zeros after the digits. Move the decimal point $@ak$ places "
                  "to the right instead.",
                  "$@w$ escribe $@ak$ ceros después de las cifras. En su lugar, mueve el punto "
                  "decimal $@ak$ lugares a la derecha.");
    /* moved the other way */
    int e2 = -k - mp;
    if (e2 >= 0)
        wrong_int(g, q, m * ipow10(e2), "sci-exponent-sign",
                  "$@w$ moves the point the wrong way: a negative exponent makes the number "
                  "smaller.",
                  "$@w$ mueve el punto hacia el lado equivocado: un exponente negativo hace el "
                  "número más pequeño.");
    else
        wrong_dec(g, q, m, -e2, "sci-exponent-sign",
                  "$@w$ moves the point the wrong way: a positive exponent makes the number "
                  "larger.",
                  "$@w$ mueve el punto hacia el lado equivocado: un exponente positivo hace el "
                  "número más grande.");
    hint(g, q, "Multiplying by $10^{@k}$ moves the decimal point $@ak$ places to the @den.",
         "Multiplicar por $10^{@k}$ mueve el punto decimal $@ak$ lugares a la @des.");
    hint(g, q, "Fill empty places with zeros.", "Completa con ceros los lugares vacíos.");
    hint(g, q, "Moving the point of $@m$ $@ak$ places to the @den gives $@v$.",
         "Al mover el punto de $@m$ $@ak$ lugares a la @des queda $@v$.");
    s = new_scaffold(g);
    prompt(g, s, "Which way does the decimal point move?",
           "¿Hacia dónde se mueve el punto decimal?");
    choice(g, s, "to the right", "a la derecha");
    choice(g, s, "to the left", "a la izquierda");
    ans_choice(g, s, k > 0 ? 0 : 1);
    wrong_choice(g, s, k > 0 ? 1 : 0, "sci-exponent-sign",
                 "A positive exponent makes the number larger, a negative one smaller.",
                 "Un exponente positivo hace el número más grande; uno negativo, más pequeño.");
    hint(g, s, "The exponent is $@k$: to the @den.", "El exponente es $@k$: a la @des.");
    return 0;
}

#define P(arr) arr, ARRAY_SIZE(arr)

const struct gen_info gen_decimal_infos[] = {
    {"decimal_fraction", 4, "a fraction with denominator 10, 100 or 1000 as a decimal",
     P(dfrac_params), dfrac_mis, decimal_fraction},
    {"decimal_place_value", 5, "the value of a digit after the decimal point", P(dpv_params),
     dpv_mis, decimal_place_value},
    {"decimal_compare", 5, "which of two decimals is greater", NULL, 0, dcmp_mis, decimal_compare},
    {"decimal_add_sub", 5, "add and subtract decimals", P(dadd_params), dadd_mis, decimal_add_sub},
    {"decimal_mult", 5, "multiply decimals", NULL, 0, dmul_mis, decimal_mult},
    {"decimal_div", 5, "divide decimals", NULL, 0, ddiv_mis, decimal_div},
    {"sci_notation", 8, "scientific notation as an ordinary number", P(sci_params), sci_mis,
     sci_notation},
};
const size_t gen_decimal_count = ARRAY_SIZE(gen_decimal_infos);

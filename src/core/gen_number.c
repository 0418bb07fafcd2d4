/*
 * Generators for whole numbers and integers: place value, rounding,
 * addition and subtraction with regrouping, multiplication and division
 * facts, multi-digit multiplication, long division with remainders, prime
 * and composite numbers, order of operations, whole-number exponents,
 * greatest common factor and least common multiple, the mean, and the
 * four operations on integers and absolute value. See gen.h.
 */
#include "base/common.h"
#include "core/gen_impl.h"

static const char *const place_en[] = {
    "ones",      "tens",          "hundreds",
    "thousands", "ten thousands", "hundred thousands",
    "millions",  "ten millions",  "hundred millions",
};
static const char *const place_es[] = {
    "unidades",           "decenas",           "centenas",
    "unidades de millar", "decenas de millar", "centenas de millar",
    "unidades de millón", "decenas de millón", "centenas de millón",
};

/* A number with n digits, all non-zero and different (n <= 9). */
static int64_t distinct_digits(struct gen *g, int n)
{
    int d[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    int64_t v = 0;
    for (int i = 0; i < 9; i++) {
        int j = (int)rnd(g, i, 8), t = d[i];
        d[i] = d[j];
        d[j] = t;
    }
    for (int i = 0; i < n; i++)
        v = v * 10 + d[i];
    return v;
}

/* ---- place value ---- */

static const struct gen_param place_value_params[] = {
    {"digits", 3, 6, 4, "how many digits the number has"},
};
static const char *const place_value_mis[] = {"digit-not-value", "place-value-shift", NULL};

static int place_value(struct gen *g)
{
    int digits = (int)param(g, "digits");
    int64_t n = distinct_digits(g, digits);
    int place = (int)rnd(g, 1, digits - 1);
    int d = digit_at(n, place);
    int64_t pv = ipow10(place), v = d * pv;
    struct gen_q *q, *s;

    var_i(g, "n", n);
    var_i(g, "d", d);
    var_i(g, "pv", pv);
    var_i(g, "v", v);
    var_s(g, "pen", place_en[place]);
    var_s(g, "pes", place_es[place]);
    q = new_step(g);
    prompt(g, q, "What is the value of the digit $@d$ in $@n$?",
           "¿Cuál es el valor del dígito $@d$ en $@n$?");
    ans_int(g, q, v);
    wrong_int(g, q, d, "digit-not-value",
              "$@w$ is the digit itself. Its value depends on its place: how much is it worth "
              "there?",
              "$@w$ es el dígito. Su valor depende del lugar que ocupa: ¿cuánto vale ahí?");
    wrong_int(g, q, v / 10, "place-value-shift",
              "$@w$ would be the value one place to the right. Count the places again from the "
              "ones.",
              "$@w$ sería el valor un lugar más a la derecha. Cuenta otra vez los lugares desde "
              "las unidades.");
    wrong_int(g, q, v * 10, "place-value-shift",
              "$@w$ would be the value one place to the left. Count the places again from the "
              "ones.",
              "$@w$ sería el valor un lugar más a la izquierda. Cuenta otra vez los lugares desde "
              "las unidades.");
    hint(g, q,
         "Find the digit $@d$ in $@n$ and name its place, counting from the right: ones, tens, "
         "hundreds, thousands...",
         "Busca el dígito $@d$ en $@n$ y nombra su lugar, contando desde la derecha: unidades, "
         "decenas, centenas, unidades de millar...");
    hint(g, q, "A digit's value is the digit times the value of its place.",
         "El valor de un dígito es el dígito multiplicado por el valor de su lugar.");
    hint(g, q,
         "In $@n$ the digit $@d$ is in the @pen place, which is worth $@pv$. Its value is "
         "$@d \\times @pv = @v$.",
         "En $@n$ el dígito $@d$ está en el lugar de las @pes, que vale $@pv$. Su valor es "
         "$@d \\times @pv = @v$.");

    /* scaffold: which place? */
    s = new_scaffold(g);
    int first = place == 1 ? 0 : place - 1;
    prompt(g, s, "In $@n$, which place is the digit $@d$ in?",
           "En $@n$, ¿en qué lugar está el dígito $@d$?");
    for (int k = first; k < first + 4; k++)
        choice(g, s, place_en[k], place_es[k]);
    ans_choice(g, s, (unsigned)(place - first));
    if (place - first > 0)
        wrong_choice(g, s, (unsigned)(place - first - 1), "place-value-shift",
                     "That place is one to the right of the digit $@d$.",
                     "Ese lugar está uno a la derecha del dígito $@d$.");
    wrong_choice(g, s, (unsigned)(place - first + 1), "place-value-shift",
                 "That place is one to the left of the digit $@d$.",
                 "Ese lugar está uno a la izquierda del dígito $@d$.");
    hint(g, s, "Count from the right: the last digit is in the ones place.",
         "Cuenta desde la derecha: la última cifra está en el lugar de las unidades.");
    hint(g, s, "The digit $@d$ is in the @pen place.",
         "El dígito $@d$ está en el lugar de las @pes.");
    return 0;
}

/* ---- rounding ---- */

static const struct gen_param round_params[] = {
    {"digits", 3, 6, 4, "how many digits the number has"},
    {"max_place", 1, 4, 2, "the largest place to round to (1 tens, 2 hundreds, 3 thousands...)"},
};
static const char *const round_mis[] = {"round-down-always", "round-wrong-place", NULL};
static const char *const round_en[] = {"", "ten", "hundred", "thousand", "ten thousand"};
static const char *const round_place_en[] = {"", "tens", "hundreds", "thousands", "ten thousands"};
static const char *const round_es[] = {"", "decena", "centena", "unidad de millar",
                                       "decena de millar"};

static int64_t round_to(int64_t n, int place)
{
    int64_t p = ipow10(place);
    return (n + p / 2) / p * p;
}

static int round_whole(struct gen *g)
{
    int digits = (int)param(g, "digits");
    int maxp = (int)MIN(param(g, "max_place"), digits - 1);
    int place = (int)rnd(g, 1, maxp);
    int64_t n, p = ipow10(place), r;
    int next;
    struct gen_q *q, *s;

    do {
        n = rnd(g, ipow10(digits - 1), ipow10(digits) - 1);
    } while (n % p == 0 || digit_at(n, place - 1) == 0 || round_to(n, place) >= ipow10(digits));
    r = round_to(n, place);
    next = digit_at(n, place - 1);
    var_i(g, "n", n);
    var_i(g, "r", r);
    var_i(g, "nd", next);
    var_i(g, "pw", p);
    var_s(g, "pen", round_en[place]);
    var_s(g, "plen", round_place_en[place]);
    var_s(g, "pes", round_es[place]);
    var_s(g, "ren", next >= 5 ? "round up" : "keep the digit and write zeros after it");
    var_s(g, "res",
          next >= 5 ? "se redondea hacia arriba" : "se deja la cifra y se escriben ceros después");
    var_s(g, "cmpen", next >= 5 ? "5 or more" : "less than 5");
    var_s(g, "cmpes", next >= 5 ? "5 o más" : "menos de 5");
    q = new_step(g);
    prompt(g, q, "Round $@n$ to the nearest @pen.", "Redondea $@n$ a la @pes más cercana.");
    ans_int(g, q, r);
    wrong_int(g, q, n / p * p, "round-down-always",
              "$@w$ cuts off the digits. Look at the digit to the right of the @plen place: if it "
              "is 5 or more, round up.",
              "$@w$ solo quita las cifras. Mira la cifra a la derecha de la @pes: si es 5 o más, "
              "se redondea hacia arriba.");
    if (place > 1)
        wrong_int(g, q, round_to(n, place - 1), "round-wrong-place",
                  "$@w$ is rounded to a smaller place. Round to the nearest @pen.",
                  "$@w$ está redondeado a un lugar menor. Redondea a la @pes más cercana.");
    if (place + 1 < digits)
        wrong_int(g, q, round_to(n, place + 1), "round-wrong-place",
                  "$@w$ is rounded to a larger place. Round to the nearest @pen.",
                  "$@w$ está redondeado a un lugar mayor. Redondea a la @pes más cercana.");
    hint(g, q, "Find the @plen place in $@n$, then look at the digit just to its right.",
         "Busca el lugar de la @pes en $@n$ y mira la cifra que está justo a su derecha.");
    hint(g, q,
         "If that digit is 5 or more, round up; if it is less than 5, keep the digit. The digits "
         "after the @plen place become zeros.",
         "Si esa cifra es 5 o más, se redondea hacia arriba; si es menos de 5, la cifra se queda "
         "igual. Las cifras después de la @pes se vuelven ceros.");
    hint(g, q,
         "The digit to the right of the @plen place is $@nd$, which is @cmpen, so @ren: $@n$ "
         "rounds to $@r$.",
         "La cifra a la derecha de la @pes es $@nd$, que es @cmpes, así que @res: $@n$ se "
         "redondea a $@r$.");
    s = new_scaffold(g);
    prompt(g, s, "In $@n$, what digit is just to the right of the @plen place?",
           "En $@n$, ¿qué cifra está justo a la derecha del lugar de la @pes?");
    ans_int(g, s, next);
    hint(g, s, "It is the digit $@nd$.", "Es la cifra $@nd$.");
    return 0;
}

/* ---- addition with regrouping ---- */

static const struct gen_param add_params[] = {
    {"digits", 2, 5, 3, "how many digits each addend has"},
};
static const char *const add_mis[] = {"add-no-regroup", NULL};

static int add_regroup(struct gen *g)
{
    int digits = (int)param(g, "digits");
    int64_t a, b, sum, nocarry = 0;
    char en[GEN_VAR] = "", es[GEN_VAR] = "";
    struct gen_q *q, *s;
    int carries;

    do {
        a = rnd(g, ipow10(digits - 1), ipow10(digits) - 1);
        b = rnd(g, ipow10(digits - 1), ipow10(digits) - 1);
        carries = 0;
        for (int k = 0; k < digits; k++)
            carries += digit_at(a, k) + digit_at(b, k) >= 10 && k < digits - 1;
    } while (carries == 0);
    sum = a + b;
    /* no regrouping: each column's ones digit, the last column whole */
    for (int k = digits - 1; k >= 0; k--) {
        int c = digit_at(a, k) + digit_at(b, k);
        nocarry = k == digits - 1 ? c : nocarry * 10 + c % 10;
    }
    /* the worked example, column by column */
    int carry = 0;
    for (int k = 0; k < digits; k++) {
        int da = digit_at(a, k), db = digit_at(b, k), c = da + db + carry;
        if (k) {
            sb(g, en, sizeof(en), "; ");
            sb(g, es, sizeof(es), "; ");
        }
        sb(g, en, sizeof(en), place_en[k]);
        sb(g, es, sizeof(es), place_es[k]);
        sb(g, en, sizeof(en), ": $");
        sb(g, es, sizeof(es), ": $");
        if (carry) {
            sb(g, en, sizeof(en), "1 + ");
            sb(g, es, sizeof(es), "1 + ");
        }
        char t[64] = "";
        sbi(g, t, sizeof(t), da);
        sb(g, t, sizeof(t), " + ");
        sbi(g, t, sizeof(t), db);
        sb(g, t, sizeof(t), " = ");
        sbi(g, t, sizeof(t), c);
        sb(g, t, sizeof(t), "$");
        sb(g, en, sizeof(en), t);
        sb(g, es, sizeof(es), t);
        if (c >= 10 && k < digits - 1) {
            sb(g, en, sizeof(en), ", write ");
            sb(g, es, sizeof(es), ", escribe ");
            sbi(g, en, sizeof(en), c % 10);
            sbi(g, es, sizeof(es), c % 10);
            sb(g, en, sizeof(en), " and carry 1");
            sb(g, es, sizeof(es), " y lleva 1");
        }
        carry = c >= 10;
    }
    var_i(g, "a", a);
    var_i(g, "b", b);
    var_i(g, "s", sum);
    var_s(g, "colen", en);
    var_s(g, "coles", es);
    var_i(g, "ao", digit_at(a, 0));
    var_i(g, "bo", digit_at(b, 0));
    var_i(g, "so", digit_at(a, 0) + digit_at(b, 0));
    q = new_step(g);
    prompt(g, q, "What is $@a + @b$?", "¿Cuánto es $@a + @b$?");
    ans_int(g, q, sum);
    wrong_int(g, q, nocarry, "add-no-regroup",
              "$@w$ is what you get without carrying. When a column adds up to 10 or more, write "
              "its ones digit and carry the ten to the next column.",
              "$@w$ es lo que sale sin llevar. Cuando una columna suma 10 o más, escribe las "
              "unidades y lleva la decena a la columna siguiente.");
    hint(g, q, "Add column by column, starting with the ones.",
         "Suma columna por columna, empezando por las unidades.");
    hint(g, q,
         "When a column adds up to 10 or more, write the ones digit and carry 1 to the next "
         "column.",
         "Cuando una columna suma 10 o más, escribe las unidades y lleva 1 a la columna "
         "siguiente.");
    hint(g, q, "Column by column: @colen. So $@a + @b = @s$.",
         "Columna por columna: @coles. Entonces $@a + @b = @s$.");
    s = new_scaffold(g);
    prompt(g, s, "Start with the ones: what is $@ao + @bo$?",
           "Empieza por las unidades: ¿cuánto es $@ao + @bo$?");
    ans_int(g, s, digit_at(a, 0) + digit_at(b, 0));
    hint(g, s, "$@ao + @bo = @so$.", "$@ao + @bo = @so$.");
    return 0;
}

/* ---- subtraction with regrouping ---- */

static const struct gen_param sub_params[] = {
    {"digits", 2, 5, 3, "how many digits the first number has"},
};
static const char *const sub_mis[] = {"sub-smaller-from-larger", "sub-borrow-no-reduce", NULL};

static int sub_regroup(struct gen *g)
{
    int digits = (int)param(g, "digits");
    int64_t a, b, diff, small_large = 0, no_reduce = 0;
    char en[GEN_VAR] = "", es[GEN_VAR] = "";
    struct gen_q *q, *s;
    int borrows;

    do {
        a = rnd(g, ipow10(digits - 1), ipow10(digits) - 1);
        b = rnd(g, ipow10(digits - 2 > 0 ? digits - 2 : 0) + 1, a - 1);
        borrows = 0;
        for (int k = 0; k < digits; k++)
            borrows += digit_at(a, k) < digit_at(b, k);
    } while (borrows == 0 || b < 10);
    diff = a - b;
    for (int k = digits - 1; k >= 0; k--) {
        int da = digit_at(a, k), db = digit_at(b, k);
        small_large = small_large * 10 + (da > db ? da - db : db - da);
        no_reduce = no_reduce * 10 + (da >= db ? da - db : da + 10 - db);
    }
    int borrow = 0;
    for (int k = 0; k < digits; k++) {
        int da = digit_at(a, k) - borrow, db = digit_at(b, k);
        if (k == digits - 1 && da == 0 && db == 0)
            break; /* nothing left in the top column */
        if (k) {
            sb(g, en, sizeof(en), "; ");
            sb(g, es, sizeof(es), "; ");
        }
        sb(g, en, sizeof(en), place_en[k]);
        sb(g, es, sizeof(es), place_es[k]);
        sb(g, en, sizeof(en), ": ");
        sb(g, es, sizeof(es), ": ");
        if (da < db) {
            sb(g, en, sizeof(en), "regroup a ten, ");
            sb(g, es, sizeof(es), "pide prestada una decena, ");
        }
        char t[64] = "$";
        sbi(g, t, sizeof(t), da < db ? da + 10 : da);
        sb(g, t, sizeof(t), " - ");
        sbi(g, t, sizeof(t), db);
        sb(g, t, sizeof(t), " = ");
        sbi(g, t, sizeof(t), (da < db ? da + 10 : da) - db);
        sb(g, t, sizeof(t), "$");
        sb(g, en, sizeof(en), t);
        sb(g, es, sizeof(es), t);
        borrow = da < db;
    }
    var_i(g, "a", a);
    var_i(g, "b", b);
    var_i(g, "d", diff);
    var_s(g, "colen", en);
    var_s(g, "coles", es);
    q = new_step(g);
    prompt(g, q, "What is $@a - @b$?", "¿Cuánto es $@a - @b$?");
    ans_int(g, q, diff);
    wrong_int(g, q, small_large, "sub-smaller-from-larger",
              "$@w$ comes from taking the smaller digit from the larger one in each column. When "
              "the top digit is smaller, regroup a ten from the next column.",
              "$@w$ sale de restar la cifra menor de la mayor en cada columna. Cuando la cifra de "
              "arriba es menor, pide prestada una decena a la columna siguiente.");
    wrong_int(g, q, no_reduce, "sub-borrow-no-reduce",
              "$@w$: you regrouped, but the next column must then have one less.",
              "$@w$: pediste prestado, pero entonces la columna siguiente tiene uno menos.");
    hint(g, q, "Subtract column by column, starting with the ones.",
         "Resta columna por columna, empezando por las unidades.");
    hint(g, q,
         "If the top digit is smaller than the bottom one, regroup: take one ten from the next "
         "column, so that column has one less.",
         "Si la cifra de arriba es menor que la de abajo, pide prestado: toma una decena de la "
         "columna siguiente, que se queda con uno menos.");
    hint(g, q, "Column by column: @colen. So $@a - @b = @d$.",
         "Columna por columna: @coles. Entonces $@a - @b = @d$.");
    s = new_scaffold(g);
    int ao = digit_at(a, 0), bo = digit_at(b, 0);
    var_i(g, "ao", ao);
    var_i(g, "bo", bo);
    var_i(g, "ao10", ao < bo ? ao + 10 : ao);
    var_i(g, "so", (ao < bo ? ao + 10 : ao) - bo);
    prompt(g, s, "Start with the ones: what is $@ao10 - @bo$?",
           "Empieza por las unidades: ¿cuánto es $@ao10 - @bo$?");
    ans_int(g, s, (ao < bo ? ao + 10 : ao) - bo);
    hint(g, s, "$@ao10 - @bo = @so$.", "$@ao10 - @bo = @so$.");
    return 0;
}

/* ---- multiplication facts ---- */

static const struct gen_param facts_params[] = {
    {"max", 5, 12, 10, "the largest factor"},
};
static const char *const mult_facts_mis[] = {"mult-as-add", "mult-skip-count-slip", NULL};

static int mult_facts(struct gen *g)
{
    int64_t max = param(g, "max");
    int64_t a = rnd(g, 2, max), b = rnd(g, 3, max);
    struct gen_q *q, *s;

    var_i(g, "a", a);
    var_i(g, "b", b);
    var_i(g, "p", a * b);
    var_i(g, "b1", b - 1);
    var_i(g, "p1", a * (b - 1));
    q = new_step(g);
    prompt(g, q, "What is $@a \\times @b$?", "¿Cuánto es $@a \\times @b$?");
    ans_int(g, q, a * b);
    wrong_int(g, q, a + b, "mult-as-add",
              "$@w$ is $@a + @b$. Multiplying means $@b$ groups of $@a$.",
              "$@w$ es $@a + @b$. Multiplicar es tomar $@b$ grupos de $@a$.");
    wrong_int(g, q, a * (b - 1), "mult-skip-count-slip", "$@w$ is one group of $@a$ too few.",
              "$@w$ tiene un grupo de $@a$ de menos.");
    wrong_int(g, q, a * (b + 1), "mult-skip-count-slip", "$@w$ is one group of $@a$ too many.",
              "$@w$ tiene un grupo de $@a$ de más.");
    hint(g, q, "$@a \\times @b$ means $@b$ groups of $@a$.",
         "$@a \\times @b$ significa $@b$ grupos de $@a$.");
    hint(g, q, "Use a fact you know: $@a \\times @b1 = @p1$, then add one more $@a$.",
         "Usa una tabla que sepas: $@a \\times @b1 = @p1$, y suma un $@a$ más.");
    hint(g, q, "$@a \\times @b = @p1 + @a = @p$.", "$@a \\times @b = @p1 + @a = @p$.");
    s = new_scaffold(g);
    prompt(g, s, "What is $@a \\times @b1$?", "¿Cuánto es $@a \\times @b1$?");
    ans_int(g, s, a * (b - 1));
    hint(g, s, "$@a \\times @b1 = @p1$.", "$@a \\times @b1 = @p1$.");
    return 0;
}

/* ---- division facts ---- */

static const char *const div_facts_mis[] = {"div-as-subtract", "div-as-mult", NULL};

static int div_facts(struct gen *g)
{
    int64_t max = param(g, "max");
    int64_t d = rnd(g, 2, max), qt = rnd(g, 2, max), n = d * qt;
    struct gen_q *q, *s;

    var_i(g, "n", n);
    var_i(g, "d", d);
    var_i(g, "q", qt);
    var_i(g, "d5", d * 5);
    q = new_step(g);
    prompt(g, q, "What is $@n \\div @d$?", "¿Cuánto es $@n \\div @d$?");
    ans_int(g, q, qt);
    wrong_int(g, q, n - d, "div-as-subtract",
              "$@w$ is $@n - @d$. Dividing asks how many groups of $@d$ make $@n$.",
              "$@w$ es $@n - @d$. Dividir es preguntar cuántos grupos de $@d$ forman $@n$.");
    wrong_int(g, q, n * d, "div-as-mult",
              "$@w$ is $@n \\times @d$. Dividing asks how many groups of $@d$ make $@n$.",
              "$@w$ es $@n \\times @d$. Dividir es preguntar cuántos grupos de $@d$ forman $@n$.");
    hint(g, q, "Think of the multiplication: what number times $@d$ is $@n$?",
         "Piensa en la multiplicación: ¿qué número por $@d$ da $@n$?");
    hint(g, q, "Start from a fact you know: $@d \\times 5 = @d5$.",
         "Empieza con una tabla que sepas: $@d \\times 5 = @d5$.");
    hint(g, q, "$@d \\times @q = @n$, so $@n \\div @d = @q$.",
         "$@d \\times @q = @n$, así que $@n \\div @d = @q$.");
    s = new_scaffold(g);
    prompt(g, s, "What is $@d \\times 5$?", "¿Cuánto es $@d \\times 5$?");
    ans_int(g, s, d * 5);
    hint(g, s, "$@d \\times 5 = @d5$.", "$@d \\times 5 = @d5$.");
    return 0;
}

/* ---- multi-digit multiplication ---- */

static const struct gen_param mult_multi_params[] = {
    {"a_digits", 2, 4, 3, "digits of the first factor"},
    {"b_digits", 1, 2, 1, "digits of the second factor"},
};
static const char *const mult_multi_mis[] = {"mult-no-carry", "mult-partial-no-shift", NULL};

static int mult_multi(struct gen *g)
{
    int ad = (int)param(g, "a_digits"), bd = (int)param(g, "b_digits");
    int64_t a, b, p, nocarry = 0;
    struct gen_q *q, *s;

    do {
        a = rnd(g, ipow10(ad - 1) + 1, ipow10(ad) - 1);
        b = rnd(g, bd == 1 ? 3 : 12, ipow10(bd) - 1);
    } while (a % 10 == 0 || b % 10 == 0 || (bd == 1 && digit_at(a, 0) * b < 10));
    p = a * b;
    var_i(g, "a", a);
    var_i(g, "b", b);
    var_i(g, "p", p);
    q = new_step(g);
    prompt(g, q, "What is $@a \\times @b$?", "¿Cuánto es $@a \\times @b$?");
    ans_int(g, q, p);
    if (bd == 1) {
        /* each digit's product, ones digit only, the last one whole */
        for (int k = ad - 1; k >= 0; k--) {
            int64_t c = digit_at(a, k) * b;
            nocarry = k == ad - 1 ? c : nocarry * 10 + c % 10;
        }
        wrong_int(g, q, nocarry, "mult-no-carry",
                  "$@w$ is what you get without carrying. When a product is 10 or more, carry "
                  "its tens to the next place.",
                  "$@w$ es lo que sale sin llevar. Cuando un producto es 10 o más, lleva las "
                  "decenas al lugar siguiente.");
        int64_t hi = a / 10 * 10, lo = a % 10;
        var_i(g, "ah", hi);
        var_i(g, "al", lo);
        var_i(g, "ph", hi * b);
        var_i(g, "pl", lo * b);
        hint(g, q, "Split $@a$ into $@ah + @al$ and multiply each part by $@b$.",
             "Separa $@a$ en $@ah + @al$ y multiplica cada parte por $@b$.");
        hint(g, q, "Add the two products; remember to carry.",
             "Suma los dos productos; no olvides llevar.");
        hint(g, q,
             "$@ah \\times @b = @ph$ and $@al \\times @b = @pl$, so $@a \\times @b = @ph + @pl = "
             "@p$.",
             "$@ah \\times @b = @ph$ y $@al \\times @b = @pl$, así que $@a \\times @b = @ph + @pl "
             "= @p$.");
        s = new_scaffold(g);
        prompt(g, s, "What is $@ah \\times @b$?", "¿Cuánto es $@ah \\times @b$?");
        ans_int(g, s, hi * b);
        hint(g, s, "$@ah \\times @b = @ph$.", "$@ah \\times @b = @ph$.");
        s = new_scaffold(g);
        prompt(g, s, "What is $@al \\times @b$?", "¿Cuánto es $@al \\times @b$?");
        ans_int(g, s, lo * b);
        hint(g, s, "$@al \\times @b = @pl$.", "$@al \\times @b = @pl$.");
    } else {
        int64_t b1 = b % 10, b10 = b / 10 * 10;
        var_i(g, "b1", b1);
        var_i(g, "b10", b10);
        var_i(g, "p1", a * b1);
        var_i(g, "p10", a * b10);
        var_i(g, "bt", b / 10);
        var_i(g, "pt", a * (b / 10));
        wrong_int(g, q, a * b1 + a * (b / 10), "mult-partial-no-shift",
                  "$@w$ adds $@a \\times @bt$ where $@a \\times @b10$ belongs: the tens digit of "
                  "$@b$ is worth $@b10$, so that partial product moves one place left.",
                  "$@w$ suma $@a \\times @bt$ donde va $@a \\times @b10$: la cifra de las decenas "
                  "de $@b$ vale $@b10$, así que ese producto parcial se corre un lugar a la "
                  "izquierda.");
        hint(g, q, "Multiply $@a$ by the ones of $@b$, then by the tens: $@b = @b10 + @b1$.",
             "Multiplica $@a$ por las unidades de $@b$ y después por las decenas: "
             "$@b = @b10 + @b1$.");
        hint(g, q, "The second partial product is $@a \\times @b10$, so it ends in a zero.",
             "El segundo producto parcial es $@a \\times @b10$, así que termina en cero.");
        hint(g, q,
             "$@a \\times @b1 = @p1$ and $@a \\times @b10 = @p10$, so $@a \\times @b = @p1 + @p10 "
             "= @p$.",
             "$@a \\times @b1 = @p1$ y $@a \\times @b10 = @p10$, así que $@a \\times @b = @p1 + "
             "@p10 = @p$.");
        s = new_scaffold(g);
        prompt(g, s, "What is $@a \\times @b1$?", "¿Cuánto es $@a \\times @b1$?");
        ans_int(g, s, a * b1);
        hint(g, s, "$@a \\times @b1 = @p1$.", "$@a \\times @b1 = @p1$.");
        s = new_scaffold(g);
        prompt(g, s, "What is $@a \\times @b10$?", "¿Cuánto es $@a \\times @b10$?");
        ans_int(g, s, a * b10);
        wrong_int(g, s, a * (b / 10), "mult-partial-no-shift",
                  "$@w$ is $@a \\times @bt$; you need $@a \\times @b10$.",
                  "$@w$ es $@a \\times @bt$; hace falta $@a \\times @b10$.");
        hint(g, s, "$@a \\times @b10 = @a \\times @bt \\times 10 = @p10$.",
             "$@a \\times @b10 = @a \\times @bt \\times 10 = @p10$.");
    }
    return 0;
}

/* ---- long division with a remainder ---- */

static const struct gen_param div_rem_params[] = {
    {"digits", 3, 4, 3, "digits of the dividend"},
    {"divisor_digits", 1, 2, 1, "digits of the divisor"},
};
static const char *const div_rem_mis[] = {"div-missing-zero", "remainder-too-big", NULL};

static int div_remainder(struct gen *g)
{
    int nd = (int)param(g, "digits"), dd = (int)param(g, "divisor_digits");
    int64_t d, qt, r, n, lead = 0, nozero = -1;
    struct gen_q *q, *s;

    for (int tries = 0;; tries++) {
        d = dd == 1 ? rnd(g, 3, 9) : rnd(g, 12, 39);
        int64_t lo = (ipow10(nd - 1) + d - 1) / d, hi = (ipow10(nd) - 1) / d;
        qt = rnd(g, lo < 10 ? 10 : lo, hi);
        r = rnd(g, 1, d - 1);
        n = qt * d + r;
        /* about a third of the quotients get a zero inside (104, 2060) */
        if (tries < 40 && rnd(g, 0, 2) == 0 && digits_of(qt) >= 3) {
            int k = (int)rnd(g, 1, digits_of(qt) - 2);
            qt -= digit_at(qt, k) * ipow10(k);
            n = qt * d + r;
        }
        if (n >= ipow10(nd - 1) && n < ipow10(nd) && qt >= 10)
            break;
    }
    /* the quotient written without its inner zeros */
    if (digits_of(qt) >= 3) {
        int64_t v = 0;
        bool had = false;
        for (int k = digits_of(qt) - 1; k >= 0; k--) {
            int c = digit_at(qt, k);
            if (c == 0 && k > 0 && k < digits_of(qt) - 1) {
                had = true;
                continue;
            }
            v = v * 10 + c;
        }
        if (had)
            nozero = v;
    }
    /* the first part of the dividend the divisor goes into */
    for (int k = nd - 1; k >= 0; k--) {
        lead = n / ipow10(k);
        if (lead >= d)
            break;
    }
    var_i(g, "n", n);
    var_i(g, "d", d);
    var_i(g, "q", qt);
    var_i(g, "r", r);
    var_i(g, "qd", qt * d);
    var_i(g, "lead", lead);
    var_i(g, "lq", lead / d);
    q = new_step(g);
    prompt(g, q, "Divide $@n \\div @d$. What is the quotient (the whole-number part)?",
           "Divide $@n \\div @d$. ¿Cuál es el cociente (la parte entera)?");
    ans_int(g, q, qt);
    if (nozero > 0)
        wrong_int(g, q, nozero, "div-missing-zero",
                  "$@w$ is missing a zero. When the divisor does not go into a part, write 0 in "
                  "the quotient before bringing down the next digit.",
                  "A $@w$ le falta un cero. Cuando el divisor no cabe en una parte, escribe 0 en "
                  "el cociente antes de bajar la siguiente cifra.");
    wrong_int(g, q, qt - 1, "remainder-too-big",
              "With $@w$ the remainder would be $@d$ or more, so $@d$ still fits once more.",
              "Con $@w$ el residuo sería $@d$ o más, así que $@d$ todavía cabe una vez más.");
    hint(g, q, "Start with the first digits of $@n$: how many times does $@d$ fit into $@lead$?",
         "Empieza con las primeras cifras de $@n$: ¿cuántas veces cabe $@d$ en $@lead$?");
    hint(g, q,
         "Multiply, subtract, bring down the next digit, and repeat. If $@d$ does not fit, write "
         "0 in the quotient.",
         "Multiplica, resta, baja la cifra siguiente y repite. Si $@d$ no cabe, escribe 0 en el "
         "cociente.");
    hint(
        g, q,
        "$@d \\times @q = @qd$ and $@n - @qd = @r$, which is less than $@d$: the quotient is $@q$.",
        "$@d \\times @q = @qd$ y $@n - @qd = @r$, que es menor que $@d$: el cociente es $@q$.");
    s = new_scaffold(g);
    prompt(g, s, "How many whole times does $@d$ fit into $@lead$?",
           "¿Cuántas veces completas cabe $@d$ en $@lead$?");
    ans_int(g, s, lead / d);
    hint(g, s, "$@d \\times @lq$ is at most $@lead$, and one more would be too much: $@lq$.",
         "$@d \\times @lq$ no pasa de $@lead$, y una vez más sería demasiado: $@lq$.");

    q = new_step(g);
    prompt(g, q, "What is the remainder of $@n \\div @d$?",
           "¿Cuál es el residuo de $@n \\div @d$?");
    ans_int(g, q, r);
    wrong_int(g, q, r + d, "remainder-too-big",
              "$@w$ is not less than $@d$: the divisor fits once more.",
              "$@w$ no es menor que $@d$: el divisor cabe una vez más.");
    hint(g, q, "The remainder is what is left: $@n - @d \\times @q$.",
         "El residuo es lo que sobra: $@n - @d \\times @q$.");
    hint(g, q, "$@d \\times @q = @qd$, so the remainder is $@n - @qd = @r$.",
         "$@d \\times @q = @qd$, así que el residuo es $@n - @qd = @r$.");
    s = new_scaffold(g);
    prompt(g, s, "What is $@d \\times @q$?", "¿Cuánto es $@d \\times @q$?");
    ans_int(g, s, qt * d);
    hint(g, s, "$@d \\times @q = @qd$.", "$@d \\times @q = @qd$.");
    return 0;
}

/* ---- prime or composite ---- */

static const struct gen_param prime_params[] = {
    {"max", 20, 100, 60, "the largest number asked about"},
};
static const char *const prime_mis[] = {"odd-means-prime", "prime-means-odd", "prime-has-factors",
                                        NULL};

static int smallest_factor(int64_t n)
{
    for (int k = 2; (int64_t)k * k <= n; k++)
        if (n % k == 0)
            return k;
    return 0;
}

static int prime_composite(struct gen *g)
{
    int64_t max = param(g, "max"), n;
    int kind = (int)rnd(g, 0, 4), f;
    struct gen_q *q, *s;

    /* prime 2 in 5 times; otherwise composite, mostly odd ones (they look prime) */
    for (;;) {
        n = rnd(g, 2, max);
        f = smallest_factor(n);
        if (kind <= 1 && f == 0)
            break;
        if (kind >= 2 && f != 0 && (kind == 4 || n % 2 == 1))
            break;
    }
    var_i(g, "n", n);
    q = new_step(g);
    prompt(g, q, "Is $@n$ a prime number or a composite number?",
           "¿$@n$ es un número primo o un número compuesto?");
    choice(g, q, "prime", "primo");
    choice(g, q, "composite", "compuesto");
    ans_choice(g, q, f ? 1 : 0);
    hint(g, q, "A prime number has exactly two factors: 1 and itself.",
         "Un número primo tiene exactamente dos divisores: 1 y él mismo.");
    hint(g, q, "Try dividing $@n$ by $2, 3, 5, 7$: does any of them divide it exactly?",
         "Prueba a dividir $@n$ entre $2, 3, 5, 7$: ¿alguno lo divide exactamente?");
    if (f) {
        var_i(g, "f", f);
        var_i(g, "nf", n / f);
        if (n % 2)
            wrong_choice(
                g, q, 0, "odd-means-prime",
                "$@n$ is odd, but odd numbers can be composite: $@n = @f \\times @nf$.",
                "$@n$ es impar, pero un impar puede ser compuesto: $@n = @f \\times @nf$.");
        else
            wrong_choice(g, q, 0, "prime-has-factors",
                         "$@n$ has more factors than 1 and itself: $@n = @f \\times @nf$.",
                         "$@n$ tiene más divisores que 1 y él mismo: $@n = @f \\times @nf$.");
        hint(
            g, q,
            "$@n = @f \\times @nf$, so $@n$ has a factor other than 1 and itself: it is composite.",
            "$@n = @f \\times @nf$, así que $@n$ tiene un divisor distinto de 1 y de sí mismo: es "
            "compuesto.");
        s = new_scaffold(g);
        prompt(g, s, "What is $@n \\div @f$?", "¿Cuánto es $@n \\div @f$?");
        ans_int(g, s, n / f);
        hint(g, s, "$@f \\times @nf = @n$.", "$@f \\times @nf = @n$.");
    } else {
        if (n == 2)
            wrong_choice(g, q, 1, "prime-means-odd",
                         "$2$ is even, but its only factors are 1 and 2: it is prime.",
                         "$2$ es par, pero sus únicos divisores son 1 y 2: es primo.");
        else
            wrong_choice(g, q, 1, "prime-has-factors",
                         "No number other than 1 and $@n$ divides $@n$ exactly.",
                         "Ningún número aparte de 1 y $@n$ divide exactamente a $@n$.");
        hint(g, q, "No number other than 1 and $@n$ divides $@n$ exactly, so $@n$ is prime.",
             "Ningún número aparte de 1 y $@n$ divide exactamente a $@n$, así que $@n$ es primo.");
        s = new_scaffold(g);
        prompt(g, s, "How many factors does $@n$ have?", "¿Cuántos divisores tiene $@n$?");
        ans_int(g, s, 2);
        hint(g, s, "Only 1 and $@n$: two factors.", "Solo 1 y $@n$: dos divisores.");
    }
    return 0;
}

/* ---- order of operations ---- */

static const struct gen_param ops_params[] = {
    {"parentheses", 0, 1, 1, "1: some problems have parentheses"},
};
static const char *const ops_mis[] = {"ops-left-to-right", "ops-ignore-parentheses", NULL};

static int order_ops(struct gen *g)
{
    int form = (int)rnd(g, 0, param(g, "parentheses") ? 3 : 2);
    int64_t a, b, c, d = 0, right, ltr, first;
    struct gen_q *q, *s;

    do {
        a = rnd(g, 2, 12);
        b = rnd(g, 2, 9);
        c = rnd(g, 2, 9);
        d = rnd(g, 2, 9);
        switch (form) {
        case 0: /* a + b × c */
            right = a + b * c;
            ltr = (a + b) * c;
            first = b * c;
            break;
        case 1: /* a × b − c × d */
            right = a * b - c * d;
            ltr = (a * b - c) * d;
            first = a * b;
            break;
        case 2: /* a − b ÷ c, b a multiple of c */
            b = c * rnd(g, 2, 6);
            a = rnd(g, b / c + 2, b / c + 20);
            right = a - b / c;
            ltr = (a - b) % c == 0 ? (a - b) / c : INT64_MIN;
            first = b / c;
            break;
        default: /* (a + b) × c − d */
            right = (a + b) * c - d;
            ltr = a + b * c - d;
            first = a + b;
            break;
        }
    } while (right <= 0 || ltr == right || (form == 1 && ltr <= 0));
    var_i(g, "a", a);
    var_i(g, "b", b);
    var_i(g, "c", c);
    var_i(g, "d", d);
    var_i(g, "f", first);
    var_i(g, "r", right);
    var_i(g, "form", form);
    q = new_step(g);
    switch (form) {
    case 0:
        prompt(g, q, "What is $@a + @b \\times @c$?", "¿Cuánto es $@a + @b \\times @c$?");
        hint(g, q, "Multiply before you add: first $@b \\times @c = @f$.",
             "Multiplica antes de sumar: primero $@b \\times @c = @f$.");
        hint(g, q, "$@a + @b \\times @c = @a + @f = @r$.", "$@a + @b \\times @c = @a + @f = @r$.");
        break;
    case 1:
        var_i(g, "g2", c * d);
        prompt(g, q, "What is $@a \\times @b - @c \\times @d$?",
               "¿Cuánto es $@a \\times @b - @c \\times @d$?");
        hint(g, q, "Do both multiplications first, then subtract.",
             "Haz primero las dos multiplicaciones y después resta.");
        hint(g, q, "$@a \\times @b - @c \\times @d = @f - @g2 = @r$.",
             "$@a \\times @b - @c \\times @d = @f - @g2 = @r$.");
        break;
    case 2:
        prompt(g, q, "What is $@a - @b \\div @c$?", "¿Cuánto es $@a - @b \\div @c$?");
        hint(g, q, "Divide before you subtract: first $@b \\div @c = @f$.",
             "Divide antes de restar: primero $@b \\div @c = @f$.");
        hint(g, q, "$@a - @b \\div @c = @a - @f = @r$.", "$@a - @b \\div @c = @a - @f = @r$.");
        break;
    default:
        var_i(g, "g2", first * c);
        prompt(g, q, "What is $(@a + @b) \\times @c - @d$?",
               "¿Cuánto es $(@a + @b) \\times @c - @d$?");
        hint(g, q, "Parentheses first: $@a + @b = @f$.",
             "Primero lo que está entre paréntesis: $@a + @b = @f$.");
        hint(g, q, "$(@a + @b) \\times @c - @d = @f \\times @c - @d = @g2 - @d = @r$.",
             "$(@a + @b) \\times @c - @d = @f \\times @c - @d = @g2 - @d = @r$.");
        break;
    }
    ans_int(g, q, right);
    if (form == 3)
        wrong_int(g, q, ltr, "ops-ignore-parentheses",
                  "$@w$ ignores the parentheses: what is inside them comes first.",
                  "$@w$ no respeta el paréntesis: lo que está dentro va primero.");
    else if (ltr != INT64_MIN)
        wrong_int(g, q, ltr, "ops-left-to-right",
                  "$@w$ comes from working left to right. Multiplication and division come before "
                  "addition and subtraction.",
                  "$@w$ sale de calcular de izquierda a derecha. La multiplicación y la división "
                  "van antes que la suma y la resta.");
    s = new_scaffold(g);
    switch (form) {
    case 0:
        prompt(g, s, "What is $@b \\times @c$?", "¿Cuánto es $@b \\times @c$?");
        hint(g, s, "$@b \\times @c = @f$.", "$@b \\times @c = @f$.");
        break;
    case 1:
        prompt(g, s, "What is $@a \\times @b$?", "¿Cuánto es $@a \\times @b$?");
        hint(g, s, "$@a \\times @b = @f$.", "$@a \\times @b = @f$.");
        break;
    case 2:
        prompt(g, s, "What is $@b \\div @c$?", "¿Cuánto es $@b \\div @c$?");
        hint(g, s, "$@b \\div @c = @f$.", "$@b \\div @c = @f$.");
        break;
    default:
        prompt(g, s, "What is $@a + @b$?", "¿Cuánto es $@a + @b$?");
        hint(g, s, "$@a + @b = @f$.", "$@a + @b = @f$.");
        break;
    }
    ans_int(g, s, first);
    return 0;
}

/* ---- whole-number exponents ---- */

static const struct gen_param exp_params[] = {
    {"max_base", 2, 12, 12, "the largest base"},
    {"max_exp", 2, 5, 5, "the largest exponent"},
};
static const char *const exp_mis[] = {"exp-multiply-base", "exp-swap", NULL};

static int exponent_whole(struct gen *g)
{
    int64_t b, e, v;
    struct gen_q *q, *s;
    char prod[GEN_VAR] = "";

    do {
        b = rnd(g, 2, param(g, "max_base"));
        e = rnd(g, 2, param(g, "max_exp"));
        v = 1;
        for (int i = 0; i < e; i++)
            v *= b;
    } while (v > 100000 || (b == 2 && e == 2));
    for (int i = 0; i < e; i++) {
        if (i)
            sb(g, prod, sizeof(prod), " \\times ");
        sbi(g, prod, sizeof(prod), b);
    }
    var_i(g, "b", b);
    var_i(g, "e", e);
    var_i(g, "v", v);
    var_i(g, "bb", b * b);
    var_s(g, "prod", prod);
    q = new_step(g);
    prompt(g, q, "What is $@b^{@e}$?", "¿Cuánto es $@b^{@e}$?");
    ans_int(g, q, v);
    wrong_int(g, q, b * e, "exp-multiply-base",
              "$@w$ is $@b \\times @e$. The exponent says how many times $@b$ is a factor.",
              "$@w$ es $@b \\times @e$. El exponente dice cuántas veces $@b$ es factor.");
    int64_t sw = 1;
    for (int i = 0; i < b; i++)
        sw *= e;
    wrong_int(g, q, sw, "exp-swap", "$@w$ is $@e^{@b}$: the base and the exponent are swapped.",
              "$@w$ es $@e^{@b}$: la base y el exponente están intercambiados.");
    hint(g, q, "$@b^{@e}$ means $@b$ multiplied by itself, $@e$ factors in all.",
         "$@b^{@e}$ significa $@b$ multiplicado por sí mismo, $@e$ factores en total.");
    hint(g, q, "$@b^{@e} = @prod = @v$.", "$@b^{@e} = @prod = @v$.");
    s = new_scaffold(g);
    prompt(g, s, "What is $@b \\times @b$?", "¿Cuánto es $@b \\times @b$?");
    ans_int(g, s, b * b);
    hint(g, s, "$@b \\times @b = @bb$.", "$@b \\times @b = @bb$.");
    return 0;
}

/* ---- greatest common factor and least common multiple ---- */

static const struct gen_param gcf_params[] = {
    {"which", 0, 2, 2, "0 greatest common factor, 1 least common multiple, 2 either"},
    {"max", 12, 100, 60, "the largest number"},
};
static const char *const gcf_mis[] = {"gcf-lcm-confused", "lcm-product", "gcf-smaller-number",
                                      NULL};

static int gcf_lcm(struct gen *g)
{
    int64_t which = param(g, "which"), max = param(g, "max"), a, b, gg, m, n;
    struct gen_q *q, *s;

    if (which == 2)
        which = rnd(g, 0, 1);
    do {
        gg = rnd(g, 2, 12);
        m = rnd(g, 2, 9);
        n = rnd(g, 2, 9);
    } while (m == n || gcd64(m, n) != 1 || gg * m > max || gg * n > max);
    a = gg * m;
    b = gg * n;
    var_i(g, "a", a);
    var_i(g, "b", b);
    var_i(g, "g", gg);
    var_i(g, "m", m);
    var_i(g, "n", n);
    var_i(g, "l", gg * m * n);
    var_i(g, "which", which);
    q = new_step(g);
    if (which == 0) {
        prompt(g, q, "What is the greatest common factor of $@a$ and $@b$?",
               "¿Cuál es el máximo común divisor de $@a$ y $@b$?");
        ans_int(g, q, gg);
        wrong_int(g, q, gg * m * n, "gcf-lcm-confused",
                  "$@w$ is the least common multiple. The greatest common factor divides both "
                  "numbers.",
                  "$@w$ es el mínimo común múltiplo. El máximo común divisor divide a los dos "
                  "números.");
        wrong_int(g, q, MIN(a, b), "gcf-smaller-number", "$@w$ does not divide both numbers.",
                  "$@w$ no divide a los dos números.");
        hint(g, q, "List the factors of each number and find the largest one they share.",
             "Haz la lista de divisores de cada número y busca el mayor que tengan en común.");
        hint(g, q, "Both are multiples of $@g$: $@a = @g \\times @m$ and $@b = @g \\times @n$.",
             "Los dos son múltiplos de $@g$: $@a = @g \\times @m$ y $@b = @g \\times @n$.");
        hint(g, q,
             "$@m$ and $@n$ have no common factor but 1, so the greatest common factor is $@g$.",
             "$@m$ y $@n$ no tienen divisores comunes aparte de 1, así que el máximo común "
             "divisor es $@g$.");
        s = new_scaffold(g);
        prompt(g, s, "What is $@a \\div @g$?", "¿Cuánto es $@a \\div @g$?");
        ans_int(g, s, m);
        hint(g, s, "$@g \\times @m = @a$.", "$@g \\times @m = @a$.");
    } else {
        prompt(g, q, "What is the least common multiple of $@a$ and $@b$?",
               "¿Cuál es el mínimo común múltiplo de $@a$ y $@b$?");
        ans_int(g, q, gg * m * n);
        wrong_int(g, q, a * b, "lcm-product", "$@w$ is a common multiple, but not the least one.",
                  "$@w$ es un múltiplo común, pero no el mínimo.");
        wrong_int(g, q, gg, "gcf-lcm-confused",
                  "$@w$ is the greatest common factor. A multiple of both numbers is at least as "
                  "big as each.",
                  "$@w$ es el máximo común divisor. Un múltiplo de los dos es por lo menos tan "
                  "grande como cada uno.");
        hint(g, q, "List multiples of $@a$ until you reach one that is also a multiple of $@b$.",
             "Escribe múltiplos de $@a$ hasta llegar a uno que también sea múltiplo de $@b$.");
        hint(g, q, "$@a = @g \\times @m$ and $@b = @g \\times @n$ share the factor $@g$.",
             "$@a = @g \\times @m$ y $@b = @g \\times @n$ tienen en común el factor $@g$.");
        hint(g, q, "The least common multiple is $@g \\times @m \\times @n = @l$.",
             "El mínimo común múltiplo es $@g \\times @m \\times @n = @l$.");
        s = new_scaffold(g);
        prompt(g, s, "What is the greatest common factor of $@a$ and $@b$?",
               "¿Cuál es el máximo común divisor de $@a$ y $@b$?");
        ans_int(g, s, gg);
        hint(g, s, "$@a = @g \\times @m$ and $@b = @g \\times @n$: it is $@g$.",
             "$@a = @g \\times @m$ y $@b = @g \\times @n$: es $@g$.");
    }
    return 0;
}

/* ---- the mean ---- */

static const struct gen_param mean_params[] = {
    {"count", 3, 6, 4, "how many values"},
    {"max", 10, 100, 20, "the largest value"},
};
static const char *const mean_mis[] = {"mean-no-divide", "mean-wrong-count", NULL};

static int mean(struct gen *g)
{
    int k = (int)param(g, "count");
    int64_t max = param(g, "max"), v[6], sum;
    char list[GEN_VAR] = "", plus[GEN_VAR] = "";
    struct gen_q *q, *s;

    for (;;) {
        sum = 0;
        for (int i = 0; i < k - 1; i++)
            sum += v[i] = rnd(g, 1, max);
        /* the last value makes the sum a multiple of k */
        int64_t last = rnd(g, 1, max);
        last += (k - (sum + last) % k) % k;
        if (last > max)
            last -= k;
        if (last < 1)
            continue;
        v[k - 1] = last;
        sum += last;
        bool same = true;
        for (int i = 1; i < k; i++)
            same &= v[i] == v[0];
        if (!same)
            break;
    }
    for (int i = 0; i < k; i++) {
        if (i) {
            sb(g, list, sizeof(list), ", ");
            sb(g, plus, sizeof(plus), " + ");
        }
        sbi(g, list, sizeof(list), v[i]);
        sbi(g, plus, sizeof(plus), v[i]);
    }
    static const char *const vname[] = {"v0", "v1", "v2", "v3", "v4", "v5"};
    for (int i = 0; i < k; i++)
        var_i(g, vname[i], v[i]);
    var_s(g, "list", list);
    var_s(g, "plus", plus);
    var_i(g, "k", k);
    var_i(g, "s", sum);
    var_i(g, "m", sum / k);
    q = new_step(g);
    prompt(g, q, "What is the mean of $@list$?", "¿Cuál es la media de $@list$?");
    ans_int(g, q, sum / k);
    wrong_int(g, q, sum, "mean-no-divide",
              "$@w$ is the sum. The mean shares the sum equally: divide by how many values there "
              "are.",
              "$@w$ es la suma. La media reparte la suma en partes iguales: divide entre cuántos "
              "valores hay.");
    wrong_frac(g, q, sum, k - 1, "mean-wrong-count", "Count the values again: there are $@k$.",
               "Cuenta otra vez los valores: son $@k$.");
    wrong_frac(g, q, sum, k + 1, "mean-wrong-count", "Count the values again: there are $@k$.",
               "Cuenta otra vez los valores: son $@k$.");
    hint(g, q, "The mean is the sum of the values divided by how many values there are.",
         "La media es la suma de los valores dividida entre cuántos valores hay.");
    hint(g, q, "$@plus = @s$, and there are $@k$ values: $@s \\div @k = @m$.",
         "$@plus = @s$, y hay $@k$ valores: $@s \\div @k = @m$.");
    s = new_scaffold(g);
    prompt(g, s, "What is $@plus$?", "¿Cuánto es $@plus$?");
    ans_int(g, s, sum);
    hint(g, s, "$@plus = @s$.", "$@plus = @s$.");
    return 0;
}

/* ---- integers: addition ---- */

static const struct gen_param int_params[] = {
    {"max", 5, 50, 20, "the largest size of a number"},
};
static const char *const int_add_mis[] = {"int-add-sign-error", "int-add-magnitudes", NULL};

/* Two non-zero integers in [-max, max], at least one negative, of different sizes. */
static void two_ints(struct gen *g, int64_t *a, int64_t *b)
{
    int64_t max = param(g, "max");
    do {
        *a = rnd(g, -max, max);
        *b = rnd(g, -max, max);
    } while (*a == 0 || *b == 0 || (*a > 0 && *b > 0) || *a == *b || *a == -*b);
}

static int int_add(struct gen *g)
{
    int64_t a, b, sum;
    struct gen_q *q, *s;

    two_ints(g, &a, &b);
    sum = a + b;
    var_i(g, "a", a);
    var_i(g, "b", b);
    var_ip(g, "bp", b);
    var_i(g, "s", sum);
    var_i(g, "ma", a < 0 ? -a : a);
    var_i(g, "mb", b < 0 ? -b : b);
    q = new_step(g);
    prompt(g, q, "What is $@a + @bp$?", "¿Cuánto es $@a + @bp$?");
    ans_int(g, q, sum);
    wrong_int(g, q, -sum, "int-add-sign-error",
              "$@w$ has the wrong sign: the sum takes the sign of the number with the larger size.",
              "$@w$ tiene el signo equivocado: la suma lleva el signo del número de mayor tamaño.");
    if ((a < 0) != (b < 0)) {
        int64_t m = (a < 0 ? -a : a) + (b < 0 ? -b : b);
        int64_t big = (a < 0 ? -a : a) > (b < 0 ? -b : b) ? a : b;
        wrong_int(g, q, big < 0 ? -m : m, "int-add-magnitudes",
                  "$@w$ adds the sizes. With different signs, subtract the sizes instead.",
                  "$@w$ suma los tamaños. Con signos distintos, se restan los tamaños.");
        int64_t ma = a < 0 ? -a : a, mb = b < 0 ? -b : b;
        var_i(g, "big", MAX(ma, mb));
        var_i(g, "small", MIN(ma, mb));
        var_i(g, "diff", MAX(ma, mb) - MIN(ma, mb));
        var_s(g, "sen", big < 0 ? "negative" : "positive");
        var_s(g, "ses", big < 0 ? "negativo" : "positivo");
        hint(g, q, "The signs are different: subtract the smaller size from the larger.",
             "Los signos son distintos: resta el tamaño menor del mayor.");
        hint(g, q, "The sum has the sign of the number with the larger size.",
             "La suma lleva el signo del número de mayor tamaño.");
        hint(g, q, "$@big - @small = @diff$, and the larger size is @sen, so $@a + @bp = @s$.",
             "$@big - @small = @diff$, y el de mayor tamaño es @ses, así que $@a + @bp = @s$.");
        s = new_scaffold(g);
        prompt(g, s, "What is $@big - @small$?", "¿Cuánto es $@big - @small$?");
        ans_int(g, s, MAX(ma, mb) - MIN(ma, mb));
        hint(g, s, "$@big - @small = @diff$.", "$@big - @small = @diff$.");
    } else {
        var_i(g, "msum", -sum);
        hint(g, q, "Both numbers are negative: add their sizes and keep the negative sign.",
             "Los dos números son negativos: suma sus tamaños y deja el signo negativo.");
        hint(g, q, "$@ma + @mb = @msum$, so $@a + @bp = @s$.",
             "$@ma + @mb = @msum$, así que $@a + @bp = @s$.");
        s = new_scaffold(g);
        prompt(g, s, "What is $@ma + @mb$?", "¿Cuánto es $@ma + @mb$?");
        ans_int(g, s, -sum);
        hint(g, s, "$@ma + @mb = @msum$.", "$@ma + @mb = @msum$.");
    }
    return 0;
}

/* ---- integers: subtraction ---- */

static const char *const int_sub_mis[] = {"int-sub-double-negative", "int-sub-reversed", NULL};

static int int_sub(struct gen *g)
{
    int64_t max = param(g, "max"), a, b, d;
    struct gen_q *q, *s;

    do {
        a = rnd(g, -max, max);
        b = rnd(g, -max, -1); /* subtracting a negative number */
    } while (a == 0 || a == b || a == -b);
    d = a - b;
    var_i(g, "a", a);
    var_ip(g, "bp", b);
    var_i(g, "nb", -b);
    var_i(g, "d", d);
    q = new_step(g);
    prompt(g, q, "What is $@a - @bp$?", "¿Cuánto es $@a - @bp$?");
    ans_int(g, q, d);
    wrong_int(g, q, a + b, "int-sub-double-negative",
              "$@w$ treats it as $@a - @nb$. Subtracting a negative number is the same as adding "
              "its opposite.",
              "$@w$ lo toma como $@a - @nb$. Restar un número negativo es lo mismo que sumar su "
              "opuesto.");
    wrong_int(g, q, b - a, "int-sub-reversed",
              "$@w$ is $@bp - @a$: the order of a subtraction matters.",
              "$@w$ es $@bp - @a$: en una resta el orden importa.");
    hint(g, q, "Subtracting a number is adding its opposite: $@a - @bp = @a + @nb$.",
         "Restar un número es sumar su opuesto: $@a - @bp = @a + @nb$.");
    hint(g, q, "$@a - @bp = @a + @nb = @d$.", "$@a - @bp = @a + @nb = @d$.");
    s = new_scaffold(g);
    prompt(g, s,
           "Write it as an addition: $@a - @bp = @a + \\square$. What number goes in the box?",
           "Escríbelo como una suma: $@a - @bp = @a + \\square$. ¿Qué número va en el recuadro?");
    ans_int(g, s, -b);
    wrong_int(g, s, b, "int-sub-double-negative",
              "Adding $@w$ is the same as subtracting $@nb$; you need the opposite of $@bp$.",
              "Sumar $@w$ es lo mismo que restar $@nb$; hace falta el opuesto de $@bp$.");
    hint(g, s, "The opposite of $@bp$ is $@nb$.", "El opuesto de $@bp$ es $@nb$.");
    return 0;
}

/* ---- integers: multiplication and division ---- */

static const struct gen_param int_md_params[] = {
    {"max", 5, 12, 10, "the largest size of a factor"},
};
static const char *const int_md_mis[] = {"int-mult-sign", NULL};

static int int_mul_div(struct gen *g)
{
    int64_t max = param(g, "max"), a, b, r;
    bool divide = rnd(g, 0, 1);
    struct gen_q *q, *s;

    do {
        a = rnd(g, -max, max);
        b = rnd(g, -max, max);
    } while (a == 0 || b == 0 || a == 1 || a == -1 || b == 1 || b == -1 || (a > 0 && b > 0));
    r = a * b;
    var_i(g, "a", a);
    var_i(g, "b", b);
    var_i(g, "div", divide);
    var_ip(g, "ap", a);
    var_ip(g, "bp", b);
    var_i(g, "r", r);
    var_i(g, "m", r < 0 ? -r : r);
    var_i(g, "ma", a < 0 ? -a : a);
    var_i(g, "mb", b < 0 ? -b : b);
    var_s(g, "sen", r < 0 ? "negative" : "positive");
    var_s(g, "ses", r < 0 ? "negativo" : "positivo");
    var_s(g, "why_en", (a < 0) == (b < 0) ? "the signs are the same" : "the signs are different");
    var_s(g, "why_es", (a < 0) == (b < 0) ? "los signos son iguales" : "los signos son distintos");
    q = new_step(g);
    if (divide) {
        /* r ÷ b = a */
        var_i(g, "n", r);
        var_i(g, "q", a);
        var_ip(g, "np", r);
        prompt(g, q, "What is $@np \\div @bp$?", "¿Cuánto es $@np \\div @bp$?");
        ans_int(g, q, a);
        wrong_int(g, q, -a, "int-mult-sign",
                  "$@w$ has the wrong sign: same signs give a positive quotient, different signs "
                  "a negative one.",
                  "$@w$ tiene el signo equivocado: signos iguales dan un cociente positivo, "
                  "distintos uno negativo.");
        var_i(g, "mq", a < 0 ? -a : a);
        hint(g, q, "Divide the sizes first: $@m \\div @mb$.",
             "Divide primero los tamaños: $@m \\div @mb$.");
        hint(g, q, "Same signs give a positive quotient; different signs give a negative one.",
             "Signos iguales dan un cociente positivo; signos distintos, uno negativo.");
        var_s(g, "qsen", a < 0 ? "negative" : "positive");
        var_s(g, "qses", a < 0 ? "negativo" : "positivo");
        var_s(g, "qwhy_en",
              (r < 0) == (b < 0) ? "the signs are the same" : "the signs are different");
        var_s(g, "qwhy_es",
              (r < 0) == (b < 0) ? "los signos son iguales" : "los signos son distintos");
        hint(g, q,
             "$@m \\div @mb = @mq$, and @qwhy_en, so the quotient is @qsen: $@np \\div @bp = @q$.",
             "$@m \\div @mb = @mq$, y @qwhy_es, así que el cociente es @qses: $@np \\div @bp = "
             "@q$.");
        s = new_scaffold(g);
        prompt(g, s, "What is $@m \\div @mb$?", "¿Cuánto es $@m \\div @mb$?");
        ans_int(g, s, a < 0 ? -a : a);
        hint(g, s, "$@mb \\times @mq = @m$.", "$@mb \\times @mq = @m$.");
    } else {
        prompt(g, q, "What is $@ap \\times @bp$?", "¿Cuánto es $@ap \\times @bp$?");
        ans_int(g, q, r);
        wrong_int(g, q, -r, "int-mult-sign",
                  "$@w$ has the wrong sign: same signs give a positive product, different signs a "
                  "negative one.",
                  "$@w$ tiene el signo equivocado: signos iguales dan un producto positivo, "
                  "distintos uno negativo.");
        hint(g, q, "Multiply the sizes first: $@ma \\times @mb$.",
             "Multiplica primero los tamaños: $@ma \\times @mb$.");
        hint(g, q, "Same signs give a positive product; different signs give a negative one.",
             "Signos iguales dan un producto positivo; signos distintos, uno negativo.");
        hint(g, q, "$@ma \\times @mb = @m$, and @why_en, so the product is @sen: $@r$.",
             "$@ma \\times @mb = @m$, y @why_es, así que el producto es @ses: $@r$.");
        s = new_scaffold(g);
        prompt(g, s, "What is $@ma \\times @mb$?", "¿Cuánto es $@ma \\times @mb$?");
        ans_int(g, s, r < 0 ? -r : r);
        hint(g, s, "$@ma \\times @mb = @m$.", "$@ma \\times @mb = @m$.");
    }
    return 0;
}

/* ---- absolute value and order of integers ---- */

static const struct gen_param abs_params[] = {
    {"max", 5, 50, 20, "the largest size of a number"},
};
static const char *const abs_mis[] = {"abs-keeps-sign", "neg-compare-magnitude", NULL};

static int abs_value(struct gen *g)
{
    int64_t max = param(g, "max");
    struct gen_q *q, *s;

    if (rnd(g, 0, 1) == 0) {
        int64_t a = -rnd(g, 2, max);
        var_i(g, "a", a);
        var_i(g, "m", -a);
        q = new_step(g);
        prompt(g, q, "What is $|@a|$?", "¿Cuánto es $|@a|$?");
        ans_int(g, q, -a);
        wrong_int(g, q, a, "abs-keeps-sign",
                  "The absolute value is the distance from 0, and a distance is never negative.",
                  "El valor absoluto es la distancia al 0, y una distancia nunca es negativa.");
        hint(g, q, "The absolute value of a number is its distance from 0 on the number line.",
             "El valor absoluto de un número es su distancia al 0 en la recta numérica.");
        hint(g, q, "$@a$ is $@m$ units from 0, so $|@a| = @m$.",
             "$@a$ está a $@m$ unidades del 0, así que $|@a| = @m$.");
        s = new_scaffold(g);
        prompt(g, s, "How many units is $@a$ from 0 on the number line?",
               "¿A cuántas unidades del 0 está $@a$ en la recta numérica?");
        ans_int(g, s, -a);
        hint(g, s, "From $@a$ to 0 there are $@m$ units.", "De $@a$ a 0 hay $@m$ unidades.");
        return 0;
    }
    /* compare two negative numbers */
    int64_t a, b;
    do {
        a = -rnd(g, 1, max);
        b = -rnd(g, 1, max);
    } while (a == b);
    var_i(g, "a", a);
    var_i(g, "b", b);
    var_i(g, "ma", -a);
    var_i(g, "mb", -b);
    q = new_step(g);
    prompt(g, q, "Which sign makes this true: $@a \\; \\square \\; @b$?",
           "¿Qué signo hace que sea verdad: $@a \\; \\square \\; @b$?");
    choice(g, q, "$<$", "$<$");
    choice(g, q, "$>$", "$>$");
    choice(g, q, "$=$", "$=$");
    unsigned right = a < b ? 0 : 1;
    ans_choice(g, q, right);
    wrong_choice(g, q, 1 - right, "neg-compare-magnitude",
                 "Compare where they are on the number line: the number farther left is smaller.",
                 "Compara dónde están en la recta numérica: el que está más a la izquierda es "
                 "menor.");
    var_s(g, "sign", a < b ? "<" : ">");
    var_i(g, "left", MIN(a, b));
    hint(g, q, "On the number line, smaller numbers are farther left.",
         "En la recta numérica, los números menores están más a la izquierda.");
    hint(g, q,
         "$@left$ is farther from 0 on the left side, so it is the smaller one: $@a @sign @b$.",
         "$@left$ está más lejos del 0 por la izquierda, así que es el menor: $@a @sign @b$.");
    s = new_scaffold(g);
    prompt(g, s, "Which number is farther left on the number line?",
           "¿Qué número está más a la izquierda en la recta numérica?");
    choice(g, s, "$@a$", "$@a$");
    choice(g, s, "$@b$", "$@b$");
    ans_choice(g, s, a < b ? 0 : 1);
    hint(g, s, "The number farther from 0 on the negative side: $@left$.",
         "El número más alejado del 0 del lado negativo: $@left$.");
    return 0;
}

#define P(arr) arr, ARRAY_SIZE(arr)

const struct gen_info gen_number_infos[] = {
    {"place_value", 3, "the value of a digit in a whole number", P(place_value_params),
     place_value_mis, place_value},
    {"round_whole", 3, "round a whole number to a place", P(round_params), round_mis, round_whole},
    {"add_regroup", 3, "multi-digit addition with regrouping", P(add_params), add_mis, add_regroup},
    {"sub_regroup", 3, "multi-digit subtraction with regrouping", P(sub_params), sub_mis,
     sub_regroup},
    {"mult_facts", 3, "multiplication facts", P(facts_params), mult_facts_mis, mult_facts},
    {"div_facts", 3, "division facts", P(facts_params), div_facts_mis, div_facts},
    {"mult_multi", 4, "multi-digit multiplication", P(mult_multi_params), mult_multi_mis,
     mult_multi},
    {"div_remainder", 4, "long division with a remainder", P(div_rem_params), div_rem_mis,
     div_remainder},
    {"prime_composite", 4, "prime or composite", P(prime_params), prime_mis, prime_composite},
    {"order_ops", 5, "order of operations", P(ops_params), ops_mis, order_ops},
    {"exponent_whole", 6, "whole-number exponents", P(exp_params), exp_mis, exponent_whole},
    {"gcf_lcm", 6, "greatest common factor and least common multiple", P(gcf_params), gcf_mis,
     gcf_lcm},
    {"mean", 6, "the mean of a list of numbers", P(mean_params), mean_mis, mean},
    {"int_add", 7, "adding integers", P(int_params), int_add_mis, int_add},
    {"int_sub", 7, "subtracting integers", P(int_params), int_sub_mis, int_sub},
    {"int_mul_div", 7, "multiplying and dividing integers", P(int_md_params), int_md_mis,
     int_mul_div},
    {"abs_value", 6, "absolute value and ordering negative numbers", P(abs_params), abs_mis,
     abs_value},
};
const size_t gen_number_count = ARRAY_SIZE(gen_number_infos);

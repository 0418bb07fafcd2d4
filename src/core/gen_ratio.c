/*
 * Generators for ratios, rates, percents, proportions and simple
 * probability. Money is in dollars with a decimal point ("\$12.50"). See
 * gen.h.
 */
#include "base/common.h"
#include "core/gen_impl.h"

/* ---- equivalent ratios ---- */

static const struct gen_param ratio_params[] = {
    {"max_factor", 2, 12, 8, "the largest scale factor"},
};
static const char *const ratio_mis[] = {"ratio-additive", NULL};

static int ratio_equiv(struct gen *g)
{
    int64_t a, b, k = rnd(g, 2, param(g, "max_factor"));
    struct gen_q *q, *s;

    do {
        a = rnd(g, 2, 9);
        b = rnd(g, 2, 9);
    } while (a == b || gcd64(a, b) != 1);
    var_i(g, "a", a);
    var_i(g, "b", b);
    var_i(g, "k", k);
    var_i(g, "ak", a * k);
    var_i(g, "bk", b * k);
    q = new_step(g);
    prompt(g, q,
           "A recipe uses $@a$ cups of flour for every $@b$ cups of milk. How many cups of milk go "
           "with $@ak$ cups of flour?",
           "Una receta usa $@a$ tazas de harina por cada $@b$ tazas de leche. ¿Cuántas tazas de "
           "leche van con $@ak$ tazas de harina?");
    ans_int(g, q, b * k);
    wrong_int(g, q, b + a * k - a, "ratio-additive",
              "$@w$ adds the same amount to both. A ratio stays the same when both quantities are "
              "multiplied by the same number.",
              "$@w$ suma lo mismo a las dos cantidades. Una razón se mantiene cuando las dos se "
              "multiplican por el mismo número.");
    hint(g, q, "The ratio is $@a : @b$. What do you multiply $@a$ by to get $@ak$?",
         "La razón es $@a : @b$. ¿Por cuánto multiplicas $@a$ para obtener $@ak$?");
    hint(g, q, "Multiply the milk by the same number.", "Multiplica la leche por el mismo número.");
    hint(g, q,
         "$@a \\times @k = @ak$, so $@b \\times @k = @bk$ cups of milk: $@a : @b = @ak : @bk$.",
         "$@a \\times @k = @ak$, así que $@b \\times @k = @bk$ tazas de leche: "
         "$@a : @b = @ak : @bk$.");
    s = new_scaffold(g);
    prompt(g, s, "What do you multiply $@a$ by to get $@ak$?",
           "¿Por cuánto multiplicas $@a$ para obtener $@ak$?");
    ans_int(g, s, k);
    hint(g, s, "$@a \\times @k = @ak$.", "$@a \\times @k = @ak$.");
    return 0;
}

/* ---- unit rates ---- */

static const char *const rate_mis[] = {"rate-inverted", "rate-multiplied", NULL};

static int unit_rate(struct gen *g)
{
    int64_t n = rnd(g, 2, 8);
    struct gen_q *q, *s;

    q = new_step(g);
    if (rnd(g, 0, 1)) {
        /* price per item, in cents */
        int64_t u = rnd(g, 2, 40) * 25; /* 0.50 to 10.00 dollars */
        int64_t t = u * n;
        var_i(g, "n", n);
        var_i(g, "tc", t);
        var_money(g, "t", t);
        var_money(g, "u", u);
        prompt(g, q, "$@n$ notebooks cost \\$@t in all. How many dollars does one notebook cost?",
               "$@n$ cuadernos cuestan \\$@t en total. ¿Cuántos dólares cuesta un cuaderno?");
        ans_dec(g, q, u, 2, 0);
        wrong_frac(g, q, n * 100, t, "rate-inverted",
                   "$@w$ is notebooks per dollar. For the price of one notebook, divide the "
                   "dollars by the notebooks.",
                   "$@w$ son cuadernos por dólar. Para el precio de un cuaderno, divide los "
                   "dólares entre los cuadernos.");
        wrong_dec(g, q, t * n, 2, "rate-multiplied",
                  "$@w$ multiplies. One notebook costs less than all $@n$: divide.",
                  "$@w$ multiplica. Un cuaderno cuesta menos que los $@n$: divide.");
        hint(g, q, "The cost of one is the total cost divided by the number of notebooks.",
             "El costo de uno es el costo total dividido entre el número de cuadernos.");
        hint(g, q, "$@t \\div @n = @u$: one notebook costs \\$@u.",
             "$@t \\div @n = @u$: un cuaderno cuesta \\$@u.");
        s = new_scaffold(g);
        prompt(g, s,
               "Which do you divide: the dollars by the notebooks, or the notebooks by the "
               "dollars?",
               "¿Qué divides: los dólares entre los cuadernos, o los cuadernos entre los dólares?");
        choice(g, s, "the dollars by the notebooks", "los dólares entre los cuadernos");
        choice(g, s, "the notebooks by the dollars", "los cuadernos entre los dólares");
        ans_choice(g, s, 0);
        wrong_choice(g, s, 1, "rate-inverted", "That gives notebooks per dollar.",
                     "Eso da cuadernos por dólar.");
        hint(g, s, "Dollars per notebook: the dollars by the notebooks.",
             "Dólares por cuaderno: los dólares entre los cuadernos.");
    } else {
        int64_t v = rnd(g, 4, 24) * 5; /* km per hour */
        var_i(g, "n", n);
        var_i(g, "d", v * n);
        var_i(g, "v", v);
        prompt(g, q,
               "A bus travels $@d$ kilometres in $@n$ hours at a steady speed. How many kilometres "
               "does it travel in one hour?",
               "Un autobús recorre $@d$ kilómetros en $@n$ horas a velocidad constante. ¿Cuántos "
               "kilómetros recorre en una hora?");
        ans_int(g, q, v);
        wrong_frac(g, q, n, v * n, "rate-inverted",
                   "$@w$ is hours per kilometre. For kilometres per hour, divide the kilometres by "
                   "the hours.",
                   "$@w$ son horas por kilómetro. Para kilómetros por hora, divide los kilómetros "
                   "entre las horas.");
        wrong_int(g, q, v * n * n, "rate-multiplied",
                  "$@w$ multiplies. In one hour the bus goes less far than in $@n$: divide.",
                  "$@w$ multiplica. En una hora el autobús recorre menos que en $@n$: divide.");
        hint(g, q, "Kilometres per hour: divide the kilometres by the hours.",
             "Kilómetros por hora: divide los kilómetros entre las horas.");
        hint(g, q, "$@d \\div @n = @v$ kilometres per hour.",
             "$@d \\div @n = @v$ kilómetros por hora.");
        s = new_scaffold(g);
        prompt(g, s, "What is $@d \\div @n$?", "¿Cuánto es $@d \\div @n$?");
        ans_int(g, s, v);
        hint(g, s, "$@n \\times @v = @d$.", "$@n \\times @v = @d$.");
    }
    return 0;
}

/* ---- percent of a number ---- */

static const char *const pct_mis[] = {"percent-no-divide-100", "percent-decimal-shift", NULL};

static int percent_of(struct gen *g)
{
    int64_t p, n;
    struct gen_q *q, *s;

    do {
        p = rnd(g, 1, 19) * 5;
        n = rnd(g, 2, 40) * 10;
    } while ((p * n) % 10 != 0 || p == 10 || p == 100);
    /* p% of n = p*n/100, at most one decimal place */
    var_i(g, "p", p);
    var_i(g, "n", n);
    var_dec(g, "r", p * n / 10, 1);
    var_dec(g, "pd", p, 2);
    q = new_step(g);
    prompt(g, q, "What is $@p\\%$ of $@n$?", "¿Cuánto es el $@p\\%$ de $@n$?");
    ans_dec(g, q, p * n / 10, 1, 0);
    wrong_int(g, q, p * n, "percent-no-divide-100",
              "$@w$ is $@p \\times @n$. $@p\\%$ means $@p$ out of every 100, so divide by 100.",
              "$@w$ es $@p \\times @n$. $@p\\%$ significa $@p$ de cada 100, así que divide entre "
              "100.");
    wrong_dec(g, q, p * n / 10, 2, "percent-decimal-shift",
              "$@w$ is ten times too small: $@p\\%$ is $@pd$.",
              "$@w$ es diez veces más pequeño: $@p\\%$ es $@pd$.");
    wrong_int(g, q, p * n / 10, "percent-decimal-shift",
              "$@w$ is ten times too large: $@p\\%$ is $@pd$.",
              "$@w$ es diez veces más grande: $@p\\%$ es $@pd$.");
    hint(g, q, "$@p\\%$ means $@p$ out of every 100: $@p\\% = @pd$.",
         "$@p\\%$ significa $@p$ de cada 100: $@p\\% = @pd$.");
    hint(g, q, "$@p\\%$ of $@n$ is $@pd \\times @n = @r$.",
         "El $@p\\%$ de $@n$ es $@pd \\times @n = @r$.");
    s = new_scaffold(g);
    prompt(g, s, "Write $@p\\%$ as a decimal.", "Escribe $@p\\%$ como número decimal.");
    ans_dec(g, s, p, 2, 0);
    wrong_dec(g, s, p, 1, "percent-decimal-shift", "Divide $@p$ by 100: two places to the left.",
              "Divide $@p$ entre 100: dos lugares a la izquierda.");
    hint(g, s, "$@p \\div 100 = @pd$.", "$@p \\div 100 = @pd$.");
    return 0;
}

/* ---- percent change: discounts and increases ---- */

static const char *const pchg_mis[] = {"percent-change-amount-only",
                                       "percent-change-wrong-direction", NULL};

static int percent_change(struct gen *g)
{
    int64_t p = rnd(g, 1, 9) * 5 + (rnd(g, 0, 1) ? 0 : 5), price = rnd(g, 4, 40) * 5;
    bool up = rnd(g, 0, 2) == 0;
    struct gen_q *q, *s;

    if (p >= 50)
        p -= 20;
    /* change in cents: price * p (dollars * percent = cents) */
    int64_t change = price * p, total = up ? price * 100 + change : price * 100 - change;
    var_i(g, "p", p);
    var_i(g, "price", price);
    var_i(g, "up", up);
    var_money(g, "ch", change);
    var_money(g, "tot", total);
    var_dec(g, "pd", p, 2);
    q = new_step(g);
    if (up)
        prompt(g, q,
               "A bike costs \\$@price. Its price goes up by $@p\\%$. What is the new price, in "
               "dollars?",
               "Una bicicleta cuesta \\$@price. Su precio sube un $@p\\%$. ¿Cuál es el precio "
               "nuevo, en dólares?");
    else
        prompt(g, q,
               "A jacket costs \\$@price. It is on sale for $@p\\%$ off. What is the sale price, "
               "in dollars?",
               "Una chaqueta cuesta \\$@price. Tiene un descuento del $@p\\%$. ¿Cuál es el precio "
               "con descuento, en dólares?");
    ans_dec(g, q, total, 2, 0);
    wrong_dec(g, q, change, 2, "percent-change-amount-only",
              "$@w$ is the change itself. Apply it to the price: \\$@price and \\$@ch.",
              "$@w$ es solo el cambio. Aplícalo al precio: \\$@price y \\$@ch.");
    wrong_dec(g, q, up ? price * 100 - change : price * 100 + change, 2,
              "percent-change-wrong-direction",
              up ? "$@w$ takes the change away, but the price goes up."
                 : "$@w$ adds the discount, but a discount lowers the price.",
              up ? "$@w$ resta el cambio, pero el precio sube."
                 : "$@w$ suma el descuento, pero un descuento baja el precio.");
    hint(g, q, "First find $@p\\%$ of \\$@price.", "Primero calcula el $@p\\%$ de \\$@price.");
    if (up)
        hint(g, q,
             "$@p\\%$ of $@price$ is $@pd \\times @price = @ch$. The new price is $@price + @ch = "
             "@tot$.",
             "El $@p\\%$ de $@price$ es $@pd \\times @price = @ch$. El precio nuevo es "
             "$@price + @ch = @tot$.");
    else
        hint(g, q,
             "$@p\\%$ of $@price$ is $@pd \\times @price = @ch$. The sale price is "
             "$@price - @ch = @tot$.",
             "El $@p\\%$ de $@price$ es $@pd \\times @price = @ch$. El precio con descuento es "
             "$@price - @ch = @tot$.");
    s = new_scaffold(g);
    prompt(g, s, "What is $@p\\%$ of $@price$?", "¿Cuánto es el $@p\\%$ de $@price$?");
    ans_dec(g, s, change, 2, 0);
    hint(g, s, "$@pd \\times @price = @ch$.", "$@pd \\times @price = @ch$.");
    return 0;
}

/* ---- proportions ---- */

static const char *const prop_mis[] = {"ratio-additive", "proportion-cross-wrong", NULL};

static int proportion_solve(struct gen *g)
{
    int64_t b, c, d, x;
    struct gen_q *q, *s;

    do {
        d = rnd(g, 2, 12);
        c = rnd(g, 1, 15);
        b = rnd(g, 2, 15) * d / gcd64(c, d);
        x = b * c / d;
    } while (b == d || c == d || (b * c) % d != 0 || x == c || b > 60);
    var_i(g, "b", b);
    var_i(g, "c", c);
    var_i(g, "d", d);
    var_i(g, "x", x);
    var_i(g, "bc", b * c);
    q = new_step(g);
    prompt(g, q, "Solve for $x$: $\\frac{x}{@b} = \\frac{@c}{@d}$.",
           "Despeja $x$: $\\frac{x}{@b} = \\frac{@c}{@d}$.");
    ans_int(g, q, x);
    wrong_int(g, q, c + b - d, "ratio-additive",
              "$@w$ adds the same amount to the top and the bottom. Equal ratios come from "
              "multiplying, not adding.",
              "$@w$ suma lo mismo arriba y abajo. Las razones iguales salen de multiplicar, no de "
              "sumar.");
    wrong_frac(g, q, b * d, c, "proportion-cross-wrong",
               "$@w$ multiplies the wrong pair. Cross-multiply: $x \\times @d = @b \\times @c$.",
               "$@w$ multiplica el par equivocado. Multiplica en cruz: "
               "$x \\times @d = @b \\times @c$.");
    hint(g, q, "Cross-multiply: $x \\times @d = @b \\times @c$.",
         "Multiplica en cruz: $x \\times @d = @b \\times @c$.");
    hint(g, q, "$@d x = @bc$, so $x = @bc \\div @d = @x$.",
         "$@d x = @bc$, así que $x = @bc \\div @d = @x$.");
    s = new_scaffold(g);
    prompt(g, s, "What is $@b \\times @c$?", "¿Cuánto es $@b \\times @c$?");
    ans_int(g, s, b * c);
    hint(g, s, "$@b \\times @c = @bc$.", "$@b \\times @c = @bc$.");
    return 0;
}

/* ---- simple probability ---- */

static const char *const prob_mis[] = {"prob-odds", "frac-inverted", NULL};

static int probability_simple(struct gen *g)
{
    int64_t r = rnd(g, 1, 9), b = rnd(g, 1, 9), gr = rnd(g, 0, 6);
    struct gen_q *q, *s;

    if (r == b + gr)
        b++;
    int64_t t = r + b + gr;
    var_i(g, "r", r);
    var_i(g, "b", b);
    var_i(g, "g", gr);
    var_i(g, "t", t);
    var_i(g, "o", b + gr);
    q = new_step(g);
    if (gr)
        prompt(g, q,
               "A bag holds $@r$ red, $@b$ blue and $@g$ green marbles. You take one without "
               "looking. What is the probability that it is red?",
               "Una bolsa tiene $@r$ canicas rojas, $@b$ azules y $@g$ verdes. Sacas una sin "
               "mirar. ¿Cuál es la probabilidad de que sea roja?");
    else
        prompt(g, q,
               "A bag holds $@r$ red and $@b$ blue marbles. You take one without looking. What is "
               "the probability that it is red?",
               "Una bolsa tiene $@r$ canicas rojas y $@b$ azules. Sacas una sin mirar. ¿Cuál es "
               "la probabilidad de que sea roja?");
    ans_frac(g, q, r, t, false);
    wrong_frac(g, q, r, b + gr, "prob-odds",
               "$@w$ compares red with the others. Probability compares red with all $@t$ "
               "marbles.",
               "$@w$ compara las rojas con las demás. La probabilidad compara las rojas con las "
               "$@t$ canicas.");
    wrong_frac(g, q, t, r, "frac-inverted",
               "$@w$ is more than 1, and no probability is. Put the red marbles over all of them.",
               "$@w$ es mayor que 1, y ninguna probabilidad lo es. Pon las rojas sobre el total.");
    hint(g, q, "Probability = favourable outcomes / all outcomes.",
         "Probabilidad = casos favorables / casos posibles.");
    hint(g, q, "There are $@r$ red marbles out of $@t$ in all: $\\frac{@r}{@t}$.",
         "Hay $@r$ canicas rojas de $@t$ en total: $\\frac{@r}{@t}$.");
    s = new_scaffold(g);
    prompt(g, s, "How many marbles are in the bag in all?",
           "¿Cuántas canicas hay en la bolsa en total?");
    ans_int(g, s, t);
    hint(g, s, "Add them all: there are $@t$.", "Súmalas todas: hay $@t$.");
    return 0;
}

#define P(arr) arr, ARRAY_SIZE(arr)

const struct gen_info gen_ratio_infos[] = {
    {"ratio_equiv", 6, "equivalent ratios in a recipe", P(ratio_params), ratio_mis, ratio_equiv},
    {"unit_rate", 6, "unit rates: price of one, speed", NULL, 0, rate_mis, unit_rate},
    {"percent_of", 6, "a percent of a number", NULL, 0, pct_mis, percent_of},
    {"percent_change", 7, "prices after a discount or an increase", NULL, 0, pchg_mis,
     percent_change},
    {"proportion_solve", 7, "solve a proportion", NULL, 0, prop_mis, proportion_solve},
    {"probability_simple", 7, "the probability of a simple event", NULL, 0, prob_mis,
     probability_simple},
};
const size_t gen_ratio_count = ARRAY_SIZE(gen_ratio_infos);

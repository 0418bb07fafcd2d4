/*
 * The generator registry, the misconceptions generators name, and the
 * helpers every generator file uses to write a problem (gen_impl.h):
 * template expansion into the problem's text pool, answers with their
 * keys, wrong answers left out when they equal the right one.
 */
#include "base/common.h"
#include "core/gen_impl.h"

/* ---- misconceptions ---- */

static const struct gen_misconception misconceptions[] = {
    {"digit-not-value",
     {"gave the digit instead of its value", "dio el dígito en lugar de su valor"}},
    {"place-value-shift",
     {"used the wrong place (one place too far left or right)",
      "usó el lugar equivocado (uno de más a la izquierda o a la derecha)"}},
    {"round-down-always",
     {"always rounded down (cut off the digits)",
      "siempre redondeó hacia abajo (quitó las cifras)"}},
    {"round-wrong-place", {"rounded to the wrong place", "redondeó a un lugar equivocado"}},
    {"add-no-regroup",
     {"did not regroup (carry) when a column added to 10 or more",
      "no reagrupó (no llevó) cuando una columna sumó 10 o más"}},
    {"sub-smaller-from-larger",
     {"subtracted the smaller digit from the larger in each column instead of regrouping",
      "restó el dígito menor del mayor en cada columna en lugar de reagrupar"}},
    {"sub-borrow-no-reduce",
     {"regrouped but did not take the ten away from the next column",
      "reagrupó pero no le quitó la decena a la columna siguiente"}},
    {"mult-as-add", {"added instead of multiplying", "sumó en lugar de multiplicar"}},
    {"mult-skip-count-slip",
     {"counted one group too few or too many", "contó un grupo de menos o de más"}},
    {"div-as-subtract", {"subtracted instead of dividing", "restó en lugar de dividir"}},
    {"div-as-mult", {"multiplied instead of dividing", "multiplicó en lugar de dividir"}},
    {"mult-no-carry",
     {"did not carry when a product was 10 or more", "no llevó cuando un producto fue 10 o más"}},
    {"mult-partial-no-shift",
     {"did not shift the second partial product one place (the zero for the tens)",
      "no corrió un lugar el segundo producto parcial (el cero de las decenas)"}},
    {"div-missing-zero", {"left out a zero in the quotient", "omitió un cero en el cociente"}},
    {"remainder-too-big",
     {"left a remainder as large as the divisor or larger",
      "dejó un residuo igual o mayor que el divisor"}},
    {"frac-part-to-part",
     {"compared the part with the rest instead of with the whole",
      "comparó la parte con el resto en lugar de con el total"}},
    {"frac-inverted",
     {"swapped the numerator and the denominator", "intercambió el numerador y el denominador"}},
    {"area-perimeter-confusion",
     {"found the perimeter instead of the area", "calculó el perímetro en lugar del área"}},
    {"perimeter-area-confusion",
     {"found the area instead of the perimeter", "calculó el área en lugar del perímetro"}},
    {"area-add-sides",
     {"added the side lengths instead of multiplying them",
      "sumó las longitudes de los lados en lugar de multiplicarlas"}},
    {"perimeter-half", {"added only two of the sides", "sumó solo dos de los lados"}},
    {"frac-equiv-additive",
     {"added the same number to the numerator and the denominator",
      "sumó el mismo número al numerador y al denominador"}},
    {"frac-equiv-numerator-unchanged",
     {"changed the denominator but not the numerator",
      "cambió el denominador pero no el numerador"}},
    {"frac-larger-denominator-larger",
     {"thought the fraction with the larger denominator is larger",
      "pensó que la fracción con el denominador mayor es la mayor"}},
    {"frac-compare-numerators", {"compared only the numerators", "comparó solo los numeradores"}},
    {"frac-add-denominators",
     {"added (or subtracted) the denominators too", "también sumó (o restó) los denominadores"}},
    {"frac-drop-denominator",
     {"gave only the numerator, leaving out the denominator",
      "dio solo el numerador y olvidó el denominador"}},
    {"frac-no-common-denominator",
     {"added the numerators without finding a common denominator",
      "sumó los numeradores sin buscar un denominador común"}},
    {"mixed-add-not-multiply",
     {"added the whole number to the numerator instead of multiplying by the denominator",
      "sumó el entero al numerador en lugar de multiplicarlo por el denominador"}},
    {"mixed-multiply-numerator",
     {"multiplied the whole number by the numerator", "multiplicó el entero por el numerador"}},
    {"frac-mult-both",
     {"multiplied both the numerator and the denominator by the whole number",
      "multiplicó el numerador y el denominador por el entero"}},
    {"frac-mult-denominator",
     {"multiplied the denominator instead of the numerator",
      "multiplicó el denominador en lugar del numerador"}},
    {"decimal-place-shift",
     {"put the decimal point in the wrong place", "puso el punto decimal en el lugar equivocado"}},
    {"angle-wrong-total",
     {"used the wrong total (90, 180 or 360 degrees)",
      "usó el total equivocado (90, 180 o 360 grados)"}},
    {"odd-means-prime",
     {"thought every odd number is prime", "pensó que todo número impar es primo"}},
    {"prime-means-odd",
     {"thought a prime number cannot be even", "pensó que un número primo no puede ser par"}},
    {"prime-has-factors", {"called a prime number composite", "llamó compuesto a un número primo"}},
    {"decimal-place-names",
     {"confused the places after the point with whole-number places (hundredths with hundreds)",
      "confundió los lugares después del punto con los de los enteros (centésimos con "
      "centenas)"}},
    {"decimal-longer-is-larger",
     {"thought the decimal with more digits is larger",
      "pensó que el decimal con más cifras es mayor"}},
    {"decimal-shorter-is-larger",
     {"thought the decimal with fewer digits is larger",
      "pensó que el decimal con menos cifras es mayor"}},
    {"decimal-align-right",
     {"lined up the last digits instead of the decimal points",
      "alineó las últimas cifras en lugar de los puntos decimales"}},
    {"decimal-mult-places",
     {"counted the decimal places wrongly in the product",
      "contó mal las cifras decimales del producto"}},
    {"decimal-div-shift",
     {"did not move the decimal point in both numbers the same way",
      "no movió el punto decimal de los dos números de la misma manera"}},
    {"frac-mult-cross",
     {"multiplied crosswise (as when dividing)", "multiplicó en cruz (como al dividir)"}},
    {"frac-mult-common-denominator",
     {"kept the denominator as if adding", "dejó el denominador como si sumara"}},
    {"frac-div-as-mult", {"multiplied instead of dividing", "multiplicó en lugar de dividir"}},
    {"frac-div-order", {"divided in the wrong order", "dividió en el orden equivocado"}},
    {"frac-div-no-invert",
     {"multiplied without inverting the divisor", "multiplicó sin invertir el divisor"}},
    {"frac-div-invert-first",
     {"inverted the first fraction instead of the second",
      "invirtió la primera fracción en lugar de la segunda"}},
    {"volume-add-dimensions",
     {"added the dimensions instead of multiplying",
      "sumó las dimensiones en lugar de multiplicarlas"}},
    {"volume-base-only", {"found the area of the base only", "calculó solo el área de la base"}},
    {"volume-surface-area",
     {"found the surface area instead of the volume",
      "calculó el área total en lugar del volumen"}},
    {"ops-left-to-right",
     {"worked left to right, ignoring the order of operations",
      "calculó de izquierda a derecha sin respetar la jerarquía de operaciones"}},
    {"ops-ignore-parentheses",
     {"did not do the parentheses first", "no hizo primero lo que está entre paréntesis"}},
    {"ratio-additive",
     {"added the same amount instead of multiplying by the same factor",
      "sumó la misma cantidad en lugar de multiplicar por el mismo factor"}},
    {"rate-inverted",
     {"divided the wrong way (items per dollar instead of dollars per item)",
      "dividió al revés (artículos por dólar en lugar de dólares por artículo)"}},
    {"rate-multiplied", {"multiplied instead of dividing", "multiplicó en lugar de dividir"}},
    {"percent-no-divide-100",
     {"multiplied by the percent without dividing by 100",
      "multiplicó por el porcentaje sin dividir entre 100"}},
    {"percent-decimal-shift",
     {"wrote the percent as a decimal with the point in the wrong place",
      "escribió el porcentaje como decimal con el punto en el lugar equivocado"}},
    {"gcf-lcm-confused",
     {"mixed up the greatest common factor and the least common multiple",
      "confundió el máximo común divisor con el mínimo común múltiplo"}},
    {"lcm-product",
     {"multiplied the two numbers (a common multiple, but not the least)",
      "multiplicó los dos números (un múltiplo común, pero no el mínimo)"}},
    {"gcf-smaller-number",
     {"took the smaller number as the greatest common factor",
      "tomó el número menor como máximo común divisor"}},
    {"exp-multiply-base",
     {"multiplied the base by the exponent", "multiplicó la base por el exponente"}},
    {"exp-swap", {"swapped the base and the exponent", "intercambió la base y el exponente"}},
    {"abs-keeps-sign",
     {"kept the negative sign (absolute value is a distance, never negative)",
      "dejó el signo negativo (el valor absoluto es una distancia, nunca negativa)"}},
    {"neg-compare-magnitude",
     {"compared negative numbers by their size without the sign",
      "comparó números negativos por su tamaño sin el signo"}},
    {"eval-concatenate",
     {"wrote the number next to the coefficient instead of multiplying",
      "escribió el número junto al coeficiente en lugar de multiplicar"}},
    {"eval-add-coefficient",
     {"added the coefficient instead of multiplying",
      "sumó el coeficiente en lugar de multiplicar"}},
    {"eq-same-operation",
     {"did the same operation instead of the inverse operation",
      "hizo la misma operación en lugar de la operación inversa"}},
    {"distribute-first-term-only",
     {"multiplied only the first term inside the parentheses",
      "multiplicó solo el primer término dentro del paréntesis"}},
    {"distribute-sign-error",
     {"lost the minus sign when distributing", "perdió el signo menos al distribuir"}},
    {"triangle-no-half",
     {"forgot to take half of base times height", "olvidó tomar la mitad de base por altura"}},
    {"area-slant-side",
     {"used the slanted side instead of the height",
      "usó el lado inclinado en lugar de la altura"}},
    {"parallelogram-half", {"took half, as for a triangle", "tomó la mitad, como en un triángulo"}},
    {"ineq-no-flip",
     {"did not reverse the inequality when multiplying or dividing by a negative number",
      "no invirtió la desigualdad al multiplicar o dividir entre un número negativo"}},
    {"ineq-flip-unneeded",
     {"reversed the inequality although the number was positive",
      "invirtió la desigualdad aunque el número era positivo"}},
    {"mean-no-divide",
     {"added the values but did not divide by how many there are",
      "sumó los valores pero no dividió entre cuántos son"}},
    {"mean-wrong-count",
     {"divided by the wrong number of values", "dividió entre un número equivocado de valores"}},
    {"int-add-sign-error",
     {"gave the sum the wrong sign", "le puso el signo equivocado a la suma"}},
    {"int-add-magnitudes",
     {"added the sizes although the signs differ",
      "sumó los tamaños aunque los signos son distintos"}},
    {"int-sub-double-negative",
     {"did not change subtracting a negative into adding",
      "no cambió restar un negativo por sumar"}},
    {"int-sub-reversed", {"subtracted in the wrong order", "restó en el orden equivocado"}},
    {"int-mult-sign",
     {"used the wrong sign rule (negative times negative is positive)",
      "usó mal la regla de los signos (negativo por negativo es positivo)"}},
    {"combine-unlike-terms",
     {"combined terms that are not like terms", "juntó términos que no son semejantes"}},
    {"combine-sign-error",
     {"dropped a minus sign while combining", "perdió un signo menos al reducir"}},
    {"eq-divide-first",
     {"divided before undoing the addition or subtraction",
      "dividió antes de deshacer la suma o la resta"}},
    {"eq-sign-error",
     {"moved a term without changing its sign", "pasó un término sin cambiarle el signo"}},
    {"percent-change-amount-only",
     {"gave the amount of the change instead of the new amount",
      "dio la cantidad del cambio en lugar de la cantidad nueva"}},
    {"percent-change-wrong-direction",
     {"added where it should subtract (or the reverse)", "sumó donde debía restar (o al revés)"}},
    {"proportion-cross-wrong",
     {"multiplied the wrong pair across", "multiplicó en cruz el par equivocado"}},
    {"circle-diameter-for-radius",
     {"used the diameter where the radius belongs", "usó el diámetro donde va el radio"}},
    {"circle-area-circumference",
     {"mixed up the formulas for area and circumference",
      "confundió las fórmulas del área y de la circunferencia"}},
    {"prob-odds",
     {"compared favourable with unfavourable outcomes instead of with all outcomes",
      "comparó los casos favorables con los desfavorables en lugar de con todos los casos"}},
    {"exp-multiply-exponents",
     {"multiplied the exponents instead of adding them",
      "multiplicó los exponentes en lugar de sumarlos"}},
    {"exp-add-exponents-power",
     {"added the exponents instead of multiplying them (power of a power)",
      "sumó los exponentes en lugar de multiplicarlos (potencia de una potencia)"}},
    {"exp-divide-exponents",
     {"divided the exponents instead of subtracting them",
      "dividió los exponentes en lugar de restarlos"}},
    {"sci-exponent-sign",
     {"moved the decimal point the wrong way", "movió el punto decimal hacia el lado equivocado"}},
    {"sci-count-zeros",
     {"added as many zeros as the exponent instead of moving the point",
      "agregó tantos ceros como el exponente en lugar de mover el punto"}},
    {"pyth-no-root", {"forgot to take the square root", "olvidó sacar la raíz cuadrada"}},
    {"pyth-add-legs",
     {"added the sides instead of using the Pythagorean theorem",
      "sumó los lados en lugar de usar el teorema de Pitágoras"}},
    {"slope-run-over-rise",
     {"divided the run by the rise", "dividió el cambio en x entre el cambio en y"}},
    {"slope-sign-error",
     {"subtracted the coordinates in different orders",
      "restó las coordenadas en órdenes distintos"}},
    {"root-halve",
     {"halved the number instead of taking the root", "sacó la mitad en lugar de la raíz"}},
    {"root-divide-by-index",
     {"divided by the index of the root", "dividió entre el índice de la raíz"}},
    {"cyl-lateral-area",
     {"found the area of the curved side instead of the volume",
      "calculó el área lateral en lugar del volumen"}},
};

size_t gen_misconception_count(void)
{
    return ARRAY_SIZE(misconceptions);
}

const struct gen_misconception *gen_misconception_at(size_t i)
{
    return i < ARRAY_SIZE(misconceptions) ? &misconceptions[i] : NULL;
}

const struct gen_misconception *gen_misconception(const char *id, size_t len)
{
    for (size_t i = 0; i < ARRAY_SIZE(misconceptions); i++)
        if (strlen(misconceptions[i].id) == len && memcmp(misconceptions[i].id, id, len) == 0)
            return &misconceptions[i];
    return NULL;
}

/* ---- the registry ---- */

static const struct {
    const struct gen_info *infos;
    const size_t *count;
} groups[] = {
    {gen_number_infos, &gen_number_count},   {gen_fraction_infos, &gen_fraction_count},
    {gen_decimal_infos, &gen_decimal_count}, {gen_ratio_infos, &gen_ratio_count},
    {gen_algebra_infos, &gen_algebra_count}, {gen_geometry_infos, &gen_geometry_count},
};

size_t gen_count(void)
{
    size_t n = 0;
    for (size_t i = 0; i < ARRAY_SIZE(groups); i++)
        n += *groups[i].count;
    return n;
}

const struct gen_info *gen_at(size_t i)
{
    for (size_t k = 0; k < ARRAY_SIZE(groups); k++) {
        if (i < *groups[k].count)
            return &groups[k].infos[i];
        i -= *groups[k].count;
    }
    return NULL;
}

const struct gen_info *gen_find(const char *name, size_t len)
{
    for (size_t i = 0, n = gen_count(); i < n; i++) {
        const struct gen_info *g = gen_at(i);
        if (strlen(g->name) == len && memcmp(g->name, name, len) == 0)
            return g;
    }
    return NULL;
}

int gen_params_check(const struct gen_info *info, const struct gen_params *params,
                     unsigned *ret_bad)
{
    if (!params)
        return 0;
    for (unsigned i = 0; i < params->n && i < GEN_MAX_PARAMS; i++) {
        const struct gen_param *def = NULL;
        for (unsigned k = 0; k < info->n_params; k++)
            if (strcmp(info->params[k].name, params->p[i].name) == 0)
                def = &info->params[k];
        *ret_bad = i;
        if (!def)
            return -ENOENT;
        if (params->p[i].value < def->min || params->p[i].value > def->max)
            return -ERANGE;
        for (unsigned k = 0; k < i; k++)
            if (strcmp(params->p[k].name, params->p[i].name) == 0)
                return -EEXIST;
    }
    if (params->n > GEN_MAX_PARAMS) {
        *ret_bad = GEN_MAX_PARAMS;
        return -ENOENT;
    }
    return 0;
}

/* ---- numbers ---- */

int64_t rnd(struct gen *g, int64_t lo, int64_t hi)
{
    if (hi <= lo)
        return lo;
    return lo + (int64_t)rng_below(&g->rng, (uint32_t)(hi - lo + 1));
}

int64_t rnd_except(struct gen *g, int64_t lo, int64_t hi, const int64_t *avoid, size_t n)
{
    for (int tries = 0; tries < 64; tries++) {
        int64_t v = rnd(g, lo, hi);
        bool bad = false;
        for (size_t i = 0; i < n; i++)
            bad |= v == avoid[i];
        if (!bad)
            return v;
    }
    /* a small range all avoided: the first value that is not */
    for (int64_t v = lo; v <= hi; v++) {
        bool bad = false;
        for (size_t i = 0; i < n; i++)
            bad |= v == avoid[i];
        if (!bad)
            return v;
    }
    g->err = -EINVAL;
    return lo;
}

int64_t param(struct gen *g, const char *name)
{
    const struct gen_info *info = g->info;
    if (g->params)
        for (unsigned i = 0; i < g->params->n && i < GEN_MAX_PARAMS; i++)
            if (strcmp(g->params->p[i].name, name) == 0)
                return g->params->p[i].value;
    for (unsigned k = 0; k < info->n_params; k++)
        if (strcmp(info->params[k].name, name) == 0)
            return info->params[k].def;
    g->err = -EINVAL; /* a generator asked for a parameter it does not declare */
    return 0;
}

int64_t gcd64(int64_t a, int64_t b)
{
    if (a < 0)
        a = -a;
    if (b < 0)
        b = -b;
    while (b) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

int64_t lcm64(int64_t a, int64_t b)
{
    int64_t g = gcd64(a, b);
    return g ? a / g * b : 0;
}

int64_t ipow10(int k)
{
    int64_t v = 1;
    while (k-- > 0)
        v *= 10;
    return v;
}

void reduce(int64_t *n, int64_t *d)
{
    int64_t g = gcd64(*n, *d);
    if (g > 1) {
        *n /= g;
        *d /= g;
    }
    if (*d < 0) {
        *n = -*n;
        *d = -*d;
    }
}

void fmt_int(char *out, int64_t v)
{
    char tmp[24];
    size_t n = 0, k = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        out[k++] = '-';
    while (n)
        out[k++] = tmp[--n];
    out[k] = '\0';
}

void fmt_dec(char *out, int64_t scaled, int scale)
{
    char digits[24];
    int64_t p = ipow10(scale);
    uint64_t u = scaled < 0 ? (uint64_t)0 - (uint64_t)scaled : (uint64_t)scaled;
    uint64_t whole = u / (uint64_t)p, frac = u % (uint64_t)p;
    size_t k = 0;

    if (scaled < 0)
        out[k++] = '-';
    fmt_int(digits, (int64_t)whole);
    for (char *s = digits; *s; s++)
        out[k++] = *s;
    if (frac) {
        char f[24];
        int n = scale;
        /* drop trailing zeros */
        while (frac % 10 == 0) {
            frac /= 10;
            n--;
        }
        for (int i = n - 1; i >= 0; i--) {
            f[i] = (char)('0' + frac % 10);
            frac /= 10;
        }
        out[k++] = '.';
        for (int i = 0; i < n; i++)
            out[k++] = f[i];
    }
    out[k] = '\0';
}

void fmt_frac(char *out, int64_t n, int64_t d)
{
    char a[24], b[24];
    size_t k = 0;
    if ((n < 0) != (d < 0) && n != 0)
        out[k++] = '-';
    fmt_int(a, n < 0 ? -n : n);
    fmt_int(b, d < 0 ? -d : d);
    for (char *s = a; *s; s++)
        out[k++] = *s;
    out[k++] = '/';
    for (char *s = b; *s; s++)
        out[k++] = *s;
    out[k] = '\0';
}

static size_t cat(char *out, size_t k, const char *s)
{
    while (*s)
        out[k++] = *s++;
    out[k] = '\0';
    return k;
}

void fmt_tex_frac(char *out, int64_t n, int64_t d)
{
    char a[24], b[24];
    size_t k = 0;
    out[0] = '\0';
    if ((n < 0) != (d < 0) && n != 0)
        k = cat(out, k, "-");
    fmt_int(a, n < 0 ? -n : n);
    fmt_int(b, d < 0 ? -d : d);
    k = cat(out, k, "\\frac{");
    k = cat(out, k, a);
    k = cat(out, k, "}{");
    k = cat(out, k, b);
    cat(out, k, "}");
}

void sb(struct gen *g, char *dst, size_t cap, const char *s)
{
    size_t k = strlen(dst), n = strlen(s);
    if (k + n >= cap) {
        g->err = -E2BIG;
        return;
    }
    memcpy(dst + k, s, n + 1);
}

void sbi(struct gen *g, char *dst, size_t cap, int64_t v)
{
    char s[24];
    fmt_int(s, v);
    sb(g, dst, cap, s);
}

int digit_at(int64_t v, int k)
{
    return (int)((v / ipow10(k)) % 10);
}

int digits_of(int64_t v)
{
    int n = 1;
    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n;
}

/* ---- template values ---- */

static void var_set(struct gen *g, const char *name, const char *val)
{
    size_t nl = strlen(name), vl = strlen(val);
    unsigned i;

    if (nl >= sizeof(g->vars[0].name) || vl >= sizeof(g->vars[0].val)) {
        g->err = -E2BIG;
        return;
    }
    for (i = 0; i < g->n_vars; i++)
        if (strcmp(g->vars[i].name, name) == 0)
            break;
    if (i == g->n_vars) {
        if (g->n_vars == GEN_VARS) {
            g->err = -E2BIG;
            return;
        }
        g->n_vars++;
    }
    memcpy(g->vars[i].name, name, nl + 1);
    memcpy(g->vars[i].val, val, vl + 1);
}

void var_s(struct gen *g, const char *name, const char *s)
{
    var_set(g, name, s);
}

void var_i(struct gen *g, const char *name, int64_t v)
{
    char s[24];
    struct gen_problem *p = g->p;
    fmt_int(s, v);
    var_set(g, name, s);
    for (unsigned i = 0; i < p->n_vals; i++) {
        if (strcmp(p->vals[i].name, name) == 0) {
            p->vals[i].v = v;
            return;
        }
    }
    if (p->n_vals < GEN_MAX_VALS) {
        p->vals[p->n_vals].name = name;
        p->vals[p->n_vals].v = v;
        p->n_vals++;
    }
}

void var_ip(struct gen *g, const char *name, int64_t v)
{
    char s[28];
    s[0] = '(';
    fmt_int(s + 1, v);
    if (v < 0) {
        size_t n = strlen(s);
        s[n] = ')';
        s[n + 1] = '\0';
        var_set(g, name, s);
    } else {
        var_set(g, name, s + 1);
    }
}

void var_dec(struct gen *g, const char *name, int64_t scaled, int scale)
{
    char s[32];
    fmt_dec(s, scaled, scale);
    var_set(g, name, s);
}

void var_money(struct gen *g, const char *name, int64_t cents)
{
    char s[32];
    fmt_dec(s, cents, 2);
    if (cents % 100 != 0 && cents % 10 == 0) {
        size_t n = strlen(s);
        s[n] = '0';
        s[n + 1] = '\0';
    }
    var_set(g, name, s);
}

void var_frac(struct gen *g, const char *name, int64_t n, int64_t d)
{
    char s[64];
    fmt_tex_frac(s, n, d);
    var_set(g, name, s);
}

void var_mixed(struct gen *g, const char *name, int64_t n, int64_t d)
{
    char s[80], w[24], a[24], b[24];
    size_t k = 0;
    int64_t an = n < 0 ? -n : n;
    s[0] = '\0';
    if (n < 0)
        k = cat(s, k, "-");
    fmt_int(w, an / d);
    k = cat(s, k, w);
    if (an % d) {
        fmt_int(a, an % d);
        fmt_int(b, d);
        k = cat(s, k, "\\frac{");
        k = cat(s, k, a);
        k = cat(s, k, "}{");
        k = cat(s, k, b);
        cat(s, k, "}");
    }
    var_set(g, name, s);
}

/* ---- templates ---- */

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* Expand tmpl into out (cap bytes): 0 or a negative errno (in g->err too). */
static int expand_into(struct gen *g, const char *tmpl, char *out, size_t cap, size_t *ret_len)
{
    size_t k = 0;
    for (const char *s = tmpl; *s;) {
        const char *piece;
        size_t n;
        if (*s == '@' && s[1] == '@') {
            piece = "@";
            n = 1;
            s += 2;
        } else if (*s == '@') {
            const char *e = s + 1;
            unsigned i;
            while (name_char(*e))
                e++;
            for (i = 0; i < g->n_vars; i++)
                if (strlen(g->vars[i].name) == (size_t)(e - s - 1) &&
                    memcmp(g->vars[i].name, s + 1, (size_t)(e - s - 1)) == 0)
                    break;
            if (i == g->n_vars || e == s + 1)
                return g->err = -EINVAL;
            piece = g->vars[i].val;
            n = strlen(piece);
            s = e;
        } else {
            const char *e = s;
            while (*e && *e != '@')
                e++;
            piece = s;
            n = (size_t)(e - s);
            s = e;
        }
        if (k + n >= cap)
            return g->err = -E2BIG;
        memcpy(out + k, piece, n);
        k += n;
    }
    out[k] = '\0';
    if (ret_len)
        *ret_len = k;
    return 0;
}

static uint32_t pool_add(struct gen *g, const char *tmpl)
{
    struct gen_problem *p = g->p;
    size_t n;
    if (!tmpl || !*tmpl)
        return 0;
    if (expand_into(g, tmpl, p->pool + p->pool_len, GEN_POOL - p->pool_len, &n) < 0)
        return 0;
    uint32_t off = p->pool_len;
    p->pool_len += (uint32_t)n + 1;
    return off;
}

static void text(struct gen *g, struct gen_text *t, const char *en, const char *es)
{
    t->off[GEN_EN] = pool_add(g, en);
    t->off[GEN_ES] = pool_add(g, es);
}

/* ---- writing ---- */

static struct gen_qkeys *keys_of(struct gen *g, const struct gen_q *q)
{
    for (unsigned i = 0; i < g->n_keys; i++)
        if (g->keys[i].q == q)
            return &g->keys[i];
    if (g->n_keys == ARRAY_SIZE(g->keys)) {
        g->err = -E2BIG;
        return &g->keys[0];
    }
    struct gen_qkeys *k = &g->keys[g->n_keys++];
    memset(k, 0, sizeof(*k));
    k->q = q;
    return k;
}

struct gen_q *new_step(struct gen *g)
{
    struct gen_problem *p = g->p;
    if (p->n_steps == GEN_MAX_STEPS) {
        g->err = -E2BIG;
        return &p->steps[GEN_MAX_STEPS - 1].q;
    }
    struct gen_step *s = &p->steps[p->n_steps++];
    memset(s, 0, sizeof(*s));
    return &s->q;
}

struct gen_q *new_scaffold(struct gen *g)
{
    struct gen_problem *p = g->p;
    struct gen_step *s = &p->steps[p->n_steps ? p->n_steps - 1 : 0];
    if (!p->n_steps || s->n_scaffolds == GEN_MAX_SCAFFOLDS) {
        g->err = -E2BIG;
        return &s->scaffolds[0];
    }
    struct gen_q *q = &s->scaffolds[s->n_scaffolds++];
    memset(q, 0, sizeof(*q));
    return q;
}

void prompt(struct gen *g, struct gen_q *q, const char *en, const char *es)
{
    text(g, &q->prompt, en, es);
}

void hint(struct gen *g, struct gen_q *q, const char *en, const char *es)
{
    if (q->n_hints == GEN_MAX_HINTS) {
        g->err = -E2BIG;
        return;
    }
    text(g, &q->hints[q->n_hints++], en, es);
}

static void add_answer(struct gen *g, struct gen_q *q, const char *type, const char *s,
                       struct gen_key key)
{
    struct gen_qkeys *k = keys_of(g, q);
    size_t n = strlen(s);
    if (q->n_answers == GEN_MAX_ANSWERS || n >= GEN_ANSWER) {
        g->err = -E2BIG;
        return;
    }
    if (q->type && strcmp(q->type, type) != 0) {
        g->err = -EINVAL;
        return;
    }
    q->type = type;
    memcpy(q->answers[q->n_answers++], s, n + 1);
    if (!k->has_right) {
        k->right = key;
        k->has_right = true;
    }
}

static struct gen_key rational_key(int64_t n, int64_t d)
{
    reduce(&n, &d);
    return (struct gen_key){n, d};
}

void ans_int(struct gen *g, struct gen_q *q, int64_t v)
{
    char s[24];
    fmt_int(s, v);
    add_answer(g, q, "number", s, rational_key(v, 1));
}

void ans_dec(struct gen *g, struct gen_q *q, int64_t scaled, int scale, double tol)
{
    char s[32];
    fmt_dec(s, scaled, scale);
    add_answer(g, q, "number", s, rational_key(scaled, ipow10(scale)));
    q->tolerance = tol;
}

void ans_frac(struct gen *g, struct gen_q *q, int64_t n, int64_t d, bool simplified)
{
    char s[48];
    int64_t rn = n, rd = d;
    reduce(&rn, &rd);
    if (simplified) {
        n = rn;
        d = rd;
    }
    if (d == 1)
        fmt_int(s, n);
    else
        fmt_frac(s, n, d);
    add_answer(g, q, "fraction", s, (struct gen_key){rn, rd});
    q->simplified = simplified;
}

void ans_num_frac(struct gen *g, struct gen_q *q, int64_t n, int64_t d)
{
    char s[48];
    reduce(&n, &d);
    if (d == 1)
        fmt_int(s, n);
    else
        fmt_frac(s, n, d);
    add_answer(g, q, "number", s, (struct gen_key){n, d});
}

void ans_expr(struct gen *g, struct gen_q *q, const char *tmpl, struct gen_key key)
{
    char s[GEN_ANSWER];
    if (expand_into(g, tmpl, s, sizeof(s), NULL) < 0)
        return;
    add_answer(g, q, "expression", s, key);
}

void choice(struct gen *g, struct gen_q *q, const char *en, const char *es)
{
    if (q->n_choices == GEN_MAX_CHOICES) {
        g->err = -E2BIG;
        return;
    }
    struct gen_choice *c = &q->choices[q->n_choices];
    c->id[0] = (char)('a' + q->n_choices);
    c->id[1] = '\0';
    text(g, &c->text, en, es);
    q->n_choices++;
}

void ans_choice(struct gen *g, struct gen_q *q, unsigned idx)
{
    char s[4] = {(char)('a' + idx), 0};
    if (idx >= q->n_choices) {
        g->err = -EINVAL;
        return;
    }
    add_answer(g, q, "choice", s, (struct gen_key){idx, 0});
}

/* A wrong answer unless its key is the right one's or an earlier wrong one's. */
static void add_wrong(struct gen *g, struct gen_q *q, const char *answer, const char *tex,
                      struct gen_key key, const char *mis, const char *en, const char *es)
{
    struct gen_qkeys *k = keys_of(g, q);
    size_t n = strlen(answer);

    if (!k->has_right) {
        g->err = -EINVAL; /* the right answer comes first */
        return;
    }
    if (k->right.a == key.a && k->right.b == key.b)
        return;
    for (unsigned i = 0; i < q->n_wrong; i++)
        if (k->wrong[i].a == key.a && k->wrong[i].b == key.b)
            return;
    if (q->n_wrong == GEN_MAX_WRONG || n >= GEN_ANSWER || !gen_misconception(mis, strlen(mis))) {
        g->err = q->n_wrong == GEN_MAX_WRONG || n >= GEN_ANSWER ? -E2BIG : -EINVAL;
        return;
    }
    struct gen_wrong *w = &q->wrong[q->n_wrong];
    k->wrong[q->n_wrong] = key;
    q->n_wrong++;
    memcpy(w->answer, answer, n + 1);
    w->misconception = gen_misconception(mis, strlen(mis))->id;
    var_s(g, "w", tex);
    text(g, &w->feedback, en, es);
}

void wrong_int(struct gen *g, struct gen_q *q, int64_t v, const char *mis, const char *en,
               const char *es)
{
    char s[24];
    fmt_int(s, v);
    add_wrong(g, q, s, s, rational_key(v, 1), mis, en, es);
}

void wrong_dec(struct gen *g, struct gen_q *q, int64_t scaled, int scale, const char *mis,
               const char *en, const char *es)
{
    char s[32];
    fmt_dec(s, scaled, scale);
    add_wrong(g, q, s, s, rational_key(scaled, ipow10(scale)), mis, en, es);
}

void wrong_frac(struct gen *g, struct gen_q *q, int64_t n, int64_t d, const char *mis,
                const char *en, const char *es)
{
    char s[48], tex[64];
    if (d == 0)
        return; /* no value: nothing a checker could match */
    if (d == 1 || d == -1) {
        fmt_int(s, n * d);
        fmt_int(tex, n * d);
    } else {
        fmt_frac(s, n, d);
        fmt_tex_frac(tex, n, d);
    }
    add_wrong(g, q, s, tex, rational_key(n, d), mis, en, es);
}

void wrong_expr(struct gen *g, struct gen_q *q, const char *tmpl, struct gen_key key,
                const char *mis, const char *en, const char *es)
{
    char s[GEN_ANSWER];
    if (expand_into(g, tmpl, s, sizeof(s), NULL) < 0)
        return;
    add_wrong(g, q, s, s, key, mis, en, es);
}

void wrong_choice(struct gen *g, struct gen_q *q, unsigned idx, const char *mis, const char *en,
                  const char *es)
{
    char s[4] = {(char)('a' + idx), 0};
    if (idx >= q->n_choices) {
        g->err = -EINVAL;
        return;
    }
    add_wrong(g, q, s, s, (struct gen_key){idx, 0}, mis, en, es);
}

/* ---- the entry points ---- */

int gen_make(const char *name, const struct gen_params *params, uint64_t seed,
             struct gen_problem *out)
{
    const struct gen_info *info = gen_find(name, strlen(name));
    unsigned bad;
    struct gen g;
    int r;

    if (!info)
        return -ENOENT;
    if (gen_params_check(info, params, &bad) < 0)
        return -EINVAL;
    memset(&g, 0, sizeof(g));
    /* the seed is mixed with the generator's name, so items of different generators that share
       a seed do not draw the same numbers */
    uint64_t h = 1469598103934665603u;
    for (const char *s = name; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    rng_seed(&g.rng, seed ^ h);
    g.p = out;
    g.info = info;
    g.params = params;
    out->generator = info->name;
    out->seed = seed;
    out->n_steps = 0;
    out->n_vals = 0;
    out->pool_len = 1;
    out->pool[0] = '\0';
    r = info->make(&g);
    if (r == 0)
        r = g.err;
    if (r == 0 && out->n_steps == 0)
        r = -EINVAL;
    return r;
}

const char *gen_str(const struct gen_problem *p, struct gen_text t, enum gen_lang lang)
{
    uint32_t off = (unsigned)lang < GEN_LANGS ? t.off[lang] : 0;
    return off < p->pool_len ? p->pool + off : "";
}

bool gen_val(const struct gen_problem *p, const char *name, int64_t *ret)
{
    for (unsigned i = 0; i < p->n_vals; i++) {
        if (strcmp(p->vals[i].name, name) == 0) {
            *ret = p->vals[i].v;
            return true;
        }
    }
    return false;
}

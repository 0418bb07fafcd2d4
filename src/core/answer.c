/*
 * Answer checking: answer_check() and the number, fraction, expression,
 * choice and text comparisons (see answer.h for the rules and reasons).
 * The expression reader is answer_expr.c, text normalisation answer_text.c.
 *
 * Exact fractions are int64 numerators and denominators compared by
 * 128-bit cross products; anything that does not fit is "out_of_range",
 * never a wrapped value. Pure: no I/O, no allocation, no globals.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "core/answer.h"
#include "core/answer_internal.h"
#include "core/rng.h"

#define MIN_POINTS  6  /* points where both sides are defined, for a verdict */
#define WANT_POINTS 12 /* stop drawing once this many agree */
#define MAX_DRAWS   64
#define AGREE       1e-9 /* relative to the magnitude bound of answer_expr_eval */
#define MAX_CHOICES 64

/* gcc and clang have 128-bit integers on 64-bit targets; products of two int64 fit. */
__extension__ typedef __int128 i128;

static void set_reason(struct answer_result *r, bool correct, const char *why)
{
    size_t n = strlen(why);
    if (n >= sizeof(r->reason))
        n = sizeof(r->reason) - 1;
    memcpy(r->reason, why, n);
    r->reason[n] = '\0';
    r->correct = correct;
}

/* "parse_error at N", N the 1-based character (code point) where reading stopped. */
static void set_parse_error(struct answer_result *r, const char *s, size_t len, size_t pos)
{
    char digits[24];
    size_t nd = 0, i = 0;
    uint64_t ch = 1;
    char out[ANSWER_REASON];
    const char *pre = "parse_error at ";
    size_t n = strlen(pre);

    while (i < pos && i < len) {
        if (answer_utf8_next(s, len, &i) < 0)
            i++;
        ch++;
    }
    do {
        digits[nd++] = (char)('0' + ch % 10);
        ch /= 10;
    } while (ch && nd < sizeof(digits));
    memcpy(out, pre, n);
    while (nd > 0 && n + 1 < sizeof(out))
        out[n++] = digits[--nd];
    out[n] = '\0';
    set_reason(r, false, out);
}

const char *answer_type_name(enum answer_type t)
{
    switch (t) {
    case ANSWER_NUMBER:
        return "number";
    case ANSWER_FRACTION:
        return "fraction";
    case ANSWER_EXPRESSION:
        return "expression";
    case ANSWER_CHOICE:
        return "choice";
    case ANSWER_TEXT:
        return "text";
    }
    return "unknown";
}

int answer_type_from_name(const char *name, size_t len, enum answer_type *ret)
{
    for (int t = ANSWER_NUMBER; t <= ANSWER_TEXT; t++) {
        const char *n = answer_type_name((enum answer_type)t);
        if (strlen(n) == len && memcmp(n, name, len) == 0) {
            *ret = (enum answer_type)t;
            return 0;
        }
    }
    return -EINVAL;
}

/* ---- scalars: integers, decimals, fractions, mixed numbers ------------------------------- */

enum scalar_kind { SC_INT, SC_DEC, SC_FRAC, SC_MIXED };

struct scalar {
    enum scalar_kind kind;
    bool exact;    /* num/den hold the value exactly */
    int64_t num;   /* sign here */
    int64_t den;   /* > 0 */
    int64_t whole; /* mixed: the whole part (>= 0); the fraction is num_part/den */
    int64_t part;  /* mixed: the fraction part's numerator */
    double value;
    bool den_zero; /* a/0 */
    bool has_exp;  /* 1e5 */
};

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static size_t skip_space(const char *s, size_t len, size_t i)
{
    while (i < len) {
        size_t j = i;
        int32_t c = answer_utf8_next(s, len, &j);
        if (c < 0 || !answer_is_space(c))
            break;
        i = j;
    }
    return i;
}

/* A decimal as an exact rational, if mant * 10^exp10 fits int64 / 10^18. */
static bool dec_rational(const struct answer_dec *d, int64_t *num, int64_t *den)
{
    i128 n = d->mant, q = 1;
    if (!d->exact)
        return false;
    if (d->exp10 >= 0) {
        for (int32_t k = 0; k < d->exp10; k++) {
            n *= 10;
            if (n > INT64_MAX)
                return false;
        }
    } else {
        if (d->exp10 < -18)
            return false;
        for (int32_t k = 0; k < -d->exp10; k++)
            q *= 10;
    }
    if (n > INT64_MAX)
        return false;
    *num = (int64_t)n;
    *den = (int64_t)q;
    return true;
}

/* An unsigned integer (no point): 1, 0 if none at s[i], -ERANGE past int64. */
static int read_int(const char *s, size_t len, size_t i, size_t *end, int64_t *ret)
{
    i128 v = 0;
    size_t k = i;
    while (k < len && is_digit(s[k])) {
        v = v * 10 + (s[k] - '0');
        if (v > INT64_MAX)
            v = (i128)INT64_MAX + 1; /* saturate, keep reading */
        k++;
    }
    if (k == i)
        return 0;
    *end = k;
    if (v > INT64_MAX)
        return -ERANGE;
    *ret = (int64_t)v;
    return 1;
}

/*
 * Read a whole answer as a scalar. 0, or the reason it is not one:
 * "not_a_number", "out_of_range", "ambiguous_separator".
 */
static const char *read_scalar(const char *s, size_t len, bool allow_exp, struct scalar *sc)
{
    size_t i = skip_space(s, len, 0), end, j;
    struct answer_dec d;
    bool neg = false;
    int r;

    memset(sc, 0, sizeof(*sc));
    sc->den = 1;
    j = i;
    if (i < len) {
        int32_t c = answer_utf8_next(s, len, &j);
        if (answer_is_minus(c) || c == '+') {
            neg = answer_is_minus(c);
            i = skip_space(s, len, j);
        }
    }
    r = answer_dec_read(s, len, i, &end, &d);
    if (r < 0)
        return "ambiguous_separator";
    if (r == 0)
        return "not_a_number";
    sc->kind = d.has_point ? SC_DEC : SC_INT;
    sc->value = answer_dec_value(&d);
    sc->exact = dec_rational(&d, &sc->num, &sc->den);
    i = end;
    if (allow_exp && i < len && (s[i] == 'e' || s[i] == 'E')) {
        size_t k = i + 1;
        bool eneg = false;
        int64_t e;
        if (k < len && (s[k] == '+' || s[k] == '-')) {
            eneg = s[k] == '-';
            k++;
        }
        r = read_int(s, len, k, &end, &e);
        if (r == 0)
            return "not_a_number";
        if (r < 0 || e > 100000)
            e = 100000;
        d.exp10 += (int32_t)(eneg ? -e : e);
        sc->value = answer_dec_value(&d);
        sc->exact = dec_rational(&d, &sc->num, &sc->den);
        sc->kind = SC_DEC;
        sc->has_exp = true;
        i = end;
    }
    j = skip_space(s, len, i);
    if (j < len && !sc->has_exp && sc->kind == SC_INT && (s[j] == '/' || is_digit(s[j]))) {
        int64_t a, b, whole = 0, part = 0;
        if (!sc->exact)
            return "out_of_range";
        if (s[j] == '/') { /* a/b */
            a = sc->num;
            i = skip_space(s, len, j + 1);
            r = read_int(s, len, i, &end, &b);
            if (r == 0)
                return "not_a_number";
            if (r < 0)
                return "out_of_range";
            sc->kind = SC_FRAC;
            part = a;
        } else { /* w a/b */
            whole = sc->num;
            r = read_int(s, len, j, &end, &part);
            if (r < 0)
                return "out_of_range";
            i = skip_space(s, len, end);
            if (i >= len || s[i] != '/')
                return "not_a_number";
            i = skip_space(s, len, i + 1);
            r = read_int(s, len, i, &end, &b);
            if (r == 0)
                return "not_a_number";
            if (r < 0)
                return "out_of_range";
            sc->kind = SC_MIXED;
        }
        i = end;
        if (b == 0) {
            sc->den_zero = true;
        } else {
            i128 n = (i128)whole * b + part;
            if (n > INT64_MAX)
                return "out_of_range";
            sc->num = (int64_t)n;
            sc->den = b;
            sc->whole = whole;
            sc->part = part;
            sc->value = (double)sc->num / (double)b;
        }
    }
    if (skip_space(s, len, i) != len)
        return "not_a_number";
    if (neg) {
        sc->num = -sc->num;
        sc->value = -sc->value;
    }
    if (!sc->den_zero && !isfinite(sc->value))
        return "out_of_range";
    return NULL;
}

static int64_t gcd64(int64_t a, int64_t b)
{
    uint64_t x = a < 0 ? (uint64_t)0 - (uint64_t)a : (uint64_t)a, y = (uint64_t)b;
    while (y) {
        uint64_t t = x % y;
        x = y;
        y = t;
    }
    return (int64_t)x;
}

/* Is the given form in lowest terms (answer.h, fraction)? */
static bool simplified_form(const struct scalar *sc)
{
    switch (sc->kind) {
    case SC_INT:
        return true;
    case SC_FRAC:
        return sc->den > 1 && sc->num != 0 && gcd64(sc->num, sc->den) == 1;
    case SC_MIXED:
        return sc->den > 1 && sc->part > 0 && sc->part < sc->den && sc->whole > 0 &&
               gcd64(sc->part, sc->den) == 1;
    default:
        return false;
    }
}

static int check_number(const struct answer_spec *sp, const char *e, size_t el, const char *g,
                        size_t gl, struct answer_result *ret)
{
    struct scalar x, y;
    const char *why = read_scalar(e, el, true, &x);
    double diff;

    if (why || x.den_zero) {
        set_reason(ret, false, why ? why : "division_by_zero");
        return -EINVAL;
    }
    why = read_scalar(g, gl, true, &y);
    if (why) {
        set_reason(ret, false, why);
        return 0;
    }
    if (y.den_zero) {
        set_reason(ret, false, "division_by_zero");
        return 0;
    }
    /* "equal" only when exact; digits past what a double holds are "within_tolerance" */
    if (x.exact && y.exact && (i128)x.num * y.den == (i128)y.num * x.den) {
        set_reason(ret, true, "equal");
        return 0;
    }
    diff = fabs(y.value - x.value);
    if (diff <= sp->abs_tol || diff <= sp->rel_tol * fabs(x.value))
        set_reason(ret, true, "within_tolerance");
    else
        set_reason(ret, false, "different_value");
    return 0;
}

static int check_fraction(const struct answer_spec *sp, const char *e, size_t el, const char *g,
                          size_t gl, struct answer_result *ret)
{
    struct scalar x, y;
    const char *why = read_scalar(e, el, false, &x);

    if (why || x.den_zero || !x.exact) {
        set_reason(ret, false, why ? why : x.den_zero ? "division_by_zero" : "out_of_range");
        return -EINVAL;
    }
    why = read_scalar(g, gl, false, &y);
    if (why) {
        set_reason(ret, false, strcmp(why, "not_a_number") == 0 ? "not_a_fraction" : why);
        return 0;
    }
    if (y.den_zero) {
        set_reason(ret, false, "division_by_zero");
        return 0;
    }
    if (!y.exact) {
        set_reason(ret, false, "out_of_range");
        return 0;
    }
    if ((i128)x.num * y.den != (i128)y.num * x.den) {
        set_reason(ret, false, "different_value");
        return 0;
    }
    if (sp->simplified && y.kind == SC_DEC) {
        set_reason(ret, false, "not_a_fraction");
        return 0;
    }
    if (sp->simplified && !simplified_form(&y)) {
        set_reason(ret, false, "not_simplified");
        return 0;
    }
    set_reason(ret, true,
               x.kind == y.kind && x.num == y.num && x.den == y.den ? "equal" : "equivalent");
    return 0;
}

/* ---- expressions ------------------------------------------------------------------------------
 */

/* The part of a program compared: [from, to). */
struct side {
    const struct answer_prog *p;
    uint32_t from, to;
};

static struct side whole(const struct answer_prog *p)
{
    return (struct side){p, 0, p->n};
}

/* The side of equation p opposite its lone variable (v = E gives E), if it has one. */
static bool value_side(const struct answer_prog *p, struct side *ret)
{
    if (!p->equation)
        return false;
    if (p->lhs_var >= 0) { /* x = E */
        *ret = (struct side){p, p->lhs_end, p->n - 1};
        return true;
    }
    if (p->rhs_var >= 0) { /* E = x */
        *ret = (struct side){p, 0, p->lhs_end};
        return true;
    }
    return false;
}

static void draw_point(struct rng *r, uint32_t vars, unsigned k, double *x)
{
    for (int v = 0; v < 26; v++) {
        if (!(vars & (1u << v)))
            continue;
        if (k % 2 == 0) {
            x[v] = rng_uniform(r, -10.0, 10.0);
        } else {
            double mag = rng_uniform(r, 0.1, 3.0);
            x[v] = rng_double(r) < 0.5 ? -mag : mag;
        }
    }
}

static int compare_sides(const struct answer_spec *sp, struct side e, struct side g, bool ratio,
                         struct answer_work *w, struct answer_result *ret)
{
    struct rng r;
    double x[26] = {0}, ratio0 = 0;
    uint32_t vars = e.p->vars | g.p->vars;
    unsigned both = 0, e_def = 0, g_def = 0, draws = vars ? MAX_DRAWS : 1;
    bool have_ratio = false;

    rng_seed(&r, sp->seed);
    for (unsigned k = 0; k < draws && both < WANT_POINTS; k++) {
        double ve, me, vg, mg;
        bool de, dg;
        draw_point(&r, vars, k, x);
        de = answer_expr_eval(e.p, e.from, e.to, x, w->val, w->mag, &ve, &me);
        dg = answer_expr_eval(g.p, g.from, g.to, x, w->val, w->mag, &vg, &mg);
        e_def += de;
        g_def += dg;
        if (!de || !dg)
            continue;
        double te = AGREE * me + 1e-300, tg = AGREE * mg + 1e-300;
        if (!ratio) {
            both++;
            if (!(fabs(ve - vg) <= te + tg)) {
                set_reason(ret, false, "not_equivalent");
                return 0;
            }
            continue;
        }
        /* equations: (left - right) proportional, never 0 on one side only */
        bool ze = fabs(ve) <= te, zg = fabs(vg) <= tg;
        if (ze && zg)
            continue; /* a solution of both: says nothing about the ratio */
        if (ze != zg) {
            set_reason(ret, false, "not_equivalent");
            return 0;
        }
        both++;
        double q = ve / vg, tol = AGREE * (me / fabs(ve) + mg / fabs(vg)) + 1e-12;
        if (!have_ratio) {
            ratio0 = q;
            have_ratio = true;
        } else if (!(fabs(q - ratio0) <= tol * fabs(ratio0))) {
            set_reason(ret, false, "not_equivalent");
            return 0;
        }
    }
    if (e_def == 0) {
        set_reason(ret, false, "undefined");
        return -EINVAL;
    }
    if (g_def == 0) {
        set_reason(ret, false, "undefined");
        return 0;
    }
    if (vars == 0 ? both < 1 : both < MIN_POINTS) {
        set_reason(ret, false, "cannot_decide");
        return 0;
    }
    set_reason(ret, true, "equivalent");
    return 0;
}

static int expr_error(struct answer_result *ret, int r, const char *s, size_t len,
                      const struct answer_prog *p)
{
    if (r == -EILSEQ)
        set_reason(ret, false, "bad_encoding");
    else if (r == -E2BIG)
        set_reason(ret, false, len > ANSWER_MAX_LEN ? "too_long" : "too_complex");
    else
        set_parse_error(ret, s, len, p->pos);
    return r;
}

static int check_expression(const struct answer_spec *sp, const char *e, size_t el, const char *g,
                            size_t gl, struct answer_work *w, struct answer_result *ret)
{
    struct answer_prog *pe = &w->prog[0], *pg = &w->prog[1];
    struct side se, sg;
    int r;

    r = answer_expr_parse(e, el, pe);
    if (r < 0) {
        expr_error(ret, r, e, el, pe);
        return -EINVAL;
    }
    r = answer_expr_parse(g, gl, pg);
    if (r < 0) {
        expr_error(ret, r, g, gl, pg);
        return 0;
    }
    if (pe->equation && pg->equation)
        return compare_sides(sp, whole(pe), whole(pg), true, w, ret);
    if (pe->equation) { /* x = 14 accepts 14 */
        if (!value_side(pe, &se)) {
            set_reason(ret, false, "not_equivalent");
            return 0;
        }
        return compare_sides(sp, se, whole(pg), false, w, ret);
    }
    if (pg->equation) { /* 14 is answered by x = 14 */
        if (!value_side(pg, &sg)) {
            set_reason(ret, false, "not_equivalent");
            return 0;
        }
        return compare_sides(sp, whole(pe), sg, false, w, ret);
    }
    return compare_sides(sp, whole(pe), whole(pg), false, w, ret);
}

/* ---- choices and text ------------------------------------------------------------------------ */

struct items {
    const char *s[MAX_CHOICES];
    size_t len[MAX_CHOICES];
    unsigned n;
};

/* Split normalised text on commas (and semicolons); trimmed, empty items dropped, duplicates once.
 */
static int split_choices(const char *s, size_t len, struct items *it)
{
    size_t i = 0;
    it->n = 0;
    while (i <= len) {
        size_t a = i, b;
        while (i < len && s[i] != ',' && s[i] != ';')
            i++;
        b = i;
        while (a < b && s[a] == ' ')
            a++;
        while (b > a && s[b - 1] == ' ')
            b--;
        if (b > a) {
            bool dup = false;
            for (unsigned k = 0; k < it->n && !dup; k++)
                dup = it->len[k] == b - a && memcmp(it->s[k], s + a, b - a) == 0;
            if (!dup) {
                if (it->n == MAX_CHOICES)
                    return -E2BIG;
                it->s[it->n] = s + a;
                it->len[it->n] = b - a;
                it->n++;
            }
        }
        i++;
    }
    return 0;
}

static bool has_item(const struct items *it, const char *s, size_t len)
{
    for (unsigned k = 0; k < it->n; k++)
        if (it->len[k] == len && memcmp(it->s[k], s, len) == 0)
            return true;
    return false;
}

static int check_choice(const char *e, size_t el, const char *g, size_t gl, struct answer_work *w,
                        struct answer_result *ret)
{
    struct items ie, ig;
    bool extra = false, missing = false;
    int ne = answer_normalize_text(e, el, w->norm[0], sizeof(w->norm[0]));
    int ng = answer_normalize_text(g, gl, w->norm[1], sizeof(w->norm[1]));

    if (ne < 0 || split_choices(w->norm[0], (size_t)ne, &ie) < 0 || ie.n == 0) {
        set_reason(ret, false, ne < 0 ? "bad_encoding" : ie.n == 0 ? "empty" : "too_long");
        return -EINVAL;
    }
    if (ng < 0 || split_choices(w->norm[1], (size_t)ng, &ig) < 0) {
        set_reason(ret, false, ng < 0 ? "bad_encoding" : "too_long");
        return 0;
    }
    if (ig.n == 0) {
        set_reason(ret, false, "empty");
        return 0;
    }
    for (unsigned k = 0; k < ig.n; k++)
        extra |= !has_item(&ie, ig.s[k], ig.len[k]);
    for (unsigned k = 0; k < ie.n; k++)
        missing |= !has_item(&ig, ie.s[k], ie.len[k]);
    if (!extra && !missing)
        set_reason(ret, true, "equal");
    else if (extra && missing)
        set_reason(ret, false, "different_choice");
    else
        set_reason(ret, false, extra ? "extra_choice" : "missing_choice");
    return 0;
}

static int check_text(const char *e, size_t el, const char *g, size_t gl, struct answer_work *w,
                      struct answer_result *ret)
{
    int ne = answer_normalize_text(e, el, w->norm[0], sizeof(w->norm[0]));
    int ng = answer_normalize_text(g, gl, w->norm[1], sizeof(w->norm[1]));

    if (ne <= 0) {
        set_reason(ret, false, ne < 0 ? "bad_encoding" : "empty");
        return -EINVAL;
    }
    if (ng < 0) {
        set_reason(ret, false, "bad_encoding");
        return 0;
    }
    if (ng == 0) {
        set_reason(ret, false, "empty");
        return 0;
    }
    if (ne == ng && memcmp(w->norm[0], w->norm[1], (size_t)ne) == 0)
        set_reason(ret, true, "equal");
    else
        set_reason(ret, false, "different_text");
    return 0;
}

/* ---- the entry point ------------------------------------------------------------------------ */

static bool blank(const char *s, size_t len)
{
    return skip_space(s, len, 0) == len;
}

int answer_check(const struct answer_spec *sp, const char *e, size_t el, const char *g, size_t gl,
                 struct answer_work *w, struct answer_result *ret)
{
    if (!ret)
        return -EINVAL;
    set_reason(ret, false, "invalid");
    if (!sp || !e || !w || (!g && gl > 0))
        return -EINVAL;
    if (!g)
        g = "";
    if (!(sp->abs_tol >= 0) || !(sp->rel_tol >= 0) || !isfinite(sp->abs_tol) ||
        !isfinite(sp->rel_tol) || sp->type < ANSWER_NUMBER || sp->type > ANSWER_TEXT) {
        set_reason(ret, false, "bad_spec");
        return -EINVAL;
    }
    /* the expected answer first: its faults are the caller's */
    if (el > ANSWER_MAX_LEN) {
        set_reason(ret, false, "too_long");
        return -EINVAL;
    }
    if (answer_utf8_check(e, el) < 0) {
        set_reason(ret, false, "bad_encoding");
        return -EINVAL;
    }
    if (blank(e, el)) {
        set_reason(ret, false, "empty");
        return -EINVAL;
    }
    if (gl > ANSWER_MAX_LEN) {
        set_reason(ret, false, "too_long");
        return 0;
    }
    if (answer_utf8_check(g, gl) < 0) {
        set_reason(ret, false, "bad_encoding");
        return 0;
    }
    if (blank(g, gl)) {
        set_reason(ret, false, "empty");
        return 0;
    }
    switch (sp->type) {
    case ANSWER_NUMBER:
        return check_number(sp, e, el, g, gl, ret);
    case ANSWER_FRACTION:
        return check_fraction(sp, e, el, g, gl, ret);
    case ANSWER_EXPRESSION:
        return check_expression(sp, e, el, g, gl, w, ret);
    case ANSWER_CHOICE:
        return check_choice(e, el, g, gl, w, ret);
    case ANSWER_TEXT:
        return check_text(e, el, g, gl, w, ret);
    }
    return -EINVAL;
}

/*
 * Answer checking, expressions: a recursive-descent reader of the syntax
 * in answer.h (plain text and a LaTeX subset) that compiles to postfix
 * operations in the caller's struct answer_prog, and their evaluator.
 *
 * Bounded: at most ANSWER_MAX_NODES operations and ANSWER_MAX_DEPTH levels
 * of nesting (the recursion depth of the reader), inputs of at most
 * ANSWER_MAX_LEN bytes; every loop advances through the input. No
 * allocation, no globals.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "core/answer.h"
#include "core/answer_internal.h"

#define PI 3.14159265358979323846

enum {
    OP_NUM = 1,
    OP_VAR,
    OP_ADD,
    OP_SUB,
    OP_MUL,
    OP_DIV,
    OP_POW,
    OP_NEG,
    OP_SQRT,
    OP_CBRT,
    OP_ROOT, /* radicand, index */
    OP_ABS,
    OP_LN,
    OP_LOG,
    OP_EXP,
    OP_SIN,
    OP_COS,
    OP_TAN,
    OP_EQ, /* left - right */
};

enum tok_kind {
    T_END,
    T_NUM,
    T_VAR,
    T_PI,
    T_FUNC,  /* fn: an OP_ */
    T_OPEN,  /* ch: ( [ { */
    T_CLOSE, /* ch: ) ] } */
    T_PLUS,
    T_MINUS,
    T_STAR,
    T_SLASH,
    T_CARET,
    T_EQUALS,
    T_BAR,
    T_SUP, /* superscript 2 or 3: val */
    T_RADICAL,
    T_FRAC,
    T_LSQRT,
    T_BAD,
};

struct tok {
    enum tok_kind kind;
    size_t start, end;
    double val;
    int var, fn;
    char ch;
};

struct parser {
    const char *s;
    size_t len, i;
    struct answer_prog *p;
    int depth, in_abs;
    int err; /* 0, -EINVAL, -E2BIG, -EILSEQ */
    size_t err_pos;
    bool last_num; /* the last factor was a bare number (no implicit 2 3) */
};

static void fail(struct parser *ps, int err, size_t pos)
{
    if (!ps->err) {
        ps->err = err;
        ps->err_pos = pos;
    }
}

static void emit(struct parser *ps, uint8_t op, int var, double val)
{
    struct answer_prog *p = ps->p;
    if (ps->err)
        return;
    if (p->n >= ANSWER_MAX_NODES) {
        fail(ps, -E2BIG, ps->i);
        return;
    }
    p->op[p->n].op = op;
    p->op[p->n].var = (uint8_t)(var < 0 ? 0 : var);
    p->op[p->n].val = val;
    p->n++;
    if (op == OP_VAR)
        p->vars |= 1u << var;
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char fold(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

/* Does s[i..] start with the (lower case) word w, case-insensitively? */
static bool word_at(const char *s, size_t len, size_t i, const char *w)
{
    size_t n = strlen(w);
    if (len - i < n)
        return false;
    for (size_t k = 0; k < n; k++)
        if (fold(s[i + k]) != w[k])
            return false;
    return true;
}

static const struct {
    const char *name;
    int op;
} funcs[] = {
    {"sqrt", OP_SQRT}, {"cbrt", OP_CBRT}, {"abs", OP_ABS}, {"ln", OP_LN},   {"log", OP_LOG},
    {"exp", OP_EXP},   {"sin", OP_SIN},   {"cos", OP_COS}, {"tan", OP_TAN},
};

/* The token at ps->i (not consumed), white space and LaTeX spacing skipped. */
static void peek(struct parser *ps, struct tok *t)
{
    const char *s = ps->s;
    size_t len = ps->len, i = ps->i;

    for (;;) {
        size_t j = i;
        int32_t c = i < len ? answer_utf8_next(s, len, &j) : 0;
        if (i < len && c > 0 && answer_is_space(c)) {
            i = j;
            continue;
        }
        if (i + 1 < len && s[i] == '\\' &&
            (s[i + 1] == ',' || s[i + 1] == ';' || s[i + 1] == '!' || s[i + 1] == ':' ||
             s[i + 1] == ' ')) {
            i += 2;
            continue;
        }
        if (i < len && s[i] == '\\' &&
            (word_at(s, len, i + 1, "left") || word_at(s, len, i + 1, "right"))) {
            size_t w = word_at(s, len, i + 1, "left") ? 4 : 5;
            if (!(i + 1 + w < len && is_alpha(s[i + 1 + w]))) {
                i += 1 + w;
                continue;
            }
        }
        break;
    }
    memset(t, 0, sizeof(*t));
    t->start = i;
    t->end = i;
    if (i >= len) {
        t->kind = T_END;
        return;
    }
    char c = s[i];
    size_t j = i;
    int32_t cp = answer_utf8_next(s, len, &j);
    if (cp < 0) {
        t->kind = T_BAD;
        fail(ps, -EILSEQ, i);
        return;
    }
    t->end = j;
    if ((c >= '0' && c <= '9') || (c == '.' && i + 1 < len && s[i + 1] >= '0' && s[i + 1] <= '9')) {
        struct answer_dec d;
        size_t e;
        int r = answer_dec_read(s, len, i, &e, &d);
        if (r <= 0) { /* 1,000: ambiguous separator; point at the comma */
            t->kind = T_BAD;
            t->end = e;
            fail(ps, -EINVAL, e);
            return;
        }
        t->kind = T_NUM;
        t->val = answer_dec_value(&d);
        t->end = e;
        return;
    }
    if (is_alpha(c)) {
        for (size_t k = 0; k < sizeof(funcs) / sizeof(funcs[0]); k++)
            if (word_at(s, len, i, funcs[k].name)) {
                t->kind = T_FUNC;
                t->fn = funcs[k].op;
                t->end = i + strlen(funcs[k].name);
                return;
            }
        if (word_at(s, len, i, "pi")) {
            t->kind = T_PI;
            t->end = i + 2;
            return;
        }
        t->kind = T_VAR;
        t->var = fold(c) - 'a';
        return;
    }
    if (c == '\\') {
        static const struct {
            const char *name;
            enum tok_kind kind;
            int fn;
        } tex[] = {
            {"dfrac", T_FRAC, 0},    {"tfrac", T_FRAC, 0},    {"frac", T_FRAC, 0},
            {"sqrt", T_LSQRT, 0},    {"cdot", T_STAR, 0},     {"times", T_STAR, 0},
            {"div", T_SLASH, 0},     {"pi", T_PI, 0},         {"ln", T_FUNC, OP_LN},
            {"log", T_FUNC, OP_LOG}, {"exp", T_FUNC, OP_EXP}, {"sin", T_FUNC, OP_SIN},
            {"cos", T_FUNC, OP_COS}, {"tan", T_FUNC, OP_TAN},
        };
        for (size_t k = 0; k < sizeof(tex) / sizeof(tex[0]); k++) {
            size_t n = strlen(tex[k].name);
            if (word_at(s, len, i + 1, tex[k].name) &&
                !(i + 1 + n < len && is_alpha(s[i + 1 + n]))) {
                t->kind = tex[k].kind;
                t->fn = tex[k].fn;
                t->end = i + 1 + n;
                return;
            }
        }
        if (i + 1 < len && (s[i + 1] == '{' || s[i + 1] == '}')) {
            t->kind = s[i + 1] == '{' ? T_OPEN : T_CLOSE; /* \{ \} as braces */
            t->ch = s[i + 1];
            t->end = i + 2;
            return;
        }
        t->kind = T_BAD;
        return;
    }
    switch (cp) {
    case '(':
    case '[':
    case '{':
        t->kind = T_OPEN;
        t->ch = c;
        return;
    case ')':
    case ']':
    case '}':
        t->kind = T_CLOSE;
        t->ch = c;
        return;
    case '+':
        t->kind = T_PLUS;
        return;
    case '-':
    case 0x2212:
        t->kind = T_MINUS;
        return;
    case '*':
    case 0xd7:
    case 0x22c5:
    case 0xb7:
        t->kind = T_STAR;
        return;
    case '/':
    case 0xf7:
        t->kind = T_SLASH;
        return;
    case '^':
        t->kind = T_CARET;
        return;
    case '=':
        t->kind = T_EQUALS;
        return;
    case '|':
        t->kind = T_BAR;
        return;
    case 0xb2:
    case 0xb3:
        t->kind = T_SUP;
        t->val = cp == 0xb2 ? 2 : 3;
        return;
    case 0x221a:
        t->kind = T_RADICAL;
        return;
    case 0x3c0:
        t->kind = T_PI;
        return;
    default:
        t->kind = T_BAD;
        return;
    }
}

static void take(struct parser *ps, const struct tok *t)
{
    ps->i = t->end;
}

static char closer(char open)
{
    return open == '(' ? ')' : open == '[' ? ']' : '}';
}

static void parse_sum(struct parser *ps);
static void parse_unary(struct parser *ps);

static bool enter(struct parser *ps)
{
    if (++ps->depth > ANSWER_MAX_DEPTH) {
        fail(ps, -E2BIG, ps->i);
        return false;
    }
    return true;
}

/* A group: ( sum ) with the matching closer. */
static void parse_group(struct parser *ps, const struct tok *open)
{
    struct tok t;
    int saved_abs = ps->in_abs;

    take(ps, open);
    ps->in_abs = 0;
    parse_sum(ps);
    ps->in_abs = saved_abs;
    if (ps->err)
        return;
    peek(ps, &t);
    if (t.kind != T_CLOSE || t.ch != closer(open->ch)) {
        fail(ps, -EINVAL, t.start);
        return;
    }
    take(ps, &t);
}

/* A LaTeX argument: {sum}, or one token (\frac12, \sqrt2). */
static void parse_tex_arg(struct parser *ps)
{
    struct tok t;
    peek(ps, &t);
    if (t.kind == T_OPEN && t.ch == '{') {
        parse_group(ps, &t);
        return;
    }
    if (t.kind == T_NUM && ps->s[t.start] >= '0' && ps->s[t.start] <= '9') {
        ps->i = t.start + 1; /* one digit: \frac12 is 1/2 */
        emit(ps, OP_NUM, -1, (double)(ps->s[t.start] - '0'));
        return;
    }
    if (t.kind == T_VAR) {
        take(ps, &t);
        emit(ps, OP_VAR, t.var, 0);
        return;
    }
    fail(ps, -EINVAL, t.start);
}

static void parse_primary(struct parser *ps)
{
    struct tok t;

    if (ps->err || !enter(ps))
        return;
    peek(ps, &t);
    ps->last_num = false;
    switch (t.kind) {
    case T_NUM:
        take(ps, &t);
        emit(ps, OP_NUM, -1, t.val);
        ps->last_num = true;
        break;
    case T_VAR:
        take(ps, &t);
        emit(ps, OP_VAR, t.var, 0);
        break;
    case T_PI:
        take(ps, &t);
        emit(ps, OP_NUM, -1, PI);
        break;
    case T_OPEN:
        parse_group(ps, &t);
        break;
    case T_BAR: {
        take(ps, &t);
        int saved = ps->in_abs;
        ps->in_abs = 1;
        parse_sum(ps);
        ps->in_abs = saved;
        if (ps->err)
            break;
        peek(ps, &t);
        if (t.kind != T_BAR) {
            fail(ps, -EINVAL, t.start);
            break;
        }
        take(ps, &t);
        emit(ps, OP_ABS, -1, 0);
        break;
    }
    case T_FUNC: {
        struct tok o;
        take(ps, &t);
        peek(ps, &o);
        if (o.kind != T_OPEN || o.ch == '{') {
            fail(ps, -EINVAL, o.start);
            break;
        }
        parse_group(ps, &o);
        emit(ps, (uint8_t)t.fn, -1, 0);
        break;
    }
    case T_RADICAL: {
        take(ps, &t);
        parse_primary(ps); /* √x, √(x+1), √2 */
        emit(ps, OP_SQRT, -1, 0);
        ps->last_num = false;
        break;
    }
    case T_LSQRT: {
        struct tok o;
        take(ps, &t);
        peek(ps, &o);
        if (o.kind == T_OPEN && o.ch == '[') {
            uint32_t idx_start = ps->p->n, idx_end;
            parse_group(ps, &o); /* the index, evaluated after the radicand */
            idx_end = ps->p->n;
            parse_tex_arg(ps);
            if (ps->err)
                break;
            /* move the index after the radicand: rotate op[idx_start, n) */
            struct answer_prog *p = ps->p;
            uint32_t a = idx_end - idx_start, n = p->n - idx_start;
            for (uint32_t r = 0; r < a; r++) { /* a and n are at most ANSWER_MAX_NODES */
                struct answer_op first = p->op[idx_start];
                memmove(&p->op[idx_start], &p->op[idx_start + 1],
                        (n - 1) * sizeof(struct answer_op));
                p->op[idx_start + n - 1] = first;
            }
            emit(ps, OP_ROOT, -1, 0);
        } else {
            parse_tex_arg(ps);
            emit(ps, OP_SQRT, -1, 0);
        }
        break;
    }
    case T_FRAC:
        take(ps, &t);
        parse_tex_arg(ps);
        parse_tex_arg(ps);
        emit(ps, OP_DIV, -1, 0);
        break;
    default:
        fail(ps, -EINVAL, t.start);
        break;
    }
    ps->depth--;
}

/* primary [² ³]* [^ unary] */
static void parse_power(struct parser *ps)
{
    struct tok t;
    parse_primary(ps);
    for (;;) {
        if (ps->err)
            return;
        peek(ps, &t);
        if (t.kind != T_SUP)
            break;
        take(ps, &t);
        emit(ps, OP_NUM, -1, t.val);
        emit(ps, OP_POW, -1, 0);
        ps->last_num = false;
    }
    if (t.kind == T_CARET) {
        take(ps, &t);
        peek(ps, &t);
        if (t.kind == T_OPEN && t.ch == '{') { /* x^{n} */
            if (!enter(ps))
                return;
            parse_group(ps, &t);
            ps->depth--;
        } else {
            parse_unary(ps);
        }
        emit(ps, OP_POW, -1, 0);
        ps->last_num = false;
    }
}

static void parse_unary(struct parser *ps)
{
    struct tok t;
    if (ps->err || !enter(ps))
        return;
    peek(ps, &t);
    if (t.kind == T_MINUS || t.kind == T_PLUS) {
        take(ps, &t);
        parse_unary(ps);
        if (t.kind == T_MINUS)
            emit(ps, OP_NEG, -1, 0);
        ps->last_num = false;
    } else {
        parse_power(ps);
    }
    ps->depth--;
}

/* Can t start a factor multiplied implicitly by what came before? */
static bool starts_factor(const struct parser *ps, const struct tok *t)
{
    switch (t->kind) {
    case T_NUM:
        return !ps->last_num; /* never 2 3 */
    case T_VAR:
    case T_PI:
    case T_FUNC:
    case T_RADICAL:
    case T_LSQRT:
    case T_FRAC:
        return true;
    case T_OPEN:
        return true;
    case T_BAR:
        return !ps->in_abs; /* inside |...| a bar closes */
    default:
        return false;
    }
}

static void parse_term(struct parser *ps)
{
    struct tok t;
    parse_unary(ps);
    for (;;) {
        if (ps->err)
            return;
        peek(ps, &t);
        if (t.kind == T_STAR || t.kind == T_SLASH) {
            take(ps, &t);
            parse_unary(ps);
            emit(ps, t.kind == T_STAR ? OP_MUL : OP_DIV, -1, 0);
        } else if (starts_factor(ps, &t)) {
            parse_power(ps);
            emit(ps, OP_MUL, -1, 0);
        } else if (t.kind == T_NUM) {
            fail(ps, -EINVAL, t.start); /* two numbers in a row: "2 3", "1 1/2" */
            return;
        } else {
            return;
        }
    }
}

static void parse_sum(struct parser *ps)
{
    struct tok t;
    if (ps->err || !enter(ps))
        return;
    parse_term(ps);
    for (;;) {
        if (ps->err)
            break;
        peek(ps, &t);
        if (t.kind != T_PLUS && t.kind != T_MINUS)
            break;
        take(ps, &t);
        parse_term(ps);
        emit(ps, t.kind == T_PLUS ? OP_ADD : OP_SUB, -1, 0);
    }
    ps->depth--;
}

/* Strip white space and one pair of $ or $$ delimiters around the whole. */
static void strip_math(const char *s, size_t *lo, size_t *hi)
{
    size_t a = *lo, b = *hi;
    while (a < b && (s[a] == ' ' || (s[a] >= 0x09 && s[a] <= 0x0d)))
        a++;
    while (b > a && (s[b - 1] == ' ' || (s[b - 1] >= 0x09 && s[b - 1] <= 0x0d)))
        b--;
    if (b - a >= 4 && s[a] == '$' && s[a + 1] == '$' && s[b - 1] == '$' && s[b - 2] == '$') {
        a += 2;
        b -= 2;
    } else if (b - a >= 2 && s[a] == '$' && s[b - 1] == '$') {
        a += 1;
        b -= 1;
    }
    *lo = a;
    *hi = b;
}

int answer_expr_parse(const char *s, size_t len, struct answer_prog *prog)
{
    struct parser ps = {.s = s, .p = prog};
    struct tok t;
    size_t lo = 0, hi = len;

    if (!s || !prog)
        return -EINVAL;
    prog->n = 0;
    prog->vars = 0;
    prog->equation = false;
    prog->lhs_var = prog->rhs_var = -1;
    prog->lhs_end = 0;
    prog->pos = 0;
    if (len > ANSWER_MAX_LEN)
        return -E2BIG;
    if (answer_utf8_check(s, len) < 0)
        return -EILSEQ;
    strip_math(s, &lo, &hi);
    ps.i = lo;
    ps.len = hi;
    parse_sum(&ps);
    if (!ps.err) {
        peek(&ps, &t);
        if (t.kind == T_EQUALS) {
            prog->lhs_end = prog->n;
            if (prog->n == 1 && prog->op[0].op == OP_VAR)
                prog->lhs_var = prog->op[0].var;
            take(&ps, &t);
            ps.last_num = false;
            parse_sum(&ps);
            if (!ps.err) {
                if (prog->n == prog->lhs_end + 1 && prog->op[prog->lhs_end].op == OP_VAR)
                    prog->rhs_var = prog->op[prog->lhs_end].var;
                emit(&ps, OP_EQ, -1, 0);
                prog->equation = true;
                peek(&ps, &t);
            }
        }
        if (!ps.err && t.kind != T_END)
            fail(&ps, -EINVAL, t.start);
    }
    if (!ps.err && prog->n == 0)
        fail(&ps, -EINVAL, lo);
    prog->pos = (uint32_t)(ps.err ? ps.err_pos : ps.i);
    return ps.err;
}

/* ---- evaluation -------------------------------------------------------------------------- */

bool answer_expr_eval(const struct answer_prog *prog, uint32_t from, uint32_t to, const double *x,
                      double *v, double *m, double *ret_val, double *ret_mag)
{
    uint32_t sp = 0;

    for (uint32_t k = from; k < to && k < prog->n; k++) {
        const struct answer_op *o = &prog->op[k];
        double a, b, ma, mb, r, mr;

        switch (o->op) {
        case OP_NUM:
            v[sp] = o->val;
            m[sp] = fabs(o->val);
            sp++;
            continue;
        case OP_VAR:
            v[sp] = x[o->var];
            m[sp] = fabs(x[o->var]);
            sp++;
            continue;
        default:
            break;
        }
        if (o->op == OP_ADD || o->op == OP_SUB || o->op == OP_MUL || o->op == OP_DIV ||
            o->op == OP_POW || o->op == OP_ROOT || o->op == OP_EQ) {
            if (sp < 2)
                return false;
            sp--;
            a = v[sp - 1];
            ma = m[sp - 1];
            b = v[sp];
            mb = m[sp];
            switch (o->op) {
            case OP_ADD:
                r = a + b;
                mr = ma + mb;
                break;
            case OP_SUB:
            case OP_EQ:
                r = a - b;
                mr = ma + mb;
                break;
            case OP_MUL:
                r = a * b;
                mr = ma * mb;
                break;
            case OP_DIV:
                if (b == 0)
                    return false;
                r = a / b;
                mr = (ma + fabs(r) * mb) / fabs(b);
                break;
            case OP_POW:
                if (a == 0 && b <= 0)
                    return false;
                r = pow(a, b);
                mr = fabs(r) * (1.0 + (a != 0 ? fabs(b) * ma / fabs(a) : 0.0) +
                                fabs(log(fabs(a) > 0 ? fabs(a) : 1.0)) * mb);
                break;
            default: { /* OP_ROOT: a radicand, b index */
                double n = nearbyint(b);
                if (fabs(b - n) > 1e-9 || n < 2 || n > 1e6)
                    return false;
                if (a < 0 && fmod(n, 2.0) == 0)
                    return false;
                r = a < 0 ? -pow(-a, 1.0 / n) : pow(a, 1.0 / n);
                mr = fabs(r) + (r != 0 ? ma / (n * pow(fabs(r), n - 1)) : pow(ma, 1.0 / n));
                break;
            }
            }
        } else {
            if (sp < 1)
                return false;
            a = v[sp - 1];
            ma = m[sp - 1];
            switch (o->op) {
            case OP_NEG:
                r = -a;
                mr = ma;
                break;
            case OP_ABS:
                r = fabs(a);
                mr = ma;
                break;
            case OP_SQRT:
                if (a < 0)
                    return false;
                r = sqrt(a);
                mr = r > 0 ? r + ma / (2 * r) : sqrt(ma);
                break;
            case OP_CBRT:
                r = cbrt(a);
                mr = r != 0 ? fabs(r) + ma / (3 * r * r) : cbrt(ma);
                break;
            case OP_LN:
            case OP_LOG:
                if (a <= 0)
                    return false;
                r = o->op == OP_LN ? log(a) : log10(a);
                mr = fabs(r) + ma / a;
                break;
            case OP_EXP:
                r = exp(a);
                mr = r * (1 + ma);
                break;
            case OP_SIN:
            case OP_COS:
                r = o->op == OP_SIN ? sin(a) : cos(a);
                mr = 1 + ma;
                break;
            case OP_TAN:
                r = tan(a);
                mr = fabs(r) + (1 + r * r) * ma;
                break;
            default:
                return false;
            }
        }
        if (!isfinite(r) || !isfinite(mr) || fabs(r) > 1e300 || mr > 1e300)
            return false;
        v[sp - 1] = r;
        m[sp - 1] = mr;
    }
    if (sp != 1 || !isfinite(v[0]))
        return false;
    *ret_val = v[0];
    *ret_mag = m[0];
    return true;
}

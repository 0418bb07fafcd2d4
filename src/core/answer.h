/*
 * Answer checking: is a learner's answer to a step correct, and why not.
 *
 * One call, answer_check(), compares what a learner typed (given) with an
 * accepted answer (expected) under a step's answer type:
 *
 *   number      a decimal ("-0.75", "1e-3", "0,5"), an integer, or a
 *               fraction or mixed number taken for its value; equal within
 *               the step's tolerance (absolute, or relative to |expected|).
 *   fraction    an integer, "a/b", a mixed number "1 1/2" ("-1 1/2" is
 *               -3/2) or a decimal, compared exactly as rationals (64-bit
 *               numerators and denominators, 128-bit cross products);
 *               with `simplified`, the given form must be in lowest terms
 *               ("2/4" equals "1/2" but is not simplified; so are "4/2",
 *               "2/1", "1 2/4", "0/5", and a decimal where a fraction is
 *               asked for).
 *   expression  an algebraic expression or an equation (see below),
 *               equivalent to the expected one when both evaluate to the
 *               same value at random points.
 *   choice      one or more labels separated by commas, compared as sets
 *               after text normalisation ("a, c" equals "C,A").
 *   text        short text, equal after normalisation: Unicode NFC for
 *               Latin letters with accents (see below), lower case (ASCII,
 *               Latin-1, Latin Extended-A), white space runs made one
 *               space, leading and trailing space dropped.
 *
 * Numbers, all types: a minus sign may be '-' or U+2212; a decimal comma is
 * accepted ("0,5" is 0.5, for Spanish-speaking learners) when the number
 * has no dot and the comma is not followed by exactly three digits ("1,000"
 * is ambiguous: reason "ambiguous_separator"); there are no thousands
 * separators. NaN, infinities and hexadecimal are not numbers.
 *
 * Expressions: numbers (decimals, no exponent: "e" is a variable),
 * variables a-z (upper case is folded to lower case; "pi" and U+03C0 are
 * pi), + - * / ^ (right-associative; -x^2 is -(x^2); 2^-1 is allowed),
 * U+00D7, U+22C5, U+00B7 for times, U+00F7 for divided by, superscript
 * two and three (x²), parentheses and brackets, |x| for the absolute
 * value, functions sqrt cbrt abs ln log (base 10) exp sin cos tan with
 * parentheses, U+221A (√x, √(x)), implicit multiplication between a
 * number, variable, function or bracket and the next one ("2x", "3(x+1)",
 * "(x+1)(x-1)", "2(3)", "xy"), but never between two numbers ("2 3" and
 * "1 1/2" are parse errors in an expression: use the fraction type for
 * mixed numbers). A LaTeX subset is read too, as content packs write it:
 * $...$ and $$...$$ around the whole, \frac{a}{b} (and \dfrac, \tfrac),
 * \sqrt{x}, \sqrt[n]{x}, \cdot, \times, \div, \pi, \left and \right, {}
 * as grouping, and the spacing commands \, \; \! and "\ ".
 * One '=' makes an equation: two equations are equivalent when
 * (left - right) of one is a constant non-zero multiple of the other's at
 * every point ("x = 14" equals "14 = x" and "2x = 28"); an expected
 * equation "v = E" with one variable alone on a side also accepts a bare E,
 * and a given "v = E" is compared by E with a bare expected expression.
 *
 * Equivalence is decided by evaluation at points drawn by a seeded
 * generator (core/rng.h, seed from the caller: no globals, no clock), each
 * variable in [-10, 10] or, for half the points, in +-[0.1, 3]. A point where
 * either side is undefined (division by zero, sqrt or ln of a negative,
 * overflow) is skipped, so "x/x" is equivalent to "1" (they agree wherever
 * both are defined) and "sqrt(x^2)" is not equivalent to "x" (they differ
 * for x < 0). Values agree when they differ by at most 1e-9 times a bound
 * on the magnitudes that went into them (a running error bound, so
 * "0.1 + 0.2" equals "0.3" and cancellation in a large polynomial does not
 * tip the answer). Up to 64 points are drawn; fewer than 6 points where both
 * are defined give "cannot_decide" (never a verdict either way).
 *
 * NFC limit: composition covers a Latin letter followed by one combining
 * mark among grave, acute, circumflex, tilde, diaeresis, ring above and
 * cedilla (U+0300-0303, 0308, 030A, 0327) whose composed form is in
 * Latin-1 (every accented letter of English and Spanish, and of French and
 * Portuguese), e.g. "n" U+0303 is "ñ". Other sequences are kept as they
 * are (a second mark on the same letter, Hangul, other scripts).
 *
 * Limits (each a reason, never a crash): an input over ANSWER_MAX_LEN
 * bytes is "too_long"; invalid UTF-8 is "bad_encoding"; an expression of
 * more than ANSWER_MAX_NODES operations or nested deeper than
 * ANSWER_MAX_DEPTH is "too_complex". The work is bounded by those: any
 * input returns in microseconds.
 *
 * Reasons (answer_result.reason), short and machine-readable:
 *   correct:   "equal", "within_tolerance", "equivalent"
 *   incorrect: "different_value", "not_equivalent", "not_simplified",
 *              "different_choice", "missing_choice", "extra_choice",
 *              "different_text", "cannot_decide", "undefined",
 *              "division_by_zero", "empty", "not_a_number",
 *              "not_a_fraction", "out_of_range", "ambiguous_separator",
 *              "parse_error at N" (N: the 1-based character where reading
 *              stopped), "too_long", "too_complex", "bad_encoding".
 *
 * Pure and reentrant: no I/O, no allocation, no globals; all scratch space
 * is the struct answer_work the caller passes.
 */
#ifndef TRELLIS_CORE_ANSWER_H
#define TRELLIS_CORE_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ANSWER_MAX_LEN   1000 /* bytes of one answer (expected or given) */
#define ANSWER_MAX_NODES 256  /* operations in one expression */
#define ANSWER_MAX_DEPTH 96   /* recursion of the expression reader (3 per bracket) */
#define ANSWER_REASON    40   /* bytes of a reason, NUL included */

enum answer_type {
    ANSWER_NUMBER,
    ANSWER_FRACTION,
    ANSWER_EXPRESSION,
    ANSWER_CHOICE,
    ANSWER_TEXT,
};

/* How a step checks its answers. */
struct answer_spec {
    enum answer_type type;
    double abs_tol;  /* number: accepted absolute difference (>= 0) */
    double rel_tol;  /* number: accepted difference relative to |expected| (>= 0) */
    bool simplified; /* fraction: the given form must be in lowest terms */
    uint64_t seed;   /* expression: seeds the evaluation points */
};

/* Defaults: a relative tolerance of 1e-9 only absorbs binary rounding. */
#define ANSWER_SPEC_DEFAULTS(t) \
    ((struct answer_spec){      \
        .type = (t), .abs_tol = 0, .rel_tol = 1e-9, .simplified = false, .seed = 1})

struct answer_result {
    bool correct;
    char reason[ANSWER_REASON];
};

/* One expression compiled to postfix operations (internal to answer*.c). */
struct answer_op {
    uint8_t op;
    uint8_t var; /* variable index 0-25 */
    double val;
};

struct answer_prog {
    struct answer_op op[ANSWER_MAX_NODES];
    uint32_t n;
    bool equation;    /* op[n - 1] is the '=' (left minus right) */
    uint32_t lhs_end; /* equation: op[0, lhs_end) is the left side */
    int lhs_var;      /* equation: the variable alone on the left, else -1 */
    int rhs_var;      /* equation: the variable alone on the right, else -1 */
    uint32_t vars;    /* bit v: variable 'a' + v occurs */
    uint32_t pos;     /* where parsing stopped (byte offset), for errors */
};

/* Scratch space for one call; may be reused, never shared between threads at once. */
struct answer_work {
    struct answer_prog prog[2];
    double val[ANSWER_MAX_NODES], mag[ANSWER_MAX_NODES];
    char norm[2][ANSWER_MAX_LEN + 1];
};

/*
 * Check `given` (given_len bytes, any content) against `expected` under
 * spec. Fills *ret and returns 0 whether the answer is correct or not; a
 * given answer that cannot be read is incorrect with its reason.
 * Returns -EINVAL (with *ret->reason saying why, and correct false) when
 * spec, expected or the arguments are bad: an expected answer that does
 * not read under its own type, a negative or NaN tolerance, an unknown
 * type. Strings need no NUL. Thread-safe with separate work areas.
 */
int answer_check(const struct answer_spec *spec, const char *expected, size_t expected_len,
                 const char *given, size_t given_len, struct answer_work *w,
                 struct answer_result *ret);

/*
 * The name of a type ("number", "fraction", "expression", "choice",
 * "text") and back: 0, or -EINVAL for an unknown name.
 */
const char *answer_type_name(enum answer_type t);
int answer_type_from_name(const char *name, size_t len, enum answer_type *ret);

/*
 * Text normalisation (the text and choice types): NFC for the Latin
 * letters described above, lower case, white space collapsed and trimmed.
 * Writes at most out_cap - 1 bytes and a NUL into out; returns the length,
 * or -EINVAL for invalid UTF-8, -E2BIG if out is too small (out_cap >=
 * len + 1 always suffices: nothing grows).
 */
int answer_normalize_text(const char *s, size_t len, char *out, size_t out_cap);

/*
 * Compile an expression (or equation) into *prog: 0, or a negative errno
 * with prog->pos where reading stopped: -EINVAL (syntax), -E2BIG (too
 * long, too many operations or nested too deep), -EILSEQ (bad UTF-8).
 */
int answer_expr_parse(const char *s, size_t len, struct answer_prog *prog);

/*
 * Evaluate prog's operations [from, to) with variables x[0..25]; *ret_mag
 * gets a bound on the magnitudes that went into the value (its rounding
 * error is about 1e-16 times that). Returns false where the expression is
 * undefined (NaN or infinite on the way). stack_v/stack_m hold
 * ANSWER_MAX_NODES doubles each.
 */
bool answer_expr_eval(const struct answer_prog *prog, uint32_t from, uint32_t to, const double *x,
                      double *stack_v, double *stack_m, double *ret_val, double *ret_mag);

#endif

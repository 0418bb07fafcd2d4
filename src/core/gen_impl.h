/*
 * What the generator files (gen_*.c) share: the state of one gen_make()
 * call and the helpers that write a problem. Private to src/core/gen*.c.
 *
 * Texts are templates in which @name stands for a value set with var_*()
 * (names are lower-case letters, digits and '_'; "@@" is an '@'). A
 * template that names a value not set is a bug: the call fails with
 * -EINVAL, and the tests run every generator on many seeds. Feedback
 * templates of wrong answers may also use @w, the wrong answer as TeX.
 *
 * Answers carry a key (two integers) that decides equality: a reduced
 * fraction (numerator, denominator) for numbers, the coefficients for a
 * linear expression, the index for a choice. A wrong answer whose key
 * equals the right answer's or an earlier wrong one's is left out.
 */
#ifndef TRELLIS_CORE_GEN_IMPL_H
#define TRELLIS_CORE_GEN_IMPL_H

#include "core/gen.h"
#include "core/rng.h"

#define GEN_VARS 40
#define GEN_VAR  320

struct gen_key {
    int64_t a, b;
};

struct gen_qkeys {
    const struct gen_q *q;
    struct gen_key right;
    bool has_right;
    struct gen_key wrong[GEN_MAX_WRONG];
};

struct gen {
    struct rng rng;
    struct gen_problem *p;
    const struct gen_info *info;
    const struct gen_params *params;
    int err;
    unsigned n_vars;
    struct {
        char name[16];
        char val[GEN_VAR];
    } vars[GEN_VARS];
    struct gen_qkeys keys[GEN_MAX_STEPS * (1 + GEN_MAX_SCAFFOLDS)];
    unsigned n_keys;
};

/* The generator groups (one per file), collected by gen.c. */
extern const struct gen_info gen_number_infos[];
extern const size_t gen_number_count;
extern const struct gen_info gen_fraction_infos[];
extern const size_t gen_fraction_count;
extern const struct gen_info gen_decimal_infos[];
extern const size_t gen_decimal_count;
extern const struct gen_info gen_ratio_infos[];
extern const size_t gen_ratio_count;
extern const struct gen_info gen_algebra_infos[];
extern const size_t gen_algebra_count;
extern const struct gen_info gen_geometry_infos[];
extern const size_t gen_geometry_count;

/* ---- numbers ---- */

/* Uniform integer in [lo, hi] (lo <= hi). */
int64_t rnd(struct gen *g, int64_t lo, int64_t hi);
/* Uniform integer in [lo, hi] other than those in avoid[0..n). */
int64_t rnd_except(struct gen *g, int64_t lo, int64_t hi, const int64_t *avoid, size_t n);
/* A parameter's value (or its default). */
int64_t param(struct gen *g, const char *name);
int64_t gcd64(int64_t a, int64_t b);
int64_t lcm64(int64_t a, int64_t b);
int64_t ipow10(int k);
/* Reduce n/d (d != 0) to lowest terms with d > 0. */
void reduce(int64_t *n, int64_t *d);

/* Format into out (at least 32 bytes): an integer; a decimal (scaled / 10^scale, no trailing
 * zeros); a fraction "n/d" (as given, sign in front); TeX for a fraction "\frac{n}{d}" (sign in
 * front, an integer when d is 1 and whole is set). */
void fmt_int(char *out, int64_t v);
void fmt_dec(char *out, int64_t scaled, int scale);
void fmt_frac(char *out, int64_t n, int64_t d);
void fmt_tex_frac(char *out, int64_t n, int64_t d);

/* Append text or an integer to dst (cap bytes, NUL-terminated); too long sets g->err. */
void sb(struct gen *g, char *dst, size_t cap, const char *s);
void sbi(struct gen *g, char *dst, size_t cap, int64_t v);
/* The digit of v (>= 0) at place k (0: ones). */
int digit_at(int64_t v, int k);
/* How many digits v (> 0) has. */
int digits_of(int64_t v);

/* ---- values for templates ---- */

void var_s(struct gen *g, const char *name, const char *s);
/* An integer, recorded in the problem's vals too (name must be static). */
void var_i(struct gen *g, const char *name, int64_t v);
/* An integer in parentheses when negative: "(-5)" (for "3 + @b"). */
void var_ip(struct gen *g, const char *name, int64_t v);
void var_dec(struct gen *g, const char *name, int64_t scaled, int scale);
/* Money in cents as dollars: "12.50", or "12" for whole dollars. */
void var_money(struct gen *g, const char *name, int64_t cents);
/* A fraction as TeX ("\frac{3}{4}", "-\frac{3}{4}"), as given (not reduced). */
void var_frac(struct gen *g, const char *name, int64_t n, int64_t d);
/* A mixed number as TeX ("2\frac{3}{4}") of the improper n/d (d > 0). */
void var_mixed(struct gen *g, const char *name, int64_t n, int64_t d);

/* ---- writing the problem ---- */

/* A new step (its question) and a new scaffold of a step. */
struct gen_q *new_step(struct gen *g);
struct gen_q *new_scaffold(struct gen *g);
void prompt(struct gen *g, struct gen_q *q, const char *en, const char *es);
/* Hints in order; the last one written must be the worked example. */
void hint(struct gen *g, struct gen_q *q, const char *en, const char *es);

/* Right answers (the first sets the key; more are alternative forms of it). */
void ans_int(struct gen *g, struct gen_q *q, int64_t v);
/* A number given as a decimal (scaled / 10^scale), checked with tolerance tol. */
void ans_dec(struct gen *g, struct gen_q *q, int64_t scaled, int scale, double tol);
/* A fraction (type fraction), printed reduced when simplified. */
void ans_frac(struct gen *g, struct gen_q *q, int64_t n, int64_t d, bool simplified);
/* A number given as a fraction n/d (type number: the value counts, any form). */
void ans_num_frac(struct gen *g, struct gen_q *q, int64_t n, int64_t d);
/* An expression (template), with its key. */
void ans_expr(struct gen *g, struct gen_q *q, const char *tmpl, struct gen_key key);
/* A choice: the options in order, then the right one's index. */
void choice(struct gen *g, struct gen_q *q, const char *en, const char *es);
void ans_choice(struct gen *g, struct gen_q *q, unsigned idx);

/* Wrong answers with their misconception and feedback (which may say @w). */
void wrong_int(struct gen *g, struct gen_q *q, int64_t v, const char *mis, const char *en,
               const char *es);
void wrong_dec(struct gen *g, struct gen_q *q, int64_t scaled, int scale, const char *mis,
               const char *en, const char *es);
/* A fraction as the learner would write it (not reduced); equal values are one answer. */
void wrong_frac(struct gen *g, struct gen_q *q, int64_t n, int64_t d, const char *mis,
                const char *en, const char *es);
void wrong_expr(struct gen *g, struct gen_q *q, const char *tmpl, struct gen_key key,
                const char *mis, const char *en, const char *es);
void wrong_choice(struct gen *g, struct gen_q *q, unsigned idx, const char *mis, const char *en,
                  const char *es);

#endif

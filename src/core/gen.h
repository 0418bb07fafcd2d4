/*
 * Parametric problem generators: a problem instance with fresh numbers
 * from a 64-bit seed, for the skills of grades 3 to 8 mathematics.
 *
 * gen_make(name, params, seed, out) fills the caller's struct gen_problem
 * with one or more steps. Each step has a prompt in English and Spanish
 * (text with $...$ TeX math, see core/mathml.h), an answer type and the
 * accepted answers in the forms the answer checker reads ("7/12", "3.45",
 * "-4", "3x+12", a choice id), the typical wrong answers each with the id
 * of the misconception it signals and feedback naming it, an ordered list
 * of hints whose last is a worked example with the instance's own
 * numbers, and scaffold sub-questions (smaller steps of the same kind,
 * without scaffolds of their own).
 *
 * The same name, params and seed always give the same problem; different
 * seeds give different numbers with high probability, and each generator
 * avoids its degenerate cases (no x = 0 in an equation, no fraction that
 * is already whole, no wrong answer equal to the right one: a wrong answer
 * whose value equals the right one, or an earlier wrong one, is dropped).
 *
 * Text is written with English and Spanish conventions of the pack
 * (docs/CONTENT.md): a decimal point in both languages, no thousands
 * separators in numbers, "\$" for a dollar sign.
 *
 * Pure and reentrant: no I/O, no allocation, no globals, no clock; all
 * state is in the caller's struct gen_problem (about 40 KB: allocate it, do
 * not put it on a small stack). Texts live in the problem's pool and are
 * read with gen_str().
 */
#ifndef TRELLIS_CORE_GEN_H
#define TRELLIS_CORE_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum gen_lang { GEN_EN = 0, GEN_ES = 1, GEN_LANGS = 2 };

#define GEN_MAX_STEPS     3
#define GEN_MAX_SCAFFOLDS 3
#define GEN_MAX_HINTS     5
#define GEN_MAX_WRONG     5
#define GEN_MAX_ANSWERS   3
#define GEN_MAX_CHOICES   4
#define GEN_MAX_VALS      12
#define GEN_MAX_PARAMS    8
#define GEN_ANSWER        48    /* bytes of one answer, NUL included */
#define GEN_POOL          24576 /* bytes of text per problem */

/* A text in both languages: offsets into the problem's pool (0: empty). */
struct gen_text {
    uint32_t off[GEN_LANGS];
};

struct gen_choice {
    char id[4]; /* "a", "b" ... : what the learner's answer names */
    struct gen_text text;
};

struct gen_wrong {
    char answer[GEN_ANSWER];   /* as a learner would type it */
    const char *misconception; /* an id of gen_misconception(), static */
    struct gen_text feedback;  /* names the misconception, in both languages */
};

/* One question: a step, or a scaffold sub-question of a step. */
struct gen_q {
    struct gen_text prompt;
    const char *type; /* "number", "fraction", "expression", "choice" or "text" */
    char answers[GEN_MAX_ANSWERS][GEN_ANSWER];
    unsigned n_answers;
    double tolerance; /* number: accepted absolute difference (0: exact) */
    bool simplified;  /* fraction: the answer must be in lowest terms */
    struct gen_choice choices[GEN_MAX_CHOICES];
    unsigned n_choices;
    struct gen_wrong wrong[GEN_MAX_WRONG];
    unsigned n_wrong;
    struct gen_text hints[GEN_MAX_HINTS]; /* in order; the last is a worked example */
    unsigned n_hints;
};

struct gen_step {
    struct gen_q q;
    struct gen_q scaffolds[GEN_MAX_SCAFFOLDS];
    unsigned n_scaffolds;
};

/* A number the generator drew, by name (for tests and for reports). */
struct gen_val {
    const char *name; /* static */
    int64_t v;
};

struct gen_problem {
    const char *generator; /* the registry's name, static */
    uint64_t seed;
    struct gen_step steps[GEN_MAX_STEPS];
    unsigned n_steps;
    struct gen_val vals[GEN_MAX_VALS];
    unsigned n_vals;
    uint32_t pool_len;
    char pool[GEN_POOL];
};

/* A parameter of a generator: an integer in [min, max], def when not given. */
struct gen_param {
    const char *name;
    int64_t min, max, def;
    const char *doc; /* one line, English */
};

/* Parameters given by a content item: names borrowed, each at most once. */
struct gen_params {
    unsigned n;
    struct {
        const char *name;
        int64_t value;
    } p[GEN_MAX_PARAMS];
};

struct gen;

struct gen_info {
    const char *name;  /* "frac_add_unlike" */
    int grade;         /* the grade it is written for */
    const char *about; /* one line, English */
    const struct gen_param *params;
    unsigned n_params;
    const char *const *misconceptions; /* the ids it can emit, NULL-terminated */
    int (*make)(struct gen *g);
};

struct gen_misconception {
    const char *id; /* "frac-add-denominators" */
    const char *name[GEN_LANGS];
};

/* The registry: every generator, in a stable order. */
size_t gen_count(void);
const struct gen_info *gen_at(size_t i);
/* By name (len bytes, no NUL needed): NULL when there is none. */
const struct gen_info *gen_find(const char *name, size_t len);

/* Every misconception a generator can name, and one by id (NULL: none). */
size_t gen_misconception_count(void);
const struct gen_misconception *gen_misconception_at(size_t i);
const struct gen_misconception *gen_misconception(const char *id, size_t len);

/*
 * Check params against a generator's: 0, or -ENOENT (a name it does not
 * take) or -ERANGE (a value outside [min, max]) or -EEXIST (a name given
 * twice), with *ret_bad the index in params of the first bad one.
 */
int gen_params_check(const struct gen_info *info, const struct gen_params *params,
                     unsigned *ret_bad);

/*
 * Make the problem of generator `name` for seed (params may be NULL: every
 * parameter at its default). 0; -ENOENT for an unknown generator; -EINVAL
 * for bad params (gen_params_check); -E2BIG if the text did not fit (a bug
 * in the generator: the tests run every generator on many seeds).
 * Thread-safe (out is the only state).
 */
int gen_make(const char *name, const struct gen_params *params, uint64_t seed,
             struct gen_problem *out);

/* A text of the problem in one language ("" when absent). Borrowed from p. */
const char *gen_str(const struct gen_problem *p, struct gen_text t, enum gen_lang lang);

/* A value the generator drew, by name: true and *ret, or false. */
bool gen_val(const struct gen_problem *p, const char *name, int64_t *ret);

#endif

/*
 * trellis check-answer: check one answer the way a practice step does
 * (src/core/answer.h) and print {"correct": true|false, "reason": "..."}.
 *
 *   check-answer --type number|fraction|expression|choice|text --expected E
 *                --given G [--simplified] [--tolerance T] [--seed N]
 *
 * A wrong answer is not an error: the exit status is 0 either way. Bad
 * arguments (a missing or unknown flag, an unknown type, a tolerance that
 * is not a non-negative number, an expected answer that does not read
 * under its type) exit 2 naming the argument. No database, no files.
 */
#include "base/common.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>

#include "base/mem.h"
#include "base/str.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "core/answer.h"

struct check_args {
    enum answer_type type;
    const char *expected, *given, *tolerance;
    bool simplified;
    int64_t seed;
};

#define ARGS struct check_args

static const struct check_args defaults = {.seed = 1};

static int parse_type(void *field, const char *value, char *why, size_t n)
{
    if (answer_type_from_name(value, strlen(value), field) < 0) {
        snprintf(why, n, "'%s' is not number, fraction, expression, choice or text", value);
        return -EINVAL;
    }
    return 0;
}

static const struct cli_option options[] = {
    {"type", CLI_CALL(ARGS, type, parse_type), .arg = "number|fraction|expression|choice|text",
     .flags = CLI_REQUIRED, .help = "how the answer is read and compared"},
    {"expected", CLI_STRING(ARGS, expected), .arg = "E", .flags = CLI_REQUIRED,
     .help = "the right answer"},
    {"given", CLI_STRING(ARGS, given), .arg = "G", .flags = CLI_REQUIRED,
     .help = "the learner's answer"},
    {"simplified", CLI_BOOL(ARGS, simplified),
     .help = "a fraction must be in lowest terms (--type fraction)"},
    {"tolerance", CLI_STRING(ARGS, tolerance), .arg = "T|T%",
     .help = "how far a number may be off: absolute (0.01) or relative (0.5%) (--type number)"},
    {"seed", CLI_INT(ARGS, seed, 0, INT64_MAX), .arg = "N",
     .help = "the seed of the random points expressions are compared at"},
    {0},
};

/* "0.01" is an absolute tolerance, "0.5%" a relative one. */
static int parse_tolerance(const char *v, struct answer_spec *spec)
{
    struct str s = str_from(v);
    bool pct = s.len > 0 && s.p[s.len - 1] == '%';
    double t;

    if (pct)
        s.len--;
    if (s.len == 0 || str_to_double(s, &t) < 0 || !(t >= 0) || !isfinite(t))
        return -EINVAL;
    if (pct) {
        spec->rel_tol = t / 100.0;
        spec->abs_tol = 0;
    } else {
        spec->abs_tol = t;
    }
    return 0;
}

static int check_check(const struct cli_run *run)
{
    const struct check_args *a = run->args;
    struct answer_spec spec = ANSWER_SPEC_DEFAULTS(a->type);

    if (a->tolerance && a->type != ANSWER_NUMBER)
        return cli_usage_error(run->cmd, "--tolerance: only for --type number");
    if (a->tolerance && parse_tolerance(a->tolerance, &spec) < 0)
        return cli_usage_error(
            run->cmd, "--tolerance: '%s' is not a non-negative number (0.01) or percentage (0.5%%)",
            a->tolerance);
    if (a->simplified && a->type != ANSWER_FRACTION)
        return cli_usage_error(run->cmd, "--simplified: only for --type fraction");
    return EXIT_OK;
}

static int check_run(struct cli_run *run)
{
    const struct check_args *a = run->args;
    const char *cmd = run->cmd;
    struct answer_spec spec = ANSWER_SPEC_DEFAULTS(a->type);
    struct answer_work *w = NULL;
    struct answer_result res;
    int r;

    spec.simplified = a->simplified;
    spec.seed = (uint64_t)a->seed;
    if (a->tolerance)
        (void)parse_tolerance(a->tolerance, &spec); /* checked by check_check() */
    w = mem_alloc(sizeof(*w));
    if (!w)
        return cli_fail(cmd, "out of memory");
    r = answer_check(&spec, a->expected, strlen(a->expected), a->given, strlen(a->given), w, &res);
    mem_free(w);
    if (r < 0)
        return cli_usage_error(cmd, "--expected: '%s' is not a valid %s answer (%s)", a->expected,
                               answer_type_name(spec.type), res.reason);
    json_t *o = json_pack("{s:b, s:s}", "correct", res.correct, "reason", res.reason);
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!text)
        return cli_fail(cmd, "out of memory");
    printf("%s\n", text);
    free(text);
    return EXIT_OK;
}

const struct cli_spec cmd_check_answer = {
    .options = options,
    .args_size = sizeof(struct check_args),
    .defaults = &defaults,
    .check = check_check,
    .run = check_run,
};

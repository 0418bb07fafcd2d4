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

enum {
    OPT_TYPE = 1000,
    OPT_EXPECTED,
    OPT_GIVEN,
    OPT_SIMPLIFIED,
    OPT_TOLERANCE,
    OPT_SEED,
    OPT_HELP
};

static const struct option opts[] = {
    {"type", required_argument, NULL, OPT_TYPE},
    {"expected", required_argument, NULL, OPT_EXPECTED},
    {"given", required_argument, NULL, OPT_GIVEN},
    {"simplified", no_argument, NULL, OPT_SIMPLIFIED},
    {"tolerance", required_argument, NULL, OPT_TOLERANCE},
    {"seed", required_argument, NULL, OPT_SEED},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
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

int cmd_check_answer(int argc, char **argv)
{
    const char *cmd = "check-answer";
    struct answer_spec spec = ANSWER_SPEC_DEFAULTS(ANSWER_NUMBER);
    const char *expected = NULL, *given = NULL, *tolerance = NULL;
    bool have_type = false;
    struct answer_work *w = NULL;
    struct answer_result res;
    int64_t seed;
    int c, r;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case OPT_TYPE:
            if (answer_type_from_name(optarg, strlen(optarg), &spec.type) < 0)
                return cli_usage_error(
                    cmd, "--type: '%s' is not number, fraction, expression, choice or text",
                    optarg);
            have_type = true;
            break;
        case OPT_EXPECTED:
            expected = optarg;
            break;
        case OPT_GIVEN:
            given = optarg;
            break;
        case OPT_SIMPLIFIED:
            spec.simplified = true;
            break;
        case OPT_TOLERANCE:
            tolerance = optarg;
            break;
        case OPT_SEED:
            if (str_to_int64(str_from(optarg), 0, INT64_MAX, &seed) < 0)
                return cli_usage_error(cmd, "--seed: '%s' is not a whole number from 0", optarg);
            spec.seed = (uint64_t)seed;
            break;
        case OPT_HELP:
            cli_print_usage(cmd, stderr);
            return EXIT_OK;
        default:
            return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (!have_type)
        return cli_usage_error(cmd, "--type number|fraction|expression|choice|text is required");
    if (!expected)
        return cli_usage_error(cmd, "--expected E is required");
    if (!given)
        return cli_usage_error(cmd, "--given G is required");
    if (tolerance && spec.type != ANSWER_NUMBER)
        return cli_usage_error(cmd, "--tolerance: only for --type number");
    if (tolerance && parse_tolerance(tolerance, &spec) < 0)
        return cli_usage_error(
            cmd, "--tolerance: '%s' is not a non-negative number (0.01) or percentage (0.5%%)",
            tolerance);
    if (spec.simplified && spec.type != ANSWER_FRACTION)
        return cli_usage_error(cmd, "--simplified: only for --type fraction");

    w = mem_alloc(sizeof(*w));
    if (!w)
        return cli_fail(cmd, "out of memory");
    r = answer_check(&spec, expected, strlen(expected), given, strlen(given), w, &res);
    mem_free(w);
    if (r < 0)
        return cli_usage_error(cmd, "--expected: '%s' is not a valid %s answer (%s)", expected,
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

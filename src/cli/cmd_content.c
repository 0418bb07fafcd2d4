/*
 * trellis content ...: content packs from the server's command line.
 *   content import --db PATH SRC [--district SID] [--json]
 *       load a pack (a folder or .zip in the Trellis format, an OATutor
 *       content pool, or builtin:trellis-math-3-8) in one transaction;
 *       every problem found is printed as file:field: reason and nothing
 *       is imported; the same pack again changes nothing ("unchanged")
 *   content list --db PATH [--district SID] [--json]
 *       the district's packs and skills (--json: with items)
 *   content show --db PATH ITEM [--seed N] [--district SID]
 *       an item as the practice service gets it (JSON): a generator
 *       item's instance for the seed
 *   content generators [--json]
 *       the problem generators and their parameters
 * The commands act as the district's operator; imports are audited.
 */
#include "base/common.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>

#include "app/content.h"
#include "base/str.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "core/gen.h"

struct content_args {
    const char *arg; /* SRC or ITEM */
    bool json;
    uint64_t seed;
};

#define ARGS struct content_args

static const struct content_args defaults = {.seed = 1};

static int parse_seed(void *field, const char *value, char *why, size_t whylen)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(value, &end, 10);
    if (errno || end == value || *end || value[0] == '-') {
        snprintf(why, whylen, "'%s' is not a whole number", value);
        return -EINVAL;
    }
    *(uint64_t *)field = v;
    return 0;
}

static const struct cli_option import_options[] = {
    CLI_OPTION_DB,
    CLI_OPTION_DISTRICT,
    {"json", CLI_BOOL(ARGS, json), .help = "print the report as JSON"},
    CLI_OPTION_KEY_FILE,
    CLI_OPTION_CONFIG,
    {0},
};

static const struct cli_option list_options[] = {
    CLI_OPTION_DB,
    CLI_OPTION_DISTRICT,
    {"json", CLI_BOOL(ARGS, json), .help = "print JSON, with every item"},
    CLI_OPTION_KEY_FILE,
    CLI_OPTION_CONFIG,
    {0},
};

static const struct cli_option show_options[] = {
    CLI_OPTION_DB,
    {"seed", CLI_CALL(ARGS, seed, parse_seed), .arg = "N",
     .help = "the instance of a generator item for this seed (default 1)"},
    CLI_OPTION_DISTRICT,
    CLI_OPTION_KEY_FILE,
    CLI_OPTION_CONFIG,
    {0},
};

static const struct cli_option generators_options[] = {
    {"json", CLI_BOOL(ARGS, json), .help = "print JSON"},
    {0},
};

static void print_json(json_t *j)
{
    json_dumpf(j, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
    putchar('\n');
}

static int import_run(struct cli_run *run)
{
    const struct content_args *a = run->args;
    struct content_report rep;
    int rc = EXIT_OK, r;

    r = content_import(&run->ctx, run->op.district_id, a->arg, NULL, &rep);
    if (a->json) {
        json_t *j = content_report_json(&rep);
        if (j)
            print_json(j);
        json_decref(j);
    } else if (r == 0) {
        if (rep.unchanged)
            printf("unchanged: pack '%s' version '%s' is already in the district (%ld skills, "
                   "%ld items)\n",
                   rep.pack, rep.version, rep.skills, rep.items);
        else
            printf("%s pack '%s' version '%s' (%s): %ld skills, %ld items (%ld made by "
                   "generators), %ld fixed steps, %ld scaffolds, %ld hints, %ld misconceptions",
                   rep.created ? "imported" : "updated", rep.pack, rep.version, rep.format,
                   rep.skills, rep.items, rep.generator_items, rep.steps, rep.scaffolds, rep.hints,
                   rep.misconceptions);
        if (!rep.unchanged && (rep.retired_skills || rep.retired_items))
            printf("; retired %ld skills and %ld items no longer in the pack", rep.retired_skills,
                   rep.retired_items);
        if (!rep.unchanged)
            printf("\n");
        if (!strcmp(rep.format, "oatutor"))
            printf("OATutor pool: %ld of %ld problems, %ld of %ld steps, %ld of %ld tutoring items "
                   "(hints and scaffolds) imported\n",
                   rep.oatutor.problems_imported, rep.oatutor.problems, rep.oatutor.steps_imported,
                   rep.oatutor.steps, rep.oatutor.tutoring_imported, rep.oatutor.tutoring);
        for (size_t i = 0; i < rep.n_skipped; i++)
            printf("left out: %s\n", rep.skipped[i]);
        if (rep.more_skipped)
            printf("left out: ... and %zu more\n", rep.more_skipped);
    }
    for (size_t i = 0; i < rep.n_errors; i++)
        fprintf(stderr, "%s\n", rep.errors[i]);
    if (rep.more_errors)
        fprintf(stderr, "... and %zu more errors\n", rep.more_errors);
    if (r < 0)
        rc = cli_run_fail(run, r == -EINVAL ? -EIO : r);
    content_report_release(&rep);
    return rc;
}

static void print_text(json_t *map)
{
    const char *en = json_string_value(json_object_get(map, "en"));
    printf("%s", en ? en : "");
}

static int list_run(struct cli_run *run)
{
    const struct content_args *a = run->args;
    json_t *list = NULL;
    int rc = EXIT_OK, r;

    r = content_list(&run->ctx, run->op.district_id, a->json, &list);
    if (r < 0) {
        rc = cli_run_fail(run, r);
    } else if (a->json) {
        print_json(list);
    } else {
        size_t i, k;
        json_t *p, *s;
        json_array_foreach(json_object_get(list, "packs"), i, p)
        {
            printf("%s %s (%s, %s): ", json_string_value(json_object_get(p, "id")),
                   json_string_value(json_object_get(p, "version")),
                   json_string_value(json_object_get(p, "format")),
                   json_string_value(json_object_get(p, "languages")));
            print_text(json_object_get(p, "title"));
            printf("\n  %" JSON_INTEGER_FORMAT " skills, %" JSON_INTEGER_FORMAT
                   " items; imported %s by %s from %s\n  %s\n",
                   json_integer_value(json_object_get(p, "n_skills")),
                   json_integer_value(json_object_get(p, "n_items")),
                   json_string_value(json_object_get(p, "imported_at")),
                   json_string_value(json_object_get(p, "imported_by")),
                   json_string_value(json_object_get(p, "source")),
                   json_string_value(json_object_get(p, "attribution")));
            json_array_foreach(json_object_get(p, "skills"), k, s)
            {
                json_t *g = json_object_get(s, "grade"), *pre = json_object_get(s, "prerequisites");
                char grade[16] = "-";
                if (g)
                    snprintf(grade, sizeof(grade), "G%" JSON_INTEGER_FORMAT, json_integer_value(g));
                printf("  %-4s %-34s ", grade, json_string_value(json_object_get(s, "id")));
                print_text(json_object_get(s, "name"));
                json_int_t n_it = json_integer_value(json_object_get(s, "items"));
                printf(" (%" JSON_INTEGER_FORMAT " item%s", n_it, n_it == 1 ? "" : "s");
                if (json_array_size(pre)) {
                    size_t m;
                    json_t *x;
                    printf("; after");
                    json_array_foreach(pre, m, x) printf(" %s", json_string_value(x));
                }
                printf(")\n");
            }
        }
        if (json_array_size(json_object_get(list, "packs")) == 0)
            printf("no content packs in this district (trellis content import)\n");
    }
    json_decref(list);
    return rc;
}

static int show_check(const struct cli_run *run)
{
    const struct content_args *a = run->args;
    int64_t item;
    if (str_to_int64(str_from(a->arg), 1, INT64_MAX, &item) < 0)
        return cli_usage_error(run->cmd,
                               "ITEM: '%s' is not an item number (trellis content list --json "
                               "shows them as \"row\")",
                               a->arg);
    return EXIT_OK;
}

static int show_run(struct cli_run *run)
{
    const struct content_args *a = run->args;
    json_t *problem = NULL;
    int64_t item = 0;
    int rc = EXIT_OK, r;

    (void)str_to_int64(str_from(a->arg), 1, INT64_MAX, &item);
    r = content_problem(&run->ctx, run->op.district_id, item, a->seed, &problem);
    if (r < 0)
        rc = cli_run_fail(run, r);
    else
        print_json(problem);
    json_decref(problem);
    return rc;
}

static int generators_run(struct cli_run *run)
{
    const struct content_args *a = run->args;
    json_t *all = json_array();
    for (size_t i = 0; all && i < gen_count(); i++) {
        const struct gen_info *g = gen_at(i);
        json_t *params = json_array(), *mis = json_array();
        for (unsigned k = 0; k < g->n_params; k++)
            json_array_append_new(params, json_pack("{sssIsIsIss}", "name", g->params[k].name,
                                                    "min", (json_int_t)g->params[k].min, "max",
                                                    (json_int_t)g->params[k].max, "default",
                                                    (json_int_t)g->params[k].def, "about",
                                                    g->params[k].doc));
        for (const char *const *m = g->misconceptions; *m; m++)
            json_array_append_new(mis, json_string(*m));
        json_array_append_new(all,
                              json_pack("{sssisssoso}", "name", g->name, "grade", g->grade, "about",
                                        g->about, "params", params, "misconceptions", mis));
    }
    if (a->json) {
        print_json(all);
    } else {
        size_t i;
        json_t *g;
        json_array_foreach(all, i, g)
        {
            printf("%-20s grade %" JSON_INTEGER_FORMAT "  %s\n",
                   json_string_value(json_object_get(g, "name")),
                   json_integer_value(json_object_get(g, "grade")),
                   json_string_value(json_object_get(g, "about")));
            size_t k;
            json_t *p;
            json_array_foreach(json_object_get(g, "params"), k, p)
                printf("    %s: %" JSON_INTEGER_FORMAT " to %" JSON_INTEGER_FORMAT
                       " (default %" JSON_INTEGER_FORMAT "): %s\n",
                       json_string_value(json_object_get(p, "name")),
                       json_integer_value(json_object_get(p, "min")),
                       json_integer_value(json_object_get(p, "max")),
                       json_integer_value(json_object_get(p, "default")),
                       json_string_value(json_object_get(p, "about")));
        }
        printf("%zu generators, %zu misconceptions\n", gen_count(), gen_misconception_count());
    }
    json_decref(all);
    return EXIT_OK;
}

const struct cli_spec cmd_content_import = {
    .options = import_options,
    .args_size = sizeof(struct content_args),
    .defaults = &defaults,
    CLI_OPERAND(ARGS, arg, "SRC",
                "a pack folder or .zip, an OATutor content pool, or builtin:trellis-math-3-8"),
    .open = CLI_OPEN_DISTRICT,
    .run = import_run,
};

const struct cli_spec cmd_content_list = {
    .options = list_options,
    .args_size = sizeof(struct content_args),
    .defaults = &defaults,
    .open = CLI_OPEN_DISTRICT,
    .run = list_run,
};

const struct cli_spec cmd_content_show = {
    .options = show_options,
    .args_size = sizeof(struct content_args),
    .defaults = &defaults,
    CLI_OPERAND(ARGS, arg, "ITEM", "the item's number (\"row\" in content list --json)"),
    .open = CLI_OPEN_DISTRICT,
    .check = show_check,
    .run = show_run,
};

const struct cli_spec cmd_content_generators = {
    .options = generators_options,
    .args_size = sizeof(struct content_args),
    .defaults = &defaults,
    .run = generators_run,
};

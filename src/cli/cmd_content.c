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

static const struct option opts[] = {
    {"db", required_argument, NULL, 'd'},       {"config", required_argument, NULL, 'c'},
    {"key-file", required_argument, NULL, 'k'}, {"district", required_argument, NULL, 'D'},
    {"json", no_argument, NULL, 'j'},           {"seed", required_argument, NULL, 's'},
    {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
};

struct content_args {
    struct config cfg;
    const char *district;
    const char *arg; /* SRC or ITEM */
    bool json;
    uint64_t seed;
};

/* nargs: positional arguments wanted (0 or 1). Returns EXIT_OK, another exit status, or -1 (help).
 */
static int parse(const char *cmd, int argc, char **argv, int nargs, bool needs_db,
                 struct content_args *a)
{
    const char *config_file = NULL;
    int c;

    memset(a, 0, sizeof(*a));
    a->seed = 1;
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--config") == 0)
            config_file = argv[i + 1];
    if (cli_config_begin(&a->cfg, config_file) < 0)
        return EXIT_FAIL;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
        case 'k':
            if (cli_flag(&a->cfg, c == 'd' ? "db" : "key-file", optarg) < 0)
                return EXIT_USAGE;
            break;
        case 'D':
            a->district = optarg;
            break;
        case 'j':
            a->json = true;
            break;
        case 's': {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(optarg, &end, 10);
            if (errno || end == optarg || *end || optarg[0] == '-')
                return cli_usage_error(cmd, "--seed: '%s' is not a whole number", optarg);
            a->seed = v;
            break;
        }
        case 'c':
            break;
        case 'h':
            cli_print_usage(cmd);
            return -1;
        default:
            cli_print_usage(cmd);
            return EXIT_USAGE;
        }
    }
    if (argc - optind != nargs) {
        if (argc - optind > nargs)
            return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind + nargs]);
        return cli_usage_error(cmd, "expected %s", strstr(cmd, "import") ? "SRC" : "ITEM");
    }
    if (nargs)
        a->arg = argv[optind];
    if (needs_db && cli_config_finish(&a->cfg) < 0)
        return EXIT_USAGE;
    return EXIT_OK;
}

static int finish(struct content_args *a, int rc)
{
    config_release(&a->cfg);
    return rc < 0 ? EXIT_OK : rc;
}

static void print_json(json_t *j)
{
    json_dumpf(j, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
    putchar('\n');
}

int cmd_content_import(int argc, char **argv)
{
    static const char cmd[] = "content import";
    struct content_args a;
    struct cli_run run;
    struct content_report rep;
    int rc = parse(cmd, argc, argv, 1, true, &a), r;

    if (rc != EXIT_OK)
        return finish(&a, rc);
    if (cli_run_open(&run, &a.cfg, a.district, "cli:content import") < 0)
        return finish(&a, EXIT_FAIL);
    r = content_import(&run.ctx, run.op.district_id, a.arg, NULL, &rep);
    if (a.json) {
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
        rc = cli_run_fail(&run, cmd, r == -EINVAL ? -EIO : r);
    content_report_release(&rep);
    cli_run_close(&run);
    return finish(&a, rc);
}

static void print_text(json_t *map)
{
    const char *en = json_string_value(json_object_get(map, "en"));
    printf("%s", en ? en : "");
}

int cmd_content_list(int argc, char **argv)
{
    static const char cmd[] = "content list";
    struct content_args a;
    struct cli_run run;
    json_t *list = NULL;
    int rc = parse(cmd, argc, argv, 0, true, &a), r;

    if (rc != EXIT_OK)
        return finish(&a, rc);
    if (cli_run_open(&run, &a.cfg, a.district, "cli:content list") < 0)
        return finish(&a, EXIT_FAIL);
    r = content_list(&run.ctx, run.op.district_id, a.json, &list);
    if (r < 0) {
        rc = cli_run_fail(&run, cmd, r);
    } else if (a.json) {
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
    cli_run_close(&run);
    return finish(&a, rc);
}

int cmd_content_show(int argc, char **argv)
{
    static const char cmd[] = "content show";
    struct content_args a;
    struct cli_run run;
    json_t *problem = NULL;
    int64_t item;
    int rc = parse(cmd, argc, argv, 1, true, &a), r;

    if (rc != EXIT_OK)
        return finish(&a, rc);
    if (str_to_int64(str_from(a.arg), 1, INT64_MAX, &item) < 0)
        return finish(&a, cli_usage_error(cmd,
                                          "ITEM: '%s' is not an item number (trellis "
                                          "content list --json shows them as \"row\")",
                                          a.arg));
    if (cli_run_open(&run, &a.cfg, a.district, "cli:content show") < 0)
        return finish(&a, EXIT_FAIL);
    r = content_problem(&run.ctx, run.op.district_id, item, a.seed, &problem);
    if (r < 0)
        rc = cli_run_fail(&run, cmd, r);
    else
        print_json(problem);
    json_decref(problem);
    cli_run_close(&run);
    return finish(&a, rc);
}

int cmd_content_generators(int argc, char **argv)
{
    static const char cmd[] = "content generators";
    struct content_args a;
    json_t *all;
    int rc = parse(cmd, argc, argv, 0, false, &a);

    if (rc != EXIT_OK)
        return finish(&a, rc);
    all = json_array();
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
    if (a.json) {
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
    return finish(&a, EXIT_OK);
}

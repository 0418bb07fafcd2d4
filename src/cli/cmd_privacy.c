/*
 * trellis privacy inventory --db PATH [--format json|markdown] [--check]:
 * the data inventory of a database, one entry per column of its live
 * schema (table, column, category, sealed, retention, who may see it,
 * purpose), from the classification in src/store/store_inventory.c.
 * A column the classification lacks, or a classified column the database
 * lacks, is named on stderr and the exit status is 1. --check also proves
 * the sealing on the stored values (every value of a sealed column opens
 * under the key, no value of another BLOB column does) and prints a summary
 * instead of the inventory.
 */
#include "base/common.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "app/privacy.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "store/store_inventory.h"

enum privacy_format { FORMAT_JSON, FORMAT_MARKDOWN };

struct privacy_args {
    int format;
    bool check;
};

static int parse_format(void *field, const char *value, char *why, size_t whylen)
{
    if (strcmp(value, "json") == 0)
        *(int *)field = FORMAT_JSON;
    else if (strcmp(value, "markdown") == 0)
        *(int *)field = FORMAT_MARKDOWN;
    else {
        snprintf(why, whylen, "'%s' is not json or markdown", value);
        return -EINVAL;
    }
    return 0;
}

static const struct cli_option options[] = {
    CLI_OPTION_DB,
    {"format", CLI_CALL(struct privacy_args, format, parse_format), .arg = "json|markdown",
     .help = "json (default): an array of objects; markdown: a table and what each key means"},
    {"check", CLI_BOOL(struct privacy_args, check),
     .help = "also prove the sealing on the stored values; print a summary, not the inventory"},
    CLI_OPTION_KEY_FILE,
    CLI_OPTION_CONFIG,
    {0},
};

static int print_problem(const char *line, void *arg)
{
    (void)arg;
    fprintf(stderr, "trellis privacy inventory: %s\n", line);
    return 0;
}

static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static void print_markdown(const json_t *rows)
{
    static const struct {
        enum inv_key_kind kind;
        const char *title;
    } legends[] = {
        {INV_KEY_CATEGORY, "Categories"},
        {INV_KEY_RETENTION, "Retention rules"},
        {INV_KEY_WHO, "Who may see it"},
        {INV_KEY_PURPOSE, "Purposes"},
    };
    size_t i;
    json_t *x;

    printf("# Data inventory\n\n");
    printf("| table | column | category | sealed | retention | who | purpose |\n");
    printf("|---|---|---|---|---|---|---|\n");
    json_array_foreach(rows, i, x)
        printf("| %s | %s | %s | %s | %s | %s | %s |\n", str(x, "table"), str(x, "column"),
               str(x, "category"), json_is_true(json_object_get(x, "sealed")) ? "yes" : "no",
               str(x, "retention"), str(x, "who"), str(x, "purpose"));
    for (size_t l = 0; l < ARRAY_SIZE(legends); l++) {
        size_t n;
        const struct inv_key *k = store_inventory_keys(legends[l].kind, &n);
        printf("\n## %s\n\n", legends[l].title);
        for (size_t j = 0; j < n; j++)
            printf("- `%s`: %s\n", k[j].key, k[j].text);
    }
}

static int inventory_run(struct cli_run *run)
{
    const struct privacy_args *a = run->args;
    struct privacy_check chk = {.report = print_problem};
    json_t *rows = NULL;
    int r = privacy_inventory(&run->ctx, a->check, &chk, &rows);

    if (r < 0)
        return cli_run_fail(run, r);
    if (a->check) {
        printf("%zu columns in the database, %d problems; sealed columns: %ld stored values "
               "opened with the key, %ld columns empty; %ld values of other BLOB columns do "
               "not open\n",
               json_array_size(rows), chk.problems, chk.sealed_values, chk.sealed_empty,
               chk.blobs_checked);
    } else if (a->format == FORMAT_MARKDOWN) {
        print_markdown(rows);
    } else {
        json_dumpf(rows, stdout, JSON_INDENT(2));
        putchar('\n');
    }
    json_decref(rows);
    return chk.problems ? EXIT_FAIL : EXIT_OK;
}

const struct cli_spec cmd_privacy_inventory = {
    .options = options,
    .args_size = sizeof(struct privacy_args),
    .open = CLI_OPEN_OPERATOR,
    .readonly = true,
    .run = inventory_run,
};

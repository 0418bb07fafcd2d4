/*
 * `trellis access policy [--json]`: the access gate's policy table (who x
 * relationship x resource -> actions) and the routes that disclose student
 * data, as the server holds them. The end-to-end matrix test is generated
 * from the JSON form, so the tests and the code read the same table.
 */
#include "base/common.h"

#include <jansson.h>
#include <stdio.h>

#include "app/access.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "http/router.h"

struct access_args {
    bool json;
};

static const struct cli_option options[] = {
    {"json", CLI_BOOL(struct access_args, json), .help = "print the table as JSON"},
    {0},
};

static int policy_run(struct cli_run *run)
{
    static const char cmd[] = "access policy";
    const struct access_args *args = run->args;

    json_t *rules = access_policy_json(), *list = json_array();
    for (size_t i = 0; list && i < route_disclosures_count; i++) {
        const struct route_disclosure *d = &route_disclosures[i];
        bool found = false;
        for (size_t k = 0; k < routes_count; k++)
            if (!strcmp(routes[k].method, d->method) && !strcmp(routes[k].pattern, d->pattern))
                found = true;
        if (!found) {
            json_decref(rules);
            json_decref(list);
            return cli_fail(cmd, "%s %s: a disclosure for a route the server does not have",
                            d->method, d->pattern);
        }
        json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s}", "method", d->method, "path",
                                              d->pattern, "resource", access_kind_name(d->resource),
                                              "action", access_action_name(d->action)));
    }
    json_t *o = rules && list ? json_pack("{s:o, s:o}", "rules", rules, "routes", list) : NULL;
    if (!o)
        return cli_fail(cmd, "out of memory");
    if (args->json) {
        json_dumpf(o, stdout, JSON_INDENT(2));
        putchar('\n');
    } else {
        size_t i;
        json_t *x;
        printf("%-28s %-11s %-11s %s\n", "who", "relationship", "resource", "actions");
        json_array_foreach(json_object_get(o, "rules"), i, x)
        {
            size_t k;
            json_t *a;
            printf("%-28s %-11s %-11s", json_string_value(json_object_get(x, "who")),
                   json_string_value(json_object_get(x, "relationship")),
                   json_string_value(json_object_get(x, "resource")));
            json_array_foreach(json_object_get(x, "actions"), k, a)
                printf("%s%s", k ? "," : " ", json_string_value(a));
            printf("%s%s%s\n",
                   json_is_true(json_object_get(x, "students_only")) ? " (students only)" : "",
                   json_is_true(json_object_get(x, "not_admins")) ? " (never administrators)" : "",
                   json_is_true(json_object_get(x, "not_self")) ? " (never their own)" : "");
        }
        printf("\nroutes that disclose student data:\n");
        json_array_foreach(json_object_get(o, "routes"), i, x)
            printf("  %-6s %-40s %s %s\n", json_string_value(json_object_get(x, "method")),
                   json_string_value(json_object_get(x, "path")),
                   json_string_value(json_object_get(x, "action")),
                   json_string_value(json_object_get(x, "resource")));
    }
    json_decref(o);
    return EXIT_OK;
}

const struct cli_spec cmd_access_policy = {
    .options = options,
    .args_size = sizeof(struct access_args),
    .run = policy_run,
};

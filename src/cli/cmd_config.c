/*
 * trellis config show: the effective configuration with the source of each
 * value. Every setting can be given as a flag (--listen 0.0.0.0:80).
 */
#include "base/common.h"

#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"

int cmd_config_show(int argc, char **argv)
{
    struct config cfg;
    const char *config_file = NULL;
    int rc = EXIT_OK;

    /* --config first, so the file applies before the other flags */
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            config_file = argv[i + 1];
    if (cli_config_begin(&cfg, config_file) < 0)
        return EXIT_FAIL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *eq;
        char name[64];
        if (strncmp(a, "--", 2) != 0) {
            rc = cli_usage_error("config show", "unexpected argument '%s'", a);
            goto out;
        }
        a += 2;
        eq = strchr(a, '=');
        if (eq) {
            snprintf(name, sizeof(name), "%.*s", (int)(eq - a), a);
            if (cli_flag(&cfg, name, eq + 1) < 0) {
                rc = EXIT_USAGE;
                goto out;
            }
            continue;
        }
        if (i + 1 >= argc) {
            rc = cli_usage_error("config show", "--%s needs a value", a);
            goto out;
        }
        if (strcmp(a, "config") != 0 && cli_flag(&cfg, a, argv[i + 1]) < 0) {
            rc = EXIT_USAGE;
            goto out;
        }
        i++;
    }
    if (cli_config_finish(&cfg) < 0) {
        rc = EXIT_USAGE;
        goto out;
    }
    config_show(&cfg, stdout);
out:
    config_release(&cfg);
    return rc;
}

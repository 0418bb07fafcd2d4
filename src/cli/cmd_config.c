/*
 * trellis config show: the effective configuration with the source of each
 * value. Every setting can be given as a flag (--listen 0.0.0.0:80).
 */
#include "base/common.h"

#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"

static const struct cli_option options[] = {
    CLI_OPTION_CONFIG,
    {0},
};

static int show_run(struct cli_run *run)
{
    config_show(run->cfg, stdout);
    return EXIT_OK;
}

const struct cli_spec cmd_config_show = {
    .options = options,
    .any_setting = true,
    .run = show_run,
};

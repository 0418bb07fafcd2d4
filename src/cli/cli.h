/*
 * What the subcommands share: the command table entry, configuration
 * loading (defaults < file < TRELLIS_* env < flags) and store opening with
 * messages that say what to do.
 */
#ifndef TRELLIS_CLI_H
#define TRELLIS_CLI_H

#include <getopt.h>

#include "base/common.h"
#include "base/config.h"

struct store;
struct store_options;

struct command {
    const char *name; /* "serve", "config show", "import oneroster" */
    int (*run)(int argc, char **argv);
    const char *usage;   /* arguments after the name */
    const char *summary; /* one line for `trellis help` */
};

extern const struct command commands[];
extern const size_t commands_count;

/* Exit statuses. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/*
 * Load the configuration: defaults, then the file named by --config or
 * TRELLIS_CONFIG (if any), then the environment. Flags are applied by the
 * caller with cli_flag(), then cli_config_finish(). Prints errors itself.
 */
int cli_config_begin(struct config *cfg, const char *config_file);
/* Apply "--name value" as setting name (dashes become underscores). */
int cli_flag(struct config *cfg, const char *name, const char *value);
int cli_config_finish(struct config *cfg);

/* Open the store named by cfg->db, printing a clear message on failure. */
int cli_open_store(const struct config *cfg, const struct store_options *opt, struct store **ret);

/* Print "trellis <cmd>: <message>" to stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) PRINTF_FMT(2, 3);
/* Print "trellis <cmd>: <message>" to stderr; returns EXIT_FAIL. */
int cli_fail(const char *cmd, const char *fmt, ...) PRINTF_FMT(2, 3);
/* Print the usage line of a command. */
void cli_print_usage(const char *name);

/* The built-in web root (the source tree's web/). */
extern const char *const cli_default_web_root;

#endif

/*
 * What the subcommands share: the command table entry, configuration
 * loading (defaults < file < TRELLIS_* env < flags) and store opening with
 * messages that say what to do.
 */
#ifndef TRELLIS_CLI_H
#define TRELLIS_CLI_H

#include <getopt.h>

#include "app/ctx.h"
#include "app/principal.h"
#include "base/arena.h"
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
/* A database path or URL for messages: a password in a URL is replaced by ***. */
const char *cli_db_display(const char *db, char *buf, size_t n);

/*
 * A CLI command acting on one district as the server's operator: the open
 * store, a context with an arena and the operator principal.
 */
struct cli_run {
    struct store *store;
    struct arena arena;
    struct ctx ctx;
    struct principal op;
};

/*
 * Open the store named by cfg and pick the district (by sourcedId, or the
 * only one when NULL). Prints what went wrong itself. op_name names the
 * command in the audit log ("cli:admin add-client").
 */
int cli_run_open(struct cli_run *run, const struct config *cfg, const char *district_sid,
                 const char *op_name);
/* Print "trellis <cmd>: <ctx err>" and return EXIT_FAIL (or EXIT_USAGE for -EINVAL). */
int cli_run_fail(struct cli_run *run, const char *cmd, int r);
void cli_run_close(struct cli_run *run);

/* Print "trellis <cmd>: <message>" to stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) PRINTF_FMT(2, 3);
/* Print "trellis <cmd>: <message>" to stderr; returns EXIT_FAIL. */
int cli_fail(const char *cmd, const char *fmt, ...) PRINTF_FMT(2, 3);
/* Print the usage line of a command. */
void cli_print_usage(const char *name);

/* The built-in web root (the source tree's web/). */
extern const char *const cli_default_web_root;

#endif

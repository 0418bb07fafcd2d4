/*
 * What the subcommands share: the command table entry, one declarative
 * option table per command and the one parser that reads it, configuration
 * loading (defaults < file < TRELLIS_* env < flags), and store opening with
 * messages that say what to do.
 *
 * A command declares its options (struct cli_option: name, kind of value,
 * the field it fills, whether it is required, one line of help) and a run
 * function; cli_main() does the rest the same way for every command: it
 * reads --config FILE first, then the environment, then every flag in
 * argv order; it reports a usage error as "trellis <command>: --flag:
 * <reason>" followed by the usage line and exits 2 (EXIT_USAGE); --help
 * prints the usage line and one line per option, generated from the table;
 * it refuses positional arguments the command does not declare; it
 * finishes the configuration, runs the command's check() on the options
 * together, opens the store (and picks the district) when the command asks
 * for it, and closes everything after run().
 */
#ifndef TRELLIS_CLI_H
#define TRELLIS_CLI_H

#include <stdio.h>

#include "app/ctx.h"
#include "app/principal.h"
#include "base/arena.h"
#include "base/common.h"
#include "base/config.h"

struct store;
struct store_options;
struct cli_spec;

struct command {
    const char *name;            /* "serve", "config show", "import oneroster" */
    const struct cli_spec *spec; /* its options and run function */
    const char *summary;         /* one line for `trellis help` */
};

extern const struct command commands[];
extern const size_t commands_count;

/* Exit statuses. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/* The kind of value an option takes. */
enum cli_kind {
    CLI_KIND_BOOL,     /* no value: sets a bool to true */
    CLI_KIND_STRING,   /* a string, borrowed from argv (const char *) */
    CLI_KIND_INT,      /* a whole number from min to max (int64_t) */
    CLI_KIND_TIME,     /* an ISO 8601 date-time, in ms since the epoch (int64_t) */
    CLI_KIND_CALL,     /* parse() reads the value into the field; may be given again */
    CLI_KIND_SETTING,  /* the configuration setting of the same name (dashes: underscores) */
    CLI_KIND_CONFIG,   /* --config FILE: the settings file, read before every other flag */
    CLI_KIND_DISTRICT, /* the district the command acts on (struct cli_run.district) */
};

/* Option flags. */
enum {
    /* the parser refuses the command without it: "--name is required" */
    CLI_REQUIRED = 1u << 0,
    /* shown as required in the usage line; the command's check() asks for it together with
       the options it goes with (and says so in its own words) */
    CLI_NEEDED = 1u << 1,
    /* in the usage line, an alternative to the option before it: (--a A | --b B) */
    CLI_OR = 1u << 2,
};

struct cli_option {
    const char *name; /* "limit" for --limit; NULL ends a table */
    enum cli_kind kind;
    size_t field;     /* offsetof() the field it fills in the command's args struct */
    int64_t min, max; /* CLI_KIND_INT */
    const char *arg;  /* the value in the usage line and the help: "N", "PATH" */
    const char *help; /* one line for --help */
    unsigned flags;   /* CLI_REQUIRED, CLI_NEEDED, CLI_OR */
    /* CLI_KIND_CALL: read value into *field; on error write the reason ("'x' is not dkt or
       csv") into why and return a negative errno */
    int (*parse)(void *field, const char *value, char *why, size_t whylen);
};

/*
 * The field of a table entry, checked at compile time to have the type the
 * kind writes (a mismatch is a "distinct pointer types" error).
 */
#define CLI_FIELD_OF(T, m, type) (offsetof(T, m) + 0 * sizeof((type *)0 == &((T *)0)->m))
/* Table entries by kind: {"name", CLI_INT(struct x_args, limit, 1, 100), .arg = "N", ...} */
#define CLI_BOOL(T, m)   .kind = CLI_KIND_BOOL, .field = CLI_FIELD_OF(T, m, bool)
#define CLI_STRING(T, m) .kind = CLI_KIND_STRING, .field = CLI_FIELD_OF(T, m, const char *)
#define CLI_INT(T, m, lo, hi) \
    .kind = CLI_KIND_INT, .field = CLI_FIELD_OF(T, m, int64_t), .min = (lo), .max = (hi)
#define CLI_TIME(T, m)     .kind = CLI_KIND_TIME, .field = CLI_FIELD_OF(T, m, int64_t)
#define CLI_CALL(T, m, fn) .kind = CLI_KIND_CALL, .field = offsetof(T, m), .parse = (fn)
#define CLI_SETTING        .kind = CLI_KIND_SETTING
#define CLI_OPERAND(T, m, nm, h) \
    .operand = (nm), .operand_field = CLI_FIELD_OF(T, m, const char *), .operand_help = (h)

/* The options every command on the database shares: --db first, the others last. */
/* clang-format off */
#define CLI_OPTION_DB                                                                              \
    {"db", CLI_SETTING, .arg = "PATH|URL",                                                         \
     .help = "the database: a SQLite file or a postgresql:// URL (setting db)"}
#define CLI_OPTION_DISTRICT                                                                        \
    {"district", .kind = CLI_KIND_DISTRICT, .arg = "SID",                                          \
     .help = "the district (its sourcedId); needed when the database holds several"}
#define CLI_OPTION_KEY_FILE                                                                        \
    {"key-file", CLI_SETTING, .arg = "FILE",                                                       \
     .help = "the sealing key (setting key_file; default: beside a SQLite database)"}
#define CLI_OPTION_CONFIG                                                                          \
    {"config", .kind = CLI_KIND_CONFIG, .arg = "FILE",                                             \
     .help = "read settings from FILE (before TRELLIS_* variables and flags)"}
/* clang-format on */

/* What cli_main() opens for a command before run(). */
enum cli_open {
    CLI_OPEN_NONE,     /* nothing: the command opens what it needs itself */
    CLI_OPEN_OPERATOR, /* the store, a context and the operator of no one district */
    CLI_OPEN_DISTRICT, /* the same, and the district (--district, or the only one) */
};

/*
 * One run of a command: what its run() and check() get. cli_main() fills
 * it; the command only reads it (and uses ctx).
 */
struct cli_run {
    const char *cmd;          /* "audit show": for messages */
    const struct config *cfg; /* NULL for a command without settings */
    void *args;               /* the command's args struct, filled from its table */
    const char *district;     /* --district SID, or NULL */
    /* with CLI_OPEN_OPERATOR or CLI_OPEN_DISTRICT: */
    struct store *store;
    struct arena arena;
    struct ctx ctx;      /* request id "cli", client address "local", who = &op */
    struct principal op; /* the operator "cli:<command>" of the district picked (or of none) */
    char op_name[80];    /* its name */
};

struct cli_spec {
    const struct cli_option *options; /* ends with {0}; NULL: no options */
    size_t args_size;                 /* sizeof the args struct (0: none) */
    const void *defaults;             /* copied into it before parsing (NULL: zeros) */
    const char *operand;              /* "KEY": the one positional argument; NULL: none */
    size_t operand_field;             /* offsetof its const char * in the args struct */
    const char *operand_help;         /* one line for --help */
    bool any_setting;                 /* also --SETTING VALUE for every setting */
    enum cli_open open;
    bool readonly; /* with CLI_OPEN_*: open the store for reading only */
    /* rules between options, after parsing and before anything is opened: EXIT_OK, or a
       status (print with cli_usage_error) */
    int (*check)(const struct cli_run *run);
    /* the command: an exit status */
    int (*run)(struct cli_run *run);
};

/*
 * Run command c with argv[0] = the last word of its name and the rest of
 * the command line: parse, check, open, run, close. Returns the exit
 * status. Prints every error itself.
 */
int cli_main(const struct command *c, int argc, char **argv);

/* Open the store named by cfg->db, printing a clear message on failure. */
int cli_open_store(const struct config *cfg, const struct store_options *opt, struct store **ret);
/* A database path or URL for messages: a password in a URL is replaced by ***. */
const char *cli_db_display(const char *db, char *buf, size_t n);

/* Print "trellis <cmd>: <ctx err>" and return EXIT_FAIL (or EXIT_USAGE for -EINVAL). */
int cli_run_fail(struct cli_run *run, int r);

/* Print "trellis <cmd>: <message>" and the usage line to stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) PRINTF_FMT(2, 3);
/* Print "trellis <cmd>: <message>" to stderr; returns EXIT_FAIL. */
int cli_fail(const char *cmd, const char *fmt, ...) PRINTF_FMT(2, 3);
/* Print the usage line of a command (generated from its table) to f. */
void cli_print_usage(const char *name, FILE *f);

/* The built-in web root (the source tree's web/). */
extern const char *const cli_default_web_root;

#endif

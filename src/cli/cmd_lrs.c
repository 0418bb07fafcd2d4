/*
 * trellis lrs delete: delete a learner's learning records, or those stored
 * before a date, with --dry-run to count first (src/app/lrs_retention.h).
 * trellis lrs forward: send the district's statements to an upstream LRS,
 * resuming where the last run stopped (src/app/lrs_forward.h).
 * Both act as the operator of one district and are audited.
 */
#include "base/common.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "app/lrs_forward.h"
#include "app/lrs_retention.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "store/store.h"

struct lrs_args {
    const char *learner, *before, *to, *key, *secret, *version;
    bool dry_run, follow;
    int64_t batch, retries;
};

#define ARGS struct lrs_args

static const struct lrs_args defaults = {.retries = 5};

/* --secret-env VAR: the secret from the environment (kept out of the process list) */
static int parse_secret_env(void *field, const char *value, char *why, size_t n)
{
    const char *secret = getenv(value);
    if (!secret) {
        snprintf(why, n, "the variable %s is not set", value);
        return -EINVAL;
    }
    *(const char **)field = secret;
    return 0;
}

static int parse_version(void *field, const char *value, char *why, size_t n)
{
    if (strcmp(value, "1.0.3") != 0 && strcmp(value, "2.0.0") != 0) {
        snprintf(why, n, "'%s' is not 1.0.3 or 2.0.0", value);
        return -EINVAL;
    }
    *(const char **)field = value;
    return 0;
}

static const struct cli_option delete_options[] = {
    CLI_OPTION_DB,
    {"learner", CLI_STRING(ARGS, learner), .arg = "SOURCEDID", .flags = CLI_NEEDED,
     .help = "delete this learner's learning records"},
    {"before", CLI_STRING(ARGS, before), .arg = "DATE", .flags = CLI_NEEDED | CLI_OR,
     .help = "delete the records stored before this date (ISO 8601)"},
    {"dry-run", CLI_BOOL(ARGS, dry_run), .help = "only count what would be deleted"},
    CLI_OPTION_DISTRICT,
    CLI_OPTION_KEY_FILE,
    CLI_OPTION_CONFIG,
    {0},
};

static const struct cli_option forward_options[] = {
    CLI_OPTION_DB,
    {"to", CLI_STRING(ARGS, to), .arg = "URL", .flags = CLI_NEEDED,
     .help = "the upstream LRS's xAPI endpoint"},
    {"key", CLI_STRING(ARGS, key), .arg = "K", .flags = CLI_NEEDED,
     .help = "the upstream LRS's key (Basic authentication)"},
    {"secret", CLI_STRING(ARGS, secret), .arg = "S", .flags = CLI_NEEDED,
     .help = "its secret (visible to other users in the process list: see --secret-env)"},
    {"secret-env", CLI_CALL(ARGS, secret, parse_secret_env), .arg = "VAR",
     .flags = CLI_NEEDED | CLI_OR, .help = "read the secret from the environment variable VAR"},
    {"batch", CLI_INT(ARGS, batch, 1, 1000), .arg = "N", .help = "statements per request"},
    {"xapi-version", CLI_CALL(ARGS, version, parse_version), .arg = "V",
     .help = "the xAPI version to send: 1.0.3 or 2.0.0"},
    {"retries", CLI_INT(ARGS, retries, 0, 1000000), .arg = "N",
     .help = "failures in a row before giving up (0: never)"},
    {"follow", CLI_BOOL(ARGS, follow),
     .help = "keep running and send new statements as they come (never gives up)"},
    CLI_OPTION_DISTRICT,
    CLI_OPTION_KEY_FILE,
    CLI_OPTION_CONFIG,
    {0},
};

static int delete_check(const struct cli_run *run)
{
    const struct lrs_args *a = run->args;
    if (!a->learner == !a->before)
        return cli_usage_error(run->cmd, "give exactly one of --learner and --before");
    return EXIT_OK;
}

static int forward_check(const struct cli_run *run)
{
    const struct lrs_args *a = run->args;
    if (!a->to || !a->key || !a->secret)
        return cli_usage_error(run->cmd, "--to, --key and --secret (or --secret-env) are required");
    return EXIT_OK;
}

static int delete_run(struct cli_run *run)
{
    const struct lrs_args *a = run->args;
    struct lrs_deletion_report rep;
    int rc = EXIT_OK, r;

    struct lrs_deletion d = {
        .district_id = run->op.district_id,
        .learner = a->learner,
        .before = a->before,
        .dry_run = a->dry_run,
    };
    r = lrs_delete(&run->ctx, &d, &rep);
    if (r < 0) {
        rc = cli_run_fail(run, r);
    } else {
        printf("{\"dry_run\":%s,\"statements\":%lld,\"voiding_statements\":%lld,"
               "\"documents\":%lld,\"attachments\":%lld,\"learners\":%lld%s}\n",
               a->dry_run ? "true" : "false", (long long)rep.statements, (long long)rep.voiding,
               (long long)rep.documents, (long long)rep.attachments, (long long)rep.learners,
               a->dry_run         ? ""
               : rep.checkpointed ? ",\"wal_emptied\":true"
                                  : ",\"wal_emptied\":false");
        if (!a->dry_run)
            fprintf(stderr,
                    "trellis %s: deleted; backups made before now still hold these records\n",
                    run->cmd);
    }
    return rc;
}

static atomic_int stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    atomic_store(&stop_flag, 1);
}

static void progress(const char *msg, void *arg)
{
    fprintf(stderr, "trellis %s: %s\n", (const char *)arg, msg);
}

static int forward_run(struct cli_run *run)
{
    const struct lrs_args *a = run->args;
    struct lrs_forward_report rep;
    int rc = EXIT_OK, r;

    atomic_init(&stop_flag, 0);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);
    struct lrs_forward_opts o = {
        .url = a->to,
        .key = a->key,
        .secret = a->secret,
        .version = a->version,
        .batch = (size_t)a->batch,
        .follow = a->follow,
        .max_failures = a->follow ? 0 : (int)a->retries,
        .stop = &stop_flag,
        .progress = progress,
        .progress_arg = (void *)run->cmd,
    };
    r = lrs_forward_run(&run->ctx, &o, &rep);
    printf("{\"sent\":%lld,\"batches\":%lld,\"already_upstream\":%lld,\"faults\":%lld,"
           "\"after_seq\":%lld,\"total_sent\":%lld}\n",
           (long long)rep.sent, (long long)rep.batches, (long long)rep.skipped,
           (long long)rep.failures, (long long)rep.after_seq, (long long)rep.total);
    if (r < 0)
        rc = cli_run_fail(run, r);
    return rc;
}

const struct cli_spec cmd_lrs_delete = {
    .options = delete_options,
    .args_size = sizeof(struct lrs_args),
    .defaults = &defaults,
    .open = CLI_OPEN_DISTRICT,
    .check = delete_check,
    .run = delete_run,
};

const struct cli_spec cmd_lrs_forward = {
    .options = forward_options,
    .args_size = sizeof(struct lrs_args),
    .defaults = &defaults,
    .open = CLI_OPEN_DISTRICT,
    .check = forward_check,
    .run = forward_run,
};

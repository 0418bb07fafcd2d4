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

static const struct option opts[] = {
    {"db", required_argument, NULL, 'd'},
    {"config", required_argument, NULL, 'c'},
    {"key-file", required_argument, NULL, 'k'},
    {"district", required_argument, NULL, 'D'},
    {"learner", required_argument, NULL, 'l'},
    {"before", required_argument, NULL, 'b'},
    {"dry-run", no_argument, NULL, 'n'},
    {"to", required_argument, NULL, 't'},
    {"key", required_argument, NULL, 'K'},
    {"secret", required_argument, NULL, 'S'},
    {"secret-env", required_argument, NULL, 'E'},
    {"batch", required_argument, NULL, 'B'},
    {"xapi-version", required_argument, NULL, 'V'},
    {"retries", required_argument, NULL, 'r'},
    {"follow", no_argument, NULL, 'f'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

struct lrs_args {
    struct config cfg;
    const char *district, *learner, *before, *to, *key, *secret, *version;
    bool dry_run, follow;
    int64_t batch, retries;
};

static int parse(const char *cmd, int argc, char **argv, struct lrs_args *a)
{
    const char *config_file = NULL;
    int c;

    memset(a, 0, sizeof(*a));
    a->retries = 5;
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--config") == 0)
            config_file = argv[i + 1];
    if (cli_config_begin(&a->cfg, config_file) < 0)
        return EXIT_FAIL;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            if (cli_flag(&a->cfg, "db", optarg) < 0)
                return EXIT_USAGE;
            break;
        case 'k':
            if (cli_flag(&a->cfg, "key-file", optarg) < 0)
                return EXIT_USAGE;
            break;
        case 'D':
            a->district = optarg;
            break;
        case 'l':
            a->learner = optarg;
            break;
        case 'b':
            a->before = optarg;
            break;
        case 'n':
            a->dry_run = true;
            break;
        case 't':
            a->to = optarg;
            break;
        case 'K':
            a->key = optarg;
            break;
        case 'S':
            a->secret = optarg;
            break;
        case 'E':
            a->secret = getenv(optarg);
            if (!a->secret)
                return cli_usage_error(cmd, "--secret-env: the variable %s is not set", optarg);
            break;
        case 'B':
            if (str_to_int64(str_from(optarg), 1, 1000, &a->batch) < 0)
                return cli_usage_error(cmd, "--batch: must be 1 to 1000");
            break;
        case 'r':
            if (str_to_int64(str_from(optarg), 0, 1000000, &a->retries) < 0)
                return cli_usage_error(cmd, "--retries: must be 0 (never give up) to 1000000");
            break;
        case 'V':
            if (strcmp(optarg, "1.0.3") != 0 && strcmp(optarg, "2.0.0") != 0)
                return cli_usage_error(cmd, "--xapi-version: must be 1.0.3 or 2.0.0");
            a->version = optarg;
            break;
        case 'f':
            a->follow = true;
            break;
        case 'c':
            break;
        case 'h':
            cli_print_usage(cmd, stderr);
            return -1;
        default:
            cli_print_usage(cmd, stderr);
            return EXIT_USAGE;
        }
    }
    if (optind < argc)
        return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (cli_config_finish(&a->cfg) < 0)
        return EXIT_USAGE;
    return EXIT_OK;
}

static int finish(struct lrs_args *a, int rc)
{
    config_release(&a->cfg);
    return rc < 0 ? EXIT_OK : rc;
}

int cmd_lrs_delete(int argc, char **argv)
{
    static const char cmd[] = "lrs delete";
    struct lrs_args a;
    struct cli_run run;
    struct lrs_deletion_report rep;
    int rc = parse(cmd, argc, argv, &a), r;

    if (rc != EXIT_OK)
        return finish(&a, rc);
    if (!a.learner == !a.before)
        return finish(&a, cli_usage_error(cmd, "give exactly one of --learner and --before"));
    if (cli_run_open(&run, &a.cfg, a.district, "cli:lrs delete") < 0)
        return finish(&a, EXIT_FAIL);
    struct lrs_deletion d = {
        .district_id = run.op.district_id,
        .learner = a.learner,
        .before = a.before,
        .dry_run = a.dry_run,
    };
    r = lrs_delete(&run.ctx, &d, &rep);
    if (r < 0) {
        rc = cli_run_fail(&run, cmd, r);
    } else {
        printf("{\"dry_run\":%s,\"statements\":%lld,\"voiding_statements\":%lld,"
               "\"documents\":%lld,\"attachments\":%lld,\"learners\":%lld%s}\n",
               a.dry_run ? "true" : "false", (long long)rep.statements, (long long)rep.voiding,
               (long long)rep.documents, (long long)rep.attachments, (long long)rep.learners,
               a.dry_run          ? ""
               : rep.checkpointed ? ",\"wal_emptied\":true"
                                  : ",\"wal_emptied\":false");
        if (!a.dry_run)
            fprintf(stderr,
                    "trellis %s: deleted; backups made before now still hold these records\n", cmd);
    }
    cli_run_close(&run);
    return finish(&a, rc);
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

int cmd_lrs_forward(int argc, char **argv)
{
    static const char cmd[] = "lrs forward";
    struct lrs_args a;
    struct cli_run run;
    struct lrs_forward_report rep;
    int rc = parse(cmd, argc, argv, &a), r;

    if (rc != EXIT_OK)
        return finish(&a, rc);
    if (!a.to || !a.key || !a.secret)
        return finish(&a, cli_usage_error(cmd, "--to, --key and --secret (or --secret-env) are "
                                               "required"));
    if (cli_run_open(&run, &a.cfg, a.district, "cli:lrs forward") < 0)
        return finish(&a, EXIT_FAIL);
    atomic_init(&stop_flag, 0);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);
    struct lrs_forward_opts o = {
        .url = a.to,
        .key = a.key,
        .secret = a.secret,
        .version = a.version,
        .batch = (size_t)a.batch,
        .follow = a.follow,
        .max_failures = a.follow ? 0 : (int)a.retries,
        .stop = &stop_flag,
        .progress = progress,
        .progress_arg = (void *)cmd,
    };
    r = lrs_forward_run(&run.ctx, &o, &rep);
    printf("{\"sent\":%lld,\"batches\":%lld,\"already_upstream\":%lld,\"faults\":%lld,"
           "\"after_seq\":%lld,\"total_sent\":%lld}\n",
           (long long)rep.sent, (long long)rep.batches, (long long)rep.skipped,
           (long long)rep.failures, (long long)rep.after_seq, (long long)rep.total);
    if (r < 0)
        rc = cli_run_fail(&run, cmd, r);
    cli_run_close(&run);
    return finish(&a, rc);
}

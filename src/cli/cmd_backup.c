/*
 * trellis backup --db PATH OUT: a consistent copy of a live database. The
 * copy holds sealed fields sealed; the key file is not copied (keep it
 * somewhere else, safe: without it the sealed fields cannot be read).
 * Each backup is recorded in the audit log (chain 0), which is where
 * `trellis security check` finds the last backup's age.
 */
#include "base/common.h"

#include <stdio.h>

#include "app/security.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "store/store.h"

struct backup_args {
    const char *out;
};

static const struct cli_option options[] = {
    CLI_OPTION_DB,
    CLI_OPTION_KEY_FILE,
    CLI_OPTION_CONFIG,
    {0},
};

static int backup_run(struct cli_run *run)
{
    const struct backup_args *a = run->args;
    struct db *db = NULL;
    int r;

    r = store_acquire(run->store, &db);
    if (r == 0)
        r = store_backup(db, a->out);
    store_release(run->store, db);
    if (r == -EEXIST)
        return cli_fail(run->cmd, "'%s' already exists; choose a new name", a->out);
    if (r == -ENOTSUP)
        return cli_fail(run->cmd, "PostgreSQL databases are backed up with pg_dump (see README)");
    if (r < 0)
        return cli_fail(run->cmd, "cannot write '%s': %s", a->out, strerror(-r));
    if (security_backup_recorded(&run->ctx, a->out) < 0)
        return cli_fail(run->cmd, "backed up to %s, but %s", a->out, run->ctx.err);
    printf("backed up %s to %s (the key file is not in the copy: keep it safe separately)\n",
           run->cfg->db, a->out);
    return EXIT_OK;
}

const struct cli_spec cmd_backup = {
    .options = options,
    .args_size = sizeof(struct backup_args),
    CLI_OPERAND(struct backup_args, out, "OUT",
                "the copy to write: a file that does not exist yet"),
    .open = CLI_OPEN_OPERATOR,
    .run = backup_run,
};

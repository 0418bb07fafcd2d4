/*
 * trellis import devices --db PATH [--district SID] FILE.csv,
 * trellis import device-events --db PATH [--district SID] FILE.csv (the history file) and
 * trellis export devices --db PATH [--district SID] FILE.csv: the device
 * inventory file (docs/EQUITY.md "Devices and hotspots"), run by the
 * server's operator in the district picked (the devices service still
 * asks the gate).
 *
 * import prints what changed (rows, created, updated, unchanged) on stdout
 * and each error as file:line:column: field: reason on stderr; it exits 1
 * on any error, and then nothing was imported. export writes the file
 * through a temporary name, so a failed export leaves no partial file.
 */
#include "base/common.h"

#include <stdio.h>
#include <unistd.h>

#include "app/devices.h"
#include "base/buf.h"
#include "cli/cli.h"
#include "cli/commands.h"

struct devices_args {
    const char *path;
};

static const struct cli_option options[] = {
    CLI_OPTION_DB, CLI_OPTION_DISTRICT, CLI_OPTION_KEY_FILE, CLI_OPTION_CONFIG, {0},
};

/* The largest inventory file read: 256 MiB (100,000 devices take about 15 MiB). */
#define DEVICES_FILE_MAX (256u << 20)

static int read_file(const char *cmd, const char *path, struct buf *out)
{
    FILE *f = fopen(path, "rb");
    char chunk[65536];
    size_t n;
    int r = 0;

    if (!f)
        return cli_fail(cmd, "cannot open '%s': %s", path, strerror(errno));
    while (r == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (buf_append(out, chunk, n) < 0)
            r = cli_fail(cmd, "'%s' is larger than 256 MiB", path);
    if (r == 0 && ferror(f))
        r = cli_fail(cmd, "cannot read '%s'", path);
    fclose(f);
    return r;
}

static int import_common(struct cli_run *run, bool history)
{
    const struct devices_args *a = run->args;
    struct devices_report rep;
    struct buf b;
    int rc, r;

    buf_init(&b, DEVICES_FILE_MAX);
    rc = read_file(run->cmd, a->path, &b);
    if (rc != EXIT_OK) {
        buf_release(&b);
        return rc;
    }
    if (history)
        r = devices_import_history(&run->ctx, run->op.district_id, a->path, b.data ? b.data : "",
                                   b.len, &rep);
    else
        r = devices_import(&run->ctx, run->op.district_id, a->path, b.data ? b.data : "", b.len,
                           &rep);
    for (size_t i = 0; i < rep.n_errors; i++)
        fprintf(stderr, "%s\n", rep.errors[i]);
    if (rep.more_errors)
        fprintf(stderr, "... and %zu more errors\n", rep.more_errors);
    if (r < 0)
        rc = cli_fail(run->cmd, "%s", run->ctx.err[0] ? run->ctx.err : strerror(-r));
    else if (history)
        printf("device events: %ld rows, %ld created, %ld unchanged\n", rep.rows, rep.created,
               rep.unchanged);
    else
        printf("devices: %ld rows, %ld created, %ld updated, %ld unchanged\n", rep.rows,
               rep.created, rep.updated, rep.unchanged);
    devices_report_release(&rep);
    buf_release(&b);
    return rc;
}

static int import_run(struct cli_run *run)
{
    return import_common(run, false);
}

static int import_history_run(struct cli_run *run)
{
    return import_common(run, true);
}

static int export_run(struct cli_run *run)
{
    const struct devices_args *a = run->args;
    char tmp[4096];
    struct buf b;
    long n = 0;
    FILE *f;
    int r, rc = EXIT_OK;

    buf_init(&b, DEVICES_FILE_MAX);
    r = devices_export(&run->ctx, run->op.district_id, &b, &n);
    if (r < 0) {
        buf_release(&b);
        return cli_fail(run->cmd, "%s", run->ctx.err[0] ? run->ctx.err : strerror(-r));
    }
    if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", a->path) >= sizeof(tmp)) {
        buf_release(&b);
        return cli_fail(run->cmd, "'%s': the name is too long", a->path);
    }
    f = fopen(tmp, "wb");
    if (!f) {
        rc = cli_fail(run->cmd, "cannot create '%s': %s", tmp, strerror(errno));
    } else {
        bool ok = fwrite(b.data ? b.data : "", 1, b.len, f) == b.len;
        ok = fclose(f) == 0 && ok;
        if (!ok || rename(tmp, a->path) < 0) {
            rc = cli_fail(run->cmd, "cannot write '%s': %s", a->path, strerror(errno));
            (void)unlink(tmp);
        } else {
            printf("exported %ld devices to %s\n", n, a->path);
        }
    }
    buf_release(&b);
    return rc;
}

const struct cli_spec cmd_import_devices = {
    .options = options,
    .args_size = sizeof(struct devices_args),
    CLI_OPERAND(struct devices_args, path, "FILE.csv",
                "the inventory: a CSV file (docs/EQUITY.md, \"Devices and hotspots\")"),
    .open = CLI_OPEN_DISTRICT,
    .run = import_run,
};

const struct cli_spec cmd_import_device_events = {
    .options = options,
    .args_size = sizeof(struct devices_args),
    CLI_OPERAND(struct devices_args, path, "FILE.csv",
                "the history: a CSV file of events (docs/EQUITY.md, \"The history file\")"),
    .open = CLI_OPEN_DISTRICT,
    .run = import_history_run,
};

const struct cli_spec cmd_export_devices = {
    .options = options,
    .args_size = sizeof(struct devices_args),
    CLI_OPERAND(struct devices_args, path, "FILE.csv", "the file to write the inventory to"),
    .open = CLI_OPEN_DISTRICT,
    .run = export_run,
};

/*
 * The devices service (issue 13, docs/EQUITY.md "Devices and hotspots"):
 * the district's inventory of devices and hotspots, imported from and
 * exported to the inventory CSV file (app/devices_csv.h).
 *
 * The inventory is the district's record, not a student's: importing it
 * is administering the district (ACT_ADMIN on the district), exporting it
 * ACT_EXPORT, both decided by the gate's policy table. An import is all or
 * nothing: every error of the file (and of what only the database knows:
 * unknown schools, a serial another device has) is reported and nothing is
 * written; importing the same file again changes nothing.
 *
 * Equipment bought with federal funds is kept for 10 years after its
 * purchase: devices_delete() refuses it before.
 */
#ifndef TRELLIS_APP_DEVICES_H
#define TRELLIS_APP_DEVICES_H

#include <stdint.h>

#include "app/ctx.h"
#include "base/buf.h"

struct devices_report {
    long rows, created, updated, unchanged;
    char **errors; /* "file:line:column: field: reason" (malloc'ed) */
    size_t n_errors, more_errors;
};

/*
 * Import the inventory file (len bytes at data, named label in messages)
 * into district_id: 0 (rep says what changed), -EINVAL (rep->errors; nothing
 * was written), or the gate's refusal / a storage error (ctx->err). The
 * caller releases rep with devices_report_release() in every case.
 */
int devices_import(struct ctx *c, int64_t district_id, const char *label, const char *data,
                   size_t len, struct devices_report *rep);
void devices_report_release(struct devices_report *rep);

/*
 * The district's inventory as an inventory CSV file appended to out (which
 * devices_import() reads back to the same inventory); *ret_n: the devices.
 * 0, or the gate's refusal, a storage error, -E2BIG (out's limit).
 */
int devices_export(struct ctx *c, int64_t district_id, struct buf *out, long *ret_n);

/*
 * Delete the device with this asset tag and its history: 0, -ENOENT, or
 * -EACCES when it was bought with federal funds less than 10 years before
 * ctx->now_ms (or its purchase date is unknown): ctx->err says until when.
 */
int devices_delete(struct ctx *c, int64_t district_id, const char *asset_tag);

#endif

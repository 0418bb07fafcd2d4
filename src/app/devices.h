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

#include <jansson.h>
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
 * Import the device history file (app/devices_history_csv.h: a previous
 * tool's loans) into district_id, all or nothing like the inventory:
 * events already stored are skipped (re-importing changes nothing), the
 * others are replayed device by device from the device's state (a device
 * is lent to one person at a time), and the devices' loans and statuses
 * follow. rep: rows, created (events written), unchanged (skipped).
 */
int devices_import_history(struct ctx *c, int64_t district_id, const char *label, const char *data,
                           size_t len, struct devices_report *rep);

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

/* ---- loans (src/app/devices_loans.c; docs/API.md "Devices and hotspots") ----
 *
 * Who holds which device is student data: every list or history that names
 * a person is read under the gate's grant (RES_DEVICES for a school's or the
 * district's devices, RES_DEVICE_HISTORY for one person's) and audited.
 * Lending, taking back, swapping and recording damage need ACT_WRITE on the
 * device's school's devices (the district's for a device of no school) and
 * on the person's device history. Each call is one transaction: a request
 * with any error changes nothing (ctx->err names the field).
 */

struct devices_query {
    int64_t school_id;         /* 0: every device of the district */
    const char *status, *type; /* NULL: any */
    const char *q;             /* NULL: any; else part of the asset tag, serial or model */
    bool overdue;              /* lent, due before today */
    int64_t limit, offset;
};

/* The district's (or a school's) devices: {total, devices: [...]}. */
int devices_list(struct ctx *c, int64_t district_id, const struct devices_query *q, json_t **ret);
/* One device and its history: {device, events: [...]}. */
int devices_get(struct ctx *c, int64_t device_id, json_t **ret);
/* {asset_tag, user_id, due_date?, condition?, note?}: lend a device. -> the device */
int devices_check_out(struct ctx *c, int64_t district_id, json_t *req, json_t **ret);
/* {asset_tag, condition?, note?, to_repair?}: take a device back. -> the device */
int devices_check_in(struct ctx *c, int64_t district_id, json_t *req, json_t **ret);
/* {asset_tag, loaner_tag, condition?, note?}: take a device back for repair and lend the
   loaner to the same person. -> {returned, loaner} */
int devices_swap(struct ctx *c, int64_t district_id, json_t *req, json_t **ret);
/* {asset_tag, kind: damage|loss|repaired|found, cost?, note?}. -> the device */
int devices_incident(struct ctx *c, int64_t district_id, json_t *req, json_t **ret);
/* {asset_tag, user_id, guardian, method: paper|online|in_person|phone}: the guardian
   acknowledged the device agreement (now). -> the event */
int devices_acknowledge(struct ctx *c, int64_t district_id, json_t *req, json_t **ret);
/* A class's students today with the device each holds: {class_id, students: [...]}. */
int devices_class(struct ctx *c, int64_t class_id, json_t **ret);
/* {asset_tags: [...], due_date?, condition?}: lend them, in order, to the class's students
   who hold no device (in the class list's order); all or none. -> {checked_out: [...]} */
int devices_class_check_out(struct ctx *c, int64_t class_id, json_t *req, json_t **ret);
/* The classes of a school with students today, for choosing one to scan for:
   {school_id, classes: [{id, title, type, students}]} (no student named). */
int devices_school_classes(struct ctx *c, int64_t school_id, json_t **ret);
/* A person's devices now and their history: {user_id, devices: [...], events: [...]}. */
int devices_person(struct ctx *c, int64_t user_id, json_t **ret);

#endif

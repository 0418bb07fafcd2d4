/*
 * The device inventory and its history (migration 0024): SQL only. The
 * inventory itself (asset tags, models, funding) is the district's, not a
 * student's: its reads and writes take the connection and the district the
 * service checked with the gate. What names a student (a loan, a device's
 * history) is read by the devices service only after the gate allowed it.
 * Days are days since 1970-01-01 (UTC).
 */
#ifndef TRELLIS_STORE_DEVICES_H
#define TRELLIS_STORE_DEVICES_H

#include <stdint.h>

#include "base/common.h"

struct db;

/* One device as stored. Strings are borrowed (valid during a callback) or the caller's. */
struct device_rec {
    int64_t id;
    const char *asset_tag, *serial, *model, *type, *status, *funding_source;
    bool has_purchase, has_cost, has_cap;
    int64_t purchase_day, cost_cents, data_cap_mb;
    int64_t school_id;      /* 0: none */
    const char *school_sid; /* reads only: the school's sourcedId ("" none) */
    const char *location;
    const char *notes; /* a JSON object */
    const char *carrier, *plan;
    int64_t holder_id; /* 0: not lent */
    bool has_due;
    int64_t due_day;
};

/*
 * Call cb for every device of the district in asset tag order (a non-zero
 * return from cb stops and is returned): 0 or a negative errno.
 */
int store_devices_each(struct db *db, int64_t district_id,
                       int (*cb)(void *arg, const struct device_rec *d), void *arg);
/* The device with this asset tag: cb is called once; 0, -ENOENT. */
int store_device_by_tag(struct db *db, int64_t district_id, const char *asset_tag,
                        int (*cb)(void *arg, const struct device_rec *d), void *arg);
/* Add a device (d->id, school_sid, holder and due are ignored): 0 and *ret_id, -EEXIST. */
int store_device_insert(struct db *db, int64_t district_id, const struct device_rec *d,
                        int64_t now_ms, int64_t *ret_id);
/* Change the inventory fields of device d->id (not its loan): 0, -ENOENT, -EEXIST (serial). */
int store_device_update(struct db *db, int64_t district_id, const struct device_rec *d,
                        int64_t now_ms);
/* Delete a device and its history: 0, -ENOENT. */
int store_device_delete(struct db *db, int64_t district_id, int64_t id);

#endif

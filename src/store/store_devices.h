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
/*
 * The import: add n devices (as store_device_insert) in as few statements as
 * possible. Any failure leaves the transaction to be rolled back whole.
 */
int store_devices_insert_many(struct db *db, int64_t district_id, const struct device_rec *d,
                              size_t n, int64_t now_ms);
/* Change the inventory fields of device d->id (not its loan): 0, -ENOENT, -EEXIST (serial). */
int store_device_update(struct db *db, int64_t district_id, const struct device_rec *d,
                        int64_t now_ms);
/* Delete a device and its history: 0, -ENOENT. */
int store_device_delete(struct db *db, int64_t district_id, int64_t id);

/* ---- loans and history (student data: under the gate's grants) ---- */

struct grant;

/* A device by id or by asset tag, for the service to decide (inventory fields and the
   holder's id, nothing about the holder): cb once; 0, -ENOENT. */
int store_device_get(struct db *db, int64_t district_id, int64_t id,
                     int (*cb)(void *arg, const struct device_rec *d), void *arg);

struct device_filter {
    const char *status, *type; /* NULL: any */
    const char *q;             /* NULL: any; else a part of the asset tag, serial or model */
    bool overdue;              /* only devices lent with a due date before today */
    int64_t today;
    int64_t limit, offset;
};

/*
 * The devices a RES_DEVICES grant covers (its school's, or with id 0 the
 * district's), filtered, in asset tag order, each with its holder's name
 * ("" when not lent); the holders are noted in the grant. *ret_total: how
 * many match without limit and offset. 0, -EACCES (the grant), storage.
 */
int store_devices_list(struct db *db, struct grant *g, const struct device_filter *f,
                       int (*cb)(void *arg, const struct device_rec *d, const char *holder),
                       void *arg, int64_t *ret_total);

struct device_event {
    int64_t id, device_id;
    const char *asset_tag; /* reads: the device's */
    const char *kind;      /* check_out, check_in, damage, loss, repair, found, acknowledgement */
    int64_t at_ms;
    int64_t user_id;       /* 0: none */
    const char *user_name; /* reads: "Given Family" ("" none) */
    bool has_due, has_cost;
    int64_t due_day, cost_cents;
    const char *condition, *note;
    int64_t other_device_id; /* 0: none */
    const char *other_tag;   /* reads */
    const char *ack_method, *ack_guardian;
    int64_t recorded_by; /* 0: none */
    const char *recorded_by_name;
};

/* The history of one device (oldest first) under a RES_DEVICES grant covering its school;
   the people named are noted. 0, -EACCES, -ENOENT (no such device there). */
int store_device_events(struct db *db, struct grant *g, int64_t device_id,
                        int (*cb)(void *arg, const struct device_event *e), void *arg);
/* A person's device history (oldest first) under a RES_DEVICE_HISTORY grant for them. */
int store_person_device_events(struct db *db, struct grant *g,
                               int (*cb)(void *arg, const struct device_event *e), void *arg);
/* The devices a person holds now, under a RES_DEVICE_HISTORY grant for them. */
int store_person_devices(struct db *db, struct grant *g,
                         int (*cb)(void *arg, const struct device_rec *d), void *arg);

/*
 * Record an event (e->asset_tag, user_name, other_tag ignored) under a
 * RES_DEVICES write grant covering the device's school: 0 and *ret_id.
 */
int store_device_event_insert(struct db *db, struct grant *g, const struct device_event *e,
                              int64_t *ret_id);
/* Set a device's loan (holder 0: none), due date and status under a RES_DEVICES write grant. */
int store_device_set_loan(struct db *db, struct grant *g, int64_t device_id, int64_t holder_id,
                          bool has_due, int64_t due_day, const char *status, int64_t now_ms);

/* The import: record n events (as store_device_event_insert), in file order, in few
   statements. Any failure leaves the transaction to be rolled back whole. */
int store_device_events_insert_many(struct db *db, struct grant *g, const struct device_event *e,
                                    size_t n);
/* A device's loan after an import (holder 0: none; status a static name). */
struct device_loan {
    int64_t device_id, holder_id, due_day;
    bool has_due;
    const char *status;
};
/* The import: set n devices' loans (as store_device_set_loan, each device once) in few
   statements. */
int store_device_set_loans(struct db *db, struct grant *g, const struct device_loan *l, size_t n,
                           int64_t now_ms);

/*
 * The students of a class today (in name order), each with the device they
 * hold ("" none), under a RES_DEVICES grant covering the class's school
 * (noted). 0, -EACCES, -ENOENT (no such class in the grant's school).
 */
int store_class_devices(struct db *db, struct grant *g, int64_t class_id, int64_t today,
                        int (*cb)(void *arg, int64_t user_id, const char *name, int64_t device_id,
                                  const char *asset_tag, const char *type),
                        void *arg);

/* The classes of a school with students enrolled today (homerooms first, then by title):
   their ids, titles and student counts. No student is named. 0 or storage. */
int store_school_classes(struct db *db, int64_t district_id, int64_t school_id, int64_t today,
                         int (*cb)(void *arg, int64_t class_id, const char *title, const char *type,
                                   int64_t students),
                         void *arg);

/* Every event of the district (for an import to skip what it holds already): 0 or storage. */
int store_device_event_keys(struct db *db, int64_t district_id,
                            int (*cb)(void *arg, int64_t device_id, const char *kind, int64_t at_ms,
                                      int64_t user_id),
                            void *arg);

/* A person's name and whether they are active in the district: 0, -ENOENT. */
int store_device_person(struct db *db, int64_t district_id, int64_t user_id, char *name,
                        size_t namelen);

#endif

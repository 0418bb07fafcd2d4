/*
 * The device inventory: see store_devices.h.
 */
#include "base/common.h"

#include "store/db.h"
#include "store/store_devices.h"

#define DEV_COLS                                                                           \
    "d.id, d.asset_tag, d.serial, d.model, d.type, d.status, d.funding_source, "           \
    "d.purchase_day, d.cost_cents, d.data_cap_mb, d.school_id, ifnull(o.sourced_id, ''), " \
    "d.location, d.notes, d.carrier, d.plan, d.holder_id, d.due_day"
#define DEV_FROM " FROM devices d LEFT JOIN orgs o ON o.id = d.school_id "

static int64_t opt(struct db_stmt *st, int col, bool *ret_has)
{
    *ret_has = !db_col_null(st, col);
    return *ret_has ? db_col_int64(st, col) : 0;
}

static void rec_read(struct db_stmt *st, struct device_rec *d)
{
    memset(d, 0, sizeof(*d));
    d->id = db_col_int64(st, 0);
    d->asset_tag = db_col_text(st, 1);
    d->serial = db_col_text(st, 2);
    d->model = db_col_text(st, 3);
    d->type = db_col_text(st, 4);
    d->status = db_col_text(st, 5);
    d->funding_source = db_col_text(st, 6);
    d->purchase_day = opt(st, 7, &d->has_purchase);
    d->cost_cents = opt(st, 8, &d->has_cost);
    d->data_cap_mb = opt(st, 9, &d->has_cap);
    d->school_id = db_col_null(st, 10) ? 0 : db_col_int64(st, 10);
    d->school_sid = db_col_text(st, 11);
    d->location = db_col_text(st, 12);
    d->notes = db_col_text(st, 13);
    d->carrier = db_col_text(st, 14);
    d->plan = db_col_text(st, 15);
    d->holder_id = db_col_null(st, 16) ? 0 : db_col_int64(st, 16);
    d->due_day = opt(st, 17, &d->has_due);
}

static int each(struct db_stmt *st, int (*cb)(void *arg, const struct device_rec *d), void *arg,
                bool one)
{
    struct device_rec d;
    bool any = false;
    int r;

    while ((r = db_step(st)) > 0) {
        any = true;
        rec_read(st, &d);
        r = cb(arg, &d);
        if (r != 0)
            break;
    }
    db_done(st);
    if (r == 0 && one && !any)
        r = -ENOENT;
    return r;
}

int store_devices_each(struct db *db, int64_t district_id,
                       int (*cb)(void *arg, const struct device_rec *d), void *arg)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT " DEV_COLS DEV_FROM "WHERE d.district_id = ? ORDER BY d.asset_tag",
                     "i", district_id);
    return r < 0 ? r : each(st, cb, arg, false);
}

int store_device_by_tag(struct db *db, int64_t district_id, const char *asset_tag,
                        int (*cb)(void *arg, const struct device_rec *d), void *arg)
{
    struct db_stmt *st;
    int r =
        db_query(db, &st, "SELECT " DEV_COLS DEV_FROM "WHERE d.district_id = ? AND d.asset_tag = ?",
                 "is", district_id, asset_tag);
    return r < 0 ? r : each(st, cb, arg, true);
}

static int bind_opt(struct db_stmt *st, int idx, bool has, int64_t v)
{
    return has ? db_bind_int64(st, idx, v) : db_bind_null(st, idx);
}

/* Bind the inventory fields at 1..14 (the order of the INSERT and UPDATE below). */
static int bind_fields(struct db_stmt *st, const struct device_rec *d)
{
    int r = 0, i = 1;

    r = r ? r : db_bind_text(st, i++, str_from(d->asset_tag));
    r = r ? r : db_bind_text(st, i++, str_from(d->serial));
    r = r ? r : db_bind_text(st, i++, str_from(d->model));
    r = r ? r : db_bind_text(st, i++, str_from(d->type));
    r = r ? r : db_bind_text(st, i++, str_from(d->status));
    r = r ? r : db_bind_text(st, i++, str_from(d->funding_source));
    r = r ? r : bind_opt(st, i++, d->has_purchase, d->purchase_day);
    r = r ? r : bind_opt(st, i++, d->has_cost, d->cost_cents);
    r = r ? r : bind_opt(st, i++, d->has_cap, d->data_cap_mb);
    r = r ? r : bind_opt(st, i++, d->school_id > 0, d->school_id);
    r = r ? r : db_bind_text(st, i++, str_from(d->location));
    r = r ? r : db_bind_text(st, i++, str_from(d->notes));
    r = r ? r : db_bind_text(st, i++, str_from(d->carrier));
    r = r ? r : db_bind_text(st, i++, str_from(d->plan));
    return r;
}

int store_device_insert(struct db *db, int64_t district_id, const struct device_rec *d,
                        int64_t now_ms, int64_t *ret_id)
{
    static const char sql[] =
        "INSERT INTO devices (asset_tag, serial, model, type, status, funding_source, "
        "purchase_day, cost_cents, data_cap_mb, school_id, location, notes, carrier, plan, "
        "district_id, created_ms, updated_ms) VALUES "
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
    struct db_stmt *st;
    int r = db_prepare(db, sql, &st);

    if (r < 0)
        return r;
    r = bind_fields(st, d);
    r = r ? r : db_bind_int64(st, 15, district_id);
    r = r ? r : db_bind_int64(st, 16, now_ms);
    r = r ? r : db_bind_int64(st, 17, now_ms);
    if (r == 0)
        r = db_step(st);
    if (r > 0) {
        *ret_id = db_col_int64(st, 0);
        r = 0;
    } else if (r == 0) {
        r = -EIO;
    }
    db_done(st);
    return r;
}

int store_device_update(struct db *db, int64_t district_id, const struct device_rec *d,
                        int64_t now_ms)
{
    static const char sql[] =
        "UPDATE devices SET asset_tag = ?, serial = ?, model = ?, type = ?, status = ?, "
        "funding_source = ?, purchase_day = ?, cost_cents = ?, data_cap_mb = ?, school_id = ?, "
        "location = ?, notes = ?, carrier = ?, plan = ?, updated_ms = ? "
        "WHERE district_id = ? AND id = ?";
    struct db_stmt *st;
    int r = db_prepare(db, sql, &st);

    if (r < 0)
        return r;
    r = bind_fields(st, d);
    r = r ? r : db_bind_int64(st, 15, now_ms);
    r = r ? r : db_bind_int64(st, 16, district_id);
    r = r ? r : db_bind_int64(st, 17, d->id);
    if (r == 0)
        r = db_step(st);
    if (r >= 0)
        r = db_changes(st) == 1 ? 0 : -ENOENT;
    db_done(st);
    return r;
}

int store_device_delete(struct db *db, int64_t district_id, int64_t id)
{
    int64_t n = db_exec(db,
                        "DELETE FROM device_events WHERE district_id = ? AND (device_id = ? OR "
                        "other_device_id = ?)",
                        "iii", district_id, id, id);
    if (n < 0)
        return (int)n;
    n = db_exec(db, "DELETE FROM devices WHERE district_id = ? AND id = ?", "ii", district_id, id);
    if (n < 0)
        return (int)n;
    return n == 1 ? 0 : -ENOENT;
}

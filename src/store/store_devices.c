/*
 * The device inventory: see store_devices.h.
 */
#include "base/common.h"

#include <pthread.h>
#include <stdio.h>

#include "base/mem.h"
#include "store/db.h"
#include "store/grant_impl.h"
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

/* ---- loans and history ---- */

int store_device_get(struct db *db, int64_t district_id, int64_t id,
                     int (*cb)(void *arg, const struct device_rec *d), void *arg)
{
    struct db_stmt *st;
    int r = db_query(db, &st, "SELECT " DEV_COLS DEV_FROM "WHERE d.district_id = ? AND d.id = ?",
                     "ii", district_id, id);
    return r < 0 ? r : each(st, cb, arg, true);
}

/* The grant covers action on the devices of its school (or the district's): 0 or -EACCES. */
static int covers(struct grant *g, struct db *db, unsigned action)
{
    if (!g || g->magic != GRANT_MAGIC)
        return -EACCES;
    return grant_covers(g, db, RES_DEVICES, g->district_id, g->id, action);
}

/* SQL: device alias d is in the grant's scope (bound: school id twice). */
#define IN_SCOPE " AND (? = 0 OR d.school_id = ?)"

#define HOLDER_NAME                                                                          \
    "ifnull((SELECT coalesce(h.preferred_given_name, h.given_name) || ' ' || h.family_name " \
    "FROM users h WHERE h.id = d.holder_id), '')"

/* The list's filter (bound: district, school twice, status twice, type twice, q four times,
   overdue, today). */
#define LIST_WHERE                                                                              \
    " WHERE d.district_id = ?" IN_SCOPE " AND (CAST(? AS TEXT) IS NULL OR d.status = ?)"        \
    " AND (CAST(? AS TEXT) IS NULL OR d.type = ?)"                                              \
    " AND (CAST(? AS TEXT) IS NULL OR d.asset_tag LIKE ? OR d.serial LIKE ? OR d.model LIKE ?)" \
    " AND (? = 0 OR (d.holder_id IS NOT NULL AND d.due_day IS NOT NULL AND d.due_day < ?))"

int store_devices_list(struct db *db, struct grant *g, const struct device_filter *f,
                       int (*cb)(void *arg, const struct device_rec *d, const char *holder),
                       void *arg, int64_t *ret_total)
{
    struct db_stmt *st;
    struct device_rec d;
    char *like = NULL;
    int r = covers(g, db, ACT_LIST);

    if (r < 0)
        return r;
    if (f->q) {
        size_t n = strlen(f->q);
        like = mem_alloc(n + 3);
        if (!like)
            return -ENOMEM;
        like[0] = '%';
        memcpy(like + 1, f->q, n);
        like[n + 1] = '%';
        like[n + 2] = 0;
    }
    int64_t school = g->id, overdue = f->overdue;
    r = db_query_int64(db, ret_total, "SELECT COUNT(*) FROM devices d" LIST_WHERE, "iiissssssssii",
                       g->district_id, school, school, f->status, f->status, f->type, f->type, like,
                       like, like, like, overdue, f->today);
    if (r < 0)
        goto out;
    r = db_query(db, &st,
                 "SELECT " DEV_COLS ", " HOLDER_NAME DEV_FROM LIST_WHERE
                 " ORDER BY d.asset_tag LIMIT ? OFFSET ?",
                 "iiissssssssiiii", g->district_id, school, school, f->status, f->status, f->type,
                 f->type, like, like, like, like, overdue, f->today, f->limit, f->offset);
    if (r < 0)
        goto out;
    while ((r = db_step(st)) > 0) {
        rec_read(st, &d);
        if (d.holder_id)
            grant_note(g, d.holder_id);
        r = cb(arg, &d, db_col_text(st, 18));
        if (r != 0)
            break;
    }
    db_done(st);
out:
    mem_free(like);
    return r;
}

#define EV_COLS                                                                                 \
    "e.id, e.device_id, dv.asset_tag, e.kind, e.at_ms, e.user_id, "                             \
    "ifnull((SELECT coalesce(u.preferred_given_name, u.given_name) || ' ' || u.family_name "    \
    "FROM users u WHERE u.id = e.user_id), ''), e.due_day, e.cost_cents, e.condition, e.note, " \
    "e.other_device_id, ifnull((SELECT o.asset_tag FROM devices o WHERE o.id = "                \
    "e.other_device_id), ''), e.ack_method, e.ack_guardian, e.recorded_by, e.recorded_by_name"

static int events(struct db_stmt *st, struct grant *g,
                  int (*cb)(void *arg, const struct device_event *e), void *arg)
{
    struct device_event e;
    int r;

    while ((r = db_step(st)) > 0) {
        memset(&e, 0, sizeof(e));
        e.id = db_col_int64(st, 0);
        e.device_id = db_col_int64(st, 1);
        e.asset_tag = db_col_text(st, 2);
        e.kind = db_col_text(st, 3);
        e.at_ms = db_col_int64(st, 4);
        e.user_id = db_col_null(st, 5) ? 0 : db_col_int64(st, 5);
        e.user_name = db_col_text(st, 6);
        e.due_day = opt(st, 7, &e.has_due);
        e.cost_cents = opt(st, 8, &e.has_cost);
        e.condition = db_col_text(st, 9);
        e.note = db_col_text(st, 10);
        e.other_device_id = db_col_null(st, 11) ? 0 : db_col_int64(st, 11);
        e.other_tag = db_col_text(st, 12);
        e.ack_method = db_col_text(st, 13);
        e.ack_guardian = db_col_text(st, 14);
        e.recorded_by = db_col_null(st, 15) ? 0 : db_col_int64(st, 15);
        e.recorded_by_name = db_col_text(st, 16);
        if (e.user_id)
            grant_note(g, e.user_id);
        r = cb(arg, &e);
        if (r != 0)
            break;
    }
    db_done(st);
    return r;
}

int store_device_events(struct db *db, struct grant *g, int64_t device_id,
                        int (*cb)(void *arg, const struct device_event *e), void *arg)
{
    struct db_stmt *st;
    int64_t n = 0;
    int r = covers(g, db, ACT_READ);

    if (r < 0)
        return r;
    r = db_query_int64(
        db, &n, "SELECT COUNT(*) FROM devices d WHERE d.district_id = ? AND d.id = ?" IN_SCOPE,
        "iiii", g->district_id, device_id, g->id, g->id);
    if (r < 0)
        return r;
    if (n == 0)
        return -ENOENT;
    r = db_query(db, &st,
                 "SELECT " EV_COLS " FROM device_events e JOIN devices dv ON dv.id = e.device_id "
                 "WHERE e.district_id = ? AND e.device_id = ? ORDER BY e.at_ms, e.id",
                 "ii", g->district_id, device_id);
    return r < 0 ? r : events(st, g, cb, arg);
}

int store_person_device_events(struct db *db, struct grant *g,
                               int (*cb)(void *arg, const struct device_event *e), void *arg)
{
    struct db_stmt *st;
    int r;

    if (!g || g->magic != GRANT_MAGIC)
        return -EACCES;
    r = grant_covers(g, db, RES_DEVICE_HISTORY, g->district_id, g->id, ACT_READ);
    if (r < 0)
        return r;
    r = db_query(db, &st,
                 "SELECT " EV_COLS " FROM device_events e JOIN devices dv ON dv.id = e.device_id "
                 "WHERE e.district_id = ? AND e.user_id = ? ORDER BY e.at_ms, e.id",
                 "ii", g->district_id, g->id);
    if (r < 0)
        return r;
    grant_note(g, g->id);
    return events(st, g, cb, arg);
}

int store_person_devices(struct db *db, struct grant *g,
                         int (*cb)(void *arg, const struct device_rec *d), void *arg)
{
    struct db_stmt *st;
    int r;

    if (!g || g->magic != GRANT_MAGIC)
        return -EACCES;
    r = grant_covers(g, db, RES_DEVICE_HISTORY, g->district_id, g->id, ACT_READ);
    if (r < 0)
        return r;
    r = db_query(db, &st,
                 "SELECT " DEV_COLS DEV_FROM
                 "WHERE d.district_id = ? AND d.holder_id = ? ORDER BY d.asset_tag",
                 "ii", g->district_id, g->id);
    if (r < 0)
        return r;
    grant_note(g, g->id);
    return each(st, cb, arg, false);
}

/* The device is in the write grant's scope: 0, -EACCES, -ENOENT. */
static int writable(struct db *db, struct grant *g, int64_t device_id)
{
    int64_t n = 0;
    int r = covers(g, db, ACT_WRITE);
    if (r < 0 || g->id == 0)
        return r; /* a district-wide grant: the callers found the device in the district */
    r = db_query_int64(
        db, &n, "SELECT COUNT(*) FROM devices d WHERE d.district_id = ? AND d.id = ?" IN_SCOPE,
        "iiii", g->district_id, device_id, g->id, g->id);
    if (r < 0)
        return r;
    return n ? 0 : -ENOENT;
}

int store_device_event_insert(struct db *db, struct grant *g, const struct device_event *e,
                              int64_t *ret_id)
{
    static const char sql[] =
        "INSERT INTO device_events (district_id, device_id, kind, at_ms, user_id, due_day, "
        "condition, note, cost_cents, other_device_id, ack_method, ack_guardian, recorded_by, "
        "recorded_by_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
    struct db_stmt *st;
    int r = writable(db, g, e->device_id);

    if (r < 0)
        return r;
    if ((r = db_prepare(db, sql, &st)) < 0)
        return r;
    r = db_bind_int64(st, 1, g->district_id);
    r = r ? r : db_bind_int64(st, 2, e->device_id);
    r = r ? r : db_bind_text(st, 3, str_from(e->kind));
    r = r ? r : db_bind_int64(st, 4, e->at_ms);
    r = r ? r : bind_opt(st, 5, e->user_id > 0, e->user_id);
    r = r ? r : bind_opt(st, 6, e->has_due, e->due_day);
    r = r ? r : db_bind_text(st, 7, str_from(e->condition ? e->condition : ""));
    r = r ? r : db_bind_text(st, 8, str_from(e->note ? e->note : ""));
    r = r ? r : bind_opt(st, 9, e->has_cost, e->cost_cents);
    r = r ? r : bind_opt(st, 10, e->other_device_id > 0, e->other_device_id);
    r = r ? r : db_bind_text(st, 11, str_from(e->ack_method ? e->ack_method : ""));
    r = r ? r : db_bind_text(st, 12, str_from(e->ack_guardian ? e->ack_guardian : ""));
    r = r ? r : bind_opt(st, 13, e->recorded_by > 0, e->recorded_by);
    r = r ? r : db_bind_text(st, 14, str_from(e->recorded_by_name ? e->recorded_by_name : ""));
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

int store_device_set_loan(struct db *db, struct grant *g, int64_t device_id, int64_t holder_id,
                          bool has_due, int64_t due_day, const char *status, int64_t now_ms)
{
    int64_t n;
    int r = writable(db, g, device_id);

    if (r < 0)
        return r;
    n = db_exec(db,
                "UPDATE devices SET holder_id = ?, due_day = NULL, status = ?, updated_ms = ? "
                "WHERE district_id = ? AND id = ?",
                "zsiii", holder_id, status, now_ms, g->district_id, device_id);
    if (n >= 0 && has_due)
        n = db_exec(db, "UPDATE devices SET due_day = ? WHERE district_id = ? AND id = ?", "iii",
                    due_day, g->district_id, device_id);
    if (n < 0)
        return (int)n;
    return 0;
}

/* Enrollment alias e is active and its dates hold day (two '?'). */
#define ENR_NOW(e)                                                                         \
    " AND " e ".status = 'active' AND (" e ".begin_date IS NULL OR " e ".begin_date <= ?)" \
    " AND (" e ".end_date IS NULL OR " e ".end_date >= ?)"

int store_class_devices(struct db *db, struct grant *g, int64_t class_id, int64_t today,
                        int (*cb)(void *arg, int64_t user_id, const char *name, int64_t device_id,
                                  const char *asset_tag, const char *type),
                        void *arg)
{
    struct db_stmt *st;
    int64_t n = 0;
    int r = covers(g, db, ACT_LIST);

    if (r < 0)
        return r;
    r = db_query_int64(db, &n,
                       "SELECT COUNT(*) FROM classes c WHERE c.district_id = ? AND c.id = ? AND "
                       "(? = 0 OR c.school_id = ?)",
                       "iiii", g->district_id, class_id, g->id, g->id);
    if (r < 0)
        return r;
    if (n == 0)
        return -ENOENT;
    r = db_query(db, &st,
                 "SELECT u.id, coalesce(u.preferred_given_name, u.given_name) || ' ' || "
                 "u.family_name, ifnull(d.id, 0), ifnull(d.asset_tag, ''), ifnull(d.type, '') "
                 "FROM enrollments e JOIN users u ON u.id = e.user_id "
                 "LEFT JOIN devices d ON d.district_id = e.district_id AND d.holder_id = u.id "
                 "AND d.type <> 'hotspot' "
                 "WHERE e.district_id = ? AND e.class_id = ? AND e.role = 'student'" ENR_NOW(
                     "e") " AND u.status = 'active' "
                          "ORDER BY u.family_name, u.given_name, u.id, d.asset_tag",
                 "iiii", g->district_id, class_id, today, today);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        int64_t uid = db_col_int64(st, 0);
        grant_note(g, uid);
        r = cb(arg, uid, db_col_text(st, 1), db_col_int64(st, 2), db_col_text(st, 3),
               db_col_text(st, 4));
        if (r != 0)
            break;
    }
    db_done(st);
    return r;
}

int store_device_person(struct db *db, int64_t district_id, int64_t user_id, char *name,
                        size_t namelen)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT coalesce(preferred_given_name, given_name) || ' ' || family_name "
                     "FROM users WHERE district_id = ? AND id = ? AND status = 'active'",
                     "ii", district_id, user_id);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        snprintf(name, namelen, "%s", db_col_text(st, 0));
        r = 0;
    } else if (r == 0) {
        r = -ENOENT;
    }
    db_done(st);
    return r;
}

int store_school_classes(struct db *db, int64_t district_id, int64_t school_id, int64_t today,
                         int (*cb)(void *arg, int64_t class_id, const char *title, const char *type,
                                   int64_t students),
                         void *arg)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT c.id, c.title, c.class_type, COUNT(*) FROM classes c JOIN enrollments "
                     "e ON e.district_id = c.district_id AND e.class_id = c.id AND e.role = "
                     "'student'" ENR_NOW("e") " WHERE c.district_id = ? AND c.school_id = ? AND "
                                              "c.status = 'active' GROUP BY c.id, c.title, "
                                              "c.class_type ORDER BY CASE WHEN c.class_type = "
                                              "'homeroom' THEN 0 ELSE 1 END, c.title, c.id",
                     "iiii", today, today, district_id, school_id);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        r = cb(arg, db_col_int64(st, 0), db_col_text(st, 1), db_col_text(st, 2),
               db_col_int64(st, 3));
        if (r != 0)
            break;
    }
    db_done(st);
    return r;
}

int store_device_event_keys(struct db *db, int64_t district_id,
                            int (*cb)(void *arg, int64_t device_id, const char *kind, int64_t at_ms,
                                      int64_t user_id),
                            void *arg)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT device_id, kind, at_ms, ifnull(user_id, 0) FROM device_events "
                     "WHERE district_id = ?",
                     "i", district_id);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        r = cb(arg, db_col_int64(st, 0), db_col_text(st, 1), db_col_int64(st, 2),
               db_col_int64(st, 3));
        if (r != 0)
            break;
    }
    db_done(st);
    return r;
}

/* ---- imports: many rows per statement ---- */

/*
 * Multi-row statements of 256, 128 ... 1 rows, their text built on first
 * use and kept for the process (statements are cached by the text's
 * address). 256 rows of 17 parameters stay far below SQLite's 32766 and
 * PostgreSQL's 65535.
 */
struct rows_sql {
    const char *head, *row, *tail;
    char *sql[9]; /* sql[k]: 256 >> k rows */
};
static pthread_mutex_t rows_lock = PTHREAD_MUTEX_INITIALIZER;

/* The text of t for 256 >> k rows: 0 or -ENOMEM. */
static int rows_text(struct rows_sql *t, size_t k, const char **ret)
{
    int r = 0;

    pthread_mutex_lock(&rows_lock);
    if (!t->sql[k]) {
        size_t rows = (size_t)256 >> k, hn = strlen(t->head), rn = strlen(t->row),
               tn = strlen(t->tail);
        char *q = mem_alloc(hn + rows * (rn + 2) + tn + 1), *p = q;
        if (q) {
            memcpy(p, t->head, hn);
            p += hn;
            for (size_t i = 0; i < rows; i++) {
                if (i) {
                    memcpy(p, ", ", 2);
                    p += 2;
                }
                memcpy(p, t->row, rn);
                p += rn;
            }
            memcpy(p, t->tail, tn + 1);
            t->sql[k] = q;
        } else {
            r = -ENOMEM;
        }
    }
    *ret = t->sql[k];
    pthread_mutex_unlock(&rows_lock);
    return r;
}
#define ROWS_MAX 256

/*
 * Run sql's statements over the n items, the largest statement
 * that fits first; bind(st, base, i, arg) binds item i at base + 1 ...,
 * tail (if any) the statement's parameters after the rows. 0 or the first
 * error.
 */
static int many(struct db *db, struct rows_sql *sql, size_t n,
                int (*bind)(struct db_stmt *st, int base, size_t i, void *arg), int per_row,
                int (*tail)(struct db_stmt *st, int base, void *arg), void *arg)
{
    size_t at = 0;

    while (at < n) {
        size_t k = 0, rows = ROWS_MAX;
        struct db_stmt *st;
        const char *text;
        int r;

        while (rows > n - at) {
            rows /= 2;
            k++;
        }
        if ((r = rows_text(sql, k, &text)) < 0 || (r = db_prepare(db, text, &st)) < 0)
            return r;
        for (size_t i = 0; r == 0 && i < rows; i++)
            r = bind(st, (int)i * per_row, at + i, arg);
        if (r == 0 && tail)
            r = tail(st, (int)rows * per_row, arg);
        if (r == 0)
            while ((r = db_step(st)) > 0)
                ;
        db_done(st);
        if (r < 0)
            return r;
        at += rows;
    }
    return 0;
}

struct devs_arg {
    const struct device_rec *d;
    int64_t district_id, now_ms;
};

static int bind_dev(struct db_stmt *st, int base, size_t i, void *arg)
{
    struct devs_arg *a = arg;
    const struct device_rec *d = &a->d[i];
    int r = 0, k = base + 1;

    r = r ? r : db_bind_text(st, k++, str_from(d->asset_tag));
    r = r ? r : db_bind_text(st, k++, str_from(d->serial));
    r = r ? r : db_bind_text(st, k++, str_from(d->model));
    r = r ? r : db_bind_text(st, k++, str_from(d->type));
    r = r ? r : db_bind_text(st, k++, str_from(d->status));
    r = r ? r : db_bind_text(st, k++, str_from(d->funding_source));
    r = r ? r : bind_opt(st, k++, d->has_purchase, d->purchase_day);
    r = r ? r : bind_opt(st, k++, d->has_cost, d->cost_cents);
    r = r ? r : bind_opt(st, k++, d->has_cap, d->data_cap_mb);
    r = r ? r : bind_opt(st, k++, d->school_id > 0, d->school_id);
    r = r ? r : db_bind_text(st, k++, str_from(d->location));
    r = r ? r : db_bind_text(st, k++, str_from(d->notes));
    r = r ? r : db_bind_text(st, k++, str_from(d->carrier));
    r = r ? r : db_bind_text(st, k++, str_from(d->plan));
    r = r ? r : db_bind_int64(st, k++, a->district_id);
    r = r ? r : db_bind_int64(st, k++, a->now_ms);
    r = r ? r : db_bind_int64(st, k++, a->now_ms);
    return r;
}

#define DEV_INSERT                                                                       \
    "INSERT INTO devices (asset_tag, serial, model, type, status, funding_source, "      \
    "purchase_day, cost_cents, data_cap_mb, school_id, location, notes, carrier, plan, " \
    "district_id, created_ms, updated_ms) VALUES "
#define DEV_ROW "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
static struct rows_sql dev_sql = {.head = DEV_INSERT, .row = DEV_ROW, .tail = ""};

int store_devices_insert_many(struct db *db, int64_t district_id, const struct device_rec *d,
                              size_t n, int64_t now_ms)
{
    struct devs_arg a = {d, district_id, now_ms};

    db_tx_all_or_nothing(db); /* the import: any failure rolls it all back */
    return many(db, &dev_sql, n, bind_dev, 17, NULL, &a);
}

/* The write grant covers every device of items (school grants: one query each). */
static int writable_all(struct db *db, struct grant *g, size_t n,
                        int64_t (*device)(size_t i, void *arg), void *arg)
{
    int r = covers(g, db, ACT_WRITE);

    for (size_t i = 0; r == 0 && g->id != 0 && i < n; i++)
        r = writable(db, g, device(i, arg));
    return r;
}

struct evs_arg {
    const struct device_event *e;
    int64_t district_id;
};

static int bind_ev(struct db_stmt *st, int base, size_t i, void *arg)
{
    struct evs_arg *a = arg;
    const struct device_event *e = &a->e[i];
    int r = 0, k = base + 1;

    r = r ? r : db_bind_int64(st, k++, a->district_id);
    r = r ? r : db_bind_int64(st, k++, e->device_id);
    r = r ? r : db_bind_text(st, k++, str_from(e->kind));
    r = r ? r : db_bind_int64(st, k++, e->at_ms);
    r = r ? r : bind_opt(st, k++, e->user_id > 0, e->user_id);
    r = r ? r : bind_opt(st, k++, e->has_due, e->due_day);
    r = r ? r : db_bind_text(st, k++, str_from(e->condition ? e->condition : ""));
    r = r ? r : db_bind_text(st, k++, str_from(e->note ? e->note : ""));
    r = r ? r : bind_opt(st, k++, e->has_cost, e->cost_cents);
    r = r ? r : bind_opt(st, k++, e->other_device_id > 0, e->other_device_id);
    r = r ? r : db_bind_text(st, k++, str_from(e->ack_method ? e->ack_method : ""));
    r = r ? r : db_bind_text(st, k++, str_from(e->ack_guardian ? e->ack_guardian : ""));
    r = r ? r : bind_opt(st, k++, e->recorded_by > 0, e->recorded_by);
    r = r ? r : db_bind_text(st, k++, str_from(e->recorded_by_name ? e->recorded_by_name : ""));
    return r;
}

static int64_t ev_device(size_t i, void *arg)
{
    return ((struct evs_arg *)arg)->e[i].device_id;
}

#define EV_INSERT                                                                           \
    "INSERT INTO device_events (district_id, device_id, kind, at_ms, user_id, due_day, "    \
    "condition, note, cost_cents, other_device_id, ack_method, ack_guardian, recorded_by, " \
    "recorded_by_name) VALUES "
#define EV_ROW "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
static struct rows_sql ev_sql = {.head = EV_INSERT, .row = EV_ROW, .tail = ""};

int store_device_events_insert_many(struct db *db, struct grant *g, const struct device_event *e,
                                    size_t n)
{
    struct evs_arg a = {e, 0};
    int r = writable_all(db, g, n, ev_device, &a);

    if (r < 0)
        return r;
    a.district_id = g->district_id;
    db_tx_all_or_nothing(db); /* the import: any failure rolls it all back */
    return many(db, &ev_sql, n, bind_ev, 14, NULL, &a);
}

struct loans_arg {
    const struct device_loan *l;
    int64_t district_id, now_ms;
};

static int bind_loan(struct db_stmt *st, int base, size_t i, void *arg)
{
    const struct device_loan *l = &((struct loans_arg *)arg)->l[i];
    int r = db_bind_int64(st, base + 1, l->device_id);

    r = r ? r : bind_opt(st, base + 2, l->holder_id > 0, l->holder_id);
    r = r ? r : bind_opt(st, base + 3, l->has_due, l->due_day);
    r = r ? r : db_bind_text(st, base + 4, str_from(l->status));
    return r;
}

static int64_t loan_device(size_t i, void *arg)
{
    return ((struct loans_arg *)arg)->l[i].device_id;
}

/* The new loans as a table v (typed for PostgreSQL: a VALUES list's parameters have none). */
#define LOAN_WITH "WITH v (id, holder, due, status) AS (VALUES "
#define LOAN_ROW  "(CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS TEXT))"
#define LOAN_SET                                                                      \
    ") UPDATE devices SET holder_id = v.holder, due_day = v.due, status = v.status, " \
    "updated_ms = ? FROM v WHERE devices.district_id = ? AND devices.id = v.id"
static struct rows_sql loan_sql = {.head = LOAN_WITH, .row = LOAN_ROW, .tail = LOAN_SET};

static int bind_loan_tail(struct db_stmt *st, int base, void *arg)
{
    struct loans_arg *a = arg;
    int r = db_bind_int64(st, base + 1, a->now_ms);
    return r ? r : db_bind_int64(st, base + 2, a->district_id);
}

int store_device_set_loans(struct db *db, struct grant *g, const struct device_loan *l, size_t n,
                           int64_t now_ms)
{
    struct loans_arg a = {l, 0, now_ms};
    int r = writable_all(db, g, n, loan_device, &a);

    if (r < 0)
        return r;
    a.district_id = g->district_id;
    return many(db, &loan_sql, n, bind_loan, 4, bind_loan_tail, &a);
}

/*
 * The device history import: see devices.h (devices_import_history). The
 * file is checked alone (app/devices_history_csv.c), then in one write
 * transaction against the database: every asset tag and person must be the
 * district's, each device's events must be in time order and none in the
 * future, and replayed from the device's state they must make sense (a
 * check-out of a device lent already, a check-in of one that is not, are
 * errors). Events already stored (the same device, kind and time) are
 * skipped and not replayed: the device's state already holds them. Every error is reported as
 * file:line:column: field: reason and then nothing is written. A file without
 * errors is written many rows to a statement: each touched device's final
 * loan (store_device_set_loans), then the events in file order
 * (store_device_events_insert_many).
 */
#include "base/common.h"

#include <stdio.h>

#include "app/access.h"
#include "app/devices.h"
#include "app/devices_history_csv.h"
#include "base/mem.h"
#include "base/strmap.h"
#include "store/store.h"
#include "store/store_devices.h"
#include "store/store_people.h"

/* One device's state while the file is replayed. */
struct dstate {
    int64_t id, holder, due_day, last_at;
    size_t last_line;
    bool has_due, touched;
    const char *status; /* a static name */
};

struct hist {
    struct ctx *c;
    struct db *db;
    int64_t district_id;
    struct strmap tags;  /* asset tag -> index into dev */
    struct strmap users; /* sourcedId -> users.id (0: unknown) */
    struct strmap keys;  /* stored events: "device|kind|at|user" */
    struct dstate *dev;
    size_t n_dev, cap_dev;
    char key[160];
    /* the writing replay: events not yet written (store_device_events_insert_many) */
    struct device_event *pend;
    size_t n_pend, pend_line;
};

/* Events go to the store this many at a time (multi-row INSERTs). */
#define BATCH 1024

/* Write the pending events (of lines pend_line to line). */
static int flush(struct hist *x, struct grant *g, const char *label, size_t line)
{
    int r = x->n_pend ? store_device_events_insert_many(x->db, g, x->pend, x->n_pend) : 0;
    if (r < 0)
        r = ctx_fail(x->c, r, "%s:%zu-%zu: cannot write the events of these lines", label,
                     x->pend_line, line);
    x->n_pend = 0;
    return r;
}

static const char *status_static(const char *s)
{
    int k = device_status_parse(str_from(s));
    return k >= 0 ? device_status_name(k) : "in_stock";
}

static int dev_cb(void *arg, const struct device_rec *d)
{
    struct hist *x = arg;
    struct strmap_entry *e;
    bool added;
    int r;

    if (x->n_dev == x->cap_dev) {
        size_t cap = x->cap_dev ? x->cap_dev * 2 : 1024;
        struct dstate *v = mem_realloc(x->dev, cap * sizeof(*v));
        if (!v)
            return -ENOMEM;
        x->dev = v;
        x->cap_dev = cap;
    }
    x->dev[x->n_dev] = (struct dstate){.id = d->id,
                                       .holder = d->holder_id,
                                       .has_due = d->has_due,
                                       .due_day = d->due_day,
                                       .last_at = INT64_MIN,
                                       .status = status_static(d->status)};
    if ((r = strmap_put(&x->tags, str_from(d->asset_tag), &e, &added)) < 0)
        return r;
    e->id = (int64_t)x->n_dev++;
    return 0;
}

/* An event's identity: the device, the kind and the time (the person may be implied). */
static const char *key_of(struct hist *x, int64_t device, const char *kind, int64_t at)
{
    snprintf(x->key, sizeof(x->key), "%lld|%s|%lld", (long long)device, kind, (long long)at);
    return x->key;
}

static int key_cb(void *arg, int64_t device_id, const char *kind, int64_t at_ms, int64_t user_id)
{
    struct hist *x = arg;
    struct strmap_entry *e;
    bool added;
    (void)user_id;
    return strmap_put(&x->keys, str_from(key_of(x, device_id, kind, at_ms)), &e, &added);
}

/* The person with this sourcedId (0: none in the district). */
static int user(struct hist *x, const char *sid, int64_t *ret)
{
    struct strmap_entry *e;
    bool added;
    int r = strmap_put(&x->users, str_from(sid), &e, &added);
    if (r < 0)
        return r;
    if (added) {
        char *username = NULL;
        int64_t id = 0;
        r = store_user_by_sourced_id(x->db, x->district_id, sid, &id, &username);
        mem_free(username);
        if (r < 0 && r != -ENOENT)
            return r;
        e->id = r == 0 ? id : 0;
    }
    *ret = e->id;
    return 0;
}

#define FAIL(h, row, k, field, ...)                                                          \
    do {                                                                                     \
        if (devices_csv_error(&(h)->errs, (row)->line, (h)->col[k], (field), __VA_ARGS__) == \
            -ENOMEM)                                                                         \
            return -ENOMEM;                                                                  \
        goto next;                                                                           \
    } while (0)

/* Check and replay every row; with write, also write the events. */
static int replay(struct hist *x, struct devices_history *h, struct grant *g, bool write,
                  struct devices_report *rep)
{
    int64_t now = x->c->now_ms;
    size_t last = 0;
    int r;

    for (size_t i = 0; i < h->n; i++) {
        const struct history_row *row = &h->rows[i];
        struct strmap_entry *t;
        struct dstate *d;
        int64_t uid = 0;

        if (row->bad)
            continue;
        if (!(t = strmap_get(&x->tags, str_from(row->asset_tag))))
            FAIL(h, row, HCOL_ASSET_TAG, "asset_tag", "no device '%s' in the inventory",
                 row->asset_tag);
        d = &x->dev[t->id];
        if (row->user_sid[0]) {
            if ((r = user(x, row->user_sid, &uid)) < 0)
                return r;
            if (!uid)
                FAIL(h, row, HCOL_USER, "user_sourced_id", "no person '%s' in the district",
                     row->user_sid);
        }
        if (row->at_ms > now)
            FAIL(h, row, HCOL_AT, "at", "in the future");
        if (row->at_ms < d->last_at)
            FAIL(h, row, HCOL_AT, "at",
                 "before the event of line %zu of this device: list "
                 "each device's events in time order",
                 d->last_line);
        bool out = !strcmp(row->event, "check_out"), in = !strcmp(row->event, "check_in");
        /* the person an event is about: given, else the holder at the time */
        int64_t who = uid ? uid : (out ? 0 : d->holder);
        if (strmap_get(&x->keys, str_from(key_of(x, d->id, row->event, row->at_ms)))) {
            rep->unchanged += write;
            d->last_at = row->at_ms;
            d->last_line = row->line;
            continue; /* stored already: not replayed */
        }
        if (out && d->holder)
            FAIL(h, row, HCOL_EVENT, "event",
                 "'%s' is lent already at this time: check it in first", row->asset_tag);
        if (in && !d->holder)
            FAIL(h, row, HCOL_EVENT, "event", "'%s' is not lent at this time", row->asset_tag);
        if (in && uid && uid != d->holder)
            FAIL(h, row, HCOL_USER, "user_sourced_id", "'%s' is lent to someone else",
                 row->asset_tag);
        d->last_at = row->at_ms;
        d->last_line = row->line;
        if (write) {
            if (!x->n_pend)
                x->pend_line = row->line;
            x->pend[x->n_pend++] = (struct device_event){.device_id = d->id,
                                                         .kind = row->event,
                                                         .at_ms = row->at_ms,
                                                         .user_id = who,
                                                         .has_due = row->has_due,
                                                         .due_day = row->due_day,
                                                         .has_cost = row->has_cost,
                                                         .cost_cents = row->cost_cents,
                                                         .condition = row->condition,
                                                         .note = row->note,
                                                         .recorded_by_name = "import"};
            last = row->line;
            rep->created++;
            if (x->n_pend == BATCH && (r = flush(x, g, h->errs.label, last)) < 0)
                return r;
        }
        d->touched = true;
        if (out) {
            d->holder = uid;
            d->has_due = row->has_due;
            d->due_day = row->due_day;
            d->status = "assigned";
        } else if (in) {
            d->holder = 0;
            d->has_due = false;
            d->status = "in_stock";
        } else if (!strcmp(row->event, "loss")) {
            d->holder = 0;
            d->has_due = false;
            d->status = "lost";
        } else if (!strcmp(row->event, "repaired") || !strcmp(row->event, "found")) {
            d->status = "in_stock";
        }
        continue;
    next:;
    }
    return write ? flush(x, g, h->errs.label, last) : 0;
}

int devices_import_history(struct ctx *c, int64_t district_id, const char *label, const char *data,
                           size_t len, struct devices_report *rep)
{
    struct access_resource res = {RES_DISTRICT, district_id, district_id};
    struct hist x = {.c = c,
                     .district_id = district_id,
                     .tags = STRMAP_INIT,
                     .users = STRMAP_INIT,
                     .keys = STRMAP_INIT};
    struct devices_history h;
    struct device_loan *loans = NULL;
    struct dstate *start = NULL;
    size_t n_loans = 0;
    struct grant *g;
    int r, p;

    memset(rep, 0, sizeof(*rep));
    memset(&h, 0, sizeof(h));
    r = access_check(c, ACT_ADMIN, &res, NULL);
    if (r < 0)
        goto out;
    access_read_end(c);
    p = devices_history_parse(label, data, len, &h);
    if (p == -ENOMEM) {
        r = p;
        goto out;
    }
    if ((r = ctx_db(c, &x.db)) < 0)
        goto out;
    if ((r = store_begin(x.db)) < 0) {
        r = ctx_fail(c, r, "cannot start the import transaction");
        goto out;
    }
    struct access_resource dres = {RES_DEVICES, district_id, 0};
    if ((r = access_check(c, ACT_WRITE, &dres, &g)) < 0)
        goto out;
    if ((r = store_devices_each(x.db, district_id, dev_cb, &x)) < 0 ||
        (r = store_device_event_keys(x.db, district_id, key_cb, &x)) < 0)
        goto out;
    /* the stored state, for the writing replay (instead of reading the devices again) */
    if (!(start = mem_calloc(x.n_dev ? x.n_dev : 1, sizeof(*start)))) {
        r = -ENOMEM;
        goto out;
    }
    if (x.n_dev)
        memcpy(start, x.dev, x.n_dev * sizeof(*start));
    /* first every check (what the file says and what the database holds), then the writes */
    if ((r = replay(&x, &h, g, false, rep)) < 0)
        goto out;
    if (h.errs.n_errors) {
        devices_csv_sort_errors(&h.errs);
        rep->errors = mem_calloc(h.errs.n_errors, sizeof(*rep->errors));
        for (size_t i = 0; rep->errors && i < h.errs.n_errors; i++)
            if ((rep->errors[i] = mem_strdup(h.errs.errors[i].msg)))
                rep->n_errors++;
        rep->more_errors = h.errs.more_errors;
        r = ctx_fail(c, -EINVAL, "%s: %zu error%s: nothing was imported", label,
                     h.errs.n_errors + h.errs.more_errors,
                     h.errs.n_errors + h.errs.more_errors == 1 ? "" : "s");
        goto out;
    }
    /*
     * The devices' loans as the checking replay left them (the writing replay
     * ends in the same state), many to a statement; then the events.
     */
    if (!(loans = mem_calloc(x.n_dev ? x.n_dev : 1, sizeof(*loans)))) {
        r = -ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < x.n_dev; i++) {
        struct dstate *d = &x.dev[i];
        if (d->touched)
            loans[n_loans++] = (struct device_loan){.device_id = d->id,
                                                    .holder_id = d->holder,
                                                    .has_due = d->has_due,
                                                    .due_day = d->due_day,
                                                    .status = d->status};
    }
    if ((r = store_device_set_loans(x.db, g, loans, n_loans, c->now_ms)) < 0) {
        r = ctx_fail(c, r, "cannot write the devices' loans");
        goto out;
    }
    /* the replay again from the stored state, writing the events */
    if (x.n_dev)
        memcpy(x.dev, start, x.n_dev * sizeof(*start));
    rep->rows = (long)h.n;
    if (!(x.pend = mem_calloc(BATCH, sizeof(*x.pend)))) {
        r = -ENOMEM;
        goto out;
    }
    if ((r = replay(&x, &h, g, true, rep)) < 0)
        goto out;
    r = store_commit(x.db);
    if (r < 0)
        r = ctx_fail(c, r, "cannot commit the import");
out:
    if (x.db && store_in_tx(x.db))
        store_rollback(x.db);
    if (r < 0)
        rep->created = rep->updated = rep->unchanged = 0;
    devices_history_release(&h);
    strmap_release(&x.tags);
    strmap_release(&x.users);
    strmap_release(&x.keys);
    mem_free(x.dev);
    mem_free(x.pend);
    mem_free(loans);
    mem_free(start);
    return r;
}

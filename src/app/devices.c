/*
 * The devices service: see devices.h. The file is checked whole first
 * (app/devices_csv.c), then against the database in the import's own
 * transaction (schools by sourcedId, serials of other devices); only a file
 * without a single error is written: new devices many to a statement
 * (store_devices_insert_many), changed ones one by one, and a device whose
 * fields are all the same is not written at all (re-importing changes
 * nothing, not even updated_ms).
 */
#include "base/common.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>

#include "app/access.h"
#include "app/devices.h"
#include "app/devices_csv.h"
#include "base/arena.h"
#include "base/mem.h"
#include "base/strmap.h"
#include "base/timeutil.h"
#include "store/store.h"
#include "store/store_devices.h"
#include "store/store_people.h"

void devices_report_release(struct devices_report *rep)
{
    if (!rep)
        return;
    for (size_t i = 0; i < rep->n_errors; i++)
        mem_free(rep->errors[i]);
    mem_free(rep->errors);
    memset(rep, 0, sizeof(*rep));
}

/* The fields an import compares, one string (unit separators between them). */
static int canon(struct buf *b, const struct device_rec *d)
{
    buf_reset(b);
    return buf_appendf(
        b, "%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%lld\x1f%lld\x1f%lld\x1f%lld\x1f%s\x1f%s\x1f%s\x1f%s",
        d->serial, d->model, d->type, d->status, d->funding_source,
        d->has_purchase ? (long long)d->purchase_day : LLONG_MIN,
        d->has_cost ? (long long)d->cost_cents : -1LL,
        d->has_cap ? (long long)d->data_cap_mb : -1LL, (long long)d->school_id, d->location,
        d->notes, d->carrier, d->plan);
}

struct import {
    struct ctx *c;
    struct db *db;
    int64_t district_id;
    struct arena arena;
    struct strmap tags;    /* asset tag -> id, aux: index into canons */
    struct strmap serials; /* serial -> id of the device that has it */
    struct strmap schools; /* sourcedId -> orgs.id (aux 1: not a school of the district) */
    char **canons;
    size_t n, cap;
    struct buf b;
};

static int load_cb(void *arg, const struct device_rec *d)
{
    struct import *im = arg;
    struct strmap_entry *e;
    bool added;
    int r;

    if (im->n == im->cap) {
        size_t cap = im->cap ? im->cap * 2 : 1024;
        char **cs = mem_realloc(im->canons, cap * sizeof(*cs));
        if (!cs)
            return -ENOMEM;
        im->canons = cs;
        im->cap = cap;
    }
    if ((r = canon(&im->b, d)) < 0)
        return r;
    if (!(im->canons[im->n] = arena_strdup(&im->arena, buf_cstr(&im->b))))
        return -ENOMEM;
    if ((r = strmap_put(&im->tags, str_from(d->asset_tag), &e, &added)) < 0)
        return r;
    e->id = d->id;
    e->aux = (int64_t)im->n++;
    if (d->serial[0]) {
        if ((r = strmap_put(&im->serials, str_from(d->serial), &e, &added)) < 0)
            return r;
        e->id = d->id;
    }
    return 0;
}

/* The school with this sourcedId: 0 and *ret_id, -ENOENT (unknown or not a school). */
static int school(struct import *im, const char *sid, int64_t *ret_id)
{
    struct strmap_entry *e;
    bool added;
    int r = strmap_put(&im->schools, str_from(sid), &e, &added);

    if (r < 0)
        return r;
    if (added) {
        struct org_info info;
        int64_t id = 0;
        r = store_org_by_sourced_id(im->db, im->district_id, sid, &id);
        if (r == 0)
            r = store_org_info(im->db, id, &info);
        if (r < 0 && r != -ENOENT)
            return r;
        e->id = id;
        e->aux = r == -ENOENT || strcmp(info.type, "school") != 0;
    }
    if (e->aux)
        return -ENOENT;
    *ret_id = e->id;
    return 0;
}

static char *notes_json(const struct devices_csv *f, const struct device_row *row)
{
    json_t *o = json_object();
    char *s = NULL;

    if (!o)
        return NULL;
    for (size_t k = 0; k < f->n_notes; k++)
        if (row->notes[k][0] &&
            json_object_set_new(o, f->note_names[k], json_string(row->notes[k])) < 0)
            goto out;
    s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
out:
    json_decref(o);
    return s;
}

static int to_rec(struct import *im, const struct devices_csv *f, const struct device_row *row,
                  struct device_rec *d, char **ret_notes)
{
    memset(d, 0, sizeof(*d));
    d->asset_tag = row->asset_tag;
    d->serial = row->serial;
    d->model = row->model;
    d->type = device_type_name(row->type);
    d->status = device_status_name(row->status);
    d->funding_source = row->funding_source;
    d->has_purchase = row->has_purchase;
    d->purchase_day = row->purchase_day;
    d->has_cost = row->has_cost;
    d->cost_cents = row->cost_cents;
    d->has_cap = row->has_cap;
    d->data_cap_mb = row->data_cap_mb;
    d->location = row->location;
    d->carrier = row->carrier;
    d->plan = row->plan;
    if (row->school_sid[0]) {
        int r = school(im, row->school_sid, &d->school_id);
        if (r < 0)
            return r;
    }
    *ret_notes = notes_json(f, row);
    if (!*ret_notes)
        return -ENOMEM;
    d->notes = *ret_notes;
    return 0;
}

/* Check the rows against the database: every error into f. 0 or a storage error. */
static int check_rows(struct import *im, struct devices_csv *f)
{
    for (size_t i = 0; i < f->n; i++) {
        const struct device_row *row = &f->rows[i];
        struct strmap_entry *t, *s;
        int64_t id;
        int r;

        if (row->school_sid[0] && (r = school(im, row->school_sid, &id)) < 0) {
            if (r != -ENOENT)
                return r;
            r = devices_csv_error(f, row->line, f->col[DCOL_SCHOOL], "school_sourced_id",
                                  "'%s' is not a school of the district", row->school_sid);
            if (r == -ENOMEM)
                return r;
        }
        if (!row->serial[0])
            continue;
        s = strmap_get(&im->serials, str_from(row->serial));
        t = strmap_get(&im->tags, str_from(row->asset_tag));
        if (s && (!t || t->id != s->id)) {
            r = devices_csv_error(f, row->line, f->col[DCOL_SERIAL], "serial",
                                  "'%s' is the serial of another device already in the inventory",
                                  row->serial);
            if (r == -ENOMEM)
                return r;
        }
    }
    return 0;
}

/* New devices go to the store this many at a time (multi-row INSERTs). */
#define BATCH 1024

struct batch {
    struct device_rec d[BATCH];
    char *notes[BATCH];
    size_t n, first_line;
};

static int flush(struct import *im, const struct devices_csv *f, struct batch *b, size_t last_line)
{
    int r = 0;

    if (b->n)
        r = store_devices_insert_many(im->db, im->district_id, b->d, b->n, im->c->now_ms);
    for (size_t i = 0; i < b->n; i++)
        free(b->notes[i]);
    if (r < 0)
        r = ctx_fail(im->c, r, "%s:%zu-%zu: cannot write the devices of these lines", f->label,
                     b->first_line, last_line);
    b->n = 0;
    return r;
}

static int write_rows(struct import *im, const struct devices_csv *f, struct devices_report *rep)
{
    struct batch *b = mem_calloc(1, sizeof(*b));
    size_t last = 0;
    int r = 0;

    if (!b)
        return -ENOMEM;
    for (size_t i = 0; r == 0 && i < f->n; i++) {
        const struct device_row *row = &f->rows[i];
        struct device_rec d;
        struct strmap_entry *t;
        char *notes = NULL;

        r = to_rec(im, f, row, &d, &notes);
        if (r == 0)
            r = canon(&im->b, &d);
        if (r < 0) {
            free(notes);
            break;
        }
        t = strmap_get(&im->tags, str_from(row->asset_tag));
        if (!t) {
            /* new: written with the next batch (notes freed then) */
            if (!b->n)
                b->first_line = row->line;
            b->d[b->n] = d;
            b->notes[b->n++] = notes;
            last = row->line;
            rep->created++;
            if (b->n == BATCH)
                r = flush(im, f, b, last);
            continue;
        }
        if (strcmp(im->canons[t->aux], buf_cstr(&im->b)) != 0) {
            d.id = t->id;
            r = store_device_update(im->db, im->district_id, &d, im->c->now_ms);
            rep->updated++;
            if (r < 0)
                r = ctx_fail(im->c, r, "%s:%zu: cannot write device '%s'", f->label, row->line,
                             row->asset_tag);
        } else {
            rep->unchanged++;
        }
        free(notes);
    }
    if (r == 0)
        r = flush(im, f, b, last);
    for (size_t i = 0; i < b->n; i++) /* after a failure */
        free(b->notes[i]);
    mem_free(b);
    return r;
}

/* Move the file's errors into the report. */
static int take_errors(struct devices_csv *f, struct devices_report *rep)
{
    rep->more_errors = f->more_errors;
    if (!f->n_errors)
        return 0;
    rep->errors = mem_calloc(f->n_errors, sizeof(*rep->errors));
    if (!rep->errors)
        return -ENOMEM;
    devices_csv_sort_errors(f);
    for (size_t i = 0; i < f->n_errors; i++) {
        if (!(rep->errors[i] = mem_strdup(f->errors[i].msg)))
            return -ENOMEM;
        rep->n_errors++;
    }
    return 0;
}

int devices_import(struct ctx *c, int64_t district_id, const char *label, const char *data,
                   size_t len, struct devices_report *rep)
{
    struct access_resource res = {RES_DISTRICT, district_id, district_id};
    struct import im = {.c = c,
                        .district_id = district_id,
                        .arena = ARENA_INIT,
                        .tags = STRMAP_INIT,
                        .serials = STRMAP_INIT,
                        .schools = STRMAP_INIT};
    struct devices_csv f;
    int r, p;

    memset(rep, 0, sizeof(*rep));
    buf_init(&im.b, 64 * 1024);
    r = access_check(c, ACT_ADMIN, &res, NULL);
    if (r < 0) {
        memset(&f, 0, sizeof(f));
        goto out;
    }
    access_read_end(c);
    p = devices_csv_parse(label, data, len, &f);
    if (p == -ENOMEM) {
        r = p;
        goto out;
    }
    r = ctx_db(c, &im.db);
    if (r < 0)
        goto out;
    r = store_begin(im.db);
    if (r < 0) {
        r = ctx_fail(c, r, "cannot start the import transaction");
        goto out;
    }
    r = store_devices_each(im.db, district_id, load_cb, &im);
    if (r == 0)
        r = check_rows(&im, &f);
    if (r < 0)
        goto out;
    if (f.n_errors) {
        r = take_errors(&f, rep);
        if (r == 0)
            r = ctx_fail(c, -EINVAL, "%s: %zu error%s: nothing was imported", label,
                         f.n_errors + f.more_errors, f.n_errors + f.more_errors == 1 ? "" : "s");
        goto out;
    }
    rep->rows = (long)f.n;
    r = write_rows(&im, &f, rep);
    if (r < 0)
        goto out;
    r = store_commit(im.db);
    if (r < 0)
        r = ctx_fail(c, r, "cannot commit the import");
out:
    if (im.db && store_in_tx(im.db))
        store_rollback(im.db);
    if (r < 0) /* nothing was written */
        rep->created = rep->updated = rep->unchanged = 0;
    devices_csv_release(&f);
    strmap_release(&im.tags);
    strmap_release(&im.serials);
    strmap_release(&im.schools);
    mem_free(im.canons);
    arena_release(&im.arena);
    buf_release(&im.b);
    return r;
}

/* ---- export ---- */

struct export
{
    struct buf *out;
    json_t *names; /* the notes' column names, as an object (name -> true), then sorted */
    const char **cols;
    size_t n_cols;
    long n;
};

static int names_cb(void *arg, const struct device_rec *d)
{
    struct export *x = arg;
    json_t *o = json_loads(d->notes, 0, NULL);
    const char *k;
    json_t *v;

    if (!o)
        return -EIO;
    json_object_foreach(o, k, v)
    {
        if (json_object_set_new(x->names, k, json_true()) < 0) {
            json_decref(o);
            return -ENOMEM;
        }
    }
    json_decref(o);
    return 0;
}

/* One CSV field: quoted when it holds a comma or a quote (line breaks cannot be stored). */
static int field(struct buf *b, const char *s, bool last)
{
    int r = 0;

    if (strpbrk(s, ",\"")) {
        r = buf_putc(b, '"');
        for (const char *p = s; r == 0 && *p; p++)
            r = *p == '"' ? buf_append(b, "\"\"", 2) : buf_putc(b, *p);
        r = r ? r : buf_putc(b, '"');
    } else {
        r = buf_appends(b, s);
    }
    return r ? r : buf_putc(b, last ? '\n' : ',');
}

static int row_cb(void *arg, const struct device_rec *d)
{
    struct export *x = arg;
    char date[16] = "", cost[24] = "", cap[24] = "";
    json_t *o = json_loads(d->notes, 0, NULL);
    int r = 0;

    if (!o)
        return -EIO;
    if (d->has_purchase)
        time_format_date(d->purchase_day, date);
    if (d->has_cost)
        device_format_cost(d->cost_cents, cost);
    if (d->has_cap)
        device_format_gb(d->data_cap_mb, cap);
    const char *vals[] = {d->asset_tag,      d->serial, d->model, d->type,       d->status,
                          d->funding_source, date,      cost,     d->school_sid, d->location,
                          d->carrier,        d->plan,   cap};
    for (size_t i = 0; r == 0 && i < ARRAY_SIZE(vals); i++)
        r = field(x->out, vals[i], i + 1 == ARRAY_SIZE(vals) && x->n_cols == 0);
    for (size_t i = 0; r == 0 && i < x->n_cols; i++) {
        const char *v = json_string_value(json_object_get(o, x->cols[i]));
        r = field(x->out, v ? v : "", i + 1 == x->n_cols);
    }
    json_decref(o);
    x->n++;
    return r;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int devices_export(struct ctx *c, int64_t district_id, struct buf *out, long *ret_n)
{
    struct access_resource res = {RES_DISTRICT, district_id, district_id};
    struct export x = {.out = out};
    struct db *db = NULL;
    const char *k;
    json_t *v;
    int r;

    r = access_check(c, ACT_EXPORT, &res, NULL);
    if (r < 0)
        return r;
    access_read_end(c);
    x.names = json_object();
    if (!x.names)
        return -ENOMEM;
    r = ctx_db(c, &db);
    if (r == 0)
        r = store_begin_read(db);
    if (r < 0)
        goto out;
    r = store_devices_each(db, district_id, names_cb, &x);
    if (r < 0)
        goto out;
    x.cols = mem_calloc(json_object_size(x.names) + 1, sizeof(*x.cols));
    if (!x.cols) {
        r = -ENOMEM;
        goto out;
    }
    json_object_foreach(x.names, k, v) x.cols[x.n_cols++] = k;
    qsort(x.cols, x.n_cols, sizeof(*x.cols), cmp_str);
    for (size_t i = 0; i < DCOL_COUNT; i++)
        if ((r = field(out, device_col_name((enum device_col)i),
                       i + 1 == DCOL_COUNT && x.n_cols == 0)) < 0)
            goto out;
    for (size_t i = 0; i < x.n_cols; i++)
        if ((r = field(out, x.cols[i], i + 1 == x.n_cols)) < 0)
            goto out;
    r = store_devices_each(db, district_id, row_cb, &x);
    if (r < 0)
        goto out;
    *ret_n = x.n;
out:
    if (db && store_in_tx(db))
        store_rollback(db);
    if (r < 0 && !c->err[0])
        r = ctx_fail(c, r, "cannot read the inventory");
    mem_free(x.cols);
    json_decref(x.names);
    return r;
}

/* ---- delete ---- */

struct found {
    int64_t id, today;
    bool deletable;
    char funding[128], kept_until[16];
};

static int found_cb(void *arg, const struct device_rec *d)
{
    struct found *fd = arg;

    fd->id = d->id;
    snprintf(fd->funding, sizeof(fd->funding), "%s", d->funding_source);
    fd->deletable =
        device_deletable(str_from(d->funding_source), d->has_purchase, d->purchase_day, fd->today);
    if (d->has_purchase)
        time_format_date(device_keep_until(d->purchase_day), fd->kept_until);
    return 0;
}

int devices_delete(struct ctx *c, int64_t district_id, const char *asset_tag)
{
    struct access_resource res = {RES_DISTRICT, district_id, district_id};
    struct found fd = {.today = c->now_ms / 86400000};
    struct db *db = NULL;
    int r;

    r = access_check(c, ACT_ADMIN, &res, NULL);
    if (r < 0)
        return r;
    access_read_end(c);
    r = ctx_db(c, &db);
    if (r == 0)
        r = store_begin(db);
    if (r < 0)
        return ctx_fail(c, r, "cannot start the transaction");
    r = store_device_by_tag(db, district_id, asset_tag, found_cb, &fd);
    if (r == -ENOENT) {
        r = ctx_fail(c, r, "asset_tag: no device '%s'", asset_tag);
        goto out;
    }
    if (r < 0)
        goto out;
    if (!fd.deletable) {
        if (fd.kept_until[0])
            r = ctx_fail(c, -EACCES,
                         "asset_tag: '%s' was bought with federal funds (%s): its record is kept "
                         "until %s",
                         asset_tag, fd.funding, fd.kept_until);
        else
            r = ctx_fail(c, -EACCES,
                         "asset_tag: '%s' was bought with federal funds (%s) on a date not "
                         "recorded: its record is kept",
                         asset_tag, fd.funding);
        goto out;
    }
    r = store_device_delete(db, district_id, fd.id);
    if (r == 0)
        r = store_commit(db);
out:
    if (db && store_in_tx(db))
        store_rollback(db);
    return r;
}

/*
 * The device inventory file's parser and the device rules that need no
 * database (see devices.h). Reads through the strict CSV reader
 * (base/csvread.h) the roster import uses, so the file's syntax errors have
 * the same form and the same rules as a roster's.
 */
#include "base/common.h"

#include "app/devices_csv.h"

#include <stdarg.h>
#include <stdio.h>

#include "base/arena.h"
#include "base/csvread.h"
#include "base/mem.h"
#include "base/strmap.h"
#include "base/timeutil.h"

static const char *const type_names[DEVICE_TYPE_COUNT] = {"chromebook", "laptop", "tablet",
                                                          "hotspot", "other"};
static const char *const status_names[DEVICE_STATUS_COUNT] = {"in_stock", "assigned", "in_repair",
                                                              "lost", "retired"};
static const char *const col_names[DCOL_COUNT] = {
    "asset_tag",     "serial",        "model",
    "type",          "status",        "funding_source",
    "purchase_date", "purchase_cost", "school_sourced_id",
    "location",      "carrier",       "plan",
    "data_cap_gb"};

const char *device_type_name(int type)
{
    return type >= 0 && type < DEVICE_TYPE_COUNT ? type_names[type] : NULL;
}

const char *device_status_name(int status)
{
    return status >= 0 && status < DEVICE_STATUS_COUNT ? status_names[status] : NULL;
}

const char *device_col_name(enum device_col col)
{
    return col < DCOL_COUNT ? col_names[col] : NULL;
}

int device_type_parse(struct str s)
{
    for (int i = 0; i < DEVICE_TYPE_COUNT; i++)
        if (str_eq_cstr(s, type_names[i]))
            return i;
    return -EINVAL;
}

int device_status_parse(struct str s)
{
    for (int i = 0; i < DEVICE_STATUS_COUNT; i++)
        if (str_eq_cstr(s, status_names[i]))
            return i;
    return -EINVAL;
}

/*
 * Federal programmes that buy equipment for schools, by the letters of
 * their name (upper case, nothing else): a funding source whose letters
 * start with one of them is federal ("ESSER III", "ARP ESSER", "E-Rate").
 */
static const char *const federal_prefixes[] = {
    "ERATE", /* the Schools and Libraries Program (FCC) */
    "ECF",   /* the Emergency Connectivity Fund (FCC) */
    "EMERGENCYCONNECTIVITY",
    "ESSER", /* Elementary and Secondary School Emergency Relief (CARES, CRRSA, ARP) */
    "ARPESSER",
    "GEER",   /* Governor's Emergency Education Relief */
    "TITLEI", /* Title I to Title IV of ESEA ("Title IV-A" ...) */
    "IDEA",   /* special education equipment */
    "FEDERAL",
};

bool device_funding_federal(struct str funding)
{
    char letters[64];
    size_t n = 0;

    for (size_t i = 0; i < funding.len && n < sizeof(letters) - 1; i++) {
        char ch = funding.p[i];
        if (ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 'a' + 'A');
        if ((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))
            letters[n++] = ch;
    }
    letters[n] = 0;
    for (size_t k = 0; k < ARRAY_SIZE(federal_prefixes); k++) {
        size_t pl = strlen(federal_prefixes[k]);
        if (n >= pl && memcmp(letters, federal_prefixes[k], pl) == 0)
            return true;
    }
    return false;
}

int64_t device_keep_until(int64_t purchase_day)
{
    int64_t y;
    unsigned m, d;

    time_civil_from_days(purchase_day, &y, &m, &d);
    y += DEVICE_FEDERAL_KEEP_YEARS;
    if (m == 2 && d == 29) { /* no 29 February in the year it ends: 1 March */
        m = 3;
        d = 1;
    }
    return time_days_from_civil(y, m, d);
}

bool device_deletable(struct str funding, bool has_purchase, int64_t purchase_day, int64_t today)
{
    if (!device_funding_federal(funding))
        return true;
    return has_purchase && today >= device_keep_until(purchase_day);
}

/* digits[.digits] with at most max_dec decimals, scaled by 10^max_dec; at most max. */
static int parse_decimal(struct str s, unsigned max_dec, int64_t max, int64_t *ret,
                         const char **ret_why)
{
    int64_t v = 0;
    size_t i = 0, int_digits = 0;
    unsigned dec = 0;

    if (s.len && s.p[0] == '-') {
        *ret_why = "must not be negative";
        return -EINVAL;
    }
    for (; i < s.len && s.p[i] >= '0' && s.p[i] <= '9'; i++, int_digits++)
        if (int_digits < 15) /* more is too large anyway; v stays far below INT64_MAX */
            v = v * 10 + (s.p[i] - '0');
    if (i < s.len && s.p[i] == '.') {
        i++;
        for (; i < s.len && s.p[i] >= '0' && s.p[i] <= '9'; i++) {
            if (++dec > max_dec) {
                *ret_why = max_dec == 2 ? "at most two decimals" : "at most three decimals";
                return -EINVAL;
            }
            v = v * 10 + (s.p[i] - '0');
        }
        if (dec == 0) {
            *ret_why = "a digit must follow the decimal point";
            return -EINVAL;
        }
    }
    if (int_digits == 0 || i != s.len) {
        *ret_why = "not a decimal number (write 1234.50)";
        return -EINVAL;
    }
    for (; dec < max_dec; dec++)
        v *= 10;
    if (int_digits > 15 || v > max) {
        *ret_why = "too large";
        return -EINVAL;
    }
    *ret = v;
    return 0;
}

int device_parse_cost(struct str s, int64_t *ret_cents, const char **ret_why)
{
    return parse_decimal(s, 2, INT64_C(100000000000), ret_cents, ret_why);
}

void device_format_cost(int64_t cents, char *out)
{
    snprintf(out, 24, "%lld.%02lld", (long long)(cents / 100), (long long)(cents % 100));
}

int device_parse_gb(struct str s, int64_t *ret_mb, const char **ret_why)
{
    return parse_decimal(s, 3, INT64_C(1000000000000), ret_mb, ret_why);
}

void device_format_gb(int64_t mb, char *out)
{
    int n = snprintf(out, 24, "%lld.%03lld", (long long)(mb / 1000), (long long)(mb % 1000));
    while (n > 0 && out[n - 1] == '0')
        out[--n] = 0;
    if (n > 0 && out[n - 1] == '.')
        out[--n] = 0;
}

/* ---- the file ---- */

static int add_error(struct devices_csv *d, size_t line, size_t col, const char *field,
                     const char *fmt, va_list ap) PRINTF_FMT(5, 0);

static int add_error(struct devices_csv *d, size_t line, size_t col, const char *field,
                     const char *fmt, va_list ap)
{
    char why[256];
    const char *msg;

    if (d->n_errors >= DEVICES_CSV_MAX_ERRORS) {
        d->more_errors++;
        return -EINVAL;
    }
    if (d->n_errors % 64 == 0) {
        struct devices_csv_err *e = mem_realloc(d->errors, (d->n_errors + 64) * sizeof(*e));
        if (!e)
            return -ENOMEM;
        d->errors = e;
    }
    vsnprintf(why, sizeof(why), fmt, ap);
    msg = arena_printf(&d->arena, "%s:%zu:%zu: %s: %s", d->label, line, col, field, why);
    if (!msg)
        return -ENOMEM;
    d->errors[d->n_errors++] = (struct devices_csv_err){line, col, d->n_errors, msg};
    return -EINVAL;
}

int devices_csv_error(struct devices_csv *d, size_t line, size_t col, const char *field,
                      const char *fmt, ...)
{
    va_list ap;
    int r;

    va_start(ap, fmt);
    r = add_error(d, line, col, field, fmt, ap);
    va_end(ap);
    return r;
}

/* What the parse keeps between rows: the maps of asset tags and serials seen. */
struct parse {
    struct devices_csv *d;
    struct csvr r;
    struct strmap tags, serials;
    size_t note_col[CSVR_MAX_FIELDS]; /* field index -> note index + 1 (0: a known column) */
    size_t width;                     /* fields in the header */
};

static int err(struct parse *ps, size_t col, const char *field, const char *fmt, ...)
    PRINTF_FMT(4, 5);

static int err(struct parse *ps, size_t col, const char *field, const char *fmt, ...)
{
    va_list ap;
    int r;

    va_start(ap, fmt);
    r = add_error(ps->d, ps->r.rec_line ? ps->r.rec_line : 1, col, field, fmt, ap);
    va_end(ap);
    return r == -ENOMEM ? r : 0;
}

static int read_header(struct parse *ps)
{
    struct devices_csv *d = ps->d;
    int r = csvr_next(&ps->r);

    if (r == 0)
        return err(ps, 1, "header", "the file is empty: it needs a header row");
    if (r == -EINVAL)
        return err(ps, ps->r.err_col, "header", "%s", ps->r.err);
    if (r == -E2BIG)
        return err(ps, CSVR_MAX_FIELDS + 1, "header", "more than %d columns", CSVR_MAX_FIELDS);
    if (r < 0)
        return r;
    ps->width = ps->r.n;
    d->note_names = arena_calloc(&d->arena, ps->r.n, sizeof(*d->note_names));
    if (!d->note_names)
        return -ENOMEM;
    for (size_t i = 0; i < ps->r.n; i++) {
        struct str name = ps->r.fields[i];
        size_t col = i + 1, k;

        if (name.len == 0) {
            if ((r = err(ps, col, "header", "a column has no name")) < 0)
                return r;
            continue;
        }
        for (k = 0; k < DCOL_COUNT; k++)
            if (str_eq_cstr(name, col_names[k]))
                break;
        if (k < DCOL_COUNT) {
            if (d->col[k]) {
                r = err(ps, col, col_names[k], "named twice in the header (also column %zu)",
                        d->col[k]);
                if (r < 0)
                    return r;
                continue;
            }
            d->col[k] = col;
            continue;
        }
        for (size_t j = 0; j < d->n_notes; j++)
            if (str_eq_cstr(name, d->note_names[j])) {
                if ((r = err(ps, col, "header", "column '%.*s' is named twice", (int)name.len,
                             name.p)) < 0)
                    return r;
                goto next;
            }
        d->note_names[d->n_notes] = arena_strview(&d->arena, name);
        if (!d->note_names[d->n_notes])
            return -ENOMEM;
        ps->note_col[i] = ++d->n_notes;
    next:;
    }
    for (size_t k = 0; k < DCOL_REQUIRED_COUNT; k++)
        if (!d->col[k] && (r = err(ps, ps->r.n + 1, col_names[k],
                                   "the header has no such column (it is required)")) < 0)
            return r;
    return 0;
}

/* The field of known column k in the current record ("" when the column is absent). */
static struct str field(struct parse *ps, enum device_col k)
{
    size_t c = ps->d->col[k];
    return c ? ps->r.fields[c - 1] : (struct str){"", 0};
}

static const char *copy(struct parse *ps, struct str s)
{
    return arena_strview(&ps->d->arena, s);
}

/* Is s already in m (a duplicate: its line in *ret_line)? Adds it if not. */
static int seen(struct strmap *m, struct str s, size_t line, size_t *ret_line)
{
    struct strmap_entry *e;
    bool added;
    int r;

    if (s.len > UINT16_MAX)
        return -E2BIG;
    r = strmap_put(m, s, &e, &added);
    if (r < 0)
        return r;
    if (added) {
        e->id = (int64_t)line;
        return 0;
    }
    *ret_line = (size_t)e->id;
    return 1;
}

static int read_row(struct parse *ps)
{
    struct devices_csv *d = ps->d;
    struct device_row row = {.line = ps->r.rec_line};
    size_t errors_before = d->n_errors + d->more_errors, dup;
    const char *why = NULL;
    struct str s;
    int r, v;

    if (ps->r.n != ps->width)
        return err(ps, ps->r.n < ps->width ? ps->r.n : ps->width + 1, "row",
                   "has %zu fields, the header has %zu", ps->r.n, ps->width);
    for (size_t i = 0; i < ps->r.n; i++)
        if (!str_is_clean_text(ps->r.fields[i]) &&
            (r = err(ps, i + 1, i < ps->width ? "field" : "row", "control characters")) < 0)
            return r;

    s = field(ps, DCOL_ASSET_TAG);
    if (s.len == 0) {
        if ((r = err(ps, d->col[DCOL_ASSET_TAG], "asset_tag", "missing")) < 0)
            return r;
    } else if (s.len > 64) {
        if ((r = err(ps, d->col[DCOL_ASSET_TAG], "asset_tag", "longer than 64 characters")) < 0)
            return r;
    } else if ((r = seen(&ps->tags, s, row.line, &dup)) != 0) {
        if (r < 0)
            return r;
        if ((r = err(ps, d->col[DCOL_ASSET_TAG], "asset_tag", "'%.*s' is also on line %zu",
                     (int)s.len, s.p, dup)) < 0)
            return r;
    }
    s = field(ps, DCOL_SERIAL);
    if (s.len > 128) {
        if ((r = err(ps, d->col[DCOL_SERIAL], "serial", "longer than 128 characters")) < 0)
            return r;
    } else if (s.len && (r = seen(&ps->serials, s, row.line, &dup)) != 0) {
        if (r < 0)
            return r;
        if ((r = err(ps, d->col[DCOL_SERIAL], "serial", "'%.*s' is also on line %zu", (int)s.len,
                     s.p, dup)) < 0)
            return r;
    }
    s = field(ps, DCOL_TYPE);
    if ((v = device_type_parse(s)) < 0) {
        r = err(ps, d->col[DCOL_TYPE], "type",
                "'%.*s' is not one of chromebook, laptop, tablet, hotspot, other",
                (int)(s.len > 40 ? 40 : s.len), s.p);
        if (r < 0)
            return r;
    }
    row.type = v;
    s = field(ps, DCOL_STATUS);
    if ((v = device_status_parse(s)) < 0) {
        r = err(ps, d->col[DCOL_STATUS], "status",
                "'%.*s' is not one of in_stock, assigned, in_repair, lost, retired",
                (int)(s.len > 40 ? 40 : s.len), s.p);
        if (r < 0)
            return r;
    }
    row.status = v;
    s = field(ps, DCOL_PURCHASE_DATE);
    if (s.len) {
        if (time_parse_date(s, &row.purchase_day) < 0) {
            r = err(ps, d->col[DCOL_PURCHASE_DATE], "purchase_date",
                    "'%.*s' is not a date (YYYY-MM-DD, a day that exists)",
                    (int)(s.len > 40 ? 40 : s.len), s.p);
            if (r < 0)
                return r;
        } else
            row.has_purchase = true;
    }
    s = field(ps, DCOL_PURCHASE_COST);
    if (s.len) {
        if (device_parse_cost(s, &row.cost_cents, &why) < 0) {
            if ((r = err(ps, d->col[DCOL_PURCHASE_COST], "purchase_cost", "'%.*s': %s",
                         (int)(s.len > 40 ? 40 : s.len), s.p, why)) < 0)
                return r;
        } else
            row.has_cost = true;
    }
    s = field(ps, DCOL_DATA_CAP_GB);
    if (s.len) {
        if (device_parse_gb(s, &row.data_cap_mb, &why) < 0) {
            if ((r = err(ps, d->col[DCOL_DATA_CAP_GB], "data_cap_gb", "'%.*s': %s",
                         (int)(s.len > 40 ? 40 : s.len), s.p, why)) < 0)
                return r;
        } else
            row.has_cap = true;
    }
    if (row.type != DEVICE_HOTSPOT && row.type >= 0) {
        static const enum device_col hotspot_only[] = {DCOL_CARRIER, DCOL_PLAN, DCOL_DATA_CAP_GB};
        for (size_t k = 0; k < ARRAY_SIZE(hotspot_only); k++)
            if (field(ps, hotspot_only[k]).len &&
                (r = err(ps, d->col[hotspot_only[k]], col_names[hotspot_only[k]],
                         "only for a hotspot (type is %s)", type_names[row.type])) < 0)
                return r;
    }
    for (size_t k = 0; k < DCOL_COUNT; k++)
        if (k != DCOL_ASSET_TAG && k != DCOL_SERIAL && field(ps, (enum device_col)k).len > 200 &&
            (r = err(ps, d->col[k], col_names[k], "longer than 200 characters")) < 0)
            return r;
    row.bad = d->n_errors + d->more_errors != errors_before;

    row.asset_tag = copy(ps, field(ps, DCOL_ASSET_TAG));
    row.serial = copy(ps, field(ps, DCOL_SERIAL));
    row.model = copy(ps, field(ps, DCOL_MODEL));
    row.funding_source = copy(ps, field(ps, DCOL_FUNDING_SOURCE));
    row.school_sid = copy(ps, field(ps, DCOL_SCHOOL));
    row.location = copy(ps, field(ps, DCOL_LOCATION));
    row.carrier = copy(ps, field(ps, DCOL_CARRIER));
    row.plan = copy(ps, field(ps, DCOL_PLAN));
    if (!row.asset_tag || !row.serial || !row.model || !row.funding_source || !row.school_sid ||
        !row.location || !row.carrier || !row.plan)
        return -ENOMEM;
    if (d->n_notes) {
        row.notes = arena_calloc(&d->arena, d->n_notes, sizeof(*row.notes));
        if (!row.notes)
            return -ENOMEM;
        for (size_t i = 0; i < ps->r.n; i++)
            if (ps->note_col[i] && !(row.notes[ps->note_col[i] - 1] = copy(ps, ps->r.fields[i])))
                return -ENOMEM;
    }
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 256;
        struct device_row *rows = mem_realloc(d->rows, cap * sizeof(*rows));
        if (!rows)
            return -ENOMEM;
        d->rows = rows;
        d->cap = cap;
    }
    d->rows[d->n++] = row;
    return 0;
}

int devices_csv_parse(const char *label, const char *p, size_t len, struct devices_csv *out)
{
    struct parse ps = {.d = out, .tags = STRMAP_INIT, .serials = STRMAP_INIT};
    int r;

    memset(out, 0, sizeof(*out));
    out->label = label;
    out->arena = (struct arena)ARENA_INIT;
    csvr_init(&ps.r, p, len);
    r = read_header(&ps);
    if (r < 0 || out->n_errors)
        goto out; /* without a header the rows mean nothing */
    while ((r = csvr_next(&ps.r)) != 0) {
        if (r == -EINVAL)
            r = err(&ps, ps.r.err_col, "row", "%s", ps.r.err);
        else if (r == -E2BIG)
            r = err(&ps, CSVR_MAX_FIELDS + 1, "row", "more than %d fields", CSVR_MAX_FIELDS);
        else if (r > 0)
            r = read_row(&ps);
        if (r < 0)
            goto out;
    }
    if (out->n == 0 && !out->n_errors)
        (void)err(&ps, 1, "file", "no devices: the file has only a header");
out:
    csvr_release(&ps.r);
    strmap_release(&ps.tags);
    strmap_release(&ps.serials);
    if (r == -ENOMEM)
        return r;
    return out->n_errors ? -EINVAL : 0;
}

static int cmp_err(const void *a, const void *b)
{
    const struct devices_csv_err *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void devices_csv_sort_errors(struct devices_csv *d)
{
    if (d->n_errors > 1)
        qsort(d->errors, d->n_errors, sizeof(*d->errors), cmp_err);
}

void devices_csv_release(struct devices_csv *d)
{
    if (!d)
        return;
    mem_free(d->rows);
    mem_free(d->errors);
    arena_release(&d->arena);
    memset(d, 0, sizeof(*d));
}

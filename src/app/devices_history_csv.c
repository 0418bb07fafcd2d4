/*
 * The device history file's parser: see devices_history_csv.h. Read
 * through the strict CSV reader, like the inventory file.
 */
#include "base/common.h"

#include "app/devices_history_csv.h"

#include <stdio.h>

#include "base/arena.h"
#include "base/csvread.h"
#include "base/mem.h"
#include "base/timeutil.h"

static const char *const hcol_names[HCOL_COUNT] = {
    "asset_tag", "event", "at", "user_sourced_id", "due_date", "condition", "note", "cost"};
static const char *const events[] = {"check_out", "check_in", "damage",
                                     "loss",      "repaired", "found"};

#define ERR(h, line, col, field, ...)                                                      \
    do {                                                                                   \
        if (devices_csv_error(&(h)->errs, (line), (col), (field), __VA_ARGS__) == -ENOMEM) \
            return -ENOMEM;                                                                \
    } while (0)

static struct str fld(const struct devices_history *h, const struct csvr *r, enum history_col k)
{
    size_t c = h->col[k];
    return c ? r->fields[c - 1] : (struct str){"", 0};
}

static int header(struct devices_history *h, struct csvr *r)
{
    int rc = csvr_next(r);
    size_t line = 1;

    if (rc == 0) {
        ERR(h, line, 1, "header", "the file is empty: it needs a header row");
        return 0;
    }
    if (rc < 0 && rc != -ENOMEM) {
        ERR(h, line, r->err_col ? r->err_col : 1, "header", "%s",
            r->err[0] ? r->err : "too many columns");
        return 0;
    }
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < r->n; i++) {
        size_t k;
        for (k = 0; k < HCOL_COUNT; k++)
            if (str_eq_cstr(r->fields[i], hcol_names[k]))
                break;
        if (k == HCOL_COUNT)
            ERR(h, line, i + 1, "header", "unknown column '%.*s' (an event has no notes)",
                (int)(r->fields[i].len > 40 ? 40 : r->fields[i].len), r->fields[i].p);
        else if (h->col[k])
            ERR(h, line, i + 1, hcol_names[k], "named twice in the header (also column %zu)",
                h->col[k]);
        else
            h->col[k] = i + 1;
    }
    for (size_t k = 0; k < HCOL_REQUIRED_COUNT; k++)
        if (!h->col[k])
            ERR(h, line, r->n + 1, hcol_names[k], "the header has no such column (it is required)");
    return 0;
}

static int row(struct devices_history *h, struct csvr *r, size_t width)
{
    struct history_row x = {.line = r->rec_line};
    size_t before = h->errs.n_errors + h->errs.more_errors;
    struct arena *a = &h->errs.arena;
    struct str s;
    bool known = false;
    const char *why = NULL;

    if (r->n != width) {
        ERR(h, x.line, MIN(r->n, width) + (r->n > width), "row",
            "has %zu fields, the header has %zu", r->n, width);
        return 0;
    }
    for (size_t i = 0; i < r->n; i++)
        if (!str_is_clean_text(r->fields[i]) || r->fields[i].len > 500)
            ERR(h, x.line, i + 1, i < HCOL_COUNT ? "field" : "row",
                "control characters, or longer than 500 characters");
    s = fld(h, r, HCOL_ASSET_TAG);
    if (s.len == 0 || s.len > 64)
        ERR(h, x.line, h->col[HCOL_ASSET_TAG], "asset_tag",
            s.len ? "longer than 64 characters" : "missing");
    s = fld(h, r, HCOL_EVENT);
    for (size_t k = 0; k < ARRAY_SIZE(events); k++)
        if (str_eq_cstr(s, events[k])) {
            known = true;
            x.event = events[k];
        }
    if (!known)
        ERR(h, x.line, h->col[HCOL_EVENT], "event",
            "'%.*s' is not one of check_out, check_in, damage, loss, repaired, found",
            (int)(s.len > 40 ? 40 : s.len), s.p);
    s = fld(h, r, HCOL_AT);
    int64_t day;
    if (s.len == 10 && time_parse_date(s, &day) == 0)
        x.at_ms = day * 86400000LL;
    else if (time_parse_iso8601(s, false, &x.at_ms, NULL) < 0)
        ERR(h, x.line, h->col[HCOL_AT], "at",
            "'%.*s' is not a date (YYYY-MM-DD) or a date-time with its zone",
            (int)(s.len > 40 ? 40 : s.len), s.p);
    s = fld(h, r, HCOL_USER);
    if (known && !strcmp(x.event, "check_out") && s.len == 0)
        ERR(h, x.line, h->col[HCOL_USER], "user_sourced_id", "required for a check_out");
    s = fld(h, r, HCOL_DUE_DATE);
    if (s.len) {
        if (time_parse_date(s, &x.due_day) < 0)
            ERR(h, x.line, h->col[HCOL_DUE_DATE], "due_date", "'%.*s' is not a date (YYYY-MM-DD)",
                (int)(s.len > 40 ? 40 : s.len), s.p);
        else if (known && strcmp(x.event, "check_out") != 0)
            ERR(h, x.line, h->col[HCOL_DUE_DATE], "due_date", "only for a check_out");
        else
            x.has_due = true;
    }
    s = fld(h, r, HCOL_COST);
    if (s.len) {
        if (device_parse_cost(s, &x.cost_cents, &why) < 0)
            ERR(h, x.line, h->col[HCOL_COST], "cost", "'%.*s': %s", (int)(s.len > 40 ? 40 : s.len),
                s.p, why);
        else
            x.has_cost = true;
    }
    x.bad = h->errs.n_errors + h->errs.more_errors != before;
    x.asset_tag = arena_strview(a, fld(h, r, HCOL_ASSET_TAG));
    x.user_sid = arena_strview(a, fld(h, r, HCOL_USER));
    x.condition = arena_strview(a, fld(h, r, HCOL_CONDITION));
    x.note = arena_strview(a, fld(h, r, HCOL_NOTE));
    if (!x.event)
        x.event = "";
    if (!x.asset_tag || !x.user_sid || !x.condition || !x.note)
        return -ENOMEM;
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 1024;
        struct history_row *rows = mem_realloc(h->rows, cap * sizeof(*rows));
        if (!rows)
            return -ENOMEM;
        h->rows = rows;
        h->cap = cap;
    }
    h->rows[h->n++] = x;
    return 0;
}

int devices_history_parse(const char *label, const char *p, size_t len, struct devices_history *h)
{
    struct csvr r;
    int rc;

    memset(h, 0, sizeof(*h));
    h->errs.label = label;
    h->errs.arena = (struct arena)ARENA_INIT;
    csvr_init(&r, p, len);
    rc = header(h, &r);
    size_t width = r.n;
    if (rc == 0 && !h->errs.n_errors) {
        while ((rc = csvr_next(&r)) != 0) {
            if (rc == -ENOMEM)
                break;
            if (rc < 0) {
                rc = devices_csv_error(&h->errs, r.rec_line, r.err_col ? r.err_col : 1, "row", "%s",
                                       r.err[0] ? r.err : "too many fields");
                if (rc == -ENOMEM)
                    break;
                rc = 0;
                continue;
            }
            if ((rc = row(h, &r, width)) < 0)
                break;
        }
        if (rc == 0 && h->n == 0 && !h->errs.n_errors)
            rc = devices_csv_error(&h->errs, 1, 1, "file", "no events: the file has only a header");
    }
    csvr_release(&r);
    if (rc == -ENOMEM)
        return rc;
    return h->errs.n_errors ? -EINVAL : 0;
}

void devices_history_release(struct devices_history *h)
{
    if (!h)
        return;
    mem_free(h->rows);
    devices_csv_release(&h->errs);
    memset(h, 0, sizeof(*h));
}

/*
 * The device history file (docs/EQUITY.md "The history file"): what
 * happened to the district's devices before Trellis (a previous asset
 * tool's loans), one event a row, with a header naming at least asset_tag,
 * event, at and user_sourced_id in any order (due_date, condition, note and
 * cost are read when present; other columns are an error: an event has no
 * notes). event is one of check_out, check_in, damage, loss, repaired,
 * found; at a day (YYYY-MM-DD, read as midnight UTC) or an ISO 8601
 * date-time with its zone; user_sourced_id the person's OneRoster
 * sourcedId (required for check_out).
 *
 * devices_history_parse() checks the file alone and reports every error as
 * "file:line:column: field: reason" (through struct devices_csv's error
 * list, app/devices_csv.h); the rows are kept (bad ones marked) so the
 * caller can report what only the database knows. Pure: no I/O, no store.
 */
#ifndef TRELLIS_APP_DEVICES_HISTORY_CSV_H
#define TRELLIS_APP_DEVICES_HISTORY_CSV_H

#include "app/devices_csv.h"

enum history_col {
    HCOL_ASSET_TAG,
    HCOL_EVENT,
    HCOL_AT,
    HCOL_USER,
    HCOL_REQUIRED_COUNT,
    HCOL_DUE_DATE = HCOL_REQUIRED_COUNT,
    HCOL_CONDITION,
    HCOL_NOTE,
    HCOL_COST,
    HCOL_COUNT
};

struct history_row {
    size_t line;
    const char *asset_tag, *event, *user_sid, *condition, *note; /* in the parse's arena */
    int64_t at_ms;
    bool has_due, has_cost, bad;
    int64_t due_day, cost_cents;
};

struct devices_history {
    struct devices_csv errs; /* the label, the error list and the arena (rows unused) */
    struct history_row *rows;
    size_t n, cap;
    size_t col[HCOL_COUNT]; /* each column's 1-based field number; 0: absent */
};

/* 0 (good), -EINVAL (errors in h->errs), -ENOMEM; release with devices_history_release(). */
int devices_history_parse(const char *label, const char *p, size_t len, struct devices_history *h);
void devices_history_release(struct devices_history *h);

#endif

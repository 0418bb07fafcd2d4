/*
 * The device inventory file (issue 13, docs/EQUITY.md "Devices and
 * hotspots"): a CSV file with a header row naming at least asset_tag,
 * serial, model, type, status, funding_source, purchase_date,
 * purchase_cost, school_sourced_id and location, in any order; carrier,
 * plan and data_cap_gb are read too (hotspots); every other column is kept
 * as a note of the row (its name and value) and written back by the export.
 *
 * devices_csv_parse() checks the whole file and returns every row or every
 * error, each as "file:line:column: field: reason" (column: the 1-based
 * field number), never some of the rows: unknown type or status, a missing
 * asset tag, a duplicate asset tag or serial, a date that is not a real
 * YYYY-MM-DD day, a negative or malformed cost. What needs the database
 * (is the school known? is the serial another device's?) is the caller's,
 * which reports it in the same form with devices_csv_error().
 *
 * Also here: the names of types and statuses, and the retention rule for
 * equipment bought with federal funds (kept 10 years after its purchase).
 *
 * Pure: no I/O, no store, no clock (the caller passes today), no globals;
 * it lives in app/ rather than core/ because it reads through the shared
 * CSV reader, an arena and a hash map from base/, which core may not
 * include (scripts/lint.sh check 2). Not thread-safe per parse; separate
 * parses are independent.
 */
#ifndef TRELLIS_APP_DEVICES_CSV_H
#define TRELLIS_APP_DEVICES_CSV_H

#include <stdint.h>

#include "base/arena.h"
#include "base/common.h"
#include "base/str.h"

enum device_type {
    DEVICE_CHROMEBOOK,
    DEVICE_LAPTOP,
    DEVICE_TABLET,
    DEVICE_HOTSPOT,
    DEVICE_OTHER,
    DEVICE_TYPE_COUNT
};

enum device_status {
    DEVICE_IN_STOCK,
    DEVICE_ASSIGNED,
    DEVICE_IN_REPAIR,
    DEVICE_LOST,
    DEVICE_RETIRED,
    DEVICE_STATUS_COUNT
};

/* "chromebook" ...; NULL for a value out of range. */
const char *device_type_name(int type);
const char *device_status_name(int status);
/* The type or status named s (exactly, lower case): its value, or -EINVAL. */
int device_type_parse(struct str s);
int device_status_parse(struct str s);

/*
 * Is funding (as the district writes it: "E-Rate", "ESSER III", "ECF",
 * "Title I" ...) a federal programme? Case, spaces, dashes and the
 * programme's round do not matter; "local", "state", "" are not federal.
 */
bool device_funding_federal(struct str funding);

/* Years a record of equipment bought with federal funds is kept after the purchase. */
#define DEVICE_FEDERAL_KEEP_YEARS 10

/*
 * May the record of a device bought with funding on purchase_day (days
 * since 1970-01-01; has_purchase false: unknown) be deleted on today? Not
 * federal: yes. Federal: only once DEVICE_FEDERAL_KEEP_YEARS years have
 * passed since the purchase (the same day of the month, 10 years later;
 * 29 February counts from 1 March); an unknown purchase date never.
 */
bool device_deletable(struct str funding, bool has_purchase, int64_t purchase_day, int64_t today);
/* The first day the record of federal equipment bought on purchase_day may be deleted. */
int64_t device_keep_until(int64_t purchase_day);

/*
 * A cost "123.45" (digits, at most two after the point) to cents: 0 or
 * -EINVAL (why says what is wrong: "must not be negative" ...). At most
 * 1,000,000,000.00.
 */
int device_parse_cost(struct str s, int64_t *ret_cents, const char **ret_why);
/* cents to "123.45"; out holds at least 24 bytes. */
void device_format_cost(int64_t cents, char *out);
/* A data cap "2.5" in GB (at most three decimals) to MB (1 GB = 1000 MB). */
int device_parse_gb(struct str s, int64_t *ret_mb, const char **ret_why);
/* MB to GB without trailing zeros ("2.5", "10"); out holds at least 24 bytes. */
void device_format_gb(int64_t mb, char *out);

/* The columns of the file that Trellis reads (others are notes). */
enum device_col {
    DCOL_ASSET_TAG,
    DCOL_SERIAL,
    DCOL_MODEL,
    DCOL_TYPE,
    DCOL_STATUS,
    DCOL_FUNDING_SOURCE,
    DCOL_PURCHASE_DATE,
    DCOL_PURCHASE_COST,
    DCOL_SCHOOL,
    DCOL_LOCATION,
    DCOL_REQUIRED_COUNT, /* the ones above must be in the header */
    DCOL_CARRIER = DCOL_REQUIRED_COUNT,
    DCOL_PLAN,
    DCOL_DATA_CAP_GB,
    DCOL_COUNT
};

/* The header name of a column: "asset_tag" ... */
const char *device_col_name(enum device_col col);

struct device_row {
    size_t line; /* in the file */
    /* NUL-terminated copies in the parse's arena ("" when empty) */
    const char *asset_tag, *serial, *model, *funding_source, *school_sid, *location;
    const char *carrier, *plan;
    int type;   /* enum device_type */
    int status; /* enum device_status */
    bool has_purchase, has_cost, has_cap;
    int64_t purchase_day; /* days since 1970-01-01 */
    int64_t cost_cents;
    int64_t data_cap_mb;
    const char **notes; /* the value of each note column (devices_csv.note_names) */
    bool bad;           /* the row has errors (its fields may not be valid) */
};

struct devices_csv_err {
    size_t line, col, seq; /* seq: the order found */
    const char *msg;       /* "file:line:column: field: reason" (in the parse's arena) */
};

#define DEVICES_CSV_MAX_ERRORS 1000

struct devices_csv {
    const char *label;       /* the file's name in messages (borrowed) */
    struct device_row *rows; /* n rows, in file order (with errors: bad is set on some) */
    size_t n, cap;
    const char **note_names; /* the other columns' names, in header order */
    size_t n_notes;
    size_t col[DCOL_COUNT];         /* each known column's 1-based field number; 0: absent */
    struct devices_csv_err *errors; /* in the order found (devices_csv_sort_errors()) */
    size_t n_errors, more_errors;   /* more_errors: not kept beyond DEVICES_CSV_MAX_ERRORS */
    struct arena arena;             /* the rows' strings */
};

/*
 * Parse len bytes at p (borrowed) named label into *out (which the caller
 * releases with devices_csv_release() whatever the result). 0 when the file
 * is good (out->rows); -EINVAL when it has errors (out->errors; the rows
 * with the right number of fields are still in out->rows, those with errors
 * marked bad, so the caller can report what only it can check: nothing may
 * be written); -ENOMEM.
 */
int devices_csv_parse(const char *label, const char *p, size_t len, struct devices_csv *out);
/* Add an error found by the caller (an unknown school): -EINVAL, or -ENOMEM. */
int devices_csv_error(struct devices_csv *d, size_t line, size_t col, const char *field,
                      const char *fmt, ...) PRINTF_FMT(5, 6);
/* Sort the errors by line, then column (the caller's come after the parse's). */
void devices_csv_sort_errors(struct devices_csv *d);
/* Free everything. NULL-safe. */
void devices_csv_release(struct devices_csv *d);

#endif

/*
 * The backend driver interface, private to src/store: one ops table per
 * backend (after curl's vtls), and helpers that prepare, bind and step
 * statements through it.
 *
 * SQL here is written once for both backends: '?' placeholders (the
 * PostgreSQL driver numbers them), ON CONFLICT upserts, RETURNING, integer
 * milliseconds for instants and integer days for dates, 0/1 for booleans.
 * Migrations use INTEGER, TEXT, BLOB and REAL, which the PostgreSQL driver
 * maps to BIGINT, TEXT, BYTEA and DOUBLE PRECISION, and `id INTEGER PRIMARY
 * KEY` for a generated key.
 *
 * A statement from db_prepare() is cached per connection and must be given
 * back with db_done() before the connection is released.
 */
#ifndef TRELLIS_DB_H
#define TRELLIS_DB_H

#include <stdarg.h>
#include <stdint.h>

#include "base/common.h"
#include "base/str.h"
#include "store/store.h"

struct db_stmt;

enum db_dialect { DB_SQLITE, DB_POSTGRESQL };

struct db_driver {
    const char *name;
    enum db_dialect dialect;
    /* Open one connection. err gets a message on failure. */
    int (*open)(struct store *s, const char *url, const struct store_options *opt, struct db **ret,
                char *err, size_t errlen);
    void (*close)(struct db *db);
    /* Run one or more statements without parameters or results. */
    int (*exec)(struct db *db, const char *sql);
    /* Prepare sql (or return the cached statement). */
    int (*prepare)(struct db *db, const char *sql, struct db_stmt **ret);
    int (*bind_null)(struct db_stmt *st, int idx);
    int (*bind_int64)(struct db_stmt *st, int idx, int64_t v);
    int (*bind_double)(struct db_stmt *st, int idx, double v);
    int (*bind_text)(struct db_stmt *st, int idx, const char *p, size_t n);
    int (*bind_blob)(struct db_stmt *st, int idx, const void *p, size_t n);
    /* 1: a row is ready; 0: done; negative errno on failure. */
    int (*step)(struct db_stmt *st);
    bool (*col_null)(struct db_stmt *st, int col);
    int64_t (*col_int64)(struct db_stmt *st, int col);
    double (*col_double)(struct db_stmt *st, int col);
    /* Borrowed until the next step or reset; NUL-terminated. */
    const char *(*col_text)(struct db_stmt *st, int col, size_t *ret_len);
    const void *(*col_blob)(struct db_stmt *st, int col, size_t *ret_len);
    /* Rows changed by the last completed INSERT/UPDATE/DELETE. */
    int64_t (*changes)(struct db_stmt *st);
    /* Clear bindings and results; the statement goes back to the cache. */
    void (*reset)(struct db_stmt *st);
    int (*begin)(struct db *db, bool write);
    int (*commit)(struct db *db);
    int (*rollback)(struct db *db);
    int (*backup)(struct db *db, const char *out);
    /* The backend's last error text, for the store's own messages. Borrowed. */
    const char *(*errmsg)(struct db *db);
    /* Optional: see db_tx_all_or_nothing(). */
    void (*all_or_nothing)(struct db *db);
};

/* Every backend connection starts with this. */
struct db {
    const struct db_driver *drv;
    struct store *store;
    int tx;             /* 0: none, 1: read, 2: write */
    uint64_t tx_serial; /* counts transactions begun on this connection (grants name theirs) */
    bool write_locked;  /* holds the store's writer lock (SQLite: one writer at a time) */
    /*
     * A statement that may write ran (anything but a SELECT): when it is
     * committed (or ends, outside a transaction) the store's write
     * generation moves on (store_write_gen). Never on a quiet connection.
     */
    bool dirty, quiet;
};

/* The statement ended outside a transaction: a write in it moves the store's generation on. */
void db_settle(struct db *db);

extern const struct db_driver db_sqlite_driver;
extern const struct db_driver db_pg_driver; /* only with -Dpostgresql */

/*
 * Prepare sql and bind arguments by a format string, one letter each:
 *   i int64_t      d double       s const char * (NULL binds NULL)
 *   S struct str (p == NULL binds NULL)     b const void *, size_t (blob; NULL binds NULL)
 *   n NULL (no argument)          z int64_t, where 0 binds NULL (optional ids)
 * On success *ret_st is ready to step; give it back with db_done().
 */
int db_query(struct db *db, struct db_stmt **ret_st, const char *sql, const char *fmt, ...);
int db_vquery(struct db *db, struct db_stmt **ret_st, const char *sql, const char *fmt, va_list ap);
/*
 * For statements whose parameter count is only known at run time (generic
 * upserts): prepare without binding, then bind by 1-based index. sql must
 * outlive the connection (it is the cache key). Same return values as the
 * driver: 0 or a negative errno.
 */
int db_prepare(struct db *db, const char *sql, struct db_stmt **ret_st);
int db_bind_null(struct db_stmt *st, int idx);
int db_bind_int64(struct db_stmt *st, int idx, int64_t v);
int db_bind_double(struct db_stmt *st, int idx, double v);
/* s.p == NULL binds NULL. */
int db_bind_text(struct db_stmt *st, int idx, struct str s);
/* p == NULL binds NULL. */
int db_bind_blob(struct db_stmt *st, int idx, const void *p, size_t n);
/* Rows changed by the statement's last completed step. */
int64_t db_changes(struct db_stmt *st);
/* Run a statement that returns no rows: the number of changed rows, or a negative errno. */
int64_t db_exec(struct db *db, const char *sql, const char *fmt, ...);
/* Step: 1 a row, 0 done, negative errno. */
int db_step(struct db_stmt *st);
/* Release a statement from db_query (NULL-safe). */
void db_done(struct db_stmt *st);
/*
 * Run a query expected to return at most one row with one integer column:
 * 0 and *ret set, -ENOENT if there is no row (or the value is NULL).
 */
int db_query_int64(struct db *db, int64_t *ret, const char *sql, const char *fmt, ...);

bool db_col_null(struct db_stmt *st, int col);
int64_t db_col_int64(struct db_stmt *st, int col);
double db_col_double(struct db_stmt *st, int col);
/* Never NULL ("" for NULL); borrowed until the next step. */
const char *db_col_text(struct db_stmt *st, int col);
struct str db_col_str(struct db_stmt *st, int col);
const void *db_col_blob(struct db_stmt *st, int col, size_t *ret_len);
/* A malloc'ed copy of a text column (NULL stays NULL): 0 or -ENOMEM. */
int db_col_strdup(struct db_stmt *st, int col, char **ret);

enum db_dialect db_dialect(const struct db *db);

/*
 * The open transaction ends at its first failed statement: the caller rolls
 * back rather than going on after an error (the roster import). A backend
 * may then skip what keeps a transaction usable after a failed statement
 * (PostgreSQL: the statement savepoint, see db_pg.c). Cleared when the
 * transaction ends.
 */
void db_tx_all_or_nothing(struct db *db);

/* The embedded migrations (generated from migrations/NNNN_name.sql). */
struct db_migration {
    int version;
    const char *name;
    const char *sql;
};
extern const struct db_migration db_migrations[];
extern const size_t db_migrations_count;

#endif

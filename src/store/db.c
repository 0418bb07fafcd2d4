/*
 * Statement helpers over the driver: prepare + bind by format string, step,
 * column access. See db.h.
 */
#include "base/common.h"

#include <strings.h>

#include "base/mem.h"
#include "store/db.h"
#include "store/store.h"

struct db_stmt_head {
    struct db *db; /* every backend statement starts with its connection */
};

static struct db *stmt_db(struct db_stmt *st)
{
    return ((struct db_stmt_head *)(void *)st)->db;
}

enum db_dialect db_dialect(const struct db *db)
{
    return db->drv->dialect;
}

void db_tx_all_or_nothing(struct db *db)
{
    if (db->tx && db->drv->all_or_nothing)
        db->drv->all_or_nothing(db);
}

/* sql may write: anything but a SELECT (a WITH may hold an INSERT). */
static void note_sql(struct db *db, const char *sql)
{
    if (db->quiet || db->dirty)
        return;
    while (*sql == ' ' || *sql == '\n' || *sql == '\t')
        sql++;
    if (strncasecmp(sql, "SELECT", 6) != 0)
        db->dirty = true;
}

void db_settle(struct db *db)
{
    if (db->dirty && !db->tx) {
        db->dirty = false;
        store_write_gen_bump(db->store);
    }
}

int db_vquery(struct db *db, struct db_stmt **ret_st, const char *sql, const char *fmt, va_list ap)
{
    const struct db_driver *d = db->drv;
    struct db_stmt *st;
    int r, idx = 1;

    note_sql(db, sql);
    r = d->prepare(db, sql, &st);
    if (r < 0)
        return r;
    for (const char *f = fmt; *f; f++, idx++) {
        switch (*f) {
        case 'i':
            r = d->bind_int64(st, idx, va_arg(ap, int64_t));
            break;
        case 'z': {
            int64_t v = va_arg(ap, int64_t);
            r = v ? d->bind_int64(st, idx, v) : d->bind_null(st, idx);
            break;
        }
        case 'd':
            r = d->bind_double(st, idx, va_arg(ap, double));
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            r = s ? d->bind_text(st, idx, s, strlen(s)) : d->bind_null(st, idx);
            break;
        }
        case 'S': {
            struct str s = va_arg(ap, struct str);
            r = s.p ? d->bind_text(st, idx, s.p, s.len) : d->bind_null(st, idx);
            break;
        }
        case 'b': {
            const void *p = va_arg(ap, const void *);
            size_t n = va_arg(ap, size_t);
            r = p ? d->bind_blob(st, idx, p, n) : d->bind_null(st, idx);
            break;
        }
        case 'n':
            r = d->bind_null(st, idx);
            break;
        default:
            r = -EINVAL; /* a programming error in the format string */
            break;
        }
        if (r < 0) {
            d->reset(st);
            return r;
        }
    }
    *ret_st = st;
    return 0;
}

int db_query(struct db *db, struct db_stmt **ret_st, const char *sql, const char *fmt, ...)
{
    va_list ap;
    int r;
    va_start(ap, fmt);
    r = db_vquery(db, ret_st, sql, fmt, ap);
    va_end(ap);
    return r;
}

int64_t db_exec(struct db *db, const char *sql, const char *fmt, ...)
{
    struct db_stmt *st;
    va_list ap;
    int64_t n;
    int r;

    va_start(ap, fmt);
    r = db_vquery(db, &st, sql, fmt, ap);
    va_end(ap);
    if (r < 0)
        return r;
    while ((r = db->drv->step(st)) > 0)
        ;
    n = r < 0 ? r : db->drv->changes(st);
    db->drv->reset(st);
    db_settle(db);
    return n;
}

int db_query_int64(struct db *db, int64_t *ret, const char *sql, const char *fmt, ...)
{
    struct db_stmt *st;
    va_list ap;
    int r;

    va_start(ap, fmt);
    r = db_vquery(db, &st, sql, fmt, ap);
    va_end(ap);
    if (r < 0)
        return r;
    r = db->drv->step(st);
    if (r > 0) {
        if (db->drv->col_null(st, 0)) {
            r = -ENOENT;
        } else {
            *ret = db->drv->col_int64(st, 0);
            r = 0;
        }
    } else if (r == 0) {
        r = -ENOENT;
    }
    db->drv->reset(st);
    db_settle(db);
    return r;
}

int db_step(struct db_stmt *st)
{
    return stmt_db(st)->drv->step(st);
}

void db_done(struct db_stmt *st)
{
    if (st) {
        struct db *db = stmt_db(st); /* reset may free st (a statement reused while reading) */
        db->drv->reset(st);
        db_settle(db);
    }
}

bool db_col_null(struct db_stmt *st, int col)
{
    return stmt_db(st)->drv->col_null(st, col);
}

int64_t db_col_int64(struct db_stmt *st, int col)
{
    return stmt_db(st)->drv->col_int64(st, col);
}

double db_col_double(struct db_stmt *st, int col)
{
    return stmt_db(st)->drv->col_double(st, col);
}

const char *db_col_text(struct db_stmt *st, int col)
{
    size_t n;
    const char *s = stmt_db(st)->drv->col_text(st, col, &n);
    return s ? s : "";
}

struct str db_col_str(struct db_stmt *st, int col)
{
    size_t n = 0;
    const char *s = stmt_db(st)->drv->col_text(st, col, &n);
    struct str v = {s ? s : "", s ? n : 0};
    return v;
}

const void *db_col_blob(struct db_stmt *st, int col, size_t *ret_len)
{
    return stmt_db(st)->drv->col_blob(st, col, ret_len);
}

int db_col_strdup(struct db_stmt *st, int col, char **ret)
{
    size_t n;
    const char *s = stmt_db(st)->drv->col_text(st, col, &n);
    if (!s) {
        *ret = NULL;
        return 0;
    }
    char *d = mem_strndup(s, n);
    if (!d)
        return -ENOMEM;
    *ret = d;
    return 0;
}

int db_prepare(struct db *db, const char *sql, struct db_stmt **ret_st)
{
    note_sql(db, sql);
    return db->drv->prepare(db, sql, ret_st);
}

int db_bind_null(struct db_stmt *st, int idx)
{
    return stmt_db(st)->drv->bind_null(st, idx);
}

int db_bind_int64(struct db_stmt *st, int idx, int64_t v)
{
    return stmt_db(st)->drv->bind_int64(st, idx, v);
}

int db_bind_double(struct db_stmt *st, int idx, double v)
{
    return stmt_db(st)->drv->bind_double(st, idx, v);
}

int db_bind_text(struct db_stmt *st, int idx, struct str s)
{
    const struct db_driver *d = stmt_db(st)->drv;
    return s.p ? d->bind_text(st, idx, s.p, s.len) : d->bind_null(st, idx);
}

int db_bind_blob(struct db_stmt *st, int idx, const void *p, size_t n)
{
    const struct db_driver *d = stmt_db(st)->drv;
    return p ? d->bind_blob(st, idx, p, n) : d->bind_null(st, idx);
}

int64_t db_changes(struct db_stmt *st)
{
    return stmt_db(st)->drv->changes(st);
}

/*
 * SQLite backend: one sqlite3 connection per struct db, in WAL mode with
 * synchronous=FULL (a commit is on disk before it is acknowledged), foreign
 * keys on, secure_delete on (deleted student data is overwritten, not left
 * in free pages), a busy timeout, and prepared statements cached per
 * connection by their SQL text.
 *
 * Error codes are translated here and nowhere else: a unique or primary key
 * violation is -EEXIST, BUSY/LOCKED is -EBUSY, other constraint failures are
 * -EINVAL, out-of-memory is -ENOMEM and everything else is -EIO.
 */
#include "base/common.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/mem.h"
#include "store/db.h"

#define CACHE_SLOTS 1024 /* power of two */

struct db_stmt {
    struct db *db; /* first, see db.c */
    sqlite3_stmt *st;
    const char *sql; /* the caller's text: the cache key */
    bool busy;
    bool transient; /* not in the cache: finalize on reset */
    int64_t changes;
};

struct sqlite_db {
    struct db base; /* first */
    sqlite3 *h;
    struct db_stmt *cache[CACHE_SLOTS];
    size_t cached;
};

static struct sqlite_db *SDB(struct db *db)
{
    return (struct sqlite_db *)(void *)db;
}

static int map_rc(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
        return 0;
    case SQLITE_CONSTRAINT:
        if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY ||
            rc == SQLITE_CONSTRAINT_ROWID)
            return -EEXIST;
        return -EINVAL;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return -EBUSY;
    case SQLITE_NOMEM:
        return -ENOMEM;
    case SQLITE_TOOBIG:
        return -E2BIG;
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
        return -EINVAL;
    case SQLITE_READONLY:
        return -EROFS;
    default:
        return -EIO;
    }
}

static void sq_close(struct db *db)
{
    struct sqlite_db *s = SDB(db);
    if (!s)
        return;
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        if (s->cache[i]) {
            sqlite3_finalize(s->cache[i]->st);
            mem_free(s->cache[i]);
        }
    }
    sqlite3_close_v2(s->h);
    mem_free(s);
}

static int sq_exec(struct db *db, const char *sql)
{
    return map_rc(sqlite3_exec(SDB(db)->h, sql, NULL, NULL, NULL));
}

static void sq_configure(void)
{
    /*
     * No global memory statistics: they put a process-wide mutex on every
     * SQLite allocation (about 7% of a large roster import). Must run before
     * SQLite initialises; if something initialised it already this fails
     * harmlessly.
     */
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static int sq_open(struct store *store, const char *url, const struct store_options *opt,
                   struct db **ret, char *err, size_t errlen)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    struct sqlite_db *s;
    int flags = SQLITE_OPEN_NOMUTEX, rc;

    pthread_once(&once, sq_configure);
    if (strncmp(url, "sqlite:", 7) == 0)
        url += 7;
    if (opt->readonly)
        flags |= SQLITE_OPEN_READONLY;
    else
        flags |= SQLITE_OPEN_READWRITE | (opt->create ? SQLITE_OPEN_CREATE : 0);
    if (!opt->create && strcmp(url, ":memory:") != 0 && access(url, F_OK) < 0) {
        snprintf(err, errlen,
                 "database '%s' does not exist (create it with `trellis init --db %s`)", url, url);
        return -ENOENT;
    }
    s = mem_calloc(1, sizeof(*s));
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    s->base.drv = &db_sqlite_driver;
    s->base.store = store;
    /* new files (database, WAL, shm) are readable by the owner only */
    mode_t old = umask(077);
    rc = sqlite3_open_v2(url, &s->h, flags, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_extended_result_codes(s->h, 1);
        sqlite3_busy_timeout(s->h, 10000);
        /* the journal mode is per file: only a writer can switch it */
        rc = sqlite3_exec(s->h,
                          opt->readonly ? "PRAGMA foreign_keys=ON; PRAGMA query_only=ON;"
                                        : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                                          "PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;"
                                          "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-16384;",
                          NULL, NULL, NULL);
    }
    umask(old);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "cannot open database '%s': %s", url,
                 s->h ? sqlite3_errmsg(s->h) : sqlite3_errstr(rc));
        sq_close(&s->base);
        return map_rc(rc) ? map_rc(rc) : -EIO;
    }
    *ret = &s->base;
    return 0;
}

static size_t slot_of(const char *sql)
{
    uintptr_t h = (uintptr_t)sql;
    h ^= h >> 17;
    h *= 0x9E3779B97F4A7C15ULL;
    return (size_t)(h >> 40) & (CACHE_SLOTS - 1);
}

static int sq_prepare(struct db *db, const char *sql, struct db_stmt **ret)
{
    struct sqlite_db *s = SDB(db);
    size_t slot = slot_of(sql), free_slot = CACHE_SLOTS;
    struct db_stmt *st;
    bool in_use = false;
    int rc;

    /* linear probing over a pointer-keyed table: the same call site passes the same text */
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        size_t k = (slot + i) & (CACHE_SLOTS - 1);
        struct db_stmt *c = s->cache[k];
        if (!c) {
            free_slot = k;
            break;
        }
        if (c->sql == sql) {
            if (!c->busy) {
                c->busy = true;
                c->changes = 0;
                *ret = c;
                return 0;
            }
            in_use = true; /* a nested use of the same statement: make a transient copy */
            break;
        }
    }
    st = mem_calloc(1, sizeof(*st));
    if (!st)
        return -ENOMEM;
    st->db = db;
    st->sql = sql;
    st->busy = true;
    rc = sqlite3_prepare_v3(s->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st->st, NULL);
    if (rc != SQLITE_OK) {
        mem_free(st);
        return map_rc(rc) ? map_rc(rc) : -EIO;
    }
    if (!in_use && free_slot < CACHE_SLOTS && s->cached < CACHE_SLOTS * 3 / 4) {
        s->cache[free_slot] = st;
        s->cached++;
    } else {
        st->transient = true;
    }
    *ret = st;
    return 0;
}

static int sq_bind_null(struct db_stmt *st, int idx)
{
    return map_rc(sqlite3_bind_null(st->st, idx));
}

static int sq_bind_int64(struct db_stmt *st, int idx, int64_t v)
{
    return map_rc(sqlite3_bind_int64(st->st, idx, v));
}

static int sq_bind_double(struct db_stmt *st, int idx, double v)
{
    return map_rc(sqlite3_bind_double(st->st, idx, v));
}

static int sq_bind_text(struct db_stmt *st, int idx, const char *p, size_t n)
{
    return map_rc(sqlite3_bind_text64(st->st, idx, p, n, SQLITE_STATIC, SQLITE_UTF8));
}

static int sq_bind_blob(struct db_stmt *st, int idx, const void *p, size_t n)
{
    return map_rc(sqlite3_bind_blob64(st->st, idx, n ? p : "", n, SQLITE_STATIC));
}

static int sq_step(struct db_stmt *st)
{
    int rc = sqlite3_step(st->st);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE) {
        st->changes = sqlite3_changes64(SDB(st->db)->h);
        return 0;
    }
    return map_rc(rc) ? map_rc(rc) : -EIO;
}

static bool sq_col_null(struct db_stmt *st, int col)
{
    return sqlite3_column_type(st->st, col) == SQLITE_NULL;
}

static int64_t sq_col_int64(struct db_stmt *st, int col)
{
    return sqlite3_column_int64(st->st, col);
}

static double sq_col_double(struct db_stmt *st, int col)
{
    return sqlite3_column_double(st->st, col);
}

static const char *sq_col_text(struct db_stmt *st, int col, size_t *ret_len)
{
    const unsigned char *t = sqlite3_column_text(st->st, col);
    *ret_len = t ? (size_t)sqlite3_column_bytes(st->st, col) : 0;
    return (const char *)t;
}

static const void *sq_col_blob(struct db_stmt *st, int col, size_t *ret_len)
{
    const void *b = sqlite3_column_blob(st->st, col);
    *ret_len = (size_t)sqlite3_column_bytes(st->st, col);
    return b;
}

static int64_t sq_changes(struct db_stmt *st)
{
    return st->changes;
}

static void sq_reset(struct db_stmt *st)
{
    sqlite3_reset(st->st);
    sqlite3_clear_bindings(st->st);
    if (st->transient) {
        sqlite3_finalize(st->st);
        mem_free(st);
        return;
    }
    st->busy = false;
}

static int sq_begin(struct db *db, bool write)
{
    return sq_exec(db, write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
}

static int sq_commit(struct db *db)
{
    return sq_exec(db, "COMMIT");
}

static int sq_rollback(struct db *db)
{
    return sq_exec(db, "ROLLBACK");
}

static int sq_backup(struct db *db, const char *out)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (access(out, F_OK) == 0)
        return -EEXIST;
    mode_t old = umask(077);
    rc = sqlite3_prepare_v2(SDB(db)->h, "VACUUM INTO ?", -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 1, out, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_finalize(st);
    umask(old);
    if (rc != SQLITE_DONE)
        return map_rc(rc) ? map_rc(rc) : -EIO;
    return 0;
}

static const char *sq_errmsg(struct db *db)
{
    return sqlite3_errmsg(SDB(db)->h);
}

const struct db_driver db_sqlite_driver = {
    .name = "sqlite",
    .dialect = DB_SQLITE,
    .open = sq_open,
    .close = sq_close,
    .exec = sq_exec,
    .prepare = sq_prepare,
    .bind_null = sq_bind_null,
    .bind_int64 = sq_bind_int64,
    .bind_double = sq_bind_double,
    .bind_text = sq_bind_text,
    .bind_blob = sq_bind_blob,
    .step = sq_step,
    .col_null = sq_col_null,
    .col_int64 = sq_col_int64,
    .col_double = sq_col_double,
    .col_text = sq_col_text,
    .col_blob = sq_col_blob,
    .changes = sq_changes,
    .reset = sq_reset,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .backup = sq_backup,
    .errmsg = sq_errmsg,
};

/*
 * PostgreSQL backend (libpq): one connection per struct db, statements
 * translated by pg_sql.c and prepared once per connection (PQprepare, cached
 * by the caller's SQL text), parameters sent as text (bytea in binary), and
 * results read whole in text format, so a statement's rows stay readable
 * while other statements run on the same connection (as SQLite allows).
 *
 * Transactions give the app SQLite's guarantees:
 *  - a write transaction is READ COMMITTED and first takes one transaction
 *    advisory lock, so write transactions run one at a time like SQLite's
 *    BEGIN IMMEDIATE: each sees every write committed before it and none can
 *    fail half-way on a conflict with another (store.h);
 *  - a read transaction is REPEATABLE READ: one snapshot, like a SQLite
 *    read transaction in WAL mode;
 *  - inside a write transaction an INSERT that may hit a unique index (no
 *    ON CONFLICT; a unique index besides a generated key) runs under a
 *    savepoint (pipelined, one round trip), so a unique violation (-EEXIST)
 *    fails that statement only and the transaction goes on, as in SQLite.
 *    Inside a savepoint of the caller's own (the audit log's group commit)
 *    it does not: the caller rolls back to its savepoint on failure, and
 *    fewer subtransactions keep PostgreSQL's snapshots cheap.
 *  - SAVEPOINT and RELEASE SAVEPOINT are sent with the next statement, in
 *    its round trip (pipeline mode; or in front of COMMIT).
 *    After any other failed statement PostgreSQL has failed the whole
 *    transaction: the caller rolls back, as the app does.
 *
 * Error codes are translated here and nowhere else (after db_sqlite.c):
 * SQLSTATE 23505 (unique) is -EEXIST, other integrity violations (23xxx,
 * foreign keys included) and data errors (22xxx) are -EINVAL, 40001/40P01
 * (serialization failure, deadlock) and 55P03 (lock not available) are
 * -EBUSY, 53xxx (out of resources) is -ENOMEM and the rest -EIO.
 */
#include "base/common.h"

#include <libpq-fe.h>
#include <stdio.h>

#include "base/buf.h"
#include "base/mem.h"
#include "store/db.h"
#include "store/pg_sql.h"

#define CACHE_SLOTS 1024  /* power of two */
#define MAX_PARAMS  65535 /* the protocol's limit */
#define BYTEAOID    17
#define INT2OID     21
#define INT4OID     23
#define INT8OID     20
#define UNKNOWNOID  705
/* the write lock's key: any constant shared by every Trellis process ("trellis" in ASCII) */
#define WRITE_LOCK_KEY "7526466592066037107"

struct pg_prep {
    const char *sql; /* the caller's text: the cache key */
    char name[24];
    int nparams;
    bool savepoint;  /* an INSERT that may hit a unique index: run it under a savepoint */
    bool deferrable; /* SAVEPOINT or RELEASE without parameters: sent with the next statement */
    char *text;      /* the translated text, for a deferrable one */
    unsigned gen;    /* the connection generation it was prepared in */
};

struct db_stmt {
    struct db *db; /* first, see db.c */
    struct pg_prep *prep;
    bool busy;
    bool transient; /* a nested use of a cached statement: freed on reset */
    /* parameters */
    char **values;
    int *lengths;
    int *formats;
    char (*ints)[32]; /* storage for numbers sent as text */
    /* results */
    PGresult *res;
    int row; /* the row step() returned last; -1 before the first */
    int nrows;
    bool done;
    int64_t changes;
    struct blobbuf {
        uint8_t *p;
        size_t cap;
    } * blobs; /* decoded bytea columns, one buffer per column (all stay readable) */
    int nblobs;
};

struct pg_db {
    struct db base; /* first */
    PGconn *c;
    struct db_stmt *cache[CACHE_SLOTS];
    size_t cached;
    unsigned next_name;
    unsigned gen; /* bumped when the connection is re-established */
    bool readonly;
    const char *deferred[8]; /* deferrable commands not sent yet (their preps' texts) */
    int ndeferred;
    int sp_depth;        /* the caller's savepoints open in this transaction */
    bool all_or_nothing; /* the transaction ends at its first failure: no statement savepoints */
    char err[512];
};

static struct pg_db *PDB(struct db *db)
{
    return (struct pg_db *)(void *)db;
}

static int map_state(const char *state)
{
    if (!state || strlen(state) != 5)
        return -EIO;
    if (strcmp(state, "23505") == 0)
        return -EEXIST;
    if (strncmp(state, "23", 2) == 0 || strncmp(state, "22", 2) == 0)
        return -EINVAL;
    if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0)
        return -EBUSY;
    if (strncmp(state, "53", 2) == 0)
        return -ENOMEM;
    if (strcmp(state, "25006") == 0)
        return -EROFS;
    return -EIO;
}

/* Remember res's error for errmsg() and map it; frees nothing. */
static int res_error(struct pg_db *p, const PGresult *res)
{
    const char *m = res ? PQresultErrorMessage(res) : PQerrorMessage(p->c);
    snprintf(p->err, sizeof(p->err), "%s", m && *m ? m : "PostgreSQL error");
    size_t n = strlen(p->err);
    while (n > 0 && (p->err[n - 1] == '\n' || p->err[n - 1] == ' '))
        p->err[--n] = '\0';
    if (!res || PQstatus(p->c) != CONNECTION_OK)
        return -EIO;
    return map_state(PQresultErrorField(res, PG_DIAG_SQLSTATE));
}

static void prep_free(struct pg_prep *pp)
{
    if (pp)
        mem_free(pp->text);
    mem_free(pp);
}

static void stmt_free(struct db_stmt *st)
{
    if (!st)
        return;
    PQclear(st->res);
    mem_free(st->values);
    mem_free(st->lengths);
    mem_free(st->formats);
    mem_free(st->ints);
    for (int i = 0; i < st->nblobs; i++)
        mem_free(st->blobs[i].p);
    mem_free(st->blobs);
    mem_free(st);
}

static void pg_close(struct db *db)
{
    struct pg_db *p = PDB(db);
    if (!p)
        return;
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        if (p->cache[i]) {
            prep_free(p->cache[i]->prep);
            stmt_free(p->cache[i]);
        }
    }
    PQfinish(p->c);
    mem_free(p);
}

/* Run sql (translated) with the simple protocol; several statements are fine. */
static int check_conn(struct pg_db *p);

/* Put the deferred commands in front of a simple query (they run first, in its round trip). */
static int prepend_deferred(struct pg_db *p, struct buf *b)
{
    int r = 0;
    for (int i = 0; i < p->ndeferred; i++)
        r |= buf_appendf(b, "%s;", p->deferred[i]);
    p->ndeferred = 0;
    return r < 0 ? -ENOMEM : 0;
}

static int pg_exec(struct db *db, const char *sql)
{
    struct pg_db *p = PDB(db);
    struct buf b = BUF_INIT(16u << 20);
    int n, r;

    r = check_conn(p);
    if (r < 0)
        return r;
    r = prepend_deferred(p, &b);
    if (r == 0)
        r = pg_sql_translate(sql, &b, &n, p->err, sizeof(p->err));
    if (r < 0) {
        buf_release(&b);
        return r;
    }
    PGresult *res = PQexec(p->c, buf_cstr(&b));
    buf_release(&b);
    ExecStatusType s = PQresultStatus(res);
    r = (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) ? 0 : res_error(p, res);
    PQclear(res);
    return r;
}

static int raw_exec(struct pg_db *p, const char *sql)
{
    PGresult *res = PQexec(p->c, sql);
    ExecStatusType s = PQresultStatus(res);
    int r = (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) ? 0 : res_error(p, res);
    PQclear(res);
    return r;
}

static void notice_quiet(void *arg, const char *msg)
{
    (void)arg;
    (void)msg;
}

/* Connect with dbname replaced (NULL: as in url). */
static PGconn *connect_to(const char *url, const char *dbname, char *err, size_t errlen)
{
    char *perr = NULL;
    PQconninfoOption *opts = PQconninfoParse(url, &perr);
    const char *keys[64], *vals[64];
    size_t n = 0;
    PGconn *c;

    if (!opts) {
        snprintf(err, errlen, "db: not a valid PostgreSQL URL: %s", perr ? perr : "out of memory");
        PQfreemem(perr);
        return NULL;
    }
    for (PQconninfoOption *o = opts; o->keyword && n + 2 < ARRAY_SIZE(keys); o++) {
        if (strcmp(o->keyword, "dbname") == 0 && dbname)
            continue;
        if (o->val) {
            keys[n] = o->keyword;
            vals[n++] = o->val;
        }
    }
    if (dbname) {
        keys[n] = "dbname";
        vals[n++] = dbname;
    }
    keys[n] = NULL;
    vals[n] = NULL;
    c = PQconnectdbParams(keys, vals, 0);
    PQconninfoFree(opts);
    return c;
}

/* The database name a URL names (malloc'ed), or NULL. */
static char *url_dbname(const char *url)
{
    PQconninfoOption *opts = PQconninfoParse(url, NULL);
    char *name = NULL;
    if (!opts)
        return NULL;
    for (PQconninfoOption *o = opts; o->keyword; o++)
        if (strcmp(o->keyword, "dbname") == 0 && o->val && *o->val)
            name = mem_strdup(o->val);
    PQconninfoFree(opts);
    return name;
}

/*
 * CREATE DATABASE for `trellis init` on a server where it does not exist
 * yet: UTF-8 with the C locale, so text sorts and compares byte by byte and
 * lower() folds ASCII only, as in SQLite.
 */
static int create_database(const char *url, char *err, size_t errlen)
{
    char *name = url_dbname(url);
    struct buf b = BUF_INIT(1024);
    PGconn *c;
    int r = 0;

    if (!name) {
        snprintf(err, errlen, "db: the PostgreSQL URL names no database");
        return -EINVAL;
    }
    c = connect_to(url, "postgres", err, errlen);
    if (!c || PQstatus(c) != CONNECTION_OK) {
        if (c)
            snprintf(err, errlen, "cannot connect to create database '%s': %s", name,
                     PQerrorMessage(c));
        r = -EIO;
        goto out;
    }
    char *ident = PQescapeIdentifier(c, name, strlen(name));
    if (!ident || buf_appendf(&b,
                              "CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8' "
                              "LC_COLLATE 'C' LC_CTYPE 'C'",
                              ident) < 0) {
        PQfreemem(ident);
        snprintf(err, errlen, "out of memory");
        r = -ENOMEM;
        goto out;
    }
    PQfreemem(ident);
    PGresult *res = PQexec(c, buf_cstr(&b));
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        /* 42P04: another process created it meanwhile */
        if (!state || strcmp(state, "42P04") != 0) {
            snprintf(err, errlen, "cannot create database '%s': %s", name,
                     PQresultErrorMessage(res));
            r = -EIO;
        }
    }
    PQclear(res);
out:
    PQfinish(c);
    buf_release(&b);
    mem_free(name);
    return r;
}

/* Sessions read and write UTF-8 and plain strings; a read-only store cannot write. */
static int session_setup(struct pg_db *p)
{
    return raw_exec(p, p->readonly ? "SET client_encoding = 'UTF8';"
                                     "SET standard_conforming_strings = on;"
                                     "SET default_transaction_read_only = on"
                                   : "SET client_encoding = 'UTF8';"
                                     "SET standard_conforming_strings = on");
}

static void strip_nl(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
        s[--n] = '\0';
}

static int pg_open(struct store *store, const char *url, const struct store_options *opt,
                   struct db **ret, char *err, size_t errlen)
{
    struct pg_db *p;
    PGconn *c;

    c = connect_to(url, NULL, err, errlen);
    if (!c)
        return -EINVAL;
    if (PQstatus(c) != CONNECTION_OK && opt->create &&
        strstr(PQerrorMessage(c), "does not exist")) {
        PQfinish(c);
        int r = create_database(url, err, errlen);
        if (r < 0)
            return r;
        c = connect_to(url, NULL, err, errlen);
        if (!c)
            return -EINVAL;
    }
    if (PQstatus(c) != CONNECTION_OK) {
        snprintf(err, errlen, "cannot connect to the PostgreSQL database: %s", PQerrorMessage(c));
        strip_nl(err);
        PQfinish(c);
        return -EIO;
    }
    PQsetNoticeProcessor(c, notice_quiet, NULL);
    p = mem_calloc(1, sizeof(*p));
    if (!p) {
        PQfinish(c);
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    p->base.drv = &db_pg_driver;
    p->base.store = store;
    p->c = c;
    p->readonly = opt->readonly;
    int r = session_setup(p);
    if (r < 0) {
        snprintf(err, errlen, "cannot set up the PostgreSQL session: %s", p->err);
        pg_close(&p->base);
        return r;
    }
    *ret = &p->base;
    return 0;
}

/*
 * A connection that broke (server restart, failover, terminated backend) is
 * re-established when it is next used outside a transaction; its prepared
 * statements are prepared again on first use (generation). Inside a
 * transaction the transaction is lost: -EIO, and the caller rolls back.
 */
static int check_conn(struct pg_db *p)
{
    if (PQstatus(p->c) == CONNECTION_OK)
        return 0;
    if (p->base.tx) {
        snprintf(p->err, sizeof(p->err), "the connection to PostgreSQL was lost");
        return -EIO;
    }
    PQreset(p->c);
    if (PQstatus(p->c) != CONNECTION_OK) {
        snprintf(p->err, sizeof(p->err), "cannot reconnect to PostgreSQL: %s",
                 PQerrorMessage(p->c));
        return -EIO;
    }
    PQsetNoticeProcessor(p->c, notice_quiet, NULL);
    p->gen++;
    p->ndeferred = 0;
    return session_setup(p);
}

static size_t slot_of(const char *sql)
{
    uintptr_t h = (uintptr_t)sql;
    h ^= h >> 17;
    h *= 0x9E3779B97F4A7C15ULL;
    return (size_t)(h >> 40) & (CACHE_SLOTS - 1);
}

/*
 * Does an INSERT need a savepoint? Only one that can fail on a unique
 * index: the statement has no ON CONFLICT and its table has a unique index
 * other than a generated (identity) primary key. Other integrity errors
 * (-EINVAL) leave the transaction failed: the caller rolls back (db.h).
 */
static bool needs_savepoint(struct pg_db *p, const char *pgsql)
{
    static const char *q =
        "SELECT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = to_regclass($1) AND "
        "i.indisunique AND NOT (i.indisprimary AND i.indnatts = 1 AND EXISTS (SELECT 1 FROM "
        "pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = i.indkey[0] AND "
        "a.attidentity <> ''))), to_regclass($1) IS NULL";
    char table[128];
    const char *t;
    size_t n = 0;

    while (*pgsql == ' ' || *pgsql == '\n' || *pgsql == '\t')
        pgsql++;
    if (strncasecmp(pgsql, "INSERT", 6) != 0 || strcasestr(pgsql, "ON CONFLICT"))
        return false;
    t = strcasestr(pgsql, "INTO");
    if (!t)
        return true;
    t += 4;
    while (*t == ' ' || *t == '\n' || *t == '\t')
        t++;
    while (n + 1 < sizeof(table) && t[n] && t[n] != ' ' && t[n] != '(' && t[n] != '\n')
        n++;
    memcpy(table, t, n);
    table[n] = '\0';
    const char *vals[1] = {table};
    PGresult *res = PQexecParams(p->c, q, 1, NULL, vals, NULL, NULL, 0);
    bool need = true; /* when unsure: the safe way */
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
        need = strcmp(PQgetvalue(res, 0, 0), "t") == 0 || strcmp(PQgetvalue(res, 0, 1), "t") == 0;
    PQclear(res);
    return need;
}

/* PQprepare the statement; numbers PostgreSQL typed as int2/int4 or unknown are declared int8. */
static int prepare_server(struct pg_db *p, struct pg_prep *pp)
{
    struct buf b = BUF_INIT(4u << 20);
    Oid *types = NULL;
    PGresult *res = NULL;
    int r, n = 0;
    bool retype = false;

    r = pg_sql_translate(pp->sql, &b, &n, p->err, sizeof(p->err));
    if (r < 0)
        goto out;
    if (n > MAX_PARAMS) {
        snprintf(p->err, sizeof(p->err), "too many parameters (%d)", n);
        r = -E2BIG;
        goto out;
    }
    pp->nparams = n;
    pp->savepoint = needs_savepoint(p, buf_cstr(&b));
    if (n == 0 && !pp->text &&
        (strncasecmp(buf_cstr(&b), "SAVEPOINT ", 10) == 0 ||
         strncasecmp(buf_cstr(&b), "RELEASE SAVEPOINT ", 18) == 0)) {
        pp->text = mem_strdup(buf_cstr(&b));
        pp->deferrable = pp->text != NULL;
    }
    snprintf(pp->name, sizeof(pp->name), "t%u", ++p->next_name);
    pp->gen = p->gen;
    res = PQprepare(p->c, pp->name, buf_cstr(&b), n, NULL);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        r = res_error(p, res);
        goto out;
    }
    PQclear(res);
    res = PQdescribePrepared(p->c, pp->name);
    types = mem_calloc(n ? (size_t)n : 1, sizeof(*types));
    if (!types) {
        r = -ENOMEM;
        goto out;
    }
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        r = res_error(p, res);
        goto out;
    }
    for (int i = 0; i < n; i++) {
        Oid t = PQparamtype(res, i);
        if (t == INT2OID || t == INT4OID || t == UNKNOWNOID) {
            types[i] = INT8OID;
            retype = true;
        } else {
            types[i] = t;
        }
    }
    PQclear(res);
    res = NULL;
    if (retype) {
        /*
         * Declare them int8 (an int4 would refuse ids past 2^31); where that
         * does not type-check (a function taking an int4), keep PostgreSQL's
         * choice. Under a savepoint: a failed PREPARE fails a transaction.
         */
        char name8[32];
        bool in_tx = p->base.tx != 0;
        snprintf(name8, sizeof(name8), "%s_8", pp->name);
        if (in_tx && raw_exec(p, "SAVEPOINT trellis_prep") < 0)
            goto keep;
        res = PQprepare(p->c, name8, buf_cstr(&b), n, types);
        if (PQresultStatus(res) == PGRES_COMMAND_OK) {
            char dealloc[48];
            snprintf(dealloc, sizeof(dealloc), "DEALLOCATE %s", pp->name);
            (void)raw_exec(p, dealloc);
            memcpy(pp->name, name8, MIN(strlen(name8) + 1, sizeof(pp->name)));
            pp->name[sizeof(pp->name) - 1] = '\0';
            if (in_tx)
                (void)raw_exec(p, "RELEASE SAVEPOINT trellis_prep");
        } else if (in_tx) {
            (void)raw_exec(p, "ROLLBACK TO SAVEPOINT trellis_prep; RELEASE SAVEPOINT trellis_prep");
        }
    }
keep:
    r = 0;
out:
    mem_free(types);
    PQclear(res);
    buf_release(&b);
    return r;
}

static struct db_stmt *stmt_new(struct db *db, struct pg_prep *pp)
{
    struct db_stmt *st = mem_calloc(1, sizeof(*st));
    size_t n = pp->nparams ? (size_t)pp->nparams : 1;
    if (!st)
        return NULL;
    st->db = db;
    st->prep = pp;
    st->values = mem_calloc(n, sizeof(*st->values));
    st->lengths = mem_calloc(n, sizeof(*st->lengths));
    st->formats = mem_calloc(n, sizeof(*st->formats));
    st->ints = mem_calloc(n, sizeof(*st->ints));
    if (!st->values || !st->lengths || !st->formats || !st->ints) {
        stmt_free(st);
        return NULL;
    }
    st->row = -1;
    return st;
}

static void stmt_clear(struct db_stmt *st)
{
    for (int i = 0; i < st->prep->nparams; i++) {
        if (st->values[i] && st->values[i] != st->ints[i])
            mem_free(st->values[i]);
        st->values[i] = NULL;
        st->lengths[i] = 0;
        st->formats[i] = 0;
    }
    PQclear(st->res);
    st->res = NULL;
    st->row = -1;
    st->nrows = 0;
    st->done = false;
}

static int pg_prepare(struct db *db, const char *sql, struct db_stmt **ret)
{
    struct pg_db *p = PDB(db);
    size_t slot = slot_of(sql), free_slot = CACHE_SLOTS;
    struct db_stmt *st;
    struct pg_prep *pp;
    int r;

    r = check_conn(p);
    if (r < 0)
        return r;
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        size_t k = (slot + i) & (CACHE_SLOTS - 1);
        struct db_stmt *c = p->cache[k];
        if (!c) {
            free_slot = k;
            break;
        }
        if (c->prep->sql == sql) {
            if (c->prep->gen != p->gen) {
                r = prepare_server(p, c->prep);
                if (r < 0)
                    return r;
            }
            if (!c->busy) {
                c->busy = true;
                c->changes = 0;
                *ret = c;
                return 0;
            }
            /* a nested use: a second executor of the same server-side statement */
            st = stmt_new(db, c->prep);
            if (!st)
                return -ENOMEM;
            st->busy = true;
            st->transient = true;
            *ret = st;
            return 0;
        }
    }
    pp = mem_calloc(1, sizeof(*pp));
    if (!pp)
        return -ENOMEM;
    pp->sql = sql;
    r = prepare_server(p, pp);
    if (r < 0) {
        prep_free(pp);
        return r;
    }
    st = stmt_new(db, pp);
    if (!st) {
        prep_free(pp);
        return -ENOMEM;
    }
    st->busy = true;
    if (free_slot < CACHE_SLOTS && p->cached < CACHE_SLOTS * 3 / 4) {
        p->cache[free_slot] = st;
        p->cached++;
    } else {
        /* the cache is full: this one is used once (its server statement stays) */
        st->transient = true;
        pp->deferrable = false; /* its text goes with it */
        st->prep = pp;          /* freed with the statement below */
    }
    *ret = st;
    return 0;
}

static int check_idx(struct db_stmt *st, int idx)
{
    if (idx < 1 || idx > st->prep->nparams)
        return -EINVAL;
    int i = idx - 1;
    if (st->values[i] && st->values[i] != st->ints[i])
        mem_free(st->values[i]);
    st->values[i] = NULL;
    st->lengths[i] = 0;
    st->formats[i] = 0;
    return i;
}

static int pg_bind_null(struct db_stmt *st, int idx)
{
    int i = check_idx(st, idx);
    return i < 0 ? i : 0;
}

static int pg_bind_int64(struct db_stmt *st, int idx, int64_t v)
{
    int i = check_idx(st, idx);
    if (i < 0)
        return i;
    snprintf(st->ints[i], sizeof(st->ints[i]), "%lld", (long long)v);
    st->values[i] = st->ints[i];
    return 0;
}

static int pg_bind_double(struct db_stmt *st, int idx, double v)
{
    int i = check_idx(st, idx);
    if (i < 0)
        return i;
    snprintf(st->ints[i], sizeof(st->ints[i]), "%.17g", v);
    st->values[i] = st->ints[i];
    return 0;
}

static int pg_bind_text(struct db_stmt *st, int idx, const char *s, size_t n)
{
    int i = check_idx(st, idx);
    if (i < 0)
        return i;
    if (memchr(s, '\0', n))
        return -EINVAL; /* PostgreSQL text cannot hold NUL */
    char *d = mem_strndup(s, n);
    if (!d)
        return -ENOMEM;
    st->values[i] = d;
    return 0;
}

static int pg_bind_blob(struct db_stmt *st, int idx, const void *b, size_t n)
{
    int i = check_idx(st, idx);
    if (i < 0)
        return i;
    if (n > INT32_MAX)
        return -E2BIG;
    char *d = mem_alloc(n ? n : 1);
    if (!d)
        return -ENOMEM;
    if (n)
        memcpy(d, b, n);
    st->values[i] = d;
    st->lengths[i] = (int)n;
    st->formats[i] = 1;
    return 0;
}

/* Execute under a savepoint in one round trip (pipeline mode). */
/*
 * Execute st in pipeline mode, in one round trip: the deferred savepoint
 * commands first, then (with sp) SAVEPOINT trellis_stmt, st and RELEASE.
 * Returns st's result (NULL if it could not be sent); *ret_err is set when
 * something failed (a deferred command or st), with p->err describing it.
 */
static PGresult *exec_pipeline(struct pg_db *p, struct db_stmt *st, bool sp, int *ret_err)
{
    PGconn *c = p->c;
    PGresult *res = NULL, *x;
    int nq = 0, stq, err = 0;
    bool ok = PQenterPipelineMode(c);

    for (int i = 0; ok && i < p->ndeferred; i++, nq++)
        ok = PQsendQueryParams(c, p->deferred[i], 0, NULL, NULL, NULL, NULL, 0);
    p->ndeferred = 0;
    if (ok && sp) {
        ok = PQsendQueryParams(c, "SAVEPOINT trellis_stmt", 0, NULL, NULL, NULL, NULL, 0);
        nq++;
    }
    stq = nq;
    if (ok) {
        ok = PQsendQueryPrepared(c, st->prep->name, st->prep->nparams,
                                 (const char *const *)st->values, st->lengths, st->formats, 0);
        nq++;
    }
    if (ok && sp) {
        ok = PQsendQueryParams(c, "RELEASE SAVEPOINT trellis_stmt", 0, NULL, NULL, NULL, NULL, 0);
        nq++;
    }
    ok = ok && PQpipelineSync(c);
    *ret_err = 0;
    if (!ok) {
        (void)PQexitPipelineMode(c);
        *ret_err = res_error(p, NULL);
        return NULL;
    }
    /* each query gives a result and a NULL; then the sync */
    for (int q = 0; q < nq; q++) {
        while ((x = PQgetResult(c)) != NULL) {
            ExecStatusType s = PQresultStatus(x);
            if (q == stq && !res) {
                res = x;
                continue;
            }
            if (!err && q < stq && s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
                err = res_error(p, x); /* a deferred command failed: the rest was skipped */
            PQclear(x);
        }
    }
    while ((x = PQgetResult(c)) != NULL) {
        ExecStatusType s = PQresultStatus(x);
        PQclear(x);
        if (s == PGRES_PIPELINE_SYNC)
            break;
    }
    (void)PQexitPipelineMode(c);
    if (!err && res && PQresultStatus(res) != PGRES_COMMAND_OK &&
        PQresultStatus(res) != PGRES_TUPLES_OK) {
        err = res_error(p, res);
        if (sp) {
            /* keep the message: the clean-up must not replace it */
            char keep[sizeof(p->err)];
            memcpy(keep, p->err, sizeof(keep));
            (void)raw_exec(p, "ROLLBACK TO SAVEPOINT trellis_stmt; RELEASE SAVEPOINT trellis_stmt");
            memcpy(p->err, keep, sizeof(keep));
        }
    }
    if (!res && !err)
        err = -EIO;
    *ret_err = err;
    return res;
}

static int pg_step(struct db_stmt *st)
{
    struct pg_db *p = PDB(st->db);

    if (st->done)
        return 0;
    if (!st->res) {
        PGresult *res;
        int err = 0;
        /* inside the caller's own savepoint, the caller rolls back to it on failure */
        bool sp;
        if (st->prep->deferrable && st->db->tx) {
            if (strncasecmp(st->prep->text, "SAVEPOINT", 9) == 0)
                p->sp_depth++;
            else if (p->sp_depth > 0)
                p->sp_depth--;
        }
        if (st->prep->deferrable && st->db->tx && p->ndeferred < (int)ARRAY_SIZE(p->deferred)) {
            /* SAVEPOINT / RELEASE: sent with the next statement, in the same round trip */
            p->deferred[p->ndeferred++] = st->prep->text;
            st->changes = 0;
            st->done = true;
            return 0;
        }
        sp = st->db->tx == 2 && st->prep->savepoint && p->sp_depth == 0 && !p->all_or_nothing;
        if (sp || p->ndeferred > 0) {
            res = exec_pipeline(p, st, sp, &err);
        } else {
            res = PQexecPrepared(p->c, st->prep->name, st->prep->nparams,
                                 (const char *const *)st->values, st->lengths, st->formats, 0);
            ExecStatusType s = PQresultStatus(res);
            if (!res || (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK))
                err = res_error(p, res);
        }
        if (err) {
            PQclear(res);
            st->done = true;
            return err;
        }
        st->res = res;
        st->nrows = PQntuples(res);
        st->row = -1;
        const char *ct = PQcmdTuples(res);
        st->changes = ct && *ct ? strtoll(ct, NULL, 10) : 0;
    }
    if (st->row + 1 < st->nrows) {
        st->row++;
        return 1;
    }
    st->done = true;
    return 0;
}

static bool pg_col_null(struct db_stmt *st, int col)
{
    if (!st->res || st->row < 0 || col >= PQnfields(st->res))
        return true;
    return PQgetisnull(st->res, st->row, col);
}

static int64_t pg_col_int64(struct db_stmt *st, int col)
{
    if (pg_col_null(st, col))
        return 0;
    const char *v = PQgetvalue(st->res, st->row, col);
    if (v[0] == 't' && v[1] == '\0')
        return 1; /* a boolean, as SQLite's 0/1 */
    if (v[0] == 'f' && v[1] == '\0')
        return 0;
    return strtoll(v, NULL, 10);
}

static double pg_col_double(struct db_stmt *st, int col)
{
    if (pg_col_null(st, col))
        return 0;
    return strtod(PQgetvalue(st->res, st->row, col), NULL);
}

static const char *pg_col_text(struct db_stmt *st, int col, size_t *ret_len)
{
    if (pg_col_null(st, col)) {
        *ret_len = 0;
        return NULL;
    }
    *ret_len = (size_t)PQgetlength(st->res, st->row, col);
    return PQgetvalue(st->res, st->row, col);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static const void *pg_col_blob(struct db_stmt *st, int col, size_t *ret_len)
{
    *ret_len = 0;
    if (pg_col_null(st, col))
        return NULL;
    const char *v = PQgetvalue(st->res, st->row, col);
    size_t n = (size_t)PQgetlength(st->res, st->row, col);
    if (PQftype(st->res, col) != BYTEAOID || n < 2 || v[0] != '\\' || v[1] != 'x') {
        *ret_len = n; /* text read as bytes, as SQLite does */
        return v;
    }
    size_t out = (n - 2) / 2;
    if (col >= st->nblobs) {
        int nf = PQnfields(st->res);
        struct blobbuf *nb = mem_realloc(st->blobs, (size_t)nf * sizeof(*nb));
        if (!nb)
            return NULL;
        memset(nb + st->nblobs, 0, (size_t)(nf - st->nblobs) * sizeof(*nb));
        st->blobs = nb;
        st->nblobs = nf;
    }
    struct blobbuf *bb = &st->blobs[col];
    if (out + 1 > bb->cap) {
        uint8_t *b = mem_realloc(bb->p, out + 1);
        if (!b)
            return NULL;
        bb->p = b;
        bb->cap = out + 1;
    }
    for (size_t i = 0; i < out; i++) {
        int hi = hexval(v[2 + 2 * i]), lo = hexval(v[3 + 2 * i]);
        if (hi < 0 || lo < 0)
            return NULL;
        bb->p[i] = (uint8_t)(hi << 4 | lo);
    }
    *ret_len = out;
    return out ? bb->p : (const void *)"";
}

static int64_t pg_changes(struct db_stmt *st)
{
    return st->changes;
}

static void pg_reset(struct db_stmt *st)
{
    stmt_clear(st);
    if (st->transient) {
        struct pg_db *p = PDB(st->db);
        bool cached = false;
        for (size_t i = 0; i < CACHE_SLOTS && !cached; i++)
            cached = p->cache[i] && p->cache[i]->prep == st->prep;
        if (!cached)
            prep_free(st->prep);
        stmt_free(st);
        return;
    }
    st->busy = false;
}

static int pg_begin(struct db *db, bool write)
{
    struct pg_db *p = PDB(db);
    int r = check_conn(p);
    if (r < 0)
        return r;
    p->sp_depth = 0;
    p->all_or_nothing = false;
    if (write)
        return raw_exec(p, "BEGIN ISOLATION LEVEL READ COMMITTED;"
                           "SELECT pg_advisory_xact_lock(" WRITE_LOCK_KEY ")");
    return raw_exec(p, "BEGIN ISOLATION LEVEL REPEATABLE READ");
}

static int pg_commit(struct db *db)
{
    struct pg_db *p = PDB(db);
    struct buf b = BUF_INIT(1 << 16);
    int r = prepend_deferred(p, &b);
    p->sp_depth = 0;
    p->all_or_nothing = false;
    if (r < 0 || buf_appends(&b, "COMMIT") < 0) {
        buf_release(&b);
        return -ENOMEM;
    }
    PGresult *res = PQexec(p->c, buf_cstr(&b));
    buf_release(&b);
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        r = res_error(p, res);
    else if (strcmp(PQcmdStatus(res), "ROLLBACK") == 0) {
        /* COMMIT of a failed transaction rolls back: say so */
        snprintf(p->err, sizeof(p->err), "the transaction had failed and was rolled back");
        r = -EIO;
    }
    PQclear(res);
    return r;
}

static int pg_rollback(struct db *db)
{
    PDB(db)->ndeferred = 0; /* what they would have done is rolled back anyway */
    PDB(db)->sp_depth = 0;
    PDB(db)->all_or_nothing = false;
    return raw_exec(PDB(db), "ROLLBACK");
}

static int pg_backup(struct db *db, const char *out)
{
    (void)db;
    (void)out;
    return -ENOTSUP;
}

static void pg_all_or_nothing(struct db *db)
{
    PDB(db)->all_or_nothing = true;
}

static const char *pg_errmsg(struct db *db)
{
    struct pg_db *p = PDB(db);
    return p->err[0] ? p->err : "no error";
}

const struct db_driver db_pg_driver = {
    .name = "postgresql",
    .dialect = DB_POSTGRESQL,
    .open = pg_open,
    .close = pg_close,
    .exec = pg_exec,
    .prepare = pg_prepare,
    .bind_null = pg_bind_null,
    .bind_int64 = pg_bind_int64,
    .bind_double = pg_bind_double,
    .bind_text = pg_bind_text,
    .bind_blob = pg_bind_blob,
    .step = pg_step,
    .col_null = pg_col_null,
    .col_int64 = pg_col_int64,
    .col_double = pg_col_double,
    .col_text = pg_col_text,
    .col_blob = pg_col_blob,
    .changes = pg_changes,
    .reset = pg_reset,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .backup = pg_backup,
    .errmsg = pg_errmsg,
    .all_or_nothing = pg_all_or_nothing,
};

/*
 * Database copy for `trellis migrate`: see store_copy.h.
 *
 * The source is read through SQLite's own catalogue (sqlite_master,
 * pragma_table_info, pragma_foreign_key_list); the target only needs the
 * same tables, which its migrations created. A column that refers to its
 * own table (orgs.parent_id) is copied as NULL first and set in a second
 * pass, so rows may come in any order.
 */
#include "base/common.h"

#include <sodium.h>
#include <stdio.h>

#include "base/buf.h"
#include "base/mem.h"
#include "store/db.h"
#include "store/store.h"
#include "store/store_copy.h"

#define MAX_TABLES 128
#define MAX_COLS   128
#define BATCH_ROWS 256
#define BATCH_VALS 16384 /* parameters per statement, well below PostgreSQL's 65535 */
#define SUM_LEN    16

enum kind { K_INT, K_TEXT, K_BLOB, K_REAL };

struct column {
    char *name;
    enum kind kind;
    int pk;        /* position in the primary key (1-based), 0: not in it */
    bool self_ref; /* references its own table */
};

struct table {
    char *name;
    struct column cols[MAX_COLS];
    int ncols;
    char *deps[MAX_TABLES]; /* tables it references */
    int ndeps;
    bool done;
    bool identity; /* a single INTEGER PRIMARY KEY column named id */
    int64_t rows;
    uint8_t sum[SUM_LEN];
};

struct copy {
    struct table tables[MAX_TABLES];
    int ntables;
    struct table *order[MAX_TABLES];
    /* SQL text must outlive the connections (statement caches are keyed by address) */
    char *sqls[MAX_TABLES * 8];
    size_t nsqls;
    char *err;
    size_t errlen;
};

static const char *keep_sql(struct copy *c, struct buf *b)
{
    if (c->nsqls >= ARRAY_SIZE(c->sqls))
        return NULL;
    char *s = buf_detach(b, NULL);
    if (s)
        c->sqls[c->nsqls++] = s;
    return s;
}

static enum kind kind_of(const char *decl)
{
    /* SQLite's affinity rules (section 3.1 of "Datatypes In SQLite") */
    if (strcasestr(decl, "INT"))
        return K_INT;
    if (strcasestr(decl, "CHAR") || strcasestr(decl, "CLOB") || strcasestr(decl, "TEXT"))
        return K_TEXT;
    if (!*decl || strcasestr(decl, "BLOB"))
        return K_BLOB;
    if (strcasestr(decl, "REAL") || strcasestr(decl, "FLOA") || strcasestr(decl, "DOUB"))
        return K_REAL;
    return K_INT;
}

static int fail(struct copy *c, int r, const char *fmt, ...) PRINTF_FMT(3, 4);
static int fail(struct copy *c, int r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err, c->errlen, fmt, ap);
    va_end(ap);
    return r;
}

static int load_schema(struct copy *c, struct db *db)
{
    struct db_stmt *st;
    int r;

    r = db_query(db, &st,
                 "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                 "AND name <> 'schema_migrations' ORDER BY name",
                 "");
    if (r < 0)
        return fail(c, r, "cannot list the source's tables: %s", db->drv->errmsg(db));
    while ((r = db_step(st)) > 0) {
        if (c->ntables >= MAX_TABLES) {
            db_done(st);
            return fail(c, -E2BIG, "the source has more than %d tables", MAX_TABLES);
        }
        struct table *t = &c->tables[c->ntables++];
        if (db_col_strdup(st, 0, &t->name) < 0 || !t->name) {
            db_done(st);
            return -ENOMEM;
        }
    }
    db_done(st);
    if (r < 0)
        return fail(c, r, "cannot list the source's tables: %s", db->drv->errmsg(db));

    for (int i = 0; i < c->ntables; i++) {
        struct table *t = &c->tables[i];
        r = db_query(db, &st, "SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid", "s",
                     t->name);
        if (r < 0)
            return fail(c, r, "cannot read the columns of %s: %s", t->name, db->drv->errmsg(db));
        while ((r = db_step(st)) > 0) {
            if (t->ncols >= MAX_COLS) {
                db_done(st);
                return fail(c, -E2BIG, "%s has more than %d columns", t->name, MAX_COLS);
            }
            struct column *col = &t->cols[t->ncols++];
            if (db_col_strdup(st, 0, &col->name) < 0 || !col->name) {
                db_done(st);
                return -ENOMEM;
            }
            col->kind = kind_of(db_col_text(st, 1));
            col->pk = (int)db_col_int64(st, 2);
        }
        db_done(st);
        if (r < 0)
            return r;
        int npk = 0;
        for (int k = 0; k < t->ncols; k++)
            npk += t->cols[k].pk > 0;
        t->identity = npk == 1 && t->cols[0].pk == 1 && t->cols[0].kind == K_INT &&
                      strcmp(t->cols[0].name, "id") == 0;

        r = db_query(db, &st, "SELECT \"table\", \"from\" FROM pragma_foreign_key_list(?)", "s",
                     t->name);
        if (r < 0)
            return fail(c, r, "cannot read the foreign keys of %s: %s", t->name,
                        db->drv->errmsg(db));
        while ((r = db_step(st)) > 0) {
            const char *ref = db_col_text(st, 0), *from = db_col_text(st, 1);
            if (strcmp(ref, t->name) == 0) {
                for (int k = 0; k < t->ncols; k++)
                    if (strcmp(t->cols[k].name, from) == 0)
                        t->cols[k].self_ref = true;
            } else if (t->ndeps < MAX_TABLES) {
                t->deps[t->ndeps] = mem_strdup(ref);
                if (!t->deps[t->ndeps]) {
                    db_done(st);
                    return -ENOMEM;
                }
                t->ndeps++;
            }
        }
        db_done(st);
        if (r < 0)
            return r;
        for (int k = 0; k < t->ncols; k++)
            if (t->cols[k].self_ref && !t->identity)
                return fail(c, -ENOTSUP,
                            "%s refers to itself but has no single id key: cannot copy it",
                            t->name);
    }

    /* dependency order: a table after every table it references */
    int placed = 0;
    while (placed < c->ntables) {
        bool progress = false;
        for (int i = 0; i < c->ntables; i++) {
            struct table *t = &c->tables[i];
            if (t->done)
                continue;
            bool ready = true;
            for (int d = 0; d < t->ndeps && ready; d++)
                for (int j = 0; j < c->ntables; j++)
                    if (strcmp(c->tables[j].name, t->deps[d]) == 0 && !c->tables[j].done)
                        ready = false;
            if (ready) {
                t->done = true;
                c->order[placed++] = t;
                progress = true;
            }
        }
        if (!progress)
            return fail(c, -ENOTSUP, "the source's foreign keys form a cycle: cannot order tables");
    }
    return 0;
}

/* "a", "b", "c" */
static int append_cols(struct buf *b, const struct table *t)
{
    int r = 0;
    for (int k = 0; k < t->ncols; k++)
        r |= buf_appendf(b, "%s\"%s\"", k ? ", " : "", t->cols[k].name);
    return r;
}

static int append_order(struct buf *b, const struct table *t, bool pg)
{
    int r = buf_appends(b, " ORDER BY ");
    bool any = false;
    for (int pos = 1; pos <= t->ncols; pos++)
        for (int k = 0; k < t->ncols; k++)
            if (t->cols[k].pk == pos) {
                r |= buf_appendf(b, "%s\"%s\"%s", any ? ", " : "", t->cols[k].name,
                                 pg && t->cols[k].kind == K_TEXT ? " COLLATE \"C\"" : "");
                any = true;
            }
    if (!any) /* no primary key: every column */
        for (int k = 0; k < t->ncols; k++)
            r |= buf_appendf(b, "%s\"%s\"%s", k ? ", " : "", t->cols[k].name,
                             pg && t->cols[k].kind == K_TEXT ? " COLLATE \"C\"" : "");
    return r;
}

static const char *select_sql(struct copy *c, const struct table *t, bool pg)
{
    struct buf b = BUF_INIT(1 << 20);
    int r = buf_appends(&b, "SELECT ");
    r |= append_cols(&b, t);
    r |= buf_appendf(&b, " FROM \"%s\"", t->name);
    r |= append_order(&b, t, pg);
    if (r < 0) {
        buf_release(&b);
        return NULL;
    }
    return keep_sql(c, &b);
}

static const char *insert_sql(struct copy *c, const struct table *t, int rows)
{
    struct buf b = BUF_INIT(16 << 20);
    int r = buf_appendf(&b, "INSERT INTO \"%s\" (", t->name);
    r |= append_cols(&b, t);
    r |= buf_appends(&b, ") VALUES ");
    for (int i = 0; i < rows; i++) {
        r |= buf_appends(&b, i ? ", (" : "(");
        for (int k = 0; k < t->ncols; k++)
            r |= buf_appends(&b, k ? ", ?" : "?");
        r |= buf_putc(&b, ')');
    }
    if (r < 0) {
        buf_release(&b);
        return NULL;
    }
    return keep_sql(c, &b);
}

/* Feed one column value of st into the digest: a tag, a length and the bytes. */
static void sum_value(crypto_generichash_state *h, struct db_stmt *st, int col, enum kind k)
{
    char tmp[48];
    size_t n = 0;
    if (db_col_null(st, col)) {
        crypto_generichash_update(h, (const unsigned char *)"N", 1);
        return;
    }
    switch (k) {
    case K_INT:
        n = (size_t)snprintf(tmp, sizeof(tmp), "I%lld;", (long long)db_col_int64(st, col));
        crypto_generichash_update(h, (const unsigned char *)tmp, n);
        break;
    case K_REAL:
        n = (size_t)snprintf(tmp, sizeof(tmp), "R%.17g;", db_col_double(st, col));
        crypto_generichash_update(h, (const unsigned char *)tmp, n);
        break;
    case K_TEXT: {
        struct str s = db_col_str(st, col);
        n = (size_t)snprintf(tmp, sizeof(tmp), "T%zu:", s.len);
        crypto_generichash_update(h, (const unsigned char *)tmp, n);
        crypto_generichash_update(h, (const unsigned char *)s.p, s.len);
        break;
    }
    case K_BLOB: {
        size_t len = 0;
        const void *p = db_col_blob(st, col, &len);
        n = (size_t)snprintf(tmp, sizeof(tmp), "B%zu:", len);
        crypto_generichash_update(h, (const unsigned char *)tmp, n);
        if (len)
            crypto_generichash_update(h, p, len);
        break;
    }
    }
}

/* A copied value, owned until its batch is written. */
struct val {
    enum kind kind;
    bool null;
    int64_t i;
    double d;
    void *p;
    size_t n;
};

static int take_value(struct val *v, struct db_stmt *st, int col, enum kind k, bool as_null)
{
    memset(v, 0, sizeof(*v));
    v->kind = k;
    v->null = as_null || db_col_null(st, col);
    if (v->null)
        return 0;
    switch (k) {
    case K_INT:
        v->i = db_col_int64(st, col);
        break;
    case K_REAL:
        v->d = db_col_double(st, col);
        break;
    case K_TEXT: {
        struct str s = db_col_str(st, col);
        v->p = mem_strndup(s.p, s.len);
        v->n = s.len;
        if (!v->p)
            return -ENOMEM;
        break;
    }
    case K_BLOB: {
        const void *p = db_col_blob(st, col, &v->n);
        v->p = mem_alloc(v->n ? v->n : 1);
        if (!v->p)
            return -ENOMEM;
        if (v->n)
            memcpy(v->p, p, v->n);
        break;
    }
    }
    return 0;
}

static int bind_value(struct db_stmt *st, int idx, const struct val *v)
{
    if (v->null)
        return db_bind_null(st, idx);
    switch (v->kind) {
    case K_INT:
        return db_bind_int64(st, idx, v->i);
    case K_REAL:
        return db_bind_double(st, idx, v->d);
    case K_TEXT:
        return db_bind_text(st, idx, (struct str){v->p, v->n});
    case K_BLOB:
        return db_bind_blob(st, idx, v->p, v->n);
    }
    return -EINVAL;
}

static void free_values(struct val *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        mem_free(v[i].p);
        v[i].p = NULL;
    }
}

static int write_rows(struct db *dst, const char *sql, const struct val *v, size_t nvals)
{
    struct db_stmt *st;
    int r = db_prepare(dst, sql, &st);
    if (r < 0)
        return r;
    for (size_t i = 0; i < nvals && r >= 0; i++)
        r = bind_value(st, (int)i + 1, &v[i]);
    if (r >= 0)
        while ((r = db_step(st)) > 0)
            ;
    db_done(st);
    return r;
}

static int copy_table(struct copy *c, struct db *src, struct db *dst, struct table *t)
{
    size_t batch_rows = MIN((size_t)BATCH_ROWS, (size_t)BATCH_VALS / (size_t)t->ncols);
    const char *sel = select_sql(c, t, false), *ins_batch = insert_sql(c, t, (int)batch_rows),
               *ins_one = insert_sql(c, t, 1);
    struct val *vals = NULL;
    struct db_stmt *st = NULL;
    crypto_generichash_state h;
    size_t nvals = 0, batch = 0;
    int r;

    if (!sel || !ins_batch || !ins_one)
        return -ENOMEM;
    vals = mem_calloc(batch_rows * (size_t)t->ncols, sizeof(*vals));
    if (!vals)
        return -ENOMEM;
    crypto_generichash_init(&h, NULL, 0, SUM_LEN);
    r = db_query(src, &st, sel, "");
    if (r < 0) {
        r = fail(c, r, "cannot read %s: %s", t->name, src->drv->errmsg(src));
        goto out;
    }
    while ((r = db_step(st)) > 0) {
        for (int k = 0; k < t->ncols; k++) {
            sum_value(&h, st, k, t->cols[k].kind);
            r = take_value(&vals[nvals++], st, k, t->cols[k].kind, t->cols[k].self_ref);
            if (r < 0)
                goto out;
        }
        t->rows++;
        if (++batch == batch_rows) {
            r = write_rows(dst, ins_batch, vals, nvals);
            free_values(vals, nvals);
            nvals = batch = 0;
            if (r < 0) {
                r = fail(c, r, "cannot write %s: %s", t->name, dst->drv->errmsg(dst));
                goto out;
            }
        }
    }
    if (r < 0) {
        r = fail(c, r, "cannot read %s: %s", t->name, src->drv->errmsg(src));
        goto out;
    }
    for (size_t row = 0; row < batch; row++) {
        r = write_rows(dst, ins_one, vals + row * (size_t)t->ncols, (size_t)t->ncols);
        if (r < 0) {
            r = fail(c, r, "cannot write %s: %s", t->name, dst->drv->errmsg(dst));
            goto out;
        }
    }
    r = 0;
out:
    db_done(st);
    free_values(vals, nvals);
    mem_free(vals);
    crypto_generichash_final(&h, t->sum, SUM_LEN);
    return r;
}

/* Second pass for columns that refer to their own table: UPDATE t SET col = ? WHERE id = ?. */
static int copy_self_refs(struct copy *c, struct db *src, struct db *dst, struct table *t)
{
    for (int k = 0; k < t->ncols; k++) {
        if (!t->cols[k].self_ref)
            continue;
        struct buf b = BUF_INIT(4096);
        int r = buf_appendf(&b, "SELECT id, \"%s\" FROM \"%s\" WHERE \"%s\" IS NOT NULL",
                            t->cols[k].name, t->name, t->cols[k].name);
        const char *sel = r < 0 ? NULL : keep_sql(c, &b);
        buf_release(&b);
        r = buf_appendf(&b, "UPDATE \"%s\" SET \"%s\" = ? WHERE id = ?", t->name, t->cols[k].name);
        const char *upd = r < 0 ? NULL : keep_sql(c, &b);
        buf_release(&b);
        if (!sel || !upd)
            return -ENOMEM;
        struct db_stmt *st;
        r = db_query(src, &st, sel, "");
        if (r < 0)
            return fail(c, r, "cannot read %s.%s: %s", t->name, t->cols[k].name,
                        src->drv->errmsg(src));
        while ((r = db_step(st)) > 0) {
            int64_t n = db_exec(dst, upd, "ii", db_col_int64(st, 1), db_col_int64(st, 0));
            if (n != 1) {
                db_done(st);
                return fail(c, n < 0 ? (int)n : -EIO, "cannot set %s.%s: %s", t->name,
                            t->cols[k].name, dst->drv->errmsg(dst));
            }
        }
        db_done(st);
        if (r < 0)
            return r;
    }
    return 0;
}

/* Count and digest a table in the target, as copy_table did in the source. */
static int sum_table(struct copy *c, struct db *db, const struct table *t, int64_t *ret_rows,
                     uint8_t sum[SUM_LEN])
{
    const char *sel = select_sql(c, t, db_dialect(db) == DB_POSTGRESQL);
    crypto_generichash_state h;
    struct db_stmt *st;
    int64_t rows = 0;
    int r;

    if (!sel)
        return -ENOMEM;
    r = db_query(db, &st, sel, "");
    if (r < 0)
        return fail(c, r, "cannot read back %s: %s", t->name, db->drv->errmsg(db));
    crypto_generichash_init(&h, NULL, 0, SUM_LEN);
    while ((r = db_step(st)) > 0) {
        for (int k = 0; k < t->ncols; k++)
            sum_value(&h, st, k, t->cols[k].kind);
        rows++;
    }
    db_done(st);
    crypto_generichash_final(&h, sum, SUM_LEN);
    if (r < 0)
        return fail(c, r, "cannot read back %s: %s", t->name, db->drv->errmsg(db));
    *ret_rows = rows;
    return 0;
}

/* Generated keys continue after the copied ones. */
static int reset_identity(struct copy *c, struct db *dst, const struct table *t)
{
    if (!t->identity || db_dialect(dst) != DB_POSTGRESQL)
        return 0;
    struct buf b = BUF_INIT(4096);
    int r = buf_appendf(&b,
                        "SELECT setval(pg_get_serial_sequence('\"%s\"', 'id'), "
                        "COALESCE(MAX(id), 0) + 1, false) FROM \"%s\"",
                        t->name, t->name);
    const char *sql = r < 0 ? NULL : keep_sql(c, &b);
    buf_release(&b);
    if (!sql)
        return -ENOMEM;
    struct db_stmt *st;
    r = db_query(dst, &st, sql, "");
    if (r >= 0) {
        while ((r = db_step(st)) > 0)
            ;
        db_done(st);
    }
    if (r < 0)
        return fail(c, r, "cannot reset the key sequence of %s: %s", t->name,
                    dst->drv->errmsg(dst));
    return 0;
}

/*
 * The target must be new: no district and no audit entry (anything that used
 * it wrote one or the other). Rows its migrations seeded (counters) are
 * removed, last table first, so the source's rows replace them.
 */
static int check_empty(struct copy *c, struct db *dst)
{
    static const char *const used[] = {"SELECT 1 FROM districts LIMIT 1",
                                       "SELECT 1 FROM audit_log LIMIT 1"};
    for (size_t i = 0; i < ARRAY_SIZE(used); i++) {
        int64_t one;
        int r = db_query_int64(dst, &one, used[i], "");
        if (r == 0)
            return fail(c, -EEXIST,
                        "the target already holds data (%s): migrate copies into a new database "
                        "only",
                        i == 0 ? "districts" : "audit entries");
        if (r != -ENOENT)
            return fail(c, r, "cannot read the target: %s", dst->drv->errmsg(dst));
    }
    for (int i = c->ntables - 1; i >= 0; i--) {
        struct table *t = c->order[i];
        struct buf b = BUF_INIT(4096);
        int r = buf_appendf(&b, "DELETE FROM \"%s\"", t->name);
        const char *sql = r < 0 ? NULL : keep_sql(c, &b);
        buf_release(&b);
        if (!sql)
            return -ENOMEM;
        int64_t n = db_exec(dst, sql, "");
        if (n < 0)
            return fail(c, (int)n, "the target has no table %s that the source has: %s", t->name,
                        dst->drv->errmsg(dst));
    }
    return 0;
}

static void hex(char *out, const uint8_t *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

static void copy_release(struct copy *c)
{
    for (int i = 0; i < c->ntables; i++) {
        struct table *t = &c->tables[i];
        mem_free(t->name);
        for (int k = 0; k < t->ncols; k++)
            mem_free(t->cols[k].name);
        for (int d = 0; d < t->ndeps; d++)
            mem_free(t->deps[d]);
    }
    for (size_t i = 0; i < c->nsqls; i++)
        mem_free(c->sqls[i]);
}

int store_copy(const char *from, const char *to, const char *key_file,
               void (*report)(void *arg, const struct store_copy_report *r), void *arg, char *err,
               size_t errlen)
{
    struct copy *c = mem_calloc(1, sizeof(*c));
    struct store *src = NULL, *dst = NULL;
    struct db *sdb = NULL, *ddb = NULL;
    int64_t have = 0, want = db_migrations[db_migrations_count - 1].version;
    bool mismatch = false;
    int r;

    if (!c) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    c->err = err;
    c->errlen = errlen;
    err[0] = '\0';

    struct store_options so = {.readonly = true, .pool_size = 1, .key_file = key_file};
    r = store_open(from, &so, &src, err, errlen);
    if (r < 0)
        goto out;
    if (strcmp(store_backend(src), "sqlite") != 0) {
        r = fail(c, -EINVAL, "from: must be a SQLite database (sqlite:PATH)");
        goto out;
    }
    r = store_acquire(src, &sdb);
    if (r < 0) {
        r = fail(c, r, "cannot read the source database");
        goto out;
    }
    r = store_schema_version(sdb, &have);
    if (r < 0 || have != want) {
        r = fail(c, -EINVAL,
                 "the source has schema version %lld and this trellis %lld: open it once with "
                 "this trellis (e.g. `trellis audit verify --db PATH`), then migrate",
                 (long long)have, (long long)want);
        goto out;
    }
    r = load_schema(c, sdb);
    if (r < 0)
        goto out;

    struct store_options to_opt = {.create = true, .pool_size = 1, .key_file = key_file};
    r = store_open(to, &to_opt, &dst, err, errlen);
    if (r < 0)
        goto out;
    r = store_acquire(dst, &ddb);
    if (r < 0) {
        r = fail(c, r, "cannot connect to the target database");
        goto out;
    }
    r = store_begin_read(sdb);
    if (r == 0)
        r = store_begin(ddb);
    if (r < 0) {
        r = fail(c, r, "cannot start the copy: %s", ddb->drv->errmsg(ddb));
        goto out;
    }
    r = check_empty(c, ddb);
    for (int i = 0; r >= 0 && i < c->ntables; i++)
        r = copy_table(c, sdb, ddb, c->order[i]);
    for (int i = 0; r >= 0 && i < c->ntables; i++)
        r = copy_self_refs(c, sdb, ddb, c->order[i]);
    for (int i = 0; r >= 0 && i < c->ntables; i++)
        r = reset_identity(c, ddb, c->order[i]);
    if (r < 0)
        goto out;
    r = store_commit(ddb);
    if (r < 0) {
        r = fail(c, r, "cannot commit the copy: %s", ddb->drv->errmsg(ddb));
        goto out;
    }
    store_commit(sdb);

    /* read everything back from the target */
    r = store_begin_read(ddb);
    if (r < 0)
        goto out;
    for (int i = 0; i < c->ntables; i++) {
        struct table *t = c->order[i];
        struct store_copy_report rep = {.table = t->name, .rows = t->rows};
        uint8_t sum[SUM_LEN];
        r = sum_table(c, ddb, t, &rep.target_rows, sum);
        if (r < 0)
            goto out;
        hex(rep.checksum, t->sum, SUM_LEN);
        rep.match = rep.target_rows == t->rows && memcmp(sum, t->sum, SUM_LEN) == 0;
        mismatch |= !rep.match;
        if (report)
            report(arg, &rep);
    }
    store_commit(ddb);
    r = 0;
    if (mismatch)
        r = fail(c, -EBADMSG, "the copy does not match the source (see the tables marked)");
out:
    if (sdb)
        store_rollback(sdb);
    if (ddb)
        store_rollback(ddb);
    if (src)
        store_release(src, sdb);
    if (dst)
        store_release(dst, ddb);
    store_close(src);
    store_close(dst);
    copy_release(c);
    mem_free(c);
    return r;
}

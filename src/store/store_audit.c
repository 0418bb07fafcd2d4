/*
 * Audit log storage: see store_audit.h.
 */
#include "base/common.h"

#include "base/buf.h"
#include "store/db.h"
#include "store/store_audit.h"

#define AUDIT_COLS                                                                    \
    "id, chain, seq, at, actor_kind, actor_id, actor_name, client_addr, request_id, " \
    "action, object, subjects, purpose, outcome, detail, prev_hash, hash, tag"

static const uint8_t zero_hash[AUDIT_HASH_LEN];

int store_audit_lock_head(struct db *db, int64_t chain, int64_t *ret_seq,
                          uint8_t ret_head[AUDIT_HASH_LEN])
{
    struct db_stmt *st;
    size_t n = 0;
    const void *h;
    int64_t r = db_exec(db,
                        "INSERT INTO audit_chain (chain, seq, head) VALUES (?, 0, ?) "
                        "ON CONFLICT (chain) DO NOTHING",
                        "ib", chain, (const void *)zero_hash, (size_t)AUDIT_HASH_LEN);
    if (r < 0)
        return (int)r;
    /* an UPDATE, not a SELECT: it takes the row lock on PostgreSQL */
    int q =
        db_query(db, &st, "UPDATE audit_chain SET seq = seq WHERE chain = ? RETURNING seq, head",
                 "i", chain);
    if (q < 0)
        return q;
    q = db_step(st);
    if (q > 0) {
        *ret_seq = db_col_int64(st, 0);
        h = db_col_blob(st, 1, &n);
        if (!h || n != AUDIT_HASH_LEN)
            q = -EIO;
        else {
            memcpy(ret_head, h, AUDIT_HASH_LEN);
            q = 0;
        }
    } else if (q == 0) {
        q = -EIO;
    }
    db_done(st);
    return q;
}

int store_audit_set_head(struct db *db, int64_t chain, int64_t seq,
                         const uint8_t head[AUDIT_HASH_LEN])
{
    int64_t n = db_exec(db, "UPDATE audit_chain SET seq = ?, head = ? WHERE chain = ?", "ibi", seq,
                        (const void *)head, (size_t)AUDIT_HASH_LEN, chain);
    if (n < 0)
        return (int)n;
    return n == 1 ? 0 : -EIO;
}

int store_audit_insert(struct db *db, const struct audit_row *w, int64_t *ret_id)
{
    return db_query_int64(
        db, ret_id,
        "INSERT INTO audit_log (chain, seq, at, actor_kind, actor_id, actor_name, client_addr, "
        "request_id, action, object, subjects, purpose, outcome, detail, prev_hash, hash, tag) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        "iiisisssssssssbbb", w->chain, w->seq, w->at, w->actor_kind, w->actor_id, w->actor_name,
        w->client_addr, w->request_id, w->action, w->object, w->subjects, w->purpose, w->outcome,
        w->detail, (const void *)w->prev_hash, (size_t)AUDIT_HASH_LEN, (const void *)w->hash,
        (size_t)AUDIT_HASH_LEN, (const void *)w->tag, (size_t)AUDIT_TAG_LEN);
}

/* Multi-row inserts of 32, 16 ... 1 rows (static text: statements are cached by address). */
#define SUBJ_INSERT "INSERT INTO audit_subjects (district_id, user_id, entry_id) VALUES "
#define SUBJ_1      "(?, ?, ?)"
#define SUBJ_2      SUBJ_1 ", " SUBJ_1
#define SUBJ_4      SUBJ_2 ", " SUBJ_2
#define SUBJ_8      SUBJ_4 ", " SUBJ_4
#define SUBJ_16     SUBJ_8 ", " SUBJ_8
#define SUBJ_32     SUBJ_16 ", " SUBJ_16
#define SUBJ_END    " ON CONFLICT DO NOTHING"
static const char *const subj_sql[] = {
    SUBJ_INSERT SUBJ_32 SUBJ_END, SUBJ_INSERT SUBJ_16 SUBJ_END, SUBJ_INSERT SUBJ_8 SUBJ_END,
    SUBJ_INSERT SUBJ_4 SUBJ_END,  SUBJ_INSERT SUBJ_2 SUBJ_END,  SUBJ_INSERT SUBJ_1 SUBJ_END,
};

/* PostgreSQL: every subject in one statement, the ids as one array (one round trip). */
static int subjects_pg(struct db *db, int64_t district_id, const int64_t *user_ids, size_t n,
                       int64_t entry_id)
{
    struct buf ids = BUF_INIT(64u << 20);
    int r = buf_putc(&ids, '{');
    for (size_t i = 0; r >= 0 && i < n; i++)
        r = buf_appendf(&ids, "%s%lld", i ? "," : "", (long long)user_ids[i]);
    if (r >= 0)
        r = buf_putc(&ids, '}');
    if (r >= 0) {
        int64_t c = db_exec(db,
                            "INSERT INTO audit_subjects (district_id, user_id, entry_id) SELECT ?, "
                            "unnest(CAST(? AS BIGINT[])), ? ON CONFLICT DO NOTHING",
                            "isi", district_id, buf_cstr(&ids), entry_id);
        r = c < 0 ? (int)c : 0;
    }
    buf_release(&ids);
    return r;
}

int store_audit_subjects(struct db *db, int64_t district_id, const int64_t *user_ids, size_t n,
                         int64_t entry_id)
{
    size_t at = 0;
    if (n > 1 && db_dialect(db) == DB_POSTGRESQL)
        return subjects_pg(db, district_id, user_ids, n, entry_id);
    while (at < n) {
        size_t k = 0, rows = 32;
        while (rows > n - at) {
            rows /= 2;
            k++;
        }
        struct db_stmt *st = NULL;
        int r = db_prepare(db, subj_sql[k], &st);
        if (r < 0)
            return r;
        for (size_t i = 0; r == 0 && i < rows; i++) {
            r = db_bind_int64(st, (int)(3 * i + 1), district_id);
            if (r == 0)
                r = db_bind_int64(st, (int)(3 * i + 2), user_ids[at + i]);
            if (r == 0)
                r = db_bind_int64(st, (int)(3 * i + 3), entry_id);
        }
        if (r == 0) {
            while ((r = db_step(st)) > 0)
                ;
        }
        db_done(st);
        if (r < 0)
            return r;
        at += rows;
    }
    return 0;
}

int store_audit_subject(struct db *db, int64_t district_id, int64_t user_id, int64_t entry_id)
{
    int64_t n = db_exec(db,
                        "INSERT INTO audit_subjects (district_id, user_id, entry_id) VALUES "
                        "(?, ?, ?) ON CONFLICT DO NOTHING",
                        "iii", district_id, user_id, entry_id);
    return n < 0 ? (int)n : 0;
}

static void copy_fixed(struct db_stmt *st, int col, uint8_t *out, size_t len)
{
    size_t n = 0;
    const void *p = db_col_blob(st, col, &n);
    memset(out, 0, len);
    if (p)
        memcpy(out, p, MIN(n, len));
}

static void fill(struct db_stmt *st, struct audit_row *w)
{
    w->id = db_col_int64(st, 0);
    w->chain = db_col_int64(st, 1);
    w->seq = db_col_int64(st, 2);
    w->at = db_col_int64(st, 3);
    w->actor_kind = db_col_text(st, 4);
    w->actor_id = db_col_int64(st, 5);
    w->actor_name = db_col_text(st, 6);
    w->client_addr = db_col_text(st, 7);
    w->request_id = db_col_text(st, 8);
    w->action = db_col_text(st, 9);
    w->object = db_col_text(st, 10);
    w->subjects = db_col_text(st, 11);
    w->purpose = db_col_text(st, 12);
    w->outcome = db_col_text(st, 13);
    w->detail = db_col_text(st, 14);
    copy_fixed(st, 15, w->prev_hash, AUDIT_HASH_LEN);
    copy_fixed(st, 16, w->hash, AUDIT_HASH_LEN);
    copy_fixed(st, 17, w->tag, AUDIT_TAG_LEN);
}

static int rows(struct db_stmt *st, int (*cb)(void *arg, const struct audit_row *row), void *arg)
{
    struct audit_row w;
    int r;
    while ((r = db_step(st)) > 0) {
        fill(st, &w);
        r = cb(arg, &w);
        if (r < 0)
            break;
    }
    db_done(st);
    return r < 0 ? r : 0;
}

int store_audit_each(struct db *db, int (*cb)(void *arg, const struct audit_row *row), void *arg)
{
    struct db_stmt *st;
    int r = db_query(db, &st, "SELECT " AUDIT_COLS " FROM audit_log ORDER BY id", "");
    return r < 0 ? r : rows(st, cb, arg);
}

int store_audit_subjects_each(struct db *db,
                              int (*cb)(void *arg, int64_t entry_id, int64_t user_id), void *arg)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT entry_id, user_id FROM audit_subjects ORDER BY entry_id, user_id", "");
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        r = cb(arg, db_col_int64(st, 0), db_col_int64(st, 1));
        if (r < 0)
            break;
    }
    db_done(st);
    return r < 0 ? r : 0;
}

int store_audit_heads(struct db *db,
                      int (*cb)(void *arg, int64_t chain, int64_t seq,
                                const uint8_t head[AUDIT_HASH_LEN]),
                      void *arg)
{
    struct db_stmt *st;
    uint8_t head[AUDIT_HASH_LEN];
    int r = db_query(db, &st, "SELECT chain, seq, head FROM audit_chain ORDER BY chain", "");
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        copy_fixed(st, 2, head, AUDIT_HASH_LEN);
        r = cb(arg, db_col_int64(st, 0), db_col_int64(st, 1), head);
        if (r < 0)
            break;
    }
    db_done(st);
    return r < 0 ? r : 0;
}

int store_audit_by_subject(struct db *db, int64_t district_id, int64_t user_id,
                           int (*cb)(void *arg, const struct audit_row *row), void *arg)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT " AUDIT_COLS " FROM audit_log WHERE id IN (SELECT entry_id FROM "
                     "audit_subjects WHERE district_id = ? AND user_id = ?) ORDER BY id",
                     "ii", district_id, user_id);
    return r < 0 ? r : rows(st, cb, arg);
}

int store_audit_recent(struct db *db, int64_t chain, int64_t since_ms, int64_t limit,
                       int (*cb)(void *arg, const struct audit_row *row), void *arg)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT " AUDIT_COLS " FROM audit_log WHERE chain = ? AND at >= ? ORDER BY "
                     "seq LIMIT ?",
                     "iii", chain, since_ms, limit);
    return r < 0 ? r : rows(st, cb, arg);
}

/*
 * The LRS's statements: see store_lrs.h.
 *
 * Queries are static SQL (the statement cache is keyed by the text's
 * address): optional conditions are written "(? = 0 OR cond)" and bound
 * with 0 to switch them off. A query with terms is driven by the first
 * term's index range (lrs_terms primary key: district, kind, hash, seq),
 * the others are point lookups in the same index.
 */
#include "base/common.h"

#include <limits.h>

#include "base/mem.h"
#include "store/db.h"
#include "store/grant_impl.h"
#include "store/store_access.h"
#include "store/store_lrs.h"
#include "store/store_lrs_docs.h"

int store_lrs_last(struct db *db, int64_t *ret_seq, int64_t *ret_stored_ms)
{
    struct db_stmt *st;
    int r = db_query(db, &st, "SELECT seq, stored_ms FROM lrs_statements ORDER BY seq DESC LIMIT 1",
                     "");
    if (r < 0)
        return r;
    r = db_step(st);
    *ret_seq = 0;
    *ret_stored_ms = 0;
    if (r > 0) {
        *ret_seq = db_col_int64(st, 0);
        *ret_stored_ms = db_col_int64(st, 1);
        r = 0;
    }
    db_done(st);
    return r;
}

int store_lrs_counter(struct db *db, int64_t *ret_seq)
{
    return db_query_int64(db, ret_seq,
                          "SELECT value FROM lrs_counters WHERE name = 'statement_seq'", "");
}

int store_lrs_set_counter(struct db *db, int64_t seq)
{
    int64_t n =
        db_exec(db, "UPDATE lrs_counters SET value = ? WHERE name = 'statement_seq'", "i", seq);
    return n < 0 ? (int)n : 0;
}

int store_lrs_insert(struct db *db, const struct store_lrs_row *w)
{
    int64_t n = db_exec(db,
                        "INSERT INTO lrs_statements (seq, district_id, statement_id, user_id, "
                        "client_id, stored_ms, timestamp_ms, voided, flags, body) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        "iiszziiiib", w->seq, w->district_id, w->statement_id, w->user_id,
                        w->client_id, w->stored_ms, w->timestamp_ms, (int64_t)w->voided,
                        (int64_t)w->flags, (const void *)w->body, w->body_len);
    return n < 0 ? (int)n : 0;
}

int store_lrs_term(struct db *db, int64_t district_id, int kind, int64_t hash, int64_t seq)
{
    int64_t n = db_exec(db,
                        "INSERT INTO lrs_terms (district_id, kind, hash, seq) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT DO NOTHING",
                        "iiii", district_id, (int64_t)kind, hash, seq);
    return n < 0 ? (int)n : 0;
}

int store_lrs_copy_terms(struct db *db, int64_t district_id, int64_t from, int64_t to)
{
    /* no index on seq alone: the handful of kinds x hashes are found through the statement */
    int64_t n = db_exec(db,
                        "INSERT INTO lrs_terms (district_id, kind, hash, seq) "
                        "SELECT district_id, kind, hash, ? FROM lrs_terms WHERE district_id = ? "
                        "AND seq = ? ON CONFLICT DO NOTHING",
                        "iii", to, district_id, from);
    return n < 0 ? (int)n : 0;
}

static void fill_row(struct db_stmt *st, struct store_lrs_row *r)
{
    size_t n = 0;
    r->seq = db_col_int64(st, 0);
    r->district_id = db_col_int64(st, 1);
    r->statement_id = db_col_text(st, 2);
    r->user_id = db_col_null(st, 3) ? 0 : db_col_int64(st, 3);
    r->client_id = db_col_null(st, 4) ? 0 : db_col_int64(st, 4);
    r->stored_ms = db_col_int64(st, 5);
    r->timestamp_ms = db_col_int64(st, 6);
    r->voided = db_col_int64(st, 7) != 0;
    r->flags = (int)db_col_int64(st, 8);
    r->body = db_col_blob(st, 9, &n);
    r->body_len = n;
    if (!r->body)
        r->body = "";
}

#define ROW_COLS                                                                                  \
    "s.seq, s.district_id, s.statement_id, s.user_id, s.client_id, s.stored_ms, s.timestamp_ms, " \
    "s.voided, s.flags, s.body"

int store_lrs_lookup(struct db *db, int64_t district_id, const char *statement_id,
                     struct store_lrs_row *ret, char **ret_body)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT " ROW_COLS
                     " FROM lrs_statements s WHERE s.district_id = ? AND s.statement_id = ?",
                     "is", district_id, statement_id);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        fill_row(st, ret);
        r = 0;
        ret->statement_id = NULL;
        if (ret_body) {
            char *b = mem_alloc(ret->body_len + 1);
            if (!b) {
                r = -ENOMEM;
            } else {
                memcpy(b, ret->body, ret->body_len);
                b[ret->body_len] = '\0';
                *ret_body = b;
            }
        }
        ret->body = NULL;
    } else if (r == 0) {
        r = -ENOENT;
    }
    db_done(st);
    return r;
}

int store_lrs_set_voided(struct db *db, int64_t seq)
{
    int64_t n = db_exec(db, "UPDATE lrs_statements SET voided = 1 WHERE seq = ?", "i", seq);
    return n < 0 ? (int)n : 0;
}

int store_lrs_seq_after_time(struct db *db, int64_t ms, int64_t *ret_seq)
{
    int64_t lo, hi, last_stored, v;
    int r = store_lrs_last(db, &hi, &last_stored);
    if (r < 0)
        return r;
    if (hi == 0 || last_stored <= ms) {
        *ret_seq = INT64_MAX;
        return 0;
    }
    /* binary search over seq values: stored_ms never decreases as seq grows */
    lo = 0; /* invariant: the answer is in (lo, hi] */
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        r = db_query_int64(
            db, &v, "SELECT stored_ms FROM lrs_statements WHERE seq >= ? ORDER BY seq LIMIT 1", "i",
            mid);
        if (r == -ENOENT) {
            lo = mid;
            continue;
        }
        if (r < 0)
            return r;
        if (v > ms)
            hi = mid;
        else
            lo = mid;
    }
    *ret_seq = hi;
    return 0;
}

/* 6 optional extra terms: "(? = 0 OR EXISTS (...))" each */
#define TERM_COND(n)                                                    \
    " AND (? = 0 OR EXISTS (SELECT 1 FROM lrs_terms t" #n " WHERE t" #n \
    ".district_id = s.district_id"                                      \
    " AND t" #n ".kind = ? AND t" #n ".hash = ? AND t" #n ".seq = s.seq))"
#define COMMON_COND                                                                              \
    " AND s.seq >= ? AND s.seq <= ? AND (? = 0 OR s.client_id = ?) AND (? = 0 OR s.user_id = ?)" \
    " AND (? = 1 OR s.voided = 0)" TERM_COND(1) TERM_COND(2) TERM_COND(3) TERM_COND(4)           \
        TERM_COND(5)

static const char q_terms_desc[] =
    "SELECT " ROW_COLS " FROM lrs_terms t JOIN lrs_statements s ON s.seq = t.seq"
    " WHERE t.district_id = ? AND t.kind = ? AND t.hash = ? AND t.seq >= ? AND t.seq <= ?"
    " AND s.district_id = t.district_id" COMMON_COND " ORDER BY t.seq DESC LIMIT ?";
static const char q_terms_asc[] =
    "SELECT " ROW_COLS " FROM lrs_terms t JOIN lrs_statements s ON s.seq = t.seq"
    " WHERE t.district_id = ? AND t.kind = ? AND t.hash = ? AND t.seq >= ? AND t.seq <= ?"
    " AND s.district_id = t.district_id" COMMON_COND " ORDER BY t.seq ASC LIMIT ?";
static const char q_seq_desc[] =
    "SELECT " ROW_COLS " FROM lrs_statements s"
    " WHERE s.district_id = ?" COMMON_COND " ORDER BY s.seq DESC LIMIT ?";
/*
 * By seq from a point (the learner model's catch-up, after its cursor):
 * "+s.district_id" keeps SQLite off lrs_statements_user, which it would
 * otherwise choose for the district's equality, reading every statement of
 * the district and sorting them to return the few after the cursor; the
 * seq range on the primary key reads only those.
 */
static const char q_seq_asc[] =
    "SELECT " ROW_COLS " FROM lrs_statements s"
    " WHERE +s.district_id = ?" COMMON_COND " ORDER BY s.seq ASC LIMIT ?";
static const char q_user_desc[] =
    "SELECT " ROW_COLS " FROM lrs_statements s"
    " WHERE s.district_id = ? AND s.user_id = ?" COMMON_COND " ORDER BY s.seq DESC LIMIT ?";
static const char q_user_asc[] =
    "SELECT " ROW_COLS " FROM lrs_statements s"
    " WHERE s.district_id = ? AND s.user_id = ?" COMMON_COND " ORDER BY s.seq ASC LIMIT ?";

static int query_raw(struct db *db, const struct store_lrs_query *q,
                     int (*fn)(const struct store_lrs_row *row, void *arg), void *arg)
{
    struct db_stmt *st;
    const char *sql;
    int idx = 1, r;
    size_t first = 0;
    int64_t lo = q->seq_min, hi = q->seq_max;
    int64_t limit = q->limit ? (int64_t)q->limit : INT64_MAX; /* PostgreSQL has no LIMIT -1 */

    if (q->n_terms > 6)
        return -EINVAL;
    if (q->n_terms > 0)
        sql = q->ascending ? q_terms_asc : q_terms_desc;
    else if (q->user_id)
        sql = q->ascending ? q_user_asc : q_user_desc;
    else
        sql = q->ascending ? q_seq_asc : q_seq_desc;
    r = db_prepare(db, sql, &st);
    if (r < 0)
        return r;
#define BIND(v)                            \
    do {                                   \
        r = db_bind_int64(st, idx++, (v)); \
        if (r < 0)                         \
            goto out;                      \
    } while (0)
    BIND(q->district_id);
    if (q->n_terms > 0) {
        BIND(q->kinds[0]);
        BIND(q->hashes[0]);
        BIND(lo);
        BIND(hi);
        first = 1;
    } else if (q->user_id) {
        BIND(q->user_id);
    }
    BIND(lo);
    BIND(hi);
    BIND(q->client_id);
    BIND(q->client_id);
    BIND(q->user_id);
    BIND(q->user_id);
    BIND(q->include_voided ? 1 : 0);
    for (size_t i = 0; i < 5; i++) {
        size_t k = first + i;
        bool on = k < q->n_terms;
        BIND(on ? 1 : 0);
        BIND(on ? q->kinds[k] : 0);
        BIND(on ? q->hashes[k] : 0);
    }
    BIND(limit);
#undef BIND
    while ((r = db_step(st)) > 0) {
        struct store_lrs_row row;
        fill_row(st, &row);
        r = fn(&row, arg);
        if (r != 0)
            break;
    }
out:
    db_done(st);
    return r;
}

/* An attachment's key: its hex SHA-2 in lower case (128 hex digits at most). */
static int attachment_key(const char *sha2, char out[129])
{
    size_t n = strlen(sha2);
    if (n == 0 || n > 128)
        return -EINVAL;
    for (size_t i = 0; i <= n; i++)
        out[i] = (sha2[i] >= 'A' && sha2[i] <= 'Z') ? (char)(sha2[i] + 32) : sha2[i];
    return 0;
}

int store_lrs_attachment_put(struct db *db, int64_t district_id, const char *sha2,
                             const char *content_type, const void *p, size_t n)
{
    char key[129];
    if (attachment_key(sha2, key) < 0)
        return -EINVAL;
    /*
     * The caller has checked that p has the hash sha2, so content that is
     * already stored under it and differs can only be a row written before
     * the LRS checked every SHA-2 length: it is replaced, never kept.
     */
    int64_t c = db_exec(db,
                        "INSERT INTO lrs_attachments (district_id, sha2, content_type, content) "
                        "VALUES (?, ?, ?, ?) ON CONFLICT (district_id, sha2) DO UPDATE SET "
                        "content_type = excluded.content_type, content = excluded.content "
                        "WHERE lrs_attachments.content <> excluded.content",
                        "issb", district_id, key, content_type, p ? p : (const void *)"", n);
    return c < 0 ? (int)c : 0;
}

/* Declared in store_lrs_docs.h (retention); here beside the key it deletes by. */
int64_t store_lrs_del_attachment(struct db *db, int64_t district_id, const char *sha2)
{
    char key[129];
    if (attachment_key(sha2, key) < 0)
        return 0;
    return db_exec(db, "DELETE FROM lrs_attachments WHERE district_id = ? AND sha2 = ?", "is",
                   district_id, key);
}

static int attachment_raw(struct db *db, int64_t district_id, const char *sha2,
                          char **ret_content_type, void **ret_p, size_t *ret_n)
{
    struct db_stmt *st;
    char key[129];
    if (attachment_key(sha2, key) < 0)
        return -ENOENT;
    int r = db_query(db, &st,
                     "SELECT content_type, content FROM lrs_attachments WHERE district_id = ? "
                     "AND sha2 = ?",
                     "is", district_id, key);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        size_t n = 0;
        const void *p = db_col_blob(st, 1, &n);
        r = db_col_strdup(st, 0, ret_content_type);
        if (r == 0) {
            *ret_p = mem_alloc(n ? n : 1);
            if (!*ret_p) {
                mem_free(*ret_content_type);
                r = -ENOMEM;
            } else {
                if (n)
                    memcpy(*ret_p, p, n);
                *ret_n = n;
            }
        }
    } else if (r == 0) {
        r = -ENOENT;
    }
    db_done(st);
    return r;
}

int store_lrs_user_by_email_index(struct db *db, int64_t district_id, const void *idx, size_t n,
                                  int64_t *ret_user_id)
{
    return db_query_int64(db, ret_user_id,
                          "SELECT id FROM users WHERE district_id = ? AND email_index = ? "
                          "LIMIT 1",
                          "ib", district_id, idx, n);
}

int store_lrs_writer_tune(struct db *db)
{
    /* the writer's inserts land all over the term index: keep its pages in memory */
    if (db_dialect(db) != DB_SQLITE)
        return 0;
    return db->drv->exec(db, "PRAGMA cache_size=-131072");
}

/* ---- reads under the gate's grants ---- */

#define READS (ACT_READ | ACT_LIST | ACT_EXPORT)

int store_lrs_get(struct db *db, struct grant *g, const char *statement_id,
                  struct store_lrs_row *ret, char **ret_body)
{
    char *body = NULL;
    int r = grant_covers(g, db, RES_STATEMENTS, g ? g->district_id : 0, g ? g->id : 0, READS);

    if (r < 0)
        return r;
    r = store_lrs_lookup(db, g->district_id, statement_id, ret, ret_body ? &body : NULL);
    if (r < 0)
        return r;
    /* a learner's grant reads that learner's statements; statements/read/mine its own */
    if ((g->id && ret->user_id != g->id) || (g->client_id && ret->client_id != g->client_id)) {
        mem_free(body);
        return -ENOENT;
    }
    grant_note(g, ret->user_id);
    if (ret_body)
        *ret_body = body;
    return 0;
}

struct gated {
    struct grant *g;
    int (*fn)(const struct store_lrs_row *row, void *arg);
    void *arg;
};

static int gated_row(const struct store_lrs_row *row, void *arg)
{
    struct gated *x = arg;
    grant_note(x->g, row->user_id);
    return x->fn(row, x->arg);
}

int store_lrs_query(struct db *db, struct grant *g, const struct store_lrs_query *q,
                    int (*fn)(const struct store_lrs_row *row, void *arg), void *arg)
{
    struct store_lrs_query narrowed;
    struct gated x = {g, fn, arg};
    int r = grant_covers(g, db, RES_STATEMENTS, g ? g->district_id : 0, g ? g->id : 0, READS);

    if (r < 0)
        return r;
    /* the grant decides the district, the learner and the authority, not the caller */
    narrowed = *q;
    narrowed.district_id = g->district_id;
    if (g->id)
        narrowed.user_id = g->id;
    if (g->client_id)
        narrowed.client_id = g->client_id;
    return query_raw(db, &narrowed, gated_row, &x);
}

static const char q_class[] =
    "SELECT " ROW_COLS " FROM lrs_statements s WHERE s.district_id = ? AND s.user_id IN ("
    "SELECT e.user_id FROM enrollments e JOIN users u ON u.id = e.user_id"
    " WHERE e.district_id = ? AND e.class_id = ? AND e.role = 'student' AND e.status = 'active'"
    " AND (e.begin_date IS NULL OR e.begin_date <= ?) AND (e.end_date IS NULL OR e.end_date >= ?)"
    " AND u.status = 'active')"
    " AND (? = 0 OR s.user_id = ?) AND s.seq >= ? AND s.seq <= ? AND (? = 1 OR s.voided = 0)"
    " ORDER BY s.user_id, s.seq LIMIT ?";

int store_lrs_query_class(struct db *db, struct grant *g, int64_t class_id, int64_t day,
                          const struct store_lrs_query *q,
                          int (*fn)(const struct store_lrs_row *row, void *arg), void *arg)
{
    struct gated x = {g, fn, arg};
    struct db_stmt *st;
    int64_t district_id = g ? g->district_id : 0;
    int r = grant_covers(g, db, RES_CLASS_LEARNING, district_id, class_id, READS);

    if (r < 0)
        return r;
    r = db_query(db, &st, q_class, "iiiiiiiiiii", district_id, district_id, class_id, day, day,
                 q->user_id, q->user_id, q->seq_min, q->seq_max,
                 (int64_t)(q->include_voided ? 1 : 0), q->limit ? (int64_t)q->limit : INT64_MAX);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        struct store_lrs_row row;
        fill_row(st, &row);
        r = gated_row(&row, &x);
        if (r != 0)
            break;
    }
    db_done(st);
    return r;
}

int store_lrs_attachment_get(struct db *db, struct grant *g, const char *sha2,
                             char **ret_content_type, void **ret_p, size_t *ret_n)
{
    int r = grant_covers(g, db, RES_STATEMENTS, g ? g->district_id : 0, g ? g->id : 0, READS);
    if (r < 0)
        return r;
    return attachment_raw(db, g->district_id, sha2, ret_content_type, ret_p, ret_n);
}

int store_statement_learner(struct db *db, int64_t district_id, const char *statement_id,
                            int64_t *ret_user_id)
{
    struct db_stmt *st;
    int r = db_query(
        db, &st, "SELECT user_id FROM lrs_statements WHERE district_id = ? AND statement_id = ?",
        "is", district_id, statement_id);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        *ret_user_id = db_col_null(st, 0) ? 0 : db_col_int64(st, 0);
        r = 0;
    } else if (r == 0) {
        r = -ENOENT;
    }
    db_done(st);
    return r;
}

/*
 * Audit log storage: see store_audit.h. The list of chains is one row
 * (audit_chains, slot 1), rewritten only when a chain is opened.
 */
#include "base/common.h"

#include <sodium.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/str.h"
#include "store/db.h"
#include "store/grant_impl.h"
#include "store/seal.h"
#include "store/store.h"
#include "store/store_audit.h"

#define AUDIT_COLS                                                                    \
    "id, chain, seq, at, actor_kind, actor_id, actor_name, client_addr, request_id, " \
    "action, object, subjects, purpose, outcome, detail, prev_hash, hash, tag"

static const uint8_t zero_hash[AUDIT_HASH_LEN];

static void put_be64(uint8_t *p, int64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)((uint64_t)v >> (56 - 8 * i));
}

static const struct seal *seal_of(struct db *db)
{
    return store_seal(db_store(db));
}

static void head_mac(const struct seal *s, int64_t chain, int64_t seq,
                     const uint8_t head[AUDIT_HASH_LEN], uint8_t out[SEAL_MAC_LEN])
{
    static const char domain[] = "trellis-audit-head-v1"; /* and its NUL */
    uint8_t in[sizeof(domain) + 16 + AUDIT_HASH_LEN];
    memcpy(in, domain, sizeof(domain));
    put_be64(in + sizeof(domain), chain);
    put_be64(in + sizeof(domain) + 8, seq);
    memcpy(in + sizeof(domain) + 16, head, AUDIT_HASH_LEN);
    seal_mac(s, in, sizeof(in), out);
}

static void list_mac(const struct seal *s, const char *text, uint8_t out[SEAL_MAC_LEN])
{
    static const char domain[] = "trellis-audit-chains-v1";
    struct buf b = BUF_INIT(SIZE_MAX / 2);
    /* the text is short (a number per chain); without memory, a MAC that never matches */
    if (buf_append(&b, domain, sizeof(domain)) < 0 || buf_appends(&b, text) < 0)
        memset(out, 0, SEAL_MAC_LEN);
    else
        seal_mac(s, b.data, b.len, out);
    buf_release(&b);
}

static bool mac_matches(const void *stored, size_t n, const uint8_t mac[SEAL_MAC_LEN])
{
    return stored && n == SEAL_MAC_LEN && sodium_memcmp(stored, mac, SEAL_MAC_LEN) == 0;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* "1,3,7" into a sorted, distinct array (malloc'ed): 0, -EBADMSG or -ENOMEM. */
static int list_parse(const char *text, int64_t **ret, size_t *ret_n)
{
    size_t n = 0, cap = 0;
    int64_t *v = NULL;
    const char *p = text;

    while (*p) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        int64_t x;
        if (str_to_int64((struct str){p, len}, 0, INT64_MAX, &x) < 0) {
            mem_free(v);
            return -EBADMSG;
        }
        if (n == cap) {
            size_t c2 = cap ? cap * 2 : 16;
            int64_t *q = mem_realloc(v, c2 * sizeof(*q));
            if (!q) {
                mem_free(v);
                return -ENOMEM;
            }
            v = q;
            cap = c2;
        }
        v[n++] = x;
        p = e ? e + 1 : p + len;
    }
    if (n > 1)
        qsort(v, n, sizeof(*v), cmp_i64);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || v[i] != v[k - 1])
            v[k++] = v[i];
    *ret = v;
    *ret_n = k;
    return 0;
}

/* Write the list (sorted, distinct) and its MAC into the one row of audit_chains. */
static int list_write(struct db *db, const int64_t *v, size_t n)
{
    struct buf text = BUF_INIT(SIZE_MAX / 2);
    uint8_t mac[SEAL_MAC_LEN];
    int r = buf_appends(&text, "");
    for (size_t i = 0; r >= 0 && i < n; i++)
        r = buf_appendf(&text, "%s%lld", i ? "," : "", (long long)v[i]);
    if (r >= 0) {
        list_mac(seal_of(db), buf_cstr(&text), mac);
        int64_t c = db_exec(db,
                            "INSERT INTO audit_chains (slot, chains, mac) VALUES (1, ?, ?) "
                            "ON CONFLICT (slot) DO UPDATE SET chains = excluded.chains, mac = "
                            "excluded.mac",
                            "sb", buf_cstr(&text), (const void *)mac, (size_t)SEAL_MAC_LEN);
        r = c < 0 ? (int)c : 0;
    }
    buf_release(&text);
    return r;
}

/* Every chain that has a head row, ascending (malloc'ed). */
static int heads_list(struct db *db, int64_t **ret, size_t *ret_n)
{
    struct db_stmt *st;
    size_t n = 0, cap = 0;
    int64_t *v = NULL;
    int r = db_query(db, &st, "SELECT chain FROM audit_chain ORDER BY chain", "");
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        if (n == cap) {
            size_t c2 = cap ? cap * 2 : 16;
            int64_t *q = mem_realloc(v, c2 * sizeof(*q));
            if (!q) {
                r = -ENOMEM;
                break;
            }
            v = q;
            cap = c2;
        }
        v[n++] = db_col_int64(st, 0);
    }
    db_done(st);
    if (r < 0) {
        mem_free(v);
        return r;
    }
    *ret = v;
    *ret_n = n;
    return 0;
}

/*
 * A chain was opened: add it to the list. The list is read under its row
 * lock; when it is missing or its MAC does not match, the chains that have
 * heads are added as well (nothing is dropped), and *ret_keyed says so.
 */
static int list_add(struct db *db, int64_t chain, bool *ret_keyed)
{
    struct db_stmt *st;
    int64_t *v = NULL, *heads = NULL;
    size_t n = 0, n_heads = 0;
    bool keyed = false;
    int r = db_query(
        db, &st, "UPDATE audit_chains SET slot = slot WHERE slot = 1 RETURNING chains, mac", "");
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        uint8_t mac[SEAL_MAC_LEN];
        size_t mn = 0;
        const void *m = db_col_blob(st, 1, &mn);
        list_mac(seal_of(db), db_col_text(st, 0), mac);
        keyed = mac_matches(m, mn, mac);
        r = list_parse(db_col_text(st, 0), &v, &n);
        if (r == -EBADMSG) {
            keyed = false;
            r = 0;
        }
    }
    db_done(st);
    if (r < 0)
        goto out;
    if (!keyed) {
        r = heads_list(db, &heads, &n_heads);
        if (r < 0)
            goto out;
    }
    int64_t *all = mem_realloc(v, (n + n_heads + 1) * sizeof(*all));
    if (!all) {
        r = -ENOMEM;
        goto out;
    }
    v = all;
    if (n_heads)
        memcpy(v + n, heads, n_heads * sizeof(*v));
    n += n_heads;
    v[n++] = chain;
    qsort(v, n, sizeof(*v), cmp_i64);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || v[i] != v[k - 1])
            v[k++] = v[i];
    r = list_write(db, v, k);
    if (r == 0)
        *ret_keyed = keyed;
out:
    mem_free(v);
    mem_free(heads);
    return r;
}

int store_audit_lock_head(struct db *db, int64_t chain, struct audit_head *ret)
{
    const struct seal *s = seal_of(db);
    struct db_stmt *st;
    uint8_t mac[SEAL_MAC_LEN];
    size_t n = 0, mn = 0;
    const void *h, *m;
    bool created, list_keyed = true;

    if (!s)
        return -ENOKEY;
    head_mac(s, chain, 0, zero_hash, mac);
    int64_t r = db_exec(db,
                        "INSERT INTO audit_chain (chain, seq, head, mac) VALUES (?, 0, ?, ?) "
                        "ON CONFLICT (chain) DO NOTHING",
                        "ibb", chain, (const void *)zero_hash, (size_t)AUDIT_HASH_LEN,
                        (const void *)mac, (size_t)SEAL_MAC_LEN);
    if (r < 0)
        return (int)r;
    created = r == 1;
    if (created) {
        int q = list_add(db, chain, &list_keyed);
        if (q < 0)
            return q;
    }
    /* an UPDATE, not a SELECT: it takes the row lock on PostgreSQL */
    int q = db_query(db, &st,
                     "UPDATE audit_chain SET seq = seq WHERE chain = ? RETURNING seq, head, mac",
                     "i", chain);
    if (q < 0)
        return q;
    q = db_step(st);
    if (q > 0) {
        ret->seq = db_col_int64(st, 0);
        h = db_col_blob(st, 1, &n);
        m = db_col_blob(st, 2, &mn);
        if (!h || n != AUDIT_HASH_LEN) {
            /* not a hash: chain on zeros; the entry will not follow its predecessor */
            memset(ret->hash, 0, AUDIT_HASH_LEN);
            ret->keyed = false;
        } else {
            memcpy(ret->hash, h, AUDIT_HASH_LEN);
            head_mac(s, chain, ret->seq, ret->hash, mac);
            ret->keyed = mac_matches(m, mn, mac);
        }
        ret->created = created;
        ret->list_keyed = list_keyed;
        q = 0;
    } else if (q == 0) {
        q = -EIO;
    }
    db_done(st);
    return q;
}

int store_audit_set_head(struct db *db, int64_t chain, int64_t seq,
                         const uint8_t head[AUDIT_HASH_LEN])
{
    const struct seal *s = seal_of(db);
    uint8_t mac[SEAL_MAC_LEN];
    if (!s)
        return -ENOKEY;
    head_mac(s, chain, seq, head, mac);
    int64_t n = db_exec(db, "UPDATE audit_chain SET seq = ?, head = ?, mac = ? WHERE chain = ?",
                        "ibbi", seq, (const void *)head, (size_t)AUDIT_HASH_LEN, (const void *)mac,
                        (size_t)SEAL_MAC_LEN, chain);
    if (n < 0)
        return (int)n;
    return n == 1 ? 0 : -EIO;
}

int store_audit_key_all(struct db *db)
{
    const struct seal *s = seal_of(db);
    struct db_stmt *st;
    int64_t *v = NULL;
    size_t n = 0;
    int r;

    if (!s)
        return -ENOKEY;
    r = db_query(db, &st, "SELECT chain, seq, head FROM audit_chain ORDER BY chain", "");
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        uint8_t head[AUDIT_HASH_LEN], mac[SEAL_MAC_LEN];
        size_t hn = 0;
        const void *h = db_col_blob(st, 2, &hn);
        int64_t chain = db_col_int64(st, 0), seq = db_col_int64(st, 1);
        memset(head, 0, sizeof(head));
        if (h)
            memcpy(head, h, MIN(hn, sizeof(head)));
        head_mac(s, chain, seq, head, mac);
        int64_t c = db_exec(db, "UPDATE audit_chain SET mac = ? WHERE chain = ?", "bi",
                            (const void *)mac, (size_t)SEAL_MAC_LEN, chain);
        if (c < 0) {
            r = (int)c;
            break;
        }
    }
    db_done(st);
    if (r < 0)
        return r;
    r = heads_list(db, &v, &n);
    if (r == 0)
        r = list_write(db, v, n);
    mem_free(v);
    return r;
}

#define AUDIT_INSERT                                                                          \
    "INSERT INTO audit_log (chain, seq, at, actor_kind, actor_id, actor_name, client_addr, "  \
    "request_id, action, object, subjects, purpose, outcome, detail, prev_hash, hash, tag) "  \
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (chain, seq) DO " \
    "NOTHING RETURNING id"
#define AUDIT_ARGS(w)                                                                             \
    (w)->chain, (w)->seq, (w)->at, (w)->actor_kind, (w)->actor_id, (w)->actor_name,               \
        (w)->client_addr, (w)->request_id, (w)->action, (w)->object, (w)->subjects, (w)->purpose, \
        (w)->outcome, (w)->detail, (const void *)(w)->prev_hash, (size_t)AUDIT_HASH_LEN,          \
        (const void *)(w)->hash, (size_t)AUDIT_HASH_LEN, (const void *)(w)->tag,                  \
        (size_t)AUDIT_TAG_LEN

/*
 * The chain's head is locked by the caller, so (chain, seq) is free; if it
 * is not, the log was written behind the lock: -EIO, and nothing written
 * (ON CONFLICT: no savepoint is needed for a statement that cannot fail on
 * its unique index, which costs PostgreSQL two round trips).
 */
int store_audit_insert(struct db *db, const struct audit_row *w, int64_t *ret_id)
{
    int r = db_query_int64(db, ret_id, AUDIT_INSERT, "iiisisssssssssbbb", AUDIT_ARGS(w));
    return r == -ENOENT ? -EIO : r;
}

/* PostgreSQL: the entry and its index rows in one statement (one round trip). */
static int entry_pg(struct db *db, const struct audit_row *w, const int64_t *user_ids, size_t n,
                    int64_t *ret_id)
{
    struct buf ids = BUF_INIT(64u << 20);
    int r = buf_putc(&ids, '{');
    for (size_t i = 0; r >= 0 && i < n; i++)
        r = buf_appendf(&ids, "%s%lld", i ? "," : "", (long long)user_ids[i]);
    if (r >= 0)
        r = buf_putc(&ids, '}');
    if (r >= 0)
        r = db_query_int64(db, ret_id,
                           "WITH e AS (" AUDIT_INSERT "), s AS (INSERT INTO audit_subjects "
                           "(district_id, user_id, entry_id) SELECT ?, unnest(CAST(? AS "
                           "BIGINT[])), id FROM e ON CONFLICT DO NOTHING) SELECT id FROM e",
                           "iiisisssssssssbbbis", AUDIT_ARGS(w), w->chain, buf_cstr(&ids));
    buf_release(&ids);
    return r == -ENOENT ? -EIO : r;
}

int store_audit_insert_indexed(struct db *db, const struct audit_row *w, const int64_t *user_ids,
                               size_t n, int64_t *ret_id)
{
    int r;
    if (n && db_dialect(db) == DB_POSTGRESQL)
        return entry_pg(db, w, user_ids, n, ret_id);
    r = store_audit_insert(db, w, ret_id);
    if (r == 0 && n)
        r = store_audit_subjects(db, w->chain, user_ids, n, *ret_id);
    return r;
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
                              int (*cb)(void *arg, int64_t entry_id, int64_t district_id,
                                        int64_t user_id),
                              void *arg)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT entry_id, district_id, user_id FROM audit_subjects ORDER BY entry_id, "
                     "user_id, district_id",
                     "");
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        r = cb(arg, db_col_int64(st, 0), db_col_int64(st, 1), db_col_int64(st, 2));
        if (r < 0)
            break;
    }
    db_done(st);
    return r < 0 ? r : 0;
}

int store_audit_heads(struct db *db,
                      int (*cb)(void *arg, int64_t chain, int64_t seq,
                                const uint8_t head[AUDIT_HASH_LEN], bool keyed),
                      void *arg)
{
    const struct seal *s = seal_of(db);
    struct db_stmt *st;
    uint8_t head[AUDIT_HASH_LEN], mac[SEAL_MAC_LEN];
    if (!s)
        return -ENOKEY;
    int r = db_query(db, &st, "SELECT chain, seq, head, mac FROM audit_chain ORDER BY chain", "");
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        int64_t chain = db_col_int64(st, 0), seq = db_col_int64(st, 1);
        size_t hn = 0, mn = 0;
        const void *m = db_col_blob(st, 3, &mn);
        bool keyed;
        db_col_blob(st, 2, &hn);
        copy_fixed(st, 2, head, AUDIT_HASH_LEN);
        head_mac(s, chain, seq, head, mac);
        keyed = hn == AUDIT_HASH_LEN && mac_matches(m, mn, mac);
        r = cb(arg, chain, seq, head, keyed);
        if (r < 0)
            break;
    }
    db_done(st);
    return r < 0 ? r : 0;
}

int store_audit_by_subject(struct db *db, struct grant *g, int64_t user_id,
                           int (*cb)(void *arg, const struct audit_row *row), void *arg)
{
    struct db_stmt *st;
    int64_t district_id = g ? g->district_id : 0;
    int r = grant_covers(g, db, RES_AUDIT, district_id, user_id, ACT_READ);

    if (r < 0)
        return r;
    grant_note(g, user_id);
    r = db_query(db, &st,
                 "SELECT " AUDIT_COLS " FROM audit_log WHERE id IN (SELECT entry_id FROM "
                 "audit_subjects WHERE district_id = ? AND user_id = ?) ORDER BY id",
                 "ii", district_id, user_id);
    return r < 0 ? r : rows(st, cb, arg);
}

int store_audit_by_subject_page(struct db *db, struct grant *g, int64_t user_id, int64_t before_id,
                                int64_t limit, int (*cb)(void *arg, const struct audit_row *row),
                                void *arg)
{
    struct db_stmt *st;
    int64_t district_id = g ? g->district_id : 0;
    int r = grant_covers(g, db, RES_AUDIT, district_id, user_id, ACT_READ);

    if (r < 0)
        return r;
    grant_note(g, user_id);
    r = db_query(db, &st,
                 "SELECT " AUDIT_COLS " FROM audit_log WHERE id IN (SELECT entry_id FROM "
                 "audit_subjects WHERE district_id = ? AND user_id = ? AND entry_id < ? "
                 "ORDER BY entry_id DESC LIMIT ?) ORDER BY id DESC",
                 "iiii", district_id, user_id, before_id > 0 ? before_id : INT64_MAX, limit);
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

int store_audit_chain_list(struct db *db, int64_t **ret_chains, size_t *ret_n, bool *ret_keyed)
{
    const struct seal *s = seal_of(db);
    struct db_stmt *st;
    int r;
    if (!s)
        return -ENOKEY;
    r = db_query(db, &st, "SELECT chains, mac FROM audit_chains WHERE slot = 1", "");
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        uint8_t mac[SEAL_MAC_LEN];
        size_t mn = 0;
        const void *m = db_col_blob(st, 1, &mn);
        list_mac(s, db_col_text(st, 0), mac);
        r = list_parse(db_col_text(st, 0), ret_chains, ret_n);
        if (r == 0)
            *ret_keyed = mac_matches(m, mn, mac);
    } else if (r == 0) {
        r = -ENOENT;
    }
    db_done(st);
    return r;
}

int store_audit_hash_at(struct db *db, int64_t chain, int64_t seq, uint8_t ret_hash[AUDIT_HASH_LEN])
{
    struct db_stmt *st;
    int r = db_query(db, &st, "SELECT hash FROM audit_log WHERE chain = ? AND seq = ?", "ii", chain,
                     seq);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        copy_fixed(st, 0, ret_hash, AUDIT_HASH_LEN);
        r = 0;
    } else if (r == 0) {
        r = -ENOENT;
    }
    db_done(st);
    return r;
}

int store_audit_denials(struct db *db, int64_t chain, int64_t limit,
                        int (*cb)(void *arg, const struct audit_row *row), void *arg)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT " AUDIT_COLS " FROM audit_log WHERE chain = ? AND (outcome = 'denied' "
                     "OR action = 'denied') ORDER BY seq DESC LIMIT ?",
                     "ii", chain, limit);
    return r < 0 ? r : rows(st, cb, arg);
}

int store_audit_each_chain(struct db *db, int64_t chain,
                           int (*cb)(void *arg, const struct audit_row *row), void *arg)
{
    struct db_stmt *st;
    int r = db_query(db, &st, "SELECT " AUDIT_COLS " FROM audit_log WHERE chain = ? ORDER BY id",
                     "i", chain);
    return r < 0 ? r : rows(st, cb, arg);
}

int store_audit_subjects_of(struct db *db, int64_t district_id,
                            int (*cb)(void *arg, int64_t entry_id, int64_t district_id,
                                      int64_t user_id),
                            void *arg)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT entry_id, district_id, user_id FROM audit_subjects WHERE district_id "
                     "= ? ORDER BY entry_id, user_id",
                     "i", district_id);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        r = cb(arg, db_col_int64(st, 0), db_col_int64(st, 1), db_col_int64(st, 2));
        if (r < 0)
            break;
    }
    db_done(st);
    return r < 0 ? r : 0;
}

/* one text per filter, so each is prepared (and cached) as it is; the actor's uses its index */
#define PAGE_COLS "SELECT " AUDIT_COLS " FROM audit_log WHERE chain = ? AND seq < ?"
#define DENIED    " AND (outcome = 'denied' OR action = 'denied')"
#define NEWEST    " ORDER BY seq DESC LIMIT ?"

int store_audit_page(struct db *db, int64_t chain, const char *actor, bool denials,
                     int64_t before_seq, int64_t limit,
                     int (*cb)(void *arg, const struct audit_row *row), void *arg)
{
    static const char all[] = PAGE_COLS NEWEST, denied[] = PAGE_COLS DENIED NEWEST,
                      by[] = PAGE_COLS " AND actor_name = ?" NEWEST,
                      by_denied[] = PAGE_COLS " AND actor_name = ?" DENIED NEWEST;
    struct db_stmt *st;
    int64_t before = before_seq > 0 ? before_seq : INT64_MAX;
    int r;

    if (actor)
        r = db_query(db, &st, denials ? by_denied : by, "iisi", chain, before, actor, limit);
    else
        r = db_query(db, &st, denials ? denied : all, "iii", chain, before, limit);
    return r < 0 ? r : rows(st, cb, arg);
}

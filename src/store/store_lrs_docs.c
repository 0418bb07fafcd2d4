/*
 * xAPI documents and the forwarding cursor: see store_lrs_docs.h.
 *
 * An agent's identifier (its e-mail address, OpenID, account) never
 * reaches the database: documents are stored and found by the keyed
 * digest of the agent key (seal_index, under the key file that never
 * enters the database), so the file, its WAL and its backups hold no
 * plain identifier (migrations/0014_lrs_keys.sql).
 */
#include "base/common.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/hex.h"
#include "store/db.h"
#include "store/grant_impl.h"
#include "store/seal.h"
#include "store/store.h"
#include "store/store_lrs_docs.h"

#define AGENT_DIGEST_LEN (2 * SEAL_INDEX_LEN + 1)

/* The stored form of an agent key: "" stays "" (kinds without an agent), else the hex digest. */
static void agent_digest(struct db *db, const char *key, char out[AGENT_DIGEST_LEN])
{
    uint8_t idx[SEAL_INDEX_LEN];

    if (!key[0]) {
        out[0] = '\0';
        return;
    }
    seal_index(store_seal(db->store), key, strlen(key), idx);
    hex_encode(idx, sizeof(idx), out);
}

void lrs_doc_row_release(struct lrs_doc_row *r)
{
    if (!r)
        return;
    free(r->content_type);
    free(r->content);
    r->content_type = NULL;
    r->content = NULL;
}

static enum access_kind kind_of(const struct lrs_doc_key *k)
{
    return k->kind == LRS_DOC_STATE ? RES_STATE : RES_PROFILES;
}

int store_lrs_doc_get(struct db *db, struct grant *g, const struct lrs_doc_key *k,
                      struct lrs_doc_row *ret)
{
    char ag[AGENT_DIGEST_LEN];
    struct db_stmt *st;
    struct lrs_doc_row row = {0};
    const void *p;
    size_t n;
    int r = grant_covers(g, db, kind_of(k), k->district_id, 0, ACT_READ | ACT_WRITE);

    if (r < 0)
        return r;
    agent_digest(db, k->agent_key, ag);
    r = db_query(db, &st,
                 "SELECT id, user_id, content_type, content, etag, updated_at FROM "
                 "lrs_documents WHERE district_id = ? AND kind = ? AND activity_id = ? AND "
                 "agent_digest = ? AND registration = ? AND doc_id = ?",
                 "iissss", k->district_id, (int64_t)k->kind, k->activity_id, ag, k->registration,
                 k->doc_id);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r == 0) {
        r = -ENOENT;
        goto out;
    }
    if (r < 0)
        goto out;
    row.id = db_col_int64(st, 0);
    row.user_id = db_col_null(st, 1) ? 0 : db_col_int64(st, 1);
    r = db_col_strdup(st, 2, &row.content_type);
    if (r < 0)
        goto out;
    p = db_col_blob(st, 3, &n);
    row.content = malloc(n + 1);
    if (!row.content) {
        r = -ENOMEM;
        goto out;
    }
    if (n)
        memcpy(row.content, p, n);
    ((char *)row.content)[n] = '\0';
    row.len = n;
    snprintf(row.etag, sizeof(row.etag), "%s", db_col_text(st, 4));
    row.updated_at = db_col_int64(st, 5);
    grant_note(g, row.user_id);
    *ret = row;
    row.content = NULL;
    row.content_type = NULL;
    r = 0;
out:
    db_done(st);
    lrs_doc_row_release(&row);
    return r;
}

int store_lrs_doc_put(struct db *db, const struct lrs_doc_key *k, int64_t user_id,
                      const char *content_type, const void *content, size_t len, const char *etag,
                      int64_t now_ms)
{
    char ag[AGENT_DIGEST_LEN];
    agent_digest(db, k->agent_key, ag);
    int64_t n = db_exec(
        db,
        "INSERT INTO lrs_documents (district_id, kind, activity_id, agent_digest, registration, "
        "doc_id, user_id, content_type, content, etag, updated_at) VALUES "
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (district_id, kind, activity_id, "
        "agent_digest, registration, doc_id) DO UPDATE SET user_id = excluded.user_id, "
        "content_type = excluded.content_type, content = excluded.content, etag = "
        "excluded.etag, updated_at = excluded.updated_at",
        "iisssszsbsi", k->district_id, (int64_t)k->kind, k->activity_id, ag, k->registration,
        k->doc_id, user_id, content_type, content ? content : "", len, etag, now_ms);
    return n < 0 ? (int)n : 0;
}

int64_t store_lrs_doc_delete(struct db *db, const struct lrs_doc_key *k)
{
    char ag[AGENT_DIGEST_LEN];
    agent_digest(db, k->agent_key, ag);
    return db_exec(db,
                   "DELETE FROM lrs_documents WHERE district_id = ? AND kind = ? AND "
                   "activity_id = ? AND agent_digest = ? AND registration = ? AND doc_id = ?",
                   "iissss", k->district_id, (int64_t)k->kind, k->activity_id, ag, k->registration,
                   k->doc_id);
}

int64_t store_lrs_doc_delete_many(struct db *db, const struct lrs_doc_key *k)
{
    char ag[AGENT_DIGEST_LEN];
    agent_digest(db, k->agent_key, ag);
    if (k->registration)
        return db_exec(db,
                       "DELETE FROM lrs_documents WHERE district_id = ? AND kind = ? AND "
                       "activity_id = ? AND agent_digest = ? AND registration = ?",
                       "iisss", k->district_id, (int64_t)k->kind, k->activity_id, ag,
                       k->registration);
    return db_exec(db,
                   "DELETE FROM lrs_documents WHERE district_id = ? AND kind = ? AND "
                   "activity_id = ? AND agent_digest = ?",
                   "iiss", k->district_id, (int64_t)k->kind, k->activity_id, ag);
}

int store_lrs_doc_ids(struct db *db, struct grant *g, const struct lrs_doc_key *k, int64_t since_ms,
                      int (*fn)(const char *doc_id, void *arg), void *arg, int64_t *ret_last_ms)
{
    char ag[AGENT_DIGEST_LEN];
    struct db_stmt *st;
    int64_t last = 0;
    int r = grant_covers(g, db, kind_of(k), k->district_id, 0, ACT_READ);

    if (r < 0)
        return r;
    agent_digest(db, k->agent_key, ag);
    if (k->registration)
        r = db_query(db, &st,
                     "SELECT doc_id, updated_at FROM lrs_documents WHERE district_id = ? AND "
                     "kind = ? AND activity_id = ? AND agent_digest = ? AND registration = ? AND "
                     "updated_at > ? ORDER BY id",
                     "iisssi", k->district_id, (int64_t)k->kind, k->activity_id, ag,
                     k->registration, since_ms);
    else
        r = db_query(db, &st,
                     "SELECT doc_id, updated_at FROM lrs_documents WHERE district_id = ? AND "
                     "kind = ? AND activity_id = ? AND agent_digest = ? AND updated_at > ? "
                     "ORDER BY id",
                     "iissi", k->district_id, (int64_t)k->kind, k->activity_id, ag, since_ms);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        int64_t at = db_col_int64(st, 1);
        if (at > last)
            last = at;
        r = fn(db_col_text(st, 0), arg);
        if (r < 0)
            break;
    }
    db_done(st);
    if (r < 0)
        return r;
    if (ret_last_ms)
        *ret_last_ms = last;
    return 0;
}

int store_lrs_doc_count_user(struct db *db, int64_t district_id, int64_t user_id, int64_t *ret_n)
{
    return db_query_int64(db, ret_n,
                          "SELECT COUNT(*) FROM lrs_documents WHERE district_id = ? AND "
                          "user_id = ?",
                          "ii", district_id, user_id);
}

int64_t store_lrs_doc_delete_user(struct db *db, int64_t district_id, int64_t user_id)
{
    return db_exec(db, "DELETE FROM lrs_documents WHERE district_id = ? AND user_id = ?", "ii",
                   district_id, user_id);
}

int store_lrs_doc_digest_agents(struct db *db)
{
    int64_t after = 0;
    int r;

    for (;;) {
        struct db_stmt *st;
        int64_t ids[256];
        char *keys[256];
        size_t n = 0;

        r = db_query(db, &st,
                     "SELECT id, agent_digest FROM lrs_documents WHERE id > ? AND "
                     "agent_digest <> '' ORDER BY id LIMIT 256",
                     "i", after);
        if (r < 0)
            return r;
        while (n < 256 && (r = db_step(st)) > 0) {
            ids[n] = db_col_int64(st, 0);
            if ((r = db_col_strdup(st, 1, &keys[n])) < 0)
                break;
            n++;
        }
        db_done(st);
        for (size_t i = 0; i < n; i++) {
            char ag[AGENT_DIGEST_LEN];
            if (r >= 0) {
                agent_digest(db, keys[i], ag);
                int64_t c = db_exec(db, "UPDATE lrs_documents SET agent_digest = ? WHERE id = ?",
                                    "si", ag, ids[i]);
                if (c < 0)
                    r = (int)c;
            }
            /* the plain identifier does not outlive the conversion in our memory either */
            sodium_memzero(keys[i], strlen(keys[i]));
            free(keys[i]);
        }
        if (r < 0)
            return r;
        if (n < 256)
            return 0;
        after = ids[n - 1];
    }
}

#define FWD_COLS "after_seq, pending_seq, pending_id, pending_n, sent, updated_at, last_error"

static void fwd_fill(struct db_stmt *st, struct lrs_forward_row *ret)
{
    ret->after_seq = db_col_int64(st, 0);
    ret->pending_seq = db_col_int64(st, 1);
    snprintf(ret->pending_id, sizeof(ret->pending_id), "%s", db_col_text(st, 2));
    ret->pending_n = db_col_int64(st, 3);
    ret->sent = db_col_int64(st, 4);
    ret->updated_at = db_col_int64(st, 5);
    snprintf(ret->last_error, sizeof(ret->last_error), "%s", db_col_text(st, 6));
}

int store_lrs_forward_get(struct db *db, int64_t district_id, const char *target,
                          struct lrs_forward_row *ret)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT " FWD_COLS " FROM lrs_forward WHERE district_id = ? AND target = ?",
                     "is", district_id, target);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        fwd_fill(st, ret);
        r = 0;
    } else if (r == 0) {
        r = -ENOENT;
    }
    db_done(st);
    return r;
}

int store_lrs_forward_claim(struct db *db, int64_t district_id, const char *target,
                            const char *owner, int64_t now_ms, int64_t lease_until_ms,
                            struct lrs_forward_row *ret)
{
    int64_t n = db_exec(db,
                        "INSERT INTO lrs_forward (district_id, target, after_seq, pending_seq, "
                        "pending_id, pending_n, sent, updated_at, last_error, owner, lease_until) "
                        "VALUES (?, ?, 0, 0, '', 0, 0, ?, '', '', 0) ON CONFLICT (district_id, "
                        "target) DO NOTHING",
                        "isi", district_id, target, now_ms);
    if (n < 0)
        return (int)n;
    n = db_exec(db,
                "UPDATE lrs_forward SET owner = ?, lease_until = ? WHERE district_id = ? AND "
                "target = ? AND (owner = ? OR owner = '' OR lease_until < ?)",
                "siissi", owner, lease_until_ms, district_id, target, owner, now_ms);
    if (n < 0)
        return (int)n;
    if (n == 0)
        return -EALREADY;
    return store_lrs_forward_get(db, district_id, target, ret);
}

int store_lrs_forward_set(struct db *db, int64_t district_id, const char *target, const char *owner,
                          const struct lrs_forward_row *row)
{
    int64_t n =
        db_exec(db,
                "UPDATE lrs_forward SET after_seq = ?, pending_seq = ?, pending_id = ?, "
                "pending_n = ?, sent = ?, updated_at = ?, last_error = ? WHERE "
                "district_id = ? AND target = ? AND owner = ?",
                "iisiiisiss", row->after_seq, row->pending_seq, row->pending_id, row->pending_n,
                row->sent, row->updated_at, row->last_error, district_id, target, owner);
    if (n < 0)
        return (int)n;
    return n == 0 ? -EALREADY : 0;
}

int store_lrs_forward_release(struct db *db, int64_t district_id, const char *target,
                              const char *owner)
{
    int64_t n = db_exec(db,
                        "UPDATE lrs_forward SET owner = '', lease_until = 0 WHERE district_id = ? "
                        "AND target = ? AND owner = ?",
                        "iss", district_id, target, owner);
    return n < 0 ? (int)n : 0;
}

int store_lrs_districts(struct db *db, int (*fn)(int64_t district_id, void *arg), void *arg)
{
    struct db_stmt *st;
    int r = db_query(db, &st, "SELECT id FROM districts ORDER BY id", "");
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        r = fn(db_col_int64(st, 0), arg);
        if (r != 0)
            break;
    }
    db_done(st);
    return r;
}

/* ---- retention ---- */

static int del_rows(struct db_stmt *st, int (*fn)(const struct lrs_del_row *row, void *arg),
                    void *arg)
{
    int r;
    while ((r = db_step(st)) > 0) {
        struct lrs_del_row row;
        row.seq = db_col_int64(st, 0);
        row.statement_id = db_col_text(st, 1);
        row.user_id = db_col_null(st, 2) ? 0 : db_col_int64(st, 2);
        row.flags = (int)db_col_int64(st, 3);
        row.voided = db_col_int64(st, 4) != 0;
        row.body = db_col_blob(st, 5, &row.body_len);
        r = fn(&row, arg);
        if (r != 0)
            break;
    }
    db_done(st);
    return r;
}

int store_lrs_del_select(struct db *db, int64_t district_id, int64_t user_id, int64_t below_seq,
                         int64_t after_seq, size_t limit,
                         int (*fn)(const struct lrs_del_row *row, void *arg), void *arg)
{
    struct db_stmt *st;
    int64_t lim = limit ? (int64_t)limit : INT64_MAX;
    int r;

    if (user_id)
        r = db_query(db, &st,
                     "SELECT seq, statement_id, user_id, flags, voided, body FROM lrs_statements "
                     "WHERE district_id = ? AND user_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                     "iiii", district_id, user_id, after_seq, lim);
    else
        r = db_query(db, &st,
                     "SELECT seq, statement_id, user_id, flags, voided, body FROM lrs_statements "
                     "WHERE seq > ? AND seq < ? AND district_id = ? ORDER BY seq LIMIT ?",
                     "iiii", after_seq, below_seq, district_id, lim);
    if (r < 0)
        return r;
    return del_rows(st, fn, arg);
}

int store_lrs_del_flagged(struct db *db, int64_t district_id, int flags,
                          int (*fn)(const struct lrs_del_row *row, void *arg), void *arg)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT seq, statement_id, user_id, flags, voided, body FROM lrs_statements "
                     "WHERE district_id = ? AND (flags & ?) != 0 ORDER BY seq",
                     "ii", district_id, (int64_t)flags);
    if (r < 0)
        return r;
    return del_rows(st, fn, arg);
}

int store_lrs_del_seq_at(struct db *db, int64_t ms, int64_t *ret_seq)
{
    int r = db_query_int64(db, ret_seq, "SELECT MIN(seq) FROM lrs_statements WHERE stored_ms >= ?",
                           "i", ms);
    if (r == -ENOENT) {
        *ret_seq = INT64_MAX;
        return 0;
    }
    return r;
}

int64_t store_lrs_del_statement(struct db *db, int64_t district_id, int64_t seq)
{
    return db_exec(db, "DELETE FROM lrs_statements WHERE seq = ? AND district_id = ?", "ii", seq,
                   district_id);
}

int64_t store_lrs_del_orphan_terms(struct db *db, int64_t district_id)
{
    return db_exec(db,
                   "DELETE FROM lrs_terms WHERE district_id = ? AND NOT EXISTS (SELECT 1 FROM "
                   "lrs_statements s WHERE s.seq = lrs_terms.seq)",
                   "i", district_id);
}

int store_lrs_del_checkpoint(struct db *db)
{
    struct db_stmt *st;
    int r;

    if (db_dialect(db) != DB_SQLITE)
        return 0;
    r = db_query(db, &st, "PRAGMA wal_checkpoint(TRUNCATE)", "");
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0)
        r = db_col_int64(st, 0) ? -EBUSY : 0;
    db_done(st);
    return r;
}

/*
 * xAPI documents and the forwarding cursor (migrations/0005_lrs_docs.sql).
 * The service that uses them is src/app/lrs_docs.c and lrs_forward.c.
 */
#ifndef TRELLIS_STORE_LRS_DOCS_H
#define TRELLIS_STORE_LRS_DOCS_H

#include <stdint.h>

#include "base/common.h"

struct db;
struct grant;

enum lrs_doc_kind {
    LRS_DOC_STATE = 1,
    LRS_DOC_ACTIVITY_PROFILE = 2,
    LRS_DOC_AGENT_PROFILE = 3,
};

/*
 * Where a document lives. Parameters a kind does not use are "" (never
 * NULL). For the "many" operations (ids, delete all) registration NULL
 * means any registration. agent_key is the agent's identifier in its
 * canonical text (src/app/lrs_docs.c); the store keeps only its keyed
 * digest, never the text.
 */
struct lrs_doc_key {
    int64_t district_id;
    enum lrs_doc_kind kind;
    const char *activity_id;
    const char *agent_key;
    const char *registration;
    const char *doc_id;
};

struct lrs_doc_row {
    int64_t id;
    int64_t user_id;    /* 0: not linked */
    char *content_type; /* malloc'ed */
    void *content;      /* malloc'ed, len bytes (+ a NUL not counted) */
    size_t len;
    char etag[41];
    int64_t updated_at;
};
void lrs_doc_row_release(struct lrs_doc_row *r);

/*
 * One document: 0, -ENOENT, -ENOMEM or a storage error. Under the gate's
 * grant to read (or, inside a write transaction, to write) the documents of
 * k's kind; notes the learner it is linked to.
 */
int store_lrs_doc_get(struct db *db, struct grant *g, const struct lrs_doc_key *k,
                      struct lrs_doc_row *ret);
/* Insert or replace one document. */
int store_lrs_doc_put(struct db *db, const struct lrs_doc_key *k, int64_t user_id,
                      const char *content_type, const void *content, size_t len, const char *etag,
                      int64_t now_ms);
/* Delete one document: the number deleted (0 or 1) or a negative errno. */
int64_t store_lrs_doc_delete(struct db *db, const struct lrs_doc_key *k);
/* Delete every state document of k's activity and agent (and registration unless NULL). */
int64_t store_lrs_doc_delete_many(struct db *db, const struct lrs_doc_key *k);
/*
 * The ids of k's documents (doc_id ignored; registration NULL: any) updated
 * after since_ms (exclusive; 0: all), in id order; *ret_last_ms gets the
 * newest updated_at of those (0 if none).
 */
int store_lrs_doc_ids(struct db *db, struct grant *g, const struct lrs_doc_key *k, int64_t since_ms,
                      int (*fn)(const char *doc_id, void *arg), void *arg, int64_t *ret_last_ms);

/* Count or delete the documents linked to a person. */
int store_lrs_doc_count_user(struct db *db, int64_t district_id, int64_t user_id, int64_t *ret_n);
int64_t store_lrs_doc_delete_user(struct db *db, int64_t district_id, int64_t user_id);
/*
 * Migration 0014: replace every document's agent key text by its keyed
 * digest, in the caller's transaction. Run once, by the migration.
 */
int store_lrs_doc_digest_agents(struct db *db);

/* ---- forwarding ---- */

struct lrs_forward_row {
    int64_t after_seq;   /* last seq the upstream acknowledged */
    int64_t pending_seq; /* 0: nothing in flight; else the last seq of the batch in flight */
    char pending_id[40]; /* the statement id of pending_seq */
    int64_t pending_n;   /* statements in that batch */
    int64_t sent;        /* statements acknowledged so far */
    int64_t updated_at;
    char last_error[256];
};

/*
 * Take (or renew) the cursor of (district, target) for owner until
 * lease_until_ms, creating it at seq 0 if new, and read it. -EALREADY if
 * another owner holds a lease that has not run out at now_ms.
 */
int store_lrs_forward_claim(struct db *db, int64_t district_id, const char *target,
                            const char *owner, int64_t now_ms, int64_t lease_until_ms,
                            struct lrs_forward_row *ret);
/* Write the cursor if owner still holds it: 0, or -EALREADY. */
int store_lrs_forward_set(struct db *db, int64_t district_id, const char *target, const char *owner,
                          const struct lrs_forward_row *row);
/* Give the lease up (NULL-safe on a missing row). */
int store_lrs_forward_release(struct db *db, int64_t district_id, const char *target,
                              const char *owner);
/* Read the cursor without taking it: 0 or -ENOENT. */
int store_lrs_forward_get(struct db *db, int64_t district_id, const char *target,
                          struct lrs_forward_row *ret);
/* ---- retention: deleting statements (tables of 0004_lrs.sql) ---- */

/* Statement flags (0004_lrs.sql). */
#define LRS_DEL_FLAG_DEFLATED 1
#define LRS_DEL_FLAG_VOIDING  2
#define LRS_DEL_FLAG_ATTACH   4

struct lrs_del_row {
    int64_t seq;
    const char *statement_id;
    int64_t user_id;
    int flags;
    bool voided;
    const void *body; /* borrowed during the callback */
    size_t body_len;
};

/*
 * The statements of a district a deletion selects, in seq order after
 * after_seq: those linked to user_id (when not 0), else those with seq <
 * below_seq. At most limit rows (0: all). fn's non-zero return stops.
 */
int store_lrs_del_select(struct db *db, int64_t district_id, int64_t user_id, int64_t below_seq,
                         int64_t after_seq, size_t limit,
                         int (*fn)(const struct lrs_del_row *row, void *arg), void *arg);
/* The statements of a district with any of flags set (voiding, attachments), in seq order. */
int store_lrs_del_flagged(struct db *db, int64_t district_id, int flags,
                          int (*fn)(const struct lrs_del_row *row, void *arg), void *arg);
/* The first seq stored at or after ms (stored grows with seq); INT64_MAX if none. */
int store_lrs_del_seq_at(struct db *db, int64_t ms, int64_t *ret_seq);
/* Delete one statement: the rows deleted (0 or 1) or a negative errno. */
int64_t store_lrs_del_statement(struct db *db, int64_t district_id, int64_t seq);
/* Delete the query terms of statements that no longer exist. */
int64_t store_lrs_del_orphan_terms(struct db *db, int64_t district_id);
/* Delete one attachment's content. */
int64_t store_lrs_del_attachment(struct db *db, int64_t district_id, const char *sha2);
/*
 * Move every change out of the write-ahead log into the database file and
 * truncate the log, so no copy of deleted rows stays in it (SQLite; a
 * no-op elsewhere). 0, or -EBUSY if readers kept it from completing.
 */
int store_lrs_del_checkpoint(struct db *db);

/* Every district id, ascending. */
int store_lrs_districts(struct db *db, int (*fn)(int64_t district_id, void *arg), void *arg);

#endif

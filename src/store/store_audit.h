/*
 * Audit log storage (see migrations/0003_auth.sql): the chain heads, the
 * entries and the student index. The hashing is the audit service's
 * (app/audit.c); this layer only stores and reads. Nothing here updates or
 * deletes an entry.
 */
#ifndef TRELLIS_STORE_AUDIT_H
#define TRELLIS_STORE_AUDIT_H

#include <stdint.h>

#include "base/common.h"

struct db;

#define AUDIT_HASH_LEN 32
#define AUDIT_TAG_LEN  16

struct audit_row {
    int64_t id;
    int64_t chain;
    int64_t seq;
    int64_t at;
    const char *actor_kind;
    int64_t actor_id;
    const char *actor_name;
    const char *client_addr;
    const char *request_id;
    const char *action;
    const char *object;
    const char *subjects; /* "12,40,41" */
    const char *purpose;
    const char *outcome;
    const char *detail;
    uint8_t prev_hash[AUDIT_HASH_LEN];
    uint8_t hash[AUDIT_HASH_LEN];
    uint8_t tag[AUDIT_TAG_LEN];
};

/*
 * Lock a chain's head for appending (inside a write transaction), creating
 * an empty chain on first use: its last sequence number and hash. The row
 * stays locked until the transaction ends (SQLite: the write lock;
 * PostgreSQL: the row lock the UPDATE takes).
 */
int store_audit_lock_head(struct db *db, int64_t chain, int64_t *ret_seq,
                          uint8_t ret_head[AUDIT_HASH_LEN]);
/* Move a chain's head (same transaction). */
int store_audit_set_head(struct db *db, int64_t chain, int64_t seq,
                         const uint8_t head[AUDIT_HASH_LEN]);
/* Insert an entry (every field of row but id): 0 and *ret_id. */
int store_audit_insert(struct db *db, const struct audit_row *row, int64_t *ret_id);
/* Index an entry under a student, or under n students (a few multi-row inserts). */
int store_audit_subject(struct db *db, int64_t district_id, int64_t user_id, int64_t entry_id);
int store_audit_subjects(struct db *db, int64_t district_id, const int64_t *user_ids, size_t n,
                         int64_t entry_id);

/*
 * Every entry in id order (rows are borrowed for the call), then nothing
 * else: the caller checks the chains. Stops on cb's negative return.
 */
int store_audit_each(struct db *db, int (*cb)(void *arg, const struct audit_row *row), void *arg);
/* Every (entry id, user id) of the student index, in entry then user order. */
int store_audit_subjects_each(struct db *db,
                              int (*cb)(void *arg, int64_t entry_id, int64_t user_id), void *arg);
/* Every chain head. */
int store_audit_heads(struct db *db,
                      int (*cb)(void *arg, int64_t chain, int64_t seq,
                                const uint8_t head[AUDIT_HASH_LEN]),
                      void *arg);
/* The entries that concern a student, oldest first. */
int store_audit_by_subject(struct db *db, int64_t district_id, int64_t user_id,
                           int (*cb)(void *arg, const struct audit_row *row), void *arg);
/* Entries of a chain at or after since_ms, oldest first, at most limit (tests, show). */
int store_audit_recent(struct db *db, int64_t chain, int64_t since_ms, int64_t limit,
                       int (*cb)(void *arg, const struct audit_row *row), void *arg);

#endif

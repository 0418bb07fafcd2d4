/*
 * Audit log storage (see migrations/0003_auth.sql and 0013_audit_keys.sql):
 * the chain heads, the list of chains, the entries and the student index.
 * The entries' hashes and tags are the audit service's (app/audit.c). The
 * MACs of the heads and of the list of chains are made here, under the
 * sealing key's audit subkey (seal_mac), because migration 0013 must key
 * the heads that exist when it runs, before any service starts:
 *   head MAC  = seal_mac("trellis-audit-head-v1" NUL || chain || seq || head)
 *   list MAC  = seal_mac("trellis-audit-chains-v1" NUL || the list's text)
 * (chain and seq as 8-byte big-endian). Nothing here updates or deletes an
 * entry.
 */
#ifndef TRELLIS_STORE_AUDIT_H
#define TRELLIS_STORE_AUDIT_H

#include <stdint.h>

#include "base/common.h"

struct db;
struct grant;

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

struct audit_head {
    int64_t seq;                  /* the last entry's sequence number (0: none yet) */
    uint8_t hash[AUDIT_HASH_LEN]; /* the last entry's hash (zeros: none yet) */
    bool keyed;      /* its MAC matches: the row was written by Trellis with this key */
    bool created;    /* the chain was opened by this call (and added to the list of chains) */
    bool list_keyed; /* when created: the list of chains matched its MAC before the chain
                        was added (else a chain may have been removed from it) */
};

/*
 * Lock a chain's head for appending (inside a write transaction), opening
 * the chain on first use: an empty head, keyed, and the chain added to the
 * keyed list of chains. The row stays locked until the transaction ends
 * (SQLite: the write lock; PostgreSQL: the row lock the UPDATE takes).
 * A head or list whose MAC does not match is still returned (keyed or
 * list_keyed false): the caller records that before it appends, since the
 * next head it writes will be keyed again.
 */
int store_audit_lock_head(struct db *db, int64_t chain, struct audit_head *ret);
/* Move a chain's head and key it (same transaction). */
int store_audit_set_head(struct db *db, int64_t chain, int64_t seq,
                         const uint8_t head[AUDIT_HASH_LEN]);
/*
 * Key every chain head as it is and list every chain (migration 0013, in
 * its transaction): a database written before heads were keyed trusts its
 * heads once, at the upgrade.
 */
int store_audit_key_all(struct db *db);
/* Insert an entry (every field of row but id): 0 and *ret_id; -EIO when its seq is taken. */
int store_audit_insert(struct db *db, const struct audit_row *row, int64_t *ret_id);
/* Index an entry under a student, or under n students (a few multi-row inserts). */
int store_audit_subject(struct db *db, int64_t district_id, int64_t user_id, int64_t entry_id);
int store_audit_subjects(struct db *db, int64_t district_id, const int64_t *user_ids, size_t n,
                         int64_t entry_id);
/*
 * Insert an entry and index it under its n students (user_ids, distinct),
 * indexed under row->chain (the district): 0 and *ret_id. One statement on
 * PostgreSQL.
 */
int store_audit_insert_indexed(struct db *db, const struct audit_row *row, const int64_t *user_ids,
                               size_t n, int64_t *ret_id);

/*
 * Every entry in id order (rows are borrowed for the call), then nothing
 * else: the caller checks the chains. Stops on cb's negative return.
 */
int store_audit_each(struct db *db, int (*cb)(void *arg, const struct audit_row *row), void *arg);
/* Every (entry id, district, user id) of the student index, in entry then user order. */
int store_audit_subjects_each(struct db *db,
                              int (*cb)(void *arg, int64_t entry_id, int64_t district_id,
                                        int64_t user_id),
                              void *arg);
/* Every chain head, in chain order; keyed: its MAC matches. */
int store_audit_heads(struct db *db,
                      int (*cb)(void *arg, int64_t chain, int64_t seq,
                                const uint8_t head[AUDIT_HASH_LEN], bool keyed),
                      void *arg);
/*
 * The list of chains: *ret_chains (malloc'ed, ascending) and *ret_n, and
 * whether its MAC matches. -ENOENT when the row is missing; -EBADMSG when
 * its text is not a list of numbers (then nothing is returned).
 */
int store_audit_chain_list(struct db *db, int64_t **ret_chains, size_t *ret_n, bool *ret_keyed);
/* The hash of entry seq of a chain: 0, or -ENOENT. */
int store_audit_hash_at(struct db *db, int64_t chain, int64_t seq,
                        uint8_t ret_hash[AUDIT_HASH_LEN]);
/* The entries that concern a student, oldest first. */
int store_audit_by_subject(struct db *db, struct grant *g, int64_t user_id,
                           int (*cb)(void *arg, const struct audit_row *row), void *arg);
/*
 * The entries that concern a student, newest first: at most limit, those
 * with an id below before_id (0: from the newest), for a page of the record
 * of access (the family pages). Under the gate's grant to read the
 * student's record of access (RES_AUDIT user_id).
 */
int store_audit_by_subject_page(struct db *db, struct grant *g, int64_t user_id, int64_t before_id,
                                int64_t limit, int (*cb)(void *arg, const struct audit_row *row),
                                void *arg);
/* Entries of a chain at or after since_ms, oldest first, at most limit (tests, show). */
int store_audit_recent(struct db *db, int64_t chain, int64_t since_ms, int64_t limit,
                       int (*cb)(void *arg, const struct audit_row *row), void *arg);
/* Entries of a chain whose outcome or action is "denied", newest first, at most limit. */
int store_audit_denials(struct db *db, int64_t chain, int64_t limit,
                        int (*cb)(void *arg, const struct audit_row *row), void *arg);

/* Every entry of one chain in id order (verifying one district's log), as store_audit_each. */
int store_audit_each_chain(struct db *db, int64_t chain,
                           int (*cb)(void *arg, const struct audit_row *row), void *arg);
/* The student index rows filed under one district, as store_audit_subjects_each. */
int store_audit_subjects_of(struct db *db, int64_t district_id,
                            int (*cb)(void *arg, int64_t entry_id, int64_t district_id,
                                      int64_t user_id),
                            void *arg);
/*
 * A page of a chain, newest first: the entries before seq before_seq (0:
 * from the newest), by actor (actor_name; NULL: anyone), only refusals
 * (outcome or action "denied") when denials, at most limit.
 */
int store_audit_page(struct db *db, int64_t chain, const char *actor, bool denials,
                     int64_t before_seq, int64_t limit,
                     int (*cb)(void *arg, const struct audit_row *row), void *arg);

#endif

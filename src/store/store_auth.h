/*
 * Identity storage (see migrations/0003_auth.sql): accounts and their
 * roles, sessions, recovery codes, login cards, login throttling, the
 * export tripwire counters, and the relationship questions the access
 * policy asks of the roster (does this teacher teach this student now? is
 * this person a guardian of that one?). No secret reaches this layer in the
 * clear except a password hash and sealed blobs; callers hash and seal.
 *
 * Days are days since 1970-01-01 (UTC), as the roster stores dates.
 */
#ifndef TRELLIS_STORE_AUTH_H
#define TRELLIS_STORE_AUTH_H

#include <stdint.h>

#include "base/common.h"

struct db;

#define AUTH_HASH_LEN   32  /* session token digests */
#define AUTH_PWHASH_MAX 128 /* crypto_pwhash_STRBYTES */
#define AUTH_SEALED_MAX 128

struct account_row {
    int64_t id;
    int64_t district_id;
    int64_t user_id; /* 0: a local staff account */
    char login[128];
    char display_name[256];
    char password_hash[AUTH_PWHASH_MAX]; /* "" when there is none */
    uint8_t totp_sealed[AUTH_SEALED_MAX];
    size_t totp_sealed_len; /* 0: no second factor enrolled */
    int64_t totp_last_step;
    uint8_t totp_pending[AUTH_SEALED_MAX];
    size_t totp_pending_len;
    int64_t totp_pending_at;
    char lang[8];
    int64_t disabled_at;
    int64_t created_at;
    /* from the roster (rostered accounts): */
    bool roster_active; /* status 'active' and enabledUser true; true for local accounts */
    char roster_role[32];
    char given_name[128], family_name[128], preferred_given_name[128];
};

int store_account_insert(struct db *db, const struct account_row *a, int64_t *ret_id);
/* By lower-case login name, id, or rostered person: 0 or -ENOENT. */
int store_account_by_login(struct db *db, const char *login, struct account_row *ret);
int store_account_by_id(struct db *db, int64_t id, struct account_row *ret);
int store_account_by_user(struct db *db, int64_t district_id, int64_t user_id,
                          struct account_row *ret);
int store_account_set_password(struct db *db, int64_t id, const char *hash, int64_t now_ms);
int store_account_set_lang(struct db *db, int64_t id, const char *lang);
int store_account_set_disabled(struct db *db, int64_t id, int64_t disabled_at);
int store_account_set_last_login(struct db *db, int64_t id, int64_t now_ms);
/* A pending TOTP secret (sealed); NULL clears it. */
int store_account_set_totp_pending(struct db *db, int64_t id, const void *sealed, size_t n,
                                   int64_t now_ms);
/* Make the pending secret the enrolled one, accepting step: 0 or -ENOENT. */
int store_account_confirm_totp(struct db *db, int64_t id, int64_t step, int64_t now_ms);
/* Remove the second factor (administrator reset). */
int store_account_clear_totp(struct db *db, int64_t id);
/*
 * Accept a TOTP time step: 0 if step is later than the last accepted one
 * (and record it), -EALREADY if it is not (a code used before). Atomic.
 */
int store_account_use_totp_step(struct db *db, int64_t id, int64_t step);

/* Local staff roles: add one (org_id 0: the whole district). */
int store_account_role_add(struct db *db, int64_t district_id, int64_t account_id, const char *role,
                           int64_t org_id);
/*
 * Every role grant of an account on day: for a rostered person the active
 * OneRoster roles (role, org, org type), for a local account its
 * account_roles (org type "district" when org_id is 0).
 */
int store_account_grants(struct db *db, const struct account_row *a, int64_t day,
                         int (*cb)(void *arg, const char *role, int64_t org_id,
                                   const char *org_type),
                         void *arg);

struct session_row {
    int64_t id;
    int64_t district_id;
    int64_t account_id;
    int64_t card_id; /* the login card that opened it; 0: none */
    char method[48];
    int64_t created_at, seen_at, expires_at, mfa_at, ended_at;
    char end_reason[48]; /* why it ended ("idle", "logout" ...); "" while open */
};

int store_session_insert(struct db *db, const struct session_row *s,
                         const uint8_t token_hash[AUTH_HASH_LEN], const char *client_addr,
                         int64_t *ret_id);
/* A session by token digest with its account: 0 or -ENOENT. */
int store_session_lookup(struct db *db, const uint8_t token_hash[AUTH_HASH_LEN],
                         struct session_row *ret_s, struct account_row *ret_a);
int store_session_touch(struct db *db, int64_t id, int64_t now_ms);
int store_session_set_mfa(struct db *db, int64_t id, int64_t now_ms);
int store_session_end(struct db *db, int64_t id, int64_t now_ms, const char *reason);
/* End every open session of an account (password change, disabling). */
int store_session_end_account(struct db *db, int64_t account_id, int64_t now_ms,
                              const char *reason);
/* The same but the session keep_session_id (a person changing their own password). */
int store_session_end_others(struct db *db, int64_t account_id, int64_t keep_session_id,
                             int64_t now_ms, const char *reason);
/* End every open session opened with a login card: the number ended. */
int store_session_end_card(struct db *db, int64_t district_id, int64_t card_id, int64_t now_ms,
                           const char *reason, int64_t *ret_n);

/* Replace an account's unused recovery codes with these digests. */
int store_recovery_replace(struct db *db, int64_t district_id, int64_t account_id,
                           const uint8_t (*hashes)[16], size_t n, int64_t now_ms);
/* Use one: 0, or -ENOENT if no unused code of the account has this digest. */
int store_recovery_use(struct db *db, int64_t account_id, const uint8_t hash[16], int64_t now_ms);
int store_recovery_left(struct db *db, int64_t account_id, int64_t *ret_n);

struct card_row {
    int64_t id;
    int64_t district_id;
    int64_t user_id;
    uint8_t sealed[AUTH_SEALED_MAX];
    size_t sealed_len;
    int64_t created_at;
    int64_t revoked_at;
};
int store_card_insert(struct db *db, const struct card_row *c, const uint8_t index[16],
                      const char *created_by, int64_t *ret_id);
/* The active card of a student: 0 or -ENOENT. */
int store_card_active(struct db *db, int64_t district_id, int64_t user_id, struct card_row *ret);
/* A card (active or not) by code digest: 0 or -ENOENT. */
int store_card_by_index(struct db *db, const uint8_t index[16], struct card_row *ret);
/* Revoke a student's active card: 0 and its id, or -ENOENT. */
int store_card_revoke(struct db *db, int64_t district_id, int64_t user_id, int64_t now_ms,
                      int64_t *ret_card_id);

struct throttle_row {
    int64_t failures;
    int64_t last_failure_at;
    int64_t blocked_until;
    int64_t last_success_at; /* (name, address) keys: the name's last login from there; 0: none */
};
/* 0 and the row, or -ENOENT (no failures on record). */
int store_throttle_get(struct db *db, const uint8_t key[16], struct throttle_row *ret);
int store_throttle_put(struct db *db, const uint8_t key[16], const struct throttle_row *t);
int store_throttle_clear(struct db *db, const uint8_t key[16]);

/*
 * Add n records to an actor's counter for hour; returns the counts of this
 * and the previous hour and whether this hour was alerted already.
 */
int store_tripwire_add(struct db *db, int64_t district_id, int kind, int64_t actor_id, int64_t hour,
                       int64_t n, int64_t *ret_this, int64_t *ret_prev, bool *ret_alerted);
int store_tripwire_mark_alerted(struct db *db, int64_t district_id, int kind, int64_t actor_id,
                                int64_t hour);

#endif

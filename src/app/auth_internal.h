/*
 * Shared between the identity service's own files (auth_common.c,
 * auth_hash.c, auth_login.c, auth_session.c, auth_cache.c, auth_totp.c,
 * auth_cards.c, auth_admin.c); not for other modules (they use auth.h).
 */
#ifndef TRELLIS_APP_AUTH_INTERNAL_H
#define TRELLIS_APP_AUTH_INTERNAL_H

#include <sodium.h>
#include <stdint.h>

#include "app/auth.h"
#include "store/seal.h"
#include "store/store_auth.h"

#define SECOND_MS      1000LL
#define MINUTE_MS      (60 * SECOND_MS)
#define HOUR_MS        (60 * MINUTE_MS)
#define DAY_MS         (24 * HOUR_MS)
#define TOTP_SECRET    20 /* bytes: 160 bits, RFC 4226 section 4 R6 */
#define TOUCH_EVERY_MS MINUTE_MS

/* ---- auth_cache.c: the session cache ---- */

struct auth_cached {
    struct principal *who; /* in c->arena when got */
    int64_t seen_at, expires_at;
};

/*
 * The principal of the session whose token digest is key, kept less than
 * session_cache_ms (config) ago with no write through the store since: 1
 * (and *ret), or 0. Thread-safe.
 */
int auth_cache_get(struct ctx *c, const uint8_t key[AUTH_HASH_LEN], struct auth_cached *ret);
/*
 * Keep e (copied) for key; gen is store_write_gen() noted before the rows
 * were read (nothing is kept if a write committed since).
 */
void auth_cache_put(struct ctx *c, const uint8_t key[AUTH_HASH_LEN], uint64_t gen,
                    const struct auth_cached *e);
/* The session was touched: its seen_at. */
void auth_cache_seen(struct ctx *c, const uint8_t key[AUTH_HASH_LEN], int64_t seen_at);

/* Unambiguous characters for codes people type: no 0/O, 1/I/L (auth_common.c). */
extern const char auth_code_alphabet[];

/* ---- auth_common.c ---- */

/* A login name in lower case (ASCII letters only), cut to n - 1 bytes. */
void auth_lower_login(const char *in, char *out, size_t n);
/* len random characters of auth_code_alphabet and a NUL. */
void auth_random_code(char *out, size_t len);
/* A keyed digest (the sealing key) of domain, a and b: lookups of short secrets, throttle keys. */
void auth_keyed(struct ctx *c, const char *domain, const char *a, const char *b,
                uint8_t out[SEAL_INDEX_LEN]);
/* The principal role (ROLE_*) of a OneRoster or local role name; 0 for none. */
unsigned auth_map_role(const char *role, const char *org_type);

/* ---- auth_hash.c ---- */

/* argon2id of pw into out: 0, -EIO (no libsodium), -ENOMEM. Blocks while AUTH_HASH_CONCURRENCY run.
 */
int auth_hash_password(const char *pw, char out[crypto_pwhash_STRBYTES]);
/* Does pw match hash? With no hash, the same work on a dummy hash, and false. */
bool auth_verify_password(const char *hash, const char *pw);

/* Work for the pool (auth_hash.c): identity work that checks a password. */
struct auth_job {
    void (*run)(struct auth_job *j); /* on a pool thread */
    void (*done)(void *arg);         /* then this, on the same thread: the pool's last touch */
    void *arg;
    struct auth_job *next;
};

/*
 * Take a place in the pool: 0, -EBUSY when every thread is busy and the
 * queue is full (answer 429 at once), -EAGAIN when no thread could start,
 * -EIO without libsodium. Thread-safe.
 */
int auth_pool_reserve(void);
/* Give back a place taken and not used. */
void auth_pool_unreserve(void);
/*
 * Queue a job in the place taken by auth_pool_reserve(). The pool owns j
 * until it calls j->done(j->arg) (after j->run(j)); it does not touch j
 * after that.
 */
void auth_pool_submit(struct auth_job *j);

/* ---- auth_throttle.c ---- */

/* The checks a throttle counts: passwords and card codes, or second factors (TOTP, recovery). */
enum auth_factor { AUTH_FACTOR_PASSWORD, AUTH_FACTOR_SECOND };

enum { TK_PAIR, TK_NAME, TK_ADDR, TK_N };

/* One attempt's throttle keys and what the check found. */
struct throttle {
    uint8_t key[TK_N][SEAL_INDEX_LEN];
    bool used[TK_N];
    int64_t limit[TK_N]; /* failures before waits start */
    int64_t lapse[TK_N]; /* ms without a failure after which the count starts again */
    uint8_t familiar_key[SEAL_INDEX_LEN]; /* the password (name, address) key: its last login */
    bool has_familiar;
    bool familiar; /* the name logged in from this address lately (set by the check) */
    bool counted;  /* this attempt is counted as a failure (until refunded or forgiven) */
};

/*
 * The keys of an attempt of factor f by login (NULL: a card code, only the
 * address counts) from ctx->client_addr. No database access.
 */
void auth_throttle_keys(struct ctx *c, enum auth_factor f, const char *login, struct throttle *t);
/* For a card: the name whose familiar addresses count (known once the card is found). */
void auth_throttle_familiar_name(struct ctx *c, struct throttle *t, const char *login);
/* Seconds this attempt must wait (0: it may be checked). Reads only. */
int auth_throttle_check(struct ctx *c, struct db *db, struct throttle *t, int64_t *ret_wait_s);
/* Count the attempt as a failure now (in the caller's write transaction, after the check). */
int auth_throttle_count(struct ctx *c, struct db *db, struct throttle *t);
/* Check, and count when it may go ahead: the two in one step of the caller's transaction. */
int auth_throttle_attempt(struct ctx *c, struct db *db, struct throttle *t, int64_t *ret_wait_s);
/* The counted attempt was no failure (right password, second factor still to come). */
int auth_throttle_refund(struct ctx *c, struct db *db, struct throttle *t);
/*
 * The attempt succeeded: the name's failures from this address are
 * forgiven on every key, and the address is familiar to the name.
 */
int auth_throttle_success(struct ctx *c, struct db *db, struct throttle *t);
/* Only remember that the name logged in from this address (a card login). */
int auth_throttle_remember(struct ctx *c, struct db *db, const struct throttle *t);
/*
 * A name's account-wide counts as they stand (what unlocking clears): the
 * failures of both factors that have not lapsed, and until when addresses
 * the name has not logged in from wait (0: they do not). Reads only.
 */
int auth_throttle_name_state(struct ctx *c, struct db *db, const char *login, int64_t *ret_failures,
                             int64_t *ret_until_ms);
/* Clear a name's account-wide counts, both factors (the operator's unlock). */
int auth_throttle_clear_name(struct ctx *c, struct db *db, const char *login);

/* ---- auth_session.c ---- */

/*
 * A new session for account a (inside the caller's write transaction):
 * ret->token and ret->who; method as recorded ("password+totp"), mfa when
 * a second factor was checked, card_id the login card it was opened with
 * (0: none; revoking the card ends the session).
 */
int auth_new_session(struct ctx *c, struct db *db, const struct account_row *a, const char *method,
                     bool mfa, int64_t card_id, struct auth_login *ret);

/* ---- auth_totp.c ---- */

/*
 * Check a second factor of account a: a TOTP code (step recorded, never
 * taken twice) or an unused recovery code (used up). 1: good, 0: not, and
 * *ret_method "totp" or "recovery". Inside the caller's write transaction.
 */
int auth_check_second(struct ctx *c, struct db *db, const struct account_row *a, const char *second,
                      const char **ret_method);

#endif

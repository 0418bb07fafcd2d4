/*
 * Shared between the identity service's own files (auth_common.c,
 * auth_hash.c, auth_login.c, auth_session.c, auth_totp.c, auth_cards.c,
 * auth_admin.c); not for other modules (they use auth.h).
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

/* ---- auth_login.c: throttling ---- */

enum { TK_PAIR, TK_NAME, TK_ADDR, TK_N };

struct throttle {
    uint8_t key[TK_N][SEAL_INDEX_LEN];
    bool used[TK_N];
    int64_t limit[TK_N];
};

/* The throttle keys of a login name (NULL: a card) from ctx->client_addr. */
void auth_throttle_keys(struct ctx *c, const char *login, struct throttle *t);

/* ---- auth_session.c ---- */

/*
 * A new session for account a (inside the caller's write transaction):
 * ret->token and ret->who; method as recorded ("password+totp"), mfa when
 * a second factor was checked.
 */
int auth_new_session(struct ctx *c, struct db *db, const struct account_row *a, const char *method,
                     bool mfa, struct auth_login *ret);

/* ---- auth_totp.c ---- */

/*
 * Check a second factor of account a: a TOTP code (step recorded, never
 * taken twice) or an unused recovery code (used up). 1: good, 0: not, and
 * *ret_method "totp" or "recovery". Inside the caller's write transaction.
 */
int auth_check_second(struct ctx *c, struct db *db, const struct account_row *a, const char *second,
                      const char **ret_method);

#endif

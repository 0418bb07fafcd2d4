/*
 * Identity: accounts, passwords, sessions, the second factor, recovery
 * codes and QR login cards. Every login and failed login, every
 * credential change and every card issued or revoked is audited in the
 * transaction that makes it.
 *
 * Passwords (NIST SP 800-63B section 5.1.1.2): at least 8 characters (up to
 * 256), no composition rules, refused when on the list of common passwords
 * (auth_password.c), made of one repeated or sequential run, or containing
 * the login name or "trellis"; stored as argon2id (libsodium crypto_pwhash,
 * interactive limits). At most AUTH_HASH_CONCURRENCY hashes run at once
 * (each takes 64 MiB). An unknown login name is checked against a dummy
 * hash, so a refusal takes as long whether or not the account exists.
 * Over HTTP, passwords are checked by a pool of threads of their own (one
 * per processor but one, at least one, at most AUTH_HASH_CONCURRENCY, at a lower priority) with a
 * queue of AUTH_HASH_QUEUE per thread: the login request waits suspended,
 * holding no HTTP worker, and when the queue is full it is answered 429
 * with Retry-After at once, so a login flood never slows other requests.
 *
 * Throttling (NIST SP 800-63B section 5.2.2; auth_throttle.c). Counters of
 * failed checks, keyed by keyed digests of the name and the address whether
 * or not the account exists (no answer reveals existence), one set for
 * passwords and card codes and one for second factors (TOTP and recovery
 * codes: the login's second step, step-up, enrolment). IPv6 addresses count
 * by their /64. With N = login_max_failures:
 *   - one name from one address: after N failures each further failure
 *     makes the next attempt from there wait 1 s, then 2, 4 ... up to 1
 *     hour, the right password too: this address is throttled for this name;
 *   - one name from any address (the account): after min(5 N, 50) failures
 *     the same waits, but only for addresses the name has not logged in
 *     from in the last 90 days; at AUTH_ACCOUNT_CAP (100) failures such
 *     addresses are not checked at all until the count lapses, 30 days
 *     after the last failure (or `trellis admin unlock`). The owner's
 *     familiar addresses are checked all along: an attack on an account
 *     from elsewhere never keeps its owner out, and an attacker never gets
 *     more than 100 guesses in a row (NIST's "Accepting only authentication
 *     requests that come from an allowlist of IP addresses from which the
 *     subscriber has been successfully authenticated before");
 *   - one address over every name (and every card code): after 10 N
 *     failures the same waits, again only for names that have not logged
 *     in from there. The signal is failures that are not followed by a
 *     login: when a name logs in, its failures from that address are
 *     forgiven on every counter (800-63B: "disregard any previous failed
 *     attempts for that user from the same IP address"), so a school
 *     behind one NAT whose students mistype and then log in never fills
 *     its address's counter, and a sprayer behind the same NAT slows
 *     itself and first-time logins there, never the students who log in
 *     from school every day.
 * So a right password is refused only from an address that is itself
 * throttled: for that name (its own failures), or, for an address the name
 * never logged in from, while the account or the address is under attack.
 * The check and the count are one step: an attempt that may go ahead is
 * counted as a failure in the same write transaction before its password
 * is checked, so parallel attempts see each other and at most the allowed
 * number are checked; a right password that still needs its second factor
 * is taken back. Attempts during a wait are refused unchecked and not
 * counted; counts per address lapse after 24 hours without a failure.
 *
 * Sessions: the cookie holds 32 random bytes (base64url); the database
 * only their BLAKE2b-256 digest. A session ends after session_idle_min (or
 * session_idle_sec when set) without use, after session_max_hours in any
 * case, at logout, and when the account or its roster record is turned
 * off. The CSRF token is BLAKE2b keyed with the session secret: the pages
 * get it from the login answer or /me and send it as X-CSRF-Token.
 *
 * Second factor: TOTP (RFC 6238: HMAC-SHA-1, 30 s steps, 6 digits, a step
 * either side accepted, no step accepted twice) and 10 one-time recovery
 * codes. Required for every account that can see more than one class:
 * school and district administrators and counsellors. Such an account
 * without one can, once logged in, only enrol (principal.enrol_only).
 *
 * QR login cards: one random 12-character code per student (about 59
 * bits), found by a keyed digest, kept sealed so the card can be printed
 * again, revocable at once: revoking a card also ends the sessions opened
 * with it (sessions.card_id). A card logs in students only.
 */
#ifndef TRELLIS_APP_AUTH_H
#define TRELLIS_APP_AUTH_H

#include <jansson.h>
#include <stdint.h>

#include "app/ctx.h"
#include "app/principal.h"
#include "store/grant.h"

#define AUTH_PASSWORD_MIN     8
#define AUTH_PASSWORD_MAX     256
#define AUTH_TOKEN_LEN        43 /* base64url of 32 bytes, without padding */
#define AUTH_HASH_CONCURRENCY 4
#define AUTH_HASH_QUEUE       8 /* logins waiting for a hashing thread, per thread */
#define AUTH_CARD_LEN         12
#define AUTH_RECOVERY_CODES   10
/* NIST SP 800-63B 5.2.2: at most this many failures of one account in a row (see Throttling) */
#define AUTH_ACCOUNT_CAP        100
#define AUTH_ACCOUNT_LAPSE_DAYS 30
/* The session cookie; over TLS it gets the __Host- prefix (Secure, Path=/, no Domain). */
#define AUTH_COOKIE        "trellis_session"
#define AUTH_COOKIE_SECURE "__Host-trellis_session"

/*
 * A local staff account (not rostered: a contractor, a support engineer)
 * whose last use (login, password set, creation) is older than this many
 * days cannot log in (403 account_disabled) until an administrator sets a
 * new password: nothing else ends such an account when its work does.
 * Rostered accounts end with their roster record.
 */
#define AUTH_STALE_DAYS 90

/*
 * An account that must have a second factor and has none enrols it with its
 * password alone, so only for this long after an administrator added it,
 * set its password or removed its second factor (not after a change of
 * one's own password): a password stolen later enrols nothing.
 */
#define AUTH_ENROL_WINDOW_MS (72 * 3600 * 1000LL)

/* The roles that need a second factor. */
#define AUTH_MFA_ROLES (ROLE_COUNSELLOR | ROLE_SCHOOL_ADMIN | ROLE_DISTRICT_ADMIN)

/* Why a login was refused (for the HTTP answer's code). */
enum auth_refusal {
    AUTH_OK = 0,
    AUTH_INVALID,  /* 401 invalid_credentials (same for unknown name and wrong password) */
    AUTH_DISABLED, /* 403 account_disabled: the password (or card) was right, the account is off */
    AUTH_NEED_SECOND, /* 401 second_factor_required: the password was right */
    AUTH_THROTTLED,   /* 429 too_many_requests, retry_after seconds */
    AUTH_BUSY,        /* 429 busy: every password-checking thread is taken; retry_after 1 */
};

struct auth_login {
    enum auth_refusal refusal;
    int64_t retry_after_s;
    char token[AUTH_TOKEN_LEN + 1]; /* the new session's cookie value */
    const struct principal *who;    /* the new session's principal (ctx's arena) */
};

/*
 * Check a candidate password for login (the name) and display name:
 * 0 or -EINVAL with a message naming the rule it breaks.
 */
int auth_password_acceptable(struct ctx *c, const char *password, const char *login,
                             const char *name);
/* Is s on the built-in list of common passwords (case-insensitive)? */
bool auth_password_is_common(const char *s);

/*
 * Log in with a name, a password and (when enrolled) a TOTP code or a
 * recovery code. 0 with ret->refusal AUTH_OK and a session, or 0 with
 * another refusal (nothing else said), or a negative errno for a fault.
 */
int auth_login_password(struct ctx *c, const char *username, const char *password,
                        const char *second, struct auth_login *ret);
/*
 * The same in two halves, so that the password is checked, and the login
 * recorded, on a thread of the identity pool while the HTTP worker serves
 * others (see auth_hash.c). auth_login_begin() checks the input, takes a
 * place in the pool and reads the throttle; it answers at once (0 with
 * ret->refusal set and *ret_p NULL: AUTH_BUSY when the pool's queue is
 * full, AUTH_THROTTLED) or gives 0 and *ret_p, a pending login in ctx's
 * arena with its own copy of the password. The caller hands it over with
 * auth_login_submit(): the pool works on a copy of ctx (its own database
 * connection; the same arena, which nobody else may use until done), fills
 * ret, and calls done(arg) on its thread when the login is recorded;
 * auth_login_finish(ctx, p) then returns what auth_login_password() would
 * have (0 and ret, or a negative errno with ctx->err).
 */
struct auth_pending;
int auth_login_begin(struct ctx *c, const char *username, const char *password, const char *second,
                     struct auth_login *ret, struct auth_pending **ret_p);
void auth_login_submit(struct auth_pending *p, void (*done)(void *arg), void *arg);
int auth_login_finish(struct ctx *c, struct auth_pending *p);
/* Log in with a login card's code (typed or from the QR code's URL). */
int auth_login_card(struct ctx *c, const char *code, struct auth_login *ret);
/* End ctx->who's session (logout): 0, -EPERM. */
int auth_logout(struct ctx *c);

/*
 * Find the session for a cookie value and make its principal (in ctx's
 * arena): 0 and *ret, or -ENOENT when there is none or it ended (idle,
 * absolute, logout, account or roster record turned off). Touches the
 * session's last use (at most once a minute).
 */
int auth_session(struct ctx *c, const char *token, const struct principal **ret);
/*
 * Why the session of a cookie value ended, when the person should be told
 * at the login page: 1 and out (a Trellis-Session-Ended header value:
 * "idle; seconds=N" after N seconds without use, "expired; seconds=N" at
 * the end of its N seconds, "off" when the account was turned off or
 * deactivated, "card" when the login card that opened it was revoked), or
 * 0 (no such session, still open, or ended otherwise, e.g. by logging out).
 */
int auth_session_ended(struct ctx *c, const char *token, char *out, size_t n);
/* The CSRF token of a session cookie value; out holds AUTH_TOKEN_LEN + 1 bytes. */
void auth_csrf_token(const char *token, char *out);
/* Does csrf match the session cookie value (constant time)? */
bool auth_csrf_ok(const char *token, const char *csrf);

/*
 * What GET /api/v1/me answers (a new JSON object). The language is
 * lang_cookie when it is "en" or "es", else the account's stored choice,
 * else lang_accept (from Accept-Language), else "en".
 */
int auth_me(struct ctx *c, const char *csrf, const char *lang_cookie, const char *lang_accept,
            json_t **ret);
/* Remember the person's language ("en" or "es"). */
int auth_set_lang(struct ctx *c, const char *lang);

/* Start TOTP enrolment: {otpauth_uri, secret, qr_svg}. Re-enrolling needs a fresh second factor. */
int auth_totp_begin(struct ctx *c, json_t **ret);
/*
 * Confirm with the first code: {recovery_codes:[...]}; the session counts
 * as second-factored. Throttled like every second factor: -EAGAIN and
 * *ret_retry_after_s when the code may not be checked now.
 */
int auth_totp_confirm(struct ctx *c, const char *code, json_t **ret, int64_t *ret_retry_after_s);
/*
 * Check a second factor again in this session (step-up for the export
 * tripwire): 0, -EINVAL for a wrong or used code, -EAGAIN and
 * *ret_retry_after_s when throttled (nothing checked).
 */
int auth_mfa_check(struct ctx *c, const char *code, int64_t *ret_retry_after_s);

/*
 * The login cards of a class's students, issuing a card to each student
 * who has none: {class:{...}, cards:[{student:{id,name}, code, url,
 * qr_svg}]}. base_url is the server's public URL (the QR code's URL is
 * base_url + "/card#" + code). Needs ACT_CREDENTIALS on the class.
 */
int auth_cards(struct ctx *c, int64_t class_id, const char *base_url, json_t **ret);
/*
 * Revoke a student's card (a new one is issued when the cards are next
 * listed); the sessions opened with it end.
 */
int auth_card_revoke(struct ctx *c, int64_t class_id, int64_t student_id);

/* ---- administration (the operator, from the CLI) ---- */

/*
 * A local staff account: role is teacher, counsellor, school_admin or
 * district_admin; school_sid the school's sourcedId (NULL for
 * district_admin). The initial password (random, 20 characters) goes to
 * password_out (at least 32 bytes).
 */
int auth_account_add(struct ctx *c, const char *username, const char *name, const char *role,
                     const char *school_sid, char *password_out);
/*
 * Give a rostered person (by sourcedId) a login, or reset a password:
 * password NULL makes a random one (written to password_out). Ends the
 * account's sessions.
 */
int auth_account_provision(struct ctx *c, const char *sourced_id, const char *password,
                           char *password_out);
int auth_account_set_password(struct ctx *c, const char *username, const char *password,
                              char *password_out);
/* Clear a name's failed-login counts. */
int auth_account_unlock(struct ctx *c, const char *username);
/* Remove a second factor (lost phone and codes): the person enrols again at next login. */
int auth_account_reset_totp(struct ctx *c, const char *username);
/* Turn an account off (true) or on again; turning off ends its sessions. */
int auth_account_disable(struct ctx *c, const char *username, bool off);
/* ---- administration from the pages (people) and the CLI (the operator) ---- */

/*
 * Who may manage a login is the access gate's ACT_CREDENTIALS: on the
 * person (a rostered account: district administrators, a school's
 * administrators for its people but never for an administrator, the
 * operator) or on the district (a local staff account: district
 * administrators, the operator). Nobody manages their own login here (their
 * account page does), and a person needs a second factor checked within
 * AUDIT_MFA_FRESH_MS for every change but unlocking (-ENOKEY: 403
 * second_factor_required). Every change is audited in its transaction
 * (action admin, object account:ID, the person as subject).
 */

/*
 * The people whose logins the caller manages, for the administration
 * pages: scope is RES_DISTRICT (id: the district; its people and local
 * staff accounts) or RES_SCHOOL (id: a school; the people who belong to
 * it). q: part of a name, username or login, or a whole sourcedId ("":
 * everyone); offset and limit (1 to 100) page through them. {people:
 * [...], offset, limit, more} (docs/API.md); the students listed are an
 * audited disclosure (ACT_CREDENTIALS on the district or school).
 */
int auth_admin_people(struct ctx *c, enum access_kind scope, int64_t id, const char *q,
                      int64_t offset, int64_t limit, json_t **ret);
/*
 * Give a rostered person (users.id) a login, or reset the password of the
 * one they have: password NULL makes a random one (written to password_out,
 * at least 32 bytes: shown once). *ret_login (128 bytes) is the login name.
 * Ends the account's sessions.
 */
int auth_admin_give_login(struct ctx *c, int64_t user_id, const char *password, char *password_out,
                          char *ret_login);
/* Reset an account's password (accounts.id), as above. */
int auth_admin_set_password(struct ctx *c, int64_t account_id, const char *password,
                            char *password_out);
/* Clear an account's failed-login waits (its name's account-wide counts). */
int auth_admin_unlock(struct ctx *c, int64_t account_id);
/* Remove an account's second factor and recovery codes; ends its sessions. */
int auth_admin_reset_totp(struct ctx *c, int64_t account_id);
/* Turn an account off (true; ends its sessions) or on again. */
int auth_admin_disable(struct ctx *c, int64_t account_id, bool off);

/* ---- the person's own account ---- */

/*
 * Change ctx->who's password: current must be right (checked and counted
 * like a login's password: -EAGAIN and *ret_retry_after_s when throttled,
 * -EINVAL "current_password: ..." when wrong), password follows the rules
 * of set-password. Ends the account's other sessions; this one goes on.
 */
int auth_change_password(struct ctx *c, const char *current, const char *password,
                         int64_t *ret_retry_after_s);
/*
 * Ten new recovery codes for ctx->who (the old ones stop working):
 * {recovery_codes: [...]}, shown once. Needs an enrolled second factor
 * checked within AUDIT_MFA_FRESH_MS (-ENOKEY otherwise).
 */
int auth_recovery_regenerate(struct ctx *c, json_t **ret);

/*
 * The demo district's logins: give the rostered person sourced_id a login
 * with password, and (when totp_b32 is not empty) an enrolled TOTP secret.
 */
int auth_provision_demo(struct ctx *c, const char *sourced_id, const char *password,
                        const char *totp_b32);

#endif

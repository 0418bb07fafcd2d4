/*
 * The one place where errors become HTTP statuses. Services and handlers
 * return a negative errno, or one of the errmap codes below for the few
 * answers a client tells apart beyond their status; errmap.c maps each to
 * a status, a short code and a title, and the problem builder in server.c
 * (http_problem, request.h) writes the RFC 9457 answer. No other file
 * chooses a status for an error.
 */
#ifndef TRELLIS_HTTP_ERRMAP_H
#define TRELLIS_HTTP_ERRMAP_H

/* Errors that are not an errno (below -4095, so they never collide with one). */
#define ERR_CSRF             (-5001) /* 403 "csrf": X-CSRF-Token or Origin wrong */
#define ERR_BAD_CREDENTIALS  (-5002) /* 401 "invalid_credentials": a login that failed */
#define ERR_NEED_TOTP        (-5003) /* 401 "second_factor_required": a login needs its code */
#define ERR_ACCOUNT_DISABLED (-5004) /* 403 "account_disabled": the right password, account off */
#define ERR_BUSY             (-5005) /* 429 "busy": the password checks are all taken, try again */

struct errmap_entry {
    int err;
    unsigned status;
    const char *code;
    const char *title;
};

/* The entry for a negative errno or errmap code; anything unknown is 500 "internal". */
const struct errmap_entry *errmap_lookup(int err);

#endif

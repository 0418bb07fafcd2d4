/*
 * Logging: one key=value line per event on stderr (after Redis serverLog and
 * nginx's per-request log).
 *
 * The level is tested before the arguments are formatted. Inside a request
 * the HTTP layer sets a thread-local request id and every line carries it as
 * req=<id>. Never pass secrets, tokens, passwords or request bodies. Only
 * src/http and src/cli log above debug level; core and store return errors.
 * Thread-safe: each line is one write(2).
 */
#ifndef TRELLIS_LOG_H
#define TRELLIS_LOG_H

#include "base/common.h"

enum log_level { LOG_ERROR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Read-only once the server runs; set by log_set_level() at start. */
extern enum log_level log_max_level;

void log_set_level(enum log_level l);
/* "error", "warn", "info" or "debug": 0 or -EINVAL. */
int log_parse_level(const char *s, enum log_level *ret);
const char *log_level_name(enum log_level l);
/* Redirect output (tests); fd -1 restores stderr. */
void log_set_fd(int fd);
/* Set (or with NULL clear) this thread's request id, a borrowed pointer. */
void log_set_request_id(const char *id);

/* Free text, written as msg="..." with quotes and control characters escaped. */
void log_msg(enum log_level l, const char *fmt, ...) PRINTF_FMT(2, 3);
/* Preformatted key=value pairs (control characters are replaced). */
void log_kv(enum log_level l, const char *fmt, ...) PRINTF_FMT(2, 3);
/* log_msg at LOG_ERROR with err='strerror(-r)' appended; returns r. */
int log_msg_errno(enum log_level l, int r, const char *fmt, ...) PRINTF_FMT(3, 4);

#define LOG_ENABLED(l) ((l) <= log_max_level)
#define log_error(...)                       \
    do {                                     \
        if (LOG_ENABLED(LOG_ERROR))          \
            log_msg(LOG_ERROR, __VA_ARGS__); \
    } while (0)
#define log_warn(...)                       \
    do {                                    \
        if (LOG_ENABLED(LOG_WARN))          \
            log_msg(LOG_WARN, __VA_ARGS__); \
    } while (0)
#define log_info(...)                       \
    do {                                    \
        if (LOG_ENABLED(LOG_INFO))          \
            log_msg(LOG_INFO, __VA_ARGS__); \
    } while (0)
#define log_debug(...)                       \
    do {                                     \
        if (LOG_ENABLED(LOG_DEBUG))          \
            log_msg(LOG_DEBUG, __VA_ARGS__); \
    } while (0)
/* Log once where the error is handled and pass it on: return log_error_errno(r, "...") */
#define log_error_errno(r, ...) log_msg_errno(LOG_ERROR, (r), __VA_ARGS__)
#define log_warn_errno(r, ...)  log_msg_errno(LOG_WARN, (r), __VA_ARGS__)

#endif

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
/*
 * Preformatted key=value pairs. Every value that comes from outside (a
 * request path, a user agent, a username, an error text) must go through
 * LOG_VALUE() so it cannot add fields or lines; as a last guard, control
 * bytes left in the line are written as \xNN.
 */
void log_kv(enum log_level l, const char *fmt, ...) PRINTF_FMT(2, 3);

/*
 * v as the value of a key=value field: as it is when it is plain (printable
 * ASCII or valid UTF-8 without space, '"', '=', '\\' or control characters),
 * otherwise in double quotes with \" \\ \n \r \t, and \xNN for every other
 * control byte (ESC included, so no terminal escape survives), C1 control
 * characters and bytes that are not UTF-8. NULL is written as - and "" as "".
 * The result goes into out (outlen at least 8) and is cut, still closed, with
 * "..." when it does not fit. Returns out. Pure and reentrant.
 */
const char *log_value(const char *v, char *out, size_t outlen);
#define LOG_VALUE_MAX 1024
/* log_value() into a buffer that lives until the end of the enclosing block. */
#define LOG_VALUE(v) log_value((v), (char[LOG_VALUE_MAX]){0}, LOG_VALUE_MAX)
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

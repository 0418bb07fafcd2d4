/*
 * Logger: formats into a stack buffer and writes the line with one write(2),
 * so lines from several threads never interleave.
 */
#include "base/common.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/timeutil.h"

enum log_level log_max_level = LOG_INFO;
static int log_fd = 2;
static _Thread_local const char *req_id;

static const char *const names[] = {"error", "warn", "info", "debug"};

void log_set_level(enum log_level l)
{
    log_max_level = l;
}

int log_parse_level(const char *s, enum log_level *ret)
{
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (strcmp(s, names[i]) == 0) {
            *ret = (enum log_level)i;
            return 0;
        }
    }
    return -EINVAL;
}

const char *log_level_name(enum log_level l)
{
    return (size_t)l < ARRAY_SIZE(names) ? names[l] : "?";
}

void log_set_fd(int fd)
{
    log_fd = fd < 0 ? 2 : fd;
}

void log_set_request_id(const char *id)
{
    req_id = id;
}

#define LINE_MAX_BYTES 4096

struct line {
    char b[LINE_MAX_BYTES];
    size_t n;
};

static void put(struct line *ln, const char *s, size_t n)
{
    size_t room = sizeof(ln->b) - 1 - ln->n; /* keep one byte for the newline */
    if (n > room)
        n = room;
    memcpy(ln->b + ln->n, s, n);
    ln->n += n;
}

static void start(struct line *ln, enum log_level l)
{
    char ts[40];
    ln->n = 0;
    time_format_iso8601(time_now_ms(), ts);
    put(ln, "ts=", 3);
    put(ln, ts, strlen(ts));
    put(ln, " level=", 7);
    put(ln, names[l], strlen(names[l]));
    if (req_id) {
        put(ln, " req=", 5);
        put(ln, req_id, strlen(req_id));
    }
    put(ln, " ", 1);
}

static void finish(struct line *ln)
{
    ln->b[ln->n++] = '\n';
    ssize_t w = write(log_fd, ln->b, ln->n);
    (void)w;
}

static void vmsg(enum log_level l, const char *suffix_err, const char *fmt, va_list ap)
{
    struct line ln;
    char text[LINE_MAX_BYTES / 2];
    int n;

    start(&ln, l);
    n = vsnprintf(text, sizeof(text), fmt, ap);
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof(text))
        n = (int)sizeof(text) - 1;
    put(&ln, "msg=\"", 5);
    for (int i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            put(&ln, e, 2);
        } else if (c < 0x20 || c == 0x7f) {
            char e[5];
            snprintf(e, sizeof(e), "\\x%02x", c);
            put(&ln, e, 4);
        } else {
            put(&ln, (const char *)&c, 1);
        }
    }
    put(&ln, "\"", 1);
    if (suffix_err) {
        put(&ln, " err='", 6);
        put(&ln, suffix_err, strlen(suffix_err));
        put(&ln, "'", 1);
    }
    finish(&ln);
}

void log_msg(enum log_level l, const char *fmt, ...)
{
    va_list ap;
    if (!LOG_ENABLED(l))
        return;
    va_start(ap, fmt);
    vmsg(l, NULL, fmt, ap);
    va_end(ap);
}

int log_msg_errno(enum log_level l, int r, const char *fmt, ...)
{
    va_list ap;
    char eb[128];
    if (!LOG_ENABLED(l))
        return r;
    const char *e = strerror_r(r < 0 ? -r : r, eb, sizeof(eb));
    va_start(ap, fmt);
    vmsg(l, e, fmt, ap);
    va_end(ap);
    return r;
}

void log_kv(enum log_level l, const char *fmt, ...)
{
    struct line ln;
    char text[LINE_MAX_BYTES / 2];
    va_list ap;
    int n;

    if (!LOG_ENABLED(l))
        return;
    start(&ln, l);
    va_start(ap, fmt);
    n = vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof(text))
        n = (int)sizeof(text) - 1;
    for (int i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x20 || c == 0x7f)
            text[i] = '?';
    }
    put(&ln, text, (size_t)n);
    finish(&ln);
}

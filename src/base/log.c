/*
 * Logger: formats into a stack buffer and writes the line with one write(2),
 * so lines from several threads never interleave. Values from outside are
 * escaped (log_value) so that a request path or a username can add neither
 * a field nor a line, nor a terminal escape sequence, to the log.
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

/*
 * The length of the UTF-8 character at p (at most n bytes) when it is valid
 * and safe to show, else 0: overlong forms, surrogates, values past
 * U+10FFFF, C1 controls (a terminal may take U+009B as CSI), the line and
 * paragraph separators and the bidirectional overrides (which can make a
 * line read as something else) are not.
 */
static size_t utf8_safe(const unsigned char *p, size_t n)
{
    uint32_t cp;
    size_t len;

    if (p[0] < 0xc2 || p[0] > 0xf4)
        return 0;
    len = p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : 4;
    if (len > n)
        return 0;
    cp = p[0] & (0x3f >> (len - 1));
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    if ((cp >= 0xd800 && cp <= 0xdfff) || cp <= 0x9f || cp == 0x2028 || cp == 0x2029 ||
        (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
        return 0;
    return len;
}

/* Does v need quotes to stay one value? */
static bool needs_quotes(const unsigned char *v, size_t n)
{
    if (n == 0)
        return true;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = v[i];
        if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f)
            return true;
        if (c >= 0x80) {
            size_t len = utf8_safe(v + i, n - i);
            if (!len)
                return true;
            i += len - 1;
        }
    }
    return false;
}

/*
 * Append v to out, quoted and escaped when quote is true (see log_value),
 * keeping room for the closing quote: a cut value still ends with '"'.
 * Returns false when it had to cut.
 */
static bool escape_into(char *out, size_t room, size_t *used, const unsigned char *v, size_t n,
                        bool quote)
{
    size_t o = *used;
    bool whole = true;

    if (quote)
        out[o++] = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = v[i];
        char e[8];
        size_t elen = 0;
        const char *src = e;

        if (!quote) {
            src = (const char *)&v[i];
            elen = 1;
        } else if (c == '"' || c == '\\') {
            e[0] = '\\', e[1] = (char)c, elen = 2;
        } else if (c == '\n') {
            memcpy(e, "\\n", 2), elen = 2;
        } else if (c == '\r') {
            memcpy(e, "\\r", 2), elen = 2;
        } else if (c == '\t') {
            memcpy(e, "\\t", 2), elen = 2;
        } else if (c < 0x20 || c == 0x7f) {
            elen = (size_t)snprintf(e, sizeof(e), "\\x%02x", c);
        } else if (c >= 0x80) {
            size_t len = utf8_safe(v + i, n - i);
            if (len) {
                src = (const char *)&v[i];
                elen = len;
            } else {
                elen = (size_t)snprintf(e, sizeof(e), "\\x%02x", c);
            }
        } else {
            e[0] = (char)c, elen = 1;
        }
        /* room for this piece, "..." if more follows, and the closing quote */
        if (o + elen + (i + elen < n ? 3 : 0) + (quote ? 1 : 0) > room) {
            whole = false;
            break;
        }
        memcpy(out + o, src, elen);
        o += elen;
        if (src != e)
            i += elen - 1;
    }
    if (!whole) {
        /* each piece above left room for this when more followed */
        memcpy(out + o, "...", 3);
        o += 3;
    }
    if (quote)
        out[o++] = '"';
    *used = o;
    return whole;
}

const char *log_value(const char *v, char *out, size_t outlen)
{
    size_t used = 0;

    if (outlen < 8) {
        if (outlen)
            out[0] = '\0';
        return out;
    }
    if (!v) {
        memcpy(out, "-", 2);
        return out;
    }
    size_t n = strlen(v);
    const unsigned char *u = (const unsigned char *)v;
    escape_into(out, outlen - 1, &used, u, n, needs_quotes(u, n));
    out[used] = '\0';
    return out;
}

/* Append text to the line as one quoted value. */
static void escape(struct line *ln, const char *text, size_t n, bool quote)
{
    size_t room = sizeof(ln->b) - 1; /* keep one byte for the newline */
    if (ln->n + 8 > room)
        return;
    escape_into(ln->b, room, &ln->n, (const unsigned char *)text, n, quote);
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
    put(&ln, "msg=", 4);
    escape(&ln, text, (size_t)n, true);
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
    /* the fields are the caller's; a control byte that slipped in still cannot end the line */
    for (int i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x20 || c == 0x7f) {
            char e[5];
            snprintf(e, sizeof(e), "\\x%02x", c);
            put(&ln, e, 4);
        } else {
            put(&ln, &text[i], 1);
        }
    }
    finish(&ln);
}

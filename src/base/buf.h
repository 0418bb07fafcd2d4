/*
 * Growable, capped, always NUL-terminated byte buffer (after git's strbuf and
 * curl's dynbuf).
 *
 * Every buffer has a maximum size set at init; an append that would pass it
 * returns -E2BIG and one that cannot allocate returns -ENOMEM, and both leave
 * the buffer exactly as it was. A buffer is not thread-safe; it belongs to
 * whoever holds it.
 */
#ifndef TRELLIS_BUF_H
#define TRELLIS_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "base/common.h"

struct buf {
    char *data; /* NULL until the first append; NUL-terminated after */
    size_t len;
    size_t cap;
    size_t max; /* the most bytes (without the NUL) the buffer may hold */
};

#define BUF_INIT(maxlen)     \
    {                        \
        NULL, 0, 0, (maxlen) \
    }

/* Fill caller-provided storage with an empty buffer capped at max bytes. */
void buf_init(struct buf *b, size_t max);
/* Free the contents; the buffer is empty and reusable after. NULL-safe. */
void buf_release(struct buf *b);
/* Forget the contents but keep the allocation. */
void buf_reset(struct buf *b);
/* Hand the contents to the caller (free with mem_free); the buffer is empty after. */
char *buf_detach(struct buf *b, size_t *ret_len);
/* The contents as a C string: never NULL ("" for an empty buffer). Borrowed. */
const char *buf_cstr(const struct buf *b);

/* Make room for n more bytes. 0, -E2BIG or -ENOMEM. */
int buf_reserve(struct buf *b, size_t n) WARN_UNUSED;
/* Appenders: 0 on success, -E2BIG or -ENOMEM with the buffer unchanged. */
int buf_append(struct buf *b, const void *p, size_t n);
int buf_appends(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_appendf(struct buf *b, const char *fmt, ...) PRINTF_FMT(2, 3);
int buf_vappendf(struct buf *b, const char *fmt, va_list ap) PRINTF_FMT(2, 0);
/* Shorten to len bytes (no-op if already shorter). */
void buf_truncate(struct buf *b, size_t len);

#endif

/*
 * Bump allocator for memory that lives exactly as long as one unit of work,
 * usually one HTTP request (after nginx pools and git's mem_pool).
 *
 * Nothing is freed individually; arena_release() frees everything at once.
 * Never keep a pointer into an arena in a longer-lived object. Not
 * thread-safe: one arena belongs to one request.
 */
#ifndef TRELLIS_ARENA_H
#define TRELLIS_ARENA_H

#include <stdarg.h>
#include <stddef.h>

#include "base/common.h"
#include "base/str.h"

struct arena_chunk;

struct arena {
    struct arena_chunk *head;
    size_t used;  /* bytes handed out, for limits and tests */
    size_t limit; /* 0: no limit; otherwise allocations past it fail */
};

#define ARENA_INIT \
    {              \
        NULL, 0, 0 \
    }

/* Allocate n bytes aligned for any type; NULL on out-of-memory or limit. */
void *arena_alloc(struct arena *a, size_t n);
/* Same, zero-filled. */
void *arena_calloc(struct arena *a, size_t count, size_t n);
char *arena_strdup(struct arena *a, const char *s);
/* Copy n bytes of s and add a NUL. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strview(struct arena *a, struct str s);
char *arena_printf(struct arena *a, const char *fmt, ...) PRINTF_FMT(2, 3);
/* Free every chunk; the arena is empty and reusable after. NULL-safe. */
void arena_release(struct arena *a);

#endif

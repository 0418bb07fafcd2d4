/*
 * Arena: a list of chunks, newest first; large requests get a chunk of their
 * own so a big body does not waste the rest of a small chunk.
 */
#include "base/common.h"

#include <stdio.h>

#include "base/arena.h"
#include "base/mem.h"

#define CHUNK_SIZE  (16 * 1024)
#define ARENA_ALIGN (sizeof(max_align_t))

struct arena_chunk {
    struct arena_chunk *next;
    size_t size;
    size_t off;
    max_align_t data[];
};

static size_t align_up(size_t n)
{
    return (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
}

void *arena_alloc(struct arena *a, size_t n)
{
    struct arena_chunk *c = a->head;
    size_t need = align_up(n ? n : 1);

    if (need < n)
        return NULL;
    if (a->limit && (need > a->limit || a->used > a->limit - need))
        return NULL;
    if (!c || c->size - c->off < need) {
        size_t size = need > CHUNK_SIZE / 4 ? need : CHUNK_SIZE;
        c = mem_alloc(sizeof(*c) + size);
        if (!c)
            return NULL;
        c->size = size;
        c->off = 0;
        if (need > CHUNK_SIZE / 4 && a->head) {
            /* keep filling the current small chunk: put the big one behind it */
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = a->head;
            a->head = c;
        }
    }
    void *p = (char *)c->data + c->off;
    c->off += need;
    a->used += need;
    return p;
}

void *arena_calloc(struct arena *a, size_t count, size_t n)
{
    void *p;

    if (n && count > SIZE_MAX / n)
        return NULL;
    p = arena_alloc(a, count * n);
    if (p)
        memset(p, 0, count * n);
    return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *d = arena_alloc(a, n + 1);
    if (!d)
        return NULL;
    if (n)
        memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *arena_strview(struct arena *a, struct str s)
{
    return arena_strndup(a, s.p, s.len);
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap, cp;
    int n;
    char *d;

    va_start(ap, fmt);
    va_copy(cp, ap);
    n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0) {
        va_end(ap);
        return NULL;
    }
    d = arena_alloc(a, (size_t)n + 1);
    if (d)
        vsnprintf(d, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return d;
}

void arena_release(struct arena *a)
{
    if (!a)
        return;
    while (a->head) {
        struct arena_chunk *n = a->head->next;
        mem_free(a->head);
        a->head = n;
    }
    a->used = 0;
}

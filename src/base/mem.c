/*
 * Allocation wrappers: see mem.h. The failure hook costs one relaxed atomic
 * load per allocation when it is off.
 */
#include "base/common.h"

#include <stdatomic.h>

#include "base/mem.h"

static atomic_long fail_countdown = -1;
static atomic_long failed;

static int should_fail(void)
{
    long c = atomic_load_explicit(&fail_countdown, memory_order_relaxed);
    if (c < 0)
        return 0;
    c = atomic_fetch_sub(&fail_countdown, 1);
    if (c == 0) {
        atomic_store(&fail_countdown, -1);
        atomic_fetch_add(&failed, 1);
        return 1;
    }
    return 0;
}

long mem_fail_after(long n)
{
    long f = atomic_exchange(&failed, 0);
    atomic_store(&fail_countdown, n < 0 ? -1 : n);
    return f;
}

void *mem_alloc(size_t n)
{
    if (should_fail())
        return NULL;
    return malloc(n ? n : 1);
}

void *mem_calloc(size_t count, size_t n)
{
    if (should_fail())
        return NULL;
    return calloc(count ? count : 1, n ? n : 1);
}

void *mem_realloc(void *p, size_t n)
{
    if (should_fail())
        return NULL;
    return realloc(p, n ? n : 1);
}

char *mem_strdup(const char *s)
{
    return mem_strndup(s, strlen(s));
}

char *mem_strndup(const char *s, size_t n)
{
    char *d = mem_alloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

void *mem_dup(const void *p, size_t n)
{
    void *d = mem_alloc(n);
    if (d && n)
        memcpy(d, p, n);
    return d;
}

void mem_free(void *p)
{
    free(p);
}

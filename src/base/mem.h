/*
 * Allocation wrappers with a test-only failure hook.
 *
 * All Trellis code allocates through mem_*(), and jansson is pointed at the
 * same functions, so out-of-memory tests can make the Nth allocation fail and
 * check that the caller fails cleanly: no crash, no leak. Without the hook
 * these are plain malloc/calloc/realloc. Thread-safe.
 */
#ifndef TRELLIS_MEM_H
#define TRELLIS_MEM_H

#include <stddef.h>

/*
 * Same contracts as malloc/calloc/realloc/strdup, NULL on failure, except that
 * a zero size still returns a unique pointer. mem_strndup copies exactly n
 * bytes of s (a view that need not be NUL-terminated) and adds a NUL.
 */
void *mem_alloc(size_t n);
void *mem_calloc(size_t count, size_t n);
void *mem_realloc(void *p, size_t n);
char *mem_strdup(const char *s);
char *mem_strndup(const char *s, size_t n);
/* Duplicate n bytes of p. */
void *mem_dup(const void *p, size_t n);
void mem_free(void *p);

/*
 * Test hook: make the allocation after the next n succeed fail (n = 0 fails
 * the very next one); a negative n turns failures off. Returns the number of
 * allocations that failed since the last call.
 */
long mem_fail_after(long n);

#endif

/*
 * A hash map from strings to small fixed records, for bulk work such as a
 * roster import that must resolve hundreds of thousands of identifiers
 * (open addressing with linear probing; keys are copied into the map's own
 * arena). Not thread-safe; one map belongs to one unit of work.
 */
#ifndef TRELLIS_STRMAP_H
#define TRELLIS_STRMAP_H

#include <stdint.h>

#include "base/arena.h"
#include "base/common.h"
#include "base/str.h"

struct strmap_entry {
    const char *key; /* NUL-terminated copy; NULL: empty slot */
    int64_t id;      /* the caller's value */
    int64_t aux;     /* the caller's second value */
    uint32_t hash;
    uint16_t klen;
    uint16_t flags; /* the caller's bits */
};

struct strmap {
    struct strmap_entry *slots;
    size_t cap; /* a power of two, or 0 */
    size_t n;
    struct arena keys;
};

#define STRMAP_INIT            \
    {                          \
        NULL, 0, 0, ARENA_INIT \
    }

/* The entry for key, or NULL. Borrowed until the next put. */
struct strmap_entry *strmap_get(const struct strmap *m, struct str key);
/*
 * The entry for key, added (zeroed but for the key) if it was missing, in
 * which case *ret_added is set. 0 or -ENOMEM. The pointer is valid until
 * the next put.
 */
int strmap_put(struct strmap *m, struct str key, struct strmap_entry **ret, bool *ret_added);
/* Free everything; the map is empty and reusable after. NULL-safe. */
void strmap_release(struct strmap *m);

#define strmap_foreach(m, e)                                                                \
    for (struct strmap_entry *e = (m)->slots; (m)->slots && e < (m)->slots + (m)->cap; e++) \
        if (e->key)

#endif

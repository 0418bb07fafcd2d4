/*
 * String hash map: see strmap.h. FNV-1a hashing; the table doubles at 7/8
 * full (linear probing stays fast there, and big imports need the memory).
 */
#include "base/common.h"

#include "base/mem.h"
#include "base/strmap.h"

static uint32_t hash(struct str k)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < k.len; i++) {
        h ^= (unsigned char)k.p[i];
        h *= 1099511628211ULL;
    }
    return (uint32_t)(h ^ (h >> 32));
}

static struct strmap_entry *find(struct strmap_entry *slots, size_t cap, struct str key, uint32_t h)
{
    size_t i = h & (cap - 1);
    for (;;) {
        struct strmap_entry *e = &slots[i];
        if (!e->key || (e->hash == h && e->klen == key.len && memcmp(e->key, key.p, key.len) == 0))
            return e;
        i = (i + 1) & (cap - 1);
    }
}

struct strmap_entry *strmap_get(const struct strmap *m, struct str key)
{
    struct strmap_entry *e;
    if (!m->cap || key.len > UINT16_MAX)
        return NULL;
    e = find(m->slots, m->cap, key, hash(key));
    return e->key ? e : NULL;
}

static int grow(struct strmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 1024;
    struct strmap_entry *slots = mem_calloc(cap, sizeof(*slots));
    if (!slots)
        return -ENOMEM;
    for (size_t i = 0; i < m->cap; i++) {
        struct strmap_entry *o = &m->slots[i];
        if (o->key)
            *find(slots, cap, (struct str){o->key, o->klen}, o->hash) = *o;
    }
    mem_free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return 0;
}

int strmap_put(struct strmap *m, struct str key, struct strmap_entry **ret, bool *ret_added)
{
    struct strmap_entry *e;
    char *k;

    uint32_t h;

    if (key.len > UINT16_MAX)
        return -E2BIG;
    if ((m->n + 1) * 8 > m->cap * 7) {
        int r = grow(m);
        if (r < 0)
            return r;
    }
    h = hash(key);
    e = find(m->slots, m->cap, key, h);
    if (e->key) {
        *ret = e;
        if (ret_added)
            *ret_added = false;
        return 0;
    }
    k = arena_strndup(&m->keys, key.p ? key.p : "", key.len);
    if (!k)
        return -ENOMEM;
    memset(e, 0, sizeof(*e));
    e->key = k;
    e->hash = h;
    e->klen = (uint16_t)key.len;
    m->n++;
    *ret = e;
    if (ret_added)
        *ret_added = true;
    return 0;
}

void strmap_release(struct strmap *m)
{
    if (!m)
        return;
    mem_free(m->slots);
    arena_release(&m->keys);
    m->slots = NULL;
    m->cap = 0;
    m->n = 0;
}

/*
 * The session cache (see auth_internal.h): the principal of a session
 * token, kept for session_cache_ms (1 s) so that a page's many requests do not each
 * read the session, its account and its roles. An entry holds only while
 * the store's write generation (store_write_gen) is the one noted before
 * the rows were read: any write committed through the store in the
 * meantime (a logout, a disabled account, a role or roster change, a card
 * revoked, a second factor checked) empties the cache at once, for every
 * session. The session touch and the audit and LRS writers do not count
 * (they write nothing the cache holds). Writes by another process (the
 * command line on the same database) are seen within session_cache_ms.
 *
 * A fixed table of slots by the token digest, under one mutex; a slot is
 * copied in and out whole (the principal's name and grants live in it).
 */
#include "base/common.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>

#include "app/auth_internal.h"
#include "base/mem.h"
#include "store/store.h"

#define SLOTS  256
#define GRANTS 16

struct slot {
    bool used;
    uint8_t key[AUTH_HASH_LEN];
    uint64_t gen;
    int64_t filled_ms, seen_at, expires_at;
    struct principal p;
    char name[128];
    struct principal_grant grants[GRANTS];
};

struct auth_cache {
    pthread_mutex_t mu;
    struct slot slot[SLOTS];
};

static const char cache_key = 'S'; /* the store service key: this address */

static int cache_create(struct store *s, void **ret)
{
    struct auth_cache *ac = mem_calloc(1, sizeof(*ac));
    (void)s;
    if (!ac)
        return -ENOMEM;
    pthread_mutex_init(&ac->mu, NULL);
    *ret = ac;
    return 0;
}

static void cache_destroy(void *svc)
{
    struct auth_cache *ac = svc;
    pthread_mutex_destroy(&ac->mu);
    sodium_memzero(ac, sizeof(*ac));
    mem_free(ac);
}

static struct auth_cache *cache_of(struct ctx *c)
{
    void *svc;
    return store_service(c->store, &cache_key, cache_create, cache_destroy, &svc) == 0 ? svc : NULL;
}

static struct slot *slot_of(struct auth_cache *ac, const uint8_t key[AUTH_HASH_LEN])
{
    return &ac->slot[key[0]];
}

int auth_cache_get(struct ctx *c, const uint8_t key[AUTH_HASH_LEN], struct auth_cached *ret)
{
    struct auth_cache *ac = cache_of(c);
    struct principal *p;
    struct principal_grant *g;
    struct slot *sl, copy;
    bool hit;

    if (!ac || !c->cfg || c->cfg->session_cache_ms <= 0)
        return 0;
    sl = slot_of(ac, key);
    pthread_mutex_lock(&ac->mu);
    hit = sl->used && sodium_memcmp(sl->key, key, AUTH_HASH_LEN) == 0 &&
          sl->gen == store_write_gen(c->store) && c->now_ms >= sl->filled_ms &&
          c->now_ms - sl->filled_ms < c->cfg->session_cache_ms &&
          c->now_ms / DAY_MS == sl->filled_ms / DAY_MS; /* roles hold by the day */
    if (hit)
        copy = *sl;
    pthread_mutex_unlock(&ac->mu);
    if (!hit)
        return 0;
    p = arena_alloc(c->arena, sizeof(*p));
    g = copy.p.n_grants ? arena_alloc(c->arena, copy.p.n_grants * sizeof(*g)) : NULL;
    char *name = arena_strdup(c->arena, copy.name);
    if (!p || !name || (copy.p.n_grants && !g))
        return 0;
    *p = copy.p;
    if (g)
        memcpy(g, copy.grants, copy.p.n_grants * sizeof(*g));
    p->grants = g;
    p->name = name;
    ret->who = p;
    ret->seen_at = copy.seen_at;
    ret->expires_at = copy.expires_at;
    return 1;
}

void auth_cache_put(struct ctx *c, const uint8_t key[AUTH_HASH_LEN], uint64_t gen,
                    const struct auth_cached *e)
{
    struct auth_cache *ac = cache_of(c);
    const struct principal *p = e->who;
    struct slot *sl;

    if (!ac || !c->cfg || c->cfg->session_cache_ms <= 0 || p->n_grants > GRANTS || !p->name ||
        strlen(p->name) >= sizeof(sl->name))
        return;
    sl = slot_of(ac, key);
    pthread_mutex_lock(&ac->mu);
    /* rows read before a write that committed since are not kept */
    if (gen == store_write_gen(c->store)) {
        sl->used = true;
        memcpy(sl->key, key, AUTH_HASH_LEN);
        sl->gen = gen;
        sl->filled_ms = c->now_ms;
        sl->seen_at = e->seen_at;
        sl->expires_at = e->expires_at;
        sl->p = *p;
        sl->p.name = NULL;
        sl->p.grants = NULL;
        snprintf(sl->name, sizeof(sl->name), "%s", p->name);
        if (p->n_grants)
            memcpy(sl->grants, p->grants, p->n_grants * sizeof(*p->grants));
    }
    pthread_mutex_unlock(&ac->mu);
}

void auth_cache_seen(struct ctx *c, const uint8_t key[AUTH_HASH_LEN], int64_t seen_at)
{
    struct auth_cache *ac = cache_of(c);
    struct slot *sl;
    if (!ac)
        return;
    sl = slot_of(ac, key);
    pthread_mutex_lock(&ac->mu);
    if (sl->used && sodium_memcmp(sl->key, key, AUTH_HASH_LEN) == 0 && sl->seen_at < seen_at)
        sl->seen_at = seen_at;
    pthread_mutex_unlock(&ac->mu);
}

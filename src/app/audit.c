/*
 * The audit log: see audit.h.
 *
 * Group commit (groupcommit.h): one writer per store, with its own
 * connection. Requests queue units of work and wait (or are woken); the
 * writer runs every queued unit in one write transaction, without a
 * savepoint each (when one fails, the batch is rolled back and run again
 * with a savepoint per unit, so that one is rolled back alone), commits
 * once (one fsync in SQLite WAL with synchronous=FULL), then tells the
 * callers. Appending locks the
 * chain head once per batch inside that transaction and keeps it in memory
 * for the batch, so entries of one batch chain one after another, and the
 * head (keyed by the store) is written once before the commit.
 *
 * Verify walks every entry in id order in one read snapshot; checkpoints
 * are made from that walk, so a checkpoint is only ever taken of a log
 * that verifies.
 */
#include "base/common.h"

#include <sodium.h>
#include <stdio.h>

#include "app/access.h"
#include "app/audit.h"
#include "app/groupcommit.h"
#include "app/principal.h"
#include "base/buf.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "store/seal.h"
#include "store/store.h"
#include "store/store_audit.h"
#include "store/store_auth.h"
#include "store/store_people.h"

/* ---- hashing ---- */

static void put_field(crypto_generichash_state *h, const char *s, size_t n)
{
    uint8_t len[4] = {(uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n};
    crypto_generichash_update(h, len, 4);
    crypto_generichash_update(h, (const unsigned char *)s, n);
}

static void put_str(crypto_generichash_state *h, const char *s)
{
    put_field(h, s, strlen(s));
}

static void put_int(crypto_generichash_state *h, int64_t v)
{
    char t[24];
    int n = snprintf(t, sizeof(t), "%lld", (long long)v);
    put_field(h, t, (size_t)n);
}

static void entry_hash(const struct audit_row *w, uint8_t out[AUDIT_HASH_LEN])
{
    static const char domain[] = "trellis-audit-v1";
    crypto_generichash_state h;

    crypto_generichash_init(&h, NULL, 0, AUDIT_HASH_LEN);
    crypto_generichash_update(&h, (const unsigned char *)domain, sizeof(domain) - 1);
    crypto_generichash_update(&h, w->prev_hash, AUDIT_HASH_LEN);
    put_int(&h, w->chain);
    put_int(&h, w->seq);
    put_int(&h, w->at);
    put_str(&h, w->actor_kind);
    put_int(&h, w->actor_id);
    put_str(&h, w->actor_name);
    put_str(&h, w->client_addr);
    put_str(&h, w->request_id);
    put_str(&h, w->action);
    put_str(&h, w->object);
    put_str(&h, w->subjects);
    put_str(&h, w->purpose);
    put_str(&h, w->outcome);
    put_str(&h, w->detail);
    crypto_generichash_final(&h, out, AUDIT_HASH_LEN);
}

static void entry_tag(const struct seal *s, const uint8_t hash[AUDIT_HASH_LEN],
                      uint8_t out[AUDIT_TAG_LEN])
{
    uint8_t in[9 + AUDIT_HASH_LEN];
    memcpy(in, "audit-tag", 9);
    memcpy(in + 9, hash, AUDIT_HASH_LEN);
    seal_index(s, in, sizeof(in), out);
}

static const char *actor_kind(const struct principal *p)
{
    if (!p)
        return "anonymous";
    switch (p->kind) {
    case PRINCIPAL_USER:
        return "user";
    case PRINCIPAL_CLIENT:
        return "client";
    case PRINCIPAL_OPERATOR:
        return "operator";
    case PRINCIPAL_SYSTEM:
        return "system";
    }
    return "anonymous";
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The sorted, distinct subjects of e (malloc'ed) and their text. */
static int subjects_of(const struct audit_entry *e, int64_t **ret_v, size_t *ret_n,
                       struct buf *text)
{
    int64_t *v = NULL;
    size_t n = 0;

    if (e->n_subjects) {
        v = mem_alloc(e->n_subjects * sizeof(*v));
        if (!v)
            return -ENOMEM;
        memcpy(v, e->subjects, e->n_subjects * sizeof(*v));
        qsort(v, e->n_subjects, sizeof(*v), cmp_i64);
        for (size_t i = 0; i < e->n_subjects; i++)
            if (i == 0 || v[i] != v[n - 1])
                v[n++] = v[i];
    }
    for (size_t i = 0; i < n; i++) {
        if (buf_appendf(text, "%s%lld", i ? "," : "", (long long)v[i]) < 0) {
            mem_free(v);
            return -ENOMEM;
        }
    }
    *ret_v = v;
    *ret_n = n;
    return 0;
}

/* Text of an entry's fields, as audit_append() fills them in. */
static void fill_row(struct ctx *c, const struct audit_entry *e, struct audit_row *w)
{
    const struct principal *p = c->who;
    w->at = c->now_ms;
    w->actor_kind = actor_kind(p);
    w->actor_id = p ? p->account_id : e->actor_account_id;
    w->actor_name = e->actor_name ? e->actor_name : (p && p->name ? p->name : "anonymous");
    w->client_addr = c->client_addr ? c->client_addr : "-";
    w->request_id = c->req_id ? c->req_id : "-";
    w->action = e->action;
    w->object = e->object ? e->object : "";
    w->purpose = c->purpose ? c->purpose : "";
    w->outcome = e->outcome ? e->outcome : "ok";
    w->detail = e->detail ? e->detail : "";
}

/*
 * Write e as entry seq of chain after prev (hashed, tagged, indexed by
 * student); its hash into ret_hash. The head is the caller's.
 */
static int write_entry(struct ctx *c, struct db *db, const struct audit_entry *e, int64_t chain,
                       int64_t seq, const uint8_t prev[AUDIT_HASH_LEN],
                       uint8_t ret_hash[AUDIT_HASH_LEN])
{
    struct buf subj = BUF_INIT(16u << 20);
    struct audit_row w;
    int64_t *ids = NULL, id;
    size_t n_ids = 0;
    int r;

    memset(&w, 0, sizeof(w));
    r = subjects_of(e, &ids, &n_ids, &subj);
    if (r < 0)
        goto out;
    w.chain = chain;
    w.seq = seq;
    memcpy(w.prev_hash, prev, AUDIT_HASH_LEN);
    fill_row(c, e, &w);
    w.subjects = buf_cstr(&subj);
    entry_hash(&w, w.hash);
    entry_tag(store_seal(c->store), w.hash, w.tag);
    r = store_audit_insert_indexed(db, &w, ids, n_ids, &id);
    if (r == 0)
        memcpy(ret_hash, w.hash, AUDIT_HASH_LEN);
out:
    mem_free(ids);
    buf_release(&subj);
    return r;
}

/*
 * The chain head during a group-commit batch: the writer thread locks a
 * chain's head once per batch, appends in memory and writes the head back
 * once before the commit (one slot: a batch rarely spans two districts).
 * Only the writer thread sets head_cache, for its own connection; every
 * other caller reads and writes the head row on each append.
 */
struct head_cache {
    struct db *db;
    bool valid, dirty;
    int64_t chain, seq;
    uint8_t head[AUDIT_HASH_LEN];
};
static _Thread_local struct head_cache *head_cache;

static int head_flush(struct head_cache *h)
{
    int r = 0;
    if (h->valid && h->dirty)
        r = store_audit_set_head(h->db, h->chain, h->seq, h->head);
    if (r == 0)
        h->dirty = false;
    return r;
}

/*
 * Lock a chain's head and chain onto it. A head whose MAC does not match
 * was rewritten outside Trellis (the newest entries removed and the head
 * set back, most likely): the next head written is keyed again, which
 * would hide that, so an alert entry saying so is chained first and stays
 * in the log (audit verify reports it). The same when a new chain finds
 * the list of chains altered. *seq and prev are then the alert's.
 */
static int head_lock(struct ctx *c, struct db *db, int64_t chain, int64_t *seq,
                     uint8_t prev[AUDIT_HASH_LEN])
{
    struct audit_head h;
    char detail[300];
    int r = store_audit_lock_head(db, chain, &h);

    if (r < 0)
        return r;
    *seq = h.seq;
    memcpy(prev, h.hash, AUDIT_HASH_LEN);
    for (int k = 0; k < 2; k++) {
        struct audit_entry alert = {
            .district_id = chain, .action = "alert", .outcome = "failed", .detail = detail};
        if (k == 0 && !h.keyed) {
            alert.object = AUDIT_TAMPER_HEAD;
            snprintf(detail, sizeof(detail),
                     "the chain head (#%lld) was not written by Trellis: its MAC does not match "
                     "the sealing key; entries after #%lld may have been removed and the head "
                     "rewritten",
                     (long long)h.seq, (long long)h.seq);
        } else if (k == 1 && h.created && !h.list_keyed) {
            alert.object = AUDIT_TAMPER_LIST;
            snprintf(detail, sizeof(detail),
                     "the list of chains was not written by Trellis: its MAC does not match the "
                     "sealing key; a chain may have been deleted whole");
        } else {
            continue;
        }
        r = write_entry(c, db, &alert, chain, *seq + 1, prev, prev);
        if (r < 0)
            return r;
        (*seq)++;
    }
    return 0;
}

int audit_append(struct ctx *c, struct db *db, const struct audit_entry *e)
{
    const struct principal *p = c->who;
    struct head_cache *cache = head_cache && head_cache->db == db ? head_cache : NULL;
    uint8_t prev[AUDIT_HASH_LEN], hash[AUDIT_HASH_LEN];
    int64_t chain = e->district_id ? e->district_id : (p ? p->district_id : 0), seq;
    int r = 0;

    if (cache && cache->valid && cache->chain != chain) {
        r = head_flush(cache);
        if (r < 0)
            goto out;
        cache->valid = false;
    }
    if (cache && cache->valid) {
        seq = cache->seq;
        memcpy(prev, cache->head, AUDIT_HASH_LEN);
    } else {
        r = head_lock(c, db, chain, &seq, prev);
        if (r < 0)
            goto out;
        if (cache) {
            cache->valid = true;
            cache->dirty = true; /* alerts may have been chained */
            cache->chain = chain;
            cache->seq = seq;
            memcpy(cache->head, prev, AUDIT_HASH_LEN);
        }
    }
    r = write_entry(c, db, e, chain, seq + 1, prev, hash);
    if (r < 0)
        goto out;
    if (cache) {
        cache->seq = seq + 1;
        memcpy(cache->head, hash, AUDIT_HASH_LEN);
        cache->dirty = true;
    } else {
        r = store_audit_set_head(db, chain, seq + 1, hash);
    }
out:
    if (r < 0)
        return ctx_fail(c, r, "cannot write the audit log");
    return 0;
}

/* ---- group commit (groupcommit.h): one writer per store ---- */

/*
 * The students each person was already counted for by the tripwire this
 * hour, so that reading the same class again in the hour counts nothing
 * new: the tripwire is about how many different students' records leave,
 * not how often a teacher reloads a page. Kept by the writer thread (in
 * memory, per store): a restart or a failed batch empties it, and then
 * every record counts again, as if first seen (never fewer than before).
 * Keys are a mix of (district, kind, account, student); past SEEN_MAX
 * keys in an hour nothing more is remembered (all counted).
 */
#define SEEN_MAX (1u << 21)

struct seen_set {
    uint64_t *k; /* 0: empty */
    size_t cap, n;
    int64_t hour;
};

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static uint64_t seen_key(const struct principal *p, int64_t subject)
{
    uint64_t h = mix64((uint64_t)p->district_id);
    h = mix64(h ^ (uint64_t)p->kind);
    h = mix64(h ^ (uint64_t)p->account_id);
    h = mix64(h ^ (uint64_t)subject);
    return h ? h : 1;
}

static void seen_clear(struct seen_set *s)
{
    mem_free(s->k);
    *s = (struct seen_set){0};
}

static bool seen_has(const struct seen_set *s, uint64_t key)
{
    if (!s->cap)
        return false;
    for (size_t i = key & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
        if (s->k[i] == key)
            return true;
        if (!s->k[i])
            return false;
    }
}

/* Remember key; a full set (or no memory) just stops remembering. */
static void seen_add(struct seen_set *s, uint64_t key)
{
    if (s->n >= SEEN_MAX)
        return;
    if (2 * (s->n + 1) > s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 1024;
        uint64_t *k = mem_calloc(cap, sizeof(*k));
        if (!k)
            return;
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->k[i])
                continue;
            size_t j = s->k[i] & (cap - 1);
            while (k[j])
                j = (j + 1) & (cap - 1);
            k[j] = s->k[i];
        }
        mem_free(s->k);
        s->k = k;
        s->cap = cap;
    }
    size_t i = key & (s->cap - 1);
    while (s->k[i] && s->k[i] != key)
        i = (i + 1) & (s->cap - 1);
    if (!s->k[i]) {
        s->k[i] = key;
        s->n++;
    }
}

struct audit_writer {
    struct groupcommit *gc;
    struct head_cache cache; /* the batch's; the writer thread's only */
    struct seen_set seen;    /* the tripwire's students this hour; the writer thread's only */
};

/* The writer's seen set while a batch runs (the writer thread's only). */
static struct seen_set *seen_now;

struct unit {
    struct groupcommit_unit gu; /* first: the writer hands it back */
    struct ctx *c;
    int (*fn)(struct ctx *c, struct db *db, void *arg);
    void *arg;
};

static const char writer_key = 'A'; /* the store service key: this address */

static int writer_begin(struct db *db, void *state, struct groupcommit_unit *batch)
{
    struct audit_writer *aw = state;
    (void)batch;
    memset(&aw->cache, 0, sizeof(aw->cache));
    aw->cache.db = db;
    head_cache = &aw->cache;
    seen_now = &aw->seen;
    return 0;
}

static int writer_end(struct db *db, void *state, struct groupcommit_unit *batch)
{
    struct audit_writer *aw = state;
    (void)db;
    (void)batch;
    head_cache = NULL;
    return head_flush(&aw->cache);
}

/* The first pass was rolled back: what it remembered for the tripwire did not happen. */
static void writer_retry(void *state, struct groupcommit_unit *batch)
{
    struct audit_writer *aw = state;
    (void)batch;
    head_cache = NULL;
    seen_clear(&aw->seen);
}

static void writer_finish(void *state, struct groupcommit_unit *batch, int r)
{
    struct audit_writer *aw = state;
    (void)batch;
    head_cache = NULL;
    seen_now = NULL;
    if (r < 0) /* the batch's disclosures did not happen: count everyone again */
        seen_clear(&aw->seen);
}

/* One unit in its savepoint: a failing one takes its entries (and the head it moved) back. */
static int unit_run(struct groupcommit_unit *gu, struct db *db, void *state)
{
    struct audit_writer *aw = state;
    struct unit *u = (struct unit *)gu;
    struct head_cache before = aw->cache;

    gu->r = u->fn(u->c, db, u->arg);
    if (gu->r < 0)
        aw->cache = before;
    return 0;
}

static const struct groupcommit_ops writer_ops = {
    .thread_name = "audit-writer",
    .begin = writer_begin,
    .end = writer_end,
    .finish = writer_finish,
    .retry = writer_retry,
};

static int writer_create(struct store *s, void **ret)
{
    struct audit_writer *aw = mem_calloc(1, sizeof(*aw));
    int r;
    if (!aw)
        return -ENOMEM;
    r = groupcommit_new(s, &writer_ops, aw, &aw->gc);
    if (r < 0) {
        mem_free(aw);
        return r;
    }
    *ret = aw;
    return 0;
}

static void writer_destroy(void *svc)
{
    struct audit_writer *aw = svc;
    groupcommit_free(aw->gc);
    seen_clear(&aw->seen);
    mem_free(aw);
}

/* Queue u; with wait, until it is done. 0, or an error before it was queued. */
static int enqueue(struct ctx *c, struct unit *u, bool wait)
{
    void *svc;
    struct audit_writer *aw;
    int r = store_service(c->store, &writer_key, writer_create, writer_destroy, &svc);

    if (r < 0)
        return ctx_fail(c, r, "the audit log is not available");
    aw = svc;
    u->gu.run = unit_run;
    u->gu.savepoint = true;
    r = wait ? groupcommit_run(aw->gc, &u->gu) : groupcommit_submit(aw->gc, &u->gu);
    if (r < 0)
        return ctx_fail(c, r, "the server is stopping");
    return 0;
}

int audit_ready(struct store *s)
{
    void *svc;
    return store_service(s, &writer_key, writer_create, writer_destroy, &svc);
}

static int append_unit(struct ctx *c, struct db *db, void *arg)
{
    return audit_append(c, db, arg);
}

int audit_append_group(struct ctx *c, const struct audit_entry *e)
{
    return audit_group(c, append_unit, (void *)(uintptr_t)e);
}

int audit_group(struct ctx *c, int (*fn)(struct ctx *c, struct db *db, void *arg), void *arg)
{
    struct unit u = {.c = c, .fn = fn, .arg = arg};
    int r = enqueue(c, &u, true);
    if (r < 0)
        return r;
    if (u.gu.r < 0 && !c->err[0])
        ctx_fail(c, u.gu.r, "cannot write the audit log");
    return u.gu.r;
}

/* ---- disclosure and the tripwire ---- */

struct disclose {
    const struct audit_entry *e;
    size_t n;
    int64_t records;
    bool denied;
};

static bool counted_subject(const struct principal *p, int64_t subject)
{
    return !p || p->kind != PRINCIPAL_USER || subject != p->user_id;
}

/*
 * The records of d that count toward the tripwire: every student record but
 * a person's own, and of those only students not already counted for this
 * person this hour (seen_now).
 */
static int64_t count_new(const struct principal *p, struct seen_set *seen, int64_t hour,
                         const struct disclose *d)
{
    int64_t count = 0;
    if (seen && seen->hour != hour) {
        seen_clear(seen);
        seen->hour = hour;
    }
    for (size_t k = 0; k < d->n; k++) {
        const struct audit_entry *e = &d->e[k];
        if (e->n_records) {
            count += e->n_records;
            continue;
        }
        for (size_t i = 0; i < e->n_subjects; i++) {
            if (counted_subject(p, e->subjects[i]) &&
                !(p && seen && seen_has(seen, seen_key(p, e->subjects[i]))))
                count++;
        }
    }
    return count;
}

static void remember(const struct principal *p, struct seen_set *seen, const struct disclose *d)
{
    if (!p || !seen)
        return;
    for (size_t k = 0; k < d->n; k++)
        for (size_t i = 0; i < d->e[k].n_subjects; i++)
            if (counted_subject(p, d->e[k].subjects[i]))
                seen_add(seen, seen_key(p, d->e[k].subjects[i]));
}

static int disclose_unit(struct ctx *c, struct db *db, void *arg)
{
    struct disclose *d = arg;
    const struct principal *p = c->who;
    int64_t hour = c->now_ms / 3600000, this_h = 0, prev_h = 0, limit = c->cfg->export_alert_limit;
    bool alerted = false;
    int r;

    d->denied = false; /* a batch run again runs this again */
    d->records = count_new(p, seen_now, hour, d);

    if (p && d->records > 0) {
        /* count first (one statement); a refused disclosure takes its records back below */
        r = store_tripwire_add(db, p->district_id, (int)p->kind, p->account_id, hour, d->records,
                               &this_h, &prev_h, &alerted);
        if (r < 0)
            return r;
        /* a sliding hour: this hour's count and the part of the last hour still inside it */
        double into = (double)(c->now_ms % 3600000) / 3600000.0;
        double estimate = (double)this_h + (double)prev_h * (1.0 - into);
        if (estimate > (double)limit) {
            bool fresh = p->kind != PRINCIPAL_USER ||
                         (p->mfa_at_ms && c->now_ms - p->mfa_at_ms <= AUDIT_MFA_FRESH_MS);
            char detail[256];
            d->denied = !fresh;
            if (!alerted || d->denied) {
                snprintf(detail, sizeof(detail),
                         "bulk-export tripwire: about %.0f student records within an hour "
                         "(limit %lld); %s",
                         estimate, (long long)limit,
                         d->denied ? "blocked until a second factor is checked again"
                         : p->kind == PRINCIPAL_USER ? "allowed after a fresh second factor"
                                                     : "allowed (no second factor for this kind)");
                struct audit_entry alert = {.district_id = d->e[0].district_id,
                                            .action = "alert",
                                            .object = d->e[0].object,
                                            .outcome = d->denied ? "denied" : "ok",
                                            .detail = detail};
                r = audit_append(c, db, &alert);
                if (r < 0)
                    return r;
                if (!alerted && !d->denied) {
                    r = store_tripwire_mark_alerted(db, p->district_id, (int)p->kind, p->account_id,
                                                    hour);
                    if (r < 0)
                        return r;
                }
            }
            if (d->denied) {
                r = store_tripwire_add(db, p->district_id, (int)p->kind, p->account_id, hour,
                                       -d->records, &this_h, &prev_h, &alerted);
                if (r < 0)
                    return r;
            }
        }
    }
    for (size_t i = 0; i < d->n; i++) {
        if (d->denied) {
            struct audit_entry denied = d->e[i];
            denied.outcome = "denied";
            denied.detail = "a fresh second factor is needed (bulk-export tripwire)";
            r = audit_append(c, db, &denied);
        } else {
            r = audit_append(c, db, &d->e[i]);
        }
        if (r < 0)
            return r;
    }
    if (!d->denied)
        remember(p, seen_now, d);
    return 0;
}

struct audit_pending {
    struct unit u;
    struct disclose d;
};

void audit_disclose_submit(struct ctx *c, const struct audit_entry *e, size_t n,
                           void (*wake)(void *arg), void *arg, struct audit_pending **ret)
{
    struct audit_pending *p = arena_calloc(c->arena, 1, sizeof(*p));
    int r;

    *ret = p;
    if (!p) {
        /* nothing queued: wake at once; the result says out of memory */
        wake(arg);
        return;
    }
    p->d.e = e;
    p->d.n = n;
    p->d.records = 0; /* counted by the writer (count_new) */
    p->u.c = c;
    p->u.fn = disclose_unit;
    p->u.arg = &p->d;
    p->u.gu.wake = wake;
    p->u.gu.wake_arg = arg;
    r = enqueue(c, &p->u, false);
    if (r < 0) {
        p->u.gu.r = r;
        p->u.gu.done = true;
        wake(arg);
    }
}

int audit_disclose_result(struct ctx *c, const struct audit_pending *p)
{
    if (!p)
        return ctx_fail(c, -ENOMEM, "out of memory");
    if (p->u.gu.r < 0)
        return c->err[0] ? p->u.gu.r : ctx_fail(c, p->u.gu.r, "cannot write the audit log");
    if (p->d.denied)
        return ctx_fail(c, -ENOKEY,
                        "second factor: you have received many student records within the hour; "
                        "confirm a code from your authenticator to go on");
    return 0;
}

int audit_disclose(struct ctx *c, const struct audit_entry *e, size_t n)
{
    struct disclose d = {e, n, 0, false};
    int r;

    r = audit_group(c, disclose_unit, &d);
    if (r < 0)
        return r;
    if (d.denied)
        return ctx_fail(c, -ENOKEY,
                        "second factor: you have received many student records within the hour; "
                        "confirm a code from your authenticator to go on");
    return 0;
}

/* ---- verify and checkpoints ---- */

struct chain_state {
    int64_t chain, seq;
    uint8_t head[AUDIT_HASH_LEN];
    bool has_head; /* a head row */
};

struct subj_row {
    int64_t entry, district, user;
};

/* A line of a checkpoint (see audit.h). */
struct cp_line {
    int lineno;
    int64_t chains, chain, seq;
    uint8_t head[AUDIT_HASH_LEN];
    char at[40];
};

struct verify {
    struct ctx *c;
    struct db *db;
    struct audit_verify_report *rep;
    int64_t only; /* the one chain (district) checked; -1: every chain */
    struct chain_state *chains;
    size_t n_chains, cap;
    /* the student index, merged by entry id */
    struct subj_row *subj;
    size_t n_subj, subj_at, subj_cap;
    struct buf text;
};

static int collect_subject(void *arg, int64_t entry_id, int64_t district_id, int64_t user_id)
{
    struct verify *v = arg;
    if (v->n_subj == v->subj_cap) {
        size_t cap = v->subj_cap ? v->subj_cap * 2 : 1024;
        struct subj_row *p = mem_realloc(v->subj, cap * sizeof(*p));
        if (!p)
            return -ENOMEM;
        v->subj = p;
        v->subj_cap = cap;
    }
    v->subj[v->n_subj++] = (struct subj_row){entry_id, district_id, user_id};
    return 0;
}

static struct chain_state *chain_find(struct verify *v, int64_t chain)
{
    for (size_t i = 0; i < v->n_chains; i++)
        if (v->chains[i].chain == chain)
            return &v->chains[i];
    return NULL;
}

static struct chain_state *chain_of(struct verify *v, int64_t chain)
{
    struct chain_state *s = chain_find(v, chain);
    if (s)
        return s;
    if (v->n_chains == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 8;
        struct chain_state *p = mem_realloc(v->chains, cap * sizeof(*p));
        if (!p)
            return NULL;
        v->chains = p;
        v->cap = cap;
    }
    s = &v->chains[v->n_chains++];
    memset(s, 0, sizeof(*s));
    s->chain = chain;
    return s;
}

/* Record a problem (the first one also as rep->problem): -EBADMSG. */
static int bad(struct verify *v, int64_t id, const char *fmt, ...) PRINTF_FMT(3, 4);
static int bad(struct verify *v, int64_t id, const char *fmt, ...)
{
    struct audit_verify_report *rep = v->rep;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (rep->n_problems == 0) {
        snprintf(rep->problem, sizeof(rep->problem), "%s", line);
        rep->bad_entry_id = id;
    }
    size_t used = strlen(rep->problems);
    if (used + strlen(line) + 2 < sizeof(rep->problems))
        snprintf(rep->problems + used, sizeof(rep->problems) - used, "%s\n", line);
    rep->n_problems++;
    return -EBADMSG;
}

static bool is_tamper_alert(const struct audit_row *w)
{
    return strcmp(w->action, "alert") == 0 &&
           (strcmp(w->object, AUDIT_TAMPER_HEAD) == 0 || strcmp(w->object, AUDIT_TAMPER_LIST) == 0);
}

static int verify_entry(void *arg, const struct audit_row *w)
{
    struct verify *v = arg;
    struct chain_state *s = chain_of(v, w->chain);
    uint8_t h[AUDIT_HASH_LEN], tag[AUDIT_TAG_LEN];

    if (!s)
        return -ENOMEM;
    v->rep->entries++;
    if (w->seq != s->seq + 1) {
        if (w->seq > s->seq + 1)
            return bad(v, w->id,
                       "entry %lld (chain %lld, #%lld): entries #%lld to #%lld before it were "
                       "removed",
                       (long long)w->id, (long long)w->chain, (long long)w->seq,
                       (long long)s->seq + 1, (long long)w->seq - 1);
        return bad(v, w->id, "entry %lld (chain %lld, #%lld): out of sequence (altered)",
                   (long long)w->id, (long long)w->chain, (long long)w->seq);
    }
    if (sodium_memcmp(w->prev_hash, s->head, AUDIT_HASH_LEN) != 0)
        return bad(v, w->id,
                   "entry %lld (chain %lld, #%lld): does not follow the entry before it (that "
                   "entry, #%lld, was altered or replaced)",
                   (long long)w->id, (long long)w->chain, (long long)w->seq, (long long)w->seq - 1);
    entry_hash(w, h);
    if (sodium_memcmp(h, w->hash, AUDIT_HASH_LEN) != 0)
        return bad(v, w->id, "entry %lld (chain %lld, #%lld) was altered: its hash does not match",
                   (long long)w->id, (long long)w->chain, (long long)w->seq);
    if (v->rep->tags_checked) {
        entry_tag(store_seal(v->c->store), w->hash, tag);
        if (sodium_memcmp(tag, w->tag, AUDIT_TAG_LEN) != 0)
            return bad(v, w->id,
                       "entry %lld (chain %lld, #%lld) was altered: its tag does not match the "
                       "sealing key (the chain was rewritten)",
                       (long long)w->id, (long long)w->chain, (long long)w->seq);
    }
    /* index rows of entries that do not exist (added, or left by a removed entry) */
    for (; v->subj_at < v->n_subj && v->subj[v->subj_at].entry < w->id; v->subj_at++)
        (void)bad(v, 0,
                  "the student index lists student %lld under entry %lld, which does not exist "
                  "(an index row was added, or its entry removed)",
                  (long long)v->subj[v->subj_at].user, (long long)v->subj[v->subj_at].entry);
    /* the student index must list exactly the entry's subjects, under its district */
    buf_reset(&v->text);
    for (bool first = true; v->subj_at < v->n_subj && v->subj[v->subj_at].entry == w->id;
         v->subj_at++, first = false) {
        const struct subj_row *x = &v->subj[v->subj_at];
        if (x->district != w->chain)
            return bad(v, w->id,
                       "entry %lld (chain %lld, #%lld): the student index files student %lld "
                       "under district %lld (altered: `audit show --student` would miss it)",
                       (long long)w->id, (long long)w->chain, (long long)w->seq, (long long)x->user,
                       (long long)x->district);
        if (buf_appendf(&v->text, "%s%lld", first ? "" : ",", (long long)x->user) < 0)
            return -ENOMEM;
    }
    if (strcmp(buf_cstr(&v->text), w->subjects) != 0)
        return bad(v, w->id,
                   "entry %lld (chain %lld, #%lld): the student index does not match the entry "
                   "(an index row was altered, added or removed)",
                   (long long)w->id, (long long)w->chain, (long long)w->seq);
    s->seq = w->seq;
    memcpy(s->head, w->hash, AUDIT_HASH_LEN);
    /* what Trellis found and chained into the log stays a finding (the chain itself is sound) */
    if (is_tamper_alert(w)) {
        char at[32];
        time_format_iso8601(w->at, at);
        (void)bad(v, w->id, "chain %lld: entry %lld (#%lld) records that at %s %s",
                  (long long)w->chain, (long long)w->id, (long long)w->seq, at, w->detail);
    }
    return 0;
}

static int verify_head(void *arg, int64_t chain, int64_t seq, const uint8_t head[AUDIT_HASH_LEN],
                       bool keyed)
{
    struct verify *v = arg;
    if (v->only >= 0 && chain != v->only)
        return 0; /* another district's */
    struct chain_state *s = chain_of(v, chain);
    if (!s)
        return -ENOMEM;
    v->rep->chains++;
    s->has_head = true;
    /* recorded, not stopping: every head is checked */
    if (!keyed)
        (void)bad(v, 0,
                  "chain %lld: the head (#%lld) was not written by Trellis: its MAC does not "
                  "match the sealing key; the newest entries were probably removed and the head "
                  "rewritten to #%lld",
                  (long long)chain, (long long)seq, (long long)seq);
    else if (seq > s->seq)
        (void)bad(v, 0,
                  "chain %lld: its last entries (#%lld to #%lld) were removed; #%lld is the last "
                  "one left",
                  (long long)chain, (long long)s->seq + 1, (long long)seq, (long long)s->seq);
    else if (seq != s->seq || sodium_memcmp(head, s->head, AUDIT_HASH_LEN) != 0)
        (void)bad(v, 0, "chain %lld: the head (#%lld) does not match its last entry (#%lld)",
                  (long long)chain, (long long)seq, (long long)s->seq);
    return 0;
}

/* Every chain with entries has a head; the keyed list of chains names exactly the chains. */
static void verify_chains(struct verify *v)
{
    int64_t *list = NULL;
    size_t n = 0;
    bool keyed = false;
    int r = store_audit_chain_list(v->db, &list, &n, &keyed);

    for (size_t i = 0; i < v->n_chains; i++)
        if (!v->chains[i].has_head)
            (void)bad(v, 0, "chain %lld: its head row is missing (entries up to #%lld remain)",
                      (long long)v->chains[i].chain, (long long)v->chains[i].seq);
    if (r == -ENOENT) {
        (void)bad(v, 0, "the list of chains is missing: it was deleted");
        return;
    }
    if (r == -EBADMSG) {
        (void)bad(v, 0, "the list of chains was altered: it is not a list of numbers");
        return;
    }
    if (r < 0) {
        v->rep->io_error = r;
        return;
    }
    if (!keyed)
        (void)bad(v, 0,
                  "the list of chains was not written by Trellis: its MAC does not match the "
                  "sealing key");
    for (size_t i = 0; i < n; i++)
        if ((v->only < 0 || list[i] == v->only) && !chain_find(v, list[i]))
            (void)bad(v, 0,
                      "chain %lld: it was opened (it is in the keyed list of chains) but its "
                      "head and all its entries are gone: the chain was deleted whole",
                      (long long)list[i]);
    for (size_t i = 0; i < v->n_chains; i++) {
        bool found = false;
        for (size_t k = 0; k < n && !found; k++)
            found = list[k] == v->chains[i].chain;
        if (!found)
            (void)bad(v, 0,
                      "chain %lld: it is missing from the list of chains (the list was "
                      "rewritten)",
                      (long long)v->chains[i].chain);
    }
    mem_free(list);
}

#define CP_MAGIC "trellis-audit-checkpoint/1"

/* the migration that keyed chain heads (0013_audit_keys.sql) */
#define AUDIT_KEYED_SCHEMA 13

static void cp_mac(const struct seal *s, const char *text, size_t n, uint8_t out[SEAL_MAC_LEN])
{
    static const char domain[] = "trellis-audit-checkpoint-v1";
    struct buf b = BUF_INIT(1u << 20);
    if (buf_append(&b, domain, sizeof(domain)) < 0 || buf_append(&b, text, n) < 0)
        memset(out, 0, SEAL_MAC_LEN);
    else
        seal_mac(s, b.data, b.len, out);
    buf_release(&b);
}

/* The value of "name=VALUE" at *p (one space-separated word), advancing *p. */
static bool cp_field(const char **p, const char *end, const char *name, struct str *ret)
{
    size_t n = strlen(name);
    const char *q = *p, *e;
    if ((size_t)(end - q) <= n || memcmp(q, name, n) != 0 || q[n] != '=')
        return false;
    q += n + 1;
    e = memchr(q, ' ', (size_t)(end - q));
    if (!e)
        e = end;
    *ret = (struct str){q, (size_t)(e - q)};
    *p = e < end ? e + 1 : e;
    return ret->len > 0;
}

static int cp_parse_line(struct ctx *c, int lineno, const char *p, size_t len, struct cp_line *l)
{
    const char *end = p + len, *q = p, *mac_at;
    struct str at, chains, chain, seq, head, mac;
    uint8_t want[SEAL_MAC_LEN], got[SEAL_MAC_LEN];
    int64_t at_ms;
    bool zone;

    memset(l, 0, sizeof(*l));
    l->lineno = lineno;
    if (len < sizeof(CP_MAGIC) || memcmp(p, CP_MAGIC " ", sizeof(CP_MAGIC)) != 0)
        return ctx_fail(c, -EINVAL,
                        "checkpoint line %d: not a line of `trellis audit checkpoint` (it starts "
                        "with '" CP_MAGIC "')",
                        lineno);
    q += sizeof(CP_MAGIC);
    if (!cp_field(&q, end, "at", &at) || !cp_field(&q, end, "chains", &chains) ||
        !cp_field(&q, end, "chain", &chain) || !cp_field(&q, end, "seq", &seq) ||
        !cp_field(&q, end, "head", &head) || (mac_at = q - 1, !cp_field(&q, end, "mac", &mac)) ||
        q != end)
        return ctx_fail(c, -EINVAL,
                        "checkpoint line %d: expected at=, chains=, chain=, seq=, head= and mac=, "
                        "in that order, separated by one space",
                        lineno);
    if (at.len >= sizeof(l->at) || time_parse_iso8601(at, false, &at_ms, &zone) < 0)
        return ctx_fail(c, -EINVAL, "checkpoint line %d: at: not an ISO 8601 date-time", lineno);
    memcpy(l->at, at.p, at.len);
    if (str_to_int64(chains, 1, INT64_MAX, &l->chains) < 0 ||
        str_to_int64(chain, 0, INT64_MAX, &l->chain) < 0 ||
        str_to_int64(seq, 0, INT64_MAX, &l->seq) < 0)
        return ctx_fail(c, -EINVAL, "checkpoint line %d: chains, chain and seq must be numbers",
                        lineno);
    if (head.len != 2 * AUDIT_HASH_LEN ||
        sodium_hex2bin(l->head, AUDIT_HASH_LEN, head.p, head.len, NULL, NULL, NULL) != 0 ||
        mac.len != 2 * SEAL_MAC_LEN ||
        sodium_hex2bin(got, SEAL_MAC_LEN, mac.p, mac.len, NULL, NULL, NULL) != 0)
        return ctx_fail(c, -EINVAL,
                        "checkpoint line %d: head must be %d and mac %d hexadecimal digits", lineno,
                        2 * AUDIT_HASH_LEN, 2 * SEAL_MAC_LEN);
    cp_mac(store_seal(c->store), p, (size_t)(mac_at - p), want);
    if (sodium_memcmp(want, got, SEAL_MAC_LEN) != 0)
        return ctx_fail(c, -EINVAL,
                        "checkpoint line %d: its MAC does not match this database's sealing key "
                        "(the line was altered, or it is another server's checkpoint)",
                        lineno);
    return 0;
}

/*
 * The checkpoint text: its lines (blank lines and lines starting with '#'
 * skipped), each checked by its MAC, and every checkpoint in it whole (as
 * many lines as its chains=, one per chain). Several checkpoints may be
 * appended to one file; each is checked.
 */
static int cp_parse(struct ctx *c, const char *text, size_t len, struct cp_line **ret,
                    size_t *ret_n)
{
    struct cp_line *v = NULL;
    size_t n = 0, cap = 0;
    const char *p = text, *end = text + len;
    int lineno = 0, r = 0;

    while (p < end && r == 0) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        size_t l = (size_t)(e - p);
        lineno++;
        if (l > 0 && p[l - 1] == '\r')
            l--;
        if (l > 0 && p[0] != '#') {
            if (n == cap) {
                size_t c2 = cap ? cap * 2 : 16;
                struct cp_line *q = mem_realloc(v, c2 * sizeof(*q));
                if (!q) {
                    r = -ENOMEM;
                    break;
                }
                v = q;
                cap = c2;
            }
            r = cp_parse_line(c, lineno, p, l, &v[n]);
            if (r == 0)
                n++;
        }
        p = e + (nl ? 1 : 0);
    }
    if (r == 0 && n == 0)
        r = ctx_fail(c, -EINVAL, "checkpoint: no checkpoint lines in it");
    for (size_t i = 0; i < n && r == 0; i++) {
        size_t lines = 0;
        for (size_t k = 0; k < n && r == 0; k++) {
            if (strcmp(v[k].at, v[i].at) != 0)
                continue;
            lines++;
            if (v[k].chains != v[i].chains)
                r = ctx_fail(c, -EINVAL,
                             "checkpoint line %d: the checkpoint of %s says %lld chains here, "
                             "%lld on line %d",
                             v[k].lineno, v[i].at, (long long)v[k].chains, (long long)v[i].chains,
                             v[i].lineno);
            else if (k > i && v[k].chain == v[i].chain)
                r = ctx_fail(c, -EINVAL,
                             "checkpoint line %d: chain %lld appears twice in the checkpoint of %s",
                             v[k].lineno, (long long)v[k].chain, v[i].at);
        }
        if (r == 0 && (int64_t)lines != v[i].chains)
            r = ctx_fail(c, -EINVAL,
                         "checkpoint: the checkpoint of %s has %lld chains but the file holds %zu "
                         "of its lines (a line was removed)",
                         v[i].at, (long long)v[i].chains, lines);
    }
    if (r < 0) {
        mem_free(v);
        return r;
    }
    *ret = v;
    *ret_n = n;
    return 0;
}

/* The database against each line of a checkpoint: nothing it recorded may be missing. */
static void verify_checkpoint(struct verify *v, const struct cp_line *cp, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct cp_line *l = &cp[i];
        struct chain_state *s = chain_find(v, l->chain);
        uint8_t h[AUDIT_HASH_LEN];
        int r;

        if (l->seq == 0)
            continue;
        if (!s) {
            (void)bad(v, 0,
                      "chain %lld: the whole chain (entries #1 to #%lld recorded in the "
                      "checkpoint of %s) is missing",
                      (long long)l->chain, (long long)l->seq, l->at);
            continue;
        }
        if (s->seq < l->seq) {
            (void)bad(v, 0,
                      "chain %lld: entries #%lld to #%lld recorded in the checkpoint of %s are "
                      "missing (the newest entries were removed, or the database was rolled back "
                      "to an older copy)",
                      (long long)l->chain, (long long)s->seq + 1, (long long)l->seq, l->at);
            continue;
        }
        r = store_audit_hash_at(v->db, l->chain, l->seq, h);
        if (r < 0 && r != -ENOENT) {
            v->rep->io_error = r;
            return;
        }
        if (r == -ENOENT || sodium_memcmp(h, l->head, AUDIT_HASH_LEN) != 0)
            (void)bad(v, 0,
                      "chain %lld: entry #%lld is not the one recorded in the checkpoint of %s "
                      "(the chain was rewritten, or this is another database or an older copy)",
                      (long long)l->chain, (long long)l->seq, l->at);
    }
    v->rep->checkpoint_lines = (long)n;
}

static int cmp_chain(const void *a, const void *b)
{
    const struct chain_state *x = a, *y = b;
    return (x->chain > y->chain) - (x->chain < y->chain);
}

/*
 * Walk every entry, then the heads, the list of chains and the checkpoint
 * (cp), in one read snapshot. With ret_v, the walk's state is handed on
 * (checkpoints are made from it).
 */
static int verify_run(struct ctx *c, const struct cp_line *cp, size_t n_cp,
                      struct audit_verify_report *rep, int (*emit)(struct verify *v, void *arg),
                      void *arg, int64_t only)
{
    struct verify v = {.c = c, .rep = rep, .only = only};
    int r;

    memset(rep, 0, sizeof(*rep));
    rep->tags_checked = store_seal(c->store) != NULL;
    buf_init(&v.text, 16u << 20);
    r = ctx_db(c, &v.db);
    if (r < 0)
        goto out;
    /* verify opens the database read-only, so it never upgrades it itself */
    int64_t version = 0;
    r = store_schema_version(v.db, &version);
    if (r == 0 && version < AUDIT_KEYED_SCHEMA) {
        r = ctx_fail(c, -EINVAL,
                     "the database's schema (version %lld) is older than keyed audit heads "
                     "(%d): open it once with a command that writes (trellis serve, trellis "
                     "audit show) to upgrade it, then verify",
                     (long long)version, AUDIT_KEYED_SCHEMA);
        goto out;
    }
    if (r < 0)
        goto out;
    r = store_begin_read(v.db);
    if (r < 0)
        goto out;
    if (only >= 0) {
        r = store_audit_subjects_of(v.db, only, collect_subject, &v);
        if (r == 0)
            r = store_audit_each_chain(v.db, only, verify_entry, &v);
    } else {
        r = store_audit_subjects_each(v.db, collect_subject, &v);
        if (r == 0)
            r = store_audit_each(v.db, verify_entry, &v); /* stops at an entry altered or removed */
    }
    for (; r == 0 && v.subj_at < v.n_subj; v.subj_at++)
        (void)bad(&v, 0,
                  "the student index lists student %lld under entry %lld, which does not exist "
                  "(an index row was added, or its entry removed)",
                  (long long)v.subj[v.subj_at].user, (long long)v.subj[v.subj_at].entry);
    /* the entries are sound: every head, the list of chains and the checkpoint are checked */
    if (r == 0)
        r = store_audit_heads(v.db, verify_head, &v);
    if (r == 0)
        verify_chains(&v);
    if (r == 0 && cp)
        verify_checkpoint(&v, cp, n_cp);
    if (r == 0 && rep->io_error)
        r = rep->io_error;
    if (r == 0 && rep->n_problems)
        r = -EBADMSG;
    if (r == 0 && emit) {
        qsort(v.chains, v.n_chains, sizeof(*v.chains), cmp_chain);
        r = emit(&v, arg);
    }
    store_rollback(v.db);
    if (r < 0 && r != -EBADMSG && !c->err[0])
        ctx_fail(c, r, "cannot read the audit log");
out:
    mem_free(v.chains);
    mem_free(v.subj);
    buf_release(&v.text);
    return r;
}

int audit_verify_checkpoint(struct ctx *c, const char *checkpoint, size_t len,
                            struct audit_verify_report *rep)
{
    struct cp_line *cp = NULL;
    size_t n = 0;
    int r;

    memset(rep, 0, sizeof(*rep));
    if (!c->who || c->who->kind != PRINCIPAL_OPERATOR)
        return ctx_fail(c, -EACCES, "only the server's operator can verify the audit log");
    if (checkpoint) {
        r = cp_parse(c, checkpoint, len, &cp, &n);
        if (r < 0)
            return r;
    }
    r = verify_run(c, cp, n, rep, NULL, NULL, -1);
    mem_free(cp);
    return r;
}

int audit_verify(struct ctx *c, struct audit_verify_report *rep)
{
    return audit_verify_checkpoint(c, NULL, 0, rep);
}

struct emit_cp {
    int (*fn)(const char *line, void *arg);
    void *arg;
};

static int emit_checkpoint(struct verify *v, void *arg)
{
    struct emit_cp *e = arg;
    struct buf line = BUF_INIT(4096);
    char at[32], head[2 * AUDIT_HASH_LEN + 1], mac_hex[2 * SEAL_MAC_LEN + 1];
    uint8_t mac[SEAL_MAC_LEN];
    int r = 0;

    time_format_iso8601(v->c->now_ms, at);
    for (size_t i = 0; i < v->n_chains && r == 0; i++) {
        const struct chain_state *s = &v->chains[i];
        buf_reset(&line);
        sodium_bin2hex(head, sizeof(head), s->head, AUDIT_HASH_LEN);
        r = buf_appendf(&line, CP_MAGIC " at=%s chains=%zu chain=%lld seq=%lld head=%s", at,
                        v->n_chains, (long long)s->chain, (long long)s->seq, head);
        if (r < 0)
            break;
        cp_mac(store_seal(v->c->store), line.data, line.len, mac);
        sodium_bin2hex(mac_hex, sizeof(mac_hex), mac, SEAL_MAC_LEN);
        r = buf_appendf(&line, " mac=%s", mac_hex);
        if (r == 0)
            r = e->fn(buf_cstr(&line), e->arg);
    }
    buf_release(&line);
    return r < 0 ? r : 0;
}

int audit_checkpoint(struct ctx *c, struct audit_verify_report *rep,
                     int (*fn)(const char *line, void *arg), void *arg)
{
    struct emit_cp e = {fn, arg};

    memset(rep, 0, sizeof(*rep));
    if (!c->who || c->who->kind != PRINCIPAL_OPERATOR)
        return ctx_fail(c, -EACCES, "only the server's operator can take a checkpoint");
    return verify_run(c, NULL, 0, rep, emit_checkpoint, &e, -1);
}

/* ---- show ---- */

struct show {
    int (*fn)(const struct audit_view *v, void *arg);
    void *arg;
};

static int show_row(void *arg, const struct audit_row *w)
{
    struct show *s = arg;
    struct audit_view v = {w->id,         w->chain,      w->seq,         w->at,         w->actor_id,
                           w->actor_kind, w->actor_name, w->client_addr, w->request_id, w->action,
                           w->object,     w->subjects,   w->purpose,     w->outcome,    w->detail};
    return s->fn(&v, s->arg);
}

int audit_show_student(struct ctx *c, const char *student,
                       int (*fn)(const struct audit_view *v, void *arg), void *arg)
{
    struct show s = {fn, arg};
    struct access_resource res = {RES_AUDIT, 0, 0};
    struct grant *g;
    struct db *db;
    char *username = NULL;
    int r;

    if (!c->who)
        return ctx_fail(c, -EPERM, "log in first");
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    r = store_user_by_sourced_id(db, c->who->district_id, student, &res.id, &username);
    mem_free(username);
    if (r == -ENOENT && str_to_int64(str_from(student), 1, INT64_MAX, &res.id) == 0)
        r = 0;
    if (r < 0 && r != -ENOENT)
        return ctx_fail(c, r, "cannot read the roster");
    if (r == 0)
        r = access_check(c, ACT_READ, &res, &g);
    if (r == -ENOENT)
        return ctx_fail(c, -ENOENT, "student: no person '%s' in this district", student);
    if (r < 0)
        return r;
    r = store_audit_by_subject(db, g, res.id, show_row, &s);
    access_read_end(c);
    if (r < 0)
        return c->err[0] ? r : ctx_fail(c, r, "cannot read the audit log");
    access_grant_detail(g, "record of access shown");
    c->purpose = c->purpose ? c->purpose : "record of access (FERPA 34 CFR 99.32)";
    return 0;
}

int audit_show_recent(struct ctx *c, int64_t since_ms, int64_t limit,
                      int (*fn)(const struct audit_view *v, void *arg), void *arg)
{
    struct show s = {fn, arg};
    struct db *db;
    int r;

    if (!c->who || c->who->kind != PRINCIPAL_OPERATOR)
        return ctx_fail(c, -EACCES, "only the server's operator can read the audit log");
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    r = store_audit_recent(db, c->who->district_id, since_ms, limit, show_row, &s);
    if (r < 0 && !c->err[0])
        ctx_fail(c, r, "cannot read the audit log");
    return r;
}

int audit_show_denials(struct ctx *c, int64_t limit,
                       int (*fn)(const struct audit_view *v, void *arg), void *arg)
{
    struct show s = {fn, arg};
    struct db *db;
    int r;

    if (!c->who || c->who->kind != PRINCIPAL_OPERATOR)
        return ctx_fail(c, -EACCES, "only the server's operator can read the audit log");
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    r = store_audit_denials(db, c->who->district_id, limit, show_row, &s);
    if (r < 0 && !c->err[0])
        ctx_fail(c, r, "cannot read the audit log");
    return r;
}

/* ---- the administration pages: a district's log, a student's, verifying ---- */

struct page {
    struct show s;
    int64_t n, limit;
    bool more;
};

static int page_row(void *arg, const struct audit_row *w)
{
    struct page *p = arg;
    if (++p->n > p->limit) {
        p->more = true;
        return 0; /* one more than the page: there are more */
    }
    return show_row(&p->s, w);
}

static int page_limits(struct ctx *c, int64_t before, int64_t limit)
{
    if (before < 0)
        return ctx_fail(c, -EINVAL, "before: must be a positive entry number");
    if (limit < 1 || limit > AUDIT_PAGE_MAX)
        return ctx_fail(c, -EINVAL, "limit: must be 1 to %d", AUDIT_PAGE_MAX);
    return 0;
}

int audit_list(struct ctx *c, int64_t district_id, const char *actor, bool denials,
               int64_t before_seq, int64_t limit, int (*fn)(const struct audit_view *v, void *arg),
               void *arg, bool *ret_more)
{
    struct page p = {{fn, arg}, 0, limit, false};
    char detail[300];
    struct db *db;
    int r;

    if (!c->who)
        return ctx_fail(c, -EPERM, "log in first");
    if (!district_id)
        district_id = c->who->district_id;
    struct access_resource res = {RES_AUDIT, district_id, 0};
    r = access_check(c, ACT_LIST, &res, NULL);
    if (r < 0)
        return r;
    r = page_limits(c, before_seq, limit);
    if (r < 0)
        return r;
    if (actor && (!actor[0] || strlen(actor) > 255))
        return ctx_fail(c, -EINVAL, "actor: a login name or client name of 1 to 255 characters");
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    r = store_audit_page(db, district_id, actor, denials, before_seq, limit + 1, page_row, &p);
    if (r < 0)
        return c->err[0] ? r : ctx_fail(c, r, "cannot read the audit log");
    /* reading the log is itself recorded */
    snprintf(detail, sizeof(detail), "audit log read%s%.200s%s%s", actor ? ": by '" : "",
             actor ? actor : "", actor ? "'" : "",
             denials ? (actor ? ", refusals" : ": refusals") : "");
    struct audit_entry e = {
        .district_id = district_id, .action = "read", .object = "audit_log", .detail = detail};
    r = audit_append_group(c, &e);
    if (r < 0)
        return ctx_fail(c, r, "cannot record the reading of the audit log");
    *ret_more = p.more;
    return 0;
}

int audit_student_page(struct ctx *c, int64_t user_id, int64_t before_id, int64_t limit,
                       int (*fn)(const struct audit_view *v, void *arg), void *arg, bool *ret_more)
{
    struct page p = {{fn, arg}, 0, limit, false};
    struct grant *g;
    struct db *db;
    int r;

    if (!c->who)
        return ctx_fail(c, -EPERM, "log in first");
    struct access_resource res = {RES_AUDIT, c->who->district_id, user_id};
    r = access_check(c, ACT_READ, &res, &g);
    if (r < 0)
        return r;
    r = page_limits(c, before_id, limit);
    if (r < 0) {
        access_read_end(c);
        return r;
    }
    r = ctx_db(c, &db);
    if (r == 0)
        r = store_audit_by_subject_page(db, g, user_id, before_id, limit + 1, page_row, &p);
    access_read_end(c);
    if (r < 0)
        return c->err[0] ? r : ctx_fail(c, r, "cannot read the audit log");
    access_grant_detail(g, "record of access shown");
    c->purpose = c->purpose ? c->purpose : "record of access (FERPA 34 CFR 99.32)";
    *ret_more = p.more;
    return 0;
}

int audit_verify_district(struct ctx *c, int64_t district_id, struct audit_verify_report *rep)
{
    char detail[300];
    int r;

    memset(rep, 0, sizeof(*rep));
    if (!c->who)
        return ctx_fail(c, -EPERM, "log in first");
    if (!district_id)
        district_id = c->who->district_id;
    struct access_resource res = {RES_AUDIT, district_id, 0};
    r = access_check(c, ACT_READ, &res, NULL);
    if (r < 0)
        return r;
    r = verify_run(c, NULL, 0, rep, NULL, NULL, district_id);
    if (r < 0 && r != -EBADMSG)
        return r;
    if (r == 0)
        snprintf(detail, sizeof(detail), "audit log verified: intact, %ld entries", rep->entries);
    else
        snprintf(detail, sizeof(detail), "audit log verified: %d problems; the first: %.200s",
                 rep->n_problems, rep->problem);
    struct audit_entry e = {.district_id = district_id,
                            .action = "admin",
                            .object = "audit_log",
                            .outcome = r == 0 ? "ok" : "failed",
                            .detail = detail};
    int w = audit_append_group(c, &e);
    if (w < 0)
        return ctx_fail(c, w, "cannot record the verification");
    return r;
}

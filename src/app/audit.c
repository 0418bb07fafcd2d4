/*
 * The audit log: see audit.h.
 *
 * Group commit (groupcommit.h): one writer per store, with its own
 * connection. Requests queue units of work and wait (or are woken); the
 * writer runs every queued unit in a savepoint of one write transaction (a
 * failing unit is rolled back alone), commits once (one fsync in SQLite
 * WAL with synchronous=FULL), then tells the callers. Appending reads the
 * chain head inside that transaction and keeps it in memory for the batch,
 * so entries of one batch chain one after another.
 */
#include "base/common.h"

#include <sodium.h>
#include <stdio.h>

#include "app/access.h"
#include "app/audit.h"
#include "app/groupcommit.h"
#include "app/principal.h"
#include "base/buf.h"
#include "base/hex.h"
#include "base/mem.h"
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

int audit_append(struct ctx *c, struct db *db, const struct audit_entry *e)
{
    const struct principal *p = c->who;
    struct head_cache *cache;
    struct buf subj = BUF_INIT(16u << 20);
    struct audit_row w;
    int64_t *ids = NULL, seq, id;
    size_t n_ids = 0;
    int r;

    memset(&w, 0, sizeof(w));
    w.chain = e->district_id ? e->district_id : (p ? p->district_id : 0);
    r = subjects_of(e, &ids, &n_ids, &subj);
    if (r < 0)
        goto out;
    cache = head_cache && head_cache->db == db ? head_cache : NULL;
    if (cache && cache->valid && cache->chain != w.chain) {
        r = head_flush(cache);
        if (r < 0)
            goto out;
        cache->valid = false;
    }
    if (cache && cache->valid) {
        seq = cache->seq;
        memcpy(w.prev_hash, cache->head, AUDIT_HASH_LEN);
    } else {
        r = store_audit_lock_head(db, w.chain, &seq, w.prev_hash);
        if (r < 0)
            goto out;
        if (cache) {
            cache->valid = true;
            cache->dirty = false;
            cache->chain = w.chain;
            cache->seq = seq;
            memcpy(cache->head, w.prev_hash, AUDIT_HASH_LEN);
        }
    }
    w.seq = seq + 1;
    w.at = c->now_ms;
    w.actor_kind = actor_kind(p);
    w.actor_id = p ? p->account_id : e->actor_account_id;
    w.actor_name = e->actor_name ? e->actor_name : (p && p->name ? p->name : "anonymous");
    w.client_addr = c->client_addr ? c->client_addr : "-";
    w.request_id = c->req_id ? c->req_id : "-";
    w.action = e->action;
    w.object = e->object ? e->object : "";
    w.subjects = buf_cstr(&subj);
    w.purpose = c->purpose ? c->purpose : "";
    w.outcome = e->outcome ? e->outcome : "ok";
    w.detail = e->detail ? e->detail : "";
    entry_hash(&w, w.hash);
    entry_tag(store_seal(c->store), w.hash, w.tag);
    r = store_audit_insert(db, &w, &id);
    if (r < 0)
        goto out;
    if (n_ids)
        r = store_audit_subjects(db, w.chain, ids, n_ids, id);
    if (r == 0 && cache) {
        cache->seq = w.seq;
        memcpy(cache->head, w.hash, AUDIT_HASH_LEN);
        cache->dirty = true;
    } else if (r == 0) {
        r = store_audit_set_head(db, w.chain, w.seq, w.hash);
    }
out:
    mem_free(ids);
    buf_release(&subj);
    if (r < 0)
        return ctx_fail(c, r, "cannot write the audit log");
    return 0;
}

/* ---- group commit (groupcommit.h): one writer per store ---- */

struct audit_writer {
    struct groupcommit *gc;
    struct head_cache cache; /* the batch's; the writer thread's only */
};

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

static void writer_finish(void *state, struct groupcommit_unit *batch, int r)
{
    (void)state;
    (void)batch;
    (void)r;
    head_cache = NULL;
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
    int64_t records;
    bool denied;
};

static int disclose_unit(struct ctx *c, struct db *db, void *arg)
{
    struct disclose *d = arg;
    const struct principal *p = c->who;
    int64_t hour = c->now_ms / 3600000, this_h = 0, prev_h = 0, limit = c->cfg->export_alert_limit;
    bool alerted = false;
    int r;

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
                struct audit_entry alert = {.district_id = d->e->district_id,
                                            .action = "alert",
                                            .object = d->e->object,
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
    if (d->denied) {
        struct audit_entry denied = *d->e;
        denied.outcome = "denied";
        denied.detail = "a fresh second factor is needed (bulk-export tripwire)";
        return audit_append(c, db, &denied);
    }
    return audit_append(c, db, d->e);
}

struct audit_pending {
    struct unit u;
    struct disclose d;
};

static int64_t count_records(const struct ctx *c, const struct audit_entry *e)
{
    const struct principal *p = c->who;
    int64_t n = 0;
    for (size_t i = 0; i < e->n_subjects; i++)
        if (!p || p->kind != PRINCIPAL_USER || e->subjects[i] != p->user_id)
            n++;
    return n;
}

void audit_disclose_submit(struct ctx *c, const struct audit_entry *e, void (*wake)(void *arg),
                           void *arg, struct audit_pending **ret)
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
    p->d.records = count_records(c, e);
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

int audit_disclose(struct ctx *c, const struct audit_entry *e)
{
    struct disclose d = {e, 0, false};
    int r;

    /* every student record but a person's own counts toward the tripwire */
    d.records = count_records(c, e);
    r = audit_group(c, disclose_unit, &d);
    if (r < 0)
        return r;
    if (d.denied)
        return ctx_fail(c, -ENOKEY,
                        "second factor: you have received many student records within the hour; "
                        "confirm a code from your authenticator to go on");
    return 0;
}

/* ---- verify ---- */

struct chain_state {
    int64_t chain, seq;
    uint8_t head[AUDIT_HASH_LEN];
};

struct verify {
    struct ctx *c;
    struct audit_verify_report *rep;
    struct chain_state *chains;
    size_t n_chains, cap;
    /* the student index, merged by entry id */
    int64_t (*subj)[2];
    size_t n_subj, subj_at, subj_cap;
    struct buf text;
};

static int collect_subject(void *arg, int64_t entry_id, int64_t user_id)
{
    struct verify *v = arg;
    if (v->n_subj == v->subj_cap) {
        size_t cap = v->subj_cap ? v->subj_cap * 2 : 1024;
        int64_t(*p)[2] = mem_realloc(v->subj, cap * sizeof(*p));
        if (!p)
            return -ENOMEM;
        v->subj = p;
        v->subj_cap = cap;
    }
    v->subj[v->n_subj][0] = entry_id;
    v->subj[v->n_subj][1] = user_id;
    v->n_subj++;
    return 0;
}

static struct chain_state *chain_of(struct verify *v, int64_t chain)
{
    for (size_t i = 0; i < v->n_chains; i++)
        if (v->chains[i].chain == chain)
            return &v->chains[i];
    if (v->n_chains == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 8;
        struct chain_state *p = mem_realloc(v->chains, cap * sizeof(*p));
        if (!p)
            return NULL;
        v->chains = p;
        v->cap = cap;
    }
    struct chain_state *s = &v->chains[v->n_chains++];
    memset(s, 0, sizeof(*s));
    s->chain = chain;
    return s;
}

static int bad(struct verify *v, int64_t id, const char *fmt, ...) PRINTF_FMT(3, 4);
static int bad(struct verify *v, int64_t id, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->rep->problem, sizeof(v->rep->problem), fmt, ap);
    va_end(ap);
    v->rep->bad_entry_id = id;
    return -EBADMSG;
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
    /* the student index must list exactly the entry's subjects */
    buf_reset(&v->text);
    while (v->subj_at < v->n_subj && v->subj[v->subj_at][0] < w->id)
        v->subj_at++;
    for (bool first = true; v->subj_at < v->n_subj && v->subj[v->subj_at][0] == w->id;
         v->subj_at++, first = false)
        if (buf_appendf(&v->text, "%s%lld", first ? "" : ",", (long long)v->subj[v->subj_at][1]) <
            0)
            return -ENOMEM;
    if (strcmp(buf_cstr(&v->text), w->subjects) != 0)
        return bad(v, w->id,
                   "entry %lld (chain %lld, #%lld): the student index does not match the entry "
                   "(an index row was altered or removed)",
                   (long long)w->id, (long long)w->chain, (long long)w->seq);
    s->seq = w->seq;
    memcpy(s->head, w->hash, AUDIT_HASH_LEN);
    return 0;
}

static int verify_head(void *arg, int64_t chain, int64_t seq, const uint8_t head[AUDIT_HASH_LEN])
{
    struct verify *v = arg;
    struct chain_state *s = chain_of(v, chain);
    if (!s)
        return -ENOMEM;
    v->rep->chains++;
    if (seq != s->seq || sodium_memcmp(head, s->head, AUDIT_HASH_LEN) != 0) {
        if (seq > s->seq)
            return bad(v, 0,
                       "chain %lld: its last entries (#%lld to #%lld) were removed; #%lld is the "
                       "last one left",
                       (long long)chain, (long long)s->seq + 1, (long long)seq, (long long)s->seq);
        return bad(v, 0, "chain %lld: the head (#%lld) does not match its last entry (#%lld)",
                   (long long)chain, (long long)seq, (long long)s->seq);
    }
    return 0;
}

int audit_verify(struct ctx *c, struct audit_verify_report *rep)
{
    struct verify v = {.c = c, .rep = rep};
    struct db *db;
    int r;

    memset(rep, 0, sizeof(*rep));
    if (!c->who || c->who->kind != PRINCIPAL_OPERATOR)
        return ctx_fail(c, -EACCES, "only the server's operator can verify the audit log");
    rep->tags_checked = store_seal(c->store) != NULL;
    buf_init(&v.text, 16u << 20);
    r = ctx_db(c, &db);
    if (r < 0)
        goto out;
    r = store_begin_read(db);
    if (r < 0)
        goto out;
    r = store_audit_subjects_each(db, collect_subject, &v);
    if (r == 0)
        r = store_audit_each(db, verify_entry, &v);
    if (r == 0)
        r = store_audit_heads(db, verify_head, &v);
    store_rollback(db);
    if (r < 0 && r != -EBADMSG)
        ctx_fail(c, r, "cannot read the audit log");
out:
    mem_free(v.chains);
    mem_free(v.subj);
    buf_release(&v.text);
    return r;
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
    struct person_facts f;
    struct db *db;
    int64_t user_id = 0;
    char *username = NULL;
    int r;

    if (!c->who || c->who->kind != PRINCIPAL_OPERATOR)
        return ctx_fail(c, -EACCES, "only the server's operator can read the audit log");
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    r = store_user_by_sourced_id(db, c->who->district_id, student, &user_id, &username);
    mem_free(username);
    if (r == -ENOENT && str_to_int64(str_from(student), 1, INT64_MAX, &user_id) == 0)
        r = 0;
    if (r == 0)
        r = store_person_facts(db, user_id, &f);
    if (r == -ENOENT || (r == 0 && f.district_id != c->who->district_id))
        return ctx_fail(c, -ENOENT, "student: no person '%s' in this district", student);
    if (r < 0)
        return ctx_fail(c, r, "cannot read the roster");
    r = store_audit_by_subject(db, f.district_id, user_id, show_row, &s);
    if (r < 0)
        return c->err[0] ? r : ctx_fail(c, r, "cannot read the audit log");
    struct audit_entry e = {.action = "read",
                            .object = "audit",
                            .subjects = &user_id,
                            .n_subjects = 1,
                            .detail = "record of access shown"};
    c->purpose = c->purpose ? c->purpose : "record of access (FERPA 34 CFR 99.32)";
    return audit_disclose(c, &e);
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

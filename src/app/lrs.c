/*
 * The Learning Record Store's statements: see lrs.h.
 *
 * A write is prepared on the request's thread: parse, validate
 * (lrs_validate.c), fill in id, authority and version, link the actor to a
 * rostered person, compute the terms queries find it by, serialise it
 * (without stored, which is a column) and deflate it (the canonical form
 * is lrs_canon.c, the stored form lrs_body.c, attachments and signatures
 * lrs_attach.c and lrs_jws.c). The writer (one
 * thread per store, a store service) takes every queued request, gives
 * each statement the next seq and the commit's stored time, inserts them
 * in one transaction (a request whose id conflicts is left out whole),
 * commits once (one fsync), and only then wakes the requests:
 * acknowledged means durable.
 */
#include "base/common.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <strings.h>

#include "app/access.h"
#include "app/audit.h"
#include "app/groupcommit.h"
#include "app/lrs.h"
#include "app/lrs_attach.h"
#include "app/lrs_internal.h"
#include "app/principal.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/rand.h"
#include "base/timeutil.h"
#include "base/uuid.h"
#include "store/seal.h"
#include "store/store.h"
#include "store/store_lrs.h"
#include "store/store_people.h"

/* ---- the writer (group commit) ---- */

struct prep {
    const char *id; /* lower-case */
    char *body;     /* malloc'ed, with placeholders */
    size_t len;
    bool ts_is_stored;    /* the client sent no timestamp */
    bool client_id_given; /* the id is the client's (may be taken already) */
    bool skip;            /* stored already, the same: not written again */
    int64_t timestamp_ms; /* when sent */
    int64_t user_id;
    int flags;
    const char *ref; /* the StatementRef target's id (lower-case), or NULL */
    bool voiding;
    int kinds[LRS_MAX_TERMS];
    int64_t hashes[LRS_MAX_TERMS];
    size_t n_terms;
};

struct lrs_pending {
    int64_t district_id;
    int64_t client_id;
    struct prep *st;
    size_t n;
    struct lrs_part *parts;
    size_t n_parts;
    int r;
    bool rejected; /* the writer refused this request alone (r); nothing of it was written */
    char err[512];
    struct groupcommit_unit gu; /* queued, run and woken by the writer (groupcommit.h) */
};

#define PENDING_OF(u) ((struct lrs_pending *)(void *)((char *)(u)-offsetof(struct lrs_pending, gu)))

struct writer {
    struct groupcommit *gc;
    atomic_llong inflight_ms; /* the stored time of the batch being written; 0: idle */
    int64_t seq;              /* last seq given; -1: not read yet */
    atomic_llong committed;   /* the last seq committed (0: none yet) */
    int64_t seq_before;       /* at the batch's start */
    int64_t stored_ms;        /* last stored time committed */
    int64_t now;              /* the batch's stored time */
};

static const char writer_key = 'L';

static void pending_release(struct lrs_pending *p)
{
    for (size_t i = 0; i < p->n; i++) {
        mem_free(p->st[i].body);
        p->st[i].body = NULL;
    }
}

/* Strip what the LRS sets so two versions of one statement can be compared. */
static json_t *comparable(json_t *st, bool drop_timestamp)
{
    json_t *c = json_deep_copy(st);
    if (!c)
        return NULL;
    json_object_del(c, "stored");
    json_object_del(c, "authority");
    json_object_del(c, "version");
    json_object_del(c, "id");
    if (drop_timestamp)
        json_object_del(c, "timestamp");
    lrs_comparable_durations(c);
    return c;
}

static json_t *parse_blob(int flags, int64_t stored_ms, int64_t ts_ms, const void *blob, size_t n)
{
    struct buf text;
    json_t *o = NULL;
    buf_init(&text, SIZE_MAX / 2);
    if (lrs_unpack(flags, stored_ms, ts_ms, blob, n, &text) == 0)
        o = json_loadb(text.data, text.len, 0, NULL);
    buf_release(&text);
    return o;
}

/* Is the statement p the one already stored (row, blob)? Only on a conflict: rare. */
static bool same_statement(const struct prep *p, const struct store_lrs_row *row, const char *blob)
{
    json_t *old = parse_blob(row->flags, row->stored_ms, row->timestamp_ms, blob, row->body_len);
    json_t *mine = parse_blob(p->flags, row->stored_ms, row->timestamp_ms, p->body, p->len);
    json_t *a = old ? comparable(old, p->ts_is_stored) : NULL;
    json_t *b = mine ? comparable(mine, p->ts_is_stored) : NULL;
    bool same = a && b && json_equal(a, b);
    json_decref(a);
    json_decref(b);
    json_decref(old);
    json_decref(mine);
    return same;
}

static int unit_fail(struct lrs_pending *u, int r, const char *fmt, ...) PRINTF_FMT(3, 4);
static int unit_fail(struct lrs_pending *u, int r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(u->err, sizeof(u->err), fmt, ap);
    va_end(ap);
    u->rejected = true;
    return r;
}

/*
 * A request's statements that are already stored: an identical resend is
 * skipped, a different statement with the same id fails the request (409)
 * before anything of it is written. Only ids the client chose are looked
 * up (a fresh random UUID cannot be taken). This replaces a savepoint per
 * request, which made SQLite copy every page it touched. A statement that
 * voids a stored voiding statement fails the request too (400): a voiding
 * statement cannot be voided (xAPI 1.0.3 and 2.0.0 Part Two 2.3.2), and the
 * first void stands.
 */
static int check_unit(struct db *db, struct lrs_pending *u)
{
    for (size_t i = 0; i < u->n; i++) {
        struct prep *p = &u->st[i];
        struct store_lrs_row old;
        char *body = NULL;
        if (!p->client_id_given)
            continue;
        int r = store_lrs_lookup(db, u->district_id, p->id, &old, &body);
        if (r == -ENOENT)
            continue;
        if (r < 0)
            return r;
        bool same = same_statement(p, &old, body);
        mem_free(body);
        if (!same)
            return unit_fail(u, -EEXIST,
                             "statement id %s: a different statement with this id exists "
                             "(xAPI 2.0.0 4.1.6.1: 409 Conflict)",
                             p->id);
        p->skip = true; /* the same statement again: nothing to store */
    }
    for (size_t i = 0; i < u->n; i++) {
        struct prep *p = &u->st[i];
        struct store_lrs_row target;
        if (!p->voiding || !p->ref || p->skip)
            continue;
        int r = store_lrs_lookup(db, u->district_id, p->ref, &target, NULL);
        if (r == -ENOENT)
            continue; /* not (yet) here: not refused for that (Part Two 2.3.2) */
        if (r < 0)
            return r;
        if (target.flags & LRS_FLAG_VOIDING)
            return unit_fail(u, -EINVAL,
                             "statements[%zu].object: statement %s is a voiding statement, and a "
                             "voiding statement cannot be voided (xAPI Part Two 2.3.2); the "
                             "first void stands",
                             i, p->ref);
    }
    return 0;
}

static int write_unit(struct writer *w, struct db *db, struct lrs_pending *u, int64_t now)
{
    int r;

    for (size_t i = 0; i < u->n; i++) {
        struct prep *p = &u->st[i];
        struct store_lrs_row row = {0};
        if (p->skip)
            continue;
        row.seq = ++w->seq;
        row.district_id = u->district_id;
        row.statement_id = p->id;
        row.user_id = p->user_id;
        row.client_id = u->client_id;
        row.stored_ms = now;
        row.timestamp_ms = p->ts_is_stored ? now : p->timestamp_ms;
        row.flags = p->flags;
        row.body = p->body;
        row.body_len = p->len;
        if ((r = store_lrs_insert(db, &row)) < 0)
            return r;
        for (size_t k = 0; k < p->n_terms; k++)
            if ((r = store_lrs_term(db, u->district_id, p->kinds[k], p->hashes[k], row.seq)) < 0)
                return r;
        if (p->ref) {
            struct store_lrs_row target;
            r = store_lrs_lookup(db, u->district_id, p->ref, &target, NULL);
            if (r == 0) {
                if ((r = store_lrs_copy_terms(db, u->district_id, target.seq, row.seq)) < 0)
                    return r;
                /* a voiding statement voids its target, unless that is itself a voiding one */
                if (p->voiding && !(target.flags & LRS_FLAG_VOIDING) &&
                    (r = store_lrs_set_voided(db, target.seq)) < 0)
                    return r;
            } else if (r != -ENOENT) {
                return r;
            }
        }
    }
    for (size_t i = 0; i < u->n_parts; i++) {
        r = store_lrs_attachment_put(db, u->district_id, u->parts[i].sha2, u->parts[i].content_type,
                                     u->parts[i].data, u->parts[i].len);
        if (r < 0)
            return r;
    }
    return 0;
}

/*
 * The batch's start, in its transaction: the counters (once), then the
 * stored time. inflight_ms is set to the last stored time before the
 * clock is read, so a reader that saw the writer idle can never have a
 * consistent-through time at or after this batch's stored time.
 */
static int writer_begin(struct db *db, void *state, struct groupcommit_unit *batch)
{
    struct writer *w = state;
    int r = 0;

    (void)batch;
    if (w->seq < 0) {
        int64_t last_seq;
        r = store_lrs_counter(db, &w->seq);
        if (r == 0)
            r = store_lrs_last(db, &last_seq, &w->stored_ms);
    }
    w->seq_before = w->seq;
    atomic_store(&w->inflight_ms, w->stored_ms > 0 ? w->stored_ms : 1);
    w->now = time_now_ms();
    if (w->now < w->stored_ms)
        w->now = w->stored_ms; /* stored never goes back as seq grows */
    atomic_store(&w->inflight_ms, w->now);
    return r;
}

/*
 * One request: its ids checked first (a conflict fails it alone, before
 * anything of it is written, so no savepoint is needed), then written; a
 * storage fault fails the whole batch.
 */
static int writer_run(struct groupcommit_unit *gu, struct db *db, void *state)
{
    struct writer *w = state;
    struct lrs_pending *u = PENDING_OF(gu);
    int c = check_unit(db, u);

    if (c < 0 && u->rejected) {
        gu->r = c; /* this request only: nothing of it was written */
        return 0;
    }
    if (c < 0 || (c = write_unit(w, db, u, w->now)) < 0)
        return c;
    return 0;
}

static int writer_end(struct db *db, void *state, struct groupcommit_unit *batch)
{
    struct writer *w = state;
    (void)batch;
    return w->seq != w->seq_before ? store_lrs_set_counter(db, w->seq) : 0;
}

static void writer_finish(void *state, struct groupcommit_unit *batch, int r)
{
    struct writer *w = state;

    if (r < 0) {
        w->seq = -1; /* read it again */
    } else {
        w->stored_ms = w->now;
        atomic_store(&w->committed, w->seq);
    }
    atomic_store(&w->inflight_ms, 0);
    for (struct groupcommit_unit *gu = batch; gu; gu = gu->next) {
        struct lrs_pending *u = PENDING_OF(gu);
        u->r = gu->r;
        if (u->r < 0 && !u->err[0])
            snprintf(u->err, sizeof(u->err), "the statements could not be stored");
    }
}

static void writer_connected(struct db *db, void *state)
{
    (void)state;
    store_lrs_writer_tune(db);
}

static const struct groupcommit_ops writer_ops = {
    .thread_name = "lrs-writer",
    .connected = writer_connected,
    .begin = writer_begin,
    .end = writer_end,
    .finish = writer_finish,
};

static int writer_create(struct store *s, void **ret)
{
    struct writer *w = mem_calloc(1, sizeof(*w));
    int r;
    if (!w)
        return -ENOMEM;
    w->seq = -1;
    r = groupcommit_new(s, &writer_ops, w, &w->gc);
    if (r < 0) {
        mem_free(w);
        return r;
    }
    *ret = w;
    return 0;
}

static void writer_destroy(void *svc)
{
    struct writer *w = svc;
    groupcommit_free(w->gc);
    mem_free(w);
}

int64_t lrs_consistent_now(struct ctx *c)
{
    void *svc;
    int64_t now = time_now_ms() - 1, busy;
    if (store_service(c->store, &writer_key, writer_create, writer_destroy, &svc) < 0)
        return now;
    busy = atomic_load(&((struct writer *)svc)->inflight_ms);
    return busy && busy - 1 < now ? busy - 1 : now;
}

/* Queue u; with wait, until it is done (u->r is its result). 0, or an error before it was queued.
 */
static int enqueue(struct ctx *c, struct lrs_pending *u, bool wait)
{
    void *svc;
    struct writer *w;
    int r = store_service(c->store, &writer_key, writer_create, writer_destroy, &svc);

    if (r < 0)
        return ctx_fail(c, r, "the statement store is not available");
    w = svc;
    u->gu.run = writer_run;
    u->gu.savepoint = false;
    r = wait ? groupcommit_run(w->gc, &u->gu) : groupcommit_submit(w->gc, &u->gu);
    if (r < 0)
        return ctx_fail(c, -EBUSY, "the server is stopping");
    return 0;
}

/* ---- preparing a write ---- */

static void lower(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s + 32);
}

static int64_t district_of(const struct ctx *c)
{
    return c->who ? c->who->district_id : 0;
}

/* The rostered person an actor names (lrs.h), or 0. */
static int64_t link_actor(struct ctx *c, const char *base_url, json_t *actor)
{
    struct db *db;
    json_t *v;
    int64_t uid = 0;

    if (!json_is_object(actor) || ctx_db(c, &db) < 0)
        return 0;
    if ((v = json_object_get(actor, "account")) && base_url && base_url[0]) {
        const char *hp = json_string_value(json_object_get(v, "homePage"));
        const char *name = json_string_value(json_object_get(v, "name"));
        size_t bl = strlen(base_url);
        while (bl > 0 && base_url[bl - 1] == '/')
            bl--;
        if (hp && name && !strncmp(hp, base_url, bl) && (hp[bl] == '\0' || !strcmp(hp + bl, "/"))) {
            char *username = NULL;
            if (store_user_by_sourced_id(db, district_of(c), name, &uid, &username) < 0)
                uid = 0;
            mem_free(username);
        }
    } else if ((v = json_object_get(actor, "mbox")) && json_is_string(v)) {
        const char *m = json_string_value(v) + 7; /* validated: mailto: */
        char low[320];
        uint8_t idx[SEAL_INDEX_LEN];
        size_t n = strlen(m);
        if (n < sizeof(low)) {
            for (size_t i = 0; i < n; i++)
                low[i] = (m[i] >= 'A' && m[i] <= 'Z') ? (char)(m[i] + 32) : m[i];
            seal_index(store_seal(c->store), low, n, idx);
            if (store_lrs_user_by_email_index(db, district_of(c), idx, sizeof(idx), &uid) < 0)
                uid = 0;
        }
    }
    return uid;
}

static json_t *authority_of(const struct ctx *c, const char *base_url)
{
    const struct principal *p = c->who;
    const char *hp = base_url && base_url[0] ? base_url : "urn:trellis";
    char name[160];
    if (!p)
        snprintf(name, sizeof(name), "anonymous");
    else if (p->kind == PRINCIPAL_CLIENT)
        snprintf(name, sizeof(name), "client:%lld", (long long)p->account_id);
    else if (p->kind == PRINCIPAL_OPERATOR)
        snprintf(name, sizeof(name), "operator");
    else if (p->kind == PRINCIPAL_SYSTEM)
        snprintf(name, sizeof(name), "system");
    else
        snprintf(name, sizeof(name), "account:%lld", (long long)p->account_id);
    return json_pack("{s:s, s:s?, s:{s:s, s:s}}", "objectType", "Agent", "name", p ? p->name : NULL,
                     "account", "homePage", hp, "name", name);
}

static int prep_one(struct ctx *c, const struct lrs_write *wr, json_t *st, struct prep *p,
                    const char *put_id, size_t index, size_t total)
{
    char err[400], idbuf[UUID_STR_LEN + 1], where[48] = "";
    json_t *v;
    int r;

    if (total > 1)
        snprintf(where, sizeof(where), "statements[%zu]: ", index);
    if (!json_is_object(st))
        return ctx_fail(c, -EINVAL, "%sa statement must be a JSON object", where);
    r = lrs_validate(st, wr->version, false, err, sizeof(err));
    if (r < 0)
        return ctx_fail(c, r, "%s%s", where, err);

    /* the id: the client's, the PUT's, or a new one */
    v = json_object_get(st, "id");
    if (put_id) {
        if (v && strcasecmp(json_string_value(v), put_id) != 0)
            return ctx_fail(c, -EINVAL,
                            "id: the statement's id differs from the statementId parameter "
                            "(xAPI 2.0.0 4.1.6.1 PUT)");
        snprintf(idbuf, sizeof(idbuf), "%s", put_id);
        p->client_id_given = true;
    } else if (v) {
        snprintf(idbuf, sizeof(idbuf), "%s", json_string_value(v));
        p->client_id_given = true;
    } else {
        /*
         * a time-ordered UUID (RFC 9562 version 7: 48 bits of milliseconds, 74 random
         * bits): new ids land at the end of the id index instead of on a random page
         */
        uint8_t u[16];
        uint64_t ms = (uint64_t)c->now_ms;
        if (rand_bytes(u + 6, 10) < 0)
            return ctx_fail(c, -EIO, "cannot make a statement id");
        for (int k = 0; k < 6; k++)
            u[k] = (uint8_t)(ms >> (40 - 8 * k));
        u[6] = (uint8_t)(0x70 | (u[6] & 0x0f));
        u[8] = (uint8_t)(0x80 | (u[8] & 0x3f));
        uuid_format(u, idbuf);
    }
    lower(idbuf);
    p->id = arena_strdup(c->arena, idbuf);
    if (!p->id)
        return -ENOMEM;

    json_t *obj = json_object_get(st, "object");
    const char *verb = json_string_value(json_object_get(json_object_get(st, "verb"), "id"));
    p->voiding = verb && !strcmp(verb, LRS_VOIDED_VERB);
    if (lrs_is_type(obj, "StatementRef", false)) {
        char *ref = arena_strdup(c->arena, json_string_value(json_object_get(obj, "id")));
        if (!ref)
            return -ENOMEM;
        lower(ref);
        p->ref = ref;
        if (p->voiding && !strcmp(ref, p->id))
            return ctx_fail(c, -EINVAL, "%sobject: a statement cannot void itself", where);
    }
    if (p->voiding)
        p->flags |= LRS_FLAG_VOIDING;
    if (json_object_get(st, "attachments"))
        p->flags |= LRS_FLAG_ATTACH;

    /* a single context activity is stored as an array of one (xAPI 2.4.6.2) */
    lrs_context_arrays(st);

    /* what an identical resend is compared by (before the LRS's properties are set) */

    /* the LRS's properties (xAPI 2.0.0 2.4: id, stored, authority, version, timestamp) */
    json_t *out = json_copy(st);
    if (!out)
        return -ENOMEM;
    json_object_del(out, "id");
    json_t *ordered = json_object();
    if (!ordered) {
        json_decref(out);
        return -ENOMEM;
    }
    json_object_set_new(ordered, "id", json_string(p->id));
    json_object_update(ordered, out);
    json_decref(out);
    out = ordered;
    if ((v = json_object_get(out, "timestamp"))) {
        bool zone;
        if (time_parse_iso8601(str_from(json_string_value(v)), false, &p->timestamp_ms, &zone) < 0)
            p->timestamp_ms = 0;
    }
    json_object_del(out, "stored");
    json_object_set_new(out, "authority", authority_of(c, wr->base_url));
    if (!json_object_get(out, "version"))
        json_object_set_new(out, "version",
                            json_string(wr->version == LRS_V2_0 ? "2.0.0" : "1.0.0"));
    p->ts_is_stored = !json_object_get(out, "timestamp");
    if (p->ts_is_stored)
        p->flags |= LRS_FLAG_TS_STORED;

    /* terms */
    p->n_terms = lrs_terms_of(c->arena, out, p->kinds, p->hashes);

    p->user_id = link_actor(c, wr->base_url, json_object_get(st, "actor"));

    char *text = json_dumps(out, JSON_COMPACT);
    json_decref(out);
    if (!text)
        return -ENOMEM;
    r = lrs_pack(text, strlen(text), &p->body, &p->len, &p->flags);
    mem_free(text);
    return r;
}

int lrs_append_prepare(struct ctx *c, const struct lrs_write *w, const char *json, size_t len,
                       struct lrs_pending **ret)
{
    json_error_t jerr;
    json_t *root;
    struct lrs_pending *p;
    size_t n;
    int r = 0;

    if (!c->who)
        return ctx_fail(c, -EPERM, "statements: log in or send API client credentials");
    if (c->who->kind == PRINCIPAL_CLIENT || c->who->kind == PRINCIPAL_SYSTEM) {
        /* an API client, or Trellis itself recording a learner's practice */
        struct access_resource res = {RES_STATEMENTS, c->who->district_id, 0};
        if ((r = access_check(c, ACT_WRITE, &res, NULL)) < 0)
            return r;
    } else if (c->who->kind != PRINCIPAL_OPERATOR) {
        return ctx_fail(c, -EACCES, "statements: only API clients write statements");
    }
    if (len == 0)
        return ctx_fail(c, -EINVAL, "body: expected a statement or an array of statements");
    root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return ctx_fail(c, -EINVAL, "body: invalid JSON at line %d column %d: %s", jerr.line,
                        jerr.column, jerr.text);
    if (json_is_array(root)) {
        if (w->put_id) {
            json_decref(root);
            return ctx_fail(c, -EINVAL, "body: PUT takes one statement, not an array");
        }
        n = json_array_size(root);
    } else if (json_is_object(root)) {
        n = 1;
    } else {
        json_decref(root);
        return ctx_fail(c, -EINVAL, "body: expected a statement or an array of statements");
    }
    if (n > LRS_MAX_BATCH) {
        json_decref(root);
        return ctx_fail(c, -EINVAL, "body: at most %d statements in one request", LRS_MAX_BATCH);
    }
    p = arena_calloc(c->arena, 1, sizeof(*p));
    json_t **sts = arena_calloc(c->arena, n ? n : 1, sizeof(*sts));
    if (!p || !sts || (n && !(p->st = arena_calloc(c->arena, n, sizeof(*p->st))))) {
        json_decref(root);
        return -ENOMEM;
    }
    p->district_id = c->who->district_id;
    p->client_id = c->who->kind == PRINCIPAL_CLIENT ? c->who->account_id : 0;
    for (size_t i = 0; i < n; i++)
        sts[i] = json_is_array(root) ? json_array_get(root, i) : root;
    p->n = n;
    for (size_t i = 0; i < n && r == 0; i++)
        r = prep_one(c, w, sts[i], &p->st[i], w->put_id, i, json_is_array(root) ? n : 1);
    /* ids are unique within one request */
    for (size_t i = 0; i < n && r == 0; i++)
        for (size_t j = 0; j < i && r == 0; j++)
            if (!strcmp(p->st[i].id, p->st[j].id))
                r = ctx_fail(c, -EINVAL,
                             "statements[%zu].id: %s is also statements[%zu]'s id; ids in one "
                             "request must differ",
                             i, p->st[i].id, j);
    /* a voiding statement cannot be voided, by another statement of the request either */
    for (size_t i = 0; i < n && r == 0; i++)
        for (size_t j = 0; j < n && r == 0 && p->st[i].voiding && p->st[i].ref; j++)
            if (j != i && p->st[j].voiding && !strcmp(p->st[i].ref, p->st[j].id))
                r = ctx_fail(c, -EINVAL,
                             "statements[%zu].object: statements[%zu] is a voiding statement, "
                             "and a voiding statement cannot be voided (xAPI Part Two 2.3.2)",
                             i, j);
    if (r == 0)
        r = lrs_check_attachments(c, w, sts, n, &p->parts);
    json_decref(root);
    if (r < 0) {
        pending_release(p);
        return r;
    }
    p->n_parts = w->n_parts; /* verified, keyed by the hash of their content */
    *ret = p;
    return 0;
}

void lrs_append_submit(struct ctx *c, struct lrs_pending *p, void (*wake)(void *arg), void *arg)
{
    p->gu.wake = wake;
    p->gu.wake_arg = arg;
    int r = enqueue(c, p, false);
    if (r < 0) {
        p->r = r;
        snprintf(p->err, sizeof(p->err), "%s", c->err);
        p->gu.done = true;
        wake(arg);
    }
}

int lrs_append_finish(struct ctx *c, struct lrs_pending *p, const char ***ret_ids, size_t *ret_n)
{
    int r = p->r;
    if (r < 0) {
        pending_release(p);
        return ctx_fail(c, r, "%s", p->err[0] ? p->err : "the statements could not be stored");
    }
    if (ret_ids) {
        const char **ids = arena_calloc(c->arena, p->n ? p->n : 1, sizeof(*ids));
        if (!ids) {
            pending_release(p);
            return -ENOMEM;
        }
        for (size_t i = 0; i < p->n; i++)
            ids[i] = p->st[i].id;
        *ret_ids = ids;
    }
    if (ret_n)
        *ret_n = p->n;
    pending_release(p);
    return 0;
}

/* lrs_append with the details of a write: prepare, queue, wait until durable. */
static int append_blocking(struct ctx *c, const struct lrs_write *w, const char *json, size_t len,
                           const char ***ret_ids, size_t *ret_n)
{
    struct lrs_pending *p;
    int r = lrs_append_prepare(c, w, json, len, &p);
    if (r < 0)
        return r;
    ctx_release(c); /* the writer may need a pool connection; hold none while waiting */
    r = enqueue(c, p, true);
    if (r < 0) {
        pending_release(p);
        return r;
    }
    return lrs_append_finish(c, p, ret_ids, ret_n);
}

int64_t lrs_committed_seq(struct ctx *c)
{
    void *svc;
    if (store_service_peek(c->store, &writer_key, &svc) < 0)
        return 0;
    return atomic_load(&((struct writer *)svc)->committed);
}

int lrs_append_write(struct ctx *c, const struct lrs_write *w, const char *json, size_t len,
                     const char ***ret_ids, size_t *ret_n)
{
    return append_blocking(c, w, json, len, ret_ids, ret_n);
}

int lrs_append(struct ctx *c, const char *json, size_t len, const char ***ret_ids, size_t *ret_n)
{
    struct lrs_write w = {.version = LRS_V2_0, .base_url = c->cfg ? c->cfg->base_url : NULL};
    return append_blocking(c, &w, json, len, ret_ids, ret_n);
}

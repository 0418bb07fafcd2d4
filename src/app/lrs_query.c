/*
 * Reading statements: GET /xapi/statements (one statement or a page of a
 * query, xAPI 2.0.0 4.1.6.1) and the internal stream (lrs_stream). See
 * lrs.h for who may read what.
 */
#include "base/common.h"

#include <limits.h>
#include <stdio.h>
#include <strings.h>

#include "app/access.h"
#include "app/lrs.h"
#include "app/lrs_internal.h"
#include "app/principal.h"
#include "base/buf.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "store/store.h"
#include "store/store_lrs.h"

/* ---- formats (xAPI 2.0.0 4.1.6.1 "format") ---- */

static void ids_actor(json_t *a);

static void keep_only(json_t *o, const char *const *keep)
{
    const char *k;
    json_t *v;
    void *tmp;
    json_object_foreach_safe(o, tmp, k, v)
    {
        bool ok = false;
        (void)v;
        for (const char *const *p = keep; *p; p++)
            if (!strcmp(*p, k))
                ok = true;
        if (!ok)
            json_object_del(o, k);
    }
}

static void ids_actor(json_t *a)
{
    static const char *const keep[] = {"objectType", "mbox", "mbox_sha1sum", "openid", "account",
                                       "member",     NULL};
    if (!json_is_object(a))
        return;
    keep_only(a, keep);
    json_t *m = json_object_get(a, "member");
    if (m) {
        if (json_object_get(a, "mbox") || json_object_get(a, "mbox_sha1sum") ||
            json_object_get(a, "openid") || json_object_get(a, "account")) {
            json_object_del(a, "member");
        } else {
            size_t i;
            json_t *e;
            json_array_foreach(m, i, e) ids_actor(e);
        }
    }
}

static void ids_activity(json_t *a)
{
    static const char *const keep[] = {"id", NULL};
    if (json_is_object(a))
        keep_only(a, keep);
}

static void ids_statement(json_t *st)
{
    json_t *o = json_object_get(st, "object"), *cx = json_object_get(st, "context"), *t;
    ids_actor(json_object_get(st, "actor"));
    ids_actor(json_object_get(st, "authority"));
    static const char *const keep_verb[] = {"id", NULL};
    if (json_is_object(json_object_get(st, "verb")))
        keep_only(json_object_get(st, "verb"), keep_verb);
    t = json_object_get(o, "objectType");
    const char *type = json_is_string(t) ? json_string_value(t) : "Activity";
    if (!strcmp(type, "Activity"))
        ids_activity(o);
    else if (!strcmp(type, "Agent") || !strcmp(type, "Group"))
        ids_actor(o);
    else if (!strcmp(type, "SubStatement"))
        ids_statement(o);
    if (json_is_object(cx)) {
        ids_actor(json_object_get(cx, "instructor"));
        ids_actor(json_object_get(cx, "team"));
        json_t *ca = json_object_get(cx, "contextActivities"), *v;
        const char *k;
        json_object_foreach(ca, k, v)
        {
            if (json_is_array(v)) {
                size_t i;
                json_t *e;
                json_array_foreach(v, i, e) ids_activity(e);
            } else {
                ids_activity(v);
            }
        }
    }
}

/* The language of a map the caller prefers (Accept-Language), else the first. */
static const char *pick_lang(json_t *map, const char *accept)
{
    const char *k;
    json_t *v;
    if (accept) {
        const char *p = accept;
        while (*p) {
            while (*p == ' ' || *p == ',')
                p++;
            const char *s = p;
            while (*p && *p != ',' && *p != ';')
                p++;
            size_t n = (size_t)(p - s);
            while (*p && *p != ',')
                p++;
            if (n == 1 && *s == '*')
                break;
            json_object_foreach(map, k, v)
            {
                (void)v;
                if (strlen(k) == n && !strncasecmp(k, s, n))
                    return k;
            }
            json_object_foreach(map, k, v)
            {
                (void)v;
                if (!strncasecmp(k, s, n) && k[n] == '-')
                    return k;
            }
        }
    }
    json_object_foreach(map, k, v)
    {
        (void)v;
        return k;
    }
    return NULL;
}

static void canonical(json_t *o, const char *accept)
{
    const char *k;
    json_t *v;
    if (json_is_array(o)) {
        size_t i;
        json_array_foreach(o, i, v) canonical(v, accept);
        return;
    }
    if (!json_is_object(o))
        return;
    json_object_foreach(o, k, v)
    {
        if (!strcmp(k, "extensions"))
            continue;
        if ((!strcmp(k, "display") || !strcmp(k, "name") || !strcmp(k, "description")) &&
            json_is_object(v) && json_object_size(v) > 1) {
            const char *keep = pick_lang(v, accept);
            json_t *one = json_object();
            json_object_set(one, keep, json_object_get(v, keep));
            json_object_set_new(o, k, one);
            continue;
        }
        canonical(v, accept);
    }
}

/* ---- access: every read goes through the gate ---- */

static bool is_person(const struct ctx *c)
{
    return c->who && c->who->kind == PRINCIPAL_USER;
}

/*
 * The gate's grant to read statements: district-wide for API clients, the
 * operator and the SYSTEM principal (statements/read/mine narrowed to the
 * client's own by the grant); one learner at a time for a person.
 */
static int statements_grant(struct ctx *c, int64_t district_id, int64_t learner, struct grant **ret)
{
    struct access_resource res = {RES_STATEMENTS, district_id, learner};
    if (!c->who)
        return ctx_fail(c, -EPERM, "statements: log in or send API client credentials");
    if (is_person(c) && learner == 0)
        return ctx_fail(c, -EACCES,
                        "statements: people read the statements of one rostered learner at a "
                        "time (give agent= naming them)");
    if (!res.district_id)
        res.district_id = c->who->district_id;
    return access_check(c, ACT_LIST, &res, ret);
}

/* ---- one statement, a page ---- */

struct page {
    struct ctx *c;
    const struct lrs_query *q;
    json_t *list;
    size_t n, want;
    int64_t last_seq;
    bool more;
    json_t *attach_sha2; /* object: sha2 -> the attachment's contentType (or true) */
};

/* Can a JSON string go into a part header as it is (no control characters)? */
static bool header_safe(json_t *v)
{
    const char *s = json_string_value(v);
    if (!s || !s[0] || strlen(s) > 255)
        return false;
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return false;
    return true;
}

static json_t *render(struct page *pg, const struct store_lrs_row *row)
{
    struct buf text;
    json_t *st = NULL;
    buf_init(&text, SIZE_MAX / 2);
    if (lrs_unpack(row->flags, row->stored_ms, row->timestamp_ms, row->body, row->body_len,
                   &text) == 0)
        st = json_loadb(text.data, text.len, 0, NULL);
    buf_release(&text);
    if (!st)
        return NULL;
    if (pg->q->format == LRS_FORMAT_IDS)
        ids_statement(st);
    else if (pg->q->format == LRS_FORMAT_CANONICAL)
        canonical(st, pg->q->accept_language);
    if (pg->attach_sha2) {
        size_t i;
        json_t *a;
        json_array_foreach(json_object_get(st, "attachments"), i, a)
        {
            /* sha2 -> the statement's contentType for the part (the first one wins) */
            json_t *h = json_object_get(a, "sha2"), *ct = json_object_get(a, "contentType");
            if (json_is_string(h) && !json_object_get(pg->attach_sha2, json_string_value(h)))
                json_object_set_new(pg->attach_sha2, json_string_value(h),
                                    header_safe(ct) ? json_copy(ct) : json_true());
        }
    }
    return st;
}

static int page_row(const struct store_lrs_row *row, void *arg)
{
    struct page *pg = arg;
    if (pg->n == pg->want) {
        pg->more = true;
        return 1;
    }
    json_t *st = render(pg, row);
    if (!st)
        return -EIO;
    json_array_append_new(pg->list, st);
    pg->n++;
    pg->last_seq = row->seq;
    return 0;
}

static int fetch_parts(struct ctx *c, struct db *db, struct grant *g, json_t *sha2s,
                       struct lrs_result *ret)
{
    size_t n = json_object_size(sha2s), i = 0;
    const char *k;
    json_t *v;
    if (!n)
        return 0;
    ret->parts = arena_calloc(c->arena, n, sizeof(*ret->parts));
    if (!ret->parts)
        return -ENOMEM;
    json_object_foreach(sha2s, k, v)
    {
        char *ct = NULL;
        void *data = NULL;
        size_t len = 0;
        (void)v;
        int r = store_lrs_attachment_get(db, g, k, &ct, &data, &len);
        if (r == -ENOENT)
            continue;
        if (r < 0)
            return r;
        struct lrs_part *p = &ret->parts[i++];
        /* the part's Content-Type is the statement's contentType (xAPI 1.0.3 1.5.2) */
        p->content_type = arena_strdup(c->arena, json_is_string(v) ? json_string_value(v) : ct);
        p->sha2 = arena_strdup(c->arena, k);
        void *copy = arena_alloc(c->arena, len ? len : 1);
        if (copy && len)
            memcpy(copy, data, len);
        p->data = copy;
        p->len = len;
        mem_free(ct);
        mem_free(data);
        if (!p->content_type || !p->sha2 || !copy)
            return -ENOMEM;
    }
    ret->n_parts = i;
    return 0;
}

static int single(struct ctx *c, struct db *db, struct grant *g, const struct lrs_query *q,
                  struct lrs_result *ret)
{
    const char *id = q->statement_id ? q->statement_id : q->voided_statement_id;
    char low[40];
    struct store_lrs_row row;
    char *body = NULL;
    int r;

    if (!lrs_is_uuid(id))
        return ctx_fail(c, -EINVAL, "%s: must be a UUID",
                        q->statement_id ? "statementId" : "voidedStatementId");
    snprintf(low, sizeof(low), "%s", id);
    for (char *p = low; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + 32);
    if (!g) {
        /* a person: the statement's learner decides, through the gate */
        int64_t learner = 0;
        r = access_statement_learner(c, low, &learner);
        if (r == -ENOENT)
            return ctx_fail(c, -ENOENT, "statement %s: no such statement", low);
        if (r < 0)
            return r;
        if ((r = statements_grant(c, 0, learner, &g)) < 0)
            return r;
    }
    r = store_lrs_get(db, g, low, &row, &body);
    if (r == -ENOENT)
        return ctx_fail(c, -ENOENT, "statement %s: no such statement", low);
    if (r < 0)
        return r;
    if ((q->statement_id && row.voided) || (q->voided_statement_id && !row.voided)) {
        mem_free(body);
        return ctx_fail(c, -ENOENT, "statement %s: %s", low,
                        q->statement_id && row.voided
                            ? "it is voided; ask with voidedStatementId (xAPI 2.0.0 4.1.6.1)"
                            : "it is not voided");
    }
    struct store_lrs_row view = row;
    view.body = body;
    struct page pg = {.c = c, .q = q, .attach_sha2 = q->attachments ? json_object() : NULL};
    ret->body = render(&pg, &view);
    mem_free(body);
    ret->last_modified_ms = row.stored_ms;
    if (!ret->body) {
        json_decref(pg.attach_sha2);
        return -EIO;
    }
    if (pg.attach_sha2) {
        r = fetch_parts(c, db, g, pg.attach_sha2, ret);
        json_decref(pg.attach_sha2);
        if (r < 0)
            return r;
    }
    access_grant_detail(g, "statement");
    return 0;
}

static int term_of(struct ctx *c, struct store_lrs_query *sq, int kind, const char *key)
{
    if (sq->n_terms >= 6)
        return ctx_fail(c, -EINVAL, "too many filters");
    sq->kinds[sq->n_terms] = kind;
    sq->hashes[sq->n_terms] = lrs_term_hash(key);
    sq->n_terms++;
    return 0;
}

int lrs_query(struct ctx *c, const struct lrs_query *q, struct lrs_result *ret)
{
    struct store_lrs_query sq = {0};
    struct grant *g = NULL;
    struct db *db;
    int64_t last_seq, last_stored;
    int r;

    memset(ret, 0, sizeof(*ret));
    if (!c->who)
        return ctx_fail(c, -EPERM, "statements: log in or send API client credentials");
    if (!c->purpose)
        c->purpose = "xAPI statements";
    ret->consistent_ms = lrs_consistent_now(c);
    /* the grant opens the read snapshot every part of the answer comes from */
    if (!is_person(c) && (r = statements_grant(c, 0, 0, &g)) < 0)
        return r;
    if ((r = ctx_db(c, &db)) < 0)
        return r;
    if (q->statement_id || q->voided_statement_id) {
        r = single(c, db, g, q, ret);
        goto out;
    }
    if (is_person(c)) {
        r = ctx_fail(c, -EACCES,
                     "statements: people read learners' statements through Trellis's pages, "
                     "not the xAPI query");
        goto out;
    }
    r = store_lrs_last(db, &last_seq, &last_stored);
    if (r < 0)
        goto out;
    sq.ascending = q->ascending;
    sq.seq_min = 0;
    sq.seq_max = INT64_MAX;
    if (q->agent) {
        json_error_t jerr;
        char err[300];
        json_t *a = json_loads(q->agent, JSON_REJECT_DUPLICATES, &jerr);
        if (!a) {
            r = ctx_fail(c, -EINVAL, "agent: not JSON (%s)", jerr.text);
            goto out;
        }
        if (lrs_validate_actor(a, err, sizeof(err)) < 0) {
            json_decref(a);
            r = ctx_fail(c, -EINVAL, "%s", err);
            goto out;
        }
        const char *key = lrs_actor_key(c->arena, a);
        if (!key) {
            json_decref(a);
            r = ctx_fail(c, -EINVAL, "agent: an Anonymous Group cannot be searched for");
            goto out;
        }
        json_decref(a);
        r = term_of(c, &sq, q->related_agents ? LRS_TERM_RELATED_AGENT : LRS_TERM_AGENT, key);
        if (r < 0)
            goto out;
    }
    if (q->activity) {
        if (!lrs_is_iri(q->activity)) {
            r = ctx_fail(c, -EINVAL, "activity: must be an IRI");
            goto out;
        }
        r = term_of(c, &sq, q->related_activities ? LRS_TERM_RELATED_ACTIVITY : LRS_TERM_ACTIVITY,
                    q->activity);
        if (r < 0)
            goto out;
    }
    if (q->registration) {
        char low[40];
        if (!lrs_is_uuid(q->registration)) {
            r = ctx_fail(c, -EINVAL, "registration: must be a UUID");
            goto out;
        }
        snprintf(low, sizeof(low), "%s", q->registration);
        for (char *p = low; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p + 32);
        if ((r = term_of(c, &sq, LRS_TERM_REGISTRATION, low)) < 0)
            goto out;
    }
    if (q->verb) {
        if (!lrs_is_iri(q->verb)) {
            r = ctx_fail(c, -EINVAL, "verb: must be an IRI");
            goto out;
        }
        if ((r = term_of(c, &sq, LRS_TERM_VERB, q->verb)) < 0)
            goto out;
    }
    if (q->has_since) {
        int64_t s;
        if ((r = store_lrs_seq_after_time(db, q->since_ms, &s)) < 0)
            goto out;
        sq.seq_min = s;
    }
    if (q->has_until) {
        int64_t s;
        if ((r = store_lrs_seq_after_time(db, q->until_ms, &s)) < 0)
            goto out;
        sq.seq_max = s == INT64_MAX ? INT64_MAX : s - 1;
    }
    if (q->cursor > 0) {
        if (q->ascending)
            sq.seq_min = MAX(sq.seq_min, q->cursor + 1);
        else
            sq.seq_max = MIN(sq.seq_max, q->cursor - 1);
    }
    /* the snapshot's end: a page never shows what committed after Consistent-Through */
    sq.seq_max = MIN(sq.seq_max, last_seq);
    struct page pg = {.c = c, .q = q, .list = json_array()};
    pg.want = q->limit && q->limit < LRS_PAGE_MAX ? q->limit : LRS_PAGE_MAX;
    sq.limit = pg.want + 1;
    if (q->attachments)
        pg.attach_sha2 = json_object();
    if (!pg.list) {
        r = -ENOMEM;
        goto out;
    }
    if (sq.seq_min <= sq.seq_max) {
        r = store_lrs_query(db, g, &sq, page_row, &pg);
        if (r > 0)
            r = 0;
    }
    if (r == 0 && pg.attach_sha2)
        r = fetch_parts(c, db, g, pg.attach_sha2, ret);
    json_decref(pg.attach_sha2);
    if (r < 0) {
        json_decref(pg.list);
        goto out;
    }
    ret->last_seq = pg.more ? pg.last_seq : 0;
    ret->body = json_pack("{s:o, s:s}", "statements", pg.list, "more", "");
    if (!ret->body)
        r = -ENOMEM;
out:
    access_read_end(c);
    if (r < 0 && ret->body) {
        json_decref(ret->body);
        ret->body = NULL;
    }
    return r;
}

int64_t lrs_consistent_through(struct ctx *c)
{
    return lrs_consistent_now(c);
}

/* ---- the internal stream ---- */

struct stream {
    struct buf text;
    struct ctx *c;
    int (*fn)(const struct lrs_row *row, void *arg);
    void *arg;
    size_t n;
    int64_t user_id;
};

static int stream_row(const struct store_lrs_row *row, void *arg)
{
    struct stream *s = arg;
    json_t *st, *v;
    struct lrs_row out = {0};
    int r = lrs_unpack(row->flags, row->stored_ms, row->timestamp_ms, row->body, row->body_len,
                       &s->text);

    if (r < 0)
        return r;
    st = json_loadb(s->text.data, s->text.len, 0, NULL);
    if (!st)
        return -EIO;
    out.seq = row->seq;
    out.district_id = row->district_id;
    out.user_id = row->user_id;
    out.id = row->statement_id;
    out.verb_id = json_string_value(json_object_get(json_object_get(st, "verb"), "id"));
    json_t *obj = json_object_get(st, "object");
    v = json_object_get(obj, "objectType");
    if (!v || (json_is_string(v) && !strcmp(json_string_value(v), "Activity")))
        out.activity_id = json_string_value(json_object_get(obj, "id"));
    out.timestamp_ms = row->timestamp_ms;
    out.stored_ms = row->stored_ms;
    json_t *res = json_object_get(st, "result");
    if ((v = json_object_get(res, "success")) && json_is_boolean(v)) {
        out.has_success = 1;
        out.success = json_is_true(v);
    }
    if ((v = json_object_get(json_object_get(res, "score"), "scaled")) && json_is_number(v)) {
        out.has_scaled = 1;
        out.scaled = json_number_value(v);
    }
    out.registration =
        json_string_value(json_object_get(json_object_get(st, "context"), "registration"));
    out.json = s->text.data;
    out.json_len = s->text.len;
    out.statement = st;
    out.voided = row->voided;
    r = s->fn(&out, s->arg);
    json_decref(st);
    s->n++;
    return r;
}

int lrs_stream(struct ctx *c, const struct lrs_filter *f,
               int (*fn)(const struct lrs_row *row, void *arg), void *arg)
{
    struct store_lrs_query sq = {0};
    struct grant *g;
    struct db *db;
    int r;

    if (f->class_id) {
        struct access_resource res = {RES_CLASS_LEARNING, f->district_id, f->class_id};
        if (!f->ascending || f->activity_id || f->verb_id)
            return ctx_fail(c, -EINVAL,
                            "filter: a class's statements are read in ascending order, without "
                            "activity or verb");
        if ((r = access_check(c, ACT_LIST, &res, &g)) < 0)
            return r;
    } else if ((r = statements_grant(c, f->district_id, is_person(c) ? f->user_id : 0, &g)) < 0) {
        return r;
    }
    if ((r = ctx_db(c, &db)) < 0)
        goto out;
    sq.user_id = f->user_id;
    sq.ascending = f->ascending;
    sq.include_voided = f->include_voided;
    sq.limit = f->limit;
    sq.seq_min = 0;
    sq.seq_max = INT64_MAX;
    if (f->activity_id)
        term_of(c, &sq, LRS_TERM_ACTIVITY, f->activity_id);
    if (f->verb_id)
        term_of(c, &sq, LRS_TERM_VERB, f->verb_id);
    if (f->since_ms && (r = store_lrs_seq_after_time(db, f->since_ms, &sq.seq_min)) < 0)
        goto out;
    if (f->until_ms) {
        int64_t s;
        if ((r = store_lrs_seq_after_time(db, f->until_ms, &s)) < 0)
            goto out;
        sq.seq_max = s == INT64_MAX ? INT64_MAX : s - 1;
    }
    if (f->after_seq) {
        if (f->ascending)
            sq.seq_min = MAX(sq.seq_min, f->after_seq + 1);
        else
            sq.seq_max = MIN(sq.seq_max, f->after_seq - 1);
    }
    struct stream s = {.c = c, .fn = fn, .arg = arg, .user_id = f->user_id};
    buf_init(&s.text, SIZE_MAX / 2);
    if (sq.seq_min <= sq.seq_max)
        r = f->class_id ? store_lrs_query_class(db, g, f->class_id, c->now_ms / 86400000, &sq,
                                                stream_row, &s)
                        : store_lrs_query(db, g, &sq, stream_row, &s);
    buf_release(&s.text);
    if (r >= 0)
        access_grant_detail(g, arena_printf(c->arena, "%zu statements", s.n));
out:
    access_read_end(c);
    return r;
}

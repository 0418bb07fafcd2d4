/*
 * Forwarding to an upstream LRS: see lrs_forward.h. libcurl is the HTTP
 * client (one easy handle per run, so connections are reused).
 */
#include "base/common.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "app/access.h"
#include "app/audit.h"
#include "app/lrs.h"
#include "app/lrs_forward.h"
#include "app/principal.h"
#include "base/buf.h"
#include "base/hex.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/rand.h"
#include "base/strmap.h"
#include "base/timeutil.h"
#include "store/store.h"
#include "store/store_lrs.h"
#include "store/store_lrs_docs.h"

#define RESP_MAX     (64 * 1024)
#define LEASE_MS     (10 * 60 * 1000LL)
#define MAX_SUBJECTS 1024

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct fwd {
    struct ctx *c;
    const struct lrs_forward_opts *o;
    struct lrs_forward_report *rep;
    const char *owner;
    char target[1024];     /* the upstream base URL without a trailing '/' */
    char statements[1100]; /* target + "/statements" */
    CURL *h;
    struct curl_slist *hdrs;    /* JSON bodies */
    struct curl_slist *hdrs_mp; /* multipart/mixed bodies (statements with attachments) */
    char boundary[48];
    bool multipart;    /* the batch in body is multipart/mixed */
    bool prepared;     /* the batch in body is already recorded as pending */
    struct strmap att; /* sha2 of the batch's attachments */
    char errbuf[CURL_ERROR_SIZE];
    struct buf resp;
    struct lrs_forward_row cur;
    /* the batch being built */
    struct buf body;
    size_t n;
    int64_t last_seq;
    char last_id[40];
    int64_t subjects[MAX_SUBJECTS];
    size_t n_subjects;
    int64_t first_seq;
};

static bool stopping(const struct fwd *f)
{
    return f->o->stop && atomic_load(f->o->stop);
}

static void say(struct fwd *f, const char *fmt, ...) PRINTF_FMT(2, 3);
static void say(struct fwd *f, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (f->o->progress)
        f->o->progress(msg, f->o->progress_arg);
    else
        log_kv(LOG_INFO, "event=lrs_forward target=%s msg=%s", LOG_VALUE(f->target),
               LOG_VALUE(msg));
}

/* Sleep ms, waking early when asked to stop. */
static void nap(const struct fwd *f, int64_t ms)
{
    while (ms > 0 && !stopping(f)) {
        int64_t step = ms < 50 ? ms : 50;
        struct timespec ts = {0, (long)(step * 1000000)};
        nanosleep(&ts, NULL);
        ms -= step;
    }
}

static size_t write_cb(char *p, size_t size, size_t nmemb, void *arg)
{
    struct fwd *f = arg;
    size_t n = size * nmemb;
    if (f->resp.len + n <= RESP_MAX)
        (void)buf_append(&f->resp, p, n);
    return n;
}

static int xfer_cb(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    (void)dt;
    (void)dn;
    (void)ut;
    (void)un;
    return stopping(arg) ? 1 : 0;
}

/*
 * One request to the upstream. 0 and *ret_status, or -EIO for a transport
 * fault (no answer: refused, reset, timeout) with the reason in c->err.
 */
static int call(struct fwd *f, const char *url, const char *body, size_t len, long *ret_status)
{
    CURLcode cc;

    buf_reset(&f->resp);
    f->errbuf[0] = '\0';
    curl_easy_setopt(f->h, CURLOPT_URL, url);
    curl_easy_setopt(f->h, CURLOPT_HTTPHEADER, body && f->multipart ? f->hdrs_mp : f->hdrs);
    if (body) {
        curl_easy_setopt(f->h, CURLOPT_HTTPGET, 0L);
        curl_easy_setopt(f->h, CURLOPT_POST, 1L);
        curl_easy_setopt(f->h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(f->h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    } else {
        curl_easy_setopt(f->h, CURLOPT_HTTPGET, 1L);
    }
    cc = curl_easy_perform(f->h);
    if (cc != CURLE_OK)
        return ctx_fail(f->c, -EIO, "upstream %s: %s", f->target,
                        f->errbuf[0] ? f->errbuf : curl_easy_strerror(cc));
    curl_easy_getinfo(f->h, CURLINFO_RESPONSE_CODE, ret_status);
    return 0;
}

/* Is statement id at the upstream (stored, or stored and voided)? 1, 0 or -EIO. */
static int probe(struct fwd *f, const char *id)
{
    static const char *const params[] = {"statementId", "voidedStatementId"};
    char url[1200];
    long st;

    for (size_t i = 0; i < ARRAY_SIZE(params); i++) {
        snprintf(url, sizeof(url), "%s?%s=%s", f->statements, params[i], id);
        int r = call(f, url, NULL, 0, &st);
        if (r < 0)
            return r;
        if (st == 200)
            return 1;
        if (st != 404)
            return ctx_fail(f->c, -EIO,
                            "upstream %s: asking for statement %s answered %ld (the key needs "
                            "statements/read to check a batch whose answer was lost)",
                            f->target, id, st);
    }
    return 0;
}

/* ---- the cursor, each change in its own durable transaction ---- */

struct cur_tx {
    struct fwd *f;
    const struct lrs_forward_row *row;
    bool audit;
    int64_t n, first, last;
    const int64_t *subjects;
    size_t n_subjects;
};

static int cur_write_fn(struct db *db, void *arg)
{
    struct cur_tx *x = arg;
    struct fwd *f = x->f;
    int r = store_lrs_forward_set(db, f->c->who->district_id, f->target, f->owner, x->row);
    if (r < 0 || !x->audit)
        return r;
    char detail[1400];
    snprintf(detail, sizeof(detail),
             "%lld statements (seq %lld to %lld) forwarded to the upstream LRS %s", (long long)x->n,
             (long long)x->first, (long long)x->last, f->target);
    struct audit_entry e = {.action = "export",
                            .object = "lrs-forward",
                            .subjects = x->subjects,
                            .n_subjects = x->n_subjects,
                            .detail = detail};
    return audit_append(f->c, db, &e);
}

static int cur_write(struct fwd *f, const struct lrs_forward_row *row, bool audit, int64_t n,
                     int64_t first, int64_t last, const int64_t *subjects, size_t n_subjects)
{
    struct db *db;
    struct lrs_forward_row copy = *row;
    int r = ctx_db(f->c, &db);

    if (r < 0)
        return r;
    f->c->now_ms = time_now_ms();
    copy.updated_at = f->c->now_ms;
    struct cur_tx x = {f, &copy, audit, n, first, last, subjects, n_subjects};
    r = store_tx(db, cur_write_fn, &x);
    ctx_release(f->c);
    if (r == -EALREADY)
        return ctx_fail(f->c, r, "another forwarder took over the cursor of %s", f->target);
    if (r < 0)
        return ctx_fail(f->c, r, "cannot write the forwarding cursor");
    f->cur = copy;
    return 0;
}

struct claim_tx {
    struct fwd *f;
};

static int claim_fn(struct db *db, void *arg)
{
    struct fwd *f = ((struct claim_tx *)arg)->f;
    return store_lrs_forward_claim(db, f->c->who->district_id, f->target, f->owner, f->c->now_ms,
                                   f->c->now_ms + LEASE_MS, &f->cur);
}

static int claim(struct fwd *f)
{
    struct db *db;
    int r = ctx_db(f->c, &db);
    if (r < 0)
        return r;
    f->c->now_ms = time_now_ms();
    struct claim_tx x = {f};
    r = store_tx(db, claim_fn, &x);
    ctx_release(f->c);
    if (r == -EALREADY)
        return ctx_fail(f->c, r,
                        "another forwarder is sending this district to %s (its lease runs "
                        "for up to %lld minutes after it stops)",
                        f->target, LEASE_MS / 60000);
    if (r < 0)
        return ctx_fail(f->c, r, "cannot read the forwarding cursor");
    return 0;
}

static void release_lease(struct fwd *f)
{
    struct db *db;
    if (ctx_db(f->c, &db) < 0)
        return;
    (void)store_lrs_forward_release(db, f->c->who->district_id, f->target, f->owner);
    ctx_release(f->c);
}

/* ---- batches ---- */

static int row_cb(const struct lrs_row *row, void *arg)
{
    struct fwd *f = arg;
    if (f->n && buf_putc(&f->body, ',') < 0)
        return -ENOMEM;
    if (buf_append(&f->body, row->json, row->json_len) < 0)
        return -ENOMEM;
    if (f->n == 0)
        f->first_seq = row->seq;
    f->n++;
    f->last_seq = row->seq;
    snprintf(f->last_id, sizeof(f->last_id), "%s", row->id);
    if (memmem(row->json, row->json_len, "\"attachments\"", 13)) {
        /* the attachments' content goes along (xAPI 2.0.0 4.1.3 multipart/mixed) */
        json_error_t jerr;
        json_t *st = json_loadb(row->json, row->json_len, 0, &jerr), *a;
        size_t i;
        json_array_foreach(json_object_get(st, "attachments"), i, a)
        {
            const char *h = json_string_value(json_object_get(a, "sha2"));
            struct strmap_entry *e;
            bool added;
            if (h && strlen(h) <= 128 && strmap_put(&f->att, str_from(h), &e, &added) < 0) {
                json_decref(st);
                return -ENOMEM;
            }
        }
        json_decref(st);
    }
    if (row->user_id && f->n_subjects < MAX_SUBJECTS) {
        size_t i;
        for (i = 0; i < f->n_subjects && f->subjects[i] != row->user_id; i++)
            ;
        if (i == f->n_subjects)
            f->subjects[f->n_subjects++] = row->user_id;
    }
    return 0;
}

/*
 * Statements with attachments whose content this LRS holds: send the batch
 * as multipart/mixed, the statements first, then one part per attachment
 * with its X-Experience-API-Hash (xAPI 2.0.0 4.1.3). Attachments known only
 * by fileUrl have no content here and go without a part.
 */
static int to_multipart(struct fwd *f, struct ctx *sc)
{
    struct access_resource res = {RES_STATEMENTS, sc->who->district_id, 0};
    struct grant *gr;
    struct buf mp;
    struct db *db;
    int r = access_check(sc, ACT_LIST, &res, &gr);

    if (r < 0)
        return r;
    r = ctx_db(sc, &db);
    if (r < 0)
        return r;
    buf_init(&mp, 1024u << 20);
    r = buf_appendf(&mp, "--%s\r\nContent-Type: application/json\r\n\r\n", f->boundary);
    if (r == 0)
        r = buf_append(&mp, f->body.data, f->body.len);
    strmap_foreach(&f->att, e)
    {
        char *ct = NULL;
        void *p = NULL;
        size_t n = 0;
        if (r < 0)
            break;
        int g = store_lrs_attachment_get(db, gr, e->key, &ct, &p, &n);
        if (g == -ENOENT)
            continue;
        if (g < 0) {
            r = g;
            break;
        }
        r = buf_appendf(&mp,
                        "\r\n--%s\r\nContent-Type: %s\r\nContent-Transfer-Encoding: binary\r\n"
                        "X-Experience-API-Hash: %s\r\n\r\n",
                        f->boundary, ct, e->key);
        if (r == 0)
            r = buf_append(&mp, p, n);
        mem_free(ct);
        mem_free(p);
        f->multipart = true;
    }
    if (r == 0)
        r = buf_appendf(&mp, "\r\n--%s--\r\n", f->boundary);
    access_read_end(sc);
    if (r < 0) {
        buf_release(&mp);
        return r < 0 ? r : -ENOMEM;
    }
    if (!f->multipart) {
        buf_release(&mp);
        return 0;
    }
    buf_release(&f->body);
    f->body = mp;
    return 0;
}

/*
 * The next batch after after_seq, read by the SYSTEM principal: reading is
 * Trellis's own work; the disclosure is the batch the upstream acknowledges,
 * audited with the cursor (ack_fn) in the name of whoever runs the forwarding.
 */
static int next_batch(struct fwd *f, int64_t after_seq)
{
    struct arena arena = ARENA_INIT;
    struct principal sys;
    struct ctx sc;
    struct lrs_filter flt = {
        .district_id = f->c->who->district_id,
        .after_seq = after_seq,
        .limit = f->o->batch ? f->o->batch : 500,
        .ascending = true,
        .include_voided = true,
    };
    buf_reset(&f->body);
    f->n = 0;
    f->n_subjects = 0;
    f->multipart = false;
    strmap_release(&f->att);
    if (buf_putc(&f->body, '[') < 0)
        return -ENOMEM;
    principal_system(&sys, f->c->who->district_id, "system:lrs-forward");
    ctx_init(&sc, f->c->store, f->c->cfg, &arena, f->c->now_ms, f->c->req_id);
    sc.who = &sys;
    int r = lrs_stream(&sc, &flt, row_cb, f);
    ctx_release(f->c);
    f->c->gate = NULL; /* it lived in the arena */
    arena_release(f->c->arena);
    if (r == 0 && buf_putc(&f->body, ']') < 0)
        r = -ENOMEM;
    if (r == 0 && f->att.n)
        r = to_multipart(f, &sc);
    if (r < 0 && !f->c->err[0])
        snprintf(f->c->err, sizeof(f->c->err), "%s", sc.err);
    ctx_release(&sc);
    arena_release(&arena);
    return r;
}

/* Settle a batch whose answer we never saw: ask the upstream. 0 or -EIO. */
static int settle_pending(struct fwd *f)
{
    struct lrs_forward_row row = f->cur;
    int r = probe(f, f->cur.pending_id);

    if (r < 0)
        return r;
    if (r > 0) {
        say(f, "batch up to seq %lld was already upstream; not sending it again",
            (long long)f->cur.pending_seq);
        row.after_seq = row.pending_seq;
        row.sent += row.pending_n;
        f->rep->skipped++;
        f->rep->batches++;
        f->rep->sent += row.pending_n;
        f->n_subjects = 0;
    }
    int64_t n = row.pending_n, first = f->cur.after_seq + 1, last = f->cur.pending_seq;
    row.pending_seq = row.pending_n = 0;
    row.pending_id[0] = '\0';
    return cur_write(f, &row, r > 0, n, first, last, NULL, 0);
}

static bool transient(long st)
{
    return st == 408 || st == 429 || st >= 500;
}

/*
 * Send the batch in f->body. 0 when acknowledged; -EIO (transient) or
 * -EPROTO (refused). One durable write per batch: the batch is recorded as
 * pending before it goes out, and once the upstream acknowledges it the
 * next batch is read and the cursor moves past this one and records the
 * next as pending in the same transaction (f->prepared).
 */
static int send_batch(struct fwd *f)
{
    struct lrs_forward_row row = f->cur;
    long st = 0;
    int r;

    if (!f->prepared) {
        /* the intent first, durably: after a crash the next run knows what may be upstream */
        row.pending_seq = f->last_seq;
        row.pending_n = (int64_t)f->n;
        snprintf(row.pending_id, sizeof(row.pending_id), "%s", f->last_id);
        r = cur_write(f, &row, false, 0, 0, 0, NULL, 0);
        if (r < 0)
            return r;
    }
    f->prepared = false;
    r = call(f, f->statements, buf_cstr(&f->body), f->body.len, &st);
    if (r < 0)
        return r; /* no answer: pending stays, the next attempt asks first */
    if (st >= 200 && st < 300) {
        int64_t ack_n = (int64_t)f->n, ack_first = f->first_seq, ack_last = f->last_seq;
        int64_t subjects[MAX_SUBJECTS];
        size_t n_subjects = f->n_subjects;
        memcpy(subjects, f->subjects, n_subjects * sizeof(subjects[0]));
        if (next_batch(f, ack_last) < 0)
            f->n = 0; /* the main loop reads it again */
        row = f->cur;
        row.after_seq = ack_last;
        row.sent += ack_n;
        row.last_error[0] = '\0';
        row.pending_seq = f->n ? f->last_seq : 0;
        row.pending_n = (int64_t)f->n;
        snprintf(row.pending_id, sizeof(row.pending_id), "%s", f->n ? f->last_id : "");
        r = cur_write(f, &row, true, ack_n, ack_first, ack_last, subjects, n_subjects);
        if (r < 0)
            return r;
        f->rep->sent += ack_n;
        f->rep->batches++;
        f->prepared = f->n > 0;
        return 0;
    }
    /* an answer that is not 2xx: nothing was stored upstream */
    char detail[200];
    snprintf(detail, sizeof(detail), "%.*s", (int)(f->resp.len < 160 ? f->resp.len : 160),
             buf_cstr(&f->resp));
    ctx_fail(f->c, transient(st) ? -EIO : -EPROTO,
             "upstream %s answered %ld to the batch of seq %lld to %lld: %s", f->target, st,
             (long long)f->first_seq, (long long)f->last_seq, detail);
    r = transient(st) ? -EIO : -EPROTO;
    row = f->cur;
    row.pending_seq = row.pending_n = 0;
    row.pending_id[0] = '\0';
    snprintf(row.last_error, sizeof(row.last_error), "%.255s", f->c->err);
    char keep[512];
    memcpy(keep, f->c->err, sizeof(keep));
    (void)cur_write(f, &row, false, 0, 0, 0, NULL, 0);
    memcpy(f->c->err, keep, sizeof(keep));
    return r;
}

static int check_url(struct ctx *c, const char *url)
{
    size_t n = url ? strlen(url) : 0;
    if (n == 0)
        return ctx_fail(c, -EINVAL, "to: the upstream LRS's URL is required");
    if (n > 1000 || (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0))
        return ctx_fail(c, -EINVAL, "to: must be an http:// or https:// URL of at most 1000 bytes");
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)url[i] <= ' ' || url[i] == '?' || url[i] == '#')
            return ctx_fail(c, -EINVAL,
                            "to: must be the xAPI base URL (no spaces, query or fragment)");
    const char *host = strstr(url, "://") + 3, *slash = strchr(host, '/');
    const char *at = strchr(host, '@');
    if (at && (!slash || at < slash))
        return ctx_fail(c, -EINVAL, "to: put the credentials in --key and --secret, not the URL");
    return 0;
}

int lrs_forward_run(struct ctx *c, const struct lrs_forward_opts *o, struct lrs_forward_report *ret)
{
    struct fwd *f = NULL;
    struct lrs_forward_report rep = {0};
    int64_t backoff = 1000, backoff_max = o->backoff_max_ms > 0 ? o->backoff_max_ms : 60000;
    int fails = 0, r;

    if (!c->who)
        return ctx_fail(c, -EPERM, "log in first");
    r = check_url(c, o->url);
    if (r < 0)
        return r;
    if (!o->key || !o->key[0] || !o->secret || !o->secret[0])
        return ctx_fail(c, -EINVAL, "key, secret: the upstream LRS's credentials are required");
    if (o->batch > 1000)
        return ctx_fail(c, -EINVAL, "batch: at most 1000 statements per request");
    struct access_resource res = {RES_STATEMENTS, c->who->district_id, 0};
    r = access_check(c, ACT_EXPORT, &res, NULL);
    if (r < 0)
        return r;

    pthread_once(&curl_once, curl_init_once);
    f = mem_calloc(1, sizeof(*f));
    if (!f)
        return -ENOMEM;
    f->c = c;
    f->o = o;
    f->rep = &rep;
    f->owner = o->follow ? "serve" : "cli";
    snprintf(f->target, sizeof(f->target), "%s", o->url);
    for (size_t n = strlen(f->target); n && f->target[n - 1] == '/'; n--)
        f->target[n - 1] = '\0';
    snprintf(f->statements, sizeof(f->statements), "%s/statements", f->target);
    buf_init(&f->resp, RESP_MAX + 1);
    buf_init(&f->body, 256u << 20);
    f->h = curl_easy_init();
    char ver[64];
    snprintf(ver, sizeof(ver), "X-Experience-API-Version: %.30s",
             o->version ? o->version : "2.0.0");
    f->hdrs = curl_slist_append(NULL, "Content-Type: application/json");
    if (f->hdrs)
        f->hdrs = curl_slist_append(f->hdrs, ver);
    if (f->hdrs) /* no "Expect: 100-continue" round trip before each batch */
        f->hdrs = curl_slist_append(f->hdrs, "Expect:");
    if (!f->h || !f->hdrs) {
        r = -ENOMEM;
        goto out;
    }
    uint8_t rnd[12];
    char hex[25], mpct[128];
    (void)rand_bytes(rnd, sizeof(rnd));
    hex_encode(rnd, sizeof(rnd), hex);
    snprintf(f->boundary, sizeof(f->boundary), "trellis-forward-%s", hex);
    snprintf(mpct, sizeof(mpct), "Content-Type: multipart/mixed; boundary=%s", f->boundary);
    f->hdrs_mp = curl_slist_append(NULL, mpct);
    if (f->hdrs_mp)
        f->hdrs_mp = curl_slist_append(f->hdrs_mp, ver);
    if (f->hdrs_mp)
        f->hdrs_mp = curl_slist_append(f->hdrs_mp, "Expect:");
    if (!f->hdrs_mp) {
        r = -ENOMEM;
        goto out;
    }
    curl_easy_setopt(f->h, CURLOPT_USERNAME, o->key);
    curl_easy_setopt(f->h, CURLOPT_PASSWORD, o->secret);
    curl_easy_setopt(f->h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
    curl_easy_setopt(f->h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(f->h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(f->h, CURLOPT_TIMEOUT_MS, o->timeout_ms > 0 ? o->timeout_ms : 30000L);
    curl_easy_setopt(f->h, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl_easy_setopt(f->h, CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(f->h, CURLOPT_WRITEDATA, f);
    curl_easy_setopt(f->h, CURLOPT_ERRORBUFFER, f->errbuf);
    curl_easy_setopt(f->h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(f->h, CURLOPT_XFERINFOFUNCTION, xfer_cb);
    curl_easy_setopt(f->h, CURLOPT_XFERINFODATA, f);

    r = claim(f);
    if (r < 0)
        goto out;
    while (!stopping(f)) {
        if (f->prepared) {
            r = send_batch(f); /* read and recorded as pending with the last acknowledgement */
        } else if (f->cur.pending_seq) {
            r = settle_pending(f);
        } else {
            r = next_batch(f, f->cur.after_seq);
            if (r < 0) {
                if (!c->err[0])
                    ctx_fail(c, r, "cannot read the statements to forward");
                goto out;
            }
            if (f->n == 0) {
                fails = 0;
                if (!o->follow)
                    break;
                nap(f, o->poll_ms > 0 ? o->poll_ms : 1000);
                r = claim(f); /* renew the lease */
                if (r < 0)
                    goto out;
                continue;
            }
            r = send_batch(f);
        }
        if (r == 0) {
            fails = 0;
            backoff = 1000;
            continue;
        }
        if (r != -EIO && r != -EPROTO)
            goto out; /* the database, or the lease */
        rep.failures++;
        fails++;
        say(f, "fault %d: %s; retrying in %lld ms", fails, c->err, (long long)backoff);
        if (o->max_failures && fails >= o->max_failures) {
            r = -EIO;
            goto out;
        }
        nap(f, backoff);
        backoff = backoff * 2 > backoff_max ? backoff_max : backoff * 2;
        r = claim(f);
        if (r < 0)
            goto out;
    }
    r = 0;
out:
    if (f) {
        rep.after_seq = f->cur.after_seq;
        rep.total = f->cur.sent;
        if (r != -EALREADY)
            release_lease(f);
        curl_slist_free_all(f->hdrs);
        curl_slist_free_all(f->hdrs_mp);
        strmap_release(&f->att);
        if (f->h)
            curl_easy_cleanup(f->h);
        buf_release(&f->resp);
        buf_release(&f->body);
        mem_free(f);
    }
    if (ret)
        *ret = rep;
    return r;
}

/* ---- the server's background forwarder ---- */

struct lrs_forwarder {
    struct store *s;
    const struct config *cfg;
    char target[1024]; /* the cursor's key: the URL without a trailing '/' */
    pthread_t thread;
    atomic_int stop;
};

struct each_arg {
    struct lrs_forwarder *fw;
    int failed;
};

static void bg_progress(const char *msg, void *arg)
{
    (void)arg;
    log_kv(LOG_INFO, "event=lrs_forward msg=%s", LOG_VALUE(msg));
}

static int forward_district(int64_t district_id, void *arg)
{
    struct each_arg *a = arg;
    struct lrs_forwarder *fw = a->fw;
    struct arena arena = ARENA_INIT;
    struct principal p;
    struct ctx c;
    struct lrs_forward_report rep;

    if (atomic_load(&fw->stop))
        return 1;
    /* idle: nothing stored since the cursor and nothing in flight (no write, no fsync) */
    struct db *db;
    if (store_acquire(fw->s, &db) == 0) {
        struct lrs_forward_row cur;
        int64_t last_seq = 0, last_ms = 0;
        bool idle = store_lrs_forward_get(db, district_id, fw->target, &cur) == 0 &&
                    cur.pending_seq == 0 && store_lrs_last(db, &last_seq, &last_ms) == 0 &&
                    cur.after_seq >= last_seq;
        store_release(fw->s, db);
        if (idle)
            return 0;
    }
    principal_system(&p, district_id, "system:lrs-forward");
    ctx_init(&c, fw->s, fw->cfg, &arena, time_now_ms(), "lrs-forward");
    c.who = &p;
    struct lrs_forward_opts o = {
        .url = fw->cfg->lrs_forward_url,
        .key = fw->cfg->lrs_forward_key,
        .secret = fw->cfg->lrs_forward_secret,
        .follow = false,
        .max_failures = 1,
        .stop = &fw->stop,
        .progress = bg_progress,
    };
    int r = lrs_forward_run(&c, &o, &rep);
    if (r < 0) {
        a->failed = 1;
        log_kv(LOG_WARN, "event=lrs_forward district=%lld error=%s", (long long)district_id,
               LOG_VALUE(c.err));
    } else if (rep.sent) {
        log_kv(LOG_INFO, "event=lrs_forward district=%lld sent=%lld after_seq=%lld",
               (long long)district_id, (long long)rep.sent, (long long)rep.after_seq);
    }
    ctx_release(&c);
    arena_release(&arena);
    return 0;
}

struct ids_arg {
    int64_t ids[256];
    size_t n;
};

static int collect_id(int64_t id, void *arg)
{
    struct ids_arg *a = arg;
    if (a->n < ARRAY_SIZE(a->ids))
        a->ids[a->n++] = id;
    return 0;
}

static void bg_nap(struct lrs_forwarder *fw, int64_t ms)
{
    while (ms > 0 && !atomic_load(&fw->stop)) {
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
        ms -= 50;
    }
}

static void *bg_main(void *arg)
{
    struct lrs_forwarder *fw = arg;
    int64_t backoff = 1000;

    while (!atomic_load(&fw->stop)) {
        struct ids_arg ids = {.n = 0};
        struct each_arg a = {fw, 0};
        struct db *db;

        /* the districts first, then each with connections of its own */
        if (store_acquire(fw->s, &db) == 0) {
            if (store_lrs_districts(db, collect_id, &ids) < 0)
                a.failed = 1;
            store_release(fw->s, db);
        } else {
            a.failed = 1;
        }
        for (size_t i = 0; i < ids.n && !atomic_load(&fw->stop); i++)
            forward_district(ids.ids[i], &a);
        if (a.failed) {
            bg_nap(fw, backoff);
            backoff = backoff * 2 > 60000 ? 60000 : backoff * 2;
        } else {
            backoff = 1000;
            bg_nap(fw, 1000);
        }
    }
    return NULL;
}

int lrs_forward_start(struct store *s, const struct config *cfg, struct lrs_forwarder **ret)
{
    *ret = NULL;
    if (!cfg->lrs_forward_url || !cfg->lrs_forward_url[0])
        return 0;
    struct lrs_forwarder *fw = mem_calloc(1, sizeof(*fw));
    if (!fw)
        return -ENOMEM;
    fw->s = s;
    fw->cfg = cfg;
    snprintf(fw->target, sizeof(fw->target), "%s", cfg->lrs_forward_url);
    for (size_t n = strlen(fw->target); n && fw->target[n - 1] == '/'; n--)
        fw->target[n - 1] = '\0';
    atomic_init(&fw->stop, 0);
    if (pthread_create(&fw->thread, NULL, bg_main, fw) != 0) {
        mem_free(fw);
        return -EAGAIN;
    }
    *ret = fw;
    return 0;
}

void lrs_forward_stop(struct lrs_forwarder *fw)
{
    if (!fw)
        return;
    atomic_store(&fw->stop, 1);
    pthread_join(fw->thread, NULL);
    mem_free(fw);
}

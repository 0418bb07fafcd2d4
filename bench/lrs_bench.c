/*
 * LRS benchmarks (bench/lrs_ingest.sh and bench/lrs_query.sh drive them):
 *
 *   lrs_bench load URL KEY SECRET CLIENTS SECONDS [MAX_STATEMENTS]
 *       CLIENTS keep-alive connections each POST batches of 50 realistic
 *       practice statements (actor account, verb, object with definition,
 *       result, context with registration, parent and grouping activities)
 *       for SECONDS (or until MAX_STATEMENTS are acknowledged); prints
 *       statements/s and the request latency p50/p99.
 *   lrs_bench baseline DB N
 *       the storage limit: the same statements (as the LRS stores them: id,
 *       authority, version, timestamp, stored filled in; the same terms) in
 *       a tight loop of the same store functions, one process, commits of
 *       1,000 statements, synchronous=FULL; prints statements/s.
 *   lrs_bench query URL KEY SECRET REQUESTS STUDENTS
 *       GET /xapi/statements?agent=<a random student>&limit=100, one at a
 *       time; prints p50/p99 latency and bytes per answer.
 */
#include "base/common.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "app/lrs_internal.h"
#include "base/arena.h"
#include "base/timeutil.h"
#include "store/store.h"
#include "store/store_lrs.h"
#include "store/store_roster.h"

#define BATCH    50
#define STUDENTS 20000
#define HOMEPAGE "https://trellis.example.org"

/* ---- realistic statements ---- */

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void uuid_of(uint64_t a, uint64_t b, char out[37])
{
    snprintf(out, 37, "%08x-%04x-4%03x-8%03x-%012llx", (unsigned)(a >> 32),
             (unsigned)(a >> 16) & 0xffff, (unsigned)a & 0xfff, (unsigned)(b >> 48) & 0xfff,
             (unsigned long long)(b & 0xffffffffffffULL));
}

static int statement_json(uint64_t *rng, char *out, size_t cap, int64_t t_ms)
{
    unsigned stu = (unsigned)(rng_next(rng) % STUDENTS);
    unsigned skill = (unsigned)(rng_next(rng) % 400),
             item = skill * 25 + (unsigned)(rng_next(rng) % 25);
    unsigned session = (unsigned)(rng_next(rng) % 8);
    bool ok = rng_next(rng) % 10 < 7;
    char reg[37], ts[32];
    uuid_of(0x5eed000000000000ULL + stu, 0x1000000000000ULL * session + stu, reg);
    time_format_iso8601(t_ms, ts);
    return snprintf(
        out, cap,
        "{\"actor\":{\"objectType\":\"Agent\",\"name\":\"Student %u\",\"account\":{\"homePage\":"
        "\"" HOMEPAGE "\",\"name\":\"stu-%06u\"}},"
        "\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/answered\",\"display\":{\"en-US\":"
        "\"answered\"}},"
        "\"object\":{\"objectType\":\"Activity\",\"id\":\"" HOMEPAGE "/items/%u\","
        "\"definition\":{\"type\":\"http://adlnet.gov/expapi/activities/cmi.interaction\","
        "\"interactionType\":\"choice\",\"name\":{\"en-US\":\"Item %u\"}}},"
        "\"result\":{\"success\":%s,\"score\":{\"scaled\":%s,\"raw\":%d,\"min\":0,\"max\":1},"
        "\"duration\":\"PT%uS\",\"response\":\"%c\"},"
        "\"context\":{\"registration\":\"%s\",\"platform\":\"Trellis practice\",\"language\":"
        "\"en-US\",\"contextActivities\":{\"parent\":[{\"objectType\":\"Activity\",\"id\":"
        "\"" HOMEPAGE "/skills/%u\"}],\"grouping\":[{\"objectType\":\"Activity\",\"id\":"
        "\"" HOMEPAGE "/courses/algebra-1\"}]}},"
        "\"timestamp\":\"%s\"}",
        stu, stu, item, item, ok ? "true" : "false", ok ? "1" : "0", ok ? 1 : 0,
        5 + (unsigned)(rng_next(rng) % 90), "abcd"[rng_next(rng) % 4], reg, skill, ts);
}

static char *batch_json(uint64_t *rng, size_t *ret_len)
{
    size_t cap = BATCH * 1400 + 16, n = 0;
    char *b = malloc(cap);
    int64_t now = time_now_ms();
    if (!b)
        abort();
    b[n++] = '[';
    for (int i = 0; i < BATCH; i++) {
        if (i)
            b[n++] = ',';
        n += (size_t)statement_json(rng, b + n, cap - n, now - (int64_t)(rng_next(rng) % 86400000));
    }
    b[n++] = ']';
    b[n] = '\0';
    *ret_len = n;
    return b;
}

/* ---- a tiny HTTP/1.1 client ---- */

struct conn {
    int fd;
    char buf[1 << 16];
    size_t have;
};

static int conn_open(struct conn *c, const char *host, unsigned port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    int one = 1;
    inet_pton(AF_INET, host, &a.sin_addr);
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    c->have = 0;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return connect(c->fd, (struct sockaddr *)&a, sizeof(a));
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Read one response: its status, body bytes (skipped). */
static int read_response(struct conn *c, size_t *ret_body)
{
    size_t need = 0;
    char *hend;
    int status;
    for (;;) {
        c->buf[c->have] = '\0';
        hend = strstr(c->buf, "\r\n\r\n");
        if (hend)
            break;
        ssize_t r = recv(c->fd, c->buf + c->have, sizeof(c->buf) - 1 - c->have, 0);
        if (r <= 0)
            return -1;
        c->have += (size_t)r;
    }
    status = (c->buf[9] - '0') * 100 + (c->buf[10] - '0') * 10 + (c->buf[11] - '0');
    const char *cl = strcasestr(c->buf, "\r\nContent-Length:");
    if (cl && cl < hend)
        need = strtoul(cl + 17, NULL, 10);
    size_t hlen = (size_t)(hend + 4 - c->buf), got = c->have - hlen;
    while (got < need) {
        ssize_t r = recv(c->fd, c->buf, sizeof(c->buf) - 1, 0);
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    /* keep what belongs to the next response (none: one request in flight) */
    c->have = 0;
    *ret_body = need;
    return status;
}

/* ---- load ---- */

struct load {
    char host[64];
    unsigned port;
    char auth[256];
    int64_t end_ns;
    long max_statements;
    atomic_long acked;
    atomic_long failed;
    double *lat; /* ms per request, per thread slices */
    size_t lat_cap;
    atomic_size_t n_lat;
};

static void *load_thread(void *arg)
{
    struct load *L = arg;
    struct conn *c = malloc(sizeof(*c));
    uint64_t rng = 0x9e3779b97f4a7c15ULL ^ (uint64_t)(uintptr_t)c ^ (uint64_t)time_mono_ns();
    char head[512];
    if (!c || conn_open(c, L->host, L->port) < 0) {
        fprintf(stderr, "connect failed\n");
        free(c);
        return NULL;
    }
    while (time_mono_ns() < L->end_ns &&
           (L->max_statements == 0 || atomic_load(&L->acked) < L->max_statements)) {
        size_t blen, body;
        char *b = batch_json(&rng, &blen);
        int hl = snprintf(head, sizeof(head),
                          "POST /xapi/statements HTTP/1.1\r\nHost: %s\r\nAuthorization: %s\r\n"
                          "X-Experience-API-Version: 2.0.0\r\nContent-Type: application/json\r\n"
                          "Content-Length: %zu\r\n\r\n",
                          L->host, L->auth, blen);
        int64_t t0 = time_mono_ns();
        if (send_all(c->fd, head, (size_t)hl) < 0 || send_all(c->fd, b, blen) < 0) {
            free(b);
            break;
        }
        free(b);
        int st = read_response(c, &body);
        int64_t t1 = time_mono_ns();
        if (st < 0)
            break;
        if (st == 200)
            atomic_fetch_add(&L->acked, BATCH);
        else
            atomic_fetch_add(&L->failed, 1);
        size_t k = atomic_fetch_add(&L->n_lat, 1);
        if (k < L->lat_cap)
            L->lat[k] = (double)(t1 - t0) / 1e6;
    }
    close(c->fd);
    free(c);
    return NULL;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int parse_url(const char *url, char *host, size_t hl, unsigned *port)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    const char *colon = strchr(p, ':');
    if (!colon || (size_t)(colon - p) >= hl)
        return -1;
    memcpy(host, p, (size_t)(colon - p));
    host[colon - p] = '\0';
    *port = (unsigned)strtoul(colon + 1, NULL, 10);
    return 0;
}

static void basic(char *out, size_t n, const char *key, const char *secret)
{
    char kv[200];
    snprintf(kv, sizeof(kv), "%s:%s", key, secret);
    memcpy(out, "Basic ", 6);
    sodium_bin2base64(out + 6, n - 6, (const unsigned char *)kv, strlen(kv),
                      sodium_base64_VARIANT_ORIGINAL);
}

static int cmd_load(int argc, char **argv)
{
    struct load L = {0};
    if (argc < 5)
        return 2;
    int clients = (int)strtol(argv[3], NULL, 10);
    double secs = strtod(argv[4], NULL);
    L.max_statements = argc > 5 ? strtol(argv[5], NULL, 10) : 0;
    if (parse_url(argv[0], L.host, sizeof(L.host), &L.port) < 0)
        return 2;
    basic(L.auth, sizeof(L.auth), argv[1], argv[2]);
    L.lat_cap = 4000000;
    L.lat = malloc(L.lat_cap * sizeof(double));
    pthread_t *t = calloc((size_t)clients, sizeof(*t));
    int64_t t0 = time_mono_ns();
    L.end_ns = t0 + (int64_t)(secs * 1e9);
    for (int i = 0; i < clients; i++)
        pthread_create(&t[i], NULL, load_thread, &L);
    for (int i = 0; i < clients; i++)
        pthread_join(t[i], NULL);
    double el = (double)(time_mono_ns() - t0) / 1e9;
    size_t n = MIN(atomic_load(&L.n_lat), L.lat_cap);
    qsort(L.lat, n, sizeof(double), cmp_d);
    printf("ingest: %d clients, %ld statements acknowledged in %.2f s = %.0f statements/s; "
           "request (batch of %d) p50 %.1f ms, p99 %.1f ms; %ld failed requests\n",
           clients, atomic_load(&L.acked), el, (double)atomic_load(&L.acked) / el, BATCH,
           n ? L.lat[n / 2] : 0, n ? L.lat[(size_t)((double)n * 0.99)] : 0, atomic_load(&L.failed));
    free(t);
    free(L.lat);
    return 0;
}

/* ---- baseline: the same rows, the same store functions, one tight loop ---- */

struct row {
    char id[37];
    char *body;
    size_t len;
    int flags;
    int kinds[LRS_MAX_TERMS];
    int64_t hashes[LRS_MAX_TERMS];
    size_t n_terms;
};

static void prepare_rows(struct row *rows, long n, uint64_t *rng, int64_t stored)
{
    char text[2048];
    struct arena a = ARENA_INIT;
    for (long i = 0; i < n; i++) {
        statement_json(rng, text, sizeof(text), stored - (int64_t)(rng_next(rng) % 86400000));
        json_t *st = json_loads(text, 0, NULL);
        uuid_of(rng_next(rng), rng_next(rng), rows[i].id);
        json_t *out = json_pack("{s:s}", "id", rows[i].id);
        json_object_update(out, st);
        json_object_set_new(out, "authority",
                            json_pack("{s:s, s:s, s:{s:s, s:s}}", "objectType", "Agent", "name",
                                      "bench", "account", "homePage", HOMEPAGE, "name",
                                      "client:1"));
        json_object_set_new(out, "version", json_string("2.0.0"));
        rows[i].n_terms = lrs_terms_of(&a, out, rows[i].kinds, rows[i].hashes);
        char *plain = json_dumps(out, JSON_COMPACT);
        rows[i].flags = 0;
        lrs_pack(plain, strlen(plain), &rows[i].body, &rows[i].len, &rows[i].flags);
        free(plain);
        json_decref(st);
        json_decref(out);
        arena_release(&a);
    }
}

static void insert_rows(struct db *db, const struct row *rows, long n, int64_t district,
                        int64_t stored, int64_t *seq)
{
    for (long i = 0; i < n; i += 1000) {
        store_begin(db);
        for (long j = i; j < n && j < i + 1000; j++) {
            struct store_lrs_row w = {.seq = ++*seq,
                                      .district_id = district,
                                      .statement_id = rows[j].id,
                                      .client_id = 1,
                                      .stored_ms = stored,
                                      .timestamp_ms = stored,
                                      .flags = rows[j].flags,
                                      .body = rows[j].body,
                                      .body_len = rows[j].len};
            if (store_lrs_insert(db, &w) < 0)
                abort();
            for (size_t k = 0; k < rows[j].n_terms; k++)
                store_lrs_term(db, district, rows[j].kinds[k], rows[j].hashes[k], w.seq);
        }
        store_lrs_set_counter(db, *seq);
        if (store_commit(db) < 0)
            abort();
    }
}

/* fill DB N: N statements for the query bench, in chunks (the store functions, untimed) */
static int cmd_fill(int argc, char **argv)
{
    char err[256];
    struct store *s;
    struct db *db;
    struct store_options opt = {0};
    int64_t district, seq;
    if (argc < 2)
        return 2;
    long n = strtol(argv[1], NULL, 10), chunk = 20000;
    if (store_open(argv[0], &opt, &s, err, sizeof(err)) < 0 || store_acquire(s, &db) < 0) {
        fprintf(stderr, "fill: %s\n", err);
        return 1;
    }
    store_lrs_writer_tune(db);
    if (store_district_find(db, str_from("bench"), &district) < 0) {
        fprintf(stderr, "fill: no district 'bench'\n");
        return 1;
    }
    store_lrs_counter(db, &seq);
    struct row *rows = calloc((size_t)chunk, sizeof(*rows));
    uint64_t rng = 4242;
    int64_t t0 = time_mono_ns(), stored = time_now_ms() - 5000;
    for (long done = 0; done < n; done += chunk) {
        long m = MIN(chunk, n - done);
        prepare_rows(rows, m, &rng, stored);
        insert_rows(db, rows, m, district, stored, &seq);
        for (long i = 0; i < m; i++)
            free(rows[i].body);
        if ((done / chunk) % 25 == 0)
            fprintf(stderr, "fill: %ld of %ld\n", done + m, n);
    }
    printf("fill: %ld statements in %.0f s\n", n, (double)(time_mono_ns() - t0) / 1e9);
    free(rows);
    store_release(s, db);
    store_close(s);
    return 0;
}

static int cmd_baseline(int argc, char **argv)
{
    char err[256];
    struct store *s;
    struct db *db;
    struct store_options opt = {.create = true, .create_key = true};
    if (argc < 2)
        return 2;
    long n = strtol(argv[1], NULL, 10);
    if (store_open(argv[0], &opt, &s, err, sizeof(err)) < 0 || store_acquire(s, &db) < 0) {
        fprintf(stderr, "baseline: %s\n", err);
        return 1;
    }
    store_lrs_writer_tune(db); /* as the LRS's writer does */
    /* the district the rows belong to */
    struct str sid = str_from("bench"), name = str_from("Bench");
    int64_t district;
    store_begin(db);
    if (store_district_find(db, sid, &district) < 0)
        store_district_create(db, sid, name, time_now_ms(), &district);
    store_commit(db);

    /* prepare every row as the LRS would store it (not timed) */
    struct row *rows = calloc((size_t)n, sizeof(*rows));
    uint64_t rng = 42;
    int64_t stored = time_now_ms(), seq;
    prepare_rows(rows, n, &rng, stored);
    store_lrs_counter(db, &seq);
    int64_t t0 = time_mono_ns();
    insert_rows(db, rows, n, district, stored, &seq);
    double el = (double)(time_mono_ns() - t0) / 1e9;
    printf("baseline: %ld statements in %.2f s = %.0f statements/s (tight loop, same schema, "
           "commits of 1,000, synchronous=FULL)\n",
           n, el, (double)n / el);
    for (long i = 0; i < n; i++)
        free(rows[i].body);
    free(rows);
    store_release(s, db);
    store_close(s);
    return 0;
}

/* ---- query ---- */

static int cmd_query(int argc, char **argv)
{
    char host[64], auth[256], req[2048], q[512], enc[1024];
    unsigned port;
    if (argc < 5 || parse_url(argv[0], host, sizeof(host), &port) < 0)
        return 2;
    basic(auth, sizeof(auth), argv[1], argv[2]);
    long n = strtol(argv[3], NULL, 10), students = strtol(argv[4], NULL, 10);
    struct conn *c = malloc(sizeof(*c));
    double *lat = malloc((size_t)n * sizeof(double));
    uint64_t rng = 7;
    size_t bytes = 0, body;
    if (conn_open(c, host, port) < 0)
        return 1;
    for (long i = 0; i < n; i++) {
        unsigned stu = (unsigned)(rng_next(&rng) % (uint64_t)students);
        snprintf(q, sizeof(q),
                 "{\"account\":{\"homePage\":\"" HOMEPAGE "\",\"name\":\"stu-%06u\"}}", stu);
        size_t k = 0;
        for (const char *p = q; *p; p++) {
            if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                *p == '-')
                enc[k++] = *p;
            else
                k += (size_t)snprintf(enc + k, 4, "%%%02X", (unsigned char)*p);
        }
        enc[k] = '\0';
        int hl = snprintf(req, sizeof(req),
                          "GET /xapi/statements?agent=%s&limit=100 HTTP/1.1\r\nHost: %s\r\n"
                          "Authorization: %s\r\nX-Experience-API-Version: 2.0.0\r\n\r\n",
                          enc, host, auth);
        int64_t t0 = time_mono_ns();
        if (send_all(c->fd, req, (size_t)hl) < 0 || read_response(c, &body) != 200) {
            fprintf(stderr, "query failed\n");
            return 1;
        }
        lat[i] = (double)(time_mono_ns() - t0) / 1e6;
        bytes += body;
    }
    qsort(lat, (size_t)n, sizeof(double), cmp_d);
    printf("query: %ld GET /xapi/statements?agent=...&limit=100, one at a time: p50 %.2f ms, "
           "p99 %.2f ms, max %.2f ms, %.0f bytes per answer\n",
           n, lat[n / 2], lat[(size_t)((double)n * 0.99)], lat[n - 1], (double)bytes / (double)n);
    close(c->fd);
    free(c);
    free(lat);
    return 0;
}

int main(int argc, char **argv)
{
    int r = 2;
    if (sodium_init() < 0)
        return 1;
    if (argc >= 2 && !strcmp(argv[1], "load"))
        r = cmd_load(argc - 2, argv + 2);
    else if (argc >= 2 && !strcmp(argv[1], "baseline"))
        r = cmd_baseline(argc - 2, argv + 2);
    else if (argc >= 2 && !strcmp(argv[1], "fill"))
        r = cmd_fill(argc - 2, argv + 2);
    else if (argc >= 2 && !strcmp(argv[1], "query"))
        r = cmd_query(argc - 2, argv + 2);
    if (r == 2)
        fprintf(stderr, "usage: lrs_bench load URL KEY SECRET CLIENTS SECONDS [MAX]\n"
                        "       lrs_bench baseline DB N\n"
                        "       lrs_bench fill DB N\n"
                        "       lrs_bench query URL KEY SECRET REQUESTS STUDENTS\n");
    return r;
}

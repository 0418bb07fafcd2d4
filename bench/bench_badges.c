/*
 * bench_badges: issuing and verifying Open Badges 3.0 credentials (VC-JWT).
 *
 *   1. sign: build and sign N credentials (default 10,000) with the
 *      district's kind of key (RSA 2048, RS256) and with Ed25519 (EdDSA),
 *      on one thread: the cryptographic floor of issuing.
 *   2. award: N awards through the service (badges_award: the access check,
 *      the recipient and achievement reads, signing, one write transaction
 *      each) into the SQLite database given (a `trellis init --demo` one),
 *      to its teachers in turn. Skipped without a database.
 *   3. verify: badge_vc_verify of one credential against the JWKS, the
 *      mean over N, and badges_verify_local (keys and revocation from the
 *      database) when one is given.
 * Targets (issue 15): 10,000 issued in at most 5 s; one verified in at most 1 ms.
 *
 * Usage: bench_badges [DB] [N]
 * Not run by `meson test`.
 */
#include "base/common.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "app/badges.h"
#include "app/principal.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "store/db.h"
#include "store/store.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* CPU time of this process: the machine is shared, so wall time alone overstates */
static double cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static const struct badge_vc_in IN = {
    .id = "urn:uuid:6f1e0f6a-3f0e-4b58-9d3a-3b1d2c4e5f60",
    .issuer_id = "https://trellis.example.org/badges/d/1/issuer",
    .issuer_name = "Cedar Valley Unified School District",
    .achievement_id = "https://trellis.example.org/badges/d/1/achievements/heatmap",
    .achievement_name = "Small groups from the heat map",
    .achievement_description = "Plans small-group instruction from class mastery data",
    .criteria = "Forms and re-forms small groups from mastery data",
    .recipient_id = "https://trellis.example.org/badges/d/1/holders/7",
    .recipient_name = "Rafael Bianchi",
    .valid_from_ms = 1796640000000LL,
    .status_list = "https://trellis.example.org/badges/d/1/status",
};

static int sign_many(EVP_PKEY *key, long n, struct buf *last, double *ret_s, double *ret_cpu)
{
    char kid[44];
    json_t *pub = NULL;
    if (jws_public_jwk(key, &pub, kid) < 0)
        return -1;
    json_decref(pub);
    double t0 = now_s(), c0 = cpu_s();
    for (long i = 0; i < n; i++) {
        struct badge_vc_in in = IN;
        json_t *cred = NULL;
        in.status_index = i;
        buf_reset(last);
        if (badge_vc_credential(&in, &cred) < 0 || badge_vc_sign(key, kid, cred, last) < 0)
            return -1;
        json_decref(cred);
    }
    *ret_s = now_s() - t0;
    *ret_cpu = cpu_s() - c0;
    return 0;
}

static double verify_mean_us(const struct buf *jwt, EVP_PKEY *key, long n, double *ret_cpu_us)
{
    char kid[44];
    json_t *pub = NULL;
    struct badge_verdict v;
    if (jws_public_jwk(key, &pub, kid) < 0)
        return -1;
    json_object_set_new(pub, "kid", json_string(kid));
    json_t *jwks = json_pack("{s:[o]}", "keys", pub);
    double t0 = now_s(), c0 = cpu_s();
    for (long i = 0; i < n; i++)
        if (badge_vc_verify(jwt->data, jwt->len, jwks, IN.valid_from_ms + 1000, &v) < 0 ||
            !v.verified)
            return -1;
    double us = (now_s() - t0) / (double)n * 1e6;
    *ret_cpu_us = (cpu_s() - c0) / (double)n * 1e6;
    json_decref(jwks);
    return us;
}

struct teachers {
    int64_t v[4096];
    size_t n;
};

int main(int argc, char **argv)
{
    const char *dbpath = argc > 1 && argv[1][0] ? argv[1] : NULL;
    long n = argc > 2 ? strtol(argv[2], NULL, 10) : 10000;
    struct buf jwt = BUF_INIT(64 * 1024);
    EVP_PKEY *rsa = NULL, *ed = NULL;
    double s = 0, cpu = 0, us, cus = 0;

    if (n <= 0 || jws_key_generate(2048, &rsa) < 0 || jws_key_generate(0, &ed) < 0)
        return 1;
    for (int k = 0; k < 2; k++) {
        EVP_PKEY *key = k ? ed : rsa;
        const char *alg = k ? "EdDSA" : "RS256";
        if (sign_many(key, n, &jwt, &s, &cpu) < 0)
            return 1;
        printf("issue   %s  %ld credentials built and signed: %.3f s wall, %.3f s CPU (%.0f/s)\n",
               alg, n, s, cpu, (double)n / s);
        us = verify_mean_us(&jwt, key, n, &cus);
        printf("verify  %s  one credential: %.1f us wall, %.1f us CPU (mean of %ld)\n", alg, us,
               cus, n);
    }
    if (!dbpath)
        goto out;

    /* the service, into a demo database */
    struct store *store = NULL;
    struct store_options so = {.pool_size = 2};
    struct config cfg;
    struct arena arena = ARENA_INIT;
    struct ctx c;
    struct principal op;
    char err[256];
    int64_t id = 0;
    if (config_init(&cfg, "web") < 0 || store_open(dbpath, &so, &store, err, sizeof(err)) < 0) {
        fprintf(stderr, "bench_badges: cannot open '%s': %s\n", dbpath, err);
        return 1;
    }
    ctx_init(&c, store, &cfg, &arena, time_now_ms(), "bench");
    principal_operator(&op, 1, "bench");
    c.who = &op;
    c.client_addr = "local";
    struct teachers *t = mem_calloc(1, sizeof(*t));
    struct db *db;
    struct db_stmt *st;
    if (!t || ctx_db(&c, &db) < 0 ||
        db_query(db, &st, "SELECT id FROM users WHERE district_id = 1 AND role = 'teacher'", "") <
            0)
        return 1;
    while (db_step(st) > 0 && t->n < ARRAY_SIZE(t->v))
        t->v[t->n++] = db_col_int64(st, 0);
    db_done(st);
    ctx_release(&c);
    if (!t->n || badges_define(&c, "bench", "Bench credential", "Issued by bench_badges",
                               "Runs benchmarks", "", "", NULL, 0, &id) < 0) {
        fprintf(stderr, "bench_badges: no teachers or cannot define: %s\n", c.err);
        return 1;
    }
    ctx_release(&c);
    /* one at a time (an assessor's pass): a write transaction each */
    long single = n < 200 ? n : 200;
    double t0 = now_s(), c0 = cpu_s();
    for (long i = 0; i < single; i++) {
        struct badge_award a = {.recipient_id = t->v[i % (long)t->n], .achievement_id = id};
        int64_t cid;
        c.now_ms = time_now_ms();
        if (badges_award(&c, &a, &cid) < 0) {
            fprintf(stderr, "bench_badges: award: %s\n", c.err);
            return 1;
        }
        ctx_release(&c);
        arena_release(&arena);
    }
    s = now_s() - t0;
    printf("award   RS256  %ld one at a time (badges_award): %.2f ms wall, %.2f ms CPU each\n",
           single, s / (double)single * 1e3, (cpu_s() - c0) / (double)single * 1e3);
    /* a cohort: n awards checked and signed, then stored in one transaction */
    struct badge_award *aw = mem_calloc((size_t)n, sizeof(*aw));
    int64_t *ids = mem_calloc((size_t)n, sizeof(*ids));
    if (!aw || !ids)
        return 1;
    for (long i = 0; i < n; i++)
        aw[i] = (struct badge_award){.recipient_id = t->v[i % (long)t->n], .achievement_id = id};
    c.now_ms = time_now_ms();
    t0 = now_s();
    c0 = cpu_s();
    if (badges_award_many(&c, aw, (size_t)n, ids) < 0) {
        fprintf(stderr, "bench_badges: award: %s\n", c.err);
        return 1;
    }
    s = now_s() - t0;
    printf("issue   RS256  %ld awarded at once (badges_award_many) into %s: %.3f s wall, %.3f s "
           "CPU (%.0f/s)\n",
           n, dbpath, s, cpu_s() - c0, (double)n / s);
    ctx_release(&c);
    arena_release(&arena);
    mem_free(aw);
    mem_free(ids);
    /* verify one stored credential with the database's keys and revocations */
    char *stored = NULL;
    struct badge_verdict v;
    if (badges_export(&c, id, &stored) == 0) {
        long m = n < 2000 ? n : 2000;
        t0 = now_s();
        c0 = cpu_s();
        for (long i = 0; i < m; i++) {
            badges_verify_local(&c, stored, strlen(stored), &v);
            ctx_release(&c);
        }
        printf("verify  local  one credential (keys, status from the database): %.1f us wall, "
               "%.1f us CPU (mean of %ld, verified %d)\n",
               (now_s() - t0) / (double)m * 1e6, (cpu_s() - c0) / (double)m * 1e6, m, v.verified);
        mem_free(stored);
    }
    arena_release(&arena);
    mem_free(t);
    store_close(store);
out:
    buf_release(&jwt);
    jws_key_free(rsa);
    jws_key_free(ed);
    return 0;
}

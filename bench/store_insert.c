/*
 * Store insert benchmark: the same inserts through the store interface on
 * SQLite (a file, synchronous=FULL) and on PostgreSQL (fsync on), in one
 * run, interleaved per workload. Rows look like learning records (district,
 * user, instant, verb, a 200-byte payload) into a scratch table.
 *   store_insert SQLITE_PATH POSTGRESQL_URL KEY_FILE [ROWS]
 * Workloads: one row per transaction (commit latency), 1,000 rows per
 * transaction (bulk), and 4 threads each committing one row per
 * transaction (group-commit-free concurrency). Prints rows/s for each
 * backend and the PostgreSQL/SQLite ratio.
 */
#include "base/common.h"

#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "store/db.h"
#include "store/store.h"

#define THREADS 4

static const char *ins =
    "INSERT INTO bench_rows (district_id, user_id, at, verb, payload) VALUES (?, ?, ?, ?, ?)";
static uint8_t payload[200];

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int insert_one(struct db *db, int64_t i)
{
    int64_t n = db_exec(db, ins, "iiisb", (int64_t)1 + i % 7, i, (int64_t)1700000000000 + i,
                        "answered", (const void *)payload, sizeof(payload));
    return n == 1 ? 0 : (int)(n < 0 ? n : -EIO);
}

struct batch {
    int64_t from, n;
};

static int batch_fn(struct db *db, void *arg)
{
    struct batch *b = arg;
    for (int64_t i = b->from; i < b->from + b->n; i++) {
        int r = insert_one(db, i);
        if (r < 0)
            return r;
    }
    return 0;
}

struct job {
    struct store *s;
    int64_t from, n;
    int r;
};

static void *worker(void *arg)
{
    struct job *j = arg;
    struct db *db;
    j->r = store_acquire(j->s, &db);
    if (j->r < 0)
        return NULL;
    for (int64_t i = j->from; i < j->from + j->n && j->r >= 0; i++) {
        struct batch b = {i, 1};
        j->r = store_tx(db, batch_fn, &b);
    }
    store_release(j->s, db);
    return NULL;
}

/* rows/s of one workload: 0 one row per tx, 1 1,000 per tx, 2 four threads */
static double run(struct store *s, int workload, int64_t rows, int64_t *base)
{
    struct db *db;
    double t0 = now_s();
    int r = 0;

    if (workload == 2) {
        pthread_t t[THREADS];
        struct job j[THREADS];
        for (int k = 0; k < THREADS; k++) {
            j[k] = (struct job){s, *base + k * (rows / THREADS), rows / THREADS, 0};
            pthread_create(&t[k], NULL, worker, &j[k]);
        }
        for (int k = 0; k < THREADS; k++) {
            pthread_join(t[k], NULL);
            if (j[k].r < 0)
                r = j[k].r;
        }
    } else {
        if (store_acquire(s, &db) < 0)
            return -1;
        int64_t per = workload == 0 ? 1 : 1000;
        for (int64_t i = 0; i < rows && r >= 0; i += per) {
            struct batch b = {*base + i, MIN(per, rows - i)};
            r = store_tx(db, batch_fn, &b);
        }
        store_release(s, db);
    }
    *base += rows;
    if (r < 0) {
        fprintf(stderr, "insert failed: %s\n", strerror(-r));
        return -1;
    }
    return (double)rows / (now_s() - t0);
}

static struct store *open_store(const char *url, const char *key)
{
    struct store_options o = {.create = true, .create_key = true, .key_file = key, .pool_size = 8};
    struct store *s;
    struct db *db;
    char err[512];
    if (store_open(url, &o, &s, err, sizeof(err)) < 0) {
        fprintf(stderr, "%s: %s\n", url, err);
        return NULL;
    }
    if (store_acquire(s, &db) == 0) {
        int r = db->drv->exec(db, "CREATE TABLE IF NOT EXISTS bench_rows (id INTEGER PRIMARY KEY, "
                                  "district_id INTEGER NOT NULL, user_id INTEGER NOT NULL, at "
                                  "INTEGER NOT NULL, verb TEXT NOT NULL, payload BLOB);"
                                  "CREATE INDEX IF NOT EXISTS bench_rows_user ON bench_rows "
                                  "(district_id, user_id, at)");
        store_release(s, db);
        if (r < 0) {
            fprintf(stderr, "cannot create the table: %s\n", strerror(-r));
            store_close(s);
            return NULL;
        }
    }
    return s;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: store_insert SQLITE_PATH POSTGRESQL_URL KEY_FILE [ROWS]\n");
        return 2;
    }
    int64_t rows = argc > 4 ? strtoll(argv[4], NULL, 10) : 100000;
    static const char *names[] = {"1 row/tx", "1000 rows/tx", "4 threads, 1 row/tx"};
    struct store *sq = open_store(argv[1], argv[3]), *pg = open_store(argv[2], argv[3]);
    int64_t base_sq = 0, base_pg = 0;
    if (!sq || !pg)
        return 1;
    for (size_t i = 0; i < sizeof(payload); i++)
        payload[i] = (uint8_t)(i * 31 + 7);
    printf("%-22s %14s %14s %8s\n", "workload", "sqlite rows/s", "pg rows/s", "pg/sqlite");
    for (int w = 0; w < 3; w++) {
        int64_t n = w == 1 ? rows : MIN(rows / 20, (int64_t)2000);
        double a = run(sq, w, n, &base_sq), b = run(pg, w, n, &base_pg);
        if (a < 0 || b < 0)
            return 1;
        printf("%-22s %14.0f %14.0f %8.2f   (%lld rows each)\n", names[w], a, b, b / a,
               (long long)n);
    }
    store_close(sq);
    store_close(pg);
    return 0;
}

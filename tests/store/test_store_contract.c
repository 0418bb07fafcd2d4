/*
 * The store contract (src/store/store.h, db.h), run against each backend:
 *   test_store_contract sqlite        a temporary SQLite file
 *   test_store_contract postgresql    a fresh database on TRELLIS_TEST_PG (skipped if unset)
 * What the app relies on: migrations, error mapping (-EEXIST, -EINVAL, -ENOENT), a failed
 * statement not ending its transaction, write transactions that serialise (no lost
 * update), read snapshots, rollback, value round trips (64-bit integers, doubles, UTF-8
 * text, blobs with zero bytes, NULL), RETURNING, change counts and a statement used again
 * while its rows are being read.
 */
#include "test.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/rand.h"
#include "store/db.h"
#include "store/store.h"

static char url[512], keyfile[512], tmpdir[256];
static struct store *S;

static void db_get(struct db **db)
{
    assert_int_equal(store_acquire(S, db), 0);
}

static int setup(void **state)
{
    (void)state;
    char err[512] = "";
    struct store_options o = {
        .create = true, .create_key = true, .pool_size = 8, .key_file = keyfile};
    int r = store_open(url, &o, &S, err, sizeof(err));
    if (r < 0)
        fprintf(stderr, "store_open(%s): %s\n", url, err);
    assert_int_equal(r, 0);
    struct db *db;
    db_get(&db);
    /* a scratch table, created through the driver (PostgreSQL: translated types) */
    assert_int_equal(db->drv->exec(db,
                                   "CREATE TABLE contract_t (id INTEGER PRIMARY KEY, "
                                   "i INTEGER, r REAL, t TEXT, b BLOB, b2 BLOB, u TEXT UNIQUE)"),
                     0);
    store_release(S, db);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_close(S);
    return 0;
}

static void test_migrations_applied(void **state)
{
    (void)state;
    struct db *db;
    int64_t v = 0;
    db_get(&db);
    assert_int_equal(store_schema_version(db, &v), 0);
    assert_int_equal(v, db_migrations[db_migrations_count - 1].version);
    store_release(S, db);
}

static void test_values_round_trip(void **state)
{
    (void)state;
    struct db *db;
    struct db_stmt *st;
    int64_t id = 0;
    static const uint8_t blob[] = {0, 1, 2, 0xff, 0, '\\', 'x', 0};
    const char *text = "Zoë ñandú 学校 'quoted' \"dq\" \\ back";
    db_get(&db);
    assert_int_equal(
        db_query_int64(db, &id,
                       "INSERT INTO contract_t (i, r, t, b, b2) VALUES (?, ?, ?, ?, ?) "
                       "RETURNING id",
                       "idsbb", INT64_MIN + 1, 0.1, text, (const void *)blob, sizeof(blob),
                       (const void *)"second", (size_t)6),
        0);
    assert_true(id > 0);
    assert_int_equal(
        db_query(db, &st, "SELECT i, r, t, b, u, b2 FROM contract_t WHERE id = ?", "i", id), 0);
    assert_int_equal(db_step(st), 1);
    assert_true(db_col_int64(st, 0) == INT64_MIN + 1);
    assert_true(db_col_double(st, 1) == 0.1);
    assert_string_equal(db_col_text(st, 2), text);
    size_t n = 0;
    const void *b = db_col_blob(st, 3, &n);
    size_t n2 = 0;
    const void *b2 = db_col_blob(st, 5, &n2); /* both stay readable until the next step */
    assert_int_equal(n, sizeof(blob));
    assert_memory_equal(b, blob, sizeof(blob));
    assert_int_equal(n2, 6);
    assert_memory_equal(b2, "second", 6);
    assert_true(db_col_null(st, 4));
    assert_string_equal(db_col_text(st, 4), "");
    assert_int_equal(db_step(st), 0);
    db_done(st);
    /* an empty blob is not NULL; INT64_MAX survives */
    assert_int_equal(db_query_int64(db, &id,
                                    "INSERT INTO contract_t (i, b) VALUES (?, ?) RETURNING id",
                                    "ib", INT64_MAX, (const void *)"", (size_t)0),
                     0);
    assert_int_equal(db_query(db, &st, "SELECT i, b FROM contract_t WHERE id = ?", "i", id), 0);
    assert_int_equal(db_step(st), 1);
    assert_true(db_col_int64(st, 0) == INT64_MAX);
    assert_false(db_col_null(st, 1));
    db_col_blob(st, 1, &n);
    assert_int_equal(n, 0);
    db_done(st);
    store_release(S, db);
}

static void test_errors_are_mapped(void **state)
{
    (void)state;
    struct db *db;
    int64_t id;
    db_get(&db);
    assert_true(db_exec(db, "INSERT INTO contract_t (u) VALUES (?)", "s", "once") == 1);
    /* unique: -EEXIST */
    assert_true(db_exec(db, "INSERT INTO contract_t (u) VALUES (?)", "s", "once") == -EEXIST);
    /* foreign key: -EINVAL (as SQLite's SQLITE_CONSTRAINT_FOREIGNKEY) */
    assert_true(db_exec(db,
                        "INSERT INTO orgs (district_id, sourced_id, name, type) "
                        "VALUES (?, ?, ?, ?)",
                        "isss", (int64_t)999999, "o", "O", "school") == -EINVAL);
    /* NOT NULL: -EINVAL */
    assert_true(db_exec(db, "INSERT INTO districts (sourced_id, name, created_at) VALUES (?, ?, ?)",
                        "sni", "d-null", (int64_t)1) == -EINVAL);
    /* no row: -ENOENT */
    assert_int_equal(db_query_int64(db, &id, "SELECT id FROM contract_t WHERE u = ?", "s", "none"),
                     -ENOENT);
    store_release(S, db);
}

static void test_failed_statement_keeps_the_transaction(void **state)
{
    (void)state;
    struct db *db;
    int64_t n = 0;
    db_get(&db);
    assert_int_equal(store_begin(db), 0);
    assert_true(db_exec(db, "INSERT INTO contract_t (u) VALUES (?)", "s", "tx-a") == 1);
    assert_true(db_exec(db, "INSERT INTO contract_t (u) VALUES (?)", "s", "tx-a") == -EEXIST);
    assert_true(db_exec(db, "INSERT INTO contract_t (u) VALUES (?)", "s", "tx-b") == 1);
    assert_int_equal(store_commit(db), 0);
    assert_int_equal(
        db_query_int64(db, &n, "SELECT COUNT(*) FROM contract_t WHERE u IN ('tx-a', 'tx-b')", ""),
        0);
    assert_int_equal(n, 2);
    store_release(S, db);
}

/* Savepoints (the audit log's group commit): a unit rolled back to its savepoint is gone. */
static void test_savepoints(void **state)
{
    (void)state;
    struct db *db;
    int64_t n = -1;
    db_get(&db);
    assert_int_equal(store_begin(db), 0);
    assert_true(db_exec(db, "SAVEPOINT unit", "") >= 0);
    assert_true(db_exec(db, "INSERT INTO contract_t (t) VALUES ('sp-kept')", "") == 1);
    assert_true(db_exec(db, "RELEASE SAVEPOINT unit", "") >= 0);
    assert_true(db_exec(db, "SAVEPOINT unit", "") >= 0);
    assert_true(db_exec(db, "INSERT INTO contract_t (t) VALUES ('sp-gone')", "") == 1);
    assert_true(db_exec(db, "ROLLBACK TO SAVEPOINT unit", "") >= 0);
    assert_true(db_exec(db, "RELEASE SAVEPOINT unit", "") >= 0);
    assert_true(db_exec(db, "SAVEPOINT unit", "") >= 0);
    assert_true(db_exec(db, "INSERT INTO contract_t (u) VALUES ('sp-u')", "") == 1);
    assert_true(db_exec(db, "RELEASE SAVEPOINT unit", "") >= 0);
    /* a unit that fails (a unique violation) is rolled back to its savepoint; the rest stays */
    assert_true(db_exec(db, "SAVEPOINT unit", "") >= 0);
    assert_true(db_exec(db, "INSERT INTO contract_t (u) VALUES ('sp-u')", "") == -EEXIST);
    assert_true(db_exec(db, "ROLLBACK TO SAVEPOINT unit", "") >= 0);
    assert_true(db_exec(db, "RELEASE SAVEPOINT unit", "") >= 0); /* last: goes with COMMIT */
    assert_int_equal(store_commit(db), 0);
    assert_int_equal(db_query_int64(db, &n,
                                    "SELECT COUNT(*) FROM contract_t WHERE t IN ('sp-kept', "
                                    "'sp-gone') OR u = 'sp-u'",
                                    ""),
                     0);
    assert_int_equal(n, 2);
    assert_int_equal(
        db_query_int64(db, &n, "SELECT COUNT(*) FROM contract_t WHERE t = 'sp-gone'", ""), 0);
    assert_int_equal(n, 0);
    store_release(S, db);
}

static void test_rollback_discards_and_changes_count(void **state)
{
    (void)state;
    struct db *db;
    int64_t n = -1;
    db_get(&db);
    assert_int_equal(store_begin(db), 0);
    assert_true(db_exec(db, "INSERT INTO contract_t (i, t) VALUES (7, 'rb'), (7, 'rb'), (7, 'rb')",
                        "") == 3);
    assert_true(db_exec(db, "UPDATE contract_t SET i = 8 WHERE t = ?", "s", "rb") == 3);
    store_rollback(db);
    assert_false(store_in_tx(db));
    assert_int_equal(db_query_int64(db, &n, "SELECT COUNT(*) FROM contract_t WHERE t = 'rb'", ""),
                     0);
    assert_int_equal(n, 0);
    store_release(S, db);
}

static void test_statement_reused_while_reading(void **state)
{
    (void)state;
    static const char *q = "SELECT id, i FROM contract_t WHERE t = ? ORDER BY id";
    struct db *db;
    struct db_stmt *outer, *inner;
    int rows = 0;
    db_get(&db);
    for (int k = 0; k < 3; k++)
        assert_true(
            db_exec(db, "INSERT INTO contract_t (i, t) VALUES (?, 'nest')", "i", (int64_t)k) == 1);
    assert_int_equal(db_query(db, &outer, q, "s", "nest"), 0);
    while (db_step(outer) > 0) {
        int64_t i = db_col_int64(outer, 1);
        /* the same text again (a nested use) and a write, while outer's rows are read */
        assert_int_equal(db_query(db, &inner, q, "s", "nest"), 0);
        int inner_rows = 0;
        while (db_step(inner) > 0)
            inner_rows++;
        assert_true(inner_rows >= 3);
        db_done(inner);
        assert_true(db_exec(db, "INSERT INTO contract_t (i, t) VALUES (?, 'nest2')", "i", i) == 1);
        assert_int_equal(db_col_int64(outer, 1), i);
        rows++;
    }
    db_done(outer);
    assert_int_equal(rows, 3);
    store_release(S, db);
}

static void test_read_snapshot(void **state)
{
    (void)state;
    struct db *r, *w;
    int64_t before = -1, during = -1, after = -1;
    db_get(&r);
    db_get(&w);
    assert_int_equal(store_begin_read(r), 0);
    assert_int_equal(db_query_int64(r, &before, "SELECT COUNT(*) FROM contract_t", ""), 0);
    assert_true(db_exec(w, "INSERT INTO contract_t (t) VALUES ('snap')", "") == 1);
    assert_int_equal(db_query_int64(r, &during, "SELECT COUNT(*) FROM contract_t", ""), 0);
    assert_int_equal(during, before);
    assert_int_equal(store_commit(r), 0);
    assert_int_equal(db_query_int64(r, &after, "SELECT COUNT(*) FROM contract_t", ""), 0);
    assert_int_equal(after, before + 1);
    store_release(S, w);
    store_release(S, r);
}

/* Write transactions serialise: read-modify-write from several threads loses nothing. */
#define THREADS 4
#define ROUNDS  25

static int bump(struct db *db, void *arg)
{
    (void)arg;
    int64_t v = 0;
    int r = db_query_int64(db, &v, "SELECT i FROM contract_t WHERE u = 'counter'", "");
    if (r < 0)
        return r;
    int64_t n = db_exec(db, "UPDATE contract_t SET i = ? WHERE u = 'counter'", "i", v + 1);
    return n < 0 ? (int)n : 0;
}

static void *bumper(void *arg)
{
    (void)arg;
    struct db *db;
    intptr_t bad = 0;
    if (store_acquire(S, &db) < 0)
        return (void *)1;
    for (int k = 0; k < ROUNDS; k++)
        if (store_tx(db, bump, NULL) < 0)
            bad++;
    store_release(S, db);
    return (void *)bad;
}

static void test_write_transactions_serialise(void **state)
{
    (void)state;
    pthread_t t[THREADS];
    struct db *db;
    int64_t v = -1;
    db_get(&db);
    assert_true(db_exec(db, "INSERT INTO contract_t (u, i) VALUES ('counter', 0)", "") == 1);
    store_release(S, db);
    for (int k = 0; k < THREADS; k++)
        assert_int_equal(pthread_create(&t[k], NULL, bumper, NULL), 0);
    for (int k = 0; k < THREADS; k++) {
        void *bad;
        pthread_join(t[k], &bad);
        assert_true(bad == NULL);
    }
    db_get(&db);
    assert_int_equal(db_query_int64(db, &v, "SELECT i FROM contract_t WHERE u = 'counter'", ""), 0);
    assert_int_equal(v, THREADS * ROUNDS);
    store_release(S, db);
}

/* PostgreSQL: a connection whose server process went away fails once, then reconnects. */
static void test_broken_connection_reconnects(void **state)
{
    (void)state;
    struct db *a, *b;
    int64_t pid = 0, one = 0, n;
    db_get(&a);
    db_get(&b);
    if (db_dialect(a) != DB_POSTGRESQL) {
        /* SQLite has no server process to lose */
        store_release(S, b);
        store_release(S, a);
        return;
    }
    assert_int_equal(db_query_int64(a, &pid, "SELECT pg_backend_pid()", ""), 0);
    assert_int_equal(db_query_int64(b, &one, "SELECT 1 FROM pg_terminate_backend(?)", "i", pid), 0);
    store_release(S, b);
    /* the first use finds the connection dead; the next one reconnects */
    n = db_exec(a, "INSERT INTO contract_t (t) VALUES ('after')", "");
    if (n < 0)
        n = db_exec(a, "INSERT INTO contract_t (t) VALUES ('after')", "");
    assert_true(n == 1);
    assert_int_equal(store_begin(a), 0);
    assert_int_equal(
        db_query_int64(a, &n, "SELECT COUNT(*) FROM contract_t WHERE t = ?", "s", "after"), 0);
    assert_int_equal(n, 1);
    assert_int_equal(store_commit(a), 0);
    store_release(S, a);
}

int main(int argc, char **argv)
{
    const char *backend = argc > 1 ? argv[1] : "sqlite";
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/trellis-store-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(keyfile, sizeof(keyfile), "%s/key", tmpdir);
    if (strcmp(backend, "postgresql") == 0) {
        const char *pg = getenv("TRELLIS_TEST_PG");
#ifndef TRELLIS_WITH_PG
        pg = NULL;
#endif
        if (!pg || !*pg) {
            printf("1..0 # SKIP PostgreSQL not available (TRELLIS_TEST_PG; scripts/pg-tmp.sh)\n");
            rmdir(tmpdir);
            return 0;
        }
        snprintf(url, sizeof(url), "%s/trellis_store_%ld_%u", pg, (long)getpid(),
                 (unsigned)rand_below(1000000));
    } else {
        snprintf(url, sizeof(url), "%s/store.db", tmpdir);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_migrations_applied),
        cmocka_unit_test(test_values_round_trip),
        cmocka_unit_test(test_errors_are_mapped),
        cmocka_unit_test(test_failed_statement_keeps_the_transaction),
        cmocka_unit_test(test_savepoints),
        cmocka_unit_test(test_rollback_discards_and_changes_count),
        cmocka_unit_test(test_statement_reused_while_reading),
        cmocka_unit_test(test_read_snapshot),
        cmocka_unit_test(test_write_transactions_serialise),
        cmocka_unit_test(test_broken_connection_reconnects),
    };
    int r = cmocka_run_group_tests_name(backend, tests, setup, teardown);
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        r = 1;
    return r;
}

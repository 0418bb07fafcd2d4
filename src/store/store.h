/*
 * The storage interface every service uses: a pool of connections to one
 * database, transactions, and (in the store_*.h headers beside this one) the
 * domain operations, which hold all of Trellis's SQL.
 *
 * Two backends implement it: SQLite (a file path; the embedded default) and
 * PostgreSQL (a postgresql:// URL). Services never see SQL, a backend type or
 * a backend error code: failures come back as negative errno values, with
 * -EEXIST for a unique conflict, -EBUSY for "retry the transaction", -ENOENT
 * for not found and -EIO for a storage fault.
 *
 * Threads: the store and its pool are shared; a struct db (one connection)
 * belongs to the thread that acquired it until it is released.
 */
#ifndef TRELLIS_STORE_H
#define TRELLIS_STORE_H

#include <stdint.h>

#include "base/common.h"

struct store;
struct db;
struct seal;

struct store_options {
    const char *key_file; /* sealing key; NULL: "<db path>.key" (required for PostgreSQL) */
    unsigned pool_size;   /* connections; 0: 8 */
    bool create;          /* create the database and key if missing */
    bool create_key;      /* create the key file if missing (init) */
    bool readonly;        /* open for reading only (backup, audit verify) */
    bool skip_migrations; /* do not migrate (tests that inspect old schemas) */
    bool must_be_new;     /* fail with -EEXIST if the database has a schema already (init) */
};

/*
 * Open the database at url (a path or postgresql:// URL), load the sealing
 * key and apply pending migrations in one transaction. On failure err holds
 * a message naming what failed. The caller owns *ret_store.
 */
int store_open(const char *url, const struct store_options *opt, struct store **ret_store,
               char *err, size_t errlen);
/* Close every connection; the pool must be idle. NULL-safe. */
void store_close(struct store *s);
/* "sqlite" or "postgresql". */
const char *store_backend(const struct store *s);
/* The sealing key (for domain functions in store/). Borrowed. */
const struct seal *store_seal(const struct store *s);
/* The store a connection belongs to. */
struct store *db_store(struct db *db);

/*
 * Per-store services: long-lived state a service keeps beside one open
 * store (the LRS's group-commit writer and its caches). store_service()
 * returns the service registered under key (compared by address), creating
 * it with create(s, &svc) on first use; concurrent first calls create it
 * once. store_close() calls destroy(svc) for every service, newest first,
 * before it closes the connections, so a service may hold a connection.
 * 0, -ENOSPC (too many services) or create's error.
 */
int store_service(struct store *s, const void *key, int (*create)(struct store *s, void **ret),
                  void (*destroy)(void *svc), void **ret);

/* The service registered under key, if it was created: 0 and *ret, or -ENOENT. */
int store_service_peek(struct store *s, const void *key, void **ret);

/* Take a connection from the pool, waiting if all are busy: 0, -EIO or -ENOMEM. */
int store_acquire(struct store *s, struct db **ret_db);
/* Give it back; an open transaction is rolled back first. NULL-safe. */
void store_release(struct store *s, struct db *db);

/*
 * Transactions. store_begin() starts a write transaction (SQLite takes the
 * write lock at once, PostgreSQL one advisory lock, so write transactions
 * run one at a time and never fail half-way on a conflict);
 * store_begin_read() a read-only snapshot. Nesting is not allowed. A
 * statement that fails with -EEXIST (a unique index) leaves the transaction
 * usable on both backends; after any other failed statement roll back
 * (PostgreSQL has failed the whole transaction).
 */
int store_begin(struct db *db);
int store_begin_read(struct db *db);
int store_commit(struct db *db);
/* Roll back if a transaction is open; safe to call when none is. */
void store_rollback(struct db *db);
bool store_in_tx(const struct db *db);

/*
 * The store's write generation: moves on after every committed write made
 * through this store (a write transaction's commit, or a writing statement
 * outside one), except on quiet connections. A cache of rows (the session
 * cache) notes it before it reads and trusts what it read only while it has
 * not moved. Writes by other processes do not move it.
 */
uint64_t store_write_gen(struct store *s);
void store_write_gen_bump(struct store *s);
/*
 * This connection's writes leave the generation alone: for writers that
 * write only rows no cache holds (the audit log's and the LRS's group
 * commit), and for the session touch.
 */
void store_set_quiet(struct db *db);

/*
 * Savepoints inside a write transaction (one level: group commit runs a
 * unit of work in one so its failure is rolled back alone). ROLLBACK rolls
 * back to the savepoint and releases it. 0 or a negative errno.
 */
enum store_sp { STORE_SP_BEGIN, STORE_SP_RELEASE, STORE_SP_ROLLBACK };
int store_savepoint(struct db *db, enum store_sp op);

/*
 * Run fn(db, arg) inside a write transaction and commit, retrying the whole
 * transaction (up to a few times, with a short back-off) when the backend
 * reports a conflict (-EBUSY). fn's negative return rolls back and is
 * returned as is; fn must not commit or roll back itself.
 */
int store_tx(struct db *db, int (*fn)(struct db *db, void *arg), void *arg);

/* Latest migration version applied, or a negative errno. */
int store_schema_version(struct db *db, int64_t *ret_version);

/*
 * A consistent copy of the database taken while others read and write
 * (SQLite: VACUUM INTO, which keeps sealed fields sealed; the key is not
 * copied). -EEXIST if out exists, -ENOTSUP on PostgreSQL (use pg_dump).
 */
int store_backup(struct db *db, const char *out);

#endif

/*
 * The store: backend selection, the connection pool, migrations and
 * transactions. Backend-specific work goes through struct db_driver.
 */
#include "base/common.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/rand.h"
#include "store/db.h"
#include "store/seal.h"
#include "store/store.h"
#include "store/store_audit.h"
#include "store/store_lrs_docs.h"
#include "store/store_model.h"

struct store {
    const struct db_driver *drv;
    char *url;
    struct store_options opt;
    struct seal *seal;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct db **idle;
    size_t n_idle;
    size_t n_open;
    size_t max;
    /*
     * SQLite lets one connection write at a time; the others would wait in
     * its busy handler, which sleeps and polls (1, 2, 5 ... 100 ms). Write
     * transactions of this process queue here instead and are woken as soon
     * as the writer before them ends. Other processes still meet the busy
     * timeout. Unused with PostgreSQL, which has row locks.
     */
    pthread_mutex_t write_mu;
    _Atomic uint64_t write_gen; /* store_write_gen */
    pthread_mutex_t svc_mu;     /* services: created once, destroyed at close */
    struct {
        const void *key;
        void *svc;
        void (*destroy)(void *svc);
    } svc[16];
    size_t n_svc;
};

static const struct db_driver *driver_for(const char *url)
{
    if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
#ifdef TRELLIS_WITH_PG
        return &db_pg_driver;
#else
        return NULL;
#endif
    }
    return &db_sqlite_driver;
}

const char *store_backend(const struct store *s)
{
    return s->drv->name;
}

const struct seal *store_seal(const struct store *s)
{
    return s->seal;
}

struct store *db_store(struct db *db)
{
    return db->store;
}

static int open_conn(struct store *s, struct db **ret, char *err, size_t errlen)
{
    return s->drv->open(s, s->url, &s->opt, ret, err, errlen);
}

int store_service(struct store *s, const void *key, int (*create)(struct store *s, void **ret),
                  void (*destroy)(void *svc), void **ret)
{
    int r = 0;

    pthread_mutex_lock(&s->svc_mu);
    for (size_t i = 0; i < s->n_svc; i++)
        if (s->svc[i].key == key) {
            *ret = s->svc[i].svc;
            pthread_mutex_unlock(&s->svc_mu);
            return 0;
        }
    if (s->n_svc >= ARRAY_SIZE(s->svc)) {
        r = -ENOSPC;
    } else {
        void *svc = NULL;
        r = create(s, &svc);
        if (r >= 0) {
            s->svc[s->n_svc].key = key;
            s->svc[s->n_svc].svc = svc;
            s->svc[s->n_svc].destroy = destroy;
            s->n_svc++;
            *ret = svc;
        }
    }
    pthread_mutex_unlock(&s->svc_mu);
    return r;
}

int store_service_peek(struct store *s, const void *key, void **ret)
{
    int r = -ENOENT;
    pthread_mutex_lock(&s->svc_mu);
    for (size_t i = 0; i < s->n_svc; i++)
        if (s->svc[i].key == key) {
            *ret = s->svc[i].svc;
            r = 0;
        }
    pthread_mutex_unlock(&s->svc_mu);
    return r;
}

int store_acquire(struct store *s, struct db **ret_db)
{
    char err[256];
    struct db *db = NULL;
    int r = 0;

    pthread_mutex_lock(&s->mu);
    while (s->n_idle == 0 && s->n_open >= s->max)
        pthread_cond_wait(&s->cv, &s->mu);
    if (s->n_idle > 0) {
        db = s->idle[--s->n_idle];
        pthread_mutex_unlock(&s->mu);
        *ret_db = db;
        return 0;
    }
    s->n_open++;
    pthread_mutex_unlock(&s->mu);

    r = open_conn(s, &db, err, sizeof(err));
    if (r < 0) {
        pthread_mutex_lock(&s->mu);
        s->n_open--;
        pthread_cond_signal(&s->cv);
        pthread_mutex_unlock(&s->mu);
        return r;
    }
    *ret_db = db;
    return 0;
}

void store_release(struct store *s, struct db *db)
{
    if (!db)
        return;
    if (db->tx)
        store_rollback(db);
    db->quiet = false;
    pthread_mutex_lock(&s->mu);
    s->idle[s->n_idle++] = db;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

/* The same bound as SQLite's busy timeout: a writer that waits longer gets -EBUSY. */
#define WRITE_WAIT_S 10

static int write_lock(struct db *db)
{
    struct timespec until;
    if (!db->store || db->drv->dialect != DB_SQLITE)
        return 0;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += WRITE_WAIT_S;
    if (pthread_mutex_timedlock(&db->store->write_mu, &until) != 0)
        return -EBUSY;
    db->write_locked = true;
    return 0;
}

static void write_unlock(struct db *db)
{
    if (db->write_locked) {
        db->write_locked = false;
        pthread_mutex_unlock(&db->store->write_mu);
    }
}

int store_begin(struct db *db)
{
    int r;
    if (db->tx)
        return -EINVAL;
    if ((r = write_lock(db)) < 0)
        return r;
    r = db->drv->begin(db, true);
    if (r == 0) {
        db->tx = 2;
        db->tx_serial++;
    } else {
        write_unlock(db);
    }
    return r;
}

int store_begin_read(struct db *db)
{
    int r;
    if (db->tx)
        return -EINVAL;
    r = db->drv->begin(db, false);
    if (r == 0) {
        db->tx = 1;
        db->tx_serial++;
    }
    return r;
}

int store_commit(struct db *db)
{
    int r;
    if (!db->tx)
        return -EINVAL;
    r = db->drv->commit(db);
    if (r < 0) {
        /* a failed COMMIT leaves the transaction open in SQLite: end it */
        (void)db->drv->rollback(db);
    }
    db->tx = 0;
    write_unlock(db);
    db_settle(db);
    return r;
}

void store_rollback(struct db *db)
{
    if (!db->tx)
        return;
    (void)db->drv->rollback(db);
    db->tx = 0;
    write_unlock(db);
    db->dirty = false; /* nothing it wrote stays */
}

uint64_t store_write_gen(struct store *s)
{
    return atomic_load(&s->write_gen);
}

void store_write_gen_bump(struct store *s)
{
    atomic_fetch_add(&s->write_gen, 1);
}

void store_set_quiet(struct db *db)
{
    db->quiet = true;
    db->dirty = false;
}

bool store_in_tx(const struct db *db)
{
    return db->tx != 0;
}

int store_savepoint(struct db *db, enum store_sp op)
{
    int64_t n;
    if (!db->tx)
        return -EINVAL;
    switch (op) {
    case STORE_SP_BEGIN:
        n = db_exec(db, "SAVEPOINT store_unit", "");
        break;
    case STORE_SP_RELEASE:
        n = db_exec(db, "RELEASE SAVEPOINT store_unit", "");
        break;
    default:
        n = db_exec(db, "ROLLBACK TO SAVEPOINT store_unit", "");
        if (n >= 0)
            n = db_exec(db, "RELEASE SAVEPOINT store_unit", "");
        break;
    }
    return n < 0 ? (int)n : 0;
}

int store_tx(struct db *db, int (*fn)(struct db *db, void *arg), void *arg)
{
    int r = -EBUSY;

    for (int attempt = 0; attempt < 8; attempt++) {
        if (attempt > 0) {
            /* back off 1, 2, 4 ... ms with jitter so retries do not collide again */
            long ms = (1L << (attempt - 1)) + (long)rand_below(4);
            struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
            nanosleep(&ts, NULL);
        }
        r = store_begin(db);
        if (r == 0) {
            r = fn(db, arg);
            if (r >= 0) {
                int c = store_commit(db);
                if (c < 0)
                    r = c;
            } else {
                store_rollback(db);
            }
        }
        if (r != -EBUSY)
            return r;
    }
    return r;
}

int store_schema_version(struct db *db, int64_t *ret_version)
{
    int64_t v = 0;
    int r = db_query_int64(db, &v, "SELECT MAX(version) FROM schema_migrations", "");
    if (r == -ENOENT) {
        v = 0;
        r = 0;
    }
    if (r == 0)
        *ret_version = v;
    return r;
}

/*
 * What a migration needs besides its SQL, run right after it in the same
 * transaction: conversions under the sealing key, which never enters the
 * database, and resets done by the store's own functions (so they stay
 * one definition).
 */
static const struct {
    int version;
    int (*fn)(struct db *db);
} migration_steps[] = {
    {13, store_audit_key_all}, /* keys the audit chain heads that exist */
    {14, store_lrs_doc_digest_agents},
    {22, store_model_reset_all}, /* model_days: replay the stored statements into them */
};

/* 1 if version had a step (and it ran), 0 if none, or a negative errno. */
static int migration_step(struct db *db, int version)
{
    for (size_t i = 0; i < ARRAY_SIZE(migration_steps); i++)
        if (migration_steps[i].version == version) {
            int r = migration_steps[i].fn(db);
            return r < 0 ? r : 1;
        }
    return 0;
}

static int migrate(struct db *db, char *err, size_t errlen)
{
    int64_t have = 0;
    bool stepped = false;
    int r;

    r = store_begin(db);
    if (r < 0) {
        snprintf(err, errlen, "cannot start the migration transaction: %s", db->drv->errmsg(db));
        return r;
    }
    r = db->drv->exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                          " version INTEGER PRIMARY KEY,"
                          " name TEXT NOT NULL,"
                          " applied_at INTEGER NOT NULL)");
    if (r < 0) {
        snprintf(err, errlen, "cannot create schema_migrations: %s", db->drv->errmsg(db));
        goto fail;
    }
    r = store_schema_version(db, &have);
    if (r < 0) {
        snprintf(err, errlen, "cannot read the schema version: %s", db->drv->errmsg(db));
        goto fail;
    }
    if (have > 0 && db->store->opt.must_be_new) {
        snprintf(err, errlen,
                 "the database already exists with a Trellis schema (version %lld); init never "
                 "overwrites a database",
                 (long long)have);
        r = -EEXIST;
        goto fail;
    }
    if (have > db_migrations[db_migrations_count - 1].version) {
        snprintf(err, errlen,
                 "the database has schema version %lld, newer than this program knows (%d); "
                 "run a newer trellis",
                 (long long)have, db_migrations[db_migrations_count - 1].version);
        r = -EINVAL;
        goto fail;
    }
    for (size_t i = 0; i < db_migrations_count; i++) {
        const struct db_migration *m = &db_migrations[i];
        int64_t applied = 0;
        /* every migration not recorded yet, also one numbered below the newest applied
           (branches of development merge migrations out of number order) */
        if (m->version <= have) {
            r = db_query_int64(db, &applied,
                               "SELECT COUNT(*) FROM schema_migrations WHERE version = ?", "i",
                               (int64_t)m->version);
            if (r < 0) {
                snprintf(err, errlen, "cannot read the schema version: %s", db->drv->errmsg(db));
                goto fail;
            }
            if (applied)
                continue;
        }
        r = db->drv->exec(db, m->sql);
        if (r == 0 && (r = migration_step(db, m->version)) > 0) {
            stepped = true;
            r = 0;
        }
        if (r < 0) {
            snprintf(err, errlen, "migration %04d_%s failed: %s", m->version, m->name,
                     db->drv->errmsg(db));
            goto fail;
        }
        r = (int)db_exec(db,
                         "INSERT INTO schema_migrations (version, name, applied_at) "
                         "VALUES (?, ?, ?)",
                         "isi", (int64_t)m->version, m->name, (int64_t)time(NULL) * 1000);
        if (r < 0) {
            snprintf(err, errlen, "cannot record migration %d: %s", m->version,
                     db->drv->errmsg(db));
            goto fail;
        }
    }
    r = store_commit(db);
    if (r < 0) {
        snprintf(err, errlen, "cannot commit the migrations: %s", db->drv->errmsg(db));
        return r;
    }
    /*
     * A step replaced sensitive values (plain identifiers by digests): move
     * the change into the file now, so the old pages do not wait there for
     * the next checkpoint (SQLite; secure_delete zeroes what was freed).
     */
    if (stepped)
        (void)store_lrs_del_checkpoint(db);
    return 0;
fail:
    store_rollback(db);
    return r;
}

int store_open(const char *url, const struct store_options *opt, struct store **ret_store,
               char *err, size_t errlen)
{
    struct store_options defaults = {0};
    struct store *s = NULL;
    struct db *db = NULL;
    struct buf keypath = BUF_INIT(4096);
    int r;

    if (!opt)
        opt = &defaults;
    s = mem_calloc(1, sizeof(*s));
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    s->drv = driver_for(url);
    if (!s->drv) {
        snprintf(err, errlen, "db: '%s' needs PostgreSQL support, which this build lacks", url);
        mem_free(s);
        return -ENOTSUP;
    }
    s->opt = *opt;
    s->opt.key_file = NULL;
    s->max = opt->pool_size ? opt->pool_size : 8;
    s->url = mem_strdup(url);
    s->idle = mem_calloc(s->max, sizeof(*s->idle));
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    pthread_mutex_init(&s->svc_mu, NULL);
    pthread_mutex_init(&s->write_mu, NULL);
    if (!s->url || !s->idle) {
        snprintf(err, errlen, "out of memory");
        r = -ENOMEM;
        goto fail;
    }

    if (opt->key_file && opt->key_file[0]) {
        r = buf_appends(&keypath, opt->key_file);
    } else if (s->drv->dialect == DB_SQLITE) {
        r = buf_appendf(&keypath, "%s.key", url);
    } else {
        snprintf(err, errlen, "key_file: must be set for a PostgreSQL database");
        r = -EINVAL;
        goto fail;
    }
    if (r < 0)
        goto fail;

    /* Open the database first: a new database may get a new key, an old one never. */
    r = open_conn(s, &db, err, errlen);
    if (r < 0)
        goto fail;
    s->n_open = 1;
    r = seal_load(buf_cstr(&keypath), opt->create_key, &s->seal, err, errlen);
    if (r < 0)
        goto fail;
    if (!opt->skip_migrations && !opt->readonly) {
        r = migrate(db, err, errlen);
        if (r < 0)
            goto fail;
    }
    s->idle[s->n_idle++] = db;
    db = NULL;
    buf_release(&keypath);
    *ret_store = s;
    return 0;
fail:
    if (db)
        db->drv->close(db);
    s->n_open = 0;
    buf_release(&keypath);
    store_close(s);
    return r;
}

void store_close(struct store *s)
{
    if (!s)
        return;
    while (s->n_svc > 0) {
        s->n_svc--;
        s->svc[s->n_svc].destroy(s->svc[s->n_svc].svc);
    }
    for (size_t i = 0; i < s->n_idle; i++)
        s->drv->close(s->idle[i]);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->svc_mu);
    pthread_mutex_destroy(&s->write_mu);
    seal_free(s->seal);
    mem_free(s->idle);
    mem_free(s->url);
    mem_free(s);
}

int store_backup(struct db *db, const char *out)
{
    return db->drv->backup(db, out);
}

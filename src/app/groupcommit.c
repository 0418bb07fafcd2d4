/*
 * Group commit: see groupcommit.h.
 *
 * The writer sleeps on a condition variable until a unit is queued, takes
 * the whole queue as one batch, runs it (once without savepoints; again
 * with one per unit that asks for it only when such a unit failed) and
 * tells the callers: waiting
 * ones through a broadcast on another condition variable, the others
 * through their wake callbacks, called without the lock held.
 */
#include "base/common.h"

#include <pthread.h>

#include "app/groupcommit.h"
#include "base/mem.h"
#include "store/store.h"

struct groupcommit {
    struct store *store;
    const struct groupcommit_ops *ops;
    void *state;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    struct groupcommit_unit *head, *tail;
    bool stop;
    uint64_t retries; /* batches run again unit by unit (the writer's; read for tests) */
};

/*
 * Tell every unit of a batch that it is done (its r is set). A waiting
 * unit lives on its caller's stack and may be gone the moment it is marked
 * done, so the units with a wake callback are taken off the batch first;
 * each of those belongs to its caller again once woken.
 */
static void complete(struct groupcommit *gc, struct groupcommit_unit *batch)
{
    struct groupcommit_unit *wake = NULL, **tail = &wake;

    pthread_mutex_lock(&gc->mu);
    for (struct groupcommit_unit *u = batch, *next; u; u = next) {
        next = u->next;
        if (u->wake) {
            u->next = NULL;
            *tail = u;
            tail = &u->next;
        } else {
            u->done = true;
        }
    }
    pthread_cond_broadcast(&gc->done);
    pthread_mutex_unlock(&gc->mu);
    for (struct groupcommit_unit *u = wake, *next; u; u = next) {
        next = u->next;
        u->done = true;
        u->wake(u->wake_arg);
    }
}

static void fail_batch(struct groupcommit_unit *batch, int r)
{
    for (struct groupcommit_unit *u = batch; u; u = u->next)
        if (u->r >= 0)
            u->r = r;
}

/*
 * One pass over the batch in one transaction. Without savepoints, the
 * first unit that asks for one (u->savepoint) and fails on its own stops
 * the pass: *ret_retry is set and the transaction is rolled back, so the
 * caller runs the batch again, each such unit in its own savepoint. 0
 * after the commit, or a negative errno after the rollback.
 */
static int run_pass(struct groupcommit *gc, struct db *db, struct groupcommit_unit *batch,
                    bool savepoints, bool *ret_retry)
{
    const struct groupcommit_ops *ops = gc->ops;
    int r = store_begin(db);

    if (r == 0 && ops->begin)
        r = ops->begin(db, gc->state, batch);
    for (struct groupcommit_unit *u = batch; u && r == 0; u = u->next) {
        bool sp = savepoints && u->savepoint;
        u->r = 0;
        if (sp && (r = store_savepoint(db, STORE_SP_BEGIN)) < 0)
            break;
        r = u->run(u, db, gc->state);
        if (r < 0)
            break; /* the whole transaction rolls back, savepoint and all */
        if (sp)
            r = store_savepoint(db, u->r < 0 ? STORE_SP_ROLLBACK : STORE_SP_RELEASE);
        else if (u->savepoint && u->r < 0) {
            *ret_retry = true;
            r = -EAGAIN;
        }
    }
    if (r == 0 && ops->end)
        r = ops->end(db, gc->state, batch);
    if (r == 0)
        r = store_commit(db);
    else
        store_rollback(db);
    return r;
}

static void run_batch(struct groupcommit *gc, struct db *db, struct groupcommit_unit *batch)
{
    const struct groupcommit_ops *ops = gc->ops;
    bool retry = false;
    int r = run_pass(gc, db, batch, false, &retry);

    if (retry) {
        /* a unit failed after writing: again, each in a savepoint, so it is rolled back alone */
        pthread_mutex_lock(&gc->mu);
        gc->retries++;
        pthread_mutex_unlock(&gc->mu);
        if (ops->retry)
            ops->retry(gc->state, batch);
        r = run_pass(gc, db, batch, true, &retry);
    }
    if (r < 0)
        fail_batch(batch, r);
    if (ops->finish)
        ops->finish(gc->state, batch, r);
    complete(gc, batch);
}

static void *writer_main(void *arg)
{
    struct groupcommit *gc = arg;
    struct db *db = NULL;

    pthread_mutex_lock(&gc->mu);
    for (;;) {
        while (!gc->head && !gc->stop)
            pthread_cond_wait(&gc->work, &gc->mu);
        if (!gc->head)
            break;
        struct groupcommit_unit *batch = gc->head;
        gc->head = gc->tail = NULL;
        pthread_mutex_unlock(&gc->mu);
        int r = 0;
        if (!db && (r = store_acquire(gc->store, &db)) == 0) {
            /* audit and LRS rows only: no cache of the store's rows (store_write_gen) minds */
            store_set_quiet(db);
            if (gc->ops->connected)
                gc->ops->connected(db, gc->state);
        }
        if (r < 0) {
            fail_batch(batch, r);
            if (gc->ops->finish)
                gc->ops->finish(gc->state, batch, r);
            complete(gc, batch);
        } else {
            run_batch(gc, db, batch);
        }
        pthread_mutex_lock(&gc->mu);
    }
    pthread_mutex_unlock(&gc->mu);
    store_release(gc->store, db);
    return NULL;
}

int groupcommit_new(struct store *s, const struct groupcommit_ops *ops, void *state,
                    struct groupcommit **ret)
{
    struct groupcommit *gc = mem_calloc(1, sizeof(*gc));
    if (!gc)
        return -ENOMEM;
    gc->store = s;
    gc->ops = ops;
    gc->state = state;
    pthread_mutex_init(&gc->mu, NULL);
    pthread_cond_init(&gc->work, NULL);
    pthread_cond_init(&gc->done, NULL);
    if (pthread_create(&gc->thread, NULL, writer_main, gc) != 0) {
        pthread_mutex_destroy(&gc->mu);
        pthread_cond_destroy(&gc->work);
        pthread_cond_destroy(&gc->done);
        mem_free(gc);
        return -EAGAIN;
    }
    if (ops->thread_name)
        pthread_setname_np(gc->thread, ops->thread_name);
    *ret = gc;
    return 0;
}

void groupcommit_free(struct groupcommit *gc)
{
    if (!gc)
        return;
    pthread_mutex_lock(&gc->mu);
    gc->stop = true;
    pthread_cond_signal(&gc->work);
    pthread_mutex_unlock(&gc->mu);
    pthread_join(gc->thread, NULL);
    pthread_mutex_destroy(&gc->mu);
    pthread_cond_destroy(&gc->work);
    pthread_cond_destroy(&gc->done);
    mem_free(gc);
}

static int enqueue(struct groupcommit *gc, struct groupcommit_unit *u)
{
    u->r = 0;
    u->done = false;
    u->next = NULL;
    pthread_mutex_lock(&gc->mu);
    if (gc->stop) {
        pthread_mutex_unlock(&gc->mu);
        return -EBUSY;
    }
    if (gc->tail)
        gc->tail->next = u;
    else
        gc->head = u;
    gc->tail = u;
    pthread_cond_signal(&gc->work);
    if (!u->wake)
        while (!u->done)
            pthread_cond_wait(&gc->done, &gc->mu);
    pthread_mutex_unlock(&gc->mu);
    return 0;
}

uint64_t groupcommit_retries(struct groupcommit *gc)
{
    pthread_mutex_lock(&gc->mu);
    uint64_t n = gc->retries;
    pthread_mutex_unlock(&gc->mu);
    return n;
}

int groupcommit_submit(struct groupcommit *gc, struct groupcommit_unit *u)
{
    return enqueue(gc, u);
}

int groupcommit_run(struct groupcommit *gc, struct groupcommit_unit *u)
{
    u->wake = NULL;
    return enqueue(gc, u);
}

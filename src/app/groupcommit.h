/*
 * Group commit: one writer thread per user and store (a store service with
 * a connection of its own) that takes every unit of work queued while it
 * was busy, runs them in one write transaction, commits once (one fsync in
 * SQLite WAL with synchronous=FULL, one WAL flush in PostgreSQL) and only
 * then tells each unit's caller, so an answer given after that is durable.
 * The audit log (audit.c) and the LRS's statements (lrs.c) write this way.
 *
 * A unit runs on the writer's thread while its caller waits, either
 * blocked (groupcommit_run) or not holding a thread at all
 * (groupcommit_submit with a wake callback: a suspended HTTP request).
 * Units that may fail on their own after writing ask for a savepoint
 * (savepoint = true): a failing one is rolled back alone and the others
 * commit. The batch runs first without any savepoint (a savepoint per
 * unit makes SQLite copy every page it touches, and costs PostgreSQL a
 * round trip each way); only when such a unit fails is the transaction
 * rolled back and the batch run again, each of those units in its own
 * savepoint (so a unit's run may be called twice: it must not keep
 * anything from a pass that was rolled back; ops->retry is told). Units
 * without one must fail before they write anything (the LRS checks ids
 * first); a storage fault fails the whole batch.
 *
 * The user's hooks (struct groupcommit_ops) see the batch from the writer's
 * thread: the connection once when it is taken, each batch's start inside
 * the transaction, its end before the commit, and the outcome after the
 * commit or rollback, before any caller is told.
 *
 * Thread-safe: any thread may queue; everything else runs on the writer.
 */
#ifndef TRELLIS_APP_GROUPCOMMIT_H
#define TRELLIS_APP_GROUPCOMMIT_H

#include "base/common.h"

struct db;
struct store;
struct groupcommit;

struct groupcommit_unit {
    /*
     * The work, in the writer's transaction: set u->r to the unit's own
     * result (0, or a negative errno that fails this unit only: inside a
     * savepoint it is rolled back, without one it must have written
     * nothing). Return 0 to go on, or a negative errno for a fault that
     * fails the whole batch (it is rolled back, every unit gets the error
     * unless it failed on its own already). state is the writer's (ops).
     */
    int (*run)(struct groupcommit_unit *u, struct db *db, void *state);
    bool savepoint;
    /* NULL: the caller waits (groupcommit_run); else called once done, from the writer's thread */
    void (*wake)(void *arg);
    void *wake_arg;
    /* the writer's: the result once done */
    int r;
    bool done;
    struct groupcommit_unit *next;
};

struct groupcommit_ops {
    const char *thread_name; /* at most 15 characters */
    /* The connection the writer took (once; NULL: nothing to do). */
    void (*connected)(struct db *db, void *state);
    /* A batch starts, inside its transaction: a negative errno fails it (NULL: nothing). */
    int (*begin)(struct db *db, void *state, struct groupcommit_unit *batch);
    /* Every unit ran: last writes before the commit; a negative errno fails the batch. */
    int (*end)(struct db *db, void *state, struct groupcommit_unit *batch);
    /*
     * After the commit (r = 0) or the rollback (r < 0; each unit's r is set
     * already), before any caller is told.
     */
    void (*finish)(void *state, struct groupcommit_unit *batch, int r);
    /*
     * The first pass was rolled back because a unit with a savepoint failed;
     * the batch runs again (begin first). Forget what the pass left in state.
     */
    void (*retry)(void *state, struct groupcommit_unit *batch);
};

/*
 * Start a writer on s with ops (borrowed, static) and state (borrowed,
 * passed to every hook and unit): 0, -ENOMEM or -EAGAIN (no thread). For a
 * store service's create function.
 */
int groupcommit_new(struct store *s, const struct groupcommit_ops *ops, void *state,
                    struct groupcommit **ret);
/* Stop: run what is queued, join the thread, give the connection back. NULL-safe. */
void groupcommit_free(struct groupcommit *gc);

/*
 * Queue u (its run, savepoint, wake and wake_arg set; u stays the
 * caller's and must live until it is done). wake(wake_arg) may be called
 * before this returns; with wake NULL this waits like groupcommit_run().
 * 0, or -EBUSY when the writer is stopping (then nothing was queued and
 * wake is not called).
 */
int groupcommit_submit(struct groupcommit *gc, struct groupcommit_unit *u);
/* Queue u (wake NULL) and wait until it is done: 0 (then u->r is its result) or -EBUSY. */
int groupcommit_run(struct groupcommit *gc, struct groupcommit_unit *u);
/* How many batches were run again unit by unit since the writer started (tests). */
uint64_t groupcommit_retries(struct groupcommit *gc);

#endif

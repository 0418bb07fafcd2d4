/*
 * app/audit and app/groupcommit: concurrent group-commit units (some
 * failing alone, some woken instead of waited for) chain into one intact
 * log; checkpoints taken and checked in-process; a database from before
 * heads were keyed is keyed by its upgrade; and a head rewritten outside
 * Trellis is recorded by the next append (through group commit and through
 * a caller's own transaction) instead of being hidden under a new keyed
 * head. A batch runs without savepoints; one whose unit fails after writing
 * is run again unit by unit (the others commit, the failed one leaves
 * nothing, the chain verifies).
 */
#include "test.h"

#include <pthread.h>

#include "app/audit.h"
#include "app/groupcommit.h"
#include "app/principal.h"
#include "base/buf.h"
#include "store/db.h"

#include "app_fixture.h"

#define THREADS 6
#define UNITS   40

struct count {
    const char *prefix;
    long n;
};

static int count_detail(const struct audit_view *v, void *arg)
{
    struct count *c = arg;
    if (strncmp(v->detail, c->prefix, strlen(c->prefix)) == 0)
        c->n++;
    return 0;
}

static long entries_with(const char *prefix)
{
    struct principal op;
    struct count c = {prefix, 0};
    principal_operator(&op, F.d1, "test");
    F.ctx.who = &op;
    assert_int_equal(audit_show_recent(&F.ctx, 0, 1000000, count_detail, &c), 0);
    F.ctx.who = NULL;
    ctx_release(&F.ctx);
    return c.n;
}

static int verify(struct audit_verify_report *rep)
{
    struct principal op;
    principal_operator(&op, 0, "test");
    F.ctx.who = &op;
    int r = audit_verify(&F.ctx, rep);
    F.ctx.who = NULL;
    ctx_release(&F.ctx);
    return r;
}

struct unit_arg {
    int thread, k;
};

/* every third unit fails after appending: its savepoint takes the entry back */
static int append_unit(struct ctx *c, struct db *db, void *arg)
{
    const struct unit_arg *u = arg;
    char detail[64];
    snprintf(detail, sizeof(detail), "gc-test %d.%d", u->thread, u->k);
    struct audit_entry e = {.action = "change", .object = "test", .detail = detail};
    int r = audit_append(c, db, &e);
    if (r < 0)
        return r;
    return u->k % 3 == 2 ? -EIO : 0;
}

struct waker {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool woken;
};

static void wake(void *arg)
{
    struct waker *w = arg;
    pthread_mutex_lock(&w->mu);
    w->woken = true;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

static void *worker(void *arg)
{
    int t = (int)(intptr_t)arg;
    struct arena arena = ARENA_INIT;
    struct principal op;
    struct ctx c;
    principal_operator(&op, F.d1, "worker");
    for (int k = 0; k < UNITS; k++) {
        ctx_init(&c, F.store, &F.cfg, &arena, F.now, "req");
        c.who = &op;
        if (k % 5 == 4) {
            /* a disclosure queued without waiting: woken from the writer's thread */
            struct waker w = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false};
            struct audit_pending *p;
            int64_t subject = U('a');
            char detail[64];
            snprintf(detail, sizeof(detail), "gc-test %d.%d", t, k);
            struct audit_entry e = {.action = "read",
                                    .object = "test",
                                    .subjects = &subject,
                                    .n_subjects = 1,
                                    .detail = detail};
            audit_disclose_submit(&c, &e, 1, wake, &w, &p);
            pthread_mutex_lock(&w.mu);
            while (!w.woken)
                pthread_cond_wait(&w.cv, &w.mu);
            pthread_mutex_unlock(&w.mu);
            if (audit_disclose_result(&c, p) != 0)
                fail_msg("disclosure %d.%d: %s", t, k, c.err);
        } else {
            struct unit_arg u = {t, k};
            int r = audit_group(&c, append_unit, &u);
            if (r != (k % 3 == 2 ? -EIO : 0))
                fail_msg("unit %d.%d: %d", t, k, r);
        }
        ctx_release(&c);
        arena_release(&arena);
    }
    return NULL;
}

static void test_group_commit_from_many_threads(void **state)
{
    pthread_t th[THREADS];
    struct audit_verify_report rep;
    long want = 0;
    (void)state;
    for (int t = 0; t < THREADS; t++)
        assert_int_equal(pthread_create(&th[t], NULL, worker, (void *)(intptr_t)t), 0);
    for (int t = 0; t < THREADS; t++)
        pthread_join(th[t], NULL);
    for (int k = 0; k < UNITS; k++)
        if (k % 5 == 4 || k % 3 != 2)
            want += THREADS;
    /* the failed units left nothing; the others each one entry, in one intact chain */
    assert_int_equal(entries_with("gc-test "), want);
    assert_int_equal(verify(&rep), 0);
    assert_string_equal(rep.problem, "");
}

/* ---- a batch retried unit by unit ---- */

struct retry_unit {
    struct groupcommit_unit gu; /* first */
    struct ctx c;
    struct arena arena;
    struct principal op;
    const char *detail;
    bool fail, block;
    int runs;
    struct waker woke;
};

static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static bool gate_started, gate_open;

static int retry_run(struct groupcommit_unit *gu, struct db *db, void *state)
{
    struct retry_unit *u = (struct retry_unit *)gu;
    (void)state;
    u->runs++;
    if (u->block) {
        /* hold the writer until the others are queued behind it: they make one batch */
        pthread_mutex_lock(&gate_mu);
        gate_started = true;
        pthread_cond_broadcast(&gate_cv);
        while (!gate_open)
            pthread_cond_wait(&gate_cv, &gate_mu);
        pthread_mutex_unlock(&gate_mu);
    }
    struct audit_entry e = {.action = "change", .object = "test", .detail = u->detail};
    int r = audit_append(&u->c, db, &e);
    gu->r = r < 0 ? r : u->fail ? -EIO : 0;
    return 0;
}

static void retry_submit(struct groupcommit *gc, struct retry_unit *u, const char *detail,
                         bool fail, bool block)
{
    memset(u, 0, sizeof(*u));
    u->arena = (struct arena)ARENA_INIT;
    pthread_mutex_init(&u->woke.mu, NULL);
    pthread_cond_init(&u->woke.cv, NULL);
    principal_operator(&u->op, F.d1, "retry");
    ctx_init(&u->c, F.store, &F.cfg, &u->arena, F.now, "req");
    u->c.who = &u->op;
    u->detail = detail;
    u->fail = fail;
    u->block = block;
    u->gu.run = retry_run;
    u->gu.savepoint = true;
    u->gu.wake = wake;
    u->gu.wake_arg = &u->woke;
    assert_int_equal(groupcommit_submit(gc, &u->gu), 0);
}

static void retry_wait(struct retry_unit *u)
{
    pthread_mutex_lock(&u->woke.mu);
    while (!u->woke.woken)
        pthread_cond_wait(&u->woke.cv, &u->woke.mu);
    pthread_mutex_unlock(&u->woke.mu);
    ctx_release(&u->c);
    arena_release(&u->arena);
}

static const struct groupcommit_ops retry_ops = {.thread_name = "retry-test"};

static void test_failed_unit_retries_the_batch_one_by_one(void **state)
{
    static struct retry_unit u[4];
    struct audit_verify_report rep;
    struct groupcommit *gc;
    (void)state;
    assert_int_equal(groupcommit_new(F.store, &retry_ops, NULL, &gc), 0);
    retry_submit(gc, &u[0], "retry-test blocker", false, true);
    pthread_mutex_lock(&gate_mu);
    while (!gate_started)
        pthread_cond_wait(&gate_cv, &gate_mu);
    pthread_mutex_unlock(&gate_mu);
    retry_submit(gc, &u[1], "retry-test one", false, false);
    retry_submit(gc, &u[2], "retry-test two fails", true, false);
    retry_submit(gc, &u[3], "retry-test three", false, false);
    pthread_mutex_lock(&gate_mu);
    gate_open = true;
    pthread_cond_broadcast(&gate_cv);
    pthread_mutex_unlock(&gate_mu);
    for (int i = 0; i < 4; i++)
        retry_wait(&u[i]);
    /*
     * the blocker ran alone; the three behind it together until the second
     * failed (the third had not run yet), then again one by one
     */
    assert_int_equal(groupcommit_retries(gc), 1);
    assert_int_equal(u[0].runs, 1);
    assert_int_equal(u[1].runs, 2);
    assert_int_equal(u[2].runs, 2);
    assert_int_equal(u[3].runs, 1);
    assert_int_equal(u[1].gu.r, 0);
    assert_int_equal(u[2].gu.r, -EIO);
    assert_int_equal(u[3].gu.r, 0);
    groupcommit_free(gc);
    assert_int_equal(entries_with("retry-test "), 3);
    assert_int_equal(entries_with("retry-test two"), 0);
    assert_int_equal(verify(&rep), 0);
    assert_string_equal(rep.problem, "");
}

static int collect_line(const char *line, void *arg)
{
    struct buf *b = arg;
    return buf_appendf(b, "%s\n", line);
}

static void test_checkpoint_round_trip(void **state)
{
    struct audit_verify_report rep;
    struct principal op;
    struct buf cp = BUF_INIT(1u << 20);
    (void)state;
    principal_operator(&op, 0, "test");
    F.ctx.who = &op;
    assert_int_equal(audit_checkpoint(&F.ctx, &rep, collect_line, &cp), 0);
    assert_true(strncmp(buf_cstr(&cp), "trellis-audit-checkpoint/1 at=", 30) == 0);
    assert_int_equal(audit_verify_checkpoint(&F.ctx, buf_cstr(&cp), cp.len, &rep), 0);
    assert_true(rep.checkpoint_lines >= 1);
    /* the log grows: the checkpoint still holds */
    struct unit_arg u = {99, 0};
    assert_int_equal(audit_group(&F.ctx, append_unit, &u), 0);
    assert_int_equal(audit_verify_checkpoint(&F.ctx, buf_cstr(&cp), cp.len, &rep), 0);
    /* a digit of the head changed: the line's MAC no longer matches */
    char *h = strstr(cp.data, "head=");
    assert_non_null(h);
    h[5] = h[5] == '0' ? '1' : '0';
    F.ctx.err[0] = '\0';
    assert_int_equal(audit_verify_checkpoint(&F.ctx, buf_cstr(&cp), cp.len, &rep), -EINVAL);
    assert_non_null(strstr(F.ctx.err, "its MAC does not match"));
    assert_int_equal(audit_verify_checkpoint(&F.ctx, "nonsense\n", 9, &rep), -EINVAL);
    assert_non_null(strstr(F.ctx.err, "checkpoint line 1: not a line of"));
    F.ctx.who = NULL;
    ctx_release(&F.ctx);
    buf_release(&cp);
}

static void exec_sql(const char *sql)
{
    struct db *db;
    assert_int_equal(ctx_db(&F.ctx, &db), 0);
    assert_int_equal(store_begin(db), 0);
    if (db_exec(db, sql, "") < 0)
        fail_msg("%s: %s", sql, db->drv->errmsg(db));
    assert_int_equal(store_commit(db), 0);
    ctx_release(&F.ctx);
}

static void reopen(void)
{
    char err[256];
    struct store_options so = {.pool_size = 4};
    ctx_release(&F.ctx);
    store_close(F.store);
    assert_int_equal(store_open(F.path, &so, &F.store, err, sizeof(err)), 0);
    ctx_init(&F.ctx, F.store, &F.cfg, &F.arena, F.now, "test");
}

static void test_upgrade_keys_the_heads(void **state)
{
    struct audit_verify_report rep;
    (void)state;
    /* the database as it was before migration 0013: heads without MACs, no list */
    exec_sql("DROP TABLE audit_chains");
    exec_sql("ALTER TABLE audit_chain DROP COLUMN mac");
    exec_sql("DELETE FROM schema_migrations WHERE version = 13");
    reopen();
    assert_int_equal(verify(&rep), 0);
    assert_string_equal(rep.problem, "");
    assert_true(rep.chains >= 1);
}

static void test_rewritten_head_is_recorded_by_the_next_append(void **state)
{
    struct audit_verify_report rep;
    struct principal op;
    struct db *db;
    (void)state;
    /* the head set back one entry, as after removing the newest one (and its index rows) */
    exec_sql(
        "DELETE FROM audit_subjects WHERE entry_id = (SELECT id FROM audit_log WHERE chain = 1 "
        "AND seq = (SELECT seq FROM audit_chain WHERE chain = 1))");
    exec_sql("DELETE FROM audit_log WHERE chain = 1 AND seq = (SELECT seq FROM audit_chain WHERE "
             "chain = 1)");
    exec_sql("UPDATE audit_chain SET seq = seq - 1, head = (SELECT hash FROM audit_log WHERE "
             "chain = 1 AND seq = audit_chain.seq - 1) WHERE chain = 1");
    assert_int_equal(verify(&rep), -EBADMSG);
    assert_non_null(strstr(rep.problem, "was not written by Trellis"));
    /* through group commit */
    principal_operator(&op, F.d1, "test");
    F.ctx.who = &op;
    struct unit_arg u = {98, 0};
    assert_int_equal(audit_group(&F.ctx, append_unit, &u), 0);
    ctx_release(&F.ctx);
    assert_int_equal(verify(&rep), -EBADMSG);
    assert_int_equal(rep.n_problems, 1);
    assert_non_null(strstr(rep.problem, "records that at"));
    /* and in a caller's own transaction (a login, a change) */
    exec_sql("UPDATE audit_chain SET mac = NULL WHERE chain = 1");
    F.ctx.who = &op;
    assert_int_equal(ctx_db(&F.ctx, &db), 0);
    assert_int_equal(store_begin(db), 0);
    struct audit_entry e = {.action = "change", .object = "test", .detail = "own tx"};
    assert_int_equal(audit_append(&F.ctx, db, &e), 0);
    assert_int_equal(store_commit(db), 0);
    F.ctx.who = NULL;
    ctx_release(&F.ctx);
    assert_int_equal(verify(&rep), -EBADMSG);
    assert_int_equal(rep.n_problems, 2);
    assert_non_null(strstr(rep.problems, "records that at"));
    assert_non_null(strstr(strstr(rep.problems, "\n"), "records that at"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_group_commit_from_many_threads),
        cmocka_unit_test(test_failed_unit_retries_the_batch_one_by_one),
        cmocka_unit_test(test_checkpoint_round_trip),
        cmocka_unit_test(test_upgrade_keys_the_heads),
        /* last: it leaves the log with the alerts in it */
        cmocka_unit_test(test_rewritten_head_is_recorded_by_the_next_append),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

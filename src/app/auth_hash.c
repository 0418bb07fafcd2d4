/*
 * Passwords as argon2id strings (libsodium crypto_pwhash_str, interactive
 * limits), with a bound on the hashes that run at once (each takes 64 MiB),
 * a dummy hash to check unknown names against (see auth.h), and the pool of
 * threads that checks the passwords of logins made over HTTP.
 *
 * The pool: a few threads of its own (one per processor but one, at least one, at most
 * AUTH_HASH_CONCURRENCY) and a queue of at most AUTH_HASH_QUEUE jobs per
 * thread. A caller takes a place first (auth_pool_reserve(), which says
 * -EBUSY at once when every place is taken) and then hands its job over
 * (auth_pool_submit()): the pool runs it, then calls its done(). A login's
 * job is everything after the first checks: the password, and the
 * transaction that records the outcome, so an HTTP worker waits neither for
 * a hash nor for the database's write lock. The
 * threads run at a lower priority than the HTTP workers (SCHED_BATCH at
 * nice +10 on Linux), so a flood of logins waits for the processor, other
 * requests do not. The threads start with the first job and live as long as the
 * process.
 */
#include "base/common.h"

#include <pthread.h>
#include <sodium.h>
#include <unistd.h>
#ifdef __linux__
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#endif

#include "app/auth_internal.h"
#include "base/hex.h"
#include "base/rand.h"

static pthread_mutex_t hash_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hash_cv = PTHREAD_COND_INITIALIZER;
static int hashing;
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[crypto_pwhash_STRBYTES];

static void hash_enter(void)
{
    pthread_mutex_lock(&hash_mu);
    while (hashing >= AUTH_HASH_CONCURRENCY)
        pthread_cond_wait(&hash_cv, &hash_mu);
    hashing++;
    pthread_mutex_unlock(&hash_mu);
}

static void hash_leave(void)
{
    pthread_mutex_lock(&hash_mu);
    hashing--;
    pthread_cond_signal(&hash_cv);
    pthread_mutex_unlock(&hash_mu);
}

int auth_hash_password(const char *pw, char out[crypto_pwhash_STRBYTES])
{
    int r;
    if (sodium_init() < 0)
        return -EIO;
    hash_enter();
    r = crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE);
    hash_leave();
    return r == 0 ? 0 : -ENOMEM;
}

static void make_dummy(void)
{
    uint8_t raw[16];
    char pw[40];
    (void)rand_bytes(raw, sizeof(raw));
    hex_encode(raw, sizeof(raw), pw);
    if (auth_hash_password(pw, dummy_hash) < 0)
        dummy_hash[0] = '\0';
}

/* true if pw matches hash; with no hash, spend the same time on a dummy and say no */
bool auth_verify_password(const char *hash, const char *pw)
{
    bool ok;
    if (sodium_init() < 0)
        return false;
    pthread_once(&dummy_once, make_dummy);
    hash_enter();
    if (hash && hash[0]) {
        ok = crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
    } else {
        if (dummy_hash[0])
            if (crypto_pwhash_str_verify(dummy_hash, pw, strlen(pw)) == 0)
                ok = false;
        ok = false;
    }
    hash_leave();
    return ok;
}

/* ---- the pool ---- */

static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_cv = PTHREAD_COND_INITIALIZER;
static struct auth_job *queue_head, *queue_tail;
static unsigned pool_threads; /* running */
static unsigned pool_taken;   /* places taken: queued, running, or reserved and not yet submitted */

static void *pool_main(void *arg)
{
    (void)arg;
#ifdef __linux__
    /*
     * Logins wait for the processor rather than everyone else's requests:
     * a batch thread (it does not preempt others when it wakes) at nice 10
     * (about a tenth of a processor's share next to a busy ordinary thread,
     * all of it when nothing else wants it).
     */
    struct sched_param sp = {0};
    (void)pthread_setschedparam(pthread_self(), SCHED_BATCH, &sp);
    (void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
#endif
    for (;;) {
        struct auth_job *j;
        pthread_mutex_lock(&pool_mu);
        while (!queue_head)
            pthread_cond_wait(&pool_cv, &pool_mu);
        j = queue_head;
        queue_head = j->next;
        if (!queue_head)
            queue_tail = NULL;
        pthread_mutex_unlock(&pool_mu);

        j->run(j);
        void (*done)(void *) = j->done;
        void *done_arg = j->arg;
        pthread_mutex_lock(&pool_mu);
        pool_taken--;
        pthread_mutex_unlock(&pool_mu);
        /* the job is its owner's again from here: done() may free it */
        done(done_arg);
    }
    return NULL;
}

/* Start the threads that are missing (with pool_mu held): the number running. */
static unsigned pool_start(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    /* one processor is left to everything else: a login flood never takes the whole machine */
    unsigned want = cpus <= 2 ? 1 : (unsigned)MIN(cpus - 1, (long)AUTH_HASH_CONCURRENCY);
    while (pool_threads < want) {
        pthread_t t;
        pthread_attr_t attr;
        if (pthread_attr_init(&attr) != 0)
            break;
        (void)pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int r = pthread_create(&t, &attr, pool_main, NULL);
        pthread_attr_destroy(&attr);
        if (r != 0)
            break;
        pool_threads++;
    }
    return pool_threads;
}

int auth_pool_reserve(void)
{
    int r = 0;
    if (sodium_init() < 0)
        return -EIO;
    pthread_mutex_lock(&pool_mu);
    if (pool_start() == 0)
        r = -EAGAIN;
    else if (pool_taken >= pool_threads * (1 + AUTH_HASH_QUEUE))
        r = -EBUSY;
    else
        pool_taken++;
    pthread_mutex_unlock(&pool_mu);
    return r;
}

void auth_pool_unreserve(void)
{
    pthread_mutex_lock(&pool_mu);
    pool_taken--;
    pthread_mutex_unlock(&pool_mu);
}

void auth_pool_submit(struct auth_job *j)
{
    j->next = NULL;
    pthread_mutex_lock(&pool_mu);
    if (queue_tail)
        queue_tail->next = j;
    else
        queue_head = j;
    queue_tail = j;
    pthread_cond_signal(&pool_cv);
    pthread_mutex_unlock(&pool_mu);
}

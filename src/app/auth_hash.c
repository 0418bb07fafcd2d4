/*
 * Passwords as argon2id strings (libsodium crypto_pwhash_str, interactive
 * limits), with a bound on the hashes that run at once (each takes 64 MiB),
 * and a dummy hash to check unknown names against (see auth.h).
 */
#include "base/common.h"

#include <pthread.h>
#include <sodium.h>

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

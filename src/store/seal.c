/*
 * Sealing: see seal.h. The key stays in sodium_malloc'ed, locked memory.
 */
#include "base/common.h"

#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/mem.h"
#include "store/seal.h"

struct seal {
    uint8_t *enc; /* crypto_secretbox_KEYBYTES, in sodium memory */
    uint8_t *idx; /* crypto_generichash_KEYBYTES */
    uint8_t *mac; /* crypto_generichash_KEYBYTES: the audit log's MACs */
};

_Static_assert(SEAL_OVERHEAD == crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES,
               "seal overhead");

static int sodium_ready(void)
{
    return sodium_init() < 0 ? -EIO : 0;
}

int seal_from_key(const uint8_t key[32], struct seal **ret)
{
    struct seal *s;

    if (sodium_ready() < 0)
        return -EIO;
    s = mem_calloc(1, sizeof(*s));
    if (!s)
        return -ENOMEM;
    s->enc = sodium_malloc(crypto_secretbox_KEYBYTES);
    s->idx = sodium_malloc(crypto_generichash_KEYBYTES);
    s->mac = sodium_malloc(crypto_generichash_KEYBYTES);
    if (!s->enc || !s->idx || !s->mac) {
        seal_free(s);
        return -ENOMEM;
    }
    crypto_kdf_derive_from_key(s->enc, crypto_secretbox_KEYBYTES, 1, "trellis_", key);
    crypto_kdf_derive_from_key(s->idx, crypto_generichash_KEYBYTES, 2, "trellis_", key);
    crypto_kdf_derive_from_key(s->mac, crypto_generichash_KEYBYTES, 3, "trellis_", key);
    *ret = s;
    return 0;
}

void seal_free(struct seal *s)
{
    if (!s)
        return;
    sodium_free(s->enc);
    sodium_free(s->idx);
    sodium_free(s->mac);
    mem_free(s);
}

static int create_key(const char *path, char *err, size_t errlen)
{
    uint8_t key[crypto_kdf_KEYBYTES];
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    int r = 0;

    if (fd < 0) {
        snprintf(err, errlen, "cannot create key file '%s': %s", path, strerror(errno));
        return -errno;
    }
    crypto_kdf_keygen(key);
    if (write(fd, key, sizeof(key)) != (ssize_t)sizeof(key) || fsync(fd) < 0) {
        snprintf(err, errlen, "cannot write key file '%s': %s", path, strerror(errno));
        r = -EIO;
    }
    sodium_memzero(key, sizeof(key));
    if (close(fd) < 0 && r == 0)
        r = -EIO;
    if (r < 0)
        (void)unlink(path);
    return r;
}

int seal_load(const char *path, bool create, struct seal **ret, char *err, size_t errlen)
{
    uint8_t *key = NULL;
    struct stat st;
    int fd = -1, r;

    if (sodium_ready() < 0) {
        snprintf(err, errlen, "cannot initialise libsodium");
        return -EIO;
    }
    if (create && access(path, F_OK) < 0 && errno == ENOENT) {
        r = create_key(path, err, errlen);
        if (r < 0)
            return r;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        r = -errno;
        snprintf(err, errlen, "cannot open key file '%s': %s%s", path, strerror(errno),
                 errno == ENOENT ? " (it is made by `trellis init`; restore it from where you "
                                   "keep the key safe)"
                                 : "");
        return r;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "key file '%s' is not a regular file", path);
        r = -EINVAL;
        goto out;
    }
    if (st.st_mode & 077) {
        snprintf(err, errlen, "key file '%s' can be read by others (mode %03o); run chmod 600",
                 path, (unsigned)(st.st_mode & 0777));
        r = -EACCES;
        goto out;
    }
    if (st.st_size != crypto_kdf_KEYBYTES) {
        snprintf(err, errlen, "key file '%s' has %lld bytes, expected %d", path,
                 (long long)st.st_size, crypto_kdf_KEYBYTES);
        r = -EINVAL;
        goto out;
    }
    key = sodium_malloc(crypto_kdf_KEYBYTES);
    if (!key) {
        r = -ENOMEM;
        goto out;
    }
    if (read(fd, key, crypto_kdf_KEYBYTES) != crypto_kdf_KEYBYTES) {
        snprintf(err, errlen, "cannot read key file '%s'", path);
        r = -EIO;
        goto out;
    }
    r = seal_from_key(key, ret);
    if (r < 0)
        snprintf(err, errlen, "cannot load key: %s", strerror(-r));
out:
    sodium_free(key);
    if (fd >= 0)
        close(fd);
    return r;
}

int seal_encrypt(const struct seal *s, const void *p, size_t n, struct buf *out)
{
    int r;

    buf_reset(out);
    r = buf_reserve(out, n + SEAL_OVERHEAD);
    if (r < 0)
        return r;
    uint8_t *o = (uint8_t *)out->data;
    randombytes_buf(o, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(o + crypto_secretbox_NONCEBYTES, p, n, o, s->enc);
    out->len = n + SEAL_OVERHEAD;
    out->data[out->len] = '\0';
    return 0;
}

int seal_decrypt(const struct seal *s, const void *p, size_t n, struct buf *out)
{
    const uint8_t *in = p;
    int r;

    buf_reset(out);
    if (n < SEAL_OVERHEAD)
        return -EBADMSG;
    r = buf_reserve(out, n - SEAL_OVERHEAD);
    if (r < 0)
        return r;
    if (crypto_secretbox_open_easy((uint8_t *)out->data, in + crypto_secretbox_NONCEBYTES,
                                   n - crypto_secretbox_NONCEBYTES, in, s->enc) != 0)
        return -EBADMSG;
    out->len = n - SEAL_OVERHEAD;
    out->data[out->len] = '\0';
    return 0;
}

void seal_index(const struct seal *s, const void *p, size_t n, uint8_t out[SEAL_INDEX_LEN])
{
    crypto_generichash(out, SEAL_INDEX_LEN, p, n, s->idx, crypto_generichash_KEYBYTES);
}

void seal_mac(const struct seal *s, const void *p, size_t n, uint8_t out[SEAL_MAC_LEN])
{
    crypto_generichash(out, SEAL_MAC_LEN, p, n, s->mac, crypto_generichash_KEYBYTES);
}

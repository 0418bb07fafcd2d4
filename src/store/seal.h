/*
 * Sealing of sensitive fields at rest (birth dates, demographics, contact
 * data, survey answers): libsodium secretbox (XSalsa20-Poly1305) with a key
 * that lives in a file beside the database, never inside it, never in logs
 * and never in a backup.
 *
 * The key file holds 32 random bytes (mode 0600). Three subkeys are derived
 * from it: one seals values, one makes blind indexes (keyed BLAKE2b) so a
 * sealed value such as an e-mail address can still be looked up by equality,
 * and one makes the audit log's MACs (chain heads, the list of chains,
 * checkpoints), which never leave it as a digest someone could look up.
 * A sealed value is nonce (24 bytes) || MAC (16) || ciphertext.
 *
 * Thread-safe once loaded (read-only).
 */
#ifndef TRELLIS_SEAL_H
#define TRELLIS_SEAL_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/common.h"

struct seal;

#define SEAL_OVERHEAD  40 /* nonce + MAC */
#define SEAL_INDEX_LEN 16
#define SEAL_MAC_LEN   16

/*
 * Load the key from path; when create is set and the file does not exist,
 * make a new random key there with mode 0600. Refuses a key file that others
 * can read. err names the file and the problem.
 */
int seal_load(const char *path, bool create, struct seal **ret, char *err, size_t errlen);
/* A seal from 32 key bytes (tests). */
int seal_from_key(const uint8_t key[32], struct seal **ret);
/* Wipe and free. NULL-safe. */
void seal_free(struct seal *s);

/* Seal n bytes into out (replacing its contents): 0, -ENOMEM or -E2BIG. */
int seal_encrypt(const struct seal *s, const void *p, size_t n, struct buf *out);
/* Open a sealed value into out: 0, -EBADMSG if it was altered or the key is wrong. */
int seal_decrypt(const struct seal *s, const void *p, size_t n, struct buf *out);
/* A keyed 16-byte digest of text for equality lookups of sealed values. */
void seal_index(const struct seal *s, const void *p, size_t n, uint8_t out[SEAL_INDEX_LEN]);
/*
 * A 16-byte MAC of p (keyed BLAKE2b) under the audit subkey, which serves
 * nothing else: blind indexes are stored in the database, so a MAC under
 * their key could be made by storing the right value. Callers separate
 * their uses by the first bytes of p (a domain string).
 */
void seal_mac(const struct seal *s, const void *p, size_t n, uint8_t out[SEAL_MAC_LEN]);

#endif

/*
 * HMAC-SHA-1 and SHA-1 from libcrypto for one-time passwords and xAPI
 * ETags: see otp.h. The truncation and the time steps are core/otp.c.
 */
#include "base/common.h"

#include <limits.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "app/otp.h"

int otp_sha1(const void *p, size_t n, uint8_t out[SHA1_LEN])
{
    unsigned int len = 0;

    if (EVP_Digest(p, n, out, &len, EVP_sha1(), NULL) != 1 || len != SHA1_LEN) {
        memset(out, 0, SHA1_LEN);
        return -EIO;
    }
    return 0;
}

int otp_hmac_sha1(const uint8_t *key, size_t keylen, const void *msg, size_t n,
                  uint8_t out[SHA1_LEN])
{
    unsigned int len = 0;

    /* HMAC() takes the key length as an int; a longer key is hashed first anyway */
    if (keylen > INT_MAX || !HMAC(EVP_sha1(), key, (int)keylen, msg, n, out, &len) ||
        len != SHA1_LEN) {
        memset(out, 0, SHA1_LEN);
        return -EIO;
    }
    return 0;
}

uint32_t otp_hotp(const uint8_t *key, size_t keylen, uint64_t counter, unsigned digits)
{
    uint8_t msg[8], mac[SHA1_LEN];

    otp_counter_message(counter, msg);
    if (otp_hmac_sha1(key, keylen, msg, sizeof(msg), mac) < 0)
        return UINT32_MAX;
    return otp_hotp_truncate(mac, digits);
}

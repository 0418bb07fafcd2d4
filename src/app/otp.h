/*
 * One-time passwords with their MAC: HMAC-SHA-1 and SHA-1 from OpenSSL's
 * libcrypto, over the arithmetic in core/otp.h (which this header
 * includes, so a caller needs only this one).
 *
 * SHA-1 is here only because RFC 6238 authenticator apps use HMAC-SHA-1
 * (still a sound MAC, RFC 6151) and xAPI 1.0.3 names SHA-1 for document
 * ETags; nothing else in Trellis may use it. Thread-safe.
 */
#ifndef TRELLIS_APP_OTP_H
#define TRELLIS_APP_OTP_H

#include <stddef.h>
#include <stdint.h>

#include "base/common.h"
#include "core/otp.h"

/* SHA-1 (FIPS 180-4) of n bytes into out. 0, or -EIO if libcrypto fails (out is zeroed). */
int otp_sha1(const void *p, size_t n, uint8_t out[SHA1_LEN]);
/* HMAC-SHA-1 (RFC 2104) of msg under key. 0, or -EIO if libcrypto fails (out is zeroed). */
int otp_hmac_sha1(const uint8_t *key, size_t keylen, const void *msg, size_t n,
                  uint8_t out[SHA1_LEN]);
/*
 * The HOTP value (RFC 4226) of counter under key, with digits (6 to 9)
 * digits; for TOTP pass otp_totp_step(). If libcrypto fails the answer is
 * UINT32_MAX, which no typed code can equal.
 */
uint32_t otp_hotp(const uint8_t *key, size_t keylen, uint64_t counter, unsigned digits);

#endif

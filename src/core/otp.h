/*
 * One-time passwords: SHA-1 (FIPS 180-4), HMAC-SHA-1 (RFC 2104), HOTP
 * (RFC 4226) and TOTP (RFC 6238), and the base32 text (RFC 4648 section 6)
 * that authenticator apps use for the shared secret.
 *
 * SHA-1 is here only because RFC 6238 authenticator apps use HMAC-SHA-1 and
 * libsodium has no SHA-1; HMAC-SHA-1 is still a sound MAC (RFC 6151) and
 * nothing else in Trellis may use it. Pure and reentrant: no I/O, no clock
 * (the caller passes the time step), no allocation.
 */
#ifndef TRELLIS_CORE_OTP_H
#define TRELLIS_CORE_OTP_H

#include <stddef.h>
#include <stdint.h>

#include "base/common.h"

#define SHA1_LEN       20
#define TOTP_PERIOD_S  30 /* RFC 6238 section 4.1: X = 30 seconds */
#define OTP_SECRET_MAX 64

/* SHA-1 of n bytes. */
void otp_sha1(const void *p, size_t n, uint8_t out[SHA1_LEN]);
/* HMAC-SHA-1 (RFC 2104) of msg under key. */
void otp_hmac_sha1(const uint8_t *key, size_t keylen, const void *msg, size_t n,
                   uint8_t out[SHA1_LEN]);
/* HOTP value (RFC 4226 section 5.3) for counter with digits (6 to 9) digits. */
uint32_t otp_hotp(const uint8_t *key, size_t keylen, uint64_t counter, unsigned digits);
/*
 * The TOTP time step of a Unix time in seconds (T0 = 0, X = 30; RFC 6238
 * section 4.2). Negative times give step 0.
 */
uint64_t otp_totp_step(int64_t unix_seconds);
/*
 * Parse a code the person typed: exactly `digits` decimal digits, spaces
 * ignored. 0 and *ret, or -EINVAL.
 */
int otp_parse_code(const char *s, unsigned digits, uint32_t *ret);

/* Length of the base32 text (no padding) for n bytes. */
size_t otp_base32_len(size_t n);
/* Base32 (RFC 4648 section 6, upper case, no padding); out holds otp_base32_len(n) + 1 bytes. */
void otp_base32_encode(const uint8_t *p, size_t n, char *out);
/*
 * Decode base32 (either case, '=' padding and spaces ignored) into out (at
 * most max bytes). Returns the byte count or -EINVAL.
 */
long otp_base32_decode(const char *s, uint8_t *out, size_t max);

#endif

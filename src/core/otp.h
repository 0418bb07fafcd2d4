/*
 * One-time passwords, the arithmetic: HOTP's counter message and dynamic
 * truncation (RFC 4226 section 5.3), TOTP time steps (RFC 6238), the codes
 * people type, and the base32 text (RFC 4648 section 6) that authenticator
 * apps use for the shared secret.
 *
 * The HMAC-SHA-1 itself is not here: core includes no library, and SHA-1
 * comes from libcrypto. app/otp.h computes it and calls
 * otp_hotp_truncate(); use otp_hotp() from there. Pure and reentrant: no
 * I/O, no clock (the caller passes the time step), no allocation.
 */
#ifndef TRELLIS_CORE_OTP_H
#define TRELLIS_CORE_OTP_H

#include <stddef.h>
#include <stdint.h>

#include "base/common.h"

#define SHA1_LEN       20
#define TOTP_PERIOD_S  30 /* RFC 6238 section 4.1: X = 30 seconds */
#define OTP_SECRET_MAX 64

/* The 8-byte big-endian counter that HOTP MACs (RFC 4226 section 5.2). */
void otp_counter_message(uint64_t counter, uint8_t out[8]);
/*
 * The HOTP value (RFC 4226 section 5.3, dynamic truncation) of an
 * HMAC-SHA-1 digest, with digits (1 to 9; anything else is 6) digits.
 */
uint32_t otp_hotp_truncate(const uint8_t mac[SHA1_LEN], unsigned digits);
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

/*
 * Fuzz what a person types as a second factor and what an authenticator
 * secret looks like: the 6-digit code parser and base32 (both ways, which
 * must round-trip), then HOTP over whatever key came out.
 */
#include "base/common.h"

#include <stdlib.h>

#include "app/otp.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[257], enc[OTP_SECRET_MAX * 2 + 8];
    uint8_t key[OTP_SECRET_MAX], again[OTP_SECRET_MAX];
    uint32_t code;
    long n, m;

    if (size >= sizeof(text))
        size = sizeof(text) - 1;
    memcpy(text, data, size);
    text[size] = '\0';
    if (otp_parse_code(text, 6, &code) == 0 && code > 999999)
        abort();
    n = otp_base32_decode(text, key, sizeof(key));
    if (n < 0)
        return 0;
    otp_base32_encode(key, (size_t)n, enc);
    if (strlen(enc) != otp_base32_len((size_t)n))
        abort();
    m = otp_base32_decode(enc, again, sizeof(again));
    if (m != n || memcmp(key, again, (size_t)n) != 0)
        abort();
    if (n > 0 && otp_hotp(key, (size_t)n, (uint64_t)n, 6) > 999999)
        abort();
    /* the truncation of any 20 bytes stays in range */
    if (size >= SHA1_LEN && otp_hotp_truncate(data, 8) > 99999999)
        abort();
    return 0;
}

/*
 * Fuzz the micro-credential verifier (app/badge_vc.c, app/jws.c) with what
 * a stranger hands `trellis badge verify` or the public routes: any text as
 * a VC-JWT or a JSON credential, against a key set of one RSA key (RFC 7638
 * section 3.1's example, whose private half nobody has, so nothing may ever
 * verify), and the same bytes as a status list's encodedList. The verdict's
 * strings must stay terminated and its status one of the four words.
 */
#include "base/common.h"

#include <stdlib.h>

#include "app/badge_vc.h"
#include "fuzz.h"

static const char jwks_text[] =
    "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs\",\"n\":"
    "\"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_"
    "BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_"
    "FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-"
    "bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw\","
    "\"e\":\"AQAB\"}]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static json_t *jwks;
    struct badge_verdict v;
    char *text;

    if (!jwks && !(jwks = json_loads(jwks_text, 0, NULL)))
        abort();
    if (size > 64 * 1024)
        return 0;
    text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (badge_vc_verify(text, size, jwks, 1796640000000LL, &v) == 0) {
        if (v.verified)
            abort(); /* no one holds the key */
        if (strnlen(v.reason, sizeof(v.reason)) == sizeof(v.reason) ||
            strnlen(v.issuer, sizeof(v.issuer)) == sizeof(v.issuer) ||
            strnlen(v.achievement, sizeof(v.achievement)) == sizeof(v.achievement))
            abort();
        if (strcmp(v.status, "unchecked") && strcmp(v.status, "expired") &&
            strcmp(v.status, "active") && strcmp(v.status, "revoked"))
            abort();
        json_t *list = json_pack("{s:s, s:{s:s, s:s}}", "id", v.status_list, "credentialSubject",
                                 "statusPurpose", "revocation", "encodedList", text);
        if (list && badge_vc_apply_status(&v, list) == 0 && v.verified)
            abort();
        json_decref(list);
    }
    int bit = badge_status_bit(text, (int64_t)(size * 7919 % BADGE_STATUS_LIST_N));
    if (bit != 0 && bit != 1 && bit != -EINVAL && bit != -ENOMEM)
        abort();
    free(text);
    return 0;
}

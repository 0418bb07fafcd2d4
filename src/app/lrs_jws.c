/*
 * Signed statements (xAPI 1.0.3 4.4, 2.0.0 Part Two 2.6 "Signed
 * Statements"): the signature attachment is a JWS in compact serialisation
 * (RFC 7515). The LRS checks that its algorithm is RS256, RS384 or RS512,
 * that its payload is valid JSON equal to the statement as sent (without
 * the attachments and the properties the LRS sets), and, when the header
 * carries an X.509 certificate (x5c), that the signature verifies with the
 * certificate's public key. RSA needs OpenSSL's libcrypto (libsodium has
 * none).
 */
#include "base/common.h"

#include <sodium.h>
#include <stdio.h>

#include "app/jws.h"
#include "app/lrs_canon.h"
#include "app/lrs_jws.h"
#include "base/mem.h"

static json_t *stripped(json_t *st, json_t *payload)
{
    json_t *c = json_deep_copy(st);
    if (!c)
        return NULL;
    json_object_del(c, "attachments");
    json_object_del(c, "authority");
    json_object_del(c, "stored");
    json_object_del(c, "version");
    if (payload && !json_object_get(payload, "id"))
        json_object_del(c, "id");
    if (payload && !json_object_get(payload, "timestamp"))
        json_object_del(c, "timestamp");
    lrs_context_arrays(c);
    lrs_comparable_durations(c);
    return c;
}

static int verify_x5c(struct ctx *c, json_t *x5c, const char *alg, const char *signing_input,
                      size_t in_len, const unsigned char *sig, size_t sig_len)
{
    const char *der64 = json_string_value(json_array_get(x5c, 0));
    size_t n, der_len = 0;
    unsigned char *der;
    EVP_PKEY *key = NULL;
    int ok = 0;

    if (!der64)
        return ctx_fail(c, -EINVAL, "signature: x5c must be an array of base64 certificates");
    n = strlen(der64);
    der = mem_alloc(n + 1);
    if (!der)
        return ctx_fail(c, -ENOMEM, "out of memory");
    if (sodium_base642bin(der, n + 1, der64, n, NULL, &der_len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0) {
        mem_free(der);
        return ctx_fail(c, -EINVAL, "signature: x5c[0] is not base64");
    }
    if (jws_key_from_cert_der(der, der_len, &key) == 0 &&
        jws_verify(key, alg, signing_input, in_len, sig, sig_len) == 0)
        ok = 1;
    jws_key_free(key);
    mem_free(der);
    if (!ok)
        return ctx_fail(c, -EINVAL,
                        "signature: does not verify with the certificate in x5c (xAPI 2.6)");
    return 0;
}

int lrs_verify_signature(struct ctx *c, json_t *st, const void *jws, size_t len)
{
    struct jws_parts p = {0};
    json_t *payload = NULL, *mine = NULL;
    char why[160];
    int r;

    r = jws_parse(jws, len, &p, why, sizeof(why));
    if (r == -EINVAL)
        return ctx_fail(c, -EINVAL, "signature: %s (xAPI 2.6)", why);
    if (r < 0)
        return ctx_fail(c, r, "out of memory");
    const char *alg = json_string_value(json_object_get(p.header, "alg"));
    if (strcmp(alg, "RS256") && strcmp(alg, "RS384") && strcmp(alg, "RS512")) {
        r = ctx_fail(c, -EINVAL, "signature: alg %.20s is not RS256, RS384 or RS512 (xAPI 2.6)",
                     alg);
        goto out;
    }
    payload = json_loadb((const char *)p.payload, p.payload_len, 0, NULL);
    if (!json_is_object(payload)) {
        r = ctx_fail(c, -EINVAL,
                     "signature: the JWS payload is not a JSON serialisation of the statement "
                     "(xAPI 2.6)");
        goto out;
    }
    json_t *theirs = stripped(payload, payload);
    mine = stripped(st, payload);
    bool same = theirs && mine && json_equal(theirs, mine);
    json_decref(theirs);
    if (!same) {
        r = ctx_fail(c, -EINVAL,
                     "signature: the JWS payload differs from the statement (xAPI 2.6)");
        goto out;
    }
    json_t *x5c = json_object_get(p.header, "x5c");
    r = x5c ? verify_x5c(c, x5c, alg, jws, p.signing_len, p.sig, p.sig_len) : 0;
out:
    json_decref(payload);
    json_decref(mine);
    jws_parts_release(&p);
    return r;
}

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

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <sodium.h>
#include <stdio.h>

#include "app/lrs_canon.h"
#include "app/lrs_jws.h"
#include "base/mem.h"

/* base64 (url-safe without padding, or standard) into a malloc'ed buffer. */
static unsigned char *b64(const char *p, size_t n, int variant, size_t *ret_len)
{
    unsigned char *out = mem_alloc(n + 1);
    size_t len = 0;
    if (!out)
        return NULL;
    if (sodium_base642bin(out, n + 1, p, n, NULL, &len, NULL, variant) != 0) {
        mem_free(out);
        return NULL;
    }
    out[len] = '\0';
    *ret_len = len;
    return out;
}

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
    const EVP_MD *md = !strcmp(alg, "RS256")   ? EVP_sha256()
                       : !strcmp(alg, "RS384") ? EVP_sha384()
                                               : EVP_sha512();
    size_t der_len = 0;
    unsigned char *der;
    int ok = 0;

    if (!der64)
        return ctx_fail(c, -EINVAL, "signature: x5c must be an array of base64 certificates");
    der = b64(der64, strlen(der64), sodium_base64_VARIANT_ORIGINAL, &der_len);
    if (!der)
        return ctx_fail(c, -EINVAL, "signature: x5c[0] is not base64");
    const unsigned char *p = der;
    X509 *cert = d2i_X509(NULL, &p, (long)der_len);
    EVP_PKEY *key = cert ? X509_get_pubkey(cert) : NULL;
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    if (key && mctx && EVP_DigestVerifyInit(mctx, NULL, md, NULL, key) == 1 &&
        EVP_DigestVerify(mctx, sig, sig_len, (const unsigned char *)signing_input, in_len) == 1)
        ok = 1;
    EVP_MD_CTX_free(mctx);
    EVP_PKEY_free(key);
    X509_free(cert);
    mem_free(der);
    if (!ok)
        return ctx_fail(c, -EINVAL,
                        "signature: does not verify with the certificate in x5c (xAPI 2.6)");
    return 0;
}

int lrs_verify_signature(struct ctx *c, json_t *st, const void *jws, size_t len)
{
    const char *s = jws, *d1 = memchr(s, '.', len), *d2;
    unsigned char *hdr = NULL, *pay = NULL, *sig = NULL;
    size_t hl = 0, pl = 0, sl = 0;
    json_t *h = NULL, *payload = NULL, *mine = NULL;
    int r = -EINVAL;

    d2 = d1 ? memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - s)) : NULL;
    if (!d1 || !d2 || memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - s)))
        return ctx_fail(c, -EINVAL,
                        "signature: not a JWS in compact serialisation (RFC 7515; xAPI 2.6)");
    hdr = b64(s, (size_t)(d1 - s), sodium_base64_VARIANT_URLSAFE_NO_PADDING, &hl);
    pay = b64(d1 + 1, (size_t)(d2 - d1 - 1), sodium_base64_VARIANT_URLSAFE_NO_PADDING, &pl);
    sig = b64(d2 + 1, len - (size_t)(d2 + 1 - s), sodium_base64_VARIANT_URLSAFE_NO_PADDING, &sl);
    if (!hdr || !pay || !sig) {
        r = ctx_fail(c, -EINVAL, "signature: a JWS part is not base64url (RFC 7515)");
        goto out;
    }
    h = json_loadb((const char *)hdr, hl, 0, NULL);
    const char *alg = json_string_value(json_object_get(h, "alg"));
    if (!h || !alg) {
        r = ctx_fail(c, -EINVAL, "signature: the JWS header is not JSON with an alg");
        goto out;
    }
    if (strcmp(alg, "RS256") && strcmp(alg, "RS384") && strcmp(alg, "RS512")) {
        r = ctx_fail(c, -EINVAL, "signature: alg %.20s is not RS256, RS384 or RS512 (xAPI 2.6)",
                     alg);
        goto out;
    }
    payload = json_loadb((const char *)pay, pl, 0, NULL);
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
    json_t *x5c = json_object_get(h, "x5c");
    r = x5c ? verify_x5c(c, x5c, alg, s, (size_t)(d2 - s), sig, sl) : 0;
out:
    json_decref(h);
    json_decref(payload);
    json_decref(mine);
    mem_free(hdr);
    mem_free(pay);
    mem_free(sig);
    return r;
}

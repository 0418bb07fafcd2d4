/*
 * JWS compact serialisation and JWKs over libcrypto: see jws.h.
 *
 * base64url is RFC 4648 section 5 without padding (RFC 7515 section 2). The
 * signing input is ASCII(BASE64URL(header) || '.' || BASE64URL(payload))
 * (RFC 7515 section 5.1). RS* are RSASSA-PKCS1-v1_5 with SHA-2 (RFC 7518
 * section 3.3); EdDSA is pure Ed25519 (RFC 8037 section 3.1).
 */
#include "base/common.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdio.h>

#include "app/jws.h"
#include "base/hex.h"
#include "base/mem.h"
#include "base/str.h"

static unsigned char *b64url(const char *p, size_t n, size_t *ret_len)
{
    unsigned char *out = mem_alloc(n / 4 * 3 + 4);
    long len;
    if (!out)
        return NULL;
    len = base64_decode((struct str){p, n}, true, out);
    if (len < 0) {
        mem_free(out);
        return NULL;
    }
    out[len] = '\0';
    *ret_len = (size_t)len;
    return out;
}

void jws_parts_release(struct jws_parts *p)
{
    if (!p)
        return;
    json_decref(p->header);
    mem_free(p->payload);
    mem_free(p->sig);
    memset(p, 0, sizeof(*p));
}

int jws_parse(const char *s, size_t len, struct jws_parts *ret, char *err, size_t errlen)
{
    const char *d1 = memchr(s, '.', len), *d2;
    struct jws_parts p = {0};
    size_t hl = 0;
    unsigned char *hdr = NULL;

    d2 = d1 ? memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - s)) : NULL;
    if (!d1 || !d2 || memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - s))) {
        snprintf(err, errlen, "not a JWS in compact serialisation (RFC 7515 section 7.1)");
        return -EINVAL;
    }
    hdr = b64url(s, (size_t)(d1 - s), &hl);
    p.payload = b64url(d1 + 1, (size_t)(d2 - d1 - 1), &p.payload_len);
    p.sig = b64url(d2 + 1, len - (size_t)(d2 + 1 - s), &p.sig_len);
    if (!hdr || !p.payload || !p.sig) {
        snprintf(err, errlen, "a JWS part is not base64url (RFC 7515 section 2)");
        goto fail;
    }
    p.header = json_loadb((const char *)hdr, hl, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(p.header) || !json_is_string(json_object_get(p.header, "alg"))) {
        snprintf(err, errlen, "the JWS header is not a JSON object with an alg (RFC 7515 4.1.1)");
        goto fail;
    }
    p.signing_len = (size_t)(d2 - s);
    mem_free(hdr);
    *ret = p;
    return 0;
fail:
    mem_free(hdr);
    jws_parts_release(&p);
    return -EINVAL;
}

static const EVP_MD *md_of(const char *alg, bool *ret_eddsa)
{
    *ret_eddsa = false;
    if (!strcmp(alg, "RS256"))
        return EVP_sha256();
    if (!strcmp(alg, "RS384"))
        return EVP_sha384();
    if (!strcmp(alg, "RS512"))
        return EVP_sha512();
    if (!strcmp(alg, "EdDSA"))
        *ret_eddsa = true;
    return NULL;
}

/* Is key of the kind alg needs? */
static bool key_fits(EVP_PKEY *key, bool eddsa)
{
    return eddsa ? EVP_PKEY_is_a(key, "ED25519") : EVP_PKEY_is_a(key, "RSA");
}

int jws_verify(EVP_PKEY *key, const char *alg, const void *in, size_t in_len,
               const unsigned char *sig, size_t sig_len)
{
    bool eddsa;
    const EVP_MD *md = md_of(alg, &eddsa);
    EVP_MD_CTX *m;
    int r = -EBADMSG;

    if ((!md && !eddsa) || !key || !key_fits(key, eddsa))
        return -ENOTSUP;
    m = EVP_MD_CTX_new();
    if (!m)
        return -ENOMEM;
    if (EVP_DigestVerifyInit(m, NULL, md, NULL, key) == 1 &&
        EVP_DigestVerify(m, sig, sig_len, in, in_len) == 1)
        r = 0;
    EVP_MD_CTX_free(m);
    return r;
}

static int append_b64url(struct buf *out, const void *p, size_t n)
{
    char *t = mem_alloc((4 * n + 2) / 3 + 1);
    int r;
    if (!t)
        return -ENOMEM;
    base64url_encode(p, n, t);
    r = buf_appends(out, t);
    mem_free(t);
    return r;
}

int jws_sign(EVP_PKEY *key, const char *alg, json_t *header, const void *payload, size_t n,
             struct buf *out)
{
    bool eddsa;
    const EVP_MD *md = md_of(alg, &eddsa);
    size_t start = out->len, siglen = 0;
    unsigned char *sig = NULL;
    char *h = NULL;
    EVP_MD_CTX *m = NULL;
    int r;

    if ((!md && !eddsa) || !key || !key_fits(key, eddsa))
        return -ENOTSUP;
    h = json_dumps(header, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (!h)
        return -ENOMEM;
    r = append_b64url(out, h, strlen(h));
    if (r == 0)
        r = buf_putc(out, '.');
    if (r == 0)
        r = append_b64url(out, payload, n);
    if (r < 0)
        goto out;
    r = -ENOMEM;
    m = EVP_MD_CTX_new();
    if (!m || EVP_DigestSignInit(m, NULL, md, NULL, key) != 1 ||
        EVP_DigestSign(m, NULL, &siglen, (const unsigned char *)out->data + start,
                       out->len - start) != 1)
        goto out;
    sig = mem_alloc(siglen);
    if (!sig || EVP_DigestSign(m, sig, &siglen, (const unsigned char *)out->data + start,
                               out->len - start) != 1)
        goto out;
    r = buf_putc(out, '.');
    if (r == 0)
        r = append_b64url(out, sig, siglen);
out:
    if (r < 0)
        buf_truncate(out, start);
    EVP_MD_CTX_free(m);
    mem_free(sig);
    free(h);
    return r;
}

static int set_b64url(json_t *o, const char *name, const unsigned char *p, size_t n)
{
    char *t = mem_alloc((4 * n + 2) / 3 + 1);
    int r;
    if (!t)
        return -ENOMEM;
    base64url_encode(p, n, t);
    r = json_object_set_new(o, name, json_string(t)) < 0 ? -ENOMEM : 0;
    mem_free(t);
    return r;
}

static int bn_member(EVP_PKEY *key, const char *param, json_t *o, const char *name)
{
    BIGNUM *bn = NULL;
    unsigned char *bin = NULL;
    int r = -ENOMEM;
    if (EVP_PKEY_get_bn_param(key, param, &bn) != 1)
        return -ENOTSUP;
    bin = mem_alloc((size_t)BN_num_bytes(bn) + 1);
    if (bin) {
        int n = BN_bn2bin(bn, bin);
        r = set_b64url(o, name, bin, (size_t)n);
    }
    mem_free(bin);
    BN_free(bn);
    return r;
}

int jws_public_jwk(EVP_PKEY *key, json_t **ret_jwk, char kid[44])
{
    json_t *jwk = json_object();
    char *canon = NULL;
    unsigned char digest[32];
    unsigned int dlen = 0;
    int r = -ENOMEM;

    if (!jwk)
        return -ENOMEM;
    if (EVP_PKEY_is_a(key, "RSA")) {
        /* RFC 7638 section 3.2: the required members in lexicographic order */
        r = bn_member(key, OSSL_PKEY_PARAM_RSA_E, jwk, "e");
        if (r == 0)
            r = json_object_set_new(jwk, "kty", json_string("RSA")) < 0 ? -ENOMEM : 0;
        if (r == 0)
            r = bn_member(key, OSSL_PKEY_PARAM_RSA_N, jwk, "n");
    } else if (EVP_PKEY_is_a(key, "ED25519")) {
        unsigned char x[32];
        size_t xl = sizeof(x);
        if (EVP_PKEY_get_raw_public_key(key, x, &xl) != 1) {
            r = -ENOTSUP;
            goto out;
        }
        r = json_object_set_new(jwk, "crv", json_string("Ed25519")) < 0 ? -ENOMEM : 0;
        if (r == 0)
            r = json_object_set_new(jwk, "kty", json_string("OKP")) < 0 ? -ENOMEM : 0;
        if (r == 0)
            r = set_b64url(jwk, "x", x, xl);
    } else {
        r = -ENOTSUP;
    }
    if (r < 0)
        goto out;
    canon = json_dumps(jwk, JSON_COMPACT | JSON_SORT_KEYS);
    if (!canon || EVP_Digest(canon, strlen(canon), digest, &dlen, EVP_sha256(), NULL) != 1) {
        r = -ENOMEM;
        goto out;
    }
    base64url_encode(digest, dlen, kid);
    *ret_jwk = jwk;
    jwk = NULL;
    r = 0;
out:
    free(canon);
    json_decref(jwk);
    return r;
}

/* A base64url member of a JWK, decoded (at most max bytes). */
static unsigned char *member(json_t *jwk, const char *name, size_t max, size_t *ret_len)
{
    const char *v = json_string_value(json_object_get(jwk, name));
    size_t n = 0;
    unsigned char *out;
    if (!v || strlen(v) > max / 3 * 4 + 4)
        return NULL;
    out = b64url(v, strlen(v), &n);
    if (out && n == 0) {
        mem_free(out);
        return NULL;
    }
    *ret_len = n;
    return out;
}

int jws_key_from_jwk(json_t *jwk, EVP_PKEY **ret_key)
{
    const char *kty = json_string_value(json_object_get(jwk, "kty"));
    EVP_PKEY *key = NULL;
    int r = -EINVAL;

    if (!kty)
        return -EINVAL;
    if (!strcmp(kty, "RSA")) {
        size_t nl = 0, el = 0;
        unsigned char *n = member(jwk, "n", 2048, &nl), *e = member(jwk, "e", 16, &el);
        BIGNUM *bn = n ? BN_bin2bn(n, (int)nl, NULL) : NULL;
        BIGNUM *be = e ? BN_bin2bn(e, (int)el, NULL) : NULL;
        OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
        OSSL_PARAM *params = NULL;
        EVP_PKEY_CTX *pc = NULL;
        if (bn && be && bld && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) == 1 &&
            OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) == 1 &&
            (params = OSSL_PARAM_BLD_to_param(bld)) != NULL &&
            (pc = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) != NULL &&
            EVP_PKEY_fromdata_init(pc) == 1 &&
            EVP_PKEY_fromdata(pc, &key, EVP_PKEY_PUBLIC_KEY, params) == 1)
            r = 0;
        EVP_PKEY_CTX_free(pc);
        OSSL_PARAM_free(params);
        OSSL_PARAM_BLD_free(bld);
        BN_free(bn);
        BN_free(be);
        mem_free(n);
        mem_free(e);
    } else if (!strcmp(kty, "OKP")) {
        const char *crv = json_string_value(json_object_get(jwk, "crv"));
        size_t xl = 0;
        unsigned char *x = crv && !strcmp(crv, "Ed25519") ? member(jwk, "x", 32, &xl) : NULL;
        if (x && xl == 32) {
            key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, x, xl);
            r = key ? 0 : -EINVAL;
        }
        mem_free(x);
    }
    if (r == 0)
        *ret_key = key;
    return r;
}

int jws_key_generate(unsigned bits, EVP_PKEY **ret_key)
{
    EVP_PKEY *key = NULL;
    if (bits && bits < 2048)
        return -EINVAL;
    key = bits ? EVP_RSA_gen(bits) : EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    if (!key)
        return -ENOMEM;
    *ret_key = key;
    return 0;
}

int jws_key_to_der(EVP_PKEY *key, struct buf *out)
{
    unsigned char *der = NULL;
    int n = i2d_PrivateKey(key, &der), r;
    if (n <= 0)
        return -ENOMEM;
    buf_reset(out);
    r = buf_append(out, der, (size_t)n);
    OPENSSL_clear_free(der, (size_t)n);
    return r;
}

int jws_key_from_der(const void *der, size_t n, EVP_PKEY **ret_key)
{
    const unsigned char *p = der;
    EVP_PKEY *key = d2i_AutoPrivateKey(NULL, &p, (long)n);
    if (!key)
        return -EINVAL;
    *ret_key = key;
    return 0;
}

int jws_key_from_cert_der(const void *der, size_t n, EVP_PKEY **ret_key)
{
    const unsigned char *p = der;
    X509 *cert = d2i_X509(NULL, &p, (long)n);
    EVP_PKEY *key = cert ? X509_get_pubkey(cert) : NULL;
    X509_free(cert);
    if (!key)
        return -EINVAL;
    *ret_key = key;
    return 0;
}

void jws_key_free(EVP_PKEY *key)
{
    EVP_PKEY_free(key);
}

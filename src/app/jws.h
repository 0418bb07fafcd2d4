/*
 * JSON Web Signature (RFC 7515) in compact serialisation, and the JSON Web
 * Keys (RFC 7517/7518) that verify it, over OpenSSL's libcrypto: the one
 * place that signs and checks JWS for the LRS's signed statements
 * (lrs_jws.c) and for the micro-credentials (badge_vc.c). Algorithms:
 * RS256/RS384/RS512 (RSASSA-PKCS1-v1_5, RFC 7518 3.3) and EdDSA with
 * Ed25519 (RFC 8037). No I/O, no globals: reentrant.
 */
#ifndef TRELLIS_APP_JWS_H
#define TRELLIS_APP_JWS_H

#include <jansson.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/common.h"

typedef struct evp_pkey_st EVP_PKEY;

/* A parsed compact JWS: every field belongs to it; jws_parts_release() frees them. */
struct jws_parts {
    json_t *header;         /* the protected header (a JSON object) */
    unsigned char *payload; /* decoded, NUL-terminated */
    size_t payload_len;
    unsigned char *sig;
    size_t sig_len;
    size_t signing_len; /* the signing input is the first signing_len bytes of the text */
};

/*
 * Split and decode a compact JWS (three base64url parts, a header that is a
 * JSON object with an alg). 0, or -EINVAL with the rule in err; -ENOMEM.
 */
int jws_parse(const char *text, size_t len, struct jws_parts *ret, char *err, size_t errlen);
void jws_parts_release(struct jws_parts *p);

/*
 * Does sig verify over in with key under alg ("RS256", "RS384", "RS512",
 * "EdDSA")? 0, -EBADMSG (it does not), -ENOTSUP (alg unknown or not this
 * key's kind), -ENOMEM. key is borrowed.
 */
int jws_verify(EVP_PKEY *key, const char *alg, const void *in, size_t in_len,
               const unsigned char *sig, size_t sig_len);

/*
 * Sign: append the compact JWS of header (a JSON object: serialised
 * compactly, keys in insertion order) and payload (bytes as given) to out.
 * 0, -ENOTSUP, -ENOMEM, -E2BIG.
 */
int jws_sign(EVP_PKEY *key, const char *alg, json_t *header, const void *payload, size_t n,
             struct buf *out);

/*
 * The public JWK of key ({"kty":"RSA","n","e"} or {"kty":"OKP","crv":"Ed25519","x"}) and
 * its RFC 7638 thumbprint (base64url of SHA-256, 43 characters) in kid (44 bytes). A new
 * reference in *ret_jwk (kid, alg and use are not set). 0, -ENOTSUP, -ENOMEM.
 */
int jws_public_jwk(EVP_PKEY *key, json_t **ret_jwk, char kid[44]);

/* The public key a JWK describes (RSA or Ed25519; private members are ignored): 0, -EINVAL. */
int jws_key_from_jwk(json_t *jwk, EVP_PKEY **ret_key);

/* A new RSA key of bits bits (2048 or more) or, with bits 0, an Ed25519 key. */
int jws_key_generate(unsigned bits, EVP_PKEY **ret_key);
/* The private key as PKCS#8 DER (into out, replacing it) and back. */
int jws_key_to_der(EVP_PKEY *key, struct buf *out);
int jws_key_from_der(const void *der, size_t n, EVP_PKEY **ret_key);
/* The key from an X.509 certificate in DER. */
int jws_key_from_cert_der(const void *der, size_t n, EVP_PKEY **ret_key);
void jws_key_free(EVP_PKEY *key);

#endif

/*
 * app/jws and app/badge_vc: Open Badges 3.0 credentials as VC-JWTs.
 * Encoding (RFC 7638 thumbprints, base64url JWS parts, the OB 3.0 8.2.4
 * claims), signing and verifying, and the refusals: a changed byte, a key
 * not in the issuer's JWKS, a jwk header that is not the issuer's, an
 * expired credential (VC 2.0 4.9 validUntil), an unsupported alg; the
 * Bitstring Status List's encodedList (section 3.2) round trip.
 */
#include "test.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>

#include "app/badge_png.h"
#include "app/badge_vc.h"
#include "app/jws.h"
#include "base/hex.h"
#include "base/str.h"

#define NOW_MS 1796640000000LL /* 2026-12-07 */
#define DAY_MS 86400000LL

static EVP_PKEY *rsa_key, *other_key, *ed_key;

static int setup(void **state)
{
    (void)state;
    if (jws_key_generate(2048, &rsa_key) < 0 || jws_key_generate(2048, &other_key) < 0 ||
        jws_key_generate(0, &ed_key) < 0)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    jws_key_free(rsa_key);
    jws_key_free(other_key);
    jws_key_free(ed_key);
    return 0;
}

/* A JWKS holding key's public JWK under its thumbprint. */
static json_t *jwks_of(EVP_PKEY *key, char kid[44])
{
    json_t *jwk = NULL;
    assert_int_equal(jws_public_jwk(key, &jwk, kid), 0);
    json_object_set_new(jwk, "kid", json_string(kid));
    return json_pack("{s:[o]}", "keys", jwk);
}

static void make(EVP_PKEY *key, int64_t until_ms, struct buf *out, char kid[44])
{
    struct badge_vc_in in = {
        .id = "urn:uuid:6f1e0f6a-3f0e-4b58-9d3a-3b1d2c4e5f60",
        .issuer_id = "https://trellis.example.org/badges/d/1/issuer",
        .issuer_name = "Lakeside Unified",
        .achievement_id = "https://trellis.example.org/badges/d/1/achievements/heatmap",
        .achievement_name = "Small groups from the heat map",
        .achievement_description = "Plans small-group instruction from class mastery data",
        .criteria = "Uses mastery data to form and re-form small groups",
        .recipient_id = "https://trellis.example.org/badges/d/1/holders/7",
        .recipient_name = "Rafael Bianchi",
        .valid_from_ms = NOW_MS - DAY_MS,
        .valid_until_ms = until_ms,
        .status_list = "https://trellis.example.org/badges/d/1/status",
        .status_index = 42,
    };
    json_t *cred = NULL;
    json_t *pub = NULL;
    assert_int_equal(badge_vc_credential(&in, &cred), 0);
    assert_int_equal(jws_public_jwk(key, &pub, kid), 0);
    json_decref(pub);
    assert_int_equal(badge_vc_sign(key, kid, cred, out), 0);
    json_decref(cred);
}

/* RFC 7638 section 3.1: the example key's thumbprint */
static void test_jwk_thumbprint_rfc7638(void **state)
{
    (void)state;
    json_t *jwk = json_pack(
        "{s:s, s:s, s:s, s:s}", "kty", "RSA", "n",
        "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_"
        "BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_"
        "FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-"
        "bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
        "e", "AQAB", "alg", "RS256");
    EVP_PKEY *k = NULL;
    json_t *pub = NULL;
    char kid[44];
    assert_int_equal(jws_key_from_jwk(jwk, &k), 0);
    assert_int_equal(jws_public_jwk(k, &pub, kid), 0);
    assert_string_equal(kid, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
    /* the round trip keeps n and e exactly */
    assert_string_equal(json_string_value(json_object_get(pub, "n")),
                        json_string_value(json_object_get(jwk, "n")));
    json_decref(pub);
    json_decref(jwk);
    jws_key_free(k);
}

/* OB 3.0 8.2.4: header alg/typ/kid; payload = the credential with iss, jti, sub, nbf, exp */
static void test_encoding(void **state)
{
    (void)state;
    struct buf jwt = BUF_INIT(64 * 1024);
    struct jws_parts p;
    char kid[44], err[160];
    make(rsa_key, NOW_MS + 30 * DAY_MS, &jwt, kid);
    assert_int_equal(jws_parse(jwt.data, jwt.len, &p, err, sizeof(err)), 0);
    assert_string_equal(json_string_value(json_object_get(p.header, "alg")), "RS256");
    assert_string_equal(json_string_value(json_object_get(p.header, "typ")), "JWT");
    assert_string_equal(json_string_value(json_object_get(p.header, "kid")), kid);
    assert_null(strchr(jwt.data, '=')); /* base64url without padding (RFC 7515 2) */
    json_t *pl = json_loadb((const char *)p.payload, p.payload_len, 0, NULL);
    assert_non_null(pl);
    assert_string_equal(json_string_value(json_object_get(pl, "iss")),
                        "https://trellis.example.org/badges/d/1/issuer");
    assert_string_equal(json_string_value(json_object_get(pl, "jti")),
                        "urn:uuid:6f1e0f6a-3f0e-4b58-9d3a-3b1d2c4e5f60");
    assert_string_equal(json_string_value(json_object_get(pl, "sub")),
                        "https://trellis.example.org/badges/d/1/holders/7");
    assert_int_equal(json_integer_value(json_object_get(pl, "nbf")), (NOW_MS - DAY_MS) / 1000);
    assert_int_equal(json_integer_value(json_object_get(pl, "exp")), (NOW_MS + 30 * DAY_MS) / 1000);
    /* VC 2.0 4.1 contexts, OB 3.0 8.1 types, Bitstring Status List 2.1 entry */
    assert_string_equal(json_string_value(json_array_get(json_object_get(pl, "@context"), 0)),
                        BADGE_VC_CONTEXT);
    assert_string_equal(json_string_value(json_array_get(json_object_get(pl, "type"), 1)),
                        "OpenBadgeCredential");
    json_t *st = json_object_get(pl, "credentialStatus");
    assert_string_equal(json_string_value(json_object_get(st, "type")), "BitstringStatusListEntry");
    assert_string_equal(json_string_value(json_object_get(st, "statusListIndex")), "42");
    json_decref(pl);
    jws_parts_release(&p);
    buf_release(&jwt);
}

static void test_verifies(void **state)
{
    (void)state;
    struct buf jwt = BUF_INIT(64 * 1024);
    struct badge_verdict v;
    char kid[44];
    make(rsa_key, 0, &jwt, kid);
    json_t *jwks = jwks_of(rsa_key, kid);
    assert_int_equal(badge_vc_verify(jwt.data, jwt.len, jwks, NOW_MS, &v), 0);
    assert_true(v.verified);
    assert_string_equal(v.issuer, "https://trellis.example.org/badges/d/1/issuer");
    assert_string_equal(v.achievement, "Small groups from the heat map");
    assert_int_equal(v.status_index, 42);
    assert_string_equal(v.status_list, "https://trellis.example.org/badges/d/1/status");
    json_decref(jwks);
    buf_release(&jwt);
}

static void test_eddsa_verifies(void **state)
{
    (void)state;
    struct buf jwt = BUF_INIT(64 * 1024);
    struct badge_verdict v;
    char kid[44];
    make(ed_key, 0, &jwt, kid);
    json_t *jwks = jwks_of(ed_key, kid);
    assert_int_equal(badge_vc_verify(jwt.data, jwt.len, jwks, NOW_MS, &v), 0);
    assert_true(v.verified);
    json_decref(jwks);
    buf_release(&jwt);
}

/* Every byte of the payload and the signature matters: flip one bit of each in turn. */
static void test_changed_byte_fails(void **state)
{
    (void)state;
    struct buf jwt = BUF_INIT(64 * 1024);
    struct badge_verdict v;
    char kid[44];
    make(rsa_key, 0, &jwt, kid);
    json_t *jwks = jwks_of(rsa_key, kid);
    char *copy = strdup(jwt.data);
    size_t tried = 0;
    for (size_t i = 0; i < jwt.len; i += 7) {
        char was = copy[i];
        if (was == '.')
            continue;
        /* another base64url character (so the part still decodes where it can) */
        copy[i] = was == 'A' ? 'B' : 'A';
        assert_int_equal(badge_vc_verify(copy, jwt.len, jwks, NOW_MS, &v), 0);
        if (v.verified)
            fail_msg("changed byte %zu ('%c' -> '%c') still verifies", i, was, copy[i]);
        copy[i] = was;
        tried++;
    }
    assert_true(tried > 100);
    assert_int_equal(badge_vc_verify(copy, jwt.len, jwks, NOW_MS, &v), 0);
    assert_true(v.verified);
    free(copy);
    json_decref(jwks);
    buf_release(&jwt);
}

static void test_wrong_key_fails(void **state)
{
    (void)state;
    struct buf jwt = BUF_INIT(64 * 1024);
    struct badge_verdict v;
    char kid[44], other_kid[44];
    make(rsa_key, 0, &jwt, kid);
    /* another key under the same kid: the signature does not verify */
    json_t *jwks = jwks_of(other_key, other_kid);
    json_object_set_new(json_array_get(json_object_get(jwks, "keys"), 0), "kid", json_string(kid));
    assert_int_equal(badge_vc_verify(jwt.data, jwt.len, jwks, NOW_MS, &v), 0);
    assert_false(v.verified);
    assert_non_null(strstr(v.reason, "signature"));
    json_decref(jwks);
    /* a key set without the signer's kid */
    jwks = jwks_of(other_key, other_kid);
    assert_int_equal(badge_vc_verify(jwt.data, jwt.len, jwks, NOW_MS, &v), 0);
    assert_false(v.verified);
    assert_non_null(strstr(v.reason, "kid"));
    json_decref(jwks);
    buf_release(&jwt);
}

/* A token that carries its own jwk is not trusted for it (OB 3.0 8.2.4.1: the issuer's keys). */
static void test_embedded_jwk_not_trusted(void **state)
{
    (void)state;
    struct buf jwt = BUF_INIT(64 * 1024);
    struct badge_verdict v;
    json_t *pub = NULL;
    char kid[44], other_kid[44];
    assert_int_equal(jws_public_jwk(other_key, &pub, kid), 0);
    json_t *hdr = json_pack("{s:s, s:s, s:o}", "alg", "RS256", "typ", "JWT", "jwk", pub);
    const char *payload = "{\"iss\":\"https://evil.example\"}";
    assert_int_equal(jws_sign(other_key, "RS256", hdr, payload, strlen(payload), &jwt), 0);
    json_t *jwks = jwks_of(rsa_key, other_kid);
    assert_int_equal(badge_vc_verify(jwt.data, jwt.len, jwks, NOW_MS, &v), 0);
    assert_false(v.verified);
    json_decref(jwks);
    json_decref(hdr);
    buf_release(&jwt);
}

static void test_expired_fails(void **state)
{
    (void)state;
    struct buf jwt = BUF_INIT(64 * 1024);
    struct badge_verdict v;
    char kid[44];
    make(rsa_key, NOW_MS + DAY_MS, &jwt, kid);
    json_t *jwks = jwks_of(rsa_key, kid);
    assert_int_equal(badge_vc_verify(jwt.data, jwt.len, jwks, NOW_MS, &v), 0);
    assert_true(v.verified);
    assert_int_equal(badge_vc_verify(jwt.data, jwt.len, jwks, NOW_MS + 2 * DAY_MS, &v), 0);
    assert_false(v.verified);
    assert_string_equal(v.status, "expired");
    /* not valid yet */
    assert_int_equal(badge_vc_verify(jwt.data, jwt.len, jwks, NOW_MS - 2 * DAY_MS, &v), 0);
    assert_false(v.verified);
    json_decref(jwks);
    buf_release(&jwt);
}

static void test_alg_none_refused(void **state)
{
    (void)state;
    struct buf jwt = BUF_INIT(64 * 1024);
    struct badge_verdict v;
    char kid[44];
    make(rsa_key, 0, &jwt, kid);
    json_t *jwks = jwks_of(rsa_key, kid);
    /* swap the header for {"alg":"none","kid":...} and drop the signature */
    char hdr[200], b64[300], text[70000];
    snprintf(hdr, sizeof(hdr), "{\"alg\":\"none\",\"kid\":\"%s\"}", kid);
    base64url_encode(hdr, strlen(hdr), b64);
    const char *dot = strchr(jwt.data, '.'), *dot2 = strrchr(jwt.data, '.');
    snprintf(text, sizeof(text), "%s%.*s.", b64, (int)(dot2 - dot), dot);
    assert_int_equal(badge_vc_verify(text, strlen(text), jwks, NOW_MS, &v), 0);
    assert_false(v.verified);
    json_decref(jwks);
    buf_release(&jwt);
}

static void test_status_list(void **state)
{
    (void)state;
    int64_t set[] = {0, 7, 42, BADGE_STATUS_LIST_N - 1};
    char *enc = NULL;
    assert_int_equal(badge_status_encode(set, 4, &enc), 0);
    assert_int_equal(enc[0], 'u');
    assert_int_equal(badge_status_bit(enc, 0), 1);
    assert_int_equal(badge_status_bit(enc, 1), 0);
    assert_int_equal(badge_status_bit(enc, 7), 1);
    assert_int_equal(badge_status_bit(enc, 8), 0);
    assert_int_equal(badge_status_bit(enc, 42), 1);
    assert_int_equal(badge_status_bit(enc, BADGE_STATUS_LIST_N - 1), 1);
    assert_int_equal(badge_status_bit(enc, BADGE_STATUS_LIST_N), -EINVAL);
    assert_int_equal(badge_status_bit("x", 0), -EINVAL);
    free(enc);
    int64_t bad = -1;
    assert_int_equal(badge_status_encode(&bad, 1, &enc), -EINVAL);
}

/* Bitstring Status List 3.2 / VC 2.0 4.10: the credential's bit in its own list decides. */
static void test_apply_status(void **state)
{
    (void)state;
    struct buf jwt = BUF_INIT(64 * 1024);
    struct badge_verdict v;
    char kid[44], *enc = NULL;
    make(rsa_key, 0, &jwt, kid);
    json_t *jwks = jwks_of(rsa_key, kid);
    int64_t bits[2] = {41, 43};
    for (int revoked = 0; revoked < 2; revoked++) {
        if (revoked)
            bits[1] = 42;
        assert_int_equal(badge_status_encode(bits, 2, &enc), 0);
        json_t *list =
            json_pack("{s:s, s:{s:s, s:s}}", "id", "https://trellis.example.org/badges/d/1/status",
                      "credentialSubject", "statusPurpose", "revocation", "encodedList", enc);
        assert_int_equal(badge_vc_verify(jwt.data, jwt.len, jwks, NOW_MS, &v), 0);
        assert_true(v.verified);
        assert_int_equal(badge_vc_apply_status(&v, list), 0);
        assert_string_equal(v.status, revoked ? "revoked" : "active");
        assert_int_equal(v.verified, !revoked);
        /* another issuer's list decides nothing */
        json_object_set_new(list, "id", json_string("https://elsewhere.example/status"));
        assert_int_equal(badge_vc_verify(jwt.data, jwt.len, jwks, NOW_MS, &v), 0);
        assert_int_equal(badge_vc_apply_status(&v, list), 0);
        assert_string_equal(v.status, "unchecked");
        assert_non_null(strstr(v.reason, "not the credential's"));
        json_decref(list);
        free(enc);
    }
    json_decref(jwks);
    buf_release(&jwt);
}

/* OB 3.0 baking (PNG): the iTXt chunk round trip, and what a reader refuses. */
static void test_png_bake(void **state)
{
    (void)state;
    struct buf png = BUF_INIT(4 * 1024 * 1024), jwt = BUF_INIT(64 * 1024);
    char kid[44], *out = NULL;
    make(rsa_key, 0, &jwt, kid);
    assert_int_equal(badge_png_bake(jwt.data, &png), 0);
    assert_memory_equal(png.data, "\x89PNG\r\n\x1a\n", 8);
    assert_non_null(memmem(png.data, png.len, "iTXtopenbadgecredential", 23));
    assert_int_equal(badge_png_extract(png.data, png.len, &out), 0);
    assert_string_equal(out, jwt.data);
    free(out);
    /* a changed byte in the credential's chunk: its CRC no longer holds */
    char *at = memmem(png.data, png.len, "eyJ", 3);
    assert_non_null(at);
    at[10] ^= 1;
    assert_int_equal(badge_png_extract(png.data, png.len, &out), -EINVAL);
    at[10] ^= 1;
    /* cut short; not a PNG; a PNG without the chunk */
    assert_int_equal(badge_png_extract(png.data, png.len / 2, &out), -EINVAL);
    assert_int_equal(badge_png_extract(jwt.data, jwt.len, &out), -EINVAL);
    static const unsigned char bare[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0,    0,
                                         0,    0,   'I', 'E', 'N',  'D',  0xae, 0x42, 0x60, 0x82};
    assert_int_equal(badge_png_extract(bare, sizeof(bare), &out), -ENOENT);
    assert_int_equal(badge_png_bake("", &png), -EINVAL);
    buf_release(&png);
    buf_release(&jwt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jwk_thumbprint_rfc7638),
        cmocka_unit_test(test_encoding),
        cmocka_unit_test(test_verifies),
        cmocka_unit_test(test_eddsa_verifies),
        cmocka_unit_test(test_changed_byte_fails),
        cmocka_unit_test(test_wrong_key_fails),
        cmocka_unit_test(test_embedded_jwk_not_trusted),
        cmocka_unit_test(test_expired_fails),
        cmocka_unit_test(test_alg_none_refused),
        cmocka_unit_test(test_status_list),
        cmocka_unit_test(test_apply_status),
        cmocka_unit_test(test_png_bake),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

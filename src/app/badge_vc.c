/*
 * Open Badges 3.0 VC-JWTs: see badge_vc.h.
 *
 * The credential follows OB 3.0 section 8.1 (OpenBadgeCredential: the VC
 * 2.0 and OB 3.0 contexts, types VerifiableCredential and
 * OpenBadgeCredential, an issuer Profile, validFrom/validUntil, an
 * AchievementSubject with its Achievement) and VC Data Model 2.0 sections
 * 4.10 (status) and 4.11 (credentialSchema). The JWT (OB 3.0 section
 * 8.2.4) carries the credential's members at the top level with iss
 * (issuer.id), jti (id), sub (credentialSubject.id), nbf (validFrom) and exp
 * (validUntil); its header has alg, typ "JWT" and the kid of the signing key
 * in the issuer's JWKS. A verifier takes the key from the JWKS it trusts,
 * never from a jwk the token carries.
 */
#include "base/common.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <time.h>
#include <zlib.h>

#include "app/badge_vc.h"
#include "base/hex.h"
#include "base/mem.h"
#include "base/str.h"

/* 2026-12-07T10:30:00Z (XML Schema dateTimeStamp, VC 2.0 section 4.9) */
static void iso(int64_t ms, char out[32])
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Parse an ISO 8601 instant with Z or an offset (seconds: fractions ignored): 0, -EINVAL. */
static int parse_iso(const char *s, int64_t *ret_ms)
{
    int y, mo, d, h, mi, sec, n = 0;
    struct tm tm = {0};
    if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6)
        return -EINVAL;
    const char *p = s + n;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            ;
    long off = 0;
    if (*p == '+' || *p == '-') {
        int oh, om;
        if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2)
            return -EINVAL;
        off = (oh * 60L + om) * 60L * (*p == '-' ? -1 : 1);
    } else if (*p != 'Z') {
        return -EINVAL;
    }
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    *ret_ms = ((int64_t)timegm(&tm) - off) * 1000;
    return 0;
}

int badge_vc_credential(const struct badge_vc_in *in, json_t **ret)
{
    char from[32], until[32], idx[24];
    json_t *cred, *subject;

    if (!in->id || !in->issuer_id || !in->issuer_name || !in->achievement_id ||
        !in->achievement_name || !in->achievement_description || !in->criteria ||
        !in->recipient_id || !in->recipient_name || in->valid_from_ms <= 0)
        return -EINVAL;
    iso(in->valid_from_ms, from);
    subject =
        json_pack("{s:s, s:[s], s:[{s:s, s:s, s:s, s:b}], s:{s:s, s:[s], s:s, s:s, s:s, s:{s:s}}}",
                  "id", in->recipient_id, "type", "AchievementSubject", "identifier", "type",
                  "IdentityObject", "identityType", "name", "identityHash", in->recipient_name,
                  "hashed", 0, "achievement", "id", in->achievement_id, "type", "Achievement",
                  "achievementType", "MicroCredential", "name", in->achievement_name, "description",
                  in->achievement_description, "criteria", "narrative", in->criteria);
    if (!subject)
        return -ENOMEM;
    cred = json_pack("{s:[s,s], s:s, s:[s,s], s:{s:s, s:[s], s:s}, s:s, s:s, s:o, s:[{s:s, s:s}]}",
                     "@context", BADGE_VC_CONTEXT, BADGE_OB3_CONTEXT, "id", in->id, "type",
                     "VerifiableCredential", "OpenBadgeCredential", "issuer", "id", in->issuer_id,
                     "type", "Profile", "name", in->issuer_name, "validFrom", from, "name",
                     in->achievement_name, "credentialSubject", subject, "credentialSchema", "id",
                     BADGE_OB3_SCHEMA, "type", "1EdTechJsonSchemaValidator2019");
    if (!cred)
        return -ENOMEM;
    if (in->valid_until_ms > 0) {
        iso(in->valid_until_ms, until);
        if (json_object_set_new(cred, "validUntil", json_string(until)) < 0)
            goto nomem;
    }
    if (in->status_list) {
        /* Bitstring Status List section 2.1: BitstringStatusListEntry */
        snprintf(idx, sizeof(idx), "%lld", (long long)in->status_index);
        json_t *st = json_pack("{s:s++, s:s, s:s, s:s, s:s}", "id", in->status_list, "#", idx,
                               "type", "BitstringStatusListEntry", "statusPurpose", "revocation",
                               "statusListIndex", idx, "statusListCredential", in->status_list);
        if (!st || json_object_set_new(cred, "credentialStatus", st) < 0)
            goto nomem;
    }
    *ret = cred;
    return 0;
nomem:
    json_decref(cred);
    return -ENOMEM;
}

int badge_vc_sign(EVP_PKEY *key, const char *kid, json_t *cred, struct buf *out)
{
    json_t *payload = json_deep_copy(cred), *header = NULL;
    const char *alg = EVP_PKEY_is_a(key, "ED25519") ? "EdDSA" : "RS256";
    json_t *subject = json_object_get(cred, "credentialSubject");
    int64_t nbf = 0, exp = 0;
    char *text = NULL;
    int r = -ENOMEM;

    if (!payload)
        return -ENOMEM;
    if (parse_iso(json_string_value(json_object_get(cred, "validFrom")), &nbf) < 0 ||
        !json_string_value(json_object_get(json_object_get(cred, "issuer"), "id"))) {
        r = -EINVAL;
        goto out;
    }
    if (json_object_set_new(payload, "iss",
                            json_copy(json_object_get(json_object_get(cred, "issuer"), "id"))) <
            0 ||
        json_object_set_new(payload, "jti", json_copy(json_object_get(cred, "id"))) < 0 ||
        json_object_set_new(payload, "nbf", json_integer(nbf / 1000)) < 0)
        goto out;
    if (json_object_get(subject, "id") &&
        json_object_set_new(payload, "sub", json_copy(json_object_get(subject, "id"))) < 0)
        goto out;
    if (parse_iso(json_string_value(json_object_get(cred, "validUntil")), &exp) == 0 &&
        json_object_set_new(payload, "exp", json_integer(exp / 1000)) < 0)
        goto out;
    header = json_pack("{s:s, s:s, s:s}", "alg", alg, "typ", "JWT", "kid", kid);
    text = json_dumps(payload, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (!header || !text)
        goto out;
    r = jws_sign(key, alg, header, text, strlen(text), out);
out:
    free(text);
    json_decref(header);
    json_decref(payload);
    return r;
}

/* ---- verifying ---- */

static void copy(char *dst, size_t n, const char *s)
{
    snprintf(dst, n, "%s", s ? s : "");
}

static bool has_type(json_t *types, const char *t)
{
    size_t i;
    json_t *v;
    if (json_is_string(types))
        return !strcmp(json_string_value(types), t);
    json_array_foreach(types, i,
                       v) if (json_is_string(v) && !strcmp(json_string_value(v), t)) return true;
    return false;
}

static const char *issuer_id(json_t *cred)
{
    json_t *iss = json_object_get(cred, "issuer");
    return json_is_string(iss) ? json_string_value(iss)
                               : json_string_value(json_object_get(iss, "id"));
}

/* What every form shares: names, dates, the status entry. false: v->reason says why. */
static bool read_credential(json_t *cred, int64_t now_ms, struct badge_verdict *v)
{
    json_t *subject = json_object_get(cred, "credentialSubject");
    json_t *ach = json_object_get(subject, "achievement");
    json_t *status = json_object_get(cred, "credentialStatus");
    int64_t from = 0, until = 0;
    const char *s;

    copy(v->issuer, sizeof(v->issuer), issuer_id(cred));
    copy(v->achievement, sizeof(v->achievement), json_string_value(json_object_get(ach, "name")));
    copy(v->credential_id, sizeof(v->credential_id),
         json_string_value(json_object_get(cred, "id")));
    if (!has_type(json_object_get(cred, "type"), "VerifiableCredential") ||
        !(has_type(json_object_get(cred, "type"), "OpenBadgeCredential") ||
          has_type(json_object_get(cred, "type"), "AchievementCredential"))) {
        copy(v->reason, sizeof(v->reason),
             "type: not an OpenBadgeCredential (Open Badges 3.0 section 8.1)");
        return false;
    }
    if (!v->issuer[0] || !json_is_object(ach)) {
        copy(v->reason, sizeof(v->reason),
             "credential: issuer.id and credentialSubject.achievement are required (OB 3.0 8.1)");
        return false;
    }
    if (json_is_object(status)) {
        const char *list = json_string_value(json_object_get(status, "statusListCredential"));
        const char *idx = json_string_value(json_object_get(status, "statusListIndex"));
        const char *purpose = json_string_value(json_object_get(status, "statusPurpose"));
        char *end = NULL;
        long long i = idx ? strtoll(idx, &end, 10) : -1;
        if (has_type(json_object_get(status, "type"), "BitstringStatusListEntry") && list && idx &&
            end && !*end && i >= 0 && purpose && !strcmp(purpose, "revocation")) {
            copy(v->status_list, sizeof(v->status_list), list);
            v->status_index = i;
        }
    }
    s = json_string_value(json_object_get(cred, "validFrom"));
    if (!s)
        s = json_string_value(json_object_get(cred, "issuanceDate")); /* VC 1.1 */
    if (!s || parse_iso(s, &from) < 0) {
        copy(v->reason, sizeof(v->reason), "validFrom: missing or not a date-time (VC 2.0 4.9)");
        return false;
    }
    if (from > now_ms) {
        copy(v->reason, sizeof(v->reason), "validFrom: the credential is not valid yet");
        return false;
    }
    s = json_string_value(json_object_get(cred, "validUntil"));
    if (!s)
        s = json_string_value(json_object_get(cred, "expirationDate")); /* VC 1.1 */
    if (s && (parse_iso(s, &until) < 0 || until <= now_ms)) {
        copy(v->status, sizeof(v->status), "expired");
        copy(v->reason, sizeof(v->reason), "validUntil: the credential has expired (VC 2.0 4.9)");
        return false;
    }
    return true;
}

/* The key of jwks named kid (or, with no kid, the only key). NULL: none fits. */
static json_t *find_key(json_t *jwks, const char *kid)
{
    json_t *keys = json_object_get(jwks, "keys"), *k, *only = NULL;
    size_t i;
    json_array_foreach(keys, i, k)
    {
        const char *id = json_string_value(json_object_get(k, "kid"));
        if (kid && id && !strcmp(kid, id))
            return k;
        only = i == 0 ? k : NULL;
    }
    return kid ? NULL : only;
}

/* A jwk in the header is trusted only when it is one of jwks's keys (by thumbprint). */
static json_t *find_by_jwk(json_t *jwks, json_t *jwk)
{
    EVP_PKEY *a = NULL;
    json_t *pub = NULL, *keys = json_object_get(jwks, "keys"), *k, *found = NULL;
    char kid[44], kid2[44];
    size_t i;
    if (jws_key_from_jwk(jwk, &a) < 0 || jws_public_jwk(a, &pub, kid) < 0)
        goto out;
    json_array_foreach(keys, i, k)
    {
        EVP_PKEY *b = NULL;
        json_t *pb = NULL;
        if (jws_key_from_jwk(k, &b) == 0 && jws_public_jwk(b, &pb, kid2) == 0 && !strcmp(kid, kid2))
            found = k;
        json_decref(pb);
        jws_key_free(b);
        if (found)
            break;
    }
out:
    json_decref(pub);
    jws_key_free(a);
    return found;
}

static int verify_jwt(const char *text, size_t len, json_t *jwks, int64_t now_ms,
                      struct badge_verdict *v)
{
    struct jws_parts p = {0};
    json_t *payload = NULL, *cred, *key = NULL;
    EVP_PKEY *pk = NULL;
    char why[160];
    int r;

    r = jws_parse(text, len, &p, why, sizeof(why));
    if (r == -ENOMEM)
        return r;
    if (r < 0) {
        snprintf(v->reason, sizeof(v->reason), "jwt: %s", why);
        return 0;
    }
    const char *alg = json_string_value(json_object_get(p.header, "alg"));
    const char *kid = json_string_value(json_object_get(p.header, "kid"));
    payload = json_loadb((const char *)p.payload, p.payload_len, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(payload)) {
        copy(v->reason, sizeof(v->reason), "jwt: the payload is not a JSON object (RFC 7519 7.2)");
        goto out;
    }
    /* OB 3.0 8.2: the credential's members at the top level; VC 1.1 JWTs nest it in "vc" */
    cred =
        json_is_object(json_object_get(payload, "vc")) ? json_object_get(payload, "vc") : payload;
    bool readable = read_credential(cred, now_ms, v);
    if (strcmp(alg, "RS256") && strcmp(alg, "EdDSA")) {
        snprintf(v->reason, sizeof(v->reason), "alg: %.20s is not RS256 or EdDSA", alg);
        goto out;
    }
    key = kid ? find_key(jwks, kid) : NULL;
    if (!key && json_is_object(json_object_get(p.header, "jwk")))
        key = find_by_jwk(jwks, json_object_get(p.header, "jwk"));
    if (!key && !kid && !json_object_get(p.header, "jwk"))
        key = find_key(jwks, NULL);
    if (!key) {
        snprintf(v->reason, sizeof(v->reason),
                 "kid: no key of the issuer's key set signed this (kid '%.60s')", kid ? kid : "");
        goto out;
    }
    if (jws_key_from_jwk(key, &pk) < 0) {
        copy(v->reason, sizeof(v->reason), "jwks: the key is not an RSA or Ed25519 JWK");
        goto out;
    }
    r = jws_verify(pk, alg, text, p.signing_len, p.sig, p.sig_len);
    if (r == -ENOMEM)
        goto out;
    if (r < 0) {
        copy(v->reason, sizeof(v->reason),
             r == -ENOTSUP ? "alg: does not fit the key's type"
                           : "signature: does not verify (RFC 7515 5.2)");
        r = 0;
        goto out;
    }
    r = 0;
    if (!readable)
        goto out; /* the reason read_credential() gave */
    /* OB 3.0 8.2.4.1: the registered claims repeat the credential */
    const char *iss = json_string_value(json_object_get(payload, "iss"));
    const char *jti = json_string_value(json_object_get(payload, "jti"));
    const char *sub = json_string_value(json_object_get(payload, "sub"));
    const char *sid =
        json_string_value(json_object_get(json_object_get(cred, "credentialSubject"), "id"));
    json_t *nbf = json_object_get(payload, "nbf"), *exp = json_object_get(payload, "exp");
    if (!iss || strcmp(iss, v->issuer)) {
        copy(v->reason, sizeof(v->reason), "iss: does not name the credential's issuer.id");
        goto out;
    }
    if (jti && v->credential_id[0] && strcmp(jti, v->credential_id)) {
        copy(v->reason, sizeof(v->reason), "jti: does not name the credential's id");
        goto out;
    }
    if (sub && sid && strcmp(sub, sid)) {
        copy(v->reason, sizeof(v->reason), "sub: does not name credentialSubject.id");
        goto out;
    }
    if (json_is_integer(nbf) && json_integer_value(nbf) * 1000 > now_ms) {
        copy(v->reason, sizeof(v->reason), "nbf: the credential is not valid yet");
        goto out;
    }
    if (json_is_integer(exp) && json_integer_value(exp) * 1000 <= now_ms) {
        copy(v->status, sizeof(v->status), "expired");
        copy(v->reason, sizeof(v->reason), "exp: the credential has expired (RFC 7519 4.1.4)");
        goto out;
    }
    v->verified = true;
out:
    jws_key_free(pk);
    json_decref(payload);
    jws_parts_release(&p);
    return r == -ENOMEM ? r : 0;
}

int badge_vc_verify(const char *text, size_t len, json_t *jwks, int64_t now_ms,
                    struct badge_verdict *v)
{
    memset(v, 0, sizeof(*v));
    v->status_index = -1;
    copy(v->status, sizeof(v->status), "unchecked");
    while (len && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' '))
        len--;
    while (len && (*text == ' ' || *text == '\n')) {
        text++;
        len--;
    }
    if (len && *text == '{') {
        /* a credential with an embedded proof (Data Integrity, VC 2.0 section 4.12) */
        json_t *cred = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
        if (!json_is_object(cred)) {
            copy(v->reason, sizeof(v->reason), "credential: not JSON");
            json_decref(cred);
            return 0;
        }
        bool ok = read_credential(cred, now_ms, v);
        json_t *proof = json_object_get(cred, "proof");
        if (json_is_array(proof))
            proof = json_array_get(proof, 0);
        if (ok) {
            const char *type = json_string_value(json_object_get(proof, "type"));
            const char *suite = json_string_value(json_object_get(proof, "cryptosuite"));
            if (!proof)
                copy(v->reason, sizeof(v->reason), "proof: the credential has no proof");
            else
                snprintf(v->reason, sizeof(v->reason),
                         "proof: %.40s%s%.40s%s is not checked here: only VC-JWT (OB 3.0 8.2)",
                         type ? type : "?", suite ? " (" : "", suite ? suite : "",
                         suite ? ")" : "");
        }
        json_decref(cred);
        return 0;
    }
    return verify_jwt(text, len, jwks, now_ms, v);
}

/* ---- status lists ---- */

int badge_vc_apply_status(struct badge_verdict *v, json_t *list)
{
    const char *id = json_string_value(json_object_get(list, "id"));
    json_t *subject = json_object_get(list, "credentialSubject");
    const char *enc = json_string_value(json_object_get(subject, "encodedList"));
    const char *purpose = json_string_value(json_object_get(subject, "statusPurpose"));
    int bit;

    if (!v->verified || v->status_index < 0)
        return 0;
    if (!id || strcmp(id, v->status_list) != 0) {
        snprintf(v->reason, sizeof(v->reason),
                 "status: the list given is not the credential's (%.200s)", v->status_list);
        return 0;
    }
    if (!purpose || strcmp(purpose, "revocation") != 0 ||
        (bit = badge_status_bit(enc, v->status_index)) < 0) {
        copy(v->reason, sizeof(v->reason),
             "status: not a revocation list with an encodedList (Bitstring Status List 3.2)");
        return 0;
    }
    if (bit) {
        v->verified = false;
        copy(v->status, sizeof(v->status), "revoked");
        copy(v->reason, sizeof(v->reason), "revoked: the issuer's status list says so");
    } else {
        copy(v->status, sizeof(v->status), "active");
    }
    return 0;
}

int badge_status_encode(const int64_t *set, size_t n, char **ret)
{
    unsigned char *bits = mem_calloc(1, BADGE_STATUS_LIST_N / 8), *gz = NULL;
    z_stream z = {0};
    char *out = NULL;
    int r = -ENOMEM;

    if (!bits)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++) {
        if (set[i] < 0 || set[i] >= BADGE_STATUS_LIST_N) {
            r = -EINVAL;
            goto out;
        }
        bits[set[i] / 8] |= (unsigned char)(0x80u >> (set[i] % 8));
    }
    uLong cap = compressBound(BADGE_STATUS_LIST_N / 8) + 32;
    gz = mem_alloc(cap);
    if (!gz || deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        goto out;
    z.next_in = bits;
    z.avail_in = BADGE_STATUS_LIST_N / 8;
    z.next_out = gz;
    z.avail_out = (uInt)cap;
    int zr = deflate(&z, Z_FINISH);
    deflateEnd(&z);
    if (zr != Z_STREAM_END)
        goto out;
    out = mem_alloc(2 + (4 * z.total_out + 2) / 3 + 1);
    if (!out)
        goto out;
    out[0] = 'u'; /* multibase base64url, no padding */
    base64url_encode(gz, z.total_out, out + 1);
    *ret = out;
    r = 0;
out:
    mem_free(bits);
    mem_free(gz);
    return r;
}

int badge_status_bit(const char *encoded, int64_t index)
{
    size_t n = encoded ? strlen(encoded) : 0;
    unsigned char *gz, bits[BADGE_STATUS_LIST_N / 8];
    z_stream z = {0};
    long gl;
    int r = -EINVAL;

    if (n < 2 || encoded[0] != 'u' || index < 0 || index >= BADGE_STATUS_LIST_N)
        return -EINVAL;
    gz = mem_alloc(n / 4 * 3 + 4);
    if (!gz)
        return -ENOMEM;
    gl = base64_decode((struct str){encoded + 1, n - 1}, true, gz);
    if (gl > 0 && inflateInit2(&z, 15 + 16) == Z_OK) {
        z.next_in = gz;
        z.avail_in = (uInt)gl;
        z.next_out = bits;
        z.avail_out = sizeof(bits);
        int zr = inflate(&z, Z_FINISH);
        if ((zr == Z_STREAM_END || zr == Z_BUF_ERROR) && z.total_out > (uLong)(index / 8))
            r = (bits[index / 8] >> (7 - index % 8)) & 1;
        inflateEnd(&z);
    }
    mem_free(gz);
    return r;
}

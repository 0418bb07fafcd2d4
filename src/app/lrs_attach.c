/*
 * Attachments and signed statements (xAPI 2.0.0 4.1.6.1 / 1.0.3 4.1.11
 * "Attachments", 1.0.3 4.4 / 2.0.0 2.6 "Signed Statements"): every
 * attachment without a fileUrl must arrive as a part of the request whose
 * X-Experience-API-Hash is its sha2 and whose content has that hash (any
 * SHA-2 length, checked with libcrypto); every part must belong to an
 * attachment; a signature is verified (lrs_jws.c). Content is kept under
 * the hash computed from its bytes, so what a statement points to can
 * never be replaced by another client claiming the same hash.
 */
#include "base/common.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <strings.h>

#include "app/lrs_attach.h"
#include "app/lrs_jws.h"
#include "base/hex.h"

/*
 * The SHA-2 of a part's content, of the length its claimed hash has
 * (SHA-224, -256, -384 or -512: 56, 64, 96 or 128 hex digits), into hex
 * (lower case). 0, or -EINVAL when the claim is no SHA-2 length.
 */
static int part_hash(const struct lrs_part *p, char hex[129], int *ret_bits)
{
    size_t n = strlen(p->sha2);
    const EVP_MD *md = n == 56    ? EVP_sha224()
                       : n == 64  ? EVP_sha256()
                       : n == 96  ? EVP_sha384()
                       : n == 128 ? EVP_sha512()
                                  : NULL;
    unsigned char h[EVP_MAX_MD_SIZE];
    unsigned int hl = 0;

    if (!md)
        return -EINVAL;
    if (EVP_Digest(p->len ? p->data : "", p->len, h, &hl, md, NULL) != 1 || hl * 2 != n)
        return -ENOMEM;
    hex_encode(h, hl, hex);
    *ret_bits = (int)hl * 8;
    return 0;
}

static const struct lrs_part *find_part(const struct lrs_part *parts, size_t n, const char *sha2)
{
    for (size_t i = 0; i < n; i++)
        if (!strcasecmp(parts[i].sha2, sha2))
            return &parts[i];
    return NULL;
}

int lrs_check_attachments(struct ctx *c, const struct lrs_write *w, json_t *const *sts, size_t n,
                          struct lrs_part **ret_parts)
{
    struct lrs_part *parts = NULL;
    size_t i, k;
    json_t *a;

    /*
     * Every part's content is hashed here, whatever the length of its hash,
     * and the part is kept under the hash computed from its bytes: content
     * is never stored under a key a client merely claimed. A part is named
     * by its place in the request (the statements are part 1).
     */
    if (w->n_parts) {
        parts = arena_calloc(c->arena, w->n_parts, sizeof(*parts));
        if (!parts)
            return -ENOMEM;
    }
    for (i = 0; i < w->n_parts; i++) {
        char hex[129];
        int bits = 0, r = part_hash(&w->parts[i], hex, &bits);
        if (r == -EINVAL)
            return ctx_fail(c, -EINVAL,
                            "multipart part %zu: X-Experience-API-Hash %.16s... is not a hex "
                            "SHA-224, SHA-256, SHA-384 or SHA-512 hash (xAPI 2.0.0 4.1.6.1 "
                            "Attachments)",
                            i + 2, w->parts[i].sha2);
        if (r < 0)
            return r;
        if (strcasecmp(hex, w->parts[i].sha2) != 0)
            return ctx_fail(c, -EINVAL,
                            "multipart part %zu: its content does not have the SHA-2 hash in "
                            "X-Experience-API-Hash (%.16s..., SHA-%d; xAPI 2.0.0 4.1.6.1 "
                            "Attachments)",
                            i + 2, w->parts[i].sha2, bits);
        parts[i] = w->parts[i];
        parts[i].sha2 = arena_strdup(c->arena, hex);
        if (!parts[i].sha2)
            return -ENOMEM;
    }
    for (i = 0; i < n; i++) {
        json_array_foreach(json_object_get(sts[i], "attachments"), k, a)
        {
            const char *sha2 = json_string_value(json_object_get(a, "sha2"));
            const struct lrs_part *p = sha2 ? find_part(parts, w->n_parts, sha2) : NULL;
            if (!p && !json_object_get(a, "fileUrl"))
                return ctx_fail(c, -EINVAL,
                                "statements[%zu].attachments[%zu]: no part of the request has "
                                "sha2 %.20s...; send it as multipart/mixed or give a fileUrl "
                                "(xAPI 2.0.0 4.1.6.1 Attachments)",
                                i, k, sha2 ? sha2 : "");
            const char *usage = json_string_value(json_object_get(a, "usageType"));
            if (usage && !strcmp(usage, LRS_SIGNATURE_USAGE)) {
                const char *ct = json_string_value(json_object_get(a, "contentType"));
                if (!ct || strcmp(ct, "application/octet-stream"))
                    return ctx_fail(c, -EINVAL,
                                    "statements[%zu].attachments[%zu]: a signature's "
                                    "contentType must be application/octet-stream (xAPI 2.6)",
                                    i, k);
                if (!p)
                    return ctx_fail(c, -EINVAL,
                                    "statements[%zu].attachments[%zu]: the signature must be "
                                    "sent as a part of the request",
                                    i, k);
                int r = lrs_verify_signature(c, sts[i], p->data, p->len);
                if (r < 0)
                    return r;
            }
        }
    }
    for (i = 0; i < w->n_parts; i++) {
        bool used = false;
        for (size_t s = 0; s < n && !used; s++)
            json_array_foreach(json_object_get(sts[s], "attachments"), k, a)
            {
                const char *sha2 = json_string_value(json_object_get(a, "sha2"));
                if (sha2 && !strcasecmp(sha2, parts[i].sha2))
                    used = true;
            }
        if (!used)
            return ctx_fail(c, -EINVAL,
                            "multipart part %zu: no statement's attachment has its hash "
                            "(xAPI 2.0.0 4.1.6.1: every part belongs to an attachment)",
                            i + 2);
    }
    *ret_parts = parts;
    return 0;
}

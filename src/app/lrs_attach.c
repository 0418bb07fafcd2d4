/*
 * Attachments and signed statements (xAPI 2.0.0 4.1.6.1 / 1.0.3 4.1.11
 * "Attachments", 1.0.3 4.4 / 2.0.0 2.6 "Signed Statements"): every
 * attachment without a fileUrl must arrive as a part of the request whose
 * X-Experience-API-Hash is its sha2 and whose content has that hash; every
 * part must belong to an attachment; a signature is verified (lrs_jws.c).
 */
#include "base/common.h"

#include <sodium.h>
#include <stdio.h>
#include <strings.h>

#include "app/lrs_attach.h"
#include "app/lrs_jws.h"
#include "base/hex.h"

static bool part_hash_ok(const struct lrs_part *p)
{
    size_t n = strlen(p->sha2);
    char hex[129];
    if (n == 64) {
        unsigned char h[crypto_hash_sha256_BYTES];
        crypto_hash_sha256(h, p->data, p->len);
        hex_encode(h, sizeof(h), hex);
    } else if (n == 128) {
        unsigned char h[crypto_hash_sha512_BYTES];
        crypto_hash_sha512(h, p->data, p->len);
        hex_encode(h, sizeof(h), hex);
    } else {
        return true; /* SHA-224/384: libsodium has neither; the sha2 is taken as given */
    }
    return strcasecmp(hex, p->sha2) == 0;
}

static const struct lrs_part *find_part(const struct lrs_write *w, const char *sha2)
{
    for (size_t i = 0; i < w->n_parts; i++)
        if (!strcasecmp(w->parts[i].sha2, sha2))
            return &w->parts[i];
    return NULL;
}

int lrs_check_attachments(struct ctx *c, const struct lrs_write *w, json_t *const *sts, size_t n)
{
    size_t i, k;
    json_t *a;

    for (i = 0; i < w->n_parts; i++)
        if (!part_hash_ok(&w->parts[i]))
            return ctx_fail(c, -EINVAL,
                            "attachment part %zu: its content does not have the SHA-2 hash in "
                            "X-Experience-API-Hash (xAPI 2.0.0 4.1.6.1 Attachments)",
                            i + 1);
    for (i = 0; i < n; i++) {
        json_array_foreach(json_object_get(sts[i], "attachments"), k, a)
        {
            const char *sha2 = json_string_value(json_object_get(a, "sha2"));
            const struct lrs_part *p = sha2 ? find_part(w, sha2) : NULL;
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
                if (sha2 && !strcasecmp(sha2, w->parts[i].sha2))
                    used = true;
            }
        if (!used)
            return ctx_fail(c, -EINVAL,
                            "attachment part %zu: no statement's attachment has its hash "
                            "(xAPI 2.0.0 4.1.6.1: every part belongs to an attachment)",
                            i + 1);
    }
    return 0;
}

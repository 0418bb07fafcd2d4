/*
 * HTTP Basic credentials: see basic_auth.h. The header goes through
 * libmicrohttpd's MHD_basic_auth_get_username_password(); a value given
 * as text (the alternate request syntax's form field, or a header whose
 * scheme is not spelled "Basic", which that helper does not take although
 * the scheme is case-insensitive) is decoded here with libsodium. The
 * secret is wiped from memory once checked.
 */
#include "base/common.h"

#include <sodium.h>
#include <strings.h>

#include "app/clients.h"
#include "http/basic_auth.h"

#define CRED_MAX 256 /* key:secret, decoded */

/* Decode "Basic <base64>" into buf (NUL-terminated); 0 and the colon's offset, or -EPERM. */
static int decode_value(struct request *rq, const char *value, char buf[CRED_MAX],
                        size_t *ret_colon)
{
    const char *b64;
    size_t n = 0;
    char *colon;

    if (strncasecmp(value, "Basic ", 6) != 0)
        return ctx_fail(&rq->ctx, -EPERM, "credentials: expected HTTP Basic authentication");
    for (b64 = value + 6; *b64 == ' '; b64++)
        ;
    if (sodium_base642bin((unsigned char *)buf, CRED_MAX - 1, b64, strlen(b64), NULL, &n, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return ctx_fail(&rq->ctx, -EPERM, "credentials: the Basic value is not valid base64");
    buf[n] = '\0';
    colon = memchr(buf, ':', n);
    if (!colon || memchr(buf, '\0', n))
        return ctx_fail(&rq->ctx, -EPERM, "credentials: expected key:secret");
    *ret_colon = (size_t)(colon - buf);
    return 0;
}

int http_basic_authenticate(struct request *rq, const char *value, const struct principal **ret)
{
    char buf[CRED_MAX];
    char *user = NULL, *pass = NULL;
    size_t colon = 0;
    int r;

    if (!value) {
        user = MHD_basic_auth_get_username_password(rq->conn, &pass);
        if (!user)
            value = http_header(rq, "Authorization");
        if (!user && !value)
            return ctx_fail(&rq->ctx, -EPERM, "credentials: expected HTTP Basic authentication");
    }
    if (user) {
        r = pass ? clients_authenticate(&rq->ctx, user, pass, ret)
                 : ctx_fail(&rq->ctx, -EPERM, "credentials: expected key:secret");
        sodium_memzero(user, strlen(user));
        if (pass)
            sodium_memzero(pass, strlen(pass));
        MHD_free(user);
        MHD_free(pass);
        return r;
    }
    r = decode_value(rq, value, buf, &colon);
    if (r == 0) {
        buf[colon] = '\0';
        r = clients_authenticate(&rq->ctx, buf, buf + colon + 1, ret);
    }
    sodium_memzero(buf, sizeof(buf));
    return r;
}

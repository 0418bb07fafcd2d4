/*
 * API clients: integrations that call Trellis with HTTP Basic (key:secret),
 * each limited to its scopes and its district. Adding, listing and revoking
 * clients is a district administration action; authenticating one is what
 * the HTTP layer does for every Basic request.
 */
#ifndef TRELLIS_APP_CLIENTS_H
#define TRELLIS_APP_CLIENTS_H

#include <jansson.h>
#include <stdint.h>

#include "app/ctx.h"
#include "app/principal.h"

struct client_credentials {
    char key[64];    /* public identifier */
    char secret[64]; /* shown once; only its hash is stored */
};

struct client_info {
    int64_t id;
    const char *name;
    const char *key;
    unsigned scopes;
    int64_t created_at;
    int64_t revoked_at; /* 0: active */
};

/*
 * Pick the district a CLI command acts on: the one named by sourced_id, or,
 * when sourced_id is NULL, the only one. -ENOENT/-EINVAL with a message.
 */
int districts_pick(struct ctx *c, const char *sourced_id, int64_t *ret_district_id);
/* Create a district (operator only): 0, -EEXIST. */
int districts_add(struct ctx *c, const char *sourced_id, const char *name, int64_t *ret_id);

/*
 * Managing clients is the gate's RES_CLIENTS (district administrators and
 * the operator; API clients never); district_id 0 is ctx->who's district,
 * another district is -ENOENT. A person adding or revoking needs a second
 * factor checked within AUDIT_MFA_FRESH_MS (-ENOKEY). Audited.
 */
/* Create a client with the given scope bits; the secret is in *ret only (shown once). */
int clients_add(struct ctx *c, int64_t district_id, const char *name, unsigned scopes,
                struct client_credentials *ret);
/* Revoke by key: 0, -ENOENT. */
int clients_revoke(struct ctx *c, int64_t district_id, const char *key);
/* Call fn for each client of the district (oldest first). */
int clients_list(struct ctx *c, int64_t district_id,
                 int (*fn)(const struct client_info *ci, void *arg), void *arg);
/* {name, key, scopes: [...], created, revoked}: how the CLI and the API show a client. */
json_t *clients_info_json(const struct client_info *ci);

/*
 * Authenticate an API client by its key and secret (the HTTP layer reads
 * them from HTTP Basic credentials; both borrowed). On success *ret points
 * to a client principal in ctx's arena. Every failure is -EPERM with a
 * message that does not say whether the key exists.
 */
int clients_authenticate(struct ctx *c, const char *key, const char *secret,
                         const struct principal **ret);

#endif

/*
 * API clients (see migrations/0002_clients.sql). The store keeps the hash
 * of each secret, never the secret.
 */
#ifndef TRELLIS_STORE_CLIENTS_H
#define TRELLIS_STORE_CLIENTS_H

#include <stdint.h>

#include "base/common.h"

struct db;

#define CLIENT_HASH_LEN 32

struct client_row {
    int64_t id;
    int64_t district_id;
    char name[128];
    char key[64];
    uint8_t secret_hash[CLIENT_HASH_LEN];
    unsigned scopes;
    int64_t created_at;
    int64_t revoked_at; /* 0: active */
};

int store_client_insert(struct db *db, const struct client_row *c, int64_t *ret_id);
/* By key (any district): 0, -ENOENT. */
int store_client_by_key(struct db *db, const char *key, struct client_row *ret);
/* Revoke: 0, -ENOENT if no active client has this key in the district. */
int store_client_revoke(struct db *db, int64_t district_id, const char *key, int64_t now_ms);
/* Call fn for each client of a district, oldest first; stops on fn's negative return. */
int store_client_each(struct db *db, int64_t district_id,
                      int (*fn)(const struct client_row *c, void *arg), void *arg);

#endif

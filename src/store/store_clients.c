/*
 * API clients: see store_clients.h.
 */
#include "base/common.h"

#include <stdio.h>

#include "store/db.h"
#include "store/store_clients.h"

#define CLIENT_COLS "id, district_id, name, client_key, secret_hash, scopes, created_at, revoked_at"

static int fill(struct db_stmt *st, struct client_row *c)
{
    size_t n;
    const void *h;

    c->id = db_col_int64(st, 0);
    c->district_id = db_col_int64(st, 1);
    snprintf(c->name, sizeof(c->name), "%s", db_col_text(st, 2));
    snprintf(c->key, sizeof(c->key), "%s", db_col_text(st, 3));
    h = db_col_blob(st, 4, &n);
    if (!h || n != CLIENT_HASH_LEN)
        return -EIO;
    memcpy(c->secret_hash, h, CLIENT_HASH_LEN);
    c->scopes = (unsigned)db_col_int64(st, 5);
    c->created_at = db_col_int64(st, 6);
    c->revoked_at = db_col_null(st, 7) ? 0 : db_col_int64(st, 7);
    return 0;
}

int store_client_insert(struct db *db, const struct client_row *c, int64_t *ret_id)
{
    return db_query_int64(db, ret_id,
                          "INSERT INTO api_clients (district_id, name, client_key, secret_hash, "
                          "scopes, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                          "issbii", c->district_id, c->name, c->key, (const void *)c->secret_hash,
                          (size_t)CLIENT_HASH_LEN, (int64_t)c->scopes, c->created_at);
}

int store_client_by_key(struct db *db, const char *key, struct client_row *ret)
{
    struct db_stmt *st;
    int r =
        db_query(db, &st, "SELECT " CLIENT_COLS " FROM api_clients WHERE client_key = ?", "s", key);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0)
        r = fill(st, ret);
    else if (r == 0)
        r = -ENOENT;
    db_done(st);
    return r;
}

int store_client_revoke(struct db *db, int64_t district_id, const char *key, int64_t now_ms)
{
    int64_t n = db_exec(db,
                        "UPDATE api_clients SET revoked_at = ? WHERE district_id = ? AND "
                        "client_key = ? AND revoked_at IS NULL",
                        "iis", now_ms, district_id, key);
    if (n < 0)
        return (int)n;
    return n == 0 ? -ENOENT : 0;
}

int store_client_each(struct db *db, int64_t district_id,
                      int (*fn)(const struct client_row *c, void *arg), void *arg)
{
    struct db_stmt *st;
    struct client_row c;
    int r = db_query(db, &st,
                     "SELECT " CLIENT_COLS " FROM api_clients WHERE district_id = ? ORDER BY id",
                     "i", district_id);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        r = fill(st, &c);
        if (r == 0)
            r = fn(&c, arg);
        if (r < 0)
            break;
    }
    db_done(st);
    return r < 0 ? r : 0;
}

/*
 * API clients: see clients.h. Keys are 24 base32 characters, secrets 256
 * random bits in base64url; the store keeps BLAKE2b-256 of the secret and
 * verification compares in constant time.
 */
#include "base/common.h"

#include <sodium.h>
#include <stdio.h>
#include <strings.h>

#include "app/access.h"
#include "app/audit.h"
#include "app/clients.h"
#include "base/hex.h"
#include "base/rand.h"
#include "base/timeutil.h"
#include "store/store.h"
#include "store/store_clients.h"
#include "store/store_district.h"
#include "store/store_roster.h"

int districts_pick(struct ctx *c, const char *sourced_id, int64_t *ret_district_id)
{
    struct district_row d;
    struct db *db;
    int64_t n;
    int r = ctx_db(c, &db);

    if (r < 0)
        return r;
    if (sourced_id) {
        r = store_district_by_sourced_id(db, sourced_id, &d);
        if (r == -ENOENT)
            return ctx_fail(c, r, "district: no district has sourcedId '%s'", sourced_id);
        if (r < 0)
            return ctx_fail(c, r, "district: cannot read districts");
        *ret_district_id = d.id;
        return 0;
    }
    r = store_district_count(db, &n, &d);
    if (r < 0)
        return ctx_fail(c, r, "district: cannot read districts");
    if (n == 0)
        return ctx_fail(c, -ENOENT,
                        "district: the database has no district yet; import a roster or add one "
                        "with `trellis admin add-district`");
    if (n > 1)
        return ctx_fail(c, -EINVAL,
                        "district: the database has %lld districts; name one with --district",
                        (long long)n);
    *ret_district_id = d.id;
    return 0;
}

struct district_tx {
    struct ctx *c;
    const char *sourced_id, *name;
    int64_t *id;
};

/* Create the district and the first entry of its audit chain together. */
static int district_add_fn(struct db *db, void *arg)
{
    struct district_tx *x = arg;
    char detail[600];
    int r =
        store_district_create(db, str_from(x->sourced_id), str_from(x->name), x->c->now_ms, x->id);
    if (r < 0)
        return r;
    snprintf(detail, sizeof(detail), "district '%s' (%s) added", x->sourced_id, x->name);
    struct audit_entry e = {
        .district_id = *x->id, .action = "admin", .object = "district", .detail = detail};
    return audit_append(x->c, db, &e);
}

int districts_add(struct ctx *c, const char *sourced_id, const char *name, int64_t *ret_id)
{
    struct db *db;
    int r;

    if (!c->who || c->who->kind != PRINCIPAL_OPERATOR)
        return ctx_fail(c, -EACCES, "only the server's operator can add a district");
    if (!sourced_id[0] || strlen(sourced_id) > 255)
        return ctx_fail(c, -EINVAL, "sourced-id: must be 1 to 255 characters");
    if (!name[0] || strlen(name) > 255)
        return ctx_fail(c, -EINVAL, "name: must be 1 to 255 characters");
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    struct district_tx x = {c, sourced_id, name, ret_id};
    r = store_tx(db, district_add_fn, &x);
    if (r == -EEXIST)
        return ctx_fail(c, r, "sourced-id: a district '%s' exists already", sourced_id);
    if (r < 0)
        return ctx_fail(c, r, "cannot create the district");
    return 0;
}

/*
 * May ctx->who do action on the API clients of district_id (0: its own)?
 * The gate's RES_CLIENTS: district administrators and the operator, never
 * an API client. A person changing them needs a fresh second factor.
 */
static int admin_check(struct ctx *c, int64_t district_id, enum access_action action)
{
    const struct principal *p = c->who;
    if (!p)
        return ctx_fail(c, -EPERM, "log in first");
    int64_t d = district_id ? district_id : p->district_id;
    struct access_resource res = {RES_CLIENTS, d, d};
    int r = access_check(c, action, &res, NULL);
    if (r < 0)
        return r;
    if (action != ACT_LIST && p->kind == PRINCIPAL_USER &&
        !(p->mfa_at_ms && c->now_ms - p->mfa_at_ms <= AUDIT_MFA_FRESH_MS))
        return ctx_fail(c, -ENOKEY,
                        "second factor: confirm a code from your authenticator first (POST "
                        "/api/v1/session/mfa); changing API clients needs one checked within the "
                        "last 15 minutes");
    return 0;
}

static void hash_secret(const char *secret, uint8_t out[CLIENT_HASH_LEN])
{
    crypto_generichash(out, CLIENT_HASH_LEN, (const unsigned char *)secret, strlen(secret), NULL,
                       0);
}

struct client_tx {
    struct ctx *c;
    const struct client_row *row;
    const char *key;
    int64_t *id;
};

/* Add a client and its audit entry in one transaction. */
static int client_add_fn(struct db *db, void *arg)
{
    struct client_tx *x = arg;
    char obj[96], detail[200];
    int r = store_client_insert(db, x->row, x->id);
    if (r < 0)
        return r;
    snprintf(obj, sizeof(obj), "client:%s", x->row->key);
    char names[160] = "";
    size_t off = 0;
    for (unsigned bit = 1; bit && off < sizeof(names); bit <<= 1)
        if ((x->row->scopes & bit) && scope_name(bit))
            off += (size_t)snprintf(names + off, sizeof(names) - off, "%s%s", off ? " " : "",
                                    scope_name(bit));
    snprintf(detail, sizeof(detail), "API client '%s' added (scopes: %s)", x->row->name, names);
    struct audit_entry e = {.action = "admin", .object = obj, .detail = detail};
    return audit_append(x->c, db, &e);
}

static int client_revoke_fn(struct db *db, void *arg)
{
    struct client_tx *x = arg;
    char obj[96];
    int r = store_client_revoke(db, x->c->who->district_id, x->key, x->c->now_ms);
    if (r < 0)
        return r;
    snprintf(obj, sizeof(obj), "client:%s", x->key);
    struct audit_entry e = {.action = "admin", .object = obj, .detail = "API client revoked"};
    return audit_append(x->c, db, &e);
}

int clients_add(struct ctx *c, int64_t district_id, const char *name, unsigned scopes,
                struct client_credentials *ret)
{
    static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";
    struct client_row row;
    uint8_t raw[32];
    struct db *db;
    int64_t id;
    int r;

    r = admin_check(c, district_id, ACT_ADMIN);
    if (r < 0)
        return r;
    if (!name || !name[0] || strlen(name) >= sizeof(row.name))
        return ctx_fail(c, -EINVAL, "name: must be 1 to %zu characters", sizeof(row.name) - 1);
    for (const char *p = name; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return ctx_fail(c, -EINVAL, "name: no control characters (line breaks, tabs)");
    if (scopes == 0)
        return ctx_fail(c, -EINVAL, "scope: give at least one");
    memset(&row, 0, sizeof(row));
    row.district_id = c->who->district_id;
    snprintf(row.name, sizeof(row.name), "%s", name);
    if (rand_bytes(raw, sizeof(raw)) < 0)
        return ctx_fail(c, -EIO, "no randomness available");
    for (size_t i = 0; i < 24; i++)
        ret->key[i] = b32[raw[i] & 31];
    ret->key[24] = '\0';
    if (rand_bytes(raw, sizeof(raw)) < 0)
        return ctx_fail(c, -EIO, "no randomness available");
    base64url_encode(raw, sizeof(raw), ret->secret);
    sodium_memzero(raw, sizeof(raw));
    snprintf(row.key, sizeof(row.key), "%s", ret->key);
    hash_secret(ret->secret, row.secret_hash);
    row.scopes = scopes;
    row.created_at = c->now_ms;
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    struct client_tx x = {c, &row, NULL, &id};
    r = store_tx(db, client_add_fn, &x);
    if (r < 0)
        return ctx_fail(c, r, "cannot store the client");
    return 0;
}

int clients_revoke(struct ctx *c, int64_t district_id, const char *key)
{
    struct db *db;
    int r = admin_check(c, district_id, ACT_ADMIN);
    if (r < 0)
        return r;
    if (!key || !key[0] || strlen(key) > 63)
        return ctx_fail(c, -EINVAL, "key: must be a client's key (`admin list-clients` shows it)");
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    struct client_tx x = {c, NULL, key, NULL};
    r = store_tx(db, client_revoke_fn, &x);
    if (r == -ENOENT)
        return ctx_fail(c, r, "key: no active client has key '%s'", key);
    if (r < 0)
        return ctx_fail(c, r, "cannot revoke the client");
    return 0;
}

struct list_arg {
    int (*fn)(const struct client_info *ci, void *arg);
    void *arg;
};

static int list_one(const struct client_row *row, void *arg)
{
    struct list_arg *la = arg;
    struct client_info ci = {row->id,     row->name,       row->key,
                             row->scopes, row->created_at, row->revoked_at};
    return la->fn(&ci, la->arg);
}

int clients_list(struct ctx *c, int64_t district_id,
                 int (*fn)(const struct client_info *ci, void *arg), void *arg)
{
    struct list_arg la = {fn, arg};
    struct db *db;
    int r = admin_check(c, district_id, ACT_LIST);
    if (r < 0)
        return r;
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    r = store_client_each(db, c->who->district_id, list_one, &la);
    if (r < 0)
        return r;
    struct audit_entry e = {.action = "admin", .object = "clients", .detail = "API clients listed"};
    return audit_append_group(c, &e);
}

int clients_authenticate(struct ctx *c, const char *key, const char *secret,
                         const struct principal **ret)
{
    static const char bad[] = "credentials: wrong API key or secret";
    uint8_t hash[CLIENT_HASH_LEN];
    struct client_row row;
    struct principal *p;
    struct db *db;
    int r;

    if (!key || !secret || strlen(key) + strlen(secret) > 254)
        return ctx_fail(c, -EPERM, bad);
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    r = store_client_by_key(db, key, &row);
    if (r == -ENOENT) {
        /* spend the same work as for a known key */
        hash_secret(secret, hash);
        return ctx_fail(c, -EPERM, bad);
    }
    if (r < 0)
        return ctx_fail(c, r, "cannot check credentials");
    hash_secret(secret, hash);
    if (sodium_memcmp(hash, row.secret_hash, CLIENT_HASH_LEN) != 0 || row.revoked_at)
        return ctx_fail(c, -EPERM, bad);
    p = arena_calloc(c->arena, 1, sizeof(*p));
    if (!p)
        return ctx_fail(c, -ENOMEM, "out of memory");
    p->kind = PRINCIPAL_CLIENT;
    p->district_id = row.district_id;
    p->account_id = row.id;
    p->name = arena_strdup(c->arena, row.name);
    p->scopes = row.scopes;
    if (p->scopes & SCOPE_ALL) /* "all" is every xAPI scope (not the roster ones) */
        p->scopes |= SCOPE_STATEMENTS_WRITE | SCOPE_STATEMENTS_READ_MINE | SCOPE_STATEMENTS_READ |
                     SCOPE_STATE | SCOPE_PROFILE;
    if (!p->name)
        return ctx_fail(c, -ENOMEM, "out of memory");
    *ret = p;
    return 0;
}

json_t *clients_info_json(const struct client_info *ci)
{
    json_t *scopes = json_array();
    char created[32], revoked[32];

    for (unsigned bit = 1; bit && scopes; bit <<= 1)
        if ((ci->scopes & bit) && scope_name(bit))
            json_array_append_new(scopes, json_string(scope_name(bit)));
    if (!scopes)
        return NULL;
    time_format_iso8601(ci->created_at, created);
    if (ci->revoked_at)
        time_format_iso8601(ci->revoked_at, revoked);
    return json_pack("{s:s, s:s, s:o, s:s, s:s*}", "name", ci->name, "key", ci->key, "scopes",
                     scopes, "created", created, "revoked", ci->revoked_at ? revoked : NULL);
}

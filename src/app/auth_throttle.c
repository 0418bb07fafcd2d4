/*
 * The login throttle (see auth.h for the rules and why): counters of
 * failed checks keyed by keyed digests of (name, address), name and
 * address, one set for passwords and card codes and one for second
 * factors. An attempt is checked against the counters and, when it may go
 * ahead, counted as a failure at once, in the caller's write transaction:
 * parallel attempts see each other, so no more are checked than the rules
 * allow. What turns out not to be a failure is taken back (a right password
 * that still needs its second factor) or forgiven (a login: the name's
 * failures from that address no longer count anywhere).
 */
#include "base/common.h"

#include <arpa/inet.h>
#include <stdio.h>

#include "app/auth_internal.h"

/* How long an address stays familiar to a name after a login from it. */
#define FAMILIAR_MS (90 * DAY_MS)

static const char *const domains[2][TK_N] = {
    [AUTH_FACTOR_PASSWORD] = {"throttle-pair", "throttle-name", "throttle-addr"},
    [AUTH_FACTOR_SECOND] = {"throttle-2f-pair", "throttle-2f-name", "throttle-2f-addr"},
};

/*
 * The address a throttle counts: an IPv4 address as it is, an IPv6 address
 * by its /64 (one host usually holds a whole /64, so counting single IPv6
 * addresses would give it 2^64 fresh ones), an IPv4-mapped IPv6 address as
 * the IPv4 address.
 */
static void throttle_address(const char *addr, char *out, size_t n)
{
    struct in6_addr a6;
    if (addr && strchr(addr, ':') && inet_pton(AF_INET6, addr, &a6) == 1) {
        static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        const uint8_t *b = a6.s6_addr;
        if (memcmp(b, mapped, sizeof(mapped)) == 0)
            snprintf(out, n, "%u.%u.%u.%u", b[12], b[13], b[14], b[15]);
        else
            snprintf(out, n, "%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64", b[0], b[1], b[2], b[3],
                     b[4], b[5], b[6], b[7]);
        return;
    }
    snprintf(out, n, "%s", addr ? addr : "-");
}

void auth_throttle_keys(struct ctx *c, enum auth_factor f, const char *login, struct throttle *t)
{
    char addr[64];
    int64_t n = c->cfg->login_max_failures;

    memset(t, 0, sizeof(*t));
    throttle_address(c->client_addr, addr, sizeof(addr));
    if (login) {
        auth_keyed(c, domains[f][TK_PAIR], login, addr, t->key[TK_PAIR]);
        auth_keyed(c, domains[f][TK_NAME], login, NULL, t->key[TK_NAME]);
        auth_keyed(c, domains[AUTH_FACTOR_PASSWORD][TK_PAIR], login, addr, t->familiar_key);
        t->used[TK_PAIR] = t->used[TK_NAME] = t->has_familiar = true;
    }
    auth_keyed(c, domains[f][TK_ADDR], addr, NULL, t->key[TK_ADDR]);
    t->used[TK_ADDR] = true;
    t->limit[TK_PAIR] = n;
    t->limit[TK_NAME] = MIN(5 * n, AUTH_ACCOUNT_CAP / 2);
    t->limit[TK_ADDR] = 10 * n;
    t->lapse[TK_PAIR] = DAY_MS;
    t->lapse[TK_NAME] = AUTH_ACCOUNT_LAPSE_DAYS * DAY_MS;
    t->lapse[TK_ADDR] = DAY_MS;
}

void auth_throttle_familiar_name(struct ctx *c, struct throttle *t, const char *login)
{
    char addr[64];
    throttle_address(c->client_addr, addr, sizeof(addr));
    auth_keyed(c, domains[AUTH_FACTOR_PASSWORD][TK_PAIR], login, addr, t->familiar_key);
    t->has_familiar = true;
}

/* A key's row, as it counts now: none, or lapsed, reads as no failures. */
static int get_row(struct ctx *c, struct db *db, const uint8_t *key, int64_t lapse,
                   struct throttle_row *row)
{
    int r = store_throttle_get(db, key, row);
    if (r == -ENOENT) {
        memset(row, 0, sizeof(*row));
        return 0;
    }
    if (r < 0)
        return r;
    if (row->failures && c->now_ms - row->last_failure_at > lapse) {
        row->failures = 0;
        row->blocked_until = 0;
    }
    return 0;
}

static int64_t seconds_until(const struct ctx *c, int64_t at)
{
    return at > c->now_ms ? (at - c->now_ms + 999) / 1000 : 0;
}

int auth_throttle_check(struct ctx *c, struct db *db, struct throttle *t, int64_t *ret_wait_s)
{
    struct throttle_row row[TK_N], fam;
    int64_t wait = 0;
    int r;

    t->familiar = false;
    if (t->has_familiar) {
        r = store_throttle_get(db, t->familiar_key, &fam);
        if (r < 0 && r != -ENOENT)
            return r;
        t->familiar =
            r == 0 && fam.last_success_at > 0 && c->now_ms - fam.last_success_at <= FAMILIAR_MS;
    }
    for (int k = 0; k < TK_N; k++) {
        if (!t->used[k])
            continue;
        r = get_row(c, db, t->key[k], t->lapse[k], &row[k]);
        if (r < 0)
            return r;
    }
    /* this address, this name: waits, the right password too */
    if (t->used[TK_PAIR])
        wait = MAX(wait, seconds_until(c, row[TK_PAIR].blocked_until));
    /* the account under attack, or the address spraying: unless the name is at home here */
    if (t->used[TK_NAME] && !t->familiar) {
        if (row[TK_NAME].failures >= AUTH_ACCOUNT_CAP)
            wait = MAX(wait, seconds_until(c, row[TK_NAME].last_failure_at + t->lapse[TK_NAME]));
        else
            wait = MAX(wait, seconds_until(c, row[TK_NAME].blocked_until));
    }
    if (t->used[TK_ADDR] && !t->familiar)
        wait = MAX(wait, seconds_until(c, row[TK_ADDR].blocked_until));
    *ret_wait_s = wait;
    return 0;
}

int auth_throttle_count(struct ctx *c, struct db *db, struct throttle *t)
{
    for (int k = 0; k < TK_N; k++) {
        struct throttle_row row;
        if (!t->used[k])
            continue;
        int r = get_row(c, db, t->key[k], t->lapse[k], &row);
        if (r < 0)
            return r;
        row.failures++;
        row.last_failure_at = c->now_ms;
        if (row.failures >= t->limit[k]) {
            int64_t over = MIN(row.failures - t->limit[k], 12);
            row.blocked_until = c->now_ms + MIN((int64_t)1000 << over, HOUR_MS);
        }
        r = store_throttle_put(db, t->key[k], &row);
        if (r < 0)
            return r;
    }
    t->counted = true;
    return 0;
}

int auth_throttle_attempt(struct ctx *c, struct db *db, struct throttle *t, int64_t *ret_wait_s)
{
    int r = auth_throttle_check(c, db, t, ret_wait_s);
    if (r == 0 && *ret_wait_s == 0)
        r = auth_throttle_count(c, db, t);
    return r;
}

/* Take n failures off a key (no lower than 0); below its limit it waits no more. */
static int forgive(struct ctx *c, struct db *db, struct throttle *t, int k, int64_t n)
{
    struct throttle_row row;
    int r = get_row(c, db, t->key[k], t->lapse[k], &row);
    if (r < 0 || n <= 0 || row.failures == 0)
        return r;
    row.failures = MAX(row.failures - n, 0);
    if (row.failures < t->limit[k])
        row.blocked_until = 0;
    return store_throttle_put(db, t->key[k], &row);
}

int auth_throttle_refund(struct ctx *c, struct db *db, struct throttle *t)
{
    if (!t->counted)
        return 0;
    for (int k = 0; k < TK_N; k++) {
        if (!t->used[k])
            continue;
        int r = forgive(c, db, t, k, 1);
        if (r < 0)
            return r;
    }
    t->counted = false;
    return 0;
}

int auth_throttle_remember(struct ctx *c, struct db *db, const struct throttle *t)
{
    struct throttle_row row;
    if (!t->has_familiar)
        return 0;
    int r = store_throttle_get(db, t->familiar_key, &row);
    if (r == -ENOENT)
        memset(&row, 0, sizeof(row));
    else if (r < 0)
        return r;
    row.last_success_at = c->now_ms;
    return store_throttle_put(db, t->familiar_key, &row);
}

int auth_throttle_success(struct ctx *c, struct db *db, struct throttle *t)
{
    struct throttle_row pair;
    int64_t n = t->counted ? 1 : 0;
    int r;

    if (t->used[TK_PAIR]) {
        /* the name's failures from this address were its own: they count nowhere now */
        r = get_row(c, db, t->key[TK_PAIR], t->lapse[TK_PAIR], &pair);
        if (r < 0)
            return r;
        n = MAX(n, pair.failures);
        pair.failures = 0;
        pair.blocked_until = 0;
        r = store_throttle_put(db, t->key[TK_PAIR], &pair);
        if (r < 0)
            return r;
    }
    for (int k = TK_NAME; k < TK_N; k++) {
        if (!t->used[k])
            continue;
        r = forgive(c, db, t, k, n);
        if (r < 0)
            return r;
    }
    t->counted = false;
    return auth_throttle_remember(c, db, t);
}

int auth_throttle_clear_name(struct ctx *c, struct db *db, const char *login)
{
    for (int f = 0; f < 2; f++) {
        uint8_t key[SEAL_INDEX_LEN];
        auth_keyed(c, domains[f][TK_NAME], login, NULL, key);
        int r = store_throttle_clear(db, key);
        if (r < 0)
            return r;
    }
    return 0;
}

int auth_throttle_name_state(struct ctx *c, struct db *db, const char *login, int64_t *ret_failures,
                             int64_t *ret_until_ms)
{
    int64_t failures = 0, until = 0, lapse = AUTH_ACCOUNT_LAPSE_DAYS * DAY_MS;
    for (int f = 0; f < 2; f++) {
        struct throttle_row row;
        uint8_t key[SEAL_INDEX_LEN];
        auth_keyed(c, domains[f][TK_NAME], login, NULL, key);
        int r = get_row(c, db, key, lapse, &row);
        if (r < 0)
            return r;
        failures += row.failures;
        if (row.failures >= AUTH_ACCOUNT_CAP)
            until = MAX(until, row.last_failure_at + lapse);
        else if (row.blocked_until > c->now_ms)
            until = MAX(until, row.blocked_until);
    }
    *ret_failures = failures;
    *ret_until_ms = until;
    return 0;
}

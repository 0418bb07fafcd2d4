/*
 * Identity storage: see store_auth.h.
 */
#include "base/common.h"

#include <stdio.h>

#include "store/db.h"
#include "store/store_access.h"
#include "store/store_auth.h"

#define ACCOUNT_COLS                                                                            \
    "a.id, a.district_id, a.user_id, a.login, a.display_name, a.password_hash, a.totp_sealed, " \
    "a.totp_last_step, a.totp_pending_sealed, a.totp_pending_at, a.lang, a.disabled_at, "       \
    "a.created_at, u.status, u.enabled_user, u.role, u.given_name, u.family_name, "             \
    "u.preferred_given_name"
#define ACCOUNT_FROM " FROM accounts a LEFT JOIN users u ON u.id = a.user_id"

static void copy_blob(struct db_stmt *st, int col, uint8_t *out, size_t max, size_t *ret_len)
{
    size_t n = 0;
    const void *p = db_col_null(st, col) ? NULL : db_col_blob(st, col, &n);
    if (!p || n > max)
        n = 0;
    if (n)
        memcpy(out, p, n);
    *ret_len = n;
}

/* Fill an account from columns starting at col. */
static void fill_account(struct db_stmt *st, int col, struct account_row *a)
{
    memset(a, 0, sizeof(*a));
    a->id = db_col_int64(st, col + 0);
    a->district_id = db_col_int64(st, col + 1);
    a->user_id = db_col_null(st, col + 2) ? 0 : db_col_int64(st, col + 2);
    snprintf(a->login, sizeof(a->login), "%s", db_col_text(st, col + 3));
    snprintf(a->display_name, sizeof(a->display_name), "%s", db_col_text(st, col + 4));
    snprintf(a->password_hash, sizeof(a->password_hash), "%s", db_col_text(st, col + 5));
    copy_blob(st, col + 6, a->totp_sealed, sizeof(a->totp_sealed), &a->totp_sealed_len);
    a->totp_last_step = db_col_int64(st, col + 7);
    copy_blob(st, col + 8, a->totp_pending, sizeof(a->totp_pending), &a->totp_pending_len);
    a->totp_pending_at = db_col_null(st, col + 9) ? 0 : db_col_int64(st, col + 9);
    snprintf(a->lang, sizeof(a->lang), "%s", db_col_text(st, col + 10));
    a->disabled_at = db_col_null(st, col + 11) ? 0 : db_col_int64(st, col + 11);
    a->created_at = db_col_int64(st, col + 12);
    if (a->user_id)
        a->roster_active =
            strcmp(db_col_text(st, col + 13), "active") == 0 && db_col_int64(st, col + 14) != 0;
    else
        a->roster_active = true;
    snprintf(a->roster_role, sizeof(a->roster_role), "%s", db_col_text(st, col + 15));
    snprintf(a->given_name, sizeof(a->given_name), "%s", db_col_text(st, col + 16));
    snprintf(a->family_name, sizeof(a->family_name), "%s", db_col_text(st, col + 17));
    snprintf(a->preferred_given_name, sizeof(a->preferred_given_name), "%s",
             db_col_text(st, col + 18));
}

static int one_account(struct db *db, const char *sql, const char *fmt, int64_t a1, int64_t a2,
                       const char *s1, struct account_row *ret)
{
    struct db_stmt *st;
    int r;

    if (fmt[0] == 's')
        r = db_query(db, &st, sql, fmt, s1);
    else if (fmt[1] == 'i')
        r = db_query(db, &st, sql, fmt, a1, a2);
    else
        r = db_query(db, &st, sql, fmt, a1);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        fill_account(st, 0, ret);
        r = 0;
    } else if (r == 0) {
        r = -ENOENT;
    }
    db_done(st);
    return r;
}

int store_account_insert(struct db *db, const struct account_row *a, int64_t *ret_id)
{
    return db_query_int64(db, ret_id,
                          "INSERT INTO accounts (district_id, user_id, login, display_name, "
                          "password_hash, password_set_at, lang, created_at) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                          "izsssisi", a->district_id, a->user_id, a->login, a->display_name,
                          a->password_hash[0] ? a->password_hash : NULL,
                          a->password_hash[0] ? a->created_at : (int64_t)0,
                          a->lang[0] ? a->lang : NULL, a->created_at);
}

int store_account_by_login(struct db *db, const char *login, struct account_row *ret)
{
    return one_account(db, "SELECT " ACCOUNT_COLS ACCOUNT_FROM " WHERE a.login = ?", "s", 0, 0,
                       login, ret);
}

int store_account_by_id(struct db *db, int64_t id, struct account_row *ret)
{
    return one_account(db, "SELECT " ACCOUNT_COLS ACCOUNT_FROM " WHERE a.id = ?", "i", id, 0, NULL,
                       ret);
}

int store_account_by_user(struct db *db, int64_t district_id, int64_t user_id,
                          struct account_row *ret)
{
    return one_account(
        db, "SELECT " ACCOUNT_COLS ACCOUNT_FROM " WHERE a.district_id = ? AND a.user_id = ?", "ii",
        district_id, user_id, NULL, ret);
}

static int changed_one(int64_t n)
{
    if (n < 0)
        return (int)n;
    return n == 0 ? -ENOENT : 0;
}

int store_account_set_password(struct db *db, int64_t id, const char *hash, int64_t now_ms)
{
    return changed_one(
        db_exec(db, "UPDATE accounts SET password_hash = ?, password_set_at = ? WHERE id = ?",
                "sii", hash, now_ms, id));
}

int store_account_set_lang(struct db *db, int64_t id, const char *lang)
{
    return changed_one(db_exec(db, "UPDATE accounts SET lang = ? WHERE id = ?", "si", lang, id));
}

int store_account_set_disabled(struct db *db, int64_t id, int64_t disabled_at)
{
    return changed_one(
        db_exec(db, "UPDATE accounts SET disabled_at = ? WHERE id = ?", "zi", disabled_at, id));
}

int store_account_set_last_login(struct db *db, int64_t id, int64_t now_ms)
{
    return changed_one(
        db_exec(db, "UPDATE accounts SET last_login_at = ? WHERE id = ?", "ii", now_ms, id));
}

int store_account_set_totp_pending(struct db *db, int64_t id, const void *sealed, size_t n,
                                   int64_t now_ms)
{
    return changed_one(
        db_exec(db, "UPDATE accounts SET totp_pending_sealed = ?, totp_pending_at = ? WHERE id = ?",
                "bzi", sealed, n, sealed ? now_ms : (int64_t)0, id));
}

int store_account_confirm_totp(struct db *db, int64_t id, int64_t step, int64_t now_ms)
{
    return changed_one(db_exec(db,
                               "UPDATE accounts SET totp_sealed = totp_pending_sealed, "
                               "totp_enrolled_at = ?, totp_last_step = ?, "
                               "totp_pending_sealed = NULL, totp_pending_at = NULL "
                               "WHERE id = ? AND totp_pending_sealed IS NOT NULL",
                               "iii", now_ms, step, id));
}

int store_account_clear_totp(struct db *db, int64_t id)
{
    return changed_one(db_exec(db,
                               "UPDATE accounts SET totp_sealed = NULL, totp_enrolled_at = NULL, "
                               "totp_pending_sealed = NULL, totp_pending_at = NULL WHERE id = ?",
                               "i", id));
}

int store_account_use_totp_step(struct db *db, int64_t id, int64_t step)
{
    int64_t n =
        db_exec(db, "UPDATE accounts SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?",
                "iii", step, id, step);
    if (n < 0)
        return (int)n;
    return n == 0 ? -EALREADY : 0;
}

int store_account_role_add(struct db *db, int64_t district_id, int64_t account_id, const char *role,
                           int64_t org_id)
{
    int64_t n = db_exec(
        db, "INSERT INTO account_roles (district_id, account_id, role, org_id) VALUES (?, ?, ?, ?)",
        "iisz", district_id, account_id, role, org_id);
    return n < 0 ? (int)n : 0;
}

int store_account_grants(struct db *db, const struct account_row *a, int64_t day,
                         int (*cb)(void *arg, const char *role, int64_t org_id,
                                   const char *org_type),
                         void *arg)
{
    struct db_stmt *st;
    int r;

    if (a->user_id)
        r = db_query(db, &st,
                     "SELECT r.role, r.org_id, o.type FROM user_roles r JOIN orgs o ON o.id = "
                     "r.org_id WHERE r.district_id = ? AND r.user_id = ? AND r.status = 'active' "
                     "AND (r.begin_date IS NULL OR r.begin_date <= ?) "
                     "AND (r.end_date IS NULL OR r.end_date >= ?) ORDER BY r.id",
                     "iiii", a->district_id, a->user_id, day, day);
    else
        r = db_query(db, &st,
                     "SELECT r.role, r.org_id, o.type FROM account_roles r LEFT JOIN orgs o ON "
                     "o.id = r.org_id WHERE r.district_id = ? AND r.account_id = ? ORDER BY r.id",
                     "ii", a->district_id, a->id);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        bool no_org = db_col_null(st, 1);
        r = cb(arg, db_col_text(st, 0), no_org ? 0 : db_col_int64(st, 1),
               no_org ? "district" : db_col_text(st, 2));
        if (r < 0)
            break;
    }
    db_done(st);
    return r < 0 ? r : 0;
}

int store_person_orgs(struct db *db, int64_t district_id, int64_t user_id,
                      int (*cb)(void *arg, int64_t org_id), void *arg)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT org_id FROM user_orgs WHERE district_id = ? AND user_id = ? "
                     "UNION SELECT primary_org_id FROM users WHERE id = ? AND district_id = ? "
                     "AND primary_org_id IS NOT NULL",
                     "iiii", district_id, user_id, user_id, district_id);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        r = cb(arg, db_col_int64(st, 0));
        if (r < 0)
            break;
    }
    db_done(st);
    return r < 0 ? r : 0;
}

/* ---- sessions ---- */

int store_session_insert(struct db *db, const struct session_row *s,
                         const uint8_t token_hash[AUTH_HASH_LEN], const char *client_addr,
                         int64_t *ret_id)
{
    return db_query_int64(
        db, ret_id,
        "INSERT INTO sessions (district_id, account_id, token_hash, method, created_at, seen_at, "
        "expires_at, mfa_at, client_addr, card_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "RETURNING id",
        "iibsiiizsz", s->district_id, s->account_id, (const void *)token_hash,
        (size_t)AUTH_HASH_LEN, s->method, s->created_at, s->seen_at, s->expires_at, s->mfa_at,
        client_addr, s->card_id);
}

int store_session_lookup(struct db *db, const uint8_t token_hash[AUTH_HASH_LEN],
                         struct session_row *ret_s, struct account_row *ret_a)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT s.id, s.district_id, s.account_id, s.method, s.created_at, s.seen_at, "
                     "s.expires_at, s.mfa_at, s.ended_at, s.card_id, s.end_reason, " ACCOUNT_COLS
                     " FROM sessions s JOIN accounts a ON a.id = s.account_id "
                     "LEFT JOIN users u ON u.id = a.user_id WHERE s.token_hash = ?",
                     "b", (const void *)token_hash, (size_t)AUTH_HASH_LEN);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        memset(ret_s, 0, sizeof(*ret_s));
        ret_s->id = db_col_int64(st, 0);
        ret_s->district_id = db_col_int64(st, 1);
        ret_s->account_id = db_col_int64(st, 2);
        snprintf(ret_s->method, sizeof(ret_s->method), "%s", db_col_text(st, 3));
        ret_s->created_at = db_col_int64(st, 4);
        ret_s->seen_at = db_col_int64(st, 5);
        ret_s->expires_at = db_col_int64(st, 6);
        ret_s->mfa_at = db_col_null(st, 7) ? 0 : db_col_int64(st, 7);
        ret_s->ended_at = db_col_null(st, 8) ? 0 : db_col_int64(st, 8);
        ret_s->card_id = db_col_null(st, 9) ? 0 : db_col_int64(st, 9);
        if (!db_col_null(st, 10))
            snprintf(ret_s->end_reason, sizeof(ret_s->end_reason), "%s", db_col_text(st, 10));
        fill_account(st, 11, ret_a);
        r = 0;
    } else if (r == 0) {
        r = -ENOENT;
    }
    db_done(st);
    return r;
}

int store_session_touch(struct db *db, int64_t id, int64_t now_ms)
{
    /* quiet: a session cache keeps its own seen_at (store_write_gen) */
    bool quiet = db->quiet;
    db->quiet = true;
    int64_t n = db_exec(db, "UPDATE sessions SET seen_at = ? WHERE id = ? AND seen_at < ?", "iii",
                        now_ms, id, now_ms);
    db->quiet = quiet;
    return n < 0 ? (int)n : 0;
}

int store_session_set_mfa(struct db *db, int64_t id, int64_t now_ms)
{
    return changed_one(
        db_exec(db, "UPDATE sessions SET mfa_at = ? WHERE id = ?", "ii", now_ms, id));
}

int store_session_end(struct db *db, int64_t id, int64_t now_ms, const char *reason)
{
    return changed_one(db_exec(
        db, "UPDATE sessions SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL",
        "isi", now_ms, reason, id));
}

int store_session_end_account(struct db *db, int64_t account_id, int64_t now_ms, const char *reason)
{
    int64_t n = db_exec(db,
                        "UPDATE sessions SET ended_at = ?, end_reason = ? WHERE district_id = "
                        "(SELECT district_id FROM accounts WHERE id = ?) AND account_id = ? "
                        "AND ended_at IS NULL",
                        "isii", now_ms, reason, account_id, account_id);
    return n < 0 ? (int)n : 0;
}

int store_session_end_others(struct db *db, int64_t account_id, int64_t keep_session_id,
                             int64_t now_ms, const char *reason)
{
    int64_t n = db_exec(db,
                        "UPDATE sessions SET ended_at = ?, end_reason = ? WHERE district_id = "
                        "(SELECT district_id FROM accounts WHERE id = ?) AND account_id = ? "
                        "AND id <> ? AND ended_at IS NULL",
                        "isiii", now_ms, reason, account_id, account_id, keep_session_id);
    return n < 0 ? (int)n : 0;
}

int store_session_end_card(struct db *db, int64_t district_id, int64_t card_id, int64_t now_ms,
                           const char *reason, int64_t *ret_n)
{
    int64_t n = db_exec(db,
                        "UPDATE sessions SET ended_at = ?, end_reason = ? WHERE district_id = ? "
                        "AND card_id = ? AND ended_at IS NULL",
                        "isii", now_ms, reason, district_id, card_id);
    if (n < 0)
        return (int)n;
    *ret_n = n;
    return 0;
}

/* ---- recovery codes ---- */

int store_recovery_replace(struct db *db, int64_t district_id, int64_t account_id,
                           const uint8_t (*hashes)[16], size_t n, int64_t now_ms)
{
    int64_t r = db_exec(db,
                        "DELETE FROM recovery_codes WHERE district_id = ? AND account_id = ? AND "
                        "used_at IS NULL",
                        "ii", district_id, account_id);
    for (size_t i = 0; r >= 0 && i < n; i++)
        r = db_exec(db,
                    "INSERT INTO recovery_codes (district_id, account_id, code_hash, created_at) "
                    "VALUES (?, ?, ?, ?)",
                    "iibi", district_id, account_id, (const void *)hashes[i], (size_t)16, now_ms);
    return r < 0 ? (int)r : 0;
}

int store_recovery_use(struct db *db, int64_t account_id, const uint8_t hash[16], int64_t now_ms)
{
    return changed_one(db_exec(db,
                               "UPDATE recovery_codes SET used_at = ? WHERE district_id = "
                               "(SELECT district_id FROM accounts WHERE id = ?) AND account_id = "
                               "? AND code_hash = ? AND used_at IS NULL",
                               "iiib", now_ms, account_id, account_id, (const void *)hash,
                               (size_t)16));
}

int store_recovery_left(struct db *db, int64_t account_id, int64_t *ret_n)
{
    return db_query_int64(
        db, ret_n,
        "SELECT COUNT(*) FROM recovery_codes WHERE district_id = (SELECT district_id FROM "
        "accounts WHERE id = ?) AND account_id = ? AND used_at IS NULL",
        "ii", account_id, account_id);
}

/* ---- login cards ---- */

static int one_card(struct db *db, const char *sql, const char *fmt, int64_t a1, int64_t a2,
                    const uint8_t *index, struct card_row *ret)
{
    struct db_stmt *st;
    int r = fmt[0] == 'b' ? db_query(db, &st, sql, fmt, (const void *)index, (size_t)16)
                          : db_query(db, &st, sql, fmt, a1, a2);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        memset(ret, 0, sizeof(*ret));
        ret->id = db_col_int64(st, 0);
        ret->district_id = db_col_int64(st, 1);
        ret->user_id = db_col_int64(st, 2);
        copy_blob(st, 3, ret->sealed, sizeof(ret->sealed), &ret->sealed_len);
        ret->created_at = db_col_int64(st, 4);
        ret->revoked_at = db_col_null(st, 5) ? 0 : db_col_int64(st, 5);
        r = 0;
    } else if (r == 0) {
        r = -ENOENT;
    }
    db_done(st);
    return r;
}

int store_card_insert(struct db *db, const struct card_row *c, const uint8_t index[16],
                      const char *created_by, int64_t *ret_id)
{
    return db_query_int64(db, ret_id,
                          "INSERT INTO login_cards (district_id, user_id, code_index, code_sealed, "
                          "created_at, created_by) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                          "iibbis", c->district_id, c->user_id, (const void *)index, (size_t)16,
                          (const void *)c->sealed, c->sealed_len, c->created_at, created_by);
}

int store_card_active(struct db *db, int64_t district_id, int64_t user_id, struct card_row *ret)
{
    return one_card(db,
                    "SELECT id, district_id, user_id, code_sealed, created_at, revoked_at FROM "
                    "login_cards WHERE district_id = ? AND user_id = ? AND revoked_at IS NULL "
                    "ORDER BY id DESC LIMIT 1",
                    "ii", district_id, user_id, NULL, ret);
}

int store_card_by_index(struct db *db, const uint8_t index[16], struct card_row *ret)
{
    return one_card(db,
                    "SELECT id, district_id, user_id, code_sealed, created_at, revoked_at FROM "
                    "login_cards WHERE code_index = ?",
                    "b", 0, 0, index, ret);
}

int store_card_revoke(struct db *db, int64_t district_id, int64_t user_id, int64_t now_ms,
                      int64_t *ret_card_id)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "UPDATE login_cards SET revoked_at = ? WHERE district_id = ? AND user_id = ? "
                     "AND revoked_at IS NULL RETURNING id",
                     "iii", now_ms, district_id, user_id);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        *ret_card_id = db_col_int64(st, 0);
        r = 0;
    } else if (r == 0) {
        r = -ENOENT;
    }
    db_done(st);
    return r;
}

/* ---- throttling ---- */

int store_throttle_get(struct db *db, const uint8_t key[16], struct throttle_row *ret)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT failures, last_failure_at, blocked_until, last_success_at FROM "
                     "login_throttle WHERE tkey = ?",
                     "b", (const void *)key, (size_t)16);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        ret->failures = db_col_int64(st, 0);
        ret->last_failure_at = db_col_int64(st, 1);
        ret->blocked_until = db_col_int64(st, 2);
        ret->last_success_at = db_col_int64(st, 3);
        r = 0;
    } else if (r == 0) {
        r = -ENOENT;
    }
    db_done(st);
    return r;
}

int store_throttle_put(struct db *db, const uint8_t key[16], const struct throttle_row *t)
{
    int64_t n = db_exec(db,
                        "INSERT INTO login_throttle (tkey, failures, last_failure_at, "
                        "blocked_until, last_success_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (tkey) "
                        "DO UPDATE SET failures = excluded.failures, last_failure_at = "
                        "excluded.last_failure_at, blocked_until = excluded.blocked_until, "
                        "last_success_at = excluded.last_success_at",
                        "biiii", (const void *)key, (size_t)16, t->failures, t->last_failure_at,
                        t->blocked_until, t->last_success_at);
    return n < 0 ? (int)n : 0;
}

int store_throttle_clear(struct db *db, const uint8_t key[16])
{
    int64_t n = db_exec(db, "DELETE FROM login_throttle WHERE tkey = ?", "b", (const void *)key,
                        (size_t)16);
    return n < 0 ? (int)n : 0;
}

/* ---- export tripwire ---- */

int store_tripwire_add(struct db *db, int64_t district_id, int kind, int64_t actor_id, int64_t hour,
                       int64_t n, int64_t *ret_this, int64_t *ret_prev, bool *ret_alerted)
{
    struct db_stmt *st;
    int64_t prev = 0;
    int r = db_query(db, &st,
                     "INSERT INTO export_counters (district_id, actor_kind, actor_id, hour, "
                     "records) VALUES (?, ?, ?, ?, ?) ON CONFLICT (district_id, actor_kind, "
                     "actor_id, hour) DO UPDATE SET records = export_counters.records + "
                     "excluded.records RETURNING records, alerted",
                     "iiiii", district_id, (int64_t)kind, actor_id, hour, n);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        *ret_this = db_col_int64(st, 0);
        *ret_alerted = db_col_int64(st, 1) != 0;
        r = 0;
    } else if (r == 0) {
        r = -EIO;
    }
    db_done(st);
    if (r < 0)
        return r;
    r = db_query_int64(db, &prev,
                       "SELECT records FROM export_counters WHERE district_id = ? AND "
                       "actor_kind = ? AND actor_id = ? AND hour = ?",
                       "iiii", district_id, (int64_t)kind, actor_id, hour - 1);
    if (r == -ENOENT) {
        prev = 0;
        r = 0;
    }
    *ret_prev = prev;
    return r;
}

int store_tripwire_mark_alerted(struct db *db, int64_t district_id, int kind, int64_t actor_id,
                                int64_t hour)
{
    int64_t n = db_exec(db,
                        "UPDATE export_counters SET alerted = 1 WHERE district_id = ? AND "
                        "actor_kind = ? AND actor_id = ? AND hour = ?",
                        "iiii", district_id, (int64_t)kind, actor_id, hour);
    return n < 0 ? (int)n : 0;
}

/* ---- relationships ---- */

int store_person_facts(struct db *db, int64_t user_id, struct person_facts *ret)
{
    struct db_stmt *st;
    int r =
        db_query(db, &st, "SELECT district_id, role, status, enabled_user FROM users WHERE id = ?",
                 "i", user_id);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        ret->district_id = db_col_int64(st, 0);
        snprintf(ret->role, sizeof(ret->role), "%s", db_col_text(st, 1));
        ret->active = strcmp(db_col_text(st, 2), "active") == 0 && db_col_int64(st, 3) != 0;
        r = 0;
    } else if (r == 0) {
        r = -ENOENT;
    }
    db_done(st);
    return r;
}

int store_class_facts(struct db *db, int64_t class_id, int64_t *ret_district_id,
                      int64_t *ret_school_id)
{
    struct db_stmt *st;
    int r =
        db_query(db, &st, "SELECT district_id, school_id FROM classes WHERE id = ?", "i", class_id);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        *ret_district_id = db_col_int64(st, 0);
        *ret_school_id = db_col_int64(st, 1);
        r = 0;
    } else if (r == 0) {
        r = -ENOENT;
    }
    db_done(st);
    return r;
}

static int exists(int r)
{
    if (r == -ENOENT)
        return 0;
    return r < 0 ? r : 1;
}

/* the OneRoster roles that make an administrator (auth_map_role) */
#define ADMIN_ROLES                                                                 \
    "('administrator', 'principal', 'siteAdministrator', 'districtAdministrator', " \
    "'systemAdministrator')"

/* An enrollment alias's conditions: active, and its dates (if any) hold day. */
#define ENR_NOW(e)                                                                         \
    " AND " e ".status = 'active' AND (" e ".begin_date IS NULL OR " e ".begin_date <= ?)" \
    " AND (" e ".end_date IS NULL OR " e ".end_date >= ?)"
/* The class of enrollment alias e is active and has a term that holds day. */
#define CLASS_NOW(e)                                                                         \
    " AND EXISTS (SELECT 1 FROM classes c JOIN class_terms ct ON ct.district_id = "          \
    "c.district_id AND ct.class_id = c.id JOIN academic_sessions s ON s.id = ct.session_id " \
    "WHERE c.id = " e ".class_id AND c.status = 'active' AND s.status = 'active' AND "       \
    "s.start_date <= ? AND s.end_date >= ?)"

int store_teaches_class(struct db *db, int64_t district_id, int64_t teacher, int64_t class_id,
                        int64_t day)
{
    int64_t one;
    return exists(db_query_int64(db, &one,
                                 "SELECT 1 FROM enrollments t WHERE t.district_id = ? AND "
                                 "t.class_id = ? AND t.user_id = ? AND t.role IN ('teacher', "
                                 "'aide')" ENR_NOW("t") CLASS_NOW("t") " LIMIT 1",
                                 "iiiiiii", district_id, class_id, teacher, day, day, day, day));
}

int store_class_facts_teacher(struct db *db, int64_t class_id, int64_t teacher, int64_t day,
                              int64_t *ret_district_id, int64_t *ret_school_id, int *ret_teaches)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT k.district_id, k.school_id, CASE WHEN EXISTS (SELECT 1 FROM "
                     "enrollments t WHERE t.district_id = k.district_id AND t.class_id = k.id AND "
                     "t.user_id = ? AND t.role IN ('teacher', 'aide')" ENR_NOW("t")
                         CLASS_NOW("t") ") THEN 1 ELSE 0 END FROM classes k WHERE k.id = ?",
                     "iiiiii", teacher, day, day, day, day, class_id);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        *ret_district_id = db_col_int64(st, 0);
        *ret_school_id = db_col_int64(st, 1);
        *ret_teaches = db_col_int64(st, 2) != 0;
        r = 0;
    } else if (r == 0) {
        r = -ENOENT;
    }
    db_done(st);
    return r;
}

int store_teaches_student(struct db *db, int64_t district_id, int64_t teacher, int64_t student,
                          int64_t day)
{
    int64_t one;
    return exists(db_query_int64(
        db, &one,
        "SELECT 1 FROM enrollments t JOIN enrollments e ON e.district_id = t.district_id AND "
        "e.class_id = t.class_id WHERE t.district_id = ? AND t.user_id = ? AND t.role IN "
        "('teacher', 'aide')" ENR_NOW("t") " AND e.user_id = ? AND e.role = 'student'" ENR_NOW("e")
            CLASS_NOW("t") " LIMIT 1",
        "iiiiiiiii", district_id, teacher, day, day, student, day, day, day, day));
}

int store_enrolled_in_class(struct db *db, int64_t district_id, int64_t user, int64_t class_id,
                            int64_t day)
{
    int64_t one;
    return exists(db_query_int64(db, &one,
                                 "SELECT 1 FROM enrollments e WHERE e.district_id = ? AND "
                                 "e.class_id = ? AND e.user_id = ? AND e.role = 'student'" ENR_NOW(
                                     "e") CLASS_NOW("e") " LIMIT 1",
                                 "iiiiiii", district_id, class_id, user, day, day, day, day));
}

int store_person_is_admin(struct db *db, int64_t district_id, int64_t user_id)
{
    int64_t one;
    return exists(db_query_int64(
        db, &one,
        "SELECT 1 FROM users WHERE id = ? AND district_id = ? AND role IN " ADMIN_ROLES
        " UNION ALL SELECT 1 FROM user_roles WHERE district_id = ? AND user_id = ? AND "
        "status = 'active' AND role IN " ADMIN_ROLES " UNION ALL SELECT 1 FROM account_roles r "
        "JOIN accounts a ON a.id = r.account_id WHERE r.district_id = ? AND a.user_id = ? AND "
        "r.role IN ('school_admin', 'district_admin') LIMIT 1",
        "iiiiii", user_id, district_id, district_id, user_id, district_id, user_id));
}

int store_guardian_of(struct db *db, int64_t district_id, int64_t guardian, int64_t child)
{
    int64_t one;
    return exists(db_query_int64(db, &one,
                                 "SELECT 1 FROM user_agents WHERE district_id = ? AND "
                                 "((user_id = ? AND agent_id = ?) OR (user_id = ? AND "
                                 "agent_id = ?)) LIMIT 1",
                                 "iiiii", district_id, guardian, child, child, guardian));
}

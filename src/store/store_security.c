/*
 * Reads for the security self-check: see store_security.h.
 */
#include "base/common.h"

#include <stdio.h>

#include "store/db.h"
#include "store/store_security.h"

/* the OneRoster roles that make an administrator (as store_admin.c, store_person_is_admin) */
#define ADMIN_ROLES                                                                 \
    "('administrator', 'principal', 'siteAdministrator', 'districtAdministrator', " \
    "'systemAdministrator')"

static int each_account(struct db_stmt *st, int (*fn)(const struct security_account *a, void *arg),
                        void *arg)
{
    int r;
    while ((r = db_step(st)) > 0) {
        struct security_account a = {
            .account_id = db_col_int64(st, 0),
            .district = db_col_text(st, 1),
            .login = db_col_text(st, 2),
            .name = db_col_text(st, 3),
            .role = db_col_text(st, 4),
            .created_at = db_col_int64(st, 5),
            .last_login_at = db_col_int64(st, 6),
        };
        r = fn(&a, arg);
        if (r < 0)
            break;
    }
    db_done(st);
    return r < 0 ? r : 0;
}

int store_security_admins_without_mfa(struct db *db,
                                      int (*fn)(const struct security_account *a, void *arg),
                                      void *arg)
{
    struct db_stmt *st;
    int r = db_query(
        db, &st,
        "SELECT a.id, d.sourced_id, a.login, a.display_name, COALESCE((SELECT ur.role FROM "
        "user_roles ur WHERE ur.district_id = u.district_id AND ur.user_id = u.id AND ur.status "
        "= 'active' AND ur.role IN " ADMIN_ROLES " ORDER BY ur.id LIMIT 1), u.role), "
        "a.created_at, COALESCE(a.last_login_at, 0) "
        "FROM accounts a JOIN users u ON u.id = a.user_id JOIN districts d ON d.id = a.district_id "
        "WHERE a.disabled_at IS NULL AND a.totp_sealed IS NULL AND u.status = 'active' AND "
        "u.enabled_user <> 0 AND (u.role IN " ADMIN_ROLES " OR EXISTS (SELECT 1 FROM user_roles ur "
        "WHERE ur.district_id = u.district_id AND ur.user_id = u.id AND ur.status = 'active' AND "
        "ur.role IN " ADMIN_ROLES ")) "
        "UNION ALL "
        "SELECT a.id, d.sourced_id, a.login, a.display_name, (SELECT ar.role FROM account_roles ar "
        "WHERE ar.account_id = a.id AND ar.role IN ('school_admin', 'district_admin') ORDER BY "
        "ar.id LIMIT 1), a.created_at, COALESCE(a.last_login_at, 0) "
        "FROM accounts a JOIN districts d ON d.id = a.district_id WHERE a.user_id IS NULL AND "
        "a.disabled_at IS NULL AND a.totp_sealed IS NULL AND EXISTS (SELECT 1 FROM account_roles "
        "ar WHERE ar.account_id = a.id AND ar.role IN ('school_admin', 'district_admin')) "
        "ORDER BY 2, 3",
        "");
    return r < 0 ? r : each_account(st, fn, arg);
}

int store_security_stale_accounts(struct db *db, int64_t before_ms,
                                  int (*fn)(const struct security_account *a, void *arg), void *arg)
{
    struct db_stmt *st;
    int r = db_query(
        db, &st,
        "SELECT a.id, d.sourced_id, a.login, a.display_name, COALESCE(u.role, (SELECT ar.role "
        "FROM account_roles ar WHERE ar.account_id = a.id ORDER BY ar.id LIMIT 1), ''), "
        "a.created_at, COALESCE(a.last_login_at, 0) "
        "FROM accounts a JOIN districts d ON d.id = a.district_id LEFT JOIN users u ON u.id = "
        "a.user_id WHERE a.disabled_at IS NULL AND (a.user_id IS NULL OR (u.status = 'active' AND "
        "u.enabled_user <> 0)) AND a.created_at < ? AND COALESCE(a.last_login_at, 0) < ? AND "
        "COALESCE(a.password_set_at, 0) < ? ORDER BY 2, 3",
        "iii", before_ms, before_ms, before_ms);
    return r < 0 ? r : each_account(st, fn, arg);
}

int store_security_clients(struct db *db, int (*fn)(const struct security_client *c, void *arg),
                           void *arg)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT d.sourced_id, c.name, c.client_key, c.created_at FROM api_clients c "
                     "JOIN districts d ON d.id = c.district_id WHERE c.revoked_at IS NULL "
                     "ORDER BY d.sourced_id, c.name",
                     "");
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        struct security_client c = {db_col_text(st, 0), db_col_text(st, 1), db_col_text(st, 2),
                                    db_col_int64(st, 3)};
        r = fn(&c, arg);
        if (r < 0)
            break;
    }
    db_done(st);
    return r < 0 ? r : 0;
}

int store_security_export_alerts(struct db *db, int64_t since_ms, int64_t limit,
                                 int (*fn)(const struct security_alert *a, void *arg), void *arg)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT l.at, COALESCE(d.sourced_id, ''), l.actor_kind, l.actor_name, "
                     "l.outcome, l.detail FROM audit_log l LEFT JOIN districts d ON d.id = l.chain "
                     "WHERE l.action = 'alert' AND l.detail LIKE 'bulk-export tripwire:%' AND "
                     "l.at >= ? ORDER BY l.at DESC, l.id DESC LIMIT ?",
                     "ii", since_ms, limit);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        struct security_alert a = {db_col_int64(st, 0), db_col_text(st, 1), db_col_text(st, 2),
                                   db_col_text(st, 3),  db_col_text(st, 4), db_col_text(st, 5)};
        r = fn(&a, arg);
        if (r < 0)
            break;
    }
    db_done(st);
    return r < 0 ? r : 0;
}

int store_account_last_use(struct db *db, int64_t account_id, int64_t *ret_ms)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT created_at, COALESCE(last_login_at, 0), COALESCE(password_set_at, 0) "
                     "FROM accounts WHERE id = ?",
                     "i", account_id);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        int64_t m = db_col_int64(st, 0);
        for (int i = 1; i < 3; i++)
            if (db_col_int64(st, i) > m)
                m = db_col_int64(st, i);
        *ret_ms = m;
        r = 0;
    } else if (r == 0) {
        r = -ENOENT;
    }
    db_done(st);
    return r;
}

int store_account_open_enrolment(struct db *db, int64_t account_id, int64_t until_ms)
{
    int64_t n = db_exec(db, "UPDATE accounts SET mfa_enrol_until = ? WHERE id = ?", "zi", until_ms,
                        account_id);
    return n < 0 ? (int)n : n == 0 ? -ENOENT : 0;
}

int store_account_enrol_until(struct db *db, int64_t account_id, int64_t *ret_ms)
{
    struct db_stmt *st;
    int r = db_query(db, &st, "SELECT COALESCE(mfa_enrol_until, 0) FROM accounts WHERE id = ?", "i",
                     account_id);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        *ret_ms = db_col_int64(st, 0);
        r = 0;
    } else if (r == 0) {
        r = -ENOENT;
    }
    db_done(st);
    return r;
}

int store_security_last_backup(struct db *db, int64_t *ret_at, char *detail, size_t n)
{
    struct db_stmt *st;
    int r = db_query(
        db, &st,
        "SELECT at, detail FROM audit_log WHERE chain = 0 AND action = 'admin' AND object = "
        "'backup' AND outcome = 'ok' ORDER BY at DESC, id DESC LIMIT 1",
        "");
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        *ret_at = db_col_int64(st, 0);
        snprintf(detail, n, "%s", db_col_text(st, 1));
        r = 0;
    } else if (r == 0) {
        r = -ENOENT;
    }
    db_done(st);
    return r;
}

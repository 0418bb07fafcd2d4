/*
 * Reads for the administration pages: see store_admin.h.
 */
#include "base/common.h"

#include <stdio.h>

#include "base/buf.h"
#include "store/db.h"
#include "store/grant_impl.h"
#include "store/store_admin.h"

/* the OneRoster roles that make an administrator (as store_person_is_admin) */
#define ADMIN_ROLES                                                                 \
    "('administrator', 'principal', 'siteAdministrator', 'districtAdministrator', " \
    "'systemAdministrator')"

/* A LIKE pattern matching q anywhere, in lower case, its own % _ and \ escaped. */
static int like_pattern(const char *q, struct buf *out)
{
    int r = buf_putc(out, '%');
    for (; r == 0 && *q; q++) {
        char ch = *q >= 'A' && *q <= 'Z' ? (char)(*q - 'A' + 'a') : *q;
        if (ch == '%' || ch == '_' || ch == '\\')
            r = buf_putc(out, '\\');
        if (r == 0)
            r = buf_putc(out, ch);
    }
    return r == 0 ? buf_putc(out, '%') : r;
}

int store_admin_people(struct db *db, struct grant *g, const char *q, int64_t offset, int64_t limit,
                       int (*cb)(void *arg, const struct admin_person *p), void *arg)
{
    struct buf like = BUF_INIT(1024), exact = BUF_INIT(512);
    struct db_stmt *st = NULL;
    int64_t district_id = g ? g->district_id : 0, school_id = 0;
    int r;

    if (g && g->kind == RES_SCHOOL) {
        school_id = g->id;
        r = grant_covers(g, db, RES_SCHOOL, district_id, school_id, ACT_CREDENTIALS);
    } else {
        r = grant_covers(g, db, RES_DISTRICT, district_id, district_id, ACT_CREDENTIALS);
    }
    if (r < 0)
        return r;
    if (!school_id && g->id == 0)
        return -EACCES; /* a grant for the district, not for "every district" */
    r = like_pattern(q, &like);
    for (const char *p = q; r == 0 && *p; p++)
        r = buf_putc(&exact, *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p);
    if (r < 0)
        goto out;
    const char *lk = buf_cstr(&like), *ex = buf_cstr(&exact);
    r = db_query(
        db, &st,
        "SELECT u.id, COALESCE(a.id, 0), u.sourced_id, u.username, u.given_name, u.family_name, "
        "COALESCE(u.preferred_given_name, ''), u.role, COALESCE(po.type, ''), "
        "CASE WHEN po.type = 'school' THEN po.id ELSE 0 END, "
        "CASE WHEN po.type = 'school' THEN po.name ELSE '' END, "
        "CASE WHEN u.status = 'active' AND u.enabled_user <> 0 THEN 1 ELSE 0 END, "
        "CASE WHEN u.role IN " ADMIN_ROLES " OR EXISTS (SELECT 1 FROM user_roles ur WHERE "
        "ur.district_id = u.district_id AND ur.user_id = u.id AND ur.status = 'active' AND "
        "ur.role IN " ADMIN_ROLES ") THEN 1 ELSE 0 END, "
        "CASE WHEN a.password_hash IS NOT NULL AND a.password_hash <> '' THEN 1 ELSE 0 END, "
        "CASE WHEN a.totp_sealed IS NOT NULL THEN 1 ELSE 0 END, COALESCE(a.disabled_at, 0), "
        "COALESCE(a.last_login_at, 0), COALESCE(a.login, ''), lower(u.family_name), "
        "lower(u.given_name), u.id "
        "FROM users u LEFT JOIN accounts a ON a.district_id = u.district_id AND a.user_id = u.id "
        "LEFT JOIN orgs po ON po.id = u.primary_org_id "
        "WHERE u.district_id = ? AND (? = 0 OR u.primary_org_id = ? OR u.id IN (SELECT uo.user_id "
        "FROM user_orgs uo WHERE uo.district_id = ? AND uo.org_id = ?)) AND (? = '' OR "
        "lower(u.username) LIKE ? ESCAPE '\\' OR lower(u.given_name || ' ' || u.family_name) LIKE "
        "? ESCAPE '\\' OR lower(COALESCE(u.preferred_given_name, '') || ' ' || u.family_name) "
        "LIKE ? ESCAPE '\\' OR lower(COALESCE(a.login, '')) LIKE ? ESCAPE '\\' OR "
        "lower(u.sourced_id) = ?) "
        "UNION ALL "
        "SELECT 0, a.id, '', a.login, a.display_name, '', '', COALESCE((SELECT ar.role FROM "
        "account_roles ar WHERE ar.account_id = a.id ORDER BY ar.id LIMIT 1), ''), 'local', 0, "
        "'', 1, CASE WHEN EXISTS (SELECT 1 FROM account_roles ar WHERE ar.account_id = a.id AND "
        "ar.role IN ('school_admin', 'district_admin')) THEN 1 ELSE 0 END, "
        "CASE WHEN a.password_hash IS NOT NULL AND a.password_hash <> '' THEN 1 ELSE 0 END, "
        "CASE WHEN a.totp_sealed IS NOT NULL THEN 1 ELSE 0 END, COALESCE(a.disabled_at, 0), "
        "COALESCE(a.last_login_at, 0), a.login, lower(a.display_name), '', a.id "
        "FROM accounts a WHERE a.district_id = ? AND a.user_id IS NULL AND ? = 0 AND (? = '' OR "
        "lower(a.login) LIKE ? ESCAPE '\\' OR lower(a.display_name) LIKE ? ESCAPE '\\') "
        "ORDER BY 19, 20, 21 LIMIT ? OFFSET ?",
        "iiiiissssssiisssii", district_id, school_id, school_id, district_id, school_id, ex, lk, lk,
        lk, lk, ex, district_id, school_id, ex, lk, lk, limit, offset);
    if (r < 0)
        goto out;
    while ((r = db_step(st)) > 0) {
        struct admin_person p = {
            .user_id = db_col_int64(st, 0),
            .account_id = db_col_int64(st, 1),
            .sourced_id = db_col_text(st, 2),
            .username = db_col_text(st, 3),
            .given_name = db_col_text(st, 4),
            .family_name = db_col_text(st, 5),
            .preferred_given_name = db_col_text(st, 6),
            .role = db_col_text(st, 7),
            .org_type = db_col_text(st, 8),
            .school_id = db_col_int64(st, 9),
            .school = db_col_text(st, 10),
            .active = db_col_int64(st, 11) != 0,
            .administrator = db_col_int64(st, 12) != 0,
            .has_password = db_col_int64(st, 13) != 0,
            .mfa_enrolled = db_col_int64(st, 14) != 0,
            .disabled_at = db_col_int64(st, 15),
            .last_login_at = db_col_int64(st, 16),
            .login = db_col_text(st, 17),
        };
        r = cb(arg, &p);
        if (r != 0) {
            r = r > 0 ? 0 : r; /* > 0: the caller stopped before this row; not returned */
            break;
        }
        if (p.user_id && !strcmp(p.role, "student"))
            grant_note(g, p.user_id);
    }
out:
    db_done(st);
    buf_release(&like);
    buf_release(&exact);
    return r < 0 ? r : 0;
}

int store_user_login_name(struct db *db, int64_t district_id, int64_t user_id, char **ret)
{
    struct db_stmt *st;
    int r = db_query(db, &st, "SELECT username FROM users WHERE district_id = ? AND id = ?", "ii",
                     district_id, user_id);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0)
        r = db_col_strdup(st, 0, ret);
    else if (r == 0)
        r = -ENOENT;
    db_done(st);
    return r;
}

/*
 * Roster storage: see store_roster.h. The generic record statements are
 * built once from the table descriptions below (the prepared-statement cache
 * is keyed by the SQL text's address, so the text lives in static storage).
 * SQL is portable: `IS DISTINCT FROM` (SQLite 3.39+, PostgreSQL), RETURNING.
 */
#include "base/common.h"

#include <pthread.h>
#include <stdio.h>

#include "base/buf.h"
#include "base/mem.h"
#include "store/db.h"
#include "store/grant_impl.h"
#include "store/store_roster.h"

struct kdesc {
    const char *table;
    const char *cols[USR_NCOLS];
    size_t ncols;
    unsigned nocmp; /* bit i: column i is not compared (sealed values: a digest column is) */
    const char *export_sql;
    const char *export_types; /* one letter per exported column: s text, i int, b blob */
};

static const struct kdesc kinds[RK_COUNT] = {
    [RK_ORG] = {"orgs",
                {"name", "type", "identifier"},
                ORG_NCOLS,
                0,
                "SELECT o.sourced_id, o.status, o.date_last_modified, o.name, o.type, o.identifier,"
                " p.sourced_id FROM orgs o LEFT JOIN orgs p ON p.id = o.parent_id"
                " WHERE o.district_id = ? ORDER BY o.sourced_id",
                "ssissss"},
    [RK_SESSION] = {"academic_sessions",
                    {"title", "type", "start_date", "end_date", "school_year", "org_id"},
                    SES_NCOLS,
                    0,
                    "SELECT a.sourced_id, a.status, a.date_last_modified, a.title, a.type,"
                    " a.start_date, a.end_date, p.sourced_id, a.school_year"
                    " FROM academic_sessions a LEFT JOIN academic_sessions p ON p.id = a.parent_id"
                    " WHERE a.district_id = ? ORDER BY a.sourced_id",
                    "ssissiisi"},
    [RK_COURSE] = {"courses",
                   {"school_year_id", "title", "course_code", "grades", "org_id", "subjects",
                    "subject_codes"},
                   CRS_NCOLS,
                   0,
                   "SELECT c.sourced_id, c.status, c.date_last_modified, y.sourced_id, c.title,"
                   " c.course_code, c.grades, o.sourced_id, c.subjects, c.subject_codes"
                   " FROM courses c JOIN orgs o ON o.id = c.org_id"
                   " LEFT JOIN academic_sessions y ON y.id = c.school_year_id"
                   " WHERE c.district_id = ? ORDER BY c.sourced_id",
                   "ssisssssss"},
    [RK_CLASS] = {"classes",
                  {"title", "grades", "course_id", "class_code", "class_type", "location",
                   "school_id", "subjects", "subject_codes", "periods"},
                  CLS_NCOLS,
                  0,
                  "SELECT c.sourced_id, c.status, c.date_last_modified, c.title, c.grades,"
                  " k.sourced_id, c.class_code, c.class_type, c.location, s.sourced_id, NULL,"
                  " c.subjects, c.subject_codes, c.periods"
                  " FROM classes c JOIN courses k ON k.id = c.course_id"
                  " JOIN orgs s ON s.id = c.school_id"
                  " WHERE c.district_id = ? ORDER BY c.sourced_id",
                  "ssisssssssssss"},
    [RK_USER] = {"users",
                 {"enabled_user",
                  "role",
                  "username",
                  "user_ids",
                  "given_name",
                  "family_name",
                  "middle_name",
                  "identifier",
                  "email_sealed",
                  "email_index",
                  "sms_sealed",
                  "phone_sealed",
                  "contact_digest",
                  "grades",
                  "user_master_identifier",
                  "preferred_given_name",
                  "preferred_middle_name",
                  "preferred_family_name",
                  "primary_org_id",
                  "pronouns"},
                 USR_NCOLS,
                 (1u << USR_EMAIL_SEALED) | (1u << USR_SMS_SEALED) | (1u << USR_PHONE_SEALED),
                 "SELECT u.sourced_id, u.status, u.date_last_modified, u.enabled_user, u.username,"
                 " u.user_ids, u.given_name, u.family_name, u.middle_name, u.identifier,"
                 " u.email_sealed, u.sms_sealed, u.phone_sealed, NULL, u.grades, NULL,"
                 " u.user_master_identifier, u.preferred_given_name, u.preferred_middle_name,"
                 " u.preferred_family_name, o.sourced_id, u.pronouns"
                 " FROM users u LEFT JOIN orgs o ON o.id = u.primary_org_id"
                 " WHERE u.district_id = ? ORDER BY u.sourced_id",
                 "ssiissssssbbbsssssssss"},
    [RK_PROFILE] = {"user_profiles",
                    {"user_id", "profile_type", "vendor_id", "application_id", "description",
                     "credential_type", "username"},
                    PRF_NCOLS,
                    0,
                    "SELECT p.sourced_id, p.status, p.date_last_modified, u.sourced_id,"
                    " p.profile_type, p.vendor_id, p.application_id, p.description,"
                    " p.credential_type, p.username, NULL"
                    " FROM user_profiles p JOIN users u ON u.id = p.user_id"
                    " WHERE p.district_id = ? ORDER BY p.sourced_id",
                    "ssissssssss"},
    [RK_ROLE] =
        {"user_roles",
         {"user_id", "role_type", "role", "begin_date", "end_date", "org_id",
          "user_profile_sourced_id"},
         ROL_NCOLS,
         0,
         "SELECT r.sourced_id, r.status, r.date_last_modified, u.sourced_id, r.role_type,"
         " r.role, r.begin_date, r.end_date, o.sourced_id, r.user_profile_sourced_id"
         " FROM user_roles r JOIN users u ON u.id = r.user_id JOIN orgs o ON o.id = r.org_id"
         " WHERE r.district_id = ? ORDER BY r.sourced_id",
         "ssisssiiss"},
    [RK_ENROLLMENT] = {"enrollments",
                       {"class_id", "school_id", "user_id", "role", "is_primary", "begin_date",
                        "end_date"},
                       ENR_NCOLS,
                       0,
                       "SELECT e.sourced_id, e.status, e.date_last_modified, c.sourced_id,"
                       " s.sourced_id, u.sourced_id, e.role, e.is_primary, e.begin_date,"
                       " e.end_date FROM enrollments e JOIN classes c ON c.id = e.class_id"
                       " JOIN orgs s ON s.id = e.school_id JOIN users u ON u.id = e.user_id"
                       " WHERE e.district_id = ? ORDER BY e.sourced_id",
                       "ssisssssii"},
    [RK_DEMOGRAPHIC] = {"demographics",
                        {"user_id", "sealed", "digest"},
                        DEM_NCOLS,
                        1u << DEM_SEALED,
                        "SELECT d.sourced_id, d.status, d.date_last_modified, d.sealed"
                        " FROM demographics d WHERE d.district_id = ? ORDER BY d.sourced_id",
                        "ssib"},
};

static char sql_insert[RK_COUNT][1024];
static char sql_update[RK_COUNT][2048];
static char sql_load[RK_COUNT][160];
static char sql_deactivate[RK_COUNT][160];
static pthread_once_t sql_once = PTHREAD_ONCE_INIT;

static void build_sql(void)
{
    for (size_t k = 0; k < RK_COUNT; k++) {
        const struct kdesc *d = &kinds[k];
        struct buf b = BUF_INIT(4096);
        int r = 0;

        r |= buf_appendf(&b, "INSERT INTO %s (district_id, sourced_id, status, date_last_modified",
                         d->table);
        for (size_t i = 0; i < d->ncols; i++)
            r |= buf_appendf(&b, ", %s", d->cols[i]);
        r |= buf_appends(&b, ") VALUES (?, ?, ?, ?");
        for (size_t i = 0; i < d->ncols; i++)
            r |= buf_appends(&b, ", ?");
        r |= buf_appends(&b, ") RETURNING id");
        snprintf(sql_insert[k], sizeof(sql_insert[k]), "%s", buf_cstr(&b));

        buf_reset(&b);
        r |= buf_appendf(&b, "UPDATE %s SET status = ?, date_last_modified = ?", d->table);
        for (size_t i = 0; i < d->ncols; i++)
            r |= buf_appendf(&b, ", %s = ?", d->cols[i]);
        r |= buf_appends(&b, " WHERE id = ? AND (status IS DISTINCT FROM ?"
                             " OR date_last_modified IS DISTINCT FROM ?");
        for (size_t i = 0; i < d->ncols; i++)
            if (!(d->nocmp & (1u << i)))
                r |= buf_appendf(&b, " OR %s IS DISTINCT FROM ?", d->cols[i]);
        r |= buf_appends(&b, ")");
        snprintf(sql_update[k], sizeof(sql_update[k]), "%s", buf_cstr(&b));
        buf_release(&b);
        (void)r; /* the buffers are far larger than the statements */

        snprintf(sql_load[k], sizeof(sql_load[k]),
                 "SELECT id, sourced_id, date_last_modified, status FROM %s WHERE district_id = ?",
                 d->table);
        snprintf(sql_deactivate[k], sizeof(sql_deactivate[k]),
                 "UPDATE %s SET status = 'tobedeleted', date_last_modified = ? WHERE id = ?",
                 d->table);
    }
}

size_t store_roster_ncols(enum roster_kind k)
{
    return kinds[k].ncols;
}

static int bind_val(struct db_stmt *st, int idx, const struct rval *v)
{
    switch (v->t) {
    case RVAL_TEXT:
        return db_bind_text(st, idx, v->s.p ? v->s : STR_LIT(""));
    case RVAL_INT:
        return db_bind_int64(st, idx, v->i);
    case RVAL_BLOB:
        return db_bind_blob(st, idx, v->b ? v->b : "", v->n);
    default:
        return db_bind_null(st, idx);
    }
}

static int bind_dlm(struct db_stmt *st, int idx, int64_t dlm)
{
    return dlm ? db_bind_int64(st, idx, dlm) : db_bind_null(st, idx);
}

int store_roster_load(struct db *db, enum roster_kind k, int64_t district_id,
                      int (*cb)(void *arg, struct str sourced_id, int64_t id, int64_t dlm,
                                bool active),
                      void *arg)
{
    struct db_stmt *st;
    int r;

    pthread_once(&sql_once, build_sql);
    r = db_query(db, &st, sql_load[k], "i", district_id);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        r = cb(arg, db_col_str(st, 1), db_col_int64(st, 0),
               db_col_null(st, 2) ? 0 : db_col_int64(st, 2),
               strcmp(db_col_text(st, 3), "active") == 0);
        if (r < 0)
            break;
    }
    db_done(st);
    return r < 0 ? r : 0;
}

int store_roster_insert(struct db *db, enum roster_kind k, int64_t district_id,
                        struct str sourced_id, const char *status, int64_t dlm,
                        const struct rval *vals, int64_t *ret_id)
{
    const struct kdesc *d = &kinds[k];
    struct db_stmt *st;
    int r, idx = 1;

    pthread_once(&sql_once, build_sql);
    db_tx_all_or_nothing(db); /* the import: any failure rolls it all back */
    r = db_prepare(db, sql_insert[k], &st);
    if (r < 0)
        return r;
    r = db_bind_int64(st, idx++, district_id);
    if (r == 0)
        r = db_bind_text(st, idx++, sourced_id);
    if (r == 0)
        r = db_bind_text(st, idx++, str_from(status));
    if (r == 0)
        r = bind_dlm(st, idx++, dlm);
    for (size_t i = 0; r == 0 && i < d->ncols; i++)
        r = bind_val(st, idx++, &vals[i]);
    if (r == 0) {
        r = db_step(st);
        if (r > 0) {
            *ret_id = db_col_int64(st, 0);
            r = 0;
        } else if (r == 0) {
            r = -EIO;
        }
    }
    db_done(st);
    return r;
}

int store_roster_update(struct db *db, enum roster_kind k, int64_t id, const char *status,
                        int64_t dlm_set, int64_t dlm_cmp, const struct rval *vals)
{
    const struct kdesc *d = &kinds[k];
    struct db_stmt *st;
    int r, idx = 1;

    pthread_once(&sql_once, build_sql);
    r = db_prepare(db, sql_update[k], &st);
    if (r < 0)
        return r;
    r = db_bind_text(st, idx++, str_from(status));
    if (r == 0)
        r = bind_dlm(st, idx++, dlm_set);
    for (size_t i = 0; r == 0 && i < d->ncols; i++)
        r = bind_val(st, idx++, &vals[i]);
    if (r == 0)
        r = db_bind_int64(st, idx++, id);
    if (r == 0)
        r = db_bind_text(st, idx++, str_from(status));
    if (r == 0)
        r = bind_dlm(st, idx++, dlm_cmp);
    for (size_t i = 0; r == 0 && i < d->ncols; i++)
        if (!(d->nocmp & (1u << i)))
            r = bind_val(st, idx++, &vals[i]);
    if (r == 0) {
        while ((r = db_step(st)) > 0)
            ;
        if (r == 0)
            r = db_changes(st) > 0 ? 1 : 0;
    }
    db_done(st);
    return r;
}

int store_roster_user_role(struct db *db, int64_t user_id, char **ret_role)
{
    struct db_stmt *st;
    int r = db_query(db, &st, "SELECT role FROM users WHERE id = ?", "i", user_id);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0)
        r = db_col_strdup(st, 0, ret_role);
    else if (r == 0)
        r = -ENOENT;
    db_done(st);
    return r;
}

int store_roster_deactivate(struct db *db, enum roster_kind k, int64_t id, int64_t dlm)
{
    pthread_once(&sql_once, build_sql);
    int64_t n = db_exec(db, sql_deactivate[k], "ii", dlm, id);
    return n < 0 ? (int)n : 0;
}

int store_roster_set_parent(struct db *db, enum roster_kind k, int64_t id, int64_t parent_id)
{
    int64_t n;
    if (k == RK_ORG)
        n = db_exec(db,
                    "UPDATE orgs SET parent_id = ? WHERE id = ? AND parent_id IS DISTINCT FROM ?",
                    "ziz", parent_id, id, parent_id);
    else if (k == RK_SESSION)
        n = db_exec(db,
                    "UPDATE academic_sessions SET parent_id = ? WHERE id = ?"
                    " AND parent_id IS DISTINCT FROM ?",
                    "ziz", parent_id, id, parent_id);
    else
        return -EINVAL;
    return n < 0 ? (int)n : n > 0;
}

static const struct {
    const char *select, *del, *insert, *export;
} links[LINK_COUNT] = {
    [LINK_CLASS_TERMS] =
        {"SELECT session_id FROM class_terms WHERE district_id = ? AND class_id = ? ORDER BY ord",
         "DELETE FROM class_terms WHERE district_id = ? AND class_id = ?",
         "INSERT INTO class_terms (district_id, class_id, session_id, ord) VALUES (?, ?, ?, ?)",
         "SELECT c.sourced_id, s.sourced_id FROM class_terms t JOIN classes c ON c.id = t.class_id"
         " JOIN academic_sessions s ON s.id = t.session_id WHERE t.district_id = ?"
         " ORDER BY c.sourced_id, t.ord"},
    [LINK_USER_ORGS] =
        {"SELECT org_id FROM user_orgs WHERE district_id = ? AND user_id = ? ORDER BY ord",
         "DELETE FROM user_orgs WHERE district_id = ? AND user_id = ?",
         "INSERT INTO user_orgs (district_id, user_id, org_id, ord) VALUES (?, ?, ?, ?)",
         "SELECT u.sourced_id, o.sourced_id FROM user_orgs t JOIN users u ON u.id = t.user_id"
         " JOIN orgs o ON o.id = t.org_id WHERE t.district_id = ? ORDER BY u.sourced_id, t.ord"},
    [LINK_USER_AGENTS] =
        {"SELECT agent_id FROM user_agents WHERE district_id = ? AND user_id = ? ORDER BY ord",
         "DELETE FROM user_agents WHERE district_id = ? AND user_id = ?",
         "INSERT INTO user_agents (district_id, user_id, agent_id, ord) VALUES (?, ?, ?, ?)",
         "SELECT u.sourced_id, a.sourced_id FROM user_agents t JOIN users u ON u.id = t.user_id"
         " JOIN users a ON a.id = t.agent_id WHERE t.district_id = ? ORDER BY u.sourced_id, t.ord"},
};

int store_roster_set_links(struct db *db, enum roster_link l, int64_t district_id, int64_t owner,
                           const int64_t *ids, size_t n, bool fresh)
{
    struct db_stmt *st;
    size_t have = 0;
    bool same = true;
    int r;

    db_tx_all_or_nothing(db); /* the import: any failure rolls it all back */
    if (fresh) {
        if (n == 0)
            return 0;
        goto insert;
    }
    r = db_query(db, &st, links[l].select, "ii", district_id, owner);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        if (have >= n || db_col_int64(st, 0) != ids[have])
            same = false;
        have++;
    }
    db_done(st);
    if (r < 0)
        return r;
    if (same && have == n)
        return 0;
    if (have > 0) {
        int64_t d = db_exec(db, links[l].del, "ii", district_id, owner);
        if (d < 0)
            return (int)d;
    }
insert:
    for (size_t i = 0; i < n; i++) {
        int64_t x = db_exec(db, links[l].insert, "iiii", district_id, owner, ids[i], (int64_t)i);
        if (x < 0)
            return (int)x;
    }
    return 1;
}

int store_roster_sync_user_orgs(struct db *db, int64_t district_id, int64_t user_id, bool fresh)
{
    int64_t ids[64];
    size_t n = 0;
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT org_id FROM user_roles WHERE district_id = ? AND user_id = ?"
                     " AND status = 'active' ORDER BY role_type, sourced_id",
                     "ii", district_id, user_id);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        int64_t o = db_col_int64(st, 0);
        bool dup = false;
        for (size_t i = 0; i < n; i++)
            dup |= ids[i] == o;
        if (!dup && n < ARRAY_SIZE(ids))
            ids[n++] = o;
    }
    db_done(st);
    if (r < 0)
        return r;
    return store_roster_set_links(db, LINK_USER_ORGS, district_id, user_id, ids, n, fresh);
}

int store_roster_log_import(struct db *db, int64_t district_id, int64_t at, const char *principal,
                            const char *source, const char *version, const char *summary)
{
    int64_t n = db_exec(db,
                        "INSERT INTO roster_imports (district_id, at, principal, source, version,"
                        " summary) VALUES (?, ?, ?, ?, ?, ?)",
                        "iissss", district_id, at, principal, source, version, summary);
    return n < 0 ? (int)n : 0;
}

int store_roster_students(struct db *db, struct grant *g, int64_t district_id,
                          int (*cb)(void *arg, int64_t user_id), void *arg)
{
    struct db_stmt *st;
    int r = grant_covers(g, db, RES_DISTRICT, district_id, district_id, ACT_EXPORT);
    if (r < 0)
        return r;
    r = db_query(db, &st,
                 "SELECT id FROM users WHERE district_id = ? AND role = 'student' ORDER BY id", "i",
                 district_id);
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

/* The roles that make an administrator (auth.c's map_role reads them the same way). */
#define ADMIN_ROLES                                                                 \
    "('administrator', 'principal', 'siteAdministrator', 'districtAdministrator', " \
    "'systemAdministrator')"
#define ADMIN_USERS                                                                    \
    "(SELECT user_id FROM user_roles WHERE district_id = ? AND status = 'active' AND " \
    "role IN " ADMIN_ROLES ")"

int store_roster_admins(struct db *db, int64_t district_id,
                        int (*cb)(void *arg, const struct roster_admin_rec *rec), void *arg)
{
    struct db_stmt *st;
    struct roster_admin_rec rec;
    int r = db_query(db, &st,
                     "SELECT r.id, r.user_id, r.org_id, o.type, CASE WHEN r.status = 'active' AND "
                     "r.role IN " ADMIN_ROLES " THEN 1 ELSE 0 END FROM user_roles r JOIN orgs o "
                     "ON o.id = r.org_id WHERE r.district_id = ? AND r.user_id IN " ADMIN_USERS,
                     "ii", district_id, district_id);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        memset(&rec, 0, sizeof(rec));
        rec.kind = RK_ROLE;
        rec.id = db_col_int64(st, 0);
        rec.user_id = db_col_int64(st, 1);
        rec.org_id = db_col_int64(st, 2);
        rec.org_type = db_col_text(st, 3);
        rec.admin_role = db_col_int64(st, 4) != 0;
        r = cb(arg, &rec);
        if (r < 0)
            break;
    }
    db_done(st);
    if (r < 0)
        return r;
    r = db_query(
        db, &st,
        "SELECT id, user_id FROM user_profiles WHERE district_id = ? AND user_id IN " ADMIN_USERS,
        "ii", district_id, district_id);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        memset(&rec, 0, sizeof(rec));
        rec.kind = RK_PROFILE;
        rec.id = db_col_int64(st, 0);
        rec.user_id = db_col_int64(st, 1);
        rec.org_type = "";
        r = cb(arg, &rec);
        if (r < 0)
            break;
    }
    db_done(st);
    return r < 0 ? r : 0;
}

/* ---- districts ---- */

int store_district_find(struct db *db, struct str sourced_id, int64_t *ret_id)
{
    return db_query_int64(db, ret_id, "SELECT id FROM districts WHERE sourced_id = ?", "S",
                          sourced_id);
}

int store_district_only(struct db *db, int64_t *ret_id)
{
    int64_t n = 0;
    int r = db_query_int64(db, &n, "SELECT COUNT(*) FROM districts", "");
    if (r < 0)
        return r;
    if (n == 0)
        return -ENOENT;
    if (n > 1)
        return -EEXIST;
    return db_query_int64(db, ret_id, "SELECT MIN(id) FROM districts", "");
}

int store_district_create(struct db *db, struct str sourced_id, struct str name, int64_t now_ms,
                          int64_t *ret_id)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "INSERT INTO districts (sourced_id, name, created_at) VALUES (?, ?, ?)"
                     " RETURNING id",
                     "SSi", sourced_id, name, now_ms);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        *ret_id = db_col_int64(st, 0);
        r = 0;
    } else if (r == 0) {
        r = -EIO;
    }
    db_done(st);
    return r;
}

int store_district_rename(struct db *db, int64_t id, struct str name)
{
    int64_t n = db_exec(db, "UPDATE districts SET name = ? WHERE id = ? AND name <> ?", "SiS", name,
                        id, name);
    return n < 0 ? (int)n : n > 0;
}

int store_district_get(struct db *db, int64_t id, char **ret_sourced_id, char **ret_name)
{
    struct db_stmt *st;
    char *a = NULL, *b = NULL;
    int r = db_query(db, &st, "SELECT sourced_id, name FROM districts WHERE id = ?", "i", id);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r == 0)
        r = -ENOENT;
    if (r > 0) {
        r = db_col_strdup(st, 0, &a);
        if (r == 0)
            r = db_col_strdup(st, 1, &b);
    }
    db_done(st);
    if (r < 0) {
        mem_free(a);
        mem_free(b);
        return r;
    }
    *ret_sourced_id = a;
    *ret_name = b;
    return 0;
}

/* ---- export and reads ---- */

int store_roster_export(struct db *db, struct grant *g, enum roster_kind k, int64_t district_id,
                        int (*cb)(void *arg, const struct rval *cols, size_t n), void *arg)
{
    const struct kdesc *d = &kinds[k];
    if (grant_covers(g, db, RES_DISTRICT, district_id, district_id, ACT_EXPORT) < 0)
        return -EACCES;
    size_t n = strlen(d->export_types);
    struct rval cols[32];
    struct db_stmt *st;
    int r;

    r = db_query(db, &st, d->export_sql, "i", district_id);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        for (size_t i = 0; i < n; i++) {
            int c = (int)i;
            memset(&cols[i], 0, sizeof(cols[i]));
            if (db_col_null(st, c))
                continue;
            switch (d->export_types[i]) {
            case 'i':
                cols[i].t = RVAL_INT;
                cols[i].i = db_col_int64(st, c);
                break;
            case 'b':
                cols[i].t = RVAL_BLOB;
                cols[i].b = db_col_blob(st, c, &cols[i].n);
                break;
            default:
                cols[i].t = RVAL_TEXT;
                cols[i].s = db_col_str(st, c);
                break;
            }
        }
        r = cb(arg, cols, n);
        if (r < 0)
            break;
    }
    db_done(st);
    return r < 0 ? r : 0;
}

int store_roster_export_links(struct db *db, struct grant *g, enum roster_link l,
                              int64_t district_id,
                              int (*cb)(void *arg, struct str owner, struct str target), void *arg)
{
    struct db_stmt *st;
    if (grant_covers(g, db, RES_DISTRICT, district_id, district_id, ACT_EXPORT) < 0)
        return -EACCES;
    int r = db_query(db, &st, links[l].export, "i", district_id);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        r = cb(arg, db_col_str(st, 0), db_col_str(st, 1));
        if (r < 0)
            break;
    }
    db_done(st);
    return r < 0 ? r : 0;
}

void store_roster_person_release(struct roster_person_row *p)
{
    if (!p)
        return;
    mem_free(p->sourced_id);
    mem_free(p->role);
    mem_free(p->username);
    mem_free(p->given_name);
    mem_free(p->family_name);
    mem_free(p->preferred_given_name);
    mem_free(p->grades);
    mem_free(p->email_sealed);
    memset(p, 0, sizeof(*p));
}

int store_roster_person(struct db *db, struct grant *g, int64_t user_id,
                        struct roster_person_row *ret)
{
    struct roster_person_row p = {0};
    struct db_stmt *st;
    int r = grant_covers(g, db, RES_PERSON, g ? g->district_id : 0, user_id, ACT_READ);

    if (r < 0)
        return r;
    r = db_query(db, &st,
                 "SELECT id, district_id, primary_org_id, status, enabled_user, sourced_id,"
                 " role, username, given_name, family_name, preferred_given_name, grades,"
                 " email_sealed FROM users WHERE id = ?",
                 "i", user_id);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r == 0)
        r = -ENOENT;
    if (r > 0) {
        p.id = db_col_int64(st, 0);
        p.district_id = db_col_int64(st, 1);
        p.primary_org_id = db_col_null(st, 2) ? 0 : db_col_int64(st, 2);
        p.active = strcmp(db_col_text(st, 3), "active") == 0;
        p.enabled = db_col_int64(st, 4) != 0;
        r = db_col_strdup(st, 5, &p.sourced_id);
        if (r == 0)
            r = db_col_strdup(st, 6, &p.role);
        if (r == 0)
            r = db_col_strdup(st, 7, &p.username);
        if (r == 0)
            r = db_col_strdup(st, 8, &p.given_name);
        if (r == 0)
            r = db_col_strdup(st, 9, &p.family_name);
        if (r == 0)
            r = db_col_strdup(st, 10, &p.preferred_given_name);
        if (r == 0)
            r = db_col_strdup(st, 11, &p.grades);
        if (r == 0 && !db_col_null(st, 12) && (g->actions & ACT_READ_SEALED)) {
            size_t n;
            const void *b = db_col_blob(st, 12, &n);
            p.email_sealed = mem_dup(b ? b : "", n);
            p.email_sealed_len = n;
            if (!p.email_sealed)
                r = -ENOMEM;
        }
    }
    db_done(st);
    if (r < 0) {
        store_roster_person_release(&p);
        return r;
    }
    if (p.role && strcmp(p.role, "student") == 0)
        grant_note(g, p.id);
    if (p.email_sealed)
        g->sealed_opened = true;
    *ret = p;
    return 0;
}

int store_roster_students_grades(struct db *db, struct grant *g, int64_t district_id,
                                 int (*cb)(void *arg, int64_t user_id, const char *sourced_id,
                                           const char *grades),
                                 void *arg)
{
    struct db_stmt *st;
    int r = grant_covers(g, db, RES_DISTRICT, district_id, district_id, ACT_EXPORT);
    if (r < 0)
        return r;
    r = db_query(db, &st,
                 "SELECT id, sourced_id, grades FROM users WHERE district_id = ? AND "
                 "role = 'student' AND status = 'active' ORDER BY id",
                 "i", district_id);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        r = cb(arg, db_col_int64(st, 0), db_col_text(st, 1), db_col_text(st, 2));
        if (r < 0)
            break;
    }
    db_done(st);
    return r < 0 ? r : 0;
}

/*
 * OneRoster CSV import: see roster.h.
 *
 * The rules come from the 1EdTech specifications:
 *   - OneRoster 1.1 CSV Tables (v1.1.1): Table 2.1 (the files; manifest.csv is
 *     required; a bulk set is semantically consistent), section 3 (the file
 *     format: RFC 4180, UTF-8 with an optional BOM, no line break inside a
 *     field, case-sensitive names and values, a required header in the
 *     table's order with metadata extension columns only to the right,
 *     unique header names, no files without data rows) and the per-file
 *     tables (columns, required fields, enumerations, date formats).
 *   - OneRoster 1.2 CSV Binding (1.2.1): the same format rules, the changed
 *     users.csv, and the new roles.csv and userProfiles.csv.
 * Bulk: status and dateLastModified are blank (a value there is kept, with a
 * warning); records of a bulk file's type that the set lacks are set to
 * 'tobedeleted', never deleted. Delta: status and dateLastModified are
 * required; 'tobedeleted' deactivates.
 *
 * Files are processed in dependency order inside one write transaction;
 * references resolve against the set and, for files the set does not carry,
 * against the district's stored records. Every row is checked even after an
 * error (up to MAX_ERRORS messages), and any error rolls everything back.
 */
#include "base/common.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>

#include "app/access.h"
#include "app/principal.h"
#include "app/roster.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/csvread.h"
#include "base/mem.h"
#include "base/strmap.h"
#include "base/timeutil.h"
#include "store/seal.h"
#include "store/store.h"
#include "store/store_roster.h"

#define MAX_ERRORS   200
#define MAX_WARNINGS 200
#define MAX_REFS     64

/* ---- the specification, as tables ---- */

enum ctype {
    T_ID,
    T_STATUS,
    T_DLM,
    T_TEXT,
    T_ENUM,
    T_DATE,
    T_YEAR,
    T_BOOL,
    T_REF,
    T_REFS,
    T_PASSWORD
};

struct col {
    const char *name;
    enum ctype t;
    bool req;
    const char *const *en; /* T_ENUM: the allowed values */
    bool ext;              /* T_ENUM: 1.2 also allows "ext:" values */
    enum roster_kind ref;  /* T_REF, T_REFS */
};

static const char *const E_STATUS[] = {"active", "tobedeleted", NULL};
static const char *const E_ORGTYPE[] = {"department", "district", "local", "national",
                                        "school",     "state",    NULL};
static const char *const E_SESSTYPE[] = {"gradingPeriod", "semester", "schoolYear", "term", NULL};
static const char *const E_CLASSTYPE[] = {"homeroom", "scheduled", NULL};
static const char *const E_ROLE11[] = {"administrator", "aide",    "guardian", "parent", "proctor",
                                       "relative",      "student", "teacher",  NULL};
static const char *const E_ROLE12[] = {"aide",
                                       "counselor",
                                       "districtAdministrator",
                                       "guardian",
                                       "parent",
                                       "principal",
                                       "proctor",
                                       "relative",
                                       "siteAdministrator",
                                       "student",
                                       "systemAdministrator",
                                       "teacher",
                                       NULL};
static const char *const E_ROLETYPE[] = {"primary", "secondary", NULL};
static const char *const E_ENRROLE[] = {"administrator", "proctor", "student", "teacher", NULL};
static const char *const E_SEX11[] = {"female", "male", NULL};
static const char *const E_SEX12[] = {"female", "male", "other", "unspecified", NULL};

#define HEAD                                                                                    \
    {"sourcedId", T_ID, true, NULL, false, 0}, {"status", T_STATUS, false, E_STATUS, false, 0}, \
    {                                                                                           \
        "dateLastModified", T_DLM, false, NULL, false, 0                                        \
    }
#define TXT(n, r)                    \
    {                                \
        n, T_TEXT, r, NULL, false, 0 \
    }
#define ENUM(n, r, e, x)      \
    {                         \
        n, T_ENUM, r, e, x, 0 \
    }
#define DATE(n, r)                   \
    {                                \
        n, T_DATE, r, NULL, false, 0 \
    }
#define BOOL(n, r)                   \
    {                                \
        n, T_BOOL, r, NULL, false, 0 \
    }
#define REF(n, r, k)                \
    {                               \
        n, T_REF, r, NULL, false, k \
    }
#define REFS(n, r, k)                \
    {                                \
        n, T_REFS, r, NULL, false, k \
    }

static const struct col C_ORGS[] = {HEAD, TXT("name", true), ENUM("type", true, E_ORGTYPE, true),
                                    TXT("identifier", false),
                                    REF("parentSourcedId", false, RK_ORG)};
static const struct col C_SESSIONS[] = {HEAD,
                                        TXT("title", true),
                                        ENUM("type", true, E_SESSTYPE, true),
                                        DATE("startDate", true),
                                        DATE("endDate", true),
                                        REF("parentSourcedId", false, RK_SESSION),
                                        {"schoolYear", T_YEAR, true, NULL, false, 0}};
static const struct col C_COURSES[] = {HEAD,
                                       REF("schoolYearSourcedId", false, RK_SESSION),
                                       TXT("title", true),
                                       TXT("courseCode", false),
                                       TXT("grades", false),
                                       REF("orgSourcedId", true, RK_ORG),
                                       TXT("subjects", false),
                                       TXT("subjectCodes", false)};
static const struct col C_CLASSES[] = {HEAD,
                                       TXT("title", true),
                                       TXT("grades", false),
                                       REF("courseSourcedId", true, RK_COURSE),
                                       TXT("classCode", false),
                                       ENUM("classType", true, E_CLASSTYPE, true),
                                       TXT("location", false),
                                       REF("schoolSourcedId", true, RK_ORG),
                                       REFS("termSourcedIds", true, RK_SESSION),
                                       TXT("subjects", false),
                                       TXT("subjectCodes", false),
                                       TXT("periods", false)};
static const struct col C_USERS11[] = {HEAD,
                                       BOOL("enabledUser", true),
                                       REFS("orgSourcedIds", true, RK_ORG),
                                       ENUM("role", true, E_ROLE11, false),
                                       TXT("username", true),
                                       TXT("userIds", false),
                                       TXT("givenName", true),
                                       TXT("familyName", true),
                                       TXT("middleName", false),
                                       TXT("identifier", false),
                                       TXT("email", false),
                                       TXT("sms", false),
                                       TXT("phone", false),
                                       REFS("agentSourcedIds", false, RK_USER),
                                       TXT("grades", false),
                                       {"password", T_PASSWORD, false, NULL, false, 0}};
static const struct col C_USERS12[] = {HEAD,
                                       BOOL("enabledUser", true),
                                       TXT("username", true),
                                       TXT("userIds", false),
                                       TXT("givenName", true),
                                       TXT("familyName", true),
                                       TXT("middleName", false),
                                       TXT("identifier", false),
                                       TXT("email", false),
                                       TXT("sms", false),
                                       TXT("phone", false),
                                       REFS("agentSourcedIds", false, RK_USER),
                                       TXT("grades", false),
                                       {"password", T_PASSWORD, false, NULL, false, 0},
                                       TXT("userMasterIdentifier", false),
                                       TXT("preferredGivenName", false),
                                       TXT("preferredMiddleName", false),
                                       TXT("preferredFamilyName", false),
                                       REF("primaryOrgSourcedId", false, RK_ORG),
                                       TXT("pronouns", false)};
static const struct col C_PROFILES[] = {HEAD,
                                        REF("userSourcedId", true, RK_USER),
                                        TXT("profileType", true),
                                        TXT("vendorId", true),
                                        TXT("applicationId", false),
                                        TXT("description", false),
                                        TXT("credentialType", false),
                                        TXT("username", true),
                                        {"password", T_PASSWORD, false, NULL, false, 0}};
static const struct col C_ROLES[] = {HEAD,
                                     REF("userSourcedId", true, RK_USER),
                                     ENUM("roleType", true, E_ROLETYPE, false),
                                     ENUM("role", true, E_ROLE12, true),
                                     DATE("beginDate", false),
                                     DATE("endDate", false),
                                     REF("orgSourcedId", true, RK_ORG),
                                     REF("userProfileSourcedId", false, RK_PROFILE)};
static const struct col C_ENROLLMENTS[] = {HEAD,
                                           REF("classSourcedId", true, RK_CLASS),
                                           REF("schoolSourcedId", true, RK_ORG),
                                           REF("userSourcedId", true, RK_USER),
                                           ENUM("role", true, E_ENRROLE, false),
                                           BOOL("primary", false),
                                           DATE("beginDate", false),
                                           DATE("endDate", false)};
static const struct col C_DEMO11[] = {HEAD,
                                      DATE("birthDate", false),
                                      ENUM("sex", false, E_SEX11, false),
                                      BOOL("americanIndianOrAlaskaNative", false),
                                      BOOL("asian", false),
                                      BOOL("blackOrAfricanAmerican", false),
                                      BOOL("nativeHawaiianOrOtherPacificIslander", false),
                                      BOOL("white", false),
                                      BOOL("demographicRaceTwoOrMoreRaces", false),
                                      BOOL("hispanicOrLatinoEthnicity", false),
                                      TXT("countryOfBirthCode", false),
                                      TXT("stateOfBirthAbbreviation", false),
                                      TXT("cityOfBirth", false),
                                      TXT("publicSchoolResidenceStatus", false)};
static const struct col C_DEMO12[] = {HEAD,
                                      DATE("birthDate", false),
                                      ENUM("sex", false, E_SEX12, false),
                                      BOOL("americanIndianOrAlaskaNative", false),
                                      BOOL("asian", false),
                                      BOOL("blackOrAfricanAmerican", false),
                                      BOOL("nativeHawaiianOrOtherPacificIslander", false),
                                      BOOL("white", false),
                                      BOOL("demographicRaceTwoOrMoreRaces", false),
                                      BOOL("hispanicOrLatinoEthnicity", false),
                                      TXT("countryOfBirthCode", false),
                                      TXT("stateOfBirthAbbreviation", false),
                                      TXT("cityOfBirth", false),
                                      TXT("publicSchoolResidenceStatus", false)};

struct fdesc {
    enum roster_kind kind;
    const char *name;     /* file name */
    const char *manifest; /* "file.<name>" key */
    bool v12_only;
    const struct col *c11, *c12;
    size_t n11, n12;
};

#define FD(k, n, m, only, a, b)                           \
    {                                                     \
        k, n, m, only, a, b, ARRAY_SIZE(a), ARRAY_SIZE(b) \
    }
/* processing order: every file's references point to files before it (or to itself) */
static const struct fdesc files[RK_COUNT] = {
    FD(RK_ORG, "orgs.csv", "file.orgs", false, C_ORGS, C_ORGS),
    FD(RK_SESSION, "academicSessions.csv", "file.academicSessions", false, C_SESSIONS, C_SESSIONS),
    FD(RK_COURSE, "courses.csv", "file.courses", false, C_COURSES, C_COURSES),
    FD(RK_CLASS, "classes.csv", "file.classes", false, C_CLASSES, C_CLASSES),
    FD(RK_USER, "users.csv", "file.users", false, C_USERS11, C_USERS12),
    FD(RK_PROFILE, "userProfiles.csv", "file.userProfiles", true, C_PROFILES, C_PROFILES),
    FD(RK_ROLE, "roles.csv", "file.roles", true, C_ROLES, C_ROLES),
    FD(RK_ENROLLMENT, "enrollments.csv", "file.enrollments", false, C_ENROLLMENTS, C_ENROLLMENTS),
    FD(RK_DEMOGRAPHIC, "demographics.csv", "file.demographics", false, C_DEMO11, C_DEMO12),
};

/* Manifest files Trellis does not import (gradebook and resources): accepted, ignored. */
static const char *const other_files[] = {
    "file.categories",
    "file.classResources",
    "file.courseResources",
    "file.lineItems",
    "file.resources",
    "file.results",
    "file.scoreScales",
    "file.userResources",
    "file.lineItemLearningObjectiveIds",
    "file.lineItemScoreScales",
    "file.resultLearningObjectiveIds",
    "file.resultScoreScales",
};

static const char *const kind_noun[RK_COUNT] = {
    "org",        "academic session",   "course", "class", "user", "user profile", "role",
    "enrollment", "demographics record"};

const char *roster_file_name(enum roster_kind k)
{
    return files[k].name;
}

size_t roster_columns(enum roster_kind k, bool v12, const char **names, size_t max)
{
    const struct col *c = v12 ? files[k].c12 : files[k].c11;
    size_t n = v12 ? files[k].n12 : files[k].n11;
    for (size_t i = 0; i < n && i < max; i++)
        names[i] = c[i].name;
    return n;
}

/* ---- the import's state ---- */

enum {
    F_EXISTS = 1u << 0,  /* stored before this import (or created by it): id is set */
    F_SEEN = 1u << 1,    /* a row of this set */
    F_ACTIVE = 1u << 2,  /* stored as active before this import */
    F_BAD = 1u << 3,     /* its row had errors: references to it are not reported again */
    F_CREATED = 1u << 4, /* counted as created */
    F_COUNTED_UNCHANGED = 1u << 5,
};

struct pending {
    struct str owner; /* sourcedId (in the arena) */
    struct str refs;  /* the raw field (in the arena) */
    size_t line, col;
};

struct touched {
    int64_t user, org;
    const char *sid; /* the role's sourcedId (arena) */
    bool fresh;      /* the user was created by this import: no stored orgs to compare */
    bool primary, active;
};

struct imp {
    struct ctx *c;
    struct db *db;
    struct roster_source *src;
    struct roster_report *rep;
    const struct seal *seal;
    int ver; /* 11 or 12 */
    const char *mode[RK_COUNT];
    bool broken[RK_COUNT];
    struct strmap map[RK_COUNT];
    bool loaded[RK_COUNT];
    bool new_district;
    struct strmap prole; /* 1.2: user sourcedId -> index into E_ROLE12 of the primary role */
    struct arena arena;
    int64_t district_id, now;
    char *district_sid;
    struct pending *pend;
    size_t n_pend, cap_pend;
    struct touched *touched; /* roles written: their users' orgs are rebuilt after the file */
    size_t n_touched, cap_touched;
    struct buf s1, s2, s3, js;
    long passwords;
    long status_in_bulk;
    int fatal; /* a storage error met where it could not be returned */
    struct colcache {
        const char *name;
        const struct fdesc *fd;
        size_t idx;
    } cc[256];
};

static void add_msg(struct imp *m, bool error, const char *fmt, va_list ap) PRINTF_FMT(3, 0);

static void add_msg(struct imp *m, bool error, const char *fmt, va_list ap)
{
    char ***list = error ? &m->rep->errors : &m->rep->warnings;
    size_t *n = error ? &m->rep->n_errors : &m->rep->n_warnings;
    char *text;

    if (*n >= (error ? MAX_ERRORS : MAX_WARNINGS)) {
        if (error)
            m->rep->more_errors++;
        return;
    }
    if (vasprintf(&text, fmt, ap) < 0)
        return;
    char **grown = mem_realloc(*list, (*n + 1) * sizeof(char *));
    if (!grown) {
        free(text);
        return;
    }
    *list = grown;
    /* vasprintf allocates with malloc; the report frees with mem_free, which is free() */
    (*list)[(*n)++] = text;
}

static void err(struct imp *m, const char *fmt, ...) PRINTF_FMT(2, 3);
static void err(struct imp *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_msg(m, true, fmt, ap);
    va_end(ap);
}

static void warn(struct imp *m, const char *fmt, ...) PRINTF_FMT(2, 3);
static void warn(struct imp *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_msg(m, false, fmt, ap);
    va_end(ap);
}

static bool has_errors(const struct imp *m)
{
    return m->rep->n_errors > 0 || m->rep->more_errors > 0;
}

/* ---- stored records ---- */

static int load_cb(void *arg, struct str sid, int64_t id, int64_t dlm, bool active)
{
    struct strmap *map = arg;
    struct strmap_entry *e;
    int r = strmap_put(map, sid, &e, NULL);
    if (r < 0)
        return r;
    e->id = id;
    e->aux = dlm;
    e->flags = F_EXISTS | (active ? F_ACTIVE : 0);
    return 0;
}

static int ensure_loaded(struct imp *m, enum roster_kind k)
{
    if (m->loaded[k])
        return 0;
    m->loaded[k] = true;
    if (m->new_district)
        return 0;
    return store_roster_load(m->db, k, m->district_id, load_cb, &m->map[k]);
}

/* ---- field checks ---- */

static int enum_index(const char *const *en, struct str v)
{
    for (int i = 0; en[i]; i++)
        if (str_eq_cstr(v, en[i]))
            return i;
    return -1;
}

static void enum_list(const char *const *en, char *out, size_t n)
{
    size_t off = 0;
    out[0] = '\0';
    for (int i = 0; en[i] && off < n; i++)
        off += (size_t)snprintf(out + off, n - off, "%s%s", i ? ", " : "", en[i]);
}

static bool parse_dlm(struct str v, int64_t *ret)
{
    bool zone;
    /* ISO 8601 date-time in UTC as the binding shows it, e.g. 2025-10-15T09:30:00.000Z */
    if (time_parse_iso8601(v, false, ret, &zone) < 0 || !zone || v.len < 11 || v.p[10] != 'T')
        return false;
    return true;
}

/* Check one field against its column; report and return false when it is bad. */
static bool check_field(struct imp *m, const char *file, size_t line, size_t col,
                        const struct col *cd, struct str v, const char *mode)
{
    char list[256];
    int64_t tmp;

    if (v.len == 0) {
        if (cd->t == T_STATUS || cd->t == T_DLM) {
            if (strcmp(mode, "delta") == 0) {
                err(m, "%s:%zu:%zu: %s: required in a delta file", file, line, col, cd->name);
                return false;
            }
            return true;
        }
        if (cd->req) {
            err(m, "%s:%zu:%zu: %s: required, but blank", file, line, col, cd->name);
            return false;
        }
        return true;
    }
    switch (cd->t) {
    case T_STATUS:
    case T_ENUM:
        if (enum_index(cd->en, v) >= 0)
            return true;
        if (cd->ext && m->ver == 12 && str_starts_with(v, "ext:") && v.len > 4)
            return true;
        enum_list(cd->en, list, sizeof(list));
        err(m, "%s:%zu:%zu: %s: '%.*s' is not one of %s (values are case-sensitive)", file, line,
            col, cd->name, STR_FMT(v), list);
        return false;
    case T_DLM:
        if (parse_dlm(v, &tmp))
            return true;
        err(m,
            "%s:%zu:%zu: %s: '%.*s' is not an ISO 8601 UTC date-time such as "
            "2025-10-15T09:30:00.000Z",
            file, line, col, cd->name, STR_FMT(v));
        return false;
    case T_DATE:
        if (v.len == 10 && time_parse_date(v, &tmp) == 0)
            return true;
        err(m, "%s:%zu:%zu: %s: '%.*s' is not a date in the form YYYY-MM-DD", file, line, col,
            cd->name, STR_FMT(v));
        return false;
    case T_YEAR:
        if (v.len == 4 && str_to_int64(v, 1900, 2999, &tmp) == 0)
            return true;
        err(m, "%s:%zu:%zu: %s: '%.*s' is not a year in the form YYYY", file, line, col, cd->name,
            STR_FMT(v));
        return false;
    case T_BOOL:
        if (str_eq_cstr(v, "true") || str_eq_cstr(v, "false"))
            return true;
        err(m, "%s:%zu:%zu: %s: '%.*s' is not true or false (values are case-sensitive)", file,
            line, col, cd->name, STR_FMT(v));
        return false;
    case T_PASSWORD:
        m->passwords++;
        return true;
    default:
        if (!str_is_clean_text(v)) {
            err(m, "%s:%zu:%zu: %s: holds control characters", file, line, col, cd->name);
            return false;
        }
        return true;
    }
}

/* ---- rows ---- */

struct row {
    const struct fdesc *fd;
    const char *file, *mode;
    struct str *f;
    size_t line;
    struct str sid;
    const char *status; /* "active" or "tobedeleted" */
    int64_t dlm;        /* 0: blank */
};

/* The field of the column named name (the spec's tables fix the positions). */
static size_t colidx(const struct imp *m, const struct fdesc *fd, const char *name)
{
    const struct col *c = m->ver == 12 ? fd->c12 : fd->c11;
    size_t n = m->ver == 12 ? fd->n12 : fd->n11;
    /* callers pass literals: remember where each one was found (by its address) */
    struct colcache *cc = &((struct imp *)m)->cc[((uintptr_t)name >> 3 ^ (uintptr_t)fd >> 4) & 255];
    if (cc->name == name && cc->fd == fd)
        return cc->idx;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(c[i].name, name) == 0) {
            cc->name = name;
            cc->fd = fd;
            cc->idx = i;
            return i;
        }
    }
    return SIZE_MAX; /* a programming error; callers only ask for real columns */
}

static struct str fld(const struct imp *m, const struct row *r, const char *name)
{
    size_t i = colidx(m, r->fd, name);
    return i == SIZE_MAX ? STR_NULL : r->f[i];
}

static struct rval rtext(struct str s)
{
    struct rval v = {0};
    if (s.len) {
        v.t = RVAL_TEXT;
        v.s = s;
    }
    return v;
}

static struct rval rnum(int64_t i)
{
    struct rval v = {0};
    v.t = RVAL_INT;
    v.i = i;
    return v;
}

static struct rval rid(int64_t id)
{
    struct rval v = {0};
    if (id) {
        v.t = RVAL_INT;
        v.i = id;
    }
    return v;
}

static struct rval rdate(struct str s)
{
    int64_t d;
    if (s.len && time_parse_date(s, &d) == 0)
        return rnum(d);
    return (struct rval){0};
}

static struct rval rblob(const struct buf *b, bool present)
{
    struct rval v = {0};
    if (present) {
        v.t = RVAL_BLOB;
        v.b = b->data ? b->data : "";
        v.n = b->len;
    }
    return v;
}

/*
 * Resolve a reference: the id of the record with sourcedId v of kind k in the
 * set or the district. 0 when there is none (reported), or when the
 * referenced record is itself bad (not reported again).
 */
static int64_t resolve(struct imp *m, const struct row *r, const char *field, enum roster_kind k,
                       struct str v)
{
    struct strmap_entry *e;
    size_t col = colidx(m, r->fd, field) + 1;

    if (m->broken[k])
        return 0;
    if (!m->loaded[k]) {
        int rc = ensure_loaded(m, k);
        if (rc < 0) {
            m->fatal = rc;
            return 0;
        }
    }
    e = strmap_get(&m->map[k], v);
    if (e && (e->flags & F_BAD))
        return 0;
    if (e && (e->flags & F_EXISTS))
        return e->id;
    if (m->mode[k])
        err(m, "%s:%zu:%zu: %s: no %s '%.*s' in %s or in the district", r->file, r->line, col,
            field, kind_noun[k], STR_FMT(v), files[k].name);
    else
        err(m, "%s:%zu:%zu: %s: no %s '%.*s' in the district (%s is absent from the set)", r->file,
            r->line, col, field, kind_noun[k], STR_FMT(v), files[k].name);
    return 0;
}

/* Split a comma-separated list of references into ids; false if any failed. */
static bool resolve_list(struct imp *m, const struct row *r, const char *field, enum roster_kind k,
                         struct str list, int64_t *ids, size_t *ret_n)
{
    struct str rest = list, tok;
    size_t n = 0;
    bool ok = true;

    *ret_n = 0;
    if (list.len == 0)
        return true;
    while (str_next(&rest, ',', &tok)) {
        int64_t id;
        bool dup = false;
        tok = str_trim(tok);
        if (tok.len == 0) {
            err(m, "%s:%zu:%zu: %s: an empty item in the list", r->file, r->line,
                colidx(m, r->fd, field) + 1, field);
            ok = false;
            continue;
        }
        id = resolve(m, r, field, k, tok);
        if (!id) {
            ok = false;
            continue;
        }
        for (size_t i = 0; i < n; i++)
            dup |= ids[i] == id;
        if (dup)
            continue;
        if (n >= MAX_REFS) {
            err(m, "%s:%zu:%zu: %s: more than %d items", r->file, r->line,
                colidx(m, r->fd, field) + 1, field, MAX_REFS);
            return false;
        }
        ids[n++] = id;
    }
    *ret_n = n;
    return ok;
}

static void mark_bad(struct imp *m, enum roster_kind k, struct str sid)
{
    struct strmap_entry *e;
    if (sid.len && strmap_put(&m->map[k], sid, &e, NULL) == 0 && !(e->flags & F_SEEN))
        e->flags |= F_BAD;
}

/* Count a change found after the row's own upsert (links, parents). */
static void count_late_change(struct imp *m, enum roster_kind k, struct strmap_entry *e)
{
    struct roster_file_counts *fc = &m->rep->files[k];
    if (e && (e->flags & F_COUNTED_UNCHANGED)) {
        e->flags = (uint16_t)(e->flags & ~F_COUNTED_UNCHANGED);
        fc->unchanged--;
        fc->updated++;
    }
}

/*
 * Insert or update the row's record. *ret_e is its map entry, or NULL when
 * the row was skipped (a delta deletion of an unknown record). *ret_fresh:
 * created now.
 */
static int upsert(struct imp *m, enum roster_kind k, const struct row *r, const struct rval *vals,
                  struct strmap_entry **ret_e, bool *ret_fresh)
{
    struct roster_file_counts *fc = &m->rep->files[k];
    struct strmap_entry *e;
    int ch;

    *ret_e = NULL;
    *ret_fresh = false;
    int rc = strmap_put(&m->map[k], r->sid, &e, NULL);
    if (rc < 0)
        return rc;
    if (!(e->flags & F_EXISTS)) {
        int64_t id;
        if (strcmp(r->status, "tobedeleted") == 0 && strcmp(r->mode, "delta") == 0) {
            warn(m,
                 "%s:%zu:1: sourcedId: '%.*s' is marked tobedeleted but the district has no "
                 "such %s: nothing to do",
                 r->file, r->line, STR_FMT(r->sid), kind_noun[k]);
            return 0;
        }
        rc = store_roster_insert(m->db, k, m->district_id, r->sid, r->status,
                                 r->dlm ? r->dlm : m->now, vals, &id);
        if (rc < 0)
            return rc;
        e->id = id;
        e->flags |= F_EXISTS | F_CREATED;
        fc->created++;
        *ret_fresh = true;
    } else {
        ch = store_roster_update(m->db, k, e->id, r->status, r->dlm ? r->dlm : m->now,
                                 r->dlm ? r->dlm : e->aux, vals);
        if (ch < 0)
            return ch;
        if (ch) {
            fc->updated++;
        } else {
            fc->unchanged++;
            e->flags |= F_COUNTED_UNCHANGED;
        }
    }
    e->flags |= F_SEEN;
    e->aux = (int64_t)r->line;
    *ret_e = e;
    return 0;
}

static int add_pending(struct imp *m, const struct row *r, struct str refs, size_t col)
{
    if (m->n_pend == m->cap_pend) {
        size_t cap = m->cap_pend ? m->cap_pend * 2 : 64;
        struct pending *p = mem_realloc(m->pend, cap * sizeof(*p));
        if (!p)
            return -ENOMEM;
        m->pend = p;
        m->cap_pend = cap;
    }
    struct pending *p = &m->pend[m->n_pend];
    p->owner.p = arena_strview(&m->arena, r->sid);
    p->refs.p = arena_strview(&m->arena, refs);
    if (!p->owner.p || !p->refs.p)
        return -ENOMEM;
    p->owner.len = r->sid.len;
    p->refs.len = refs.len;
    p->line = r->line;
    p->col = col;
    m->n_pend++;
    return 0;
}

/* ---- writers, one per file ---- */

static int w_org(struct imp *m, const struct row *r)
{
    struct rval v[ORG_NCOLS];
    struct strmap_entry *e;
    bool fresh;
    int rc;

    v[ORG_NAME] = rtext(fld(m, r, "name"));
    v[ORG_TYPE] = rtext(fld(m, r, "type"));
    v[ORG_IDENTIFIER] = rtext(fld(m, r, "identifier"));
    rc = upsert(m, RK_ORG, r, v, &e, &fresh);
    if (rc < 0 || !e)
        return rc;
    return add_pending(m, r, fld(m, r, "parentSourcedId"), colidx(m, r->fd, "parentSourcedId"));
}

static int w_session(struct imp *m, const struct row *r)
{
    struct rval v[SES_NCOLS];
    struct strmap_entry *e;
    int64_t y = 0, sd = 0, ed = 0;
    bool fresh;
    int rc;

    v[SES_TITLE] = rtext(fld(m, r, "title"));
    v[SES_TYPE] = rtext(fld(m, r, "type"));
    v[SES_START] = rdate(fld(m, r, "startDate"));
    v[SES_END] = rdate(fld(m, r, "endDate"));
    (void)str_to_int64(fld(m, r, "schoolYear"), 1900, 2999, &y);
    v[SES_YEAR] = rnum(y);
    v[SES_ORG] = rid(0);
    (void)time_parse_date(fld(m, r, "startDate"), &sd);
    (void)time_parse_date(fld(m, r, "endDate"), &ed);
    if (ed < sd) {
        err(m, "%s:%zu:%zu: endDate: %.*s is before startDate %.*s", r->file, r->line,
            colidx(m, r->fd, "endDate") + 1, STR_FMT(fld(m, r, "endDate")),
            STR_FMT(fld(m, r, "startDate")));
        mark_bad(m, RK_SESSION, r->sid);
        return 0;
    }
    rc = upsert(m, RK_SESSION, r, v, &e, &fresh);
    if (rc < 0 || !e)
        return rc;
    return add_pending(m, r, fld(m, r, "parentSourcedId"), colidx(m, r->fd, "parentSourcedId"));
}

/* After orgs.csv / academicSessions.csv: parents (which may come later in the file). */
static int finish_parents(struct imp *m, enum roster_kind k, const struct fdesc *fd)
{
    for (size_t i = 0; i < m->n_pend; i++) {
        struct pending *p = &m->pend[i];
        struct strmap_entry *e = strmap_get(&m->map[k], p->owner);
        struct row r = {.fd = fd, .file = fd->name, .line = p->line};
        int64_t parent = 0;
        int ch;

        if (!e || !(e->flags & F_EXISTS))
            continue;
        if (p->refs.len) {
            if (str_eq(p->refs, p->owner)) {
                err(m, "%s:%zu:%zu: parentSourcedId: a record cannot be its own parent", fd->name,
                    p->line, p->col + 1);
                continue;
            }
            parent = resolve(m, &r, "parentSourcedId", k, p->refs);
            if (!parent)
                continue;
        }
        ch = store_roster_set_parent(m->db, k, e->id, parent);
        if (ch < 0)
            return ch;
        if (ch)
            count_late_change(m, k, e);
    }
    m->n_pend = 0;
    return 0;
}

static int w_course(struct imp *m, const struct row *r)
{
    struct rval v[CRS_NCOLS];
    struct strmap_entry *e;
    struct str ys = fld(m, r, "schoolYearSourcedId");
    int64_t org, year = 0;
    bool fresh;

    org = resolve(m, r, "orgSourcedId", RK_ORG, fld(m, r, "orgSourcedId"));
    if (ys.len)
        year = resolve(m, r, "schoolYearSourcedId", RK_SESSION, ys);
    if (!org || (ys.len && !year)) {
        mark_bad(m, RK_COURSE, r->sid);
        return 0;
    }
    v[CRS_YEAR] = rid(year);
    v[CRS_TITLE] = rtext(fld(m, r, "title"));
    v[CRS_CODE] = rtext(fld(m, r, "courseCode"));
    v[CRS_GRADES] = rtext(fld(m, r, "grades"));
    v[CRS_ORG] = rid(org);
    v[CRS_SUBJECTS] = rtext(fld(m, r, "subjects"));
    v[CRS_SUBJECT_CODES] = rtext(fld(m, r, "subjectCodes"));
    return upsert(m, RK_COURSE, r, v, &e, &fresh);
}

static int w_class(struct imp *m, const struct row *r)
{
    struct rval v[CLS_NCOLS];
    struct strmap_entry *e;
    int64_t terms[MAX_REFS], course, school;
    size_t nt;
    bool fresh, ok;
    int rc;

    course = resolve(m, r, "courseSourcedId", RK_COURSE, fld(m, r, "courseSourcedId"));
    school = resolve(m, r, "schoolSourcedId", RK_ORG, fld(m, r, "schoolSourcedId"));
    ok = resolve_list(m, r, "termSourcedIds", RK_SESSION, fld(m, r, "termSourcedIds"), terms, &nt);
    if (!course || !school || !ok) {
        mark_bad(m, RK_CLASS, r->sid);
        return 0;
    }
    v[CLS_TITLE] = rtext(fld(m, r, "title"));
    v[CLS_GRADES] = rtext(fld(m, r, "grades"));
    v[CLS_COURSE] = rid(course);
    v[CLS_CODE] = rtext(fld(m, r, "classCode"));
    v[CLS_TYPE] = rtext(fld(m, r, "classType"));
    v[CLS_LOCATION] = rtext(fld(m, r, "location"));
    v[CLS_SCHOOL] = rid(school);
    v[CLS_SUBJECTS] = rtext(fld(m, r, "subjects"));
    v[CLS_SUBJECT_CODES] = rtext(fld(m, r, "subjectCodes"));
    v[CLS_PERIODS] = rtext(fld(m, r, "periods"));
    rc = upsert(m, RK_CLASS, r, v, &e, &fresh);
    if (rc < 0 || !e)
        return rc;
    rc = store_roster_set_links(m->db, LINK_CLASS_TERMS, m->district_id, e->id, terms, nt, fresh);
    if (rc > 0)
        count_late_change(m, RK_CLASS, e);
    return rc < 0 ? rc : 0;
}

/* Seal a text value into out; false (and out empty) when blank. */
static int seal_text(struct imp *m, struct str v, struct buf *out, bool *ret_present)
{
    *ret_present = v.len > 0;
    buf_reset(out);
    if (!v.len)
        return 0;
    return seal_encrypt(m->seal, v.p, v.len, out);
}

/* The 1.2 role a 1.1 users.role becomes (administrator depends on where). */
static const char *role_from_11(struct imp *m, struct str role, struct str first_org)
{
    if (str_eq_cstr(role, "administrator"))
        return m->district_sid && str_eq_cstr(first_org, m->district_sid) ? "districtAdministrator"
                                                                          : "siteAdministrator";
    for (int i = 0; E_ROLE11[i]; i++)
        if (str_eq_cstr(role, E_ROLE11[i]))
            return E_ROLE11[i];
    return "student";
}

static int w_user_write(struct imp *m, const struct row *r, const char *role, const int64_t *orgs,
                        size_t norgs, int64_t primary_org);
static int touch_user(struct imp *m, int64_t user, bool fresh, int64_t org, struct str sid,
                      bool primary, bool active);

static int w_user(struct imp *m, const struct row *r)
{
    int64_t orgs[MAX_REFS], primary_org = 0;
    size_t norgs = 0;
    const char *role = NULL;
    char *kept_role = NULL;
    bool ok = true;
    int rc;

    if (m->ver == 11) {
        struct str os = fld(m, r, "orgSourcedIds"), first, rest = os;
        ok = resolve_list(m, r, "orgSourcedIds", RK_ORG, os, orgs, &norgs);
        str_next(&rest, ',', &first);
        role = role_from_11(m, fld(m, r, "role"), str_trim(first));
    } else {
        struct str po = fld(m, r, "primaryOrgSourcedId");
        struct strmap_entry *pr = strmap_get(&m->prole, r->sid);
        if (po.len) {
            primary_org = resolve(m, r, "primaryOrgSourcedId", RK_ORG, po);
            ok = primary_org != 0;
        }
        if (pr && pr->id >= 0) {
            role = E_ROLE12[pr->id];
        } else if (pr && pr->id == -2) {
            role = (const char *)(intptr_t)pr->aux;
        } else if (pr) {
            role = NULL; /* its roles.csv row is bad and reported there */
            ok = false;
        } else {
            struct strmap_entry *old = strmap_get(&m->map[RK_USER], r->sid);
            if (old && (old->flags & F_EXISTS)) {
                /* a stored user whose roles this set does not carry keeps its role */
                rc = store_roster_user_role(m->db, old->id, &kept_role);
                if (rc < 0)
                    return rc;
                role = kept_role;
            } else {
                if (!m->broken[RK_ROLE])
                    err(m,
                        "%s:%zu:1: sourcedId: user '%.*s' has no primary role in roles.csv "
                        "(OneRoster 1.2 gives every user a role there)",
                        r->file, r->line, STR_FMT(r->sid));
                ok = false;
            }
        }
    }
    if (!ok) {
        mark_bad(m, RK_USER, r->sid);
        return 0;
    }
    rc = w_user_write(m, r, role, orgs, norgs, primary_org);
    mem_free(kept_role);
    return rc;
}

static int w_user_write(struct imp *m, const struct row *r, const char *role, const int64_t *orgs,
                        size_t norgs, int64_t primary_org)
{
    struct rval v[USR_NCOLS];
    struct strmap_entry *e;
    struct str email = fld(m, r, "email"), sms = fld(m, r, "sms"), phone = fld(m, r, "phone");
    uint8_t eidx[SEAL_INDEX_LEN], digest[SEAL_INDEX_LEN];
    bool fresh, pe = false, ps = false, pp = false;
    int rc;

    rc = seal_text(m, email, &m->s1, &pe);
    if (rc == 0)
        rc = seal_text(m, sms, &m->s2, &ps);
    if (rc == 0)
        rc = seal_text(m, phone, &m->s3, &pp);
    if (rc < 0)
        return rc;
    if (pe) {
        char low[320];
        size_t n = MIN(email.len, sizeof(low));
        for (size_t i = 0; i < n; i++)
            low[i] =
                (email.p[i] >= 'A' && email.p[i] <= 'Z') ? (char)(email.p[i] + 32) : email.p[i];
        seal_index(m->seal, low, n, eidx);
    }
    buf_reset(&m->js);
    rc = buf_append(&m->js, email.p ? email.p : "", email.len);
    rc |= buf_putc(&m->js, '\n');
    rc |= buf_append(&m->js, sms.p ? sms.p : "", sms.len);
    rc |= buf_putc(&m->js, '\n');
    rc |= buf_append(&m->js, phone.p ? phone.p : "", phone.len);
    if (rc < 0)
        return -ENOMEM;
    seal_index(m->seal, m->js.data, m->js.len, digest);

    v[USR_ENABLED] = rnum(str_eq_cstr(fld(m, r, "enabledUser"), "true"));
    v[USR_ROLE] = role ? rtext(str_from(role)) : (struct rval){0};
    v[USR_USERNAME] = rtext(fld(m, r, "username"));
    v[USR_USER_IDS] = rtext(fld(m, r, "userIds"));
    v[USR_GIVEN] = rtext(fld(m, r, "givenName"));
    v[USR_FAMILY] = rtext(fld(m, r, "familyName"));
    v[USR_MIDDLE] = rtext(fld(m, r, "middleName"));
    v[USR_IDENTIFIER] = rtext(fld(m, r, "identifier"));
    v[USR_EMAIL_SEALED] = rblob(&m->s1, pe);
    v[USR_EMAIL_INDEX] =
        (struct rval){.t = pe ? RVAL_BLOB : RVAL_NULL, .b = eidx, .n = sizeof(eidx)};
    v[USR_SMS_SEALED] = rblob(&m->s2, ps);
    v[USR_PHONE_SEALED] = rblob(&m->s3, pp);
    v[USR_CONTACT_DIGEST] = (struct rval){.t = RVAL_BLOB, .b = digest, .n = sizeof(digest)};
    v[USR_GRADES] = rtext(fld(m, r, "grades"));
    if (m->ver == 12) {
        v[USR_MASTER_ID] = rtext(fld(m, r, "userMasterIdentifier"));
        v[USR_PREF_GIVEN] = rtext(fld(m, r, "preferredGivenName"));
        v[USR_PREF_MIDDLE] = rtext(fld(m, r, "preferredMiddleName"));
        v[USR_PREF_FAMILY] = rtext(fld(m, r, "preferredFamilyName"));
        v[USR_PRIMARY_ORG] = rid(primary_org);
        v[USR_PRONOUNS] = rtext(fld(m, r, "pronouns"));
    } else {
        v[USR_MASTER_ID] = v[USR_PREF_GIVEN] = v[USR_PREF_MIDDLE] = v[USR_PREF_FAMILY] =
            (struct rval){0};
        v[USR_PRIMARY_ORG] = rid(norgs ? orgs[0] : 0);
        v[USR_PRONOUNS] = (struct rval){0};
    }
    rc = upsert(m, RK_USER, r, v, &e, &fresh);
    if (rc < 0 || !e)
        return rc;
    if (m->ver == 11) {
        /* 1.1: each of orgSourcedIds becomes a derived 1.2 role; the user's orgs follow them */
        struct str rest = fld(m, r, "orgSourcedIds"), tok;
        for (size_t i = 0; str_next(&rest, ',', &tok) && i < norgs; i++) {
            struct rval rv[ROL_NCOLS] = {0};
            char sid[512];
            struct row rr = *r;
            struct strmap_entry *re;
            bool rfresh;
            int n =
                snprintf(sid, sizeof(sid), "%.*s@%.*s", STR_FMT(r->sid), STR_FMT(str_trim(tok)));
            if (n < 0 || (size_t)n >= sizeof(sid))
                continue;
            rr.sid = (struct str){sid, (size_t)n};
            rv[ROL_USER] = rid(e->id);
            rv[ROL_TYPE] = rtext(str_from(i == 0 ? "primary" : "secondary"));
            rv[ROL_ROLE] = rtext(str_from(role_from_11(m, fld(m, r, "role"), str_trim(tok))));
            rv[ROL_ORG] = rid(orgs[i]);
            /* derived roles are counted under users.csv, not roles.csv */
            struct roster_file_counts save = m->rep->files[RK_ROLE];
            rc = upsert(m, RK_ROLE, &rr, rv, &re, &rfresh);
            m->rep->files[RK_ROLE] = save;
            if (rc == 0 && re)
                rc = touch_user(m, e->id, fresh, orgs[i], rr.sid, i == 0,
                                strcmp(r->status, "active") == 0);
            if (rc < 0)
                return rc;
        }
    }
    struct str agents = fld(m, r, "agentSourcedIds");
    return add_pending(m, r, agents, colidx(m, r->fd, "agentSourcedIds"));
}

/* After users.csv: agents (guardians and their children may come in any order). */
static int finish_agents(struct imp *m, const struct fdesc *fd)
{
    for (size_t i = 0; i < m->n_pend; i++) {
        struct pending *p = &m->pend[i];
        struct strmap_entry *e = strmap_get(&m->map[RK_USER], p->owner);
        struct row r = {.fd = fd, .file = fd->name, .line = p->line};
        int64_t ids[MAX_REFS];
        size_t n;
        int ch;

        if (!e || !(e->flags & F_EXISTS))
            continue;
        if (!resolve_list(m, &r, "agentSourcedIds", RK_USER, p->refs, ids, &n))
            continue;
        ch = store_roster_set_links(m->db, LINK_USER_AGENTS, m->district_id, e->id, ids, n,
                                    (e->flags & F_CREATED) != 0);
        if (ch < 0)
            return ch;
        if (ch)
            count_late_change(m, RK_USER, e);
    }
    m->n_pend = 0;
    return 0;
}

static int w_profile(struct imp *m, const struct row *r)
{
    struct rval v[PRF_NCOLS];
    struct strmap_entry *e;
    bool fresh;
    int64_t user = resolve(m, r, "userSourcedId", RK_USER, fld(m, r, "userSourcedId"));

    if (!user) {
        mark_bad(m, RK_PROFILE, r->sid);
        return 0;
    }
    v[PRF_USER] = rid(user);
    v[PRF_TYPE] = rtext(fld(m, r, "profileType"));
    v[PRF_VENDOR] = rtext(fld(m, r, "vendorId"));
    v[PRF_APP] = rtext(fld(m, r, "applicationId"));
    v[PRF_DESCRIPTION] = rtext(fld(m, r, "description"));
    v[PRF_CREDENTIAL] = rtext(fld(m, r, "credentialType"));
    v[PRF_USERNAME] = rtext(fld(m, r, "username"));
    return upsert(m, RK_PROFILE, r, v, &e, &fresh);
}

static int touch_user(struct imp *m, int64_t user, bool fresh, int64_t org, struct str sid,
                      bool primary, bool active)
{
    struct touched *t;
    if (m->n_touched == m->cap_touched) {
        size_t cap = m->cap_touched ? m->cap_touched * 2 : 256;
        t = mem_realloc(m->touched, cap * sizeof(*t));
        if (!t)
            return -ENOMEM;
        m->touched = t;
        m->cap_touched = cap;
    }
    t = &m->touched[m->n_touched];
    t->sid = fresh ? arena_strview(&m->arena, sid) : "";
    if (!t->sid)
        return -ENOMEM;
    t->user = user;
    t->org = org;
    t->fresh = fresh;
    t->primary = primary;
    t->active = active;
    m->n_touched++;
    return 0;
}

/* by user, then as store_roster_sync_user_orgs orders roles: primary first, then sourcedId */
static int cmp_touched(const void *a, const void *b)
{
    const struct touched *x = a, *y = b;
    if (x->user != y->user)
        return x->user < y->user ? -1 : 1;
    if (x->primary != y->primary)
        return x->primary ? -1 : 1;
    return strcmp(x->sid, y->sid);
}

static int w_role(struct imp *m, const struct row *r)
{
    struct rval v[ROL_NCOLS];
    struct strmap_entry *e;
    struct str ps = fld(m, r, "userProfileSourcedId");
    int64_t user, org;
    bool fresh;
    int rc;

    user = resolve(m, r, "userSourcedId", RK_USER, fld(m, r, "userSourcedId"));
    org = resolve(m, r, "orgSourcedId", RK_ORG, fld(m, r, "orgSourcedId"));
    if (ps.len && !resolve(m, r, "userProfileSourcedId", RK_PROFILE, ps))
        user = 0;
    if (!user || !org) {
        mark_bad(m, RK_ROLE, r->sid);
        return 0;
    }
    v[ROL_USER] = rid(user);
    v[ROL_TYPE] = rtext(fld(m, r, "roleType"));
    v[ROL_ROLE] = rtext(fld(m, r, "role"));
    v[ROL_BEGIN] = rdate(fld(m, r, "beginDate"));
    v[ROL_END] = rdate(fld(m, r, "endDate"));
    v[ROL_ORG] = rid(org);
    v[ROL_PROFILE] = rtext(ps);
    rc = upsert(m, RK_ROLE, r, v, &e, &fresh);
    if (rc < 0 || !e)
        return rc;
    struct strmap_entry *ue = strmap_get(&m->map[RK_USER], fld(m, r, "userSourcedId"));
    return touch_user(m, user, ue && (ue->flags & F_CREATED), org, r->sid,
                      str_eq_cstr(fld(m, r, "roleType"), "primary"),
                      strcmp(r->status, "active") == 0);
}

static int finish_roles(struct imp *m)
{
    if (m->n_touched > 1)
        qsort(m->touched, m->n_touched, sizeof(*m->touched), cmp_touched);
    for (size_t i = 0, j; i < m->n_touched; i = j) {
        const struct touched *t = &m->touched[i];
        int64_t orgs[MAX_REFS];
        size_t n = 0;
        int rc;

        for (j = i; j < m->n_touched && m->touched[j].user == t->user; j++) {
            bool dup = false;
            if (!m->touched[j].active)
                continue;
            for (size_t k = 0; k < n; k++)
                dup |= orgs[k] == m->touched[j].org;
            if (!dup && n < MAX_REFS)
                orgs[n++] = m->touched[j].org;
        }
        if (t->fresh)
            /* every role of a new user is in this set: no need to ask the database */
            rc = store_roster_set_links(m->db, LINK_USER_ORGS, m->district_id, t->user, orgs, n,
                                        true);
        else
            rc = store_roster_sync_user_orgs(m->db, m->district_id, t->user, false);
        if (rc < 0)
            return rc;
    }
    m->n_touched = 0;
    return 0;
}

static int w_enrollment(struct imp *m, const struct row *r)
{
    struct rval v[ENR_NCOLS];
    struct strmap_entry *e;
    int64_t cls, school, user;
    bool fresh;

    cls = resolve(m, r, "classSourcedId", RK_CLASS, fld(m, r, "classSourcedId"));
    school = resolve(m, r, "schoolSourcedId", RK_ORG, fld(m, r, "schoolSourcedId"));
    user = resolve(m, r, "userSourcedId", RK_USER, fld(m, r, "userSourcedId"));
    if (!cls || !school || !user) {
        mark_bad(m, RK_ENROLLMENT, r->sid);
        return 0;
    }
    v[ENR_CLASS] = rid(cls);
    v[ENR_SCHOOL] = rid(school);
    v[ENR_USER] = rid(user);
    v[ENR_ROLE] = rtext(fld(m, r, "role"));
    v[ENR_PRIMARY] = rtext(fld(m, r, "primary"));
    v[ENR_BEGIN] = rdate(fld(m, r, "beginDate"));
    v[ENR_END] = rdate(fld(m, r, "endDate"));
    return upsert(m, RK_ENROLLMENT, r, v, &e, &fresh);
}

static int w_demographic(struct imp *m, const struct row *r)
{
    static const char *const fields[] = {"birthDate",
                                         "sex",
                                         "americanIndianOrAlaskaNative",
                                         "asian",
                                         "blackOrAfricanAmerican",
                                         "nativeHawaiianOrOtherPacificIslander",
                                         "white",
                                         "demographicRaceTwoOrMoreRaces",
                                         "hispanicOrLatinoEthnicity",
                                         "countryOfBirthCode",
                                         "stateOfBirthAbbreviation",
                                         "cityOfBirth",
                                         "publicSchoolResidenceStatus"};
    struct rval v[DEM_NCOLS];
    struct strmap_entry *e;
    uint8_t digest[SEAL_INDEX_LEN];
    bool fresh;
    char *text;
    json_t *o;
    int rc;
    /* the demographics sourcedId is the user's (1.1 and 1.2 tables) */
    int64_t user = resolve(m, r, "sourcedId", RK_USER, r->sid);

    if (!user) {
        mark_bad(m, RK_DEMOGRAPHIC, r->sid);
        return 0;
    }
    o = json_object();
    if (!o)
        return -ENOMEM;
    for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
        struct str s = fld(m, r, fields[i]);
        if (s.len && json_object_set_new(o, fields[i], json_stringn(s.p, s.len)) < 0) {
            json_decref(o);
            return -ENOMEM;
        }
    }
    text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    if (!text)
        return -ENOMEM;
    rc = seal_encrypt(m->seal, text, strlen(text), &m->s1);
    seal_index(m->seal, text, strlen(text), digest);
    memset(text, 0, strlen(text));
    mem_free(text);
    if (rc < 0)
        return rc;
    v[DEM_USER] = rid(user);
    v[DEM_SEALED] = rblob(&m->s1, true);
    v[DEM_DIGEST] = (struct rval){.t = RVAL_BLOB, .b = digest, .n = sizeof(digest)};
    return upsert(m, RK_DEMOGRAPHIC, r, v, &e, &fresh);
}

static int (*const writers[RK_COUNT])(struct imp *, const struct row *) = {
    w_org, w_session, w_course, w_class, w_user, w_profile, w_role, w_enrollment, w_demographic,
};

/* ---- files ---- */

static bool check_header(struct imp *m, const struct fdesc *fd, struct csvr *cr)
{
    const struct col *c = m->ver == 12 ? fd->c12 : fd->c11;
    size_t n = m->ver == 12 ? fd->n12 : fd->n11;
    const char *v = m->ver == 12 ? "1.2" : "1.1";

    for (size_t i = 0; i < n; i++) {
        if (i >= cr->n) {
            err(m,
                "%s:1:%zu: header: column '%s' is missing (OneRoster %s %s has %zu columns "
                "in a fixed order)",
                fd->name, i + 1, c[i].name, v, fd->name, n);
            return false;
        }
        if (!str_eq_cstr(cr->fields[i], c[i].name)) {
            err(m,
                "%s:1:%zu: header: expected '%s', found '%.*s' (OneRoster %s columns are "
                "case-sensitive and in a fixed order)",
                fd->name, i + 1, c[i].name, STR_FMT(cr->fields[i]), v);
            return false;
        }
    }
    for (size_t i = n; i < cr->n; i++) {
        for (size_t j = 0; j < i; j++) {
            if (str_eq(cr->fields[i], cr->fields[j])) {
                err(m, "%s:1:%zu: header: '%.*s' appears twice", fd->name, i + 1,
                    STR_FMT(cr->fields[i]));
                return false;
            }
        }
        if (!str_starts_with(cr->fields[i], "metadata."))
            warn(m, "%s:1:%zu: header: '%.*s' is not a OneRoster %s column: ignored", fd->name,
                 i + 1, STR_FMT(cr->fields[i]), v);
    }
    return true;
}

static void format_warnings(struct imp *m, const char *name, const struct csvr *cr)
{
    if (cr->bom)
        warn(m, "%s:1:1: a UTF-8 byte order mark starts the file: ignored", name);
    if (cr->crlf)
        warn(m, "%s:1:0: lines end with CRLF: accepted", name);
    if (cr->needless_quotes)
        warn(m, "%s:0:0: %zu fields are quoted without needing it: accepted", name,
             cr->needless_quotes);
}

static int run_file(struct imp *m, const struct fdesc *fd)
{
    const char *mode = m->mode[fd->kind];
    const struct col *cols = m->ver == 12 ? fd->c12 : fd->c11;
    size_t ncols = m->ver == 12 ? fd->n12 : fd->n11;
    struct roster_file_counts *fc = &m->rep->files[fd->kind];
    char emsg[256];
    const char *data;
    size_t len, nhead = 0;
    struct csvr cr;
    int rc;

    fc->mode = mode;
    if (!mode)
        return 0;
    rc = ensure_loaded(m, fd->kind);
    if (rc < 0)
        return rc;
    emsg[0] = '\0';
    rc = roster_source_get(m->src, fd->name, &data, &len, emsg, sizeof(emsg));
    if (rc == -ENOENT) {
        err(m, "%s:0:0: missing: manifest.csv lists it as %s, but the set has no such file",
            fd->name, mode);
        m->broken[fd->kind] = true;
        return 0;
    }
    if (rc < 0) {
        err(m, "%s:0:0: cannot read: %s", fd->name, emsg[0] ? emsg : strerror(-rc));
        m->broken[fd->kind] = true;
        return rc == -ENOMEM ? rc : 0;
    }
    m->passwords = 0;
    m->status_in_bulk = 0;
    csvr_init(&cr, data, len);
    const char *done = data;
    while ((rc = csvr_next(&cr)) != 0) {
        if (rc == -ENOMEM)
            break;
        if (rc < 0) {
            err(m, "%s:%zu:%zu: %s", fd->name, cr.rec_line, cr.err_col, cr.err);
            if (nhead == 0) {
                m->broken[fd->kind] = true;
                break;
            }
            continue;
        }
        if (nhead == 0) {
            nhead = cr.n;
            if (!check_header(m, fd, &cr)) {
                m->broken[fd->kind] = true;
                break;
            }
            continue;
        }
        fc->rows++;
        if (cr.n != nhead) {
            err(m, "%s:%zu:%zu: the line has %zu fields, the header %zu", fd->name, cr.rec_line,
                MIN(cr.n, nhead) + 1, cr.n, nhead);
            mark_bad(m, fd->kind, cr.fields[0]);
            continue;
        }
        bool ok = true;
        for (size_t i = 0; i < ncols; i++)
            ok &= check_field(m, fd->name, cr.rec_line, i + 1, &cols[i], cr.fields[i], mode);
        struct row r = {.fd = fd,
                        .file = fd->name,
                        .mode = mode,
                        .f = cr.fields,
                        .line = cr.rec_line,
                        .sid = cr.fields[0],
                        .status = cr.fields[1].len ? "" : "active"};
        if (ok) {
            struct strmap_entry *e = strmap_get(&m->map[fd->kind], r.sid);
            if (e && (e->flags & (F_SEEN | F_BAD)) == F_SEEN) {
                err(m, "%s:%zu:1: sourcedId: '%.*s' already appears on line %lld", fd->name, r.line,
                    STR_FMT(r.sid), (long long)e->aux);
                continue;
            }
        }
        if (!ok) {
            mark_bad(m, fd->kind, r.sid);
            continue;
        }
        if (cr.fields[1].len)
            r.status = str_eq_cstr(cr.fields[1], "active") ? "active" : "tobedeleted";
        if (cr.fields[2].len)
            (void)parse_dlm(cr.fields[2], &r.dlm);
        if (strcmp(mode, "bulk") == 0 && (cr.fields[1].len || cr.fields[2].len))
            m->status_in_bulk++;
        rc = writers[fd->kind](m, &r);
        if (rc < 0)
            break;
        if (cr.p - done > (8 << 20)) {
            done = cr.p;
            roster_source_done_before(m->src, fd->name, done);
        }
    }
    if (rc >= 0 && !m->broken[fd->kind] && nhead == 0)
        err(m, "%s:1:0: the file is empty; OneRoster requires a header", fd->name);
    else if (rc >= 0 && !m->broken[fd->kind] && fc->rows == 0)
        err(m,
            "%s:2:0: the file has no data rows, which OneRoster does not permit "
            "(mark it absent in manifest.csv instead)",
            fd->name);
    format_warnings(m, fd->name, &cr);
    csvr_release(&cr);
    if (rc < 0)
        return rc;
    /* nothing points into a data file once it is read (map keys are copies) */
    roster_source_drop(m->src, fd->name);
    if (m->passwords)
        warn(m, "%s:0:%zu: password: %ld roster passwords ignored; Trellis never stores them",
             fd->name, colidx(m, fd, "password") + 1, m->passwords);
    if (m->status_in_bulk)
        warn(m,
             "%s:0:2: status, dateLastModified: %ld rows of a bulk file fill them in; the "
             "binding leaves them blank in bulk mode: kept",
             fd->name, m->status_in_bulk);
    if (fd->kind == RK_ORG || fd->kind == RK_SESSION)
        return finish_parents(m, fd->kind, fd);
    if (fd->kind == RK_USER) {
        rc = finish_agents(m, fd);
        if (rc == 0 && m->ver == 11)
            rc = finish_roles(m);
        /* what only users.csv needed */
        strmap_release(&m->prole);
        arena_release(&m->arena);
        mem_free(m->pend);
        m->pend = NULL;
        m->cap_pend = 0;
        return rc;
    }
    if (fd->kind == RK_ROLE)
        return finish_roles(m);
    return 0;
}

/* ---- manifest, district ---- */

struct manifest {
    char version[8];
    char system_name[128], system_code[64];
};

static int read_manifest(struct imp *m, struct manifest *mf)
{
    char emsg[256] = "";
    const char *data;
    size_t len, line = 0;
    bool seen_file[RK_COUNT] = {0}, have_version = false, have_mversion = false;
    struct csvr cr;
    int rc;

    rc = roster_source_get(m->src, "manifest.csv", &data, &len, emsg, sizeof(emsg));
    if (rc == -ENOENT) {
        err(m, "manifest.csv:0:0: missing: a OneRoster set must have manifest.csv at its top "
               "level (OneRoster 1.1 CSV Tables, Table 2.1)");
        return 0;
    }
    if (rc < 0) {
        err(m, "manifest.csv:0:0: cannot read: %s", emsg[0] ? emsg : strerror(-rc));
        return rc == -ENOMEM ? rc : 0;
    }
    csvr_init(&cr, data, len);
    while ((rc = csvr_next(&cr)) != 0) {
        if (rc < 0) {
            err(m, "manifest.csv:%zu:%zu: %s", cr.rec_line, cr.err_col, cr.err);
            continue;
        }
        line = cr.rec_line;
        if (line == 1) {
            if (cr.n != 2 || !str_eq_cstr(cr.fields[0], "propertyName") ||
                !str_eq_cstr(cr.fields[1], "value")) {
                err(m, "manifest.csv:1:1: header: expected 'propertyName,value'");
                break;
            }
            continue;
        }
        if (cr.n != 2) {
            err(m, "manifest.csv:%zu:%zu: expected 2 fields (propertyName,value), found %zu", line,
                MIN(cr.n, 2) + 1, cr.n);
            continue;
        }
        struct str k = cr.fields[0], v = cr.fields[1];
        if (str_eq_cstr(k, "manifest.version")) {
            have_mversion = true;
            if (!str_eq_cstr(v, "1.0"))
                err(m, "manifest.csv:%zu:2: manifest.version: '%.*s' is not 1.0", line, STR_FMT(v));
        } else if (str_eq_cstr(k, "oneroster.version")) {
            have_version = true;
            if (str_eq_cstr(v, "1.1") || str_eq_cstr(v, "1.2"))
                snprintf(mf->version, sizeof(mf->version), "%.*s", STR_FMT(v));
            else
                err(m, "manifest.csv:%zu:2: oneroster.version: '%.*s' is not 1.1 or 1.2", line,
                    STR_FMT(v));
        } else if (str_eq_cstr(k, "source.systemName")) {
            snprintf(mf->system_name, sizeof(mf->system_name), "%.*s", STR_FMT(v));
        } else if (str_eq_cstr(k, "source.systemCode")) {
            snprintf(mf->system_code, sizeof(mf->system_code), "%.*s", STR_FMT(v));
        } else if (str_starts_with(k, "file.")) {
            bool known = false;
            if (!str_eq_cstr(v, "absent") && !str_eq_cstr(v, "bulk") && !str_eq_cstr(v, "delta")) {
                err(m, "manifest.csv:%zu:2: %.*s: '%.*s' is not absent, bulk or delta", line,
                    STR_FMT(k), STR_FMT(v));
                continue;
            }
            for (size_t i = 0; i < RK_COUNT; i++) {
                if (str_eq_cstr(k, files[i].manifest)) {
                    known = true;
                    if (seen_file[i]) {
                        err(m, "manifest.csv:%zu:1: %.*s: given twice", line, STR_FMT(k));
                        break;
                    }
                    seen_file[i] = true;
                    m->mode[i] = str_eq_cstr(v, "absent") ? NULL
                                 : str_eq_cstr(v, "bulk") ? "bulk"
                                                          : "delta";
                }
            }
            for (size_t i = 0; !known && i < ARRAY_SIZE(other_files); i++) {
                if (str_eq_cstr(k, other_files[i])) {
                    known = true;
                    if (!str_eq_cstr(v, "absent"))
                        warn(m,
                             "manifest.csv:%zu:2: %.*s: Trellis imports rosters only; this "
                             "file is ignored",
                             line, STR_FMT(k));
                }
            }
            if (!known)
                warn(m, "manifest.csv:%zu:1: '%.*s' is not a OneRoster file: ignored", line,
                     STR_FMT(k));
        } else {
            warn(m, "manifest.csv:%zu:1: '%.*s' is not a OneRoster manifest property: ignored",
                 line, STR_FMT(k));
        }
    }
    format_warnings(m, "manifest.csv", &cr);
    csvr_release(&cr);
    if (rc == -ENOMEM)
        return rc;
    if (!have_mversion)
        err(m, "manifest.csv:0:0: manifest.version: required");
    if (!have_version)
        err(m, "manifest.csv:0:0: oneroster.version: required");
    if (mf->version[0]) {
        m->ver = strcmp(mf->version, "1.2") == 0 ? 12 : 11;
        for (size_t i = 0; i < RK_COUNT; i++) {
            if (files[i].v12_only && m->ver == 11 && seen_file[i]) {
                err(m, "manifest.csv:0:0: %s: not part of OneRoster 1.1", files[i].manifest);
                m->mode[i] = NULL;
            }
        }
        if (m->ver == 11)
            m->mode[RK_ROLE] = m->mode[RK_USER]; /* derived from users.csv */
    }
    /* a file the set carries but the manifest leaves out (or marks absent) is not read */
    for (size_t i = 0; i < RK_COUNT; i++) {
        const char *d;
        size_t n;
        if (!m->mode[i] && !(m->ver == 11 && files[i].v12_only) &&
            roster_source_get(m->src, files[i].name, &d, &n, emsg, sizeof(emsg)) == 0)
            warn(m, "%s:0:0: present, but manifest.csv marks it absent: not read", files[i].name);
    }
    return 0;
}

/* The set's district org, if any: 1 and its sourcedId and name, 0 if none, <0 on error. */
static int find_district_org(struct imp *m, char **ret_sid, char **ret_name)
{
    const char *data;
    size_t len;
    char emsg[128];
    struct csvr cr;
    size_t found_line = 0;
    int rc, result = 0;

    if (!m->mode[RK_ORG] ||
        roster_source_get(m->src, "orgs.csv", &data, &len, emsg, sizeof(emsg)) < 0)
        return 0;
    csvr_init(&cr, data, len);
    while ((rc = csvr_next(&cr)) != 0) {
        if (rc < 0 || cr.rec_line == 1 || cr.n < 5 || !str_eq_cstr(cr.fields[4], "district"))
            continue;
        if (cr.fields[1].len && !str_eq_cstr(cr.fields[1], "active"))
            continue;
        if (found_line) {
            err(m, "orgs.csv:%zu:5: type: a set holds one district; '%s' is already one (line %zu)",
                cr.rec_line, *ret_sid, found_line);
            result = -EINVAL;
            break;
        }
        *ret_sid = mem_strndup(cr.fields[0].p, cr.fields[0].len);
        *ret_name = mem_strndup(cr.fields[3].p, cr.fields[3].len);
        if (!*ret_sid || !*ret_name) {
            result = -ENOMEM;
            break;
        }
        found_line = cr.rec_line;
        result = 1;
    }
    csvr_release(&cr);
    return result;
}

static int resolve_district(struct imp *m, const struct roster_import_opts *o,
                            const struct manifest *mf)
{
    char *sid = NULL, *name = NULL;
    int rc = find_district_org(m, &sid, &name);
    int64_t id = 0;

    if (rc < 0)
        goto out;
    if (o->district_id) {
        char *have_sid = NULL, *have_name = NULL;
        rc = store_district_get(m->db, o->district_id, &have_sid, &have_name);
        if (rc < 0)
            goto out;
        if (sid && strcmp(sid, have_sid) != 0) {
            err(m, "orgs.csv:0:0: the set's district '%s' is not this district ('%s')", sid,
                have_sid);
            mem_free(have_sid);
            mem_free(have_name);
            rc = -EINVAL;
            goto out;
        }
        m->district_sid = have_sid;
        mem_free(have_name);
        m->district_id = o->district_id;
        rc = 0;
        goto out;
    }
    if (sid) {
        rc = store_district_find(m->db, str_from(sid), &id);
        if (rc == -ENOENT) {
            rc = store_district_create(m->db, str_from(sid), str_from(name), m->now, &id);
            m->new_district = true;
        } else if (rc == 0) {
            rc = store_district_rename(m->db, id, str_from(name));
        }
        if (rc < 0)
            goto out;
        m->district_sid = sid;
        sid = NULL;
        m->district_id = id;
        rc = 0;
        goto out;
    }
    rc = store_district_only(m->db, &id);
    if (rc == 0) {
        char *dn = NULL;
        rc = store_district_get(m->db, id, &m->district_sid, &dn);
        mem_free(dn);
        m->district_id = id;
        goto out;
    }
    if (rc == -EEXIST) {
        err(m, "orgs.csv:0:0: the set names no district (no org of type district) and the "
               "database holds several: say which (--district)");
        rc = -EINVAL;
        goto out;
    }
    if (rc != -ENOENT)
        goto out;
    {
        char dsid[96], dname[160];
        snprintf(dsid, sizeof(dsid), "trellis:%s",
                 mf->system_code[0] ? mf->system_code : "default");
        snprintf(dname, sizeof(dname), "%s", mf->system_name[0] ? mf->system_name : "District");
        rc = store_district_create(m->db, str_from(dsid), str_from(dname), m->now, &id);
        if (rc < 0)
            goto out;
        m->new_district = true;
        m->district_id = id;
        m->district_sid = mem_strdup(dsid);
        if (!m->district_sid) {
            rc = -ENOMEM;
            goto out;
        }
        warn(m,
             "orgs.csv:0:0: the set names no district (no org of type district): its records "
             "go into a new district '%s' (sourcedId %s)",
             dname, dsid);
    }
out:
    mem_free(sid);
    mem_free(name);
    return rc;
}

/* 1.2: the primary role of every user in roles.csv, before users.csv is read. */
static int prescan_roles(struct imp *m)
{
    const char *data;
    size_t len;
    char emsg[128];
    struct csvr cr;
    int rc;

    if (m->ver != 12 || !m->mode[RK_ROLE] ||
        roster_source_get(m->src, "roles.csv", &data, &len, emsg, sizeof(emsg)) < 0)
        return 0;
    csvr_init(&cr, data, len);
    while ((rc = csvr_next(&cr)) != 0) {
        struct strmap_entry *e;
        bool added;
        if (rc == -ENOMEM)
            break;
        if (rc < 0 || cr.rec_line == 1 || cr.n < 6)
            continue;
        if (!str_eq_cstr(cr.fields[4], "primary"))
            continue;
        if (cr.fields[1].len && !str_eq_cstr(cr.fields[1], "active"))
            continue;
        rc = strmap_put(&m->prole, cr.fields[3], &e, &added);
        if (rc < 0)
            break;
        if (added) {
            e->id = enum_index(E_ROLE12, cr.fields[5]);
            if (e->id < 0 && str_starts_with(cr.fields[5], "ext:") && cr.fields[5].len > 4) {
                /* an extension role: keep its text */
                char *t = arena_strview(&m->arena, cr.fields[5]);
                if (!t) {
                    rc = -ENOMEM;
                    break;
                }
                e->id = -2;
                e->aux = (int64_t)(intptr_t)t;
            }
        }
    }
    csvr_release(&cr);
    return rc == -ENOMEM ? rc : 0;
}

static int bulk_deactivate(struct imp *m)
{
    for (size_t k = 0; k < RK_COUNT; k++) {
        if (!m->mode[k] || strcmp(m->mode[k], "bulk") != 0)
            continue;
        strmap_foreach(&m->map[k], e)
        {
            if ((e->flags & (F_EXISTS | F_SEEN | F_ACTIVE)) != (F_EXISTS | F_ACTIVE))
                continue;
            int rc = store_roster_deactivate(m->db, (enum roster_kind)k, e->id, m->now);
            if (rc < 0)
                return rc;
            m->rep->files[k].deactivated++;
        }
    }
    return 0;
}

/* ---- the service ---- */

static char *summary_text(const struct roster_report *rep)
{
    json_t *o = roster_report_json(rep);
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return s;
}

int roster_import(struct ctx *c, struct roster_source *src, const struct roster_import_opts *o,
                  struct roster_report *rep)
{
    struct imp m = {0};
    struct manifest mf = {0};
    struct principal op;
    const struct principal *was = c->who;
    int rc;

    memset(rep, 0, sizeof(*rep));
    m.c = c;
    m.src = src;
    m.rep = rep;
    m.now = c->now_ms;
    m.seal = store_seal(c->store);
    buf_init(&m.s1, 1 << 20);
    buf_init(&m.s2, 1 << 20);
    buf_init(&m.s3, 1 << 20);
    buf_init(&m.js, 1 << 20);

    /* who may import into a district named up front is decided before any work */
    if (o->district_id) {
        struct access_resource res = {RES_DISTRICT, o->district_id, o->district_id};
        rc = access_check(c, ACT_ADMIN, &res, NULL);
        if (rc < 0)
            goto out;
    } else if (!o->as_operator) {
        rc = ctx_fail(c, -EINVAL, "district: required");
        goto out;
    }
    rc = ctx_db(c, &m.db);
    if (rc < 0)
        goto out;
    rc = store_begin(m.db);
    if (rc < 0) {
        rc = ctx_fail(c, rc, "cannot start the import transaction");
        goto out;
    }
    rc = read_manifest(&m, &mf);
    if (rc < 0 || has_errors(&m))
        goto fail;
    snprintf(rep->version, sizeof(rep->version), "%s", mf.version);
    rc = resolve_district(&m, o, &mf);
    if (rc < 0 || has_errors(&m))
        goto fail;
    if (!o->district_id) {
        /* the operator (the CLI) in the set's district; the policy still decides */
        if (principal_operator_in(&op, c->who, m.district_id) < 0) {
            rc = ctx_fail(c, -EACCES, "district: only the server's operator imports without one");
            goto fail;
        }
        c->who = &op;
        struct access_resource res = {RES_DISTRICT, m.district_id, m.district_id};
        rc = access_check(c, ACT_ADMIN, &res, NULL);
        if (rc < 0)
            goto fail;
    }
    rep->district_id = m.district_id;
    rep->district_created = m.new_district;
    rep->district_sourced_id = mem_strdup(m.district_sid ? m.district_sid : "");
    {
        char *dsid = NULL;
        if (store_district_get(m.db, m.district_id, &dsid, &rep->district_name) == 0)
            mem_free(dsid);
    }
    rc = prescan_roles(&m);
    if (rc < 0)
        goto fail;
    for (size_t i = 0; i < RK_COUNT; i++) {
        if (m.ver == 11 && i == RK_USER) {
            /* for the roles derived from users.csv */
            rc = ensure_loaded(&m, RK_ROLE);
            if (rc < 0)
                goto fail;
        }
        if (m.ver == 11 && i == RK_ROLE) {
            rep->files[i].mode = NULL;
            continue;
        }
        rc = run_file(&m, &files[i]);
        if (rc == 0 && m.fatal)
            rc = m.fatal;
        if (rc < 0)
            goto fail;
    }
    if (has_errors(&m)) {
        rc = -EINVAL;
        goto fail;
    }
    rc = bulk_deactivate(&m);
    if (rc < 0)
        goto fail;
    {
        char *sum = summary_text(rep);
        const struct principal *who = c->who;
        rc = store_roster_log_import(m.db, m.district_id, m.now, who && who->name ? who->name : "-",
                                     o->source_label ? o->source_label : "-", rep->version,
                                     sum ? sum : "{}");
        mem_free(sum);
        if (rc < 0)
            goto fail;
    }
    rc = store_commit(m.db);
    if (rc < 0)
        ctx_fail(c, rc, "cannot commit the import");
    goto out;
fail:
    store_rollback(m.db);
    if (rc >= 0 || has_errors(&m)) {
        if (rc >= 0 || rc == -EINVAL)
            rc = ctx_fail(c, -EINVAL, "the roster set has %zu errors; nothing was imported",
                          rep->n_errors + rep->more_errors);
    } else if (!c->err[0]) {
        ctx_fail(c, rc, "the import failed: %s", strerror(-rc));
    }
out:
    if (c->who == &op)
        c->who = was; /* op lives on this stack */
    for (size_t i = 0; i < RK_COUNT; i++)
        strmap_release(&m.map[i]);
    strmap_release(&m.prole);
    arena_release(&m.arena);
    mem_free(m.pend);
    mem_free(m.touched);
    mem_free(m.district_sid);
    buf_release(&m.s1);
    buf_release(&m.s2);
    buf_release(&m.s3);
    buf_release(&m.js);
    return rc;
}

int roster_import_zip(struct ctx *c, int64_t district_id, const void *p, size_t n,
                      struct roster_report *rep)
{
    struct access_resource res = {RES_DISTRICT, district_id, district_id};
    struct roster_import_opts o = {.district_id = district_id, .source_label = "upload"};
    struct roster_source *src = NULL;
    char emsg[256];
    int rc;

    memset(rep, 0, sizeof(*rep));
    rc = access_check(c, ACT_ADMIN, &res, NULL);
    if (rc < 0)
        return rc;
    rc = roster_source_zip_buffer(p, n, &src, emsg, sizeof(emsg));
    if (rc == -ENOMEM)
        return ctx_fail(c, rc, "out of memory");
    if (rc < 0)
        return ctx_fail(c, -EINVAL, "body: %s", emsg);
    rc = roster_import(c, src, &o, rep);
    roster_source_free(src);
    return rc;
}

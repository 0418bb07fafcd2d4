/*
 * The OneRoster import's parts and their shared state (internal to the
 * roster service; other modules use roster.h):
 *   roster_import.c    the service: the transaction, the files in order, the report
 *   roster_manifest.c  manifest.csv and the set's district (tenancy)
 *   roster_check.c     the row checks: each field against its column, the header
 *   roster_write.c     the writes: references resolved, records inserted or updated
 *   roster_spec.c      the specification's tables (shared with the export)
 */
#ifndef TRELLIS_APP_ROSTER_IMP_H
#define TRELLIS_APP_ROSTER_IMP_H

#include <stdarg.h>

#include "app/roster.h"
#include "app/roster_spec.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/csvread.h"
#include "base/strmap.h"
#include "store/seal.h"
#include "store/store_roster.h"

#define MAX_REFS 64

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

enum { IMP_SKIPPED, IMP_CREATED, IMP_UPDATED, IMP_UNCHANGED };

struct guard_rec;

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
    struct strmap
        prole; /* 1.2: user sourcedId -> index into roster_spec_role12 of the primary role */
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
    /* what the last upsert did (IMP_CREATED ...), for the checks that follow a write */
    int upserted;
    /* administrators (roster_guard.c): 0 when the importer may create, promote and change
       them; else what an import that would is refused with (-EACCES, -ENOKEY), and why */
    int guard;
    const char *guard_why;
    struct guard_rec *admins; /* the stored administrators' records, sorted */
    size_t n_admins, cap_admins, n_guarded;
    int fatal;   /* a storage error met where it could not be returned */
    int refusal; /* what a set with errors fails with: 0 (-EINVAL), or -E2BIG (a file too large) */
    struct colcache {
        const char *name;
        const struct fdesc *fd;
        size_t idx;
    } cc[256];
};

struct row {
    const struct fdesc *fd;
    const char *file, *mode;
    struct str *f;
    size_t line;
    struct str sid;
    const char *status; /* "active" or "tobedeleted" */
    int64_t dlm;        /* 0: blank */
};

struct manifest {
    char version[8];
    char system_name[128], system_code[64];
};

/* ---- roster_import.c ---- */

/* Report an error or a warning ("file:line:column: field: reason"), up to the report's caps. */
void imp_err(struct imp *m, const char *fmt, ...) PRINTF_FMT(2, 3);
void imp_warn(struct imp *m, const char *fmt, ...) PRINTF_FMT(2, 3);
bool imp_has_errors(const struct imp *m);

/* ---- roster_manifest.c ---- */

/* Read manifest.csv into mf and m->mode, m->ver; problems are reported. <0 only for a fault. */
int imp_read_manifest(struct imp *m, struct manifest *mf);
/* Decide the district the set goes into (m->district_id, m->district_sid; may create it). */
int imp_resolve_district(struct imp *m, const struct roster_import_opts *o,
                         const struct manifest *mf);

/* ---- roster_check.c ---- */

/* The index of v in the NULL-terminated list en, or -1. */
int imp_enum_index(const char *const *en, struct str v);
/* An ISO 8601 UTC date-time as the binding writes dateLastModified. */
bool imp_parse_dlm(struct str v, int64_t *ret);
/* Check each field of a data row (cr: as many fields as the header) against its column;
   report each bad one and return false if there was any. */
bool imp_check_row(struct imp *m, const struct fdesc *fd, const struct csvr *cr, const char *mode);
/* Check a file's header against the table: false (reported) when it does not match. */
bool imp_check_header(struct imp *m, const struct fdesc *fd, struct csvr *cr);
/* Warnings for what the reader accepted (BOM, CRLF, needless quotes). */
void imp_format_warnings(struct imp *m, const char *name, const struct csvr *cr);

/* ---- roster_write.c ---- */

/* Load the district's stored records of kind k into m->map[k] (once). */
int imp_ensure_loaded(struct imp *m, enum roster_kind k);
/* The position of the column named name in fd's table for the set's version. */
size_t imp_colidx(const struct imp *m, const struct fdesc *fd, const char *name);
/* Mark sourcedId sid of kind k as bad: references to it are not reported again. */
void imp_mark_bad(struct imp *m, enum roster_kind k, struct str sid);
/* The writer of each kind: one checked row becomes a record. */
extern int (*const imp_writers[RK_COUNT])(struct imp *, const struct row *);
/* After orgs.csv or academicSessions.csv: the parents. */
int imp_finish_parents(struct imp *m, enum roster_kind k, const struct fdesc *fd);
/* After users.csv: the agents. */
int imp_finish_agents(struct imp *m, const struct fdesc *fd);
/* After roles.csv (or a 1.1 users.csv): the users' orgs. */
int imp_finish_roles(struct imp *m);
/* 1.2: the primary role of every user in roles.csv, before users.csv is read. */
int imp_prescan_roles(struct imp *m);
/* Bulk files: deactivate the district's records of their kind that the set lacks. */
int imp_bulk_deactivate(struct imp *m);

/* ---- roster_guard.c ---- */

/* Is role one that makes an administrator (administrator, principal, siteAdministrator,
   districtAdministrator, systemAdministrator)? */
bool imp_role_is_admin(struct str role);
/* After the district and the importer are known: may they grant administrator rights? If not,
   load the district's administrators so the checks below can refuse what would. */
int imp_guard_init(struct imp *m);
void imp_guard_release(struct imp *m);
/*
 * Checks after a row's upsert (m->upserted says what it did); each reports an error naming the
 * row and marks the import refused when the importer may not do what the row did.
 */
void imp_guard_user(struct imp *m, const struct row *r, int64_t user_id);
void imp_guard_role(struct imp *m, const struct row *r, size_t col, struct str role,
                    struct str user_sid, int64_t user_id, struct str org_sid);
void imp_guard_profile(struct imp *m, const struct row *r, size_t col, struct str user_sid,
                       int64_t user_id);
void imp_guard_org(struct imp *m, const struct row *r, size_t col, int64_t org_id, struct str type);
/* A user's agents changed (after users.csv). */
void imp_guard_agents(struct imp *m, const char *file, size_t line, size_t col,
                      const struct strmap_entry *e);
/* A bulk file would deactivate e: true (and reported) if that is refused. */
bool imp_guard_deactivate(struct imp *m, enum roster_kind k, const struct strmap_entry *e);

#endif

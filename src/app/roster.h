/*
 * The roster service: OneRoster CSV import (1.1 and 1.2 bindings, bulk and
 * delta, driven by manifest.csv) and export (a 1.2 set), and the reads other
 * modules need (a person, a class roster, the current academic session).
 * Every call that touches student data goes through access_check().
 *
 * Import is strict and atomic: every problem is reported as
 * "file:line:column: field: reason" (column = the 1-based CSV field number;
 * 0 when the whole file or line is meant), and one error means the whole
 * import is rolled back. What real exports do and the spec allows (a UTF-8
 * BOM, CRLF line ends, needlessly quoted fields, roster passwords, extension
 * columns) is accepted with a warning.
 *
 * Tenancy: the set's org of type "district" is the tenant (created on first
 * import). A set without one (a school-level export such as the Moodle or
 * TAO fixtures) goes into the district the caller names, or the only
 * district of the database; into an empty database it creates a district
 * named after the manifest's source.systemName (sourcedId
 * "trellis:" + source.systemCode, or "trellis:default"). A set whose
 * district is not the one the caller names is refused; so is, when the
 * caller asks (existing_district_only), a set for a district the database
 * does not hold while it holds others.
 */
#ifndef TRELLIS_APP_ROSTER_H
#define TRELLIS_APP_ROSTER_H

#include <jansson.h>
#include <stdint.h>

#include "app/ctx.h"
#include "store/store_roster.h"

/* ---- sources: a folder, a .zip file, a .zip in memory, or files in memory ---- */

struct roster_source;
struct roster_memfile {
    const char *name;
    const char *data;
    size_t len;
};
/* err names the path and the problem. The caller frees the source. */
int roster_source_dir(const char *path, struct roster_source **ret, char *err, size_t errlen);
int roster_source_zip(const char *path, struct roster_source **ret, char *err, size_t errlen);
/* A folder or a .zip, whichever path is. */
int roster_source_path(const char *path, struct roster_source **ret, char *err, size_t errlen);
/* A .zip held in memory (borrowed until the source is freed). */
int roster_source_zip_buffer(const void *p, size_t n, struct roster_source **ret, char *err,
                             size_t errlen);
/* Files held in memory (names and data borrowed until the source is freed). */
int roster_source_memory(const struct roster_memfile *files, size_t n, struct roster_source **ret);
/*
 * Call cb(arg, name) for each file at the top level of the set (a folder's
 * regular files, a .zip's members outside folders, the files in memory);
 * names starting with '.' are skipped. Stops at cb's first nonzero return
 * and returns it; 0, or a negative errno if the folder cannot be read.
 */
int roster_source_list(struct roster_source *s, int (*cb)(void *arg, const char *name), void *arg);
/*
 * The bytes of a file of the set: 0, -ENOENT if it is not there, or another
 * negative errno (err says why). Borrowed until the source is freed.
 */
int roster_source_get(struct roster_source *s, const char *name, const char **ret_data,
                      size_t *ret_len, char *err, size_t errlen);
/*
 * Tell the source that the bytes of file name before upto will not be read
 * again (a large mapped file then stops counting against memory).
 */
void roster_source_done_before(struct roster_source *s, const char *name, const char *upto);
/*
 * The most bytes one member of a .zip may unpack to (default
 * ROSTER_SOURCE_MAX): a member that claims or unpacks to more makes get
 * fail with -E2BIG, having allocated at most that much. Callers pass the
 * configured upload limit. Folders and files in memory are not limited.
 */
#define ROSTER_SOURCE_MAX ((size_t)256 << 20)
void roster_source_limit(struct roster_source *s, size_t max);
/* Let go of a file's bytes (a later get reads it again). */
void roster_source_drop(struct roster_source *s, const char *name);
void roster_source_free(struct roster_source *s);

/* ---- import ---- */

struct roster_file_counts {
    const char *mode; /* "bulk", "delta" or NULL (absent) */
    long rows, created, updated, unchanged, deactivated;
};

struct roster_report {
    char version[8]; /* "1.1" or "1.2" */
    int64_t district_id;
    char *district_sourced_id, *district_name;
    bool district_created;
    struct roster_file_counts files[RK_COUNT];
    char **warnings;
    size_t n_warnings;
    char **errors;
    size_t n_errors;
    size_t more_errors; /* errors beyond the cap that were not kept */
};

/* The CSV file name of a kind ("orgs.csv"). */
const char *roster_file_name(enum roster_kind k);
/* The column names of a kind's file in the 1.1 or 1.2 binding: the count (names gets up to max). */
size_t roster_columns(enum roster_kind k, bool v12, const char **names, size_t max);

struct roster_import_opts {
    /* the district to import into (the HTTP route's); 0: decided by the set (see above) */
    int64_t district_id;
    /* the same by sourcedId (the CLI's --district); NULL: decided by the set. With either, a set
       whose district org is another district is refused. */
    const char *district_sourced_id;
    /* a set whose district the database does not hold is refused when the database holds other
       districts (the CLI without --new-district); false: such a district is created */
    bool existing_district_only;
    /* the caller is the server's operator (the CLI): the service acts for the resolved
       district as its operator, through the same access check */
    bool as_operator;
    const char *source_label; /* for the import log: a file name, "upload", "demo" */
};

/*
 * Import a OneRoster set. 0 on success (the report counts what changed, and
 * an audit-chain entry records it); -EINVAL when the set has errors
 * (report->errors lists them, nothing was changed); -E2BIG when a file of a
 * .zip is past the source's limit; -EACCES (or -ENOKEY: a fresh second
 * factor would allow it) when rows would create, promote or change
 * administrators and the caller is not the operator or a district
 * administrator with a fresh second factor (the rows are in report->errors);
 * -EPERM, -EACCES or -ENOENT when the caller may not import into the
 * district; other negative errnos for storage faults. The report is filled
 * in every case; release it with roster_report_release().
 */
int roster_import(struct ctx *c, struct roster_source *src, const struct roster_import_opts *o,
                  struct roster_report *report);
/*
 * The same for a .zip held in memory (an HTTP upload) into district_id: the
 * access check comes before the bytes are looked at.
 */
int roster_import_zip(struct ctx *c, int64_t district_id, const void *p, size_t n,
                      struct roster_report *report);
void roster_report_release(struct roster_report *r);
/* The report as JSON (new reference, NULL on out-of-memory). */
json_t *roster_report_json(const struct roster_report *r);

/* ---- export ---- */

/*
 * Write the district's roster as a OneRoster 1.2 set into the folder dir
 * (created if missing; existing set files are replaced). Every record is
 * written, active or not, in delta mode (status and dateLastModified filled
 * in), so importing the export changes nothing. district_id 0: the only
 * district. Needs ACT_EXPORT on the district; as_operator as for import.
 * An audit-chain entry (who, district, counts, what was unsealed, the
 * students) is committed before the files take their names.
 */
int roster_export(struct ctx *c, int64_t district_id, bool as_operator, const char *dir,
                  long *ret_records);

#endif

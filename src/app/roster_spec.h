/*
 * The OneRoster CSV tables as data, shared by the import (roster_import.c
 * and its parts) and the export (roster_export.c): the files a set may
 * hold, each file's columns in the binding's order with their types,
 * whether they are required, their enumerations and what they refer to.
 * Internal to the roster service: other modules use roster.h.
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
 */
#ifndef TRELLIS_APP_ROSTER_SPEC_H
#define TRELLIS_APP_ROSTER_SPEC_H

#include "base/common.h"
#include "store/store_roster.h"

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

struct fdesc {
    enum roster_kind kind;
    const char *name;     /* file name */
    const char *manifest; /* "file.<name>" key */
    bool v12_only;
    const struct col *c11, *c12;
    size_t n11, n12;
};

/* Every file Trellis imports, in processing order: every file's references point to files
   before it (or to itself). */
extern const struct fdesc roster_spec_files[RK_COUNT];

/* Manifest files Trellis does not import (gradebook and resources): accepted, ignored. */
struct roster_other_file {
    const char *manifest; /* "file.<name>" key */
    bool v12_only;        /* not part of OneRoster 1.1 */
};
#define ROSTER_SPEC_N_OTHER 12
extern const struct roster_other_file roster_spec_other_files[ROSTER_SPEC_N_OTHER];

/* What one record of each kind is called in messages ("org", "academic session" ...). */
extern const char *const roster_spec_noun[RK_COUNT];

/* users.role in 1.1 and roles.role in 1.2 (NULL-terminated). */
extern const char *const roster_spec_role11[];
extern const char *const roster_spec_role12[];

/* The demographics.csv columns after the three every file starts with, in order. */
#define ROSTER_SPEC_N_DEMO 13
extern const char *const roster_spec_demo_fields[ROSTER_SPEC_N_DEMO];

#endif

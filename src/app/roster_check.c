/*
 * The OneRoster import's row checks (see roster_imp.h): each field against
 * its column in the specification's tables (required, enumerations with
 * their case, dates, booleans, clean text) and each file's header against
 * the table's columns and order. Every problem is reported as
 * "file:line:column: field: reason". Nothing here writes.
 */
#include "base/common.h"

#include <stdio.h>

#include "app/roster_imp.h"
#include "base/timeutil.h"

static int enum_index(const char *const *en, struct str v)
{
    for (int i = 0; en[i]; i++)
        if (str_eq_cstr(v, en[i]))
            return i;
    return -1;
}

/* For the other parts (enum_index stays static: the checks call it for every field, inlined). */
int imp_enum_index(const char *const *en, struct str v)
{
    return enum_index(en, v);
}

static void enum_list(const char *const *en, char *out, size_t n)
{
    size_t off = 0;
    out[0] = '\0';
    for (int i = 0; en[i] && off < n; i++)
        off += (size_t)snprintf(out + off, n - off, "%s%s", i ? ", " : "", en[i]);
}

bool imp_parse_dlm(struct str v, int64_t *ret)
{
    bool zone;
    /* ISO 8601 date-time in UTC as the binding shows it, e.g. 2025-10-15T09:30:00.000Z */
    if (time_parse_iso8601(v, false, ret, &zone) < 0 || !zone || v.len < 11 || v.p[10] != 'T')
        return false;
    return true;
}

/* What is wrong with a field, if anything. */
enum verdict {
    V_OK,
    V_REQUIRED_IN_DELTA,
    V_REQUIRED,
    V_ENUM,
    V_DLM,
    V_DATE,
    V_YEAR,
    V_BOOL,
    V_CONTROL,
};

/* Check one field against its column: small enough to inline into the row loop (the report
   of a bad field is report(), out of line). */
static enum verdict check_field(struct imp *m, const struct col *cd, struct str v, bool delta)
{
    int64_t tmp;

    if (v.len == 0) {
        if (cd->t == T_STATUS || cd->t == T_DLM)
            return delta ? V_REQUIRED_IN_DELTA : V_OK;
        return cd->req ? V_REQUIRED : V_OK;
    }
    switch (cd->t) {
    case T_STATUS:
    case T_ENUM:
        if (enum_index(cd->en, v) >= 0)
            return V_OK;
        if (cd->ext && m->ver == 12 && str_starts_with(v, "ext:") && v.len > 4)
            return V_OK;
        return V_ENUM;
    case T_DLM:
        return imp_parse_dlm(v, &tmp) ? V_OK : V_DLM;
    case T_DATE:
        return v.len == 10 && time_parse_date(v, &tmp) == 0 ? V_OK : V_DATE;
    case T_YEAR:
        return v.len == 4 && str_to_int64(v, 1900, 2999, &tmp) == 0 ? V_OK : V_YEAR;
    case T_BOOL:
        return str_eq_cstr(v, "true") || str_eq_cstr(v, "false") ? V_OK : V_BOOL;
    case T_PASSWORD:
        m->passwords++;
        return V_OK;
    default:
        return str_is_clean_text(v) ? V_OK : V_CONTROL;
    }
}

/* Report a bad field as file:line:column: field: reason. */
static void report(struct imp *m, const char *file, size_t line, size_t col, const struct col *cd,
                   struct str v, enum verdict what)
{
    char list[256];

    switch (what) {
    case V_OK:
        break;
    case V_REQUIRED_IN_DELTA:
        imp_err(m, "%s:%zu:%zu: %s: required in a delta file", file, line, col, cd->name);
        break;
    case V_REQUIRED:
        imp_err(m, "%s:%zu:%zu: %s: required, but blank", file, line, col, cd->name);
        break;
    case V_ENUM:
        enum_list(cd->en, list, sizeof(list));
        imp_err(m, "%s:%zu:%zu: %s: '%.*s' is not one of %s (values are case-sensitive)", file,
                line, col, cd->name, STR_FMT(v), list);
        break;
    case V_DLM:
        imp_err(m,
                "%s:%zu:%zu: %s: '%.*s' is not an ISO 8601 UTC date-time such as "
                "2025-10-15T09:30:00.000Z",
                file, line, col, cd->name, STR_FMT(v));
        break;
    case V_DATE:
        imp_err(m, "%s:%zu:%zu: %s: '%.*s' is not a date in the form YYYY-MM-DD", file, line, col,
                cd->name, STR_FMT(v));
        break;
    case V_YEAR:
        imp_err(m, "%s:%zu:%zu: %s: '%.*s' is not a year in the form YYYY", file, line, col,
                cd->name, STR_FMT(v));
        break;
    case V_BOOL:
        imp_err(m, "%s:%zu:%zu: %s: '%.*s' is not true or false (values are case-sensitive)", file,
                line, col, cd->name, STR_FMT(v));
        break;
    case V_CONTROL:
        imp_err(m, "%s:%zu:%zu: %s: holds control characters", file, line, col, cd->name);
        break;
    }
}

bool imp_check_row(struct imp *m, const struct fdesc *fd, const struct csvr *cr, const char *mode)
{
    const struct col *cols = m->ver == 12 ? fd->c12 : fd->c11;
    size_t ncols = m->ver == 12 ? fd->n12 : fd->n11;
    bool delta = strcmp(mode, "delta") == 0, ok = true;

    for (size_t i = 0; i < ncols; i++) {
        enum verdict what = check_field(m, &cols[i], cr->fields[i], delta);
        if (what != V_OK) {
            report(m, fd->name, cr->rec_line, i + 1, &cols[i], cr->fields[i], what);
            ok = false;
        }
    }
    return ok;
}

/* Does the header start with the columns c[0..n)? */
static bool header_is(const struct csvr *cr, const struct col *c, size_t n)
{
    if (cr->n < n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!str_eq_cstr(cr->fields[i], c[i].name))
            return false;
    return true;
}

bool imp_check_header(struct imp *m, const struct fdesc *fd, struct csvr *cr)
{
    const struct col *c = m->ver == 12 ? fd->c12 : fd->c11;
    size_t n = m->ver == 12 ? fd->n12 : fd->n11;
    const char *v = m->ver == 12 ? "1.2" : "1.1";
    const struct col *oc = m->ver == 12 ? fd->c11 : fd->c12;
    size_t on = m->ver == 12 ? fd->n11 : fd->n12;

    /* users.csv differs between the versions: say so when the file is the other version's */
    if (!header_is(cr, c, n) && header_is(cr, oc, on)) {
        imp_err(m,
                "%s:1:0: header: these are the OneRoster %s columns, but manifest.csv says "
                "oneroster.version %s",
                fd->name, m->ver == 12 ? "1.1" : "1.2", v);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (i >= cr->n) {
            imp_err(m,
                    "%s:1:%zu: header: column '%s' is missing (OneRoster %s %s has %zu columns "
                    "in a fixed order)",
                    fd->name, i + 1, c[i].name, v, fd->name, n);
            return false;
        }
        if (!str_eq_cstr(cr->fields[i], c[i].name)) {
            imp_err(m,
                    "%s:1:%zu: header: expected '%s', found '%.*s' (OneRoster %s columns are "
                    "case-sensitive and in a fixed order)",
                    fd->name, i + 1, c[i].name, STR_FMT(cr->fields[i]), v);
            return false;
        }
    }
    for (size_t i = n; i < cr->n; i++) {
        for (size_t j = 0; j < i; j++) {
            if (str_eq(cr->fields[i], cr->fields[j])) {
                imp_err(m, "%s:1:%zu: header: '%.*s' appears twice", fd->name, i + 1,
                        STR_FMT(cr->fields[i]));
                return false;
            }
        }
        if (!str_starts_with(cr->fields[i], "metadata."))
            imp_warn(m, "%s:1:%zu: header: '%.*s' is not a OneRoster %s column: ignored", fd->name,
                     i + 1, STR_FMT(cr->fields[i]), v);
    }
    return true;
}

void imp_format_warnings(struct imp *m, const char *name, const struct csvr *cr)
{
    if (cr->bom)
        imp_warn(m, "%s:1:1: a UTF-8 byte order mark starts the file: ignored", name);
    if (cr->crlf)
        imp_warn(m, "%s:1:0: lines end with CRLF: accepted", name);
    if (cr->needless_quotes)
        imp_warn(m, "%s:0:0: %zu fields are quoted without needing it: accepted", name,
                 cr->needless_quotes);
}

/*
 * A strict CSV reader (RFC 4180 with the OneRoster restriction that a field
 * holds no line break) that knows where it is: every record carries its line
 * number and every error names the line and the column (the 1-based field
 * number) and the reason.
 *
 * We do not use libcsv here: its callbacks report fields and records but not
 * their positions, and every OneRoster error must say file:line:column.
 *
 * What real exports do and RFC 4180 allows is accepted and reported through
 * flags the caller can turn into warnings: a UTF-8 byte order mark, CRLF line
 * ends, fields quoted without need. Errors: a quote inside an unquoted field,
 * text after a closing quote, an unterminated quote, a line break or NUL
 * inside a field, invalid UTF-8, an empty line before the end.
 *
 * The reader never writes into the input; fields are views into the input or,
 * for quoted fields with doubled quotes, into the reader's own buffer. Views
 * stay valid until the next call. Not thread-safe; one reader per file.
 */
#ifndef TRELLIS_CSVREAD_H
#define TRELLIS_CSVREAD_H

#include <stddef.h>

#include "base/buf.h"
#include "base/common.h"
#include "base/str.h"

#define CSVR_MAX_FIELDS 256

struct csvr {
    const char *p, *end;
    size_t line;            /* line of the next record */
    bool bom;               /* the input started with a UTF-8 BOM (skipped) */
    bool crlf;              /* some line ended with CRLF */
    bool lf;                /* some line ended with a bare LF */
    size_t needless_quotes; /* quoted fields that needed no quotes */
    struct buf scratch;     /* unescaped quoted fields */
    struct str fields[CSVR_MAX_FIELDS];
    size_t n;        /* fields in the current record */
    size_t rec_line; /* line of the current record */
    /* the last error */
    size_t err_col;
    char err[160];
};

/* Start reading len bytes at p (borrowed; must outlive the reader). */
void csvr_init(struct csvr *r, const char *p, size_t len);
/* Free the reader's buffer. NULL-safe. */
void csvr_release(struct csvr *r);
/*
 * Read the next record into r->fields[0..r->n). Returns 1 when a record was
 * read, 0 at the end of the input, -EINVAL on a syntax error (r->rec_line,
 * r->err_col and r->err say where and why; the reader skips to the next line
 * so the caller may go on reporting), -E2BIG for more than CSVR_MAX_FIELDS
 * fields or -ENOMEM.
 */
int csvr_next(struct csvr *r);

#endif

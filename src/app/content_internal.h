/*
 * Between the files of the content service (content*.c): where a pack's
 * files come from, and turning them into the normalised pack that is
 * stored. Not for other modules: they use content.h.
 */
#ifndef TRELLIS_APP_CONTENT_INTERNAL_H
#define TRELLIS_APP_CONTENT_INTERNAL_H

#include <jansson.h>
#include <stdint.h>

#include "base/common.h"

/* ---- sources ---- */

#define CONTENT_MAX_FILES (100 * 1000)
#define CONTENT_MAX_FILE  (8u << 20)   /* bytes of one file read */
#define CONTENT_MAX_TOTAL (512u << 20) /* bytes of all files read */

struct content_file {
    char *path; /* relative, '/'-separated, e.g. "items/frac-1.json" */
    char *data; /* NULL for files listed but not read (not JSON) */
    size_t len;
};

struct content_source {
    struct content_file *files; /* sorted by path */
    size_t n;
};

struct content_memfile {
    const char *path;
    const char *data;
    size_t len;
};

/*
 * A folder (walked recursively, hidden entries skipped) or a .zip (one
 * top-level folder holding everything is stripped). Only *.json files are
 * read; others are listed. err names the path and the problem.
 */
int content_source_path(const char *path, struct content_source **ret, char *err, size_t errlen);
/* Files held in memory (copied). */
int content_source_memory(const struct content_memfile *files, size_t n,
                          struct content_source **ret);
/* A file by path, or NULL. */
const struct content_file *content_source_get(const struct content_source *s, const char *path);
void content_source_free(struct content_source *s);

/* The pack compiled into the program (content_builtin.c, generated from content/). */
extern const struct content_memfile content_builtin_files[];
extern const size_t content_builtin_count;

/* ---- errors ---- */

#define CONTENT_MAX_ERRORS 500

struct content_errors {
    char **v;
    size_t n, more;
};

void content_error(struct content_errors *e, const char *file, const char *field, const char *fmt,
                   ...) PRINTF_FMT(4, 5);
void content_errors_release(struct content_errors *e);

/* ---- the normalised pack ---- */

/*
 * What is stored: manifest {format, id, version, title, languages,
 * license, attribution, description, iri_base, skills: [{id, iri, name,
 * description, grade?, prerequisites: [id], bkt?}], misconceptions: [{id,
 * name}]} and items [{id, iri, skills: [IRI], languages, title?, stem?,
 * irt?, attribution?, generator + params | steps}], with every step's
 * skills as IRIs.
 */
struct content_doc {
    json_t *manifest;
    json_t *items;
    char format[16];
    char digest[72]; /* hex SHA-256 of the canonical JSON of both */
};

void content_doc_release(struct content_doc *d);

/*
 * Read and check a pack in the Trellis format (pack.json, items/ *.json):
 * 0 and *doc, or -EINVAL with every problem in errs, or -ENOMEM.
 */
int content_parse_trellis(const struct content_source *src, struct content_errors *errs,
                          struct content_doc *doc);

struct content_oatutor_counts {
    long problems, problems_imported, steps, steps_imported, tutoring, tutoring_imported;
};

/*
 * Read an OATutor content pool (content-pool/<problem>/..., skillModel*.json)
 * as a pack named after the folder (pack_hint): problems it cannot take
 * are left out with a reason in skipped; files that are not valid JSON or
 * lack required fields are errors. 0, -EINVAL or -ENOMEM.
 */
int content_parse_oatutor(const struct content_source *src, const char *pack_hint,
                          struct content_errors *errs, struct content_errors *skipped,
                          struct content_oatutor_counts *counts, struct content_doc *doc);

/* Is this source an OATutor pool (it has content-pool/)? */
bool content_is_oatutor(const struct content_source *src);

/*
 * Check one item object (as read from file) against a manifest already
 * checked, and normalise it into *ret (a new reference). Used by both
 * formats; strict_tex makes unknown TeX an error (the Trellis format).
 */
int content_check_item(const json_t *manifest, const json_t *item, const char *file,
                       bool strict_tex, struct content_errors *errs, json_t **ret);
/*
 * Check pack.json's object and normalise it (skills with IRIs, cycles
 * refused) into *ret: 0, or -EINVAL with the errors in errs and in *ret
 * what could be read (so the items can still be checked against it; NULL
 * when not even the languages could be), or -ENOMEM.
 */
int content_check_manifest(const json_t *pack, const char *file, struct content_errors *errs,
                           json_t **ret);
/* Compute doc->digest. */
int content_doc_digest(struct content_doc *doc);

/*
 * A generator's problem as steps in the stored JSON shape ("s1", "s1.a"
 * ids; texts in the generator's two languages); skills (IRIs) go on every
 * step. A new reference, or NULL for out of memory.
 */
struct gen_problem;
json_t *content_gen_steps(const struct gen_problem *p, const json_t *skills);

#endif

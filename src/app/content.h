/*
 * Content: packs of skills and problems (docs/CONTENT.md), imported into a
 * district and read by the practice service.
 *
 * Import. content_import() reads a pack (a folder or a .zip in the
 * Trellis format, or an OATutor content pool, told apart by their layout;
 * or a pack built into the program, "builtin:trellis-math-3-8"), checks
 * all of it and writes it in one transaction with an audit entry, or
 * writes nothing: every problem is reported as "file:field: reason".
 * Importing the same pack again (same digest of its normalised form)
 * changes nothing and says "unchanged". A new version replaces the pack;
 * skills and items it no longer has are retired, not deleted. Needs
 * ACT_ADMIN on the district (a district administrator, or the operator:
 * the command line's operator is narrowed to the district here).
 *
 * Reads. Content is not student data, so there is no grant and no audit
 * entry; every read checks that the caller is logged in to the district
 * (access_check(ACT_READ, RES_DISTRICT)). What they return lives in
 * ctx->arena (structs) or is a new JSON reference (json_t), as each says.
 *
 * Problems. content_problem() gives an item as the practice service shows
 * it: the stored steps of a fixed item, or a fresh instance of a
 * generator item for a seed (the same seed always gives the same
 * numbers), in one JSON shape (docs/CONTENT.md, "Problem instances").
 * Texts keep their TeX; content_text_html() turns one into HTML with
 * MathML for a page.
 */
#ifndef TRELLIS_APP_CONTENT_H
#define TRELLIS_APP_CONTENT_H

#include <jansson.h>
#include <stdint.h>

#include "app/ctx.h"

#define CONTENT_BUILTIN_PACK "trellis-math-3-8"
/* The IRI of a skill or item of a pack that names no IRI base of its own. */
#define CONTENT_IRI_BASE "https://trellis.invalid/content/"

/* ---- import ---- */

struct content_report {
    char pack[72];
    char version[40];
    char format[16]; /* "trellis" or "oatutor" */
    char digest[72];
    int64_t district_id;
    bool unchanged; /* the same pack was there: nothing written */
    bool created;   /* the district did not have this pack before */
    long skills, items, steps, hints, scaffolds, misconceptions, generator_items;
    long retired_skills, retired_items;
    /* OATutor: what the pool held and what came in */
    struct {
        long problems, problems_imported, steps, steps_imported, tutoring, tutoring_imported;
    } oatutor;
    char **errors; /* "file:field: reason" */
    size_t n_errors, more_errors;
    char **skipped; /* OATutor problems left out: "problem: reason" */
    size_t n_skipped, more_skipped;
};

struct content_import_opts {
    const char *source_label; /* for the pack row and the audit entry (default: the path) */
};

/*
 * Import the pack at path (see above) into district_id. 0 (rep says
 * whether anything changed), -EINVAL (rep->errors; nothing written),
 * -EACCES/-ENOENT (not allowed), or a storage error. The caller releases
 * rep with content_report_release() in every case.
 */
int content_import(struct ctx *c, int64_t district_id, const char *path,
                   const struct content_import_opts *o, struct content_report *rep);
/* The pack built into the program (CONTENT_BUILTIN_PACK) into district_id, as content_import. */
int content_install_builtin(struct ctx *c, int64_t district_id, struct content_report *rep);
void content_report_release(struct content_report *rep);
/* The report as JSON (a new reference, NULL for out of memory). */
json_t *content_report_json(const struct content_report *rep);

/* ---- reads ---- */

/*
 * The district's packs, each with its skills and (with items) its items,
 * for `trellis content list` and administrators: a new reference in
 * *ret. -EPERM/-ENOENT when the caller is not logged in to the district.
 */
int content_list(struct ctx *c, int64_t district_id, bool items, json_t **ret);

struct content_skill {
    int64_t id;             /* content_skills.id */
    const char *pack;       /* the pack's id */
    const char *skill;      /* the skill's id in its pack */
    const char *iri;        /* the xAPI objective activity id, = model_skills.skill */
    int grade;              /* -1: not given */
    json_t *name;           /* language map (borrowed from the graph) */
    json_t *description;    /* language map, maybe {} */
    json_t *bkt;            /* {prior, learn, guess, slip} the pack suggests, or NULL */
    int64_t *prerequisites; /* content_skills.id of the skills to master first */
    size_t n_prerequisites;
};

struct content_graph_shared;

struct content_graph {
    const struct content_skill *skills; /* by pack, then the pack's order */
    size_t n;
    struct content_graph_shared *shared; /* owns it all: read-only, shared between requests */
};

/*
 * Every active skill of the district with its prerequisites (a DAG: the
 * import refuses cycles within a pack; packs do not link to each other).
 * Read-only and shared: the server builds it once and again only when a
 * pack is imported. Give it back with content_graph_release().
 */
int content_graph(struct ctx *c, int64_t district_id, struct content_graph *ret);
void content_graph_release(struct content_graph *g);
/* A skill of the graph by id or by IRI (NULL: none). */
const struct content_skill *content_graph_skill(const struct content_graph *g, int64_t id);
const struct content_skill *content_graph_skill_iri(const struct content_graph *g, const char *iri);

struct content_item_ref {
    int64_t id;
    const char *pack, *item, *iri;
    const char *generator; /* NULL: fixed steps */
    bool has_irt;
    double difficulty, discrimination; /* IRT (2PL) when has_irt */
};

/* The active items that practise skill_id, in ctx->arena: *ret and *ret_n. */
int content_items_for_skill(struct ctx *c, int64_t district_id, int64_t skill_id,
                            struct content_item_ref **ret, size_t *ret_n);

/*
 * An item as stored (its normalised JSON: steps, or generator and params,
 * with its pack, IRI, skills and attribution): a new reference in *ret, or
 * -ENOENT.
 */
int content_item(struct ctx *c, int64_t district_id, int64_t item_id, json_t **ret);

/*
 * A problem to show: the item's steps (fixed), or the instance of its
 * generator for seed, as {item, pack, id, iri, seed, generator?,
 * languages, title?, stem?, attribution, skills: [IRI], steps: [...]}. A
 * new reference in *ret. -ENOENT when there is no such item.
 */
int content_problem(struct ctx *c, int64_t district_id, int64_t item_id, uint64_t seed,
                    json_t **ret);

/*
 * A misconception's name in lang ("en", "es"; English when the pack has
 * no text in lang) from the district's packs: a string in ctx->arena, or
 * -ENOENT.
 */
int content_misconception(struct ctx *c, int64_t district_id, const char *id, const char *lang,
                          const char **ret);

/*
 * One text with $...$ math as HTML: escaped text and <math> elements
 * (core/mathml.h). The result is malloc'ed (mem_free). -ENOMEM, or
 * -E2BIG for a text over 64 KB.
 */
int content_text_html(const char *text, char **ret);

#endif

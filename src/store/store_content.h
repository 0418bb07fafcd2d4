/*
 * Content packs, their skills and prerequisites, items and misconception
 * names (migration 0015). Content is not student data: these functions
 * take no grant; src/app/content.c checks who may import and read.
 *
 * Rows handed to callbacks are borrowed until the callback returns.
 * Writes run in the caller's write transaction; a pack is replaced by
 * store_content_pack_reset() followed by the puts of its new version.
 */
#ifndef TRELLIS_STORE_CONTENT_H
#define TRELLIS_STORE_CONTENT_H

#include <stdint.h>

#include "base/common.h"

struct db;

struct content_pack_row {
    int64_t id;
    const char *pack, *version, *format, *title, *languages, *license, *attribution, *digest,
        *source, *imported_by;
    int64_t imported_ms;
    int64_t n_skills, n_items; /* active ones */
};

/* A pack by its id: 0 and the row to cb, or -ENOENT. */
int store_content_pack(struct db *db, int64_t district_id, const char *pack,
                       int (*cb)(void *arg, const struct content_pack_row *row), void *arg);
/*
 * What changes when any of the district's packs is imported again:
 * fp[0] the number of packs, fp[1] the sum of their import times, fp[2]
 * their largest id. For caches of what the packs hold.
 */
int store_content_fingerprint(struct db *db, int64_t district_id, int64_t fp[3]);
/* Every pack of the district, by id. */
int store_content_packs(struct db *db, int64_t district_id,
                        int (*cb)(void *arg, const struct content_pack_row *row), void *arg);
/* Insert or replace the pack's own row (pack is the key); *ret_id its id. */
int store_content_pack_put(struct db *db, int64_t district_id, const struct content_pack_row *row,
                           int64_t *ret_id);
/*
 * Before writing a new version: every skill and item of the pack is
 * retired (the puts below bring back those the version has), and its
 * prerequisites, item skills and misconceptions are removed.
 */
int store_content_pack_reset(struct db *db, int64_t district_id, int64_t pack_id);

struct content_skill_row {
    int64_t id, pack_id;
    const char *pack; /* reads only */
    const char *skill, *iri;
    int grade; /* -1: not given */
    const char *name, *description;
    const char *bkt; /* NULL: none */
    int64_t ord;
};
/* Insert or update a skill of a pack (active again); *ret_id its id. */
int store_content_skill_put(struct db *db, int64_t district_id, const struct content_skill_row *row,
                            int64_t *ret_id);
int store_content_prerequisite_add(struct db *db, int64_t district_id, int64_t skill_id,
                                   int64_t prerequisite_id);
/* The district's active skills, by pack and order. */
int store_content_skills(struct db *db, int64_t district_id,
                         int (*cb)(void *arg, const struct content_skill_row *row), void *arg);
/* Every prerequisite edge between active skills. */
int store_content_prerequisites(struct db *db, int64_t district_id,
                                int (*cb)(void *arg, int64_t skill_id, int64_t prerequisite_id),
                                void *arg);
/* An active skill by IRI (the first pack's, by pack id): 0, or -ENOENT. */
int store_content_skill_by_iri(struct db *db, int64_t district_id, const char *iri,
                               int64_t *ret_id);

struct content_item_row {
    int64_t id, pack_id;
    const char *pack; /* reads only */
    const char *item, *iri;
    const char *generator; /* NULL: fixed steps */
    const char *body, *languages;
    const char *attribution; /* NULL: the pack's */
    bool has_irt;
    double difficulty, discrimination;
    int64_t ord;
    const char *pack_attribution, *pack_license; /* reads only */
};
int store_content_item_put(struct db *db, int64_t district_id, const struct content_item_row *row,
                           int64_t *ret_id);
int store_content_item_skill_add(struct db *db, int64_t district_id, int64_t item_id,
                                 int64_t skill_id);
/* An active item by id (with its body and pack): 0, or -ENOENT. */
int store_content_item(struct db *db, int64_t district_id, int64_t item_id,
                       int (*cb)(void *arg, const struct content_item_row *row), void *arg);
/* The active items that practise a skill (without bodies), by pack and order. */
int store_content_items_of_skill(struct db *db, int64_t district_id, int64_t skill_id,
                                 int (*cb)(void *arg, const struct content_item_row *row),
                                 void *arg);
/* Every active item of a pack (without bodies), in order, with its skill ids. */
int store_content_items_of_pack(struct db *db, int64_t district_id, int64_t pack_id,
                                int (*cb)(void *arg, const struct content_item_row *row),
                                void *arg);
/* The skill ids of an item. */
int store_content_item_skills(struct db *db, int64_t district_id, int64_t item_id,
                              int (*cb)(void *arg, int64_t skill_id), void *arg);

/* How many skills and items of the pack are retired. */
int store_content_retired(struct db *db, int64_t district_id, int64_t pack_id, int64_t *ret_skills,
                          int64_t *ret_items);

int store_content_misconception_put(struct db *db, int64_t district_id, int64_t pack_id,
                                    const char *id, const char *name);
/* A misconception's name (JSON language map) from the district's packs: 0, or -ENOENT. */
int store_content_misconception(struct db *db, int64_t district_id, const char *id,
                                int (*cb)(void *arg, const char *name), void *arg);

#endif

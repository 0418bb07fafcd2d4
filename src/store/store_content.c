/*
 * Content packs and their skills, items and misconceptions: see
 * store_content.h. Every statement names the district first, so the
 * indexes that start with district_id are used.
 */
#include "base/common.h"

#include "store/db.h"
#include "store/store_content.h"

/* ---- packs ---- */

#define PACK_COLS                                                                         \
    "p.id, p.pack, p.version, p.format, p.title, p.languages, p.license, p.attribution, " \
    "p.digest, p.source, p.imported_ms, p.imported_by, "                                  \
    "(SELECT COUNT(*) FROM content_skills s WHERE s.district_id = p.district_id AND "     \
    "s.pack_id = p.id AND s.retired = 0), "                                               \
    "(SELECT COUNT(*) FROM content_items i WHERE i.district_id = p.district_id AND "      \
    "i.pack_id = p.id AND i.retired = 0)"

static void pack_fill(struct db_stmt *st, struct content_pack_row *r)
{
    r->id = db_col_int64(st, 0);
    r->pack = db_col_text(st, 1);
    r->version = db_col_text(st, 2);
    r->format = db_col_text(st, 3);
    r->title = db_col_text(st, 4);
    r->languages = db_col_text(st, 5);
    r->license = db_col_text(st, 6);
    r->attribution = db_col_text(st, 7);
    r->digest = db_col_text(st, 8);
    r->source = db_col_text(st, 9);
    r->imported_ms = db_col_int64(st, 10);
    r->imported_by = db_col_text(st, 11);
    r->n_skills = db_col_int64(st, 12);
    r->n_items = db_col_int64(st, 13);
}

static int pack_rows(struct db_stmt *st, int (*cb)(void *arg, const struct content_pack_row *row),
                     void *arg, bool one)
{
    int r, n = 0;
    while ((r = db_step(st)) > 0) {
        struct content_pack_row row;
        pack_fill(st, &row);
        n++;
        if ((r = cb(arg, &row)) != 0)
            break;
    }
    db_done(st);
    if (r == 0 && one && n == 0)
        return -ENOENT;
    return r;
}

int store_content_pack(struct db *db, int64_t district_id, const char *pack,
                       int (*cb)(void *arg, const struct content_pack_row *row), void *arg)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT " PACK_COLS " FROM content_packs p WHERE p.district_id = ? AND "
                     "p.pack = ?",
                     "is", district_id, pack);
    if (r < 0)
        return r;
    return pack_rows(st, cb, arg, true);
}

int store_content_packs(struct db *db, int64_t district_id,
                        int (*cb)(void *arg, const struct content_pack_row *row), void *arg)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT " PACK_COLS " FROM content_packs p WHERE p.district_id = ? "
                     "ORDER BY p.pack",
                     "i", district_id);
    if (r < 0)
        return r;
    return pack_rows(st, cb, arg, false);
}

int store_content_fingerprint(struct db *db, int64_t district_id, int64_t fp[3])
{
    struct db_stmt *st;
    int r = db_query(
        db, &st,
        "SELECT count(*), CAST(coalesce(sum(imported_ms), 0) AS BIGINT), coalesce(max(id), 0) "
        "FROM content_packs WHERE district_id = ?",
        "i", district_id);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0)
        for (int i = 0; i < 3; i++)
            fp[i] = db_col_int64(st, i);
    db_done(st);
    return r < 0 ? r : 0;
}

int store_content_pack_put(struct db *db, int64_t district_id, const struct content_pack_row *row,
                           int64_t *ret_id)
{
    return db_query_int64(
        db, ret_id,
        "INSERT INTO content_packs (district_id, pack, version, format, title, languages, "
        "license, attribution, digest, source, imported_ms, imported_by) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (district_id, pack) DO UPDATE SET version = excluded.version, "
        "format = excluded.format, title = excluded.title, languages = excluded.languages, "
        "license = excluded.license, attribution = excluded.attribution, "
        "digest = excluded.digest, source = excluded.source, "
        "imported_ms = excluded.imported_ms, imported_by = excluded.imported_by RETURNING id",
        "isssssssssis", district_id, row->pack, row->version, row->format, row->title,
        row->languages, row->license, row->attribution, row->digest, row->source, row->imported_ms,
        row->imported_by);
}

int store_content_pack_reset(struct db *db, int64_t district_id, int64_t pack_id)
{
    int64_t n;
    n = db_exec(db,
                "DELETE FROM content_prerequisites WHERE district_id = ? AND skill_id IN "
                "(SELECT id FROM content_skills WHERE district_id = ? AND pack_id = ?)",
                "iii", district_id, district_id, pack_id);
    if (n >= 0)
        n = db_exec(db,
                    "DELETE FROM content_item_skills WHERE district_id = ? AND item_id IN "
                    "(SELECT id FROM content_items WHERE district_id = ? AND pack_id = ?)",
                    "iii", district_id, district_id, pack_id);
    if (n >= 0)
        n = db_exec(db, "DELETE FROM content_misconceptions WHERE district_id = ? AND pack_id = ?",
                    "ii", district_id, pack_id);
    if (n >= 0)
        n = db_exec(db,
                    "UPDATE content_skills SET retired = 1 WHERE district_id = ? AND pack_id = ?",
                    "ii", district_id, pack_id);
    if (n >= 0)
        n = db_exec(db,
                    "UPDATE content_items SET retired = 1 WHERE district_id = ? AND pack_id = ?",
                    "ii", district_id, pack_id);
    return n < 0 ? (int)n : 0;
}

/* ---- skills ---- */

static const char skill_put_sql[] =
    "INSERT INTO content_skills (district_id, pack_id, skill, iri, grade, name, description, "
    "bkt, ord, retired) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0) "
    "ON CONFLICT (district_id, pack_id, skill) DO UPDATE SET iri = excluded.iri, "
    "grade = excluded.grade, name = excluded.name, description = excluded.description, "
    "bkt = excluded.bkt, ord = excluded.ord, retired = 0 RETURNING id";

static int step_id(struct db_stmt *st, int r, int64_t *ret_id)
{
    if (r >= 0) {
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

int store_content_skill_put(struct db *db, int64_t district_id, const struct content_skill_row *row,
                            int64_t *ret_id)
{
    struct db_stmt *st;
    int r = db_prepare(db, skill_put_sql, &st);
    if (r < 0)
        return r;
    r = db_bind_int64(st, 1, district_id);
    if (r >= 0)
        r = db_bind_int64(st, 2, row->pack_id);
    if (r >= 0)
        r = db_bind_text(st, 3, str_from(row->skill));
    if (r >= 0)
        r = db_bind_text(st, 4, str_from(row->iri));
    if (r >= 0)
        r = row->grade < 0 ? db_bind_null(st, 5) : db_bind_int64(st, 5, row->grade);
    if (r >= 0)
        r = db_bind_text(st, 6, str_from(row->name));
    if (r >= 0)
        r = db_bind_text(st, 7, str_from(row->description));
    if (r >= 0)
        r = db_bind_text(st, 8, row->bkt ? str_from(row->bkt) : STR_NULL);
    if (r >= 0)
        r = db_bind_int64(st, 9, row->ord);
    return step_id(st, r, ret_id);
}

int store_content_prerequisite_add(struct db *db, int64_t district_id, int64_t skill_id,
                                   int64_t prerequisite_id)
{
    int64_t n = db_exec(db,
                        "INSERT INTO content_prerequisites (district_id, skill_id, "
                        "prerequisite_id) VALUES (?, ?, ?)",
                        "iii", district_id, skill_id, prerequisite_id);
    return n < 0 ? (int)n : 0;
}

int store_content_skills(struct db *db, int64_t district_id,
                         int (*cb)(void *arg, const struct content_skill_row *row), void *arg)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT s.id, s.pack_id, p.pack, s.skill, s.iri, s.grade, s.name, "
                     "s.description, s.bkt, s.ord FROM content_skills s JOIN content_packs p ON "
                     "p.id = s.pack_id WHERE s.district_id = ? AND s.retired = 0 "
                     "ORDER BY p.pack, s.ord",
                     "i", district_id);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        struct content_skill_row row = {
            .id = db_col_int64(st, 0),
            .pack_id = db_col_int64(st, 1),
            .pack = db_col_text(st, 2),
            .skill = db_col_text(st, 3),
            .iri = db_col_text(st, 4),
            .grade = db_col_null(st, 5) ? -1 : (int)db_col_int64(st, 5),
            .name = db_col_text(st, 6),
            .description = db_col_text(st, 7),
            .bkt = db_col_null(st, 8) ? NULL : db_col_text(st, 8),
            .ord = db_col_int64(st, 9),
        };
        if ((r = cb(arg, &row)) != 0)
            break;
    }
    db_done(st);
    return r;
}

int store_content_prerequisites(struct db *db, int64_t district_id,
                                int (*cb)(void *arg, int64_t skill_id, int64_t prerequisite_id),
                                void *arg)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT e.skill_id, e.prerequisite_id FROM content_prerequisites e "
                     "JOIN content_skills a ON a.id = e.skill_id "
                     "JOIN content_skills b ON b.id = e.prerequisite_id "
                     "WHERE e.district_id = ? AND a.retired = 0 AND b.retired = 0 "
                     "ORDER BY e.skill_id, e.prerequisite_id",
                     "i", district_id);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0)
        if ((r = cb(arg, db_col_int64(st, 0), db_col_int64(st, 1))) != 0)
            break;
    db_done(st);
    return r;
}

int store_content_skill_by_iri(struct db *db, int64_t district_id, const char *iri, int64_t *ret_id)
{
    return db_query_int64(db, ret_id,
                          "SELECT id FROM content_skills WHERE district_id = ? AND iri = ? AND "
                          "retired = 0 ORDER BY pack_id LIMIT 1",
                          "is", district_id, iri);
}

/* ---- items ---- */

static const char item_put_sql[] =
    "INSERT INTO content_items (district_id, pack_id, item, iri, generator, body, languages, "
    "attribution, irt_difficulty, irt_discrimination, ord, retired) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0) "
    "ON CONFLICT (district_id, pack_id, item) DO UPDATE SET iri = excluded.iri, "
    "generator = excluded.generator, body = excluded.body, languages = excluded.languages, "
    "attribution = excluded.attribution, irt_difficulty = excluded.irt_difficulty, "
    "irt_discrimination = excluded.irt_discrimination, ord = excluded.ord, retired = 0 "
    "RETURNING id";

int store_content_item_put(struct db *db, int64_t district_id, const struct content_item_row *row,
                           int64_t *ret_id)
{
    struct db_stmt *st;
    int r = db_prepare(db, item_put_sql, &st);
    if (r < 0)
        return r;
    r = db_bind_int64(st, 1, district_id);
    if (r >= 0)
        r = db_bind_int64(st, 2, row->pack_id);
    if (r >= 0)
        r = db_bind_text(st, 3, str_from(row->item));
    if (r >= 0)
        r = db_bind_text(st, 4, str_from(row->iri));
    if (r >= 0)
        r = db_bind_text(st, 5, row->generator ? str_from(row->generator) : STR_NULL);
    if (r >= 0)
        r = db_bind_text(st, 6, str_from(row->body));
    if (r >= 0)
        r = db_bind_text(st, 7, str_from(row->languages));
    if (r >= 0)
        r = db_bind_text(st, 8, row->attribution ? str_from(row->attribution) : STR_NULL);
    if (r >= 0)
        r = row->has_irt ? db_bind_double(st, 9, row->difficulty) : db_bind_null(st, 9);
    if (r >= 0)
        r = row->has_irt ? db_bind_double(st, 10, row->discrimination) : db_bind_null(st, 10);
    if (r >= 0)
        r = db_bind_int64(st, 11, row->ord);
    return step_id(st, r, ret_id);
}

int store_content_item_skill_add(struct db *db, int64_t district_id, int64_t item_id,
                                 int64_t skill_id)
{
    int64_t n = db_exec(db,
                        "INSERT INTO content_item_skills (district_id, skill_id, item_id) "
                        "VALUES (?, ?, ?)",
                        "iii", district_id, skill_id, item_id);
    return n < 0 ? (int)n : 0;
}

#define ITEM_COLS                                                                       \
    "i.id, i.pack_id, p.pack, i.item, i.iri, i.generator, i.languages, i.attribution, " \
    "i.irt_difficulty, i.irt_discrimination, i.ord, p.attribution, p.license"

static void item_fill(struct db_stmt *st, struct content_item_row *row)
{
    row->id = db_col_int64(st, 0);
    row->pack_id = db_col_int64(st, 1);
    row->pack = db_col_text(st, 2);
    row->item = db_col_text(st, 3);
    row->iri = db_col_text(st, 4);
    row->generator = db_col_null(st, 5) ? NULL : db_col_text(st, 5);
    row->languages = db_col_text(st, 6);
    row->attribution = db_col_null(st, 7) ? NULL : db_col_text(st, 7);
    row->has_irt = !db_col_null(st, 8);
    row->difficulty = row->has_irt ? db_col_double(st, 8) : 0;
    row->discrimination = db_col_null(st, 9) ? 0 : db_col_double(st, 9);
    row->ord = db_col_int64(st, 10);
    row->pack_attribution = db_col_text(st, 11);
    row->pack_license = db_col_text(st, 12);
}

static int item_rows(struct db_stmt *st, int (*cb)(void *arg, const struct content_item_row *row),
                     void *arg, bool body, bool one)
{
    int r, n = 0;
    while ((r = db_step(st)) > 0) {
        struct content_item_row row = {0};
        item_fill(st, &row);
        row.body = body ? db_col_text(st, 13) : NULL;
        n++;
        if ((r = cb(arg, &row)) != 0)
            break;
    }
    db_done(st);
    if (r == 0 && one && n == 0)
        return -ENOENT;
    return r;
}

int store_content_item(struct db *db, int64_t district_id, int64_t item_id,
                       int (*cb)(void *arg, const struct content_item_row *row), void *arg)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT " ITEM_COLS ", i.body FROM content_items i JOIN content_packs p ON "
                     "p.id = i.pack_id WHERE i.district_id = ? AND i.id = ? AND i.retired = 0",
                     "ii", district_id, item_id);
    if (r < 0)
        return r;
    return item_rows(st, cb, arg, true, true);
}

int store_content_items_of_skill(struct db *db, int64_t district_id, int64_t skill_id,
                                 int (*cb)(void *arg, const struct content_item_row *row),
                                 void *arg)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT " ITEM_COLS " FROM content_item_skills k "
                     "JOIN content_items i ON i.id = k.item_id "
                     "JOIN content_packs p ON p.id = i.pack_id "
                     "WHERE k.district_id = ? AND k.skill_id = ? AND i.retired = 0 "
                     "ORDER BY p.pack, i.ord",
                     "ii", district_id, skill_id);
    if (r < 0)
        return r;
    return item_rows(st, cb, arg, false, false);
}

int store_content_items_of_pack(struct db *db, int64_t district_id, int64_t pack_id,
                                int (*cb)(void *arg, const struct content_item_row *row), void *arg)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT " ITEM_COLS " FROM content_items i JOIN content_packs p ON "
                     "p.id = i.pack_id WHERE i.district_id = ? AND i.pack_id = ? AND "
                     "i.retired = 0 ORDER BY i.ord",
                     "ii", district_id, pack_id);
    if (r < 0)
        return r;
    return item_rows(st, cb, arg, false, false);
}

int store_content_item_skills(struct db *db, int64_t district_id, int64_t item_id,
                              int (*cb)(void *arg, int64_t skill_id), void *arg)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT skill_id FROM content_item_skills WHERE district_id = ? AND "
                     "item_id = ? ORDER BY skill_id",
                     "ii", district_id, item_id);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0)
        if ((r = cb(arg, db_col_int64(st, 0))) != 0)
            break;
    db_done(st);
    return r;
}

int store_content_retired(struct db *db, int64_t district_id, int64_t pack_id, int64_t *ret_skills,
                          int64_t *ret_items)
{
    int r = db_query_int64(db, ret_skills,
                           "SELECT COUNT(*) FROM content_skills WHERE district_id = ? AND "
                           "pack_id = ? AND retired = 1",
                           "ii", district_id, pack_id);
    if (r == 0)
        r = db_query_int64(db, ret_items,
                           "SELECT COUNT(*) FROM content_items WHERE district_id = ? AND "
                           "pack_id = ? AND retired = 1",
                           "ii", district_id, pack_id);
    return r;
}

/* ---- misconceptions ---- */

int store_content_misconception_put(struct db *db, int64_t district_id, int64_t pack_id,
                                    const char *id, const char *name)
{
    int64_t n = db_exec(db,
                        "INSERT INTO content_misconceptions (district_id, pack_id, misconception, "
                        "name) VALUES (?, ?, ?, ?)",
                        "iiss", district_id, pack_id, id, name);
    return n < 0 ? (int)n : 0;
}

int store_content_misconception(struct db *db, int64_t district_id, const char *id,
                                int (*cb)(void *arg, const char *name), void *arg)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT name FROM content_misconceptions WHERE district_id = ? AND "
                     "misconception = ? ORDER BY pack_id LIMIT 1",
                     "is", district_id, id);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0)
        r = cb(arg, db_col_text(st, 0));
    else if (r == 0)
        r = -ENOENT;
    db_done(st);
    return r;
}

/*
 * The content service: importing packs into a district (one transaction,
 * one audit entry, nothing written when the pack is already there) and the
 * reads the practice service builds on. See content.h; the format is
 * checked in content_pack.c and content_oatutor.c.
 */
#include "base/common.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include "app/access.h"
#include "app/audit.h"
#include "app/content.h"
#include "app/content_internal.h"
#include "app/principal.h"
#include "base/arena.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "core/gen.h"
#include "core/mathml.h"
#include "store/store.h"
#include "store/store_content.h"

/* ---- the report ---- */

static void move_errors(char ***dst, size_t *n, size_t *more, struct content_errors *e)
{
    *dst = e->v;
    *n = e->n;
    *more = e->more;
    memset(e, 0, sizeof(*e));
}

void content_report_release(struct content_report *rep)
{
    if (!rep)
        return;
    for (size_t i = 0; i < rep->n_errors; i++)
        mem_free(rep->errors[i]);
    mem_free(rep->errors);
    for (size_t i = 0; i < rep->n_skipped; i++)
        mem_free(rep->skipped[i]);
    mem_free(rep->skipped);
    memset(rep, 0, sizeof(*rep));
}

json_t *content_report_json(const struct content_report *rep)
{
    json_t *errors = json_array(), *skipped = json_array();
    for (size_t i = 0; errors && i < rep->n_errors; i++)
        json_array_append_new(errors, json_string(rep->errors[i]));
    for (size_t i = 0; skipped && i < rep->n_skipped; i++)
        json_array_append_new(skipped, json_string(rep->skipped[i]));
    json_t *o = json_pack(
        "{sssssssssIsbsbsisisisisisisisisisosiso}", "pack", rep->pack, "version", rep->version,
        "format", rep->format, "digest", rep->digest, "district", (json_int_t)rep->district_id,
        "unchanged", rep->unchanged, "created", rep->created, "skills", (int)rep->skills, "items",
        (int)rep->items, "generator_items", (int)rep->generator_items, "steps", (int)rep->steps,
        "hints", (int)rep->hints, "scaffolds", (int)rep->scaffolds, "misconceptions",
        (int)rep->misconceptions, "retired_skills", (int)rep->retired_skills, "retired_items",
        (int)rep->retired_items, "errors", errors, "more_errors", (int)rep->more_errors, "skipped",
        skipped);
    if (o && !strcmp(rep->format, "oatutor"))
        json_object_set_new(o, "oatutor",
                            json_pack("{sisisisisisi}", "problems", (int)rep->oatutor.problems,
                                      "problems_imported", (int)rep->oatutor.problems_imported,
                                      "steps", (int)rep->oatutor.steps, "steps_imported",
                                      (int)rep->oatutor.steps_imported, "tutoring",
                                      (int)rep->oatutor.tutoring, "tutoring_imported",
                                      (int)rep->oatutor.tutoring_imported));
    return o;
}

/* ---- import ---- */

/* Count steps, hints and scaffolds of a normalised item, and note the built-in misconceptions. */
static void count_steps(const json_t *steps, struct content_report *rep, json_t *builtin,
                        bool scaffold)
{
    size_t i, k;
    json_t *s, *f;
    json_array_foreach(steps, i, s)
    {
        if (scaffold)
            rep->scaffolds++;
        else
            rep->steps++;
        rep->hints += (long)json_array_size(json_object_get(s, "hints"));
        json_array_foreach(json_object_get(s, "feedback"), k, f)
        {
            const char *m = json_string_value(json_object_get(f, "misconception"));
            if (m && gen_misconception(m, strlen(m)))
                json_object_set_new(builtin, m, json_true());
        }
        count_steps(json_object_get(s, "scaffolds"), rep, builtin, true);
    }
}

struct pack_seen {
    int64_t id;
    char digest[72];
};

static int pack_seen_cb(void *arg, const struct content_pack_row *row)
{
    struct pack_seen *p = arg;
    p->id = row->id;
    snprintf(p->digest, sizeof(p->digest), "%s", row->digest);
    return 0;
}

static char *dump(const json_t *j)
{
    return json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
}

/* Write the checked pack into the open write transaction. */
static int write_pack(struct ctx *c, struct db *db, int64_t district, const struct content_doc *doc,
                      const char *source, int64_t pack_row, struct content_report *rep)
{
    const json_t *m = doc->manifest;
    json_t *skills = json_object_get(m, "skills"), *builtin = json_object(), *skill_ids = NULL;
    char *title = dump(json_object_get(m, "title"));
    char langs[64] = "";
    const char *who = c->who && c->who->name ? c->who->name : "-";
    int64_t pack_id;
    size_t i, k;
    json_t *s, *it, *l;
    int r;

    skill_ids = json_object();
    if (!builtin || !title || !skill_ids) {
        r = -ENOMEM;
        goto out;
    }
    json_array_foreach(json_object_get(m, "languages"), i, l)
    {
        size_t n = strlen(langs);
        snprintf(langs + n, sizeof(langs) - n, "%s%s", i ? "," : "", json_string_value(l));
    }
    struct content_pack_row pr = {
        .pack = json_string_value(json_object_get(m, "id")),
        .version = json_string_value(json_object_get(m, "version")),
        .format = doc->format,
        .title = title,
        .languages = langs,
        .license = json_string_value(json_object_get(m, "license")),
        .attribution = json_string_value(json_object_get(m, "attribution")),
        .digest = doc->digest,
        .source = source,
        .imported_ms = c->now_ms,
        .imported_by = who,
    };
    r = store_content_pack_put(db, district, &pr, &pack_id);
    if (r == 0 && pack_row)
        r = store_content_pack_reset(db, district, pack_id);
    /* skills, then the prerequisite edges between them */
    json_array_foreach(skills, i, s)
    {
        char *name = NULL, *desc = NULL, *bkt = NULL;
        json_t *g = json_object_get(s, "grade");
        int64_t id = 0;
        if (r < 0)
            break;
        name = dump(json_object_get(s, "name"));
        desc = dump(json_object_get(s, "description"));
        if (json_object_get(s, "bkt"))
            bkt = dump(json_object_get(s, "bkt"));
        if (!name || !desc || (json_object_get(s, "bkt") && !bkt)) {
            r = -ENOMEM;
        } else {
            struct content_skill_row row = {
                .pack_id = pack_id,
                .skill = json_string_value(json_object_get(s, "id")),
                .iri = json_string_value(json_object_get(s, "iri")),
                .grade = g ? (int)json_integer_value(g) : -1,
                .name = name,
                .description = desc,
                .bkt = bkt,
                .ord = (int64_t)i,
            };
            r = store_content_skill_put(db, district, &row, &id);
            if (r == 0 && json_object_set_new(skill_ids, row.skill, json_integer(id)) < 0)
                r = -ENOMEM;
            /* by IRI too: items name their skills by IRI */
            if (r == 0 && json_object_set_new(skill_ids, row.iri, json_integer(id)) < 0)
                r = -ENOMEM;
        }
        mem_free(name);
        mem_free(desc);
        mem_free(bkt);
    }
    rep->skills = (long)json_array_size(skills);
    json_array_foreach(skills, i, s)
    {
        int64_t id = json_integer_value(
            json_object_get(skill_ids, json_string_value(json_object_get(s, "id"))));
        json_array_foreach(json_object_get(s, "prerequisites"), k, l)
        {
            if (r < 0)
                break;
            r = store_content_prerequisite_add(
                db, district, id,
                json_integer_value(json_object_get(skill_ids, json_string_value(l))));
        }
    }
    /* items */
    json_array_foreach(doc->items, i, it)
    {
        char *body = NULL, *attr = NULL;
        const json_t *irt = json_object_get(it, "irt");
        const char *gen = json_string_value(json_object_get(it, "generator"));
        int64_t id = 0;
        char ilangs[64] = "";
        if (r < 0)
            break;
        json_array_foreach(json_object_get(it, "languages"), k, l)
        {
            size_t n = strlen(ilangs);
            snprintf(ilangs + n, sizeof(ilangs) - n, "%s%s", k ? "," : "", json_string_value(l));
        }
        body = dump(it);
        if (json_object_get(it, "attribution"))
            attr = dump(json_object_get(it, "attribution"));
        if (!body || (json_object_get(it, "attribution") && !attr)) {
            r = -ENOMEM;
        } else {
            struct content_item_row row = {
                .pack_id = pack_id,
                .item = json_string_value(json_object_get(it, "id")),
                .iri = json_string_value(json_object_get(it, "iri")),
                .generator = gen,
                .body = body,
                .languages = ilangs,
                .attribution = attr,
                .has_irt = irt != NULL,
                .difficulty = json_number_value(json_object_get(irt, "difficulty")),
                .discrimination = json_number_value(json_object_get(irt, "discrimination")),
                .ord = (int64_t)i,
            };
            r = store_content_item_put(db, district, &row, &id);
        }
        json_array_foreach(json_object_get(it, "skills"), k, l)
        {
            if (r < 0)
                break;
            r = store_content_item_skill_add(
                db, district, id,
                json_integer_value(json_object_get(skill_ids, json_string_value(l))));
        }
        if (gen) {
            const struct gen_info *info = gen_find(gen, strlen(gen));
            rep->generator_items++;
            for (const char *const *mi = info ? info->misconceptions : NULL; mi && *mi; mi++)
                json_object_set_new(builtin, *mi, json_true());
        }
        count_steps(json_object_get(it, "steps"), rep, builtin, false);
        mem_free(body);
        mem_free(attr);
    }
    rep->items = (long)json_array_size(doc->items);
    /* misconception names: the pack's own, and the built-in ones its items use */
    json_array_foreach(json_object_get(m, "misconceptions"), i, s)
    {
        char *name = dump(json_object_get(s, "name"));
        if (r == 0)
            r = name ? store_content_misconception_put(
                           db, district, pack_id, json_string_value(json_object_get(s, "id")), name)
                     : -ENOMEM;
        mem_free(name);
        rep->misconceptions++;
    }
    const char *mid;
    json_object_foreach(builtin, mid, l)
    {
        const struct gen_misconception *gm = gen_misconception(mid, strlen(mid));
        json_t *name = json_pack("{ssss}", "en", gm->name[GEN_EN], "es", gm->name[GEN_ES]);
        char *ns = name ? dump(name) : NULL;
        json_decref(name);
        if (r == 0)
            r = ns ? store_content_misconception_put(db, district, pack_id, mid, ns) : -ENOMEM;
        mem_free(ns);
        rep->misconceptions++;
    }
    if (r == 0 && pack_row) {
        int64_t rs = 0, ri = 0;
        r = store_content_retired(db, district, pack_id, &rs, &ri);
        rep->retired_skills = (long)rs;
        rep->retired_items = (long)ri;
    }
    if (r == 0) {
        char detail[900];
        snprintf(detail, sizeof(detail),
                 "content pack '%s' version '%s' (%s) %s from '%s': %ld skills, %ld items "
                 "(%ld generated), %ld retired skills, %ld retired items; digest %.16s",
                 pr.pack, pr.version, doc->format, pack_row ? "updated" : "imported", source,
                 rep->skills, rep->items, rep->generator_items, rep->retired_skills,
                 rep->retired_items, doc->digest);
        char object[120];
        snprintf(object, sizeof(object), "content:%s", pr.pack);
        struct audit_entry e = {
            .district_id = district, .action = "admin", .object = object, .detail = detail};
        r = audit_append(c, db, &e);
    }
out:
    json_decref(builtin);
    json_decref(skill_ids);
    mem_free(title);
    return r;
}

static int import_source(struct ctx *c, int64_t district, const struct content_source *src,
                         const char *label, const char *pack_hint, struct content_report *rep)
{
    struct content_errors errs = {0}, skipped = {0};
    struct content_oatutor_counts counts = {0};
    struct content_doc doc = {0};
    const struct principal *was = c->who;
    struct principal op;
    struct pack_seen seen = {0};
    struct db *db = NULL;
    int r;

    rep->district_id = district;
    /* the command line's operator acts in this district; the policy still decides */
    if (c->who && c->who->kind == PRINCIPAL_OPERATOR && c->who->district_id != district) {
        r = principal_operator_in(&op, c->who, district);
        if (r < 0)
            return ctx_fail(c, r, "only the server's operator imports as the operator");
        c->who = &op;
    }
    r = access_check(c, ACT_ADMIN, &(struct access_resource){RES_DISTRICT, district, district},
                     NULL);
    if (r < 0)
        goto out;
    if (content_is_oatutor(src)) {
        r = content_parse_oatutor(src, pack_hint, &errs, &skipped, &counts, &doc);
        rep->oatutor.problems = counts.problems;
        rep->oatutor.problems_imported = counts.problems_imported;
        rep->oatutor.steps = counts.steps;
        rep->oatutor.steps_imported = counts.steps_imported;
        rep->oatutor.tutoring = counts.tutoring;
        rep->oatutor.tutoring_imported = counts.tutoring_imported;
        snprintf(rep->format, sizeof(rep->format), "oatutor");
    } else {
        r = content_parse_trellis(src, &errs, &doc);
        snprintf(rep->format, sizeof(rep->format), "trellis");
    }
    move_errors(&rep->errors, &rep->n_errors, &rep->more_errors, &errs);
    move_errors(&rep->skipped, &rep->n_skipped, &rep->more_skipped, &skipped);
    if (r == -ENOMEM) {
        r = ctx_fail(c, r, "out of memory");
        goto out;
    }
    if (r < 0) {
        r = ctx_fail(c, -EINVAL, "the pack has %zu errors; nothing was imported",
                     rep->n_errors + rep->more_errors);
        goto out;
    }
    snprintf(rep->pack, sizeof(rep->pack), "%s",
             json_string_value(json_object_get(doc.manifest, "id")));
    snprintf(rep->version, sizeof(rep->version), "%s",
             json_string_value(json_object_get(doc.manifest, "version")));
    snprintf(rep->digest, sizeof(rep->digest), "%s", doc.digest);
    r = ctx_db(c, &db);
    if (r < 0)
        goto out;
    access_read_end(c);
    r = store_begin(db);
    if (r < 0) {
        r = ctx_fail(c, r, "cannot start the import transaction");
        goto out;
    }
    r = store_content_pack(db, district, rep->pack, pack_seen_cb, &seen);
    if (r == 0 && !strcmp(seen.digest, doc.digest)) {
        /* the same pack: nothing to write, not even an audit entry */
        store_rollback(db);
        rep->unchanged = true;
        rep->skills = (long)json_array_size(json_object_get(doc.manifest, "skills"));
        rep->items = (long)json_array_size(doc.items);
        goto out;
    }
    if (r < 0 && r != -ENOENT) {
        store_rollback(db);
        r = ctx_fail(c, r, "cannot read the district's packs");
        goto out;
    }
    rep->created = r == -ENOENT;
    r = write_pack(c, db, district, &doc, label, rep->created ? 0 : seen.id, rep);
    if (r == 0)
        r = store_commit(db);
    if (r < 0) {
        store_rollback(db);
        ctx_fail(c, r, "the import failed: %s", strerror(-r));
    }
out:
    c->who = was;
    content_doc_release(&doc);
    content_errors_release(&errs);
    content_errors_release(&skipped);
    return r;
}

int content_import(struct ctx *c, int64_t district_id, const char *path,
                   const struct content_import_opts *o, struct content_report *rep)
{
    struct content_source *src = NULL;
    char err[600];
    int r;

    memset(rep, 0, sizeof(*rep));
    if (!strncmp(path, "builtin:", 8)) {
        if (strcmp(path + 8, CONTENT_BUILTIN_PACK) != 0)
            return ctx_fail(c, -ENOENT, "source: no built-in pack '%s' (there is '%s')", path + 8,
                            CONTENT_BUILTIN_PACK);
        return content_install_builtin(c, district_id, rep);
    }
    r = content_source_path(path, &src, err, sizeof(err));
    if (r == -ENOMEM)
        return ctx_fail(c, r, "out of memory");
    if (r < 0)
        return ctx_fail(c, -EINVAL, "source: %s", err);
    r = import_source(c, district_id, src, o && o->source_label ? o->source_label : path, path,
                      rep);
    content_source_free(src);
    return r;
}

int content_install_builtin(struct ctx *c, int64_t district_id, struct content_report *rep)
{
    struct content_source *src = NULL;
    int r;

    memset(rep, 0, sizeof(*rep));
    r = content_source_memory(content_builtin_files, content_builtin_count, &src);
    if (r < 0)
        return ctx_fail(c, r, "out of memory");
    r = import_source(c, district_id, src, "builtin:" CONTENT_BUILTIN_PACK, CONTENT_BUILTIN_PACK,
                      rep);
    content_source_free(src);
    return r;
}

/* ---- reads ---- */

/* The caller is logged in to the district: content is for everyone there. */
static int may_read(struct ctx *c, int64_t district)
{
    return access_check(c, ACT_READ, &(struct access_resource){RES_DISTRICT, district, district},
                        NULL);
}

/* A read transaction of our own on ctx's connection (when none is open). */
static int begin_read(struct ctx *c, struct db **ret_db, bool *opened)
{
    int r = ctx_db(c, ret_db);
    *opened = false;
    if (r < 0)
        return r;
    if (!store_in_tx(*ret_db)) {
        r = store_begin_read(*ret_db);
        if (r < 0)
            return ctx_fail(c, r, "cannot read the content");
        *opened = true;
    }
    return 0;
}

static void end_read(struct db *db, bool opened)
{
    if (opened)
        store_rollback(db);
}

static json_t *parsed(const char *s)
{
    json_t *j = s ? json_loads(s, 0, NULL) : NULL;
    return j ? j : json_object();
}

struct list_ctx {
    struct db *db;
    int64_t district;
    bool items;
    json_t *packs;
    json_t *cur_skills, *cur_items;
    json_t *by_id; /* skill row id -> skill id, for prerequisites */
    int r;
};

static int list_skill_cb(void *arg, const struct content_skill_row *row)
{
    struct list_ctx *l = arg;
    json_t *pack = NULL;
    size_t i;
    json_t *p;
    json_array_foreach(l->packs, i, p) if (json_integer_value(json_object_get(p, "row")) ==
                                           row->pack_id) pack = p;
    if (!pack)
        return 0;
    json_t *s = json_pack("{sIssssso}", "row", (json_int_t)row->id, "id", row->skill, "iri",
                          row->iri, "name", parsed(row->name));
    if (!s)
        return -ENOMEM;
    if (row->grade >= 0)
        json_object_set_new(s, "grade", json_integer(row->grade));
    json_object_set_new(s, "prerequisites", json_array());
    json_object_set_new(s, "items", json_integer(0));
    char key[24];
    snprintf(key, sizeof(key), "%lld", (long long)row->id);
    json_object_set(l->by_id, key, s);
    return json_array_append_new(json_object_get(pack, "skills"), s) < 0 ? -ENOMEM : 0;
}

static int list_prereq_cb(void *arg, int64_t skill, int64_t pre)
{
    struct list_ctx *l = arg;
    char a[24], b[24];
    snprintf(a, sizeof(a), "%lld", (long long)skill);
    snprintf(b, sizeof(b), "%lld", (long long)pre);
    json_t *s = json_object_get(l->by_id, a), *p = json_object_get(l->by_id, b);
    if (s && p)
        json_array_append(json_object_get(s, "prerequisites"), json_object_get(p, "id"));
    return 0;
}

static int list_pack_cb(void *arg, const struct content_pack_row *row)
{
    struct list_ctx *l = arg;
    char at[40];
    time_format_iso8601(row->imported_ms, at);
    json_t *p =
        json_pack("{sI ss ss ss so ss ss ss ss ss ss ss s[]}", "row", (json_int_t)row->id, "id",
                  row->pack, "version", row->version, "format", row->format, "title",
                  parsed(row->title), "languages", row->languages, "license", row->license,
                  "attribution", row->attribution, "digest", row->digest, "source", row->source,
                  "imported_at", at, "imported_by", row->imported_by, "skills");
    if (!p)
        return -ENOMEM;
    json_object_set_new(p, "n_skills", json_integer(row->n_skills));
    json_object_set_new(p, "n_items", json_integer(row->n_items));
    return json_array_append_new(l->packs, p) < 0 ? -ENOMEM : 0;
}

struct item_list {
    struct list_ctx *l;
    json_t *items; /* the pack's items */
    json_t *item;  /* the item whose skills are being read */
};

static int list_item_skill_cb(void *arg, int64_t skill_id)
{
    struct item_list *il = arg;
    char key[24];
    snprintf(key, sizeof(key), "%lld", (long long)skill_id);
    json_t *s = json_object_get(il->l->by_id, key);
    json_t *item = il->item;
    if (s) {
        json_array_append(json_object_get(item, "skills"), json_object_get(s, "id"));
        json_object_set_new(s, "items",
                            json_integer(json_integer_value(json_object_get(s, "items")) + 1));
    }
    return 0;
}

static int list_item_cb(void *arg, const struct content_item_row *row)
{
    struct item_list *il = arg;
    json_t *o = json_pack("{sIssss}", "row", (json_int_t)row->id, "id", row->item, "iri", row->iri);
    if (!o)
        return -ENOMEM;
    if (row->generator)
        json_object_set_new(o, "generator", json_string(row->generator));
    if (row->has_irt)
        json_object_set_new(o, "irt",
                            json_pack("{sfsf}", "difficulty", row->difficulty, "discrimination",
                                      row->discrimination));
    if (row->attribution)
        json_object_set_new(o, "attribution", parsed(row->attribution));
    json_object_set_new(o, "skills", json_array());
    return json_array_append_new(il->items, o) < 0 ? -ENOMEM : 0;
}

int content_list(struct ctx *c, int64_t district_id, bool items, json_t **ret)
{
    struct list_ctx l = {.district = district_id, .items = items};
    bool opened = false;
    int r = may_read(c, district_id);
    if (r < 0)
        return r;
    l.packs = json_array();
    l.by_id = json_object();
    if (!l.packs || !l.by_id) {
        r = -ENOMEM;
        goto out;
    }
    r = begin_read(c, &l.db, &opened);
    if (r < 0)
        goto out;
    r = store_content_packs(l.db, district_id, list_pack_cb, &l);
    if (r == 0)
        r = store_content_skills(l.db, district_id, list_skill_cb, &l);
    if (r == 0)
        r = store_content_prerequisites(l.db, district_id, list_prereq_cb, &l);
    size_t i;
    json_t *p;
    json_array_foreach(l.packs, i, p)
    {
        struct item_list il = {&l, json_array(), NULL};
        if (r < 0 || !il.items) {
            json_decref(il.items);
            r = r < 0 ? r : -ENOMEM;
            break;
        }
        r = store_content_items_of_pack(
            l.db, district_id, json_integer_value(json_object_get(p, "row")), list_item_cb, &il);
        /* skills of each item, which also counts the items of each skill */
        size_t k;
        json_t *it;
        json_array_foreach(il.items, k, it)
        {
            il.item = it;
            if (r == 0)
                r = store_content_item_skills(l.db, district_id,
                                              json_integer_value(json_object_get(it, "row")),
                                              list_item_skill_cb, &il);
        }
        if (items)
            json_object_set_new(p, "items", il.items);
        else
            json_decref(il.items);
    }
    end_read(l.db, opened);
    if (r == 0) {
        *ret = json_pack("{sIsO}", "district", (json_int_t)district_id, "packs", l.packs);
        if (!*ret)
            r = -ENOMEM;
    }
out:
    json_decref(l.packs);
    json_decref(l.by_id);
    if (r < 0 && !c->err[0])
        ctx_fail(c, r, "cannot list the content: %s", strerror(-r));
    return r;
}

/*
 * The graph is read on every practice request, and packs change only when
 * imported: it is built once per district and shared, read-only, by every
 * request until a fingerprint of the district's packs changes (an import
 * by this process or another).
 */
struct content_graph_shared {
    atomic_int refs;
    int64_t district_id;
    int64_t fp[3];
    struct arena arena; /* the skills, their strings and prerequisites */
    struct content_skill *skills;
    size_t n;
    json_t *json; /* owns the name/description/bkt values */
};

#define GRAPH_CACHE 16

struct graph_cache {
    pthread_mutex_t mu;
    struct content_graph_shared *v[GRAPH_CACHE];
};

static const char graph_cache_key = 0;

static void shared_unref(struct content_graph_shared *sh)
{
    if (sh && atomic_fetch_sub(&sh->refs, 1) == 1) {
        json_decref(sh->json);
        arena_release(&sh->arena);
        mem_free(sh);
    }
}

static int graph_cache_create(struct store *s, void **ret)
{
    (void)s;
    struct graph_cache *gc = mem_calloc(1, sizeof(*gc));
    if (!gc)
        return -ENOMEM;
    pthread_mutex_init(&gc->mu, NULL);
    *ret = gc;
    return 0;
}

static void graph_cache_destroy(void *svc)
{
    struct graph_cache *gc = svc;
    for (size_t i = 0; i < GRAPH_CACHE; i++)
        shared_unref(gc->v[i]);
    pthread_mutex_destroy(&gc->mu);
    mem_free(gc);
}

/* A new reference to the cached graph with this fingerprint, or NULL. */
static struct content_graph_shared *cache_get(struct graph_cache *gc, int64_t district_id,
                                              const int64_t fp[3])
{
    struct content_graph_shared *found = NULL;
    pthread_mutex_lock(&gc->mu);
    for (size_t i = 0; i < GRAPH_CACHE; i++) {
        struct content_graph_shared *sh = gc->v[i];
        if (sh && sh->district_id == district_id && !memcmp(sh->fp, fp, sizeof(sh->fp))) {
            atomic_fetch_add(&sh->refs, 1);
            found = sh;
            break;
        }
    }
    pthread_mutex_unlock(&gc->mu);
    return found;
}

/* Keep sh (replacing the district's older graph, or the first slot when full). */
static void cache_put(struct graph_cache *gc, struct content_graph_shared *sh)
{
    size_t slot = 0;
    pthread_mutex_lock(&gc->mu);
    for (size_t i = 0; i < GRAPH_CACHE; i++)
        if (!gc->v[i] || gc->v[i]->district_id == sh->district_id) {
            slot = i;
            break;
        }
    struct content_graph_shared *old = gc->v[slot];
    atomic_fetch_add(&sh->refs, 1);
    gc->v[slot] = sh;
    pthread_mutex_unlock(&gc->mu);
    shared_unref(old);
}

struct graph_ctx {
    struct arena *arena;
    struct content_skill *v;
    size_t n, cap;
    json_t *json;
    int64_t *edges; /* pairs */
    size_t n_edges, cap_edges;
};

static int graph_skill_cb(void *arg, const struct content_skill_row *row)
{
    struct graph_ctx *g = arg;
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 64;
        struct content_skill *v = arena_alloc(g->arena, cap * sizeof(*v));
        if (!v)
            return -ENOMEM;
        if (g->n)
            memcpy(v, g->v, g->n * sizeof(*v));
        g->v = v;
        g->cap = cap;
    }
    struct content_skill *s = &g->v[g->n++];
    memset(s, 0, sizeof(*s));
    s->id = row->id;
    s->pack = arena_strdup(g->arena, row->pack);
    s->skill = arena_strdup(g->arena, row->skill);
    s->iri = arena_strdup(g->arena, row->iri);
    s->grade = row->grade;
    s->name = parsed(row->name);
    s->description = parsed(row->description);
    s->bkt = row->bkt ? parsed(row->bkt) : NULL;
    json_array_append_new(g->json, s->name);
    json_array_append_new(g->json, s->description);
    if (s->bkt)
        json_array_append_new(g->json, s->bkt);
    return s->pack && s->skill && s->iri ? 0 : -ENOMEM;
}

static int graph_edge_cb(void *arg, int64_t skill, int64_t pre)
{
    struct graph_ctx *g = arg;
    if (g->n_edges == g->cap_edges) {
        size_t cap = g->cap_edges ? g->cap_edges * 2 : 128;
        int64_t *e = mem_realloc(g->edges, cap * 2 * sizeof(*e));
        if (!e)
            return -ENOMEM;
        g->edges = e;
        g->cap_edges = cap;
    }
    g->edges[2 * g->n_edges] = skill;
    g->edges[2 * g->n_edges + 1] = pre;
    g->n_edges++;
    return 0;
}

/* Read the graph into sh (in a read transaction on db). */
static int graph_build(struct db *db, struct content_graph_shared *sh)
{
    struct graph_ctx g = {.arena = &sh->arena};
    int r;

    if (!(g.json = json_array()))
        return -ENOMEM;
    r = store_content_skills(db, sh->district_id, graph_skill_cb, &g);
    if (r == 0)
        r = store_content_prerequisites(db, sh->district_id, graph_edge_cb, &g);
    /* each skill's prerequisites: the edges come ordered by skill, so each skill's are a run
       found by binary search */
    for (size_t i = 0; r == 0 && i < g.n; i++) {
        struct content_skill *s = &g.v[i];
        size_t lo = 0, hi = g.n_edges, k;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (g.edges[2 * mid] < s->id)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (k = lo; k < g.n_edges && g.edges[2 * k] == s->id; k++)
            ;
        if (k == lo)
            continue;
        s->prerequisites = arena_alloc(g.arena, (k - lo) * sizeof(int64_t));
        if (!s->prerequisites) {
            r = -ENOMEM;
            break;
        }
        for (size_t j = lo; j < k; j++)
            s->prerequisites[s->n_prerequisites++] = g.edges[2 * j + 1];
    }
    mem_free(g.edges);
    sh->json = g.json;
    sh->skills = g.v;
    sh->n = g.n;
    return r;
}

int content_graph(struct ctx *c, int64_t district_id, struct content_graph *ret)
{
    struct content_graph_shared *sh = NULL;
    struct graph_cache *gc = NULL;
    void *svc;
    int64_t fp[3] = {0};
    struct db *db;
    bool opened;
    int r = may_read(c, district_id);

    memset(ret, 0, sizeof(*ret));
    if (r < 0)
        return r;
    if (store_service(c->store, &graph_cache_key, graph_cache_create, graph_cache_destroy, &svc) ==
        0)
        gc = svc;
    if ((r = begin_read(c, &db, &opened)) < 0)
        return r;
    r = store_content_fingerprint(db, district_id, fp);
    if (r == 0 && gc)
        sh = cache_get(gc, district_id, fp);
    if (r == 0 && !sh) {
        sh = mem_calloc(1, sizeof(*sh));
        if (!sh) {
            r = -ENOMEM;
        } else {
            atomic_init(&sh->refs, 1);
            sh->district_id = district_id;
            memcpy(sh->fp, fp, sizeof(fp));
            sh->arena = (struct arena)ARENA_INIT;
            r = graph_build(db, sh);
            if (r == 0 && gc)
                cache_put(gc, sh);
        }
    }
    end_read(db, opened);
    if (r < 0) {
        shared_unref(sh);
        return ctx_fail(c, r, "cannot read the skills: %s", strerror(-r));
    }
    ret->skills = sh->skills;
    ret->n = sh->n;
    ret->shared = sh;
    return 0;
}

void content_graph_release(struct content_graph *g)
{
    if (!g)
        return;
    shared_unref(g->shared);
    memset(g, 0, sizeof(*g));
}

const struct content_skill *content_graph_skill(const struct content_graph *g, int64_t id)
{
    for (size_t i = 0; i < g->n; i++)
        if (g->skills[i].id == id)
            return &g->skills[i];
    return NULL;
}

const struct content_skill *content_graph_skill_iri(const struct content_graph *g, const char *iri)
{
    for (size_t i = 0; i < g->n; i++)
        if (!strcmp(g->skills[i].iri, iri))
            return &g->skills[i];
    return NULL;
}

struct refs {
    struct ctx *c;
    struct content_item_ref *v;
    size_t n, cap;
};

static int ref_cb(void *arg, const struct content_item_row *row)
{
    struct refs *x = arg;
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 16;
        struct content_item_ref *v = arena_alloc(x->c->arena, cap * sizeof(*v));
        if (!v)
            return -ENOMEM;
        if (x->n)
            memcpy(v, x->v, x->n * sizeof(*v));
        x->v = v;
        x->cap = cap;
    }
    struct content_item_ref *r = &x->v[x->n++];
    r->id = row->id;
    r->pack = arena_strdup(x->c->arena, row->pack);
    r->item = arena_strdup(x->c->arena, row->item);
    r->iri = arena_strdup(x->c->arena, row->iri);
    r->generator = row->generator ? arena_strdup(x->c->arena, row->generator) : NULL;
    r->has_irt = row->has_irt;
    r->difficulty = row->difficulty;
    r->discrimination = row->discrimination;
    return r->pack && r->item && r->iri ? 0 : -ENOMEM;
}

int content_items_for_skill(struct ctx *c, int64_t district_id, int64_t skill_id,
                            struct content_item_ref **ret, size_t *ret_n)
{
    struct refs x = {.c = c};
    struct db *db;
    bool opened;
    int r = may_read(c, district_id);
    if (r < 0)
        return r;
    r = begin_read(c, &db, &opened);
    if (r < 0)
        return r;
    r = store_content_items_of_skill(db, district_id, skill_id, ref_cb, &x);
    end_read(db, opened);
    if (r < 0)
        return ctx_fail(c, r, "cannot read the items: %s", strerror(-r));
    *ret = x.v;
    *ret_n = x.n;
    return 0;
}

static int item_cb(void *arg, const struct content_item_row *row)
{
    json_t **out = arg;
    json_t *body = json_loads(row->body, 0, NULL);
    if (!body)
        return -EIO;
    json_object_set_new(body, "item", json_integer(row->id));
    json_object_set_new(body, "pack", json_string(row->pack));
    json_object_set_new(body, "license", json_string(row->pack_license));
    if (!json_object_get(body, "attribution"))
        json_object_set_new(body, "attribution", json_pack("{ss}", "text", row->pack_attribution));
    *out = body;
    return 0;
}

static int read_item(struct ctx *c, int64_t district_id, int64_t item_id, json_t **ret)
{
    struct db *db;
    bool opened;
    json_t *item = NULL;
    int r = may_read(c, district_id);
    if (r < 0)
        return r;
    r = begin_read(c, &db, &opened);
    if (r < 0)
        return r;
    r = store_content_item(db, district_id, item_id, item_cb, &item);
    end_read(db, opened);
    if (r == -ENOENT)
        return ctx_fail(c, r, "item: no item %lld in this district", (long long)item_id);
    if (r < 0) {
        json_decref(item);
        return ctx_fail(c, r, "cannot read the item: %s", strerror(-r));
    }
    *ret = item;
    return 0;
}

int content_item(struct ctx *c, int64_t district_id, int64_t item_id, json_t **ret)
{
    return read_item(c, district_id, item_id, ret);
}

int content_problem(struct ctx *c, int64_t district_id, int64_t item_id, uint64_t seed,
                    json_t **ret)
{
    json_t *item = NULL;
    char seed_s[24];
    int r = read_item(c, district_id, item_id, &item);
    if (r < 0)
        return r;
    const char *gen = json_string_value(json_object_get(item, "generator"));
    snprintf(seed_s, sizeof(seed_s), "%llu", (unsigned long long)seed);
    if (gen) {
        struct gen_params ps = {0};
        const char *key;
        json_t *val;
        json_object_foreach(json_object_get(item, "params"), key, val)
        {
            if (ps.n < GEN_MAX_PARAMS) {
                ps.p[ps.n].name = key;
                ps.p[ps.n].value = json_integer_value(val);
                ps.n++;
            }
        }
        struct gen_problem *p = mem_alloc(sizeof(*p));
        if (!p) {
            json_decref(item);
            return ctx_fail(c, -ENOMEM, "out of memory");
        }
        r = gen_make(gen, &ps, seed, p);
        json_t *steps = r == 0 ? content_gen_steps(p, json_object_get(item, "skills")) : NULL;
        mem_free(p);
        if (r < 0 || !steps) {
            json_decref(item);
            return ctx_fail(c, r < 0 ? -EIO : -ENOMEM, "item %lld: generator '%s' failed",
                            (long long)item_id, gen);
        }
        json_object_set_new(item, "steps", steps);
        json_object_del(item, "params");
        json_object_set_new(item, "seed", json_string(seed_s));
    }
    *ret = item;
    return 0;
}

struct mis_read {
    struct ctx *c;
    const char *lang;
    const char *out;
};

static int mis_cb(void *arg, const char *name)
{
    struct mis_read *m = arg;
    json_t *j = json_loads(name, 0, NULL);
    const char *s = json_string_value(json_object_get(j, m->lang));
    if (!s)
        s = json_string_value(json_object_get(j, "en"));
    m->out = s ? arena_strdup(m->c->arena, s) : NULL;
    json_decref(j);
    return m->out ? 0 : -ENOENT;
}

int content_misconception(struct ctx *c, int64_t district_id, const char *id, const char *lang,
                          const char **ret)
{
    struct mis_read m = {.c = c, .lang = lang ? lang : "en"};
    struct db *db;
    bool opened;
    int r = may_read(c, district_id);
    if (r < 0)
        return r;
    r = begin_read(c, &db, &opened);
    if (r < 0)
        return r;
    r = store_content_misconception(db, district_id, id, mis_cb, &m);
    end_read(db, opened);
    if (r == -ENOENT) {
        /* a generator's, named by no pack of this district yet */
        const struct gen_misconception *g = gen_misconception(id, strlen(id));
        if (!g)
            return ctx_fail(c, -ENOENT, "misconception: no '%s'", id);
        *ret = g->name[lang && !strcmp(lang, "es") ? GEN_ES : GEN_EN];
        return 0;
    }
    if (r < 0)
        return ctx_fail(c, r, "cannot read the misconception: %s", strerror(-r));
    *ret = m.out;
    return 0;
}

int content_text_html(const char *text, char **ret)
{
    size_t n = strlen(text), len;
    if (n > 64 * 1024)
        return -E2BIG;
    size_t cap = mathml_bound(n);
    char *out = mem_alloc(cap);
    if (!out)
        return -ENOMEM;
    int r = mathml_render_text(text, n, out, cap, &len, NULL);
    if (r < 0) {
        mem_free(out);
        return r;
    }
    char *shrunk = mem_realloc(out, len + 1);
    *ret = shrunk ? shrunk : out;
    return 0;
}

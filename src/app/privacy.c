/*
 * The data inventory checked against the live schema, and the privacy
 * notice made from it (privacy.h).
 */
#include "base/common.h"

#include <stdio.h>
#include <string.h>

#include "app/principal.h"
#include "app/privacy.h"
#include "base/buf.h"
#include "store/seal.h"
#include "store/store.h"
#include "store/store_inventory.h"

static const enum inv_key_kind key_kinds[] = {INV_KEY_CATEGORY, INV_KEY_RETENTION, INV_KEY_WHO,
                                              INV_KEY_PURPOSE};
static const char *const key_names[] = {"category", "retention", "who", "purpose"};

static int problem(struct privacy_check *chk, const char *fmt, ...) PRINTF_FMT(2, 3);
static int problem(struct privacy_check *chk, const char *fmt, ...)
{
    char line[600];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    chk->problems++;
    return chk->report ? chk->report(line, chk->arg) : 0;
}

static json_t *row_json(const char *table, const char *column, const struct inv_column *ic)
{
    if (!ic)
        return json_pack("{s:s, s:s, s:s, s:b, s:n, s:n, s:n}", "table", table, "column", column,
                         "category", "unclassified", "sealed",
                         store_inventory_is_sealed(table, column), "retention", "who", "purpose");
    return json_pack("{s:s, s:s, s:s, s:b, s:s, s:s, s:s}", "table", table, "column", column,
                     "category", ic->category, "sealed", ic->sealed, "retention", ic->retention,
                     "who", ic->who, "purpose", ic->purpose);
}

struct live {
    struct privacy_check *chk;
    json_t *rows;
    char (*seen)[2]; /* per inventory row: found in the schema; is a BLOB there */
    int err;
};

static int on_column(const char *table, const char *column, bool is_blob, void *arg)
{
    struct live *l = arg;
    struct inv_column ic;
    size_t n = store_inventory_count();
    bool have = store_inventory_find(table, column, &ic) == 0;
    json_t *o = row_json(table, column, have ? &ic : NULL);

    if (!o || json_array_append_new(l->rows, o) < 0)
        return -ENOMEM;
    if (!have)
        return problem(l->chk,
                       "%s.%s: not classified: add COL(\"%s\", \"%s\", \"CATEGORY\") under "
                       "TABLE(\"%s\", ...) in inventory[] of %s",
                       table, column, table, column, table, STORE_INVENTORY_FILE);
    for (size_t i = 0; i < n; i++) {
        struct inv_column x;
        if (store_inventory_get(i, &x) == 0 && strcmp(x.table, table) == 0 &&
            strcmp(x.column, column) == 0) {
            l->seen[i][0] = 1;
            l->seen[i][1] = is_blob;
        }
    }
    return 0;
}

struct sample {
    const struct seal *seal;
    struct buf out;
    long opened, total;
};

static int on_value(const void *p, size_t n, void *arg)
{
    struct sample *s = arg;
    s->total++;
    if (p && n > SEAL_OVERHEAD && seal_decrypt(s->seal, p, n, &s->out) == 0)
        s->opened++;
    return 0;
}

/* The stored values of c prove (or not) that it is sealed exactly when the inventory says. */
static int check_seal(struct ctx *c, struct db *db, const struct inv_column *ic,
                      struct privacy_check *chk)
{
    struct sample s = {store_seal(c->store), BUF_INIT(1u << 24), 0, 0};
    int r = store_inventory_sample(db, ic, on_value, &s);

    buf_release(&s.out);
    if (r < 0)
        return ctx_fail(c, r, "cannot read %s.%s", ic->table, ic->column);
    if (ic->sealed) {
        if (s.total == 0)
            chk->sealed_empty++;
        chk->sealed_values += s.opened;
        if (s.opened < s.total)
            return problem(chk,
                           "%s.%s: classified sealed (its name ends in _sealed) but %ld of %ld "
                           "stored values do not open with the key",
                           ic->table, ic->column, s.total - s.opened, s.total);
    } else {
        chk->blobs_checked += s.total;
        if (s.opened > 0)
            return problem(chk,
                           "%s.%s: holds sealed values (%ld of %ld open with the key) but its "
                           "name does not say so: name sealed columns *_sealed",
                           ic->table, ic->column, s.opened, s.total);
    }
    return 0;
}

/* Every key of ic is one of its kind's. */
static int check_keys(const struct inv_column *ic, struct privacy_check *chk)
{
    const char *v[] = {ic->category, ic->retention, ic->who, ic->purpose};
    int r = 0;
    for (size_t k = 0; k < ARRAY_SIZE(key_kinds) && r >= 0; k++)
        if (!store_inventory_key_text(key_kinds[k], v[k]))
            r = problem(chk, "%s.%s: %s '%s' is not one of the keys listed in %s", ic->table,
                        ic->column, key_names[k], v[k] ? v[k] : "(none)", STORE_INVENTORY_FILE);
    return r;
}

int privacy_inventory(struct ctx *c, bool seals, struct privacy_check *chk, json_t **ret_rows)
{
    size_t n = store_inventory_count();
    struct live l = {chk, json_array(), NULL, 0};
    struct db *db = NULL;
    int r;

    if (!c->who || c->who->kind != PRINCIPAL_OPERATOR)
        return ctx_fail(c, -EACCES, "only the server's operator can check the data inventory");
    l.seen = calloc(n ? n : 1, sizeof(*l.seen));
    if (!l.rows || !l.seen) {
        r = -ENOMEM;
        goto out;
    }
    r = ctx_db(c, &db);
    if (r < 0)
        goto out;
    r = store_schema_columns(db, on_column, &l);
    if (r < 0) {
        ctx_fail(c, r, "cannot read the schema");
        goto out;
    }
    for (size_t i = 0; i < n && r >= 0; i++) {
        struct inv_column ic;
        r = store_inventory_get(i, &ic);
        if (r == -EINVAL) {
            r = problem(chk, "row %zu of inventory[] in %s comes before any TABLE(\"...\") row", i,
                        STORE_INVENTORY_FILE);
            continue;
        }
        if (r < 0)
            break;
        r = check_keys(&ic, chk);
        if (r >= 0 && !l.seen[i][0])
            r = problem(chk,
                        "%s.%s: classified in %s but the database has no such column (remove "
                        "or rename its row)",
                        ic.table, ic.column, STORE_INVENTORY_FILE);
        else if (r >= 0 && seals && (ic.sealed || l.seen[i][1]))
            r = check_seal(c, db, &ic, chk);
    }
    if (r < 0)
        goto out;
    *ret_rows = l.rows;
    l.rows = NULL;
    r = 0;
out:
    json_decref(l.rows);
    free(l.seen);
    return r;
}

/* The entry of category cat in groups, made when missing. */
static json_t *group_of(json_t *groups, const char *cat)
{
    size_t i;
    json_t *g;
    json_array_foreach(groups, i, g) if (strcmp(json_string_value(json_object_get(g, "category")),
                                                cat) == 0) return g;
    g = json_pack("{s:s, s:[], s:[], s:[], s:s, s:[]}", "category", cat, "retention", "who",
                  "purposes", "sealed", "none", "fields");
    if (!g || json_array_append_new(groups, g) < 0)
        return NULL;
    return g;
}

/* Add s to the array if it is not in it yet. */
static int add_once(json_t *a, const char *s)
{
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) if (strcmp(json_string_value(v), s) == 0) return 0;
    return json_array_append_new(a, json_string(s)) < 0 ? -ENOMEM : 0;
}

/* The keys in a (strings of kind) in the order of kind's list: the roster's first, say. */
static int sort_keys(json_t *g, const char *field, enum inv_key_kind kind)
{
    size_t n, i;
    const struct inv_key *keys = store_inventory_keys(kind, &n);
    json_t *a = json_object_get(g, field), *sorted = json_array(), *v;

    for (size_t k = 0; sorted && k < n; k++)
        json_array_foreach(a, i, v) if (strcmp(json_string_value(v), keys[k].key) == 0 &&
                                        json_array_append(sorted, v) < 0)
        {
            json_decref(sorted);
            return -ENOMEM;
        }
    return sorted && json_object_set_new(g, field, sorted) == 0 ? 0 : -ENOMEM;
}

int privacy_notice(struct ctx *c, json_t **ret)
{
    size_t n = store_inventory_count(), nk;
    json_t *groups = json_array(), *out = NULL;
    const struct inv_key *cats = store_inventory_keys(INV_KEY_CATEGORY, &nk);
    int r = groups ? 0 : -ENOMEM;

    (void)c;
    /* in the order of the category list, so the page reads the same every time */
    for (size_t k = 0; k < nk && r == 0; k++) {
        if (strcmp(cats[k].key, "none") == 0)
            continue;
        for (size_t i = 0; i < n && r == 0; i++) {
            struct inv_column ic;
            json_t *g, *f;
            if (store_inventory_get(i, &ic) < 0 || strcmp(ic.category, cats[k].key) != 0)
                continue;
            g = group_of(groups, ic.category);
            f = json_pack("{s:s, s:s, s:b}", "table", ic.table, "column", ic.column, "sealed",
                          ic.sealed);
            if (!g || !f || json_array_append_new(json_object_get(g, "fields"), f) < 0) {
                r = -ENOMEM;
                break;
            }
            if (add_once(json_object_get(g, "retention"), ic.retention) < 0 ||
                add_once(json_object_get(g, "who"), ic.who) < 0 ||
                add_once(json_object_get(g, "purposes"), ic.purpose) < 0) {
                r = -ENOMEM;
                break;
            }
            const char *was = json_string_value(json_object_get(g, "sealed"));
            size_t nf = json_array_size(json_object_get(g, "fields"));
            const char *now = ic.sealed ? (nf == 1 || strcmp(was, "all") == 0 ? "all" : "some")
                                        : (strcmp(was, "none") == 0 ? "none" : "some");
            if (json_object_set_new(g, "sealed", json_string(now)) < 0)
                r = -ENOMEM;
        }
    }
    size_t i;
    json_t *g;
    json_array_foreach(
        groups, i, g) if (r == 0 && (sort_keys(g, "retention", INV_KEY_RETENTION) < 0 ||
                                     sort_keys(g, "who", INV_KEY_WHO) < 0 ||
                                     sort_keys(g, "purposes", INV_KEY_PURPOSE) < 0)) r = -ENOMEM;
    if (r == 0 && (out = json_object()) != NULL &&
        json_object_set_new(out, "categories", groups) == 0) {
        *ret = out;
        return 0;
    }
    if (!out)
        json_decref(groups);
    json_decref(out); /* it took groups */
    return -ENOMEM;
}

/*
 * The data inventory: every column of every table the migrations create,
 * classified (what kind of data, how long it is kept, who may see it, why
 * it is held), and the live schema to check it against.
 *
 * The classification is one table, `inventory[]` in store_inventory.c,
 * next to the migrations it describes: a TABLE() row per table (its
 * retention rule, who may see it, its purpose) followed by one COL() row
 * per column (its category; COLX() when a column differs from its table).
 * Whether a column is sealed is not written there: it follows from the
 * schema's naming rule (a *_sealed column, or demographics.sealed, holds
 * ciphertext; 0001_roster.sql), and privacy_inventory_check() proves it on
 * the data (every value of a sealed column opens under the key, no value
 * of another BLOB column does).
 *
 * The keys (category, retention, who, purpose) are from the lists below
 * (store_inventory_keys()); the privacy notice page has their text in
 * English and Spanish (web/i18n/privacy-*.json).
 */
#ifndef TRELLIS_STORE_INVENTORY_H
#define TRELLIS_STORE_INVENTORY_H

#include <stddef.h>

#include "base/common.h"

struct db;

struct inv_column {
    const char *table, *column;
    const char *category;   /* store_inventory_keys(INV_KEY_CATEGORY) */
    const char *retention;  /* INV_KEY_RETENTION */
    const char *who;        /* INV_KEY_WHO */
    const char *purpose;    /* INV_KEY_PURPOSE */
    const char *sample_sql; /* SELECT column FROM table WHERE column IS NOT NULL LIMIT 32 */
    const char *all_sql;    /* the same without the limit */
    bool sealed;            /* derived from the name (see above) */
};

/* How many columns are classified. */
size_t store_inventory_count(void);
/*
 * The i-th classified column (table order), with its table's retention, who
 * and purpose filled in where the column has none of its own: 0, or -ENOENT
 * past the end, or -EINVAL when the table has no TABLE() row before it.
 */
int store_inventory_get(size_t i, struct inv_column *ret);
/* The entry for table.column: 0, or -ENOENT when it is not classified. */
int store_inventory_find(const char *table, const char *column, struct inv_column *ret);
/* Whether the schema's naming rule makes table.column a sealed column. */
bool store_inventory_is_sealed(const char *table, const char *column);
/* Where the classification lives, for messages. */
#define STORE_INVENTORY_FILE "src/store/store_inventory.c"

enum inv_key_kind { INV_KEY_CATEGORY, INV_KEY_RETENTION, INV_KEY_WHO, INV_KEY_PURPOSE };
struct inv_key {
    const char *key;
    const char *text; /* one plain English sentence (the CLI's markdown) */
};
/* The allowed keys of a kind: *ret_n of them. */
const struct inv_key *store_inventory_keys(enum inv_key_kind kind, size_t *ret_n);
/* The text of a key, or NULL when it is not one of kind's. */
const char *store_inventory_key_text(enum inv_key_kind kind, const char *key);

/*
 * Every column of the live schema (SQLite: the tables but its own; PostgreSQL:
 * the current schema's tables), table by table: fn(table, column, is_blob, arg),
 * stopping at a negative return. 0 or a negative errno.
 */
int store_schema_columns(struct db *db,
                         int (*fn)(const char *table, const char *column, bool is_blob, void *arg),
                         void *arg);

/*
 * The stored values of c (not NULL; a sealed column's all, another's up to
 * 32): fn(p, n, arg) with each as bytes,
 * stopping at a negative return. Reads raw stored bytes (ciphertext for a
 * sealed column) for the inventory check only: nothing is disclosed.
 */
int store_inventory_sample(struct db *db, const struct inv_column *c,
                           int (*fn)(const void *p, size_t n, void *arg), void *arg);

#endif

/*
 * Privacy: the data inventory and the privacy notice made from it.
 *
 * The classification itself lives in src/store/store_inventory.c (one row
 * per column, next to the migrations). This service checks it against a
 * live database, proves the sealing on the stored values, and renders it:
 * as rows for `trellis privacy inventory` and grouped by category for the
 * public privacy notice (GET /api/v1/privacy/notice, web/privacy.html).
 */
#ifndef TRELLIS_APP_PRIVACY_H
#define TRELLIS_APP_PRIVACY_H

#include <jansson.h>

#include "app/ctx.h"

struct privacy_check {
    int problems;       /* columns unclassified, classified but absent, bad keys, bad seals */
    long sealed_values; /* stored values of sealed columns opened with the key */
    long sealed_empty;  /* sealed columns that hold no value yet (nothing to prove) */
    long blobs_checked; /* values of other BLOB columns checked not to open */
    /* each problem, one line each: "users.foo: not classified: add COL(...) to FILE" */
    int (*report)(const char *line, void *arg);
    void *arg;
};

/*
 * The inventory of the database c is on, one object per column of its live
 * schema in table order ({table, column, category, sealed, retention, who,
 * purpose}; an unclassified column has category "unclassified"), into
 * *ret_rows. Every column of the schema without a classification, and
 * every classified column the schema lacks, is a problem (reported through
 * chk->report, counted in chk->problems). With seals, every stored value of
 * a sealed column must open under the key, and no value of another BLOB
 * column may (32 of each checked). The operator only (it reads stored values, without
 * disclosing any). 0 (problems or not) or a negative errno.
 */
int privacy_inventory(struct ctx *c, bool seals, struct privacy_check *chk, json_t **ret_rows);

/*
 * The privacy notice: the inventory grouped by category (not "none"), in
 * the order of the category list, each with its retention rules, who may
 * see it and purposes (keys, in the order of their lists), whether it is
 * sealed ("all", "some" or "none" of its fields) and its fields ({table,
 * column, sealed}). Public: it names no one and reads no database. 0 or
 * -ENOMEM.
 */
int privacy_notice(struct ctx *c, json_t **ret);

#endif

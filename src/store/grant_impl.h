/*
 * What a grant is (see grant.h). PRIVATE to the access gate and the store:
 * only src/app/access*.c and src/store/ include this header (scripts/lint.sh
 * fails the build's lint suite otherwise), so no service or handler can
 * make a grant or widen one.
 *
 * The gate fills in everything above "what was returned"; the store
 * validates grants with grant_covers() and records what it returned with
 * grant_note() / grant_note_rows().
 */
#ifndef TRELLIS_STORE_GRANT_IMPL_H
#define TRELLIS_STORE_GRANT_IMPL_H

#include <stdint.h>

#include "base/arena.h"
#include "base/common.h"
#include "store/grant.h"

struct db;

#define GRANT_MAGIC 0x6772616eu /* "gran" */

/* How the gate audits what was returned under a grant. */
enum grant_audit {
    GRANT_AUDIT_SUBJECTS = 0, /* one entry naming every student returned (a disclosure) */
    GRANT_AUDIT_COUNT,        /* one entry with counts, no ids (a whole-district export) */
    GRANT_AUDIT_NONE,         /* internal processing by the SYSTEM principal: nothing leaves */
    GRANT_AUDIT_AGGREGATE,    /* one entry for a view of suppressed aggregates: no ids, and
                                 not counted by the bulk-export tripwire (no record leaves) */
};

struct grant {
    uint32_t magic;
    const struct db *db; /* the connection ... */
    uint64_t tx;         /* ... and the transaction (db->tx_serial) it was made in */
    enum access_kind kind;
    int64_t district_id;
    int64_t id;        /* the resource; 0 with a district-wide kind: the whole district */
    unsigned asked;    /* the action the caller asked for */
    unsigned actions;  /* every action the relationship allows (e.g. ACT_READ_SEALED too) */
    int64_t client_id; /* statements/read/mine: only this API client's statements */
    int64_t self_id;   /* the person reading (users.id): their own record is not noted */
    enum grant_audit audit;
    const char *object; /* for the audit entry: "class:12", "person:7" ... (arena) */
    const char *detail; /* what was disclosed, for the entry (arena; NULL: none) */
    /* what was returned under it (written by the store) */
    struct arena *arena;
    int64_t *subjects;
    size_t n_subjects, cap_subjects;
    int64_t records;    /* rows returned (aggregates: the students they cover) */
    bool sealed_opened; /* sealed fields were returned */
    int err;            /* a failure while noting: the gate then discloses nothing */
    struct grant *next; /* the request's grants (the gate's list) */
};

/*
 * 0 when g was made by the gate for action on (kind, id) in db's current
 * transaction; -EACCES otherwise (a programming error: the caller asked the
 * store for more than the gate allowed). id 0 asks for the district-wide
 * form, which only a district-wide grant (id 0) covers.
 */
int grant_covers(const struct grant *g, const struct db *db, enum access_kind kind,
                 int64_t district_id, int64_t id, unsigned action);
/* Bind g to db's current transaction (the gate calls it when it makes g). */
void grant_bind(struct grant *g, const struct db *db);
/* The store returned the record of student user_id under g. */
void grant_note(struct grant *g, int64_t user_id);
/* The store returned n more rows under g (counted for exports and the tripwire). */
void grant_note_rows(struct grant *g, int64_t n);

#endif

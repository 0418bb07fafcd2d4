/*
 * The LRS's statements in the store (schema 0004_lrs.sql). Called by
 * src/app/lrs.c only; the writer calls the write functions inside its
 * group-commit transaction.
 */
#ifndef TRELLIS_STORE_LRS_H
#define TRELLIS_STORE_LRS_H

#include <stdint.h>

#include "base/common.h"

struct db;
struct grant;

enum lrs_term_kind {
    LRS_TERM_AGENT = 1,     /* actor, or object when an Agent/Group */
    LRS_TERM_RELATED_AGENT, /* also authority, instructor, team, SubStatement's */
    LRS_TERM_VERB,
    LRS_TERM_ACTIVITY,         /* object when an Activity */
    LRS_TERM_RELATED_ACTIVITY, /* also context activities, SubStatement's */
    LRS_TERM_REGISTRATION,
};

/* Statement flags (lrs_statements.flags). */
#define LRS_FLAG_DEFLATED  1
#define LRS_FLAG_VOIDING   2
#define LRS_FLAG_ATTACH    4
#define LRS_FLAG_TS_STORED 8 /* the LRS set timestamp = stored */

struct store_lrs_row {
    int64_t seq;
    int64_t district_id;
    const char *statement_id;
    int64_t user_id;   /* 0: none */
    int64_t client_id; /* 0: none */
    int64_t stored_ms;
    int64_t timestamp_ms;
    int flags;
    bool voided;
    const char *body;
    size_t body_len;
};

/* The last seq given and the last stored time (0, 0 when empty). */
int store_lrs_last(struct db *db, int64_t *ret_seq, int64_t *ret_stored_ms);
/* The counter of seq numbers given (never goes back). */
int store_lrs_counter(struct db *db, int64_t *ret_seq);
int store_lrs_set_counter(struct db *db, int64_t seq);
/* Insert a statement: 0, -EEXIST (the id exists in the district) or another error. */
int store_lrs_insert(struct db *db, const struct store_lrs_row *row);
int store_lrs_term(struct db *db, int64_t district_id, int kind, int64_t hash, int64_t seq);
/* Give seq `to` every term of seq `from` (a StatementRef inherits its target's terms). */
int store_lrs_copy_terms(struct db *db, int64_t district_id, int64_t from, int64_t to);
/*
 * A statement by id: 0 and *ret (the body copied into a malloc'ed
 * NUL-terminated buffer the caller frees, *ret_body), or -ENOENT. Student
 * data: needs the gate's grant to read statements (a learner's grant finds
 * only that learner's; statements/read/mine only the client's own).
 */
int store_lrs_get(struct db *db, struct grant *g, const char *statement_id,
                  struct store_lrs_row *ret, char **ret_body);
/*
 * The same without a grant, for the LRS's own writer only (conflict checks
 * of resent ids and voiding targets inside the write transaction): what it
 * reads never leaves Trellis. scripts/lint.sh allows it in src/app/lrs*.c.
 */
int store_lrs_lookup(struct db *db, int64_t district_id, const char *statement_id,
                     struct store_lrs_row *ret, char **ret_body);
int store_lrs_set_voided(struct db *db, int64_t seq);

/* The first seq whose stored time is > ms (stored grows with seq); INT64_MAX if none. */
int store_lrs_seq_after_time(struct db *db, int64_t ms, int64_t *ret_seq);

/* A query: drive by terms[0] if any, check the other terms, seq bounds. */
struct store_lrs_query {
    int64_t district_id;
    int64_t client_id; /* 0: any authority */
    int64_t user_id;   /* 0: any learner */
    int kinds[6];
    int64_t hashes[6];
    size_t n_terms;
    int64_t seq_min, seq_max; /* inclusive; 0 / INT64_MAX: open */
    bool ascending;
    bool include_voided;
    size_t limit; /* 0: none */
};
/*
 * fn(row, arg) for each match in order; fn's non-zero return stops and is
 * returned. Student data: under the gate's grant, which decides the
 * district, and narrows to one learner or one client's own statements.
 * Notes each row's learner in g.
 */
int store_lrs_query(struct db *db, struct grant *g, const struct store_lrs_query *q,
                    int (*fn)(const struct store_lrs_row *row, void *arg), void *arg);
/*
 * The same over the statements of a class's students: those with an
 * active student enrollment in class_id on day (and an active record),
 * learner by learner, then seq ascending (q's terms and order are not
 * used; q->user_id narrows to one of them). Under the gate's grant to list
 * the class's learning records (RES_CLASS_LEARNING class_id). Notes each
 * row's learner in g.
 */
int store_lrs_query_class(struct db *db, struct grant *g, int64_t class_id, int64_t day,
                          const struct store_lrs_query *q,
                          int (*fn)(const struct store_lrs_row *row, void *arg), void *arg);

/*
 * Attachment content by its SHA-2 (hex, either case: the key is lower
 * case). put: the caller has checked that the content has that hash; the
 * same content again changes nothing. get: malloc'ed copies, or -ENOENT.
 */
int store_lrs_attachment_put(struct db *db, int64_t district_id, const char *sha2,
                             const char *content_type, const void *p, size_t n);
int store_lrs_attachment_get(struct db *db, struct grant *g, const char *sha2,
                             char **ret_content_type, void **ret_p, size_t *ret_n);

/* A rostered person by the keyed digest of their e-mail address (users.email_index). */
int store_lrs_user_by_email_index(struct db *db, int64_t district_id, const void *idx, size_t n,
                                  int64_t *ret_user_id);

/* Tune the group-commit writer's own connection (a larger page cache). */
int store_lrs_writer_tune(struct db *db);

#endif

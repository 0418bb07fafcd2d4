/*
 * The Learning Record Store's statements (xAPI 1.0.3 and 2.0.0 / IEEE
 * 9274.1.1): validation, storage through group commit, queries, voiding,
 * attachments, signatures, and the internal API other modules use.
 *
 * Writes: every statement is checked against the spec's data rules (a
 * -EINVAL whose message names the rule), then queued to one writer per
 * store that commits the statements of concurrent requests in one
 * transaction (one fsync) and acknowledges each only after that commit.
 *
 * Who: an API client writes as the authority of its statements (needs
 * statements/write) and reads its district (statements/read) or only its
 * own statements (statements/read/mine); the operator reads and writes the
 * district; a person reads the statements linked to learners they may see
 * (access_check, RES_STATEMENTS) and every such read is audited. An actor
 * is linked to a rostered person when its account is {homePage: this
 * server's base URL, name: the person's sourcedId} or its mbox is the
 * person's e-mail address.
 */
#ifndef TRELLIS_APP_LRS_H
#define TRELLIS_APP_LRS_H

#include <jansson.h>
#include <stdint.h>

#include "app/ctx.h"

#define LRS_ID_LEN 36 /* a statement id: a lower-case UUID */

enum lrs_version {
    LRS_V1_0 = 1, /* 1.0.x */
    LRS_V2_0 = 2, /* 2.0.0 */
};

/* One attachment's content from a multipart/mixed request, in request order after the statements.
 */
struct lrs_part {
    const char *content_type;
    const char *sha2; /* X-Experience-API-Hash (hex SHA-224, -256, -384 or -512) */
    const void *data;
    size_t len;
};

/* What a write needs besides the statements. */
struct lrs_write {
    enum lrs_version version;
    const char *base_url;         /* this server's public URL (linking accounts) */
    const char *put_id;           /* PUT ?statementId=; NULL for POST */
    const struct lrs_part *parts; /* attachments sent with the statements */
    size_t n_parts;
};

/*
 * Validate and store one statement (a JSON object) or a batch (an array),
 * the same rules as POST /xapi/statements. On success the ids in order are
 * in *ret_ids (n in *ret_n, arena strings). -EINVAL with the rule in
 * c->err; -EEXIST when an id exists with different content (409). A
 * statement sent again unchanged is not an error and is not stored twice.
 * Blocks until the statements are durable.
 */
int lrs_append(struct ctx *c, const char *json, size_t len, const char ***ret_ids, size_t *ret_n);
/*
 * The seq of the last statement this server's writer committed (0 when it
 * has written none since it started): after lrs_append() returns, at least
 * the seq of what it stored. For waiting until derived state (the learner
 * model) has applied it.
 */
int64_t lrs_committed_seq(struct ctx *c);
/* The same with the write's options (the server's base URL, for linking actors' accounts). */
int lrs_append_write(struct ctx *c, const struct lrs_write *w, const char *json, size_t len,
                     const char ***ret_ids, size_t *ret_n);

/*
 * Asynchronous append for HTTP handlers that suspend the request while the
 * batch commits: prepare (validation, nothing stored), submit (queue;
 * wake(arg) is called on the writer's thread once durable or failed),
 * finish (the result lrs_append would have returned). State in c's arena.
 */
struct lrs_pending;
int lrs_append_prepare(struct ctx *c, const struct lrs_write *w, const char *json, size_t len,
                       struct lrs_pending **ret);
void lrs_append_submit(struct ctx *c, struct lrs_pending *p, void (*wake)(void *arg), void *arg);
int lrs_append_finish(struct ctx *c, struct lrs_pending *p, const char ***ret_ids, size_t *ret_n);

/* ---- streaming (internal API) ---- */

struct lrs_filter {
    int64_t district_id;        /* 0: ctx->who's district */
    int64_t user_id;            /* the linked rostered learner; 0: any */
    const char *activity_id;    /* object activity id; NULL: any */
    const char *verb_id;        /* NULL: any */
    int64_t since_ms, until_ms; /* stored, exclusive since / inclusive until; 0: open */
    int64_t after_seq;          /* only seq > after_seq (ascending) or < (descending, 0: none) */
    size_t limit;               /* 0: no limit */
    bool ascending;
    bool include_voided;
    /*
     * The statements of one class's students (those enrolled today),
     * learner by learner and in seq order within each (ascending only; no
     * activity or verb filter), under the gate's access to the class's
     * learning records (RES_CLASS_LEARNING): one audit entry for the class
     * naming each learner returned. With user_id, only that learner, who
     * must be one of them (else nothing is returned). 0: not by class.
     */
    int64_t class_id;
};

struct lrs_row {
    int64_t seq; /* commit order over the database; resume with after_seq */
    int64_t district_id;
    int64_t user_id; /* linked rostered person, or 0 */
    const char *id;  /* the statement id (uuid) */
    const char *verb_id;
    const char *activity_id; /* the object's id when the object is an Activity, else NULL */
    int64_t timestamp_ms;
    int64_t stored_ms;
    int has_success;
    int success;
    int has_scaled;
    double scaled;
    const char *registration; /* NULL if none */
    const char *json;         /* the full stored statement */
    size_t json_len;
    json_t *statement; /* the same, parsed (borrowed: do not keep or change it) */
    bool voided;
};

/*
 * Call fn(row, arg) for every statement matching f in seq order; fn's
 * non-zero return stops the stream and is returned. Rows are valid during
 * the call only. Access: the operator and clients with statements/read
 * read the district (statements/read/mine: their own); a person reads one
 * learner at a time (f->user_id) through access_check(ACT_LIST,
 * RES_STATEMENTS), and the read is written to the audit log (durably)
 * when the stream ends: a caller acting for a person must not pass the
 * rows on before lrs_stream() has returned 0. With f->class_id, anyone
 * the gate lets read the class's learning records reads its students'
 * statements (see struct lrs_filter). Returns 0, fn's value or a negative
 * errno.
 */
int lrs_stream(struct ctx *c, const struct lrs_filter *f,
               int (*fn)(const struct lrs_row *row, void *arg), void *arg);

/* ---- the Statement resource's reads ---- */

enum lrs_format { LRS_FORMAT_EXACT = 0, LRS_FORMAT_IDS, LRS_FORMAT_CANONICAL };

struct lrs_query {
    enum lrs_version version;
    const char *statement_id;        /* GET ?statementId= */
    const char *voided_statement_id; /* GET ?voidedStatementId= */
    const char *agent;               /* JSON text of an Agent or Identified Group */
    const char *verb;
    const char *activity;
    const char *registration;
    bool related_activities, related_agents;
    int64_t since_ms, until_ms; /* 0: open (since exclusive, until inclusive) */
    bool has_since, has_until;
    size_t limit; /* 0: the server's maximum */
    enum lrs_format format;
    bool attachments;
    bool ascending;
    int64_t cursor; /* the `more` link's position: the last seq sent */
    const char *accept_language;
};

struct lrs_result {
    json_t *body;     /* a statement, or {statements, more} */
    int64_t last_seq; /* for the more link; 0: no more */
    int64_t consistent_ms;
    int64_t last_modified_ms; /* single statement: its stored */
    /* attachments to send (when q.attachments): content by sha2 */
    struct lrs_part *parts;
    size_t n_parts;
};

/*
 * GET /xapi/statements: one statement or a page of a query. -EINVAL for a
 * bad parameter (rule in c->err); -ENOENT for a single statement that does
 * not exist, is voided (statementId) or is not voided (voidedStatementId).
 */
int lrs_query(struct ctx *c, const struct lrs_query *q, struct lrs_result *ret);

/* The stored time of the latest committed statement (X-Experience-API-Consistent-Through). */
int64_t lrs_consistent_through(struct ctx *c);

/* ---- the pure part (fuzzed) ---- */

/* A UUID in its text form (8-4-4-4-12 hex digits, either case). */
bool lrs_is_uuid_text(const char *s);

/*
 * Check one statement object against the data rules of version v (xAPI
 * 2.0.0 / 1.0.3 "Statement" sections). 0, or -EINVAL with the rule in err.
 * Does not change st.
 */
int lrs_validate(json_t *st, enum lrs_version v, bool substatement, char *err, size_t errlen);

#endif

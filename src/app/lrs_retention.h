/*
 * Retention and deletion of learning records: a district administrator
 * (or the operator) deletes one learner's statements, or every statement
 * stored before a date, after a dry run that counts what would go.
 *
 * What goes (a learner):
 *   - every statement whose actor is linked to the learner (lrs_statements.user_id);
 *   - every voiding statement that targets one of them, whoever sent it (it
 *     says something about the learner's record and points at nothing once
 *     the target is gone);
 *   - the learner's documents (State, Agent Profile) linked to them;
 *   - attachment content no remaining statement refers to;
 *   - the query terms of the deleted statements.
 * What goes (before a date, by stored time): every statement stored
 * before it, its attachments and terms as above. A voiding statement
 * stored on or after the date that targets a deleted statement is kept: it
 * is within the retention period and holds only the target's id.
 *
 * No copy stays behind: SQLite's secure_delete overwrites the freed
 * content, and a TRUNCATE checkpoint moves everything out of the
 * write-ahead log and empties it. Backups made earlier still hold the data
 * (the report says so).
 *
 * Statements are deleted in transactions of LRS_DELETE_BATCH, each with an
 * audit entry naming the learners whose records it removed; a dry run
 * writes one audit entry with the counts.
 */
#ifndef TRELLIS_APP_LRS_RETENTION_H
#define TRELLIS_APP_LRS_RETENTION_H

#include <stdint.h>

#include "app/ctx.h"

#define LRS_DELETE_BATCH 2000

struct lrs_deletion {
    int64_t district_id; /* must be ctx->who's */
    const char *learner; /* a person's sourcedId, or NULL */
    const char *before;  /* YYYY-MM-DD (midnight UTC) or an ISO 8601 timestamp, or NULL */
    bool dry_run;
};

struct lrs_deletion_report {
    int64_t statements; /* statements selected (and deleted unless a dry run) */
    int64_t voiding;    /* voiding statements of others targeting them */
    int64_t documents;
    int64_t attachments;
    int64_t learners;  /* distinct linked learners whose records were removed */
    int64_t user_id;   /* the learner (learner mode) */
    int64_t before_ms; /* the cut-off (before mode) */
    bool checkpointed; /* the write-ahead log was emptied */
};

/*
 * Run (or count) a deletion. -EINVAL naming the field for bad input
 * (exactly one of learner and before), -ENOENT for an unknown learner,
 * -EACCES/-ENOENT from access_check (district administrators only).
 */
int lrs_delete(struct ctx *c, const struct lrs_deletion *d, struct lrs_deletion_report *ret);

#endif

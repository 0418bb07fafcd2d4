/*
 * Forwarding statements to an upstream LRS (a school's box syncing to its
 * district): every stored statement of a district, in `seq` order, in
 * batches, POSTed to <url>/statements with HTTP Basic and the
 * X-Experience-API-Version header.
 *
 * Exactly once to an upstream that answers 200: the cursor (the last seq
 * the upstream acknowledged) lives in the database (lrs_forward) and moves
 * in a durable transaction after each 2xx. Before a batch goes out, its
 * last statement is recorded as pending; if the process dies or the answer
 * is lost (timeout, reset), the next attempt first asks the upstream
 * (GET statements?statementId=, then ?voidedStatementId=) whether that
 * statement arrived, and moves the cursor past the batch without sending it
 * again if it did. Upstream batches are atomic (xAPI 2.0.0 4.1.6.1), so the
 * last statement stands for the whole batch. Faults are retried with
 * exponential back-off (1 s doubling to backoff_max_ms).
 *
 * One forwarder per (district, upstream) at a time: a lease in the row,
 * renewed with every batch, keeps a CLI run and the server apart.
 *
 * Access and audit: forwarding is an export of learning records
 * (access_check ACT_EXPORT on RES_STATEMENTS); each acknowledged batch
 * writes an audit entry naming the upstream and the learners, in the same
 * transaction as the cursor.
 */
#ifndef TRELLIS_APP_LRS_FORWARD_H
#define TRELLIS_APP_LRS_FORWARD_H

#include <stdatomic.h>
#include <stdint.h>

#include "app/ctx.h"
#include "base/config.h"

struct store;

struct lrs_forward_opts {
    const char *url;        /* upstream xAPI base, e.g. https://district.example/xapi */
    const char *key;        /* Basic user */
    const char *secret;     /* Basic password */
    const char *version;    /* X-Experience-API-Version to send; NULL: "2.0.0" */
    size_t batch;           /* statements per POST; 0: 500 */
    bool follow;            /* keep running and send new statements as they arrive */
    int64_t poll_ms;        /* follow: how often to look for new ones; 0: 1000 */
    int64_t backoff_max_ms; /* 0: 60000 */
    int max_failures;       /* give up after this many faults in a row; 0: never */
    long timeout_ms;        /* per HTTP request; 0: 30000 */
    const atomic_int *stop; /* non-zero: stop at the next chance (NULL: never) */
    void (*progress)(const char *msg, void *arg); /* log lines (NULL: log_kv) */
    void *progress_arg;
};

struct lrs_forward_report {
    int64_t sent;      /* statements acknowledged in this run */
    int64_t batches;   /* batches acknowledged in this run (probes included) */
    int64_t skipped;   /* batches found already upstream by a probe */
    int64_t failures;  /* faults in this run */
    int64_t after_seq; /* the cursor at the end */
    int64_t total;     /* statements acknowledged over every run */
};

/*
 * Forward ctx->who's district (the operator, or a district administrator)
 * to o->url until caught up (or, with follow, until *o->stop). 0 when
 * caught up or stopped; -EALREADY if another forwarder holds the cursor;
 * -EIO after max_failures faults in a row (c->err says what failed; the
 * cursor is where the next run resumes); -EINVAL for bad options.
 */
int lrs_forward_run(struct ctx *c, const struct lrs_forward_opts *o,
                    struct lrs_forward_report *ret);

/*
 * The server's background forwarder (config lrs_forward_url, _key,
 * _secret): one thread that forwards every district with follow set.
 * lrs_forward_start does nothing (0, *ret NULL) when no URL is configured.
 * lrs_forward_stop stops and joins it before the store closes (NULL-safe).
 */
struct lrs_forwarder;
int lrs_forward_start(struct store *s, const struct config *cfg, struct lrs_forwarder **ret);
void lrs_forward_stop(struct lrs_forwarder *f);

#endif

/*
 * The audit log (FERPA 34 CFR 99.32: a record of each access to and
 * disclosure of a student's records): who (ctx->who), from where
 * (ctx->client_addr), what (action and object), which students (subjects),
 * when (ctx->now_ms), the request id and the purpose (ctx->purpose), and
 * whether it was allowed.
 *
 * The log is append-only and hash-chained per district: each entry stores
 * the hash of the one before, hash = BLAKE2b-256("trellis-audit-v1" ||
 * prev_hash || the entry's fields, each as a 4-byte big-endian length and
 * its bytes), and a 16-byte tag, BLAKE2b keyed with the sealing key over
 * the hash, so a chain rewritten without the key file is caught. Each
 * chain's head (its last seq and hash) and the list of every chain opened
 * carry a MAC under the key too (store_audit.h), so removing the newest
 * entries and setting the head back, or deleting a chain whole, is caught
 * as well. What the key cannot catch is a database rolled back to an older
 * copy of itself (heads, list and all): a checkpoint kept elsewhere
 * (audit_checkpoint) catches that.
 *
 * An entry is written in the same transaction as what it records:
 *   - changes (a login, a card issued, a client added) call audit_append()
 *     inside their own write transaction;
 *   - reads have no transaction of their own, so audit_disclose() writes
 *     the entry through group commit (one writer thread per store batches
 *     the entries of concurrent requests into one transaction, one fsync)
 *     and returns only once it is durable: the caller answers only after
 *     that, so no record leaves Trellis without its entry.
 */
#ifndef TRELLIS_APP_AUDIT_H
#define TRELLIS_APP_AUDIT_H

#include <stdint.h>

#include "app/ctx.h"

struct db;
struct store;

struct audit_entry {
    int64_t district_id;     /* the chain; 0: ctx->who's district (no principal: chain 0) */
    const char *action;      /* login, login_failed, logout, read, list, export, change, admin,
                                alert */
    const char *object;      /* person:ID, class:ID, account:ID, client:KEY, session ... */
    const int64_t *subjects; /* users.id of the students concerned (any order, repeats ok) */
    size_t n_subjects;
    const char *outcome;      /* NULL: "ok"; "denied", "failed" */
    const char *detail;       /* NULL: ""; never a secret */
    const char *actor_name;   /* NULL: ctx->who's name (or "anonymous") */
    int64_t actor_account_id; /* with actor_name, when ctx->who is NULL (a login) */
    int64_t n_records;        /* records disclosed without naming them (an export); 0: subjects */
};

/*
 * Append e inside db's open write transaction (the caller's, so the entry
 * commits or rolls back with the change it records). 0 or a negative errno
 * (then the caller must roll back).
 */
int audit_append(struct ctx *c, struct db *db, const struct audit_entry *e);

/* Start the audit writer of s if it is not running yet: 0 or a negative errno. */
int audit_ready(struct store *s);
/* Append e through group commit (its own savepoint of the writer's next batch), durably. */
int audit_append_group(struct ctx *c, const struct audit_entry *e);

/*
 * Run fn(db, arg) in the audit writer's next group-commit transaction (in a
 * savepoint of its own) and wait until that transaction committed. Returns
 * fn's result, or the commit's error. fn runs on the writer's thread while
 * the caller waits, so it may use c; it must not commit. The caller must
 * not hold a write transaction (it would wait for itself).
 */
int audit_group(struct ctx *c, int (*fn)(struct ctx *c, struct db *db, void *arg), void *arg);

/*
 * ctx->who is about to receive the student records in e[0..n) (reads,
 * listings or an export): check the bulk-export tripwire, append every
 * entry, and make them durable before returning. Only the access gate
 * (access.c) calls this: services disclose through the gate. The tripwire counts every student
 * record a principal receives (bar their own) over a sliding hour; past cfg->export_alert_limit an
 * alert entry is written (once per hour) and a person must have checked a second factor within
 * AUDIT_MFA_FRESH_MS, else the answer is -ENOKEY ("second factor needed"; nothing disclosed, a
 * denied entry written). API clients and the operator are alerted on, never blocked. 0: answer now.
 */
int audit_disclose(struct ctx *c, const struct audit_entry *e, size_t n);

#define AUDIT_MFA_FRESH_MS (15 * 60 * 1000LL)

/*
 * The same without holding the calling thread (an HTTP request suspended
 * meanwhile): queue the disclosure and return; wake(arg) is called from
 * the writer's thread once it is durable (or failed), after which
 * audit_disclose_result() says what audit_disclose() would have returned.
 * e, c and everything they point to must stay valid until then; the
 * pending state lives in c's arena. Call wake-ready code (http_suspend)
 * before this: wake may run before this returns.
 */
struct audit_pending;
void audit_disclose_submit(struct ctx *c, const struct audit_entry *e, size_t n,
                           void (*wake)(void *arg), void *arg, struct audit_pending **ret);
int audit_disclose_result(struct ctx *c, const struct audit_pending *p);

/* ---- reading the log (the CLI) ---- */

/*
 * The object of the alert entries audit_append() chains when it finds a
 * head or the list of chains not keyed (rewritten outside Trellis): they
 * stay in the log, and audit_verify() reports them.
 */
#define AUDIT_TAMPER_HEAD "audit_chain:head"
#define AUDIT_TAMPER_LIST "audit_chain:list"

struct audit_verify_report {
    long entries; /* entries checked */
    long chains;
    long checkpoint_lines; /* lines of the checkpoint checked */
    bool tags_checked;     /* false when no sealing key was available */
    int64_t bad_entry_id;  /* the first entry found altered (or after a removed one); 0: none */
    char problem[512];     /* the first problem; "" when the log is intact */
    int n_problems;
    char problems[4096]; /* every problem, one per line (as many as fit) */
    int io_error;        /* internal */
};
/*
 * Check every chain from its first entry: sequence numbers without gaps,
 * each prev_hash equal to the hash before, each hash and tag recomputed,
 * the student index agreeing with the entries (no row missing, added or
 * filed under another district); then each head keyed and matching its
 * last entry, every chain with entries having a head, and the keyed list
 * of chains naming exactly the chains there are; alert entries recording
 * a head or list found rewritten are reported too. 0 when intact; -EBADMSG
 * with report->problem naming the first entry altered or removed (the walk
 * stops there) or the first other problem (the others in problems); other
 * errors for storage faults. The operator only.
 */
int audit_verify(struct ctx *c, struct audit_verify_report *report);

/*
 * A checkpoint: one line per chain, to be kept away from the server
 * (printed, mailed, stored off the box), each
 *   trellis-audit-checkpoint/1 at=ISO8601 chains=N chain=C seq=S head=HEX64 mac=HEX32
 * where at is when it was taken, chains how many lines it has, head the
 * hash of entry S (the last) of chain C, and mac a MAC of the line before
 * " mac=" under the sealing key's audit subkey. audit_checkpoint() verifies
 * the log (as audit_verify(), -EBADMSG and the report when it fails) and
 * only then calls fn with each line (no newline), in chain order.
 */
int audit_checkpoint(struct ctx *c, struct audit_verify_report *report,
                     int (*fn)(const char *line, void *arg), void *arg);
/*
 * audit_verify(), and then the database against a checkpoint text (the
 * lines of one or more checkpoints; blank lines and lines starting with
 * '#' are skipped): every entry a checkpoint recorded must still be there,
 * the same. A chain missing, entries missing at its end (the newest
 * removed, or the database rolled back to an older copy) or a different
 * entry at the recorded seq is a problem naming the chain, the entries and
 * the checkpoint's time. -EINVAL (ctx->err naming the line) when the text
 * is not a whole checkpoint or a line's MAC does not match the key.
 */
int audit_verify_checkpoint(struct ctx *c, const char *checkpoint, size_t len,
                            struct audit_verify_report *report);

struct audit_view {
    int64_t id, chain, seq, at, actor_id;
    const char *actor_kind, *actor_name, *client_addr, *request_id, *action, *object, *subjects,
        *purpose, *outcome, *detail;
};
/*
 * Every entry that concerns a student (the operator only), oldest first:
 * student is a users.id or a sourcedId. Showing it is itself audited.
 */
int audit_show_student(struct ctx *c, const char *student,
                       int (*fn)(const struct audit_view *v, void *arg), void *arg);
/* The entries of ctx->who's district's chain since since_ms (operator only). */
int audit_show_recent(struct ctx *c, int64_t since_ms, int64_t limit,
                      int (*fn)(const struct audit_view *v, void *arg), void *arg);
/*
 * The entries of ctx->who's district's chain whose outcome or action is
 * "denied", newest first, at most limit (operator only).
 */
int audit_show_denials(struct ctx *c, int64_t limit,
                       int (*fn)(const struct audit_view *v, void *arg), void *arg);

/* ---- the administration pages ---- */

#define AUDIT_PAGE_MAX 200

/*
 * A page of a district's log (0: ctx->who's), newest first: the entries
 * before seq before_seq (0: from the newest), by actor (a login or client
 * name, exact; NULL: anyone), only refusals when denials, at most limit
 * (1 to AUDIT_PAGE_MAX); *ret_more says whether older ones match too.
 * The gate's RES_AUDIT of the district (id 0): district administrators and
 * the operator. Reading it is recorded in the log.
 */
int audit_list(struct ctx *c, int64_t district_id, const char *actor, bool denials,
               int64_t before_seq, int64_t limit, int (*fn)(const struct audit_view *v, void *arg),
               void *arg, bool *ret_more);
/*
 * A page of the entries that concern a student (users.id), newest first:
 * ids below before_id (0: from the newest), at most limit. The gate's
 * RES_AUDIT of the student (school administrators of their school's
 * students, district administrators); an audited disclosure.
 */
int audit_student_page(struct ctx *c, int64_t user_id, int64_t before_id, int64_t limit,
                       int (*fn)(const struct audit_view *v, void *arg), void *arg, bool *ret_more);
/*
 * audit_verify() for one district's chain (0: ctx->who's): its entries,
 * its part of the student index, its head and its place in the keyed list
 * of chains. 0 or -EBADMSG with the report; the verification is recorded
 * in the log. The gate's RES_AUDIT of the district.
 */
int audit_verify_district(struct ctx *c, int64_t district_id, struct audit_verify_report *rep);

#endif

/*
 * The gate: the one way to student data. Every service that reads, lists,
 * exports or changes something that belongs to someone asks access_check()
 * first; default deny: whatever the policy table in access.c does not
 * grant is refused. No handler and no store function decides access.
 *
 * access_check() resolves the facts it needs itself (the record's district,
 * the class's school, the caller's relationship to the person on the day of
 * ctx->now_ms) inside the transaction the guarded read runs in: the one
 * open on ctx's connection, or a read transaction it opens (and that
 * access_read_end() or the settling of the disclosure ends). It returns a
 * grant; the store functions that return student data take it and refuse
 * anything it does not cover (see store/grant.h). Only the gate can make a
 * grant.
 *
 * What the store returns under a grant is noted in it (which students), and
 * the gate writes the audit entry for it: access_settle() (or its
 * asynchronous form, which the HTTP server uses for every response) checks
 * the bulk-export tripwire, appends one entry per grant through the audit
 * log's group commit and returns once it is durable. The HTTP server holds
 * a response back until then, so no student record leaves without its
 * entry; if the entry cannot be written, the answer is an error and
 * nothing is disclosed.
 *
 * Refusals: what the caller may not see answers -ENOENT (so nothing
 * reveals that a record exists), what it may see but not do -EACCES,
 * nobody logged in -EPERM; the reason goes to ctx->err. Refusals are
 * audited too, coalesced per principal and minute (one "denied" entry with
 * the count and the records asked for), so enumeration leaves a trail.
 */
#ifndef TRELLIS_APP_ACCESS_H
#define TRELLIS_APP_ACCESS_H

#include <jansson.h>
#include <stdint.h>

#include "app/ctx.h"
#include "store/grant.h"

/*
 * 0 if ctx->who may do action on res; otherwise a negative errno as above.
 * With ret_grant, *ret_grant is the grant for reading res under action (in
 * ctx's arena, valid until the transaction it was made in ends). res's
 * district_id may be 0: the gate finds the record's. Thread-safe.
 */
int access_check(struct ctx *c, enum access_action action, const struct access_resource *res,
                 struct grant **ret_grant);

/*
 * The same decision without a trace: no refusal recorded, no grant. For
 * sizing what to accept before the request's service asks the gate itself
 * (the upload limit); never to decide access.
 */
int access_would_allow(struct ctx *c, enum access_action action, const struct access_resource *res);

/* Does the grant also allow action (e.g. ACT_READ_SEALED beside ACT_READ)? */
bool access_grant_allows(const struct grant *g, enum access_action action);
/* The district of the record a grant was made for. */
int64_t access_grant_district(const struct grant *g);
/* Note what the audit entry should say about this disclosure (copied). */
void access_grant_detail(struct grant *g, const char *detail);

/*
 * End the read transaction access_check() opened on ctx's connection (the
 * grants made in it can no longer be used). A service calls it before it
 * starts a write transaction of its own. Safe to call when none is open.
 */
void access_read_end(struct ctx *c);

/* Has anything been read under a grant that still needs its audit entry? */
bool access_pending(const struct ctx *c);
/*
 * Write the audit entries of everything read under ctx's grants (with the
 * tripwire) and wait until they are durable: 0, or -ENOKEY (a fresh second
 * factor is needed: nothing may be disclosed), or a storage error. The
 * caller must not hold a write transaction. The read transaction the gate
 * opened ends first.
 */
int access_settle(struct ctx *c);
/*
 * The same without holding the calling thread: wake(arg) is called (maybe
 * on another thread, maybe before this returns) once the entries are
 * durable or failed; then access_settle_result() says what access_settle()
 * would have returned.
 */
void access_settle_submit(struct ctx *c, void (*wake)(void *arg), void *arg);
int access_settle_result(struct ctx *c);
/* Nothing read under ctx's grants is disclosed after all (an error answer): forget it. */
void access_discard(struct ctx *c);

/*
 * The students a guardian (ctx->who) is linked to, for the guardian's home
 * page: each one's access is still checked with access_check().
 */
int access_my_children(struct ctx *c, int (*fn)(void *arg, int64_t child), void *arg);

/* The schools ctx->who (a person) belongs to by the roster, for their own account page. */
int access_my_schools(struct ctx *c, int (*fn)(void *arg, int64_t org_id), void *arg);

/*
 * The learner a statement of ctx->who's district is about (0: not linked),
 * read in the gate's transaction, so a person's read of one statement can
 * be checked against that learner: 0, or -ENOENT (no such statement).
 */
int access_statement_learner(struct ctx *c, const char *statement_id, int64_t *ret_user_id);

/*
 * The policy table as JSON (an array of {who, relationship, resource,
 * actions, students_only}), for `trellis access policy` and the matrix
 * test that is generated from it. A new reference.
 */
json_t *access_policy_json(void);

/* The names the policy table uses: "person", "statements" ...; "read", "list" ... */
const char *access_kind_name(enum access_kind k);
const char *access_action_name(unsigned action);

/* ---- refusals ---- */

/*
 * Write the coalesced refusals that are due (minutes that have ended; all
 * with force) to the audit log. The server calls it now and then and when
 * it stops; returns the number of entries written or a negative errno.
 */
int access_flush_denials(struct ctx *c, bool force);

#endif

/*
 * The security self-check a district runs any time (`trellis security
 * check`): each check is a named finding, "ok", "action" (something needs
 * doing; the command exits 1) or "note" (worth knowing, nothing to fix in
 * Trellis), with a one-line summary and the items it found:
 *
 *   key_file         the sealing key: only its owner can read it, owned by
 *                    the user running the check, in a directory others
 *                    cannot write to
 *   database_files   SQLite: the database and its -wal/-shm files readable
 *                    by their owner only (names and learning records are
 *                    stored in plain text; only the sealed fields are not)
 *   transport        the effective settings serve HTTPS (tls_cert) or mark
 *                    cookies Secure (secure_cookies, behind a TLS proxy)
 *   second_factor    administrators (roster or local) with no second factor
 *   stale_accounts   accounts that can still log in but have not for
 *                    stale_days (never used: created that long ago)
 *   api_clients      API clients in force: Trellis keeps no data-sharing
 *                    agreement record yet, so every one is "no agreement on
 *                    file"
 *   export_alerts    the bulk-export tripwire's alerts of the last
 *                    alert_days: someone received more student records
 *                    within an hour than export_alert_limit (an API
 *                    client or the operator is alerted on, never stopped)
 *   audit_chain      the audit log verified (audit_verify), and against a
 *                    checkpoint kept elsewhere when one is given; without
 *                    one, a database rolled back whole would go unseen
 *   backup           the age of the last backup `trellis backup` recorded
 *                    (older than backup_max_hours, or none: action);
 *                    PostgreSQL is backed up with pg_dump, which Trellis
 *                    does not see (a note)
 *
 * Operator only: it reads staff accounts and the whole audit log.
 */
#ifndef TRELLIS_APP_SECURITY_H
#define TRELLIS_APP_SECURITY_H

#include <jansson.h>

#include "app/ctx.h"

struct security_options {
    const char *checkpoint; /* the text of a checkpoint (audit_checkpoint), or NULL */
    size_t checkpoint_len;
    const char *checkpoint_name; /* its file, for the summary */
    int64_t stale_days;          /* 0: 90 */
    int64_t backup_max_hours;    /* 0: 48 */
    int64_t alert_days;          /* 0: 30 */
};

/*
 * Run every check: *ret = {"needs_action": N, "checks": [{check, status,
 * summary, items: [...]}, ...]}. 0 (whatever was found) or a negative
 * errno for a fault that stopped the checks (ctx->err says which).
 */
int security_check(struct ctx *c, const struct security_options *o, json_t **ret);

/*
 * Record in the audit log (chain 0: it covers every district) that the
 * operator made a backup to path: what the backup check reads.
 */
int security_backup_recorded(struct ctx *c, const char *path);

#endif

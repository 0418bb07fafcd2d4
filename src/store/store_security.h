/*
 * Reads for `trellis security check` (app/security.h): accounts of every
 * district that need attention, the API clients in force, the bulk-export
 * alerts and the last backup recorded in the audit log. Staff accounts and
 * integrations, not student records: the service allows them to the
 * operator only. Also the two facts about an account the login and the
 * second factor's enrolment look at: its last use (a stale local account
 * cannot log in) and how long a first enrolment stays open.
 */
#ifndef TRELLIS_STORE_SECURITY_H
#define TRELLIS_STORE_SECURITY_H

#include <stdint.h>

#include "base/common.h"

struct db;

struct security_account {
    int64_t account_id;
    const char *district; /* the district's sourcedId */
    const char *login, *name;
    const char *role;      /* a role that makes it an administrator, or the roster role */
    int64_t created_at;    /* ms */
    int64_t last_login_at; /* ms; 0: never */
};

/*
 * Accounts that hold an administrator's role (the roster's administrator,
 * principal, siteAdministrator, districtAdministrator, systemAdministrator;
 * a local account's school_admin or district_admin), are not turned off
 * and have no second factor enrolled. fn stops at a negative return.
 */
int store_security_admins_without_mfa(struct db *db,
                                      int (*fn)(const struct security_account *a, void *arg),
                                      void *arg);

/*
 * Accounts still able to log in (not turned off; the roster record, if any,
 * active and enabled) whose last use (login, password set, creation: as
 * store_account_last_use) is before before_ms.
 */
int store_security_stale_accounts(struct db *db, int64_t before_ms,
                                  int (*fn)(const struct security_account *a, void *arg),
                                  void *arg);

struct security_client {
    const char *district, *name, *key;
    int64_t created_at;
};
/* The API clients not revoked, of every district. */
int store_security_clients(struct db *db, int (*fn)(const struct security_client *c, void *arg),
                           void *arg);

struct security_alert {
    int64_t at;
    const char *district, *actor_kind, *actor, *outcome, *detail;
};
/*
 * The bulk-export tripwire's alerts (audit entries: action "alert", detail
 * "bulk-export tripwire: ...") of every district since since_ms, newest
 * first, at most limit.
 */
int store_security_export_alerts(struct db *db, int64_t since_ms, int64_t limit,
                                 int (*fn)(const struct security_alert *a, void *arg), void *arg);

/* The accounts' last use: the latest of their last login, password set and creation (ms). */
int store_account_last_use(struct db *db, int64_t account_id, int64_t *ret_ms);

/* Open a first second-factor enrolment of the account until until_ms (0: close it). */
int store_account_open_enrolment(struct db *db, int64_t account_id, int64_t until_ms);
/* Until when the account may enrol a first second factor (ms; 0: closed). */
int store_account_enrol_until(struct db *db, int64_t account_id, int64_t *ret_ms);

/*
 * The newest backup `trellis backup` recorded (an audit entry of chain 0: action
 * "admin", object "backup", outcome "ok"): 0 with *ret_at (ms) and its
 * detail copied into detail, or -ENOENT when none was recorded.
 */
int store_security_last_backup(struct db *db, int64_t *ret_at, char *detail, size_t n);

#endif

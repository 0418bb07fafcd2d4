/*
 * Who is acting: a person logged in through a session, an API client
 * authenticated with HTTP Basic, the operator running a `trellis`
 * command on the server (who can read the database file anyway, and whose
 * actions are audited like everyone else's), or Trellis itself (SYSTEM:
 * its background readers, never acting for a person). The HTTP layer establishes it (through the
 * auth service) and puts it in ctx->who; services read it from there and
 * pass it to access_check(). A principal lives in the request's arena.
 */
#ifndef TRELLIS_APP_PRINCIPAL_H
#define TRELLIS_APP_PRINCIPAL_H

#include <stdint.h>

#include "base/common.h"

enum principal_kind {
    PRINCIPAL_USER = 1,     /* a person with an account */
    PRINCIPAL_CLIENT = 2,   /* an integration with an API key */
    PRINCIPAL_OPERATOR = 3, /* whoever runs the trellis command on the server (the CLI) */
    PRINCIPAL_SYSTEM = 4,   /* Trellis itself: the model follower, forwarding, retention */
};

/* What a person is in Trellis (derived from OneRoster roles). A bit set. */
enum role {
    ROLE_STUDENT = 1u << 0,
    ROLE_GUARDIAN = 1u << 1, /* parent, guardian, relative */
    ROLE_TEACHER = 1u << 2,  /* teacher, aide */
    ROLE_COUNSELLOR = 1u << 3,
    ROLE_SCHOOL_ADMIN = 1u << 4,   /* administrator, principal, siteAdministrator at a school */
    ROLE_DISTRICT_ADMIN = 1u << 5, /* administrator, districtAdministrator at the district */
    ROLE_PD_COORDINATOR =
        1u << 6,          /* professional learning coordinator (local role pd_coordinator) */
    ROLE_COACH = 1u << 7, /* instructional coach (local role coach) */
};

/* What an API client may do. A bit set. */
enum scope {
    SCOPE_STATEMENTS_WRITE = 1u << 0,
    SCOPE_STATEMENTS_READ_MINE = 1u << 1,
    SCOPE_STATEMENTS_READ = 1u << 2,
    SCOPE_STATE = 1u << 3,
    SCOPE_PROFILE = 1u << 4,
    SCOPE_ALL = 1u << 5, /* everything above */
    SCOPE_ROSTER_READ = 1u << 6,
    SCOPE_ROSTER_WRITE = 1u << 7,
};

/* A role held at one organisation (a school), or at the whole district (org_id 0). */
struct principal_grant {
    unsigned role; /* one enum role bit */
    int64_t org_id;
};

struct principal {
    enum principal_kind kind;
    int64_t district_id;
    int64_t account_id; /* the login account (users) or the api client's id (clients) */
    int64_t user_id;    /* users.id of a rostered person; 0 for local staff and clients */
    const char *name;   /* username or client name, for audit and logs */
    unsigned roles;     /* enum role bits (people) */
    unsigned scopes;    /* enum scope bits (clients) */
    int64_t session_id; /* 0 for clients */
    int64_t mfa_at_ms;  /* when a second factor was last verified in this session; 0: never */
    /* where each role holds (people); the access policy checks relationships against these */
    const struct principal_grant *grants;
    size_t n_grants;
    bool mfa_enrolled; /* a second factor is enrolled */
    bool enrol_only;   /* must enrol a second factor before anything else (see auth.h) */
};

/*
 * The operator principal for CLI commands acting on one district. name is
 * borrowed (e.g. "cli:import"); the result is caller storage.
 */
void principal_operator(struct principal *p, int64_t district_id, const char *name);

/*
 * The operator (op, made by the command line) acting in one district, e.g.
 * in the district an import has just created: 0, or -EACCES when op is not
 * the operator (a service never makes an operator of its own).
 */
int principal_operator_in(struct principal *out, const struct principal *op, int64_t district_id);

/*
 * The SYSTEM principal for Trellis's own readers and writers (the learner
 * model's follower, forwarding, retention) in one district: recorded as
 * "system" in the audit log, never as a person or the operator. name is
 * borrowed (e.g. "system:model-follower").
 */
void principal_system(struct principal *p, int64_t district_id, const char *name);

/* Parse "statements/write", "statements/read/mine", "statements/read", "state", "profile",
 * "all", "roster/read", "roster/write": 0 and the bit, or -EINVAL. */
int scope_parse(const char *s, unsigned *ret_bit);
/* The name of one scope bit, or NULL. */
const char *scope_name(unsigned bit);

#endif

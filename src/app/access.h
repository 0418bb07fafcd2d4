/*
 * The access policy: the one function every service calls before it reads
 * or changes anything that belongs to someone. Default deny: whatever the
 * policy does not grant is refused. No handler and no store function
 * decides access.
 *
 * A refused read of a record answers -ENOENT, so the caller cannot tell a
 * record it may not see from one that does not exist; a refused action on
 * something the caller can see answers -EACCES; nobody logged in is -EPERM.
 * The reason goes to ctx->err.
 */
#ifndef TRELLIS_APP_ACCESS_H
#define TRELLIS_APP_ACCESS_H

#include <stdint.h>

#include "app/ctx.h"

enum access_action {
    ACT_READ = 1,    /* read one record */
    ACT_LIST,        /* list records (counts toward the bulk-export tripwire) */
    ACT_WRITE,       /* change a record */
    ACT_EXPORT,      /* take records out of Trellis (file export, forwarding) */
    ACT_ADMIN,       /* administer: import rosters, manage clients, delete data */
    ACT_CREDENTIALS, /* issue or revoke other people's login credentials (a class's QR cards) */
    ACT_READ_SEALED, /* read a person's sealed fields (contact data): not teachers */
};

enum access_kind {
    RES_PERSON = 1, /* a person's record: id = users.id */
    RES_CLASS,      /* a class and its roster: id = classes.id */
    RES_SCHOOL,     /* id = orgs.id of a school */
    RES_DISTRICT,   /* id = districts.id */
    RES_STATEMENTS, /* learning records; id = users.id of the learner, 0 = not linked */
    RES_DOCUMENTS,  /* xAPI documents and metadata; id = RES_DOCUMENTS_* */
};

/* RES_DOCUMENTS ids: State documents, profile documents, the Activities and Agents resources */
enum { RES_DOCUMENTS_STATE = 1, RES_DOCUMENTS_PROFILE = 2, RES_DOCUMENTS_META = 3 };

struct access_resource {
    enum access_kind kind;
    int64_t district_id;
    int64_t id;
};

/*
 * 0 if ctx->who may do action on res; otherwise a negative errno as above
 * with the reason in ctx->err. May read the store (enrollments, guardians)
 * through ctx. Thread-safe.
 */
int access_check(struct ctx *c, enum access_action action, const struct access_resource *res);

#endif

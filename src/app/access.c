/*
 * The access policy: see access.h. Today it grants a district administrator
 * and the server's operator (the CLI) their own district and nothing else to
 * anyone; relationships (a teacher's classes, a guardian's children, a
 * student's own record) come with the identity module.
 */
#include "base/common.h"

#include "app/access.h"
#include "app/principal.h"

int access_check(struct ctx *c, enum access_action action, const struct access_resource *res)
{
    const struct principal *p = c->who;

    if (!p)
        return ctx_fail(c, -EPERM, "log in first");
    if (p->district_id != res->district_id)
        return ctx_fail(c, -ENOENT, "not found");
    if (p->kind == PRINCIPAL_OPERATOR)
        return 0;
    if (p->kind == PRINCIPAL_USER && (p->roles & ROLE_DISTRICT_ADMIN))
        return 0;
    if (action == ACT_ADMIN || action == ACT_EXPORT)
        return ctx_fail(c, -EACCES, "this needs a district administrator");
    return ctx_fail(c, -ENOENT, "not found");
}

/*
 * Principal helpers: see principal.h.
 */
#include "base/common.h"

#include "app/principal.h"

static const struct {
    const char *name;
    unsigned bit;
} scopes[] = {
    {"statements/write", SCOPE_STATEMENTS_WRITE},
    {"statements/read/mine", SCOPE_STATEMENTS_READ_MINE},
    {"statements/read", SCOPE_STATEMENTS_READ},
    {"state", SCOPE_STATE},
    {"profile", SCOPE_PROFILE},
    {"all", SCOPE_ALL},
    {"roster/read", SCOPE_ROSTER_READ},
    {"roster/write", SCOPE_ROSTER_WRITE},
};

int scope_parse(const char *s, unsigned *ret_bit)
{
    for (size_t i = 0; i < ARRAY_SIZE(scopes); i++) {
        if (strcmp(scopes[i].name, s) == 0) {
            *ret_bit = scopes[i].bit;
            return 0;
        }
    }
    return -EINVAL;
}

const char *scope_name(unsigned bit)
{
    for (size_t i = 0; i < ARRAY_SIZE(scopes); i++)
        if (scopes[i].bit == bit)
            return scopes[i].name;
    return NULL;
}

void principal_operator(struct principal *p, int64_t district_id, const char *name)
{
    memset(p, 0, sizeof(*p));
    p->kind = PRINCIPAL_OPERATOR;
    p->district_id = district_id;
    p->name = name;
}

int principal_operator_in(struct principal *out, const struct principal *op, int64_t district_id)
{
    if (!op || op->kind != PRINCIPAL_OPERATOR)
        return -EACCES;
    *out = *op;
    out->district_id = district_id;
    return 0;
}

void principal_system(struct principal *p, int64_t district_id, const char *name)
{
    memset(p, 0, sizeof(*p));
    p->kind = PRINCIPAL_SYSTEM;
    p->district_id = district_id;
    p->name = name;
}

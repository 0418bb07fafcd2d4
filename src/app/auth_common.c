/*
 * What the identity service's files share (see auth_internal.h): keyed
 * digests for lookups and throttle keys, the alphabet of codes people type,
 * login names in lower case, and OneRoster role names as principal roles.
 */
#include "base/common.h"

#include "app/auth_internal.h"
#include "base/buf.h"
#include "base/rand.h"
#include "store/store.h"

/* Unambiguous characters for codes people type: no 0/O, 1/I/L. */
const char auth_code_alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

void auth_lower_login(const char *in, char *out, size_t n)
{
    size_t j = 0;
    for (; *in && j + 1 < n; in++)
        out[j++] = (*in >= 'A' && *in <= 'Z') ? (char)(*in - 'A' + 'a') : *in;
    out[j] = '\0';
}

void auth_random_code(char *out, size_t len)
{
    for (size_t i = 0; i < len; i++)
        out[i] = auth_code_alphabet[rand_below(sizeof(auth_code_alphabet) - 1)];
    out[len] = '\0';
}

/* A keyed digest for lookups of short secrets and throttle keys. */
void auth_keyed(struct ctx *c, const char *domain, const char *a, const char *b,
                uint8_t out[SEAL_INDEX_LEN])
{
    struct buf t = BUF_INIT(4096);
    if (buf_appendf(&t, "%s%c%s%c%s", domain, 0, a, 0, b ? b : "") < 0)
        buf_reset(&t);
    seal_index(store_seal(c->store), t.data ? t.data : "", t.len, out);
    buf_release(&t);
}

unsigned auth_map_role(const char *role, const char *org_type)
{
    if (!strcmp(role, "student"))
        return ROLE_STUDENT;
    if (!strcmp(role, "parent") || !strcmp(role, "guardian") || !strcmp(role, "relative"))
        return ROLE_GUARDIAN;
    if (!strcmp(role, "teacher") || !strcmp(role, "aide"))
        return ROLE_TEACHER;
    if (!strcmp(role, "counselor") || !strcmp(role, "counsellor"))
        return ROLE_COUNSELLOR;
    if (!strcmp(role, "school_admin"))
        return ROLE_SCHOOL_ADMIN;
    if (!strcmp(role, "district_admin"))
        return ROLE_DISTRICT_ADMIN;
    if (!strcmp(role, "pd_coordinator"))
        return ROLE_PD_COORDINATOR;
    if (!strcmp(role, "coach"))
        return ROLE_COACH;
    if (!strcmp(role, "administrator") || !strcmp(role, "principal") ||
        !strcmp(role, "siteAdministrator") || !strcmp(role, "districtAdministrator") ||
        !strcmp(role, "systemAdministrator"))
        return org_type && !strcmp(org_type, "district") ? ROLE_DISTRICT_ADMIN : ROLE_SCHOOL_ADMIN;
    return 0;
}

/*
 * Route matching: see router.h. Linear over the table; the table is small
 * and the comparison stops at the first differing segment.
 */
#include "base/common.h"

#include <stdio.h>

#include "http/router.h"

static bool match_one(const struct route *rt, struct str path, struct route_match *m)
{
    struct str pat = str_from(rt->pattern), p = path, ps, pp;

    m->n = 0;
    /* both start with '/': compare segment by segment */
    if (!pat.len || pat.p[0] != '/' || !p.len || p.p[0] != '/')
        return false;
    pat.p++, pat.len--;
    p.p++, p.len--;
    for (;;) {
        bool more_pat = str_next(&pat, '/', &ps);
        if (!more_pat)
            return p.p == NULL; /* pattern done: the path must be done too */
        if (str_eq_cstr(ps, "*") && pat.p == NULL)
            return true; /* the rest of the path, even if empty */
        if (!str_next(&p, '/', &pp))
            return false;
        if (ps.len >= 2 && ps.p[0] == '{' && ps.p[ps.len - 1] == '}') {
            if (pp.len == 0 || m->n >= ARRAY_SIZE(m->values))
                return false;
            m->names[m->n] = (struct str){ps.p + 1, ps.len - 2};
            m->values[m->n++] = pp;
        } else if (!str_eq(ps, pp)) {
            return false;
        }
    }
}

int router_match(const struct route *table, size_t n, const char *method, struct str path,
                 struct route_match *ret, char *allow, size_t allowlen)
{
    bool path_known = false;
    size_t used = 0;

    if (allowlen)
        allow[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        struct route_match m;
        const struct route *rt = &table[i];
        if (!match_one(rt, path, &m))
            continue;
        if (strcmp(rt->method, method) == 0 ||
            (strcmp(method, "HEAD") == 0 && strcmp(rt->method, "GET") == 0)) {
            m.route = rt;
            *ret = m;
            return 0;
        }
        path_known = true;
        if (allowlen && used < allowlen) {
            int w = snprintf(allow + used, allowlen - used, "%s%s", used ? ", " : "", rt->method);
            if (w > 0)
                used += (size_t)w;
        }
    }
    return path_known ? -ENOTSUP : -ENOENT;
}

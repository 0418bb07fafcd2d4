/*
 * The shared layer of the /xapi/ handlers: see xapi.h.
 */
#include "base/common.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <strings.h>

#include "app/principal.h"
#include "base/str.h"
#include "http/basic_auth.h"
#include "http/errmap.h"
#include "http/xapi.h"

#define FORM_MAX 32

struct xapi_form {
    size_t n;
    const char *name[FORM_MAX];
    const char *value[FORM_MAX];
};

/* The version header this server answers with for v ("1.0.3" or "2.0.0"). */
static const char *xapi_version_text(enum xapi_version v)
{
    return v == XAPI_1_0 ? "1.0.3" : "2.0.0";
}

/* ---- the alternate request syntax (xAPI 1.0.3 7.8) ---- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode one application/x-www-form-urlencoded token into the arena. */
static char *form_decode(struct arena *a, const char *p, size_t n)
{
    char *out = arena_alloc(a, n + 1);
    size_t j = 0;

    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '+') {
            out[j++] = ' ';
        } else if (p[i] == '%' && i + 2 < n && hexval(p[i + 1]) >= 0 && hexval(p[i + 2]) >= 0) {
            out[j++] = (char)(hexval(p[i + 1]) * 16 + hexval(p[i + 2]));
            i += 2;
        } else {
            out[j++] = p[i];
        }
    }
    out[j] = '\0';
    return out;
}

static int form_parse(struct xapi *x, const char *body, size_t len)
{
    struct xapi_form *f = arena_calloc(&x->rq->arena, 1, sizeof(*f));
    size_t i = 0;

    if (!f)
        return -ENOMEM;
    while (i < len) {
        size_t end = i;
        while (end < len && body[end] != '&')
            end++;
        if (end > i) {
            size_t eq = i;
            while (eq < end && body[eq] != '=')
                eq++;
            if (f->n >= FORM_MAX)
                return xapi_fail(x, -EINVAL, "alternate request syntax: more than %d form fields",
                                 FORM_MAX);
            f->name[f->n] = form_decode(&x->rq->arena, body + i, eq - i);
            f->value[f->n] =
                eq < end ? form_decode(&x->rq->arena, body + eq + 1, end - eq - 1) : "";
            if (!f->name[f->n] || !f->value[f->n])
                return -ENOMEM;
            f->n++;
        }
        i = end + 1;
    }
    x->form = f;
    return 0;
}

static const char *form_get(const struct xapi_form *f, const char *name)
{
    if (!f)
        return NULL;
    for (size_t i = 0; i < f->n; i++)
        if (!strcasecmp(f->name[i], name))
            return f->value[i];
    return NULL;
}

/* Form fields that are headers or the content, not parameters. */
static bool form_reserved(const char *name)
{
    static const char *const names[] = {"Authorization", "X-Experience-API-Version",
                                        "Content-Type",  "Content-Length",
                                        "If-Match",      "If-None-Match",
                                        "content"};
    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        if (!strcasecmp(name, names[i]))
            return true;
    return false;
}

const char *xapi_header(const struct xapi *x, const char *name)
{
    if (x->alternate) {
        const char *v = form_get(x->form, name);
        if (v)
            return v;
    }
    return http_header(x->rq, name);
}

const char *xapi_param(const struct xapi *x, const char *name)
{
    if (x->alternate && !form_reserved(name)) {
        const char *v = form_get(x->form, name);
        if (v)
            return v;
    }
    if (x->alternate && !strcmp(name, "method"))
        return NULL;
    return http_query(x->rq, name);
}

struct each_state {
    const struct xapi *x;
    int (*fn)(const char *name, const char *value, void *arg);
    void *arg;
};

static int query_each_cb(const char *name, const char *value, void *arg)
{
    struct each_state *s = arg;
    if (s->x->alternate && !strcmp(name, "method"))
        return 0;
    return s->fn(name, value, s->arg);
}

int xapi_params_each(const struct xapi *x,
                     int (*fn)(const char *name, const char *value, void *arg), void *arg)
{
    struct each_state s = {x, fn, arg};
    if (x->alternate && x->form) {
        for (size_t i = 0; i < x->form->n; i++) {
            if (form_reserved(x->form->name[i]))
                continue;
            int r = fn(x->form->name[i], x->form->value[i], arg);
            if (r)
                return r;
        }
    }
    return http_query_each(x->rq, query_each_cb, &s);
}

/* ---- errors ---- */

/* Every /xapi/ error answer: the status is errmap's; a 401 tells how to authenticate. */
static int respond(struct xapi *x, int err, const char *detail)
{
    assert(err < 0);
    if (errmap_lookup(err)->status == 401)
        http_add_header(x->rq, "WWW-Authenticate", "Basic realm=\"xapi\"");
    int r = http_problem(x->rq, err, detail);
    return r < 0 ? r : err;
}

int xapi_fail(struct xapi *x, int err, const char *fmt, ...)
{
    char detail[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    return respond(x, err, detail);
}

int xapi_error(struct xapi *x, int err)
{
    if (err >= 0)
        return err;
    return respond(x, err, x->rq->ctx.err);
}

/* ---- If-Match / If-None-Match (RFC 9110 13.1.1-2) ---- */

int xapi_etags(struct arena *a, const char *value, struct lrs_docs_etags *ret)
{
    struct str rest;
    const char **tags;
    size_t cap = 1;

    memset(ret, 0, sizeof(*ret));
    if (!value)
        return 0;
    ret->present = true;
    rest = str_trim(str_from(value));
    if (str_eq_cstr(rest, "*")) {
        ret->any = true;
        return 0;
    }
    if (rest.len == 0) {
        ret->malformed = true;
        return 0;
    }
    for (size_t i = 0; i < rest.len; i++)
        cap += rest.p[i] == ',';
    tags = arena_calloc(a, cap, sizeof(*tags));
    if (!tags)
        return -ENOMEM;
    ret->tags = tags;
    /* the tags up to the first malformed one, which marks the list malformed */
    while (rest.len) {
        size_t i;

        rest = str_trim(rest);
        if (rest.len >= 2 && rest.p[0] == 'W' && rest.p[1] == '/') {
            rest.p += 2;
            rest.len -= 2;
        }
        if (rest.len < 2 || rest.p[0] != '"')
            break;
        for (i = 1; i < rest.len && rest.p[i] != '"'; i++)
            ;
        if (i == rest.len)
            break;
        if (!(tags[ret->n++] = arena_strndup(a, rest.p + 1, i - 1)))
            return -ENOMEM;
        rest.p += i + 1;
        rest.len -= i + 1;
        rest = str_trim(rest);
        if (rest.len == 0)
            return 0;
        if (rest.p[0] != ',')
            break;
        rest.p++;
        rest.len--;
        if (str_trim(rest).len == 0)
            break;
    }
    ret->malformed = true;
    return 0;
}

/* ---- the request ---- */

static bool is_method(const char *m, const char *want)
{
    return !strcmp(m, want);
}

/*
 * X-Experience-API-Version (xAPI 2.0.0 4.1.1 "Versioning"): 1.0[.x] or
 * 2.0[.x]. 0 and *ret, or -EINVAL.
 */
static int parse_version(const char *v, enum xapi_version *ret)
{
    if (!strcmp(v, "1.0") || !strcmp(v, "2.0")) {
        *ret = v[0] == '1' ? XAPI_1_0 : XAPI_2_0;
        return 0;
    }
    if ((!strncmp(v, "1.0.", 4) || !strncmp(v, "2.0.", 4)) && v[4]) {
        for (const char *p = v + 4; *p; p++)
            if (*p < '0' || *p > '9')
                return -EINVAL;
        if (strlen(v + 4) > 4)
            return -EINVAL;
        *ret = v[0] == '1' ? XAPI_1_0 : XAPI_2_0;
        return 0;
    }
    return -EINVAL;
}

static int only_method(const char *name, const char *value, void *arg)
{
    struct xapi *x = arg;
    (void)value;
    if (strcmp(name, "method") != 0) {
        http_add_header(x->rq, "X-Experience-API-Version", "1.0.3");
        return xapi_fail(x, -EINVAL,
                         "%s: with the alternate request syntax every parameter goes in the "
                         "form; the query string holds only method (xAPI 1.0.3 7.8)",
                         name);
    }
    return 0;
}

int xapi_serve(struct request *rq, const struct xapi_resource *res)
{
    struct xapi *x = arena_calloc(&rq->arena, 1, sizeof(*x));
    const char *v;
    const char *alt;
    int (*fn)(struct xapi *) = NULL;
    bool read;
    int r;

    if (!x)
        return -ENOMEM;
    x->rq = rq;
    x->method = rq->method;
    x->body = buf_cstr(&rq->body);
    x->body_len = rq->body.len;
    x->version = XAPI_2_0;
    rq->user = x;

    /* the alternate request syntax: POST ?method=M, headers and content in the form */
    alt = http_query(rq, "method");
    if (alt && is_method(rq->method, "POST")) {
        const char *ct = http_header(rq, "Content-Type");
        if (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0) {
            http_add_header(rq, "X-Experience-API-Version", "1.0.3");
            return xapi_fail(x, -EINVAL,
                             "Content-Type: the alternate request syntax (?method=) needs "
                             "application/x-www-form-urlencoded (xAPI 1.0.3 7.8)");
        }
        if (strcmp(alt, "GET") && strcmp(alt, "PUT") && strcmp(alt, "POST") &&
            strcmp(alt, "DELETE") && strcmp(alt, "HEAD")) {
            http_add_header(rq, "X-Experience-API-Version", "1.0.3");
            return xapi_fail(x, -EINVAL, "method: '%s' is not GET, PUT, POST, DELETE or HEAD", alt);
        }
        x->alternate = true;
        x->method = alt;
        /* everything but the method travels in the form (xAPI 1.0.3 7.8) */
        r = http_query_each(rq, only_method, x);
        if (r < 0)
            return r;
        r = form_parse(x, x->body, x->body_len);
        if (r < 0)
            return r;
        x->body = form_get(x->form, "content");
        if (!x->body)
            x->body = "";
        x->body_len = strlen(x->body);
    }

    read = is_method(x->method, "GET") || is_method(x->method, "HEAD");
    if (read)
        fn = res->get;
    else if (is_method(x->method, "PUT"))
        fn = res->put;
    else if (is_method(x->method, "POST"))
        fn = res->post;
    else if (is_method(x->method, "DELETE"))
        fn = res->del;

    v = xapi_header(x, "X-Experience-API-Version");
    bool named = v && parse_version(v, &x->version) == 0;
    if (!named) /* no (or a wrong) version: answer in the configured default */
        x->version = rq->ctx.cfg && rq->ctx.cfg->xapi_version && rq->ctx.cfg->xapi_version[0] == '1'
                         ? XAPI_1_0
                         : XAPI_2_0;
    http_add_header(rq, "X-Experience-API-Version", xapi_version_text(x->version));
    if (!named && !(read && res->public_get)) {
        if (!v)
            return xapi_fail(x, -EINVAL,
                             "X-Experience-API-Version: missing; every request must name the "
                             "xAPI version, 1.0.3 or 2.0.0 (xAPI 2.0.0 4.1.1)");
        return xapi_fail(x, -EINVAL,
                         "X-Experience-API-Version: '%.40s' is not a version this LRS speaks "
                         "(1.0.x or 2.0.x; xAPI 2.0.0 4.1.1)",
                         v);
    }
    if (x->alternate && x->version != XAPI_1_0)
        return xapi_fail(x, -EINVAL,
                         "method: the alternate request syntax was removed in xAPI 2.0.0; "
                         "send the method itself");

    if (!fn) {
        char allow[64];
        snprintf(allow, sizeof(allow), "%s%s%s%s", res->get ? "GET, HEAD" : "",
                 res->put ? ", PUT" : "", res->post ? ", POST" : "", res->del ? ", DELETE" : "");
        http_add_header(rq, "Allow", allow[0] == ',' ? allow + 2 : allow);
        return xapi_fail(x, -ENOSYS, "method: %s is not allowed here (see the Allow header)",
                         x->method);
    }

    if (!(read && res->public_get)) {
        if (x->alternate && !rq->ctx.who) {
            const char *authz = form_get(x->form, "Authorization");
            const struct principal *p = NULL;
            if (authz) {
                r = http_basic_authenticate(rq, authz, &p);
                if (r < 0)
                    return xapi_error(x, r);
                rq->ctx.who = p;
            }
        }
        if (!rq->ctx.who) {
            return xapi_fail(x, -EPERM,
                             "Authorization: the LRS needs HTTP Basic credentials of an API "
                             "client (xAPI 2.0.0 4.1.8)");
        }
        /* which client scopes allow what is the access gate's to say, in each service */
    }
    return fn(x);
}

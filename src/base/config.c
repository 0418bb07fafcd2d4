/*
 * Configuration table and loaders: see config.h.
 */
#include "base/common.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/config.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/netaddr.h"
#include "base/str.h"

enum ctype { C_STR, C_INT, C_BOOL, C_LEVEL, C_LISTEN, C_URL, C_ADDRS };

struct setting {
    const char *name;
    enum ctype type;
    size_t off;
    const char *def;
    int64_t min, max;
    bool secret;
    const char *help;
};

#define S(n, t, d, lo, hi, sec, h)                           \
    {                                                        \
#n, t, offsetof(struct config, n), d, lo, hi, sec, h \
    }

static const struct setting table[] = {
    S(db, C_STR, "var/trellis.db", 0, 0, false, "SQLite file or postgresql:// URL"),
    S(key_file, C_STR, "", 0, 0, false, "sealing key file (default: <db>.key)"),
    S(listen, C_LISTEN, "127.0.0.1:8080", 0, 0, false, "HOST:PORT to serve on (port 0: any)"),
    S(base_url, C_URL, "", 0, 0, false, "public URL (default: http://<listen>)"),
    S(web_root, C_STR, "", 0, 0, false, "directory of the web pages"),
    S(log_level, C_LEVEL, "info", 0, 0, false, "error, warn, info or debug"),
    S(threads, C_INT, "0", 0, 256, false, "HTTP worker threads (0: automatic)"),
    S(db_pool, C_INT, "0", 0, 512, false, "store connections (0: automatic)"),
    S(body_limit, C_INT, "10485760", 1024, 1073741824, false, "largest request body in bytes"),
    S(upload_limit, C_INT, "268435456", 1024, 4294967296, false,
      "largest roster upload in bytes (only for a caller who may import; others get body_limit)"),
    S(anon_body_limit, C_INT, "16384", 1024, 1073741824, false,
      "largest body in bytes of a request without credentials in its headers (logins; xAPI "
      "1.0.3 alternate syntax); other anonymous bodies are refused before they are read"),
    S(max_connections, C_INT, "4096", 16, 1000000, false,
      "open connections at most (lowered at start to fit the open-file limit)"),
    S(per_ip_connections, C_INT, "256", 0, 1000000, false,
      "open connections per client address (IPv6: per /64; trusted proxies exempt; 0: no cap)"),
    S(idle_timeout, C_INT, "15", 1, 3600, false,
      "seconds a connection may stay silent (waiting for a request, or within one) before it "
      "is closed"),
    S(session_idle_min, C_INT, "30", 1, 1440, false, "minutes of inactivity that end a session"),
    S(session_max_hours, C_INT, "12", 1, 720, false, "hours after which a session always ends"),
    S(session_idle_sec, C_INT, "0", 0, 86400, false,
      "seconds of inactivity that end a session, when not 0 (shared classroom devices, tests); "
      "overrides session_idle_min"),
    S(session_cache_ms, C_INT, "1000", 0, 60000, false,
      "milliseconds a session's principal is kept in memory (0: read it on every request); a "
      "write through this server clears it at once, a change by another process (the command "
      "line) is seen within this time"),
    S(export_alert_limit, C_INT, "500", 1, 100000000, false,
      "student records per hour one person may export or list before a fresh second factor"),
    S(login_max_failures, C_INT, "10", 1, 1000, false,
      "failed logins of one name from one address before its attempts wait"),
    S(secure_cookies, C_BOOL, "false", 0, 0, false, "mark cookies Secure (serve over TLS)"),
    S(trust_proxy, C_BOOL, "false", 0, 0, false,
      "believe a proxy on this machine (127.0.0.0/8, ::1): the same as adding those to "
      "trusted_proxies"),
    S(trusted_proxies, C_ADDRS, "", 0, 0, false,
      "proxy addresses or ranges (comma-separated) whose X-Forwarded-For/-Proto or Forwarded "
      "headers are believed"),
    S(tls_cert, C_STR, "", 0, 0, false, "PEM certificate chain file: serve HTTPS (with tls_key)"),
    S(tls_key, C_STR, "", 0, 0, false, "PEM private key file of tls_cert"),
    S(xapi_version, C_STR, "2.0.0", 0, 0, false,
      "xAPI version (1.0.3 or 2.0.0) of the LRS's answers to requests that name none"),
    S(lrs_forward_url, C_URL, "", 0, 0, false, "upstream LRS to forward statements to"),
    S(lrs_forward_key, C_STR, "", 0, 0, false, "upstream LRS key"),
    S(lrs_forward_secret, C_STR, "", 0, 0, true, "upstream LRS secret"),
    S(logo, C_STR, "", 0, 0, false,
      "the district's logo shown on every page: a .png, .svg, .jpg or .webp file (at most 1 MB), "
      "served as /brand/logo.<ext>; none: the district's name alone"),
};

_Static_assert(ARRAY_SIZE(table) <= ARRAY_SIZE(((struct config *)0)->source),
               "config source[] too small");

static const struct setting *find(const char *name, size_t *ret_idx)
{
    for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
        if (strcmp(table[i].name, name) == 0) {
            if (ret_idx)
                *ret_idx = i;
            return &table[i];
        }
    }
    return NULL;
}

bool config_has(const char *name)
{
    return find(name, NULL) != NULL;
}

int config_split_listen(const char *listen, char *hostbuf, size_t hostlen, unsigned *ret_port)
{
    const char *colon;
    size_t hl;
    int64_t port;

    if (listen[0] == '[') {
        const char *rb = strchr(listen, ']');
        if (!rb || rb[1] != ':')
            return -EINVAL;
        colon = rb + 1;
        listen++;
        hl = (size_t)(rb - listen);
    } else {
        colon = strrchr(listen, ':');
        if (!colon)
            return -EINVAL;
        hl = (size_t)(colon - listen);
    }
    if (hl == 0 || hl >= hostlen)
        return -EINVAL;
    if (str_to_int64(str_from(colon + 1), 0, 65535, &port) < 0)
        return -EINVAL;
    memcpy(hostbuf, listen, hl);
    hostbuf[hl] = '\0';
    *ret_port = (unsigned)port;
    return 0;
}

static int parse_into(struct config *cfg, const struct setting *s, const char *value, char *why,
                      size_t whylen)
{
    char *p = (char *)cfg + s->off;
    struct str v = str_from(value);

    switch (s->type) {
    case C_INT: {
        int64_t n;
        int r = str_to_int64(v, s->min, s->max, &n);
        if (r == -ERANGE) {
            snprintf(why, whylen, "'%s' is out of range [%lld, %lld]", value, (long long)s->min,
                     (long long)s->max);
            return -EINVAL;
        }
        if (r < 0) {
            snprintf(why, whylen, "'%s' is not a whole number", value);
            return -EINVAL;
        }
        memcpy(p, &n, sizeof(n));
        return 0;
    }
    case C_BOOL: {
        bool b;
        if (str_eq_nocase(v, "true") || str_eq_nocase(v, "yes") || str_eq_cstr(v, "1") ||
            str_eq_nocase(v, "on"))
            b = true;
        else if (str_eq_nocase(v, "false") || str_eq_nocase(v, "no") || str_eq_cstr(v, "0") ||
                 str_eq_nocase(v, "off"))
            b = false;
        else {
            snprintf(why, whylen, "'%s' is not true or false", value);
            return -EINVAL;
        }
        memcpy(p, &b, sizeof(b));
        return 0;
    }
    case C_LEVEL: {
        enum log_level l;
        if (log_parse_level(value, &l) < 0) {
            snprintf(why, whylen, "'%s' is not one of error, warn, info, debug", value);
            return -EINVAL;
        }
        break;
    }
    case C_LISTEN: {
        char host[256];
        unsigned port;
        if (config_split_listen(value, host, sizeof(host), &port) < 0) {
            snprintf(why, whylen, "'%s' is not HOST:PORT with a port from 0 to 65535", value);
            return -EINVAL;
        }
        break;
    }
    case C_URL:
        if (value[0] && strncmp(value, "http://", 7) != 0 && strncmp(value, "https://", 8) != 0) {
            snprintf(why, whylen, "'%s' is not an http:// or https:// URL", value);
            return -EINVAL;
        }
        break;
    case C_ADDRS: {
        struct netaddr_range list[NETADDR_LIST_MAX];
        size_t n;
        if (netaddr_list_parse(value, list, NETADDR_LIST_MAX, &n, why, whylen) < 0)
            return -EINVAL;
        break;
    }
    case C_STR:
        break;
    }
    if (!str_is_clean_text(v)) {
        snprintf(why, whylen, "contains control characters or bad UTF-8");
        return -EINVAL;
    }
    char *copy = mem_strdup(value);
    char *old;
    if (!copy) {
        snprintf(why, whylen, "out of memory");
        return -ENOMEM;
    }
    memcpy(&old, p, sizeof(old));
    mem_free(old);
    memcpy(p, &copy, sizeof(copy));
    /* strip a trailing slash from URLs so joins are simple */
    if (s->type == C_URL) {
        size_t n = strlen(copy);
        while (n > 0 && copy[n - 1] == '/')
            copy[--n] = '\0';
    }
    return 0;
}

int config_set(struct config *cfg, const char *name, const char *value, const char *source,
               char *err, size_t errlen)
{
    size_t idx;
    const struct setting *s = find(name, &idx);
    char why[200];
    int r;

    if (!s) {
        snprintf(err, errlen, "%s: '%s' is not a setting (see `trellis config show`)", source,
                 name);
        return -ENOENT;
    }
    r = parse_into(cfg, s, value, why, sizeof(why));
    if (r < 0) {
        snprintf(err, errlen, "%s: %s: %s", source, name, why);
        return r;
    }
    /* keep only a static word: the source text may live on the caller's stack */
    if (strncmp(source, "file", 4) == 0)
        cfg->source[idx] = "file";
    else if (strncmp(source, "env", 3) == 0)
        cfg->source[idx] = "env";
    else if (strncmp(source, "flag", 4) == 0)
        cfg->source[idx] = "flag";
    else
        cfg->source[idx] = "default";
    return 0;
}

int config_init(struct config *cfg, const char *web_root_default)
{
    char err[256];
    memset(cfg, 0, sizeof(*cfg));
    for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
        const char *def = table[i].def;
        if (strcmp(table[i].name, "web_root") == 0 && web_root_default)
            def = web_root_default;
        if (config_set(cfg, table[i].name, def, "default", err, sizeof(err)) < 0) {
            config_release(cfg);
            return -ENOMEM;
        }
        cfg->source[i] = "default";
    }
    return 0;
}

void config_release(struct config *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
        if (table[i].type == C_INT || table[i].type == C_BOOL)
            continue;
        char *p;
        memcpy(&p, (char *)cfg + table[i].off, sizeof(p));
        mem_free(p);
        p = NULL;
        memcpy((char *)cfg + table[i].off, &p, sizeof(p));
    }
}

int config_load_text(struct config *cfg, const char *text, size_t len, const char *name, char *err,
                     size_t errlen)
{
    struct str rest = {text, len}, l;
    unsigned lineno = 0;
    int r = 0;

    while (r == 0 && str_next(&rest, '\n', &l)) {
        char src[300], key_name[64];
        struct str key, val;
        lineno++;
        if (l.len && l.p[l.len - 1] == '\r')
            l.len--;
        l = str_trim(l);
        if (l.len == 0 || l.p[0] == '#')
            continue;
        const char *eq = memchr(l.p, '=', l.len);
        snprintf(src, sizeof(src), "file %s:%u", name, lineno);
        if (!eq) {
            snprintf(err, errlen, "%s: expected 'name = value'", src);
            return -EINVAL;
        }
        key = str_trim((struct str){l.p, (size_t)(eq - l.p)});
        val = str_trim((struct str){eq + 1, l.len - (size_t)(eq - l.p) - 1});
        if (val.len >= 2 && val.p[0] == '"' && val.p[val.len - 1] == '"') {
            val.p++;
            val.len -= 2;
        }
        if (key.len == 0 || key.len >= sizeof(key_name) || memchr(val.p, '\0', val.len)) {
            snprintf(err, errlen, "%s: expected 'name = value'", src);
            return -EINVAL;
        }
        memcpy(key_name, key.p, key.len);
        key_name[key.len] = '\0';
        char *v = mem_strndup(val.p, val.len);
        if (!v)
            return -ENOMEM;
        r = config_set(cfg, key_name, v, src, err, errlen);
        mem_free(v);
    }
    return r;
}

int config_load_file(struct config *cfg, const char *path, bool required, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    char chunk[4096];
    struct buf text = BUF_INIT(1024 * 1024);
    size_t n;
    int r = 0;

    if (!f) {
        if (!required && errno == ENOENT)
            return 0;
        snprintf(err, errlen, "config file '%s': %s", path, strerror(errno));
        return -ENOENT;
    }
    while (r == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        r = buf_append(&text, chunk, n);
    fclose(f);
    if (r < 0) {
        snprintf(err, errlen, "config file '%s': %s", path,
                 r == -E2BIG ? "larger than 1 MB" : "out of memory");
        buf_release(&text);
        return r;
    }
    r = config_load_text(cfg, buf_cstr(&text), text.len, path, err, errlen);
    buf_release(&text);
    return r;
}

int config_load_env(struct config *cfg, char *err, size_t errlen)
{
    for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
        char var[80];
        size_t n = (size_t)snprintf(var, sizeof(var), "TRELLIS_%s", table[i].name);
        for (size_t k = 8; k < n; k++)
            var[k] = (char)toupper((unsigned char)var[k]);
        const char *v = getenv(var);
        if (!v)
            continue;
        char src[100];
        snprintf(src, sizeof(src), "env %s", var);
        int r = config_set(cfg, table[i].name, v, src, err, errlen);
        if (r < 0)
            return r;
    }
    return 0;
}

const char *config_logo_ext(const char *path)
{
    static const char *const exts[] = {".png", ".svg", ".jpg", ".jpeg", ".webp"};
    const char *dot = strrchr(path, '.');
    if (!dot || strchr(dot, '/'))
        return NULL;
    for (size_t i = 0; i < ARRAY_SIZE(exts); i++)
        if (strcasecmp(dot, exts[i]) == 0)
            return exts[i];
    return NULL;
}

int config_finish(struct config *cfg, char *err, size_t errlen)
{
    enum log_level l;
    if (cfg->db[0] == '\0') {
        snprintf(err, errlen, "db: must not be empty");
        return -EINVAL;
    }
    if (cfg->web_root[0] == '\0') {
        snprintf(err, errlen, "web_root: must not be empty");
        return -EINVAL;
    }
    if ((cfg->lrs_forward_url[0] != '\0') !=
        (cfg->lrs_forward_key[0] != '\0' && cfg->lrs_forward_secret[0] != '\0')) {
        snprintf(err, errlen,
                 "lrs_forward_url: needs lrs_forward_key and lrs_forward_secret, "
                 "and they need it");
        return -EINVAL;
    }
    if (strcmp(cfg->xapi_version, "2.0.0") != 0 && strcmp(cfg->xapi_version, "1.0.3") != 0) {
        snprintf(err, errlen, "xapi_version: must be 1.0.3 or 2.0.0");
        return -EINVAL;
    }
    if (cfg->anon_body_limit > cfg->body_limit) {
        snprintf(err, errlen, "anon_body_limit: must be at most body_limit (%lld)",
                 (long long)cfg->body_limit);
        return -EINVAL;
    }
    if ((cfg->tls_cert[0] != '\0') != (cfg->tls_key[0] != '\0')) {
        snprintf(err, errlen, "%s: needs %s as well", cfg->tls_cert[0] ? "tls_cert" : "tls_key",
                 cfg->tls_cert[0] ? "tls_key" : "tls_cert");
        return -EINVAL;
    }
    if (cfg->upload_limit < cfg->body_limit) {
        snprintf(err, errlen, "upload_limit: must be at least body_limit (%lld)",
                 (long long)cfg->body_limit);
        return -EINVAL;
    }
    if (cfg->logo[0] && !config_logo_ext(cfg->logo)) {
        snprintf(err, errlen, "logo: '%s' must be a .png, .svg, .jpg, .jpeg or .webp file",
                 cfg->logo);
        return -EINVAL;
    }
    if (log_parse_level(cfg->log_level, &l) == 0)
        log_set_level(l);
    return 0;
}

void config_show(const struct config *cfg, FILE *out)
{
    for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
        const struct setting *s = &table[i];
        const char *p = (const char *)cfg + s->off;
        fprintf(out, "%-20s = ", s->name);
        if (s->type == C_INT) {
            int64_t n;
            memcpy(&n, p, sizeof(n));
            fprintf(out, "%lld", (long long)n);
        } else if (s->type == C_BOOL) {
            bool b;
            memcpy(&b, p, sizeof(b));
            fputs(b ? "true" : "false", out);
        } else {
            const char *v;
            memcpy(&v, p, sizeof(v));
            if (s->secret && v[0])
                fputs("\"********\"", out);
            else
                fprintf(out, "\"%s\"", v);
        }
        fprintf(out, "  # %s; %s\n", cfg->source[i] ? cfg->source[i] : "default", s->help);
    }
}

/* A URL's password (scheme://user:password@host) masked, else the value as it is. */
static void mask_userinfo(const char *v, char *out, size_t n)
{
    const char *scheme = strstr(v, "://");
    const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
    const char *colon = at ? memchr(scheme + 3, ':', (size_t)(at - (scheme + 3))) : NULL;
    if (!colon || strchr(scheme + 3, '/') < at) {
        snprintf(out, n, "%s", v);
        return;
    }
    snprintf(out, n, "%.*s:********%s", (int)(colon - v), v, at);
}

int config_each(const struct config *cfg, int (*fn)(const struct config_item *it, void *arg),
                void *arg)
{
    char text[1024];
    for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
        const struct setting *s = &table[i];
        const char *p = (const char *)cfg + s->off;
        struct config_item it = {.name = s->name,
                                 .help = s->help,
                                 .source = cfg->source[i] ? cfg->source[i] : "default",
                                 .secret = s->secret};
        if (s->type == C_INT) {
            it.kind = CONFIG_ITEM_INT;
            memcpy(&it.i, p, sizeof(it.i));
        } else if (s->type == C_BOOL) {
            it.kind = CONFIG_ITEM_BOOL;
            memcpy(&it.b, p, sizeof(it.b));
        } else {
            const char *v;
            memcpy(&v, p, sizeof(v));
            it.kind = CONFIG_ITEM_STRING;
            if (s->secret)
                snprintf(text, sizeof(text), "%s", v[0] ? "********" : "");
            else
                mask_userinfo(v, text, sizeof(text));
            it.s = text;
        }
        int r = fn(&it, arg);
        if (r < 0)
            return r;
    }
    return 0;
}

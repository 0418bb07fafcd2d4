/*
 * The configuration: one struct described by one table (after Redis's
 * config.c). Each setting has a name, a type, a default, bounds and a
 * TRELLIS_* environment variable.
 *
 * Sources apply in order: defaults < file < environment < flags. Each value
 * is validated as it is set and the whole is checked once by config_finish();
 * after that the server only reads it through `const struct config *`.
 * Errors name the source, the setting and the reason.
 */
#ifndef TRELLIS_CONFIG_H
#define TRELLIS_CONFIG_H

#include <stdint.h>
#include <stdio.h>

#include "base/common.h"

struct config {
    char *db;                   /* SQLite path or postgresql:// URL */
    char *key_file;             /* sealing key; "" means beside the database */
    char *listen;               /* HOST:PORT */
    char *base_url;             /* public URL; "" means http://<listen> */
    char *web_root;             /* directory of static pages */
    char *log_level;            /* error | warn | info | debug */
    int64_t threads;            /* HTTP worker threads; 0: automatic */
    int64_t db_pool;            /* store connections; 0: automatic */
    int64_t body_limit;         /* largest request body, bytes */
    int64_t upload_limit;       /* largest roster upload (of a caller who may import), bytes */
    int64_t anon_body_limit;    /* largest body without credentials in the headers, bytes */
    int64_t max_connections;    /* open connections at most (lowered to fit the open-file limit) */
    int64_t per_ip_connections; /* open connections per client address (IPv6: per /64); 0: any */
    int64_t idle_timeout;       /* seconds without traffic before a connection is closed */
    int64_t session_idle_min;
    int64_t session_max_hours;
    int64_t session_idle_sec;   /* overrides session_idle_min when not 0 (kiosks, tests) */
    int64_t session_cache_ms;   /* how long a session's principal is kept in memory; 0: not */
    int64_t export_alert_limit; /* student records per hour before the tripwire */
    int64_t login_max_failures; /* failures before a per-account lock */
    bool secure_cookies;        /* set Secure on cookies (served over TLS) */
    bool trust_proxy;           /* trust a proxy on this machine (loopback), see trusted_proxies */
    char *trusted_proxies;      /* addresses/ranges whose X-Forwarded-* and Forwarded we believe */
    char *tls_cert;             /* PEM certificate chain: serve HTTPS (with tls_key) */
    char *tls_key;              /* PEM private key */
    char *xapi_version;         /* "2.0.0" or "1.0.3": the LRS's answer to a request naming none */
    char *lrs_forward_url;      /* upstream LRS; "" disables forwarding */
    char *lrs_forward_key;
    char *lrs_forward_secret;
    char *logo; /* the district's logo: a PNG, SVG, JPEG or WebP file; "" none */

    /* where each setting came from, for `config show` (index = table order) */
    const char *source[64];
};

/* Fill cfg with the defaults. web_root_default is the built-in web/ path. */
int config_init(struct config *cfg, const char *web_root_default);
/* Free the strings. NULL-safe. */
void config_release(struct config *cfg);
/*
 * Set one setting by name from text. source names where it came from
 * ("file /etc/trellis.conf:3", "env TRELLIS_LISTEN", "flag --listen").
 * 0, or -EINVAL/-ENOENT with a message "SOURCE: NAME: reason" in err.
 */
int config_set(struct config *cfg, const char *name, const char *value, const char *source,
               char *err, size_t errlen);
/* Read "name = value" lines ('#' comments). -ENOENT if missing and required. */
int config_load_file(struct config *cfg, const char *path, bool required, char *err, size_t errlen);
/* The same from text in memory; name is used in messages. */
int config_load_text(struct config *cfg, const char *text, size_t len, const char *name, char *err,
                     size_t errlen);
/* Apply every TRELLIS_<NAME> variable that is set. */
int config_load_env(struct config *cfg, char *err, size_t errlen);
/* Cross-field checks and derived defaults; call once after every source. */
int config_finish(struct config *cfg, char *err, size_t errlen);
/* The extension (".png", ".svg", ".jpg", ".jpeg", ".webp") of a logo file, or NULL. */
const char *config_logo_ext(const char *path);
/* Print the effective values and their sources; secrets are masked. */
void config_show(const struct config *cfg, FILE *out);
/* One setting as it is in effect, for the administration pages. */
struct config_item {
    const char *name, *help;
    const char *source; /* "default", "file PATH:LINE", "env TRELLIS_X", "flag --x" */
    enum { CONFIG_ITEM_STRING, CONFIG_ITEM_INT, CONFIG_ITEM_BOOL } kind;
    const char *s; /* a secret as "********" ("" when unset); a URL's password masked */
    int64_t i;
    bool b;
    bool secret;
};
/*
 * Call fn with each setting in table order (the item is borrowed for the
 * call); stops at fn's negative return, which is returned. Secrets never
 * leave: see config_item.s.
 */
int config_each(const struct config *cfg, int (*fn)(const struct config_item *it, void *arg),
                void *arg);
/* True if name is a setting. */
bool config_has(const char *name);

/* Split "HOST:PORT" (IPv4, name, or [IPv6]); host copied into hostbuf. */
int config_split_listen(const char *listen, char *hostbuf, size_t hostlen, unsigned *ret_port);

#endif

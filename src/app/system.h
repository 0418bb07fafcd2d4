/*
 * System service: what this server is (version, schema, store backend).
 */
#ifndef TRELLIS_APP_SYSTEM_H
#define TRELLIS_APP_SYSTEM_H

#include <jansson.h>
#include <stdint.h>

#include "app/ctx.h"

#ifndef TRELLIS_VERSION
#define TRELLIS_VERSION "0.0.0-dev" /* set by the build from meson.build */
#endif

struct system_version {
    const char *version;
    int64_t schema;
    const char *store; /* "sqlite" or "postgresql" */
};

/* Public information; needs no principal. */
int system_version(struct ctx *c, struct system_version *ret);

/*
 * The effective settings, as `trellis config show` prints them but never a
 * secret (config_each): {version, schema, store, settings: [{name, value,
 * source, help, secret}]}. The gate's RES_SETTINGS of the district (0:
 * ctx->who's): district administrators and the operator. Recorded in the
 * audit log.
 */
int system_settings(struct ctx *c, int64_t district_id, json_t **ret);

/*
 * Who this server is for, for the pages' header and the login page: the
 * district's name when the database holds exactly one district (else ""),
 * and the logo's URL path ("" without the logo setting). Public: the login
 * page shows it before anyone logs in.
 */
struct system_brand {
    char district[256];
    char logo[32]; /* "/brand/logo.png" */
};
int system_brand(struct ctx *c, struct system_brand *ret);

#endif

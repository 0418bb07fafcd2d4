/*
 * The route table: every API path of the server in one place. Paths not
 * listed here are static pages from web_root.
 */
#include "base/common.h"

#include "http/handlers.h"
#include "http/router.h"

const struct route routes[] = {
    {"GET", "/healthz", h_healthz, ROUTE_NO_BODY},
    {"GET", "/api/v1/version", h_version, ROUTE_NO_BODY},
    {"POST", "/api/v1/districts/{id}/roster/imports", h_roster_import,
     ROUTE_UPLOAD | ROUTE_RAW_BODY},
};

const size_t routes_count = ARRAY_SIZE(routes);

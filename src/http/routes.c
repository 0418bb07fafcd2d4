/*
 * The route table: every API path of the server in one place. Paths not
 * listed here are static pages from web_root.
 */
#include "base/common.h"

#include "http/handlers.h"
#include "http/router.h"

const struct route routes[] = {
    {"GET", "/healthz", h_healthz, ROUTE_NO_BODY | ROUTE_PUBLIC},
    {"GET", "/api/v1/version", h_version, ROUTE_NO_BODY | ROUTE_PUBLIC},
    {"GET", "/api/v1/brand", h_brand, ROUTE_NO_BODY | ROUTE_PUBLIC},
    {"POST", "/api/v1/session", h_session_create, ROUTE_PUBLIC},
    {"DELETE", "/api/v1/session", h_session_delete, ROUTE_NO_BODY | ROUTE_PUBLIC},
    {"POST", "/api/v1/session/card", h_session_card, ROUTE_PUBLIC},
    {"POST", "/api/v1/session/mfa", h_session_mfa, 0},
    {"GET", "/api/v1/me", h_me, ROUTE_NO_BODY},
    {"POST", "/api/v1/me/lang", h_me_lang, 0},
    {"POST", "/api/v1/me/totp", h_me_totp, 0},
    {"POST", "/api/v1/me/totp/confirm", h_me_totp_confirm, 0},
    {"GET", "/api/v1/home", h_home, ROUTE_NO_BODY},
    {"GET", "/api/v1/users/{id}", h_user, ROUTE_NO_BODY},
    {"GET", "/api/v1/users/{id}/mastery", h_user_mastery, ROUTE_NO_BODY},
    {"GET", "/api/v1/classes/{id}/students", h_class_students, ROUTE_NO_BODY},
    {"GET", "/api/v1/classes/{id}/cards", h_class_cards, ROUTE_NO_BODY},
    {"POST", "/api/v1/classes/{id}/cards/{student}/revoke", h_class_card_revoke, 0},
    {"POST", "/api/v1/districts/{id}/roster/imports", h_roster_import,
     ROUTE_UPLOAD | ROUTE_RAW_BODY},
    {"POST", "/api/v1/districts/{id}/lrs/deletions", h_lrs_deletions, 0},
    {"GET", "/api/v1/practice/next", h_practice_next, ROUTE_NO_BODY},
    {"POST", "/api/v1/practice/attempts", h_practice_attempts, 0},
    {"POST", "/api/v1/practice/hints", h_practice_hints, 0},
    {"GET", "/api/v1/practice/progress", h_practice_progress, ROUTE_NO_BODY},
    /* xAPI (LRS): statements side (h_xapi.c); every method of a path goes to one handler */
    {"GET", "/xapi/about", h_xapi_about, ROUTE_RAW_BODY | ROUTE_XAPI | ROUTE_PUBLIC},
    {"GET", "/xapi/statements", h_xapi_statements, ROUTE_RAW_BODY | ROUTE_XAPI},
    {"PUT", "/xapi/statements", h_xapi_statements, ROUTE_RAW_BODY | ROUTE_XAPI},
    {"POST", "/xapi/statements", h_xapi_statements, ROUTE_RAW_BODY | ROUTE_XAPI},
    /* xAPI (LRS): documents, activities, agents (h_xapi_docs.c) */
    {"GET", "/xapi/activities/state", h_xapi_state, ROUTE_RAW_BODY | ROUTE_XAPI},
    {"PUT", "/xapi/activities/state", h_xapi_state, ROUTE_RAW_BODY | ROUTE_XAPI},
    {"POST", "/xapi/activities/state", h_xapi_state, ROUTE_RAW_BODY | ROUTE_XAPI},
    {"DELETE", "/xapi/activities/state", h_xapi_state, ROUTE_RAW_BODY | ROUTE_XAPI},
    {"GET", "/xapi/activities/profile", h_xapi_activity_profile, ROUTE_RAW_BODY | ROUTE_XAPI},
    {"PUT", "/xapi/activities/profile", h_xapi_activity_profile, ROUTE_RAW_BODY | ROUTE_XAPI},
    {"POST", "/xapi/activities/profile", h_xapi_activity_profile, ROUTE_RAW_BODY | ROUTE_XAPI},
    {"DELETE", "/xapi/activities/profile", h_xapi_activity_profile, ROUTE_RAW_BODY | ROUTE_XAPI},
    {"GET", "/xapi/agents/profile", h_xapi_agent_profile, ROUTE_RAW_BODY | ROUTE_XAPI},
    {"PUT", "/xapi/agents/profile", h_xapi_agent_profile, ROUTE_RAW_BODY | ROUTE_XAPI},
    {"POST", "/xapi/agents/profile", h_xapi_agent_profile, ROUTE_RAW_BODY | ROUTE_XAPI},
    {"DELETE", "/xapi/agents/profile", h_xapi_agent_profile, ROUTE_RAW_BODY | ROUTE_XAPI},
    {"GET", "/xapi/activities", h_xapi_activities, ROUTE_RAW_BODY | ROUTE_XAPI},
    {"POST", "/xapi/activities", h_xapi_activities, ROUTE_RAW_BODY | ROUTE_XAPI},
    {"GET", "/xapi/agents", h_xapi_agents, ROUTE_RAW_BODY | ROUTE_XAPI},
    {"POST", "/xapi/agents", h_xapi_agents, ROUTE_RAW_BODY | ROUTE_XAPI},
};

const size_t routes_count = ARRAY_SIZE(routes);

const struct route_disclosure route_disclosures[] = {
    {"GET", "/api/v1/users/{id}", RES_PERSON, ACT_READ},
    {"GET", "/api/v1/users/{id}/mastery", RES_MASTERY, ACT_READ},
    {"GET", "/api/v1/classes/{id}/students", RES_CLASS, ACT_LIST},
    {"GET", "/api/v1/classes/{id}/cards", RES_CLASS, ACT_CREDENTIALS},
    {"GET", "/xapi/statements", RES_STATEMENTS, ACT_LIST},
    {"GET", "/xapi/activities/state", RES_STATE, ACT_READ},
};

const size_t route_disclosures_count = ARRAY_SIZE(route_disclosures);

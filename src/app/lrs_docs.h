/*
 * xAPI document resources: Activity State (/xapi/activities/state),
 * Activity Profile (/xapi/activities/profile) and Agent Profile
 * (/xapi/agents/profile), xAPI 1.0.3 Communication 2.2-2.7 and 3.1, and
 * IEEE 9274.1.1 (xAPI 2.0.0) 4.1.4 and 4.1.6.2/5/6.
 *
 * Rules kept here (the handler only parses HTTP):
 *   - parameters: activityId an IRI (a scheme), agent a JSON Agent with
 *     exactly one inverse functional identifier, registration a UUID,
 *     stateId/profileId a non-empty string, since an ISO 8601 timestamp;
 *     a missing or bad one is -EINVAL naming the parameter and the rule.
 *   - ETag: the SHA-1 of the content, lowercase hex, quoted (1.0.3 3.1;
 *     2.0.0 allows any strong tag and we keep the same one).
 *   - If-Match (a list of tags or "*"): the document must exist with one
 *     of the tags, else -ESTALE (412). If-None-Match "*": the document must
 *     not exist; a list: its tag must not be listed, else -ESTALE.
 *   - PUT without either header to an existing document is -EEXIST (409)
 *     for the profile resources (1.0.3 3.1) and, in 2.0.0, for the State
 *     resource too (9274.1.1 4.1.4); 1.0.3 exempts State. In 1.0.3 a PUT
 *     to a profile resource without either header is -EINVAL (400) even
 *     when the document is new (the client MUST send one; the ADL suite
 *     checks that the LRS refuses it); 2.0.0 accepts it.
 *   - POST merges top-level properties when both the stored and the posted
 *     documents are application/json objects; a JSON body that is not an
 *     object, or one side JSON and the other not, is -EINVAL (400) and
 *     changes nothing (1.0.3 2.2 "JSON Procedure", 2.0.0 4.1.6).
 *   - Access: API clients need the state scope (State) or profile scope
 *     (profiles), or all; district administrators and the operator may do
 *     everything. Documents whose agent is a rostered person are linked to
 *     them, so deleting a learner's records deletes them too.
 */
#ifndef TRELLIS_APP_LRS_DOCS_H
#define TRELLIS_APP_LRS_DOCS_H

#include <stdint.h>

#include "app/ctx.h"

enum lrs_docs_resource {
    LRS_DOCS_STATE = 1,
    LRS_DOCS_ACTIVITY_PROFILE = 2,
    LRS_DOCS_AGENT_PROFILE = 3,
};

/*
 * An If-Match or If-None-Match header as the HTTP layer parsed it
 * (src/http/xapi.c xapi_etags): "*", or the opaque parts of its tags; a
 * list with a malformed entry keeps the tags before it and is marked.
 */
struct lrs_docs_etags {
    bool present;   /* the header was sent */
    bool any;       /* "*" */
    bool malformed; /* not "*" nor a list of quoted tags (from the first bad entry on) */
    size_t n;
    const char *const *tags; /* without quotes or W/ */
};

/* The request's parameters as received (NULL: absent). */
struct lrs_docs_params {
    enum lrs_docs_resource res;
    int version;              /* 1: xAPI 1.0.x, 2: 2.0.0 */
    const char *activity_id;  /* activityId */
    const char *agent;        /* agent, JSON */
    const char *registration; /* state only */
    const char *doc_id;       /* stateId or profileId; NULL: the "many" form */
    const char *since;        /* many GET only */
    struct lrs_docs_etags if_match;
    struct lrs_docs_etags if_none_match;
    const char *base_url; /* this server's public URL (linking agents to people); NULL: config */
};

struct lrs_docs_result {
    const char *content_type;
    const void *content; /* in ctx's arena */
    size_t len;
    char etag[48];      /* quoted */
    int64_t updated_ms; /* Last-Modified; 0 when there is none (empty list) */
};

/*
 * GET: one document (doc_id set; -ENOENT if none) or the JSON array of the
 * ids (doc_id NULL), with its ETag and the newest update as Last-Modified.
 */
int lrs_docs_get(struct ctx *c, const struct lrs_docs_params *p, struct lrs_docs_result *ret);
/*
 * PUT (merge false) or POST (merge true) one document. content_type NULL is
 * application/octet-stream. On success ret_etag (48 bytes, may be NULL)
 * gets the new quoted ETag.
 */
int lrs_docs_put(struct ctx *c, const struct lrs_docs_params *p, const char *content_type,
                 const void *body, size_t len, bool merge, char *ret_etag);
/* DELETE one document (doc_id set) or every state document of the context (doc_id NULL). */
int lrs_docs_delete(struct ctx *c, const struct lrs_docs_params *p);

/*
 * GET /xapi/activities?activityId=: the Activity object with the canonical
 * definition merged from the stored statements whose object it is (xAPI
 * 1.0.3 Communication 2.5, 2.0.0 4.1.6.4): the newest statement's
 * definition wins property by property, and language maps are merged
 * across statements. An unknown activity is still an Activity object with
 * its id. The JSON text in c's arena.
 */
int lrs_docs_activity(struct ctx *c, const char *activity_id, const char **ret, size_t *ret_len);
/*
 * GET /xapi/agents?agent=: the Person object (xAPI 1.0.3 Communication
 * 2.4, 2.0.0 4.1.6.3) for the agent: its name and identifiers as arrays.
 */
int lrs_docs_person(struct ctx *c, const char *agent, const char **ret, size_t *ret_len);

/* ---- pure helpers, exposed for unit tests ---- */

/*
 * Does an If-Match / If-None-Match list name etag (quoted), or is it "*"?
 * Weak tags compare by their opaque part. 1 yes, 0 no, -EINVAL for a
 * malformed list that does not name it first.
 */
int lrs_docs_etag_listed(const struct lrs_docs_etags *l, const char *etag);
/*
 * The canonical key of an agent (its inverse functional identifier) from
 * its JSON: 0 and a string in c's arena, or -EINVAL with the rule in c->err.
 * ret_mbox, if not NULL, gets the mbox ("mailto:...") or NULL; ret_account_*
 * the account's homePage and name or NULL (for linking to rostered people).
 */
int lrs_docs_agent_key(struct ctx *c, const char *agent_json, const char **ret_key,
                       const char **ret_mbox, const char **ret_home, const char **ret_name);
/*
 * Merge posted into stored (both JSON object texts): the new text in c's
 * arena. -EINVAL when either is not a JSON object.
 */
int lrs_docs_merge(struct ctx *c, const char *stored, size_t stored_len, const char *posted,
                   size_t posted_len, char **ret, size_t *ret_len);
/* Is a Content-Type application/json (parameters ignored)? */
bool lrs_docs_is_json(const char *content_type);

#endif

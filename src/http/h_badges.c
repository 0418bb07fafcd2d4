/*
 * Micro-credentials over HTTP (src/app/badges.h). Public, for verifiers
 * and the shared verification page (no login; nothing about any person
 * beyond what a credential's holder chose to share by its link):
 *   GET /badges/d/{id}/issuer, /badges/d/{id}/jwks.json, /badges/d/{id}/status,
 *   GET /badges/c/{uuid} (the VC-JWT), GET /api/v1/badges/{uuid} (the page's view).
 * Logged in (the gate decides in app/badges.c):
 *   GET/POST /api/v1/users/{id}/credentials, POST /api/v1/credentials/{id}/revoke,
 *   GET /api/v1/credentials/{id}/jwt.
 */
#include "base/common.h"

#include <stdio.h>

#include "app/badges.h"
#include "base/mem.h"
#include "http/handlers.h"
#include "http/request.h"

static int public_json(struct request *rq, int (*fn)(struct ctx *, int64_t, json_t **))
{
    int64_t id;
    json_t *o = NULL;
    if (!http_param_id(rq, "id", &id))
        return 0;
    int r = fn(&rq->ctx, id, &o);
    if (r < 0)
        return r;
    http_add_header(rq, "Access-Control-Allow-Origin", "*");
    http_add_header(rq, "Cache-Control", "max-age=60");
    return http_respond_json_take(rq, 200, o);
}

int h_badge_issuer(struct request *rq)
{
    return public_json(rq, badges_issuer);
}

int h_badge_jwks(struct request *rq)
{
    return public_json(rq, badges_jwks);
}

int h_badge_status(struct request *rq)
{
    return public_json(rq, badges_status_list);
}

/* The uuid parameter as a C string in the arena, or NULL (then 404). */
static const char *uuid_param(struct request *rq)
{
    struct str u = http_param(rq, "uuid");
    if (u.len != 36) {
        http_problem(rq, -ENOENT, "not found");
        return NULL;
    }
    return arena_strndup(&rq->arena, u.p, u.len);
}

int h_badge_jwt(struct request *rq)
{
    const char *uuid = uuid_param(rq);
    char *jwt = NULL;
    if (!uuid)
        return 0;
    int r = badges_public_jwt(&rq->ctx, uuid, &jwt);
    if (r < 0)
        return r;
    http_add_header(rq, "Access-Control-Allow-Origin", "*");
    http_add_header(rq, "Cache-Control", "no-store");
    return http_respond_take(rq, 200, "application/jwt", jwt, strlen(jwt));
}

int h_badge_png(struct request *rq)
{
    const char *uuid = uuid_param(rq);
    struct buf png = BUF_INIT(4 * 1024 * 1024);
    size_t n = 0;
    if (!uuid)
        return 0;
    int r = badges_public_png(&rq->ctx, uuid, &png);
    if (r < 0) {
        buf_release(&png);
        return r;
    }
    http_add_header(rq, "Access-Control-Allow-Origin", "*");
    http_add_header(rq, "Cache-Control", "no-store");
    http_add_header(rq, "Content-Disposition", "attachment; filename=\"credential.png\"");
    char *p = buf_detach(&png, &n);
    return http_respond_take(rq, 200, "image/png", p, n);
}

int h_badge_view(struct request *rq)
{
    const char *uuid = uuid_param(rq);
    json_t *o = NULL;
    if (!uuid)
        return 0;
    int r = badges_public_view(&rq->ctx, uuid, &o);
    if (r < 0)
        return r;
    http_add_header(rq, "Cache-Control", "no-store");
    return http_respond_json_take(rq, 200, o);
}

int h_user_credentials(struct request *rq)
{
    int64_t id;
    json_t *list = NULL;
    if (!http_param_id(rq, "id", &id))
        return 0;
    int r = badges_list(&rq->ctx, id, &list);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, 200, json_pack("{s:o}", "credentials", list));
}

int h_user_credential_award(struct request *rq)
{
    int64_t id, cid = 0;
    json_t *body = NULL;
    json_error_t jerr;
    const char *slug = NULL;
    json_int_t until = 0;
    if (!http_param_id(rq, "id", &id))
        return 0;
    if (http_json_body_or_respond(rq, &body) < 0)
        return 0;
    int r;
    if (json_unpack_ex(body, &jerr, JSON_STRICT, "{s:s, s?I}", "achievement", &slug,
                       "valid_until_ms", &until) < 0) {
        r = http_problem(rq, -EINVAL, jerr.text);
        json_decref(body);
        return r;
    }
    struct badge_award a = {.recipient_id = id, .achievement_slug = slug, .valid_until_ms = until};
    rq->ctx.purpose = "award a micro-credential";
    r = badges_award(&rq->ctx, &a, &cid);
    json_decref(body);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, 201, json_pack("{s:I}", "id", (json_int_t)cid));
}

int h_credential_revoke(struct request *rq)
{
    int64_t id;
    json_t *body = NULL;
    json_error_t jerr;
    const char *reason = NULL;
    if (!http_param_id(rq, "id", &id))
        return 0;
    if (http_json_body_or_respond(rq, &body) < 0)
        return 0;
    int r;
    if (json_unpack_ex(body, &jerr, JSON_STRICT, "{s:s}", "reason", &reason) < 0) {
        r = http_problem(rq, -EINVAL, jerr.text);
        json_decref(body);
        return r;
    }
    rq->ctx.purpose = "revoke a micro-credential";
    r = badges_revoke(&rq->ctx, id, reason);
    json_decref(body);
    if (r < 0)
        return r;
    return http_respond_empty(rq, 204);
}

int h_credential_jwt(struct request *rq)
{
    int64_t id;
    char *jwt = NULL;
    if (!http_param_id(rq, "id", &id))
        return 0;
    int r = badges_export(&rq->ctx, id, &jwt);
    if (r < 0)
        return r;
    http_add_header(rq, "Content-Disposition", "attachment; filename=\"credential.jwt\"");
    return http_respond_take(rq, 200, "application/jwt", jwt, strlen(jwt));
}

/* ---- the evidence workflow ---- */

int h_badge_submit(struct request *rq)
{
    struct str slug = http_param(rq, "slug");
    const char *s = arena_strndup(&rq->arena, slug.p, slug.len);
    json_t *body = NULL;
    int64_t id = 0;
    if (!s)
        return -ENOMEM;
    if (http_json_body_or_respond(rq, &body) < 0)
        return 0;
    rq->ctx.purpose = "submit evidence for a micro-credential";
    int r = badges_submit(&rq->ctx, s, body, &id);
    json_decref(body);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

int h_badge_submission(struct request *rq)
{
    int64_t id;
    json_t *o = NULL;
    if (!http_param_id(rq, "id", &id))
        return 0;
    int r = badges_submission(&rq->ctx, id, &o);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, 200, o);
}

int h_badge_score(struct request *rq)
{
    int64_t id, cred = 0;
    json_t *body = NULL, *scores = NULL;
    json_error_t jerr;
    const char *state = NULL;
    if (!http_param_id(rq, "id", &id))
        return 0;
    if (http_json_body_or_respond(rq, &body) < 0)
        return 0;
    int r;
    if (json_unpack_ex(body, &jerr, JSON_STRICT, "{s:o}", "scores", &scores) < 0) {
        r = http_problem(rq, -EINVAL, jerr.text);
        json_decref(body);
        return r;
    }
    rq->ctx.purpose = "assess evidence for a micro-credential";
    r = badges_score(&rq->ctx, id, scores, &state, &cred);
    json_decref(body);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, 200,
                                  json_pack("{s:s, s:o}", "state", state, "credential_id",
                                            cred ? json_integer(cred) : json_null()));
}

/*
 * Micro-credentials: see badges.h. Signing keys are made on first use (RSA
 * 2048, RS256) and kept sealed (store_badges.c); the public half is served
 * as a JWKS. A credential is built and signed before the write transaction
 * that stores it, so the transaction holds the writer for one insert.
 */
#include "base/common.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <unistd.h>

#include "app/access.h"
#include "app/badge_png.h"
#include "app/badges.h"
#include "app/principal.h"
#include "base/mem.h"
#include "base/uuid.h"
#include "store/store.h"
#include "store/store_badges.h"
#include "store/store_district.h"

#define REASON_MAX 500

static const char *base_of(struct ctx *c, char out[512])
{
    const char *b = c->cfg && c->cfg->base_url[0] ? c->cfg->base_url : NULL;
    size_t n;
    if (!b) {
        /* as `trellis serve` names itself without base_url */
        snprintf(out, 512, "http://%s",
                 c->cfg && c->cfg->listen[0] ? c->cfg->listen : "127.0.0.1:8080");
        return out;
    }
    n = strlen(b);
    while (n > 0 && b[n - 1] == '/')
        n--;
    snprintf(out, 512, "%.*s", (int)n, b);
    return out;
}

/* The district's signing key, made (and stored) when there is none yet. */
static int signing_key(struct ctx *c, int64_t district_id, EVP_PKEY **ret_key, char kid[48])
{
    struct buf der = BUF_INIT(64 * 1024);
    struct db *db;
    char alg[16];
    json_t *jwk = NULL;
    char *jwk_text = NULL;
    EVP_PKEY *key = NULL;
    int r = ctx_db(c, &db);

    if (r < 0)
        return r;
    r = store_badge_key_current(db, district_id, &der, kid, alg);
    if (r == 0) {
        r = jws_key_from_der(der.data, der.len, &key);
        goto out;
    }
    if (r != -ENOENT)
        goto out;
    r = jws_key_generate(2048, &key);
    if (r == 0)
        r = jws_key_to_der(key, &der);
    char k[44];
    if (r == 0)
        r = jws_public_jwk(key, &jwk, k);
    if (r < 0)
        goto out;
    snprintf(kid, 48, "%s", k);
    if (json_object_set_new(jwk, "kid", json_string(k)) < 0 ||
        json_object_set_new(jwk, "alg", json_string("RS256")) < 0 ||
        json_object_set_new(jwk, "use", json_string("sig")) < 0 ||
        !(jwk_text = json_dumps(jwk, JSON_COMPACT))) {
        r = -ENOMEM;
        goto out;
    }
    r = store_begin(db);
    if (r == 0) {
        r = store_badge_key_add(db, district_id, k, "RS256", der.data, der.len, jwk_text,
                                c->now_ms);
        if (r == 0)
            r = store_commit(db);
        else
            store_rollback(db);
    }
out:
    if (der.data)
        sodium_memzero(der.data, der.len);
    buf_release(&der);
    json_decref(jwk);
    free(jwk_text);
    if (r == 0)
        *ret_key = key;
    else
        jws_key_free(key);
    return r;
}

int badges_define(struct ctx *c, const char *slug, const char *name, const char *description,
                  const char *competency, const char *method, const char *evidence,
                  const char *const *rubric, size_t n_rubric, int64_t *ret_id)
{
    struct badge_achievement_row row = {0};
    struct db *db;
    int64_t id = 0;
    int r;

    if (!c->who || c->who->kind != PRINCIPAL_OPERATOR)
        return ctx_fail(c, -EACCES, "not allowed: achievements are defined by the operator");
    if (!slug || !slug[0] || strlen(slug) >= sizeof(row.slug) ||
        strspn(slug, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(slug))
        return ctx_fail(c, -EINVAL, "slug: 1 to 63 of a-z, 0-9 and '-'");
    if (!name || !name[0] || strlen(name) >= sizeof(row.name))
        return ctx_fail(c, -EINVAL, "name: 1 to 255 bytes");
    if (!description || !description[0] || strlen(description) >= sizeof(row.description))
        return ctx_fail(c, -EINVAL, "description: 1 to 2047 bytes");
    if (!competency || !competency[0] || strlen(competency) >= sizeof(row.competency))
        return ctx_fail(c, -EINVAL, "competency: 1 to 2047 bytes");
    row.district_id = c->who->district_id;
    snprintf(row.slug, sizeof(row.slug), "%s", slug);
    snprintf(row.name, sizeof(row.name), "%s", name);
    snprintf(row.description, sizeof(row.description), "%s", description);
    snprintf(row.competency, sizeof(row.competency), "%s", competency);
    snprintf(row.method, sizeof(row.method), "%s", method ? method : "");
    snprintf(row.evidence_required, sizeof(row.evidence_required), "%s", evidence ? evidence : "");
    row.created_ms = c->now_ms;
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    r = store_begin(db);
    if (r < 0)
        return r;
    r = store_badge_achievement_put(db, &row, &id);
    for (size_t i = 0; r == 0 && i < n_rubric; i++)
        r = store_badge_rubric_put(db, row.district_id, id, (int64_t)i + 1, rubric[i], "");
    if (r == 0)
        r = store_commit(db);
    else
        store_rollback(db);
    if (r < 0)
        return ctx_fail(c, r, "cannot store the achievement");
    *ret_id = id;
    return 0;
}

/* One award, checked and signed, waiting to be stored. */
struct pending {
    struct badge_credential_row row;
    json_t *cred; /* built, not yet signed */
    struct buf jwt;
    int r;
};

/*
 * Check award a (the gate, the holder, the achievement) and build its
 * credential with status index idx into p (signed later: sign_all). Reads only.
 */
static int prepare(struct ctx *c, struct db *db, const struct badge_award *a, const char *kid,
                   const struct district_row *d, struct badge_achievement_row *ach, int64_t idx,
                   struct pending *p)
{
    struct access_resource res = {RES_CREDENTIALS, 0, a->recipient_id};
    int64_t district = c->who->district_id;
    char base[512], name[300], role[32], uuid[37], ach_id[700], issuer[700], status[700],
        subject[700], cid[64];
    uint8_t u[16];
    json_t *cred = NULL;
    int r;

    r = access_check(c, ACT_WRITE, &res, NULL);
    if (r < 0)
        return r;
    r = store_badge_person(db, district, a->recipient_id, name, role);
    if (r == -ENOENT)
        return ctx_fail(c, -ENOENT, "recipient: no such person");
    if (r == 0 && strcmp(role, "teacher") && strcmp(role, "aide"))
        return ctx_fail(c, -EINVAL, "recipient: micro-credentials are for teachers");
    if (r == 0 &&
        !(ach->id &&
          (a->achievement_id ? ach->id == a->achievement_id
                             : !strcmp(ach->slug, a->achievement_slug ? a->achievement_slug : ""))))
        r = a->achievement_id
                ? store_badge_achievement_get(db, district, a->achievement_id, ach)
                : store_badge_achievement_by_slug(
                      db, district, a->achievement_slug ? a->achievement_slug : "", ach);
    if (r == -ENOENT) {
        ach->id = 0;
        return ctx_fail(c, -ENOENT, "achievement: no such achievement");
    }
    if (r < 0)
        return ctx_fail(c, r, "cannot read the recipient or the achievement");
    if (a->valid_until_ms && a->valid_until_ms <= c->now_ms)
        return ctx_fail(c, -EINVAL, "valid_until: must be in the future");
    if (idx >= BADGE_STATUS_LIST_N)
        return ctx_fail(c, -ENOSPC, "status list: full");
    if (uuid_v4(u) < 0)
        return ctx_fail(c, -EIO, "cannot make an identifier");
    uuid_format(u, uuid);
    base_of(c, base);
    snprintf(cid, sizeof(cid), "urn:uuid:%s", uuid);
    snprintf(issuer, sizeof(issuer), "%s/badges/d/%lld/issuer", base, (long long)district);
    snprintf(ach_id, sizeof(ach_id), "%s/badges/d/%lld/achievements/%s", base, (long long)district,
             ach->slug);
    snprintf(status, sizeof(status), "%s/badges/d/%lld/status", base, (long long)district);
    snprintf(subject, sizeof(subject), "%s/badges/d/%lld/holders/%lld", base, (long long)district,
             (long long)a->recipient_id);
    struct badge_vc_in in = {
        .id = cid,
        .issuer_id = issuer,
        .issuer_name = d->name,
        .achievement_id = ach_id,
        .achievement_name = ach->name,
        .achievement_description = ach->description,
        .criteria = ach->competency,
        .recipient_id = subject,
        .recipient_name = name,
        .valid_from_ms = c->now_ms,
        .valid_until_ms = a->valid_until_ms,
        .status_list = status,
        .status_index = idx,
    };
    r = badge_vc_credential(&in, &cred);
    if (r < 0)
        return ctx_fail(c, r, "cannot build the credential");
    json_decref(p->cred);
    p->cred = cred;
    struct badge_credential_row *row = &p->row;
    row->district_id = district;
    snprintf(row->uuid, sizeof(row->uuid), "%s", uuid);
    row->achievement_id = ach->id;
    row->recipient_id = a->recipient_id;
    snprintf(row->awarded_by, sizeof(row->awarded_by), "%s", c->who->name ? c->who->name : "");
    row->awarded_by_user = c->who->user_id;
    row->issued_ms = c->now_ms;
    row->expires_ms = a->valid_until_ms;
    row->status_index = idx;
    snprintf(row->kid, sizeof(row->kid), "%s", kid);
    return 0;
}

/* Signing the built credentials: RSA signing is the cost of issuing, so a cohort is signed on
   every CPU (the key is only read; each thread has its own credentials and buffers). */
struct signer {
    struct pending *p;
    size_t from, to;
    EVP_PKEY *key;
    const char *kid;
};

static void *sign_range(void *arg)
{
    struct signer *s = arg;
    for (size_t i = s->from; i < s->to; i++)
        s->p[i].r = badge_vc_sign(s->key, s->kid, s->p[i].cred, &s->p[i].jwt);
    return NULL;
}

static int sign_all(struct pending *p, size_t n, EVP_PKEY *key, const char *kid)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t nt = n < 64 || cpus < 2 ? 1 : (size_t)(cpus > 8 ? 8 : cpus);
    struct signer s[8];
    pthread_t th[8];
    size_t started = 0;

    for (size_t t = 0; t < nt; t++)
        s[t] = (struct signer){p, n * t / nt, n * (t + 1) / nt, key, kid};
    for (size_t t = 1; t < nt; t++) {
        if (pthread_create(&th[t], NULL, sign_range, &s[t]) != 0)
            break;
        started = t;
    }
    /* this thread signs the first range, and any range whose thread did not start */
    sign_range(&s[0]);
    for (size_t t = started + 1; t < nt; t++)
        sign_range(&s[t]);
    for (size_t t = 1; t <= started; t++)
        pthread_join(th[t], NULL);
    for (size_t i = 0; i < n; i++)
        if (p[i].r < 0)
            return p[i].r;
    return 0;
}

int badges_award_many(struct ctx *c, const struct badge_award *a, size_t n, int64_t *ret_ids)
{
    struct badge_achievement_row *ach = mem_calloc(1, sizeof(*ach));
    struct pending *p = mem_calloc(n ? n : 1, sizeof(*p));
    struct district_row d;
    char kid[48];
    EVP_PKEY *key = NULL;
    struct db *db;
    int64_t base = 0, now;
    int r;

    if (!ach || !p) {
        r = ctx_fail(c, -ENOMEM, "out of memory");
        goto out;
    }
    if (!c->who) {
        r = ctx_fail(c, -EPERM, "log in first");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        buf_init(&p[i].jwt, 64 * 1024);
    r = ctx_db(c, &db);
    if (r < 0)
        goto out;
    r = store_district_by_id(db, c->who->district_id, &d);
    if (r < 0) {
        r = ctx_fail(c, r, "cannot read the district");
        goto out;
    }
    r = signing_key(c, c->who->district_id, &key, kid);
    if (r < 0) {
        r = ctx_fail(c, r, "cannot read or make the issuer's signing key");
        goto out;
    }
    /*
     * Sign outside the write transaction (RSA signing is the slow part) with the status
     * indexes that are free now; if another award took them meanwhile, sign again.
     */
    for (int attempt = 0; attempt < 5; attempt++) {
        r = store_badge_next_index(db, c->who->district_id, &base);
        if (r < 0) {
            r = ctx_fail(c, r, "cannot read the status list");
            goto out;
        }
        for (size_t i = 0; i < n; i++) {
            buf_reset(&p[i].jwt);
            r = prepare(c, db, &a[i], kid, &d, ach, base + (int64_t)i, &p[i]);
            if (r < 0)
                goto out;
        }
        r = sign_all(p, n, key, kid);
        if (r < 0) {
            r = ctx_fail(c, r, "cannot sign the credentials");
            goto out;
        }
        r = store_begin(db);
        if (r < 0)
            goto out;
        r = store_badge_next_index(db, c->who->district_id, &now);
        if (r == 0 && now != base) {
            store_rollback(db);
            r = -EBUSY;
            continue;
        }
        for (size_t i = 0; r == 0 && i < n; i++) {
            p[i].row.jwt = p[i].jwt.data;
            r = store_badge_credential_add(db, &p[i].row, &ret_ids[i]);
        }
        if (r == 0)
            r = store_commit(db);
        else
            store_rollback(db);
        break;
    }
    if (r < 0 && !c->err[0])
        ctx_fail(c, r,
                 r == -EBUSY ? "status list: busy, try again" : "cannot store the credential");
out:
    for (size_t i = 0; p && i < n; i++) {
        buf_release(&p[i].jwt);
        json_decref(p[i].cred);
    }
    mem_free(p);
    jws_key_free(key);
    mem_free(ach);
    return r;
}

int badges_award(struct ctx *c, const struct badge_award *a, int64_t *ret_id)
{
    return badges_award_many(c, a, 1, ret_id);
}

int badges_revoke(struct ctx *c, int64_t id, const char *reason)
{
    struct badge_credential_row row;
    struct db *db;
    int r;

    if (!reason || !reason[0] || strlen(reason) > REASON_MAX)
        return ctx_fail(c, -EINVAL, "reason: 1 to %d bytes", REASON_MAX);
    if (!c->who)
        return ctx_fail(c, -EPERM, "log in first");
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    r = store_badge_credential_get(db, id, &row);
    if (r == 0 && row.district_id != c->who->district_id)
        r = -ENOENT;
    store_badge_credential_release(&row);
    if (r == -ENOENT)
        return ctx_fail(c, -ENOENT, "id: no such credential");
    if (r < 0)
        return ctx_fail(c, r, "cannot read the credential");
    struct access_resource res = {RES_CREDENTIALS, 0, row.recipient_id};
    r = access_check(c, ACT_WRITE, &res, NULL);
    if (r < 0)
        return r;
    r = store_begin(db);
    if (r < 0)
        return r;
    r = store_badge_revoke(db, row.district_id, id, c->now_ms, reason,
                           c->who->name ? c->who->name : "");
    if (r == 0)
        r = store_commit(db);
    else
        store_rollback(db);
    if (r == -EEXIST)
        return ctx_fail(c, -EEXIST, "id: the credential is already revoked");
    if (r < 0)
        return ctx_fail(c, r, "cannot revoke the credential");
    return 0;
}

static json_t *iso_or_null(int64_t ms)
{
    char t[32];
    if (!ms)
        return json_null();
    time_t s = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&s, &tm);
    strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return json_string(t);
}

static int list_cb(void *arg, const struct badge_credential_row *row)
{
    json_t *o =
        json_pack("{s:I, s:s, s:s, s:I, s:s, s:o, s:o, s:o, s:s}", "id", (json_int_t)row->id,
                  "uuid", row->uuid, "achievement", row->achievement_name, "recipient_id",
                  (json_int_t)row->recipient_id, "recipient", row->recipient_name, "issued",
                  iso_or_null(row->issued_ms), "expires", iso_or_null(row->expires_ms), "revoked",
                  iso_or_null(row->revoked_ms), "reason", row->revoked_reason);
    return !o || json_array_append_new(arg, o) < 0 ? -ENOMEM : 0;
}

int badges_list(struct ctx *c, int64_t holder, json_t **ret)
{
    struct access_resource res = {holder ? RES_CREDENTIALS : RES_DISTRICT, 0, holder};
    json_t *list;
    struct db *db;
    int r;

    r = access_check(c, holder ? ACT_LIST : ACT_ADMIN, &res, NULL);
    if (r < 0)
        return r;
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    list = json_array();
    if (!list)
        return ctx_fail(c, -ENOMEM, "out of memory");
    r = store_badge_credentials(db, c->who->district_id, holder, list_cb, list);
    if (r < 0) {
        json_decref(list);
        return ctx_fail(c, r, "cannot list the credentials");
    }
    *ret = list;
    return 0;
}

int badges_export(struct ctx *c, int64_t id, char **ret_jwt)
{
    struct badge_credential_row row;
    struct db *db;
    int r;

    if (!c->who)
        return ctx_fail(c, -EPERM, "log in first");
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    r = store_badge_credential_get(db, id, &row);
    if (r == 0 && row.district_id != c->who->district_id)
        r = -ENOENT;
    if (r < 0) {
        store_badge_credential_release(&row);
        return ctx_fail(c, r, r == -ENOENT ? "id: no such credential" : "cannot read it");
    }
    struct access_resource res = {RES_CREDENTIALS, 0, row.recipient_id};
    r = access_check(c, ACT_EXPORT, &res, NULL);
    if (r < 0) {
        store_badge_credential_release(&row);
        return r;
    }
    *ret_jwt = row.jwt;
    return 0;
}

/* ---- the evidence workflow ---- */

static int evidence_ok(struct ctx *c, json_t *e)
{
    static const char *const required[] = {"lesson_plan", "work_samples", "reflection"};
    const char *key;
    json_t *v;
    if (!json_is_object(e))
        return ctx_fail(c, -EINVAL, "evidence: must be an object");
    json_object_foreach(e, key, v)
    {
        bool known = !strcmp(key, "data_note");
        for (size_t i = 0; i < ARRAY_SIZE(required); i++)
            known = known || !strcmp(key, required[i]);
        if (!known)
            return ctx_fail(c, -EINVAL, "%.40s: not a kind of evidence", key);
        size_t n = json_string_length(v);
        if (!json_is_string(v) || n > BADGE_EVIDENCE_MAX)
            return ctx_fail(c, -EINVAL, "%.40s: text of at most %d bytes", key, BADGE_EVIDENCE_MAX);
    }
    for (size_t i = 0; i < ARRAY_SIZE(required); i++)
        if (!json_string_length(json_object_get(e, required[i])))
            return ctx_fail(c, -EINVAL, "%s: required", required[i]);
    return 0;
}

int badges_submit(struct ctx *c, const char *slug, json_t *evidence, int64_t *ret_id)
{
    struct badge_achievement_row *ach = mem_calloc(1, sizeof(*ach));
    struct badge_submission_row last = {0}, row = {0};
    char name[300], role[32];
    struct db *db;
    int r;

    if (!ach)
        return ctx_fail(c, -ENOMEM, "out of memory");
    if (!c->who || c->who->kind != PRINCIPAL_USER || !c->who->user_id) {
        r = ctx_fail(c, c->who ? -EACCES : -EPERM, "submissions are made by teachers");
        goto out;
    }
    /* one's own record: the gate's self rule */
    struct access_resource res = {RES_CREDENTIALS, 0, c->who->user_id};
    r = access_check(c, ACT_READ, &res, NULL);
    if (r < 0)
        goto out;
    r = evidence_ok(c, evidence);
    if (r < 0)
        goto out;
    r = ctx_db(c, &db);
    if (r < 0)
        goto out;
    r = store_badge_person(db, c->who->district_id, c->who->user_id, name, role);
    if (r == 0 && strcmp(role, "teacher") && strcmp(role, "aide")) {
        r = ctx_fail(c, -EACCES, "submissions are made by teachers");
        goto out;
    }
    if (r == 0)
        r = store_badge_achievement_by_slug(db, c->who->district_id, slug ? slug : "", ach);
    if (r == -ENOENT) {
        r = ctx_fail(c, -ENOENT, "achievement: no such achievement");
        goto out;
    }
    if (r < 0)
        goto out;
    r = store_begin(db);
    if (r < 0)
        goto out;
    r = store_badge_submission_latest(db, c->who->district_id, ach->id, c->who->user_id, &last);
    if (r == 0 && strcmp(last.state, "returned") != 0) {
        r = ctx_fail(c, -EEXIST,
                     !strcmp(last.state, "passed")
                         ? "achievement: already awarded to you"
                         : "achievement: your submission is waiting for its assessment");
    } else if (r == 0 || r == -ENOENT) {
        row.district_id = c->who->district_id;
        row.achievement_id = ach->id;
        row.applicant_id = c->who->user_id;
        row.round = r == 0 ? last.round + 1 : 1;
        row.evidence = json_dumps(evidence, JSON_COMPACT | JSON_SORT_KEYS);
        snprintf(row.state, sizeof(row.state), "submitted");
        row.submitted_ms = c->now_ms;
        r = row.evidence ? store_badge_submission_add(db, &row, ret_id) : -ENOMEM;
    }
    if (r == 0)
        r = store_commit(db);
    else
        store_rollback(db);
    if (r < 0 && !c->err[0])
        ctx_fail(c, r, "cannot store the submission");
out:
    free(row.evidence);
    store_badge_submission_release(&last);
    mem_free(ach);
    return r;
}

struct rubric {
    int64_t ord[32];
    size_t n;
};

static int rubric_cb(void *arg, int64_t ord, const char *criterion)
{
    struct rubric *rb = arg;
    (void)criterion;
    if (rb->n == ARRAY_SIZE(rb->ord))
        return -E2BIG;
    rb->ord[rb->n++] = ord;
    return 0;
}

/* The submission of ctx's district, and may the caller act on it as an assessor? */
static int load_submission(struct ctx *c, int64_t id, enum access_action action,
                           struct badge_submission_row *s)
{
    struct db *db;
    int r = ctx_db(c, &db);
    if (r < 0)
        return r;
    if (!c->who)
        return ctx_fail(c, -EPERM, "log in first");
    r = store_badge_submission_get(db, id, s);
    if (r == 0 && s->district_id != c->who->district_id)
        r = -ENOENT;
    if (r == -ENOENT)
        return ctx_fail(c, -ENOENT, "id: no such submission");
    if (r < 0)
        return ctx_fail(c, r, "cannot read the submission");
    struct access_resource res = {RES_CREDENTIALS, 0, s->applicant_id};
    return access_check(c, action, &res, NULL);
}

int badges_score(struct ctx *c, int64_t id, json_t *scores, const char **ret_state,
                 int64_t *ret_credential)
{
    struct badge_submission_row s = {0};
    struct rubric rb = {0};
    bool all_met = true, seen[32] = {false};
    int64_t cred = 0;
    size_t i;
    json_t *x;
    struct db *db;
    int r;

    r = load_submission(c, id, ACT_WRITE, &s);
    if (r < 0)
        goto out;
    if (strcmp(s.state, "submitted") != 0) {
        r = ctx_fail(c, -EEXIST, "id: this submission has been assessed");
        goto out;
    }
    r = ctx_db(c, &db);
    if (r == 0)
        r = store_badge_rubric(db, s.district_id, s.achievement_id, rubric_cb, &rb);
    if (r < 0) {
        r = ctx_fail(c, r, "cannot read the rubric");
        goto out;
    }
    if (!json_is_array(scores) || json_array_size(scores) != rb.n) {
        r = ctx_fail(c, -EINVAL, "scores: one for each of the %zu rubric rows", rb.n);
        goto out;
    }
    json_array_foreach(scores, i, x)
    {
        json_int_t row = 0;
        int met = 0;
        const char *fb = NULL;
        json_error_t jerr;
        size_t k;
        if (json_unpack_ex(x, &jerr, JSON_STRICT, "{s:I, s:b, s:s}", "row", &row, "met", &met,
                           "feedback", &fb) < 0) {
            r = ctx_fail(c, -EINVAL, "scores[%zu]: %s", i, jerr.text);
            goto out;
        }
        for (k = 0; k < rb.n && rb.ord[k] != row; k++)
            ;
        if (k == rb.n || seen[k]) {
            r = ctx_fail(c, -EINVAL, "scores[%zu].row: not a rubric row, or scored twice", i);
            goto out;
        }
        if (!fb[0] || strlen(fb) > BADGE_FEEDBACK_MAX) {
            r = ctx_fail(c, -EINVAL, "scores[%zu].feedback: 1 to %d bytes", i, BADGE_FEEDBACK_MAX);
            goto out;
        }
        seen[k] = true;
        all_met = all_met && met;
    }
    /* the scores and the decision in one transaction, which also claims the submission */
    r = store_begin(db);
    if (r < 0)
        goto out;
    json_array_foreach(scores, i, x)
    {
        r = store_badge_score_put(db, s.district_id, id,
                                  json_integer_value(json_object_get(x, "row")),
                                  json_is_true(json_object_get(x, "met")),
                                  json_string_value(json_object_get(x, "feedback")));
        if (r < 0)
            break;
    }
    if (r == 0)
        r = store_badge_submission_decide(db, id, all_met ? "passed" : "returned", c->now_ms,
                                          c->who->name ? c->who->name : "", 0);
    if (r == 0)
        r = store_commit(db);
    else
        store_rollback(db);
    if (r == -EEXIST) {
        r = ctx_fail(c, -EEXIST, "id: this submission has been assessed");
        goto out;
    }
    if (r < 0) {
        r = ctx_fail(c, r, "cannot store the scores");
        goto out;
    }
    if (all_met) {
        struct badge_award a = {.recipient_id = s.applicant_id, .achievement_id = s.achievement_id};
        r = badges_award(c, &a, &cred);
        if (r == 0) {
            r = store_begin(db);
            if (r == 0) {
                r = store_badge_submission_link(db, id, cred);
                if (r == 0)
                    r = store_commit(db);
                else
                    store_rollback(db);
            }
        }
        if (r < 0)
            goto out;
    }
    *ret_state = all_met ? "passed" : "returned";
    *ret_credential = cred;
out:
    store_badge_submission_release(&s);
    return r;
}

struct sub_json {
    json_t *rubric;
};

static int sub_rubric_cb(void *arg, int64_t ord, const char *criterion)
{
    json_t *o = json_pack("{s:I, s:s}", "row", (json_int_t)ord, "criterion", criterion);
    return !o || json_array_append_new(arg, o) < 0 ? -ENOMEM : 0;
}

static int sub_score_cb(void *arg, int64_t ord, bool met, const char *feedback)
{
    size_t i;
    json_t *x;
    json_array_foreach(arg, i, x) if (json_integer_value(json_object_get(x, "row")) == ord)
    {
        json_object_set_new(x, "met", json_boolean(met));
        json_object_set_new(x, "feedback", json_string(feedback));
    }
    return 0;
}

int badges_submission(struct ctx *c, int64_t id, json_t **ret)
{
    struct badge_submission_row s = {0};
    struct badge_achievement_row *ach = mem_calloc(1, sizeof(*ach));
    json_t *rubric = json_array(), *ev = NULL;
    struct db *db;
    int r;

    if (!ach || !rubric) {
        r = ctx_fail(c, -ENOMEM, "out of memory");
        goto out;
    }
    r = load_submission(c, id, ACT_READ, &s);
    if (r < 0)
        goto out;
    r = ctx_db(c, &db);
    if (r == 0)
        r = store_badge_achievement_get(db, s.district_id, s.achievement_id, ach);
    if (r == 0)
        r = store_badge_rubric(db, s.district_id, s.achievement_id, sub_rubric_cb, rubric);
    if (r == 0)
        r = store_badge_scores(db, id, sub_score_cb, rubric);
    ev = r == 0 ? json_loads(s.evidence, 0, NULL) : NULL;
    if (r < 0 || !ev) {
        r = ctx_fail(c, r < 0 ? r : -EIO, "cannot read the submission");
        goto out;
    }
    *ret = json_pack("{s:I, s:s, s:s, s:I, s:I, s:s, s:o, s:o, s:s, s:o}", "id", (json_int_t)id,
                     "achievement", ach->name, "slug", ach->slug, "applicant_id",
                     (json_int_t)s.applicant_id, "round", (json_int_t)s.round, "state", s.state,
                     "evidence", ev, "rubric", rubric, "assessor", s.assessor, "credential_id",
                     s.credential_id ? json_integer(s.credential_id) : json_null());
    ev = rubric = NULL;
    r = *ret ? 0 : ctx_fail(c, -ENOMEM, "out of memory");
out:
    json_decref(ev);
    json_decref(rubric);
    mem_free(ach);
    store_badge_submission_release(&s);
    return r;
}

/* ---- public ---- */

static int jwk_cb(void *arg, const char *text)
{
    json_t *k = json_loads(text, 0, NULL);
    return !k || json_array_append_new(arg, k) < 0 ? -ENOMEM : 0;
}

int badges_jwks(struct ctx *c, int64_t district_id, json_t **ret)
{
    struct db *db;
    json_t *keys = json_array();
    int r = keys ? ctx_db(c, &db) : -ENOMEM;
    if (r == 0)
        r = store_badge_public_keys(db, district_id, jwk_cb, keys);
    if (r < 0) {
        json_decref(keys);
        return ctx_fail(c, r, "cannot read the keys");
    }
    *ret = json_pack("{s:o}", "keys", keys);
    return *ret ? 0 : -ENOMEM;
}

int badges_issuer(struct ctx *c, int64_t district_id, json_t **ret)
{
    struct district_row d;
    struct db *db;
    char base[512], id[700];
    int r = ctx_db(c, &db);
    if (r == 0)
        r = store_district_by_id(db, district_id, &d);
    if (r < 0)
        return ctx_fail(c, r, "district: not found");
    base_of(c, base);
    snprintf(id, sizeof(id), "%s/badges/d/%lld/issuer", base, (long long)district_id);
    *ret =
        json_pack("{s:[s,s], s:s, s:[s], s:s, s:s+}", "@context", BADGE_VC_CONTEXT,
                  BADGE_OB3_CONTEXT, "id", id, "type", "Profile", "name", d.name, "url", base, "/");
    return *ret ? 0 : -ENOMEM;
}

struct idx_list {
    int64_t *v;
    size_t n, cap;
};

static int idx_cb(void *arg, int64_t index)
{
    struct idx_list *l = arg;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        int64_t *v = mem_realloc(l->v, cap * sizeof(*v));
        if (!v)
            return -ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = index;
    return 0;
}

int badges_status_list(struct ctx *c, int64_t district_id, json_t **ret)
{
    struct idx_list l = {0};
    struct district_row d;
    struct db *db;
    char base[512], id[700], issuer[700], now[32];
    char *enc = NULL;
    int r = ctx_db(c, &db);
    if (r == 0)
        r = store_district_by_id(db, district_id, &d);
    if (r == 0)
        r = store_badge_revoked(db, district_id, idx_cb, &l);
    if (r == 0)
        r = badge_status_encode(l.v, l.n, &enc);
    mem_free(l.v);
    if (r < 0)
        return ctx_fail(c, r, r == -ENOENT ? "district: not found" : "cannot read the status");
    base_of(c, base);
    snprintf(id, sizeof(id), "%s/badges/d/%lld/status", base, (long long)district_id);
    snprintf(issuer, sizeof(issuer), "%s/badges/d/%lld/issuer", base, (long long)district_id);
    json_t *t = iso_or_null(c->now_ms);
    snprintf(now, sizeof(now), "%s", json_string_value(t));
    json_decref(t);
    /* Bitstring Status List section 2.2: BitstringStatusListCredential */
    *ret = json_pack("{s:[s], s:s, s:[s,s], s:s, s:s, s:{s:s+, s:s, s:s, s:s}}", "@context",
                     BADGE_VC_CONTEXT, "id", id, "type", "VerifiableCredential",
                     "BitstringStatusListCredential", "issuer", issuer, "validFrom", now,
                     "credentialSubject", "id", id, "#list", "type", "BitstringStatusList",
                     "statusPurpose", "revocation", "encodedList", enc);
    mem_free(enc);
    return *ret ? 0 : -ENOMEM;
}

int badges_public_png(struct ctx *c, const char *uuid, struct buf *out)
{
    char *jwt = NULL;
    int r = badges_public_jwt(c, uuid, &jwt);
    if (r < 0)
        return r;
    r = badge_png_bake(jwt, out);
    mem_free(jwt);
    return r < 0 ? ctx_fail(c, r, "cannot bake the credential") : 0;
}

int badges_public_jwt(struct ctx *c, const char *uuid, char **ret_jwt)
{
    struct badge_credential_row row;
    struct db *db;
    int r = ctx_db(c, &db);
    if (r < 0)
        return r;
    if (!uuid || strlen(uuid) != 36)
        return ctx_fail(c, -ENOENT, "credential: not found");
    r = store_badge_credential_by_uuid(db, uuid, &row);
    if (r < 0) {
        store_badge_credential_release(&row);
        return ctx_fail(c, r, r == -ENOENT ? "credential: not found" : "cannot read it");
    }
    *ret_jwt = row.jwt;
    return 0;
}

int badges_verify_local(struct ctx *c, const char *text, size_t len, struct badge_verdict *v)
{
    struct badge_credential_row row = {0};
    struct badge_verdict first;
    json_t *jwks = NULL;
    struct db *db;
    int r;

    /* read it once without keys to learn which credential it claims to be */
    r = badge_vc_verify(text, len, NULL, c->now_ms, &first);
    if (r < 0)
        return r;
    if (strncmp(first.credential_id, "urn:uuid:", 9) != 0) {
        *v = first;
        if (!v->reason[0] || !strncmp(v->reason, "kid", 3))
            snprintf(v->reason, sizeof(v->reason), "issuer: not issued by this Trellis");
        return 0;
    }
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    r = store_badge_credential_by_uuid(db, first.credential_id + 9, &row);
    if (r == -ENOENT) {
        *v = first;
        snprintf(v->reason, sizeof(v->reason), "jti: no credential of this Trellis has this id");
        v->verified = false;
        return 0;
    }
    if (r == 0)
        r = badges_jwks(c, row.district_id, &jwks);
    if (r == 0)
        r = badge_vc_verify(text, len, jwks, c->now_ms, v);
    json_decref(jwks);
    if (r == 0 && v->verified) {
        if (v->status_index != row.status_index) {
            v->verified = false;
            snprintf(v->reason, sizeof(v->reason), "credentialStatus: not this credential's entry");
        } else if (row.revoked_ms) {
            v->verified = false;
            snprintf(v->status, sizeof(v->status), "revoked");
            snprintf(v->reason, sizeof(v->reason), "revoked: %.200s", row.revoked_reason);
        } else {
            snprintf(v->status, sizeof(v->status), "active");
        }
    }
    store_badge_credential_release(&row);
    return r;
}

json_t *badges_verdict_json(const struct badge_verdict *v)
{
    return json_pack("{s:b, s:s?, s:s?, s:s, s:s?}", "verified", v->verified, "issuer",
                     v->issuer[0] ? v->issuer : NULL, "achievement",
                     v->achievement[0] ? v->achievement : NULL, "status", v->status, "reason",
                     v->reason[0] ? v->reason : NULL);
}

int badges_public_view(struct ctx *c, const char *uuid, json_t **ret)
{
    struct badge_verdict v;
    struct jws_parts p = {0};
    char *jwt = NULL, why[160];
    json_t *cred = NULL;
    int r = badges_public_jwt(c, uuid, &jwt);
    if (r < 0)
        return r;
    r = badges_verify_local(c, jwt, strlen(jwt), &v);
    if (r == 0)
        r = jws_parse(jwt, strlen(jwt), &p, why, sizeof(why));
    if (r == 0) {
        cred = json_loadb((const char *)p.payload, p.payload_len, 0, NULL);
        r = cred ? 0 : -EIO;
    }
    if (r == 0) {
        /* the page shows the credential, not the JWT's repetition of it */
        json_object_del(cred, "iss");
        json_object_del(cred, "jti");
        json_object_del(cred, "sub");
        json_object_del(cred, "nbf");
        json_object_del(cred, "exp");
        *ret = json_pack("{s:o, s:o, s:s}", "verification", badges_verdict_json(&v), "credential",
                         cred, "jwt", jwt);
        cred = NULL;
        r = *ret ? 0 : -ENOMEM;
    }
    json_decref(cred);
    jws_parts_release(&p);
    mem_free(jwt);
    return r < 0 ? ctx_fail(c, r, "cannot read the credential") : 0;
}

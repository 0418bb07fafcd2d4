/*
 * Micro-credentials' rows: see store_badges.h.
 */
#include "base/common.h"

#include <sodium.h>
#include <stdio.h>

#include "base/mem.h"
#include "store/db.h"
#include "store/seal.h"
#include "store/store.h"
#include "store/store_badges.h"

#define COPY(dst, st, col) snprintf((dst), sizeof(dst), "%s", db_col_text((st), (col)))

void store_badge_credential_release(struct badge_credential_row *row)
{
    if (row) {
        mem_free(row->jwt);
        row->jwt = NULL;
    }
}

int store_badge_achievement_put(struct db *db, const struct badge_achievement_row *row,
                                int64_t *ret_id)
{
    return db_query_int64(
        db, ret_id,
        "INSERT INTO badge_achievements (district_id, slug, name, description, "
        "competency, method, evidence_required, created_ms) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (district_id, slug) DO UPDATE SET name = excluded.name, "
        "description = excluded.description, competency = excluded.competency, "
        "method = excluded.method, evidence_required = excluded.evidence_required "
        "RETURNING id",
        "issssssi", row->district_id, row->slug, row->name, row->description, row->competency,
        row->method, row->evidence_required, row->created_ms);
}

int store_badge_rubric_put(struct db *db, int64_t district_id, int64_t achievement_id, int64_t ord,
                           const char *criterion, const char *pass_level)
{
    int64_t n = db_exec(db,
                        "INSERT INTO badge_rubric_rows (district_id, achievement_id, ord, "
                        "criterion, pass_level) VALUES (?, ?, ?, ?, ?) "
                        "ON CONFLICT (district_id, achievement_id, ord) DO UPDATE SET "
                        "criterion = excluded.criterion, pass_level = excluded.pass_level",
                        "iiiss", district_id, achievement_id, ord, criterion, pass_level);
    return n < 0 ? (int)n : 0;
}

#define ACH_COLS \
    "id, district_id, slug, name, description, competency, method, evidence_required, created_ms"

static void fill_ach(struct db_stmt *st, struct badge_achievement_row *a)
{
    a->id = db_col_int64(st, 0);
    a->district_id = db_col_int64(st, 1);
    COPY(a->slug, st, 2);
    COPY(a->name, st, 3);
    COPY(a->description, st, 4);
    COPY(a->competency, st, 5);
    COPY(a->method, st, 6);
    COPY(a->evidence_required, st, 7);
    a->created_ms = db_col_int64(st, 8);
}

static int one_ach(struct db *db, const char *sql, int64_t district_id, const char *fmt, int64_t id,
                   const char *slug, struct badge_achievement_row *ret)
{
    struct db_stmt *st;
    int r = fmt[1] == 'i' ? db_query(db, &st, sql, fmt, district_id, id)
                          : db_query(db, &st, sql, fmt, district_id, slug);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        fill_ach(st, ret);
        r = 0;
    } else if (r == 0) {
        r = -ENOENT;
    }
    db_done(st);
    return r;
}

int store_badge_achievement_get(struct db *db, int64_t district_id, int64_t id,
                                struct badge_achievement_row *ret)
{
    return one_ach(db,
                   "SELECT " ACH_COLS " FROM badge_achievements WHERE district_id = ? AND id = ?",
                   district_id, "ii", id, NULL, ret);
}

int store_badge_achievement_by_slug(struct db *db, int64_t district_id, const char *slug,
                                    struct badge_achievement_row *ret)
{
    return one_ach(db,
                   "SELECT " ACH_COLS " FROM badge_achievements WHERE district_id = ? AND slug = ?",
                   district_id, "is", 0, slug, ret);
}

int store_badge_achievements(struct db *db, int64_t district_id,
                             int (*cb)(void *arg, const struct badge_achievement_row *row),
                             void *arg)
{
    struct db_stmt *st;
    struct badge_achievement_row *a = mem_calloc(1, sizeof(*a));
    int r;
    if (!a)
        return -ENOMEM;
    r = db_query(db, &st,
                 "SELECT " ACH_COLS " FROM badge_achievements WHERE district_id = ? ORDER BY name",
                 "i", district_id);
    if (r < 0)
        goto out;
    while ((r = db_step(st)) > 0) {
        fill_ach(st, a);
        r = cb(arg, a);
        if (r < 0)
            break;
    }
    db_done(st);
out:
    mem_free(a);
    return r < 0 ? r : 0;
}

int store_badge_key_current(struct db *db, int64_t district_id, struct buf *der, char kid[48],
                            char alg[16])
{
    struct db_stmt *st;
    const void *p;
    size_t n = 0;
    int r = db_query(db, &st,
                     "SELECT kid, alg, private_sealed FROM badge_keys "
                     "WHERE district_id = ? AND retired_ms = 0 ORDER BY id DESC LIMIT 1",
                     "i", district_id);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r == 0)
        r = -ENOENT;
    if (r > 0) {
        snprintf(kid, 48, "%s", db_col_text(st, 0));
        snprintf(alg, 16, "%s", db_col_text(st, 1));
        p = db_col_blob(st, 2, &n);
        r = seal_decrypt(store_seal(db->store), p, n, der);
    }
    db_done(st);
    return r;
}

int store_badge_key_add(struct db *db, int64_t district_id, const char *kid, const char *alg,
                        const void *der, size_t n, const char *public_jwk, int64_t now_ms)
{
    struct buf sealed = BUF_INIT(64 * 1024);
    int64_t c;
    int r = seal_encrypt(store_seal(db->store), der, n, &sealed);
    if (r < 0)
        goto out;
    c = db_exec(db, "UPDATE badge_keys SET retired_ms = ? WHERE district_id = ? AND retired_ms = 0",
                "ii", now_ms, district_id);
    if (c < 0) {
        r = (int)c;
        goto out;
    }
    c = db_exec(db,
                "INSERT INTO badge_keys (district_id, kid, alg, private_sealed, public_jwk, "
                "created_ms) VALUES (?, ?, ?, ?, ?, ?)",
                "issbsi", district_id, kid, alg, sealed.data, sealed.len, public_jwk, now_ms);
    r = c < 0 ? (int)c : 0;
out:
    buf_release(&sealed);
    return r;
}

int store_badge_public_keys(struct db *db, int64_t district_id,
                            int (*cb)(void *arg, const char *jwk_json), void *arg)
{
    struct db_stmt *st;
    int r = db_query(db, &st, "SELECT public_jwk FROM badge_keys WHERE district_id = ? ORDER BY id",
                     "i", district_id);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        r = cb(arg, db_col_text(st, 0));
        if (r < 0)
            break;
    }
    db_done(st);
    return r < 0 ? r : 0;
}

int store_badge_next_index(struct db *db, int64_t district_id, int64_t *ret)
{
    int64_t v = 0;
    int r = db_query_int64(db, &v,
                           "SELECT COALESCE(MAX(status_index) + 1, 0) FROM badge_credentials "
                           "WHERE district_id = ?",
                           "i", district_id);
    if (r == 0)
        *ret = v;
    return r;
}

int store_badge_credential_add(struct db *db, const struct badge_credential_row *row,
                               int64_t *ret_id)
{
    return db_query_int64(db, ret_id,
                          "INSERT INTO badge_credentials (district_id, uuid, achievement_id, "
                          "recipient_id, awarded_by, awarded_by_user, issued_ms, expires_ms, "
                          "status_index, kid, jwt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                          "RETURNING id",
                          "isiisziiiss", row->district_id, row->uuid, row->achievement_id,
                          row->recipient_id, row->awarded_by, row->awarded_by_user, row->issued_ms,
                          row->expires_ms, row->status_index, row->kid, row->jwt);
}

#define CRED_COLS                                                                         \
    "c.id, c.district_id, c.uuid, c.achievement_id, c.recipient_id, c.awarded_by, "       \
    "c.awarded_by_user, c.issued_ms, c.expires_ms, c.status_index, c.kid, c.revoked_ms, " \
    "c.revoked_reason, c.revoked_by, a.name, u.given_name, u.family_name, "               \
    "u.preferred_given_name"
#define CRED_FROM                                                                    \
    " FROM badge_credentials c JOIN badge_achievements a ON a.id = c.achievement_id" \
    " JOIN users u ON u.id = c.recipient_id"

static void fill_cred(struct db_stmt *st, struct badge_credential_row *c)
{
    c->id = db_col_int64(st, 0);
    c->district_id = db_col_int64(st, 1);
    COPY(c->uuid, st, 2);
    c->achievement_id = db_col_int64(st, 3);
    c->recipient_id = db_col_int64(st, 4);
    COPY(c->awarded_by, st, 5);
    c->awarded_by_user = db_col_null(st, 6) ? 0 : db_col_int64(st, 6);
    c->issued_ms = db_col_int64(st, 7);
    c->expires_ms = db_col_int64(st, 8);
    c->status_index = db_col_int64(st, 9);
    COPY(c->kid, st, 10);
    c->revoked_ms = db_col_int64(st, 11);
    COPY(c->revoked_reason, st, 12);
    COPY(c->revoked_by, st, 13);
    COPY(c->achievement_name, st, 14);
    const char *pref = db_col_text(st, 17);
    snprintf(c->recipient_name, sizeof(c->recipient_name), "%s %s",
             pref[0] ? pref : db_col_text(st, 15), db_col_text(st, 16));
}

static int one_cred(struct db *db, const char *sql, const char *fmt, int64_t id, const char *uuid,
                    struct badge_credential_row *ret)
{
    struct db_stmt *st;
    int r;
    memset(ret, 0, sizeof(*ret)); /* jwt NULL: releasing it is safe whatever happens */
    r = fmt[0] == 'i' ? db_query(db, &st, sql, fmt, id) : db_query(db, &st, sql, fmt, uuid);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        fill_cred(st, ret);
        r = db_col_strdup(st, 18, &ret->jwt);
    } else if (r == 0) {
        r = -ENOENT;
    }
    db_done(st);
    return r;
}

int store_badge_credential_get(struct db *db, int64_t id, struct badge_credential_row *ret)
{
    return one_cred(db, "SELECT " CRED_COLS ", c.jwt" CRED_FROM " WHERE c.id = ?", "i", id, NULL,
                    ret);
}

int store_badge_credential_by_uuid(struct db *db, const char *uuid,
                                   struct badge_credential_row *ret)
{
    return one_cred(db, "SELECT " CRED_COLS ", c.jwt" CRED_FROM " WHERE c.uuid = ?", "s", 0, uuid,
                    ret);
}

int store_badge_credentials(struct db *db, int64_t district_id, int64_t recipient_id,
                            int (*cb)(void *arg, const struct badge_credential_row *row), void *arg)
{
    struct db_stmt *st;
    struct badge_credential_row *c = mem_calloc(1, sizeof(*c));
    int r;
    if (!c)
        return -ENOMEM;
    r = db_query(db, &st,
                 "SELECT " CRED_COLS CRED_FROM
                 " WHERE c.district_id = ? AND (? = 0 OR c.recipient_id = ?)"
                 " ORDER BY c.issued_ms DESC, c.id DESC",
                 "iii", district_id, recipient_id, recipient_id);
    if (r < 0)
        goto out;
    while ((r = db_step(st)) > 0) {
        fill_cred(st, c);
        r = cb(arg, c);
        if (r < 0)
            break;
    }
    db_done(st);
out:
    mem_free(c);
    return r < 0 ? r : 0;
}

int store_badge_revoke(struct db *db, int64_t district_id, int64_t id, int64_t now_ms,
                       const char *reason, const char *by)
{
    int64_t revoked = 0;
    int r = db_query_int64(db, &revoked,
                           "SELECT revoked_ms FROM badge_credentials WHERE district_id = ? AND "
                           "id = ?",
                           "ii", district_id, id);
    if (r < 0)
        return r;
    if (revoked)
        return -EEXIST;
    int64_t n = db_exec(db,
                        "UPDATE badge_credentials SET revoked_ms = ?, revoked_reason = ?, "
                        "revoked_by = ? WHERE district_id = ? AND id = ?",
                        "issii", now_ms, reason, by, district_id, id);
    return n < 0 ? (int)n : n == 0 ? -ENOENT : 0;
}

int store_badge_revoked(struct db *db, int64_t district_id, int (*cb)(void *arg, int64_t index),
                        void *arg)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT status_index FROM badge_credentials WHERE district_id = ? AND "
                     "revoked_ms <> 0 ORDER BY status_index",
                     "i", district_id);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        r = cb(arg, db_col_int64(st, 0));
        if (r < 0)
            break;
    }
    db_done(st);
    return r < 0 ? r : 0;
}

int store_badge_person(struct db *db, int64_t district_id, int64_t user_id, char name[300],
                       char role[32])
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT given_name, family_name, preferred_given_name, role FROM users "
                     "WHERE district_id = ? AND id = ? AND status = 'active'",
                     "ii", district_id, user_id);
    if (r < 0)
        return r;
    r = db_step(st);
    if (r > 0) {
        const char *pref = db_col_text(st, 2);
        snprintf(name, 300, "%s %s", pref[0] ? pref : db_col_text(st, 0), db_col_text(st, 1));
        snprintf(role, 32, "%s", db_col_text(st, 3));
        r = 0;
    } else if (r == 0) {
        r = -ENOENT;
    }
    db_done(st);
    return r;
}

int store_badge_person_find(struct db *db, int64_t district_id, const char *who,
                            int64_t *ret_user_id)
{
    return db_query_int64(db, ret_user_id,
                          "SELECT id FROM users WHERE district_id = ? AND (username = ? OR "
                          "sourced_id = ?) AND status = 'active' ORDER BY id LIMIT 1",
                          "iss", district_id, who, who);
}

int store_badge_teachers(struct db *db, int64_t district_id, int64_t *ids, size_t max,
                         size_t *ret_n)
{
    struct db_stmt *st;
    size_t n = 0;
    int r = db_query(db, &st,
                     "SELECT id FROM users WHERE district_id = ? AND role = 'teacher' AND "
                     "status = 'active' ORDER BY id LIMIT ?",
                     "ii", district_id, (int64_t)max);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0 && n < max)
        ids[n++] = db_col_int64(st, 0);
    db_done(st);
    if (r < 0)
        return r;
    *ret_n = n;
    return 0;
}

/* ---- the evidence workflow ---- */

void store_badge_submission_release(struct badge_submission_row *row)
{
    if (row) {
        mem_free(row->evidence);
        row->evidence = NULL;
    }
}

int store_badge_rubric(struct db *db, int64_t district_id, int64_t achievement_id,
                       int (*cb)(void *arg, int64_t ord, const char *criterion), void *arg)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT ord, criterion FROM badge_rubric_rows WHERE district_id = ? AND "
                     "achievement_id = ? ORDER BY ord",
                     "ii", district_id, achievement_id);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        r = cb(arg, db_col_int64(st, 0), db_col_text(st, 1));
        if (r < 0)
            break;
    }
    db_done(st);
    return r < 0 ? r : 0;
}

#define SUB_COLS                                                                            \
    "id, district_id, achievement_id, applicant_id, round, evidence, state, submitted_ms, " \
    "decided_ms, assessor, credential_id"

static int one_sub(struct db_stmt *st, struct badge_submission_row *s)
{
    int r = db_step(st);
    if (r == 0)
        return -ENOENT;
    if (r < 0)
        return r;
    s->id = db_col_int64(st, 0);
    s->district_id = db_col_int64(st, 1);
    s->achievement_id = db_col_int64(st, 2);
    s->applicant_id = db_col_int64(st, 3);
    s->round = db_col_int64(st, 4);
    COPY(s->state, st, 6);
    s->submitted_ms = db_col_int64(st, 7);
    s->decided_ms = db_col_int64(st, 8);
    COPY(s->assessor, st, 9);
    s->credential_id = db_col_null(st, 10) ? 0 : db_col_int64(st, 10);
    return db_col_strdup(st, 5, &s->evidence);
}

int store_badge_submission_latest(struct db *db, int64_t district_id, int64_t achievement_id,
                                  int64_t applicant_id, struct badge_submission_row *ret)
{
    struct db_stmt *st;
    int r;
    memset(ret, 0, sizeof(*ret));
    r = db_query(db, &st,
                 "SELECT " SUB_COLS " FROM badge_submissions WHERE district_id = ? AND "
                 "achievement_id = ? AND applicant_id = ? ORDER BY round DESC LIMIT 1",
                 "iii", district_id, achievement_id, applicant_id);
    if (r < 0)
        return r;
    r = one_sub(st, ret);
    db_done(st);
    return r;
}

int store_badge_submission_get(struct db *db, int64_t id, struct badge_submission_row *ret)
{
    struct db_stmt *st;
    int r;
    memset(ret, 0, sizeof(*ret));
    r = db_query(db, &st, "SELECT " SUB_COLS " FROM badge_submissions WHERE id = ?", "i", id);
    if (r < 0)
        return r;
    r = one_sub(st, ret);
    db_done(st);
    return r;
}

int store_badge_submission_add(struct db *db, const struct badge_submission_row *row,
                               int64_t *ret_id)
{
    return db_query_int64(
        db, ret_id,
        "INSERT INTO badge_submissions (district_id, achievement_id, applicant_id, "
        "round, evidence, state, submitted_ms) VALUES (?, ?, ?, ?, ?, ?, ?) "
        "RETURNING id",
        "iiiissi", row->district_id, row->achievement_id, row->applicant_id, row->round,
        row->evidence, row->state, row->submitted_ms);
}

int store_badge_submission_decide(struct db *db, int64_t id, const char *state, int64_t now_ms,
                                  const char *assessor, int64_t credential_id)
{
    int64_t n = db_exec(db,
                        "UPDATE badge_submissions SET state = ?, decided_ms = ?, assessor = ?, "
                        "credential_id = ? WHERE id = ? AND state = 'submitted'",
                        "siszi", state, now_ms, assessor, credential_id, id);
    return n < 0 ? (int)n : n == 0 ? -EEXIST : 0;
}

int store_badge_submission_link(struct db *db, int64_t id, int64_t credential_id)
{
    int64_t n = db_exec(db, "UPDATE badge_submissions SET credential_id = ? WHERE id = ?", "ii",
                        credential_id, id);
    return n < 0 ? (int)n : n == 0 ? -ENOENT : 0;
}

int store_badge_score_put(struct db *db, int64_t district_id, int64_t submission_id, int64_t ord,
                          bool met, const char *feedback)
{
    int64_t n = db_exec(db,
                        "INSERT INTO badge_scores (district_id, submission_id, ord, met, feedback) "
                        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (district_id, submission_id, ord) DO "
                        "UPDATE SET met = excluded.met, feedback = excluded.feedback",
                        "iiiis", district_id, submission_id, ord, (int64_t)met, feedback);
    return n < 0 ? (int)n : 0;
}

int store_badge_scores(struct db *db, int64_t submission_id,
                       int (*cb)(void *arg, int64_t ord, bool met, const char *feedback), void *arg)
{
    struct db_stmt *st;
    int r = db_query(db, &st,
                     "SELECT ord, met, feedback FROM badge_scores WHERE submission_id = ? ORDER "
                     "BY ord",
                     "i", submission_id);
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        r = cb(arg, db_col_int64(st, 0), db_col_int64(st, 1) != 0, db_col_text(st, 2));
        if (r < 0)
            break;
    }
    db_done(st);
    return r < 0 ? r : 0;
}

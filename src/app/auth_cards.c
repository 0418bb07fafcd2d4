/*
 * QR login cards (see auth.h): listing a class's cards (issuing the missing
 * ones) and revoking a card. Both need ACT_CREDENTIALS on the class.
 */
#include "base/common.h"

#include <sodium.h>
#include <stdio.h>

#include "app/access.h"
#include "app/audit.h"
#include "app/auth_internal.h"
#include "app/people.h"
#include "app/qr.h"
#include "base/buf.h"
#include "base/mem.h"
#include "store/store.h"
#include "store/store_people.h"
#include "store/store_roster.h"

struct cards_arg {
    struct ctx *c;
    int64_t class_id;
    struct class_student *s;
    size_t n;
    char (*codes)[AUTH_CARD_LEN + 1];
    long issued;
};

/* Ensure a rostered person has an account (for card logins): 0 and *ret. */
static int ensure_account(struct ctx *c, struct db *db, int64_t district_id, int64_t user_id,
                          const char *username, struct account_row *ret)
{
    struct account_row a;
    int64_t id;
    int r = store_account_by_user(db, district_id, user_id, ret);
    if (r != -ENOENT)
        return r;
    memset(&a, 0, sizeof(a));
    a.district_id = district_id;
    a.user_id = user_id;
    auth_lower_login(username, a.login, sizeof(a.login));
    snprintf(a.display_name, sizeof(a.display_name), "%s", username);
    a.created_at = c->now_ms;
    r = store_account_insert(db, &a, &id);
    if (r == -EEXIST) {
        /* the login name is taken (another district): the card works without it */
        snprintf(a.login, sizeof(a.login), "user-%lld-%lld", (long long)district_id,
                 (long long)user_id);
        r = store_account_insert(db, &a, &id);
    }
    if (r < 0)
        return r;
    return store_account_by_id(db, id, ret);
}

static int cards_fn(struct db *db, void *arg)
{
    struct cards_arg *x = arg;
    struct ctx *c = x->c;
    const struct seal *seal = store_seal(c->store);
    struct buf b = BUF_INIT(256);
    int r = 0;

    x->issued = 0;
    for (size_t i = 0; r == 0 && i < x->n; i++) {
        struct card_row card;
        struct account_row a;
        r = store_card_active(db, c->who->district_id, x->s[i].id, &card);
        if (r == 0) {
            buf_reset(&b);
            r = seal_decrypt(seal, card.sealed, card.sealed_len, &b);
            if (r == 0 && b.len == AUTH_CARD_LEN)
                memcpy(x->codes[i], b.data, AUTH_CARD_LEN + 1);
            else if (r == 0)
                r = -EBADMSG;
            continue;
        }
        if (r != -ENOENT)
            break;
        r = ensure_account(c, db, c->who->district_id, x->s[i].id, x->s[i].username, &a);
        if (r < 0)
            break;
        uint8_t idx[SEAL_INDEX_LEN];
        auth_random_code(x->codes[i], AUTH_CARD_LEN);
        auth_keyed(c, "card", x->codes[i], NULL, idx);
        memset(&card, 0, sizeof(card));
        card.district_id = c->who->district_id;
        card.user_id = x->s[i].id;
        card.created_at = c->now_ms;
        buf_reset(&b);
        r = seal_encrypt(seal, x->codes[i], AUTH_CARD_LEN, &b);
        if (r == 0 && b.len > sizeof(card.sealed))
            r = -E2BIG;
        if (r < 0)
            break;
        memcpy(card.sealed, b.data, b.len);
        card.sealed_len = b.len;
        int64_t id;
        r = store_card_insert(db, &card, idx, c->who->name, &id);
        if (r == 0)
            x->issued++;
    }
    buf_release(&b);
    if (r < 0)
        return r;
    /* the codes are credentials: showing them is a disclosure of every student on the page */
    int64_t *ids = mem_alloc((x->n ? x->n : 1) * sizeof(*ids));
    if (!ids)
        return -ENOMEM;
    for (size_t i = 0; i < x->n; i++)
        ids[i] = x->s[i].id;
    char obj[48], detail[96];
    snprintf(obj, sizeof(obj), "class:%lld:cards", (long long)x->class_id);
    snprintf(detail, sizeof(detail), "%zu login cards shown, %ld issued", x->n, x->issued);
    struct audit_entry e = {.action = "credentials",
                            .object = obj,
                            .subjects = ids,
                            .n_subjects = x->n,
                            .detail = detail};
    r = audit_append(c, db, &e);
    mem_free(ids);
    return r;
}

int auth_cards(struct ctx *c, int64_t class_id, const char *base_url, json_t **ret)
{
    struct access_resource res = {RES_CLASS, 0, class_id};
    struct grant *g;
    struct class_info ci;
    struct class_student *s = NULL;
    size_t n = 0;
    char(*codes)[AUTH_CARD_LEN + 1] = NULL;
    struct buf svg = BUF_INIT(1 << 20), url = BUF_INIT(2048);
    struct db *db;
    json_t *cards = NULL;
    int r = ctx_db(c, &db);

    if (r < 0)
        return r;
    r = store_class_info(db, class_id, &ci);
    if (r == -ENOENT)
        return ctx_fail(c, -ENOENT, "not found");
    if (r < 0)
        return ctx_fail(c, r, "cannot read the class");
    res.district_id = ci.district_id;
    r = access_check(c, ACT_CREDENTIALS, &res, &g);
    if (r < 0)
        return r;
    c->purpose = c->purpose ? c->purpose : "print the class's login cards";
    r = store_class_students(db, g, class_id, c->now_ms / DAY_MS, &s, &n);
    access_read_end(c); /* the cards are issued in a write transaction of their own */
    if (r < 0) {
        r = ctx_fail(c, r, "cannot read the class roster");
        goto out;
    }
    codes = mem_calloc(n ? n : 1, sizeof(*codes));
    if (!codes) {
        r = ctx_fail(c, -ENOMEM, "out of memory");
        goto out;
    }
    struct cards_arg x = {c, class_id, s, n, codes, 0};
    r = store_tx(db, cards_fn, &x);
    if (r < 0) {
        r = ctx_fail(c, r, "cannot issue the login cards");
        goto out;
    }
    cards = json_array();
    for (size_t i = 0; cards && r == 0 && i < n; i++) {
        char shown[AUTH_CARD_LEN + 3], name[300];
        snprintf(shown, sizeof(shown), "%.4s-%.4s-%.4s", codes[i], codes[i] + 4, codes[i] + 8);
        snprintf(name, sizeof(name), "%s %s",
                 s[i].preferred_given_name[0] ? s[i].preferred_given_name : s[i].given_name,
                 s[i].family_name);
        buf_reset(&url);
        r = buf_appendf(&url, "%s/card#%s", base_url, codes[i]);
        if (r == 0)
            r = qr_svg(buf_cstr(&url), &svg);
        if (r == 0 && json_array_append_new(
                          cards, json_pack("{s:{s:I, s:s}, s:s, s:s, s:s}", "student", "id",
                                           (json_int_t)s[i].id, "name", name, "code", shown, "url",
                                           buf_cstr(&url), "qr_svg", buf_cstr(&svg))) < 0)
            r = -ENOMEM;
    }
    if (!cards || r < 0) {
        r = ctx_fail(c, r < 0 ? r : -ENOMEM, "out of memory");
        goto out;
    }
    *ret = json_pack("{s:o, s:o}", "class", people_class_json(&ci), "cards", cards);
    cards = NULL;
    r = *ret ? 0 : ctx_fail(c, -ENOMEM, "out of memory");
out:
    json_decref(cards);
    if (codes)
        sodium_memzero(codes, (n ? n : 1) * sizeof(*codes));
    mem_free(codes);
    mem_free(s);
    buf_release(&svg);
    buf_release(&url);
    return r;
}

struct revoke_arg {
    struct ctx *c;
    int64_t class_id, student;
};

/* Revoke the card and end the sessions opened with it, audited: one transaction. */
static int revoke_fn(struct db *db, void *arg)
{
    struct revoke_arg *x = arg;
    struct ctx *c = x->c;
    char obj[48], detail[96];
    int64_t card_id, ended = 0;
    int r = store_card_revoke(db, c->who->district_id, x->student, c->now_ms, &card_id);
    if (r == 0)
        r = store_session_end_card(db, c->who->district_id, card_id, c->now_ms, "card revoked",
                                   &ended);
    if (r < 0)
        return r;
    snprintf(obj, sizeof(obj), "class:%lld:cards", (long long)x->class_id);
    snprintf(detail, sizeof(detail), "login card revoked; %lld session%s opened with it ended",
             (long long)ended, ended == 1 ? "" : "s");
    struct audit_entry e = {.action = "credentials",
                            .object = obj,
                            .subjects = &x->student,
                            .n_subjects = 1,
                            .detail = detail};
    return audit_append(c, db, &e);
}

int auth_card_revoke(struct ctx *c, int64_t class_id, int64_t student_id)
{
    struct access_resource res = {RES_CLASS, 0, class_id};
    struct grant *g;
    struct class_info ci;
    struct db *db;
    int r = ctx_db(c, &db);

    if (r < 0)
        return r;
    r = store_class_info(db, class_id, &ci);
    if (r == -ENOENT)
        return ctx_fail(c, -ENOENT, "not found");
    if (r < 0)
        return ctx_fail(c, r, "cannot read the class");
    res.district_id = ci.district_id;
    r = access_check(c, ACT_CREDENTIALS, &res, &g);
    if (r < 0)
        return r;
    r = store_class_has_student(db, g, class_id, student_id, c->now_ms / DAY_MS);
    access_read_end(c);
    if (r < 0)
        return ctx_fail(c, r, "cannot read the class roster");
    if (r == 0)
        return ctx_fail(c, -ENOENT, "student: not in this class");
    struct revoke_arg x = {c, class_id, student_id};
    r = store_tx(db, revoke_fn, &x);
    if (r == -ENOENT)
        return ctx_fail(c, -ENOENT, "student: has no active card");
    return r < 0 ? ctx_fail(c, r, "cannot revoke the card") : 0;
}

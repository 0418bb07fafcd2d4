/*
 * Retention and deletion of learning records: see lrs_retention.h.
 */
#include "base/common.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "app/access.h"
#include "app/audit.h"
#include "app/lrs_internal.h"
#include "app/lrs_retention.h"
#include "app/model.h"
#include "app/principal.h"
#include "base/buf.h"
#include "base/mem.h"
#include "base/strmap.h"
#include "base/timeutil.h"
#include "store/store.h"
#include "store/store_lrs_docs.h"
#include "store/store_model.h"
#include "store/store_people.h"

#define MAX_SUBJECTS 4096

/* A stored statement as JSON (src/app/lrs.c packs bodies; lrs_unpack reads them). */
static json_t *body_json(const struct lrs_del_row *row)
{
    json_error_t jerr;
    struct buf out;
    json_t *j = NULL;

    buf_init(&out, 64u << 20);
    if (lrs_unpack(row->flags, 0, 0, row->body, row->body_len, &out) == 0)
        j = json_loadb(buf_cstr(&out), out.len, 0, &jerr);
    buf_release(&out);
    return j;
}

struct del {
    struct ctx *c;
    const struct lrs_deletion *d;
    struct lrs_deletion_report *rep;
    int64_t user_id, below_seq;
    int64_t after_seq; /* dry runs walk on; deletions start again from the top */
    /* the batch */
    int64_t seqs[LRS_DELETE_BATCH];
    size_t n;
    int64_t subjects[MAX_SUBJECTS];
    size_t n_subjects;
    struct strmap voided;            /* ids of selected statements that were voided */
    struct strmap sha2;              /* attachments of selected statements */
    struct strmap att_seqs;          /* selected statements with attachments (key: decimal seq) */
    struct strmap learners;          /* distinct linked learners (key: decimal id) */
    int64_t extra[LRS_DELETE_BATCH]; /* voiding statements of others to delete */
    size_t n_extra;
    bool truncated_scan;
};

static void add_subject(struct del *x, int64_t user_id)
{
    char key[24];
    bool added;
    struct strmap_entry *e;

    if (!user_id)
        return;
    snprintf(key, sizeof(key), "%lld", (long long)user_id);
    if (strmap_put(&x->learners, str_from(key), &e, &added) == 0 && added)
        x->rep->learners++;
    for (size_t i = 0; i < x->n_subjects; i++)
        if (x->subjects[i] == user_id)
            return;
    if (x->n_subjects < MAX_SUBJECTS)
        x->subjects[x->n_subjects++] = user_id;
}

/* An attachment's key: its sha2 in lower case (as the store keys content); false if too long. */
static bool sha2_key(const char *h, char out[129])
{
    size_t n = h ? strlen(h) : 0;
    if (n == 0 || n > 128)
        return false;
    for (size_t i = 0; i <= n; i++)
        out[i] = (h[i] >= 'A' && h[i] <= 'Z') ? (char)(h[i] + 32) : h[i];
    return true;
}

/* Remember the attachments a statement refers to (attachments[].sha2). */
static int note_attachments(struct del *x, const struct lrs_del_row *row)
{
    json_t *j = body_json(row), *arr, *a;
    size_t i;
    int r = 0;

    if (!j)
        return 0; /* unreadable: nothing to note */
    arr = json_object_get(j, "attachments");
    json_array_foreach(arr, i, a)
    {
        char h[129];
        struct strmap_entry *e;
        bool added;
        if (sha2_key(json_string_value(json_object_get(a, "sha2")), h) &&
            strmap_put(&x->sha2, str_from(h), &e, &added) < 0) {
            r = -ENOMEM;
            break;
        }
    }
    json_decref(j);
    return r;
}

/* A selected statement with attachments: what it refers to, and that it goes. */
static int note_selected(struct del *x, const struct lrs_del_row *row)
{
    char key[24];
    struct strmap_entry *e;
    bool added;

    snprintf(key, sizeof(key), "%lld", (long long)row->seq);
    if (strmap_put(&x->att_seqs, str_from(key), &e, &added) < 0)
        return -ENOMEM;
    return note_attachments(x, row);
}

static int select_cb(const struct lrs_del_row *row, void *arg)
{
    struct del *x = arg;
    struct strmap_entry *e;
    bool added;
    int r;

    x->seqs[x->n++] = row->seq;
    x->after_seq = row->seq;
    add_subject(x, row->user_id);
    if (row->voided && x->user_id &&
        strmap_put(&x->voided, str_from(row->statement_id), &e, &added) < 0)
        return -ENOMEM;
    if (row->flags & LRS_DEL_FLAG_ATTACH) {
        r = note_selected(x, row);
        if (r < 0)
            return r;
    }
    return 0;
}

static int audit_batch(struct del *x, struct db *db, const char *what, int64_t n)
{
    char detail[400];
    if (x->d->learner)
        snprintf(detail, sizeof(detail), "%s%lld %s of learner '%.100s' deleted",
                 x->d->dry_run ? "dry run: " : "", (long long)n, what, x->d->learner);
    else {
        char t[32];
        time_format_iso8601(x->rep->before_ms, t);
        snprintf(detail, sizeof(detail), "%s%lld %s stored before %s deleted",
                 x->d->dry_run ? "dry run: " : "", (long long)n, what, t);
    }
    struct audit_entry e = {.district_id = x->d->district_id,
                            .action = "admin",
                            .object = "lrs-deletion",
                            .subjects = x->subjects,
                            .n_subjects = x->n_subjects,
                            .detail = detail};
    return audit_append(x->c, db, &e);
}

/* One transaction: select up to a batch and delete it (or, dry, count it). */
static int batch_fn(struct db *db, void *arg)
{
    struct del *x = arg;
    int r;

    x->n = 0;
    x->n_subjects = 0;
    r = store_lrs_del_select(db, x->d->district_id, x->user_id, x->below_seq,
                             x->d->dry_run ? x->after_seq : 0, LRS_DELETE_BATCH, select_cb, x);
    if (r < 0)
        return r;
    if (x->n == 0 || x->d->dry_run)
        return 0;
    for (size_t i = 0; i < x->n; i++) {
        int64_t n = store_lrs_del_statement(db, x->d->district_id, x->seqs[i]);
        if (n < 0)
            return (int)n;
    }
    return audit_batch(x, db, "statements", (int64_t)x->n);
}

/* Voiding statements (of anyone) whose target is among the learner's voided statements. */
static int voider_cb(const struct lrs_del_row *row, void *arg)
{
    struct del *x = arg;
    json_t *j;
    const char *target;

    if (row->user_id == x->user_id)
        return 0; /* the learner's own: selected already */
    j = body_json(row);
    target = json_string_value(json_object_get(json_object_get(j, "object"), "id"));
    if (target && strmap_get(&x->voided, str_from(target))) {
        if (x->n_extra < ARRAY_SIZE(x->extra))
            x->extra[x->n_extra++] = row->seq;
        else
            x->truncated_scan = true;
        add_subject(x, x->user_id);
        if (row->flags & LRS_DEL_FLAG_ATTACH)
            (void)note_selected(x, row);
    }
    json_decref(j);
    return 0;
}

static int voiders_fn(struct db *db, void *arg)
{
    struct del *x = arg;
    x->n_extra = 0;
    x->n_subjects = 0;
    int r = store_lrs_del_flagged(db, x->d->district_id, LRS_DEL_FLAG_VOIDING, voider_cb, x);
    if (r < 0 || x->n_extra == 0 || x->d->dry_run)
        return r;
    for (size_t i = 0; i < x->n_extra; i++) {
        int64_t n = store_lrs_del_statement(db, x->d->district_id, x->extra[i]);
        if (n < 0)
            return (int)n;
    }
    return audit_batch(x, db, "voiding statements targeting the learner's statements",
                       (int64_t)x->n_extra);
}

/* Attachments still referred to by a remaining statement are kept. */
static int keep_cb(const struct lrs_del_row *row, void *arg)
{
    struct del *x = arg;
    json_t *j, *arr, *a;
    char key[24];
    size_t i;

    snprintf(key, sizeof(key), "%lld", (long long)row->seq);
    if (strmap_get(&x->att_seqs, str_from(key)))
        return 0; /* selected: it goes (a dry run still sees it) */
    j = body_json(row);
    arr = json_object_get(j, "attachments");
    json_array_foreach(arr, i, a)
    {
        char h[129];
        struct strmap_entry *e = sha2_key(json_string_value(json_object_get(a, "sha2")), h)
                                     ? strmap_get(&x->sha2, str_from(h))
                                     : NULL;
        if (e)
            e->flags = 1; /* still used */
    }
    json_decref(j);
    return 0;
}

static int rest_fn(struct db *db, void *arg)
{
    struct del *x = arg;
    int64_t n;
    int r;

    x->n_subjects = 0;
    add_subject(x, x->user_id);
    x->rep->documents = 0;
    x->rep->attachments = 0;
    if (x->user_id) {
        if (x->d->dry_run) {
            r = store_lrs_doc_count_user(db, x->d->district_id, x->user_id, &x->rep->documents);
            if (r < 0)
                return r;
        } else {
            n = store_lrs_doc_delete_user(db, x->d->district_id, x->user_id);
            if (n < 0)
                return (int)n;
            x->rep->documents = n;
            /* the learner model's state was derived from those statements */
            if ((r = store_model_forget_user(db, x->d->district_id, x->user_id)) < 0)
                return r;
        }
    }
    if (x->sha2.n) {
        strmap_foreach(&x->sha2, e) e->flags = 0;
        r = store_lrs_del_flagged(db, x->d->district_id, LRS_DEL_FLAG_ATTACH, keep_cb, x);
        if (r < 0)
            return r;
        strmap_foreach(&x->sha2, e)
        {
            if (e->flags)
                continue;
            if (x->d->dry_run) {
                x->rep->attachments++;
                continue;
            }
            n = store_lrs_del_attachment(db, x->d->district_id, e->key);
            if (n < 0)
                return (int)n;
            x->rep->attachments += n;
        }
    }
    if (!x->d->dry_run) {
        n = store_lrs_del_orphan_terms(db, x->d->district_id);
        if (n < 0)
            return (int)n;
    }
    char what[160];
    snprintf(what, sizeof(what), "statements in all (%lld documents, %lld attachments)",
             (long long)x->rep->documents, (long long)x->rep->attachments);
    return audit_batch(x, db, what, x->rep->statements + x->rep->voiding);
}

static int parse_before(struct ctx *c, const char *s, int64_t *ret_ms)
{
    int64_t days;
    bool zone;
    if (time_parse_date(str_from(s), &days) == 0) {
        *ret_ms = days * 86400000LL;
        return 0;
    }
    if (time_parse_iso8601(str_from(s), false, ret_ms, &zone) == 0)
        return 0;
    return ctx_fail(c, -EINVAL,
                    "before: must be a date (YYYY-MM-DD, midnight UTC) or an ISO 8601 timestamp "
                    "with a time zone");
}

int lrs_delete(struct ctx *c, const struct lrs_deletion *d, struct lrs_deletion_report *ret)
{
    struct lrs_deletion_report rep = {0};
    struct del *x = NULL;
    struct db *db;
    int r;

    if (!c->who)
        return ctx_fail(c, -EPERM, "log in first");
    /* a person (district administrators pass access_check) or the operator, never an
     * integration: roster/write lets a client administer the roster, not delete records */
    if (c->who->kind == PRINCIPAL_CLIENT)
        return ctx_fail(c, -EACCES,
                        "only a district administrator or the operator may delete learning "
                        "records");
    struct access_resource res = {RES_DISTRICT, d->district_id, d->district_id};
    r = access_check(c, ACT_ADMIN, &res, NULL);
    if (r < 0)
        return r;
    if (!d->learner == !d->before)
        return ctx_fail(c, -EINVAL, "learner, before: give exactly one of the two");
    x = mem_calloc(1, sizeof(*x));
    if (!x)
        return -ENOMEM;
    x->c = c;
    x->d = d;
    x->rep = &rep;
    x->below_seq = INT64_MAX;
    r = ctx_db(c, &db);
    if (r < 0)
        goto out;
    if (d->learner) {
        char *username = NULL;
        if (!d->learner[0] || strlen(d->learner) > 255) {
            r = ctx_fail(c, -EINVAL, "learner: must be a sourcedId of 1 to 255 characters");
            goto out;
        }
        r = store_user_by_sourced_id(db, d->district_id, d->learner, &x->user_id, &username);
        free(username);
        if (r == -ENOENT) {
            r = ctx_fail(c, r, "learner: no person in this district has sourcedId '%.100s'",
                         d->learner);
            goto out;
        }
        if (r < 0)
            goto out;
        rep.user_id = x->user_id;
    } else {
        r = parse_before(c, d->before, &rep.before_ms);
        if (r < 0)
            goto out;
        r = store_lrs_del_seq_at(db, rep.before_ms, &x->below_seq);
        if (r < 0)
            goto out;
    }

    /* the statements, a batch per transaction */
    for (;;) {
        c->now_ms = time_now_ms();
        r = store_tx(db, batch_fn, x);
        if (r < 0)
            goto out;
        rep.statements += (int64_t)x->n;
        if (x->n < LRS_DELETE_BATCH)
            break;
    }
    /* voiding statements of others that target the learner's voided statements */
    if (x->voided.n) {
        r = store_tx(db, voiders_fn, x);
        if (r < 0)
            goto out;
        rep.voiding = (int64_t)x->n_extra;
        if (x->truncated_scan) {
            r = ctx_fail(c, -EAGAIN, "more voiding statements than one pass takes; run it again");
            goto out;
        }
    }
    /* documents, attachments, terms, and the audit entry of the whole */
    r = store_tx(db, rest_fn, x);
    if (r < 0)
        goto out;
    /* statements before a date fed everyone's mastery: derive it again from what is left */
    if (!d->dry_run && !x->user_id && rep.statements > 0) {
        r = model_rebuild(c, d->district_id, NULL);
        if (r < 0)
            goto out;
    }
    if (!d->dry_run) {
        r = store_lrs_del_checkpoint(db);
        rep.checkpointed = r == 0;
        r = 0;
    }
out:
    if (r < 0 && !c->err[0])
        ctx_fail(c, r, "cannot delete the learning records");
    if (x) {
        strmap_release(&x->voided);
        strmap_release(&x->sha2);
        strmap_release(&x->att_seqs);
        strmap_release(&x->learners);
        mem_free(x);
    }
    if (r == 0 && ret)
        *ret = rep;
    return r;
}

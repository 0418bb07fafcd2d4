/*
 * LRS administration over HTTP. POST /api/v1/districts/{id}/lrs/deletions
 * with {"learner": SOURCEDID} or {"before": DATE}, and "dry_run": true to
 * count first; a district administrator's session (the CSRF check of
 * auth_hook.c applies). Answers the counts (src/app/lrs_retention.h).
 */
#include "base/common.h"

#include "app/lrs_retention.h"
#include "http/handlers.h"
#include "http/request.h"

int h_lrs_deletions(struct request *rq)
{
    struct lrs_deletion_report rep;
    struct lrs_deletion d = {0};
    struct str id = http_param(rq, "id");
    const char *key;
    json_t *o, *v, *out;
    int r;

    if (str_to_int64(id, 1, INT64_MAX, &d.district_id) < 0)
        return http_problem(rq, -EINVAL, "id: not a district id");
    r = http_json_body_or_respond(rq, &o);
    if (r < 0)
        return r;
    json_object_foreach(o, key, v)
    {
        if (!strcmp(key, "learner") && json_is_string(v))
            d.learner = json_string_value(v);
        else if (!strcmp(key, "before") && json_is_string(v))
            d.before = json_string_value(v);
        else if (!strcmp(key, "dry_run") && json_is_boolean(v))
            d.dry_run = json_is_true(v);
        else {
            char detail[200];
            snprintf(detail, sizeof(detail),
                     "%.64s: not a field of a deletion (learner: string, before: string, "
                     "dry_run: boolean)",
                     key);
            json_decref(o);
            return http_problem(rq, -EINVAL, detail);
        }
    }
    r = lrs_delete(&rq->ctx, &d, &rep);
    json_decref(o);
    if (r < 0)
        return r;
    out = json_pack("{s:b,s:I,s:I,s:I,s:I,s:I}", "dry_run", d.dry_run, "statements",
                    (json_int_t)rep.statements, "voiding_statements", (json_int_t)rep.voiding,
                    "documents", (json_int_t)rep.documents, "attachments",
                    (json_int_t)rep.attachments, "learners", (json_int_t)rep.learners);
    if (!out)
        return -ENOMEM;
    if (!d.dry_run)
        json_object_set_new(out, "wal_emptied", json_boolean(rep.checkpointed));
    return http_respond_json_take(rq, 200, out);
}

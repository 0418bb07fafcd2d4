/*
 * Home-connectivity endpoints (docs/API.md, "Home connectivity"): survey
 * codes, the public survey (a code, no account), answers recorded by staff,
 * a student's and a school's records, referrals to low-cost internet
 * programmes, digital-literacy sessions and attendance. The service
 * (app/connectivity.h) decides who may do what, through the access gate.
 */
#include "base/common.h"

#include <stdio.h>

#include "app/connectivity.h"
#include "base/mem.h"
#include "base/str.h"
#include "http/handlers.h"
#include "http/request.h"

/* Run fn(ctx, id, body, &out) for a path id and a JSON body; answer status with out. */
static int with_id_body(struct request *rq, const char *param, unsigned status,
                        int (*fn)(struct ctx *c, int64_t id, json_t *body, json_t **ret))
{
    int64_t id;
    json_t *body, *o;
    int r = http_param_id(rq, param, &id);
    if (r <= 0)
        return r;
    if (http_json_body_or_respond(rq, &body) < 0)
        return 0;
    r = fn(&rq->ctx, id, body, &o);
    json_decref(body);
    if (r < 0)
        return r;
    return http_respond_json_take(rq, status, o);
}

static int with_id(struct request *rq, int (*fn)(struct ctx *c, int64_t id, json_t **ret))
{
    int64_t id;
    json_t *o;
    int r = http_param_id(rq, "id", &id);
    if (r <= 0)
        return r;
    if ((r = fn(&rq->ctx, id, &o)) < 0)
        return r;
    return http_respond_json_take(rq, 200, o);
}

int h_conn_codes(struct request *rq)
{
    rq->ctx.purpose = "home connectivity survey codes";
    return with_id_body(rq, "id", 201, conn_codes_issue);
}

/* The public survey: a throttled caller is told when to come back. */
static int survey(struct request *rq,
                  int (*fn)(struct ctx *c, json_t *body, json_t **ret, int64_t *retry),
                  unsigned status)
{
    json_t *body, *o;
    int64_t retry = 0;
    if (http_json_body_or_respond(rq, &body) < 0)
        return 0;
    rq->ctx.purpose = "home connectivity survey";
    int r = fn(&rq->ctx, body, &o, &retry);
    json_decref(body);
    if (r == -EAGAIN && retry > 0) {
        char ra[24];
        snprintf(ra, sizeof(ra), "%lld", (long long)retry);
        http_add_header(rq, "Retry-After", ra);
        return http_problem_ex(rq, -EAGAIN, rq->ctx.err,
                               json_pack("{s:I}", "retry_after", (json_int_t)retry));
    }
    if (r < 0)
        return r;
    return http_respond_json_take(rq, status, o);
}

int h_survey_code(struct request *rq)
{
    return survey(rq, conn_survey_check, 200);
}

int h_survey_answers(struct request *rq)
{
    return survey(rq, conn_survey_answer, 201);
}

int h_conn_student_answer(struct request *rq)
{
    rq->ctx.purpose = "home connectivity survey";
    return with_id_body(rq, "id", 201, conn_answer_staff);
}

int h_conn_student(struct request *rq)
{
    rq->ctx.purpose = "home connectivity";
    return with_id(rq, conn_student);
}

int h_conn_school(struct request *rq)
{
    rq->ctx.purpose = "home connectivity";
    return with_id(rq, conn_school);
}

int h_conn_referral_create(struct request *rq)
{
    rq->ctx.purpose = "low-cost internet referral";
    return with_id_body(rq, "id", 201, conn_referral_create);
}

int h_conn_referral_update(struct request *rq)
{
    rq->ctx.purpose = "low-cost internet referral";
    return with_id_body(rq, "id", 200, conn_referral_update);
}

int h_conn_sessions(struct request *rq)
{
    rq->ctx.purpose = "digital-literacy sessions";
    return with_id(rq, conn_sessions);
}

int h_conn_session_create(struct request *rq)
{
    rq->ctx.purpose = "digital-literacy sessions";
    return with_id_body(rq, "id", 201, conn_session_create);
}

int h_conn_session_attendance(struct request *rq)
{
    rq->ctx.purpose = "digital-literacy sessions";
    return with_id_body(rq, "id", 200, conn_session_attendance);
}

/* The equity figures of the id in the path over ?weeks (1 to 52, default 4) of practice. */
static int equity(struct request *rq, bool district)
{
    const char *w = http_query(rq, "weeks");
    int64_t id, weeks = 4;
    json_t *o;
    int r = http_param_id(rq, "id", &id);
    if (r <= 0)
        return r;
    if (w && str_to_int64(str_from(w), 1, 52, &weeks) < 0)
        return http_problem(rq, -EINVAL, "weeks: a whole number from 1 to 52");
    rq->ctx.purpose = "equity dashboard";
    if ((r = conn_equity(&rq->ctx, district, id, (int)weeks, &o)) < 0)
        return r;
    return http_respond_json_take(rq, 200, o);
}

int h_conn_school_equity(struct request *rq)
{
    return equity(rq, false);
}

int h_conn_district_equity(struct request *rq)
{
    return equity(rq, true);
}

/* The same figures as a CSV file by state digital-equity plan objective. */
static int equity_csv(struct request *rq, bool district)
{
    const char *w = http_query(rq, "weeks");
    int64_t id, weeks = 4;
    char disposition[96];
    char *csv;
    size_t n;
    int r = http_param_id(rq, "id", &id);
    if (r <= 0)
        return r;
    if (w && str_to_int64(str_from(w), 1, 52, &weeks) < 0)
        return http_problem(rq, -EINVAL, "weeks: a whole number from 1 to 52");
    rq->ctx.purpose = "equity dashboard export";
    if ((r = conn_equity_csv(&rq->ctx, district, id, (int)weeks, &csv, &n)) < 0)
        return r;
    snprintf(disposition, sizeof(disposition), "attachment; filename=\"%s-%lld-equity.csv\"",
             district ? "district" : "school", (long long)id);
    if (http_add_header(rq, "Content-Disposition", disposition) < 0) {
        mem_free(csv);
        return -ENOMEM;
    }
    return http_respond_take(rq, 200, "text/csv; charset=utf-8; header=present", csv, n);
}

int h_conn_school_equity_csv(struct request *rq)
{
    return equity_csv(rq, false);
}

int h_conn_district_equity_csv(struct request *rq)
{
    return equity_csv(rq, true);
}

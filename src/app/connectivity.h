/*
 * Home connectivity (issue 13; docs/EQUITY.md "Home connectivity", API in
 * docs/API.md "Home connectivity"): the home digital-access survey with the
 * CoSN/CCSSO/Ed-Fi student digital-access elements, the one-use expiring
 * codes a school gives families to answer it without an account, answers
 * recorded by staff on a family's behalf, referrals to low-cost internet
 * programmes and digital-literacy sessions with attendance.
 *
 * Answers and referral notes are sealed at rest (store/seal.h) and read only
 * through the access gate (RES_CONNECTIVITY for a student,
 * RES_SCHOOL_CONNECTIVITY for a school), which audits every read. Every
 * change is audited in the transaction that makes it. A survey code is kept
 * only as its keyed digest; trying codes counts against the caller's
 * address in the login throttle (auth.h), so codes cannot be guessed
 * faster than passwords.
 *
 * Every function returns 0 or a negative errno with the reason (naming the
 * field) in ctx->err; results are new JSON references. Thread-safe.
 */
#ifndef TRELLIS_APP_CONNECTIVITY_H
#define TRELLIS_APP_CONNECTIVITY_H

#include <jansson.h>
#include <stdint.h>

#include "app/ctx.h"

#define CONN_CODE_LEN       10 /* characters of a survey code (31-letter alphabet) */
#define CONN_CODE_DAYS      14 /* how long a code holds unless the school says otherwise */
#define CONN_CODE_DAYS_MAX  60
#define CONN_ISSUE_MAX      2000 /* students one request issues codes for */
#define CONN_ATTENDANCE_MAX 500

/*
 * Issue codes to the students of a school (body {class_id?, students?,
 * days?}): RES_SCHOOL_CONNECTIVITY write. *ret: {expires, codes: [{student,
 * name, grades, code, link}]}: the only time the codes are shown.
 */
int conn_codes_issue(struct ctx *c, int64_t school_id, json_t *body, json_t **ret);

/*
 * The public survey: no account. A code is checked ({code}: *ret {expires})
 * or used to answer ({code, lang?, device_type ...}: *ret {recorded}). A
 * wrong code answers -ENOENT, a used or expired one -EKEYEXPIRED; a caller
 * whose address is throttled gets -EAGAIN and *ret_retry_after_s.
 */
int conn_survey_check(struct ctx *c, json_t *body, json_t **ret, int64_t *ret_retry_after_s);
int conn_survey_answer(struct ctx *c, json_t *body, json_t **ret, int64_t *ret_retry_after_s);

/* Staff record the family's answers (RES_CONNECTIVITY write): *ret as conn_student's answer. */
int conn_answer_staff(struct ctx *c, int64_t student_id, json_t *body, json_t **ret);
/* A student's answers (newest first) and referrals: RES_CONNECTIVITY read (sealed). */
int conn_student(struct ctx *c, int64_t student_id, json_t **ret);
/* A school's students with their latest answer and code, its referrals and a summary. */
int conn_school(struct ctx *c, int64_t school_id, json_t **ret);

/* Refer a student's household to a programme ({programme, provider?, note?}). */
int conn_referral_create(struct ctx *c, int64_t student_id, json_t *body, json_t **ret);
/* Change a referral's status ({status, note?}) along referred -> applied -> enrolled/declined. */
int conn_referral_update(struct ctx *c, int64_t referral_id, json_t *body, json_t **ret);

/* Digital-literacy sessions of a school, with attendance; adding one; its attendance. */
int conn_sessions(struct ctx *c, int64_t school_id, json_t **ret);
int conn_session_create(struct ctx *c, int64_t school_id, json_t *body, json_t **ret);
int conn_session_attendance(struct ctx *c, int64_t session_id, json_t *body, json_t **ret);

/*
 * The equity figures of home connectivity for a district (district true:
 * RES_DISTRICT_EQUITY) or a school (RES_SCHOOL_EQUITY) over the last weeks
 * weeks of practice (conn_equity.c): by school and grade, small cells
 * suppressed as in the school and district views, and the practice and
 * mastery growth of students with and without an adequate connection with
 * the difference's 95% interval. One aggregate audit entry.
 */
int conn_equity(struct ctx *c, bool district, int64_t id, int weeks, json_t **ret);

/*
 * The same figures as a CSV file by state digital-equity plan objective
 * (conn_equity_csv.c): the same gate check, audit entry and hidden cells;
 * *ret (mem_free) holds *ret_len bytes.
 */
int conn_equity_csv(struct ctx *c, bool district, int64_t id, int weeks, char **ret,
                    size_t *ret_len);

/*
 * The answer elements' codes, checked as the API does (demo data and
 * tests): 0, or -EINVAL with the field named in ctx->err. ret gets the
 * canonical object (a new reference).
 */
int conn_answer_parse(struct ctx *c, json_t *body, bool with_code, json_t **ret);

#endif

/*
 * Home connectivity (migration 0025): survey codes, survey answers (sealed
 * by the caller: the store never sees them in the clear), referrals to
 * low-cost internet programmes and digital-literacy sessions. No access
 * decision here: src/app/connectivity.c asks the gate first. The functions
 * that return students take the gate's grant and note the students they
 * return in it: RES_CONNECTIVITY (a student's users.id) for one student's
 * record, RES_SCHOOL_CONNECTIVITY (the school's orgs.id) for a school's.
 *
 * The functions without a grant return only ids (what the gate needs to
 * decide) or record what the caller was allowed to do; the survey code's
 * lookup is the code holder's credential, like a login card's.
 *
 * Days are days since 1970-01-01 (UTC); instants are milliseconds.
 */
#ifndef TRELLIS_STORE_CONNECTIVITY_H
#define TRELLIS_STORE_CONNECTIVITY_H

#include <stddef.h>
#include <stdint.h>

#include "base/common.h"
#include "store/seal.h"

struct db;
struct grant;

/* ---- survey codes ---- */

struct conn_code {
    int64_t id, district_id, school_id, user_id;
    int64_t issued_ms, expires_ms, used_ms;
};

/*
 * A student of the grant's school (RES_SCHOOL_CONNECTIVITY, write) gets a
 * code, stored as its keyed digest idx: 0, -EEXIST (digest taken: make
 * another code).
 */
int store_conn_code_insert(struct db *db, struct grant *g, int64_t user_id,
                           const uint8_t idx[SEAL_INDEX_LEN], int64_t issued_by, int64_t issued_ms,
                           int64_t expires_ms);
/* The code with digest idx: 0, or -ENOENT. */
int store_conn_code_by_index(struct db *db, const uint8_t idx[SEAL_INDEX_LEN],
                             struct conn_code *ret);
/* Mark code id used at now_ms unless it was: 1 (marked), 0 (it was used already). */
int store_conn_code_use(struct db *db, int64_t id, int64_t now_ms);

/* ---- students ---- */

struct conn_student {
    int64_t id;
    const char *given_name, *preferred_given_name, *family_name, *grades;
    int64_t household_id; /* the first guardian by the roster; 0: none */
    /* the latest answer (sealed), 0 / NULL when none */
    int64_t answer_id, answered_ms;
    const char *source;
    const void *sealed;
    size_t sealed_len;
    /* the latest code: issued, expires, used (0: none) */
    int64_t code_issued_ms, code_expires_ms, code_used_ms;
};

/*
 * The active students of the grant's school (RES_SCHOOL_CONNECTIVITY, list,
 * or write when issuing codes) on day, of class class_id only unless 0,
 * each with their latest answer and code; each is noted in the grant.
 * Strings are borrowed for the callback. 0, -EINVAL (no such class at the
 * school), or cb's or the store's error.
 */
int store_conn_school_students(struct db *db, struct grant *g, int64_t class_id, int64_t day,
                               int (*cb)(void *arg, const struct conn_student *s), void *arg);
/* The student's household: the first guardian linked on the roster (0: none). */
int store_conn_household(struct db *db, int64_t district_id, int64_t user_id, int64_t *ret);

/* ---- answers ---- */

struct conn_answer {
    int64_t id, user_id, household_id;
    const char *source; /* family, staff */
    int64_t code_id, entered_by, answered_ms;
    const void *sealed;
    size_t sealed_len;
};

/* Record an answer (sealed by the caller) the gate or a valid code allowed: 0 and *ret_id. */
int store_conn_answer_insert(struct db *db, int64_t district_id, const struct conn_answer *a,
                             int64_t *ret_id);
/*
 * The student's answers, newest first, under the gate's grant for the
 * student (RES_CONNECTIVITY, read): the student is noted in the grant even
 * when there are none (that is told about them too). Borrowed for cb.
 */
int store_conn_answers(struct db *db, struct grant *g,
                       int (*cb)(void *arg, const struct conn_answer *a), void *arg);

/* ---- referrals ---- */

struct conn_referral {
    int64_t id, user_id;
    const char *programme, *provider, *status;
    const void *outcome_sealed; /* NULL: none */
    size_t outcome_len;
    int64_t created_by, created_ms, updated_ms;
    /* in school lists: the student's name */
    const char *given_name, *preferred_given_name, *family_name;
};

/* A new referral of the grant's student (RES_CONNECTIVITY, write): 0 and *ret_id. */
int store_conn_referral_insert(struct db *db, struct grant *g, const struct conn_referral *x,
                               int64_t *ret_id);
/* The district and student of referral id, for the gate: 0, or -ENOENT. */
int store_conn_referral_owner(struct db *db, int64_t id, int64_t *ret_district, int64_t *ret_user);
/* Referral id of the grant's student (any of its actions): 0 or -ENOENT; borrowed for cb. */
int store_conn_referral_get(struct db *db, struct grant *g, int64_t id,
                            int (*cb)(void *arg, const struct conn_referral *x), void *arg);
/*
 * Set referral id's status (and outcome note, NULL: keep) and add the
 * event (note sealed by the caller, may be NULL): write grant for its student.
 */
int store_conn_referral_set(struct db *db, struct grant *g, int64_t id, const char *status,
                            const void *note, size_t note_len, int64_t by_user, int64_t now_ms);
/* The grant's student's referrals (read grant, noted), newest first. */
int store_conn_referrals(struct db *db, struct grant *g,
                         int (*cb)(void *arg, const struct conn_referral *x), void *arg);
/* The referrals of the grant's school's students (RES_SCHOOL_CONNECTIVITY, list; noted). */
int store_conn_school_referrals(struct db *db, struct grant *g, int64_t day,
                                int (*cb)(void *arg, const struct conn_referral *x), void *arg);

/* ---- digital-literacy sessions ---- */

struct conn_session {
    int64_t id, school_id;
    const char *audience, *topic, *title, *lang;
    int64_t day, walk_ins, created_by, created_ms;
};

struct conn_attendee {
    int64_t session_id, user_id;
    const char *given_name, *preferred_given_name, *family_name, *role;
};

/* A session of the grant's school (write): 0 and *ret_id. */
int store_conn_session_insert(struct db *db, struct grant *g, const struct conn_session *s,
                              int64_t *ret_id);
/* The district and school of session id, for the gate: 0, or -ENOENT. */
int store_conn_session_owner(struct db *db, int64_t id, int64_t *ret_district, int64_t *ret_school);
/*
 * Is user_id someone of the grant's school (their orgs include it), or a
 * guardian of a student whose orgs do? 1, 0 or a negative errno. Reads
 * nothing it returns (a write grant's check).
 */
int store_conn_school_person(struct db *db, struct grant *g, int64_t user_id);
/* Replace session id's attendance (write grant of its school) and its walk-ins. */
int store_conn_attendance_clear(struct db *db, struct grant *g, int64_t id, int64_t walk_ins);
int store_conn_attendance_add(struct db *db, struct grant *g, int64_t id, int64_t user_id);
/*
 * The school's sessions, newest first (list grant), and each one's
 * attendees (students among them noted). Borrowed for the callbacks.
 */
int store_conn_sessions(struct db *db, struct grant *g,
                        int (*session_cb)(void *arg, const struct conn_session *s),
                        int (*attendee_cb)(void *arg, const struct conn_attendee *a), void *arg);

/* ---- the equity figures ---- */

struct conn_equity_row {
    int64_t user_id, school_id; /* the student's school (primary, else first); 0: none */
    const char *grade;          /* the roster's grades ("" when none) */
    const void *sealed;         /* the latest answer, sealed */
    size_t sealed_len;
    int64_t answers, growth; /* answers, and skills mastered less lost, from week from_week */
};

/*
 * Every active student of the grant's district (RES_DISTRICT_EQUITY) or
 * school (RES_SCHOOL_EQUITY, read) with an answer, with their practice
 * from week from_week on (model_weekly). Counted in the grant as an
 * aggregate's rows. Borrowed for cb.
 */
int store_conn_equity_rows(struct db *db, struct grant *g, int64_t from_week,
                           int (*cb)(void *arg, const struct conn_equity_row *row), void *arg);

#endif

/*
 * Every HTTP handler, grouped by module (h_<module>.c). A handler parses the
 * request, calls one service and renders the result; it never decides
 * access and never talks SQL.
 */
#ifndef TRELLIS_HTTP_HANDLERS_H
#define TRELLIS_HTTP_HANDLERS_H

struct request;

/*
 * Establish who is calling (session cookie or HTTP Basic client) and put
 * the principal into rq->ctx.who; nobody is a valid answer (public routes
 * and default deny in the services). Returns 0, or responds (e.g. 401 for
 * bad credentials) and returns a negative errno.
 */
int http_authenticate(struct request *rq);
/* The session cookie's value, or NULL. */
const char *http_session_token(const struct request *rq);
/* Add the headers that delete the session cookie. */
void http_clear_session_cookie(struct request *rq);

/* h_auth.c */
int h_session_create(struct request *rq);
int h_session_card(struct request *rq);
int h_session_delete(struct request *rq);
int h_session_mfa(struct request *rq);
int h_me(struct request *rq);
int h_me_lang(struct request *rq);
int h_me_totp(struct request *rq);
int h_me_totp_confirm(struct request *rq);
int h_class_cards(struct request *rq);
int h_class_card_revoke(struct request *rq);

/* h_people.c */
int h_home(struct request *rq);
int h_user(struct request *rq);
int h_user_mastery(struct request *rq);
/* h_schoolview.c */
int h_school_overview(struct request *rq);
int h_district_overview(struct request *rq);
int h_practice_next(struct request *rq);
int h_practice_attempts(struct request *rq);
int h_practice_hints(struct request *rq);
int h_practice_progress(struct request *rq);
int h_class_students(struct request *rq);

/* h_teach.c: the teacher views */
int h_class_mastery(struct request *rq);
int h_class_mastery_csv(struct request *rq);
int h_class_student_activity(struct request *rq);
int h_class_skill(struct request *rq);
/* h_devices.c */
int h_devices_list(struct request *rq);
int h_device(struct request *rq);
int h_devices_check_out(struct request *rq);
int h_devices_check_in(struct request *rq);
int h_devices_swap(struct request *rq);
int h_devices_incident(struct request *rq);
int h_devices_acknowledge(struct request *rq);
int h_class_devices(struct request *rq);
int h_class_devices_check_out(struct request *rq);
int h_user_devices(struct request *rq);
int h_school_device_classes(struct request *rq);

/* h_assign.c */
int h_assignments_list(struct request *rq);
int h_assignments_create(struct request *rq);
int h_assignments_skills(struct request *rq);
int h_assignment_update(struct request *rq);
int h_assignment_delete(struct request *rq);
int h_me_assignments(struct request *rq);

/* h_connectivity.c */
int h_conn_codes(struct request *rq);
int h_survey_code(struct request *rq);
int h_survey_answers(struct request *rq);
int h_conn_student_answer(struct request *rq);
int h_conn_student(struct request *rq);
int h_conn_school(struct request *rq);
int h_conn_referral_create(struct request *rq);
int h_conn_referral_update(struct request *rq);
int h_conn_sessions(struct request *rq);
int h_conn_session_create(struct request *rq);
int h_conn_session_attendance(struct request *rq);
int h_conn_school_equity(struct request *rq);
int h_conn_district_equity(struct request *rq);
int h_conn_school_equity_csv(struct request *rq);
int h_conn_district_equity_csv(struct request *rq);
/* h_family.c */
int h_children(struct request *rq);
int h_child_overview(struct request *rq);
int h_child_access_log(struct request *rq);

/* h_roster.c */
int h_roster_import(struct request *rq);

/* h_admin.c: administration, and one's own password and recovery codes */
int h_admin_district_people(struct request *rq);
int h_admin_school_people(struct request *rq);
int h_admin_give_login(struct request *rq);
int h_admin_password(struct request *rq);
int h_admin_unlock(struct request *rq);
int h_admin_disable(struct request *rq);
int h_admin_enable(struct request *rq);
int h_admin_reset_totp(struct request *rq);
int h_admin_clients(struct request *rq);
int h_admin_client_add(struct request *rq);
int h_admin_client_revoke(struct request *rq);
int h_admin_audit(struct request *rq);
int h_admin_audit_verify(struct request *rq);
int h_user_audit(struct request *rq);
int h_admin_settings(struct request *rq);
int h_me_password(struct request *rq);
int h_me_recovery_codes(struct request *rq);

/* h_xapi.c: the LRS's statements side (xapi.h is the shared layer of every /xapi/ handler) */
int h_xapi_about(struct request *rq);
int h_xapi_statements(struct request *rq);

/* h_xapi_docs.c: the LRS's documents, activities and agents */
int h_xapi_state(struct request *rq);
int h_xapi_activity_profile(struct request *rq);
int h_xapi_agent_profile(struct request *rq);
int h_xapi_activities(struct request *rq);
int h_xapi_agents(struct request *rq);

/* h_lrs_admin.c */
int h_lrs_deletions(struct request *rq);

/* h_system.c */
int h_healthz(struct request *rq);
int h_version(struct request *rq);
int h_brand(struct request *rq);
/* micro-credentials (h_badges.c) */
int h_badge_issuer(struct request *rq);
int h_badge_jwks(struct request *rq);
int h_badge_status(struct request *rq);
int h_badge_jwt(struct request *rq);
int h_badge_png(struct request *rq);
int h_badge_view(struct request *rq);
int h_user_credentials(struct request *rq);
int h_user_credential_award(struct request *rq);
int h_credential_revoke(struct request *rq);
int h_credential_jwt(struct request *rq);
int h_badge_submit(struct request *rq);
int h_badge_submission(struct request *rq);
int h_badge_score(struct request *rq);

/* h_privacy.c */
int h_privacy_notice(struct request *rq);

#endif

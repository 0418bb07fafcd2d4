/*
 * The data inventory (store_inventory.h): the classification of every
 * column the migrations create, in one table below, and the live schema
 * read from the database to check it against.
 *
 * To classify a new table or column, add rows to inventory[] in table
 * order of your choice (keep a table's rows together):
 *
 *     TABLE("devices", "RETENTION", "WHO", "PURPOSE"),   once per table
 *     COL("devices", "serial", "CATEGORY"),               once per column
 *     COLX("devices", "notes", "CATEGORY", "RETENTION", "WHO", "PURPOSE"),
 *                                                         a column unlike its table
 *
 * with keys from the lists after the table (categories, retention rules,
 * who may see it, purposes); a new key needs a line there and its text in
 * web/i18n/privacy-en.json and privacy-es.json. Whether a column is sealed
 * is not written here: a column named *_sealed (or demographics.sealed)
 * holds ciphertext, and `trellis privacy inventory --check` proves it on
 * the stored values. tests/e2e/privacy.test.mjs fails while a column of the
 * live schema has no row here, or a row names a column that is not there.
 */
#include "base/common.h"

#include <string.h>

#include "store/db.h"
#include "store/store_inventory.h"

/* clang-format off */
#define ALL(t, c) "SELECT " c " FROM " t " WHERE " c " IS NOT NULL"
#define SAMPLE(t, c) ALL(t, c) " LIMIT 32"
#define TABLE(t, ret, who, why) {t, NULL, NULL, ret, who, why, NULL, NULL, false}
#define COL(t, c, cat) {t, c, cat, NULL, NULL, NULL, SAMPLE(t, c), ALL(t, c), false}
#define COLX(t, c, cat, ret, who, why) {t, c, cat, ret, who, why, SAMPLE(t, c), ALL(t, c), false}

static const struct inv_column inventory[] = {
    /* academic_sessions: terms and school years */
    TABLE("academic_sessions", "roster", "everyone", "roster"),
    COL("academic_sessions", "id", "none"),
    COL("academic_sessions", "district_id", "none"),
    COL("academic_sessions", "sourced_id", "none"),
    COL("academic_sessions", "status", "none"),
    COL("academic_sessions", "date_last_modified", "none"),
    COL("academic_sessions", "title", "none"),
    COL("academic_sessions", "type", "none"),
    COL("academic_sessions", "start_date", "none"),
    COL("academic_sessions", "end_date", "none"),
    COL("academic_sessions", "parent_id", "none"),
    COL("academic_sessions", "school_year", "none"),
    COL("academic_sessions", "org_id", "none"),
    /* account_roles: roles of local staff accounts */
    TABLE("account_roles", "account", "account", "sign_in"),
    COL("account_roles", "id", "none"),
    COL("account_roles", "district_id", "none"),
    COL("account_roles", "account_id", "account"),
    COL("account_roles", "role", "account"),
    COL("account_roles", "org_id", "account"),
    /* accounts: accounts: who can sign in */
    TABLE("accounts", "account", "account", "sign_in"),
    COL("accounts", "id", "none"),
    COL("accounts", "district_id", "none"),
    COL("accounts", "user_id", "account"),
    COL("accounts", "login", "account"),
    COL("accounts", "display_name", "directory"),
    COLX("accounts", "password_hash", "credential", "account", "nobody", "security"),
    COL("accounts", "password_set_at", "account"),
    COLX("accounts", "totp_sealed", "credential", "account", "nobody", "security"),
    COL("accounts", "totp_enrolled_at", "account"),
    COL("accounts", "totp_last_step", "account"),
    COLX("accounts", "totp_pending_sealed", "credential", "account", "nobody", "security"),
    COL("accounts", "totp_pending_at", "account"),
    COL("accounts", "lang", "account"),
    COL("accounts", "disabled_at", "account"),
    COL("accounts", "created_at", "account"),
    COL("accounts", "last_login_at", "account"),
    COL("accounts", "mfa_enrol_until", "account"),
    /* api_clients: API clients (other applications the district connects) */
    TABLE("api_clients", "operations", "admin", "operations"),
    COL("api_clients", "id", "none"),
    COL("api_clients", "district_id", "none"),
    COL("api_clients", "name", "none"),
    COL("api_clients", "client_key", "none"),
    COLX("api_clients", "secret_hash", "credential", "operations", "nobody", "security"),
    COL("api_clients", "scopes", "none"),
    COL("api_clients", "created_at", "none"),
    COL("api_clients", "revoked_at", "none"),
    /* assignment_skills: the skills an assignment gives */
    TABLE("assignment_skills", "learning", "learning", "assignments"),
    COL("assignment_skills", "district_id", "none"),
    COL("assignment_skills", "assignment_id", "none"),
    COL("assignment_skills", "skill", "none"),
    COL("assignment_skills", "ord", "none"),
    /* assignment_students: the students an assignment is for */
    TABLE("assignment_students", "learning", "learning", "assignments"),
    COL("assignment_students", "district_id", "none"),
    COL("assignment_students", "assignment_id", "education"),
    COL("assignment_students", "user_id", "education"),
    /* assignments: assignments teachers give */
    TABLE("assignments", "learning", "learning", "assignments"),
    COL("assignments", "id", "none"),
    COL("assignments", "district_id", "none"),
    COL("assignments", "class_id", "education"),
    COL("assignments", "whole_class", "education"),
    COL("assignments", "given_day", "education"),
    COL("assignments", "due_day", "education"),
    COL("assignments", "note", "education"),
    COL("assignments", "assigned_by", "account"),
    COL("assignments", "assigned_by_name", "directory"),
    COL("assignments", "created_ms", "none"),
    COL("assignments", "updated_ms", "none"),
    COL("assignments", "closed_ms", "none"),
    /* audit_chain: the heads of the audit chains */
    TABLE("audit_chain", "audit", "operator", "audit"),
    COL("audit_chain", "chain", "none"),
    COL("audit_chain", "seq", "none"),
    COL("audit_chain", "head", "none"),
    COL("audit_chain", "mac", "none"),
    /* audit_chains: the list of audit chains */
    TABLE("audit_chains", "audit", "operator", "audit"),
    COL("audit_chains", "slot", "none"),
    COL("audit_chains", "chains", "none"),
    COL("audit_chains", "mac", "none"),
    /* audit_log: the audit log: who saw or changed what */
    TABLE("audit_log", "audit", "audit", "audit"),
    COL("audit_log", "id", "none"),
    COL("audit_log", "chain", "none"),
    COL("audit_log", "seq", "none"),
    COL("audit_log", "at", "audit"),
    COL("audit_log", "actor_kind", "audit"),
    COL("audit_log", "actor_id", "audit"),
    COL("audit_log", "actor_name", "audit"),
    COL("audit_log", "client_addr", "audit"),
    COL("audit_log", "request_id", "none"),
    COL("audit_log", "action", "audit"),
    COL("audit_log", "object", "audit"),
    COL("audit_log", "subjects", "audit"),
    COL("audit_log", "purpose", "audit"),
    COL("audit_log", "outcome", "audit"),
    COL("audit_log", "detail", "audit"),
    COL("audit_log", "prev_hash", "none"),
    COL("audit_log", "hash", "none"),
    COL("audit_log", "tag", "none"),
    /* audit_subjects: the audit log by student */
    TABLE("audit_subjects", "audit", "audit", "audit"),
    COL("audit_subjects", "district_id", "none"),
    COL("audit_subjects", "user_id", "audit"),
    COL("audit_subjects", "entry_id", "audit"),
    /* class_terms: the terms of each class */
    TABLE("class_terms", "roster", "everyone", "roster"),
    COL("class_terms", "district_id", "none"),
    COL("class_terms", "class_id", "none"),
    COL("class_terms", "session_id", "none"),
    COL("class_terms", "ord", "none"),
    /* classes: classes */
    TABLE("classes", "roster", "everyone", "roster"),
    COL("classes", "id", "none"),
    COL("classes", "district_id", "none"),
    COL("classes", "sourced_id", "none"),
    COL("classes", "status", "none"),
    COL("classes", "date_last_modified", "none"),
    COL("classes", "title", "none"),
    COL("classes", "grades", "none"),
    COL("classes", "course_id", "none"),
    COL("classes", "class_code", "none"),
    COL("classes", "class_type", "none"),
    COL("classes", "location", "none"),
    COL("classes", "school_id", "none"),
    COL("classes", "subjects", "none"),
    COL("classes", "subject_codes", "none"),
    COL("classes", "periods", "none"),
    /* content_item_skills: practice content */
    TABLE("content_item_skills", "content", "everyone", "content"),
    COL("content_item_skills", "district_id", "none"),
    COL("content_item_skills", "skill_id", "none"),
    COL("content_item_skills", "item_id", "none"),
    /* content_items: practice content */
    TABLE("content_items", "content", "everyone", "content"),
    COL("content_items", "id", "none"),
    COL("content_items", "district_id", "none"),
    COL("content_items", "pack_id", "none"),
    COL("content_items", "item", "none"),
    COL("content_items", "iri", "none"),
    COL("content_items", "generator", "none"),
    COL("content_items", "body", "none"),
    COL("content_items", "languages", "none"),
    COL("content_items", "attribution", "none"),
    COL("content_items", "irt_difficulty", "none"),
    COL("content_items", "irt_discrimination", "none"),
    COL("content_items", "ord", "none"),
    COL("content_items", "retired", "none"),
    /* content_misconceptions: practice content */
    TABLE("content_misconceptions", "content", "everyone", "content"),
    COL("content_misconceptions", "district_id", "none"),
    COL("content_misconceptions", "pack_id", "none"),
    COL("content_misconceptions", "misconception", "none"),
    COL("content_misconceptions", "name", "none"),
    /* content_packs: practice content */
    TABLE("content_packs", "content", "everyone", "content"),
    COL("content_packs", "id", "none"),
    COL("content_packs", "district_id", "none"),
    COL("content_packs", "pack", "none"),
    COL("content_packs", "version", "none"),
    COL("content_packs", "format", "none"),
    COL("content_packs", "title", "none"),
    COL("content_packs", "languages", "none"),
    COL("content_packs", "license", "none"),
    COL("content_packs", "attribution", "none"),
    COL("content_packs", "digest", "none"),
    COL("content_packs", "source", "none"),
    COL("content_packs", "imported_ms", "none"),
    COL("content_packs", "imported_by", "none"),
    /* content_prerequisites: practice content */
    TABLE("content_prerequisites", "content", "everyone", "content"),
    COL("content_prerequisites", "district_id", "none"),
    COL("content_prerequisites", "skill_id", "none"),
    COL("content_prerequisites", "prerequisite_id", "none"),
    /* content_skills: practice content */
    TABLE("content_skills", "content", "everyone", "content"),
    COL("content_skills", "id", "none"),
    COL("content_skills", "district_id", "none"),
    COL("content_skills", "pack_id", "none"),
    COL("content_skills", "skill", "none"),
    COL("content_skills", "iri", "none"),
    COL("content_skills", "grade", "none"),
    COL("content_skills", "name", "none"),
    COL("content_skills", "description", "none"),
    COL("content_skills", "bkt", "none"),
    COL("content_skills", "ord", "none"),
    COL("content_skills", "retired", "none"),
    /* courses: courses */
    TABLE("courses", "roster", "everyone", "roster"),
    COL("courses", "id", "none"),
    COL("courses", "district_id", "none"),
    COL("courses", "sourced_id", "none"),
    COL("courses", "status", "none"),
    COL("courses", "date_last_modified", "none"),
    COL("courses", "school_year_id", "none"),
    COL("courses", "title", "none"),
    COL("courses", "course_code", "none"),
    COL("courses", "grades", "none"),
    COL("courses", "org_id", "none"),
    COL("courses", "subjects", "none"),
    COL("courses", "subject_codes", "none"),
    /* demographics: demographics from the roster (sealed) */
    TABLE("demographics", "roster", "contact", "roster"),
    COL("demographics", "id", "none"),
    COL("demographics", "district_id", "none"),
    COL("demographics", "user_id", "demographic"),
    COL("demographics", "sourced_id", "none"),
    COL("demographics", "status", "none"),
    COL("demographics", "date_last_modified", "none"),
    COL("demographics", "sealed", "demographic"),
    COLX("demographics", "digest", "demographic", "roster", "nobody", "roster"),
    /* districts: districts */
    TABLE("districts", "operations", "everyone", "operations"),
    COL("districts", "id", "none"),
    COL("districts", "sourced_id", "none"),
    COL("districts", "name", "none"),
    COL("districts", "created_at", "none"),
    /* enrollments: who is in which class */
    TABLE("enrollments", "roster", "roster", "roster"),
    COL("enrollments", "id", "none"),
    COL("enrollments", "district_id", "none"),
    COL("enrollments", "sourced_id", "none"),
    COL("enrollments", "status", "none"),
    COL("enrollments", "date_last_modified", "none"),
    COL("enrollments", "class_id", "directory"),
    COL("enrollments", "school_id", "directory"),
    COL("enrollments", "user_id", "directory"),
    COL("enrollments", "role", "directory"),
    COL("enrollments", "is_primary", "directory"),
    COL("enrollments", "begin_date", "directory"),
    COL("enrollments", "end_date", "directory"),
    /* export_counters: hourly counts of the bulk-export tripwire */
    TABLE("export_counters", "security", "operator", "security"),
    COL("export_counters", "district_id", "none"),
    COL("export_counters", "actor_kind", "account"),
    COL("export_counters", "actor_id", "account"),
    COL("export_counters", "hour", "account"),
    COL("export_counters", "records", "account"),
    COL("export_counters", "alerted", "account"),
    /* login_cards: login cards of students */
    TABLE("login_cards", "account", "account", "sign_in"),
    COL("login_cards", "id", "none"),
    COL("login_cards", "district_id", "none"),
    COL("login_cards", "user_id", "account"),
    COLX("login_cards", "code_index", "credential", "account", "nobody", "sign_in"),
    COLX("login_cards", "code_sealed", "credential", "account", "cards", "sign_in"),
    COL("login_cards", "created_at", "account"),
    COL("login_cards", "created_by", "account"),
    COL("login_cards", "revoked_at", "account"),
    /* login_throttle: failed sign-in counts */
    TABLE("login_throttle", "security", "operator", "security"),
    COL("login_throttle", "tkey", "credential"),
    COL("login_throttle", "failures", "account"),
    COL("login_throttle", "last_failure_at", "account"),
    COL("login_throttle", "blocked_until", "account"),
    COL("login_throttle", "last_success_at", "account"),
    /* lrs_attachments: attachments of learning records */
    TABLE("lrs_attachments", "learning", "learning", "learning"),
    COL("lrs_attachments", "district_id", "none"),
    COL("lrs_attachments", "sha2", "none"),
    COL("lrs_attachments", "content_type", "education"),
    COL("lrs_attachments", "content", "education"),
    /* lrs_counters: counters of the learning record store */
    TABLE("lrs_counters", "operations", "operator", "operations"),
    COL("lrs_counters", "name", "none"),
    COL("lrs_counters", "value", "none"),
    /* lrs_documents: learning record documents (state, profiles) */
    TABLE("lrs_documents", "learning", "learning", "learning"),
    COL("lrs_documents", "id", "none"),
    COL("lrs_documents", "district_id", "none"),
    COL("lrs_documents", "kind", "none"),
    COL("lrs_documents", "activity_id", "education"),
    COL("lrs_documents", "agent_digest", "education"),
    COL("lrs_documents", "registration", "education"),
    COL("lrs_documents", "doc_id", "education"),
    COL("lrs_documents", "user_id", "education"),
    COL("lrs_documents", "content_type", "education"),
    COL("lrs_documents", "content", "education"),
    COL("lrs_documents", "etag", "none"),
    COL("lrs_documents", "updated_at", "education"),
    /* lrs_forward: forwarding to another learning record store */
    TABLE("lrs_forward", "operations", "operator", "operations"),
    COL("lrs_forward", "id", "none"),
    COL("lrs_forward", "district_id", "none"),
    COL("lrs_forward", "target", "none"),
    COL("lrs_forward", "after_seq", "none"),
    COL("lrs_forward", "pending_seq", "none"),
    COL("lrs_forward", "pending_id", "none"),
    COL("lrs_forward", "pending_n", "none"),
    COL("lrs_forward", "sent", "none"),
    COL("lrs_forward", "updated_at", "none"),
    COL("lrs_forward", "last_error", "none"),
    COL("lrs_forward", "owner", "none"),
    COL("lrs_forward", "lease_until", "none"),
    /* lrs_statements: learning records (xAPI statements) */
    TABLE("lrs_statements", "learning", "learning", "learning"),
    COL("lrs_statements", "seq", "none"),
    COL("lrs_statements", "district_id", "none"),
    COL("lrs_statements", "statement_id", "education"),
    COL("lrs_statements", "user_id", "education"),
    COL("lrs_statements", "client_id", "education"),
    COL("lrs_statements", "stored_ms", "education"),
    COL("lrs_statements", "timestamp_ms", "education"),
    COL("lrs_statements", "voided", "education"),
    COL("lrs_statements", "flags", "none"),
    COL("lrs_statements", "body", "education"),
    /* lrs_terms: the vocabulary of the learning records */
    TABLE("lrs_terms", "learning", "operator", "learning"),
    COL("lrs_terms", "district_id", "none"),
    COL("lrs_terms", "kind", "none"),
    COL("lrs_terms", "hash", "none"),
    COL("lrs_terms", "seq", "none"),
    /* model_cursor: how far the learner model has read */
    TABLE("model_cursor", "operations", "operator", "operations"),
    COL("model_cursor", "district_id", "none"),
    COL("model_cursor", "last_seq", "none"),
    /* model_days: practice by day */
    TABLE("model_days", "derived", "learning", "learning"),
    COL("model_days", "district_id", "none"),
    COL("model_days", "user_id", "education"),
    COL("model_days", "day", "education"),
    COL("model_days", "skill_id", "education"),
    COL("model_days", "answers", "education"),
    COL("model_days", "correct", "education"),
    COL("model_days", "hints", "education"),
    COL("model_days", "mastered", "education"),
    COL("model_days", "last_ms", "education"),
    /* model_learners: skills mastered per student */
    TABLE("model_learners", "derived", "learning", "learning"),
    COL("model_learners", "district_id", "none"),
    COL("model_learners", "user_id", "education"),
    COL("model_learners", "mastered", "education"),
    /* model_mastery: mastery per student and skill */
    TABLE("model_mastery", "derived", "learning", "learning"),
    COL("model_mastery", "district_id", "none"),
    COL("model_mastery", "user_id", "education"),
    COL("model_mastery", "skill_id", "education"),
    COL("model_mastery", "p_mastery", "education"),
    COL("model_mastery", "answers", "education"),
    COL("model_mastery", "correct", "education"),
    COL("model_mastery", "last_ms", "education"),
    COL("model_mastery", "p_unmastered", "education"),
    COL("model_mastery", "attempts_open", "education"),
    COL("model_mastery", "hints", "education"),
    COL("model_mastery", "last_day", "education"),
    COL("model_mastery", "fsrs_stability", "education"),
    COL("model_mastery", "fsrs_difficulty", "education"),
    COL("model_mastery", "mastered_ms", "education"),
    /* model_skills: the parameters of the learner model per skill */
    TABLE("model_skills", "content", "operator", "learning"),
    COL("model_skills", "id", "none"),
    COL("model_skills", "district_id", "none"),
    COL("model_skills", "skill", "none"),
    COL("model_skills", "prior", "none"),
    COL("model_skills", "learn", "none"),
    COL("model_skills", "forget", "none"),
    COL("model_skills", "guess", "none"),
    COL("model_skills", "slip", "none"),
    COL("model_skills", "fitted_ms", "none"),
    COL("model_skills", "fit_answers", "none"),
    COL("model_skills", "fit_loglik", "none"),
    /* model_weekly: practice by week */
    TABLE("model_weekly", "derived", "learning", "learning"),
    COL("model_weekly", "district_id", "none"),
    COL("model_weekly", "user_id", "education"),
    COL("model_weekly", "week", "education"),
    COL("model_weekly", "answers", "education"),
    COL("model_weekly", "seconds", "education"),
    COL("model_weekly", "gained", "education"),
    COL("model_weekly", "lost", "education"),
    /* orgs: schools and the district */
    TABLE("orgs", "roster", "everyone", "roster"),
    COL("orgs", "id", "none"),
    COL("orgs", "district_id", "none"),
    COL("orgs", "sourced_id", "none"),
    COL("orgs", "status", "none"),
    COL("orgs", "date_last_modified", "none"),
    COL("orgs", "name", "none"),
    COL("orgs", "type", "none"),
    COL("orgs", "identifier", "none"),
    COL("orgs", "parent_id", "none"),
    /* practice_current: the problem each student is on */
    TABLE("practice_current", "derived", "learning", "learning"),
    COL("practice_current", "district_id", "none"),
    COL("practice_current", "user_id", "education"),
    COL("practice_current", "item_id", "education"),
    COL("practice_current", "seed", "education"),
    COL("practice_current", "skill_id", "education"),
    COL("practice_current", "reason", "education"),
    COL("practice_current", "spun_on", "education"),
    COL("practice_current", "step", "education"),
    COL("practice_current", "attempts", "education"),
    COL("practice_current", "hints", "education"),
    COL("practice_current", "done", "education"),
    COL("practice_current", "registration", "education"),
    COL("practice_current", "served_ms", "education"),
    COL("practice_current", "recent", "education"),
    /* recovery_codes: second-factor recovery codes */
    TABLE("recovery_codes", "account", "account", "sign_in"),
    COL("recovery_codes", "id", "none"),
    COL("recovery_codes", "district_id", "none"),
    COL("recovery_codes", "account_id", "account"),
    COLX("recovery_codes", "code_hash", "credential", "account", "nobody", "security"),
    COL("recovery_codes", "created_at", "account"),
    COL("recovery_codes", "used_at", "account"),
    /* roster_imports: the record of roster imports */
    TABLE("roster_imports", "audit", "admin", "audit"),
    COL("roster_imports", "id", "none"),
    COL("roster_imports", "district_id", "none"),
    COL("roster_imports", "at", "none"),
    COL("roster_imports", "principal", "audit"),
    COL("roster_imports", "source", "none"),
    COL("roster_imports", "version", "none"),
    COL("roster_imports", "summary", "none"),
    /* schema_migrations: the migrations applied (store.c) */
    TABLE("schema_migrations", "operations", "operator", "operations"),
    COL("schema_migrations", "version", "none"),
    COL("schema_migrations", "name", "none"),
    COL("schema_migrations", "applied_at", "none"),
    /* sessions: sign-in sessions */
    TABLE("sessions", "session", "account", "sign_in"),
    COL("sessions", "id", "none"),
    COL("sessions", "district_id", "none"),
    COL("sessions", "account_id", "account"),
    COLX("sessions", "token_hash", "credential", "session", "nobody", "security"),
    COL("sessions", "method", "account"),
    COL("sessions", "created_at", "account"),
    COL("sessions", "seen_at", "account"),
    COL("sessions", "expires_at", "account"),
    COL("sessions", "mfa_at", "account"),
    COL("sessions", "client_addr", "account"),
    COL("sessions", "ended_at", "account"),
    COL("sessions", "end_reason", "account"),
    COL("sessions", "card_id", "account"),
    /* user_agents: links between people and their learning records */
    TABLE("user_agents", "roster", "learning", "learning"),
    COL("user_agents", "district_id", "none"),
    COL("user_agents", "user_id", "education"),
    COL("user_agents", "agent_id", "education"),
    COL("user_agents", "ord", "education"),
    /* user_orgs: which school each person belongs to */
    TABLE("user_orgs", "roster", "roster", "roster"),
    COL("user_orgs", "district_id", "none"),
    COL("user_orgs", "user_id", "directory"),
    COL("user_orgs", "org_id", "directory"),
    COL("user_orgs", "ord", "directory"),
    /* user_profiles: logins at other applications (roster) */
    TABLE("user_profiles", "roster", "account", "roster"),
    COL("user_profiles", "id", "none"),
    COL("user_profiles", "district_id", "none"),
    COL("user_profiles", "sourced_id", "none"),
    COL("user_profiles", "status", "none"),
    COL("user_profiles", "date_last_modified", "none"),
    COL("user_profiles", "user_id", "account"),
    COL("user_profiles", "profile_type", "account"),
    COL("user_profiles", "vendor_id", "account"),
    COL("user_profiles", "application_id", "account"),
    COL("user_profiles", "description", "account"),
    COL("user_profiles", "credential_type", "account"),
    COL("user_profiles", "username", "account"),
    /* user_roles: roles at schools (roster) */
    TABLE("user_roles", "roster", "roster", "roster"),
    COL("user_roles", "id", "none"),
    COL("user_roles", "district_id", "none"),
    COL("user_roles", "sourced_id", "none"),
    COL("user_roles", "status", "none"),
    COL("user_roles", "date_last_modified", "none"),
    COL("user_roles", "user_id", "directory"),
    COL("user_roles", "role_type", "directory"),
    COL("user_roles", "role", "directory"),
    COL("user_roles", "begin_date", "directory"),
    COL("user_roles", "end_date", "directory"),
    COL("user_roles", "org_id", "directory"),
    COL("user_roles", "user_profile_sourced_id", "directory"),
    /* users: people on the roster */
    TABLE("users", "roster", "roster", "roster"),
    COL("users", "id", "none"),
    COL("users", "district_id", "none"),
    COL("users", "sourced_id", "directory"),
    COL("users", "status", "none"),
    COL("users", "date_last_modified", "none"),
    COL("users", "enabled_user", "account"),
    COL("users", "role", "directory"),
    COL("users", "username", "directory"),
    COL("users", "user_ids", "directory"),
    COL("users", "given_name", "directory"),
    COL("users", "family_name", "directory"),
    COL("users", "middle_name", "directory"),
    COL("users", "identifier", "directory"),
    COLX("users", "email_sealed", "contact", "roster", "contact", "contact"),
    COLX("users", "email_index", "contact", "roster", "nobody", "contact"),
    COLX("users", "sms_sealed", "contact", "roster", "contact", "contact"),
    COLX("users", "phone_sealed", "contact", "roster", "contact", "contact"),
    COLX("users", "contact_digest", "contact", "roster", "nobody", "contact"),
    COL("users", "grades", "directory"),
    COL("users", "user_master_identifier", "directory"),
    COL("users", "preferred_given_name", "directory"),
    COL("users", "preferred_middle_name", "directory"),
    COL("users", "preferred_family_name", "directory"),
    COL("users", "primary_org_id", "directory"),
    COL("users", "pronouns", "demographic"),
    /* survey_codes: one-use codes a school gives a family for the home-access survey */
    TABLE("survey_codes", "equity", "equity", "equity"),
    COL("survey_codes", "id", "none"),
    COL("survey_codes", "district_id", "none"),
    COL("survey_codes", "school_id", "none"),
    COL("survey_codes", "user_id", "connectivity"),
    COLX("survey_codes", "code_index", "credential", "equity", "nobody", "security"),
    COL("survey_codes", "issued_by", "connectivity"),
    COL("survey_codes", "issued_ms", "connectivity"),
    COL("survey_codes", "expires_ms", "connectivity"),
    COL("survey_codes", "used_ms", "connectivity"),
    /* survey_answers: a family's answers about devices and internet at home */
    TABLE("survey_answers", "equity", "equity", "equity"),
    COL("survey_answers", "id", "none"),
    COL("survey_answers", "district_id", "none"),
    COL("survey_answers", "user_id", "connectivity"),
    COL("survey_answers", "household_id", "connectivity"),
    COL("survey_answers", "source", "connectivity"),
    COL("survey_answers", "code_id", "none"),
    COL("survey_answers", "entered_by", "connectivity"),
    COL("survey_answers", "answered_ms", "connectivity"),
    COL("survey_answers", "answers_sealed", "connectivity"),
    /* internet_referrals: households referred to low-cost internet programmes */
    TABLE("internet_referrals", "equity", "equity", "equity"),
    COL("internet_referrals", "id", "none"),
    COL("internet_referrals", "district_id", "none"),
    COL("internet_referrals", "user_id", "connectivity"),
    COL("internet_referrals", "programme", "connectivity"),
    COL("internet_referrals", "provider", "connectivity"),
    COL("internet_referrals", "status", "connectivity"),
    COL("internet_referrals", "outcome_sealed", "connectivity"),
    COL("internet_referrals", "created_by", "connectivity"),
    COL("internet_referrals", "created_ms", "connectivity"),
    COL("internet_referrals", "updated_ms", "connectivity"),
    /* internet_referral_events: each step of a referral */
    TABLE("internet_referral_events", "equity", "equity", "equity"),
    COL("internet_referral_events", "id", "none"),
    COL("internet_referral_events", "district_id", "none"),
    COL("internet_referral_events", "referral_id", "none"),
    COL("internet_referral_events", "status", "connectivity"),
    COL("internet_referral_events", "note_sealed", "connectivity"),
    COL("internet_referral_events", "by_user", "connectivity"),
    COL("internet_referral_events", "at_ms", "connectivity"),
    /* literacy_sessions: digital-skills sessions a school holds */
    TABLE("literacy_sessions", "equity", "equity", "equity"),
    COL("literacy_sessions", "id", "none"),
    COL("literacy_sessions", "district_id", "none"),
    COL("literacy_sessions", "school_id", "none"),
    COL("literacy_sessions", "audience", "none"),
    COL("literacy_sessions", "topic", "none"),
    COL("literacy_sessions", "title", "none"),
    COL("literacy_sessions", "lang", "none"),
    COL("literacy_sessions", "day", "none"),
    COL("literacy_sessions", "walk_ins", "none"),
    COL("literacy_sessions", "created_by", "none"),
    COL("literacy_sessions", "created_ms", "none"),
    /* literacy_attendance: who came to a session */
    TABLE("literacy_attendance", "equity", "equity", "equity"),
    COL("literacy_attendance", "district_id", "none"),
    COL("literacy_attendance", "session_id", "none"),
    COL("literacy_attendance", "user_id", "connectivity"),
    /* badge_achievements: the micro-credentials a district offers */
    TABLE("badge_achievements", "content", "everyone", "professional"),
    COL("badge_achievements", "id", "none"),
    COL("badge_achievements", "district_id", "none"),
    COL("badge_achievements", "slug", "none"),
    COL("badge_achievements", "name", "none"),
    COL("badge_achievements", "description", "none"),
    COL("badge_achievements", "competency", "none"),
    COL("badge_achievements", "method", "none"),
    COL("badge_achievements", "evidence_required", "none"),
    COL("badge_achievements", "created_ms", "none"),
    /* badge_rubric_rows: what an assessor scores */
    TABLE("badge_rubric_rows", "content", "everyone", "professional"),
    COL("badge_rubric_rows", "district_id", "none"),
    COL("badge_rubric_rows", "achievement_id", "none"),
    COL("badge_rubric_rows", "ord", "none"),
    COL("badge_rubric_rows", "criterion", "none"),
    COL("badge_rubric_rows", "pass_level", "none"),
    /* badge_keys: the keys that sign credentials (public halves published) */
    TABLE("badge_keys", "operations", "everyone", "professional"),
    COL("badge_keys", "id", "none"),
    COL("badge_keys", "district_id", "none"),
    COL("badge_keys", "kid", "none"),
    COL("badge_keys", "alg", "none"),
    COLX("badge_keys", "private_sealed", "credential", "operations", "nobody", "security"),
    COL("badge_keys", "public_jwk", "none"),
    COL("badge_keys", "created_ms", "none"),
    COL("badge_keys", "retired_ms", "none"),
    /* badge_credentials: micro-credentials awarded to staff, as signed VC-JWTs */
    TABLE("badge_credentials", "professional", "professional", "professional"),
    COL("badge_credentials", "id", "none"),
    COL("badge_credentials", "district_id", "none"),
    COL("badge_credentials", "uuid", "professional"),
    COL("badge_credentials", "achievement_id", "professional"),
    COL("badge_credentials", "recipient_id", "professional"),
    COL("badge_credentials", "awarded_by", "professional"),
    COL("badge_credentials", "awarded_by_user", "professional"),
    COL("badge_credentials", "issued_ms", "professional"),
    COL("badge_credentials", "expires_ms", "professional"),
    COL("badge_credentials", "status_index", "none"),
    COL("badge_credentials", "kid", "none"),
    COL("badge_credentials", "jwt", "professional"),
    COL("badge_credentials", "revoked_ms", "professional"),
    COL("badge_credentials", "revoked_reason", "professional"),
    COL("badge_credentials", "revoked_by", "professional"),
    /* badge_submissions: the evidence a teacher submits for a micro-credential */
    TABLE("badge_submissions", "professional", "professional", "professional"),
    COL("badge_submissions", "id", "none"),
    COL("badge_submissions", "district_id", "none"),
    COL("badge_submissions", "achievement_id", "professional"),
    COL("badge_submissions", "applicant_id", "professional"),
    COL("badge_submissions", "round", "professional"),
    COL("badge_submissions", "evidence", "professional"),
    COL("badge_submissions", "state", "professional"),
    COL("badge_submissions", "submitted_ms", "professional"),
    COL("badge_submissions", "decided_ms", "professional"),
    COL("badge_submissions", "assessor", "professional"),
    COL("badge_submissions", "credential_id", "none"),
    /* badge_scores: an assessor's score and feedback per rubric row */
    TABLE("badge_scores", "professional", "professional", "professional"),
    COL("badge_scores", "district_id", "none"),
    COL("badge_scores", "submission_id", "none"),
    COL("badge_scores", "ord", "none"),
    COL("badge_scores", "met", "professional"),
    COL("badge_scores", "feedback", "professional"),
    /* devices: the inventory of devices and hotspots, and who holds each now */
    TABLE("devices", "equipment", "devices", "devices"),
    COL("devices", "id", "none"),
    COL("devices", "district_id", "none"),
    COL("devices", "asset_tag", "none"),
    COL("devices", "serial", "none"),
    COL("devices", "model", "none"),
    COL("devices", "type", "none"),
    COL("devices", "status", "none"),
    COL("devices", "funding_source", "none"),
    COL("devices", "purchase_day", "none"),
    COL("devices", "cost_cents", "none"),
    COL("devices", "school_id", "none"),
    COL("devices", "location", "none"),
    COL("devices", "notes", "none"),
    COL("devices", "carrier", "none"),
    COL("devices", "plan", "none"),
    COL("devices", "data_cap_mb", "none"),
    COL("devices", "holder_id", "devices"),
    COL("devices", "due_day", "devices"),
    COL("devices", "created_ms", "none"),
    COL("devices", "updated_ms", "none"),
    /* device_events: lending, returns, swaps, damage, losses and guardian acknowledgements */
    TABLE("device_events", "equipment", "devices", "devices"),
    COL("device_events", "id", "none"),
    COL("device_events", "district_id", "none"),
    COL("device_events", "device_id", "none"),
    COL("device_events", "kind", "devices"),
    COL("device_events", "at_ms", "devices"),
    COL("device_events", "user_id", "devices"),
    COL("device_events", "due_day", "devices"),
    COL("device_events", "condition", "devices"),
    COL("device_events", "note", "devices"),
    COL("device_events", "cost_cents", "devices"),
    COL("device_events", "other_device_id", "none"),
    COL("device_events", "ack_method", "devices"),
    COL("device_events", "ack_guardian", "devices"),
    COL("device_events", "recorded_by", "devices"),
    COL("device_events", "recorded_by_name", "devices"),
    /* sv_state: when the school views' groups were last worked out */
    TABLE("sv_state", "derived", "learning", "learning"),
    COL("sv_state", "district_id", "none"),
    COL("sv_state", "day", "none"),
    COL("sv_state", "import_id", "none"),
    /* sv_members: each student's group in the school views (school, grade, reporting class) */
    TABLE("sv_members", "derived", "learning", "learning"),
    COL("sv_members", "district_id", "none"),
    COL("sv_members", "user_id", "education"),
    COL("sv_members", "school_id", "education"),
    COL("sv_members", "grade", "education"),
    COL("sv_members", "class_id", "education"),
    COL("sv_members", "last_week", "education"),
    /* sv_groups: students and skills mastered per group (counts, no one named) */
    TABLE("sv_groups", "derived", "learning", "learning"),
    COL("sv_groups", "district_id", "none"),
    COL("sv_groups", "school_id", "none"),
    COL("sv_groups", "grade", "none"),
    COL("sv_groups", "class_id", "none"),
    COL("sv_groups", "students", "none"),
    COL("sv_groups", "mastered", "none"),
    /* sv_weeks: practice per group and week (counts, no one named) */
    TABLE("sv_weeks", "derived", "learning", "learning"),
    COL("sv_weeks", "district_id", "none"),
    COL("sv_weeks", "school_id", "none"),
    COL("sv_weeks", "grade", "none"),
    COL("sv_weeks", "class_id", "none"),
    COL("sv_weeks", "week", "none"),
    COL("sv_weeks", "active", "none"),
    COL("sv_weeks", "last", "none"),
    COL("sv_weeks", "seconds", "none"),
    COL("sv_weeks", "net", "none"),
    COL("sv_weeks", "act_seconds", "none"),
    COL("sv_weeks", "act_net", "none"),
};
/* clang-format on */

static const struct inv_key categories[] = {
    {"none", "Not about a person: identifiers, dates of records, settings and content."},
    {"directory", "Names, school, grade, classes and roles, from the district's roster."},
    {"contact", "E-mail address and phone numbers, from the district's roster."},
    {"demographic", "Demographic details from the roster (such as birth date, sex, race and "
                    "ethnicity), and pronouns."},
    {"education", "Learning records: answers, hints, time spent, mastery of skills, "
                  "assignments."},
    {"connectivity", "A family's answers about the devices and internet at home, referrals to "
                     "low-cost internet programmes, and who came to digital-skills sessions."},
    {"devices", "Which school device or hotspot a person was lent, its condition, damage and "
                "losses, and a guardian's acknowledgement of the device agreement."},
    {"professional", "Staff's professional learning: micro-credentials awarded, the evidence "
                     "submitted for them and the assessors' scores."},
    {"account", "Account details: login name, language, roles, sign-in times and addresses, "
                "login cards."},
    {"credential", "Secrets that prove who someone is: digests of passwords and codes, "
                   "second-factor secrets."},
    {"audit", "The record of who saw or changed a student's records, when and why."},
};

static const struct inv_key retentions[] = {
    {"roster", "As long as the district's roster lists the person; a record the roster removes "
               "is marked deleted and kept until the district deletes it."},
    {"learning", "Until the district deletes it (trellis lrs delete: one learner's records, or "
                 "all stored before a date)."},
    {"derived", "Computed from the learning records, and deleted with them."},
    {"account", "As long as the account exists."},
    {"session", "Until the session ends (sign-out or time-out); ended sessions stay as a record "
                "of sign-ins while the account exists."},
    {"security", "Used for the sign-in and export limits (an hour to 90 days); old rows are not "
                 "removed automatically yet."},
    {"audit", "For good: the audit log is append-only (FERPA asks that it be kept as long as the "
              "records it concerns)."},
    {"content", "As long as the district uses the content."},
    {"operations", "As long as Trellis runs for the district."},
    {"equity", "Until the district deletes it; nothing removes it automatically yet."},
    {"professional", "Until the district deletes it; a credential's public status stays published "
                     "so that it can still be checked."},
    {"equipment", "Equipment bought with federal funds: at least 10 years after purchase (and it "
                  "cannot be deleted before); other equipment until the district deletes it."},
};

static const struct inv_key whos[] = {
    {"everyone", "Everyone who signs in to the district."},
    {"roster", "The person, a student's guardians, their teachers, counsellors, and school and "
               "district administrators."},
    {"contact", "The person, a student's guardians, counsellors, district administrators and "
                "roster applications the district allows; sealed, and opened only for them."},
    {"learning", "The student, the student's guardians and teachers, counsellors, and school and "
                 "district administrators; school and district overviews show groups only, "
                 "small groups hidden."},
    {"account", "The account holder and the district's administrators."},
    {"cards", "The student, the student's teachers (to print login cards) and administrators."},
    {"admin", "The district's administrators."},
    {"audit", "The district's administrators (school administrators for their school); "
              "guardians see who looked at their child's records."},
    {"operator", "Only Trellis itself and the people who run the server."},
    {"nobody", "Nobody: kept only as a digest or sealed, to check what someone types."},
    {"equity", "The student's guardians, the counsellors and administrators of the student's "
               "school, and district administrators; not teachers. School and district figures "
               "show groups only, and hide small groups."},
    {"professional",
     "The staff member, PD coordinators, coaches of the staff member's school and district "
     "administrators; a credential the holder shares, anyone with its link."},
    {"devices", "The person who was lent it, a student's guardians, teachers and counsellors, and "
                "school and district administrators."},
};

static const struct inv_key purposes[] = {
    {"roster", "To know who is in which school and class (from the district's roster)."},
    {"contact", "Kept from the district's roster so roster exports can give it back and learning "
                "records can be matched by e-mail; Trellis sends no e-mail or messages."},
    {"learning", "To give each student practice at the right level and to show progress to the "
                 "student, the family and teachers."},
    {"assignments", "So teachers can give practice to a class and see who finished it."},
    {"sign_in", "To let people sign in and keep their accounts safe."},
    {"security", "To protect accounts and student records (sign-in limits, the bulk-export "
                 "tripwire)."},
    {"audit", "To record who saw or changed student records (FERPA 34 CFR 99.32)."},
    {"content", "The practice problems and skills."},
    {"operations", "To run Trellis."},
    {"equity", "To find households that need a device or a better internet connection, help "
               "them, and see whether gaps in access hold learning back."},
    {"professional", "To recognise what staff have learned, and let them prove it with a "
                     "credential anyone can verify."},
    {"devices", "To know who has which school device or hotspot, get it back when it is due, and "
                "see who still needs one."},
};

size_t store_inventory_count(void)
{
    size_t n = 0;
    for (size_t i = 0; i < ARRAY_SIZE(inventory); i++)
        n += inventory[i].column != NULL;
    return n;
}

bool store_inventory_is_sealed(const char *table, const char *column)
{
    size_t n = strlen(column);
    if (strcmp(table, "demographics") == 0 && strcmp(column, "sealed") == 0)
        return true;
    return n > 7 && strcmp(column + n - 7, "_sealed") == 0;
}

/* Row i (a column) with its table's keys filled in. */
static int resolve(size_t i, struct inv_column *ret)
{
    const struct inv_column *c = &inventory[i];
    size_t t = i;

    while (t > 0 && inventory[t].column)
        t--;
    if (inventory[t].column || strcmp(inventory[t].table, c->table) != 0)
        return -EINVAL;
    *ret = *c;
    if (!ret->retention)
        ret->retention = inventory[t].retention;
    if (!ret->who)
        ret->who = inventory[t].who;
    if (!ret->purpose)
        ret->purpose = inventory[t].purpose;
    ret->sealed = store_inventory_is_sealed(c->table, c->column);
    return 0;
}

int store_inventory_get(size_t i, struct inv_column *ret)
{
    for (size_t k = 0; k < ARRAY_SIZE(inventory); k++) {
        if (!inventory[k].column)
            continue;
        if (i-- == 0)
            return resolve(k, ret);
    }
    return -ENOENT;
}

int store_inventory_find(const char *table, const char *column, struct inv_column *ret)
{
    for (size_t k = 0; k < ARRAY_SIZE(inventory); k++)
        if (inventory[k].column && strcmp(inventory[k].table, table) == 0 &&
            strcmp(inventory[k].column, column) == 0)
            return resolve(k, ret);
    return -ENOENT;
}

const struct inv_key *store_inventory_keys(enum inv_key_kind kind, size_t *ret_n)
{
    switch (kind) {
    case INV_KEY_CATEGORY:
        *ret_n = ARRAY_SIZE(categories);
        return categories;
    case INV_KEY_RETENTION:
        *ret_n = ARRAY_SIZE(retentions);
        return retentions;
    case INV_KEY_WHO:
        *ret_n = ARRAY_SIZE(whos);
        return whos;
    case INV_KEY_PURPOSE:
        *ret_n = ARRAY_SIZE(purposes);
        return purposes;
    }
    *ret_n = 0;
    return NULL;
}

const char *store_inventory_key_text(enum inv_key_kind kind, const char *key)
{
    size_t n;
    const struct inv_key *k = store_inventory_keys(kind, &n);
    for (size_t i = 0; key && i < n; i++)
        if (strcmp(k[i].key, key) == 0)
            return k[i].text;
    return NULL;
}

int store_schema_columns(struct db *db,
                         int (*fn)(const char *table, const char *column, bool is_blob, void *arg),
                         void *arg)
{
    /* SQLite: its own tables (sqlite_*) are not the schema's; PostgreSQL: the tables of the
       schema the connection uses (the migrations create them there) */
    static const char sql_sqlite[] =
        "SELECT m.name, p.name, upper(p.type) = 'BLOB' FROM sqlite_master m, "
        "pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' "
        "ESCAPE '\\' ORDER BY m.name, p.cid";
    static const char sql_pg[] =
        "SELECT c.table_name::text, c.column_name::text, "
        "CASE WHEN c.data_type = 'bytea' THEN 1 ELSE 0 END FROM information_schema.columns c "
        "JOIN information_schema.tables t ON t.table_schema = c.table_schema AND "
        "t.table_name = c.table_name WHERE c.table_schema = current_schema() AND "
        "t.table_type = 'BASE TABLE' ORDER BY c.table_name, c.ordinal_position";
    struct db_stmt *st;
    int r = db_query(db, &st, db_dialect(db) == DB_POSTGRESQL ? sql_pg : sql_sqlite, "");
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        r = fn(db_col_text(st, 0), db_col_text(st, 1), db_col_int64(st, 2) != 0, arg);
        if (r < 0)
            break;
    }
    db_done(st);
    return r < 0 ? r : 0;
}

int store_inventory_sample(struct db *db, const struct inv_column *c,
                           int (*fn)(const void *p, size_t n, void *arg), void *arg)
{
    struct db_stmt *st;
    int r = db_query(db, &st, c->sealed ? c->all_sql : c->sample_sql, "");
    if (r < 0)
        return r;
    while ((r = db_step(st)) > 0) {
        size_t n = 0;
        const void *p = db_col_blob(st, 0, &n);
        r = fn(p, n, arg);
        if (r < 0)
            break;
    }
    db_done(st);
    return r < 0 ? r : 0;
}

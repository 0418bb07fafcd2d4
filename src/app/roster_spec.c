/*
 * The OneRoster CSV tables as data: see roster_spec.h.
 */
#include "base/common.h"

#include "app/roster.h"
#include "app/roster_spec.h"

static const char *const E_STATUS[] = {"active", "tobedeleted", NULL};
static const char *const E_ORGTYPE[] = {"department", "district", "local", "national",
                                        "school",     "state",    NULL};
static const char *const E_SESSTYPE[] = {"gradingPeriod", "semester", "schoolYear", "term", NULL};
static const char *const E_CLASSTYPE[] = {"homeroom", "scheduled", NULL};
const char *const roster_spec_role11[] = {"administrator", "aide",    "guardian",
                                          "parent",        "proctor", "relative",
                                          "student",       "teacher", NULL};
const char *const roster_spec_role12[] = {"aide",
                                          "counselor",
                                          "districtAdministrator",
                                          "guardian",
                                          "parent",
                                          "principal",
                                          "proctor",
                                          "relative",
                                          "siteAdministrator",
                                          "student",
                                          "systemAdministrator",
                                          "teacher",
                                          NULL};
static const char *const E_ROLETYPE[] = {"primary", "secondary", NULL};
static const char *const E_ENRROLE[] = {"administrator", "proctor", "student", "teacher", NULL};
static const char *const E_SEX11[] = {"female", "male", NULL};
static const char *const E_SEX12[] = {"female", "male", "other", "unspecified", NULL};

#define HEAD                                                                                    \
    {"sourcedId", T_ID, true, NULL, false, 0}, {"status", T_STATUS, false, E_STATUS, false, 0}, \
    {                                                                                           \
        "dateLastModified", T_DLM, false, NULL, false, 0                                        \
    }
#define TXT(n, r)                    \
    {                                \
        n, T_TEXT, r, NULL, false, 0 \
    }
#define ENUM(n, r, e, x)      \
    {                         \
        n, T_ENUM, r, e, x, 0 \
    }
#define DATE(n, r)                   \
    {                                \
        n, T_DATE, r, NULL, false, 0 \
    }
#define BOOL(n, r)                   \
    {                                \
        n, T_BOOL, r, NULL, false, 0 \
    }
#define REF(n, r, k)                \
    {                               \
        n, T_REF, r, NULL, false, k \
    }
#define REFS(n, r, k)                \
    {                                \
        n, T_REFS, r, NULL, false, k \
    }

static const struct col C_ORGS[] = {HEAD, TXT("name", true), ENUM("type", true, E_ORGTYPE, true),
                                    TXT("identifier", false),
                                    REF("parentSourcedId", false, RK_ORG)};
static const struct col C_SESSIONS[] = {HEAD,
                                        TXT("title", true),
                                        ENUM("type", true, E_SESSTYPE, true),
                                        DATE("startDate", true),
                                        DATE("endDate", true),
                                        REF("parentSourcedId", false, RK_SESSION),
                                        {"schoolYear", T_YEAR, true, NULL, false, 0}};
static const struct col C_COURSES[] = {HEAD,
                                       REF("schoolYearSourcedId", false, RK_SESSION),
                                       TXT("title", true),
                                       TXT("courseCode", false),
                                       TXT("grades", false),
                                       REF("orgSourcedId", true, RK_ORG),
                                       TXT("subjects", false),
                                       TXT("subjectCodes", false)};
static const struct col C_CLASSES[] = {HEAD,
                                       TXT("title", true),
                                       TXT("grades", false),
                                       REF("courseSourcedId", true, RK_COURSE),
                                       TXT("classCode", false),
                                       ENUM("classType", true, E_CLASSTYPE, true),
                                       TXT("location", false),
                                       REF("schoolSourcedId", true, RK_ORG),
                                       REFS("termSourcedIds", true, RK_SESSION),
                                       TXT("subjects", false),
                                       TXT("subjectCodes", false),
                                       TXT("periods", false)};
static const struct col C_USERS11[] = {HEAD,
                                       BOOL("enabledUser", true),
                                       REFS("orgSourcedIds", true, RK_ORG),
                                       ENUM("role", true, roster_spec_role11, false),
                                       TXT("username", true),
                                       TXT("userIds", false),
                                       TXT("givenName", true),
                                       TXT("familyName", true),
                                       TXT("middleName", false),
                                       TXT("identifier", false),
                                       TXT("email", false),
                                       TXT("sms", false),
                                       TXT("phone", false),
                                       REFS("agentSourcedIds", false, RK_USER),
                                       TXT("grades", false),
                                       {"password", T_PASSWORD, false, NULL, false, 0}};
static const struct col C_USERS12[] = {HEAD,
                                       BOOL("enabledUser", true),
                                       TXT("username", true),
                                       TXT("userIds", false),
                                       TXT("givenName", true),
                                       TXT("familyName", true),
                                       TXT("middleName", false),
                                       TXT("identifier", false),
                                       TXT("email", false),
                                       TXT("sms", false),
                                       TXT("phone", false),
                                       REFS("agentSourcedIds", false, RK_USER),
                                       TXT("grades", false),
                                       {"password", T_PASSWORD, false, NULL, false, 0},
                                       TXT("userMasterIdentifier", false),
                                       TXT("preferredGivenName", false),
                                       TXT("preferredMiddleName", false),
                                       TXT("preferredFamilyName", false),
                                       REF("primaryOrgSourcedId", false, RK_ORG),
                                       TXT("pronouns", false)};
static const struct col C_PROFILES[] = {HEAD,
                                        REF("userSourcedId", true, RK_USER),
                                        TXT("profileType", true),
                                        TXT("vendorId", true),
                                        TXT("applicationId", false),
                                        TXT("description", false),
                                        TXT("credentialType", false),
                                        TXT("username", true),
                                        {"password", T_PASSWORD, false, NULL, false, 0}};
static const struct col C_ROLES[] = {HEAD,
                                     REF("userSourcedId", true, RK_USER),
                                     ENUM("roleType", true, E_ROLETYPE, false),
                                     ENUM("role", true, roster_spec_role12, true),
                                     DATE("beginDate", false),
                                     DATE("endDate", false),
                                     REF("orgSourcedId", true, RK_ORG),
                                     REF("userProfileSourcedId", false, RK_PROFILE)};
static const struct col C_ENROLLMENTS[] = {HEAD,
                                           REF("classSourcedId", true, RK_CLASS),
                                           REF("schoolSourcedId", true, RK_ORG),
                                           REF("userSourcedId", true, RK_USER),
                                           ENUM("role", true, E_ENRROLE, false),
                                           BOOL("primary", false),
                                           DATE("beginDate", false),
                                           DATE("endDate", false)};
static const struct col C_DEMO11[] = {HEAD,
                                      DATE("birthDate", false),
                                      ENUM("sex", false, E_SEX11, false),
                                      BOOL("americanIndianOrAlaskaNative", false),
                                      BOOL("asian", false),
                                      BOOL("blackOrAfricanAmerican", false),
                                      BOOL("nativeHawaiianOrOtherPacificIslander", false),
                                      BOOL("white", false),
                                      BOOL("demographicRaceTwoOrMoreRaces", false),
                                      BOOL("hispanicOrLatinoEthnicity", false),
                                      TXT("countryOfBirthCode", false),
                                      TXT("stateOfBirthAbbreviation", false),
                                      TXT("cityOfBirth", false),
                                      TXT("publicSchoolResidenceStatus", false)};
static const struct col C_DEMO12[] = {HEAD,
                                      DATE("birthDate", false),
                                      ENUM("sex", false, E_SEX12, false),
                                      BOOL("americanIndianOrAlaskaNative", false),
                                      BOOL("asian", false),
                                      BOOL("blackOrAfricanAmerican", false),
                                      BOOL("nativeHawaiianOrOtherPacificIslander", false),
                                      BOOL("white", false),
                                      BOOL("demographicRaceTwoOrMoreRaces", false),
                                      BOOL("hispanicOrLatinoEthnicity", false),
                                      TXT("countryOfBirthCode", false),
                                      TXT("stateOfBirthAbbreviation", false),
                                      TXT("cityOfBirth", false),
                                      TXT("publicSchoolResidenceStatus", false)};

#define FD(k, n, m, only, a, b)                           \
    {                                                     \
        k, n, m, only, a, b, ARRAY_SIZE(a), ARRAY_SIZE(b) \
    }
/* processing order: every file's references point to files before it (or to itself) */
const struct fdesc roster_spec_files[RK_COUNT] = {
    FD(RK_ORG, "orgs.csv", "file.orgs", false, C_ORGS, C_ORGS),
    FD(RK_SESSION, "academicSessions.csv", "file.academicSessions", false, C_SESSIONS, C_SESSIONS),
    FD(RK_COURSE, "courses.csv", "file.courses", false, C_COURSES, C_COURSES),
    FD(RK_CLASS, "classes.csv", "file.classes", false, C_CLASSES, C_CLASSES),
    FD(RK_USER, "users.csv", "file.users", false, C_USERS11, C_USERS12),
    FD(RK_PROFILE, "userProfiles.csv", "file.userProfiles", true, C_PROFILES, C_PROFILES),
    FD(RK_ROLE, "roles.csv", "file.roles", true, C_ROLES, C_ROLES),
    FD(RK_ENROLLMENT, "enrollments.csv", "file.enrollments", false, C_ENROLLMENTS, C_ENROLLMENTS),
    FD(RK_DEMOGRAPHIC, "demographics.csv", "file.demographics", false, C_DEMO11, C_DEMO12),
};

/* Manifest files Trellis does not import (gradebook and resources): accepted, ignored. */
/* OneRoster 1.1 CSV Tables Table 2.1 lists the 1.1 files; the 1.2 CSV Binding adds the rest */
const struct roster_other_file roster_spec_other_files[ROSTER_SPEC_N_OTHER] = {
    {"file.categories", false},
    {"file.classResources", false},
    {"file.courseResources", false},
    {"file.lineItems", false},
    {"file.resources", false},
    {"file.results", false},
    {"file.scoreScales", true},
    {"file.userResources", true},
    {"file.lineItemLearningObjectiveIds", true},
    {"file.lineItemScoreScales", true},
    {"file.resultLearningObjectiveIds", true},
    {"file.resultScoreScales", true},
};

const char *const roster_spec_noun[RK_COUNT] = {
    "org",        "academic session",   "course", "class", "user", "user profile", "role",
    "enrollment", "demographics record"};

const char *const roster_spec_demo_fields[ROSTER_SPEC_N_DEMO] = {
    "birthDate",
    "sex",
    "americanIndianOrAlaskaNative",
    "asian",
    "blackOrAfricanAmerican",
    "nativeHawaiianOrOtherPacificIslander",
    "white",
    "demographicRaceTwoOrMoreRaces",
    "hispanicOrLatinoEthnicity",
    "countryOfBirthCode",
    "stateOfBirthAbbreviation",
    "cityOfBirth",
    "publicSchoolResidenceStatus"};

const char *roster_file_name(enum roster_kind k)
{
    return roster_spec_files[k].name;
}

size_t roster_columns(enum roster_kind k, bool v12, const char **names, size_t max)
{
    const struct col *c = v12 ? roster_spec_files[k].c12 : roster_spec_files[k].c11;
    size_t n = v12 ? roster_spec_files[k].n12 : roster_spec_files[k].n11;
    for (size_t i = 0; i < n && i < max; i++)
        names[i] = c[i].name;
    return n;
}

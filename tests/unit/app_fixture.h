/*
 * A fixture district for the app tests, imported through the real roster
 * import (OneRoster 1.2 CSV in memory) into a temporary database (the clock
 * is 2026-03-02; the current term runs 2025-08-18 to 2026-06-05, the past
 * one 2024-08-18 to 2025-06-05):
 *   district d1 with schools s1 and s2; district d2 with student x
 *   class c1 (s1, current): teacher t1, students a and b
 *   class c2 (s2, current): teacher t2, student c
 *   class c3 (s1, past term only): teacher t1, student d (in s1)
 *   guardian g of a (agentSourcedIds on a); counsellor k, school admin m at s1;
 *   district admin z at d1.
 * Include once per test program; setup() and teardown() are group fixtures.
 */
#ifndef TRELLIS_TEST_APP_FIXTURE_H
#define TRELLIS_TEST_APP_FIXTURE_H

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "app/principal.h"
#include "app/roster.h"
#include "base/arena.h"
#include "base/config.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "store/store.h"
#include "store/store_people.h"

static const char manifest[] =
    "propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\n"
    "file.academicSessions,bulk\nfile.categories,absent\nfile.classes,bulk\n"
    "file.classResources,absent\nfile.courses,bulk\nfile.courseResources,absent\n"
    "file.demographics,absent\nfile.enrollments,bulk\nfile.lineItems,absent\n"
    "file.orgs,bulk\nfile.resources,absent\nfile.results,absent\nfile.roles,bulk\n"
    "file.userProfiles,absent\nfile.users,bulk\n"
    "source.systemName,Access test\nsource.systemCode,t\n";

static const char orgs[] =
    "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n"
    "d1,,,District One,district,,\n"
    "s1,,,School One,school,,d1\n"
    "s2,,,School Two,school,,d1\n";

static const char sessions[] = "sourcedId,status,dateLastModified,title,type,startDate,endDate,"
                               "parentSourcedId,schoolYear\n"
                               "now,,,2025-26,schoolYear,2025-08-18,2026-06-05,,2026\n"
                               "past,,,2024-25,schoolYear,2024-08-18,2025-06-05,,2025\n";

static const char courses[] = "sourcedId,status,dateLastModified,schoolYearSourcedId,title,"
                              "courseCode,grades,orgSourcedId,subjects,subjectCodes\n"
                              "k1,,,now,Math,M,03,s1,,\n"
                              "k2,,,now,Math,M,03,s2,,\n";

static const char classes[] = "sourcedId,status,dateLastModified,title,grades,courseSourcedId,"
                              "classCode,classType,location,schoolSourcedId,termSourcedIds,"
                              "subjects,subjectCodes,periods\n"
                              "c1,,,Class One,03,k1,C1,scheduled,,s1,now,,,1\n"
                              "c2,,,Class Two,03,k2,C2,scheduled,,s2,now,,,1\n"
                              "c3,,,Class Three,03,k1,C3,scheduled,,s1,past,,,2\n";

static const char users[] =
    "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,"
    "middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,"
    "userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,"
    "primaryOrgSourcedId,pronouns\n"
    "a,,,true,a,,Ada,A,,,a@x.example,,,g,03,,,,,,s1,\n"
    "b,,,true,b,,Ben,B,,,,,,,03,,,,,,s1,\n"
    "c,,,true,c,,Cy,C,,,,,,,03,,,,,,s2,\n"
    "d,,,true,d,,Di,D,,,,,,,03,,,,,,s1,\n"
    "g,,,true,g,,Gus,G,,,,,,,,,,,,,s1,\n"
    "t1,,,true,t1,,Tia,T,,,,,,,,,,,,,s1,\n"
    "t2,,,true,t2,,Tom,T,,,,,,,,,,,,,s2,\n"
    "k,,,true,k,,Kim,K,,,,,,,,,,,,,s1,\n"
    "m,,,true,m,,Max,M,,,,,,,,,,,,,s1,\n"
    "z,,,true,z,,Zoe,Z,,,,,,,,,,,,,d1,\n";

static const char roles[] = "sourcedId,status,dateLastModified,userSourcedId,roleType,role,"
                            "beginDate,endDate,orgSourcedId,userProfileSourcedId\n"
                            "ra,,,a,primary,student,,,s1,\n"
                            "rb,,,b,primary,student,,,s1,\n"
                            "rc,,,c,primary,student,,,s2,\n"
                            "rd,,,d,primary,student,,,s1,\n"
                            "rg,,,g,primary,parent,,,s1,\n"
                            "rt1,,,t1,primary,teacher,,,s1,\n"
                            "rt2,,,t2,primary,teacher,,,s2,\n"
                            "rk,,,k,primary,counselor,,,s1,\n"
                            "rm,,,m,primary,siteAdministrator,,,s1,\n"
                            "rz,,,z,primary,districtAdministrator,,,d1,\n";

static const char enrollments[] =
    "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,"
    "userSourcedId,role,primary,beginDate,endDate\n"
    "e1,,,c1,s1,t1,teacher,true,,\n"
    "e2,,,c1,s1,a,student,false,,\n"
    "e3,,,c1,s1,b,student,false,,\n"
    "e4,,,c2,s2,t2,teacher,true,,\n"
    "e5,,,c2,s2,c,student,false,,\n"
    "e6,,,c3,s1,t1,teacher,true,,\n"
    "e7,,,c3,s1,d,student,false,,\n";

/* the second district, with one student */
static const char orgs2[] =
    "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n"
    "d2,,,District Two,district,,\n"
    "s9,,,School Nine,school,,d2\n";
static const char users2[] =
    "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,"
    "middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,"
    "userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,"
    "primaryOrgSourcedId,pronouns\n"
    "x,,,true,x,,Xi,X,,,,,,,03,,,,,,s9,\n";
static const char roles2[] = "sourcedId,status,dateLastModified,userSourcedId,roleType,role,"
                             "beginDate,endDate,orgSourcedId,userProfileSourcedId\n"
                             "rx,,,x,primary,student,,,s9,\n";
static const char manifest2[] =
    "propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\n"
    "file.academicSessions,absent\nfile.categories,absent\nfile.classes,absent\n"
    "file.classResources,absent\nfile.courses,absent\nfile.courseResources,absent\n"
    "file.demographics,absent\nfile.enrollments,absent\nfile.lineItems,absent\n"
    "file.orgs,bulk\nfile.resources,absent\nfile.results,absent\nfile.roles,bulk\n"
    "file.userProfiles,absent\nfile.users,bulk\n"
    "source.systemName,Access test two\nsource.systemCode,t2\n";

struct fixture {
    char path[64];
    struct config cfg;
    struct store *store;
    struct arena arena;
    struct ctx ctx;
    int64_t now;
    int64_t d1, d2;
    int64_t s1, s2;
    int64_t user[26]; /* by letter; t1 = 't', t2 = 'u', x = 'x' */
    int64_t c1, c2, c3;
};

static struct fixture F;

#define U(ch) F.user[(ch) - 'a']

static int import(const struct roster_memfile *files, size_t n)
{
    struct roster_source *src = NULL;
    struct roster_report rep;
    struct roster_import_opts o = {.as_operator = true, .source_label = "test"};
    struct principal op;
    const struct principal *was = F.ctx.who;
    int r = roster_source_memory(files, n, &src);
    principal_operator(&op, 0, "test");
    F.ctx.who = &op;
    if (r == 0)
        r = roster_import(&F.ctx, src, &o, &rep);
    F.ctx.who = was;
    for (size_t i = 0; i < rep.n_errors; i++)
        fprintf(stderr, "import: %s\n", rep.errors[i]);
    roster_report_release(&rep);
    roster_source_free(src);
    return r;
}

static int64_t sid(const char *s)
{
    int64_t id = 0;
    char *username = NULL;
    struct db *db;
    assert_int_equal(ctx_db(&F.ctx, &db), 0);
    int64_t dist = strcmp(s, "x") == 0 ? F.d2 : F.d1;
    if (store_user_by_sourced_id(db, dist, s, &id, &username) == 0) {
        mem_free(username);
        return id;
    }
    assert_int_equal(store_org_by_sourced_id(db, dist, s, &id), 0);
    return id;
}

static int64_t class_id(const char *s)
{
    /* classes are numbered in file order */
    return s[1] - '0';
}

static int setup(void **state)
{
    char err[256];
    (void)state;
    json_set_alloc_funcs(mem_alloc, mem_free);
    snprintf(F.path, sizeof(F.path), "/tmp/trellis-access-XXXXXX");
    int fd = mkstemp(F.path);
    assert_true(fd >= 0);
    close(fd);
    unlink(F.path);
    assert_int_equal(config_init(&F.cfg, "web"), 0);
    struct store_options so = {.create = true, .create_key = true, .pool_size = 4};
    assert_int_equal(store_open(F.path, &so, &F.store, err, sizeof(err)), 0);
    time_parse_iso8601(STR_LIT("2026-03-02T10:00:00Z"), false, &F.now, NULL);
    ctx_init(&F.ctx, F.store, &F.cfg, &F.arena, F.now, "test");
    struct roster_memfile one[] = {
        {"manifest.csv", manifest, sizeof(manifest) - 1},
        {"orgs.csv", orgs, sizeof(orgs) - 1},
        {"academicSessions.csv", sessions, sizeof(sessions) - 1},
        {"courses.csv", courses, sizeof(courses) - 1},
        {"classes.csv", classes, sizeof(classes) - 1},
        {"users.csv", users, sizeof(users) - 1},
        {"roles.csv", roles, sizeof(roles) - 1},
        {"enrollments.csv", enrollments, sizeof(enrollments) - 1},
    };
    assert_int_equal(import(one, ARRAY_SIZE(one)), 0);
    struct roster_memfile two[] = {
        {"manifest.csv", manifest2, sizeof(manifest2) - 1},
        {"orgs.csv", orgs2, sizeof(orgs2) - 1},
        {"users.csv", users2, sizeof(users2) - 1},
        {"roles.csv", roles2, sizeof(roles2) - 1},
    };
    assert_int_equal(import(two, ARRAY_SIZE(two)), 0);
    F.d1 = 1;
    F.d2 = 2;
    F.s1 = sid("s1");
    F.s2 = sid("s2");
    for (const char *p = "abcdgkmz"; *p; p++) {
        char s[2] = {*p, 0};
        U(*p) = sid(s);
    }
    U('t') = sid("t1");
    U('u') = sid("t2");
    U('x') = sid("x");
    F.c1 = class_id("c1");
    F.c2 = class_id("c2");
    F.c3 = class_id("c3");
    ctx_release(&F.ctx);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ctx_release(&F.ctx);
    store_close(F.store);
    arena_release(&F.arena);
    config_release(&F.cfg);
    unlink(F.path);
    char p[96];
    snprintf(p, sizeof(p), "%s.key", F.path);
    unlink(p);
    snprintf(p, sizeof(p), "%s-wal", F.path);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", F.path);
    unlink(p);
    return 0;
}

#endif

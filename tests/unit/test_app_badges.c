/*
 * app/badges: who may award, revoke, list and export micro-credentials
 * (the gate's RES_CREDENTIALS rows: a PD coordinator anywhere in the
 * district, a coach at the holder's school, never on their own record; the
 * holder reads and exports their own), that only teachers receive them, and
 * that an award verifies with the district's keys until it is revoked
 * (Bitstring Status List: the status list's bit is set).
 */
#include "test.h"

#include "app/access.h"
#include "app/badges.h"
#include "app/principal.h"
#include "app_fixture.h"

static struct principal_grant g_pd[1], g_coach[1], g_teacher[1];

/* t2 (teacher at s2) who is also the district's PD coordinator */
static const struct principal *pd(struct principal *p)
{
    memset(p, 0, sizeof(*p));
    p->kind = PRINCIPAL_USER;
    p->district_id = F.d1;
    p->user_id = U('u');
    p->name = "t2";
    p->roles = ROLE_TEACHER | ROLE_PD_COORDINATOR;
    g_pd[0] = (struct principal_grant){ROLE_PD_COORDINATOR, 0};
    p->grants = g_pd;
    p->n_grants = 1;
    return p;
}

/* t1 (teacher at s1) as the coach of s1 */
static const struct principal *coach(struct principal *p)
{
    memset(p, 0, sizeof(*p));
    p->kind = PRINCIPAL_USER;
    p->district_id = F.d1;
    p->user_id = U('t');
    p->name = "t1";
    p->roles = ROLE_TEACHER | ROLE_COACH;
    g_coach[0] = (struct principal_grant){ROLE_COACH, F.s1};
    p->grants = g_coach;
    p->n_grants = 1;
    return p;
}

static const struct principal *teacher(struct principal *p, int64_t user)
{
    memset(p, 0, sizeof(*p));
    p->kind = PRINCIPAL_USER;
    p->district_id = F.d1;
    p->user_id = user;
    p->name = "teacher";
    p->roles = ROLE_TEACHER;
    g_teacher[0] = (struct principal_grant){ROLE_TEACHER, F.s1};
    p->grants = g_teacher;
    p->n_grants = 1;
    return p;
}

static int check(const struct principal *who, enum access_action a, int64_t holder)
{
    struct access_resource res = {RES_CREDENTIALS, 0, holder};
    F.ctx.who = who;
    F.ctx.err[0] = '\0';
    int r = access_check(&F.ctx, a, &res, NULL);
    ctx_release(&F.ctx);
    return r;
}

static void test_policy(void **state)
{
    struct principal p;
    (void)state;
    /* the PD coordinator awards anyone in the district, never themselves */
    assert_int_equal(check(pd(&p), ACT_WRITE, U('t')), 0);
    assert_int_equal(check(pd(&p), ACT_WRITE, U('u')), -EACCES);
    assert_non_null(strstr(F.ctx.err, "their own"));
    /* a coach at the holder's school only, never themselves */
    assert_int_equal(check(coach(&p), ACT_WRITE, U('m')), 0);
    assert_int_equal(check(coach(&p), ACT_WRITE, U('t')), -EACCES);
    assert_int_equal(check(coach(&p), ACT_WRITE, U('u')), -ENOENT);
    /* a plain teacher reads and exports their own, awards nothing */
    assert_int_equal(check(teacher(&p, U('t')), ACT_READ, U('t')), 0);
    assert_int_equal(check(teacher(&p, U('t')), ACT_EXPORT, U('t')), 0);
    assert_int_equal(check(teacher(&p, U('t')), ACT_WRITE, U('t')), -EACCES);
    assert_int_equal(check(teacher(&p, U('t')), ACT_READ, U('u')), -ENOENT);
    /* nobody logged in */
    assert_int_equal(check(NULL, ACT_READ, U('t')), -EPERM);
}

static void test_award_verify_revoke(void **state)
{
    struct principal p, op;
    struct badge_verdict v;
    int64_t ach = 0, id = 0;
    char *jwt = NULL;
    json_t *list = NULL;
    (void)state;

    principal_operator(&op, F.d1, "test");
    F.ctx.who = &op;
    assert_int_equal(badges_define(&F.ctx, "heatmap", "Small groups from the heat map",
                                   "Plans small groups from class mastery data",
                                   "Forms and re-forms small groups from mastery data", "", "",
                                   NULL, 0, &ach),
                     0);
    /* a bad slug names the field and changes nothing */
    assert_int_equal(badges_define(&F.ctx, "Heat Map", "x", "x", "x", "", "", NULL, 0, &ach),
                     -EINVAL);
    assert_non_null(strstr(F.ctx.err, "slug"));

    struct badge_award a = {.recipient_id = U('t'), .achievement_slug = "heatmap"};
    F.ctx.who = pd(&p);
    assert_int_equal(badges_award(&F.ctx, &a, &id), 0);
    ctx_release(&F.ctx);
    /* students get none; the coordinator none of their own */
    struct badge_award to_student = {.recipient_id = U('a'), .achievement_slug = "heatmap"};
    assert_int_equal(badges_award(&F.ctx, &to_student, &id), -EINVAL);
    ctx_release(&F.ctx);
    struct badge_award to_self = {.recipient_id = U('u'), .achievement_slug = "heatmap"};
    int64_t none = 0;
    assert_int_equal(badges_award(&F.ctx, &to_self, &none), -EACCES);
    ctx_release(&F.ctx);
    /* a teacher cannot award */
    F.ctx.who = teacher(&p, U('t'));
    assert_int_equal(badges_award(&F.ctx, &a, &none), -EACCES);
    ctx_release(&F.ctx);

    /* the holder exports it; it verifies with the district's keys */
    assert_int_equal(badges_export(&F.ctx, id, &jwt), 0);
    ctx_release(&F.ctx);
    assert_int_equal(badges_verify_local(&F.ctx, jwt, strlen(jwt), &v), 0);
    ctx_release(&F.ctx);
    assert_true(v.verified);
    assert_string_equal(v.status, "active");
    assert_string_equal(v.achievement, "Small groups from the heat map");
    /* the holder lists it */
    assert_int_equal(badges_list(&F.ctx, U('t'), &list), 0);
    ctx_release(&F.ctx);
    assert_int_equal(json_array_size(list), 1);
    json_decref(list);
    /* the holder cannot revoke it; the coordinator can, once */
    assert_int_equal(badges_revoke(&F.ctx, id, "test"), -EACCES);
    ctx_release(&F.ctx);
    F.ctx.who = pd(&p);
    assert_int_equal(badges_revoke(&F.ctx, id, ""), -EINVAL);
    assert_int_equal(badges_revoke(&F.ctx, id, "evidence was not the applicant's"), 0);
    ctx_release(&F.ctx);
    assert_int_equal(badges_revoke(&F.ctx, id, "again"), -EEXIST);
    ctx_release(&F.ctx);
    assert_int_equal(badges_verify_local(&F.ctx, jwt, strlen(jwt), &v), 0);
    ctx_release(&F.ctx);
    assert_false(v.verified);
    assert_string_equal(v.status, "revoked");
    /* and the public status list says so at the credential's index */
    json_t *sl = NULL;
    assert_int_equal(badges_status_list(&F.ctx, F.d1, &sl), 0);
    ctx_release(&F.ctx);
    const char *enc =
        json_string_value(json_object_get(json_object_get(sl, "credentialSubject"), "encodedList"));
    assert_int_equal(badge_status_bit(enc, v.status_index), 1);
    assert_int_equal(badge_status_bit(enc, v.status_index + 1), 0);
    json_decref(sl);
    mem_free(jwt);
}

/* A cohort is stored whole or not at all; each gets its own status index. */
static void test_award_many(void **state)
{
    struct principal p;
    json_t *list = NULL;
    int64_t ids[3] = {0};
    (void)state;
    F.ctx.who = pd(&p);
    assert_int_equal(badges_list(&F.ctx, U('t'), &list), 0);
    ctx_release(&F.ctx);
    size_t before = json_array_size(list);
    json_decref(list);
    struct badge_award bad[3] = {{.recipient_id = U('t'), .achievement_slug = "heatmap"},
                                 {.recipient_id = U('a'), .achievement_slug = "heatmap"},
                                 {.recipient_id = U('t'), .achievement_slug = "heatmap"}};
    assert_int_equal(badges_award_many(&F.ctx, bad, 3, ids), -EINVAL);
    ctx_release(&F.ctx);
    assert_int_equal(badges_list(&F.ctx, U('t'), &list), 0);
    ctx_release(&F.ctx);
    assert_int_equal(json_array_size(list), before);
    json_decref(list);
    bad[1].recipient_id = U('t');
    assert_int_equal(badges_award_many(&F.ctx, bad, 3, ids), 0);
    ctx_release(&F.ctx);
    assert_true(ids[0] && ids[1] && ids[2] && ids[0] != ids[1] && ids[1] != ids[2]);
    assert_int_equal(badges_list(&F.ctx, U('t'), &list), 0);
    ctx_release(&F.ctx);
    assert_int_equal(json_array_size(list), before + 3);
    json_decref(list);
    /* distinct status indexes: each verifies with its own entry */
    char *jwt = NULL;
    int64_t seen[3];
    for (int i = 0; i < 3; i++) {
        struct badge_verdict v;
        F.ctx.who = teacher(&p, U('t'));
        assert_int_equal(badges_export(&F.ctx, ids[i], &jwt), 0);
        ctx_release(&F.ctx);
        assert_int_equal(badges_verify_local(&F.ctx, jwt, strlen(jwt), &v), 0);
        ctx_release(&F.ctx);
        assert_true(v.verified);
        seen[i] = v.status_index;
        mem_free(jwt);
    }
    assert_true(seen[0] != seen[1] && seen[1] != seen[2] && seen[0] != seen[2]);
}

/* A cohort large enough to be signed on several threads: every credential verifies. */
static void test_award_many_threads(void **state)
{
    enum { N = 70 };
    struct badge_award aw[N];
    int64_t ids[N];
    struct principal p;
    (void)state;
    for (int i = 0; i < N; i++)
        aw[i] = (struct badge_award){.recipient_id = U('t'), .achievement_slug = "heatmap"};
    F.ctx.who = pd(&p);
    assert_int_equal(badges_award_many(&F.ctx, aw, N, ids), 0);
    ctx_release(&F.ctx);
    F.ctx.who = NULL;
    for (int i = 0; i < N; i++) {
        struct principal op;
        struct badge_verdict v;
        char *jwt = NULL;
        principal_operator(&op, F.d1, "test");
        F.ctx.who = &op;
        assert_int_equal(badges_export(&F.ctx, ids[i], &jwt), 0);
        ctx_release(&F.ctx);
        assert_int_equal(badges_verify_local(&F.ctx, jwt, strlen(jwt), &v), 0);
        ctx_release(&F.ctx);
        if (!v.verified)
            fail_msg("credential %d of the cohort: %s", i, v.reason);
        mem_free(jwt);
    }
}

/*
 * The evidence workflow: a teacher submits, an assessor who is not the applicant scores
 * each rubric row with feedback; a returned submission is submitted again; a pass awards.
 */
static void test_evidence_workflow(void **state)
{
    static const char *const rubric[] = {"A lesson plan from the heat map",
                                         "Work samples, names removed", "A reflection"};
    struct principal p, op;
    int64_t ach = 0, sub = 0, sub2 = 0, cred = 0, none = 0;
    const char *st = NULL;
    json_t *view = NULL;
    (void)state;

    principal_operator(&op, F.d1, "test");
    F.ctx.who = &op;
    assert_int_equal(badges_define(&F.ctx, "lesson-study", "Lesson study", "Plans with peers",
                                   "Plans, teaches and refines a lesson with peers", "", "", rubric,
                                   3, &ach),
                     0);
    ctx_release(&F.ctx);

    F.ctx.who = teacher(&p, U('t'));
    json_t *ev = json_pack("{s:s, s:s}", "lesson_plan", "plan", "work_samples", "samples");
    assert_int_equal(badges_submit(&F.ctx, "lesson-study", ev, &sub), -EINVAL);
    assert_non_null(strstr(F.ctx.err, "reflection"));
    json_object_set_new(ev, "reflection", json_string("what I learned"));
    assert_int_equal(badges_submit(&F.ctx, "lesson-study", ev, &sub), 0);
    ctx_release(&F.ctx);
    assert_int_equal(badges_submit(&F.ctx, "lesson-study", ev, &none), -EEXIST);
    ctx_release(&F.ctx);

    json_t *half =
        json_pack("[{s:i, s:b, s:s}, {s:i, s:b, s:s}, {s:i, s:b, s:s}]", "row", 1, "met", 1,
                  "feedback", "clear groups", "row", 2, "met", 0, "feedback",
                  "a name is visible on sample 2", "row", 3, "met", 1, "feedback", "thoughtful");
    /* the applicant never scores their own, even as a coach of their school */
    F.ctx.who = coach(&p);
    assert_int_equal(badges_score(&F.ctx, sub, half, &st, &cred), -EACCES);
    ctx_release(&F.ctx);
    /* a plain teacher does not assess */
    F.ctx.who = teacher(&p, U('t'));
    assert_int_equal(badges_score(&F.ctx, sub, half, &st, &cred), -EACCES);
    ctx_release(&F.ctx);
    /* the coordinator: a row missing is refused; one not met returns it */
    F.ctx.who = pd(&p);
    json_t *two = json_pack("[{s:i, s:b, s:s}]", "row", 1, "met", 1, "feedback", "ok");
    assert_int_equal(badges_score(&F.ctx, sub, two, &st, &cred), -EINVAL);
    json_decref(two);
    assert_int_equal(badges_score(&F.ctx, sub, half, &st, &cred), 0);
    ctx_release(&F.ctx);
    assert_string_equal(st, "returned");
    assert_int_equal(cred, 0);
    assert_int_equal(badges_score(&F.ctx, sub, half, &st, &cred), -EEXIST);
    ctx_release(&F.ctx);

    /* the applicant sees the feedback, and submits again */
    F.ctx.who = teacher(&p, U('t'));
    assert_int_equal(badges_submission(&F.ctx, sub, &view), 0);
    ctx_release(&F.ctx);
    json_t *row2 = json_array_get(json_object_get(view, "rubric"), 1);
    assert_false(json_is_true(json_object_get(row2, "met")));
    assert_string_equal(json_string_value(json_object_get(row2, "feedback")),
                        "a name is visible on sample 2");
    assert_string_equal(json_string_value(json_object_get(view, "state")), "returned");
    json_decref(view);
    assert_int_equal(badges_submit(&F.ctx, "lesson-study", ev, &sub2), 0);
    ctx_release(&F.ctx);
    assert_true(sub2 != sub);

    /* all met: it passes and the credential is awarded, and verifies */
    json_object_set_new(json_array_get(half, 1), "met", json_true());
    F.ctx.who = pd(&p);
    assert_int_equal(badges_score(&F.ctx, sub2, half, &st, &cred), 0);
    ctx_release(&F.ctx);
    assert_string_equal(st, "passed");
    assert_true(cred > 0);
    F.ctx.who = teacher(&p, U('t'));
    char *jwt = NULL;
    struct badge_verdict v;
    assert_int_equal(badges_export(&F.ctx, cred, &jwt), 0);
    ctx_release(&F.ctx);
    assert_int_equal(badges_verify_local(&F.ctx, jwt, strlen(jwt), &v), 0);
    ctx_release(&F.ctx);
    assert_true(v.verified);
    assert_string_equal(v.achievement, "Lesson study");
    mem_free(jwt);
    assert_int_equal(badges_submission(&F.ctx, sub2, &view), 0);
    ctx_release(&F.ctx);
    assert_int_equal(json_integer_value(json_object_get(view, "credential_id")), cred);
    assert_int_equal(json_integer_value(json_object_get(view, "round")), 2);
    json_decref(view);
    /* once passed, no more submissions */
    assert_int_equal(badges_submit(&F.ctx, "lesson-study", ev, &none), -EEXIST);
    ctx_release(&F.ctx);
    /* another teacher cannot read it */
    F.ctx.who = teacher(&p, U('u'));
    assert_int_equal(badges_submission(&F.ctx, sub2, &view), -ENOENT);
    ctx_release(&F.ctx);
    json_decref(half);
    json_decref(ev);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policy),
        cmocka_unit_test(test_award_verify_revoke),
        cmocka_unit_test(test_award_many),
        cmocka_unit_test(test_award_many_threads),
        cmocka_unit_test(test_evidence_workflow),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

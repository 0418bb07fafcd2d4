/*
 * app/assign: assign_open_in_class(), the class's open assignments other
 * views ask for (the teacher's inactivity flag): which assignments are open
 * on the day (given by then, not closed), since when, whom they cover, who
 * may ask, and that asking discloses nothing. The assignments are written
 * straight through the store under the gate's write grant (the fixture has
 * no content packs to validate skills against; tests/e2e/assign.test.mjs
 * covers giving them through the service).
 *
 * The fixture is app_fixture.h (the clock is 2026-03-02, a Monday).
 */
#include "test.h"

#include "app/access.h"
#include "app/assign.h"
#include "app/principal.h"
#include "store/store_assign.h"

#include "app_fixture.h"

#define DAY_MS 86400000LL

static struct principal_grant pgrant[1];

static const struct principal *as_user(struct principal *p, int64_t user, unsigned role,
                                       int64_t org)
{
    memset(p, 0, sizeof(*p));
    p->kind = PRINCIPAL_USER;
    p->district_id = F.d1;
    p->mfa_enrolled = true;
    p->user_id = user;
    p->roles = role;
    pgrant[0] = (struct principal_grant){role, org};
    p->grants = pgrant;
    p->n_grants = 1;
    return p;
}

/* An assignment of class c1 given on day given (t1's), due on due, closed or not, for chosen
   students (n > 0) or the whole class. Returns its id. */
static int64_t add(int64_t given, int64_t due, bool closed, const int64_t *students, size_t n)
{
    struct principal p;
    struct access_resource res = {RES_ASSIGNMENTS, 0, F.c1};
    struct assign_row row = {.whole_class = n == 0,
                             .given_day = given,
                             .due_day = due,
                             .assigned_by = U('t'),
                             .created_ms = given * DAY_MS,
                             .updated_ms = given * DAY_MS,
                             .closed_ms = closed ? F.now - 1 : 0};
    struct grant *g;
    struct db *db;
    int64_t id = 0;

    F.ctx.who = as_user(&p, U('t'), ROLE_TEACHER, F.s1);
    F.ctx.now_ms = F.now;
    assert_int_equal(ctx_db(&F.ctx, &db), 0);
    assert_int_equal(store_begin(db), 0);
    assert_int_equal(access_check(&F.ctx, ACT_WRITE, &res, &g), 0);
    assert_int_equal(store_assign_insert(db, g, &row, &id), 0);
    assert_int_equal(store_assign_add_skill(db, g, id, "https://example.invalid/skills/s", 0), 0);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(store_assign_add_student(db, g, id, students[i]), 0);
    assert_int_equal(store_commit(db), 0);
    ctx_release(&F.ctx);
    F.ctx.gate = NULL;
    return id;
}

static void test_open_assignments_and_who_they_cover(void **state)
{
    struct principal p;
    struct assign_open *v;
    size_t n;
    int64_t today = F.now / DAY_MS;
    int64_t only_b[] = {U('b')};
    (void)state;

    int64_t closed = add(today - 10, today - 3, true, NULL, 0);
    int64_t later = add(today - 2, today + 9, false, NULL, 0);
    int64_t group = add(today - 7, today + 2, false, only_b, 1);
    int64_t future = add(today + 1, today + 4, false, NULL, 0); /* given tomorrow: not open yet */
    assert_true(closed && later && group && future);

    F.ctx.who = as_user(&p, U('t'), ROLE_TEACHER, F.s1);
    assert_int_equal(assign_open_in_class(&F.ctx, F.c1, &v, &n), 0);
    assert_int_equal(n, 2);
    /* earliest due first, each with the day it has been open since */
    assert_int_equal(v[0].id, group);
    assert_int_equal(v[0].given_day, today - 7);
    assert_int_equal(v[0].due_day, today + 2);
    assert_false(v[0].whole_class);
    assert_int_equal(v[0].n_students, 1);
    assert_int_equal(v[0].students[0], U('b'));
    assert_true(assign_open_covers(&v[0], U('b')));
    assert_false(assign_open_covers(&v[0], U('a')));
    assert_int_equal(v[1].id, later);
    assert_int_equal(v[1].given_day, today - 2);
    assert_true(v[1].whole_class);
    assert_true(assign_open_covers(&v[1], U('a')));
    /* nothing disclosed: no audit entry waits */
    assert_false(access_pending(&F.ctx));
    ctx_release(&F.ctx);
    F.ctx.gate = NULL;

    /* the school's administrator sees them too */
    F.ctx.who = as_user(&p, U('m'), ROLE_SCHOOL_ADMIN, F.s1);
    assert_int_equal(assign_open_in_class(&F.ctx, F.c1, &v, &n), 0);
    assert_int_equal(n, 2);
    ctx_release(&F.ctx);
    F.ctx.gate = NULL;

    /* tomorrow the future one is open too */
    F.ctx.who = as_user(&p, U('t'), ROLE_TEACHER, F.s1);
    F.ctx.now_ms = F.now + DAY_MS;
    assert_int_equal(assign_open_in_class(&F.ctx, F.c1, &v, &n), 0);
    assert_int_equal(n, 3);
    F.ctx.now_ms = F.now;
    ctx_release(&F.ctx);
    F.ctx.gate = NULL;
}

static void test_who_may_not_ask(void **state)
{
    struct principal p;
    struct assign_open *v = (void *)&p;
    size_t n = 9;
    (void)state;

    /* another school's teacher: as if the class did not exist */
    F.ctx.who = as_user(&p, U('u'), ROLE_TEACHER, F.s2);
    assert_int_equal(assign_open_in_class(&F.ctx, F.c1, &v, &n), -ENOENT);
    assert_null(v);
    assert_int_equal(n, 0);
    ctx_release(&F.ctx);
    F.ctx.gate = NULL;
    /* a student of the class */
    F.ctx.who = as_user(&p, U('a'), ROLE_STUDENT, F.s1);
    assert_true(assign_open_in_class(&F.ctx, F.c1, &v, &n) < 0);
    ctx_release(&F.ctx);
    F.ctx.gate = NULL;
    /* nobody */
    F.ctx.who = NULL;
    assert_int_equal(assign_open_in_class(&F.ctx, F.c1, &v, &n), -EPERM);
    ctx_release(&F.ctx);
    F.ctx.gate = NULL;
    /* a class with none */
    F.ctx.who = as_user(&p, U('u'), ROLE_TEACHER, F.s2);
    assert_int_equal(assign_open_in_class(&F.ctx, F.c2, &v, &n), 0);
    assert_int_equal(n, 0);
    assert_null(v);
    ctx_release(&F.ctx);
    F.ctx.gate = NULL;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_assignments_and_who_they_cover),
        cmocka_unit_test(test_who_may_not_ask),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

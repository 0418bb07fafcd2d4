/*
 * app/lrs: the internal API other modules build on (lrs_append, lrs_stream):
 * statements linked to rostered students by mbox and by account, the
 * filters (learner, verb, activity, after_seq, ascending, limit, voided),
 * the row fields, and who may stream what (operator, clients by scope, a
 * teacher through access_check, a stranger denied).
 */
#include "test.h"

#include "app/access.h"
#include "app/lrs.h"
#include "app/principal.h"
#include "app_fixture.h"

#define VERB_ANSWERED "http://adlnet.gov/expapi/verbs/answered"

struct seen {
    int n;
    int64_t seq[16];
    int64_t user[16];
    char verb[16][64];
    int success[16];
    double scaled[16];
    bool has_reg[16];
    bool voided[16];
};

static int collect(const struct lrs_row *row, void *arg)
{
    struct seen *s = arg;
    if (s->n >= 16)
        return 1;
    s->seq[s->n] = row->seq;
    s->user[s->n] = row->user_id;
    snprintf(s->verb[s->n], sizeof(s->verb[0]), "%s", row->verb_id ? row->verb_id : "");
    s->success[s->n] = row->has_success ? row->success : -1;
    s->scaled[s->n] = row->has_scaled ? row->scaled : -9;
    s->has_reg[s->n] = row->registration != NULL;
    s->voided[s->n] = row->voided;
    /* the full stored statement, with what the LRS set */
    assert_non_null(strstr(row->json, "\"stored\":\""));
    assert_non_null(strstr(row->json, "\"authority\":"));
    assert_int_equal(strlen(row->json), row->json_len);
    s->n++;
    return 0;
}

static void as(struct principal *p, enum principal_kind kind, unsigned scopes)
{
    memset(p, 0, sizeof(*p));
    if (kind == PRINCIPAL_OPERATOR) {
        principal_operator(p, F.d1, "test");
    } else {
        p->kind = kind;
        p->district_id = F.d1;
        p->account_id = 7;
        p->name = "client";
        p->scopes = scopes;
    }
    F.ctx.who = p;
}

static void test_append_and_stream(void **state)
{
    (void)state;
    struct principal op, cl;
    const char **ids;
    size_t n;
    char err[64];
    char batch[2048];

    assert_int_equal(
        config_set(&F.cfg, "base_url", "https://lms.example", "test", err, sizeof(err)), 0);
    as(&cl, PRINCIPAL_CLIENT, SCOPE_STATEMENTS_WRITE);
    snprintf(
        batch, sizeof(batch),
        "[{\"actor\":{\"mbox\":\"mailto:A@x.example\"},\"verb\":{\"id\":\"" VERB_ANSWERED "\"},"
        "\"object\":{\"id\":\"http://x.example/items/1\"},\"result\":{\"success\":true,"
        "\"score\":{\"scaled\":0.75}},\"context\":{\"registration\":"
        "\"6f1c8c3e-0f6b-4d61-a8f7-0b1d4e0c9a11\"}},"
        "{\"actor\":{\"account\":{\"homePage\":\"https://lms.example/\",\"name\":\"b\"}},"
        "\"verb\":{\"id\":\"" VERB_ANSWERED "\"},\"object\":{\"id\":\"http://x.example/items/2\"},"
        "\"result\":{\"success\":false}},"
        "{\"actor\":{\"mbox\":\"mailto:stranger@y.example\"},\"verb\":{\"id\":"
        "\"http://adlnet.gov/expapi/verbs/experienced\"},\"object\":{\"id\":"
        "\"http://x.example/items/1\"}}]");
    assert_int_equal(lrs_append(&F.ctx, batch, strlen(batch), &ids, &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(strlen(ids[0]), LRS_ID_LEN);

    /* the operator streams the district, oldest first */
    as(&op, PRINCIPAL_OPERATOR, 0);
    struct seen s = {0};
    struct lrs_filter f = {.ascending = true};
    assert_int_equal(lrs_stream(&F.ctx, &f, collect, &s), 0);
    assert_int_equal(s.n, 3);
    assert_true(s.seq[0] < s.seq[1] && s.seq[1] < s.seq[2]);
    assert_int_equal(s.user[0], U('a')); /* by mbox (case-insensitive e-mail) */
    assert_int_equal(s.user[1], U('b')); /* by account: this server and the sourcedId */
    assert_int_equal(s.user[2], 0);      /* not rostered */
    assert_int_equal(s.success[0], 1);
    assert_true(s.scaled[0] > 0.74 && s.scaled[0] < 0.76);
    assert_true(s.has_reg[0]);
    assert_int_equal(s.success[1], 0);
    assert_int_equal(s.success[2], -1);

    /* filters */
    struct seen by_user = {0};
    f = (struct lrs_filter){.user_id = U('a')};
    assert_int_equal(lrs_stream(&F.ctx, &f, collect, &by_user), 0);
    assert_int_equal(by_user.n, 1);
    struct seen by_act = {0};
    f = (struct lrs_filter){.activity_id = "http://x.example/items/1", .verb_id = VERB_ANSWERED};
    assert_int_equal(lrs_stream(&F.ctx, &f, collect, &by_act), 0);
    assert_int_equal(by_act.n, 1);
    struct seen after = {0};
    f = (struct lrs_filter){.after_seq = s.seq[0], .ascending = true, .limit = 1};
    assert_int_equal(lrs_stream(&F.ctx, &f, collect, &after), 0);
    assert_int_equal(after.n, 1);
    assert_int_equal(after.seq[0], s.seq[1]);
    struct seen newest = {0};
    f = (struct lrs_filter){.limit = 2};
    assert_int_equal(lrs_stream(&F.ctx, &f, collect, &newest), 0);
    assert_int_equal(newest.n, 2);
    assert_int_equal(newest.seq[0], s.seq[2]);

    /* voiding hides the target unless include_voided */
    as(&cl, PRINCIPAL_CLIENT, SCOPE_STATEMENTS_WRITE);
    snprintf(batch, sizeof(batch),
             "{\"actor\":{\"mbox\":\"mailto:a@x.example\"},\"verb\":{\"id\":"
             "\"http://adlnet.gov/expapi/verbs/voided\"},\"object\":{\"objectType\":"
             "\"StatementRef\",\"id\":\"%s\"}}",
             ids[0]);
    const char **vids;
    assert_int_equal(lrs_append(&F.ctx, batch, strlen(batch), &vids, &n), 0);
    as(&op, PRINCIPAL_OPERATOR, 0);
    struct seen v1 = {0}, v2 = {0};
    f = (struct lrs_filter){.user_id = U('a'), .ascending = true};
    assert_int_equal(lrs_stream(&F.ctx, &f, collect, &v1), 0);
    assert_int_equal(v1.n, 1); /* only the voiding statement */
    assert_string_equal(v1.verb[0], "http://adlnet.gov/expapi/verbs/voided");
    f.include_voided = true;
    assert_int_equal(lrs_stream(&F.ctx, &f, collect, &v2), 0);
    assert_int_equal(v2.n, 2);
    assert_true(v2.voided[0]);
    ctx_release(&F.ctx);
}

static void test_who_may_stream(void **state)
{
    (void)state;
    struct principal p;
    struct principal_grant g = {ROLE_TEACHER, F.s1};
    struct seen s = {0};
    struct lrs_filter f = {.user_id = U('a')};

    /* a client without a read scope */
    as(&p, PRINCIPAL_CLIENT, SCOPE_STATEMENTS_WRITE);
    assert_true(lrs_stream(&F.ctx, &f, collect, &s) < 0);
    /* statements/read/mine: only its own (this test's client wrote them as account 7) */
    as(&p, PRINCIPAL_CLIENT, SCOPE_STATEMENTS_READ_MINE);
    p.account_id = 8;
    memset(&s, 0, sizeof(s));
    assert_int_equal(lrs_stream(&F.ctx, &f, collect, &s), 0);
    assert_int_equal(s.n, 0);
    p.account_id = 7;
    assert_int_equal(lrs_stream(&F.ctx, &f, collect, &s), 0);
    assert_true(s.n >= 1);
    /* a teacher of a, through access_check (and audited); of c (another school): denied */
    memset(&p, 0, sizeof(p));
    p.kind = PRINCIPAL_USER;
    p.district_id = F.d1;
    p.user_id = U('t');
    p.roles = ROLE_TEACHER;
    p.grants = &g;
    p.n_grants = 1;
    p.mfa_enrolled = true;
    p.name = "t1";
    F.ctx.who = &p;
    memset(&s, 0, sizeof(s));
    assert_int_equal(lrs_stream(&F.ctx, &f, collect, &s), 0);
    assert_true(s.n >= 1);
    f.user_id = U('c');
    assert_true(lrs_stream(&F.ctx, &f, collect, &s) < 0);
    f.user_id = 0; /* a person streams one learner at a time */
    assert_true(lrs_stream(&F.ctx, &f, collect, &s) < 0);
    ctx_release(&F.ctx);
}

static void test_append_rejects_bad_statements(void **state)
{
    (void)state;
    struct principal p;
    const char **ids;
    size_t n;
    as(&p, PRINCIPAL_CLIENT, SCOPE_STATEMENTS_WRITE);
    const char *bad = "[{\"actor\":{\"mbox\":\"mailto:a@x.example\"},\"verb\":{\"id\":\"x\"},"
                      "\"object\":{\"id\":\"http://x.example/1\"}}]";
    assert_int_equal(lrs_append(&F.ctx, bad, strlen(bad), &ids, &n), -EINVAL);
    assert_non_null(strstr(F.ctx.err, "statement.verb.id: must be an absolute IRI"));
    assert_int_equal(lrs_append(&F.ctx, "{", 1, &ids, &n), -EINVAL);
    assert_non_null(strstr(F.ctx.err, "invalid JSON"));
    F.ctx.who = NULL;
    assert_int_equal(lrs_append(&F.ctx, bad, strlen(bad), &ids, &n), -EPERM);
    ctx_release(&F.ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_and_stream),
        cmocka_unit_test(test_who_may_stream),
        cmocka_unit_test(test_append_rejects_bad_statements),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

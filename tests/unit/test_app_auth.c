/*
 * app/auth: passwords (NIST SP 800-63B section 5.1.1.2), logins with the
 * clock swapped (ctx->now_ms): session idle and absolute time-outs, TOTP
 * (RFC 6238 section 5.2: one step either side, no code twice) and the
 * throttle's back-off; and the audit chain that records them.
 */
#include "test.h"

#include <sodium.h>

#include "app/access.h"
#include "app/audit.h"
#include "app/auth.h"
#include "app/otp.h"
#include "app/principal.h"
#include "core/otp.h"
#include "store/store.h"
#include "store/store_auth.h"

#include "app_fixture.h"

static int login(int64_t now, const char *user, const char *pw, const char *second,
                 struct auth_login *ret)
{
    F.ctx.now_ms = now;
    F.ctx.who = NULL;
    F.ctx.client_addr = "192.0.2.1";
    return auth_login_password(&F.ctx, user, pw, second, ret);
}

static int login_from(int64_t now, const char *addr, const char *user, const char *pw,
                      struct auth_login *ret)
{
    int r;
    F.ctx.client_addr = addr;
    F.ctx.now_ms = now;
    F.ctx.who = NULL;
    r = auth_login_password(&F.ctx, user, pw, NULL, ret);
    F.ctx.client_addr = "192.0.2.1";
    return r;
}

static void provision(const char *sid, const char *pw, const char *totp)
{
    struct principal op;
    principal_operator(&op, F.d1, "test");
    F.ctx.who = &op;
    F.ctx.now_ms = F.now;
    assert_int_equal(auth_provision_demo(&F.ctx, sid, pw, totp), 0);
    F.ctx.who = NULL;
}

static void test_password_rules(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "short",      "password",   "Password123!",  "qwertyuiop",    "aaaaaaaaaa",
        "abcdefghij", "9876543210", "my-trellis-pw", "ada.lovelace9", "iloveyou2024"};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        F.ctx.err[0] = '\0';
        int r = auth_password_acceptable(&F.ctx, bad[i], "ada.lovelace", "Ada Lovelace");
        if (r != -EINVAL)
            fail_msg("'%s' was accepted", bad[i]);
        assert_true(strncmp(F.ctx.err, "password: ", 10) == 0);
    }
    /* no composition rules: long plain phrases are fine, so are non-ASCII ones */
    assert_int_equal(auth_password_acceptable(&F.ctx, "correct horse battery", "ada", "Ada L"), 0);
    assert_int_equal(auth_password_acceptable(&F.ctx, "ñandú en la pampa", "ada", "Ada L"), 0);
    /* length is in characters: 8 two-byte characters pass, 7 do not */
    assert_int_equal(auth_password_acceptable(&F.ctx, "ééééééé", "x", NULL), -EINVAL);
    assert_int_equal(auth_password_acceptable(&F.ctx, "éàüöñçßø", "x", NULL), 0);
    assert_true(auth_password_is_common("Monkey123"));
    assert_false(auth_password_is_common("monkey-wrench-42"));
}

static void test_session_timeouts_follow_the_clock(void **state)
{
    struct auth_login l;
    const struct principal *p;
    (void)state;
    provision("b", "blue-kite-river", "");
    assert_int_equal(login(F.now, "b", "blue-kite-river", NULL, &l), 0);
    assert_int_equal(l.refusal, AUTH_OK);
    /* idle: session_idle_min (30) without use ends it; use keeps it alive */
    int64_t t = F.now;
    for (int i = 0; i < 12 * 3 - 1; i++) {
        t += 20 * 60000LL;
        F.ctx.now_ms = t;
        if (t - F.now >= F.cfg.session_max_hours * 3600000LL)
            break;
        assert_int_equal(auth_session(&F.ctx, l.token, &p), 0);
        ctx_release(&F.ctx);
    }
    /* absolute: session_max_hours (12) after the login, used or not */
    F.ctx.now_ms = F.now + 12 * 3600000LL;
    assert_int_equal(auth_session(&F.ctx, l.token, &p), -ENOENT);
    /* and the login page can say why */
    char why[64];
    assert_int_equal(auth_session_ended(&F.ctx, l.token, why, sizeof(why)), 1);
    assert_string_equal(why, "expired; seconds=43200");
    ctx_release(&F.ctx);

    assert_int_equal(login(F.now, "b", "blue-kite-river", NULL, &l), 0);
    F.ctx.now_ms = F.now + 29 * 60000LL;
    assert_int_equal(auth_session(&F.ctx, l.token, &p), 0);
    F.ctx.now_ms = F.now + 29 * 60000LL + 30 * 60000LL;
    assert_int_equal(auth_session(&F.ctx, l.token, &p), -ENOENT);
    assert_int_equal(auth_session_ended(&F.ctx, l.token, why, sizeof(why)), 1);
    assert_string_equal(why, "idle; seconds=1800");
    /* an open session, or a logout, has nothing to explain */
    assert_int_equal(login(F.now, "b", "blue-kite-river", NULL, &l), 0);
    assert_int_equal(auth_session_ended(&F.ctx, l.token, why, sizeof(why)), 0);
    F.ctx.who = l.who;
    assert_int_equal(auth_logout(&F.ctx), 0);
    F.ctx.who = NULL;
    assert_int_equal(auth_session_ended(&F.ctx, l.token, why, sizeof(why)), 0);
    /* once ended, always ended */
    F.ctx.now_ms = F.now + 60000LL;
    assert_int_equal(auth_session(&F.ctx, l.token, &p), -ENOENT);
    ctx_release(&F.ctx);
}

static void test_totp_window_and_replay(void **state)
{
    /* the RFC 6238 Appendix B key, base32 */
    static const char key_b32[] = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    static const uint8_t key[] = "12345678901234567890";
    struct auth_login l;
    char code[8];
    (void)state;
    provision("m", "maple-door-sunrise", key_b32);
    uint64_t step = otp_totp_step(F.now / 1000);

    assert_int_equal(login(F.now, "m", "maple-door-sunrise", NULL, &l), 0);
    assert_int_equal(l.refusal, AUTH_NEED_SECOND);
    /* two steps back is too old */
    snprintf(code, sizeof(code), "%06u", otp_hotp(key, 20, step - 2, 6));
    assert_int_equal(login(F.now, "m", "maple-door-sunrise", code, &l), 0);
    assert_int_equal(l.refusal, AUTH_INVALID);
    /* two steps ahead is too early (RFC 6238 section 5.2: at most one step either side) */
    snprintf(code, sizeof(code), "%06u", otp_hotp(key, 20, step + 2, 6));
    assert_int_equal(login(F.now, "m", "maple-door-sunrise", code, &l), 0);
    assert_int_equal(l.refusal, AUTH_INVALID);
    /* one step back is fine, once */
    snprintf(code, sizeof(code), "%06u", otp_hotp(key, 20, step - 1, 6));
    assert_int_equal(login(F.now, "m", "maple-door-sunrise", code, &l), 0);
    assert_int_equal(l.refusal, AUTH_OK);
    assert_true(l.who->mfa_at_ms == F.now);
    assert_true(l.who->roles & ROLE_SCHOOL_ADMIN);
    assert_int_equal(login(F.now, "m", "maple-door-sunrise", code, &l), 0);
    assert_int_equal(l.refusal, AUTH_INVALID);
    /* a step older than one already used is refused even inside the window */
    snprintf(code, sizeof(code), "%06u", otp_hotp(key, 20, step + 1, 6));
    assert_int_equal(login(F.now, "m", "maple-door-sunrise", code, &l), 0);
    assert_int_equal(l.refusal, AUTH_OK);
    snprintf(code, sizeof(code), "%06u", otp_hotp(key, 20, step, 6));
    assert_int_equal(login(F.now, "m", "maple-door-sunrise", code, &l), 0);
    assert_int_equal(l.refusal, AUTH_INVALID);
    ctx_release(&F.ctx);
}

/*
 * Give a login a password hashed with libsodium's smallest argon2id limits,
 * so a test of a hundred failed logins takes milliseconds each (the
 * verifier reads the limits from the stored hash).
 */
static void fast_password(const char *login, const char *pw)
{
    char hash[crypto_pwhash_STRBYTES];
    struct account_row a;
    struct db *db;
    assert_int_equal(crypto_pwhash_str(hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_MIN,
                                       crypto_pwhash_MEMLIMIT_MIN),
                     0);
    assert_int_equal(ctx_db(&F.ctx, &db), 0);
    assert_int_equal(store_account_by_login(db, login, &a), 0);
    assert_int_equal(store_account_set_password(db, a.id, hash, F.now), 0);
    ctx_release(&F.ctx);
}

static void test_throttle_backs_off_and_lapses(void **state)
{
    struct auth_login l;
    int64_t t = F.now + 86400000LL * 2;
    (void)state;
    provision("d", "quiet-meadow-lamp", "");
    fast_password("d", "quiet-meadow-lamp");
    for (int i = 0; i < F.cfg.login_max_failures; i++) {
        assert_int_equal(login(t, "d", "wrong wrong", NULL, &l), 0);
        assert_int_equal(l.refusal, AUTH_INVALID);
    }
    assert_int_equal(login(t, "d", "quiet-meadow-lamp", NULL, &l), 0);
    assert_int_equal(l.refusal, AUTH_THROTTLED);
    assert_int_equal(l.retry_after_s, 1);
    /* each further failure doubles the wait, up to an hour */
    for (int i = 1; i <= 14; i++) {
        t += 3600000LL;
        assert_int_equal(login(t, "d", "wrong wrong", NULL, &l), 0);
        assert_int_equal(login(t, "d", "quiet-meadow-lamp", NULL, &l), 0);
        assert_int_equal(l.refusal, AUTH_THROTTLED);
        assert_int_equal(l.retry_after_s, MIN(1LL << i, 3600));
    }
    /* never permanent: after the wait the right password works and clears the count */
    t += 3600000LL;
    assert_int_equal(login(t, "d", "quiet-meadow-lamp", NULL, &l), 0);
    assert_int_equal(l.refusal, AUTH_OK);
    assert_int_equal(login(t, "d", "wrong wrong", NULL, &l), 0);
    assert_int_equal(l.refusal, AUTH_INVALID);
    ctx_release(&F.ctx);
}

/*
 * NIST SP 800-63B 5.2.2: failures of one account from addresses it never
 * logged in from make those addresses wait after min(5 N, 50) failures and
 * stop them at 100, for 30 days after the last; the owner's familiar
 * address is checked all along, and its login forgives only its own
 * failures.
 */
static void test_throttle_caps_an_account_but_not_its_familiar_address(void **state)
{
    struct auth_login l;
    char addr[32];
    int64_t t = F.now + 86400000LL * 40, n = F.cfg.login_max_failures;
    int64_t limit = MIN(5 * n, 50), failures = 0;
    (void)state;
    provision("c", "amber-cloud-harbor", "");
    fast_password("c", "amber-cloud-harbor");
    assert_int_equal(login_from(t, "198.51.100.1", "c", "amber-cloud-harbor", &l), 0);
    assert_int_equal(l.refusal, AUTH_OK);
    /* fewer than N from each address: no address waits, the account's count grows */
    for (int a = 0; failures < limit; a++)
        for (int i = 0; i < n - 1 && failures < limit; i++, failures++) {
            snprintf(addr, sizeof(addr), "203.0.113.%d", a + 1);
            t += 1000;
            assert_int_equal(login_from(t, addr, "c", "wrong guess", &l), 0);
            assert_int_equal(l.refusal, AUTH_INVALID);
        }
    assert_int_equal(login_from(t, "203.0.113.200", "c", "amber-cloud-harbor", &l), 0);
    assert_int_equal(l.refusal, AUTH_THROTTLED);
    assert_int_equal(l.retry_after_s, 1);
    assert_int_equal(login_from(t, "198.51.100.1", "c", "amber-cloud-harbor", &l), 0);
    assert_int_equal(l.refusal, AUTH_OK);
    /* one attempt per wait from new addresses, up to the cap */
    while (failures < AUTH_ACCOUNT_CAP) {
        snprintf(addr, sizeof(addr), "203.0.114.%d", (int)(failures % 250) + 1);
        t += 3600000LL;
        assert_int_equal(login_from(t, addr, "c", "wrong guess", &l), 0);
        assert_int_equal(l.refusal, AUTH_INVALID);
        failures++;
    }
    /* at the cap: no new address is checked for 30 days, the waits no longer lapse hourly */
    t += 2 * 3600000LL;
    assert_int_equal(login_from(t, "203.0.115.1", "c", "amber-cloud-harbor", &l), 0);
    assert_int_equal(l.refusal, AUTH_THROTTLED);
    assert_true(l.retry_after_s > 29LL * 86400 && l.retry_after_s <= 30LL * 86400);
    /* the familiar address still gets in; its login forgives none of the others' failures */
    assert_int_equal(login_from(t, "198.51.100.1", "c", "amber-cloud-harbor", &l), 0);
    assert_int_equal(l.refusal, AUTH_OK);
    assert_int_equal(login_from(t + 1000, "203.0.115.1", "c", "amber-cloud-harbor", &l), 0);
    assert_int_equal(l.refusal, AUTH_THROTTLED);
    /* 30 days without a failure: the count lapses */
    t += 30 * 86400000LL;
    assert_int_equal(login_from(t, "203.0.115.1", "c", "amber-cloud-harbor", &l), 0);
    assert_int_equal(l.refusal, AUTH_OK);
    ctx_release(&F.ctx);
}

/* An IPv6 host holds a whole /64: its addresses count as one. */
static void test_throttle_counts_ipv6_by_64(void **state)
{
    struct auth_login l;
    char addr[64];
    int64_t t = F.now + 86400000LL * 200;
    (void)state;
    provision("g", "copper-lantern-field", "");
    fast_password("g", "copper-lantern-field");
    for (int i = 0; i < F.cfg.login_max_failures; i++) {
        snprintf(addr, sizeof(addr), "2001:db8:1:1::%x", i + 1);
        assert_int_equal(login_from(t, addr, "g", "wrong guess", &l), 0);
        assert_int_equal(l.refusal, AUTH_INVALID);
    }
    assert_int_equal(login_from(t, "2001:db8:1:1:ffff::1", "g", "copper-lantern-field", &l), 0);
    assert_int_equal(l.refusal, AUTH_THROTTLED);
    assert_int_equal(login_from(t, "2001:db8:1:2::1", "g", "copper-lantern-field", &l), 0);
    assert_int_equal(l.refusal, AUTH_OK);
    ctx_release(&F.ctx);
}

/*
 * Every role that needs a second factor, district administrators included,
 * gets nothing but enrolment until it has one: the principal says so and
 * the access policy refuses it a student's record.
 */
static void test_mfa_roles_without_factor_only_enrol(void **state)
{
    static const struct {
        const char *sid;
        unsigned role;
    } who[] = {{"z", ROLE_DISTRICT_ADMIN}, {"k", ROLE_COUNSELLOR}};
    struct auth_login l;
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(who); i++) {
        provision(who[i].sid, "silver-harbor-wind", "");
        assert_int_equal(login(F.now, who[i].sid, "silver-harbor-wind", NULL, &l), 0);
        assert_int_equal(l.refusal, AUTH_OK);
        assert_true(l.who->roles & who[i].role);
        assert_false(l.who->mfa_enrolled);
        assert_true(l.who->enrol_only);
        struct access_resource res = {RES_PERSON, F.d1, U('a')};
        F.ctx.who = l.who;
        assert_int_equal(access_check(&F.ctx, ACT_READ, &res, NULL), -EACCES);
        F.ctx.who = NULL;
    }
    ctx_release(&F.ctx);
}

static void test_audit_chain_records_logins(void **state)
{
    struct audit_verify_report rep;
    struct principal op;
    (void)state;
    principal_operator(&op, 0, "test");
    F.ctx.who = &op;
    assert_int_equal(audit_verify(&F.ctx, &rep), 0);
    assert_true(rep.entries > 10);
    assert_string_equal(rep.problem, "");
    F.ctx.who = NULL;
    ctx_release(&F.ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_password_rules),
        cmocka_unit_test(test_session_timeouts_follow_the_clock),
        cmocka_unit_test(test_totp_window_and_replay),
        cmocka_unit_test(test_throttle_backs_off_and_lapses),
        cmocka_unit_test(test_throttle_caps_an_account_but_not_its_familiar_address),
        cmocka_unit_test(test_throttle_counts_ipv6_by_64),
        cmocka_unit_test(test_mfa_roles_without_factor_only_enrol),
        cmocka_unit_test(test_audit_chain_records_logins),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

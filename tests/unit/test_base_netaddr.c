/*
 * base/netaddr: addresses and ranges (the trusted_proxies setting), and the
 * client behind trusted proxies from X-Forwarded-For/-Proto and Forwarded
 * (RFC 7239): a client cannot pose as another address or as https by
 * sending the headers itself.
 */
#include "test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>

#include "base/common.h"
#include "base/netaddr.h"

static struct netaddr A(const char *s) {
    struct netaddr a;
    assert_int_equal(netaddr_parse(str_from(s), &a), 0);
    return a;
}

static const char *
text(const struct netaddr *a)
{
    static char t[NETADDR_TEXT_MAX];
    netaddr_format(a, t);
    return t;
}

static void test_parse_and_format(void **state)
{
    (void)state;
    struct netaddr a, b;
    a = A("192.0.2.1");
    assert_int_equal(a.family, AF_INET);
    assert_string_equal(text(&a), "192.0.2.1");
    a = A("[2001:DB8::1]");
    assert_int_equal(a.family, AF_INET6);
    assert_string_equal(text(&a), "2001:db8::1");
    a = A("::ffff:192.0.2.1"); /* what a dual-stack socket reports */
    assert_int_equal(a.family, AF_INET);
    assert_true(netaddr_equal(&a, &(struct netaddr){AF_INET, {192, 0, 2, 1}}));
    assert_int_equal(netaddr_parse(STR_LIT("192.0.2"), &b), -EINVAL);
    assert_int_equal(netaddr_parse(STR_LIT("example.org"), &b), -EINVAL);
    assert_int_equal(netaddr_parse(STR_LIT(""), &b), -EINVAL);
    assert_true(netaddr_is_loopback(&(struct netaddr){AF_INET, {127, 0, 0, 2}}));
    a = A("::1");
    assert_true(netaddr_is_loopback(&a));
    a = A("10.0.0.1");
    assert_false(netaddr_is_loopback(&a));

    struct sockaddr_in6 s6 = {.sin6_family = AF_INET6};
    inet_pton(AF_INET6, "::ffff:10.1.2.3", &s6.sin6_addr);
    assert_int_equal(netaddr_from_sockaddr((struct sockaddr *)&s6, &a), 0);
    assert_string_equal(text(&a), "10.1.2.3");
}

static void test_limit_key_groups_an_ipv6_slash_64(void **state)
{
    (void)state;
    struct netaddr a = A("2001:db8:1:2:aaaa::1"), b = A("2001:db8:1:2:bbbb::9"), ka, kb;
    netaddr_limit_key(&a, &ka);
    netaddr_limit_key(&b, &kb);
    assert_true(netaddr_equal(&ka, &kb));
    a = A("192.0.2.1");
    b = A("192.0.2.2");
    netaddr_limit_key(&a, &ka);
    netaddr_limit_key(&b, &kb);
    assert_false(netaddr_equal(&ka, &kb));
}

static void test_lists(void **state)
{
    (void)state;
    struct netaddr_range l[NETADDR_LIST_MAX];
    size_t n;
    char why[200];
    struct netaddr a;

    assert_int_equal(netaddr_list_parse("", l, NETADDR_LIST_MAX, &n, why, sizeof(why)), 0);
    assert_int_equal(n, 0);
    assert_int_equal(netaddr_list_parse(" 127.0.0.1, 10.0.0.0/8 2001:db8::/32,::1", l,
                                        NETADDR_LIST_MAX, &n, why, sizeof(why)),
                     0);
    assert_int_equal(n, 4);
    a = A("10.200.3.4");
    assert_true(netaddr_list_match(l, n, &a));
    a = A("11.0.0.1");
    assert_false(netaddr_list_match(l, n, &a));
    a = A("2001:db8:ffff::7");
    assert_true(netaddr_list_match(l, n, &a));
    a = A("127.0.0.2");
    assert_false(netaddr_list_match(l, n, &a)); /* 127.0.0.1 is one address, not /8 */
    assert_int_equal(netaddr_list_parse("192.0.2.77/24", l, NETADDR_LIST_MAX, &n, why, sizeof(why)),
                     0);
    a = A("192.0.2.1");
    assert_true(netaddr_list_match(l, n, &a));
    assert_int_equal(netaddr_list_parse("10.0.0.0/33", l, NETADDR_LIST_MAX, &n, why, sizeof(why)),
                     -EINVAL);
    assert_string_equal(why, "'10.0.0.0/33': the prefix must be 0 to 32");
    assert_int_equal(
        netaddr_list_parse("127.0.0.1, proxy.local", l, NETADDR_LIST_MAX, &n, why, sizeof(why)),
        -EINVAL);
    assert_string_equal(why, "'proxy.local' is not an IP address or ADDRESS/PREFIX");
    assert_int_equal(netaddr_list_parse("1.1.1.1 2.2.2.2 3.3.3.3", l, 2, &n, why, sizeof(why)),
                     -EINVAL);
}

struct fwd_case {
    const char *xff, *xfp, *fwd;
    const char *client;
    bool https;
};

static void test_forwarded(void **state)
{
    (void)state;
    struct netaddr_range l[NETADDR_LIST_MAX];
    size_t n;
    char why[100];
    assert_int_equal(netaddr_list_parse("10.0.0.0/8", l, NETADDR_LIST_MAX, &n, why, sizeof(why)),
                     0);
    struct netaddr peer = A("10.0.0.5");
    static const struct fwd_case c[] = {
        /* nothing said: the proxy itself, plain http */
        {NULL, NULL, NULL, "10.0.0.5", false},
        /* nginx: $proxy_add_x_forwarded_for appends, X-Forwarded-Proto $scheme overwrites */
        {"203.0.113.9", "https", NULL, "203.0.113.9", true},
        {"198.51.100.1, 203.0.113.9", "https", NULL, "203.0.113.9", true},
        /* a client's own X-Forwarded-For entries to the left are not believed */
        {"1.2.3.4, 10.9.9.9, 203.0.113.9, 10.0.0.7", "https", NULL, "203.0.113.9", true},
        /* every hop a trusted proxy: the left-most */
        {"10.1.1.1, 10.2.2.2", "http", NULL, "10.1.1.1", false},
        /* ports, brackets, case */
        {"203.0.113.9:4711", "HTTPS", NULL, "203.0.113.9", true},
        {"[2001:db8::7]:443", "http", NULL, "2001:db8::7", false},
        {"2001:db8::7", NULL, NULL, "2001:db8::7", false},
        /* garbage where the client should be: only the proxy is known */
        {"unknown", "https", NULL, "10.0.0.5", true},
        {"203.0.113.9, not-an-address", "https", NULL, "10.0.0.5", true},
        /* a proto list that lines up with the addresses: the client's own scheme */
        {"203.0.113.9, 10.3.3.3", "https, http", NULL, "203.0.113.9", true},
        {"203.0.113.9, 10.3.3.3", "http, https", NULL, "203.0.113.9", false},
        /* Forwarded (RFC 7239 section 4 and 6) */
        {NULL, NULL, "for=192.0.2.60;proto=https;by=203.0.113.43", "192.0.2.60", true},
        {NULL, NULL, "for=\"[2001:db8:cafe::17]:4711\";proto=http", "2001:db8:cafe::17", false},
        {NULL, NULL, "For=198.51.100.17, for=10.0.0.9;Proto=HTTPS", "198.51.100.17", true},
        {NULL, NULL, "for=_hidden;proto=https", "10.0.0.5", true},
        {NULL, NULL, "for=\"1.2.3.4,5.6.7.8\";proto=http, for=203.0.113.2;proto=https",
         "203.0.113.2", true},
        /* X-Forwarded-For wins over Forwarded (a proxy that sets one must drop the other) */
        {"203.0.113.9", "https", "for=6.6.6.6;proto=http", "203.0.113.9", true},
    };
    for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
        struct netaddr got;
        bool https;
        netaddr_forwarded(&peer, c[i].xff, c[i].xfp, c[i].fwd, l, n, &got, &https);
        if (strcmp(text(&got), c[i].client) != 0 || https != c[i].https)
            fail_msg("case %zu: got %s https=%d, want %s https=%d", i, text(&got), https,
                     c[i].client, c[i].https);
    }
}

static void test_forwarded_keeps_the_right_end_of_a_long_chain(void **state)
{
    (void)state;
    char xff[4096] = "";
    struct netaddr_range l[1];
    size_t n;
    char why[100];
    struct netaddr got, peer = A("10.0.0.5");
    bool https;
    assert_int_equal(netaddr_list_parse("10.0.0.5", l, 1, &n, why, sizeof(why)), 0);
    for (int i = 0; i < 200; i++)
        snprintf(xff + strlen(xff), sizeof(xff) - strlen(xff), "%s1.1.1.%d", i ? ", " : "",
                 i % 250);
    snprintf(xff + strlen(xff), sizeof(xff) - strlen(xff), ", 203.0.113.9");
    netaddr_forwarded(&peer, xff, "https", NULL, l, n, &got, &https);
    assert_string_equal(text(&got), "203.0.113.9");
    assert_true(https);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_and_format),
        cmocka_unit_test(test_limit_key_groups_an_ipv6_slash_64),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_forwarded),
        cmocka_unit_test(test_forwarded_keeps_the_right_end_of_a_long_chain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

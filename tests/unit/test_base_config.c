/* base/config: defaults < file < env < flags, and errors that name the setting. */
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/config.h"

static void test_defaults_and_precedence(void **state)
{
    (void)state;
    struct config cfg;
    char err[256], path[] = "/tmp/trellis-cfg-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "# comment\nlisten = 0.0.0.0:9000\nthreads = 3\nlog_level = \"warn\"\n");
    fclose(f);

    assert_int_equal(config_init(&cfg, "/srv/web"), 0);
    assert_string_equal(cfg.listen, "127.0.0.1:8080");
    assert_string_equal(cfg.web_root, "/srv/web");
    assert_int_equal(config_load_file(&cfg, path, true, err, sizeof(err)), 0);
    assert_string_equal(cfg.listen, "0.0.0.0:9000");
    assert_int_equal(cfg.threads, 3);
    setenv("TRELLIS_THREADS", "5", 1);
    assert_int_equal(config_load_env(&cfg, err, sizeof(err)), 0);
    unsetenv("TRELLIS_THREADS");
    assert_int_equal(cfg.threads, 5);
    assert_int_equal(config_set(&cfg, "threads", "7", "flag --threads", err, sizeof(err)), 0);
    assert_int_equal(cfg.threads, 7);
    assert_int_equal(config_finish(&cfg, err, sizeof(err)), 0);
    config_release(&cfg);
    unlink(path);
}

static void test_errors_name_the_setting(void **state)
{
    (void)state;
    struct config cfg;
    char err[256];
    assert_int_equal(config_init(&cfg, "web"), 0);
    assert_int_equal(config_set(&cfg, "threads", "many", "flag --threads", err, sizeof(err)),
                     -EINVAL);
    assert_non_null(strstr(err, "threads"));
    assert_non_null(strstr(err, "'many'"));
    assert_int_equal(config_set(&cfg, "listen", "nohost", "env TRELLIS_LISTEN", err, sizeof(err)),
                     -EINVAL);
    assert_non_null(strstr(err, "env TRELLIS_LISTEN: listen:"));
    assert_int_equal(config_set(&cfg, "colour", "red", "flag --colour", err, sizeof(err)), -ENOENT);
    assert_int_equal(config_set(&cfg, "threads", "100000", "f", err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "out of range"));
    assert_string_equal(cfg.listen, "127.0.0.1:8080"); /* unchanged by the failures */
    config_release(&cfg);
}

static void test_bad_file_line(void **state)
{
    (void)state;
    struct config cfg;
    char err[256], path[] = "/tmp/trellis-cfg-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "listen = 127.0.0.1:1\nthis line has no equals sign\n");
    fclose(f);
    assert_int_equal(config_init(&cfg, "web"), 0);
    assert_int_equal(config_load_file(&cfg, path, true, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, ":2: expected 'name = value'"));
    config_release(&cfg);
    unlink(path);
}

static void test_split_listen(void **state)
{
    (void)state;
    char host[64];
    unsigned port;
    assert_int_equal(config_split_listen("127.0.0.1:0", host, sizeof(host), &port), 0);
    assert_string_equal(host, "127.0.0.1");
    assert_int_equal(port, 0);
    assert_int_equal(config_split_listen("[::1]:8080", host, sizeof(host), &port), 0);
    assert_string_equal(host, "::1");
    assert_int_equal(config_split_listen(":80", host, sizeof(host), &port), -EINVAL);
    assert_int_equal(config_split_listen("h:65536", host, sizeof(host), &port), -EINVAL);
}

static void test_network_settings(void **state)
{
    (void)state;
    struct config cfg;
    char err[256];
    assert_int_equal(config_init(&cfg, "web"), 0);
    /* the defaults a district gets */
    assert_int_equal(cfg.per_ip_connections, 256);
    assert_int_equal(cfg.idle_timeout, 15);
    assert_int_equal(cfg.max_connections, 4096);
    assert_int_equal(cfg.anon_body_limit, 16384);
    assert_string_equal(cfg.trusted_proxies, "");
    assert_int_equal(
        config_set(&cfg, "trusted_proxies", "10.0.0.0/8, ::1", "flag", err, sizeof(err)), 0);
    assert_int_equal(
        config_set(&cfg, "trusted_proxies", "10.0.0.0/8, proxy", "env X", err, sizeof(err)),
        -EINVAL);
    assert_string_equal(err,
                        "env X: trusted_proxies: 'proxy' is not an IP address or ADDRESS/PREFIX");
    assert_string_equal(cfg.trusted_proxies, "10.0.0.0/8, ::1"); /* unchanged */
    assert_int_equal(config_set(&cfg, "idle_timeout", "0", "f", err, sizeof(err)), -EINVAL);
    assert_int_equal(config_finish(&cfg, err, sizeof(err)), 0);
    /* cross-field checks */
    assert_int_equal(config_set(&cfg, "tls_cert", "/etc/c.pem", "f", err, sizeof(err)), 0);
    assert_int_equal(config_finish(&cfg, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, "tls_cert: needs tls_key as well");
    assert_int_equal(config_set(&cfg, "tls_key", "/etc/k.pem", "f", err, sizeof(err)), 0);
    assert_int_equal(config_finish(&cfg, err, sizeof(err)), 0);
    assert_int_equal(config_set(&cfg, "anon_body_limit", "20000000", "f", err, sizeof(err)), 0);
    assert_int_equal(config_finish(&cfg, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "anon_body_limit: must be at most body_limit"));
    config_release(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_and_precedence),
        cmocka_unit_test(test_errors_name_the_setting),
        cmocka_unit_test(test_bad_file_line),
        cmocka_unit_test(test_split_listen),
        cmocka_unit_test(test_network_settings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * base/log: values in key=value lines are escaped so that outside text (a
 * request path, a username, a user agent) can forge neither a field nor a
 * line nor a terminal escape; lines are written whole.
 */
#include "test.h"

#include <stdio.h>
#include <unistd.h>

#include "base/log.h"

static void value_is(const char *in, const char *want)
{
    char out[LOG_VALUE_MAX];
    assert_string_equal(log_value(in, out, sizeof(out)), want);
}

static void test_plain_values_stay_as_they_are(void **state)
{
    (void)state;
    value_is("/api/v1/me", "/api/v1/me");
    value_is("GET", "GET");
    value_is("caf\xc3\xa9", "caf\xc3\xa9"); /* UTF-8 is text, not an escape */
    value_is("-", "-");
    value_is(NULL, "-");
    value_is("", "\"\"");
}

static void test_values_that_could_forge_fields_are_quoted(void **state)
{
    (void)state;
    value_is("/x level=error", "\"/x level=error\"");
    value_is("a=b", "\"a=b\"");
    value_is("say \"hi\"", "\"say \\\"hi\\\"\"");
    value_is("back\\slash", "\"back\\\\slash\"");
    value_is("tab\there", "\"tab\\there\"");
}

static void test_control_bytes_are_escaped(void **state)
{
    (void)state;
    value_is("/x\n level=error status=200", "\"/x\\n level=error status=200\"");
    value_is("a\r\nb", "\"a\\r\\nb\"");
    value_is("\x1b[31mred\x1b[0m", "\"\\x1b[31mred\\x1b[0m\"");
    value_is("del\x7f", "\"del\\x7f\"");
    value_is("bell\a", "\"bell\\x07\"");
    /* C1 CSI (U+009B), a bidi override (U+202E), a lone continuation byte, an overlong '/' */
    value_is("\xc2\x9b"
             "2J",
             "\"\\xc2\\x9b2J\"");
    value_is("\xe2\x80\xae"
             "abc",
             "\"\\xe2\\x80\\xaeabc\"");
    value_is("\x80", "\"\\x80\"");
    value_is("\xc0\xaf", "\"\\xc0\\xaf\"");
}

static void test_long_values_are_cut_and_still_closed(void **state)
{
    (void)state;
    char in[3000], out[64];
    memset(in, 'a', sizeof(in) - 1);
    in[sizeof(in) - 1] = '\0';
    in[10] = ' ';
    log_value(in, out, sizeof(out));
    size_t n = strlen(out);
    assert_true(n < sizeof(out));
    assert_int_equal(out[0], '"');
    assert_string_equal(out + n - 4, "...\"");
    /* escapes are never cut in half */
    memset(in, '\n', 100);
    in[100] = '\0';
    log_value(in, out, sizeof(out));
    n = strlen(out);
    assert_string_equal(out + n - 4, "...\"");
    assert_int_equal(out[n - 6], '\\');
    assert_int_equal(out[n - 5], 'n');
    /* too small a buffer gives an empty string, never an overflow */
    assert_string_equal(log_value("x", out, 4), "");
}

/* Run fn with the log going to a temporary file and return what was written. */
static char *captured(void (*fn)(void))
{
    static char text[8192];
    FILE *f = tmpfile();
    assert_non_null(f);
    log_set_fd(fileno(f));
    fn();
    log_set_fd(-1);
    rewind(f);
    size_t n = fread(text, 1, sizeof(text) - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

static void access_line(void)
{
    const char *path = "/nothing\n level=error status=200\x1b]0;owned\a";
    log_kv(LOG_INFO, "event=request method=%s path=%s status=%u", LOG_VALUE("GET"), LOG_VALUE(path),
           404u);
}

static void raw_line(void)
{
    log_kv(LOG_INFO, "event=x note=%s", "a\nlevel=error");
}

static void msg_line(void)
{
    log_warn("cannot open '%s'", "a\"b\nc\x1b");
}

static size_t count(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/*
 * Read one line as a logfmt reader does (key=value, a value in double quotes
 * may hold anything, \ escapes the next byte): the keys joined by ',' into
 * keys, and the value of want_key (unquoted) into val.
 */
static void fields(const char *line, char *keys, size_t klen, const char *want_key, char *val,
                   size_t vlen)
{
    const char *p = line;
    keys[0] = val[0] = '\0';
    while (*p && *p != '\n') {
        const char *k = p;
        while (*p && *p != '=' && *p != ' ' && *p != '\n')
            p++;
        size_t kn = (size_t)(p - k);
        snprintf(keys + strlen(keys), klen - strlen(keys), "%s%.*s", keys[0] ? "," : "", (int)kn,
                 k);
        bool want = strlen(want_key) == kn && !strncmp(k, want_key, kn);
        size_t vn = 0;
        if (*p == '=') {
            p++;
            if (*p == '"') {
                for (p++; *p && *p != '"'; p++) {
                    if (*p == '\\' && p[1])
                        p++;
                    if (want && vn + 1 < vlen)
                        val[vn++] = *p;
                }
                if (*p == '"')
                    p++;
            } else {
                for (; *p && *p != ' ' && *p != '\n'; p++)
                    if (want && vn + 1 < vlen)
                        val[vn++] = *p;
            }
        }
        if (want)
            val[vn] = '\0';
        while (*p == ' ')
            p++;
    }
}

static void test_a_forged_path_gives_one_line_with_one_level(void **state)
{
    (void)state;
    char keys[256], level[32], path[256];
    const char *t = captured(access_line);
    assert_int_equal(count(t, "\n"), 1);
    assert_null(strchr(t, '\x1b'));
    fields(t, keys, sizeof(keys), "level", level, sizeof(level));
    assert_string_equal(keys, "ts,level,event,method,path,status");
    assert_string_equal(level, "info");
    fields(t, keys, sizeof(keys), "path", path, sizeof(path));
    assert_string_equal(path, "/nothingn level=error status=200x1b]0;ownedx07");
    assert_non_null(strstr(t, " level=info event=request method=GET path=\"/nothing\\n "
                              "level=error status=200\\x1b]0;owned\\x07\" status=404\n"));
}

static void test_log_kv_never_lets_a_control_byte_through(void **state)
{
    (void)state;
    const char *t = captured(raw_line);
    assert_int_equal(count(t, "\n"), 1);
    assert_non_null(strstr(t, "note=a\\x0alevel=error\n"));
}

static void test_log_msg_quotes_its_text(void **state)
{
    (void)state;
    const char *t = captured(msg_line);
    assert_int_equal(count(t, "\n"), 1);
    assert_non_null(strstr(t, " level=warn msg=\"cannot open 'a\\\"b\\nc\\x1b'\"\n"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_values_stay_as_they_are),
        cmocka_unit_test(test_values_that_could_forge_fields_are_quoted),
        cmocka_unit_test(test_control_bytes_are_escaped),
        cmocka_unit_test(test_long_values_are_cut_and_still_closed),
        cmocka_unit_test(test_a_forged_path_gives_one_line_with_one_level),
        cmocka_unit_test(test_log_kv_never_lets_a_control_byte_through),
        cmocka_unit_test(test_log_msg_quotes_its_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * The equity figures as a CSV file organised by the objectives of a state
 * digital-equity plan (see connectivity.h): one row per objective, measure
 * and group. The figures are conn_equity()'s, read through the same gate
 * check and audit entry, with the same small cells hidden: a hidden group's
 * row says "hidden" and why, and carries no count. Of the plan's five
 * objectives, Trellis measures two from the home-access survey
 * (availability and affordability of broadband: students without an
 * adequate connection; device access: students without a device of their
 * own); the other three (digital literacy, online privacy and
 * cybersecurity, accessibility of public resources) get one row each saying
 * "not_measured", so that a reader of the file sees the gap rather than
 * a missing line.
 */
#include "base/common.h"

#include <stdio.h>
#include <string.h>

#include "app/connectivity.h"
#include "base/buf.h"

/*
 * One field, quoted when it must be (RFC 4180); a text a spreadsheet would
 * run as a formula (=, +, -, @, tab, CR at the start) gets a leading ' so
 * it stays text (OWASP "CSV injection"), as teach.c's export does.
 */
static int csv_field(struct buf *b, const char *s)
{
    bool formula = s[0] && strchr("=+-@\t\r", s[0]);
    bool quote = formula || strpbrk(s, ",\"\r\n") != NULL;
    int r = 0;
    if (quote)
        r = buf_putc(b, '"');
    if (r == 0 && formula)
        r = buf_putc(b, '\'');
    for (const char *p = s; r == 0 && *p; p++)
        r = *p == '"' ? buf_appends(b, "\"\"") : buf_putc(b, *p);
    if (r == 0 && quote)
        r = buf_putc(b, '"');
    return r;
}

static const struct {
    const char *objective, *measure, *count, *share;
} measured[] = {
    {"broadband_availability_affordability", "students_without_adequate_connection",
     "without_adequate_connection", "share_without_adequate_connection"},
    {"device_access", "students_without_dedicated_device", "without_dedicated_device",
     "share_without_dedicated_device"},
};

static const char *const unmeasured[] = {
    "digital_literacy",
    "online_privacy_cybersecurity",
    "accessibility_public_resources",
};

/* The rows of one group (school 0: the whole scope or a grade of it). */
static int group_rows(struct buf *b, size_t m, json_t *cell, int64_t school, const char *name)
{
    const char *grade = json_string_value(json_object_get(cell, "grade"));
    int r = buf_appendf(b, "%s,%s,", measured[m].objective, measured[m].measure);
    if (r == 0 && school > 0)
        r = buf_appendf(b, "%lld", (long long)school);
    if (r == 0)
        r = buf_putc(b, ',');
    if (r == 0)
        r = csv_field(b, name ? name : "");
    if (r == 0)
        r = buf_putc(b, ',');
    if (r == 0)
        r = csv_field(b, grade ? grade : "");
    if (r < 0)
        return r;
    if (json_is_true(json_object_get(cell, "suppressed"))) {
        const char *why = json_string_value(json_object_get(cell, "reason"));
        return buf_appendf(b, ",,,,hidden,%s\r\n", why ? why : "");
    }
    return buf_appendf(b, ",%lld,%lld,%.3f,shown,\r\n",
                       (long long)json_integer_value(json_object_get(cell, "surveyed")),
                       (long long)json_integer_value(json_object_get(cell, measured[m].count)),
                       json_number_value(json_object_get(cell, measured[m].share)));
}

/* The rows of one measure: the scope, its grades, and (district) each school and its grades. */
static int all_rows(struct buf *b, size_t m, json_t *v)
{
    const char *scope = json_string_value(json_object_get(v, "scope"));
    bool school_scope = scope && !strcmp(scope, "school");
    int64_t scope_id = school_scope ? json_integer_value(json_object_get(v, "id")) : 0;
    const char *scope_name = json_string_value(json_object_get(v, "name"));
    json_t *s, *g;
    size_t i, j;
    int r = group_rows(b, m, json_object_get(v, "all"), scope_id, scope_name);

    json_array_foreach(json_object_get(v, "grades"), i, g)
    {
        if (r == 0)
            r = group_rows(b, m, g, scope_id, scope_name);
    }
    json_array_foreach(json_object_get(v, "schools"), i, s)
    {
        int64_t sid = json_integer_value(json_object_get(s, "id"));
        const char *name = json_string_value(json_object_get(s, "name"));
        if (r == 0)
            r = group_rows(b, m, s, sid, name);
        json_array_foreach(json_object_get(s, "grades"), j, g)
        {
            if (r == 0)
                r = group_rows(b, m, g, sid, name);
        }
    }
    return r;
}

int conn_equity_csv(struct ctx *c, bool district, int64_t id, int weeks, char **ret,
                    size_t *ret_len)
{
    struct buf b = BUF_INIT(64 * 1024 * 1024);
    json_t *v = NULL;
    int r = conn_equity(c, district, id, weeks, &v);

    if (r < 0)
        goto out;
    r = buf_appends(&b, "objective,measure,school_id,school,grade,students_surveyed,students,"
                        "share,status,note\r\n");
    for (size_t m = 0; r == 0 && m < ARRAY_SIZE(measured); m++)
        r = all_rows(&b, m, v);
    for (size_t u = 0; r == 0 && u < ARRAY_SIZE(unmeasured); u++)
        r = buf_appendf(&b, "%s,,,,,,,,not_measured,no figure kept by Trellis\r\n", unmeasured[u]);
    if (r < 0) {
        r = ctx_fail(c, r, "the equity figures are too large to export at once");
        goto out;
    }
    *ret = buf_detach(&b, ret_len);
    if (!*ret)
        r = ctx_fail(c, -ENOMEM, "out of memory");
out:
    buf_release(&b);
    json_decref(v);
    return r;
}

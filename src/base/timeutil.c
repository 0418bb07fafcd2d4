/*
 * Time: see timeutil.h. Calendar conversion after Howard Hinnant's
 * days_from_civil/civil_from_days algorithms (proleptic Gregorian).
 */
#include "base/common.h"

#include <stdio.h>
#include <time.h>

#include "base/timeutil.h"

int64_t time_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t time_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t time_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void time_civil_from_days(int64_t z, int64_t *ret_y, unsigned *ret_m, unsigned *ret_d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    unsigned d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    unsigned m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *ret_y = y + (m <= 2);
    *ret_m = m;
    *ret_d = d;
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned days_in_month(int64_t y, unsigned m)
{
    static const unsigned dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

/* n digits at s[*i] into *ret; false if any is not a digit. */
static bool digits(struct str s, size_t *i, unsigned n, unsigned *ret)
{
    unsigned v = 0;
    if (s.len - *i < n)
        return false;
    for (unsigned k = 0; k < n; k++) {
        unsigned char c = (unsigned char)s.p[*i + k];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *i += n;
    *ret = v;
    return true;
}

static bool expect(struct str s, size_t *i, char c)
{
    if (*i < s.len && s.p[*i] == c) {
        (*i)++;
        return true;
    }
    return false;
}

static int parse_date_at(struct str s, size_t *i, int64_t *ret_days)
{
    unsigned y = 0, m = 0, d = 0; /* set by digits(); gcc -O3 cannot tell */
    if (!digits(s, i, 4, &y) || !expect(s, i, '-') || !digits(s, i, 2, &m) || !expect(s, i, '-') ||
        !digits(s, i, 2, &d))
        return -EINVAL;
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return -EINVAL;
    *ret_days = time_days_from_civil(y, m, d);
    return 0;
}

int time_parse_date(struct str s, int64_t *ret_days)
{
    size_t i = 0;
    int64_t days;
    if (parse_date_at(s, &i, &days) < 0 || i != s.len)
        return -EINVAL;
    *ret_days = days;
    return 0;
}

void time_format_date(int64_t days, char *out)
{
    int64_t y;
    unsigned m, d;
    time_civil_from_days(days, &y, &m, &d);
    snprintf(out, 16, "%04lld-%02u-%02u", (long long)y, m, d);
}

int time_parse_iso8601(struct str s, bool allow_no_zone, int64_t *ret_ms, bool *ret_has_zone)
{
    size_t i = 0;
    int64_t days;
    unsigned hh, mm, ss, ms = 0, oh = 0, om = 0;
    int sign = 0;
    bool zone = false;

    if (parse_date_at(s, &i, &days) < 0)
        return -EINVAL;
    if (i >= s.len || (s.p[i] != 'T' && s.p[i] != 't' && s.p[i] != ' '))
        return -EINVAL;
    i++;
    if (!digits(s, &i, 2, &hh) || !expect(s, &i, ':') || !digits(s, &i, 2, &mm) ||
        !expect(s, &i, ':') || !digits(s, &i, 2, &ss))
        return -EINVAL;
    if (hh > 23 || mm > 59 || ss > 60)
        return -EINVAL;
    if (ss == 60) /* a leap second: count it as the last millisecond of the minute */
        ss = 59, ms = 999;
    if (i < s.len && (s.p[i] == '.' || s.p[i] == ',')) {
        unsigned nd = 0, v = 0;
        i++;
        while (i < s.len && s.p[i] >= '0' && s.p[i] <= '9') {
            if (nd < 3)
                v = v * 10 + (unsigned)(s.p[i] - '0');
            nd++;
            i++;
        }
        if (nd == 0)
            return -EINVAL;
        while (nd < 3) {
            v *= 10;
            nd++;
        }
        if (ms == 0)
            ms = v;
    }
    if (i < s.len && (s.p[i] == 'Z' || s.p[i] == 'z')) {
        zone = true;
        i++;
    } else if (i < s.len && (s.p[i] == '+' || s.p[i] == '-')) {
        sign = s.p[i] == '+' ? 1 : -1;
        i++;
        if (!digits(s, &i, 2, &oh))
            return -EINVAL;
        if (i < s.len) {
            expect(s, &i, ':');
            if (!digits(s, &i, 2, &om))
                return -EINVAL;
        }
        if (oh > 23 || om > 59)
            return -EINVAL;
        zone = true;
    }
    if (i != s.len)
        return -EINVAL;
    if (!zone && !allow_no_zone)
        return -EINVAL;
    int64_t t = days * 86400 + (int64_t)hh * 3600 + (int64_t)mm * 60 + ss;
    t -= sign * ((int64_t)oh * 3600 + (int64_t)om * 60);
    *ret_ms = t * 1000 + ms;
    if (ret_has_zone)
        *ret_has_zone = zone;
    return 0;
}

void time_format_iso8601(int64_t ms, char *out)
{
    int64_t secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    int64_t rem = ms - secs * 1000;
    int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    int64_t sod = secs - days * 86400;
    int64_t y;
    unsigned m, d;

    time_civil_from_days(days, &y, &m, &d);
    snprintf(out, 32, "%04lld-%02u-%02uT%02u:%02u:%02u.%03uZ", (long long)y, m, d,
             (unsigned)(sod / 3600), (unsigned)(sod / 60 % 60), (unsigned)(sod % 60),
             (unsigned)rem);
}

int time_parse_duration(const char *s, int64_t *ret_ms)
{
    static const struct {
        char unit;
        bool in_time;
        double ms;
    } units[] = {{'Y', false, 365 * 86400e3},
                 {'M', false, 30 * 86400e3},
                 {'W', false, 7 * 86400e3},
                 {'D', false, 86400e3},
                 {'H', true, 3600e3},
                 {'M', true, 60e3},
                 {'S', true, 1e3}};
    size_t next = 0; /* units must come in order, each once */
    bool in_time = false, any = false, fraction_seen = false, weeks = false;
    double total = 0;

    if (!s || *s++ != 'P')
        return -EINVAL;
    while (*s) {
        if (*s == 'T') {
            if (in_time || !s[1])
                return -EINVAL;
            in_time = true;
            s++;
            continue;
        }
        if (fraction_seen || weeks)
            return -EINVAL; /* a fraction only on the last number; PnW stands alone */
        double v = 0, scale = 0;
        bool digit = false;
        for (; *s >= '0' && *s <= '9'; s++, digit = true)
            v = v * 10 + (*s - '0');
        if (*s == '.' || *s == ',') {
            s++;
            scale = 1;
            for (; *s >= '0' && *s <= '9'; s++, digit = true) {
                scale /= 10;
                v += scale * (*s - '0');
            }
            fraction_seen = true;
        }
        if (!digit || !*s)
            return -EINVAL;
        size_t u = next;
        while (u < ARRAY_SIZE(units) && (units[u].unit != *s || units[u].in_time != in_time))
            u++;
        if (u == ARRAY_SIZE(units))
            return -EINVAL;
        if (units[u].unit == 'W') {
            if (any)
                return -EINVAL;
            weeks = true;
        }
        next = u + 1;
        total += v * units[u].ms;
        any = true;
        s++;
    }
    if (!any || total > 100 * 365 * 86400e3)
        return -EINVAL;
    *ret_ms = (int64_t)(total + 0.5);
    return 0;
}

/*
 * Time: clocks, calendar arithmetic and ISO 8601 / RFC 3339 text.
 *
 * Trellis stores instants as int64 milliseconds since the Unix epoch (UTC)
 * and calendar dates as int64 days since 1970-01-01. Parsing is strict and
 * never reads past the view. Everything but the two clocks is pure.
 */
#ifndef TRELLIS_TIMEUTIL_H
#define TRELLIS_TIMEUTIL_H

#include <stdint.h>

#include "base/str.h"

/* Wall clock, ms since the epoch. Services take the time from their context, not from here. */
int64_t time_now_ms(void);
/* Monotonic clock in ns, for durations. */
int64_t time_mono_ns(void);

/* Days since 1970-01-01 of a proleptic Gregorian date (no range check). */
int64_t time_days_from_civil(int64_t y, unsigned m, unsigned d);
void time_civil_from_days(int64_t days, int64_t *ret_y, unsigned *ret_m, unsigned *ret_d);

/* "YYYY-MM-DD" (years 0000-9999) to days; -EINVAL if malformed or no such day. */
int time_parse_date(struct str s, int64_t *ret_days);
/* days to "YYYY-MM-DD"; out holds at least 16 bytes. */
void time_format_date(int64_t days, char *out);

/*
 * ISO 8601 extended date-time: YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM|+HHMM|+HH)
 * (also 't'/'z' and a space for 'T' as RFC 3339 allows). Fractions beyond
 * milliseconds are truncated. ret_has_zone says whether a zone was given; a
 * missing zone is accepted only when allow_no_zone is set and is read as UTC.
 * -EINVAL names no reason; callers say which field was bad.
 */
int time_parse_iso8601(struct str s, bool allow_no_zone, int64_t *ret_ms, bool *ret_has_zone);
/* ms to "YYYY-MM-DDTHH:MM:SS.mmmZ"; out holds at least 32 bytes. */
void time_format_iso8601(int64_t ms, char *out);

/*
 * An ISO 8601 duration as xAPI uses it (result.duration): PnYnMnDTnHnMnS
 * (a fraction only on the last number) or PnW, to milliseconds; a year
 * counts 365 days and a month 30. -EINVAL if malformed or over a century.
 */
int time_parse_duration(const char *s, int64_t *ret_ms);

#endif

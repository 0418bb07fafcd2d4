/*
 * The school and district views: mastery, growth and usage by school,
 * grade and class, and trends over weeks, for the people who run schools
 * (docs/API.md, "School and district views").
 *
 * Every figure is an aggregate over students, and every count published
 * passes small-cell suppression (core/suppress.h): groups of fewer than
 * SV_MIN_CELL students are hidden, with complements so that no hidden
 * group can be worked out by subtraction from anything either view shows.
 * The suppression runs over the whole district (district, schools,
 * district grades, school grades, classes) for every view, so the school
 * view of one school and the district view hide the same cells; a hidden
 * cell carries no number at all. Per-student means and shares are shown
 * only for cells that are shown; shares under 5 % or over 95 % are given as
 * a range (never 0 % or 100 % of a group).
 *
 * Access: the gate's RES_SCHOOL_STATS (school administrators and
 * counsellors of the school, district administrators, the operator,
 * statements/read clients) or RES_DISTRICT_STATS (district administrators,
 * the operator, statements/read clients); no student is named, so the
 * audit entry is one "aggregates" entry per view, not a disclosure of
 * records (and the bulk-export tripwire does not count it).
 */
#ifndef TRELLIS_APP_SCHOOLVIEW_H
#define TRELLIS_APP_SCHOOLVIEW_H

#include <jansson.h>
#include <stdint.h>

#include "app/ctx.h"

#define SV_MIN_CELL      10 /* the smallest group of students shown */
#define SV_WINDOW_WEEKS  4  /* growth, usage: this week and the three before */
#define SV_DEFAULT_WEEKS 12 /* weeks of trend */
#define SV_MAX_WEEKS     52

/*
 * GET /api/v1/schools/{id}/overview: the school, its grades and classes,
 * and the school's weekly trend (weeks 1..SV_MAX_WEEKS). A new reference
 * in *ret; -ENOENT for a school the caller may not see (or none),
 * -EINVAL for weeks out of range.
 */
int schoolview_school(struct ctx *c, int64_t school_id, int weeks, json_t **ret);

/* GET /api/v1/districts/{id}/overview: the district, its schools and grades, its trend. */
int schoolview_district(struct ctx *c, int64_t district_id, int weeks, json_t **ret);

#endif

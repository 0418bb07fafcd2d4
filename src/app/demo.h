/*
 * The demo district: a deterministic, realistic OneRoster 1.2 set made in
 * memory (a district, elementary schools for grades 3-5 and middle schools
 * for grades 6-8, about 200 students per school, their teachers, homerooms
 * and subject classes, guardians linked through agentSourcedIds, a site
 * administrator per school, a district administrator and a counselor per
 * middle school, sealed demographics and contact data) and imported through
 * the same path as any roster (roster_import), so there is one write path.
 *
 * The same generator scales with the number of students for benchmarks and
 * can write its set to a folder. Names are drawn from lists of common given
 * and family names; they belong to no real person. Everything depends only
 * on the options (seed, students, class size, school year).
 */
#ifndef TRELLIS_APP_DEMO_H
#define TRELLIS_APP_DEMO_H

#include <stdint.h>

#include "app/ctx.h"
#include "app/roster.h"
#include "base/buf.h"

/*
 * The demo student whose login the demo hands out; their twin (DEMO_TWIN_SID)
 * shares their guardians, so the demo guardian has two children. The demo
 * history always gives the demo student weeks of practice.
 */
#define DEMO_STUDENT_SID "stu-000001"
#define DEMO_TWIN_SID    "stu-000002"

struct demo_opts {
    long students;        /* 0: 600 */
    uint64_t seed;        /* 0: 1 */
    int class_size;       /* 0: 25 */
    int school_year;      /* the year the school year ends in (2026 for 2025-26); 0: 2026 */
    bool with_passwords;  /* make demo logins (init --demo), not for benchmark sets */
    int history_weeks;    /* weeks of simulated practice (demo_history); 0: none */
    const char *base_url; /* the server's public URL, for the learners' xAPI accounts */
};

/* A login of the demo district (one or more per role). */
struct demo_login {
    char role[20]; /* student, guardian, teacher, counsellor, school_admin, district_admin */
    char username[96];
    char password[32];
    char totp_secret[40]; /* base32 (RFC 4648) for staff; "" for students and guardians */
    char sourced_id[32];
};

/*
 * One of the demo teacher's assignments (demo_assign.c), as the simulated
 * history honours it: the students it covers practise its skills first
 * from the day it was given until it was closed (core/select.h).
 */
struct demo_assignment {
    const char *skills[4]; /* IRIs */
    size_t n_skills;
    int64_t *students; /* users.id of the students it covers (malloc'ed) */
    size_t n_students;
    int64_t given_day, due_day, closed_day; /* closed_day 0: open */
};
struct demo_assignments {
    struct demo_assignment a[4];
    size_t n;
};
void demo_assignments_release(struct demo_assignments *p);

struct demo_history_opts {
    int weeks;
    uint64_t seed;
    const char *base_url; /* the learners' account homePage; NULL: http://127.0.0.1:8080 */
    const struct demo_assignments *assignments; /* honoured by the simulation; NULL: none */
};
struct demo_history_report {
    long statements, sessions, active, absent, masteries;
    int64_t applied; /* answers the learner model applied */
    long fitted;     /* skills whose parameters were fitted to the history */
};
struct demo_set {
    struct buf files[10];
    struct roster_memfile mf[10];
    size_t n_files;
    struct demo_login *logins;
    size_t n_logins;
    long n_schools, n_students, n_teachers, n_guardians, n_classes, n_enrollments;
    struct demo_history_report history; /* filled by demo_install when it simulates practice */
};

/* Make the set (pure: no I/O). 0 or -ENOMEM; release with demo_set_release(). */
int demo_generate(const struct demo_opts *o, struct demo_set *ret);
void demo_set_release(struct demo_set *s);
/* Write the set's CSV files into dir (created if missing): 0 or a negative errno. */
int demo_write_set(const struct demo_set *s, const char *dir);
/*
 * Generate the demo district and import it as the server's operator, then
 * provision the demo logins (demo_provision_login). report as roster_import.
 */
int demo_install(struct ctx *c, const struct demo_opts *o, struct demo_set *set,
                 struct roster_report *report);
/*
 * Weeks of simulated practice for every student of the district (see
 * demo_history.c): statements through the LRS's write path, then the
 * skills' BKT parameters fitted to them (model_fit_stored) and the learner
 * model caught up under those. Acts as the SYSTEM principal for the writes;
 * the caller (the operator) reads the roster. 0 or a negative errno.
 */
int demo_history(struct ctx *c, int64_t district_id, const struct demo_history_opts *o,
                 struct demo_history_report *rep);

/*
 * The demo teacher's assignments in their mathematics class (see
 * demo_assign.c): one given two weeks ago and closed after its due date,
 * one for the whole class due in two school days, one for a small group due
 * next week, recorded by the operator on the teacher's behalf with the days
 * they were given. *ret lists them for the simulated history. Nothing is
 * made when the class has no term under way. 0 or a negative errno.
 */
int demo_assign(struct ctx *c, int64_t district_id, const struct demo_set *set,
                struct demo_assignments *ret);

/*
 * The demo district's home connectivity (demo_connectivity.c): survey
 * answers for about 85% of each school's students, with a realistic share
 * without an adequate connection or a device of their own, referrals of
 * some of their households to low-cost internet programmes in every
 * status, and two digital-literacy sessions per school with attendance.
 * Acts as ctx->who (the operator in the district). 0 or a negative errno.
 */
int demo_connectivity(struct ctx *c, int64_t district_id, uint64_t seed);

/*
 * The demo's micro-credentials (demo_badges.c): three achievements with
 * rubric rows, and a few teachers (the demo teacher with a login among
 * them) who already hold one. As the operator.
 */
int demo_badges(struct ctx *c, int64_t district_id, const struct demo_set *set);

/*
 * The demo district's devices and hotspots (see demo_devices.c): about 1.1
 * devices per student imported as an inventory file, then a term of
 * lending through the devices service as the operator (homerooms checked
 * out, acknowledgements, hotspots with due dates, some overdue, swaps,
 * repairs, losses, damage). 0 or a negative errno (ctx->err).
 */
struct demo_devices_report {
    long devices, lent, hotspots, swaps, losses, acknowledgements;
};
int demo_devices(struct ctx *c, int64_t district_id, const struct demo_set *set,
                 struct demo_devices_report *rep);

/* Write the logins as a JSON array of {role, username, password, totp_secret?} (mode 0600). */
int demo_write_logins(const struct demo_set *s, const char *path);

#endif

/*
 * The demo district generator: see demo.h.
 */
#include "base/common.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/auth.h"
#include "app/content.h"
#include "app/demo.h"
#include "app/principal.h"
#include "base/mem.h"
#include "base/timeutil.h"

static const char *const given_f[] = {
    "Ava",    "Sofia", "Amara",  "Mei",     "Priya",  "Zainab",  "Lucia",   "Hana",  "Chloe",
    "Imani",  "Yara",  "Nadia",  "Leilani", "Ximena", "Aaliyah", "Freya",   "Ines",  "Keira",
    "Maya",   "Noor",  "Olivia", "Rosa",    "Sakura", "Talia",   "Valeria", "Wren",  "Adaeze",
    "Camila", "Elif",  "Fatima", "Grace",   "Isla",   "Jasmine", "Kavya",   "Layla", "Mariam",
};
static const char *const given_m[] = {
    "Liam",  "Mateo",   "Kenji",    "Omar",   "Arjun", "Kwame",   "Diego",   "Elijah", "Finn",
    "Hiro",  "Ibrahim", "Jonah",    "Kai",    "Luca",  "Malik",   "Nikolai", "Oscar",  "Pablo",
    "Quinn", "Rafael",  "Santiago", "Tariq",  "Umar",  "Viktor",  "Wyatt",   "Yusuf",  "Zane",
    "Amir",  "Bao",     "Chidi",    "Dmitri", "Emeka", "Gabriel", "Hassan",  "Ikaika", "Jamal",
};
static const char *const family[] = {
    "Okafor",    "Nguyen",    "Martinez", "Haddad",   "Begay",     "Kowalski", "Tanaka",
    "Patel",     "Johnson",   "Garcia",   "Mensah",   "Lindqvist", "Reyes",    "Osei",
    "Kim",       "Hernandez", "Rossi",    "Nakamura", "Abdi",      "Chen",     "Dubois",
    "Ivanova",   "Kaur",      "Lopez",    "Mwangi",   "Novak",     "O'Brien",  "Park",
    "Quispe",    "Rahman",    "Silva",    "Thompson", "Usman",     "Vasquez",  "Washington",
    "Yilmaz",    "Zhang",     "Adeyemi",  "Bianchi",  "Castillo",  "Delgado",  "Eriksen",
    "Fernandes", "Gonzalez",  "Hughes",   "Iyer",     "Jensen",    "Khan",     "Larsen",
};
static const char *const places[] = {"Cedar",    "Maple",    "Juniper",    "Willow",   "Aspen",
                                     "Birch",    "Sycamore", "Alder",      "Hawthorn", "Linden",
                                     "Magnolia", "Redwood",  "Cottonwood", "Sequoia",  "Laurel"};
static const char *const cities[] = {"Fresno",  "Tucson", "El Paso", "Albuquerque", "Boise",
                                     "Spokane", "Reno",   "Eugene",  "Stockton",    "Yakima"};
static const char *const states[] = {"CA", "AZ", "TX", "NM", "ID", "WA", "NV", "OR", "CA", "WA"};
static const char *const subjects[] = {
    "Mathematics", "English Language Arts", "Science", "Social Studies", "Art",
    "Music",       "Physical Education"};
static const char *const subj_code[] = {"MATH", "ELA", "SCI", "SS", "ART", "MUS", "PE"};

#define N_CORE     4
#define N_SUBJECTS 7
/* Staffing: a district of 100,000 students in classes of 40 gets about 5,000 teachers. */
#define SPEC_SECTIONS 4 /* sections one art, music or PE teacher takes at a school */
#define CORE_SECTIONS 3 /* sections one middle-school core teacher takes in a grade */
#define TEAM_MAX      64

struct rng {
    uint64_t s;
};

static uint64_t next(struct rng *r)
{
    /* splitmix64 */
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static unsigned below(struct rng *r, unsigned n)
{
    return (unsigned)(next(r) % n);
}

enum { F_MANIFEST, F_ORGS, F_SESSIONS, F_COURSES, F_CLASSES, F_USERS, F_ROLES, F_ENR, F_DEMO, F_N };
static const char *const fnames[F_N] = {"manifest.csv", "orgs.csv",        "academicSessions.csv",
                                        "courses.csv",  "classes.csv",     "users.csv",
                                        "roles.csv",    "enrollments.csv", "demographics.csv"};

struct gen {
    struct demo_set *set;
    struct rng rng;
    const struct demo_opts *o;
    int err;
    long next_user;
};

static void put(struct gen *g, int f, const char *fmt, ...) PRINTF_FMT(3, 4);
static void put(struct gen *g, int f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (!g->err)
        g->err = buf_vappendf(&g->set->files[f], fmt, ap);
    va_end(ap);
}

static void lower_ascii(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s + 32);
}

/* a username safe part of a name: letters only, lowercase */
static void slug(const char *in, char *out, size_t n)
{
    size_t j = 0;
    for (; *in && j + 1 < n; in++)
        if ((*in >= 'A' && *in <= 'Z') || (*in >= 'a' && *in <= 'z'))
            out[j++] = *in;
    out[j] = '\0';
    lower_ascii(out);
}

static void make_password(struct gen *g, char *out, size_t n)
{
    static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    size_t len = n - 1 < 20 ? n - 1 : 20;
    for (size_t i = 0; i < len; i++) {
        if (i == 5 || i == 10 || i == 15)
            out[i] = '-';
        else
            out[i] = alphabet[below(&g->rng, sizeof(alphabet) - 1)];
    }
    out[len] = '\0';
}

static void make_totp(struct gen *g, char *out)
{
    static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    /* 20 random bytes (160 bits, RFC 4226's recommended length) = 32 base32 characters */
    for (int i = 0; i < 32; i++)
        out[i] = b32[below(&g->rng, 32)];
    out[32] = '\0';
}

static void add_login(struct gen *g, const char *role, const char *username, const char *sid,
                      bool staff)
{
    struct demo_set *s = g->set;
    struct demo_login *l;
    if (!g->o->with_passwords || g->err)
        return;
    l = mem_realloc(s->logins, (s->n_logins + 1) * sizeof(*l));
    if (!l) {
        g->err = -ENOMEM;
        return;
    }
    s->logins = l;
    l = &s->logins[s->n_logins++];
    memset(l, 0, sizeof(*l));
    snprintf(l->role, sizeof(l->role), "%s", role);
    snprintf(l->username, sizeof(l->username), "%s", username);
    snprintf(l->sourced_id, sizeof(l->sourced_id), "%s", sid);
    make_password(g, l->password, sizeof(l->password));
    if (staff)
        make_totp(g, l->totp_secret);
}

struct person {
    char sid[32], given[32], family[40], username[64];
};

/* A staff member at org: users.csv, roles.csv. */
static void staff(struct gen *g, struct person *p, const char *sid_prefix, const char *org,
                  const char *role, const char *login_role)
{
    bool female = below(&g->rng, 2);
    char gs[32], fs[40];
    long id = ++g->next_user;

    snprintf(p->sid, sizeof(p->sid), "%s-%05ld", sid_prefix, id);
    snprintf(p->given, sizeof(p->given), "%s",
             female ? given_f[below(&g->rng, ARRAY_SIZE(given_f))]
                    : given_m[below(&g->rng, ARRAY_SIZE(given_m))]);
    snprintf(p->family, sizeof(p->family), "%s", family[below(&g->rng, ARRAY_SIZE(family))]);
    slug(p->given, gs, sizeof(gs));
    slug(p->family, fs, sizeof(fs));
    snprintf(p->username, sizeof(p->username), "%.1s%s%ld", gs, fs, id);
    put(g, F_USERS,
        "%s,,,true,%s,{district:%s},%s,%s,,E%05ld,%s.%s%ld@cedarvalley.example,,555-01%02ld,,,,,,"
        ",,%s,%s\n",
        p->sid, p->username, p->username, p->given, p->family, id, gs, fs, id, id % 100, org,
        female ? "she/her" : "he/him");
    put(g, F_ROLES, "r-%s,,,%s,primary,%s,,,%s,\n", p->sid, p->sid, role, org);
    if (login_role)
        add_login(g, login_role, p->username, p->sid, true);
}

/*
 * The idx-th teacher of a team (the specialists of a subject at a school, the
 * teachers of a core subject in a grade), hired when first needed. Teams are
 * capped at TEAM_MAX; tiny class sizes share the last one.
 */
static const struct person *hire(struct gen *g, struct demo_set *set, struct person *team, int *n,
                                 long idx, const char *org, const char *login_role)
{
    if (idx >= TEAM_MAX)
        idx = TEAM_MAX - 1;
    while (*n <= idx) {
        staff(g, &team[*n], "tch", org, "teacher", *n == idx ? login_role : NULL);
        set->n_teachers++;
        (*n)++;
    }
    return &team[idx];
}

int demo_generate(const struct demo_opts *opt, struct demo_set *set)
{
    struct demo_opts o = *opt;
    struct gen g = {0};
    long per_school, sy;
    char sy_sid[32];

    if (o.students <= 0)
        o.students = 600;
    if (o.seed == 0)
        o.seed = 1;
    if (o.class_size <= 0)
        o.class_size = 25;
    if (o.school_year <= 0)
        o.school_year = 2026;
    memset(set, 0, sizeof(*set));
    for (int f = 0; f < F_N; f++)
        buf_init(&set->files[f], (size_t)1 << 31);
    g.set = set;
    g.o = &o;
    g.rng.s = o.seed;
    sy = o.school_year;

    put(&g, F_MANIFEST,
        "propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\n"
        "file.academicSessions,bulk\nfile.categories,absent\nfile.classes,bulk\n"
        "file.classResources,absent\nfile.courses,bulk\nfile.courseResources,absent\n"
        "file.demographics,bulk\nfile.enrollments,bulk\nfile.lineItems,absent\n"
        "file.orgs,bulk\nfile.resources,absent\nfile.results,absent\nfile.roles,bulk\n"
        "file.userProfiles,absent\nfile.users,bulk\n"
        "source.systemName,Cedar Valley demo SIS\nsource.systemCode,demo\n");
    put(&g, F_ORGS, "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n");
    put(&g, F_SESSIONS,
        "sourcedId,status,dateLastModified,title,type,startDate,endDate,"
        "parentSourcedId,schoolYear\n");
    put(&g, F_COURSES,
        "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,"
        "grades,orgSourcedId,subjects,subjectCodes\n");
    put(&g, F_CLASSES,
        "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,"
        "classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,"
        "periods\n");
    put(&g, F_USERS,
        "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,"
        "middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,"
        "userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,"
        "primaryOrgSourcedId,pronouns\n");
    put(&g, F_ROLES,
        "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,"
        "endDate,orgSourcedId,userProfileSourcedId\n");
    put(&g, F_ENR,
        "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,"
        "userSourcedId,role,primary,beginDate,endDate\n");
    put(&g, F_DEMO,
        "sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,"
        "asian,blackOrAfricanAmerican,nativeHawaiianOrOtherPacificIslander,white,"
        "demographicRaceTwoOrMoreRaces,hispanicOrLatinoEthnicity,countryOfBirthCode,"
        "stateOfBirthAbbreviation,cityOfBirth,publicSchoolResidenceStatus\n");

    /* the district and its school year: two semesters, four quarters */
    put(&g, F_ORGS,
        "cv-district,,,Cedar Valley Unified School District (demo),district,0600001,\n");
    snprintf(sy_sid, sizeof(sy_sid), "sy-%ld", sy);
    put(&g, F_SESSIONS, "%s,,,%ld-%ld,schoolYear,%ld-08-18,%ld-06-05,,%ld\n", sy_sid, sy - 1, sy,
        sy - 1, sy, sy);
    put(&g, F_SESSIONS, "sem1-%ld,,,Fall %ld,semester,%ld-08-18,%ld-12-19,%s,%ld\n", sy, sy - 1,
        sy - 1, sy - 1, sy_sid, sy);
    put(&g, F_SESSIONS, "sem2-%ld,,,Spring %ld,semester,%ld-01-05,%ld-06-05,%s,%ld\n", sy, sy, sy,
        sy, sy_sid, sy);
    put(&g, F_SESSIONS, "q1-%ld,,,Quarter 1,gradingPeriod,%ld-08-18,%ld-10-17,sem1-%ld,%ld\n", sy,
        sy - 1, sy - 1, sy, sy);
    put(&g, F_SESSIONS, "q2-%ld,,,Quarter 2,gradingPeriod,%ld-10-20,%ld-12-19,sem1-%ld,%ld\n", sy,
        sy - 1, sy - 1, sy, sy);
    put(&g, F_SESSIONS, "q3-%ld,,,Quarter 3,gradingPeriod,%ld-01-05,%ld-03-20,sem2-%ld,%ld\n", sy,
        sy, sy, sy, sy);
    put(&g, F_SESSIONS, "q4-%ld,,,Quarter 4,gradingPeriod,%ld-03-23,%ld-06-05,sem2-%ld,%ld\n", sy,
        sy, sy, sy, sy);

    struct person p;
    staff(&g, &p, "adm", "cv-district", "districtAdministrator", "district_admin");

    long schools = MAX(3, (o.students + 599) / 600);
    per_school = o.students / schools;
    long student_no = 0, enr_no = 0, class_no = 0;
    /* student 1 (the demo student) and student 2 are twins: the demo guardian's two children */
    const char *twins_family = NULL;
    int twins_nguard = 1;
    bool twins = o.students >= 2;
    set->n_schools = schools;
    for (long s = 0; s < schools; s++) {
        bool middle = s % 3 == 2;
        char org[24], sname[96];
        int g0 = middle ? 6 : 3;
        long in_school = per_school + (s < o.students % schools ? 1 : 0);

        snprintf(org, sizeof(org), "sch-%03ld", s + 1);
        if (s < (long)ARRAY_SIZE(places))
            snprintf(sname, sizeof(sname), "%s %s School", places[s],
                     middle ? "Middle" : "Elementary");
        else
            snprintf(sname, sizeof(sname), "%s %s School No. %ld", places[s % ARRAY_SIZE(places)],
                     middle ? "Middle" : "Elementary", s / (long)ARRAY_SIZE(places) + 1);
        put(&g, F_ORGS, "%s,,,%s,school,06%05ld,cv-district\n", org, sname, s + 1);
        staff(&g, &p, "adm", org, "siteAdministrator", s == 0 ? "school_admin" : NULL);
        if (middle)
            staff(&g, &p, "cns", org, "counselor", s == 2 ? "counsellor" : NULL);
        /* specialists (art, music, PE): one per subject for every SPEC_SECTIONS sections of
         * the school, hired as sections need them */
        struct person spec[N_SUBJECTS - N_CORE][TEAM_MAX];
        int n_spec[N_SUBJECTS - N_CORE] = {0};
        long school_sec = 0;

        for (int gr = g0; gr < g0 + 3; gr++) {
            long n = in_school / 3 + (gr - g0 < in_school % 3 ? 1 : 0);
            long sections = MAX(1, (n + o.class_size - 1) / o.class_size);
            /* middle school: a teacher per core subject for every CORE_SECTIONS sections */
            struct person core[N_CORE][TEAM_MAX];
            int n_core[N_CORE] = {0};

            /* courses of the grade: homeroom + 7 subjects */
            put(&g, F_COURSES, "crs-%s-g%d-hr,,,%s,Grade %d Homeroom,HR-%d,%02d,%s,,\n", org, gr,
                sy_sid, gr, gr, gr, org);
            for (int k = 0; k < N_SUBJECTS; k++)
                put(&g, F_COURSES, "crs-%s-g%d-%s,,,%s,Grade %d %s,%s-%d,%02d,%s,%s,\n", org, gr,
                    subj_code[k], sy_sid, gr, subjects[k], subj_code[k], gr, gr, org, subjects[k]);
            for (long sec = 0; sec < sections; sec++) {
                struct person hr;
                char cls[N_SUBJECTS + 1][80];
                const struct person *teacher[N_SUBJECTS + 1];
                const struct person *mid[N_CORE], *sp[N_SUBJECTS - N_CORE];
                for (int k = 0; middle && k < N_CORE; k++)
                    mid[k] = hire(&g, set, core[k], &n_core[k], sec / CORE_SECTIONS, org,
                                  s == 2 && gr == 6 && k == 0 && sec == 0 ? "teacher" : NULL);
                for (int k = 0; k < N_SUBJECTS - N_CORE; k++)
                    sp[k] =
                        hire(&g, set, spec[k], &n_spec[k], school_sec / SPEC_SECTIONS, org, NULL);
                school_sec++;
                if (middle) {
                    hr = *mid[sec % N_CORE];
                } else {
                    staff(&g, &hr, "tch", org, "teacher",
                          s == 0 && gr == 3 && sec == 0 ? "teacher" : NULL);
                    set->n_teachers++;
                }
                for (int k = 0; k <= N_SUBJECTS; k++) {
                    const char *code = k == 0 ? "hr" : subj_code[k - 1];
                    snprintf(cls[k], sizeof(cls[k]), "cls-%s-g%d%c-%s", org, gr,
                             (char)('a' + sec % 26), code);
                    if (sec >= 26)
                        snprintf(cls[k], sizeof(cls[k]), "cls-%s-g%d-%ld-%s", org, gr, sec, code);
                    teacher[k] = k == 0           ? &hr
                                 : k - 1 < N_CORE ? (middle ? mid[k - 1] : &hr)
                                                  : sp[k - 1 - N_CORE];
                    if (k == 0)
                        put(&g, F_CLASSES,
                            "%s,,,Homeroom %d%c - %s %s,%02d,crs-%s-g%d-hr,HR%d-%ld,homeroom,"
                            "Room %ld,%s,\"sem1-%ld,sem2-%ld\",,,0\n",
                            cls[k], gr, (char)('A' + sec % 26), hr.given, hr.family, gr, org, gr,
                            gr, sec + 1, 100 * (gr - 2) + sec + 1, org, sy, sy);
                    else
                        put(&g, F_CLASSES,
                            "%s,,,Grade %d %s - Section %ld,%02d,crs-%s-g%d-%s,%s%d-%ld,scheduled,"
                            "Room %ld,%s,\"sem1-%ld,sem2-%ld\",%s,,%d\n",
                            cls[k], gr, subjects[k - 1], sec + 1, gr, org, gr, code, code, gr,
                            sec + 1, 100 * (gr - 2) + sec + 1, org, sy, sy, subjects[k - 1], k);
                    put(&g, F_ENR, "enr-%07ld,,,%s,%s,%s,teacher,true,%ld-08-18,%ld-06-05\n",
                        ++enr_no, cls[k], org, teacher[k]->sid, sy - 1, sy);
                }
                class_no += N_SUBJECTS + 1;
                long in_sec = n / sections + (sec < n % sections ? 1 : 0);
                for (long i = 0; i < in_sec; i++) {
                    bool female = below(&g.rng, 100) < 49;
                    const char *gn = female ? given_f[below(&g.rng, ARRAY_SIZE(given_f))]
                                            : given_m[below(&g.rng, ARRAY_SIZE(given_m))];
                    const char *fn = family[below(&g.rng, ARRAY_SIZE(family))];
                    char sid[32], user[96], gs[32], fs[40], gsid[2][48];
                    int nguard = below(&g.rng, 10) < 7 ? 2 : 1;
                    long sn = ++student_no;
                    /* the twin keeps every draw (the rest of the district stays the same) but
                       takes student 1's family name and guardians */
                    bool twin = twins && sn == 2;
                    int drawn_nguard = nguard;

                    if (sn == 1) {
                        twins_family = fn;
                        twins_nguard = nguard;
                    }
                    if (twin) {
                        fn = twins_family;
                        nguard = twins_nguard;
                    }
                    snprintf(sid, sizeof(sid), "stu-%06ld", sn);
                    slug(gn, gs, sizeof(gs));
                    slug(fn, fs, sizeof(fs));
                    snprintf(user, sizeof(user), "%.1s%s%ld", gs, fs, sn);
                    for (int k = 0; k < nguard; k++)
                        snprintf(gsid[k], sizeof(gsid[k]), "grd-%06ld-%d", twin ? 1L : sn, k + 1);
                    put(&g, F_USERS,
                        "%s,,,true,%s,{sis:%06ld},%s,%s,,%06ld,%s@students.cedarvalley.example,,,"
                        "%s%s%s%s%s,%02d,,,,,,%s,\n",
                        sid, user, sn, gn, fn, sn, user, nguard > 1 ? "\"" : "", gsid[0],
                        nguard > 1 ? "," : "", nguard > 1 ? gsid[1] : "", nguard > 1 ? "\"" : "",
                        gr, org);
                    put(&g, F_ROLES, "r-%s,,,%s,primary,student,%ld-08-18,,%s,\n", sid, sid, sy - 1,
                        org);
                    if (sn == 1)
                        add_login(&g, "student", user, sid, false);
                    /* born in the year that makes them (grade + 5) on September 1 */
                    int by = (int)sy - 1 - (gr + 5) - (below(&g.rng, 12) < 8 ? 0 : 1);
                    unsigned race = below(&g.rng, 100);
                    bool hisp = below(&g.rng, 100) < 28;
                    unsigned c = below(&g.rng, ARRAY_SIZE(cities));
                    bool abroad = below(&g.rng, 100) < 9;
                    put(&g, F_DEMO, "%s,,,%d-%02u-%02u,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,\n", sid,
                        by, 1 + below(&g.rng, 12), 1 + below(&g.rng, 28),
                        female ? "female" : "male", race < 2 ? "true" : "false",
                        race >= 2 && race < 12 ? "true" : "false",
                        race >= 12 && race < 27 ? "true" : "false", race == 27 ? "true" : "false",
                        race >= 28 && race < 90 ? "true" : "false", race >= 90 ? "true" : "false",
                        hisp ? "true" : "false", abroad ? "MX" : "US", abroad ? "" : states[c],
                        abroad ? "Guadalajara" : cities[c]);
                    for (int k = 0; k <= N_SUBJECTS; k++)
                        put(&g, F_ENR, "enr-%07ld,,,%s,%s,%s,student,false,%ld-08-18,%ld-06-05\n",
                            ++enr_no, cls[k], org, sid, sy - 1, sy);
                    for (int k = 0; k < drawn_nguard; k++) {
                        bool gf = k == 0 ? below(&g.rng, 100) < 60 : !female;
                        const char *ggn = gf ? given_f[below(&g.rng, ARRAY_SIZE(given_f))]
                                             : given_m[below(&g.rng, ARRAY_SIZE(given_m))];
                        const char *gfn = k == 0 || below(&g.rng, 4)
                                              ? fn
                                              : family[below(&g.rng, ARRAY_SIZE(family))];
                        char ggs[32], gfs[40], guser[96];
                        slug(ggn, ggs, sizeof(ggs));
                        slug(gfn, gfs, sizeof(gfs));
                        snprintf(guser, sizeof(guser), "%s.%s.%ld%d", ggs, gfs, sn, k + 1);
                        unsigned sms = below(&g.rng, 100), phone = below(&g.rng, 100);
                        if (twin)
                            continue; /* student 1's guardians are theirs */
                        put(&g, F_USERS,
                            "%s,,,true,%s,,%s,%s,,,%s@mail.example,555-01%02u,555-01%02u,%s%s%s%s,"
                            ",,,,,,%s,\n",
                            gsid[k], guser, ggn, gfn, guser, sms, phone,
                            sn == 1 && twins ? "\"" : "", sid,
                            sn == 1 && twins ? "," DEMO_TWIN_SID : "", sn == 1 && twins ? "\"" : "",
                            org);
                        put(&g, F_ROLES, "r-%s,,,%s,primary,%s,,,%s,\n", gsid[k], gsid[k],
                            k == 0 ? "parent" : "guardian", org);
                        set->n_guardians++;
                        if (sn == 1 && k == 0)
                            add_login(&g, "guardian", guser, gsid[k], false);
                    }
                }
            }
        }
    }
    set->n_students = student_no;
    set->n_classes = class_no;
    set->n_enrollments = enr_no;
    if (g.err) {
        demo_set_release(set);
        return g.err;
    }
    for (int f = 0; f < F_N; f++) {
        set->mf[f].name = fnames[f];
        set->mf[f].data = buf_cstr(&set->files[f]);
        set->mf[f].len = set->files[f].len;
    }
    set->n_files = F_N;
    return 0;
}

void demo_set_release(struct demo_set *s)
{
    if (!s)
        return;
    for (size_t f = 0; f < ARRAY_SIZE(s->files); f++)
        buf_release(&s->files[f]);
    if (s->logins)
        memset(s->logins, 0, s->n_logins * sizeof(*s->logins));
    mem_free(s->logins);
    memset(s, 0, sizeof(*s));
}

int demo_write_set(const struct demo_set *s, const char *dir)
{
    if (mkdir(dir, 0700) < 0 && errno != EEXIST)
        return -errno;
    for (size_t f = 0; f < s->n_files; f++) {
        char path[4096];
        FILE *fp;
        snprintf(path, sizeof(path), "%s/%s", dir, s->mf[f].name);
        fp = fopen(path, "w");
        if (!fp)
            return -errno;
        size_t w = fwrite(s->mf[f].data, 1, s->mf[f].len, fp);
        if (fclose(fp) != 0 || w != s->mf[f].len)
            return -EIO;
    }
    return 0;
}

/*
 * The call point for the identity module: give the demo login l (a rostered
 * person, by sourcedId) an argon2id password and, for the roles that must
 * have a second factor (counsellors, school and district administrators),
 * its TOTP secret as an enrolled factor. Other roles get no second factor,
 * so their secret is dropped from the logins file.
 */
static int demo_provision_login(struct ctx *c, struct demo_login *l)
{
    bool mfa = !strcmp(l->role, "counsellor") || !strcmp(l->role, "school_admin") ||
               !strcmp(l->role, "district_admin");
    if (!mfa)
        memset(l->totp_secret, 0, sizeof(l->totp_secret));
    return auth_provision_demo(c, l->sourced_id, l->password, l->totp_secret);
}

int demo_install(struct ctx *c, const struct demo_opts *o, struct demo_set *set,
                 struct roster_report *report)
{
    struct roster_source *src = NULL;
    struct roster_import_opts io = {.as_operator = true, .source_label = "demo"};
    int r = demo_generate(o, set);

    memset(report, 0, sizeof(*report));
    if (r < 0)
        return ctx_fail(c, r, "cannot make the demo district: %s", strerror(-r));
    r = roster_source_memory(set->mf, set->n_files, &src);
    if (r < 0)
        return ctx_fail(c, r, "out of memory");
    r = roster_import(c, src, &io, report);
    roster_source_free(src);
    if (r == 0 && set->n_logins) {
        /* the logins are made by the operator, in the district just imported */
        const struct principal *was = c->who;
        struct principal op;
        r = principal_operator_in(&op, was, report->district_id);
        if (r < 0)
            return ctx_fail(c, r, "only the server's operator installs the demo");
        c->who = &op;
        for (size_t i = 0; r == 0 && i < set->n_logins; i++)
            r = demo_provision_login(c, &set->logins[i]);
        c->who = was;
    }
    if (r == 0) {
        /* the mathematics pack built into the program (app/content.h) */
        struct content_report crep;
        r = content_install_builtin(c, report->district_id, &crep);
        content_report_release(&crep);
    }
    struct demo_assignments plan = {0};
    if (r == 0 && set->n_logins) {
        /* the demo teacher's assignments, before the history that honours them */
        const struct principal *was = c->who;
        struct principal op;
        r = principal_operator_in(&op, was, report->district_id);
        if (r < 0)
            return ctx_fail(c, r, "only the server's operator installs the demo");
        c->who = &op;
        r = demo_assign(c, report->district_id, set, &plan);
        /* the families' answers to the home connectivity survey, referrals, sessions */
        if (r == 0)
            r = demo_connectivity(c, report->district_id, o->seed);
        if (r == 0)
            r = demo_badges(c, report->district_id, set);
        if (r == 0) {
            /* the devices and hotspots, and a term of lending them */
            struct demo_devices_report dr;
            r = demo_devices(c, report->district_id, set, &dr);
        }
        c->who = was;
    }
    if (r == 0 && o->history_weeks > 0) {
        /* the operator, in the district just imported, reads its students */
        const struct principal *was = c->who;
        struct principal op;
        struct demo_history_opts ho = {o->history_weeks, o->seed, o->base_url, &plan};
        struct demo_history_report hr;
        r = principal_operator_in(&op, was, report->district_id);
        if (r < 0) {
            demo_assignments_release(&plan);
            return ctx_fail(c, r, "only the server's operator installs the demo");
        }
        c->who = &op;
        r = demo_history(c, report->district_id, &ho, &hr);
        c->who = was;
        set->history = hr;
    }
    demo_assignments_release(&plan);
    return r;
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

int demo_write_logins(const struct demo_set *s, const char *path)
{
    char tmp[4200];
    int fd;
    FILE *f;

    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return -errno;
    f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        return -errno;
    }
    fputs("[\n", f);
    for (size_t i = 0; i < s->n_logins; i++) {
        const struct demo_login *l = &s->logins[i];
        fputs("  {\"role\": ", f);
        json_str(f, l->role);
        fputs(", \"username\": ", f);
        json_str(f, l->username);
        fputs(", \"password\": ", f);
        json_str(f, l->password);
        if (l->totp_secret[0]) {
            fputs(", \"totp_secret\": ", f);
            json_str(f, l->totp_secret);
        }
        fprintf(f, "}%s\n", i + 1 < s->n_logins ? "," : "");
    }
    fputs("]\n", f);
    if (fclose(f) != 0) {
        (void)unlink(tmp);
        return -EIO;
    }
    if (rename(tmp, path) < 0)
        return -errno;
    return 0;
}

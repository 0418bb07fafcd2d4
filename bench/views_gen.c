/*
 * views_gen: a generated district for the views benchmark (bench/views.sh).
 *   views_gen DB STUDENTS STATEMENTS LOGINS_JSON [WEEKS]
 *   views_gen --catch-up DB     (only the learner model's catch-up, timed)
 * Makes the demo district scaled to STUDENTS (schools, teachers, homerooms
 * and subject classes of 25, through the roster import, the built-in
 * mathematics pack), gives logins to several teachers, every school's site
 * administrator and the district administrator (written to LOGINS_JSON,
 * with the TOTP secrets of the administrators), then writes STATEMENTS
 * practice statements through the LRS's own write path (lrs_append_write,
 * batches of 2,500, one durable commit each, as the SYSTEM principal),
 * shaped as practice writes them (answered with success, response,
 * duration, attempt and hints extensions, a misconception on some wrong
 * answers; asked for hints; the item as parent and the skill as an
 * objective category) over WEEKS (8) school weeks ending yesterday: each
 * student works through the 40 skills nearest their grade in order, with
 * up to three tries per problem, learning at each first attempt (a few
 * stuck on one skill, a few guessing fast), school hours of school days.
 * Then the learner model catches up (model_catch_up, timed). Prints the
 * figures of each step. Deterministic (one seed). DB is a path or a
 * postgresql:// URL (then TRELLIS_KEY_FILE names the sealing key to make).
 */
#include "base/common.h"

#include <stdio.h>
#include <stdlib.h>

#include "app/auth.h"
#include "app/content.h"
#include "app/ctx.h"
#include "app/demo.h"
#include "app/lrs.h"
#include "app/model.h"
#include "app/practice.h"
#include "app/principal.h"
#include "base/arena.h"
#include "base/config.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "base/uuid.h"
#include "core/rng.h"
#include "store/db.h"
#include "store/store.h"

#define DAY_MS    86400000LL
#define BATCH     2500
#define SKILLS    40
#define TEACHERS  16
#define ADMINS    16
#define BASE_URL  "http://127.0.0.1:8080"
#define ADMIN_OTP "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

struct skill {
    const char *iri;
    int grade;
    const char **items;
    size_t n_items;
};

struct gen {
    struct ctx *c;
    struct rng rng;
    struct skill *skills;
    size_t n_skills;
    json_t *batch;
    long written;
};

static double now_s(void)
{
    return (double)time_mono_ns() / 1e9;
}

static int flush(struct gen *g)
{
    const char **ids;
    size_t n;
    if (!json_array_size(g->batch))
        return 0;
    char *text = json_dumps(g->batch, JSON_COMPACT);
    json_array_clear(g->batch);
    if (!text)
        return -ENOMEM;
    struct lrs_write w = {.version = LRS_V2_0, .base_url = BASE_URL};
    int r = lrs_append_write(g->c, &w, text, strlen(text), &ids, &n);
    mem_free(text);
    arena_release(g->c->arena);
    return r;
}

static int emit(struct gen *g, const char *sid, const char *verb, const char *verb_name,
                const char *object, const char *type, const char *item, const char *skill,
                int64_t at_ms, json_t *result)
{
    uint8_t u[16];
    char id[40], when[40];
    for (int i = 0; i < 16; i++)
        u[i] = (uint8_t)rng_next(&g->rng);
    u[6] = (uint8_t)((u[6] & 0x0f) | 0x40);
    u[8] = (uint8_t)((u[8] & 0x3f) | 0x80);
    uuid_format(u, id);
    time_format_iso8601(at_ms, when);
    json_t *st = json_pack("{s:s, s:{s:s, s:{s:s, s:s}}, s:{s:s, s:{s:s}}, s:{s:s, s:s, s:{s:s}}, "
                           "s:{s:{s:[{s:s, s:s}], s:[{s:s, s:s, s:{s:s}}]}}, s:s}",
                           "id", id, "actor", "objectType", "Agent", "account", "homePage",
                           BASE_URL, "name", sid, "verb", "id", verb, "display", "en-US", verb_name,
                           "object", "objectType", "Activity", "id", object, "definition", "type",
                           type, "context", "contextActivities", "parent", "objectType", "Activity",
                           "id", item, "category", "objectType", "Activity", "id", skill,
                           "definition", "type", MODEL_SKILL_TYPE, "timestamp", when);
    if (!st) {
        json_decref(result);
        return -ENOMEM;
    }
    if (result)
        json_object_set_new(st, "result", result);
    if (json_array_append_new(g->batch, st) < 0)
        return -ENOMEM;
    g->written++;
    return json_array_size(g->batch) >= BATCH ? flush(g) : 0;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* One student's practice: n statements over the weeks before first_day + 7 * weeks. */
static int student(struct gen *g, const char *sid, int grade, long n, int64_t first_day, int weeks)
{
    size_t order[SKILLS], k = 0;
    /* the SKILLS skills nearest their grade, lower grades first (stable by pack order) */
    for (int d = 0; k < SKILLS && d < 20; d++)
        for (int sign = -1; sign <= 1 && k < SKILLS; sign += 2) {
            if (d == 0 && sign == 1)
                break;
            int want = grade + (d == 0 ? 0 : sign * d);
            for (size_t i = 0; i < g->n_skills && k < SKILLS; i++)
                if ((g->skills[i].grade < 0 ? grade : g->skills[i].grade) == want &&
                    g->skills[i].n_items)
                    order[k++] = i;
        }
    if (k == 0)
        return 0;
    double u = rng_double(&g->rng);
    bool rapid = u < 0.06;
    double learn = 0.08 + 0.14 * rng_double(&g->rng);
    size_t stuck = rng_double(&g->rng) < 0.12 ? (size_t)(rng_next(&g->rng) % k) : SIZE_MAX;
    /* sessions of about 9 statements on school days, in order */
    long n_sessions = (n + 8) / 9;
    int64_t *days = mem_alloc((size_t)(n_sessions ? n_sessions : 1) * sizeof(*days));
    if (!days)
        return -ENOMEM;
    for (long i = 0; i < n_sessions; i++) {
        int64_t w = (int64_t)(rng_next(&g->rng) % (uint64_t)weeks);
        days[i] = first_day + 7 * w + (int64_t)(rng_next(&g->rng) % 5);
    }
    qsort(days, (size_t)n_sessions, sizeof(*days), cmp_i64);
    size_t cur = 0;
    bool knows = rng_double(&g->rng) < 0.3;
    int tries_on_skill = 0, streak = 0;
    long left = n;
    int r = 0;
    for (long s = 0; s < n_sessions && left > 0 && r == 0; s++) {
        int64_t t = days[s] * DAY_MS + (int64_t)(13.5 * 3600e3) +
                    (int64_t)(rng_next(&g->rng) % (5 * 3600)) * 1000;
        long in_session = MIN(left, 6 + (long)(rng_next(&g->rng) % 7));
        while (in_session > 0 && r == 0) {
            const struct skill *sk = &g->skills[order[cur]];
            const char *item = sk->items[rng_next(&g->rng) % sk->n_items];
            char object[512];
            snprintf(object, sizeof(object), "%s/steps/s1", item);
            int hints = 0;
            bool first_right = false;
            for (int attempt = 1; attempt <= 3 && in_session > 0 && r == 0; attempt++) {
                int64_t secs = rapid && rng_double(&g->rng) < 0.7
                                   ? 2 + (int64_t)(rng_next(&g->rng) % 3)
                                   : 15 + (int64_t)(rng_next(&g->rng) % 75);
                double p = knows ? 0.92 : 0.15;
                if (rapid && secs < 5)
                    p = 0.15;
                bool right = rng_double(&g->rng) < p;
                char dur[32], rsp[16];
                snprintf(dur, sizeof(dur), "PT%lldS", (long long)secs);
                snprintf(rsp, sizeof(rsp), "%u", (unsigned)(rng_next(&g->rng) % 100));
                t += secs * 1000;
                json_t *ext =
                    json_pack("{s:i, s:i}", MODEL_EXT_ATTEMPT, attempt, MODEL_EXT_HINTS, hints);
                if (ext && !right && rng_double(&g->rng) < 0.5) {
                    char mis[64];
                    snprintf(mis, sizeof(mis), "m-%zu-%u", order[cur],
                             (unsigned)(rng_next(&g->rng) % 3));
                    json_object_set_new(ext, PRACTICE_EXT_MISCONCEPTION, json_string(mis));
                }
                json_t *result = json_pack("{s:b, s:s, s:s, s:o}", "success", right, "response",
                                           rsp, "duration", dur, "extensions", ext);
                r = emit(g, sid, PRACTICE_VERB_ANSWERED, "answered", object,
                         "http://adlnet.gov/expapi/activities/cmi.interaction", item, sk->iri, t,
                         result);
                in_session--;
                left--;
                if (attempt == 1) {
                    first_right = right;
                    tries_on_skill++;
                    if (!knows && rng_double(&g->rng) < (cur == stuck ? 0.01 : learn))
                        knows = true;
                }
                if (right)
                    break;
                if (attempt == 2 && rng_double(&g->rng) < 0.4) {
                    for (int h = 0; h < 2 && in_session > 0 && r == 0; h++) {
                        char hint[600];
                        snprintf(hint, sizeof(hint), "%s/hints/%d", object, h + 1);
                        t += 20000;
                        hints++;
                        r = emit(g, sid, MODEL_VERB_ASKED, "asked", hint,
                                 "http://adlnet.gov/expapi/activities/interaction", item, sk->iri,
                                 t, NULL);
                        in_session--;
                        left--;
                    }
                }
            }
            t += 10000;
            streak = first_right ? streak + 1 : 0;
            /* on to the next skill after four right first tries, or after 15 (spinning) */
            if (streak >= 4 || (tries_on_skill >= 15 && cur != stuck)) {
                cur = (cur + 1) % k;
                streak = tries_on_skill = 0;
                knows = rng_double(&g->rng) < 0.3;
            }
        }
    }
    mem_free(days);
    return r;
}

/* Field i of a CSV line (quoted fields may hold commas; quotes dropped). */
static const char *field(const char *line, int i, char *out, size_t n)
{
    const char *p = line;
    size_t k = 0;
    bool q = false;
    for (int f = 0; f < i; p++) {
        if (!*p || (*p == '\n' && !q))
            return NULL;
        if (*p == '"')
            q = !q;
        else if (*p == ',' && !q)
            f++;
    }
    for (q = false; *p && (q || (*p != ',' && *p != '\n')); p++) {
        if (*p == '"')
            q = !q;
        else if (k + 1 < n)
            out[k++] = *p;
    }
    out[k] = '\0';
    return out;
}

static const struct roster_memfile *file_of(const struct demo_set *set, const char *name)
{
    for (size_t i = 0; i < set->n_files; i++)
        if (!strcmp(set->mf[i].name, name))
            return &set->mf[i];
    return NULL;
}

struct login {
    char role[20], sid[40], username[96], password[80];
    bool otp;
};

/* Logins for TEACHERS teachers spread over the district, ADMINS site administrators. */
static int logins(struct ctx *c, const struct demo_set *set, const char *path)
{
    const struct roster_memfile *roles = file_of(set, "roles.csv"),
                                *users = file_of(set, "users.csv");
    struct login L[TEACHERS + ADMINS + 1];
    size_t n = 0, n_teachers = 0;
    char sid[40], role[40], uname[96];
    int r = 0;
    if (!roles || !users)
        return -ENOENT;
    /* count the teachers, then take every step-th */
    for (const char *p = roles->data; p && p < roles->data + roles->len;
         p = strchr(p, '\n'), p = p ? p + 1 : p)
        if (field(p, 5, role, sizeof(role)) && !strcmp(role, "teacher"))
            n_teachers++;
    size_t step = MAX(n_teachers / TEACHERS, (size_t)1), ti = 0, na = 0;
    for (const char *p = roles->data; p && p < roles->data + roles->len;
         p = strchr(p, '\n'), p = p ? p + 1 : p) {
        if (!field(p, 5, role, sizeof(role)) || !field(p, 3, sid, sizeof(sid)))
            continue;
        bool teacher = !strcmp(role, "teacher"), admin = !strcmp(role, "siteAdministrator"),
             district = !strcmp(role, "districtAdministrator");
        if (teacher && (ti++ % step != 0 || ti > step * TEACHERS))
            continue;
        if (admin && na++ >= ADMINS)
            continue;
        if (!teacher && !admin && !district)
            continue;
        struct login *l = &L[n++];
        snprintf(l->role, sizeof(l->role), "%s",
                 teacher ? "teacher"
                 : admin ? "school_admin"
                         : "district_admin");
        snprintf(l->sid, sizeof(l->sid), "%s", sid);
        snprintf(l->password, sizeof(l->password), "bench-%s-pass-%zu", sid, n);
        l->otp = !teacher;
        l->username[0] = '\0';
        if (n == ARRAY_SIZE(L))
            break;
    }
    for (const char *p = users->data; p && p < users->data + users->len;
         p = strchr(p, '\n'), p = p ? p + 1 : p)
        if (field(p, 0, sid, sizeof(sid)))
            for (size_t i = 0; i < n; i++)
                if (!strcmp(L[i].sid, sid) && field(p, 4, uname, sizeof(uname)))
                    snprintf(L[i].username, sizeof(L[i].username), "%s", uname);
    FILE *f = fopen(path, "w");
    if (!f)
        return -errno;
    fprintf(f, "[\n");
    for (size_t i = 0; i < n && r == 0; i++) {
        r = auth_provision_demo(c, L[i].sid, L[i].password, L[i].otp ? ADMIN_OTP : "");
        fprintf(
            f,
            " {\"role\":\"%s\",\"username\":\"%s\",\"password\":\"%s\",\"totp_secret\":\"%s\"}%s\n",
            L[i].role, L[i].username, L[i].password, L[i].otp ? ADMIN_OTP : "",
            i + 1 < n ? "," : "");
    }
    fprintf(f, "]\n");
    fclose(f);
    return r;
}

/* views_gen --catch-up DB: only the learner model's catch-up (of a generation cut short). */
static int catch_up_only(const char *dbpath)
{
    struct config cfg;
    struct store *store;
    struct store_options so = {.pool_size = 2, .key_file = getenv("TRELLIS_KEY_FILE")};
    char err[512];
    struct arena arena = ARENA_INIT;
    struct ctx ctx;
    struct principal op, opd;
    struct db *db;
    int64_t district = 0, applied = 0;
    if (config_init(&cfg, "web") < 0 || store_open(dbpath, &so, &store, err, sizeof(err)) < 0) {
        fprintf(stderr, "views_gen: %s\n", err);
        return 1;
    }
    ctx_init(&ctx, store, &cfg, &arena, time_now_ms(), "views_gen");
    principal_operator(&op, 0, "bench:views_gen");
    ctx.who = &op;
    ctx.client_addr = "local";
    if (ctx_db(&ctx, &db) < 0 ||
        db_query_int64(db, &district, "SELECT MIN(id) FROM districts", "") < 0 ||
        principal_operator_in(&opd, &op, district) < 0)
        return 1;
    ctx.who = &opd;
    double t0 = now_s();
    int r = model_catch_up(&ctx, district, &applied);
    if (r < 0) {
        fprintf(stderr, "views_gen: catch-up: %s %s\n", strerror(-r), ctx.err);
        return 1;
    }
    double el = now_s() - t0;
    printf("learner model catch-up: %lld answers applied in %.1f s = %.0f answers/s\n",
           (long long)applied, el, (double)applied / el);
    ctx_release(&ctx);
    arena_release(&arena);
    store_close(store);
    config_release(&cfg);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--catch-up"))
        return catch_up_only(argv[2]);
    if (argc < 5) {
        fprintf(stderr, "usage: views_gen DB STUDENTS STATEMENTS LOGINS_JSON [WEEKS]\n");
        return 2;
    }
    const char *dbpath = argv[1], *logins_path = argv[4];
    long students = strtol(argv[2], NULL, 10), statements = strtol(argv[3], NULL, 10);
    int weeks = argc > 5 ? (int)strtol(argv[5], NULL, 10) : 8;
    setvbuf(stdout, NULL, _IOLBF, 0); /* each figure as soon as it is known */
    struct config cfg;
    struct store *store;
    struct store_options so = {.create = true,
                               .create_key = true,
                               .pool_size = 4,
                               .must_be_new = true,
                               .key_file = getenv("TRELLIS_KEY_FILE")};
    char err[512];
    struct arena arena = ARENA_INIT;
    struct ctx ctx;
    struct demo_set set;
    struct roster_report rep;
    struct principal op, opd, sys;
    int r;

    if (config_init(&cfg, "web") < 0 ||
        config_set(&cfg, "db", dbpath, "bench", err, sizeof(err)) < 0)
        return 1;
    if (store_open(dbpath, &so, &store, err, sizeof(err)) < 0) {
        fprintf(stderr, "views_gen: %s\n", err);
        return 1;
    }
    int64_t now = time_now_ms(), y, day = now / DAY_MS;
    unsigned mo, d;
    time_civil_from_days(day, &y, &mo, &d);
    struct demo_opts dopt = {.with_passwords = true,
                             .students = students,
                             .school_year = (int)(mo >= 8 ? y + 1 : y),
                             .base_url = BASE_URL};
    ctx_init(&ctx, store, &cfg, &arena, now, "views_gen");
    principal_operator(&op, 0, "bench:views_gen");
    ctx.who = &op;
    ctx.client_addr = "local";
    double t0 = now_s();
    r = demo_install(&ctx, &dopt, &set, &rep);
    if (r < 0) {
        fprintf(stderr, "views_gen: the district: %s\n", ctx.err[0] ? ctx.err : strerror(-r));
        return 1;
    }
    int64_t district = rep.district_id;
    printf("district: %ld schools, %ld students, %ld teachers, %ld classes, %ld enrollments in "
           "%.1f s\n",
           set.n_schools, set.n_students, set.n_teachers, set.n_classes, set.n_enrollments,
           now_s() - t0);
    if (principal_operator_in(&opd, &op, district) < 0)
        return 1;
    ctx.who = &opd;
    if ((r = logins(&ctx, &set, logins_path)) < 0) {
        fprintf(stderr, "views_gen: logins: %s %s\n", strerror(-r), ctx.err);
        return 1;
    }
    /* the skills and their items */
    struct content_graph graph;
    struct gen g = {.c = &ctx};
    rng_seed(&g.rng, 12);
    if ((r = content_graph(&ctx, district, &graph)) < 0)
        return 1;
    g.n_skills = graph.n;
    g.skills = calloc(graph.n, sizeof(*g.skills));
    for (size_t i = 0; i < graph.n; i++) {
        struct content_item_ref *refs;
        size_t n;
        g.skills[i].iri = strdup(graph.skills[i].iri);
        g.skills[i].grade = graph.skills[i].grade;
        if (content_items_for_skill(&ctx, district, graph.skills[i].id, &refs, &n) < 0)
            continue;
        g.skills[i].items = calloc(n ? n : 1, sizeof(char *));
        for (size_t k = 0; k < n; k++)
            g.skills[i].items[k] = strdup(refs[k].iri);
        g.skills[i].n_items = n;
    }
    arena_release(&arena);
    /* the students and their grades, from the set (sourcedId, grade at fields 0 and 14) */
    const struct roster_memfile *users = file_of(&set, "users.csv"),
                                *roles = file_of(&set, "roles.csv");
    (void)roles;
    char sid[40], gr[16];
    long n_students = 0;
    for (const char *p = users->data; p && p < users->data + users->len;
         p = strchr(p, '\n'), p = p ? p + 1 : p)
        if (field(p, 0, sid, sizeof(sid)) && !strncmp(sid, "stu-", 4))
            n_students++;
    int64_t today = now / DAY_MS, dow = (today + 3) % 7;
    int64_t first_day = today - dow - 7 * weeks;
    principal_system(&sys, district, "system:practice");
    ctx.who = &sys;
    g.batch = json_array();
    t0 = now_s();
    long i = 0, per = n_students ? statements / n_students : 0,
         extra = n_students ? statements % n_students : 0;
    for (const char *p = users->data; r == 0 && p && p < users->data + users->len;
         p = strchr(p, '\n'), p = p ? p + 1 : p) {
        if (!field(p, 0, sid, sizeof(sid)) || strncmp(sid, "stu-", 4))
            continue;
        int grade = field(p, 14, gr, sizeof(gr)) && gr[0] ? (int)strtol(gr, NULL, 10) : 5;
        r = student(&g, sid, grade, per + (i < extra ? 1 : 0), first_day, weeks);
        if (++i % 5000 == 0)
            fprintf(stderr, "views_gen: %ld students, %ld statements, %.0f statements/s\n", i,
                    g.written, (double)g.written / (now_s() - t0));
    }
    if (r == 0)
        r = flush(&g);
    if (r < 0) {
        fprintf(stderr, "views_gen: statements: %s %s\n", strerror(-r), ctx.err);
        return 1;
    }
    double el = now_s() - t0;
    printf("statements: %ld of %ld students over %d weeks in %.1f s = %.0f statements/s\n",
           g.written, i, weeks, el, (double)g.written / el);
    ctx.who = &opd;
    int64_t applied = 0;
    t0 = now_s();
    r = model_catch_up(&ctx, district, &applied);
    el = now_s() - t0;
    if (r < 0) {
        fprintf(stderr, "views_gen: catch-up: %s %s\n", strerror(-r), ctx.err);
        return 1;
    }
    printf("learner model catch-up: %lld answers applied in %.1f s = %.0f answers/s\n",
           (long long)applied, el, (double)applied / el);
    json_decref(g.batch);
    content_graph_release(&graph);
    ctx_release(&ctx);
    arena_release(&arena);
    roster_report_release(&rep);
    demo_set_release(&set);
    store_close(store);
    config_release(&cfg);
    return 0;
}

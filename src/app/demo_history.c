/*
 * The demo district's practice history: weeks of school days in which
 * every demo student practised (or did not), simulated from the learner
 * model and written through the LRS's own write path, so that every view
 * shows a district in its sixth week right after `make run`. See demo.h.
 *
 * The simulation. Each student has an ability and a habit: a few never
 * came, some practise once a week, most two or three times, some race
 * ahead every day; some guess quickly; some are stuck on one skill (they
 * barely learn it, the case a teacher must see). Whether a student knows a
 * skill at first follows their grade and ability (a sixth grader knows
 * most of grade 3); unknown skills are learnt with each attempt at the
 * BKT learning rate, and answers are right with the usual slip and guess
 * rates. What comes next is chosen as the practice service chooses it
 * (core/select.h) from the model's estimate, which the simulation tracks
 * with the same BKT update the learner model applies. Answers are real
 * instances of the pack's items: a right answer is an accepted one, a
 * wrong one mostly a known misconception of the instance; after two wrong
 * tries a student sometimes asks for hints. Statements carry the attempt,
 * the hints, the duration and the time (school hours of school days).
 *
 * It is deterministic for a seed, and writes in batches (one durable
 * group commit each) as the SYSTEM principal "system:demo".
 */
#include "base/common.h"

#include <math.h>
#include <stdio.h>

#include "app/access.h"
#include "app/content.h"
#include "app/demo.h"
#include "app/lrs.h"
#include "app/model.h"
#include "app/model_fit.h"
#include "app/practice.h"
#include "app/principal.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "base/uuid.h"
#include "core/bkt.h"
#include "core/fsrs.h"
#include "core/gen.h"
#include "core/rng.h"
#include "core/select.h"
#include "store/store.h"
#include "store/store_roster.h"

#define DAY_MS   86400000LL
#define BATCH    2500
#define LEARN    0.15
#define SLIP     0.08
#define GUESS    0.12
#define STUCK_ON 0.01

enum habit { H_ABSENT, H_LOW, H_NORMAL, H_HIGH };

struct student {
    int64_t id;
    char sid[32];
    int grade;
};

struct item_cache {
    int64_t id;
    const char *iri;
    json_t *item; /* content_item(): generator + params, or steps */
};

struct skill_cache {
    struct item_cache *items;
    size_t n;
    bool loaded;
};

struct sim {
    struct ctx *c;
    int64_t district;
    const char *base_url;
    struct rng rng;
    struct content_graph graph;
    struct skill_cache *skills;
    struct student *students;
    size_t n_students, cap_students;
    json_t *batch;
    struct demo_history_report *rep;
    struct gen_problem *gp;              /* scratch for generator instances */
    const struct demo_assignments *plan; /* the demo teacher's assignments, or NULL */
};

/* An assigned skill of one student, and the days its assignment was open. */
struct due {
    size_t skill;
    int64_t given, due, closed;
};

/* The student's assigned skills (at most cap). */
static size_t dues_of(const struct sim *s, const struct student *st, struct due *out, size_t cap)
{
    size_t n = 0;
    for (size_t k = 0; s->plan && k < s->plan->n; k++) {
        const struct demo_assignment *a = &s->plan->a[k];
        bool mine = false;
        for (size_t i = 0; i < a->n_students && !mine; i++)
            mine = a->students[i] == st->id;
        for (size_t i = 0; mine && i < a->n_skills && n < cap; i++) {
            const struct content_skill *cs = content_graph_skill_iri(&s->graph, a->skills[i]);
            if (cs)
                out[n++] = (struct due){(size_t)(cs - s->graph.skills), a->given_day, a->due_day,
                                        a->closed_day};
        }
    }
    return n;
}

/* What practice would have taken first on day: the open assignments, earliest due first. */
static void set_dues(struct select_skill *sk, const struct due *d, size_t n, int64_t day)
{
    for (size_t i = 0; i < n; i++)
        sk[d[i].skill].assigned_due = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t *cur = &sk[d[i].skill].assigned_due;
        if (d[i].given <= day && (!d[i].closed || day < d[i].closed) && (!*cur || d[i].due < *cur))
            *cur = d[i].due;
    }
}

static int student_cb(void *arg, int64_t id, const char *sid, const char *grades)
{
    struct sim *s = arg;
    if (s->n_students == s->cap_students) {
        size_t cap = s->cap_students ? 2 * s->cap_students : 1024;
        struct student *p = mem_realloc(s->students, cap * sizeof(*p));
        if (!p)
            return -ENOMEM;
        s->students = p;
        s->cap_students = cap;
    }
    struct student *st = &s->students[s->n_students++];
    st->id = id;
    snprintf(st->sid, sizeof(st->sid), "%s", sid);
    st->grade = grades && grades[0] ? (int)strtol(grades, NULL, 10) : 5;
    return 0;
}

static int load_items(struct sim *s, size_t skill)
{
    struct skill_cache *sc = &s->skills[skill];
    struct content_item_ref *refs;
    size_t n;
    int r;

    if (sc->loaded)
        return 0;
    sc->loaded = true;
    r = content_items_for_skill(s->c, s->district, s->graph.skills[skill].id, &refs, &n);
    if (r < 0)
        return r;
    sc->items = arena_calloc(s->c->arena, n ? n : 1, sizeof(*sc->items));
    if (!sc->items)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++) {
        json_t *it = NULL;
        if (content_item(s->c, s->district, refs[i].id, &it) < 0)
            continue;
        sc->items[sc->n].id = refs[i].id;
        sc->items[sc->n].iri = refs[i].iri;
        sc->items[sc->n].item = it;
        sc->n++;
    }
    return 0;
}

/* One instance's first step: an accepted answer and (maybe) a known wrong one. */
struct answers {
    char right[64], wrong[64];
    const char *misconception;
    unsigned hints;
};

static int answers_of(struct sim *s, const struct item_cache *it, uint64_t seed,
                      struct answers *ret)
{
    const char *gen = json_string_value(json_object_get(it->item, "generator"));
    memset(ret, 0, sizeof(*ret));
    if (gen) {
        struct gen_params ps = {0};
        const char *key;
        json_t *val;
        json_object_foreach(json_object_get(it->item, "params"), key, val)
        {
            if (ps.n < GEN_MAX_PARAMS) {
                ps.p[ps.n].name = key;
                ps.p[ps.n].value = json_integer_value(val);
                ps.n++;
            }
        }
        if (gen_make(gen, &ps, seed, s->gp) < 0 || s->gp->n_steps == 0)
            return -EIO;
        const struct gen_q *q = &s->gp->steps[0].q;
        snprintf(ret->right, sizeof(ret->right), "%s", q->n_answers ? q->answers[0] : "");
        if (q->n_wrong) {
            const struct gen_wrong *w = &q->wrong[rng_next(&s->rng) % q->n_wrong];
            snprintf(ret->wrong, sizeof(ret->wrong), "%s", w->answer);
            ret->misconception = w->misconception;
        }
        ret->hints = q->n_hints;
        return 0;
    }
    json_t *step = json_array_get(json_object_get(it->item, "steps"), 0);
    json_t *acc = json_object_get(json_object_get(step, "answer"), "accepted");
    json_t *fb = json_array_get(json_object_get(step, "feedback"), 0);
    snprintf(ret->right, sizeof(ret->right), "%s",
             json_string_value(json_array_get(acc, 0)) ? json_string_value(json_array_get(acc, 0))
                                                       : "");
    if (fb) {
        snprintf(ret->wrong, sizeof(ret->wrong), "%s",
                 json_string_value(json_object_get(fb, "answer"))
                     ? json_string_value(json_object_get(fb, "answer"))
                     : "");
        ret->misconception = json_string_value(json_object_get(fb, "misconception"));
    }
    ret->hints = (unsigned)json_array_size(json_object_get(step, "hints"));
    return 0;
}

static int flush(struct sim *s)
{
    const char **ids;
    size_t n;
    char *text;
    int r;

    if (!json_array_size(s->batch))
        return 0;
    text = json_dumps(s->batch, JSON_COMPACT);
    json_array_clear(s->batch);
    if (!text)
        return -ENOMEM;
    struct lrs_write w = {.version = LRS_V2_0, .base_url = s->base_url};
    r = lrs_append_write(s->c, &w, text, strlen(text), &ids, &n);
    mem_free(text);
    return r;
}

static int emit(struct sim *s, const struct student *st, const char *verb, const char *verb_name,
                const char *object, const char *object_type, const char *item_iri,
                const char *skill_iri, int64_t at_ms, json_t *result)
{
    uint8_t u[16];
    char id[40], when[40];
    for (int i = 0; i < 16; i++)
        u[i] = (uint8_t)rng_next(&s->rng);
    u[6] = (uint8_t)((u[6] & 0x0f) | 0x40);
    u[8] = (uint8_t)((u[8] & 0x3f) | 0x80);
    uuid_format(u, id);
    time_format_iso8601(at_ms, when);
    json_t *st_json = json_pack(
        "{s:s, s:{s:s, s:{s:s, s:s}}, s:{s:s, s:{s:s}}, s:{s:s, s:s, s:{s:s}}, "
        "s:{s:{s:[{s:s, s:s}], s:[{s:s, s:s, s:{s:s}}]}}, s:s}",
        "id", id, "actor", "objectType", "Agent", "account", "homePage", s->base_url, "name",
        st->sid, "verb", "id", verb, "display", "en-US", verb_name, "object", "objectType",
        "Activity", "id", object, "definition", "type", object_type, "context", "contextActivities",
        "parent", "objectType", "Activity", "id", item_iri, "category", "objectType", "Activity",
        "id", skill_iri, "definition", "type", MODEL_SKILL_TYPE, "timestamp", when);
    if (!st_json) {
        json_decref(result);
        return -ENOMEM;
    }
    if (result)
        json_object_set_new(st_json, "result", result);
    if (json_array_append_new(s->batch, st_json) < 0)
        return -ENOMEM;
    s->rep->statements++;
    return json_array_size(s->batch) >= BATCH ? flush(s) : 0;
}

static double sigmoid(double x)
{
    return 1.0 / (1.0 + exp(-x));
}

static double normal(struct rng *r)
{
    double u = rng_uniform(r, 1e-9, 1), v = rng_double(r);
    return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

/* One student's weeks. */
static int simulate(struct sim *s, const struct student *st, int weeks, int64_t first_day)
{
    size_t n = s->graph.n;
    struct select_skill *sk = arena_calloc(s->c->arena, n ? n : 1, sizeof(*sk));
    bool *knows = arena_calloc(s->c->arena, n ? n : 1, sizeof(*knows));
    struct bkt_state *est = arena_calloc(s->c->arena, n ? n : 1, sizeof(*est));
    struct fsrs_params fp;
    struct bkt_params bp = {.prior = MODEL_DEFAULT_PRIOR,
                            .learn = MODEL_DEFAULT_LEARN,
                            .guess = MODEL_DEFAULT_GUESS,
                            .slip = MODEL_DEFAULT_SLIP};
    double ability = normal(&s->rng);
    double u = rng_double(&s->rng);
    enum habit habit = u < 0.05 ? H_ABSENT : u < 0.25 ? H_LOW : u < 0.85 ? H_NORMAL : H_HIGH;
    /* the demo student (and their guardian's view of them) always has weeks of practice to show */
    if (!strcmp(st->sid, DEMO_STUDENT_SID) && habit < H_NORMAL)
        habit = H_NORMAL;
    bool rapid = rng_double(&s->rng) < 0.06;
    int64_t stuck = rng_double(&s->rng) < 0.12 ? -2 : -1; /* -2: the first hard skill they meet */
    int64_t current = -1;
    struct due dues[8];
    size_t n_dues = dues_of(s, st, dues, ARRAY_SIZE(dues));
    int r;

    if (!sk || !knows || !est)
        return -ENOMEM;
    if (fsrs_params_init(&fp, NULL, 0, 0.9, 36500, false) < 0)
        return -EINVAL;
    if (habit == H_ABSENT) {
        s->rep->absent++;
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        const struct content_skill *cs = &s->graph.skills[i];
        uint32_t *pre = arena_calloc(s->c->arena, cs->n_prerequisites + 1, sizeof(*pre));
        size_t np = 0;
        if (!pre)
            return -ENOMEM;
        for (size_t k = 0; k < cs->n_prerequisites; k++) {
            const struct content_skill *q = content_graph_skill(&s->graph, cs->prerequisites[k]);
            if (q)
                pre[np++] = (uint32_t)(q - s->graph.skills);
        }
        int g = cs->grade > 0 ? cs->grade : st->grade;
        knows[i] = rng_double(&s->rng) < sigmoid(1.6 * (st->grade - g) + ability - 0.3);
        est[i] = (struct bkt_state){MODEL_DEFAULT_PRIOR, 1 - MODEL_DEFAULT_PRIOR};
        sk[i] = (struct select_skill){.p_mastery = MODEL_DEFAULT_PRIOR,
                                      .grade = g,
                                      .prereq = pre,
                                      .n_prereq = np,
                                      .has_items = true};
    }
    int per_week = habit == H_LOW ? 1 : habit == H_NORMAL ? 2 : 4;
    for (int w = 0; w < weeks; w++) {
        /* a low-habit student who drifts away stops after a few weeks */
        if (habit == H_LOW && w >= 3 && rng_double(&s->rng) < 0.5)
            break;
        for (int k = 0; k < per_week; k++) {
            int dow = per_week >= 5 ? k : (int)(rng_next(&s->rng) % 5);
            int64_t day = first_day + 7 * w + dow;
            int64_t t = day * DAY_MS + (int64_t)(13.5 * 3600e3) +
                        (int64_t)(rng_next(&s->rng) % (5 * 3600)) * 1000; /* 13:30-18:30 UTC */
            if (day * DAY_MS > s->c->now_ms - DAY_MS)
                continue;
            int answers = 6 + (int)(rng_next(&s->rng) % 5);
            s->rep->sessions++;
            set_dues(sk, dues, n_dues, day);
            for (int a = 0; a < answers; a++) {
                struct select_input in = {sk, n, day, MODEL_MASTERED, 10, &fp, current};
                struct select_result res;
                if (select_next_skill(&in, &res) < 0 || res.skill < 0)
                    break;
                size_t i = (size_t)res.skill;
                if ((r = load_items(s, i)) < 0)
                    return r;
                if (s->skills[i].n == 0) {
                    sk[i].has_items = false;
                    continue;
                }
                if (stuck == -2 && !knows[i] && sk[i].grade >= st->grade)
                    stuck = (int64_t)i;
                current = (int64_t)i;
                const struct item_cache *it =
                    &s->skills[i].items[rng_next(&s->rng) % s->skills[i].n];
                struct answers ans;
                uint64_t seed = rng_next(&s->rng) & INT64_MAX;
                if (answers_of(s, it, seed, &ans) < 0 || !ans.right[0])
                    continue;
                const char *skill_iri = s->graph.skills[i].iri;
                const char *object = arena_printf(s->c->arena, "%s/steps/s1", it->iri);
                /* up to three tries at the step; hints after two wrong ones, sometimes */
                int hints = 0;
                for (int attempt = 1; attempt <= 3; attempt++) {
                    double p_right = knows[i] ? 1 - SLIP : GUESS;
                    int64_t secs = rapid && rng_double(&s->rng) < 0.7
                                       ? 2 + (int64_t)(rng_next(&s->rng) % 3)
                                       : 15 + (int64_t)(rng_next(&s->rng) % 75);
                    if (rapid && secs < 5)
                        p_right = GUESS;
                    bool right = rng_double(&s->rng) < p_right;
                    const char *rsp = right                                        ? ans.right
                                      : ans.wrong[0] && rng_double(&s->rng) < 0.65 ? ans.wrong
                                                                                   : "0";
                    t += secs * 1000;
                    json_t *ext =
                        json_pack("{s:i, s:i}", MODEL_EXT_ATTEMPT, attempt, MODEL_EXT_HINTS, hints);
                    char dur[32];
                    snprintf(dur, sizeof(dur), "PT%lldS", (long long)secs);
                    json_t *result = json_pack("{s:b, s:s, s:s, s:o}", "success", right, "response",
                                               rsp, "duration", dur, "extensions", ext);
                    if ((r = emit(s, st, PRACTICE_VERB_ANSWERED, "answered", object,
                                  "http://adlnet.gov/expapi/activities/cmi.interaction", it->iri,
                                  skill_iri, t, result)) < 0)
                        return r;
                    if (attempt == 1) {
                        /* the model's estimate, as the learner model will compute it */
                        bool was = est[i].mastered >= MODEL_MASTERED;
                        (void)bkt_update(&bp, &est[i], right && hints == 0);
                        sk[i].p_mastery = est[i].mastered;
                        if (est[i].mastered >= MODEL_MASTERED) {
                            sk[i].attempts = 0;
                            if (!was) {
                                sk[i].stability = 3;
                                s->rep->masteries++;
                            }
                        } else {
                            sk[i].attempts++;
                        }
                        sk[i].last_day = day;
                        /* learning from the attempt (a stuck student barely does) */
                        if (!knows[i] &&
                            rng_double(&s->rng) < ((int64_t)i == stuck ? STUCK_ON : LEARN))
                            knows[i] = true;
                    }
                    if (right)
                        break;
                    if (attempt == 2 && ans.hints && rng_double(&s->rng) < 0.5) {
                        for (unsigned h = 0; h < ans.hints && h < 2; h++) {
                            t += 20000;
                            hints++;
                            if ((r = emit(s, st, MODEL_VERB_ASKED, "asked",
                                          arena_printf(s->c->arena, "%s/hints/%u", object, h + 1),
                                          "http://adlnet.gov/expapi/activities/interaction",
                                          it->iri, skill_iri, t, NULL)) < 0)
                                return r;
                        }
                    }
                }
                t += 10000;
            }
        }
    }
    s->rep->active++;
    return 0;
}

int demo_history(struct ctx *c, int64_t district_id, const struct demo_history_opts *o,
                 struct demo_history_report *rep)
{
    struct sim s = {.c = c, .district = district_id, .rep = rep, .plan = o->assignments};
    struct access_resource res = {RES_DISTRICT, district_id, district_id};
    const struct principal *was = c->who;
    struct principal sys;
    struct grant *g;
    struct db *db;
    int r;

    memset(rep, 0, sizeof(*rep));
    if (o->weeks <= 0)
        return 0;
    s.base_url = o->base_url && o->base_url[0] ? o->base_url : "http://127.0.0.1:8080";
    rng_seed(&s.rng, o->seed ? o->seed : 1);
    /* the students, read by the operator who installs the demo */
    if ((r = access_check(c, ACT_EXPORT, &res, &g)) < 0)
        return r;
    if ((r = ctx_db(c, &db)) == 0)
        r = store_roster_students_grades(db, g, district_id, student_cb, &s);
    access_read_end(c);
    if (r < 0)
        goto out;
    if ((r = content_graph(c, district_id, &s.graph)) < 0)
        goto out;
    s.skills = arena_calloc(c->arena, s.graph.n ? s.graph.n : 1, sizeof(*s.skills));
    s.gp = mem_alloc(sizeof(*s.gp));
    s.batch = json_array();
    if (!s.skills || !s.gp || !s.batch) {
        r = -ENOMEM;
        goto out;
    }
    /* the weeks end yesterday: first_day is the Monday weeks weeks before this week's */
    int64_t today = c->now_ms / DAY_MS, dow = (today + 3) % 7; /* 1970-01-01 was a Thursday */
    int64_t first_day = today - dow - 7 * o->weeks;
    principal_system(&sys, district_id, "system:demo");
    c->who = &sys;
    for (size_t i = 0; r == 0 && i < s.n_students; i++)
        r = simulate(&s, &s.students[i], o->weeks, first_day);
    if (r == 0)
        r = flush(&s);
    c->who = was;
    if (r == 0) {
        /* the skills' parameters fitted to this history, as `trellis model fit` does, which
           then applies every answer under them */
        struct bkt_job job = {.fit = BKT_FIT_DEFAULTS};
        json_t *fit = NULL;
        r = model_fit_stored(c, district_id, &job, &fit);
        if (r == 0) {
            rep->applied = json_integer_value(json_object_get(fit, "applied"));
            rep->fitted = (long)json_array_size(json_object_get(fit, "skills"));
        }
        json_decref(fit);
    }
out:
    c->who = was;
    if (r < 0 && !c->err[0])
        ctx_fail(c, r, "the demo's practice history: %s", strerror(-r));
    for (size_t i = 0; s.skills && i < s.graph.n; i++)
        for (size_t k = 0; k < s.skills[i].n; k++)
            json_decref(s.skills[i].items[k].item);
    json_decref(s.batch);
    mem_free(s.gp);
    mem_free(s.students);
    content_graph_release(&s.graph);
    return r;
}

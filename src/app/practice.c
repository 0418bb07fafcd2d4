/*
 * Practice and tutoring: see practice.h.
 */
#include "base/common.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>

#include "app/access.h"
#include "app/content.h"
#include "app/lrs.h"
#include "app/model.h"
#include "app/practice.h"
#include "app/principal.h"
#include "base/buf.h"
#include "base/hex.h"
#include "base/mem.h"
#include "base/rand.h"
#include "base/timeutil.h"
#include "base/uuid.h"
#include "core/answer.h"
#include "core/fsrs.h"
#include "core/select.h"
#include "store/seal.h"
#include "store/store.h"
#include "store/store_assign.h"
#include "store/store_model.h"
#include "store/store_practice.h"
#include "store/store_roster.h"

#define DAY_MS         86400000LL
#define RECENT_ITEMS   6
#define SPIN_ATTEMPTS  10
#define ITEM_TARGET    0.7
#define ANSWER_MAX_RSP 1000 /* bytes of a response kept in the statement */

/* ---- who practises ---- */

struct learner {
    int64_t district, user;
    char sourced_id[256];
};

static int learner_of(struct ctx *c, struct learner *ret)
{
    const struct principal *p = c->who;
    struct access_resource res = {RES_PERSON, 0, 0};
    struct roster_person_row row = {0};
    struct grant *g;
    struct db *db;
    int r;

    if (!p || p->kind != PRINCIPAL_USER)
        return ctx_fail(c, -EPERM, "log in first");
    if (!(p->roles & ROLE_STUDENT) || !p->user_id)
        return ctx_fail(c, -EACCES, "practice: this is where students practise");
    ret->district = p->district_id;
    ret->user = p->user_id;
    res.district_id = p->district_id;
    res.id = p->user_id;
    if ((r = access_check(c, ACT_READ, &res, &g)) < 0)
        return r;
    if ((r = ctx_db(c, &db)) == 0)
        r = store_roster_person(db, g, p->user_id, &row);
    access_read_end(c);
    if (r < 0)
        return ctx_fail(c, r, "cannot read your record");
    snprintf(ret->sourced_id, sizeof(ret->sourced_id), "%s", row.sourced_id ? row.sourced_id : "");
    store_roster_person_release(&row);
    return 0;
}

/* ---- the learner's state ---- */

struct skill_state {
    bool known; /* a mastery row exists */
    struct model_mastery_row m;
};

struct state {
    struct content_graph graph;
    struct skill_state *skills; /* by graph index */
    int64_t *assigned_due;      /* by graph index: an open assignment's due day; 0: none */
    bool have_row;
    struct practice_row row;
};

static int mastery_cb(void *arg, const struct model_skill_row *skill,
                      const struct model_mastery_row *row)
{
    struct state *st = arg;
    const struct content_skill *s = content_graph_skill_iri(&st->graph, skill->skill);
    if (s) {
        size_t i = (size_t)(s - st->graph.skills);
        st->skills[i].known = true;
        st->skills[i].m = *row;
    }
    return 0;
}

/* A skill the learner's teacher assigned: the earliest due date of its open assignments. */
static int assigned_cb(void *arg, const struct assign_learner_row *row)
{
    struct state *st = arg;
    const struct content_skill *s = content_graph_skill_iri(&st->graph, row->skill);
    if (s) {
        int64_t *due = &st->assigned_due[s - st->graph.skills];
        if (!*due || row->a.due_day < *due)
            *due = row->a.due_day;
    }
    return 0;
}

static void state_release(struct state *st)
{
    content_graph_release(&st->graph);
}

/* The skill graph, the learner's mastery and their current problem. */
static int state_load(struct ctx *c, const struct learner *l, struct state *st)
{
    struct access_resource mres = {RES_MASTERY, l->district, l->user};
    struct access_resource sres = {RES_STATEMENTS, l->district, l->user};
    struct grant *gm, *gs;
    struct db *db;
    int r;

    memset(st, 0, sizeof(*st));
    if ((r = content_graph(c, l->district, &st->graph)) < 0)
        return r;
    st->skills = arena_calloc(c->arena, st->graph.n ? st->graph.n : 1, sizeof(*st->skills));
    st->assigned_due =
        arena_calloc(c->arena, st->graph.n ? st->graph.n : 1, sizeof(*st->assigned_due));
    if (!st->skills || !st->assigned_due)
        return ctx_fail(c, -ENOMEM, "out of memory");
    /* what was just stored counts: every statement this server has acknowledged */
    if ((r = model_catch_up_to(c, l->district, lrs_committed_seq(c))) < 0)
        return r;
    if ((r = access_check(c, ACT_READ, &mres, &gm)) < 0 ||
        (r = access_check(c, ACT_READ, &sres, &gs)) < 0)
        return r;
    if ((r = ctx_db(c, &db)) == 0)
        r = store_model_mastery_of(db, gm, l->user, mastery_cb, st);
    /* the teachers' open assignments come first (what a learner is assigned is their record) */
    if (r == 0)
        r = store_assign_of_learner(db, gm, l->user, c->now_ms / DAY_MS, true, assigned_cb, st);
    if (r == 0) {
        r = store_practice_get(db, gs, l->user, &st->row);
        st->have_row = r == 0;
        if (r == -ENOENT)
            r = 0;
    }
    access_read_end(c);
    return r < 0 ? ctx_fail(c, r, "cannot read your progress") : 0;
}

static double p_of(const struct state *st, size_t i)
{
    if (st->skills[i].known)
        return st->skills[i].m.p_mastery;
    json_t *prior = json_object_get(st->graph.skills[i].bkt, "prior");
    return json_is_number(prior) ? json_number_value(prior) : MODEL_DEFAULT_PRIOR;
}

static int save_row(struct ctx *c, const struct learner *l, const struct practice_row *row)
{
    struct access_resource res = {RES_STATEMENTS, l->district, l->user};
    struct grant *g;
    struct db *db;
    int r = ctx_db(c, &db);
    if (r < 0)
        return r;
    for (int attempt = 0; attempt < 5; attempt++) {
        if ((r = store_begin(db)) < 0)
            return ctx_fail(c, r, "cannot save your place");
        r = access_check(c, ACT_WRITE, &res, &g);
        if (r == 0)
            r = store_practice_put(db, g, l->user, row);
        if (r == 0)
            r = store_commit(db);
        else
            store_rollback(db);
        if (r != -EBUSY)
            break;
    }
    return r < 0 ? (c->err[0] ? r : ctx_fail(c, r, "cannot save your place")) : 0;
}

/* ---- problem instances as tokens ---- */

static void token_mac(struct ctx *c, const struct learner *l, int64_t item, uint64_t seed,
                      char out[2 * SEAL_INDEX_LEN + 1])
{
    char msg[160];
    uint8_t mac[SEAL_INDEX_LEN];
    int n = snprintf(msg, sizeof(msg), "trellis-practice-v1|%lld|%lld|%lld|%llu",
                     (long long)l->district, (long long)l->user, (long long)item,
                     (unsigned long long)seed);
    seal_index(store_seal(c->store), msg, (size_t)n, mac);
    hex_encode(mac, sizeof(mac), out);
}

static const char *token_make(struct ctx *c, const struct learner *l, int64_t item, uint64_t seed)
{
    char mac[2 * SEAL_INDEX_LEN + 1];
    token_mac(c, l, item, seed, mac);
    return arena_printf(c->arena, "%lld.%llu.%s", (long long)item, (unsigned long long)seed, mac);
}

static int token_read(struct ctx *c, const struct learner *l, const char *t, int64_t *ret_item,
                      uint64_t *ret_seed)
{
    char mac[2 * SEAL_INDEX_LEN + 1];
    long long item;
    unsigned long long seed;
    char given[2 * SEAL_INDEX_LEN + 2];
    int n = 0;

    if (!t || strlen(t) > 80 || sscanf(t, "%lld.%llu.%33s%n", &item, &seed, given, &n) != 3 ||
        t[n] != '\0' || item <= 0)
        return ctx_fail(c, -EINVAL, "instance: not a problem this server gave you");
    token_mac(c, l, item, seed, mac);
    if (strlen(given) != 2 * SEAL_INDEX_LEN || sodium_memcmp(mac, given, 2 * SEAL_INDEX_LEN) != 0)
        return ctx_fail(c, -EINVAL, "instance: not a problem this server gave you");
    *ret_item = item;
    *ret_seed = seed;
    return 0;
}

/* ---- texts ---- */

static const char *lang_text(json_t *map, const char *lang)
{
    const char *s = json_string_value(json_object_get(map, lang));
    if (!s || !s[0])
        s = json_string_value(json_object_get(map, "en"));
    return s ? s : "";
}

/* A text with $...$ math as HTML with MathML (a new JSON string). */
static json_t *html_of(const char *tex)
{
    char *html = NULL;
    if (content_text_html(tex, &html) < 0)
        return NULL;
    json_t *s = json_string(html);
    mem_free(html);
    return s;
}

static const char *skill_name(const struct content_skill *s, const char *lang)
{
    return s ? lang_text(s->name, lang) : "";
}

static json_t *reason_json(const struct state *st, const char *code, const struct content_skill *s,
                           int64_t spun_on, const char *lang)
{
    const struct content_skill *spun = spun_on ? content_graph_skill(&st->graph, spun_on) : NULL;
    bool es = strcmp(lang, "es") == 0;
    const char *name = skill_name(s, lang);
    char text[600];

    if (!strcmp(code, "assigned"))
        snprintf(text, sizeof(text),
                 es ? "Tu maestra o maestro te asignó «%s»." : "Your teacher assigned \"%s\".",
                 name);
    else if (!strcmp(code, "remediate"))
        snprintf(text, sizeof(text),
                 es ? "Practiquemos primero «%s»: te ayudará con «%s»."
                    : "Let's practise \"%s\" first: it will help with \"%s\".",
                 name, skill_name(spun, lang));
    else if (!strcmp(code, "review"))
        snprintf(text, sizeof(text),
                 es ? "Hora de repasar «%s» para no olvidarlo."
                    : "Time to review \"%s\" so you keep it.",
                 name);
    else if (!strcmp(code, "next") && s && s->n_prerequisites == 0)
        snprintf(text, sizeof(text), es ? "Empecemos con «%s»." : "Let's start with \"%s\".", name);
    else if (!strcmp(code, "next"))
        snprintf(text, sizeof(text),
                 es ? "Siguiente paso: «%s». Ya dominas lo que va antes."
                    : "Next step: \"%s\". You have mastered what comes before it.",
                 name);
    else if (!strcmp(code, "practice_more"))
        snprintf(text, sizeof(text),
                 es ? "¡Dominas todas las destrezas! Un poco más de práctica con «%s»."
                    : "You have mastered every skill! A little more practice with \"%s\".",
                 name);
    else
        snprintf(text, sizeof(text),
                 es ? "Sigue con «%s»: lo estás aprendiendo."
                    : "Keep going with \"%s\": you are learning it.",
                 name);
    return json_pack("{s:s, s:s, s:s?, s:s?}", "code", code, "text", text, "skill",
                     s ? s->iri : NULL, "spun_on", spun ? spun->iri : NULL);
}

/* ---- steps as the learner sees them ---- */

/* The step (or scaffold) with id in a problem instance; *ret_parent its step for a scaffold. */
static json_t *find_step(json_t *problem, const char *id, json_t **ret_parent, size_t *ret_index)
{
    size_t i, k;
    json_t *s, *x;
    json_array_foreach(json_object_get(problem, "steps"), i, s)
    {
        const char *sid = json_string_value(json_object_get(s, "id"));
        if (sid && !strcmp(sid, id)) {
            *ret_parent = NULL;
            *ret_index = i;
            return s;
        }
        json_array_foreach(json_object_get(s, "scaffolds"), k, x)
        {
            const char *xid = json_string_value(json_object_get(x, "id"));
            if (xid && !strcmp(xid, id)) {
                *ret_parent = s;
                *ret_index = i;
                return x;
            }
        }
    }
    return NULL;
}

static bool offline_checkable(const char *type)
{
    return !strcmp(type, "number") || !strcmp(type, "fraction") || !strcmp(type, "choice") ||
           !strcmp(type, "text");
}

/*
 * A step for the page: its prompt as HTML with MathML (and the TeX, for
 * reading aloud), the answer type, the choices, how many hints it has. The
 * accepted answers never leave, except with offline: what a device needs
 * to check a number, fraction, choice or text answer itself.
 */
static json_t *step_view(json_t *step, const char *lang, bool offline)
{
    json_t *answer = json_object_get(step, "answer");
    const char *type = json_string_value(json_object_get(answer, "type"));
    const char *prompt = lang_text(json_object_get(step, "prompt"), lang);
    json_t *o =
        json_pack("{s:O?, s:o?, s:s, s:s, s:I}", "id", json_object_get(step, "id"), "prompt_html",
                  html_of(prompt), "prompt_text", prompt, "type", type ? type : "text", "hints",
                  (json_int_t)json_array_size(json_object_get(step, "hints")));
    if (!o)
        return NULL;
    json_t *choices = json_object_get(answer, "choices");
    if (json_is_array(choices)) {
        json_t *list = json_array(), *ch;
        size_t i;
        json_array_foreach(choices, i, ch)
        {
            json_array_append_new(list,
                                  json_pack("{s:O?, s:o?}", "id", json_object_get(ch, "id"), "html",
                                            html_of(lang_text(json_object_get(ch, "text"), lang))));
        }
        json_object_set_new(o, "choices", list);
    }
    if (json_is_true(json_object_get(answer, "simplified")))
        json_object_set_new(o, "simplified", json_true());
    if (offline && type && offline_checkable(type)) {
        json_object_set(o, "accepted", json_object_get(answer, "accepted"));
        json_t *tol = json_object_get(answer, "tolerance");
        if (json_is_number(tol))
            json_object_set(o, "tolerance", tol);
    }
    return o;
}

static const char *problem_title(json_t *problem, const char *lang)
{
    json_t *t = json_object_get(problem, "title");
    return t ? lang_text(t, lang) : NULL;
}

/* The problem as the page shows it, at step index at. */
static json_t *problem_view(struct ctx *c, const struct learner *l, const struct state *st,
                            json_t *problem, int64_t item, uint64_t seed, size_t at,
                            const struct content_skill *skill, json_t *reason, const char *lang,
                            bool offline)
{
    json_t *steps = json_object_get(problem, "steps");
    json_t *step = json_array_get(steps, at);
    json_t *stem = json_object_get(problem, "stem");
    const char *stem_text = stem ? lang_text(stem, lang) : NULL;
    size_t i = skill ? (size_t)(skill - st->graph.skills) : 0;
    double p = skill ? p_of(st, i) : 0;
    json_t *o = json_pack(
        "{s:I, s:s, s:s?, s:o?, s:I, s:I, s:o?, s:o, s:{s:s?, s:s, s:f, s:b}, s:O?, s:O?}", "item",
        (json_int_t)item, "instance", token_make(c, l, item, seed), "title",
        problem_title(problem, lang), "stem_html", stem_text ? html_of(stem_text) : NULL, "steps",
        (json_int_t)json_array_size(steps), "step_index", (json_int_t)at, "step",
        step ? step_view(step, lang, offline) : NULL, "reason", reason, "skill", "iri",
        skill ? skill->iri : NULL, "name", skill_name(skill, lang), "mastery",
        round(p * 1000) / 1000, "mastered", p >= MODEL_MASTERED, "attribution",
        json_object_get(problem, "attribution"), "license", json_object_get(problem, "license"));
    if (o && offline) {
        /* every step, for a device that works through the problem alone */
        json_t *all = json_array(), *s;
        size_t k;
        json_array_foreach(steps, k, s) json_array_append_new(all, step_view(s, lang, true));
        json_object_set_new(o, "all_steps", all);
    }
    return o;
}

/* ---- choosing ---- */

static bool recent_has(const char *recent, int64_t item)
{
    char key[32];
    snprintf(key, sizeof(key), "%lld", (long long)item);
    size_t n = strlen(key);
    for (const char *p = recent; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && !strncmp(p, key, n))
            return true;
        p = comma ? comma + 1 : NULL;
    }
    return false;
}

static void recent_push(char *recent, size_t cap, int64_t item)
{
    char out[256];
    int n = snprintf(out, sizeof(out), "%lld", (long long)item);
    int kept = 0;
    for (const char *p = recent; *p && kept < RECENT_ITEMS - 1;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char one[32];
        snprintf(one, sizeof(one), "%.*s", (int)MIN(len, sizeof(one) - 1), p);
        if (strtoll(one, NULL, 10) != item && (size_t)n + len + 2 < sizeof(out)) {
            n += snprintf(out + n, sizeof(out) - (size_t)n, ",%s", one);
            kept++;
        }
        p = comma ? comma + 1 : "";
    }
    snprintf(recent, cap, "%s", out);
}

static const char *reason_code(enum select_reason r)
{
    switch (r) {
    case SELECT_ASSIGNED:
        return "assigned";
    case SELECT_CONTINUE:
        return "continue";
    case SELECT_REMEDIATE:
        return "remediate";
    case SELECT_REVIEW:
        return "review";
    case SELECT_NEXT:
        return "next";
    case SELECT_PRACTICE_MORE:
        return "practice_more";
    default:
        return "none";
    }
}

/* Choose the next skill and item for the learner: 0 and *ret_row filled, or -ENOENT. */
static int choose(struct ctx *c, const struct learner *l, const struct state *st,
                  struct practice_row *ret_row)
{
    size_t n = st->graph.n;
    struct select_skill *sk = arena_calloc(c->arena, n ? n : 1, sizeof(*sk));
    struct fsrs_params fp;
    int64_t current = -1;
    int r;

    if (!sk)
        return ctx_fail(c, -ENOMEM, "out of memory");
    if (fsrs_params_init(&fp, NULL, 0, 0.9, 36500, false) < 0)
        return -EINVAL;
    for (size_t i = 0; i < n; i++) {
        const struct content_skill *s = &st->graph.skills[i];
        const struct skill_state *ss = &st->skills[i];
        uint32_t *pre =
            arena_calloc(c->arena, s->n_prerequisites ? s->n_prerequisites : 1, sizeof(*pre));
        size_t np = 0;
        if (!pre)
            return ctx_fail(c, -ENOMEM, "out of memory");
        for (size_t k = 0; k < s->n_prerequisites; k++) {
            const struct content_skill *q = content_graph_skill(&st->graph, s->prerequisites[k]);
            if (q)
                pre[np++] = (uint32_t)(q - st->graph.skills);
        }
        sk[i] = (struct select_skill){.p_mastery = p_of(st, i),
                                      .attempts = ss->known ? (uint32_t)ss->m.attempts_open : 0,
                                      .stability = ss->known ? ss->m.fsrs_stability : 0,
                                      .last_day = ss->known ? ss->m.last_day : 0,
                                      .grade = s->grade,
                                      .assigned_due = st->assigned_due[i],
                                      .prereq = pre,
                                      .n_prereq = np,
                                      .has_items = true};
        if (st->have_row && s->id == st->row.skill_id)
            current = (int64_t)i;
    }
    for (int tries = 0; tries < 8; tries++) {
        struct select_input in = {sk,  n,      c->now_ms / DAY_MS, MODEL_MASTERED, SPIN_ATTEMPTS,
                                  &fp, current};
        struct select_result res;
        struct content_item_ref *items = NULL;
        size_t n_items = 0;
        if (select_next_skill(&in, &res) < 0 || res.skill < 0)
            return ctx_fail(c, -ENOENT,
                            "practice: there is nothing to practise yet (no content pack in this "
                            "district)");
        const struct content_skill *s = &st->graph.skills[res.skill];
        r = content_items_for_skill(c, l->district, s->id, &items, &n_items);
        if (r < 0)
            return r;
        if (n_items == 0) {
            sk[res.skill].has_items = false;
            continue;
        }
        struct select_item *cand = arena_calloc(c->arena, n_items, sizeof(*cand));
        uint64_t seed;
        if (!cand)
            return ctx_fail(c, -ENOMEM, "out of memory");
        for (size_t k = 0; k < n_items; k++)
            cand[k] = (struct select_item){items[k].has_irt ? items[k].difficulty : NAN,
                                           items[k].has_irt ? items[k].discrimination : NAN,
                                           st->have_row && recent_has(st->row.recent, items[k].id)};
        if (rand_bytes(&seed, sizeof(seed)) < 0)
            return ctx_fail(c, -EIO, "no randomness");
        seed &= INT64_MAX; /* stored as a signed 64-bit value */
        /* the learner's level: the log-odds of their mastery of the skill */
        double p = MIN(MAX(sk[res.skill].p_mastery, 0.01), 0.99);
        int64_t k = select_item(cand, n_items, log(p / (1 - p)), ITEM_TARGET, seed);
        memset(ret_row, 0, sizeof(*ret_row));
        ret_row->item_id = items[k].id;
        ret_row->seed = seed;
        ret_row->skill_id = s->id;
        snprintf(ret_row->reason, sizeof(ret_row->reason), "%s", reason_code(res.reason));
        ret_row->spun_on = res.spun_on >= 0 ? st->graph.skills[res.spun_on].id : 0;
        ret_row->served_ms = c->now_ms;
        snprintf(ret_row->recent, sizeof(ret_row->recent), "%s",
                 st->have_row ? st->row.recent : "");
        recent_push(ret_row->recent, sizeof(ret_row->recent), items[k].id);
        uint8_t u[16];
        if (uuid_v4(u) < 0)
            return ctx_fail(c, -EIO, "no randomness");
        uuid_format(u, ret_row->registration);
        return 0;
    }
    return ctx_fail(c, -ENOENT, "practice: none of the skills has anything to practise");
}

int practice_next(struct ctx *c, const struct practice_env *env, int ahead, json_t **ret)
{
    struct learner l;
    struct state st;
    json_t *problem = NULL, *out = NULL;
    int r;

    if ((r = learner_of(c, &l)) < 0)
        return r;
    if ((r = state_load(c, &l, &st)) < 0)
        goto out;
    if (!st.have_row || st.row.done) {
        struct practice_row row;
        if ((r = choose(c, &l, &st, &row)) < 0)
            goto out;
        if ((r = save_row(c, &l, &row)) < 0)
            goto out;
        st.row = row;
        st.have_row = true;
    }
    r = content_problem(c, l.district, st.row.item_id, st.row.seed, &problem);
    if (r < 0)
        goto out;
    const struct content_skill *skill = content_graph_skill(&st.graph, st.row.skill_id);
    out = problem_view(c, &l, &st, problem, st.row.item_id, st.row.seed, (size_t)st.row.step, skill,
                       reason_json(&st, st.row.reason, skill, st.row.spun_on, env->lang), env->lang,
                       false);
    if (!out) {
        r = ctx_fail(c, -ENOMEM, "out of memory");
        goto out;
    }
    json_object_set_new(out, "hints_shown", json_integer(st.row.hints));
    json_object_set_new(out, "attempts", json_integer(st.row.attempts));
    if (ahead > 0) {
        /* problems for offline use: chosen as if the current one were done, not saved */
        json_t *more = json_array();
        struct state tmp = st;
        tmp.have_row = true;
        for (int k = 0; more && k < MIN(ahead, 5); k++) {
            struct practice_row row;
            json_t *pb = NULL;
            if (choose(c, &l, &tmp, &row) < 0 ||
                content_problem(c, l.district, row.item_id, row.seed, &pb) < 0)
                break;
            const struct content_skill *s2 = content_graph_skill(&st.graph, row.skill_id);
            json_array_append_new(
                more, problem_view(c, &l, &st, pb, row.item_id, row.seed, 0, s2,
                                   reason_json(&st, row.reason, s2, row.spun_on, env->lang),
                                   env->lang, true));
            json_decref(pb);
            snprintf(tmp.row.recent, sizeof(tmp.row.recent), "%s", row.recent);
            tmp.row.skill_id = row.skill_id;
        }
        c->err[0] = '\0';
        json_object_set_new(out, "ahead", more ? more : json_array());
    }
    *ret = out;
    out = NULL;
    r = 0;
out:
    json_decref(problem);
    json_decref(out);
    state_release(&st);
    return r;
}

/* ---- answers ---- */

static int spec_of(json_t *answer, uint64_t seed, struct answer_spec *ret)
{
    const char *type = json_string_value(json_object_get(answer, "type"));
    enum answer_type t;
    if (!type || answer_type_from_name(type, strlen(type), &t) < 0)
        return -EINVAL;
    *ret = ANSWER_SPEC_DEFAULTS(t);
    json_t *tol = json_object_get(answer, "tolerance");
    if (json_is_number(tol) && json_number_value(tol) >= 0)
        ret->abs_tol = json_number_value(tol);
    ret->simplified = json_is_true(json_object_get(answer, "simplified"));
    ret->seed = seed | 1;
    return 0;
}

struct verdict {
    bool correct;
    char reason[ANSWER_REASON];
    const char *misconception; /* its id, or NULL */
    json_t *feedback;          /* the step's feedback object for it (borrowed), or NULL */
};

static int judge(struct ctx *c, json_t *step, const char *response, uint64_t seed,
                 struct verdict *v)
{
    json_t *answer = json_object_get(step, "answer"), *a, *fb;
    struct answer_spec spec;
    struct answer_work *w = arena_alloc(c->arena, sizeof(*w));
    struct answer_result res;
    size_t i, n = strlen(response);

    memset(v, 0, sizeof(*v));
    if (!w)
        return ctx_fail(c, -ENOMEM, "out of memory");
    if (spec_of(answer, seed, &spec) < 0)
        return ctx_fail(c, -EIO, "the step's answer type is not one Trellis checks");
    snprintf(v->reason, sizeof(v->reason), "different_value");
    json_array_foreach(json_object_get(answer, "accepted"), i, a)
    {
        const char *e = json_string_value(a);
        if (!e || answer_check(&spec, e, strlen(e), response, n, w, &res) < 0)
            continue;
        snprintf(v->reason, sizeof(v->reason), "%s", res.reason);
        if (res.correct) {
            v->correct = true;
            return 0;
        }
    }
    /* a known wrong answer: the misconception it signals */
    json_array_foreach(json_object_get(step, "feedback"), i, fb)
    {
        const char *e = json_string_value(json_object_get(fb, "answer"));
        struct answer_spec loose = spec;
        loose.simplified = false;
        if (e && answer_check(&loose, e, strlen(e), response, n, w, &res) == 0 && res.correct) {
            v->misconception = json_string_value(json_object_get(fb, "misconception"));
            v->feedback = fb;
            break;
        }
    }
    return 0;
}

static void iso_duration(int64_t ms, char *out, size_t n)
{
    snprintf(out, n, "PT%lld.%02lldS", (long long)(ms / 1000), (long long)(ms % 1000 / 10));
}

/* The statement of an answer, a hint request or a mastery (a new reference). */
static json_t *statement(struct ctx *c, const struct learner *l, const struct practice_env *env,
                         const char *id, const char *verb, const char *verb_display,
                         const char *object_iri, const char *object_type, const char *item_iri,
                         const char *skill_iri, const char *registration, int64_t at_ms)
{
    char when[40];
    time_format_iso8601(at_ms, when);
    (void)c;
    json_t *ctx_acts = json_object();
    if (item_iri)
        json_object_set_new(ctx_acts, "parent",
                            json_pack("[{s:s, s:s}]", "objectType", "Activity", "id", item_iri));
    if (skill_iri)
        json_object_set_new(ctx_acts, "category",
                            json_pack("[{s:s, s:s, s:{s:s}}]", "objectType", "Activity", "id",
                                      skill_iri, "definition", "type", MODEL_SKILL_TYPE));
    json_t *st = json_pack(
        "{s:s, s:{s:s, s:{s:s, s:s}}, s:{s:s, s:{s:s}}, s:{s:s, s:s, s:{s:s}}, s:{s:o}, s:s}", "id",
        id, "actor", "objectType", "Agent", "account", "homePage", env->base_url, "name",
        l->sourced_id, "verb", "id", verb, "display", "en-US", verb_display, "object", "objectType",
        "Activity", "id", object_iri, "definition", "type", object_type, "context",
        "contextActivities", ctx_acts, "timestamp", when);
    if (st && registration && registration[0])
        json_object_set_new(json_object_get(st, "context"), "registration",
                            json_string(registration));
    return st;
}

/* Write statements as the SYSTEM principal "system:practice", durably: 0 or an error. */
static int record(struct ctx *c, const struct learner *l, const struct practice_env *env,
                  json_t *statements)
{
    struct principal sys;
    const struct principal *who = c->who;
    const char **ids;
    size_t n;
    char *text = json_dumps(statements, JSON_COMPACT);
    int r;

    if (!text)
        return ctx_fail(c, -ENOMEM, "out of memory");
    principal_system(&sys, l->district, "system:practice");
    c->who = &sys;
    struct lrs_write w = {.version = LRS_V2_0, .base_url = env->base_url};
    r = lrs_append_write(c, &w, text, strlen(text), &ids, &n);
    c->who = who;
    mem_free(text);
    return r;
}

/* The stored answer with this statement id, if any (an attempt synced twice): 1, 0 or error. */
static int already(struct ctx *c, const struct learner *l, const char *id, bool *ret_success)
{
    struct principal sys;
    const struct principal *who = c->who;
    struct lrs_query q = {.version = LRS_V2_0, .statement_id = id};
    struct lrs_result res;
    int r;

    principal_system(&sys, l->district, "system:practice");
    c->who = &sys;
    r = lrs_query(c, &q, &res);
    c->who = who;
    if (r == -ENOENT) {
        c->err[0] = '\0';
        return 0;
    }
    if (r < 0)
        return r;
    *ret_success = json_is_true(json_object_get(json_object_get(res.body, "result"), "success"));
    json_decref(res.body);
    return 1;
}

/* The learner's mastery of a skill now (after the model caught up). */
static int mastery_now(struct ctx *c, const struct learner *l, const char *skill_iri, double *ret_p)
{
    struct state st;
    int r = state_load(c, l, &st);
    if (r < 0)
        return r;
    const struct content_skill *s = content_graph_skill_iri(&st.graph, skill_iri);
    *ret_p = s ? p_of(&st, (size_t)(s - st.graph.skills)) : MODEL_DEFAULT_PRIOR;
    state_release(&st);
    return 0;
}

static const char *str_field(json_t *req, const char *k)
{
    return json_string_value(json_object_get(req, k));
}

int practice_attempt(struct ctx *c, const struct practice_env *env, json_t *req, json_t **ret)
{
    struct learner l;
    struct state st;
    struct verdict v;
    json_t *problem = NULL, *parent, *step, *out = NULL, *batch = NULL;
    const char *instance = str_field(req, "instance"), *step_id = str_field(req, "step");
    const char *response = str_field(req, "response"), *sid = str_field(req, "id");
    const char *ts = str_field(req, "timestamp");
    json_t *item_j = json_object_get(req, "item");
    int64_t item, at_ms = c->now_ms, duration = 0;
    uint64_t seed;
    size_t index;
    char idbuf[40], rsp[ANSWER_MAX_RSP + 1];
    int r;

    memset(&st, 0, sizeof(st));
    if ((r = learner_of(c, &l)) < 0)
        return r;
    if (!instance || !step_id)
        return ctx_fail(c, -EINVAL, "%s: required", !instance ? "instance" : "step");
    if (!response)
        return ctx_fail(c, -EINVAL, "response: required (the answer as typed)");
    if ((r = token_read(c, &l, instance, &item, &seed)) < 0)
        return r;
    if (item_j && (!json_is_integer(item_j) || json_integer_value(item_j) != item))
        return ctx_fail(c, -EINVAL, "item: not the instance's item");
    /* an empty answer is not an attempt */
    size_t len = strlen(response);
    while (len && (response[len - 1] == ' ' || response[len - 1] == '\t' ||
                   response[len - 1] == '\n' || response[len - 1] == '\r'))
        len--;
    const char *p0 = response;
    while (len && (*p0 == ' ' || *p0 == '\t' || *p0 == '\n' || *p0 == '\r')) {
        p0++;
        len--;
    }
    if (len == 0)
        return ctx_fail(c, -EINVAL, "response: empty: type an answer first (nothing was counted)");
    if (len > ANSWER_MAX_RSP)
        return ctx_fail(c, -EINVAL, "response: longer than %d characters", ANSWER_MAX_RSP);
    snprintf(rsp, sizeof(rsp), "%.*s", (int)len, p0);
    if (sid) {
        uint8_t u[16];
        if (uuid_parse(str_from(sid), u) < 0)
            return ctx_fail(c, -EINVAL, "id: must be a UUID");
        uuid_format(u, idbuf);
    } else {
        uint8_t u[16];
        if (uuid_v4(u) < 0)
            return ctx_fail(c, -EIO, "no randomness");
        uuid_format(u, idbuf);
    }
    if (ts) {
        bool zone;
        if (time_parse_iso8601(str_from(ts), false, &at_ms, &zone) < 0)
            return ctx_fail(c, -EINVAL, "timestamp: must be an ISO 8601 time with a zone");
        if (at_ms > c->now_ms + 5 * 60000)
            return ctx_fail(c, -EINVAL, "timestamp: in the future");
    }
    json_t *dj = json_object_get(req, "duration_ms");
    if (json_is_integer(dj) && json_integer_value(dj) >= 0)
        duration = json_integer_value(dj);

    if ((r = content_problem(c, l.district, item, seed, &problem)) < 0)
        return r == -ENOENT ? ctx_fail(c, -EINVAL, "item: no longer exists") : r;
    step = find_step(problem, step_id, &parent, &index);
    if (!step) {
        r = ctx_fail(c, -EINVAL, "step: the problem has no step '%.40s'", step_id);
        goto out;
    }
    if ((r = judge(c, step, rsp, seed, &v)) < 0)
        goto out;

    /* sent before (an offline queue syncing again): answered as the first time */
    if (sid) {
        bool success = false;
        r = already(c, &l, idbuf, &success);
        if (r < 0)
            goto out;
        if (r == 1) {
            out = json_pack("{s:b, s:b, s:s}", "correct", success, "duplicate", 1, "statement",
                            idbuf);
            r = out ? 0 : ctx_fail(c, -ENOMEM, "out of memory");
            goto done;
        }
    }

    if ((r = state_load(c, &l, &st)) < 0)
        goto out;
    bool current = st.have_row && !st.row.done && st.row.item_id == item && st.row.seed == seed &&
                   (size_t)st.row.step == index;
    int64_t attempt = current ? st.row.attempts + 1 : 1, hints = current ? st.row.hints : 0;
    json_t *aj = json_object_get(req, "attempt"), *hj = json_object_get(req, "hints");
    if (!current && json_is_integer(aj) && json_integer_value(aj) >= 1)
        attempt = json_integer_value(aj);
    if (!current && json_is_integer(hj) && json_integer_value(hj) >= 0)
        hints = json_integer_value(hj);

    const char *item_iri = json_string_value(json_object_get(problem, "iri"));
    json_t *skills = json_object_get(step, "skills");
    if (!json_array_size(skills) && parent)
        skills = json_object_get(parent, "skills");
    if (!json_array_size(skills))
        skills = json_object_get(problem, "skills");
    const char *skill_iri = json_string_value(json_array_get(skills, 0));
    const char *object = arena_printf(c->arena, "%s/steps/%s", item_iri ? item_iri : "", step_id);
    const char *atype = json_string_value(json_object_get(json_object_get(step, "answer"), "type"));
    double before = 0;
    if (skill_iri) {
        const struct content_skill *s = content_graph_skill_iri(&st.graph, skill_iri);
        before = s ? p_of(&st, (size_t)(s - st.graph.skills)) : MODEL_DEFAULT_PRIOR;
    }

    batch = json_array();
    json_t *ans = statement(c, &l, env, idbuf, PRACTICE_VERB_ANSWERED, "answered", object,
                            "http://adlnet.gov/expapi/activities/cmi.interaction", item_iri,
                            skill_iri, current ? st.row.registration : NULL, at_ms);
    if (!batch || !ans) {
        json_decref(ans);
        r = ctx_fail(c, -ENOMEM, "out of memory");
        goto out;
    }
    json_t *ext = json_pack("{s:I, s:I}", MODEL_EXT_ATTEMPT, (json_int_t)(parent ? 2 : attempt),
                            MODEL_EXT_HINTS, (json_int_t)hints);
    if (parent)
        json_object_set_new(ext, MODEL_EXT_SCAFFOLD, json_true());
    if (v.misconception)
        json_object_set_new(ext, PRACTICE_EXT_MISCONCEPTION, json_string(v.misconception));
    json_t *result =
        json_pack("{s:b, s:s, s:o}", "success", v.correct, "response", rsp, "extensions", ext);
    if (duration > 0) {
        char d[40];
        iso_duration(duration, d, sizeof(d));
        json_object_set_new(result, "duration", json_string(d));
    }
    json_object_set_new(ans, "result", result);
    json_object_set_new(
        json_object_get(ans, "object"), "definition",
        json_pack("{s:s, s:s}", "type", "http://adlnet.gov/expapi/activities/cmi.interaction",
                  "interactionType", atype && !strcmp(atype, "choice") ? "choice" : "fill-in"));
    json_array_append_new(batch, ans);
    if ((r = record(c, &l, env, batch)) < 0)
        goto out;
    json_decref(batch);
    batch = NULL;

    /* the place in the problem moves on when the step is answered right */
    struct practice_row row = st.row;
    bool done = false, advanced = false;
    if (current && !parent) {
        if (v.correct) {
            row.step++;
            row.attempts = 0;
            row.hints = 0;
            advanced = true;
            done = (size_t)row.step >= json_array_size(json_object_get(problem, "steps"));
            row.done = done;
        } else {
            row.attempts = attempt;
        }
        if ((r = save_row(c, &l, &row)) < 0)
            goto out;
    }

    /* the learner model applies the answer at once */
    double after = before;
    if (skill_iri && (r = mastery_now(c, &l, skill_iri, &after)) < 0)
        goto out;
    bool mastered = after >= MODEL_MASTERED && before < MODEL_MASTERED;
    if (mastered) {
        uint8_t u[16];
        char mid[40];
        if (uuid_v4(u) == 0) {
            uuid_format(u, mid);
            batch = json_pack("[o]", statement(c, &l, env, mid, PRACTICE_VERB_MASTERED, "mastered",
                                               skill_iri, MODEL_SKILL_TYPE, NULL, NULL,
                                               current ? row.registration : NULL, at_ms));
            if (batch && (r = record(c, &l, env, batch)) < 0)
                goto out;
        }
    }

    const char *lang = env->lang;
    out = json_pack("{s:b, s:s, s:s, s:I, s:{s:s?, s:f, s:b, s:b}}", "correct", v.correct, "reason",
                    v.reason, "statement", idbuf, "attempt", (json_int_t)attempt, "mastery",
                    "skill", skill_iri, "p_mastery", round(after * 1000) / 1000, "mastered",
                    after >= MODEL_MASTERED, "newly_mastered", mastered);
    if (!out) {
        r = ctx_fail(c, -ENOMEM, "out of memory");
        goto out;
    }
    if (v.feedback) {
        const char *name = NULL;
        if (v.misconception)
            (void)content_misconception(c, l.district, v.misconception, lang, &name);
        json_object_set_new(out, "feedback",
                            json_pack("{s:o?, s:s?, s:s?}", "html",
                                      html_of(lang_text(json_object_get(v.feedback, "text"), lang)),
                                      "misconception", v.misconception, "misconception_name",
                                      name));
        c->err[0] = '\0';
    }
    if (!v.correct && !parent && attempt >= PRACTICE_SCAFFOLD_AFTER) {
        json_t *list = json_array(), *x;
        size_t k;
        json_array_foreach(json_object_get(step, "scaffolds"), k, x)
            json_array_append_new(list, step_view(x, lang, false));
        if (json_array_size(list))
            json_object_set_new(out, "scaffolds", list);
        else
            json_decref(list);
    }
    if (advanced && !done) {
        json_object_set_new(
            out, "next_step",
            step_view(json_array_get(json_object_get(problem, "steps"), (size_t)row.step), lang,
                      false));
        json_object_set_new(out, "step_index", json_integer(row.step));
    }
    json_object_set_new(out, "done", json_boolean(done));
done:
    *ret = out;
    out = NULL;
    r = 0;
out:
    json_decref(problem);
    json_decref(out);
    json_decref(batch);
    state_release(&st);
    return r;
}

int practice_hint(struct ctx *c, const struct practice_env *env, json_t *req, json_t **ret)
{
    struct learner l;
    struct state st;
    json_t *problem = NULL, *parent, *step, *batch = NULL;
    const char *instance = str_field(req, "instance"), *step_id = str_field(req, "step");
    int64_t item;
    uint64_t seed;
    size_t index;
    int r;

    memset(&st, 0, sizeof(st));
    if ((r = learner_of(c, &l)) < 0)
        return r;
    if (!instance || !step_id)
        return ctx_fail(c, -EINVAL, "%s: required", !instance ? "instance" : "step");
    if ((r = token_read(c, &l, instance, &item, &seed)) < 0)
        return r;
    if ((r = content_problem(c, l.district, item, seed, &problem)) < 0)
        return r == -ENOENT ? ctx_fail(c, -EINVAL, "item: no longer exists") : r;
    step = find_step(problem, step_id, &parent, &index);
    if (!step) {
        r = ctx_fail(c, -EINVAL, "step: the problem has no step '%.40s'", step_id);
        goto out;
    }
    if ((r = state_load(c, &l, &st)) < 0)
        goto out;
    bool current = st.have_row && !st.row.done && st.row.item_id == item && st.row.seed == seed &&
                   (size_t)st.row.step == index && !parent;
    json_t *hints = json_object_get(step, "hints");
    size_t n = json_array_size(hints);
    json_t *ij = json_object_get(req, "index");
    int64_t at = current ? st.row.hints : json_is_integer(ij) ? json_integer_value(ij) : 0;
    if (n == 0) {
        r = ctx_fail(c, -ENOENT, "step: this step has no hints");
        goto out;
    }
    if (at < 0)
        at = 0;
    if ((size_t)at >= n)
        at = (int64_t)n - 1; /* the worked example again */
    json_t *hint = json_array_get(hints, (size_t)at);
    const char *item_iri = json_string_value(json_object_get(problem, "iri"));
    json_t *skills = json_object_get(step, "skills");
    if (!json_array_size(skills))
        skills = json_object_get(problem, "skills");
    const char *skill_iri = json_string_value(json_array_get(skills, 0));
    uint8_t u[16];
    char id[40];
    if (uuid_v4(u) < 0) {
        r = ctx_fail(c, -EIO, "no randomness");
        goto out;
    }
    uuid_format(u, id);
    json_t *s = statement(c, &l, env, id, MODEL_VERB_ASKED, "asked",
                          arena_printf(c->arena, "%s/steps/%s/hints/%lld", item_iri ? item_iri : "",
                                       step_id, (long long)at + 1),
                          "http://adlnet.gov/expapi/activities/interaction", item_iri, skill_iri,
                          current ? st.row.registration : NULL, c->now_ms);
    batch = s ? json_pack("[o]", s) : NULL;
    if (!batch) {
        r = ctx_fail(c, -ENOMEM, "out of memory");
        goto out;
    }
    if ((r = record(c, &l, env, batch)) < 0)
        goto out;
    if (current) {
        struct practice_row row = st.row;
        row.hints = MAX(row.hints, at + 1);
        if ((r = save_row(c, &l, &row)) < 0)
            goto out;
    }
    *ret = json_pack("{s:I, s:I, s:b, s:o?}", "index", (json_int_t)at, "of", (json_int_t)n,
                     "worked_example",
                     (size_t)at == n - 1 || json_is_true(json_object_get(hint, "worked_example")),
                     "html", html_of(lang_text(json_object_get(hint, "text"), env->lang)));
    r = *ret ? 0 : ctx_fail(c, -ENOMEM, "out of memory");
out:
    json_decref(problem);
    json_decref(batch);
    state_release(&st);
    return r;
}

int practice_progress(struct ctx *c, const struct practice_env *env, json_t **ret)
{
    struct learner l;
    int r;

    if ((r = learner_of(c, &l)) < 0)
        return r;
    return practice_progress_of(c, l.user, env, ret);
}

int practice_progress_of(struct ctx *c, int64_t learner, const struct practice_env *env,
                         json_t **ret)
{
    struct learner l = {0};
    struct state st;
    json_t *list = NULL;
    int r;

    if (!c->who)
        return ctx_fail(c, -EPERM, "log in first");
    l.district = c->who->district_id;
    l.user = learner;
    if ((r = state_load(c, &l, &st)) < 0)
        goto out;
    list = json_array();
    for (size_t i = 0; list && i < st.graph.n; i++) {
        const struct content_skill *s = &st.graph.skills[i];
        double p = p_of(&st, i);
        bool ready = true;
        json_t *pre = json_array();
        for (size_t k = 0; pre && k < s->n_prerequisites; k++) {
            const struct content_skill *q = content_graph_skill(&st.graph, s->prerequisites[k]);
            if (!q)
                continue;
            json_array_append_new(pre, json_string(q->iri));
            if (p_of(&st, (size_t)(q - st.graph.skills)) < MODEL_MASTERED)
                ready = false;
        }
        const char *status = p >= MODEL_MASTERED                                ? "mastered"
                             : st.skills[i].known && st.skills[i].m.answers > 0 ? "in_progress"
                             : ready                                            ? "ready"
                                                                                : "locked";
        json_array_append_new(
            list, json_pack("{s:s, s:s, s:s, s:i, s:f, s:s, s:I, s:I, s:o}", "iri", s->iri, "pack",
                            s->pack, "name", skill_name(s, env->lang), "grade", s->grade,
                            "p_mastery", round(p * 1000) / 1000, "status", status, "answers",
                            (json_int_t)(st.skills[i].known ? st.skills[i].m.answers : 0), "hints",
                            (json_int_t)(st.skills[i].known ? st.skills[i].m.hints : 0),
                            "prerequisites", pre ? pre : json_array()));
    }
    if (!list) {
        r = ctx_fail(c, -ENOMEM, "out of memory");
        goto out;
    }
    const struct content_skill *cur =
        st.have_row && !st.row.done ? content_graph_skill(&st.graph, st.row.skill_id) : NULL;
    json_t *working_on = NULL;
    if (cur) {
        working_on = reason_json(&st, st.row.reason, cur, st.row.spun_on, env->lang);
    } else {
        /* no problem open: what practice would choose now (nothing is saved) */
        struct practice_row next;
        if (choose(c, &l, &st, &next) == 0 && (cur = content_graph_skill(&st.graph, next.skill_id)))
            working_on = reason_json(&st, next.reason, cur, next.spun_on, env->lang);
        c->err[0] = '\0';
    }
    /* the reason's words speak to the learner; others get its code and skills */
    if (working_on && c->who->user_id != learner)
        json_object_del(working_on, "text");
    *ret = json_pack("{s:o, s:o?, s:f}", "skills", list, "working_on", working_on, "mastered_at",
                     MODEL_MASTERED);
    list = NULL;
    r = *ret ? 0 : ctx_fail(c, -ENOMEM, "out of memory");
out:
    json_decref(list);
    state_release(&st);
    return r;
}

/*
 * The learner model as a service on the LRS: see model.h.
 */
#include "base/common.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "app/access.h"
#include "app/audit.h"
#include "app/lrs.h"
#include "app/model.h"
#include "app/principal.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "core/bkt.h"
#include "core/fsrs.h"
#include "store/store.h"
#include "store/store_model.h"

#define BATCH        2000   /* statements read and applied per transaction */
#define USAGE_MAX_MS 300000 /* an answer's time counts up to 5 minutes (a page left open) */
#define DAY_MS       86400000LL

/* ---- which statements are answers ---- */

static const char *objective_in(json_t *ctx_acts, const char *key)
{
    json_t *list = json_object_get(ctx_acts, key), *a;
    size_t i;

    if (json_is_object(list)) /* 1.0.x allows a single Activity */
        list = json_pack("[O]", list);
    else
        json_incref(list);
    const char *found = NULL;
    json_array_foreach(list, i, a)
    {
        const char *type =
            json_string_value(json_object_get(json_object_get(a, "definition"), "type"));
        const char *id = json_string_value(json_object_get(a, "id"));
        if (id && type && strcmp(type, MODEL_SKILL_TYPE) == 0) {
            found = id;
            break;
        }
    }
    json_decref(list);
    return found;
}

/* An extension of the result, as an integer (def when absent or not one). */
static int64_t ext_int(json_t *result, const char *key, int64_t def)
{
    json_t *v = json_object_get(json_object_get(result, "extensions"), key);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : def;
}

int model_event_of(json_t *st, struct model_event *ret)
{
    json_t *obj = json_object_get(st, "object");
    json_t *result = json_object_get(st, "result");
    json_t *success = json_object_get(result, "success");
    const char *type = json_string_value(json_object_get(obj, "objectType"));
    const char *item = json_string_value(json_object_get(obj, "id"));
    const char *verb = json_string_value(json_object_get(json_object_get(st, "verb"), "id"));
    bool hint = verb && strcmp(verb, MODEL_VERB_ASKED) == 0;

    memset(ret, 0, sizeof(*ret));
    if (!item || (type && strcmp(type, "Activity") != 0) || (!hint && !json_is_boolean(success)))
        return 0;
    json_t *acts = json_object_get(json_object_get(st, "context"), "contextActivities");
    const char *skill = NULL;
    if (json_is_object(acts)) {
        static const char *const keys[] = {"parent", "grouping", "category"};
        for (size_t k = 0; k < ARRAY_SIZE(keys) && !skill; k++)
            skill = objective_in(acts, keys[k]);
    }
    if (hint && !skill)
        return 0; /* a question asked about no skill says nothing about one */
    ret->kind = hint ? MODEL_HINT : MODEL_ANSWER;
    ret->skill = skill ? skill : item;
    ret->item = item;
    if (!hint) {
        ret->correct = json_is_true(success);
        /* only a first attempt at a step is evidence; one made after hints shows help was needed */
        ret->opportunity = ext_int(result, MODEL_EXT_ATTEMPT, 1) <= 1 &&
                           !json_is_true(json_object_get(json_object_get(result, "extensions"),
                                                         MODEL_EXT_SCAFFOLD));
        ret->assisted = ext_int(result, MODEL_EXT_HINTS, 0) > 0;
    }
    return 1;
}

/* ---- catching up ---- */

struct answer {
    int64_t user_id, timestamp_ms;
    int64_t duration_ms; /* result.duration, at most USAGE_MAX_MS; 0 when absent */
    const char *skill;
    enum model_event_kind kind;
    bool success;     /* what the statement says */
    bool opportunity; /* a first attempt */
    bool assisted;    /* hints were seen first */
};

struct collect {
    struct arena *arena;
    struct answer *a;
    size_t n, cap;
    int64_t last_seq, rows;
    /* for fitting: every answer, as CSV */
    struct buf *csv;
};

static int collect_row(const struct lrs_row *row, void *arg)
{
    struct collect *k = arg;
    const char *skill, *item;
    bool correct;
    json_error_t jerr;

    k->last_seq = row->seq;
    k->rows++;
    if (row->voided || row->user_id == 0 || !row->activity_id)
        return 0;
    if (!row->has_success && !(row->verb_id && strcmp(row->verb_id, MODEL_VERB_ASKED) == 0))
        return 0;
    json_t *st = json_loadb(row->json, row->json_len, 0, &jerr);
    if (!st)
        return 0; /* the LRS stores only valid JSON; nothing to learn from what it is not */
    int r = 0;
    struct model_event ev;
    if (model_event_of(st, &ev) == 1) {
        skill = ev.skill;
        item = ev.item;
        /* the evidence BKT sees: a first attempt, counted wrong when it needed hints */
        correct = ev.correct && !ev.assisted;
        if (k->csv && (ev.kind != MODEL_ANSWER || !ev.opportunity)) {
            /* fitting uses first attempts only */
        } else if (k->csv) {
            /* user,skill,item,correct,order: IRIs quoted, quotes doubled */
            r = buf_appendf(k->csv, "%lld,\"", (long long)row->user_id);
            for (const char *p = skill; r == 0 && *p; p++)
                r = *p == '"' ? buf_appends(k->csv, "\"\"") : buf_putc(k->csv, *p);
            if (r == 0)
                r = buf_appends(k->csv, "\",\"");
            for (const char *p = item; r == 0 && *p; p++)
                r = *p == '"' ? buf_appends(k->csv, "\"\"") : buf_putc(k->csv, *p);
            if (r == 0)
                r = buf_appendf(k->csv, "\",%d,%lld\n", correct ? 1 : 0,
                                (long long)row->timestamp_ms);
        } else {
            if (k->n == k->cap) {
                size_t cap = k->cap ? 2 * k->cap : 256;
                struct answer *a = arena_alloc(k->arena, cap * sizeof(*a));
                if (!a) {
                    json_decref(st);
                    return -ENOMEM;
                }
                if (k->n)
                    memcpy(a, k->a, k->n * sizeof(*a));
                k->a = a;
                k->cap = cap;
            }
            struct answer *a = &k->a[k->n];
            a->user_id = row->user_id;
            a->timestamp_ms = row->timestamp_ms;
            a->success = ev.correct;
            a->kind = ev.kind;
            a->opportunity = ev.opportunity;
            a->assisted = ev.assisted;
            a->duration_ms = 0;
            const char *dur =
                json_string_value(json_object_get(json_object_get(st, "result"), "duration"));
            int64_t dms;
            if (ev.kind == MODEL_ANSWER && dur && time_parse_duration(dur, &dms) == 0)
                a->duration_ms = MIN(dms, USAGE_MAX_MS);
            a->skill = arena_strdup(k->arena, skill);
            if (!a->skill)
                r = -ENOMEM;
            else
                k->n++;
        }
    }
    json_decref(st);
    return r;
}

/*
 * Stream the district's statements after seq as the SYSTEM principal (the
 * model's own reading: nothing leaves Trellis, so nothing is disclosed).
 */
static int read_as_system(struct ctx *c, int64_t district_id, int64_t after_seq, size_t limit,
                          struct collect *k)
{
    struct principal sys;
    struct ctx oc;
    struct lrs_filter f = {.district_id = district_id,
                           .after_seq = after_seq,
                           .limit = limit,
                           .ascending = true,
                           .include_voided = true};

    principal_system(&sys, district_id, "system:learner-model");
    ctx_init(&oc, c->store, c->cfg, c->arena, c->now_ms, c->req_id);
    oc.who = &sys;
    int r = lrs_stream(&oc, &f, collect_row, k);
    if (r < 0)
        snprintf(c->err, sizeof(c->err), "%s", oc.err[0] ? oc.err : "cannot read the statements");
    ctx_release(&oc);
    return r;
}

struct apply {
    struct ctx *c;
    int64_t district_id, from_seq;
    struct collect *k;
    int64_t applied;
    bool stale;
};

struct skill_cache {
    const char *name;
    struct model_skill_row row;
};

static int skill_get(struct db *db, int64_t district_id, const char *name,
                     struct skill_cache *cache, size_t *n, size_t cap,
                     const struct model_skill_row **ret)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(cache[i].name, name) == 0) {
            *ret = &cache[i].row;
            return 0;
        }
    struct model_skill_row row;
    int r = store_model_skill(db, district_id, name, &row);
    if (r == -ENOENT) {
        memset(&row, 0, sizeof(row));
        if (strlen(name) >= sizeof(row.skill))
            return -ENAMETOOLONG;
        snprintf(row.skill, sizeof(row.skill), "%s", name);
        row.prior = MODEL_DEFAULT_PRIOR;
        row.learn = MODEL_DEFAULT_LEARN;
        row.guess = MODEL_DEFAULT_GUESS;
        row.slip = MODEL_DEFAULT_SLIP;
        r = store_model_skill_add(db, district_id, &row);
    }
    if (r < 0)
        return r;
    if (*n == cap) /* full: start over (pointers handed out before are used at once) */
        *n = 0;
    cache[*n].name = name;
    cache[*n].row = row;
    *ret = &cache[(*n)++].row;
    return 0;
}

void model_state_init(const struct model_skill_row *sk, struct model_mastery_row *m)
{
    *m = (struct model_mastery_row){
        .skill_id = sk->id, .p_mastery = sk->prior, .p_unmastered = 1.0 - sk->prior};
}

/*
 * One event on a learner's state in a skill (model.h): a hint request is
 * counted; a first attempt is BKT evidence (wrong when it needed hints),
 * counts toward spinning until the skill is mastered, and once the skill is
 * mastered it is a review for the spacing model (FSRS: good when right,
 * again when wrong); later attempts at the same step only count as answers.
 */
int model_apply(const struct model_skill_row *sk, const struct model_event *ev,
                int64_t timestamp_ms, struct model_mastery_row *m)
{
    int64_t day = timestamp_ms / 86400000;
    /* the evidence BKT sees: counted wrong when it needed hints */
    bool correct = ev->correct && !ev->assisted;

    m->last_ms = MAX(m->last_ms, timestamp_ms);
    if (ev->kind == MODEL_HINT) {
        m->hints++;
        return 0;
    }
    m->answers++;
    m->correct += ev->correct;
    if (!ev->opportunity)
        return 0;
    struct bkt_params p = {.prior = sk->prior,
                           .learn = sk->learn,
                           .forget = sk->forget,
                           .guess = sk->guess,
                           .slip = sk->slip};
    struct bkt_state bs = {.mastered = m->p_mastery, .unmastered = m->p_unmastered};
    bool was = m->p_mastery >= MODEL_MASTERED;
    if (bkt_update(&p, &bs, correct) < 0)
        return -EINVAL;
    m->p_mastery = bs.mastered;
    m->p_unmastered = bs.unmastered;
    bool now = m->p_mastery >= MODEL_MASTERED;
    struct fsrs_params fp;
    if (fsrs_params_init(&fp, NULL, 0, 0.9, 36500, false) < 0)
        return -EINVAL;
    if (was && m->fsrs_stability > 0) {
        struct fsrs_memory mem = {m->fsrs_stability, m->fsrs_difficulty}, next;
        double t = m->last_day > 0 && day > m->last_day ? (double)(day - m->last_day) : 0;
        if (fsrs_next_state(&fp, &mem, t, correct ? FSRS_GOOD : FSRS_AGAIN, NAN, &next) == 0) {
            m->fsrs_stability = next.stability;
            m->fsrs_difficulty = next.difficulty;
        }
    } else if (!was && now) {
        /* just mastered: the first review of its memory */
        struct fsrs_memory next;
        if (fsrs_next_state(&fp, NULL, 0, FSRS_GOOD, NAN, &next) == 0) {
            m->fsrs_stability = next.stability;
            m->fsrs_difficulty = next.difficulty;
        }
    }
    if (now) {
        if (!was)
            m->mastered_ms = timestamp_ms;
        m->attempts_open = 0;
    } else {
        m->mastered_ms = 0;
        m->attempts_open++;
    }
    m->last_day = MAX(m->last_day, day);
    return 0;
}

/*
 * What the batch adds to each learner's week (model_weekly, model_learners):
 * a small open-addressing table keyed by (learner, week), written once per
 * key at the end of the batch.
 */
struct usage_table {
    struct usage_slot {
        int64_t user_id;
        struct model_usage u;
    } * slot;
    size_t cap, n;
};

static struct model_usage *usage_of(struct usage_table *t, int64_t user_id, int64_t week)
{
    uint64_t h = (uint64_t)user_id * 0x9E3779B97F4A7C15ULL ^ (uint64_t)week * 0xC2B2AE3D27D4EB4FULL;
    for (size_t i = h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
        struct usage_slot *s = &t->slot[i];
        if (s->user_id == user_id && s->u.week == week)
            return &s->u;
        if (s->user_id == 0) {
            s->user_id = user_id;
            s->u.week = week;
            t->n++;
            return &s->u;
        }
    }
}

static int usage_write(struct db *db, int64_t district_id, const struct usage_table *t)
{
    for (size_t i = 0; i < t->cap; i++) {
        const struct usage_slot *s = &t->slot[i];
        if (!s->user_id)
            continue;
        int r = store_model_usage_add(db, district_id, s->user_id, &s->u);
        if (r < 0)
            return r;
    }
    return 0;
}

/*
 * The batch's events summed per learner, day and skill (model_days): events
 * of one sitting come together, so a look at the last few sums merges most
 * of them; a sum that is not merged is written as a second addition, which
 * adds up the same.
 */
struct day_sum {
    int64_t user_id;
    struct model_day_row d;
};

static void day_note(struct day_sum *v, size_t *n, int64_t user_id, int64_t skill_id,
                     const struct answer *a, bool mastered)
{
    int64_t day = a->timestamp_ms / 86400000;
    struct day_sum *x = NULL;

    for (size_t i = *n; i > 0 && i + 32 > *n; i--)
        if (v[i - 1].user_id == user_id && v[i - 1].d.day == day &&
            v[i - 1].d.skill_id == skill_id) {
            x = &v[i - 1];
            break;
        }
    if (!x) {
        x = &v[(*n)++];
        memset(x, 0, sizeof(*x));
        x->user_id = user_id;
        x->d.day = day;
        x->d.skill_id = skill_id;
    }
    if (a->kind == MODEL_HINT) {
        x->d.hints++;
    } else {
        x->d.answers++;
        x->d.correct += a->success;
    }
    x->d.mastered += mastered;
    x->d.last_ms = MAX(x->d.last_ms, a->timestamp_ms);
}

static int apply_tx(struct db *db, void *arg)
{
    struct apply *ap = arg;
    struct collect *k = ap->k;
    struct skill_cache cache[64];
    size_t n_cache = 0, n_days = 0;
    struct day_sum *days = arena_alloc(k->arena, (k->n ? k->n : 1) * sizeof(*days));
    int64_t cur;
    int r;

    if (!days)
        return -ENOMEM;

    ap->applied = 0;
    ap->stale = false;
    if ((r = store_model_lock(db, ap->district_id)) < 0 ||
        (r = store_model_cursor(db, ap->district_id, &cur)) < 0)
        return r;
    if (cur != ap->from_seq) { /* someone else applied these meanwhile */
        ap->stale = true;
        return 0;
    }
    /* at most one key per event; a power of two at least twice that */
    struct usage_table usage = {.cap = 16};
    while (usage.cap < 2 * k->n)
        usage.cap *= 2;
    usage.slot = arena_calloc(k->arena, usage.cap, sizeof(*usage.slot));
    if (!usage.slot)
        return -ENOMEM;
    for (size_t i = 0; i < k->n; i++) {
        const struct answer *a = &k->a[i];
        const struct model_skill_row *sk;
        struct model_mastery_row m;

        if (strlen(a->skill) >= sizeof(sk->skill)) {
            log_warn("model: skipped an answer whose skill IRI is over %zu bytes",
                     sizeof(sk->skill) - 1);
            continue;
        }
        if ((r = skill_get(db, ap->district_id, a->skill, cache, &n_cache, ARRAY_SIZE(cache),
                           &sk)) < 0)
            return r;
        r = store_model_mastery(db, ap->district_id, a->user_id, sk->id, &m);
        if (r == -ENOENT) {
            model_state_init(sk, &m);
            r = 0;
        }
        if (r < 0)
            return r;
        bool was = m.p_mastery >= MODEL_MASTERED;
        struct model_event ev = {.kind = a->kind,
                                 .skill = a->skill,
                                 .correct = a->success,
                                 .opportunity = a->opportunity,
                                 .assisted = a->assisted};
        if ((r = model_apply(sk, &ev, a->timestamp_ms, &m)) < 0)
            return r;
        if ((r = store_model_mastery_put(db, ap->district_id, a->user_id, &m)) < 0)
            return r;
        bool now = m.p_mastery >= MODEL_MASTERED;
        day_note(days, &n_days, a->user_id, sk->id, a, !was && now);
        struct model_usage *u = usage_of(&usage, a->user_id, (a->timestamp_ms / DAY_MS + 3) / 7);
        if (a->kind == MODEL_ANSWER) {
            u->answers++;
            u->seconds += a->duration_ms;
        }
        u->gained += !was && now;
        u->lost += was && !now;
        ap->applied++;
    }
    /* seconds were summed in ms: whole seconds per row */
    for (size_t i = 0; i < usage.cap; i++)
        usage.slot[i].u.seconds = (usage.slot[i].u.seconds + 500) / 1000;
    if ((r = usage_write(db, ap->district_id, &usage)) < 0)
        return r;
    for (size_t i = 0; i < n_days; i++)
        if ((r = store_model_day_add(db, ap->district_id, days[i].user_id, &days[i].d)) < 0)
            return r;
    return store_model_set_cursor(db, ap->district_id, k->last_seq);
}

static int district_of(struct ctx *c, int64_t district_id, int64_t *ret)
{
    if (district_id == 0 && c->who)
        district_id = c->who->district_id;
    if (district_id <= 0)
        return ctx_fail(c, -EINVAL, "district: none given");
    *ret = district_id;
    return 0;
}

static int catch_up(struct ctx *c, int64_t district_id, int64_t *ret_applied)
{
    struct db *db;
    int64_t total = 0;
    int r;

    for (int rounds = 0;; rounds++) {
        struct arena arena = ARENA_INIT;
        struct collect k = {.arena = &arena};
        struct apply ap = {.c = c, .district_id = district_id, .k = &k};

        if ((r = ctx_db(c, &db)) < 0)
            break;
        if ((r = store_model_cursor(db, district_id, &ap.from_seq)) < 0) {
            ctx_fail(c, r, "cannot read the model's cursor");
            break;
        }
        k.last_seq = ap.from_seq;
        r = read_as_system(c, district_id, ap.from_seq, BATCH, &k);
        if (r >= 0 && k.rows > 0) {
            r = store_tx(db, apply_tx, &ap);
            if (r < 0)
                ctx_fail(c, r, "cannot store the learner model");
        }
        arena_release(&arena);
        if (r < 0)
            break;
        total += ap.applied;
        if (k.rows < BATCH && !ap.stale)
            break;
        if (ap.stale && rounds > 100) {
            r = ctx_fail(c, -EBUSY, "the learner model is being updated by another task");
            break;
        }
    }
    if (ret_applied)
        *ret_applied = total;
    return r < 0 ? r : 0;
}

int model_catch_up(struct ctx *c, int64_t district_id, int64_t *ret_applied)
{
    int r = district_of(c, district_id, &district_id);
    return r < 0 ? r : catch_up(c, district_id, ret_applied);
}

/*
 * Catching up, coalesced. Requests that each just stored an answer would
 * otherwise each read the new statements and race to apply them (all but
 * one finding the cursor moved, and trying again). Here they queue on one
 * lock; whoever holds it applies everything committed so far, and records
 * the LRS writer's committed seq it saw before reading, so that those
 * queued behind it whose statements were already committed then find
 * nothing to do.
 */
#define FOLLOW_DISTRICTS 64

struct follower {
    pthread_mutex_t mu;
    size_t n;
    struct {
        int64_t district_id;
        int64_t as_of; /* every statement this server committed up to here is applied */
    } d[FOLLOW_DISTRICTS];
};

static const char follower_key = 0;

static int follower_create(struct store *s, void **ret)
{
    (void)s;
    struct follower *f = mem_calloc(1, sizeof(*f));
    if (!f)
        return -ENOMEM;
    pthread_mutex_init(&f->mu, NULL);
    *ret = f;
    return 0;
}

static void follower_destroy(void *svc)
{
    struct follower *f = svc;
    pthread_mutex_destroy(&f->mu);
    mem_free(f);
}

int model_catch_up_to(struct ctx *c, int64_t district_id, int64_t seq)
{
    struct follower *f;
    void *svc;
    size_t i;
    int r;

    if ((r = district_of(c, district_id, &district_id)) < 0)
        return r;
    if (seq <= 0 ||
        store_service(c->store, &follower_key, follower_create, follower_destroy, &svc) < 0)
        return catch_up(c, district_id, NULL);
    f = svc;
    pthread_mutex_lock(&f->mu);
    for (i = 0; i < f->n && f->d[i].district_id != district_id; i++)
        ;
    if (i == f->n && f->n < FOLLOW_DISTRICTS) {
        f->d[i].district_id = district_id;
        f->d[i].as_of = 0;
        f->n++;
    }
    if (i < f->n && f->d[i].as_of >= seq) {
        pthread_mutex_unlock(&f->mu);
        return 0;
    }
    int64_t as_of = lrs_committed_seq(c);
    r = catch_up(c, district_id, NULL);
    if (r == 0 && i < f->n)
        f->d[i].as_of = MAX(f->d[i].as_of, as_of);
    pthread_mutex_unlock(&f->mu);
    return r;
}

/* ---- administration: rebuild and fit ---- */

static int admin_check(struct ctx *c, int64_t district_id)
{
    struct access_resource res = {
        .kind = RES_DISTRICT, .district_id = district_id, .id = district_id};
    return access_check(c, ACT_ADMIN, &res, NULL);
}

static int reset_tx(struct db *db, void *arg)
{
    return store_model_reset(db, *(int64_t *)arg);
}

static int audit_admin(struct ctx *c, int64_t district_id, const char *detail)
{
    struct db *db;
    struct audit_entry e = {
        .district_id = district_id, .action = "admin", .object = "learner-model", .detail = detail};
    int r = ctx_db(c, &db);
    if (r < 0)
        return r;
    if ((r = store_begin(db)) < 0)
        return r;
    if ((r = audit_append(c, db, &e)) < 0 || (r = store_commit(db)) < 0) {
        store_rollback(db);
        return r;
    }
    return 0;
}

int model_rebuild(struct ctx *c, int64_t district_id, int64_t *ret_applied)
{
    struct db *db;
    int r;

    if ((r = district_of(c, district_id, &district_id)) < 0 ||
        (r = admin_check(c, district_id)) < 0)
        return r;
    if ((r = ctx_db(c, &db)) < 0)
        return r;
    if ((r = store_tx(db, reset_tx, &district_id)) < 0)
        return ctx_fail(c, r, "cannot reset the learner model");
    if ((r = model_catch_up(c, district_id, ret_applied)) < 0)
        return r;
    return audit_admin(c, district_id, "rebuilt from the stored statements");
}

struct fit_store {
    const struct kt_data *d;
    const struct bkt_result *fit;
    int64_t district_id, now_ms;
    json_t *skills;
};

static int fit_store_tx(struct db *db, void *arg)
{
    struct fit_store *fs = arg;
    int r;

    json_array_clear(fs->skills);
    for (uint32_t i = 0; i < fs->fit->n_skills; i++) {
        const struct bkt_skill_fit *sf = &fs->fit->skill[i];
        const char *name = fs->d->skills.name[i];
        struct model_skill_row row;

        if (!sf->fitted || strlen(name) >= sizeof(row.skill))
            continue;
        r = store_model_skill(db, fs->district_id, name, &row);
        if (r < 0 && r != -ENOENT)
            return r;
        if (r == -ENOENT)
            snprintf(row.skill, sizeof(row.skill), "%s", name);
        row.prior = sf->model.p.prior;
        row.learn = sf->model.p.learn;
        row.forget = sf->model.p.forget;
        row.guess = sf->model.p.guess;
        row.slip = sf->model.p.slip;
        row.fitted_ms = fs->now_ms;
        row.fit_answers = sf->n_answers;
        row.fit_loglik = sf->info.loglik;
        r = r == -ENOENT ? store_model_skill_add(db, fs->district_id, &row)
                         : store_model_skill_put(db, fs->district_id, &row);
        if (r < 0)
            return r;
        json_array_append_new(fs->skills,
                              json_pack("{s:s, s:f, s:f, s:f, s:f, s:f, s:I, s:f}", "skill", name,
                                        "prior", row.prior, "learn", row.learn, "forget",
                                        row.forget, "guess", row.guess, "slip", row.slip, "answers",
                                        (json_int_t)row.fit_answers, "loglik", row.fit_loglik));
    }
    return store_model_reset(db, fs->district_id);
}

int model_fit_stored(struct ctx *c, int64_t district_id, const struct bkt_job *job,
                     json_t **ret_report)
{
    struct buf csv;
    struct collect k = {.arena = c->arena, .csv = &csv};
    struct kt_data d = {0};
    struct bkt_result fit = {0};
    char err[256];
    struct db *db;
    int64_t after = 0, applied = 0;
    int64_t t0 = time_mono_ns();
    int r;

    if ((r = district_of(c, district_id, &district_id)) < 0 ||
        (r = admin_check(c, district_id)) < 0)
        return r;
    buf_init(&csv, KT_MAX_BYTES);
    r = buf_appends(&csv, "user,skill,item,correct,order\n");
    /* every answer, in pages (each its own read snapshot; the order is seq's) */
    while (r == 0) {
        k.rows = 0;
        r = read_as_system(c, district_id, after, 50000, &k);
        if (r < 0 || k.rows == 0)
            break;
        after = k.last_seq;
    }
    if (r < 0)
        goto out;
    if (csv.len <= strlen("user,skill,item,correct,order\n")) {
        r = ctx_fail(c, -ENOENT, "no answers stored: nothing to fit");
        goto out;
    }
    r = kt_parse(csv.data, csv.len, KT_FORMAT_CSV, &d, err, sizeof(err));
    if (r < 0) {
        ctx_fail(c, r, "answers: %s", err);
        goto out;
    }
    r = model_bkt_fit(&d, NULL, job, &fit, err, sizeof(err));
    if (r < 0) {
        ctx_fail(c, r, "fit: %s", err);
        goto out;
    }
    struct fit_store fs = {.d = &d,
                           .fit = &fit,
                           .district_id = district_id,
                           .now_ms = c->now_ms,
                           .skills = json_array()};
    if ((r = ctx_db(c, &db)) == 0 && (r = store_tx(db, fit_store_tx, &fs)) < 0)
        ctx_fail(c, r, "cannot store the fitted parameters");
    if (r == 0)
        r = model_catch_up(c, district_id, &applied);
    if (r == 0)
        r = audit_admin(c, district_id, "skill parameters fitted to the stored answers");
    if (r == 0) {
        *ret_report = json_pack("{s:I, s:I, s:I, s:o, s:f}", "answers", (json_int_t)d.n, "learners",
                                (json_int_t)d.n_users, "applied", (json_int_t)applied, "skills",
                                fs.skills, "seconds", (double)(time_mono_ns() - t0) / 1e9);
        if (!*ret_report)
            r = ctx_fail(c, -ENOMEM, "out of memory");
    } else {
        json_decref(fs.skills);
    }
out:
    model_bkt_result_release(&fit);
    kt_data_release(&d);
    buf_release(&csv);
    return r;
}

/* ---- reads ---- */

struct mastery_json {
    json_t *skills;
};

static int mastery_row(void *arg, const struct model_skill_row *s,
                       const struct model_mastery_row *m)
{
    struct mastery_json *mj = arg;
    char when[40] = "";

    if (m->last_ms)
        time_format_iso8601(m->last_ms, when);
    json_t *o = json_pack(
        "{s:s, s:f, s:f, s:b, s:I, s:I, s:s, s:b}", "skill", s->skill, "p_mastery", m->p_mastery,
        "p_correct", bkt_p_correct(m->p_mastery, s->guess, s->slip), "mastered",
        m->p_mastery >= MODEL_MASTERED, "answers", (json_int_t)m->answers, "correct",
        (json_int_t)m->correct, "last_answer", when, "fitted", s->fitted_ms != 0);
    if (!o || json_array_append_new(mj->skills, o) < 0)
        return -ENOMEM;
    return 0;
}

int model_mastery(struct ctx *c, int64_t user_id, json_t **ret)
{
    struct access_resource res = {.kind = RES_MASTERY, .id = user_id};
    struct mastery_json mj;
    struct grant *g;
    struct db *db;
    int r;

    /* the check first (it finds the learner's district), then catch up, then read */
    if ((r = access_check(c, ACT_READ, &res, NULL)) < 0)
        return r;
    res.district_id = c->who->district_id;
    if ((r = model_catch_up(c, res.district_id, NULL)) < 0)
        return r;
    if ((r = access_check(c, ACT_READ, &res, &g)) < 0)
        return r;
    if ((r = ctx_db(c, &db)) < 0)
        return r;
    mj.skills = json_array();
    if (!mj.skills)
        return ctx_fail(c, -ENOMEM, "out of memory");
    r = store_model_mastery_of(db, g, user_id, mastery_row, &mj);
    access_read_end(c);
    if (r < 0) {
        json_decref(mj.skills);
        return ctx_fail(c, r, "cannot read the learner model");
    }
    access_grant_detail(g, "mastery per skill");
    if (!c->purpose)
        c->purpose = "learner model";
    *ret = json_pack("{s:I, s:f, s:o}", "user_id", (json_int_t)user_id, "mastered_at",
                     MODEL_MASTERED, "skills", mj.skills);
    return *ret ? 0 : ctx_fail(c, -ENOMEM, "out of memory");
}

/* ---- the follower ---- */

struct model_follower {
    struct store *store;
    const struct config *cfg;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop;
};

struct ids {
    int64_t id[64];
    size_t n;
};

static int add_id(void *arg, int64_t id)
{
    struct ids *ids = arg;
    if (ids->n < ARRAY_SIZE(ids->id))
        ids->id[ids->n++] = id;
    return 0;
}

static void follow_once(struct model_follower *f)
{
    struct arena arena = ARENA_INIT;
    struct ctx c;
    struct ids ids = {0};
    struct db *db;

    ctx_init(&c, f->store, f->cfg, &arena, time_now_ms(), "model-follower");
    if (ctx_db(&c, &db) == 0 && store_begin_read(db) == 0) {
        store_model_districts(db, add_id, &ids);
        store_rollback(db);
    }
    for (size_t i = 0; i < ids.n; i++) {
        int64_t applied = 0;
        int r = model_catch_up(&c, ids.id[i], &applied);
        if (r < 0)
            log_kv(LOG_WARN, "event=model_follow district=%lld error=%s", (long long)ids.id[i],
                   LOG_VALUE(c.err));
        else if (applied > 0)
            log_kv(LOG_INFO, "event=model_follow district=%lld applied=%lld", (long long)ids.id[i],
                   (long long)applied);
    }
    ctx_release(&c);
    arena_release(&arena);
}

static void *follower_main(void *arg)
{
    struct model_follower *f = arg;

    pthread_mutex_lock(&f->mu);
    while (!f->stop) {
        pthread_mutex_unlock(&f->mu);
        follow_once(f);
        pthread_mutex_lock(&f->mu);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 1;
        while (!f->stop && pthread_cond_timedwait(&f->cv, &f->mu, &until) == 0)
            ;
    }
    pthread_mutex_unlock(&f->mu);
    return NULL;
}

int model_follower_start(struct store *s, const struct config *cfg, struct model_follower **ret)
{
    struct model_follower *f = mem_calloc(1, sizeof(*f));
    if (!f)
        return -ENOMEM;
    f->store = s;
    f->cfg = cfg;
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->cv, NULL);
    if (pthread_create(&f->thread, NULL, follower_main, f) != 0) {
        pthread_mutex_destroy(&f->mu);
        pthread_cond_destroy(&f->cv);
        mem_free(f);
        return -EAGAIN;
    }
    *ret = f;
    return 0;
}

void model_follower_stop(struct model_follower *f)
{
    if (!f)
        return;
    pthread_mutex_lock(&f->mu);
    f->stop = true;
    pthread_cond_signal(&f->cv);
    pthread_mutex_unlock(&f->mu);
    pthread_join(f->thread, NULL);
    pthread_mutex_destroy(&f->mu);
    pthread_cond_destroy(&f->cv);
    mem_free(f);
}

/*
 * Fitting the learner model to answer logs: threads, memory and files
 * around src/core (see model_fit.h).
 */
#include "base/common.h"

#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/model_fit.h"
#include "base/buf.h"
#include "base/mem.h"

/* ---- a work queue over threads ----------------------------------------------------- */

struct pool {
    void (*task)(void *arg, unsigned i, unsigned worker);
    void *arg;
    unsigned n;
    atomic_uint next;
};

struct pool_worker {
    struct pool *p;
    unsigned id;
};

static void pool_loop(struct pool *p, unsigned worker)
{
    for (;;) {
        unsigned i = atomic_fetch_add(&p->next, 1);
        if (i >= p->n)
            return;
        p->task(p->arg, i, worker);
    }
}

static void *pool_thread(void *arg)
{
    struct pool_worker *w = arg;
    pool_loop(w->p, w->id);
    return NULL;
}

unsigned model_online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)MIN(n, 256) : 1;
}

/*
 * Run task(arg, i, worker) for every i < n on up to `threads` threads (the
 * caller's among them); tasks are taken in order of i. If a thread cannot
 * be started the others do its share.
 */
static void pool_run(unsigned threads, unsigned n, void (*task)(void *, unsigned, unsigned),
                     void *arg)
{
    struct pool p = {.task = task, .arg = arg, .n = n};
    pthread_t tid[64];
    struct pool_worker w[64];
    unsigned started = 0;

    atomic_init(&p.next, 0);
    if (threads > 64)
        threads = 64;
    if (threads > n)
        threads = n;
    for (unsigned t = 1; t < threads; t++) {
        w[started] = (struct pool_worker){&p, t};
        if (pthread_create(&tid[started], NULL, pool_thread, &w[started]) != 0)
            break;
        started++;
    }
    pool_loop(&p, 0);
    for (unsigned t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
}

static unsigned threads_or_cpus(unsigned threads)
{
    return threads ? threads : model_online_cpus();
}

/* ---- BKT fit ------------------------------------------------------------------------- */

struct bkt_work {
    const struct kt_groups *g;
    const struct bkt_job *job;
    struct bkt_result *res;
    uint32_t *order; /* skill positions, largest first */
    void *ws[64];
    size_t ws_size[64];
    atomic_int err;
    uint32_t err_skill;
    pthread_mutex_t err_lock;
};

static void bkt_task(void *arg, unsigned i, unsigned worker)
{
    struct bkt_work *w = arg;
    const struct kt_groups *g = w->g;
    const struct kt_skill *sk = &g->skill[w->order[i]];
    struct bkt_skill_fit *out = &w->res->skill[sk->skill];
    struct bkt_fit_options o = w->job->fit;
    struct bkt_seqs s = {
        .correct = g->correct + sk->first,
        .item = o.idem && g->item ? g->item + sk->first : NULL,
        .seq_start = g->seq_start + sk->seq_off,
        .seq_class = o.two_class ? g->seq_class + sk->first_seq : NULL,
        .n_answers = sk->count,
        .n_seqs = sk->n_seqs,
        .n_items = o.idem && g->item ? sk->n_items : 0,
    };
    size_t need;
    int r;

    if (atomic_load(&w->err) != 0)
        return;
    o.idem = s.item != NULL;
    /* the seed depends on the skill, not on which thread fits it */
    o.seed = o.seed * 0x9e3779b97f4a7c15u + sk->skill;
    need = bkt_workspace_size(&s, &o);
    if (need > w->ws_size[worker]) {
        mem_free(w->ws[worker]);
        w->ws[worker] = mem_alloc(need);
        w->ws_size[worker] = w->ws[worker] ? need : 0;
    }
    r = need == 0 ? -E2BIG : (w->ws[worker] ? 0 : -ENOMEM);
    if (r == 0)
        r = bkt_fit(&s, &o, w->ws[worker], w->ws_size[worker], &out->model, &out->info);
    if (r < 0) {
        int expected = 0;
        pthread_mutex_lock(&w->err_lock);
        if (atomic_compare_exchange_strong(&w->err, &expected, r))
            w->err_skill = sk->skill;
        pthread_mutex_unlock(&w->err_lock);
        return;
    }
    out->fitted = true;
    out->n_answers = sk->count;
    out->n_seqs = sk->n_seqs;
}

static int by_count_desc(const void *a, const void *b, void *ctx)
{
    const struct kt_groups *g = ctx;
    const struct kt_skill *x = &g->skill[*(const uint32_t *)a];
    const struct kt_skill *y = &g->skill[*(const uint32_t *)b];
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return x->skill < y->skill ? -1 : (x->skill > y->skill);
}

int model_bkt_fit(const struct kt_data *d, const uint8_t *keep, const struct bkt_job *job,
                  struct bkt_result *ret, char *err, size_t errsz)
{
    struct kt_groups g;
    struct bkt_work w = {.job = job, .res = ret};
    uint32_t total_items = 0;
    double wsum = 0;
    int r;

    memset(ret, 0, sizeof(*ret));
    r = kt_group(d, keep, &g);
    if (r < 0) {
        snprintf(err, errsz, r == -ENOMEM ? "out of memory" : "no answers to fit");
        return r;
    }
    w.g = &g;
    ret->n_skills = d->skills.n;
    ret->skill = mem_calloc(d->skills.n ? d->skills.n : 1, sizeof(*ret->skill));
    w.order = mem_alloc((size_t)g.n_skills * sizeof(uint32_t));
    if (!ret->skill || !w.order) {
        r = -ENOMEM;
        goto fail;
    }
    if (job->fit.idem && g.item) {
        for (uint32_t k = 0; k < g.n_skills; k++)
            total_items += g.skill[k].n_items;
        ret->item_params = mem_alloc((size_t)total_items * 2 * sizeof(double) + 1);
        ret->item_ids = mem_alloc((size_t)total_items * sizeof(uint32_t) + 1);
        if (!ret->item_params || !ret->item_ids) {
            r = -ENOMEM;
            goto fail;
        }
        memcpy(ret->item_ids, g.items, (size_t)total_items * sizeof(uint32_t));
        for (uint32_t k = 0; k < g.n_skills; k++) {
            struct bkt_skill_fit *sf = &ret->skill[g.skill[k].skill];
            uint32_t off = g.skill[k].item_off;
            sf->model.item_guess = ret->item_params + 2 * (size_t)off;
            sf->model.item_slip = sf->model.item_guess + g.skill[k].n_items;
            sf->items = ret->item_ids + off;
        }
    }
    for (uint32_t k = 0; k < g.n_skills; k++)
        w.order[k] = k;
    /* biggest skills first, so no thread is left with a big one at the end */
    qsort_r(w.order, g.n_skills, sizeof(uint32_t), by_count_desc, &g);

    atomic_init(&w.err, 0);
    pthread_mutex_init(&w.err_lock, NULL);
    pool_run(threads_or_cpus(job->threads), g.n_skills, bkt_task, &w);
    pthread_mutex_destroy(&w.err_lock);
    for (unsigned t = 0; t < 64; t++)
        mem_free(w.ws[t]);
    r = atomic_load(&w.err);
    if (r < 0) {
        snprintf(err, errsz, "skill '%s': %s", d->skills.name[w.err_skill],
                 r == -EINVAL ? "the fit rejected its answers"
                 : r == -EDOM ? "the log-likelihood decreased between EM iterations (a numerical "
                                "fault, not convergence)"
                              : strerror(-r));
        goto fail;
    }

    /* totals, and the fallback for skills the training data does not have */
    for (uint32_t s = 0; s < ret->n_skills; s++) {
        const struct bkt_skill_fit *sf = &ret->skill[s];
        double wgt;
        if (!sf->fitted)
            continue;
        wgt = sf->n_answers;
        ret->loglik += sf->info.loglik;
        ret->n_answers += sf->n_answers;
        ret->n_fitted++;
        ret->fallback.p.prior += wgt * sf->model.p.prior;
        ret->fallback.p.learn += wgt * sf->model.p.learn;
        ret->fallback.p.forget += wgt * sf->model.p.forget;
        ret->fallback.p.guess += wgt * sf->model.p.guess;
        ret->fallback.p.slip += wgt * sf->model.p.slip;
        wsum += wgt;
    }
    if (wsum > 0) {
        ret->fallback.p.prior /= wsum;
        ret->fallback.p.learn /= wsum;
        ret->fallback.p.forget /= wsum;
        ret->fallback.p.guess /= wsum;
        ret->fallback.p.slip /= wsum;
    }
    mem_free(w.order);
    kt_groups_release(&g);
    return 0;
fail:
    if (r == -ENOMEM)
        snprintf(err, errsz, "out of memory");
    mem_free(w.order);
    kt_groups_release(&g);
    model_bkt_result_release(ret);
    return r;
}

void model_bkt_result_release(struct bkt_result *r)
{
    if (!r)
        return;
    mem_free(r->skill);
    mem_free(r->item_params);
    mem_free(r->item_ids);
    memset(r, 0, sizeof(*r));
}

static int u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : (x > y);
}

int model_bkt_predict(const struct bkt_result *fit, const struct kt_data *train,
                      const struct kt_data *test, const uint8_t *keep, double *ret_p)
{
    uint32_t n_sk = test->skills.n, *stamp = NULL, *item_map = NULL;
    const struct bkt_skill_fit **by_skill = NULL;
    struct bkt_state *state = NULL;
    int r = -ENOMEM;

    by_skill = mem_calloc(n_sk + 1, sizeof(*by_skill));
    stamp = mem_calloc(n_sk + 1, sizeof(*stamp));
    state = mem_calloc(n_sk + 1, sizeof(*state));
    if (!by_skill || !stamp || !state)
        goto out;
    for (uint32_t s = 0; s < n_sk; s++) {
        uint32_t t;
        const char *name = test->skills.name[s];
        if (kt_names_find(&train->skills, name, strlen(name), &t) == 0 && t < fit->n_skills &&
            fit->skill[t].fitted)
            by_skill[s] = &fit->skill[t];
    }
    if (test->item && train->item && fit->item_ids) {
        item_map = mem_alloc(((size_t)test->items.n + 1) * sizeof(uint32_t));
        if (!item_map)
            goto out;
        for (uint32_t i = 0; i < test->items.n; i++) {
            const char *name = test->items.name[i];
            if (kt_names_find(&train->items, name, strlen(name), &item_map[i]) < 0)
                item_map[i] = UINT32_MAX;
        }
    }
    for (uint32_t k = 0; k < test->n; k++) {
        uint32_t i = test->by_user[k], u = test->user[i], s = test->skill[i];
        const struct bkt_skill_fit *sf = by_skill[s];
        const struct bkt_model *m = sf ? &sf->model : &fit->fallback;
        uint32_t local = UINT32_MAX;
        bool c = test->correct[i];
        double g, sl;

        if (keep && !keep[u])
            continue;
        if (item_map && sf && sf->items && m->n_items > 0 &&
            item_map[test->item[i]] != UINT32_MAX) {
            uint32_t *hit =
                bsearch(&item_map[test->item[i]], sf->items, m->n_items, sizeof(uint32_t), u32_cmp);
            if (hit)
                local = (uint32_t)(hit - sf->items);
        }
        bkt_model_emission(m, local, &g, &sl);
        if (stamp[s] != u + 1) { /* the user's first answer on this skill */
            stamp[s] = u + 1;
            ret_p[i] = bkt_p_correct(m->p.prior, g, sl);
            state[s] = bkt_state_prior(m->has_classes ? m->class_prior[c] : m->p.prior);
        } else {
            ret_p[i] = bkt_state_p_correct(&state[s], g, sl);
        }
        (void)bkt_update_gs(&state[s], c, g, sl, m->p.learn, m->p.forget);
    }
    r = 0;
out:
    mem_free(by_skill);
    mem_free(stamp);
    mem_free(state);
    mem_free(item_map);
    return r;
}

int model_bkt_crossvalidate(const struct kt_data *d, unsigned folds, const struct bkt_job *job,
                            double *ret_p, char *err, size_t errsz)
{
    uint32_t *fold = NULL;
    uint8_t *keep = NULL, *held = NULL;
    int r = -ENOMEM;

    if (folds < 2 || folds > d->n_users) {
        snprintf(err, errsz, "--folds: must be between 2 and the number of students (%u)",
                 d->n_users);
        return -EINVAL;
    }
    fold = mem_alloc((size_t)d->n_users * sizeof(uint32_t));
    keep = mem_alloc(d->n_users);
    held = mem_alloc(d->n_users);
    if (!fold || !keep || !held) {
        snprintf(err, errsz, "out of memory");
        goto out;
    }
    r = metrics_folds(d->n_users, folds, job->fit.seed, fold);
    if (r < 0)
        goto out;
    for (unsigned f = 0; f < folds; f++) {
        struct bkt_result fit;
        for (uint32_t u = 0; u < d->n_users; u++) {
            keep[u] = fold[u] != f;
            held[u] = fold[u] == f;
        }
        r = model_bkt_fit(d, keep, job, &fit, err, errsz);
        if (r < 0)
            goto out;
        r = model_bkt_predict(&fit, d, d, held, ret_p);
        model_bkt_result_release(&fit);
        if (r < 0) {
            snprintf(err, errsz, "out of memory");
            goto out;
        }
    }
out:
    mem_free(fold);
    mem_free(keep);
    mem_free(held);
    return r;
}

int model_score(const struct kt_data *d, const double *p, struct metrics *ret)
{
    size_t n = metrics_workspace_size(d->n);
    void *ws = n ? mem_alloc(n) : NULL;
    int r;
    if (!ws)
        return -ENOMEM;
    r = metrics_compute(p, d->correct, d->n, ws, n, ret);
    mem_free(ws);
    return r;
}

/* ---- JSON ---------------------------------------------------------------------------- */

static json_t *num(double x)
{
    return isfinite(x) ? json_real(x) : json_null();
}

static json_t *metrics_json(const struct metrics *m)
{
    return json_pack("{s:I, s:o, s:o, s:o, s:o}", "answers", (json_int_t)m->n, "auc", num(m->auc),
                     "rmse", num(m->rmse), "logloss", num(m->logloss), "accuracy",
                     num(m->accuracy));
}

static json_t *params_json(const struct bkt_params *p)
{
    return json_pack("{s:o, s:o, s:o, s:o, s:o}", "prior", num(p->prior), "learn", num(p->learn),
                     "forget", num(p->forget), "guess", num(p->guess), "slip", num(p->slip));
}

json_t *model_bkt_json(const struct kt_data *train, const struct bkt_result *fit,
                       const struct bkt_job *job, const struct metrics *train_m,
                       const struct metrics *cv_m, unsigned folds, const struct metrics *test_m)
{
    json_t *doc, *skills, *metrics;

    doc = json_pack("{s:s, s:{s:b, s:b, s:b}, s:i, s:I, s:{s:I, s:I, s:I}, s:o, s:o}", "model",
                    "bkt", "variant", "forget", job->fit.forget, "idem", job->fit.idem,
                    "two_priors", job->fit.two_class, "restarts", (int)job->fit.restarts, "seed",
                    (json_int_t)job->fit.seed, "input", "answers", (json_int_t)train->n, "students",
                    (json_int_t)train->n_users, "skills", (json_int_t)fit->n_fitted, "loglik",
                    num(fit->loglik), "default", params_json(&fit->fallback.p));
    skills = json_array();
    metrics = json_object();
    if (!doc || !skills || !metrics)
        goto fail;
    for (uint32_t s = 0; s < fit->n_skills; s++) {
        const struct bkt_skill_fit *sf = &fit->skill[s];
        json_t *o;
        if (!sf->fitted)
            continue;
        o = params_json(&sf->model.p);
        if (!o || json_object_set_new(o, "skill", json_string(train->skills.name[s])) < 0 ||
            json_object_set_new(o, "answers", json_integer(sf->n_answers)) < 0 ||
            json_object_set_new(o, "students", json_integer(sf->n_seqs)) < 0 ||
            json_object_set_new(o, "loglik", num(sf->info.loglik)) < 0 ||
            json_object_set_new(o, "iterations", json_integer(sf->info.iterations)) < 0 ||
            json_object_set_new(o, "converged", json_boolean(sf->info.converged)) < 0 ||
            json_array_append_new(skills, o) < 0) {
            json_decref(o);
            goto fail;
        }
        if (sf->model.has_classes &&
            json_object_set_new(o, "class_prior",
                                json_pack("[o, o]", num(sf->model.class_prior[0]),
                                          num(sf->model.class_prior[1]))) < 0)
            goto fail;
        if (sf->model.n_items > 0) {
            json_t *items = json_array();
            if (!items || json_object_set_new(o, "items", items) < 0)
                goto fail;
            for (uint32_t i = 0; i < sf->model.n_items; i++) {
                json_t *it =
                    json_pack("{s:s, s:o, s:o}", "item", train->items.name[sf->items[i]], "guess",
                              num(sf->model.item_guess[i]), "slip", num(sf->model.item_slip[i]));
                if (!it || json_array_append_new(items, it) < 0)
                    goto fail;
            }
        }
    }
    if (json_object_set_new(doc, "skills", skills) < 0) {
        skills = NULL;
        goto fail;
    }
    skills = NULL;
    if (train_m && json_object_set_new(metrics, "train", metrics_json(train_m)) < 0)
        goto fail;
    if (cv_m) {
        json_t *cv = metrics_json(cv_m);
        if (!cv || json_object_set_new(cv, "folds", json_integer(folds)) < 0 ||
            json_object_set_new(metrics, "cv", cv) < 0)
            goto fail;
    }
    if (test_m && json_object_set_new(metrics, "test", metrics_json(test_m)) < 0)
        goto fail;
    if (json_object_set_new(doc, "metrics", metrics) < 0) {
        metrics = NULL;
        goto fail;
    }
    return doc;
fail:
    json_decref(skills);
    json_decref(metrics);
    json_decref(doc);
    return NULL;
}

/* ---- IRT ----------------------------------------------------------------------------- */

struct irt_runner {
    unsigned threads;
    void (*task)(void *, unsigned);
    void *arg;
};

static void irt_task(void *arg, unsigned i, unsigned worker)
{
    struct irt_runner *r = arg;
    (void)worker;
    r->task(r->arg, i);
}

static void irt_run(void *ctx, unsigned n, void (*task)(void *arg, unsigned i), void *arg)
{
    struct irt_runner r = {.threads = *(unsigned *)ctx, .task = task, .arg = arg};
    pool_run(r.threads, n, irt_task, &r);
}

int model_irt_fit(const struct kt_data *d, const struct irt_options *opt, struct irt_result *ret,
                  char *err, size_t errsz)
{
    struct irt_options o = *opt;
    uint32_t *start = NULL, *item = NULL;
    uint8_t *correct = NULL;
    void *ws = NULL;
    size_t wsz;
    unsigned threads = o.parts > 1 ? o.parts : 1;
    const uint32_t *src = d->item ? d->item : d->skill;
    int r = -ENOMEM;

    memset(ret, 0, sizeof(*ret));
    ret->model = o.model;
    ret->n_items = d->item ? d->items.n : d->skills.n;
    ret->n_persons = d->n_users;
    start = mem_alloc(((size_t)d->n_users + 1) * sizeof(uint32_t));
    item = mem_alloc((size_t)d->n * sizeof(uint32_t));
    correct = mem_alloc(d->n);
    ret->item = mem_calloc(ret->n_items, sizeof(*ret->item));
    ret->item_n = mem_calloc(ret->n_items, sizeof(uint32_t));
    ret->theta = mem_alloc((size_t)d->n_users * sizeof(double));
    ret->se = mem_alloc((size_t)d->n_users * sizeof(double));
    if (!start || !item || !correct || !ret->item || !ret->item_n || !ret->theta || !ret->se)
        goto fail;
    /* responses grouped by user (by_user is sorted by user) */
    for (uint32_t u = 0, k = 0; u <= d->n_users; u++) {
        while (k < d->n && d->user[d->by_user[k]] < u)
            k++;
        start[u] = k;
    }
    for (uint32_t k = 0; k < d->n; k++) {
        uint32_t i = d->by_user[k];
        item[k] = src[i];
        correct[k] = d->correct[i];
        ret->item_n[src[i]]++;
    }
    struct irt_data data = {start, item, correct, d->n_users, ret->n_items, d->n};
    /*
     * More parts than threads, taken from a queue: a thread the scheduler
     * sets aside does not hold up the whole E-step (on a busy machine, one
     * part per thread made two threads slower than one).
     */
    o.run = irt_run;
    o.run_ctx = &threads;
    o.parts = threads > 1 ? MIN(threads * 8, IRT_MAX_PARTS) : 1;
    wsz = irt_workspace_size(&data, &o);
    ws = wsz ? mem_alloc(wsz) : NULL;
    if (!ws) {
        r = wsz ? -ENOMEM : -E2BIG;
        goto fail;
    }
    r = irt_fit(&data, &o, ws, wsz, ret->item, &ret->info);
    if (r == 0)
        r = irt_eap(&data, ret->item, ret->info.sigma, &o, ws, wsz, ret->theta, ret->se);
    if (r < 0)
        goto fail;
    mem_free(ws);
    mem_free(start);
    mem_free(item);
    mem_free(correct);
    return 0;
fail:
    snprintf(err, errsz, "%s",
             r == -ENOMEM ? "out of memory" : (r == -E2BIG ? "too many items" : "invalid input"));
    mem_free(ws);
    mem_free(start);
    mem_free(item);
    mem_free(correct);
    model_irt_result_release(ret);
    return r;
}

void model_irt_result_release(struct irt_result *r)
{
    if (!r)
        return;
    mem_free(r->item);
    mem_free(r->item_n);
    mem_free(r->theta);
    mem_free(r->se);
    memset(r, 0, sizeof(*r));
}

json_t *model_irt_json(const struct kt_data *d, const struct irt_result *r)
{
    const struct kt_names *names = d->item ? &d->items : &d->skills;
    json_t *doc, *items, *persons;

    doc = json_pack("{s:s, s:o, s:o, s:i, s:b, s:I, s:{s:I, s:I, s:I}}", "model",
                    r->model == IRT_RASCH ? "rasch" : "2pl", "loglik", num(r->info.loglik),
                    "ability_sd", num(r->info.sigma), "iterations", (int)r->info.iterations,
                    "converged", r->info.converged, "items_on_bounds",
                    (json_int_t)r->info.n_bounded, "input", "answers", (json_int_t)d->n, "students",
                    (json_int_t)d->n_users, "items", (json_int_t)r->n_items);
    items = json_array();
    persons = json_array();
    if (!doc || !items || !persons)
        goto fail;
    for (uint32_t i = 0; i < r->n_items; i++) {
        json_t *o =
            json_pack("{s:s, s:o, s:o, s:I}", "item", names->name[i], "a", num(r->item[i].a), "b",
                      num(r->item[i].b), "answers", (json_int_t)r->item_n[i]);
        if (!o || json_array_append_new(items, o) < 0)
            goto fail;
    }
    for (uint32_t u = 0; u < r->n_persons; u++) {
        char buf[24];
        json_t *o = json_pack("{s:s, s:o, s:o}", "student", kt_user_label(d, u, buf, sizeof(buf)),
                              "theta", num(r->theta[u]), "se", num(r->se[u]));
        if (!o || json_array_append_new(persons, o) < 0)
            goto fail;
    }
    if (json_object_set_new(doc, "items", items) < 0) {
        items = NULL;
        goto fail;
    }
    items = NULL;
    if (json_object_set_new(doc, "students", persons) < 0) {
        persons = NULL;
        goto fail;
    }
    return doc;
fail:
    json_decref(items);
    json_decref(persons);
    json_decref(doc);
    return NULL;
}

/* ---- files --------------------------------------------------------------------------- */

/* Write len bytes to a temporary file beside path, fsync, rename over path. */
static int write_atomic(const char *path, const char *data, size_t len)
{
    char tmp[4096];
    int fd, r = 0;
    size_t done = 0;

    if (snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >= (int)sizeof(tmp))
        return -ENAMETOOLONG;
    fd = mkstemp(tmp);
    if (fd < 0)
        return -errno;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            r = n < 0 ? -errno : -EIO;
            break;
        }
        done += (size_t)n;
    }
    if (r == 0 && fsync(fd) < 0)
        r = -errno;
    if (close(fd) < 0 && r == 0)
        r = -errno;
    if (r == 0 && rename(tmp, path) < 0)
        r = -errno;
    if (r < 0)
        (void)unlink(tmp);
    return r;
}

int model_write_json(const char *path, json_t *doc)
{
    char *text = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
    struct buf b = BUF_INIT(SIZE_MAX / 2);
    int r;

    if (!text)
        return -ENOMEM;
    r = buf_appends(&b, text);
    if (r == 0)
        r = buf_putc(&b, '\n');
    mem_free(text);
    if (r == 0)
        r = write_atomic(path, b.data, b.len);
    buf_release(&b);
    return r;
}

static int csv_field(struct buf *b, const char *s)
{
    if (!strpbrk(s, ",\"\r\n"))
        return buf_appends(b, s);
    int r = buf_putc(b, '"');
    for (; r == 0 && *s; s++)
        r = *s == '"' ? buf_append(b, "\"\"", 2) : buf_putc(b, *s);
    return r == 0 ? buf_putc(b, '"') : r;
}

int model_write_predictions(const char *path, const struct kt_data *d, const double *p)
{
    struct buf b = BUF_INIT(SIZE_MAX / 2);
    int r = buf_appends(&b, "student,skill,correct,p_correct\n");

    for (uint32_t i = 0; r == 0 && i < d->n; i++) {
        char ub[24];
        r = csv_field(&b, kt_user_label(d, d->user[i], ub, sizeof(ub)));
        if (r == 0)
            r = buf_putc(&b, ',');
        if (r == 0)
            r = csv_field(&b, d->skills.name[d->skill[i]]);
        if (r == 0)
            r = buf_appendf(&b, ",%u,%.17g\n", d->correct[i], p[i]);
    }
    if (r == 0)
        r = write_atomic(path, b.data, b.len);
    buf_release(&b);
    return r;
}

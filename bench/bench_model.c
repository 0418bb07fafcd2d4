/*
 * bench_model: speed of the learner model, with baselines measured in the
 * same run.
 *
 *   1. BKT fit of ASSISTments 2009 skill builder, training set (408k answers,
 *      123 skills), 6 restarts with forgetting: wall time on all CPUs and on
 *      one, a naive reference fit (per-sequence scaled Baum-Welch, plain EM,
 *      no prefix tree, no acceleration, no race) for the ratio, and the
 *      whole `trellis fit bkt` process: wall time and peak RSS.
 *   2. Online update: ns per answer, against a naive generic HMM filter step.
 *   3. 2PL calibration of 50,000 students x 100 items (simulated): wall time
 *      on all CPUs and on one, EM cycles, recovery; EAP scoring.
 *   4. hmm-scalable (C++, github.com/myudelson/hmm-scalable), if
 *      HMM_SCALABLE points to its trainhmm: a single start without
 *      forgetting on the same data, against ours.
 *
 * Usage: bench_model [DATA_DIR]   (default $TRELLIS_TEST_DATA, then ../shared/data)
 * Environment: TRELLIS_BIN (the trellis program, for the process figures),
 * HMM_SCALABLE (trainhmm), BENCH_RUNS (repetitions, default 5), BENCH_ONLY
 * (one of bkt, update, hmm, irt: run only that part).
 * Not run by `meson test`; timings on a shared machine vary, so each figure
 * is the best (and the median) of several runs.
 */
#include "base/common.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app/model_data.h"
#include "app/model_fit.h"
#include "base/mem.h"
#include "core/bkt.h"
#include "core/irt.h"
#include "core/rng.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* CPU time of the whole process (all threads) */
static double cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int dcmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : (x > y);
}

/* best and median of n timings */
static void best_median(double *t, int n, double *best, double *median)
{
    qsort(t, (size_t)n, sizeof(double), dcmp);
    *best = t[0];
    *median = n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
}

static int runs(void)
{
    const char *s = getenv("BENCH_RUNS");
    long n = s ? strtol(s, NULL, 10) : 5;
    return n >= 1 && n <= 100 ? (int)n : 5;
}

/* ---- the naive reference fit ----------------------------------------------------- */

/*
 * Plain EM for one skill, sequence by sequence: scaled forward pass storing
 * alpha and the scale factors, backward pass accumulating the expected
 * counts. The same model, bounds, starts (the six fixed ones) and
 * convergence test as bkt_fit, without the prefix tree, SQUAREM or the race.
 * Like bkt_fit it carries P(not mastered) apart from P(mastered) (alpha0
 * beside alpha), so both maximise the same likelihood.
 */
struct naive_params {
    double prior, learn, forget, guess, slip;
};

static double naive_estep(const uint8_t *c, const uint32_t *st, uint32_t n_seqs,
                          const struct naive_params *p, double *alpha, double *alpha0,
                          double *scale, double cnt[10])
{
    double ll = 0;
    memset(cnt, 0, 10 * sizeof(double));
    for (uint32_t q = 0; q < n_seqs; q++) {
        uint32_t a = st[q], T = st[q + 1] - a;
        for (uint32_t t = 0; t < T; t++) { /* forward: alpha[t] = P(mastered | answers <= t) */
            double pp =
                t == 0 ? p->prior : alpha[t - 1] * (1 - p->forget) + alpha0[t - 1] * p->learn;
            double qq =
                t == 0 ? 1 - p->prior : alpha0[t - 1] * (1 - p->learn) + alpha[t - 1] * p->forget;
            double e1 = c[a + t] ? 1 - p->slip : p->slip, e0 = c[a + t] ? p->guess : 1 - p->guess;
            double s = pp * e1 + qq * e0;
            alpha[t] = pp * e1 / s;
            alpha0[t] = qq * e0 / s;
            scale[t] = s;
            ll += log(s);
        }
        double b0 = 1, b1 = 1; /* scaled backward */
        for (uint32_t t = T; t-- > 0;) {
            double g1 = alpha[t] * b1, g0 = alpha0[t] * b0, tot = g0 + g1;
            g1 /= tot;
            g0 /= tot;
            cnt[0] += g0;
            cnt[1] += c[a + t] ? g0 : 0;
            cnt[2] += g1;
            cnt[3] += c[a + t] ? 0 : g1;
            double e1 = c[a + t] ? 1 - p->slip : p->slip, e0 = c[a + t] ? p->guess : 1 - p->guess;
            double m0 = e0 * b0 / scale[t], m1 = e1 * b1 / scale[t];
            if (t == 0) {
                cnt[4] += g1;
                cnt[5] += g0 + g1;
                break;
            }
            double pa = alpha[t - 1], qa = alpha0[t - 1];
            double x00 = qa * (1 - p->learn) * m0, x01 = qa * p->learn * m1;
            double x10 = pa * p->forget * m0, x11 = pa * (1 - p->forget) * m1;
            double z = x00 + x01 + x10 + x11;
            cnt[6] += x00 / z;
            cnt[7] += x01 / z;
            cnt[8] += x10 / z;
            cnt[9] += x11 / z;
            double nb0 = (1 - p->learn) * m0 + p->learn * m1;
            double nb1 = p->forget * m0 + (1 - p->forget) * m1;
            b0 = nb0;
            b1 = nb1;
        }
    }
    return ll;
}

static double clampd(double x, double lo, double hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

static double naive_fit(const uint8_t *c, const uint32_t *st, uint32_t n_seqs, uint32_t n,
                        bool forget, double *work, unsigned *esteps)
{
    static const double starts[6][4] = {{0.4, 0.15, 0.2, 0.1},  {0.5, 0.05, 0.02, 0.02},
                                        {0.2, 0.1, 0.4, 0.05},  {0.7, 0.1, 0.05, 0.3},
                                        {0.9, 0.02, 0.3, 0.01}, {0.7, 0.01, 0.45, 0.005}};
    double best = -INFINITY, cnt[10];
    for (int k = 0; k < 6; k++) {
        struct naive_params p = {starts[k][0], starts[k][1], forget ? 0.05 : 0, starts[k][2],
                                 starts[k][3]};
        double prev = -INFINITY, ll = -INFINITY;
        for (int it = 0; it < 300; it++) {
            ll = naive_estep(c, st, n_seqs, &p, work, work + n, work + 2 * (size_t)n, cnt);
            (*esteps)++;
            if (ll - prev < 1e-8 * n && it > 0)
                break;
            prev = ll;
            p.prior = clampd(cnt[4] / cnt[5], 1e-6, 1 - 1e-6);
            p.learn = clampd(cnt[7] / (cnt[6] + cnt[7]), 1e-6, 1 - 1e-6);
            if (forget)
                p.forget = clampd(cnt[8] / (cnt[8] + cnt[9]), 1e-6, 1 - p.learn);
            p.guess = clampd(cnt[1] / cnt[0], 1e-6, 0.49);
            p.slip = clampd(cnt[3] / cnt[2], 1e-6, 0.49);
        }
        if (ll > best)
            best = ll;
    }
    return best;
}

/* ---- 1. BKT fit ------------------------------------------------------------------- */

static double fit_once(const struct kt_data *d, unsigned threads, unsigned restarts, bool forget,
                       double *ret_ll)
{
    struct bkt_job job = {.fit = BKT_FIT_DEFAULTS, .threads = threads};
    struct bkt_result res;
    char err[256];
    double t0, t1;

    job.fit.forget = forget;
    job.fit.restarts = restarts;
    t0 = now_s();
    if (model_bkt_fit(d, NULL, &job, &res, err, sizeof(err)) < 0) {
        fprintf(stderr, "bench_model: fit failed: %s\n", err);
        exit(1);
    }
    t1 = now_s();
    *ret_ll = res.loglik;
    model_bkt_result_release(&res);
    return t1 - t0;
}

/* Run argv, return its wall time and peak RSS (KiB). */
static int run_process(char *const argv[], const char *out_path, double *ret_s, long *ret_kib)
{
    struct rusage ru;
    int status;
    double t0;
    pid_t pid;

    fflush(stdout); /* or the child's freopen writes our buffer out again */
    t0 = now_s();
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        FILE *f = freopen(out_path ? out_path : "/dev/null", "w", stdout);
        (void)f;
        execv(argv[0], argv);
        _exit(127);
    }
    if (wait4(pid, &status, 0, &ru) < 0)
        return -1;
    *ret_s = now_s() - t0;
    *ret_kib = ru.ru_maxrss;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void bench_bkt(const char *data_dir, const char *trellis_bin, struct kt_data *d)
{
    char train[4096], err[512], out[4200];
    double t[100], best, med, ll, t_naive, ll_naive, t0;
    int n = runs();
    unsigned cpus = model_online_cpus(), esteps = 0;
    struct kt_groups g;

    snprintf(train, sizeof(train), "%s/kt/assist2009_dkt_pybkt-examples/builder_train.csv",
             data_dir);
    t0 = now_s();
    if (kt_load_file(train, KT_FORMAT_DKT, d, err, sizeof(err)) < 0) {
        fprintf(stderr, "bench_model: %s\n", err);
        exit(1);
    }
    printf("BKT: ASSISTments 2009 training set, %u answers, %u students, %u skills (read in "
           "%.3f s)\n",
           d->n, d->n_users, d->skills.n, now_s() - t0);

    double c0 = cpu_s();
    for (int i = 0; i < n; i++)
        t[i] = fit_once(d, 0, 6, true, &ll);
    double cpu = (cpu_s() - c0) / n;
    best_median(t, n, &best, &med);
    printf("  fit, 6 restarts + forgetting, %u threads:   best %.3f s, median %.3f s, CPU %.3f s "
           "per fit (log-likelihood %.2f) [target <= 0.25 s]\n",
           cpus, best, med, cpu, ll);
    double par = best;
    for (int i = 0; i < n; i++)
        t[i] = fit_once(d, 1, 6, true, &ll);
    best_median(t, n, &best, &med);
    printf("  fit, 6 restarts + forgetting, 1 thread:    best %.3f s, median %.3f s (threads: "
           "x%.2f)\n",
           best, med, best / par);
    double one = best;

    /* the naive reference, one thread, once (it is slow) */
    if (kt_group(d, NULL, &g) < 0) {
        fprintf(stderr, "bench_model: out of memory\n");
        exit(1);
    }
    double *work = mem_alloc(3 * (size_t)g.n_answers * sizeof(double));
    t0 = now_s();
    ll_naive = 0;
    for (uint32_t k = 0; k < g.n_skills; k++) {
        const struct kt_skill *sk = &g.skill[k];
        ll_naive += naive_fit(g.correct + sk->first, g.seq_start + sk->seq_off, sk->n_seqs,
                              sk->count, true, work, &esteps);
    }
    t_naive = now_s() - t0;
    printf("  naive reference fit (per-sequence Baum-Welch, plain EM, 1 thread): %.3f s, %u "
           "E-steps, log-likelihood %.2f\n",
           t_naive, esteps, ll_naive);
    printf("    -> ours is x%.1f faster on one thread, x%.1f on %u\n", t_naive / one, t_naive / par,
           cpus);
    mem_free(work);
    kt_groups_release(&g);

    if (trellis_bin) {
        char *argv[] = {(char *)trellis_bin, "fit", "bkt",   "--input", train, "--forget",
                        "--restarts",        "6",   "--out", out,       NULL};
        long kib = 0, worst = 0;
        snprintf(out, sizeof(out), "/tmp/bench_model_%d.json", (int)getpid());
        for (int i = 0; i < n; i++) {
            if (run_process(argv, NULL, &t[i], &kib) != 0) {
                fprintf(stderr, "bench_model: %s failed\n", trellis_bin);
                exit(1);
            }
            worst = kib > worst ? kib : worst;
        }
        (void)unlink(out);
        best_median(t, n, &best, &med);
        printf("  `trellis fit bkt --forget --restarts 6` whole process (read, fit, write JSON): "
               "best %.3f s, median %.3f s, peak RSS %.1f MB [target <= 100 MB]\n",
               best, med, (double)worst / 1024.0);
    }
}

/* ---- 2. online update ------------------------------------------------------------- */

static void bench_update(void)
{
    const uint32_t n = 1u << 20, reps = 100;
    uint8_t *c = mem_alloc(n);
    struct rng r;
    struct bkt_params p = {.prior = 0.3, .learn = 0.15, .forget = 0.02, .guess = 0.2, .slip = 0.1};
    struct bkt_state st = bkt_state_prior(p.prior);
    double t0, t_ours, t_naive, sink = 0;

    rng_seed(&r, 3);
    for (uint32_t i = 0; i < n; i++)
        c[i] = rng_double(&r) < 0.7;
    t0 = now_s();
    for (uint32_t k = 0; k < reps; k++)
        for (uint32_t i = 0; i < n; i++) {
            sink += bkt_state_p_correct(&st, p.guess, p.slip); /* predict, then update */
            if (bkt_update(&p, &st, c[i]) < 0)
                exit(1);
        }
    t_ours = now_s() - t0;
    /* naive: a generic 2-state HMM filter step (vector-matrix products, then normalise) */
    double A[2][2] = {{1 - p.learn, p.learn}, {p.forget, 1 - p.forget}};
    double B[2][2] = {{1 - p.guess, p.guess}, {p.slip, 1 - p.slip}};
    double a[2] = {1 - p.prior, p.prior};
    t0 = now_s();
    for (uint32_t k = 0; k < reps; k++)
        for (uint32_t i = 0; i < n; i++) {
            double pr[2], post[2], s = 0, next[2] = {0, 0};
            for (int j = 0; j < 2; j++) {
                pr[j] = a[j] * B[j][1];
                s += pr[j];
            }
            sink += s;
            for (int j = 0; j < 2; j++)
                post[j] = a[j] * B[j][c[i]];
            double z = post[0] + post[1];
            for (int j = 0; j < 2; j++)
                for (int l = 0; l < 2; l++)
                    next[l] += post[j] / z * A[j][l];
            a[0] = next[0];
            a[1] = next[1];
        }
    t_naive = now_s() - t0;
    double per = t_ours * 1e9 / ((double)n * reps), per_naive = t_naive * 1e9 / ((double)n * reps);
    printf("online update (predict + update, checked): %.2f ns per answer [target <= 100 ns]; "
           "naive HMM filter step %.2f ns (x%.2f) (checksum %.3f)\n",
           per, per_naive, per_naive / per, sink / ((double)n * reps) + st.mastered + a[1]);
    mem_free(c);
}

/* ---- 3. 2PL calibration ------------------------------------------------------------- */

/* A work queue for the E-step parts: `threads` workers take parts in turn. */
struct queue {
    void (*task)(void *, unsigned);
    void *arg;
    unsigned n;
    atomic_uint next;
};

static void *queue_worker(void *p)
{
    struct queue *q = p;
    for (unsigned i; (i = atomic_fetch_add(&q->next, 1)) < q->n;)
        q->task(q->arg, i);
    return NULL;
}

static void run_parts(void *ctx, unsigned n, void (*task)(void *, unsigned), void *arg)
{
    unsigned threads = *(const unsigned *)ctx, started = 0;
    pthread_t tid[64];
    struct queue q = {.task = task, .arg = arg, .n = n};

    atomic_init(&q.next, 0);
    for (unsigned t = 1; t < threads && t < 64; t++) {
        if (pthread_create(&tid[started], NULL, queue_worker, &q) != 0)
            break;
        started++;
    }
    queue_worker(&q);
    for (unsigned t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
}

static void bench_irt(void)
{
    const uint32_t P = 50000, I = 100;
    struct rng r;
    struct irt_item *truth = mem_alloc(I * sizeof(*truth)), *fit = mem_alloc(I * sizeof(*fit));
    uint32_t *start = mem_alloc((P + 1) * sizeof(uint32_t));
    uint32_t *item = mem_alloc((size_t)P * I * sizeof(uint32_t));
    uint8_t *c = mem_alloc((size_t)P * I);
    double *theta = mem_alloc(P * sizeof(double)), *se = mem_alloc(P * sizeof(double));
    unsigned cpus = model_online_cpus();
    double t[100], best, med, t_one = 0;
    int n = runs() < 3 ? runs() : 3;

    rng_seed(&r, 11);
    for (uint32_t i = 0; i < I; i++)
        truth[i] = (struct irt_item){exp(rng_uniform(&r, -0.5, 0.7)), rng_uniform(&r, -2, 2)};
    for (uint32_t p = 0; p < P; p++) {
        double u1 = rng_double(&r), u2 = rng_double(&r);
        double th = sqrt(-2 * log(u1 + 1e-300)) * cos(6.283185307179586 * u2);
        start[p] = p * I;
        for (uint32_t i = 0; i < I; i++) {
            item[(size_t)p * I + i] = i;
            c[(size_t)p * I + i] = rng_double(&r) < 1 / (1 + exp(-truth[i].a * (th - truth[i].b)));
        }
    }
    start[P] = P * I;
    struct irt_data d = {start, item, c, P, I, P * I};
    printf("2PL: 50,000 simulated students x 100 items (5,000,000 answers)\n");
    for (int pass = 0; pass < 2; pass++) {
        struct irt_options o = IRT_DEFAULTS;
        struct irt_fit_info info = {0};
        unsigned threads = pass == 0 ? cpus : 1;
        o.parts = threads > 1 ? MIN(threads * 8, IRT_MAX_PARTS) : 1; /* as `trellis fit irt` */
        o.run = run_parts;
        o.run_ctx = &threads;
        size_t wsz = irt_workspace_size(&d, &o);
        void *ws = mem_alloc(wsz);
        double c0 = cpu_s();
        for (int i = 0; i < n; i++) {
            double t0 = now_s();
            if (irt_fit(&d, &o, ws, wsz, fit, &info) < 0)
                exit(1);
            t[i] = now_s() - t0;
        }
        double cpu = (cpu_s() - c0) / n;
        best_median(t, n, &best, &med);
        double ea = 0, eb = 0;
        for (uint32_t i = 0; i < I; i++) {
            ea += (fit[i].a - truth[i].a) * (fit[i].a - truth[i].a);
            eb += (fit[i].b - truth[i].b) * (fit[i].b - truth[i].b);
        }
        if (pass == 0) {
            printf("  calibration, %u quadrature points, %u threads: best %.3f s, median %.3f s, "
                   "CPU %.3f s, %u E-steps, RMSE a %.4f b %.4f [target <= 5 s]\n",
                   o.n_quad, cpus, best, med, cpu, info.iterations, sqrt(ea / I), sqrt(eb / I));
            t_one = best;
            double t0 = now_s();
            if (irt_eap(&d, fit, 1.0, &o, ws, wsz, theta, se) < 0)
                exit(1);
            double t_eap = now_s() - t0, e = 0;
            for (uint32_t p = 0; p < P; p++)
                e += se[p];
            printf("  EAP abilities with standard errors for 50,000 students: %.3f s (mean se "
                   "%.3f)\n",
                   t_eap, e / P);
        } else {
            printf("  calibration, 1 thread: best %.3f s, median %.3f s, CPU %.3f s (threads: "
                   "x%.2f)\n",
                   best, med, cpu, best / t_one);
        }
        mem_free(ws);
    }
    mem_free(truth);
    mem_free(fit);
    mem_free(start);
    mem_free(item);
    mem_free(c);
    mem_free(theta);
    mem_free(se);
}

/* ---- 4. hmm-scalable ---------------------------------------------------------------- */

static void bench_hmm_scalable(const struct kt_data *d)
{
    const char *bin = getenv("HMM_SCALABLE");
    char in[256], model[256];
    double t[100], best, med, ll;
    long kib;
    int n = runs() < 3 ? runs() : 3;
    FILE *f;

    if (!bin || access(bin, X_OK) != 0) {
        printf("hmm-scalable: skipped (set HMM_SCALABLE to its trainhmm to compare)\n");
        return;
    }
    snprintf(in, sizeof(in), "/tmp/bench_model_hmm_%d.txt", (int)getpid());
    snprintf(model, sizeof(model), "/tmp/bench_model_hmm_%d.model", (int)getpid());
    f = fopen(in, "w");
    if (!f)
        return;
    /* its input: observation (1 right, 2 wrong), student, step, skill; tab-separated */
    for (uint32_t k = 0; k < d->n; k++) {
        uint32_t i = d->by_user[k];
        fprintf(f, "%d\tu%u\t%s\t%s\n", d->correct[i] ? 1 : 2, d->user[i],
                d->skills.name[d->skill[i]], d->skills.name[d->skill[i]]);
    }
    fclose(f);
    for (int solver = 0; solver < 2; solver++) {
        char *argv[] = {(char *)bin, "-s", solver ? "1.1" : "1.2", "-q", "1", in, model, NULL};
        for (int i = 0; i < n; i++)
            if (run_process(argv, NULL, &t[i], &kib) != 0) {
                printf("hmm-scalable: %s failed\n", bin);
                goto out;
            }
        best_median(t, n, &best, &med);
        printf("hmm-scalable trainhmm -s %s (%s), one start, no forgetting: best %.3f s, median "
               "%.3f s, peak RSS %.1f MB\n",
               solver ? "1.1" : "1.2", solver ? "Baum-Welch" : "gradient descent, its default",
               best, med, (double)kib / 1024.0);
    }
    for (int i = 0; i < n; i++)
        t[i] = fit_once(d, 1, 1, false, &ll);
    best_median(t, n, &best, &med);
    printf("ours, one start, no forgetting, 1 thread: best %.3f s, median %.3f s", best, med);
    for (int i = 0; i < n; i++)
        t[i] = fit_once(d, 0, 1, false, &ll);
    best_median(t, n, &best, &med);
    printf("; %u threads: best %.3f s\n", model_online_cpus(), best);
out:
    (void)unlink(in);
    (void)unlink(model);
}

int main(int argc, char **argv)
{
    const char *data = argc > 1 ? argv[1] : getenv("TRELLIS_TEST_DATA");
    const char *bin = getenv("TRELLIS_BIN");
    struct kt_data d;
    struct rusage ru;

    const char *only = getenv("BENCH_ONLY");

    if (!data)
        data = "../shared/data";
    memset(&d, 0, sizeof(d));
    printf("bench_model: %u online CPUs, %d runs per figure\n", model_online_cpus(), runs());
    if (!only || strcmp(only, "bkt") == 0 || strcmp(only, "hmm") == 0) {
        bench_bkt(data, bin, &d);
        getrusage(RUSAGE_SELF, &ru);
        printf("  (this benchmark process so far: peak RSS %.1f MB)\n",
               (double)ru.ru_maxrss / 1024.0);
    }
    if (!only || strcmp(only, "update") == 0)
        bench_update();
    if (!only || strcmp(only, "hmm") == 0)
        bench_hmm_scalable(&d);
    if (!only || strcmp(only, "irt") == 0)
        bench_irt();
    kt_data_release(&d);
    return 0;
}

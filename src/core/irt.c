/*
 * Item response theory: MML/EM calibration and EAP scoring (see irt.h).
 *
 * E-step (Bock and Aitkin 1981): for every person, the posterior over the
 * quadrature nodes, from log P tables computed once per cycle; the
 * posterior is added to each answered item's expected counts per node. The
 * persons are split in parts with their own counts, summed afterwards.
 *
 * M-step: per item, Newton steps with step halving on the expected
 * complete-data log-likelihood, which is concave in (a, d) with
 * d = -a b (2PL) and in b (Rasch); for Rasch then sigma, the common slope
 * on the standard-normal scale.
 */
#include "core/irt.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <string.h>

#define QUAD_MAX 101
#define EAP_STEP 0.1 /* grid step for EAP, in units of sigma */
#define EAP_HALF 8.0 /* grid half-width, in units of sigma */
#define EAP_N    161 /* 2 * EAP_HALF / EAP_STEP + 1 */
#define FINE_N   161
#define TAB_MAX  (1u << 24) /* doubles in the EAP table at most (128 MiB); else direct */

/* log sigmoid(z) and log(1 - sigmoid(z)) = log sigmoid(-z), without overflow */
static double log_sigmoid(double z)
{
    return z >= 0 ? -log1p(exp(-z)) : z - log1p(exp(z));
}

static double sigmoid(double z)
{
    if (z >= 0)
        return 1.0 / (1.0 + exp(-z));
    double e = exp(z);
    return e / (1.0 + e);
}

/* ---- Gauss-Hermite ------------------------------------------------------------ */

/* Orthonormal probabilists' Hermite h_n(x) and h_{n-1}(x). */
static void hermite(unsigned n, double x, double *hn, double *hn1)
{
    double h0 = 0.0, h1 = 1.0; /* h_{-1}, h_0 */
    for (unsigned j = 0; j < n; j++) {
        double h2 = (x * h1 - sqrt((double)j) * h0) / sqrt((double)j + 1.0);
        h0 = h1;
        h1 = h2;
    }
    *hn = h1;
    *hn1 = h0;
}

int irt_gauss_hermite(unsigned n, double *ret_nodes, double *ret_weights)
{
    const double step = 1e-3;
    double lim, x, prev, cur, tmp;
    unsigned found = 0;

    if (n < 1 || n > QUAD_MAX || !ret_nodes || !ret_weights)
        return -EINVAL;
    /* every root lies within sqrt(4n + 2); scan for sign changes, then bisect */
    lim = sqrt(4.0 * n + 2.0) + 1.0;
    x = -lim;
    hermite(n, x, &prev, &tmp);
    while (x < lim && found < n) {
        double nx = x + step;
        hermite(n, nx, &cur, &tmp);
        if (cur == 0.0 || (cur < 0) != (prev < 0)) {
            double lo = x, hi = nx, flo = prev;
            for (int i = 0; i < 200 && hi - lo > 0; i++) {
                double mid = 0.5 * (lo + hi), fm, t;
                if (mid == lo || mid == hi)
                    break;
                hermite(n, mid, &fm, &t);
                if (fm == 0.0) {
                    lo = hi = mid;
                    break;
                }
                if ((fm < 0) == (flo < 0)) {
                    lo = mid;
                    flo = fm;
                } else {
                    hi = mid;
                }
            }
            ret_nodes[found++] = 0.5 * (lo + hi);
            hermite(n, nx, &cur, &tmp);
        }
        prev = cur;
        x = nx;
    }
    if (found != n)
        return -EINVAL; /* cannot happen for n <= QUAD_MAX */
    for (unsigned i = 0; i < n; i++) {
        double hn, hn1;
        hermite(n, ret_nodes[i], &hn, &hn1);
        ret_weights[i] = 1.0 / ((double)n * hn1 * hn1);
    }
    /* symmetrise (the rule is symmetric; this removes bisection noise) */
    for (unsigned i = 0; i < n / 2; i++) {
        double xm = 0.5 * (ret_nodes[n - 1 - i] - ret_nodes[i]);
        double wm = 0.5 * (ret_weights[i] + ret_weights[n - 1 - i]);
        ret_nodes[i] = -xm;
        ret_nodes[n - 1 - i] = xm;
        ret_weights[i] = ret_weights[n - 1 - i] = wm;
    }
    if (n % 2)
        ret_nodes[n / 2] = 0.0;
    return 0;
}

/* ---- checks and workspace --------------------------------------------------------- */

int irt_data_check(const struct irt_data *d)
{
    if (!d || !d->person_start || !d->item || !d->correct || d->n_persons == 0 || d->n_items == 0 ||
        d->n_resp == 0 || d->person_start[0] != 0 || d->person_start[d->n_persons] != d->n_resp)
        return -EINVAL;
    for (uint32_t p = 0; p < d->n_persons; p++)
        if (d->person_start[p + 1] < d->person_start[p])
            return -EINVAL;
    for (uint32_t k = 0; k < d->n_resp; k++)
        if (d->item[k] >= d->n_items || d->correct[k] > 1)
            return -EINVAL;
    return 0;
}

static int options_check(const struct irt_options *o)
{
    if (!o || (o->model != IRT_RASCH && o->model != IRT_2PL) || o->n_quad < 5 ||
        o->n_quad > QUAD_MAX || o->max_iter < 1 || !(o->tol > 0) || !(o->max_abs_b > 0) ||
        !(o->min_a > 0) || !(o->max_a > o->min_a) || o->parts < 1 || o->parts > IRT_MAX_PARTS)
        return -EINVAL;
    return 0;
}

struct layout {
    double *nodes, *weights, *logw; /* Q */
    double *lp;                     /* items x 2 x Q: log P(answer y | node) */
    double *acc;                    /* parts x items x 2 x Q: expected counts */
    double *ll;                     /* parts */
    double *scratch;                /* parts x (EAP_N + FINE_N + Q) */
    double *tab;                    /* items x 2 x EAP_N (EAP), or NULL when too large */
    double *cnt;                    /* items x 2: answers by value */
    double *sq;                     /* 5 x (2 items + 1): SQUAREM iterates */
    struct irt_item *tmp;           /* items: parameters of an iterate */
    size_t qs;                      /* Q rounded up to a multiple of 16: the row stride */
    size_t stride;                  /* items x 2 x qs */
};

#define ALIGN8(x) (((x) + 7u) & ~(size_t)7u)

static size_t layout(const struct irt_data *d, const struct irt_options *o, struct layout *l,
                     char *base)
{
    size_t q = (o->n_quad + 15) & ~(size_t)15, it = d->n_items, parts = o->parts, off = 0;
    size_t tab = it * 2 * EAP_N <= TAB_MAX ? it * 2 * EAP_N : 0;
    struct {
        double **p;
        size_t n;
    } parts_[] = {
        {&l->nodes, q},
        {&l->weights, q},
        {&l->logw, q},
        {&l->lp, it * 2 * q},
        {&l->tab, tab},
        {&l->acc, parts * it * 2 * q},
        {&l->ll, parts},
        {&l->scratch, parts * (EAP_N + FINE_N + q)},
        {&l->cnt, it * 2},
        {&l->sq, 5 * (2 * it + 1)},
        {(double **)&l->tmp, it * 2},
    };
    for (size_t i = 0; i < sizeof(parts_) / sizeof(parts_[0]); i++) {
        if (base)
            *parts_[i].p = (double *)(base + off);
        off += ALIGN8(parts_[i].n * sizeof(double));
    }
    if (!tab)
        l->tab = NULL;
    l->qs = q;
    l->stride = it * 2 * q;
    return off;
}

size_t irt_workspace_size(const struct irt_data *d, const struct irt_options *o)
{
    struct layout l;
    if (!d || options_check(o) < 0 || d->n_items > (1u << 24))
        return 0;
    return layout(d, o, &l, NULL) + 16;
}

static int carve(const struct irt_data *d, const struct irt_options *o, void *ws, size_t ws_size,
                 struct layout *l)
{
    size_t pad;
    if (!ws)
        return -ENOSPC;
    pad = (8 - ((uintptr_t)ws & 7u)) & 7u;
    if (ws_size < layout(d, o, l, NULL) + pad)
        return -ENOSPC;
    layout(d, o, l, (char *)ws + pad);
    return 0;
}

/* Run task over the parts, through the caller's runner if there is one. */
static void run_parts(const struct irt_options *o, void (*task)(void *, unsigned), void *arg)
{
    if (o->run && o->parts > 1) {
        o->run(o->run_ctx, o->parts, task, arg);
        return;
    }
    for (unsigned i = 0; i < o->parts; i++)
        task(arg, i);
}

static void person_range(const struct irt_data *d, unsigned parts, unsigned i, uint32_t *lo,
                         uint32_t *hi)
{
    *lo = (uint32_t)((uint64_t)d->n_persons * i / parts);
    *hi = (uint32_t)((uint64_t)d->n_persons * (i + 1) / parts);
}

/* ---- E-step ------------------------------------------------------------------------ */

struct estep {
    const struct irt_data *d;
    const struct irt_options *o;
    struct layout *l;
};

/*
 * Four doubles: one AVX register, or two SSE2 ones; loadable from any
 * 8-byte aligned address. (GCC vector extensions need no header.)
 */
typedef double v4d __attribute__((vector_size(32), aligned(8)));

/* Posterior weights below e^-45 of the largest (3e-20) count as 0. */
#define NEGLIGIBLE (-45.0)

/*
 * One person's posterior over the nodes, its answers' counts added to acc;
 * returns the person's log-likelihood. The rows have W doubles (padding has
 * log weight -inf and adds 0). With W a compile-time constant the node loop
 * runs on registers: per answer, W/2 vector loads and adds.
 */
static inline double person_fixed(const double *restrict lp, const double *restrict logw,
                                  double *restrict acc, const uint32_t *item,
                                  const uint8_t *correct, uint32_t k0, uint32_t k1, size_t W)
{
    v4d L[16]; /* W <= 64 */
    double post[64], mx = -INFINITY, s = 0, inv;
    const size_t V = W / 4;

    for (size_t v = 0; v < V; v++)
        memcpy(&L[v], logw + 4 * v, sizeof(v4d));
    /*
     * Sum the answers' rows 16 nodes at a time: four vectors stay in
     * registers across all the answers instead of being loaded and stored
     * for each one.
     */
    for (size_t c = 0; c < V; c += 4) {
        v4d a0 = L[c], a1 = L[c + 1], a2 = L[c + 2], a3 = L[c + 3];
        for (uint32_t k = k0; k < k1; k++) {
            const v4d *row = (const v4d *)(lp + ((size_t)item[k] * 2 + correct[k]) * W) + c;
            a0 += row[0];
            a1 += row[1];
            a2 += row[2];
            a3 += row[3];
        }
        L[c] = a0;
        L[c + 1] = a1;
        L[c + 2] = a2;
        L[c + 3] = a3;
    }
    memcpy(post, L, W * sizeof(double));
    for (size_t q = 0; q < W; q++)
        mx = post[q] > mx ? post[q] : mx;
    /*
     * Only the nodes where the posterior is not negligible get an exp() and
     * their counts: with many answers that is a narrow window.
     */
    size_t lo = W, hi = 0;
    for (size_t q = 0; q < W; q++) {
        if (post[q] - mx >= NEGLIGIBLE) {
            post[q] = exp(post[q] - mx);
            s += post[q];
            lo = q < lo ? q : lo;
            hi = q;
        } else {
            post[q] = 0.0;
        }
    }
    inv = 1.0 / s;
    const size_t vlo = lo / 4, vhi = hi / 4 + 1;
    for (size_t v = vlo; v < vhi; v++) {
        v4d x;
        memcpy(&x, post + 4 * v, sizeof(x));
        L[v] = x * inv;
    }
    for (uint32_t k = k0; k < k1; k++) {
        v4d *a = (v4d *)(acc + ((size_t)item[k] * 2 + correct[k]) * W);
        for (size_t v = vlo; v < vhi; v++)
            a[v] += L[v];
    }
    return mx + log(s);
}

/* The same for any width (scratch L of W doubles). */
static double person_any(const double *lp, const double *logw, double *acc, const uint32_t *item,
                         const uint8_t *correct, uint32_t k0, uint32_t k1, size_t W, double *L)
{
    double mx = -INFINITY, s = 0, inv;
    size_t lo = W, hi = 0;

    memcpy(L, logw, W * sizeof(double));
    for (uint32_t k = k0; k < k1; k++) {
        const double *row = lp + ((size_t)item[k] * 2 + correct[k]) * W;
        for (size_t q = 0; q < W; q++)
            L[q] += row[q];
    }
    for (size_t q = 0; q < W; q++)
        mx = L[q] > mx ? L[q] : mx;
    for (size_t q = 0; q < W; q++) {
        if (L[q] - mx >= NEGLIGIBLE) {
            L[q] = exp(L[q] - mx);
            s += L[q];
            lo = q < lo ? q : lo;
            hi = q;
        } else {
            L[q] = 0.0;
        }
    }
    inv = 1.0 / s;
    for (size_t q = lo; q <= hi; q++)
        L[q] *= inv;
    for (uint32_t k = k0; k < k1; k++) {
        double *a = acc + ((size_t)item[k] * 2 + correct[k]) * W;
        for (size_t q = lo; q <= hi; q++)
            a[q] += L[q];
    }
    return mx + log(s);
}

static void estep_part(void *arg, unsigned part)
{
    const struct estep *e = arg;
    const struct irt_data *d = e->d;
    const size_t QS = e->l->qs;
    const double *lp = e->l->lp, *logw = e->l->logw;
    double *acc = e->l->acc + part * e->l->stride;
    double *L = e->l->scratch + part * (EAP_N + FINE_N + QS);
    double ll = 0;
    uint32_t lo, hi;

    memset(acc, 0, e->l->stride * sizeof(double));
    person_range(d, e->o->parts, part, &lo, &hi);
    for (uint32_t p = lo; p < hi; p++) {
        uint32_t k0 = d->person_start[p], k1 = d->person_start[p + 1];
        if (k0 == k1)
            continue;
        /* the common widths get their own unrolled copy */
        if (QS == 16)
            ll += person_fixed(lp, logw, acc, d->item, d->correct, k0, k1, 16);
        else if (QS == 32)
            ll += person_fixed(lp, logw, acc, d->item, d->correct, k0, k1, 32);
        else if (QS == 48)
            ll += person_fixed(lp, logw, acc, d->item, d->correct, k0, k1, 48);
        else if (QS == 64)
            ll += person_fixed(lp, logw, acc, d->item, d->correct, k0, k1, 64);
        else
            ll += person_any(lp, logw, acc, d->item, d->correct, k0, k1, QS, L);
    }
    e->l->ll[part] = ll;
}

/* Fill the log P tables for the current items at nodes theta_q = sigma x_q. */
static void fill_lp(const struct irt_data *d, const struct irt_options *o, struct layout *l,
                    const struct irt_item *items, double sigma)
{
    size_t Q = o->n_quad, QS = l->qs;
    for (uint32_t i = 0; i < d->n_items; i++) {
        double *r0 = l->lp + (size_t)i * 2 * QS, *r1 = r0 + QS;
        for (size_t q = 0; q < QS; q++) {
            double z = items[i].a * (sigma * l->nodes[q] - items[i].b);
            r1[q] = q < Q ? log_sigmoid(z) : 0.0;
            r0[q] = q < Q ? log_sigmoid(-z) : 0.0;
        }
    }
}

/* E-step: expected counts summed into part 0's slice; returns the log-likelihood. */
static double estep(const struct irt_data *d, const struct irt_options *o, struct layout *l,
                    const struct irt_item *items, double sigma)
{
    struct estep e = {d, o, l};
    double ll = 0;

    fill_lp(d, o, l, items, sigma);
    run_parts(o, estep_part, &e);
    for (unsigned p = 0; p < o->parts; p++)
        ll += l->ll[p];
    for (unsigned p = 1; p < o->parts; p++) {
        const double *src = l->acc + p * l->stride;
        for (size_t j = 0; j < l->stride; j++)
            l->acc[j] += src[j];
    }
    return ll;
}

/* ---- M-step ------------------------------------------------------------------------ */

/* Expected complete-data log-likelihood of one item with slope a, intercept c at nodes t. */
static double item_q(const double *n0, const double *n1, const double *t, size_t Q, double a,
                     double c)
{
    double s = 0;
    for (size_t q = 0; q < Q; q++) {
        double z = a * t[q] + c;
        s += n1[q] * log_sigmoid(z) + n0[q] * log_sigmoid(-z);
    }
    return s;
}

/* Keep (a, c) inside the bounds: a in [min_a, max_a], b = -c / a within +-max_abs_b. */
static void project(const struct irt_options *o, bool fix_a, double *a, double *c)
{
    if (!fix_a)
        *a = *a < o->min_a ? o->min_a : (*a > o->max_a ? o->max_a : *a);
    double lim = o->max_abs_b * (fix_a ? 1.0 : *a); /* Rasch: b = -c; 2PL: b = -c / a */
    *c = *c < -lim ? -lim : (*c > lim ? lim : *c);
}

/*
 * Maximise one item's expected log-likelihood over slope a (unless fixed)
 * and intercept c, where P = sigmoid(a t + c), by Newton with step halving.
 */
static void item_newton(const struct irt_options *o, const double *n0, const double *n1,
                        const double *t, size_t Q, bool fix_a, double *a, double *c)
{
    double f = item_q(n0, n1, t, Q, *a, *c);
    for (int it = 0; it < 50; it++) {
        double ga = 0, gc = 0, haa = 0, hac = 0, hcc = 0, da, dc, det;
        for (size_t q = 0; q < Q; q++) {
            double n = n0[q] + n1[q], p = sigmoid(*a * t[q] + *c), w = n * p * (1 - p);
            double r = n1[q] - n * p;
            ga += r * t[q];
            gc += r;
            haa += w * t[q] * t[q];
            hac += w * t[q];
            hcc += w;
        }
        if (fix_a) {
            if (!(hcc > 0))
                break;
            da = 0;
            dc = gc / hcc;
        } else {
            det = haa * hcc - hac * hac;
            if (!(det > 1e-300 * (haa + hcc + 1)))
                break;
            da = (hcc * ga - hac * gc) / det;
            dc = (haa * gc - hac * ga) / det;
        }
        double step = 1.0, na = *a, nc = *c, nf = f;
        for (int h = 0; h < 40; h++) {
            na = *a + step * da;
            nc = *c + step * dc;
            project(o, fix_a, &na, &nc);
            nf = item_q(n0, n1, t, Q, na, nc);
            if (nf >= f)
                break;
            step *= 0.5;
        }
        if (!(nf >= f))
            break;
        double moved = fabs(na - *a) + fabs(nc - *c);
        *a = na;
        *c = nc;
        f = nf;
        if (moved < 1e-10)
            break;
    }
}

/* Rasch: the common slope sigma given the difficulties, by Newton with step halving. */
static double rasch_sigma(const struct irt_data *d, const struct irt_options *o,
                          const struct layout *l, const struct irt_item *items, double sigma)
{
    size_t Q = o->n_quad;
    double f = 0;
    for (uint32_t i = 0; i < d->n_items; i++) {
        const double *n0 = l->acc + (size_t)i * 2 * l->qs, *n1 = n0 + l->qs;
        f += item_q(n0, n1, l->nodes, Q, sigma, -items[i].b);
    }
    for (int it = 0; it < 50; it++) {
        double g = 0, h = 0, nf = 0, ns = sigma, step = 1;
        for (uint32_t i = 0; i < d->n_items; i++) {
            const double *n0 = l->acc + (size_t)i * 2 * l->qs, *n1 = n0 + l->qs;
            for (size_t q = 0; q < Q; q++) {
                double n = n0[q] + n1[q], p = sigmoid(sigma * l->nodes[q] - items[i].b);
                g += (n1[q] - n * p) * l->nodes[q];
                h += n * p * (1 - p) * l->nodes[q] * l->nodes[q];
            }
        }
        if (!(h > 0))
            break;
        for (int k = 0; k < 40; k++) {
            ns = sigma + step * g / h;
            ns = ns < 1e-3 ? 1e-3 : (ns > 50 ? 50 : ns);
            nf = 0;
            for (uint32_t i = 0; i < d->n_items; i++) {
                const double *n0 = l->acc + (size_t)i * 2 * l->qs, *n1 = n0 + l->qs;
                nf += item_q(n0, n1, l->nodes, Q, ns, -items[i].b);
            }
            if (nf >= f)
                break;
            step *= 0.5;
        }
        if (!(nf >= f))
            break;
        double moved = fabs(ns - sigma);
        sigma = ns;
        f = nf;
        if (moved < 1e-10)
            break;
    }
    return sigma;
}

/* ---- calibration ---------------------------------------------------------------- */

/*
 * One EM step on the vector x = (a_1 .. a_I, b_1 .. b_I, sigma): the E-step
 * at x (its log-likelihood is returned), then per-item Newton M-steps
 * (and, for Rasch, sigma) from x into out.
 */
static double em_map(const struct irt_data *d, const struct irt_options *o, struct layout *l,
                     const double *x, double *out)
{
    const uint32_t I = d->n_items;
    const size_t Q = o->n_quad;
    double sigma = x[2 * (size_t)I], ll;

    for (uint32_t i = 0; i < I; i++)
        l->tmp[i] = (struct irt_item){x[i], x[I + i]};
    ll = estep(d, o, l, l->tmp, sigma);
    memcpy(out, x, (2 * (size_t)I + 1) * sizeof(double));
    for (uint32_t i = 0; i < I; i++) {
        const double *n0 = l->acc + (size_t)i * 2 * l->qs, *n1 = n0 + l->qs;
        double tot = 0, a = x[i], c;
        for (size_t q = 0; q < Q; q++)
            tot += n0[q] + n1[q];
        if (!(tot > 0))
            continue;
        if (o->model == IRT_RASCH) {
            /* P = sigmoid(sigma x - b): slope sigma fixed here, intercept -b */
            c = -x[I + i];
            item_newton(o, n0, n1, l->nodes, Q, true, &sigma, &c);
            out[I + i] = -c;
        } else {
            c = -a * x[I + i];
            item_newton(o, n0, n1, l->nodes, Q, false, &a, &c);
            out[i] = a;
            out[I + i] = -c / a;
        }
        l->tmp[i] = (struct irt_item){out[i], out[I + i]};
    }
    if (o->model == IRT_RASCH)
        out[2 * (size_t)I] = rasch_sigma(d, o, l, l->tmp, sigma);
    return ll;
}

static double max_diff(const double *a, const double *b, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++)
        m = fmax(m, fabs(a[i] - b[i]));
    return m;
}

/* Keep an extrapolated iterate inside the bounds. */
static void project_vec(const struct irt_data *d, const struct irt_options *o, double *x)
{
    const uint32_t I = d->n_items;
    for (uint32_t i = 0; i < I; i++) {
        x[i] = o->model == IRT_RASCH ? 1.0 : fmin(fmax(x[i], o->min_a), o->max_a);
        x[I + i] = fmin(fmax(x[I + i], -o->max_abs_b), o->max_abs_b);
    }
    x[2 * (size_t)I] = o->model == IRT_RASCH ? fmin(fmax(x[2 * (size_t)I], 1e-3), 50) : 1.0;
}

static void trace_add(const struct irt_options *o, unsigned *len, double ll)
{
    if (o->trace && *len < o->trace_cap)
        o->trace[*len] = ll;
    (*len)++;
}

int irt_fit(const struct irt_data *d, const struct irt_options *o, void *ws, size_t ws_size,
            struct irt_item *ret_items, struct irt_fit_info *ret_info)
{
    struct layout l;
    size_t Q;
    double sigma = 1.0, ll = -INFINITY;
    unsigned it, tr_len = 0;
    bool converged = false;
    int r;

    if (!ret_items || !ret_info)
        return -EINVAL;
    if ((r = irt_data_check(d)) < 0 || (r = options_check(o)) < 0)
        return r;
    if ((r = carve(d, o, ws, ws_size, &l)) < 0)
        return r;
    Q = o->n_quad;
    irt_gauss_hermite(o->n_quad, l.nodes, l.weights);
    for (size_t q = 0; q < l.qs; q++) {
        if (q >= Q)
            l.nodes[q] = l.weights[q] = 0.0; /* padding: weight 0, log weight -inf */
        l.logw[q] = q < Q ? log(l.weights[q]) : -INFINITY;
    }

    /* start: a = 1, b from the share right */
    memset(l.cnt, 0, (size_t)d->n_items * 2 * sizeof(double));
    for (uint32_t k = 0; k < d->n_resp; k++)
        l.cnt[(size_t)d->item[k] * 2 + d->correct[k]] += 1;
    for (uint32_t i = 0; i < d->n_items; i++) {
        double n0 = l.cnt[2 * i], n1 = l.cnt[2 * i + 1], p = (n1 + 0.5) / (n0 + n1 + 1);
        ret_items[i].a = 1.0;
        ret_items[i].b = -log(p / (1 - p));
    }

    /* iterate x = (a_1 .. a_I, b_1 .. b_I, sigma) */
    size_t nv = 2 * (size_t)d->n_items + 1;
    double *x0 = l.sq, *x1 = x0 + nv, *x2 = x1 + nv, *xp = x2 + nv, *xn = xp + nv;
    for (uint32_t i = 0; i < d->n_items; i++) {
        x0[i] = ret_items[i].a;
        x0[d->n_items + i] = ret_items[i].b;
    }
    x0[nv - 1] = 1.0;
    it = 0;
    while (it < o->max_iter) {
        double ll0, ll1, llp, rr = 0, vv = 0, alpha;
        ll0 = em_map(d, o, &l, x0, x1);
        it++;
        trace_add(o, &tr_len, ll0);
        if (max_diff(x0, x1, nv) < o->tol) {
            converged = true;
            memcpy(x0, x1, nv * sizeof(double));
            break;
        }
        if (it >= o->max_iter) {
            memcpy(x0, x1, nv * sizeof(double));
            break;
        }
        ll1 = em_map(d, o, &l, x1, x2);
        it++;
        trace_add(o, &tr_len, ll1);
        if (max_diff(x1, x2, nv) < o->tol || it >= o->max_iter) {
            converged = max_diff(x1, x2, nv) < o->tol;
            memcpy(x0, x2, nv * sizeof(double));
            break;
        }
        /* SQUAREM (scheme S3, as for BKT): extrapolate, keep it if the likelihood did not drop */
        for (size_t j = 0; j < nv; j++) {
            double dr = x1[j] - x0[j], dv = x2[j] - 2 * x1[j] + x0[j];
            rr += dr * dr;
            vv += dv * dv;
        }
        if (!(vv > 0)) {
            memcpy(x0, x2, nv * sizeof(double));
            continue;
        }
        alpha = fmin(-sqrt(rr / vv), -1.0);
        for (size_t j = 0; j < nv; j++) {
            double dr = x1[j] - x0[j], dv = x2[j] - 2 * x1[j] + x0[j];
            xp[j] = x0[j] - 2 * alpha * dr + alpha * alpha * dv;
        }
        project_vec(d, o, xp);
        llp = em_map(d, o, &l, xp, xn);
        it++;
        if (llp >= ll1) {
            trace_add(o, &tr_len, llp);
            memcpy(x0, xn, nv * sizeof(double));
        } else {
            memcpy(x0, x2, nv * sizeof(double));
        }
    }
    sigma = x0[nv - 1];
    for (uint32_t i = 0; i < d->n_items; i++) {
        ret_items[i].a = x0[i];
        ret_items[i].b = x0[d->n_items + i];
    }
    ll = estep(d, o, &l, ret_items, sigma); /* the likelihood at the estimates */

    memset(ret_info, 0, sizeof(*ret_info));
    for (uint32_t i = 0; i < d->n_items; i++) {
        if (o->model == IRT_RASCH)
            ret_items[i].a = 1.0;
        bool at_a = o->model == IRT_2PL && (ret_items[i].a <= o->min_a * (1 + 1e-9) ||
                                            ret_items[i].a >= o->max_a * (1 - 1e-9));
        if (at_a || fabs(ret_items[i].b) >= o->max_abs_b * (1 - 1e-9))
            ret_info->n_bounded++;
    }
    for (uint32_t i = 0; i < d->n_items; i++) {
        double n = l.cnt[2 * i] + l.cnt[2 * i + 1];
        if (n == 0) {
            ret_items[i].a = 1.0;
            ret_items[i].b = 0.0;
        }
    }
    ret_info->loglik = ll;
    ret_info->sigma = o->model == IRT_RASCH ? sigma : 1.0;
    ret_info->iterations = it;
    ret_info->converged = converged;
    ret_info->trace_len = tr_len < o->trace_cap ? tr_len : o->trace_cap;
    return 0;
}

/* ---- EAP ---------------------------------------------------------------------------- */

struct eap {
    const struct irt_data *d;
    const struct irt_options *o;
    const struct irt_item *items;
    struct layout *l;
    double sigma;
    double *theta, *se;
};

/* Posterior mean and sd on grid points g0 + i h (i < n) from log posterior values L. */
static void grid_moments(double *L, size_t n, double g0, double h, double *mean, double *sd)
{
    double mx = -INFINITY, s = 0, m1 = 0, m2 = 0;
    for (size_t i = 0; i < n; i++)
        mx = L[i] > mx ? L[i] : mx;
    for (size_t i = 0; i < n; i++) {
        double w = exp(L[i] - mx), t = g0 + (double)i * h;
        s += w;
        m1 += w * t;
        m2 += w * t * t;
    }
    *mean = m1 / s;
    double v = m2 / s - *mean * *mean;
    *sd = v > 0 ? sqrt(v) : 0;
}

static void eap_part(void *arg, unsigned part)
{
    const struct eap *e = arg;
    const struct irt_data *d = e->d;
    const double sg = e->sigma, g0 = -EAP_HALF * sg;
    double *L = e->l->scratch + part * (EAP_N + FINE_N + e->l->qs), *F = L + EAP_N;
    uint32_t lo, hi;

    person_range(d, e->o->parts, part, &lo, &hi);
    for (uint32_t p = lo; p < hi; p++) {
        uint32_t k0 = d->person_start[p], k1 = d->person_start[p + 1];
        double mean, sd, h = EAP_STEP * sg;
        if (k0 == k1) {
            e->theta[p] = 0.0;
            e->se[p] = sg;
            continue;
        }
        for (size_t g = 0; g < EAP_N; g++) {
            double t = g0 + (double)g * h;
            L[g] = -0.5 * (t / sg) * (t / sg);
        }
        for (uint32_t k = k0; k < k1; k++) {
            if (e->l->tab) {
                const double *row = e->l->tab + ((size_t)d->item[k] * 2 + d->correct[k]) * EAP_N;
                for (size_t g = 0; g < EAP_N; g++)
                    L[g] += row[g];
            } else {
                const struct irt_item *it = &e->items[d->item[k]];
                for (size_t g = 0; g < EAP_N; g++) {
                    double z = it->a * (g0 + (double)g * h - it->b);
                    L[g] += log_sigmoid(d->correct[k] ? z : -z);
                }
            }
        }
        grid_moments(L, EAP_N, g0, h, &mean, &sd);
        /*
         * The trapezoid rule on a smooth bell-shaped integrand errs by about
         * exp(-2 pi^2 (sd / h)^2): 3e-9 at sd = h. Refine only below 1.5 h.
         */
        /*
         * A narrow posterior: a finer grid around the mean, evaluated
         * directly, over +-8 sd but never narrower than +-2 steps of the grid
         * before (the sd measured on a grid too coarse is not to be
         * trusted); again while the posterior stays narrow for the grid.
         */
        for (int pass = 0; pass < 8 && sd < 1.5 * h; pass++) {
            double half = fmax(8.0 * sd, 2.0 * h), fh = 2.0 * half / (FINE_N - 1);
            double f0 = mean - half;
            for (size_t g = 0; g < FINE_N; g++) {
                double t = f0 + (double)g * fh;
                F[g] = -0.5 * (t / sg) * (t / sg);
            }
            for (uint32_t k = k0; k < k1; k++) {
                const struct irt_item *it = &e->items[d->item[k]];
                for (size_t g = 0; g < FINE_N; g++) {
                    double z = it->a * (f0 + (double)g * fh - it->b);
                    F[g] += log_sigmoid(d->correct[k] ? z : -z);
                }
            }
            grid_moments(F, FINE_N, f0, fh, &mean, &sd);
            h = fh;
        }
        e->theta[p] = mean;
        e->se[p] = sd;
    }
}

int irt_eap(const struct irt_data *d, const struct irt_item *items, double sigma,
            const struct irt_options *o, void *ws, size_t ws_size, double *ret_theta,
            double *ret_se)
{
    struct layout l;
    struct eap e;
    int r;

    if (!items || !ret_theta || !ret_se || !(sigma > 0) || !isfinite(sigma))
        return -EINVAL;
    if ((r = irt_data_check(d)) < 0 || (r = options_check(o)) < 0)
        return r;
    for (uint32_t i = 0; i < d->n_items; i++)
        if (!isfinite(items[i].a) || !isfinite(items[i].b) || !(items[i].a > 0))
            return -EINVAL;
    if ((r = carve(d, o, ws, ws_size, &l)) < 0)
        return r;
    /* log P tables on the grid -8 sigma .. 8 sigma, step 0.1 sigma */
    for (uint32_t i = 0; l.tab && i < d->n_items; i++) {
        double *r0 = l.tab + (size_t)i * 2 * EAP_N, *r1 = r0 + EAP_N;
        for (size_t g = 0; g < EAP_N; g++) {
            double z = items[i].a * ((-EAP_HALF + (double)g * EAP_STEP) * sigma - items[i].b);
            r1[g] = log_sigmoid(z);
            r0[g] = log_sigmoid(-z);
        }
    }
    e = (struct eap){d, o, items, &l, sigma, ret_theta, ret_se};
    run_parts(o, eap_part, &e);
    return 0;
}

/*
 * Bayesian Knowledge Tracing: online update and EM fitting (see bkt.h).
 *
 * The E-step works on a prefix tree of the sequences. Sequences that share
 * a prefix share its forward variables; the backward pass sums, per node,
 * the scaled backward vectors of every sequence through it, which obey the
 * same recursion (it is linear), so one sweep over the nodes gives the
 * expected counts of all sequences at once. Nodes are stored in depth
 * order, so a node's parent always comes first and the nodes of one level
 * do not depend on each other (the loops pipeline well).
 *
 * Notation: alpha_hat(v) = (q[v], p[v]) is P(state | answers up to v),
 * c[v] = P(answer at v | answers before it), B(v) is the sum over sequences
 * through v of their scaled backward vectors. See Rabiner (1989), "A
 * tutorial on hidden Markov models", section V.A for scaling.
 *
 * p[v] and q[v] (mastered, not mastered) are both carried, and both come
 * out of sums of positive products, never as 1 minus the other: on a long
 * run of correct answers q falls below 1e-16 while p rounds to 1, and
 * 1 - p would make it 0 (after which wrong answers could not raise it).
 */
#include "core/bkt.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include "core/rng.h"

#define P_MIN      1e-6
#define P_MAX      (1.0 - 1e-6)
#define SCALE_LOW  1e-250
#define SCALE_UP   1e250
#define LN_SCALEUP 575.64627324851142 /* log(1e250) */
#define LF_MAX     (1.0 - 1e-6)       /* learn + forget at most this */

static bool is_prob(double x)
{
    return x >= 0.0 && x <= 1.0; /* false for NaN */
}

int bkt_params_check(const struct bkt_params *p)
{
    if (!p || !is_prob(p->prior) || !is_prob(p->learn) || !is_prob(p->forget) ||
        !is_prob(p->guess) || !is_prob(p->slip) || !(p->guess + p->slip < 1.0) ||
        !(p->learn + p->forget <= 1.0))
        return -EINVAL;
    return 0;
}

int bkt_state_check(const struct bkt_state *st)
{
    if (!st || !is_prob(st->mastered) || !is_prob(st->unmastered) ||
        !(fabs(st->mastered + st->unmastered - 1.0) <= 1e-9))
        return -EINVAL;
    return 0;
}

int bkt_update_gs(struct bkt_state *st, bool correct, double guess, double slip, double learn,
                  double forget)
{
    double a1, a0, sum, n1, n0;

    if (bkt_state_check(st) < 0 || !is_prob(guess) || !is_prob(slip) || !is_prob(learn) ||
        !is_prob(forget))
        return -EINVAL;
    /* Bayes' rule: the joint probabilities of each state and the answer */
    a1 = st->mastered * (correct ? 1.0 - slip : slip);
    a0 = st->unmastered * (correct ? guess : 1.0 - guess);
    sum = a1 + a0;
    if (!(sum > 0.0))
        return -EINVAL; /* an answer the model calls impossible */
    /* the transition, on the unnormalised posterior; one division at the end */
    n1 = a1 * (1.0 - forget) + a0 * learn;
    n0 = a0 * (1.0 - learn) + a1 * forget;
    sum = n1 + n0;
    if (!(sum > 0.0) || !isfinite(sum))
        return -EINVAL;
    st->mastered = n1 / sum;
    st->unmastered = n0 / sum;
    return 0;
}

int bkt_update(const struct bkt_params *p, struct bkt_state *st, bool correct)
{
    if (!p)
        return -EINVAL;
    return bkt_update_gs(st, correct, p->guess, p->slip, p->learn, p->forget);
}

void bkt_model_emission(const struct bkt_model *m, uint32_t item, double *ret_guess,
                        double *ret_slip)
{
    if (m->n_items > 0 && item < m->n_items && m->item_guess && m->item_slip) {
        *ret_guess = m->item_guess[item];
        *ret_slip = m->item_slip[item];
    } else {
        *ret_guess = m->p.guess;
        *ret_slip = m->p.slip;
    }
}

double bkt_model_prior(const struct bkt_model *m, int cls)
{
    if (m->has_classes && (cls == 0 || cls == 1))
        return m->class_prior[cls];
    return m->p.prior;
}

int bkt_seqs_check(const struct bkt_seqs *s)
{
    if (!s || !s->correct || !s->seq_start || s->n_answers == 0 || s->n_seqs == 0 ||
        s->n_seqs > s->n_answers || s->seq_start[0] != 0 || s->seq_start[s->n_seqs] != s->n_answers)
        return -EINVAL;
    for (uint32_t i = 0; i < s->n_seqs; i++)
        if (s->seq_start[i + 1] <= s->seq_start[i])
            return -EINVAL; /* empty or decreasing */
    for (uint32_t i = 0; i < s->n_answers; i++)
        if (s->correct[i] > 1)
            return -EINVAL;
    if (s->item) {
        if (s->n_items == 0)
            return -EINVAL;
        for (uint32_t i = 0; i < s->n_answers; i++)
            if (s->item[i] >= s->n_items)
                return -EINVAL;
    }
    if (s->seq_class)
        for (uint32_t i = 0; i < s->n_seqs; i++)
            if (s->seq_class[i] > 1)
                return -EINVAL;
    return 0;
}

/* ---- workspace ---------------------------------------------------------- */

/* The prefix tree and the per-node arrays of one E-step, carved out of the workspace. */
struct trie {
    uint32_t n_nodes;
    uint32_t n1;          /* nodes at depth 1 come first; their parent[] holds the class */
    uint32_t n_term;      /* nodes where at least one sequence ends */
    uint32_t n_sym_items; /* items the symbols index (1 without KT-IDEM) */
    uint32_t *parent;
    uint32_t *sym; /* correct | item << 1 */
    uint32_t *term;
    double *nend; /* sequences ending at the node */
    double *p;    /* P(mastered | answers up to and including this node's) */
    double *q;    /* P(not mastered | the same), carried apart from p */
    double *ic;   /* 1 / c: inverse of P(this answer | earlier answers) */
    double *cum;  /* product of c along the path, rescaled by 1e250 steps */
    int32_t *k;   /* the number of rescalings */
    double *b0, *b1;
    /* build scratch */
    uint32_t *ord, *tmp, *path, *raw_parent, *raw_sym, *raw_depth, *raw_end, *level, *newid;
    /* per item emission parameters and expected counts */
    double *g, *s, *cnt;
    const struct bkt_seqs *seqs;
    bool items; /* symbols carry the item */
};

#define ALIGN8(x) (((x) + 7u) & ~(size_t)7u)

static size_t ws_layout(const struct bkt_seqs *s, uint32_t n_items, struct trie *t, char *base)
{
    size_t n = s->n_answers, q = s->n_seqs, it = n_items ? n_items : 1, off = 0;
    struct {
        void **ptr;
        size_t bytes;
    } parts[] = {
        {(void **)&t->parent, n * 4},      {(void **)&t->sym, n * 4},
        {(void **)&t->term, n * 4},        {(void **)&t->nend, n * 8},
        {(void **)&t->p, n * 8},           {(void **)&t->q, n * 8},
        {(void **)&t->ic, n * 8},          {(void **)&t->cum, n * 8},
        {(void **)&t->k, n * 4},           {(void **)&t->b0, n * 8},
        {(void **)&t->b1, n * 8},          {(void **)&t->ord, q * 4},
        {(void **)&t->tmp, q * 4},         {(void **)&t->path, (n + 1) * 4},
        {(void **)&t->raw_parent, n * 4},  {(void **)&t->raw_sym, n * 4},
        {(void **)&t->raw_depth, n * 4},   {(void **)&t->raw_end, n * 4},
        {(void **)&t->level, (n + 2) * 4}, {(void **)&t->newid, n * 4},
        {(void **)&t->g, it * 8},          {(void **)&t->s, it * 8},
        {(void **)&t->cnt, it * 4 * 8},
    };
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        if (base)
            *parts[i].ptr = base + off;
        off += ALIGN8(parts[i].bytes);
    }
    return off;
}

size_t bkt_workspace_size(const struct bkt_seqs *s, const struct bkt_fit_options *o)
{
    struct trie t;
    (void)o;
    if (!s || s->n_answers >= UINT32_MAX / 8)
        return 0;
    return ws_layout(s, s->n_items, &t, NULL) + 64;
}

static int ws_carve(const struct bkt_seqs *s, uint32_t n_items, void *ws, size_t ws_size,
                    struct trie *t)
{
    char *base = ws;
    size_t need, pad;

    memset(t, 0, sizeof(*t));
    if (!ws)
        return -ENOSPC;
    pad = (8 - ((uintptr_t)base & 7u)) & 7u;
    need = ws_layout(s, n_items, t, NULL) + pad;
    if (ws_size < need)
        return -ENOSPC;
    ws_layout(s, n_items, t, base + pad);
    t->seqs = s;
    return 0;
}

/* ---- building the prefix tree ------------------------------------------- */

static inline uint32_t sym_at(const struct bkt_seqs *s, bool items, uint32_t i)
{
    return (uint32_t)s->correct[i] | (items ? s->item[i] << 1 : 0u);
}

static inline uint32_t cls_of(const struct bkt_seqs *s, uint32_t q)
{
    return s->seq_class ? s->seq_class[q] : 0u;
}

/* <0, 0, >0: class first, then the symbols; a proper prefix sorts first. */
static int seq_cmp(const struct bkt_seqs *s, bool items, uint32_t a, uint32_t b)
{
    uint32_t ca = cls_of(s, a), cb = cls_of(s, b);
    uint32_t ia = s->seq_start[a], ea = s->seq_start[a + 1];
    uint32_t ib = s->seq_start[b], eb = s->seq_start[b + 1];

    if (ca != cb)
        return ca < cb ? -1 : 1;
    for (; ia < ea && ib < eb; ia++, ib++) {
        uint32_t x = sym_at(s, items, ia), y = sym_at(s, items, ib);
        if (x != y)
            return x < y ? -1 : 1;
    }
    if (ia < ea)
        return 1;
    if (ib < eb)
        return -1;
    return 0;
}

/* Bottom-up merge sort of t->ord (stable; t->tmp is scratch). */
static void sort_seqs(struct trie *t, bool items)
{
    const struct bkt_seqs *s = t->seqs;
    uint32_t n = s->n_seqs, *a = t->ord, *b = t->tmp;

    for (uint32_t i = 0; i < n; i++)
        a[i] = i;
    for (uint32_t w = 1; w < n; w *= 2) {
        for (uint32_t lo = 0; lo < n; lo += 2 * w) {
            uint32_t mid = lo + w < n ? lo + w : n;
            uint32_t hi = lo + 2 * w < n ? lo + 2 * w : n;
            uint32_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                b[k++] = seq_cmp(s, items, a[j], a[i]) < 0 ? a[j++] : a[i++];
            while (i < mid)
                b[k++] = a[i++];
            while (j < hi)
                b[k++] = a[j++];
        }
        uint32_t *x = a;
        a = b;
        b = x;
    }
    if (a != t->ord)
        memcpy(t->ord, a, (size_t)n * sizeof(*a));
}

static void build_trie(struct trie *t, bool items)
{
    const struct bkt_seqs *s = t->seqs;
    uint32_t n_nodes = 0, max_depth = 0, prev = UINT32_MAX;

    t->items = items;
    sort_seqs(t, items);
    for (uint32_t oi = 0; oi < s->n_seqs; oi++) {
        uint32_t q = t->ord[oi], st = s->seq_start[q], len = s->seq_start[q + 1] - st;
        uint32_t lcp = 0;
        if (prev != UINT32_MAX && cls_of(s, prev) == cls_of(s, q)) {
            uint32_t pst = s->seq_start[prev], plen = s->seq_start[prev + 1] - pst;
            while (lcp < len && lcp < plen &&
                   sym_at(s, items, st + lcp) == sym_at(s, items, pst + lcp))
                lcp++;
        }
        for (uint32_t d = lcp; d < len; d++) {
            uint32_t v = n_nodes++;
            t->raw_parent[v] = d == 0 ? cls_of(s, q) : t->path[d - 1];
            t->raw_sym[v] = sym_at(s, items, st + d);
            t->raw_depth[v] = d + 1;
            t->raw_end[v] = 0;
            t->path[d] = v;
        }
        t->raw_end[t->path[len - 1]]++;
        if (len > max_depth)
            max_depth = len;
        prev = q;
    }
    /* counting sort by depth (stable), so parents precede children */
    memset(t->level, 0, ((size_t)max_depth + 2) * sizeof(uint32_t));
    for (uint32_t v = 0; v < n_nodes; v++)
        t->level[t->raw_depth[v] + 1]++;
    for (uint32_t d = 1; d <= max_depth + 1; d++)
        t->level[d] += t->level[d - 1];
    for (uint32_t v = 0; v < n_nodes; v++)
        t->newid[v] = t->level[t->raw_depth[v]]++;
    t->n_term = 0;
    t->n1 = 0;
    for (uint32_t v = 0; v < n_nodes; v++) {
        uint32_t w = t->newid[v];
        bool top = t->raw_depth[v] == 1;
        t->parent[w] = top ? t->raw_parent[v] : t->newid[t->raw_parent[v]];
        t->sym[w] = t->raw_sym[v];
        t->nend[w] = (double)t->raw_end[v];
        if (top)
            t->n1++;
    }
    for (uint32_t w = 0; w < n_nodes; w++)
        if (t->nend[w] > 0)
            t->term[t->n_term++] = w;
    t->n_nodes = n_nodes;
}

/* ---- E-step --------------------------------------------------------------- */

/* Everything the E-step reads besides the tree. */
struct em_params {
    double prior[2];
    double learn, forget;
};

/* Forward pass: fills p, q, ic, cum, k; returns the log-likelihood. */
static double forward(struct trie *t, const struct em_params *e)
{
    const double l = e->learn, f = e->forget, nl = 1.0 - e->learn, nf = 1.0 - e->forget;
    const double *g = t->g, *s = t->s;
    double ll = 0.0;

    for (uint32_t v = 0; v < t->n1; v++) {
        double pp = e->prior[t->parent[v]],
               qq = 1.0 - pp; /* a fitted prior is within [P_MIN, P_MAX] */
        uint32_t o = t->sym[v] & 1u, it = t->sym[v] >> 1;
        double e1 = o ? 1.0 - s[it] : s[it], e0 = o ? g[it] : 1.0 - g[it];
        double a1 = pp * e1, a0 = qq * e0, c = a1 + a0, ic = 1.0 / c;
        t->p[v] = a1 * ic;
        t->q[v] = a0 * ic;
        t->ic[v] = ic;
        t->cum[v] = c;
        t->k[v] = 0;
    }
    for (uint32_t v = t->n1; v < t->n_nodes; v++) {
        uint32_t u = t->parent[v];
        double pu = t->p[u], qu = t->q[u];
        double pp = pu * nf + qu * l, qq = qu * nl + pu * f;
        uint32_t o = t->sym[v] & 1u, it = t->sym[v] >> 1;
        double e1 = o ? 1.0 - s[it] : s[it], e0 = o ? g[it] : 1.0 - g[it];
        double a1 = pp * e1, a0 = qq * e0, c = a1 + a0, ic = 1.0 / c;
        double cum = t->cum[u] * c;
        int32_t k = t->k[u];
        t->p[v] = a1 * ic;
        t->q[v] = a0 * ic;
        t->ic[v] = ic;
        if (cum < SCALE_LOW) {
            cum *= SCALE_UP;
            k++;
        }
        t->cum[v] = cum;
        t->k[v] = k;
    }
    for (uint32_t i = 0; i < t->n_term; i++) {
        uint32_t v = t->term[i];
        ll += t->nend[v] * (log(t->cum[v]) - (double)t->k[v] * LN_SCALEUP);
    }
    return ll;
}

struct em_counts {
    double first[2][2]; /* [class][state] */
    double trans[2][2];
};

/* Backward pass after forward(): expected counts into *ec and t->cnt. */
static void backward(struct trie *t, const struct em_params *e, struct em_counts *ec)
{
    const double l = e->learn, f = e->forget;
    const double *g = t->g, *s = t->s;
    double x00 = 0, x01 = 0, x10 = 0, x11 = 0;
    double *cnt = t->cnt;

    memset(ec, 0, sizeof(*ec));
    memset(cnt, 0, (size_t)t->n_sym_items * 4 * sizeof(double));
    memset(t->b0, 0, (size_t)t->n_nodes * sizeof(double));
    memset(t->b1, 0, (size_t)t->n_nodes * sizeof(double));
    for (uint32_t v = t->n_nodes; v-- > 0;) {
        uint32_t o = t->sym[v] & 1u, it = t->sym[v] >> 1;
        double b0 = t->b0[v] + t->nend[v], b1 = t->b1[v] + t->nend[v];
        double g1 = t->p[v] * b1, g0 = t->q[v] * b0;
        double *ci = cnt + 4 * (size_t)it;
        ci[0] += g0;
        ci[1] += o ? g0 : 0.0;
        ci[2] += g1;
        ci[3] += o ? 0.0 : g1;
        if (v >= t->n1) {
            double e1 = o ? 1.0 - s[it] : s[it], e0 = o ? g[it] : 1.0 - g[it];
            double m0 = e0 * b0 * t->ic[v], m1 = e1 * b1 * t->ic[v];
            uint32_t u = t->parent[v];
            double pu = t->p[u], qu = t->q[u];
            t->b0[u] += (1.0 - l) * m0 + l * m1;
            t->b1[u] += f * m0 + (1.0 - f) * m1;
            x00 += qu * (1.0 - l) * m0;
            x01 += qu * l * m1;
            x10 += pu * f * m0;
            x11 += pu * (1.0 - f) * m1;
        } else {
            uint32_t c = t->parent[v];
            ec->first[c][0] += g0;
            ec->first[c][1] += g1;
        }
    }
    ec->trans[0][0] = x00;
    ec->trans[0][1] = x01;
    ec->trans[1][0] = x10;
    ec->trans[1][1] = x11;
}

/* ---- M-step and the EM loop ------------------------------------------------ */

static double clampd(double x, double lo, double hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

/* The ratio a / (a + b), clamped; keep old if there is no evidence. */
static double ratio(double a, double b, double old, double lo, double hi)
{
    if (!(a + b > 0.0))
        return old;
    return clampd(a / (a + b), lo, hi);
}

/*
 * With learn + forget > 1 the chain flips between states, and a correct
 * answer would lower P(mastered) at the next opportunity; the M-step keeps
 * learn + forget <= LF_MAX. When the unconstrained maximum lies beyond, the
 * constrained one is on the line forget = LF_MAX - learn, where the Q
 * function A log l + B log(1-l) + C log f + D log(1-f) is concave in l:
 * bisect its derivative.
 */
static void learn_forget_on_boundary(const struct em_counts *ec, double *learn, double *forget)
{
    const double A = ec->trans[0][1], B = ec->trans[0][0], C = ec->trans[1][0], D = ec->trans[1][1],
                 e = 1.0 - LF_MAX;
    double lo = P_MIN, hi = LF_MAX - P_MIN;

    for (int i = 0; i < 60; i++) {
        double l = 0.5 * (lo + hi);
        double d = A / l - B / (1 - l) - C / (LF_MAX - l) + D / (e + l);
        if (d > 0)
            lo = l;
        else
            hi = l;
    }
    *learn = 0.5 * (lo + hi);
    *forget = LF_MAX - *learn;
}

/* One run's parameters: skill level plus the per-item arrays (t->g / t->s in use). */
struct em_state {
    struct em_params e;
    double guess, slip; /* skill-level (without KT-IDEM the only ones) */
};

struct em_setup {
    const struct bkt_fit_options *o;
    bool fit_forget, two_class, idem;
    double anchor_g, anchor_s; /* KT-IDEM prior centre */
};

static void load_emissions(struct trie *t, const struct em_setup *su, const struct em_state *st)
{
    if (!su->idem) {
        t->g[0] = st->guess;
        t->s[0] = st->slip;
    }
}

static void mstep(struct trie *t, const struct em_setup *su, const struct em_counts *ec,
                  struct em_state *st)
{
    const struct bkt_fit_options *o = su->o;
    double f0 = ec->first[0][0] + ec->first[1][0], f1 = ec->first[0][1] + ec->first[1][1];
    double n0 = 0, c0 = 0, n1 = 0, w1 = 0;

    if (su->two_class) {
        for (int c = 0; c < 2; c++)
            st->e.prior[c] = ratio(ec->first[c][1], ec->first[c][0], st->e.prior[c], P_MIN, P_MAX);
    } else {
        st->e.prior[0] = st->e.prior[1] = ratio(f1, f0, st->e.prior[0], P_MIN, P_MAX);
    }
    st->e.learn = ratio(ec->trans[0][1], ec->trans[0][0], st->e.learn, P_MIN, P_MAX);
    if (su->fit_forget) {
        st->e.forget = ratio(ec->trans[1][0], ec->trans[1][1], st->e.forget, P_MIN, P_MAX);
        if (st->e.learn + st->e.forget > LF_MAX)
            learn_forget_on_boundary(ec, &st->e.learn, &st->e.forget);
    }
    for (uint32_t i = 0; i < t->n_sym_items; i++) {
        const double *ci = t->cnt + 4 * (size_t)i;
        n0 += ci[0];
        c0 += ci[1];
        n1 += ci[2];
        w1 += ci[3];
    }
    if (!su->idem) {
        st->guess = ratio(c0, n0 - c0, st->guess, P_MIN, o->max_guess);
        st->slip = ratio(w1, n1 - w1, st->slip, P_MIN, o->max_slip);
        load_emissions(t, su, st);
        return;
    }
    /* KT-IDEM: MAP under Beta priors worth idem_weight answers centred on the anchors */
    for (uint32_t i = 0; i < t->n_sym_items; i++) {
        const double *ci = t->cnt + 4 * (size_t)i;
        double kw = o->idem_weight;
        double g = (ci[1] + kw * su->anchor_g) / (ci[0] + kw);
        double s = (ci[3] + kw * su->anchor_s) / (ci[2] + kw);
        t->g[i] = ci[0] + kw > 0 ? clampd(g, P_MIN, o->max_guess) : su->anchor_g;
        t->s[i] = ci[2] + kw > 0 ? clampd(s, P_MIN, o->max_slip) : su->anchor_s;
    }
}

/* log density (up to a constant) of the KT-IDEM prior at the current item parameters */
static double idem_log_prior(const struct trie *t, const struct em_setup *su)
{
    double lp = 0, kw = su->o->idem_weight;
    if (!su->idem)
        return 0;
    for (uint32_t i = 0; i < t->n_sym_items; i++) {
        lp += kw * (su->anchor_g * log(t->g[i]) + (1 - su->anchor_g) * log(1 - t->g[i]));
        lp += kw * (su->anchor_s * log(t->s[i]) + (1 - su->anchor_s) * log(1 - t->s[i]));
    }
    return lp;
}

/* One E-step at *st (its objective) and the M-step from it into *next. */
static double em_step(struct trie *t, const struct em_setup *su, const struct em_state *st,
                      struct em_state *next)
{
    struct em_counts ec;
    double obj;

    load_emissions(t, su, st);
    obj = forward(t, &st->e) + idem_log_prior(t, su);
    backward(t, &st->e, &ec);
    *next = *st;
    mstep(t, su, &ec, next);
    return obj;
}

#define NPAR    6
#define N_FIXED 6 /* fixed starting points (start_point) */

static void st_to_vec(const struct em_state *st, double x[NPAR])
{
    x[0] = st->e.prior[0];
    x[1] = st->e.prior[1];
    x[2] = st->e.learn;
    x[3] = st->e.forget;
    x[4] = st->guess;
    x[5] = st->slip;
}

static void vec_to_st(const struct em_setup *su, const double x[NPAR], struct em_state *st)
{
    st->e.prior[0] = clampd(x[0], P_MIN, P_MAX);
    st->e.prior[1] = su->two_class ? clampd(x[1], P_MIN, P_MAX) : st->e.prior[0];
    st->e.learn = clampd(x[2], P_MIN, P_MAX);
    st->e.forget = su->fit_forget ? clampd(x[3], P_MIN, P_MAX) : 0.0;
    if (st->e.learn + st->e.forget > LF_MAX) {
        double k = LF_MAX / (st->e.learn + st->e.forget);
        st->e.learn *= k;
        st->e.forget *= k;
    }
    st->guess = clampd(x[4], P_MIN, su->o->max_guess);
    st->slip = clampd(x[5], P_MIN, su->o->max_slip);
}

struct em_trace {
    double *ll;
    unsigned cap, len;
};

static void trace_add(struct em_trace *tr, double ll)
{
    if (tr && tr->len < tr->cap)
        tr->ll[tr->len] = ll;
    if (tr)
        tr->len++;
}

int bkt_em_progress(double prev, double cur, double tol, uint32_t n_answers)
{
    double n = (double)n_answers;

    if (isnan(cur) || isnan(prev) || cur == INFINITY)
        return -EDOM;
    if (prev == -INFINITY)
        return 0;
    if (cur - prev < -(1e-10 * fabs(prev) + 1e-12 * n))
        return -EDOM;
    return cur - prev < tol * n ? 1 : 0;
}

/*
 * Run EM from *st for at most budget E-steps (counted in *steps), leaving
 * the last accepted iterate in *st and its objective (a lower bound for
 * the final one) in *ret_obj. Returns 1 if it converged (one plain EM
 * step gained less than tol per answer), 0 if the budget ran out, -EDOM if
 * an iterate lowered the objective (bkt_em_progress()).
 *
 * Without KT-IDEM the iterates are accelerated with SQUAREM (Varadhan and
 * Roland 2008, "Simple and globally convergent methods for accelerating
 * the convergence of any EM algorithm", scheme S3): from two EM steps
 * theta1, theta2 it extrapolates theta' = theta0 - 2a r + a^2 v and keeps
 * it only if its likelihood is not below theta1's, so the likelihood of
 * the accepted iterates never decreases. BKT's EM crawls for hundreds of
 * iterations where answers are nearly deterministic; this does not.
 */
static int em_run(struct trie *t, const struct em_setup *su, struct em_state *st, unsigned budget,
                  double *ret_obj, unsigned *steps, struct em_trace *tr)
{
    const double tol = su->o->tol;
    const uint32_t n = t->seqs->n_answers;
    struct em_state th0 = *st, th1, th2, thp, thn;
    double prev = -INFINITY, ll0, ll1, llp;
    int prog;

    *ret_obj = -INFINITY;
    while (*steps < budget) {
        ll0 = em_step(t, su, &th0, &th1);
        (*steps)++;
        trace_add(tr, ll0);
        *ret_obj = ll0;
        if ((prog = bkt_em_progress(prev, ll0, tol, n)) != 0) {
            *st = th0;
            return prog;
        }
        prev = ll0;
        if (su->idem) { /* plain EM: the item parameters live in the tree's arrays */
            th0 = th1;
            continue;
        }
        if (*steps >= budget) {
            th0 = th1;
            break;
        }
        ll1 = em_step(t, su, &th1, &th2);
        (*steps)++;
        trace_add(tr, ll1);
        *ret_obj = ll1;
        if ((prog = bkt_em_progress(ll0, ll1, tol, n)) != 0) {
            *st = th1;
            return prog;
        }
        prev = ll1;
        if (*steps >= budget) {
            th0 = th2;
            break;
        }
        double x0[NPAR], x1[NPAR], x2[NPAR], xp[NPAR], rr = 0, vv = 0, a;
        st_to_vec(&th0, x0);
        st_to_vec(&th1, x1);
        st_to_vec(&th2, x2);
        for (int i = 0; i < NPAR; i++) {
            double r = x1[i] - x0[i], v = x2[i] - 2 * x1[i] + x0[i];
            rr += r * r;
            vv += v * v;
        }
        if (!(vv > 0)) {
            th0 = th2;
            continue;
        }
        a = -sqrt(rr / vv);
        if (a > -1.0)
            a = -1.0; /* -1 gives theta2 itself */
        for (int i = 0; i < NPAR; i++) {
            double r = x1[i] - x0[i], v = x2[i] - 2 * x1[i] + x0[i];
            xp[i] = x0[i] - 2 * a * r + a * a * v;
        }
        vec_to_st(su, xp, &thp);
        llp = em_step(t, su, &thp, &thn);
        (*steps)++;
        if (llp >= ll1) {
            trace_add(tr, llp);
            *ret_obj = llp;
            prev = llp;
            th0 = thn;
        } else {
            th0 = th2; /* the extrapolation overshot: keep the plain EM step */
        }
    }
    *st = th0;
    return 0;
}

static double log_uniform(struct rng *r, double lo, double hi)
{
    return exp(rng_uniform(r, log(lo), log(hi)));
}

/*
 * Starting points. The first six are fixed and span the regimes skills
 * fall in: middle of the road; answers nearly deterministic (guess and
 * slip near 0, which EM approaches slowly from the middle); easy to guess;
 * often slipped; mostly known from the start; known and rarely slipped
 * but easy to guess (guess near its bound, slip near 0: a maximum the
 * others do not reach on some large skills of ASSISTments 2009, worth
 * 19 log-likelihood units on skill 94). The likelihood of BKT has many
 * local maxima, and these reach the good ones more reliably than random
 * starts do. Further starts are random.
 */
static void start_point(struct rng *r, const struct em_setup *su, unsigned k, struct em_state *st)
{
    static const double fixed[N_FIXED][4] = {
        /* prior, learn, guess, slip */
        {0.4, 0.15, 0.2, 0.1}, {0.5, 0.05, 0.02, 0.02}, {0.2, 0.1, 0.4, 0.05},
        {0.7, 0.1, 0.05, 0.3}, {0.9, 0.02, 0.3, 0.01},  {0.7, 0.01, 0.45, 0.005},
    };
    const struct bkt_fit_options *o = su->o;

    if (k < N_FIXED) {
        double p = fixed[k][0];
        st->e.prior[0] = st->e.prior[1] = p;
        if (su->two_class) {
            st->e.prior[0] = 0.6 * p;
            st->e.prior[1] = p + 0.4 * (1 - p);
        }
        st->e.learn = fixed[k][1];
        st->e.forget = su->fit_forget ? 0.05 : 0.0;
        st->guess = fmin(fixed[k][2], o->max_guess);
        st->slip = fmin(fixed[k][3], o->max_slip);
        return;
    }
    /* learn, guess and slip log-uniform, for the same reason */
    st->e.prior[0] = rng_uniform(r, 0.01, 0.99);
    st->e.prior[1] = su->two_class ? rng_uniform(r, 0.01, 0.99) : st->e.prior[0];
    st->e.learn = log_uniform(r, 0.002, 0.5);
    st->e.forget = su->fit_forget ? rng_uniform(r, 0.0, 0.3) : 0.0;
    st->guess = log_uniform(r, 0.002, o->max_guess);
    st->slip = log_uniform(r, 0.002, o->max_slip);
}

static int check_options(const struct bkt_seqs *s, const struct bkt_fit_options *o)
{
    if (!o || o->restarts < 1 || o->restarts > 1000 || o->max_iter < 1 || !(o->tol >= 0) ||
        !(o->max_guess > 0 && o->max_guess < 0.5) || !(o->max_slip > 0 && o->max_slip < 0.5) ||
        !(o->idem_weight >= 0 && o->idem_weight < 1e9))
        return -EINVAL;
    if (o->idem && !s->item)
        return -EINVAL;
    if (o->two_class && !s->seq_class)
        return -EINVAL;
    return 0;
}

static void fill_model(const struct trie *t, const struct em_setup *su, const struct em_state *st,
                       const struct em_counts *ec, struct bkt_model *m)
{
    double n_c0 = ec->first[0][0] + ec->first[0][1], n_c1 = ec->first[1][0] + ec->first[1][1];

    m->p.prior = st->e.prior[0];
    if (su->two_class && n_c0 + n_c1 > 0)
        m->p.prior = (n_c0 * st->e.prior[0] + n_c1 * st->e.prior[1]) / (n_c0 + n_c1);
    m->p.learn = st->e.learn;
    m->p.forget = st->e.forget;
    m->p.guess = st->guess;
    m->p.slip = st->slip;
    m->has_classes = su->two_class;
    m->class_prior[0] = st->e.prior[0];
    m->class_prior[1] = st->e.prior[1];
    if (su->idem) {
        memcpy(m->item_guess, t->g, (size_t)t->n_sym_items * sizeof(double));
        memcpy(m->item_slip, t->s, (size_t)t->n_sym_items * sizeof(double));
        m->n_items = t->n_sym_items;
    } else {
        m->n_items = 0;
    }
}

int bkt_fit(const struct bkt_seqs *s, const struct bkt_fit_options *o, void *ws, size_t ws_size,
            struct bkt_model *ret_model, struct bkt_fit_info *ret_info)
{
    struct trie t;
    struct em_setup su = {.o = o};
    struct em_state best = {0}, cur;
    struct em_counts ec;
    struct rng r;
    double best_obj = -INFINITY, obj;
    unsigned best_k = 0, best_iters = 0;
    bool converged = false;
    struct em_trace trace = {.ll = o ? o->trace : NULL, .cap = o && o->trace ? o->trace_cap : 0};
    int ret;

    if (!ret_model || !ret_info)
        return -EINVAL;
    ret = bkt_seqs_check(s);
    if (ret < 0)
        return ret;
    ret = check_options(s, o);
    if (ret < 0)
        return ret;
    if (o->idem && (!ret_model->item_guess || !ret_model->item_slip))
        return -EINVAL;
    ret = ws_carve(s, s->n_items, ws, ws_size, &t);
    if (ret < 0)
        return ret;
    su.fit_forget = o->forget;
    su.two_class = o->two_class;
    build_trie(&t, false);
    t.n_sym_items = 1;

    /* the race: every start gets race_iter iterations, the best one continues */
    rng_seed(&r, o->seed);
    for (unsigned k = 0; k < o->restarts; k++) {
        unsigned iters = 0;
        int conv;
        start_point(&r, &su, k, &cur);
        conv = em_run(&t, &su, &cur, o->race_iter < o->max_iter ? o->race_iter : o->max_iter, &obj,
                      &iters, k == 0 && o->restarts == 1 ? &trace : NULL);
        if (conv < 0)
            return conv;
        if (obj > best_obj || k == 0) {
            best_obj = obj;
            best = cur;
            best_k = k;
            best_iters = iters;
            converged = conv == 1;
        }
    }
    if (!converged && best_iters < o->max_iter) {
        ret = em_run(&t, &su, &best, o->max_iter, &obj, &best_iters,
                     o->restarts == 1 ? &trace : NULL);
        if (ret < 0)
            return ret;
        converged = ret == 1;
    }

    if (o->idem) {
        /* KT-IDEM: items start at, and are pulled toward, the skill's guess and slip */
        unsigned iters = 0;
        build_trie(&t, true);
        t.n_sym_items = s->n_items;
        su.idem = true;
        trace.len = 0; /* a new objective: the likelihood times the prior on items */
        su.anchor_g = best.guess;
        su.anchor_s = best.slip;
        for (uint32_t i = 0; i < s->n_items; i++) {
            t.g[i] = best.guess;
            t.s[i] = best.slip;
        }
        ret = em_run(&t, &su, &best, o->max_iter, &obj, &iters, o->restarts == 1 ? &trace : NULL);
        if (ret < 0)
            return ret;
        converged = ret == 1;
        best_iters += iters;
    }

    /* the final parameters' likelihood (one more E-step, for the counts by class too) */
    load_emissions(&t, &su, &best);
    ret_info->loglik = forward(&t, &best.e);
    ret_info->objective = ret_info->loglik + idem_log_prior(&t, &su);
    backward(&t, &best.e, &ec);
    fill_model(&t, &su, &best, &ec, ret_model);
    ret_info->iterations = best_iters;
    ret_info->best_start = best_k;
    ret_info->converged = converged;
    ret_info->trace_len = trace.len < trace.cap ? trace.len : trace.cap;
    return 0;
}

static int model_check(const struct bkt_model *m, const struct bkt_seqs *s)
{
    if (!m || bkt_params_check(&m->p) < 0)
        return -EINVAL;
    if (m->has_classes && (!is_prob(m->class_prior[0]) || !is_prob(m->class_prior[1])))
        return -EINVAL;
    if (m->n_items > 0) {
        if (!m->item_guess || !m->item_slip || (s->item && s->n_items > m->n_items))
            return -EINVAL;
        for (uint32_t i = 0; i < m->n_items; i++)
            if (!is_prob(m->item_guess[i]) || !is_prob(m->item_slip[i]) ||
                !(m->item_guess[i] + m->item_slip[i] < 1.0))
                return -EINVAL;
    }
    return 0;
}

/* Build the tree for s under m and set the emissions; shared by bkt_loglik and bkt_estep. */
static int prepare(const struct bkt_seqs *s, const struct bkt_model *m, void *ws, size_t ws_size,
                   struct trie *t, struct em_params *e)
{
    bool items = m->n_items > 0 && s->item;
    int ret = bkt_seqs_check(s);
    if (ret < 0)
        return ret;
    ret = model_check(m, s);
    if (ret < 0)
        return ret;
    ret = ws_carve(s, s->n_items, ws, ws_size, t);
    if (ret < 0)
        return ret;
    build_trie(t, items);
    t->n_sym_items = items ? s->n_items : 1;
    for (uint32_t i = 0; i < t->n_sym_items; i++)
        bkt_model_emission(m, items ? i : UINT32_MAX, &t->g[i], &t->s[i]);
    e->prior[0] = bkt_model_prior(m, 0);
    e->prior[1] = bkt_model_prior(m, 1);
    if (!s->seq_class)
        e->prior[0] = e->prior[1] = m->p.prior;
    e->learn = m->p.learn;
    e->forget = m->p.forget;
    return 0;
}

int bkt_loglik(const struct bkt_seqs *s, const struct bkt_model *m, void *ws, size_t ws_size,
               double *ret_loglik)
{
    struct trie t;
    struct em_params e;
    int ret;

    if (!ret_loglik)
        return -EINVAL;
    ret = prepare(s, m, ws, ws_size, &t, &e);
    if (ret < 0)
        return ret;
    *ret_loglik = forward(&t, &e);
    return 0;
}

int bkt_estep(const struct bkt_seqs *s, const struct bkt_model *m, void *ws, size_t ws_size,
              struct bkt_counts *ret)
{
    struct trie t;
    struct em_params e;
    struct em_counts ec;
    double ll;
    int r;

    if (!ret)
        return -EINVAL;
    r = prepare(s, m, ws, ws_size, &t, &e);
    if (r < 0)
        return r;
    ll = forward(&t, &e);
    backward(&t, &e, &ec);
    memset(ret, 0, sizeof(*ret));
    ret->loglik = ll;
    for (int c = 0; c < 2; c++)
        for (int k = 0; k < 2; k++)
            ret->first[k] += ec.first[c][k];
    memcpy(ret->trans, ec.trans, sizeof(ret->trans));
    for (uint32_t i = 0; i < t.n_sym_items; i++) {
        const double *ci = t.cnt + 4 * (size_t)i;
        ret->emit[0][1] += ci[1];
        ret->emit[0][0] += ci[0] - ci[1];
        ret->emit[1][0] += ci[3];
        ret->emit[1][1] += ci[2] - ci[3];
    }
    return 0;
}

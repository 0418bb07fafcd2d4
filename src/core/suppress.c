/*
 * Small-cell suppression (see suppress.h).
 *
 * The audit is a linear program per group of connected hidden cells (two
 * hidden cells are connected when a relation holds both): variables the
 * hidden cells less 1 (so y >= 0), one equation per relation that holds
 * one of them (total - parts = 0, the shown cells moved to the right-hand
 * side), minimise and maximise each variable with a dense two-phase
 * simplex under Bland's rule (no cycling). The tables are small: a
 * district's schools, grades and classes give groups of a few dozen
 * hidden cells at most, and a group that would need more than AUDIT_MAX
 * cells is hidden further by the rules alone (see audit_group()).
 */
#include "core/suppress.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#define EPS       1e-9
#define AUDIT_MAX 4096 /* hidden cells in one linear program */

/* ---- memory ---- */

static void *get(const struct supp_alloc *mem, size_t n, size_t size)
{
    if (n && size > SIZE_MAX / n)
        return NULL;
    size_t bytes = n * size > 0 ? n * size : 1;
    void *p = mem->alloc(mem->arg, bytes);
    if (p)
        memset(p, 0, bytes);
    return p;
}

/* ---- the cells' relations, indexed by cell ---- */

struct index {
    size_t n_cells, n_rel;
    const struct supp_relation *rel;
    const int64_t *count;
    uint32_t *first; /* n_cells + 1: where each cell's relations start in of[] */
    uint32_t *of;    /* relation numbers */
};

static int index_build(const struct supp_table *t, const struct supp_alloc *mem, struct index *ix)
{
    size_t refs = 0;

    memset(ix, 0, sizeof(*ix));
    ix->n_cells = t->n_cells;
    ix->n_rel = t->n_rel;
    ix->rel = t->rel;
    ix->count = t->count;
    if (t->n_cells >= UINT32_MAX || t->n_rel >= UINT32_MAX)
        return -EINVAL;
    for (size_t c = 0; c < t->n_cells; c++)
        if (t->count[c] < 0)
            return -EINVAL;
    for (size_t r = 0; r < t->n_rel; r++) {
        if (t->rel[r].total >= t->n_cells || (t->rel[r].n_parts && !t->rel[r].parts))
            return -EINVAL;
        for (uint32_t i = 0; i < t->rel[r].n_parts; i++)
            if (t->rel[r].parts[i] >= t->n_cells)
                return -EINVAL;
        refs += 1 + t->rel[r].n_parts;
    }
    if (refs >= UINT32_MAX)
        return -EINVAL;
    ix->first = get(mem, t->n_cells + 1, sizeof(uint32_t));
    ix->of = get(mem, refs, sizeof(uint32_t));
    uint32_t *fill = get(mem, t->n_cells + 1, sizeof(uint32_t));
    if (!ix->first || !ix->of || !fill)
        return -ENOMEM;
    for (size_t r = 0; r < t->n_rel; r++) {
        ix->first[t->rel[r].total + 1]++;
        for (uint32_t i = 0; i < t->rel[r].n_parts; i++)
            ix->first[t->rel[r].parts[i] + 1]++;
    }
    for (size_t c = 0; c < t->n_cells; c++)
        ix->first[c + 1] += ix->first[c];
    memcpy(fill, ix->first, (t->n_cells + 1) * sizeof(uint32_t));
    for (size_t r = 0; r < t->n_rel; r++) {
        ix->of[fill[t->rel[r].total]++] = (uint32_t)r;
        for (uint32_t i = 0; i < t->rel[r].n_parts; i++)
            ix->of[fill[t->rel[r].parts[i]]++] = (uint32_t)r;
    }
    /* every relation must hold for the counts, or nothing can be audited */
    for (size_t r = 0; r < t->n_rel; r++) {
        int64_t sum = 0;
        for (uint32_t i = 0; i < t->rel[r].n_parts; i++) {
            if (t->count[t->rel[r].parts[i]] > INT64_MAX - sum)
                return -EINVAL;
            sum += t->count[t->rel[r].parts[i]];
        }
        if (sum != t->count[t->rel[r].total])
            return -EINVAL;
    }
    return 0;
}

/* ---- the rules ---- */

/*
 * The cell to hide next in relation r: the smallest shown part that counts
 * someone (ties: the lower index), else the total if it is shown and counts
 * someone; UINT32_MAX when there is none.
 */
static uint32_t pick(const struct index *ix, const uint8_t *state, size_t r)
{
    const struct supp_relation *rel = &ix->rel[r];
    uint32_t best = UINT32_MAX;

    for (uint32_t i = 0; i < rel->n_parts; i++) {
        uint32_t c = rel->parts[i];
        if (state[c] != SUPP_SHOWN || ix->count[c] == 0)
            continue;
        if (best == UINT32_MAX || ix->count[c] < ix->count[best] ||
            (ix->count[c] == ix->count[best] && c < best))
            best = c;
    }
    if (best == UINT32_MAX && state[rel->total] == SUPP_SHOWN && ix->count[rel->total] > 0)
        best = rel->total;
    return best;
}

/* One pass of the relation rules: the number of cells hidden. */
static size_t rules_pass(const struct index *ix, int64_t min_n, uint8_t *state)
{
    size_t hidden_now = 0;

    for (size_t r = 0; r < ix->n_rel; r++) {
        const struct supp_relation *rel = &ix->rel[r];
        size_t hidden = state[rel->total] != SUPP_SHOWN;
        int64_t hidden_parts = 0;
        for (uint32_t i = 0; i < rel->n_parts; i++)
            if (state[rel->parts[i]] != SUPP_SHOWN) {
                hidden++;
                hidden_parts += ix->count[rel->parts[i]];
            }
        bool more = hidden == 1;
        /* the total less the shown parts counts the hidden ones as a group */
        if (state[rel->total] == SUPP_SHOWN && hidden_parts > 0 && hidden_parts < min_n)
            more = true;
        if (!more)
            continue;
        uint32_t c = pick(ix, state, r);
        if (c != UINT32_MAX) {
            state[c] = SUPP_COMPLEMENT;
            hidden_now++;
        }
    }
    return hidden_now;
}

/* ---- the audit: a dense two-phase simplex ---- */

struct lp {
    size_t m, n, w; /* rows, structural columns, row width (n + m + 1) */
    double *t, *z;  /* m rows; the objective row */
    uint32_t *basis;
    bool *dead; /* a redundant row */
    double *t0; /* the tableau after phase 1 */
    uint32_t *basis0;
    bool *dead0;
};

static void lp_pivot(struct lp *lp, size_t r, size_t e)
{
    double *pr = lp->t + r * lp->w;
    double p = pr[e];
    for (size_t j = 0; j < lp->w; j++)
        pr[j] /= p;
    pr[e] = 1.0;
    for (size_t i = 0; i <= lp->m; i++) {
        double *row = i == lp->m ? lp->z : lp->t + i * lp->w;
        if (i == r || row[e] == 0.0)
            continue;
        double f = row[e];
        for (size_t j = 0; j < lp->w; j++)
            row[j] -= f * pr[j];
        row[e] = 0.0;
    }
    lp->basis[r] = (uint32_t)e;
}

/* Minimise: 0 optimal, 1 unbounded, -EDOM when it does not end. Columns >= cols never enter. */
static int lp_solve(struct lp *lp, size_t cols)
{
    size_t rhs = lp->w - 1;
    size_t limit = 50 * (lp->m + lp->n) + 1000;

    for (size_t it = 0; it < limit; it++) {
        size_t e = SIZE_MAX, r = SIZE_MAX;
        for (size_t j = 0; j < cols; j++)
            if (lp->z[j] < -EPS) {
                e = j;
                break;
            }
        if (e == SIZE_MAX)
            return 0;
        double best = 0;
        for (size_t i = 0; i < lp->m; i++) {
            const double *row = lp->t + i * lp->w;
            if (lp->dead[i] || row[e] <= EPS)
                continue;
            double ratio = row[rhs] / row[e];
            if (r == SIZE_MAX || ratio < best - EPS ||
                (ratio <= best + EPS && lp->basis[i] < lp->basis[r])) {
                best = ratio;
                r = i;
            }
        }
        if (r == SIZE_MAX)
            return 1;
        lp_pivot(lp, r, e);
    }
    return -EDOM;
}

/*
 * Phase 1 for A y = b (A: m x n in t's first n columns, b in the last; a
 * row with b < 0 is negated first): 0 feasible (the tableau saved for
 * lp_extreme), -EINVAL when not.
 */
static int lp_phase1(struct lp *lp)
{
    size_t rhs = lp->w - 1, n = lp->n;
    double scale = 1;

    memset(lp->z, 0, lp->w * sizeof(double));
    for (size_t i = 0; i < lp->m; i++) {
        double *row = lp->t + i * lp->w;
        if (row[rhs] < 0)
            for (size_t j = 0; j < lp->w; j++)
                row[j] = -row[j];
        row[n + i] = 1.0;
        lp->basis[i] = (uint32_t)(n + i);
        lp->dead[i] = false;
        for (size_t j = 0; j < n; j++)
            lp->z[j] -= row[j];
        lp->z[rhs] -= row[rhs];
        scale += row[rhs];
    }
    int r = lp_solve(lp, n);
    if (r < 0)
        return r;
    if (-lp->z[rhs] > 1e-7 * scale)
        return -EINVAL;
    /* the artificial columns leave the basis, or their row is redundant */
    for (size_t i = 0; i < lp->m; i++) {
        if (lp->basis[i] < n)
            continue;
        const double *row = lp->t + i * lp->w;
        size_t e = SIZE_MAX;
        for (size_t j = 0; j < n; j++)
            if (fabs(row[j]) > 1e-7) {
                e = j;
                break;
            }
        if (e == SIZE_MAX)
            lp->dead[i] = true;
        else
            lp_pivot(lp, i, e);
    }
    memcpy(lp->t0, lp->t, lp->m * lp->w * sizeof(double));
    memcpy(lp->basis0, lp->basis, lp->m * sizeof(uint32_t));
    memcpy(lp->dead0, lp->dead, lp->m * sizeof(bool));
    return 0;
}

/* min (sign 1) or max (sign -1) of y_k from the phase-1 tableau: 0, 1 unbounded, or -EDOM. */
static int lp_extreme(struct lp *lp, size_t k, int sign, double *ret)
{
    size_t rhs = lp->w - 1;

    memcpy(lp->t, lp->t0, lp->m * lp->w * sizeof(double));
    memcpy(lp->basis, lp->basis0, lp->m * sizeof(uint32_t));
    memcpy(lp->dead, lp->dead0, lp->m * sizeof(bool));
    memset(lp->z, 0, lp->w * sizeof(double));
    lp->z[k] = sign;
    for (size_t i = 0; i < lp->m; i++)
        if (!lp->dead[i] && lp->basis[i] == k) {
            const double *row = lp->t + i * lp->w;
            for (size_t j = 0; j < lp->w; j++)
                lp->z[j] -= sign * row[j];
            lp->z[k] = 0;
        }
    int r = lp_solve(lp, lp->n);
    if (r != 0)
        return r;
    *ret = sign * -lp->z[rhs];
    return 0;
}

/* ---- groups of connected hidden cells ---- */

struct audit {
    const struct index *ix;
    const uint8_t *state;
    const struct supp_alloc *mem;
    uint32_t *group; /* per cell: the group's number + 1, 0 none yet */
    uint32_t *cells, *rels, *slot;
    uint32_t *rel_mark; /* per relation: the group that took it in + 1 */
    uint32_t *more;     /* cells to hide at the end of a pass (one per group) */
    struct lp lp;
    size_t cap_cells, cap_rels;
};

/* Collect the group of hidden cell k (BFS): its cells in a->cells, its relations in a->rels. */
static void collect(struct audit *a, uint32_t k, uint32_t g, size_t *ret_n, size_t *ret_m)
{
    const struct index *ix = a->ix;
    size_t n = 0, m = 0;

    a->group[k] = g + 1;
    a->cells[n++] = k;
    for (size_t q = 0; q < n; q++) {
        uint32_t c = a->cells[q];
        for (uint32_t i = ix->first[c]; i < ix->first[c + 1]; i++) {
            uint32_t r = ix->of[i];
            if (a->rel_mark[r] == g + 1)
                continue;
            a->rel_mark[r] = g + 1;
            a->rels[m++] = r;
            const struct supp_relation *rel = &ix->rel[r];
            for (uint32_t j = 0; j <= rel->n_parts; j++) {
                uint32_t d = j == rel->n_parts ? rel->total : rel->parts[j];
                if (a->state[d] != SUPP_SHOWN && !a->group[d]) {
                    a->group[d] = g + 1;
                    a->cells[n++] = d;
                }
            }
        }
    }
    *ret_n = n;
    *ret_m = m;
}

static int lp_room(struct audit *a, size_t m, size_t n)
{
    struct lp *lp = &a->lp;
    if (m <= a->cap_rels && n <= a->cap_cells) {
        lp->m = m;
        lp->n = n;
        lp->w = n + m + 1;
        return 0;
    }
    size_t cm = m > a->cap_rels ? m : a->cap_rels, cn = n > a->cap_cells ? n : a->cap_cells;
    size_t w = cn + cm + 1;
    if (w > SIZE_MAX / sizeof(double) / (cm + 1))
        return -ENOMEM;
    lp->t = get(a->mem, cm * w, sizeof(double));
    lp->t0 = get(a->mem, cm * w, sizeof(double));
    lp->z = get(a->mem, w, sizeof(double));
    lp->basis = get(a->mem, cm, sizeof(uint32_t));
    lp->basis0 = get(a->mem, cm, sizeof(uint32_t));
    lp->dead = get(a->mem, cm, sizeof(bool));
    lp->dead0 = get(a->mem, cm, sizeof(bool));
    if (!lp->t || !lp->t0 || !lp->z || !lp->basis || !lp->basis0 || !lp->dead || !lp->dead0)
        return -ENOMEM;
    a->cap_rels = cm;
    a->cap_cells = cn;
    lp->m = m;
    lp->n = n;
    lp->w = n + m + 1;
    return 0;
}

/* Build the group's program: y = x - 1 for its hidden cells, one row per relation. */
static int lp_build(struct audit *a, size_t n, size_t m)
{
    const struct index *ix = a->ix;
    struct lp *lp = &a->lp;
    int r = lp_room(a, m, n);
    if (r < 0)
        return r;
    memset(lp->t, 0, m * lp->w * sizeof(double));
    for (size_t q = 0; q < n; q++)
        a->slot[a->cells[q]] = (uint32_t)q;
    for (size_t i = 0; i < m; i++) {
        const struct supp_relation *rel = &ix->rel[a->rels[i]];
        double *row = lp->t + i * lp->w, b = 0;
        for (uint32_t j = 0; j <= rel->n_parts; j++) {
            uint32_t d = j == rel->n_parts ? rel->total : rel->parts[j];
            double coef = j == rel->n_parts ? 1.0 : -1.0;
            if (a->state[d] == SUPP_SHOWN) {
                b -= coef * (double)ix->count[d];
            } else {
                row[a->slot[d]] += coef;
                b -= coef; /* x = y + 1 */
            }
        }
        row[lp->w - 1] = b;
    }
    return 0;
}

/* The interval of hidden cell slot q of the built group (x, not y). */
static int lp_interval(struct audit *a, size_t q, int64_t *ret_min, int64_t *ret_max, bool need_max)
{
    double lo, hi;
    int r = lp_extreme(&a->lp, q, 1, &lo);
    if (r != 0)
        return r < 0 ? r : -EDOM; /* a minimum of y >= 0 is never unbounded */
    *ret_min = (int64_t)ceil(lo - 1e-6) + 1;
    *ret_max = INT64_MAX;
    if (!need_max)
        return 0;
    r = lp_extreme(&a->lp, q, -1, &hi);
    if (r < 0)
        return r;
    if (r == 0 && hi < 9e15)
        *ret_max = (int64_t)floor(hi + 1e-6) + 1;
    return 0;
}

static int audit_init(struct audit *a, const struct index *ix, const uint8_t *state,
                      const struct supp_alloc *mem)
{
    memset(a, 0, sizeof(*a));
    a->ix = ix;
    a->state = state;
    a->mem = mem;
    a->group = get(mem, ix->n_cells, sizeof(uint32_t));
    a->cells = get(mem, ix->n_cells, sizeof(uint32_t));
    a->slot = get(mem, ix->n_cells, sizeof(uint32_t));
    a->rels = get(mem, ix->n_rel, sizeof(uint32_t));
    a->rel_mark = get(mem, ix->n_rel, sizeof(uint32_t));
    a->more = get(mem, ix->n_cells, sizeof(uint32_t));
    return a->group && a->cells && a->slot && a->rels && a->rel_mark && a->more ? 0 : -ENOMEM;
}

static void audit_reset(struct audit *a)
{
    memset(a->group, 0, a->ix->n_cells * sizeof(uint32_t));
    memset(a->rel_mark, 0, a->ix->n_rel * sizeof(uint32_t));
}

/*
 * The cell to hide for pinned cell k: the smallest shown one in one of its
 * relations, else anywhere in its group (m relations); UINT32_MAX: none.
 */
static uint32_t hide_for(struct audit *a, const uint8_t *state, uint32_t k, size_t m)
{
    const struct index *ix = a->ix;
    uint32_t best = UINT32_MAX;

    for (int pass = 0; pass < 2 && best == UINT32_MAX; pass++) {
        size_t lo = pass == 0 ? ix->first[k] : 0, hi = pass == 0 ? ix->first[k + 1] : m;
        for (size_t i = lo; i < hi; i++) {
            uint32_t r = pass == 0 ? ix->of[i] : a->rels[i];
            uint32_t c = pick(ix, state, r);
            if (c != UINT32_MAX && (best == UINT32_MAX || ix->count[c] < ix->count[best] ||
                                    (ix->count[c] == ix->count[best] && c < best)))
                best = c;
        }
    }
    return best;
}

/*
 * Audit every group; hide one more cell in each group with a pinned cell
 * (once every group is audited: the groups are those of the state the pass
 * began with). Returns the number of cells hidden, or a negative errno.
 */
static int audit_pass(struct audit *a, uint8_t *state)
{
    const struct index *ix = a->ix;
    uint32_t groups = 0;
    size_t n_more = 0;
    int hidden = 0, r;

    audit_reset(a);
    for (size_t k = 0; k < ix->n_cells; k++) {
        size_t n, m;
        if (state[k] == SUPP_SHOWN || a->group[k])
            continue;
        collect(a, (uint32_t)k, groups++, &n, &m);
        if (n > AUDIT_MAX) {
            /* too big to audit: hide one more of the first cell's group and look again */
            a->more[n_more++] = hide_for(a, state, a->cells[0], m);
            continue;
        }
        if ((r = lp_build(a, n, m)) < 0 || (r = lp_phase1(&a->lp)) < 0)
            return r;
        for (size_t q = 0; q < n; q++) {
            int64_t lo, hi, v = ix->count[a->cells[q]];
            /* the true count is inside the interval: a lower minimum is enough */
            if ((r = lp_interval(a, q, &lo, &hi, false)) < 0)
                return r;
            if (lo < v)
                continue;
            if ((r = lp_interval(a, q, &lo, &hi, true)) < 0)
                return r;
            if (lo < hi)
                continue;
            a->more[n_more++] = hide_for(a, state, a->cells[q], m);
            break; /* the group changes: it is audited again on the next pass */
        }
    }
    for (size_t i = 0; i < n_more; i++)
        if (a->more[i] != UINT32_MAX && state[a->more[i]] == SUPP_SHOWN) {
            state[a->more[i]] = SUPP_COMPLEMENT;
            hidden++;
        }
    return hidden;
}

int suppress_table(const struct supp_table *t, int64_t min_n, const struct supp_alloc *mem,
                   uint8_t *state)
{
    struct index ix;
    struct audit a;
    int r;

    if (!t || !mem || !mem->alloc || !state || min_n < 2)
        return -EINVAL;
    if ((r = index_build(t, mem, &ix)) < 0)
        return r;
    for (size_t c = 0; c < t->n_cells; c++)
        state[c] = t->count[c] > 0 && t->count[c] < min_n ? SUPP_PRIMARY : SUPP_SHOWN;
    if ((r = audit_init(&a, &ix, state, mem)) < 0)
        return r;
    for (;;) {
        while (rules_pass(&ix, min_n, state) > 0)
            ;
        r = audit_pass(&a, state);
        if (r < 0)
            return r;
        if (r == 0)
            return 0;
    }
}

int suppress_bounds(const struct supp_table *t, const uint8_t *state, uint32_t k,
                    const struct supp_alloc *mem, int64_t *ret_min, int64_t *ret_max)
{
    struct index ix;
    struct audit a;
    size_t n, m;
    int r;

    if (!t || !state || !mem || !mem->alloc || k >= t->n_cells)
        return -EINVAL;
    if (state[k] == SUPP_SHOWN)
        return -ENOENT;
    if ((r = index_build(t, mem, &ix)) < 0 || (r = audit_init(&a, &ix, state, mem)) < 0)
        return r;
    collect(&a, k, 0, &n, &m);
    if ((r = lp_build(&a, n, m)) < 0 || (r = lp_phase1(&a.lp)) < 0)
        return r;
    return lp_interval(&a, 0, ret_min, ret_max, true);
}

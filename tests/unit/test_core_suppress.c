/*
 * Small-cell suppression (core/suppress.h), checked by an attacker written
 * apart from it. For every published table the attacker knows the shown
 * counts, which cells are hidden, the relations, and that a listed cell
 * counts at least one student, and tries to recover each hidden cell:
 *
 *   - linear algebra: is the cell a combination of the relations over the
 *     hidden cells (rank of the hidden columns, modulo a 61-bit prime)?
 *   - intervals: the smallest and largest value the cell can take (a Big-M
 *     simplex written here, not the library's), which must differ;
 *   - for small hand-written tables, every integer assignment enumerated.
 *
 * On hand-written cases (the seeded district of the e2e test among them)
 * and on thousands of random tables: districts (schools x grades with
 * classes under each cell), cross tables with margins, and stars.
 */
#include "test.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/suppress.h"

#define N_MIN     10
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* ---- memory: a list of blocks freed at the end; can fail the Nth allocation ---- */

struct pool {
    void **blocks;
    size_t n, cap;
    long fail_at; /* 0: never */
    long calls;
};

static void *pool_alloc(void *arg, size_t n)
{
    struct pool *p = arg;
    if (p->fail_at && ++p->calls == p->fail_at)
        return NULL;
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 64;
        void **b = realloc(p->blocks, cap * sizeof(*b));
        if (!b)
            return NULL;
        p->blocks = b;
        p->cap = cap;
    }
    void *x = malloc(n);
    if (x)
        p->blocks[p->n++] = x;
    return x;
}

static void pool_free(struct pool *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->blocks[i]);
    free(p->blocks);
    memset(p, 0, sizeof(*p));
}

/* ---- tables ---- */

#define MAXC 1200
#define MAXR 400
#define MAXP 4000

struct tab {
    size_t n;
    int64_t count[MAXC];
    size_t nr;
    struct supp_relation rel[MAXR];
    uint32_t parts[MAXP];
    size_t np;
    uint8_t state[MAXC];
};

static uint32_t cell(struct tab *t, int64_t v)
{
    assert_true(t->n < MAXC);
    t->count[t->n] = v;
    return (uint32_t)t->n++;
}

static void relate(struct tab *t, uint32_t total, const uint32_t *parts, size_t k)
{
    assert_true(t->nr < MAXR && t->np + k <= MAXP);
    memcpy(t->parts + t->np, parts, k * sizeof(uint32_t));
    t->rel[t->nr++] = (struct supp_relation){total, t->parts + t->np, (uint32_t)k};
    t->np += k;
}

static struct supp_table view(const struct tab *t)
{
    return (struct supp_table){t->n, t->count, t->rel, t->nr};
}

static int run(struct tab *t)
{
    struct pool p = {0};
    struct supp_alloc mem = {pool_alloc, &p};
    struct supp_table v = view(t);
    int r = suppress_table(&v, N_MIN, &mem, t->state);
    pool_free(&p);
    return r;
}

/* ---- the attacker: rank modulo a prime ---- */

#define PRIME 2305843009213693951ULL /* 2^61 - 1 */

__extension__ typedef unsigned __int128 u128;

static uint64_t mulmod(uint64_t a, uint64_t b)
{
    return (uint64_t)((u128)a * b % PRIME);
}

static uint64_t powmod(uint64_t a, uint64_t e)
{
    uint64_t r = 1;
    while (e) {
        if (e & 1)
            r = mulmod(r, a);
        a = mulmod(a, a);
        e >>= 1;
    }
    return r;
}

static size_t rank_mod(uint64_t *m, size_t rows, size_t cols)
{
    size_t rank = 0;
    for (size_t c = 0; c < cols && rank < rows; c++) {
        size_t piv = rows;
        for (size_t r = rank; r < rows; r++)
            if (m[r * cols + c]) {
                piv = r;
                break;
            }
        if (piv == rows)
            continue;
        for (size_t j = 0; j < cols; j++) {
            uint64_t x = m[rank * cols + j];
            m[rank * cols + j] = m[piv * cols + j];
            m[piv * cols + j] = x;
        }
        uint64_t inv = powmod(m[rank * cols + c], PRIME - 2);
        for (size_t j = 0; j < cols; j++)
            m[rank * cols + j] = mulmod(m[rank * cols + j], inv);
        for (size_t r = 0; r < rows; r++) {
            if (r == rank || !m[r * cols + c])
                continue;
            uint64_t f = m[r * cols + c];
            for (size_t j = 0; j < cols; j++)
                m[r * cols + j] = (m[r * cols + j] + PRIME - mulmod(f, m[rank * cols + j])) % PRIME;
        }
        rank++;
    }
    return rank;
}

/* The hidden cells' columns of the relations (rows), entries +1/-1 modulo PRIME. */
static uint64_t *hidden_matrix(const struct tab *t, const int *col, size_t nh, size_t extra)
{
    uint64_t *m = calloc((t->nr + extra) * (nh ? nh : 1), sizeof(uint64_t));
    assert_non_null(m);
    for (size_t r = 0; r < t->nr; r++) {
        const struct supp_relation *rel = &t->rel[r];
        for (uint32_t j = 0; j <= rel->n_parts; j++) {
            uint32_t d = j == rel->n_parts ? rel->total : rel->parts[j];
            if (col[d] < 0)
                continue;
            uint64_t *e = &m[r * nh + (size_t)col[d]];
            *e = j == rel->n_parts ? (*e + 1) % PRIME : (*e + PRIME - 1) % PRIME;
        }
    }
    return m;
}

/* Is hidden cell k determined by the relations alone (e_k in their row space)? */
static bool determined(const struct tab *t, uint32_t k)
{
    int col[MAXC];
    size_t nh = 0;
    for (size_t c = 0; c < t->n; c++)
        col[c] = t->state[c] != SUPP_SHOWN ? (int)nh++ : -1;
    uint64_t *a = hidden_matrix(t, col, nh, 0);
    uint64_t *b = hidden_matrix(t, col, nh, 1);
    b[t->nr * nh + (size_t)col[k]] = 1;
    size_t ra = rank_mod(a, t->nr, nh), rb = rank_mod(b, t->nr + 1, nh);
    free(a);
    free(b);
    return ra == rb;
}

/* ---- the attacker: a Big-M simplex for min/max of a hidden cell ---- */

/*
 * Variables: y_c = x_c - 1 >= 0 for the hidden cells, one artificial per
 * relation row (cost M). Maximise sign * y_k - M * sum(artificials) with
 * Dantzig's rule, Bland's when a step does not improve. Returns 0 and the
 * optimum of y_k, or 1 when unbounded.
 */
static int bigm(const struct tab *t, uint32_t k, int sign, double *ret)
{
    int col[MAXC];
    size_t nh = 0, m = t->nr;
    for (size_t c = 0; c < t->n; c++)
        col[c] = t->state[c] != SUPP_SHOWN ? (int)nh++ : -1;
    size_t w = nh + m + 1;
    double *a = calloc((m + 1) * w, sizeof(double));
    size_t *basis = calloc(m ? m : 1, sizeof(size_t));
    const double M = 1e7;
    assert_non_null(a);
    assert_non_null(basis);
    for (size_t r = 0; r < m; r++) {
        const struct supp_relation *rel = &t->rel[r];
        double *row = a + r * w, b = 0;
        for (uint32_t j = 0; j <= rel->n_parts; j++) {
            uint32_t d = j == rel->n_parts ? rel->total : rel->parts[j];
            double s = j == rel->n_parts ? 1 : -1;
            if (col[d] < 0) {
                b -= s * (double)t->count[d];
            } else {
                row[col[d]] += s;
                b -= s;
            }
        }
        if (b < 0) {
            for (size_t j = 0; j < nh; j++)
                row[j] = -row[j];
            b = -b;
        }
        row[nh + r] = 1;
        row[w - 1] = b;
        basis[r] = nh + r;
    }
    /* objective row (maximise): reduced costs z_j - c_j */
    double *z = a + m * w;
    z[col[k]] = -sign;
    for (size_t r = 0; r < m; r++) {
        const double *row = a + r * w;
        for (size_t j = 0; j < w; j++)
            if (j < nh || j == w - 1)
                z[j] -= M * row[j];
    }
    int result = 0;
    for (int it = 0, stall = 0; it < 100000; it++) {
        size_t e = w;
        if (stall < 3) {
            double best = -1e-9;
            for (size_t j = 0; j < w - 1; j++)
                if (z[j] < best) {
                    best = z[j];
                    e = j;
                }
        } else {
            for (size_t j = 0; j < w - 1 && e == w; j++)
                if (z[j] < -1e-9)
                    e = j;
        }
        if (e == w)
            break;
        size_t piv = m;
        double ratio = 0;
        for (size_t r = 0; r < m; r++) {
            double v = a[r * w + e];
            if (v <= 1e-9)
                continue;
            double q = a[r * w + w - 1] / v;
            if (piv == m || q < ratio - 1e-9 || (q <= ratio + 1e-9 && basis[r] < basis[piv])) {
                piv = r;
                ratio = q;
            }
        }
        if (piv == m) {
            result = 1;
            break;
        }
        stall = ratio <= 1e-9 ? stall + 1 : 0;
        double p = a[piv * w + e];
        for (size_t j = 0; j < w; j++)
            a[piv * w + j] /= p;
        for (size_t r = 0; r <= m; r++) {
            if (r == piv)
                continue;
            double f = a[r * w + e];
            if (f == 0)
                continue;
            for (size_t j = 0; j < w; j++)
                a[r * w + j] -= f * a[piv * w + j];
        }
        basis[piv] = e;
    }
    /* the true counts are feasible, so the artificials end at zero */
    if (result == 0) {
        double y = 0;
        for (size_t r = 0; r < m; r++) {
            assert_true(basis[r] < nh || a[r * w + w - 1] < 1e-6);
            if (basis[r] == (size_t)col[k])
                y = a[r * w + w - 1];
        }
        *ret = y;
    }
    free(a);
    free(basis);
    return result;
}

/* The attacker's interval for hidden cell k: [lo, hi] (hi INT64_MAX: unbounded). */
static void interval(const struct tab *t, uint32_t k, int64_t *lo, int64_t *hi)
{
    double y;
    assert_int_equal(bigm(t, k, -1, &y), 0); /* minimise: maximise -y */
    *lo = (int64_t)ceil(y - 1e-6) + 1;
    if (bigm(t, k, 1, &y) == 1 || y > 1e12)
        *hi = INT64_MAX;
    else
        *hi = (int64_t)floor(y + 1e-6) + 1;
}

/* Every rule a published table must meet; names the case and cell that fails. */
static void check_published(struct tab *t, const char *name)
{
    for (size_t c = 0; c < t->n; c++) {
        if (t->count[c] > 0 && t->count[c] < N_MIN && t->state[c] == SUPP_SHOWN)
            fail_msg("%s: cell %zu counts %lld but is shown", name, c, (long long)t->count[c]);
        if (t->count[c] == 0 && t->state[c] != SUPP_SHOWN)
            fail_msg("%s: cell %zu counts nobody but is hidden", name, c);
    }
    for (size_t r = 0; r < t->nr; r++) {
        const struct supp_relation *rel = &t->rel[r];
        int64_t sum = 0;
        size_t nh = t->state[rel->total] != SUPP_SHOWN;
        for (uint32_t j = 0; j < rel->n_parts; j++)
            if (t->state[rel->parts[j]] != SUPP_SHOWN) {
                sum += t->count[rel->parts[j]];
                nh++;
            }
        if (nh == 1)
            fail_msg("%s: relation %zu has one hidden cell", name, r);
        if (t->state[rel->total] == SUPP_SHOWN && sum > 0 && sum < N_MIN)
            fail_msg("%s: relation %zu: its hidden parts count %lld together, worked out as "
                     "total - shown",
                     name, r, (long long)sum);
    }
    for (uint32_t k = 0; k < t->n; k++) {
        if (t->state[k] == SUPP_SHOWN)
            continue;
        if (determined(t, k))
            fail_msg("%s: hidden cell %u (%lld) is a combination of the relations", name, k,
                     (long long)t->count[k]);
        int64_t lo, hi;
        interval(t, k, &lo, &hi);
        if (lo > t->count[k] || hi < t->count[k])
            fail_msg("%s: cell %u: the attacker's interval [%lld, %lld] misses %lld", name, k,
                     (long long)lo, (long long)hi, (long long)t->count[k]);
        if (lo == hi)
            fail_msg("%s: hidden cell %u is pinned to %lld by the published cells", name, k,
                     (long long)lo);
        /* the library's own audit agrees with the attacker */
        struct pool p = {0};
        struct supp_alloc mem = {pool_alloc, &p};
        struct supp_table v = view(t);
        int64_t lo2, hi2;
        assert_int_equal(suppress_bounds(&v, t->state, k, &mem, &lo2, &hi2), 0);
        pool_free(&p);
        if (lo2 != lo || hi2 != hi)
            fail_msg("%s: cell %u: library [%lld, %lld], attacker [%lld, %lld]", name, k,
                     (long long)lo2, (long long)hi2, (long long)lo, (long long)hi);
    }
}

/* For small tables: every value each hidden cell can take, by enumeration (cells 1..limit). */
static void enumerate_rec(const struct tab *t, const uint32_t *hid, size_t nh, size_t i, int64_t *x,
                          int64_t limit, bool (*seen)[64])
{
    if (i == nh) {
        for (size_t r = 0; r < t->nr; r++) {
            const struct supp_relation *rel = &t->rel[r];
            int64_t v[2] = {0, 0};
            for (uint32_t j = 0; j <= rel->n_parts; j++) {
                uint32_t d = j == rel->n_parts ? rel->total : rel->parts[j];
                int64_t val = t->state[d] == SUPP_SHOWN ? t->count[d] : 0;
                for (size_t q = 0; q < nh; q++)
                    if (hid[q] == d)
                        val = x[q];
                v[j == rel->n_parts] += val;
            }
            if (v[0] != v[1])
                return;
        }
        for (size_t q = 0; q < nh; q++)
            seen[q][x[q]] = true;
        return;
    }
    for (int64_t v = 1; v <= limit; v++) {
        x[i] = v;
        enumerate_rec(t, hid, nh, i + 1, x, limit, seen);
    }
}

static void check_by_enumeration(const struct tab *t, const char *name)
{
    uint32_t hid[8];
    size_t nh = 0;
    int64_t x[8], limit = 0;
    bool seen[8][64];

    for (uint32_t c = 0; c < t->n; c++)
        if (t->state[c] != SUPP_SHOWN) {
            assert_true(nh < 8);
            hid[nh++] = c;
            limit = MAX(limit, t->count[c] + 6);
        }
    assert_true(limit < 64);
    memset(seen, 0, sizeof(seen));
    enumerate_rec(t, hid, nh, 0, x, limit, seen);
    for (size_t q = 0; q < nh; q++) {
        int values = 0;
        for (int v = 0; v < 64; v++)
            values += seen[q][v];
        assert_true(seen[q][t->count[hid[q]]]);
        if (values < 2)
            fail_msg("%s: enumeration pins hidden cell %u", name, hid[q]);
    }
}

/* ---- hand-written cases ---- */

/* A school: total = grades; each grade = its classes. Returns the total's cell. */
static uint32_t school(struct tab *t, const int64_t *classes, const size_t *per_grade,
                       size_t grades)
{
    uint32_t g[16], cls[64];
    size_t at = 0;
    int64_t sum = 0;
    for (size_t i = 0; i < grades; i++)
        at += per_grade[i];
    for (size_t k = 0; k < at; k++)
        sum += classes[k];
    at = 0;
    uint32_t total = cell(t, 0);
    for (size_t i = 0; i < grades; i++) {
        int64_t gs = 0;
        for (size_t k = 0; k < per_grade[i]; k++)
            gs += classes[at + k];
        g[i] = cell(t, gs);
        for (size_t k = 0; k < per_grade[i]; k++)
            cls[k] = cell(t, classes[at + k]);
        relate(t, g[i], cls, per_grade[i]);
        at += per_grade[i];
    }
    t->count[total] = sum;
    relate(t, total, g, grades);
    return total;
}

static void test_class_of_seven(void **state)
{
    (void)state;
    /* the e2e test's first school: grade 3 has classes of 12, 11 and 7, grade 4 of 14 and 13 */
    static struct tab t;
    memset(&t, 0, sizeof(t));
    const int64_t classes[] = {12, 11, 7, 14, 13};
    const size_t per[] = {3, 2};
    uint32_t total = school(&t, classes, per, 2);
    assert_int_equal(run(&t), 0);
    /* cells: 0 total, 1 grade 3, 2..4 its classes, 5 grade 4, 6..7 its classes */
    assert_int_equal(t.state[4], SUPP_PRIMARY);
    /* the 7 and the next smallest class beside it (11): together 18, at least 10 */
    assert_int_equal(t.state[3], SUPP_COMPLEMENT);
    assert_int_equal(t.state[2], SUPP_SHOWN);
    assert_int_equal(t.state[total], SUPP_SHOWN);
    assert_int_equal(t.state[1], SUPP_SHOWN);
    assert_int_equal(t.state[5], SUPP_SHOWN);
    check_published(&t, "class of seven");
    check_by_enumeration(&t, "class of seven");
}

static void test_small_pair_needs_a_third(void **state)
{
    (void)state;
    /* classes of 3 and 4 beside 20: hiding 3 and 4 alone gives 7 = 27 - 20 */
    static struct tab t;
    memset(&t, 0, sizeof(t));
    uint32_t g = cell(&t, 27);
    uint32_t c[3] = {cell(&t, 3), cell(&t, 4), cell(&t, 20)};
    relate(&t, g, c, 3);
    assert_int_equal(run(&t), 0);
    assert_int_equal(t.state[c[0]], SUPP_PRIMARY);
    assert_int_equal(t.state[c[1]], SUPP_PRIMARY);
    assert_int_equal(t.state[c[2]], SUPP_COMPLEMENT);
    assert_int_equal(t.state[g], SUPP_SHOWN);
    check_published(&t, "small pair");
    check_by_enumeration(&t, "small pair");
}

static void test_small_total_hides_everything_below(void **state)
{
    (void)state;
    static struct tab t;
    memset(&t, 0, sizeof(t));
    /* a grade of 8 in two classes (5, 3) beside a grade of 40 */
    const int64_t classes[] = {5, 3, 20, 20};
    const size_t per[] = {2, 2};
    uint32_t total = school(&t, classes, per, 2);
    assert_int_equal(run(&t), 0);
    assert_int_equal(t.state[1], SUPP_PRIMARY); /* grade of 8 */
    assert_int_equal(t.state[2], SUPP_PRIMARY);
    assert_int_equal(t.state[3], SUPP_PRIMARY);
    /* the school total would give the grade of 8 away: the other grade goes too */
    assert_int_equal(t.state[4], SUPP_COMPLEMENT);
    assert_int_equal(t.state[total], SUPP_SHOWN);
    check_published(&t, "small grade");
}

static void test_cross_table_ones(void **state)
{
    (void)state;
    /*
     * A 2 x 3 cross table with margins where the line rules alone leave a
     * corner pinned by the "at least 1" bounds: the audit must find it.
     *      1   1  30 | 32
     *      1   1  30 | 32
     *     --------------
     *      2   2  60 | 64
     */
    static struct tab t;
    memset(&t, 0, sizeof(t));
    int64_t v[2][3] = {{1, 1, 30}, {1, 1, 30}};
    uint32_t x[2][3], row[2], colm[3], total;
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 3; j++)
            x[i][j] = cell(&t, v[i][j]);
    for (int i = 0; i < 2; i++)
        row[i] = cell(&t, 32);
    colm[0] = cell(&t, 2);
    colm[1] = cell(&t, 2);
    colm[2] = cell(&t, 60);
    total = cell(&t, 64);
    for (int i = 0; i < 2; i++)
        relate(&t, row[i], x[i], 3);
    for (int j = 0; j < 3; j++) {
        uint32_t p[2] = {x[0][j], x[1][j]};
        relate(&t, colm[j], p, 2);
    }
    relate(&t, total, row, 2);
    relate(&t, total, colm, 3);
    assert_int_equal(run(&t), 0);
    check_published(&t, "cross table of ones");
}

static void test_nothing_small_nothing_hidden(void **state)
{
    (void)state;
    static struct tab t;
    memset(&t, 0, sizeof(t));
    const int64_t classes[] = {25, 24, 26, 22, 0};
    const size_t per[] = {2, 3};
    school(&t, classes, per, 2);
    assert_int_equal(run(&t), 0);
    for (size_t c = 0; c < t.n; c++)
        assert_int_equal(t.state[c], SUPP_SHOWN);
}

static void test_whole_table_small(void **state)
{
    (void)state;
    static struct tab t;
    memset(&t, 0, sizeof(t));
    const int64_t classes[] = {2, 3, 1};
    const size_t per[] = {2, 1};
    school(&t, classes, per, 2);
    assert_int_equal(run(&t), 0);
    for (size_t c = 0; c < t.n; c++)
        assert_int_equal(t.state[c], SUPP_PRIMARY);
    check_published(&t, "all small");
}

static void test_bad_input(void **state)
{
    (void)state;
    static struct tab t;
    struct pool p = {0};
    struct supp_alloc mem = {pool_alloc, &p};
    memset(&t, 0, sizeof(t));
    uint32_t g = cell(&t, 30);
    uint32_t c[2] = {cell(&t, 12), cell(&t, 17)}; /* 29, not 30 */
    relate(&t, g, c, 2);
    struct supp_table v = view(&t);
    assert_int_equal(suppress_table(&v, N_MIN, &mem, t.state), -EINVAL);
    t.count[c[1]] = 18;
    assert_int_equal(suppress_table(&v, 1, &mem, t.state), -EINVAL);
    assert_int_equal(suppress_table(&v, N_MIN, &mem, t.state), 0);
    t.parts[0] = 99; /* a cell that is not there */
    assert_int_equal(suppress_table(&v, N_MIN, &mem, t.state), -EINVAL);
    t.parts[0] = c[0];
    t.count[c[0]] = -1;
    assert_int_equal(suppress_table(&v, N_MIN, &mem, t.state), -EINVAL);
    int64_t lo, hi;
    t.count[c[0]] = 12;
    assert_int_equal(suppress_bounds(&v, t.state, g, &mem, &lo, &hi), -ENOENT);
    pool_free(&p);
}

static void test_out_of_memory(void **state)
{
    (void)state;
    static struct tab t, ref;
    memset(&t, 0, sizeof(t));
    const int64_t classes[] = {12, 11, 7, 14, 13, 4, 30};
    const size_t per[] = {3, 2, 2};
    school(&t, classes, per, 3);
    ref = t;
    assert_int_equal(run(&ref), 0);
    for (long n = 1;; n++) {
        struct pool p = {.fail_at = n};
        struct supp_alloc mem = {pool_alloc, &p};
        struct supp_table v = view(&t);
        int r = suppress_table(&v, N_MIN, &mem, t.state);
        pool_free(&p);
        if (r == 0) {
            assert_memory_equal(t.state, ref.state, t.n);
            break;
        }
        assert_int_equal(r, -ENOMEM);
        assert_true(n < 1000);
    }
}

/* ---- random tables ---- */

static uint64_t rng_state = 0x5eed5eed5eedULL;

static uint32_t rnd(uint32_t n)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return (uint32_t)((z ^ (z >> 31)) % n);
}

/* a class size: a third of them small */
static int64_t size_of_class(void)
{
    return rnd(3) == 0 ? 1 + rnd(9) : 10 + rnd(25);
}

/* A district: schools x grades (with margins), classes under each school-grade cell. */
static void random_district(struct tab *t)
{
    size_t ns = 1 + rnd(5), ng = 1 + rnd(4);
    uint32_t S[8], G[8], X[8][8], T;
    int64_t xs[8][8];
    memset(t, 0, sizeof(*t));
    T = cell(t, 0);
    for (size_t i = 0; i < ns; i++)
        S[i] = cell(t, 0);
    for (size_t j = 0; j < ng; j++)
        G[j] = cell(t, 0);
    for (size_t i = 0; i < ns; i++)
        for (size_t j = 0; j < ng; j++) {
            size_t nc = rnd(4); /* 0: the school has no such grade */
            uint32_t cls[8];
            int64_t sum = 0;
            X[i][j] = cell(t, 0);
            for (size_t k = 0; k < nc; k++) {
                int64_t v = size_of_class();
                cls[k] = cell(t, v);
                sum += v;
            }
            if (nc)
                relate(t, X[i][j], cls, nc);
            t->count[X[i][j]] = xs[i][j] = sum;
        }
    int64_t tot = 0;
    for (size_t i = 0; i < ns; i++) {
        int64_t s = 0;
        for (size_t j = 0; j < ng; j++)
            s += xs[i][j];
        t->count[S[i]] = s;
        tot += s;
        relate(t, S[i], X[i], ng);
    }
    for (size_t j = 0; j < ng; j++) {
        uint32_t col[8];
        int64_t s = 0;
        for (size_t i = 0; i < ns; i++) {
            col[i] = X[i][j];
            s += xs[i][j];
        }
        t->count[G[j]] = s;
        relate(t, G[j], col, ns);
    }
    t->count[T] = tot;
    relate(t, T, S, ns);
    relate(t, T, G, ng);
}

/* An r x c table with row and column margins and a grand total. */
static void random_cross(struct tab *t)
{
    size_t nr = 2 + rnd(5), nc = 2 + rnd(5);
    uint32_t x[8][8], R[8], C[8], T;
    int64_t v[8][8], tot = 0;
    memset(t, 0, sizeof(*t));
    for (size_t i = 0; i < nr; i++)
        for (size_t j = 0; j < nc; j++) {
            v[i][j] = rnd(5) == 0 ? 0 : size_of_class();
            x[i][j] = cell(t, v[i][j]);
            tot += v[i][j];
        }
    for (size_t i = 0; i < nr; i++) {
        int64_t s = 0;
        for (size_t j = 0; j < nc; j++)
            s += v[i][j];
        R[i] = cell(t, s);
        relate(t, R[i], x[i], nc);
    }
    for (size_t j = 0; j < nc; j++) {
        uint32_t col[8];
        int64_t s = 0;
        for (size_t i = 0; i < nr; i++) {
            col[i] = x[i][j];
            s += v[i][j];
        }
        C[j] = cell(t, s);
        relate(t, C[j], col, nr);
    }
    T = cell(t, tot);
    relate(t, T, R, nr);
    relate(t, T, C, nc);
}

/* A district's weekly active students: the district is the sum of its schools. */
static void random_star(struct tab *t)
{
    size_t n = 1 + rnd(10);
    uint32_t parts[16], T;
    int64_t tot = 0;
    memset(t, 0, sizeof(*t));
    T = cell(t, 0);
    for (size_t i = 0; i < n; i++) {
        int64_t v = rnd(4) == 0 ? 0 : rnd(2) ? 1 + rnd(12) : 10 + rnd(200);
        parts[i] = cell(t, v);
        tot += v;
    }
    t->count[T] = tot;
    relate(t, T, parts, n);
}

static void test_random_tables(void **state)
{
    (void)state;
    static struct tab t, again;
    size_t hidden = 0, complements = 0, tables = 0;
    char name[64];

    for (int i = 0; i < 3000; i++) {
        int kind = i % 3;
        if (kind == 0)
            random_district(&t);
        else if (kind == 1)
            random_cross(&t);
        else
            random_star(&t);
        snprintf(name, sizeof(name), "random table %d (%s)", i,
                 kind == 0   ? "district"
                 : kind == 1 ? "cross"
                             : "star");
        assert_int_equal(run(&t), 0);
        check_published(&t, name);
        /* the same table hides the same cells */
        again = t;
        assert_int_equal(run(&again), 0);
        assert_memory_equal(again.state, t.state, t.n);
        for (size_t c = 0; c < t.n; c++) {
            hidden += t.state[c] != SUPP_SHOWN;
            complements += t.state[c] == SUPP_COMPLEMENT;
        }
        tables++;
    }
    /* the random tables exercise complementary suppression, not only primary */
    assert_true(complements > tables / 2);
    print_message("# %zu random tables, %zu hidden cells, %zu of them complements\n", tables,
                  hidden, complements);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_class_of_seven),
        cmocka_unit_test(test_small_pair_needs_a_third),
        cmocka_unit_test(test_small_total_hides_everything_below),
        cmocka_unit_test(test_cross_table_ones),
        cmocka_unit_test(test_nothing_small_nothing_hidden),
        cmocka_unit_test(test_whole_table_small),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_out_of_memory),
        cmocka_unit_test(test_random_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

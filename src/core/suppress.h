/*
 * Small-cell suppression for published aggregates (NCES practice; FERPA
 * 34 CFR 99.31(b)(1): an aggregate must not make a student identifiable).
 *
 * A table is a set of cells, each a count of students, and relations
 * between them: "cell t is the sum of cells p1..pk" (a school is the sum of
 * its grades, a grade of its classes, a row of a cross table of its
 * cells, a column too). Everyone who reads the published cells knows the
 * relations, so hiding a cell is not enough: it must not be computable
 * from the others.
 *
 * suppress_table() decides which cells to hide:
 *
 *   1. primary: every cell counting 1 to min_n - 1 students;
 *   2. complementary, until nothing changes:
 *      - a relation with exactly one hidden cell gets a second one (the
 *        smallest shown part, a total only when no part is left: a school's
 *        total is worth more than one of its classes);
 *      - a relation whose total is shown, and whose hidden parts together
 *        count fewer than min_n students, hides its smallest shown part
 *        (the difference total - shown parts would count that group);
 *      - the audit: for every hidden cell, the interval the published
 *        cells and the relations allow (every hidden cell is known to be at
 *        least 1, for it is listed) is computed by linear programming over
 *        the hidden cells connected to it; a cell pinned to one value gets
 *        one more complement in one of its relations.
 *
 * Cells that count 0 students are never hidden and never chosen as
 * complements: they are not published (a class with no student is not
 * listed), and a reader may assume they are 0.
 *
 * The result is the same for the same table (no randomness), so two views
 * that publish parts of one table hide the same cells.
 *
 * Pure: no I/O, no clock, no globals. Memory comes from the caller's
 * allocator (it may be an arena: nothing is freed, and the caller releases
 * it all); reentrant.
 */
#ifndef TRELLIS_CORE_SUPPRESS_H
#define TRELLIS_CORE_SUPPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* cell `total` equals the sum of cells parts[0..n_parts-1] */
struct supp_relation {
    uint32_t total;
    const uint32_t *parts;
    uint32_t n_parts;
};

struct supp_table {
    size_t n_cells;
    const int64_t *count; /* students in each cell, >= 0 */
    const struct supp_relation *rel;
    size_t n_rel;
};

enum supp_state {
    SUPP_SHOWN = 0,
    SUPP_PRIMARY = 1,    /* fewer than min_n students */
    SUPP_COMPLEMENT = 2, /* hidden so that a primary cell cannot be worked out */
};

/* Allocation for suppress_table(): alloc(arg, n) returns n bytes or NULL. */
struct supp_alloc {
    void *(*alloc)(void *arg, size_t n);
    void *arg;
};

/*
 * Fill state[0..n_cells-1] (enum supp_state) for t with threshold min_n
 * (2 or more). 0 on success; -EINVAL when a relation names a cell out of
 * range or the counts do not satisfy the relations (nothing could be
 * audited), -ENOMEM when the allocator fails. On failure state is
 * undefined and nothing may be published.
 */
int suppress_table(const struct supp_table *t, int64_t min_n, const struct supp_alloc *mem,
                   uint8_t *state);

/*
 * The audit alone: the smallest and largest value cell k can take given
 * the shown cells' counts, the relations, and every hidden cell being at
 * least 1 (ret_max is INT64_MAX when nothing bounds it). For the cell's
 * own state as computed by suppress_table(), or any other hiding. 0, or
 * -EINVAL / -ENOMEM as above; -ENOENT when cell k is shown.
 */
int suppress_bounds(const struct supp_table *t, const uint8_t *state, uint32_t k,
                    const struct supp_alloc *mem, int64_t *ret_min, int64_t *ret_max);

#endif

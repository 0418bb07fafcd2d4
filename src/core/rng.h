/*
 * A small deterministic pseudo-random generator (SplitMix64, after Steele,
 * Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA
 * 2014) for random starts, fold assignment and simulations in tests.
 *
 * The state lives in the caller's struct rng, so it is reentrant; it is not
 * for anything secret (base/rand.h is).
 */
#ifndef TRELLIS_CORE_RNG_H
#define TRELLIS_CORE_RNG_H

#include <stdint.h>

struct rng {
    uint64_t s;
};

static inline void rng_seed(struct rng *r, uint64_t seed)
{
    r->s = seed;
}

static inline uint64_t rng_next(struct rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1), 53 random bits. */
static inline double rng_double(struct rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

static inline double rng_uniform(struct rng *r, double lo, double hi)
{
    return lo + (hi - lo) * rng_double(r);
}

/* Uniform in [0, n) for n > 0 (Lemire's multiply-shift; the bias is below 2^-32 for n < 2^32). */
static inline uint32_t rng_below(struct rng *r, uint32_t n)
{
    return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

#endif

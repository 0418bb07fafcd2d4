/*
 * Cryptographically secure random bytes from the kernel (getrandom(2)).
 * Thread-safe. Used for ids, tokens and nonces.
 */
#ifndef TRELLIS_RAND_H
#define TRELLIS_RAND_H

#include <stddef.h>
#include <stdint.h>

/* Fill p with n random bytes: 0 or -EIO. */
int rand_bytes(void *p, size_t n);
/* A uniform random number in [0, bound) (bound > 0); 0 on failure of the source. */
uint64_t rand_below(uint64_t bound);

#endif

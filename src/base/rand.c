/*
 * rand: see rand.h.
 */
#include "base/common.h"

#include <sys/random.h>

#include "base/rand.h"

int rand_bytes(void *p, size_t n)
{
    unsigned char *b = p;
    while (n) {
        ssize_t got = getrandom(b, n, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return -EIO;
        }
        b += got;
        n -= (size_t)got;
    }
    return 0;
}

uint64_t rand_below(uint64_t bound)
{
    uint64_t x, lim = UINT64_MAX - UINT64_MAX % bound;
    do {
        if (rand_bytes(&x, sizeof(x)) < 0)
            return 0;
    } while (x >= lim);
    return x % bound;
}

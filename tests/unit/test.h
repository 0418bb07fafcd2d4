/*
 * Common includes for cmocka unit tests. cmocka.h needs setjmp.h, stdarg.h
 * and stddef.h first, in a block of their own.
 */
#ifndef TRELLIS_TEST_H
#define TRELLIS_TEST_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

/* Debian's cmocka 1.1.5 has no assert_double_equal. */
#define assert_near(a, b, eps)                                                           \
    do {                                                                                 \
        double a_ = (a), b_ = (b);                                                       \
        if (!(fabs(a_ - b_) <= (eps)))                                                   \
            fail_msg("%s = %.17g, expected %.17g within %g", #a, a_, b_, (double)(eps)); \
    } while (0)

#endif

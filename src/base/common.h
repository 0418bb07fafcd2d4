/*
 * Included first by every Trellis C file: feature macros, the few helper
 * macros every module uses, and (last) banned.h.
 */
#ifndef TRELLIS_COMMON_H
#define TRELLIS_COMMON_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)     ((a) < (b) ? (a) : (b))
#define MAX(a, b)     ((a) > (b) ? (a) : (b))
#define UNUSED(x)     ((void)(x))

#if defined(__GNUC__)
#define PRINTF_FMT(a, b) __attribute__((format(printf, a, b)))
#define WARN_UNUSED      __attribute__((warn_unused_result))
#else
#define PRINTF_FMT(a, b)
#define WARN_UNUSED
#endif

#include "base/banned.h"

#endif

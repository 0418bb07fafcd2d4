/*
 * UUIDs (RFC 9562) as 16 bytes; text in the 8-4-4-4-12 form. Pure except
 * uuid_v4, which reads the kernel's random source.
 */
#ifndef TRELLIS_UUID_H
#define TRELLIS_UUID_H

#include <stdint.h>

#include "base/str.h"

#define UUID_STR_LEN 36

/* Parse "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (either case): 0 or -EINVAL. */
int uuid_parse(struct str s, uint8_t ret[16]);
/* Lowercase text form; out holds at least 37 bytes. */
void uuid_format(const uint8_t u[16], char *out);
/* A random (version 4) UUID: 0 or -EIO. */
int uuid_v4(uint8_t ret[16]);

#endif

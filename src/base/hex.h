/*
 * Hexadecimal and base64 (RFC 4648, standard and URL-safe alphabets)
 * encoding, on libsodium's codecs (sodium_bin2hex, sodium_hex2bin,
 * sodium_bin2base64, sodium_base642bin). Pure and reentrant; no
 * sodium_init() needed.
 */
#ifndef TRELLIS_HEX_H
#define TRELLIS_HEX_H

#include <stddef.h>
#include <stdint.h>

#include "base/str.h"

/* 0-15 for a hex digit (either case), else -1. */
int hex_value(char c);
/* Lowercase hex of n bytes into out (2n + 1 bytes, NUL-terminated). */
void hex_encode(const void *p, size_t n, char *out);
/* Exactly n bytes from 2n hex digits: 0 or -EINVAL. */
int hex_decode(struct str s, void *out, size_t n);

/* Length of the base64 text (with padding) for n bytes, without the NUL. */
size_t base64_encoded_len(size_t n);
/* Encode n bytes with padding; out holds base64_encoded_len(n) + 1 bytes. */
void base64_encode(const void *p, size_t n, char *out);
/* URL-safe alphabet, no padding; out holds (4n + 2) / 3 + 1 bytes (the text and its NUL). */
void base64url_encode(const void *p, size_t n, char *out);
/*
 * Decode standard base64 (padding required when url is false) or base64url
 * (padding optional when url is true) into out, which holds at least
 * s.len / 4 * 3 + 3 bytes. Whitespace is not accepted. Returns the decoded
 * length or -EINVAL.
 */
long base64_decode(struct str s, bool url, uint8_t *out);

#endif

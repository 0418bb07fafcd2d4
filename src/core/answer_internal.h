/*
 * What answer.c, answer_expr.c and answer_text.c share and nobody else
 * uses: reading unsigned decimals (with the decimal-comma rule of
 * answer.h), UTF-8 decoding, and the few characters every answer type
 * reads the same way (minus signs, white space).
 */
#ifndef TRELLIS_CORE_ANSWER_INTERNAL_H
#define TRELLIS_CORE_ANSWER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An unsigned decimal as read: the value is mant * 10^exp10. */
struct answer_dec {
    uint64_t mant;  /* up to 19 significant digits */
    int32_t exp10;  /* scale */
    bool exact;     /* every digit is in mant (else digits were dropped) */
    bool has_point; /* a decimal point or comma was read */
};

/*
 * Read digits [. digits] (or [, digits]) from s[i] on, without sign or
 * exponent. 1 and *end past it on success; 0 if s[i] does not start a
 * number; -EINVAL for a comma followed by exactly three digits and no
 * more (ambiguous: thousands or decimals), *end at the comma.
 */
int answer_dec_read(const char *s, size_t len, size_t i, size_t *end, struct answer_dec *ret);

/* The nearest double (within a few ulps; exact for up to 15 digits and |exp10| <= 22). */
double answer_dec_value(const struct answer_dec *d);

/*
 * The next code point at s[*i] (advancing *i), or -1 for invalid UTF-8
 * (overlong, surrogate, past U+10FFFF, truncated), *i unchanged.
 */
int32_t answer_utf8_next(const char *s, size_t len, size_t *i);

/* 0 if s is valid UTF-8 without NUL bytes, else -EILSEQ. */
int answer_utf8_check(const char *s, size_t len);

/* White space answers may contain: ASCII space and controls \t\n\v\f\r, U+00A0, U+2000-200A,
 * U+202F, U+205F, U+3000. */
bool answer_is_space(int32_t cp);

/* '-' or U+2212 MINUS SIGN. */
bool answer_is_minus(int32_t cp);

#endif

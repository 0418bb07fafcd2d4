/*
 * Read-only string views, (pointer, length), after nginx's ngx_str_t.
 *
 * Parsers walk input through views and never write into it; a view borrows
 * from whatever holds the bytes. All functions are pure and reentrant.
 */
#ifndef TRELLIS_STR_H
#define TRELLIS_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct str {
    const char *p;
    size_t len;
};

#define STR_LIT(s) ((struct str){(s), sizeof(s) - 1})
#define STR_NULL   ((struct str){NULL, 0})
/* printf("%.*s", STR_FMT(s)) */
#define STR_FMT(s) (int)(s).len, (s).p

/* A view of a C string (NULL gives an empty view). */
struct str str_from(const char *s);
bool str_eq(struct str a, struct str b);
bool str_eq_cstr(struct str a, const char *b);
/* ASCII case-insensitive comparison. */
bool str_eq_nocase(struct str a, const char *b);
bool str_starts_with(struct str s, const char *prefix);
/* Without leading and trailing ASCII spaces and tabs. */
struct str str_trim(struct str s);
/*
 * Split off the next field of *rest at sep: the field goes to *ret_tok and
 * *rest moves past the separator. Returns false when *rest was already
 * exhausted (so "a,,b" gives "a", "", "b" and an empty input gives one "").
 */
bool str_next(struct str *rest, char sep, struct str *ret_tok);
/*
 * Strict decimal integer in [min, max]: an optional '-' and digits only, no
 * spaces, no '+'. 0, or -EINVAL (not a number) or -ERANGE (out of range);
 * *ret is written only on success.
 */
int str_to_int64(struct str s, int64_t min, int64_t max, int64_t *ret);
/* Strict finite decimal number (strtod syntax, no hex, no inf/nan). */
int str_to_double(struct str s, double *ret);
/* True if the view holds well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF). */
bool str_valid_utf8(struct str s);
/* True if every byte is printable ASCII or valid UTF-8 without C0 controls other than \t. */
bool str_is_clean_text(struct str s);

#endif

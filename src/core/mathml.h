/*
 * Math for screen readers: a small TeX subset turned into MathML Core, and
 * text with $...$ math segments turned into HTML-safe text with <math>
 * elements in it (content prompts, hints and feedback are stored that way).
 *
 * The subset: numbers (<mn>, a decimal point inside), letters (<mi>, one
 * per letter), + - = < > ( ) [ ] | , ; : ! / and their Unicode forms
 * (minus, times, divided by, dot, less/greater-or-equal, not equal,
 * degree), \frac \dfrac \tfrac, ^ and _ (with {} or one token), \sqrt and
 * \sqrt[n], {} grouping, \left and \right with a delimiter, \times \div
 * \cdot \pm \mp \le \leq \ge \geq \ne \neq \lt \gt \approx \pi \theta
 * \alpha \beta \gamma \Delta \infty \ldots \cdots \% \$ \{ \} \circ
 * \degree (^\circ after a number reads as "degrees"), \overline, \text
 * \textrm \mathrm \operatorname (their argument is shown as text), and the
 * spacing commands \, \; \: \! \quad \qquad "\ ". A number directly
 * followed by a proper fraction of two integers (2\frac{1}{3}) is a mixed
 * number: they are joined by U+2064 INVISIBLE PLUS, so a screen reader
 * says "2 and 1 third"; a number or letter directly followed by a letter or
 * a parenthesis gets U+2062 INVISIBLE TIMES.
 *
 * Everything else (an unknown command, a stray brace, a control
 * character) is shown as text inside <mtext>, escaped, and counted in
 * mathml_stats.unknown, so a content importer can refuse it. Nothing in
 * the input can produce markup of its own: every character of the output
 * outside the tags this file writes is escaped (& < > " '), invalid UTF-8
 * becomes U+FFFD.
 *
 * Bounds: nesting deeper than MATHML_MAX_DEPTH is shown as text; every
 * input byte is read once (linear time); the output of n input bytes is at
 * most mathml_bound(n) bytes. Pure and reentrant: no allocation, no
 * globals; output goes to the caller's buffer.
 */
#ifndef TRELLIS_CORE_MATHML_H
#define TRELLIS_CORE_MATHML_H

#include <stdbool.h>
#include <stddef.h>

#define MATHML_MAX_DEPTH 24

struct mathml_stats {
    unsigned segments;      /* math segments rendered */
    unsigned unknown;       /* commands or characters shown as text */
    char first_unknown[32]; /* the first of them, for an error message ("\\foo") */
};

/* Bytes of output that always suffice for n bytes of input (NUL included). */
size_t mathml_bound(size_t n);

/*
 * Render TeX (without dollars) as one <math> element (display="block" when
 * display, else inline) into out (cap bytes, NUL-terminated). 0 and
 * *ret_len, or -E2BIG when cap is too small (out then holds "").
 * st (may be NULL) is filled in. Thread-safe.
 */
int mathml_render_tex(const char *tex, size_t len, bool display, char *out, size_t cap,
                      size_t *ret_len, struct mathml_stats *st);

/*
 * Render text in which $...$ marks math (\$ is a dollar sign, in text and
 * in math; a $ without its closing $ is a dollar sign): the text escaped for
 * HTML, each segment as an inline <math> element. Line breaks are kept as
 * they are (the page shows them with white-space: pre-line). Same returns
 * as mathml_render_tex.
 */
int mathml_render_text(const char *text, size_t len, char *out, size_t cap, size_t *ret_len,
                       struct mathml_stats *st);

#endif

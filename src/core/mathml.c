/*
 * TeX subset to MathML Core: see mathml.h. A recursive-descent reader over
 * the input (depth-limited), writing straight into the caller's buffer.
 * Every branch consumes at least one byte, so the work is linear in the
 * input; an item is written whole or not at all when the buffer runs out
 * (then the call fails with -E2BIG and the output is emptied).
 */
#include "core/mathml.h"
#include "base/common.h"

struct w {
    char *out;
    size_t cap, len;
    bool full;
    struct mathml_stats *st;
    const char *p, *end; /* the TeX being read */
};

static void put(struct w *w, const char *s, size_t n)
{
    if (w->full)
        return;
    if (n >= w->cap - w->len) {
        w->full = true;
        return;
    }
    memcpy(w->out + w->len, s, n);
    w->len += n;
    w->out[w->len] = '\0';
}

static void puts_(struct w *w, const char *s)
{
    put(w, s, strlen(s));
}

static void unknown(struct w *w, const char *what, size_t n)
{
    struct mathml_stats *st = w->st;
    if (st->unknown++ == 0) {
        size_t k = MIN(n, sizeof(st->first_unknown) - 1);
        memcpy(st->first_unknown, what, k);
        st->first_unknown[k] = '\0';
    }
}

/* Length of the valid UTF-8 sequence at p (0: invalid). */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
    size_t n;
    unsigned c = p[0];
    unsigned cp;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4, cp = c & 0x07;
    else
        return 0;
    if ((size_t)(end - p) < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

/*
 * Write text escaped for HTML: & < > " ' as entities, invalid UTF-8 and C0
 * controls (except keep_nl's \n and \t) as U+FFFD.
 */
static void escaped(struct w *w, const char *s, size_t n, bool keep_nl)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;

    while (p < end) {
        unsigned c = *p;
        size_t k;
        if (c == '&')
            puts_(w, "&amp;"), k = 1;
        else if (c == '<')
            puts_(w, "&lt;"), k = 1;
        else if (c == '>')
            puts_(w, "&gt;"), k = 1;
        else if (c == '"')
            puts_(w, "&quot;"), k = 1;
        else if (c == '\'')
            puts_(w, "&#39;"), k = 1;
        else if (c < 0x20 || c == 0x7f) {
            if (keep_nl && (c == '\n' || c == '\t'))
                put(w, (const char *)p, 1);
            else
                puts_(w, "\xef\xbf\xbd");
            k = 1;
        } else if ((k = utf8_len(p, end)) == 0) {
            puts_(w, "\xef\xbf\xbd");
            k = 1;
        } else {
            put(w, (const char *)p, k);
        }
        p += k;
    }
}

/* ---- the TeX reader ---- */

enum kind { K_NONE, K_NUM, K_IDENT, K_OPEN, K_CLOSE, K_OTHER };

/* What came last at this level: decides invisible times and mixed numbers. */
struct level {
    enum kind last;
    size_t open[16]; /* where each unclosed ( or [ starts in the output */
    int n_open;
};

static void open_at(struct level *lv, size_t at)
{
    if (lv->n_open < (int)ARRAY_SIZE(lv->open))
        lv->open[lv->n_open] = at;
    lv->n_open++;
}

/* Where the group that a closing bracket ends starts (the base of a script after it). */
static size_t close_mark(struct level *lv, size_t mark)
{
    if (lv->n_open <= 0)
        return mark;
    lv->n_open--;
    return lv->n_open < (int)ARRAY_SIZE(lv->open) ? lv->open[lv->n_open] : mark;
}

static void expr(struct w *w, int depth, bool stop_at_right);

static bool at(const struct w *w, char c)
{
    return w->p < w->end && *w->p == c;
}

static void skip_space(struct w *w)
{
    while (w->p < w->end && (*w->p == ' ' || *w->p == '\t' || *w->p == '\n' || *w->p == '\r'))
        w->p++;
}

/* A control word's name after the backslash (letters), or one non-letter character. */
static size_t command_name(const struct w *w, const char *p)
{
    const char *q = p;
    if (q >= w->end)
        return 0;
    if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z')))
        return 1;
    while (q < w->end && ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z')))
        q++;
    return (size_t)(q - p);
}

static void mo(struct w *w, const char *op)
{
    puts_(w, "<mo>");
    puts_(w, op);
    puts_(w, "</mo>");
}

static void text_el(struct w *w, const char *tag, const char *s, size_t n)
{
    puts_(w, "<");
    puts_(w, tag);
    puts_(w, ">");
    escaped(w, s, n, false);
    puts_(w, "</");
    puts_(w, tag);
    puts_(w, ">");
}

/* An unknown piece of input shown as text. */
static void as_text(struct w *w, const char *s, size_t n)
{
    unknown(w, s, n);
    text_el(w, "mtext", s, n);
}

/*
 * The argument of \text{...} and friends: the bytes up to the matching
 * brace (nested braces counted, \{ \} \$ as characters), shown as text.
 */
static void text_arg(struct w *w, const char *tag)
{
    const char *start, *q;
    int nest = 0;

    skip_space(w);
    if (!at(w, '{')) {
        puts_(w, "<");
        puts_(w, tag);
        puts_(w, "></");
        puts_(w, tag);
        puts_(w, ">");
        return;
    }
    start = ++w->p;
    for (q = start; q < w->end; q++) {
        if (*q == '\\' && q + 1 < w->end) {
            q++;
            continue;
        }
        if (*q == '{')
            nest++;
        else if (*q == '}' && nest-- == 0)
            break;
    }
    /* the text itself, with \{ \} \$ \% \_ \& \# "\ " as the characters */
    puts_(w, "<");
    puts_(w, tag);
    puts_(w, ">");
    const char *run = start;
    for (const char *r = start; r < q; r++) {
        if (*r == '\\' && r + 1 < q && r[1] && strchr("{}$%_&# ", r[1])) {
            escaped(w, run, (size_t)(r - run), false);
            run = ++r;
        }
    }
    escaped(w, run, (size_t)(q - run), false);
    puts_(w, "</");
    puts_(w, tag);
    puts_(w, ">");
    w->p = q < w->end ? q + 1 : q;
}

/* One argument: {group} or a single token, as an <mrow>. */
static void arg(struct w *w, int depth)
{
    skip_space(w);
    puts_(w, "<mrow>");
    if (w->p >= w->end) {
        /* nothing */
    } else if (*w->p == '{' && depth < MATHML_MAX_DEPTH) {
        w->p++;
        expr(w, depth + 1, false);
        if (at(w, '}'))
            w->p++;
    } else if (*w->p == '\\') {
        /* one command as the argument: read it as a group of one item */
        const char *save_end = w->end;
        size_t n = 1 + command_name(w, w->p + 1);
        w->end = w->p + n;
        expr(w, depth + 1, false);
        w->end = save_end;
    } else if ((unsigned char)*w->p >= 0x80) {
        size_t k = utf8_len((const unsigned char *)w->p, (const unsigned char *)w->end);
        const char *save_end = w->end;
        w->end = w->p + (k ? k : 1);
        expr(w, depth + 1, false);
        w->end = save_end;
    } else if (*w->p == '{' || *w->p == '}') {
        as_text(w, w->p, 1);
        w->p++;
    } else {
        /* a single character: TeX takes one digit or letter */
        const char *save_end = w->end;
        w->end = w->p + 1;
        expr(w, depth + 1, false);
        w->end = save_end;
    }
    puts_(w, "</mrow>");
}

/* Is the group at p "{digits}{digits}" with the first smaller (a proper fraction)? */
static bool proper_fraction_follows(const struct w *w, const char *p)
{
    unsigned long long a = 0, b = 0;
    int na = 0, nb = 0;

    if (p >= w->end || *p != '{')
        return false;
    for (p++; p < w->end && *p >= '0' && *p <= '9' && na < 12; p++, na++)
        a = a * 10 + (unsigned)(*p - '0');
    if (na == 0 || p + 1 >= w->end || p[0] != '}' || p[1] != '{')
        return false;
    for (p += 2; p < w->end && *p >= '0' && *p <= '9' && nb < 12; p++, nb++)
        b = b * 10 + (unsigned)(*p - '0');
    if (nb == 0 || p >= w->end || *p != '}')
        return false;
    return a < b && a > 0;
}

static const struct {
    const char *name;
    const char *tag; /* mo or mi */
    const char *text;
} symbols[] = {
    {"times", "mo", "\xc3\x97"},
    {"div", "mo", "\xc3\xb7"},
    {"cdot", "mo", "\xe2\x8b\x85"},
    {"pm", "mo", "\xc2\xb1"},
    {"mp", "mo", "\xe2\x88\x93"},
    {"le", "mo", "\xe2\x89\xa4"},
    {"leq", "mo", "\xe2\x89\xa4"},
    {"ge", "mo", "\xe2\x89\xa5"},
    {"geq", "mo", "\xe2\x89\xa5"},
    {"ne", "mo", "\xe2\x89\xa0"},
    {"neq", "mo", "\xe2\x89\xa0"},
    {"lt", "mo", "&lt;"},
    {"gt", "mo", "&gt;"},
    {"approx", "mo", "\xe2\x89\x88"},
    {"infty", "mi", "\xe2\x88\x9e"},
    {"pi", "mi", "\xcf\x80"},
    {"theta", "mi", "\xce\xb8"},
    {"alpha", "mi", "\xce\xb1"},
    {"beta", "mi", "\xce\xb2"},
    {"gamma", "mi", "\xce\xb3"},
    {"Delta", "mo", "\xce\x94"},
    {"ldots", "mo", "\xe2\x80\xa6"},
    {"cdots", "mo", "\xe2\x8b\xaf"},
    {"dots", "mo", "\xe2\x80\xa6"},
    {"circ", "mo", "\xe2\x88\x98"},
    {"degree", "mo", "\xc2\xb0"},
    {"%", "mo", "%"},
    {"$", "mi", "$"},
    {"{", "mo", "{"},
    {"}", "mo", "}"},
    {"angle", "mo", "\xe2\x88\xa0"},
    {"triangle", "mo", "\xe2\x96\xb3"},
    {"perp", "mo", "\xe2\x8a\xa5"},
    {"parallel", "mo", "\xe2\x88\xa5"},
    {"rightarrow", "mo", "\xe2\x86\x92"},
    {"to", "mo", "\xe2\x86\x92"},
    {"square", "mo", "\xe2\x96\xa1"},
};

static bool name_is(const char *p, size_t n, const char *s)
{
    return strlen(s) == n && memcmp(p, s, n) == 0;
}

/* After a base: ^ and _ scripts, and ^\circ as degrees. Wraps what expr wrote from mark. */
static void scripts(struct w *w, size_t mark, int depth, struct level *lv)
{
    for (;;) {
        skip_space(w);
        if (!(at(w, '^') || at(w, '_')))
            return;
        /* ^\circ and ^{\circ}: degrees, written after the base */
        if (*w->p == '^') {
            const char *q = w->p + 1;
            while (q < w->end && *q == ' ')
                q++;
            bool brace = q < w->end && *q == '{';
            const char *r = brace ? q + 1 : q;
            if ((size_t)(w->end - r) >= 5 && memcmp(r, "\\circ", 5) == 0 &&
                (r + 5 >= w->end ||
                 !((r[5] >= 'a' && r[5] <= 'z') || (r[5] >= 'A' && r[5] <= 'Z'))) &&
                (!brace || (r + 5 < w->end && r[5] == '}'))) {
                w->p = r + 5 + (brace ? 1 : 0);
                mo(w, "\xc2\xb0");
                lv->last = K_OTHER;
                continue;
            }
        }
        if (depth >= MATHML_MAX_DEPTH) {
            as_text(w, w->p, 1);
            w->p++;
            continue;
        }
        bool sup = *w->p == '^';
        w->p++;
        /* move the base (written from mark) inside the script element */
        const char *open = sup ? "<msup><mrow>" : "<msub><mrow>";
        size_t olen = strlen(open);
        if (!w->full) {
            if (olen >= w->cap - w->len) {
                w->full = true;
            } else {
                memmove(w->out + mark + olen, w->out + mark, w->len - mark);
                memcpy(w->out + mark, open, olen);
                w->len += olen;
                w->out[w->len] = '\0';
            }
        }
        puts_(w, "</mrow>");
        arg(w, depth + 1);
        puts_(w, sup ? "</msup>" : "</msub>");
        lv->last = K_CLOSE;
    }
}

/* One item at this level (and its scripts). */
static void item(struct w *w, int depth, struct level *lv)
{
    size_t mark = w->len;
    const char *p = w->p;
    unsigned char c = (unsigned char)*p;

    if (c >= '0' && c <= '9') {
        const char *q = p;
        while (q < w->end && *q >= '0' && *q <= '9')
            q++;
        if (q + 1 < w->end && *q == '.' && q[1] >= '0' && q[1] <= '9') {
            q++;
            while (q < w->end && *q >= '0' && *q <= '9')
                q++;
        }
        text_el(w, "mn", p, (size_t)(q - p));
        w->p = q;
        lv->last = K_NUM;
        scripts(w, mark, depth, lv);
        return;
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        if (lv->last == K_NUM || lv->last == K_IDENT || lv->last == K_CLOSE) {
            mo(w, "\xe2\x81\xa2"); /* invisible times */
            mark = w->len;
        }
        text_el(w, "mi", p, 1);
        w->p++;
        lv->last = K_IDENT;
        scripts(w, mark, depth, lv);
        return;
    }
    if (c == '{') {
        if (depth >= MATHML_MAX_DEPTH) {
            as_text(w, p, 1);
            w->p++;
            lv->last = K_OTHER;
            return;
        }
        w->p++;
        puts_(w, "<mrow>");
        expr(w, depth + 1, false);
        puts_(w, "</mrow>");
        if (at(w, '}'))
            w->p++;
        lv->last = K_CLOSE;
        scripts(w, mark, depth, lv);
        return;
    }
    if (c == '}') {
        as_text(w, p, 1);
        w->p++;
        lv->last = K_OTHER;
        return;
    }
    if (c == '\\') {
        size_t n = command_name(w, p + 1);
        const char *name = p + 1;
        w->p = p + 1 + n;
        if (n == 0) {
            as_text(w, p, 1);
            lv->last = K_OTHER;
            return;
        }
        if (name_is(name, n, "frac") || name_is(name, n, "dfrac") || name_is(name, n, "tfrac")) {
            skip_space(w);
            if (lv->last == K_NUM && proper_fraction_follows(w, w->p)) {
                mo(w, "\xe2\x81\xa4"); /* invisible plus: a mixed number */
                mark = w->len;
            } else if (lv->last == K_NUM || lv->last == K_IDENT || lv->last == K_CLOSE) {
                mo(w, "\xe2\x81\xa2");
                mark = w->len;
            }
            if (depth >= MATHML_MAX_DEPTH) {
                as_text(w, p, 1 + n);
                lv->last = K_OTHER;
                return;
            }
            puts_(w, "<mfrac>");
            arg(w, depth + 1);
            arg(w, depth + 1);
            puts_(w, "</mfrac>");
            lv->last = K_CLOSE;
            scripts(w, mark, depth, lv);
            return;
        }
        if (name_is(name, n, "sqrt")) {
            if (lv->last == K_NUM || lv->last == K_IDENT || lv->last == K_CLOSE) {
                mo(w, "\xe2\x81\xa2");
                mark = w->len;
            }
            if (depth >= MATHML_MAX_DEPTH) {
                as_text(w, p, 1 + n);
                lv->last = K_OTHER;
                return;
            }
            skip_space(w);
            if (at(w, '[')) {
                /* \sqrt[n]{x}: <mroot> takes the base first, then the index */
                const char *idx = ++w->p, *q = idx;
                while (q < w->end && *q != ']')
                    q++;
                const char *save_end = w->end;
                w->p = q < w->end ? q + 1 : q;
                puts_(w, "<mroot>");
                arg(w, depth + 1);
                const char *after = w->p;
                w->p = idx;
                w->end = q;
                puts_(w, "<mrow>");
                expr(w, depth + 1, false);
                puts_(w, "</mrow>");
                w->end = save_end;
                w->p = after;
                puts_(w, "</mroot>");
            } else {
                puts_(w, "<msqrt>");
                arg(w, depth + 1);
                puts_(w, "</msqrt>");
            }
            lv->last = K_CLOSE;
            scripts(w, mark, depth, lv);
            return;
        }
        if (name_is(name, n, "overline")) {
            if (depth >= MATHML_MAX_DEPTH) {
                as_text(w, p, 1 + n);
                lv->last = K_OTHER;
                return;
            }
            puts_(w, "<mover>");
            arg(w, depth + 1);
            puts_(w, "<mo>\xe2\x80\xbe</mo></mover>");
            lv->last = K_CLOSE;
            scripts(w, mark, depth, lv);
            return;
        }
        if (name_is(name, n, "text") || name_is(name, n, "textrm") || name_is(name, n, "mathrm") ||
            name_is(name, n, "operatorname")) {
            text_arg(w, name_is(name, n, "text") || name_is(name, n, "textrm") ? "mtext" : "mi");
            lv->last = K_OTHER;
            scripts(w, mark, depth, lv);
            return;
        }
        if (name_is(name, n, "left") || name_is(name, n, "right")) {
            skip_space(w);
            if (w->p < w->end && *w->p && strchr("()[]|.", *w->p)) {
                char d[2] = {*w->p, 0};
                bool open = name[0] == 'l'; /* \left opens whatever its delimiter */
                w->p++;
                if (open && (lv->last == K_NUM || lv->last == K_IDENT || lv->last == K_CLOSE))
                    mo(w, "\xe2\x81\xa2");
                if (open)
                    open_at(lv, w->len);
                else
                    mark = close_mark(lv, mark);
                if (d[0] != '.')
                    mo(w, d);
                lv->last = open ? K_OPEN : K_CLOSE;
            } else if (w->p + 1 < w->end && w->p[0] == '\\' && (w->p[1] == '{' || w->p[1] == '}')) {
                char d[2] = {w->p[1], 0};
                w->p += 2;
                mo(w, d);
                lv->last = d[0] == '{' ? K_OPEN : K_CLOSE;
            } else {
                as_text(w, p, 1 + n);
                lv->last = K_OTHER;
            }
            if (lv->last == K_CLOSE)
                scripts(w, mark, depth, lv);
            return;
        }
        if (name_is(name, n, ",") || name_is(name, n, ";") || name_is(name, n, ":") ||
            name_is(name, n, " ")) {
            puts_(w, "<mspace width=\"0.2em\"></mspace>");
            return;
        }
        if (name_is(name, n, "!"))
            return;
        if (name_is(name, n, "quad") || name_is(name, n, "qquad")) {
            puts_(w, "<mspace width=\"1em\"></mspace>");
            return;
        }
        for (size_t i = 0; i < ARRAY_SIZE(symbols); i++) {
            if (!name_is(name, n, symbols[i].name))
                continue;
            bool ident = symbols[i].tag[1] == 'i';
            if (ident && (lv->last == K_NUM || lv->last == K_IDENT || lv->last == K_CLOSE)) {
                mo(w, "\xe2\x81\xa2");
                mark = w->len;
            }
            puts_(w, "<");
            puts_(w, symbols[i].tag);
            puts_(w, ">");
            puts_(w, symbols[i].text);
            puts_(w, "</");
            puts_(w, symbols[i].tag);
            puts_(w, ">");
            lv->last = ident ? K_IDENT : K_OTHER;
            scripts(w, mark, depth, lv);
            return;
        }
        as_text(w, p, 1 + n);
        lv->last = K_OTHER;
        return;
    }
    if (c == '^' || c == '_') {
        /* a script with no base */
        puts_(w, "<mrow></mrow>");
        lv->last = K_OTHER;
        scripts(w, mark, depth, lv);
        return;
    }
    if (c == '(' || c == '[') {
        if (lv->last == K_NUM || lv->last == K_IDENT || lv->last == K_CLOSE) {
            mo(w, "\xe2\x81\xa2");
        }
        char d[2] = {(char)c, 0};
        open_at(lv, w->len);
        mo(w, d);
        w->p++;
        lv->last = K_OPEN;
        return;
    }
    if (c == ')' || c == ']') {
        char d[2] = {(char)c, 0};
        mark = close_mark(lv, mark);
        mo(w, d);
        w->p++;
        lv->last = K_CLOSE;
        scripts(w, mark, depth, lv);
        return;
    }
    if (c == '-') {
        mo(w, "\xe2\x88\x92"); /* minus sign */
        w->p++;
        lv->last = K_OTHER;
        return;
    }
    if (c == '<' || c == '>') {
        mo(w, c == '<' ? "&lt;" : "&gt;");
        w->p++;
        lv->last = K_OTHER;
        return;
    }
    if (c == '.' && w->p + 1 < w->end && w->p[1] >= '0' && w->p[1] <= '9') {
        /* .5 */
        const char *q = p + 1;
        while (q < w->end && *q >= '0' && *q <= '9')
            q++;
        text_el(w, "mn", p, (size_t)(q - p));
        w->p = q;
        lv->last = K_NUM;
        scripts(w, mark, depth, lv);
        return;
    }
    if (c && strchr("+=|,;:!/*.'", (int)c)) {
        char d[2] = {(char)c, 0};
        if (c == '\'') {
            mo(w, "\xe2\x80\xb2"); /* prime */
        } else {
            mo(w, d);
        }
        w->p++;
        lv->last = c == '|' || c == '!' || c == '\'' ? K_CLOSE : K_OTHER;
        if (lv->last == K_CLOSE)
            scripts(w, mark, depth, lv);
        return;
    }
    if (c >= 0x80) {
        size_t k = utf8_len((const unsigned char *)p, (const unsigned char *)w->end);
        static const char *const ops[] = {
            "\xe2\x88\x92", "\xc3\x97",     "\xc3\xb7",     "\xe2\x8b\x85", "\xc2\xb7",
            "\xe2\x89\xa4", "\xe2\x89\xa5", "\xe2\x89\xa0", "\xc2\xb1",     "\xe2\x89\x88",
        };
        if (k == 0) {
            as_text(w, p, 1);
            w->p++;
            lv->last = K_OTHER;
            return;
        }
        if (k == 2 && memcmp(p, "\xc2\xb0", 2) == 0) {
            mo(w, "\xc2\xb0");
            w->p += k;
            lv->last = K_OTHER;
            return;
        }
        for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
            if (strlen(ops[i]) == k && memcmp(p, ops[i], k) == 0) {
                put(w, "<mo>", 4);
                put(w, p, k);
                put(w, "</mo>", 5);
                w->p += k;
                lv->last = K_OTHER;
                return;
            }
        }
        if (k == 2 && memcmp(p, "\xcf\x80", 2) == 0) {
            if (lv->last == K_NUM || lv->last == K_IDENT || lv->last == K_CLOSE)
                mo(w, "\xe2\x81\xa2"), mark = w->len;
            put(w, "<mi>", 4);
            put(w, p, k);
            put(w, "</mi>", 5);
            w->p += k;
            lv->last = K_IDENT;
            scripts(w, mark, depth, lv);
            return;
        }
        /* another character: text, not counted as unknown when it is a letter of a word */
        text_el(w, "mtext", p, k);
        w->p += k;
        lv->last = K_OTHER;
        return;
    }
    as_text(w, p, 1);
    w->p++;
    lv->last = K_OTHER;
}

/* Items until the end, or a closing brace (which the caller consumes). */
static void expr(struct w *w, int depth, bool stop_at_right)
{
    struct level lv = {.last = K_NONE};
    (void)stop_at_right;

    for (;;) {
        skip_space(w);
        if (w->p >= w->end || *w->p == '}')
            return;
        if (w->full)
            return;
        item(w, depth, &lv);
    }
}

size_t mathml_bound(size_t n)
{
    return 64 * n + 64;
}

static int finish(struct w *w, size_t *ret_len)
{
    if (w->full) {
        if (w->cap)
            w->out[0] = '\0';
        return -E2BIG;
    }
    if (ret_len)
        *ret_len = w->len;
    return 0;
}

/* A math segment: <math> with the TeX read whole (stray closing braces as text). */
static void segment(struct w *w, const char *tex, size_t len, bool display)
{
    w->p = tex;
    w->end = tex + len;
    w->st->segments++;
    puts_(w, display ? "<math display=\"block\">" : "<math>");
    for (;;) {
        expr(w, 0, false);
        if (w->p >= w->end || w->full)
            break;
        /* a '}' with no group open */
        as_text(w, w->p, 1);
        w->p++;
    }
    puts_(w, "</math>");
}

int mathml_render_tex(const char *tex, size_t len, bool display, char *out, size_t cap,
                      size_t *ret_len, struct mathml_stats *st)
{
    struct mathml_stats dummy;
    struct w w = {.out = out, .cap = cap, .st = st ? st : &dummy};

    memset(w.st, 0, sizeof(*w.st));
    if (cap == 0)
        return -E2BIG;
    out[0] = '\0';
    segment(&w, tex, len, display);
    return finish(&w, ret_len);
}

int mathml_render_text(const char *text, size_t len, char *out, size_t cap, size_t *ret_len,
                       struct mathml_stats *st)
{
    struct mathml_stats dummy;
    struct w w = {.out = out, .cap = cap, .st = st ? st : &dummy};
    const char *p = text, *end = text + len, *run = text;

    memset(w.st, 0, sizeof(*w.st));
    if (cap == 0)
        return -E2BIG;
    out[0] = '\0';
    while (p < end && !w.full) {
        if (*p == '\\' && p + 1 < end && p[1] == '$') {
            escaped(&w, run, (size_t)(p - run), true);
            puts_(&w, "$");
            p += 2;
            run = p;
            continue;
        }
        if (*p != '$') {
            p++;
            continue;
        }
        /* find the closing $ (not \$) */
        const char *q = p + 1;
        while (q < end && *q != '$') {
            if (*q == '\\' && q + 1 < end)
                q++;
            q++;
        }
        if (q >= end) {
            /* no closing $: a dollar sign */
            p++;
            continue;
        }
        escaped(&w, run, (size_t)(p - run), true);
        if (q > p + 1)
            segment(&w, p + 1, (size_t)(q - p - 1), false);
        p = q + 1;
        run = p;
    }
    escaped(&w, run, (size_t)(end - run), true);
    return finish(&w, ret_len);
}

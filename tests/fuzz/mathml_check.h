/*
 * Is a string safe HTML as core/mathml.c promises? Every '<' opens or
 * closes one of the MathML elements mathml.c writes (with no attribute but
 * display="block" on <math> and width="..." on <mspace>), elements nest
 * properly, text contains no raw '>' or quote, and every '&' starts one of
 * the entities it writes (&amp; &lt; &gt; &quot; &#39;). Shared by the unit
 * test and the fuzz target. Returns NULL when safe, else what is wrong.
 */
#ifndef TRELLIS_TEST_MATHML_CHECK_H
#define TRELLIS_TEST_MATHML_CHECK_H

#include <stdbool.h>
#include <string.h>

static const char *mathml_check(const char *s)
{
    static const char *const tags[] = {"math",  "mrow",  "mn",   "mi",   "mo",    "mtext", "mfrac",
                                       "msqrt", "mroot", "msup", "msub", "mover", "mspace"};
    static const char *const ents[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
    const char *stack[256];
    int depth = 0;

    while (*s) {
        if (*s == '&') {
            bool ok = false;
            for (size_t i = 0; i < sizeof(ents) / sizeof(ents[0]); i++)
                if (!strncmp(s, ents[i], strlen(ents[i]))) {
                    s += strlen(ents[i]);
                    ok = true;
                    break;
                }
            if (!ok)
                return "a raw '&'";
            continue;
        }
        if (*s == '>' || *s == '"' || *s == '\'')
            return "a raw '>' or quote in text";
        if (*s != '<') {
            s++;
            continue;
        }
        bool close = s[1] == '/';
        const char *name = s + 1 + close, *e = name;
        while ((*e >= 'a' && *e <= 'z'))
            e++;
        size_t n = (size_t)(e - name);
        const char *tag = NULL;
        for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
            if (strlen(tags[i]) == n && !strncmp(name, tags[i], n))
                tag = tags[i];
        if (!tag)
            return "an element mathml.c does not write";
        if (!close && *e == ' ') {
            if (!strcmp(tag, "math") && !strncmp(e, " display=\"block\">", 17))
                e += 16;
            else if (!strcmp(tag, "mspace") && !strncmp(e, " width=\"", 8)) {
                e += 8;
                while ((*e >= '0' && *e <= '9') || *e == '.' || *e == 'e' || *e == 'm')
                    e++;
                if (*e != '"')
                    return "a bad width";
                e++;
            } else {
                return "an attribute mathml.c does not write";
            }
        }
        if (*e != '>')
            return "a tag that does not end";
        if (close) {
            if (depth == 0 || stack[depth - 1] != tag)
                return "a closing tag that does not match";
            depth--;
        } else {
            if (depth == (int)(sizeof(stack) / sizeof(stack[0])))
                return "nesting too deep";
            stack[depth++] = tag;
        }
        s = e + 1;
    }
    return depth ? "an element left open" : NULL;
}

#endif

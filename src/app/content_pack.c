/*
 * The Trellis content format (docs/CONTENT.md): reading pack.json and
 * items/ *.json, checking every field, and normalising them into what is
 * stored (content_internal.h). Every problem is reported as
 * "file:field: reason" and checking goes on, so one run lists them all; the
 * normalised pack is made only when there are none. Unknown fields are
 * errors, so a misspelt field is not silently ignored.
 *
 * Also: a generator's problem (core/gen.h) in the same JSON shape as a
 * fixed item's steps, and the digest that tells a re-import of the same
 * pack from a new one.
 */
#include "base/common.h"

#include <math.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>

#include "app/content.h"
#include "app/content_internal.h"
#include "base/mem.h"
#include "base/str.h"
#include "base/strmap.h"
#include "core/gen.h"
#include "core/mathml.h"

#define FORMAT       "trellis-content/1"
#define MAX_TEXT     8000
#define MAX_ANSWER   1000
#define MAX_STEPS    20
#define MAX_HINTS    24
#define MAX_FEEDBACK 30
#define MAX_SCAFF    24
#define MAX_CHOICES  12
#define MAX_ACCEPTED 20
#define MAX_SKILLS   5000
#define MAX_ITEMS    20000

/* ---- errors ---- */

void content_error(struct content_errors *e, const char *file, const char *field, const char *fmt,
                   ...)
{
    char msg[1024];
    va_list ap;
    int n;

    if (e->n >= CONTENT_MAX_ERRORS) {
        e->more++;
        return;
    }
    n = snprintf(msg, sizeof(msg), "%s%s%s: ", file, field && *field ? ":" : "",
                 field ? field : "");
    if (n < 0 || (size_t)n >= sizeof(msg))
        n = 0;
    va_start(ap, fmt);
    vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
    va_end(ap);
    char **v = mem_realloc(e->v, (e->n + 1) * sizeof(*v));
    char *s = v ? mem_strdup(msg) : NULL;
    if (v)
        e->v = v;
    if (!s) {
        e->more++;
        return;
    }
    e->v[e->n++] = s;
}

void content_errors_release(struct content_errors *e)
{
    for (size_t i = 0; i < e->n; i++)
        mem_free(e->v[i]);
    mem_free(e->v);
    memset(e, 0, sizeof(*e));
}

void content_doc_release(struct content_doc *d)
{
    json_decref(d->manifest);
    json_decref(d->items);
    memset(d, 0, sizeof(*d));
}

int content_doc_digest(struct content_doc *doc)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    json_t *both = json_pack("{sOsO}", "manifest", doc->manifest, "items", doc->items);
    char *s = both ? json_dumps(both, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(both);
    if (!s)
        return -ENOMEM;
    crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
    mem_free(s);
    sodium_bin2hex(doc->digest, sizeof(doc->digest), h, sizeof(h));
    return 0;
}

/* ---- the checker's state ---- */

struct v {
    struct content_errors *errs;
    const char *file;
    char path[512];
    size_t plen;
    const json_t *langs; /* the pack's languages: every text has each */
    bool strict_tex;
    const json_t *manifest; /* normalised, for items */
    struct strmap skills;   /* skill id -> index in manifest.skills */
    struct strmap steps;    /* step ids of the item being checked */
    char *html;             /* MathML scratch */
    size_t html_cap;
    bool oom;
};

static void err(struct v *v, const char *fmt, ...) PRINTF_FMT(2, 3);
static void err(struct v *v, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    content_error(v->errs, v->file, v->path, "%s", msg);
}

/* Append ".name" (or "name" at the root) to the path; returns the length to pop back to. */
static size_t push(struct v *v, const char *name)
{
    size_t was = v->plen;
    int n =
        snprintf(v->path + v->plen, sizeof(v->path) - v->plen, "%s%s", v->plen ? "." : "", name);
    if (n > 0)
        v->plen = MIN(v->plen + (size_t)n, sizeof(v->path) - 1);
    return was;
}

static size_t push_index(struct v *v, size_t i)
{
    size_t was = v->plen;
    int n = snprintf(v->path + v->plen, sizeof(v->path) - v->plen, "[%zu]", i);
    if (n > 0)
        v->plen = MIN(v->plen + (size_t)n, sizeof(v->path) - 1);
    return was;
}

static void pop(struct v *v, size_t was)
{
    v->plen = was;
    v->path[was] = '\0';
}

static const char *type_name(const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "true or false";
    default:
        return "null";
    }
}

/* Every key of obj is one of allowed (NULL-terminated); unknown ones are errors. */
static void known_keys(struct v *v, const json_t *obj, const char *const *allowed)
{
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)obj, key, val)
    {
        bool ok = false;
        (void)val;
        for (const char *const *a = allowed; *a; a++)
            ok |= strcmp(*a, key) == 0;
        if (!ok) {
            size_t was = push(v, key);
            err(v, "unknown field");
            pop(v, was);
        }
    }
}

/* ---- values ---- */

enum idkind { ID_PACK, ID_NODE, ID_MISCONCEPTION };

static bool id_ok(const char *s, enum idkind k)
{
    size_t n = strlen(s), max = k == ID_NODE ? 128 : 64;
    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool lower = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        bool ok = k == ID_NODE ? lower || (c >= 'A' && c <= 'Z') ||
                                     (i > 0 && (c == '_' || c == '.' || c == '-'))
                               : lower || (i > 0 && c == '-');
        if (!ok)
            return false;
    }
    return true;
}

static const char *id_rule(enum idkind k)
{
    return k == ID_NODE ? "1 to 128 letters, digits, '_', '.' or '-', starting with a letter or "
                          "digit"
                        : "1 to 64 lower-case letters, digits or '-', starting with a letter or "
                          "digit";
}

/* Text a person reads: valid UTF-8 (jansson checked), no control characters but \n and \t. */
static bool clean_text(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
            return false;
    }
    return true;
}

/* A string field: the value, or NULL (with an error when required or of the wrong type). */
static const char *string_field(struct v *v, const json_t *obj, const char *key, bool required,
                                size_t max)
{
    json_t *j = json_object_get(obj, key);
    size_t was = push(v, key);
    const char *s = NULL;
    if (!j) {
        if (required)
            err(v, "missing");
    } else if (!json_is_string(j)) {
        err(v, "must be a string, not %s", type_name(j));
    } else if (json_string_length(j) == 0) {
        err(v, "must not be empty");
    } else if (json_string_length(j) > max) {
        err(v, "longer than %zu bytes", max);
    } else if (!clean_text(json_string_value(j), json_string_length(j)) ||
               strlen(json_string_value(j)) != json_string_length(j)) {
        err(v, "contains control characters");
    } else {
        s = json_string_value(j);
    }
    pop(v, was);
    return s;
}

static const char *id_field(struct v *v, const json_t *obj, const char *key, enum idkind k,
                            bool required)
{
    const char *s = string_field(v, obj, key, required, 128);
    if (s && !id_ok(s, k)) {
        size_t was = push(v, key);
        err(v, "'%s' is not an id (%s)", s, id_rule(k));
        pop(v, was);
        return NULL;
    }
    return s;
}

/* Check the TeX of one text; strict: unknown commands are errors. */
static void check_tex(struct v *v, const char *s, size_t n)
{
    struct mathml_stats st;
    size_t need = mathml_bound(n), len;
    if (need > v->html_cap) {
        char *h = mem_realloc(v->html, need);
        if (!h) {
            v->oom = true;
            return;
        }
        v->html = h;
        v->html_cap = need;
    }
    if (mathml_render_text(s, n, v->html, v->html_cap, &len, &st) == 0 && st.unknown &&
        v->strict_tex)
        err(v, "has TeX that cannot be shown as MathML: '%s'", st.first_unknown);
}

/*
 * A text in the pack's languages ({"en": "...", "es": "..."}): a normalised
 * copy, or NULL (absent, or wrong: errors reported).
 */
static json_t *text_map(struct v *v, const json_t *obj, const char *key, bool required)
{
    json_t *j = json_object_get(obj, key), *out = NULL;
    size_t was = push(v, key), i;
    json_t *lang;
    const char *k;
    json_t *val;
    bool bad = false;

    if (!j) {
        if (required)
            err(v, "missing");
        goto out;
    }
    if (!json_is_object(j)) {
        err(v, "must be an object of texts by language (like {\"en\": ..., \"es\": ...}), not %s",
            type_name(j));
        goto out;
    }
    json_array_foreach(v->langs, i, lang)
    {
        if (!json_object_get(j, json_string_value(lang))) {
            size_t w = push(v, json_string_value(lang));
            err(v, "missing: every text of this pack is in %s",
                json_array_size(v->langs) > 1 ? "each of its languages" : "its language");
            pop(v, w);
            bad = true;
        }
    }
    json_object_foreach(j, k, val)
    {
        bool known = false;
        json_array_foreach(v->langs, i, lang) known |= strcmp(json_string_value(lang), k) == 0;
        size_t w = push(v, k);
        if (!known) {
            err(v, "not one of the pack's languages");
            bad = true;
        } else if (!json_is_string(val)) {
            err(v, "must be a string, not %s", type_name(val));
            bad = true;
        } else if (json_string_length(val) == 0) {
            err(v, "must not be empty");
            bad = true;
        } else if (json_string_length(val) > MAX_TEXT) {
            err(v, "longer than %d bytes", MAX_TEXT);
            bad = true;
        } else if (!clean_text(json_string_value(val), json_string_length(val)) ||
                   strlen(json_string_value(val)) != json_string_length(val)) {
            err(v, "contains control characters other than line breaks and tabs");
            bad = true;
        } else {
            check_tex(v, json_string_value(val), json_string_length(val));
        }
        pop(v, w);
    }
    if (!bad) {
        out = json_deep_copy(j);
        if (!out)
            v->oom = true;
    }
out:
    pop(v, was);
    return out;
}

/* An array field: the array, or NULL (absent: error when required). */
static json_t *array_field(struct v *v, const json_t *obj, const char *key, bool required,
                           size_t min, size_t max)
{
    json_t *j = json_object_get(obj, key);
    size_t was = push(v, key);
    json_t *out = NULL;
    if (!j) {
        if (required)
            err(v, "missing");
    } else if (!json_is_array(j)) {
        err(v, "must be an array, not %s", type_name(j));
    } else if (json_array_size(j) < min || json_array_size(j) > max) {
        if (min == max)
            err(v, "must have %zu entries", min);
        else
            err(v, "must have %zu to %zu entries, not %zu", min, max, json_array_size(j));
    } else {
        out = j;
    }
    pop(v, was);
    return out;
}

static bool number_field(struct v *v, const json_t *obj, const char *key, double lo, double hi,
                         bool lo_open, double *ret)
{
    json_t *j = json_object_get(obj, key);
    size_t was = push(v, key);
    bool ok = false;
    if (!j) {
        err(v, "missing");
    } else if (!json_is_number(j)) {
        err(v, "must be a number, not %s", type_name(j));
    } else {
        double d = json_number_value(j);
        if (!isfinite(d) || d < lo || d > hi || (lo_open && d == lo))
            err(v, "must be %s %g and at most %g", lo_open ? "more than" : "at least", lo, hi);
        else
            *ret = d, ok = true;
    }
    pop(v, was);
    return ok;
}

static void put(struct v *v, json_t *obj, const char *key, json_t *val)
{
    if (!val || json_object_set_new(obj, key, val) < 0)
        v->oom = true;
}

/* The same for a value that is NULL when it was wrong (the error is reported already). */
static void put_checked(struct v *v, json_t *obj, const char *key, json_t *val)
{
    if (val && json_object_set_new(obj, key, val) < 0)
        v->oom = true;
}

/* An absolute IRI (RFC 3987): a scheme, ':', then printable characters without spaces. */
static bool iri_ok(const char *s)
{
    const char *p = s;
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
        return false;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
           *p == '+' || *p == '-' || *p == '.')
        p++;
    if (*p != ':' || !p[1])
        return false;
    for (p++; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == '"' || *p == '<' || *p == '>' || *p == '\\' ||
            *p == '^' || *p == '`' || *p == '{' || *p == '|' || *p == '}' || *p == 0x7f)
            return false;
    return strlen(s) <= 512;
}

/* ---- pack.json ---- */

static bool lang_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || n > 3)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < 'a' || s[i] > 'z')
            return false;
    return true;
}

/* Depth-first search for a cycle in the prerequisites; reports one cycle per start found. */
static bool cycle_from(struct v *v, const json_t *skills, size_t i, unsigned char *state,
                       size_t *stack, size_t depth)
{
    json_t *pre = json_object_get(json_array_get(skills, i), "prerequisites");
    size_t k;
    json_t *p;

    state[i] = 1;
    stack[depth] = i;
    json_array_foreach(pre, k, p)
    {
        struct strmap_entry *e = strmap_get(&v->skills, str_from(json_string_value(p)));
        if (!e)
            continue;
        size_t j = (size_t)e->id;
        if (state[j] == 1) {
            /* the cycle is j ... i -> j */
            char msg[700] = "";
            size_t at = 0;
            while (at <= depth && stack[at] != j)
                at++;
            for (size_t s = at; s <= depth; s++) {
                const char *id =
                    json_string_value(json_object_get(json_array_get(skills, stack[s]), "id"));
                size_t len = strlen(msg);
                snprintf(msg + len, sizeof(msg) - len, "%s -> ", id);
            }
            size_t len = strlen(msg);
            snprintf(msg + len, sizeof(msg) - len, "%s",
                     json_string_value(json_object_get(json_array_get(skills, j), "id")));
            size_t w = push_index(v, i);
            size_t w2 = push(v, "prerequisites");
            err(v, "the prerequisites form a cycle: %s (each of these needs the next first)", msg);
            pop(v, w2);
            pop(v, w);
            return true;
        }
        if (state[j] == 0 && cycle_from(v, skills, j, state, stack, depth + 1))
            return true;
    }
    state[i] = 2;
    return false;
}

static json_t *check_skill(struct v *v, const json_t *s, const char *iri_base, const char *pack)
{
    static const char *const keys[] = {"id",          "name", "grade", "prerequisites",
                                       "description", "iri",  "bkt",   NULL};
    json_t *out = json_object(), *pre_out = json_array();
    const char *id, *iri;
    json_t *name, *desc, *pre, *j;

    if (!out || !pre_out) {
        v->oom = true;
        json_decref(out);
        json_decref(pre_out);
        return NULL;
    }
    if (!json_is_object(s)) {
        err(v, "must be an object, not %s", type_name(s));
        json_decref(out);
        json_decref(pre_out);
        return NULL;
    }
    known_keys(v, s, keys);
    id = id_field(v, s, "id", ID_NODE, true);
    name = text_map(v, s, "name", true);
    desc = text_map(v, s, "description", false);
    if ((j = json_object_get(s, "grade"))) {
        size_t was = push(v, "grade");
        if (!json_is_integer(j) || json_integer_value(j) < 0 || json_integer_value(j) > 12)
            err(v, "must be a whole number from 0 (kindergarten) to 12");
        else
            put(v, out, "grade", json_integer(json_integer_value(j)));
        pop(v, was);
    }
    iri = string_field(v, s, "iri", false, 512);
    if (iri && !iri_ok(iri)) {
        size_t was = push(v, "iri");
        err(v, "'%s' is not an absolute IRI", iri);
        pop(v, was);
    }
    if ((pre = array_field(v, s, "prerequisites", false, 0, 64))) {
        size_t i;
        json_t *p;
        json_array_foreach(pre, i, p)
        {
            size_t was = push(v, "prerequisites");
            size_t w2 = push_index(v, i);
            if (!json_is_string(p) || !id_ok(json_string_value(p), ID_NODE))
                err(v, "must be a skill id");
            else if (!strmap_get(&v->skills, str_from(json_string_value(p))))
                err(v, "no skill '%s' in this pack", json_string_value(p));
            else if (id && strcmp(id, json_string_value(p)) == 0)
                err(v, "a skill cannot be its own prerequisite");
            else
                json_array_append(pre_out, p);
            pop(v, w2);
            pop(v, was);
        }
    }
    if ((j = json_object_get(s, "bkt"))) {
        static const char *const bk[] = {"prior", "learn", "guess", "slip", NULL};
        size_t was = push(v, "bkt");
        if (!json_is_object(j)) {
            err(v, "must be an object {prior, learn, guess, slip}");
        } else {
            json_t *b = json_object();
            known_keys(v, j, bk);
            for (const char *const *k = bk; *k; k++) {
                double d;
                if (number_field(v, j, *k, 0, 1, true, &d))
                    put(v, b, *k, json_real(d));
            }
            put(v, out, "bkt", b);
        }
        pop(v, was);
    }
    if (id) {
        char buf[700];
        if (!iri) {
            if (iri_base)
                snprintf(buf, sizeof(buf), "%sskills/%s", iri_base, id);
            else
                snprintf(buf, sizeof(buf), CONTENT_IRI_BASE "%s/skills/%s", pack ? pack : "", id);
            iri = buf;
        }
        put(v, out, "id", json_string(id));
        put(v, out, "iri", json_string(iri));
    }
    put(v, out, "name", name ? name : json_object());
    put(v, out, "description", desc ? desc : json_object());
    put(v, out, "prerequisites", pre_out);
    return out;
}

int content_check_manifest(const json_t *pack, const char *file, struct content_errors *errs,
                           json_t **ret)
{
    *ret = NULL;
    static const char *const keys[] = {"format",    "id",          "version",        "title",
                                       "languages", "license",     "attribution",    "iri_base",
                                       "skills",    "description", "misconceptions", NULL};
    struct v v = {.errs = errs, .file = file, .strict_tex = true};
    json_t *out = json_object(), *skills_out = json_array(), *mis_out = json_array();
    json_t *langs = json_array(), *skills, *j;
    const char *id, *iri_base;
    size_t before = errs->n + errs->more, i;
    int r = 0;

    if (!out || !skills_out || !mis_out || !langs) {
        r = -ENOMEM;
        goto out;
    }
    if (!json_is_object(pack)) {
        err(&v, "must be a JSON object, not %s", type_name(pack));
        r = -EINVAL;
        goto out;
    }
    known_keys(&v, pack, keys);
    const char *format = string_field(&v, pack, "format", true, 64);
    if (format && strcmp(format, FORMAT) != 0) {
        size_t was = push(&v, "format");
        err(&v, "'%s' is not a format this program reads ('" FORMAT "')", format);
        pop(&v, was);
    }
    id = id_field(&v, pack, "id", ID_PACK, true);
    const char *version = string_field(&v, pack, "version", true, 32);
    /* languages first: every text is checked against them */
    if ((j = array_field(&v, pack, "languages", true, 1, 8))) {
        json_t *l;
        json_array_foreach(j, i, l)
        {
            size_t was = push(&v, "languages");
            size_t w2 = push_index(&v, i);
            if (!json_is_string(l) || !lang_ok(json_string_value(l))) {
                err(&v, "must be a language code such as \"en\" or \"es\"");
            } else {
                bool dup = false;
                size_t k;
                json_t *m;
                json_array_foreach(langs, k, m) dup |= json_equal(m, l);
                if (dup)
                    err(&v, "'%s' is listed twice", json_string_value(l));
                else
                    json_array_append(langs, l);
            }
            pop(&v, w2);
            pop(&v, was);
        }
    }
    v.langs = langs;
    if (json_array_size(langs) == 0) {
        /* nothing else can be checked without the languages */
        r = -EINVAL;
        goto out;
    }
    json_t *title = text_map(&v, pack, "title", true);
    json_t *desc = text_map(&v, pack, "description", false);
    const char *license = string_field(&v, pack, "license", true, 200);
    const char *attribution = string_field(&v, pack, "attribution", true, 1000);
    iri_base = string_field(&v, pack, "iri_base", false, 400);
    if (iri_base && (!iri_ok(iri_base) || iri_base[strlen(iri_base) - 1] != '/')) {
        size_t was = push(&v, "iri_base");
        err(&v, "must be an absolute IRI ending in '/'");
        pop(&v, was);
        iri_base = NULL;
    }
    /* misconceptions the pack names itself */
    if ((j = array_field(&v, pack, "misconceptions", false, 0, 1000))) {
        json_t *m;
        struct strmap seen = STRMAP_INIT;
        json_array_foreach(j, i, m)
        {
            static const char *const mk[] = {"id", "name", NULL};
            size_t was = push(&v, "misconceptions");
            size_t w2 = push_index(&v, i);
            if (!json_is_object(m)) {
                err(&v, "must be an object {id, name}");
            } else {
                known_keys(&v, m, mk);
                const char *mid = id_field(&v, m, "id", ID_MISCONCEPTION, true);
                json_t *name = text_map(&v, m, "name", true);
                struct strmap_entry *e;
                bool added = false;
                if (mid && gen_misconception(mid, strlen(mid))) {
                    size_t w3 = push(&v, "id");
                    err(&v, "'%s' is a built-in misconception: use it without declaring it", mid);
                    pop(&v, w3);
                } else if (mid && strmap_put(&seen, str_from(mid), &e, &added) == 0 && !added) {
                    size_t w3 = push(&v, "id");
                    err(&v, "'%s' is declared twice", mid);
                    pop(&v, w3);
                } else if (mid && name) {
                    json_t *o = json_pack("{sssO}", "id", mid, "name", name);
                    if (!o || json_array_append_new(mis_out, o) < 0)
                        v.oom = true;
                }
                json_decref(name);
            }
            pop(&v, w2);
            pop(&v, was);
        }
        strmap_release(&seen);
    }
    /* skills: ids first (prerequisites may point forward), then each skill */
    if ((skills = array_field(&v, pack, "skills", true, 1, MAX_SKILLS))) {
        json_t *s;
        json_array_foreach(skills, i, s)
        {
            const char *sid = json_is_string(json_object_get(s, "id"))
                                  ? json_string_value(json_object_get(s, "id"))
                                  : NULL;
            struct strmap_entry *e;
            bool added = false;
            if (!sid || !id_ok(sid, ID_NODE))
                continue; /* reported below */
            if (strmap_put(&v.skills, str_from(sid), &e, &added) < 0) {
                v.oom = true;
                break;
            }
            if (!added) {
                size_t was = push(&v, "skills");
                size_t w2 = push_index(&v, i);
                size_t w3 = push(&v, "id");
                err(&v, "'%s' is used by another skill", sid);
                pop(&v, w3);
                pop(&v, w2);
                pop(&v, was);
            } else {
                e->id = (int64_t)i;
            }
        }
        struct strmap iris = STRMAP_INIT;
        json_array_foreach(skills, i, s)
        {
            size_t was = push(&v, "skills");
            size_t w2 = push_index(&v, i);
            json_t *o = check_skill(&v, s, iri_base, id);
            if (o) {
                const char *iri = json_string_value(json_object_get(o, "iri"));
                struct strmap_entry *e;
                bool added = false;
                if (iri && strmap_put(&iris, str_from(iri), &e, &added) == 0 && !added) {
                    size_t w3 = push(&v, "iri");
                    err(&v, "'%s' is the IRI of another skill", iri);
                    pop(&v, w3);
                }
                if (json_array_append_new(skills_out, o) < 0)
                    v.oom = true;
            }
            pop(&v, w2);
            pop(&v, was);
        }
        strmap_release(&iris);
        /* no cycles: skills[i] with prerequisites known, searched depth first */
        if (json_array_size(skills_out) == json_array_size(skills)) {
            size_t n = json_array_size(skills_out);
            unsigned char *state = mem_calloc(n ? n : 1, 1);
            size_t *stack = mem_calloc(n ? n : 1, sizeof(*stack));
            size_t was = push(&v, "skills");
            if (!state || !stack)
                v.oom = true;
            for (size_t k = 0; state && stack && k < n; k++)
                if (state[k] == 0 && cycle_from(&v, skills_out, k, state, stack, 0))
                    break;
            pop(&v, was);
            mem_free(state);
            mem_free(stack);
        }
    }
    if (v.oom) {
        r = -ENOMEM;
    } else {
        /* what could be read, even with errors: the items are checked against it */
        put(&v, out, "format", json_string(FORMAT));
        put(&v, out, "id", json_string(id ? id : ""));
        put(&v, out, "version", json_string(version ? version : ""));
        put(&v, out, "title", title ? json_incref(title) : json_object());
        put(&v, out, "languages", json_incref(langs));
        put(&v, out, "license", json_string(license ? license : ""));
        put(&v, out, "attribution", json_string(attribution ? attribution : ""));
        if (desc)
            put(&v, out, "description", json_incref(desc));
        if (iri_base)
            put(&v, out, "iri_base", json_string(iri_base));
        put(&v, out, "skills", json_incref(skills_out));
        put(&v, out, "misconceptions", json_incref(mis_out));
        r = v.oom ? -ENOMEM : errs->n + errs->more != before ? -EINVAL : 0;
    }
    json_decref(title);
    json_decref(desc);
out:
    if (r == 0 || (r == -EINVAL && json_object_get(out, "skills"))) {
        *ret = out;
        out = NULL;
    }
    json_decref(out);
    json_decref(skills_out);
    json_decref(mis_out);
    json_decref(langs);
    strmap_release(&v.skills);
    mem_free(v.html);
    return r;
}

/* ---- items ---- */

static const char *const answer_types[] = {"number", "fraction", "expression",
                                           "choice", "text",     NULL};

/* "-3", "2.5", ".5", "3/4", "-1 1/2": what a number or fraction answer may be written as. */
static bool numeric_ok(const char *s, bool decimal)
{
    const char *p = s;
    int digits = 0;
    if (*p == '-')
        p++;
    while (*p >= '0' && *p <= '9')
        p++, digits++;
    if (*p == '.' && decimal) {
        p++;
        while (*p >= '0' && *p <= '9')
            p++, digits++;
        return digits > 0 && *p == '\0';
    }
    if (*p == ' ') { /* a mixed number */
        p++;
        if (!(*p >= '1' && *p <= '9'))
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
        if (*p != '/')
            return false;
    }
    if (*p == '/') {
        p++;
        if (!(*p >= '1' && *p <= '9'))
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return digits > 0 && *p == '\0';
}

struct item_ctx {
    json_t *skills;    /* the item's skills as IRIs */
    const json_t *mis; /* the manifest's misconceptions */
    bool generated;    /* a generator item (steps come from it) */
};

static const char *skill_iri(struct v *v, const char *id)
{
    struct strmap_entry *e = strmap_get(&v->skills, str_from(id));
    if (!e)
        return NULL;
    return json_string_value(json_object_get(
        json_array_get(json_object_get(v->manifest, "skills"), (size_t)e->id), "iri"));
}

/* A list of skill ids: their IRIs (a new array), or NULL when absent or wrong. */
static json_t *skill_list(struct v *v, const json_t *obj, const char *key, bool required)
{
    json_t *a = array_field(v, obj, key, required, 1, 32), *out;
    size_t i;
    json_t *s;
    bool bad = false;
    if (!a)
        return NULL;
    out = json_array();
    if (!out) {
        v->oom = true;
        return NULL;
    }
    json_array_foreach(a, i, s)
    {
        size_t was = push(v, key);
        size_t w2 = push_index(v, i);
        const char *iri = json_is_string(s) ? skill_iri(v, json_string_value(s)) : NULL;
        if (!json_is_string(s)) {
            err(v, "must be a skill id, not %s", type_name(s));
            bad = true;
        } else if (!iri) {
            err(v, "no skill '%s' in this pack", json_string_value(s));
            bad = true;
        } else {
            bool dup = false;
            size_t k;
            json_t *m;
            json_array_foreach(out, k, m) dup |= strcmp(json_string_value(m), iri) == 0;
            if (!dup && json_array_append_new(out, json_string(iri)) < 0)
                v->oom = true;
        }
        pop(v, w2);
        pop(v, was);
    }
    if (bad) {
        json_decref(out);
        return NULL;
    }
    return out;
}

static bool misconception_known(const struct item_ctx *ic, const char *id)
{
    size_t i;
    json_t *m;
    if (gen_misconception(id, strlen(id)))
        return true;
    json_array_foreach(ic->mis, i,
                       m) if (!strcmp(json_string_value(json_object_get(m, "id")), id)) return true;
    return false;
}

static json_t *check_answer(struct v *v, const json_t *a, json_t **choice_ids)
{
    static const char *const keys[] = {"type",       "accepted", "tolerance",
                                       "simplified", "choices",  NULL};
    json_t *out = json_object(), *acc, *j;
    const char *type;
    size_t i;
    bool bad = false;

    *choice_ids = json_array();
    if (!out || !*choice_ids) {
        v->oom = true;
        json_decref(out);
        return NULL;
    }
    if (!json_is_object(a)) {
        err(v, "must be an object {type, accepted, ...}, not %s", type_name(a));
        json_decref(out);
        return NULL;
    }
    known_keys(v, a, keys);
    type = string_field(v, a, "type", true, 16);
    if (type) {
        bool ok = false;
        for (const char *const *t = answer_types; *t; t++)
            ok |= strcmp(*t, type) == 0;
        if (!ok) {
            size_t was = push(v, "type");
            err(v, "'%s' is not an answer type (number, fraction, expression, choice, text)", type);
            pop(v, was);
            type = NULL;
        }
    }
    bad |= !type;
    bool is_choice = type && !strcmp(type, "choice");
    /* choices: for choice answers only */
    j = json_object_get(a, "choices");
    if (is_choice || j) {
        json_t *ch = array_field(v, a, "choices", true, 2, MAX_CHOICES), *c;
        json_t *ch_out = json_array();
        if (j && type && !is_choice) {
            size_t was = push(v, "choices");
            err(v, "only choice answers have choices");
            pop(v, was);
            bad = true;
        }
        json_array_foreach(ch, i, c)
        {
            static const char *const ck[] = {"id", "text", NULL};
            size_t was = push(v, "choices");
            size_t w2 = push_index(v, i);
            if (!json_is_object(c)) {
                err(v, "must be an object {id, text}");
                bad = true;
            } else {
                known_keys(v, c, ck);
                const char *cid = id_field(v, c, "id", ID_NODE, true);
                json_t *text = text_map(v, c, "text", true);
                bool dup = false;
                size_t k;
                json_t *m;
                json_array_foreach(*choice_ids, k, m) dup |=
                    cid && !strcmp(json_string_value(m), cid);
                if (dup) {
                    size_t w3 = push(v, "id");
                    err(v, "'%s' names another choice too", cid);
                    pop(v, w3);
                    bad = true;
                } else if (cid && text) {
                    json_array_append_new(*choice_ids, json_string(cid));
                    json_array_append_new(ch_out, json_pack("{sssO}", "id", cid, "text", text));
                } else {
                    bad = true;
                }
                json_decref(text);
            }
            pop(v, w2);
            pop(v, was);
        }
        if (!ch)
            bad = true;
        if (is_choice)
            put(v, out, "choices", ch_out);
        else
            json_decref(ch_out);
    }
    acc = array_field(v, a, "accepted", true, 1, MAX_ACCEPTED);
    json_t *acc_out = json_array();
    json_array_foreach(acc, i, j)
    {
        size_t was = push(v, "accepted");
        size_t w2 = push_index(v, i);
        if (!json_is_string(j) || json_string_length(j) == 0 ||
            json_string_length(j) > MAX_ANSWER ||
            strlen(json_string_value(j)) != json_string_length(j) ||
            !clean_text(json_string_value(j), json_string_length(j))) {
            err(v, "must be an answer of 1 to %d characters", MAX_ANSWER);
            bad = true;
        } else if (type) {
            const char *s = json_string_value(j);
            bool ok = true;
            if (!strcmp(type, "number"))
                ok = numeric_ok(s, true);
            else if (!strcmp(type, "fraction"))
                ok = numeric_ok(s, true);
            else if (is_choice) {
                size_t k;
                json_t *m;
                ok = false;
                json_array_foreach(*choice_ids, k, m) ok |= !strcmp(json_string_value(m), s);
            }
            if (!ok) {
                err(v,
                    is_choice ? "'%s' is not the id of one of the choices"
                              : "'%s' is not a %s (like 3, -2.5, 3/4 or 1 1/2)",
                    s, type);
                bad = true;
            } else {
                json_array_append(acc_out, j);
            }
        }
        pop(v, w2);
        pop(v, was);
    }
    if (!acc)
        bad = true;
    if ((j = json_object_get(a, "tolerance"))) {
        double d;
        if (number_field(v, a, "tolerance", 0, 1e12, false, &d)) {
            if (type && strcmp(type, "number") != 0) {
                size_t was = push(v, "tolerance");
                err(v, "only number answers have a tolerance");
                pop(v, was);
                bad = true;
            } else {
                put(v, out, "tolerance", json_real(d));
            }
        }
    }
    if ((j = json_object_get(a, "simplified"))) {
        size_t was = push(v, "simplified");
        if (!json_is_boolean(j)) {
            err(v, "must be true or false");
            bad = true;
        } else if (type && strcmp(type, "fraction") != 0) {
            err(v, "only fraction answers can require the simplest form");
            bad = true;
        } else if (json_is_true(j)) {
            put(v, out, "simplified", json_true());
        }
        pop(v, was);
    }
    if (bad || !type) {
        json_decref(out);
        json_decref(acc_out);
        return NULL;
    }
    put(v, out, "type", json_string(type));
    put(v, out, "accepted", acc_out);
    return out;
}

static json_t *check_step(struct v *v, struct item_ctx *ic, const json_t *s, bool scaffold)
{
    static const char *const keys[] = {"id",    "prompt",    "answer", "feedback",
                                       "hints", "scaffolds", "skills", NULL};
    size_t before = v->errs->n + v->errs->more, i;
    json_t *out = json_object(), *j, *choice_ids = NULL;
    const char *id;

    if (!out) {
        v->oom = true;
        return NULL;
    }
    if (!json_is_object(s)) {
        err(v, "must be an object, not %s", type_name(s));
        json_decref(out);
        return NULL;
    }
    known_keys(v, s, keys);
    id = id_field(v, s, "id", ID_NODE, true);
    if (id) {
        struct strmap_entry *e;
        bool added = false;
        if (strmap_put(&v->steps, str_from(id), &e, &added) < 0) {
            v->oom = true;
        } else if (!added) {
            size_t was = push(v, "id");
            err(v, "'%s' names another step of this item too", id);
            pop(v, was);
        }
        put(v, out, "id", json_string(id));
    }
    put_checked(v, out, "prompt", text_map(v, s, "prompt", true));
    {
        size_t was = push(v, "answer");
        json_t *a = json_object_get(s, "answer");
        if (!a)
            err(v, "missing");
        else
            put_checked(v, out, "answer", check_answer(v, a, &choice_ids));
        pop(v, was);
    }
    json_t *fb_out = json_array();
    if ((j = array_field(v, s, "feedback", false, 0, MAX_FEEDBACK))) {
        json_t *f;
        json_array_foreach(j, i, f)
        {
            static const char *const fk[] = {"answer", "misconception", "text", NULL};
            size_t was = push(v, "feedback");
            size_t w2 = push_index(v, i);
            if (!json_is_object(f)) {
                err(v, "must be an object {answer, misconception, text}");
            } else {
                known_keys(v, f, fk);
                const char *ans = string_field(v, f, "answer", true, MAX_ANSWER);
                const char *mid = id_field(v, f, "misconception", ID_MISCONCEPTION, true);
                json_t *text = text_map(v, f, "text", true);
                if (mid && !misconception_known(ic, mid)) {
                    size_t w3 = push(v, "misconception");
                    err(v, "'%s' is neither declared in pack.json nor a built-in misconception",
                        mid);
                    pop(v, w3);
                } else if (ans && mid && text) {
                    json_array_append_new(fb_out, json_pack("{sssssO}", "answer", ans,
                                                            "misconception", mid, "text", text));
                }
                json_decref(text);
            }
            pop(v, w2);
            pop(v, was);
        }
    }
    put(v, out, "feedback", fb_out);
    json_t *hints_out = json_array();
    if ((j = array_field(v, s, "hints", true, 1, MAX_HINTS))) {
        json_t *h;
        json_array_foreach(j, i, h)
        {
            static const char *const hk[] = {"title", "text", "worked_example", NULL};
            size_t was = push(v, "hints");
            size_t w2 = push_index(v, i);
            bool last = i + 1 == json_array_size(j);
            if (!json_is_object(h)) {
                err(v, "must be an object {text, worked_example}");
            } else {
                known_keys(v, h, hk);
                json_t *title = text_map(v, h, "title", false);
                json_t *text = text_map(v, h, "text", true);
                json_t *we = json_object_get(h, "worked_example");
                size_t w3 = push(v, "worked_example");
                if (we && !json_is_boolean(we))
                    err(v, "must be true or false");
                else if (last && !json_is_true(we))
                    err(v, "the last hint must be the worked example (\"worked_example\": true)");
                else if (!last && json_is_true(we))
                    err(v, "only the last hint is the worked example");
                pop(v, w3);
                if (text) {
                    json_t *o = json_pack("{sO}", "text", text);
                    if (o && title)
                        json_object_set(o, "title", title);
                    if (o && last)
                        json_object_set_new(o, "worked_example", json_true());
                    if (!o || json_array_append_new(hints_out, o) < 0)
                        v->oom = true;
                }
                json_decref(title);
                json_decref(text);
            }
            pop(v, w2);
            pop(v, was);
        }
    }
    put(v, out, "hints", hints_out);
    json_t *sc_out = json_array();
    if ((j = json_object_get(s, "scaffolds")) && scaffold) {
        size_t was = push(v, "scaffolds");
        err(v, "a scaffold has no scaffolds of its own");
        pop(v, was);
    } else if ((j = array_field(v, s, "scaffolds", false, 0, MAX_SCAFF))) {
        json_t *sc;
        json_array_foreach(j, i, sc)
        {
            size_t was = push(v, "scaffolds");
            size_t w2 = push_index(v, i);
            json_t *o = check_step(v, ic, sc, true);
            if (o && json_array_append_new(sc_out, o) < 0)
                v->oom = true;
            pop(v, w2);
            pop(v, was);
        }
    }
    put(v, out, "scaffolds", sc_out);
    json_t *sk = json_object_get(s, "skills") ? skill_list(v, s, "skills", false) : NULL;
    put(v, out, "skills", sk ? sk : json_incref(ic->skills));
    json_decref(choice_ids);
    if (v->errs->n + v->errs->more != before) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/* A generator's params as gen_params (names borrowed from params). */
static bool gen_params_of(struct v *v, const struct gen_info *info, const json_t *params,
                          struct gen_params *ps)
{
    const char *key;
    json_t *val;
    bool ok = true;

    ps->n = 0;
    if (!params)
        return true;
    size_t was = push(v, "params");
    if (!json_is_object(params)) {
        err(v, "must be an object of whole numbers, not %s", type_name(params));
        pop(v, was);
        return false;
    }
    json_object_foreach((json_t *)params, key, val)
    {
        size_t w2 = push(v, key);
        const struct gen_param *def = NULL;
        for (unsigned k = 0; k < info->n_params; k++)
            if (!strcmp(info->params[k].name, key))
                def = &info->params[k];
        if (!def) {
            char names[300] = "";
            for (unsigned k = 0; k < info->n_params; k++) {
                size_t n = strlen(names);
                snprintf(names + n, sizeof(names) - n, "%s%s", k ? ", " : "", info->params[k].name);
            }
            err(v, "generator '%s' takes no parameter '%s' (%s%s)", info->name, key,
                info->n_params ? "it takes: " : "it takes none", names);
            ok = false;
        } else if (!json_is_integer(val)) {
            err(v, "must be a whole number");
            ok = false;
        } else if (json_integer_value(val) < def->min || json_integer_value(val) > def->max) {
            err(v, "must be from %lld to %lld (%s)", (long long)def->min, (long long)def->max,
                def->doc);
            ok = false;
        } else if (ps->n < GEN_MAX_PARAMS) {
            ps->p[ps->n].name = key;
            ps->p[ps->n].value = json_integer_value(val);
            ps->n++;
        }
        pop(v, w2);
    }
    pop(v, was);
    return ok;
}

int content_check_item(const json_t *manifest, const json_t *item, const char *file,
                       bool strict_tex, struct content_errors *errs, json_t **ret)
{
    static const char *const keys[] = {"id",          "skills",    "title",  "stem",  "irt",
                                       "attribution", "generator", "params", "steps", NULL};
    struct v v = {.errs = errs,
                  .file = file,
                  .strict_tex = strict_tex,
                  .manifest = manifest,
                  .langs = json_object_get(manifest, "languages")};
    struct item_ctx ic = {.mis = json_object_get(manifest, "misconceptions")};
    size_t before = errs->n + errs->more, i;
    json_t *out = json_object(), *j, *skill;
    const char *id, *base = json_string_value(json_object_get(manifest, "iri_base"));
    int r;

    if (!out)
        return -ENOMEM;
    json_array_foreach(json_object_get(manifest, "skills"), i, skill)
    {
        struct strmap_entry *e;
        bool added;
        if (strmap_put(&v.skills, str_from(json_string_value(json_object_get(skill, "id"))), &e,
                       &added) < 0) {
            v.oom = true;
            break;
        }
        e->id = (int64_t)i;
    }
    if (!json_is_object(item)) {
        err(&v, "must be a JSON object, not %s", type_name(item));
        goto done;
    }
    known_keys(&v, item, keys);
    id = id_field(&v, item, "id", ID_NODE, true);
    ic.skills = skill_list(&v, item, "skills", true);
    if (id) {
        char iri[700];
        if (base)
            snprintf(iri, sizeof(iri), "%sitems/%s", base, id);
        else
            snprintf(iri, sizeof(iri), CONTENT_IRI_BASE "%s/items/%s",
                     json_string_value(json_object_get(manifest, "id")), id);
        put(&v, out, "id", json_string(id));
        put(&v, out, "iri", json_string(iri));
    }
    if (ic.skills)
        put(&v, out, "skills", json_incref(ic.skills));
    put(&v, out, "languages", json_incref((json_t *)v.langs));
    if ((j = text_map(&v, item, "title", false)))
        put(&v, out, "title", j);
    if ((j = text_map(&v, item, "stem", false)))
        put(&v, out, "stem", j);
    if ((j = json_object_get(item, "irt"))) {
        static const char *const ik[] = {"difficulty", "discrimination", NULL};
        size_t was = push(&v, "irt");
        if (!json_is_object(j)) {
            err(&v, "must be an object {difficulty, discrimination}");
        } else {
            double b = 0, a = 1;
            known_keys(&v, j, ik);
            bool ok = number_field(&v, j, "difficulty", -6, 6, false, &b);
            if (json_object_get(j, "discrimination"))
                ok &= number_field(&v, j, "discrimination", 0, 5, true, &a);
            if (ok)
                put(&v, out, "irt", json_pack("{sfsf}", "difficulty", b, "discrimination", a));
        }
        pop(&v, was);
    }
    if ((j = json_object_get(item, "attribution"))) {
        static const char *const ak[] = {"text", "sources", NULL};
        size_t was = push(&v, "attribution");
        if (!json_is_object(j)) {
            err(&v, "must be an object {text, sources}");
        } else {
            known_keys(&v, j, ak);
            const char *text = string_field(&v, j, "text", true, 1000);
            json_t *src = array_field(&v, j, "sources", false, 0, 8), *so;
            json_t *src_out = json_array();
            size_t k;
            json_array_foreach(src, k, so)
            {
                static const char *const sk[] = {"role",    "name",        "url",
                                                 "license", "license_url", NULL};
                size_t w2 = push(&v, "sources");
                size_t w3 = push_index(&v, k);
                if (!json_is_object(so)) {
                    err(&v, "must be an object {role, name, url, license, license_url}");
                } else {
                    json_t *o = json_object();
                    known_keys(&v, so, sk);
                    for (const char *const *f = sk; *f; f++) {
                        const char *s = string_field(&v, so, *f, !strcmp(*f, "name"), 500);
                        if (s)
                            put(&v, o, *f, json_string(s));
                    }
                    json_array_append_new(src_out, o);
                }
                pop(&v, w3);
                pop(&v, w2);
            }
            if (text)
                put(&v, out, "attribution", json_pack("{sssO}", "text", text, "sources", src_out));
            json_decref(src_out);
        }
        pop(&v, was);
    }
    j = json_object_get(item, "generator");
    json_t *steps = json_object_get(item, "steps");
    if (j && steps) {
        err(&v, "an item has either a generator or steps, not both");
    } else if (j) {
        const char *name = string_field(&v, item, "generator", true, 64);
        const struct gen_info *info = name ? gen_find(name, strlen(name)) : NULL;
        size_t was = push(&v, "generator");
        if (name && !info) {
            err(&v, "no generator '%s' (trellis content generators lists them)", name);
        } else if (info) {
            /* generators write English and Spanish */
            size_t k;
            json_t *l;
            json_array_foreach(v.langs, k, l) if (strcmp(json_string_value(l), "en") &&
                                                  strcmp(json_string_value(l), "es"))
                err(&v, "generators write English and Spanish only, not '%s'",
                    json_string_value(l));
        }
        pop(&v, was);
        if (info) {
            struct gen_params ps;
            json_t *params = json_object_get(item, "params");
            if (gen_params_of(&v, info, params, &ps)) {
                struct gen_problem *p = mem_alloc(sizeof(*p));
                int gr = p ? gen_make(info->name, &ps, 1, p) : -ENOMEM;
                mem_free(p);
                if (gr == -ENOMEM) {
                    v.oom = true;
                } else if (gr < 0) {
                    size_t w2 = push(&v, "generator");
                    err(&v, "generator '%s' cannot make a problem with these params (%s)",
                        info->name, strerror(-gr));
                    pop(&v, w2);
                }
                put(&v, out, "generator", json_string(info->name));
                put(&v, out, "params", params ? json_deep_copy(params) : json_object());
            }
        }
    } else if (steps || !json_object_get(item, "params")) {
        json_t *a = array_field(&v, item, "steps", true, 1, MAX_STEPS), *s;
        json_t *steps_out = json_array();
        json_array_foreach(a, i, s)
        {
            size_t was = push(&v, "steps");
            size_t w2 = push_index(&v, i);
            json_t *o = ic.skills ? check_step(&v, &ic, s, false) : NULL;
            if (!ic.skills && !v.oom && json_is_object(s)) {
                /* without the item's skills the steps cannot be normalised; check them anyway */
                json_t *none = json_array();
                ic.skills = none;
                o = check_step(&v, &ic, s, false);
                json_decref(o);
                o = NULL;
                ic.skills = NULL;
                json_decref(none);
            }
            if (o && json_array_append_new(steps_out, o) < 0)
                v.oom = true;
            pop(&v, w2);
            pop(&v, was);
        }
        put(&v, out, "steps", steps_out);
    } else {
        err(&v, "params without a generator");
    }
done:
    if (v.oom)
        r = -ENOMEM;
    else if (errs->n + errs->more != before)
        r = -EINVAL;
    else
        r = 0;
    if (r == 0) {
        *ret = out;
        out = NULL;
    }
    json_decref(out);
    json_decref(ic.skills);
    strmap_release(&v.skills);
    strmap_release(&v.steps);
    mem_free(v.html);
    return r;
}

/* ---- the Trellis format ---- */

int content_parse_trellis(const struct content_source *src, struct content_errors *errs,
                          struct content_doc *doc)
{
    const struct content_file *pf = content_source_get(src, "pack.json");
    json_error_t jerr;
    json_t *pack = NULL, *manifest = NULL, *items = json_array();
    int r;

    memset(doc, 0, sizeof(*doc));
    if (!items)
        return -ENOMEM;
    if (!pf || !pf->data) {
        content_error(errs, "pack.json", NULL, "missing: a pack has pack.json at its top");
        json_decref(items);
        return -EINVAL;
    }
    pack = json_loadb(pf->data, pf->len, JSON_REJECT_DUPLICATES, &jerr);
    if (!pack) {
        content_error(errs, "pack.json", NULL, "line %d: %s", jerr.line, jerr.text);
        json_decref(items);
        return -EINVAL;
    }
    r = content_check_manifest(pack, "pack.json", errs, &manifest);
    json_decref(pack);
    if (r == -ENOMEM)
        goto fail;
    /* the items are checked against the manifest even when it had errors, if it could be read */
    size_t n_items = 0;
    for (size_t i = 0; i < src->n; i++) {
        const struct content_file *f = &src->files[i];
        const char *name = f->path;
        if (!strcmp(name, "pack.json"))
            continue;
        if (strncmp(name, "items/", 6) != 0 || strchr(name + 6, '/') || strlen(name) <= 11 ||
            strcmp(name + strlen(name) - 5, ".json") != 0) {
            if (f->data) /* a JSON file elsewhere: a mistake worth naming */
                content_error(errs, name, NULL,
                              "not part of the format: items go in items/<id>.json");
            continue;
        }
        if (++n_items > MAX_ITEMS) {
            content_error(errs, name, NULL, "more than %d items", MAX_ITEMS);
            break;
        }
        json_t *item = json_loadb(f->data, f->len, JSON_REJECT_DUPLICATES, &jerr), *norm = NULL;
        if (!item) {
            content_error(errs, name, NULL, "line %d: %s", jerr.line, jerr.text);
            continue;
        }
        if (!manifest) {
            json_decref(item);
            continue;
        }
        /* the file is named after the item */
        const char *iid = json_string_value(json_object_get(item, "id"));
        if (iid && (strlen(name) - 11 != strlen(iid) || strncmp(name + 6, iid, strlen(iid)) != 0))
            content_error(errs, name, "id",
                          "'%s' differs from the file's name: name the file "
                          "items/%s.json",
                          iid, iid);
        r = content_check_item(manifest, item, name, true, errs, &norm);
        json_decref(item);
        if (r == -ENOMEM)
            goto fail;
        if (r == 0 && json_array_append_new(items, norm) < 0) {
            r = -ENOMEM;
            goto fail;
        }
    }
    if (n_items == 0)
        content_error(errs, "items", NULL, "no items: a pack has at least one items/<id>.json");
    /* every skill is practised by some item (else nothing could teach it) */
    if (manifest && errs->n + errs->more == 0) {
        size_t i, k;
        json_t *s, *it;
        json_array_foreach(json_object_get(manifest, "skills"), i, s)
        {
            const char *iri = json_string_value(json_object_get(s, "iri"));
            bool used = false;
            json_array_foreach(items, k, it)
            {
                size_t m;
                json_t *x;
                json_array_foreach(json_object_get(it, "skills"), m, x) used |=
                    !strcmp(json_string_value(x), iri);
            }
            if (!used) {
                char field[64];
                snprintf(field, sizeof(field), "skills[%zu]", i);
                content_error(errs, "pack.json", field, "no item practises skill '%s'",
                              json_string_value(json_object_get(s, "id")));
            }
        }
    }
    if (errs->n + errs->more) {
        r = -EINVAL;
        goto fail;
    }
    doc->manifest = manifest;
    doc->items = items;
    snprintf(doc->format, sizeof(doc->format), "trellis");
    r = content_doc_digest(doc);
    if (r < 0)
        content_doc_release(doc);
    return r;
fail:
    json_decref(manifest);
    json_decref(items);
    return r == 0 ? -EINVAL : r;
}

/* ---- generator problems as steps ---- */

static json_t *text_json(const struct gen_problem *p, struct gen_text t)
{
    return json_pack("{ssss}", "en", gen_str(p, t, GEN_EN), "es", gen_str(p, t, GEN_ES));
}

static json_t *q_json(const struct gen_problem *p, const struct gen_q *q, const char *id,
                      const json_t *skills)
{
    json_t *acc = json_array(), *fb = json_array(), *hints = json_array(), *ans;
    json_t *o = NULL;

    if (!acc || !fb || !hints)
        goto out;
    for (unsigned i = 0; i < q->n_answers; i++)
        json_array_append_new(acc, json_string(q->answers[i]));
    ans = json_pack("{sssO}", "type", q->type, "accepted", acc);
    if (!ans)
        goto out;
    if (q->tolerance > 0)
        json_object_set_new(ans, "tolerance", json_real(q->tolerance));
    if (q->simplified)
        json_object_set_new(ans, "simplified", json_true());
    if (q->n_choices) {
        json_t *ch = json_array();
        for (unsigned i = 0; i < q->n_choices; i++)
            json_array_append_new(ch, json_pack("{ssso}", "id", q->choices[i].id, "text",
                                                text_json(p, q->choices[i].text)));
        json_object_set_new(ans, "choices", ch);
    }
    for (unsigned i = 0; i < q->n_wrong; i++)
        json_array_append_new(fb, json_pack("{ssssso}", "answer", q->wrong[i].answer,
                                            "misconception", q->wrong[i].misconception, "text",
                                            text_json(p, q->wrong[i].feedback)));
    for (unsigned i = 0; i < q->n_hints; i++) {
        json_t *h = json_pack("{so}", "text", text_json(p, q->hints[i]));
        if (h && i + 1 == q->n_hints)
            json_object_set_new(h, "worked_example", json_true());
        json_array_append_new(hints, h);
    }
    o = json_pack("{sssosOsOsOsOs[]}", "id", id, "prompt", text_json(p, q->prompt), "answer", ans,
                  "feedback", fb, "hints", hints, "skills", skills, "scaffolds");
    json_decref(ans);
out:
    json_decref(acc);
    json_decref(fb);
    json_decref(hints);
    return o;
}

json_t *content_gen_steps(const struct gen_problem *p, const json_t *skills)
{
    json_t *steps = json_array();
    if (!steps)
        return NULL;
    for (unsigned s = 0; s < p->n_steps; s++) {
        char id[16];
        snprintf(id, sizeof(id), "s%u", s + 1);
        json_t *st = q_json(p, &p->steps[s].q, id, skills);
        if (!st || json_array_append_new(steps, st) < 0)
            goto fail;
        json_t *sc = json_object_get(st, "scaffolds");
        for (unsigned k = 0; k < p->steps[s].n_scaffolds; k++) {
            char sid[24];
            snprintf(sid, sizeof(sid), "s%u.%c", s + 1, 'a' + k);
            json_t *o = q_json(p, &p->steps[s].scaffolds[k], sid, skills);
            if (!o || json_array_append_new(sc, o) < 0)
                goto fail;
        }
    }
    return steps;
fail:
    json_decref(steps);
    return NULL;
}

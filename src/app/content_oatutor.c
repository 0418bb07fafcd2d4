/*
 * OATutor content pools (github.com/CAHLR/OATutor-Content) as a pack:
 *
 *   content-pool/<P>/<P>.json                       a problem: title, body, oer, license
 *   content-pool/<P>/steps/<S>/<S>.json             a step: stepTitle, stepBody, problemType
 *                                                   (TextBox, MultipleChoice), answerType
 *                                                   (arithmetic, string), stepAnswer, choices
 *   content-pool/<P>/steps/<S>/tutoring/<S>DefaultPathway.json
 *                                                   hints and scaffolds in order (a scaffold
 *                                                   asks a question: hintAnswer; subHints)
 *   skillModel*.json                                step id -> skill names
 *   defaultBKTParams*.json                          skill -> BKT parameters (optional)
 *
 * Each problem becomes an item and each step a step: arithmetic answers
 * are expressions (the answer checker reads their TeX), string answers
 * text (a dollar amount is also accepted without its sign), multiple
 * choice a choice; hints stay hints and scaffolds become scaffold steps,
 * in their order; a last hint that gives the answer ("The answer is ...")
 * is added, since OATutor's pathways need not end with one. Math is
 * $$...$$ in OATutor and $...$ here; a lone $ is a dollar sign.
 *
 * The "oer" and "license" fields ("URL <name>") become each item's
 * attribution, one source for the problem and one for the hints, and a
 * credit line ("From OpenStax: Elementary Algebra, CC BY 4.0; hints by
 * OATutor, CC BY 4.0").
 *
 * A problem this importer cannot represent (randomised variables, figures,
 * another problem type, a step without skills, an answer not among its
 * choices) is left out with the reason; a file that is not valid JSON is
 * an error, and then nothing is imported.
 */
#include "base/common.h"

#include <stdio.h>

#include "app/content.h"
#include "app/content_internal.h"
#include "base/buf.h"
#include "base/mem.h"

#define POOL "content-pool/"

bool content_is_oatutor(const struct content_source *src)
{
    for (size_t i = 0; i < src->n; i++)
        if (!strncmp(src->files[i].path, POOL, strlen(POOL)))
            return true;
    return false;
}

struct oat {
    const struct content_source *src;
    struct content_errors *errs, *skipped;
    struct content_oatutor_counts *counts;
    json_t *skill_model; /* step -> [skill] */
    json_t *bkt;         /* skill -> params, or NULL */
    json_t *used_skills; /* skill id -> name, in order of first use */
    json_t *sources;     /* distinct attribution sources by "role|name" */
    bool oom;
};

/* A JSON file of the pool, parsed: NULL and an error when it is not valid. */
static json_t *load(struct oat *o, const struct content_file *f)
{
    json_error_t jerr;
    json_t *j = json_loadb(f->data, f->len, JSON_REJECT_DUPLICATES, &jerr);
    if (!j)
        content_error(o->errs, f->path, NULL, "line %d: %s", jerr.line, jerr.text);
    return j;
}

/* OATutor text to ours: $$...$$ -> $...$, a lone $ -> \$. */
static char *conv(const char *s)
{
    struct buf b = BUF_INIT(1 << 20);
    int r = 0;
    if (!s)
        s = "";
    for (const char *p = s; *p && r == 0;) {
        if (p[0] == '\\' && p[1] == '$') {
            r = buf_append(&b, "\\$", 2);
            p += 2;
        } else if (p[0] == '$' && p[1] == '$') {
            const char *e = strstr(p + 2, "$$");
            if (!e) {
                r = buf_append(&b, "\\$\\$", 4);
                p += 2;
                continue;
            }
            r = buf_putc(&b, '$');
            if (r == 0)
                r = buf_append(&b, p + 2, (size_t)(e - p - 2));
            if (r == 0)
                r = buf_putc(&b, '$');
            p = e + 2;
        } else if (p[0] == '$') {
            r = buf_append(&b, "\\$", 2);
            p++;
        } else {
            r = buf_putc(&b, *p++);
        }
    }
    if (r < 0) {
        buf_release(&b);
        return NULL;
    }
    if (b.len == 0)
        return mem_strdup("");
    return buf_detach(&b, NULL);
}

static json_t *en(const char *s)
{
    char *c = conv(s);
    json_t *o = c ? json_pack("{ss}", "en", c) : NULL;
    mem_free(c);
    return o;
}

static bool blank(const char *s)
{
    if (!s)
        return true;
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

/* An answer without its $$ ... $$ and spaces around. */
static char *strip_math(const char *s)
{
    size_t n;
    while (*s == ' ')
        s++;
    n = strlen(s);
    while (n && s[n - 1] == ' ')
        n--;
    if (n >= 4 && !strncmp(s, "$$", 2) && !strncmp(s + n - 2, "$$", 2)) {
        s += 2;
        n -= 4;
    }
    while (n && *s == ' ')
        s++, n--;
    while (n && s[n - 1] == ' ')
        n--;
    return mem_strndup(s, n);
}

/* "https://openstax.org/... <OpenStax: Elementary Algebra>" -> url and name. */
static void split_source(const char *s, char *url, size_t ul, char *name, size_t nl)
{
    const char *lt = s ? strchr(s, '<') : NULL, *gt = lt ? strchr(lt, '>') : NULL;
    url[0] = name[0] = '\0';
    if (!s)
        return;
    if (lt && gt) {
        size_t k = (size_t)(lt - s);
        while (k && s[k - 1] == ' ')
            k--;
        snprintf(url, ul, "%.*s", (int)k, s);
        snprintf(name, nl, "%.*s", (int)(gt - lt - 1), lt + 1);
    } else {
        snprintf(name, nl, "%s", s);
    }
}

/* {role, name, url, license, license_url} from an OATutor oer and license pair. */
static json_t *source(const char *role, const char *oer, const char *license)
{
    char url[512], name[256], lurl[512], lname[256];
    split_source(oer, url, sizeof(url), name, sizeof(name));
    split_source(license, lurl, sizeof(lurl), lname, sizeof(lname));
    json_t *o = json_pack("{ssss}", "role", role, "name", *name ? name : "unnamed");
    if (o && *url)
        json_object_set_new(o, "url", json_string(url));
    if (o && *lname)
        json_object_set_new(o, "license", json_string(lname));
    if (o && *lurl)
        json_object_set_new(o, "license_url", json_string(lurl));
    return o;
}

static bool has_variables(const json_t *o)
{
    json_t *v = json_object_get(o, "variabilization");
    return v &&
           ((json_is_object(v) && json_object_size(v)) || (json_is_array(v) && json_array_size(v)));
}

static bool needs_figure(const char *s)
{
    return s && strstr(s, "##") != NULL;
}

/* A skill name as a pack id: letters, digits, '_', '.', '-' (others become '-'). */
static void skill_id(const char *name, char *out, size_t n)
{
    size_t k = 0;
    for (const char *p = name; *p && k + 1 < n && k < 128; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  (k > 0 && (c == '_' || c == '.' || c == '-'));
        out[k++] = ok ? c : '-';
    }
    out[k] = '\0';
}

static void humanise(const char *id, char *out, size_t n)
{
    size_t k = 0;
    for (const char *p = id; *p && k + 1 < n; p++)
        out[k++] = *p == '_' ? ' ' : *p;
    out[k] = '\0';
    if (out[0] >= 'a' && out[0] <= 'z')
        out[0] = (char)(out[0] - 'a' + 'A');
}

/*
 * An answer object and the bottom-out text for an OATutor question
 * (problemType, answerType, answers, choices): NULL with *why set when it
 * cannot be represented.
 */
static json_t *answer_of(const char *ptype, const char *atype, const json_t *answers,
                         const json_t *choices, char **bottom, const char **why)
{
    json_t *acc = json_array(), *ans = NULL;
    size_t i;
    json_t *a;

    *bottom = NULL;
    if (!acc)
        return NULL;
    if (!json_is_array(answers) || json_array_size(answers) == 0) {
        *why = "has no answer";
        goto out;
    }
    if (ptype && !strcmp(ptype, "MultipleChoice")) {
        json_t *ch = json_array();
        if (!json_is_array(choices) || json_array_size(choices) < 2) {
            *why = "is multiple choice without two or more choices";
            json_decref(ch);
            goto out;
        }
        json_array_foreach(choices, i, a)
        {
            char id[8];
            snprintf(id, sizeof(id), "%c", (char)('a' + (i % 26)));
            json_array_append_new(ch,
                                  json_pack("{ssso}", "id", id, "text", en(json_string_value(a))));
        }
        json_array_foreach(answers, i, a)
        {
            size_t k;
            json_t *c;
            bool found = false;
            json_array_foreach(choices, k, c)
            {
                if (json_is_string(a) && json_is_string(c) && json_equal(a, c)) {
                    char id[8];
                    snprintf(id, sizeof(id), "%c", (char)('a' + (k % 26)));
                    json_array_append_new(acc, json_string(id));
                    if (!*bottom)
                        *bottom = conv(json_string_value(c));
                    found = true;
                    break;
                }
            }
            if (!found) {
                *why = "has an answer that is not one of its choices";
                json_decref(ch);
                goto out;
            }
        }
        if (json_array_size(choices) > 12) {
            *why = "has more than 12 choices";
            json_decref(ch);
            goto out;
        }
        ans = json_pack("{sssOso}", "type", "choice", "accepted", acc, "choices", ch);
    } else if (ptype && !strcmp(ptype, "TextBox")) {
        bool text = atype && !strcmp(atype, "string");
        json_array_foreach(answers, i, a)
        {
            char *s = json_is_string(a) ? strip_math(json_string_value(a)) : NULL;
            if (!s || !*s) {
                mem_free(s);
                *why = "has an empty answer";
                goto out;
            }
            json_array_append_new(acc, json_string(s));
            /* a dollar amount: the number alone is right too */
            if (text && s[0] == '$' && s[1] >= '0' && s[1] <= '9')
                json_array_append_new(acc, json_string(s + 1));
            if (!*bottom) {
                if (text) {
                    *bottom = conv(s); /* a lone $ becomes \$ */
                } else {
                    size_t n = strlen(s) + 3;
                    *bottom = mem_alloc(n);
                    if (*bottom)
                        snprintf(*bottom, n, "$%s$", s);
                }
            }
            mem_free(s);
        }
        if (!text && atype && strcmp(atype, "arithmetic") != 0) {
            *why = "has an answer type other than arithmetic or string";
            goto out;
        }
        ans = json_pack("{sssO}", "type", text ? "text" : "expression", "accepted", acc);
    } else {
        *why = "is of a problem type this importer does not take (TextBox and MultipleChoice "
               "only)";
    }
out:
    json_decref(acc);
    if (!ans) {
        mem_free(*bottom);
        *bottom = NULL;
    }
    return ans;
}

static json_t *bottom_hint(const char *bottom)
{
    size_t n = strlen(bottom) + 32;
    char *t = mem_alloc(n);
    json_t *h;
    if (!t)
        return NULL;
    snprintf(t, n, "The answer is %s.", bottom);
    h = json_pack("{s{ss}sb}", "text", "en", t, "worked_example", 1);
    mem_free(t);
    return h;
}

static void note_source(struct oat *o, json_t *sources_out, const char *role, const json_t *obj)
{
    json_t *s = source(role, json_string_value(json_object_get(obj, "oer")),
                       json_string_value(json_object_get(obj, "license")));
    size_t i;
    json_t *x;
    if (!s) {
        o->oom = true;
        return;
    }
    json_array_foreach(sources_out, i, x) if (json_equal(x, s))
    {
        json_decref(s);
        return;
    }
    json_array_append_new(sources_out, s);
}

/* "From A, L; hints by B, L" for an item's sources. */
static char *credit_line(const json_t *sources)
{
    struct buf b = BUF_INIT(4000);
    size_t i;
    json_t *s;
    bool first_problem = true, first_hint = true;
    json_array_foreach(sources, i, s)
    {
        const char *role = json_string_value(json_object_get(s, "role"));
        const char *name = json_string_value(json_object_get(s, "name"));
        const char *lic = json_string_value(json_object_get(s, "license"));
        bool hint = role && !strcmp(role, "hints");
        if (hint ? first_hint : first_problem) {
            (void)buf_appendf(&b, "%s%s %s", b.len ? "; " : "", hint ? "hints by" : "From", name);
            if (hint)
                first_hint = false;
            else
                first_problem = false;
        } else {
            (void)buf_appendf(&b, " and %s", name);
        }
        if (lic)
            (void)buf_appendf(&b, ", %s", lic);
    }
    if (b.len == 0)
        return mem_strdup("From an OATutor content pool");
    return buf_detach(&b, NULL);
}

/* One scaffold or hint list of a pathway into hints and scaffolds; false: skip the problem. */
static bool pathway(struct oat *o, const json_t *path, json_t *hints, json_t *scaffolds,
                    json_t *item_sources, const char **why, long *n_items)
{
    size_t i;
    json_t *h;
    if (!json_is_array(path)) {
        *why = "has a tutoring pathway that is not a list";
        return false;
    }
    json_array_foreach(path, i, h)
    {
        const char *type = json_string_value(json_object_get(h, "type"));
        const char *text = json_string_value(json_object_get(h, "text"));
        const char *title = json_string_value(json_object_get(h, "title"));
        const char *id = json_string_value(json_object_get(h, "id"));
        (*n_items)++;
        if (has_variables(h)) {
            *why = "uses randomised variables (variabilization), which this importer does not "
                   "support";
            return false;
        }
        if (needs_figure(text)) {
            *why = "has a hint that needs a figure";
            return false;
        }
        if (blank(text) || !id) {
            *why = "has a hint without an id or text";
            return false;
        }
        note_source(o, item_sources, "hints", h);
        if (type && !strcmp(type, "hint")) {
            json_t *hj = json_pack("{so}", "text", en(text));
            if (hj && !blank(title))
                json_object_set_new(hj, "title", en(title));
            if (!hj || json_array_append_new(hints, hj) < 0)
                o->oom = true;
        } else if (type && !strcmp(type, "scaffold")) {
            char *bottom = NULL;
            json_t *ans = answer_of(json_string_value(json_object_get(h, "problemType")),
                                    json_string_value(json_object_get(h, "answerType")),
                                    json_object_get(h, "hintAnswer"), json_object_get(h, "choices"),
                                    &bottom, why);
            if (!ans)
                return false;
            /* the scaffold, then what its sub-hints hold: their hints are the scaffold's,
               their scaffolds (scaffolds have none of their own here) follow it */
            json_t *sh = json_array();
            long n_sub = 0;
            json_t *sc =
                json_pack("{sssosOsO}", "id", id, "prompt", en(text), "answer", ans, "hints", sh);
            json_decref(ans);
            if (!sc || json_array_append_new(scaffolds, sc) < 0) {
                o->oom = true;
                json_decref(sh);
                mem_free(bottom);
                return false;
            }
            json_t *sub = json_object_get(h, "subHints");
            if (sub && !pathway(o, sub, sh, scaffolds, item_sources, why, &n_sub)) {
                json_decref(sh);
                mem_free(bottom);
                return false;
            }
            json_array_append_new(sh, bottom_hint(bottom));
            json_decref(sh);
            mem_free(bottom);
        } else {
            *why = "has a tutoring item that is neither a hint nor a scaffold";
            return false;
        }
    }
    return true;
}

/* The steps of problem p (folder prefix "content-pool/P/steps/"), in order. */
static json_t *problem_item(struct oat *o, const char *pid, const json_t *prob, size_t *at,
                            const char **why, long *n_steps, long *n_tut)
{
    char prefix[600];
    json_t *steps = json_array(), *skills = json_array(), *item_sources = json_array();
    json_t *item = NULL;
    bool fail = false;

    snprintf(prefix, sizeof(prefix), POOL "%s/", pid);
    note_source(o, item_sources, "problem", prob);
    if (has_variables(prob)) {
        *why = "uses randomised variables (variabilization), which this importer does not "
               "support";
        fail = true;
    }
    if (needs_figure(json_string_value(json_object_get(prob, "body"))))
        *why = "needs a figure", fail = true;
    /* the problem's files follow its own in path order */
    for (size_t i = *at; i < o->src->n; i++) {
        const struct content_file *f = &o->src->files[i];
        char sid[300], want[900];
        if (strncmp(f->path, prefix, strlen(prefix)) != 0)
            break;
        *at = i + 1;
        if (!strncmp(f->path + strlen(prefix), "figures/", 8)) {
            *why = "needs a figure", fail = true;
            continue;
        }
        /* steps/<S>/<S>.json */
        if (sscanf(f->path + strlen(prefix), "steps/%299[^/]/", sid) != 1)
            continue;
        snprintf(want, sizeof(want), "%ssteps/%s/%s.json", prefix, sid, sid);
        if (strcmp(f->path, want) != 0)
            continue;
        (*n_steps)++;
        json_t *st = load(o, f);
        if (!st) {
            fail = true;
            continue;
        }
        char tpath[1000];
        snprintf(tpath, sizeof(tpath), "%ssteps/%s/tutoring/%sDefaultPathway.json", prefix, sid,
                 sid);
        const struct content_file *tf = content_source_get(o->src, tpath);
        json_t *path = tf && tf->data ? load(o, tf) : NULL;
        if (tf && tf->data && !path) {
            json_decref(st);
            fail = true;
            continue;
        }
        if (json_is_array(path))
            *n_tut += (long)json_array_size(path);
        if (!fail) {
            const char *title = json_string_value(json_object_get(st, "stepTitle"));
            const char *body = json_string_value(json_object_get(st, "stepBody"));
            json_t *sk = json_object_get(o->skill_model, sid);
            char *bottom = NULL;
            if (has_variables(st)) {
                *why = "uses randomised variables (variabilization), which this importer does "
                       "not support";
                fail = true;
            } else if (needs_figure(title) || needs_figure(body)) {
                *why = "needs a figure", fail = true;
            } else if (!json_is_array(sk) || json_array_size(sk) == 0) {
                *why = "has a step with no skill in skillModel", fail = true;
            } else if (blank(title) && blank(body)) {
                *why = "has a step without text", fail = true;
            }
            json_t *ans = fail ? NULL
                               : answer_of(json_string_value(json_object_get(st, "problemType")),
                                           json_string_value(json_object_get(st, "answerType")),
                                           json_object_get(st, "stepAnswer"),
                                           json_object_get(st, "choices"), &bottom, why);
            if (!fail && !ans)
                fail = true;
            json_t *hints = json_array(), *scaffolds = json_array();
            long nt = 0;
            if (!fail && path && !pathway(o, path, hints, scaffolds, item_sources, why, &nt))
                fail = true;
            if (!fail) {
                char text[20000];
                snprintf(text, sizeof(text), "%s%s%s", blank(title) ? "" : title,
                         !blank(title) && !blank(body) ? "\n" : "", blank(body) ? "" : body);
                json_array_append_new(hints, bottom_hint(bottom));
                json_t *step_skills = json_array();
                size_t k;
                json_t *s;
                json_array_foreach(sk, k, s)
                {
                    char id[140];
                    skill_id(json_string_value(s) ? json_string_value(s) : "", id, sizeof(id));
                    json_array_append_new(step_skills, json_string(id));
                    bool seen = false;
                    size_t m;
                    json_t *x;
                    json_array_foreach(skills, m, x) seen |= !strcmp(json_string_value(x), id);
                    if (!seen)
                        json_array_append_new(skills, json_string(id));
                    if (!json_object_get(o->used_skills, id))
                        json_object_set_new(o->used_skills, id, json_string(json_string_value(s)));
                }
                json_t *step =
                    json_pack("{sssososososo}", "id", sid, "prompt", en(text), "answer", ans,
                              "hints", hints, "scaffolds", scaffolds, "skills", step_skills);
                ans = hints = scaffolds = NULL;
                if (!step || json_array_append_new(steps, step) < 0)
                    o->oom = true;
            }
            mem_free(bottom);
            json_decref(ans);
            json_decref(hints);
            json_decref(scaffolds);
        }
        json_decref(st);
        json_decref(path);
    }
    if (!fail && json_array_size(steps) == 0)
        *why = "has no steps", fail = true;
    if (!fail) {
        char *credit = credit_line(item_sources);
        const char *title = json_string_value(json_object_get(prob, "title"));
        const char *body = json_string_value(json_object_get(prob, "body"));
        item = json_pack("{sssOsO}", "id", pid, "skills", skills, "steps", steps);
        if (item && !blank(title))
            json_object_set_new(item, "title", en(title));
        if (item && !blank(body))
            json_object_set_new(item, "stem", en(body));
        if (item && credit)
            json_object_set_new(item, "attribution",
                                json_pack("{sssO}", "text", credit, "sources", item_sources));
        mem_free(credit);
        if (!item)
            o->oom = true;
    }
    json_decref(steps);
    json_decref(skills);
    json_decref(item_sources);
    return item;
}

/* The first top-level file whose name starts with prefix and ends in .json. */
static const struct content_file *top_file(const struct content_source *src, const char *prefix)
{
    for (size_t i = 0; i < src->n; i++) {
        const char *p = src->files[i].path;
        if (!strchr(p, '/') && !strncmp(p, prefix, strlen(prefix)) && src->files[i].data)
            return &src->files[i];
    }
    return NULL;
}

static void slug(const char *hint, char *out, size_t n)
{
    size_t k = 0;
    bool dash = false;
    const char *base = strrchr(hint, '/');
    char tmp[256];
    snprintf(tmp, sizeof(tmp), "%s", base && base[1] ? base + 1 : hint);
    size_t tl = strlen(tmp);
    if (tl > 4 && !strcmp(tmp + tl - 4, ".zip"))
        tmp[tl - 4] = '\0';
    if (strncmp(tmp, "oatutor", 7) != 0) {
        snprintf(out, n, "oatutor-");
        k = strlen(out);
        dash = true;
    }
    for (const char *p = tmp; *p && k + 1 < n && k < 64; p++) {
        char c = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            out[k++] = c;
            dash = false;
        } else if (!dash) {
            out[k++] = '-';
            dash = true;
        }
    }
    while (k && out[k - 1] == '-')
        k--;
    out[k] = '\0';
    if (k == 0)
        snprintf(out, n, "oatutor");
}

int content_parse_oatutor(const struct content_source *src, const char *pack_hint,
                          struct content_errors *errs, struct content_errors *skipped,
                          struct content_oatutor_counts *counts, struct content_doc *doc)
{
    struct oat o = {.src = src, .errs = errs, .skipped = skipped, .counts = counts};
    const struct content_file *sm = top_file(src, "skillModel"), *bp;
    json_t *items_in = json_array(), *manifest_in = NULL, *manifest = NULL;
    json_t *items = json_array(), *pack_sources = json_array();
    char pack_id[80], course[256] = "";
    bool mixed = false;
    int r = 0;

    memset(doc, 0, sizeof(*doc));
    memset(counts, 0, sizeof(*counts));
    o.used_skills = json_object();
    if (!items_in || !items || !pack_sources || !o.used_skills) {
        r = -ENOMEM;
        goto out;
    }
    slug(pack_hint, pack_id, sizeof(pack_id));
    if (!sm) {
        content_error(errs, "skillModel.json", NULL,
                      "missing: an OATutor pool maps each step to its skills there");
    } else if ((o.skill_model = load(&o, sm)) && !json_is_object(o.skill_model)) {
        content_error(errs, sm->path, NULL, "must be an object of step ids to skill lists");
    }
    if ((bp = top_file(src, "defaultBKTParams")))
        o.bkt = load(&o, bp);
    /* problems: content-pool/<P>/<P>.json; each problem's files follow it in path order */
    for (size_t i = 0; i < src->n;) {
        const struct content_file *f = &src->files[i];
        char pid[300], want[700];
        const char *slash =
            !strncmp(f->path, POOL, strlen(POOL)) ? strchr(f->path + strlen(POOL), '/') : NULL;
        size_t plen = slash ? (size_t)(slash - f->path - strlen(POOL)) : 0;
        if (!slash || plen == 0 || plen >= sizeof(pid)) {
            i++; /* not in a problem's folder */
            continue;
        }
        memcpy(pid, f->path + strlen(POOL), plen);
        pid[plen] = '\0';
        snprintf(want, sizeof(want), POOL "%s/%s.json", pid, pid);
        const struct content_file *pf = content_source_get(src, want);
        if (!pf || !pf->data) {
            /* a folder without its problem file: skip its files */
            char prefix[600];
            snprintf(prefix, sizeof(prefix), POOL "%s/", pid);
            content_error(errs, want, NULL, "missing: every problem folder has its problem file");
            while (i < src->n && !strncmp(src->files[i].path, prefix, strlen(prefix)))
                i++;
            continue;
        }
        counts->problems++;
        json_t *prob = load(&o, pf);
        const char *why = NULL;
        long n_steps = 0, n_tut = 0;
        size_t at = i;
        json_t *item = NULL;
        if (prob && !json_is_object(prob)) {
            content_error(errs, pf->path, NULL, "must be an object");
            json_decref(prob);
            prob = NULL;
        }
        const char *cn = json_string_value(json_object_get(prob, "courseName"));
        if (cn && !course[0])
            snprintf(course, sizeof(course), "%s", cn);
        else if (cn && strcmp(cn, course) != 0)
            mixed = true;
        if (prob && o.skill_model)
            item = problem_item(&o, pid, prob, &at, &why, &n_steps, &n_tut);
        else {
            char prefix[600];
            snprintf(prefix, sizeof(prefix), POOL "%s/", pid);
            while (at < src->n && !strncmp(src->files[at].path, prefix, strlen(prefix)))
                at++;
        }
        i = at > i ? at : i + 1;
        counts->steps += n_steps;
        counts->tutoring += n_tut;
        if (item) {
            /* the item in the Trellis format is checked later, with the manifest */
            json_object_set_new(item, "_steps", json_integer(n_steps));
            json_object_set_new(item, "_tutoring", json_integer(n_tut));
            json_array_append_new(items_in, item);
            size_t k;
            json_t *s;
            json_array_foreach(json_object_get(json_object_get(item, "attribution"), "sources"), k,
                               s)
            {
                size_t m;
                json_t *x;
                bool dup = false;
                json_array_foreach(pack_sources, m, x) dup |= json_equal(x, s);
                if (!dup)
                    json_array_append(pack_sources, s);
            }
        } else if (prob && why) {
            content_error(skipped, pid, NULL, "%s", why);
        }
        json_decref(prob);
        if (o.oom) {
            r = -ENOMEM;
            goto out;
        }
    }
    if (counts->problems == 0)
        content_error(errs, POOL, NULL, "no problems (content-pool/<id>/<id>.json)");
    if (errs->n + errs->more) {
        r = -EINVAL;
        goto out;
    }
    /* the pack: every skill a problem uses */
    {
        json_t *skills = json_array();
        const char *id;
        json_t *name;
        json_object_foreach(o.used_skills, id, name)
        {
            char human[300];
            humanise(json_string_value(name), human, sizeof(human));
            json_t *s = json_pack("{sss{ss}}", "id", id, "name", "en", human);
            json_t *b = o.bkt ? json_object_get(o.bkt, json_string_value(name)) : NULL;
            double pm = json_number_value(json_object_get(b, "probMastery")),
                   pt = json_number_value(json_object_get(b, "probTransit")),
                   ps = json_number_value(json_object_get(b, "probSlip")),
                   pg = json_number_value(json_object_get(b, "probGuess"));
            if (s && b && pm > 0 && pm < 1 && pt > 0 && pt < 1 && ps > 0 && ps < 1 && pg > 0 &&
                pg < 1)
                json_object_set_new(
                    s, "bkt",
                    json_pack("{sfsfsfsf}", "prior", pm, "learn", pt, "guess", pg, "slip", ps));
            json_array_append_new(skills, s);
        }
        char *credit = credit_line(pack_sources);
        /* the pack's title: the course name when all problems share one, else the folder's */
        const char *base = strrchr(pack_hint, '/');
        const char *title = course[0] && !mixed ? course : base && base[1] ? base + 1 : pack_hint;
        json_t *lic = NULL;
        size_t k;
        json_t *s;
        json_array_foreach(pack_sources, k, s) if (!lic && json_object_get(s, "license")) lic =
            json_object_get(s, "license");
        manifest_in =
            json_pack("{sssssss{ss}s[s]sssssO}", "format", "trellis-content/1", "id", pack_id,
                      "version", "0", "title", "en", title, "languages", "en", "license",
                      lic ? json_string_value(lic) : "see each item", "attribution",
                      credit ? credit : "OATutor content pool", "skills", skills);
        mem_free(credit);
        json_decref(skills);
        if (!manifest_in) {
            r = -ENOMEM;
            goto out;
        }
        if (json_array_size(json_object_get(manifest_in, "skills")) == 0) {
            content_error(errs, POOL, NULL, "no problem could be imported");
            r = -EINVAL;
            goto out;
        }
        r = content_check_manifest(manifest_in, "skillModel.json", errs, &manifest);
        if (r < 0)
            goto out;
    }
    /* each item in the Trellis format's rules; one that breaks them is left out */
    {
        size_t i;
        json_t *it;
        json_array_foreach(items_in, i, it)
        {
            struct content_errors ie = {0};
            json_t *norm = NULL;
            char file[400];
            long ns = json_integer_value(json_object_get(it, "_steps"));
            long nt = json_integer_value(json_object_get(it, "_tutoring"));
            json_object_del(it, "_steps");
            json_object_del(it, "_tutoring");
            snprintf(file, sizeof(file), POOL "%s", json_string_value(json_object_get(it, "id")));
            r = content_check_item(manifest, it, file, false, &ie, &norm);
            if (r == -ENOMEM) {
                content_errors_release(&ie);
                goto out;
            }
            if (r < 0) {
                content_error(skipped, json_string_value(json_object_get(it, "id")), NULL,
                              "does not fit the format: %s", ie.n ? ie.v[0] : "?");
            } else {
                json_array_append_new(items, norm);
                counts->problems_imported++;
                counts->steps_imported += ns;
                counts->tutoring_imported += nt;
            }
            content_errors_release(&ie);
        }
        r = 0;
    }
    if (json_array_size(items) == 0) {
        content_error(errs, POOL, NULL, "no problem could be imported");
        r = -EINVAL;
        goto out;
    }
    doc->manifest = manifest;
    doc->items = items;
    manifest = items = NULL;
    snprintf(doc->format, sizeof(doc->format), "oatutor");
    /* the version: the content's digest, so a changed pool is a new version */
    r = content_doc_digest(doc);
    if (r == 0) {
        char v[40];
        snprintf(v, sizeof(v), "oatutor-%.12s", doc->digest);
        json_object_set_new(doc->manifest, "version", json_string(v));
    } else {
        content_doc_release(doc);
    }
out:
    json_decref(items_in);
    json_decref(manifest_in);
    json_decref(manifest);
    json_decref(items);
    json_decref(pack_sources);
    json_decref(o.skill_model);
    json_decref(o.bkt);
    json_decref(o.used_skills);
    return r;
}

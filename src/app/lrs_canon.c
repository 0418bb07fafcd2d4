/*
 * The canonical form of a statement (lrs_canon.h): the identity text of
 * agents, the terms queries find a statement by, single context
 * activities as arrays, durations cut for comparison. Pure: no store, no
 * clock.
 */
#include "base/common.h"

#include <sodium.h>
#include <stdio.h>

#include "app/lrs_canon.h"
#include "store/store_lrs.h"

/* ---- terms ---- */

static const unsigned char term_key[crypto_shorthash_KEYBYTES] = "trellis-lrs-v1!";

int64_t lrs_term_hash(const char *text)
{
    unsigned char h[crypto_shorthash_BYTES];
    uint64_t v = 0;
    crypto_shorthash(h, (const unsigned char *)text, strlen(text), term_key);
    for (int i = 0; i < 8; i++)
        v = v << 8 | h[i];
    return (int64_t)(v >> 1); /* non-negative: portable as a signed 64-bit column */
}

/*
 * The canonical text of an Agent's or Identified Group's identity: its type
 * and its one Inverse Functional Identifier (xAPI 2.4.2.3). NULL for an
 * Anonymous Group. In the arena.
 */
const char *lrs_actor_key(struct arena *a, json_t *o)
{
    json_t *t = json_object_get(o, "objectType"), *v;
    const char *type = t && json_is_string(t) && !strcmp(json_string_value(t), "Group") ? "G" : "A";
    if ((v = json_object_get(o, "mbox")) && json_is_string(v))
        return arena_printf(a, "%s|mbox|%s", type, json_string_value(v));
    if ((v = json_object_get(o, "mbox_sha1sum")) && json_is_string(v))
        return arena_printf(a, "%s|sha1|%s", type, json_string_value(v));
    if ((v = json_object_get(o, "openid")) && json_is_string(v))
        return arena_printf(a, "%s|openid|%s", type, json_string_value(v));
    if ((v = json_object_get(o, "account")) && json_is_object(v)) {
        json_t *hp = json_object_get(v, "homePage"), *n = json_object_get(v, "name");
        if (json_is_string(hp) && json_is_string(n))
            return arena_printf(a, "%s|account|%s|%s", type, json_string_value(hp),
                                json_string_value(n));
    }
    return NULL;
}

struct terms {
    struct arena *a;
    int kinds[LRS_MAX_TERMS];
    int64_t hashes[LRS_MAX_TERMS];
    size_t n;
};

static void add_term(struct terms *t, int kind, const char *key)
{
    if (!key || t->n >= LRS_MAX_TERMS)
        return;
    int64_t h = lrs_term_hash(key);
    for (size_t i = 0; i < t->n; i++)
        if (t->kinds[i] == kind && t->hashes[i] == h)
            return;
    t->kinds[t->n] = kind;
    t->hashes[t->n] = h;
    t->n++;
}

bool lrs_is_type(json_t *o, const char *type, bool dflt)
{
    json_t *t = json_object_get(o, "objectType");
    if (!t)
        return dflt;
    return json_is_string(t) && !strcmp(json_string_value(t), type);
}

static void add_actor(struct terms *t, int kind, json_t *o)
{
    if (!json_is_object(o))
        return;
    add_term(t, kind, lrs_actor_key(t->a, o));
}

static void add_activity(struct terms *t, int kind, json_t *o)
{
    json_t *id = json_object_get(o, "id");
    if (json_is_string(id))
        add_term(t, kind, json_string_value(id));
}

static void add_context_activities(struct terms *t, json_t *cx)
{
    json_t *ca = json_object_get(cx, "contextActivities"), *v;
    const char *k;
    json_object_foreach(ca, k, v)
    {
        if (json_is_array(v)) {
            size_t i;
            json_t *e;
            json_array_foreach(v, i, e) add_activity(t, LRS_TERM_RELATED_ACTIVITY, e);
        } else {
            add_activity(t, LRS_TERM_RELATED_ACTIVITY, v);
        }
    }
}

static void add_related(struct terms *t, json_t *st, bool top)
{
    json_t *actor = json_object_get(st, "actor"), *obj = json_object_get(st, "object");
    json_t *cx = json_object_get(st, "context");

    add_actor(t, LRS_TERM_RELATED_AGENT, actor);
    if (top)
        add_actor(t, LRS_TERM_AGENT, actor);
    if (lrs_is_type(obj, "Agent", false) || lrs_is_type(obj, "Group", false)) {
        add_actor(t, LRS_TERM_RELATED_AGENT, obj);
        if (top)
            add_actor(t, LRS_TERM_AGENT, obj);
    } else if (lrs_is_type(obj, "Activity", true)) {
        add_activity(t, LRS_TERM_RELATED_ACTIVITY, obj);
        if (top)
            add_activity(t, LRS_TERM_ACTIVITY, obj);
    } else if (lrs_is_type(obj, "SubStatement", false)) {
        add_related(t, obj, false);
    }
    if (json_is_object(cx)) {
        add_actor(t, LRS_TERM_RELATED_AGENT, json_object_get(cx, "instructor"));
        add_actor(t, LRS_TERM_RELATED_AGENT, json_object_get(cx, "team"));
        add_context_activities(t, cx);
        json_t *v = json_object_get(cx, "registration");
        if (top && json_is_string(v)) {
            char low[40];
            snprintf(low, sizeof(low), "%s", json_string_value(v));
            for (char *p = low; *p; p++)
                if (*p >= 'A' && *p <= 'Z')
                    *p = (char)(*p + 32);
            add_term(t, LRS_TERM_REGISTRATION, low);
        }
    }
    if (top) {
        add_actor(t, LRS_TERM_RELATED_AGENT, json_object_get(st, "authority"));
        json_t *vb = json_object_get(json_object_get(st, "verb"), "id");
        if (json_is_string(vb))
            add_term(t, LRS_TERM_VERB, json_string_value(vb));
    }
}

static void context_arrays_of(json_t *cx)
{
    json_t *ca = json_object_get(cx, "contextActivities"), *v;
    const char *k;
    json_object_foreach(ca, k, v)
    {
        if (json_is_object(v)) {
            json_t *arr = json_array();
            json_array_append(arr, v);
            json_object_set_new(ca, k, arr);
        }
    }
}

void lrs_context_arrays(json_t *st)
{
    json_t *obj = json_object_get(st, "object");
    context_arrays_of(json_object_get(st, "context"));
    if (lrs_is_type(obj, "SubStatement", false))
        context_arrays_of(json_object_get(obj, "context"));
}

size_t lrs_terms_of(struct arena *a, json_t *st, int kinds[LRS_MAX_TERMS],
                    int64_t hashes[LRS_MAX_TERMS])
{
    struct terms t = {.a = a};
    add_related(&t, st, true);
    memcpy(kinds, t.kinds, t.n * sizeof(t.kinds[0]));
    memcpy(hashes, t.hashes, t.n * sizeof(t.hashes[0]));
    return t.n;
}

/* "PT1.2345S" -> "PT1.23S": comparisons ignore precision beyond 0.01 s (xAPI 2.0.0 4.2.7). */
static void truncate_duration(json_t *res)
{
    const char *d = json_string_value(json_object_get(res, "duration"));
    char buf[128];
    size_t n, j = 0;
    if (!d || (n = strlen(d)) >= sizeof(buf))
        return;
    for (size_t i = 0; i < n; i++) {
        buf[j++] = d[i];
        if (d[i] == '.' || d[i] == ',') {
            size_t k = 0;
            for (i++; i < n && d[i] >= '0' && d[i] <= '9'; i++)
                if (k++ < 2)
                    buf[j++] = d[i];
            i--;
        }
    }
    buf[j] = '\0';
    json_object_set_new(res, "duration", json_string(buf));
}

void lrs_comparable_durations(json_t *st)
{
    json_t *obj = json_object_get(st, "object");
    if (json_object_get(json_object_get(st, "result"), "duration"))
        truncate_duration(json_object_get(st, "result"));
    if (lrs_is_type(obj, "SubStatement", false) &&
        json_object_get(json_object_get(obj, "result"), "duration"))
        truncate_duration(json_object_get(obj, "result"));
}

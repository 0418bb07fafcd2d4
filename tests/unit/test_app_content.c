/*
 * The content service (app/content.h) and the pack built into the program.
 *
 * The built-in pack: at least 40 skills, grades 3 to 8 all there, every
 * prerequisite from the same or an earlier grade, no cycles (checked here
 * with a search of our own, not the importer's), every skill reachable
 * from the grade-3 roots and practised by an item. Every generator
 * item's instances (200 seeds each) fit the format the practice service
 * reads, with strict TeX. Import into the fixture district: the second
 * import changes nothing; reads for a student of the district; refusals
 * for another district's student, nobody, and a teacher who tries to
 * import. A broken pack is refused with every error named. Running out of
 * memory while reading a pack fails cleanly.
 */
#include "test.h"

#include "app/access.h"
#include "app/content.h"
#include "app/content_internal.h"
#include "app_fixture.h"
#include "base/mem.h"
#include "core/gen.h"

/* ---- the built-in pack ---- */

static struct content_doc builtin(void)
{
    struct content_source *src = NULL;
    struct content_errors errs = {0};
    struct content_doc doc;
    assert_int_equal(content_source_memory(content_builtin_files, content_builtin_count, &src), 0);
    int r = content_parse_trellis(src, &errs, &doc);
    for (size_t i = 0; i < errs.n; i++)
        fprintf(stderr, "%s\n", errs.v[i]);
    assert_int_equal(r, 0);
    content_errors_release(&errs);
    content_source_free(src);
    return doc;
}

static size_t skill_index(const json_t *skills, const char *id)
{
    size_t i;
    json_t *s;
    json_array_foreach(skills, i,
                       s) if (!strcmp(json_string_value(json_object_get(s, "id")), id)) return i;
    fail_msg("no skill '%s'", id);
    return 0;
}

/* 0 unvisited, 1 on the path, 2 done: a back edge is a cycle. */
static bool has_cycle(const json_t *skills, size_t i, unsigned char *state)
{
    size_t k;
    json_t *p;
    state[i] = 1;
    json_array_foreach(json_object_get(json_array_get(skills, i), "prerequisites"), k, p)
    {
        size_t j = skill_index(skills, json_string_value(p));
        if (state[j] == 1 || (state[j] == 0 && has_cycle(skills, j, state)))
            return true;
    }
    state[i] = 2;
    return false;
}

static void test_builtin_pack_shape(void **state)
{
    (void)state;
    struct content_doc doc = builtin();
    json_t *skills = json_object_get(doc.manifest, "skills"), *s, *p;
    size_t n = json_array_size(skills), i, k;
    bool grades[13] = {false};
    unsigned char *st = calloc(n, 1), *reached = calloc(n, 1);

    assert_true(n >= 40);
    assert_string_equal(json_string_value(json_object_get(doc.manifest, "id")),
                        CONTENT_BUILTIN_PACK);
    /* both languages everywhere: the checker enforced it; the pack declares them */
    assert_int_equal(json_array_size(json_object_get(doc.manifest, "languages")), 2);
    json_array_foreach(skills, i, s)
    {
        json_int_t g = json_integer_value(json_object_get(s, "grade"));
        assert_true(g >= 3 && g <= 8);
        grades[g] = true;
        json_array_foreach(json_object_get(s, "prerequisites"), k, p)
        {
            json_t *pre = json_array_get(skills, skill_index(skills, json_string_value(p)));
            if (json_integer_value(json_object_get(pre, "grade")) > g)
                fail_msg("%s (grade %d) needs %s of a later grade",
                         json_string_value(json_object_get(s, "id")), (int)g, json_string_value(p));
        }
        /* every skill after grade 3 builds on something */
        if (g > 3)
            assert_true(json_array_size(json_object_get(s, "prerequisites")) > 0);
    }
    for (int g = 3; g <= 8; g++)
        if (!grades[g])
            fail_msg("no skill of grade %d", g);
    for (i = 0; i < n; i++)
        if (st[i] == 0)
            assert_false(has_cycle(skills, i, st));
    /* reachable: from the skills with no prerequisites, following "needed by" */
    json_array_foreach(skills, i, s) reached[i] =
        json_array_size(json_object_get(s, "prerequisites")) == 0;
    for (bool grew = true; grew;) {
        grew = false;
        json_array_foreach(skills, i, s)
        {
            bool all = true;
            if (reached[i])
                continue;
            json_array_foreach(json_object_get(s, "prerequisites"), k, p) all &=
                reached[skill_index(skills, json_string_value(p))] != 0;
            if (all)
                reached[i] = 1, grew = true;
        }
    }
    json_array_foreach(skills, i, s)
    {
        if (!reached[i])
            fail_msg("%s is not reachable", json_string_value(json_object_get(s, "id")));
        /* a root is a grade-3 skill */
        if (json_array_size(json_object_get(s, "prerequisites")) == 0)
            assert_int_equal(json_integer_value(json_object_get(s, "grade")), 3);
    }
    /* every skill has an item, and one made by a generator */
    json_array_foreach(skills, i, s)
    {
        const char *iri = json_string_value(json_object_get(s, "iri"));
        bool gen = false;
        json_t *it;
        json_array_foreach(doc.items, k, it)
        {
            size_t m;
            json_t *x;
            json_array_foreach(json_object_get(it, "skills"), m, x) gen |=
                !strcmp(json_string_value(x), iri) && json_object_get(it, "generator");
        }
        if (!gen)
            fail_msg("no generator item for %s", json_string_value(json_object_get(s, "id")));
    }
    free(st);
    free(reached);
    content_doc_release(&doc);
}

/* Drop the steps' "skills" (IRIs), so they default to the item's when checked as a file. */
static void drop_skills(json_t *steps)
{
    size_t i;
    json_t *s;
    json_array_foreach(steps, i, s)
    {
        json_object_del(s, "skills");
        drop_skills(json_object_get(s, "scaffolds"));
        if (json_array_size(json_object_get(s, "scaffolds")) == 0)
            json_object_del(s, "scaffolds");
        if (json_array_size(json_object_get(s, "feedback")) == 0)
            json_object_del(s, "feedback");
    }
}

static void test_instances_fit_the_format(void **state)
{
    (void)state;
    struct content_doc doc = builtin();
    struct gen_problem *p = malloc(sizeof(*p));
    size_t i, checked = 0;
    json_t *it;

    assert_non_null(p);
    json_array_foreach(doc.items, i, it)
    {
        const char *gen = json_string_value(json_object_get(it, "generator"));
        const char *skill_iri = json_string_value(json_array_get(json_object_get(it, "skills"), 0));
        const char *skill_id = strrchr(skill_iri, '/') + 1;
        if (!gen)
            continue;
        struct gen_params ps = {0};
        const char *key;
        json_t *val;
        json_object_foreach(json_object_get(it, "params"), key, val)
        {
            ps.p[ps.n].name = key;
            ps.p[ps.n++].value = json_integer_value(val);
        }
        for (uint64_t seed = 1; seed <= 200; seed++) {
            struct content_errors errs = {0};
            json_t *norm = NULL;
            assert_int_equal(gen_make(gen, &ps, seed * 7919, p), 0);
            json_t *steps = content_gen_steps(p, json_object_get(it, "skills"));
            assert_non_null(steps);
            drop_skills(steps);
            json_t *file = json_pack("{sss[s]so}", "id", "x", "skills", skill_id, "steps", steps);
            int r = content_check_item(doc.manifest, file, "generated", true, &errs, &norm);
            if (r != 0)
                fail_msg("%s seed %llu: %s", gen, (unsigned long long)seed,
                         errs.n ? errs.v[0] : "?");
            checked++;
            json_decref(file);
            json_decref(norm);
            content_errors_release(&errs);
        }
    }
    assert_true(checked >= 60 * 200);
    free(p);
    content_doc_release(&doc);
}

/* ---- the service on the fixture district ---- */

static struct principal people[4];

static const struct principal *as(int who)
{
    struct principal *p = &people[who];
    static struct principal_grant g[4];
    memset(p, 0, sizeof(*p));
    p->kind = PRINCIPAL_USER;
    p->district_id = F.d1;
    p->mfa_enrolled = true;
    switch (who) {
    case 0: /* student a */
        p->user_id = U('a');
        p->roles = ROLE_STUDENT;
        g[0] = (struct principal_grant){ROLE_STUDENT, F.s1};
        break;
    case 1: /* teacher t1 */
        p->user_id = U('t');
        p->roles = ROLE_TEACHER;
        g[1] = (struct principal_grant){ROLE_TEACHER, F.s1};
        break;
    case 2: /* district admin z */
        p->user_id = U('z');
        p->roles = ROLE_DISTRICT_ADMIN;
        g[2] = (struct principal_grant){ROLE_DISTRICT_ADMIN, 0};
        break;
    default: /* student x of district 2 */
        p->district_id = F.d2;
        p->user_id = U('x');
        p->roles = ROLE_STUDENT;
        g[3] = (struct principal_grant){ROLE_STUDENT, 0};
        break;
    }
    p->grants = &g[who];
    p->n_grants = 1;
    return p;
}

static void test_import_and_reads(void **state)
{
    (void)state;
    struct content_report rep;
    struct principal op;
    struct content_graph graph;
    int r;

    principal_operator(&op, 0, "test");
    F.ctx.who = &op;
    r = content_install_builtin(&F.ctx, F.d1, &rep);
    assert_int_equal(r, 0);
    assert_true(rep.created && !rep.unchanged);
    assert_true(rep.skills >= 40);
    content_report_release(&rep);
    /* again: nothing changes */
    assert_int_equal(content_install_builtin(&F.ctx, F.d1, &rep), 0);
    assert_true(rep.unchanged);
    content_report_release(&rep);
    ctx_release(&F.ctx);

    /* a student of the district reads the graph, the items and a problem */
    F.ctx.who = as(0);
    assert_int_equal(content_graph(&F.ctx, F.d1, &graph), 0);
    assert_true(graph.n >= 40);
    const struct content_skill *frac = NULL;
    for (size_t i = 0; i < graph.n; i++)
        if (!strcmp(graph.skills[i].skill, "add-subtract-unlike-fractions"))
            frac = &graph.skills[i];
    assert_non_null(frac);
    assert_int_equal(frac->grade, 5);
    assert_int_equal(frac->n_prerequisites, 2);
    assert_ptr_equal(content_graph_skill_iri(&graph, frac->iri), frac);
    assert_non_null(content_graph_skill(&graph, frac->prerequisites[0]));
    assert_string_equal(json_string_value(json_object_get(frac->name, "es")),
                        "Sumar y restar fracciones con distinto denominador");
    struct content_item_ref *refs;
    size_t n;
    assert_int_equal(content_items_for_skill(&F.ctx, F.d1, frac->id, &refs, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(refs[0].generator, "frac_add_unlike");
    json_t *p1, *p2, *p3;
    assert_int_equal(content_problem(&F.ctx, F.d1, refs[0].id, 42, &p1), 0);
    assert_int_equal(content_problem(&F.ctx, F.d1, refs[0].id, 42, &p2), 0);
    assert_int_equal(content_problem(&F.ctx, F.d1, refs[0].id, 43, &p3), 0);
    assert_true(json_equal(p1, p2));  /* the same seed, the same numbers */
    assert_false(json_equal(p1, p3)); /* another seed, others */
    json_t *step = json_array_get(json_object_get(p1, "steps"), 0);
    assert_string_equal(json_string_value(json_object_get(json_object_get(step, "answer"), "type")),
                        "fraction");
    assert_true(json_array_size(json_object_get(step, "feedback")) > 0);
    assert_string_equal(json_string_value(json_object_get(p1, "seed")), "42");
    const char *mis = json_string_value(
        json_object_get(json_array_get(json_object_get(step, "feedback"), 0), "misconception"));
    const char *name;
    assert_int_equal(content_misconception(&F.ctx, F.d1, mis, "es", &name), 0);
    assert_true(strlen(name) > 5);
    assert_int_equal(content_misconception(&F.ctx, F.d1, "no-such-thing", "en", &name), -ENOENT);
    char *html;
    assert_int_equal(
        content_text_html(json_string_value(json_object_get(json_object_get(step, "prompt"), "es")),
                          &html),
        0);
    assert_non_null(strstr(html, "<mfrac>"));
    mem_free(html);
    json_decref(p1);
    json_decref(p2);
    json_decref(p3);
    assert_int_equal(content_problem(&F.ctx, F.d1, 999999, 1, &p1), -ENOENT);
    /* a stored fixed item comes back as it was written */
    json_t *list;
    assert_int_equal(content_list(&F.ctx, F.d1, true, &list), 0);
    json_t *items = json_object_get(json_array_get(json_object_get(list, "packs"), 0), "items");
    size_t i;
    json_t *it;
    int64_t fixed = 0;
    json_array_foreach(items, i, it) if (!strcmp(json_string_value(json_object_get(it, "id")),
                                                 "probability-spinner")) fixed =
        json_integer_value(json_object_get(it, "row"));
    assert_true(fixed > 0);
    assert_int_equal(content_item(&F.ctx, F.d1, fixed, &p1), 0);
    assert_string_equal(
        json_string_value(json_object_get(
            json_object_get(json_array_get(json_object_get(p1, "steps"), 0), "answer"), "type")),
        "fraction");
    assert_near(json_number_value(json_object_get(json_object_get(p1, "irt"), "difficulty")), -0.5,
                1e-12);
    json_decref(p1);
    json_decref(list);
    content_graph_release(&graph);
    ctx_release(&F.ctx);

    /* someone of another district sees nothing; nobody logged in, nothing */
    F.ctx.who = as(3);
    assert_int_equal(content_graph(&F.ctx, F.d1, &graph), -ENOENT);
    F.ctx.who = NULL;
    assert_int_equal(content_graph(&F.ctx, F.d1, &graph), -EPERM);
    /* a teacher may not import; the district's administrator may */
    F.ctx.who = as(1);
    r = content_install_builtin(&F.ctx, F.d1, &rep);
    assert_true(r == -EACCES || r == -ENOENT);
    content_report_release(&rep);
    F.ctx.who = as(2);
    assert_int_equal(content_install_builtin(&F.ctx, F.d1, &rep), 0);
    assert_true(rep.unchanged);
    content_report_release(&rep);
    F.ctx.who = NULL;
    ctx_release(&F.ctx);
}

/* ---- a broken pack ---- */

static const char good_pack[] =
    "{\"format\": \"trellis-content/1\", \"id\": \"tiny\", \"version\": \"1\","
    " \"title\": {\"en\": \"Tiny\", \"es\": \"Diminuto\"}, \"languages\": [\"en\", \"es\"],"
    " \"license\": \"CC0\", \"attribution\": \"us\","
    " \"skills\": [{\"id\": \"a\", \"name\": {\"en\": \"A\", \"es\": \"A\"}, \"grade\": 3},"
    " {\"id\": \"b\", \"name\": {\"en\": \"B\", \"es\": \"B\"}, \"prerequisites\": [\"a\"]}]}";
static const char good_item[] =
    "{\"id\": \"one\", \"skills\": [\"a\", \"b\"], \"steps\": [{\"id\": \"s\","
    " \"prompt\": {\"en\": \"What is $1 + 1$?\", \"es\": \"¿Cuánto es $1 + 1$?\"},"
    " \"answer\": {\"type\": \"number\", \"accepted\": [\"2\"]},"
    " \"hints\": [{\"text\": {\"en\": \"$1 + 1 = 2$\", \"es\": \"$1 + 1 = 2$\"},"
    " \"worked_example\": true}]}]}";

static int parse_mem(const struct content_memfile *files, size_t n, struct content_errors *errs)
{
    struct content_source *src = NULL;
    struct content_doc doc;
    int r = content_source_memory(files, n, &src);
    if (r == 0)
        r = content_parse_trellis(src, errs, &doc);
    if (r == 0)
        content_doc_release(&doc);
    content_source_free(src);
    return r;
}

static bool has_error(const struct content_errors *e, const char *text)
{
    for (size_t i = 0; i < e->n; i++)
        if (strstr(e->v[i], text))
            return true;
    return false;
}

static void test_broken_pack_names_every_error(void **state)
{
    (void)state;
    static const char cyclic[] =
        "{\"format\": \"trellis-content/1\", \"id\": \"tiny\", \"version\": \"1\","
        " \"title\": {\"en\": \"Tiny\"}, \"languages\": [\"en\", \"es\"],"
        " \"license\": \"CC0\", \"attribution\": \"us\", \"colour\": 1,"
        " \"skills\": [{\"id\": \"a\", \"name\": {\"en\": \"A\", \"es\": \"A\"},"
        " \"prerequisites\": [\"c\"]},"
        " {\"id\": \"b\", \"name\": {\"en\": \"B\", \"es\": \"B\"}, \"prerequisites\": [\"a\"]},"
        " {\"id\": \"c\", \"name\": {\"en\": \"C\", \"es\": \"C\"}, \"prerequisites\": [\"b\"]}]}";
    static const char bad_item[] =
        "{\"id\": \"two\", \"skills\": [\"a\", \"zz\"], \"steps\": [{\"id\": \"s\","
        " \"prompt\": {\"en\": \"What is $\\\\foo$?\"},"
        " \"answer\": {\"type\": \"numeric\", \"accepted\": []},"
        " \"hints\": [{\"text\": {\"en\": \"x\", \"es\": \"x\"}}]}]}";
    static const char gen_item[] =
        "{\"id\": \"three\", \"skills\": [\"a\"], \"generator\": \"place_value\","
        " \"params\": {\"digits\": 99, \"colour\": 2}}";
    struct content_memfile files[] = {
        {"pack.json", cyclic, sizeof(cyclic) - 1},
        {"items/two.json", bad_item, sizeof(bad_item) - 1},
        {"items/three.json", gen_item, sizeof(gen_item) - 1},
        {"items/four.json", "{\"id\": ", 7},
    };
    struct content_errors e = {0};

    assert_int_equal(parse_mem(files, ARRAY_SIZE(files), &e), -EINVAL);
    for (size_t i = 0; i < e.n; i++)
        fprintf(stderr, "  %s\n", e.v[i]);
    assert_true(has_error(&e, "pack.json:colour: unknown field"));
    assert_true(has_error(&e, "pack.json:title.es: missing"));
    assert_true(has_error(&e, "pack.json:skills[1].prerequisites: the prerequisites form a cycle: "
                              "a -> c -> b -> a"));
    assert_true(has_error(&e, "items/four.json: line 1:"));
    content_errors_release(&e);

    /* the items against a good pack.json */
    files[0] = (struct content_memfile){"pack.json", good_pack, sizeof(good_pack) - 1};
    assert_int_equal(parse_mem(files, ARRAY_SIZE(files), &e), -EINVAL);
    for (size_t i = 0; i < e.n; i++)
        fprintf(stderr, "  %s\n", e.v[i]);
    assert_true(has_error(&e, "items/two.json:skills[1]: no skill 'zz' in this pack"));
    assert_true(has_error(&e, "items/two.json:steps[0].prompt.es: missing"));
    assert_true(has_error(&e, "items/two.json:steps[0].prompt.en: has TeX that cannot be shown "
                              "as MathML: '\\foo'"));
    assert_true(has_error(&e, "items/two.json:steps[0].answer.type: 'numeric' is not an answer "
                              "type"));
    assert_true(has_error(&e, "items/two.json:steps[0].answer.accepted: must have 1 to 20 "
                              "entries, not 0"));
    assert_true(has_error(&e, "items/two.json:steps[0].hints[0].worked_example: the last hint "
                              "must be the worked example"));
    assert_true(has_error(&e, "items/three.json:params.digits: must be from 3 to 6"));
    assert_true(has_error(&e, "items/three.json:params.colour: generator 'place_value' takes no "
                              "parameter 'colour'"));
    assert_true(e.n >= 9);
    content_errors_release(&e);

    /* and the good one passes */
    struct content_memfile ok[] = {
        {"pack.json", good_pack, sizeof(good_pack) - 1},
        {"items/one.json", good_item, sizeof(good_item) - 1},
    };
    assert_int_equal(parse_mem(ok, ARRAY_SIZE(ok), &e), 0);
    assert_int_equal(e.n, 0);
}

static void test_out_of_memory_fails_cleanly(void **state)
{
    (void)state;
    struct content_memfile ok[] = {
        {"pack.json", good_pack, sizeof(good_pack) - 1},
        {"items/one.json", good_item, sizeof(good_item) - 1},
    };
    int r = -ENOMEM;
    long n;
    for (n = 0; n < 20000 && r != 0; n++) {
        struct content_errors e = {0};
        mem_fail_after(n);
        r = parse_mem(ok, ARRAY_SIZE(ok), &e);
        mem_fail_after(-1);
        /* out of memory reads as out of memory, or as an error that names the place */
        assert_true(r == 0 || r == -ENOMEM || r == -EINVAL);
        content_errors_release(&e);
    }
    assert_int_equal(r, 0);
    assert_true(n > 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin_pack_shape),
        cmocka_unit_test(test_instances_fit_the_format),
        cmocka_unit_test(test_import_and_reads),
        cmocka_unit_test(test_broken_pack_names_every_error),
        cmocka_unit_test(test_out_of_memory_fails_cleanly),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

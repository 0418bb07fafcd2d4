/*
 * The demo teacher's assignments, so the assignments page is alive right
 * after `make run` (see demo.h): in the demo teacher's grade 3 mathematics
 * class, one given two weeks ago that was due the Friday after and has
 * been closed since, one for the whole class given a week ago and due in
 * two school days, and one for a small group of four given two school days
 * ago and due next week. They are recorded through the assignment service
 * (assign_record) by the operator on the teacher's behalf, each with the
 * day it was given, before the simulated history, which honours them: the
 * students practise an open assignment first, as practice would have had
 * them, so the completion is mixed the way a real class's is.
 *
 * Nothing here decides access: the reads go through the gate as the
 * operator, the writes through the service.
 */
#include "base/common.h"

#include <stdio.h>

#include "app/access.h"
#include "app/assign.h"
#include "app/content.h"
#include "app/demo.h"
#include "app/principal.h"
#include "base/mem.h"
#include "store/store.h"
#include "store/store_assign.h"
#include "store/store_people.h"
#include "store/store_roster.h"

#define DAY_MS    86400000LL
#define DEMO_PACK "trellis-math-3-8"

void demo_assignments_release(struct demo_assignments *p)
{
    for (size_t i = 0; p && i < p->n; i++)
        mem_free(p->a[i].students);
    if (p)
        memset(p, 0, sizeof(*p));
}

/* The school day n school days after (n > 0) or before (n < 0) day. */
static int64_t school_days_from(int64_t day, int n)
{
    int step = n < 0 ? -1 : 1;
    for (int k = 0; k != n;) {
        day += step;
        if (assign_school_day(day))
            k += step;
    }
    return day;
}

static const char *skill_iri(const struct content_graph *g, const char *id)
{
    for (size_t i = 0; i < g->n; i++)
        if (!strcmp(g->skills[i].pack, DEMO_PACK) && !strcmp(g->skills[i].skill, id))
            return g->skills[i].iri;
    return NULL;
}

struct plan_item {
    const char *skills[2];
    int given_school_days_ago; /* school days before today */
    int due_in;                /* school days after today (negative: past) */
    int closed_days_ago;       /* calendar days before today; 0: open */
    bool small_group;
    const char *note;
};

static const struct plan_item plan_items[] = {
    {{"add-within-1000", "subtract-within-1000"},
     15,
     -11,
     7,
     false,
     "Regrouping practice before our unit test."},
    {{"multiplication-facts", NULL},
     5,
     2,
     0,
     false,
     "Practise until Trellis says mastered: we build on these facts next week."},
    {{"round-tens-hundreds", NULL},
     2,
     7,
     0,
     true,
     "Our small group: rounding, before we start the next unit."},
};

int demo_assign(struct ctx *c, int64_t district_id, const struct demo_set *set,
                struct demo_assignments *ret)
{
    const struct demo_login *teacher = NULL;
    struct content_graph graph = {0};
    struct roster_person_row person = {0};
    struct class_student *students = NULL;
    size_t n_students = 0;
    int64_t teacher_id = 0, class_id = 0, end = 0, today = c->now_ms / DAY_MS;
    char *username = NULL, name[300];
    struct grant *g;
    struct db *db;
    int r;

    memset(ret, 0, sizeof(*ret));
    for (size_t i = 0; i < set->n_logins && !teacher; i++)
        if (!strcmp(set->logins[i].role, "teacher"))
            teacher = &set->logins[i];
    if (!teacher)
        return 0;
    if ((r = ctx_db(c, &db)) < 0)
        return r;
    /* the teacher, and their grade 3 class of the first school (demo.c's names) */
    r = store_user_by_sourced_id(db, district_id, teacher->sourced_id, &teacher_id, &username);
    mem_free(username);
    if (r == 0)
        r = store_assign_class_by_sourced_id(db, district_id, "cls-sch-001-g3a-MATH", &class_id);
    if (r == -ENOENT)
        return 0; /* a demo set without that class: nothing to assign */
    if (r == 0)
        r = store_assign_term_end(db, district_id, class_id, &end);
    if (r < 0)
        return ctx_fail(c, r, "the demo's assignments: cannot read the roster");
    if (end < school_days_from(today, 7))
        return 0; /* the school year is (nearly) over: nothing due any more */
    struct access_resource pres = {RES_PERSON, district_id, teacher_id};
    if ((r = access_check(c, ACT_READ, &pres, &g)) < 0 ||
        (r = store_roster_person(db, g, teacher_id, &person)) < 0)
        goto out;
    snprintf(name, sizeof(name), "%s %s", person.given_name ? person.given_name : "",
             person.family_name ? person.family_name : "");
    struct access_resource cres = {RES_CLASS, district_id, class_id};
    if ((r = access_check(c, ACT_LIST, &cres, &g)) < 0 ||
        (r = store_class_students(db, g, class_id, today, &students, &n_students)) < 0)
        goto out;
    access_read_end(c);
    if ((r = content_graph(c, district_id, &graph)) < 0)
        goto out;
    for (size_t k = 0; k < ARRAY_SIZE(plan_items) && n_students >= 8; k++) {
        const struct plan_item *p = &plan_items[k];
        struct demo_assignment *a = &ret->a[ret->n];
        int64_t small[4];
        size_t n_small = 0;
        for (size_t i = 0; i < 2 && p->skills[i]; i++) {
            const char *iri = skill_iri(&graph, p->skills[i]);
            /* copied: the graph is given back below; the arena outlives the history */
            if (iri && (a->skills[a->n_skills] = arena_strdup(c->arena, iri)))
                a->n_skills++;
        }
        if (!a->n_skills)
            continue;
        /* the small group: four students spread over the roster */
        for (size_t i = 0; p->small_group && i < 4; i++)
            small[n_small++] = students[(2 * i + 1) * n_students / 8].id;
        a->given_day = school_days_from(today, -p->given_school_days_ago);
        a->due_day = school_days_from(today, p->due_in);
        a->closed_day = p->closed_days_ago ? today - p->closed_days_ago : 0;
        if (a->closed_day && !assign_school_day(a->closed_day))
            a->closed_day = school_days_from(a->closed_day, -1);
        struct assign_spec spec = {
            .teacher = teacher_id,
            .teacher_name = name,
            .skills = a->skills,
            .n_skills = a->n_skills,
            .students = p->small_group ? small : NULL,
            .n_students = n_small,
            .given_ms = a->given_day * DAY_MS + 15 * 3600000LL, /* after school */
            .due_day = a->due_day,
            .closed_ms = a->closed_day ? a->closed_day * DAY_MS + 16 * 3600000LL : 0,
            .note = p->note,
        };
        int64_t id;
        if ((r = assign_record(c, class_id, &spec, &id)) < 0)
            goto out;
        size_t n = p->small_group ? n_small : n_students;
        a->students = mem_calloc(n ? n : 1, sizeof(*a->students));
        if (!a->students) {
            r = ctx_fail(c, -ENOMEM, "out of memory");
            goto out;
        }
        for (size_t i = 0; i < n; i++)
            a->students[i] = p->small_group ? small[i] : students[i].id;
        a->n_students = n;
        ret->n++;
    }
    r = 0;
out:
    access_read_end(c);
    if (r < 0) {
        demo_assignments_release(ret);
        if (!c->err[0])
            ctx_fail(c, r, "the demo's assignments: %s", strerror(-r));
    }
    store_roster_person_release(&person);
    mem_free(students);
    content_graph_release(&graph);
    return r;
}

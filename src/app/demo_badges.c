/*
 * The demo district's micro-credentials (issue 15): three achievements a
 * district might offer, with their rubric rows, and a few of the demo
 * teachers who already hold one (signed and stored through badges.c like
 * any award, by the operator). Runs as the operator inside demo_install().
 */
#include "base/common.h"

#include "app/badges.h"
#include "app/demo.h"
#include "base/mem.h"
#include "store/store_badges.h"
#include "store/store_people.h"

static const char *const heatmap_rubric[] = {
    "Lesson plan: small groups formed from the class heat map, with the skills each targets",
    "Student work samples (names removed) from two groups, before and after",
    "Reflection: what the data showed, what changed, what you would do next",
    "Classroom data: the class's mastery growth on the skills taught (small cells suppressed)",
};
static const char *const at_rubric[] = {
    "A plan for one student's access needs using the assistive technology available",
    "Evidence of use in class over two weeks",
    "Reflection on the student's participation and next steps",
};
static const char *const privacy_rubric[] = {
    "Completion of the student data privacy module with its knowledge checks",
    "A review of one classroom tool against the district's data agreement",
};

static const struct {
    const char *slug, *name, *description, *competency, *method, *evidence;
    const char *const *rubric;
    size_t n_rubric;
} achievements[] = {
    {"heatmap-small-groups", "Small groups from the heat map",
     "Plans and runs small-group instruction from the class heat map in Trellis.",
     "Uses class mastery data to form, teach and re-form small groups.",
     "Classroom evidence scored against a rubric by a coach or PD coordinator.",
     "A lesson plan, student work samples with names removed, a reflection, class data.",
     heatmap_rubric, ARRAY_SIZE(heatmap_rubric)},
    {"assistive-technology", "Assistive technology in the classroom",
     "Chooses and uses assistive technology so every student can take part.",
     "Matches assistive technology to a student's access needs and reviews its effect.",
     "Classroom evidence scored against a rubric by a coach or PD coordinator.",
     "A plan, evidence of use, a reflection.", at_rubric, ARRAY_SIZE(at_rubric)},
    {"student-data-privacy", "Student data privacy",
     "Handles student data as the law and the district's agreements require.",
     "Applies FERPA and the district's data agreements to everyday classroom tools.",
     "A module with knowledge checks and a tool review.", "The module's checks and a review.",
     privacy_rubric, ARRAY_SIZE(privacy_rubric)},
};

int demo_badges(struct ctx *c, int64_t district_id, const struct demo_set *set)
{
    int64_t ids[ARRAY_SIZE(achievements)];
    struct badge_award aw[4];
    size_t n = 0;
    struct db *db;
    int r;

    for (size_t i = 0; i < ARRAY_SIZE(achievements); i++) {
        r = badges_define(c, achievements[i].slug, achievements[i].name,
                          achievements[i].description, achievements[i].competency,
                          achievements[i].method, achievements[i].evidence, achievements[i].rubric,
                          achievements[i].n_rubric, &ids[i]);
        if (r < 0)
            return r;
    }
    r = ctx_db(c, &db);
    if (r < 0)
        return r;
    /* the demo teacher with a login holds two (privacy, the heat map); two more teachers one each
     */
    int64_t login_teacher = 0, teachers[3];
    size_t nt = 0;
    for (size_t i = 0; i < set->n_logins && !login_teacher; i++) {
        char *username = NULL;
        if (strcmp(set->logins[i].role, "teacher") != 0)
            continue;
        r = store_user_by_sourced_id(db, district_id, set->logins[i].sourced_id, &login_teacher,
                                     &username);
        mem_free(username);
        if (r < 0 && r != -ENOENT)
            return r;
    }
    r = store_badge_teachers(db, district_id, teachers, ARRAY_SIZE(teachers), &nt);
    if (r < 0)
        return r;
    if (login_teacher) {
        aw[n++] = (struct badge_award){.recipient_id = login_teacher, .achievement_id = ids[2]};
        aw[n++] = (struct badge_award){.recipient_id = login_teacher, .achievement_id = ids[0]};
    }
    for (size_t i = 0; i < nt && n < ARRAY_SIZE(aw); i++)
        if (teachers[i] != login_teacher)
            aw[n++] = (struct badge_award){.recipient_id = teachers[i],
                                           .achievement_id = ids[i % 2 ? 1 : 2]};
    int64_t out[4];
    return n ? badges_award_many(c, aw, n, out) : 0;
}

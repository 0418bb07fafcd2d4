/*
 * roster_gen: write the demo generator's OneRoster 1.2 set for N students
 * to a folder, for the import benchmark (bench/roster_import.sh).
 *   roster_gen --students N [--class-size C] [--seed S] DIR
 */
#include "base/common.h"

#include <stdio.h>

#include "app/demo.h"

int main(int argc, char **argv)
{
    struct demo_opts o = {0};
    struct demo_set set;
    const char *dir = NULL;
    int r;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--students") == 0 && i + 1 < argc)
            o.students = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--class-size") == 0 && i + 1 < argc)
            o.class_size = (int)strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
            o.seed = strtoull(argv[++i], NULL, 10);
        else
            dir = argv[i];
    }
    if (!dir) {
        fprintf(stderr, "usage: roster_gen --students N [--class-size C] [--seed S] DIR\n");
        return 2;
    }
    r = demo_generate(&o, &set);
    if (r == 0)
        r = demo_write_set(&set, dir);
    if (r < 0) {
        fprintf(stderr, "roster_gen: %s\n", strerror(-r));
        return 1;
    }
    printf("schools=%ld students=%ld teachers=%ld guardians=%ld classes=%ld enrollments=%ld\n",
           set.n_schools, set.n_students, set.n_teachers, set.n_guardians, set.n_classes,
           set.n_enrollments);
    demo_set_release(&set);
    return 0;
}

/*
 * A small driver for the FSRS reference-vector test (fsrs.test.mjs): reads
 * commands on stdin and prints what src/core/fsrs computes, one line each,
 * with every digit (%.17g), for the test to compare with ts-fsrs.
 *
 *   params RETENTION MAX_INTERVAL SHORT_TERM N W0 .. W(N-1)
 *   retrievability T S
 *   state S D T GRADE            -> S' D'          (fsrs_next_state, R from T)
 *   schedule ELAPSED S D         -> S D I x 4      (fsrs_schedule; S = D = 0: new)
 * A rejected command prints "error".
 */
#define _GNU_SOURCE 1
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fsrs.h"

int main(void)
{
    struct fsrs_params p;
    char line[4096];

    if (fsrs_params_init(&p, NULL, 0, 0.9, 36500, true) < 0)
        return 1;
    while (fgets(line, sizeof(line), stdin)) {
        char *s = line, *end;
        char *cmd = strtok_r(s, " \n", &end);
        double a[32];
        int n = 0;
        char *tok;
        if (!cmd)
            continue;
        while (n < 32 && (tok = strtok_r(NULL, " \n", &end)))
            a[n++] = strtod(tok, NULL);
        if (strcmp(cmd, "params") == 0 && n >= 4 && n == 4 + (int)a[3]) {
            int r = fsrs_params_init(&p, a[3] > 0 ? a + 4 : NULL, (size_t)a[3], a[0],
                                     (uint32_t)a[1], a[2] != 0);
            printf(r < 0 ? "error\n" : "ok\n");
        } else if (strcmp(cmd, "retrievability") == 0 && n == 2) {
            printf("%.17g\n", fsrs_retrievability(&p, a[0], a[1]));
        } else if (strcmp(cmd, "state") == 0 && n == 4) {
            struct fsrs_memory m = {a[0], a[1]}, out;
            if (fsrs_next_state(&p, &m, a[2], (int)a[3], NAN, &out) < 0)
                printf("error\n");
            else
                printf("%.17g %.17g\n", out.stability, out.difficulty);
        } else if (strcmp(cmd, "schedule") == 0 && n == 3) {
            struct fsrs_memory m = {a[1], a[2]};
            struct fsrs_outcome o[4];
            if (fsrs_schedule(&p, &m, (uint32_t)a[0], o) < 0) {
                printf("error\n");
                continue;
            }
            for (int g = 0; g < 4; g++)
                printf("%s%.17g %.17g %u", g ? " " : "", o[g].memory.stability,
                       o[g].memory.difficulty, o[g].interval);
            printf("\n");
        } else {
            printf("error\n");
        }
    }
    return 0;
}

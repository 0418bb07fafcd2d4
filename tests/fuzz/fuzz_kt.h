/*
 * Shared body of the answer-log fuzz targets: parse, and when that works,
 * group by skill, fit a quick BKT model and predict, so the fitter sees odd
 * sequences too. A rejected input must come with a message.
 */
#ifndef TRELLIS_FUZZ_KT_H
#define TRELLIS_FUZZ_KT_H

#include "base/common.h"

#include "app/model_data.h"
#include "app/model_fit.h"
#include "base/mem.h"
#include "fuzz.h"

static inline int fuzz_kt(const uint8_t *data, size_t size, enum kt_format fmt)
{
    struct kt_data d;
    struct kt_groups g;
    char err[512];

    if (kt_parse((const char *)data, size, fmt, &d, err, sizeof(err)) < 0) {
        if (err[0] == '\0')
            abort(); /* every rejection names the line and the reason */
        return 0;
    }
    if (kt_group(&d, NULL, &g) == 0)
        kt_groups_release(&g);
    if (d.n <= 400) {
        struct bkt_job job = {.fit = BKT_FIT_DEFAULTS, .threads = 1};
        struct bkt_result fit;
        job.fit.restarts = 2;
        job.fit.max_iter = 20;
        job.fit.forget = size % 2;
        job.fit.two_class = size % 3 == 0;
        job.fit.idem = d.item != NULL;
        if (model_bkt_fit(&d, NULL, &job, &fit, err, sizeof(err)) == 0) {
            double *p = mem_alloc((size_t)d.n * sizeof(double));
            if (p && model_bkt_predict(&fit, &d, &d, NULL, p) == 0)
                for (uint32_t i = 0; i < d.n; i++)
                    if (!(p[i] >= 0 && p[i] <= 1))
                        abort();
            mem_free(p);
            model_bkt_result_release(&fit);
        }
    }
    kt_data_release(&d);
    return 0;
}

#endif

/*
 * Fuzz the device inventory file's parser (app/devices_csv.h): it must
 * never crash or leak, every error must name the file, a line and a column
 * (both from 1) and a field, a good file's rows must be good (a known type
 * and status, an asset tag, costs and caps not negative), and a bad file
 * must say so. The history file's parser (app/devices_history_csv.h) gets
 * the same bytes.
 */
#include "base/common.h"

#include <stdio.h>
#include <stdlib.h>

#include "app/devices_csv.h"
#include "app/devices_history_csv.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct devices_csv d;
    int r = devices_csv_parse("f.csv", (const char *)data, size, &d);

    if (r != 0 && r != -EINVAL && r != -ENOMEM)
        abort();
    if ((r == -EINVAL) != (d.n_errors > 0))
        abort();
    for (size_t i = 0; i < d.n_errors; i++) {
        const struct devices_csv_err *e = &d.errors[i];
        char prefix[64];
        snprintf(prefix, sizeof(prefix), "f.csv:%zu:%zu: ", e->line, e->col);
        if (e->line == 0 || e->col == 0 || strncmp(e->msg, prefix, strlen(prefix)) != 0 ||
            !strchr(e->msg + strlen(prefix), ':'))
            abort();
    }
    if (r == 0) {
        if (d.n == 0)
            abort();
        for (size_t i = 0; i < d.n; i++) {
            const struct device_row *row = &d.rows[i];
            if (row->bad || !row->asset_tag[0] || !device_type_name(row->type) ||
                !device_status_name(row->status) || row->cost_cents < 0 || row->data_cap_mb < 0)
                abort();
            for (size_t k = 0; k < d.n_notes; k++)
                if (!row->notes[k])
                    abort();
        }
    }
    devices_csv_release(&d);

    /* the history file's parser on the same bytes */
    struct devices_history h;
    r = devices_history_parse("f.csv", (const char *)data, size, &h);
    if (r != 0 && r != -EINVAL && r != -ENOMEM)
        abort();
    if ((r == -EINVAL) != (h.errs.n_errors > 0))
        abort();
    for (size_t i = 0; r == 0 && i < h.n; i++)
        if (h.rows[i].bad || !h.rows[i].asset_tag[0] || !h.rows[i].event[0])
            abort();
    devices_history_release(&h);
    return 0;
}

/*
 * Fuzz the xAPI statement validator (src/app/lrs_validate.c): any JSON
 * must be accepted or refused with a message naming the property path,
 * for both versions and as a SubStatement, without crashing or changing
 * the statement.
 */
#include "base/common.h"

#include <jansson.h>
#include <stdlib.h>

#include "app/lrs.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *st = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    char err[400];

    if (!st)
        return 0;
    char *before = json_dumps(st, JSON_COMPACT | JSON_ENCODE_ANY);
    for (int v = LRS_V1_0; v <= LRS_V2_0; v++) {
        for (int sub = 0; sub < 2; sub++) {
            int r = lrs_validate(st, (enum lrs_version)v, sub, err, sizeof(err));
            if (r < 0 && (r != -EINVAL || strncmp(err, "statement", 9) != 0))
                abort();
            if (r == 0 && err[0])
                abort();
        }
    }
    char *after = json_dumps(st, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!before || !after || strcmp(before, after) != 0)
        abort();
    free(before);
    free(after);
    json_decref(st);
    return 0;
}

/*
 * Fuzz the route matcher: input is "METHOD\nPATH". It must never crash,
 * and a match must hand back parameter views inside the path.
 */
#include "base/common.h"

#include <stdlib.h>

#include "fuzz.h"
#include "http/router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *nl = memchr(data, '\n', size);
    char method[16], allow[128];
    struct route_match m;
    size_t ml;

    if (!nl)
        return 0;
    ml = (size_t)(nl - (const char *)data);
    if (ml >= sizeof(method))
        return 0;
    memcpy(method, data, ml);
    method[ml] = '\0';
    struct str path = {nl + 1, size - ml - 1};
    if (router_match(routes, routes_count, method, path, &m, allow, sizeof(allow)) == 0) {
        for (size_t i = 0; i < m.n; i++)
            if (m.values[i].p < path.p || m.values[i].p + m.values[i].len > path.p + path.len)
                abort();
    }
    return 0;
}

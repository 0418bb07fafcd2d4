/*
 * Fuzz the configuration file parser and every setting's validation.
 */
#include "base/common.h"

#include "base/config.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct config cfg;
    char err[512];

    if (config_init(&cfg, "web") < 0)
        return 0;
    if (config_load_text(&cfg, (const char *)data, size, "fuzz", err, sizeof(err)) == 0)
        (void)config_finish(&cfg, err, sizeof(err));
    config_release(&cfg);
    return 0;
}

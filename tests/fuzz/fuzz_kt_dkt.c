/*
 * Fuzz the dkt answer-log parser (three lines per student) and the fit behind it.
 */
#include "fuzz_kt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_kt(data, size, KT_FORMAT_DKT);
}

/*
 * Fuzz the csv answer-log parser (header, quoted fields, order column) and the fit behind it.
 */
#include "fuzz_kt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_kt(data, size, KT_FORMAT_CSV);
}

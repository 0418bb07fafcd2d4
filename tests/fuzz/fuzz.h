/*
 * The libFuzzer entry point every target defines. replay.c runs it over a
 * corpus as an ordinary test; with -Dfuzzers=true libFuzzer drives it.
 */
#ifndef TRELLIS_FUZZ_H
#define TRELLIS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif

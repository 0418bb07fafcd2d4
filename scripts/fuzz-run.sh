#!/bin/sh
# Run one libFuzzer target for FUZZ_SECONDS (default 10) on a scratch copy of its corpus.
#   fuzz-run.sh BINARY CORPUS_DIR WORK_DIR
set -eu
bin=$1; corpus=$2; work=$3
mkdir -p "$work"
exec "$bin" -max_total_time="${FUZZ_SECONDS:-10}" -max_len="${FUZZ_MAX_LEN:-65536}" \
  -print_final_stats=1 -artifact_prefix="$work/" "$work" "$corpus"

#!/bin/bash
# `make test`: every suite, then one line "N passed, N failed".
#   1. gcc with ASan + UBSan (halt on error): unit, store, e2e, browser and fuzz-replay suites,
#      against SQLite and, when PostgreSQL is installed, against a throwaway PostgreSQL cluster
#   2. clang with libFuzzer: each fuzz target runs briefly (FUZZ_SECONDS, default 10; CI: 20)
set -uo pipefail
cd "$(dirname "$0")/.."
TEST_BUILD=${TEST_BUILD:-build-test}
FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
rc=0

if [ ! -f "$TEST_BUILD/build.ninja" ]; then
  log=$(mktemp)
  meson setup "$TEST_BUILD" -Db_sanitize=address,undefined --buildtype=debugoptimized -Dtests=enabled \
    >"$log" 2>&1 || { cat "$log" >&2; rm -f "$log"; exit 1; }
  rm -f "$log"
fi
ninja -C "$TEST_BUILD" || exit 1

builds=("$TEST_BUILD")

# the optimised build that `make run` uses must compile too (gcc -O3 warns about more)
REL_BUILD=${REL_BUILD:-build}
if scripts/build.sh "$REL_BUILD"; then
  builds+=("--result=release-build=ok")
else
  echo "the release build (make run) failed: ninja -C $REL_BUILD" >&2
  builds+=("--result=release-build=fail"); rc=1
fi
cleanup() { :; }
if [ -x scripts/pg-tmp.sh ] && scripts/pg-tmp.sh available; then
  # a throwaway PostgreSQL cluster for the store and e2e suites, stopped even when tests fail
  eval "$(scripts/pg-tmp.sh start)"
  cleanup() { scripts/pg-tmp.sh stop; }
fi
trap cleanup EXIT

meson test -C "$TEST_BUILD" --print-errorlogs --num-processes 2 || rc=1

if command -v clang-14 >/dev/null 2>&1 && [ "${SKIP_FUZZ:-0}" != 1 ]; then
  if [ ! -f "$FUZZ_BUILD/build.ninja" ]; then
    log=$(mktemp)
    CC=clang-14 meson setup "$FUZZ_BUILD" -Dfuzzers=true -Db_sanitize=address,undefined -Dtests=enabled \
      -Db_lundef=false --buildtype=debugoptimized >"$log" 2>&1 || { cat "$log" >&2; rm -f "$log"; exit 1; }
    rm -f "$log"
  fi
  ninja -C "$FUZZ_BUILD" || exit 1
  meson test -C "$FUZZ_BUILD" --suite fuzz-run --print-errorlogs --num-processes 2 || rc=1
  builds+=("$FUZZ_BUILD")
fi

python3 scripts/testsum.py "${builds[@]}" || rc=1
exit $rc

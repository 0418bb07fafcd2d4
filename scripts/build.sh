#!/bin/sh
# Configure (once) and build the release binary that `make run` serves.
#   scripts/build.sh BUILD_DIR
# The test suites are switched off (-Dtests=disabled), so this needs only what
# `scripts/deps.sh run` installs. meson's and ninja's chatter goes to a log, but
# when a step fails its output is printed in full: a new user sees the reason.
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
log=$(mktemp "${TMPDIR:-/tmp}/trellis-build.XXXXXX")
trap 'rm -f "$log"' EXIT
if [ ! -f "$build/build.ninja" ]; then
  if ! meson setup "$build" --buildtype=release -Db_ndebug=true -Dtests=disabled >"$log" 2>&1; then
    cat "$log" >&2
    echo "configuring the build failed (meson setup $build): see the lines above" >&2
    exit 1
  fi
fi
if ! ninja -C "$build" >"$log" 2>&1; then
  cat "$log" >&2
  echo "the build failed (ninja -C $build): see the lines above" >&2
  exit 1
fi

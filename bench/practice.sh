#!/bin/bash
# Practice under load (issue 11): a demo district of STUDENTS students (no simulated history),
# every student signed in with a login card, then CONCURRENCY of them at a time ask for their
# next problem and answer it over HTTP for SECONDS (each answer's statement durable before
# the reply, the learner model applying it at once); baseline: GET /healthz through the same
# client for the same time. Targets: p99 at most 10 ms, at least 5,000 answers/s.
#   bench/practice.sh [STUDENTS] [SECONDS] [CONCURRENCY]
set -euo pipefail
cd "$(dirname "$0")/.."
STUDENTS=${1:-1000}
SECS=${2:-20}
CONC=${3:-64}
BUILD=${BUILD:-build}
scripts/build.sh "$BUILD"
T=$(mktemp -d /tmp/trellis-practice-XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
"$BUILD/src/cli/trellis" init --db "$T/t.db" --demo --students "$STUDENTS" --history-weeks 0 \
  --logins "$T/logins.json" >/dev/null
TRELLIS_LOG_LEVEL=warn TRELLIS_EXPORT_ALERT_LIMIT=100000000 TRELLIS_THREADS=${THREADS:-0} \
  "$BUILD/src/cli/trellis" serve --db "$T/t.db" --listen 127.0.0.1:0 >"$T/out" 2>"$T/err" &
pid=$!
for _ in $(seq 100); do
  url=$(sed -n 's/^listening on \(http:[^ ]*\)$/\1/p' "$T/out")
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { cat "$T/err"; exit 1; }
node bench/practice_load.mjs "$url" "$T/t.db" "$T/logins.json" "$SECS" "$CONC"

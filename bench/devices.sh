#!/bin/bash
# The device inventory and history imports (issue 13's benchmark): DEVICES (100,000) devices
# over the demo district's schools (bench/devices_gen.py) and EVENTS (500,000) check-outs,
# check-ins and damage of them to the demo's students (bench/devices_events_gen.py), in the
# shapes of docs/EQUITY.md, then
#   import    trellis import devices into the demo district (every device new)
#   reimport  the same file again (every device compared, none written)
#   events    trellis import device-events (every event new, replayed device by device)
#   reevents  the same history again (every event found, none written)
#   export    trellis export devices (the whole inventory)
# each timed (wall clock) with its rows per second. SQLite (WAL, synchronous=FULL); with a
# PostgreSQL cluster (PG=1 and scripts/pg-tmp.sh available) the same on a throwaway one.
# Target: 100,000 devices and 500,000 events in at most 10 s.
#   DEVICES=10000 bench/devices.sh      (a quick run)
# BUILD=dir (default build, a release build); BIN=path runs that trellis binary instead (e.g. a
# copy of the one before a change, to compare both on the same machine in the same hour).
set -euo pipefail
cd "$(dirname "$0")/.."
DEVICES=${DEVICES:-100000}
EVENTS=${EVENTS:-500000}
BUILD=${BUILD:-build}
if [ -z "${BIN:-}" ]; then
  [ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" --buildtype=release -Db_ndebug=true -Dtests=disabled >/dev/null
  ninja -C "$BUILD" src/cli/trellis >/dev/null
  BIN=$BUILD/src/cli/trellis
fi
T=$(mktemp -d /tmp/trellis-devices-XXXXXX)
PGDIR=
cleanup() {
  if [ -n "$PGDIR" ]; then PG_TMP_DIR=$PGDIR scripts/pg-tmp.sh stop >/dev/null 2>&1 || true; fi
  rm -rf "$T"
}
trap cleanup EXIT

now() { date +%s.%N; }
timed() { # timed LABEL N CMD...: run CMD, print the wall time and N per second
  local label=$1 n=$2 t0 t1
  shift 2
  t0=$(now)
  "$@" >"$T/out.txt" 2>"$T/err.txt" || { cat "$T/err.txt" >&2; exit 1; }
  t1=$(now)
  awk -v l="$label" -v n="$n" -v a="$t0" -v b="$t1" -v o="$(head -c 200 "$T/out.txt" | tr '\n' ' ')" \
    'BEGIN { s = b - a; printf "  %-9s %8.2f s  %9.0f rows/s   %s\n", l, s, n / s, o }'
}

run() { # run BACKEND DB
  local backend=$1 db=$2
  "$BIN" init --db "$db" --key-file "$T/$backend.key" --demo --logins "$T/$backend-logins.json" \
    --history-weeks 0 >/dev/null
  echo "$backend: $DEVICES devices (plus the demo's $("$BIN" export devices --db "$db" --key-file "$T/$backend.key" "$T/demo.csv" | awk '{print $2}'))"
  timed import "$DEVICES" "$BIN" import devices --db "$db" --key-file "$T/$backend.key" "$T/inventory.csv"
  timed reimport "$DEVICES" "$BIN" import devices --db "$db" --key-file "$T/$backend.key" "$T/inventory.csv"
  timed events "$EVENTS" "$BIN" import device-events --db "$db" --key-file "$T/$backend.key" "$T/events.csv"
  timed reevents "$EVENTS" "$BIN" import device-events --db "$db" --key-file "$T/$backend.key" "$T/events.csv"
  timed export "$DEVICES" "$BIN" export devices --db "$db" --key-file "$T/$backend.key" "$T/export.csv"
}

python3 bench/devices_gen.py "$DEVICES" 3 "$T/inventory.csv"
python3 bench/devices_events_gen.py "$EVENTS" "$DEVICES" 600 "$T/events.csv" 2>/dev/null
echo "inventory file: $(wc -c <"$T/inventory.csv") bytes, history file: $(wc -c <"$T/events.csv") bytes"
run sqlite "$T/bench.db"
if [ "${PG:-1}" != 0 ] && scripts/pg-tmp.sh available; then
  eval "$(PG_TMP_DURABLE=1 scripts/pg-tmp.sh start)"
  PGDIR=$PG_TMP_DIR
  psql -X -q "$TRELLIS_TEST_PG/postgres" -c 'CREATE DATABASE bench' >/dev/null
  run postgresql "$TRELLIS_TEST_PG/bench"
fi

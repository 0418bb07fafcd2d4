#!/bin/bash
# Store inserts on SQLite and PostgreSQL in one run (bench/store_insert.c): one row per
# transaction, 1,000 rows per transaction, and 4 threads committing one row each; durable on
# both (SQLite synchronous=FULL in WAL mode; PostgreSQL with fsync and synchronous_commit on,
# a throwaway local cluster from scripts/pg-tmp.sh). Prints rows/s and the ratio.
#   bench/store_insert.sh [ROWS]        (run as root or as a user who may run initdb)
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-100000}
BUILD=${BUILD:-build}
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" --buildtype=release -Db_ndebug=true >/dev/null
ninja -C "$BUILD" bench/store_insert >/dev/null
T=$(mktemp -d /tmp/trellis-store-insert-XXXXXX)
cleanup() { scripts/pg-tmp.sh stop || true; rm -rf "$T"; }
trap cleanup EXIT
eval "$(PG_TMP_DURABLE=1 scripts/pg-tmp.sh start)"
echo "load average $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs; $(psql -X -At -d "$TRELLIS_TEST_PG/postgres" -c 'SHOW server_version'), SQLite $(sqlite3 --version | cut -d' ' -f1)"
"$BUILD/bench/store_insert" "$T/bench.db" "$TRELLIS_TEST_PG/trellis_bench" "$T/key" "$ROWS"

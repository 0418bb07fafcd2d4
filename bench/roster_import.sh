#!/bin/bash
# Roster import benchmark: the demo generator writes a large district as OneRoster 1.2 CSV
# (default 100,000 students, class size 40), `trellis import oneroster` loads it, and in the
# same run the sqlite3 shell's .import loads the same rows into tables with the same number
# of indexes (each index of the roster schema has its counterpart on the CSV columns), with
# the same journal settings (WAL, synchronous=FULL) in one transaction.
# Prints rows/s for both, the ratio (target >= 0.5) and the import's peak RSS (target <= 200 MB).
#   bench/roster_import.sh [STUDENTS] [CLASS_SIZE]
set -euo pipefail
cd "$(dirname "$0")/.."
STUDENTS=${1:-100000}
CLASS=${2:-40}
BUILD=${BUILD:-build}
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" --buildtype=release -Db_ndebug=true >/dev/null
ninja -C "$BUILD" src/cli/trellis bench/roster_gen >/dev/null
T=$(mktemp -d /tmp/trellis-bench-XXXXXX)
trap 'rm -rf "$T"' EXIT
echo "generating $STUDENTS students (class size $CLASS) in $T/set"
"$BUILD/bench/roster_gen" --students "$STUDENTS" --class-size "$CLASS" "$T/set"
rows=0
for f in "$T"/set/*.csv; do
  [ "$(basename "$f")" = manifest.csv ] && continue
  n=$(($(wc -l <"$f") - 1)); rows=$((rows + n))
  printf '  %-22s %9d rows\n' "$(basename "$f")" "$n"
done
echo "  total                  $rows rows, $(du -sm "$T/set" | cut -f1) MB"


# sqlite3 .import of the same rows, same indexes, same durability settings
cat >"$T/schema.sql" <<SQL
PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;
SQL
for f in "$T"/set/*.csv; do
  b=$(basename "$f" .csv); [ "$b" = manifest ] && continue
  cols=$(head -1 "$f" | sed 's/\r$//; s/,/" TEXT, "/g; s/^/"/; s/$/" TEXT/')
  echo "CREATE TABLE \"$b\" ($cols);" >>"$T/schema.sql"
done
cat >>"$T/schema.sql" <<'SQL'
CREATE UNIQUE INDEX o1 ON orgs (sourcedId); CREATE INDEX o2 ON orgs (parentSourcedId);
CREATE UNIQUE INDEX a1 ON academicSessions (sourcedId); CREATE INDEX a2 ON academicSessions (startDate, endDate);
CREATE UNIQUE INDEX c1 ON courses (sourcedId);
CREATE UNIQUE INDEX k1 ON classes (sourcedId); CREATE INDEX k2 ON classes (schoolSourcedId);
CREATE UNIQUE INDEX u1 ON users (sourcedId); CREATE INDEX u2 ON users (username); CREATE INDEX u3 ON users (email);
CREATE UNIQUE INDEX r1 ON roles (sourcedId); CREATE INDEX r2 ON roles (userSourcedId); CREATE INDEX r3 ON roles (orgSourcedId, role);
CREATE UNIQUE INDEX e1 ON enrollments (sourcedId); CREATE INDEX e2 ON enrollments (classSourcedId, role); CREATE INDEX e3 ON enrollments (userSourcedId);
CREATE UNIQUE INDEX d1 ON demographics (sourcedId);
SQL
{
  echo "BEGIN;"
  for f in "$T"/set/*.csv; do
    b=$(basename "$f" .csv); [ "$b" = manifest ] && continue
    echo ".import --csv --skip 1 '$f' '$b'"
  done
  echo "COMMIT;"
} >"$T/load.sql"
# interleaved runs on a shared machine: compare medians
RUNS=${RUNS:-3}
: >"$T/results"
for i in $(seq "$RUNS"); do
  rm -f "$T"/t.db* "$T"/s.db*
  "$BUILD/src/cli/trellis" init --db "$T/t.db" >/dev/null
  /usr/bin/time -f '%e %M' -o "$T/time" "$BUILD/src/cli/trellis" import oneroster --db "$T/t.db" "$T/set" >"$T/out" 2>&1 || { cat "$T/out"; exit 1; }
  read -r t_wall t_rss <"$T/time"
  sqlite3 "$T/s.db" <"$T/schema.sql" >/dev/null
  /usr/bin/time -f '%e %M' -o "$T/time2" sqlite3 "$T/s.db" <"$T/load.sql" >/dev/null
  read -r s_wall s_rss <"$T/time2"
  echo "run $i: trellis ${t_wall}s (${t_rss} KB), sqlite3 ${s_wall}s"
  echo "$t_wall $t_rss $s_wall $s_rss" >>"$T/results"
done

python3 - "$rows" "$T/results" <<'PY'
import sys, statistics as st
rows = int(sys.argv[1])
r = [list(map(float, l.split())) for l in open(sys.argv[2])]
tw = st.median(x[0] for x in r); tr = max(x[1] for x in r); sw = st.median(x[2] for x in r); sr = max(x[3] for x in r)
print(f"trellis import oneroster: {tw:7.2f} s  {rows/tw:10.0f} rows/s  peak RSS {tr/1024:6.1f} MB  (median of {len(r)})")
print(f"sqlite3 .import:          {sw:7.2f} s  {rows/sw:10.0f} rows/s  peak RSS {sr/1024:6.1f} MB")
ratio = sw / tw
print(f"ratio trellis/sqlite3: {ratio:.2f} (target >= 0.50)   peak RSS {tr/1024:.1f} MB (target <= 200 MB)")
PY

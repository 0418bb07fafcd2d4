#!/bin/bash
# An authenticated GET of a teacher's class roster (session lookup, role grants, the access
# check against the roster, the read, the export-tripwire counter and the audit entry with
# one index row per student, made durable by group commit before the answer) under wrk at
# 64 connections, against GET /healthz on the same server as the baseline; interleaved
# (healthz, roster, healthz, roster ...) because the machine is shared. Prints each run,
# the medians and the ratio. Target: roster p99 <= 10 ms at 64 connections (PostgreSQL: 20 ms).
#   bench/roster_read.sh [RUNS] [SECONDS] [CONNECTIONS]
# The demo district (600 students; the teacher's homeroom has 23) is made by trellis init
# --demo; export_alert_limit is raised for the run so the teacher is never asked for a
# second factor (the tripwire's counter is still updated on every request).
# When PostgreSQL is installed (scripts/pg-tmp.sh available; PG=0 turns it off) the same demo
# district is also served from a throwaway local cluster with fsync and synchronous commit on,
# and each run measures the roster on both backends (healthz, sqlite, postgresql, ...).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
SECS=${2:-10}
CONNS=${3:-64}
BUILD=${BUILD:-build}
command -v wrk >/dev/null || { echo "needs wrk: scripts/deps.sh bench" >&2; exit 1; }
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" --buildtype=release -Db_ndebug=true >/dev/null
ninja -C "$BUILD" src/cli/trellis >/dev/null
T=$(mktemp -d /tmp/trellis-roster-read-XXXXXX)
pids=()
WITH_PG=0
if [ "${PG:-1}" != 0 ] && scripts/pg-tmp.sh available; then WITH_PG=1; fi
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.3
  [ "$WITH_PG" = 1 ] && { scripts/pg-tmp.sh stop || true; }
  rm -rf "$T"
}
trap cleanup EXIT

# serve DB NAME: start a server on DB; sets url_NAME, cookie_NAME, class_NAME
serve() {
  local db=$1 name=$2 url cookie class
  TRELLIS_LOG_LEVEL=warn TRELLIS_EXPORT_ALERT_LIMIT=100000000 TRELLIS_KEY_FILE="$T/$name.key" \
    "$BUILD/src/cli/trellis" serve --db "$db" --listen 127.0.0.1:0 >"$T/$name.out" 2>"$T/$name.err" &
  pids+=($!)
  for _ in $(seq 100); do grep -q listening "$T/$name.out" 2>/dev/null && break; sleep 0.1; done
  url=$(sed -n 's/^listening on //p' "$T/$name.out")
  [ -n "$url" ] || { cat "$T/$name.err"; exit 1; }
  cookie=$(curl -sf -D - -o /dev/null -H 'content-type: application/json' -d "$body" "$url/api/v1/session" |
    sed -n 's/^[Ss]et-[Cc]ookie: \(trellis_session=[^;]*\).*/\1/p')
  [ -n "$cookie" ] || { echo "login failed on $name" >&2; exit 1; }
  class=$(curl -sf -H "Cookie: $cookie" "$url/api/v1/home" | python3 -c 'import json,sys; print(json.load(sys.stdin)["classes"][0]["id"])')
  printf -v "url_$name" '%s' "$url"
  printf -v "cookie_$name" '%s' "$cookie"
  printf -v "class_$name" '%s' "$class"
}

"$BUILD/src/cli/trellis" init --db "$T/t.db" --key-file "$T/sqlite.key" --demo --logins "$T/logins.json" >/dev/null
body=$(python3 -c 'import json,sys; l=[x for x in json.load(open(sys.argv[1])) if x["role"]=="teacher"][0]; print(json.dumps({"username":l["username"],"password":l["password"]}))' "$T/logins.json")
serve "$T/t.db" sqlite
students=$(curl -sf -H "Cookie: $cookie_sqlite" "$url_sqlite/api/v1/classes/$class_sqlite/students" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["students"]))')
entries0=$(sqlite3 "$T/t.db" 'SELECT COUNT(*) FROM audit_log')
if [ "$WITH_PG" = 1 ]; then
  eval "$(PG_TMP_DURABLE=1 scripts/pg-tmp.sh start)"
  PGDB="$TRELLIS_TEST_PG/trellis_bench"
  [ "${PG_SOCKET:-0}" = 1 ] && PGDB="postgresql://postgres@/trellis_bench?host=$PG_TMP_DIR&port=${TRELLIS_TEST_PG##*:}"
  # the same deterministic demo district, with the same logins
  "$BUILD/src/cli/trellis" init --db "$PGDB" --key-file "$T/postgresql.key" --demo --logins "$T/logins-pg.json" >/dev/null
  cmp -s "$T/logins.json" "$T/logins-pg.json" || echo "note: the demo logins differ between the backends" >&2
  serve "$PGDB" postgresql
  pg_entries0=$(psql -X -At -d "$PGDB" -c 'SELECT COUNT(*) FROM audit_log')
fi
echo "teacher class $class_sqlite: $students students; $CONNS connections, ${SECS}s per run; load average $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$WITH_PG" = 1 ] && echo "PostgreSQL $(psql -X -At -d "$PGDB" -c 'SHOW server_version') on 127.0.0.1 (fsync on, synchronous_commit on)"

# wrk --latency: "Requests/sec: N" and the "99%" line of the latency distribution, in ms
measure() {
  wrk -t2 -c"$CONNS" -d"${SECS}s" --latency "$@" | awk '
    /Requests\/sec/ {rps=$2}
    function ms(x,  v, u) {v=x; u=x; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
                            return (u=="us") ? v/1000 : (u=="s") ? v*1000 : v}
    /^ +50%/ {p50=ms($2)}
    /^ +99%/ {p99=ms($2)}
    /Non-2xx/ {bad=$NF}
    END {printf "%s %.2f %s %.2f\n", rps, p99, bad+0, p50}'
}
: >"$T/r"
for i in $(seq "$RUNS"); do
  read -r hr hp hb h50 < <(measure "$url_sqlite/healthz")
  read -r rr rp rb r50 < <(measure -H "Cookie: $cookie_sqlite" "$url_sqlite/api/v1/classes/$class_sqlite/students")
  line="run $i: healthz $hr req/s p50 $h50 p99 $hp ms | roster sqlite $rr req/s p50 $r50 p99 $rp ms"
  pr=0 pp=0 pb=0 p50=0
  if [ "$WITH_PG" = 1 ]; then
    read -r pr pp pb p50 < <(measure -H "Cookie: $cookie_postgresql" "$url_postgresql/api/v1/classes/$class_postgresql/students")
    line="$line | roster postgresql $pr req/s p50 $p50 p99 $pp ms"
  fi
  echo "$line (non-2xx: $hb, $rb, $pb)"
  echo "$hr $hp $rr $rp $rb $pr $pp $pb" >>"$T/r"
done
entries1=$(sqlite3 "$T/t.db" 'SELECT COUNT(*) FROM audit_log')
echo "audit entries written during the runs: sqlite $((entries1 - entries0))"
TRELLIS_KEY_FILE="$T/sqlite.key" "$BUILD/src/cli/trellis" audit verify --db "$T/t.db"
if [ "$WITH_PG" = 1 ]; then
  pg_entries1=$(psql -X -At -d "$PGDB" -c 'SELECT COUNT(*) FROM audit_log')
  echo "audit entries written during the runs: postgresql $((pg_entries1 - pg_entries0))"
  TRELLIS_KEY_FILE="$T/postgresql.key" "$BUILD/src/cli/trellis" audit verify --db "$PGDB"
fi
python3 - "$T/r" "$WITH_PG" <<'PY'
import sys, statistics as st
r = [list(map(float, l.split())) for l in open(sys.argv[1])]
pg = sys.argv[2] == "1"
hr, hp = st.median(x[0] for x in r), st.median(x[1] for x in r)
rr, rp = st.median(x[2] for x in r), st.median(x[3] for x in r)
print(f"median: healthz {hr:.0f} req/s p99 {hp:.2f} ms; roster sqlite {rr:.0f} req/s p99 {rp:.2f} ms; "
      f"roster/healthz throughput {rr/hr:.2f}; roster p99 target <= 10 ms: {'met' if rp <= 10 else 'NOT met'}")
if pg:
    pr, pp = st.median(x[5] for x in r), st.median(x[6] for x in r)
    print(f"median: roster postgresql {pr:.0f} req/s p99 {pp:.2f} ms; postgresql/sqlite throughput "
          f"{pr/rr:.2f}, p99 {pp/rp:.2f}x; postgresql p99 target <= 20 ms: {'met' if pp <= 20 else 'NOT met'}")
PY

#!/bin/bash
# An authenticated GET of a teacher's class roster (session lookup, role grants, the access
# check against the roster, the read, the export-tripwire counter and the audit entry with
# one index row per student, made durable by group commit before the answer) under wrk at
# 64 connections, against GET /healthz on the same server as the baseline; interleaved
# (healthz, roster, healthz, roster ...) because the machine is shared. Prints each run,
# the medians and the ratio. Target: roster p99 <= 10 ms at 64 connections.
#   bench/roster_read.sh [RUNS] [SECONDS] [CONNECTIONS]
# The demo district (600 students; the teacher's homeroom has 23) is made by trellis init
# --demo; export_alert_limit is raised for the run so the teacher is never asked for a
# second factor (the tripwire's counter is still updated on every request).
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
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  sleep 0.3
  rm -rf "$T"
}
trap cleanup EXIT

"$BUILD/src/cli/trellis" init --db "$T/t.db" --demo --logins "$T/logins.json" >/dev/null
TRELLIS_LOG_LEVEL=warn TRELLIS_EXPORT_ALERT_LIMIT=100000000 \
  "$BUILD/src/cli/trellis" serve --db "$T/t.db" --listen 127.0.0.1:0 >"$T/serve.out" 2>"$T/serve.err" &
pid=$!
for _ in $(seq 50); do grep -q listening "$T/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$T/serve.out")
[ -n "$url" ] || { cat "$T/serve.err"; exit 1; }

body=$(python3 -c 'import json,sys; l=[x for x in json.load(open(sys.argv[1])) if x["role"]=="teacher"][0]; print(json.dumps({"username":l["username"],"password":l["password"]}))' "$T/logins.json")
cookie=$(curl -sf -D - -o /dev/null -H 'content-type: application/json' -d "$body" "$url/api/v1/session" |
  sed -n 's/^[Ss]et-[Cc]ookie: \(trellis_session=[^;]*\).*/\1/p')
[ -n "$cookie" ] || { echo "login failed" >&2; exit 1; }
class=$(curl -sf -H "Cookie: $cookie" "$url/api/v1/home" | python3 -c 'import json,sys; print(json.load(sys.stdin)["classes"][0]["id"])')
students=$(curl -sf -H "Cookie: $cookie" "$url/api/v1/classes/$class/students" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["students"]))')
entries0=$(sqlite3 "$T/t.db" 'SELECT COUNT(*) FROM audit_log')
echo "teacher class $class: $students students; $CONNS connections, ${SECS}s per run; load average $(cut -d' ' -f1-3 /proc/loadavg)"

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
  read -r hr hp hb h50 < <(measure "$url/healthz")
  read -r rr rp rb r50 < <(measure -H "Cookie: $cookie" "$url/api/v1/classes/$class/students")
  echo "run $i: healthz $hr req/s p50 $h50 p99 $hp ms | roster $rr req/s p50 $r50 p99 $rp ms (non-2xx: $hb, $rb)"
  echo "$hr $hp $rr $rp $rb" >>"$T/r"
done
entries1=$(sqlite3 "$T/t.db" 'SELECT COUNT(*) FROM audit_log')
echo "audit entries written during the runs: $((entries1 - entries0))"
"$BUILD/src/cli/trellis" audit verify --db "$T/t.db"
python3 - "$T/r" <<'PY'
import sys, statistics as st
r = [list(map(float, l.split())) for l in open(sys.argv[1])]
hr, hp = st.median(x[0] for x in r), st.median(x[1] for x in r)
rr, rp = st.median(x[2] for x in r), st.median(x[3] for x in r)
print(f"median: healthz {hr:.0f} req/s p99 {hp:.2f} ms; roster {rr:.0f} req/s p99 {rp:.2f} ms; "
      f"roster/healthz throughput {rr/hr:.2f}; roster p99 target <= 10 ms: {'met' if rp <= 10 else 'NOT met'}")
PY

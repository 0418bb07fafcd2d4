#!/bin/sh
# LRS query: N statements (default 5,000,000 realistic practice statements of 20,000
# students) stored in a fresh database, then GET /xapi/statements?agent=<a random
# student>&limit=100 one at a time against the server; prints p50/p99 latency and the
# bytes on disk per statement. Filling takes minutes; KEEP=path keeps (and reuses) the DB.
#   bench/lrs_query.sh [N] [REQUESTS]     (BUILD=dir, default build)
set -eu
cd "$(dirname "$0")/.."
n=${1:-5000000}
reqs=${2:-2000}
build=${BUILD:-build}
bin=$build/src/cli/trellis
bench=$build/bench/lrs_bench
[ -x "$bench" ] || ninja -C "$build" bench/lrs_bench >/dev/null
db=${KEEP:-}
pid=
if [ -z "$db" ]; then
  dir=$(mktemp -d /tmp/trellis-lrs-query.XXXXXX)
  trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT INT TERM
  db="$dir/t.db"
else
  trap 'kill $pid 2>/dev/null || true' EXIT INT TERM
fi
if [ ! -f "$db" ]; then
  "$bin" init --db "$db" >/dev/null
  "$bin" admin add-district --db "$db" --sourced-id bench --name Bench >/dev/null
  "$bench" fill "$db" "$n"
  sqlite3 "$db" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
fi
cred=$("$bin" admin add-client --db "$db" --name "query$$" --scope statements/read)
key=$(printf '%s' "$cred" | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
secret=$(printf '%s' "$cred" | sed -n 's/.*"secret":"\([^"]*\)".*/\1/p')
count=$(sqlite3 "$db" 'SELECT count(*) FROM lrs_statements')
bytes=$(( $(stat -c %s "$db") + $(stat -c %s "$db-wal" 2>/dev/null || echo 0) ))
echo "stored: $count statements, $bytes bytes on disk = $((bytes / count)) bytes per statement"
sqlite3 "$db" "SELECT name, sum(pgsize) / $count FROM dbstat GROUP BY name ORDER BY 2 DESC" 2>/dev/null |
  sed 's/^/  bytes per statement in /' || true
TRELLIS_LOG_LEVEL=warn "$bin" serve --db "$db" --listen 127.0.0.1:0 >"$db.out" 2>"$db.log" &
pid=$!
for _ in $(seq 100); do
  url=$(sed -n 's/^listening on \(http:[^ ]*\)$/\1/p' "$db.out"); [ -n "$url" ] && break; sleep 0.1
done
"$bench" query "$url" "$key" "$secret" 200 20000 >/dev/null # warm up
"$bench" query "$url" "$key" "$secret" "$reqs" 20000

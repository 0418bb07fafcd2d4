#!/bin/sh
# LRS ingest: CLIENTS keep-alive clients POST batches of 50 realistic practice statements
# to a fresh server for SECONDS (durable acknowledgements: group commit, synchronous=FULL),
# then the storage limit on a fresh database in the same run: the same statements through
# the same store functions in a tight loop in one process. Prints both and the ratio.
#   bench/lrs_ingest.sh [CLIENTS] [SECONDS] [BASELINE_N]     (BUILD=dir, default build)
set -eu
cd "$(dirname "$0")/.."
clients=${1:-32}
secs=${2:-15}
base_n=${3:-200000}
build=${BUILD:-build}
bin=$build/src/cli/trellis
bench=$build/bench/lrs_bench
[ -x "$bench" ] || ninja -C "$build" bench/lrs_bench >/dev/null
dir=$(mktemp -d /tmp/trellis-lrs-ingest.XXXXXX)
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT INT TERM
pid=
"$bin" init --db "$dir/t.db" >/dev/null
"$bin" admin add-district --db "$dir/t.db" --sourced-id bench --name Bench >/dev/null
cred=$("$bin" admin add-client --db "$dir/t.db" --name bench --scope all)
key=$(printf '%s' "$cred" | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
secret=$(printf '%s' "$cred" | sed -n 's/.*"secret":"\([^"]*\)".*/\1/p')
TRELLIS_LOG_LEVEL=warn "$bin" serve --db "$dir/t.db" --listen 127.0.0.1:0 >"$dir/out" 2>"$dir/log" &
pid=$!
for _ in $(seq 100); do
  url=$(sed -n 's/^listening on \(http:[^ ]*\)$/\1/p' "$dir/out"); [ -n "$url" ] && break; sleep 0.1
done
out=$("$bench" load "$url" "$key" "$secret" "$clients" "$secs")
echo "$out"
kill $pid; wait $pid 2>/dev/null || true; pid=
n=$(sqlite3 "$dir/t.db" 'SELECT count(*) FROM lrs_statements')
bytes=$(( $(stat -c %s "$dir/t.db") + $(stat -c %s "$dir/t.db-wal" 2>/dev/null || echo 0) ))
echo "stored: $n statements, $bytes bytes on disk = $((bytes / (n > 0 ? n : 1))) bytes per statement"
base=$("$bench" baseline "$dir/base.db" "$base_n")
echo "$base"
a=$(printf '%s' "$out" | sed -n 's/.* = \([0-9]*\) statements\/s.*/\1/p')
b=$(printf '%s' "$base" | sed -n 's/.* = \([0-9]*\) statements\/s.*/\1/p')
awk -v a="$a" -v b="$b" 'BEGIN { printf "ratio: server %.0f / tight loop %.0f = %.2f\n", a, b, a / b }'

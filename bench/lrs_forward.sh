#!/bin/sh
# LRS forwarding and retention, on demand (never in `meson test`):
#   1. a school box gets N realistic statements (bench/lrs_bench load, 4 clients);
#   2. baseline: one client POSTs batches of 50 of them sequentially into a fresh
#      upstream LRS (what a forwarder at best can do over one connection);
#   3. `trellis lrs forward` sends the box's N statements to a second fresh upstream
#      (batch 50, then batch 500 to a third), with its durable cursor and audit entries;
#   4. retention: `trellis lrs delete --before` (dry run, then the deletion) on the box.
# Prints each rate, the ratio forward / baseline, and the deletion times.
#   bench/lrs_forward.sh [N]        (BUILD=dir, default build)
set -eu
cd "$(dirname "$0")/.."
n=${1:-20000}
build=${BUILD:-build}
bin=$build/src/cli/trellis
bench=$build/bench/lrs_bench
[ -x "$bench" ] || ninja -C "$build" bench/lrs_bench >/dev/null
dir=$(mktemp -d /tmp/trellis-lrs-forward.XXXXXX)
pids=""
trap 'for p in $pids; do kill $p 2>/dev/null || true; done; rm -rf "$dir"' EXIT INT TERM

# start NAME: a fresh server with a district and a client; sets url_NAME key_NAME secret_NAME
start() {
  "$bin" init --db "$dir/$1.db" >/dev/null
  "$bin" admin add-district --db "$dir/$1.db" --sourced-id "$1" --name "$1" >/dev/null
  cred=$("$bin" admin add-client --db "$dir/$1.db" --name bench --scope all)
  TRELLIS_LOG_LEVEL=warn "$bin" serve --db "$dir/$1.db" --listen 127.0.0.1:0 >"$dir/$1.out" 2>"$dir/$1.log" &
  pids="$pids $!"
  for _ in $(seq 100); do
    u=$(sed -n 's/^listening on \(http:[^ ]*\)$/\1/p' "$dir/$1.out"); [ -n "$u" ] && break; sleep 0.1
  done
  eval "url_$1=\$u"
  eval "key_$1=\$(printf '%s' \"\$cred\" | sed -n 's/.*\"key\":\"\\([^\"]*\\)\".*/\\1/p')"
  eval "secret_$1=\$(printf '%s' \"\$cred\" | sed -n 's/.*\"secret\":\"\\([^\"]*\\)\".*/\\1/p')"
}
now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", n / (b - a) }'; }

start box
start up1
start up2
start up3
"$bench" load "$url_box" "$key_box" "$secret_box" 4 600 "$n" >/dev/null
stored=$(sqlite3 "$dir/box.db" 'SELECT count(*) FROM lrs_statements')
echo "box: $stored statements stored"

t0=$(now)
base=$("$bench" load "$url_up1" "$key_up1" "$secret_up1" 1 600 "$stored")
t1=$(now)
b=$(printf '%s' "$base" | sed -n 's/.* = \([0-9]*\) statements\/s.*/\1/p')
echo "baseline: one client POSTing batches of 50 sequentially: $b statements/s"

for batch in 50 500; do
  up=up2; [ "$batch" = 500 ] && up=up3
  eval "u=\$url_$up; k=\$key_$up; s=\$secret_$up"
  t0=$(now)
  out=$("$bin" lrs forward --db "$dir/box.db" --to "$u/xapi" --key "$k" --secret "$s" --batch "$batch" 2>/dev/null)
  t1=$(now)
  sent=$(printf '%s' "$out" | sed -n 's/.*"sent":\([0-9]*\).*/\1/p')
  got=$(sqlite3 "$dir/$up.db" 'SELECT count(*) FROM lrs_statements')
  f=$(rate "$sent" "$t0" "$t1")
  echo "forward (batch $batch): $sent statements in $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}') s = $f statements/s; upstream holds $got"
  awk -v a="$f" -v b="$b" -v k="$batch" 'BEGIN { printf "ratio: forward batch %s %.0f / baseline %.0f = %.2f\n", k, a, b, a / b }'
done

cut=$(date -u -d '+1 minute' +%Y-%m-%dT%H:%M:%SZ)
t0=$(now)
"$bin" lrs delete --db "$dir/box.db" --before "$cut" --dry-run >/dev/null
t1=$(now)
echo "delete --before (dry run, $stored statements): $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}') s"
t0=$(now)
out=$("$bin" lrs delete --db "$dir/box.db" --before "$cut" 2>/dev/null)
t1=$(now)
echo "delete --before: $out in $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}') s = $(rate "$stored" "$t0" "$t1") statements/s"

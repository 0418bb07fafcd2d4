#!/bin/sh
# Run ADL's LRS conformance test suite (github.com/adlnet/lrs-conformance-test-suite)
# against a fresh Trellis server: a new database, one district, an API client
# with scope all, then the suite for one xAPI version. The suite is not part of
# Trellis: clone it anywhere and `npm install` in it first.
#
#   bench/conformance.sh SUITE_DIR [2.0.0|1.0.3] [BIN] [-- extra suite options, e.g. -g PATTERN]
#
# Prints the passed/failed counts from the suite's JSON log (its exit code is
# the failure count modulo 256) and the log's path.
set -eu
suite=${1:?usage: bench/conformance.sh SUITE_DIR [2.0.0|1.0.3] [BIN] [-- suite options]}
version=${2:-2.0.0}
bin=${3:-build/src/cli/trellis}
shift $(( $# < 3 ? $# : 3 ))
[ "${1:-}" = "--" ] && shift
case "$bin" in /*) ;; *) bin="$(pwd)/$bin" ;; esac
[ -x "$bin" ] || { echo "no trellis binary at $bin (build first)" >&2; exit 2; }
[ -f "$suite/bin/console_runner.js" ] || { echo "$suite is not the conformance suite" >&2; exit 2; }

dir=$(mktemp -d /tmp/trellis-conf.XXXXXX)
db="$dir/t.db"
"$bin" init --db "$db" >/dev/null
"$bin" admin add-district --db "$db" --sourced-id conf --name Conformance >/dev/null
# The suite's option parser (commander 2) reads "-p -xyz" as flags, not a value, and then
# runs nothing: a secret (base64url) that starts with '-' (1 run in 64) is not used.
for i in 1 2 3 4 5 6 7 8; do
  cred=$("$bin" admin add-client --db "$db" --name "conformance$i" --scope all)
  key=$(printf '%s' "$cred" | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
  secret=$(printf '%s' "$cred" | sed -n 's/.*"secret":"\([^"]*\)".*/\1/p')
  case "$key" in -*) continue ;; esac
  case "$secret" in -*) continue ;; esac
  break
done

TRELLIS_XAPI_VERSION=$version TRELLIS_LOG_LEVEL=${TRELLIS_LOG_LEVEL:-warn} "$bin" serve --db "$db" --listen 127.0.0.1:0 >"$dir/out" 2>"$dir/server.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 100); do
  url=$(sed -n 's/^listening on \(http:[^ ]*\)$/\1/p' "$dir/out")
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "server did not start: $(cat "$dir/server.log")" >&2; exit 1; }

cd "$suite"
before=$(ls logs 2>/dev/null | wc -l)
timeout 1800 node bin/console_runner.js -e "$url/xapi" -a -u "$key" -p "$secret" -x "$version" -z "$@" \
  >"$dir/suite.out" 2>&1 || true
log=$(ls -t logs/*.log 2>/dev/null | head -1)
[ -n "$log" ] && [ "$(ls logs | wc -l)" -gt "$before" ] || { tail -20 "$dir/suite.out"; echo "no new log" >&2; exit 1; }
node -e '
const l = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const s = l.summary || (l.log && l.log.summary) || {};
console.log(`xAPI ${process.argv[2]}: total ${s.total} passed ${s.passed} failed ${s.failed}`);
' "$log" "$version"
echo "log: $suite/$log"
echo "server log: $dir/server.log"
kill $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
trap - EXIT

#!/bin/bash
# GET /healthz under wrk against nginx returning a static 200 on the same machine, run
# interleaved (trellis, nginx, trellis, nginx ...) because the machine is shared; prints each
# run, the medians and the ratio (target: trellis >= 0.8 x nginx). Recipe: shared/recipes.md 1.
#   bench/healthz.sh [RUNS] [SECONDS]      (scripts/deps.sh bench installs wrk and nginx)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
SECS=${2:-10}
BUILD=${BUILD:-build}
for p in wrk nginx; do command -v $p >/dev/null || { echo "needs $p: scripts/deps.sh bench" >&2; exit 1; }; done
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" --buildtype=release -Db_ndebug=true >/dev/null
ninja -C "$BUILD" src/cli/trellis >/dev/null
T=$(mktemp -d /tmp/trellis-healthz-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$T/nginx.pid" ] && kill -QUIT "$(cat "$T/nginx.pid")" 2>/dev/null || true
  sleep 0.5
  rm -rf "$T"
}
trap cleanup EXIT

"$BUILD/src/cli/trellis" init --db "$T/t.db" >/dev/null
TRELLIS_LOG_LEVEL=warn "$BUILD/src/cli/trellis" serve --db "$T/t.db" --listen 127.0.0.1:0 >"$T/serve.out" 2>"$T/serve.err" &
pids+=($!)
for _ in $(seq 50); do grep -q listening "$T/serve.out" 2>/dev/null && break; sleep 0.1; done
turl=$(sed -n 's/^listening on //p' "$T/serve.out")
[ -n "$turl" ] || { cat "$T/serve.err"; exit 1; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$T/nginx"
cat >"$T/nginx.conf" <<NGX
daemon off; worker_processes 2; pid $T/nginx.pid;
error_log $T/nginx/error.log warn;
events { worker_connections 1024; }
http { access_log off;
  client_body_temp_path $T/nginx; proxy_temp_path $T/nginx;
  fastcgi_temp_path $T/nginx; uwsgi_temp_path $T/nginx; scgi_temp_path $T/nginx;
  server { listen 127.0.0.1:$port;
    location / { default_type application/json; return 200 '{"status":"ok"}'; } } }
NGX
nginx -c "$T/nginx.conf" -p "$T/nginx/" -e "$T/nginx/error.log" &
pids+=($!)
sleep 0.5
nurl="http://127.0.0.1:$port"
curl -sf "$turl/healthz" >/dev/null && curl -sf "$nurl/healthz" >/dev/null

rate() { wrk -t2 -c64 -d"${SECS}s" "$1/healthz" | awk '/Requests\/sec/ {print $2}'; }
: >"$T/r"
for i in $(seq "$RUNS"); do
  a=$(rate "$turl"); b=$(rate "$nurl")
  echo "run $i: trellis $a req/s, nginx $b req/s"
  echo "$a $b" >>"$T/r"
done
python3 - "$T/r" <<'PY'
import sys, statistics as st
r = [list(map(float, l.split())) for l in open(sys.argv[1])]
a = st.median(x[0] for x in r); b = st.median(x[1] for x in r)
print(f"median: trellis {a:.0f} req/s, nginx {b:.0f} req/s, ratio {a/b:.2f} (target >= 0.80)")
PY

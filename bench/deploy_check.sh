#!/bin/bash
# Check docs/DEPLOY.md as written: its Caddy and nginx configurations (taken out of the file,
# with only the name, ports and certificate paths made local) in front of a Trellis with a
# demo district, and its systemd units with systemd-analyze verify. Needs caddy, nginx,
# openssl, curl (apt install caddy nginx). Prints one line per check; exits 1 on a failure.
#   bench/deploy_check.sh            (BUILD=dir picks the build, default build)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
BIN=$PWD/$BUILD/src/cli/trellis
for p in caddy nginx openssl curl python3; do command -v $p >/dev/null || { echo "needs $p" >&2; exit 1; }; done
[ -x "$BIN" ] || scripts/build.sh "$BUILD"
T=$(mktemp -d /tmp/trellis-deploy-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.3
  rm -rf "$T"
}
trap cleanup EXIT
fail=0
check() { if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1: got '$2', want '$3'"; fail=1; fi; }
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

"$BIN" init --db "$T/t.db" --demo --logins "$T/logins.json" >/dev/null
user=$(python3 -c 'import json,sys; l=[x for x in json.load(open(sys.argv[1])) if x["role"]=="student"][0]; print(l["username"]); print(l["password"])' "$T/logins.json")
USERNAME=$(echo "$user" | sed -n 1p); PASSWORD=$(echo "$user" | sed -n 2p)
# the proxy connects from 127.0.0.1; the client comes from 127.0.0.3 (not trusted)
TRELLIS_TRUSTED_PROXIES=127.0.0.1 "$BIN" serve --db "$T/t.db" --listen 127.0.0.1:0 >"$T/serve.out" 2>"$T/serve.err" &
pids+=($!)
for _ in $(seq 50); do grep -q listening "$T/serve.out" 2>/dev/null && break; sleep 0.1; done
TPORT=$(sed -n 's/^listening on http:\/\/127.0.0.1://p' "$T/serve.out")
[ -n "$TPORT" ] || { cat "$T/serve.err"; exit 1; }

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$T/key.pem" \
  -out "$T/cert.pem" -subj /CN=localhost -days 1 -addext subjectAltName=DNS:localhost 2>/dev/null

# the fenced block of a language out of DEPLOY.md
block() { python3 - "$1" <<'PY'
import re, sys
text = open("docs/DEPLOY.md").read()
print(re.search(r"```" + sys.argv[1] + r"\n(.*?)```", text, re.S).group(1), end="")
PY
}

last_login_from() {
  "$BIN" audit show --db "$T/t.db" --json --limit 1000000 |
    python3 -c 'import json,sys; r=[json.loads(l) for l in sys.stdin if l.strip()]; print(max((e for e in r if e["action"]=="login"), key=lambda e: e["id"])["from"])'
}

through() { # NAME URL
  local name=$1 url=$2
  check "$name: GET /healthz" "$(curl -s --cacert "$T/cert.pem" -o /dev/null -w '%{http_code}' "$url/healthz")" 200
  curl -s --cacert "$T/cert.pem" --interface 127.0.0.3 -D "$T/h" -o /dev/null -X POST \
    -H 'content-type: application/json' -H 'x-forwarded-for: 203.0.113.66' \
    --data "{\"username\":\"$USERNAME\",\"password\":\"$PASSWORD\"}" "$url/api/v1/session"
  check "$name: login" "$(sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p' "$T/h")" 200
  check "$name: the session cookie is __Host- and Secure" \
    "$(grep -ci '^set-cookie: __Host-trellis_session=.*; Secure; SameSite=Lax' "$T/h")" 1
  check "$name: Strict-Transport-Security" "$(grep -ci '^strict-transport-security: max-age=' "$T/h")" 1
  check "$name: the audit log has the client's address (a forged X-Forwarded-For is not taken)" \
    "$(last_login_from)" 127.0.0.3
  local t0=$(date +%s.%N)
  code=$(head -c 200000000 /dev/zero | curl -s --cacert "$T/cert.pem" -o /dev/null -w '%{http_code}' \
    -H 'content-type: application/zip' --data-binary @- "$url/api/v1/districts/1/roster/imports" || true)
  check "$name: an anonymous 200 MB upload is refused with 401" "$code" 401
  echo "     ($(python3 -c "import sys; print(f'{float(sys.argv[2])-float(sys.argv[1]):.2f}')" "$t0" "$(date +%s.%N)") s)"
}

# --- Caddy ---
CP=$(freeport); CH=$(freeport)
mkdir -p "$T/caddy"
{
  printf '{\n\tadmin off\n\thttp_port %s\n\thttps_port %s\n\tstorage file_system %s\n}\n' "$CH" "$CP" "$T/caddy"
  block caddy | sed -e "s/^trellis.example.org {/https:\/\/localhost:$CP {\n\ttls $(echo "$T" | sed 's/\//\\\//g')\/cert.pem $(echo "$T" | sed 's/\//\\\//g')\/key.pem/" \
    -e "s/127.0.0.1:8080/127.0.0.1:$TPORT/"
} >"$T/Caddyfile"
HOME=$T/caddy XDG_DATA_HOME=$T/caddy XDG_CONFIG_HOME=$T/caddy caddy run --config "$T/Caddyfile" --adapter caddyfile >"$T/caddy.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do curl -s --cacert "$T/cert.pem" -o /dev/null "https://localhost:$CP/healthz" && break; sleep 0.1; done
through caddy "https://localhost:$CP"

# --- nginx ---
NP=$(freeport); NH=$(freeport)
mkdir -p "$T/nginx"
{
  echo "daemon off; worker_processes 1; pid $T/nginx.pid; error_log $T/nginx/error.log warn;"
  echo "events { worker_connections 1024; }"
  echo "http { access_log off; client_body_temp_path $T/nginx; proxy_temp_path $T/nginx;"
  echo "  fastcgi_temp_path $T/nginx; uwsgi_temp_path $T/nginx; scgi_temp_path $T/nginx;"
  block nginx | sed -e "s/listen 80;/listen 127.0.0.1:$NH;/" -e '/listen \[::\]/d' \
    -e "s/listen 443 ssl http2;/listen 127.0.0.1:$NP ssl http2;/" \
    -e "s/trellis.example.org/localhost/" -e "s/127.0.0.1:8080/127.0.0.1:$TPORT/" \
    -e "s|/etc/ssl/trellis/fullchain.pem|$T/cert.pem|" -e "s|/etc/ssl/trellis/privkey.pem|$T/key.pem|"
  echo "}"
} >"$T/nginx.conf"
nginx -t -c "$T/nginx.conf" -p "$T/nginx/" -e "$T/nginx/error.log" 2>"$T/nginx-t.log" ||
  { cat "$T/nginx-t.log"; exit 1; }
nginx -c "$T/nginx.conf" -p "$T/nginx/" -e "$T/nginx/error.log" &
pids+=($!)
for _ in $(seq 50); do curl -s --cacert "$T/cert.pem" -o /dev/null "https://localhost:$NP/healthz" && break; sleep 0.1; done
through nginx "https://localhost:$NP"
check "nginx: port 80 redirects to https" \
  "$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$NH/x")" "301 https://127.0.0.1/x"

# --- systemd units ---
if command -v systemd-analyze >/dev/null; then
  mkdir -p "$T/units"
  python3 - "$T/units" "$BIN" <<'PY'
import re, sys
out, binary = sys.argv[1], sys.argv[2]
blocks = re.findall(r"```ini\n(\[Unit\].*?)```", open("docs/DEPLOY.md").read(), re.S)
names = {"Back up the Trellis database\n": "trellis-backup.service",
         "Back up the Trellis database every night": "trellis-backup.timer",
         "Trellis learning platform": "trellis.service"}
for b in blocks:
    desc = re.search(r"Description=(.*)", b).group(1)
    name = next(v for k, v in names.items() if desc == k.strip())
    b = b.replace("/usr/local/bin/trellis", binary).replace("User=trellis", "User=root").replace("Group=trellis", "Group=root")
    open(f"{out}/{name}", "w").write(b)
PY
  for u in trellis.service trellis-backup.service trellis-backup.timer; do
    if out=$(cd "$T/units" && systemd-analyze verify "./$u" 2>&1 | grep -v -e 'Failed to get D-Bus' -e 'offline' -e 'bus' ); [ -z "$out" ]; then
      echo "ok   systemd-analyze verify $u"
    else
      echo "FAIL systemd-analyze verify $u: $out"; fail=1
    fi
  done
fi
exit $fail

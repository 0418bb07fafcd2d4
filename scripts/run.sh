#!/bin/sh
# `make run`: create var/trellis.db with the demo district on first start, print the
# demo logins, then serve on http://127.0.0.1:8080 (TRELLIS_LISTEN to change).
set -eu
bin=$1
mkdir -p var
if [ ! -f var/trellis.db ]; then
  echo "first start: creating var/trellis.db with the demo district"
  "$bin" init --db var/trellis.db --demo --logins var/demo-logins.json
fi
if [ -f var/demo-logins.json ]; then
  python3 - var/demo-logins.json <<'PY'
import json, sys
logins = json.load(open(sys.argv[1]))
print("\ndemo logins (also in var/demo-logins.json):")
print("  %-16s %-14s %-16s %s" % ("role", "username", "password", "second factor (TOTP secret)"))
for l in logins:
    print("  %-16s %-14s %-16s %s" % (l["role"], l["username"], l["password"], l.get("totp_secret") or ""))
print()
PY
fi
exec "$bin" serve --db var/trellis.db --listen "${TRELLIS_LISTEN:-127.0.0.1:8080}"

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
rows = [("role", "username", "password", "second factor (TOTP secret)")]
rows += [(l["role"], l["username"], l["password"], l.get("totp_secret") or "") for l in logins]
w = [max(len(r[i]) for r in rows) for i in range(3)]
for r in rows:
    print(("  %-*s  %-*s  %-*s  %s" % (w[0], r[0], w[1], r[1], w[2], r[2], r[3])).rstrip())
print()
PY
fi
exec "$bin" serve --db var/trellis.db --listen "${TRELLIS_LISTEN:-127.0.0.1:8080}"

#!/bin/sh
# The front-end packages the pages use, served by Trellis itself (never from a CDN), copied from
# the Debian packages scripts/deps.sh installs into web/vendor/ (not in git):
#   web/vendor/chart.min.js   Chart.js 3.9.1 (libjs-chart.js, MIT): the progress charts
#   web/vendor/icons.svg      the Bootstrap Icons (bootstrap-icons, MIT) named in
#                             scripts/web-vendor/icons.txt, as one sprite of <symbol>s
#   web/vendor/LICENSES.txt   where each came from and its licence
#   scripts/web-vendor.sh [--into DIR]     (default web/vendor)
# It is cheap and idempotent; scripts/deps.sh runs it after installing packages.
set -eu
cd "$(dirname "$0")/.."
out=web/vendor
if [ "${1:-}" = --into ]; then
  out=${2:?usage: scripts/web-vendor.sh [--into DIR]}
fi
chart=/usr/share/javascript/chart.js/chart.min.js
icons=/usr/share/bootstrap-icons/svg
for f in "$chart" "$icons/house.svg"; do
  if [ ! -f "$f" ]; then
    echo "web-vendor: $f is missing: run scripts/deps.sh run (packages libjs-chart.js, bootstrap-icons)" >&2
    exit 1
  fi
done
mkdir -p "$out"
cp "$chart" "$out/chart.min.js.tmp" && mv "$out/chart.min.js.tmp" "$out/chart.min.js"
python3 - "$icons" scripts/web-vendor/icons.txt "$out/icons.svg" <<'PY'
import os, re, sys
src, listing, dest = sys.argv[1:4]
names = [l.strip() for l in open(listing) if l.strip() and not l.startswith('#')]
parts = ['<svg xmlns="http://www.w3.org/2000/svg">']
for n in names:
    path = os.path.join(src, n + '.svg')
    try:
        text = open(path).read()
    except OSError:
        sys.exit(f'web-vendor: {listing}: icon "{n}": no file {path}')
    m = re.search(r'<svg[^>]*viewBox="([^"]+)"[^>]*>(.*)</svg>', text, re.S)
    if not m:
        sys.exit(f'web-vendor: {path}: not an icon (no viewBox)')
    body = ' '.join(m.group(2).split())
    parts.append(f'<symbol id="{n}" viewBox="{m.group(1)}" fill="currentColor">{body}</symbol>')
parts.append('</svg>\n')
tmp = dest + '.tmp'
open(tmp, 'w').write('\n'.join(parts))
os.replace(tmp, dest)
PY
cat >"$out/LICENSES.txt" <<TXT
chart.min.js: Chart.js $(sed -n 's/^ \* Chart.js v\(.*\)$/\1/p' "$chart" | head -1), MIT licence, (c) Chart.js Contributors;
  copied from Debian's libjs-chart.js ($chart).
icons.svg: Bootstrap Icons, MIT licence, (c) The Bootstrap Authors; the symbols named in
  scripts/web-vendor/icons.txt, from Debian's bootstrap-icons ($icons).
TXT

#!/bin/sh
# Install what Trellis needs from Debian (and, for the web tests, from npm), and copy the
# front-end packages the pages use into web/vendor/ (scripts/web-vendor.sh).
#   scripts/deps.sh run    build and run (a server needs nothing more)
#   scripts/deps.sh test   also the test tools: cmocka, clang + libFuzzer, PostgreSQL, Chromium, npm packages
#   scripts/deps.sh bench  also wrk and nginx for the benchmarks
# Only missing packages are installed; a machine that has them all is left alone.
set -eu
cd "$(dirname "$0")/.."
what=${1:-run}

pkgs="build-essential meson ninja-build pkg-config python3 libmicrohttpd-dev libjansson-dev
libsqlite3-dev sqlite3 libsodium-dev libzip-dev libqrencode-dev zlib1g-dev libpq-dev libssl-dev libcurl4-openssl-dev
libjs-chart.js bootstrap-icons"
case "$what" in
  run) ;;
  test) pkgs="$pkgs libcmocka-dev clang-14 libclang-rt-14-dev postgresql chromium nodejs npm" ;;
  bench) pkgs="$pkgs libcmocka-dev wrk nginx postgresql hyperfine" ;;
  *) echo "usage: scripts/deps.sh run|test|bench" >&2; exit 2 ;;
esac

missing=""
for p in $pkgs; do
  # a program already on PATH counts (e.g. a newer Node.js than Debian's)
  case "$p" in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done

if [ -n "$missing" ]; then
  echo "installing Debian packages:$missing"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# the front-end packages the pages load, copied into web/vendor/ (served by Trellis itself)
scripts/web-vendor.sh

if [ "$what" = test ]; then
  # playwright-core and axe-core for the browser tests (never a downloaded browser)
  # (an install cut short leaves node_modules without npm's record of it: install again)
  if [ ! -f tests/node_modules/.package-lock.json ] ||
    [ tests/package-lock.json -nt tests/node_modules/.package-lock.json ]; then
    echo "installing npm packages for the tests"
    (cd tests && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi

#!/bin/bash
# A throwaway PostgreSQL cluster for the tests (../shared/recipes.md section 3).
#   scripts/pg-tmp.sh available   exit 0 if PostgreSQL's server programs are installed
#   scripts/pg-tmp.sh start       start a cluster; prints `export TRELLIS_TEST_PG=postgresql://...`
#                                 (and PG_TMP_DIR) for eval
#   scripts/pg-tmp.sh stop        stop the cluster started by start (PG_TMP_DIR) and remove it
# The cluster runs as the postgres user when started by root (initdb refuses root), listens
# on 127.0.0.1 and a Unix socket in its own /tmp directory, trusts local connections and
# skips fsync: it is for tests only. PG_TMP_DURABLE=1 keeps fsync and synchronous commit on
# (the benchmarks compare durable commits with SQLite's synchronous=FULL).
set -eu
what=${1:-}

pgbin() {
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  done
  return 1
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$what" in
  available)
    pgbin >/dev/null || exit 1
    if [ "$(id -u)" -eq 0 ]; then id postgres >/dev/null 2>&1 || exit 1; fi
    exit 0 ;;
  start)
    bin=$(pgbin) || { echo "pg-tmp: PostgreSQL is not installed (scripts/deps.sh test)" >&2; exit 1; }
    dir=$(mktemp -d /tmp/trellis-pg.XXXXXX)
    chmod 755 "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
    # a free port: the first of 55432.. nobody listens on
    port=55432
    while [ $port -lt 55500 ]; do
      if ! (echo > /dev/tcp/127.0.0.1/$port) 2>/dev/null && [ ! -e "/tmp/.s.PGSQL.$port" ]; then
        break
      fi
      port=$((port + 1))
    done 2>/dev/null
    as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync \
      >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; rm -rf "$dir"; exit 1; }
    fast="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    [ "${PG_TMP_DURABLE:-0}" = 1 ] && fast=""
    if ! as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir $fast -c max_connections=300" \
      >/dev/null; then
      cat "$dir/server.log" >&2; rm -rf "$dir"; exit 1
    fi
    echo "export PG_TMP_DIR=$dir"
    echo "export TRELLIS_TEST_PG=postgresql://postgres@127.0.0.1:$port"
    ;;
  stop)
    dir=${PG_TMP_DIR:-}
    [ -n "$dir" ] && [ -d "$dir" ] || exit 0
    bin=$(pgbin) || exit 0
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: scripts/pg-tmp.sh available|start|stop" >&2; exit 2 ;;
esac

#!/bin/sh
# Run one e2e test file against PostgreSQL (tests/e2e/lib/trellis.mjs, TRELLIS_TEST_BACKEND):
# the throwaway cluster scripts/pg-tmp.sh started is at TRELLIS_TEST_PG. Without one, or in a
# build without PostgreSQL support, the file is skipped (TAP) and passes.
#   run-pg.sh NODE FILE [--with-pg yes|no]
node=$1; file=$2; with_pg=${3:-yes}
if [ "$with_pg" != yes ]; then
  echo "1..0 # SKIP this build has no PostgreSQL support (-Dpostgresql)"; exit 0
fi
if [ -z "${TRELLIS_TEST_PG:-}" ]; then
  echo "1..0 # SKIP PostgreSQL not available (TRELLIS_TEST_PG unset; see scripts/pg-tmp.sh)"; exit 0
fi
TRELLIS_TEST_BACKEND=postgresql exec "$node" --test --test-reporter=tap "$file"

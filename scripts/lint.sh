#!/bin/sh
# Style checks that need no compiler: clang-format is the only authority on layout
# (.clang-format), and src/core may include nothing but libc and base/ headers.
set -u
cd "$(dirname "$0")/.."
fail=0
if command -v clang-format >/dev/null 2>&1; then
  files=$(git ls-files '*.c' '*.h' 2>/dev/null || find src tests bench -name '*.[ch]')
  if ! clang-format --dry-run --Werror $files >/tmp/trellis-format.$$ 2>&1; then
    echo "not ok 1 - clang-format: these files need \`make format\`:"
    grep -o '^[^:]*\.[ch]' /tmp/trellis-format.$$ | sort -u | sed 's/^/#   /'
    fail=1
  else
    echo "ok 1 - clang-format"
  fi
  rm -f /tmp/trellis-format.$$
else
  echo "ok 1 - clang-format # SKIP clang-format is not installed"
fi
bad=$(grep -rn '#include' src/core 2>/dev/null | grep -vE '#include <(assert|errno|float|limits|math|stdbool|stddef|stdint|stdlib|string|stdatomic)\.h>|#include "(base/common|base/str|base/banned|core/[a-z_]+)\.h"')
if [ -n "$bad" ]; then
  echo "not ok 2 - src/core includes only libc and core headers:"
  echo "$bad" | sed 's/^/#   /'
  fail=1
else
  echo "ok 2 - src/core includes only libc and core headers"
fi
# error statuses are chosen in one place: handlers return an errno (or an errmap.h code)
bad=$(grep -nE 'xapi_fail\([^,]+, *[0-9]|http_respond_problem\(|status_hint|http_respond_(take|data|static|json_take|empty)\([^,]+, *[45][0-9][0-9]\b' src/http/*.c src/app/*.c 2>/dev/null | grep -v '^src/http/errmap\.c:')
if [ -n "$bad" ]; then
  echo "not ok 3 - error statuses are chosen only in src/http/errmap.c:"
  echo "$bad" | sed 's/^/#   /'
  fail=1
else
  echo "ok 3 - error statuses are chosen only in src/http/errmap.c"
fi
echo "1..3"
exit $fail

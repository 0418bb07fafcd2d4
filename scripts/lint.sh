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
echo "1..2"
exit $fail

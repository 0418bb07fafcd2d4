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
# The access gate (src/app/access.c) is the only way to student data: only it and the store
# see what a grant is (store/grant_impl.h) and the facts access is decided on (store/store_access.h);
# only it writes disclosures to the audit log; only the CLI (and principal.c) makes an operator.
only() { # n, description, pattern, allowed files (extended regex)
  hits=$(grep -rnE "$3" src 2>/dev/null | grep -vE "^($4):")
  if [ -n "$hits" ]; then
    echo "not ok $1 - $2:"
    echo "$hits" | sed 's/^/#   /'
    fail=1
  else
    echo "ok $1 - $2"
  fi
}
only 4 "only the gate and the store include store/grant_impl.h" '#include "store/grant_impl.h"' \
  'src/app/access\.c|src/store/[a-z_]+\.[ch]'
only 5 "only the gate and the store include store/store_access.h" '#include "store/store_access.h"' \
  'src/app/access\.c|src/store/[a-z_]+\.[ch]'
only 6 "only the gate writes disclosures (audit_disclose)" 'audit_disclose(_submit|_result)?\(' \
  'src/app/access\.c|src/app/audit\.[ch]'
only 7 "only the LRS writer reads statements without a grant (store_lrs_lookup)" 'store_lrs_lookup\(' \
  'src/app/lrs[a-z_]*\.c|src/store/store_lrs\.[ch]'
only 8 "only the command line acts as the operator (principal_operator)" 'principal_operator\(' \
  'src/cli/[a-z_]+\.c|src/app/principal\.[ch]'
# Layers point down only: cli -> http -> app -> store -> core/base.
only 9 "layers point down: only src/cli includes cli/ headers" '#include "cli/' \
  'src/cli/[a-z_]+\.[ch]'
only 10 "layers point down: app, store, core and base include no http/ headers" '#include "http/' \
  'src/(http|cli)/[a-z_]+\.[ch]'
only 11 "layers point down: store, core and base include no app/ headers" '#include "app/' \
  'src/(http|cli|app)/[a-z_]+\.[ch]'
only 12 "layers point down: core and base include no store/ headers" '#include "store/' \
  'src/(http|cli|app|store)/[a-z_]+\.[ch]'
# The stylesheets: every brace closed (a merge that drops one silently turns off every rule
# after it), counted without comments.
bad=""
for f in web/css/*.css; do
  n=$(python3 -c 'import re,sys; t=re.sub(r"/\*.*?\*/", "", open(sys.argv[1]).read(), flags=re.S); print(t.count("{") - t.count("}"))' "$f")
  [ "$n" = 0 ] || bad="$bad $f($n)"
done
if [ -n "$bad" ]; then
  echo "not ok 13 - stylesheets with unbalanced braces:$bad"
  fail=1
else
  echo "ok 13 - every stylesheet's braces are balanced"
fi
echo "1..13"
exit $fail

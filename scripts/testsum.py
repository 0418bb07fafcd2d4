#!/usr/bin/env python3
"""Sum every suite's results into one line: "N passed, N failed".

Reads meson-logs/testlog.json of each build directory given. A TAP test
(cmocka, node:test) counts its top-level "ok" / "not ok" lines; a test that
crashed or timed out before it printed a plan counts one extra failure; a
plain test counts once. Exits 1 if anything failed.
"""
import json
import re
import sys

TAP_LINE = re.compile(r'^(not ok|ok)\b(.*)$')


def count_tap(stdout):
    passed = failed = skipped = 0
    planned = False
    for line in stdout.splitlines():
        if re.match(r'^1\.\.\d+', line):
            planned = True
        m = TAP_LINE.match(line)  # top level only: nested node:test lines are indented
        if not m:
            continue
        if re.search(r'#\s*(SKIP|skip)', m.group(2)):
            skipped += 1
        elif m.group(1) == 'ok' or re.search(r'#\s*(TODO|todo)', m.group(2)):
            passed += 1
        else:
            failed += 1
    return passed, failed, skipped, planned


def main():
    passed = failed = skipped = 0
    failures = []
    builds = []
    for arg in sys.argv[1:]:
        # --result NAME=ok|fail: a check the test script ran itself (e.g. the release build)
        if arg.startswith('--result='):
            name, _, verdict = arg[len('--result='):].partition('=')
            if verdict == 'ok':
                passed += 1
            else:
                failed += 1
                failures.append(name)
        else:
            builds.append(arg)
    for build in builds:
        try:
            with open(build + '/meson-logs/testlog.json', encoding='utf-8') as fh:
                entries = [json.loads(l) for l in fh if l.strip()]
        except FileNotFoundError:
            print('testsum: no test log in %s' % build, file=sys.stderr)
            failed += 1
            continue
        for e in entries:
            result = e.get('result')
            out = e.get('stdout') or ''
            if result == 'SKIP':
                skipped += 1
                continue
            if e.get('protocol') == 'tap' or re.search(r'^TAP version|^1\.\.\d+', out, re.M):
                p, f, s, planned = count_tap(out)
                if result not in ('OK', 'EXPECTEDFAIL') and f == 0:
                    f = 1  # crashed, timed out or exited non-zero without a failing case
                if not planned and result == 'OK' and p == 0:
                    p = 1
                passed, failed, skipped = passed + p, failed + f, skipped + s
                if f:
                    failures.append(e['name'])
            elif result in ('OK', 'EXPECTEDFAIL'):
                passed += 1
            else:
                failed += 1
                failures.append(e['name'])
    if failures:
        print('failed: ' + ', '.join(failures))
    if skipped:
        print('%d skipped (they say why in the test log)' % skipped)
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


sys.exit(main())

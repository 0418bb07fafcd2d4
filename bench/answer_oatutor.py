#!/usr/bin/env python3
"""How much of an OATutor content pack the answer checker reads and accepts.

    python3 bench/answer_oatutor.py [CONTENT_DIR] [TRELLIS_BIN]

CONTENT_DIR defaults to ../shared/data/content/oatutor-elementary-algebra-sample
(OATutor's content pool, CC BY 4.0), TRELLIS_BIN to build/src/cli/trellis.
For every step and every scaffold (hint that asks a question), each accepted
answer is checked with `trellis check-answer` against itself and against
obvious equivalent forms written by this script (not by the checker):
without the $$ delimiters; LaTeX turned into plain text (\\frac{a}{b} ->
(a)/(b), \\sqrt{a} -> sqrt(a), \\cdot -> *, braces -> parentheses); for an
equation v = E, the bare E and E = v; for an expression, 1*(E)+0. Multiple-
choice answers are checked as choices (and in lower case), string answers
as text (and with other case and spacing). Prints the counts per form.
"""
import glob
import json
import os
import re
import subprocess
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
content = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    root, '..', 'shared', 'data', 'content', 'oatutor-elementary-algebra-sample')
binary = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, 'build', 'src', 'cli', 'trellis')


def check(kind, expected, given):
    r = subprocess.run([binary, 'check-answer', '--type', kind, '--expected', expected, '--given', given],
                       capture_output=True, text=True)
    if r.returncode == 2:
        return 'unread', r.stderr.strip()
    out = json.loads(r.stdout)
    return ('accepted' if out['correct'] else 'rejected'), out['reason']


def strip_dollars(s):
    s = s.strip()
    while s.startswith('$$') and s.endswith('$$') and len(s) >= 4:
        s = s[2:-2].strip()
    if s.startswith('$') and s.endswith('$') and len(s) >= 2:
        s = s[1:-1].strip()
    return s


def latex_to_plain(s):
    s = strip_dollars(s)
    s = s.replace('\\left', '').replace('\\right', '').replace('\\cdot', '*').replace('\\times', '*')
    s = s.replace('\\div', '/').replace('\\pi', 'pi').replace('\\dfrac', '\\frac').replace('\\,', '')
    for _ in range(20):  # innermost first
        t = re.sub(r'\\frac\{([^{}]*)\}\{([^{}]*)\}', r'((\1)/(\2))', s)
        t = re.sub(r'\\sqrt\{([^{}]*)\}', r'sqrt(\1)', t)
        t = re.sub(r'\^\{([^{}]*)\}', r'^(\1)', t)
        if t == s:
            break
        s = t
    return s.replace('{', '(').replace('}', ')')


def forms(answer):
    """(name, given) pairs: obvious equivalent forms of an accepted arithmetic answer."""
    plain = latex_to_plain(answer)
    out = [('itself', answer), ('no $$', strip_dollars(answer)), ('plain text', plain)]
    if plain.count('=') == 1:
        left, right = (x.strip() for x in plain.split('='))
        if re.fullmatch(r'[a-zA-Z]', left):
            out.append(('bare value', right))
        out.append(('sides swapped', f'{right}={left}'))
    else:
        out.append(('1*(E)+0', f'1*({plain})+0'))
    return out


def wrong_form(answer):
    """A near miss that must be rejected: E + 1 (for an equation, its right side + 1)."""
    plain = latex_to_plain(answer)
    if plain.count('=') == 1:
        left, right = plain.split('=')
        return f'{left}=({right})+1'
    return f'({plain})+1'


steps = []
for f in sorted(glob.glob(os.path.join(content, 'content-pool', '*', 'steps', '*', '*.json'))):
    d = json.load(open(f))
    steps.append((os.path.basename(f), d.get('answerType'), d.get('problemType'), d.get('stepAnswer') or []))
    for h in sorted(glob.glob(os.path.join(os.path.dirname(f), 'tutoring', '*.json'))):
        for hint in json.load(open(h)):
            if hint.get('type') == 'scaffold':
                steps.append((hint.get('id'), hint.get('answerType'), hint.get('problemType'),
                              hint.get('hintAnswer') or []))

tally, misses = {}, []
for sid, atype, ptype, answers in steps:
    for ans in answers:
        if not isinstance(ans, str):
            continue
        if atype == 'arithmetic':
            cases = [(('expression', n), 'expression', g) for n, g in forms(ans)]
            cases.append((('expression', 'WRONG: E+1'), 'expression', wrong_form(ans)))
        elif ptype == 'MultipleChoice':
            cases = [(('choice', 'itself'), 'choice', ans), (('choice', 'lower case'), 'choice', ans.lower())]
        else:
            cases = [(('text', 'itself'), 'text', ans), (('text', 'case and spacing'), 'text', '  ' + ans.upper() + ' ')]
        for key, kind, given in cases:
            verdict, reason = check(kind, ans, given)
            t = tally.setdefault(key, {'accepted': 0, 'rejected': 0, 'unread': 0})
            t[verdict] += 1
            if (verdict != 'accepted') != key[1].startswith('WRONG'):
                misses.append((sid, key[1], ans, given, reason))

print(f'{len(steps)} steps and scaffolds in {content}')
print(f'{"type":11} {"form":16} {"checked":>8} {"accepted":>9} {"rejected":>9} {"unread":>7}')
for (kind, name), t in tally.items():
    total = sum(t.values())
    print(f'{kind:11} {name:16} {total:8} {t["accepted"]:9} {t["rejected"]:9} {t["unread"]:7}')
all_ = [sum(t.values()) for t in tally.values()]
acc = sum(t['accepted'] for t in tally.values())
print(f'all forms: {acc} of {sum(all_)} accepted (near misses, which must not be, included)')
for m in misses[:40]:
    print('unexpected verdict:', m)

// trellis check-answer: the answer checker of src/core/answer.h from the command line, on a table
// of cases (JSON {"correct", "reason"} on stdout, exit 0 whether right or wrong), and bad arguments
// (exit 2, the argument named on stderr). No database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trellis } from './lib/trellis.mjs';

function check(type, expected, given, ...flags) {
  return trellis(['check-answer', '--type', type, '--expected', expected, '--given', given, ...flags]);
}

const cases = [
  // [type, expected, given, flags, correct, reason]
  ['number', '0.3', '0.30000000000000004', [], true, 'within_tolerance'],
  ['number', '0.3', '0.3', [], true, 'equal'],
  ['number', '0', '-0', [], true, 'equal'],
  ['number', '-5', '\u22125', [], true, 'equal'],
  ['number', '1e308', '1e309', [], false, 'out_of_range'],
  ['number', '1', '1/0', [], false, 'division_by_zero'],
  ['number', '0.5', '0,5', [], true, 'equal'],
  ['number', '1000', '1,000', [], false, 'ambiguous_separator'],
  ['number', '3.14159', '3.14', ['--tolerance', '0.01'], true, 'within_tolerance'],
  ['number', '3.14159', '3.14', [], false, 'different_value'],
  ['number', '200', '201', ['--tolerance', '1%'], true, 'within_tolerance'],
  ['number', '200', '203', ['--tolerance', '1%'], false, 'different_value'],
  ['number', '12', 'twelve', [], false, 'not_a_number'],
  ['number', '12', '', [], false, 'empty'],
  ['fraction', '1/2', '2/4', [], true, 'equivalent'],
  ['fraction', '1/2', '2/4', ['--simplified'], false, 'not_simplified'],
  ['fraction', '1/2', '1/2', ['--simplified'], true, 'equal'],
  ['fraction', '-3/2', '-1 1/2', ['--simplified'], true, 'equivalent'],
  ['fraction', '3/2', '1 2/4', ['--simplified'], false, 'not_simplified'],
  ['fraction', '1/2', '0.5', ['--simplified'], false, 'not_a_fraction'],
  ['fraction', '1/3', '0.333', [], false, 'different_value'],
  ['expression', '0.3', '0.1+0.2', [], true, 'equivalent'],
  ['expression', 'x^2-1', '(x+1)(x-1)', [], true, 'equivalent'],
  ['expression', '3x+3', '3(x+1)', [], true, 'equivalent'],
  ['expression', '6', '2(3)', [], true, 'equivalent'],
  ['expression', '1', 'x/x', [], true, 'equivalent'],
  ['expression', 'x', 'sqrt(x^2)', [], false, 'not_equivalent'],
  ['expression', '1', '1/0', [], false, 'undefined'],
  ['expression', 'x', '2x+', [], false, 'parse_error at 4'],
  ['expression', 'x=14', '14', [], true, 'equivalent'],
  ['expression', '$$\\frac{24+5x}{40}$$', '(24+5x)/40', [], true, 'equivalent'],
  ['expression', '\\sqrt[3]{x}', 'cbrt(x)', [], true, 'equivalent'],
  ['expression', 'ln(x)', 'ln(-x)', [], false, 'cannot_decide'],
  ['choice', 'A,C', 'c, a', [], true, 'equal'],
  ['choice', 'A,C', 'A', [], false, 'missing_choice'],
  ['choice', 'B', 'C', [], false, 'different_choice'],
  ['text', 'a\u00f1o', ' AN\u0303O ', [], true, 'equal'],
  ['text', 'canci\u00f3n', 'cancion', [], false, 'different_text'],
];

test('check-answer prints {correct, reason} and exits 0, right or wrong', () => {
  for (const [type, expected, given, flags, correct, reason] of cases) {
    const r = check(type, expected, given, ...flags);
    const what = `${type} '${expected}' vs '${given}' ${flags.join(' ')}`;
    assert.equal(r.status, 0, `${what}: ${r.stderr}`);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(out).sort(), ['correct', 'reason'], what);
    assert.equal(out.correct, correct, `${what}: ${r.stdout}`);
    assert.equal(out.reason, reason, `${what}: ${r.stdout}`);
  }
});

test('a long or deep answer is answered with a reason, quickly', () => {
  const t0 = Date.now();
  let r = check('expression', 'x', '('.repeat(500) + 'x' + ')'.repeat(500));
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).reason, 'too_long');
  r = check('expression', 'x', '('.repeat(200) + 'x' + ')'.repeat(200));
  assert.equal(JSON.parse(r.stdout).reason, 'too_complex');
  r = check('text', 'x', 'x'.repeat(100000));
  assert.equal(JSON.parse(r.stdout).reason, 'too_long');
  assert.ok(Date.now() - t0 < 20000);
});

test('bad arguments exit 2 and name the argument', () => {
  const bad = [
    [['check-answer', '--expected', '1', '--given', '1'], '--type'],
    [['check-answer', '--type', 'numeric', '--expected', '1', '--given', '1'], '--type'],
    [['check-answer', '--type', 'number', '--given', '1'], '--expected'],
    [['check-answer', '--type', 'number', '--expected', '1'], '--given'],
    [['check-answer', '--type', 'number', '--expected', 'one', '--given', '1'], '--expected'],
    [['check-answer', '--type', 'expression', '--expected', 'x+', '--given', '1'], '--expected'],
    [['check-answer', '--type', 'number', '--expected', '1', '--given', '1', '--tolerance', '-1'], '--tolerance'],
    [['check-answer', '--type', 'number', '--expected', '1', '--given', '1', '--tolerance', 'abc'], '--tolerance'],
    [['check-answer', '--type', 'text', '--expected', '1', '--given', '1', '--tolerance', '1'], '--tolerance'],
    [['check-answer', '--type', 'number', '--expected', '1', '--given', '1', '--simplified'], '--simplified'],
    [['check-answer', '--type', 'number', '--expected', '1', '--given', '1', '--bogus'], '--bogus'],
  ];
  for (const [args, name] of bad) {
    const r = trellis(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}`);
    assert.ok(r.stderr.includes(name), `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
  }
});

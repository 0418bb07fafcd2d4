// trellis fit bkt / fit irt: the command line on small simulated logs, bad input rejected with
// the line, and accuracy on real data (../shared/data/kt, skipped when absent).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { trellis, tempDir, DATA } from './lib/trellis.mjs';

const dir = tempDir('trellis-model-');
after(() => rmSync(dir, { recursive: true, force: true }));
const path = (name) => join(dir, name);

// mulberry32, so the simulated logs are the same on every run
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// answers simulated from BKT: [{user, skill, item, correct}] in chronological order per user
function simulate(seed, users, skills) {
  const rand = rng(seed), rows = [];
  for (let u = 0; u < users; u++)
    for (const s of skills) {
      let known = rand() < s.prior;
      const n = 4 + Math.floor(rand() * 8);
      for (let t = 0; t < n; t++) {
        const item = `${s.name}-q${Math.floor(rand() * 3)}`;
        rows.push({ user: `u${u}`, skill: s.name, item, correct: rand() < (known ? 1 - s.slip : s.guess) ? 1 : 0 });
        if (!known) known = rand() < s.learn;
      }
    }
  return rows;
}

function writeCsv(name, rows, { shuffle = false } = {}) {
  const lines = rows.map((r, i) => [r.user, r.skill, r.item, r.correct, i]);
  if (shuffle) lines.reverse(); // file order differs from answer order
  writeFileSync(path(name), 'user,skill,item,correct,order\n' + lines.map((l) => l.join(',')).join('\n') + '\n');
  return path(name);
}

function readCsv(file) {
  const [head, ...lines] = readFileSync(file, 'utf8').trimEnd().split('\n');
  return { head, rows: lines.map((l) => l.split(',')) };
}

// AUC from scratch (mean ranks for ties), to check the program's own figure
function auc(pairs) {
  pairs.sort((a, b) => a[0] - b[0]);
  let rankSum = 0, pos = 0;
  for (let i = 0; i < pairs.length;) {
    let j = i;
    while (j < pairs.length && pairs[j][0] === pairs[i][0]) j++;
    for (let k = i; k < j; k++) if (pairs[k][1]) { rankSum += (i + 1 + j) / 2; pos++; }
    i = j;
  }
  const neg = pairs.length - pos;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

const SKILLS = [
  { name: 'fractions', prior: 0.3, learn: 0.2, guess: 0.2, slip: 0.1 },
  { name: 'decimals', prior: 0.6, learn: 0.1, guess: 0.25, slip: 0.08 },
];

test('fit bkt: parameters, metrics, and predictions in file order', () => {
  const train = writeCsv('train.csv', simulate(1, 300, SKILLS));
  const testRows = simulate(2, 60, SKILLS);
  const testFile = writeCsv('test.csv', testRows, { shuffle: true });
  const r = trellis(['fit', 'bkt', '--input', train, '--format', 'csv', '--folds', '3',
    '--out', path('p.json'), '--test', testFile, '--predictions', path('out.csv')]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /fitted 2 skills from \d+ answers of 300 students/);
  const p = JSON.parse(readFileSync(path('p.json'), 'utf8'));
  assert.equal(p.model, 'bkt');
  assert.equal(p.skills.length, 2);
  for (const s of p.skills) {
    for (const k of ['prior', 'learn', 'forget', 'guess', 'slip']) assert.ok(s[k] >= 0 && s[k] <= 1, k);
    assert.ok(s.guess < 0.5 && s.slip < 0.5);
    assert.ok(Number.isFinite(s.loglik) && s.loglik < 0);
    const truth = SKILLS.find((x) => x.name === s.skill);
    assert.ok(Math.abs(s.prior - truth.prior) < 0.12 && Math.abs(s.guess - truth.guess) < 0.12, JSON.stringify(s));
  }
  for (const m of ['train', 'cv', 'test']) assert.ok(p.metrics[m].auc > 0.6, m);
  assert.equal(p.metrics.cv.folds, 3);
  const out = readCsv(path('out.csv'));
  assert.equal(out.head, 'student,skill,correct,p_correct');
  assert.equal(out.rows.length, testRows.length);
  // file order: the test file was written newest answer first
  const fileOrder = [...testRows].reverse();
  out.rows.forEach((row, i) => {
    assert.equal(row[0], fileOrder[i].user);
    assert.equal(row[1], fileOrder[i].skill);
    assert.equal(Number(row[2]), fileOrder[i].correct);
    assert.ok(Number(row[3]) >= 0 && Number(row[3]) <= 1);
  });
  const a = auc(out.rows.map((row) => [Number(row[3]), Number(row[2])]));
  assert.ok(Math.abs(a - p.metrics.test.auc) < 1e-6, `${a} vs ${p.metrics.test.auc}`);
});

test('fit bkt: the variants run and say what they fitted', () => {
  const train = writeCsv('train2.csv', simulate(3, 200, SKILLS));
  for (const flags of [['--forget'], ['--idem'], ['--two-priors'], ['--forget', '--idem', '--two-priors']]) {
    const r = trellis(['fit', 'bkt', '--input', train, ...flags, '--restarts', '2', '--threads', '2',
      '--out', path('v.json')]);
    assert.equal(r.status, 0, r.stderr);
    const p = JSON.parse(readFileSync(path('v.json'), 'utf8'));
    assert.equal(p.variant.forget, flags.includes('--forget'));
    if (flags.includes('--idem')) assert.equal(p.skills[0].items.length, 3);
    if (flags.includes('--two-priors')) assert.equal(p.skills[0].class_prior.length, 2);
  }
});

test('fit bkt: dkt files, students numbered by position', () => {
  writeFileSync(path('t.dkt'), '3\n7,7,12,\n1,0,1,\n2\n12,7\n0,1\n\n4\n7,7,7,7\n0,1,1,1\n');
  const r = trellis(['fit', 'bkt', '--input', path('t.dkt'), '--out', path('d.json'),
    '--test', path('t.dkt'), '--predictions', path('d.csv')]);
  assert.equal(r.status, 0, r.stderr);
  const out = readCsv(path('d.csv'));
  assert.deepEqual(out.rows.map((x) => x.slice(0, 3).join(',')),
    ['0,7,1', '0,7,0', '0,12,1', '1,12,0', '1,7,1', '2,7,0', '2,7,1', '2,7,1', '2,7,1']);
});

test('fit bkt: malformed files are rejected with the line, and nothing is written', () => {
  const cases = [
    ['bad1.dkt', '2\n7,8\n1,0\n3\n7,7\n1,0,1\n', /line 5: expected 3 skill ids/],
    ['bad2.dkt', '2\n7,8\n1,x\n', /line 3: answer 2: 'x' is not 0 or 1/],
    ['bad3.csv', 'user,skill,correct\nann,s,1\nbob,s,maybe\n', /line 3: correct \(column 3\): 'maybe'/],
    ['bad4.csv', 'user,correct\nann,1\n', /line 1: no skill column/],
    ['bad5.csv', 'user,skill,correct\nann,s\n', /line 2: 2 fields, but the header has 3/],
  ];
  for (const [name, text, want] of cases) {
    writeFileSync(path(name), text);
    const r = trellis(['fit', 'bkt', '--input', path(name), '--out', path(name + '.json')]);
    assert.equal(r.status, 1, name);
    assert.match(r.stderr, want);
    assert.ok(r.stderr.includes(path(name)), 'the message names the file');
    assert.equal(existsSync(path(name + '.json')), false);
  }
  const missing = trellis(['fit', 'bkt', '--input', path('nope.csv'), '--out', path('x.json')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /No such file/);
});

test('fit bkt / fit irt: usage errors', () => {
  const f = writeCsv('u.csv', simulate(4, 10, SKILLS));
  const usage = [
    ['fit', 'bkt', '--input', f],
    ['fit', 'bkt', '--out', path('x.json')],
    ['fit', 'bkt', '--input', f, '--out', path('x.json'), '--predictions', path('o.csv')],
    ['fit', 'bkt', '--input', f, '--out', path('x.json'), '--restarts', '0'],
    ['fit', 'bkt', '--input', f, '--out', path('x.json'), '--folds', 'two'],
    ['fit', 'bkt', '--input', f, '--out', path('x.json'), '--format', 'xlsx'],
    ['fit', 'bkt', '--input', f, '--out', path('x.json'), '--model', '2pl'],
    ['fit', 'irt', '--input', f, '--out', path('x.json')],
    ['fit', 'irt', '--input', f, '--out', path('x.json'), '--model', '3pl'],
    ['fit', 'irt', '--input', f, '--out', path('x.json'), '--model', 'rasch', '--forget'],
  ];
  for (const args of usage) {
    const r = trellis(args);
    assert.equal(r.status, 2, args.join(' ') + '\n' + r.stderr);
    assert.match(r.stderr, /usage: trellis fit/);
  }
  writeFileSync(path('noitem.csv'), 'user,skill,correct\nann,s,1\n');
  const r = trellis(['fit', 'bkt', '--input', path('noitem.csv'), '--idem', '--out', path('x.json')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--idem: .* has no item column/);
});

test('fit irt: 2PL and Rasch calibration with abilities', () => {
  const rand = rng(9), items = [];
  for (let i = 0; i < 10; i++) items.push({ a: Math.exp(rand() - 0.3), b: 4 * rand() - 2 });
  let csv = 'student_id,item_id,correct\n';
  for (let p = 0; p < 1500; p++) {
    const u1 = rand(), u2 = rand();
    const th = Math.sqrt(-2 * Math.log(u1 + 1e-300)) * Math.cos(2 * Math.PI * u2);
    items.forEach((it, i) => {
      const pr = 1 / (1 + Math.exp(-it.a * (th - it.b)));
      csv += `s${p},i${i},${rand() < pr ? 1 : 0}\n`;
    });
  }
  writeFileSync(path('irt.csv'), csv);
  for (const model of ['2pl', 'rasch']) {
    const r = trellis(['fit', 'irt', '--input', path('irt.csv'), '--model', model, '--out', path('irt.json')]);
    assert.equal(r.status, 0, r.stderr);
    const p = JSON.parse(readFileSync(path('irt.json'), 'utf8'));
    assert.equal(p.model, model);
    assert.equal(p.converged, true);
    assert.equal(p.items.length, 10);
    assert.equal(p.students.length, 1500);
    p.items.forEach((it) => {
      const truth = items[Number(it.item.slice(1))];
      if (model === '2pl') {
        assert.ok(Math.abs(it.a - truth.a) < 0.35, `${it.item} a ${it.a} vs ${truth.a}`);
        assert.ok(Math.abs(it.b - truth.b) < 0.35, `${it.item} b ${it.b} vs ${truth.b}`);
      } else {
        assert.equal(it.a, 1);
      }
    });
    for (const s of p.students) assert.ok(Number.isFinite(s.theta) && s.se > 0 && s.se < 1.5);
  }
});

// ---- real data ------------------------------------------------------------------------------

const ASSIST = join(DATA, 'kt', 'assist2009_dkt_pybkt-examples');
const STATICS = join(DATA, 'kt', 'dkvmn_statics2011');
const noAssist = !existsSync(join(ASSIST, 'builder_train.csv')) && `no ${ASSIST} (TRELLIS_TEST_DATA)`;
const noStatics = !existsSync(join(STATICS, 'STATICS_train.csv')) && `no ${STATICS} (TRELLIS_TEST_DATA)`;

function fitReal(name, train, testFile, flags) {
  const out = path(`${name}.csv`), params = path(`${name}.json`);
  const r = trellis(['fit', 'bkt', '--input', train, ...flags, '--out', params,
    '--test', testFile, '--predictions', out], { timeout: 280000 });
  assert.equal(r.status, 0, r.stderr);
  const p = JSON.parse(readFileSync(params, 'utf8'));
  const rows = readCsv(out).rows;
  const a = auc(rows.map((row) => [Number(row[3]), Number(row[2])]));
  assert.ok(Math.abs(a - p.metrics.test.auc) < 1e-6, `${a} vs ${p.metrics.test.auc}`);
  console.log(`# ${name}: test AUC ${a.toFixed(4)} on ${rows.length} answers (${r.stdout.split('\n')[0]})`);
  return a;
}

// The split of ASSISTments 2009 skill builder used by DKT and pyBKT-examples (student level).
// Standard BKT reached only 0.741 here while P(mastered) was one double (it rounded to 1.0 after
// a few dozen correct answers, and wrong answers could not lower it again); carrying P(not
// mastered) apart gives 0.759, and the sixth fixed start of the fit (bkt.c) 0.761.
// pyBKT-examples' 0.7601 comes from a preprocessed copy (builder_*_preprocessed.csv) in which
// students with the same number of answers are merged into one, with 20 random starts.
test('ASSISTments 2009: standard BKT test AUC >= 0.760', { skip: noAssist }, () => {
  const a = fitReal('assist', join(ASSIST, 'builder_train.csv'), join(ASSIST, 'builder_test.csv'), []);
  assert.ok(a >= 0.760, `AUC ${a}`);
});

test('ASSISTments 2009: BKT with forgetting test AUC >= 0.826', { skip: noAssist }, () => {
  const a = fitReal('assist_forget', join(ASSIST, 'builder_train.csv'), join(ASSIST, 'builder_test.csv'), ['--forget']);
  assert.ok(a >= 0.826, `AUC ${a}`);
});

// OLI Statics 2011 as prepared for DKVMN: the tags are items (problem steps), mapped to their
// skill with STATICS_qid_sid_sname; the converted log keeps the item for KT-IDEM.
function staticsCsv(which) {
  const map = new Map();
  for (const line of readFileSync(join(STATICS, 'STATICS_qid_sid_sname'), 'utf8').split('\n').slice(1)) {
    const [q, s] = line.split('\t');
    if (q) map.set(q, s);
  }
  const lines = readFileSync(join(STATICS, `STATICS_${which}.csv`), 'utf8').split('\n');
  let csv = 'user,skill,item,correct,order\n', student = 0;
  for (let i = 0; i + 2 < lines.length;) {
    if (!lines[i].trim()) { i++; continue; }
    const items = lines[i + 1].split(',').filter((x) => x !== '');
    const correct = lines[i + 2].split(',').filter((x) => x !== '');
    items.forEach((q, k) => {
      assert.ok(map.has(q), `item ${q} has a skill`);
      csv += `${which}${student},${map.get(q)},${q},${correct[k]},${k}\n`;
    });
    student++;
    i += 3;
  }
  writeFileSync(path(`statics_${which}.csv`), csv);
  return path(`statics_${which}.csv`);
}

test('OLI Statics 2011, items mapped to skills: test AUC >= 0.69 with forgetting, >= 0.80 with KT-IDEM', { skip: noStatics }, () => {
  const train = staticsCsv('train'), testFile = staticsCsv('test');
  const standard = fitReal('statics', train, testFile, []);
  const forget = fitReal('statics_forget', train, testFile, ['--forget']);
  const idem = fitReal('statics_idem', train, testFile, ['--idem']);
  // standard BKT: 0.687, just short of 0.69 (items within a skill differ in difficulty)
  assert.ok(standard >= 0.68, `standard BKT AUC ${standard}`);
  assert.ok(forget >= 0.69, `AUC ${forget}`);
  assert.ok(idem >= 0.80, `AUC ${idem}`);
});

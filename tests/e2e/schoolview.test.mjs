// The school and district views (GET /api/v1/schools/{id}/overview, /districts/{id}/overview)
// on a seeded district whose sizes are known: school A has grade 3 classes of 12, 11 and 7
// students and grade 4 classes of 14 and 13; school B has grade 3 classes of 15 and 16 and a
// grade 4 class of 12. Students practise through an API client's xAPI statements, and the
// learner model's follower turns them into the weekly usage the views add up.
//
// What is proved here, end to end:
//   - a school administrator sees their school and nothing else; a teacher sees neither view;
//   - the class of 7 is hidden, and so is a complement beside it;
//   - an attacker holding everything the API returns (the district view and every school's
//     view) and the relations between the tables (district = schools = grades, school = its
//     grades, district grade = the schools' cells of that grade, school grade = its classes)
//     cannot work out any hidden count: a linear program bounds each hidden cell from the
//     published numbers (every listed cell is at least 1), and the bounds never meet;
//   - every view is written to the audit log as an aggregate view.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, request, trellis, tempDir } from './lib/trellis.mjs';
import { seedDatabase, homerooms, statementWriter, practise } from './lib/seeded_district.mjs';
import { Client, nextTotp } from './lib/auth.mjs';

// school -> grade -> homeroom sizes
const SIZES = { sA: { '03': [12, 11, 7], '04': [14, 13] }, sB: { '03': [15, 16], '04': [12] } };

let srv, work, districtId;
const schoolId = {};
const staff = {};
const viewRequests = [];

async function staffAccount(username, role, school) {
  const args = ['admin', 'add-account', '--db', srv.db, '--username', username, '--name', `Pat ${role}`, '--role', role];
  if (school) args.push('--school', school);
  const add = trellis(args);
  assert.equal(add.status, 0, add.stderr);
  const c = new Client(srv.url, `10.9.0.${Object.keys(staff).length + 2}`);
  const r = await c.login({ username, password: JSON.parse(add.stdout).password });
  assert.equal(r.status, 200, r.text);
  if (r.body.mfa?.required) {
    const t = await c.req('/api/v1/me/totp', { method: 'POST' });
    assert.equal(t.status, 200, t.text);
    const ok = await c.req('/api/v1/me/totp/confirm', { method: 'POST', json: { totp: await nextTotp(t.body.secret) } });
    assert.equal(ok.status, 200, ok.text);
  }
  return c;
}

async function view(c, path) {
  const r = await c.req(path);
  if (r.status === 200) viewRequests.push({ id: r.headers.get('x-request-id'), path });
  return r;
}

before(async () => {
  work = tempDir('trellis-sv-');
  const db = join(work, 'sv.db');
  seedDatabase(work, db, SIZES);
  srv = await startServer({ db, dir: work, init: false, env: { TRELLIS_TRUST_PROXY: 'true' } });
  staff.district = await staffAccount('d.admin', 'district_admin');
  staff.schoolA = await staffAccount('a.admin', 'school_admin', 'sA');
  staff.teacherA = await staffAccount('a.teacher', 'teacher', 'sA');
  const me = (await staff.district.req('/api/v1/me')).body;
  districtId = me.district.id;
  const overview = (await staff.district.req(`/api/v1/districts/${districtId}/overview`)).body;
  for (const s of overview.schools) schoolId[s.name === 'School A' ? 'sA' : 'sB'] = s.id;

  // practice: every student of school A's 12-class and of school B answers 6 questions
  // (30 seconds each), through an API client, as a learning tool would
  const auth = statementWriter(db);
  const practising = homerooms(SIZES)
    .filter((r) => r.school === 'sB' || (r.school === 'sA' && r.grade === '03' && r.index === 0))
    .flatMap((r) => r.ids);
  await practise(srv.url, auth, practising);
  // the follower applies them within a second or two
  for (let i = 0; i < 100; i++) {
    const o = (await staff.district.req(`/api/v1/districts/${districtId}/overview?weeks=1`)).body;
    if (o.trend.at(-1).active > 0) break;
    await new Promise((res) => setTimeout(res, 100));
  }
});

after(async () => { await srv?.cleanup(); });

test('a school administrator sees their own school only; a teacher sees neither view', async () => {
  let r = await view(staff.schoolA, `/api/v1/schools/${schoolId.sA}/overview`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.school.name, 'School A');
  assert.equal((await staff.schoolA.req(`/api/v1/schools/${schoolId.sB}/overview`)).status, 404);
  assert.equal((await staff.schoolA.req(`/api/v1/districts/${districtId}/overview`)).status, 404);
  assert.equal((await staff.teacherA.req(`/api/v1/schools/${schoolId.sA}/overview`)).status, 404);
  assert.equal((await staff.teacherA.req(`/api/v1/districts/${districtId}/overview`)).status, 404);
  assert.equal((await request(srv.url, `/api/v1/schools/${schoolId.sA}/overview`)).status, 401);
  r = await staff.district.req(`/api/v1/districts/${districtId}/overview?weeks=53`);
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /^weeks: /);
});

// Every published count and the relations between them, as an attacker would collect them.
async function everything() {
  const d = (await view(staff.district, `/api/v1/districts/${districtId}/overview`)).body;
  const cells = []; // { key, value (null: hidden) }
  const add = (key, c) => { cells.push({ key, value: c.suppressed ? null : c.students, cell: c }); return key; };
  const rel = []; // [total, [parts]]
  const T = add('district', d.total);
  const S = d.schools.map((s) => add(`school ${s.name}`, s));
  const G = d.grades.map((g) => add(`grade ${g.grade}`, g));
  rel.push([T, S], [T, G]);
  const byGrade = new Map(d.grades.map((g) => [g.grade, []]));
  const schools = {};
  for (const s of d.schools) {
    const o = (await view(staff.district, `/api/v1/schools/${s.id}/overview`)).body;
    schools[s.name] = o;
    const X = [];
    for (const g of o.grades) {
      const x = add(`${s.name} grade ${g.grade}`, g);
      X.push(x);
      byGrade.get(g.grade).push(x);
      rel.push([x, g.classes.map((c) => add(`${s.name} ${c.title}`, c))]);
    }
    rel.push([`school ${s.name}`, X]);
  }
  for (const g of d.grades) rel.push([`grade ${g.grade}`, byGrade.get(g.grade)]);
  return { d, schools, cells, rel };
}

test('the class of 7 and a complement are hidden; nothing shown counts fewer than 10', async () => {
  const { d, schools, cells } = await everything();
  const a = schools['School A'];
  const g3 = a.grades.find((g) => g.grade === '03');
  const sizes = g3.classes.map((c) => c.students);
  const hidden = g3.classes.filter((c) => c.suppressed);
  assert.equal(hidden.length, 2, `grade 3 of school A: ${JSON.stringify(sizes)}`);
  assert.deepEqual(g3.classes.find((c) => !c.suppressed).students, 12, 'the 12 stays, the 11 hides the 7');
  for (const h of hidden) {
    assert.equal(h.students, null);
    for (const k of ['mastered_per_student', 'growth_per_student', 'minutes_per_student', 'active_pct'])
      assert.ok(!(k in h), `a hidden cell carries no ${k}`);
  }
  assert.equal(g3.students, 30, 'the grade (30) is shown: the two hidden classes count 18 together');
  for (const c of cells) {
    if (c.value !== null) assert.ok(c.value === 0 || c.value >= 10, `${c.key} shows ${c.value}`);
    else assert.equal(c.cell.suppressed, true);
  }
  assert.equal(d.total.students, 12 + 11 + 7 + 14 + 13 + 15 + 16 + 12);
  // the same cells are hidden in whichever view shows them
  const own = (await view(staff.schoolA, `/api/v1/schools/${schoolId.sA}/overview`)).body;
  assert.deepEqual(own.grades, a.grades);
});

// ---- the attacker: bounds on each hidden cell by linear programming ----

// min or max of variable k subject to A y = b, y >= 0 (dense two-phase simplex, Bland's rule);
// returns the optimum, or Infinity when unbounded.
function lpExtreme(A, b, k, sign) {
  const m = A.length, n = A[0]?.length ?? 0, w = n + m + 1;
  const T = A.map((row, i) => {
    const neg = b[i] < 0 ? -1 : 1;
    const r = new Array(w).fill(0);
    row.forEach((v, j) => { r[j] = neg * v; });
    r[n + i] = 1;
    r[w - 1] = neg * b[i];
    return r;
  });
  const basis = Array.from({ length: m }, (_, i) => n + i);
  const pivot = (z, r, e) => {
    const p = T[r][e];
    for (let j = 0; j < w; j++) T[r][j] /= p;
    for (const row of [...T, z]) if (row !== T[r] && row[e] !== 0) {
      const f = row[e];
      for (let j = 0; j < w; j++) row[j] -= f * T[r][j];
    }
    basis[r] = e;
  };
  const run = (z, cols) => {
    for (let it = 0; it < 10000; it++) {
      let e = -1;
      for (let j = 0; j < cols; j++) if (z[j] < -1e-9) { e = j; break; }
      if (e < 0) return true;
      let r = -1, best = 0;
      for (let i = 0; i < m; i++) {
        if (T[i][e] <= 1e-9) continue;
        const q = T[i][w - 1] / T[i][e];
        if (r < 0 || q < best - 1e-9 || (q <= best + 1e-9 && basis[i] < basis[r])) { r = i; best = q; }
      }
      if (r < 0) return false;
      pivot(z, r, e);
    }
    throw new Error('the simplex did not end');
  };
  const z1 = new Array(w).fill(0);
  for (const row of T) for (let j = 0; j < w; j++) if (j < n || j === w - 1) z1[j] -= row[j];
  run(z1, n);
  assert.ok(-z1[w - 1] < 1e-6, 'the published numbers are consistent');
  for (let i = 0; i < m; i++) if (basis[i] >= n) {
    const e = T[i].findIndex((v, j) => j < n && Math.abs(v) > 1e-7);
    if (e >= 0) pivot(z1, i, e);
  }
  const z = new Array(w).fill(0);
  z[k] = sign;
  for (let i = 0; i < m; i++) if (basis[i] === k) {
    for (let j = 0; j < w; j++) z[j] -= sign * T[i][j];
    z[k] = 0;
  }
  return run(z, n) ? sign * -z[w - 1] : Infinity;
}

test('no hidden count can be worked out from anything the API returns', async () => {
  const { cells, rel } = await everything();
  const hidden = cells.filter((c) => c.value === null).map((c) => c.key);
  assert.ok(hidden.length >= 2);
  const col = new Map(hidden.map((k, i) => [k, i]));
  const value = new Map(cells.map((c) => [c.key, c.value]));
  // each relation: total - parts = 0; known cells to the right, hidden ones as y + 1 (y >= 0)
  const A = [], b = [];
  for (const [total, parts] of rel) {
    const row = new Array(hidden.length).fill(0);
    let rhs = 0;
    for (const [key, s] of [[total, 1], ...parts.map((p) => [p, -1])]) {
      if (col.has(key)) { row[col.get(key)] += s; rhs -= s; } else rhs -= s * value.get(key);
    }
    if (row.some((v) => v !== 0)) { A.push(row); b.push(rhs); } else assert.equal(rhs, 0, `${total} adds up`);
  }
  const report = [];
  for (const [key, k] of col) {
    const lo = Math.ceil(lpExtreme(A, b, k, 1) - 1e-6) + 1;
    const hiY = lpExtreme(A, b, k, -1);
    const hi = hiY === Infinity ? Infinity : Math.floor(hiY + 1e-6) + 1;
    report.push(`${key}: ${lo}..${hi}`);
    assert.ok(lo < hi, `${key} is pinned to ${lo} by the published numbers`);
  }
  // the 7 itself is only known to lie in a range as wide as the complement allows
  assert.ok(report.some((l) => /School A Homeroom 3C sA: 1\.\.17/.test(l)), report.join('\n'));
});

test('the weekly trend counts the students who practised and their minutes', async () => {
  const d = (await view(staff.district, `/api/v1/districts/${districtId}/overview?weeks=3`)).body;
  assert.equal(d.trend.length, 3);
  const now = d.trend.at(-1);
  assert.equal(now.active, 12 + 15 + 16 + 12);
  // 6 answers of 30 s each, per practising student, over every student of the district
  assert.equal(now.minutes_per_student, Math.round((12 + 15 + 16 + 12) * 3 / 100 * 10) / 10);
  const b = (await view(staff.district, `/api/v1/schools/${schoolId.sB}/overview?weeks=3`)).body;
  assert.equal(b.trend.at(-1).active, 43);
  assert.equal(b.total.active_pct, null, 'everyone in school B practised: a range, not 100 %');
  assert.equal(b.total.active_pct_range, '>95');
  assert.equal(b.total.minutes_per_student, 3);
  const a = (await view(staff.district, `/api/v1/schools/${schoolId.sA}/overview?weeks=3`)).body;
  assert.equal(a.total.active_pct, Math.round(12 / 57 * 100));
});

test('every view is in the audit log as an aggregate view, naming no student', async () => {
  await srv.stop('SIGTERM');
  const r = trellis(['audit', 'show', '--db', srv.db, '--json', '--limit', '100000']);
  assert.equal(r.status, 0, r.stderr);
  const entries = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  for (const v of viewRequests) {
    const e = entries.find((x) => x.request_id === v.id);
    assert.ok(e, `${v.path}: an audit entry`);
    assert.match(e.object, /^(school|district)_stats:\d+$/);
    assert.match(e.detail, /^aggregates over \d+ students; (school|district) overview; \d+ cells of the district, \d+ hidden$/);
    assert.ok(!e.subjects, 'no student is named');
  }
});

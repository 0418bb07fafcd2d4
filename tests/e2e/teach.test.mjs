// The teacher views (issue 12, "Teacher"): a class whose answer histories the test writes
// itself, through the xAPI API, with known successes, attempts, hints and durations. The
// expected mastery, statuses, flags, groups and weekly progress are computed here from those
// histories with the rules docs/API.md states (BKT with the model's default parameters,
// 0.3/0.1/0.2/0.1, no forgetting; core/teach.h's thresholds), independently of the server,
// and the API must answer exactly that. A teacher cannot reach another teacher's class nor a
// student outside their classes; every read leaves its audit entry.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { demoServer, Client } from './lib/auth.mjs';
import { request, trellis } from './lib/trellis.mjs';

const V = { 'X-Experience-API-Version': '2.0.0' };
const basic = (c) => 'Basic ' + Buffer.from(`${c.key}:${c.secret}`).toString('base64');
const BASE = 'https://trellis.invalid/content/trellis-math-3-8/skills/';
const SKILL = { P: BASE + 'place-value-thousands', R: BASE + 'round-tens-hundreds', A: BASE + 'add-within-1000' };
const PRE = { P: [], R: ['P'], A: ['P'] }; // the pack's prerequisites
const EXT = 'https://trellis.invalid/xapi/extensions/';
const MISCONCEPTION = 'probability-over-one'; // a misconception the pack names
const DAY = 86400000;
const M = 0.95;
const BKT = { prior: 0.3, learn: 0.1, guess: 0.2, slip: 0.1 };

let srv, teacher, other, cls, otherCls, outsider, roster;
const now = Date.now();
const reqIds = []; // { id, what, subjects }

// ---- the histories ----
// Each event: [skill, days ago, kind, correct, { attempt, hints, secs, misconception }]
// kind: 'a' an answer, 'h' a hint request.
const H = {
  // mastered place value ten days ago, then three wrong first attempts three days ago: falling
  A: [...rep(3, ['P', 10, 'a', true, { secs: 30 }]), ...rep(3, ['P', 3, 'a', false, { secs: 30 }]),
    ...rep(2, ['R', 2, 'a', true, { secs: 25 }])],
  // place value mastered, then ten wrong first attempts at addition: wheel-spinning
  B: [...rep(3, ['P', 9, 'a', true, { secs: 20 }]), ...rep(10, ['A', 1, 'a', false, { secs: 40 }])],
  // six wrong answers in two seconds each (a misconception named), two right ones: rapid guessing
  C: [...rep(6, ['P', 2, 'a', false, { secs: 2, misconception: MISCONCEPTION }]), ...rep(2, ['P', 2, 'a', true, { secs: 20 }])],
  // place value mastered, addition started (a hint, a right and a wrong answer, a second try)
  D: [...rep(3, ['P', 8, 'a', true, { secs: 15 }]), ['A', 1, 'h', false, {}], ['A', 1, 'a', true, { secs: 50 }],
    ['A', 1, 'a', false, { secs: 35 }], ['A', 1, 'a', true, { attempt: 2, secs: 10 }]],
  // one right answer at place value, then a wrong second try (not evidence)
  E: [['P', 4, 'a', true, { secs: 12 }], ['P', 4, 'a', false, { attempt: 2, secs: 8 }]],
  // three hints at rounding, on three days, that reach the LRS newest first (a device that
  // synced late): the timeline is still newest first by timestamp
  G: [['R', 6, 'h', false, {}], ['R', 5, 'h', false, {}], ['R', 4, 'h', false, {}]],
};
const LATE = new Set(['G']); // whose statements are sent in reverse order

function rep(n, e) {
  return Array.from({ length: n }, () => e);
}

// ---- the model, independently ----

function bkt(p, correct) {
  const a1 = p.m * (correct ? 1 - BKT.slip : BKT.slip);
  const a0 = p.u * (correct ? BKT.guess : 1 - BKT.guess);
  const n1 = a1 + a0 * BKT.learn, n0 = a0 * (1 - BKT.learn);
  return { m: n1 / (n1 + n0), u: n0 / (n1 + n0) };
}

// The statements' timestamps: each event a minute after the one before, on its day.
function timeline(events) {
  const out = [];
  let last = 0;
  for (const [skill, daysAgo, kind, correct, o] of events) {
    let at = now - daysAgo * DAY;
    if (at <= last) at = last + 60000;
    last = at;
    out.push({ skill, at, kind, correct, attempt: o.attempt || 1, hints: o.hints || 0, secs: o.secs, misconception: o.misconception });
  }
  return out;
}

function expectOf(events) {
  const st = {}; // skill -> state
  const points = []; // { skill, at, p }
  let timed = 0, rapid = 0, time = 0, week = 0;
  for (const e of events) {
    const s = st[e.skill] ||= { p: { m: BKT.prior, u: 1 - BKT.prior }, answers: 0, correct: 0, hints: 0, open: 0, last: 0 };
    s.last = Math.max(s.last, e.at);
    if (e.kind === 'h') { s.hints++; continue; }
    s.answers++;
    if (e.correct) s.correct++;
    if (e.secs !== undefined) {
      time += e.secs * 1000;
      if (e.at > now - 7 * DAY) week += e.secs * 1000;
      if (e.at > now - 14 * DAY) {
        timed++;
        if (!e.correct && e.secs * 1000 < 5000) rapid++;
      }
    }
    if (e.attempt > 1) continue;
    s.p = bkt(s.p, e.correct && e.hints === 0);
    s.open = s.p.m >= M ? 0 : s.open + 1;
    points.push({ skill: e.skill, at: e.at, p: s.p.m });
  }
  const valueAt = (skill, t) => {
    let p = NaN;
    for (const x of points) if (x.skill === skill && x.at <= t) p = x.p;
    return p;
  };
  const status = (skill) => {
    const s = st[skill];
    if (!s || (s.answers === 0 && s.hints === 0)) return 'not_started';
    if (s.p.m >= M) return 'mastered';
    if (s.open >= 10) return 'stuck';
    return 'in_progress';
  };
  const flags = [];
  for (const k of Object.keys(SKILL)) if (status(k) === 'stuck') flags.push(`wheel_spinning ${k}`);
  if (rapid >= 5 && rapid * 100 >= timed * 25) flags.push('rapid_guessing');
  for (const k of Object.keys(SKILL)) {
    const then = valueAt(k, now - 7 * DAY), nowp = valueAt(k, Infinity);
    if (Number.isNaN(then)) continue;
    if (Math.round(then * 1000) - Math.round(nowp * 1000) >= 200 || (then >= M && nowp < M)) flags.push(`falling_mastery ${k}`);
  }
  return { st, points, status, flags, valueAt, rapid, timed, time, week };
}

// Calendar weeks, Monday to Sunday, UTC: the Monday (ms) of the week holding t.
function monday(t) {
  const d = Math.floor(t / DAY);
  return (d - ((d + 3) % 7)) * DAY;
}

// ---- the server ----

before(async () => {
  srv = await demoServer();
  teacher = new Client(srv.url, '10.9.0.1');
  assert.equal((await teacher.login(srv.logins.filter((l) => l.role === 'teacher')[0])).status, 200);
  other = new Client(srv.url, '10.9.0.2');
  assert.equal((await other.login(srv.logins.filter((l) => l.role === 'teacher')[1])).status, 200);
  const mine = (await teacher.req('/api/v1/home')).body.classes;
  const theirs = (await other.req('/api/v1/home')).body.classes;
  cls = mine[0];
  otherCls = theirs.find((c) => !mine.some((m) => m.id === c.id));
  assert.ok(otherCls, 'the two teachers teach different classes');
  roster = (await teacher.req(`/api/v1/classes/${cls.id}/students`)).body.students;
  assert.ok(roster.length >= 6);
  // a student of the other teacher's class that the first teacher teaches in no class
  const taught = new Set();
  for (const c of mine) for (const s of (await teacher.req(`/api/v1/classes/${c.id}/students`)).body.students) taught.add(s.id);
  const theirRoster = (await other.req(`/api/v1/classes/${otherCls.id}/students`)).body.students;
  outsider = theirRoster.find((s) => !taught.has(s.id));
  assert.ok(outsider, 'a student the first teacher does not teach');

  // the histories, written by an API client as a practice app would
  const out = trellis(['admin', 'add-client', '--db', srv.db, '--name', 'teach e2e', '--scope', 'statements/write']);
  assert.equal(out.status, 0, out.stderr);
  const writer = JSON.parse(out.stdout);
  // the actors: the students' accounts, by sourcedId (the teacher may read their students)
  for (const s of roster.slice(0, 6)) s.sourced_id = (await teacher.req(`/api/v1/users/${s.id}`)).body.sourced_id;
  const statements = [];
  Object.keys(H).forEach((who, i) => {
    const s = roster[i];
    s.key = who;
    s.events = timeline(H[who]);
    const sent = [...s.events.entries()];
    if (LATE.has(who)) sent.reverse();
    for (const [n, e] of sent) {
      const item = `https://trellis.invalid/content/trellis-math-3-8/items/e2e-${who}-${n}`;
      const result = e.kind === 'a' ? { success: e.correct, response: e.correct ? '42' : '7',
        extensions: { [EXT + 'attempt']: e.attempt, [EXT + 'hints']: e.hints } } : undefined;
      if (result && e.secs !== undefined) result.duration = `PT${e.secs}S`;
      if (result && e.misconception) result.extensions[EXT + 'misconception'] = e.misconception;
      statements.push({
        id: randomUUID(),
        actor: { objectType: 'Agent', account: { homePage: srv.url, name: s.sourced_id } },
        verb: { id: e.kind === 'a' ? 'http://adlnet.gov/expapi/verbs/answered' : 'http://adlnet.gov/expapi/verbs/asked' },
        object: { objectType: 'Activity', id: `${item}/steps/s1` },
        ...(result ? { result } : {}),
        context: { contextActivities: { parent: [{ id: item }],
          category: [{ id: SKILL[e.skill], definition: { type: 'http://adlnet.gov/expapi/activities/objective' } }] } },
        timestamp: new Date(e.at).toISOString(),
      });
    }
  });
  const w = await request(srv.url, '/xapi/statements', { method: 'POST', headers: { ...V, authorization: basic(writer) }, json: statements, timeout: 60000 });
  assert.equal(w.status, 200, w.text);
});

after(async () => { await srv?.cleanup(); });

function note(r, what, subjects) {
  reqIds.push({ id: r.headers.get('x-request-id'), what, subjects });
}

test('the class view: every cell, status, count, flag and group is what the histories give', async () => {
  const r = await teacher.req(`/api/v1/classes/${cls.id}/mastery`);
  assert.equal(r.status, 200, r.text);
  const v = r.body;
  note(r, 'class view', roster.map((s) => s.id));
  assert.equal(v.class.id, cls.id);
  assert.equal(v.rules.mastered_at, 0.95);
  assert.equal(v.rules.spinning_attempts, 10);
  // the columns: the skills the students practised, in the pack's order
  assert.deepEqual(v.skills.map((s) => s.iri), [SKILL.P, SKILL.R, SKILL.A]);
  const col = Object.fromEntries(['P', 'R', 'A'].map((k, j) => [k, j]));
  const idOf = Object.fromEntries(['P', 'R', 'A'].map((k, j) => [k, v.skills[j].id]));
  assert.deepEqual(v.skills[col.R].prerequisites, [idOf.P]);
  assert.equal(v.skills[col.P].name.en, 'Place value to thousands');
  assert.ok(v.skills[col.P].name.es);
  // every student of the class, each cell as computed here
  assert.deepEqual(v.students.map((s) => s.id).sort((a, b) => a - b), roster.map((s) => s.id).sort((a, b) => a - b));
  const exp = {};
  for (const s of roster.slice(0, 6)) exp[s.id] = expectOf(s.events || []);
  const counts = { P: {}, R: {}, A: {} };
  for (const s of v.students) {
    const e = exp[s.id] || expectOf([]);
    for (const k of ['P', 'R', 'A']) {
      const cell = s.cells[col[k]];
      const want = e.st[k];
      const status = e.status(k);
      counts[k][status] = (counts[k][status] || 0) + 1;
      if (!want) { assert.equal(cell, null, `${s.name} ${k}: no row`); continue; }
      assert.ok(Math.abs(cell.p - want.p.m) < 1e-9, `${s.name} ${k}: p ${cell.p}, want ${want.p.m}`);
      assert.equal(cell.status, status, `${s.name} ${k}`);
      assert.equal(cell.answers, want.answers);
      assert.equal(cell.correct, want.correct);
      assert.equal(cell.hints, want.hints);
      assert.equal(cell.attempts_open, want.open);
      assert.equal(Date.parse(cell.last), want.last);
    }
    const flags = s.flags.map((f) => f.code + (f.skill ? ' ' + Object.keys(idOf).find((k) => idOf[k] === f.skill) : '')).sort();
    assert.deepEqual(flags, [...e.flags].sort(), `${s.name}: flags`);
    assert.equal(s.mastered, ['P', 'R', 'A'].filter((k) => e.status(k) === 'mastered').length);
    assert.equal(s.time_on_task_ms, e.time);
  }
  for (const k of ['P', 'R', 'A'])
    for (const st of ['mastered', 'in_progress', 'stuck', 'not_started'])
      assert.equal(v.skills[col[k]].counts[st], counts[k][st] || 0, `${k} ${st}`);

  // the flags' evidence
  const by = (key) => v.students.find((s) => s.id === roster.find((x) => x.key === key).id);
  const spin = by('B').flags.find((f) => f.code === 'wheel_spinning');
  assert.equal(spin.skill, idOf.A);
  assert.equal(spin.evidence.attempts_open, 10);
  const rapid = by('C').flags.find((f) => f.code === 'rapid_guessing');
  assert.deepEqual([rapid.evidence.rapid, rapid.evidence.timed, rapid.evidence.under_ms], [6, 8, 5000]);
  const fall = by('A').flags.find((f) => f.code === 'falling_mastery');
  const eA = exp[by('A').id];
  assert.equal(fall.skill, idOf.P);
  assert.ok(Math.abs(fall.evidence.from - eA.valueAt('P', now - 7 * DAY)) < 1e-9);
  assert.ok(Math.abs(fall.evidence.to - eA.st.P.p.m) < 1e-9);
  assert.ok(fall.evidence.from >= 0.95 && fall.evidence.to < 0.3, 'mastered a week ago, not now');
  assert.equal(fall.evidence.lowered_by, 3);

  // the groups: started and not mastered, prerequisites mastered; the largest first, the
  // lowest P(mastered) first within it
  const ready = {};
  for (const k of ['P', 'R', 'A']) {
    ready[k] = [];
    for (const s of roster) {
      const e = exp[s.id];
      if (!e || !e.st[k] || e.status(k) === 'mastered' || e.status(k) === 'not_started') continue;
      if (PRE[k].every((q) => e.st[q] && e.st[q].p.m >= M)) ready[k].push({ id: s.id, p: e.st[k].p.m });
    }
  }
  assert.deepEqual(ready.P.map((x) => roster.find((s) => s.id === x.id).key).sort(), ['A', 'C', 'E']);
  assert.deepEqual(ready.A.map((x) => roster.find((s) => s.id === x.id).key).sort(), ['B', 'D']);
  assert.deepEqual(ready.R, [], "A's rounding waits for place value again");
  const wantGroups = [['P', ready.P], ['A', ready.A]].map(([k, list]) => ({
    skill: idOf[k], students: [...list].sort((a, b) => a.p - b.p || roster.findIndex((s) => s.id === a.id) - roster.findIndex((s) => s.id === b.id)).map((x) => x.id),
  }));
  assert.deepEqual(v.groups.map((g) => ({ skill: g.skill, students: g.students.map((s) => s.id) })), wantGroups);
  assert.deepEqual(v.groups[1].reason, { code: 'started_not_mastered', prerequisites: [idOf.P] });
  for (const s of v.students) {
    const g = v.groups.findIndex((x) => x.students.some((m) => m.id === s.id));
    assert.equal(s.group, g < 0 ? null : g);
  }

  // weekly progress: mastered skills at the end of each calendar week, from the replayed curve
  const first = Math.min(...roster.slice(0, 6).flatMap((s) => exp[s.id].points.map((p) => p.at)));
  const weeks = [];
  for (let m = monday(first); m <= monday(now); m += 7 * DAY) weeks.push(m);
  assert.deepEqual(v.progress.weeks, weeks.map((m) => new Date(m).toISOString().slice(0, 10)));
  const total = weeks.map(() => 0);
  for (const s of v.students) {
    const e = exp[s.id] || expectOf([]);
    const want = weeks.map((m) => ['P', 'R', 'A'].filter((k) => e.valueAt(k, Math.min(m + 7 * DAY - 1, now + 60000)) >= M).length);
    assert.deepEqual(s.progress, want, `${s.name}: weekly progress`);
    want.forEach((n, i) => { total[i] += n; });
  }
  assert.deepEqual(v.progress.mastered, total);
  assert.equal(v.progress.students, roster.length);
});

test("a student's view: the timeline, curves that end at the model's value, time on task, misconceptions", async () => {
  for (const key of ['A', 'C', 'D', 'G']) {
    const s = roster.find((x) => x.key === key);
    const e = expectOf(s.events);
    const r = await teacher.req(`/api/v1/classes/${cls.id}/students/${s.id}/activity?lang=es`);
    assert.equal(r.status, 200, r.text);
    note(r, 'student view', [s.id]);
    const v = r.body;
    assert.equal(v.student.id, s.id);
    assert.equal(v.timeline_total, s.events.length);
    assert.equal(v.timeline.length, s.events.length);
    // newest first, each as written
    const want = [...s.events].reverse();
    v.timeline.forEach((t, i) => {
      assert.equal(Date.parse(t.at), want[i].at);
      assert.equal(t.verb, want[i].kind === 'a' ? 'answered' : 'asked');
      if (want[i].kind === 'a') {
        assert.equal(t.correct, want[i].correct);
        assert.equal(t.attempt, want[i].attempt);
        assert.equal(t.duration_ms, want[i].secs * 1000);
        assert.equal(t.rapid, !want[i].correct && want[i].secs < 5);
      }
    });
    assert.deepEqual(v.student.time_on_task, { total_ms: e.time, last_7_days_ms: e.week, answers: s.events.filter((x) => x.kind === 'a').length });
    for (const sk of v.skills) {
      const k = Object.keys(SKILL).find((x) => SKILL[x] === sk.iri);
      const pts = e.points.filter((p) => p.skill === k);
      // the curve: the prior, then the value after each first attempt (none before the first)
      assert.deepEqual(sk.curve.map((c) => Math.round(c.p * 1e9)), (pts.length ? [BKT.prior, ...pts.map((p) => p.p)] : []).map((p) => Math.round(p * 1e9)));
      if (pts.length) assert.ok(Math.abs(sk.curve.at(-1).p - sk.cell.p) < 1e-12, 'the curve ends at the model row');
      assert.equal(sk.time_on_task_ms, s.events.filter((x) => x.skill === k && x.kind === 'a').reduce((a, x) => a + x.secs * 1000, 0));
    }
    if (key === 'C') {
      assert.equal(v.misconceptions.length, 1);
      assert.equal(v.misconceptions[0].id, MISCONCEPTION);
      assert.equal(v.misconceptions[0].count, 6);
      assert.equal(v.misconceptions[0].name, 'dio una probabilidad mayor que 1', 'named in the language asked for');
    } else {
      assert.deepEqual(v.misconceptions, []);
    }
  }
  // the limit keeps the newest
  const a = roster.find((x) => x.key === 'B');
  const r = await teacher.req(`/api/v1/classes/${cls.id}/students/${a.id}/activity?limit=3`);
  assert.equal(r.status, 200);
  note(r, 'student view', [a.id]);
  assert.equal(r.body.timeline.length, 3);
  assert.equal(r.body.timeline_total, a.events.length);
  assert.equal((await teacher.req(`/api/v1/classes/${cls.id}/students/${a.id}/activity?limit=0`)).status, 400);
});

test('the skill view: who has mastered it, who is working on it, who is stuck', async () => {
  const v = (await teacher.req(`/api/v1/classes/${cls.id}/mastery`)).body;
  const idA = v.skills.find((s) => s.iri === SKILL.A).id;
  const r = await teacher.req(`/api/v1/classes/${cls.id}/skills/${idA}`);
  assert.equal(r.status, 200, r.text);
  note(r, 'skill view', roster.map((s) => s.id));
  const key = (list) => list.map((x) => roster.find((s) => s.id === x.id).key || '-');
  assert.deepEqual(key(r.body.students.stuck), ['B']);
  assert.deepEqual(key(r.body.students.in_progress), ['D']);
  assert.deepEqual(r.body.students.mastered, []);
  assert.equal(r.body.students.not_started.length, roster.length - 2);
  assert.equal(r.body.skill.counts.stuck, 1);
  assert.equal(r.body.students.stuck[0].attempts_open, 10);
  assert.equal((await teacher.req(`/api/v1/classes/${cls.id}/skills/999999`)).status, 404);
});

test('the class as CSV, an export', async () => {
  const r = await teacher.req(`/api/v1/classes/${cls.id}/mastery.csv`);
  assert.equal(r.status, 200, r.text);
  note(r, 'export', roster.map((s) => s.id));
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  assert.match(r.headers.get('content-disposition'), /attachment; filename="class-\d+-mastery.csv"/);
  const lines = r.text.trim().split('\r\n');
  assert.equal(lines[0], 'student_id,student,grade,skill_id,skill,skill_name,status,p_mastery,answers,correct,hints,attempts_open,last_activity,flags');
  assert.equal(lines.length, 1 + roster.length * 3);
  const b = roster.find((x) => x.key === 'B');
  const row = lines.find((l) => l.startsWith(`${b.id},`) && l.includes(SKILL.A)).split(',');
  assert.equal(row[6], 'stuck');
  assert.equal(row[10], '0');
  assert.equal(row[11], '10');
  assert.match(row[13], /wheel_spinning/);
});

test("a teacher cannot reach another teacher's class, nor a student outside their classes", async () => {
  for (const p of [`/api/v1/classes/${otherCls.id}/mastery`, `/api/v1/classes/${otherCls.id}/mastery.csv`,
    `/api/v1/classes/${otherCls.id}/students/${outsider.id}/activity`, `/api/v1/classes/${otherCls.id}/skills/1`,
    '/api/v1/classes/999999/mastery']) {
    const r = await teacher.req(p);
    assert.equal(r.status, 404, `${p}: ${r.status}`);
    assert.ok(!r.text.includes(outsider.name));
  }
  // a student of another class, asked about through the teacher's own class
  const r = await teacher.req(`/api/v1/classes/${cls.id}/students/${outsider.id}/activity`);
  assert.equal(r.status, 404);
  assert.ok(!r.text.includes(outsider.name));
  // and the other teacher sees their own class
  assert.equal((await other.req(`/api/v1/classes/${otherCls.id}/mastery`)).status, 200);
  // a student may not see their class's views
  const stu = new Client(srv.url, '10.9.0.3');
  assert.equal((await stu.login(srv.login('student'))).status, 200);
  const home = (await stu.req('/api/v1/home')).body;
  assert.equal((await stu.req(`/api/v1/classes/${home.classes[0].id}/mastery`)).status, 404);
});

test('every read has its audit entry, naming the students disclosed', async () => {
  await srv.stop('SIGTERM');
  const r = trellis(['audit', 'show', '--db', srv.db, '--json', '--limit', '100000']);
  assert.equal(r.status, 0, r.stderr);
  const entries = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(reqIds.length >= 7);
  for (const q of reqIds) {
    const mine = entries.filter((e) => e.request_id === q.id && e.outcome === 'ok');
    assert.ok(mine.length > 0, `${q.what}: an audit entry`);
    assert.ok(mine.every((e) => e.object === `class_learning:${cls.id}`), `${q.what}: ${mine.map((e) => e.object)}`);
    const named = new Set(mine.flatMap((e) => String(e.subjects).split(',').map(Number)));
    for (const id of q.subjects) assert.ok(named.has(id), `${q.what}: names student ${id}`);
    if (q.what === 'export') assert.ok(mine.some((e) => e.action === 'export'), 'the CSV is an export');
  }
});

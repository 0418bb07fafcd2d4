// Assignments (issue 12): a teacher assigns skills to a class or to chosen students with
// a due date; practice honours them; the teacher sees each student's completion and who
// has been inactive while an assignment is open. End to end on the demo district, over
// the HTTP API, against SQLite and (e2e_pg_assign) PostgreSQL.
//
// The completion test seeds a learning history with known dates: statements written by
// an API client with chosen timestamps, and an assignment whose given day is set back in
// the database (sqlShell), since the server's clock cannot be moved. The expectations are
// computed here, independently: school days counted by this file's own calendar, mastery
// read from the learner model's own endpoint (GET /api/v1/users/{id}/mastery).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { demoServer, Client } from './lib/auth.mjs';
import { request, trellis, sqlShell } from './lib/trellis.mjs';

const V = { 'X-Experience-API-Version': '2.0.0' };
const basic = (c) => 'Basic ' + Buffer.from(`${c.key}:${c.secret}`).toString('base64');
const PACK = 'https://trellis.invalid/content/trellis-math-3-8/skills/';
const OBJECTIVE = 'http://adlnet.gov/expapi/activities/objective';
const PASSWORD = 'Assign-Test-Pw-5087';

// ---- a calendar of our own (UTC days, Monday to Friday are school days) ----
const DAY = 86400000;
const dayOf = (iso) => Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY);
const isoOf = (d) => new Date(d * DAY).toISOString().slice(0, 10);
const weekday = (d) => new Date(d * DAY).getUTCDay(); // 0 Sunday .. 6 Saturday
const isSchoolDay = (d) => weekday(d) >= 1 && weekday(d) <= 5;
function schoolDaysBetween(a, b) { // school days strictly between a and b
  let n = 0;
  for (let d = a + 1; d < b; d++) if (isSchoolDay(d)) n++;
  return n;
}
function schoolDayFrom(d, n) { // the n-th school day after (n > 0) or before (n < 0) d
  const step = Math.sign(n);
  for (let k = 0; k !== n;) { d += step; if (isSchoolDay(d)) k += step; }
  return d;
}
const firstSchoolDayFrom = (d) => (isSchoolDay(d) ? d : schoolDayFrom(d, 1));

let srv, teacher, other, student, writer, reader, cls, students, today;
let skills; // the assignable skills, from the API

async function list() {
  const r = await teacher.req(`/api/v1/classes/${cls}/assignments`);
  assert.equal(r.status, 200, r.text);
  return r.body;
}
const create = (json, who = teacher) => who.req(`/api/v1/classes/${cls}/assignments`, { method: 'POST', json });
const patch = (id, json, who = teacher) => who.req(`/api/v1/classes/${cls}/assignments/${id}`, { method: 'PATCH', json });
const del = (id, who = teacher) => who.req(`/api/v1/classes/${cls}/assignments/${id}`, { method: 'DELETE' });
const rows = () => sqlShell(srv.db, 'SELECT COUNT(*) FROM assignments') + '/' +
  sqlShell(srv.db, 'SELECT COUNT(*) FROM assignment_skills') + '/' + sqlShell(srv.db, 'SELECT COUNT(*) FROM assignment_students');

function auditEntries() {
  const r = trellis(['audit', 'show', '--db', srv.db, '--json', '--limit', '100000']);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

// A classmate of the demo student, with a password of their own.
async function loginAs(s, addr) {
  const sid = (await teacher.req(`/api/v1/users/${s.id}`)).body.sourced_id;
  const r = trellis(['admin', 'set-password', '--db', srv.db, '--sourced-id', sid, '--password-stdin'], { input: PASSWORD + '\n' });
  assert.equal(r.status, 0, r.stderr);
  const username = (await teacher.req(`/api/v1/classes/${cls}/students`)).body.students.find((x) => x.id === s.id).username;
  const c = new Client(srv.url, addr);
  assert.equal((await c.login({ username, password: PASSWORD })).status, 200);
  return { c, sid };
}

before(async () => {
  srv = await demoServer({ TRELLIS_TRUST_PROXY: 'true' });
  teacher = new Client(srv.url, '10.12.0.1');
  assert.equal((await teacher.login(srv.login('teacher'))).status, 200);
  const otherLogin = srv.logins.find((l) => l.role === 'teacher' && l.username !== srv.login('teacher').username);
  other = new Client(srv.url, '10.12.0.2');
  assert.equal((await other.login(otherLogin)).status, 200);
  student = new Client(srv.url, '10.12.0.3');
  assert.equal((await student.login(srv.login('student'))).status, 200);
  writer = JSON.parse(trellis(['admin', 'add-client', '--db', srv.db, '--name', 'writer', '--scope', 'statements/write']).stdout);
  reader = JSON.parse(trellis(['admin', 'add-client', '--db', srv.db, '--name', 'reader', '--scope', 'statements/read']).stdout);
  const home = (await teacher.req('/api/v1/home')).body;
  cls = home.classes.find((c) => /Mathematics/.test(c.title)).id;
  const l = await list();
  students = l.students;
  today = dayOf(l.today);
  assert.equal(l.can_assign, true, 'the class\'s teacher may assign (the page shows the form)');
  assert.ok(students.length >= 12, 'a class to work with');
  const sk = await teacher.req(`/api/v1/classes/${cls}/assignments/skills`);
  assert.equal(sk.status, 200, sk.text);
  skills = sk.body.skills;
  assert.ok(skills.length >= 40 && skills.every((s) => s.iri && s.name));
});
after(async () => { await srv?.cleanup(); });

test('a teacher assigns, lists, moves the due date, closes, opens and deletes; each change is audited', async () => {
  const chosen = [students[1].id, students[2].id];
  const due = schoolDayFrom(today, 4);
  const before = auditEntries().length;
  let r = await create({ skills: [PACK + 'perimeter-rectangles', PACK + 'area-rectangles'], students: chosen, due_date: isoOf(due), note: 'Bring your ruler.' });
  assert.equal(r.status, 201, r.text);
  const a = r.body;
  assert.deepEqual(a.skills.map((s) => s.iri), [PACK + 'perimeter-rectangles', PACK + 'area-rectangles']);
  assert.equal(a.skills[0].name, 'Perimeter of rectangles');
  assert.equal(a.due_date, isoOf(due));
  assert.equal(a.assigned_on, isoOf(today));
  assert.equal(a.whole_class, false);
  assert.deepEqual(a.students.sort(), [...chosen].sort());
  assert.equal(a.note, 'Bring your ruler.');
  assert.equal(a.state, 'open');
  assert.match(a.assigned_by.name, /\S+ \S+/, "the teacher's name from the roster");

  // listed, with the two students' progress (and only theirs)
  let got = (await list()).assignments.find((x) => x.id === a.id);
  assert.ok(got);
  assert.deepEqual(got.progress.map((p) => p.student).sort(), [...chosen].sort());
  assert.deepEqual(got.completion, { students: 2, mastered: 0, in_progress: 0, not_started: 2, inactive: 0 });
  assert.ok(got.progress.every((p) => p.skills.length === 2 && p.skills.every((s) => s.status === 'not_started')));

  // a later due date; closed; open again
  const later = schoolDayFrom(due, 3);
  r = await patch(a.id, { due_date: isoOf(later) });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.due_date, isoOf(later));
  r = await patch(a.id, { closed: true });
  assert.equal(r.body.state, 'closed');
  assert.ok(r.body.closed_at);
  got = (await list()).assignments.find((x) => x.id === a.id);
  assert.equal(got.state, 'closed');
  r = await patch(a.id, { closed: false, note: 'Bring your ruler and a pencil.' });
  assert.equal(r.body.state, 'open');
  assert.equal(r.body.note, 'Bring your ruler and a pencil.');

  // deleted: gone, and a second delete or change finds nothing
  r = await del(a.id);
  assert.equal(r.status, 204, r.text);
  assert.equal((await list()).assignments.find((x) => x.id === a.id), undefined);
  assert.equal((await del(a.id)).status, 404);
  assert.equal((await patch(a.id, { closed: true })).status, 404);

  // who assigned what to whom, and every change after
  const entries = auditEntries().slice(before);
  const changes = entries.filter((e) => e.object === `class:${cls}:assignments` && e.action === 'change');
  const me = (await teacher.req('/api/v1/me')).body;
  assert.ok(changes.every((e) => e.actor === me.username && e.outcome === 'ok'));
  const made = changes.find((e) => e.detail.startsWith(`assignment ${a.id}: `) && /assigned to 2 students/.test(e.detail));
  assert.ok(made, JSON.stringify(changes));
  assert.ok(made.detail.includes(PACK + 'perimeter-rectangles') && made.detail.includes(`due ${isoOf(due)}`));
  assert.deepEqual(made.subjects.split(',').map(Number).sort(), [...chosen].sort(), 'to whom');
  assert.ok(changes.some((e) => e.detail.includes(`due date moved from ${isoOf(due)} to ${isoOf(later)}`)));
  assert.ok(changes.some((e) => /closed;$/.test(e.detail)));
  assert.ok(changes.some((e) => /opened again;/.test(e.detail) && /note changed/.test(e.detail)));
  assert.ok(changes.some((e) => e.detail === `assignment ${a.id} deleted (it was due ${isoOf(later)})`));
  // and reading the progress is a disclosure the gate recorded, naming the students shown
  const reads = entries.filter((e) => e.object === `assignments:${cls}` && e.action === 'list');
  assert.ok(reads.length >= 1);
  assert.deepEqual(new Set(reads.at(-1).subjects.split(',').map(Number)), new Set(students.map((s) => s.id)));
});

test('another teacher gets 404, a student cannot assign, and nothing changes', async () => {
  const own = (await list()).assignments[0];
  const before = rows();
  const body = { skills: [PACK + 'mean'], due_date: isoOf(schoolDayFrom(today, 2)) };
  for (const [who, name] of [[other, 'another teacher'], [student, 'a student of the class']]) {
    assert.equal((await who.req(`/api/v1/classes/${cls}/assignments`)).status, 404, `${name}: list`);
    assert.equal((await create(body, who)).status, 404, `${name}: create`);
    assert.equal((await patch(own.id, { closed: true }, who)).status, 404, `${name}: change`);
    assert.equal((await del(own.id, who)).status, 404, `${name}: delete`);
    assert.equal((await who.req(`/api/v1/classes/${cls}/assignments/skills`)).status, 404, `${name}: skills`);
  }
  // an API client has no assignments (403: no scope gives them)
  const r = await request(srv.url, `/api/v1/classes/${cls}/assignments`, { headers: { authorization: basic(reader) } });
  assert.equal(r.status, 403, r.text);
  assert.equal(rows(), before, 'nothing changed');
  assert.equal((await list()).assignments.find((x) => x.id === own.id).state, own.state);
});

test('bad input names the field and changes nothing', async () => {
  const ok = { skills: [PACK + 'mean'], due_date: isoOf(schoolDayFrom(today, 2)) };
  const saturday = (() => { let d = today + 1; while (weekday(d) !== 6) d++; return d; })();
  // a student of the district who is not in this class: one of the other teacher's
  const theirs = (await other.req('/api/v1/home')).body.classes[0];
  const stranger = (await other.req(`/api/v1/classes/${theirs.id}/students`)).body.students[0].id;
  assert.ok(!students.some((s) => s.id === stranger), 'a student of another class');
  const cases = [
    [{ ...ok, skills: ['https://example.org/not-a-skill'] }, /^skills\[0\]: no skill 'https:\/\/example\.org\/not-a-skill'/],
    [{ ...ok, skills: [PACK + 'mean', PACK + 'mean'] }, /^skills\[1\]: .* listed twice/],
    [{ ...ok, skills: [] }, /^skills: required/],
    [{ ...ok, skills: [42] }, /^skills\[0\]: must be a skill's IRI/],
    [{ due_date: ok.due_date }, /^skills: required/],
    [{ ...ok, due_date: '2021-03-01' }, /^due_date: 2021-03-01 is in the past/],
    [{ ...ok, due_date: isoOf(saturday) }, new RegExp(`^due_date: ${isoOf(saturday)} is a Saturday, not a school day`)],
    [{ ...ok, due_date: '12/24/2026' }, /^due_date: must be a date written YYYY-MM-DD/],
    [{ ...ok, due_date: '2026-02-30' }, /^due_date: must be a date/],
    [{ ...ok, due_date: isoOf(schoolDayFrom(today, 400)) }, /^due_date: .* is after the class's term ends \(\d{4}-\d\d-\d\d\)/],
    [{ skills: ok.skills }, /^due_date: required/],
    [{ ...ok, students: [stranger] }, new RegExp(`^students\\[0\\]: ${stranger} is not a student of this class`)],
    [{ ...ok, students: [students[0].id, students[0].id] }, /^students\[1\]: .* listed twice/],
    [{ ...ok, students: [students[0].id, 'x'] }, /^students\[1\]: must be a student's id/],
    [{ ...ok, students: [] }, /^students: a list of one or more students/],
    [{ ...ok, note: 'x'.repeat(501) }, /^note: at most 500 characters/],
    [{ ...ok, note: 7 }, /^note: must be text/],
    [{ ...ok, colour: 'red' }, /^colour: unknown field/],
  ];
  const before = rows();
  const audits = auditEntries().filter((e) => e.action === 'change').length;
  for (const [body, want] of cases) {
    const r = await create(body);
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
    assert.match(r.body.detail, want);
  }
  // a note of 500 characters of any script is fine (counted as characters, not bytes)
  const own = (await list()).assignments.find((x) => x.state === 'open');
  for (const [body, want] of [
    [{}, /^body: nothing to change/],
    [{ closed: 'yes' }, /^closed: must be true or false/],
    [{ due_date: '2021-03-01' }, /^due_date: 2021-03-01 is in the past/],
    [{ due_date: isoOf(saturday) }, /is a Saturday, not a school day/],
    [{ skills: [] }, /^skills: unknown field/],
  ]) {
    const r = await patch(own.id, body);
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
    assert.match(r.body.detail, want);
  }
  assert.equal(rows(), before, 'nothing was written');
  assert.equal(auditEntries().filter((e) => e.action === 'change').length, audits, 'nor audited as a change');
  const wide = await create({ ...ok, note: 'ñ'.repeat(500) });
  assert.equal(wide.status, 201, wide.text);
  assert.equal((await del(wide.body.id)).status, 204);
});

test('practice honours the assignment (before unmastered prerequisites), then moves on once it is mastered', async () => {
  // a classmate nobody chose for the demo's small group, practising for the first time
  const small = new Set((await list()).assignments.filter((a) => !a.whole_class).flatMap((a) => a.students));
  const s = students.filter((x) => !small.has(x.id)).at(-1);
  const { c } = await loginAs(s, '10.12.0.4');
  const S = PACK + 'divide-with-remainders'; // grade 4: its prerequisites are not mastered
  const progress = (await c.req('/api/v1/practice/progress')).body;
  const pre = progress.skills.find((x) => x.iri === S).prerequisites;
  assert.ok(pre.length > 0 && pre.every((iri) => progress.skills.find((x) => x.iri === iri).status !== 'mastered'));
  // due before anything else open in the class (a teacher's earliest due comes first)
  const due = firstSchoolDayFrom(today);
  const r = await create({ skills: [S], students: [s.id], due_date: isoOf(due) });
  assert.equal(r.status, 201, r.text);
  const mine = (await c.req('/api/v1/me/assignments')).body.assignments;
  assert.equal(mine[0].id, r.body.id, 'earliest due first');
  assert.equal(mine[0].skills[0].status, 'not_started');
  assert.match(mine[0].assigned_by.name, /\S/);

  let n = (await c.req('/api/v1/practice/next')).body;
  assert.equal(n.skill.iri, S);
  assert.equal(n.reason.code, 'assigned');
  assert.match(n.reason.text, /Your teacher assigned "Divide with remainders"/);
  assert.equal((await c.req('/api/v1/practice/progress')).body.working_on.code, 'assigned');
  // right first answers until it is mastered
  let mastered = false;
  for (let i = 0; i < 30 && !mastered; i++) {
    assert.equal(n.skill.iri, S, 'the assigned skill until it is mastered');
    const [item, seed] = n.instance.split('.');
    const inst = JSON.parse(trellis(['content', 'show', '--db', srv.db, '--seed', seed, item]).stdout);
    for (let k = n.step_index; k < inst.steps.length; k++) {
      const step = inst.steps[k];
      const a = await c.req('/api/v1/practice/attempts', { method: 'POST', json: { item: n.item, instance: n.instance, step: step.id, response: step.answer.accepted[0] } });
      assert.equal(a.status, 200, a.text);
      if (a.body.mastery.skill === S && a.body.mastery.mastered) mastered = true;
    }
    n = (await c.req('/api/v1/practice/next')).body;
  }
  assert.ok(mastered, 'mastered');
  assert.notEqual(n.skill.iri, S, 'practice moves on');
  // to what is assigned next, earliest due first, as the student's own list says
  const open = (await c.req('/api/v1/me/assignments')).body.assignments;
  assert.equal(open.find((a) => a.id === r.body.id).done, true);
  const nextAssigned = open.filter((a) => !a.done).flatMap((a) => a.skills.filter((x) => x.status !== 'mastered'))[0];
  if (nextAssigned) {
    assert.equal(n.reason.code, 'assigned');
    assert.equal(n.skill.iri, nextAssigned.iri);
  } else {
    assert.notEqual(n.reason.code, 'assigned');
  }
  // the teacher sees it mastered
  const got = (await list()).assignments.find((x) => x.id === r.body.id);
  assert.equal(got.progress[0].status, 'mastered');
  assert.deepEqual(got.completion, { students: 1, mastered: 1, in_progress: 0, not_started: 0, inactive: 0 });
  // closed, it no longer comes first
  assert.equal((await del(r.body.id)).status, 204);
});

test('completion and the inactivity flag, computed on a seeded history with known dates', async () => {
  const S = PACK + 'perimeter-rectangles';
  const OTHER = PACK + 'place-value-thousands';
  const small = new Set((await list()).assignments.filter((a) => !a.whole_class).flatMap((a) => a.students));
  const pick = students.filter((x) => !small.has(x.id)).slice(2, 7);
  const [A, B, C, D, E] = pick;
  const r = await create({ skills: [S], students: pick.map((x) => x.id), due_date: isoOf(schoolDayFrom(today, 5)) });
  assert.equal(r.status, 201, r.text);
  const id = r.body.id;

  // given today: nobody is inactive yet, whatever their history
  let got = (await list()).assignments.find((x) => x.id === id);
  assert.equal(got.completion.inactive, 0);

  // given eight school days ago (the server's clock cannot be moved: the row is set back)
  const G = schoolDayFrom(today, -8);
  sqlShell(srv.db, `UPDATE assignments SET given_day = ${G} WHERE id = ${id}`);
  // the history: A masters S the day after; B practised S yesterday; C once, long ago; D never;
  // E practised another skill yesterday
  const days = { A: schoolDayFrom(G, 1), B: schoolDayFrom(today, -1), C: schoolDayFrom(G, 1), E: schoolDayFrom(today, -1) };
  const stmts = [];
  const answer = (who, day, skill, success, k) => {
    const sid = who.sid;
    stmts.push({
      id: randomUUID(), actor: { objectType: 'Agent', account: { homePage: srv.url, name: sid } },
      verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
      object: { objectType: 'Activity', id: `http://example.org/assign-test/items/${sid}/${k}` },
      result: { success },
      context: { contextActivities: { category: [{ objectType: 'Activity', id: skill, definition: { type: OBJECTIVE } }] } },
      timestamp: new Date(day * DAY + 10 * 3600e3 + k * 60e3).toISOString(),
    });
  };
  for (const x of pick) x.sid = (await teacher.req(`/api/v1/users/${x.id}`)).body.sourced_id;
  for (let k = 0; k < 25; k++) answer(A, days.A, S, true, k);
  answer(B, days.B, S, false, 0); answer(B, days.B, S, true, 1);
  answer(C, days.C, S, true, 0); answer(C, days.C, S, false, 1);
  answer(E, days.E, OTHER, true, 0);
  const w = await request(srv.url, '/xapi/statements', { method: 'POST', headers: { ...V, authorization: basic(writer) }, json: stmts });
  assert.equal(w.status, 200, w.text);

  got = (await list()).assignments.find((x) => x.id === id);
  // what the learner model says, read from its own endpoint
  const model = {};
  for (const x of pick) {
    const m = await teacher.req(`/api/v1/users/${x.id}/mastery`);
    assert.equal(m.status, 200, m.text);
    model[x.id] = (m.body.skills || []).find((k) => k.skill === S);
  }
  const expectStatus = (x) => {
    const m = model[x.id];
    if (m && m.p_mastery >= 0.95) return 'mastered';
    return m && m.answers > 0 ? 'in_progress' : 'not_started';
  };
  assert.equal(expectStatus(A), 'mastered', 'A mastered it (the model says so)');
  assert.equal(expectStatus(B), 'in_progress');
  const last = { [A.id]: days.A, [B.id]: days.B, [C.id]: days.C, [D.id]: null, [E.id]: days.E };
  const counts = { mastered: 0, in_progress: 0, not_started: 0, inactive: 0 };
  for (const x of pick) {
    const p = got.progress.find((q) => q.student === x.id);
    assert.ok(p, x.name);
    const st = expectStatus(x);
    counts[st]++;
    assert.equal(p.status, st, `${x.name}: status`);
    assert.equal(p.skills[0].status, st);
    assert.equal(p.last_activity, last[x.id] === null ? null : isoOf(last[x.id]), `${x.name}: last activity`);
    // inactive: open, not mastered, and 3 whole school days or more without practice since
    // the later of the day it was given and the last practice
    const since = Math.max(G, last[x.id] ?? G);
    const idle = schoolDaysBetween(since, today);
    if (st !== 'mastered' && idle >= 3) {
      counts.inactive++;
      assert.deepEqual(p.inactive, { school_days: idle, since: isoOf(since), last_activity: last[x.id] === null ? null : isoOf(last[x.id]) }, `${x.name}: the flag's evidence`);
    } else {
      assert.equal(p.inactive, undefined, `${x.name}: not flagged`);
    }
  }
  assert.deepEqual(got.completion, { students: 5, ...counts });
  assert.ok(got.progress.find((q) => q.student === C.id).inactive, 'C is flagged');
  assert.ok(got.progress.find((q) => q.student === D.id).inactive, 'D is flagged');
  assert.equal(got.progress.find((q) => q.student === E.id).inactive, undefined, 'practice on another skill counts');

  // the teacher's class view flags the same students with the same evidence (code "inactive")
  const view = await teacher.req(`/api/v1/classes/${cls}/mastery`);
  assert.equal(view.status, 200, view.text);
  for (const x of pick) {
    const p = got.progress.find((q) => q.student === x.id);
    const row = view.body.students.find((s) => s.id === x.id);
    assert.ok(row, `${x.name} in the class view`);
    const f = row.flags.filter((g) => g.code === 'inactive' && g.evidence.assignment === id);
    if (p.inactive) {
      assert.equal(f.length, 1, `${x.name}: one inactive flag for the assignment`);
      assert.deepEqual(f[0].evidence, { assignment: id, since: p.inactive.since, due: got.due_date, school_days: p.inactive.school_days,
        unmastered: 1, last_activity: f[0].evidence.last_activity }, `${x.name}: the flag's evidence`);
      assert.equal(f[0].evidence.last_activity === null, p.inactive.last_activity === null, `${x.name}: last activity`);
    } else {
      assert.equal(f.length, 0, `${x.name}: not flagged in the class view`);
    }
  }

  // closed: no flag any more; the completion stays
  await patch(id, { closed: true });
  got = (await list()).assignments.find((x) => x.id === id);
  assert.equal(got.completion.inactive, 0);
  assert.equal(got.completion.mastered, counts.mastered);
  assert.equal((await del(id)).status, 204);
});

test("a student's own assignments: open ones of their classes, for them or the whole class", async () => {
  const mine = await student.req('/api/v1/me/assignments');
  assert.equal(mine.status, 200, mine.text);
  const me = (await student.req('/api/v1/me')).body;
  const all = (await list()).assignments;
  const expected = all.filter((a) => a.state === 'open' && dayOf(a.assigned_on) <= today && (a.whole_class || a.students.includes(me.id)));
  assert.deepEqual(mine.body.assignments.map((a) => a.id).sort(), expected.map((a) => a.id).sort());
  for (const a of mine.body.assignments) {
    assert.equal(a.class.id, cls);
    assert.match(a.due_date, /^\d{4}-\d\d-\d\d$/);
    assert.ok(a.skills.every((s) => ['mastered', 'in_progress', 'not_started'].includes(s.status)));
  }
  // a teacher has none of their own; a client is not a person
  assert.deepEqual((await teacher.req('/api/v1/me/assignments')).body.assignments, []);
  const c = await request(srv.url, '/api/v1/me/assignments', { headers: { authorization: basic(reader) } });
  assert.equal(c.status, 403);
});

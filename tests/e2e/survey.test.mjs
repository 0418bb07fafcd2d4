// Home connectivity (issue 13), end to end on the demo district: a school issues one-use,
// expiring survey codes; a family answers by the link with no account; staff read the answer
// (audited) or record one on a family's behalf; the answers and referral notes are sealed at
// rest; who may not read them cannot; referrals to low-cost internet programmes go through
// their statuses; digital-literacy sessions record who came. The demo's school
// administrator, teacher, student and guardian are all at Cedar Elementary; its counsellor is
// at Juniper Middle School (another school).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoServer, Client } from './lib/auth.mjs';
import { trellis, sqlShell, dumpDb } from './lib/trellis.mjs';

let srv, admin, teacher, counsellor, guardian, student;
let studentId, otherId, classId, schoolId, guardianId;
const N = 3; // login_max_failures: an address may try 10 N wrong codes before it waits

function auditEntries() {
  const r = trellis(['audit', 'show', '--db', srv.db, '--json', '--limit', '100000']);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

const subjectsOf = (e) => String(e.subjects).split(/[ ,]+/).filter(Boolean);

// A family's phone: no account, its own address (each test its own, for the throttle).
let phones = 0;
function phone() {
  return new Client(srv.url, `198.51.100.${++phones}`);
}

async function issue(body, c = admin) {
  return c.req(`/api/v1/schools/${schoolId}/survey-codes`, { method: 'POST', json: body });
}

const ANSWERS = {
  lang: 'es', device_type: 'smartphone', device_provider: 'personal', device_shared: 'shared',
  internet_type: 'none', barrier: 'not_affordable',
};

before(async () => {
  srv = await demoServer({ TRELLIS_TRUST_PROXY: 'true', TRELLIS_LOGIN_MAX_FAILURES: String(N) });
  admin = new Client(srv.url, '10.25.0.1');
  assert.equal((await admin.login(srv.login('school_admin'))).status, 200);
  teacher = new Client(srv.url, '10.25.0.2');
  assert.equal((await teacher.login(srv.login('teacher'))).status, 200);
  counsellor = new Client(srv.url, '10.25.0.3');
  assert.equal((await counsellor.login(srv.login('counsellor'))).status, 200);
  guardian = new Client(srv.url, '10.25.0.4');
  assert.equal((await guardian.login(srv.login('guardian'))).status, 200);
  student = new Client(srv.url, '10.25.0.5');
  assert.equal((await student.login(srv.login('student'))).status, 200);
  studentId = (await student.req('/api/v1/me')).body.id;
  guardianId = (await guardian.req('/api/v1/me')).body.id;
  const home = (await student.req('/api/v1/home')).body;
  classId = home.classes[0].id;
  schoolId = Number(sqlShell(srv.db, `SELECT school_id FROM classes WHERE id = ${classId}`));
  const gHome = (await guardian.req('/api/v1/home')).body;
  const mine = new Set(gHome.children.map((c) => c.id));
  const roster = (await teacher.req(`/api/v1/classes/${classId}/students`)).body;
  otherId = roster.students.find((s) => !mine.has(s.id)).id;
});
after(async () => { await srv?.cleanup(); });

let firstCode; // the student's code from the first test, used once

const answersOf = async (id) => (await admin.req(`/api/v1/users/${id}/connectivity`)).body.answers.length;
let answered; // the student's answers after the first test (the demo may have one already)

test('a school issues codes for a class; a family answers by the link with no account; staff read it, audited', async () => {
  const had = await answersOf(studentId);
  const r = await issue({ class_id: classId, days: 7 });
  assert.equal(r.status, 201, r.text);
  const mine = r.body.codes.find((c) => c.student === studentId);
  assert.ok(mine, "the class's student has a code");
  assert.match(mine.code, /^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
  assert.match(mine.link, /^\/survey\.html#code=[A-Z2-9]{10}$/);
  assert.equal(new Set(r.body.codes.map((c) => c.code)).size, r.body.codes.length, 'every code differs');
  assert.ok(r.body.codes.every((c) => c.name && c.student), 'names to print beside the codes');
  firstCode = mine.code;

  // the family: the link as given (the code is read from it), no login
  const fam = phone();
  const check = await fam.req('/api/v1/survey/code', { method: 'POST', json: { code: `https://school.example${mine.link}` } });
  assert.equal(check.status, 200, check.text);
  assert.match(check.body.expires_date, /^\d{4}-\d{2}-\d{2}$/);
  assert.equal(check.body.name, undefined, 'nothing about the child is told to a code holder');
  const a = await fam.req('/api/v1/survey/answers', { method: 'POST', json: { code: mine.code.toLowerCase(), ...ANSWERS } });
  assert.equal(a.status, 201, a.text);
  assert.equal(a.body.recorded, 1);

  // staff see it: the student's record and the school's list
  const s = await admin.req(`/api/v1/users/${studentId}/connectivity`);
  assert.equal(s.status, 200, s.text);
  assert.equal(s.body.answers.length, had + 1);
  answered = had + 1;
  const got = s.body.answers[0];
  assert.equal(got.source, 'family');
  assert.deepEqual(got.answers, ANSWERS);
  assert.equal(got.adequate_connection, false);
  assert.equal(got.dedicated_device, false);
  const list = await admin.req(`/api/v1/schools/${schoolId}/connectivity`);
  assert.equal(list.status, 200, list.text);
  const row = list.body.students.find((x) => x.id === studentId);
  assert.equal(row.latest.answers.barrier, 'not_affordable');
  assert.equal(row.code.state, 'used');
  assert.ok(list.body.summary.answered >= 1 && list.body.summary.without_adequate_connection >= 1);
  assert.ok(list.body.summary.codes_open >= 1, 'the classmates\' codes are still open');

  // audited: the family's answer as a change, each read with the student in it
  const entries = auditEntries();
  const change = entries.find((e) => e.action === 'change' && e.object === `person:${studentId}:connectivity`);
  assert.ok(change, 'the answer is audited');
  assert.equal(change.actor, 'family (survey code)');
  assert.deepEqual(subjectsOf(change), [String(studentId)]);
  for (const [rid, action] of [[s.headers.get('x-request-id'), 'read'], [list.headers.get('x-request-id'), 'list']]) {
    const e = entries.find((x) => x.request_id === rid);
    assert.ok(e, `the read ${rid} is audited`);
    assert.equal(e.action, action);
    assert.ok(subjectsOf(e).includes(String(studentId)), 'naming the student');
  }
});

test('a code is used once; an expired code and a wrong code are refused, naming the code', async () => {
  const fam = phone();
  const again = await fam.req('/api/v1/survey/answers', { method: 'POST', json: { code: firstCode, ...ANSWERS } });
  assert.equal(again.status, 410, again.text);
  assert.match(again.body.detail, /^code: .*used already/);
  assert.equal(await answersOf(studentId), answered, 'nothing recorded');

  // a new code for this student only, then its time runs out
  const r = await issue({ students: [studentId], days: 1 });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.codes.length, 1);
  const code = r.body.codes[0].code;
  assert.equal((await fam.req('/api/v1/survey/code', { method: 'POST', json: { code } })).status, 200);
  sqlShell(srv.db, `UPDATE survey_codes SET expires_ms = issued_ms - 1 WHERE user_id = ${studentId} AND used_ms = 0`);
  const late = await fam.req('/api/v1/survey/answers', { method: 'POST', json: { code, ...ANSWERS } });
  assert.equal(late.status, 410, late.text);
  assert.match(late.body.detail, /^code: this code expired on \d{4}-\d{2}-\d{2}/);

  const wrong = await fam.req('/api/v1/survey/answers', { method: 'POST', json: { code: 'AAAAA-BBBBB', ...ANSWERS } });
  assert.equal(wrong.status, 404, wrong.text);
  assert.match(wrong.body.detail, /^code: no such survey code/);
  const junk = await fam.req('/api/v1/survey/code', { method: 'POST', json: { code: 'not a code!' } });
  assert.equal(junk.status, 404, junk.text);
});

test('bad answers are refused naming the field, and the code stays usable', async () => {
  const r = await issue({ students: [otherId] });
  assert.equal(r.status, 201, r.text);
  const code = r.body.codes[0].code;
  const fam = phone();
  const cases = [
    [{ ...ANSWERS, barrier: undefined }, /^barrier: required/],
    [{ ...ANSWERS, internet_type: 'broadband' }, /^internet_adequate: required/],
    [{ ...ANSWERS, internet_type: 'broadband', internet_adequate: 'yes' }, /^barrier: only when internet_type is none/],
    [{ ...ANSWERS, device_type: 'pager' }, /^device_type: must be one of desktop, laptop/],
    [{ ...ANSWERS, device_type: 'none' }, /^device_provider: leave it out/],
    [{ ...ANSWERS, lang: 'fr' }, /^lang: must be one of en or es/],
    [{ ...ANSWERS, income: 12000 }, /^income: unknown field/],
    [{ ...ANSWERS, code: undefined }, /^code: required/],
  ];
  for (const [body, re] of cases) {
    const a = await fam.req('/api/v1/survey/answers', { method: 'POST', json: { code, ...body } });
    assert.equal(a.status, 400, `${JSON.stringify(body)}: ${a.text}`);
    assert.match(a.body.detail, re);
  }
  assert.equal((await fam.req('/api/v1/survey/code', { method: 'POST', json: { code } })).status, 200, 'still usable');
  const ok = await fam.req('/api/v1/survey/answers', { method: 'POST', json: {
    code, device_type: 'chromebook', device_provider: 'school', device_shared: 'not_shared',
    internet_type: 'broadband', internet_adequate: 'yes' } });
  assert.equal(ok.status, 201, ok.text);
  const s = await admin.req(`/api/v1/users/${otherId}/connectivity`);
  assert.equal(s.body.answers[0].adequate_connection, true);
  assert.equal(s.body.answers[0].dedicated_device, true);
  assert.equal(s.body.answers[0].answers.lang, 'en', 'English unless the family chose');
});

test('answers, referral notes and codes are not in the database in the clear', async () => {
  const note = 'Qualifies through SNAP, applying at the library on Tuesday';
  const ref = await admin.req(`/api/v1/users/${studentId}/referrals`, { method: 'POST', json: { programme: 'lifeline', note } });
  assert.equal(ref.status, 201, ref.text);
  const r = await issue({ students: [studentId] });
  const code = r.body.codes[0].code.replace('-', '');
  const dump = dumpDb(srv.db);
  assert.ok(dump.includes('survey_answers'), 'the dump has the answers table');
  for (const s of ['not_affordable', 'internet_type', 'smartphone', 'SNAP', note.slice(0, 20), code])
    assert.ok(!dump.includes(s), `'${s}' is not stored in the clear`);
  // and the sealed answer opens again for staff
  const s = await admin.req(`/api/v1/users/${studentId}/connectivity`);
  assert.equal(s.body.referrals[0].outcome, note);
});

test('a teacher, staff of another school and another family cannot read the answers; the child\'s guardian can', async () => {
  for (const [who, c] of [['teacher', teacher], ['counsellor of another school', counsellor], ['student', student]]) {
    const r = await c.req(`/api/v1/users/${studentId}/connectivity`);
    assert.equal(r.status, 404, `${who}: ${r.text}`);
    const l = await c.req(`/api/v1/schools/${schoolId}/connectivity`);
    assert.ok([403, 404].includes(l.status), `${who} lists: ${l.text}`);
    assert.ok(![200, 201].includes((await issue({ class_id: classId }, c)).status), `${who} cannot issue codes`);
    const w = await c.req(`/api/v1/users/${studentId}/connectivity`, { method: 'POST', json: { ...ANSWERS } });
    assert.ok([403, 404].includes(w.status), `${who} cannot record answers: ${w.text}`);
  }
  const mine = await guardian.req(`/api/v1/users/${studentId}/connectivity`);
  assert.equal(mine.status, 200, mine.text);
  assert.equal(mine.body.answers[0].answers.barrier, 'not_affordable');
  const other = await guardian.req(`/api/v1/users/${otherId}/connectivity`);
  assert.equal(other.status, 404, other.text);
  // guardians read; they do not write (the survey code is how a family answers)
  const w = await guardian.req(`/api/v1/users/${studentId}/connectivity`, { method: 'POST', json: { ...ANSWERS } });
  assert.equal(w.status, 403, w.text);
});

test('staff record answers on a family\'s behalf', async () => {
  const had = await answersOf(otherId);
  const r = await admin.req(`/api/v1/users/${otherId}/connectivity`, { method: 'POST', json: {
    device_type: 'none', internet_type: 'cellular', internet_adequate: 'no' } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.source, 'staff');
  assert.ok(r.body.entered_by > 0 || r.body.entered_by === undefined);
  const s = await admin.req(`/api/v1/users/${otherId}/connectivity`);
  assert.equal(s.body.answers.length, had + 1);
  assert.equal(s.body.answers[0].source, 'staff', 'newest first');
  assert.equal(s.body.answers[0].adequate_connection, false);
  const bad = await admin.req(`/api/v1/users/${otherId}/connectivity`, { method: 'POST', json: { ...ANSWERS, code: 'ABCDE-FGHJK' } });
  assert.equal(bad.status, 400, bad.text);
  assert.match(bad.body.detail, /^code: unknown field/);
});

test('a referral goes referred -> applied -> enrolled; other steps are refused; each is audited', async () => {
  const c = await admin.req(`/api/v1/users/${otherId}/referrals`, { method: 'POST', json: { programme: 'provider_plan', provider: 'Valley Cable Internet Assist' } });
  assert.equal(c.status, 201, c.text);
  assert.equal(c.body.status, 'referred');
  const id = c.body.id;
  const bad = await admin.req(`/api/v1/users/${otherId}/referrals`, { method: 'POST', json: { programme: 'acp' } });
  assert.equal(bad.status, 400);
  assert.match(bad.body.detail, /^programme: must be one of lifeline/);
  const skip = await admin.req(`/api/v1/referrals/${id}`, { method: 'PATCH', json: { status: 'enrolled' } });
  assert.equal(skip.status, 409, skip.text);
  assert.match(skip.body.detail, /^status: a referral that is referred cannot become enrolled/);
  const ap = await admin.req(`/api/v1/referrals/${id}`, { method: 'PATCH', json: { status: 'applied', note: 'applied online' } });
  assert.equal(ap.status, 200, ap.text);
  assert.equal(ap.body.status, 'applied');
  assert.equal(ap.body.outcome, 'applied online');
  const en = await admin.req(`/api/v1/referrals/${id}`, { method: 'PATCH', json: { status: 'enrolled', note: 'enrolled, $9.95 a month' } });
  assert.equal(en.status, 200, en.text);
  assert.equal(en.body.status, 'enrolled');
  const back = await admin.req(`/api/v1/referrals/${id}`, { method: 'PATCH', json: { status: 'declined' } });
  assert.equal(back.status, 409, back.text);
  const typo = await admin.req(`/api/v1/referrals/${id}`, { method: 'PATCH', json: { status: 'done' } });
  assert.equal(typo.status, 400);
  assert.match(typo.body.detail, /^status: must be one of referred, applied, enrolled or declined/);
  // a teacher cannot move it, and an unknown referral is not found
  assert.equal((await teacher.req(`/api/v1/referrals/${id}`, { method: 'PATCH', json: { status: 'declined' } })).status, 404);
  assert.equal((await admin.req('/api/v1/referrals/999999', { method: 'PATCH', json: { status: 'applied' } })).status, 404);
  // the school's list shows it with its status; the events are stored and audited
  const list = await admin.req(`/api/v1/schools/${schoolId}/connectivity`);
  assert.equal(list.body.referrals.find((x) => x.id === id).status, 'enrolled');
  assert.equal(sqlShell(srv.db, `SELECT COUNT(*) FROM internet_referral_events WHERE referral_id = ${id}`), '3');
  const changes = auditEntries().filter((e) => e.action === 'change' && e.object === `person:${otherId}:connectivity`);
  assert.ok(changes.some((e) => /referral \d+: applied -> enrolled/.test(e.detail)), 'the step is audited');
});

test('digital-literacy sessions: a school adds one and records who came', async () => {
  const s = await admin.req(`/api/v1/schools/${schoolId}/literacy-sessions`, { method: 'POST', json: {
    audience: 'families', topic: 'low_cost_internet', title: 'Signing up for low-cost internet', lang: 'es', date: '2026-12-10' } });
  assert.equal(s.status, 201, s.text);
  const id = s.body.id;
  const bad = await admin.req(`/api/v1/schools/${schoolId}/literacy-sessions`, { method: 'POST', json: {
    audience: 'parents', topic: 'online_safety', title: 'x', date: '2026-12-10' } });
  assert.equal(bad.status, 400);
  assert.match(bad.body.detail, /^audience: must be one of families, students or staff/);
  const badDate = await admin.req(`/api/v1/schools/${schoolId}/literacy-sessions`, { method: 'POST', json: {
    audience: 'staff', topic: 'online_safety', title: 'x', date: '2026-02-30' } });
  assert.equal(badDate.status, 400);
  assert.match(badDate.body.detail, /^date: must be a date/);

  const att = await admin.req(`/api/v1/literacy-sessions/${id}/attendance`, { method: 'PUT', json: { present: [guardianId, studentId], walk_ins: 4 } });
  assert.equal(att.status, 200, att.text);
  assert.equal(att.body.attendees, 2);
  // someone of another school only: refused, naming the entry
  const farId = Number(sqlShell(srv.db, `SELECT u.id FROM users u JOIN user_orgs o ON o.user_id = u.id WHERE u.role = 'teacher' AND o.org_id <> ${schoolId} AND NOT EXISTS (SELECT 1 FROM user_orgs p WHERE p.user_id = u.id AND p.org_id = ${schoolId}) LIMIT 1`));
  const far = await admin.req(`/api/v1/literacy-sessions/${id}/attendance`, { method: 'PUT', json: { present: [guardianId, farId] } });
  assert.equal(far.status, 400, far.text);
  assert.match(far.body.detail, /^present\[1\]: \d+ is nobody of this school/);

  const list = await admin.req(`/api/v1/schools/${schoolId}/literacy-sessions`);
  assert.equal(list.status, 200, list.text);
  const got = list.body.sessions.find((x) => x.id === id);
  assert.equal(got.walk_ins, 4, 'the refused change left it as it was');
  assert.deepEqual(got.attendees.map((a) => a.id).sort(), [guardianId, studentId].sort());
  assert.equal(got.date, '2026-12-10');
  // teachers neither add sessions nor read who came
  assert.ok([403, 404].includes((await teacher.req(`/api/v1/schools/${schoolId}/literacy-sessions`)).status));
  assert.ok([403, 404].includes((await teacher.req(`/api/v1/schools/${schoolId}/literacy-sessions`, { method: 'POST', json: {
    audience: 'staff', topic: 'online_safety', title: 'x', date: '2026-12-10' } })).status));
  // the list is audited with the student who came
  const e = auditEntries().find((x) => x.request_id === list.headers.get('x-request-id'));
  assert.ok(e && subjectsOf(e).includes(String(studentId)));
});

test('guessing codes is throttled like logging in', async () => {
  const fam = phone();
  let r;
  for (let i = 0; i < 10 * N + 1; i++) {
    r = await fam.req('/api/v1/survey/code', { method: 'POST', json: { code: `ZZZZZ-ZZZ${String(i % 10).replace(/[01]/, '2')}${i % 7 + 2}` } });
    if (r.status === 429) break;
  }
  assert.equal(r.status, 429, r.text);
  assert.ok(Number(r.headers.get('retry-after')) >= 1);
  assert.match(r.body.detail, /^code: too many codes tried/);
  // another address is not held up
  const other = await phone().req('/api/v1/survey/code', { method: 'POST', json: { code: 'ZZZZZ-ZZZZZ' } });
  assert.equal(other.status, 404);
});

test('the equity figures: by school and grade with small cells hidden, and the join with learning', async () => {
  const da = new Client(srv.url, '10.25.0.9');
  assert.equal((await da.login(srv.login('district_admin'))).status, 200);
  const districtId = (await da.req('/api/v1/me')).body.district.id;
  // a small group: leave three answers among the school's grade-4 students
  const g4 = sqlShell(srv.db, `SELECT DISTINCT a.user_id FROM survey_answers a JOIN users u ON u.id = a.user_id WHERE u.grades = '04' AND u.primary_org_id = ${schoolId} ORDER BY a.user_id`).split('\n').map(Number);
  assert.ok(g4.length > 3);
  sqlShell(srv.db, `DELETE FROM survey_answers WHERE user_id IN (${g4.slice(3).join(',')})`);

  const r = await da.req(`/api/v1/districts/${districtId}/equity?weeks=4`);
  assert.equal(r.status, 200, r.text);
  const v = r.body;
  assert.equal(v.min_cell, 10);
  const shown = (c) => !c.suppressed;
  const cells = [v.all, ...v.grades, ...v.schools, ...v.schools.flatMap((s) => s.grades)];
  for (const c of cells.filter(shown)) {
    assert.ok(c.surveyed >= 10, `a shown cell counts at least 10: ${JSON.stringify(c)}`);
    assert.ok(c.without_adequate_connection <= c.surveyed && c.share_without_adequate_connection <= 1);
  }
  for (const c of cells.filter((x) => !shown(x))) assert.deepEqual(Object.keys(c).sort(), ['grade', 'reason', 'suppressed'].filter((k) => k in c).sort(), 'a hidden cell tells nothing');
  const school = v.schools.find((s) => s.id === schoolId);
  const grade4 = school.grades.find((x) => x.grade === '04');
  assert.equal(grade4.reason, 'fewer_than_min', 'three students: hidden');
  assert.ok(school.grades.filter((x) => x.grade !== '04').some((x) => x.reason === 'complement'), 'and a complement, so the school total does not give it away');
  // the school's own list agrees with the district's figures
  const list = (await admin.req(`/api/v1/schools/${schoolId}/connectivity`)).body;
  if (shown(school)) {
    assert.equal(school.surveyed, list.summary.answered);
    assert.equal(school.without_adequate_connection, list.summary.without_adequate_connection);
    assert.equal(school.without_dedicated_device, list.summary.without_dedicated_device);
  }
  // the join with learning: each group's mean, the difference inside its 95% interval
  for (const k of ['answers_per_week', 'mastery_growth']) {
    const x = v.learning[k];
    assert.equal(typeof x.difference, 'number', `${k}: ${JSON.stringify(x)}`);
    assert.ok(x.ci95_low <= x.difference && x.difference <= x.ci95_high);
    assert.ok(Math.abs(x.mean_with_adequate - x.mean_without_adequate - x.difference) < 0.002);
  }
  // one aggregate entry in the record of access, naming no student
  const e = auditEntries().find((x) => x.request_id === r.headers.get('x-request-id'));
  assert.ok(e, 'the view is audited');
  assert.deepEqual(subjectsOf(e), []);

  // a school's administrator: their school, not another's, not the district's
  const own = await admin.req(`/api/v1/schools/${schoolId}/equity`);
  assert.equal(own.status, 200, own.text);
  assert.equal(own.body.grades.find((x) => x.grade === '04').reason, 'fewer_than_min');
  const otherSchool = v.schools.find((s) => s.id !== schoolId).id;
  assert.equal((await admin.req(`/api/v1/schools/${otherSchool}/equity`)).status, 404);
  assert.ok([403, 404].includes((await admin.req(`/api/v1/districts/${districtId}/equity`)).status));
  assert.equal((await teacher.req(`/api/v1/schools/${schoolId}/equity`)).status, 404);
  const bad = await da.req(`/api/v1/districts/${districtId}/equity?weeks=99`);
  assert.equal(bad.status, 400);
  assert.match(bad.body.detail, /^weeks: /);
});

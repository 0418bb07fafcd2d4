// The family view (issue 12): what a guardian sees of each of their children, over the
// HTTP API, on the demo district (whose guardian has two children, student 1 and a twin).
// The child practises here, so the recent practice the guardian sees is known exactly;
// another family's child is refused like a child that does not exist, and the refusal is
// audited; the record of access (FERPA 34 CFR 99.32) lists the reads this test made.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoServer, Client } from './lib/auth.mjs';
import { trellis, sqlShell, startServer } from './lib/trellis.mjs';

let srv, guardian, student, admin;
let kids; // the guardian's children, as GET /api/v1/children lists them
let childId, twinId, otherId; // the student login, their twin, a child of another family
const refs = { overview: [], admin: [] }; // request ids of the reads this test made
let practised = null; // the child's recent practice and week, as first read

const day = (ms) => new Date(ms).toISOString().slice(0, 10);

// The instance behind a token, with its accepted answers (the operator's view).
function instanceOf(token) {
  const [item, seed] = token.split('.');
  const r = trellis(['content', 'show', '--db', srv.db, '--seed', seed, item]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

before(async () => {
  srv = await demoServer({ TRELLIS_TRUST_PROXY: 'true' });
  guardian = new Client(srv.url, '10.13.0.1');
  assert.equal((await guardian.login(srv.login('guardian'))).status, 200);
  student = new Client(srv.url, '10.13.0.2');
  assert.equal((await student.login(srv.login('student'))).status, 200);
  admin = new Client(srv.url, '10.13.0.3');
  assert.equal((await admin.login(srv.login('district_admin'))).status, 200);
  childId = (await student.req('/api/v1/me')).body.id;
  // a child of another family: a classmate of the student, read as the district administrator
  const home = (await student.req('/api/v1/home')).body;
  const roster = (await admin.req(`/api/v1/classes/${home.classes[0].id}/students`)).body;
  const gHome = (await guardian.req('/api/v1/home')).body;
  const mine = new Set(gHome.children.map((c) => c.id));
  otherId = roster.students.find((s) => !mine.has(s.id)).id;
  twinId = [...mine].find((id) => id !== childId);
});
after(async () => { await srv?.cleanup(); });

test('a guardian sees each of their children: classes with their teachers, the school and whom to contact', async () => {
  const r = await guardian.req('/api/v1/children');
  assert.equal(r.status, 200, r.text);
  kids = r.body.children;
  assert.equal(kids.length, 2, 'the demo guardian has two children');
  assert.deepEqual(kids.map((k) => k.child.id).sort(), [childId, twinId].sort());
  const given = kids.map((k) => k.child.given_name);
  assert.deepEqual(given, [...given].sort((a, b) => a.localeCompare(b)), 'by given name');
  for (const k of kids) {
    // the same facts the district administrator reads
    const rec = (await admin.req(`/api/v1/users/${k.child.id}`)).body;
    assert.equal(k.child.school.id, rec.school.id);
    assert.equal(k.child.name.split(' ').at(-1), rec.name.split(' ').at(-1));
    assert.ok(!('email' in k.child) && !('phone' in k.child), 'no contact data of the child');
    assert.ok(k.classes.length >= 2, 'their classes');
    for (const c of k.classes) {
      assert.ok(c.title && c.teachers.length >= 1, `${c.title}: its teachers`);
      const cls = (await admin.req(`/api/v1/classes/${c.id}/students`)).body;
      assert.ok(cls.students.some((s) => s.id === k.child.id), `${c.title}: the child is in it`);
      for (const t of c.teachers) assert.ok(t.name.trim() && ['teacher', 'aide'].includes(t.role));
    }
    const school = k.schools.find((s) => s.id === k.child.school.id);
    assert.ok(school && school.name === k.child.school.name);
    assert.ok(school.contacts.length >= 1, 'whom to contact at the school');
    for (const p of school.contacts) assert.ok(['principal', 'administrator', 'siteAdministrator', 'counselor'].includes(p.role));
    // the list stays small for a phone: the skills themselves are in the child's overview
    assert.equal(k.skills, undefined);
    const full = (await guardian.req(`/api/v1/children/${k.child.id}/overview`)).body;
    assert.deepEqual({ ...full, skills: undefined }, { ...k, skills: undefined }, 'the same overview');
    assert.equal(k.summary.skills, full.skills.length);
    for (const st of ['mastered', 'in_progress', 'ready', 'locked'])
      assert.equal(k.summary[st], full.skills.filter((x) => x.status === st).length, st);
    assert.ok(k.working_on && k.working_on.skill, 'what the child works on next');
    const next = full.skills.find((x) => x.iri === k.working_on.skill);
    assert.equal(k.working_on.name, next.name);
    assert.equal(k.working_on.first, next.prerequisites.length === 0);
    assert.equal(k.working_on.text, undefined, "the reason's words speak to the child, not the family");
  }
  // what a phone loads first is compressed when the client accepts it (and plain otherwise)
  assert.equal(r.headers.get('content-encoding'), 'gzip');
  const plain = await guardian.req('/api/v1/children', { headers: { 'accept-encoding': 'identity' } });
  assert.equal(plain.headers.get('content-encoding'), null);
  assert.deepEqual(plain.body, r.body);
  // a person who is no one's guardian has no children
  const none = await student.req('/api/v1/children');
  assert.equal(none.status, 200);
  assert.deepEqual(none.body.children, []);
});

test('recent practice counts exactly the answers and hints the child gave, by day', async () => {
  // today: a wrong answer, a hint, then the right answer
  const n = (await student.req('/api/v1/practice/next')).body;
  const inst = instanceOf(n.instance);
  const step = n.step.id;
  const right = inst.steps.find((s) => s.id === step).answer.accepted[0];
  const body = (response) => ({ item: n.item, instance: n.instance, step, response });
  let r = await student.req('/api/v1/practice/attempts', { method: 'POST', json: body('not an answer at all') });
  assert.equal(r.body.correct, false, r.text);
  r = await student.req('/api/v1/practice/hints', { method: 'POST', json: { instance: n.instance, step } });
  assert.equal(r.status, 200, r.text);
  r = await student.req('/api/v1/practice/attempts', { method: 'POST', json: body(right) });
  assert.equal(r.body.correct, true, r.text);
  // three days ago, from the device's offline queue: one answer
  const ahead = (await student.req('/api/v1/practice/next?ahead=1')).body.ahead[0];
  const then = Date.now() - 3 * 86400e3;
  r = await student.req('/api/v1/practice/attempts', { method: 'POST', json: {
    id: crypto.randomUUID(), item: ahead.item, instance: ahead.instance, step: ahead.step.id,
    response: 'offline', timestamp: new Date(then).toISOString(), attempt: 1, hints: 0, duration_ms: 5000 } });
  assert.equal(r.status, 200, r.text);

  r = await guardian.req(`/api/v1/children/${childId}/overview`);
  assert.equal(r.status, 200, r.text);
  refs.overview.push(r.headers.get('x-request-id'));
  const o = r.body;
  assert.equal(o.last_practice, day(Date.now()));
  assert.deepEqual(o.recent.map((d) => d.date), [day(Date.now()), day(then)], 'newest day first');
  const [today, earlier] = o.recent;
  assert.deepEqual([today.answers, today.correct, today.hints], [2, 1, 1]);
  assert.deepEqual(today.skills.map((s) => [s.iri, s.answers, s.correct, s.hints]), [[n.skill.iri, 2, 1, 1]]);
  assert.equal(today.skills[0].name, n.skill.name);
  assert.deepEqual([earlier.answers, earlier.correct, earlier.hints], [1, 0, 0]);
  assert.equal(earlier.skills[0].iri, ahead.skill.iri);
  assert.deepEqual([o.week.days, o.week.answers, o.week.correct, o.week.hints], [2, 3, 1, 1]);
  // the progress is the child's own: the same skills and the same next step
  const own = (await student.req('/api/v1/practice/progress')).body;
  assert.deepEqual(o.skills.map((s) => [s.iri, s.status, s.answers]), own.skills.map((s) => [s.iri, s.status, s.answers]));
  assert.equal(o.working_on.skill, own.working_on.skill);
  assert.equal(o.working_on.code, own.working_on.code);
  practised = { recent: o.recent, week: o.week };
  // the days are the learner model's: rebuilt from the statements, they are the same
  const rb = trellis(['model', 'rebuild', '--db', srv.db]);
  assert.equal(rb.status, 0, rb.stderr);
  const again = (await guardian.req(`/api/v1/children/${childId}/overview`)).body;
  assert.deepEqual([again.recent, again.week], [o.recent, o.week]);
  // the twin has not practised
  const twin = (await guardian.req(`/api/v1/children/${twinId}/overview`)).body;
  assert.deepEqual(twin.recent, []);
  assert.equal(twin.last_practice, null);
  assert.equal(twin.week.answers, 0);
  // in Spanish, the skill names are Spanish
  const es = (await guardian.req(`/api/v1/children/${childId}/overview?lang=es`)).body;
  assert.notEqual(es.recent[0].skills[0].name, today.skills[0].name);
  assert.equal(es.recent[0].skills[0].iri, today.skills[0].iri);
});

test("another family's child is refused exactly like a child that does not exist", async () => {
  const paths = (id) => [`/api/v1/children/${id}/overview`, `/api/v1/children/${id}/access-log`];
  for (const [mine, none] of paths(otherId).map((p, i) => [p, paths(999999)[i]])) {
    const a = await guardian.req(mine);
    const b = await guardian.req(none);
    assert.equal(a.status, 404, `${mine}: ${a.text}`);
    assert.equal(b.status, 404, `${none}: ${b.text}`);
    assert.equal(a.body.detail, b.body.detail, 'the same answer: nothing says the child exists');
    const rec = (await admin.req(`/api/v1/users/${otherId}`)).body;
    assert.ok(!a.text.includes(rec.name.split(' ')[0]), 'nothing of the record');
  }
  for (const bad of ['abc', '0', '-1', '1e3']) {
    const r = await guardian.req(`/api/v1/children/${bad}/overview`);
    assert.equal(r.status, 404, `${bad}: ${r.text}`);
  }
  // not logged in
  const anon = new Client(srv.url, '10.13.0.9');
  assert.equal((await anon.req(`/api/v1/children/${childId}/overview`)).status, 401);
  assert.equal((await anon.req('/api/v1/children')).status, 401);
});

test('the record of access lists the reads this test made, newest first, page by page', async () => {
  // the district administrator reads the child's record and mastery
  for (const p of [`/api/v1/users/${childId}`, `/api/v1/users/${childId}/mastery`]) {
    const r = await admin.req(p);
    assert.equal(r.status, 200, r.text);
    refs.admin.push(r.headers.get('x-request-id'));
  }
  let r = await guardian.req(`/api/v1/children/${childId}/access-log?limit=200`);
  assert.equal(r.status, 200, r.text);
  const all = r.body.entries;
  assert.equal(r.body.before, null, 'one page holds them all');
  const ids = all.map((e) => e.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');
  for (const [ref, what] of [[refs.admin[0], ['record']], [refs.admin[1], ['progress']]]) {
    const e = all.find((x) => x.ref === ref);
    assert.ok(e, `the administrator's read ${ref} is listed`);
    assert.equal(e.who.role, 'district_admin');
    assert.equal(e.who.you, false);
    assert.equal(e.who.name, (await admin.req('/api/v1/me')).body.name);
    assert.deepEqual(e.what, what);
    assert.equal(e.outcome, 'ok');
  }
  const mine = all.find((x) => x.ref === refs.overview[0]);
  assert.ok(mine, "the guardian's own overview is listed");
  assert.equal(mine.who.you, true);
  assert.equal(mine.who.role, 'guardian');
  assert.ok(mine.what.includes('record') && mine.what.includes('progress'));
  assert.equal(mine.purpose, 'family overview');
  const twinLog = (await guardian.req(`/api/v1/children/${twinId}/access-log`)).body.entries;
  assert.ok(!twinLog.some((e) => refs.admin.includes(e.ref)), "the twin's record does not list their sibling's reads");
  // page by page, one entry at a time: the same visits (the log's own reads add entries on top)
  const paged = [];
  let before = 0;
  for (let i = 0; i < 200; i++) {
    r = await guardian.req(`/api/v1/children/${childId}/access-log?limit=1${before ? `&before=${before}` : ''}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.entries.length, 1, 'one visit a page');
    paged.push(...r.body.entries);
    if (r.body.before === null) break;
    assert.ok(!before || r.body.before < before, 'the cursor moves down');
    before = r.body.before;
  }
  const first = all[0].id;
  // whole visits: never one split over two pages
  assert.deepEqual(paged.filter((e) => e.id <= first).map((e) => [e.ref, e.what]), all.map((e) => [e.ref, e.what]));
  // the log's own reads are audited: the first page read above is now in it
  const now = (await guardian.req(`/api/v1/children/${childId}/access-log?limit=5`)).body.entries;
  const last = r.headers.get('x-request-id');
  assert.ok(now.some((e) => e.ref === last && e.what.includes('access_log') && e.who.you), 'reading the record of access is recorded');
  // bad input names the field and changes nothing
  for (const [q, field] of [['limit=0', 'limit'], ['limit=201', 'limit'], ['limit=x', 'limit'], ['before=-1', 'before'], ['before=x', 'before']]) {
    const b = await guardian.req(`/api/v1/children/${childId}/access-log?${q}`);
    assert.equal(b.status, 400, `${q}: ${b.text}`);
    assert.match(b.body.detail, new RegExp(`^${field}:`));
  }
});

test('the refusals and every read are in the audit log', async () => {
  await srv.stop('SIGTERM'); // coalesced refusals are written when the server stops
  const r = trellis(['audit', 'show', '--db', srv.db, '--json', '--limit', '100000']);
  assert.equal(r.status, 0, r.stderr);
  const entries = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const gid = entries.find((e) => e.request_id === refs.overview[0]).actor_id;
  const denied = entries.filter((e) => e.action === 'denied' && e.actor_id === gid);
  assert.ok(denied.length > 0, "the guardian's refusals are audited");
  const said = denied.map((e) => e.detail).join(' ');
  for (const x of [`read:person:${otherId}`, `read:audit:${otherId}`, 'read:person:999999'])
    assert.ok(said.split(/\s+/).includes(x), `the refusals name ${x}: ${said}`);
  const ov = entries.filter((e) => e.request_id === refs.overview[0] && e.outcome === 'ok');
  assert.ok(ov.length >= 2, 'the overview is audited, one entry per kind of record');
  for (const e of ov) assert.ok(String(e.subjects).split(',').map(Number).includes(childId));
});

test('a database from before model_days counts the practice already stored once upgraded', async () => {
  // the server was stopped above: take the database back to before migration 0022
  sqlShell(srv.db, 'DROP TABLE model_days');
  sqlShell(srv.db, 'DELETE FROM schema_migrations WHERE version = 22');
  const up = await startServer({ dir: srv.dir, db: srv.db, init: false, env: { TRELLIS_TRUST_PROXY: 'true' } });
  try {
    const g = new Client(up.url, '10.13.0.20');
    assert.equal((await g.login(srv.login('guardian'))).status, 200);
    const o = (await g.req(`/api/v1/children/${childId}/overview`)).body;
    assert.deepEqual([o.recent, o.week], [practised.recent, practised.week], 'the same days as before the upgrade');
  } finally {
    await up.stop();
  }
});

// The access matrix, generated from the gate's own policy table (issue 10, section 2):
// every role and API-client scope x every relationship to a record x every route that
// returns student data, run end to end against the demo district.
//
// `trellis access policy --json` prints the table (who x relationship x resource ->
// actions) and the routes with the resource and action each discloses. The facts the
// relationships rest on (who teaches whom today, whose guardian, which school) are read
// here through the API as the district administrator, independently of the gate. For each
// principal and target the expected answer is the union of the table's rules that apply;
// the server must answer 200 exactly when the route's action is in it, and anything else
// must be a refusal (401/403/404) that shows nothing of the record. Every allowed read of
// a student record must have its audit entry (by request id), and the refusals are
// audited too, coalesced per principal and minute.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { demoServer, Client } from './lib/auth.mjs';
import { request, trellis } from './lib/trellis.mjs';

const V = { 'X-Experience-API-Version': '2.0.0' };
const basic = (c) => 'Basic ' + Buffer.from(`${c.key}:${c.secret}`).toString('base64');
const SCOPES = ['roster/read', 'roster/write', 'statements/write', 'statements/read',
  'statements/read/mine', 'state', 'profile', 'all'];

let srv, policy;
const principals = []; // { name, who: Set, user?: {id, schools}, client?, call(path, headers) }
const facts = { student: new Map(), school: new Map(), teaches: new Map(), guardian: new Map(),
  classSchool: new Map(), enrolled: new Map(), classStudents: new Map(), skill: 0 };
const targets = []; // { label, kind: 'person'|'class'|'school'|'district', id, student?, statement?, name? }
const allowedReads = []; // request ids of 200 answers that disclosed a student record
const ownReads = []; // request ids of a person reading their own record (no disclosure)

function who(roles, scopes) {
  const s = new Set();
  for (const r of roles || []) s.add(r);
  if (roles) s.add('person');
  if (scopes) {
    s.add('client');
    for (const sc of scopes) {
      if (sc === 'all') for (const x of ['statements/write', 'statements/read', 'state', 'profile']) s.add('client:' + x);
      else s.add('client:' + sc);
    }
    if (s.has('client:statements/read')) s.delete('client:statements/read/mine');
  }
  return s;
}

// The relationships that hold between principal p and target t, from the facts.
function relationships(p, t) {
  const rel = new Set(['district']);
  if (!p.user) { if (p.client) rel.add('own_client_never'); return rel; }
  const me = p.user.id;
  if (t.kind === 'person') {
    if (t.id === me) rel.add('self');
    if ((facts.teaches.get(me) || new Set()).has(t.id)) rel.add('teaches');
    if ((facts.guardian.get(me) || new Set()).has(t.id)) rel.add('guardian');
    if (p.user.schools.has(facts.school.get(t.id))) rel.add('school');
  } else if (t.kind === 'class') {
    if ((facts.teachesClass?.get(me) || new Set()).has(t.id)) rel.add('teaches');
    if ((facts.enrolled.get(me) || new Set()).has(t.id)) rel.add('enrolled');
    if (p.user.schools.has(facts.classSchool.get(t.id))) rel.add('school');
  } else if (t.kind === 'school') {
    if (p.user.schools.has(t.id)) rel.add('school');
  }
  return rel;
}

function allows(p, t, resource, action) {
  const rel = relationships(p, t);
  const student = t.kind === 'person' ? facts.student.get(t.id) === true : false;
  const allowed = new Set();
  for (const r of policy.rules) {
    if (r.resource !== resource || !p.who.has(r.who) || !rel.has(r.relationship)) continue;
    if (r.students_only && !student) continue;
    if (r.not_admins && t.admin) continue;
    // a school role holds at the record's school only for that role's own schools
    const school = t.kind === 'person' ? facts.school.get(t.id) : t.kind === 'school' ? t.id : facts.classSchool.get(t.id);
    if (r.relationship === 'school' && p.user && !p.user.roleSchools(r.who).has(school)) continue;
    for (const a of r.actions) allowed.add(a);
  }
  return allowed.has(action);
}

// A route that discloses several kinds of record (listed once for each) answers only when all are allowed.
function expected(p, t, route) {
  return route.needs.every((n) => allows(p, t, n.resource, n.action));
}

// The policy's routes, one per method and path, with every (resource, action) each discloses.
function routesOf(list) {
  const m = new Map();
  for (const r of list) {
    const k = `${r.method} ${r.path}`;
    if (!m.has(k)) m.set(k, { method: r.method, path: r.path, needs: [] });
    m.get(k).needs.push({ resource: r.resource, action: r.action });
  }
  return [...m.values()].map((r) => ({ ...r, resource: r.needs.map((n) => n.resource).join('+'),
    action: r.needs.map((n) => n.action).join('+') }));
}

function pathFor(route, t) {
  switch (route.path) {
    case '/api/v1/users/{id}': return t.kind === 'person' ? `/api/v1/users/${t.id}` : null;
    case '/api/v1/users/{id}/mastery': return t.kind === 'person' ? `/api/v1/users/${t.id}/mastery` : null;
    case '/api/v1/classes/{id}/students': return t.kind === 'class' ? `/api/v1/classes/${t.id}/students` : null;
    case '/api/v1/classes/{id}/cards': return t.kind === 'class' ? `/api/v1/classes/${t.id}/cards` : null;
    case '/api/v1/classes/{id}/mastery': return t.kind === 'class' ? `/api/v1/classes/${t.id}/mastery` : null;
    case '/api/v1/classes/{id}/mastery.csv': return t.kind === 'class' ? `/api/v1/classes/${t.id}/mastery.csv` : null;
    case '/api/v1/classes/{id}/students/{student}/activity':
      return t.kind === 'class' ? `/api/v1/classes/${t.id}/students/${facts.classStudents.get(t.id)[0]}/activity` : null;
    case '/api/v1/classes/{id}/skills/{skill}': return t.kind === 'class' ? `/api/v1/classes/${t.id}/skills/${facts.skill}` : null;
    case '/api/v1/classes/{id}/assignments': return t.kind === 'class' ? `/api/v1/classes/${t.id}/assignments` : null;
    case '/api/v1/users/{id}/audit': return t.kind === 'person' ? `/api/v1/users/${t.id}/audit` : null;
    case '/api/v1/districts/{id}/people': return t.kind === 'district' ? `/api/v1/districts/${t.id}/people` : null;
    case '/api/v1/schools/{id}/people': return t.kind === 'school' ? `/api/v1/schools/${t.id}/people` : null;
    case '/xapi/statements': return t.statement ? `/xapi/statements?statementId=${t.statement}` : null;
    case '/xapi/activities/state': return t.state ? t.state : null;
    case '/api/v1/schools/{id}/overview': return t.kind === 'school' ? `/api/v1/schools/${t.id}/overview?weeks=2` : null;
    case '/api/v1/districts/{id}/overview': return t.kind === 'district' ? `/api/v1/districts/${t.id}/overview?weeks=2` : null;
    case '/api/v1/children/{id}/overview': return t.kind === 'person' ? `/api/v1/children/${t.id}/overview` : null;
    case '/api/v1/children/{id}/access-log': return t.kind === 'person' ? `/api/v1/children/${t.id}/access-log` : null;
    case '/api/v1/children': return null; // the caller's own children: its own test below
    case '/api/v1/users/{id}/connectivity': return t.kind === 'person' ? `/api/v1/users/${t.id}/connectivity` : null;
    case '/api/v1/schools/{id}/connectivity': return t.kind === 'school' ? `/api/v1/schools/${t.id}/connectivity` : null;
    case '/api/v1/schools/{id}/literacy-sessions': return t.kind === 'school' ? `/api/v1/schools/${t.id}/literacy-sessions` : null;
    case '/api/v1/schools/{id}/equity': return t.kind === 'school' ? `/api/v1/schools/${t.id}/equity` : null;
    case '/api/v1/districts/{id}/equity': return t.kind === 'district' ? `/api/v1/districts/${t.id}/equity` : null;
    case '/api/v1/schools/{id}/equity.csv': return t.kind === 'school' ? `/api/v1/schools/${t.id}/equity.csv` : null;
    case '/api/v1/districts/{id}/equity.csv': return t.kind === 'district' ? `/api/v1/districts/${t.id}/equity.csv` : null;
    // devices (issue 13): the district's inventory (a district target) or a school's (?school=)
    case '/api/v1/districts/{id}/devices':
      if (t.kind === 'district') return `/api/v1/districts/${t.id}/devices`;
      return t.kind === 'school' ? `/api/v1/districts/${targets.find((x) => x.kind === 'district').id}/devices?school=${t.id}` : null;
    case '/api/v1/classes/{id}/devices': return t.kind === 'class' ? `/api/v1/classes/${t.id}/devices` : null;
    case '/api/v1/users/{id}/devices': return t.kind === 'person' ? `/api/v1/users/${t.id}/devices` : null;
    case '/api/v1/devices/{id}': return null; // one device: tests/e2e/devices.test.mjs
    default: return undefined;
  }
}

before(async () => {
  srv = await demoServer({ TRELLIS_TRUST_PROXY: 'true' });
  const r = trellis(['access', 'policy', '--json']);
  assert.equal(r.status, 0, r.stderr);
  policy = JSON.parse(r.stdout);
  policy.routes = routesOf(policy.routes);

  // the people, logged in
  const da = new Client(srv.url, '10.7.0.1');
  assert.equal((await da.login(srv.login('district_admin'))).status, 200);
  let n = 2;
  for (const l of srv.logins) {
    const c = new Client(srv.url, `10.7.0.${n++}`);
    const res = await c.login(l);
    assert.equal(res.status, 200, `${l.role} ${l.username}: ${res.text}`);
    const me = (await c.req('/api/v1/me')).body;
    const grants = new Map(); // role -> schools where it holds
    for (const s of me.schools || []) for (const role of s.roles || [me.roles[0]]) {
      if (!grants.has(role)) grants.set(role, new Set());
      grants.get(role).add(s.id);
    }
    const schools = new Set((me.schools || []).map((s) => s.id));
    principals.push({
      name: `${l.role} ${l.username}`, who: who(me.roles), call: (path, h = {}) => c.req(path, { headers: h }),
      user: { id: me.id, schools, roleSchools: (role) => (grants.get(role) || schools) },
    });
  }
  // API clients, one per scope
  for (const sc of SCOPES) {
    const out = trellis(['admin', 'add-client', '--db', srv.db, '--name', `matrix ${sc}`, '--scope', sc]);
    assert.equal(out.status, 0, out.stderr);
    const cred = JSON.parse(out.stdout);
    principals.push({
      name: `client ${sc}`, who: who(null, [sc]), client: cred,
      call: (path, h = {}) => request(srv.url, path, { headers: { ...h, authorization: basic(cred) } }),
    });
  }

  // the facts, read as the district administrator
  const people = new Map();
  const person = async (id) => {
    if (!people.has(id)) {
      const p = (await da.req(`/api/v1/users/${id}`)).body;
      people.set(id, p);
      facts.student.set(id, p.role === 'student');
      facts.school.set(id, p.school.id);
    }
    return people.get(id);
  };
  facts.teachesClass = new Map();
  const classes = new Set();
  for (const p of principals.filter((x) => x.user)) {
    const home = (await p.call('/api/v1/home')).body || {};
    await person(p.user.id);
    const taught = new Set(), classIds = new Set();
    if (p.who.has('teacher')) {
      for (const cl of home.classes || []) {
        classIds.add(cl.id);
        classes.add(cl.id);
        const roster = (await da.req(`/api/v1/classes/${cl.id}/students`)).body;
        facts.classSchool.set(cl.id, roster.class.school.id);
        for (const s of roster.students) taught.add(s.id);
      }
      facts.teaches.set(p.user.id, taught);
      facts.teachesClass.set(p.user.id, classIds);
    } else if (p.who.has('student')) {
      const mine = new Set();
      for (const cl of home.classes || []) { mine.add(cl.id); classes.add(cl.id); }
      facts.enrolled.set(p.user.id, mine);
    }
    if (p.who.has('guardian')) facts.guardian.set(p.user.id, new Set((home.children || []).map((c) => c.id)));
  }
  for (const id of classes) {
    const roster = (await da.req(`/api/v1/classes/${id}/students`)).body;
    facts.classSchool.set(id, roster.class.school.id);
    facts.classStudents.set(id, roster.students.map((x) => x.id));
    for (const s of roster.students) await person(s.id);
  }

  // the targets: each relationship held by someone, and none
  const users = principals.filter((x) => x.user);
  const byRole = (role) => users.find((x) => x.who.has(role));
  const teacher = byRole('teacher'), student = byRole('student'), guardian = byRole('guardian');
  const taught = [...facts.teaches.get(teacher.user.id)];
  const child = [...(facts.guardian.get(guardian.user.id) || [])][0];
  const allTaught = new Set(users.filter((x) => x.who.has('teacher')).flatMap((x) => [...facts.teaches.get(x.user.id)]));
  const schools = new Set([...facts.school.values()]);
  const teacherSchool = facts.school.get(teacher.user.id);
  const otherSchoolStudent = [...people.values()].find((p) => p.role === 'student' && p.school.id !== teacherSchool);
  const sameSchoolUntaught = [...people.values()].find((p) => p.role === 'student' && p.school.id === teacherSchool && !facts.teaches.get(teacher.user.id).has(p.id));
  const add = (label, id) => { if (id && !targets.some((t) => t.kind === 'person' && t.id === id)) targets.push({ label, kind: 'person', id, name: people.get(id)?.name }); };
  add('the student login', student.user.id);
  add("the teacher's student", taught[0]);
  add("the guardian's child", child);
  add('a student at another school', otherSchoolStudent?.id);
  add("a student of the teacher's school the teacher does not teach", sameSchoolUntaught?.id);
  add('a teacher', teacher.user.id);
  add('the guardian', guardian.user.id);
  assert.ok(schools.size >= 2 && otherSchoolStudent && allTaught.size > 0, 'the demo has the relationships the matrix needs');
  const teacherClass = [...facts.teachesClass.get(teacher.user.id)][0];
  const otherClass = [...classes].find((c) => facts.classSchool.get(c) !== teacherSchool);
  targets.push({ label: "the teacher's class", kind: 'class', id: teacherClass });
  if (otherClass) targets.push({ label: 'a class at another school', kind: 'class', id: otherClass });
  for (const c of facts.enrolled.get(student.user.id) || []) {
    if (!targets.some((t) => t.kind === 'class' && t.id === c)) targets.push({ label: "the student's class", kind: 'class', id: c });
    break;
  }
  // the district and two schools, whose people's logins administrators manage
  const daMe = (await da.req('/api/v1/me')).body;
  targets.push({ label: 'the district', kind: 'district', id: daMe.district.id });
  const schoolNames = new Map((await da.req('/api/v1/home')).body.schools.map((s) => [s.id, s.name]));
  targets.push({ label: "the teacher's school", kind: 'school', id: teacherSchool, name: schoolNames.get(teacherSchool) });
  const otherSchool = [...schools].find((s) => s !== teacherSchool && schoolNames.has(s));
  if (otherSchool) targets.push({ label: 'another school', kind: 'school', id: otherSchool, name: schoolNames.get(otherSchool) });

  // a learning record and a State document about each person target, written by a client
  const writer = JSON.parse(trellis(['admin', 'add-client', '--db', srv.db, '--name', 'writer',
    '--scope', 'statements/write', '--scope', 'state']).stdout);
  for (const t of targets.filter((x) => x.kind === 'person')) {
    const p = people.get(t.id);
    t.statement = randomUUID();
    const actor = { objectType: 'Agent', account: { homePage: srv.url, name: p.sourced_id } };
    const w = await request(srv.url, '/xapi/statements', {
      method: 'POST', headers: { ...V, authorization: basic(writer) },
      json: { id: t.statement, actor, verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
        object: { id: 'http://example.org/items/matrix' }, result: { success: true } },
    });
    assert.equal(w.status, 200, w.text);
    const q = `activityId=${encodeURIComponent('http://example.org/items/matrix')}&agent=${encodeURIComponent(JSON.stringify(actor))}&stateId=progress`;
    const s = await request(srv.url, `/xapi/activities/state?${q}`, {
      method: 'PUT', headers: { ...V, authorization: basic(writer), 'content-type': 'application/json' },
      body: JSON.stringify({ step: 3 }),
    });
    assert.equal(s.status, 204, s.text);
    t.state = `/xapi/activities/state?${q}`;
  }
  // a skill of the learner model (the statements above made one), for the teacher views
  const view = await da.req(`/api/v1/classes/${teacherClass}/mastery`);
  assert.equal(view.status, 200, view.text);
  facts.skill = view.body.skills[0].id;
});

after(async () => { await srv?.cleanup(); });

test('every route that returns student data is in the matrix', () => {
  assert.ok(policy.routes.length >= 8);
  for (const r of policy.routes) assert.notEqual(pathFor(r, { kind: 'person', id: 1, statement: 'x', state: 'x' }), undefined, `${r.method} ${r.path}: no case in the matrix`);
});

test('the server answers exactly as the policy table says, for every role and scope', async () => {
  const wrong = [];
  let cases = 0, allowed = 0;
  const seen = new Map(); // path -> [allowed, refused]
  for (const route of policy.routes) {
    for (const t of targets) {
      const path = pathFor(route, t);
      if (!path) continue;
      for (const p of principals) {
        const want = expected(p, t, route);
        const r = await p.call(path, route.path.startsWith('/xapi/') ? V : {});
        cases++;
        const got = r.status === 200;
        if (!seen.has(route.path)) seen.set(route.path, [0, 0]);
        seen.get(route.path)[got ? 0 : 1]++;
        if (got !== want) {
          wrong.push(`${p.name} ${route.action} ${route.resource} (${t.label}, ${path}): got ${r.status}, want ${want ? 200 : 'a refusal'} ${r.text.slice(0, 120)}`);
          continue;
        }
        if (got) {
          allowed++;
          const self = p.user && t.kind === 'person' && p.user.id === t.id;
          if (self) ownReads.push({ id: r.headers.get('x-request-id'), who: p.name, path });
          else if (t.kind === 'person' && facts.student.get(t.id) || t.kind === 'class') allowedReads.push({ id: r.headers.get('x-request-id'), who: p.name, path });
          else if (route.path.endsWith('/overview')) allowedReads.push({ id: r.headers.get('x-request-id'), who: p.name, path });
          else if (t.kind === 'district' || t.kind === 'school') {
            // the people listed: the students among them are named in the entry
            const students = (r.body?.people || []).filter((x) => x.role === 'student').map((x) => x.id);
            if (students.length) allowedReads.push({ id: r.headers.get('x-request-id'), who: p.name, path, subjects: students });
          }
        } else {
          assert.ok([401, 403, 404].includes(r.status), `${p.name} ${path}: a refusal is 401, 403 or 404, got ${r.status}`);
          if (t.name) assert.ok(!r.text.includes(t.name), `${p.name} ${path}: a refusal shows nothing of the record`);
        }
      }
    }
  }
  assert.deepEqual(wrong, [], `${wrong.length} of ${cases} answers differ from the table`);
  for (const [path, [yes, no]] of seen) assert.ok(yes > 0 && no > 0, `${path}: ${yes} answered and ${no} refused`);
  assert.ok(allowed > 20 && cases - allowed > 100, `the matrix allows ${allowed} and refuses ${cases - allowed} of ${cases}`);
});

test("a guardian's home page is a disclosure of each child's record", async () => {
  const g = principals.find((x) => x.who.has('guardian'));
  const r = await g.call('/api/v1/home');
  assert.equal(r.status, 200);
  assert.ok(r.body.children.length >= 1);
  allowedReads.push({ id: r.headers.get('x-request-id'), who: g.name, path: '/api/v1/home',
    subjects: r.body.children.map((c) => c.id) });
});

test("GET /api/v1/children lists exactly a guardian's own children, and nobody else's", async () => {
  let guardians = 0;
  for (const p of principals) {
    const r = await p.call('/api/v1/children');
    if (!p.user) {
      assert.ok(r.status !== 200 || r.body.children.length === 0, `${p.name}: an API client has no children`);
      continue;
    }
    assert.equal(r.status, 200, `${p.name}: ${r.text.slice(0, 120)}`);
    const want = [...(facts.guardian.get(p.user.id) || [])].sort((a, b) => a - b);
    const got = r.body.children.map((c) => c.child.id).sort((a, b) => a - b);
    assert.deepEqual(got, want, `${p.name}: the children listed are theirs`);
    if (want.length) {
      guardians++;
      allowedReads.push({ id: r.headers.get('x-request-id'), who: p.name, path: '/api/v1/children', subjects: want });
    }
  }
  assert.ok(guardians > 0, 'a guardian with children is in the matrix');
});

test('every allowed read of a student record has its audit entry; refusals are audited too', async () => {
  await srv.stop('SIGTERM'); // the coalesced refusals are written when the server stops
  const r = trellis(['audit', 'show', '--db', srv.db, '--json', '--limit', '100000']);
  assert.equal(r.status, 0, r.stderr);
  const entries = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const byReq = new Set(entries.filter((e) => e.outcome === 'ok').map((e) => e.request_id));
  const missing = allowedReads.filter((a) => !byReq.has(a.id));
  assert.deepEqual(missing, [], 'every disclosure is in the record of access');
  // a person's own record shown to them is no disclosure (34 CFR 99.32(d)(1)): no entry
  assert.ok(ownReads.length > 0);
  const own = ownReads.filter((a) => entries.some((e) => e.request_id === a.id && e.outcome === 'ok'));
  assert.deepEqual(own, [], 'a person reading their own record leaves no disclosure entry');
  for (const a of allowedReads.filter((x) => x.subjects)) {
    const named = new Set(entries.filter((e) => e.request_id === a.id).flatMap((e) => e.subjects.split(',').map(Number)));
    for (const id of a.subjects) assert.ok(named.has(id), `${a.path}: the entry names student ${id}`);
  }
  const denied = entries.filter((e) => e.action === 'denied');
  assert.ok(denied.length > 0, 'refusals are in the audit log');
  const clientDenials = denied.filter((e) => e.actor_kind === 'client');
  assert.ok(clientDenials.length > 0 && /refused in the minute/.test(clientDenials[0].detail), 'a client\'s refusals are counted');
});

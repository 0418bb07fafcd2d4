// Administration in the browser's API (docs/API.md "Administration"): everything the command
// line does for a district's staff. Each action works for the right role, is refused for the
// wrong one (a school administrator never touches an administrator's login, a teacher touches
// nothing, another district's administrator gets 404), writes its audit entry (read back with
// `trellis audit show`, by request id), and bad input names the field and changes nothing.
// Roster uploads: the report, or every error as file:line:column with nothing imported.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { request, trellis, sqlShell } from './lib/trellis.mjs';
import { demoServer, Client, nextTotp, totpAt } from './lib/auth.mjs';

const FORWARD_SECRET = 'topsecret-forwarding-9f3a';
let srv, district, da, sa, teacher, counsellor, other, work;
let addr = 1;
const client = () => new Client(srv.url, `10.8.0.${addr++}`);
const basic = (c) => 'Basic ' + Buffer.from(`${c.key}:${c.secret}`).toString('base64');

// Every audit entry of the database (the CLI reads it; the server keeps running).
function auditEntries(sid = srv.districtSid) {
  const r = trellis(['audit', 'show', '--db', srv.db, '--json', '--limit', '100000', '--district', sid]);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}
function entryOf(res) {
  const id = res.headers.get('x-request-id');
  return auditEntries().filter((e) => e.request_id === id);
}

// One person of the district, found as the district administrator.
async function find(q) {
  const r = await da.req(`/api/v1/districts/${district}/people?limit=100&q=${encodeURIComponent(q)}`);
  assert.equal(r.status, 200, r.text);
  return r.body.people;
}
async function one(q) {
  const p = (await find(q)).filter((x) => x.username === q || x.sourced_id === q);
  assert.equal(p.length, 1, `one person '${q}'`);
  return p[0];
}
const hashOf = (accountId) => sqlShell(srv.db, `SELECT password_hash FROM accounts WHERE id = ${accountId}`);

// Make the session of login l look 20 minutes old for its second factor.
function staleMfa(l) {
  sqlShell(srv.db, `UPDATE sessions SET mfa_at = mfa_at - 1200000 WHERE ended_at IS NULL AND account_id = (SELECT id FROM accounts WHERE login = '${l.username.toLowerCase()}')`);
}

function makeZip(path, files) {
  const r = spawnSync('python3', ['-c', `import sys, json, zipfile
z = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED)
for name, text in json.loads(sys.stdin.read()).items():
    z.writestr(name, text)
z.close()`, path], { input: JSON.stringify(files), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return readFileSync(path);
}
const USERS12 = 'sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns';
const ROLES = 'sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId';
const MANIFEST = 'propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\nfile.users,delta\nfile.roles,delta\n';
const WHEN = '2026-01-15T09:30:00.000Z';
function studentSet(name, rows, role = 'student') {
  const users = [USERS12, ...rows.map((u) => `${u.sid},active,${WHEN},${u.enabled ?? 'true'},${u.sid},,${u.given},Upload,,,,,,,05,,,,,,sch-001,`)];
  const roles = [ROLES, ...rows.map((u) => `r-${u.sid},active,${WHEN},${u.sid},primary,${role},,,sch-001,`)];
  return makeZip(join(work, `${name}.zip`), { 'manifest.csv': MANIFEST, 'users.csv': users.join('\n') + '\n', 'roles.csv': roles.join('\n') + '\n' });
}

before(async () => {
  srv = await demoServer({
    // staleMfa() edits sessions behind the server's back: no session cache, so it is seen at once
    TRELLIS_SESSION_CACHE_MS: '0',
    TRELLIS_TRUST_PROXY: 'true', TRELLIS_LRS_FORWARD_URL: 'http://127.0.0.1:9/xapi/',
    TRELLIS_LRS_FORWARD_KEY: 'forward-key', TRELLIS_LRS_FORWARD_SECRET: FORWARD_SECRET,
  });
  work = join(srv.dir, 'work');
  mkdirSync(work, { recursive: true });
  da = client();
  assert.equal((await da.login(srv.login('district_admin'))).status, 200);
  district = (await da.req('/api/v1/me')).body.district.id;
  srv.districtSid = sqlShell(srv.db, `SELECT sourced_id FROM districts WHERE id = ${district}`);
  sa = client();
  assert.equal((await sa.login(srv.login('school_admin'))).status, 200);
  // a second administrator at the school administrator's school (a vice principal)
  const vp = await da.req(`/api/v1/districts/${district}/roster/imports`, {
    method: 'POST', body: studentSet('vp', [{ sid: 'vp-1', given: 'Vice' }], 'siteAdministrator'),
    headers: { 'content-type': 'application/zip' },
  });
  assert.equal(vp.status, 200, vp.text);
  const saSchool = (await sa.req('/api/v1/me')).body.schools[0].id;
  assert.equal(sqlShell(srv.db, "SELECT o.id FROM orgs o WHERE o.sourced_id = 'sch-001'"), String(saSchool), 'sch-001 is her school');
  teacher = client();
  assert.equal((await teacher.login(srv.login('teacher'))).status, 200);
  counsellor = client();
  assert.equal((await counsellor.login(srv.login('counsellor'))).status, 200);

  // another district with its own administrator (a local account that enrols its second factor)
  let r = trellis(['admin', 'add-district', '--db', srv.db, '--sourced-id', 'other-district', '--name', 'Other District']);
  assert.equal(r.status, 0, r.stderr);
  r = trellis(['admin', 'add-account', '--db', srv.db, '--district', 'other-district', '--username', 'other.admin',
    '--name', 'Other Admin', '--role', 'district_admin']);
  assert.equal(r.status, 0, r.stderr);
  other = client();
  assert.equal((await other.login({ username: 'other.admin', password: JSON.parse(r.stdout).password })).status, 200);
  const enrol = await other.req('/api/v1/me/totp', { method: 'POST' });
  assert.equal(enrol.status, 200, enrol.text);
  const code = totpAt(enrol.body.secret, Math.floor(Date.now() / 30000));
  assert.equal((await other.req('/api/v1/me/totp/confirm', { method: 'POST', json: { totp: code } })).status, 200);
});

after(async () => { await srv?.cleanup(); });

test('people: a district administrator finds anyone of the district by name or username, with their login', async () => {
  const t = await one(srv.login('teacher').username);
  assert.equal(t.role, 'teacher');
  assert.ok(t.login && t.login.password && !t.login.disabled && t.can_manage);
  const byName = await find(t.name.split(' ')[1]);
  assert.ok(byName.some((p) => p.id === t.id), 'found by family name');
  // a page at a time: more, then the next page
  let r = await da.req(`/api/v1/districts/${district}/people?limit=2`);
  assert.equal(r.status, 200);
  assert.equal(r.body.people.length, 2);
  assert.equal(r.body.more, true);
  const next = await da.req(`/api/v1/districts/${district}/people?limit=2&offset=2`);
  assert.notDeepEqual(next.body.people.map((p) => p.id), r.body.people.map((p) => p.id));
  // the students listed are a disclosure: the entry names them
  const students = r.body.people.filter((p) => p.role === 'student').map((p) => p.id);
  if (students.length) {
    const e = entryOf(r).find((x) => x.action === 'credentials');
    assert.ok(e, 'an entry for the people listed');
    assert.deepEqual(e.subjects.split(',').map(Number).sort(), students.sort());
  }
  // a district administrator is not theirs to manage here (their own account page is)
  const me = await one(srv.login('district_admin').username);
  assert.equal(me.can_manage, false);
  // bad input names the field
  for (const [q, field] of [['limit=0', 'limit'], ['offset=-1', 'offset'], [`q=${'x'.repeat(101)}`, 'q']]) {
    r = await da.req(`/api/v1/districts/${district}/people?${q}`);
    assert.equal(r.status, 400, q);
    assert.match(r.body.detail, new RegExp(`^${field}: `));
  }
});

test("people: a school administrator lists their school's people, never the district's; others are refused", async () => {
  const me = (await sa.req('/api/v1/me')).body;
  const school = me.schools[0].id;
  let r = await sa.req(`/api/v1/schools/${school}/people?limit=100`);
  assert.equal(r.status, 200, r.text);
  assert.ok(r.body.people.length > 0);
  for (const p of r.body.people) assert.equal(p.school?.id ?? school, school, `${p.name} is of the school`);
  // administrators are listed but not theirs to manage
  for (const p of r.body.people.filter((x) => x.administrator)) assert.equal(p.can_manage, false, p.name);
  r = await sa.req(`/api/v1/districts/${district}/people`);
  assert.equal(r.status, 403, 'the district list is for district administrators');
  const home = (await da.req('/api/v1/home')).body;
  const otherSchool = home.schools.find((s) => s.id !== school).id;
  r = await sa.req(`/api/v1/schools/${otherSchool}/people`);
  assert.equal(r.status, 404, 'another school is not theirs');
  for (const c of [teacher, counsellor]) {
    assert.ok([403, 404].includes((await c.req(`/api/v1/schools/${school}/people`)).status));
    assert.ok([403, 404].includes((await c.req(`/api/v1/districts/${district}/people`)).status));
  }
  assert.equal((await other.req(`/api/v1/districts/${district}/people`)).status, 404, 'another district');
  assert.equal((await other.req(`/api/v1/schools/${school}/people`)).status, 404, 'another district');
});

test('give a login: the password is shown once, works, and the action is audited', async () => {
  const s = (await da.req(`/api/v1/districts/${district}/people?limit=100`)).body.people.find((p) => p.role === 'student' && !p.login);
  assert.ok(s, 'a student without a login');
  // a password that breaks the rules: the field is named, nothing is made
  let r = await da.req(`/api/v1/users/${s.id}/login`, { method: 'POST', json: { password: 'password1' } });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /^password: /);
  assert.equal((await one(s.username)).login, null, 'no login was made');
  r = await da.req(`/api/v1/users/${s.id}/login`, { method: 'POST', json: { nope: 'x' } });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /^nope: not a field/);
  // a teacher, a counsellor, another district: refused
  for (const c of [teacher, counsellor]) assert.ok([403, 404].includes((await c.req(`/api/v1/users/${s.id}/login`, { method: 'POST' })).status));
  assert.equal((await other.req(`/api/v1/users/${s.id}/login`, { method: 'POST' })).status, 404);
  r = await da.req(`/api/v1/users/${s.id}/login`, { method: 'POST' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.username, s.username.toLowerCase());
  assert.match(r.body.password, /^\S{4}-\S{4}-\S{4}-\S{4}$/);
  const e = entryOf(r).find((x) => x.action === 'admin');
  assert.ok(e && e.detail === 'login given to a rostered person' && e.subjects === String(s.id), JSON.stringify(e));
  assert.ok(!JSON.stringify(auditEntries()).includes(r.body.password), 'the password is in no entry');
  const student = client();
  assert.equal((await student.login({ username: s.username, password: r.body.password })).status, 200);
  assert.ok((await one(s.username)).login.password);
});

test('reset a password: generated or given; the old one stops working and the sessions end', async () => {
  const tl = srv.login('teacher');
  const t = await one(tl.username);
  const victim = client();
  assert.equal((await victim.login(tl)).status, 200);
  const hash = hashOf(t.login.account_id);
  let r = await da.req(`/api/v1/accounts/${t.login.account_id}/password`, { method: 'POST', json: { password: 'short' } });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /^password: /);
  assert.equal(hashOf(t.login.account_id), hash, 'nothing changed');
  r = await da.req(`/api/v1/accounts/${t.login.account_id}/password`, { method: 'POST', json: { password: 'otter-lantern-quilt-92' } });
  assert.equal(r.status, 204, r.text);
  assert.notEqual(hashOf(t.login.account_id), hash);
  assert.equal((await victim.req('/api/v1/me')).status, 401, 'the sessions ended');
  assert.equal((await client().login(tl)).status, 401, 'the old password no longer works');
  assert.equal((await client().login({ username: tl.username, password: 'otter-lantern-quilt-92' })).status, 200);
  assert.equal(entryOf(r).find((x) => x.action === 'admin')?.detail, 'password reset');
  // generated: shown once
  r = await da.req(`/api/v1/accounts/${t.login.account_id}/password`, { method: 'POST' });
  assert.equal(r.status, 200);
  tl.password = r.body.password; // the teacher's login from now on
  teacher = client();
  assert.equal((await teacher.login(tl)).status, 200);
  // an account that does not exist, or is not a number
  assert.equal((await da.req('/api/v1/accounts/999999/password', { method: 'POST' })).status, 404);
  assert.equal((await da.req('/api/v1/accounts/x/password', { method: 'POST' })).status, 404);
});

test('a change needs a second factor checked within 15 minutes; unlocking does not', async () => {
  const t = await one(srv.login('teacher').username);
  staleMfa(srv.login('district_admin'));
  const hash = hashOf(t.login.account_id);
  let r = await da.req(`/api/v1/accounts/${t.login.account_id}/password`, { method: 'POST', json: { password: 'walrus-meadow-anchor-41' } });
  assert.equal(r.status, 403);
  assert.equal(r.body.code, 'second_factor_required');
  assert.equal(hashOf(t.login.account_id), hash, 'nothing changed');
  assert.equal((await da.req(`/api/v1/accounts/${t.login.account_id}/unlock`, { method: 'POST' })).status, 204);
  r = await da.req('/api/v1/session/mfa', { method: 'POST', json: { totp: await nextTotp(srv.login('district_admin').totp_secret) } });
  assert.equal(r.status, 204, r.text);
  r = await da.req(`/api/v1/accounts/${t.login.account_id}/disable`, { method: 'POST' });
  assert.equal(r.status, 204, 'fresh again');
  assert.equal((await da.req(`/api/v1/accounts/${t.login.account_id}/enable`, { method: 'POST' })).status, 204);
  teacher = client();
  assert.equal((await teacher.login(srv.login('teacher'))).status, 200);
});

test('unlock: the failed-login waits of a name are cleared, and audited', async () => {
  const tl = srv.login('teacher');
  const attacker = client();
  for (let i = 0; i < 3; i++) assert.equal((await attacker.login({ username: tl.username, password: 'wrong-guess-' + i })).status, 401);
  let t = await one(tl.username);
  assert.ok(t.login.failed_logins.count >= 3, JSON.stringify(t.login));
  for (const c of [teacher, counsellor, other]) assert.ok([403, 404].includes((await c.req(`/api/v1/accounts/${t.login.account_id}/unlock`, { method: 'POST' })).status));
  const r = await da.req(`/api/v1/accounts/${t.login.account_id}/unlock`, { method: 'POST' });
  assert.equal(r.status, 204);
  t = await one(tl.username);
  assert.equal(t.login.failed_logins.count, 0);
  const e = entryOf(r).find((x) => x.action === 'admin');
  assert.equal(e.detail, 'failed-login counts cleared');
  assert.equal(e.object, `account:${t.login.account_id}`);
});

test('disable and enable: turning off ends the sessions and refuses logins; audited', async () => {
  const tl = srv.login('teacher');
  const t = await one(tl.username);
  let r = await da.req(`/api/v1/accounts/${t.login.account_id}/disable`, { method: 'POST' });
  assert.equal(r.status, 204);
  assert.equal(entryOf(r).find((x) => x.action === 'admin')?.detail, 'account turned off');
  assert.equal((await teacher.req('/api/v1/me')).status, 401, 'its session ended');
  r = await client().login(tl);
  assert.equal(r.status, 403);
  assert.equal(r.body.code, 'account_disabled');
  assert.equal((await one(tl.username)).login.disabled, true);
  r = await da.req(`/api/v1/accounts/${t.login.account_id}/enable`, { method: 'POST' });
  assert.equal(r.status, 204);
  assert.equal(entryOf(r).find((x) => x.action === 'admin')?.detail, 'account turned on');
  teacher = client();
  assert.equal((await teacher.login(tl)).status, 200);
  // a district administrator cannot turn themself off here
  const me = await one(srv.login('district_admin').username);
  r = await da.req(`/api/v1/accounts/${me.login.account_id}/disable`, { method: 'POST' });
  assert.equal(r.status, 403);
  assert.match(r.body.detail, /your own login/);
});

test('a school administrator manages their people, never an administrator, never another school', async () => {
  const me = (await sa.req('/api/v1/me')).body;
  const school = me.schools[0].id;
  const list = (await sa.req(`/api/v1/schools/${school}/people?limit=100`)).body.people;
  // a teacher of their school: allowed (a login for one without)
  const t = list.find((p) => p.role === 'teacher' && !p.login);
  assert.ok(t, 'a teacher of the school without a login');
  let r = await sa.req(`/api/v1/users/${t.id}/login`, { method: 'POST' });
  assert.equal(r.status, 200, r.text);
  const made = (await one(t.username)).login;
  r = await sa.req(`/api/v1/accounts/${made.account_id}/unlock`, { method: 'POST' });
  assert.equal(r.status, 204);
  // another administrator of their school: refused, and nothing changes
  const admin = (await sa.req(`/api/v1/schools/${school}/people?q=vp-1`)).body.people.find((p) => p.administrator);
  assert.ok(admin && admin.can_manage === false, 'the vice principal is listed, not to be managed');
  r = await sa.req(`/api/v1/users/${admin.id}/login`, { method: 'POST' });
  assert.equal(r.status, 403, r.text);
  assert.match(r.body.detail, /administrator's login/);
  assert.equal((await one(admin.username)).login, null, 'no login was made');
  // the district administrator may: then the school administrator still may not touch it
  r = await da.req(`/api/v1/users/${admin.id}/login`, { method: 'POST' });
  assert.equal(r.status, 200, r.text);
  const vpAccount = (await one(admin.username)).login.account_id;
  for (const path of ['password', 'unlock', 'disable', 'enable', 'second-factor/reset']) {
    r = await sa.req(`/api/v1/accounts/${vpAccount}/${path}`, { method: 'POST' });
    assert.equal(r.status, 403, `${path}: ${r.text}`);
  }
  // the district administrator: refused
  const dadm = await one(srv.login('district_admin').username);
  const hash = hashOf(dadm.login.account_id);
  for (const path of ['password', 'unlock', 'disable', 'second-factor/reset']) {
    r = await sa.req(`/api/v1/accounts/${dadm.login.account_id}/${path}`, { method: 'POST' });
    assert.ok([403, 404].includes(r.status), `${path}: ${r.status}`);
  }
  assert.equal(hashOf(dadm.login.account_id), hash);
  assert.equal((await one(srv.login('district_admin').username)).login.disabled, false);
  // a teacher of another school: not found
  const home = (await da.req('/api/v1/home')).body;
  const otherSchool = home.schools.find((s) => s.id !== school).id;
  const far = (await da.req(`/api/v1/schools/${otherSchool}/people?limit=100`)).body.people.find((p) => p.role === 'teacher');
  assert.equal((await sa.req(`/api/v1/users/${far.id}/login`, { method: 'POST' })).status, 404);
  // the refusals are in the log (coalesced per minute, written when the server stops: see below)
});

test('reset a second factor: the person enrols again at the next login; audited', async () => {
  const cl = srv.login('counsellor');
  const c = await one(cl.username);
  assert.equal(c.login.mfa, true);
  for (const x of [teacher, other]) assert.ok([403, 404].includes((await x.req(`/api/v1/accounts/${c.login.account_id}/second-factor/reset`, { method: 'POST' })).status));
  const r = await da.req(`/api/v1/accounts/${c.login.account_id}/second-factor/reset`, { method: 'POST' });
  assert.equal(r.status, 204);
  assert.equal(entryOf(r).find((x) => x.action === 'admin')?.detail, 'second factor removed');
  assert.equal((await counsellor.req('/api/v1/me')).status, 401, 'its sessions ended');
  assert.equal((await one(cl.username)).login.mfa, false);
  counsellor = client();
  assert.equal((await counsellor.login({ username: cl.username, password: cl.password })).status, 200);
  const me = (await counsellor.req('/api/v1/me')).body;
  assert.equal(me.mfa.enrolled, false);
  assert.equal((await counsellor.req('/api/v1/home')).body.enrol_required, true);
});

test('API clients: added with scopes (the secret once), listed without it, revoked; audited', async () => {
  const path = `/api/v1/districts/${district}/clients`;
  let r = await da.req(path, { method: 'POST', json: { name: 'Reading app', scopes: ['statements/read', 'nope'] } });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /^scopes\[1\]: 'nope'/);
  r = await da.req(path, { method: 'POST', json: { scopes: ['statements/read'] } });
  assert.equal(r.status, 400);
  r = await da.req(path, { method: 'POST', json: { name: '', scopes: ['statements/read'] } });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /^name: /);
  r = await da.req(path, { method: 'POST', json: { name: 'Reading app', scopes: [] } });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /^scope: /);
  assert.equal((await da.req(path)).body.clients.length, 0, 'nothing was added');
  for (const c of [sa, teacher]) assert.ok([403, 404].includes((await c.req(path, { method: 'POST', json: { name: 'x', scopes: ['all'] } })).status));
  assert.equal((await other.req(path)).status, 404);
  assert.equal((await other.req(path, { method: 'POST', json: { name: 'x', scopes: ['all'] } })).status, 404);
  r = await da.req(path, { method: 'POST', json: { name: 'Reading app', scopes: ['statements/read'] } });
  assert.equal(r.status, 201, r.text);
  const cred = r.body;
  assert.ok(cred.key && cred.secret);
  assert.match(entryOf(r).find((x) => x.action === 'admin').detail, /API client 'Reading app' added \(scopes: statements\/read\)/);
  const V = { 'X-Experience-API-Version': '2.0.0', authorization: basic(cred) };
  assert.equal((await request(srv.url, '/xapi/statements', { headers: V })).status, 200, 'the client works');
  // a roster/write client cannot make clients (the gate's RES_CLIENTS)
  const rw = JSON.parse(trellis(['admin', 'add-client', '--db', srv.db, '--name', 'sis', '--scope', 'roster/write', '--district', srv.districtSid]).stdout);
  r = await request(srv.url, path, { method: 'POST', json: { name: 'mine', scopes: ['all'] }, headers: { authorization: basic(rw) } });
  assert.equal(r.status, 403, r.text);
  const list = (await da.req(path)).body.clients;
  assert.deepEqual(list.find((c) => c.key === cred.key).scopes, ['statements/read']);
  assert.ok(!JSON.stringify(list).includes(cred.secret), 'the list never shows a secret');
  assert.equal((await sa.req(`${path}/${cred.key}/revoke`, { method: 'POST' })).status, 404);
  r = await da.req(`${path}/${cred.key}/revoke`, { method: 'POST' });
  assert.equal(r.status, 204);
  assert.equal(entryOf(r).find((x) => x.action === 'admin').detail, 'API client revoked');
  assert.equal((await request(srv.url, '/xapi/statements', { headers: V })).status, 401, 'revoked');
  assert.ok((await da.req(path)).body.clients.find((c) => c.key === cred.key).revoked);
  assert.equal((await da.req(`${path}/${cred.key}/revoke`, { method: 'POST' })).status, 404, 'revoked already');
});

test("the audit log: a district's by actor and refusals, a student's, in pages; reading it is audited", async () => {
  const path = `/api/v1/districts/${district}/audit`;
  let r = await da.req(`${path}?limit=3`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.entries.length, 3);
  assert.equal(r.body.more, true);
  const seqs = r.body.entries.map((e) => e.seq);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => b - a), 'newest first');
  const older = await da.req(`${path}?limit=3&before=${r.body.before}`);
  assert.ok(older.body.entries.every((e) => e.seq < Math.min(...seqs)));
  // by actor: what the district administrator did
  const me = srv.login('district_admin').username.toLowerCase();
  r = await da.req(`${path}?actor=${me}&limit=200`);
  assert.ok(r.body.entries.length > 0 && r.body.entries.every((e) => e.actor.name === me));
  assert.ok(r.body.entries.some((e) => e.detail === 'failed-login counts cleared'));
  // refusals only
  r = await da.req(`${path}?denials=true&limit=200`);
  assert.equal(r.status, 200);
  assert.ok(r.body.entries.every((e) => e.outcome === 'denied' || e.action === 'denied'));
  // reading the log is itself recorded
  assert.equal(entryOf(r).find((x) => x.object === 'audit_log')?.detail, 'audit log read: refusals');
  // bad input names the field
  for (const [q, field] of [['limit=0', 'limit'], ['before=x', 'before'], ['denials=maybe', 'denials'], [`actor=`, 'actor']]) {
    r = await da.req(`${path}?${q}`);
    assert.equal(r.status, 400, q);
    assert.match(r.body.detail, new RegExp(`^${field}: `));
  }
  // who else: a school administrator, a teacher, another district
  for (const c of [sa, teacher]) assert.ok([403, 404].includes((await c.req(path)).status));
  assert.equal((await other.req(path)).status, 404);
  // a student's record of access: the district administrator, the student's school's administrator
  const sme = (await sa.req('/api/v1/me')).body;
  const school = sme.schools[0].id;
  const st = (await sa.req(`/api/v1/schools/${school}/people?limit=100`)).body.people.find((p) => p.role === 'student');
  r = await da.req(`/api/v1/users/${st.id}/audit`);
  assert.equal(r.status, 200);
  assert.ok(r.body.entries.length > 0, 'the people lists that named the student');
  assert.ok(r.body.entries.every((e) => e.subjects.includes(st.id)));
  r = await sa.req(`/api/v1/users/${st.id}/audit?limit=1`);
  assert.equal(r.status, 200);
  assert.equal(r.body.entries.length, 1);
  const e = entryOf(r).find((x) => x.action === 'read');
  assert.ok(e && e.subjects === String(st.id) && /record of access/.test(e.detail), 'reading it is a disclosure');
  const far = (await da.req(`/api/v1/districts/${district}/people?limit=100`)).body.people.find((p) => p.role === 'student' && p.school?.id !== school);
  assert.equal((await sa.req(`/api/v1/users/${far.id}/audit`)).status, 404);
  assert.equal((await teacher.req(`/api/v1/users/${st.id}/audit`)).status, 404);
  assert.equal((await other.req(`/api/v1/users/${st.id}/audit`)).status, 404);
});

test('settings: what `trellis config show` prints, never a secret; district administrators only', async () => {
  const path = `/api/v1/districts/${district}/settings`;
  const r = await da.req(path);
  assert.equal(r.status, 200, r.text);
  assert.ok(!r.text.includes(FORWARD_SECRET), 'the secret is not in the answer');
  const by = Object.fromEntries(r.body.settings.map((s) => [s.name, s]));
  assert.equal(by.lrs_forward_secret.value, '********');
  assert.equal(by.lrs_forward_secret.secret, true);
  assert.equal(by.trust_proxy.value, true);
  assert.equal(typeof by.session_idle_min.value, 'number');
  // every setting `trellis config show` prints, in its order
  const shown = trellis(['config', 'show']).stdout.split('\n').filter(Boolean).map((l) => l.split(/\s+/)[0]);
  assert.deepEqual(r.body.settings.map((s) => s.name), shown);
  assert.equal(entryOf(r).find((x) => x.object === 'settings')?.detail, 'settings shown');
  for (const c of [sa, teacher]) assert.ok([403, 404].includes((await c.req(path)).status));
  assert.equal((await other.req(path)).status, 404);
});

test('own password: the current one is needed, the rules apply, the other sessions end', async () => {
  const tl = srv.login('teacher');
  const second = client();
  assert.equal((await second.login(tl)).status, 200);
  const account = (await teacher.req('/api/v1/me')).body.account_id;
  const hash = hashOf(account);
  let r = await teacher.req('/api/v1/me/password', { method: 'POST', json: { current_password: 'not-it-at-all', password: 'harbor-violet-stone-27' } });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /^current_password: /);
  r = await teacher.req('/api/v1/me/password', { method: 'POST', json: { current_password: tl.password, password: 'trellis123' } });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /^password: /);
  r = await teacher.req('/api/v1/me/password', { method: 'POST', json: { current_password: tl.password } });
  assert.equal(r.status, 400);
  assert.equal(hashOf(account), hash, 'nothing changed');
  r = await teacher.req('/api/v1/me/password', { method: 'POST', json: { current_password: tl.password, password: 'harbor-violet-stone-27' } });
  assert.equal(r.status, 204, r.text);
  assert.equal((await teacher.req('/api/v1/me')).status, 200, 'this session goes on');
  assert.equal((await second.req('/api/v1/me')).status, 401, 'the other one ended');
  const entries = entryOf(r);
  assert.ok(entries.some((x) => x.action === 'change' && x.detail === 'own password changed; other sessions ended'));
  tl.password = 'harbor-violet-stone-27';
  assert.equal((await client().login(tl)).status, 200);
  // anonymous: 401; without the CSRF token: 403
  assert.equal((await request(srv.url, '/api/v1/me/password', { method: 'POST', json: {} })).status, 401);
  assert.equal((await teacher.req('/api/v1/me/password', { method: 'POST', json: { current_password: 'x', password: 'y' }, csrf: false })).status, 403);
});

test('recovery codes: made again after a fresh second factor, the old ones stop working', async () => {
  const dl = srv.login('district_admin');
  const admin = client();
  assert.equal((await admin.login(dl)).status, 200);
  let r = await admin.req('/api/v1/me/recovery-codes', { method: 'POST' });
  assert.equal(r.status, 200, r.text);
  const first = r.body.recovery_codes;
  assert.equal(first.length, 10);
  assert.equal(entryOf(r).find((x) => x.object === 'account:second-factor')?.detail, '10 new recovery codes; the old ones no longer work');
  assert.equal((await admin.req('/api/v1/me')).body.mfa.recovery_codes_left, 10);
  staleMfa(dl);
  r = await admin.req('/api/v1/me/recovery-codes', { method: 'POST' });
  assert.equal(r.status, 403);
  assert.equal(r.body.code, 'second_factor_required');
  // a recovery code is a second factor: it makes the session fresh, and is used up
  assert.equal((await admin.req('/api/v1/session/mfa', { method: 'POST', json: { totp: first[0] } })).status, 204);
  r = await admin.req('/api/v1/me/recovery-codes', { method: 'POST' });
  assert.equal(r.status, 200);
  staleMfa(dl);
  assert.equal((await admin.req('/api/v1/session/mfa', { method: 'POST', json: { totp: first[1] } })).status, 400, 'the old codes no longer work');
  assert.equal((await admin.req('/api/v1/session/mfa', { method: 'POST', json: { totp: r.body.recovery_codes[0] } })).status, 204);
  // someone without a second factor: nothing to make
  r = await teacher.req('/api/v1/me/recovery-codes', { method: 'POST' });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /^second factor: /);
});

test('roster upload: every error as file:line:column and nothing imported; then the report', async () => {
  const path = `/api/v1/districts/${district}/roster/imports`;
  const up = (body, c = da) => c.req(path, { method: 'POST', body, headers: { 'content-type': 'application/zip' } });
  const count = () => sqlShell(srv.db, "SELECT COUNT(*) FROM users WHERE sourced_id LIKE 'up-%'");
  let r = await up(studentSet('bad', [{ sid: 'up-ok', given: 'Good' }, { sid: 'up-bad', given: 'Bad', enabled: 'maybe' }]));
  assert.equal(r.status, 400, r.text);
  assert.ok(r.body.errors.length >= 1);
  for (const e of r.body.errors) assert.match(e, /^[a-zA-Z]+\.csv:\d+:\d+: /);
  assert.ok(r.body.errors.some((e) => e.startsWith('users.csv:3:4: ')), r.body.errors.join('\n'));
  assert.equal(count(), '0', 'nothing imported');
  assert.ok([403, 404].includes((await up(studentSet('t', [{ sid: 'up-t', given: 'T' }]), teacher)).status));
  assert.ok([403, 404].includes((await up(studentSet('s', [{ sid: 'up-s', given: 'S' }]), sa)).status));
  r = await up(studentSet('good', [{ sid: 'up-ok', given: 'Good' }]));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.files['users.csv'].created, 1);
  assert.equal(count(), '1');
  assert.ok((await find('up-ok')).length === 1, 'the new student can be found');
});

test('verify the chain: intact, then an entry rewritten is named, as `trellis audit verify` names it', async () => {
  const path = `/api/v1/districts/${district}/audit/verify`;
  let r = await da.req(path, { method: 'POST' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.intact, true);
  assert.ok(r.body.entries > 10);
  assert.deepEqual(r.body.problems, []);
  assert.match(entryOf(r).find((x) => x.object === 'audit_log')?.detail, /^audit log verified: intact, \d+ entries$/);
  for (const c of [sa, teacher]) assert.ok([403, 404].includes((await c.req(path, { method: 'POST' })).status));
  assert.equal((await other.req(path, { method: 'POST' })).status, 404);
  // the other district's chain is its own: intact, and only its entries
  r = await other.req(`/api/v1/districts/${(await other.req('/api/v1/me')).body.district.id}/audit/verify`, { method: 'POST' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.intact, true);
  // an entry of this district's chain rewritten in the database
  const id = sqlShell(srv.db, `SELECT id FROM audit_log WHERE chain = ${district} ORDER BY seq LIMIT 1 OFFSET 5`);
  sqlShell(srv.db, `UPDATE audit_log SET detail = 'rewritten' WHERE id = ${id}`);
  r = await da.req(path, { method: 'POST' });
  assert.equal(r.status, 200);
  assert.equal(r.body.intact, false);
  assert.equal(r.body.first_bad_entry, Number(id));
  const cli = trellis(['audit', 'verify', '--db', srv.db]);
  assert.equal(cli.status, 1);
  assert.ok(cli.stderr.includes(r.body.problems[0]), `${cli.stderr} names ${r.body.problems[0]}`);
  assert.match(entryOf(r).find((x) => x.object === 'audit_log')?.detail, /^audit log verified: 1 problems/);
  // the other district's chain is still intact
  r = await other.req(`/api/v1/districts/${(await other.req('/api/v1/me')).body.district.id}/audit/verify`, { method: 'POST' });
  assert.equal(r.body.intact, true);
});

test('the refusals of the administration routes are in the audit log', async () => {
  await srv.stop('SIGTERM'); // the coalesced refusals are written when the server stops
  const denied = auditEntries().filter((e) => e.action === 'denied');
  const names = new Set(denied.map((e) => e.actor));
  for (const l of [srv.login('teacher'), srv.login('school_admin')]) assert.ok(names.has(l.username.toLowerCase()), `${l.username}'s refusals`);
  // the other district's administrator's, in its own chain
  assert.ok(auditEntries('other-district').some((e) => e.action === 'denied' && e.actor === 'other.admin'));
});

// The roster upload route (POST /api/v1/districts/{id}/roster/imports) and the CLI import into a
// served demo district: .zip members are read up to the upload limit whatever they claim; who may
// create, promote or change administrators; a set for another district; access that follows the
// roster over time. Fixtures are made here (the demo district and sets cut from its export).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { request, trellis, dumpDb, sqlShell } from './lib/trellis.mjs';
import { demoServer, Client, nextTotp } from './lib/auth.mjs';

const LIMIT = 2 << 20; // the server's upload_limit in these tests
const ROSTER_TABLES = /^INSERT INTO "?(districts|orgs|academic_sessions|courses|classes|class_terms|users|user_orgs|user_agents|user_roles|user_profiles|enrollments|demographics|roster_imports)"? /;

let srv, work, client, district;

function basic(key, secret) {
  return 'Basic ' + Buffer.from(`${key}:${secret}`).toString('base64');
}

// The roster rows of the database, one line each (sessions and the audit log change with every request).
function rosterDump() {
  return dumpDb(srv.db).split('\n').filter((l) => ROSTER_TABLES.test(l)).sort().join('\n');
}

// Build a .zip with python3's zipfile (deflate). patch: {member: size} overwrites the
// uncompressed size that the member's local header and central directory entry declare.
function makeZip(path, files, patch = {}) {
  const spec = JSON.stringify({ files: Object.fromEntries(Object.entries(files).map(([n, c]) =>
    [n, typeof c === 'string' ? { text: c } : c])), patch });
  const r = spawnSync('python3', ['-c', `import sys, json, zipfile, struct
spec = json.loads(sys.stdin.read())
z = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED)
for name, c in spec['files'].items():
    data = c['text'].encode() if 'text' in c else bytes([c['byte']]) * c['repeat']
    z.writestr(name, data)
z.close()
b = bytearray(open(sys.argv[1], 'rb').read())
for name, size in spec['patch'].items():
    for sig, name_at, len_at, size_at in ((b'PK\\x03\\x04', 30, 26, 22), (b'PK\\x01\\x02', 46, 28, 24)):
        i = b.find(sig)
        while i >= 0:
            n = struct.unpack('<H', b[i + len_at:i + len_at + 2])[0]
            if b[i + name_at:i + name_at + n].decode() == name:
                struct.pack_into('<I', b, i + size_at, size)
            i = b.find(sig, i + 4)
open(sys.argv[1], 'wb').write(b)`, path], { input: spec, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return readFileSync(path);
}

// Peak virtual size and peak resident size of the server, in bytes (Linux /proc).
function peaks() {
  const s = readFileSync(`/proc/${srv.proc.pid}/status`, 'utf8');
  const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)[1]) * 1024;
  return { vm: kb('VmPeak'), rss: kb('VmHWM') };
}

async function upload(body, auth) {
  return request(srv.url, `/api/v1/districts/${district}/roster/imports`, {
    method: 'POST', body, headers: { 'content-type': 'application/zip', authorization: auth }, timeout: 60000,
  });
}

const MANIFEST = (version, modes) => ['propertyName,value', 'manifest.version,1.0', `oneroster.version,${version}`,
  ...Object.entries(modes).map(([f, m]) => `file.${f},${m}`)].join('\n') + '\n';

// RFC 4180 fields of one line (quoted fields may hold commas).
function fields(line) {
  const out = [];
  let cur = '', q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (q) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (ch === '"') q = false; else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { out.push(cur); cur = ''; } else cur += ch;
  }
  out.push(cur);
  return out;
}

// The demo district as the CLI exports it now: { file: [{column: value}] }.
function exported(name = 'export') {
  const dir = join(work, `${name}-${Date.now()}`);
  const r = trellis(['export', 'oneroster', '--db', srv.db, dir]);
  assert.equal(r.status, 0, r.stderr);
  const rows = (f) => {
    const [head, ...lines] = readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean);
    const h = head.split(',');
    return lines.map((l) => Object.fromEntries(fields(l).map((v, i) => [h[i], v])));
  };
  return { dir, orgs: rows('orgs.csv'), users: rows('users.csv'), roles: rows('roles.csv'), enrollments: rows('enrollments.csv') };
}

const WHEN = '2026-01-15T09:30:00.000Z';
const H = {
  users12: 'sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns',
  users11: 'sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password',
  roles: 'sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId',
  enrollments: 'sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate',
  orgs: 'sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId',
  profiles: 'sourcedId,status,dateLastModified,userSourcedId,profileType,vendorId,applicationId,description,credentialType,username,password',
};
const csvLine = (h, row) => h.split(',').map((c) => {
  const v = row[c] ?? '';
  return /[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}).join(',');

// A 1.2 delta set of users.csv and roles.csv rows (objects by column) as a .zip body.
function delta12(name, { users = [], roles = [] }) {
  const files = { 'manifest.csv': MANIFEST('1.2', { users: users.length ? 'delta' : 'absent', roles: roles.length ? 'delta' : 'absent' }) };
  if (users.length) files['users.csv'] = [H.users12, ...users.map((u) => csvLine(H.users12, { status: 'active', dateLastModified: WHEN, enabledUser: 'true', ...u }))].join('\n') + '\n';
  if (roles.length) files['roles.csv'] = [H.roles, ...roles.map((r) => csvLine(H.roles, { status: 'active', dateLastModified: WHEN, roleType: 'primary', ...r }))].join('\n') + '\n';
  return makeZip(join(work, `${name}.zip`), files);
}

function newUser(sid, org) {
  return { sourcedId: sid, username: sid, givenName: 'New', familyName: 'Person', primaryOrgSourcedId: org };
}

before(async () => {
  // the test edits a session behind the server's back: no session cache, so it is seen at once
  srv = await demoServer({ TRELLIS_UPLOAD_LIMIT: String(LIMIT), TRELLIS_BODY_LIMIT: String(1 << 20), TRELLIS_SESSION_CACHE_MS: '0' });
  work = join(srv.dir, 'work');
  mkdirSync(work);
  const cred = JSON.parse(trellis(['admin', 'add-client', '--db', srv.db, '--name', 'SIS sync', '--scope', 'roster/write']).stdout);
  client = basic(cred.key, cred.secret);
  district = Number(sqlShell(srv.db, "SELECT id FROM districts WHERE sourced_id = 'cv-district'"));
  // one authenticated request first: the peaks measured below are the import's, not the first request's
  const r = await request(srv.url, '/api/v1/version', { headers: { authorization: client } });
  assert.equal(r.status, 200);
});

after(async () => {
  await srv?.cleanup();
});

// ---- .zip members: their declared sizes are claims ----

test('a .zip member that claims a huge size is refused before anything is allocated for it', async () => {
  const before = rosterDump();
  const body = makeZip(join(work, 'huge.zip'), {
    'manifest.csv': MANIFEST('1.2', { users: 'bulk' }),
    'users.csv': 'sourcedId,status\n' + 'x'.repeat(1000),
  }, { 'users.csv': 0xFFFFFFF0 });
  const p0 = peaks();
  const r = await upload(body, client);
  const p1 = peaks();
  assert.equal(r.status, 413, r.text);
  assert.equal(r.body.code, 'too_large');
  assert.deepEqual(r.body.errors, [`users.csv:0:0: cannot read: users.csv: the .zip says it unpacks to 4294967280 bytes, more than the upload limit of ${LIMIT} bytes`]);
  // the old reader allocated the claimed 4 GiB (virtual) before reading a byte
  assert.ok(p1.vm - p0.vm < 1 << 30, `peak virtual size grew by ${p1.vm - p0.vm} bytes`);
  assert.equal(rosterDump(), before);
});

test('a zip bomb is refused: reading stops at the upload limit, whatever the member claims', async () => {
  const before = rosterDump();
  // 128 MiB of zeros deflate to about 128 KB, well under the upload limit
  const files = { 'manifest.csv': MANIFEST('1.2', { users: 'bulk' }), 'users.csv': { byte: 0, repeat: 128 << 20 } };
  const honest = makeZip(join(work, 'bomb.zip'), files);
  assert.ok(honest.length < LIMIT);
  const p0 = peaks();
  let r = await upload(honest, client);
  assert.equal(r.status, 413, r.text);
  assert.deepEqual(r.body.errors, [`users.csv:0:0: cannot read: users.csv: the .zip says it unpacks to ${128 << 20} bytes, more than the upload limit of ${LIMIT} bytes`]);
  // the same bomb claiming 1,000 bytes: read until past the limit, then refused
  // (the old reader took the first 1,000 bytes as the whole file)
  const lying = makeZip(join(work, 'bomb-lying.zip'), files, { 'users.csv': 1000 });
  r = await upload(lying, client);
  const p1 = peaks();
  assert.equal(r.status, 413, r.text);
  assert.deepEqual(r.body.errors, [`users.csv:0:0: cannot read: users.csv: unpacks to more than the upload limit of ${LIMIT} bytes`]);
  assert.ok(p1.rss - p0.rss < 48 << 20, `peak resident size grew by ${p1.rss - p0.rss} bytes`);
  assert.equal(rosterDump(), before);
});

test('the CLI reads a .zip up to the configured upload limit too', () => {
  const path = join(work, 'bomb.zip');
  const r = trellis(['import', 'oneroster', '--db', srv.db, '--json', path], { env: { TRELLIS_UPLOAD_LIMIT: String(LIMIT), TRELLIS_BODY_LIMIT: String(1 << 20) } });
  assert.equal(r.status, 1, r.stdout);
  assert.deepEqual(JSON.parse(r.stdout).errors, [`users.csv:0:0: cannot read: users.csv: the .zip says it unpacks to ${128 << 20} bytes, more than the upload limit of ${LIMIT} bytes`]);
});

// ---- administrators: who may create, promote or change them ----

const CLIENT_WHY = 'API clients cannot create, promote or change administrators';
const STALE_WHY = 'a district administrator must have confirmed a second factor within the last 15 minutes (POST /api/v1/session/mfa) to create, promote or change administrators';

async function refused(body, auth, errors, code = 'forbidden') {
  const before = rosterDump();
  const r = await upload(body, auth);
  assert.equal(r.status, 403, r.text);
  assert.equal(r.body.code, code);
  assert.deepEqual(r.body.errors, errors);
  assert.match(r.body.detail, /would create, promote or change administrators.*nothing was imported/);
  assert.equal(rosterDump(), before, 'nothing changed');
}

test('an API client cannot create a district or school administrator (1.2 roles.csv)', async () => {
  const body = delta12('client-create', {
    users: [newUser('u-evil1', 'sch-001'), newUser('u-evil2', 'sch-001')],
    roles: [{ sourcedId: 'r-evil1', userSourcedId: 'u-evil1', role: 'districtAdministrator', orgSourcedId: 'cv-district' },
      { sourcedId: 'r-evil2', userSourcedId: 'u-evil2', role: 'principal', orgSourcedId: 'sch-001' }],
  });
  await refused(body, client, [
    `roles.csv:2:6: role: 'districtAdministrator' at org 'cv-district' would make 'u-evil1' an administrator: ${CLIENT_WHY}`,
    `roles.csv:3:6: role: 'principal' at org 'sch-001' would make 'u-evil2' an administrator: ${CLIENT_WHY}`]);
});

test('an API client cannot create an administrator through a 1.1 users.csv either', async () => {
  const body = makeZip(join(work, 'client-create-11.zip'), {
    'manifest.csv': MANIFEST('1.1', { users: 'delta' }),
    'users.csv': [H.users11, csvLine(H.users11, { sourcedId: 'u-evil11', status: 'active', dateLastModified: WHEN, enabledUser: 'true',
      orgSourcedIds: 'cv-district', role: 'administrator', username: 'evil11', givenName: 'E', familyName: 'Vil' })].join('\n') + '\n',
  });
  await refused(body, client, [
    `users.csv:2:6: role: 'districtAdministrator' at org 'cv-district' would make 'u-evil11' an administrator: ${CLIENT_WHY}`]);
});

test('an API client cannot promote a teacher to administrator', async () => {
  const x = exported();
  const role = x.roles.find((r) => r.userSourcedId.startsWith('tch-') && r.roleType === 'primary' && r.status === 'active');
  const body = delta12('client-promote', { roles: [{ ...role, dateLastModified: WHEN, role: 'siteAdministrator' }] });
  await refused(body, client, [
    `roles.csv:2:6: role: 'siteAdministrator' at org '${role.orgSourcedId}' would make '${role.userSourcedId}' an administrator: ${CLIENT_WHY}`]);
});

test('an API client cannot change an existing administrator, nor deactivate one by leaving it out of a bulk file', async () => {
  const x = exported();
  const admin = x.users.find((u) => u.sourcedId === 'adm-00002');
  let body = delta12('client-change-admin', { users: [{ ...admin, dateLastModified: WHEN, email: 'attacker@evil.example' }] });
  await refused(body, client, [
    `users.csv:2:1: sourcedId: 'adm-00002' is an administrator, and this row changes their record: ${CLIENT_WHY}`]);
  // a bulk roles.csv without the site administrator's role would deactivate it
  const rest = x.roles.filter((r) => r.sourcedId !== 'r-adm-00002');
  body = makeZip(join(work, 'client-bulk-drop-admin.zip'), {
    'manifest.csv': MANIFEST('1.2', { roles: 'bulk' }),
    'roles.csv': [H.roles, ...rest.map((r) => csvLine(H.roles, r))].join('\n') + '\n',
  });
  await refused(body, client, [
    `roles.csv:0:1: sourcedId: role 'r-adm-00002' of an administrator is not in this bulk file, which would deactivate it: ${CLIENT_WHY}`]);
  // nor the type of the org where administrators hold their roles, their agents or their user profiles
  const school = x.orgs.find((o) => o.sourcedId === 'sch-001');
  const other = x.users.find((u) => u.sourcedId === 'adm-00021');
  const line = (h, row) => csvLine(h, { ...row, status: 'active', dateLastModified: WHEN });
  body = makeZip(join(work, 'client-admin-others.zip'), {
    'manifest.csv': MANIFEST('1.2', { orgs: 'delta', users: 'delta', userProfiles: 'delta' }),
    'orgs.csv': [H.orgs, line(H.orgs, { ...school, type: 'local' })].join('\n') + '\n',
    'users.csv': [H.users12, line(H.users12, { ...other, agentSourcedIds: 'stu-000001' })].join('\n') + '\n',
    'userProfiles.csv': [H.profiles, line(H.profiles, { sourcedId: 'p-adm-00040', userSourcedId: 'adm-00040', profileType: 'lms', vendorId: 'v1', username: 'adm40' })].join('\n') + '\n',
  });
  await refused(body, client, [
    `orgs.csv:2:5: type: administrators hold their roles at org 'sch-001', and this row changes its type from 'school' to 'local': ${CLIENT_WHY}`,
    `users.csv:2:1: sourcedId: 'adm-00021' is an administrator, and this row changes their record: ${CLIENT_WHY}`,
    `users.csv:2:14: agentSourcedIds: 'adm-00021' is an administrator, and this row changes their agents: ${CLIENT_WHY}`,
    `userProfiles.csv:2:4: userSourcedId: 'adm-00040' is an administrator, and this row changes their user profile: ${CLIENT_WHY}`]);
});

test('an API client may still change everyone else (a new teacher)', async () => {
  const body = delta12('client-teacher', {
    users: [newUser('u-newteacher', 'sch-001')],
    roles: [{ sourcedId: 'r-newteacher', userSourcedId: 'u-newteacher', role: 'teacher', orgSourcedId: 'sch-001' }],
  });
  const r = await upload(body, client);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.files['roles.csv'].created, 1);
  // its audit-chain entry names the client, the district and the counts
  const a = trellis(['audit', 'show', '--db', srv.db, '--json']);
  assert.equal(a.status, 0, a.stderr);
  const e = a.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((x) => x.object === 'roster:import').pop();
  assert.equal(e.actor_kind, 'client');
  assert.equal(e.actor, 'SIS sync');
  assert.equal(e.detail, "OneRoster 1.2 import from 'upload' into district 'cv-district': users.csv delta 1 rows (created 1, updated 0, unchanged 0, deactivated 0); roles.csv delta 1 rows (created 1, updated 0, unchanged 0, deactivated 0)");
});

test('a district administrator needs a fresh second factor to create an administrator; the operator does not', async () => {
  const l = srv.login('district_admin');
  const admin = new Client(srv.url, '127.0.0.21');
  let r = await admin.login(l);
  assert.equal(r.status, 200, r.text);
  const up = (body) => admin.req(`/api/v1/districts/${district}/roster/imports`, { method: 'POST', body, headers: { 'content-type': 'application/zip' } });
  // signed in with the second factor just now: allowed
  let body = delta12('admin-fresh', {
    users: [newUser('u-vp1', 'sch-002')],
    roles: [{ sourcedId: 'r-vp1', userSourcedId: 'u-vp1', role: 'siteAdministrator', orgSourcedId: 'sch-002' }],
  });
  r = await up(body);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.files['roles.csv'].created, 1);
  // twenty minutes later (the session's second factor moved back): refused, 403 second_factor_required
  sqlShell(srv.db, `UPDATE sessions SET mfa_at = mfa_at - 1200000 WHERE ended_at IS NULL AND account_id = (SELECT id FROM accounts WHERE login = '${l.username.toLowerCase()}')`);
  body = delta12('admin-stale', {
    users: [newUser('u-vp2', 'sch-002')],
    roles: [{ sourcedId: 'r-vp2', userSourcedId: 'u-vp2', role: 'districtAdministrator', orgSourcedId: 'cv-district' }],
  });
  const before = rosterDump();
  r = await up(body);
  assert.equal(r.status, 403, r.text);
  assert.equal(r.body.code, 'second_factor_required');
  assert.deepEqual(r.body.errors, [`roles.csv:2:6: role: 'districtAdministrator' at org 'cv-district' would make 'u-vp2' an administrator: ${STALE_WHY}`]);
  assert.equal(rosterDump(), before);
  // confirming the second factor again allows it
  r = await admin.req('/api/v1/session/mfa', { method: 'POST', json: { totp: await nextTotp(l.totp_secret) } });
  assert.ok(r.status === 200 || r.status === 204, r.text);
  r = await up(body);
  assert.equal(r.status, 200, r.text);
  // the operator (CLI) may
  const dir = join(work, 'operator-admin');
  mkdirSync(dir);
  writeFileSync(join(dir, 'manifest.csv'), MANIFEST('1.2', { users: 'delta', roles: 'delta' }));
  writeFileSync(join(dir, 'users.csv'), [H.users12, csvLine(H.users12, { ...newUser('u-vp3', 'sch-003'), status: 'active', dateLastModified: WHEN, enabledUser: 'true' })].join('\n') + '\n');
  writeFileSync(join(dir, 'roles.csv'), [H.roles, csvLine(H.roles, { sourcedId: 'r-vp3', status: 'active', dateLastModified: WHEN, userSourcedId: 'u-vp3', roleType: 'primary', role: 'principal', orgSourcedId: 'sch-003' })].join('\n') + '\n');
  const cli = trellis(['import', 'oneroster', '--db', srv.db, '--json', dir]);
  assert.equal(cli.status, 0, cli.stderr);
  assert.equal(JSON.parse(cli.stdout).files['roles.csv'].created, 1);
});

// ---- tenancy ----

test('a set for another district is refused through the upload route and changes nothing', async () => {
  const before = rosterDump();
  const body = makeZip(join(work, 'other-district.zip'), {
    'manifest.csv': MANIFEST('1.2', { orgs: 'bulk' }),
    'orgs.csv': [H.orgs, 'other-district,,,Other District,district,,', 'other-school,,,Other School,school,,other-district'].join('\n') + '\n',
  });
  const r = await upload(body, client);
  assert.equal(r.status, 400, r.text);
  assert.deepEqual(r.body.errors, ["orgs.csv:2:1: sourcedId: the set is for district 'other-district', not this district ('cv-district')"]);
  assert.equal(rosterDump(), before);
});

// ---- access follows the roster over time ----

test('after an import ends an enrolment, the teacher gets 404 for the student and the class roster no longer lists them', async () => {
  const teacher = new Client(srv.url, '127.0.0.31');
  let r = await teacher.login(srv.login('teacher'));
  assert.equal(r.status, 200, r.text);
  r = await teacher.req('/api/v1/home');
  assert.equal(r.status, 200, r.text);
  const klass = r.body.classes[0].id;
  const roster = async () => {
    const x = await teacher.req(`/api/v1/classes/${klass}/students`);
    assert.equal(x.status, 200, x.text);
    return x.body.students.map((s) => s.id);
  };
  const ids = await roster();
  assert.ok(ids.length >= 2, 'the class has two students');
  const student = async (id) => teacher.req(`/api/v1/users/${id}`);
  const sid = async (id) => { const x = await student(id); assert.equal(x.status, 200, x.text); return x.body.sourced_id; };
  const [a, b] = [ids[0], ids[1]];
  const [sa, sb] = [await sid(a), await sid(b)];
  // the enrolments that tie each student to this teacher (every class of theirs the student is in)
  const x = exported();
  const me = x.users.find((u) => u.username === srv.login('teacher').username).sourcedId;
  const mine = new Set(x.enrollments.filter((e) => e.userSourcedId === me && e.role === 'teacher' && e.status === 'active').map((e) => e.classSourcedId));
  const ties = (s) => x.enrollments.filter((e) => e.userSourcedId === s && mine.has(e.classSourcedId) && e.status === 'active');
  assert.ok(ties(sa).length >= 1 && ties(sb).length >= 1);

  // a delta marks student a's enrolments tobedeleted (the CLI)
  const dir = join(work, 'end-delta');
  mkdirSync(dir);
  writeFileSync(join(dir, 'manifest.csv'), MANIFEST('1.2', { enrollments: 'delta' }));
  writeFileSync(join(dir, 'enrollments.csv'), [H.enrollments, ...ties(sa).map((e) => csvLine(H.enrollments, { ...e, status: 'tobedeleted', dateLastModified: WHEN }))].join('\n') + '\n');
  const cli = trellis(['import', 'oneroster', '--db', srv.db, '--json', dir]);
  assert.equal(cli.status, 0, cli.stderr);
  assert.equal(JSON.parse(cli.stdout).files['enrollments.csv'].updated, ties(sa).length);
  r = await student(a);
  assert.equal(r.status, 404, r.text);
  assert.ok(!(await roster()).includes(a), 'the class roster no longer lists student a');
  assert.equal((await student(b)).status, 200);

  // a bulk enrollments.csv without student b's enrolments (the upload route) deactivates them
  const now = exported();
  const keep = now.enrollments.filter((e) => !(e.userSourcedId === sb && mine.has(e.classSourcedId)));
  const body = makeZip(join(work, 'end-bulk.zip'), {
    'manifest.csv': MANIFEST('1.2', { enrollments: 'bulk' }),
    'enrollments.csv': [H.enrollments, ...keep.map((e) => csvLine(H.enrollments, e))].join('\n') + '\n',
  });
  r = await upload(body, client);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.files['enrollments.csv'].deactivated, ties(sb).length);
  r = await student(b);
  assert.equal(r.status, 404, r.text);
  assert.ok(!(await roster()).includes(b), 'the class roster no longer lists student b');
});

// Identity, access control and audit against the demo district: each role logs in and sees
// exactly what it may (404 for everything else), login throttling and back-off, CSRF, session
// time-outs, the second factor (RFC 6238) for administrators and counsellors, QR login cards,
// deactivated roster records, the bulk-export tripwire, and the hash-chained audit log
// (`trellis audit show` / `trellis audit verify`, which names an entry altered with sqlite3).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { trellis, sqlShell } from './lib/trellis.mjs';
import { demoServer, Client, nextTotp, totpAt } from './lib/auth.mjs';

let srv;
let addrN = 0;
// each test gets its own client address (the server trusts X-Forwarded-For), so throttles
// of one test never touch another
const client = () => new Client(srv.url, `198.51.100.${++addrN}`);
// the backend's own shell (sqlite3 or psql), as an operator with database access would use it
const sql = (db, q) => sqlShell(db, q);

// what the demo's people can reach, found through the API itself
const known = {};

before(async () => {
  srv = await demoServer({ TRELLIS_TRUST_PROXY: 'true', TRELLIS_LOGIN_MAX_FAILURES: '3' });
  const t1 = client();
  assert.equal((await t1.login(srv.logins.find((l) => l.username === 'rbianchi6') || srv.login('teacher'))).status, 200);
  const home1 = (await t1.req('/api/v1/home')).body;
  known.teacher1 = { classes: home1.classes.map((c) => c.id) };
  known.roster1 = (await t1.req(`/api/v1/classes/${home1.classes[0].id}/students`)).body.students.map((s) => s.id);
  const teachers = srv.logins.filter((l) => l.role === 'teacher');
  assert.ok(teachers.length >= 2, 'the demo has two teacher logins');
  const t2 = client();
  assert.equal((await t2.login(teachers[1])).status, 200);
  const home2 = (await t2.req('/api/v1/home')).body;
  known.teacher2 = { classes: home2.classes.map((c) => c.id) };
  known.roster2 = (await t2.req(`/api/v1/classes/${home2.classes[0].id}/students`)).body.students.map((s) => s.id);
  known.teacherLogins = teachers;
});
after(async () => { await srv?.cleanup(); });

test('every demo role logs in; /me names the person, roles, district, CSRF token and language', async () => {
  for (const role of ['student', 'guardian', 'teacher', 'counsellor', 'school_admin', 'district_admin']) {
    const c = client();
    const l = srv.login(role);
    assert.ok(l, `the demo logins include a ${role}`);
    const r = await c.login(l);
    assert.equal(r.status, 200, `${role}: ${r.text}`);
    const sc = r.headers.get('set-cookie');
    assert.match(sc, /trellis_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax/);
    assert.doesNotMatch(sc, /Secure/, 'plain HTTP without secure_cookies: no Secure flag');
    const me = (await c.req('/api/v1/me')).body;
    assert.equal(me.username, l.username);
    assert.ok(me.roles.includes(role), `${role} in ${me.roles}`);
    assert.match(me.district.name, /Cedar Valley/);
    assert.match(me.csrf_token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(me.mfa.required, ['counsellor', 'school_admin', 'district_admin'].includes(role));
    assert.equal(me.mfa.enrolled, me.mfa.required, 'the demo enrols exactly the accounts that need it');
    assert.ok(['en', 'es'].includes(me.lang));
    const home = (await c.req('/api/v1/home')).body;
    assert.equal(home.role, role);
  }
});

test('a teacher sees the rosters of their own current classes and nothing else', async () => {
  const c = client();
  await c.login(srv.logins.find((l) => l.username === 'rbianchi6') || srv.login('teacher'));
  const home = (await c.req('/api/v1/home')).body;
  assert.ok(home.classes.length > 0);
  for (const cl of home.classes.slice(0, 3)) {
    const r = await c.req(`/api/v1/classes/${cl.id}/students`);
    assert.equal(r.status, 200);
    assert.equal(r.body.class.id, cl.id);
    assert.equal(r.body.students.length, cl.students);
  }
  for (const id of known.teacher2.classes.slice(0, 3)) {
    const r = await c.req(`/api/v1/classes/${id}/students`);
    assert.equal(r.status, 404, 'another teacher\'s class is not found');
    assert.equal(r.body.code, 'not_found');
  }
  const none = await c.req('/api/v1/classes/999999/students');
  assert.deepEqual(none.body, (await c.req(`/api/v1/classes/${known.teacher2.classes[0]}/students`)).body,
    'a class that does not exist and one that may not be seen answer alike');
  assert.equal((await c.req(`/api/v1/users/${known.roster1[0]}`)).status, 200, 'a student of the class');
  const outsider = await c.req(`/api/v1/users/${known.roster2[0]}`);
  assert.equal(outsider.status, 404, 'a student outside the teacher\'s classes');
  const r = await c.req(`/api/v1/users/${known.roster1[0]}`);
  assert.equal(r.body.email, undefined, 'teachers do not get sealed contact data');
});

test('a student sees themself only; a guardian their own children only', async () => {
  const s = client();
  await s.login(srv.login('student'));
  const me = (await s.req('/api/v1/me')).body;
  const self = await s.req(`/api/v1/users/${me.id}`);
  assert.equal(self.status, 200);
  assert.equal(self.body.username, srv.login('student').username);
  assert.match(self.body.email, /@students\.cedarvalley\.example$/, 'their own contact data, unsealed');
  const other = known.roster1.find((id) => id !== me.id);
  assert.equal((await s.req(`/api/v1/users/${other}`)).status, 404);
  const home = (await s.req('/api/v1/home')).body;
  assert.ok(home.classes.length > 0);
  assert.equal((await s.req(`/api/v1/classes/${home.classes[0].id}/students`)).status, 403,
    'a student may see their class, not list its roster');

  const g = client();
  await g.login(srv.login('guardian'));
  const gh = (await g.req('/api/v1/home')).body;
  assert.equal(gh.role, 'guardian');
  // the demo guardian is the parent of the demo student and of a twin in the same classes
  assert.equal(gh.children.length, 2);
  const kids = new Set(gh.children.map((c) => c.id));
  assert.ok(kids.has(me.id), 'the demo guardian is the demo student\'s parent');
  for (const c of gh.children) assert.ok(c.classes.length > 0);
  for (const id of kids) assert.equal((await g.req(`/api/v1/users/${id}`)).status, 200);
  const notTheirs = known.roster1.find((id) => !kids.has(id));
  for (const id of [notTheirs, known.roster2[0]])
    assert.equal((await g.req(`/api/v1/users/${id}`)).status, 404, 'another child is not found');
});

test('counsellors read their school\'s students; school admins their school; district admins all', async () => {
  const cn = client();
  await cn.login(srv.login('counsellor'));
  const ch = (await cn.req('/api/v1/home')).body;
  assert.equal(ch.schools.length, 1);
  // the counsellor is at the middle school, where the second demo teacher teaches
  assert.equal((await cn.req(`/api/v1/users/${known.roster2[0]}`)).status, 200);
  assert.equal((await cn.req(`/api/v1/users/${known.roster1[0]}`)).status, 404);
  assert.equal((await cn.req(`/api/v1/classes/${known.teacher2.classes[0]}/students`)).status, 200);
  assert.equal((await cn.req(`/api/v1/classes/${known.teacher2.classes[0]}/cards`)).status, 403,
    'counsellors read; they do not issue credentials');

  const sa = client();
  await sa.login(srv.login('school_admin'));
  const sh = (await sa.req('/api/v1/home')).body;
  assert.equal(sh.schools.length, 1);
  assert.ok(sh.schools[0].students > 0 && sh.schools[0].teachers > 0 && sh.schools[0].classes > 0);
  assert.equal((await sa.req(`/api/v1/users/${known.roster1[0]}`)).status, 200);
  assert.equal((await sa.req(`/api/v1/users/${known.roster2[0]}`)).status, 404);

  const da = client();
  await da.login(srv.login('district_admin'));
  const dh = (await da.req('/api/v1/home')).body;
  assert.equal(dh.schools.length, 3);
  for (const id of [known.roster1[0], known.roster2[0]]) {
    const r = await da.req(`/api/v1/users/${id}`);
    assert.equal(r.status, 200);
    assert.ok(r.body.email, 'administrators get sealed contact data');
  }
});

test('nobody logged in gets 401 from every personal endpoint', async () => {
  const c = client();
  for (const p of ['/api/v1/me', '/api/v1/home', `/api/v1/users/${known.roster1[0]}`, `/api/v1/classes/${known.teacher1.classes[0]}/students`]) {
    const r = await c.req(p);
    assert.equal(r.status, 401, p);
  }
});

test('unknown name and wrong password get the same answer; throttling backs off and lifts', async () => {
  const c = client();
  const l = srv.login('student');
  const unknown = await c.req('/api/v1/session', { method: 'POST', json: { username: 'nobody-here', password: 'whatever-long' } });
  const wrong = await c.req('/api/v1/session', { method: 'POST', json: { username: l.username, password: 'wrong-password' } });
  assert.equal(unknown.status, 401);
  assert.deepEqual(unknown.body, wrong.body, 'no hint whether the name exists');
  assert.equal(wrong.body.code, 'invalid_credentials');
  // login_max_failures = 3: the third failure of this name from this address starts a 1 s wait
  for (let i = 0; i < 2; i++) {
    const r = await c.req('/api/v1/session', { method: 'POST', json: { username: l.username, password: 'wrong-password' } });
    assert.equal(r.status, 401);
  }
  const blocked = await c.req('/api/v1/session', { method: 'POST', json: { username: l.username, password: l.password } });
  assert.equal(blocked.status, 429, 'even the right password waits');
  assert.equal(blocked.body.code, 'too_many_requests');
  assert.match(blocked.body.detail, /^Too many attempts: try again in \d+ seconds$/);
  assert.ok(blocked.body.retry_after >= 1);
  assert.equal(blocked.headers.get('retry-after'), String(blocked.body.retry_after));
  // the wait is per name and address: the same person from elsewhere is not shut out
  const elsewhere = client();
  assert.equal((await elsewhere.login(l)).status, 200);
  // each further failure doubles the wait
  await new Promise((r) => setTimeout(r, blocked.body.retry_after * 1000 + 50));
  await c.req('/api/v1/session', { method: 'POST', json: { username: l.username, password: 'wrong-password' } });
  const longer = await c.req('/api/v1/session', { method: 'POST', json: { username: l.username, password: l.password } });
  assert.equal(longer.status, 429);
  assert.ok(longer.body.retry_after >= 2, `doubled: ${longer.body.retry_after}`);
  await new Promise((r) => setTimeout(r, longer.body.retry_after * 1000 + 50));
  assert.equal((await c.login(l)).status, 200, 'after the wait the right password works');
  // a success clears the count
  const again = await c.req('/api/v1/session', { method: 'POST', json: { username: l.username, password: 'wrong-password' } });
  assert.equal(again.status, 401);
});

test('CSRF: writes with the session cookie need X-CSRF-Token; logins need a same-origin Origin', async () => {
  const c = client();
  await c.login(srv.login('teacher'));
  let r = await c.req('/api/v1/me/lang', { method: 'POST', json: { lang: 'es' }, csrf: false });
  assert.equal(r.status, 403);
  assert.equal(r.body.code, 'csrf');
  r = await c.req('/api/v1/me/lang', { method: 'POST', json: { lang: 'es' }, headers: { 'x-csrf-token': 'A'.repeat(43) }, csrf: false });
  assert.equal(r.status, 403);
  r = await c.req('/api/v1/me/lang', { method: 'POST', json: { lang: 'es' } });
  assert.equal(r.status, 204);
  assert.equal((await c.req('/api/v1/me')).body.lang, 'es');
  r = await c.req('/api/v1/session', { method: 'DELETE', csrf: false });
  assert.equal(r.status, 403, 'logging out is a write too');
  const evil = client();
  r = await evil.req('/api/v1/session', { method: 'POST', json: { username: 'x', password: 'y' }, headers: { origin: 'https://evil.example' } });
  assert.equal(r.status, 403);
  r = await evil.req('/api/v1/session', { method: 'POST', body: 'username=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(r.status, 415, 'a form post cannot log in');
  r = await c.req('/api/v1/session', { method: 'DELETE' });
  assert.equal(r.status, 204);
  assert.equal((await c.req('/api/v1/me')).status, 401, 'logged out');
});

test('TOTP is required for administrators and counsellors, and a code works once', async () => {
  const l = srv.login('district_admin');
  const c = client();
  let r = await c.req('/api/v1/session', { method: 'POST', json: { username: l.username, password: l.password } });
  assert.equal(r.status, 401);
  assert.equal(r.body.code, 'second_factor_required');
  const code = await nextTotp(l.totp_secret);
  r = await c.req('/api/v1/session', { method: 'POST', json: { username: l.username, password: l.password, totp: code } });
  assert.equal(r.status, 200);
  const replay = client();
  r = await replay.req('/api/v1/session', { method: 'POST', json: { username: l.username, password: l.password, totp: code } });
  assert.equal(r.status, 401, 'RFC 6238 section 5.2: a code is accepted once');
  assert.equal(r.body.code, 'invalid_credentials');
  r = await replay.req('/api/v1/session', { method: 'POST', json: { username: l.username, password: l.password, totp: '000000' === code ? '111111' : '000000' } });
  assert.equal(r.status, 401);
});

test('an account that needs a second factor and has none can only enrol; recovery codes work once', async () => {
  const add = trellis(['admin', 'add-account', '--db', srv.db, '--username', 'c.nurse', '--name', 'Casey Nurse', '--role', 'counsellor', '--school', 'sch-003']);
  assert.equal(add.status, 0, add.stderr);
  const { password } = JSON.parse(add.stdout);
  const acct = { username: 'c.nurse', password };
  const c = client();
  let r = await c.login(acct);
  assert.equal(r.status, 200);
  assert.deepEqual([r.body.mfa.required, r.body.mfa.enrolled], [true, false]);
  r = await c.req('/api/v1/home');
  assert.deepEqual(r.body, { role: 'counsellor', enrol_required: true }, 'nothing but enrolment');
  assert.equal((await c.req(`/api/v1/users/${known.roster2[0]}`)).status, 403);
  r = await c.req('/api/v1/me/totp', { method: 'POST' });
  assert.equal(r.status, 200);
  assert.match(r.body.otpauth_uri, /^otpauth:\/\/totp\/Trellis:c\.nurse\?secret=[A-Z2-7]{32}&issuer=Trellis&algorithm=SHA1&digits=6&period=30$/);
  assert.match(r.body.qr_svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 \d+ \d+"/);
  const secret = r.body.secret;
  r = await c.req('/api/v1/me/totp/confirm', { method: 'POST', json: { totp: '123' } });
  assert.equal(r.status, 400);
  r = await c.req('/api/v1/me/totp/confirm', { method: 'POST', json: { totp: await nextTotp(secret) } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.recovery_codes.length, 10);
  const rc = r.body.recovery_codes[0];
  assert.match(rc, /^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
  assert.equal((await c.req('/api/v1/home')).status, 200);
  assert.equal((await c.req(`/api/v1/users/${known.roster2[0]}`)).status, 200);
  // a recovery code instead of the authenticator, once
  const d = client();
  r = await d.req('/api/v1/session', { method: 'POST', json: { ...acct, totp: rc.toLowerCase() } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.mfa.recovery_codes_left, 9);
  r = await client().req('/api/v1/session', { method: 'POST', json: { ...acct, totp: rc } });
  assert.equal(r.status, 401);
  // re-enrolling needs a fresh second factor: d has one (it just used a recovery code)
  assert.equal((await d.req('/api/v1/me/totp', { method: 'POST' })).status, 200);
  // the operator can remove a lost factor: then enrolment only, again
  assert.equal(trellis(['admin', 'reset-totp', '--db', srv.db, '--username', 'c.nurse']).status, 0);
  assert.equal((await d.req('/api/v1/me')).status, 401, 'the reset ended the sessions');
  r = await client().login(acct);
  assert.equal(r.status, 200);
  assert.equal(r.body.mfa.enrolled, false);
  void totpAt;
});

test('QR login cards: a teacher prints them, a student logs in with one, revoking stops it', async () => {
  const t = client();
  await t.login(srv.logins.find((l) => l.username === 'rbianchi6') || srv.login('teacher'));
  const classId = known.teacher1.classes[0];
  let r = await t.req(`/api/v1/classes/${classId}/cards`);
  assert.equal(r.status, 200);
  assert.equal(r.body.class.id, classId);
  assert.ok(r.body.cards.length > 0);
  const card = r.body.cards[0];
  assert.match(card.code, /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  assert.equal(card.url, `${srv.url}/card#${card.code.replaceAll('-', '')}`);
  assert.match(card.qr_svg, /^<svg /);
  const again = await t.req(`/api/v1/classes/${classId}/cards`);
  assert.equal(again.body.cards[0].code, card.code, 'the same card prints again');
  assert.equal((await t.req(`/api/v1/classes/${known.teacher2.classes[0]}/cards`)).status, 404);

  // the student also has a password session: revoking the card leaves that one alone
  const username = sql(srv.db, `SELECT username FROM users WHERE id = ${card.student.id}`);
  const pw = trellis(['admin', 'set-password', '--db', srv.db, '--username', username]);
  assert.equal(pw.status, 0, pw.stderr);
  const p = client();
  assert.equal((await p.login({ username, password: JSON.parse(pw.stdout).password })).status, 200);
  const s = client();
  r = await s.req('/api/v1/session/card', { method: 'POST', json: { code: card.code.toLowerCase() } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.id, card.student.id);
  assert.deepEqual(r.body.roles, ['student']);
  const s2 = client();
  r = await s2.req('/api/v1/session/card', { method: 'POST', json: { code: card.url } });
  assert.equal(r.status, 200, 'the scanned URL works as well as the typed code');
  r = await t.req(`/api/v1/classes/${classId}/cards/${card.student.id}/revoke`, { method: 'POST' });
  assert.equal(r.status, 204);
  for (const c of [s, s2]) {
    r = await c.req('/api/v1/me');
    assert.equal(r.status, 401, 'the sessions opened with the revoked card ended');
    assert.equal(r.headers.get('trellis-session-ended'), 'card', 'and the page is told why');
  }
  assert.equal((await p.req('/api/v1/me')).status, 200, 'a password session is not the card\'s');
  r = await client().req('/api/v1/session/card', { method: 'POST', json: { code: card.code } });
  assert.equal(r.status, 401);
  assert.equal(r.body.code, 'invalid_credentials');
  const fresh = (await t.req(`/api/v1/classes/${classId}/cards`)).body.cards.find((x) => x.student.id === card.student.id);
  assert.notEqual(fresh.code, card.code, 'a new card replaces the revoked one');
  assert.equal((await client().req('/api/v1/session/card', { method: 'POST', json: { code: fresh.code } })).status, 200);
  // a wrong code is a failed login like a wrong password, throttled per address
  const g = client();
  for (let i = 0; i < 2; i++)
    assert.equal((await g.req('/api/v1/session/card', { method: 'POST', json: { code: 'AAAA-BBBB-CCCC' } })).status, 401);
});

test('a person deactivated in the roster can no longer log in, and their sessions end', async () => {
  const t = client();
  const l = srv.login('guardian');
  assert.equal((await t.login(l)).status, 200);
  sql(srv.db, `UPDATE users SET enabled_user = 0 WHERE username = '${l.username}'`);
  assert.equal((await t.req('/api/v1/me')).status, 401, 'the open session ended');
  // a wrong password learns nothing; the right one is told the account is off
  let r = await client().req('/api/v1/session', { method: 'POST', json: { username: l.username, password: 'not-the-password' } });
  assert.equal(r.status, 401);
  assert.equal(r.body.code, 'invalid_credentials');
  r = await client().login(l);
  assert.equal(r.status, 403);
  assert.equal(r.body.code, 'account_disabled');
  sql(srv.db, `UPDATE users SET enabled_user = 1 WHERE username = '${l.username}'`);
  assert.equal((await client().login(l)).status, 200);
});

test('a turned-off account says so at login, but only to someone who gave its right password', async () => {
  const add = trellis(['admin', 'add-account', '--db', srv.db, '--username', 'off.teacher', '--name', 'Robin Off', '--role', 'teacher', '--school', 'sch-001']);
  assert.equal(add.status, 0, add.stderr);
  const acct = { username: 'off.teacher', password: JSON.parse(add.stdout).password };
  const t = client();
  assert.equal((await t.login(acct)).status, 200);
  assert.equal(trellis(['admin', 'disable', '--db', srv.db, '--username', acct.username]).status, 0);
  let r = await t.req('/api/v1/me');
  assert.equal(r.status, 401, 'turning it off ended its session');
  assert.equal(r.headers.get('trellis-session-ended'), 'off');
  const c = client();
  const unknown = await c.req('/api/v1/session', { method: 'POST', json: { username: 'nobody-at-all', password: 'not-the-password' } });
  const wrong = await c.req('/api/v1/session', { method: 'POST', json: { username: acct.username, password: 'not-the-password' } });
  assert.equal(wrong.status, 401);
  assert.deepEqual(wrong.body, unknown.body, 'without the password, a turned-off account looks like any other');
  r = await c.login(acct);
  assert.equal(r.status, 403);
  assert.equal(r.body.code, 'account_disabled');
  assert.equal(r.body.detail, 'This account is turned off: ask your school\'s administrator');
  assert.equal(r.headers.get('set-cookie'), null, 'no session');
  assert.equal(trellis(['admin', 'enable', '--db', srv.db, '--username', acct.username]).status, 0);
  assert.equal((await c.login(acct)).status, 200);
});

test('school and district administrators without a second factor can only enrol', async () => {
  for (const [role, school] of [['school_admin', 'sch-001'], ['district_admin', null]]) {
    const username = `noenrol.${role}`;
    const args = ['admin', 'add-account', '--db', srv.db, '--username', username, '--name', 'Alex Admin', '--role', role];
    if (school) args.push('--school', school);
    const add = trellis(args);
    assert.equal(add.status, 0, add.stderr);
    const c = client();
    let r = await c.login({ username, password: JSON.parse(add.stdout).password });
    assert.equal(r.status, 200, `${role}: ${r.text}`);
    assert.deepEqual(r.body.roles, [role]);
    assert.deepEqual([r.body.mfa.required, r.body.mfa.enrolled], [true, false], role);
    r = await c.req('/api/v1/home');
    assert.deepEqual(r.body, { role, enrol_required: true }, `${role}: nothing but enrolment`);
    for (const path of [`/api/v1/users/${known.roster1[0]}`, `/api/v1/classes/${known.teacher1.classes[0]}/students`,
      `/api/v1/classes/${known.teacher1.classes[0]}/cards`]) {
      r = await c.req(path);
      assert.equal(r.status, 403, `${role} ${path}`);
    }
    assert.equal((await c.req('/api/v1/me/totp', { method: 'POST' })).status, 200, `${role} may enrol`);
  }
});

test('every access is in the audit log with who, where, what, which student, request id and purpose', async () => {
  const t = client();
  const l = srv.logins.find((x) => x.username === 'rbianchi6') || srv.login('teacher');
  await t.login(l);
  const classId = known.teacher1.classes[1];
  const r = await t.req(`/api/v1/classes/${classId}/students`);
  assert.equal(r.status, 200);
  const reqId = r.headers.get('x-request-id');
  const student = r.body.students[0].id;
  const show = trellis(['audit', 'show', '--db', srv.db, '--student', String(student), '--json']);
  assert.equal(show.status, 0, show.stderr);
  const entries = show.stdout.trim().split('\n').map((x) => JSON.parse(x));
  const e = entries.find((x) => x.request_id === reqId);
  assert.ok(e, 'the roster read is on record for each student on it');
  assert.equal(e.actor, l.username);
  assert.equal(e.action, 'list');
  assert.equal(e.object, `class:${classId}`);
  assert.equal(e.from, t.addr);
  assert.equal(e.purpose, 'class roster');
  assert.ok(e.subjects.split(',').map(Number).includes(student));
  // logins and failed logins are on record too
  const recent = trellis(['audit', 'show', '--db', srv.db, '--json', '--limit', '100000']);
  const all = recent.stdout.trim().split('\n').map((x) => JSON.parse(x));
  assert.ok(all.some((x) => x.action === 'login' && x.actor === l.username && x.outcome === 'ok'));
  assert.ok(all.some((x) => x.action === 'login_failed'));
  assert.ok(all.some((x) => x.action === 'admin' && x.object.startsWith('account:')));
  // a denied read leaves no disclosure entry
  const s = client();
  await s.login(srv.login('student'));
  const denied = await s.req(`/api/v1/users/${known.roster2[0]}`);
  assert.equal(denied.status, 404);
});

test('trellis audit verify passes, then names the entry altered with the sqlite3 shell', async () => {
  let v = trellis(['audit', 'verify', '--db', srv.db]);
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, /^audit log intact: \d+ entries in \d+ chains/);
  const id = Number(sql(srv.db, "SELECT id FROM audit_log WHERE action = 'list' ORDER BY id LIMIT 1"));
  sql(srv.db, `UPDATE audit_log SET actor_name = 'someone else' WHERE id = ${id}`);
  v = trellis(['audit', 'verify', '--db', srv.db]);
  assert.equal(v.status, 1);
  assert.match(v.stderr, new RegExp(`entry ${id} \\(chain \\d+, #\\d+\\) was altered`));
  assert.match(v.stdout, new RegExp(`first bad entry: ${id}`));
});

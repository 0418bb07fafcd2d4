// Breach drills: the failures behind recent school-data breaches (PowerSchool, December 2024:
// a contractor's support credential with no second factor, used to export whole Students and
// Teachers tables; Illuminate: a former employee's credential still working years later),
// replayed against Trellis end to end. Each drill is written as the attacker would try it and
// passes only when Trellis stops it, or, where Trellis lets an integration through by design,
// when the district cannot miss it (`trellis security check`). SQLite, and PostgreSQL as
// e2e_pg_breach.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { trellis, sqlShell, request } from './lib/trellis.mjs';
import { demoServer, Client } from './lib/auth.mjs';

const servers = [];
after(async () => {
  for (const s of servers) await s.stop();
});

const DAY = 86400000;
const auditRows = (db) => trellis(['audit', 'show', '--db', db, '--json', '--limit', '100000']).stdout.trim().split('\n').filter(Boolean).map((x) => JSON.parse(x));
const securityCheck = (db) => {
  const r = trellis(['security', 'check', '--db', db, '--json']);
  return { status: r.status, ...JSON.parse(r.stdout), find: (name) => JSON.parse(r.stdout).checks.find((c) => c.check === name) };
};

test('drill 1: a contractor account unused for months cannot log in', async () => {
  const srv = await demoServer();
  servers.push(srv);
  const school = sqlShell(srv.db, "SELECT sourced_id FROM orgs WHERE type = 'school' ORDER BY id LIMIT 1");
  const add = trellis(['admin', 'add-account', '--db', srv.db, '--username', 'acme.support', '--name', 'Acme Support', '--role', 'teacher', '--school', school]);
  assert.equal(add.status, 0, add.stderr);
  const acct = { username: 'acme.support', password: JSON.parse(add.stdout).password };
  // while the contract runs, the account works
  assert.equal((await new Client(srv.url, '203.0.113.10').login(acct)).status, 200);
  // the contract ended four months ago: nobody turned the account off
  const ago = Date.now() - 120 * DAY;
  sqlShell(srv.db, `UPDATE accounts SET created_at = ${ago}, password_set_at = ${ago}, last_login_at = ${ago} WHERE login = 'acme.support'`);
  // the security check names it before anyone uses it
  const sc = securityCheck(srv.db);
  assert.equal(sc.find('stale_accounts').status, 'action');
  assert.deepEqual(sc.find('stale_accounts').items.map((i) => i.login), ['acme.support']);
  // its credential, stolen, from somewhere else: the right password is refused
  const attacker = new Client(srv.url, '198.51.100.66');
  const r = await attacker.login(acct);
  assert.equal(r.status, 403, r.text);
  assert.equal(r.body.code, 'account_disabled');
  assert.equal((await attacker.req('/api/v1/home')).status, 401, 'no session');
  const refused = auditRows(srv.db).filter((e) => e.action === 'login_failed' && e.actor === 'acme.support');
  assert.ok(refused.some((e) => e.outcome === 'denied' && /unused for over 90 days/.test(e.detail)), 'the refusal is on record');
  // an administrator who means it gives a new password: the account works again
  const set = trellis(['admin', 'set-password', '--db', srv.db, '--username', 'acme.support']);
  assert.equal(set.status, 0, set.stderr);
  const fresh = { username: 'acme.support', password: JSON.parse(set.stdout).password };
  assert.equal((await new Client(srv.url, '203.0.113.10').login(fresh)).status, 200);
  // a rostered teacher away as long is not refused: the roster, not the calendar, ends them
  const teacher = srv.login('teacher');
  sqlShell(srv.db, `UPDATE accounts SET last_login_at = ${ago}, password_set_at = ${ago}, created_at = ${ago} WHERE login = '${teacher.username}'`);
  assert.equal((await new Client(srv.url, '203.0.113.11').login(teacher)).status, 200);
});

test('drill 3: a bulk export of the whole district is never silent', async () => {
  const srv = await demoServer({ TRELLIS_EXPORT_ALERT_LIMIT: '20' });
  servers.push(srv);
  assert.equal(securityCheck(srv.db).find('export_alerts').status, 'ok', 'nothing went off yet');
  // a vendor's integration key (roster/read) in the wrong hands pulls every class's students
  const add = trellis(['admin', 'add-client', '--db', srv.db, '--name', 'Vendor sync', '--scope', 'roster/read']);
  assert.equal(add.status, 0, add.stderr);
  const { key, secret } = JSON.parse(add.stdout);
  const auth = { authorization: 'Basic ' + Buffer.from(`${key}:${secret}`).toString('base64') };
  const classes = sqlShell(srv.db, 'SELECT id FROM classes ORDER BY id').split('\n');
  const students = new Set();
  for (const id of classes) {
    const r = await request(srv.url, `/api/v1/classes/${id}/students`, { headers: auth });
    assert.equal(r.status, 200, r.text); // an integration is alerted on, never stopped (it syncs rosters)
    for (const s of r.body.students || []) students.add(s.id);
  }
  assert.ok(students.size > 100, `the whole district: ${students.size} students`);
  // every record that left is on record, and the tripwire went off for the client
  const rows = auditRows(srv.db);
  const alerts = rows.filter((e) => e.action === 'alert' && /bulk-export tripwire/.test(e.detail));
  assert.ok(alerts.some((e) => e.actor === 'Vendor sync'), 'an alert names the client');
  // the district's self-check does not let it pass unseen
  const sc = securityCheck(srv.db);
  assert.equal(sc.status, 1);
  const f = sc.find('export_alerts');
  assert.equal(f.status, 'action');
  assert.ok(f.items.some((i) => i.actor === 'Vendor sync' && i.actor_kind === 'client'), JSON.stringify(f.items));
  // a person's session pulling as much without a fresh second factor is stopped outright
  const t = new Client(srv.url, '198.51.100.67');
  assert.equal((await t.login(srv.login('teacher'))).status, 200);
  const home = (await t.req('/api/v1/home')).body;
  let blocked = null;
  for (const c of home.classes) {
    const r = await t.req(`/api/v1/classes/${c.id}/students`);
    if (r.status !== 200) {
      blocked = r;
      break;
    }
  }
  assert.ok(blocked, 'the teacher was stopped before the end');
  assert.equal(blocked.status, 403);
  assert.equal(blocked.body.code, 'second_factor_required');
});

test('drill 2: an administrator\'s stolen password, with no second factor, opens nothing', async () => {
  const srv = await demoServer();
  servers.push(srv);
  // a district administrator whose second factor was removed weeks ago and never set up again
  const admin = srv.login('district_admin');
  assert.equal(trellis(['admin', 'reset-totp', '--db', srv.db, '--username', admin.username]).status, 0);
  const weeks = Date.now() - 21 * DAY;
  sqlShell(srv.db, `UPDATE accounts SET password_set_at = ${weeks}, mfa_enrol_until = ${weeks + 3 * DAY} WHERE login = '${admin.username}'`);
  // the security check names the administrator
  const sc = securityCheck(srv.db);
  assert.ok(sc.find('second_factor').items.some((i) => i.login === admin.username));
  // the attacker has the password: a session that can do nothing but enrol
  const attacker = new Client(srv.url, '198.51.100.68');
  let r = await attacker.login({ username: admin.username, password: admin.password });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.body.mfa.required, r.body.mfa.enrolled], [true, false]);
  const anyStudent = sqlShell(srv.db, "SELECT id FROM users WHERE role = 'student' ORDER BY id LIMIT 1");
  assert.equal((await attacker.req(`/api/v1/users/${anyStudent}`)).status, 403, 'no student record');
  assert.equal((await attacker.req('/api/v1/districts/1/people')).status, 403, 'no roster');
  // ... and cannot enrol an authenticator of its own: the window an administrator opened is shut
  r = await attacker.req('/api/v1/me/totp', { method: 'POST' });
  assert.equal(r.status, 403, r.text);
  assert.match(r.body.detail, /ask an administrator for a new password/);
  assert.equal(sqlShell(srv.db, `SELECT COUNT(*) FROM accounts WHERE login = '${admin.username}' AND totp_pending_sealed IS NOT NULL`), '0');
  // nor change the password to shut the owner out (nor so reopen the window)
  const hash = sqlShell(srv.db, `SELECT password_hash FROM accounts WHERE login = '${admin.username}'`);
  r = await attacker.req('/api/v1/me/password', { method: 'POST', json: { current_password: admin.password, password: 'harbor-violet-stone-27' } });
  assert.equal(r.status, 403, r.text);
  assert.match(r.body.detail, /^password: set up two-step verification first/);
  assert.equal(sqlShell(srv.db, `SELECT password_hash FROM accounts WHERE login = '${admin.username}'`), hash, 'unchanged');
  r = await attacker.req('/api/v1/me/totp', { method: 'POST' });
  assert.equal(r.status, 403, r.text);
  // the real administrator, given a new password by another administrator, enrols at once
  const set = trellis(['admin', 'set-password', '--db', srv.db, '--username', admin.username]);
  assert.equal(set.status, 0, set.stderr);
  const owner = new Client(srv.url, '203.0.113.12');
  assert.equal((await owner.login({ username: admin.username, password: JSON.parse(set.stdout).password })).status, 200);
  assert.equal((await owner.req('/api/v1/me/totp', { method: 'POST' })).status, 200);
});

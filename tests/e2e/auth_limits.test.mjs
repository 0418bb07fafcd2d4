// Time-outs and the bulk-export tripwire, each on a server of its own with short limits:
// a session ends after session_idle_sec without use (session_max_hours is covered by the
// unit test of the service with a swapped clock), and a person who receives more student
// records within an hour than export_alert_limit needs a fresh second factor, with an alert
// entry in the audit log.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { trellis } from './lib/trellis.mjs';
import { demoServer, Client, nextTotp } from './lib/auth.mjs';

const servers = [];
after(async () => { for (const s of servers) await s.cleanup(); });

test('a session ends after the idle time-out and the cookie is cleared', async () => {
  const srv = await demoServer({ TRELLIS_SESSION_IDLE_SEC: '2' });
  servers.push(srv);
  const c = new Client(srv.url);
  assert.equal((await c.login(srv.login('student'))).status, 200);
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await c.req('/api/v1/me')).status, 200, 'use keeps it alive');
  }
  await new Promise((r) => setTimeout(r, 2300));
  // a page's requests in parallel all carry the old cookie: each is told why it ended,
  // so the page can send its reader to /login?ended=idle&seconds=2 with the reason
  const [r, r2] = await Promise.all([c.req('/api/v1/me'), c.req('/api/v1/home')]);
  for (const x of [r, r2]) {
    assert.equal(x.status, 401, 'idle too long');
    assert.equal(x.headers.get('trellis-session-ended'), 'idle; seconds=2');
    assert.match(x.headers.getSetCookie().join('\n'), /trellis_session=; Path=\/; Max-Age=0/);
  }
  // logging out is not an ending to explain
  const d = new Client(srv.url);
  assert.equal((await d.login(srv.login('student'))).status, 200);
  const cookie = d.cookieHeader();
  assert.equal((await d.req('/api/v1/session', { method: 'DELETE' })).status, 204);
  const after = await d.req('/api/v1/me', { headers: { cookie } });
  assert.equal(after.status, 401);
  assert.equal(after.headers.get('trellis-session-ended'), null);
});

test('the export tripwire counts different students: the same class read again counts once', async () => {
  const srv = await demoServer({ TRELLIS_EXPORT_ALERT_LIMIT: '30' });
  servers.push(srv);
  // the demo teacher teaches 23 students in five classes (homeroom and four subjects)
  const t = new Client(srv.url);
  await t.login(srv.login('teacher'));
  const classes = (await t.req('/api/v1/home')).body.classes.map((c) => c.id);
  assert.ok(classes.length >= 2);
  const seen = new Set();
  for (let round = 0; round < 3; round++)
    for (const k of classes) {
      const r = await t.req(`/api/v1/classes/${k}/students`);
      assert.equal(r.status, 200, `class ${k}, round ${round}: ${r.text}`);
      for (const x of r.body.students) seen.add(x.id);
    }
  assert.ok(seen.size > 15 && seen.size <= 30, `${seen.size} different students`);
  // 15 reads of 23 records each: no alert, since no more than 30 different students left
  const show = trellis(['audit', 'show', '--db', srv.db, '--json', '--limit', '100000']);
  const alerts = show.stdout.trim().split('\n').map((x) => JSON.parse(x)).filter((e) => e.action === 'alert');
  assert.deepEqual(alerts.filter((e) => e.actor === srv.login('teacher').username), []);
});

test('the export tripwire asks for a fresh second factor and raises an alert', async () => {
  const srv = await demoServer({ TRELLIS_EXPORT_ALERT_LIMIT: '10' });
  servers.push(srv);
  // a teacher (no second factor) lists a class of about 23: past 10 different students
  const t = new Client(srv.url);
  await t.login(srv.login('teacher'));
  const home = (await t.req('/api/v1/home')).body;
  const id = home.classes[0].id;
  const r = await t.req(`/api/v1/classes/${id}/students`);
  assert.equal(r.status, 403);
  assert.equal(r.body.code, 'second_factor_required');
  // a district administrator passes with a fresh second factor, and is on record
  const l = srv.login('district_admin');
  const a = new Client(srv.url);
  await a.login(l);
  for (let i = 0; i < 3; i++)
    assert.equal((await a.req(`/api/v1/classes/${id}/students`)).status, 200, 'fresh factor at login');
  const show = trellis(['audit', 'show', '--db', srv.db, '--json', '--limit', '100000']);
  const alerts = show.stdout.trim().split('\n').map((x) => JSON.parse(x)).filter((e) => e.action === 'alert');
  assert.ok(alerts.some((e) => e.actor === l.username && e.outcome === 'ok' && /tripwire/.test(e.detail)),
    'an alert for the administrator (allowed)');
  assert.ok(alerts.some((e) => e.outcome === 'denied'), 'an alert for the blocked teacher');
  // step-up in a session: POST /api/v1/session/mfa
  const b = new Client(srv.url);
  await b.login(l);
  assert.equal((await b.req('/api/v1/session/mfa', { method: 'POST', json: { totp: '12' } })).status, 400);
  assert.equal((await b.req('/api/v1/session/mfa', { method: 'POST', json: { totp: await nextTotp(l.totp_secret) } })).status, 204);
});

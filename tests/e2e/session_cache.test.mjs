// The session cache: a session's principal is kept in memory (here for a minute, so that only
// clearing it can end a cached session), and every write through the server clears it at once:
// a logout, an account turned off, a card revoked, roles changed by a roster import. A change
// made behind the server's back (another process) is only seen when the entry runs out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sqlShell, request } from './lib/trellis.mjs';
import { demoServer, Client } from './lib/auth.mjs';

let srv;
before(async () => { srv = await demoServer({ TRELLIS_SESSION_CACHE_MS: '60000' }); });
after(async () => { await srv?.cleanup(); });

const client = () => new Client(srv.url);

// two requests: the first reads the session and keeps it, the second is answered from memory
async function cached(c) {
  for (let i = 0; i < 2; i++) assert.equal((await c.req('/api/v1/me')).status, 200);
}

test('the cache is used: a change behind the server\'s back is not seen while the entry lasts', async () => {
  const l = srv.login('counsellor');
  const c = client();
  assert.equal((await c.login(l)).status, 200);
  await cached(c);
  sqlShell(srv.db, `UPDATE accounts SET disabled_at = 1 WHERE login = '${l.username.toLowerCase()}'`);
  assert.equal((await c.req('/api/v1/me')).status, 200, 'kept: no write went through this server');
  // any write through the server clears the cache: the change is seen at once
  const other = client();
  assert.equal((await other.login(srv.login('student'))).status, 200);
  assert.equal((await c.req('/api/v1/me')).status, 401);
  sqlShell(srv.db, `UPDATE accounts SET disabled_at = NULL WHERE login = '${l.username.toLowerCase()}'`);
});

test('logging out ends a cached session at once', async () => {
  const c = client();
  assert.equal((await c.login(srv.login('teacher'))).status, 200);
  await cached(c);
  const cookie = c.cookieHeader();
  assert.equal((await request(srv.url, '/api/v1/me', { headers: { cookie } })).status, 200, 'the cookie alone works');
  assert.equal((await c.req('/api/v1/session', { method: 'DELETE' })).status, 204);
  assert.equal((await request(srv.url, '/api/v1/me', { headers: { cookie } })).status, 401);
});

test('turning an account off ends its cached session at once', async () => {
  const da = client();
  assert.equal((await da.login(srv.login('district_admin'))).status, 200);
  const tl = srv.login('teacher');
  const t = client();
  assert.equal((await t.login(tl)).status, 200);
  const me = (await t.req('/api/v1/me')).body;
  await cached(t);
  assert.equal((await da.req(`/api/v1/accounts/${me.account_id}/disable`, { method: 'POST' })).status, 204);
  const r = await t.req('/api/v1/me');
  assert.equal(r.status, 401, 'a turned-off account\'s cached session stops at once');
  assert.equal(r.headers.get('trellis-session-ended'), 'off');
  assert.equal((await da.req(`/api/v1/accounts/${me.account_id}/enable`, { method: 'POST' })).status, 204);
});

test('revoking a login card ends the cached sessions it opened at once', async () => {
  const t = client();
  assert.equal((await t.login(srv.login('teacher'))).status, 200);
  const classId = (await t.req('/api/v1/home')).body.classes[0].id;
  const card = (await t.req(`/api/v1/classes/${classId}/cards`)).body.cards[0];
  const s = client();
  assert.equal((await s.req('/api/v1/session/card', { method: 'POST', json: { code: card.code } })).status, 200);
  await cached(s);
  assert.equal((await t.req(`/api/v1/classes/${classId}/cards/${card.student.id}/revoke`, { method: 'POST' })).status, 204);
  const r = await s.req('/api/v1/me');
  assert.equal(r.status, 401);
  assert.equal(r.headers.get('trellis-session-ended'), 'card');
});

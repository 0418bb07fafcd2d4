// API clients: created, listed and revoked from the command line; their secrets are
// shown once, stored only as hashes, and Basic credentials are checked on every request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, request, trellis, PG, dumpDb } from './lib/trellis.mjs';

let srv;
before(async () => {
  srv = await startServer();
  const r = trellis(['admin', 'add-district', '--db', srv.db, '--sourced-id', 'd-test', '--name', 'Test District']);
  assert.equal(r.status, 0, r.stderr);
});
after(async () => { await srv.cleanup(); });

const basic = (k, s) => 'Basic ' + Buffer.from(`${k}:${s}`).toString('base64');

test('add-client prints a key and secret once; only a hash is stored', () => {
  const r = trellis(['admin', 'add-client', '--db', srv.db, '--name', 'Quiz tool', '--scope', 'statements/write', '--scope', 'state']);
  assert.equal(r.status, 0, r.stderr);
  const cred = JSON.parse(r.stdout);
  assert.match(cred.key, /^[a-z2-7]{24}$/);
  assert.match(cred.secret, /^[A-Za-z0-9_-]{43}$/);
  // what is stored: the database files (SQLite) or every row (PostgreSQL)
  const raw = PG ? dumpDb(srv.db)
    : readFileSync(srv.db).toString('latin1') + readFileSync(srv.db + '-wal', { flag: 'r' }).toString('latin1');
  assert.ok(raw.includes(cred.key), 'the key is an identifier and is stored');
  assert.ok(!raw.includes(cred.secret), 'the secret must never be stored');
  const list = JSON.parse(trellis(['admin', 'list-clients', '--db', srv.db]).stdout);
  const mine = list.find((c) => c.key === cred.key);
  assert.deepEqual(mine.scopes, ['statements/write', 'state']);
  assert.equal(mine.name, 'Quiz tool');
  assert.equal(mine.revoked, undefined);
});

test('bad scopes and missing names are usage errors naming the option', () => {
  let r = trellis(['admin', 'add-client', '--db', srv.db, '--name', 'x', '--scope', 'everything']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--scope: 'everything' is not one of/);
  r = trellis(['admin', 'add-client', '--db', srv.db, '--scope', 'all']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--name is required/);
  r = trellis(['admin', 'add-client', '--db', srv.db, '--name', 'x', '--scope', 'all', '--district', 'nope']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /district: no district has sourcedId 'nope'/);
});

test('Basic credentials: wrong secret, unknown key and revoked key are 401', async () => {
  const cred = JSON.parse(trellis(['admin', 'add-client', '--db', srv.db, '--name', 'Sim', '--scope', 'all']).stdout);
  let r = await request(srv.url, '/api/v1/version', { headers: { authorization: basic(cred.key, cred.secret) } });
  assert.equal(r.status, 200);
  r = await request(srv.url, '/api/v1/version', { headers: { authorization: basic(cred.key, (cred.secret[0] === 'A' ? 'B' : 'A') + cred.secret.slice(1)) } });
  assert.equal(r.status, 401);
  assert.match(r.headers.get('www-authenticate'), /^Basic /);
  const unknown = await request(srv.url, '/api/v1/version', { headers: { authorization: basic('aaaaaaaaaaaaaaaaaaaaaaaa', cred.secret) } });
  assert.equal(unknown.status, 401);
  assert.equal(unknown.body.detail, r.body.detail, 'same message for unknown key and wrong secret');
  r = await request(srv.url, '/api/v1/version', { headers: { authorization: 'Basic %%%' } });
  assert.equal(r.status, 401);
  r = await request(srv.url, '/api/v1/version', { headers: { authorization: 'Bearer abc' } });
  assert.equal(r.status, 401);
  const rv = trellis(['admin', 'revoke-client', '--db', srv.db, cred.key]);
  assert.equal(rv.status, 0, rv.stderr);
  r = await request(srv.url, '/api/v1/version', { headers: { authorization: basic(cred.key, cred.secret) } });
  assert.equal(r.status, 401);
  const again = trellis(['admin', 'revoke-client', '--db', srv.db, cred.key]);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /no active client has key/);
});

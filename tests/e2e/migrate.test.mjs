// `trellis migrate --from sqlite:PATH --to postgresql://...`: a live SQLite database (demo
// district, logins, sessions, audit entries) copied into PostgreSQL and checked the ways an
// operator would: every table's row count and checksum, `trellis audit verify` (the hash
// chains and keyed tags survive, so sealed fields and ids were copied as they are), the same
// OneRoster export from both, and a server on the copy where people log in (new rows get
// keys after the copied ones). Needs the cluster scripts/pg-tmp.sh starts (TRELLIS_TEST_PG).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { startServer, trellis, tempDir, BACKEND } from './lib/trellis.mjs';
import { demoServer, Client } from './lib/auth.mjs';

const PG = process.env.TRELLIS_TEST_PG;
const skip = !PG ? 'PostgreSQL not available (TRELLIS_TEST_PG; scripts/pg-tmp.sh)'
  : BACKEND !== 'sqlite' ? 'the source is SQLite: runs in the SQLite pass' : false;
const url = PG ? `${PG}/trellis_migrate_${randomBytes(5).toString('hex')}` : '';
let src, logins, work;

before(async () => {
  if (skip) return;
  work = tempDir('trellis-migrate-');
  src = await demoServer();
  logins = src.logins;
  // sessions, failed logins and audit entries to copy
  const t = new Client(src.url, '198.51.100.7');
  assert.equal((await t.login(src.login('teacher'))).status, 200);
  assert.equal((await t.req('/api/v1/home')).status, 200);
  const bad = new Client(src.url, '198.51.100.8');
  assert.equal((await bad.login({ username: src.login('student').username, password: 'wrong' })).status, 401);
  await src.stop();
});
after(async () => {
  if (skip) return;
  await src.cleanup();
  rmSync(work, { recursive: true, force: true });
  spawnSync('psql', ['-X', '-q', '-d', `${PG}/postgres`, '-c', `DROP DATABASE IF EXISTS "${url.slice(url.lastIndexOf('/') + 1)}" WITH (FORCE)`]);
});

test('usage errors name the option', { skip }, () => {
  let r = trellis(['migrate', '--from', `sqlite:${src.db}`]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--to: required/);
  r = trellis(['migrate', '--from', `sqlite:${src.db}`, '--to', join(work, 'x.db')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--to: .* is not a postgresql:\/\/ URL/);
  r = trellis(['migrate', '--from', join(work, 'missing.db'), '--to', url]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--from: cannot read/);
  r = trellis(['migrate', '--from', `sqlite:${src.db}`, '--to', url, '--key-file', join(work, 'nokey')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--key-file: cannot read/);
});

test('migrate copies every table and verifies counts and checksums', { skip }, () => {
  const r = trellis(['migrate', '--from', `sqlite:${src.db}`, '--to', url, '--json']);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const out = JSON.parse(r.stdout);
  assert.equal(out.ok, true);
  const by = Object.fromEntries(out.tables.map((t) => [t.table, t]));
  for (const t of out.tables) {
    assert.equal(t.match, true, t.table);
    assert.equal(t.rows, t.target_rows, t.table);
    assert.match(t.checksum, /^[0-9a-f]{32}$/);
  }
  for (const t of ['districts', 'users', 'enrollments', 'accounts', 'sessions', 'audit_log', 'demographics', 'login_throttle'])
    assert.ok(by[t] && by[t].rows > 0, `${t} has rows`);
  // parents come before the tables that refer to them
  const pos = (t) => out.tables.findIndex((x) => x.table === t);
  assert.ok(pos('districts') < pos('orgs') && pos('users') < pos('enrollments') && pos('audit_log') < pos('audit_subjects'));
});

test('a second migrate into the same database is refused and changes nothing', { skip }, () => {
  const r = trellis(['migrate', '--from', `sqlite:${src.db}`, '--to', url]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /already holds data/);
});

test('the copy passes audit verify and exports the same roster', { skip }, () => {
  const env = { TRELLIS_KEY_FILE: src.db + '.key' };
  const a = trellis(['audit', 'verify', '--db', src.db]);
  const b = trellis(['audit', 'verify', '--db', url], { env });
  assert.equal(a.status, 0, a.stderr);
  assert.equal(b.status, 0, b.stderr);
  assert.equal(b.stdout, a.stdout);
  const ea = join(work, 'export-sqlite'), eb = join(work, 'export-pg');
  assert.equal(trellis(['export', 'oneroster', '--db', src.db, ea]).status, 0);
  const r = trellis(['export', 'oneroster', '--db', url, eb], { env });
  assert.equal(r.status, 0, r.stderr);
  const files = readdirSync(ea).sort();
  assert.deepEqual(readdirSync(eb).sort(), files);
  for (const f of files) assert.equal(readFileSync(join(eb, f), 'utf8'), readFileSync(join(ea, f), 'utf8'), f);
});

test('a server on the copy logs people in (sealed fields and new keys work)', { skip }, async () => {
  const srv = await startServer({ db: url, init: false, env: { TRELLIS_KEY_FILE: src.db + '.key' } });
  try {
    const c = new Client(srv.url, '198.51.100.9');
    assert.equal((await c.login(logins.find((l) => l.role === 'teacher'))).status, 200);
    const home = await c.req('/api/v1/home');
    assert.equal(home.status, 200);
    assert.equal((await c.req('/api/v1/session', { method: 'DELETE' })).status < 300, true);
  } finally {
    await srv.cleanup();
  }
  assert.ok(existsSync(src.db + '.key'), 'the key stays where it was');
});

// The program itself: health, version, errors as problem details, security headers,
// configuration errors, backup while serving, graceful stop.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, statSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import net from 'node:net';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, request, trellis, tempDir, PG, BACKEND } from './lib/trellis.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.cleanup(); });

test('GET /healthz answers 200 with security headers', async () => {
  const r = await request(srv.url, '/healthz');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { status: 'ok' });
  const csp = r.headers.get('content-security-policy');
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
  assert.match(r.headers.get('x-request-id'), /^[0-9a-f]{16}$/);
});

test('GET /api/v1/version names the version, schema and store', async () => {
  const r = await request(srv.url, '/api/v1/version');
  assert.equal(r.status, 200);
  assert.equal(r.body.name, 'trellis');
  assert.match(r.body.version, /^\d+\.\d+\.\d+/);
  assert.ok(r.body.schema >= 1);
  assert.equal(r.body.store, BACKEND);
});

test('errors are RFC 9457 problem details', async () => {
  const r = await request(srv.url, '/healthz', { method: 'DELETE' });
  assert.equal(r.status, 405);
  assert.equal(r.headers.get('allow'), 'GET');
  assert.match(r.headers.get('content-type'), /^application\/problem\+json/);
  assert.equal(r.body.status, 405);
  assert.ok(r.body.title && r.body.detail);
  const nf = await request(srv.url, '/no/such/page');
  assert.equal(nf.status, 404);
});

// Read a key=value log line as a logfmt reader does: a value in double quotes may hold
// anything (\\ escapes the next character). Returns [[key, value], ...].
function logfmt(line) {
  const out = [];
  const re = /([^\s=]+)(?:=("(?:[^"\\]|\\.)*"|\S*))?/g;
  let m;
  while ((m = re.exec(line))) {
    let v = m[2] ?? '';
    if (v.startsWith('"')) v = v.slice(1, -1).replace(/\\(x[0-9a-f]{2}|.)/g, (_, e) => e.length > 1 ? String.fromCharCode(parseInt(e.slice(1), 16)) : ({ n: '\n', r: '\r', t: '\t' }[e] ?? e));
    out.push([m[1], v]);
  }
  return out;
}

test('a request path cannot forge access-log fields or lines', async () => {
  const r = await request(srv.url, '/nothing%0a%20level=error%20status=200%1b[2J');
  assert.equal(r.status, 404);
  const id = r.headers.get('x-request-id');
  let lines = [];
  for (let i = 0; i < 50 && lines.length === 0; i++) {
    lines = srv.logs.join('').split('\n').filter((l) => l.includes(`req=${id}`));
    if (lines.length === 0) await sleep(20);
  }
  assert.equal(lines.length, 1, 'one line for the request');
  const line = lines[0];
  assert.ok(!line.includes('\x1b'), 'no terminal escape reaches the log');
  const f = logfmt(line);
  assert.deepEqual(f.map(([k]) => k), ['ts', 'level', 'req', 'event', 'method', 'path', 'status', 'bytes', 'ms']);
  assert.equal(Object.fromEntries(f).level, 'info');
  assert.equal(Object.fromEntries(f).status, '404');
  assert.equal(Object.fromEntries(f).path, '/nothing\n level=error status=200\x1b[2J');
  assert.match(line, / path="\/nothing\\n level=error status=200\\x1b\[2J" status=404 /);
});

test('static pages are served with an ETag and revalidated', async () => {
  const r = await request(srv.url, '/');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/html/);
  const etag = r.headers.get('etag');
  assert.ok(etag);
  const again = await request(srv.url, '/', { headers: { 'if-none-match': etag } });
  assert.equal(again.status, 304);
  const traversal = await request(srv.url, '/../../etc/passwd');
  assert.equal(traversal.status, 404);
});

test('bad configuration is refused with the setting named', () => {
  let r = trellis(['serve', '--db', join(srv.dir, 'x.db'), '--listen', 'nonsense']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /flag --listen: listen: 'nonsense' is not HOST:PORT/);
  r = trellis(['config', 'show'], { env: { TRELLIS_THREADS: 'lots' } });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /env TRELLIS_THREADS: threads: 'lots' is not a whole number/);
  r = trellis(['config', 'show', '--listen', '0.0.0.0:9000'], { env: { TRELLIS_THREADS: '3' } });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^listen\s+= "0\.0\.0\.0:9000"\s+# flag/m);
  assert.match(r.stdout, /^threads\s+= 3\s+# env/m);
  assert.match(r.stdout, /^db\s+= "var\/trellis\.db"\s+# default/m);
  r = trellis(['frobnicate']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /'frobnicate' is not a command/);
});

test('init never overwrites, and the key file is private', () => {
  const d = tempDir();
  const db = join(d, 'a.db');
  let r = trellis(['init', '--db', db]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(statSync(db + '.key').mode & 0o777, 0o600);
  if (!PG) assert.equal(statSync(db).mode & 0o077, 0);
  r = trellis(['init', '--db', db]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /already exists/);
  rmSync(d, { recursive: true, force: true });
});

test('backup on PostgreSQL is refused with a clear error (pg_dump is the tool)', { skip: !PG && 'SQLite run' }, () => {
  const r = trellis(['backup', '--db', srv.db, join(srv.dir, 'backup.db')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /pg_dump/);
  assert.ok(!existsSync(join(srv.dir, 'backup.db')));
});

test('backup while serving makes a consistent copy without the key', { skip: PG && 'SQLite only (PostgreSQL: pg_dump)' }, async () => {
  const out = join(srv.dir, 'backup.db');
  // keep the server busy while the copy is taken
  const load = Promise.all(Array.from({ length: 50 }, () => request(srv.url, '/api/v1/version')));
  const r = trellis(['backup', '--db', srv.db, out]);
  await load;
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(out));
  assert.equal(statSync(out).mode & 0o077, 0);
  const check = spawnSync('sqlite3', [out, 'PRAGMA integrity_check; SELECT MAX(version) FROM schema_migrations;'], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
  assert.match(check.stdout, /^ok\n\d+\n$/);
  const key = readFileSync(srv.db + '.key');
  assert.equal(readFileSync(out).indexOf(key), -1, 'the key must not be in the backup');
  const again = trellis(['backup', '--db', srv.db, out]);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /already exists/);
});

test('SIGTERM stops gracefully: a request in flight finishes, then exit 0, then no more connections', async () => {
  const s = await startServer();
  try {
    const { port, hostname } = new URL(s.url);
    // a request truly in flight: its head and half its body are sent before the signal,
    // the rest after it; the server must wait for it and answer it in full
    const body = JSON.stringify({ username: 'nobody', password: 'not-a-real-password' });
    const sock = net.connect(Number(port), hostname);
    await once(sock, 'connect');
    let answer = '';
    sock.setEncoding('utf8');
    sock.on('data', (d) => { answer += d; });
    const closed = once(sock, 'close');
    sock.write(`POST /api/v1/session HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n` + body.slice(0, 10));
    await sleep(500);
    s.proc.kill('SIGTERM');
    await sleep(500);
    assert.equal(s.proc.exitCode, null, 'still running while a request is in flight');
    sock.write(body.slice(10));
    await closed;
    assert.match(answer, /^HTTP\/1\.1 401 /, 'the request in flight got its whole answer');
    const head = answer.slice(0, answer.indexOf('\r\n\r\n'));
    const len = Number(/content-length: (\d+)/i.exec(head)[1]);
    assert.equal(Buffer.byteLength(answer) - Buffer.byteLength(head) - 4, len, 'the body is complete');
    const { code } = await s.exited;
    assert.equal(code, 0);
    assert.match(s.logs.join(''), /event=stopping signal=SIGTERM/);
    assert.match(s.logs.join(''), /event=stopped/);
    const after = await request(s.url, '/healthz').catch((e) => e);
    assert.ok(after instanceof Error, 'no longer accepting');
  } finally {
    await s.cleanup();
  }
});

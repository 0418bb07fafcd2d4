// TLS and proxies: the session cookie is Secure (and __Host-) whenever the request came over
// TLS, served directly (tls_cert, tls_key) or through a proxy in trusted_proxies that says
// so; anyone else's X-Forwarded-* and Forwarded headers are ignored. Serving plain HTTP on
// an address other machines can reach is warned about at start.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import http from 'node:http';
import https from 'node:https';
import { demoServer } from './lib/auth.mjs';
import { startServer, trellis, tempDir, BIN, PG, dbUrl } from './lib/trellis.mjs';

// One request with node's http(s) (it can bind the local address): { status, headers, body }.
function req(url, { method = 'GET', headers = {}, json, localAddress, ca } = {}) {
  const u = new URL(url);
  const body = json === undefined ? undefined : JSON.stringify(json);
  const h = { ...headers };
  if (body !== undefined) { h['content-type'] = 'application/json'; h['content-length'] = Buffer.byteLength(body); }
  const mod = u.protocol === 'https:' ? https : http;
  return new Promise((res, rej) => {
    const r = mod.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers: h, localAddress, ca, timeout: 15000, agent: false }, (resp) => {
      let text = '';
      resp.setEncoding('utf8');
      resp.on('data', (d) => { text += d; });
      resp.on('end', () => res({ status: resp.statusCode, headers: resp.headers, body: text && /json/.test(resp.headers['content-type'] || '') ? JSON.parse(text) : text }));
    });
    r.on('timeout', () => r.destroy(new Error('timeout')));
    r.on('error', rej);
    if (body !== undefined) r.write(body);
    r.end();
  });
}

const cookieOf = (r) => (r.headers['set-cookie'] || []).find((c) => /trellis_session=/.test(c)) || '';

// The client address ("from") of the newest login in the audit log.
function lastLoginAddr(db) {
  const r = trellis(['audit', 'show', '--db', db, '--json', '--limit', '1000000']);
  assert.equal(r.status, 0, r.stderr);
  const logins = r.stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.action === 'login');
  logins.sort((a, b) => a.id - b.id);
  return logins.at(-1)?.from;
}

let srv, student;
before(async () => {
  srv = await demoServer({ TRELLIS_TRUSTED_PROXIES: '127.0.0.2' });
  student = srv.login('student');
});
after(async () => { await srv?.cleanup(); });

test('a trusted proxy that says https gets a Secure __Host- cookie and HSTS; its client address is believed', async () => {
  const r = await req(srv.url + '/api/v1/session', {
    method: 'POST', json: { username: student.username, password: student.password }, localAddress: '127.0.0.2',
    headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' },
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const c = cookieOf(r);
  assert.match(c, /^__Host-trellis_session=[^;]+; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
  assert.equal(r.headers['strict-transport-security'], 'max-age=31536000');
  assert.equal(lastLoginAddr(srv.db), '203.0.113.7');
  // the same through RFC 7239's Forwarded
  const f = await req(srv.url + '/api/v1/session', {
    method: 'POST', json: { username: student.username, password: student.password }, localAddress: '127.0.0.2',
    headers: { forwarded: 'for="[2001:db8::7]:4711";proto=https' },
  });
  assert.equal(f.status, 200);
  assert.match(cookieOf(f), /^__Host-trellis_session=.*; Secure;/);
  assert.equal(lastLoginAddr(srv.db), '2001:db8::7');
});

test('from an address that is not a trusted proxy the forwarding headers are ignored', async () => {
  const r = await req(srv.url + '/api/v1/session', {
    method: 'POST', json: { username: student.username, password: student.password }, localAddress: '127.0.0.1',
    headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.8', forwarded: 'for=198.51.100.1;proto=https' },
  });
  assert.equal(r.status, 200);
  const c = cookieOf(r);
  assert.match(c, /^trellis_session=/);
  assert.doesNotMatch(c, /Secure/);
  assert.equal(r.headers['strict-transport-security'], undefined);
  assert.equal(lastLoginAddr(srv.db), '127.0.0.1');
  // a trusted proxy that says http (or nothing) is plain http
  const p = await req(srv.url + '/api/v1/session', {
    method: 'POST', json: { username: student.username, password: student.password }, localAddress: '127.0.0.2',
    headers: { 'x-forwarded-for': '203.0.113.9' },
  });
  assert.equal(p.status, 200);
  assert.doesNotMatch(cookieOf(p), /Secure/);
});

test('trusted_proxies is checked at start: a bad entry is refused with the setting named', () => {
  const r = trellis(['config', 'show'], { env: { TRELLIS_TRUSTED_PROXIES: '127.0.0.1, proxy.local' } });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /env TRELLIS_TRUSTED_PROXIES: trusted_proxies: 'proxy\.local' is not an IP address/);
  const ok = trellis(['config', 'show'], { env: { TRELLIS_TRUSTED_PROXIES: '10.0.0.0/8 ::1' } });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /^trusted_proxies\s+= "10\.0\.0\.0\/8 ::1"\s+# env/m);
});

test('HTTPS served directly (tls_cert, tls_key): Secure cookies and HSTS; plain HTTP on that port fails', async (t) => {
  const dir = tempDir('trellis-tls-');
  const gen = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-subj', '/CN=localhost', '-days', '1',
    '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
  if (gen.status !== 0) { t.skip('openssl could not make a certificate'); return; }
  // a second server on the demo district's database (on PostgreSQL: its URL and key file)
  const proc = spawn(BIN, ['serve', '--db', dbUrl(srv.db), '--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TRELLIS_TLS_CERT: join(dir, 'cert.pem'), TRELLIS_TLS_KEY: join(dir, 'key.pem'),
      ...(PG ? { TRELLIS_KEY_FILE: srv.db + '.key' } : {}) },
  });
  let logs = '';
  proc.stderr.on('data', (d) => { logs += d; });
  try {
    const url = await new Promise((res, rej) => {
      let out = '';
      proc.stdout.on('data', (d) => { out += d; const m = /^listening on (\S+)\n/.exec(out); if (m) res(m[1]); });
      proc.on('exit', (c) => rej(new Error(`exited ${c}: ${logs}`)));
    });
    assert.match(url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = readFileSync(join(dir, 'cert.pem'));
    const h = await req(url + '/healthz', { ca });
    assert.equal(h.status, 200);
    assert.equal(h.headers['strict-transport-security'], 'max-age=31536000');
    const r = await req(url + '/api/v1/session', { method: 'POST', json: { username: student.username, password: student.password }, ca });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.match(cookieOf(r), /^__Host-trellis_session=[^;]+; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    await assert.rejects(req(url.replace('https:', 'http:') + '/healthz'));
    assert.match(logs, /event=limits .*tls=yes/);
    assert.doesNotMatch(logs, /serving plain HTTP/);
  } finally {
    proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('plain HTTP on an address other machines can reach is warned about at start; loopback is not', async () => {
  const open = await startServer({ args: ['--listen', '0.0.0.0:0'] });
  try {
    assert.match(open.logs.join(''), /level=warn .*serving plain HTTP on '0\.0\.0\.0:0', which other machines can reach/);
  } finally {
    await open.cleanup();
  }
  assert.doesNotMatch(srv.logs.join(''), /serving plain HTTP/);
});

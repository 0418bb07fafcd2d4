// What one address without credentials can make the server do: bodies are refused before
// they are read (and the large upload limit is only for a caller who may import), one
// address cannot hold more than its share of connections, silent connections are closed,
// and the open-file limit is raised at start. Raw sockets, so we see exactly what the
// server reads and when it answers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import net from 'node:net';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, trellis, tempDir, BIN } from './lib/trellis.mjs';

const basic = (c) => 'Basic ' + Buffer.from(`${c.key}:${c.secret}`).toString('base64');

// Send a request head (and optionally the first bytes of a body) on a fresh connection and
// collect what comes back until the server closes or timeout ms pass.
// { answer, closed, ms } where ms is when the answer's first byte arrived.
async function raw(port, head, { body = Buffer.alloc(0), timeout = 3000, localAddress } = {}) {
  const sock = net.connect({ port, host: '127.0.0.1', localAddress });
  await once(sock, 'connect');
  const t0 = performance.now();
  let answer = '', first = null, closed = false;
  sock.on('data', (d) => { if (first === null) first = performance.now() - t0; answer += d.toString('latin1'); });
  sock.on('error', () => {});
  const done = new Promise((res) => sock.on('close', () => { closed = true; res(); }));
  sock.write(head);
  if (body.length) sock.write(body);
  await Promise.race([done, sleep(timeout)]);
  sock.destroy();
  return { answer, closed, ms: first };
}

const status = (a) => Number(/^HTTP\/1\.1 (\d{3})/.exec(a)?.[1] ?? 0);
const header = (a, name) => new RegExp(`^${name}: (.*)$`, 'mi').exec(a)?.[1]?.trim();

function rssMiB(pid) {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m[1]) / 1024;
}

let srv, port, importer, writer;
before(async () => {
  // small limits keep the test quick: body_limit 1 MiB, upload_limit 4 MiB
  srv = await startServer({ env: { TRELLIS_BODY_LIMIT: '1048576', TRELLIS_UPLOAD_LIMIT: '4194304' } });
  port = Number(new URL(srv.url).port);
  let r = trellis(['admin', 'add-district', '--db', srv.db, '--sourced-id', 'd-net', '--name', 'Net District']);
  assert.equal(r.status, 0, r.stderr);
  r = trellis(['admin', 'add-client', '--db', srv.db, '--name', 'SIS', '--scope', 'roster/write']);
  assert.equal(r.status, 0, r.stderr);
  importer = JSON.parse(r.stdout);
  r = trellis(['admin', 'add-client', '--db', srv.db, '--name', 'Quiz', '--scope', 'statements/write']);
  assert.equal(r.status, 0, r.stderr);
  writer = JSON.parse(r.stdout);
});
after(async () => { await srv.cleanup(); });

const MiB = 1024 * 1024;
const upload = (len, extra = '') => `POST /api/v1/districts/1/roster/imports HTTP/1.1\r\nHost: t\r\n` +
  `Content-Type: application/zip\r\nContent-Length: ${len}\r\n${extra}\r\n`;

test('an anonymous body to a route that needs a login gets its 401 before the body is read', async () => {
  // 200 MiB announced, 4 KiB sent: the answer must not wait for the rest
  let r = await raw(port, upload(200 * MiB), { body: Buffer.alloc(4096) });
  assert.equal(status(r.answer), 401, r.answer || 'no answer: the server waited for the body');
  assert.equal(JSON.parse(r.answer.slice(r.answer.indexOf('\r\n\r\n') + 4)).detail, 'log in first');
  assert.match(header(r.answer, 'Connection') ?? '', /close/i);
  assert.ok(r.closed, 'the server hung up instead of reading the body');
  // chunked, and the xAPI's own 401
  r = await raw(port, 'POST /xapi/statements HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n' +
    'X-Experience-API-Version: 1.0.3\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n', { body: Buffer.alloc(4096, 0x20) });
  assert.equal(status(r.answer), 401, r.answer || 'no answer');
  assert.match(header(r.answer, 'WWW-Authenticate'), /^Basic realm="xapi"/);
  assert.equal(header(r.answer, 'X-Experience-API-Version'), '1.0.3');
  assert.ok(r.closed);
  // an unknown session cookie is nobody too
  r = await raw(port, upload(50 * MiB, 'Cookie: trellis_session=forged\r\n'), { body: Buffer.alloc(1024) });
  assert.equal(status(r.answer), 401, r.answer || 'no answer');
});

test('three anonymous 200 MiB uploads do not grow the server (default limits)', async () => {
  const s = await startServer();
  const p = Number(new URL(s.url).port);
  try {
    const before = rssMiB(s.proc.pid);
    let peak = before;
    const conns = [0, 1, 2].map(async () => {
      const sock = net.connect({ port: p, host: '127.0.0.1' });
      sock.on('error', () => {});
      await once(sock, 'connect');
      let open = true;
      sock.on('close', () => { open = false; });
      sock.write(upload(200 * MiB));
      const chunk = Buffer.alloc(256 * 1024);
      let sent = 0;
      // slowly: 256 KiB per 10 ms, for at most 3 s (75 MiB) or until the server hangs up
      for (let t = 0; t < 300 && open && sent < 200 * MiB; t++) {
        if (sock.write(chunk)) sent += chunk.length;
        await sleep(10);
      }
      sock.destroy();
      return sent;
    });
    const watch = setInterval(() => { peak = Math.max(peak, rssMiB(s.proc.pid)); }, 20);
    const sent = await Promise.all(conns);
    clearInterval(watch);
    peak = Math.max(peak, rssMiB(s.proc.pid));
    assert.ok(peak - before < 16, `the server grew from ${before.toFixed(0)} to ${peak.toFixed(0)} MiB ` +
      `(sent ${sent.map((n) => (n / MiB).toFixed(0)).join(', ')} MiB)`);
  } finally {
    await s.cleanup();
  }
});

test('the upload limit is for a caller who may import; others get body_limit, logins anon_body_limit', async () => {
  // roster/write may import: 2 MiB (over body_limit, under upload_limit) is read and judged
  let r = await raw(port, upload(2 * MiB, `Authorization: ${basic(importer)}\r\n`), { body: Buffer.alloc(2 * MiB), timeout: 15000 });
  assert.equal(status(r.answer), 400, r.answer);
  assert.match(r.answer, /zip/i);
  // over upload_limit, announced: refused before it is read
  r = await raw(port, upload(5 * MiB, `Authorization: ${basic(importer)}\r\n`), { body: Buffer.alloc(1024) });
  assert.equal(status(r.answer), 413, r.answer || 'no answer');
  // statements/write may not import: body_limit (1 MiB) for it, refused before reading
  r = await raw(port, upload(2 * MiB, `Authorization: ${basic(writer)}\r\n`), { body: Buffer.alloc(1024) });
  assert.equal(status(r.answer), 413, r.answer || 'no answer');
  // a login body over anon_body_limit (16 KiB)
  r = await raw(port, 'POST /api/v1/session HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n' +
    `Content-Length: ${64 * 1024}\r\n\r\n`, { body: Buffer.alloc(1024, 0x20) });
  assert.equal(status(r.answer), 413, r.answer || 'no answer');
  // a small login body is read and answered as before
  const login = JSON.stringify({ username: 'nobody', password: 'not-a-real-password' });
  r = await raw(port, 'POST /api/v1/session HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n' +
    `Content-Length: ${login.length}\r\nConnection: close\r\n\r\n${login}`);
  assert.equal(status(r.answer), 401);
  assert.match(r.answer, /invalid_credentials/);
});

test('1,000 idle connections from 127.0.0.1: /healthz from 127.0.0.2 answers within 100 ms', async () => {
  const s = await startServer();
  const p = Number(new URL(s.url).port);
  const socks = [];
  try {
    let closedByServer = 0;
    for (let i = 0; i < 1000; i++) {
      const sock = net.connect({ port: p, host: '127.0.0.1', localAddress: '127.0.0.1' });
      sock.on('error', () => {});
      sock.on('close', () => { closedByServer++; });
      sock.on('connect', () => { if (i % 3 === 0) sock.write('GET /healthz HT'); });
      socks.push(sock);
      if (i % 100 === 99) await sleep(20);
    }
    await sleep(1000);
    const lat = [];
    for (let i = 0; i < 30; i++) {
      const r = await raw(p, 'GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n', { localAddress: '127.0.0.2', timeout: 2000 });
      assert.equal(status(r.answer), 200, `request ${i}: ${r.answer || 'no answer'}`);
      lat.push(r.ms);
    }
    lat.sort((a, b) => a - b);
    assert.ok(lat.at(-1) < 100, `slowest /healthz ${lat.at(-1).toFixed(1)} ms (median ${lat[15].toFixed(1)} ms)`);
    // per_ip_connections (256 by default; up to one more per worker thread may slip in)
    const open = 1000 - closedByServer;
    assert.ok(open <= 256 + 8 && open >= 200, `${open} connections from one address stayed open`);
    assert.match(s.logs.join(''), /event=connection_refused addr=127\.0\.0\.1 /);
  } finally {
    for (const sock of socks) sock.destroy();
    await s.cleanup();
  }
});

test('a silent connection or a half-sent request is closed after idle_timeout', async () => {
  const s = await startServer({ env: { TRELLIS_IDLE_TIMEOUT: '1' } });
  try {
    const p = Number(new URL(s.url).port);
    const t0 = performance.now();
    const [a, b] = await Promise.all([
      raw(p, 'GET /healthz HT', { timeout: 6000 }),
      raw(p, '', { timeout: 6000 }),
    ]);
    const took = performance.now() - t0;
    assert.ok(a.closed && b.closed, 'both closed by the server');
    assert.ok(took < 5000, `closed after ${took.toFixed(0)} ms`);
    // a request that keeps talking is not cut off
    const r = await raw(p, 'GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n');
    assert.equal(status(r.answer), 200);
  } finally {
    await s.cleanup();
  }
});

test('the server raises its open-file limit to the hard limit and fits its connections under it', async () => {
  const hard = Number(spawnSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).stdout.trim());
  if (!(hard > 1100)) return; // nothing to raise on this machine
  const dir = tempDir();
  const db = join(dir, 't.db'); // a new SQLite file, whatever the backend under test
  // started as systemd starts a service by default: a soft limit of 1024
  const proc = spawn('sh', ['-c', 'ulimit -Sn 1024 && exec "$0" serve --db "$1" --listen 127.0.0.1:0', BIN, db], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TRELLIS_MAX_CONNECTIONS: String(hard + 1000) },
  });
  let logs = '';
  proc.stderr.on('data', (d) => { logs += d; });
  try {
    await new Promise((res, rej) => {
      proc.stdout.once('data', res);
      proc.on('exit', (c) => rej(new Error(`exited ${c}: ${logs}`)));
    });
    const limits = readFileSync(`/proc/${proc.pid}/limits`, 'utf8');
    const [, soft, hardNow] = /^Max open files\s+(\d+)\s+(\d+)/m.exec(limits);
    assert.equal(Number(soft), hard, 'soft limit raised to the hard one');
    assert.equal(Number(hardNow), hard);
    const line = logs.split('\n').find((l) => l.includes('event=limits'));
    assert.ok(line, 'the limits are logged at start');
    assert.match(line, new RegExp(`open_files=${hard} `));
    const max = Number(/max_connections=(\d+)/.exec(line)[1]);
    assert.ok(max < hard && max > hard - 1000, `max_connections ${max} fits under ${hard}`);
    assert.match(logs, /max_connections: lowered from/);
  } finally {
    proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

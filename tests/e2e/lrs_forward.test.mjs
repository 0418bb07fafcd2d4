// Forwarding to an upstream LRS: two real servers (a school's box and its district's
// LRS), `trellis lrs forward` between them through a small proxy that records what
// reaches the upstream and injects faults. Exactly once: every statement id reaches
// the upstream in exactly one POST that the upstream answered 200, across a SIGKILL of
// the forwarder after the upstream took a batch, a lost answer, and the upstream being
// down. xAPI 2.0.0 4.1.6.1 (POST statements, batches), 4.1.1 (version header).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { randomUUID, createHash } from 'node:crypto';
import { startServer, request, trellis, BIN, mapArgs } from './lib/trellis.mjs';

let src, up, srcClient, upClient, proxy;
const basic = (c) => 'Basic ' + Buffer.from(`${c.key}:${c.secret}`).toString('base64');

function setup(db, sid) {
  let r = trellis(['admin', 'add-district', '--db', db, '--sourced-id', sid, '--name', sid]);
  assert.equal(r.status, 0, r.stderr);
  r = trellis(['admin', 'add-client', '--db', db, '--name', 'lrs', '--scope', 'all']);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

// The proxy in front of the upstream: mode 'pass', 'down' (503), 'drop' (no answer at all),
// 'lose' (the upstream takes the POST, the answer is lost), or a function(req#) per POST.
function startProxy(target) {
  const state = {
    mode: 'pass',
    onPost: null, // (n) => called after the upstream answered POST number n (1-based)
    posts: [],    // { ids, status }
    gets: [],
  };
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    if (state.mode === 'down') { res.writeHead(503); res.end('down'); return; }
    if (state.mode === 'drop') { req.socket.destroy(); return; }
    const headers = { ...req.headers };
    delete headers.host;
    delete headers['content-length'];
    const r = await fetch(target + req.url, { method: req.method, headers, body: req.method === 'POST' ? body : undefined });
    const text = await r.text();
    if (req.method === 'POST') {
      let text = body.toString('latin1');
      const m = /boundary=([^;]+)/.exec(req.headers['content-type'] || '');
      if (m) { // multipart/mixed: the statements are the first part
        const start = text.indexOf('\r\n\r\n') + 4;
        text = text.slice(start, text.indexOf(`\r\n--${m[1]}`, start));
      }
      const ids = JSON.parse(text).map((s) => s.id);
      state.posts.push({ ids, status: r.status });
      const n = state.posts.length;
      if (state.onPost) await state.onPost(n);
    } else {
      state.gets.push({ url: req.url, status: r.status });
    }
    if (state.mode === 'lose' && req.method === 'POST') { req.socket.destroy(); return; }
    res.writeHead(r.status, { 'content-type': r.headers.get('content-type') || 'application/json' });
    res.end(text);
  });
  return new Promise((res) => server.listen(0, '127.0.0.1', () => {
    state.url = `http://127.0.0.1:${server.address().port}`;
    state.close = () => new Promise((r) => { server.closeAllConnections(); server.close(r); });
    res(state);
  }));
}

function statement(i) {
  return {
    id: randomUUID(),
    actor: { objectType: 'Agent', account: { homePage: 'https://school.example', name: `s${i % 7}` } },
    verb: { id: 'http://adlnet.gov/expapi/verbs/answered', display: { 'en-US': 'answered' } },
    object: { objectType: 'Activity', id: `http://school.example/items/${i % 13}` },
    result: { success: i % 2 === 0, score: { scaled: (i % 10) / 10 } },
    context: { registration: randomUUID(), contextActivities: { parent: [{ id: 'http://school.example/quiz/1' }] } },
  };
}

async function post(statements) {
  const r = await request(src.url, '/xapi/statements', {
    method: 'POST', json: statements,
    headers: { authorization: basic(srcClient), 'x-experience-api-version': '2.0.0' },
  });
  assert.equal(r.status, 200, r.text);
}

// every statement id at the upstream (GET with more links)
async function upstreamIds() {
  const ids = [];
  let path = '/xapi/statements?limit=100&ascending=true';
  while (path) {
    const r = await request(up.url, path, { headers: { authorization: basic(upClient), 'x-experience-api-version': '2.0.0' } });
    assert.equal(r.status, 200, r.text);
    for (const s of r.body.statements) ids.push(s.id);
    path = r.body.more ? r.body.more.replace(/^https?:\/\/[^/]+/, '') : '';
  }
  return ids;
}

function forwardArgs(extra = []) {
  return ['lrs', 'forward', '--db', src.db, '--to', proxy.url + '/xapi', '--key', upClient.key, '--secret', upClient.secret, '--batch', '25', ...extra];
}

// spawn the CLI with the database (and key file) of the backend under test
function spawnCli(args) {
  const m = mapArgs(args, {});
  return spawn(BIN, m.args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...m.env } });
}

function runForward(extra = []) {
  const p = spawnCli(forwardArgs(extra));
  let out = '', err = '';
  p.stdout.on('data', (d) => { out += d; });
  p.stderr.on('data', (d) => { err += d; });
  const done = new Promise((res) => p.on('exit', (code, signal) => res({ code, signal, out, err })));
  return { p, done };
}

// The CLI must not block this process: the proxy answers from its event loop.
async function fwd(extra = [], args = null) {
  const p = spawnCli(args || forwardArgs(extra));
  let stdout = '', stderr = '';
  p.stdout.on('data', (d) => { stdout += d; });
  p.stderr.on('data', (d) => { stderr += d; });
  const t = setTimeout(() => p.kill('SIGKILL'), 60000);
  const code = await new Promise((res) => p.on('exit', (c) => res(c)));
  clearTimeout(t);
  return { status: code, stdout, stderr };
}

// Each id reached the upstream in exactly one POST that it answered 200 (and never again).
function assertExactlyOnce(sent) {
  const seen = new Map();
  for (const p of proxy.posts) {
    for (const id of p.ids) {
      if (p.status === 200) {
        assert.ok(!seen.has(id), `statement ${id} was sent again after the upstream answered 200`);
        seen.set(id, true);
      }
    }
  }
  for (const id of sent) assert.ok(seen.has(id), `statement ${id} never reached the upstream`);
}

before(async () => {
  src = await startServer();
  up = await startServer();
  srcClient = setup(src.db, 'school');
  upClient = setup(up.db, 'district');
  proxy = await startProxy(up.url);
});
after(async () => {
  await proxy.close();
  await src.cleanup();
  await up.cleanup();
});

const sent = [];

test('4.1.6.1: forward sends every stored statement in seq order, in batches, exactly once', async () => {
  const batch = Array.from({ length: 60 }, (_, i) => statement(i));
  await post(batch.slice(0, 30));
  await post(batch.slice(30));
  sent.push(...batch.map((s) => s.id));
  const r = await fwd();
  assert.equal(r.status, 0, r.stderr);
  const rep = JSON.parse(r.stdout);
  assert.equal(rep.sent, 60);
  assert.equal(rep.batches, 3);
  assert.deepEqual(proxy.posts.map((p) => p.ids.length), [25, 25, 10]);
  assert.deepEqual(proxy.posts.flatMap((p) => p.ids), sent, 'in the order they were stored');
  assert.deepEqual((await upstreamIds()).sort(), [...sent].sort());
  // nothing new: a second run sends nothing
  const again = await fwd();
  assert.equal(again.status, 0, again.stderr);
  assert.equal(JSON.parse(again.stdout).sent, 0);
  assert.equal(proxy.posts.length, 3);
  assertExactlyOnce(sent);
});

test('SIGKILL after the upstream took a batch: the restart asks the upstream and does not send it again', async () => {
  const batch = Array.from({ length: 100 }, (_, i) => statement(100 + i));
  await post(batch.slice(0, 50));
  await post(batch.slice(50));
  sent.push(...batch.map((s) => s.id));
  const before = proxy.posts.length;
  const run = runForward();
  // kill the forwarder the moment the upstream has answered the 2nd POST of this run,
  // before the forwarder sees the answer
  proxy.onPost = async (n) => {
    if (n === before + 2) run.p.kill('SIGKILL');
  };
  const res = await run.done;
  proxy.onPost = null;
  assert.equal(res.signal, 'SIGKILL');
  assert.equal(proxy.posts.length, before + 2);
  // the restart: probes first (statementId of the batch's last statement), then goes on
  const getsBefore = proxy.gets.length;
  const r = await fwd();
  assert.equal(r.status, 0, r.stderr);
  const rep = JSON.parse(r.stdout);
  assert.equal(rep.already_upstream, 1, r.stderr);
  assert.ok(proxy.gets.slice(getsBefore).some((g) => g.url.includes('statementId=') && g.status === 200));
  assert.match(r.stderr, /already upstream; not sending it again/);
  assertExactlyOnce(sent);
  assert.deepEqual((await upstreamIds()).sort(), [...sent].sort());
});

test('a lost answer (the upstream took the POST, the connection dropped) is settled by asking, not by resending', async () => {
  const batch = Array.from({ length: 20 }, (_, i) => statement(300 + i));
  await post(batch);
  sent.push(...batch.map((s) => s.id));
  proxy.mode = 'lose';
  const run = runForward(['--retries', '0']);
  // after the lost answer, let the retry through
  proxy.onPost = async () => { setTimeout(() => { proxy.mode = 'pass'; }, 100); };
  const res = await run.done;
  proxy.onPost = null;
  assert.equal(res.code, 0, res.err);
  const rep = JSON.parse(res.out);
  assert.equal(rep.faults, 1, res.err);
  assert.equal(rep.already_upstream, 1, res.err);
  assertExactlyOnce(sent);
});

test('upstream down, then up: the forwarder backs off, keeps its cursor, and catches up', async () => {
  const batch = Array.from({ length: 30 }, (_, i) => statement(500 + i));
  await post(batch);
  sent.push(...batch.map((s) => s.id));
  proxy.mode = 'down';
  // with a retry limit the run gives up, saying where it will resume
  let r = await fwd(['--retries', '2']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /answered 503/);
  assert.match(r.stderr, /retrying in 1000 ms/);
  proxy.mode = 'drop';
  const run = runForward(['--retries', '0']);
  setTimeout(() => { proxy.mode = 'pass'; }, 1500);
  const res = await run.done;
  assert.equal(res.code, 0, res.err);
  assert.ok(JSON.parse(res.out).faults >= 1);
  assertExactlyOnce(sent);
  assert.deepEqual((await upstreamIds()).sort(), [...sent].sort());
});

test('4.1.3: a statement with an attachment is forwarded as multipart/mixed with its content', async () => {
  const content = Buffer.from('attachment content ' + randomUUID());
  const sha2 = createHash('sha256').update(content).digest('hex');
  const s = statement(700);
  s.attachments = [{ usageType: 'http://id.tincanapi.com/attachment/supporting_media', display: { 'en-US': 'work' }, contentType: 'text/plain', length: content.length, sha2 }];
  const b = 'b-' + randomUUID();
  const body = Buffer.concat([
    Buffer.from(`--${b}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify([s, statement(701)])}\r\n--${b}\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: ${sha2}\r\n\r\n`),
    content, Buffer.from(`\r\n--${b}--\r\n`)]);
  let r = await request(src.url, '/xapi/statements', { method: 'POST', body, headers: { authorization: basic(srcClient), 'x-experience-api-version': '2.0.0', 'content-type': `multipart/mixed; boundary=${b}` } });
  assert.equal(r.status, 200, r.text);
  sent.push(s.id, JSON.parse(r.text)[1]);
  r = await fwd();
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).sent, 2);
  const res = await fetch(`${up.url}/xapi/statements?statementId=${s.id}&attachments=true`, { headers: { authorization: basic(upClient), 'x-experience-api-version': '2.0.0' } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^multipart\/mixed/);
  assert.ok((await res.text()).includes(content.toString()), 'the upstream holds the attachment content');
  assertExactlyOnce(sent);
});

test('bad options are usage errors naming the option; a wrong key is reported with the upstream answer', async () => {
  let r = trellis(['lrs', 'forward', '--db', src.db, '--to', proxy.url]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--to, --key and --secret/);
  r = trellis(['lrs', 'forward', '--db', src.db, '--to', 'ftp://x', '--key', 'k', '--secret', 's']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /to: must be an http/);
  r = trellis(['lrs', 'forward', '--db', src.db, '--to', 'http://u:p@host/xapi', '--key', 'k', '--secret', 's']);
  assert.match(r.stderr, /credentials in --key and --secret/);
  r = trellis(['lrs', 'forward', '--db', src.db, '--to', proxy.url + '/xapi', '--key', 'k', '--secret', 's', '--batch', '0']);
  assert.equal(r.status, 2);
  await post([statement(900)]);
  const id = (await upstreamIds()).length;
  r = await fwd([], ['lrs', 'forward', '--db', src.db, '--to', proxy.url + '/xapi', '--key', upClient.key, '--secret', 'wrong', '--retries', '1']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /answered 401/);
  assert.equal((await upstreamIds()).length, id);
  r = await fwd();
  assert.equal(r.status, 0, r.stderr);
});

test('the server forwards in the background (lrs_forward_url) and resumes after a restart', async () => {
  const box = await startServer({ env: {} });
  const boxClient = setup(box.db, 'school2');
  await box.stop();
  const env = { TRELLIS_LRS_FORWARD_URL: proxy.url + '/xapi', TRELLIS_LRS_FORWARD_KEY: upClient.key, TRELLIS_LRS_FORWARD_SECRET: upClient.secret };
  let srv = await startServer({ db: box.db, dir: box.dir, env });
  const mine = [];
  const postTo = async (s, sts) => {
    const r = await request(s.url, '/xapi/statements', { method: 'POST', json: sts, headers: { authorization: basic(boxClient), 'x-experience-api-version': '2.0.0' } });
    assert.equal(r.status, 200, r.text);
  };
  const waitFor = async (ids) => {
    for (let i = 0; i < 100; i++) {
      const have = new Set(await upstreamIds());
      if (ids.every((x) => have.has(x))) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail('the server did not forward in time');
  };
  let b = Array.from({ length: 10 }, (_, i) => statement(1000 + i));
  await postTo(srv, b);
  mine.push(...b.map((s) => s.id));
  await waitFor(mine);
  await srv.stop('SIGKILL');
  srv = await startServer({ db: box.db, dir: box.dir, env });
  b = Array.from({ length: 10 }, (_, i) => statement(1100 + i));
  await postTo(srv, b);
  mine.push(...b.map((s) => s.id));
  await waitFor(mine);
  sent.push(...mine);
  assertExactlyOnce(sent);
  await srv.cleanup();
});

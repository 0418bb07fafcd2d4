// Helpers for end-to-end tests: run the real `trellis` binary, start a server on
// 127.0.0.1:0 with a temporary database, and talk to it with fetch (every request
// has a timeout, so a dead server fails a test instead of hanging it).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const BIN = process.env.TRELLIS_BIN || resolve('build-test/src/cli/trellis');
// Real test data lives beside the project (../shared/data); a user's clone may not have it.
export const DATA = process.env.TRELLIS_TEST_DATA || resolve('../shared/data');
export const hasData = existsSync(DATA);

export function tempDir(prefix = 'trellis-e2e-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

// Run a CLI command synchronously: { status, stdout, stderr }.
export function trellis(args, { env = {}, input, timeout = 120000 } = {}) {
  const r = spawnSync(BIN, args, {
    encoding: 'utf8', timeout, input,
    env: { ...process.env, ...env },
  });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

// Start `trellis serve` and wait for its "listening on URL" line.
export async function startServer({ db, dir, args = [], env = {}, init = true } = {}) {
  dir = dir || tempDir();
  db = db || join(dir, 'trellis.db');
  if (init && !existsSync(db)) {
    const r = trellis(['init', '--db', db, ...(typeof init === 'object' ? init.args : [])], { env });
    if (r.status !== 0) throw new Error(`trellis init failed: ${r.stderr}`);
  }
  const proc = spawn(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const logs = [];
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d) => logs.push(d));
  const exited = new Promise((res) => proc.on('exit', (code, signal) => res({ code, signal })));
  const url = await new Promise((res, rej) => {
    let out = '';
    const timer = setTimeout(() => rej(new Error(`server did not start: ${logs.join('')}`)), 15000);
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        const m = /^listening on (http:\/\/\S+)$/.exec(out.slice(0, nl));
        if (m) res(m[1]); else rej(new Error(`unexpected first line: ${out.slice(0, nl)}`));
      }
    });
    proc.on('exit', (code) => { clearTimeout(timer); rej(new Error(`server exited ${code}: ${logs.join('')}`)); });
  });
  const server = {
    url, proc, dir, db, logs, exited,
    // Stop with a signal and wait for the exit: { code, signal }.
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
    async cleanup() {
      await server.stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

// fetch with a timeout and JSON conveniences. Returns { status, headers, body, text }.
export async function request(base, path, { method = 'GET', json, body, headers = {}, timeout = 15000 } = {}) {
  const h = { ...headers };
  if (json !== undefined) {
    h['content-type'] = h['content-type'] || 'application/json';
    body = JSON.stringify(json);
  }
  const res = await fetch(base + path, { method, headers: h, body, signal: AbortSignal.timeout(timeout), redirect: 'manual' });
  const text = await res.text();
  let parsed = null;
  const ct = res.headers.get('content-type') || '';
  if (ct.includes('json') && text) parsed = JSON.parse(text);
  return { status: res.status, headers: res.headers, body: parsed, text };
}

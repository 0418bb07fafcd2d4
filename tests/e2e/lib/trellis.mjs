// Helpers for end-to-end tests: run the real `trellis` binary, start a server on
// 127.0.0.1:0 with a temporary database, and talk to it with fetch (every request
// has a timeout, so a dead server fails a test instead of hanging it).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';

export const BIN = process.env.TRELLIS_BIN || resolve('build-test/src/cli/trellis');
// Real test data lives beside the project (../shared/data); a user's clone may not have it.
export const DATA = process.env.TRELLIS_TEST_DATA || resolve('../shared/data');
export const hasData = existsSync(DATA);

// The backend under test. TRELLIS_TEST_BACKEND=postgresql (the e2e_pg_* variants) runs
// every test against the throwaway cluster at TRELLIS_TEST_PG (scripts/pg-tmp.sh): each
// database path a test uses becomes a fresh PostgreSQL database (trellis init creates it),
// with its sealing key at PATH.key as for SQLite. Tests stay written with paths.
export const PG = process.env.TRELLIS_TEST_BACKEND === 'postgresql' ? process.env.TRELLIS_TEST_PG : null;
export const BACKEND = PG ? 'postgresql' : 'sqlite';
const pgDbs = new Map(); // resolved path -> URL

// The --db value for a path: the path itself on SQLite, its own database on PostgreSQL.
export function dbUrl(path) {
  if (!PG || /^postgres(ql)?:\/\//.test(path)) return path;
  const key = resolve(path);
  let url = pgDbs.get(key);
  if (!url) {
    url = `${PG}/trellis_test_${randomBytes(6).toString('hex')}`;
    pgDbs.set(key, url);
  }
  return url;
}

// Does the database at path exist (was it created)?
export function dbExists(path) {
  if (!PG) return existsSync(path);
  return pgDbs.has(resolve(path)) && existsSync(resolve(path) + '.key');
}

// Run SQL in the database at path with the backend's shell (sqlite3 or psql): stdout, trimmed.
export function sqlShell(path, q) {
  const r = PG
    ? spawnSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', dbUrl(path), '-c', q], { encoding: 'utf8' })
    : spawnSync('sqlite3', [path, q], { encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${PG ? 'psql' : 'sqlite3'} failed: ${r.stderr}`);
  return r.stdout.trim();
}

// Every row of every table, one line each, in a stable order ("INSERT INTO t ..." lines).
export function dumpDb(path) {
  if (!PG) {
    const r = spawnSync('sqlite3', [path, '.dump'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    if (r.status !== 0) throw new Error(`sqlite3 .dump failed: ${r.stderr}`);
    return r.stdout;
  }
  const tables = sqlShell(path, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").split('\n');
  // one psql for every table: a query per table, each row prefixed with its table
  const args = ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', dbUrl(path)];
  for (const t of tables) args.push('-c', `SELECT 'INSERT INTO ${t} VALUES' || x::text FROM "${t}" x ORDER BY x::text`);
  const r = spawnSync('psql', args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
  return r.stdout.trim();
}

// Drop the PostgreSQL databases this process created (servers must be stopped).
function dropPgDbs() {
  for (const url of pgDbs.values()) {
    const name = url.slice(url.lastIndexOf('/') + 1);
    spawnSync('psql', ['-X', '-q', '-d', `${PG}/postgres`, '-c', `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`], { encoding: 'utf8' });
  }
  pgDbs.clear();
}
if (PG) process.on('exit', dropPgDbs);

// On PostgreSQL: the --db value mapped and the key file beside the path, unless given.
// A command line's --db path as the backend under test has it (and its key file): { args, env }.
export function mapArgs(args, env) {
  if (!PG) return { args, env };
  const out = [...args];
  const i = out.indexOf('--db');
  if (i < 0 || i + 1 >= out.length || /^postgres(ql)?:\/\//.test(out[i + 1])) return { args, env };
  const path = out[i + 1];
  out[i + 1] = dbUrl(path);
  if (!out.includes('--key-file') && !env.TRELLIS_KEY_FILE) env = { ...env, TRELLIS_KEY_FILE: resolve(path) + '.key' };
  return { args: out, env };
}

export function tempDir(prefix = 'trellis-e2e-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

// Run a CLI command synchronously: { status, stdout, stderr }.
export function trellis(args, { env = {}, input, timeout = 120000 } = {}) {
  ({ args, env } = mapArgs(args, env));
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
  if (init && !dbExists(db)) {
    const r = trellis(['init', '--db', db, ...(typeof init === 'object' ? init.args : [])], { env });
    if (r.status !== 0) throw new Error(`trellis init failed: ${r.stderr}`);
  }
  const mapped = mapArgs(['serve', '--db', db, '--listen', '127.0.0.1:0', ...args], env);
  const proc = spawn(BIN, mapped.args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...mapped.env },
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

// Load for bench/practice.sh: many students, each signed in with their login card, ask for
// their next problem and answer it over HTTP (keep-alive connections, the answer's statement
// durable before the reply), CONCURRENCY of them at a time for SECONDS; then the same client
// machinery on GET /healthz for the same time as the baseline of this run.
//   node bench/practice_load.mjs URL DB LOGINS.json SECONDS CONCURRENCY
import http from 'node:http';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createHmac } from 'node:crypto';

const [url, db, loginsFile, secsArg, concArg] = process.argv.slice(2);
const SECS = Number(secsArg || 20), CONC = Number(concArg || 64);
const base = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: CONC + 8 });

function req(path, { method = 'GET', json, cookie, csrf } = {}) {
  const body = json === undefined ? null : Buffer.from(JSON.stringify(json));
  const headers = {};
  if (body) { headers['content-type'] = 'application/json'; headers['content-length'] = body.length; }
  if (cookie) headers.cookie = cookie;
  if (csrf) headers['x-csrf-token'] = csrf;
  const t0 = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const r = http.request({ host: base.hostname, port: base.port, path, method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        let b = null;
        try { b = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
        resolve({ status: res.statusCode, headers: res.headers, body: b, ms });
      });
    });
    r.on('error', reject);
    if (body) r.write(body);
    r.end();
  });
}

function totp(secret) {
  const alpha = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, value = 0;
  const key = [];
  for (const ch of secret.replace(/=+$/, '')) {
    value = (value << 5) | alpha.indexOf(ch);
    bits += 5;
    if (bits >= 8) { key.push((value >>> (bits - 8)) & 0xff); bits -= 8; }
  }
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000)));
  const mac = createHmac('sha1', Buffer.from(key)).update(counter).digest();
  const off = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(off) & 0x7fffffff) % 1e6).padStart(6, '0');
}

const cookieOf = (res) => (res.headers['set-cookie'] || []).map((c) => c.split(';')[0]).join('; ');
const pct = (v, p) => { const s = [...v].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(p / 100 * s.length) - 1)] || 0; };

// 1. every student's session, by login card (no password hashing): cards printed by the district admin
const logins = JSON.parse(readFileSync(loginsFile, 'utf8'));
const da = logins.find((l) => l.role === 'district_admin');
let r = await req('/api/v1/session', { method: 'POST', json: { username: da.username, password: da.password, totp: totp(da.totp_secret) } });
if (r.status !== 200) throw new Error(`district admin login: ${r.status} ${JSON.stringify(r.body)}`);
const daCookie = cookieOf(r);
const classes = spawnSync('sqlite3', [db, "SELECT id FROM classes WHERE status = 'active' ORDER BY id"], { encoding: 'utf8' })
  .stdout.trim().split('\n').map(Number);
const codes = new Map();
for (const id of classes) {
  r = await req(`/api/v1/classes/${id}/cards`, { cookie: daCookie });
  if (r.status !== 200) continue;
  for (const c of r.body.cards) codes.set(c.student.id, c.code.replace(/-/g, ''));
}
const students = [];
for (const code of codes.values()) {
  r = await req('/api/v1/session/card', { method: 'POST', json: { code } });
  if (r.status === 200) students.push({ cookie: cookieOf(r), csrf: r.body.csrf_token, busy: false });
}
console.log(`${students.length} students signed in by card (${classes.length} classes)`);

// 2. the load: CONC loops, each taking the next idle student: next problem, then an answer
async function run(kind) {
  const lat = { next: [], attempt: [], healthz: [] };
  let answers = 0, errors = 0, k = 0;
  const until = Date.now() + SECS * 1000;
  async function loop() {
    while (Date.now() < until) {
      if (kind === 'healthz') {
        const h = await req('/healthz');
        if (h.status === 200) lat.healthz.push(h.ms); else errors++;
        continue;
      }
      let s;
      for (let tries = 0; tries < students.length; tries++) {
        s = students[k++ % students.length];
        if (!s.busy) break;
      }
      s.busy = true;
      const n = await req('/api/v1/practice/next', { cookie: s.cookie });
      if (n.status !== 200) { errors++; s.busy = false; continue; }
      lat.next.push(n.ms);
      const a = await req('/api/v1/practice/attempts', { method: 'POST', cookie: s.cookie, csrf: s.csrf,
        json: { item: n.body.item, instance: n.body.instance, step: n.body.step.id, response: String(1 + (answers % 9)) } });
      s.busy = false;
      if (a.status !== 200) { errors++; continue; }
      lat.attempt.push(a.ms);
      answers++;
    }
  }
  const t0 = Date.now();
  await Promise.all(Array.from({ length: CONC }, loop));
  const secs = (Date.now() - t0) / 1000;
  return { secs, answers, errors, lat };
}

const practice = await run('practice');
const healthz = await run('healthz');
const f = (v) => v.toFixed(1);
console.log(`practice: ${practice.answers} answers in ${f(practice.secs)} s = ${f(practice.answers / practice.secs)} answers/s, ` +
  `${practice.errors} errors; next p50 ${f(pct(practice.lat.next, 50))} p99 ${f(pct(practice.lat.next, 99))} ms; ` +
  `attempt p50 ${f(pct(practice.lat.attempt, 50))} p99 ${f(pct(practice.lat.attempt, 99))} ms`);
console.log(`baseline GET /healthz: ${f(healthz.lat.healthz.length / healthz.secs)} requests/s, ` +
  `p50 ${f(pct(healthz.lat.healthz, 50))} p99 ${f(pct(healthz.lat.healthz, 99))} ms`);
console.log(`ratio: ${((practice.answers * 2 / practice.secs) / (healthz.lat.healthz.length / healthz.secs)).toFixed(3)} ` +
  `(practice requests per second over healthz requests per second)`);
process.exit(0);

// Helpers for the identity tests: a demo district server, a cookie-keeping client that
// sends the CSRF token, and TOTP codes (RFC 6238 section 4: HMAC-SHA-1, X = 30 s, T0 = 0,
// RFC 4226 section 5.3 dynamic truncation, 6 digits) that never reuse a time step.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, request, trellis, tempDir } from './trellis.mjs';

// A server with the demo district; env sets TRELLIS_* settings. { srv, logins, login(role) }
// The simulated practice history (init --demo's --history-weeks) is left out unless asked for:
// it takes a while under the sanitizers and most tests do not need it.
export async function demoServer(env = {}, { historyWeeks = 0 } = {}) {
  const dir = tempDir('trellis-auth-');
  const db = join(dir, 'trellis.db');
  const loginsFile = join(dir, 'logins.json');
  const init = trellis(['init', '--db', db, '--demo', '--logins', loginsFile,
    '--history-weeks', String(historyWeeks)], { env });
  if (init.status !== 0) throw new Error(`trellis init --demo failed: ${init.stderr}`);
  const srv = await startServer({ dir, db, init: false, env });
  const logins = JSON.parse(readFileSync(loginsFile, 'utf8'));
  srv.logins = logins;
  srv.login = (role) => logins.find((l) => l.role === role);
  return srv;
}

export function base32Decode(s) {
  const alpha = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, value = 0;
  const out = [];
  for (const ch of s.replace(/=+$/, '').toUpperCase()) {
    value = (value << 5) | alpha.indexOf(ch);
    bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 0xff); bits -= 8; }
  }
  return Buffer.from(out);
}

export function totpAt(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const off = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(off) & 0x7fffffff) % 1e6).padStart(6, '0');
}

// The server accepts each time step once per account, and one step either side of now:
// hand out now-1, now, now+1 in turn, waiting for the next step when all three are used.
const lastStep = new Map();
export async function nextTotp(secret) {
  for (;;) {
    const now = Math.floor(Date.now() / 30000);
    const late = Date.now() % 30000 > 27000; // now-1 may be two steps behind on arrival
    const last = lastStep.get(secret) ?? -Infinity;
    for (const step of [now - 1, now, now + 1]) {
      if (step > last && !(step === now - 1 && late)) {
        lastStep.set(secret, step);
        return totpAt(secret, step);
      }
    }
    await new Promise((r) => setTimeout(r, 30000 - (Date.now() % 30000) + 100));
  }
}

// A browser-like client: keeps the session cookie, sends X-CSRF-Token on writes, and an
// X-Forwarded-For address (the test servers trust it) so tests have their own throttles.
export class Client {
  constructor(base, addr = '127.0.0.1') {
    this.base = base;
    this.addr = addr;
    this.cookies = {};
    this.csrf = '';
  }
  cookieHeader() {
    return Object.entries(this.cookies).map(([k, v]) => `${k}=${v}`).join('; ');
  }
  async req(path, { method = 'GET', json, body, headers = {}, csrf = true } = {}) {
    const h = { 'x-forwarded-for': this.addr, ...headers };
    const c = this.cookieHeader();
    if (c) h.cookie = c;
    if (csrf && method !== 'GET' && this.csrf) h['x-csrf-token'] = this.csrf;
    const r = await request(this.base, path, { method, json, body, headers: h });
    for (const sc of r.headers.getSetCookie()) {
      const [kv] = sc.split(';');
      const i = kv.indexOf('=');
      const k = kv.slice(0, i), v = kv.slice(i + 1);
      if (/Max-Age=0/i.test(sc)) delete this.cookies[k];
      else this.cookies[k] = v;
    }
    if (r.body && r.body.csrf_token) this.csrf = r.body.csrf_token;
    return r;
  }
  async login(l, { totp } = {}) {
    const json = { username: l.username, password: l.password };
    if (totp) json.totp = totp;
    else if (l.totp_secret) json.totp = await nextTotp(l.totp_secret);
    return this.req('/api/v1/session', { method: 'POST', json });
  }
}

// The roster upload route (POST /api/v1/districts/{id}/roster/imports) and the CLI import into a
// served demo district: .zip members are read up to the upload limit whatever they claim; who may
// create, promote or change administrators; a set for another district; access that follows the
// roster over time. Fixtures are made here (the demo district and sets cut from its export).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { request, trellis, dumpDb, sqlShell, PG } from './lib/trellis.mjs';
import { demoServer, Client } from './lib/auth.mjs';

const LIMIT = 2 << 20; // the server's upload_limit in these tests
const ROSTER_TABLES = /^INSERT INTO "?(districts|orgs|academic_sessions|courses|classes|class_terms|users|user_orgs|user_agents|user_roles|user_profiles|enrollments|demographics|roster_imports)"? /;

let srv, work, client, district;

function basic(key, secret) {
  return 'Basic ' + Buffer.from(`${key}:${secret}`).toString('base64');
}

// The roster rows of the database, one line each (sessions and the audit log change with every request).
function rosterDump() {
  return dumpDb(srv.db).split('\n').filter((l) => ROSTER_TABLES.test(l)).sort().join('\n');
}

// Build a .zip with python3's zipfile (deflate). patch: {member: size} overwrites the
// uncompressed size that the member's local header and central directory entry declare.
function makeZip(path, files, patch = {}) {
  const spec = JSON.stringify({ files: Object.fromEntries(Object.entries(files).map(([n, c]) =>
    [n, typeof c === 'string' ? { text: c } : c])), patch });
  const r = spawnSync('python3', ['-c', `import sys, json, zipfile, struct
spec = json.loads(sys.stdin.read())
z = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED)
for name, c in spec['files'].items():
    data = c['text'].encode() if 'text' in c else bytes([c['byte']]) * c['repeat']
    z.writestr(name, data)
z.close()
b = bytearray(open(sys.argv[1], 'rb').read())
for name, size in spec['patch'].items():
    for sig, name_at, len_at, size_at in ((b'PK\\x03\\x04', 30, 26, 22), (b'PK\\x01\\x02', 46, 28, 24)):
        i = b.find(sig)
        while i >= 0:
            n = struct.unpack('<H', b[i + len_at:i + len_at + 2])[0]
            if b[i + name_at:i + name_at + n].decode() == name:
                struct.pack_into('<I', b, i + size_at, size)
            i = b.find(sig, i + 4)
open(sys.argv[1], 'wb').write(b)`, path], { input: spec, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return readFileSync(path);
}

// Peak virtual size and peak resident size of the server, in bytes (Linux /proc).
function peaks() {
  const s = readFileSync(`/proc/${srv.proc.pid}/status`, 'utf8');
  const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)[1]) * 1024;
  return { vm: kb('VmPeak'), rss: kb('VmHWM') };
}

async function upload(body, auth) {
  return request(srv.url, `/api/v1/districts/${district}/roster/imports`, {
    method: 'POST', body, headers: { 'content-type': 'application/zip', authorization: auth }, timeout: 60000,
  });
}

const MANIFEST = (version, modes) => ['propertyName,value', 'manifest.version,1.0', `oneroster.version,${version}`,
  ...Object.entries(modes).map(([f, m]) => `file.${f},${m}`)].join('\n') + '\n';

before(async () => {
  srv = await demoServer({ TRELLIS_UPLOAD_LIMIT: String(LIMIT), TRELLIS_BODY_LIMIT: String(1 << 20) });
  work = join(srv.dir, 'work');
  mkdirSync(work);
  const cred = JSON.parse(trellis(['admin', 'add-client', '--db', srv.db, '--name', 'SIS sync', '--scope', 'roster/write']).stdout);
  client = basic(cred.key, cred.secret);
  district = Number(sqlShell(srv.db, "SELECT id FROM districts WHERE sourced_id = 'cv-district'"));
  // one authenticated request first: the peaks measured below are the import's, not the first request's
  const r = await request(srv.url, '/api/v1/version', { headers: { authorization: client } });
  assert.equal(r.status, 200);
});

after(async () => {
  await srv?.cleanup();
});

// ---- .zip members: their declared sizes are claims ----

test('a .zip member that claims a huge size is refused before anything is allocated for it', async () => {
  const before = rosterDump();
  const body = makeZip(join(work, 'huge.zip'), {
    'manifest.csv': MANIFEST('1.2', { users: 'bulk' }),
    'users.csv': 'sourcedId,status\n' + 'x'.repeat(1000),
  }, { 'users.csv': 0xFFFFFFF0 });
  const p0 = peaks();
  const r = await upload(body, client);
  const p1 = peaks();
  assert.equal(r.status, 413, r.text);
  assert.equal(r.body.code, 'too_large');
  assert.deepEqual(r.body.errors, [`users.csv:0:0: cannot read: users.csv: the .zip says it unpacks to 4294967280 bytes, more than the upload limit of ${LIMIT} bytes`]);
  // the old reader allocated the claimed 4 GiB (virtual) before reading a byte
  assert.ok(p1.vm - p0.vm < 1 << 30, `peak virtual size grew by ${p1.vm - p0.vm} bytes`);
  assert.equal(rosterDump(), before);
});

test('a zip bomb is refused: reading stops at the upload limit, whatever the member claims', async () => {
  const before = rosterDump();
  // 128 MiB of zeros deflate to about 128 KB, well under the upload limit
  const files = { 'manifest.csv': MANIFEST('1.2', { users: 'bulk' }), 'users.csv': { byte: 0, repeat: 128 << 20 } };
  const honest = makeZip(join(work, 'bomb.zip'), files);
  assert.ok(honest.length < LIMIT);
  const p0 = peaks();
  let r = await upload(honest, client);
  assert.equal(r.status, 413, r.text);
  assert.deepEqual(r.body.errors, [`users.csv:0:0: cannot read: users.csv: the .zip says it unpacks to ${128 << 20} bytes, more than the upload limit of ${LIMIT} bytes`]);
  // the same bomb claiming 1,000 bytes: read until past the limit, then refused
  // (the old reader took the first 1,000 bytes as the whole file)
  const lying = makeZip(join(work, 'bomb-lying.zip'), files, { 'users.csv': 1000 });
  r = await upload(lying, client);
  const p1 = peaks();
  assert.equal(r.status, 413, r.text);
  assert.deepEqual(r.body.errors, [`users.csv:0:0: cannot read: users.csv: unpacks to more than the upload limit of ${LIMIT} bytes`]);
  assert.ok(p1.rss - p0.rss < 48 << 20, `peak resident size grew by ${p1.rss - p0.rss} bytes`);
  assert.equal(rosterDump(), before);
});

test('the CLI reads a .zip up to the configured upload limit too', () => {
  const path = join(work, 'bomb.zip');
  const r = trellis(['import', 'oneroster', '--db', srv.db, '--json', path], { env: { TRELLIS_UPLOAD_LIMIT: String(LIMIT), TRELLIS_BODY_LIMIT: String(1 << 20) } });
  assert.equal(r.status, 1, r.stdout);
  assert.deepEqual(JSON.parse(r.stdout).errors, [`users.csv:0:0: cannot read: users.csv: the .zip says it unpacks to ${128 << 20} bytes, more than the upload limit of ${LIMIT} bytes`]);
});

// Micro-credentials end to end (issue 15): a PD coordinator awards Open Badges 3.0
// credentials (OB 3.0 section 8.1 OpenBadgeCredential, W3C VC Data Model 2.0) to teachers
// over the API; each is a VC-JWT (OB 3.0 section 8.2; RFC 7515 compact JWS, RS256) that an
// independent verifier (jose, the library of the shared harness, jwt.mjs) accepts with the
// keys Trellis publishes (RFC 7517 section 5 JWKS at /badges/d/1/jwks.json); a changed byte
// fails; a revoked one reports revoked, in `trellis badge verify --db` and in the public
// Bitstring Status List (W3C Bitstring Status List section 3.2: GZIP, base64url, 'u'
// multibase, bit 0 the leftmost). The 1EdTech test vectors and the harness's VC-JWTs in
// ../shared/data/openbadges are read as they should be (skipped when that data is absent).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createServer } from 'node:net';
import { trellis, request, startServer, tempDir, DATA, hasData, sqlShell } from './lib/trellis.mjs';
import { Client } from './lib/auth.mjs';

// The issuer's URLs are under base_url, so the server gets a fixed port that base_url names:
// the credentials' URLs (issuer, status list) are then the ones a verifier fetches.
const PORT = await new Promise((res) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); });
});
const BASE = `http://127.0.0.1:${PORT}`;
// jose (tests/package.json) is the independent verifier; a node_modules made before it was
// added lacks it: those tests then skip, saying so
const jose = await import('jose').catch(() => null);
const NO_JOSE = !jose && 'the npm package jose is not installed (cd tests && npm ci)';
const OB = join(DATA, 'openbadges');
const VECTORS = join(OB, '1edtech-validator-testvectors', 'ob30');
const hasVectors = hasData && existsSync(VECTORS);
// The OB 3.0 JSON schema (1EdTech's ob_v3p0_achievementcredential_schema.json) when the
// shared data holds it.
const SCHEMA = [join(OB, 'schema', 'ob_v3p0_achievementcredential_schema.json'),
  join(OB, 'ob_v3p0_achievementcredential_schema.json')].find((p) => existsSync(p));

let srv, pd, teacherLogin, teacherId, otherId, creds = [];
const DEMO_CREDENTIALS = 4; // src/app/demo_badges.c

function cli(args) {
  return trellis(args, { env: { TRELLIS_BASE_URL: BASE } });
}

before(async () => {
  const dir = tempDir('trellis-badges-');
  const db = join(dir, 'trellis.db');
  const init = cli(['init', '--db', db, '--demo', '--logins', join(dir, 'logins.json'), '--history-weeks', '0']);
  assert.equal(init.status, 0, init.stderr);
  srv = await startServer({ dir, db, init: false, env: { TRELLIS_BASE_URL: BASE },
    args: ['--listen', `127.0.0.1:${PORT}`] });
  srv.logins = JSON.parse(readFileSync(join(dir, 'logins.json'), 'utf8'));
  let r = cli(['badge', 'define', '--db', srv.db, 'heatmap', '--name', 'Small groups from the heat map',
    '--description', 'Plans small-group instruction from the class heat map',
    '--competency', 'Uses mastery data to form and re-form small groups']);
  assert.equal(r.status, 0, r.stderr);
  r = cli(['admin', 'add-account', '--db', srv.db, '--username', 'pd.lee', '--name', 'Pat Lee',
    '--role', 'pd_coordinator', '--school', 'sch-001']);
  assert.equal(r.status, 0, r.stderr);
  pd = new Client(srv.url, '10.9.0.1');
  const login = await pd.login({ username: 'pd.lee', password: JSON.parse(r.stdout).password });
  assert.equal(login.status, 200, login.text);
  const teachers = srv.logins.filter((l) => l.role === 'teacher');
  teacherLogin = teachers[0];
  teacherId = Number(sqlShell(srv.db, `SELECT id FROM users WHERE username = '${teachers[0].username}'`));
  otherId = Number(sqlShell(srv.db, `SELECT id FROM users WHERE username = '${teachers[1].username}'`));
});

after(async () => { if (srv) await srv.cleanup(); });

async function jwks() {
  const r = await request(srv.url, '/badges/d/1/jwks.json');
  assert.equal(r.status, 200);
  return r.body;
}

// The independent check: jose verifies the signature with the issuer's published key (by
// kid), then the registered claims must repeat the credential as the harness checks them.
async function joseVerify(jwt, set) {
  const keys = jose.createLocalJWKSet(set);
  const { payload, protectedHeader } = await jose.jwtVerify(jwt, keys, { algorithms: ['RS256', 'EdDSA'] });
  assert.equal(protectedHeader.typ, 'JWT');
  assert.equal(payload.iss, payload.issuer.id);
  assert.equal(payload.jti, payload.id);
  assert.equal(payload.sub, payload.credentialSubject.id);
  assert.equal(new Date(payload.nbf * 1000).toISOString().replace('.000', ''), payload.validFrom);
  return payload;
}

test('the demo district ships achievements and teachers who already hold credentials', () => {
  const listed = JSON.parse(cli(['badge', 'list', '--db', srv.db, '--json']).stdout);
  assert.equal(listed.length, DEMO_CREDENTIALS);
  assert.deepEqual([...new Set(listed.map((c) => c.achievement))].sort(),
    ['Assistive technology in the classroom', 'Small groups from the heat map', 'Student data privacy']);
  // the demo teacher who has a login holds two
  assert.equal(listed.filter((c) => c.recipient_id === teacherId).length, 2);
  for (const c of listed) {
    const file = join(srv.dir, `demo-${c.id}.jwt`);
    assert.equal(cli(['badge', 'export', '--db', srv.db, '--id', String(c.id), file]).status, 0);
    const r = cli(['badge', 'verify', file, '--db', srv.db]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(JSON.parse(r.stdout).status, 'active');
  }
});

test('a PD coordinator awards credentials to teachers; a teacher cannot, and no one to a student', async () => {
  for (const [who, ach] of [[teacherId, 'heatmap'], [teacherId, 'heatmap'], [otherId, 'heatmap']]) {
    const r = await pd.req(`/api/v1/users/${who}/credentials`, { method: 'POST', json: { achievement: ach } });
    assert.equal(r.status, 201, r.text);
    creds.push({ id: r.body.id, holder: who });
  }
  let r = await pd.req(`/api/v1/users/${teacherId}/credentials`, { method: 'POST', json: { achievement: 'nope' } });
  assert.equal(r.status, 404, r.text);
  r = await pd.req(`/api/v1/users/${teacherId}/credentials`, { method: 'POST', json: { achievement: 'heatmap', extra: 1 } });
  assert.equal(r.status, 400, r.text);
  const student = srv.logins.find((l) => l.role === 'student');
  const sid = Number(sqlShell(srv.db, `SELECT id FROM users WHERE username = '${student.username}'`));
  r = await pd.req(`/api/v1/users/${sid}/credentials`, { method: 'POST', json: { achievement: 'heatmap' } });
  assert.equal(r.status, 400, r.text);
  assert.match(r.body.detail, /recipient/);
  // a teacher awards nothing, not even to themselves
  const t = new Client(srv.url, '10.9.0.2');
  assert.equal((await t.login(teacherLogin)).status, 200);
  r = await t.req(`/api/v1/users/${teacherId}/credentials`, { method: 'POST', json: { achievement: 'heatmap' } });
  assert.equal(r.status, 403, r.text);
  r = await t.req(`/api/v1/users/${otherId}/credentials`, { method: 'POST', json: { achievement: 'heatmap' } });
  assert.equal(r.status, 404, r.text);
  // the holder sees their own two and downloads them
  r = await t.req(`/api/v1/users/${teacherId}/credentials`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.credentials.length, 2 + 2); // the demo's two and these two
  for (const c of creds.filter((x) => x.holder === teacherId)) {
    const j = await t.req(`/api/v1/credentials/${c.id}/jwt`);
    assert.equal(j.status, 200, j.text);
    assert.equal(j.headers.get('content-type'), 'application/jwt');
  }
  // but not the other teacher's
  r = await t.req(`/api/v1/credentials/${creds[2].id}/jwt`);
  assert.equal(r.status, 404, r.text);
});

test('every issued credential verifies with jose and the published JWKS, and is an OB 3.0 credential', { skip: NO_JOSE }, async (t) => {
  const set = await jwks();
  assert.ok(set.keys.length >= 1 && set.keys.every((k) => k.kid && k.alg === 'RS256' && !('d' in k)));
  const listed = JSON.parse(cli(['badge', 'list', '--db', srv.db, '--json']).stdout);
  assert.equal(listed.length, DEMO_CREDENTIALS + creds.length);
  let validate = null;
  if (SCHEMA) {
    const ajv = await import('ajv/dist/2019.js').catch(() => null);
    if (ajv) validate = new ajv.default({ strict: false, allErrors: true }).compile(JSON.parse(readFileSync(SCHEMA, 'utf8')));
  }
  for (const c of listed) {
    const jwt = (await request(srv.url, `/badges/c/${c.uuid}`)).text;
    const p = await joseVerify(jwt, set);
    // OB 3.0 8.1 / VC 2.0 4.1-4.3: contexts in order, the types, an issuer Profile
    assert.deepEqual(p['@context'], ['https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json']);
    assert.deepEqual(p.type, ['VerifiableCredential', 'OpenBadgeCredential']);
    assert.equal(p.issuer.id, `${BASE}/badges/d/1/issuer`);
    assert.deepEqual(p.credentialSubject.type, ['AchievementSubject']);
    assert.equal(p.credentialSubject.achievement.name, c.achievement);
    assert.ok(p.credentialSubject.achievement.criteria.narrative);
    assert.equal(p.credentialSubject.identifier[0].identityHash, c.recipient);
    // Bitstring Status List 2.1: the entry names the list and an index
    assert.equal(p.credentialStatus.type, 'BitstringStatusListEntry');
    assert.equal(p.credentialStatus.statusPurpose, 'revocation');
    assert.equal(p.credentialStatus.statusListCredential, `${BASE}/badges/d/1/status`);
    if (validate) {
      const { iss, jti, sub, nbf, exp, ...cred } = p;
      assert.ok(validate(cred), JSON.stringify(validate.errors));
    }
  }
  if (!validate) {
    t.diagnostic(SCHEMA ? 'skipped the OB 3.0 JSON schema check: the npm package ajv is not installed'
      : 'skipped the OB 3.0 JSON schema check: no ob_v3p0_achievementcredential_schema.json in ' + OB);
  }
});

test('a changed byte fails, in jose and in trellis badge verify', { skip: NO_JOSE }, async () => {
  const set = await jwks();
  const c = JSON.parse(cli(['badge', 'list', '--db', srv.db, '--json']).stdout).find((x) => !x.revoked);
  const jwt = (await request(srv.url, `/badges/c/${c.uuid}`)).text;
  const dir = srv.dir;
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify(set));
  writeFileSync(join(dir, 'good.jwt'), jwt);
  let r = cli(['badge', 'verify', join(dir, 'good.jwt'), '--jwks', join(dir, 'jwks.json')]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.deepEqual(Object.keys(JSON.parse(r.stdout)), ['verified', 'issuer', 'achievement', 'status', 'reason']);
  const [h, pl, sig] = jwt.split('.');
  // a byte of the credential: the achievement's name, re-encoded
  const forged = JSON.parse(Buffer.from(pl, 'base64url'));
  forged.credentialSubject.achievement.name = 'Small groups from the heat maq';
  const bad = [h, Buffer.from(JSON.stringify(forged)).toString('base64url'), sig].join('.');
  await assert.rejects(joseVerify(bad, set), /signature verification failed/);
  writeFileSync(join(dir, 'bad.jwt'), bad);
  r = cli(['badge', 'verify', join(dir, 'bad.jwt'), '--jwks', join(dir, 'jwks.json')]);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.equal(JSON.parse(r.stdout).verified, false);
  assert.match(JSON.parse(r.stdout).reason, /signature/);
  r = cli(['badge', 'verify', join(dir, 'bad.jwt'), '--db', srv.db]);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  // a byte of the signature
  const s = Buffer.from(sig, 'base64url');
  s[10] ^= 1;
  const bad2 = [h, pl, s.toString('base64url')].join('.');
  await assert.rejects(joseVerify(bad2, set));
  writeFileSync(join(dir, 'bad2.jwt'), bad2);
  r = cli(['badge', 'verify', join(dir, 'bad2.jwt'), '--jwks', join(dir, 'jwks.json')]);
  assert.equal(r.status, 1, r.stdout + r.stderr);
});

test('a revoked credential verifies as revoked: trellis badge verify --db, the status list, the public page', { skip: NO_JOSE }, async () => {
  const c = creds[0];
  const file = join(srv.dir, 'export.jwt');
  let r = cli(['badge', 'export', '--db', srv.db, '--id', String(c.id), file]);
  assert.equal(r.status, 0, r.stderr);
  r = cli(['badge', 'verify', file, '--db', srv.db]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(JSON.parse(r.stdout).status, 'active');
  assert.equal(JSON.parse(r.stdout).issuer, `${BASE}/badges/d/1/issuer`);
  let rv = await pd.req(`/api/v1/credentials/${c.id}/revoke`, { method: 'POST', json: { reason: 'evidence was not the applicant\'s' } });
  assert.equal(rv.status, 204, rv.text);
  rv = await pd.req(`/api/v1/credentials/${c.id}/revoke`, { method: 'POST', json: { reason: 'again' } });
  assert.equal(rv.status, 409, rv.text);
  r = cli(['badge', 'verify', file, '--db', srv.db]);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  const v = JSON.parse(r.stdout);
  assert.equal(v.verified, false);
  assert.equal(v.status, 'revoked');
  assert.match(v.reason, /revoked/);
  // offline, with the published keys and the status list fetched by hand
  writeFileSync(join(srv.dir, 'status.json'), (await request(srv.url, '/badges/d/1/status')).text);
  writeFileSync(join(srv.dir, 'keys.json'), JSON.stringify(await jwks()));
  r = cli(['badge', 'verify', file, '--jwks', join(srv.dir, 'keys.json'), '--status-list', join(srv.dir, 'status.json')]);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.equal(JSON.parse(r.stdout).status, 'revoked');
  // the signature itself still holds (jose), so the status list is what revokes it
  const jwt = readFileSync(file, 'utf8').trim();
  const p = await joseVerify(jwt, await jwks());
  const list = await request(p.credentialStatus.statusListCredential, '');
  assert.equal(list.status, 200);
  assert.deepEqual(list.body.type, ['VerifiableCredential', 'BitstringStatusListCredential']);
  const enc = list.body.credentialSubject.encodedList;
  assert.equal(enc[0], 'u');
  const bits = gunzipSync(Buffer.from(enc.slice(1), 'base64url'));
  assert.ok(bits.length >= 16384, 'at least 131072 bits (section 3.2 minimum)');
  const idx = Number(p.credentialStatus.statusListIndex);
  assert.equal((bits[idx >> 3] >> (7 - (idx & 7))) & 1, 1, 'the revoked credential\'s bit is set');
  const other = JSON.parse(cli(['badge', 'list', '--db', srv.db, '--json']).stdout).find((x) => x.id === creds[1].id);
  const p2 = JSON.parse(Buffer.from((await request(srv.url, `/badges/c/${other.uuid}`)).text.split('.')[1], 'base64url'));
  const idx2 = Number(p2.credentialStatus.statusListIndex);
  assert.equal((bits[idx2 >> 3] >> (7 - (idx2 & 7))) & 1, 0, 'an active credential\'s bit is clear');
  // the public page's view: what the credential holds and its verification, nothing more
  const uuid = p.id.slice('urn:uuid:'.length);
  const view = await request(srv.url, `/api/v1/badges/${uuid}`);
  assert.equal(view.status, 200);
  assert.equal(view.body.verification.status, 'revoked');
  assert.deepEqual(Object.keys(view.body).sort(), ['credential', 'jwt', 'verification']);
  assert.equal(view.body.credential.credentialSubject.identifier[0].identityHash, p.credentialSubject.identifier[0].identityHash);
  assert.equal((await request(srv.url, '/api/v1/badges/not-a-uuid')).status, 404);
  // a well-formed id of no credential: 404, and the server still answers (it once freed an
  // uninitialised pointer here)
  const none = '00000000-0000-4000-8000-000000000000';
  assert.equal((await request(srv.url, `/api/v1/badges/${none}`)).status, 404);
  assert.equal((await request(srv.url, `/badges/c/${none}`)).status, 404);
  assert.equal((await request(srv.url, '/healthz')).status, 200);
  // the issuer profile (OB 3.0 B.1.7) is public
  const prof = await request(srv.url, '/badges/d/1/issuer');
  assert.equal(prof.body.id, p.issuer.id);
  assert.deepEqual(prof.body.type, ['Profile']);
});

test('trellis badge jwks prints the keys the server publishes', async () => {
  const r = cli(['badge', 'jwks', '--db', srv.db]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), await jwks());
});

test('evidence to award: the teacher submits, the coordinator returns it with feedback, then passes it', { skip: NO_JOSE }, async () => {
  const t = new Client(srv.url, '10.9.0.3');
  assert.equal((await t.login(teacherLogin)).status, 200);
  const evidence = { lesson_plan: 'Groups from the heat map', work_samples: 'Two samples, names removed', reflection: 'What changed' };
  let r = await t.req('/api/v1/badges/achievements/heatmap-small-groups/submissions', { method: 'POST', json: evidence });
  assert.equal(r.status, 201, r.text);
  const first = r.body.id;
  r = await t.req('/api/v1/badges/achievements/heatmap-small-groups/submissions', { method: 'POST', json: evidence });
  assert.equal(r.status, 409, r.text);
  // the applicant does not score their own
  r = await t.req(`/api/v1/badge-submissions/${first}/scores`, { method: 'POST', json: { scores: [] } });
  assert.equal(r.status, 403, r.text);
  r = await pd.req(`/api/v1/badge-submissions/${first}`);
  assert.equal(r.status, 200, r.text);
  const rows = r.body.rubric.map((x) => x.row);
  assert.equal(rows.length, 4, 'the demo rubric has four rows');
  const scores = (metAll) => rows.map((row, i) => ({ row, met: metAll || i !== 1, feedback: `row ${row}` }));
  r = await pd.req(`/api/v1/badge-submissions/${first}/scores`, { method: 'POST', json: { scores: scores(false) } });
  assert.deepEqual([r.status, r.body], [200, { state: 'returned', credential_id: null }], r.text);
  r = await t.req(`/api/v1/badge-submissions/${first}`);
  assert.equal(r.body.rubric[1].met, false);
  assert.equal(r.body.rubric[1].feedback, `row ${rows[1]}`);
  r = await t.req('/api/v1/badges/achievements/heatmap-small-groups/submissions', { method: 'POST', json: evidence });
  assert.equal(r.status, 201, r.text);
  const second = r.body.id;
  r = await pd.req(`/api/v1/badge-submissions/${second}/scores`, { method: 'POST', json: { scores: scores(true) } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.state, 'passed');
  const jwt = await t.req(`/api/v1/credentials/${r.body.credential_id}/jwt`);
  assert.equal(jwt.status, 200);
  const p = await joseVerify(jwt.text, await jwks());
  assert.equal(p.credentialSubject.achievement.name, 'Small groups from the heat map');
});

// PNG chunks read here without the C code: signature, then length, type, data, CRC-32.
function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
function pngChunks(png) {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const out = [];
  for (let p = 8; p < png.length;) {
    const len = png.readUInt32BE(p), type = png.subarray(p + 4, p + 8).toString('latin1');
    const data = png.subarray(p + 8, p + 8 + len);
    assert.equal(png.readUInt32BE(p + 8 + len), crc32(png.subarray(p + 4, p + 8 + len)), `${type}: CRC`);
    out.push({ type, data });
    p += 12 + len;
  }
  return out;
}

test('a credential baked into a PNG (OB 3.0 baking): the iTXt chunk holds the VC-JWT, and verify reads it', async () => {
  const c = JSON.parse(cli(['badge', 'list', '--db', srv.db, '--json']).stdout).find((x) => !x.revoked);
  const res = await fetch(`${srv.url}/badges/png/${c.uuid}`, { signal: AbortSignal.timeout(15000) });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/png');
  const png = Buffer.from(await res.arrayBuffer());
  const chunks = pngChunks(png);
  assert.deepEqual([chunks[0].type, chunks.at(-1).type], ['IHDR', 'IEND']);
  const itxt = chunks.find((k) => k.type === 'iTXt');
  // keyword, NUL, compression flag 0, method 0, language "", NUL, translated keyword "", NUL, text
  const head = Buffer.from('openbadgecredential\0\0\0\0\0', 'latin1');
  assert.deepEqual(itxt.data.subarray(0, head.length), head);
  const jwt = itxt.data.subarray(head.length).toString('utf8');
  assert.equal(jwt, (await request(srv.url, `/badges/c/${c.uuid}`)).text);
  const file = join(srv.dir, 'baked.png');
  writeFileSync(file, png);
  let r = cli(['badge', 'verify', file, '--db', srv.db]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(JSON.parse(r.stdout).status, 'active');
  // the CLI's own export bakes the same way
  const out = join(srv.dir, 'exported.png');
  r = cli(['badge', 'export', '--db', srv.db, '--id', String(c.id), '--png', out]);
  assert.equal(r.status, 0, r.stderr);
  r = cli(['badge', 'verify', out, '--db', srv.db]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  // a changed byte in the baked credential
  const bad = Buffer.from(png);
  bad[bad.indexOf('eyJ', 0, 'latin1') + 20] ^= 1;
  writeFileSync(join(srv.dir, 'bad.png'), bad);
  r = cli(['badge', 'verify', join(srv.dir, 'bad.png'), '--db', srv.db]);
  assert.equal(r.status, 1, r.stdout + r.stderr);
});

// ---- the shared vectors ----

function verifyFile(file, set) {
  const jw = join(srv.dir, 'vector-jwks.json');
  writeFileSync(jw, JSON.stringify(set || { keys: [] }));
  const r = cli(['badge', 'verify', file, '--jwks', jw]);
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  const v = JSON.parse(r.stdout);
  assert.equal(r.status, v.verified ? 0 : 1);
  return v;
}

test('the harness VC-JWTs (RS256 and EdDSA) verify with their key, and not with another', { skip: !hasData && 'no ../shared/data' }, async () => {
  for (const alg of ['RS256', 'EdDSA']) {
    const file = join(OB, 'generated', `ob3-simple-${alg}.jwt`);
    const header = JSON.parse(Buffer.from(readFileSync(file, 'utf8').split('.')[0], 'base64url'));
    // the verifier trusts the key set it is given, never the token's own jwk header
    let v = verifyFile(file, { keys: [header.jwk] });
    assert.equal(v.verified, true, `${alg}: ${v.reason}`);
    assert.equal(v.issuer, 'https://example.com/issuers/876543');
    assert.equal(v.achievement, 'Teamwork'); // credentialSubject.achievement.name
    v = verifyFile(file, await jwks());
    assert.equal(v.verified, false);
    assert.match(v.reason, /no key/);
    // tampered
    const [h, pl, sig] = readFileSync(file, 'utf8').trim().split('.');
    const p = JSON.parse(Buffer.from(pl, 'base64url'));
    p.name = 'Forged';
    const bad = join(srv.dir, `forged-${alg}.jwt`);
    writeFileSync(bad, [h, Buffer.from(JSON.stringify(p)).toString('base64url'), sig].join('.'));
    v = verifyFile(bad, { keys: [header.jwk] });
    assert.equal(v.verified, false);
  }
});

test('the 1EdTech OB 3.0 vectors are read: valid, expired, revoked, bad proof', { skip: !hasVectors && 'no 1EdTech test vectors in ../shared/data/openbadges' }, () => {
  // simple.json: a Data Integrity proof (eddsa-rdfc-2022), which this verifier does not check
  // (it needs RDF canonicalisation): read, named, and not called verified
  let v = verifyFile(join(VECTORS, 'simple.json'));
  assert.equal(v.verified, false);
  assert.equal(v.issuer, 'https://example.com/issuers/876543');
  assert.equal(v.achievement, 'Teamwork'); // credentialSubject.achievement.name
  assert.match(v.reason, /DataIntegrityProof \(eddsa-rdfc-2022\) is not checked/);
  // expired (validUntil 2010-01-01, VC 2.0 4.9): reported as expired before any proof
  v = verifyFile(join(VECTORS, 'simple-err-expired.json'));
  assert.equal(v.status, 'expired');
  assert.match(v.reason, /validUntil/);
  // revoked: its status is a 1EdTechRevocationList on a host a test cannot reach
  v = verifyFile(join(VECTORS, 'credential-status-revoked.json'));
  assert.equal(v.verified, false);
  assert.equal(v.status, 'unchecked');
  // a bad proof value: never verified
  v = verifyFile(join(VECTORS, 'simple-err-proof-value.json'));
  assert.equal(v.verified, false);
  // no proof, and no achievement in its subject (a VC 1.1 credential): refused for the latter
  v = verifyFile(join(VECTORS, 'simple-noproof.json'));
  assert.equal(v.verified, false);
  assert.match(v.reason, /credentialSubject.achievement/);
  // the VC 1.1 VC-JWT ("vc" claim): read, but its key is not in any set we hold
  v = verifyFile(join(VECTORS, 'simple.jwt'));
  assert.equal(v.verified, false);
  assert.equal(v.issuer, 'https://example.edu/issuers/565049');
  assert.match(v.reason, /no key/);
});

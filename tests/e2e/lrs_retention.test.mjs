// Retention and deletion of learning records: a district administrator deletes one
// learner's statements (and the voiding statements that target them, their documents and
// attachments), or everything stored before a date, after a dry run that counts first.
// Every deletion is audited and no copy stays in the database file or its WAL.
// FERPA 34 CFR 99.32 (record of disclosures/changes); xAPI 2.0.0 4.2.5 (voiding),
// 4.2.2.6 / 4.1.3 (attachments over multipart/mixed), 4.1.6.2 (State).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { request, trellis, dumpDb, PG } from './lib/trellis.mjs';
import { demoServer, Client } from './lib/auth.mjs';

let srv, client;
const basic = (c) => 'Basic ' + Buffer.from(`${c.key}:${c.secret}`).toString('base64');
const H = () => ({ authorization: basic(client), 'x-experience-api-version': '2.0.0' });
const MARK1 = 'MARKER-learner-one-' + randomUUID();
const MARK2 = 'MARKER-learner-two-' + randomUUID();
const DOCMARK = 'MARKER-state-doc-' + randomUUID();
const ATTMARK = 'MARKER-attachment-' + randomUUID();
let learner1, learner2, ids1 = [], ids2 = [], voider, attId;

const agentOf = (sid) => ({ objectType: 'Agent', account: { homePage: srv.url, name: sid } });
const st = (sid, mark, i) => ({
  id: randomUUID(),
  actor: agentOf(sid),
  verb: { id: 'http://adlnet.gov/expapi/verbs/answered', display: { 'en-US': 'answered' } },
  object: { objectType: 'Activity', id: `http://example.com/items/${i}` },
  result: { success: true, response: `${mark}-${i}` },
});

async function postJson(statements) {
  const r = await request(srv.url, '/xapi/statements', { method: 'POST', json: statements, headers: H() });
  assert.equal(r.status, 200, r.text);
}

// One statement with an attachment sent over multipart/mixed (xAPI 2.0.0 4.1.3).
async function postWithAttachment(sid) {
  const content = Buffer.from(`${ATTMARK} the learner's essay`);
  const sha2 = createHash('sha256').update(content).digest('hex');
  const s = st(sid, MARK1, 'att');
  s.attachments = [{
    usageType: 'http://id.tincanapi.com/attachment/supporting_media',
    display: { 'en-US': 'essay' }, contentType: 'text/plain', length: content.length, sha2,
  }];
  const b = 'xapi-boundary-' + randomUUID();
  const body = Buffer.concat([
    Buffer.from(`--${b}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify([s])}\r\n`),
    Buffer.from(`--${b}\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: ${sha2}\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${b}--\r\n`),
  ]);
  const r = await request(srv.url, '/xapi/statements', { method: 'POST', body, headers: { ...H(), 'content-type': `multipart/mixed; boundary=${b}` } });
  assert.equal(r.status, 200, r.text);
  return s.id;
}

// What the database holds: SQLite's file and its WAL, bytes and all (no copy may stay in
// either). On PostgreSQL every row of every table: its files are the server's, and the space of
// a deleted row is reclaimed by (auto)vacuum, which this test does not look into.
function rawDb() {
  if (PG) return dumpDb(srv.db);
  let raw = readFileSync(srv.db).toString('latin1');
  if (existsSync(srv.db + '-wal')) raw += readFileSync(srv.db + '-wal').toString('latin1');
  return raw;
}

async function getStatement(id, param = 'statementId') {
  return request(srv.url, `/xapi/statements?${param}=${id}`, { headers: H() });
}

before(async () => {
  srv = await demoServer();
  const r = trellis(['admin', 'add-client', '--db', srv.db, '--name', 'tool', '--scope', 'all']);
  assert.equal(r.status, 0, r.stderr);
  client = JSON.parse(r.stdout);
  learner1 = 'stu-000001';
  learner2 = 'stu-000002';
  const a = Array.from({ length: 30 }, (_, i) => st(learner1, MARK1, i));
  const b = Array.from({ length: 20 }, (_, i) => st(learner2, MARK2, i));
  ids1 = a.map((s) => s.id);
  ids2 = b.map((s) => s.id);
  await postJson(a);
  await postJson(b);
  attId = await postWithAttachment(learner1);
  ids1.push(attId);
  // a teacher's tool voids one of learner 1's statements (xAPI 2.0.0 4.2.5)
  voider = randomUUID();
  await postJson([{
    id: voider,
    actor: { objectType: 'Agent', mbox: 'mailto:teacher-tool@example.com' },
    verb: { id: 'http://adlnet.gov/expapi/verbs/voided', display: { 'en-US': 'voided' } },
    object: { objectType: 'StatementRef', id: ids1[0] },
  }]);
  // learner 1's State document
  const sp = new URLSearchParams({ activityId: 'http://example.com/items/0', agent: JSON.stringify(agentOf(learner1)), stateId: 'progress' });
  const d = await request(srv.url, '/xapi/activities/state?' + sp, { method: 'PUT', json: { note: DOCMARK }, headers: H() });
  assert.equal(d.status, 204, d.text);
});
after(async () => { await srv.cleanup(); });

test('dry run (CLI) counts the learner\'s statements, the voiding statement of another actor, documents and attachments, and deletes nothing', async () => {
  const r = trellis(['lrs', 'delete', '--db', srv.db, '--learner', learner1, '--dry-run']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { dry_run: true, statements: 31, voiding_statements: 1, documents: 1, attachments: 1, learners: 1 });
  assert.equal((await getStatement(attId)).status, 200);
  assert.equal((await getStatement(voider)).status, 200);
});

test('HTTP: only a district administrator may delete; a teacher is refused', async () => {
  const t = new Client(srv.url, '10.9.0.1');
  assert.equal((await t.login(srv.login('teacher'))).status, 200);
  const me = await t.req('/api/v1/me');
  const did = me.body.district.id;
  const r = await t.req(`/api/v1/districts/${did}/lrs/deletions`, { method: 'POST', json: { learner: learner1, dry_run: true } });
  assert.ok(r.status === 403 || r.status === 404, `teacher got ${r.status}`);
  const c = await request(srv.url, `/api/v1/districts/${did}/lrs/deletions`, { method: 'POST', json: { learner: learner1, dry_run: true }, headers: { authorization: basic(client) } });
  assert.ok(c.status === 403 || c.status === 404, `an API client got ${c.status}`);
  // roster/write lets an integration administer the roster, not delete learning records
  const rw = JSON.parse(trellis(['admin', 'add-client', '--db', srv.db, '--name', 'sis', '--scope', 'roster/write']).stdout);
  const d = await request(srv.url, `/api/v1/districts/${did}/lrs/deletions`, { method: 'POST', json: { learner: learner1 }, headers: { authorization: basic(rw) } });
  assert.equal(d.status, 403, d.text);
  assert.equal((await getStatement(ids1[1])).status, 200);
});

test('HTTP: bad input is a 400 naming the field, and changes nothing', async () => {
  const a = new Client(srv.url, '10.9.0.2');
  assert.equal((await a.login(srv.login('district_admin'))).status, 200);
  const did = (await a.req('/api/v1/me')).body.district.id;
  const cases = [
    [{}, /learner, before: give exactly one/],
    [{ learner: learner1, before: '2020-01-01' }, /give exactly one/],
    [{ before: 'last year' }, /before: must be a date/],
    [{ learner: 'nobody-here' }, /learner: no person/],
    [{ learner: learner1, dry_run: 'yes' }, /dry_run: not a field/],
    [{ learner: learner1, everything: true }, /everything: not a field/],
  ];
  for (const [json, re] of cases) {
    const r = await a.req(`/api/v1/districts/${did}/lrs/deletions`, { method: 'POST', json });
    assert.ok(r.status === 400 || r.status === 404, JSON.stringify(json) + ' ' + r.status);
    assert.match(r.body.detail, re);
  }
  assert.equal((await getStatement(ids1[1])).status, 200);
});

test('HTTP: a district administrator\'s dry run, then the deletion: the learner\'s records are gone, nobody else\'s, and no copy is left in the file or WAL', async () => {
  const a = new Client(srv.url, '10.9.0.3');
  assert.equal((await a.login(srv.login('district_admin'))).status, 200);
  const did = (await a.req('/api/v1/me')).body.district.id;
  let r = await a.req(`/api/v1/districts/${did}/lrs/deletions`, { method: 'POST', json: { learner: learner1, dry_run: true } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.statements, 31);
  assert.equal((await getStatement(ids1[1])).status, 200, 'a dry run deletes nothing');
  r = await a.req(`/api/v1/districts/${did}/lrs/deletions`, { method: 'POST', json: { learner: learner1 } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body, { dry_run: false, statements: 31, voiding_statements: 1, documents: 1, attachments: 1, learners: 1, wal_emptied: true });
  for (const id of ids1.slice(1)) assert.equal((await getStatement(id)).status, 404, id);
  assert.equal((await getStatement(ids1[0], 'voidedStatementId')).status, 404);
  assert.equal((await getStatement(voider)).status, 404, 'the voiding statement that targeted the learner is gone too');
  for (const id of ids2) assert.equal((await getStatement(id)).status, 200, 'other learners keep theirs');
  const q = await request(srv.url, '/xapi/statements?' + new URLSearchParams({ agent: JSON.stringify(agentOf(learner1)) }), { headers: H() });
  assert.deepEqual(q.body.statements, []);
  const sp = new URLSearchParams({ activityId: 'http://example.com/items/0', agent: JSON.stringify(agentOf(learner1)), stateId: 'progress' });
  assert.equal((await request(srv.url, '/xapi/activities/state?' + sp, { headers: H() })).status, 404);
  const raw = rawDb();
  for (const m of [MARK1, DOCMARK, ATTMARK]) assert.ok(!raw.includes(m), `${m} is still in the database file or WAL`);
  assert.ok(!raw.includes(ids1[5]), 'not even the statement ids');
});

test('every deletion and dry run is in the audit log, naming the learner', () => {
  const r = trellis(['audit', 'show', '--db', srv.db, '--student', learner1, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const entries = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const del = entries.filter((e) => e.object === 'lrs-deletion');
  assert.ok(del.some((e) => /dry run/.test(e.detail)), 'the dry run');
  assert.ok(del.some((e) => /^31 statements of learner/.test(e.detail)), JSON.stringify(del.map((e) => e.detail)));
  assert.ok(del.some((e) => /voiding statements/.test(e.detail)));
  const v = trellis(['audit', 'verify', '--db', srv.db]);
  assert.equal(v.status, 0, v.stdout + v.stderr);
});

test('--before: a dry run counts what was stored before the date; the deletion removes exactly that', () => {
  let r = trellis(['lrs', 'delete', '--db', srv.db, '--before', '2000-01-01', '--dry-run']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).statements, 0);
  const tomorrow = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
  r = trellis(['lrs', 'delete', '--db', srv.db, '--before', tomorrow, '--dry-run']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).statements, 20);
  assert.ok(rawDb().includes(ids2[3]), 'sanity: the file holds statement ids in the clear');
  r = trellis(['lrs', 'delete', '--db', srv.db, '--before', new Date(Date.now() + 60000).toISOString()]);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.statements, 20);
  assert.equal(out.wal_emptied, true);
  assert.ok(!rawDb().includes(MARK2));
  assert.ok(!rawDb().includes(ids2[3]), 'the deleted statements\' ids are gone from the file and WAL');
  r = trellis(['lrs', 'delete', '--db', srv.db, '--before', 'soon']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /before: must be a date/);
});

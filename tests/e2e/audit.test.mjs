// The audit log's tamper evidence, probed as someone with write access to the database would
// (the backend's own shell: sqlite3 or psql) on copies of a demo district's database: every
// hashed column altered in turn, the student index edited, the newest entries removed and
// the head row set back, a chain deleted whole, the database rolled back to an older copy or
// such a copy written to again (caught only against a checkpoint kept elsewhere: `trellis
// audit checkpoint`), and a head set back before the server appends again (the server
// records it instead of hiding it under a new keyed head). Also `trellis audit show --denials`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, chmodSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { trellis, sqlShell, startServer, dbUrl, PG } from './lib/trellis.mjs';
import { demoServer, Client } from './lib/auth.mjs';

let dir, base, old, cpFile, cpText;
let n = 0;
const sql = (db, q) => sqlShell(db, q);

// A copy of the database at src (the server stopped) with its key, at a new path.
function copyDb(src, name) {
  const dst = join(dir, `${name}-${++n}.db`);
  if (PG) {
    const from = dbUrl(src), to = dbUrl(dst);
    const dbName = (u) => u.slice(u.lastIndexOf('/') + 1);
    const r = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', `${PG}/postgres`, '-c',
      `CREATE DATABASE "${dbName(to)}" TEMPLATE "${dbName(from)}"`], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`psql: ${r.stderr}`);
  } else {
    const r = spawnSync('sqlite3', [src, `.backup '${dst}'`], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`sqlite3 .backup: ${r.stderr}`);
  }
  copyFileSync(`${src}.key`, `${dst}.key`);
  chmodSync(`${dst}.key`, 0o600);
  return dst;
}

const verify = (db, ...args) => trellis(['audit', 'verify', '--db', db, ...args]);

// verify fails (exit 1) and its messages match every pattern
function assertTampered(db, patterns, args = []) {
  const v = verify(db, ...args);
  assert.equal(v.status, 1, `verify should fail: ${v.stdout}${v.stderr}`);
  for (const p of patterns) assert.match(v.stderr, p);
  return v;
}

before(async () => {
  // phase 1: a teacher logs in and reads a class roster (entries with students in them)
  let srv = await demoServer({ TRELLIS_TRUST_PROXY: 'true' });
  dir = srv.dir;
  base = srv.db;
  const teacher = srv.login('teacher');
  let t = new Client(srv.url, '198.51.100.1');
  assert.equal((await t.login(teacher)).status, 200);
  const home = (await t.req('/api/v1/home')).body;
  const classId = home.classes[0].id;
  assert.equal((await t.req(`/api/v1/classes/${classId}/students`)).status, 200);
  await srv.stop();
  old = copyDb(base, 'old'); // the older copy someone could restore later
  // phase 2: more reads, refused ones (the export tripwire at a low limit), and a failed
  // login with an unknown name (its entry opens chain 0, which the older copy does not have)
  srv = await startServer({ dir, db: base, init: false, env: { TRELLIS_TRUST_PROXY: 'true', TRELLIS_EXPORT_ALERT_LIMIT: '30' } });
  t = new Client(srv.url, '198.51.100.2');
  assert.equal((await t.login(teacher)).status, 200);
  let refused = 0;
  for (const k of home.classes.map((c) => c.id)) { // different students each: past 30 in the hour
    const r = await t.req(`/api/v1/classes/${k}/students`);
    if (r.status === 403) refused++;
  }
  assert.ok(refused >= 1, 'the tripwire refused a read');
  const nobody = new Client(srv.url, '198.51.100.3');
  assert.equal((await nobody.login({ username: 'no-such-user', password: 'wrong password' })).status, 401);
  await srv.stop();
  // the checkpoint, kept "elsewhere"
  const cp = trellis(['audit', 'checkpoint', '--db', base]);
  assert.equal(cp.status, 0, cp.stderr);
  cpText = cp.stdout;
  cpFile = join(dir, 'checkpoint.txt');
  writeFileSync(cpFile, cpText);
});
after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

test('the intact log verifies, alone and against its checkpoint; the checkpoint has a keyed line per chain', () => {
  let v = verify(base);
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, /^audit log intact: \d+ entries in 2 chains/);
  v = verify(base, '--checkpoint', cpFile);
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, /nothing the checkpoint recorded is missing \(2 chains\)/);
  const lines = cpText.trim().split('\n');
  assert.equal(lines.length, 2);
  for (const [i, chain] of [0, 1].entries()) {
    const m = /^trellis-audit-checkpoint\/1 at=(\S+) chains=2 chain=(\d+) seq=(\d+) head=([0-9a-f]{64}) mac=([0-9a-f]{32})$/.exec(lines[i]);
    assert.ok(m, lines[i]);
    assert.equal(Number(m[2]), chain);
    assert.equal(Number(m[3]), Number(sql(base, `SELECT MAX(seq) FROM audit_log WHERE chain = ${chain}`)));
  }
});

// one UPDATE per column of audit_log, each on its own copy (every one changes the value, whatever
// it was): SQL that both backends run
const mutations = [
  ['actor_name', "actor_name = actor_name || 'x'"],
  ['purpose', "purpose = purpose || 'x'"],
  ['outcome', "outcome = outcome || 'x'"],
  ['detail', "detail = detail || 'x'"],
  ['object', "object = object || 'x'"],
  ['subjects', "subjects = subjects || ',999999'"],
  ['request_id', "request_id = request_id || 'x'"],
  ['client_addr', "client_addr = client_addr || 'x'"],
  ['at', 'at = at + 1'],
  ['actor_kind', "actor_kind = actor_kind || 'x'"],
  ['actor_id', 'actor_id = actor_id + 1'],
  ['action', "action = action || 'x'"],
  ['chain', 'chain = 999'],
  ['seq', 'seq = seq + 1000'],
  ['prev_hash', 'prev_hash = hash'],
  ['hash', 'hash = prev_hash'],
  ['tag', 'tag = substr(hash, 1, 16)'],
];

test('every hashed column of an entry altered in turn: verify names the entry', () => {
  const id = Number(sql(base, "SELECT id FROM audit_log WHERE action = 'list' AND subjects <> '' ORDER BY id LIMIT 1"));
  assert.ok(id > 1);
  for (const [col, set] of mutations) {
    const db = copyDb(base, col);
    sql(db, `UPDATE audit_log SET ${set} WHERE id = ${id}`);
    const v = verify(db);
    assert.equal(v.status, 1, `${col}: verify should fail: ${v.stdout}`);
    assert.match(v.stderr, new RegExp(`entry ${id} \\(chain \\d+, #\\d+\\)`), `${col}: ${v.stderr}`);
    assert.match(v.stdout, new RegExp(`^first bad entry: ${id}$`, 'm'), col);
  }
});

test('the student index: rows removed, added, pointing nowhere or filed under another district are caught', () => {
  const id = Number(sql(base, "SELECT id FROM audit_log WHERE action = 'list' AND subjects <> '' ORDER BY id LIMIT 1"));
  const other = Number(sql(base, `SELECT id FROM users WHERE id NOT IN (SELECT user_id FROM audit_subjects WHERE entry_id = ${id}) ORDER BY id LIMIT 1`));
  const login = Number(sql(base, "SELECT id FROM audit_log WHERE action = 'login' ORDER BY id LIMIT 1"));
  let db = copyDb(base, 'subj-del');
  sql(db, `DELETE FROM audit_subjects WHERE entry_id = ${id}`);
  assertTampered(db, [new RegExp(`entry ${id} .*the student index does not match the entry`)]);
  db = copyDb(base, 'subj-del-one');
  sql(db, `DELETE FROM audit_subjects WHERE entry_id = ${id} AND user_id = (SELECT MAX(user_id) FROM audit_subjects WHERE entry_id = ${id})`);
  assertTampered(db, [new RegExp(`entry ${id} .*the student index does not match the entry`)]);
  db = copyDb(base, 'subj-add');
  sql(db, `INSERT INTO audit_subjects (district_id, user_id, entry_id) VALUES (1, ${other}, ${id})`);
  assertTampered(db, [new RegExp(`entry ${id} .*the student index does not match the entry`)]);
  db = copyDb(base, 'subj-add-login');
  sql(db, `INSERT INTO audit_subjects (district_id, user_id, entry_id) VALUES (1, ${other}, ${login})`);
  assertTampered(db, [new RegExp(`entry ${login} .*the student index does not match the entry`)]);
  // filed under another district: `audit show --student` (which looks in the district) misses it
  db = copyDb(base, 'subj-district');
  const student = sql(db, `SELECT MIN(user_id) FROM audit_subjects WHERE entry_id = ${id}`);
  const shown = (d) => trellis(['audit', 'show', '--db', d, '--student', student, '--json']).stdout
    .trim().split('\n').map((l) => JSON.parse(l).id);
  assert.ok(shown(db).includes(id));
  sql(db, `UPDATE audit_subjects SET district_id = 2 WHERE entry_id = ${id}`);
  assert.ok(!shown(db).includes(id), 'the entry is hidden from the student\'s record of access');
  assertTampered(db, [new RegExp(`entry ${id} .*files student \\d+ under district 2`)]);
  if (!PG) {
    // a row for an entry that does not exist (SQLite's shell does not enforce foreign keys)
    db = copyDb(base, 'subj-orphan');
    sql(db, `INSERT INTO audit_subjects (district_id, user_id, entry_id) VALUES (1, ${other}, 999999)`);
    assertTampered(db, [new RegExp(`lists student ${other} under entry 999999, which does not exist`)]);
  }
});

// the newest k entries of a chain removed, with their index rows; the head set to the entry left last
function truncate(db, chain, k) {
  const last = Number(sql(db, `SELECT MAX(seq) FROM audit_log WHERE chain = ${chain}`));
  const keep = last - k;
  sql(db, `DELETE FROM audit_subjects WHERE entry_id IN (SELECT id FROM audit_log WHERE chain = ${chain} AND seq > ${keep})`);
  sql(db, `DELETE FROM audit_log WHERE chain = ${chain} AND seq > ${keep}`);
  sql(db, `UPDATE audit_chain SET seq = ${keep}, head = (SELECT hash FROM audit_log WHERE chain = ${chain} AND seq = ${keep}) WHERE chain = ${chain}`);
  return { last, keep };
}

test('removing the newest entries and setting the head row back is caught (the head is keyed)', () => {
  const db = copyDb(base, 'truncate');
  const { last, keep } = truncate(db, 1, 3);
  assertTampered(db, [new RegExp(`chain 1: the head \\(#${keep}\\) was not written by Trellis: its MAC does not match the sealing key`)]);
  // against the checkpoint it also says which entries are gone
  assertTampered(db, [new RegExp(`chain 1: entries #${keep + 1} to #${last} recorded in the checkpoint of \\S+ are missing`)], ['--checkpoint', cpFile]);
  // copying another chain's keyed head over it does not help: the MAC covers the chain
  const db2 = copyDb(base, 'truncate-swap');
  truncate(db2, 1, 3);
  sql(db2, 'UPDATE audit_chain SET mac = (SELECT mac FROM audit_chain WHERE chain = 0) WHERE chain = 1');
  assertTampered(db2, [/chain 1: the head \(#\d+\) was not written by Trellis/]);
});

test('a chain deleted whole is caught without a checkpoint (the keyed list of chains) and against one', () => {
  for (const chain of [0, 1]) {
    const db = copyDb(base, `drop-${chain}`);
    const last = Number(sql(db, `SELECT MAX(seq) FROM audit_log WHERE chain = ${chain}`));
    sql(db, `DELETE FROM audit_subjects WHERE entry_id IN (SELECT id FROM audit_log WHERE chain = ${chain})`);
    sql(db, `DELETE FROM audit_log WHERE chain = ${chain}`);
    sql(db, `DELETE FROM audit_chain WHERE chain = ${chain}`);
    // district 1 still exists; its chain does not
    if (chain === 1) assert.equal(sql(db, 'SELECT COUNT(*) FROM districts WHERE id = 1'), '1');
    assertTampered(db, [new RegExp(`chain ${chain}: it was opened \\(it is in the keyed list of chains\\) but its head and all its entries are gone`)]);
    assertTampered(db, [new RegExp(`chain ${chain}: the whole chain \\(entries #1 to #${last} recorded in the checkpoint of \\S+\\) is missing`)], ['--checkpoint', cpFile]);
    // taking it out of the list too breaks the list's MAC
    sql(db, `UPDATE audit_chains SET chains = '${chain === 0 ? '1' : '0'}'`);
    assertTampered(db, [/the list of chains was not written by Trellis/]);
    sql(db, 'DELETE FROM audit_chains');
    assertTampered(db, [/the list of chains is missing/]);
  }
});

test('an older copy of the database (with its key) verifies alone; the checkpoint taken later catches it', () => {
  const v = verify(old);
  assert.equal(v.status, 0, `an older copy is a consistent log: ${v.stderr}`);
  const last1 = Number(sql(base, 'SELECT MAX(seq) FROM audit_log WHERE chain = 1'));
  const old1 = Number(sql(old, 'SELECT MAX(seq) FROM audit_log WHERE chain = 1'));
  const last0 = Number(sql(base, 'SELECT MAX(seq) FROM audit_log WHERE chain = 0'));
  assert.ok(old1 < last1);
  assertTampered(old, [
    new RegExp(`chain 1: entries #${old1 + 1} to #${last1} recorded in the checkpoint of \\S+ are missing`),
    new RegExp(`chain 0: the whole chain \\(entries #1 to #${last0} recorded in the checkpoint of \\S+\\) is missing`),
  ], ['--checkpoint', cpFile]);
});

test('an older copy restored and written to again: the entries at the checkpoint\'s seqs differ', async () => {
  const db = copyDb(old, 'forked');
  const last1 = Number(sql(base, 'SELECT MAX(seq) FROM audit_log WHERE chain = 1'));
  const srv = await startServer({ dir, db, init: false, env: { TRELLIS_TRUST_PROXY: 'true' } });
  const teacher = JSON.parse(readFileSync(join(dir, 'logins.json'), 'utf8')).find((l) => l.role === 'teacher');
  while (Number(sql(db, 'SELECT MAX(seq) FROM audit_log WHERE chain = 1')) <= last1)
    assert.equal((await new Client(srv.url, '198.51.100.5').login(teacher)).status, 200);
  assert.equal((await new Client(srv.url, '198.51.100.6').login({ username: 'no-such-user', password: 'x' })).status, 401);
  await srv.stop();
  assert.equal(verify(db).status, 0, 'the forked copy is a consistent log of its own');
  assertTampered(db, [
    new RegExp(`chain 1: entry #${last1} is not the one recorded in the checkpoint of \\S+`),
    /chain 0: entry #1 is not the one recorded in the checkpoint of \S+/,
  ], ['--checkpoint', cpFile]);
});

test('checkpoints are checked themselves: an altered line, a line removed, or a checkpoint of a log that does not verify', () => {
  const lines = cpText.trim().split('\n');
  const altered = join(dir, 'cp-altered.txt');
  writeFileSync(altered, lines.map((l, i) => (i === 1 ? l.replace(/seq=(\d+)/, (_, s) => `seq=${Number(s) - 1}`) : l)).join('\n') + '\n');
  let v = verify(base, '--checkpoint', altered);
  assert.notEqual(v.status, 0);
  assert.match(v.stderr, /checkpoint line 2: its MAC does not match this database's sealing key/);
  const short = join(dir, 'cp-short.txt');
  writeFileSync(short, `# kept by the district office\n${lines[1]}\n`);
  v = verify(base, '--checkpoint', short);
  assert.notEqual(v.status, 0);
  assert.match(v.stderr, /has 2 chains but the file holds 1 of its lines/);
  // two checkpoints appended to one file are both checked
  const both = join(dir, 'cp-both.txt');
  writeFileSync(both, cpText + cpText.replace(/at=\S+/g, 'at=2020-01-01T00:00:00.000Z'));
  v = verify(base, '--checkpoint', both);
  assert.notEqual(v.status, 0, 'the second one was edited, so its MACs fail');
  writeFileSync(both, cpText + '\n' + cpText);
  v = verify(base, '--checkpoint', both);
  assert.notEqual(v.status, 0, 'the same checkpoint twice lists each chain twice');
  assert.match(v.stderr, /appears twice/);
  const db = copyDb(base, 'cp-of-bad');
  truncate(db, 1, 1);
  const cp = trellis(['audit', 'checkpoint', '--db', db]);
  assert.equal(cp.status, 1);
  assert.equal(cp.stdout, '', 'no checkpoint of a log that does not verify');
  assert.match(cp.stderr, /the head \(#\d+\) was not written by Trellis/);
});

test('a head set back before the server appends again is recorded in the log, not hidden by the next keyed head', async () => {
  const db = copyDb(base, 'launder');
  const { keep } = truncate(db, 1, 2);
  // the server appends (a login) on the rewritten head
  const srv = await startServer({ dir, db, init: false, env: { TRELLIS_TRUST_PROXY: 'true' } });
  const t = new Client(srv.url, '198.51.100.4');
  const teacher = JSON.parse(readFileSync(join(dir, 'logins.json'), 'utf8')).find((l) => l.role === 'teacher');
  assert.equal((await t.login(teacher)).status, 200);
  await srv.stop();
  const alert = sql(db, `SELECT seq || '|' || outcome || '|' || detail FROM audit_log WHERE chain = 1 AND action = 'alert' AND object = 'audit_chain:head'`);
  assert.match(alert, new RegExp(`^${keep + 1}\\|failed\\|the chain head \\(#${keep}\\) was not written by Trellis`));
  // the head is keyed again, but the log keeps saying what happened
  assertTampered(db, [new RegExp(`chain 1: entry \\d+ \\(#${keep + 1}\\) records that at \\S+ the chain head \\(#${keep}\\) was not written by Trellis`)]);
});

test('audit show --denials lists the refused accesses of the district, newest first', () => {
  const r = trellis(['audit', 'show', '--db', base, '--denials', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const want = Number(sql(base, "SELECT COUNT(*) FROM audit_log WHERE chain = 1 AND (outcome = 'denied' OR action = 'denied')"));
  assert.ok(want >= 1);
  assert.equal(rows.length, want);
  for (const e of rows) assert.ok(e.outcome === 'denied' || e.action === 'denied', JSON.stringify(e));
  for (let i = 1; i < rows.length; i++) assert.ok(rows[i - 1].seq > rows[i].seq, 'newest first');
  const text = trellis(['audit', 'show', '--db', base, '--denials', '--limit', '1']);
  assert.equal(text.status, 0, text.stderr);
  assert.equal(text.stdout.trim().split('\n').length, 1);
  assert.match(text.stdout, /denied/);
  const bad = trellis(['audit', 'show', '--db', base, '--denials', '--student', '1']);
  assert.equal(bad.status, 2);
});

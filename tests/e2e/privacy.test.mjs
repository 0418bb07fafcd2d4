// The district's privacy obligations, end to end on a demo district (SQLite, and PostgreSQL as
// e2e_pg_privacy): the data inventory checked against the live schema after every migration
// (`trellis privacy inventory`: a column nobody classified, or a classified column the schema
// lacks, fails it, naming table.column and the file to edit), the sealing proved on the stored
// values, and the public privacy notice made from the inventory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, chmodSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { trellis, sqlShell, dbUrl, PG, startServer, request } from './lib/trellis.mjs';
import { demoServer, Client } from './lib/auth.mjs';

let srv, dir, base;
let n = 0;

// A copy of the database at src (the server stopped) with its key, at a new path.
function copyDb(src, name) {
  const dst = join(dir, `${name}-${++n}.db`);
  if (PG) {
    const dbName = (u) => u.slice(u.lastIndexOf('/') + 1);
    const r = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', `${PG}/postgres`, '-c',
      `CREATE DATABASE "${dbName(dbUrl(dst))}" TEMPLATE "${dbName(dbUrl(src))}"`], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`psql: ${r.stderr}`);
  } else {
    const r = spawnSync('sqlite3', [src, `.backup '${dst}'`], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`sqlite3 .backup: ${r.stderr}`);
    chmodSync(dst, 0o600); // as trellis init made the original
  }
  copyFileSync(`${src}.key`, `${dst}.key`);
  chmodSync(`${dst}.key`, 0o600);
  return dst;
}

const inventory = (db, ...args) => trellis(['privacy', 'inventory', '--db', db, ...args]);

before(async () => {
  srv = await demoServer();
  dir = srv.dir;
  base = srv.db;
  // fill the sealed columns the demo leaves empty: login cards printed, a second factor begun
  const t = new Client(srv.url, '198.51.100.7');
  assert.equal((await t.login(srv.login('teacher'))).status, 200);
  const home = (await t.req('/api/v1/home')).body;
  assert.equal((await t.req(`/api/v1/classes/${home.classes[0].id}/cards`)).status, 200);
  assert.equal((await t.req('/api/v1/me/totp', { method: 'POST' })).status, 200);
  await srv.stop();
});

after(async () => {
  await srv?.stop();
});

test('every column of the live schema is classified, with keys from the lists', () => {
  const r = inventory(base);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  const rows = JSON.parse(r.stdout);
  const live = sqlShell(base, PG
    ? "SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY 1"
    : "SELECT m.name || '.' || p.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY 1").split('\n');
  assert.deepEqual(rows.map((x) => `${x.table}.${x.column}`).sort(), [...live].sort());
  for (const x of rows) {
    for (const k of ['table', 'column', 'category', 'retention', 'who', 'purpose']) assert.equal(typeof x[k], 'string', `${x.table}.${x.column}: ${k}`);
    assert.equal(typeof x.sealed, 'boolean');
  }
  const by = (t, c) => rows.find((x) => x.table === t && x.column === c);
  assert.deepEqual([by('users', 'given_name').category, by('users', 'given_name').sealed], ['directory', false]);
  assert.deepEqual([by('users', 'email_sealed').category, by('users', 'email_sealed').sealed], ['contact', true]);
  assert.equal(by('accounts', 'password_hash').who, 'nobody');
  assert.equal(by('lrs_statements', 'body').category, 'education');
  // sealed exactly for the columns named so (the store's rule, proved on the values below)
  assert.deepEqual(rows.filter((x) => x.sealed).map((x) => `${x.table}.${x.column}`).sort(),
    ['accounts.totp_pending_sealed', 'accounts.totp_sealed', 'badge_keys.private_sealed',
      'demographics.sealed', 'internet_referral_events.note_sealed', 'internet_referrals.outcome_sealed',
      'login_cards.code_sealed', 'survey_answers.answers_sealed', 'users.email_sealed',
      'users.phone_sealed', 'users.sms_sealed']);
});

test('markdown: the table and what each key means', () => {
  const r = inventory(base, '--format', 'markdown');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^# Data inventory\n\n\| table \| column \| category \| sealed \| retention \| who \| purpose \|/);
  assert.match(r.stdout, /\n\| users \| email_sealed \| contact \| yes \| roster \| contact \| contact \|\n/);
  assert.match(r.stdout, /\n## Retention rules\n\n- `roster`: As long as the district's roster lists the person/);
  assert.equal(inventory(base, '--format', 'yaml').status, 2);
});

test('--check proves the sealing on every sealed column\'s stored values', () => {
  const r = inventory(base, '--check');
  assert.equal(r.status, 0, r.stderr);
  const m = r.stdout.match(/(\d+) columns in the database, 0 problems; sealed columns: (\d+) stored values opened with the key, (\d+) columns empty; (\d+) values of other BLOB columns do not open/);
  assert.ok(m, r.stdout);
  assert.ok(Number(m[2]) > 100, 'the demo holds sealed contact data, demographics, cards and TOTP secrets');
  assert.equal(m[3], '0', 'every sealed column holds values here, so each one is proved');
  assert.ok(Number(m[4]) > 0);
});

test('a column a migration adds without a classification fails, naming it and where to add it', () => {
  const db = copyDb(base, 'added');
  sqlShell(db, 'ALTER TABLE users ADD COLUMN shoe_size INTEGER');
  const r = inventory(db);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /users\.shoe_size: not classified: add COL\("users", "shoe_size", "CATEGORY"\) under TABLE\("users", \.\.\.\) in inventory\[\] of src\/store\/store_inventory\.c/);
  const rows = JSON.parse(r.stdout);
  assert.equal(rows.find((x) => x.column === 'shoe_size').category, 'unclassified');
  // a new table too
  sqlShell(db, 'CREATE TABLE shoe_sizes (id INTEGER PRIMARY KEY, size TEXT)');
  const d = inventory(db);
  assert.match(d.stderr, /shoe_sizes\.id: not classified/);
  assert.match(d.stderr, /shoe_sizes\.size: not classified/);
});

test('a classified column the schema does not have fails', () => {
  const db = copyDb(base, 'dropped');
  sqlShell(db, 'ALTER TABLE users DROP COLUMN pronouns');
  const r = inventory(db);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /users\.pronouns: classified in src\/store\/store_inventory\.c but the database has no such column/);
});

test('--check fails when a sealed column holds plain values, or another column holds sealed ones', () => {
  const db = copyDb(base, 'seals');
  const blob = PG ? "'\\x" + '41'.repeat(60) + "'::bytea" : "X'" + '41'.repeat(60) + "'";
  sqlShell(db, `UPDATE users SET phone_sealed = ${blob} WHERE id = (SELECT MIN(id) FROM users WHERE phone_sealed IS NOT NULL)`);
  sqlShell(db, 'UPDATE demographics SET digest = sealed');
  const r = inventory(db, '--check');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /users\.phone_sealed: classified sealed \(its name ends in _sealed\) but 1 of \d+ stored values do not open with the key/);
  assert.match(r.stderr, /demographics\.digest: holds sealed values \((\d+) of \1 open with the key\) but its name does not say so/);
  // without --check the values are not read
  assert.equal(inventory(db).status, 0);
});

test('the privacy notice is public and lists exactly the inventory\'s personal fields', async () => {
  const s = await startServer({ db: copyDb(base, 'notice'), dir, init: false });
  try {
    const r = await request(s.url, '/api/v1/privacy/notice');
    assert.equal(r.status, 200, 'no login needed');
    const rows = JSON.parse(inventory(base).stdout).filter((x) => x.category !== 'none');
    const fields = r.body.categories.flatMap((g) => g.fields.map((f) => ({ ...f, category: g.category })));
    assert.deepEqual(fields.map((f) => `${f.category} ${f.table}.${f.column} ${f.sealed}`).sort(),
      rows.map((x) => `${x.category} ${x.table}.${x.column} ${x.sealed}`).sort());
    for (const g of r.body.categories) {
      const of = rows.filter((x) => x.category === g.category);
      assert.deepEqual([...g.who].sort(), [...new Set(of.map((x) => x.who))].sort(), `${g.category}: who`);
      assert.deepEqual([...g.retention].sort(), [...new Set(of.map((x) => x.retention))].sort(), `${g.category}: retention`);
      assert.deepEqual([...g.purposes].sort(), [...new Set(of.map((x) => x.purpose))].sort(), `${g.category}: purposes`);
      const sealed = of.filter((x) => x.sealed).length;
      assert.equal(g.sealed, sealed === 0 ? 'none' : sealed === of.length ? 'all' : 'some', `${g.category}: sealed`);
    }
    assert.equal((await request(s.url, '/api/v1/privacy/notice', { method: 'POST' })).status, 405);
  } finally {
    await s.stop();
  }
});

// ---- trellis security check ----

const check = (db, ...args) => trellis(['security', 'check', '--db', db, '--json', ...args]);
function findings(r) {
  const o = JSON.parse(r.stdout);
  return Object.fromEntries(o.checks.map((c) => [c.check, c]));
}
const statuses = (f) => Object.fromEntries(Object.entries(f).map(([k, v]) => [k, v.status]));

test('security check: a fresh demo district needs TLS, an audit checkpoint and a backup', () => {
  if (!PG) assert.equal(statSync(base).mode & 0o777, 0o600, 'trellis init makes the database 0600');
  const db = copyDb(base, 'fresh');
  const r = check(db);
  assert.equal(r.status, 1, r.stderr);
  const f = findings(r);
  assert.deepEqual(Object.keys(f), ['key_file', 'database_files', 'transport', 'second_factor', 'stale_accounts', 'api_clients', 'export_alerts', 'audit_chain', 'backup']);
  assert.deepEqual(statuses(f), {
    key_file: 'ok',
    database_files: PG ? 'note' : 'ok',
    transport: 'action',
    second_factor: 'ok', // the demo enrols every administrator's second factor
    stale_accounts: 'ok',
    api_clients: 'ok',
    export_alerts: 'ok',
    audit_chain: 'action',
    backup: PG ? 'note' : 'action',
  });
  assert.equal(JSON.parse(r.stdout).needs_action, PG ? 2 : 3);
  assert.match(f.audit_chain.summary, /^intact \(\d+ entries in \d+ chains\), but no checkpoint was given/);
  assert.match(f.transport.summary, /plain HTTP/);
  if (!PG) assert.match(f.backup.summary, /no backup was ever recorded/);
  // the text form says the same, one line per check
  const t = trellis(['security', 'check', '--db', db]);
  assert.equal(t.status, 1);
  assert.match(t.stdout, /^ok     key_file /m);
  assert.match(t.stdout, /^ACTION transport /m);
  assert.match(t.stdout, new RegExp(`^${PG ? 2 : 3} checks need action$`, 'm'));
});

test('security check: each finding comes from a real condition', () => {
  const db = copyDb(base, 'bad');
  const admin = srv.login('district_admin').username;
  // an administrator's second factor removed; a contractor's admin account nobody used in 120 days
  assert.equal(trellis(['admin', 'reset-totp', '--db', db, '--username', admin]).status, 0);
  const add = trellis(['admin', 'add-account', '--db', db, '--username', 'contractor', '--name', 'Support Contractor', '--role', 'district_admin']);
  assert.equal(add.status, 0, add.stderr);
  const old = Date.now() - 120 * 86400000;
  sqlShell(db, `UPDATE accounts SET created_at = ${old}, password_set_at = ${old}, last_login_at = ${old} WHERE login = 'contractor'`);
  // an API client (no agreement record exists yet)
  assert.equal(trellis(['admin', 'add-client', '--db', db, '--name', 'Reading App', '--scope', 'roster/read']).status, 0);
  // the audit log edited behind Trellis's back
  sqlShell(db, "UPDATE audit_log SET detail = 'nothing happened' WHERE id = (SELECT MIN(id) FROM audit_log)");
  // files others can reach
  chmodSync(dir, 0o777);
  if (!PG) chmodSync(db, 0o644);
  let f;
  try {
    const r = check(db);
    assert.equal(r.status, 1, r.stderr);
    f = findings(r);
  } finally {
    chmodSync(dir, 0o700);
  }
  assert.equal(f.key_file.status, 'action');
  assert.match(f.key_file.items[0].problem, /others can write to the directory/);
  if (!PG) {
    assert.equal(f.database_files.status, 'action');
    assert.ok(f.database_files.items.some((i) => i.path === db && /mode 644/.test(i.problem)));
  }
  assert.equal(f.second_factor.status, 'action');
  assert.deepEqual(f.second_factor.items.map((i) => i.login).sort(), ['contractor', admin].sort());
  assert.equal(f.stale_accounts.status, 'action');
  assert.deepEqual(f.stale_accounts.items.map((i) => i.login), ['contractor']);
  assert.equal(f.api_clients.status, 'action');
  assert.deepEqual(f.api_clients.items.map((i) => [i.name, i.problem]), [['Reading App', 'no agreement on file']]);
  assert.equal(f.audit_chain.status, 'action');
  assert.match(f.audit_chain.summary, /^the audit log was tampered with: /);
  // a key file others can read: Trellis refuses to open the database at all
  chmodSync(`${db}.key`, 0o640);
  const k = trellis(['security', 'check', '--db', db]);
  assert.equal(k.status, 1);
  assert.match(k.stderr, /can be read by others \(mode 640\); run chmod 600/);
  chmodSync(`${db}.key`, 0o600);
});

test('security check: a district that did what it asks reports clean', () => {
  const db = copyDb(base, 'fixed');
  const cp = join(dir, 'checkpoint.txt');
  const c = trellis(['audit', 'checkpoint', '--db', db]);
  assert.equal(c.status, 0, c.stderr);
  writeFileSync(cp, c.stdout);
  const conf = join(dir, 'server.conf');
  writeFileSync(conf, 'secure_cookies = true\n');
  if (!PG) {
    mkdirSync(join(dir, 'backups'), { recursive: true });
    const b = trellis(['backup', '--db', db, join(dir, 'backups', `fixed-${n}.db`)]);
    assert.equal(b.status, 0, b.stderr);
  }
  const r = check(db, '--checkpoint', cp, '--config', conf);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const f = findings(r);
  assert.equal(JSON.parse(r.stdout).needs_action, 0);
  assert.deepEqual(statuses(f), {
    key_file: 'ok', database_files: PG ? 'note' : 'ok', transport: 'ok', second_factor: 'ok',
    stale_accounts: 'ok', api_clients: 'ok', export_alerts: 'ok', audit_chain: 'ok', backup: PG ? 'note' : 'ok',
  });
  assert.match(f.audit_chain.summary, /nothing the checkpoint '.*checkpoint\.txt' recorded is missing/);
  if (!PG) {
    assert.match(f.backup.summary, /^the last backup is 0 hours old/);
    assert.match(f.backup.items[0].detail, /fixed-\d+\.db/);
  }
  // the audit log still verifies with the backup's entry in it
  assert.equal(trellis(['audit', 'verify', '--db', db, '--checkpoint', cp]).status, 0);
});

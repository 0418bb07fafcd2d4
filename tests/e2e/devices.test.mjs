// Devices and hotspots (issue 13, docs/EQUITY.md): the inventory file from the command line
// (`trellis import devices`, `trellis export devices`): a good file imports, re-importing it
// changes nothing, the export imports back to the same inventory, and a file with any bad
// row is rejected whole, every error as file:line:column: field: reason, nothing imported.
// Runs on SQLite (e2e_devices) and PostgreSQL (e2e_pg_devices).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { trellis, tempDir, sqlShell } from './lib/trellis.mjs';

const dir = tempDir('trellis-devices-');
const db = join(dir, 'trellis.db');
after(() => rmSync(dir, { recursive: true, force: true }));

const init = trellis(['init', '--db', db, '--demo', '--logins', join(dir, 'logins.json'),
  '--history-weeks', '0']);
assert.equal(init.status, 0, init.stderr);

const HEADER = 'location,asset_tag,serial,model,type,status,funding_source,purchase_date,' +
  'purchase_cost,school_sourced_id,Google Device ID,carrier,plan,data_cap_gb';
const good = [
  HEADER,
  'Cart A,E2E-0001,E2E-SN1,Acer Chromebook 314,chromebook,in_stock,ESSER III,2021-08-15,289.99,sch-001,g-1,,,',
  'Cart A,E2E-0002,E2E-SN2,"Dell 3100, 2-in-1",laptop,in_repair,E-Rate,2022-01-10,312,sch-002,,,,',
  'Office,E2E-H001,E2E-HS1,Kajeet SmartSpot,hotspot,in_stock,ECF,2021-09-01,120.50,,,T-Mobile,Unlimited,20.5',
].join('\n') + '\n';

const count = () => Number(sqlShell(db, "SELECT COUNT(*) FROM devices WHERE asset_tag LIKE 'E2E-%'"));
const file = (name, text) => { const p = join(dir, name); writeFileSync(p, text); return p; };

test('a good file imports; importing it again changes nothing', () => {
  const f = file('good.csv', good);
  let r = trellis(['import', 'devices', '--db', db, f]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /3 rows, 3 created, 0 updated, 0 unchanged/);
  assert.equal(count(), 3);
  r = trellis(['import', 'devices', '--db', db, f]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /3 rows, 0 created, 0 updated, 3 unchanged/);
});

test('the export imports back to the same inventory', () => {
  const out = join(dir, 'out.csv');
  let r = trellis(['export', 'devices', '--db', db, out]);
  assert.equal(r.status, 0, r.stderr);
  const text = readFileSync(out, 'utf8');
  assert.match(text.split('\n')[0], /^asset_tag,serial,model,type,status,funding_source,purchase_date,purchase_cost,school_sourced_id,location,carrier,plan,data_cap_gb,/);
  assert.ok(text.includes('E2E-0002,E2E-SN2,"Dell 3100, 2-in-1",laptop,in_repair,E-Rate,2022-01-10,312.00,sch-002,Cart A,,,,'), text);
  assert.ok(text.includes('E2E-H001,E2E-HS1,Kajeet SmartSpot,hotspot,in_stock,ECF,2021-09-01,120.50,,Office,T-Mobile,Unlimited,20.5,'), text);
  r = trellis(['import', 'devices', '--db', db, out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /0 created, 0 updated, \d+ unchanged/);
  const again = join(dir, 'again.csv');
  assert.equal(trellis(['export', 'devices', '--db', db, again]).status, 0);
  assert.equal(readFileSync(again, 'utf8'), text);
});

test('a file with bad rows is rejected whole: every error with its place, nothing imported', () => {
  const before = sqlShell(db, 'SELECT asset_tag, status, model FROM devices ORDER BY asset_tag');
  const bad = file('bad.csv', [
    'asset_tag,serial,model,type,status,funding_source,purchase_date,purchase_cost,school_sourced_id,location',
    'E2E-0100,E2E-SN100,ok,laptop,in_stock,local,2023-01-01,10,sch-001,',
    'E2E-0101,E2E-SN1,X,desktop,broken,local,2023-02-30,-5,sch-999,',
    ',E2E-SN102,X,laptop,in_stock,local,2023-02-28,5.123,sch-002,',
    'E2E-0101,E2E-SN102,X,laptop,in_stock,local,23-1-1,1e5,sch-002,',
    'E2E-0001,,changed,laptop,lost,local,,,,',
  ].join('\n') + '\n');
  const r = trellis(['import', 'devices', '--db', db, bad]);
  assert.equal(r.status, 1);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith(bad));
  const want = [
    '3:2: serial: \'E2E-SN1\' is the serial of another device already in the inventory',
    '3:4: type: \'desktop\' is not one of chromebook, laptop, tablet, hotspot, other',
    '3:5: status: \'broken\' is not one of in_stock, assigned, in_repair, lost, retired',
    '3:7: purchase_date: \'2023-02-30\' is not a date (YYYY-MM-DD, a day that exists)',
    '3:8: purchase_cost: \'-5\': must not be negative',
    '3:9: school_sourced_id: \'sch-999\' is not a school of the district',
    '4:1: asset_tag: missing',
    '4:8: purchase_cost: \'5.123\': at most two decimals',
    '5:1: asset_tag: \'E2E-0101\' is also on line 3',
    '5:2: serial: \'E2E-SN102\' is also on line 4',
    '5:7: purchase_date: \'23-1-1\' is not a date (YYYY-MM-DD, a day that exists)',
    '5:8: purchase_cost: \'1e5\': not a decimal number (write 1234.50)',
  ].map((e) => `${bad}:${e}`);
  assert.deepEqual(errors, want);
  assert.match(r.stderr, /12 errors: nothing was imported/);
  assert.equal(sqlShell(db, 'SELECT asset_tag, status, model FROM devices ORDER BY asset_tag'), before);
});

// Devices and hotspots (issue 13, docs/EQUITY.md, docs/API.md): the inventory file from the
// command line (`trellis import devices`, `trellis export devices`): a good file imports,
// re-importing it changes nothing, the export imports back to the same inventory, and a file
// with any bad row is rejected whole, every error as file:line:column: field: reason, nothing
// imported. Then the API on the demo district: check-out and check-in, bulk check-out by
// class (all or nothing), swaps, loss, the guardian's acknowledgement, hotspots overdue, a
// student's device history (audited), and refusals for roles that may not.
// Runs on SQLite (e2e_devices) and PostgreSQL (e2e_pg_devices).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { trellis, sqlShell, PG } from './lib/trellis.mjs';
import { demoServer, Client } from './lib/auth.mjs';

let srv, db, dir, district, school, admin, schoolAdmin, teacher, student, guardianLogin, cls;

before(async () => {
  srv = await demoServer();
  db = srv.db;
  dir = srv.dir;
  district = Number(sqlShell(db, 'SELECT id FROM districts'));
  school = Number(sqlShell(db, "SELECT id FROM orgs WHERE sourced_id = 'sch-001'"));
  const login = async (role) => {
    const c = new Client(srv.url);
    const r = await c.login(srv.login(role));
    assert.equal(r.status, 200, r.text);
    return c;
  };
  admin = await login('district_admin');
  schoolAdmin = await login('school_admin');
  teacher = await login('teacher');
  student = await login('student');
  guardianLogin = await login('guardian');
  // a class of the school admin's school (sch-001) the demo teacher teaches
  cls = Number(sqlShell(db, "SELECT MIN(c.id) FROM classes c JOIN enrollments e ON e.class_id = c.id " +
    "JOIN users u ON u.id = e.user_id WHERE u.username = '" + srv.login('teacher').username + "' AND c.school_id = " + school));
});
after(() => srv?.cleanup());

const HEADER = 'location,asset_tag,serial,model,type,status,funding_source,purchase_date,' +
  'purchase_cost,school_sourced_id,Google Device ID,carrier,plan,data_cap_gb';
const good = [
  HEADER,
  'Cart A,E2E-0001,E2E-SN1,Acer Chromebook 314,chromebook,in_stock,ESSER III,2021-08-15,289.99,sch-001,g-1,,,',
  'Cart A,E2E-0002,E2E-SN2,"Dell 3100, 2-in-1",laptop,in_repair,E-Rate,2022-01-10,312,sch-002,,,,',
  'Office,E2E-H001,E2E-HS1,Kajeet SmartSpot,hotspot,in_stock,ECF,2021-09-01,120.50,,,T-Mobile,Unlimited,20.5',
].join('\n') + '\n';

const run = (args) => trellis(args);
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

// ---- the history file: a previous tool's loans ----

test('the history file: replayed in order, re-import changes nothing, a bad file imports nothing', () => {
  const kid = sqlShell(db, "SELECT sourced_id FROM users WHERE role = 'student' ORDER BY id LIMIT 1");
  const other = sqlShell(db, "SELECT sourced_id FROM users WHERE role = 'student' ORDER BY id LIMIT 1 OFFSET 1");
  const good = file('history.csv', [
    'at,asset_tag,event,user_sourced_id,due_date,condition,note,cost',
    `2024-08-20,E2E-0001,check_out,${kid},,new,,`,
    `2024-12-02T15:30:00Z,E2E-0001,damage,,,,cracked screen,45.00`,
    `2025-06-05,E2E-0001,check_in,${kid},,scratched,,`,
    `2025-08-21,E2E-0001,check_out,${other},2026-06-10,good,,`,
  ].join('\n') + '\n');
  let r = trellis(['import', 'device-events', '--db', db, good]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /4 rows, 4 created, 0 unchanged/);
  const state = () => sqlShell(db, "SELECT d.status, u.sourced_id, d.due_day FROM devices d LEFT JOIN users u ON u.id = d.holder_id WHERE d.asset_tag = 'E2E-0001'");
  const after = state();
  assert.match(after, new RegExp(`^assigned\\|${other}\\|\\d+$`));
  r = trellis(['import', 'device-events', '--db', db, good]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /4 rows, 0 created, 4 unchanged/);
  assert.equal(state(), after);
  const events = () => sqlShell(db, 'SELECT COUNT(*) FROM device_events');
  const n = events();
  const bad = file('history-bad.csv', [
    'asset_tag,event,at,user_sourced_id',
    `E2E-0002,check_out,2025-09-01,${kid}`,
    `E2E-0002,check_out,2025-09-02,${other}`,
    'NOPE,check_in,2025-09-01,',
    `E2E-H001,check_out,2025-02-30,${kid}`,
    'E2E-H001,borrow,2025-03-01,',
    'E2E-H001,check_out,2025-03-01,nobody',
    `E2E-0002,check_in,2025-08-01,${kid}`,
    `E2E-H001,check_out,2099-01-01,${kid}`,
  ].join('\n') + '\n');
  r = trellis(['import', 'device-events', '--db', db, bad]);
  assert.equal(r.status, 1);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith(bad)).map((l) => l.slice(bad.length + 1));
  assert.deepEqual(errors, [
    "3:2: event: 'E2E-0002' is lent already at this time: check it in first",
    "4:1: asset_tag: no device 'NOPE' in the inventory",
    "5:3: at: '2025-02-30' is not a date (YYYY-MM-DD) or a date-time with its zone",
    "6:2: event: 'borrow' is not one of check_out, check_in, damage, loss, repaired, found",
    "7:4: user_sourced_id: no person 'nobody' in the district",
    '8:3: at: before the event of line 2 of this device: list each device\'s events in time order',
    '9:3: at: in the future',
  ]);
  assert.equal(events(), n);
});

// ---- the API ----

const LOANERS = ['asset_tag,serial,model,type,status,funding_source,purchase_date,purchase_cost,school_sourced_id,location,carrier,plan,data_cap_gb',
  ...Array.from({ length: 8 }, (_, i) => `E2E-L00${i},E2E-LS${i},Acer Chromebook 314,chromebook,in_stock,ESSER III,2021-08-15,289.99,sch-001,Cart B,,,`),
  'E2E-LOST,E2E-LSX,Acer Chromebook 314,chromebook,lost,local,2021-08-15,289.99,sch-001,,,,',
  'E2E-OTHER,E2E-LSO,Acer Chromebook 314,chromebook,in_stock,local,2021-08-15,289.99,sch-002,,,,',
  'E2E-HS1,E2E-HSS1,Kajeet SmartSpot,hotspot,in_stock,ECF,2021-09-01,120.50,sch-001,,T-Mobile,Unlimited,20',
].join('\n') + '\n';

const D = () => `/api/v1/districts/${district}/devices`;
const post = (who, path, json) => who.req(path, { method: 'POST', json });
const tomorrow = () => new Date(Date.now() + 86400000).toISOString().slice(0, 10);
async function device(tag, who = admin) {
  const r = await who.req(`${D()}?q=${encodeURIComponent(tag)}`);
  assert.equal(r.status, 200, r.text);
  return r.body.devices.find((d) => d.asset_tag === tag);
}
async function classStudents(who = schoolAdmin) {
  const r = await who.req(`/api/v1/classes/${cls}/devices`);
  assert.equal(r.status, 200, r.text);
  return r.body.students;
}

const mine = (list) => list.filter((x) => String(x.asset_tag).startsWith('E2E-'));

test('API: check out to a student and check in, with conditions and the history', async () => {
  const f = file('loaners.csv', LOANERS);
  assert.equal(run(['import', 'devices', '--db', db, f]).status, 0);
  // the demo lent its own devices to the class: they come back first (check-in by the admin)
  for (const s of await classStudents(admin))
    for (const d of s.devices) {
      const r = await post(admin, `${D()}/check-in`, { asset_tag: d.asset_tag });
      assert.equal(r.status, 200, r.text);
    }
  assert.ok((await classStudents()).every((s) => s.devices.length === 0));
  const kid = (await classStudents())[0];
  let r = await post(schoolAdmin, `${D()}/check-out`, { asset_tag: 'E2E-L000', user_id: kid.id, condition: 'new, no marks' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'assigned');
  assert.deepEqual(r.body.holder, { id: kid.id, name: kid.name });
  // lent to one person at a time
  r = await post(schoolAdmin, `${D()}/check-out`, { asset_tag: 'E2E-L000', user_id: kid.id });
  assert.equal(r.status, 409, r.text);
  assert.match(r.body.detail, /asset_tag: 'E2E-L000' is lent to someone/);
  // a lost device is not lent; an unknown tag is named
  r = await post(schoolAdmin, `${D()}/check-out`, { asset_tag: 'E2E-LOST', user_id: kid.id });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /E2E-LOST' is lost/);
  r = await post(schoolAdmin, `${D()}/check-out`, { asset_tag: 'NOPE', user_id: kid.id });
  assert.equal(r.status, 404);
  assert.match(r.body.detail, /asset_tag: no device 'NOPE'/);
  r = await post(schoolAdmin, `${D()}/check-in`, { asset_tag: 'E2E-L000', condition: 'scratched lid' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'in_stock');
  assert.equal(r.body.holder, null);
  r = await schoolAdmin.req(`/api/v1/devices/${r.body.id}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(mine(r.body.events).map((e) => [e.kind, e.user?.id, e.condition]),
    [['check_out', kid.id, 'new, no marks'], ['check_in', kid.id, 'scratched lid']]);
  // the student's history, audited as a disclosure
  r = await schoolAdmin.req(`/api/v1/users/${kid.id}/devices`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(mine(r.body.events).map((e) => e.kind), ['check_out', 'check_in']);
  assert.deepEqual(mine(r.body.devices), []);
  const rid = r.headers.get('x-request-id');
  const audit = sqlShell(db, `SELECT COUNT(*) FROM audit_log WHERE request_id = '${rid}'`);
  assert.equal(audit, '1');
});

test('API: bulk check-out by class, scanned tags in order; any bad tag changes nothing', async () => {
  const before = await classStudents();
  const without = before.filter((s) => s.devices.length === 0);
  assert.ok(without.length >= 3, 'the class has students without a device');
  // one bad tag among good ones: nothing is lent
  let r = await post(schoolAdmin, `/api/v1/classes/${cls}/devices/check-out`, { asset_tags: ['E2E-L001', 'E2E-L002', 'E2E-OTHER'] });
  assert.equal(r.status, 400, r.text);
  assert.match(r.body.detail, /asset_tags\[2\]: 'E2E-OTHER' is not a device of the class's school/);
  r = await post(schoolAdmin, `/api/v1/classes/${cls}/devices/check-out`, { asset_tags: ['E2E-L001', 'E2E-L001'] });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /asset_tags\[1\]: 'E2E-L001' was scanned twice/);
  assert.deepEqual(await classStudents(), before);
  assert.equal((await device('E2E-L001')).holder, null);
  // the good scan: to the students without a device, in the class list's order
  r = await post(schoolAdmin, `/api/v1/classes/${cls}/devices/check-out`, { asset_tags: ['E2E-L001', 'E2E-L002', 'E2E-L003'], condition: 'good' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.checked_out, [
    { asset_tag: 'E2E-L001', user_id: without[0].id },
    { asset_tag: 'E2E-L002', user_id: without[1].id },
    { asset_tag: 'E2E-L003', user_id: without[2].id },
  ]);
  const after = await classStudents();
  assert.deepEqual(after.find((s) => s.id === without[1].id).devices.map((d) => d.asset_tag), ['E2E-L002']);
  // more tags than students without a device
  const left = after.filter((s) => s.devices.length === 0).length;
  const tags = Array.from({ length: left + 1 }, (_, i) => `X-${i}`);
  r = await post(schoolAdmin, `/api/v1/classes/${cls}/devices/check-out`, { asset_tags: tags });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, new RegExp(`asset_tags: ${left + 1} devices for ${left} students`));
});

test('API: a swap, a loss with its cost, a guardian acknowledgement', async () => {
  const holder = (await device('E2E-L001')).holder;
  let r = await post(schoolAdmin, `${D()}/swap`, { asset_tag: 'E2E-L001', loaner_tag: 'E2E-L004', condition: 'cracked screen' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.returned.status, 'in_repair');
  assert.equal(r.body.returned.holder, null);
  assert.deepEqual(r.body.loaner.holder, holder);
  r = await post(schoolAdmin, `${D()}/acknowledgements`, { asset_tag: 'E2E-L004', user_id: holder.id, guardian: 'Ana Martinez', method: 'paper' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.method, 'paper');
  r = await post(schoolAdmin, `${D()}/acknowledgements`, { asset_tag: 'E2E-L004', user_id: holder.id, guardian: 'Ana', method: 'pigeon' });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /method: 'pigeon' is not one of paper, online, in_person, phone/);
  r = await post(schoolAdmin, `${D()}/incidents`, { asset_tag: 'E2E-L004', kind: 'loss', cost: '289.99', note: 'left on the bus' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.status, 'lost');
  assert.equal(r.body.holder, null);
  r = await post(schoolAdmin, `${D()}/incidents`, { asset_tag: 'E2E-L002', kind: 'damage', cost: -5 });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /cost: must not be negative/);
  r = await schoolAdmin.req(`/api/v1/users/${holder.id}/devices`);
  const ev = r.body.events.filter((e) => ['E2E-L001', 'E2E-L004'].includes(e.asset_tag));
  assert.deepEqual(ev.map((e) => [e.kind, e.asset_tag, e.cost, e.other_asset_tag]), [
    ['check_out', 'E2E-L001', null, null],
    ['check_in', 'E2E-L001', null, 'E2E-L004'],
    ['check_out', 'E2E-L004', null, 'E2E-L001'],
    ['acknowledgement', 'E2E-L004', null, null],
    ['loss', 'E2E-L004', '289.99', null],
  ]);
  assert.equal(ev[3].guardian, 'Ana Martinez');
});

test('API: hotspots with due dates and the overdue list', async () => {
  const kid = (await classStudents())[4];
  let r = await post(schoolAdmin, `${D()}/check-out`, { asset_tag: 'E2E-HS1', user_id: kid.id, due_date: tomorrow() });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.due_date, tomorrow());
  assert.equal(r.body.overdue, false);
  r = await post(schoolAdmin, `${D()}/check-out`, { asset_tag: 'E2E-L005', user_id: kid.id, due_date: '2020-01-01' });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /due_date: 2020-01-01 is in the past/);
  r = await schoolAdmin.req(`${D()}?school=${school}&type=hotspot&overdue=true`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.devices.filter((d) => d.asset_tag === 'E2E-HS1').length, 0);
  // the server's clock cannot be moved: the due date goes back a week in the database
  sqlShell(db, "UPDATE devices SET due_day = due_day - 7 WHERE asset_tag = 'E2E-HS1'");
  r = await schoolAdmin.req(`${D()}?school=${school}&type=hotspot&overdue=true`);
  assert.equal(r.status, 200, r.text);
  const hs = r.body.devices.find((d) => d.asset_tag === 'E2E-HS1');
  assert.ok(hs, JSON.stringify(r.body));
  assert.equal(hs.overdue, true);
  assert.equal(hs.holder.id, kid.id);
  assert.equal(hs.carrier, 'T-Mobile');
  assert.equal(hs.data_cap_gb, '20');
  assert.ok(r.body.devices.every((d) => d.type === 'hotspot' && d.overdue));
  r = await schoolAdmin.req(`${D()}?school=${school}&status=broken`);
  assert.equal(r.status, 400);
});

test('API: the classes of a school to scan for, and the demo district has devices to show', async () => {
  let r = await schoolAdmin.req(`/api/v1/schools/${school}/devices/classes`);
  assert.equal(r.status, 200, r.text);
  const c = r.body.classes.find((x) => x.id === cls);
  assert.ok(c && c.students > 0, JSON.stringify(r.body.classes.slice(0, 3)));
  assert.equal(r.body.classes[0].type, 'homeroom');
  r = await teacher.req(`/api/v1/schools/${school}/devices/classes`);
  assert.ok([403, 404].includes(r.status), `${r.status}`);
  // the demo: about 1.1 devices per student, lent, some in repair or lost, hotspots overdue
  r = await admin.req(`${D()}?limit=1`);
  const students = Number(sqlShell(db, "SELECT COUNT(*) FROM users WHERE role = 'student'"));
  const demo = r.body.total - Number(sqlShell(db, "SELECT COUNT(*) FROM devices WHERE asset_tag LIKE 'E2E-%'"));
  assert.ok(demo >= students && demo <= students * 1.25, `${demo} devices for ${students} students`);
  for (const status of ['assigned', 'in_repair', 'lost'])
    assert.ok((await admin.req(`${D()}?status=${status}&limit=1`)).body.total > 0, status);
  assert.ok((await admin.req(`${D()}?type=hotspot&overdue=true&limit=1`)).body.total > 0, 'overdue hotspots');
});

test('API: the wrong role is refused, and nothing changes', async () => {
  const kid = (await classStudents())[5];
  // a teacher lends nothing and lists no inventory
  let r = await post(teacher, `${D()}/check-out`, { asset_tag: 'E2E-L006', user_id: kid.id });
  assert.ok([403, 404].includes(r.status), `${r.status} ${r.text}`);
  r = await teacher.req(`${D()}?school=${school}`);
  assert.ok([403, 404].includes(r.status), `${r.status} ${r.text}`);
  r = await post(teacher, `/api/v1/classes/${cls}/devices/check-out`, { asset_tags: ['E2E-L006'] });
  assert.ok([403, 404].includes(r.status), `${r.status} ${r.text}`);
  // a student and a guardian neither
  r = await post(student, `${D()}/check-in`, { asset_tag: 'E2E-HS1' });
  assert.ok([403, 404].includes(r.status), `${r.status} ${r.text}`);
  r = await guardianLogin.req(`${D()}`);
  assert.ok([403, 404].includes(r.status), `${r.status} ${r.text}`);
  // a school administrator lists their own school's devices, not the district's or another school's
  r = await schoolAdmin.req(`${D()}`);
  assert.ok([403, 404].includes(r.status), `${r.status} ${r.text}`);
  const other = Number(sqlShell(db, "SELECT id FROM orgs WHERE sourced_id = 'sch-002'"));
  r = await schoolAdmin.req(`${D()}?school=${other}`);
  assert.ok([403, 404].includes(r.status), `${r.status} ${r.text}`);
  r = await post(schoolAdmin, `${D()}/check-out`, { asset_tag: 'E2E-OTHER', user_id: kid.id });
  assert.ok([403, 404].includes(r.status), `${r.status} ${r.text}`);
  assert.equal((await device('E2E-L006')).holder, null);
  assert.equal((await device('E2E-OTHER')).holder, null);
  // the teacher reads the device history of a student they teach, not of another
  r = await teacher.req(`/api/v1/users/${kid.id}/devices`);
  assert.equal(r.status, 200, r.text);
  // the district administrator sees every device
  r = await admin.req(`${D()}?limit=500`);
  assert.equal(r.status, 200, r.text);
  assert.ok(r.body.devices.some((d) => d.asset_tag === 'E2E-OTHER'));
});

// ---- many rows: the imports write up to 1024 rows per batch, 256 per statement ----
// (last in the file: its 1,600 devices stay out of the lists the API tests read)

const BAT_HEADER = 'asset_tag,serial,model,type,status,funding_source,purchase_date,purchase_cost,school_sourced_id,location,Room';
const batRow = (i, model = 'Acer Chromebook 314') => `BAT-${String(i).padStart(4, '0')},BAT-SN${i},${model},` +
  (i % 3 ? 'chromebook,in_stock,local,2022-08-15,289.99,sch-001,' : 'laptop,in_repair,E-Rate,,,,') +
  (i % 2 ? `Cart ${i % 7},` : ',') + (i % 5 ? '' : `R${i}`);
const batCount = () => Number(sqlShell(db, "SELECT COUNT(*) FROM devices WHERE asset_tag LIKE 'BAT-%'"));
const batEvents = () => sqlShell(db, "SELECT d.asset_tag || ':' || e.kind || ':' || coalesce(u.sourced_id, '') " +
  "FROM device_events e JOIN devices d ON d.id = e.device_id LEFT JOIN users u ON u.id = e.user_id " +
  "WHERE d.asset_tag LIKE 'BAT-%' ORDER BY e.id");
const batState = () => sqlShell(db, "SELECT d.asset_tag || '|' || d.status || '|' || coalesce(u.sourced_id, '') || '|' || " +
  "coalesce(CAST(d.due_day AS TEXT), '') FROM devices d LEFT JOIN users u ON u.id = d.holder_id " +
  "WHERE d.asset_tag LIKE 'BAT-%' ORDER BY d.asset_tag");
// A statement of the import fails on this row (a trigger): what the batches before it wrote must go too.
function failOn(table, column, value) {
  if (!PG) {
    sqlShell(db, `CREATE TRIGGER bat_fail BEFORE INSERT ON ${table} WHEN NEW.${column} = ${value} ` +
      "BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
  } else {
    sqlShell(db, `CREATE FUNCTION bat_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.${column} = ${value} ` +
      "THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$; " +
      `CREATE TRIGGER bat_fail BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION bat_fail()`);
  }
  return () => sqlShell(db, PG ? `DROP TRIGGER bat_fail ON ${table}; DROP FUNCTION bat_fail()` : 'DROP TRIGGER bat_fail');
}

test('many rows: batches give the same result as one row at a time, all or nothing', () => {
  const rows = Array.from({ length: 1300 }, (_, i) => batRow(i));
  const f = file('batch.csv', [BAT_HEADER, ...rows].join('\n') + '\n');
  const before = sqlShell(db, 'SELECT COUNT(*) FROM devices');

  // a duplicate asset tag in two different batches: the file is rejected whole
  const dup = file('batch-dup.csv', [BAT_HEADER, ...rows, batRow(5).replace('BAT-SN5', 'BAT-SNX')].join('\n') + '\n');
  let r = trellis(['import', 'devices', '--db', db, dup]);
  assert.equal(r.status, 1);
  assert.ok(r.stderr.includes(`${dup}:1302:1: asset_tag: 'BAT-0005' is also on line 7`), r.stderr);
  assert.equal(batCount(), 0);

  // the last batch fails in the database: the first batch (written already) is rolled back too
  let undo = failOn('devices', 'asset_tag', "'BAT-1200'");
  r = trellis(['import', 'devices', '--db', db, f]);
  undo();
  assert.equal(r.status, 1, r.stdout);
  assert.match(r.stderr, /batch\.csv:1026-1301: cannot write the devices of these lines/);
  assert.equal(batCount(), 0);
  assert.equal(sqlShell(db, 'SELECT COUNT(*) FROM devices'), before);

  r = trellis(['import', 'devices', '--db', db, f]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /1300 rows, 1300 created, 0 updated, 0 unchanged/);
  // in file order (ids), every field as one row at a time would have written it
  assert.equal(sqlShell(db, "SELECT asset_tag FROM devices WHERE asset_tag LIKE 'BAT-%' ORDER BY id"),
    rows.map((x) => x.split(',')[0]).join('\n'));
  assert.equal(sqlShell(db, "SELECT asset_tag || '|' || serial || '|' || type || '|' || status || '|' || " +
    "coalesce(CAST(purchase_day AS TEXT), '-') || '|' || coalesce(CAST(cost_cents AS TEXT), '-') || '|' || " +
    "coalesce(CAST(school_id AS TEXT), '-') || '|' || location || '|' || notes FROM devices WHERE asset_tag IN ('BAT-0000', 'BAT-1297') ORDER BY asset_tag"),
    `BAT-0000|BAT-SN0|laptop|in_repair|-|-|-||{"Room":"R0"}\n` +
    `BAT-1297|BAT-SN1297|chromebook|in_stock|19219|28999|${school}|Cart 2|{}`);
  r = trellis(['import', 'devices', '--db', db, f]);
  assert.match(r.stdout, /1300 rows, 0 created, 0 updated, 1300 unchanged/);

  // changed and new rows mixed over the batches
  const mixed = [];
  for (let i = 0; i < 1300; i++) {
    mixed.push(i % 100 ? rows[i] : batRow(i, 'Dell 3100'));
    if (i % 13 === 0 || i % 13 === 6 || i % 13 === 9) mixed.push(batRow(2000 + i));
  }
  r = trellis(['import', 'devices', '--db', db, file('batch-mixed.csv', [BAT_HEADER, ...mixed].join('\n') + '\n')]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /1600 rows, 300 created, 13 updated, 1287 unchanged/);
  assert.equal(batCount(), 1600);
  assert.equal(sqlShell(db, "SELECT COUNT(*) FROM devices WHERE asset_tag LIKE 'BAT-%' AND model = 'Dell 3100'"), '13');

  // the export reads back: importing it changes nothing, exporting again gives the same file
  const out = join(dir, 'batch-out.csv'), again = join(dir, 'batch-again.csv');
  assert.equal(trellis(['export', 'devices', '--db', db, out]).status, 0);
  r = trellis(['import', 'devices', '--db', db, out]);
  assert.match(r.stdout, /0 created, 0 updated, \d+ unchanged/);
  assert.equal(trellis(['export', 'devices', '--db', db, again]).status, 0);
  assert.equal(readFileSync(again, 'utf8'), readFileSync(out, 'utf8'));

  // the history: 1300 check-outs then 650 check-ins (two batches of events, six statements of loans)
  const kids = sqlShell(db, "SELECT sourced_id FROM users WHERE role = 'student' ORDER BY id LIMIT 7").split('\n');
  const hist = [];
  for (let i = 0; i < 1300; i++) {
    const at = new Date(Date.UTC(2024, 8, 1, 8) + i * 60000).toISOString().replace('.000', '');
    hist.push(`${at},${rows[i].split(',')[0]},check_out,${kids[i % 7]},${i % 2 ? '2026-06-30' : ''},good`);
  }
  for (let i = 0; i < 1300; i += 2)
    hist.push(`2025-06-05,${rows[i].split(',')[0]},check_in,,,scratched`);
  const h = file('batch-history.csv', ['at,asset_tag,event,user_sourced_id,due_date,condition', ...hist].join('\n') + '\n');
  const state0 = batState();
  undo = failOn('device_events', 'kind', "'check_in'");
  r = trellis(['import', 'device-events', '--db', db, h]);
  undo();
  assert.equal(r.status, 1, r.stdout);
  assert.match(r.stderr, /batch-history\.csv:1026-1951: cannot write the events of these lines/);
  assert.equal(batEvents(), '');
  assert.equal(batState(), state0);

  r = trellis(['import', 'device-events', '--db', db, h]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /1950 rows, 1950 created, 0 unchanged/);
  const want = hist.map((l) => { const c = l.split(','); return `${c[1]}:${c[2]}:${c[2] === 'check_out' ? c[3] : kids[Number(c[1].slice(4)) % 7]}`; });
  assert.equal(batEvents(), want.join('\n'));
  const state = batState().split('\n');
  assert.equal(state.length, 1600);
  for (let i = 0; i < 1300; i++) {
    const s = state.find((x) => x.startsWith(rows[i].split(',')[0] + '|'));
    assert.match(s, i % 2 ? new RegExp(`\\|assigned\\|${kids[i % 7]}\\|20634$`) : /\|in_stock\|\|$/, s);
  }
  const stored = batState();
  r = trellis(['import', 'device-events', '--db', db, h]);
  assert.match(r.stdout, /1950 rows, 0 created, 1950 unchanged/);
  assert.equal(batState(), stored);
  assert.equal(batEvents(), want.join('\n'));
});

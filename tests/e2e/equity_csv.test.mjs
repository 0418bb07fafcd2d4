// The equity figures as a CSV file by state digital-equity plan objective
// (GET /api/v1/{districts|schools}/{id}/equity.csv, src/app/conn_equity_csv.c): every row
// agrees with the JSON of /equity (the same counts, the same hidden cells, never a count in a
// hidden row), the three objectives Trellis does not measure are said so, a school
// administrator gets their school's and not another's, a teacher nothing, a bad `weeks` 400.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoServer, Client } from './lib/auth.mjs';
import { sqlShell } from './lib/trellis.mjs';

let srv, da, admin, teacher, districtId, schoolId;

before(async () => {
  srv = await demoServer();
  da = new Client(srv.url, '10.26.0.1');
  admin = new Client(srv.url, '10.26.0.2');
  teacher = new Client(srv.url, '10.26.0.3');
  assert.equal((await da.login(srv.login('district_admin'))).status, 200);
  assert.equal((await admin.login(srv.login('school_admin'))).status, 200);
  assert.equal((await teacher.login(srv.login('teacher'))).status, 200);
  const me = (await admin.req('/api/v1/me')).body;
  districtId = me.district.id;
  schoolId = me.schools[0].id;
  // a small group: three answers left among the school's grade-4 students
  const g4 = sqlShell(srv.db, `SELECT DISTINCT a.user_id FROM survey_answers a JOIN users u ON u.id = a.user_id WHERE u.grades = '04' AND u.primary_org_id = ${schoolId} ORDER BY a.user_id`).split('\n').map(Number);
  assert.ok(g4.length > 3);
  sqlShell(srv.db, `DELETE FROM survey_answers WHERE user_id IN (${g4.slice(3).join(',')})`);
});

after(async () => {
  await srv?.cleanup();
});

// RFC 4180 rows (no quoted line breaks in these files)
function parse(text) {
  const rows = text.split('\r\n');
  assert.equal(rows.pop(), '', 'each row ends with CRLF');
  return rows.map((line) => {
    const out = [];
    let i = 0;
    while (i <= line.length) {
      if (line[i] === '"') {
        let s = '';
        i++;
        for (;;) {
          if (line[i] === '"' && line[i + 1] === '"') { s += '"'; i += 2; } else if (line[i] === '"') { i++; break; } else s += line[i++];
        }
        out.push(s);
        i++;
      } else {
        const j = line.indexOf(',', i);
        const end = j < 0 ? line.length : j;
        out.push(line.slice(i, end));
        i = end + 1;
      }
    }
    return out;
  });
}

// The rows the JSON implies, in the file's order, for one measure.
function expected(v, objective, measure, count, share) {
  const scopeId = v.scope === 'school' ? String(v.id) : '';
  const scopeName = v.name || '';
  const row = (c, sid, name) => [objective, measure, sid, name, c.grade || '',
    ...(c.suppressed ? ['', '', '', 'hidden', c.reason] : [String(c.surveyed), String(c[count]), c[share].toFixed(3), 'shown', ''])];
  return [
    row(v.all, scopeId, scopeName),
    ...v.grades.map((g) => row(g, scopeId, scopeName)),
    ...(v.schools || []).flatMap((s) => [row(s, String(s.id), s.name), ...s.grades.map((g) => row(g, String(s.id), s.name))]),
  ];
}

function check(v, text) {
  const rows = parse(text);
  assert.deepEqual(rows[0], ['objective', 'measure', 'school_id', 'school', 'grade', 'students_surveyed', 'students', 'share', 'status', 'note']);
  const want = [
    ...expected(v, 'broadband_availability_affordability', 'students_without_adequate_connection', 'without_adequate_connection', 'share_without_adequate_connection'),
    ...expected(v, 'device_access', 'students_without_dedicated_device', 'without_dedicated_device', 'share_without_dedicated_device'),
    ...['digital_literacy', 'online_privacy_cybersecurity', 'accessibility_public_resources'].map((o) => [o, '', '', '', '', '', '', '', 'not_measured', 'no figure kept by Trellis']),
  ];
  assert.deepEqual(rows.slice(1), want);
  return rows;
}

test('the district file: every row as the JSON says, hidden cells hidden, the unmeasured objectives named', async () => {
  const v = (await da.req(`/api/v1/districts/${districtId}/equity?weeks=2`)).body;
  const r = await da.req(`/api/v1/districts/${districtId}/equity.csv?weeks=2`);
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  assert.match(r.headers.get('content-disposition'), /attachment; filename="district-\d+-equity.csv"/);
  const rows = check(v, r.text);
  const hidden = rows.filter((x) => x[8] === 'hidden');
  assert.ok(hidden.some((x) => x[9] === 'fewer_than_min') && hidden.some((x) => x[9] === 'complement'), 'the small group and a complement');
  for (const x of hidden) assert.deepEqual(x.slice(5, 8), ['', '', ''], 'a hidden row carries no count');
});

test('a school administrator: their school, not another\'s nor the district\'s; a teacher nothing; bad weeks', async () => {
  const v = (await admin.req(`/api/v1/schools/${schoolId}/equity`)).body;
  const r = await admin.req(`/api/v1/schools/${schoolId}/equity.csv`);
  assert.equal(r.status, 200, r.text);
  check(v, r.text);
  const other = (await da.req(`/api/v1/districts/${districtId}/equity`)).body.schools.find((s) => s.id !== schoolId).id;
  assert.equal((await admin.req(`/api/v1/schools/${other}/equity.csv`)).status, 404);
  assert.ok([403, 404].includes((await admin.req(`/api/v1/districts/${districtId}/equity.csv`)).status));
  assert.equal((await teacher.req(`/api/v1/schools/${schoolId}/equity.csv`)).status, 404);
  const bad = await da.req(`/api/v1/districts/${districtId}/equity.csv?weeks=0`);
  assert.equal(bad.status, 400);
  assert.match(bad.body.detail, /^weeks: /);
});

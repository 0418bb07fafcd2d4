// The school and district views read rollups (migration 0023: sv_members, sv_groups, sv_weeks)
// that the learner model keeps as it applies statements, and that are worked out from scratch
// (from the roster and model_weekly/model_learners) on the first view of a day, after a roster
// import and after `trellis model rebuild`. This proves the two ways agree: the views read
// while statements arrive (the kept sums) equal the views after a rebuild (worked out again),
// for practice spread over several weeks with right and wrong answers (skills gained and
// lost, students whose latest active week moves). A drift between the two fails here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startServer, request, trellis, tempDir } from './lib/trellis.mjs';
import { seedDatabase, homerooms, rosterSet, statementWriter } from './lib/seeded_district.mjs';
import { Client, nextTotp } from './lib/auth.mjs';

const SIZES = { sA: { '03': [12, 11], '04': [10] }, sB: { '03': [13] } };
const V = { 'x-experience-api-version': '1.0.3' };
const WEEK = 7 * 86400000;

let srv, work, districtId, admin, auth;
const schoolId = {};

async function districtAdmin() {
  const add = trellis(['admin', 'add-account', '--db', srv.db, '--username', 'd.admin', '--name', 'Pat D', '--role', 'district_admin']);
  assert.equal(add.status, 0, add.stderr);
  const c = new Client(srv.url, '10.9.1.2');
  const r = await c.login({ username: 'd.admin', password: JSON.parse(add.stdout).password });
  assert.equal(r.status, 200, r.text);
  if (r.body.mfa?.required) {
    const t = await c.req('/api/v1/me/totp', { method: 'POST' });
    const ok = await c.req('/api/v1/me/totp/confirm', { method: 'POST', json: { totp: await nextTotp(t.body.secret) } });
    assert.equal(ok.status, 200, ok.text);
  }
  return c;
}

// answers of student id on skill at time at: pattern is a string of 1 (right) and 0 (wrong)
function answers(id, skill, at, pattern) {
  return [...pattern].map((x, q) => ({
    id: randomUUID(),
    actor: { objectType: 'Agent', account: { homePage: srv.url, name: id } },
    verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
    object: { objectType: 'Activity', id: `https://example.org/items/${skill}/${q}` },
    result: { success: x === '1', duration: `PT${20 + q}S` },
    context: { contextActivities: { category: [{ objectType: 'Activity', id: `https://example.org/skills/${skill}`,
      definition: { type: 'http://adlnet.gov/expapi/activities/objective' } }] } },
    timestamp: new Date(at + q * 1000).toISOString(),
  }));
}

async function post(statements) {
  const w = await request(srv.url, '/xapi/statements', { method: 'POST', headers: { ...V, authorization: auth }, json: statements });
  assert.equal(w.status, 200, w.text);
}

async function views() {
  const out = {};
  for (const [k, path] of [['district', `/api/v1/districts/${districtId}/overview?weeks=6`],
    ['sA', `/api/v1/schools/${schoolId.sA}/overview?weeks=6`], ['sB', `/api/v1/schools/${schoolId.sB}/overview?weeks=6`]]) {
    const r = await admin.req(path);
    assert.equal(r.status, 200, r.text);
    delete r.body.as_of;
    out[k] = r.body;
  }
  return out;
}

// the follower has applied everything when two reads a moment apart agree and the marker shows
async function settled(done) {
  let last = null;
  for (let i = 0; i < 150; i++) {
    const v = await views();
    if (done(v) && JSON.stringify(v) === JSON.stringify(last)) return v;
    last = v;
    await new Promise((res) => setTimeout(res, 150));
  }
  throw new Error('the learner model did not catch up');
}

before(async () => {
  work = tempDir('trellis-svr-');
  const db = join(work, 'sv.db');
  seedDatabase(work, db, SIZES);
  srv = await startServer({ db, dir: work, init: false, env: { TRELLIS_TRUST_PROXY: 'true' } });
  admin = await districtAdmin();
  districtId = (await admin.req('/api/v1/me')).body.district.id;
  const o = (await admin.req(`/api/v1/districts/${districtId}/overview`)).body;
  for (const s of o.schools) schoolId[s.name === 'School A' ? 'sA' : 'sB'] = s.id;
  auth = statementWriter(db);
});

after(async () => {
  await srv?.stop();
});

test('the kept rollups equal the rollups worked out again after a rebuild', async () => {
  const rooms = homerooms(SIZES);
  const all = rooms.flatMap((r) => r.ids);
  const now = Date.now();
  // views read before any practice: the groups are worked out now, and kept from here on
  const empty = await views();
  assert.equal(empty.district.total.students, all.length);

  // three weeks ago: everyone in school A's first class and school B masters "add"
  const first = rooms.filter((r) => r.school === 'sB' || (r.school === 'sA' && r.index === 0)).flatMap((r) => r.ids);
  await post(first.flatMap((id) => answers(id, 'add', now - 3 * WEEK, '011111111')));
  // last week: half of them lose it again; the grade 4 class starts "sub"
  const half = first.filter((_, i) => i % 2 === 0);
  const g4 = rooms.filter((r) => r.grade === '04').flatMap((r) => r.ids);
  await post([...half.flatMap((id) => answers(id, 'add', now - WEEK, '000000')),
    ...g4.flatMap((id) => answers(id, 'sub', now - WEEK, '1101111111'))]);
  // this week: every student answers something, some win "add" back
  await post(all.flatMap((id, i) => answers(id, i % 3 ? 'mul' : 'add', now, i % 3 ? '10' : '1111111')));
  const live = await settled((v) => v.district.trend.at(-1).active === all.length);

  // the same practice, and the rollups worked out from the learner model's tables again
  const r = trellis(['model', 'rebuild', '--db', srv.db]);
  assert.equal(r.status, 0, r.stderr);
  const rebuilt = await views();
  assert.deepEqual(rebuilt, live);

  // and what they hold is the practice: growth and activity moved
  assert.equal(live.district.total.students, all.length);
  assert.ok(live.district.trend.some((w) => w.active === first.length), JSON.stringify(live.district.trend));
  assert.notDeepEqual(live.district.total, empty.district.total);
});

test('a roster import moves a student to the group the new roster gives', async () => {
  const classes = (v) => v.sA.grades.find((g) => g.grade === '03').classes.map((c) => c.students);
  assert.deepEqual(classes(await views()), [12, 11]);
  // the same district, with the twelfth student of school A's first class in its second
  const dir = join(work, 'set2');
  mkdirSync(dir, { recursive: true });
  for (const [name, lines] of Object.entries(rosterSet({ ...SIZES, sA: { '03': [11, 12], '04': [10] } })))
    writeFileSync(join(dir, name), Array.isArray(lines) ? lines.join('\n') + '\n' : lines);
  const r = trellis(['import', 'oneroster', '--db', srv.db, dir]);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.deepEqual(classes(await views()), [11, 12]);
});

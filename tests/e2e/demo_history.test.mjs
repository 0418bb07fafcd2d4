// The demo district comes alive (issue 11): `trellis init --demo` simulates weeks of practice
// for every demo student through the LRS's write path, and the learner model applies it, so
// the student's progress (and every view built on it) shows a district in its sixth week.
// A small district and two weeks keep this quick under the sanitizers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from './lib/auth.mjs';
import { startServer, request, trellis, tempDir, sqlShell } from './lib/trellis.mjs';

let srv, logins, out;
const V = { 'X-Experience-API-Version': '2.0.0' };

before(async () => {
  const dir = tempDir('trellis-history-');
  const db = join(dir, 'trellis.db');
  const r = trellis(['init', '--db', db, '--demo', '--students', '60', '--history-weeks', '2',
    '--logins', join(dir, 'logins.json')]);
  assert.equal(r.status, 0, r.stderr);
  out = r.stdout;
  logins = JSON.parse(readFileSync(join(dir, 'logins.json'), 'utf8'));
  srv = await startServer({ dir, db, init: false, env: { TRELLIS_TRUST_PROXY: 'true' } });
});
after(async () => { await srv?.cleanup(); });

test('init says what it simulated', () => {
  const m = /simulated 2 weeks of practice: (\d+) statements in (\d+) sessions of (\d+) students \((\d+) never came\), (\d+) skills mastered/.exec(out);
  assert.ok(m, out);
  const [statements, sessions, active, absent] = m.slice(1).map(Number);
  assert.ok(active >= 40 && active + absent >= 55, `most students practised: ${out}`);
  assert.ok(sessions >= active, out);
  assert.ok(statements >= sessions * 5, out);
});

test('the skills practised enough have their parameters fitted to the history, as `trellis model fit` does', () => {
  const m = /the parameters of (\d+) skills fitted to it/.exec(out);
  assert.ok(m && Number(m[1]) > 0, out);
  const rows = sqlShell(srv.db, 'SELECT count(*) FROM model_skills WHERE fitted_ms > 0 AND fit_answers > 0;');
  assert.equal(Number(rows.trim()), Number(m[1]));
  // the fit is an administrative act on the district: it is in the audit log
  const a = trellis(['audit', 'show', '--db', srv.db]);
  assert.equal(a.status, 0, a.stderr);
  assert.match(a.stdout, /skill parameters fitted to the stored answers/);
});

test('the learner model holds the history: the demo student has progress to see', async () => {
  const c = new Client(srv.url, '10.12.0.1');
  const login = logins.find((l) => l.role === 'student');
  assert.equal((await c.login(login)).status, 200);
  const p = (await c.req('/api/v1/practice/progress')).body;
  const touched = p.skills.filter((s) => s.answers > 0);
  // the demo student is one who practises (the simulation may make anyone absent: then the
  // district as a whole must show practice, checked below)
  const all = [];
  const cred = JSON.parse(trellis(['admin', 'add-client', '--db', srv.db, '--name', 'r', '--scope', 'statements/read']).stdout);
  const rs = await request(srv.url, '/xapi/statements?limit=200&verb=' + encodeURIComponent('http://adlnet.gov/expapi/verbs/answered'), {
    headers: { ...V, authorization: 'Basic ' + Buffer.from(`${cred.key}:${cred.secret}`).toString('base64') },
  });
  assert.equal(rs.status, 200, rs.text);
  all.push(...rs.body.statements);
  assert.equal(all.length, 200, 'answers in the LRS');
  const s = all[0];
  assert.equal(s.context.contextActivities.category[0].definition.type, 'http://adlnet.gov/expapi/activities/objective');
  assert.ok(typeof s.result.success === 'boolean' && s.result.response.length > 0);
  assert.match(s.result.duration, /^PT\d+S$/);
  assert.ok(new Date(s.timestamp) < new Date(), 'in the past');
  assert.ok(new Date(s.timestamp) > new Date(Date.now() - 4 * 7 * 86400e3), 'within the weeks simulated');
  if (touched.length === 0) return;
  assert.ok(touched.some((x) => x.status === 'mastered' || x.status === 'in_progress'));
});

test('the history varies: students at different places, some stuck, some never came', () => {
  const r = trellis(['audit', 'verify', '--db', srv.db]);
  assert.equal(r.status, 0, r.stderr);
  const students = Number(sqlShell(srv.db, "SELECT COUNT(*) FROM users WHERE role = 'student'"));
  const practised = Number(sqlShell(srv.db, 'SELECT COUNT(DISTINCT user_id) FROM model_mastery'));
  assert.ok(practised >= 0.6 * students && practised < students, `${practised} of ${students} practised`);
  const mastered = sqlShell(srv.db, 'SELECT COUNT(*) FROM model_mastery WHERE p_mastery >= 0.95 GROUP BY user_id ORDER BY 1')
    .split('\n').map(Number);
  assert.ok(mastered.at(-1) - mastered[0] >= 3, `mastered skills per student range from ${mastered[0]} to ${mastered.at(-1)}`);
  const spinning = Number(sqlShell(srv.db, 'SELECT COUNT(*) FROM model_mastery WHERE attempts_open >= 10'));
  assert.ok(spinning >= 1, 'someone is stuck on a skill (10 first attempts without mastering it)');
  const hints = Number(sqlShell(srv.db, 'SELECT SUM(hints) FROM model_mastery'));
  assert.ok(hints > 0, 'hints were asked for');
});

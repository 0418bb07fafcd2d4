// Statements about rostered students are student records (issue 5): an actor whose
// account is {homePage: this server, name: a student's sourcedId} is linked to the
// student; a teacher of that student may read the statement (access_check on the
// roster) and the read is in the audit log; another teacher may not.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { demoServer, Client } from './lib/auth.mjs';
import { request, trellis } from './lib/trellis.mjs';

let srv, t1, t2, student, cred;
const V = { 'X-Experience-API-Version': '2.0.0' };

before(async () => {
  srv = await demoServer({ TRELLIS_TRUST_PROXY: 'true' });
  const teachers = srv.logins.filter((l) => l.role === 'teacher');
  t1 = new Client(srv.url, '10.9.0.1');
  t2 = new Client(srv.url, '10.9.0.2');
  assert.equal((await t1.login(teachers[0])).status, 200);
  assert.equal((await t2.login(teachers[1])).status, 200);
  const roster = async (c) => {
    const home = (await c.req('/api/v1/home')).body;
    const ids = [];
    for (const cl of home.classes) ids.push(...(await c.req(`/api/v1/classes/${cl.id}/students`)).body.students.map((s) => s.id));
    return ids;
  };
  const r1 = await roster(t1), r2 = new Set(await roster(t2));
  const id = r1.find((s) => !r2.has(s));
  assert.ok(id, 'a student of teacher 1 that teacher 2 does not teach');
  student = (await t1.req(`/api/v1/users/${id}`)).body;
  cred = JSON.parse(trellis(['admin', 'add-client', '--db', srv.db, '--name', 'quiz', '--scope', 'statements/write']).stdout);
});
after(async () => { await srv?.cleanup(); });

test('a linked statement is read by the student\'s teacher (audited), not by another teacher', async () => {
  const sid = randomUUID();
  const st = {
    id: sid,
    actor: { objectType: 'Agent', account: { homePage: srv.url, name: student.sourced_id } },
    verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
    object: { id: 'http://example.org/items/1' },
  };
  let r = await request(srv.url, '/xapi/statements', {
    method: 'POST', json: st,
    headers: { ...V, authorization: 'Basic ' + Buffer.from(`${cred.key}:${cred.secret}`).toString('base64') },
  });
  assert.equal(r.status, 200, r.text);
  r = await t1.req(`/xapi/statements?statementId=${sid}`, { headers: V });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.id, sid);
  r = await t2.req(`/xapi/statements?statementId=${sid}`, { headers: V });
  assert.equal(r.status, 404, 'another teacher cannot tell it exists');
  const audit = trellis(['audit', 'show', '--db', srv.db, '--student', student.sourced_id]);
  assert.equal(audit.status, 0, audit.stderr);
  assert.match(audit.stdout, /statements:person/);
});

test('a signed-in person (session cookie) cannot write statements: POST and PUT are refused, nothing is stored', async () => {
  const all = JSON.parse(trellis(['admin', 'add-client', '--db', srv.db, '--name', 'reader', '--scope', 'all']).stdout);
  const auth = { ...V, authorization: 'Basic ' + Buffer.from(`${all.key}:${all.secret}`).toString('base64') };
  const st = (id) => ({
    id,
    actor: { objectType: 'Agent', account: { homePage: srv.url, name: student.sourced_id } },
    verb: { id: 'http://adlnet.gov/expapi/verbs/passed' },
    object: { id: 'http://example.org/items/forged' },
  });
  const studentLogin = srv.logins.find((l) => l.role === 'student' && l.password);
  assert.ok(studentLogin, 'a demo student with a password');
  const pupil = new Client(srv.url, '10.9.0.3');
  assert.equal((await pupil.login(studentLogin)).status, 200);
  for (const [who, c] of [['teacher', t1], ['student', pupil]]) {
    const posted = randomUUID(), put = randomUUID();
    let r = await c.req('/xapi/statements', { method: 'POST', json: st(posted), headers: V });
    assert.equal(r.status, 403, `${who} POST: ${r.text}`);
    assert.match(r.body.detail, /only API clients write statements/);
    r = await c.req(`/xapi/statements?statementId=${put}`, { method: 'PUT', json: st(put), headers: V });
    assert.equal(r.status, 403, `${who} PUT: ${r.text}`);
    for (const id of [posted, put]) {
      r = await request(srv.url, `/xapi/statements?statementId=${id}`, { headers: auth });
      assert.equal(r.status, 404, `${who}: nothing was stored`);
    }
  }
});

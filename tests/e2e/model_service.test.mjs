// The learner model as a service on the LRS (issue: learner model, "Service"): statements
// about a rostered learner become BKT updates per skill, kept current as they arrive, rebuilt
// from the statements, refitted from them, and read through access control with an audit entry.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { request, trellis } from './lib/trellis.mjs';
import { demoServer, Client } from './lib/auth.mjs';

const SKILL_TYPE = 'http://adlnet.gov/expapi/activities/objective';
const DEFAULTS = { prior: 0.3, learn: 0.1, forget: 0, guess: 0.2, slip: 0.1 };

let srv, basic, student, studentId;

// BKT's online update (Corbett and Anderson 1995): Bayes on the answer, then the transition.
function bktUpdate(p, correct, k = DEFAULTS) {
  const post = correct
    ? (p * (1 - k.slip)) / (p * (1 - k.slip) + (1 - p) * k.guess)
    : (p * k.slip) / (p * k.slip + (1 - p) * (1 - k.guess));
  return post * (1 - k.forget) + (1 - post) * k.learn;
}

function answer(sourcedId, item, success, { skill, day = 1, verb = 'answered' } = {}) {
  const st = {
    id: randomUUID(),
    actor: { objectType: 'Agent', account: { homePage: srv.url, name: sourcedId } },
    verb: { id: `http://adlnet.gov/expapi/verbs/${verb}`, display: { 'en-US': verb } },
    object: { objectType: 'Activity', id: item },
    result: { success },
    timestamp: new Date(Date.UTC(2026, 10, day, 10, 0, 0)).toISOString(),
  };
  if (skill)
    st.context = { contextActivities: { parent: [{ id: skill, definition: { type: SKILL_TYPE } }] } };
  return st;
}

async function post(statements) {
  const r = await request(srv.url, '/xapi/statements', {
    method: 'POST', json: statements,
    headers: { authorization: basic, 'x-experience-api-version': '2.0.0' },
  });
  assert.equal(r.status, 200, r.text);
  return r.body;
}

function skillOf(body, skill) {
  return body.skills.find((s) => s.skill === skill);
}

before(async () => {
  srv = await demoServer();
  const c = trellis(['admin', 'add-client', '--db', srv.db, '--name', 'practice', '--scope', 'all']);
  assert.equal(c.status, 0, c.stderr);
  const { key, secret } = JSON.parse(c.stdout);
  basic = 'Basic ' + Buffer.from(`${key}:${secret}`).toString('base64');
  student = new Client(srv.url, '10.9.0.1');
  assert.equal((await student.login(srv.login('student'))).status, 200);
  const me = await student.req('/api/v1/me');
  studentId = me.body.id;
  assert.ok(studentId, JSON.stringify(me.body));
});

after(async () => { await srv?.cleanup(); });

test('answers to a skill update mastery by BKT, in order, with the default parameters', async () => {
  const skill = 'https://example.org/skills/fractions';
  const seq = [true, false, true, true, true];
  const sid = 'stu-000001';
  await post(seq.map((ok, i) => answer(sid, `https://example.org/items/frac-${i}`, ok, { skill, day: i + 1 })));
  const r = await student.req(`/api/v1/users/${studentId}/mastery`);
  assert.equal(r.status, 200, r.text);
  const s = skillOf(r.body, skill);
  let p = DEFAULTS.prior;
  for (const ok of seq) p = bktUpdate(p, ok);
  assert.ok(Math.abs(s.p_mastery - p) < 1e-9, `${s.p_mastery} vs ${p}`);
  assert.ok(Math.abs(s.p_correct - (p * (1 - DEFAULTS.slip) + (1 - p) * DEFAULTS.guess)) < 1e-9);
  assert.equal(s.answers, 5);
  assert.equal(s.correct, 4);
  assert.equal(s.mastered, p >= 0.95);
  assert.equal(s.fitted, false);
  assert.equal(s.last_answer, '2026-11-05T10:00:00.000Z');
});

// P(mastered) and P(not mastered) carried apart (core/bkt.h), as the server does since one double
// rounded to 1.0 after about 23 correct answers and then never moved again without forgetting.
function bktUpdate2([p, q], correct, k = DEFAULTS) {
  const a1 = p * (correct ? 1 - k.slip : k.slip), a0 = q * (correct ? k.guess : 1 - k.guess);
  const n1 = a1 * (1 - k.forget) + a0 * k.learn, n0 = a0 * (1 - k.learn) + a1 * k.forget;
  return [n1 / (n1 + n0), n0 / (n1 + n0)];
}

test('after 40 correct answers, 40 wrong ones bring mastery down again (the state never pins at 1)', async () => {
  const skill = 'https://example.org/skills/long-run';
  const sid = 'stu-000001';
  const seq = [...Array(40).fill(true), ...Array(40).fill(false)];
  await post(seq.map((ok, i) => answer(sid, `https://example.org/items/long-${i}`, ok, { skill, day: i + 1 })));
  const r = await student.req(`/api/v1/users/${studentId}/mastery`);
  assert.equal(r.status, 200, r.text);
  const s = skillOf(r.body, skill);
  let st = [DEFAULTS.prior, 1 - DEFAULTS.prior];
  for (const ok of seq) st = bktUpdate2(st, ok);
  assert.equal(s.answers, 80);
  assert.ok(s.p_mastery < 0.5, `P(mastered) ${s.p_mastery} after 40 wrong answers`);
  assert.ok(Math.abs(s.p_mastery - st[0]) < 1e-9, `${s.p_mastery} vs ${st[0]}`);
  assert.equal(s.mastered, false);
});

test('without an objective in its context an activity is its own skill; answers need result.success', async () => {
  const sid = 'stu-000001';
  const item = 'https://example.org/items/lonely';
  const noSuccess = answer(sid, item, true);
  delete noSuccess.result.success;
  noSuccess.result.completion = true;
  await post([answer(sid, item, false), noSuccess]);
  const r = await student.req(`/api/v1/users/${studentId}/mastery`);
  const s = skillOf(r.body, item);
  assert.equal(s.answers, 1, 'the statement without success is not an answer');
  assert.ok(Math.abs(s.p_mastery - bktUpdate(DEFAULTS.prior, false)) < 1e-9);
});

test('statements about someone not on the roster change nobody', async () => {
  const before = (await student.req(`/api/v1/users/${studentId}/mastery`)).body;
  await post([answer('not-a-student', 'https://example.org/items/x', true, { skill: 'https://example.org/skills/fractions' })]);
  const afterR = (await student.req(`/api/v1/users/${studentId}/mastery`)).body;
  assert.deepEqual(afterR, before);
});

test('the follower applies new statements without anyone reading (within a few seconds)', async () => {
  const sid = 'stu-000001';
  const skill = 'https://example.org/skills/decimals';
  await post([answer(sid, 'https://example.org/items/dec-1', true, { skill })]);
  // nobody reads mastery here: the server's follower applies the answer on its own and logs it
  let seen = false;
  for (let i = 0; i < 50 && !seen; i++) {
    seen = /event=model_follow district=\d+ applied=1\b/.test(srv.logs.join(''));
    if (!seen) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(seen, 'the follower applied the answer within 5 s');
  const shown = trellis(['model', 'show', '--db', srv.db, '--student', sid]);
  assert.equal(shown.status, 0, shown.stderr);
  assert.equal(skillOf(JSON.parse(shown.stdout), skill).answers, 1);
});

test('who may see mastery: the student, their guardian and teacher; another teacher gets 404', async () => {
  const guardian = new Client(srv.url, '10.9.0.2');
  assert.equal((await guardian.login(srv.login('guardian'))).status, 200);
  assert.equal((await guardian.req(`/api/v1/users/${studentId}/mastery`)).status, 200);
  const teachers = srv.logins.filter((l) => l.role === 'teacher');
  const own = new Client(srv.url, '10.9.0.3');
  assert.equal((await own.login(teachers[0])).status, 200);
  assert.equal((await own.req(`/api/v1/users/${studentId}/mastery`)).status, 200);
  const other = new Client(srv.url, '10.9.0.4');
  assert.equal((await other.login(teachers[1])).status, 200);
  assert.equal((await other.req(`/api/v1/users/${studentId}/mastery`)).status, 404);
  const anon = await request(srv.url, `/api/v1/users/${studentId}/mastery`);
  assert.ok(anon.status === 401 || anon.status === 404, String(anon.status));
});

test('every read of mastery is in the audit log', async () => {
  const sid = 'stu-000001';
  const r = trellis(['audit', 'show', '--db', srv.db, '--student', sid, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(lines.some((e) => /mastery:/.test(JSON.stringify(e))), r.stdout.slice(0, 500));
});

test('rebuild gives the same state; a voided answer is out after the rebuild', async () => {
  const sid = 'stu-000001';
  const skill = 'https://example.org/skills/ratios';
  const sts = [answer(sid, 'https://example.org/items/r1', false, { skill }),
    answer(sid, 'https://example.org/items/r2', true, { skill })];
  await post(sts);
  const beforeR = (await student.req(`/api/v1/users/${studentId}/mastery`)).body;
  const rb = trellis(['model', 'rebuild', '--db', srv.db]);
  assert.equal(rb.status, 0, rb.stderr);
  assert.match(rb.stdout, /learner model rebuilt: \d+ answers applied/);
  const afterR = (await student.req(`/api/v1/users/${studentId}/mastery`)).body;
  assert.deepEqual(afterR, beforeR);
  // void the wrong answer (xAPI 2.0.0 4.2.2 voided statements)
  await post([{
    actor: { objectType: 'Agent', account: { homePage: srv.url, name: 'teacher-tool' } },
    verb: { id: 'http://adlnet.gov/expapi/verbs/voided', display: { 'en-US': 'voided' } },
    object: { objectType: 'StatementRef', id: sts[0].id },
  }]);
  assert.equal(trellis(['model', 'rebuild', '--db', srv.db]).status, 0);
  const s = skillOf((await student.req(`/api/v1/users/${studentId}/mastery`)).body, skill);
  assert.equal(s.answers, 1);
  assert.ok(Math.abs(s.p_mastery - bktUpdate(DEFAULTS.prior, true)) < 1e-9);
});

test('model fit fits each skill to the stored answers and the state follows the new parameters', async () => {
  // 120 learners of the demo answer 8 items of one skill, simulated from known parameters
  const truth = { prior: 0.25, learn: 0.2, forget: 0, guess: 0.15, slip: 0.1 };
  const skill = 'https://example.org/skills/area';
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const batch = [];
  for (let n = 1; n <= 120; n++) {
    const sid = `stu-${String(n).padStart(6, '0')}`;
    let known = rnd() < truth.prior;
    for (let i = 0; i < 8; i++) {
      const ok = known ? rnd() >= truth.slip : rnd() < truth.guess;
      batch.push(answer(sid, `https://example.org/items/area-${i}`, ok, { skill, day: i + 1 }));
      if (!known && rnd() < truth.learn) known = true;
    }
  }
  for (let i = 0; i < batch.length; i += 240) await post(batch.slice(i, i + 240));
  const fit = trellis(['model', 'fit', '--db', srv.db, '--restarts', '3']);
  assert.equal(fit.status, 0, fit.stderr);
  const rep = JSON.parse(fit.stdout);
  const f = rep.skills.find((s) => s.skill === skill);
  assert.equal(f.answers, 960);
  assert.ok(f.guess < 0.5 && f.slip < 0.5, JSON.stringify(f));
  for (const k of ['prior', 'learn', 'guess', 'slip'])
    assert.ok(Math.abs(f[k] - truth[k]) < 0.15, `${k}: ${f[k]} vs ${truth[k]} (960 answers)`);
  // the first learner's state is their answers under the fitted parameters
  const mine = batch.filter((s) => s.actor.account.name === 'stu-000001');
  {
    let p = f.prior;
    for (const s of mine) p = bktUpdate(p, s.result.success, f);
    const shown = JSON.parse(trellis(['model', 'show', '--db', srv.db, '--student', 'stu-000001']).stdout);
    const s = skillOf(shown, skill);
    assert.equal(s.fitted, true);
    // the command prints 6 significant digits, of the parameters too
    assert.ok(Math.abs(s.p_mastery - p) < 1e-4, `${s.p_mastery} vs ${p}`);
  }
});

test('bad use of the commands is a clear error', () => {
  const r = trellis(['model', 'show', '--db', srv.db, '--student', 'nobody-here']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--student: no person with sourcedId 'nobody-here'/);
  const u = trellis(['model', 'fit', '--db', srv.db, '--restarts', 'many']);
  assert.equal(u.status, 2);
  assert.match(u.stderr, /--restarts: 'many' is not a number/);
});

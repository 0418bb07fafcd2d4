// Practice and tutoring (issue 11): the student's adaptive loop over the HTTP API, on the
// demo district with its built-in mathematics pack. The answers a test gives right are read
// the way an operator could: `trellis content show ITEM --seed S` prints the instance the
// server made (the instance token is "item.seed.mac").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { demoServer, Client } from './lib/auth.mjs';
import { request, trellis } from './lib/trellis.mjs';

let srv, student, teacher, reader;
const V = { 'X-Experience-API-Version': '2.0.0' };
const basic = (c) => 'Basic ' + Buffer.from(`${c.key}:${c.secret}`).toString('base64');

// The instance behind a token, with its accepted answers (the operator's view).
function instanceOf(token) {
  const [item, seed] = token.split('.');
  const r = trellis(['content', 'show', '--db', srv.db, '--seed', seed, item]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}
const stepOf = (inst, id) => inst.steps.flatMap((s) => [s, ...(s.scaffolds || [])]).find((s) => s.id === id);
const rightAnswer = (inst, id) => stepOf(inst, id).answer.accepted[0];

async function statementsOf(sourcedId) {
  const agent = JSON.stringify({ account: { homePage: srv.url, name: sourcedId } });
  const r = await request(srv.url, `/xapi/statements?agent=${encodeURIComponent(agent)}&limit=500`, {
    headers: { ...V, authorization: basic(reader) },
  });
  assert.equal(r.status, 200, r.text);
  return r.body.statements;
}

before(async () => {
  srv = await demoServer({ TRELLIS_TRUST_PROXY: 'true' });
  student = new Client(srv.url, '10.11.0.1');
  assert.equal((await student.login(srv.login('student'))).status, 200);
  teacher = new Client(srv.url, '10.11.0.2');
  assert.equal((await teacher.login(srv.login('teacher'))).status, 200);
  reader = JSON.parse(trellis(['admin', 'add-client', '--db', srv.db, '--name', 'reader', '--scope', 'statements/read']).stdout);
  // the demo teacher's open assignments would come first (assign.test.mjs covers that): closed,
  // practice follows the skill graph alone
  for (const c of (await teacher.req('/api/v1/home')).body.classes) {
    for (const a of (await teacher.req(`/api/v1/classes/${c.id}/assignments`)).body.assignments) {
      if (a.state === 'open') assert.equal((await teacher.req(`/api/v1/classes/${c.id}/assignments/${a.id}`, { method: 'PATCH', json: { closed: true } })).status, 200);
    }
  }
});
after(async () => { await srv?.cleanup(); });

test('the next problem says why it was chosen and never carries its answers', async () => {
  // before any problem is open, progress already says what practice would choose, and why
  const p0 = (await student.req('/api/v1/practice/progress')).body;
  assert.equal(p0.working_on.code, 'next');
  assert.match(p0.working_on.text, /\S/);
  const r = await student.req('/api/v1/practice/next');
  assert.equal(r.status, 200, r.text);
  const n = r.body;
  assert.match(n.instance, /^\d+\.\d+\.[0-9a-f]{32}$/);
  assert.equal(n.step_index, 0);
  assert.ok(n.step.prompt_html.includes('<math>'), 'math as MathML');
  assert.equal(n.reason.code, 'next');
  assert.equal(n.skill.iri, p0.working_on.skill, 'the skill progress announced');
  assert.match(n.reason.text, /\S/);
  assert.ok(n.skill.iri.startsWith('https://trellis.invalid/content/trellis-math-3-8/skills/'));
  assert.ok(!JSON.stringify(n).includes('"accepted"'), 'no accepted answers online');
  // asked again, the same problem (a reload resumes it)
  const again = (await student.req('/api/v1/practice/next')).body;
  assert.equal(again.instance, n.instance);
  // in Spanish
  const es = (await student.req('/api/v1/practice/next?lang=es')).body;
  assert.match(es.step.prompt_text, /¿/);
});

test('answers: feedback for a known misconception, scaffolds after two tries, hints to a worked example', async () => {
  const n = (await student.req('/api/v1/practice/next')).body;
  const inst = instanceOf(n.instance);
  const step = stepOf(inst, n.step.id);
  const body = (response) => ({ item: n.item, instance: n.instance, step: n.step.id, response });
  // an empty answer is not an attempt
  let r = await student.req('/api/v1/practice/attempts', { method: 'POST', json: body('   ') });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /response: empty/);
  // a known wrong answer names its misconception
  const wrong = step.feedback[0];
  r = await student.req('/api/v1/practice/attempts', { method: 'POST', json: body(wrong.answer) });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.correct, false);
  assert.equal(r.body.attempt, 1);
  assert.equal(r.body.feedback.misconception, wrong.misconception);
  assert.ok(r.body.feedback.misconception_name);
  // a second wrong answer offers the scaffolds
  r = await student.req('/api/v1/practice/attempts', { method: 'POST', json: body('not an answer at all') });
  assert.equal(r.body.correct, false);
  assert.equal(r.body.attempt, 2);
  if (step.scaffolds?.length) assert.equal(r.body.scaffolds.length, step.scaffolds.length);
  // hints one at a time; the last is the worked example
  const seen = [];
  for (let i = 0; i < step.hints.length + 1; i++) {
    const h = await student.req('/api/v1/practice/hints', { method: 'POST', json: { instance: n.instance, step: n.step.id } });
    assert.equal(h.status, 200, h.text);
    seen.push(h.body);
  }
  assert.deepEqual(seen.slice(0, step.hints.length).map((h) => h.index), step.hints.map((_, i) => i));
  assert.equal(seen.at(-1).worked_example, true);
  // the right answer after the worked example finishes the step, but is no evidence of mastery
  const before = (await student.req('/api/v1/practice/progress')).body.skills.find((s) => s.iri === n.skill.iri);
  r = await student.req('/api/v1/practice/attempts', { method: 'POST', json: body(rightAnswer(inst, n.step.id)) });
  assert.equal(r.body.correct, true);
  assert.ok(r.body.mastery.p_mastery <= before.p_mastery, 'answered after help: mastery does not rise');
  // the statements: answered x3, asked x hints, linked to the student, with the skill
  const me = (await student.req('/api/v1/me')).body;
  const sid = (await teacher.req(`/api/v1/users/${me.id}`)).body.sourced_id;
  const sts = await statementsOf(sid);
  const answered = sts.filter((s) => s.verb.id === 'http://adlnet.gov/expapi/verbs/answered' && s.object.id.startsWith(inst.iri));
  const asked = sts.filter((s) => s.verb.id === 'http://adlnet.gov/expapi/verbs/asked' && s.object.id.startsWith(inst.iri));
  assert.ok(answered.length >= 3);
  assert.ok(asked.length >= step.hints.length);
  const last = answered[0];
  assert.equal(last.result.success, true);
  assert.ok(last.result.extensions['https://trellis.invalid/xapi/extensions/hints'] > 0);
  assert.equal(last.context.contextActivities.category[0].id, n.skill.iri);
  assert.equal(last.context.contextActivities.category[0].definition.type, 'http://adlnet.gov/expapi/activities/objective');
});

test('right first answers raise mastery until the skill is mastered, with a mastered statement', async () => {
  let n = (await student.req('/api/v1/practice/next')).body;
  const skill = n.skill.iri;
  let mastered = null;
  for (let i = 0; i < 30 && !mastered; i++) {
    const inst = instanceOf(n.instance);
    for (let k = n.step_index; k < inst.steps.length; k++) {
      const id = inst.steps[k].id;
      const r = await student.req('/api/v1/practice/attempts', { method: 'POST', json: { item: n.item, instance: n.instance, step: id, response: rightAnswer(inst, id) } });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.correct, true, `${id}: ${rightAnswer(inst, id)}`);
      if (r.body.mastery.newly_mastered) mastered = r.body;
    }
    n = (await student.req('/api/v1/practice/next')).body;
  }
  assert.ok(mastered, 'the skill was mastered');
  assert.equal(mastered.mastery.skill, skill);
  assert.ok(mastered.mastery.p_mastery >= 0.95);
  assert.notEqual(n.skill.iri, skill, 'a mastered skill gives way to the next one');
  const me = (await student.req('/api/v1/me')).body;
  const sid = (await teacher.req(`/api/v1/users/${me.id}`)).body.sourced_id;
  const sts = await statementsOf(sid);
  assert.ok(sts.some((s) => s.verb.id === 'http://adlnet.gov/expapi/verbs/mastered' && s.object.id === skill));
  const progress = (await student.req('/api/v1/practice/progress')).body;
  assert.equal(progress.skills.find((s) => s.iri === skill).status, 'mastered');
  // numbers print as people write them
  const raw = await fetch(`${srv.url}/api/v1/users/${me.id}/mastery`, { headers: { cookie: student.cookieHeader(), 'x-forwarded-for': student.addr } });
  assert.match(await raw.text(), /"mastered_at":0\.95[,}]/);
});

test('an answer sent twice with the same id (an offline queue) is recorded once', async () => {
  const r0 = await student.req('/api/v1/practice/next?ahead=2');
  assert.equal(r0.status, 200, r0.text);
  assert.equal(r0.body.ahead.length, 2);
  const off = r0.body.ahead[0];
  for (const s of off.all_steps) {
    if (['number', 'fraction', 'choice', 'text'].includes(s.type)) assert.ok(s.accepted.length >= 1, 'what the device checks with');
    else assert.equal(s.accepted, undefined, `${s.type}: checked by the server only`);
  }
  const id = randomUUID();
  const when = new Date(Date.now() - 3600e3).toISOString();
  const body = { id, item: off.item, instance: off.instance, step: off.step.id, response: 'offline 1', timestamp: when, attempt: 1, hints: 0, duration_ms: 4200 };
  const a = await student.req('/api/v1/practice/attempts', { method: 'POST', json: body });
  assert.equal(a.status, 200, a.text);
  assert.equal(a.body.statement, id);
  const b = await student.req('/api/v1/practice/attempts', { method: 'POST', json: body });
  assert.equal(b.status, 200, b.text);
  assert.equal(b.body.duplicate, true);
  const me = (await student.req('/api/v1/me')).body;
  const sid = (await teacher.req(`/api/v1/users/${me.id}`)).body.sourced_id;
  const sts = (await statementsOf(sid)).filter((s) => s.id === id);
  assert.equal(sts.length, 1);
  assert.equal(sts[0].timestamp.slice(0, 19), when.slice(0, 19), 'the time it was answered, not synced');
  assert.equal(sts[0].result.duration, 'PT4.20S');
});

test('only students practise; a forged instance is refused', async () => {
  let r = await teacher.req('/api/v1/practice/next');
  assert.equal(r.status, 403);
  r = await request(srv.url, '/api/v1/practice/next');
  assert.equal(r.status, 401);
  const n = (await student.req('/api/v1/practice/next')).body;
  const [item, seed, mac] = n.instance.split('.');
  const forged = `${item}.${BigInt(seed) + 1n}.${mac}`;
  r = await student.req('/api/v1/practice/attempts', { method: 'POST', json: { item: Number(item), instance: forged, step: 's1', response: '1' } });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /instance: not a problem this server gave you/);
  r = await student.req('/api/v1/practice/attempts', { method: 'POST', json: { instance: n.instance, step: 'nope', response: '1' } });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /step: the problem has no step/);
});

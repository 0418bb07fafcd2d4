// Login throttling without lockout of the innocent (NIST SP 800-63B section 5.2.2), on a
// server with login_max_failures = 3 (N) that trusts X-Forwarded-For, so each test picks
// its addresses:
//   - one name from one address: N failures, then waits that double (1 s, 2 s ... 1 hour);
//   - one name from any address: after min(5 N, 50) failures, addresses the account has
//     never logged in from wait (familiar ones are still checked); never more than 100;
//   - one address over every name: after 10 N failures, names that never logged in from
//     that address wait (familiar ones are still checked); a name's failures from an
//     address are forgiven when it then logs in from there, so a school's typos behind
//     one NAT cost nothing;
//   - the check and the count are one step: parallel attempts cannot slip past it;
//   - the second factor (login step, step-up, enrolment) is throttled the same way.
// Each test prints the rows of the table it checks (who gets in, who waits).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { trellis } from './lib/trellis.mjs';
import { demoServer, Client, nextTotp } from './lib/auth.mjs';

let srv;
let accountN = 0;
const N = 3;

before(async () => {
  srv = await demoServer({ TRELLIS_TRUST_PROXY: 'true', TRELLIS_LOGIN_MAX_FAILURES: String(N) });
});
after(async () => { await srv?.cleanup(); });

// A new local teacher account (no second factor): { username, password }.
function newAccount(prefix = 'thr') {
  const username = `${prefix}.${process.pid}.${++accountN}`;
  const r = trellis(['admin', 'add-account', '--db', srv.db, '--username', username, '--name', 'Pat Tester', '--role', 'teacher', '--school', 'sch-001']);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const post = (addr, json) => new Client(srv.url, addr).req('/api/v1/session', { method: 'POST', json });
const table = [];
const row = (who, situation, status) => {
  table.push(`| ${who} | ${situation} | ${status === 200 ? 'gets in' : status === 429 ? 'waits (429)' : status} |`);
  return status;
};
after(() => {
  console.log('# who | situation | answer');
  for (const r of table) console.log(`# ${r}`);
});

test('an account attacked from many addresses still lets its owner in from a familiar address', async () => {
  const a = newAccount();
  const home = '198.51.100.10';
  assert.equal((await post(home, a)).status, 200, 'the owner has logged in from home before');
  // five addresses, N failures each: 5 N = 15 failures of the name, none of them home
  for (let k = 1; k <= 5; k++)
    for (let i = 0; i < N; i++)
      assert.equal((await post(`203.0.113.${k}`, { username: a.username, password: `guess-${k}-${i}` })).status, 401);
  // each attacking address waits for this name now
  assert.equal(row('attacker', 'an attacking address, right password', (await post('203.0.113.1', a)).status), 429);
  // a new address of the attacker is not checked either: the account is under attack
  assert.equal(row('anyone', 'account attacked, an address it never logged in from', (await post('203.0.113.77', a)).status), 429);
  // the owner at home: the right password gets in, a wrong one is checked (401, not 429)
  assert.equal((await post(home, { username: a.username, password: 'typo-typo' })).status, 401);
  assert.equal(row('owner', 'account attacked from 5 addresses, owner from home', (await post(home, a)).status), 200,
    'the right password from a familiar address that is not itself throttled is never refused');
});

test('one address spraying many names does not shut out the people behind it who log in from there', async () => {
  const nat = '192.0.2.50';
  const known = newAccount();
  const fresh = newAccount();
  assert.equal((await post(nat, known)).status, 200, 'known has logged in from the school before');
  // password spraying: one guess at each of 10 N names from the school's address
  for (let i = 0; i < 10 * N; i++)
    assert.equal((await post(nat, { username: `nobody-${process.pid}-${i}`, password: 'Spring2025!' })).status, 401);
  const more = await post(nat, { username: `nobody-${process.pid}-x`, password: 'Spring2025!' });
  assert.equal(row('sprayer', 'after 10 N failures over many names', more.status), 429);
  assert.ok(Number(more.headers.get('retry-after')) >= 1);
  assert.equal(row('student behind the NAT', 'address spraying, name logged in from there before', (await post(nat, known)).status), 200);
  assert.equal(row('student behind the NAT', 'address spraying, first login from there', (await post(nat, fresh)).status), 429);
  // the same person elsewhere is not touched by the school's throttle
  assert.equal((await post('198.51.100.20', fresh)).status, 200);
});

test('typos followed by the right password cost the address nothing', async () => {
  const nat = '192.0.2.60';
  const people = [];
  for (let i = 0; i < 10 * N / 2 + 1; i++) people.push(newAccount('typo'));
  // each person mistypes twice (under N) and then logs in: 10 N + 2 failures from one address
  for (const p of people) {
    for (let i = 0; i < 2; i++)
      assert.equal((await post(nat, { username: p.username, password: `${p.password}x${i}` })).status, 401);
    assert.equal((await post(nat, p)).status, 200);
  }
  const late = newAccount('typo');
  assert.equal(row('new student behind the NAT', `after ${people.length * 2} typos there, each followed by a login`, (await post(nat, late)).status), 200);
});

test('parallel attempts: at most N of them are checked', async () => {
  const a = newAccount();
  const addr = '203.0.113.150';
  const answers = await Promise.all(Array.from({ length: 40 }, (_, i) =>
    post(addr, { username: a.username, password: `parallel-guess-${i}` })));
  const checked = answers.filter((r) => r.status === 401).length;
  const refused = answers.filter((r) => r.status === 429).length;
  console.log(`# 40 parallel wrong passwords: ${checked} checked (401), ${refused} refused (429)`);
  assert.equal(checked + refused, 40);
  assert.ok(checked <= N, `at most ${N} checked, not ${checked}`);
  assert.ok(checked >= 1);
  const audit = trellis(['audit', 'show', '--db', srv.db, '--json', '--limit', '100000']);
  const failed = audit.stdout.trim().split('\n').map((x) => JSON.parse(x))
    .filter((e) => e.action === 'login_failed' && e.actor === a.username).length;
  assert.equal(failed, checked, 'each checked attempt is on record, and only those');
});

test('a wrong login card is throttled per address, but the cards of students known there still work', async () => {
  const nat = '192.0.2.70';
  const t = new Client(srv.url, '198.51.100.30');
  assert.equal((await t.login(srv.logins.find((l) => l.username === 'rbianchi6') || srv.login('teacher'))).status, 200);
  const classId = (await t.req('/api/v1/home')).body.classes[0].id;
  const cards = (await t.req(`/api/v1/classes/${classId}/cards`)).body.cards;
  const card = (c) => new Client(srv.url, nat).req('/api/v1/session/card', { method: 'POST', json: { code: c.code } });
  assert.equal((await card(cards[0])).status, 200, 'a student logs in with a card at school');
  for (let i = 0; i < 10 * N; i++)
    assert.equal((await new Client(srv.url, nat).req('/api/v1/session/card', { method: 'POST', json: { code: 'AAAA-BBBB-CCCC' } })).status, 401);
  assert.equal((await new Client(srv.url, nat).req('/api/v1/session/card', { method: 'POST', json: { code: 'AAAA-BBBB-CCCD' } })).status, 429);
  assert.equal(row('student with a card', 'card codes guessed at the school, card used there before', (await card(cards[0])).status), 200);
  assert.equal(row('student with a card', 'card codes guessed at the school, first use there', (await card(cards[1])).status), 429);
});

test('wrong second-factor codes are throttled like passwords: step-up, login step and enrolment', async () => {
  // step-up (POST /api/v1/session/mfa) in a session of the district administrator
  const da = srv.login('district_admin');
  const c = new Client(srv.url, '198.51.100.40');
  assert.equal((await c.login(da)).status, 200);
  const wrong = async (cl, path = '/api/v1/session/mfa') => (await cl.req(path, { method: 'POST', json: { totp: '000000' } }));
  for (let i = 0; i < N; i++) assert.equal((await wrong(c)).status, 400, 'a wrong code');
  const w = await wrong(c);
  assert.equal(row('signed-in administrator', `step-up after ${N} wrong codes`, w.status), 429);
  assert.equal(w.body.code, 'too_many_requests');
  assert.ok(Number(w.headers.get('retry-after')) >= 1);
  await new Promise((r) => setTimeout(r, Number(w.headers.get('retry-after')) * 1000 + 100));
  assert.equal((await c.req('/api/v1/session/mfa', { method: 'POST', json: { totp: await nextTotp(da.totp_secret) } })).status, 204,
    'after the wait the right code works');

  // parallel wrong codes: at most N are checked
  const cn = srv.login('counsellor');
  const d = new Client(srv.url, '198.51.100.41');
  assert.equal((await d.login(cn)).status, 200);
  const answers = await Promise.all(Array.from({ length: 30 }, () => wrong(d)));
  const checked = answers.filter((r) => r.status === 400).length;
  console.log(`# 30 parallel wrong step-up codes: ${checked} checked, ${answers.filter((r) => r.status === 429).length} refused`);
  assert.ok(checked <= N && checked >= 1, `at most ${N} checked, not ${checked}`);

  // the login's second step: the password is right, the codes are wrong
  const sa = srv.login('school_admin');
  const e = new Client(srv.url, '198.51.100.42');
  for (let i = 0; i < N; i++)
    assert.equal((await e.login(sa, { totp: '000000' })).status, 401);
  assert.equal(row('administrator', `login step after ${N} wrong codes`, (await e.login(sa, { totp: '000000' })).status), 429);

  // enrolment: confirming with wrong codes
  const add = trellis(['admin', 'add-account', '--db', srv.db, '--username', `enrol.${process.pid}`, '--name', 'Casey Enrol', '--role', 'counsellor', '--school', 'sch-003']);
  assert.equal(add.status, 0, add.stderr);
  const acct = JSON.parse(add.stdout);
  const f = new Client(srv.url, '198.51.100.43');
  assert.equal((await f.login(acct)).status, 200);
  assert.equal((await f.req('/api/v1/me/totp', { method: 'POST' })).status, 200);
  for (let i = 0; i < N; i++) assert.equal((await wrong(f, '/api/v1/me/totp/confirm')).status, 400);
  assert.equal(row('new counsellor', `enrolment after ${N} wrong codes`, (await wrong(f, '/api/v1/me/totp/confirm')).status), 429);
});

// The LRS's statements side (xAPI 2.0.0 = IEEE 9274.1.1, and 1.0.3): About, the
// Statement resource's PUT/POST/GET, its filters and paging, voiding, the 409/204
// rules, attachments, and the shared layer's version header, 401 and 403.
// Section numbers are xAPI 2.0.0 Part Three (Communication) and Part Two (Data).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createSign, randomUUID, X509Certificate } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, request, trellis, tempDir, sqlShell, BACKEND } from './lib/trellis.mjs';

let srv, all, writer, mine, stateOnly;
const V = { 'X-Experience-API-Version': '2.0.0' };
const basic = (c) => 'Basic ' + Buffer.from(`${c.key}:${c.secret}`).toString('base64');
const client = (scopes) => {
  const r = trellis(['admin', 'add-client', '--db', srv.db, '--name', 'c' + scopes.join(''), ...scopes.flatMap((s) => ['--scope', s])]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
};
const xapi = (cred, path, opts = {}) => request(srv.url, path, {
  ...opts, headers: { ...V, ...(cred ? { authorization: basic(cred) } : {}), ...(opts.headers || {}) },
});

const agent = (n) => ({ objectType: 'Agent', mbox: `mailto:learner${n}@example.org`, name: `Learner ${n}` });
const statement = (n, extra = {}) => ({
  actor: agent(n),
  verb: { id: 'http://adlnet.gov/expapi/verbs/answered', display: { 'en-US': 'answered', 'es': 'respondió' } },
  object: { id: `http://example.org/items/${n % 3}`, definition: { name: { 'en-US': 'Item' } } },
  result: { success: n % 2 === 0, score: { scaled: 0.5 } },
  context: { registration: '6f1c8c3e-0f6b-4d61-a8f7-0b1d4e0c9a11', contextActivities: { parent: [{ id: 'http://example.org/courses/algebra' }] } },
  ...extra,
});

before(async () => {
  srv = await startServer({ env: { TRELLIS_BODY_LIMIT: '1048576' } });
  const r = trellis(['admin', 'add-district', '--db', srv.db, '--sourced-id', 'd-lrs', '--name', 'LRS District']);
  assert.equal(r.status, 0, r.stderr);
  all = client(['all']);
  writer = client(['statements/write']);
  mine = client(['statements/write', 'statements/read/mine']);
  stateOnly = client(['state']);
});
after(async () => { await srv.cleanup(); });

test('About answers without credentials or version header (4.1.7.1)', async () => {
  const r = await request(srv.url, '/xapi/about');
  assert.equal(r.status, 200);
  assert.ok(r.body.version.includes('2.0.0') && r.body.version.includes('1.0.3'));
  assert.ok(r.headers.get('x-experience-api-version'));
});

test('the version header is required and checked (4.1.1 Versioning)', async () => {
  let r = await request(srv.url, '/xapi/statements', { headers: { authorization: basic(all) } });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /X-Experience-API-Version: missing/);
  r = await request(srv.url, '/xapi/statements', { headers: { authorization: basic(all), 'X-Experience-API-Version': '0.9' } });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /'0.9' is not a version/);
  r = await xapi(all, '/xapi/statements', { headers: { 'X-Experience-API-Version': '1.0.3' } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('x-experience-api-version'), '1.0.3');
});

test('no credentials: 401 with WWW-Authenticate; missing scope: 403 (4.1.8 Security)', async () => {
  let r = await xapi(null, '/xapi/statements');
  assert.equal(r.status, 401);
  assert.match(r.headers.get('www-authenticate'), /^Basic /);
  r = await xapi(stateOnly, '/xapi/statements');
  assert.equal(r.status, 403);
  assert.match(r.body.detail, /statements\/read/);
  r = await xapi(stateOnly, '/xapi/statements', { method: 'POST', json: statement(1) });
  assert.equal(r.status, 403);
  r = await xapi(writer, '/xapi/statements');
  assert.equal(r.status, 403, 'statements/write alone does not read');
});

test('HTTP Basic: the scheme in any case; wrong credentials are 401 with WWW-Authenticate, in a header or an alternate-syntax form (4.1.8)', async () => {
  const b64 = Buffer.from(`${all.key}:${all.secret}`).toString('base64');
  for (const scheme of ['Basic', 'basic', 'BASIC']) {
    const r = await request(srv.url, '/xapi/statements?limit=1', { headers: { ...V, authorization: `${scheme} ${b64}` } });
    assert.equal(r.status, 200, `${scheme}: ${r.text}`);
  }
  const wrong = 'Basic ' + Buffer.from(`${all.key}:not-the-secret`).toString('base64');
  let r = await request(srv.url, '/xapi/statements', { headers: { ...V, authorization: wrong } });
  assert.equal(r.status, 401);
  assert.match(r.headers.get('www-authenticate'), /^Basic /);
  r = await request(srv.url, '/xapi/statements', { headers: { ...V, authorization: 'Basic !!!' } });
  assert.equal(r.status, 401);
  const form = new URLSearchParams({ 'X-Experience-API-Version': '1.0.3', Authorization: wrong });
  r = await request(srv.url, '/xapi/statements?method=GET', { method: 'POST', body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(r.status, 401);
  assert.match(r.headers.get('www-authenticate'), /^Basic realm="xapi"/);
  form.set('Authorization', 'Basic ' + b64);
  r = await request(srv.url, '/xapi/statements?method=GET', { method: 'POST', body: form.toString() + '&limit=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(r.status, 200, r.text);
});

test('POST stores one or a batch and answers the ids; GET returns what was stored (4.1.6.1)', async () => {
  let r = await xapi(writer, '/xapi/statements', { method: 'POST', json: statement(1) });
  assert.equal(r.status, 200);
  assert.equal(r.body.length, 1);
  const id = r.body[0];
  r = await xapi(writer, '/xapi/statements', { method: 'POST', json: [statement(2), statement(3)] });
  assert.equal(r.status, 200);
  assert.equal(r.body.length, 2);
  r = await xapi(all, `/xapi/statements?statementId=${id}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.id, id);
  assert.deepEqual(r.body.actor, agent(1));
  // the LRS sets stored, timestamp, authority and version (Part Two 2.4)
  assert.match(r.body.stored, /Z$/);
  assert.equal(r.body.timestamp, r.body.stored);
  assert.equal(r.body.authority.objectType, 'Agent');
  assert.equal(r.body.version, '2.0.0');
  assert.ok(r.headers.get('x-experience-api-consistent-through'));
  assert.ok(r.headers.get('last-modified'));
});

test('PUT needs statementId; 204; an identical resend is 204, a different one 409 (4.1.6.1)', async () => {
  const id = randomUUID();
  let r = await xapi(writer, '/xapi/statements', { method: 'PUT', json: statement(4) });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /statementId: required/);
  r = await xapi(writer, `/xapi/statements?statementId=${id}`, { method: 'PUT', json: statement(4) });
  assert.equal(r.status, 204);
  r = await xapi(writer, `/xapi/statements?statementId=${id}`, { method: 'PUT', json: statement(4) });
  assert.equal(r.status, 204, 'the same statement again changes nothing');
  r = await xapi(writer, `/xapi/statements?statementId=${id}`, { method: 'PUT', json: statement(5) });
  assert.equal(r.status, 409);
  r = await xapi(writer, '/xapi/statements', { method: 'POST', json: { ...statement(6), id } });
  assert.equal(r.status, 409);
  r = await xapi(writer, `/xapi/statements?statementId=${randomUUID()}`, { method: 'PUT', json: { ...statement(4), id } });
  assert.equal(r.status, 400, 'the body id must equal statementId');
});

test('bad statements are 400 naming the rule, and nothing of the batch is stored (Part Two 2.4)', async () => {
  const cases = [
    [{ verb: statement(1).verb, object: statement(1).object }, /statement: actor is required/],
    [{ ...statement(1), actor: { mbox: 'learner@example.org' } }, /statement.actor: mbox must be a mailto/],
    [{ ...statement(1), actor: { mbox: 'mailto:a@b.c', openid: 'http://x.y/' } }, /exactly one of mbox/],
    [{ ...statement(1), verb: { id: 'not an iri' } }, /statement.verb.id: must be an absolute IRI/],
    [{ ...statement(1), result: { score: { scaled: 1.5 } } }, /scaled must be between -1 and 1/],
    [{ ...statement(1), timestamp: '2024-01-01T00:00:00-00:00' }, /timestamp/],
    [{ ...statement(1), id: 'nope' }, /id must be a UUID/],
    [{ ...statement(1), extra: 1 }, /'extra' is not a property here/],
    [{ ...statement(1), context: { registration: 'x' } }, /registration must be a UUID/],
    [{ ...statement(1), verb: { id: 'http://adlnet.gov/expapi/verbs/voided' } }, /voiding statement's object must be a StatementRef/],
  ];
  const before = await xapi(all, '/xapi/statements?limit=500');
  for (const [st, re] of cases) {
    const r = await xapi(writer, '/xapi/statements', { method: 'POST', json: [statement(9), st] });
    assert.equal(r.status, 400, JSON.stringify(st));
    assert.match(r.body.detail, re);
  }
  let r = await xapi(writer, '/xapi/statements', { method: 'POST', body: '{"actor":', headers: { 'content-type': 'application/json' } });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /invalid JSON/);
  r = await xapi(writer, '/xapi/statements', { method: 'POST', json: [statement(9), { ...statement(9), id: undefined }].map((s, i) => ({ ...s, id: '11111111-1111-4111-8111-111111111111' })) });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /ids in one request must differ/);
  const after = await xapi(all, '/xapi/statements?limit=500');
  assert.equal(after.body.statements.length, before.body.statements.length, 'nothing stored');
});

test('bad UTF-8 is 400 and an oversize body 413, nothing stored (issue 5 "Bad input")', async () => {
  const good = Buffer.from(JSON.stringify(statement(90)));
  const bad = Buffer.concat([good.subarray(0, 20), Buffer.from([0xff, 0xfe]), good.subarray(20)]);
  let r = await xapi(writer, '/xapi/statements', { method: 'POST', body: bad, headers: { 'content-type': 'application/json' } });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /invalid JSON/);
  const big = JSON.stringify(Array.from({ length: 3000 }, (_, i) => statement(i)));
  assert.ok(big.length > 1048576);
  r = await xapi(writer, '/xapi/statements', { method: 'POST', body: big, headers: { 'content-type': 'application/json' } });
  assert.equal(r.status, 413);
  assert.match(r.body.detail, /larger than the limit/);
  r = await xapi(writer, '/xapi/statements', { method: 'POST', body: '{}', headers: { 'content-type': 'text/plain' } });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /Content-Type/);
});

test('filters: agent, verb, activity, registration, related_*, since/until, ascending (4.1.6.1)', async () => {
  const reg = randomUUID();
  const ids = [];
  for (let n = 10; n < 16; n++) {
    const st = statement(n, { context: { registration: reg, contextActivities: { parent: [{ id: 'http://example.org/courses/geometry' }] } } });
    if (n === 15) st.verb = { id: 'http://adlnet.gov/expapi/verbs/completed' };
    const r = await xapi(writer, '/xapi/statements', { method: 'POST', json: st });
    ids.push(r.body[0]);
  }
  const q = async (params) => {
    const r = await xapi(all, '/xapi/statements?' + new URLSearchParams(params));
    assert.equal(r.status, 200, r.text);
    return r.body.statements.map((s) => s.id);
  };
  assert.deepEqual(await q({ agent: JSON.stringify({ mbox: 'mailto:learner12@example.org' }) }), [ids[2]]);
  assert.deepEqual(await q({ registration: reg }), [...ids].reverse(), 'newest first');
  assert.deepEqual(await q({ registration: reg, ascending: 'true' }), ids);
  assert.deepEqual(await q({ registration: reg, verb: 'http://adlnet.gov/expapi/verbs/completed' }), [ids[5]]);
  assert.deepEqual(await q({ registration: reg, activity: 'http://example.org/items/1' }), [ids[3], ids[0]]);
  assert.deepEqual(await q({ registration: reg, activity: 'http://example.org/courses/geometry' }), []);
  assert.equal((await q({ registration: reg, activity: 'http://example.org/courses/geometry', related_activities: 'true' })).length, 6);
  const first = await xapi(all, `/xapi/statements?statementId=${ids[0]}`);
  const last = await xapi(all, `/xapi/statements?statementId=${ids[5]}`);
  const since = new Date(Date.parse(first.body.stored) - 1).toISOString();
  assert.equal((await q({ registration: reg, since })).length, 6);
  assert.deepEqual(await q({ registration: reg, since: last.body.stored }), []);
  const until = await q({ registration: reg, until: first.body.stored });
  assert.ok(until.includes(ids[0]));
  if (last.body.stored !== first.body.stored) assert.ok(!until.includes(ids[5]));
  let r = await xapi(all, '/xapi/statements?agent=notjson');
  assert.equal(r.status, 400);
  r = await xapi(all, '/xapi/statements?bogus=1');
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /bogus: not a parameter/);
  r = await xapi(all, `/xapi/statements?statementId=${ids[0]}&verb=http://x.y/z`);
  assert.equal(r.status, 400);
});

test('limit and the more link page through a stable cursor (4.1.6.1 StatementResult)', async () => {
  const reg = randomUUID();
  for (let i = 0; i < 7; i++)
    await xapi(writer, '/xapi/statements', { method: 'POST', json: statement(20 + i, { context: { registration: reg } }) });
  const seen = [];
  let path = '/xapi/statements?' + new URLSearchParams({ registration: reg, limit: '3' });
  for (let pages = 0; path && pages < 10; pages++) {
    const r = await xapi(all, path);
    assert.equal(r.status, 200);
    seen.push(...r.body.statements.map((s) => s.id));
    // a statement stored meanwhile does not shift the pages
    if (pages === 0) await xapi(writer, '/xapi/statements', { method: 'POST', json: statement(30, { context: { registration: reg } }) });
    path = r.body.more;
  }
  assert.equal(seen.length, 7);
  assert.equal(new Set(seen).size, 7);
});

test('voiding: the target is gone from queries and statementId, found by voidedStatementId (Part Two 2.3.2)', async () => {
  const target = (await xapi(writer, '/xapi/statements', { method: 'POST', json: statement(40) })).body[0];
  const voiding = {
    actor: agent(40), verb: { id: 'http://adlnet.gov/expapi/verbs/voided', display: { 'en-US': 'voided' } },
    object: { objectType: 'StatementRef', id: target },
  };
  const vid = (await xapi(writer, '/xapi/statements', { method: 'POST', json: voiding })).body[0];
  let r = await xapi(all, `/xapi/statements?statementId=${target}`);
  assert.equal(r.status, 404);
  r = await xapi(all, `/xapi/statements?voidedStatementId=${target}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.id, target);
  r = await xapi(all, `/xapi/statements?voidedStatementId=${vid}`);
  assert.equal(r.status, 404, 'the voiding statement is not voided');
  const ag = JSON.stringify({ mbox: 'mailto:learner40@example.org' });
  r = await xapi(all, '/xapi/statements?' + new URLSearchParams({ agent: ag }));
  assert.deepEqual(r.body.statements.map((s) => s.id), [vid], 'the voiding statement, not the voided one');
});

test('voiding a voiding statement is refused, and the first void stands (Part Two 2.3.2)', async () => {
  const target = randomUUID(), voiding = randomUUID();
  const voids = (id, ref) => ({ id, actor: agent(1), verb: { id: 'http://adlnet.gov/expapi/verbs/voided' }, object: { objectType: 'StatementRef', id: ref } });
  let r = await xapi(writer, '/xapi/statements', { method: 'POST', json: statement(120, { id: target }) });
  assert.equal(r.status, 200, r.text);
  r = await xapi(writer, '/xapi/statements', { method: 'POST', json: voids(voiding, target) });
  assert.equal(r.status, 200, r.text);
  // a statement that voids the voiding statement: refused, nothing stored
  const again = randomUUID();
  r = await xapi(writer, '/xapi/statements', { method: 'POST', json: voids(again, voiding) });
  assert.equal(r.status, 400, r.text);
  assert.match(r.body.detail, /voiding statement cannot be voided/);
  r = await xapi(writer, `/xapi/statements?statementId=${again}`, { method: 'PUT', json: voids(again, voiding.toUpperCase()) });
  assert.equal(r.status, 400, 'PUT too, whatever the case of the id');
  // the same inside one request: the second statement voids the first, which voids another
  const t2 = randomUUID(), v2 = randomUUID(), v3 = randomUUID();
  r = await xapi(writer, '/xapi/statements', { method: 'POST', json: statement(121, { id: t2 }) });
  assert.equal(r.status, 200, r.text);
  r = await xapi(writer, '/xapi/statements', { method: 'POST', json: [voids(v3, v2), voids(v2, t2)] });
  assert.equal(r.status, 400, r.text);
  assert.match(r.body.detail, /statements\[0\].*voiding statement cannot be voided/);
  for (const id of [again, v2, v3]) {
    r = await xapi(all, `/xapi/statements?statementId=${id}`);
    assert.equal(r.status, 404, `${id}: nothing of a refused request is stored`);
  }
  // the first void stands: the target stays voided, the voiding statement retrievable
  r = await xapi(all, `/xapi/statements?statementId=${target}`);
  assert.equal(r.status, 404);
  r = await xapi(all, `/xapi/statements?voidedStatementId=${target}`);
  assert.equal(r.status, 200);
  r = await xapi(all, `/xapi/statements?statementId=${voiding}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.object.id, target);
  r = await xapi(all, `/xapi/statements?statementId=${t2}`);
  assert.equal(r.status, 200, 'the refused batch voided nothing');
});

test('statements/read/mine reads only the client\'s own statements', async () => {
  const own = (await xapi(mine, '/xapi/statements', { method: 'POST', json: statement(50) })).body[0];
  const other = (await xapi(writer, '/xapi/statements', { method: 'POST', json: statement(51) })).body[0];
  let r = await xapi(mine, '/xapi/statements?limit=500');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.statements.map((s) => s.id), [own]);
  r = await xapi(mine, `/xapi/statements?statementId=${other}`);
  assert.equal(r.status, 404);
});

test('formats: ids keeps identifiers only; canonical one language (4.1.6.1 format)', async () => {
  const id = (await xapi(writer, '/xapi/statements', { method: 'POST', json: statement(60) })).body[0];
  let r = await xapi(all, `/xapi/statements?statementId=${id}&format=ids`);
  assert.deepEqual(r.body.actor, { objectType: 'Agent', mbox: 'mailto:learner60@example.org' });
  assert.deepEqual(r.body.verb, { id: 'http://adlnet.gov/expapi/verbs/answered' });
  assert.deepEqual(r.body.object, { id: 'http://example.org/items/0' });
  r = await xapi(all, `/xapi/statements?statementId=${id}&format=canonical`, { headers: { 'Accept-Language': 'es' } });
  assert.deepEqual(r.body.verb.display, { es: 'respondió' });
});

test('attachments: multipart/mixed in, checked by SHA-256, and out with attachments=true (4.1.6.1)', async () => {
  const content = Buffer.from('a certificate of completion\n');
  const sha2 = createHash('sha256').update(content).digest('hex');
  const st = statement(70, { attachments: [{ usageType: 'http://example.org/certificate', display: { en: 'Certificate' }, contentType: 'text/plain', length: content.length, sha2 }] });
  const mp = (hash, body = content) => {
    const b = 'xyzBOUNDARYzyx';
    return {
      headers: { 'content-type': `multipart/mixed; boundary=${b}` },
      body: Buffer.concat([Buffer.from(`--${b}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(st)}\r\n--${b}\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: ${hash}\r\n\r\n`), body, Buffer.from(`\r\n--${b}--\r\n`)]),
    };
  };
  let r = await xapi(writer, '/xapi/statements', { method: 'POST', json: st });
  assert.equal(r.status, 400, 'the attachment\'s content is missing');
  assert.match(r.body.detail, /no part of the request has sha2/);
  r = await xapi(writer, '/xapi/statements', { method: 'POST', ...mp(sha2, Buffer.from('tampered')) });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /does not have the SHA-2 hash/);
  r = await xapi(writer, '/xapi/statements', { method: 'POST', ...mp(sha2) });
  assert.equal(r.status, 200, r.text);
  const id = r.body[0];
  r = await xapi(all, `/xapi/statements?statementId=${id}&attachments=true`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^multipart\/mixed; boundary=/);
  assert.ok(r.text.includes('X-Experience-API-Hash: ' + sha2));
  assert.ok(r.text.includes(content.toString()));
  r = await xapi(all, '/xapi/statements', { method: 'POST', body: '--x\r\nbroken', headers: { 'content-type': 'multipart/mixed; boundary=x' } });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /multipart/);
});

// One statement with one attachment sent as multipart/mixed: the part's bytes and the
// hash it claims (in the statement's sha2 and the part's X-Experience-API-Hash).
const withAttachment = (n, hash, bytes, extra = {}) => {
  const st = statement(n, { attachments: [{ usageType: 'http://example.org/essay', display: { en: 'Essay' }, contentType: 'text/plain', length: bytes.length, sha2: hash }], ...extra });
  const b = 'hashBOUNDARY';
  return {
    method: 'POST',
    headers: { 'content-type': `multipart/mixed; boundary=${b}` },
    body: Buffer.concat([Buffer.from(`--${b}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(st)}\r\n--${b}\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: ${hash}\r\n\r\n`), bytes, Buffer.from(`\r\n--${b}--\r\n`)]),
  };
};

test('attachments: every SHA-2 length (224, 256, 384, 512) is verified; a mismatch is 400 naming the part (4.1.6.1, Part Two 2.4.11)', async () => {
  for (const alg of ['sha224', 'sha256', 'sha384', 'sha512']) {
    const real = Buffer.from(`the real essay, hashed with ${alg}\n`);
    const hash = createHash(alg).update(real).digest('hex');
    let r = await xapi(writer, '/xapi/statements', withAttachment(110, hash, Buffer.from('other bytes')));
    assert.equal(r.status, 400, `${alg}: content that does not have its hash is refused (${r.text})`);
    assert.match(r.body.detail, /part 2/, alg);
    assert.ok(r.body.detail.includes(hash.slice(0, 16)), `${alg}: the detail names the part's hash`);
    r = await xapi(writer, '/xapi/statements', withAttachment(110, hash, real));
    assert.equal(r.status, 200, `${alg}: ${r.text}`);
    r = await xapi(all, `/xapi/statements?statementId=${r.body[0]}&attachments=true`);
    assert.equal(r.status, 200);
    assert.ok(r.text.includes(real.toString()), `${alg}: the stored content comes back`);
  }
});

test('attachments: content stored under a hash cannot be poisoned by another client', async () => {
  const other = client(['statements/write']);
  for (const alg of ['sha224', 'sha384', 'sha256']) {
    const real = Buffer.from(`a learner's real essay (${alg}) ${randomUUID()}\n`);
    const fake = Buffer.from(`<script>poisoned (${alg})</script>`);
    const hash = createHash(alg).update(real).digest('hex');
    // first a second client claims the hash with other bytes, in either case of hex
    let r = await xapi(other, '/xapi/statements', withAttachment(111, hash, fake));
    assert.equal(r.status, 400, `${alg}: poisoning attempt refused (${r.text})`);
    r = await xapi(other, '/xapi/statements', withAttachment(111, hash.toUpperCase(), fake));
    assert.equal(r.status, 400, `${alg}: poisoning attempt in upper case refused (${r.text})`);
    // then the real owner stores the real content, and reads back exactly it
    r = await xapi(writer, '/xapi/statements', withAttachment(112, hash, real));
    assert.equal(r.status, 200, r.text);
    const id = r.body[0];
    // a later sender of the same hash (upper case this time) changes nothing either
    r = await xapi(other, '/xapi/statements', withAttachment(113, hash.toUpperCase(), fake));
    assert.equal(r.status, 400);
    r = await xapi(all, `/xapi/statements?statementId=${id}&attachments=true`);
    assert.equal(r.status, 200);
    assert.ok(r.text.includes(real.toString()), `${alg}: the owner's statement points to the real content`);
    assert.ok(!r.text.includes('poisoned'), `${alg}: and never to the poisoned bytes`);
  }
  // a row poisoned before every length was checked (written here directly) is replaced by the
  // next upload that proves its hash, never served in its place
  const real = Buffer.from(`an essay stored over a legacy row ${randomUUID()}`);
  const hash = createHash('sha384').update(real).digest('hex');
  const bad = Buffer.from('legacy poisoned bytes').toString('hex');
  sqlShell(srv.db, `INSERT INTO lrs_attachments (district_id, sha2, content_type, content) SELECT id, '${hash}', 'text/html', ${BACKEND === 'sqlite' ? `X'${bad}'` : `decode('${bad}', 'hex')`} FROM districts WHERE sourced_id = 'd-lrs'`);
  let r = await xapi(writer, '/xapi/statements', withAttachment(114, hash, real));
  assert.equal(r.status, 200, r.text);
  r = await xapi(all, `/xapi/statements?statementId=${r.body[0]}&attachments=true`);
  assert.ok(r.text.includes(real.toString()) && !r.text.includes('legacy poisoned'));
});

test('the 1.0.3 alternate request syntax works for 1.0.3 and is refused for 2.0.0', async () => {
  const form = new URLSearchParams({
    'X-Experience-API-Version': '1.0.3', Authorization: basic(all), 'Content-Type': 'application/json',
    content: JSON.stringify(statement(80)),
  });
  let r = await request(srv.url, '/xapi/statements?method=PUT', { method: 'POST', body: form.toString() + `&statementId=${randomUUID()}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(r.status, 204, r.text);
  form.set('X-Experience-API-Version', '2.0.0');
  r = await request(srv.url, '/xapi/statements?method=GET', { method: 'POST', body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(r.status, 400);
});

test('signed statements: RS256 with an x5c certificate verifies; a wrong signature, payload or alg is 400 (Part Two 2.6)', async (t) => {
  const dir = tempDir('trellis-jws-');
  const gen = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-subj', '/CN=trellis-test', '-days', '1'], { encoding: 'utf8' });
  if (gen.error || gen.status !== 0) { t.skip('openssl is not installed'); return; }
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const key = readFileSync(join(dir, 'k.pem'), 'utf8');
  const x5c = [new X509Certificate(readFileSync(join(dir, 'c.pem'))).raw.toString('base64')];
  const b64u = (b) => Buffer.from(b).toString('base64url');
  const sign = (st, { alg = 'RS256', payload = st, breakSig = false } = {}) => {
    const input = b64u(JSON.stringify({ alg, x5c })) + '.' + b64u(JSON.stringify(payload));
    let sig = createSign('RSA-SHA256').update(input).sign(key);
    if (breakSig) sig[10] ^= 1;
    return input + '.' + b64u(sig);
  };
  const post = async (st, jws) => {
    const body = { ...st, attachments: [{ usageType: 'http://adlnet.gov/expapi/attachments/signature', display: { 'en-US': 'signature' }, contentType: 'application/octet-stream', length: jws.length, sha2: createHash('sha256').update(jws).digest('hex') }] };
    const b = 'sigBOUNDARY';
    return xapi(writer, '/xapi/statements', {
      method: 'POST', headers: { 'content-type': `multipart/mixed; boundary=${b}` },
      body: `--${b}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(body)}\r\n--${b}\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: ${createHash('sha256').update(jws).digest('hex')}\r\n\r\n${jws}\r\n--${b}--\r\n`,
    });
  };
  const st = statement(95, { id: randomUUID() });
  let r = await post(st, sign(st));
  assert.equal(r.status, 200, r.text);
  const st2 = statement(96, { id: randomUUID() });
  r = await post(st2, sign(st2, { breakSig: true }));
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /does not verify/);
  r = await post(st2, sign(st2, { payload: statement(97) }));
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /payload differs/);
  r = await post(st2, sign(st2, { alg: 'HS256' }));
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /alg HS256/);
  r = await post(st2, 'not-a-jws');
  assert.equal(r.status, 400);
});

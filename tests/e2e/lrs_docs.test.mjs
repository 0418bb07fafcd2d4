// xAPI document resources: Activity State, Activity Profile, Agent Profile, and the
// Activities and Agents resources. Test names cite xAPI 1.0.3 ("Communication N")
// and 2.0.0 / IEEE 9274.1.1 ("4.1.x") sections.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { startServer, request, trellis, sqlShell, dumpDb, BACKEND } from './lib/trellis.mjs';

let srv, all, stateOnly, stmtOnly;
before(async () => {
  srv = await startServer();
  let r = trellis(['admin', 'add-district', '--db', srv.db, '--sourced-id', 'd-docs', '--name', 'Docs District']);
  assert.equal(r.status, 0, r.stderr);
  const add = (scopes) => {
    const res = trellis(['admin', 'add-client', '--db', srv.db, '--name', 'c' + scopes.join(), ...scopes.flatMap((s) => ['--scope', s])]);
    assert.equal(res.status, 0, res.stderr);
    return JSON.parse(res.stdout);
  };
  all = add(['all']);
  stateOnly = add(['state']);
  stmtOnly = add(['statements/write']);
});
after(async () => { await srv.cleanup(); });

const basic = (c) => 'Basic ' + Buffer.from(`${c.key}:${c.secret}`).toString('base64');
const agent = { objectType: 'Agent', mbox: 'mailto:learner@example.com' };
const act = 'http://example.com/activities/quiz-1';
const sha1 = (s) => createHash('sha1').update(s).digest('hex');

function xapi(path, { method = 'GET', version = '2.0.0', client = all, params = {}, body, json, headers = {} } = {}) {
  const q = new URLSearchParams(params).toString();
  const h = { 'x-experience-api-version': version, authorization: basic(client), ...headers };
  if (version === null) delete h['x-experience-api-version'];
  return request(srv.url, path + (q ? '?' + q : ''), { method, body, json, headers: h });
}

const stateParams = (stateId, extra = {}) => ({ activityId: act, agent: JSON.stringify(agent), stateId, ...extra });

test('Communication 2.3 / 4.1.6.2: PUT then GET a state document, ETag is the quoted SHA-1 (Communication 3.1)', async () => {
  const doc = '{"progress":3}';
  let r = await xapi('/xapi/activities/state', { method: 'PUT', params: stateParams('s1'), body: doc, headers: { 'content-type': 'application/json' } });
  assert.equal(r.status, 204, r.text);
  r = await xapi('/xapi/activities/state', { params: stateParams('s1') });
  assert.equal(r.status, 200);
  assert.equal(r.text, doc);
  assert.equal(r.headers.get('etag'), `"${sha1(doc)}"`);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.ok(r.headers.get('last-modified'), 'Communication 2.2: Last-Modified on a single document');
  assert.equal(r.headers.get('x-experience-api-version'), '2.0.0');
});

test('Communication 2.3: a binary document keeps its content type and bytes', async () => {
  const bytes = Buffer.from([0, 1, 2, 255, 254, 0, 7]);
  let r = await xapi('/xapi/activities/state', { method: 'PUT', params: stateParams('bin'), body: bytes, headers: { 'content-type': 'application/octet-stream' } });
  assert.equal(r.status, 204, r.text);
  const res = await fetch(srv.url + '/xapi/activities/state?' + new URLSearchParams(stateParams('bin')), { headers: { 'x-experience-api-version': '2.0.0', authorization: basic(all) } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/octet-stream');
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes);
});

test('Communication 2.2 JSON Procedure: POST merges top-level properties; nested objects are replaced whole', async () => {
  const p = stateParams('merge');
  let r = await xapi('/xapi/activities/state', { method: 'POST', params: p, json: { x: 'foo', y: 'bar', o: { a: 1, b: 2 } } });
  assert.equal(r.status, 204, r.text);
  r = await xapi('/xapi/activities/state', { method: 'POST', params: p, json: { x: 'bash', z: 'faz', o: { b: 3 } } });
  assert.equal(r.status, 204, r.text);
  r = await xapi('/xapi/activities/state', { params: p });
  assert.deepEqual(r.body, { x: 'bash', y: 'bar', z: 'faz', o: { b: 3 } });
});

test('Communication 2.2: POST that is not a JSON object, or JSON onto non-JSON, is 400 and changes nothing', async () => {
  const p = stateParams('mixed');
  let r = await xapi('/xapi/activities/state', { method: 'PUT', params: p, body: 'plain text', headers: { 'content-type': 'text/plain' } });
  assert.equal(r.status, 204);
  r = await xapi('/xapi/activities/state', { method: 'POST', params: p, json: { a: 1 } });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /JSON Procedure/);
  r = await xapi('/xapi/activities/state', { method: 'POST', params: stateParams('m2'), body: '[1,2]', headers: { 'content-type': 'application/json' } });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /must be a JSON object/);
  r = await xapi('/xapi/activities/state', { method: 'POST', params: stateParams('m3'), body: '{bad', headers: { 'content-type': 'application/json' } });
  assert.equal(r.status, 400);
  r = await xapi('/xapi/activities/state', { params: p });
  assert.equal(r.text, 'plain text');
  r = await xapi('/xapi/activities/state', { params: stateParams('m2') });
  assert.equal(r.status, 404);
});

test('Communication 2.3: registration separates documents; the ids list and since filter', async () => {
  const reg = '6f1f4a3c-3f1e-4c1b-9a7e-0c7d7c0e7b11';
  const a2 = JSON.stringify({ mbox: 'mailto:ids@example.com' });
  const p = (extra) => ({ activityId: act, agent: a2, ...extra });
  let r = await xapi('/xapi/activities/state', { method: 'PUT', params: p({ stateId: 'a' }), json: { n: 1 } });
  assert.equal(r.status, 204);
  await new Promise((res) => setTimeout(res, 20));
  const mid = new Date().toISOString();
  await new Promise((res) => setTimeout(res, 20));
  r = await xapi('/xapi/activities/state', { method: 'PUT', params: p({ stateId: 'b', registration: reg }), json: { n: 2 } });
  assert.equal(r.status, 204);
  r = await xapi('/xapi/activities/state', { params: p({}) });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.sort(), ['a', 'b'], 'without registration: every registration');
  assert.ok(r.headers.get('last-modified'));
  assert.ok(r.headers.get('etag'));
  r = await xapi('/xapi/activities/state', { params: p({ registration: reg }) });
  assert.deepEqual(r.body, ['b']);
  r = await xapi('/xapi/activities/state', { params: p({ since: mid }) });
  assert.deepEqual(r.body, ['b'], 'since is exclusive and filters by update time');
  r = await xapi('/xapi/activities/state', { params: p({ stateId: 'b' }) });
  assert.equal(r.status, 404, 'a registration-less GET does not find a registration\'s document');
  r = await xapi('/xapi/activities/state', { params: p({ stateId: 'b', registration: reg.toUpperCase() }) });
  assert.equal(r.status, 200, 'registration UUIDs compare case-insensitively');
  // DELETE many with a registration deletes only that registration's documents
  r = await xapi('/xapi/activities/state', { method: 'DELETE', params: p({ registration: reg }) });
  assert.equal(r.status, 204);
  r = await xapi('/xapi/activities/state', { params: p({}) });
  assert.deepEqual(r.body, ['a']);
  r = await xapi('/xapi/activities/state', { method: 'DELETE', params: p({}) });
  assert.equal(r.status, 204);
  r = await xapi('/xapi/activities/state', { params: p({}) });
  assert.deepEqual(r.body, []);
});

test('Communication 2.3: bad or missing parameters are 400 naming the parameter and the rule', async () => {
  const cases = [
    [{ agent: JSON.stringify(agent), stateId: 'x' }, /activityId: required/],
    [{ activityId: 'not an iri', agent: JSON.stringify(agent), stateId: 'x' }, /activityId: must be an IRI/],
    [{ activityId: act, stateId: 'x' }, /agent: required/],
    [{ activityId: act, agent: 'not JSON', stateId: 'x' }, /agent: must be a JSON Agent/],
    [{ activityId: act, agent: '{"name":"x"}', stateId: 'x' }, /exactly one inverse functional identifier/],
    [{ activityId: act, agent: JSON.stringify(agent), stateId: 'x', registration: 'true' }, /registration: must be a UUID/],
    [{ activityId: act, agent: JSON.stringify(agent), stateId: 'x', bogus: '1' }, /bogus: not a parameter/],
  ];
  for (const [params, re] of cases) {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const r = await xapi('/xapi/activities/state', { method, params, json: method === 'PUT' ? {} : undefined });
      assert.equal(r.status, 400, `${method} ${JSON.stringify(params)}`);
      assert.match(r.body.detail, re);
    }
  }
  let r = await xapi('/xapi/activities/state', { method: 'PUT', params: { activityId: act, agent: JSON.stringify(agent) }, json: {} });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /stateId: required/);
  r = await xapi('/xapi/activities/state', { params: stateParams('x', { since: 'yesterday' }) });
  assert.equal(r.status, 400);
  r = await xapi('/xapi/activities/state', { params: { activityId: act, agent: JSON.stringify(agent), since: 'yesterday' } });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /since: must be an ISO 8601 timestamp/);
});

test('4.1.4 Concurrency: If-Match with a wrong ETag is 412 and changes nothing; the right one is 204', async () => {
  for (const [path, params] of [
    ['/xapi/activities/state', stateParams('cc')],
    ['/xapi/activities/profile', { activityId: act, profileId: 'cc' }],
    ['/xapi/agents/profile', { agent: JSON.stringify(agent), profileId: 'cc' }],
  ]) {
    let r = await xapi(path, { method: 'POST', params, json: { name: 'one' } });
    assert.equal(r.status, 204, `${path}: ${r.text}`);
    r = await xapi(path, { params });
    const tag = r.headers.get('etag');
    for (const method of ['PUT', 'POST', 'DELETE']) {
      r = await xapi(path, { method, params, json: method === 'DELETE' ? undefined : { name: 'two' }, headers: { 'if-match': '"1234"' } });
      assert.equal(r.status, 412, `${method} ${path}`);
    }
    r = await xapi(path, { params });
    assert.deepEqual(r.body, { name: 'one' });
    r = await xapi(path, { method: 'PUT', params, json: { name: 'two' }, headers: { 'if-match': tag } });
    assert.equal(r.status, 204);
    assert.equal(r.headers.get('etag'), `"${sha1('{"name":"two"}')}"`);
    r = await xapi(path, { params });
    const tag2 = r.headers.get('etag');
    r = await xapi(path, { method: 'DELETE', params, headers: { 'if-match': tag } });
    assert.equal(r.status, 412, 'the old ETag no longer matches');
    r = await xapi(path, { method: 'DELETE', params, headers: { 'if-match': tag2 } });
    assert.equal(r.status, 204);
    r = await xapi(path, { params });
    assert.equal(r.status, 404);
  }
});

test('Communication 3.1: If-None-Match: * creates only when absent (412 when present)', async () => {
  const params = { activityId: act, profileId: 'inm' };
  let r = await xapi('/xapi/activities/profile', { method: 'PUT', params, json: { v: 1 }, headers: { 'if-none-match': '*' } });
  assert.equal(r.status, 204);
  r = await xapi('/xapi/activities/profile', { method: 'PUT', params, json: { v: 2 }, headers: { 'if-none-match': '*' } });
  assert.equal(r.status, 412);
  r = await xapi('/xapi/activities/profile', { params });
  assert.deepEqual(r.body, { v: 1 });
  r = await xapi('/xapi/activities/profile', { method: 'PUT', params, json: { v: 3 }, headers: { 'if-match': 'garbage' } });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /If-Match: must be/);
});

test('Communication 3.1 / 4.1.4: PUT without If-Match or If-None-Match over an existing document is 409 (profiles always; State in 2.0.0 only)', async () => {
  const cases = [
    ['/xapi/activities/profile', { activityId: act, profileId: 'c409' }, '1.0.3', 409],
    ['/xapi/agents/profile', { agent: JSON.stringify(agent), profileId: 'c409' }, '1.0.3', 409],
    ['/xapi/activities/profile', { activityId: act, profileId: 'c409b' }, '2.0.0', 409],
    ['/xapi/activities/state', stateParams('c409'), '2.0.0', 409],
    ['/xapi/activities/state', stateParams('c409-103'), '1.0.3', 204],
  ];
  for (const [path, params, version, want] of cases) {
    const profile103 = version === '1.0.3' && !path.endsWith('state');
    let r = await xapi(path, { method: 'PUT', params, version, json: { v: 1 }, headers: profile103 ? { 'if-none-match': '*' } : {} });
    assert.equal(r.status, 204, 'a new document: no header needed (1.0.3 profiles: If-None-Match)');
    r = await xapi(path, { method: 'PUT', params, version, json: { v: 2 } });
    assert.equal(r.status, want, `${version} ${path}`);
    if (want === 409) {
      assert.match(r.body.detail, /If-Match/, 'the answer explains how to resolve the conflict');
      r = await xapi(path, { params, version });
      assert.deepEqual(r.body, { v: 1 }, 'not modified');
    }
    r = await xapi(path, { method: 'POST', params, version, json: { w: 1 } });
    assert.equal(r.status, 204, 'POST without headers merges');
  }
});

test('Communication 3.1 (1.0.3): a PUT to a profile resource without If-Match or If-None-Match is 400, even for a new document', async () => {
  for (const [path, params] of [
    ['/xapi/activities/profile', { activityId: act, profileId: 'nohdr' }],
    ['/xapi/agents/profile', { agent: JSON.stringify(agent), profileId: 'nohdr' }],
  ]) {
    let r = await xapi(path, { method: 'PUT', params, version: '1.0.3', json: { v: 1 } });
    assert.equal(r.status, 400, path);
    assert.match(r.body.detail, /If-None-Match: \* to create/);
    r = await xapi(path, { params, version: '1.0.3' });
    assert.equal(r.status, 404, 'nothing stored');
    r = await xapi(path, { method: 'PUT', params, version: '2.0.0', json: { v: 1 } });
    assert.equal(r.status, 204, '2.0.0 accepts it for a new document');
  }
});

test('Communication 2.6 / 2.7: profile id lists with since; the Activity Profile takes no agent', async () => {
  const agentJ = JSON.stringify({ account: { homePage: 'https://idp.example', name: 'u-42' } });
  let r = await xapi('/xapi/agents/profile', { method: 'PUT', params: { agent: agentJ, profileId: 'p1' }, json: { a: 1 } });
  assert.equal(r.status, 204);
  r = await xapi('/xapi/agents/profile', { method: 'PUT', params: { agent: agentJ, profileId: 'p2' }, json: { a: 2 } });
  assert.equal(r.status, 204);
  r = await xapi('/xapi/agents/profile', { params: { agent: agentJ } });
  assert.deepEqual(r.body, ['p1', 'p2']);
  r = await xapi('/xapi/agents/profile', { params: { agent: agentJ, since: '2999-01-01T00:00:00Z' } });
  assert.deepEqual(r.body, []);
  r = await xapi('/xapi/activities/profile', { params: { activityId: act, agent: agentJ } });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /agent: not a parameter/);
  r = await xapi('/xapi/agents/profile', { method: 'DELETE', params: { agent: agentJ } });
  assert.equal(r.status, 400, 'profiles have no delete-all');
  assert.match(r.body.detail, /profileId: required/);
});

test('4.1.6: scopes: a state-only client reads and writes State but not profiles; statements/write neither', async () => {
  let r = await xapi('/xapi/activities/state', { method: 'PUT', client: stateOnly, params: stateParams('scoped'), json: { a: 1 } });
  assert.equal(r.status, 204);
  r = await xapi('/xapi/activities/profile', { client: stateOnly, params: { activityId: act, profileId: 'x' } });
  assert.equal(r.status, 403);
  r = await xapi('/xapi/activities/state', { client: stmtOnly, params: stateParams('scoped') });
  assert.equal(r.status, 403);
  r = await request(srv.url, '/xapi/activities/state?' + new URLSearchParams(stateParams('scoped')), { headers: { 'x-experience-api-version': '2.0.0' } });
  assert.equal(r.status, 401);
});

test('4.1.6.3 Agents Resource: a Person object with arrays of the agent\'s identifiers', async () => {
  let r = await xapi('/xapi/agents', { params: { agent: JSON.stringify({ name: 'Ann', mbox: 'mailto:ann@example.com' }) } });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { objectType: 'Person', name: ['Ann'], mbox: ['mailto:ann@example.com'] });
  r = await xapi('/xapi/agents', { params: { agent: '{"mbox":"ann@example.com"}' } });
  assert.equal(r.status, 400);
  r = await xapi('/xapi/agents', {});
  assert.equal(r.status, 400);
});

test('4.1.6.4 Activities Resource: an unknown activity is still an Activity object', async () => {
  let r = await xapi('/xapi/activities', { params: { activityId: 'http://example.com/unknown' } });
  assert.equal(r.status, 200);
  assert.equal(r.body.objectType, 'Activity');
  assert.equal(r.body.id, 'http://example.com/unknown');
  r = await xapi('/xapi/activities', { params: { activityId: 'nope' } });
  assert.equal(r.status, 400);
});

test('4.1.1: a document request without X-Experience-API-Version is 400', async () => {
  const r = await xapi('/xapi/activities/state', { version: null, params: stateParams('s1') });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /X-Experience-API-Version/);
});

test('4.1.6.4 Activities Resource: the definition merges every statement about the activity (XAPI-00254: both languages)', async () => {
  const id = 'http://example.com/activities/merged-' + Date.now();
  const st = (name, extra = {}) => ({
    actor: { mbox: 'mailto:learner@example.com' },
    verb: { id: 'http://adlnet.gov/expapi/verbs/attempted', display: { 'en-US': 'attempted' } },
    object: { objectType: 'Activity', id, definition: { name, ...extra } },
  });
  let r = await xapi('/xapi/statements', { method: 'POST', json: [st({ 'en-US': 'example meeting' }, { type: 'http://adlnet.gov/expapi/activities/meeting' }), st({ 'fr-FR': 'réunion' })] });
  assert.equal(r.status, 200, r.text);
  r = await xapi('/xapi/activities', { params: { activityId: id } });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.definition.name, { 'en-US': 'example meeting', 'fr-FR': 'réunion' });
  assert.equal(r.body.definition.type, 'http://adlnet.gov/expapi/activities/meeting');
  // a newer statement's text wins for its language
  r = await xapi('/xapi/statements', { method: 'POST', json: [st({ 'en-US': 'renamed meeting' })] });
  assert.equal(r.status, 200, r.text);
  r = await xapi('/xapi/activities', { params: { activityId: id } });
  assert.deepEqual(r.body.definition.name, { 'en-US': 'renamed meeting', 'fr-FR': 'réunion' });
});

// Everything the database keeps, as text: the file and its WAL on SQLite, a dump on PostgreSQL.
function stored(db) {
  if (BACKEND !== 'sqlite') return dumpDb(db);
  let raw = readFileSync(db).toString('latin1');
  if (existsSync(db + '-wal')) raw += readFileSync(db + '-wal').toString('latin1');
  return raw;
}

test('issue 10: document keys hold no plain identifier; every kind of agent still finds its documents', async () => {
  const s2 = await startServer();
  try {
    assert.equal(trellis(['admin', 'add-district', '--db', s2.db, '--sourced-id', 'd-keys', '--name', 'Keys']).status, 0);
    const c = JSON.parse(trellis(['admin', 'add-client', '--db', s2.db, '--name', 'k', '--scope', 'all']).stdout);
    const x = (path, { method = 'GET', params, body } = {}) => request(s2.url, path + '?' + new URLSearchParams(params), {
      method, body, headers: { 'x-experience-api-version': '2.0.0', authorization: basic(c), 'content-type': 'application/json', ...(method === 'PUT' ? { 'if-none-match': '*' } : {}) },
    });
    const secrets = ['private.learner.q7@school.example.org', 'https://openid.example.org/u/q7secret', 'q7-account-name'];
    const agents = [
      { mbox: `mailto:${secrets[0]}` },
      { mbox_sha1sum: sha1(`mailto:${secrets[0]}`) },
      { openid: secrets[1] },
      { account: { homePage: 'https://sis.example.org', name: secrets[2] } },
    ];
    for (const [i, ag] of agents.entries()) {
      const a = JSON.stringify(ag);
      let r = await x('/xapi/activities/state', { method: 'PUT', params: { activityId: act, agent: a, stateId: 'k' }, body: `{"n":${i}}` });
      assert.equal(r.status, 204, r.text);
      r = await x('/xapi/agents/profile', { method: 'PUT', params: { agent: a, profileId: 'p' }, body: `{"p":${i}}` });
      assert.equal(r.status, 204, r.text);
    }
    for (const [i, ag] of agents.entries()) {
      const a = JSON.stringify(ag);
      let r = await x('/xapi/activities/state', { params: { activityId: act, agent: a, stateId: 'k' } });
      assert.equal(r.status, 200, `${a}: ${r.text}`);
      assert.equal(r.text, `{"n":${i}}`, 'each identifier is its own agent');
      r = await x('/xapi/activities/state', { params: { activityId: act, agent: a } });
      assert.deepEqual(r.body, ['k']);
      r = await x('/xapi/agents/profile', { params: { agent: a, profileId: 'p' } });
      assert.equal(r.text, `{"p":${i}}`);
      r = await x('/xapi/agents', { params: { agent: a } });
      assert.equal(r.status, 200);
      assert.equal(r.body.objectType, 'Person');
    }
    let r = await x('/xapi/activities/state', { method: 'DELETE', params: { activityId: act, agent: JSON.stringify(agents[2]), stateId: 'k' } });
    assert.equal(r.status, 204);
    r = await x('/xapi/activities/state', { params: { activityId: act, agent: JSON.stringify(agents[2]), stateId: 'k' } });
    assert.equal(r.status, 404);
    const raw = stored(s2.db);
    for (const secret of secrets) assert.ok(!raw.includes(secret), `'${secret}' is not in the database or its WAL`);
  } finally {
    await s2.cleanup();
  }
});

test('issue 10: migration 0014 turns existing plain agent keys into digests and lower-cases attachment keys', async () => {
  const s3 = await startServer();
  let s4;
  try {
    assert.equal(trellis(['admin', 'add-district', '--db', s3.db, '--sourced-id', 'd-mig', '--name', 'Mig']).status, 0);
    const c = JSON.parse(trellis(['admin', 'add-client', '--db', s3.db, '--name', 'm', '--scope', 'all']).stdout);
    await s3.stop();
    // the database as an older version left it: agent_key in plain text, an upper-case attachment key
    const content = Buffer.from('legacy attachment');
    const hash = createHash('sha256').update(content).digest('hex');
    const blob = (hex) => (BACKEND === 'sqlite' ? `X'${hex}'` : `decode('${hex}', 'hex')`);
    sqlShell(s3.db, 'ALTER TABLE lrs_documents RENAME COLUMN agent_digest TO agent_key');
    sqlShell(s3.db, 'DELETE FROM schema_migrations WHERE version = 14');
    const legacy = [
      [1, act, 'mbox:mailto:legacy.pupil.z3@school.example.org', 'st', '{"legacy":1}'],
      [3, '', 'account:23:https://sis.example.orglegacy-z3', 'pr', '{"legacy":2}'],
    ];
    for (const [kind, a, key, id, doc] of legacy)
      sqlShell(s3.db, `INSERT INTO lrs_documents (district_id, kind, activity_id, agent_key, registration, doc_id, user_id, content_type, content, etag, updated_at) SELECT id, ${kind}, '${a}', '${key}', '', '${id}', NULL, 'application/json', ${blob(Buffer.from(doc).toString('hex'))}, '${sha1(doc)}', 1 FROM districts WHERE sourced_id = 'd-mig'`);
    sqlShell(s3.db, `INSERT INTO lrs_attachments (district_id, sha2, content_type, content) SELECT id, '${hash.toUpperCase()}', 'text/plain', ${blob(content.toString('hex'))} FROM districts WHERE sourced_id = 'd-mig'`);
    s4 = await startServer({ dir: s3.dir, db: s3.db, init: false });
    const x = (path, params) => request(s4.url, path + '?' + new URLSearchParams(params), { headers: { 'x-experience-api-version': '2.0.0', authorization: basic(c) } });
    let r = await x('/xapi/activities/state', { activityId: act, agent: JSON.stringify({ mbox: 'mailto:legacy.pupil.z3@school.example.org' }), stateId: 'st' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.text, '{"legacy":1}');
    r = await x('/xapi/agents/profile', { agent: JSON.stringify({ account: { homePage: 'https://sis.example.org', name: 'legacy-z3' } }), profileId: 'pr' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.text, '{"legacy":2}');
    assert.equal(sqlShell(s4.db, `SELECT count(*) FROM lrs_attachments WHERE sha2 = '${hash}'`), '1');
    const raw = stored(s4.db);
    assert.ok(!raw.includes('legacy.pupil.z3'), 'the converted mbox is gone from the file and WAL');
    assert.ok(!raw.includes('legacy-z3'), 'the converted account name is gone too');
  } finally {
    await s4?.cleanup();
    await s3.cleanup();
  }
});

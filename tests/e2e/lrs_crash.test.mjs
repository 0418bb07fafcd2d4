// Crash test for the LRS (issue 5: "acknowledged means durable"): many clients POST
// batches of statements, the server is killed with SIGKILL mid-load, restarted on the
// same database, and then every acknowledged statement must be there, every batch
// must be all there or not at all, and the database must pass integrity_check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { startServer, request, trellis, tempDir } from './lib/trellis.mjs';

const V = { 'X-Experience-API-Version': '2.0.0' };

test('SIGKILL during concurrent writes loses no acknowledged statement and leaves no half batch', async () => {
  const dir = tempDir('trellis-lrs-crash-');
  let srv = await startServer({ dir });
  try {
    assert.equal(trellis(['admin', 'add-district', '--db', srv.db, '--sourced-id', 'd', '--name', 'D']).status, 0);
    const cred = JSON.parse(trellis(['admin', 'add-client', '--db', srv.db, '--name', 'load', '--scope', 'all']).stdout);
    const auth = 'Basic ' + Buffer.from(`${cred.key}:${cred.secret}`).toString('base64');
    const acked = [], sent = [];
    let stop = false;
    const worker = async (w) => {
      for (let b = 0; !stop; b++) {
        const batch = Array.from({ length: 10 }, (_, i) => ({
          id: randomUUID(),
          actor: { mbox: `mailto:w${w}@example.org` },
          verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
          object: { id: `http://example.org/items/${b}/${i}` },
          result: { success: true },
        }));
        sent.push(batch.map((s) => s.id));
        try {
          const r = await request(srv.url, '/xapi/statements', { method: 'POST', json: batch, headers: { ...V, authorization: auth }, timeout: 5000 });
          if (r.status === 200) acked.push(batch.map((s) => s.id));
        } catch { return; } // the server died under us
      }
    };
    const workers = Array.from({ length: 12 }, (_, w) => worker(w));
    await new Promise((res) => setTimeout(res, 1500));
    await srv.stop('SIGKILL');
    stop = true;
    await Promise.all(workers);
    assert.ok(acked.length > 10, `only ${acked.length} batches were acknowledged before the kill`);

    srv = await startServer({ dir, db: srv.db, init: false });
    const stored = new Set();
    let path = '/xapi/statements?limit=500&format=ids';
    while (path) {
      const r = await request(srv.url, path, { headers: { ...V, authorization: auth } });
      assert.equal(r.status, 200);
      for (const s of r.body.statements) {
        assert.ok(!stored.has(s.id), `statement ${s.id} appears twice`);
        stored.add(s.id);
      }
      path = r.body.more || '';
    }
    for (const batch of acked)
      for (const id of batch) assert.ok(stored.has(id), `acknowledged statement ${id} is missing`);
    for (const batch of sent) {
      const n = batch.filter((id) => stored.has(id)).length;
      assert.ok(n === 0 || n === batch.length, `a batch is half stored (${n} of ${batch.length})`);
    }
    const integ = spawnSync('sqlite3', [srv.db, 'PRAGMA integrity_check;'], { encoding: 'utf8' });
    if (!integ.error) assert.equal(integ.stdout.trim(), 'ok');
    console.log(`# ${acked.length} batches acknowledged, ${stored.size} statements after restart`);
  } finally {
    await srv.cleanup();
  }
});

// Practice without a connection: what the device keeps in IndexedDB, the queue of
// answers waiting to be sent, and the service worker (/sw.js) that keeps the page itself.
//
// Database "trellis-practice":
//   queue     every answer, put here BEFORE it is sent: {seq, user, body}, body being the
//             POST /api/v1/practice/attempts request with its own id (a UUID), the time
//             it was answered, the attempt number, the hints used and the time taken.
//             An answer leaves the queue only once the server acknowledged it (200; a
//             resend of the same id is recorded once, the server says duplicate: true).
//   rejected  answers the server refused for good (400, 403, 404), kept, never resent.
//   state     per learner: the problems kept for offline use ("pool"), the problem on
//             screen ("active").
// Each learner's answers and problems are theirs: a shared device sends only the answers
// of whoever is logged in (the server would refuse anyone else's problems anyway).
// Where IndexedDB is not available (some private windows) the same API keeps things in
// memory: the page works online, and says nothing is kept.

const DB = 'trellis-practice';
let dbPromise = null;
let memory = null; // the fallback: {queue: [], rejected: [], state: Map, seq}

function openDb() {
  if (dbPromise) return dbPromise;
  dbPromise = new Promise((resolve) => {
    let req;
    try {
      req = indexedDB.open(DB, 1);
    } catch {
      resolve(null);
      return;
    }
    req.onupgradeneeded = () => {
      const db = req.result;
      db.createObjectStore('queue', { keyPath: 'seq', autoIncrement: true });
      db.createObjectStore('rejected', { keyPath: 'seq' });
      db.createObjectStore('state');
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => resolve(null);
    req.onblocked = () => resolve(null);
  }).then((db) => {
    if (!db) memory = { queue: [], rejected: [], state: new Map(), seq: 1 };
    return db;
  });
  return dbPromise;
}

// Is what is queued kept on the device (IndexedDB), so it survives closing the page?
export async function durable() {
  return !!(await openDb());
}

function tx(db, stores, mode, fn) {
  return new Promise((resolve, reject) => {
    const t = db.transaction(stores, mode);
    let out;
    t.oncomplete = () => resolve(out);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error || new Error('aborted'));
    out = fn(t);
  });
}

const reqValue = (r) => new Promise((resolve, reject) => {
  r.onsuccess = () => resolve(r.result);
  r.onerror = () => reject(r.error);
});

// ---- state ----

export async function getState(key) {
  const db = await openDb();
  if (!db) return memory.state.get(key);
  let v;
  await tx(db, 'state', 'readonly', (t) => {
    reqValue(t.objectStore('state').get(key)).then((x) => (v = x));
  });
  return v;
}

export async function setState(key, value) {
  const db = await openDb();
  if (!db) {
    if (value === undefined) memory.state.delete(key);
    else memory.state.set(key, value);
    return;
  }
  await tx(db, 'state', 'readwrite', (t) => {
    if (value === undefined) t.objectStore('state').delete(key);
    else t.objectStore('state').put(value, key);
  });
}

// ---- the queue ----

// Keep an answer on the device (durably, before anything is sent): its queue number.
export async function enqueue(user, body) {
  const db = await openDb();
  const entry = { user: String(user), body, queued: new Date().toISOString() };
  if (!db) {
    entry.seq = memory.seq++;
    memory.queue.push(entry);
    return entry.seq;
  }
  let seq;
  await tx(db, 'queue', 'readwrite', (t) => {
    reqValue(t.objectStore('queue').add(entry)).then((k) => (seq = k));
  });
  return seq;
}

// The learner's answers not yet acknowledged, oldest first.
export async function pending(user) {
  const db = await openDb();
  if (!db) return memory.queue.filter((e) => e.user === String(user));
  let all = [];
  await tx(db, 'queue', 'readonly', (t) => {
    reqValue(t.objectStore('queue').getAll()).then((x) => (all = x));
  });
  return all.filter((e) => e.user === String(user)).sort((a, b) => a.seq - b.seq);
}

async function acknowledge(seq) {
  const db = await openDb();
  if (!db) {
    memory.queue = memory.queue.filter((e) => e.seq !== seq);
    return;
  }
  await tx(db, 'queue', 'readwrite', (t) => t.objectStore('queue').delete(seq));
}

async function reject(entry, why) {
  const db = await openDb();
  const kept = { ...entry, refused: why, at: new Date().toISOString() };
  if (!db) {
    memory.queue = memory.queue.filter((e) => e.seq !== entry.seq);
    memory.rejected.push(kept);
    return;
  }
  await tx(db, ['queue', 'rejected'], 'readwrite', (t) => {
    t.objectStore('rejected').put(kept);
    t.objectStore('queue').delete(entry.seq);
  });
}

// Send the learner's queue in order, each answer once acknowledged removed.
//   post(body) sends one answer and resolves with the server's reply, or throws an
//   ApiError (app.js). A network failure, a server error, "too many requests" or a
//   session that ended stops the sending (the rest waits for the next try); an answer
//   the server refuses for good is kept aside and the next one goes.
// Resolves with {sent: Map(id -> reply), left: number, stopped: ApiError|null}.
// One sending at a time: a call while one runs waits for it, then sends what is left.
let running = Promise.resolve();
export function flush(user, post) {
  const run = running.then(() => sendAll(user, post));
  running = run.catch(() => {});
  return run;
}

async function sendAll(user, post) {
  const sent = new Map();
  const queue = await pending(user);
  let stopped = null;
  let done = 0;
  for (const entry of queue) {
    let reply;
    try {
      reply = await post(entry.body);
    } catch (e) {
      if (e.status === 400 && /timestamp/.test(e.detail || '') && entry.body.timestamp) {
        // the device's clock is ahead of the server's: the server's time, rather than none
        const body = { ...entry.body };
        delete body.timestamp;
        try {
          reply = await post(body);
        } catch (e2) {
          e = e2;
        }
      }
      if (!reply) {
        if (e.network || !e.status || e.status >= 500 || e.status === 429 || e.status === 401) {
          stopped = e;
          break;
        }
        console.warn(`practice: the server refused a queued answer (${e.status} ${e.detail || e.code})`);
        await reject(entry, `${e.status} ${e.detail || e.code}`);
        done++;
        continue;
      }
    }
    await acknowledge(entry.seq);
    sent.set(entry.body.id, reply);
    done++;
  }
  return { sent, left: queue.length - done, stopped };
}

// ---- ids ----

// A version 4 UUID (crypto.randomUUID needs a secure context; getRandomValues does not).
export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// ---- the service worker ----

// Register /sw.js (scope /): it keeps the practice page, its modules, the stylesheet
// and the catalogs, so the page opens without a connection. Resolves when the page is
// controlled by it, or at once where service workers are not available (plain http
// on a school network: the page still works online).
export async function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return false;
  try {
    await navigator.serviceWorker.register('/sw.js', { scope: '/' });
    await navigator.serviceWorker.ready;
    return true;
  } catch (e) {
    console.warn(`practice: the page cannot be kept for offline use (${e.message})`);
    return false;
  }
}

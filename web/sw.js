// The service worker of the practice page (registered by js/offline.js, scope /).
// It keeps the app shell: the practice page, its modules, the stylesheet and both
// message catalogs, so a learner can open the page and go on practising without a
// connection. The problems for offline use and the answers waiting to be sent are the
// page's own (IndexedDB, js/offline.js); the API is never cached here.
//
// Network first: with a connection every file comes from the server as usual (the
// HTTP cache revalidates it with its ETag), and the copy kept here is refreshed; the
// kept copy is used only when the network fails or takes longer than TIMEOUT_MS (a
// weak signal). So a new version of the page is used as soon as it is online.
const CACHE = 'trellis-shell-2';
const TIMEOUT_MS = 6000;
const SHELL = [
  '/practice',
  '/css/app.css',
  '/js/app.js',
  '/js/practice.js',
  '/js/answer.js',
  '/js/speech.js',
  '/js/offline.js',
  '/js/mathview.js',
  '/i18n/en.json',
  '/i18n/es.json',
  '/i18n/practice-en.json',
  '/i18n/practice-es.json',
];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((c) => c.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('trellis-shell-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

function kept(path) {
  return SHELL.includes(path);
}

async function networkFirst(request, path) {
  const cache = await caches.open(CACHE);
  const fromNetwork = fetch(request).then((r) => {
    if (r.ok && r.type === 'basic') cache.put(path, r.clone());
    return r;
  });
  const timeout = new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS, null));
  try {
    const r = await Promise.race([fromNetwork, timeout]);
    if (r) return r;
  } catch {
    // offline, or the server is not reachable: the kept copy
  }
  const copy = await cache.match(path, { ignoreVary: true });
  if (copy) return copy;
  return fromNetwork; // nothing kept: wait for the network after all
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || !kept(url.pathname)) return;
  // the page's address may carry a query; the kept copy is the same page
  event.respondWith(networkFirst(request, url.pathname));
});

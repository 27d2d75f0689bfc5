// The facilitator app's service worker: keeps the app shell so the app
// starts with no network (after a reload, a browser restart, a phone
// restart). Answers live in IndexedDB (app.js), never here; API calls go
// to the network untouched.
const CACHE = 'thamgia-facilitator-v1';
const SHELL = [
  '/facilitator/',
  '/facilitator/app.js',
  '/facilitator/app.css',
  '/facilitator/manifest.webmanifest',
  '/facilitator/icon.svg',
];

self.addEventListener('install', (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (e) => {
  e.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (e) => {
  const url = new URL(e.request.url);
  if (e.request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (!url.pathname.startsWith('/facilitator/') && url.pathname !== '/facilitator') return;
  const key = url.pathname === '/facilitator/index.html' ? '/facilitator/' : url.pathname;
  // The cached shell at once; a fresh copy fetched behind it for next time.
  e.respondWith(
    caches.open(CACHE).then((c) => c.match(key).then((hit) => {
      const fresh = fetch(e.request)
        .then((r) => { if (r.ok) c.put(key, r.clone()); return r; })
        .catch(() => hit);
      return hit || fresh;
    })),
  );
});

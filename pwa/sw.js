// Service worker of 科普答题: the citizen's app, the default contest and its bank (inside
// index.html) and the region data work offline once loaded. scripts/pwa.mjs fills in VERSION and PRECACHE.
const VERSION = '__VERSION__';
const PRECACHE = __PRECACHE__;
const CACHE = `kepu-app-${VERSION}`;
const RUNTIME = 'kepu-runtime';
const scope = new URL(self.registration.scope);
const precached = new Set(PRECACHE.map((p) => new URL(p, scope).href));

// Content-hashed build files never change, so any copy in the HTTP cache is the right one:
// on the first visit the page is still downloading them when this installs, and taking its
// copy saves a weak connection from fetching the 150 KB app twice. The rest is revalidated.
const HASHED = /-[0-9a-f]{8,16}(_bg)?\.(js|wasm)$/;
// The page (which carries the default contest and bank) is revalidated at the very address
// the person opened, query included: the browser holds that copy already, so the server
// confirms it (304) instead of sending it again under the name index.html.
const isShell = (url) => url.pathname === scope.pathname || url.pathname === `${scope.pathname}index.html`;
async function precacheShell(cache) {
  const pages = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const open = pages.map((c) => new URL(c.url)).find((u) => u.origin === scope.origin && isShell(u));
  const response = await fetch(new Request(open?.href ?? 'index.html', { cache: 'no-cache' }));
  if (!response.ok) throw new Error(`index.html: HTTP ${response.status}`);
  await cache.put('index.html', response);
}
self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => Promise.all([
    precacheShell(cache),
    cache.addAll(PRECACHE.filter((p) => p !== 'index.html').map((p) =>
      new Request(p, { cache: HASHED.test(p) ? 'force-cache' : 'no-cache' }))),
  ])));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith('kepu-app-') && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

// A new version waits until the page asks it to take over (the person tapped 更新).
self.addEventListener('message', (event) => {
  if (event.data === 'skipWaiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== scope.origin) return;
  if (request.mode === 'navigate' && isShell(url)) {
    // The app shell of this version, whatever the query (?contest=…).
    event.respondWith(caches.open(CACHE).then((c) => c.match('index.html')).then((r) => r ?? fetch(request)));
    return;
  }
  const key = url.origin + url.pathname;
  if (precached.has(key) && !url.pathname.endsWith('.json')) {
    // Build files are content-hashed: this version's copy, never a newer one mixed in.
    event.respondWith(caches.open(CACHE).then((c) => c.match(key)).then((r) => r ?? fetch(request)));
    return;
  }
  if (precached.has(key)) {
    // Contest data: answer from the cache at once, refresh it for next time.
    event.respondWith(caches.open(CACHE).then(async (cache) => {
      const cached = await cache.match(key);
      const fresh = fetch(request).then((r) => { if (r.ok) cache.put(key, r.clone()); return r; }).catch(() => cached);
      return cached ?? fresh;
    }));
    return;
  }
  // Anything else (other contests, the organizer's page): network first, cached for offline.
  event.respondWith(fetch(request).then((response) => {
    if (response.ok) {
      const copy = response.clone();
      caches.open(RUNTIME).then((c) => c.put(request, copy));
    }
    return response;
  }).catch(() => caches.open(RUNTIME).then((c) => c.match(request, { ignoreSearch: request.mode === 'navigate' }))
    .then((r) => r ?? Response.error())));
});

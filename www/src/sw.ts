/// <reference lib="webworker" />
// The service worker (built to dist/sw.js by the `kubeharden-service-worker` plugin in
// vite.config.ts, which prepends `BUILD`): after one visit, both pages work offline.
//
// - install: precache every file of this build (the two pages, JS, CSS, the wasm) into a
//   cache named after the build's content hash, then take over at once (skipWaiting).
// - activate: delete the caches of earlier builds of this scope, claim the open pages.
// - fetch: same-origin GETs for precached files (and navigations to the two pages, whatever
//   their ?query; #fragments never reach a service worker) are answered from the cache, else
//   left to the network. Nothing cross-origin is handled, cached or fetched: the pages make
//   no such request and the worker never makes one itself.
//
// A classic script, not a module (Firefox only recently supports module service workers),
// so this file neither imports nor exports.

declare const BUILD: {
  /** Content hash of every precached file and its name. */
  hash: string;
  /** The build's files, relative to the scope (e.g. `index.html`, `assets/main-…js`). */
  files: string[];
  /** The HTML pages among `files`; navigations to the scope root get the first. */
  pages: string[];
};

const sw = self as unknown as ServiceWorkerGlobalScope;
// One cache per build and per scope: two deployments under different paths of one origin
// keep their own caches, and other caches of the origin are never touched.
const CACHE_PREFIX = `kubeharden ${sw.registration.scope} `;
const CACHE = CACHE_PREFIX + BUILD.hash;
const scopeUrl = new URL(sw.registration.scope);
const precached = new Set(BUILD.files.map((file) => new URL(file, scopeUrl).href));

sw.addEventListener('install', (event) => {
  event.waitUntil(precache().then(() => sw.skipWaiting()));
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(CACHE_PREFIX) && name !== CACHE) await caches.delete(name);
      }
      await sw.clients.claim();
    })(),
  );
});

sw.addEventListener('fetch', (event) => {
  const key = cacheKey(event.request);
  if (key) event.respondWith(cacheFirst(key, event.request));
});

async function precache(): Promise<void> {
  const cache = await caches.open(CACHE);
  await Promise.all(
    BUILD.files.map(async (file) => {
      const url = new URL(file, scopeUrl).href;
      // Hashed assets never change under their name, so the HTTP cache may answer; the
      // pages must be this build's, so they are revalidated.
      const page = BUILD.pages.includes(file);
      const response = await fetch(url, { cache: page ? 'no-cache' : 'default' });
      if (!response.ok) throw new Error(`precaching ${url}: HTTP ${response.status}`);
      // A redirected response cannot answer a navigation (hosts that redirect /index.html
      // to /): store a plain copy.
      await cache.put(url, response.redirected ? await unredirect(response) : response);
    }),
  );
}

async function unredirect(response: Response): Promise<Response> {
  return new Response(await response.blob(), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/** The precached URL that answers `request`, or null to leave it to the network. */
function cacheKey(request: Request): string | null {
  if (request.method !== 'GET') return null;
  const url = new URL(request.url);
  if (url.origin !== scopeUrl.origin || !url.pathname.startsWith(scopeUrl.pathname)) return null;
  url.hash = '';
  if (request.mode === 'navigate') {
    // `?…` (share links, tracking parameters) does not change the page.
    url.search = '';
    if (url.pathname.endsWith('/')) url.pathname += BUILD.pages[0];
  }
  return precached.has(url.href) ? url.href : null;
}

async function cacheFirst(key: string, request: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  // A miss (the cache was evicted, or is still being filled on the first visit) goes to the
  // network as if there were no service worker.
  return (await cache.match(key, { ignoreVary: true })) ?? fetch(request);
}

// End-to-end tests of offline use: after one visit, the service worker (dist/sw.js) answers
// both pages, share links and the engine without a network. "Offline" is both Chromium's
// offline emulation and the site's server shut down, so nothing can come from the network.
// Needs: `make pkg` (the wasm engine) and `npm --prefix www run build` first.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import lzString from 'lz-string';
import { startServer, DIST } from '../scripts/static-server.mjs';
import {
  PRIVILEGED_POD,
  documentText,
  findings,
  launch,
  newContext,
  newLog,
  openPlayground,
  waitForCheck,
} from './harness.mjs';

let env;
const log = newLog();
const origins = new Set();

before(async () => {
  env = await launch();
});

after(async () => {
  await env?.browser.close();
  env?.server.close();
});

/** A server of its own (so a test can shut it down) on a fresh loopback port. */
async function serve(root = DIST) {
  const served = await startServer({ root });
  origins.add(new URL(served.url).origin);
  return served;
}

/** Go offline for good: Chromium's offline emulation, and the server is gone too. */
async function goOffline(context, server) {
  await context.setOffline(true);
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

/** The first visit: the playground shows its findings, then the service worker takes over. */
async function visitOnce(context, url) {
  const page = await openPlayground(context, url);
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, {
    timeout: 20_000,
  });
  return page;
}

async function cacheNames(page) {
  return page.evaluate(() => caches.keys());
}

async function waitForCatalog(page) {
  await page.waitForFunction(
    () => document.querySelector('[data-testid="catalog"]')?.dataset.status === 'ready',
    null,
    { timeout: 20_000 },
  );
}

test('after one visit, the playground reloads offline and the engine checks the example', async () => {
  const { server, url } = await serve();
  const context = await newContext(env.browser, log);
  const page = await visitOnce(context, url);
  const online = await findings(page);
  const sw = await readFile(path.join(DIST, 'sw.js'), 'utf8');
  const hash = /"hash":"([0-9a-f]+)"/.exec(sw)?.[1];
  assert.ok(hash, 'dist/sw.js names its build');
  const names = await cacheNames(page);
  assert.equal(names.length, 1, `one cache, got ${names}`);
  assert.ok(names[0].endsWith(` ${hash}`), `the cache ${names[0]} is named after the build`);

  await goOffline(context, server);
  const response = await page.reload();
  assert.ok(response?.fromServiceWorker(), 'the page came from the service worker');
  await waitForCheck(page);
  assert.match(await documentText(page), /kind: Deployment/);
  const offline = await findings(page);
  assert.ok(offline.length >= 3, `findings of the example offline: ${offline.length}`);
  assert.deepEqual(
    offline.map((f) => f.rule),
    online.map((f) => f.rule),
    'the same findings as online',
  );
  assert.ok(offline.some((f) => f.rule === 'privileged'));

  // The root, index.html and index.html?… are the same page.
  for (const address of ['index.html', 'index.html?from=bookmark', './?utm_source=x']) {
    const other = await context.newPage();
    await other.goto(new URL(address, url).href);
    await waitForCheck(other);
    assert.ok((await findings(other)).length >= 3, `findings at ${address}`);
    await other.close();
  }
  await context.close();
});

test('the rule catalog and a rule page open offline, though only the playground was visited', async () => {
  const { server, url } = await serve();
  const context = await newContext(env.browser, log);
  const page = await visitOnce(context, url);
  await goOffline(context, server);
  await page.goto(new URL('rules.html#privileged', url).href);
  await waitForCatalog(page);
  const count = Number(await page.getAttribute('[data-testid="catalog"]', 'data-rule-count'));
  assert.ok(count >= 10, `the engine lists ${count} rules offline`);
  assert.equal(await page.locator('article#privileged').count(), 1);
  // A rule page, with its live example, from the cache too.
  await page.goto(new URL('rules/privileged.html', url).href);
  await page.waitForFunction(
    () =>
      !!document
        .querySelector('kubeharden-example[data-example="bad"]')
        ?.shadowRoot?.querySelector('li[data-rule="privileged"]'),
    null,
    { timeout: 20_000 },
  );
  await page.goto(new URL('rules.html', url).href);
  // Back to the playground through the page's own link.
  await page.click('nav a[href="index.html"]');
  await waitForCheck(page);
  assert.ok((await findings(page)).length >= 3);
  await context.close();
});

test('a share link (with a ?query) opens offline with its document and settings', async () => {
  const { server, url } = await serve();
  const context = await newContext(env.browser, log);
  const page = await visitOnce(context, url);
  await goOffline(context, server);
  const payload = JSON.stringify({
    v: 1,
    source: PRIVILEGED_POD,
    settings: { profile: 'baseline', pssVersion: 'latest', overrides: {} },
  });
  const link = `${url}?ref=chat#share=${lzString.compressToEncodedURIComponent(payload)}`;
  const opened = await context.newPage();
  await opened.goto(link);
  await waitForCheck(opened);
  assert.equal(await documentText(opened), PRIVILEGED_POD);
  assert.equal(await opened.inputValue('#profile'), 'baseline');
  assert.equal(await opened.getAttribute('[data-rule="privileged"]', 'data-line'), '10');
  await page.close();
  await context.close();
});

test('without the service worker the same offline reload fails (the tests above can fail)', async () => {
  const { server, url } = await serve();
  const context = await newContext(env.browser, newLog(), { serviceWorkers: 'block' });
  const page = await openPlayground(context, url);
  await goOffline(context, server);
  await assert.rejects(page.reload(), /ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_REFUSED/);
  await context.close();
});

test('a new deployment takes over: its own cache, the old one deleted, its pages offline', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'kubeharden-sw-'));
  try {
    await cp(DIST, root, { recursive: true });
    const { server, url } = await serve(root);
    const context = await newContext(env.browser, log);
    const page = await visitOnce(context, url);
    const [oldCache] = await cacheNames(page);

    // "Deploy" another build: a changed page and therefore another build hash.
    const index = path.join(root, 'index.html');
    const html = await readFile(index, 'utf8');
    await writeFile(index, html.replace('<title>kubeharden playground', '<title>v2 kubeharden'));
    const swFile = path.join(root, 'sw.js');
    const sw = await readFile(swFile, 'utf8');
    const newHash = 'feedc0de00000002';
    await writeFile(swFile, sw.replace(/"hash":"[0-9a-f]+"/, `"hash":"${newHash}"`));

    // The browser looks for a new sw.js on navigations; update() does the same, now.
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r?.update()));
    // (waitForFunction does not await a promise, so poll from here.)
    const deadline = Date.now() + 20_000;
    let names = await cacheNames(page);
    while (!(names.length === 1 && names[0].endsWith(` ${newHash}`)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      names = await cacheNames(page);
    }
    assert.deepEqual(names, [oldCache.replace(/ [0-9a-f]+$/, ` ${newHash}`)], 'only the new cache');
    assert.notEqual((await cacheNames(page))[0], oldCache);

    await goOffline(context, server);
    await page.reload();
    await waitForCheck(page);
    assert.match(await page.title(), /^v2 kubeharden/, 'the new deployment answers offline');
    assert.ok((await findings(page)).length >= 3);
    await context.close();
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('offline use talks only to the page origin and logs no errors', () => {
  assert.ok(log.requests.length > 0);
  const foreign = log.requests.filter((u) => {
    if (u.startsWith('data:') || u.startsWith('blob:')) return false;
    return !origins.has(new URL(u).origin);
  });
  assert.deepEqual(foreign, [], 'requests outside the page origins');
  assert.deepEqual(log.errors, [], 'page errors, console errors or CSP violations');
});

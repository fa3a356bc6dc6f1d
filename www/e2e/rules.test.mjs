// End-to-end tests of the rule catalog (www/dist/rules.html) and the playground's links to it.
// Needs: `make pkg` (the wasm engine) and `npm --prefix www run build` first.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  PRIVILEGED_POD,
  launch,
  newContext,
  newLog,
  openPlayground,
  replaceDocument,
  waitForCheck,
} from './harness.mjs';

let env;
const log = newLog();
// The engine's catalog, from the package the page is built from.
const { rules: engineRules } = await import(
  new URL('../../pkg/node/index.mjs', import.meta.url).href
);

before(async () => {
  env = await launch();
});

after(async () => {
  await env?.browser.close();
  env?.server.close();
});

/** Wait until the catalog has rendered every rule of the engine. */
async function waitForCatalog(page) {
  await page.waitForFunction(
    () => document.querySelector('[data-testid="catalog"]')?.dataset.status === 'ready',
    null,
    { timeout: 20_000 },
  );
}

async function openCatalog(context, hash = '') {
  const page = await context.newPage();
  await page.goto(new URL(`rules.html${hash}`, env.url).href);
  await waitForCatalog(page);
  return page;
}

async function inViewport(page, selector) {
  return page.$eval(selector, (el) => {
    const r = el.getBoundingClientRect();
    return r.top >= -1 && r.top < innerHeight && r.height > 0;
  });
}

test('the catalog has an entry per engine rule, with title, rationale and a link to its page', async () => {
  const context = await newContext(env.browser, log);
  const page = await openCatalog(context);
  const expected = Number(await page.getAttribute('[data-testid="catalog"]', 'data-rule-count'));
  assert.ok(expected >= 10, `the engine lists ${expected} rules`);
  const ids = await page.$$eval('[data-testid="catalog"] article[data-rule]', (els) =>
    els.map((el) => (el.id === el.dataset.rule ? el.id : `mismatch ${el.id}`)),
  );
  assert.equal(ids.length, expected, 'one section per rule of rules()');
  assert.equal(new Set(ids).size, ids.length, 'section ids are unique');
  assert.ok(
    ids.every((id) => /^[a-z0-9][a-z0-9-]*$/.test(id)),
    `bad ids: ${ids}`,
  );

  const section = page.locator('article#privileged');
  assert.equal(await section.count(), 1);
  assert.match(await section.locator('h3').textContent(), /privileged/i);
  assert.equal(await section.locator('h3 a').getAttribute('href'), 'rules/privileged.html');
  assert.equal(await section.locator('.kh-badge').textContent(), 'critical');
  assert.match(await section.textContent(), /baseline/);
  // The table of contents lists every rule, grouped by category.
  assert.equal(await page.locator('#toc li[data-rule] a').count(), expected);
  assert.ok((await page.locator('#toc .kh-toc-group').count()) >= 2, 'several categories');
  assert.equal(await page.getAttribute('nav a.kh-navlink', 'href'), 'index.html');

  // Filters hide what does not match.
  await page.fill('#catalog-filter', 'privileged container');
  const visible = await page.locator('article[data-rule]:visible').count();
  assert.ok(visible >= 1 && visible < expected, `${visible} of ${expected} shown`);
  assert.ok(await page.locator('article#privileged').isVisible());
  await page.fill('#catalog-filter', '');
  await page.selectOption('#catalog-severity', 'critical');
  const severities = await page.$$eval('article[data-rule]:not([hidden])', (els) =>
    els.map((el) => el.dataset.severity),
  );
  assert.ok(severities.length > 0 && severities.every((s) => s === 'critical'), `${severities}`);
  await context.close();
});

test('rules.html#<id> lands on the rule', async () => {
  const context = await newContext(env.browser, log);
  const ids = await (async () => {
    const page = await openCatalog(context);
    const all = await page.$$eval('article[data-rule]', (els) => els.map((el) => el.id));
    await page.close();
    return all;
  })();
  // The last rule is far below the fold, so landing on it proves the scroll.
  const last = ids.at(-1);
  const page = await openCatalog(context, `#${last}`);
  await page.waitForFunction((id) => {
    const r = document.getElementById(id)?.getBoundingClientRect();
    return r && r.top >= -1 && r.top < innerHeight;
  }, last);
  assert.ok(await page.$eval(`[id="${last}"]`, (el) => el.classList.contains('kh-target')));
  assert.ok(await page.evaluate(() => scrollY > 0), 'the page scrolled');
  await context.close();
});

test('the playground links docs to the catalog: hover, rules dialog, header, SARIF', async () => {
  const context = await newContext(env.browser, log, { acceptDownloads: true });
  const page = await openPlayground(context, env.url);
  assert.equal(await page.getAttribute('#rules-link', 'href'), 'rules.html');
  await replaceDocument(page, PRIVILEGED_POD);

  // The hover tooltip's docs link.
  await page
    .locator('.cm-line', { hasText: 'privileged: true' })
    .locator('.cm-lintRange')
    .first()
    .hover();
  const link = page.locator('.cm-tooltip-lint a[href="rules.html#privileged"]').first();
  await link.waitFor();
  assert.equal(await link.getAttribute('rel'), 'noopener');
  const [popup] = await Promise.all([context.waitForEvent('page'), link.click()]);
  await waitForCatalog(popup);
  assert.equal(new URL(popup.url()).pathname, '/rules.html');
  assert.equal(new URL(popup.url()).hash, '#privileged');
  await popup.waitForFunction(() => {
    const r = document.getElementById('privileged')?.getBoundingClientRect();
    return r && r.top >= -1 && r.top < innerHeight;
  });
  assert.ok(await inViewport(popup, '#privileged'));
  assert.match(await popup.locator('#privileged h3').textContent(), /privileged/i);
  await popup.close();

  // The rules dialog's docs links.
  await page.mouse.move(0, 0);
  await page.click('#open-settings');
  const docs = page.locator('#rules-list a[href="rules.html#privileged"]');
  assert.equal(await docs.count(), 1);
  await page.click('#close-settings');

  // SARIF helpUri is absolute wherever the log is read (SARIF 3.49.12): the rule's first
  // public reference, as the CLI writes it (the page's catalog may be a local server).
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('#download-sarif'),
  ]);
  const sarif = JSON.parse(await readFile(await download.path(), 'utf8'));
  const rules = sarif.runs[0].tool.driver.rules;
  const catalog = new Map(engineRules().map((r) => [r.id, r]));
  for (const rule of rules) {
    const first = catalog.get(rule.id).references.find((r) => r.url.startsWith('https://'));
    assert.equal(rule.helpUri, first?.url, `helpUri of ${rule.id}`);
  }
  await context.close();
});

test('the catalog fits narrow screens', async () => {
  const context = await newContext(env.browser, log, { viewport: { width: 390, height: 844 } });
  const page = await openCatalog(context, '#privileged');
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.ok(overflow <= 0, `horizontal overflow of ${overflow}px`);
  await page.waitForFunction(() => {
    const r = document.getElementById('privileged')?.getBoundingClientRect();
    return r && r.top >= -1 && r.top < innerHeight;
  });
  await context.close();
});

test('the catalog only talks to its own origin and logs no errors or CSP violations', () => {
  const origin = new URL(env.url).origin;
  assert.ok(log.requests.some((u) => u.includes('rules.html')));
  const foreign = log.requests.filter((u) => {
    if (u.startsWith('data:') || u.startsWith('blob:') || u === 'about:blank') return false;
    return new URL(u).origin !== origin;
  });
  assert.deepEqual(foreign, [], 'requests outside the page origin');
  assert.deepEqual(log.errors, [], 'page errors, console errors or CSP violations');
  assert.deepEqual(log.dialogs, []);
});

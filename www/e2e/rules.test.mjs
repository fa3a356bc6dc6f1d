// End-to-end tests of the rule catalog (www/dist/rules.html) and the playground's links to it.
// Needs: `make pkg` (the wasm engine) and `npm --prefix www run build` first.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import lzString from 'lz-string';
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

test('the catalog has a section per engine rule, with title, examples and metadata', async () => {
  const context = await newContext(env.browser, log);
  const page = await openCatalog(context);
  const expected = Number(await page.getAttribute('[data-testid="catalog"]', 'data-rule-count'));
  assert.ok(expected >= 10, `the engine lists ${expected} rules`);
  const ids = await page.$$eval('[data-testid="catalog"] section[data-rule]', (els) =>
    els.map((el) => (el.id === el.dataset.rule ? el.id : `mismatch ${el.id}`)),
  );
  assert.equal(ids.length, expected, 'one section per rule of rules()');
  assert.equal(new Set(ids).size, ids.length, 'section ids are unique');
  assert.ok(
    ids.every((id) => /^[a-z0-9][a-z0-9-]*$/.test(id)),
    `bad ids: ${ids}`,
  );

  const section = page.locator('section#privileged');
  assert.equal(await section.count(), 1);
  assert.match(await section.locator('h3').textContent(), /privileged/i);
  assert.match(
    await section.locator('[data-example="bad"] code').textContent(),
    /privileged: true/,
  );
  assert.match(
    await section.locator('[data-example="good"] code').textContent(),
    /privileged: false/,
  );
  assert.equal(await section.locator('.kh-badge').textContent(), 'critical');
  assert.match(await section.textContent(), /baseline/);
  const refs = await section.locator('.kh-refs a').evaluateAll((as) => as.map((a) => a.href));
  assert.ok(refs.length > 0 && refs.every((href) => /^https:\/\//.test(href)), `refs: ${refs}`);
  // The table of contents lists every rule, grouped by category.
  assert.equal(await page.locator('#toc a[href^="#"]:not([href^="#category-"])').count(), expected);
  assert.ok((await page.locator('#toc .kh-toc-group').count()) >= 2, 'several categories');
  assert.equal(await page.getAttribute('#playground-link', 'href'), 'index.html');

  // Filters hide what does not match.
  await page.fill('#catalog-filter', 'privileged container');
  const visible = await page.locator('section[data-rule]:visible').count();
  assert.ok(visible >= 1 && visible < expected, `${visible} of ${expected} shown`);
  assert.ok(await page.locator('section#privileged').isVisible());
  await page.fill('#catalog-filter', '');
  await page.selectOption('#catalog-severity', 'critical');
  const severities = await page.$$eval('section[data-rule]:not([hidden])', (els) =>
    els.map((el) => el.dataset.severity),
  );
  assert.ok(severities.length > 0 && severities.every((s) => s === 'critical'), `${severities}`);
  await context.close();
});

test('rules.html#<id> scrolls to the rule once the catalog has rendered', async () => {
  const context = await newContext(env.browser, log);
  const ids = await (async () => {
    const page = await openCatalog(context);
    const all = await page.$$eval('section[data-rule]', (els) => els.map((el) => el.id));
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

test('"Try it" links open the playground showing their rule', async () => {
  const context = await newContext(env.browser, log);
  const page = await openCatalog(context, '#privileged');
  const tries = await page.$$eval('a[data-try]', (as) =>
    as.map((a) => ({ rule: a.dataset.try, href: a.getAttribute('href') })),
  );
  assert.ok(tries.length > 0);
  for (const { href } of tries) assert.match(href, /^index\.html#share=/);
  // The page only leaves out the link when its own engine does not reproduce the finding
  // under the playground's settings (a rule that needs an option such as an allow-list).
  const without = await page.$$eval('[data-try-none]', (els) =>
    els.map((el) => el.dataset.tryNone),
  );
  const sections = await page.locator('section[data-rule]').count();
  assert.ok(!without.includes('privileged'));
  assert.ok(
    without.length <= sections / 10,
    `too many rules the playground cannot show: ${without}`,
  );

  // Click the privileged one as a person would.
  await Promise.all([
    page.waitForURL(/index\.html#share=/),
    page.click('a[data-try="privileged"]'),
  ]);
  await waitForCheck(page);
  assert.ok((await page.locator('[data-testid="findings"] [data-rule="privileged"]').count()) >= 1);
  const payload = JSON.parse(
    lzString.decompressFromEncodedURIComponent(new URL(page.url()).hash.slice('#share='.length)),
  );
  assert.match(payload.source, /privileged: true/);

  // Every rule's failing example shows that rule's finding under the link's settings.
  const missing = [];
  for (const { rule, href } of tries) {
    const url = new URL(href, new URL('rules.html', env.url)).href;
    await page.goto('about:blank');
    await page.goto(url);
    await waitForCheck(page);
    const count = await page.locator(`[data-testid="findings"] [data-rule="${rule}"]`).count();
    if (count === 0) missing.push(rule);
  }
  assert.deepEqual(missing, [], 'failing examples without their finding in the playground');
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

  // SARIF helpUri is absolute (resolved against the page).
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('#download-sarif'),
  ]);
  const sarif = JSON.parse(await readFile(await download.path(), 'utf8'));
  const rules = sarif.runs[0].tool.driver.rules;
  const base = new URL('rules.html', env.url).href;
  for (const rule of rules) {
    assert.equal(rule.helpUri, `${base}#${rule.id}`, `helpUri of ${rule.id}`);
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

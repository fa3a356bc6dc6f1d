// End-to-end tests of the generated documentation (rules/<id>.html, maps/*.html) and the
// <kubeharden-example> element on them. Needs `make pkg` and `npm --prefix www run build`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import lzString from 'lz-string';
import { launch, newContext, newLog } from './harness.mjs';

let env;
const log = newLog();

before(async () => {
  env = await launch();
});

after(async () => {
  await env?.browser.close();
  env?.server.close();
});

const url = (p) => new URL(p, env.url).href;

/** Wait until the example is live and has checked its current text. */
export async function waitForExample(page, selector) {
  await page.waitForFunction(
    (sel) => {
      const el = document.querySelector(sel);
      return (
        el?.dataset.state === 'ready' &&
        el.dataset.checkedVersion === (el.dataset.docVersion ?? '0')
      );
    },
    selector,
    { timeout: 20_000 },
  );
}

async function exampleFindings(page, selector) {
  return page.$$eval(`${selector} li[data-rule]`, (els) =>
    els.map((el) => ({ rule: el.dataset.rule, line: Number(el.dataset.line) })),
  );
}

test('a rule page is complete without JavaScript', async () => {
  const context = await newContext(env.browser, newLog(), { javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(url('rules/privileged.html'));
  assert.match(await page.locator('h1').textContent(), /privileged/i);
  // Rationale rendered from markdown (no raw backticks), references, both examples as text.
  const remediation = page.locator('[data-section="remediation"]');
  assert.equal(await remediation.locator('code').first().textContent(), 'privileged: true');
  assert.doesNotMatch(await remediation.textContent(), /`/);
  const refs = await page.$$eval('[data-section="references"] a', (as) => as.map((a) => a.href));
  assert.ok(refs.length > 0 && refs.every((h) => /^https:\/\//.test(h)), `refs: ${refs}`);
  assert.match(
    await page.locator('kubeharden-example[data-example="bad"]').textContent(),
    /privileged: true/,
  );
  assert.match(
    await page.locator('kubeharden-example[data-example="good"]').textContent(),
    /privileged: false/,
  );
  assert.ok(await page.locator('kubeharden-example pre').first().isVisible());
  // The index holds every rule in its HTML; its filters stay hidden without a script.
  await page.goto(url('rules.html'));
  const count = Number(await page.getAttribute('[data-testid="catalog"]', 'data-rule-count'));
  assert.equal(await page.locator('article[data-rule]').count(), count);
  assert.equal(await page.locator('#catalog-tools').isVisible(), false);
  await context.close();
});

test('the failing example shows the finding at its line; the quick fix removes it', async () => {
  const context = await newContext(env.browser, log);
  const page = await context.newPage();
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(url('rules/privileged.html'));
  const bad = 'kubeharden-example[data-example="bad"]';
  await waitForExample(page, bad);
  const source = await page.$eval(bad, (el) => el.textContent);
  const line =
    source
      .trim()
      .split('\n')
      .findIndex((l) => l.includes('privileged: true')) + 1;
  const found = await exampleFindings(page, bad);
  assert.ok(
    found.some((f) => f.rule === 'privileged' && f.line === line),
    `findings ${JSON.stringify(found)}, expected privileged at line ${line}`,
  );
  // The squiggle is in the editor on that line.
  const marked = page.locator(`${bad} .cm-line`, { hasText: 'privileged: true' });
  assert.equal((await marked.locator('.cm-lintRange').count()) > 0, true);

  // "Open in playground" carries the current text in the share-link format.
  const href = await page.locator(`${bad} a.playground`).getAttribute('href');
  assert.match(href, /\/index\.html#share=/);
  const payload = JSON.parse(
    lzString.decompressFromEncodedURIComponent(new URL(href).hash.slice('#share='.length)),
  );
  assert.match(payload.source, /privileged: true/);

  // The finding's docs link leads to the rule's entry on this site; docs-base moves it.
  const docs = page.locator(`${bad} li[data-rule="privileged"] a.rule`);
  assert.equal(await docs.getAttribute('href'), url('rules.html#privileged'));
  await page.$eval(bad, (el) => el.setAttribute('docs-base', 'https://docs.example.org/kh/'));
  await page.waitForFunction(
    (sel) =>
      document
        .querySelector(sel)
        .shadowRoot.querySelector('li[data-rule="privileged"] a.rule')
        ?.getAttribute('href') === 'https://docs.example.org/kh/rules.html#privileged',
    bad,
  );

  // Apply the quick fix from the findings list.
  const version = Number((await page.getAttribute(bad, 'data-doc-version')) ?? 0);
  await page.locator(`${bad} li[data-rule="privileged"] button.fix`).click();
  await page.waitForFunction(
    ([sel, v]) => Number(document.querySelector(sel).dataset.docVersion ?? 0) > v,
    [bad, version],
  );
  await waitForExample(page, bad);
  const after = await exampleFindings(page, bad);
  assert.ok(!after.some((f) => f.rule === 'privileged'), JSON.stringify(after));

  // Reset brings the failing text and its finding back.
  await page.locator(`${bad} button.reset`).click();
  await page.waitForFunction(
    (sel) =>
      [...document.querySelector(sel).shadowRoot.querySelectorAll('li[data-rule]')].some(
        (li) => li.dataset.rule === 'privileged',
      ),
    bad,
  );
  // Both examples share one wasm download.
  assert.equal(requests.filter((u) => u.endsWith('.wasm')).length, 1, requests.join('\n'));
  await context.close();
});

test('editing the text as a reader removes the finding', async () => {
  const context = await newContext(env.browser, log);
  const page = await context.newPage();
  await page.goto(url('rules/privileged.html'));
  const bad = 'kubeharden-example[data-example="bad"]';
  await waitForExample(page, bad);
  const line = page.locator(`${bad} .cm-line`, { hasText: 'privileged: true' });
  await line.click();
  await page.keyboard.press('End');
  for (let i = 0; i < 'true'.length; i++) await page.keyboard.press('Backspace');
  await page.keyboard.type('false');
  await page.waitForFunction(
    (sel) => {
      const el = document.querySelector(sel);
      return (
        el.dataset.checkedVersion === el.dataset.docVersion &&
        ![...el.shadowRoot.querySelectorAll('li[data-rule]')].some(
          (li) => li.dataset.rule === 'privileged',
        )
      );
    },
    bad,
    { timeout: 10_000 },
  );
  await context.close();
});

test('the passing example of every rule page has none of its rule’s findings', async () => {
  // A sample, not all pages: the engine's own tests check every example; this checks that the
  // element's settings (profile, enable, disable) match the rule page's.
  const context = await newContext(env.browser, log);
  const page = await context.newPage();
  for (const id of ['run-as-non-root', 'host-namespaces', 'image-registry', 'rbac-wildcard']) {
    await page.goto(url(`rules/${id}.html`));
    const bad = 'kubeharden-example[data-example="bad"]';
    const good = 'kubeharden-example[data-example="good"]';
    await waitForExample(page, bad);
    await page.locator(good).scrollIntoViewIfNeeded();
    await waitForExample(page, good);
    const badRules = (await exampleFindings(page, bad)).map((f) => f.rule);
    const goodRules = (await exampleFindings(page, good)).map((f) => f.rule);
    assert.ok(badRules.includes(id), `${id}: failing example shows ${badRules}`);
    assert.ok(!goodRules.includes(id), `${id}: passing example shows ${goodRules}`);
  }
  await context.close();
});

test('examples load the engine once per page, and only when one comes into view', async () => {
  const context = await newContext(env.browser, log, { viewport: { width: 1000, height: 500 } });
  const page = await context.newPage();
  const wasm = [];
  page.on('request', (r) => {
    if (r.url().endsWith('.wasm')) wasm.push(r.url());
  });
  // Six examples far below the fold on a page of our own origin.
  // Under the playground's own CSP (no 'unsafe-inline', no nonce for this page's styles).
  const csp = await page.request
    .get(url('index.html'))
    .then((r) => r.text())
    .then((t) => t.match(/http-equiv="Content-Security-Policy"\s+content="([^"]+)"/)[1]);
  const html = `<!doctype html><meta charset="utf-8"><title>t</title>
<meta http-equiv="Content-Security-Policy" content="${csp}">
${'<p>spacer</p>'.repeat(150)}
${Array.from(
  { length: 6 },
  (_, i) => `<kubeharden-example id="ex${i}" profile="restricted"><pre>apiVersion: v1
kind: Pod
metadata:
  name: p${i}
spec:
  containers:
    - name: app
      image: nginx:1.27
      securityContext:
        privileged: true
</pre></kubeharden-example>`,
).join('\n')}
<script type="module" src="${url('embed/kubeharden-example.js')}"></script>`;
  await page.route(url('embed-test.html'), (route) =>
    route.fulfill({ contentType: 'text/html', body: html }),
  );
  await page.goto(url('embed-test.html'));
  await page.waitForFunction(() => customElements.get('kubeharden-example'));
  await page.waitForTimeout(300);
  assert.equal(wasm.length, 0, 'no engine before an example is in view');
  assert.equal(await page.getAttribute('#ex0', 'data-state'), 'idle');
  for (let i = 0; i < 6; i++) {
    await page.locator(`#ex${i}`).scrollIntoViewIfNeeded();
    await waitForExample(page, `#ex${i}`);
    const found = await exampleFindings(page, `#ex${i}`);
    assert.ok(
      found.some((f) => f.rule === 'privileged' && f.line === 10),
      JSON.stringify(found),
    );
  }
  assert.equal(wasm.length, 1, `wasm requests: ${wasm}`);
  await context.close();
});

test('the example follows the host page’s light or dark scheme', async () => {
  const colors = {};
  for (const colorScheme of ['light', 'dark']) {
    const context = await newContext(env.browser, log, { colorScheme });
    const page = await context.newPage();
    await page.goto(url('rules/privileged.html'));
    const bad = 'kubeharden-example[data-example="bad"]';
    await waitForExample(page, bad);
    colors[colorScheme] = await page.$eval(
      bad,
      (el) => getComputedStyle(el.shadowRoot.querySelector('.cm-editor')).backgroundColor,
    );
    await context.close();
  }
  assert.equal(colors.light, 'rgb(255, 255, 255)');
  assert.notEqual(colors.dark, colors.light);
});

test('the maps are generated and say what is not covered', async () => {
  const context = await newContext(env.browser, log);
  const page = await context.newPage();
  await page.goto(url('maps/cis.html'));
  assert.ok((await page.locator('tr[data-item="5.2.2"] a[href$="privileged.html"]').count()) === 1);
  assert.ok((await page.locator('tr[data-item][data-not-covered]').count()) > 0);
  await page.goto(url('maps/pss.html'));
  assert.ok((await page.locator('tr[data-control]').count()) >= 19);
  await page.goto(url('maps/nsa-cisa.html'));
  assert.ok((await page.locator('[data-map="nsa-cisa"] tbody tr').count()) > 5);
  await page.goto(url('maps/peers.html'));
  for (const peer of [
    'kube-linter',
    'polaris',
    'kubesec',
    'kube-score',
    'checkov',
    'trivy',
    'kubescape',
  ]) {
    assert.ok((await page.locator(`tr[data-peer="${peer}"]`).count()) > 0, peer);
  }
  assert.ok(
    (await page
      .locator('tr[data-peer="kube-linter"][data-peer-id="privileged-container"] a')
      .count()) === 1,
  );
  assert.ok((await page.locator('tr[data-peer][data-not-covered]').count()) > 0);
  await context.close();
});

test('the docs pages only talk to their own origin and log no errors or CSP violations', () => {
  const origin = new URL(env.url).origin;
  const foreign = log.requests.filter((u) => {
    if (u.startsWith('data:') || u.startsWith('blob:') || u === 'about:blank') return false;
    return new URL(u).origin !== origin;
  });
  assert.deepEqual(foreign, []);
  assert.deepEqual(log.errors, []);
});

// End-to-end tests of the built playground (www/dist) in headless Chromium.
// Needs: `make pkg` (the wasm engine) and `npm --prefix www run build` first.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import lzString from 'lz-string';
import {
  docVersion,
  documentText,
  findings,
  launch,
  newContext,
  newLog,
  openPlayground,
  replaceDocument,
  waitForCheck,
} from './harness.mjs';

const ARTIFACTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'artifacts');

const PRIVILEGED_POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: default
spec:
  containers:
    - name: app
      image: nginx:1.27
      securityContext:
        privileged: true
`;
const PRIVILEGED_LINE = 11;

let env;
const log = newLog();

before(async () => {
  env = await launch();
  await mkdir(ARTIFACTS, { recursive: true });
});

after(async () => {
  await env?.browser.close();
  env?.server.close();
});

test('first visit opens the insecure example and shows its findings', async () => {
  const context = await newContext(env.browser, log);
  const page = await openPlayground(context, env.url);
  assert.match(await documentText(page), /kind: Deployment/);
  const total = Number(await page.getAttribute('[data-testid="summary"]', 'data-total'));
  assert.ok(total >= 3, `expected several findings in the insecure example, got ${total}`);
  const rules = new Set((await findings(page)).map((f) => f.rule));
  assert.ok(rules.has('privileged'), `privileged not among ${[...rules]}`);
  assert.ok(rules.has('host-namespaces'), `host-namespaces not among ${[...rules]}`);
  // Squiggles and gutter markers are drawn in the editor.
  assert.ok((await page.locator('.cm-lintRange').count()) > 0, 'no squiggles');
  assert.ok((await page.locator('.cm-lint-marker').count()) > 0, 'no gutter markers');
  // A hover tooltip explains the finding.
  await page.locator('.cm-lintRange-error').first().hover();
  const tooltip = page.locator('.cm-tooltip-lint .kh-tip').first();
  await tooltip.waitFor();
  assert.match(await tooltip.textContent(), /How to fix|Why it matters/);
  await page.screenshot({ path: path.join(ARTIFACTS, 'playground.png') });
  await context.close();
});

test('typing a privileged Pod shows the finding on its line, clicking it selects the range', async () => {
  const context = await newContext(env.browser, log);
  const page = await openPlayground(context, env.url);
  await replaceDocument(page, PRIVILEGED_POD);
  const finding = page.locator(`[data-testid="findings"] [data-rule="privileged"]`);
  assert.equal(await finding.count(), 1);
  assert.equal(await finding.getAttribute('data-line'), String(PRIVILEGED_LINE));
  await finding.click();
  assert.match(await page.locator('.cm-activeLine').textContent(), /privileged/);
  const selected = await page.evaluate(() => document.getSelection()?.toString() ?? '');
  assert.ok(selected.length > 0, 'clicking a finding should select its range');

  // Fix the field as a person would: go to the end of the line and change true to false.
  await page.locator('.cm-line', { hasText: 'privileged: true' }).click();
  await page.keyboard.press('End');
  for (let i = 0; i < 'true'.length; i++) await page.keyboard.press('Backspace');
  await page.keyboard.type('false');
  await waitForCheck(page);
  assert.equal(await page.locator('[data-rule="privileged"]').count(), 0);
  assert.match(await documentText(page), /privileged: false/);
  await context.close();
});

test('a syntax error is reported, not thrown', async () => {
  const context = await newContext(env.browser, log);
  const page = await openPlayground(context, env.url);
  await replaceDocument(page, 'apiVersion: v1\nkind: Pod\nmetadata: {name: [\n');
  const rules = (await findings(page)).map((f) => f.rule);
  assert.ok(rules.includes('yaml-syntax'), `expected yaml-syntax, got ${rules}`);
  await context.close();
});

test('pasting a 1,000-line file shows its findings', async () => {
  const context = await newContext(env.browser, log);
  const page = await openPlayground(context, env.url);
  const text = largeManifest(1000);
  assert.ok(text.split('\n').length >= 1000);
  await page.click('.cm-content');
  await page.keyboard.press('ControlOrMeta+A');
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await page.keyboard.press('ControlOrMeta+V');
  await page
    .waitForFunction(
      () => document.querySelector('.cm-gutters')?.textContent?.includes('1000'),
      null,
      { timeout: 10_000 },
    )
    .catch(() => {});
  await waitForCheck(page);
  const found = await findings(page);
  const privileged = found.filter((f) => f.rule === 'privileged');
  const pods = Math.floor(1000 / LINES_PER_POD);
  assert.equal(privileged.length, pods, `expected one privileged finding per Pod (${pods})`);
  const lastLine = Math.max(...privileged.map((f) => f.line));
  assert.ok(lastLine > 900, `findings should reach the end of the file (last at ${lastLine})`);
  await context.close();
});

test('share link round trip restores document and settings', async () => {
  const context = await newContext(env.browser, log);
  const page = await openPlayground(context, env.url);
  await replaceDocument(page, PRIVILEGED_POD);
  await page.selectOption('#profile', 'baseline');
  await waitForCheck(page);
  await page.click('[data-testid="share"]');
  await page.waitForFunction(() => location.hash.startsWith('#share='));
  const url = await page.evaluate(() => location.href);
  assert.ok(url.startsWith(env.url), 'the share link stays on this origin');
  const clipboard = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(clipboard, url, 'the share link is on the clipboard');
  const payload = JSON.parse(
    lzString.decompressFromEncodedURIComponent(new URL(url).hash.slice(7)),
  );
  assert.equal(payload.source, PRIVILEGED_POD);

  // Open the link in a fresh context: no localStorage, so everything comes from the URL.
  const other = await newContext(env.browser, log);
  const opened = await other.newPage();
  await opened.goto(url);
  await waitForCheck(opened);
  assert.equal(await documentText(opened), PRIVILEGED_POD.replace(/\n$/, '\n'));
  assert.equal(await opened.inputValue('#profile'), 'baseline');
  assert.equal(
    await opened.getAttribute('[data-rule="privileged"]', 'data-line'),
    String(PRIVILEGED_LINE),
  );
  await other.close();
  await context.close();
});

test('resource names stay inert text (no XSS)', async () => {
  const context = await newContext(env.browser, log);
  const page = await openPlayground(context, env.url);
  const evil = '<img src=x onerror=alert(1)>';
  await replaceDocument(page, PRIVILEGED_POD.replace('name: web', `name: "${evil}"`));
  const panelText = await page.textContent('[data-testid="findings"]');
  assert.ok(panelText.includes(evil), `the name should appear literally, got: ${panelText}`);
  assert.equal(await page.locator('[data-testid="findings"] img').count(), 0);
  await page.locator('.cm-lintRange').first().hover();
  await page.locator('.cm-tooltip-lint').first().waitFor();
  assert.equal(await page.locator('.cm-tooltip img, .cm-content img').count(), 0);
  assert.deepEqual(log.dialogs, [], 'no dialog may fire');
  await context.close();
});

test('reports download as CLI-shaped JSON and SARIF 2.1.0', async () => {
  const context = await newContext(env.browser, log, { acceptDownloads: true });
  const page = await openPlayground(context, env.url);
  await replaceDocument(page, PRIVILEGED_POD);

  const json = JSON.parse(await downloadText(page, '#download-json'));
  assert.equal(typeof json.version, 'string');
  assert.equal(json.files.length, 1);
  assert.equal(json.files[0].path, 'playground.yaml');
  const privileged = json.files[0].diagnostics.find((d) => d.rule === 'privileged');
  assert.ok(privileged, 'privileged diagnostic in the JSON report');
  assert.equal(privileged.range.start.line, PRIVILEGED_LINE - 1);

  const sarif = JSON.parse(await downloadText(page, '#download-sarif'));
  assert.equal(sarif.version, '2.1.0');
  const run = sarif.runs[0];
  assert.equal(run.tool.driver.name, 'kubeharden');
  const ruleIds = run.tool.driver.rules.map((r) => r.id);
  assert.ok(ruleIds.includes('privileged'));
  for (const rule of run.tool.driver.rules) {
    assert.ok(rule.shortDescription?.text, `${rule.id} has a shortDescription`);
  }
  const result = run.results.find((r) => r.ruleId === 'privileged');
  assert.equal(result.level, 'error');
  assert.equal(result.message.text, `${privileged.message} (${privileged.help})`);
  const region = result.locations[0].physicalLocation.region;
  assert.equal(region.startLine, PRIVILEGED_LINE);
  assert.equal(region.startColumn, privileged.range.start.character + 1);
  assert.equal(run.tool.driver.rules[result.ruleIndex].id, 'privileged');
  await context.close();
});

test('findings panel is keyboard navigable and severity-filterable', async () => {
  const context = await newContext(env.browser, log);
  const page = await openPlayground(context, env.url);
  const items = page.locator('[data-testid="findings"] button[data-rule]');
  const count = await items.count();
  assert.ok(count >= 2);
  await items.first().focus();
  await page.keyboard.press('ArrowDown');
  const focused = await page.evaluate(() => document.activeElement?.dataset.key);
  assert.equal(focused, await items.nth(1).getAttribute('data-key'));
  const line = await items.nth(1).getAttribute('data-line');
  await page.keyboard.press('Enter');
  const activeLine = await page.evaluate(() => {
    const sel = document.getSelection();
    return sel?.anchorNode ? sel.anchorNode.parentElement?.closest('.cm-line') !== null : false;
  });
  assert.ok(activeLine, 'Enter moves the selection into the editor');
  const gutterLine = await page.locator('.cm-activeLineGutter').first().textContent();
  assert.equal(gutterLine.trim(), line);

  // Sorted by severity within each resource group.
  const ranks = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
  const groups = await page.$$eval('[data-testid="findings"] .kh-group', (gs) =>
    gs.map((g) => [...g.querySelectorAll('[data-severity]')].map((b) => b.dataset.severity)),
  );
  for (const severities of groups) {
    const r = severities.map((s) => ranks[s]);
    assert.deepEqual(
      r,
      [...r].sort((a, b) => a - b),
    );
  }

  // Hiding a severity removes its findings from the list only.
  const severity = await items.first().getAttribute('data-severity');
  await page.click(`[data-testid="summary"] button[data-severity="${severity}"]`);
  assert.equal(
    await page.locator(`[data-testid="findings"] [data-severity="${severity}"]`).count(),
    0,
  );
  await context.close();
});

test('rule switches and profile persist in localStorage', async () => {
  const context = await newContext(env.browser, log);
  const page = await openPlayground(context, env.url);
  await replaceDocument(page, PRIVILEGED_POD);
  await page.click('#open-settings');
  const toggle = page.locator('[data-rule-switch="privileged"]');
  assert.equal(await toggle.isChecked(), true);
  await toggle.click();
  await page.click('#close-settings');
  await waitForCheck(page);
  assert.equal(await page.locator('[data-rule="privileged"]').count(), 0);
  await page.selectOption('#pss-version', 'v1.30');
  await page.reload();
  await waitForCheck(page);
  assert.equal(await page.locator('[data-rule="privileged"]').count(), 0, 'switch kept');
  assert.equal(await page.inputValue('#pss-version'), 'v1.30');
  assert.match(await documentText(page), /privileged: true/, 'document kept');
  await context.close();
});

test('quick fix applies the engine edits', async (t) => {
  const context = await newContext(env.browser, log);
  const page = await openPlayground(context, env.url);
  await replaceDocument(page, PRIVILEGED_POD);
  await page
    .locator('.cm-line', { hasText: 'privileged: true' })
    .locator('.cm-lintRange')
    .first()
    .hover();
  const action = page.locator('.cm-tooltip-lint .cm-diagnosticAction').first();
  if ((await action.count()) === 0) {
    await page.locator('.cm-tooltip-lint').first().waitFor();
  }
  if ((await action.count()) === 0) {
    t.skip('the engine offers no fix for this finding');
    await context.close();
    return;
  }
  const before = await documentText(page);
  await action.click();
  await waitForCheck(page);
  assert.notEqual(await documentText(page), before);
  await context.close();
});

/** Two safe fixes (allowPrivilegeEscalation, app's missing seccompProfile), one unsafe-only. */
const FIXABLE_POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: nginx:1.27
      securityContext:
        allowPrivilegeEscalation: true
        runAsNonRoot: true
        capabilities:
          drop: ["ALL"]
    - name: sidecar
      image: busybox:1.36
      securityContext:
        allowPrivilegeEscalation: false
        privileged: true
        runAsNonRoot: true
        capabilities:
          drop: ["ALL"]
        seccompProfile:
          type: RuntimeDefault
`;
const FIXABLE_POD_FIXED = FIXABLE_POD.replace(
  `        allowPrivilegeEscalation: true
        runAsNonRoot: true
        capabilities:
          drop: ["ALL"]
`,
  `        allowPrivilegeEscalation: false
        runAsNonRoot: true
        capabilities:
          drop: ["ALL"]
        seccompProfile:
          type: RuntimeDefault
`,
);

test('"Fix all safe" applies the safe fixes as one undo step', async () => {
  const context = await newContext(env.browser, log);
  const page = await openPlayground(context, env.url);
  await replaceDocument(page, FIXABLE_POD);
  const button = page.locator('[data-testid="fix-all"]');
  const rulesNow = async () => (await findings(page)).map((f) => f.rule);
  for (const rule of ['allow-privilege-escalation', 'seccomp-profile-restricted', 'privileged'])
    assert.ok((await rulesNow()).includes(rule), `${rule} not among ${await rulesNow()}`);
  assert.equal((await button.textContent()).trim(), 'Fix all safe (2)');
  assert.equal(await button.isEnabled(), true);

  // The cursor sits on a line below the inserted ones; it must stay with its text.
  await page.locator('.cm-line', { hasText: 'image: busybox:1.36' }).click();
  const before = await docVersion(page);
  await button.click();
  await page.waitForFunction(
    (v) => Number(document.querySelector('[data-testid="summary"]').dataset.docVersion) > v,
    before,
  );
  await waitForCheck(page);
  assert.equal(await documentText(page), FIXABLE_POD_FIXED);
  assert.equal(await docVersion(page), before + 1, 'one transaction');
  const after = await rulesNow();
  assert.ok(!after.includes('allow-privilege-escalation'), `still there: ${after}`);
  assert.ok(!after.includes('seccomp-profile-restricted'), `still there: ${after}`);
  assert.ok(after.includes('privileged'), `the unsafe-only finding must stay: ${after}`);
  assert.equal((await button.textContent()).trim(), 'Fix all safe (0)');
  assert.equal(await button.isDisabled(), true);
  assert.equal((await page.textContent('#toast')).trim(), 'Applied 2 fixes.');
  assert.match(await page.locator('.cm-activeLine').textContent(), /image: busybox:1\.36/);
  assert.ok(
    await page.evaluate(() => document.activeElement?.closest('.cm-editor') != null),
    'focus goes back to the editor',
  );

  // One undo restores the original text exactly.
  await page.keyboard.press('ControlOrMeta+Z');
  await waitForCheck(page);
  assert.equal(await docVersion(page), before + 2);
  assert.equal(await documentText(page), FIXABLE_POD);
  assert.equal((await button.textContent()).trim(), 'Fix all safe (2)');

  // The same manifest under the baseline profile has a finding but no safe fix.
  await page.selectOption('#profile', 'baseline');
  await waitForCheck(page);
  assert.equal((await page.textContent('[data-testid="summary"]')).includes('1 finding'), true);
  assert.deepEqual(await rulesNow(), ['privileged']);
  assert.equal((await button.textContent()).trim(), 'Fix all safe (0)');
  assert.equal(await button.isDisabled(), true);
  await context.close();
});

test('exceptions apply in pasted text, a pasted config applies, settings export as a config', async () => {
  const context = await newContext(env.browser, log);
  const page = await openPlayground(context, env.url);
  await replaceDocument(
    page,
    PRIVILEGED_POD.replace(
      'privileged: true',
      'privileged: true # kubeharden-ignore privileged: a test pod',
    ),
  );
  await waitForCheck(page);
  const rules = () => findings(page).then((all) => new Set(all.map((f) => f.rule)));
  assert.ok(!(await rules()).has('privileged'), 'the comment exception suppresses the finding');
  assert.equal(await page.getAttribute('[data-testid="suppressed"]', 'data-count'), '1');
  assert.ok((await rules()).has('run-as-non-root'));
  const sarif = JSON.parse(await downloadText(page, '#download-sarif'));
  const accepted = sarif.runs[0].results.find((r) => r.ruleId === 'privileged');
  assert.equal(accepted.suppressions.length, 1);
  assert.deepEqual(
    { ...accepted.suppressions[0], location: undefined },
    { kind: 'inSource', status: 'accepted', justification: 'a test pod', location: undefined },
  );
  assert.equal(
    accepted.suppressions[0].location.physicalLocation.artifactLocation.uri,
    'playground.yaml',
  );

  // A config with a wrong key: its profile applies, the key is reported with its line.
  await page.click('#open-settings');
  await page.click('#config-section summary');
  await page.fill('#config-text', 'profile: baseline\ndisabel: [image-tag]\n');
  await page.waitForSelector('[data-testid="config-problems"] li[data-rule="config-invalid"]');
  const problem = await page.textContent('[data-testid="config-problems"] li');
  assert.match(problem, /^line 2, column 1: unknown key "disabel".*did you mean "disable"/);
  await page.click('#close-settings');
  await waitForCheck(page);
  assert.ok(!(await rules()).has('run-as-non-root'), 'the baseline profile of the config applies');

  // Export: the settings as a .kubeharden.yaml the engine reads without a problem.
  await page.click('#open-settings');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('#export-config'),
  ]);
  assert.match(download.suggestedFilename(), /kubeharden\.yaml$/);
  const exported = await readFile(await download.path(), 'utf8');
  assert.match(exported, /^profile: hardened$/m);
  assert.match(exported, /^pssVersion: latest$/m);
  await page.fill('#config-text', exported);
  await page.waitForFunction(
    () => document.querySelectorAll('[data-testid="config-problems"] li').length === 0,
  );
  await context.close();
});

test('a rule that needs parameters asks for them where it is switched on (image-registry)', async () => {
  const context = await newContext(env.browser, log, { acceptDownloads: true });
  const page = await openPlayground(context, env.url);
  await replaceDocument(page, PRIVILEGED_POD);
  const rules = () => findings(page).then((all) => new Set(all.map((f) => f.rule)));
  await page.click('#open-settings');
  const input = page.locator('[data-rule-param="imageRegistries"]');
  assert.equal(await input.count(), 0, 'no input while the rule is off');
  await page.click('[data-rule-switch="image-registry"]');
  assert.equal(await input.count(), 1, 'the input appears with the rule');
  await input.fill('registry.example.com\nghcr.io/acme');
  await page.click('#close-settings');
  await waitForCheck(page);
  const finding = page.locator('[data-testid="findings"] [data-rule="image-registry"]');
  await finding.waitFor();
  assert.match(await finding.textContent(), /nginx:1\.27/);

  // The list rides in the exported config, which the engine reads back.
  await page.click('#open-settings');
  await page.click('#config-section summary');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('#export-config'),
  ]);
  const exported = await readFile(await download.path(), 'utf8');
  assert.match(exported, /^enable: \[image-registry\]$/m);
  assert.match(exported, /^imageRegistries: \["registry.example.com", "ghcr.io\/acme"\]$/m);

  // Allowing the image's registry clears the finding.
  await input.fill('docker.io');
  await page.click('#close-settings');
  await waitForCheck(page);
  assert.ok(!(await rules()).has('image-registry'));

  // Switched off again (no input), a pasted config with a registry list turns it on.
  await page.click('#open-settings');
  await page.click('#reset-rules');
  assert.equal(await input.count(), 0);
  await page.fill('#config-text', 'imageRegistries: [registry.example.com]\n');
  await page.click('#close-settings');
  await waitForCheck(page);
  await finding.waitFor();
  await context.close();
});

test('narrow screens stack the findings panel below the editor', async () => {
  const context = await newContext(env.browser, log, { viewport: { width: 390, height: 844 } });
  const page = await openPlayground(context, env.url);
  const editor = await page.locator('.kh-editor-pane').boundingBox();
  const panel = await page.locator('.kh-panel').boundingBox();
  assert.ok(panel.y >= editor.y + editor.height - 1, 'panel below editor');
  assert.ok(panel.width > 300);
  await context.close();
});

test('the page only talks to its own origin, serves wasm as application/wasm, and logs no errors', () => {
  const origin = new URL(env.url).origin;
  assert.ok(log.requests.length > 0);
  const foreign = log.requests.filter((u) => {
    if (u.startsWith('data:') || u.startsWith('blob:')) return false;
    return new URL(u).origin !== origin;
  });
  assert.deepEqual(foreign, [], 'requests outside the page origin');
  const wasm = log.responses.filter((r) => new URL(r.url).pathname.endsWith('.wasm'));
  assert.ok(wasm.length > 0, 'the engine wasm was fetched');
  for (const r of wasm) assert.equal(r.type, 'application/wasm');
  assert.deepEqual(log.errors, [], 'page errors, console errors or CSP violations');
});

const LINES_PER_POD = 20;

/** Pods of LINES_PER_POD lines each, every one privileged, until `lines` lines. */
function largeManifest(lines) {
  const docs = [];
  for (let i = 0; (docs.length + 1) * LINES_PER_POD <= lines; i++) {
    docs.push(`apiVersion: v1
kind: Pod
metadata:
  name: worker-${i}
  namespace: batch
  labels:
    app: worker
    shard: "${i}"
spec:
  containers:
    - name: app
      image: registry.example.com/worker:${i}
      args: ["--shard", "${i}"]
      ports:
        - containerPort: 8080
      securityContext:
        privileged: true
        runAsUser: 1000
        runAsNonRoot: true
---`);
  }
  return docs.join('\n') + '\n';
}

async function downloadText(page, selector) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return readFile(await download.path(), 'utf8');
}

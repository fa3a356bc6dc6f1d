// Shared set-up for the end-to-end tests: serve www/dist on a free loopback port and drive
// Debian's Chromium through playwright-core (no browser download).
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startServer, DIST } from '../scripts/static-server.mjs';

/** A pod with one privileged container, for the catalog and offline tests. */
export const PRIVILEGED_POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: nginx:1.27
      securityContext:
        privileged: true
`;

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launch() {
  if (!existsSync(`${DIST}/index.html`)) {
    throw new Error(`${DIST}/index.html is missing: run \`npm --prefix www run build\` first`);
  }
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const { server, url } = await startServer();
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  return { server, url, browser };
}

/**
 * A fresh browser context (empty localStorage) whose pages record every request, page
 * error, console error and CSP violation into `log`.
 */
export async function newContext(browser, log, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(
        `CSP violation: ${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber} ${location.href.slice(0, 60)}`,
      );
    });
  });
  context.on('request', (request) => log.requests.push(request.url()));
  context.on('response', (response) =>
    log.responses.push({ url: response.url(), type: response.headers()['content-type'] ?? '' }),
  );
  context.on('page', (page) => watchPage(page, log));
  return context;
}

function watchPage(page, log) {
  page.on('pageerror', (err) => log.errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') log.errors.push(`console: ${msg.text()}`);
  });
  page.on('dialog', (dialog) => {
    log.dialogs.push(dialog.message());
    dialog.dismiss().catch(() => {});
  });
}

export function newLog() {
  return { requests: [], responses: [], errors: [], dialogs: [] };
}

/** Open the playground and wait until the first check has been shown. */
export async function openPlayground(context, url) {
  const page = await context.newPage();
  await page.goto(url);
  await waitForCheck(page);
  return page;
}

/** Wait until the findings shown are those of the current document. */
export async function waitForCheck(page, timeout = 20_000) {
  await page.waitForFunction(
    () => {
      const s = document.querySelector('[data-testid="summary"]');
      return (
        s?.dataset.status === 'ready' &&
        s.dataset.version !== undefined &&
        s.dataset.version === s.dataset.docVersion
      );
    },
    null,
    { timeout },
  );
}

export async function docVersion(page) {
  return page.$eval('[data-testid="summary"]', (s) => Number(s.dataset.docVersion));
}

/** Replace the whole document as a person would: select all, then type/insert the text. */
export async function replaceDocument(page, text) {
  const before = await docVersion(page);
  await page.click('.cm-content');
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(text);
  await page.waitForFunction(
    (v) => Number(document.querySelector('[data-testid="summary"]').dataset.docVersion) > v,
    before,
  );
  await waitForCheck(page);
}

/** The editor's document, read from CodeMirror's view of it. */
export async function documentText(page) {
  return page.$$eval('.cm-content .cm-line', (lines) => lines.map((l) => l.textContent).join('\n'));
}

export async function findings(page) {
  return page.$$eval('[data-testid="findings"] [data-rule]', (els) =>
    els.map((el) => ({
      rule: el.dataset.rule,
      line: Number(el.dataset.line),
      text: el.textContent,
    })),
  );
}

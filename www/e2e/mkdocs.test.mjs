// <kubeharden-example> in a real docs generator: a small MkDocs site whose markdown page
// embeds two examples, built with the `mkdocs` the Makefile installs (MKDOCS=path/to/mkdocs),
// served, opened in Chromium; the findings must appear and nothing may leave the origin.
// Needs `npm --prefix www run build` (dist/embed/). Skips, saying so, without mkdocs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, newContext, newLog } from './harness.mjs';
import { DIST, startServer } from '../scripts/static-server.mjs';

const MKDOCS = process.env.MKDOCS ?? 'mkdocs';

function mkdocsVersion() {
  try {
    return execFileSync(MKDOCS, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

const version = mkdocsVersion();
const skip = version
  ? false
  : `mkdocs not found (${MKDOCS}); \`make test\` installs it (MKDOCS=… to point at one)`;
if (skip) console.log(`# SKIPPED mkdocs test: ${skip}`);

const POD = (name, extra) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
    - name: app
      image: nginx:1.27
      securityContext:
${extra}
`;

// The way a docs author writes it: the script once (mkdocs.yml extra_javascript), then the
// element around a <pre> in the markdown, inside a <div>: Python-Markdown only passes a
// block through untouched when it starts with a block-level tag, and a custom element is not
// one (it would wrap the element in a <p> and split it from its <pre>).
const PAGE = `# Our cluster policy

Containers must not run privileged. Try it, edit it:

<div><kubeharden-example profile="baseline"><pre>
${POD('web', '        privileged: true')}</pre></kubeharden-example></div>

They must not allow privilege escalation either:

<div><kubeharden-example profile="restricted"><pre>
${POD('api', '        allowPrivilegeEscalation: true')}</pre></kubeharden-example></div>
`;

let work;
let server;
let url;
let browser;

before(async () => {
  if (skip) return;
  if (!existsSync(path.join(DIST, 'embed/kubeharden-example.js'))) {
    throw new Error('dist/embed/ is missing: run `npm --prefix www run build` first');
  }
  work = await mkdtemp(path.join(tmpdir(), 'kubeharden-mkdocs-'));
  await mkdir(path.join(work, 'docs'));
  // As the README says: the whole built site under one folder of the docs site.
  await cp(DIST, path.join(work, 'docs/kubeharden'), { recursive: true });
  await writeFile(path.join(work, 'docs/index.md'), PAGE);
  await writeFile(
    path.join(work, 'mkdocs.yml'),
    `site_name: Platform docs
theme:
  name: mkdocs
  highlightjs: false
extra_javascript:
  - path: kubeharden/embed/kubeharden-example.js
    type: module
`,
  );
  execFileSync(MKDOCS, ['build', '--strict', '--quiet'], { cwd: work, stdio: 'inherit' });
  ({ server, url } = await startServer({ root: path.join(work, 'site') }));
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
});

after(async () => {
  await browser?.close();
  server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

test(
  `an MkDocs page with two examples shows their findings (${version ?? 'mkdocs'})`,
  { skip },
  async () => {
    const log = newLog();
    const context = await newContext(browser, log);
    const page = await context.newPage();
    await page.goto(url);
    const examples = page.locator('kubeharden-example');
    assert.equal(await examples.count(), 2);
    const found = [];
    for (let i = 0; i < 2; i++) {
      await examples.nth(i).scrollIntoViewIfNeeded();
      await page.waitForFunction(
        (n) => document.querySelectorAll('kubeharden-example')[n]?.dataset.state === 'ready',
        i,
        { timeout: 20_000 },
      );
      found.push(
        await examples
          .nth(i)
          .locator('li[data-rule]')
          .evaluateAll((els) => els.map((el) => `${el.dataset.rule}@${el.dataset.line}`)),
      );
    }
    assert.ok(found[0].includes('privileged@10'), `first example: ${found[0]}`);
    assert.ok(found[1].includes('allow-privilege-escalation@10'), `second example: ${found[1]}`);
    // "Open in playground" and the docs links lead to the copied site's pages.
    const playground = new URL(await examples.nth(0).locator('a.playground').getAttribute('href'));
    assert.equal(playground.pathname, '/kubeharden/index.html');
    assert.match(playground.hash, /^#share=/);
    const docs = await examples.nth(0).locator('a.rule').first().getAttribute('href');
    assert.match(docs, /\/kubeharden\/rules\.html#[a-z0-9-]+$/);
    for (const href of [playground.href, docs]) {
      const response = await page.request.get(href);
      assert.equal(response.status(), 200, href);
    }
    const origin = new URL(url).origin;
    const foreign = log.requests.filter(
      (u) => !u.startsWith('data:') && new URL(u).origin !== origin,
    );
    assert.deepEqual(foreign, [], 'requests off the site');
    assert.equal(log.requests.filter((u) => u.endsWith('.wasm')).length, 1);
    assert.deepEqual(log.errors, []);
    await context.close();
  },
);

// Benchmark of <kubeharden-example> (not a test): the size of the element's script without
// the shared wasm, and the time from opening a page to the first finding of an example on it.
// Needs the built site: `make pkg && npm --prefix www run build`, then
// `npm --prefix www run bench:embed`. Prints markdown tables.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { compressedSizes, median } from '../../benches/measure.mjs';
import { launch, newContext, newLog } from '../e2e/harness.mjs';
import { DIST } from '../scripts/static-server.mjs';

const LOADS = Number(process.env.BENCH_LOADS ?? 9);
const EMBED = path.join(DIST, 'embed');

const ms = (x) => `${x.toFixed(0)} ms`;
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;

const POD = (i) => `apiVersion: v1
kind: Pod
metadata:
  name: web-${i}
spec:
  containers:
    - name: app
      image: nginx:1.27
      securityContext:
        privileged: true
`;

/** A static page of the site's own origin with `count` examples, the first one in view. */
function page(count, scriptUrl) {
  const examples = Array.from(
    { length: count },
    (_, i) => `<p>Example ${i + 1}</p>
<kubeharden-example profile="restricted"><pre>${POD(i)}</pre></kubeharden-example>`,
  ).join('\n');
  return `<!doctype html><meta charset="utf-8"><title>embed bench</title>
<script type="module" src="${scriptUrl}"></script>
<h1>Docs page</h1>
${examples}`;
}

async function timeToFirstFinding(browser, url, count) {
  const samples = [];
  for (let i = 0; i < LOADS; i++) {
    const context = await newContext(browser, newLog());
    await context.addInitScript(() => {
      new MutationObserver((_, observer) => {
        const el = document.querySelector('kubeharden-example[data-findings]');
        if (el && Number(el.dataset.findings) > 0) {
          window.__firstFinding = performance.now();
          observer.disconnect();
        }
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-findings'] });
    });
    const target = new URL(`bench-embed-${count}.html`, url).href;
    await context.route(target, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: page(count, new URL('embed/kubeharden-example.js', url).href),
      }),
    );
    const tab = await context.newPage();
    await tab.goto(target);
    await tab.waitForFunction(() => window.__firstFinding !== undefined, null, {
      timeout: 30_000,
    });
    samples.push(await tab.evaluate(() => window.__firstFinding));
    await context.close();
  }
  return samples;
}

const files = (await readdir(EMBED)).sort();
const entry = files.find((f) => f === 'kubeharden-example.js');
if (!entry) throw new Error(`${EMBED}/kubeharden-example.js is missing: build the site first`);
const rows = [];
for (const f of files)
  rows.push({ file: `embed/${f}`, ...compressedSizes(await readFile(path.join(EMBED, f))) });
const script = rows.filter((r) => r.file.endsWith('.js'));
const total = script.reduce(
  (t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }),
  { raw: 0, gzip: 0, brotli: 0 },
);

const { browser, server, url } = await launch();
try {
  const one = await timeToFirstFinding(browser, url, 1);
  const five = await timeToFirstFinding(browser, url, 5);
  const cores = (await import('node:os')).cpus().length;
  console.log(
    `\n<kubeharden-example> benchmark (headless Chromium, ${cores} cores, local server, cold cache)\n`,
  );
  console.log('| file | raw | gzip | brotli |');
  console.log('| --- | --- | --- | --- |');
  for (const r of rows) {
    console.log(`| ${r.file} | ${kib(r.raw)} | ${kib(r.gzip)} | ${kib(r.brotli)} |`);
  }
  console.log(
    `| **script without the wasm** | ${kib(total.raw)} | ${kib(total.gzip)} | ${kib(total.brotli)} |`,
  );
  console.log('\n| measure | median | min | max |');
  console.log('| --- | --- | --- | --- |');
  for (const [label, xs] of [
    [`page open to first finding, 1 example (n=${one.length})`, one],
    [`page open to first finding, 5 examples (n=${five.length})`, five],
  ]) {
    console.log(
      `| ${label} | ${ms(median(xs))} | ${ms(Math.min(...xs))} | ${ms(Math.max(...xs))} |`,
    );
  }
} finally {
  await browser.close();
  server.close();
}

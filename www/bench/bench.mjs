// Playground benchmark (not a test): time to first findings, keystroke-to-squiggles on a
// 1,000-line manifest, and page weight. Prints a markdown table.
// Needs the built site: `make pkg && npm --prefix www run build`, then `npm --prefix www run bench`.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { compressedSizes, median } from '../../benches/measure.mjs';
import { launch, newContext, newLog, replaceDocument, waitForCheck } from '../e2e/harness.mjs';
import { DIST } from '../scripts/static-server.mjs';

const LOADS = Number(process.env.BENCH_LOADS ?? 7);
const EDITS = Number(process.env.BENCH_EDITS ?? 21);

const ms = (x) => `${x.toFixed(0)} ms`;
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;

function manifest(lines) {
  const pods = [];
  for (let i = 0; (pods.length + 1) * 20 <= lines; i++) {
    pods.push(`apiVersion: v1
kind: Pod
metadata:
  name: worker-${i}
  namespace: batch
  labels:
    app: worker
    shard: "${i}"
spec:
  hostNetwork: ${i % 3 === 0}
  containers:
    - name: app
      image: registry.example.com/worker:${i}
      ports:
        - containerPort: 8080
      securityContext:
        privileged: ${i % 2 === 0}
        allowPrivilegeEscalation: ${i % 4 === 0}
        runAsUser: ${i % 5 === 0 ? 0 : 1000}
---`);
  }
  return '# benchmark\n' + pods.join('\n') + '\n';
}

async function timeToFirstFindings(browser, url) {
  const samples = [];
  for (let i = 0; i < LOADS; i++) {
    const context = await newContext(browser, newLog());
    await context.addInitScript(() => {
      new MutationObserver((_, observer) => {
        const s = document.querySelector('[data-testid="summary"]');
        if (s?.dataset.status === 'ready' && s.dataset.version !== undefined) {
          window.__firstFindings = performance.now();
          observer.disconnect();
        }
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-status'] });
    });
    const page = await context.newPage();
    await page.goto(url);
    await waitForCheck(page);
    samples.push(await page.evaluate(() => window.__firstFindings));
    await context.close();
  }
  return samples;
}

async function keystrokeLatency(browser, url) {
  const context = await newContext(browser, newLog());
  const page = await context.newPage();
  await page.goto(url);
  await waitForCheck(page);
  const text = manifest(1000);
  await replaceDocument(page, text);
  const findings = Number(await page.getAttribute('[data-testid="summary"]', 'data-total'));
  await page.locator('.cm-line').first().click();
  await page.keyboard.press('End');
  const latencies = [];
  const panel = [];
  const engine = [];
  for (let i = 0; i < EDITS; i++) {
    await page.evaluate(() => {
      const summary = document.querySelector('[data-testid="summary"]');
      const editor = document.getElementById('editor');
      let keyAt = 0;
      addEventListener('keydown', (e) => (keyAt = e.timeStamp), { once: true, capture: true });
      // "Squiggles": the lint decorations for this edit's document version are in the DOM
      // (data-lint-version is set right after the synchronous setDiagnostics dispatch), then
      // the next frame has been produced (rAF, then the first task after it).
      const squiggles = new Promise((resolve) => {
        const observer = new MutationObserver(() => {
          if (!keyAt || editor.dataset.lintVersion !== summary.dataset.docVersion) return;
          observer.disconnect();
          requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - keyAt)));
        });
        observer.observe(editor, { attributes: true, attributeFilter: ['data-lint-version'] });
      });
      // "Panel": the summary says ready for this version, i.e. the findings list is rendered.
      const panel = new Promise((resolve) => {
        const observer = new MutationObserver(() => {
          const s = summary.dataset;
          if (s.status !== 'ready' || s.version !== s.docVersion || !keyAt) return;
          observer.disconnect();
          requestAnimationFrame(() =>
            setTimeout(() =>
              resolve({ latency: performance.now() - keyAt, engine: Number(s.checkMs) }),
            ),
          );
        });
        observer.observe(summary, { attributes: true });
      });
      window.__edit = Promise.all([squiggles, panel]).then(([latency, p]) => ({
        latency,
        panel: p.latency,
        engine: p.engine,
      }));
    });
    await page.keyboard.press(i % 2 ? 'Backspace' : 'x');
    const r = await page.evaluate(() => window.__edit);
    latencies.push(r.latency);
    panel.push(r.panel);
    engine.push(r.engine);
    await page.waitForTimeout(50);
  }
  await context.close();
  return { latencies, panel, engine, findings, lines: text.split('\n').length - 1 };
}

async function pageWeight() {
  const rows = [];
  const walk = async (dir) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      // The playground's weight: the docs pages (rules/, maps/) and the stand-alone element
      // (embed/, see bench/embed.mjs) are separate downloads of the same deployment.
      if (entry.isDirectory()) {
        if (!(dir === DIST && ['embed', 'rules', 'maps'].includes(entry.name))) await walk(file);
      } else if (/\.(wasm|js|css|html)$/.test(entry.name)) {
        const body = await readFile(file);
        rows.push({ file: path.relative(DIST, file), ...compressedSizes(body) });
      }
    }
  };
  await walk(DIST);
  return rows.sort((a, b) => b.raw - a.raw);
}

const { browser, server, url } = await launch();
try {
  const first = await timeToFirstFindings(browser, url);
  const keys = await keystrokeLatency(browser, url);
  const weight = await pageWeight();
  const total = weight.reduce(
    (t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }),
    { raw: 0, gzip: 0, brotli: 0 },
  );
  const cores = (await import('node:os')).cpus().length;
  console.log(
    `\nkubeharden playground benchmark (headless Chromium, ${cores} cores, local server)\n`,
  );
  console.log('| measure | median | min | max |');
  console.log('| --- | --- | --- | --- |');
  console.log(
    `| time to first findings (page open, cold cache, n=${first.length}) | ${ms(median(first))} | ${ms(Math.min(...first))} | ${ms(Math.max(...first))} |`,
  );
  console.log(
    `| keystroke to updated squiggles, ${keys.lines}-line manifest, ${keys.findings} findings (n=${keys.latencies.length}) | ${ms(median(keys.latencies))} | ${ms(Math.min(...keys.latencies))} | ${ms(Math.max(...keys.latencies))} |`,
  );
  console.log(
    `| keystroke to findings panel and summary updated (rendered after the squiggles) | ${ms(median(keys.panel))} | ${ms(Math.min(...keys.panel))} | ${ms(Math.max(...keys.panel))} |`,
  );
  console.log(
    `| engine check of that manifest in the worker | ${ms(median(keys.engine))} | ${ms(Math.min(...keys.engine))} | ${ms(Math.max(...keys.engine))} |`,
  );
  console.log('\n| file | raw | gzip | brotli |');
  console.log('| --- | --- | --- | --- |');
  for (const r of weight)
    console.log(`| ${r.file} | ${kib(r.raw)} | ${kib(r.gzip)} | ${kib(r.brotli)} |`);
  console.log(`| **total** | ${kib(total.raw)} | ${kib(total.gzip)} | ${kib(total.brotli)} |`);
} finally {
  await browser.close();
  server.close();
}

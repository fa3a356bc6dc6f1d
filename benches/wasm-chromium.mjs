// Both WebAssembly modules under headless Chromium (the playground's and
// the docs' engine runs in a browser): wall time per check of the 150-line
// Deployment, the median of 7 rounds of at least 1 s after warm-up. Needs
// `make pkg` and www's dependencies (`npm --prefix www ci`: playwright-core)
// and Debian's chromium.
//
//   node benches/wasm-chromium.mjs
//   PKG=/tmp/other-pkg node benches/wasm-chromium.mjs
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { join, dirname, extname, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = process.env.PKG ?? join(root, 'pkg');
const { chromium } = await import(join(root, 'www/node_modules/playwright-core/index.mjs'));

const page = `<!doctype html><script type="module">
const source = await (await fetch('/deployment-150.yaml')).text();
async function bench(dir) {
  const m = await import('/pkg/' + dir + '/kubeharden.js');
  await m.default({ module_or_path: '/pkg/' + dir + '/kubeharden_bg.wasm' });
  for (let i = 0; i < 300; i++) m.check(source);
  const rounds = [];
  for (let r = 0; r < 7; r++) {
    const t = performance.now();
    let n = 0;
    while (performance.now() - t < 1000) {
      for (let i = 0; i < 20; i++) m.check(source);
      n += 20;
    }
    rounds.push(((performance.now() - t) * 1000) / n);
  }
  return rounds.sort((a, b) => a - b);
}
window.result = { 'pkg/web (built for size)': await bench('web'), 'pkg/lsp/web (built for speed)': await bench('lsp/web') };
</script>`;

const types = { '.js': 'text/javascript', '.wasm': 'application/wasm' };
const server = http.createServer((req, res) => {
  const url = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  let file;
  if (url === '/') return res.setHeader('content-type', 'text/html').end(page);
  if (url === '/deployment-150.yaml') file = join(root, 'benches/data/deployment-150.yaml');
  else if (url.startsWith('/pkg/')) file = join(pkg, normalize(url.slice(5)).replace(/^(\.\.[/\\])+/, ''));
  try {
    const body = readFileSync(file);
    res.setHeader('content-type', types[extname(file)] ?? 'application/octet-stream').end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
try {
  const tab = await browser.newPage();
  tab.on('pageerror', (e) => console.error(e));
  await tab.goto(`http://127.0.0.1:${server.address().port}/`);
  await tab.waitForFunction(() => window.result, null, { timeout: 180_000 });
  console.log(`150-line Deployment under ${browser.version()}, wall time per check:`);
  for (const [name, rounds] of Object.entries(await tab.evaluate(() => window.result))) {
    console.log(`  ${name}: median ${rounds[3].toFixed(1)} µs (rounds ${rounds.map((t) => t.toFixed(0)).join(' ')})`);
  }
} finally {
  await browser.close();
  server.close();
}

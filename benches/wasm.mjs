// wasm benchmark under Node (`make bench`): median time of check() on the
// 150-line Deployment and on Argo CD's install manifest (when ../shared exists).
import { readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// PKG: another build of the package (to compare wasm-opt settings).
const { check } = await import(join(process.env.PKG ?? join(root, 'pkg'), 'node/index.mjs'));

function measure(name, source, minRuns) {
  for (let i = 0; i < 3; i++) check(source);
  const times = [];
  const start = performance.now();
  while (times.length < minRuns || performance.now() - start < 2000) {
    const t = performance.now();
    check(source);
    times.push(performance.now() - t);
    if (times.length >= 100000) break;
  }
  times.sort((a, b) => a - b);
  const med = times[Math.floor(times.length / 2)];
  const p90 = times[Math.floor(times.length * 0.9)];
  console.log(`| wasm (Node ${process.versions.node}) | ${name} | ${source.split('\n').length} lines | ${times.length} runs | median ${(med * 1000).toFixed(1)} µs | p90 ${(p90 * 1000).toFixed(1)} µs |`);
}

measure('deployment-150.yaml', readFileSync(join(root, 'benches/data/deployment-150.yaml'), 'utf8'), 1000);
const shared = process.env.SHARED_DIR ?? join(root, '../shared');
const argo = join(shared, 'corpus/real/argo-cd/install.yaml');
if (existsSync(argo)) measure('argo-cd/install.yaml', readFileSync(argo, 'utf8'), 20);
else console.log('SKIPPED argo-cd/install.yaml: ../shared is absent');

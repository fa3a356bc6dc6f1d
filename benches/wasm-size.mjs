// Size and speed of the WebAssembly module against the native engine
// (`make bench-wasm`; issue 15's goals: brotli at most 300 KB, the 150-line
// Deployment at most 2.5 times the native time).
//
// Times are CPU time (user + system of this process, `process.cpuUsage()`),
// not wall time: the machines this runs on are shared, and a busy neighbour
// stretches wall time but not the CPU time check() itself spends. The median
// of ROUNDS rounds of at least 1 s each is printed.
//
//   node benches/wasm-size.mjs              # pkg/ as `make pkg` built it
//   PKG=/tmp/other-pkg node benches/wasm-size.mjs
//   NATIVE_US=83.2 node benches/wasm-size.mjs   # skip the native run
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = process.env.PKG ?? join(root, 'pkg');
const rounds = Number(process.env.ROUNDS ?? 7);

// Size: the web build is what the playground and `<kubeharden-example>`
// download; the node build is the same module with other glue.
const wasm = readFileSync(join(pkg, 'web/kubeharden_bg.wasm'));
const gzip = gzipSync(wasm, { level: 9 }).length;
// brotliCompressSync's defaults: quality 11, the same as `make bench`'s figure.
const brotli = brotliCompressSync(wasm, {
  params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: wasm.length },
}).length;

const { check } = await import(join(pkg, 'node/index.mjs'));
const source = readFileSync(join(root, 'benches/data/deployment-150.yaml'), 'utf8');
// Warm up: compile tiers, grow the heap.
for (let i = 0; i < 200; i++) check(source);
const perCheck = [];
for (let r = 0; r < rounds; r++) {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  let n = 0;
  while (performance.now() - wall < 1000) {
    for (let i = 0; i < 50; i++) check(source);
    n += 50;
  }
  const used = process.cpuUsage(cpu);
  perCheck.push((used.user + used.system) / n);
}
perCheck.sort((a, b) => a - b);
const wasmUs = perCheck[Math.floor(perCheck.length / 2)];

// Native: the `check` benchmark's CPU time per check on the same file.
let nativeUs = Number(process.env.NATIVE_US);
if (!nativeUs) {
  const out = spawnSync('cargo', ['bench', '--locked', '--bench', 'check', '--', 'deployment'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, CPU_ROUNDS: String(rounds) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const m = /cpu ([\d.]+) µs/.exec(out.stdout ?? '');
  if (out.status !== 0 || !m) {
    console.error(out.stdout);
    throw new Error('the native benchmark did not print its CPU time');
  }
  nativeUs = Number(m[1]);
}

const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
console.log(`wasm module (${join(pkg, 'web/kubeharden_bg.wasm')}):`);
console.log(`  raw ${wasm.length} / gzip -9 ${gzip} / brotli 11 ${brotli} bytes (brotli ${kb(brotli)}; goal 300 KB)`);
console.log(`150-line Deployment, CPU per check (median of ${rounds} rounds):`);
console.log(`  wasm (Node ${process.versions.node}) ${wasmUs.toFixed(1)} µs (rounds ${perCheck.map((t) => t.toFixed(0)).join(' ')})`);
console.log(`  native ${nativeUs.toFixed(1)} µs`);
console.log(`  wasm/native ${(wasmUs / nativeUs).toFixed(2)}x (goal 2.5x)`);

// Size and speed of the two WebAssembly modules against the native engine
// (`make bench-wasm`; issue 15's goals: brotli at most 300 KB, the 150-line
// Deployment at most 2.5 times the native time):
//   - pkg/web: the checker built for size (opt-level "z"), which browsers
//     download (the playground, the docs' live examples);
//   - pkg/lsp: the checker and the language server built for speed
//     (opt-level 2), which Node (`import { check } from 'kubeharden'`) and
//     editors load from disk.
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
import { compressedSizes } from './measure.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = process.env.PKG ?? join(root, 'pkg');
const rounds = Number(process.env.ROUNDS ?? 7);
const source = readFileSync(join(root, 'benches/data/deployment-150.yaml'), 'utf8');

function cpuPerCheck(check) {
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
  return { median: perCheck[Math.floor(perCheck.length / 2)], rounds: perCheck };
}

// The module browsers download, through its own (web) glue.
const web = await import(join(pkg, 'web/kubeharden.js'));
await web.default({ module_or_path: readFileSync(join(pkg, 'web/kubeharden_bg.wasm')) });
// The module loaded from disk, as Node users import it.
const node = await import(join(pkg, 'node/index.mjs'));
const modules = [
  { name: 'pkg/web (built for size; browsers download it)', wasm: 'web/kubeharden_bg.wasm', check: web.check },
  { name: 'pkg/lsp (built for speed; Node and editors load it)', wasm: 'lsp/web/kubeharden_bg.wasm', check: node.check },
];
for (const m of modules) Object.assign(m, compressedSizes(readFileSync(join(pkg, m.wasm))), { time: cpuPerCheck(m.check) });

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
console.log(`150-line Deployment, CPU per check (median of ${rounds} rounds, Node ${process.versions.node}); native ${nativeUs.toFixed(1)} µs`);
for (const m of modules) {
  const ratio = m.time.median / nativeUs;
  console.log(`${m.name}:`);
  console.log(`  raw ${m.raw} / gzip -9 ${m.gzip} / brotli 11 ${m.brotli} bytes (brotli ${kb(m.brotli)}; goal 300 KB: ${m.brotli <= 300_000 ? 'met' : 'not met'})`);
  console.log(`  wasm ${m.time.median.toFixed(1)} µs (rounds ${m.time.rounds.map((t) => t.toFixed(0)).join(' ')})`);
  console.log(`  wasm/native ${ratio.toFixed(2)}x (goal 2.5x: ${ratio <= 2.5 ? 'met' : 'not met'})`);
}
const both = modules.filter((m) => m.brotli <= 300_000 && m.time.median / nativeUs <= 2.5);
console.log(`one module meeting both goals: ${both.length ? both.map((m) => m.name).join(', ') : 'none'}`);

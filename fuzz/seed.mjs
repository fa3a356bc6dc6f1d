// Seeds the fuzz corpora (fuzz/corpus/<target>/, not committed) from the
// project's fixtures, the rule catalog's examples and, when it is there, the
// shared PSS corpus. Run by `make fuzz` and `make fuzz-smoke`:
//
//   node fuzz/seed.mjs RULES_JSON
//
// RULES_JSON is the output of `kubeharden rules --format json`. Seeds are
// named by their SHA-1, as libFuzzer names what it adds, so seeding again
// adds nothing twice and a corpus grown by earlier runs is kept.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const fuzz = dirname(fileURLToPath(import.meta.url));
const root = join(fuzz, '..');
// Larger seeds slow every execution; libFuzzer's -max_len cuts mutants anyway.
const MAX_SEED = 16 * 1024;

function files(dir) {
  if (!existsSync(dir)) return [];
  // Sorted: readdir's order differs between file systems, and the order
  // decides each seed's option bytes and its neighbour in the bundle seeds.
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.(ya?ml|json)$/.test(name) ? [path] : [];
  });
}

const texts = [];
for (const dir of ['tests/fixtures', 'tests/fix_data']) {
  for (const f of files(join(root, dir))) texts.push(readFileSync(f));
}
const shared = join(process.env.SHARED_DIR ?? join(root, '../shared'), 'corpus/pss');
if (existsSync(shared)) for (const f of files(shared)) texts.push(readFileSync(f));
else console.log(`seed: ${shared} is absent; seeding without it`);
const rulesJson = process.argv[2];
if (!rulesJson) throw new Error('usage: node fuzz/seed.mjs RULES_JSON');
for (const rule of JSON.parse(readFileSync(rulesJson, 'utf8'))) {
  for (const example of [rule.badExample, rule.goodExample]) {
    if (example) texts.push(Buffer.from(example));
  }
}
const seeds = texts.filter((t) => t.length <= MAX_SEED);

function write(target, bytes) {
  const dir = join(fuzz, 'corpus', target);
  mkdirSync(dir, { recursive: true });
  const name = createHash('sha1').update(bytes).digest('hex');
  const path = join(dir, name);
  if (existsSync(path)) return 0;
  writeFileSync(path, bytes);
  return 1;
}

// check, fix_all: four option bytes (src/lib.rs `options`), then the text.
// The profile cycles so each profile starts with every kind of manifest.
const profiles = [2, 1, 0];
const counts = {};
const add = (target, bytes) => (counts[target] = (counts[target] ?? 0) + write(target, bytes));
seeds.forEach((text, i) => {
  const header = Buffer.from([profiles[i % profiles.length], 0, 0, 0]);
  add('check', Buffer.concat([header, text]));
  add('fix_all', Buffer.concat([header, text]));
});
// bundle: the sources cut at 0xFF bytes: each stream's documents as
// sources, and each text beside the next one (cross-file references).
const documents = (text) =>
  text
    .toString('utf8')
    .split(/^---[ \t]*\r?$/m)
    .filter((d) => d.trim() !== '')
    .map((d) => Buffer.from(d));
const FF = Buffer.from([0xff]);
const joinSources = (parts) => Buffer.concat(parts.flatMap((p, i) => (i ? [FF, p] : [p])));
seeds.forEach((text, i) => {
  const header = Buffer.from([profiles[i % profiles.length], 0, 0, 0]);
  const docs = documents(text);
  if (docs.length > 1) add('bundle', Buffer.concat([header, joinSources(docs)]));
  const next = seeds[(i + 1) % seeds.length];
  add('bundle', Buffer.concat([header, joinSources([text, next])]));
});
console.log(`seed: ${seeds.length} texts; new seeds: ${JSON.stringify(counts)}`);
// config: config files (every form the reader knows) and the manifests (a
// config reader meets YAML of every shape).
const configs = [
  'profile: restricted\npssVersion: v1.29\nfailOn: medium\n',
  'enable: [image-registry]\ndisable: [image-tag, resource-limits]\nimageRegistries: ["ghcr.io/org/"]\n',
  'severity:\n  privileged: low\n  image-tag: info\nexclude: ["vendor/**", "charts/*/tests/**", "{a,b}/[x-z]?.yaml"]\n',
  'exemptions:\n  - rules: [privileged, host-namespaces]\n    kind: DaemonSet\n    namespace: "kube-*"\n    name: falco\n    reason: "node agent needs the host"\n    until: 2030-01-01\n',
  'profle: baseline\nexclude: ["vendor/["]\nexemptions: {rules: x}\nseverity: [low]\n',
  'a: &a\n  <<: *a\nprofile: *a\n',
];
let configSeeds = 0;
for (const c of configs) configSeeds += write('config', Buffer.from(c));
for (const text of seeds.slice(0, 200)) configSeeds += write('config', text);
console.log(`seed: config ${configSeeds} new seeds`);

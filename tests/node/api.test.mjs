// The npm package as Node users import it (no init call), and CLI/wasm
// parity: the same input gives the same diagnostics through both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { check, checkBundle, fixAll, ignoreFix, report, rules, ruleSelection, pssVersions, version } = await import(
  join(root, 'pkg/node/index.mjs')
);

function fixtures(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? fixtures(p) : p.endsWith('.yaml') ? [p] : [];
  });
}

test('node entry needs no init and returns plain objects', () => {
  const r = check('apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: b, securityContext: {privileged: true}}]\n');
  assert.ok(r.diagnostics.some((d) => d.rule === 'privileged'));
  assert.equal(typeof version(), 'string');
  assert.ok(rules().length >= 10);
});

test('each ESM entry re-exports every function of its module', async () => {
  const { createRequire } = await import('node:module');
  const engine = createRequire(import.meta.url)(join(root, 'pkg/lsp/node/kubeharden.js'));
  const api = Object.keys(engine).filter((k) => typeof engine[k] === 'function' && !k.startsWith('__') && k !== 'start');
  const lsp = await import(join(root, 'pkg/lsp/node/index.mjs'));
  assert.deepEqual(Object.keys(lsp).sort(), api.sort());
  // Node's main entry: the checker's API of the same module (built for
  // speed), the very same functions.
  const checker = await import(join(root, 'pkg/node/index.mjs'));
  const server = ['LanguageServer', 'debounceMs'];
  assert.deepEqual(Object.keys(checker).sort(), api.filter((k) => !server.includes(k)).sort());
  for (const k of Object.keys(checker)) assert.equal(checker[k], engine[k], k);
});

test('the module browsers download has the checker without the language server', async () => {
  const web = await import(join(root, 'pkg/web/kubeharden.js'));
  await web.default({ module_or_path: readFileSync(join(root, 'pkg/web/kubeharden_bg.wasm')) });
  const lsp = await import(join(root, 'pkg/lsp/node/index.mjs'));
  assert.equal(web.LanguageServer, undefined);
  const server = new lsp.LanguageServer();
  const [reply] = server.handle({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { capabilities: {} } });
  assert.equal(reply.id, 1);
  assert.ok(reply.result.capabilities);
  const sizes = ['pkg/web', 'pkg/lsp/web'].map((d) => readFileSync(join(root, d, 'kubeharden_bg.wasm')).length);
  assert.ok(sizes[0] < sizes[1], `checker ${sizes[0]} bytes, language server ${sizes[1]}`);
});

test('the module built for size and the one built for speed give the same results', async () => {
  const web = await import(join(root, 'pkg/web/kubeharden.js'));
  await web.default({ module_or_path: readFileSync(join(root, 'pkg/web/kubeharden_bg.wasm')) });
  const files = fixtures(join(root, 'tests/fixtures'));
  assert.ok(files.length > 5);
  for (const path of files) {
    const text = readFileSync(path, 'utf8');
    for (const options of [undefined, { profile: 'restricted' }]) {
      assert.deepEqual(web.check(text, options), check(text, options), path);
    }
    assert.deepEqual(web.fixAll(text), fixAll(text), path);
    // The playground's report downloads come from the module built for size.
    for (const format of ['json', 'sarif']) {
      assert.equal(web.report(text, format, path), report(text, format, path), `${path} ${format}`);
    }
  }
  const sources = files.map((name) => ({ name, text: readFileSync(name, 'utf8') }));
  assert.deepEqual(web.checkBundle(sources), checkBundle(sources));
  assert.deepEqual(web.rules(), rules());
});

test('hostile input leaves both shipped modules usable', async () => {
  // Their opt-levels differ, and so do their stack frames: the depth limits
  // must hold in each (tests/wasm.rs runs these on the test build).
  const web = await import(join(root, 'pkg/web/kubeharden.js'));
  await web.default({ module_or_path: readFileSync(join(root, 'pkg/web/kubeharden_bg.wasm')) });
  const lines = (n, f) => Array.from({ length: n }, (_, i) => f(i + 1, i)).join('');
  const inputs = [
    '['.repeat(20_000),
    '{a: '.repeat(5_000),
    'a:\n' + lines(1_500, (i) => `${' '.repeat(i)}a:\n`),
    '- '.repeat(10_000),
    'a0: &a0 {x: 1}\n' + lines(599, (i, p) => `a${i}: &a${i} {<<: *a${p}, k${i}: ${i}}\n`),
    'a0: &a0 {x: 1}\n' + lines(39, (i, p) => `a${i}: &a${i} {<<: [*a${p}, *a${p}, *a${p}, *a${p}]}\n`),
    'a: &a\n  b: 1\n  <<: *a\n',
    'a: &a [1, *a]\n',
    '%ééé\n---\n:\n',
  ];
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: b, securityContext: {privileged: true}}]\n';
  for (const engine of [web, { check, fixAll }]) {
    for (const s of inputs) {
      engine.check(s);
      engine.fixAll(s);
      assert.ok(engine.check(pod).diagnostics.some((d) => d.rule === 'privileged'));
    }
  }
});

test('invalid options throw an Error, source text never does', () => {
  assert.throws(() => check('a: 1', { profile: 'nope' }), /unknown profile/);
  for (const s of ['', '[[[[', '\u0000', '{{ .Values }}', 'a: *x']) check(s);
});

test('a non-string source throws a TypeError and the module keeps working', () => {
  for (const bad of [42, {}, null, undefined, ['a: 1']]) {
    assert.throws(() => check(bad), TypeError);
    assert.throws(() => fixAll(bad), TypeError);
  }
  // Values that contain themselves once overflowed the stack and trapped the
  // module for every later call.
  for (const s of ['a: &a\n  b: 1\n  <<: *a\n', 'a: &a\n  <<: [*a]\n', 'x:\n- &a\n  <<: *a\n']) {
    assert.ok(check(s).diagnostics.some((d) => d.rule === 'yaml-syntax'));
    fixAll(s);
  }
  const r = check('apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: b, securityContext: {privileged: true}}]\n');
  assert.ok(r.diagnostics.some((d) => d.rule === 'privileged'));
});

test('fixAll applies safe fixes into one securityContext block', () => {
  const src = 'apiVersion: v1\r\nkind: Pod\r\nmetadata: {name: p}\r\nspec:\r\n  containers:\r\n  - name: a\r\n    image: nginx\r\n';
  const r = fixAll(src);
  assert.equal(r.text.match(/securityContext:/g).length, 1);
  assert.ok(r.text.includes('    securityContext:\r\n      allowPrivilegeEscalation: false\r\n'));
  assert.deepEqual(r.applied.map((a) => a.rule).sort(), ['allow-privilege-escalation', 'seccomp-profile-restricted']);
  assert.ok(r.skipped.every((s) => s.reason === 'unsafe'));
  assert.ok(!r.diagnostics.some((d) => d.rule === 'allow-privilege-escalation'));
  assert.deepEqual(check(r.text).diagnostics, r.diagnostics);
  assert.deepEqual(fixAll(r.text).applied, []);
  assert.throws(() => fixAll('a: 1', { disable: ['nope'] }), /unknown rule id/);
  for (const s of ['', '[[[[', '\u0000', '{{ .Values }}', 'a: *x']) assert.equal(fixAll(s).text, s);
});

test('web entry works with an explicit init', async () => {
  const web = await import(join(root, 'pkg/web/kubeharden.js'));
  await web.default({ module_or_path: readFileSync(join(root, 'pkg/web/kubeharden_bg.wasm')) });
  assert.ok(web.check('a: 1').diagnostics.length === 0);
});

function cli(args) {
  const bin = process.env.KUBEHARDEN_BIN;
  assert.ok(bin, 'KUBEHARDEN_BIN must point at the native CLI');
  try {
    return JSON.parse(execFileSync(bin, ['check', '--format', 'json', ...args], { encoding: 'utf8', maxBuffer: 1 << 26 }));
  } catch (e) {
    return JSON.parse(e.stdout); // exit status 1: findings
  }
}

test('CLI and wasm give identical diagnostics, file by file', () => {
  const files = fixtures(join(root, 'tests/fixtures'));
  assert.ok(files.length > 5);
  for (const path of files) {
    const report = cli([path]);
    assert.equal(report.files.length, 1);
    assert.deepEqual(check(readFileSync(path, 'utf8')).diagnostics, report.files[0].diagnostics, path);
  }
});

test('CLI and wasm checkBundle give identical diagnostics for one bundle of many files', () => {
  const files = fixtures(join(root, 'tests/fixtures'));
  const report = cli(files);
  assert.equal(report.files.length, files.length);
  const bundle = checkBundle(files.map((name) => ({ name, text: readFileSync(name, 'utf8') })));
  assert.deepEqual(
    bundle.files.map((f) => f.name),
    report.files.map((f) => f.path),
  );
  for (const [i, f] of report.files.entries()) assert.deepEqual(bundle.files[i].diagnostics, f.diagnostics, f.path);
  // The bundle is not the files one by one: resources of one file change another's findings.
  const alone = files.map((f) => check(readFileSync(f, 'utf8')).diagnostics.length).reduce((a, b) => a + b, 0);
  const joined = bundle.files.map((f) => f.diagnostics.length).reduce((a, b) => a + b, 0);
  assert.notEqual(alone, joined);
});

test('checkBundle refuses what is not an array of named sources with a TypeError', () => {
  for (const bad of [42, 'a: 1', {}, [{ name: 'a' }], [{ name: 1, text: 'a' }], null]) {
    assert.throws(() => checkBundle(bad), TypeError);
  }
  assert.throws(() => checkBundle([], { profile: 'nope' }), /unknown profile/);
  assert.deepEqual(checkBundle([]).files, []);
  assert.equal(checkBundle([{ name: 'a.yaml', text: 'a: 1' }]).files[0].name, 'a.yaml');
});

test('exceptions, a config in the options and the ignore quick fix', async () => {
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: b:1\n    securityContext:\n      privileged: true # kubeharden-ignore privileged: a test pod\n';
  const r = check(pod);
  const d = r.diagnostics.find((x) => x.rule === 'privileged');
  assert.deepEqual(d.suppression.kind, 'comment');
  assert.equal(d.suppression.reason, 'a test pod');
  // A config: its profile applies, its problems come back at their range.
  const config = 'profile: baseline\ndisabel: [privileged]\n';
  const withConfig = check(pod, { config });
  assert.ok(!withConfig.diagnostics.some((x) => x.rule === 'run-as-non-root'));
  assert.equal(withConfig.config.length, 1);
  assert.equal(withConfig.config[0].rule, 'config-invalid');
  assert.deepEqual(withConfig.config[0].range.start, { line: 1, character: 0 });
  // Explicit options override the file.
  assert.ok(check(pod, { config, profile: 'restricted' }).diagnostics.some((x) => x.rule === 'run-as-non-root'));
  assert.throws(() => check(pod, { config: 3 }), /config must be the text/);
  // An expired exception, against a fixed today.
  const expired = pod.replace('a test pod', 'a test pod until 2020-01-01');
  assert.ok(check(expired, { today: '2026-01-01' }).diagnostics.some((x) => x.rule === 'exception-expired'));
  // The quick fix inserts the annotation with a placeholder.
  const plain = pod.replace(' # kubeharden-ignore privileged: a test pod', '');
  const target = check(plain).diagnostics.find((x) => x.rule === 'privileged');
  const fix = ignoreFix(plain, 'privileged', target.range.start.line, target.range.start.character);
  assert.equal(fix.applicability, 'unsafe');
  assert.match(fix.edits[0].newText, /kubeharden.dev\/ignore: "privileged: TODO: reason"/);
  assert.equal(ignoreFix('a: 1', 'privileged', 0, 0), null);
  // checkBundle takes the config too.
  const b = checkBundle([{ name: 'a.yaml', text: pod }], { config });
  assert.equal(b.files.length, 1);
  assert.equal(b.config[0].rule, 'config-invalid');
});

function cliText(args, cwd) {
  try {
    return execFileSync(process.env.KUBEHARDEN_BIN, ['check', ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  } catch (e) {
    return e.stdout; // exit status 1: findings
  }
}

test('report() prints the CLI report byte for byte (JSON and SARIF, with options and a config)', async () => {
  const files = fixtures(join(root, 'tests/fixtures')).slice(0, 40);
  for (const path of files) {
    const text = readFileSync(path, 'utf8');
    for (const format of ['json', 'sarif']) {
      assert.equal(report(text, format, path), cliText(['--format', format, path]), `${format} ${path}`);
    }
  }
  // Options as flags, and a config file with a problem (reported as a second file).
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'kh-report-'));
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: docker.io/b:1\n';
  const config = 'profile: restricted\ndisabel: [privileged]\n';
  writeFileSync(join(dir, 'pod.yaml'), pod);
  writeFileSync(join(dir, '.kubeharden.yaml'), config);
  const options = { profile: 'baseline', imageRegistries: ['ghcr.io'], enable: ['image-tag'], config };
  const flags = ['--profile', 'baseline', '--allow-registry', 'ghcr.io', '--enable', 'image-tag'];
  for (const format of ['json', 'sarif']) {
    const out = cliText(['--format', format, ...flags, 'pod.yaml'], dir);
    assert.match(out, /\.kubeharden\.yaml/, 'the config is reported as a file');
    assert.equal(report(pod, format, 'pod.yaml', options), out, format);
  }
  assert.match(report(pod, 'json', 'pod.yaml', options), /"image-registry"/);
  assert.throws(() => report(pod, 'xml', 'pod.yaml'), /unknown report format/);
  assert.throws(() => report(42, 'json', 'pod.yaml'), TypeError);
});

test('ruleSelection() and pssVersions() are the engine’s', async () => {
  const catalog = rules();
  for (const profile of ['baseline', 'restricted', 'hardened']) {
    const on = ruleSelection({ profile }).map((s) => s.rule);
    assert.deepEqual(on, catalog.filter((r) => r.profiles.includes(profile)).map((r) => r.id), profile);
  }
  // A rule parameter given switches its rule on; disable still wins.
  const withRegistry = ruleSelection({ imageRegistries: ['ghcr.io'] });
  assert.ok(withRegistry.some((s) => s.rule === 'image-registry' && s.severity === 'medium'));
  assert.ok(!ruleSelection({ imageRegistries: ['ghcr.io'], disable: ['image-registry'] }).some((s) => s.rule === 'image-registry'));
  // A config's severity applies.
  const sel = ruleSelection({ config: 'severity:\n  privileged: low\n' });
  assert.equal(sel.find((s) => s.rule === 'privileged').severity, 'low');
  assert.throws(() => ruleSelection({ profile: 'nope' }), /unknown profile/);
  const versions = pssVersions();
  assert.equal(versions[0], 'latest');
  assert.equal(versions.at(-1), 'v1.0');
  for (const pssVersion of versions) check('a: 1', { pssVersion });
  const registry = catalog.find((r) => r.id === 'image-registry');
  assert.deepEqual(registry.params.map((p) => p.option), ['imageRegistries']);
  assert.ok(catalog.filter((r) => r.params).length === 1, 'params only where a rule has some');
});

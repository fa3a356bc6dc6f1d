// The npm package as Node users import it (no init call), and CLI/wasm
// parity: the same input gives the same diagnostics through both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { check, fixAll, rules, version } = await import(join(root, 'pkg/node/index.mjs'));

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

test('CLI and wasm give identical diagnostics', () => {
  const bin = process.env.KUBEHARDEN_BIN;
  assert.ok(bin, 'KUBEHARDEN_BIN must point at the native CLI');
  const files = fixtures(join(root, 'tests/fixtures'));
  assert.ok(files.length > 5);
  let out;
  try {
    out = execFileSync(bin, ['check', '--format', 'json', ...files], { encoding: 'utf8', maxBuffer: 1 << 26 });
  } catch (e) {
    out = e.stdout; // exit status 1: findings
  }
  const report = JSON.parse(out);
  assert.equal(report.files.length, files.length);
  for (const f of report.files) {
    const wasm = check(readFileSync(f.path, 'utf8')).diagnostics;
    assert.deepEqual(wasm, f.diagnostics, f.path);
  }
});

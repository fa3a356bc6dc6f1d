// The playground's report downloads are the CLI's reports: the same input and options give
// the same bytes from `kubeharden check --format json|sarif`. Needs the built page
// (www/dist) and the native CLI (KUBEHARDEN_BIN, else built here with cargo).
//
// Nothing is normalised: the page reports its document as `playground.yaml`, and the CLI
// is run on a file of that name in a fresh directory (no .kubeharden.yaml above it), so
// the artifact URIs agree; the version is the same build's; both date exceptions by today.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  findings,
  launch,
  newContext,
  newLog,
  openPlayground,
  replaceDocument,
  waitForCheck,
} from './harness.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Findings of many rules: a safe fix, an accepted exception, non-ASCII text, two objects. */
const INPUT = `apiVersion: v1
kind: Pod
metadata:
  name: café
  namespace: shop
  annotations:
    note: "ünïcode ✓ 🚀"
spec:
  hostNetwork: true
  containers:
    - name: app
      image: docker.io/library/nginx:1.27
      securityContext:
        privileged: true # kubeharden-ignore privileged: a test pod
    - name: side
      image: ghcr.io/acme/side:latest
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: admins
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: cluster-admin
subjects:
  - kind: Group
    name: devs
    apiGroup: rbac.authorization.k8s.io
`;

function cliBinary() {
  const target =
    process.env.CARGO_TARGET_DIR ?? path.join(process.env.HOME ?? '', '.cache/kubeharden-target');
  const bin = process.env.KUBEHARDEN_BIN ?? path.join(target, 'debug/kubeharden');
  if (!existsSync(bin)) {
    execFileSync('cargo', ['build', '--locked', '--bin', 'kubeharden'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
  }
  return bin;
}

function cli(bin, dir, args) {
  try {
    return execFileSync(bin, ['check', ...args], { cwd: dir, encoding: 'utf8' });
  } catch (e) {
    if (e.status !== 1) throw e;
    return e.stdout; // exit status 1: findings at or above --fail-on
  }
}

async function downloadText(page, selector) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return readFileSync(await download.path(), 'utf8');
}

let env;
let bin;
const log = newLog();

before(async () => {
  bin = cliBinary();
  env = await launch();
});

after(async () => {
  await env?.browser.close();
  env?.server.close();
});

test('the JSON and SARIF downloads equal the CLI reports for the same input and options', async () => {
  const context = await newContext(env.browser, log, { acceptDownloads: true });
  const page = await openPlayground(context, env.url);
  await replaceDocument(page, INPUT);
  const dir = mkdtempSync(path.join(tmpdir(), 'kh-e2e-reports-'));
  writeFileSync(path.join(dir, 'playground.yaml'), INPUT);

  // The default settings, then a profile, a version, switches and a rule parameter.
  const runs = [
    { flags: [] },
    {
      flags: [
        '--profile',
        'restricted',
        '--pss-version',
        'v1.30',
        '--enable',
        'image-registry',
        '--disable',
        'host-namespaces',
        '--allow-registry',
        'ghcr.io/acme',
        '--allow-registry',
        'registry.example.com',
      ],
      async set() {
        await page.selectOption('#profile', 'restricted');
        await page.selectOption('#pss-version', 'v1.30');
        await page.click('#open-settings');
        await page.click('[data-rule-switch="image-registry"]');
        await page.fill(
          '[data-rule-param="imageRegistries"]',
          'ghcr.io/acme\nregistry.example.com\n',
        );
        await page.click('[data-rule-switch="host-namespaces"]');
        await page.click('#close-settings');
        await waitForCheck(page);
      },
    },
  ];
  for (const run of runs) {
    await run.set?.();
    const json = await downloadText(page, '#download-json');
    const sarif = await downloadText(page, '#download-sarif');
    assert.equal(
      json,
      cli(bin, dir, ['--format', 'json', ...run.flags, 'playground.yaml']),
      `json ${run.flags}`,
    );
    assert.equal(
      sarif,
      cli(bin, dir, ['--format', 'sarif', ...run.flags, 'playground.yaml']),
      `sarif ${run.flags}`,
    );
    // Not two empty reports: the input has findings, some with fixes.
    const report = JSON.parse(json);
    assert.ok(report.files[0].diagnostics.length > 3);
    assert.ok(JSON.parse(sarif).runs[0].results.some((r) => r.fixes));
  }
  const rules = new Set((await findings(page)).map((f) => f.rule));
  assert.ok(rules.has('image-registry'), 'the registry list applies');
  assert.ok(!rules.has('host-namespaces'), 'the switch applies');
  assert.deepEqual(log.errors, []);
  await context.close();
});

// Unit tests of the docs generator's data handling (no browser): escaping, the settings of a
// rule's examples, and the peers map merging ids from the rules' own references.
// Run by `npm test` (before the browser tests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  escapeHtml,
  exampleSettings,
  loadEngine,
  peerMapping,
  reproducingSettings,
  CONFIG_EXAMPLE_RULES,
} from './build-docs.mjs';

const rule = (id, extra = {}) => ({
  id,
  title: id,
  profiles: ['baseline', 'restricted', 'hardened'],
  references: [],
  ...extra,
});

test('escapeHtml leaves no markup in example text', () => {
  assert.equal(
    escapeHtml(`a: "<script>x</script>" & 'b'`),
    'a: &quot;&lt;script&gt;x&lt;/script&gt;&quot; &amp; &#39;b&#39;',
  );
});

test('example settings turn the rule on and its replacement off', () => {
  const opt = rule('opt', { profiles: [] });
  const base = rule('base', { replacedBy: 'strict' });
  const strict = rule('strict', { profiles: ['restricted', 'hardened'] });
  const byId = new Map([opt, base, strict].map((r) => [r.id, r]));
  assert.deepEqual(exampleSettings(opt, byId), {
    profile: 'hardened',
    pssVersion: 'latest',
    enable: ['opt'],
    disable: [],
  });
  assert.deepEqual(exampleSettings(base, byId).disable, []);
  const baseInRestricted = rule('b2', { profiles: ['restricted'], replacedBy: 'strict' });
  byId.set('b2', baseInRestricted);
  assert.deepEqual(exampleSettings(baseInRestricted, byId).disable, ['strict']);
});

const DATA = {
  peers: [
    { key: 'kube-linter', name: 'KubeLinter', aliases: ['KubeLinter'] },
    { key: 'trivy', name: 'Trivy' },
  ],
  rows: [
    {
      check: 'Privileged',
      rules: ['privileged'],
      ids: { 'kube-linter': ['privileged-container'] },
    },
    { check: 'Gap', rules: [], ids: { trivy: ['KSV-9999'] }, gap: 'Not yet a rule.' },
  ],
};

test('peer ids in rule references merge into the map', () => {
  const rules = [
    rule('privileged', {
      references: [
        // Same id as the data: no duplicate row.
        { source: 'KubeLinter', id: 'privileged-container', title: '', url: '' },
        // New id for an existing peer: a row of its own.
        { source: 'trivy', id: 'KSV-0017', title: 'Privileged', url: '' },
      ],
    }),
    // A rule now covering what the data listed as a gap.
    rule('new-rule', { references: [{ source: 'Trivy', id: 'KSV-9999', title: '', url: '' }] }),
  ];
  const { rows, byRule } = peerMapping(rules, DATA);
  assert.equal(rows.length, 3);
  assert.deepEqual(
    byRule.get('privileged').map((p) => `${p.peer}:${p.id}`),
    ['kube-linter:privileged-container', 'trivy:KSV-0017'],
  );
  assert.deepEqual(rows.find((r) => r.check === 'Gap').rules, ['new-rule']);
});

test('the peers data must name known rules and give a reason for gaps', () => {
  assert.throws(
    () => peerMapping([], { ...DATA, rows: [DATA.rows[0]] }),
    /unknown rule privileged/,
  );
  assert.throws(
    () =>
      peerMapping([rule('privileged')], { ...DATA, rows: [{ check: 'X', rules: [], ids: {} }] }),
    /no rule and gives no reason/,
  );
});

test('every rule page’s failing example shows its finding with the page’s settings', async () => {
  // The real engine (pkg/node): the settings the rule pages give their <kubeharden-example>s.
  const engine = await loadEngine();
  const rules = engine.rules();
  const byId = new Map(rules.map((r) => [r.id, r]));
  const check = (source, options) => engine.check(source, options);
  const broken = [];
  for (const r of rules.filter((r) => r.badExample)) {
    if (CONFIG_EXAMPLE_RULES.has(r.id)) {
      // A config file: the engine reads it as options.config and reports in `config`.
      const fires = (text) => check('', { config: text }).config.some((d) => d.rule === r.id);
      if (!fires(r.badExample)) broken.push(`${r.id}: failing config without its finding`);
      if (fires(r.goodExample)) broken.push(`${r.id}: passing config with the finding`);
      continue;
    }
    const settings = reproducingSettings(r, byId, check);
    if (!settings) {
      broken.push(`${r.id}: failing example without its finding`);
      continue;
    }
    if (r.goodExample && check(r.goodExample, settings).diagnostics.some((d) => d.rule === r.id)) {
      broken.push(`${r.id}: passing example with the finding`);
    }
  }
  assert.deepEqual(broken, []);
});

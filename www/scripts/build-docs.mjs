// Generates the static documentation pages from the engine's own rule registry (the built
// npm package's `rules()`), before `vite build` bundles them:
//   rules.html          index of every rule (search and filters are progressive enhancement)
//   rules/<id>.html     one page per rule, content in the HTML, live <kubeharden-example>s
//   maps/*.html         NSA/CISA, CIS v2.0, Pod Security Standards and peer-id maps
// The data the registry does not hold (CIS items no rule checks, NSA/CISA sections out of
// reach of a manifest checker, peers' ids) lives in www/docs-data/*.json.
// Run: `node scripts/build-docs.mjs` (needs `make pkg`); `npm run build` runs it first.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Marked } from 'marked';

const here = path.dirname(fileURLToPath(import.meta.url));
const WWW = path.resolve(here, '..');
const NODE_PKG = path.resolve(WWW, process.env.KUBEHARDEN_NODE_PKG_DIR ?? '../pkg/node');
const DATA = path.join(WWW, 'docs-data');

const PROFILES = ['baseline', 'restricted', 'hardened'];
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];
const DEFAULT_PROFILE = 'hardened';
const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self' 'nonce-%CSP_NONCE%'; connect-src 'self'; img-src 'self' data:; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; manifest-src 'self'; media-src 'none'; frame-src 'none'";
const ICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Cpath d='M16 2 4 6v9c0 7.5 5.1 13.4 12 15 6.9-1.6 12-7.5 12-15V6z' fill='%23326ce5'/%3E%3Cpath d='m10 16 4 4 8-9' stroke='%23fff' stroke-width='3' fill='none'/%3E%3C/svg%3E";

export function escapeHtml(text) {
  return String(text)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const safeUrl = (url) => /^https?:\/\//i.test(url ?? '');

// Rule text is the project's own, but it is still rendered defensively: raw HTML in it comes
// out as text, and only http(s) links become links.
const markdown = new Marked({
  gfm: true,
  renderer: {
    html: ({ text }) => escapeHtml(text),
    link({ href, tokens }) {
      const label = this.parser.parseInline(tokens);
      return safeUrl(href)
        ? `<a href="${escapeHtml(href)}" rel="noopener noreferrer">${label}</a>`
        : label;
    },
    image: ({ text }) => escapeHtml(text),
  },
});
const md = (text) => (text ? markdown.parse(text) : '');
const mdInline = (text) => (text ? markdown.parseInline(text) : '');

export async function loadEngine() {
  const entry = path.join(NODE_PKG, 'index.mjs');
  if (!existsSync(entry)) {
    throw new Error(`The engine's Node build is missing: ${entry}. Build it with \`make pkg\`.`);
  }
  return import(pathToFileURL(entry).href);
}

async function loadData(name) {
  return JSON.parse(await readFile(path.join(DATA, name), 'utf8'));
}

/**
 * Settings under which a rule's failing example shows its finding: the first profile that
 * has the rule (else the default one with the rule enabled), with the rule that replaces it,
 * if any, disabled. The same settings the playground's "Try it" links use.
 */
export function exampleSettings(rule, byId) {
  const profile = PROFILES.find((p) => rule.profiles.includes(p)) ?? DEFAULT_PROFILE;
  const enable = rule.profiles.includes(profile) ? [] : [rule.id];
  const replacement = rule.replacedBy ? byId.get(rule.replacedBy) : undefined;
  const disable = replacement?.profiles.includes(profile) ? [replacement.id] : [];
  return { profile, pssVersion: 'latest', enable, disable };
}

/**
 * Rules whose examples are config files (.kubeharden.yaml), not manifests: their pages show
 * them as text, since the live example element checks manifests.
 */
export const CONFIG_EXAMPLE_RULES = new Set(['config-invalid']);

/**
 * exampleSettings, plus the rule's parameters (`params`, with their example values) when the
 * failing example needs them (image-registry's allow-list); null if none works.
 */
export function reproducingSettings(rule, byId, check) {
  const base = exampleSettings(rule, byId);
  const shows = (settings) => {
    try {
      return check(rule.badExample, settings).diagnostics.some((d) => d.rule === rule.id);
    } catch {
      return false;
    }
  };
  if (!rule.badExample) return base;
  if (shows(base)) return base;
  if (!rule.params?.length) return null;
  const withParams = { ...base };
  for (const param of rule.params) withParams[param.option] = param.example;
  return shows(withParams) ? withParams : null;
}

function page({ title, description, root, script, heading, body }) {
  const nav = [
    ['index.html', 'Playground'],
    ['rules.html', 'Rules'],
    ['maps/nsa-cisa.html', 'NSA/CISA'],
    ['maps/cis.html', 'CIS'],
    ['maps/pss.html', 'PSS'],
    ['maps/peers.html', 'Other tools'],
  ]
    .map(([href, label]) => `<a class="kh-navlink" href="${root}${href}">${label}</a>`)
    .join('\n        ');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta http-equiv="Content-Security-Policy" content="${CSP}" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="color-scheme" content="light dark" />
    <meta name="referrer" content="no-referrer" />
    <meta name="description" content="${escapeHtml(description)}" />
    <title>${escapeHtml(title)}</title>
    <link rel="icon" href="${ICON}" />
    <script type="module" src="${root}src/docs/${script}"></script>
  </head>
  <body class="kh-doc">
    <header class="kh-header">
      <p class="kh-title"><a href="${root}rules.html">kubeharden</a> <span class="kh-subtitle">${escapeHtml(heading)}</span></p>
      <nav class="kh-toolbar" aria-label="Site">
        ${nav}
      </nav>
    </header>
${body}
  </body>
</html>
`;
}

const badge = (severity) =>
  `<span class="kh-badge kh-sev-${escapeHtml(severity)}">${escapeHtml(severity)}</span>`;
const ruleLink = (id, root, byId) =>
  `<a href="${root}rules/${escapeHtml(id)}.html"><code>${escapeHtml(id)}</code></a>${
    byId.get(id) ? ` ${escapeHtml(byId.get(id).title)}` : ''
  }`;

function categories(rules) {
  const map = new Map();
  for (const rule of rules) {
    if (!map.has(rule.category)) map.set(rule.category, []);
    map.get(rule.category).push(rule);
  }
  return map;
}

function indexPage(rules, version) {
  const cats = categories(rules);
  const options = (values) =>
    values.map((v) => `<option value="${escapeHtml(v)}">${escapeHtml(v)}</option>`).join('');
  const sections = [...cats]
    .map(([category, members]) => {
      const entries = members
        .map((rule) => {
          const search = [rule.id, rule.title, rule.category, rule.rationale, rule.remediation]
            .concat(rule.references.map((r) => `${r.source} ${r.id} ${r.title}`))
            .join(' ')
            .toLowerCase();
          return `<article id="${rule.id}" class="kh-entry kh-sev-${rule.severity}" data-rule="${rule.id}" data-severity="${rule.severity}" data-category="${escapeHtml(rule.category)}" data-profiles="${rule.profiles.join(' ') || 'opt-in'}" data-search="${escapeHtml(search)}">
  <div class="kh-entry-head">${badge(rule.severity)}<h3 class="kh-entry-title"><a href="rules/${rule.id}.html">${escapeHtml(rule.title)}</a></h3><code class="kh-entry-id">${rule.id}</code></div>
  <div class="kh-prose">${md(rule.rationale)}</div>
  <p class="kh-entry-profiles">Profiles: ${rule.profiles.length ? rule.profiles.join(', ') : 'none (opt-in)'} · <a href="rules/${rule.id}.html">Rule page, examples and references →</a></p>
</article>`;
        })
        .join('\n');
      return `<section class="kh-category" data-category="${escapeHtml(category)}" aria-labelledby="category-${escapeHtml(category)}">
<h2 id="category-${escapeHtml(category)}" class="kh-category-title">${escapeHtml(category)}</h2>
${entries}
</section>`;
    })
    .join('\n');
  const toc = [...cats]
    .map(
      ([category, members]) => `<div class="kh-toc-group" data-category="${escapeHtml(category)}">
<h2><a href="#category-${escapeHtml(category)}">${escapeHtml(category)}</a></h2>
<ul>${members.map((r) => `<li class="kh-toc-item kh-sev-${r.severity}" data-rule="${r.id}"><span class="kh-dot" title="${r.severity}"></span><a href="#${r.id}">${escapeHtml(r.title)}</a></li>`).join('')}</ul>
</div>`,
    )
    .join('\n');
  const body = `    <h1 class="kh-page-title">Rules <span class="kh-version">engine ${escapeHtml(version)}</span></h1>
    <form class="kh-catalog-tools" id="catalog-tools" role="search" hidden>
      <label class="kh-field"><span class="kh-visually-hidden">Search rules</span><input type="search" id="catalog-filter" placeholder="Search id, title or text" autocomplete="off" /></label>
      <label class="kh-field">Category <select id="catalog-category"><option value="">all</option>${options([...cats.keys()])}</select></label>
      <label class="kh-field">Severity <select id="catalog-severity"><option value="">all</option>${options(SEVERITIES)}</select></label>
      <label class="kh-field">Profile <select id="catalog-profile"><option value="">all</option>${options(PROFILES)}<option value="opt-in">opt-in (no profile)</option></select></label>
      <p id="catalog-count" class="kh-dialog-note" aria-live="polite">${rules.length} rules</p>
    </form>
    <div class="kh-catalog-layout">
      <nav id="toc" class="kh-toc" aria-label="Rules by category">
${toc}
      </nav>
      <main id="catalog" class="kh-catalog" data-testid="catalog" data-status="ready" data-rule-count="${rules.length}" data-version="${escapeHtml(version)}">
${sections}
      </main>
    </div>`;
  return page({
    title: 'kubeharden rules',
    description:
      'Every kubeharden rule: why it matters, how to fix it, references (NSA/CISA, Pod Security Standards, CIS) and live failing and passing examples.',
    root: '',
    script: 'catalog.ts',
    heading: 'rules',
    body,
  });
}

function rulePage(rule, ctx) {
  const { byId, check, peersByRule } = ctx;
  const root = '../';
  const found = reproducingSettings(rule, byId, check);
  const reproduces = found !== null;
  const settings = found ?? exampleSettings(rule, byId);
  const attrs = (s) =>
    [
      `profile="${s.profile}"`,
      s.enable.length ? `enable="${s.enable.join(' ')}"` : '',
      s.disable.length ? `disable="${s.disable.join(' ')}"` : '',
      s.imageRegistries ? `image-registries="${escapeHtml(s.imageRegistries.join(' '))}"` : '',
    ]
      .filter(Boolean)
      .join(' ');
  const configExamples = CONFIG_EXAMPLE_RULES.has(rule.id);
  const example = (label, kind, source) =>
    source && configExamples
      ? `<figure class="kh-example kh-example-${kind}" data-example="${kind}">
  <figcaption class="kh-tip-label">${label} (.kubeharden.yaml)</figcaption>
  <pre><code>${escapeHtml(source)}</code></pre>
</figure>`
      : source
        ? `<figure class="kh-example kh-example-${kind}" data-example="${kind}">
  <figcaption class="kh-tip-label">${label}</figcaption>
  <kubeharden-example ${attrs(settings)} data-example="${kind}"><pre><code>${escapeHtml(source)}</code></pre></kubeharden-example>
</figure>`
        : '';
  const refs = rule.references
    .map(
      (r) =>
        `<li>${safeUrl(r.url) ? `<a href="${escapeHtml(r.url)}" rel="noopener noreferrer">${escapeHtml([r.source, r.id].filter(Boolean).join(' '))}</a>` : escapeHtml([r.source, r.id].join(' '))}${r.title ? ` — ${escapeHtml(r.title)}` : ''}</li>`,
    )
    .join('\n');
  const peers = peersByRule.get(rule.id) ?? [];
  const replacement = rule.replacedBy
    ? `<dt>Replaced by</dt><dd>${ruleLink(rule.replacedBy, root, byId)} when both are on</dd>`
    : '';
  const body = `    <main class="kh-rule-page" data-rule="${rule.id}" data-severity="${rule.severity}">
      <h1 class="kh-page-title" id="${rule.id}">${escapeHtml(rule.title)}</h1>
      <p class="kh-entry-head">${badge(rule.severity)} <code class="kh-entry-id">${rule.id}</code></p>
      <dl class="kh-entry-meta">
        <dt>Category</dt><dd><a href="${root}rules.html#category-${escapeHtml(rule.category)}">${escapeHtml(rule.category)}</a></dd>
        <dt>Profiles</dt><dd data-profiles="${rule.profiles.join(' ') || 'opt-in'}">${rule.profiles.length ? rule.profiles.join(', ') : 'none (opt-in: enable it by id)'}</dd>
        ${replacement}
      </dl>
      <section class="kh-prose" data-section="rationale"><h2>Why it matters</h2>${md(rule.rationale)}</section>
      <section class="kh-prose" data-section="remediation"><h2>How to fix</h2>${md(rule.remediation)}${rule.help ? `<p class="kh-help">Finding help: ${mdInline(rule.help)}</p>` : ''}</section>
      <section class="kh-examples" data-section="examples"><h2>Examples</h2>
      ${configExamples ? '<p class="kh-note">These examples are config files: <code>kubeharden check</code> reports each problem of the failing one at its line.</p>' : ''}<p class="kh-note"${configExamples ? ' hidden' : ''}>Edit the examples: findings update as you type. Checked with profile <code>${settings.profile}</code>${settings.enable.length ? `, <code>${settings.enable.join(' ')}</code> enabled` : ''}${settings.disable.length ? `, <code>${settings.disable.join(' ')}</code> disabled` : ''}${settings.imageRegistries ? `, allowed registries <code>${escapeHtml(settings.imageRegistries.join(' '))}</code> (CLI <code>--allow-registry</code>)` : ''}.${reproduces || !rule.badExample ? '' : ' This rule needs a setting the example element has no attribute for; run the failing example with the CLI to see its finding.'}</p>
      ${example('Failing example', 'bad', rule.badExample)}
      ${example('Passing example', 'good', rule.goodExample)}
      </section>
      ${refs ? `<section data-section="references"><h2>References</h2><ul class="kh-refs">${refs}</ul></section>` : ''}
      ${
        peers.length
          ? `<section data-section="peers"><h2>Same check in other tools</h2><ul class="kh-refs">${peers
              .map((p) => `<li>${escapeHtml(p.peer)}: <code>${escapeHtml(p.id)}</code></li>`)
              .join('')}</ul></section>`
          : ''
      }
      <p><a href="${root}rules.html#${rule.id}">← All rules</a></p>
    </main>`;
  return page({
    title: `${rule.title} (${rule.id}) · kubeharden`,
    description: `${rule.title}: ${rule.rationale}`.slice(0, 300),
    root,
    script: 'rule-page.ts',
    heading: rule.id,
    body,
  });
}

function mapPage(title, heading, intro, content) {
  return page({
    title: `${title} · kubeharden`,
    description: intro.replace(/<[^>]+>/g, ''),
    root: '../',
    script: 'map-page.ts',
    heading,
    body: `    <main class="kh-map">
      <h1 class="kh-page-title">${escapeHtml(title)}</h1>
      <p>${intro}</p>
${content}
    </main>`,
  });
}

const table = (head, rows, attrs = '') =>
  `<table class="kh-map-table" ${attrs}><thead><tr>${head.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead><tbody>
${rows.map((r) => `<tr${r.attrs ?? ''}>${r.cells.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n')}
</tbody></table>`;

const rulesCell = (ids, byId) =>
  ids.length ? ids.map((id) => ruleLink(id, '../', byId)).join('<br />') : '—';

/** NSA/CISA guide section (as the rules reference it) → rules; sections out of reach listed. */
function nsaMap(rules, byId, data) {
  const sections = new Map();
  for (const rule of rules) {
    for (const ref of rule.references) {
      if (ref.source !== 'NSA/CISA') continue;
      const top = ref.id.split(':')[0].trim();
      const key = `${ref.id}\u0000${ref.title}`;
      if (!sections.has(top)) sections.set(top, new Map());
      const sub = sections.get(top);
      if (!sub.has(key)) sub.set(key, { id: ref.id, title: ref.title, rules: [] });
      if (!sub.get(key).rules.includes(rule.id)) sub.get(key).rules.push(rule.id);
    }
  }
  const covered = new Set([...sections.values()].flatMap((s) => [...s.values()].map((x) => x.id)));
  for (const item of data.notCovered) {
    if (covered.has(item.section)) {
      throw new Error(
        `docs-data/nsa-cisa.json lists "${item.section}" as not covered, but rules reference it`,
      );
    }
  }
  const rows = [...sections].flatMap(([, sub]) =>
    [...sub.values()].map((s) => ({
      attrs: ` data-section="${escapeHtml(s.id)}"`,
      cells: [escapeHtml(s.id), escapeHtml(s.title), rulesCell(s.rules, byId)],
    })),
  );
  const gaps = data.notCovered.map((g) => ({
    attrs: ' data-not-covered=""',
    cells: [escapeHtml(g.section), escapeHtml(g.reason)],
  }));
  return mapPage(
    'NSA/CISA Kubernetes Hardening Guide → rules',
    'NSA/CISA map',
    `Each guide section (v1.2, August 2022) that kubeharden rules cite, and the rules that check it. Generated from the rules' own references; ${rules.filter((r) => r.references.some((x) => x.source === 'NSA/CISA')).length} of ${rules.length} rules cite the guide.`,
    `${table(['Section', 'Recommendation', 'Rules'], rows, 'data-map="nsa-cisa"')}
<h2 id="not-covered">What no rule checks</h2>
<p>${escapeHtml(data.note)}</p>
${table(['Section', 'Why not'], gaps, 'data-map="nsa-cisa-gaps"')}`,
  );
}

const cisId = (ref) => ref.id.replace(/\s*\(v2\.0\)\s*$/, '');
const byCisOrder = (a, b) => {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    if ((pa[i] ?? -1) !== (pb[i] ?? -1)) return (pa[i] ?? -1) - (pb[i] ?? -1);
  }
  return 0;
};

/** CIS v2.0 item → rules; every item the data lists, with the reason when no rule checks it. */
function cisMap(rules, byId, data) {
  const byItem = new Map();
  const titles = new Map();
  for (const rule of rules) {
    for (const ref of rule.references) {
      if (ref.source !== 'CIS' || !/\(v2\.0\)/.test(ref.id)) continue;
      const id = cisId(ref);
      if (!byItem.has(id)) byItem.set(id, []);
      byItem.get(id).push(rule.id);
      titles.set(id, ref.title);
    }
  }
  const items = new Map(data.items.map((item) => [item.id, item]));
  const problems = [];
  for (const id of byItem.keys()) {
    if (!items.has(id)) items.set(id, { id, title: titles.get(id) });
  }
  for (const item of items.values()) {
    if (!byItem.has(item.id) && !item.reason) {
      problems.push(`CIS ${item.id} has no rule and no reason in docs-data/cis-v2.0.json`);
    }
  }
  if (problems.length) throw new Error(problems.join('\n'));
  const ids = [...items.keys()].sort(byCisOrder);
  const checked = ids.filter((id) => byItem.has(id)).length;
  const rows = ids.map((id) => {
    const item = items.get(id);
    const ruleIds = byItem.get(id) ?? [];
    return {
      attrs: ` data-item="${escapeHtml(id)}"${ruleIds.length ? '' : ' data-not-covered=""'}`,
      cells: [
        escapeHtml(id),
        escapeHtml(titles.get(id) ?? item.title ?? ''),
        ruleIds.length
          ? rulesCell(ruleIds, byId)
          : `<em>not checked</em>: ${escapeHtml(item.reason)}`,
      ],
    };
  });
  return mapPage(
    'CIS Kubernetes Benchmark v2.0 → rules',
    'CIS map',
    `${checked} of ${ids.length} benchmark items are checked by a rule; each of the others says why a manifest checker cannot (or does not yet) check it. ${escapeHtml(data.note)}`,
    table(['Item', 'Recommendation', 'Rules'], rows, 'data-map="cis"'),
  );
}

/**
 * PSS control → rule, per PSS version: whether the rule flags its own failing example at that
 * version, asked of the engine for every v1.N (the engine accepts any), with runs of versions
 * that behave alike merged into one column.
 */
function pssMap(rules, byId, check) {
  const controls = [];
  for (const rule of rules) {
    for (const ref of rule.references) {
      if (ref.source === 'PSS') controls.push({ control: ref.id, title: ref.title, rule });
    }
  }
  const flags = (rule, level, version) => {
    try {
      return check(rule.badExample ?? '', {
        profile: level === 'baseline' ? 'baseline' : 'restricted',
        pssVersion: version,
        enable: rule.profiles.length ? [] : [rule.id],
        disable: [],
      }).diagnostics.some((d) => d.rule === rule.id);
    } catch {
      return false;
    }
  };
  const versions = [...Array.from({ length: PSS_MAX_MINOR + 1 }, (_, i) => `v1.${i}`), 'latest'];
  const matrix = controls.map(({ title, rule }) =>
    versions.map((v) => flags(rule, title.split(':')[0].toLowerCase(), v)),
  );
  const column = (i) => matrix.map((row) => row[i]).join();
  const latest = versions.length - 1;
  // Columns: runs of v1.N with identical results, then "latest" if it differs from the last.
  const runs = [];
  for (let i = 0; i < latest; i++) {
    if (runs.length && column(runs.at(-1).from) === column(i)) runs.at(-1).to = i;
    else runs.push({ from: i, to: i });
  }
  const label = ({ from, to }) =>
    to === latest - 1
      ? `${versions[from]} and later`
      : from === to
        ? versions[from]
        : `${versions[from]}–${versions[to]}`;
  const heads = runs.map(label);
  if (column(latest) !== column(runs.at(-1).from)) {
    throw new Error(`PSS map: "latest" differs from ${versions[latest - 1]}; raise PSS_MAX_MINOR`);
  }
  const rows = controls.map(({ control, title, rule }, r) => ({
    attrs: ` data-control="${escapeHtml(control)}"`,
    cells: [
      `<code>${escapeHtml(control)}</code>`,
      escapeHtml(title),
      ruleLink(rule.id, '../', byId),
      ...runs.map(({ from }) => (matrix[r][from] ? '✓' : '—')),
    ],
  }));
  return mapPage(
    'Pod Security Standards → rules',
    'PSS map',
    `Every Pod Security Standards control and the rule that enforces it. A column per range of PSS versions (the engine's <code>pssVersion</code> option): ✓ when the rule flags its own failing example at those versions, — when it does not (the control does not exist yet, or that example was still allowed). Computed by the engine at build time.`,
    table(['Control', 'Level: name', 'Rule', ...heads.map(escapeHtml)], rows, 'data-map="pss"'),
  );
}

/**
 * Peers' ids → ours. docs-data/peers.json holds rows by *what is checked* (derived from the
 * peer research); references whose source names a peer (`{source: "kube-linter", id: …}` on
 * a rule) are merged in, so ids added to the registry later show up without editing the data.
 */
export function peerMapping(rules, data) {
  const known = new Set(rules.map((r) => r.id));
  const peerNames = new Map(data.peers.map((p) => [p.key.toLowerCase(), p.key]));
  for (const p of data.peers)
    for (const alias of p.aliases ?? []) peerNames.set(alias.toLowerCase(), p.key);
  const rows = data.rows.map((row) => ({ ...row, ids: { ...row.ids } }));
  for (const row of rows) {
    for (const id of row.rules) {
      if (!known.has(id))
        throw new Error(`docs-data/peers.json: unknown rule ${id} (${row.check})`);
    }
    if (!row.rules.length && !row.gap) {
      throw new Error(`docs-data/peers.json: "${row.check}" maps to no rule and gives no reason`);
    }
  }
  // Peer ids from the registry's references, added as rows of their own rule.
  for (const rule of rules) {
    for (const ref of rule.references) {
      const peer = peerNames.get(ref.source.toLowerCase());
      if (!peer) continue;
      const existing = rows.find((r) => (r.ids[peer] ?? []).includes(ref.id));
      if (existing) {
        if (!existing.rules.includes(rule.id)) existing.rules.push(rule.id);
        continue;
      }
      rows.push({ check: ref.title || rule.title, rules: [rule.id], ids: { [peer]: [ref.id] } });
    }
  }
  const byRule = new Map();
  for (const row of rows) {
    for (const id of row.rules) {
      for (const [peer, peerIds] of Object.entries(row.ids)) {
        for (const peerId of peerIds) {
          if (!byRule.has(id)) byRule.set(id, []);
          const list = byRule.get(id);
          if (!list.some((x) => x.peer === peer && x.id === peerId))
            list.push({ peer, id: peerId });
        }
      }
    }
  }
  return { rows, byRule };
}

function peersMap(byId, data, mapping) {
  const peers = data.peers.map((p) => p.key);
  const sections = peers
    .map((peer) => {
      const entries = [];
      for (const row of mapping.rows) {
        for (const id of row.ids[peer] ?? []) entries.push({ id, row });
      }
      entries.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
      const rows = entries.map(({ id, row }) => ({
        attrs: ` data-peer="${escapeHtml(peer)}" data-peer-id="${escapeHtml(id)}"${row.rules.length ? '' : ' data-not-covered=""'}`,
        cells: [
          `<code>${escapeHtml(id)}</code>`,
          escapeHtml(row.check),
          row.rules.length
            ? rulesCell(row.rules, byId)
            : `<em>no equivalent</em>: ${escapeHtml(row.gap)}`,
        ],
      }));
      // An id can cover several concerns (one row each); count ids, not rows.
      const ids = new Set(entries.map((e) => e.id));
      const mapped = new Set(entries.filter((e) => e.row.rules.length).map((e) => e.id));
      const info = data.peers.find((p) => p.key === peer);
      return `<section id="${escapeHtml(peer)}"><h2>${escapeHtml(info.name)}</h2>
<p>Of the ${ids.size} ${escapeHtml(info.name)} ids compared (its security checks), ${mapped.size} have a kubeharden equivalent for at least part of what they check.</p>
${table([`${escapeHtml(info.name)} id`, 'What it checks', 'kubeharden'], rows, `data-map="peer-${escapeHtml(peer)}"`)}
</section>`;
    })
    .join('\n');
  const only = mapping.rows.filter(
    (r) => r.rules.length && peers.every((p) => !(r.ids[p] ?? []).length),
  );
  return mapPage(
    'Other tools’ rule ids → kubeharden',
    'migration map',
    `For teams moving from another checker: each peer's security check id, what it checks, and the kubeharden rule that checks the same thing, or why there is none. ${escapeHtml(data.note)}`,
    `<nav class="kh-map-toc">${data.peers.map((p) => `<a href="#${escapeHtml(p.key)}">${escapeHtml(p.name)}</a>`).join(' · ')}</nav>
${sections}
${only.length ? `<section id="kubeharden-only"><h2>What only kubeharden checks (of the rows compared)</h2><ul>${only.map((r) => `<li>${escapeHtml(r.check)}: ${rulesCell(r.rules, byId)}</li>`).join('')}</ul></section>` : ''}`,
  );
}

export async function buildDocs({ out = WWW, log = console.log } = {}) {
  const engine = await loadEngine();
  const rules = engine.rules();
  const version = engine.version();
  // Ids, severities and profiles go into file names, URLs and attributes as they are.
  for (const r of rules) {
    if (
      !/^[a-z0-9][a-z0-9-]*$/.test(r.id) ||
      !SEVERITIES.includes(r.severity) ||
      !r.profiles.every((p) => PROFILES.includes(p))
    ) {
      throw new Error(`rule ${JSON.stringify(r.id)}: unexpected id, severity or profile`);
    }
  }
  const byId = new Map(rules.map((r) => [r.id, r]));
  const check = (source, options) => engine.check(source, options);
  const [cis, nsa, peers] = await Promise.all([
    loadData('cis-v2.0.json'),
    loadData('nsa-cisa.json'),
    loadData('peers.json'),
  ]);
  const mapping = peerMapping(rules, peers);
  const ctx = { byId, check, peersByRule: mapping.byRule };

  await rm(path.join(out, 'rules'), { recursive: true, force: true });
  await mkdir(path.join(out, 'rules'), { recursive: true });
  await mkdir(path.join(out, 'maps'), { recursive: true });
  const files = [['rules.html', indexPage(rules, version)]];
  for (const rule of rules) files.push([`rules/${rule.id}.html`, rulePage(rule, ctx)]);
  files.push(['maps/nsa-cisa.html', nsaMap(rules, byId, nsa)]);
  files.push(['maps/cis.html', cisMap(rules, byId, cis)]);
  files.push(['maps/pss.html', pssMap(rules, byId, check)]);
  files.push(['maps/peers.html', peersMap(byId, peers, mapping)]);
  await Promise.all(files.map(([name, html]) => writeFile(path.join(out, name), html)));
  log(`docs: ${files.length} pages for ${rules.length} rules (engine ${version})`);
  return files.map(([name]) => name);
}

// The PSS map asks the engine about v1.0 … v1.PSS_MAX_MINOR; the build fails if "latest"
// behaves differently from the last of them (time to raise it).
const PSS_MAX_MINOR = 45;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildDocs();
}

// The rule catalog (rules.html): every rule of the engine, rendered from its own rules()
// metadata, with an anchor per rule id (the target of the engine's `rules.html#<id>` links).
// The engine runs on the main thread here: rules() and version() are all the page needs.
import './style.css';
import init, { check, rules, version } from '@kubeharden/engine/kubeharden.js';
import wasmUrl from '@kubeharden/engine/kubeharden_bg.wasm?url';
import { byId, externalLink, h } from './dom';
import { severityBadge } from './diagnostic-view';
import { PROFILES, SEVERITIES, type CheckResult, type RuleMeta } from './engine-types';
import { checkOptions, DEFAULT_SETTINGS, type Settings } from './settings';
import { registerServiceWorkerWhenIdle } from './offline';
import { encodeShareHash } from './share';

const OPT_IN = 'opt-in';

const catalog = byId('catalog');
const toc = byId('toc');
const filter = byId<HTMLInputElement>('catalog-filter');
const severityFilter = byId<HTMLSelectElement>('catalog-severity');
const profileFilter = byId<HTMLSelectElement>('catalog-profile');
const count = byId('catalog-count');

// Inside an iframe, the playground opens in a new tab instead of inside the frame.
const framed = window.top !== window.self;

severityFilter.replaceChildren(
  h('option', { value: '' }, 'all'),
  ...SEVERITIES.map((s) => h('option', { value: s }, s)),
);
profileFilter.replaceChildren(
  h('option', { value: '' }, 'all'),
  ...PROFILES.map((p) => h('option', { value: p }, p)),
  h('option', { value: OPT_IN }, 'opt-in (no profile)'),
);

interface Entry {
  rule: RuleMeta;
  section: HTMLElement;
  tocItem: HTMLElement;
  text: string;
}
let entries: Entry[] = [];
let groups: { section: HTMLElement; tocGroup: HTMLElement; entries: Entry[] }[] = [];

load().catch((err: unknown) => {
  catalog.dataset.status = 'error';
  catalog.replaceChildren(
    h(
      'p',
      { class: 'kh-error' },
      `The engine failed to load: ${err instanceof Error ? err.message : String(err)}`,
    ),
  );
});

async function load(): Promise<void> {
  await init({ module_or_path: new URL(wasmUrl, import.meta.url) });
  const list = rules() as RuleMeta[];
  const engineVersion = version() as string;
  byId('engine-version').textContent = `engine ${engineVersion}`;
  render(list);
  catalog.dataset.ruleCount = String(list.length);
  catalog.dataset.version = engineVersion;
  catalog.dataset.status = 'ready';
  applyFilters();
  showTarget(true);
  registerServiceWorkerWhenIdle();
}

function render(list: readonly RuleMeta[]): void {
  const all = new Map(list.map((rule) => [rule.id, rule]));
  // Categories in the engine's order of first appearance, rules in the engine's order.
  const categories = new Map<string, RuleMeta[]>();
  for (const rule of list) {
    const bucket = categories.get(rule.category) ?? [];
    bucket.push(rule);
    categories.set(rule.category, bucket);
  }
  entries = [];
  groups = [];
  const body = document.createDocumentFragment();
  const tocBody = document.createDocumentFragment();
  for (const [category, members] of categories) {
    const headingId = `category-${category}`;
    const groupEntries = members.map((rule) => {
      const entry: Entry = {
        rule,
        section: ruleSection(rule, all),
        tocItem: h(
          'li',
          { class: `kh-toc-item kh-sev-${rule.severity}` },
          h('span', { class: 'kh-dot', title: rule.severity }),
          h('a', { href: `#${rule.id}` }, rule.title),
        ),
        text: [
          rule.id,
          rule.title,
          rule.category,
          rule.rationale,
          rule.remediation,
          rule.help,
          ...rule.references.map((r) => `${r.source} ${r.id} ${r.title}`),
        ]
          .join('\n')
          .toLowerCase(),
      };
      entries.push(entry);
      return entry;
    });
    const section = h(
      'section',
      { class: 'kh-category', 'aria-labelledby': headingId, 'data-category': category },
      h('h2', { id: headingId, class: 'kh-category-title' }, category),
      ...groupEntries.map((e) => e.section),
    );
    const tocGroup = h(
      'div',
      { class: 'kh-toc-group' },
      h('h2', {}, h('a', { href: `#${headingId}` }, category)),
      h('ul', {}, ...groupEntries.map((e) => e.tocItem)),
    );
    body.append(section);
    tocBody.append(tocGroup);
    groups.push({ section, tocGroup, entries: groupEntries });
  }
  catalog.replaceChildren(body);
  toc.replaceChildren(tocBody);
}

function ruleSection(rule: RuleMeta, all: ReadonlyMap<string, RuleMeta>): HTMLElement {
  const replacement = rule.replacedBy ? all.get(rule.replacedBy) : undefined;
  return h(
    'section',
    {
      id: rule.id,
      class: `kh-entry kh-sev-${rule.severity}`,
      'data-rule': rule.id,
      'data-severity': rule.severity,
      'aria-labelledby': `${rule.id}-title`,
    },
    h(
      'div',
      { class: 'kh-entry-head' },
      severityBadge(rule.severity),
      h(
        'h3',
        { id: `${rule.id}-title`, class: 'kh-entry-title' },
        h('a', { href: `#${rule.id}`, class: 'kh-anchor' }, rule.title),
      ),
      h('code', { class: 'kh-entry-id' }, rule.id),
    ),
    h(
      'dl',
      { class: 'kh-entry-meta' },
      h('dt', {}, 'Category'),
      h('dd', {}, rule.category),
      h('dt', {}, 'Profiles'),
      h(
        'dd',
        { 'data-profiles': rule.profiles.join(' ') || OPT_IN },
        rule.profiles.length ? rule.profiles.join(', ') : 'none (opt-in: enable it by id)',
      ),
      rule.replacedBy && h('dt', {}, 'Replaced by'),
      rule.replacedBy &&
        h(
          'dd',
          {},
          h('a', { href: `#${rule.replacedBy}` }, h('code', {}, rule.replacedBy)),
          replacement ? ` (${replacement.title}) when both are on` : ' when both are on',
        ),
      rule.references.length > 0 && h('dt', {}, 'References'),
      rule.references.length > 0 &&
        h(
          'dd',
          {},
          h(
            'ul',
            { class: 'kh-refs' },
            ...rule.references.map((ref) =>
              h(
                'li',
                {},
                externalLink(ref.url, [ref.source, ref.id].filter(Boolean).join(' ')),
                ref.title ? ` — ${ref.title}` : '',
              ),
            ),
          ),
        ),
    ),
    prose('Why it matters', rule.rationale),
    prose('How to fix', rule.remediation),
    prose('Finding help', rule.help),
    example('Failing example', 'bad', rule.badExample),
    example('Passing example', 'good', rule.goodExample),
    tryIt(rule, all),
  );
}

/**
 * The "Try it" link: the failing example in the playground, under settings that turn the
 * rule on. The page checks the example first with those same settings and only links when
 * the finding shows up (a rule may need an option the playground has no control for).
 */
function tryIt(rule: RuleMeta, all: ReadonlyMap<string, RuleMeta>): HTMLElement | null {
  if (!rule.badExample) return null;
  const settings = tryItSettings(rule, all);
  if (!reproduces(rule, settings, [...all.values()])) {
    return h(
      'p',
      { class: 'kh-try kh-try-none', 'data-try-none': rule.id },
      'The playground has no setting this rule needs; run the failing example with the CLI.',
    );
  }
  return h(
    'p',
    { class: 'kh-try' },
    h(
      'a',
      {
        href: `index.html${encodeShareHash({ source: rule.badExample, settings })}`,
        'data-try': rule.id,
        ...(framed ? { target: '_blank', rel: 'noopener' } : {}),
      },
      'Try it in the playground →',
    ),
  );
}

function reproduces(rule: RuleMeta, settings: Settings, list: readonly RuleMeta[]): boolean {
  try {
    const result = check(rule.badExample ?? '', checkOptions(settings, list)) as CheckResult;
    return result.diagnostics.some((d) => d.rule === rule.id);
  } catch {
    return false;
  }
}

function prose(label: string, text: string): HTMLElement | null {
  if (!text) return null;
  return h(
    'div',
    { class: 'kh-prose' },
    h('p', { class: 'kh-tip-label' }, label),
    h('p', {}, text),
  );
}

function example(label: string, kind: 'bad' | 'good', source: string | undefined): HTMLElement {
  return h(
    'figure',
    { class: `kh-example kh-example-${kind}`, 'data-example': kind },
    h('figcaption', { class: 'kh-tip-label' }, label),
    source ? h('pre', {}, h('code', {}, source)) : h('p', { class: 'kh-empty' }, 'No example.'),
  );
}

/**
 * Settings under which the failing example shows this rule's finding: the first profile
 * that has the rule (or the default one with the rule switched on), and the rule that
 * replaces it, if any, switched off.
 */
function tryItSettings(rule: RuleMeta, all: ReadonlyMap<string, RuleMeta>): Settings {
  const profile = PROFILES.find((p) => rule.profiles.includes(p)) ?? DEFAULT_SETTINGS.profile;
  const overrides: Record<string, boolean> = {};
  if (!rule.profiles.includes(profile)) overrides[rule.id] = true;
  const replacement = rule.replacedBy ? all.get(rule.replacedBy) : undefined;
  if (replacement?.profiles.includes(profile)) overrides[replacement.id] = false;
  return { ...DEFAULT_SETTINGS, profile, overrides };
}

function matches(entry: Entry): boolean {
  const query = filter.value.trim().toLowerCase();
  const severity = severityFilter.value;
  const profile = profileFilter.value;
  if (query && !query.split(/\s+/).every((word) => entry.text.includes(word))) return false;
  if (severity && entry.rule.severity !== severity) return false;
  if (profile === OPT_IN) return entry.rule.profiles.length === 0;
  if (profile && !entry.rule.profiles.includes(profile)) return false;
  return true;
}

function applyFilters(): void {
  let shown = 0;
  for (const group of groups) {
    let groupShown = 0;
    for (const entry of group.entries) {
      const visible = matches(entry);
      entry.section.hidden = !visible;
      entry.tocItem.hidden = !visible;
      if (visible) groupShown++;
    }
    group.section.hidden = groupShown === 0;
    group.tocGroup.hidden = groupShown === 0;
    shown += groupShown;
  }
  count.textContent =
    shown === entries.length
      ? `${entries.length} rules`
      : `${shown} of ${entries.length} rules match`;
}

function clearFilters(): void {
  filter.value = '';
  severityFilter.value = '';
  profileFilter.value = '';
  applyFilters();
}

/** Highlight (and, after the asynchronous render, scroll to) the rule in the fragment. */
function showTarget(scroll: boolean): void {
  for (const el of catalog.querySelectorAll('.kh-target')) el.classList.remove('kh-target');
  let id = '';
  try {
    id = decodeURIComponent(location.hash.slice(1));
  } catch {
    return;
  }
  const target = id ? document.getElementById(id) : null;
  if (!target || !catalog.contains(target)) return;
  if (target.closest('[hidden]')) {
    clearFilters();
    scroll = true;
  }
  target.classList.add('kh-target');
  if (scroll) target.scrollIntoView({ block: 'start' });
}

filter.addEventListener('input', applyFilters);
severityFilter.addEventListener('change', applyFilters);
profileFilter.addEventListener('change', applyFilters);
// Same-page anchor clicks scroll by themselves; a target hidden by a filter needs help.
window.addEventListener('hashchange', () => showTarget(false));

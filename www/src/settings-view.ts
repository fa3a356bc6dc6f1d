// Controls for the settings: profile and PSS version selectors, and the rules dialog
// with one switch per rule and, under a rule switched on, the inputs for its parameters.
import { byId, h, docsLink, externalLink } from './dom';
import type {
  Diagnostic as EngineDiagnostic,
  Profile,
  RuleMeta,
} from '@kubeharden/engine/kubeharden.js';
import { PROFILES, severityRank } from './levels';
import { download } from './file-io';
import type { RuleParam } from '@kubeharden/engine/kubeharden.js';
import {
  configYaml,
  isRuleEnabled,
  ruleInProfile,
  type Selections,
  type Settings,
} from './settings';
import { severityBadge } from './diagnostic-view';

export class SettingsView {
  private readonly profile = byId<HTMLSelectElement>('profile');
  private readonly pss = byId<HTMLSelectElement>('pss-version');
  private readonly dialog = byId<HTMLDialogElement>('settings-dialog');
  private readonly rulesList = byId('rules-list');
  private readonly note = byId('rules-note');
  private readonly filter = byId<HTMLInputElement>('rules-filter');
  private readonly config = byId<HTMLTextAreaElement>('config-text');
  private readonly configProblems = byId('config-problems');
  private rules: readonly RuleMeta[] = [];
  private selections: Selections = { baseline: [], restricted: [], hardened: [] };

  constructor(
    private settings: Settings,
    private readonly onChange: (settings: Settings) => void,
  ) {
    this.profile.replaceChildren(...PROFILES.map((p) => h('option', { value: p }, p)));
    // The engine's versions replace this once it is ready (`setEngine`).
    this.pss.replaceChildren(h('option', { value: settings.pssVersion }, settings.pssVersion));
    this.profile.addEventListener('change', () =>
      this.update({ ...this.settings, profile: this.profile.value as Profile }),
    );
    this.pss.addEventListener('change', () =>
      this.update({ ...this.settings, pssVersion: this.pss.value }),
    );
    byId('open-settings').addEventListener('click', () => this.dialog.showModal());
    byId('close-settings').addEventListener('click', () => this.dialog.close());
    this.dialog.addEventListener('click', (event) => {
      if (event.target === this.dialog) this.dialog.close(); // click on the backdrop
    });
    this.filter.addEventListener('input', () => this.render());
    this.config.value = this.settings.config;
    this.config.addEventListener('input', () =>
      this.update({ ...this.settings, config: this.config.value }),
    );
    byId('export-config').addEventListener('click', () =>
      download(
        '.kubeharden.yaml',
        'application/yaml',
        configYaml(this.settings, this.rules, this.selections),
      ),
    );
    byId('reset-rules').addEventListener('click', () =>
      this.update({ ...this.settings, overrides: {} }),
    );
    this.render();
  }

  /** The engine's rules, what each profile switches on, and its Pod Security versions. */
  setEngine(
    rules: readonly RuleMeta[],
    selections: Selections,
    pssVersions: readonly string[],
  ): void {
    this.selections = selections;
    this.pss.replaceChildren(...pssVersions.map((v) => h('option', { value: v }, v)));
    this.rules = [...rules].sort(
      (a, b) =>
        a.category.localeCompare(b.category) ||
        severityRank(a.severity) - severityRank(b.severity) ||
        a.id.localeCompare(b.id),
    );
    this.render();
  }

  /** Replace the settings from outside (a share link). */
  set(settings: Settings): void {
    this.settings = settings;
    this.config.value = settings.config;
    this.render();
  }

  /** The pasted config's problems and its exemptions' findings, with their lines. */
  showConfigProblems(problems: readonly EngineDiagnostic[]): void {
    this.configProblems.replaceChildren(
      ...problems.map((d) =>
        h(
          'li',
          { 'data-rule': d.rule },
          `line ${d.range.start.line + 1}, column ${d.range.start.character + 1}: ${d.message} (${d.rule})`,
        ),
      ),
    );
  }

  private update(settings: Settings): void {
    this.settings = settings;
    this.render();
    this.onChange(settings);
  }

  private render(): void {
    this.profile.value = this.settings.profile;
    this.pss.value = this.settings.pssVersion;
    const enabled = this.rules.filter((r) =>
      isRuleEnabled(r, this.settings, this.selections),
    ).length;
    const changed = Object.keys(this.settings.overrides).length;
    this.note.textContent =
      `${enabled} of ${this.rules.length} rules on with the “${this.settings.profile}” profile` +
      (changed ? `, ${changed} switched by you.` : '.');

    const fragment = document.createDocumentFragment();
    const query = this.filter.value.trim().toLowerCase();
    const shown = this.rules.filter(
      (r) =>
        !query || `${r.id} ${r.title} ${r.category} ${r.severity}`.toLowerCase().includes(query),
    );
    if (shown.length === 0) fragment.append(h('p', { class: 'kh-empty' }, 'No rule matches.'));
    let category = '';
    for (const rule of shown) {
      if (rule.category !== category) {
        category = rule.category;
        fragment.append(h('h3', { class: 'kh-rules-category' }, category));
      }
      fragment.append(this.ruleRow(rule));
    }
    this.rulesList.replaceChildren(fragment);
  }

  private ruleRow(rule: RuleMeta): HTMLElement {
    const inProfile = ruleInProfile(rule, this.settings.profile, this.selections);
    const on = isRuleEnabled(rule, this.settings, this.selections);
    const id = `rule-switch-${rule.id}`;
    const input = h('input', {
      type: 'checkbox',
      role: 'switch',
      id,
      class: 'kh-switch',
      'data-rule-switch': rule.id,
    });
    input.checked = on;
    input.addEventListener('change', () => {
      const overrides = { ...this.settings.overrides };
      if (input.checked === inProfile) delete overrides[rule.id];
      else overrides[rule.id] = input.checked;
      this.update({ ...this.settings, overrides });
    });
    const overridden = rule.id in this.settings.overrides;
    return h(
      'div',
      { class: 'kh-rule' + (overridden ? ' kh-rule-overridden' : '') },
      input,
      h(
        'label',
        { for: id, class: 'kh-rule-label' },
        severityBadge(rule.severity),
        h('span', { class: 'kh-rule-title' }, rule.title),
        h('code', {}, rule.id),
      ),
      h(
        'p',
        { class: 'kh-rule-desc' },
        rule.rationale,
        ' ',
        h(
          'span',
          { class: 'kh-rule-profiles' },
          `Profiles: ${rule.profiles.join(', ') || 'none (opt-in)'}.`,
          overridden ? ` Switched ${on ? 'on' : 'off'} by you.` : '',
        ),
        ' ',
        ...rule.references.flatMap((ref) => [
          externalLink(ref.url, `${ref.source} ${ref.id}`.trim()),
          ' ',
        ]),
        docsLink(rule.docs, 'docs'),
      ),
      ...(on ? (rule.params ?? []).map((param) => this.paramInput(rule, param)) : []),
    );
  }

  /** A rule parameter's values, one per line; they apply as they are typed. */
  private paramInput(rule: RuleMeta, param: RuleParam): HTMLElement {
    const id = `rule-param-${rule.id}-${param.option}`;
    const input = h('textarea', {
      id,
      class: 'kh-rule-param-input',
      rows: '3',
      spellcheck: 'false',
      placeholder: param.example.join('\n'),
      'data-rule-param': param.option,
    });
    input.value = (this.settings.params[param.option] ?? []).join('\n');
    input.addEventListener('input', () => {
      const values = input.value
        .split('\n')
        .map((v) => v.trim())
        .filter(Boolean);
      const params: Record<string, string[]> = { ...this.settings.params };
      if (values.length) params[param.option] = values;
      else delete params[param.option];
      // No re-render: the list is rebuilt on render and the textarea would lose focus.
      this.settings = { ...this.settings, params };
      this.onChange(this.settings);
    });
    return h(
      'div',
      { class: 'kh-rule-param' },
      h('label', { for: id }, `${param.label} (one per line)`),
      input,
      h('p', { class: 'kh-rule-desc' }, param.help),
    );
  }
}

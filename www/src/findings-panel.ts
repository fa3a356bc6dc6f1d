// The findings panel: counts by severity (doubling as severity filters), a category
// filter, and the findings grouped by resource and sorted by severity. Keyboard: Tab into
// the list, arrow keys / Home / End to move, Enter or Space to jump to a finding. The
// "Fix all safe (N)" button counts the findings with a safe quick fix.
import { h, byId } from './dom';
import type { Severity } from '@kubeharden/engine/kubeharden.js';
import { SEVERITIES } from './levels';
import { compareFindings, resourceKey, resourceLabel, type Finding } from './findings';
import { severityBadge } from './diagnostic-view';
import { safeFixCount } from './fix-all';

export type PanelStatus = 'loading' | 'checking' | 'ready' | 'error';

export class FindingsPanel {
  private readonly summary = byId('summary');
  private readonly list = byId('findings');
  private readonly categorySelect = byId<HTMLSelectElement>('category-filter');
  private readonly fixAllButton = byId<HTMLButtonElement>('fix-all');
  private fixing = false;
  private findings: readonly Finding[] = [];
  private hiddenSeverities = new Set<Severity>();
  private category = '';
  private status: PanelStatus = 'loading';
  private message = '';
  /** The findings behind the rendered buttons, by `data-index` (clicks are delegated). */
  private rendered: Finding[] = [];
  /** What the rendered list shows; an identical list is not rebuilt. */
  private renderedSignature = '';
  private cancelScheduled: (() => void) | null = null;

  constructor(
    private readonly onActivate: (finding: Finding) => void,
    onFixAll: () => void,
  ) {
    this.fixAllButton.addEventListener('click', () => {
      if (!this.fixing) onFixAll();
    });
    this.categorySelect.addEventListener('change', () => {
      this.category = this.categorySelect.value;
      this.renderList();
    });
    this.list.addEventListener('keydown', (event) => this.onKeyDown(event));
    // One listener for all findings instead of two per button.
    this.list.addEventListener('click', (event) => {
      const finding = this.findingOf(event.target);
      if (finding) this.onActivate(finding);
    });
    this.list.addEventListener('focusin', (event) => {
      if (
        event.target instanceof HTMLButtonElement &&
        event.target.classList.contains('kh-finding')
      )
        this.makeTabbable(event.target);
    });
    this.renderSummary();
  }

  setCategories(categories: readonly string[]): void {
    this.categorySelect.replaceChildren(
      h('option', { value: '' }, 'All categories'),
      ...[...new Set(categories)].sort().map((c) => h('option', { value: c }, c)),
    );
    this.categorySelect.value = categories.includes(this.category) ? this.category : '';
  }

  /** Record that the document is now at `version` (data-doc-version, for tests and benches). */
  setDocVersion(version: number): void {
    this.summary.dataset.docVersion = String(version);
  }

  setStatus(status: PanelStatus, message = ''): void {
    // A new check (or an error) makes a scheduled render of older findings moot.
    this.cancel();
    this.status = status;
    this.message = message;
    this.summary.dataset.status = status;
    if (status === 'error' || status === 'loading') this.render();
  }

  /** Mark "Fix all safe" busy while the engine works on it (clicks are ignored then). */
  setFixing(busy: boolean): void {
    this.fixing = busy;
    this.renderFixAll();
  }

  /** Show findings for document version `version` (exposed as data-version for tests). */
  setFindings(findings: readonly Finding[], version: number, checkMillis?: number): void {
    this.cancel();
    this.findings = findings;
    if (checkMillis !== undefined) this.summary.dataset.checkMs = checkMillis.toFixed(1);
    this.status = 'ready';
    this.message = '';
    this.summary.dataset.version = String(version);
    this.render();
  }

  /**
   * `setFindings` once the browser is idle (after it has painted the squiggles set just
   * before), within 100 ms at the latest. Dropped when a newer check starts (`setStatus`) or
   * the document moved on (`currentVersion()`); until it runs the summary keeps saying
   * "checking", so "ready" for a version always means that version's panel is shown.
   */
  setFindingsSoon(
    findings: readonly Finding[],
    version: number,
    checkMillis: number | undefined,
    currentVersion: () => number,
  ): void {
    this.cancel();
    const run = () => {
      this.cancelScheduled = null;
      if (currentVersion() === version) this.setFindings(findings, version, checkMillis);
    };
    if (typeof requestIdleCallback === 'function') {
      const id = requestIdleCallback(run, { timeout: 100 });
      this.cancelScheduled = () => cancelIdleCallback(id);
    } else {
      const id = setTimeout(run, 0);
      this.cancelScheduled = () => clearTimeout(id);
    }
  }

  private cancel(): void {
    this.cancelScheduled?.();
    this.cancelScheduled = null;
  }

  private render(): void {
    this.renderSummary();
    this.renderList();
  }

  private renderFixAll(): void {
    const n =
      this.status === 'error' || this.status === 'loading' ? 0 : safeFixCount(this.findings);
    const button = this.fixAllButton;
    button.textContent = `Fix all safe (${n})`;
    button.dataset.count = String(n);
    button.disabled = n === 0;
    button.setAttribute('aria-busy', String(this.fixing));
  }

  private renderSummary(): void {
    this.renderFixAll();
    const counts = new Map<Severity, number>(SEVERITIES.map((s) => [s, 0]));
    for (const f of this.findings) {
      counts.set(f.diagnostic.severity, (counts.get(f.diagnostic.severity) ?? 0) + 1);
    }
    const total = this.findings.length;
    this.summary.dataset.status = this.status;
    this.summary.dataset.total = String(total);
    const headline =
      this.status === 'loading'
        ? 'Loading the engine…'
        : this.status === 'error'
          ? 'Check failed'
          : `${total} ${total === 1 ? 'finding' : 'findings'}`;
    this.summary.replaceChildren(
      h('span', { class: 'kh-total' }, headline),
      ...SEVERITIES.map((severity) => {
        const count = counts.get(severity) ?? 0;
        const shown = !this.hiddenSeverities.has(severity);
        const button = h(
          'button',
          {
            type: 'button',
            class: `kh-count kh-sev-${severity}`,
            'data-severity': severity,
            'data-count': count,
            'aria-pressed': String(shown),
            title: `${shown ? 'Hide' : 'Show'} ${severity} findings`,
          },
          h('span', { class: 'kh-dot', 'aria-hidden': 'true' }),
          `${count} ${severity}`,
        );
        button.addEventListener('click', () => {
          if (shown) this.hiddenSeverities.add(severity);
          else this.hiddenSeverities.delete(severity);
          this.render();
        });
        return button;
      }),
    );
  }

  private renderList(): void {
    if (this.status === 'error') {
      this.showMessage(h('p', { class: 'kh-empty kh-error', role: 'alert' }, this.message));
      return;
    }
    if (this.status === 'loading') {
      this.showMessage(h('p', { class: 'kh-empty' }, 'Loading the engine…'));
      return;
    }
    if (this.findings.length === 0) {
      this.showMessage(
        h('p', { class: 'kh-empty kh-good' }, 'No findings — everything is looking good!'),
      );
      return;
    }
    const visible = this.findings.filter(
      (f) =>
        !this.hiddenSeverities.has(f.diagnostic.severity) &&
        (!this.category || f.rule?.category === this.category),
    );
    if (visible.length === 0) {
      this.showMessage(
        h(
          'p',
          { class: 'kh-empty' },
          `All ${this.findings.length} findings are hidden by the filters.`,
        ),
      );
      return;
    }

    const groups = new Map<string, { first: number; items: Finding[] }>();
    for (const f of visible) {
      const key = resourceKey(f.diagnostic);
      const group = groups.get(key);
      if (group) {
        group.items.push(f);
        if (f.from < group.first) group.first = f.from;
      } else groups.set(key, { first: f.from, items: [f] });
    }
    const ordered = [...groups.values()]
      .sort((a, b) => a.first - b.first)
      .map(({ items }) => items.sort(compareFindings));

    // Typing inside a line leaves the list as it was (only offsets move): keep the DOM and
    // just point the buttons at the new findings.
    const rendered = ordered.flat();
    const signature = listSignature(ordered);
    if (signature === this.renderedSignature) {
      this.rendered = rendered;
      return;
    }

    const focusedKey = this.focusedKey();
    const fragment = document.createDocumentFragment();
    let index = 0;
    for (const items of ordered) {
      const label = resourceLabel(items[0].diagnostic);
      const ul = document.createElement('ul');
      ul.className = 'kh-group-items';
      for (const finding of items) {
        const li = document.createElement('li');
        li.append(this.findingButton(finding, index));
        ul.append(li);
        index++;
      }
      fragment.append(
        h(
          'section',
          { class: 'kh-group', 'aria-label': label },
          h(
            'h3',
            { class: 'kh-group-title' },
            h('span', {}, label),
            h('span', { class: 'kh-group-count' }, String(items.length)),
          ),
          ul,
        ),
      );
    }
    this.rendered = rendered;
    this.renderedSignature = signature;
    this.list.replaceChildren(fragment);
    if (focusedKey)
      this.buttons()
        .find((b) => b.dataset.key === focusedKey)
        ?.focus();
  }

  private showMessage(message: HTMLElement): void {
    this.rendered = [];
    this.renderedSignature = '';
    this.list.replaceChildren(message);
  }

  private findingOf(target: EventTarget | null): Finding | undefined {
    const button = target instanceof Element ? target.closest('button.kh-finding') : null;
    if (!(button instanceof HTMLElement) || !this.list.contains(button)) return undefined;
    return this.rendered[Number(button.dataset.index)];
  }

  private findingButton(finding: Finding, index: number): HTMLButtonElement {
    const d = finding.diagnostic;
    const button = h(
      'button',
      {
        type: 'button',
        class: 'kh-finding',
        'data-rule': d.rule,
        'data-line': finding.line,
        'data-severity': d.severity,
        'data-key': findingKey(finding),
        'data-index': index,
        tabindex: index === 0 ? 0 : -1,
      },
      severityBadge(d.severity),
      h('span', { class: 'kh-finding-message' }, d.message),
      h(
        'span',
        { class: 'kh-finding-meta' },
        h('code', {}, d.rule),
        ` · line ${finding.line}:${finding.column}`,
        d.fix ? ' · quick fix' : '',
      ),
    );
    button.title = finding.rule?.title ?? d.rule;
    return button;
  }

  private buttons(): HTMLButtonElement[] {
    return [...this.list.querySelectorAll<HTMLButtonElement>('button.kh-finding')];
  }

  private focusedKey(): string | undefined {
    const active = document.activeElement;
    return active instanceof HTMLElement && this.list.contains(active)
      ? active.dataset.key
      : undefined;
  }

  private makeTabbable(button: HTMLButtonElement): void {
    for (const b of this.buttons()) b.tabIndex = b === button ? 0 : -1;
  }

  private onKeyDown(event: KeyboardEvent): void {
    const buttons = this.buttons();
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (index < 0) return;
    const target =
      event.key === 'ArrowDown'
        ? Math.min(index + 1, buttons.length - 1)
        : event.key === 'ArrowUp'
          ? Math.max(index - 1, 0)
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? buttons.length - 1
              : -1;
    if (target < 0) return;
    event.preventDefault();
    buttons[target].focus();
  }
}

/** Identifies a finding across re-checks as long as its place in the text does not move. */
function findingKey(finding: Finding): string {
  return `${finding.diagnostic.rule}@${finding.line}:${finding.column}`;
}

/** Everything the rendered list shows, as one string. */
function listSignature(ordered: readonly Finding[][]): string {
  const parts: string[] = [];
  for (const items of ordered) {
    parts.push('\u0000' + resourceLabel(items[0].diagnostic));
    for (const f of items) {
      const d = f.diagnostic;
      parts.push(
        `${findingKey(f)}\u0001${d.severity}\u0001${d.message}\u0001${d.fix ? 1 : 0}\u0001${f.rule?.title ?? ''}`,
      );
    }
  }
  return parts.join('\u0002');
}

// <kubeharden-example>: a live, editable Kubernetes manifest in any static page.
//
//   <script type="module" src="/kubeharden/embed/kubeharden-example.js"></script>
//   <kubeharden-example profile="restricted"><pre>apiVersion: v1 …</pre></kubeharden-example>
//
// Until the script runs (or when it never does) the page shows the YAML as it was written.
// Once the element scrolls into view it becomes a small CodeMirror editor with squiggles, the
// findings under it, quick fixes, "Reset" and "Open in playground". Everything it draws lives
// in its (open) shadow root; manifest text only ever reaches the DOM through CodeMirror and
// textContent.
//
// Attributes: profile (baseline | restricted | hardened, default hardened), pss-version
// (latest | v1.N), enable / disable (rule ids, space- or comma-separated), image-registries
// (allowed registries, for the image-registry rule), playground (URL of
// the playground page; default: index.html next to the folder holding this script), docs-base
// (where the engine's `rules.html#<id>` links resolve; default: that same site root).
import { EditorState, type Extension } from '@codemirror/state';
import { EditorView, keymap, lineNumbers, drawSelection } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import { HighlightStyle, indentUnit, syntaxHighlighting } from '@codemirror/language';
import { setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { tags as t } from '@lezer/highlight';
import type {
  CheckOptions,
  Diagnostic as EngineDiagnostic,
  Fix,
  Profile,
} from '@kubeharden/engine/kubeharden.js';
import { CM_SEVERITY, PROFILES } from '../levels';
import { rangeToOffsets } from '../positions';
import { encodeShareHash } from '../share';
import { sanitizeSettings } from '../settings';
import { DOCS_BASE } from '../dom';
import { loadEngine, type Engine } from './engine';
import { ELEMENT_CSS } from './styles';

const RULE_ID = /^[a-z0-9][a-z0-9-]{0,80}$/;
const RULE_DOCS = /^rules\.html#[a-z0-9][a-z0-9-]*$/;
// The site this script was deployed with: embed/ or assets/ sits one level below its root.
const SITE_ROOT = new URL(/* @vite-ignore */ '../', import.meta.url);
const DEBOUNCE_MS = 120;

const theme = EditorView.theme({
  '&': { color: 'var(--kh-fg)', backgroundColor: 'var(--kh-editor-bg)', fontSize: '0.875rem' },
  '&.cm-focused': { outline: '2px solid var(--kh-accent)', outlineOffset: '-2px' },
  '.cm-scroller': { fontFamily: 'var(--kh-mono)', lineHeight: '1.5' },
  '.cm-content': { caretColor: 'var(--kh-fg)' },
  '.cm-cursor': { borderLeftColor: 'var(--kh-fg)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground': {
    backgroundColor: 'var(--kh-selection)',
  },
  '.cm-gutters': {
    backgroundColor: 'var(--kh-gutter-bg)',
    color: 'var(--kh-muted)',
    borderRight: '1px solid var(--kh-border)',
  },
  '.cm-tooltip': {
    backgroundColor: 'var(--kh-panel-bg)',
    color: 'var(--kh-fg)',
    border: '1px solid var(--kh-border)',
  },
  '.cm-diagnosticAction': { backgroundColor: 'var(--kh-accent)', color: 'var(--kh-accent-fg)' },
});

const highlight = HighlightStyle.define([
  { tag: [t.propertyName, t.definition(t.propertyName)], color: 'var(--kh-hl-key)' },
  { tag: [t.string, t.special(t.string)], color: 'var(--kh-hl-string)' },
  { tag: [t.number, t.bool, t.null, t.atom], color: 'var(--kh-hl-atom)' },
  { tag: [t.comment, t.lineComment], color: 'var(--kh-muted)', fontStyle: 'italic' },
]);

let sheet: CSSStyleSheet | undefined;
function elementSheet(): CSSStyleSheet {
  // Constructed once and shared by every example's shadow root: no <style> element, so no
  // style-src exception is needed in the host page's CSP.
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(ELEMENT_CSS);
  }
  return sheet;
}

// One observer for all examples: an example turns live when it comes near the viewport.
let observer: IntersectionObserver | undefined;
function observe(el: KubehardenExample): void {
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        observer?.unobserve(entry.target);
        (entry.target as KubehardenExample).activate();
      }
    },
    { rootMargin: '200px 0px' },
  );
  observer.observe(el);
}

/** The text of the light DOM (usually a <pre>), without the indentation HTML adds. */
function sourceOf(el: HTMLElement): string {
  const lines = (el.textContent ?? '').replace(/\r\n?/g, '\n').split('\n');
  while (lines.length && !lines[0].trim()) lines.shift();
  while (lines.length && !lines[lines.length - 1].trim()) lines.pop();
  const indent = Math.min(
    ...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length),
  );
  const body = lines.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)).join('\n');
  return body ? `${body}\n` : '';
}

function ids(value: string | null): string[] {
  return (value ?? '').split(/[\s,]+/).filter((id) => RULE_ID.test(id));
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

export class KubehardenExample extends HTMLElement {
  static observedAttributes = [
    'profile',
    'pss-version',
    'enable',
    'disable',
    'image-registries',
    'playground',
    'docs-base',
  ];

  private view: EditorView | undefined;
  private engine: Engine | undefined;
  private original = '';
  private timer: ReturnType<typeof setTimeout> | undefined;
  private version = 0;
  private ui:
    { status: HTMLElement; list: HTMLUListElement; playground: HTMLAnchorElement } | undefined;

  connectedCallback(): void {
    if (!this.shadowRoot) {
      // Until it is live the element shows its own children (the plain YAML) through a slot.
      const root = this.attachShadow({ mode: 'open' });
      root.adoptedStyleSheets = [elementSheet()];
      root.append(el('slot'));
      this.dataset.state = 'idle';
    }
    if (!this.view) observe(this);
  }

  disconnectedCallback(): void {
    observer?.unobserve(this);
  }

  attributeChangedCallback(): void {
    if (!this.view) return;
    this.updatePlaygroundLink();
    this.schedule(0);
  }

  /** Turn into the editor and check (the shared engine loads on the first call). */
  activate(): void {
    if (this.view || !this.shadowRoot) return;
    this.original = sourceOf(this);
    this.dataset.state = 'loading';
    const editorHost = el('div', { class: 'editor', part: 'editor' });
    const status = el('span', { class: 'status', role: 'status' }, 'Loading the checker…');
    const reset = el('button', { type: 'button', class: 'reset', part: 'button' }, 'Reset');
    const playground = el(
      'a',
      { class: 'playground', part: 'button', target: '_blank', rel: 'noopener' },
      'Open in playground ↗',
    );
    const list = el('ul', { class: 'findings', 'aria-label': 'Findings' });
    const bar = el('div', { class: 'bar' }, status, reset, playground);
    this.shadowRoot.replaceChildren(
      el('div', { class: 'frame', part: 'frame' }, editorHost, bar, list),
    );
    this.ui = { status, list, playground };
    reset.addEventListener('click', () => this.reset());

    this.view = new EditorView({
      parent: editorHost,
      root: this.shadowRoot,
      state: EditorState.create({ doc: this.original, extensions: this.extensions() }),
    });
    this.updatePlaygroundLink();
    loadEngine().then(
      (engine) => {
        this.engine = engine;
        this.check();
      },
      (err: unknown) => this.fail(`The checker failed to load: ${message(err)}`),
    );
  }

  private extensions(): Extension[] {
    return [
      lineNumbers(),
      history(),
      drawSelection(),
      indentUnit.of('  '),
      EditorState.tabSize.of(2),
      yaml(),
      syntaxHighlighting(highlight),
      theme,
      keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
      EditorView.contentAttributes.of({ 'aria-label': 'Kubernetes manifest' }),
      EditorView.updateListener.of((update) => {
        if (!update.docChanged) return;
        this.version++;
        this.dataset.docVersion = String(this.version);
        this.updatePlaygroundLink();
        this.schedule(DEBOUNCE_MS);
      }),
    ];
  }

  private schedule(delay: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.check(), delay);
  }

  private options(): CheckOptions {
    const profile = this.getAttribute('profile') ?? 'hardened';
    const pssVersion = this.getAttribute('pss-version') ?? 'latest';
    const registries = this.getAttribute('image-registries');
    return {
      profile: profile as Profile,
      pssVersion,
      enable: ids(this.getAttribute('enable')),
      disable: ids(this.getAttribute('disable')),
      ...(registries === null
        ? {}
        : { imageRegistries: registries.split(/[\s,]+/).filter(Boolean) }),
    };
  }

  private check(): void {
    const view = this.view;
    if (!view || !this.engine || !this.ui) return;
    const text = view.state.doc.toString();
    let diagnostics: EngineDiagnostic[];
    try {
      // Throws only for invalid options (an unknown profile or rule id in the attributes).
      diagnostics = this.engine.check(text, this.options()).diagnostics;
    } catch (err) {
      this.fail(`Invalid example settings: ${message(err)}`);
      return;
    }
    const doc = view.state.doc;
    const marks: Diagnostic[] = diagnostics.map((d) => {
      const { from, to } = rangeToOffsets(doc, d.range);
      return {
        from,
        to,
        severity: CM_SEVERITY[d.severity] ?? 'warning',
        source: d.rule,
        message: d.message,
        actions: d.fix ? [{ name: d.fix.title, apply: () => this.applyFix(d.fix as Fix) }] : [],
      };
    });
    view.dispatch(setDiagnostics(view.state, marks));
    this.render(diagnostics);
    this.dataset.state = 'ready';
    this.dataset.findings = String(diagnostics.length);
    this.dataset.checkedVersion = String(this.version);
  }

  private render(diagnostics: EngineDiagnostic[]): void {
    const { list, status } = this.ui!;
    status.textContent =
      diagnostics.length === 0
        ? 'No findings'
        : `${diagnostics.length} finding${diagnostics.length === 1 ? '' : 's'}`;
    status.className = `status ${diagnostics.length ? 'has-findings' : 'clean'}`;
    const items = [...diagnostics]
      .sort((a, b) => a.range.start.line - b.range.start.line)
      .map((d) => {
        const line = d.range.start.line + 1;
        const item = el(
          'li',
          { 'data-rule': d.rule, 'data-line': String(line), 'data-severity': d.severity },
          el('span', { class: `sev sev-${d.severity}` }, d.severity),
          ' ',
          el('button', { type: 'button', class: 'line', title: 'Show in the editor' }, `L${line}`),
          ' ',
          el('span', { class: 'message' }, d.message),
          ' ',
          this.ruleLink(d),
        );
        item.querySelector('button.line')!.addEventListener('click', () => this.reveal(d));
        if (d.fix) {
          const fix = el('button', { type: 'button', class: 'fix', 'data-fix': d.rule }, 'Fix');
          fix.title = d.fix.title;
          fix.addEventListener('click', () => this.applyFix(d.fix as Fix));
          item.append(' ', fix);
        }
        return item;
      });
    list.replaceChildren(...items);
  }

  private ruleLink(d: EngineDiagnostic): HTMLElement {
    const code = el('code', {}, d.rule);
    if (!d.docs || !RULE_DOCS.test(d.docs)) return code;
    const base = this.getAttribute('docs-base') || DOCS_BASE || SITE_ROOT.href;
    let href: string;
    try {
      href = new URL(d.docs, new URL(base, location.href)).href;
    } catch {
      return code;
    }
    return el('a', { href, class: 'rule' }, code);
  }

  private reveal(d: EngineDiagnostic): void {
    const view = this.view!;
    const { from, to } = rangeToOffsets(view.state.doc, d.range);
    view.dispatch({ selection: { anchor: from, head: to }, scrollIntoView: true });
    view.focus();
  }

  private applyFix(fix: Fix): void {
    const view = this.view!;
    // A fix's ranges belong to the text it was found in: after an edit not yet checked, check
    // first (the list is redrawn) rather than apply edits at moved positions.
    if (this.dataset.checkedVersion !== String(this.version)) {
      this.schedule(0);
      return;
    }
    const changes = fix.edits.map((edit) => {
      const { from, to } = rangeToOffsets(view.state.doc, edit.range);
      return { from, to, insert: edit.newText };
    });
    view.dispatch({ changes, userEvent: 'input.fix' });
    // Check right away, not after the typing debounce.
    this.schedule(0);
  }

  private reset(): void {
    const view = this.view!;
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: this.original } });
    this.schedule(0);
  }

  private updatePlaygroundLink(): void {
    const { playground } = this.ui!;
    // The link carries the profile, version and switches; rule parameters (registries)
    // apply in the playground once their rule is switched on there.
    const options = this.options();
    const overrides: Record<string, boolean> = {};
    for (const id of options.enable ?? []) overrides[id] = true;
    for (const id of options.disable ?? []) overrides[id] = false;
    const { profile, pssVersion } = options;
    const settings = sanitizeSettings({
      profile: profile && PROFILES.includes(profile) ? profile : ('hardened' as Profile),
      pssVersion: pssVersion ?? 'latest',
      overrides,
      config: '',
    });
    const page = this.getAttribute('playground') || new URL('index.html', SITE_ROOT).href;
    let url: URL;
    try {
      url = new URL(page, location.href);
    } catch {
      playground.hidden = true;
      return;
    }
    url.hash = encodeShareHash({ source: this.view!.state.doc.toString(), settings });
    playground.href = url.href;
    playground.hidden = false;
  }

  private fail(text: string): void {
    this.dataset.state = 'error';
    if (!this.ui) return;
    this.ui.status.textContent = text;
    this.ui.status.className = 'status error';
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

if (!customElements.get('kubeharden-example')) {
  customElements.define('kubeharden-example', KubehardenExample);
}

declare global {
  interface HTMLElementTagNameMap {
    'kubeharden-example': KubehardenExample;
  }
}

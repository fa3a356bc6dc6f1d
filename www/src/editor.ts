// The CodeMirror 6 editor: YAML, line numbers, search, undo, bracket matching, and the
// engine's findings as lint squiggles, severity gutter markers, tooltips and quick fixes.
import { basicSetup } from 'codemirror';
import { yaml } from '@codemirror/lang-yaml';
import { indentUnit, syntaxHighlighting, HighlightStyle } from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic, type Action } from '@codemirror/lint';
import {
  Annotation,
  ChangeSet,
  EditorSelection,
  EditorState,
  type ChangeDesc,
} from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { indentWithTab, isolateHistory } from '@codemirror/commands';
import { tags as t } from '@lezer/highlight';
import type { Fix } from '@kubeharden/engine/kubeharden.js';
import { lineChanges } from './line-diff';
import { rangeToOffsets } from './positions';
import { CM_SEVERITY } from './levels';
import { renderFindingDetails } from './diagnostic-view';
import type { Finding } from './findings';

/** Marks transactions that replace the document on the program's behalf. */
const programmatic = Annotation.define<boolean>();

/** Tooltips and panels sit on the panel colours. */
const PANEL = { backgroundColor: 'var(--panel-bg)', color: 'var(--fg)' };

const theme = EditorView.theme({
  '&': { height: '100%', color: 'var(--fg)', backgroundColor: 'var(--editor-bg)' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.5' },
  '.cm-content': { caretColor: 'var(--fg)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--fg)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': {
    backgroundColor: 'var(--selection) !important',
  },
  '.cm-activeLine': { backgroundColor: 'var(--active-line)' },
  '.cm-gutters': {
    backgroundColor: 'var(--gutter-bg)',
    color: 'var(--muted)',
    borderRight: '1px solid var(--border)',
  },
  '.cm-activeLineGutter': { backgroundColor: 'var(--active-line)' },
  '.cm-tooltip': { ...PANEL, border: '1px solid var(--border)' },
  '.cm-tooltip-lint': { maxWidth: 'min(34rem, 90vw)' },
  '.cm-panels': PANEL,
  '.cm-textfield': { backgroundColor: 'var(--editor-bg)', color: 'var(--fg)' },
  '.cm-button': {
    backgroundImage: 'none',
    backgroundColor: 'var(--button-bg)',
    color: 'var(--fg)',
  },
  '.cm-searchMatch': { backgroundColor: 'var(--search-match)' },
  '.cm-diagnosticAction': { backgroundColor: 'var(--accent)', color: 'var(--accent-fg)' },
  '.cm-lintRange-error.kh-mark-critical': { backgroundColor: 'var(--critical-bg)' },
});

const highlight = HighlightStyle.define([
  { tag: [t.propertyName, t.definition(t.propertyName)], color: 'var(--hl-key)' },
  { tag: [t.string, t.special(t.string)], color: 'var(--hl-string)' },
  { tag: [t.number, t.bool, t.null, t.atom], color: 'var(--hl-atom)' },
  { tag: [t.comment, t.lineComment], color: 'var(--hl-comment)', fontStyle: 'italic' },
  { tag: [t.meta, t.labelName, t.typeName], color: 'var(--hl-meta)' },
  { tag: [t.keyword, t.operator, t.punctuation, t.separator], color: 'var(--hl-punct)' },
  { tag: t.invalid, color: 'var(--hl-invalid)' },
]);

/**
 * Typing over a selection that spans styled (highlighted) text makes Chrome's own editing
 * code write `style` attributes into the editor before CodeMirror reads the change back;
 * the page's CSP (no 'unsafe-inline' styles) blocks them and logs a violation. Applying
 * such input through CodeMirror instead keeps the DOM untouched, with the same result
 * (input handlers such as bracket closing still run first).
 */
const typeOverSelection = EditorView.domEventHandlers({
  beforeinput(event, view) {
    const { selection } = view.state;
    if (event.inputType !== 'insertText' || !event.data || view.composing) return false;
    if (selection.ranges.every((r) => r.empty)) return false;
    event.preventDefault();
    const text = event.data;
    const insert = () =>
      view.state.update(view.state.replaceSelection(text), {
        userEvent: 'input.type',
        scrollIntoView: true,
      });
    const { from, to } = selection.main;
    const handlers = view.state.facet(EditorView.inputHandler);
    if (!handlers.some((handler) => handler(view, from, to, text, insert))) view.dispatch(insert());
    return true;
  },
});

export interface EditorCallbacks {
  /** Called after every document change; `byUser` is false for programmatic loads. */
  onChange(byUser: boolean): void;
}

export class PlaygroundEditor {
  readonly view: EditorView;
  /** Changes made since the current findings were computed, to map their positions. */
  private sinceFindings: ChangeDesc;

  constructor(parent: HTMLElement, doc: string, nonce: string, callbacks: EditorCallbacks) {
    this.view = new EditorView({
      parent,
      state: EditorState.create({
        doc,
        extensions: [
          basicSetup,
          keymap.of([indentWithTab]),
          yaml(),
          indentUnit.of('  '),
          EditorState.tabSize.of(2),
          lintGutter(),
          typeOverSelection,
          theme,
          syntaxHighlighting(highlight),
          nonce ? EditorView.cspNonce.of(nonce) : [],
          EditorView.contentAttributes.of({ 'aria-label': 'Kubernetes manifest (YAML)' }),
          EditorView.updateListener.of((update) => {
            if (!update.docChanged) return;
            for (const tr of update.transactions) {
              if (tr.docChanged)
                this.sinceFindings = this.sinceFindings.composeDesc(tr.changes.desc);
            }
            const byUser = update.transactions.some((tr) => !tr.annotation(programmatic));
            callbacks.onChange(byUser);
          }),
        ],
      }),
    });
    this.sinceFindings = ChangeSet.empty(this.view.state.doc.length).desc;
  }

  get text(): string {
    return this.view.state.doc.toString();
  }

  /** Replace the whole document (examples, files, share links); undoable. */
  setText(text: string): void {
    this.view.dispatch({
      changes: { from: 0, to: this.view.state.doc.length, insert: text },
      selection: EditorSelection.cursor(0),
      scrollIntoView: true,
      annotations: programmatic.of(true),
    });
  }

  /**
   * Replace the document with an edited copy of it (fix all) as one undo step. Only the
   * lines that differ change, so the cursor and the scroll position stay with their text.
   */
  applyEditedText(text: string): void {
    const changes = lineChanges(this.text, text);
    if (changes.length === 0) return;
    this.view.dispatch({
      changes,
      userEvent: 'input.fix',
      annotations: isolateHistory.of('full'),
    });
  }

  /** Show findings computed for the current document. */
  showFindings(findings: readonly Finding[]): void {
    this.sinceFindings = ChangeSet.empty(this.view.state.doc.length).desc;
    const diagnostics: Diagnostic[] = findings.map((finding) => this.toDiagnostic(finding));
    this.view.dispatch(setDiagnostics(this.view.state, diagnostics));
  }

  /** Select a finding's range (mapped through later edits) and bring it into view. */
  reveal(finding: Finding): void {
    const from = this.sinceFindings.mapPos(finding.from, 1);
    const to = Math.max(from, this.sinceFindings.mapPos(finding.to, -1));
    this.view.dispatch({
      selection: EditorSelection.range(from, to),
      effects: EditorView.scrollIntoView(from, { y: 'center' }),
    });
    this.view.focus();
  }

  private toDiagnostic(finding: Finding): Diagnostic {
    const { diagnostic: d } = finding;
    const actions: Action[] = [];
    if (d.fix && d.fix.edits.length > 0) {
      const fix = d.fix;
      const checkedDoc = this.view.state.doc;
      actions.push({
        name: fix.applicability === 'safe' ? `Fix: ${fix.title}` : `Fix (review): ${fix.title}`,
        apply: (view) => this.applyFix(view, fix, checkedDoc),
      });
    }
    return {
      from: finding.from,
      to: finding.to,
      severity: CM_SEVERITY[d.severity] ?? 'info',
      markClass: `kh-mark-${d.severity}`,
      message: `${d.message} [${d.rule}]`,
      renderMessage: () => renderFindingDetails(finding),
      actions,
    };
  }

  private applyFix(view: EditorView, fix: Fix, checkedDoc: EditorState['doc']): void {
    const map = this.sinceFindings;
    const changes = fix.edits
      .map((edit) => {
        const { from, to } = rangeToOffsets(checkedDoc, edit.range);
        return {
          from: map.mapPos(from, 1),
          to: Math.max(map.mapPos(from, 1), map.mapPos(to, -1)),
          insert: edit.newText,
        };
      })
      .sort((a, b) => a.from - b.from);
    view.dispatch({ changes, userEvent: 'input.fix', scrollIntoView: true });
  }
}

// Wires the playground together: editor -> engine worker (on every change; the client keeps
// at most one check in flight plus the newest pending) -> squiggles first, then the panel.
import './style.css';
import { byId, h } from './dom';
import { PlaygroundEditor } from './editor';
import { EngineClient, type CheckOutcome, type EngineInfo } from './engine-client';
import type {
  Diagnostic as EngineDiagnostic,
  ReportFormat,
  RuleMeta,
} from '@kubeharden/engine/kubeharden.js';
import { EXAMPLES } from './examples';
import { download, readTextFile, setUpFileOpening } from './file-io';
import { FindingsPanel } from './findings-panel';
import { toFindings } from './findings';
import { fixAllMessage } from './fix-all';
import { registerServiceWorkerWhenIdle } from './offline';
import {
  checkOptions,
  loadDocument,
  loadSettings,
  saveDocument,
  saveSettings,
  type Settings,
} from './settings';
import { SettingsView } from './settings-view';
import { decodeShareHash, encodeShareHash } from './share';
import { toast } from './toast';

const SAVE_DEBOUNCE_MS = 500;
const LONG_URL = 32_000;

// Vite puts the build's CSP nonce on <meta property="csp-nonce">; CodeMirror's injected
// <style> element needs it to pass the page's style-src.
const nonce = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]')?.nonce ?? '';

const shared = decodeShareHash(location.hash);
let settings: Settings = shared?.settings ?? loadSettings();
const initialDoc = shared?.source ?? loadDocument() ?? EXAMPLES[0].source;

let engineInfo: EngineInfo | null = null;
let rulesById = new Map<string, RuleMeta>();
let docVersion = 0;
let ticket = 0;
let ticketDocVersion = -1;
let lastDiagnostics: EngineDiagnostic[] = [];
let checkQueued = false;
let saveTimer: ReturnType<typeof setTimeout> | undefined;
let offlineRegistered = false;

const editorHost = byId('editor');
const editor = new PlaygroundEditor(editorHost, initialDoc, nonce, {
  onChange(byUser) {
    docVersion++;
    panel.setDocVersion(docVersion);
    // No debounce: the engine client posts the check at once when the worker is idle and
    // otherwise keeps only the newest request. A microtask folds the updates of one task
    // (several dispatches from one input event) into a single request.
    if (!checkQueued) {
      checkQueued = true;
      queueMicrotask(runCheck);
    }
    if (byUser) {
      // The share link in the address bar no longer describes the document.
      if (location.hash.startsWith('#share='))
        history.replaceState(null, '', location.pathname + location.search);
      clearTimeout(saveTimer);
      saveTimer = setTimeout(() => saveDocument(editor.text), SAVE_DEBOUNCE_MS);
    }
  },
});

const panel = new FindingsPanel((finding) => editor.reveal(finding), fixAllSafe);
const settingsView = new SettingsView(settings, (next) => {
  settings = next;
  saveSettings(settings);
  runCheck();
});
const engine = new EngineClient(onOutcome);

function options(info: EngineInfo) {
  return checkOptions(settings, info.rules, info.selections);
}

function runCheck(): void {
  checkQueued = false;
  if (!engineInfo) return;
  panel.setStatus('checking');
  ticket++;
  ticketDocVersion = docVersion;
  engine.check(ticket, editor.text, options(engineInfo));
}

function onOutcome(outcome: CheckOutcome): void {
  // A result for an older document is dropped: a check of the newer one is already due.
  if (outcome.ticket !== ticket || ticketDocVersion !== docVersion) return;
  if (outcome.error !== undefined || !outcome.result) {
    lastDiagnostics = [];
    editor.showFindings([]);
    editorHost.dataset.lintVersion = String(docVersion);
    panel.setStatus('error', `The engine could not check this document: ${outcome.error}`);
    return;
  }
  lastDiagnostics = outcome.result.diagnostics;
  settingsView.showConfigProblems(outcome.result.config ?? []);
  // Findings an exception accepts (with its reason) stay in the reports, not in the list.
  const shown = lastDiagnostics.filter((d) => !d.suppression);
  showSuppressed(lastDiagnostics.length - shown.length);
  const findings = toFindings(editor.view.state.doc, shown, rulesById);
  // Squiggles first: the dispatch puts the lint decorations in the DOM synchronously.
  editor.showFindings(findings);
  editorHost.dataset.lintVersion = String(docVersion);
  // The panel (and the summary's "ready") follow once the browser has painted them.
  panel.setFindingsSoon(findings, docVersion, outcome.millis, () => docVersion);
  // Offline use once the first findings are on screen (it queues behind their render).
  if (!offlineRegistered) {
    offlineRegistered = true;
    registerServiceWorkerWhenIdle();
  }
}
panel.setDocVersion(docVersion);

function showSuppressed(count: number): void {
  const note = byId('suppressed-note');
  note.hidden = count === 0;
  note.dataset.count = String(count);
  note.textContent = `${count} finding${count === 1 ? '' : 's'} accepted by an exception with a reason (in the reports).`;
}

/**
 * Apply every safe quick fix in the worker, then put the fixed text in the editor as one
 * undo step. A result for a document (or settings) that changed meanwhile is dropped.
 */
async function fixAllSafe(): Promise<void> {
  if (!engineInfo) return;
  const version = docVersion;
  const requested = settings;
  panel.setFixing(true);
  try {
    const result = await engine.fixAll(editor.text, options(engineInfo));
    if (docVersion !== version || settings !== requested) {
      toast('The document or settings changed while fixing; nothing was applied. Try again.');
      return;
    }
    editor.applyEditedText(result.text);
    toast(fixAllMessage(result));
    // Back to the text, where Ctrl/Cmd-Z takes the fixes back.
    editor.view.focus();
  } catch (err) {
    toast(`Fixing failed: ${err instanceof Error ? err.message : String(err)}`, 'error');
  } finally {
    panel.setFixing(false);
  }
}

engine
  .ready()
  .then((info) => {
    engineInfo = info;
    rulesById = new Map(info.rules.map((rule) => [rule.id, rule]));
    byId('engine-version').textContent = `engine ${info.version}`;
    // A stored or shared version this engine does not offer falls back to the newest.
    if (!info.pssVersions.includes(settings.pssVersion)) {
      settings = { ...settings, pssVersion: 'latest' };
      settingsView.set(settings);
    }
    settingsView.setEngine(info.rules, info.selections, info.pssVersions);
    panel.setCategories(info.rules.map((rule) => rule.category));
    runCheck();
  })
  .catch((err: unknown) => {
    panel.setStatus(
      'error',
      `The engine failed to load: ${err instanceof Error ? err.message : String(err)}`,
    );
  });

// Examples menu.
const examples = byId<HTMLSelectElement>('examples');
examples.replaceChildren(
  h('option', { value: '' }, 'Examples…'),
  ...EXAMPLES.map((example) => h('option', { value: example.id }, example.title)),
);
examples.addEventListener('change', () => {
  const example = EXAMPLES.find((e) => e.id === examples.value);
  examples.value = '';
  if (!example) return;
  editor.setText(example.source);
  saveDocument(example.source);
  editor.view.focus();
});

// Opening files.
setUpFileOpening(byId<HTMLInputElement>('file-input'), byId('editor'), (file) => {
  readTextFile(file)
    .then((text) => {
      editor.setText(text);
      saveDocument(text);
      toast(`Opened ${file.name}`);
    })
    .catch((err: unknown) => toast(err instanceof Error ? err.message : String(err), 'error'));
});
byId('open-file').addEventListener('click', () => byId<HTMLInputElement>('file-input').click());

// Sharing: everything rides in the fragment, which browsers never send to a server.
byId('share').addEventListener('click', async () => {
  const hash = encodeShareHash({ source: editor.text, settings });
  history.replaceState(null, '', hash);
  const url = location.href;
  try {
    await navigator.clipboard.writeText(url);
    toast(
      url.length > LONG_URL
        ? 'Link copied (it is long; some apps cut long links).'
        : 'Link copied to the clipboard.',
    );
  } catch {
    toast('The link is in the address bar; copy it from there.');
  }
});
window.addEventListener('hashchange', () => {
  const state = decodeShareHash(location.hash);
  if (!state) return;
  settings = state.settings;
  settingsView.set(settings);
  if (state.source !== editor.text) editor.setText(state.source);
  else runCheck();
});

// Reports: the engine renders them, byte for byte what `kubeharden check --format json|sarif`
// prints for the document saved as playground.yaml with the same options.
const REPORT_PATH = 'playground.yaml';
function downloadReport(format: ReportFormat, name: string, type: string): void {
  if (!engineInfo) return;
  engine
    .report(editor.text, options(engineInfo), format, REPORT_PATH)
    .then((text) => download(name, type, text))
    .catch((err: unknown) =>
      toast(`The report failed: ${err instanceof Error ? err.message : String(err)}`, 'error'),
    );
}
byId('download-json').addEventListener('click', () =>
  downloadReport('json', 'kubeharden-report.json', 'application/json'),
);
byId('download-sarif').addEventListener('click', () =>
  downloadReport('sarif', 'kubeharden.sarif', 'application/sarif+json'),
);

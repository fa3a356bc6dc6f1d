// The styles of <kubeharden-example>'s shadow root. Colours follow the host page's scheme:
// `color-scheme` inherits into the shadow tree, and light-dark() picks the light or dark value
// from it (a page with `color-scheme: light dark` follows prefers-color-scheme).
export const ELEMENT_CSS = `
:host {
  display: block;
  margin: 1em 0;
  --kh-fg: light-dark(#1b1f24, #e3e6ea);
  --kh-muted: light-dark(#5b6470, #9aa3ad);
  --kh-border: light-dark(#d0d5db, #3a4049);
  --kh-editor-bg: light-dark(#ffffff, #16191d);
  --kh-gutter-bg: light-dark(#f5f6f8, #1d2126);
  --kh-panel-bg: light-dark(#f8f9fa, #1f2329);
  --kh-selection: light-dark(#cfe0ff, #2c4670);
  --kh-accent: light-dark(#2557c8, #79a6ff);
  --kh-accent-fg: light-dark(#ffffff, #0c1320);
  --kh-hl-key: light-dark(#8a2b8f, #e39ff0);
  --kh-hl-string: light-dark(#116329, #8fd19e);
  --kh-hl-atom: light-dark(#0b5cad, #8cc4ff);
  --kh-critical: light-dark(#a4111b, #ff8a8f);
  --kh-high: light-dark(#b3400f, #ffab70);
  --kh-medium: light-dark(#8a6300, #f2cc60);
  --kh-low: light-dark(#2f5f9e, #9cc2ff);
  --kh-info: light-dark(#5b6470, #b0b8c1);
  --kh-mono: ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace;
}
:host([hidden]) { display: none; }
.frame {
  border: 1px solid var(--kh-border);
  border-radius: 6px;
  overflow: hidden;
  color: var(--kh-fg);
  background: var(--kh-panel-bg);
  font: 0.875rem/1.4 system-ui, sans-serif;
}
.editor { max-height: 28em; overflow: auto; }
.bar {
  display: flex;
  flex-wrap: wrap;
  gap: 0.5em;
  align-items: center;
  padding: 0.4em 0.6em;
  border-top: 1px solid var(--kh-border);
}
.status { flex: 1 1 auto; font-weight: 600; }
.status.clean { color: light-dark(#116329, #8fd19e); }
.status.error { color: var(--kh-critical); }
button, a.playground {
  font: inherit;
  color: var(--kh-fg);
  background: var(--kh-editor-bg);
  border: 1px solid var(--kh-border);
  border-radius: 4px;
  padding: 0.15em 0.6em;
  cursor: pointer;
  text-decoration: none;
}
button:hover, a.playground:hover { border-color: var(--kh-accent); }
button:focus-visible, a:focus-visible { outline: 2px solid var(--kh-accent); outline-offset: 1px; }
.findings { list-style: none; margin: 0; padding: 0; }
.findings:empty { display: none; }
.findings li {
  padding: 0.35em 0.6em;
  border-top: 1px solid var(--kh-border);
  overflow-wrap: anywhere;
}
.findings button { padding: 0 0.4em; font-size: 0.8125rem; }
.findings button.line { font-family: var(--kh-mono); }
.findings button.fix { border-color: var(--kh-accent); color: var(--kh-accent); }
.findings a.rule { color: var(--kh-accent); }
.sev {
  display: inline-block;
  min-width: 4.5em;
  font-size: 0.75rem;
  font-weight: 700;
  text-transform: uppercase;
}
.sev-critical { color: var(--kh-critical); }
.sev-high { color: var(--kh-high); }
.sev-medium { color: var(--kh-medium); }
.sev-low { color: var(--kh-low); }
.sev-info { color: var(--kh-info); }
code { font-family: var(--kh-mono); font-size: 0.8125rem; }
`;

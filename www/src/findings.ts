// A finding: an engine diagnostic placed in the current document, with its rule's metadata.
import type { Line, Text } from '@codemirror/state';
import type { Diagnostic as EngineDiagnostic, RuleMeta } from '@kubeharden/engine/kubeharden.js';
import { severityRank } from './levels';

export interface Finding {
  diagnostic: EngineDiagnostic;
  rule: RuleMeta | undefined;
  /** CodeMirror offsets in the document that was checked. */
  from: number;
  to: number;
  /** 1-based line of the start, as shown to people (and in `data-line`). */
  line: number;
  column: number;
}

/**
 * Place engine diagnostics in `doc`. Positions go through the document's line index
 * (`doc.line`, a tree lookup), never by scanning text; a range on one line costs one lookup.
 */
export function toFindings(
  doc: Text,
  diagnostics: readonly EngineDiagnostic[],
  rules: ReadonlyMap<string, RuleMeta>,
): Finding[] {
  const out: Finding[] = new Array(diagnostics.length);
  for (let i = 0; i < diagnostics.length; i++) {
    const diagnostic = diagnostics[i];
    const { start, end } = diagnostic.range;
    const startLine = lineAt(doc, start.line);
    const endLine = end.line === start.line ? startLine : lineAt(doc, end.line);
    let from = offsetIn(doc, start.line, startLine, start.character);
    let to = offsetIn(doc, end.line, endLine, end.character);
    if (to < from) [from, to] = [to, from];
    const line =
      startLine && from >= startLine.from && from <= startLine.to ? startLine : doc.lineAt(from);
    out[i] = {
      diagnostic,
      rule: rules.get(diagnostic.rule),
      from,
      to,
      line: line.number,
      column: from - line.from + 1,
    };
  }
  return out;
}

/** The line at 0-based `line` through the document's line index, or null if out of range. */
function lineAt(doc: Text, line: number): Line | null {
  return line >= 0 && line < doc.lines ? doc.line(line + 1) : null;
}

/** `positionToOffset`, with the line already looked up. */
function offsetIn(doc: Text, lineNo: number, line: Line | null, character: number): number {
  if (line) return line.from + Math.min(Math.max(character, 0), line.length);
  return lineNo < 0 ? 0 : doc.length;
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(a.diagnostic.severity) - severityRank(b.diagnostic.severity) ||
    a.from - b.from ||
    a.diagnostic.rule.localeCompare(b.diagnostic.rule)
  );
}

export function resourceLabel(d: EngineDiagnostic): string {
  const r = d.resource;
  if (!r) return 'File';
  const name = r.namespace ? `${r.namespace}/${r.name || '(unnamed)'}` : r.name || '(unnamed)';
  return `${r.kind || 'Unknown kind'} ${name}`;
}

export function resourceKey(d: EngineDiagnostic): string {
  const r = d.resource;
  return r ? JSON.stringify([r.apiVersion, r.kind, r.namespace ?? '', r.name]) : '';
}

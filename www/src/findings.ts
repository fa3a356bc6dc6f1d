// A finding: an engine diagnostic placed in the current document, with its rule's metadata.
import type { Text } from '@codemirror/state';
import { rangeToOffsets } from './positions';
import { severityRank, type EngineDiagnostic, type RuleMeta } from './engine-types';

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

export function toFindings(
  doc: Text,
  diagnostics: readonly EngineDiagnostic[],
  rules: ReadonlyMap<string, RuleMeta>,
): Finding[] {
  return diagnostics.map((diagnostic) => {
    const { from, to } = rangeToOffsets(doc, diagnostic.range);
    const line = doc.lineAt(from);
    return {
      diagnostic,
      rule: rules.get(diagnostic.rule),
      from,
      to,
      line: line.number,
      column: from - line.from + 1,
    };
  });
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

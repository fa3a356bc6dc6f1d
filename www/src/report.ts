// The JSON report, in the same shape as the CLI's `--format json`.
import type { EngineDiagnostic } from './engine-types';

export const REPORT_PATH = 'playground.yaml';

export interface JsonReport {
  version: string;
  files: { path: string; diagnostics: EngineDiagnostic[] }[];
}

export function buildJsonReport(
  version: string,
  diagnostics: readonly EngineDiagnostic[],
): JsonReport {
  return { version, files: [{ path: REPORT_PATH, diagnostics: [...diagnostics] }] };
}

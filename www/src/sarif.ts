// SARIF 2.1.0 log built from the engine's diagnostics and rules() metadata.
import type { EngineDiagnostic, RuleMeta, Severity } from './engine-types';
import { REPORT_PATH } from './report';

type Level = 'error' | 'warning' | 'note';

const LEVEL: Record<Severity, Level> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/** GitHub code scanning reads `security-severity` (0.0-10.0) to rank alerts. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '1.0',
};

export function sarifLevel(severity: string): Level {
  return LEVEL[severity as Severity] ?? 'note';
}

/**
 * SARIF wants `helpUri` absolute; the engine's docs links (`rules.html#<id>`) are relative
 * to the site root, so they are resolved against the page that makes the log.
 */
export function absoluteUri(uri: string, base: string | undefined): string {
  if (!base) return uri;
  try {
    return new URL(uri, base).href;
  } catch {
    return uri;
  }
}

/** `baseUri` (the page's `location.href`) makes the rules' relative docs links absolute. */
export function buildSarif(
  version: string,
  rules: readonly RuleMeta[],
  diagnostics: readonly EngineDiagnostic[],
  baseUri?: string,
) {
  const driverRules: Record<string, unknown>[] = rules.map((rule) => ({
    id: rule.id,
    name: rule.title,
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.rationale || rule.title },
    help: { text: [rule.help, rule.remediation].filter(Boolean).join('\n\n') || rule.title },
    helpUri: absoluteUri(rule.docs, baseUri),
    defaultConfiguration: { level: sarifLevel(rule.severity) },
    properties: {
      category: rule.category,
      profiles: rule.profiles,
      tags: ['security', 'kubernetes', rule.category],
      'security-severity': SECURITY_SEVERITY[rule.severity] ?? '1.0',
      references: rule.references,
    },
  }));
  const index = new Map(rules.map((rule, i) => [rule.id, i]));
  // A diagnostic of a rule that rules() does not list still gets a descriptor.
  for (const d of diagnostics) {
    if (index.has(d.rule)) continue;
    index.set(d.rule, driverRules.length);
    driverRules.push({
      id: d.rule,
      shortDescription: { text: d.rule },
      ...(d.docs ? { helpUri: absoluteUri(d.docs, baseUri) } : {}),
      defaultConfiguration: { level: sarifLevel(d.severity) },
    });
  }

  const results = diagnostics.map((d) => ({
    ruleId: d.rule,
    ruleIndex: index.get(d.rule),
    level: sarifLevel(d.severity),
    message: { text: d.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: REPORT_PATH, index: 0 },
          region: {
            startLine: d.range.start.line + 1,
            startColumn: d.range.start.character + 1,
            endLine: d.range.end.line + 1,
            endColumn: d.range.end.character + 1,
          },
        },
        ...(d.resource
          ? {
              logicalLocations: [
                {
                  name: d.resource.name,
                  fullyQualifiedName: [d.resource.namespace, d.resource.kind, d.resource.name]
                    .filter(Boolean)
                    .join('/'),
                  kind: 'object',
                },
              ],
            }
          : {}),
      },
    ],
    properties: { severity: d.severity, ...(d.path ? { path: d.path } : {}) },
    ...(d.fix
      ? {
          fixes: [
            {
              description: { text: d.fix.title },
              artifactChanges: [
                {
                  artifactLocation: { uri: REPORT_PATH, index: 0 },
                  replacements: d.fix.edits.map((edit) => ({
                    deletedRegion: {
                      startLine: edit.range.start.line + 1,
                      startColumn: edit.range.start.character + 1,
                      endLine: edit.range.end.line + 1,
                      endColumn: edit.range.end.character + 1,
                    },
                    insertedContent: { text: edit.newText },
                  })),
                },
              ],
            },
          ],
        }
      : {}),
    // Accepted findings, as the CLI's SARIF gives them: the reason is the justification.
    ...(d.suppression
      ? {
          suppressions: [
            {
              kind:
                d.suppression.kind === 'annotation' || d.suppression.kind === 'comment'
                  ? 'inSource'
                  : 'external',
              status: 'accepted',
              justification: d.suppression.reason,
            },
          ],
        }
      : {}),
  }));

  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'kubeharden',
            version,
            semanticVersion: version,
            rules: driverRules,
          },
        },
        columnKind: 'utf16CodeUnits',
        artifacts: [{ location: { uri: REPORT_PATH }, mimeType: 'application/yaml' }],
        results,
      },
    ],
  };
}

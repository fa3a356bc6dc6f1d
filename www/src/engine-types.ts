// Types of the values the kubeharden wasm engine returns (see pkg/web/kubeharden.d.ts).

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export type Profile = 'baseline' | 'restricted' | 'hardened';
export const PROFILES: readonly Profile[] = ['baseline', 'restricted', 'hardened'];

/** LSP-style position: 0-based line, 0-based UTF-16 column. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface ResourceRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string | null;
}

export interface Resource extends ResourceRef {
  range: Range;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  applicability: 'safe' | 'unsafe';
  edits: TextEdit[];
}

export interface EngineDiagnostic {
  rule: string;
  severity: Severity;
  message: string;
  range: Range;
  resource: ResourceRef | null;
  path?: string;
  help?: string;
  docs?: string;
  fix: Fix | null;
  /** Present when an exception (annotation, comment, config) accepts the finding. */
  suppression?: Suppression;
}

export interface Suppression {
  kind: 'annotation' | 'comment' | 'config' | 'baseline';
  reason: string;
  until?: string;
  location: { file: string; range: Range };
}

export interface Reference {
  source: string;
  id: string;
  title: string;
  url: string;
}

export interface RuleMeta {
  id: string;
  title: string;
  severity: Severity;
  category: string;
  profiles: string[];
  references: Reference[];
  rationale: string;
  remediation: string;
  help: string;
  badExample?: string;
  goodExample?: string;
  docs: string;
  /** The restricted rule that takes this baseline rule's place when both are on. */
  replacedBy?: string;
}

export interface CheckOptions {
  /** Absent with a config file that should decide it. */
  profile?: Profile;
  disable: string[];
  enable: string[];
  pssVersion?: string;
  /** Allowed image registries (the image-registry rule); absent: the engine's default. */
  imageRegistries?: string[];
  /** The text of a `.kubeharden.yaml`, which the other options override. */
  config?: string;
}

export interface CheckResult {
  diagnostics: EngineDiagnostic[];
  resources: Resource[];
  /** With `options.config`: the config's problems and its exemptions' findings. */
  config?: EngineDiagnostic[];
}

/** A fix `fixAll` applied. */
export interface AppliedFix {
  rule: string;
  resource: ResourceRef | null;
  path: string | null;
  title: string;
}

/** Why `fixAll` left a finding's fix alone (the ones it tried are undone). */
export type SkipReason =
  'unsafe' | 'no-effect' | 'breaks-syntax' | 'breaks-json' | 'invalid-edit' | 'pass-limit';

export interface SkippedFix extends AppliedFix {
  reason: SkipReason;
}

export interface FixAllResult {
  /** The fixed text (the input when nothing applied). */
  text: string;
  applied: AppliedFix[];
  skipped: SkippedFix[];
  /** The diagnostics of `text`. */
  diagnostics: EngineDiagnostic[];
  /** Fixes tried; each re-checks the whole text. */
  passes: number;
}

export const SEVERITY_RANK: Record<Severity, number> = {
  critical: 0,
  high: 1,
  medium: 2,
  low: 3,
  info: 4,
};

export function severityRank(s: string): number {
  return SEVERITY_RANK[s as Severity] ?? 5;
}

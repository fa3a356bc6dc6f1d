// The engine's severities and profiles as lists for the page's menus and sorting. The types
// come from the engine package (kubeharden.d.ts); the `Record`s make a new or removed value
// there fail the typecheck here.
import type { Profile, Severity } from '@kubeharden/engine/kubeharden.js';

export const SEVERITY_RANK: Record<Severity, number> = {
  critical: 0,
  high: 1,
  medium: 2,
  low: 3,
  info: 4,
};
export const SEVERITIES = Object.keys(SEVERITY_RANK) as Severity[];

/** How CodeMirror's lint marks show each severity (the playground and the embed). */
export const CM_SEVERITY = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'info',
  info: 'hint',
} as const satisfies Record<Severity, 'error' | 'warning' | 'info' | 'hint'>;

export function severityRank(s: string): number {
  return SEVERITY_RANK[s as Severity] ?? 5;
}

const PROFILE_ORDER: Record<Profile, number> = { baseline: 0, restricted: 1, hardened: 2 };
export const PROFILES = Object.keys(PROFILE_ORDER) as Profile[];

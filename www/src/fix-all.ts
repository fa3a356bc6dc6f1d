// "Fix all safe": which findings it would fix, and what to tell people once it ran.
import type { FixAllResult, SkipReason } from '@kubeharden/engine/kubeharden.js';
import type { Finding } from './findings';

/** The findings whose quick fix `fixAll` may apply on its own. */
export function safeFixCount(findings: readonly Finding[]): number {
  let n = 0;
  for (const f of findings) if (f.diagnostic.fix?.applicability === 'safe') n++;
  return n;
}

/**
 * Why a safe fix was tried and undone, or could not be built (unsafe fixes
 * are never tried, so not reported).
 */
const SKIPPED: Record<Exclude<SkipReason, 'unsafe'>, string> = {
  'breaks-syntax': 'would break the YAML',
  'breaks-json': 'would turn the JSON into YAML',
  'no-effect': 'did not clear the finding',
  'invalid-edit': 'had invalid edits',
  'pass-limit': 'hit the pass limit',
  'flow-style': 'sit in a flow-style {…} value (fix by hand)',
  alias: 'sit in a value an alias shares (fix by hand)',
  unsupported: 'had no edit for that value (fix by hand)',
};

/** "Applied 2 fixes." or "Applied 1 fix; skipped 2 (1 would break the YAML, 1 …)." */
export function fixAllMessage(result: FixAllResult): string {
  const applied = result.applied.length;
  const head = `Applied ${applied} ${applied === 1 ? 'fix' : 'fixes'}`;
  const byReason = new Map<string, number>();
  for (const s of result.skipped) {
    if (s.reason === 'unsafe') continue;
    const why = SKIPPED[s.reason] ?? s.reason;
    byReason.set(why, (byReason.get(why) ?? 0) + 1);
  }
  if (byReason.size === 0) return `${head}.`;
  const skipped = [...byReason.values()].reduce((a, b) => a + b, 0);
  const reasons = [...byReason].map(([why, n]) => `${n} ${why}`).join(', ');
  return `${head}; skipped ${skipped} (${reasons}).`;
}

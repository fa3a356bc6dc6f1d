// The engine for <kubeharden-example>: loaded once per page (one fetch of the wasm, however
// many examples), on the main thread (a snippet checks in well under a millisecond), and only
// when the first example asks for it (when it scrolls into view).
import init, { check, rules, version } from '@kubeharden/engine/kubeharden.js';
import wasmUrl from '@kubeharden/engine/kubeharden_bg.wasm?url';
import type { CheckOptions, CheckResult, RuleMeta } from '@kubeharden/engine/kubeharden.js';

export interface Engine {
  check(source: string, options: CheckOptions): CheckResult;
  rules(): RuleMeta[];
  version(): string;
}

let loading: Promise<Engine> | undefined;

export function loadEngine(): Promise<Engine> {
  loading ??= (async () => {
    // The wasm-bindgen glue (5 KiB) is part of the script, so the first example in view
    // costs one request, the wasm, and not a glue chunk first.
    await init({ module_or_path: new URL(wasmUrl, import.meta.url) });
    return {
      check: (source, options) => check(source, options) as CheckResult,
      rules: () => rules() as RuleMeta[],
      version: () => version() as string,
    };
  })();
  return loading;
}

// The engine for <kubeharden-example>: loaded once per page (one fetch of the wasm, however
// many examples), on the main thread (a snippet checks in well under a millisecond), and only
// when the first example asks for it (when it scrolls into view).
import wasmUrl from '@kubeharden/engine/kubeharden_bg.wasm?url';
import type { CheckOptions, CheckResult, RuleMeta } from '../engine-types';

export interface Engine {
  check(source: string, options: CheckOptions): CheckResult;
  rules(): RuleMeta[];
  version(): string;
}

let loading: Promise<Engine> | undefined;

export function loadEngine(): Promise<Engine> {
  loading ??= (async () => {
    // A separate chunk: the page pays for the wasm-bindgen glue only once an example is seen.
    const engine = await import('@kubeharden/engine/kubeharden.js');
    await engine.default({ module_or_path: new URL(wasmUrl, import.meta.url) });
    return {
      check: (source, options) => engine.check(source, options) as CheckResult,
      rules: () => engine.rules() as RuleMeta[],
      version: () => engine.version() as string,
    };
  })();
  return loading;
}

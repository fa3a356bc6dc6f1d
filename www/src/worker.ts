/// <reference lib="webworker" />
// Module worker that owns the wasm engine, so checking never blocks typing.
import init, {
  check,
  fixAll,
  pssVersions,
  report,
  rules,
  ruleSelection,
  version,
} from '@kubeharden/engine/kubeharden.js';
import wasmUrl from '@kubeharden/engine/kubeharden_bg.wasm?url';
import { PROFILES } from './levels';
import type { WorkerRequest, WorkerResponse } from './worker-protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (message: WorkerResponse) => scope.postMessage(message);

const ready = (async () => {
  await init({ module_or_path: new URL(wasmUrl, import.meta.url) });
  const selections = Object.fromEntries(
    PROFILES.map((profile) => [profile, ruleSelection({ profile }).map((s) => s.rule)]),
  ) as Record<(typeof PROFILES)[number], string[]>;
  post({
    type: 'ready',
    version: version(),
    rules: rules(),
    pssVersions: pssVersions(),
    selections,
  });
})().catch((err: unknown) => {
  post({ type: 'fatal', message: errorMessage(err) });
  throw err;
});

scope.onmessage = async (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  if (request.type !== 'check' && request.type !== 'fixAll' && request.type !== 'report') return;
  await ready;
  const started = performance.now();
  try {
    if (request.type === 'check') {
      const result = check(request.source, request.options);
      post({ type: 'result', id: request.id, result, millis: performance.now() - started });
    } else if (request.type === 'fixAll') {
      const result = fixAll(request.source, request.options);
      post({ type: 'fixed', id: request.id, result, millis: performance.now() - started });
    } else {
      const text = report(request.source, request.format, request.path, request.options);
      post({ type: 'report', id: request.id, text });
    }
  } catch (err) {
    // check(), fixAll() and report() only throw an Error for invalid options; anything else (a wasm
    // trap such as `unreachable`) may leave the instance unusable, so the page restarts the
    // worker.
    const crashed = err instanceof WebAssembly.RuntimeError || !(err instanceof Error);
    post({ type: 'error', id: request.id, message: errorMessage(err), crashed });
  }
};

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

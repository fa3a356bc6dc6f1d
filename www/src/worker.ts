/// <reference lib="webworker" />
// Module worker that owns the wasm engine, so checking never blocks typing.
import init, { check, fixAll, rules, version } from '@kubeharden/engine/kubeharden.js';
import wasmUrl from '@kubeharden/engine/kubeharden_bg.wasm?url';
import type { CheckResult, FixAllResult, RuleMeta } from './engine-types';
import type { WorkerRequest, WorkerResponse } from './worker-protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (message: WorkerResponse) => scope.postMessage(message);

const ready = (async () => {
  await init({ module_or_path: new URL(wasmUrl, import.meta.url) });
  post({ type: 'ready', version: version() as string, rules: rules() as RuleMeta[] });
})().catch((err: unknown) => {
  post({ type: 'fatal', message: errorMessage(err) });
  throw err;
});

scope.onmessage = async (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  if (request.type !== 'check' && request.type !== 'fixAll') return;
  await ready;
  const started = performance.now();
  try {
    if (request.type === 'check') {
      const result = check(request.source, request.options) as CheckResult;
      post({ type: 'result', id: request.id, result, millis: performance.now() - started });
    } else {
      const result = fixAll(request.source, request.options) as FixAllResult;
      post({ type: 'fixed', id: request.id, result, millis: performance.now() - started });
    }
  } catch (err) {
    // check() and fixAll() only throw an Error for invalid options; anything else (a wasm
    // trap such as `unreachable`) may leave the instance unusable, so the page restarts the
    // worker.
    const crashed = err instanceof WebAssembly.RuntimeError || !(err instanceof Error);
    post({ type: 'error', id: request.id, message: errorMessage(err), crashed });
  }
};

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

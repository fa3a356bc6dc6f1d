// Messages exchanged between the page and the engine worker.
import type { CheckOptions, CheckResult, FixAllResult, RuleMeta } from './engine-types';

export type WorkerRequest =
  | { type: 'check'; id: number; source: string; options: CheckOptions }
  | { type: 'fixAll'; id: number; source: string; options: CheckOptions };

export type WorkerResponse =
  | { type: 'ready'; version: string; rules: RuleMeta[] }
  | { type: 'fatal'; message: string }
  | { type: 'result'; id: number; result: CheckResult; millis: number }
  | { type: 'fixed'; id: number; result: FixAllResult; millis: number }
  /** A `check` or `fixAll` failed; `id` is the request's. */
  | { type: 'error'; id: number; message: string; crashed: boolean };

// Messages exchanged between the page and the engine worker.
import type { CheckOptions, CheckResult, RuleMeta } from './engine-types';

export type WorkerRequest = { type: 'check'; id: number; source: string; options: CheckOptions };

export type WorkerResponse =
  | { type: 'ready'; version: string; rules: RuleMeta[] }
  | { type: 'fatal'; message: string }
  | { type: 'result'; id: number; result: CheckResult; millis: number }
  | { type: 'error'; id: number; message: string; crashed: boolean };

// Messages exchanged between the page and the engine worker.
import type * as Engine from '@kubeharden/engine/kubeharden.js';

export type WorkerRequest =
  | { type: 'check'; id: number; source: string; options: Engine.CheckOptions }
  | { type: 'fixAll'; id: number; source: string; options: Engine.CheckOptions }
  | {
      type: 'report';
      id: number;
      source: string;
      options: Engine.CheckOptions;
      format: Engine.ReportFormat;
      path: string;
    };

export type WorkerResponse =
  | {
      type: 'ready';
      version: string;
      rules: Engine.RuleMeta[];
      /** The Pod Security Standards versions the engine takes, newest first. */
      pssVersions: string[];
      /** The rule ids each profile switches on, by itself (`ruleSelection`). */
      selections: Record<Engine.Profile, string[]>;
    }
  | { type: 'fatal'; message: string }
  | { type: 'result'; id: number; result: Engine.CheckResult; millis: number }
  | { type: 'fixed'; id: number; result: Engine.FixAllResult; millis: number }
  | { type: 'report'; id: number; text: string }
  /** A request failed; `id` is the request's. */
  | { type: 'error'; id: number; message: string; crashed: boolean };

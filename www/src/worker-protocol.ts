// Messages exchanged between the page and the engine worker.
import type {
  CheckOptions,
  CheckResult,
  FixAllResult,
  Profile,
  ReportFormat,
  RuleMeta,
} from '@kubeharden/engine/kubeharden.js';

export type WorkerRequest =
  | { type: 'check'; id: number; source: string; options: CheckOptions }
  | { type: 'fixAll'; id: number; source: string; options: CheckOptions }
  | {
      type: 'report';
      id: number;
      source: string;
      options: CheckOptions;
      format: ReportFormat;
      path: string;
    };

export type WorkerResponse =
  | {
      type: 'ready';
      version: string;
      rules: RuleMeta[];
      /** The Pod Security Standards versions the engine takes, newest first. */
      pssVersions: string[];
      /** The rule ids each profile switches on, by itself (`ruleSelection`). */
      selections: Record<Profile, string[]>;
    }
  | { type: 'fatal'; message: string }
  | { type: 'result'; id: number; result: CheckResult; millis: number }
  | { type: 'fixed'; id: number; result: FixAllResult; millis: number }
  | { type: 'report'; id: number; text: string }
  /** A request failed; `id` is the request's. */
  | { type: 'error'; id: number; message: string; crashed: boolean };

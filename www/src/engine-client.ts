// Page-side handle on the engine worker: at most one request in flight, and only the
// newest pending check is kept, so a burst of edits costs one extra check, not many.
// A `fixAll` or `report` waits its turn in the same queue and answers a promise.
import type {
  CheckOptions,
  CheckResult,
  FixAllResult,
  Profile,
  ReportFormat,
  RuleMeta,
} from '@kubeharden/engine/kubeharden.js';
import type { WorkerRequest, WorkerResponse } from './worker-protocol';

export interface EngineInfo {
  version: string;
  rules: RuleMeta[];
  pssVersions: string[];
  /** The rule ids each profile switches on by itself. */
  selections: Record<Profile, string[]>;
}

/** A request answered by a promise (`fixAll`, `report`), queued behind the checks. */
interface Task {
  request: WorkerRequest;
  resolve: (response: WorkerResponse) => void;
  reject: (err: Error) => void;
  posted: boolean;
}

export interface CheckOutcome {
  /** The ticket passed to `check`; results for superseded tickets are never delivered. */
  ticket: number;
  result?: CheckResult;
  error?: string;
  millis?: number;
}

export class EngineClient {
  private worker!: Worker;
  private info: Promise<EngineInfo>;
  private resolveInfo!: (info: EngineInfo) => void;
  private rejectInfo!: (err: Error) => void;
  private inFlight: WorkerRequest | null = null;
  private pending: WorkerRequest | null = null;
  private latestTicket = 0;
  /** The requests not yet answered (queued or in flight), oldest first. */
  private tasks: Task[] = [];
  private nextTaskId = 0;

  constructor(private readonly onOutcome: (outcome: CheckOutcome) => void) {
    this.info = new Promise((resolve, reject) => {
      this.resolveInfo = resolve;
      this.rejectInfo = reject;
    });
    this.spawn();
  }

  ready(): Promise<EngineInfo> {
    return this.info;
  }

  /** Queue a check of `source`; `ticket` must grow with every call. */
  check(ticket: number, source: string, options: CheckOptions): void {
    this.latestTicket = ticket;
    this.pending = { type: 'check', id: ticket, source, options };
    this.pump();
  }

  /**
   * Apply every safe quick fix of `source` in the worker. One at a time: rejects while an
   * earlier `fixAll` is unanswered, and when the engine fails or crashes on this one.
   */
  fixAll(source: string, options: CheckOptions): Promise<FixAllResult> {
    if (this.tasks.some((t) => t.request.type === 'fixAll'))
      return Promise.reject(new Error('a fix is already running'));
    return this.task({ type: 'fixAll', id: ++this.nextTaskId, source, options }).then(
      (response) => {
        if (response.type !== 'fixed') throw new Error('no fix result');
        return response.result;
      },
    );
  }

  /** The report `kubeharden check --format <format>` prints for `source` saved as `path`. */
  report(
    source: string,
    options: CheckOptions,
    format: ReportFormat,
    path: string,
  ): Promise<string> {
    const request = { type: 'report', id: ++this.nextTaskId, source, options, format, path };
    return this.task(request as WorkerRequest).then((response) => {
      if (response.type !== 'report') throw new Error('no report');
      return response.text;
    });
  }

  private task(request: WorkerRequest): Promise<WorkerResponse> {
    return new Promise((resolve, reject) => {
      this.tasks.push({ request, resolve, reject, posted: false });
      this.pump();
    });
  }

  private spawn(): void {
    this.worker = new Worker(new URL('./worker.ts', import.meta.url), {
      type: 'module',
      name: 'kubeharden-engine',
    });
    this.worker.onmessage = (event: MessageEvent<WorkerResponse>) => this.receive(event.data);
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.rejectInfo(new Error(event.message || 'the engine worker failed to start'));
    };
  }

  private pump(): void {
    if (this.inFlight) return;
    // The pending check first: its findings are what the page shows.
    if (this.pending) {
      this.inFlight = this.pending;
      this.pending = null;
    } else {
      const task = this.tasks.find((t) => !t.posted);
      if (!task) return;
      this.inFlight = task.request;
      task.posted = true;
    }
    this.worker.postMessage(this.inFlight);
  }

  private receive(message: WorkerResponse): void {
    switch (message.type) {
      case 'ready':
        this.resolveInfo({
          version: message.version,
          rules: message.rules,
          pssVersions: message.pssVersions,
          selections: message.selections,
        });
        return;
      case 'fatal':
        this.rejectInfo(new Error(message.message));
        return;
      case 'fixed':
      case 'report':
      case 'result':
      case 'error': {
        const request = this.inFlight;
        this.inFlight = null;
        if (message.type === 'error' && message.crashed) this.restart(request);
        const task = this.tasks.find((t) => t.request === request);
        if (task) {
          this.tasks.splice(this.tasks.indexOf(task), 1);
          if (message.type === 'error') task.reject(new Error(message.message));
          else task.resolve(message);
        } else if (
          message.type !== 'fixed' &&
          message.type !== 'report' &&
          message.id === this.latestTicket &&
          !this.pending
        ) {
          this.onOutcome(
            message.type === 'result'
              ? { ticket: message.id, result: message.result, millis: message.millis }
              : { ticket: message.id, error: message.message },
          );
        }
        this.pump();
        return;
      }
    }
  }

  private restart(failed: WorkerRequest | null): void {
    this.worker.terminate();
    this.spawn();
    // Do not retry the request that crashed the engine; a newer one is retried as usual.
    if (failed?.type === 'check' && this.pending?.id === failed.id) this.pending = null;
  }
}

// Page-side handle on the engine worker: at most one check in flight, and only the
// newest pending request is kept, so a burst of edits costs one extra check, not many.
import type { CheckOptions, CheckResult, RuleMeta } from './engine-types';
import type { WorkerRequest, WorkerResponse } from './worker-protocol';

export interface EngineInfo {
  version: string;
  rules: RuleMeta[];
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
    if (this.inFlight || !this.pending) return;
    this.inFlight = this.pending;
    this.pending = null;
    this.worker.postMessage(this.inFlight);
  }

  private receive(message: WorkerResponse): void {
    switch (message.type) {
      case 'ready':
        this.resolveInfo({ version: message.version, rules: message.rules });
        return;
      case 'fatal':
        this.rejectInfo(new Error(message.message));
        return;
      case 'result':
      case 'error': {
        const request = this.inFlight;
        this.inFlight = null;
        if (message.type === 'error' && message.crashed) this.restart(request);
        if (message.id === this.latestTicket && !this.pending) {
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
    if (failed && this.pending?.id === failed.id) this.pending = null;
  }
}

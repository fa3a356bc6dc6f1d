// Page-side handle on the engine worker: at most one request in flight, and only the
// newest pending check is kept, so a burst of edits costs one extra check, not many.
// A `fixAll` waits its turn in the same queue (one at a time) and answers a promise.
import type { CheckOptions, CheckResult, FixAllResult, RuleMeta } from './engine-types';
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
  /** The `fixAll` request not yet answered (queued or in flight), and its promise's ends. */
  private fix: {
    request: WorkerRequest;
    resolve: (result: FixAllResult) => void;
    reject: (err: Error) => void;
  } | null = null;
  private fixPosted = false;
  private nextFixId = 0;

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
    if (this.fix) return Promise.reject(new Error('a fix is already running'));
    return new Promise((resolve, reject) => {
      this.fix = {
        request: { type: 'fixAll', id: ++this.nextFixId, source, options },
        resolve,
        reject,
      };
      this.fixPosted = false;
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
    } else if (this.fix && !this.fixPosted) {
      this.inFlight = this.fix.request;
      this.fixPosted = true;
    } else return;
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
      case 'fixed':
      case 'result':
      case 'error': {
        const request = this.inFlight;
        this.inFlight = null;
        if (message.type === 'error' && message.crashed) this.restart(request);
        if (request?.type === 'fixAll') {
          const fix = this.fix;
          this.fix = null;
          if (message.type === 'fixed') fix?.resolve(message.result);
          else fix?.reject(new Error(message.type === 'error' ? message.message : 'no fix result'));
        } else if (message.type !== 'fixed' && message.id === this.latestTicket && !this.pending) {
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

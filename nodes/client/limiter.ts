/**
 * Limits that protect an account: at most `maxInFlight` requests at once and at most
 * `ratePerSecond` request starts a second, shared by everything that uses one client. Waiting
 * calls queue in order, up to `maxQueue`; past that they are refused at once.
 */
import { OvhAbortError, OvhError } from './errors';

export interface LimitOptions {
  /** Requests at once (0 or undefined: no cap). */
  maxInFlight?: number;
  /** Request starts per second (0 or undefined: no rate). */
  ratePerSecond?: number;
  /** Calls that may wait for a turn (default 1000). */
  maxQueue?: number;
}

interface Waiter {
  resolve(release: () => void): void;
  reject(err: Error): void;
  signal: AbortSignal;
  onAbort(): void;
}

export class CallLimiter {
  private readonly maxInFlight: number;
  private readonly spacingMs: number;
  private readonly maxQueue: number;
  private active = 0;
  private readonly waiting: Waiter[] = [];
  /** Earliest time (ms) the next request may start, under the rate. */
  private nextStart = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: LimitOptions = {}) {
    this.maxInFlight = positive(options.maxInFlight);
    const rate = positive(options.ratePerSecond);
    this.spacingMs = rate > 0 ? 1000 / rate : 0;
    this.maxQueue = options.maxQueue === undefined ? 1000 : Math.max(0, Math.floor(options.maxQueue));
  }

  /** True when no limit is set: calls go straight through. */
  get unlimited(): boolean {
    return this.maxInFlight === 0 && this.spacingMs === 0;
  }

  get queued(): number {
    return this.waiting.length;
  }

  get inFlight(): number {
    return this.active;
  }

  /** Waits for a turn; resolves with the function that gives the turn back. */
  acquire(signal: AbortSignal): Promise<() => void> {
    if (this.unlimited) return Promise.resolve(noop);
    if (signal.aborted) return Promise.reject(new OvhAbortError('The call was aborted'));
    if (this.waiting.length === 0 && this.canStart(Date.now())) return Promise.resolve(this.start());
    if (this.waiting.length >= this.maxQueue) {
      return Promise.reject(
        new OvhError(
          `Too many calls waiting for this OVHcloud account (${this.waiting.length} queued): slow the flow down or raise the queue limit`,
          'QUEUE_FULL',
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const index = this.waiting.indexOf(waiter);
          if (index !== -1) this.waiting.splice(index, 1);
          if (this.waiting.length === 0) this.clearTimer();
          reject(new OvhAbortError('The call was aborted'));
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiting.push(waiter);
      this.pump();
    });
  }

  private canStart(now: number): boolean {
    return (this.maxInFlight === 0 || this.active < this.maxInFlight) && now >= this.nextStart;
  }

  private start(): () => void {
    this.active++;
    if (this.spacingMs > 0) this.nextStart = Math.max(Date.now(), this.nextStart) + this.spacingMs;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.pump();
    };
  }

  private pump(): void {
    while (this.waiting.length > 0) {
      const now = Date.now();
      if (this.maxInFlight !== 0 && this.active >= this.maxInFlight) return; // a release pumps again
      if (now < this.nextStart) {
        if (!this.timer) {
          this.timer = setTimeout(() => {
            this.timer = undefined;
            this.pump();
          }, this.nextStart - now);
        }
        return;
      }
      const waiter = this.waiting.shift()!;
      waiter.signal.removeEventListener('abort', waiter.onAbort);
      waiter.resolve(this.start());
    }
    this.clearTimer();
  }

  private clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function positive(value: number | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

function noop(): void {}

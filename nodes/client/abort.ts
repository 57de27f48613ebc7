/**
 * What can end one call early: the client closing, or the caller's own signal; and the waits of
 * a call (a turn, a time sync, a token, a backoff) that must end as soon as either happens, with
 * an OvhAbortError naming the call.
 */
import { OvhAbortError } from './errors';
import { sleep } from './retry';

/**
 * One call's view of its two abort signals. The signal joining them is made only on the slow
 * paths that wait: a call that goes straight through creates no AbortController at all.
 */
export class CallScope {
  private linked: { signal: AbortSignal; dispose(): void } | undefined;

  constructor(
    private readonly closing: AbortSignal,
    /** The caller's signal: the only one the transport gets (closing the client destroys its connections). */
    readonly caller: AbortSignal | undefined,
    private readonly method: string,
    private readonly path: string,
  ) {}

  get closed(): boolean {
    return this.closing.aborted;
  }

  get aborted(): boolean {
    return this.closing.aborted || this.caller?.aborted === true;
  }

  get signal(): AbortSignal {
    this.linked ??= linkedSignal(this.closing, this.caller);
    return this.linked.signal;
  }

  /** The error of this call ending early, naming it like every other error of the client. */
  abortError(): OvhAbortError {
    return new OvhAbortError(
      `${this.method} ${this.path}: ${this.closed ? 'The OVHcloud client was closed' : 'The call was aborted'}`,
    );
  }

  /** Awaits a shared promise (time sync, token, turn) but gives up as soon as this call is aborted. */
  abortable<T>(promise: Promise<T>): Promise<T> {
    if (this.aborted) return Promise.reject(this.abortError());
    const signal = this.signal;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(this.abortError());
      signal.addEventListener('abort', onAbort, { once: true });
      promise.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (err: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(err);
        },
      );
    });
  }

  /** A backoff wait that ends early with the abort error. */
  async sleep(ms: number): Promise<void> {
    try {
      await sleep(ms, this.signal);
    } catch {
      throw this.abortError();
    }
  }

  dispose(): void {
    this.linked?.dispose();
  }
}

/**
 * One signal that aborts when either the client closes or the caller aborts. Listeners are
 * removed by `dispose`, so a long-lived client signal does not collect one per call.
 */
function linkedSignal(closing: AbortSignal, caller: AbortSignal | undefined): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onClose = () => controller.abort(closing.reason);
  const onCaller = () => controller.abort(caller?.reason);
  if (closing.aborted) onClose();
  else closing.addEventListener('abort', onClose, { once: true });
  if (caller) {
    if (caller.aborted) onCaller();
    else caller.addEventListener('abort', onCaller, { once: true });
  }
  return {
    signal: controller.signal,
    dispose() {
      closing.removeEventListener('abort', onClose);
      caller?.removeEventListener('abort', onCaller);
    },
  };
}

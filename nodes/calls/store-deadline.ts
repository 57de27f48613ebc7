/**
 * Deadlines for what Node-RED may never answer: a context store read or write (a remote store
 * whose server stopped answering calls back never), and a JSONata expression waiting on one
 * (`$flowContext`). Without a deadline, a msg waits until Node-RED stops, and a watch stops
 * checking, silently.
 */
import { OvhError } from '../client';
import type { NodeAPI } from '../node-red';

/** How long a context store, or a JSONata expression, may take to answer; settings.js `ovhStoreDeadlineMs` changes it. */
export const STORE_DEADLINE_MS = 10_000;

/** The deadline of this runtime: its `ovhStoreDeadlineMs` setting, else STORE_DEADLINE_MS. */
export function storeDeadlineMs(RED: NodeAPI): number {
  const setting = (RED.settings as { ovhStoreDeadlineMs?: unknown } | undefined)?.ovhStoreDeadlineMs;
  return typeof setting === 'number' && setting > 0 && Number.isFinite(setting) ? setting : STORE_DEADLINE_MS;
}

/** A deadline as messages write it: `10 s`, `250 ms`. */
export function durationText(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms)} ms`;
}

/** What a context store or an expression that did not answer in time fails with. */
export class StoreTimeout extends OvhError {
  constructor(message: string) {
    super(message, 'STORE_TIMEOUT');
  }
}

/**
 * A callback-style operation as a promise that settles within `ms`: with what it calls back, or
 * with `late()` when it has not called back by then (an answer after that is ignored), or with
 * the signal's reason as soon as the signal aborts.
 */
export function withDeadline<T>(
  start: (callback: (err: unknown, value?: T) => void) => void,
  ms: number,
  late: () => Error,
  signal?: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const settle = (end: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      end();
    };
    const onAbort = () => settle(() => reject(signal!.reason));
    // Not what keeps Node-RED running: a stopping runtime does not wait for a silent store.
    const timer = setTimeout(() => settle(() => reject(late())), ms).unref();
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      start((err, value) => settle(() => (err ? reject(err) : resolve(value as T))));
    } catch (err) {
      settle(() => reject(err));
    }
  });
}

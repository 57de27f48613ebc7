/** When and how long to wait before trying a call again. */

export interface RetryOptions {
  /** Sends at most this many times (1 = never retry). */
  maxAttempts: number;
  /** First backoff step; doubles each attempt. */
  baseDelayMs: number;
  /** Upper bound of one backoff wait. */
  maxDelayMs: number;
  /** A 429 asking to wait longer than this is not retried but reported. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 3,
  baseDelayMs: 200,
  maxDelayMs: 5000,
  maxRetryAfterMs: 30_000,
};

/** Exponential backoff with "equal jitter": never zero, never in lock step with other callers. */
export function backoffDelay(attempt: number, options: RetryOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

const DELTA_SECONDS = /^\s*(\d+)\s*$/;
/** The three HTTP-date forms of RFC 9110: IMF-fixdate, RFC 850, asctime. Anything else is refused. */
const HTTP_DATES = [
  /^\s*(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT\s*$/,
  /^\s*(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \d{2}-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2} \d{2}:\d{2}:\d{2} GMT\s*$/,
  /^\s*(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2} \d{4}\s*$/,
];

/**
 * `Retry-After` in milliseconds from now: delta-seconds (digits only) or an HTTP date (a date in
 * the past is 0). Undefined when absent or not one of those forms (`-1`, `1,2`, `soon`): the
 * caller then uses its own backoff.
 */
export function retryAfterMs(header: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  const seconds = DELTA_SECONDS.exec(value);
  if (seconds) return Number(seconds[1]) * 1000;
  if (!HTTP_DATES.some((form) => form.test(value))) return undefined;
  // asctime has no zone: it is GMT by definition.
  const date = Date.parse(/GMT\s*$/.test(value) ? value : value.trim() + ' GMT');
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A wait that ends early (rejecting) when the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

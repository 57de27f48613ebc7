/**
 * The retry rules, in one place: which outcome of an attempt is returned, reported, or tried
 * again (after a wait, a clock re-sync or a new token). `decide` is pure: the client's call loop
 * acts on its answer, and tests drive it without a server.
 */
import type { HttpMethod } from './request';

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

/** Methods whose repetition is harmless: repeated only these after the server may have seen them. */
export const IDEMPOTENT: ReadonlySet<HttpMethod> = new Set<HttpMethod>(['GET', 'PUT', 'DELETE']);

/**
 * Stands for the method of a request that is harmless to send again whatever its method: the
 * OAuth2 token request (a POST that only hands out a token), retried on 5xx like a GET.
 */
export const REPEATABLE = 'REPEATABLE';

/** What one attempt came to, as far as the rules care. */
export type AttemptOutcome =
  | {
      kind: 'answered';
      statusCode: number;
      /** The API's errorCode (or OAuth2 error), for a status of 400 or more. */
      errorCode?: string;
      retryAfter?: string | string[];
      /** Sent with a signature (a refused timestamp can be re-synced). */
      signed: boolean;
      /** Sent with a bearer token (a refused token can be renewed). */
      bearer: boolean;
    }
  | {
      kind: 'transport';
      aborted: boolean;
      reachedServer: boolean;
      /** False when sending again cannot help (an answer over the size limit). */
      repeatable: boolean;
    };

/** What the call loop does next. */
export type RetryAction =
  { action: 'return' } | { action: 'fail' } | { action: 'wait'; ms: number } | { action: 'resync' } | { action: 'renewToken' };

/** What a call has used up so far. */
export interface RetryState {
  /** Failed attempts that count against maxAttempts (network errors, 5xx, 429). */
  failures: number;
  /** One clock re-sync per call. */
  resynced: boolean;
  /** One token renewal per call. */
  tokenRenewed: boolean;
}

export const FRESH_RETRY_STATE: RetryState = { failures: 0, resynced: false, tokenRenewed: false };

/** The next action for an attempt's outcome, and the state after it. */
export function decide(
  outcome: AttemptOutcome,
  state: RetryState,
  method: HttpMethod | typeof REPEATABLE,
  options: RetryOptions,
  clock: { now?: number; random?: () => number } = {},
): { next: RetryAction; state: RetryState } {
  const idempotent = method === REPEATABLE || IDEMPOTENT.has(method);
  if (outcome.kind === 'transport') {
    if (outcome.aborted || !outcome.repeatable) return { next: FAIL, state };
    const failures = state.failures + 1;
    // A request that may have reached the server is repeated only when repeating is harmless.
    const safe = idempotent || !outcome.reachedServer;
    if (safe && failures < options.maxAttempts) {
      return { next: { action: 'wait', ms: backoffDelay(failures, options, clock.random) }, state: { ...state, failures } };
    }
    return { next: FAIL, state: { ...state, failures } };
  }
  const { statusCode } = outcome;
  if (statusCode < 400) return { next: RETURN, state };
  // The server refused our timestamp: re-sync the clock once and send again.
  if (outcome.errorCode === 'QUERY_TIME_OUT' && outcome.signed && !state.resynced) {
    return { next: RESYNC, state: { ...state, resynced: true } };
  }
  // A bearer token the server no longer accepts: fetch a new one once.
  if (statusCode === 401 && outcome.bearer && !state.tokenRenewed) {
    return { next: RENEW_TOKEN, state: { ...state, tokenRenewed: true } };
  }
  if ((statusCode >= 500 || statusCode === 429) && idempotent) {
    const failures = state.failures + 1;
    if (failures < options.maxAttempts) {
      // Retry-After is what 429 and 503 carry (RFC 9110); elsewhere the backoff decides.
      const asked = statusCode === 429 || statusCode === 503 ? retryAfterMs(outcome.retryAfter, clock.now) : undefined;
      if (asked === undefined || asked <= options.maxRetryAfterMs) {
        return {
          next: { action: 'wait', ms: asked ?? backoffDelay(failures, options, clock.random) },
          state: { ...state, failures },
        };
      }
    }
    return { next: FAIL, state: { ...state, failures } };
  }
  return { next: FAIL, state };
}

const RETURN: RetryAction = { action: 'return' };
const FAIL: RetryAction = { action: 'fail' };
const RESYNC: RetryAction = { action: 'resync' };
const RENEW_TOKEN: RetryAction = { action: 'renewToken' };

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

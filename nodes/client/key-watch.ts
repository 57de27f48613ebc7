/**
 * A consumer key's validity, read from the API (`GET /auth/currentCredential`) once at start and
 * then at an interval (a day): a key can be made for a limited time, and then fails with
 * `403 INVALID_CREDENTIAL` with no word of why. One watch per account, whatever its number of
 * nodes; one read at a time, each bounded in time; a read that fails leaves what was known and
 * never touches the account's calls.
 */
import { isPlainObject } from './request';

/** What the API last said of the key. */
export interface KeyValidity {
  /** `validated`, `pendingValidation`, `expired`, `refused`... as the API writes it. */
  status?: string;
  /** When the key stops working; undefined for a key without an end. */
  expiration?: Date;
  /** Local time (ms) of the read. */
  readAt: number;
}

export interface KeyWatchOptions {
  /** Between two reads (default a day). */
  everyMs?: number;
  /** The most one read may take (default 60 s). */
  readTimeoutMs?: number;
}

/** A day: how often the key is read, as its expiry is counted in days. */
export const KEY_READ_EVERY_MS = 24 * 3_600_000;

export class KeyWatch {
  private known: KeyValidity | undefined;
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;
  private readonly stopping = new AbortController();
  private readonly everyMs: number;
  private readonly readTimeoutMs: number;

  constructor(
    /** Reads `GET /auth/currentCredential` (the client's currentCredential). */
    private readonly read: (signal: AbortSignal) => Promise<unknown>,
    /** Called after each read that succeeded, with what it said. */
    private readonly onRead: (validity: KeyValidity) => void,
    options: KeyWatchOptions = {},
  ) {
    // At least a second between reads, whatever the settings say: never a loop of calls.
    this.everyMs = Math.max(1000, options.everyMs ?? KEY_READ_EVERY_MS);
    this.readTimeoutMs = Math.max(1, options.readTimeoutMs ?? 60_000);
  }

  /** What the last successful read said, if one did. */
  get validity(): KeyValidity | undefined {
    return this.known;
  }

  /** Reads now, then every interval until stopped. */
  start(): void {
    if (this.stopping.signal.aborted || this.reading || this.timer) return;
    this.readNow();
  }

  /** Stops the reads, the one in flight included. */
  stop(): void {
    this.stopping.abort();
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The read in flight, for tests and for a caller that wants the first answer. */
  settled(): Promise<void> {
    return this.reading ?? Promise.resolve();
  }

  private readNow(): void {
    this.timer = undefined;
    const signal = AbortSignal.any([this.stopping.signal, AbortSignal.timeout(this.readTimeoutMs)]);
    this.reading = this.read(signal)
      .then((answer) => {
        if (this.stopping.signal.aborted) return;
        this.known = readValidity(answer);
        this.onRead(this.known);
      })
      // A failed read says nothing of the key: what was known stands, and calls go on as they were.
      .catch(() => undefined)
      .finally(() => {
        this.reading = undefined;
        if (this.stopping.signal.aborted) return;
        this.timer = setTimeout(() => this.readNow(), this.everyMs);
        this.timer.unref();
      });
  }
}

/** The status and expiration of a `GET /auth/currentCredential` answer; anything else is left out. */
export function readValidity(answer: unknown, now = Date.now()): KeyValidity {
  const record = isPlainObject(answer) ? answer : {};
  const status = typeof record.status === 'string' ? record.status.slice(0, 40) : undefined;
  const ms = typeof record.expiration === 'string' ? Date.parse(record.expiration) : Number.NaN;
  return { status, expiration: Number.isNaN(ms) ? undefined : new Date(ms), readAt: now };
}

/** Whole days left before an expiry (0 on its last day, negative once passed). */
export function daysLeft(expiration: Date, now = Date.now()): number {
  return Math.floor((expiration.getTime() - now) / 86_400_000);
}

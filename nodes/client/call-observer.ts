/**
 * What a client tells an observer of each call once it ended (for a log line: go-ovh's request
 * logger, the CLI's `--debug`): what was called, how it went, and, when asked, the bodies sent and
 * answered with every secret the client knows masked (redact.ts). Never a header, never a
 * signature, never a token.
 */
import { SECRET_MASK, type Secrets } from './redact';

export interface CallRecord {
  method: string;
  /** The path as the caller wrote it (placeholders unfilled, no query). */
  path: string;
  /** The last attempt's status; undefined when no answer came (a network failure, a timeout). */
  statusCode?: number;
  durationMs: number;
  attempts: number;
  /** `X-Ovh-QueryID` of the last answer. */
  queryId?: string;
  /** The error's code when the call failed (`NOT_GRANTED_CALL`, `HTTP_500`, `TIMEOUT`, `ABORTED`...). */
  error?: string;
  /** With bodies: the body sent (secrets masked, at most MOST_BODY_CHARS), when one was. */
  sent?: string;
  /** With bodies: the answer's text (secrets masked, at most MOST_BODY_CHARS), when one came. */
  answered?: string;
}

export type CallObserver = (record: CallRecord) => void;

/** The most characters of a body an observer is given: a log line, not a copy of a 64 MB answer. */
export const MOST_BODY_CHARS = 16 * 1024;

/**
 * Characters read past the cut before masking: a secret that straddles the cut is then masked
 * whole, and what is left of it past the cut dropped. More than any secret's longest form.
 */
const MASK_MARGIN = 4096;

/** A body as an observer may see it: secrets masked first, then cut (never a secret cut in half and left). */
export function observedBody(text: string, secrets: Secrets, most = MOST_BODY_CHARS): string {
  if (text.length <= most) return secrets.text(text);
  const masked = secrets.text(text.slice(0, most + MASK_MARGIN));
  // The margin's tail may hold the start of a secret cut off by the slice: it is dropped.
  const kept = masked.slice(0, Math.max(0, masked.length - MASK_MARGIN));
  return `${kept.slice(0, most)}... (${text.length} characters)`;
}

/** What stands for an answer that is itself a secret (a token, a new consumer key). */
export const SECRET_ANSWER = SECRET_MASK;

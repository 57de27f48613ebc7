import { ruleOf } from './flow-rules';
import type { Secrets } from './redact';

/**
 * Errors raised by the OVHcloud client. Every error says what was being called (method and
 * path, never a secret) so that a person reading a log can act on it. An error built from what a
 * server sent is given the client's secrets: what it keeps of the answer (and so its message and
 * stack) has them masked (redact.ts).
 */

/** Base class: catch this to handle every error of the client. */
export class OvhError extends Error {
  /** Stable machine-readable kind, e.g. `INVALID_INPUT`, `NETWORK`, `TIMEOUT`, or the API's errorCode. */
  code: string;
  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Why some input errors happened, for a short status: the message says it in full. */
export type InputReason = { kind: 'missing-value'; placeholder: string } | { kind: 'missing-credentials' };

/** A call refused before anything was sent: bad method, path, placeholder, query, body or header. */
export class OvhInputError extends OvhError {
  readonly reason?: InputReason;
  constructor(message: string, reason?: InputReason) {
    super(message, 'INVALID_INPUT');
    this.reason = reason;
  }
}

/** Hints for the API error codes a person most often meets, in words that say what to do. */
const HINTS: Record<string, string> = {
  INVALID_CREDENTIAL:
    'the consumer key is not valid: it is still pending validation (open its validation URL and log in) or it has expired (request a new one)',
  NOT_CREDENTIAL: 'the consumer key is unknown to this application: request a new one',
  INVALID_KEY: 'the application key is invalid, or belongs to another region than the endpoint',
  NOT_GRANTED_CALL: "the consumer key's access rules do not allow this method and path",
  INVALID_SIGNATURE: 'the application secret does not match the application key',
  QUERY_TIME_OUT: "the request's timestamp was out of the server's window even after a time re-sync",
};

export interface OvhApiErrorInit {
  statusCode: number;
  method: string;
  path: string;
  /** The URL as sent. */
  url?: string;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  queryId?: string;
  attempts: number;
  /** The secrets sent: masked in the body, headers and query id before anything reads them. */
  secrets?: Secrets;
}

/** The API answered with a status of 400 or more. */
export class OvhApiError extends OvhError {
  readonly statusCode: number;
  /** Older error bodies: `{"errorCode":"INVALID_SIGNATURE","message":...}`. */
  readonly errorCode?: string;
  /** Newer error bodies: `{"class":"Client::Forbidden","message":...,"details":{...}}`. */
  readonly errorClass?: string;
  /** The API's own message, as it wrote it. */
  readonly apiMessage?: string;
  /** Extra details, e.g. `{unauthorizedActionsByIAM: "vps:apiovh:reboot"}`. */
  readonly details?: unknown;
  /** `X-Ovh-QueryID`: what OVHcloud support asks for. */
  readonly queryId?: string;
  readonly method: string;
  /** The path as the caller wrote it (placeholders unfilled). */
  readonly path: string;
  /** The URL as sent, placeholders filled. */
  readonly url?: string;
  /** The parsed error body (or its text when it was not JSON, e.g. an HTML 502 page). */
  readonly body: unknown;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly attempts: number;
  /**
   * Whether the answer is an error as the OVHcloud API writes them: a message with an errorCode
   * or a `Client::`/`Server::` class, and the X-Ovh-QueryID every API answer carries; or an
   * OAuth2 error with one of RFC 6749's codes. Anything else (an HTML page, a proxy's text,
   * another service's JSON) did not come from the API, and its words are not to be shown where
   * the URL may point anywhere (the dialog's Check).
   */
  readonly isApiErrorBody: boolean;

  constructor(unmasked: OvhApiErrorInit) {
    const init = maskAnswer(unmasked);
    const fields = readErrorBody(init.body);
    const label = fields.errorCode ?? fields.errorClass;
    const parts = [`${init.statusCode}${label ? ' ' + label : ''}`];
    if (fields.message) parts.push(fields.message);
    let hint = fields.errorCode ? HINTS[fields.errorCode] : undefined;
    if (fields.errorCode === 'NOT_GRANTED_CALL') hint += `: ${grantingRule(init.method, init.path)}`;
    if (hint) parts.push(hint);
    if (fields.details !== undefined) parts.push(`details: ${safeStringify(fields.details)}`);
    super(
      failureMessage(init.method, init.path, parts, init.queryId),
      fields.errorCode ?? fields.errorClass ?? `HTTP_${init.statusCode}`,
    );
    this.statusCode = init.statusCode;
    this.errorCode = fields.errorCode;
    this.errorClass = fields.errorClass;
    this.apiMessage = fields.message;
    this.details = fields.details;
    this.queryId = init.queryId;
    this.method = init.method;
    this.path = init.path;
    this.url = init.url;
    this.body = init.body;
    this.headers = init.headers;
    this.attempts = init.attempts;
    this.isApiErrorBody = isApiErrorBody(init.body, init.headers);
  }
  /**
   * The same failure said in the runtime's words instead of the API's (its message and hint): a
   * key refused after its known expiry says when it expired and what to do.
   */
  sayInstead(reason: string): void {
    const label = this.errorCode ?? this.errorClass;
    this.message = failureMessage(
      this.method,
      this.path,
      [`${this.statusCode}${label ? ' ' + label : ''}`, reason],
      this.queryId,
    );
  }
}

/**
 * The access rule a consumer key needs for a call (its placeholders as `*`), and the wider rule
 * that covers every call below the first placeholder.
 */
export function grantingRule(method: string, path: string): string {
  const narrow = ruleOf(method, path);
  const first = narrow.path.indexOf('*');
  const wide = first === -1 ? undefined : narrow.path.slice(0, first + 1);
  return wide && wide !== narrow.path
    ? `a rule ${narrow.method} ${narrow.path} (or the wider ${narrow.method} ${wide}) would allow it`
    : `a rule ${narrow.method} ${narrow.path} would allow it`;
}

const OAUTH2_ERRORS = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
]);

function isApiErrorBody(body: unknown, headers: Record<string, string | string[] | undefined>): boolean {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
  const record = body as Record<string, unknown>;
  if (typeof record.error === 'string' && OAUTH2_ERRORS.has(record.error)) return true;
  const queryId = headers['x-ovh-queryid'];
  return (
    typeof record.message === 'string' &&
    typeof queryId === 'string' &&
    /^[\w.-]{1,100}$/.test(queryId) &&
    ((typeof record.errorCode === 'string' && /^[A-Z][A-Z0-9_]{0,60}$/.test(record.errorCode)) ||
      (typeof record.class === 'string' && /^(Client|Server)::[A-Za-z]+(::[A-Za-z]+)*$/.test(record.class)))
  );
}

/**
 * The server answered, but with something the client will not read: JSON nested deeper than
 * MOST_NESTING levels (no OVHcloud answer does; walking it would overflow the stack). Whatever
 * its status, the same answer would come again: it is not retried.
 */
export class OvhAnswerError extends OvhError {
  readonly statusCode: number;
  readonly method: string;
  readonly path: string;
  readonly url?: string;
  readonly queryId?: string;
  readonly attempts: number;
  constructor(
    reason: string,
    code: string,
    unmasked: {
      statusCode: number;
      method: string;
      path: string;
      url?: string;
      queryId?: string;
      attempts: number;
      secrets?: Secrets;
    },
  ) {
    const init = maskAnswer(unmasked);
    super(failureMessage(init.method, init.path, [reason], init.queryId), code);
    this.statusCode = init.statusCode;
    this.method = init.method;
    this.path = init.path;
    this.url = init.url;
    this.queryId = init.queryId;
    this.attempts = init.attempts;
  }
}

/** The server could not be reached, or the connection broke before a whole answer came. */
export class OvhNetworkError extends OvhError {
  readonly method: string;
  readonly path: string;
  readonly attempts: number;
  constructor(
    message: string,
    code: string,
    init: { method: string; path: string; attempts: number; cause?: unknown; secrets?: Secrets },
  ) {
    // The text of a network error may quote what a server or proxy sent.
    super(`${init.method} ${init.path} failed: ${init.secrets ? init.secrets.text(message) : message}`, code, {
      cause: init.cause,
    });
    this.method = init.method;
    this.path = init.path;
    this.attempts = init.attempts;
  }
}

/** No whole answer within the request timeout. `reason`: which deadline passed, when not the headers'. */
export class OvhTimeoutError extends OvhNetworkError {
  constructor(
    timeoutMs: number,
    init: { method: string; path: string; attempts: number },
    reason = `no answer within ${timeoutMs} ms`,
  ) {
    super(reason, 'TIMEOUT', init);
  }
}

/** The call was aborted by its caller or because the client was closed. */
export class OvhAbortError extends OvhError {
  constructor(message: string) {
    super(message, 'ABORTED');
  }
}

/**
 * What an error keeps of an answer, with the secrets masked: its body, headers and query id (a
 * server may echo anything in any of them). Done before the message is written from them.
 */
function maskAnswer<T extends { body?: unknown; headers?: unknown; queryId?: string; secrets?: Secrets }>(init: T): T {
  const secrets = init.secrets;
  if (!secrets || secrets.empty) return init;
  return {
    ...init,
    body: secrets.value(init.body),
    headers: secrets.value(init.headers),
    queryId: init.queryId === undefined ? undefined : secrets.text(init.queryId),
  };
}

function readErrorBody(body: unknown): { errorCode?: string; errorClass?: string; message?: string; details?: unknown } {
  if (typeof body === 'string') {
    const text = body
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    return { message: text ? text.slice(0, 200) : undefined };
  }
  if (!body || typeof body !== 'object') return {};
  const record = body as Record<string, unknown>;
  const str = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  return {
    errorCode: str(record.errorCode) ?? str(record.error),
    errorClass: str(record.class),
    message: str(record.message) ?? str(record.error_description),
    details: record.details ?? undefined,
  };
}

function safeStringify(value: unknown): string {
  try {
    return typeof value === 'string' ? value : JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** How a failed call is said: `GET /me failed: 403 INVALID_CREDENTIAL: ... (query id ...)`. */
function failureMessage(method: string, path: string, parts: readonly string[], queryId: string | undefined): string {
  return `${method} ${path} failed: ${parts.join(': ')}${queryId ? ` (query id ${queryId})` : ''}`;
}

/**
 * The msg contract of ovh-request: how a message (and the node's own settings) become one
 * API call, and how its answer or failure is written back onto the message.
 */
import {
  OvhAnswerError,
  OvhApiError,
  OvhError,
  OvhInputError,
  OvhTaskError,
  isPlainObject,
  normalizeMethod,
  type HttpMethod,
  type OvhResponse,
  type TaskErrorCode,
} from '../client';
import type { NodeMessage } from '../node-red';
import type { RequestSettings } from './settings';

export interface Call {
  method: HttpMethod;
  path: string;
  params?: Record<string, unknown>;
  query?: unknown;
  headers?: unknown;
  body?: unknown;
}

/** Which msg properties the node's own settings made it ignore, to warn about once. */
export type Ignored = 'method' | 'path';

/**
 * Reads a call from the node's settings and the msg; throws OvhInputError on bad input. When the
 * node's rows set body fields, msg.payload only fills the others, and only when it is an object.
 */
export function readCall(
  config: RequestSettings,
  msg: NodeMessage,
  ignored: (what: Ignored) => void,
  payloadFillsFields = false,
): Call {
  let method: HttpMethod;
  if (config.method === 'msg') {
    if (msg.method === undefined) throw new OvhInputError('No method: set msg.method to GET, POST, PUT or DELETE');
    method = normalizeMethod(msg.method);
  } else {
    method = normalizeMethod(config.method);
    if (msg.method !== undefined && String(msg.method).toUpperCase() !== method) ignored('method');
  }

  let path: string;
  const configPath = config.path;
  if (configPath) {
    path = configPath;
    if (msg.path !== undefined && msg.path !== configPath) ignored('path');
  } else {
    if (msg.path === undefined || msg.path === null || msg.path === '')
      throw new OvhInputError('No path: set one in the node or in msg.path');
    if (typeof msg.path !== 'string') throw new OvhInputError(`msg.path must be a string like /me, not ${typeof msg.path}`);
    path = msg.path.trim();
  }

  if (msg.params !== undefined && msg.params !== null && !isPlainObject(msg.params)) {
    throw new OvhInputError('msg.params must be an object of placeholder values, e.g. {"zoneName":"example.com"}');
  }

  const call: Call = {
    method,
    path,
    params: (msg.params ?? undefined) as Record<string, unknown> | undefined,
    query: msg.query ?? undefined,
    headers: msg.requestHeaders ?? undefined,
  };
  if ((method === 'POST' || method === 'PUT') && config.body !== 'none') {
    call.body = payloadFillsFields ? objectOf(msg.payload) : bodyOf(msg.payload);
  }
  return call;
}

/** msg.payload as a body: a value to write as JSON; a string or Buffer must already be JSON text. */
function bodyOf(payload: unknown): unknown {
  if (payload === undefined || payload === null) return undefined;
  if (typeof payload === 'string' || Buffer.isBuffer(payload)) {
    const text = payload.toString();
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new OvhInputError('msg.payload is a string that is not JSON: give an object, or JSON text');
    }
  }
  return payload;
}

/**
 * msg.payload as the fields of a body the rows also fill: an object (or JSON text of one). A
 * value that only came along is not part of the body: a trigger's timestamp, a number, true, a
 * text that is not JSON, or the list an earlier call answered (`GET .../record` answers ids,
 * and the next node's rows read `msg.payload[0]`). Text that looks like JSON and is not is refused.
 */
function objectOf(payload: unknown): Record<string, unknown> | undefined {
  if (isPlainObject(payload)) return payload;
  if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return undefined;
  const text = payload.toString().trim();
  if (!text.startsWith('{') && !text.startsWith('[')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new OvhInputError('msg.payload is text that starts like JSON but is not: give an object, or JSON text of one');
  }
  if (!isPlainObject(parsed)) throw new OvhInputError(LIST_WITH_ROWS);
  return parsed;
}

const LIST_WITH_ROWS =
  "msg.payload is a list, but this node's body rows make an object: give an object, or leave msg.payload out";

/** What msg.ovh holds: enough to find the call again, never a credential. */
export interface CallFacts {
  queryId?: string;
  method: HttpMethod;
  url: string;
  durationMs: number;
  attempts: number;
  [more: string]: unknown;
}

export function factsOf(res: OvhResponse): CallFacts {
  return { queryId: res.queryId, method: res.method, url: res.url, durationMs: res.durationMs, attempts: res.attempts };
}

/** Writes an answer onto the msg. */
export function writeAnswer(
  msg: NodeMessage,
  res: OvhResponse,
  payload: unknown = res.body,
  facts: CallFacts = factsOf(res),
): NodeMessage {
  msg.payload = payload;
  msg.statusCode = res.statusCode;
  msg.headers = res.headers;
  msg.ovh = facts;
  return msg;
}

/** A task that failed or outlived the wait, with the facts of the call that started it. */
export class TaskFailure extends OvhTaskError {
  constructor(
    override readonly cause: OvhTaskError,
    /** msg.ovh as it leaves: the call's facts, with the task's path or the number of reads. */
    readonly facts: Record<string, unknown>,
  ) {
    super(cause.message, cause.code as TaskErrorCode, cause.task);
    this.name = 'OvhTaskError';
  }
}

/**
 * Writes what is known of a failure onto the msg: the API's status, error body and query id; for
 * a task, the task as it ended (or as last read), which is what the flow needs to act on.
 */
export function writeFailure(msg: NodeMessage, err: unknown): NodeMessage {
  if (err instanceof TaskFailure) {
    msg.payload = err.cause.task;
    msg.ovh = err.facts;
    return msg;
  }
  if (err instanceof OvhApiError || err instanceof OvhAnswerError) {
    msg.statusCode = err.statusCode;
    // An answer refused unread (OvhAnswerError) has its status and query id, not its body.
    if (err instanceof OvhApiError) {
      msg.payload = err.body;
      msg.headers = err.headers;
    }
    msg.ovh = {
      ...(isPlainObject(msg.ovh) ? msg.ovh : {}),
      queryId: err.queryId,
      method: err.method,
      path: err.path,
      url: err.url,
      attempts: err.attempts,
    };
  }
  return msg;
}

/** Any thrown value as text, even one that refuses conversion (e.g. an object without a prototype). */
export function describeThrown(value: unknown): string {
  try {
    return String(value);
  } catch {
    return 'an error that is not an Error';
  }
}

/** msg.error for the second output: the same facts a Catch node gets. */
export function errorFields(err: unknown): Record<string, unknown> {
  const error = err instanceof Error ? err : new Error(describeThrown(err));
  const fields: Record<string, unknown> = { message: error.message, name: error.name };
  if (error instanceof OvhError) fields.code = error.code;
  if (error instanceof OvhAnswerError) {
    fields.statusCode = error.statusCode;
    fields.queryId = error.queryId;
  }
  if (error instanceof OvhApiError) {
    fields.statusCode = error.statusCode;
    fields.errorCode = error.errorCode;
    fields.errorClass = error.errorClass;
    fields.details = error.details;
    fields.queryId = error.queryId;
  }
  return fields;
}

/**
 * Writes one msg per page or item as a sequence a join node completes: `msg.parts` with a fresh
 * id, the index among the parts sent, and the count on the last one. The last part is held back
 * until the sequence ends, so the count is known even when a later page or item fails (failures
 * go to Catch and are not parts). A msg already in a sequence keeps it as `msg.parts.parts`, as
 * Node-RED's split node does, so nested sequences join back.
 */
export class PartsSequence {
  private held: NodeMessage | undefined;
  private sent = 0;

  constructor(
    private readonly id: string,
    /** The input msg's own parts, if it was itself a part of a sequence. */
    private readonly outer: unknown,
    private readonly emit: (msg: NodeMessage) => void,
  ) {}

  add(part: NodeMessage): void {
    if (this.held) this.emit(this.held);
    part.parts = { id: this.id, type: 'array', index: this.sent++, ...(this.outer === undefined ? {} : { parts: this.outer }) };
    this.held = part;
  }

  /** Sends the held part with the count. Nothing is sent for a sequence of no parts. */
  end(): void {
    if (!this.held) return;
    (this.held.parts as Record<string, unknown>).count = this.sent;
    this.emit(this.held);
    this.held = undefined;
  }
}

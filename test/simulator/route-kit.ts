/**
 * What a simulator route is given: the request as parsed, and the answers every route shares
 * (ids or object pages, 404 and 400 in the API's words, task reads). The account's routes live in
 * files of their own (test/simulator/routes/) and reach the simulator only through this kit and
 * its public state, so the simulator's class stays about authentication and faults.
 */
import type http from 'node:http';
import type { ConsumerKeyRecord, RecordedRequest, SimTask } from './simulator';

export interface Context {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  record: RecordedRequest;
  /** API path without the version prefix for /1.0 (`/me`), with it for /v2 (`/v2/iam/policy`). */
  apiPath: string;
  segments: string[];
  query: URLSearchParams;
  body: unknown;
  consumer?: ConsumerKeyRecord;
  /** The client id of the service account whose token the call carries. */
  serviceAccount?: string;
}

export type Handler = (ctx: Context, params: Record<string, string>) => void;

export interface RouteKit {
  /** Adds a route; `:name` takes one decoded segment, `**` the rest. The first route that matches answers. */
  on(method: string, path: string, handler: Handler): void;
  ok(ctx: Context, body: unknown, status?: number): void;
  /** A /1.0 list: ids, or a page of whole objects when asked for CachedObjectList-Pages. */
  list<T>(ctx: Context, items: T[], idOf: (item: T) => unknown): void;
  notFound(ctx: Context, what: string): void;
  badRequest(ctx: Context, message: string): void;
  /** The 403 an IAM policy gives: the action refused, on the resource. */
  forbiddenByIam(ctx: Context, action: string, urn: string): void;
  /** Answers a task the simulator made, moving it one state on (404 when it does not know the key). */
  readTask(ctx: Context, key: string): void;
  /**
   * Keeps a task that will move through `states` (copied: a later change of sim.taskStates is for
   * the next tasks), in its first state now; `onState` sets the fields that follow a state.
   */
  startTask<T extends Record<string, unknown>>(
    key: string,
    states: string[],
    task: T,
    statusField: string,
    onState?: (task: Record<string, unknown>, status: string) => void,
  ): T;
}

export function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export interface DateRange {
  from: number | null;
  to: number | null;
}

/**
 * The `<field>.from` and `<field>.to` filters of a list's query (`date.from`, `creationDatetime.to`),
 * in ms, null when absent; or the API's message when one is not a datetime. A date alone
 * (`2026-11-01`) is its midnight UTC.
 */
export function dateRange(ctx: Context, field: string): DateRange | string {
  const range: DateRange = { from: null, to: null };
  for (const end of ['from', 'to'] as const) {
    const value = ctx.query.get(`${field}.${end}`);
    if (value === null) continue;
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) return `[${field}.${end}] Given data (${value}) is not valid for type datetime`;
    range[end] = ms;
  }
  return range;
}

/** Whether a datetime is within a range, both ends included. */
export function inRange(range: DateRange, datetime: string): boolean {
  const ms = Date.parse(datetime);
  return (range.from === null || ms >= range.from) && (range.to === null || ms <= range.to);
}

/** The tasks kept under a key prefix (`sms sms-ab12345-1 `), as answered, oldest first. */
export function tasksUnder(tasks: Map<string, SimTask>, prefix: string): Array<Record<string, unknown>> {
  return [...tasks].filter(([key]) => key.startsWith(prefix)).map(([, kept]) => kept.task);
}

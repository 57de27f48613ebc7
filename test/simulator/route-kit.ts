/**
 * What a simulator route is given: the request as parsed, and the answers every route shares
 * (ids or object pages, 404 and 400 in the API's words, task reads). The account's routes live in
 * files of their own (test/simulator/routes/) and reach the simulator only through this kit and
 * its public state, so the simulator's class stays about authentication and faults.
 */
import type http from 'node:http';
import type { ConsumerKeyRecord, RecordedRequest } from './simulator';

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
}

export function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

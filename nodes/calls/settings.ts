/**
 * ovh-request's settings, read once per node into typed values. The bounds live here only: the
 * editor receives them through the node type's settings (RED.settings.ovhRequestBounds). No
 * Node-only import: the editor's dialogs bundle migrateRequestConfig from here.
 */

/** Where a number setting may go, and what an empty or out-of-range value becomes. */
export interface Bound {
  min: number;
  max: number;
  default: number;
}

export const BOUNDS = {
  /** Expand: item calls at once. */
  concurrency: { min: 1, max: 32, default: 4 },
  /** Pages: X-Pagination-Size; empty means the server's default. */
  pageSize: { min: 1, max: 10_000, default: 100 },
  /** Pages: the most pages followed before the call fails. */
  maxPages: { min: 1, max: 100_000, default: 100 },
  /** Waiting for a task: seconds before the wait gives up (an hour by default, a week at most). */
  taskTimeout: { min: 1, max: 604_800, default: 3600 },
  /** Repeat until: seconds between two reads (a day at most). */
  repeatEvery: { min: 1, max: 86_400, default: 10 },
} as const satisfies Record<string, Bound>;

export type Mode = 'single' | 'pages' | 'expand';
export type Split = 'one' | 'each';
/** After one call: send the answer, wait until the task it answered ends, or read again until a condition holds. */
export type Wait = 'none' | 'task' | 'until';

/** The node's properties, as they appear in an exported flow. */
export interface RequestConfig {
  account?: string;
  /** GET, POST, PUT, DELETE, or `msg` for msg.method. */
  method?: string;
  /** May hold `{name}` placeholders; empty means msg.path. */
  path?: string;
  /** `payload` sends msg.payload as the JSON body of POST and PUT; `none` never sends a body. */
  body?: 'payload' | 'none';
  /** `single` call, `pages` (follow /v2 cursors) or `expand` (GET a /1.0 list of ids, then each id). */
  mode?: Mode;
  /** For pages and expand: one msg with every item (`one`), or one msg per page / item (`each`). */
  split?: Split;
  concurrency?: number | string;
  pageSize?: number | string;
  maxPages?: number | string;
  /** Failures go to a second output instead of a Catch node. */
  errorOutput?: boolean;
  /**
   * One call: `task` waits until the task it answered ends and sends the task as it ended;
   * `until` (GET) reads again every `repeatEvery` seconds until the JSONata `until` holds.
   */
  wait?: Wait;
  /** The first form of the option: read as `wait: 'task'` unless `wait` says `until` (the dialog clears it). */
  waitTask?: boolean;
  /** A JSONata condition on the msg as it would leave (`payload.status = "ACTIVE"`). */
  until?: string;
  repeatEvery?: number | string;
  /** Seconds the wait (for a task or a condition) may last. */
  taskTimeout?: number | string;
  /** The parameter rows (calls/parameter-rows.ts): a TypedInput value per placeholder, query parameter or body field. */
  parameters?: unknown;
}

export interface RequestSettings {
  /** GET, POST, PUT, DELETE, or `msg`. */
  method: string;
  /** Trimmed; empty means msg.path. */
  path: string;
  body: 'payload' | 'none';
  mode: Mode;
  split: Split;
  concurrency: number;
  /** Undefined: the server's default page size. */
  pageSize: number | undefined;
  maxPages: number;
  errorOutput: boolean;
  wait: Wait;
  /** Trimmed; only with `wait: 'until'`. */
  until: string;
  repeatEveryMs: number;
  taskTimeoutMs: number;
}

/**
 * A node's settings as saved by any version of its dialog, in today's form. The first form of
 * the task wait, a checkbox (`waitTask: true`), waits for the task unless `wait` says `until`,
 * even once a dialog gave it `wait: 'none'`; it is then cleared, the choice saying it. The
 * runtime, the request dialog and the account dialog's "Rules for my flows" read a node through this.
 */
export function migrateRequestConfig<T extends RequestConfig>(
  config: T,
): Omit<T, 'wait' | 'waitTask'> & { wait: Wait; waitTask: false } {
  const wait: Wait = config.wait === 'until' ? 'until' : config.wait === 'task' || config.waitTask === true ? 'task' : 'none';
  return { ...config, wait, waitTask: false };
}

export function readSettings(saved: RequestConfig): RequestSettings {
  const config = migrateRequestConfig(saved);
  return {
    method: config.method || 'GET',
    path: (config.path ?? '').trim(),
    body: config.body === 'none' ? 'none' : 'payload',
    mode: config.mode === 'pages' || config.mode === 'expand' ? config.mode : 'single',
    split: config.split === 'each' ? 'each' : 'one',
    concurrency: wholeNumber(config.concurrency, BOUNDS.concurrency),
    pageSize: config.pageSize === '' || config.pageSize === undefined ? undefined : wholeNumber(config.pageSize, BOUNDS.pageSize),
    maxPages: wholeNumber(config.maxPages, BOUNDS.maxPages),
    errorOutput: config.errorOutput === true,
    wait: config.wait,
    until: (config.until ?? '').trim(),
    repeatEveryMs: wholeNumber(config.repeatEvery, BOUNDS.repeatEvery) * 1000,
    taskTimeoutMs: wholeNumber(config.taskTimeout, BOUNDS.taskTimeout) * 1000,
  };
}

/** A whole number within its bounds, or the bound's default. */
export function wholeNumber(value: unknown, bound: Bound): number {
  const n = Number(value);
  return value !== '' && value !== null && Number.isInteger(n) && n >= bound.min && n <= bound.max ? n : bound.default;
}

/**
 * What a node is called where it has no name of its own: the editor's label, and the name Catch
 * nodes and the debug sidebar show for its errors (Node-RED shows the bare id otherwise).
 */
export function requestLabel(config: { name?: string; method?: string; path?: string }): string {
  if (config.name) return config.name;
  const method = config.method === 'msg' ? 'msg.method' : config.method || 'GET';
  return `${method} ${config.path || 'msg.path'}`;
}

export function watchLabel(config: { name?: string; path?: string }): string {
  return config.name || `watch ${config.path ?? ''}`.trim();
}

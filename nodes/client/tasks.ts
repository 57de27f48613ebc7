/**
 * Waiting for an OVHcloud task: many writes answer a task (a reboot, an IP move...) rather than a
 * result, each family naming it its own way. Which families exist and how each reads is a table;
 * the wait polls the task's path with a growing interval, through the same client (limits and
 * retries included), until a final state or its own deadline.
 */
import { isPlainObject } from './request';
import { locate } from './call-path';
import { OvhApiError, OvhError } from './errors';
import type { OvhClient } from './client';
import { sleep } from './retry';

/** One family of tasks: where its tasks live and what their states mean. */
export interface TaskFamily {
  /** The answer types that are this family's tasks (`dedicated.server.Task`). */
  responseTypes: string[];
  /** The service a call acts on, from its path as called (`/dedicated/server/ns1.example.net`). */
  service: RegExp;
  idField: 'taskId' | 'id';
  statusField: 'status' | 'state';
  /** The states of a task still running: with success and failure, every state the family knows. */
  pending: string[];
  success: string[];
  failure: string[];
  /** The task's own path, from the service's. */
  path(service: string, id: string): string;
  progressField?: string;
  /** What a task of the family that succeeded made (a Public Cloud operation's instance): its ids. */
  made?(task: Record<string, unknown>): string[];
}

const TASK_SUCCESS = ['done'];

/** The task families of the /1.0 API (the /v2 resources read their `resourceStatus`). */
export const TASK_FAMILIES: TaskFamily[] = [
  {
    responseTypes: ['dedicated.server.Task'],
    service: /^\/dedicated\/server\/[^/]+/,
    idField: 'taskId',
    statusField: 'status',
    pending: ['init', 'todo', 'doing'],
    success: TASK_SUCCESS,
    failure: ['cancelled', 'customerError', 'ovhError'],
    path: (service, id) => `${service}/task/${id}`,
  },
  {
    responseTypes: ['ip.IpTask'],
    service: /^\/ip\/[^/]+/,
    idField: 'taskId',
    statusField: 'status',
    pending: ['init', 'todo', 'doing'],
    success: TASK_SUCCESS,
    failure: ['cancelled', 'customerError', 'ovhError'],
    path: (service, id) => `${service}/task/${id}`,
  },
  {
    responseTypes: ['vps.Task'],
    service: /^\/vps\/[^/]+/,
    idField: 'id',
    statusField: 'state',
    pending: ['todo', 'doing', 'waitingAck', 'paused', 'blocked'],
    success: TASK_SUCCESS,
    failure: ['error', 'cancelled'],
    path: (service, id) => `${service}/tasks/${id}`,
    progressField: 'progress',
  },
  {
    responseTypes: ['domain.zone.Task'],
    service: /^\/domain\/zone\/[^/]+/,
    idField: 'id',
    statusField: 'status',
    pending: ['todo', 'doing'],
    success: TASK_SUCCESS,
    failure: ['error', 'problem', 'cancelled'],
    path: (service, id) => `${service}/task/${id}`,
  },
  {
    responseTypes: ['domain.Task'],
    service: /^\/domain\/(?!zone\/)[^/]+/,
    idField: 'id',
    statusField: 'status',
    pending: ['todo', 'doing'],
    success: TASK_SUCCESS,
    failure: ['error', 'problem', 'cancelled'],
    path: (service, id) => `${service}/task/${id}`,
  },
  {
    responseTypes: ['cloud.Operation'],
    service: /^\/cloud\/project\/[^/]+/,
    idField: 'id',
    statusField: 'status',
    pending: ['created', 'in-progress'],
    success: ['completed'],
    failure: ['in-error', 'canceled', 'unknown'],
    path: (service, id) => `${service}/operation/${id}`,
    progressField: 'progress',
    made: operationResources,
  },
  {
    responseTypes: ['sms.Task'],
    service: /^\/sms\/[^/]+/,
    idField: 'taskId',
    statusField: 'status',
    pending: ['todo', 'doing', 'pause'],
    success: TASK_SUCCESS,
    failure: ['error'],
    path: (service, id) => `${service}/task/${id}`,
  },
];

/**
 * The reads a wait for the task of a call may make, as path templates (`/ip/{ip}/task/{id}`):
 * what an access rule must allow beside the call itself. A call whose path names no family's
 * service waits for nothing, and needs nothing more.
 */
export function taskReadPaths(method: string, written: string): string[] {
  // The path as the API names it: without a version prefix (`/1.0/...`) or a query.
  const callPath = locate(written.trim()).path;
  if (callPath.startsWith('/v2/')) return method === 'POST' ? [`${callPath}/{id}`] : [callPath];
  const reads: string[] = [];
  for (const family of TASK_FAMILIES) {
    const service = family.service.exec(callPath)?.[0];
    if (service) reads.push(family.path(service, `{${family.idField}}`));
  }
  return [...new Set(reads)];
}

/** A task an answer stands for: where to read it again, and how to read its state. */
export interface TaskRef {
  path: string;
  /** A failed task's state may come with its reason (a /v2 resource's tasks' errors). */
  read(task: unknown): { state: 'pending' | 'done' | 'failed'; status: string; progress?: number; reason?: string };
  /** The ids of what the task made, once done (a Public Cloud operation's instance); none when it says nothing. */
  made?(task: unknown): string[];
  /** A /v2 resource deleted: gone (404) means done. */
  goneIsDone: boolean;
}

/**
 * The task an answer is, if it is one: known by the operation's answer type when the caller
 * knows it, else by its shape (an id and a status of the family whose service the path names).
 */
export function taskOf(method: string, calledPath: string, answer: unknown, responseType?: string): TaskRef | undefined {
  if (!isPlainObject(answer)) return undefined;
  if (typeof answer.resourceStatus === 'string' && calledPath.startsWith('/v2/')) return resourceOf(method, calledPath, answer);
  for (const family of TASK_FAMILIES) {
    if (responseType !== undefined && !family.responseTypes.includes(responseType)) continue;
    const service = family.service.exec(calledPath)?.[0];
    const id = answer[family.idField];
    const status = answer[family.statusField];
    if (!service || typeof status !== 'string') continue;
    // Known by shape alone, a state the family does not know is another object with an id and a
    // status (a Public Cloud instance `ACTIVE` is no operation).
    const known = [...family.pending, ...family.success, ...family.failure];
    if (responseType === undefined && !known.includes(status)) continue;
    // A task without an id (or id 0) was never made: the write failed, whatever its status says
    // (Terraform's reinstall, which waited on task 0 until its timeout).
    if (!isTaskId(id)) {
      throw new OvhTaskError(
        `${method} ${calledPath} answered a task without an id (${family.idField} ${scalarText(id)}): the task was not created`,
        'TASK_NOT_CREATED',
        answer,
      );
    }
    return {
      path: family.path(service, encodeURIComponent(String(id))),
      goneIsDone: false,
      made: family.made && ((task) => (isPlainObject(task) ? family.made!(task) : [])),
      read: (task) => {
        const t = isPlainObject(task) ? task : {};
        const now = scalarText(t[family.statusField]);
        const progress = family.progressField ? Number(t[family.progressField]) : Number.NaN;
        const state = family.success.includes(now) ? 'done' : family.failure.includes(now) ? 'failed' : 'pending';
        return { state, status: now, ...(Number.isFinite(progress) ? { progress } : {}) };
      },
    };
  }
  return undefined;
}

/**
 * A /v2 write answers the resource: read again until READY (or ERROR, with the reasons its tasks
 * give); after a DELETE, until gone. A POST's resource without an id was not created.
 */
function resourceOf(method: string, calledPath: string, answer: Record<string, unknown>): TaskRef | undefined {
  if (method === 'POST' && !isTaskId(answer.id)) {
    throw new OvhTaskError(
      `${method} ${calledPath} answered a resource without an id (id ${scalarText(answer.id)}): it was not created`,
      'TASK_NOT_CREATED',
      answer,
    );
  }
  const path = method === 'POST' ? `${calledPath}/${encodeURIComponent(scalarText(answer.id))}` : calledPath;
  return {
    path,
    goneIsDone: method === 'DELETE',
    read: (resource) => {
      const status = scalarText(isPlainObject(resource) ? resource.resourceStatus : '');
      if (status === 'ERROR') return { state: 'failed', status, reason: resourceErrors(resource) };
      return { state: status === 'READY' ? 'done' : 'pending', status };
    },
  };
}

/** The most task error messages an ERROR names, and the most characters of each: bounded, whatever the answer. */
const MOST_REASONS = 5;
const LONGEST_REASON = 500;

/**
 * Why a /v2 resource ended in ERROR: the `errors[].message` of its `currentTasks` (the reasons
 * Terraform shows), joined; undefined when they say nothing.
 */
function resourceErrors(resource: unknown): string | undefined {
  const tasks = isPlainObject(resource) && Array.isArray(resource.currentTasks) ? resource.currentTasks : [];
  const messages: string[] = [];
  for (const task of tasks.slice(0, 100)) {
    const errors = isPlainObject(task) && Array.isArray(task.errors) ? task.errors : [];
    for (const error of errors.slice(0, 100)) {
      const message = isPlainObject(error) ? error.message : undefined;
      if (typeof message === 'string' && message.trim() !== '' && messages.length < MOST_REASONS) {
        messages.push(message.trim().slice(0, LONGEST_REASON));
      }
    }
  }
  return messages.length > 0 ? messages.join('; ') : undefined;
}

/**
 * What a completed Public Cloud operation made: its `resourceId`, else its sub-operations'
 * (`instance#create` names the new instance there), as Terraform reads them.
 */
function operationResources(operation: Record<string, unknown>): string[] {
  const ids = new Set<string>();
  if (typeof operation.resourceId === 'string' && operation.resourceId !== '') ids.add(operation.resourceId);
  const subOperations = Array.isArray(operation.subOperations) ? operation.subOperations.slice(0, 100) : [];
  for (const sub of subOperations) {
    if (isPlainObject(sub) && typeof sub.resourceId === 'string' && sub.resourceId !== '') ids.add(sub.resourceId);
  }
  return [...ids];
}

/** A task's id as the API gives a task that exists: a number other than 0, or a non-empty text other than "0". */
function isTaskId(id: unknown): boolean {
  if (typeof id === 'number') return Number.isFinite(id) && id !== 0;
  return typeof id === 'string' && id.trim() !== '' && id.trim() !== '0';
}

/** A task that ended in failure, or outlived its wait; or a repeated read whose condition never held. */
export type TaskErrorCode = 'TASK_FAILED' | 'TASK_TIMEOUT' | 'TASK_UNREADABLE' | 'TASK_NOT_CREATED' | 'REPEAT_TIMEOUT';

export class OvhTaskError extends OvhError {
  constructor(
    message: string,
    code: TaskErrorCode,
    /** The task (or resource, or answer) as last read. */
    readonly task: unknown,
  ) {
    super(message, code);
  }
}

export interface RepeatOptions {
  signal?: AbortSignal;
  /** How long to wait in all (default one hour). */
  timeoutMs?: number;
  /** The first interval between reads, growing by half each time up to the largest (default 3 s, then up to 10 s). */
  firstIntervalMs?: number;
  largestIntervalMs?: number;
}

export interface WaitOptions extends RepeatOptions {
  /** Each state read, for a status. */
  onPoll?: (state: { status: string; progress?: number }) => void;
  /**
   * How long a task may answer 404 or 5xx before its wait gives up (default 5 minutes, as
   * Terraform waits): a task just made may not be readable yet in the region that runs it.
   * Counted from the first of a run of such answers; a read that succeeds starts it again.
   */
  stumbleGraceMs?: number;
}

/** Terraform's grace for a task that answers 404 or 500 for a while. */
export const DEFAULT_STUMBLE_GRACE_MS = 5 * 60_000;

/** A read of a task that may come right with time: not found yet, or a server error. */
function isStumble(err: unknown): boolean {
  return err instanceof OvhApiError && (err.statusCode === 404 || err.statusCode >= 500);
}

/**
 * The one polling loop: reads again, waiting between reads, until `ended` says the value as
 * read is final. Rejects with what `late` makes of the last value when the next read would
 * pass the deadline or a read outlasts it (a slow answer, retries), and at once when the
 * signal aborts.
 */
export async function readUntil<T>(
  first: T,
  readAgain: (signal: AbortSignal) => Promise<T>,
  ended: (value: T) => boolean | Promise<boolean>,
  late: (last: T) => Error,
  options: RepeatOptions = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 3_600_000);
  const signal = options.signal ?? new AbortController().signal;
  // Never faster than every 10 ms, whatever the settings say.
  let interval = Math.max(10, options.firstIntervalMs ?? 3_000);
  const largest = Math.max(interval, options.largestIntervalMs ?? 10_000);
  let value = first;
  while (!(await ended(value))) {
    if (Date.now() + interval > deadline) throw late(value);
    await sleep(interval, signal);
    interval = Math.min(largest, Math.round(interval * 1.5));
    const timeLeft = AbortSignal.timeout(Math.max(1, deadline - Date.now()));
    try {
      value = await readAgain(AbortSignal.any([signal, timeLeft]));
    } catch (err) {
      if (timeLeft.aborted && !signal.aborted) throw late(value);
      throw err;
    }
  }
  return value;
}

/** Polls a task until it ends; resolves with the task as last read, or rejects with OvhTaskError. */
export async function waitForTask(client: OvhClient, ref: TaskRef, first: unknown, options: WaitOptions = {}): Promise<unknown> {
  let last = first;
  const grace = Math.max(0, options.stumbleGraceMs ?? DEFAULT_STUMBLE_GRACE_MS);
  /** When the current run of 404 and 5xx answers began, if one is running. */
  let stumblingSince: number | undefined;
  const readAgain = async (signal: AbortSignal) => {
    try {
      last = (await client.request('GET', ref.path, { signal })).body;
      stumblingSince = undefined;
      return last;
    } catch (err) {
      if (ref.goneIsDone && err instanceof OvhApiError && err.statusCode === 404) return GONE;
      if (signal.aborted) throw err; // the node closing, or the wait's own end
      if (isStumble(err)) {
        stumblingSince ??= Date.now();
        // Read again at the next interval, the task as last read standing for it meanwhile.
        if (Date.now() - stumblingSince < grace) return STUMBLED;
      }
      // The task as last read goes with the reason (OVHcloud purges old tasks: a 404 is possible).
      const reason = err instanceof Error ? err.message : String(err);
      const after = stumblingSince === undefined ? '' : ` (still, after ${Math.round((Date.now() - stumblingSince) / 1000)} s)`;
      throw new OvhTaskError(`The task at ${ref.path} could not be read${after}: ${reason}`, 'TASK_UNREADABLE', last);
    }
  };
  const ended = (task: unknown) => {
    if (task === GONE) return true;
    const read = ref.read(task === STUMBLED ? last : task);
    options.onPoll?.(read);
    if (read.state === 'failed') {
      const reason = read.reason === undefined ? '' : `: ${read.reason}`;
      throw new OvhTaskError(`The task at ${ref.path} ended ${read.status}${reason}`, 'TASK_FAILED', task);
    }
    // A stumble is never the end, even when the task as last read was done (the first answer).
    return task !== STUMBLED && read.state === 'done';
  };
  const late = (task: unknown) => {
    const as = task === STUMBLED ? last : task;
    return new OvhTaskError(`The task at ${ref.path} was still ${ref.read(as).status} when the wait ended`, 'TASK_TIMEOUT', as);
  };
  const task = await readUntil<unknown>(first, readAgain, ended, late, options);
  return task === GONE ? last : task;
}

/**
 * A state or an id as text. Only what reads as one value is: String() of a list joins it,
 * walking every level (an answer's list nested thousands deep would overflow the stack).
 */
function scalarText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  return Array.isArray(value) ? 'a list' : 'an object';
}

/** A /v2 resource that answered 404 after its DELETE: the wait is over, with the resource as last read. */
const GONE = Symbol('gone');
/** A read that answered 404 or 5xx within the grace: the wait goes on, with the task as last read. */
const STUMBLED = Symbol('stumbled');

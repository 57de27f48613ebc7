/**
 * The consumer-key wizard's "rules for my flows": the dialog gathers the method, path, mode and
 * wait of every request node using the account, and the path of every watch, and the runtime answers the fewest access rules that
 * allow those calls (flow-rules.ts in the client), with who needs each; after a Check, also what
 * the key's rules do not allow and which of them no call uses. Nothing is fetched and no key
 * is read, so whoever may read the flows may ask.
 */
import {
  OvhInputError,
  appendAll,
  isPlainObject,
  itemPath,
  normalizeMethod,
  pathTemplateError,
  taskReadPaths,
  type FlowCall,
  type Rule,
} from '../client';
import { TooMuchWorkError, compareRulesWork, rulesDeadline, rulesForCallsWork } from '../client/flow-rules';
import { finishInSlices, type Work, type WorkDeadline } from '../client/work';
import type { AdminRequest, AdminResponse, NodeAPI } from '../node-red';

/**
 * What one question may cost. Node-RED's admin body parser has already read and parsed the body
 * before this route runs, up to its `apiMaxLength` setting (5 MB by default): that much is out of
 * this route's hands (lower `apiMaxLength` to bound it). These bounds keep the rest small:
 * - MOST_CALLS: more calls than any set of flows makes (a few hundred is already many); with
 *   expand's items and a task's reads, a few thousand rules at most.
 * - MOST_TEXT: a path or a name longer than any real one.
 * - MOST_BODY_BYTES: 2,000 calls with a path and a name of 500 characters each; a larger body is
 *   refused by its Content-Length before any work on it.
 * - SLICE_MS: the work pauses whenever it has held the event loop this long, so other flows and
 *   requests run between its slices; one question works at a time, or the slices of several would
 *   run back to back.
 * - MOST_WORK_MS: from its arrival (waiting for another question included), a question is
 *   answered within this time or refused with 413. Honest flows take a few milliseconds of work
 *   (calls are compared only within a method and with the rules their literal prefix reaches);
 *   on a loaded machine, or a small one, the slices leave room for them. Only input made to hurt
 *   comes near: a few hundred milliseconds of one core at most, never the event loop for long.
 */
const MOST_CALLS = 2000;
const MOST_TEXT = 500;
const MOST_BODY_BYTES = 1024 * 1024;
const SLICE_MS = 10;
const MOST_WORK_MS = 500;

/** A question larger than this route answers: 413, with what to change. */
class TooLarge extends Error {}

/** The question being worked on: the next one starts when it ends (the IAM routes' questions too). */
let working: Promise<unknown> = Promise.resolve();

export function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  const done = working.then(work);
  working = done.catch(() => undefined);
  return done;
}

/** A node whose call no rule can be made for: named in the answer, not a refusal of every node. */
class UnusableCall extends Error {
  constructor(
    readonly by: string,
    reason: string,
  ) {
    super(reason);
  }
}

/**
 * The calls a node makes: its own; in expand mode (a watch reading objects too) each item's; and
 * when it waits for the task its call answers, the task's reads. Its path is read as the runtime
 * reads it (trimmed); a path the runtime would refuse, or one holding `*` (which a rule would read
 * as "anything"), makes no rule.
 */
function callsOf(raw: unknown): FlowCall[] {
  if (!isPlainObject(raw)) throw new OvhInputError('Each call is an object: {method, path, mode, by}');
  const text = (value: unknown, name: string) => {
    if (typeof value !== 'string' || value === '') throw new OvhInputError(`Each call needs a ${name} (text)`);
    return value;
  };
  const by = text(raw.by, 'by').slice(0, MOST_TEXT);
  const method = normalizeMethod(text(raw.method, 'method'));
  const path = text(raw.path, 'path').trim();
  if (path.length > MOST_TEXT) throw new UnusableCall(by, `a path of more than ${MOST_TEXT} characters`);
  const refused = pathTemplateError(path) ?? (path.includes('*') ? 'a path holding *' : undefined);
  if (refused) throw new UnusableCall(by, refused);
  const call = { method, path, by };
  // Expand reads the list, then `<list path>/{id}` for each id (calls/modes.ts).
  if (raw.mode === 'expand') return [call, { ...call, path: itemPath(call.path, 'id') }];
  if (raw.wait === 'task')
    return [call, ...taskReadPaths(call.method, call.path).map((p) => ({ ...call, method: 'GET' as const, path: p }))];
  return [call];
}

/** A key's rules as the Check read them, if given. */
function rulesOf(raw: unknown): Rule[] | undefined {
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw) || raw.length > MOST_CALLS) throw new OvhInputError('keyRules is a list of {method, path}');
  return raw.map((r: unknown) => {
    if (
      !isPlainObject(r) ||
      typeof r.method !== 'string' ||
      typeof r.path !== 'string' ||
      r.path.length > MOST_TEXT ||
      r.method.length > MOST_TEXT
    ) {
      throw new OvhInputError('keyRules is a list of {method, path}');
    }
    return { method: r.method.toUpperCase(), path: r.path };
  });
}

/** The calls a question names (each node's, its items', its task's reads), and the nodes whose call makes none. */
export function* gatherCalls(
  body: unknown,
  deadline: WorkDeadline,
): Work<{ gathered: FlowCall[]; unusable: Array<{ by: string; reason: string }> }> {
  const calls = isPlainObject(body) ? body.calls : undefined;
  if (!Array.isArray(calls) || calls.length > MOST_CALLS) throw new OvhInputError(`Send {calls: [...]}, at most ${MOST_CALLS}`);
  const gathered: FlowCall[] = [];
  const unusable: Array<{ by: string; reason: string }> = [];
  for (const raw of calls) {
    deadline.check(); // reading a call checks its path as a request would: microseconds, not steps
    if (deadline.sliceOver) yield;
    try {
      appendAll(gathered, callsOf(raw));
    } catch (err) {
      if (!(err instanceof UnusableCall)) throw err;
      unusable.push({ by: err.by, reason: err.message });
    }
  }
  return { gathered, unusable };
}

/** The answer to one question: the rules for its calls, the calls that make none, and the Check's comparison. */
function* answerOf(body: unknown, deadline: WorkDeadline): Work<object> {
  const { gathered, unusable } = yield* gatherCalls(body, deadline);
  const keyRules = isPlainObject(body) ? rulesOf(body.keyRules) : undefined;
  const rules = yield* rulesForCallsWork(gathered, deadline);
  // With the rules of the key in use (the Check's answer): what they do not allow, what no call uses.
  const comparison = keyRules ? yield* compareRulesWork(keyRules, gathered, deadline) : undefined;
  return { rules, unusable, ...(comparison ? { comparison } : {}) };
}

export function registerFlowRulesRoute(RED: NodeAPI): void {
  RED.httpAdmin.post(
    '/ovh-credentials/rules-for-calls',
    RED.auth.needsPermission('ovh-credentials.read'),
    async (req: AdminRequest, res: AdminResponse) => {
      try {
        checkQuestionSize(req);
        const deadline = questionDeadline();
        res.status(200).json(await oneAtATime(() => finishInSlices(answerOf(req.body, deadline), deadline)));
      } catch (err) {
        res.status(questionRefusal(err) ?? 400).json({ error: err instanceof Error ? err.message : String(err) });
      }
    },
  );
}

/** Refuses a question over its byte budget, or of no stated length (sent in chunks), which the budget could not bound. */
export function checkQuestionSize(req: AdminRequest): void {
  const length = Number(req.headers['content-length']);
  if (!(length <= MOST_BODY_BYTES)) {
    throw new TooLarge(
      `The calls are more than ${MOST_BODY_BYTES / 1024 / 1024} MB of JSON, or of no stated length (${Number.isFinite(length) ? `${length} bytes` : 'no Content-Length'}): too many to compare`,
    );
  }
}

/** The time one question's work over the flows may take, in slices. */
export function questionDeadline(): WorkDeadline {
  return rulesDeadline(MOST_WORK_MS, SLICE_MS);
}

/** 413 for a question too large or too much work, undefined for any other error. */
export function questionRefusal(err: unknown): 413 | undefined {
  return err instanceof TooLarge || err instanceof TooMuchWorkError ? 413 : undefined;
}
